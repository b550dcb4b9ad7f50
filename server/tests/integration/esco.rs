//! ESCO: the skills (JSON list and skills.csv) as frameworks grouped by skill type with ESCO
//! URIs as identifiers, the ICT occupations as positions requiring their essential skills,
//! found by label; broken files change nothing.

use crate::helpers::*;
use app::server::imports::import;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/data/esco");

fn data(name: &str) -> Vec<u8> {
    std::fs::read(format!("{DIR}/{name}")).expect("the ESCO files are in ../shared/data")
}

/// Imports the ESCO ICT occupations (as positions).
async fn ict_occupations(app: &TestApp) -> Result<app::server::imports::Done, app::api::AppError> {
    import(
        &app.db,
        "esco-occupations",
        &data("ict_occupations.json"),
        false,
    )
    .await
}

#[tokio::test]
async fn the_ict_skills_import_grouped_by_type_with_their_uris() {
    let app = TestApp::empty().await;
    let done = import(&app.db, "esco-skills", &data("ict_skills.json"), false)
        .await
        .unwrap();
    assert!(done.skipped.is_empty(), "{:?}", done.skipped);
    assert_eq!(done.written, 877 + 2, "877 skills under two skill types");
    // One item carries an extension's URI (http://par-tec.it/esco/…); it is kept too.
    let f = done.framework.unwrap().0;
    let groups: Vec<(String, i64)> = sqlx::query_as(
        "select c.title, count(n.id) from framework_node c join framework_node n on n.parent_id = c.id \
         where c.framework_id = $1 and c.parent_id is null group by c.title, c.position order by c.position",
    )
    .bind(f)
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(
        groups,
        [
            ("Skills and competences".to_string(), 563),
            ("Knowledge".to_string(), 314)
        ]
    );
    let (title, alt, definition): (String, String, String) = sqlx::query_as(
        "select title, alt_labels, definition from framework_node where framework_id = $1 and external_id = $2",
    )
    .bind(f)
    .bind("http://data.europa.eu/esco/skill/000f1d3d-220f-4789-9c0a-cc742521fb02")
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(title, "Haskell");
    assert!(definition.starts_with("The techniques and principles"));
    assert_eq!(
        alt, "[]",
        "an alternative label equal to the label is not repeated"
    );
    let uris = app.count(format!("select count(*) from framework_node where framework_id = {f} and external_id like 'http://data.europa.eu/esco/skill/%'"),
    )
    .await;
    assert_eq!(uris, 876);
}

#[tokio::test]
async fn all_esco_skills_then_the_ict_occupations_as_positions() {
    let app = TestApp::empty().await;
    // Occupations need the skills first; nothing is written without them.
    let err = ict_occupations(&app).await.unwrap_err().to_string();
    assert!(err.contains("import the ESCO skills"), "{err}");
    assert_eq!(app.count("select count(*) from job_position").await, 0);

    let started = std::time::Instant::now();
    let done = import(&app.db, "esco-skills", &data("skills.csv"), false)
        .await
        .unwrap();
    eprintln!(
        "13,939 ESCO skills imported in {} ms",
        started.elapsed().as_millis()
    );
    assert!(
        done.skipped.is_empty(),
        "{:?}",
        &done.skipped[..done.skipped.len().min(5)]
    );
    let f = done.framework.unwrap().0;
    let skills = app
        .count(format!(
            "select count(*) from framework_node where framework_id = {f} and kind = 'competency'"
        ))
        .await;
    assert_eq!(skills, 13_939);
    let uris = app.count(format!("select count(distinct external_id) from framework_node where framework_id = {f} and parent_id is not null"),
    )
    .await;
    assert_eq!(uris, 13_939);
    // Grouped by first letter, in order; within a letter by title.
    let letters: Vec<String> = sqlx::query_scalar(
        "select title from framework_node where framework_id = $1 and parent_id is null order by position",
    )
    .bind(f)
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    let mut sorted = letters.clone();
    sorted.sort_by_key(|l| (l == "Other", l.clone()));
    assert_eq!(letters, sorted);
    assert!(letters.len() >= 20, "{letters:?}");

    // Now the occupations: every one becomes a position; its essential labels are found.
    let done = ict_occupations(&app).await.unwrap();
    assert_eq!((done.written, done.noun), (91, "positions"));
    assert!(done.skipped.is_empty());
    // The file's README: 701 of the 723 distinct labels match a skills.csv row.
    let not_found = done
        .warnings
        .iter()
        .filter(|w| w.message.contains("matches no ESCO skill"))
        .count();
    assert!(
        (1..=40).contains(&not_found),
        "{not_found} labels not found"
    );
    let requirements = app.count("select count(*) from position_requirement").await;
    assert!(requirements > 91 * 5, "{requirements}");
    let (title, mandatory, required): (String, i64, i64) = sqlx::query_as(
        "select p.title, min(r.mandatory), min(r.required) from job_position p join position_requirement r on r.position_id = p.id \
         where p.external_id = $1 group by p.title",
    )
    .bind("http://data.europa.eu/esco/occupation/0464b062-cea6-4164-b10d-956c61956ae7")
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(title, "ICT security administrator");
    assert_eq!(
        (mandatory, required),
        (1, 3),
        "mandatory, at the default scale's proficiency level"
    );
    // Importing the file again leaves the positions alone.
    let again = ict_occupations(&app).await.unwrap();
    assert_eq!(again.written, 0);
    assert_eq!(app.count("select count(*) from job_position").await, 91);
}

#[tokio::test]
async fn broken_esco_files_are_refused_and_change_nothing() {
    let app = TestApp::empty().await;
    let cases: [(&str, &str, &[u8], &str); 5] = [
        ("esco-skills", "bad JSON", b"[{\"uri\": ", "line 1"),
        ("esco-skills", "an object", b"{\"uri\": 1}", "JSON list"),
        (
            "esco-skills",
            "missing columns",
            b"uri,label\nx,y\n",
            "\u{201c}id\u{201d}",
        ),
        (
            "esco-skills",
            "not UTF-8",
            b"id,description\n\xff,x\n",
            "UTF-8",
        ),
        ("esco-occupations", "bad JSON", b"[", "line 1"),
    ];
    for (format, what, bytes, expected) in cases {
        let err = import(&app.db, format, bytes, true)
            .await
            .expect_err(what)
            .to_string();
        assert!(err.contains(expected), "{what}: {err}");
    }
    // A file with bad rows imports nothing unless the admin skips them.
    let file = b"id,description\nhttp://data.europa.eu/esco/skill/1,apply paint Put paint on walls.\nnot a uri,build walls Put bricks.\n";
    let err = import(&app.db, "esco-skills", file, false)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("line 3") && err.contains("must be a URI"),
        "{err}"
    );
    assert_eq!(app.count("select count(*) from framework").await, 0);
    assert_eq!(app.count("select count(*) from framework_node").await, 0);
    let done = import(&app.db, "esco-skills", file, true).await.unwrap();
    assert_eq!((done.written, done.skipped.len()), (2, 1));
}

#[tokio::test]
async fn the_occupations_csv_becomes_positions_without_requirements() {
    let app = TestApp::empty().await;
    let done = import(&app.db, "esco-occupations", &data("occupations.csv"), false)
        .await
        .unwrap();
    assert!(
        done.skipped.is_empty(),
        "{:?}",
        &done.skipped[..done.skipped.len().min(3)]
    );
    assert_eq!(
        done.written, 3_658,
        "every record (descriptions span lines)"
    );
    assert_eq!(
        app.count("select count(*) from position_requirement").await,
        0
    );
    let (title, description): (String, String) =
        sqlx::query_as("select title, description from job_position where external_id = $1")
            .bind("http://data.europa.eu/esco/occupation/0044c991-c26f-4261-a213-4bd1c0564a4c")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert!(title.starts_with("medical laboratory assistant"), "{title}");
    assert!(
        description.starts_with("Medical laboratory assistants work"),
        "{description}"
    );
}

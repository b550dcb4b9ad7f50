//! Imports: Moodle's competency-framework CSV, all or nothing, every problem named with its
//! line; the CLI prints the new framework's id on its last line.

use crate::helpers::*;
use app::domain::imports::ImportPreview;
use axum::http::StatusCode;

fn oecd() -> String {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/data/moodle/oecd-core-competencies.csv"
    );
    std::fs::read_to_string(path).expect("the Moodle fixture is in ../shared/data")
}

/// The names of a framework's scale levels, lowest first.
async fn scale_names(app: &TestApp, framework: i64) -> Vec<String> {
    sqlx::query_scalar(
        "select l.name from scale_level l join framework f on f.scale_id = l.scale_id where f.id = $1 order by l.level",
    )
    .bind(framework)
    .fetch_all(&app.db.pool)
    .await
    .unwrap()
}

/// A figure of an import preview by its label.
pub fn stat(preview: &ImportPreview, label: &str) -> u32 {
    preview
        .counts
        .iter()
        .find(|c| c.0 == label)
        .unwrap_or_else(|| panic!("no {label} in {preview:?}"))
        .1
}

async fn moodle(
    app: &TestApp,
    bytes: &[u8],
    skip_bad_rows: bool,
) -> Result<app::server::imports::Done, app::api::AppError> {
    app::server::imports::import(&app.db, "moodle-csv", bytes, skip_bad_rows).await
}

#[tokio::test]
async fn the_oecd_moodle_framework_imports_whole() {
    let app = TestApp::empty().await;
    let done = moodle(&app, oecd().as_bytes(), false).await.unwrap();
    assert!(done.skipped.is_empty());
    assert_eq!(done.written, 64, "Moodle's own test counts 64 competencies");
    let f = done.framework.unwrap().0;
    let (name, origin) = app.framework_name_and_origin(f).await;
    assert_eq!(name, "OECD");
    assert_eq!(origin, "moodle-csv");
    assert_eq!(
        app.count(&format!(
            "select count(*) from framework_node where framework_id = {f}"
        ))
        .await,
        64
    );
    // The tree: every parent is in the framework; the roots are the file's top rows.
    let roots = app
        .count(&format!(
            "select count(*) from framework_node where framework_id = {f} and parent_id is null"
        ))
        .await;
    assert!((1..64).contains(&roots), "{roots}");
    let orphans = app.count(&format!("select count(*) from framework_node n left join framework_node p on p.id = n.parent_id \
                  where n.framework_id = {f} and n.parent_id is not null and p.id is null"),
    )
    .await;
    assert_eq!(orphans, 0);
    // Id numbers become identifiers; the two-value scale is kept with Competent as proficient.
    let ids = app
        .count(&format!(
            "select count(distinct external_id) from framework_node where framework_id = {f}"
        ))
        .await;
    assert_eq!(ids, 64);
    assert_eq!(
        scale_names(&app, f).await,
        ["Not yet competent", "Competent"]
    );
    // Siblings keep the file's order.
    let first: String = sqlx::query_scalar(
        "select title from framework_node where framework_id = $1 and parent_id is null order by position limit 1",
    )
    .bind(f)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert!(!first.is_empty());
}

/// The OECD file with one change to the first competency row (line 2 of the data is the
/// framework; records may span lines, so the change is made on parsed records).
fn broken(change: impl Fn(&mut Vec<Vec<String>>)) -> Vec<u8> {
    let text = oecd();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect();
    change(&mut records);
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in &records {
        w.write_record(r).unwrap();
    }
    w.into_inner().unwrap()
}

#[tokio::test]
async fn a_file_with_problems_changes_nothing_and_names_each_line() {
    let app = TestApp::empty().await;
    let before = app.count("select count(*) from framework_node").await;
    // The last competency loses its id number; another points at an unknown parent.
    let file = broken(|r| {
        let n = r.len();
        r[n - 1][1] = String::new();
        r[n - 2][0] = "NO-SUCH-PARENT".into();
    });
    let err = moodle(&app, &file, false).await.unwrap_err().to_string();
    assert!(err.contains("Nothing was imported"), "{err}");
    assert!(err.contains("The Id number is empty"), "{err}");
    assert!(err.contains("\u{201c}NO-SUCH-PARENT\u{201d}"), "{err}");
    assert!(err.contains("line "), "{err}");
    assert_eq!(
        app.count("select count(*) from framework_node").await,
        before
    );
    assert_eq!(app.count("select count(*) from framework").await, 0);
    // The admin may import the valid rows instead.
    let done = moodle(&app, &file, true).await.unwrap();
    assert_eq!(done.skipped.len(), 2);
    assert_eq!(done.written, 62);

    // Files that are not a framework at all.
    let no_column = broken(|r| r[0][12] = "Framework?".into());
    let err = moodle(&app, &no_column, true)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("line 1") && err.contains("is framework"),
        "{err}"
    );
    let no_framework = broken(|r| r[1][12] = String::new());
    let err = moodle(&app, &no_framework, true)
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("Is framework"), "{err}");
    let err = moodle(&app, b"Parent id number,Id number\n\xff\xfe,x\n", false)
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("line 2") && err.contains("UTF-8"), "{err}");
    let err = moodle(&app, b"", false).await.unwrap_err().to_string();
    assert!(err.contains("Choose a file"), "{err}");
    assert_eq!(app.count("select count(*) from framework").await, 1);
}

#[test]
fn the_cli_prints_the_new_framework_id_last() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("oecd.csv");
    std::fs::write(&file, oecd()).unwrap();
    let (ok, stdout, stderr) = cli(dir.path(), &["import", "moodle-csv", path(&file)]);
    assert!(ok, "{stderr}");
    let last = stdout.trim().lines().last().unwrap();
    assert!(last.parse::<i64>().unwrap() > 0, "{stdout}");
    // ...and exports it again, to standard output or a file.
    let exported = dir.path().join("out.csv");
    let (ok, _, stderr) = cli(
        dir.path(),
        &["export", "moodle-csv", last, "-o", path(&exported)],
    );
    assert!(ok, "{stderr}");
    assert_eq!(
        shape(&std::fs::read_to_string(&exported).unwrap()),
        shape(&oecd())
    );
    // A bad file: a clear message and a failing exit code, nothing printed as an id.
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "not,a,framework\n1,2,3\n").unwrap();
    let (ok, _, stderr) = cli(dir.path(), &["import", "moodle-csv", path(&bad)]);
    assert!(!ok);
    assert!(stderr.contains("line 1"));
}

#[tokio::test]
async fn an_admin_uploads_previews_and_confirms_in_the_browser_flow() {
    let app = TestApp::demo_unrated().await;
    let before: i64 = app.count("select count(*) from framework").await;
    let admin = app.sign_in(ADMIN, PW).await;
    // A browser's upload goes to the preview; nothing is imported yet.
    let file = oecd();
    let res = app
        .upload_import(
            "moodle-csv",
            ("oecd.csv", file.as_bytes()),
            true,
            Some(&admin),
        )
        .await
        .expect_status(StatusCode::SEE_OTHER, "upload_import");
    let location = res.location().unwrap();
    let id = location
        .strip_prefix("/frameworks/import/")
        .expect("to the preview")
        .to_string();
    assert_eq!(app.count("select count(*) from framework").await, before);
    let page = app
        .expect_get(&location, Some(&admin), StatusCode::OK)
        .await;
    assert!(
        page.body.contains("Import \u{201c}OECD\u{201d}"),
        "the preview names the framework"
    );
    let preview: ImportPreview = app
        .call("/api/imports/preview", &[("id", &id)], Some(&admin))
        .await
        .parse();
    assert_eq!(
        stat(&preview, "competencies") + stat(&preview, "skills"),
        64
    );
    assert_eq!(preview.problems.len(), 0);
    // Confirming imports it once; the staged file is gone afterwards.
    app.expect(
        "/api/imports/confirm",
        &[("id", &id)],
        Some(&admin),
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        app.count("select count(*) from framework").await,
        before + 1
    );
    app.expect(
        "/api/imports/confirm",
        &[("id", &id)],
        Some(&admin),
        StatusCode::NOT_FOUND,
    )
    .await;

    // A broken file goes back to the form with the reason, staged nothing.
    let res = app
        .upload_import("moodle-csv", ("x.csv", b"a,b\n1,2\n"), true, Some(&admin))
        .await
        .expect_status(StatusCode::SEE_OTHER, "upload_import");
    let back = res.location().unwrap();
    assert!(
        back.starts_with("/frameworks/import?error=") && back.contains("field=file"),
        "{back}"
    );
    // Only admins may import; another admin's staged file is not found for HR either.
    let hr = app.sign_in(HR, PW).await;
    app.upload_import_forbidden("moodle-csv", ("oecd.csv", file.as_bytes()), &hr)
        .await;
    app.expect(
        "/api/imports/preview",
        &[("id", &id)],
        Some(&hr),
        StatusCode::FORBIDDEN,
    )
    .await;
}

/// (id number, title, definition, parent's id number) of every node, in file order.
type Shape = Vec<(String, String, String, String)>;

fn shape(text: &str) -> Shape {
    let (header, rows) = app::server::imports::read_csv(text.as_bytes()).unwrap();
    let plan = app::domain::moodle::plan(&header, &rows).unwrap();
    assert!(plan.problems.is_empty(), "{:?}", plan.problems);
    plan.nodes
        .iter()
        .map(|n| {
            (
                n.id_number.clone(),
                n.title.clone(),
                n.definition.clone(),
                n.parent
                    .map(|p| plan.nodes[p].id_number.clone())
                    .unwrap_or_default(),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_moodle_framework_round_trips_through_export() {
    let app = TestApp::demo_unrated().await;
    let done = moodle(&app, oecd().as_bytes(), false).await.unwrap();
    let admin = app.sign_in(ADMIN, PW).await;
    let (res, disposition) = app
        .download(
            &format!("/frameworks/{}/moodle.csv", done.framework.unwrap().0),
            &admin,
        )
        .await;
    assert!(disposition.contains("oecd-moodle.csv"));
    // Same identifiers, titles, texts, hierarchy and order as the file imported.
    assert_eq!(shape(&res.body), shape(&oecd()));
    let again = moodle(&app, res.body.as_bytes(), false).await.unwrap();
    assert_eq!(again.written, 64);
    let (first, second) = (done.framework.unwrap().0, again.framework.unwrap().0);
    assert_eq!(
        scale_names(&app, second).await,
        ["Not yet competent", "Competent"]
    );
    // Cross references are kept as related links and written back.
    let links = |f: i64| {
        format!(
            "select count(*) from framework_link where framework_id = {f} and kind = 'isRelatedTo'"
        )
    };
    let kept = app.count(&links(first)).await;
    assert!(
        kept >= 39,
        "the OECD file cross-references 39 behaviours: {kept}"
    );
    assert_eq!(app.count(&links(second)).await, kept);
    // A demo framework exports too; only admins may export.
    let demo: i64 = sqlx::query_scalar("select min(id) from framework")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let res = app
        .expect_get(
            &format!("/frameworks/{demo}/moodle.csv"),
            Some(&admin),
            StatusCode::OK,
        )
        .await;
    assert!(!shape(&res.body).is_empty());
    let hr = app.sign_in(HR, PW).await;
    app.expect_get(
        &format!("/frameworks/{demo}/moodle.csv"),
        Some(&hr),
        StatusCode::FORBIDDEN,
    )
    .await;
}

/// A file's path as the command line takes it.
fn path(file: &std::path::Path) -> &str {
    file.to_str().expect("a UTF-8 temporary path")
}

/// Runs the binary on the SQLite file in `dir`; returns (success, stdout, stderr).
fn cli(dir: &std::path::Path, args: &[&str]) -> (bool, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_proficio"))
        .arg("--database")
        .arg(format!("sqlite://{}", dir.join("cli.db").display()))
        .args(args)
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn every_format_imports_from_the_cli_and_case_exports() {
    let dir = tempfile::tempdir().unwrap();
    let data = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/data");
    let last = |s: &str| s.trim().lines().last().unwrap_or("").to_string();
    // Frameworks print their id last; occupations and people print how many they wrote.
    for (format, file, kinds) in [
        (
            "case",
            "case/what-standards-could-be.json",
            "Cluster = competency",
        ),
        ("esco-skills", "esco/ict_skills.json", ""),
        ("progression-yaml", "progression/ft-engineering.yml", ""),
    ] {
        let path = format!("{data}/{file}");
        let mut args = vec!["import", format, path.as_str()];
        if !kinds.is_empty() {
            args.extend(["--kind", kinds]);
        }
        let (ok, out, err) = cli(dir.path(), &args);
        assert!(ok, "{format}: {err}");
        assert!(last(&out).parse::<i64>().unwrap() > 0, "{format}: {out}");
    }
    let occupations = format!("{data}/esco/ict_occupations.json");
    let (ok, out, err) = cli(dir.path(), &["import", "esco-occupations", &occupations]);
    assert!(ok, "{err}");
    assert_eq!(last(&out), "91");
    assert!(
        err.contains("matches no ESCO skill"),
        "unresolved labels are reported: {err}"
    );
    let people = dir.path().join("people.csv");
    std::fs::write(&people, "email,name\nada@example.org,Ada Lovelace\n").unwrap();
    let (ok, out, err) = cli(
        dir.path(),
        &["import", "people-csv", people.to_str().unwrap()],
    );
    assert!(ok, "{err}");
    assert_eq!(last(&out), "1");
    // The CASE framework (id 1) exports as a package with all 16 items.
    let (ok, out, err) = cli(dir.path(), &["export", "case", "1"]);
    assert!(ok, "{err}");
    let pkg: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(pkg["CFItems"].as_array().unwrap().len(), 16);
    let (ok, _, err) = cli(dir.path(), &["export", "case", "1", "--version", "7"]);
    assert!(!ok && err.contains("no version 7"), "{err}");
}

#[tokio::test]
async fn a_huge_file_is_refused_with_its_size() {
    let app = TestApp::empty().await;
    let huge = vec![b' '; app::server::imports::MAX_IMPORT_BYTES + 1];
    for format in [
        "case",
        "moodle-csv",
        "esco-skills",
        "progression-yaml",
        "people-csv",
    ] {
        let err = app::server::imports::import(&app.db, format, &huge, true)
            .await
            .unwrap_err()
            .to_string();
        assert!(err.contains("larger than 50 MB"), "{format}: {err}");
    }
    let frameworks: i64 = sqlx::query_scalar("select count(*) from framework")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(frameworks, 0);
}

#[tokio::test]
async fn an_upload_over_the_body_limit_goes_back_to_the_form_with_the_reason() {
    let app = TestApp::demo_unrated().await;
    let admin = app.sign_in(ADMIN, PW).await;
    // The test router accepts 2 MiB.
    let big = vec![b'a'; 3 * 1024 * 1024];
    let res = app
        .upload_import("esco-skills", ("big.csv", &big), true, Some(&admin))
        .await
        .expect_status(StatusCode::SEE_OTHER, "upload_import");
    let location = res.location().unwrap();
    assert!(
        location.starts_with("/frameworks/import?error="),
        "{location}"
    );
    assert!(
        location.contains("PROFICIO_BODY_LIMIT") && location.contains("field=file"),
        "{location}"
    );
    // A script gets the status itself.
    app.upload_import("esco-skills", ("big.csv", &big), false, Some(&admin))
        .await
        .expect_status(StatusCode::PAYLOAD_TOO_LARGE, "upload_import");
}

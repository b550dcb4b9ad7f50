//! Progression YAML (the Financial Times format): levels become the scale, themes the
//! competencies, statements the level descriptions; broken files change nothing.

use crate::helpers::*;
use app::server::imports::import;

const FILE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../shared/data/progression/ft-engineering.yml"
);

#[tokio::test]
async fn the_ft_engineering_progression_imports_whole() {
    let app = TestApp::empty().await;
    let bytes = std::fs::read(FILE).expect("the progression file is in ../shared/data");
    // The file is what its own schema says it is.
    let value = app::server::imports::read_yaml(&bytes).unwrap();
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(FILE.replace("ft-engineering.yml", "job-family.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    assert!(validator.is_valid(&value));

    let done = import(&app.db, "progression-yaml", &bytes, false)
        .await
        .unwrap();
    assert!(done.skipped.is_empty(), "{:?}", done.skipped);
    assert_eq!(done.written, 9, "nine themes");
    let f = done.framework.unwrap().0;
    let (name, origin) = app.framework_name_and_origin(f).await;
    assert_eq!(
        (name.as_str(), origin.as_str()),
        ("Engineering", "progression-yaml")
    );
    let levels: Vec<String> = sqlx::query_scalar(
        "select l.name from scale_level l join framework f on f.scale_id = l.scale_id where f.id = $1 order by l.level",
    )
    .bind(f)
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(levels.len(), 8);
    assert_eq!(levels[0], "Junior Engineer");
    assert_eq!(levels[7], "Technology Director");
    let themes: Vec<(String, String)> = sqlx::query_as(
        "select external_id, title from framework_node where framework_id = $1 order by position",
    )
    .bind(f)
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(
        themes[0],
        (
            "planning-organising".into(),
            "Planning and Organising".into()
        )
    );
    assert_eq!(themes.len(), 9);
    // 72 statements, one per theme and level.
    let descriptions = app.count(format!("select count(*) from node_level_description d join framework_node n on n.id = d.node_id where n.framework_id = {f}"),
    )
    .await;
    assert_eq!(descriptions, 72);
    let junior: String = sqlx::query_scalar(
        "select d.description from node_level_description d join framework_node n on n.id = d.node_id \
         where n.framework_id = $1 and n.external_id = 'planning-organising' and d.level = 1",
    )
    .bind(f)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert!(
        junior.starts_with("Aware of how the team delivers"),
        "{junior}"
    );
}

#[tokio::test]
async fn broken_progression_files_are_refused_and_change_nothing() {
    let app = TestApp::empty().await;
    let good = std::fs::read_to_string(FILE).unwrap();
    let cases: Vec<(&str, String, &str)> = vec![
        ("bad YAML", "name: [unclosed\n".into(), "line 1"),
        ("a list", "- 1\n- 2\n".into(), "mapping"),
        ("no levels", good.replace("levels:", "levelz:"), "levels"),
        (
            "an unknown level",
            good.replacen("level: junior", "level: intern", 1),
            "\u{201c}intern\u{201d}",
        ),
    ];
    let mut cases: Vec<(&str, Vec<u8>, &str)> = cases
        .into_iter()
        .map(|(w, t, e)| (w, t.into_bytes(), e))
        .collect();
    cases.push(("not UTF-8", b"name: \xff".to_vec(), "UTF-8"));
    for (what, bytes, expected) in cases {
        let err = import(&app.db, "progression-yaml", &bytes, false)
            .await
            .expect_err(what)
            .to_string();
        assert!(err.contains(expected), "{what}: {err}");
    }
    assert_eq!(app.count("select count(*) from framework").await, 0);
    // The admin may import the rest of a file with an unplaceable statement.
    let one_bad = good.replacen("level: junior", "level: intern", 1);
    let done = import(&app.db, "progression-yaml", one_bad.as_bytes(), true)
        .await
        .unwrap();
    assert_eq!(done.skipped.len(), 1);
    assert!(done.skipped[0].at.starts_with("competencies[0]"));
}

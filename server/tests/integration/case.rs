//! CASE packages through the database: every file in `shared/data/case` imports with its
//! counts, hierarchy, order and identifiers; the export (draft or version) validates
//! against the official CASE 1.1 schema and gives back every member of the file; broken
//! files change nothing; only admins import and export.

use crate::helpers::*;
use app::domain::case::{covers, keeps_package};
use app::domain::imports::ImportPreview;
use axum::http::StatusCode;
use serde_json::{json, Value};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/data/case");

fn file(name: &str) -> String {
    std::fs::read_to_string(format!("{DIR}/{name}"))
        .expect("the CASE fixtures are in ../shared/data")
}

/// Every CASE package in the folder (the schemas left out), by name.
fn packages() -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = std::fs::read_dir(DIR)
        .unwrap()
        .filter_map(|e| {
            let name = e.ok()?.file_name().to_string_lossy().into_owned();
            (name.ends_with(".json") && !name.contains("schema"))
                .then(|| (name.clone(), file(&name)))
        })
        .collect();
    v.sort();
    assert!(v.len() >= 7, "the CASE fixtures are missing: {v:?}");
    v
}

fn schema() -> jsonschema::Validator {
    let s: Value = serde_json::from_str(&file("case-v1p1-cfpackage.official-schema.json")).unwrap();
    jsonschema::draft201909::new(&s).expect("the official schema compiles")
}

fn schema_errors(v: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    v.iter_errors(doc)
        .take(10)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

/// The draft of framework `f` as a CASE package, as an admin exports it.
async fn export(app: &TestApp, f: i64) -> Value {
    let (_, text) = app::server::exports::export_case(
        &app.db,
        &as_user(1, app::domain::Role::Admin),
        app::domain::FrameworkId(f),
        "draft",
        "https://proficio.test",
    )
    .await
    .unwrap();
    serde_json::from_str(&text).unwrap()
}

async fn import(app: &TestApp, text: &str) -> i64 {
    app::server::imports::import(&app.db, "case", text.as_bytes(), false)
        .await
        .unwrap_or_else(|e| panic!("import failed: {e}"))
        .framework
        .unwrap()
        .0
}

#[tokio::test]
async fn every_case_file_imports_with_its_counts_hierarchy_order_and_identifiers() {
    let app = TestApp::empty().await;
    let mut seen = std::collections::HashSet::new();
    for (name, text) in packages() {
        imports_with_its_identifiers_counts_and_tree(&app, &mut seen, &name, &text).await;
    }
    the_typed_links_are_kept(&app).await;
    sibling_order_follows_sequence_number(&app).await;
}

/// One package imports: the document identifier (the first of a shared one), the item
/// count, every item's identifier, statement and code, and the tree.
async fn imports_with_its_identifiers_counts_and_tree(
    app: &TestApp,
    seen: &mut std::collections::HashSet<String>,
    name: &str,
    text: &str,
) {
    let raw: Value = serde_json::from_str(text).unwrap();
    let f = import(app, text).await;
    let raw_doc = raw["CFDocument"]["identifier"].as_str().unwrap();
    let items = raw["CFItems"].as_array().map_or(0, Vec::len) as i64;
    let (doc_id, origin): (String, String) =
        sqlx::query_as("select external_id, origin from framework where id = $1")
            .bind(f)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    // The opensalt fixtures share one document identifier: the first import keeps it,
    // later ones get their own.
    if seen.insert(raw_doc.to_string()) {
        assert_eq!(doc_id, raw_doc, "{name}");
    } else {
        assert_ne!(doc_id, raw_doc, "{name}");
    }
    assert_eq!(origin, "case");
    assert_eq!(
        app.count(format!(
            "select count(*) from framework_node where framework_id = {f}"
        ))
        .await,
        items,
        "{name}"
    );
    every_item_keeps_its_identifier_statement_and_code(app, f, name, &raw).await;
    every_child_edge_is_a_parent(app, f, name, &raw, raw_doc).await;
}

/// Every item keeps its identifier, statement and code.
async fn every_item_keeps_its_identifier_statement_and_code(
    app: &TestApp,
    f: i64,
    name: &str,
    raw: &Value,
) {
    for item in raw["CFItems"].as_array().into_iter().flatten() {
        let (definition, code): (String, String) = sqlx::query_as(
            "select definition, short_code from framework_node where framework_id = $1 and external_id = $2",
        )
        .bind(f)
        .bind(item["identifier"].as_str().unwrap())
        .fetch_one(&app.db.pool)
        .await
        .unwrap_or_else(|e| panic!("{name}: {} is missing: {e}", item["identifier"]));
        assert_eq!(
            definition,
            item["fullStatement"].as_str().unwrap_or(""),
            "{name}"
        );
        assert_eq!(
            code,
            item["humanCodingScheme"].as_str().unwrap_or(""),
            "{name}"
        );
    }
}

/// The tree: every isChildOf edge to an item is a parent in the database.
async fn every_child_edge_is_a_parent(
    app: &TestApp,
    f: i64,
    name: &str,
    raw: &Value,
    raw_doc: &str,
) {
    for a in raw["CFAssociations"].as_array().into_iter().flatten() {
        if a["associationType"] != "isChildOf" {
            continue;
        }
        let child = a["originNodeURI"]["identifier"].as_str().unwrap();
        let parent = a["destinationNodeURI"]["identifier"].as_str().unwrap();
        let in_db: Option<String> = sqlx::query_scalar(
            "select p.external_id from framework_node n left join framework_node p on p.id = n.parent_id \
             where n.framework_id = $1 and n.external_id = $2",
        )
        .bind(f)
        .bind(child)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
        let expected = (parent != raw_doc).then(|| parent.to_string());
        assert_eq!(in_db, expected, "{name}: the parent of {child}");
    }
}

/// The 16-item framework: 23 typed links kept, some to targets outside the package.
async fn the_typed_links_are_kept(app: &TestApp) {
    let f: i64 =
        sqlx::query_scalar("select id from framework where name = 'What Standards Could Be'")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(
        app.count(format!(
            "select count(*) from framework_link where framework_id = {f}"
        ))
        .await,
        23
    );
    let kinds: Vec<String> = sqlx::query_scalar(
        "select distinct kind from framework_link where framework_id = $1 order by kind",
    )
    .bind(f)
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    assert!(kinds.contains(&"exactMatchOf".to_string()), "{kinds:?}");
    let outside = app.count(format!(
            "select count(*) from framework_link l where l.framework_id = {f} and not exists \
             (select 1 from framework_node n where n.framework_id = {f} and n.external_id = l.destination)"
        ),
    )
    .await;
    assert!(
        outside > 0,
        "exactMatchOf targets outside the package are kept"
    );
}

/// Sibling order follows sequenceNumber: the two sequence-number items in file order 2, 1.
async fn sibling_order_follows_sequence_number(app: &TestApp) {
    let seq: Vec<String> = sqlx::query_scalar(
        "select n.title from framework_node n join framework f on f.id = n.framework_id \
         where f.name = 'Sequence Number Test' and n.parent_id is null order by n.position",
    )
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(seq.len(), 2);
    let raw: Value = serde_json::from_str(&file("SequenceNumberFramework.json")).unwrap();
    let mut by_seq: Vec<(i64, String)> = raw["CFAssociations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["associationType"] == "isChildOf")
        .map(|a| {
            let id = a["originNodeURI"]["identifier"].as_str().unwrap();
            let item = raw["CFItems"]
                .as_array()
                .unwrap()
                .iter()
                .find(|i| i["identifier"] == id)
                .unwrap();
            (
                a["sequenceNumber"].as_i64().unwrap_or(i64::MAX),
                item["fullStatement"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    by_seq.sort();
    let expected: Vec<String> = by_seq.into_iter().map(|x| x.1).collect();
    assert_eq!(seq, expected);
}

#[tokio::test]
async fn exports_validate_and_give_back_every_member_of_the_file() {
    let validator = schema();
    for (name, text) in packages() {
        // A database of its own, so the file's document identifier is free.
        let app = TestApp::empty().await;
        let raw: Value = serde_json::from_str(&text).unwrap();
        let f = import(&app, &text).await;
        let out = export(&app, f).await;
        let errors = schema_errors(&validator, &out);
        assert!(
            errors.is_empty(),
            "{name}: the export breaks the schema: {errors:?}"
        );
        // Field by field: every member of the file is in the export, in place or in its
        // object's extensions; identifiers, statements, codes, hierarchy, order,
        // associations and rubrics among them.
        keeps_package(&raw, &out).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    // Frameworks made in Proficio export valid packages too, drafts and versions alike.
    let app = TestApp::demo_unrated().await;
    let admin = app.sign_in(ADMIN, PW).await;
    let demo: Vec<i64> =
        sqlx::query_scalar("select id from framework where origin <> 'case' order by id")
            .fetch_all(&app.db.pool)
            .await
            .unwrap();
    assert!(!demo.is_empty());
    for f in demo {
        let (res, disposition) = app
            .download(&format!("/frameworks/{f}/case.json"), &admin)
            .await;
        assert!(disposition.ends_with("-case.json\""));
        let out: Value = serde_json::from_str(&res.body).unwrap();
        let errors = schema_errors(&validator, &out);
        assert!(errors.is_empty(), "framework {f}: {errors:?}");
        let nodes = app
            .count(format!(
                "select count(*) from framework_node where framework_id = {f}"
            ))
            .await;
        assert_eq!(out["CFItems"].as_array().unwrap().len() as i64, nodes);
    }
    let published: (i64, i64) =
        sqlx::query_as("select framework_id, number from framework_version order by id limit 1")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    let res = app
        .expect_get(
            &format!(
                "/frameworks/{}/case.json?version={}",
                published.0, published.1
            ),
            Some(&admin),
            StatusCode::OK,
        )
        .await;
    let out: Value = serde_json::from_str(&res.body).unwrap();
    assert!(schema_errors(&validator, &out).is_empty());
    app.expect_get(
        &format!("/frameworks/{}/case.json?version=999", published.0),
        Some(&admin),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    // Only admins export.
    let hr = app.sign_in(HR, PW).await;
    app.expect_get(
        &format!("/frameworks/{}/case.json", published.0),
        Some(&hr),
        StatusCode::FORBIDDEN,
    )
    .await;
}

#[tokio::test]
async fn a_round_trip_through_the_database_is_stable() {
    let app = TestApp::empty().await;
    let text = file("what-standards-could-be.json");
    let f = import(&app, &text).await;
    let first = export(&app, f).await;
    // The same document imported again gets an identifier of its own, with a note.
    let again = app::server::imports::import(&app.db, "case", first.to_string().as_bytes(), false)
        .await
        .unwrap();
    assert!(
        again
            .warnings
            .iter()
            .any(|w| w.message.contains("already used")),
        "{:?}",
        again.warnings
    );
    let g = again.framework.unwrap().0;
    let second = export(&app, g).await;
    assert_ne!(
        second["CFDocument"]["identifier"],
        first["CFDocument"]["identifier"]
    );
    // Apart from the document's identity (and the export time), the two are the same.
    let mut text = second.to_string();
    for key in ["identifier", "uri"] {
        if let (Some(new), Some(old)) = (
            second["CFDocument"][key].as_str(),
            first["CFDocument"][key].as_str(),
        ) {
            text = text.replace(new, old);
        }
    }
    let mut second: Value = serde_json::from_str(&text).unwrap();
    // The new framework's own identifier travels in the document's extensions.
    let doc = second["CFDocument"].as_object_mut().unwrap();
    if let Some(Value::Object(ext)) = doc.get_mut("extensions") {
        assert!(ext.remove("identifier").is_some());
        if ext.is_empty() {
            doc.remove("extensions");
        }
    }
    covers(&first, &second, "package").unwrap();
    covers(&second, &first, "package").unwrap();
}

#[tokio::test]
async fn broken_packages_are_refused_and_change_nothing() {
    let app = TestApp::empty().await;
    let good: Value = serde_json::from_str(&file("what-standards-could-be.json")).unwrap();
    let mut duplicate = good.clone();
    let first_item = duplicate["CFItems"][0].clone();
    duplicate["CFItems"]
        .as_array_mut()
        .unwrap()
        .push(first_item);
    let mut cycle = good.clone();
    // Two items made each other's parent.
    let items: Vec<String> = good["CFItems"]
        .as_array()
        .unwrap()
        .iter()
        .take(2)
        .map(|i| i["identifier"].as_str().unwrap().to_string())
        .collect();
    for (a, b) in [(0, 1), (1, 0)] {
        cycle["CFAssociations"].as_array_mut().unwrap().push(json!({
            "identifier": format!("c0c0c0c0-0000-4000-8000-00000000000{a}"),
            "uri": "urn:x", "associationType": "isChildOf",
            "lastChangeDateTime": "2020-01-01T00:00:00+00:00",
            "originNodeURI": {"identifier": items[a], "uri": "urn:a", "title": "a"},
            "destinationNodeURI": {"identifier": items[b], "uri": "urn:b", "title": "b"},
            "sequenceNumber": 0
        }));
    }
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("bad JSON", b"{\"CFDocument\": {".to_vec(), "line 1"),
        ("not UTF-8", b"{\"CFDocument\": \"\xff\"}".to_vec(), "UTF-8"),
        ("no document", b"{\"CFItems\": []}".to_vec(), "CFDocument"),
        (
            "duplicate identifiers",
            duplicate.to_string().into_bytes(),
            "identifier",
        ),
        ("a cycle", cycle.to_string().into_bytes(), "cycle"),
        ("an array", b"[1, 2]".to_vec(), "object"),
    ];
    for (what, bytes, expected) in cases {
        let err = app::server::imports::import(&app.db, "case", &bytes, true)
            .await
            .expect_err(what)
            .to_string();
        assert!(
            err.to_lowercase().contains(&expected.to_lowercase()),
            "{what}: {err}"
        );
    }
    assert_eq!(app.count("select count(*) from framework").await, 0);
    assert_eq!(app.count("select count(*) from framework_node").await, 0);
    assert_eq!(app.count("select count(*) from scale").await, 0);
}

#[tokio::test]
async fn an_admin_uploads_a_case_file_and_sees_the_preview() {
    let app = TestApp::demo_unrated().await;
    let admin = app.sign_in(ADMIN, PW).await;
    let text = file("what-standards-could-be.json");
    let res = app
        .upload_import("case", ("wscb.json", text.as_bytes()), true, Some(&admin))
        .await
        .expect_status(StatusCode::SEE_OTHER, "upload_import");
    let location = res.location().unwrap();
    let id = location
        .strip_prefix("/frameworks/import/")
        .unwrap()
        .to_string();
    let preview: ImportPreview = app
        .call("/api/imports/preview", &[("id", &id)], Some(&admin))
        .await
        .parse();
    let stat = |l: &str| crate::imports::stat(&preview, l);
    assert_eq!(
        stat("categories") + stat("competencies") + stat("skills"),
        16
    );
    assert_eq!(stat("links"), 23);
    assert_eq!(preview.problems.len(), 0);
    assert!(!preview.skippable);
    let page = app.get(&location, Some(&admin)).await;
    assert!(page.body.contains("What Standards Could Be"));
    let res = app
        .expect(
            "/api/imports/confirm",
            &[("id", &id)],
            Some(&admin),
            StatusCode::OK,
        )
        .await;
    assert!(res.json().as_str().unwrap().starts_with("/frameworks/"));
    // Employees may not upload.
    let employee = app.sign_in(EMPLOYEE, PW).await;
    app.upload_import_forbidden("case", ("wscb.json", text.as_bytes()), &employee)
        .await;
}

#[tokio::test]
async fn the_admin_maps_item_types_to_kinds() {
    let app = TestApp::empty().await;
    let text = file("ItemTypeTestFramework.json");
    let kind = |f: i64| {
        let db = app.db.clone();
        async move {
            sqlx::query_scalar::<_, String>(
                "select kind from framework_node where framework_id = $1",
            )
            .bind(f)
            .fetch_one(&db.pool)
            .await
            .unwrap()
        }
    };
    let f = import(&app, &text).await;
    assert_eq!(
        kind(f).await,
        "competency",
        "a Standard is a competency by default"
    );
    let options = app::server::imports::ImportOptions {
        kinds: "Standard = category".into(),
    };
    let done = app::server::imports::import_with(&app.db, "case", text.as_bytes(), false, &options)
        .await
        .unwrap();
    assert_eq!(kind(done.framework.unwrap().0).await, "category");
    let bad = app::server::imports::ImportOptions {
        kinds: "Standard = team".into(),
    };
    let err = app::server::imports::import_with(&app.db, "case", text.as_bytes(), false, &bad)
        .await
        .unwrap_err();
    assert_eq!(err.field(), Some("kinds"));
    assert!(
        err.to_string().contains("category, competency or skill"),
        "{err}"
    );
}

#[tokio::test]
async fn rubrics_become_the_scale_and_level_descriptions_and_come_back() {
    let app = TestApp::empty().await;
    let mut raw: Value = serde_json::from_str(&file("SequenceNumberFramework.json")).unwrap();
    let item = raw["CFItems"][0].clone();
    let level = |n: i64, quality: &str, text: &str| {
        json!({"identifier": format!("d0d0d0d0-0000-4000-8000-00000000000{n}"), "uri": format!("urn:level:{n}"),
               "quality": quality, "description": text, "position": n, "score": n,
               "lastChangeDateTime": "2021-03-04T05:06:07+00:00"})
    };
    raw["CFRubrics"] = json!([{
        "identifier": "e0e0e0e0-0000-4000-8000-000000000000", "uri": "urn:rubric", "title": "Proficiency",
        "lastChangeDateTime": "2021-03-04T05:06:07+00:00",
        "CFRubricCriteria": [{
            "identifier": "f0f0f0f0-0000-4000-8000-000000000000", "uri": "urn:criterion",
            "lastChangeDateTime": "2021-03-04T05:06:07+00:00",
            "CFItemURI": {"identifier": item["identifier"], "uri": item["uri"], "title": "item"},
            "CFRubricCriterionLevels": [level(1, "Novice", "Follows the steps"), level(2, "Practitioner", "Works alone"), level(3, "Expert", "Teaches it")]
        }]
    }]);
    let f = import(&app, &raw.to_string()).await;
    let scale: Vec<String> = sqlx::query_scalar(
        "select l.name from scale_level l join framework f on f.scale_id = l.scale_id where f.id = $1 order by l.level",
    )
    .bind(f)
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(scale, ["Novice", "Practitioner", "Expert"]);
    let texts: Vec<String> = sqlx::query_scalar(
        "select d.description from node_level_description d join framework_node n on n.id = d.node_id \
         where n.framework_id = $1 and n.external_id = $2 order by d.level",
    )
    .bind(f)
    .bind(item["identifier"].as_str().unwrap())
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(texts, ["Follows the steps", "Works alone", "Teaches it"]);
    let out = export(&app, f).await;
    assert!(schema_errors(&schema(), &out).is_empty());
    covers(&raw, &out, "package").unwrap();
}

#[tokio::test]
async fn a_case_1_0_package_imports_and_exports_as_1_1() {
    let app = TestApp::empty().await;
    let v11: Value = serde_json::from_str(&file("what-standards-could-be.json")).unwrap();
    // The 1.0 layout: lower-case lists and sourcedId for identifier.
    let mut v10 = json!({});
    for (new, old) in [
        ("CFDocument", "document"),
        ("CFItems", "items"),
        ("CFAssociations", "associations"),
    ] {
        v10[old] = v11[new].clone();
    }
    let to_sourced = |o: &mut Value| {
        let m = o.as_object_mut().unwrap();
        let id = m.remove("identifier").unwrap();
        m.insert("sourcedId".into(), id);
    };
    to_sourced(&mut v10["document"]);
    for list in ["items", "associations"] {
        for o in v10[list].as_array_mut().unwrap() {
            to_sourced(o);
        }
    }
    let done = app::server::imports::import(&app.db, "case", v10.to_string().as_bytes(), false)
        .await
        .unwrap();
    assert_eq!(done.written, 16);
    assert!(
        done.warnings.iter().any(|w| w.message.contains("CASE 1.0")),
        "{:?}",
        done.warnings
    );
    let out = export(&app, done.framework.unwrap().0).await;
    assert!(schema_errors(&schema(), &out).is_empty());
    assert_eq!(
        out["CFDocument"]["identifier"],
        v11["CFDocument"]["identifier"]
    );
    assert_eq!(out["CFItems"].as_array().unwrap().len(), 16);
}

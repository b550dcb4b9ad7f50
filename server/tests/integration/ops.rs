//! Health, pages, 404, the demo command and backups.

use crate::helpers::*;
use app::domain::editor::EditorTree;
use app::domain::framework::NodeDetails;
use app::server::Db;
use axum::http::StatusCode;

#[tokio::test]
async fn health_checks_the_database() {
    let app = TestApp::empty().await;
    let res = app.expect_get("/healthz", None, StatusCode::OK).await;
    assert_eq!(res.json()["status"], "ok");
}

#[tokio::test]
async fn each_role_gets_its_home_page() {
    let app = TestApp::demo().await;
    for (email, expect) in [
        (ADMIN, "Administration"),
        (HR, "The whole organisation, read-only."),
        (MANAGER, "Your team at a glance."),
        (EMPLOYEE, "Your skills and growth."),
    ] {
        let cookie = app.sign_in(email, PW).await;
        let res = app.get("/", Some(&cookie)).await;
        assert_eq!(res.status, StatusCode::OK, "{email}");
        assert!(res.body.contains(expect), "{email}: {expect} missing");
    }
    let cookie = app.sign_in(MANAGER, PW).await;
    let res = app.get("/", Some(&cookie)).await;
    assert!(
        res.body.contains("Liam Chen"),
        "the manager's team is listed"
    );
}

#[tokio::test]
async fn unknown_page_is_a_404_page() {
    let app = TestApp::demo().await;
    let cookie = app.sign_in(EMPLOYEE, PW).await;
    let res = app
        .expect_get("/no/such/page", Some(&cookie), StatusCode::NOT_FOUND)
        .await;
    assert!(res.body.contains("This page does not exist"));
}

#[tokio::test]
async fn demo_refuses_a_database_with_people_unless_forced() {
    let app = TestApp::demo().await;
    let err = server::cli::load_demo(&app.db, false, &app.state.settings.upload_dir)
        .await
        .unwrap_err();
    assert!(err.contains("--force"), "{err}");
    let n = server::cli::load_demo(&app.db, true, &app.state.settings.upload_dir)
        .await
        .unwrap();
    let people: i64 = sqlx::query_scalar("select count(*) from person")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(people as usize, n, "replaced, not doubled");
    let units: i64 = sqlx::query_scalar("select count(*) from org_unit")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(units, 6);
}

#[tokio::test]
async fn demo_organisation_has_two_levels_of_management() {
    // The loader itself is under test: the demo template is its output, made by
    // `demo::load` in this test process (`demo_refuses_...` runs it on a full database).
    let app = TestApp::demo().await;
    let people: i64 = sqlx::query_scalar("select count(*) from person")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(people, 40);
    // Depth of the deepest reporting chain: CEO -> head -> lead -> engineer.
    let depth: i64 = sqlx::query_scalar(
        "with recursive d(id, depth) as (select id, 0 from person where manager_id is null \
         union all select p.id, d.depth + 1 from person p join d on p.manager_id = d.id) select max(depth) from d",
    )
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(depth, 3);
}

#[tokio::test]
async fn backup_opens_as_a_database() {
    let app = TestApp::demo().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("nested/backup.db");
    let result = server::backup::run(&app.db, &file).await;
    if app.db.backend == app::server::Backend::Postgres {
        let err = result.unwrap_err().to_string();
        assert!(err.contains("pg_dump"), "{err}");
        return;
    }
    result.expect("backup written");
    assert!(server::backup::run(&app.db, &file)
        .await
        .unwrap_err()
        .to_string()
        .contains("already exists"));

    // The copy is a complete database that the server opens and signs people in from.
    let url = format!("sqlite://{}", file.display());
    let copy = Db::open(&url).await.expect("backup opens");
    let people: i64 = sqlx::query_scalar("select count(*) from person")
        .fetch_one(&copy.pool)
        .await
        .unwrap();
    assert_eq!(people, 40);
    let options = leptos::config::get_configuration(None)
        .unwrap()
        .leptos_options;
    let router = server::startup::build_router(
        server::startup::state(copy, Default::default(), options),
        1 << 20,
    );
    let body = format!("email={EMPLOYEE}&password={PW}&next=");
    let req = axum::http::Request::post("/api/sign_in")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(axum::body::Body::from(body))
        .unwrap();
    let res = tower::ServiceExt::oneshot(router, req).await.unwrap();
    assert!(res
        .headers()
        .get_all("set-cookie")
        .iter()
        .any(|c| c.to_str().unwrap().starts_with("proficio_session=")));
}

#[tokio::test]
async fn oversized_bodies_are_refused() {
    let app = TestApp::demo().await;
    let big = "x".repeat(3 * 1024 * 1024);
    app.try_sign_in(EMPLOYEE, &big)
        .await
        .expect_status(StatusCode::PAYLOAD_TOO_LARGE, "sign-in");
}

#[tokio::test]
async fn demo_frameworks_are_published_with_level_descriptions() {
    // The loader itself is under test: the demo template is its output, made by
    // `demo::load` in this test process (`demo_refuses_...` runs it on a full database).
    let app = TestApp::demo().await;
    let employee = app.sign_in(EMPLOYEE, PW).await;
    let list: Vec<app::domain::framework::FrameworkSummary> = app
        .call("/api/frameworks/list", &[], Some(&employee))
        .await
        .parse();
    let names: Vec<&str> = list.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(
        names,
        ["Core competency model", "Engineering"],
        "both published, visible to employees"
    );

    let admin = app.sign_in(ADMIN, PW).await;
    let eng = list[1].id.0.to_string();
    let tree: EditorTree = app
        .call("/api/frameworks/tree", &[("id", &eng)], Some(&admin))
        .await
        .parse();
    let titles: Vec<&str> = tree
        .view
        .rows
        .iter()
        .map(|r| r.node.title.as_str())
        .collect();
    assert_eq!(
        &titles[..4],
        [
            "Technical craft",
            "Software design",
            "API design",
            "Data modelling"
        ]
    );
    let design = tree.view.rows[1].node.id.to_string();
    let node = app
        .call(
            "/api/frameworks/node",
            &[("framework", &eng), ("node", &design)],
            Some(&admin),
        )
        .await
        .parse::<NodeDetails>();
    assert_eq!(node.level_descriptions.len(), 10, "5 levels x 2 tracks");
    let core = list[0].id.0.to_string();
    let tiers: EditorTree = app
        .call("/api/frameworks/tree", &[("id", &core)], Some(&admin))
        .await
        .parse();
    let top: Vec<&str> = tiers
        .view
        .rows
        .iter()
        .map(|r| &r.node)
        .filter(|n| n.depth == 0)
        .map(|n| n.title.as_str())
        .collect();
    assert_eq!(
        top,
        [
            "Personal effectiveness",
            "Academic",
            "Workplace",
            "Industry-wide technical",
            "Occupation-specific"
        ]
    );
}

//! Every page names itself in the document title, once: the page header sets it from its
//! heading (or the title the page asks for), so the tab and the `<h1>` agree.

use crate::helpers::*;
use axum::http::StatusCode;

/// The document title of a server-rendered page (the first `<title>`: the head's).
async fn title(app: &TestApp, path: &str, cookie: &str) -> String {
    let res = app.expect_get(path, Some(cookie), StatusCode::OK).await;
    let html = res.body;
    let start = html.find("<title>").expect("a title") + "<title>".len();
    let end = start + html[start..].find("</title>").expect("a closed title");
    html[start..end].to_string()
}

#[tokio::test]
async fn every_page_header_names_the_document() {
    let app = TestApp::demo().await;
    let [admin, employee] = app.sign_in_all([ADMIN, EMPLOYEE]).await;
    let position: i64 =
        sqlx::query_scalar("select id from job_position where title = 'Software Engineer'")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    let liam = app.person_id(EMPLOYEE).await;
    for (path, cookie, want) in [
        ("/".to_string(), &admin, "Home · Proficio".to_string()),
        ("/positions".into(), &admin, "Positions · Proficio".into()),
        (
            format!("/positions/{position}"),
            &admin,
            "Software Engineer · Positions · Proficio".into(),
        ),
        ("/frameworks".into(), &admin, "Frameworks · Proficio".into()),
        ("/admin/audit".into(), &admin, "Audit log · Proficio".into()),
        (
            "/admin/tokens".into(),
            &admin,
            "API tokens · Proficio".into(),
        ),
        (
            "/learning".into(),
            &admin,
            "Learning catalogue · Proficio".into(),
        ),
        (
            format!("/people/{liam}/edit"),
            &admin,
            "Edit Liam Chen · Proficio".into(),
        ),
        ("/skills".into(), &employee, "My skills · Proficio".into()),
        ("/inbox".into(), &employee, "Inbox · Proficio".into()),
    ] {
        assert_eq!(title(&app, &path, cookie).await, want, "{path}");
    }
}

//! `/api/v1` with API tokens: pages that a cursor continues, filters, scopes, and refusals
//! as RFC 9457 problems; tokens made on the command line.

use crate::helpers::*;
use app::server::api_tokens;
use app::server::api_v1::{ApiPerson, ApiUnit, Page};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};

/// GET `path` with `Authorization: Bearer token` (no header when None).
async fn api(app: &TestApp, path: &str, token: Option<&str>) -> Res {
    let mut b = Request::get(path);
    if let Some(t) = token {
        b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    app.send(b.body(Body::empty()).unwrap()).await
}

async fn token(app: &TestApp, scopes: &str) -> String {
    api_tokens::create(&app.db, None, "HR sync", scopes, Some(30))
        .await
        .unwrap()
        .1
}

/// A refusal: the status, a problem document, and the field it names.
fn problem(res: &Res, status: StatusCode) -> serde_json::Value {
    assert_eq!(res.status, status, "{}", res.body);
    assert_eq!(
        res.headers[header::CONTENT_TYPE],
        "application/problem+json",
        "{}",
        res.body
    );
    let p = res.json();
    assert_eq!(p["status"], status.as_u16());
    assert!(p["detail"].as_str().is_some_and(|d| !d.is_empty()), "{p}");
    p
}

#[tokio::test]
async fn a_token_reads_everyone_in_pages_and_filters_by_unit_and_change_time() {
    let app = TestApp::demo().await;
    let t = token(&app, "people:read,units:read").await;
    let mut seen: Vec<ApiPerson> = Vec::new();
    let mut path = "/api/v1/people?limit=7".to_string();
    loop {
        let res = api(&app, &path, Some(&t)).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        let page: Page<ApiPerson> = res.parse();
        assert!(page.data.len() <= 7);
        seen.extend(page.data);
        match page.next_cursor {
            Some(c) => path = format!("/api/v1/people?limit=7&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(
        seen.len() as i64,
        app.count("select count(*) from person").await
    );
    assert!(
        seen.windows(2).all(|w| w[0].id < w[1].id),
        "in id order, no repeats"
    );
    let liam = seen.iter().find(|p| p.email == EMPLOYEE).expect("Liam");
    assert!(liam.active && liam.manager_id.is_some() && liam.position_id.is_some());

    // One unit's people; and only what changed since a time.
    let unit = liam.unit_id.unwrap();
    let res = api(
        &app,
        &format!("/api/v1/people?unit={unit}&limit=200"),
        Some(&t),
    )
    .await;
    let in_unit: Page<ApiPerson> = res.parse();
    assert_eq!(
        in_unit.data.len() as i64,
        app.count(format!(
            "select count(*) from person where unit_id = {unit}"
        ))
        .await
    );
    assert!(in_unit.data.iter().all(|p| p.unit_id == Some(unit)));
    let newest = seen.iter().map(|p| p.updated_at).max().unwrap();
    let res = api(
        &app,
        &format!("/api/v1/people?updated_since={newest}"),
        Some(&t),
    )
    .await;
    let recent: Page<ApiPerson> = res.parse();
    assert!(!recent.data.is_empty());
    assert!(recent.data.iter().all(|p| p.updated_at >= newest));

    // One person; the units.
    let res = api(&app, &format!("/api/v1/people/{}", liam.id), Some(&t)).await;
    assert_eq!(res.parse::<ApiPerson>(), *liam);
    let units: Page<ApiUnit> = api(&app, "/api/v1/units", Some(&t)).await.parse();
    assert_eq!(
        units.data.len() as i64,
        app.count("select count(*) from org_unit").await
    );
    assert!(units.data.iter().any(|u| u.id == unit));
}

#[tokio::test]
async fn missing_unknown_revoked_and_expired_tokens_get_401_and_a_missing_scope_403() {
    let app = TestApp::demo().await;
    let res = api(&app, "/api/v1/people", None).await;
    problem(&res, StatusCode::UNAUTHORIZED);
    assert_eq!(res.headers[header::WWW_AUTHENTICATE], "Bearer");
    // A signed-in browser session is no token.
    let admin = app.sign_in(ADMIN, PW).await;
    let res = app.get("/api/v1/people", Some(&admin)).await;
    problem(&res, StatusCode::UNAUTHORIZED);

    let t = token(&app, "people:read").await;
    // Garbage, the right prefix with a wrong secret, the wrong shape.
    let last = if t.ends_with('0') { "1" } else { "0" };
    for bad in [
        "nonsense".to_string(),
        format!("{}{last}", &t[..t.len() - 1]),
        t.replace("pfo_", "pfx_"),
    ] {
        let res = api(&app, "/api/v1/people", Some(&bad)).await;
        problem(&res, StatusCode::UNAUTHORIZED);
    }
    // The right token for the wrong resource.
    problem(
        &api(&app, "/api/v1/units", Some(&t)).await,
        StatusCode::FORBIDDEN,
    );
    let units_only = token(&app, "units:read").await;
    problem(
        &api(&app, "/api/v1/people", Some(&units_only)).await,
        StatusCode::FORBIDDEN,
    );

    // Expired, then revoked: refused at once.
    assert_eq!(
        api(&app, "/api/v1/people", Some(&t)).await.status,
        StatusCode::OK
    );
    sqlx::query("update api_token set expires_at = 1 where prefix = $1")
        .bind(&t[..12])
        .execute(&app.db.pool)
        .await
        .unwrap();
    problem(
        &api(&app, "/api/v1/people", Some(&t)).await,
        StatusCode::UNAUTHORIZED,
    );
    let id: i64 = sqlx::query_scalar("select id from api_token where prefix = $1")
        .bind(&units_only[..12])
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(
        api(&app, "/api/v1/units", Some(&units_only)).await.status,
        StatusCode::OK
    );
    api_tokens::revoke(&app.db, None, id).await.unwrap();
    problem(
        &api(&app, "/api/v1/units", Some(&units_only)).await,
        StatusCode::UNAUTHORIZED,
    );
}

#[tokio::test]
async fn bad_parameters_are_named_and_tokens_are_stored_hashed_and_audited() {
    let app = TestApp::demo().await;
    let t = token(&app, "all").await;
    for (query, field) in [
        ("limit=0", "limit"),
        ("limit=201", "limit"),
        ("limit=ten", "limit"),
        ("cursor=-4", "cursor"),
        ("unit=x", "unit"),
        ("updated_since=yesterday", "updated_since"),
    ] {
        let res = api(&app, &format!("/api/v1/people?{query}"), Some(&t)).await;
        let p = problem(&res, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(p["field"], field, "{query}: {p}");
    }
    problem(
        &api(&app, "/api/v1/people/99999", Some(&t)).await,
        StatusCode::NOT_FOUND,
    );
    problem(
        &api(&app, "/api/v1/people/abc", Some(&t)).await,
        StatusCode::NOT_FOUND,
    );

    // Made: the text is never stored, the row says when it was last used, the log says
    // it was made. Bad names and scopes change nothing.
    let stored = app
        .count(format!(
            "select count(*) from api_token where secret_hash = '{t}' or prefix = '{t}'"
        ))
        .await;
    assert_eq!(stored, 0);
    assert_eq!(
        app.count("select count(*) from api_token where last_used_at is not null")
            .await,
        1
    );
    assert_eq!(
        app.count(
            "select count(*) from audit_log where entity = 'api_token' and action = 'create'"
        )
        .await,
        1
    );
    for (name, scopes, days, field) in [
        (" ", "all", None, "name"),
        ("LMS", "people:write", None, "scopes"),
        ("LMS", "all", Some(0), "days"),
    ] {
        let e = api_tokens::create(&app.db, None, name, scopes, days)
            .await
            .unwrap_err();
        assert_eq!(e.field(), Some(field));
    }
    assert_eq!(app.count("select count(*) from api_token").await, 1);
}

#[tokio::test]
async fn the_command_line_makes_lists_and_revokes_tokens() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("cli.db").display());
    let cli = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_proficio"))
            .arg("--database")
            .arg(&url)
            .args(args)
            .env("RUST_LOG", "warn")
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        (out.status.success(), text, err)
    };
    let (ok, _, err) = cli(&[
        "token",
        "create",
        "--name",
        "LMS",
        "--scopes",
        "people:write",
    ]);
    assert!(!ok);
    assert!(
        err.contains("scopes") && err.contains("people:write"),
        "{err}"
    );

    let (ok, out, err) = cli(&[
        "token", "create", "--name", "LMS", "--scopes", "all", "--days", "90",
    ]);
    assert!(ok, "{err}");
    let t = out.trim().lines().last().unwrap().to_string();
    let db = app::server::db::Db::open(&url).await.unwrap();
    let caller = api_tokens::authenticate(&db, Some(&format!("Bearer {t}")))
        .await
        .unwrap();
    assert_eq!(caller.scopes.len(), 2);

    let (ok, out, _) = cli(&["token", "list"]);
    assert!(
        ok && out.contains(&t[..12]) && out.contains("LMS") && !out.contains(&t),
        "{out}"
    );
    let (ok, _, err) = cli(&["token", "revoke", &caller.token.to_string()]);
    assert!(ok, "{err}");
    let e = api_tokens::authenticate(&db, Some(&format!("Bearer {t}")))
        .await
        .unwrap_err();
    assert_eq!(e.status(), 401);
}

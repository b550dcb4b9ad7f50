//! Sign-in, sign-out, sessions, throttling and cross-origin refusal.

use crate::helpers::*;
use app::server::Settings;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};

#[tokio::test]
async fn sign_in_then_sign_out() {
    let app = TestApp::demo().await;
    let cookie = app.sign_in(EMPLOYEE, PW).await;
    assert_eq!(app.whoami(&cookie).await.as_deref(), Some(EMPLOYEE));

    let res = app.call("/api/sign_out", &[], Some(&cookie)).await;
    assert!(
        res.status.is_success() || res.status.is_redirection(),
        "{}",
        res.status
    );
    assert_eq!(
        app.whoami(&cookie).await,
        None,
        "the old cookie no longer signs anyone in"
    );
}

#[tokio::test]
async fn session_cookie_is_http_only_and_lax() {
    let app = TestApp::demo().await;
    let res = app.try_sign_in(EMPLOYEE, PW).await;
    let set = res
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect::<Vec<_>>();
    let c = set
        .iter()
        .find(|c| c.starts_with("proficio_session="))
        .expect("cookie");
    assert!(c.contains("HttpOnly"), "{c}");
    assert!(c.contains("SameSite=Lax"), "{c}");
    assert!(!c.contains("Secure"), "not Secure unless configured: {c}");
}

#[tokio::test]
async fn wrong_password_is_refused_with_a_field_message() {
    let app = TestApp::demo().await;
    let res = app
        .try_sign_in(EMPLOYEE, "nope-nope-nope")
        .await
        .expect_status(StatusCode::UNPROCESSABLE_ENTITY, "sign-in");
    assert_eq!(res.invalid().field, "password");
    assert!(
        res.session_cookie()
            .is_none_or(|c| c == "proficio_session="),
        "no signed-in session"
    );

    let res = app.try_sign_in("not-an-email", "x").await;
    assert_eq!(res.invalid().field, "email");
}

#[tokio::test]
async fn unknown_email_gets_the_same_answer_as_a_wrong_password() {
    let app = TestApp::demo().await;
    let a = app
        .try_sign_in("nobody@northwind.example", "whatever-123")
        .await;
    let b = app.try_sign_in(EMPLOYEE, "whatever-123").await;
    assert_eq!(a.status, b.status);
    assert_eq!(a.body, b.body);
}

#[tokio::test]
async fn repeated_failures_lock_the_email_for_a_while() {
    let app = TestApp::demo_unrated_with(Settings {
        max_failed_sign_ins: 3,
        ..Settings::default()
    })
    .await;
    for _ in 0..3 {
        app.try_sign_in(EMPLOYEE, "wrong-password")
            .await
            .expect_status(StatusCode::UNPROCESSABLE_ENTITY, "sign-in");
    }
    let res = app.try_sign_in(EMPLOYEE, PW).await;
    assert_eq!(
        res.status,
        StatusCode::TOO_MANY_REQUESTS,
        "even the right password waits: {}",
        res.body
    );
    assert!(res.body.contains("Try again in"), "{}", res.body);
    // Another person is not affected.
    app.sign_in(MANAGER, PW).await;
}

#[tokio::test]
async fn deactivated_person_session_ends_at_once() {
    let app = TestApp::demo().await;
    let [employee, admin] = app.sign_in_all([EMPLOYEE, ADMIN]).await;
    let id = app.person_id(EMPLOYEE).await.to_string();

    app.set_active(&id, "false", &admin, StatusCode::OK).await;

    assert_eq!(app.whoami(&employee).await, None, "session ended");
    let res = app
        .expect_get("/", Some(&employee), StatusCode::SEE_OTHER)
        .await;
    assert_eq!(res.location().as_deref(), Some("/sign-in"));
    // A deactivated person cannot sign in.
    app.try_sign_in(EMPLOYEE, PW)
        .await
        .expect_status(StatusCode::UNPROCESSABLE_ENTITY, "sign-in");
    let sessions: i64 = sqlx::query_scalar("select count(*) from session where person_id = $1")
        .bind(id.parse::<i64>().unwrap())
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(sessions, 0, "their stored sessions are deleted");

    // Reactivated, they can sign in again.
    app.set_active(&id, "true", &admin, StatusCode::OK).await;
    app.sign_in(EMPLOYEE, PW).await;
}

#[tokio::test]
async fn cross_origin_posts_are_refused() {
    let app = TestApp::demo().await;
    let cookie = app.sign_in(ADMIN, PW).await;
    let id = app.person_id(EMPLOYEE).await.to_string();
    let body = format!("id={id}&active=false");

    for (name, value) in [
        ("origin", "http://evil.example"),
        ("sec-fetch-site", "cross-site"),
        ("origin", "null"),
    ] {
        let req = Request::post("/api/people/set_active")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::HOST, "localhost:3000")
            .header(header::COOKIE, &cookie)
            .header(name, value)
            .body(Body::from(body.clone()))
            .unwrap();
        let res = app.send(req).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{name}: {value}");
    }
    let active: i64 = sqlx::query_scalar("select active from person where email = $1")
        .bind(EMPLOYEE)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(active, 1, "nothing changed");

    // The same request from the site itself goes through.
    app.set_active(&id, "false", &cookie, StatusCode::OK).await;
}

#[tokio::test]
async fn configured_origin_may_post() {
    let app = TestApp::demo_unrated_with(Settings {
        allowed_origins: vec!["https://skills.example.org".into()],
        ..Settings::default()
    })
    .await;
    let req = Request::post("/api/sign_in")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::HOST, "10.0.0.5:3000")
        .header(header::ORIGIN, "https://skills.example.org")
        .body(Body::from(format!("email={EMPLOYEE}&password={PW}&next=")))
        .unwrap();
    let res = app.send(req).await;
    assert!(
        res.session_cookie().is_some(),
        "{} {}",
        res.status,
        res.body
    );
}

#[tokio::test]
async fn pages_need_a_session_and_remember_where_you_were_going() {
    let app = TestApp::demo().await;
    let res = app
        .expect_get("/people?q=ada", None, StatusCode::SEE_OTHER)
        .await;
    assert_eq!(
        res.location().as_deref(),
        Some("/sign-in?next=/people%3Fq%3Dada")
    );

    let res = app.expect_get("/sign-in", None, StatusCode::OK).await;
    assert!(res.body.contains("Sign in"));

    // Server functions check too.
    app.expect(
        "/api/people/list",
        &[
            ("query", ""),
            ("unit_id", ""),
            ("include_inactive", "false"),
            ("page", "1"),
        ],
        None,
        StatusCode::UNAUTHORIZED,
    )
    .await;
}

#[tokio::test]
async fn sign_in_redirects_only_to_local_paths() {
    let app = TestApp::demo().await;
    let res = app
        .post_plain_form(
            "/api/sign_in",
            &[("email", EMPLOYEE), ("password", PW), ("next", "/people")],
            "/sign-in?next=/people",
            None,
        )
        .await;
    assert_eq!(res.location().as_deref(), Some("/people"));
    let res = app
        .post_plain_form(
            "/api/sign_in",
            &[
                ("email", EMPLOYEE),
                ("password", PW),
                ("next", "//evil.example/x"),
            ],
            "/sign-in",
            None,
        )
        .await;
    assert_eq!(res.location().as_deref(), Some("/"));
}

#[tokio::test]
async fn plain_form_errors_come_back_on_the_page_address() {
    let app = TestApp::demo().await;
    let res = app
        .post_plain_form(
            "/api/sign_in",
            &[
                ("email", EMPLOYEE),
                ("password", "wrong-password"),
                ("next", "/units"),
            ],
            "/sign-in?next=%2Funits",
            None,
        )
        .await
        .expect_status(StatusCode::SEE_OTHER, "post_plain_form");
    let loc = res.location().unwrap();
    assert!(loc.starts_with("/sign-in?next=%2Funits&error="), "{loc}");
    assert!(loc.ends_with("&field=password"), "{loc}");

    // The page shows the message from the address, without JavaScript.
    let page = app.get(&loc, None).await;
    assert!(
        page.body.contains("The e-mail or password is not right"),
        "{}",
        page.body
    );
}

#[tokio::test]
async fn signed_in_visit_to_sign_in_goes_home() {
    let app = TestApp::demo().await;
    let cookie = app.sign_in(EMPLOYEE, PW).await;
    let res = app.get("/sign-in", Some(&cookie)).await;
    assert_eq!(res.location().as_deref(), Some("/"));
}

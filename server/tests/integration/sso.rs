//! Single sign-on's server side without a provider: the settings the sign-in page reads,
//! password sign-in turned off, and every way a sign-in that cannot finish sends the person
//! back to sign in without signing anyone in. The whole flow against a real OpenID provider
//! is proven in the browser (end2end/tests/sso.spec.ts).

use crate::helpers::*;
use crate::people::person_form;
use app::server::sso::OidcSettings;
use app::server::Settings;
use axum::http::StatusCode;
use serde_json::Value;

/// Settings with single sign-on through a provider at `issuer`.
fn with_provider(issuer: &str, password_sign_in: bool) -> Settings {
    Settings {
        oidc: Some(OidcSettings {
            issuer: issuer.into(),
            client_id: "proficio".into(),
            client_secret: "secret".into(),
            allowed_domains: vec!["northwind.example".into()],
            create_role: None,
            trust_unstated_email: false,
            label: "Northwind ID".into(),
        }),
        password_sign_in,
        ..Settings::default()
    }
}

async fn options(app: &TestApp) -> Value {
    let res = app.call("/api/sign_in_options", &[], None).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    serde_json::from_str(&res.body).unwrap()
}

#[tokio::test]
async fn without_a_provider_the_page_offers_the_password_form_only() {
    let app = TestApp::demo().await;
    assert_eq!(
        options(&app).await,
        serde_json::json!({"sso": null, "password": true})
    );
    let page = app.get("/sign-in", None).await;
    assert!(page.body.contains(r#"name="password""#));
    assert!(!page.body.contains("/auth/oidc/start"));
    // The flow's addresses answer, but only by sending people back to sign in.
    let res = app.get("/auth/oidc/start?next=/skills", None).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(res.location().as_deref(), Some("/sign-in?sso=provider"));
}

#[tokio::test]
async fn with_password_sign_in_off_only_the_provider_signs_people_in() {
    // Nothing listens on port 9: discovery fails, which is a refusal, not an error page.
    let app = TestApp::demo_with(with_provider("http://127.0.0.1:9", false)).await;
    assert_eq!(
        options(&app).await,
        serde_json::json!({"sso": "Northwind ID", "password": false})
    );
    let page = app.get("/sign-in?next=/skills", None).await;
    assert!(
        page.body.contains("Sign in with Northwind ID"),
        "{}",
        page.body
    );
    assert!(page.body.contains("/auth/oidc/start?next=%2Fskills"));
    assert!(!page.body.contains(r#"name="password""#));

    // The form's server function refuses even the right password, naming the field.
    let res = app.try_sign_in(EMPLOYEE, PW).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert!(
        res.body.contains("password") && res.body.contains("turned off"),
        "{}",
        res.body
    );
    assert_eq!(
        app.count("select count(*) from session where person_id is not null")
            .await,
        0
    );

    let res = app.get("/auth/oidc/start?next=/skills", None).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(res.location().as_deref(), Some("/sign-in?sso=provider"));
    let page = app.get("/sign-in?sso=provider", None).await;
    assert!(page.body.contains("could not be reached"), "{}", page.body);
}

#[tokio::test]
async fn an_answer_without_a_started_sign_in_signs_nobody_in() {
    let app = TestApp::demo_with(with_provider("http://127.0.0.1:9", true)).await;
    let people = app.count("select count(*) from person").await;
    for query in [
        "?code=abc&state=forged",
        "?error=access_denied&state=forged",
        "",
        "?code=a&code=b",
    ] {
        let res = app.get(&format!("/auth/oidc/callback{query}"), None).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{query}");
        assert_eq!(
            res.location().as_deref(),
            Some("/sign-in?sso=expired"),
            "{query}"
        );
    }
    assert_eq!(
        app.count("select count(*) from session where person_id is not null")
            .await,
        0
    );
    assert_eq!(app.count("select count(*) from person").await, people);
    // An unknown refusal code shows nothing (the page never echoes the query).
    let page = app.get("/sign-in?sso=%3Cscript%3E", None).await;
    assert!(!page.body.contains("alert-error"), "{}", page.body);
}

#[tokio::test]
async fn with_single_sign_on_a_new_person_needs_no_password_and_without_it_one_is_required() {
    let form = |email: &'static str| person_form("Noor Haddad", email, "employee", "", "");
    // Without single sign-on a first password is required, and nothing is added.
    let plain = TestApp::demo().await;
    let admin = plain.sign_in(ADMIN, PW).await;
    let res = plain
        .call(
            "/api/people/create",
            &form("noor@northwind.example"),
            Some(&admin),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert!(res.body.contains("first password"), "{}", res.body);
    assert_eq!(
        plain
            .count("select count(*) from person where email = 'noor@northwind.example'")
            .await,
        0
    );

    // With it, the person is added without one: they sign in through the provider.
    let app = TestApp::demo_with(with_provider("http://127.0.0.1:9", true)).await;
    let admin = app.sign_in(ADMIN, PW).await;
    let res = app
        .call(
            "/api/people/create",
            &form("noor@northwind.example"),
            Some(&admin),
        )
        .await;
    assert!(
        res.status.is_success() || res.status.is_redirection(),
        "{}",
        res.body
    );
    assert_eq!(
        app.count(
            "select count(*) from person where email = 'noor@northwind.example' and password_hash is null"
        )
        .await,
        1
    );
}

#[tokio::test]
async fn with_password_sign_in_off_there_is_no_password_to_change() {
    let mut app = TestApp::demo_with(with_provider("http://127.0.0.1:9", true)).await;
    let cookie = app.sign_in(EMPLOYEE, PW).await;
    // Password sign-in turned off on the same database: the session from before still
    // works, but a password cannot be changed, and the account page says why.
    app.reconfigure(with_provider("http://127.0.0.1:9", false));
    let res = app
        .call(
            "/api/account/password",
            &[
                ("current", PW),
                ("new", "a-new-password"),
                ("confirm", "a-new-password"),
            ],
            Some(&cookie),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert!(res.body.contains("not used here"), "{}", res.body);
    let page = app.get("/account", Some(&cookie)).await;
    assert!(page.body.contains("no password to change"), "{}", page.body);
    assert!(!page.body.contains(r#"name="current""#));
}

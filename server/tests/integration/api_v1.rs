//! `/api/v1` with API tokens: pages that a cursor continues, filters, scopes, and refusals
//! as RFC 9457 problems; tokens made on the command line.

use crate::helpers::*;
use app::domain::api_tokens::{scopes_text, Scope};
use app::server::api_tokens;
use app::server::api_v1::{
    ApiActivity, ApiFramework, ApiGoal, ApiLevel, ApiNode, ApiOrgReport, ApiPerson, ApiPlan,
    ApiPosition, ApiRating, ApiUnit, Page,
};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use serde_json::{json, Value};
use std::collections::BTreeSet;

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
        ("limit=+5", "limit"),
        ("cursor=-4", "cursor"),
        ("cursor=", "cursor"),
        ("cursor=1234567890123456", "cursor"),
        ("unit=x", "unit"),
        ("unit=%203", "unit"),
        ("limit=5&limit=6", "limit"),
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
    assert_eq!(caller.scopes, Scope::ALL.to_vec());

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

/// The documented answer schema of `op` for `status`, with the document's components beside
/// it so that its `$ref`s resolve.
fn answer_schema(doc: &Value, op: &Value, status: &str) -> jsonschema::Validator {
    let content = op["responses"][status]["content"]
        .as_object()
        .unwrap_or_else(|| panic!("{status} is documented with a body: {op}"));
    let (_, media) = content.iter().next().unwrap();
    let mut schema = media["schema"].clone();
    schema["components"] = doc["components"].clone();
    jsonschema::draft202012::new(&schema).expect("the documented schema compiles")
}

fn conforms(v: &jsonschema::Validator, body: &Value, what: &str) {
    let errors: Vec<String> = v.iter_errors(body).map(|e| e.to_string()).collect();
    assert!(
        errors.is_empty(),
        "{what} breaks its schema: {errors:?}\n{body}"
    );
}

#[tokio::test]
async fn the_openapi_document_names_exactly_the_routes_their_scopes_and_their_answers() {
    let app = TestApp::demo().await;
    let res = api(&app, server::api_v1::DOCUMENT, None).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let doc = res.json();
    assert_eq!(doc["openapi"], "3.1.0");

    // Every routed operation is documented, and nothing else is.
    let mut documented = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            documented.insert((method.to_uppercase(), path.clone()));
        }
    }
    let routed: BTreeSet<(String, String)> = server::api_v1::ROUTES
        .iter()
        .filter(|(_, p)| ![server::api_v1::DOCUMENT, server::api_docs::PAGE].contains(p))
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect();
    assert_eq!(documented, routed);

    // Each operation names one scope; the route enforces that one, and its answers are the
    // documented ones: 401 without a token, 403 with every other scope, 200 with it.
    let liam = app
        .count("select id from person where email = 'liam.chen@northwind.example'")
        .await;
    let activity = app.count("select min(id) from activity").await;
    let framework = app
        .count("select min(framework_id) from framework_version")
        .await;
    let position = app.count("select min(id) from job_position").await;
    let skill = app
        .count("select min(id) from framework_node where kind = 'skill'")
        .await;
    let page = app.get(server::api_docs::PAGE, None).await;
    assert_eq!(page.status, StatusCode::OK);
    for (method, path) in &documented {
        let op = &doc["paths"][path][method.to_lowercase()];
        let names: Vec<&str> = op["security"][0]["token"]
            .as_array()
            .unwrap_or_else(|| panic!("{path} names its scope"))
            .iter()
            .filter_map(Value::as_str)
            .collect();
        let [name] = names[..] else {
            panic!("{path} needs exactly one scope: {names:?}")
        };
        let scope = Scope::parse(name).unwrap_or_else(|| panic!("{path}: {name} is a scope"));
        let id = if path.starts_with("/api/v1/frameworks/") {
            framework
        } else if path.starts_with("/api/v1/positions/") {
            position
        } else {
            liam
        };
        let url = path.replace("{id}", &id.to_string());
        let others: Vec<Scope> = Scope::ALL.into_iter().filter(|s| *s != scope).collect();

        // The one success status the operation documents.
        let success: Vec<&String> = op["responses"]
            .as_object()
            .unwrap()
            .keys()
            .filter(|s| s.starts_with('2'))
            .collect();
        let [success] = success[..] else {
            panic!("{path}: one success status, not {success:?}")
        };
        let call = |token: Option<String>| {
            let (app, method, url) = (&app, method.clone(), url.clone());
            let body = match path.as_str() {
                "/api/v1/ratings" => format!(
                    r#"{{"email": "liam.chen@northwind.example", "node_id": {skill}, "level": 1, "source": "lms"}}"#
                ),
                _ => format!(
                    r#"{{"email": "liam.chen@northwind.example", "activity": "{activity}"}}"#
                ),
            };
            async move {
                match (method.as_str(), token) {
                    ("GET", token) => api(app, &url, token.as_deref()).await,
                    ("POST", Some(t)) => post(app, &url, &t, None, &body).await,
                    ("POST", None) => {
                        let req = Request::post(&url).body(Body::from(body)).unwrap();
                        app.send(req).await
                    }
                    (m, _) => panic!("{m} {url}: say how to call it"),
                }
            }
        };
        let refused = call(None).await;
        assert_eq!(refused.status, StatusCode::UNAUTHORIZED, "{url}");
        conforms(&answer_schema(&doc, op, "401"), &refused.json(), &url);
        if !others.is_empty() {
            let other = token(&app, &scopes_text(&others)).await;
            let refused = call(Some(other)).await;
            assert_eq!(refused.status, StatusCode::FORBIDDEN, "{url}");
            conforms(&answer_schema(&doc, op, "403"), &refused.json(), &url);
        }
        let allowed = call(Some(token(&app, name).await)).await;
        assert_eq!(allowed.status.as_str(), success, "{url}: {}", allowed.body);
        conforms(&answer_schema(&doc, op, success), &allowed.json(), &url);

        // The reference page shows the operation and its scope.
        let heading = format!("{}</span> <code>{path}</code>", method);
        assert!(
            page.body.contains(&heading),
            "the page lists {method} {path}"
        );
        assert!(page.body.contains(&format!("<code>{name}</code>")));
    }
    // A bad parameter's answer is the documented problem too.
    let op = &doc["paths"]["/api/v1/people"]["get"];
    let bad = api(
        &app,
        "/api/v1/people?limit=0",
        Some(&token(&app, "all").await),
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    conforms(&answer_schema(&doc, op, "422"), &bad.json(), "limit=0");
    assert_eq!(bad.json()["field"], json!("limit"));
}

/// POST a JSON body to `/api/v1/completions` with a token and, optionally, an idempotency key.
async fn post_completion(app: &TestApp, token: &str, key: Option<&str>, body: &str) -> Res {
    post(app, "/api/v1/completions", token, key, body).await
}

/// POST a JSON body to `path` with a token and, optionally, an idempotency key.
async fn post(app: &TestApp, path: &str, token: &str, key: Option<&str>, body: &str) -> Res {
    let mut b = Request::post(path)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json");
    if let Some(k) = key {
        b = b.header("idempotency-key", k);
    }
    app.send(b.body(Body::from(body.to_string())).unwrap())
        .await
}

/// The id of the token `text`, found by its public prefix.
async fn token_id(app: &TestApp, text: &str) -> i64 {
    let prefix = app::domain::api_tokens::token_prefix(text).unwrap();
    app.count(format!(
        "select id from api_token where prefix = '{prefix}'"
    ))
    .await
}

/// Whether the newest audit entry of `action` names the token `id` as the one that acted.
async fn audited_as(app: &TestApp, action: &str, id: i64) -> bool {
    let after: String = sqlx::query_scalar(
        "select after_json from audit_log where action = $1 and actor_id is null \
         order by id desc limit 1",
    )
    .bind(action)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    serde_json::from_str::<Value>(&after).unwrap()["api_token"] == json!(id)
}

#[tokio::test]
async fn a_learning_system_records_a_completion_once_however_often_it_retries() {
    let app = TestApp::demo().await;
    let lms = token(&app, "completions:write").await;
    let liam = app
        .count("select id from person where email = 'liam.chen@northwind.example'")
        .await;
    // An activity that provides a level Liam does not hold yet.
    let activity = app
        .count(format!(
            "select min(al.activity_id) from activity_level al where al.level > coalesce( \
             (select c.level from current_level c where c.person_id = {liam} and c.node_id = al.node_id), 0)"
        ))
        .await;
    let body = format!(r#"{{"email": "Liam.Chen@northwind.example", "activity": "{activity}"}}"#);
    let ratings =
        format!("select count(*) from rating where subject_id = {liam} and source = 'course'");
    let before = app.count(&ratings).await;

    let first = post_completion(&app, &lms, Some("\"lms-record-1\""), &body).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    assert!(first.headers.get("idempotent-replayed").is_none());
    let done = first.json();
    assert_eq!(done["person_id"], liam);
    assert_eq!(done["activity_id"], activity);
    assert!(audited_as(&app, "complete", token_id(&app, &lms).await).await);
    let awarded = done["levels_awarded"].as_i64().unwrap();
    assert!(awarded >= 1, "{done}");
    assert_eq!(app.count(&ratings).await, before + awarded);
    assert_eq!(
        app.count(format!(
            "select count(*) from plan_action where id = {} and status = 'completed' and completed_via = 'api'",
            done["action_id"]
        ))
        .await,
        1
    );

    // The retry (quoted or not, the same key) answers the same and records nothing more.
    let actions = format!("select count(*) from plan_action where person_id = {liam}");
    let n_actions = app.count(&actions).await;
    for key in ["lms-record-1", "\"lms-record-1\""] {
        let again = post_completion(&app, &lms, Some(key), &body).await;
        assert_eq!(again.status, StatusCode::CREATED, "{}", again.body);
        assert_eq!(again.headers["idempotent-replayed"], "true");
        assert_eq!(again.json(), done);
    }
    assert_eq!(app.count(&ratings).await, before + awarded);
    assert_eq!(app.count(&actions).await, n_actions);

    // The same key for another request is refused and changes nothing; so is every bad
    // request, each naming what is wrong.
    let other =
        format!(r#"{{"email": "amara.nwosu@northwind.example", "activity": "{activity}"}}"#);
    let p = problem(
        &post_completion(&app, &lms, Some("lms-record-1"), &other).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    );
    assert_eq!(p["field"], "Idempotency-Key", "{p}");
    for (body, key, status, field) in [
        (
            "not json",
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("body"),
        ),
        (
            r#"{"email": "liam.chen@northwind.example"}"#,
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("body"),
        ),
        (
            r#"{"email": "x@y", "activity": "1", "extra": 1}"#,
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("body"),
        ),
        (
            r#"{"email": "", "activity": "1"}"#,
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("email"),
        ),
        // Found by schemathesis: a NUL made PostgreSQL fail the lookup (500).
        (
            r#"{"email": "liam.chen@northwind.example", "activity": "a\u0000b"}"#,
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("activity"),
        ),
        (
            &body,
            Some("has space"),
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("Idempotency-Key"),
        ),
        (
            r#"{"email": "nobody@northwind.example", "activity": "1"}"#,
            None,
            StatusCode::NOT_FOUND,
            None,
        ),
        (
            r#"{"email": "liam.chen@northwind.example", "activity": "no-such-course"}"#,
            None,
            StatusCode::NOT_FOUND,
            None,
        ),
    ] {
        let p = problem(&post_completion(&app, &lms, key, body).await, status);
        assert_eq!(p["field"].as_str(), field, "{body}: {p}");
    }
    assert_eq!(app.count(&ratings).await, before + awarded);
    assert_eq!(app.count(&actions).await, n_actions);

    // Without the scope: 403, and nothing recorded.
    let reader = token(&app, "people:read").await;
    problem(
        &post_completion(&app, &reader, Some("k2"), &body).await,
        StatusCode::FORBIDDEN,
    );

    // Two requests with one new key at once: one records, the other repeats its answer.
    let (a, b) = tokio::join!(
        post_completion(&app, &lms, Some("lms-record-2"), &body),
        post_completion(&app, &lms, Some("lms-record-2"), &body),
    );
    assert_eq!(
        (a.status, b.status),
        (StatusCode::CREATED, StatusCode::CREATED),
        "{} / {}",
        a.body,
        b.body
    );
    assert_eq!(a.json(), b.json());
    let replays = [&a, &b]
        .iter()
        .filter(|r| r.headers.get("idempotent-replayed").is_some())
        .count();
    assert_eq!(replays, 1);
    assert_eq!(app.count(&actions).await, n_actions + 1);
}

#[tokio::test]
async fn a_token_over_its_requests_per_minute_waits_and_others_do_not() {
    let app = TestApp::with_settings(app::server::Settings {
        api_requests_per_minute: 3,
        ..app::server::Settings::default()
    })
    .await;
    let busy = token(&app, "units:read").await;
    let calm = token(&app, "units:read").await;
    for _ in 0..3 {
        assert_eq!(
            api(&app, "/api/v1/units", Some(&busy)).await.status,
            StatusCode::OK
        );
    }
    let refused = api(&app, "/api/v1/units", Some(&busy)).await;
    let p = problem(&refused, StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = refused.headers[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=20).contains(&wait), "{wait} s: {p}");
    assert!(
        p["detail"]
            .as_str()
            .unwrap()
            .contains("3 requests a minute"),
        "{p}"
    );
    // Another token has its own allowance; any operation counts, before its scope is
    // even looked at.
    assert_eq!(
        api(&app, "/api/v1/units", Some(&calm)).await.status,
        StatusCode::OK
    );
    let body = r#"{"email": "nobody@example.org", "activity": "1"}"#;
    problem(
        &post_completion(&app, &busy, None, body).await,
        StatusCode::TOO_MANY_REQUESTS,
    );
}

#[tokio::test]
async fn a_token_reads_current_levels_in_pages_by_person_node_and_time() {
    let app = TestApp::demo().await;
    let t = token(&app, "levels:read").await;
    let mut seen: Vec<(i64, i64, i64)> = Vec::new();
    let mut path = "/api/v1/levels?limit=200".to_string();
    loop {
        let res = api(&app, &path, Some(&t)).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        let page: Page<ApiLevel> = res.parse();
        seen.extend(page.data.iter().map(|l| (l.person_id, l.node_id, l.level)));
        match page.next_cursor {
            Some(c) => path = format!("/api/v1/levels?limit=200&cursor={c}"),
            None => break,
        }
    }
    assert!(seen.len() > 200, "more than one page: {}", seen.len());
    assert!(
        seen.windows(2).all(|w| (w[0].0, w[0].1) < (w[1].0, w[1].1)),
        "in order, once each"
    );
    let stored: Vec<(i64, i64, i64)> = sqlx::query_as(
        "select person_id, node_id, level from current_level order by person_id, node_id",
    )
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(seen, stored);

    // Filters: one person, one node, given since a time (none in the future).
    // Someone with levels: the last person listed.
    let someone = seen.last().unwrap().0;
    let mine: Page<ApiLevel> = api(
        &app,
        &format!("/api/v1/levels?person={someone}&limit=200"),
        Some(&t),
    )
    .await
    .parse();
    let expected: Vec<&(i64, i64, i64)> = seen.iter().filter(|l| l.0 == someone).collect();
    assert_eq!(mine.data.len(), expected.len());
    assert!(!mine.data.is_empty() && mine.data.iter().all(|l| l.person_id == someone));
    let node = mine.data[0].node_id;
    let on_node: Page<ApiLevel> = api(
        &app,
        &format!("/api/v1/levels?node={node}&limit=200"),
        Some(&t),
    )
    .await
    .parse();
    assert_eq!(
        on_node.data.len(),
        seen.iter().filter(|l| l.1 == node).count()
    );
    let future: Page<ApiLevel> = api(
        &app,
        "/api/v1/levels?updated_since=999999999999999",
        Some(&t),
    )
    .await
    .parse();
    assert!(future.data.is_empty() && future.next_cursor.is_none());

    for (query, field) in [
        ("cursor=12", "cursor"),
        ("cursor=1-x", "cursor"),
        ("person=-1", "person"),
        ("node=1&node=2", "node"),
    ] {
        let p = problem(
            &api(&app, &format!("/api/v1/levels?{query}"), Some(&t)).await,
            StatusCode::UNPROCESSABLE_ENTITY,
        );
        assert_eq!(p["field"], field, "{query}: {p}");
    }
    // Reading people needs its own scope.
    problem(
        &api(&app, "/api/v1/people", Some(&t)).await,
        StatusCode::FORBIDDEN,
    );
}

/// Every page of the list at `path` (which has a query string), in order.
async fn all_pages<T: serde::de::DeserializeOwned>(app: &TestApp, path: &str, t: &str) -> Vec<T> {
    let mut out = Vec::new();
    let mut url = path.to_string();
    loop {
        let res = api(app, &url, Some(t)).await;
        assert_eq!(res.status, StatusCode::OK, "{url}: {}", res.body);
        let page: Page<T> = res.parse();
        out.extend(page.data);
        match page.next_cursor {
            Some(c) => url = format!("{path}&cursor={c}"),
            None => return out,
        }
    }
}

#[tokio::test]
async fn a_token_reads_positions_with_requirements_frameworks_nodes_and_case_packages() {
    let app = TestApp::demo().await;
    let t = token(&app, "positions:read,frameworks:read").await;

    // Positions in pages of 3, each with its requirements in the order they were added.
    let positions: Vec<ApiPosition> = all_pages(&app, "/api/v1/positions?limit=3", &t).await;
    assert_eq!(
        positions.len() as i64,
        app.count("select count(*) from job_position").await
    );
    assert!(positions.windows(2).all(|w| w[0].id < w[1].id));
    let stored: Vec<(i64, i64, i64, i64, i64)> = sqlx::query_as(
        "select position_id, node_id, required, weight, mandatory from position_requirement \
         order by position_id, seq",
    )
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    let listed: Vec<(i64, i64, i64, i64, i64)> = positions
        .iter()
        .flat_map(|p| {
            p.requirements
                .iter()
                .map(|r| (p.id, r.node_id, r.level, r.weight, i64::from(r.mandatory)))
        })
        .collect();
    assert_eq!(listed, stored);
    assert!(!stored.is_empty());
    let one = positions
        .iter()
        .find(|p| !p.requirements.is_empty())
        .unwrap();
    let res = api(&app, &format!("/api/v1/positions/{}", one.id), Some(&t)).await;
    assert_eq!(res.parse::<ApiPosition>(), *one);
    problem(
        &api(&app, "/api/v1/positions/999999", Some(&t)).await,
        StatusCode::NOT_FOUND,
    );
    if let Some(unit) = one.unit_id {
        let in_unit: Vec<ApiPosition> =
            all_pages(&app, &format!("/api/v1/positions?unit={unit}"), &t).await;
        assert!(in_unit.iter().any(|p| p.id == one.id));
        assert!(in_unit.iter().all(|p| p.unit_id == Some(unit)));
    }

    // Frameworks with their newest published version; a framework's nodes in pages.
    let frameworks: Vec<ApiFramework> = all_pages(&app, "/api/v1/frameworks?limit=2", &t).await;
    assert_eq!(
        frameworks.len() as i64,
        app.count("select count(*) from framework").await
    );
    let published = frameworks
        .iter()
        .find(|f| f.published_version.is_some())
        .expect("a published framework");
    let newest = app
        .count(format!(
            "select max(number) from framework_version where framework_id = {}",
            published.id
        ))
        .await;
    assert_eq!(published.published_version, Some(newest));
    let nodes: Vec<ApiNode> = all_pages(
        &app,
        &format!("/api/v1/frameworks/{}/nodes?limit=50", published.id),
        &t,
    )
    .await;
    assert_eq!(
        nodes.len() as i64,
        app.count(format!(
            "select count(*) from framework_node where framework_id = {}",
            published.id
        ))
        .await
    );
    assert!(nodes.iter().all(|n| n.framework_id == published.id));
    let ids: BTreeSet<i64> = nodes.iter().map(|n| n.id).collect();
    assert!(nodes
        .iter()
        .all(|n| n.parent_id.is_none_or(|p| ids.contains(&p))));
    problem(
        &api(&app, "/api/v1/frameworks/999999/nodes", Some(&t)).await,
        StatusCode::NOT_FOUND,
    );

    // The CASE package: the newest version by default, a version by number, the draft.
    let res = api(
        &app,
        &format!("/api/v1/frameworks/{}/case", published.id),
        Some(&t),
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let package = res.json();
    assert_eq!(
        package["CFDocument"]["title"].as_str(),
        Some(published.name.as_str())
    );
    let items = package["CFItems"].as_array().expect("CFItems");
    assert!(!items.is_empty());
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../shared/data/case/case-v1p1-cfpackage.official-schema.json"
        ))
        .expect("the official CASE schema"),
    )
    .unwrap();
    let official = jsonschema::draft201909::new(&schema).expect("the official schema compiles");
    conforms(&official, &package, "the CASE package");
    let by_number = api(
        &app,
        &format!("/api/v1/frameworks/{}/case?version={newest}", published.id),
        Some(&t),
    )
    .await;
    // A published version is frozen: asked for again (by number, later), the same package.
    assert_eq!(by_number.json(), package);
    let draft = api(
        &app,
        &format!("/api/v1/frameworks/{}/case?version=draft", published.id),
        Some(&t),
    )
    .await;
    assert_eq!(draft.status, StatusCode::OK);
    for (query, status, field) in [
        (
            "version=-1",
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("version"),
        ),
        ("version=9999", StatusCode::NOT_FOUND, None),
        (
            "version=1&version=2",
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("version"),
        ),
    ] {
        let url = format!("/api/v1/frameworks/{}/case?{query}", published.id);
        let p = problem(&api(&app, &url, Some(&t)).await, status);
        assert_eq!(p["field"].as_str(), field, "{query}: {p}");
    }
    if let Some(unpublished) = frameworks.iter().find(|f| f.published_version.is_none()) {
        let url = format!("/api/v1/frameworks/{}/case", unpublished.id);
        let p = problem(&api(&app, &url, Some(&t)).await, StatusCode::NOT_FOUND);
        assert!(
            p["detail"].as_str().unwrap().contains("version=draft"),
            "{p}"
        );
    }

    // Ratings need their own scope.
    problem(
        &api(&app, "/api/v1/ratings", Some(&t)).await,
        StatusCode::FORBIDDEN,
    );
}

#[tokio::test]
async fn a_token_reads_every_rating_in_pages_by_person_node_and_time() {
    let app = TestApp::demo().await;
    let t = token(&app, "ratings:read").await;
    let all: Vec<ApiRating> = all_pages(&app, "/api/v1/ratings?limit=200", &t).await;
    assert_eq!(
        all.len() as i64,
        app.count("select count(*) from rating").await
    );
    assert!(all.windows(2).all(|w| w[0].id < w[1].id));
    let selfie = all
        .iter()
        .find(|r| r.source == "self")
        .expect("a self-rating");
    assert!(selfie.review.is_some());
    assert!(all
        .iter()
        .filter(|r| r.source != "self")
        .all(|r| r.review.is_none()));

    let person = selfie.person_id;
    let theirs: Vec<ApiRating> =
        all_pages(&app, &format!("/api/v1/ratings?person={person}"), &t).await;
    let expected: Vec<&ApiRating> = all.iter().filter(|r| r.person_id == person).collect();
    assert_eq!(theirs.iter().collect::<Vec<_>>(), expected);
    let node = selfie.node_id;
    let on_node: Vec<ApiRating> = all_pages(
        &app,
        &format!("/api/v1/ratings?person={person}&node={node}"),
        &t,
    )
    .await;
    assert!(!on_node.is_empty());
    assert!(on_node
        .iter()
        .all(|r| r.person_id == person && r.node_id == node));
    let newest = all.iter().map(|r| r.created_at).max().unwrap();
    let recent: Vec<ApiRating> =
        all_pages(&app, &format!("/api/v1/ratings?updated_since={newest}"), &t).await;
    assert!(!recent.is_empty() && recent.iter().all(|r| r.created_at >= newest));
    for (query, field) in [
        ("cursor=x", "cursor"),
        ("node=1.5", "node"),
        ("limit=201", "limit"),
    ] {
        let p = problem(
            &api(&app, &format!("/api/v1/ratings?{query}"), Some(&t)).await,
            StatusCode::UNPROCESSABLE_ENTITY,
        );
        assert_eq!(p["field"], field, "{query}: {p}");
    }
}

#[tokio::test]
async fn a_token_reads_activities_plans_goals_and_the_org_report_as_the_pages_show_them() {
    let app = TestApp::demo().await;
    let t = token(&app, "activities:read,plans:read,reports:read").await;

    // Activities with the levels they award.
    let activities: Vec<ApiActivity> = all_pages(&app, "/api/v1/activities?limit=4", &t).await;
    assert_eq!(
        activities.len() as i64,
        app.count("select count(*) from activity").await
    );
    let provides: usize = activities.iter().map(|a| a.provides.len()).sum();
    assert_eq!(
        provides as i64,
        app.count("select count(*) from activity_level").await
    );
    assert!(activities
        .iter()
        .any(|a| a.external_id.as_deref() == Some("demo-course-10")));

    // Plans and goals.
    let plans: Vec<ApiPlan> = all_pages(&app, "/api/v1/plans?limit=3", &t).await;
    assert_eq!(
        plans.len() as i64,
        app.count("select count(*) from dev_plan").await
    );
    assert!(!plans.is_empty());
    let goals: Vec<ApiGoal> = all_pages(&app, "/api/v1/goals?limit=5", &t).await;
    assert_eq!(
        goals.len() as i64,
        app.count("select count(*) from plan_goal").await
    );
    let someone = goals.first().expect("the demo has goals").person_id;
    let theirs: Vec<ApiGoal> =
        all_pages(&app, &format!("/api/v1/goals?person={someone}"), &t).await;
    assert_eq!(
        theirs,
        goals
            .iter()
            .filter(|g| g.person_id == someone)
            .cloned()
            .collect::<Vec<_>>()
    );
    let plan: Vec<ApiPlan> = all_pages(&app, &format!("/api/v1/plans?person={someone}"), &t).await;
    assert!(plan.len() <= 1 && plan.iter().all(|p| p.person_id == someone));

    // The org report: the same figures as the Reports page shows an HR viewer.
    let res = api(&app, "/api/v1/reports/org", Some(&t)).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let report: ApiOrgReport = res.parse();
    let hr = app::server::orgreports::org_report(
        &app.db,
        &as_user(1, app::domain::Role::Admin),
        None,
        None,
    )
    .await
    .unwrap();
    assert_eq!(report.unit_id, None);
    assert_eq!(report.total.people, hr.total.people);
    assert_eq!(report.total.readiness, hr.total.readiness);
    assert_eq!(report.rows.len(), hr.rows.len());
    assert_eq!(report.columns.len(), hr.columns.len());
    assert!(report.total.people > 0 && !report.columns.is_empty());
    for (row, page_row) in report.rows.iter().zip(&hr.rows) {
        assert_eq!(row.name, page_row.name);
        let needs: Vec<u32> = row.cells.iter().map(|c| c.need).collect();
        let page_needs: Vec<u32> = page_row.cells.iter().map(|c| c.need).collect();
        assert_eq!(needs, page_needs);
    }
    // One unit's report.
    let unit = report.rows[0].unit_id.expect("a top unit");
    let one: ApiOrgReport = api(&app, &format!("/api/v1/reports/org?unit={unit}"), Some(&t))
        .await
        .parse();
    assert_eq!(one.unit_id, Some(unit));
    assert_eq!(one.total.people, report.rows[0].people);
    problem(
        &api(&app, "/api/v1/reports/org?unit=999999", Some(&t)).await,
        StatusCode::NOT_FOUND,
    );
    let p = problem(
        &api(&app, "/api/v1/reports/org?framework=x", Some(&t)).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    );
    assert_eq!(p["field"], "framework");
}

#[tokio::test]
async fn a_trusted_system_rates_people_and_the_level_counts_at_once_and_once_per_key() {
    let app = TestApp::demo().await;
    let t = token(&app, "ratings:write").await;
    let liam = app.person_id(EMPLOYEE).await;
    let (node, top): (i64, i64) = sqlx::query_as(
        "select n.id, (select max(level) from scale_level l \
           where l.scale_id = coalesce(n.scale_id, f.scale_id)) \
         from framework_node n join framework f on f.id = n.framework_id \
         where n.kind = 'skill' and not exists (select 1 from rating r \
           where r.subject_id = $1 and r.node_id = n.id) order by n.id limit 1",
    )
    .bind(liam)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    let body = format!(
        r#"{{"email": "Liam.Chen@northwind.example", "node_id": {node}, "level": {top}, "source": "assessment", "comment": "Passed the practical exam."}}"#
    );
    let ratings = app.count("select count(*) from rating").await;
    // Changes in the audit log (each request is there too, as a use of the token).
    let changes = "select count(*) from audit_log where action <> 'use'";
    let audits = app.count(changes).await;
    let res = post(&app, "/api/v1/ratings", &t, Some("exam-7781"), &body).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let out = res.json();
    assert_eq!(out["current_level"], top);
    assert_eq!(out["rating"]["source"], "import");
    assert_eq!(out["rating"]["origin"], "assessment");
    assert_eq!(out["rating"]["person_id"], liam);
    let level = app
        .count(format!(
            "select level from current_level where person_id = {liam} and node_id = {node}"
        ))
        .await;
    assert_eq!(level, top);
    assert_eq!(app.count(changes).await, audits + 1);
    assert!(audited_as(&app, "rate", token_id(&app, &t).await).await);

    // A retry with the key answers the same and records nothing more.
    let again = post(&app, "/api/v1/ratings", &t, Some("exam-7781"), &body).await;
    assert_eq!(again.status, StatusCode::CREATED);
    assert_eq!(again.headers["idempotent-replayed"], "true");
    assert_eq!(again.json(), out);
    assert_eq!(app.count("select count(*) from rating").await, ratings + 1);

    // The rating is in the list with its origin, and permanent.
    let reader = token(&app, "ratings:read").await;
    let theirs: Vec<ApiRating> = all_pages(
        &app,
        &format!("/api/v1/ratings?person={liam}&node={node}"),
        &reader,
    )
    .await;
    assert_eq!(theirs.len(), 1);
    assert_eq!(theirs[0].origin, "assessment");
    assert_eq!(theirs[0].comment, "Passed the practical exam.");
    let rewrite = sqlx::query("update rating set origin = 'other' where id = $1")
        .bind(theirs[0].id)
        .execute(&app.db.pool)
        .await;
    assert!(rewrite.is_err(), "the origin is as permanent as the rating");
    // The person's history says which system gave it.
    let history = app::server::assess::history(
        &app.db,
        &as_user(1, app::domain::Role::Admin),
        app::domain::PersonId(liam),
        app::domain::NodeId(node),
        None,
    )
    .await
    .unwrap();
    let entry = &history.entries[0];
    assert_eq!(entry.by.as_deref(), Some("assessment (via the API)"));
    assert!(entry.counts);

    // Refusals name the field and change nothing.
    let category = app
        .count("select min(id) from framework_node where kind = 'category'")
        .await;
    for (body, status, field) in [
        (
            format!(
                r#"{{"email": "{EMPLOYEE}", "node_id": {node}, "level": {}, "source": "lms"}}"#,
                top + 1
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("level"),
        ),
        (
            format!(
                r#"{{"email": "{EMPLOYEE}", "node_id": {category}, "level": 1, "source": "lms"}}"#
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("node_id"),
        ),
        (
            format!(
                r#"{{"email": "{EMPLOYEE}", "node_id": {node}, "level": 1, "source": "LMS!"}}"#
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("source"),
        ),
        (
            format!(r#"{{"email": "{EMPLOYEE}", "node_id": {node}, "level": 1}}"#),
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("body"),
        ),
        (
            format!(
                r#"{{"email": "nobody@northwind.example", "node_id": {node}, "level": 1, "source": "lms"}}"#
            ),
            StatusCode::NOT_FOUND,
            None,
        ),
        (
            format!(r#"{{"email": "{EMPLOYEE}", "node_id": 999999, "level": 1, "source": "lms"}}"#),
            StatusCode::NOT_FOUND,
            None,
        ),
    ] {
        let p = problem(
            &post(&app, "/api/v1/ratings", &t, None, &body).await,
            status,
        );
        assert_eq!(p["field"].as_str(), field, "{body}: {p}");
    }
    assert_eq!(app.count("select count(*) from rating").await, ratings + 1);
    // Writing ratings is its own scope.
    let completions = token(&app, "completions:write,ratings:read").await;
    problem(
        &post(&app, "/api/v1/ratings", &completions, None, &body).await,
        StatusCode::FORBIDDEN,
    );
}

#[tokio::test]
async fn every_use_of_a_token_is_in_the_audit_log_with_what_it_asked_and_the_answer() {
    let app = TestApp::demo().await;
    let (info, t) = api_tokens::create(&app.db, None, "Warehouse", "people:read", None)
        .await
        .unwrap();
    let uses = |extra: &'static str| {
        let app = &app;
        let id = info.id;
        async move {
            app.count(format!(
                "select count(*) from audit_log where entity = 'api_token' and action = 'use' \
                 and entity_id = '{id}'{extra}"
            ))
            .await
        }
    };
    assert_eq!(uses("").await, 0);
    api(&app, "/api/v1/people?limit=2", Some(&t)).await;
    assert_eq!(
        uses(" and after_json like '%\"target\":\"/api/v1/people?limit=2\"%' and after_json like '%\"status\":200%'").await,
        1
    );
    // Refused uses of the token count too: out of scope, and after it is revoked.
    assert_eq!(
        api(&app, "/api/v1/units", Some(&t)).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(uses(" and after_json like '%\"status\":403%'").await, 1);
    api_tokens::revoke(&app.db, None, info.id).await.unwrap();
    assert_eq!(
        api(&app, "/api/v1/people", Some(&t)).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(uses(" and after_json like '%\"status\":401%'").await, 1);
    // No token, or one nobody made: nothing to record, nothing recorded.
    let before = app.count("select count(*) from audit_log").await;
    api(&app, "/api/v1/people", None).await;
    api(
        &app,
        "/api/v1/people",
        Some("pfo_00000000_0000000000000000000000000000000000000000"),
    )
    .await;
    assert_eq!(app.count("select count(*) from audit_log").await, before);
}

//! The holes a security review found, each with the test that proves it closed: lists capped
//! before per-item work, a sign-in throttle that cannot be raced, limits per client address
//! and on concurrent password checks, redirects to local paths only, no panic from a header,
//! no known password on an empty database, levels validated only through the management
//! line, CSV cells that cannot run as formulas, GETs that change nothing, password changes
//! that end other sessions, a depth limit on org units, an evidence quota, imports confirmed
//! once, pruned throttle rows, and the security headers.

use crate::helpers::*;
use app::domain::develop::{PendingCheck, PlanPage};
use app::domain::{CurrentUser, Role};
use app::server::Settings;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};

fn wrong(email: &str) -> [(&str, &str); 3] {
    [
        ("email", email),
        ("password", "wrong-password"),
        ("next", ""),
    ]
}

#[tokio::test]
async fn a_huge_talent_search_is_refused_by_counting() {
    let app = TestApp::demo_unrated().await;
    let liam = app.sign_in(EMPLOYEE, PW).await;
    // 200,000 criteria (1.7 MB): refused before any is parsed or compared.
    let huge = vec!["1:1"; 200_000].join(",");
    let res = app
        .expect(
            "/api/talent/search",
            &[("criteria", &huge)],
            Some(&liam),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    assert_eq!(res.invalid().field, "node1", "{}", res.body);
    // Ticked boxes and peer lists are capped the same way.
    let boxes: Vec<(String, &str)> = (0..600).map(|i| (format!("ids[{i}]"), "on")).collect();
    let form: Vec<(&str, &str)> = std::iter::once(("decision", "approve"))
        .chain(boxes.iter().map(|(k, v)| (k.as_str(), *v)))
        .collect();
    let grace = app.sign_in(MANAGER, PW).await;
    let res = app
        .expect(
            "/api/reviews/decide",
            &form,
            Some(&grace),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    assert!(res.body.contains("at most 500"), "{}", res.body);
    let peers: String = (0..50)
        .map(|i| format!("p{i}@northwind.example"))
        .collect::<Vec<_>>()
        .join(",");
    let res = app
        .expect(
            "/api/peers/request",
            &[("peers", &peers), ("nodes[1]", "on")],
            Some(&liam),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    assert!(res.body.contains("at most 20"), "{}", res.body);
}

#[tokio::test]
async fn parallel_wrong_passwords_cannot_race_the_throttle() {
    let app = TestApp::demo_unrated_with(Settings {
        max_failed_sign_ins: 5,
        max_concurrent_hashes: 64,
        ..Settings::default()
    })
    .await;
    let form = wrong(EMPLOYEE);
    let answers =
        futures::future::join_all((0..30).map(|_| app.call("/api/sign_in", &form, None))).await;
    let evaluated = answers
        .iter()
        .filter(|r| r.status == StatusCode::UNPROCESSABLE_ENTITY)
        .count();
    let refused = answers
        .iter()
        .filter(|r| r.status == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert!(evaluated <= 5, "{evaluated} passwords were checked");
    assert_eq!(evaluated + refused, 30);
    let r = answers
        .iter()
        .find(|r| r.status == StatusCode::TOO_MANY_REQUESTS)
        .unwrap();
    let retry: u64 = r.headers[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry > 0 && retry <= 15 * 60, "{retry}");
}

async fn sign_in_from(app: &TestApp, address: &str, form: &[(&str, &str)]) -> Res {
    let body = serde_urlencoded::to_string(form).unwrap();
    let req = Request::post("/api/sign_in")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "application/json")
        .header("x-forwarded-for", format!("203.0.113.9, {address}"))
        .body(Body::from(body))
        .unwrap();
    app.send(req).await
}

#[tokio::test]
async fn one_client_address_cannot_guess_across_many_accounts() {
    let app = TestApp::demo_unrated_with(Settings {
        max_failed_sign_ins_per_client: 3,
        trust_forwarded_for: true,
        ..Settings::default()
    })
    .await;
    for email in [EMPLOYEE, MANAGER, HR] {
        sign_in_from(&app, "198.51.100.7", &wrong(email))
            .await
            .expect_status(StatusCode::UNPROCESSABLE_ENTITY, "sign_in_from");
    }
    // A fourth e-mail from the same address is refused before its password is checked...
    let res = sign_in_from(&app, "198.51.100.7", &wrong(ADMIN))
        .await
        .expect_status(StatusCode::TOO_MANY_REQUESTS, "sign_in_from");
    assert!(res.headers.contains_key(header::RETRY_AFTER));
    assert!(res.body.contains("this address"), "{}", res.body);
    // ...while another address (the proxy appended it last) still signs in.
    let res = sign_in_from(
        &app,
        "198.51.100.8",
        &[("email", ADMIN), ("password", PW), ("next", "")],
    )
    .await;
    assert!(res.status.is_success(), "{} {}", res.status, res.body);
}

#[tokio::test]
async fn password_checks_beyond_the_cap_get_503_with_retry_after() {
    let app = TestApp::demo_unrated_with(Settings {
        max_concurrent_hashes: 1,
        ..Settings::default()
    })
    .await;
    // Every slot is taken (as by a flood of sign-ins in progress).
    let slot = app.state.password_slots.clone().acquire_owned().await;
    let res = app
        .try_sign_in(EMPLOYEE, PW)
        .await
        .expect_status(StatusCode::SERVICE_UNAVAILABLE, "sign-in");
    assert_eq!(res.headers[header::RETRY_AFTER], "2");
    drop(slot);
    app.sign_in(EMPLOYEE, PW).await;
}

#[tokio::test]
async fn after_sign_in_only_plain_local_paths_and_no_panic() {
    let app = TestApp::demo_unrated().await;
    for next in [
        "/\t/evil.example/",
        "/\n/evil.example/",
        "/\\evil.example",
        "//evil.example",
        "/\u{1}x",
        "https://evil.example",
        " /people",
    ] {
        let res = app
            .post_plain_form(
                "/api/sign_in",
                &[("email", EMPLOYEE), ("password", PW), ("next", next)],
                "/sign-in",
                None,
            )
            .await;
        assert_eq!(
            res.location().as_deref(),
            Some("/"),
            "{next:?}: {} {}",
            res.status,
            res.body
        );
    }
    let res = app
        .post_plain_form(
            "/api/sign_in",
            &[
                ("email", EMPLOYEE),
                ("password", PW),
                ("next", "/people?x=1"),
            ],
            "/sign-in",
            None,
        )
        .await;
    assert_eq!(res.location().as_deref(), Some("/people?x=1"));
}

#[tokio::test]
async fn an_empty_database_gets_its_first_admin_from_the_command_line() {
    let app = TestApp::empty().await;
    assert!(app.db.is_empty().await.unwrap());
    let short =
        app::server::people::create_admin(&app.db, "ops@example.org", "Operations", "short".into())
            .await
            .unwrap_err();
    assert_eq!(short.field(), Some("password"));
    app::server::people::create_admin(
        &app.db,
        "ops@example.org",
        "Operations",
        "a long enough secret".into(),
    )
    .await
    .unwrap();
    let cookie = app.sign_in("ops@example.org", "a long enough secret").await;
    let me: Option<CurrentUser> = app.call("/api/whoami", &[], Some(&cookie)).await.parse();
    assert_eq!(me.as_ref().map(|me| me.role), Some(Role::Admin), "{me:?}");
    // No demo person (and so no published password) exists.
    assert_eq!(app.count("select count(*) from person").await, 1);
}

#[tokio::test]
async fn a_mentor_the_trainee_named_alone_cannot_validate_a_level() {
    let app = TestApp::demo_unrated().await;
    let [admin, liam, grace, noah] = app
        .sign_in_all([ADMIN, EMPLOYEE, MANAGER, OTHER_EMPLOYEE])
        .await;
    let node: i64 = app.node_id("Code quality").await;
    let res = app
        .expect(
            "/api/learning/save",
            &[
                ("input[title]", "Own a release"),
                ("input[kind]", "on-the-job"),
                ("input[duration]", "2 weeks"),
                ("input[cost]", ""),
            ],
            Some(&admin),
            StatusCode::OK,
        )
        .await;
    let task = res.json().as_i64().expect("activity id");
    app.expect(
        "/api/learning/level",
        &[
            ("id", &task.to_string()),
            ("node", &node.to_string()),
            ("level", "3"),
        ],
        Some(&admin),
        StatusCode::OK,
    )
    .await;
    app.add_to_plan(&task.to_string(), &liam, StatusCode::OK)
        .await;
    let plan: PlanPage = app.call("/api/plan/get", &[], Some(&liam)).await.parse();
    let action = plan.actions[0].id.to_string();
    // Liam names a colleague as mentor and reports the task done.
    app.choose_mentor(&action, OTHER_EMPLOYEE, &liam, StatusCode::OK)
        .await;
    app.expect(
        "/api/plan/action/report",
        &[("id", action.as_str()), ("report", "Ran the release.")],
        Some(&liam),
        StatusCode::OK,
    )
    .await;
    // The colleague's sign-off is refused and writes nothing.
    let checks: Vec<PendingCheck> = app.call("/api/plan/checks", &[], Some(&noah)).await.parse();
    assert_eq!(checks.len(), 0, "{checks:?}");
    app.decide_action(&action, "confirm", &noah, StatusCode::FORBIDDEN)
        .await;
    let validated = format!(
        "select count(*) from rating where node_id = {node} and subject_id = {}",
        app.person_id(EMPLOYEE).await
    );
    assert_eq!(app.count(validated.clone()).await, 0);
    // Once the manager confirms the choice, the mentor's sign-off counts.
    app.choose_mentor(&action, OTHER_EMPLOYEE, &grace, StatusCode::OK)
        .await;
    app.decide_action(&action, "confirm", &noah, StatusCode::OK)
        .await;
    assert_eq!(app.count(validated).await, 1);
}

#[tokio::test]
async fn csv_exports_cannot_carry_formulas() {
    let app = TestApp::demo_unrated().await;
    let admin = app.sign_in(ADMIN, PW).await;
    sqlx::query(
        "update org_unit set name = '=HYPERLINK(\"http://evil.example\")' where parent_id is null",
    )
    .execute(&app.db.pool)
    .await
    .unwrap();
    let res = app
        .expect_get("/reports/org.csv", Some(&admin), StatusCode::OK)
        .await;
    assert!(res.body.contains("'=HYPERLINK"), "{}", res.body);
    assert!(
        !res.body
            .lines()
            .any(|l| l.starts_with("=") || l.contains(",=")),
        "{}",
        res.body
    );
}

#[tokio::test]
async fn opening_the_inbox_page_changes_nothing() {
    let app = TestApp::demo_unrated().await;
    let liam = app.sign_in(EMPLOYEE, PW).await;
    sqlx::query("update person set inbox_seen_at = 0 where email = $1")
        .bind(EMPLOYEE)
        .execute(&app.db.pool)
        .await
        .unwrap();
    let before: i64 = app
        .count(format!(
            "select inbox_seen_at from person where id = {}",
            app.person_id(EMPLOYEE).await
        ))
        .await;
    app.expect_get("/inbox", Some(&liam), StatusCode::OK).await;
    let after: i64 = app
        .count(format!(
            "select inbox_seen_at from person where id = {}",
            app.person_id(EMPLOYEE).await
        ))
        .await;
    assert_eq!(before, after, "a GET marked the inbox read");
}

#[tokio::test]
async fn changing_a_password_needs_the_current_one_and_ends_other_sessions() {
    let app = TestApp::demo_unrated().await;
    let [here, elsewhere] = app.sign_in_all([EMPLOYEE, EMPLOYEE]).await;
    let new = "a brand new passphrase";
    let res = app
        .expect(
            "/api/account/password",
            &[("current", "not it at all"), ("new", new), ("confirm", new)],
            Some(&here),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    assert_eq!(res.invalid().field, "current");
    let res = app
        .call(
            "/api/account/password",
            &[("current", PW), ("new", new), ("confirm", "different")],
            Some(&here),
        )
        .await;
    assert_eq!(res.invalid().field, "confirm");
    let res = app
        .call(
            "/api/account/password",
            &[("current", PW), ("new", new), ("confirm", new)],
            Some(&here),
        )
        .await;
    assert!(res.status.is_success(), "{} {}", res.status, res.body);
    // This browser continues under a new session; the other one is signed out.
    let renewed = res.session_cookie().expect("a fresh session id");
    assert_eq!(app.whoami(&renewed).await.as_deref(), Some(EMPLOYEE));
    assert_eq!(app.whoami(&elsewhere).await, None);
    app.sign_in(EMPLOYEE, new).await;
}

#[tokio::test]
async fn an_admin_reset_ends_the_persons_sessions() {
    let app = TestApp::demo_unrated().await;
    let [admin, liam] = app.sign_in_all([ADMIN, EMPLOYEE]).await;
    let id = app.person_id(EMPLOYEE).await.to_string();
    let res = app
        .call(
            "/api/people/update",
            &[
                ("id", id.as_str()),
                ("input[name]", "Liam Chen"),
                ("input[email]", EMPLOYEE),
                ("input[job_title]", "Software Engineer"),
                ("input[role]", "employee"),
                ("input[unit_id]", ""),
                ("input[manager_email]", MANAGER),
                ("input[password]", "reset by the admin"),
            ],
            Some(&admin),
        )
        .await;
    assert!(res.status.is_success(), "{} {}", res.status, res.body);
    assert_eq!(app.whoami(&liam).await, None);
    assert_eq!(app.whoami(&admin).await.as_deref(), Some(ADMIN));
}

#[tokio::test]
async fn org_units_nest_at_most_twelve_deep_on_every_write() {
    let app = TestApp::demo_unrated().await;
    let admin = app.sign_in(ADMIN, PW).await;
    let mut parent = String::new();
    let mut ids = Vec::new();
    for i in 1..=12 {
        let res = app
            .call(
                "/api/units/create",
                &[("name", &format!("Level {i}")), ("parent_id", &parent)],
                Some(&admin),
            )
            .await;
        assert_eq!(res.status, StatusCode::OK, "level {i}: {}", res.body);
        let id: i64 = app
            .count(format!(
                "select max(id) from org_unit where name = 'Level {i}'"
            ))
            .await;
        parent = id.to_string();
        ids.push(id);
    }
    let res = app
        .expect(
            "/api/units/create",
            &[("name", "Level 13"), ("parent_id", &parent)],
            Some(&admin),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    assert_eq!(res.invalid().field, "parent_id");
    // Moving a two-level subtree under level 11 would reach 13.
    let top: i64 = app
        .count("select min(id) from org_unit where parent_id is null and name not like 'Level%'")
        .await;
    app.create_unit("Inner", &top.to_string(), &admin, StatusCode::OK)
        .await;
    let top_name: String = sqlx::query_scalar("select name from org_unit where id = $1")
        .bind(top)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    app.expect(
        "/api/units/update",
        &[
            ("id", &top.to_string()),
            ("name", &top_name),
            ("parent_id", &ids[10].to_string()),
        ],
        Some(&admin),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    // A people CSV with a path of thousands of levels is refused on its line.
    let deep = vec!["U"; 20_000].join(" / ");
    let csv = format!("email,name,unit\nnew.person@northwind.example,New Person,{deep}\n");
    let plan = app::server::import_people::plan(&app.db, csv.as_bytes())
        .await
        .unwrap();
    let preview = format!("{plan:?}");
    assert!(preview.contains("at most 12 levels"), "{preview}");
}

#[tokio::test]
async fn each_person_has_an_evidence_quota() {
    let dir = tempfile::tempdir().unwrap();
    let app = TestApp::demo_unrated_with(Settings {
        upload_dir: dir.path().to_path_buf(),
        upload_quota_bytes: 3_000,
        ..Settings::default()
    })
    .await;
    let (rating, liam) = app.self_rating_on_testing().await;
    let mut pdf = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec();
    pdf.resize(2_000, b' ');
    let up = |name: &'static str| {
        let (rating, pdf, liam) = (rating.clone(), pdf.clone(), liam.clone());
        let app = &app;
        async move {
            app.post_multipart(
                "/evidence/upload",
                &[("rating", &rating)],
                (name, &pdf),
                false,
                "/skills/history",
                Some(&liam),
            )
            .await
        }
    };
    up("one.pdf").await.expect_status(StatusCode::OK, "up");
    let second = up("two.pdf")
        .await
        .expect_status(StatusCode::UNPROCESSABLE_ENTITY, "up");
    assert!(second.body.contains("MB"), "{}", second.body);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[tokio::test]
async fn a_staged_import_is_confirmed_at_most_once() {
    let app = TestApp::demo_unrated().await;
    let admin = app.sign_in(ADMIN, PW).await;
    let before = app.count("select count(*) from framework").await;
    let file = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/data/moodle/oecd-core-competencies.csv"
    ))
    .expect("the Moodle fixture is in ../shared/data");
    let res = app
        .upload_import("moodle-csv", ("oecd.csv", &file), true, Some(&admin))
        .await;
    let id = res
        .location()
        .and_then(|l| l.strip_prefix("/frameworks/import/").map(str::to_string))
        .expect("to the preview");
    // Two confirmations at once (a double click): one imports, the other is refused.
    let form = [("id", id.as_str())];
    let (a, b) = tokio::join!(
        app.call("/api/imports/confirm", &form, Some(&admin)),
        app.call("/api/imports/confirm", &form, Some(&admin)),
    );
    let ok = [&a, &b]
        .iter()
        .filter(|r| r.status == StatusCode::OK)
        .count();
    assert_eq!(ok, 1, "{} {} / {} {}", a.status, a.body, b.status, b.body);
    assert_eq!(
        app.count("select count(*) from framework").await,
        before + 1
    );
}

#[tokio::test]
async fn old_throttle_rows_are_pruned() {
    let app = TestApp::demo_unrated().await;
    sqlx::query(
        "insert into sign_in_failure (email, client, at) values ('gone@example.org', '', 1)",
    )
    .execute(&app.db.pool)
    .await
    .unwrap();
    app.expect(
        "/api/sign_in",
        &wrong(EMPLOYEE),
        None,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(
        app.count("select count(*) from sign_in_failure where email = 'gone@example.org'")
            .await,
        0
    );
}

#[tokio::test]
async fn pages_carry_a_content_security_policy_with_the_hydration_nonce() {
    let app = TestApp::demo_unrated().await;
    let res = app.get("/sign-in", None).await;
    let csp = res.headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap();
    assert!(csp.contains("default-src 'self'"), "{csp}");
    assert!(csp.contains("'wasm-unsafe-eval'"), "{csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|r| r.split('\'').next())
        .expect("a nonce");
    assert!(
        res.body.contains(&format!("nonce=\"{nonce}\"")),
        "the hydration script carries the nonce"
    );
    assert!(!res.headers.contains_key(header::STRICT_TRANSPORT_SECURITY));
    let secure = TestApp::with_settings(Settings {
        secure_cookies: true,
        ..Settings::default()
    })
    .await;
    let res = secure.get("/healthz", None).await;
    assert!(res.headers[header::STRICT_TRANSPORT_SECURITY]
        .to_str()
        .unwrap()
        .contains("max-age="));
}

#[tokio::test]
async fn a_nul_character_in_any_text_is_refused_by_name_and_changes_nothing() {
    let app = TestApp::demo().await;
    let admin = app.sign_in(ADMIN, PW).await;
    let units = app.count("select count(*) from org_unit").await;

    // A server function's form field, as the page's script sends it.
    let res = app
        .call(
            "/api/units/create",
            &[("name", "Ops\0"), ("parent_id", "")],
            Some(&admin),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    let e = res.invalid();
    assert_eq!(e.field, "name");
    assert!(e.message.contains("NUL"), "{}", e.message);
    // A nested field is named by its own name.
    let subject = app.person_id(EMPLOYEE).await.to_string();
    let res = app
        .call(
            "/api/people/update",
            &[("id", subject.as_str()), ("input[name]", "Li\0am")],
            Some(&admin),
        )
        .await;
    assert_eq!(res.invalid().field, "name");
    // Signing in, before anyone is known.
    let res = app
        .call(
            "/api/sign_in",
            &[("email", "a\0@b.example"), ("password", "x")],
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);

    // Without JavaScript the form's page comes back with the message on the field.
    let res = app
        .post_plain_form(
            "/api/units/create",
            &[("name", "Ops\0"), ("parent_id", "")],
            "/units",
            Some(&admin),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let to = res.location().unwrap();
    assert!(
        to.starts_with("/units?error=") && to.ends_with("&field=name"),
        "{to}"
    );

    // A page's query string.
    let res = app.get("/people?q=a%00b", Some(&admin)).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(
        res.body.contains("q contains a NUL character"),
        "{}",
        res.body
    );

    assert_eq!(app.count("select count(*) from org_unit").await, units);
    assert_eq!(
        app.count(format!(
            "select count(*) from person where id = {subject} and name = 'Liam Chen'"
        ))
        .await,
        1
    );
}

//! The directory: permissions, visibility along the reporting line, validation, cycles.

use crate::helpers::*;
use app::domain::directory::{PeoplePage, UnitSummary};
use axum::http::StatusCode;

pub(crate) fn person_form<'a>(
    name: &'a str,
    email: &'a str,
    role: &'a str,
    manager: &'a str,
    password: &'a str,
) -> Vec<(&'static str, &'a str)> {
    vec![
        ("input[name]", name),
        ("input[email]", email),
        ("input[job_title]", "Engineer"),
        ("input[role]", role),
        ("input[unit_id]", ""),
        ("input[manager_email]", manager),
        ("input[password]", password),
    ]
}

#[tokio::test]
async fn employees_and_hr_cannot_call_admin_functions() {
    let app = TestApp::demo().await;
    for who in [EMPLOYEE, HR, MANAGER] {
        let cookie = app.sign_in(who, PW).await;
        let res = app
            .call(
                "/api/people/create",
                &person_form(
                    "Eve",
                    "eve@northwind.example",
                    "admin",
                    "",
                    "long-enough-pw",
                ),
                Some(&cookie),
            )
            .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{who}: {}", res.body);
        let res = app
            .call(
                "/api/units/create",
                &[("name", "Shadow IT"), ("parent_id", "")],
                Some(&cookie),
            )
            .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{who}");
        let id = app.person_id(OTHER_EMPLOYEE).await.to_string();
        let res = app
            .call(
                "/api/people/set_active",
                &[("id", &id), ("active", "false")],
                Some(&cookie),
            )
            .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{who}");
    }
    let n: i64 =
        sqlx::query_scalar("select count(*) from person where email = 'eve@northwind.example'")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(n, 0);
}

#[tokio::test]
async fn admin_adds_a_person_who_can_sign_in() {
    let app = TestApp::demo().await;
    let admin = app.sign_in(ADMIN, PW).await;
    app.expect(
        "/api/people/create",
        &person_form(
            "Ada Lovelace",
            " Ada@Northwind.Example ",
            "employee",
            MANAGER,
            "analytical-engine",
        ),
        Some(&admin),
        StatusCode::OK,
    )
    .await;
    let cookie = app
        .sign_in("ada@northwind.example", "analytical-engine")
        .await;
    assert_eq!(
        app.whoami(&cookie).await.as_deref(),
        Some("ada@northwind.example")
    );
    // She now shows up in her manager's team.
    let grace = app.sign_in(MANAGER, PW).await;
    let res = app
        .call(
            "/api/people/list",
            &[
                ("query", "ada"),
                ("unit_id", ""),
                ("include_inactive", "false"),
                ("page", "1"),
            ],
            Some(&grace),
        )
        .await;
    assert_eq!(res.parse::<PeoplePage>().total, 1, "{}", res.body);
}

#[tokio::test]
async fn bad_person_input_names_the_field_and_changes_nothing() {
    let app = TestApp::demo().await;
    let admin = app.sign_in(ADMIN, PW).await;
    let before: i64 = sqlx::query_scalar("select count(*) from person")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let cases = [
        (
            person_form("", "x@northwind.example", "employee", "", "long-enough-pw"),
            "name",
        ),
        (
            person_form("X", "not-an-email", "employee", "", "long-enough-pw"),
            "email",
        ),
        (
            person_form("X", EMPLOYEE, "employee", "", "long-enough-pw"),
            "email",
        ),
        (
            person_form("X", "x@northwind.example", "wizard", "", "long-enough-pw"),
            "role",
        ),
        (
            person_form(
                "X",
                "x@northwind.example",
                "employee",
                "ghost@northwind.example",
                "long-enough-pw",
            ),
            "manager_email",
        ),
        (
            person_form("X", "x@northwind.example", "employee", "", "short"),
            "password",
        ),
        (
            person_form("X", "x@northwind.example", "employee", "", ""),
            "password",
        ),
    ];
    for (form, field) in cases {
        let res = app.call("/api/people/create", &form, Some(&admin)).await;
        assert_eq!(
            res.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field}: {}",
            res.body
        );
        assert_eq!(res.invalid().field, field, "{}", res.body);
    }
    let mut bad_unit = person_form("X", "x@northwind.example", "employee", "", "long-enough-pw");
    bad_unit[4] = ("input[unit_id]", "999999");
    let res = app
        .call("/api/people/create", &bad_unit, Some(&admin))
        .await;
    assert_eq!(res.invalid().field, "unit_id");
    let after: i64 = sqlx::query_scalar("select count(*) from person")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(before, after);
}

#[tokio::test]
async fn reporting_cycles_are_refused_with_the_loop_named() {
    let app = TestApp::demo().await;
    let admin = app.sign_in(ADMIN, PW).await;
    // Make Marcus (VP) report to Liam, who reports to Grace, who reports to Marcus.
    let marcus = app.person_id(SKIP_MANAGER).await.to_string();
    let mut form = person_form("Marcus Webb", SKIP_MANAGER, "employee", EMPLOYEE, "");
    form.push(("id", &marcus));
    let res = app
        .expect(
            "/api/people/update",
            &form,
            Some(&admin),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    let err = res.invalid();
    assert_eq!(err.field, "manager_email");
    let msg = err.message.as_str();
    assert!(
        msg.contains("Liam Chen reports to Grace Okafor reports to Marcus Webb"),
        "{msg}"
    );

    let mut own = person_form("Marcus Webb", SKIP_MANAGER, "employee", SKIP_MANAGER, "");
    own.push(("id", &marcus));
    let res = app.call("/api/people/update", &own, Some(&admin)).await;
    assert!(res.body.contains("own manager"), "{}", res.body);

    let manager: Option<i64> = sqlx::query_scalar("select manager_id from person where email = $1")
        .bind(SKIP_MANAGER)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(
        manager,
        Some(app.person_id("helena.brandt@northwind.example").await),
        "unchanged"
    );
}

#[tokio::test]
async fn editing_keeps_what_was_not_changed() {
    let app = TestApp::demo().await;
    let admin = app.sign_in(ADMIN, PW).await;
    let liam = app.person_id(EMPLOYEE).await.to_string();
    let mut form = person_form("Liam J. Chen", EMPLOYEE, "employee", MANAGER, "");
    form.push(("id", &liam));
    app.expect("/api/people/update", &form, Some(&admin), StatusCode::OK)
        .await;
    // Empty password keeps the old one.
    app.sign_in(EMPLOYEE, PW).await;
    let name: String = sqlx::query_scalar("select name from person where email = $1")
        .bind(EMPLOYEE)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(name, "Liam J. Chen");
}

#[tokio::test]
async fn the_last_admin_cannot_be_demoted_or_deactivated() {
    let app = TestApp::demo().await;
    let admin = app.sign_in(ADMIN, PW).await;
    let me = app.person_id(ADMIN).await.to_string();
    app.set_active(&me, "false", &admin, StatusCode::CONFLICT)
        .await;
    let mut form = person_form(
        "Priya Raman",
        ADMIN,
        "employee",
        "olivia.grant@northwind.example",
        "",
    );
    form.push(("id", &me));
    let res = app.call("/api/people/update", &form, Some(&admin)).await;
    assert_eq!(res.invalid().field, "role", "{}", res.body);
}

#[tokio::test]
async fn visibility_follows_the_reporting_line() {
    let app = TestApp::demo().await;
    let liam = app.person_id(EMPLOYEE).await.to_string();
    let noah = app.person_id(OTHER_EMPLOYEE).await.to_string();
    let get = |cookie: String, id: String| {
        let app = &app;
        async move {
            app.call("/api/people/get", &[("id", &id)], Some(&cookie))
                .await
                .status
        }
    };
    let employee = app.sign_in(EMPLOYEE, PW).await;
    assert_eq!(
        get(employee.clone(), liam.clone()).await,
        StatusCode::OK,
        "self"
    );
    assert_eq!(
        get(employee.clone(), noah.clone()).await,
        StatusCode::NOT_FOUND,
        "a peer elsewhere"
    );
    let manager = app.sign_in(MANAGER, PW).await;
    assert_eq!(
        get(manager.clone(), liam.clone()).await,
        StatusCode::OK,
        "direct report"
    );
    assert_eq!(
        get(manager.clone(), noah.clone()).await,
        StatusCode::NOT_FOUND,
        "another team"
    );
    let skip = app.sign_in(SKIP_MANAGER, PW).await;
    assert_eq!(
        get(skip.clone(), liam.clone()).await,
        StatusCode::OK,
        "indirect report"
    );
    let hr = app.sign_in(HR, PW).await;
    assert_eq!(
        get(hr.clone(), noah.clone()).await,
        StatusCode::OK,
        "HR sees everyone"
    );

    // Lists: employees may not list; managers list their (indirect) reports; HR lists all.
    let list = |cookie: String| {
        let app = &app;
        async move {
            app.call(
                "/api/people/list",
                &[
                    ("query", ""),
                    ("unit_id", ""),
                    ("include_inactive", "false"),
                    ("page", "1"),
                ],
                Some(&cookie),
            )
            .await
        }
    };
    assert_eq!(list(employee).await.status, StatusCode::FORBIDDEN);
    assert_eq!(list(manager).await.parse::<PeoplePage>().total, 7);
    assert_eq!(list(skip).await.parse::<PeoplePage>().total, 17);
    let all: PeoplePage = list(hr).await.parse();
    assert_eq!(all.total, 40);
    assert_eq!(all.items.len(), 25, "first page");
}

#[tokio::test]
async fn search_filters_by_text_unit_and_status() {
    let app = TestApp::demo().await;
    let hr = app.sign_in(HR, PW).await;
    let search = |q: &'static str, unit: String, inactive: &'static str| {
        let app = &app;
        let hr = hr.clone();
        async move {
            app.call(
                "/api/people/list",
                &[
                    ("query", q),
                    ("unit_id", &unit),
                    ("include_inactive", inactive),
                    ("page", "1"),
                ],
                Some(&hr),
            )
            .await
            .parse::<PeoplePage>()
        }
    };
    assert_eq!(search("ENGINEER", String::new(), "false").await.total, 17);
    assert_eq!(
        search("100%_", String::new(), "false").await.total,
        0,
        "wildcards are literal"
    );
    let cs: i64 = sqlx::query_scalar("select id from org_unit where name = 'Customer Success'")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(search("", cs.to_string(), "false").await.total, 11);
    sqlx::query("update person set active = 0 where email = $1")
        .bind(OTHER_EMPLOYEE)
        .execute(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(search("noah", String::new(), "false").await.total, 0);
    assert_eq!(search("noah", String::new(), "true").await.total, 1);
}

#[tokio::test]
async fn units_refuse_cycles() {
    let app = TestApp::demo().await;
    let admin = app.sign_in(ADMIN, PW).await;
    let eng: i64 = sqlx::query_scalar("select id from org_unit where name = 'Engineering'")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let platform: i64 = sqlx::query_scalar("select id from org_unit where name = 'Platform'")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let res = app
        .expect(
            "/api/units/update",
            &[
                ("id", &eng.to_string()),
                ("name", "Engineering"),
                ("parent_id", &platform.to_string()),
            ],
            Some(&admin),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    assert_eq!(res.invalid().field, "parent_id");
    let res = app
        .call(
            "/api/units/create",
            &[("name", "  "), ("parent_id", "")],
            Some(&admin),
        )
        .await;
    assert_eq!(res.invalid().field, "name");
    app.create_unit("Data", &eng.to_string(), &admin, StatusCode::OK)
        .await;
    let res: Vec<UnitSummary> = app.call("/api/units/list", &[], Some(&admin)).await.parse();
    let names: Vec<&str> = res.iter().map(|u| u.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Northwind Labs",
            "Customer Success",
            "Engineering",
            "Data",
            "Platform",
            "Product Engineering",
            "People & Operations"
        ]
    );
}

//! Positions, requirements, assignment, career-path links, the comparison and drafting.

use crate::helpers::*;
use app::domain::positions::{
    CareerMap, Change, ComparisonPage, GapRow, LinkKind, PositionOverview, PositionPage, Suggestion,
};
use axum::http::StatusCode;

async fn node_id(app: &TestApp, title: &str) -> String {
    app.node_id(title).await.to_string()
}

async fn position_id(app: &TestApp, title: &str) -> String {
    let id: i64 = sqlx::query_scalar("select id from job_position where title = $1")
        .bind(title)
        .fetch_one(&app.db.pool)
        .await
        .unwrap_or_else(|_| panic!("no position {title}"));
    id.to_string()
}

async fn create(app: &TestApp, cookie: &str, title: &str, track: &str) -> String {
    let res = app
        .call(
            "/api/positions/create",
            &[
                ("input[title]", title),
                ("input[description]", ""),
                ("input[track]", track),
                ("input[rank]", "2"),
                ("input[unit_id]", ""),
            ],
            Some(cookie),
        )
        .await;
    assert!(res.status.is_success(), "{} {}", res.status, res.body);
    res.json().to_string()
}

async fn page(app: &TestApp, cookie: &str, id: &str) -> PositionPage {
    let res = app
        .expect(
            "/api/positions/get",
            &[("id", id)],
            Some(cookie),
            StatusCode::OK,
        )
        .await;
    res.parse()
}

fn req_titles(page: &PositionPage) -> Vec<String> {
    page.requirements
        .iter()
        .map(|r| r.requirement.node_title.clone())
        .collect()
}

fn assert_field(res: &Res, field: &str) {
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert!(
        res.body.contains(&format!("\"{field}\"")),
        "expected an error on {field}: {}",
        res.body
    );
}

async fn add_req(app: &TestApp, cookie: &str, pos: &str, node: &str, level: &str) -> Res {
    app.call(
        "/api/positions/add_requirement",
        &[
            ("position", pos),
            ("input[node]", node),
            ("input[level]", level),
            ("input[weight]", ""),
        ],
        Some(cookie),
    )
    .await
}

#[tokio::test]
async fn only_admins_change_positions_and_everyone_reads_the_career_map() {
    let app = TestApp::demo().await;
    let admin = app.sign_in(ADMIN, PW).await;
    let pos = create(&app, &admin, "Data Engineer", "ic").await;
    let other = position_id(&app, "Software Engineer").await;
    let testing = node_id(&app, "Testing").await;
    let liam = app.person_id(EMPLOYEE).await.to_string();
    for who in [EMPLOYEE, HR, MANAGER] {
        let c = app.sign_in(who, PW).await;
        let writes: Vec<(&str, Vec<(&str, &str)>)> = vec![
            (
                "/api/positions/create",
                vec![
                    ("input[title]", "X"),
                    ("input[track]", "ic"),
                    ("input[rank]", ""),
                    ("input[description]", ""),
                ],
            ),
            ("/api/positions/get", vec![("id", &pos)]),
            (
                "/api/positions/add_requirement",
                vec![
                    ("position", &pos),
                    ("input[node]", &testing),
                    ("input[level]", "2"),
                    ("input[weight]", ""),
                ],
            ),
            (
                "/api/positions/add_whole",
                vec![("position", &pos), ("node", &testing)],
            ),
            (
                "/api/positions/remove_requirement",
                vec![("position", &pos), ("node", &testing)],
            ),
            (
                "/api/positions/assign",
                vec![("position", &pos), ("email", EMPLOYEE)],
            ),
            ("/api/positions/unassign", vec![("person", &liam)]),
            ("/api/positions/delete", vec![("id", &pos)]),
            (
                "/api/positions/draft",
                vec![("position", &pos), ("description", "testing")],
            ),
            (
                "/api/careers/add_link",
                vec![
                    ("input[from]", &pos),
                    ("input[to]", &other),
                    ("input[kind]", "up"),
                    ("input[notes]", ""),
                ],
            ),
        ];
        for (path, form) in writes {
            let res = app.call(path, &form, Some(&c)).await;
            assert_eq!(
                res.status,
                StatusCode::FORBIDDEN,
                "{who} {path}: {}",
                res.body
            );
        }
        // Reading is open to everyone signed in.
        app.expect("/api/careers/map", &[], Some(&c), StatusCode::OK)
            .await;
        app.expect("/api/positions/list", &[], Some(&c), StatusCode::OK)
            .await;
        app.expect(
            "/api/careers/position",
            &[("id", &other)],
            Some(&c),
            StatusCode::OK,
        )
        .await;
    }
    app.expect("/api/careers/map", &[], None, StatusCode::UNAUTHORIZED)
        .await;
    // Nothing changed.
    assert!(req_titles(&page(&app, &admin, &pos).await).is_empty());
}

#[tokio::test]
async fn requirements_are_validated_added_whole_changed_and_removed() {
    let app = TestApp::demo_unrated().await;
    let admin = app.sign_in(ADMIN, PW).await;
    bad_position_forms_name_their_field(&app, &admin).await;
    let pos = create(&app, &admin, "Platform Engineer", "ic").await;
    let testing = node_id(&app, "Testing").await;
    an_empty_level_is_the_scales_threshold(&app, &admin, &pos, &testing).await;
    let craft =
        bad_requirements_name_their_field_and_change_nothing(&app, &admin, &pos, &testing).await;
    let ops = whole_competencies_and_categories_are_added(&app, &admin, &pos, &craft).await;
    a_requirement_changes_and_is_removed(&app, &admin, &pos, &testing).await;
    a_required_node_cannot_be_deleted(&app, &admin, &ops).await;
}

/// Bad position forms name their field.
async fn bad_position_forms_name_their_field(app: &TestApp, admin: &str) {
    for (field, form) in [
        (
            "title",
            vec![
                ("input[title]", " "),
                ("input[track]", "ic"),
                ("input[rank]", ""),
                ("input[description]", ""),
            ],
        ),
        (
            "track",
            vec![
                ("input[title]", "A"),
                ("input[track]", "boss"),
                ("input[rank]", ""),
                ("input[description]", ""),
            ],
        ),
        (
            "rank",
            vec![
                ("input[title]", "A"),
                ("input[track]", "ic"),
                ("input[rank]", "99"),
                ("input[description]", ""),
            ],
        ),
    ] {
        let res = app.call("/api/positions/create", &form, Some(admin)).await;
        assert_field(&res, field);
    }
}

/// Empty level: the scale's threshold (3 on the Engineering scale); the requirement
/// comes with its framework, path and the node's own IC level texts for the slider.
async fn an_empty_level_is_the_scales_threshold(
    app: &TestApp,
    admin: &str,
    pos: &str,
    testing: &str,
) {
    add_req(app, admin, pos, testing, "")
        .await
        .expect_status(StatusCode::OK, "add_req");
    let p = page(app, admin, pos).await;
    assert_eq!(req_titles(&p), vec!["Testing"]);
    let r = &p.requirements[0];
    assert_eq!(r.requirement.required, 3);
    assert_eq!(r.requirement.weight, 3);
    assert_eq!(r.framework_name, "Engineering");
    assert_eq!(r.path, ["Technical craft"]);
    // Level texts for the slider: the node's own IC descriptions.
    assert_eq!(r.levels.len(), 5);
    assert!(r.levels[2].description.contains("testing"));
}

/// Refusals, each naming its field; nothing changes. Hands back the Technical craft
/// category's id.
async fn bad_requirements_name_their_field_and_change_nothing(
    app: &TestApp,
    admin: &str,
    pos: &str,
    testing: &str,
) -> String {
    assert_field(&add_req(app, admin, pos, testing, "2").await, "node");
    let craft = node_id(app, "Technical craft").await;
    assert_field(&add_req(app, admin, pos, &craft, "2").await, "node");
    let design = node_id(app, "Software design").await;
    assert_field(&add_req(app, admin, pos, &design, "6").await, "level");
    assert_field(&add_req(app, admin, pos, "999999", "2").await, "node");
    assert_eq!(req_titles(&page(app, admin, pos).await), vec!["Testing"]);
    craft
}

/// A whole competency with its skills, at a chosen level; a whole category adds what is
/// left inside it, skipping what is already required. Hands back the competency's id.
async fn whole_competencies_and_categories_are_added(
    app: &TestApp,
    admin: &str,
    pos: &str,
    craft: &str,
) -> String {
    let ops = node_id(app, "Operations and reliability").await;
    let res = app
        .expect(
            "/api/positions/add_whole",
            &[("position", pos), ("node", &ops), ("level", "4")],
            Some(admin),
            StatusCode::OK,
        )
        .await;
    assert_eq!(res.json(), 3);
    let p = page(app, admin, pos).await;
    assert_eq!(
        req_titles(&p),
        vec![
            "Testing",
            "Operations and reliability",
            "Observability",
            "Incident response"
        ]
    );
    assert!(p.requirements[1..]
        .iter()
        .all(|r| r.requirement.required == 4));
    // A whole category adds what is left inside it, skipping what is already required.
    let res = app
        .call(
            "/api/positions/add_whole",
            &[("position", pos), ("node", craft)],
            Some(admin),
        )
        .await;
    assert_eq!(res.json(), 11 - 4);
    let again = app
        .call(
            "/api/positions/add_whole",
            &[("position", pos), ("node", craft)],
            Some(admin),
        )
        .await;
    assert_field(&again, "node");
    ops
}

/// Change level, weight and mandatory (a bad weight is refused); then remove.
async fn a_requirement_changes_and_is_removed(
    app: &TestApp,
    admin: &str,
    pos: &str,
    testing: &str,
) {
    app.expect(
        "/api/positions/update_requirement",
        &[
            ("position", pos),
            ("input[node]", testing),
            ("input[level]", "5"),
            ("input[weight]", "5"),
            ("input[mandatory]", "on"),
        ],
        Some(admin),
        StatusCode::OK,
    )
    .await;
    let bad = app
        .call(
            "/api/positions/update_requirement",
            &[
                ("position", pos),
                ("input[node]", testing),
                ("input[level]", "2"),
                ("input[weight]", "9"),
            ],
            Some(admin),
        )
        .await;
    assert_field(&bad, "weight");
    let p = page(app, admin, pos).await;
    let t = &p.requirements[0].requirement;
    assert_eq!((t.required, t.weight, t.mandatory), (5, 5, true));
    app.expect(
        "/api/positions/remove_requirement",
        &[("position", pos), ("node", testing)],
        Some(admin),
        StatusCode::OK,
    )
    .await;
    assert!(!req_titles(&page(app, admin, pos).await).contains(&"Testing".to_string()));
}

/// A required node cannot be deleted from its framework.
async fn a_required_node_cannot_be_deleted(app: &TestApp, admin: &str, ops: &str) {
    let fw: i64 = sqlx::query_scalar("select framework_id from framework_node where id = $1")
        .bind(ops.parse::<i64>().unwrap())
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let rev: i64 = sqlx::query_scalar("select revision from framework where id = $1")
        .bind(fw)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let res = app
        .expect(
            "/api/frameworks/delete_node",
            &[
                ("framework", &fw.to_string()),
                ("revision", &rev.to_string()),
                ("node", ops),
            ],
            Some(admin),
            StatusCode::CONFLICT,
        )
        .await;
    assert!(res.body.contains("requires"), "{}", res.body);
}

#[tokio::test]
async fn people_are_assigned_one_by_one_and_per_unit_and_name_targets() {
    let app = TestApp::demo().await;
    let admin = app.sign_in(ADMIN, PW).await;
    let pos = create(&app, &admin, "Platform Engineer", "ic").await;
    people_are_assigned_one_by_one(&app, &admin, &pos).await;
    whole_units_are_assigned_with_or_without_sub_units(&app, &admin, &pos).await;
    unassigning_clears_the_position(&app, &admin).await;
    people_name_their_own_targets_and_admins_anyones(&app, &admin, &pos).await;
}

/// One person by email; an unknown email names the field.
async fn people_are_assigned_one_by_one(app: &TestApp, admin: &str, pos: &str) {
    let res = app
        .expect(
            "/api/positions/assign",
            &[("position", pos), ("email", EMPLOYEE)],
            Some(admin),
            StatusCode::OK,
        )
        .await;
    assert_eq!(res.json(), "Liam Chen");
    let bad = app
        .call(
            "/api/positions/assign",
            &[("position", pos), ("email", "nobody@northwind.example")],
            Some(admin),
        )
        .await;
    assert_field(&bad, "email");
    let p = page(app, admin, pos).await;
    assert_eq!(p.holders.len(), 1);
}

/// The id of the org unit `name`, as text.
async fn unit_id(app: &TestApp, name: &str) -> String {
    let id: i64 = sqlx::query_scalar("select id from org_unit where name = $1")
        .bind(name)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    id.to_string()
}

/// A whole unit, then with its sub-units; a bad unit names the field.
async fn whole_units_are_assigned_with_or_without_sub_units(app: &TestApp, admin: &str, pos: &str) {
    let platform = unit_id(app, "Platform").await;
    let res = app
        .expect(
            "/api/positions/assign_unit",
            &[("position", pos), ("unit_id", &platform)],
            Some(admin),
            StatusCode::OK,
        )
        .await;
    let in_platform: i64 = sqlx::query_scalar(
        "select count(*) from person p join org_unit u on u.id = p.unit_id where u.name = 'Platform' and p.active = 1",
    )
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(res.json(), in_platform);
    let eng = unit_id(app, "Engineering").await;
    let direct = app
        .call(
            "/api/positions/assign_unit",
            &[("position", pos), ("unit_id", &eng)],
            Some(admin),
        )
        .await;
    assert_eq!(direct.json(), 1, "only Marcus sits in Engineering itself");
    let below = app
        .call(
            "/api/positions/assign_unit",
            &[("position", pos), ("unit_id", &eng), ("below", "on")],
            Some(admin),
        )
        .await;
    let in_eng: i64 = sqlx::query_scalar(
        "select count(*) from person p join org_unit u on u.id = p.unit_id \
         where u.name in ('Engineering', 'Platform', 'Product Engineering') and p.active = 1",
    )
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(below.json(), in_eng);
    let bad_unit = app
        .call(
            "/api/positions/assign_unit",
            &[("position", pos), ("unit_id", "x")],
            Some(admin),
        )
        .await;
    assert_field(&bad_unit, "unit_id");
}

/// Unassign: the person holds no position.
async fn unassigning_clears_the_position(app: &TestApp, admin: &str) {
    let liam = app.person_id(EMPLOYEE).await.to_string();
    app.expect(
        "/api/positions/unassign",
        &[("person", &liam)],
        Some(admin),
        StatusCode::OK,
    )
    .await;
    let held: Option<i64> = sqlx::query_scalar("select position_id from person where email = $1")
        .bind(EMPLOYEE)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(held, None);
}

/// Targets: people name their own; only admins name someone else's; naming the position
/// you hold is refused.
async fn people_name_their_own_targets_and_admins_anyones(app: &TestApp, admin: &str, pos: &str) {
    let employee = app.sign_in(EMPLOYEE, PW).await;
    let staff = position_id(app, "Staff Engineer").await;
    app.expect(
        "/api/positions/set_target",
        &[("target", &staff)],
        Some(&employee),
        StatusCode::OK,
    )
    .await;
    let noah = app.person_id(OTHER_EMPLOYEE).await.to_string();
    app.expect(
        "/api/positions/set_target",
        &[("person", &noah), ("target", &staff)],
        Some(&employee),
        StatusCode::FORBIDDEN,
    )
    .await;
    app.expect(
        "/api/positions/set_target",
        &[("person", &noah), ("target", &staff)],
        Some(admin),
        StatusCode::OK,
    )
    .await;
    let map: CareerMap = app
        .call("/api/careers/map", &[], Some(&employee))
        .await
        .parse();
    assert_eq!(map.target.map(|t| t.to_string()), Some(staff.clone()));
    assert_eq!(map.mine, None);
    // Naming the position you hold as your target is refused (Noah's unit was assigned it).
    let noah_c = app.sign_in(OTHER_EMPLOYEE, PW).await;
    let res = app
        .call(
            "/api/positions/set_target",
            &[("target", pos)],
            Some(&noah_c),
        )
        .await;
    assert_field(&res, "position");
}

#[tokio::test]
async fn career_links_refuse_self_links_and_duplicates() {
    let app = TestApp::demo().await;
    let admin = app.sign_in(ADMIN, PW).await;
    let a = create(&app, &admin, "Analyst", "ic").await;
    let b = create(&app, &admin, "Senior Analyst", "ic").await;
    let link = |from: &str, to: &str, kind: &str| {
        let (from, to, kind) = (from.to_string(), to.to_string(), kind.to_string());
        let app = &app;
        let admin = admin.clone();
        async move {
            app.call(
                "/api/careers/add_link",
                &[
                    ("input[from]", &from),
                    ("input[to]", &to),
                    ("input[kind]", &kind),
                    ("input[notes]", "Led a project"),
                ],
                Some(&admin),
            )
            .await
        }
    };
    let res = link(&a, &b, "up")
        .await
        .expect_status(StatusCode::OK, "link");
    let id = res.json().to_string();
    assert_field(&link(&a, &a, "up").await, "to");
    assert_field(&link(&a, &b, "across").await, "to");
    assert_field(&link(&a, &b, "sideways").await, "kind");
    assert_field(&link(&a, "x", "up").await, "to");
    assert_field(&link(&a, "999999", "up").await, "to");
    // The reverse move is a different link (lattices have cycles).
    assert_eq!(link(&b, &a, "across").await.status, StatusCode::OK);
    let count: i64 =
        sqlx::query_scalar("select count(*) from career_link where from_id = $1 or to_id = $1")
            .bind(a.parse::<i64>().unwrap())
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(count, 2);

    // Edit the notes and kind; too long notes are refused.
    app.expect(
        "/api/careers/update_link",
        &[("id", &id), ("kind", "across"), ("notes", "Ran a team")],
        Some(&admin),
        StatusCode::OK,
    )
    .await;
    let long = "x".repeat(2001);
    let res = app
        .call(
            "/api/careers/update_link",
            &[("id", &id), ("kind", "up"), ("notes", &long)],
            Some(&admin),
        )
        .await;
    assert_field(&res, "notes");
    let overview: PositionOverview = app
        .call("/api/careers/position", &[("id", &a)], Some(&admin))
        .await
        .parse();
    assert_eq!(overview.moves_out[0].link.notes, "Ran a team");
    assert_eq!(overview.moves_out[0].link.kind, LinkKind::Across);
    assert_eq!(overview.moves_in[0].from_title, "Senior Analyst");

    // The map lays every position out, with every link drawn.
    let map: CareerMap = app
        .call("/api/careers/map", &[], Some(&admin))
        .await
        .parse();
    let positions = map.positions.len();
    assert_eq!(map.layout.nodes.len(), positions);
    assert_eq!(map.layout.edges.len(), map.links.len());

    // Delete the link, then a position with its remaining links.
    app.expect(
        "/api/careers/delete_link",
        &[("id", &id)],
        Some(&admin),
        StatusCode::OK,
    )
    .await;
    app.expect(
        "/api/careers/delete_link",
        &[("id", &id)],
        Some(&admin),
        StatusCode::NOT_FOUND,
    )
    .await;
    let res = app
        .call("/api/positions/delete", &[("id", &b)], Some(&admin))
        .await;
    assert!(res.status.is_success(), "{}", res.body);
    let left: i64 =
        sqlx::query_scalar("select count(*) from career_link where from_id = $1 or to_id = $1")
            .bind(a.parse::<i64>().unwrap())
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(left, 0);
}

async fn rate(
    app: &TestApp,
    who: &str,
    node: &str,
    level: i64,
    source: &str,
    review: Option<&str>,
    at: i64,
) {
    let subject = app.person_id(who).await;
    sqlx::query(
        "insert into rating (subject_id, node_id, level, source, given_by, comment, created_at, review) \
         values ($1, $2, $3, $4, null, '', $5, $6)",
    )
    .bind(subject)
    .bind(node.parse::<i64>().unwrap())
    .bind(level)
    .bind(source)
    .bind(at)
    .bind(review)
    .execute(&app.db.pool)
    .await
    .unwrap();
    // Written behind the app's back: bring the current levels up to date, as the app does
    // with every rating it writes itself.
    app::server::ratings::rebuild(&app.db).await.unwrap();
}

fn row<'a>(c: &'a ComparisonPage, title: &str) -> &'a GapRow {
    c.comparison
        .rows
        .iter()
        .find(|r| r.title == title)
        .unwrap_or_else(|| panic!("no row {title}"))
}

#[tokio::test]
async fn the_comparison_shows_what_is_new_higher_and_missing() {
    let app = TestApp::demo().await;
    let employee = app.sign_in(EMPLOYEE, PW).await;
    let senior = position_id(&app, "Senior Software Engineer").await;
    let compare = |cookie: String, extra: Vec<(&'static str, String)>| {
        let senior = senior.clone();
        let app = &app;
        async move {
            let mut form = vec![("position", senior)];
            form.extend(extra);
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.call("/api/careers/compare", &form, Some(&cookie)).await
        }
    };
    // Before any rating: every row "not rated", gaps equal the required levels.
    let c: ComparisonPage = compare(employee.clone(), vec![]).await.parse();
    assert!(c.is_me);
    assert_eq!(c.current.as_ref().unwrap().title, "Software Engineer");
    assert_eq!(c.comparison.summary.total, 14);
    assert_eq!(c.comparison.summary.not_rated, 14);
    assert_eq!(c.comparison.summary.readiness_percent, 0);
    // New vs higher vs same, against the Software Engineer position.
    assert_eq!(row(&c, "Data modelling").change, Change::New);
    assert_eq!(row(&c, "Mentoring").change, Change::New);
    assert_eq!(row(&c, "Software design").change, Change::Higher);
    assert_eq!(row(&c, "Software design").in_current_position, Some(2));
    assert_eq!(row(&c, "Code quality").change, Change::Higher);
    assert_eq!(row(&c, "Collaboration").change, Change::Same);
    // Mandatory gaps first.
    let rows = &c.comparison.rows;
    assert!(rows[0].mandatory && rows[1].mandatory);
    assert!(rows[2..].iter().all(|r| !r.mandatory));
    assert_eq!(c.direct_move.as_ref().unwrap().link.kind, LinkKind::Up);

    // Ratings: a manager rating counts, a pending self-rating does not, a later approved one
    // wins, a validated level past its validity period counts as 0.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    let day = 86_400_000;
    let design = node_id(&app, "Software design").await;
    let mentoring = node_id(&app, "Mentoring").await;
    let security = node_id(&app, "Security").await;
    rate(&app, EMPLOYEE, &design, 3, "manager", None, now - 10 * day).await;
    rate(
        &app,
        EMPLOYEE,
        &mentoring,
        2,
        "manager",
        None,
        now - 10 * day,
    )
    .await;
    rate(
        &app,
        EMPLOYEE,
        &mentoring,
        4,
        "self",
        Some("pending"),
        now - day,
    )
    .await;
    rate(
        &app,
        EMPLOYEE,
        &security,
        3,
        "self",
        Some("approved"),
        now - 400 * day,
    )
    .await;
    sqlx::query("update framework_node set validity_months = 12 where id = $1")
        .bind(security.parse::<i64>().unwrap())
        .execute(&app.db.pool)
        .await
        .unwrap();
    app::server::ratings::rebuild(&app.db).await.unwrap();
    let c: ComparisonPage = compare(employee.clone(), vec![]).await.parse();
    assert_eq!(row(&c, "Software design").current, Some(3));
    assert_eq!(row(&c, "Software design").gap, 0);
    assert_eq!(
        row(&c, "Mentoring").current,
        Some(2),
        "the pending self-rating does not count"
    );
    assert_eq!(row(&c, "Mentoring").gap, 1);
    assert_eq!(row(&c, "Security").current, Some(0), "expired");
    assert_eq!(row(&c, "Security").gap, 3);
    assert_eq!(c.comparison.summary.not_rated, 11);
    assert_eq!(c.comparison.summary.met, 1);
    // The met row goes last.
    assert_eq!(rows.len(), 14);
    let rows = &c.comparison.rows;
    assert_eq!(rows.last().unwrap().title, "Software design");
    let pct = c.comparison.summary.readiness_percent;
    assert!(pct > 0 && pct < 100, "{pct}");

    // Who may compare whom: not a colleague; the manager and the admin may.
    let other = app.person_id(OTHER_EMPLOYEE).await.to_string();
    compare(employee.clone(), vec![("person", other)])
        .await
        .expect_status(StatusCode::NOT_FOUND, "compare");
    let liam = app.person_id(EMPLOYEE).await.to_string();
    let manager = app.sign_in(MANAGER, PW).await;
    let res = compare(manager, vec![("person", liam.clone())])
        .await
        .expect_status(StatusCode::OK, "compare");
    let m: ComparisonPage = res.parse();
    assert!(!m.is_me);
    assert!(!m.can_set_target);
    assert_eq!(row(&m, "Software design").current, Some(3));
    let admin = app.sign_in(ADMIN, PW).await;
    let res = compare(admin, vec![("person", liam)]).await;
    assert!(res.parse::<ComparisonPage>().can_set_target);
}

#[tokio::test]
async fn drafting_suggests_matching_nodes_with_their_words() {
    let app = TestApp::demo().await;
    let admin = app.sign_in(ADMIN, PW).await;
    let pos = create(&app, &admin, "Reliability Engineer", "ic").await;
    let jd = "We want an engineer who is on call for production incidents, improves observability \
              with metrics and tracing, writes automated tests and mentors junior colleagues.";
    let draft = |rejected: String| {
        let (app, admin, pos) = (&app, admin.clone(), pos.clone());
        async move {
            app.call(
                "/api/positions/draft",
                &[
                    ("position", pos.as_str()),
                    ("description", jd),
                    ("rejected", rejected.as_str()),
                ],
                Some(&admin),
            )
            .await
        }
    };
    let res = draft(String::new())
        .await
        .expect_status(StatusCode::OK, "draft");
    let list: Vec<Suggestion> = res.parse();
    let titles: Vec<&str> = list.iter().map(|s| s.title.as_str()).collect();
    assert!(titles.len() <= 15);
    for t in [
        "Incident response",
        "Observability",
        "Automated testing",
        "Mentoring",
    ] {
        assert!(titles.contains(&t), "{t} missing from {titles:?}");
    }
    let incident = list
        .iter()
        .find(|s| s.title == "Incident response")
        .unwrap();
    assert!(incident
        .words
        .iter()
        .any(|w| w.eq_ignore_ascii_case("incident")));
    assert_eq!(incident.framework_name, "Engineering");
    // Accepting one removes it from the next draft; rejecting another does too.
    let incident_id = incident.node.to_string();
    assert_eq!(
        add_req(&app, &admin, &pos, &incident_id, "").await.status,
        StatusCode::OK
    );
    let observability = list
        .iter()
        .find(|s| s.title == "Observability")
        .unwrap()
        .node
        .to_string();
    let next: Vec<Suggestion> = draft(observability).await.parse();
    let next: Vec<&str> = next.iter().map(|s| s.title.as_str()).collect();
    assert!(
        !next.contains(&"Incident response") && !next.contains(&"Observability"),
        "{next:?}"
    );
    assert!(next.contains(&"Automated testing"));
    // Deterministic.
    assert_eq!(
        draft(String::new()).await.body,
        draft(String::new()).await.body
    );
    // Alternative labels are searched: the demo's "Operations and reliability" is also
    // known as DevOps, and "Incident response" as postmortems.
    let res = app
        .call(
            "/api/positions/draft",
            &[
                ("position", pos.as_str()),
                (
                    "description",
                    "Strong DevOps background; writes blameless postmortems.",
                ),
            ],
            Some(&admin),
        )
        .await
        .parse::<Vec<Suggestion>>();
    let found: Vec<(String, Vec<String>)> = res
        .iter()
        .map(|s| (s.title.clone(), s.words.clone()))
        .collect();
    let ops = found
        .iter()
        .find(|f| f.0 == "Operations and reliability")
        .unwrap_or_else(|| panic!("{found:?}"));
    assert!(ops.1.contains(&"DevOps".to_string()), "{found:?}");
    // (Incident response is already required, so it is not suggested again.)
    assert!(!found.iter().any(|f| f.0 == "Incident response"));
    // An empty description is refused, naming the field.
    let res = app
        .call(
            "/api/positions/draft",
            &[("position", pos.as_str()), ("description", "  ")],
            Some(&admin),
        )
        .await;
    assert_field(&res, "description");
}

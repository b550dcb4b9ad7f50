//! Org reports and the counters behind them: the counters kept with each change equal a
//! full recomputation after random sequences of ratings, approvals, declines, expiries and
//! reassignments; the report, its drill-down, CSV download, demand and supply, and who may
//! see them.

use crate::helpers::*;
use app::domain::assess::SelfAssessment;
use app::domain::orgreport::{OrgReport, SupplyReport, SupplyRow};
use app::domain::positions::RequirementInput;
use app::domain::talent::Succession;
use app::domain::{NodeId, PersonId, Role, UnitId};
use app::server::{assess, people, positions, stats};
use axum::http::StatusCode;

/// A small deterministic generator (no dependency, same sequence on every run).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
    fn pick<T: Copy>(&mut self, v: &[T]) -> T {
        v[(self.next() % v.len() as u64) as usize]
    }
}

async fn ids(app: &TestApp, sql: &str) -> Vec<i64> {
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_string()))
        .fetch_all(&app.db.pool)
        .await
        .unwrap()
}

pub async fn assert_counters_match_a_rebuild(app: &TestApp, at: i64, what: &str) {
    let kept = stats::snapshot(&app.db).await.unwrap();
    stats::rebuild_at(&app.db, at, false).await.unwrap();
    let rebuilt = stats::snapshot(&app.db).await.unwrap();
    assert!(!rebuilt.unit.is_empty());
    for (k, v) in &rebuilt.unit_node {
        assert_eq!(kept.unit_node.get(k), Some(v), "{what}: unit/node {k:?}");
    }
    for (k, v) in &rebuilt.unit {
        assert_eq!(kept.unit.get(k), Some(v), "{what}: unit {k:?}");
    }
    for (k, v) in &rebuilt.node_level {
        assert_eq!(kept.node_level.get(k), Some(v), "{what}: node/level {k:?}");
    }
    assert_eq!(kept, rebuilt, "{what}");
}

#[tokio::test]
async fn counters_equal_a_full_recomputation_after_random_changes() {
    let app = TestApp::demo().await;
    let demo = Demo::load(&app).await;
    let mut rng = Lcg(20_261_124);
    let mut done = [0u32; 7];
    for step in 0..60 {
        let (op, ok) = one_random_change(&app, &mut rng, &demo).await;
        if ok {
            done[op] += 1;
        }
        if step % 20 == 19 {
            let at: i64 =
                sqlx::query_scalar("select value from change_counter where name = 'expiry_swept'")
                    .fetch_one(&app.db.pool)
                    .await
                    .unwrap();
            assert_counters_match_a_rebuild(&app, at, &format!("after step {step}")).await;
        }
    }
    assert!(
        done.iter().filter(|n| **n > 0).count() >= 5,
        "too few kinds of change succeeded: {done:?}"
    );
    the_expiry_sweep_keeps_the_counters(&app).await;
}

/// What the random changes pick from: the demo's people with a manager, positions,
/// units, requirements and required nodes, and the admin's id.
struct Demo {
    admin: i64,
    reports: Vec<(i64, i64)>,
    position_ids: Vec<i64>,
    units: Vec<i64>,
    required: Vec<(i64, i64)>,
    nodes: Vec<i64>,
}

impl Demo {
    /// Reads them from the database.
    async fn load(app: &TestApp) -> Demo {
        let admin = app.person_id(ADMIN).await;
        let reports: Vec<(i64, i64)> = sqlx::query_as(
            "select id, manager_id from person where manager_id is not null order by id",
        )
        .fetch_all(&app.db.pool)
        .await
        .unwrap();
        let position_ids = ids(app, "select id from job_position order by id").await;
        let units = ids(app, "select id from org_unit order by id").await;
        let required: Vec<(i64, i64)> =
            sqlx::query_as("select position_id, node_id from position_requirement order by 1, 2")
                .fetch_all(&app.db.pool)
                .await
                .unwrap();
        let nodes: Vec<i64> = {
            let mut n: Vec<i64> = required.iter().map(|r| r.1).collect();
            n.sort_unstable();
            n.dedup();
            n
        };
        Demo {
            admin,
            reports,
            position_ids,
            units,
            required,
            nodes,
        }
    }
}

/// One random change of one of seven kinds: the kind, and whether it was accepted.
async fn one_random_change(app: &TestApp, rng: &mut Lcg, demo: &Demo) -> (usize, bool) {
    let (person, manager) = rng.pick(&demo.reports);
    let node = rng.pick(&demo.nodes);
    let level = (rng.next() % 5).to_string();
    let op = rng.next() % 7;
    let ok = match op {
        // A manager's direct rating.
        0 => assess::rate(
            &app.db,
            &as_user(manager, Role::Employee),
            PersonId(person),
            NodeId(node),
            &level,
            "",
        )
        .await
        .is_ok(),
        // A self-assessment, approved or declined by the manager.
        1 | 2 => self_assessment_decided(app, person, manager, node, &level, op == 1).await,
        // Someone takes another position (or none).
        3 => {
            let to = if rng.next().is_multiple_of(6) {
                None
            } else {
                Some(app::domain::positions::PositionId(
                    rng.pick(&demo.position_ids),
                ))
            };
            positions::set_position(&app.db, PersonId(person), to)
                .await
                .is_ok()
        }
        // A unit moves under another (refused when that makes a loop).
        4 => a_unit_moves(app, rng, &demo.units).await,
        // Someone leaves or comes back.
        5 => someone_leaves_or_comes_back(app, demo.admin, person).await,
        // A position's requirement changes level, or goes.
        _ => a_requirement_changes_or_goes(app, rng, &demo.required).await,
    };
    (op as usize, ok)
}

/// A self-assessment of `node` at `level`, approved (or declined) by the manager.
async fn self_assessment_decided(
    app: &TestApp,
    person: i64,
    manager: i64,
    node: i64,
    level: &str,
    approve: bool,
) -> bool {
    let mut form = SelfAssessment::default();
    form.levels.insert(node.to_string(), level.to_string());
    if assess::submit(&app.db, &as_user(person, Role::Employee), &form)
        .await
        .is_err()
    {
        false
    } else {
        let pending = ids(
            app,
            &format!("select id from rating where subject_id = {person} and review = 'pending'"),
        )
        .await;
        let (decision, comment) = if approve {
            ("approve", "")
        } else {
            ("decline", "Not yet")
        };
        assess::decide(
            &app.db,
            &as_user(manager, Role::Employee),
            &pending,
            decision,
            comment,
        )
        .await
        .is_ok()
    }
}

/// A unit moves under another (refused when that makes a loop).
async fn a_unit_moves(app: &TestApp, rng: &mut Lcg, units: &[i64]) -> bool {
    let unit = rng.pick(units);
    let parent = rng.pick(units);
    let name: String = sqlx::query_scalar("select name from org_unit where id = $1")
        .bind(unit)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    people::update_unit(&app.db, UnitId(unit), &name, &parent.to_string())
        .await
        .is_ok()
}

/// `person` leaves, or comes back, by the admin's hand.
async fn someone_leaves_or_comes_back(app: &TestApp, admin: i64, person: i64) -> bool {
    let active: i64 = sqlx::query_scalar("select active from person where id = $1")
        .bind(person)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    people::set_active(
        &app.db,
        &as_user(admin, Role::Admin),
        PersonId(person),
        active == 0,
    )
    .await
    .is_ok()
}

/// A position's requirement changes level, or goes.
async fn a_requirement_changes_or_goes(
    app: &TestApp,
    rng: &mut Lcg,
    required: &[(i64, i64)],
) -> bool {
    let (position, node) = rng.pick(required);
    let position = app::domain::positions::PositionId(position);
    if rng.next().is_multiple_of(4) {
        positions::remove_requirement(&app.db, position, NodeId(node))
            .await
            .is_ok()
    } else {
        let input = RequirementInput {
            node: node.to_string(),
            level: (1 + rng.next() % 3).to_string(),
            weight: (1 + rng.next() % 5).to_string(),
            mandatory: None,
        };
        positions::update_requirement(&app.db, position, &input)
            .await
            .is_ok()
    }
}

/// Expiry: a year and a half later, every 12-month level has expired, and the swept
/// counters equal a rebuild.
async fn the_expiry_sweep_keeps_the_counters(app: &TestApp) {
    let later = app::server::now_ms() + 550 * 86_400_000;
    let expiring: i64 = sqlx::query_scalar(
        "select count(*) from current_level where expires_at > $1 and expires_at <= $2",
    )
    .bind(app::server::now_ms())
    .bind(later)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert!(expiring > 0, "the demo has levels that will expire");
    stats::sweep_until(&app.db, later).await.unwrap();
    assert_counters_match_a_rebuild(app, later, "after the expiry sweep").await;
}

async fn org(app: &TestApp, cookie: &str, form: &[(&str, &str)]) -> OrgReport {
    let res = app
        .expect("/api/reports/org", form, Some(cookie), StatusCode::OK)
        .await;
    res.parse()
}

fn column(r: &OrgReport, title: &str) -> usize {
    r.columns
        .iter()
        .position(|c| c.title == title)
        .unwrap_or_else(|| panic!("no column {title}: {:?}", r.columns))
}

#[tokio::test]
async fn hr_sees_status_by_unit_drills_down_and_downloads_csv() {
    let app = TestApp::demo().await;
    let hr = app.sign_in(HR, PW).await;
    let r = org(&app, &hr, &[]).await;
    let active: i64 = sqlx::query_scalar("select count(*) from person where active = 1")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(r.total.name, "Whole organisation");
    assert_eq!(i64::from(r.total.people), active);
    let rows = &r.rows;
    assert!(!rows.is_empty());
    let sum: i64 = rows.iter().map(|x| i64::from(x.people)).sum();
    assert_eq!(sum, active, "sub-units and the rest add up to everyone");
    assert!(!r.columns.is_empty());
    let share = r.total.readiness.unwrap();
    assert!((1..100).contains(&share), "readiness {share}");
    assert!(
        r.trend.len() >= 10,
        "weekly points from the rating history: {:?}",
        r.trend
    );
    // Drill into a unit with sub-units, then into a sub-unit and see its people.
    let parent = rows
        .iter()
        .find(|x| x.has_children)
        .expect("a unit with sub-units");
    let unit = parent.unit.unwrap().to_string();
    let d = org(&app, &hr, &[("unit", &unit)]).await;
    assert_eq!(d.total.name, parent.name);
    assert_eq!(d.total.people, parent.people);
    let child = d.rows[0].unit.unwrap().to_string();
    let leaf = org(&app, &hr, &[("unit", &child)]).await;
    assert_eq!(leaf.crumbs.len(), 1);
    assert!(!leaf.members.is_empty());
    // CSV: a header and one line per row and column.
    let (res, disposition) = app
        .download(&format!("/reports/org.csv?unit={unit}"), &hr)
        .await;
    assert!(res.headers[axum::http::header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    assert!(disposition.contains("attachment"));
    let lines: Vec<&str> = res.body.lines().collect();
    assert!(lines[0].starts_with("unit,people,readiness_percent,node_id,node"));
    let cols = d.columns.len();
    assert_eq!(lines.len(), 1 + cols * (1 + d.rows.len()));
}

#[tokio::test]
async fn a_rating_moves_the_org_report_at_once() {
    let app = TestApp::demo().await;
    let hr = app.sign_in(HR, PW).await;
    let before = org(&app, &hr, &[]).await;
    let c = column(&before, "Code quality");
    let met = before.total.cells[c].met;
    let grace = app.sign_in(MANAGER, PW).await;
    let node: i64 = app.node_id("Code quality").await;
    let liam = app.person_id(EMPLOYEE).await;
    app.expect(
        "/api/skills/rate",
        &[
            ("person", &liam.to_string()),
            ("node", &node.to_string()),
            ("level", "5"),
            ("comment", ""),
        ],
        Some(&grace),
        StatusCode::OK,
    )
    .await;
    let after = org(&app, &hr, &[]).await;
    assert_eq!(after.total.cells[c].met, met + 1);
    assert!(after.total.readiness >= before.total.readiness);
}

#[tokio::test]
async fn only_admins_and_hr_see_org_reports() {
    let app = TestApp::demo().await;
    for who in [MANAGER, EMPLOYEE] {
        let cookie = app.sign_in(who, PW).await;
        let res = app.call("/api/reports/org", &[], Some(&cookie)).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{who}");
        let res = app.call("/api/reports/supply", &[], Some(&cookie)).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{who}");
        let res = app.get("/reports/org.csv", Some(&cookie)).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{who}");
    }
    // Signed out: to the sign-in page.
    let res = app
        .expect_get("/reports/org.csv", None, StatusCode::SEE_OTHER)
        .await;
    assert!(res.location().unwrap().starts_with("/sign-in"));
    let admin = app.sign_in(ADMIN, PW).await;
    app.expect("/api/reports/org", &[], Some(&admin), StatusCode::OK)
        .await;
}

#[tokio::test]
async fn demand_and_supply_add_up() {
    let app = TestApp::demo().await;
    let hr = app.sign_in(HR, PW).await;
    let res = app
        .expect("/api/reports/supply", &[], Some(&hr), StatusCode::OK)
        .await;
    let r: SupplyReport = res.parse();
    let rows = &r.rows;
    assert!(rows.len() >= 10);
    for row in rows {
        let need: i64 = row.need.iter().map(|v| i64::from(*v)).sum();
        assert_eq!(need, i64::from(row.status.need), "{}", row.title);
        assert!(row.positions > 0 || need == 0);
    }
    // Largest shortfall first.
    let shortfall = |x: &SupplyRow| i64::from(x.status.need) - i64::from(x.status.met);
    assert!(rows
        .windows(2)
        .all(|w| shortfall(&w[0]) >= shortfall(&w[1])));
    // Supply of a node equals the people holding an unexpired level on it.
    let node = rows[0].node.0;
    let held: i64 = sqlx::query_scalar(
        "select count(*) from current_level c join person p on p.id = c.person_id \
         where c.node_id = $1 and p.active = 1 and c.level > 0 and (c.expires_at is null or c.expires_at > $2)",
    )
    .bind(node)
    .bind(app::server::now_ms())
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    let have: i64 = rows[0].have.iter().map(|v| i64::from(*v)).sum();
    assert_eq!(have, held);
}

#[tokio::test]
async fn succession_ranks_people_by_readiness_within_what_the_caller_may_search() {
    let app = TestApp::demo().await;
    let (position, title): (i64, String) = sqlx::query_as(
        "select j.id, j.title from job_position j join person p on p.position_id = j.id \
                        where p.email = 'amara.nwosu@northwind.example'",
    )
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    let hr = app.sign_in(HR, PW).await;
    let res = app
        .expect(
            "/api/talent/succession",
            &[("position", &position.to_string())],
            Some(&hr),
            StatusCode::OK,
        )
        .await;
    let s: Succession = res.parse();
    assert_eq!(s.position.as_ref().unwrap().1, title);
    let list = &s.candidates;
    assert!(list.len() >= 5, "{list:?}");
    let ready: Vec<u8> = list.iter().map(|c| c.readiness).collect();
    assert!(ready.windows(2).all(|w| w[0] >= w[1]), "{ready:?}");
    assert!(
        list.iter().all(|c| c.name != "Amara Nwosu"),
        "holders are left out"
    );
    assert!(ready[0] > 0);
    // A manager finds only their own reports.
    let grace = app.sign_in(MANAGER, PW).await;
    let mine = app
        .call(
            "/api/talent/succession",
            &[("position", &position.to_string())],
            Some(&grace),
        )
        .await
        .parse::<Succession>();
    let grace_id = app.person_id(MANAGER).await;
    for c in &mine.candidates {
        let manages = app::server::people::manages(&app.db, PersonId(grace_id), c.person)
            .await
            .unwrap();
        assert!(manages, "{} is not in Grace's team", c.name);
    }
    // Employees may not search; an unknown position is named.
    let liam = app.sign_in(EMPLOYEE, PW).await;
    app.expect(
        "/api/talent/succession",
        &[("position", "1")],
        Some(&liam),
        StatusCode::FORBIDDEN,
    )
    .await;
    let res = app
        .expect(
            "/api/talent/succession",
            &[("position", "99999")],
            Some(&hr),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    assert!(res.body.contains("position"), "{}", res.body);
}

//! Development: the catalogue, "close my gap", plans and their approval, completions that
//! award levels (and move the org-report counters), mentor sign-off, points, badges, the
//! leaderboard opt-out, Open Badges credentials, reminders and the learning CSV import.

use crate::helpers::*;
use app::domain::assess::{InboxItem, InboxKind, ReviewItem, SkillsPage};
use app::domain::develop::{
    ActionStatus, Catalogue, CloseGap, GoalState, PendingCheck, PlanPage, PlanState,
};
use app::domain::recognition::{Badge, RecognitionPage};
use app::domain::NodeId;
use axum::http::StatusCode;
use serde_json::Value;

/// An activity made by the admin, awarding `levels` (title, level); returns its id.
async fn activity(
    app: &TestApp,
    admin: &str,
    title: &str,
    kind: &str,
    duration: &str,
    levels: &[(&str, &str)],
) -> i64 {
    let res = app
        .expect(
            "/api/learning/save",
            &[
                ("input[title]", title),
                ("input[kind]", kind),
                ("input[duration]", duration),
                ("input[cost]", "120"),
            ],
            Some(admin),
            StatusCode::OK,
        )
        .await;
    let id = res.json().as_i64().unwrap();
    for (n, level) in levels {
        let node = app.node_id(n).await.to_string();
        app.expect(
            "/api/learning/level",
            &[("id", &id.to_string()), ("node", &node), ("level", level)],
            Some(admin),
            StatusCode::OK,
        )
        .await;
    }
    id
}

/// The two-day "Testing bootcamp" course awarding Testing level 3, made by the admin;
/// its id.
async fn bootcamp(app: &TestApp, admin: &str) -> i64 {
    activity(
        app,
        admin,
        "Testing bootcamp",
        "course",
        "2 days",
        &[("Testing", "3")],
    )
    .await
}

/// The recognition page (points, badges, leaderboard) as `cookie` sees it.
async fn recognition(app: &TestApp, cookie: &str) -> RecognitionPage {
    app.call("/api/recognition/get", &[], Some(cookie))
        .await
        .parse()
}

/// Whether the recognition page shows `badge` as earned.
fn earned(r: &RecognitionPage, badge: Badge) -> bool {
    r.badges
        .iter()
        .any(|b| b.badge == badge && b.earned.is_some())
}

/// What is waiting for `cookie` to decide (plans to approve, completions to confirm).
async fn checks(app: &TestApp, cookie: &str) -> Vec<PendingCheck> {
    app.call("/api/plan/checks", &[], Some(cookie))
        .await
        .parse()
}

/// `cookie`'s "My skills" page.
async fn skills(app: &TestApp, cookie: &str) -> SkillsPage {
    app.call("/api/skills/get", &[], Some(cookie)).await.parse()
}

async fn close_gap(app: &TestApp, cookie: &str, scope: &str) -> CloseGap {
    let res = app
        .expect(
            "/api/learning/close-gap",
            &[("scope", scope)],
            Some(cookie),
            StatusCode::OK,
        )
        .await;
    res.parse()
}

async fn plan(app: &TestApp, cookie: &str, person: Option<i64>) -> PlanPage {
    let p = person.map(|p| p.to_string());
    let form: Vec<(&str, &str)> = p.iter().map(|p| ("person", p.as_str())).collect();
    let res = app
        .expect("/api/plan/get", &form, Some(cookie), StatusCode::OK)
        .await;
    res.parse()
}

async fn current(app: &TestApp, email: &str, title: &str) -> Option<i64> {
    let n = app.node_id(title).await;
    sqlx::query_scalar(
        "select c.level from current_level c join person p on p.id = c.person_id \
         where p.email = $1 and c.node_id = $2",
    )
    .bind(email)
    .bind(n)
    .fetch_optional(&app.db.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn the_catalogue_is_kept_by_admins_and_close_my_gap_covers_every_gap_it_can() {
    let app = TestApp::demo_unrated().await;
    let [admin, liam] = app.sign_in_all([ADMIN, EMPLOYEE]).await;
    // Bad input names its field and writes nothing; employees may not edit.
    for (field, value, key) in [
        ("input[title]", "", "title"),
        ("input[duration]", "soon", "duration"),
        ("input[kind]", "podcast", "kind"),
        ("input[cost]", "-4", "cost"),
    ] {
        let mut form = vec![
            ("input[title]", "A course"),
            ("input[kind]", "course"),
            ("input[duration]", "2h"),
        ];
        form.retain(|f| f.0 != field);
        form.push((field, value));
        let res = app.call("/api/learning/save", &form, Some(&admin)).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        assert!(res.body.contains(key), "{}", res.body);
    }
    app.expect(
        "/api/learning/save",
        &[
            ("input[title]", "Mine"),
            ("input[kind]", "course"),
            ("input[duration]", "1h"),
        ],
        Some(&liam),
        StatusCode::FORBIDDEN,
    )
    .await;
    assert_eq!(app.count("select count(*) from activity").await, 0);

    // Liam (Software Engineer, nothing rated) has gaps on Testing and Code quality.
    let gaps = close_gap(&app, &liam, "position").await;
    let all: Vec<String> = gaps.gaps.iter().map(|g| g.title.clone()).collect();
    assert!(all.contains(&"Testing".to_string()), "{all:?}");
    assert_eq!(gaps.suggestions.len(), 0);
    assert_eq!(gaps.uncovered.len(), all.len());

    let long = activity(
        &app,
        &admin,
        "Testing bootcamp",
        "course",
        "5 days",
        &[("Testing", "4")],
    )
    .await;
    let both = activity(
        &app,
        &admin,
        "Quality workshop",
        "workshop",
        "1 day",
        &[("Testing", "4"), ("Code quality", "4")],
    )
    .await;
    let low = activity(
        &app,
        &admin,
        "Testing taster",
        "reading",
        "1h",
        &[("Testing", "1")],
    )
    .await;
    let gaps = close_gap(&app, &liam, "position").await;
    let chosen = &gaps.suggestions;
    // The one-day workshop closes both gaps; the longer course and the taster (too low a
    // level) are not needed.
    assert_eq!(chosen.len(), 1, "{chosen:?}");
    assert_eq!(chosen[0].activity, both);
    let closes: Vec<&str> = chosen[0].closes.iter().map(|c| c.1.as_str()).collect();
    assert!(
        closes.contains(&"Testing") && closes.contains(&"Code quality"),
        "{closes:?}"
    );
    assert!(gaps.exact);
    assert_eq!(gaps.total_duration, "1 day");
    assert_eq!(
        gaps.uncovered.len(),
        all.len() - 2,
        "every other gap is listed as uncovered"
    );
    // An archived activity is not suggested; the catalogue hides it from employees.
    app.archive_activity(&both.to_string(), &admin, StatusCode::OK)
        .await;
    let gaps = close_gap(&app, &liam, "position").await;
    assert_eq!(gaps.suggestions[0].activity, long);
    let list: Catalogue = app
        .call("/api/learning/catalogue", &[], Some(&liam))
        .await
        .parse();
    assert_eq!(list.rows.len(), 2);
    assert!(!list.can_edit);
    let _ = low;
}

#[tokio::test]
async fn a_plan_is_approved_and_a_confirmed_completion_awards_the_level() {
    let app = TestApp::demo_unrated().await;
    let [admin, liam, grace, noah] = app
        .sign_in_all([ADMIN, EMPLOYEE, MANAGER, OTHER_EMPLOYEE])
        .await;
    let liam_id = app.person_id(EMPLOYEE).await;
    let course = bootcamp(&app, &admin).await;
    let (goal_id, action) = close_my_gap_plans_the_activity_and_a_goal(&app, &liam, course).await;
    someone_else_may_not_read_or_change_the_plan(&app, &noah, liam_id, &action).await;
    the_manager_asks_for_changes_then_approves(&app, &liam, &grace, &noah, liam_id, &goal_id).await;
    the_completion_is_reported_with_evidence(&app, &liam, &action).await;
    let testing = app.node_id("Testing").await;
    let before = level_three_holders(&app, testing).await;
    app.decide_action(&action, "confirm", &noah, StatusCode::FORBIDDEN)
        .await;
    let res = app
        .decide_action(&action, "confirm", &grace, StatusCode::OK)
        .await;
    assert_eq!(res.json(), 1);
    the_confirmed_completion_is_the_current_level(&app, &liam, liam_id, testing, before).await;
    the_goal_points_and_badges_follow(&app, &liam).await;
    // Confirming twice is refused.
    app.decide_action(&action, "confirm", &grace, StatusCode::CONFLICT)
        .await;
}

/// Close my gap, then add the suggestion: the plan gets the activity and a goal. Hands
/// back the goal's and the action's ids.
async fn close_my_gap_plans_the_activity_and_a_goal(
    app: &TestApp,
    liam: &str,
    course: i64,
) -> (String, String) {
    let gaps = close_gap(app, liam, "position").await;
    assert_eq!(gaps.suggestions[0].activity, course);
    let key = format!("activities[{course}]");
    let res = app
        .expect(
            "/api/plan/add-activities",
            &[("scope", "position"), (key.as_str(), "on")],
            Some(liam),
            StatusCode::OK,
        )
        .await;
    assert_eq!(res.json(), 1);
    let p = plan(app, liam, None).await;
    let goal = p
        .goals
        .iter()
        .find(|g| g.title == "Testing")
        .expect("a goal on Testing")
        .clone();
    assert_eq!(goal.state, GoalState::NotStarted);
    assert_eq!(p.actions[0].status, ActionStatus::Planned);
    assert_eq!(p.state, PlanState::Draft);
    (goal.id.to_string(), p.actions[0].id.to_string())
}

/// Someone else's plan is not theirs to read or change.
async fn someone_else_may_not_read_or_change_the_plan(
    app: &TestApp,
    noah: &str,
    liam_id: i64,
    action: &str,
) {
    app.expect(
        "/api/plan/get",
        &[("person", &liam_id.to_string())],
        Some(noah),
        StatusCode::NOT_FOUND,
    )
    .await;
    app.expect(
        "/api/plan/action/report",
        &[("id", action), ("report", "done")],
        Some(noah),
        StatusCode::FORBIDDEN,
    )
    .await;
}

/// Approval: Liam asks, Noah may not decide, Grace asks for changes (with a reason), Liam
/// fixes the due date, and Grace approves.
async fn the_manager_asks_for_changes_then_approves(
    app: &TestApp,
    liam: &str,
    grace: &str,
    noah: &str,
    liam_id: i64,
    goal_id: &str,
) {
    app.expect("/api/plan/submit", &[], Some(liam), StatusCode::OK)
        .await;
    let waiting = checks(app, grace).await;
    assert_eq!(waiting.len(), 1, "{waiting:?}");
    let person = liam_id.to_string();
    app.decide_plan(&person, "approve", noah, StatusCode::FORBIDDEN)
        .await;
    // A reason is needed.
    app.decide_plan(&person, "changes", grace, StatusCode::UNPROCESSABLE_ENTITY)
        .await;
    app.decide_plan_saying(&person, "changes", "Add a due date.", grace, StatusCode::OK)
        .await;
    let res = app
        .expect(
            "/api/plan/goal/update",
            &[("goal", goal_id), ("target", "3"), ("due", "2030-02-30")],
            Some(liam),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    assert!(res.body.contains("due"), "{}", res.body);
    app.expect(
        "/api/plan/goal/update",
        &[("goal", goal_id), ("target", "3"), ("due", "2030-01-31")],
        Some(liam),
        StatusCode::OK,
    )
    .await;
    app.call("/api/plan/submit", &[], Some(liam)).await;
    app.decide_plan(&person, "approve", grace, StatusCode::OK)
        .await;
    let p = plan(app, liam, None).await;
    assert_eq!(p.state, PlanState::Approved);
    assert_eq!(p.comments[0].body, "Add a due date.");
}

/// Completion: reported with evidence (which is needed); no level until it is confirmed.
async fn the_completion_is_reported_with_evidence(app: &TestApp, liam: &str, action: &str) {
    // Evidence is needed.
    app.expect(
        "/api/plan/action/report",
        &[("id", action)],
        Some(liam),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    app.expect(
        "/api/plan/action/report",
        &[
            ("id", action),
            ("report", "Finished the bootcamp."),
            ("evidence_url", "https://learn.example/cert/1"),
        ],
        Some(liam),
        StatusCode::OK,
    )
    .await;
    assert_eq!(current(app, EMPLOYEE, "Testing").await, None);
}

/// How many hold level 3 on `testing` in the heatmap counters.
async fn level_three_holders(app: &TestApp, testing: i64) -> i64 {
    app.count(format!(
        "select cast(coalesce(sum(have), 0) as bigint) from node_level_stat where node_id = {testing} and level = 3"
    ))
    .await
}

/// A validated rating from "course completion", with the evidence, is the current level;
/// the heatmap and report aggregates moved with it.
async fn the_confirmed_completion_is_the_current_level(
    app: &TestApp,
    liam: &str,
    liam_id: i64,
    testing: i64,
    before: i64,
) {
    let (source, given_by, comment): (String, Option<i64>, String) = sqlx::query_as(
        "select source, given_by, comment from rating where subject_id = $1 and node_id = $2",
    )
    .bind(liam_id)
    .bind(testing)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(source, "course");
    assert_eq!(given_by, Some(app.person_id(MANAGER).await));
    assert_eq!(comment, "Completed: Testing bootcamp");
    assert_eq!(current(app, EMPLOYEE, "Testing").await, Some(3));
    assert_eq!(
        app.count("select count(*) from evidence where location = 'https://learn.example/cert/1'")
            .await,
        1
    );
    // The heatmap and report aggregates moved with it.
    let after = level_three_holders(app, testing).await;
    assert_eq!(after, before + 1);
    crate::orgreports::assert_counters_match_a_rebuild(
        app,
        app::server::now_ms(),
        "after a completion",
    )
    .await;
    let page = skills(app, liam).await;
    let row = page.rows.iter().find(|r| r.title == "Testing").unwrap();
    assert_eq!(row.current.level, 3);
}

/// The goal is reached; points and badges followed.
async fn the_goal_points_and_badges_follow(app: &TestApp, liam: &str) {
    let p = plan(app, liam, None).await;
    let goal = p.goals.iter().find(|g| g.title == "Testing").unwrap();
    assert_eq!(goal.state, GoalState::Achieved);
    assert_eq!(p.actions[0].status, ActionStatus::Completed);
    let r = recognition(app, liam).await;
    // 30 for three levels, 25 for the activity, 20 each for two badges.
    assert_eq!(r.xp, 30 + 25 + 20 + 20, "{r:?}");
    let badges: Vec<Badge> = r
        .badges
        .iter()
        .filter(|b| b.earned.is_some())
        .map(|b| b.badge)
        .collect();
    assert_eq!(badges, vec![Badge::FirstActivity, Badge::GoalReached]);
}

#[tokio::test]
async fn a_mentor_signs_off_an_on_the_job_task_or_asks_for_more() {
    let app = TestApp::demo_unrated().await;
    let [admin, liam, grace, amara] = app
        .sign_in_all([ADMIN, EMPLOYEE, MANAGER, "amara.nwosu@northwind.example"])
        .await;
    let task = activity(
        &app,
        &admin,
        "Own a release",
        "on-the-job",
        "2 weeks",
        &[("Code quality", "3")],
    )
    .await;
    app.add_to_plan(&task.to_string(), &liam, StatusCode::OK)
        .await;
    let action = plan(&app, &liam, None).await.actions[0].id.to_string();
    let report = |status| {
        app.report_action(
            &action,
            "Ran the 4.2 release.",
            "https://git.example/release-4.2",
            &liam,
            status,
        )
    };
    let res = report(StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(res.body.contains("mentor"), "{}", res.body);
    // Not oneself.
    app.choose_mentor(&action, EMPLOYEE, &liam, StatusCode::UNPROCESSABLE_ENTITY)
        .await;
    let res = app
        .expect(
            "/api/plan/action/mentor",
            &[("id", &action), ("mentor", "Amara.Nwosu@northwind.example")],
            Some(&liam),
            StatusCode::OK,
        )
        .await;
    assert_eq!(res.json(), "Amara Nwosu");
    // The manager confirms the trainee's choice, so the mentor's sign-off will count.
    app.expect(
        "/api/plan/action/mentor",
        &[("id", &action), ("mentor", "amara.nwosu@northwind.example")],
        Some(&grace),
        StatusCode::OK,
    )
    .await;
    report(StatusCode::OK).await;
    // The mentor decides, not the manager.
    let waiting = checks(&app, &amara).await;
    assert!(waiting[0].as_mentor, "{waiting:?}");
    app.decide_action(&action, "confirm", &grace, StatusCode::FORBIDDEN)
        .await;
    // Feedback is needed.
    app.decide_action(&action, "more", &amara, StatusCode::UNPROCESSABLE_ENTITY)
        .await;
    app.decide_action_saying(
        &action,
        "more",
        "Add the rollback notes.",
        &amara,
        StatusCode::OK,
    )
    .await;
    let p = plan(&app, &liam, None).await;
    assert_eq!(p.actions[0].status, ActionStatus::Returned);
    assert_eq!(p.actions[0].feedback, "Add the rollback notes.");
    assert_eq!(current(&app, EMPLOYEE, "Code quality").await, None);
    report(StatusCode::OK).await;
    app.decide_action(&action, "confirm", &amara, StatusCode::OK)
        .await;
    assert_eq!(current(&app, EMPLOYEE, "Code quality").await, Some(3));
    let r = recognition(&app, &amara).await;
    assert!(earned(&r, Badge::Mentor), "{r:?}");
}

#[tokio::test]
async fn admins_and_learning_systems_record_completions_that_never_lower_a_level() {
    let app = TestApp::demo_unrated().await;
    let [admin, grace] = app.sign_in_all([ADMIN, MANAGER]).await;
    let course = activity(
        &app,
        &admin,
        "Testing basics",
        "course",
        "3h",
        &[("Testing", "2")],
    )
    .await;
    app.complete_activity(EMPLOYEE, &course.to_string(), &grace, StatusCode::FORBIDDEN)
        .await;
    for (email, act) in [
        ("nobody@northwind.example", course.to_string()),
        (EMPLOYEE, "LMS-404".to_string()),
    ] {
        app.complete_activity(email, &act, &admin, StatusCode::UNPROCESSABLE_ENTITY)
            .await;
    }
    app.expect(
        "/api/learning/complete",
        &[
            ("email", EMPLOYEE),
            ("activity", &course.to_string()),
            ("source", "api"),
        ],
        Some(&admin),
        StatusCode::OK,
    )
    .await;
    assert_eq!(current(&app, EMPLOYEE, "Testing").await, Some(2));
    // A manager rates Liam higher; completing a lower course again leaves the level alone.
    let testing = app.node_id("Testing").await.to_string();
    let liam_id = app.person_id(EMPLOYEE).await.to_string();
    app.rate(&liam_id, &testing, "4", &grace, StatusCode::OK)
        .await;
    let res = app
        .complete_activity(EMPLOYEE, &course.to_string(), &admin, StatusCode::OK)
        .await;
    assert_eq!(res.json(), 0);
    assert_eq!(current(&app, EMPLOYEE, "Testing").await, Some(4));
    let liam = app.sign_in(EMPLOYEE, PW).await;
    let p = plan(&app, &liam, None).await;
    let history: Vec<&str> = p.actions.iter().map(|a| a.history.as_str()).collect();
    assert!(
        history.iter().any(|h| h.contains("learning system")),
        "{history:?}"
    );
}

#[tokio::test]
async fn badges_points_and_the_leaderboard_opt_out() {
    let app = TestApp::demo_unrated().await;
    let [liam, grace] = app.sign_in_all([EMPLOYEE, MANAGER]).await;
    let testing = app.node_id("Testing").await;
    let key = format!("input[levels][{testing}]");
    app.expect(
        "/api/skills/submit",
        &[(key.as_str(), "2")],
        Some(&liam),
        StatusCode::OK,
    )
    .await;
    let r = recognition(&app, &liam).await;
    assert_eq!(r.xp, 20, "the badge's points only: the level is pending");
    assert_eq!(r.badges[0].badge, Badge::FirstSelfAssessment);
    assert!(r.badges[0].earned.is_some());
    // Approval validates the level: ten points a level.
    let queue: Vec<ReviewItem> = app
        .call("/api/reviews/queue", &[], Some(&grace))
        .await
        .parse();
    let rating = queue
        .iter()
        .find(|q| q.subject_name == "Liam Chen")
        .unwrap()
        .rating
        .to_string();
    app.decide_review(&rating, "approve", &grace, StatusCode::OK)
        .await;
    let r = recognition(&app, &liam).await;
    assert_eq!(r.xp, 40);
    let board = |r: &RecognitionPage| -> Vec<String> {
        r.leaderboard.iter().map(|l| l.name.clone()).collect()
    };
    assert_eq!(board(&r)[0], "Liam Chen", "{r:?}");
    assert_eq!(r.leaderboard[0].rank, 1);
    // Opting out takes Liam off everyone's board; the count says someone chose not to be listed.
    app.expect(
        "/api/recognition/leaderboard",
        &[("choice", "maybe")],
        Some(&liam),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    app.expect(
        "/api/recognition/leaderboard",
        &[("choice", "out")],
        Some(&liam),
        StatusCode::OK,
    )
    .await;
    let amara = app.sign_in("amara.nwosu@northwind.example", PW).await;
    let seen = recognition(&app, &amara).await;
    assert!(!board(&seen).contains(&"Liam Chen".to_string()));
    assert_eq!(seen.opted_out_count, 1);
    let own = recognition(&app, &liam).await;
    assert!(own.opted_out);
    app.call(
        "/api/recognition/leaderboard",
        &[("choice", "in")],
        Some(&liam),
    )
    .await;
    let seen = recognition(&app, &amara).await;
    assert!(board(&seen).contains(&"Liam Chen".to_string()));
    // Someone else's page is for their managers, not their peers.
    let liam_id = app.person_id(EMPLOYEE).await.to_string();
    app.expect(
        "/api/recognition/get",
        &[("person", &liam_id)],
        Some(&amara),
        StatusCode::NOT_FOUND,
    )
    .await;
}

/// The key paths of a JSON value (`a.b.c`, arrays looked into), for comparing shapes.
fn paths(v: &Value, prefix: &str, out: &mut std::collections::BTreeSet<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                let p = format!("{prefix}.{k}");
                out.insert(p.clone());
                paths(x, &p, out);
            }
        }
        Value::Array(a) => {
            for x in a {
                paths(x, prefix, out);
            }
        }
        _ => {}
    }
}

#[tokio::test]
async fn an_awarded_competency_exports_as_an_open_badges_credential() {
    let app = TestApp::demo_unrated().await;
    let admin = app.sign_in(ADMIN, PW).await;
    let course = bootcamp(&app, &admin).await;
    app.complete_activity(EMPLOYEE, &course.to_string(), &admin, StatusCode::OK)
        .await;
    let liam = app.sign_in(EMPLOYEE, PW).await;
    let liam_id = app.person_id(EMPLOYEE).await;
    let testing = app.node_id("Testing").await;
    let r = recognition(&app, &liam).await;
    let href = r.awards[0].href.clone();
    assert_eq!(href, format!("/credentials/{liam_id}/{testing}.json"));
    let res = app.expect_get(&href, Some(&liam), StatusCode::OK).await;
    assert!(res.headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/ld+json"));
    let v: Value = serde_json::from_str(&res.body).expect("JSON");
    // JSON-LD: the VC 2.0 context first, then Open Badges 3.0; typed nodes throughout.
    assert_eq!(v["@context"][0], "https://www.w3.org/ns/credentials/v2");
    assert!(v["@context"][1]
        .as_str()
        .unwrap()
        .contains("/ob/v3p0/context"));
    assert_eq!(
        v["type"],
        serde_json::json!(["VerifiableCredential", "OpenBadgeCredential"])
    );
    let a = &v["credentialSubject"]["achievement"];
    assert_eq!(a["name"], "Testing");
    assert_eq!(a["alignment"][0]["targetName"], "Testing");
    assert!(a["alignment"][0]["targetUrl"]
        .as_str()
        .unwrap()
        .starts_with("http"));
    let levels = a["resultDescription"][0]["rubricCriterionLevel"]
        .as_array()
        .unwrap();
    assert!(levels.len() >= 3);
    let achieved = &v["credentialSubject"]["result"][0]["achievedLevel"];
    assert_eq!(achieved, &levels[2]["id"], "level 3 is the achieved one");
    assert_eq!(
        v["credentialSubject"]["identifier"][0]["identityHash"],
        EMPLOYEE
    );
    // Every field is one the 1EdTech example has, at the same place.
    let example: Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../shared/data/ob3/complete.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let (mut ours, mut theirs) = (Default::default(), Default::default());
    paths(&v, "", &mut ours);
    paths(&example, "", &mut theirs);
    let extra: Vec<&String> = ours.difference(&theirs).collect();
    assert!(
        extra.is_empty(),
        "fields the example does not have: {extra:?}"
    );
    for needed in [
        ".issuer.id",
        ".validFrom",
        ".credentialSubject.achievement.criteria.narrative",
        ".credentialSubject.result.achievedLevel",
    ] {
        assert!(ours.contains(needed), "{needed} missing");
    }
    // Others may not fetch it; HR may; an unawarded node has none.
    let noah = app.sign_in(OTHER_EMPLOYEE, PW).await;
    app.expect_get(&href, Some(&noah), StatusCode::NOT_FOUND)
        .await;
    let anonymous = app.get(&href, None).await.status;
    assert!(
        [StatusCode::UNAUTHORIZED, StatusCode::SEE_OTHER].contains(&anonymous),
        "{anonymous}"
    );
    let hr = app.sign_in(HR, PW).await;
    app.expect_get(&href, Some(&hr), StatusCode::OK).await;
    let code = app.node_id("Code quality").await;
    app.expect_get(
        &format!("/credentials/{liam_id}/{code}.json"),
        Some(&liam),
        StatusCode::NOT_FOUND,
    )
    .await;
}

#[tokio::test]
async fn reminders_reach_the_inbox_and_the_demo_has_plans_in_every_state() {
    let app = TestApp::demo().await;
    assert_eq!(
        app.count("select count(*) from activity").await,
        app::server::demo_learning::ACTIVITIES as i64
    );
    for state in ["draft", "submitted", "approved", "changes"] {
        assert!(
            app.count(format!(
                "select count(*) from dev_plan where state = '{state}'"
            ))
            .await
                > 0,
            "{state}"
        );
    }
    let amara = app.sign_in("amara.nwosu@northwind.example", PW).await;
    let p = plan(&app, &amara, None).await;
    let states: Vec<GoalState> = p.goals.iter().map(|g| g.state).collect();
    for s in [
        GoalState::InProgress,
        GoalState::Overdue,
        GoalState::NotStarted,
        GoalState::Dropped,
    ] {
        assert!(states.contains(&s), "{s:?} in {states:?}");
    }
    let achieved = app
        .count("select count(*) from plan_goal where status = 'achieved'")
        .await;
    assert!(achieved > 0);
    // A goal due within 14 days and an overdue one are reminders, in the inbox too.
    assert!(p.reminders.len() >= 2, "{p:?}");
    let inbox: Vec<InboxItem> = app.call("/api/inbox/get", &[], Some(&amara)).await.parse();
    assert!(
        inbox.iter().any(|i| i.kind == InboxKind::Reminder),
        "{inbox:?}"
    );
    // A plan untouched for 120 days says so.
    let lucy = app.sign_in("lucy.hughes@northwind.example", PW).await;
    let p = plan(&app, &lucy, None).await;
    assert!(p.stale);
    // Samuel has Yara's plan and completion to decide.
    let samuel = app.sign_in("samuel.adeyemi@northwind.example", PW).await;
    let waiting = checks(&app, &samuel).await;
    assert_eq!(waiting.len(), 2, "{waiting:?}");
    crate::orgreports::assert_counters_match_a_rebuild(&app, app::server::now_ms(), "demo").await;
}

#[tokio::test]
async fn a_learning_csv_imports_all_or_the_valid_rows() {
    let app = TestApp::demo_unrated().await;
    let file = "title,type,provider,duration,cost,id,provides\n\
                Testing bootcamp,course,Academy,2 days,450,LMS-1,Testing=3\n\
                Pairing sessions,on-the-job,,3 h,,LMS-2,Testing=2; Code quality=2\n\
                Broken,course,,soon,,LMS-3,\n\
                Unknown skill,course,,1h,,LMS-4,Juggling=2\n";
    let plan = app::server::imports::plan_file(
        &app.db,
        "learning-csv",
        file.as_bytes(),
        &Default::default(),
    )
    .await
    .unwrap();
    let preview = plan.preview(0, "learning.csv");
    let at: Vec<&str> = preview.problems.iter().map(|p| p.0.as_str()).collect();
    assert_eq!(at, vec!["line 4", "line 5"], "{:?}", preview.problems);
    assert!(preview.problems[1].1.contains("Juggling"));
    // All or nothing: with problems and without skipping, nothing is written.
    let res = app::server::imports::import(&app.db, "learning-csv", file.as_bytes(), false).await;
    assert!(res.is_err());
    assert_eq!(app.count("select count(*) from activity").await, 0);
    let done = app::server::imports::import(&app.db, "learning-csv", file.as_bytes(), true)
        .await
        .unwrap();
    assert_eq!((done.written, done.noun), (2, "activities"));
    assert_eq!(app.count("select count(*) from activity_level").await, 3);
    // A second import updates by id instead of adding.
    let again = "title,duration,id,provides\nTesting bootcamp (new),3 days,LMS-1,Testing=4\n";
    app::server::imports::import(&app.db, "learning-csv", again.as_bytes(), false)
        .await
        .unwrap();
    assert_eq!(app.count("select count(*) from activity").await, 2);
    let (title, minutes): (String, i64) =
        sqlx::query_as("select title, duration_minutes from activity where external_id = 'LMS-1'")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!((title.as_str(), minutes), ("Testing bootcamp (new)", 1440));
    // Over HTTP, employees may not import.
    let liam = app.sign_in(EMPLOYEE, PW).await;
    app.upload_import_forbidden("learning-csv", ("l.csv", file.as_bytes()), &liam)
        .await;
}

/// A one-connection-at-a-time SMTP server that accepts everything and keeps each message.
async fn fake_relay() -> (String, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("smtp://{}", listener.local_addr().unwrap());
    let kept = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let store = kept.clone();
    tokio::spawn(async move {
        while let Ok((sock, _)) = listener.accept().await {
            let (r, mut w) = sock.into_split();
            let mut lines = BufReader::new(r).lines();
            w.write_all(b"220 fake ESMTP\r\n").await.unwrap();
            let mut data: Option<String> = None;
            while let Ok(Some(line)) = lines.next_line().await {
                if let Some(d) = data.as_mut() {
                    if line == "." {
                        store.lock().unwrap().push(data.take().unwrap());
                        w.write_all(b"250 queued\r\n").await.unwrap();
                    } else {
                        d.push_str(&line);
                        d.push('\n');
                    }
                    continue;
                }
                let verb = line.split(' ').next().unwrap_or("").to_uppercase();
                let reply: &[u8] = match verb.as_str() {
                    "EHLO" | "HELO" => b"250 fake\r\n",
                    "DATA" => {
                        data = Some(String::new());
                        b"354 go ahead\r\n"
                    }
                    "QUIT" => {
                        w.write_all(b"221 bye\r\n").await.unwrap();
                        break;
                    }
                    _ => b"250 ok\r\n",
                };
                w.write_all(reply).await.unwrap();
            }
        }
    });
    (url, kept)
}

#[tokio::test]
async fn the_daily_digest_mails_reminders_and_checks_once_a_day() {
    let app = TestApp::demo().await;
    let (url, kept) = fake_relay().await;
    let cfg = server::digest::DigestConfig {
        smtp_url: url,
        from: "Proficio <proficio@northwind.example>".into(),
        public_url: "https://proficio.northwind.example".into(),
    };
    let sent = server::digest::send_due(&app.db, &cfg).await.unwrap();
    assert!(sent >= 2, "{sent}");
    let mails = kept.lock().unwrap().clone();
    assert_eq!(mails.len(), sent);
    // Amara has goals due soon or overdue; Samuel has Yara's plan and completion to decide.
    let amara = mails
        .iter()
        .find(|m| m.contains("amara.nwosu@northwind.example"))
        .expect("a digest for Amara");
    assert!(
        amara.contains("https://proficio.northwind.example/plan"),
        "{amara}"
    );
    assert!(amara.contains("overdue by"), "{amara}");
    let samuel = mails
        .iter()
        .find(|m| m.contains("samuel.adeyemi@northwind.example"))
        .expect("a digest for Samuel");
    assert!(
        samuel.contains("Yara Haddad: Development plan waiting for approval"),
        "{samuel}"
    );
    // New joiners with nothing to do get nothing; a second run the same day sends nothing.
    assert!(!mails.iter().any(|m| m.contains(EMPLOYEE)));
    assert_eq!(server::digest::send_due(&app.db, &cfg).await.unwrap(), 0);
    // A relay that is not there is an error, and nobody is marked as mailed.
    app.count("select 1").await;
    sqlx::query("update person set digest_sent_on = null")
        .execute(&app.db.pool)
        .await
        .unwrap();
    let down = server::digest::DigestConfig {
        smtp_url: "smtp://127.0.0.1:9".into(),
        ..cfg
    };
    assert!(server::digest::send_due(&app.db, &down).await.is_err());
    assert_eq!(
        app.count("select count(*) from person where digest_sent_on is not null")
            .await,
        0
    );
}

#[tokio::test]
async fn meeting_every_requirement_and_renewing_on_time_earn_their_badges() {
    let app = TestApp::demo_unrated().await;
    let [grace, liam] = app.sign_in_all([MANAGER, EMPLOYEE]).await;
    let liam_id = app.person_id(EMPLOYEE).await.to_string();
    let testing = app.node_id("Testing").await;
    sqlx::query("update framework_node set validity_months = 12 where id = $1")
        .bind(testing)
        .execute(&app.db.pool)
        .await
        .unwrap();
    let rows = skills(&app, &liam).await.rows;
    assert!(rows.len() > 1);
    for (i, row) in rows.iter().enumerate() {
        let r = recognition(&app, &liam).await;
        assert!(
            !earned(&r, Badge::PositionReady),
            "not before the last requirement ({i})"
        );
        app.rate(
            &liam_id,
            &row.node.to_string(),
            &row.required.to_string(),
            &grace,
            StatusCode::OK,
        )
        .await;
    }
    let r = recognition(&app, &liam).await;
    assert!(earned(&r, Badge::PositionReady), "{r:?}");
    assert!(!earned(&r, Badge::OnTimeRecertification));
    // Testing is valid for 12 months; rating it again before it expires is on time.
    let required = rows
        .iter()
        .find(|r| r.node == NodeId(testing))
        .unwrap()
        .required
        .to_string();
    app.rate(
        &liam_id,
        &testing.to_string(),
        &required,
        &grace,
        StatusCode::OK,
    )
    .await;
    let r = recognition(&app, &liam).await;
    assert!(earned(&r, Badge::OnTimeRecertification), "{r:?}");
}

//! Development: the catalogue, "close my gap", plans and their approval, completions that
//! award levels (and move the org-report counters), mentor sign-off, points, badges, the
//! leaderboard opt-out, Open Badges credentials, reminders and the learning CSV import.

use crate::helpers::*;
use axum::http::StatusCode;
use serde_json::Value;

async fn node(app: &TestApp, title: &str) -> i64 {
    sqlx::query_scalar("select id from framework_node where title = $1 order by id")
        .bind(title)
        .fetch_one(&app.db.pool)
        .await
        .unwrap()
}

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
        .call(
            "/api/learning/save",
            &[
                ("input[title]", title),
                ("input[kind]", kind),
                ("input[duration]", duration),
                ("input[cost]", "120"),
            ],
            Some(admin),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let id = res.json().as_i64().unwrap();
    for (n, level) in levels {
        let node = node(app, n).await.to_string();
        let res = app
            .call(
                "/api/learning/level",
                &[("id", &id.to_string()), ("node", &node), ("level", level)],
                Some(admin),
            )
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    }
    id
}

async fn close_gap(app: &TestApp, cookie: &str, scope: &str) -> Value {
    let res = app
        .call("/api/learning/close-gap", &[("scope", scope)], Some(cookie))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    res.json()
}

async fn plan(app: &TestApp, cookie: &str, person: Option<i64>) -> Value {
    let p = person.map(|p| p.to_string());
    let form: Vec<(&str, &str)> = p.iter().map(|p| ("person", p.as_str())).collect();
    let res = app.call("/api/plan/get", &form, Some(cookie)).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    res.json()
}

async fn current(app: &TestApp, email: &str, title: &str) -> Option<i64> {
    let n = node(app, title).await;
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
    let admin = app.sign_in(ADMIN, PW).await;
    let liam = app.sign_in(EMPLOYEE, PW).await;
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
    let res = app
        .call(
            "/api/learning/save",
            &[
                ("input[title]", "Mine"),
                ("input[kind]", "course"),
                ("input[duration]", "1h"),
            ],
            Some(&liam),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(app.count("select count(*) from activity").await, 0);

    // Liam (Software Engineer, nothing rated) has gaps on Testing and Code quality.
    let gaps = close_gap(&app, &liam, "position").await;
    let all: Vec<String> = gaps["gaps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["title"].as_str().unwrap().to_string())
        .collect();
    assert!(all.contains(&"Testing".to_string()), "{all:?}");
    assert_eq!(gaps["suggestions"].as_array().unwrap().len(), 0);
    assert_eq!(gaps["uncovered"].as_array().unwrap().len(), all.len());

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
    let chosen = gaps["suggestions"].as_array().unwrap();
    // The one-day workshop closes both gaps; the longer course and the taster (too low a
    // level) are not needed.
    assert_eq!(chosen.len(), 1, "{chosen:?}");
    assert_eq!(chosen[0]["activity"], both);
    let closes: Vec<&str> = chosen[0]["closes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c[1].as_str().unwrap())
        .collect();
    assert!(
        closes.contains(&"Testing") && closes.contains(&"Code quality"),
        "{closes:?}"
    );
    assert_eq!(gaps["exact"], true);
    assert_eq!(gaps["total_duration"], "1 day");
    assert_eq!(
        gaps["uncovered"].as_array().unwrap().len(),
        all.len() - 2,
        "every other gap is listed as uncovered"
    );
    // An archived activity is not suggested; the catalogue hides it from employees.
    let res = app
        .call(
            "/api/learning/active",
            &[("id", &both.to_string())],
            Some(&admin),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let gaps = close_gap(&app, &liam, "position").await;
    assert_eq!(gaps["suggestions"][0]["activity"], long);
    let list = app
        .call("/api/learning/catalogue", &[], Some(&liam))
        .await
        .json();
    assert_eq!(list["rows"].as_array().unwrap().len(), 2);
    assert_eq!(list["can_edit"], false);
    let _ = low;
}

#[tokio::test]
async fn a_plan_is_approved_and_a_confirmed_completion_awards_the_level() {
    let app = TestApp::demo_unrated().await;
    let admin = app.sign_in(ADMIN, PW).await;
    let liam = app.sign_in(EMPLOYEE, PW).await;
    let grace = app.sign_in(MANAGER, PW).await;
    let noah = app.sign_in(OTHER_EMPLOYEE, PW).await;
    let liam_id = app.person_id(EMPLOYEE).await;
    let course = activity(
        &app,
        &admin,
        "Testing bootcamp",
        "course",
        "2 days",
        &[("Testing", "3")],
    )
    .await;
    // Close my gap, then add the suggestion: the plan gets the activity and a goal.
    let gaps = close_gap(&app, &liam, "position").await;
    assert_eq!(gaps["suggestions"][0]["activity"], course);
    let key = format!("activities[{course}]");
    let res = app
        .call(
            "/api/plan/add-activities",
            &[("scope", "position"), (key.as_str(), "on")],
            Some(&liam),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.json(), 1);
    let p = plan(&app, &liam, None).await;
    let goal = p["goals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["title"] == "Testing")
        .expect("a goal on Testing")
        .clone();
    assert_eq!(goal["state"], "NotStarted");
    assert_eq!(p["actions"][0]["status"], "Planned");
    assert_eq!(p["state"], "Draft");
    // Someone else's plan is not theirs to read or change.
    let res = app
        .call(
            "/api/plan/get",
            &[("person", &liam_id.to_string())],
            Some(&noah),
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    let action = p["actions"][0]["id"].to_string();
    let res = app
        .call(
            "/api/plan/action/report",
            &[("id", &action), ("report", "done")],
            Some(&noah),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);

    // Approval: Liam asks, Noah may not decide, Grace asks for changes then approves.
    let res = app.call("/api/plan/submit", &[], Some(&liam)).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let checks = app.call("/api/plan/checks", &[], Some(&grace)).await.json();
    assert_eq!(checks.as_array().unwrap().len(), 1, "{checks}");
    let person = liam_id.to_string();
    let res = app
        .call(
            "/api/plan/decide",
            &[("person", &person), ("decision", "approve")],
            Some(&noah),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let res = app
        .call(
            "/api/plan/decide",
            &[("person", &person), ("decision", "changes")],
            Some(&grace),
        )
        .await;
    assert_eq!(
        res.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a reason is needed"
    );
    let res = app
        .call(
            "/api/plan/decide",
            &[
                ("person", &person),
                ("decision", "changes"),
                ("comment", "Add a due date."),
            ],
            Some(&grace),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let goal_id = goal["id"].to_string();
    let res = app
        .call(
            "/api/plan/goal/update",
            &[("goal", &goal_id), ("target", "3"), ("due", "2030-02-30")],
            Some(&liam),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("due"), "{}", res.body);
    let res = app
        .call(
            "/api/plan/goal/update",
            &[("goal", &goal_id), ("target", "3"), ("due", "2030-01-31")],
            Some(&liam),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    app.call("/api/plan/submit", &[], Some(&liam)).await;
    let res = app
        .call(
            "/api/plan/decide",
            &[("person", &person), ("decision", "approve")],
            Some(&grace),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let p = plan(&app, &liam, None).await;
    assert_eq!(p["state"], "Approved");
    assert_eq!(p["comments"][0]["body"], "Add a due date.");

    // Completion: reported with evidence, confirmed by the manager.
    let res = app
        .call("/api/plan/action/report", &[("id", &action)], Some(&liam))
        .await;
    assert_eq!(
        res.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "evidence is needed"
    );
    let res = app
        .call(
            "/api/plan/action/report",
            &[
                ("id", &action),
                ("report", "Finished the bootcamp."),
                ("evidence_url", "https://learn.example/cert/1"),
            ],
            Some(&liam),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(current(&app, EMPLOYEE, "Testing").await, None);
    let testing = node(&app, "Testing").await;
    let before: i64 = app
        .count(format!(
            "select cast(coalesce(sum(have), 0) as bigint) from node_level_stat where node_id = {testing} and level = 3"
        ))
        .await;
    let res = app
        .call(
            "/api/plan/action/decide",
            &[("id", &action), ("decision", "confirm")],
            Some(&noah),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let res = app
        .call(
            "/api/plan/action/decide",
            &[("id", &action), ("decision", "confirm")],
            Some(&grace),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.json(), 1);
    // A validated rating from "course completion", with the evidence, is the current level.
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
    assert_eq!(current(&app, EMPLOYEE, "Testing").await, Some(3));
    assert_eq!(
        app.count("select count(*) from evidence where location = 'https://learn.example/cert/1'")
            .await,
        1
    );
    // The heatmap and report aggregates moved with it.
    let after: i64 = app
        .count(format!(
            "select cast(coalesce(sum(have), 0) as bigint) from node_level_stat where node_id = {testing} and level = 3"
        ))
        .await;
    assert_eq!(after, before + 1);
    crate::orgreports::assert_counters_match_a_rebuild(
        &app,
        app::server::now_ms(),
        "after a completion",
    )
    .await;
    let skills = app.call("/api/skills/get", &[], Some(&liam)).await.json();
    let row = skills["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["title"] == "Testing")
        .unwrap()
        .clone();
    assert_eq!(row["current"]["level"], 3);
    // The goal is reached; points and badges followed.
    let p = plan(&app, &liam, None).await;
    let goal = p["goals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["title"] == "Testing")
        .unwrap()
        .clone();
    assert_eq!(goal["state"], "Achieved");
    assert_eq!(p["actions"][0]["status"], "Completed");
    let r = app
        .call("/api/recognition/get", &[], Some(&liam))
        .await
        .json();
    // 30 for three levels, 25 for the activity, 20 each for two badges.
    assert_eq!(r["xp"], 30 + 25 + 20 + 20, "{r}");
    let earned: Vec<&str> = r["badges"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| !b["earned"].is_null())
        .map(|b| b["badge"].as_str().unwrap())
        .collect();
    assert_eq!(earned, vec!["FirstActivity", "GoalReached"]);
    // Confirming twice is refused.
    let res = app
        .call(
            "/api/plan/action/decide",
            &[("id", &action), ("decision", "confirm")],
            Some(&grace),
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn a_mentor_signs_off_an_on_the_job_task_or_asks_for_more() {
    let app = TestApp::demo_unrated().await;
    let admin = app.sign_in(ADMIN, PW).await;
    let liam = app.sign_in(EMPLOYEE, PW).await;
    let grace = app.sign_in(MANAGER, PW).await;
    let amara = app.sign_in("amara.nwosu@northwind.example", PW).await;
    let task = activity(
        &app,
        &admin,
        "Own a release",
        "on-the-job",
        "2 weeks",
        &[("Code quality", "3")],
    )
    .await;
    let res = app
        .call(
            "/api/plan/add-activities",
            &[("activity", &task.to_string())],
            Some(&liam),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let action = plan(&app, &liam, None).await["actions"][0]["id"].to_string();
    let report = [
        ("id", action.as_str()),
        ("report", "Ran the 4.2 release."),
        ("evidence_url", "https://git.example/release-4.2"),
    ];
    let res = app
        .call("/api/plan/action/report", &report, Some(&liam))
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("mentor"), "{}", res.body);
    let res = app
        .call(
            "/api/plan/action/mentor",
            &[("id", &action), ("mentor", EMPLOYEE)],
            Some(&liam),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "not oneself");
    let res = app
        .call(
            "/api/plan/action/mentor",
            &[("id", &action), ("mentor", "Amara.Nwosu@northwind.example")],
            Some(&liam),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.json(), "Amara Nwosu");
    // The manager confirms the trainee's choice, so the mentor's sign-off will count.
    let res = app
        .call(
            "/api/plan/action/mentor",
            &[("id", &action), ("mentor", "amara.nwosu@northwind.example")],
            Some(&grace),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let res = app
        .call("/api/plan/action/report", &report, Some(&liam))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    // The mentor decides, not the manager.
    let checks = app.call("/api/plan/checks", &[], Some(&amara)).await.json();
    assert_eq!(checks[0]["as_mentor"], true, "{checks}");
    let res = app
        .call(
            "/api/plan/action/decide",
            &[("id", &action), ("decision", "confirm")],
            Some(&grace),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let res = app
        .call(
            "/api/plan/action/decide",
            &[("id", &action), ("decision", "more")],
            Some(&amara),
        )
        .await;
    assert_eq!(
        res.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "feedback is needed"
    );
    let res = app
        .call(
            "/api/plan/action/decide",
            &[
                ("id", &action),
                ("decision", "more"),
                ("feedback", "Add the rollback notes."),
            ],
            Some(&amara),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let p = plan(&app, &liam, None).await;
    assert_eq!(p["actions"][0]["status"], "Returned");
    assert_eq!(p["actions"][0]["feedback"], "Add the rollback notes.");
    assert_eq!(current(&app, EMPLOYEE, "Code quality").await, None);
    let res = app
        .call("/api/plan/action/report", &report, Some(&liam))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let res = app
        .call(
            "/api/plan/action/decide",
            &[("id", &action), ("decision", "confirm")],
            Some(&amara),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(current(&app, EMPLOYEE, "Code quality").await, Some(3));
    let r = app
        .call("/api/recognition/get", &[], Some(&amara))
        .await
        .json();
    assert!(
        r["badges"]
            .as_array()
            .unwrap()
            .iter()
            .any(|b| b["badge"] == "Mentor" && !b["earned"].is_null()),
        "{r}"
    );
}

#[tokio::test]
async fn admins_and_learning_systems_record_completions_that_never_lower_a_level() {
    let app = TestApp::demo_unrated().await;
    let admin = app.sign_in(ADMIN, PW).await;
    let grace = app.sign_in(MANAGER, PW).await;
    let course = activity(
        &app,
        &admin,
        "Testing basics",
        "course",
        "3h",
        &[("Testing", "2")],
    )
    .await;
    let res = app
        .call(
            "/api/learning/complete",
            &[("email", EMPLOYEE), ("activity", &course.to_string())],
            Some(&grace),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    for (email, act) in [
        ("nobody@northwind.example", course.to_string()),
        (EMPLOYEE, "LMS-404".to_string()),
    ] {
        let res = app
            .call(
                "/api/learning/complete",
                &[("email", email), ("activity", &act)],
                Some(&admin),
            )
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    }
    let res = app
        .call(
            "/api/learning/complete",
            &[
                ("email", EMPLOYEE),
                ("activity", &course.to_string()),
                ("source", "api"),
            ],
            Some(&admin),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(current(&app, EMPLOYEE, "Testing").await, Some(2));
    // A manager rates Liam higher; completing a lower course again leaves the level alone.
    let testing = node(&app, "Testing").await.to_string();
    let liam_id = app.person_id(EMPLOYEE).await.to_string();
    let res = app
        .call(
            "/api/skills/rate",
            &[("person", &liam_id), ("node", &testing), ("level", "4")],
            Some(&grace),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let res = app
        .call(
            "/api/learning/complete",
            &[("email", EMPLOYEE), ("activity", &course.to_string())],
            Some(&admin),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.json(), 0);
    assert_eq!(current(&app, EMPLOYEE, "Testing").await, Some(4));
    let liam = app.sign_in(EMPLOYEE, PW).await;
    let p = plan(&app, &liam, None).await;
    let history: Vec<&str> = p["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["history"].as_str().unwrap())
        .collect();
    assert!(
        history.iter().any(|h| h.contains("learning system")),
        "{history:?}"
    );
}

#[tokio::test]
async fn badges_points_and_the_leaderboard_opt_out() {
    let app = TestApp::demo_unrated().await;
    let liam = app.sign_in(EMPLOYEE, PW).await;
    let grace = app.sign_in(MANAGER, PW).await;
    let testing = node(&app, "Testing").await;
    let key = format!("input[levels][{testing}]");
    let res = app
        .call("/api/skills/submit", &[(key.as_str(), "2")], Some(&liam))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let r = app
        .call("/api/recognition/get", &[], Some(&liam))
        .await
        .json();
    assert_eq!(r["xp"], 20, "the badge's points only: the level is pending");
    assert_eq!(r["badges"][0]["badge"], "FirstSelfAssessment");
    assert!(!r["badges"][0]["earned"].is_null());
    // Approval validates the level: ten points a level.
    let queue = app
        .call("/api/reviews/queue", &[], Some(&grace))
        .await
        .json();
    let rating = queue
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["subject_name"] == "Liam Chen")
        .unwrap()["rating"]
        .to_string();
    let res = app
        .call(
            "/api/reviews/decide",
            &[("decision", "approve"), ("rating", &rating)],
            Some(&grace),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let r = app
        .call("/api/recognition/get", &[], Some(&liam))
        .await
        .json();
    assert_eq!(r["xp"], 40);
    let board = |r: &Value| -> Vec<String> {
        r["leaderboard"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["name"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(board(&r)[0], "Liam Chen", "{r}");
    assert_eq!(r["leaderboard"][0]["rank"], 1);
    // Opting out takes Liam off everyone's board; the count says someone chose not to be listed.
    let res = app
        .call(
            "/api/recognition/leaderboard",
            &[("choice", "maybe")],
            Some(&liam),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let res = app
        .call(
            "/api/recognition/leaderboard",
            &[("choice", "out")],
            Some(&liam),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let amara = app.sign_in("amara.nwosu@northwind.example", PW).await;
    let seen = app
        .call("/api/recognition/get", &[], Some(&amara))
        .await
        .json();
    assert!(!board(&seen).contains(&"Liam Chen".to_string()));
    assert_eq!(seen["opted_out_count"], 1);
    let own = app
        .call("/api/recognition/get", &[], Some(&liam))
        .await
        .json();
    assert_eq!(own["opted_out"], true);
    app.call(
        "/api/recognition/leaderboard",
        &[("choice", "in")],
        Some(&liam),
    )
    .await;
    let seen = app
        .call("/api/recognition/get", &[], Some(&amara))
        .await
        .json();
    assert!(board(&seen).contains(&"Liam Chen".to_string()));
    // Someone else's page is for their managers, not their peers.
    let liam_id = app.person_id(EMPLOYEE).await.to_string();
    let res = app
        .call(
            "/api/recognition/get",
            &[("person", &liam_id)],
            Some(&amara),
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
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
    let course = activity(
        &app,
        &admin,
        "Testing bootcamp",
        "course",
        "2 days",
        &[("Testing", "3")],
    )
    .await;
    let res = app
        .call(
            "/api/learning/complete",
            &[("email", EMPLOYEE), ("activity", &course.to_string())],
            Some(&admin),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let liam = app.sign_in(EMPLOYEE, PW).await;
    let liam_id = app.person_id(EMPLOYEE).await;
    let testing = node(&app, "Testing").await;
    let r = app
        .call("/api/recognition/get", &[], Some(&liam))
        .await
        .json();
    let href = r["awards"][0]["href"].as_str().unwrap().to_string();
    assert_eq!(href, format!("/credentials/{liam_id}/{testing}.json"));
    let res = app.get(&href, Some(&liam)).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
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
    assert_eq!(
        app.get(&href, Some(&noah)).await.status,
        StatusCode::NOT_FOUND
    );
    let anonymous = app.get(&href, None).await.status;
    assert!(
        [StatusCode::UNAUTHORIZED, StatusCode::SEE_OTHER].contains(&anonymous),
        "{anonymous}"
    );
    let hr = app.sign_in(HR, PW).await;
    assert_eq!(app.get(&href, Some(&hr)).await.status, StatusCode::OK);
    let code = node(&app, "Code quality").await;
    let res = app
        .get(&format!("/credentials/{liam_id}/{code}.json"), Some(&liam))
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
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
    let states: Vec<&str> = p["goals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["state"].as_str().unwrap())
        .collect();
    for s in ["InProgress", "Overdue", "NotStarted", "Dropped"] {
        assert!(states.contains(&s), "{s} in {states:?}");
    }
    let achieved = app
        .count("select count(*) from plan_goal where status = 'achieved'")
        .await;
    assert!(achieved > 0);
    // A goal due within 14 days and an overdue one are reminders, in the inbox too.
    assert!(p["reminders"].as_array().unwrap().len() >= 2, "{p}");
    let inbox = app.call("/api/inbox/get", &[], Some(&amara)).await.json();
    assert!(
        inbox
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["kind"] == "Reminder"),
        "{inbox}"
    );
    // A plan untouched for 120 days says so.
    let lucy = app.sign_in("lucy.hughes@northwind.example", PW).await;
    let p = plan(&app, &lucy, None).await;
    assert_eq!(p["stale"], true);
    // Samuel has Yara's plan and completion to decide.
    let samuel = app.sign_in("samuel.adeyemi@northwind.example", PW).await;
    let checks = app
        .call("/api/plan/checks", &[], Some(&samuel))
        .await
        .json();
    assert_eq!(checks.as_array().unwrap().len(), 2, "{checks}");
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
    let res = app
        .upload_import(
            "learning-csv",
            ("l.csv", file.as_bytes()),
            false,
            Some(&liam),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
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
    let grace = app.sign_in(MANAGER, PW).await;
    let liam = app.sign_in(EMPLOYEE, PW).await;
    let liam_id = app.person_id(EMPLOYEE).await.to_string();
    let testing = node(&app, "Testing").await;
    sqlx::query("update framework_node set validity_months = 12 where id = $1")
        .bind(testing)
        .execute(&app.db.pool)
        .await
        .unwrap();
    let earned = |r: &Value, badge: &str| {
        r["badges"]
            .as_array()
            .unwrap()
            .iter()
            .any(|b| b["badge"] == badge && !b["earned"].is_null())
    };
    let skills = app.call("/api/skills/get", &[], Some(&liam)).await.json();
    let rows = skills["rows"].as_array().unwrap().clone();
    assert!(rows.len() > 1);
    for (i, row) in rows.iter().enumerate() {
        let r = app
            .call("/api/recognition/get", &[], Some(&liam))
            .await
            .json();
        assert!(
            !earned(&r, "PositionReady"),
            "not before the last requirement ({i})"
        );
        let res = app
            .call(
                "/api/skills/rate",
                &[
                    ("person", &liam_id),
                    ("node", &row["node"].to_string()),
                    ("level", &row["required"].to_string()),
                ],
                Some(&grace),
            )
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    }
    let r = app
        .call("/api/recognition/get", &[], Some(&liam))
        .await
        .json();
    assert!(earned(&r, "PositionReady"), "{r}");
    assert!(!earned(&r, "OnTimeRecertification"));
    // Testing is valid for 12 months; rating it again before it expires is on time.
    let required = rows.iter().find(|r| r["node"] == testing).unwrap()["required"].to_string();
    let res = app
        .call(
            "/api/skills/rate",
            &[
                ("person", &liam_id),
                ("node", &testing.to_string()),
                ("level", &required),
            ],
            Some(&grace),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let r = app
        .call("/api/recognition/get", &[], Some(&liam))
        .await
        .json();
    assert!(earned(&r, "OnTimeRecertification"), "{r}");
}

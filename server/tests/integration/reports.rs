//! The team heatmap: who may see which team, cells against requirements, sorting, filters,
//! and the change counter that keeps an open heatmap live.

use crate::helpers::*;
use app::domain::heatmap::{Cell, Heatmap, SortBy};
use app::domain::talent::TalentResult;
use axum::http::StatusCode;

async fn heatmap(app: &TestApp, cookie: &str, form: &[(&str, &str)]) -> Heatmap {
    let res = app
        .expect("/api/team/heatmap", form, Some(cookie), StatusCode::OK)
        .await;
    res.parse()
}

fn names(h: &Heatmap) -> Vec<String> {
    h.people.iter().map(|p| p.name.clone()).collect()
}

fn cell(h: &Heatmap, person: &str, node: &str) -> Cell {
    let r = names(h).iter().position(|n| n == person).unwrap();
    let c = h.columns.iter().position(|c| c.title == node).unwrap();
    h.cells[r][c]
}

/// The team's change counter.
async fn stamp(app: &TestApp, cookie: &str) -> i64 {
    app.call("/api/team/stamp", &[], Some(cookie)).await.parse()
}

#[tokio::test]
async fn a_manager_sees_the_team_against_its_requirements_live() {
    let app = TestApp::demo().await;
    let grace = app.sign_in(MANAGER, PW).await;
    let h = heatmap(&app, &grace, &[]).await;
    assert_eq!(h.manager, "Grace Okafor");
    let people = names(&h);
    assert_eq!(people.len(), 7, "{people:?}");
    assert!(people
        .windows(2)
        .all(|w| w[0].to_lowercase() <= w[1].to_lowercase()));
    assert!(h.columns.len() >= 10);
    // The new joiner is unrated on everything his position requires.
    assert_eq!(
        cell(&h, "Liam Chen", "Code quality"),
        Cell::Unrated { required: 3 }
    );
    // Demo history shows up: some cells are rated, some expired.
    assert!(
        h.cells
            .iter()
            .flatten()
            .any(|c| matches!(c, Cell::Rated { .. })),
        "{:?}",
        h.cells
    );

    // A rating approved elsewhere: the counter moves and the cell changes.
    let before = stamp(&app, &grace).await;
    let liam = app.person_id(EMPLOYEE).await.to_string();
    let code: i64 = app.node_id("Code quality").await;
    app.rate(
        liam.as_str(),
        &code.to_string(),
        "4",
        &grace,
        StatusCode::OK,
    )
    .await;
    assert!(stamp(&app, &grace).await > before);
    let h = heatmap(&app, &grace, &[]).await;
    assert_eq!(
        cell(&h, "Liam Chen", "Code quality"),
        Cell::Rated {
            required: 3,
            current: 4
        }
    );

    // Largest gap first: the row gaps never increase down the list.
    let h = heatmap(&app, &grace, &[("sort", "gap")]).await;
    assert_eq!(h.sort, SortBy::Gap);
    let gaps: Vec<i64> = h
        .cells
        .iter()
        .map(|row| {
            row.iter()
                .map(|c| match *c {
                    Cell::Unrated { required } | Cell::Expired { required } => i64::from(required),
                    Cell::Rated { required, current } => {
                        (i64::from(required) - i64::from(current)).max(0)
                    }
                    Cell::NotRequired { .. } => 0,
                })
                .sum()
        })
        .collect();
    assert!(gaps.windows(2).all(|w| w[0] >= w[1]), "{gaps:?}");

    // Filter by position.
    let se: i64 =
        sqlx::query_scalar("select id from job_position where title = 'Software Engineer'")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    let h = heatmap(&app, &grace, &[("position", &se.to_string())]).await;
    assert_eq!(names(&h), ["Liam Chen", "Mei Tanaka", "Owen Price"]);
}

#[tokio::test]
async fn indirect_reports_and_who_may_see_a_team() {
    let app = TestApp::demo().await;
    let marcus = app.sign_in(SKIP_MANAGER, PW).await;
    let direct = heatmap(&app, &marcus, &[]).await;
    let all = heatmap(&app, &marcus, &[("all", "1")]).await;
    assert!(names(&all).len() > names(&direct).len());
    assert!(names(&all).contains(&"Liam Chen".to_string()));
    let liam_row = names(&all).iter().position(|n| n == "Liam Chen").unwrap();
    assert!(!all.people[liam_row].direct);

    // Someone else's team: their manager's manager and HR may look; a report may not.
    let grace_id = app.person_id(MANAGER).await.to_string();
    let form = [("manager", grace_id.as_str())];
    assert_eq!(names(&heatmap(&app, &marcus, &form).await).len(), 7);
    let hr = app.sign_in(HR, PW).await;
    assert_eq!(names(&heatmap(&app, &hr, &form).await).len(), 7);
    let liam = app.sign_in(EMPLOYEE, PW).await;
    app.expect(
        "/api/team/heatmap",
        &form,
        Some(&liam),
        StatusCode::NOT_FOUND,
    )
    .await;
    // Without reports: an empty heatmap, not an error.
    assert!(names(&heatmap(&app, &liam, &[]).await).is_empty());
    // Signed out: refused.
    app.expect("/api/team/heatmap", &[], None, StatusCode::UNAUTHORIZED)
        .await;
}

/// Gives `email` a validated manager rating through the API.
async fn rate(app: &TestApp, by: &str, email: &str, node: i64, level: &str) {
    let person = app.person_id(email).await.to_string();
    app.rate(
        person.as_str(),
        &node.to_string(),
        level,
        by,
        StatusCode::OK,
    )
    .await;
}

#[tokio::test]
async fn talent_search_ranks_by_closeness_within_what_the_caller_may_see() {
    let app = TestApp::demo_unrated().await;
    let grace = app.sign_in(MANAGER, PW).await;
    let code = app.node_id("Code quality").await;
    let testing = app.node_id("Testing").await;
    rate(&app, &grace, EMPLOYEE, code, "4").await;
    rate(&app, &grace, EMPLOYEE, testing, "2").await;
    rate(&app, &grace, "mei.tanaka@northwind.example", code, "3").await;
    rate(&app, &grace, "amara.nwosu@northwind.example", code, "5").await;
    rate(&app, &grace, "amara.nwosu@northwind.example", testing, "1").await;
    let kenji_manager = app.sign_in("sofia.lindqvist@northwind.example", PW).await;
    rate(
        &app,
        &kenji_manager,
        "kenji.mori@northwind.example",
        code,
        "5",
    )
    .await;
    rate(
        &app,
        &kenji_manager,
        "kenji.mori@northwind.example",
        testing,
        "4",
    )
    .await;

    let criteria = format!("{code}:3,{testing}:2,:");
    let hr = app.sign_in(HR, PW).await;
    let res = app
        .expect(
            "/api/talent/search",
            &[("criteria", criteria.as_str())],
            Some(&hr),
            StatusCode::OK,
        )
        .await;
    let r: TalentResult = res.parse();
    let names: Vec<&str> = r.candidates.iter().map(|c| c.name.as_str()).collect();
    // Both met (higher levels first), then one met (closest first).
    assert_eq!(
        names,
        ["Kenji Mori", "Liam Chen", "Amara Nwosu", "Mei Tanaka"]
    );
    assert_eq!(r.full_matches, 2);
    assert_eq!(r.candidates[2].levels, [5, 1]);
    assert_eq!(r.candidates[2].shortfall, 1);
    assert_eq!(r.criteria[0].1, "Code quality");

    // A manager finds only their own reports; a unit filter narrows further.
    let res = app
        .call(
            "/api/talent/search",
            &[("criteria", criteria.as_str())],
            Some(&grace),
        )
        .await;
    let r: TalentResult = res.parse();
    assert!(r.candidates.iter().all(|c| c.name != "Kenji Mori"));
    let product: i64 =
        sqlx::query_scalar("select id from org_unit where name = 'Product Engineering'")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    let res = app
        .call(
            "/api/talent/search",
            &[
                ("criteria", criteria.as_str()),
                ("unit", &product.to_string()),
            ],
            Some(&hr),
        )
        .await;
    let r: TalentResult = res.parse();
    assert_eq!(r.candidates.len(), 1);
    assert_eq!(r.candidates[0].name, "Kenji Mori");

    // Someone who has left is never found, and no longer counts as a full match.
    let admin = app.sign_in(ADMIN, PW).await;
    let kenji = app
        .person_id("kenji.mori@northwind.example")
        .await
        .to_string();
    app.set_active(&kenji, "false", &admin, StatusCode::OK)
        .await;
    let r: TalentResult = app
        .call(
            "/api/talent/search",
            &[("criteria", criteria.as_str())],
            Some(&hr),
        )
        .await
        .parse();
    let names: Vec<&str> = r.candidates.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["Liam Chen", "Amara Nwosu", "Mei Tanaka"]);
    assert_eq!(r.full_matches, 1);

    // Bad input names the row; employees may not search.
    let res = app
        .expect(
            "/api/talent/search",
            &[("criteria", &format!("{code}:3,{code}:2"))],
            Some(&hr),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    assert!(res.body.contains("node2"), "{}", res.body);
    app.expect(
        "/api/talent/search",
        &[("criteria", ":")],
        Some(&hr),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    let noah = app.sign_in(OTHER_EMPLOYEE, PW).await;
    app.expect(
        "/api/talent/search",
        &[("criteria", criteria.as_str())],
        Some(&noah),
        StatusCode::FORBIDDEN,
    )
    .await;
}

#[tokio::test]
async fn the_benchmark_generates_an_organisation_and_reports_every_figure() {
    let app = TestApp::empty().await;
    let report = server::bench_org::run(&app.db, 300, 3, 2).await.unwrap();
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["people"], 300);
    let names: Vec<&str> = json["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "org_report",
            "team_heatmap",
            "subtree_heatmap",
            "talent_search",
            "rating_write",
            "org_report_bare_sql"
        ]
    );
    for r in json["results"].as_array().unwrap() {
        assert!(r["p50_ms"].as_f64().unwrap() <= r["p99_ms"].as_f64().unwrap());
    }
    // Everyone is rated on every node of their position (two ratings each, the latest counts).
    let people: i64 = sqlx::query_scalar("select count(*) from person")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(people, 300);
    assert_eq!(report.ratings, 2 * report.current_levels);
    let unrated: i64 = sqlx::query_scalar(
        "select count(*) from person p join position_requirement r on r.position_id = p.position_id \
         where not exists (select 1 from current_level c where c.person_id = p.id and c.node_id = r.node_id)",
    )
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(unrated, 0);
    // The aggregate agrees with the ratings, including the writes the benchmark made.
    let before: Vec<(i64, i64, i64)> =
        sqlx::query_as("select person_id, node_id, level from current_level order by 1, 2")
            .fetch_all(&app.db.pool)
            .await
            .unwrap();
    app::server::ratings::rebuild(&app.db).await.unwrap();
    let after: Vec<(i64, i64, i64)> =
        sqlx::query_as("select person_id, node_id, level from current_level order by 1, 2")
            .fetch_all(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(before, after);
    // So do the org-report counters, after the benchmark's rating writes.
    app::server::stats::sweep(&app.db).await.unwrap();
    let kept = app::server::stats::snapshot(&app.db).await.unwrap();
    app::server::stats::rebuild(&app.db, false).await.unwrap();
    assert_eq!(kept, app::server::stats::snapshot(&app.db).await.unwrap());
    // The org report through the counters equals the bare SQL floor.
    let hr = as_user(1, app::domain::Role::Admin);
    let r = app::server::orgreports::org_report(&app.db, &hr, Some(app::domain::UnitId(1)), None)
        .await
        .unwrap();
    let bare: Vec<(i64, i64, i64, i64, i64)> = sqlx::query_as(server::bench_org::BARE_ORG_REPORT)
        .bind(app::server::now_ms())
        .fetch_all(&app.db.pool)
        .await
        .unwrap();
    let mut compared = 0;
    for row in &r.rows {
        let Some(unit) = row.unit else { continue };
        for (col, cell) in r.columns.iter().zip(&row.cells) {
            let found = bare.iter().find(|b| b.0 == unit.0 && b.1 == col.node.0);
            let want = found.map_or((0, 0, 0), |b| (b.2, b.3, b.4));
            assert_eq!(
                (
                    i64::from(cell.need),
                    i64::from(cell.met),
                    i64::from(cell.gap_sum)
                ),
                want,
                "unit {} node {}",
                unit.0,
                col.node.0
            );
            compared += 1;
        }
    }
    assert!(compared >= 10, "{compared}");
}

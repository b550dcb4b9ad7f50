//! The personal view on "My skills": readiness for the held and the target position, the
//! radar gap chart and the ordered list of gaps, all in the server-rendered page.

use crate::helpers::*;
use app::domain::assess::SkillsPage;
use app::domain::positions::ComparisonPage;
use axum::http::StatusCode;

async fn id_of(app: &TestApp, table_title: (&str, &str)) -> String {
    let (table, title) = table_title;
    let sql = match table {
        "framework_node" => "select id from framework_node where title = $1 order by id",
        _ => "select id from job_position where title = $1 order by id",
    };
    let id: i64 = sqlx::query_scalar(sql)
        .bind(title)
        .fetch_one(&app.db.pool)
        .await
        .unwrap_or_else(|_| panic!("no {table} {title}"));
    id.to_string()
}

/// The part of `html` from `marker` to the end of its element's first `</div>`.
fn part<'a>(html: &'a str, marker: &str) -> &'a str {
    let start = html
        .find(marker)
        .unwrap_or_else(|| panic!("no {marker} in the page"));
    let rest = &html[start..];
    &rest[..rest.find("</div>").unwrap_or(rest.len())]
}

/// The value of `attr` on the tag that holds `marker`.
fn attr_of(html: &str, marker: &str, attr: &str) -> String {
    let at = html
        .find(marker)
        .unwrap_or_else(|| panic!("no {marker} in the page"));
    let start = html[..at].rfind('<').unwrap();
    let tag = &html[start..at + html[at..].find('>').unwrap()];
    let key = format!("{attr}=\"");
    let from = tag
        .find(&key)
        .unwrap_or_else(|| panic!("no {attr} in {tag}"))
        + key.len();
    tag[from..from + tag[from..].find('"').unwrap()].to_string()
}

async fn readiness_on_compare(app: &TestApp, cookie: &str, position: &str) -> u8 {
    let res = app
        .expect(
            "/api/careers/compare",
            &[("position", position)],
            Some(cookie),
            StatusCode::OK,
        )
        .await;
    res.parse::<ComparisonPage>()
        .comparison
        .summary
        .readiness_percent
}

#[tokio::test]
async fn my_skills_shows_both_readiness_figures_a_radar_and_the_gaps_in_order() {
    let app = TestApp::demo().await;
    let grace = app.sign_in(MANAGER, PW).await;
    let liam_id = app.person_id(EMPLOYEE).await.to_string();
    // The manager validates two levels; Liam claims a third that stays pending.
    for (skill, level) in [("Testing", "3"), ("Code quality", "2")] {
        let node = id_of(&app, ("framework_node", skill)).await;
        app.rate(&liam_id, &node, level, &grace, StatusCode::OK)
            .await;
    }
    let liam = app.sign_in(EMPLOYEE, PW).await;
    let design = id_of(&app, ("framework_node", "Software design")).await;
    let key = format!("input[levels][{design}]");
    app.expect(
        "/api/skills/submit",
        &[(key.as_str(), "4"), ("input[comment]", "")],
        Some(&liam),
        StatusCode::OK,
    )
    .await;

    // The figures are the comparison page's, from validated levels only.
    let se = id_of(&app, ("job_position", "Software Engineer")).await;
    let sse = id_of(&app, ("job_position", "Senior Software Engineer")).await;
    let res = app
        .expect("/api/skills/get", &[], Some(&liam), StatusCode::OK)
        .await;
    let page: SkillsPage = res.parse();
    let now = page.current_readiness.as_ref().unwrap().percent;
    let target = page.target_readiness.as_ref().unwrap().percent;
    assert_eq!(now, readiness_on_compare(&app, &liam, &se).await);
    assert_eq!(target, readiness_on_compare(&app, &liam, &sse).await);
    assert!(0 < now && now < 100, "{now}");
    assert!(0 < target && target < now, "{target} vs {now}");
    assert_eq!(
        page.target_readiness.as_ref().unwrap().title,
        "Senior Software Engineer"
    );

    // The server-rendered page: both cards, the target linking to the comparison.
    let res = app.expect_get("/skills", Some(&liam), StatusCode::OK).await;
    let html = &res.body;
    let current_card = part(html, r#"data-testid="readiness-current""#);
    assert!(current_card.contains("Current position"), "{current_card}");
    assert!(current_card.contains(&format!("{now}%")), "{current_card}");
    let target_card = part(html, r#"data-testid="readiness-target""#);
    assert!(
        target_card.contains("Senior Software Engineer"),
        "{target_card}"
    );
    assert!(target_card.contains(&format!("{target}%")), "{target_card}");
    assert!(
        target_card.contains(&format!(r#"href="/careers/compare?position={sse}""#)),
        "{target_card}"
    );

    // Eleven requirements: a radar, one labelled axis each, both polygons, rings numbered.
    let rows = &page.rows;
    assert_eq!(rows.len(), 11);
    assert!(html.contains(r#"data-testid="radar""#));
    assert!(!html.contains(r#"data-testid="gap-bar""#));
    assert_eq!(html.matches(r#"data-testid="gap-axis""#).count(), 11);
    assert!(html.contains(r#"data-testid="radar-required""#));
    let points = attr_of(html, r#"data-testid="radar-current""#, "points");
    assert_eq!(points.split(' ').count(), 11, "{points}");
    // Axis titles carry the levels in words; the pending 4 is what the slider starts at.
    assert!(html.contains("<title>Testing: level 3 of required"));
    assert!(html.contains("<title>Software design: level 4 of required"));
    assert!(html.contains(r#"class="radar-ring-label""#));

    // "Your gaps": validated levels (Software design's pending 4 does not close it),
    // mandatory first, Testing met and absent.
    let list_at = html.find("Your gaps").expect("the gap list");
    let list = &html[list_at..];
    let list = &list[..list.find("</ol>").unwrap()];
    let items: Vec<&str> = list.split(r#"data-testid="gap-item""#).skip(1).collect();
    let gaps = rows.iter().filter(|r| r.current.level < r.required).count();
    assert_eq!(items.len(), gaps);
    assert!(!list.contains("<strong>Testing</strong>"));
    assert!(list.contains("<strong>Software design</strong>"));
    let mandatory: Vec<bool> = items.iter().map(|i| i.contains("Mandatory")).collect();
    assert!(mandatory[0], "mandatory gaps come first");
    assert!(
        mandatory.windows(2).all(|w| w[0] || !w[1]),
        "no mandatory gap after an optional one: {mandatory:?}"
    );

    // The target's fourteen requirements: bars, not a radar.
    let res = app
        .expect_get("/skills?scope=target", Some(&liam), StatusCode::OK)
        .await;
    assert!(!res.body.contains(r#"data-testid="radar""#));
    assert_eq!(res.body.matches(r#"data-testid="gap-bar""#).count(), 14);
    assert!(res.body.contains(&format!("{target}%")));

    // A manager sees the same figures, the target linking to the report's comparison.
    let res = app
        .expect_get(
            &format!("/skills?person={liam_id}"),
            Some(&grace),
            StatusCode::OK,
        )
        .await;
    let card = part(&res.body, r#"data-testid="readiness-target""#);
    assert!(card.contains(&format!("{target}%")), "{card}");
    assert!(
        card.contains(&format!("position={sse}&amp;person={liam_id}")),
        "{card}"
    );
}

//! Self-assessment, manager review (one by one and in bulk), direct ratings, permissions
//! and the append-only history.

use crate::helpers::*;
use app::domain::assess::{
    InboxItem, InboxKind, NodeHistory, PeerRequestView, ReviewItem, SkillRow, SkillsPage,
};
use app::domain::rating::{Review, Source};
use axum::http::StatusCode;

async fn node_id(app: &TestApp, title: &str) -> String {
    app.node_id(title).await.to_string()
}

async fn skills(app: &TestApp, cookie: &str, extra: &[(&str, &str)]) -> SkillsPage {
    let res = app
        .expect("/api/skills/get", extra, Some(cookie), StatusCode::OK)
        .await;
    res.parse()
}

fn row<'a>(page: &'a SkillsPage, title: &str) -> &'a SkillRow {
    page.rows
        .iter()
        .find(|r| r.title == title)
        .unwrap_or_else(|| panic!("no row {title}"))
}

/// The history of `cookie`'s own ratings on `node` (an id).
async fn history(app: &TestApp, cookie: &str, node: &str) -> NodeHistory {
    app.call("/api/skills/history", &[("node", node)], Some(cookie))
        .await
        .parse()
}

/// `cookie`'s inbox.
async fn inbox(app: &TestApp, cookie: &str) -> Vec<InboxItem> {
    app.call("/api/inbox/get", &[], Some(cookie)).await.parse()
}

async fn submit(app: &TestApp, cookie: &str, levels: &[(&str, &str)], comment: &str) -> Res {
    let keys: Vec<String> = levels
        .iter()
        .map(|(n, _)| format!("input[levels][{n}]"))
        .collect();
    let mut form: Vec<(&str, &str)> = keys
        .iter()
        .zip(levels)
        .map(|(k, (_, l))| (k.as_str(), *l))
        .collect();
    form.push(("input[comment]", comment));
    app.call("/api/skills/submit", &form, Some(cookie)).await
}

/// The caller's review queue, limited to the new joiners (the demo's own pending claims
/// from the rest of the team are there too).
async fn queue(app: &TestApp, cookie: &str) -> Vec<ReviewItem> {
    let res = app
        .expect("/api/reviews/queue", &[], Some(cookie), StatusCode::OK)
        .await;
    let all: Vec<ReviewItem> = res.parse();
    all.into_iter()
        .filter(|i| ["Liam Chen", "Noah Fischer"].contains(&i.subject_name.as_str()))
        .collect()
}

/// EMPLOYEE's rating rows.
async fn rating_rows(app: &TestApp) -> Vec<(i64, i64, String, Option<String>)> {
    let liam = app.person_id(EMPLOYEE).await;
    sqlx::query_as("select id, level, source, review from rating where subject_id = $1 order by id")
        .bind(liam)
        .fetch_all(&app.db.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn an_employee_submits_and_the_manager_approves_or_declines() {
    let app = TestApp::demo().await;
    let liam = app.sign_in(EMPLOYEE, PW).await;
    let code = node_id(&app, "Code quality").await;
    let testing = node_id(&app, "Testing").await;
    let design = node_id(&app, "Software design").await;
    lists_the_requirements_unrated(&app, &liam).await;
    bad_input_names_the_field_and_saves_nothing(&app, &liam, &code).await;
    three_changes_are_submitted_as_pending(&app, &liam, &code, &testing, &design).await;
    let (noah, grace, items) = only_managers_in_the_line_see_the_queue(&app).await;
    let code_rating = rating_of(&items, "Code quality");
    only_the_manager_decides_once_and_a_decline_needs_a_reason(
        &app,
        &noah,
        &grace,
        &items,
        &code_rating,
    )
    .await;
    the_page_and_history_show_the_decisions(&app, &liam, &grace, &design).await;
}

/// The page lists the position's requirements, nothing rated yet.
async fn lists_the_requirements_unrated(app: &TestApp, liam: &str) {
    let page = skills(app, liam, &[]).await;
    assert!(page.is_me);
    assert_eq!(page.position_title.as_deref(), Some("Software Engineer"));
    assert_eq!(page.rows.len(), 11);
    assert_eq!(row(&page, "Code quality").current.validated, None);
}

/// Bad input names the field and saves nothing.
async fn bad_input_names_the_field_and_saves_nothing(app: &TestApp, liam: &str, code: &str) {
    let other = node_id(app, "Mathematics").await;
    for (levels, field) in [
        (vec![(code, "6")], format!("levels[{code}]")),
        (vec![(other.as_str(), "2")], format!("levels[{other}]")),
        (vec![(code, "0")], "levels".to_string()),
    ] {
        let res = submit(app, liam, &levels, "")
            .await
            .expect_status(StatusCode::UNPROCESSABLE_ENTITY, "submit");
        assert!(res.body.contains(&field), "{field}: {}", res.body);
    }
    assert!(rating_rows(app).await.is_empty());
}

/// Three changes submitted as pending; an unchanged level is not.
async fn three_changes_are_submitted_as_pending(
    app: &TestApp,
    liam: &str,
    code: &str,
    testing: &str,
    design: &str,
) {
    let res = submit(
        app,
        liam,
        &[
            (code, "3"),
            (testing, "2"),
            (design, "4"),
            (&node_id(app, "Security").await, "0"),
        ],
        "Led the test rewrite",
    )
    .await
    .expect_status(StatusCode::OK, "submit");
    assert_eq!(res.json(), 3);
    let page = skills(app, liam, &[]).await;
    let cq = row(&page, "Code quality");
    assert_eq!(cq.current.pending, Some(3));
    assert_eq!(cq.current.level, 0, "pending does not count");
}

/// The rating id of the queued item on `title`.
fn rating_of(items: &[ReviewItem], title: &str) -> String {
    items
        .iter()
        .find(|i| i.node_title == title)
        .unwrap()
        .rating
        .to_string()
}

/// Only managers in the line see the queue; a colleague's is empty. Hands back the
/// colleague's and the manager's sessions and the manager's queue.
async fn only_managers_in_the_line_see_the_queue(
    app: &TestApp,
) -> (String, String, Vec<ReviewItem>) {
    let noah = app.sign_in(OTHER_EMPLOYEE, PW).await;
    assert!(queue(app, &noah).await.is_empty());
    let grace = app.sign_in(MANAGER, PW).await;
    let items = queue(app, &grace).await;
    assert_eq!(items.len(), 3);
    assert_eq!(items[0].comment, "Led the test rewrite");
    assert!(items[0].direct);
    assert_eq!(items[0].previous, None);
    (noah, grace, items)
}

/// A colleague and HR may not decide; the manager approves one, may not decide it again,
/// and declines another only with a reason.
async fn only_the_manager_decides_once_and_a_decline_needs_a_reason(
    app: &TestApp,
    noah: &str,
    grace: &str,
    items: &[ReviewItem],
    code_rating: &str,
) {
    // A colleague may not decide; HR may not either.
    for who in [noah, app.sign_in(HR, PW).await.as_str()] {
        app.decide_review(code_rating, "approve", who, StatusCode::FORBIDDEN)
            .await;
    }
    // Approve one.
    app.decide_review_saying(code_rating, "approve", "Agreed", grace, StatusCode::OK)
        .await;
    // Deciding it again is refused.
    app.decide_review_saying(code_rating, "decline", "x", grace, StatusCode::CONFLICT)
        .await;
    // Declining needs a reason.
    let design_rating = rating_of(items, "Software design");
    let res = app
        .decide_review(
            design_rating.as_str(),
            "decline",
            grace,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    assert!(res.body.contains("comment"));
    app.decide_review_saying(
        design_rating.as_str(),
        "decline",
        "Let us look at a design together first",
        grace,
        StatusCode::OK,
    )
    .await;
}

/// The page shows the decisions; the history shows the decline; the rating rows kept
/// their levels (append-only).
async fn the_page_and_history_show_the_decisions(
    app: &TestApp,
    liam: &str,
    grace: &str,
    design: &str,
) {
    let page = skills(app, liam, &[]).await;
    assert_eq!(row(&page, "Code quality").current.level, 3);
    assert_eq!(row(&page, "Software design").current.level, 0);
    assert_eq!(row(&page, "Software design").current.pending, None);
    assert_eq!(row(&page, "Testing").current.pending, Some(2));
    assert_eq!(queue(app, grace).await.len(), 1);

    // The history shows the decision; the rating rows kept their levels (append-only).
    let hist = history(app, liam, design).await;
    let e = &hist.entries[0];
    assert_eq!(e.source, Source::SelfRating);
    assert_eq!(e.level, 4);
    assert_eq!(e.review, Some(Review::Declined));
    let decision = e.decision.as_ref().unwrap();
    assert_eq!(decision.0, "Grace Okafor");
    assert_eq!(decision.2, "Let us look at a design together first");
    let rows = rating_rows(app).await;
    assert_eq!(rows.len(), 3);
    assert!(rows
        .iter()
        .any(|r| r.1 == 4 && r.3.as_deref() == Some("declined")));
}

#[tokio::test]
async fn bulk_approval_direct_ratings_and_who_may_rate() {
    let app = TestApp::demo().await;
    let liam = app.sign_in(EMPLOYEE, PW).await;
    let code = node_id(&app, "Code quality").await;
    let testing = node_id(&app, "Testing").await;
    let res = submit(&app, &liam, &[(&code, "3"), (&testing, "4")], "").await;
    assert_eq!(res.json(), 2);

    // The manager's manager reviews too (indirect report), in bulk.
    let marcus = app.sign_in(SKIP_MANAGER, PW).await;
    let items = queue(&app, &marcus).await;
    assert_eq!(items.len(), 2);
    assert!(!items[0].direct);
    let keys: Vec<String> = items.iter().map(|i| format!("ids[{}]", i.rating)).collect();
    let mut form: Vec<(&str, &str)> = keys.iter().map(|k| (k.as_str(), "on")).collect();
    form.push(("decision", "approve"));
    let res = app
        .expect("/api/reviews/decide", &form, Some(&marcus), StatusCode::OK)
        .await;
    assert_eq!(res.json(), 2);
    let page = skills(&app, &liam, &[]).await;
    assert_eq!(row(&page, "Testing").current.level, 4);
    // Nothing ticked: refused.
    app.expect(
        "/api/reviews/decide",
        &[("decision", "approve")],
        Some(&marcus),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;

    // A direct manager rating is validated at once and later than the approval: it wins.
    let grace = app.sign_in(MANAGER, PW).await;
    let liam_id = app.person_id(EMPLOYEE).await.to_string();
    app.expect(
        "/api/skills/rate",
        &[
            ("person", liam_id.as_str()),
            ("node", testing.as_str()),
            ("level", "2"),
            ("comment", "Seen in review"),
        ],
        Some(&grace),
        StatusCode::OK,
    )
    .await;
    let page = skills(&app, &grace, &[("person", liam_id.as_str())]).await;
    assert!(!page.is_me);
    assert!(page.can_rate);
    let t = row(&page, "Testing");
    assert_eq!(t.current.level, 2);
    // Self 4 against manager 2: the views are shown side by side and flagged.
    assert!(t.disagreement);
    assert_eq!(t.by_source, [(Source::SelfRating, 4), (Source::Manager, 2)]);
    // Bad level, and people who may not rate.
    app.rate(
        liam_id.as_str(),
        testing.as_str(),
        "9",
        &grace,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    for who in [
        &liam,
        &app.sign_in(OTHER_EMPLOYEE, PW).await,
        &app.sign_in(ADMIN, PW).await,
    ] {
        app.rate(
            liam_id.as_str(),
            testing.as_str(),
            "1",
            who,
            StatusCode::FORBIDDEN,
        )
        .await;
    }
    // A colleague cannot see Liam's skills or history; HR can, read-only.
    let noah = app.sign_in(OTHER_EMPLOYEE, PW).await;
    app.expect(
        "/api/skills/get",
        &[("person", liam_id.as_str())],
        Some(&noah),
        StatusCode::NOT_FOUND,
    )
    .await;
    app.expect(
        "/api/skills/history",
        &[("node", testing.as_str()), ("person", liam_id.as_str())],
        Some(&noah),
        StatusCode::NOT_FOUND,
    )
    .await;
    let hr = app.sign_in(HR, PW).await;
    let page = skills(&app, &hr, &[("person", liam_id.as_str())]).await;
    assert!(!page.can_rate);

    // History: newest first, the manager rating counts, all three records kept.
    let entries = history(&app, &liam, &testing).await.entries;
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0].source, Source::Manager);
    assert!(entries[0].counts);
    assert_eq!(entries[0].by.as_deref(), Some("Grace Okafor"));
    assert_eq!(entries[1].review, Some(Review::Approved));
    assert!(!entries[1].counts);
}

#[tokio::test]
async fn peers_are_asked_answer_from_home_and_never_count() {
    let app = TestApp::demo().await;
    let liam = app.sign_in(EMPLOYEE, PW).await;
    let code = node_id(&app, "Code quality").await;
    let testing = node_id(&app, "Testing").await;
    let maths = node_id(&app, "Mathematics").await;
    let nodes_form = |peers: &'static str, nodes: &[&String]| {
        let mut f: Vec<(String, String)> = nodes
            .iter()
            .map(|n| (format!("nodes[{n}]"), "on".to_string()))
            .collect();
        f.push(("peers".into(), peers.into()));
        f
    };
    let ask = |cookie: String, form: Vec<(String, String)>| {
        let app = &app;
        async move {
            let pairs: Vec<(&str, &str)> =
                form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            app.call("/api/peers/request", &pairs, Some(&cookie)).await
        }
    };
    let res = ask(
        liam.clone(),
        nodes_form(
            "noah.fischer@northwind.example, AMARA.NWOSU@northwind.example",
            &[&code, &testing],
        ),
    )
    .await
    .expect_status(StatusCode::OK, "ask");
    assert_eq!(res.json(), 4);
    // The same open requests are not repeated.
    let again = ask(
        liam.clone(),
        nodes_form("noah.fischer@northwind.example", &[&code]),
    )
    .await;
    assert_eq!(again.json(), 0);
    // Bad input names the field.
    for (form, field) in [
        (nodes_form("nobody@northwind.example", &[&code]), "peers"),
        (nodes_form("liam.chen@northwind.example", &[&code]), "peers"),
        (nodes_form("", &[&code]), "peers"),
        (
            nodes_form("noah.fischer@northwind.example", &[&maths]),
            "nodes",
        ),
        (nodes_form("noah.fischer@northwind.example", &[]), "nodes"),
    ] {
        let res = ask(liam.clone(), form)
            .await
            .expect_status(StatusCode::UNPROCESSABLE_ENTITY, "ask");
        assert!(
            res.body.contains(&format!("\"{field}\"")),
            "{field}: {}",
            res.body
        );
    }
    // A colleague may not ask on Liam's behalf; his manager may.
    let liam_id = app.person_id(EMPLOYEE).await.to_string();
    let noah = app.sign_in(OTHER_EMPLOYEE, PW).await;
    let mut form = nodes_form("amara.nwosu@northwind.example", &[&code]);
    form.push(("person".into(), liam_id.clone()));
    assert_eq!(
        ask(noah.clone(), form.clone()).await.status,
        StatusCode::FORBIDDEN
    );
    let grace = app.sign_in(MANAGER, PW).await;
    assert_eq!(ask(grace, form).await.json(), 0, "already asked");

    // The peer sees the requests and answers one, declines the other.
    let open: Vec<PeerRequestView> = app.call("/api/peers/open", &[], Some(&noah)).await.parse();
    assert_eq!(open.len(), 2);
    assert_eq!(open[0].subject_name, "Liam Chen");
    assert_eq!(open[0].requested_by.as_deref(), Some("Liam Chen"));
    let first = open[0].id.to_string();
    let second = open[1].id.to_string();
    app.answer_peer(first.as_str(), "9", &noah, StatusCode::UNPROCESSABLE_ENTITY)
        .await;
    // Someone else cannot answer Noah's request.
    let amara = app.sign_in("amara.nwosu@northwind.example", PW).await;
    app.answer_peer(first.as_str(), "4", &amara, StatusCode::NOT_FOUND)
        .await;
    app.expect(
        "/api/peers/answer",
        &[
            ("id", first.as_str()),
            ("level", "4"),
            ("comment", "Great reviews"),
        ],
        Some(&noah),
        StatusCode::OK,
    )
    .await;
    app.answer_peer(first.as_str(), "3", &noah, StatusCode::CONFLICT)
        .await;
    app.expect(
        "/api/peers/decline",
        &[("id", second.as_str())],
        Some(&noah),
        StatusCode::OK,
    )
    .await;
    assert!(app
        .call("/api/peers/open", &[], Some(&noah))
        .await
        .parse::<Vec<PeerRequestView>>()
        .is_empty());

    // Shown beside the other sources; never counted.
    let page = skills(&app, &liam, &[]).await;
    let answered = page
        .rows
        .iter()
        .find(|r| r.by_source == [(Source::Peer, 4)])
        .expect("the peer rating is shown");
    assert_eq!(answered.current.level, 0);
    assert_eq!(answered.current.validated, None);
}

#[tokio::test]
async fn the_inbox_counts_reviews_decisions_and_expiring_levels() {
    let app = TestApp::demo_unrated().await;
    let [liam, grace] = app.sign_in_all([EMPLOYEE, MANAGER]).await;
    let count = |c: String| {
        let app = &app;
        async move { app.call("/api/inbox/count", &[], Some(&c)).await.json() }
    };
    assert_eq!(count(liam.clone()).await, 0);
    let code = node_id(&app, "Code quality").await;
    submit(&app, &liam, &[(&code, "3")], "")
        .await
        .expect_status(StatusCode::OK, "submit");
    // The manager is told a review waits.
    assert_eq!(count(grace.clone()).await, 1);
    let items = inbox(&app, &grace).await;
    assert_eq!(items[0].kind, InboxKind::Reviews);
    assert_eq!(items[0].href, "/reviews");
    let rating = queue(&app, &grace).await[0].rating.to_string();
    app.call(
        "/api/reviews/decide",
        &[
            ("rating", rating.as_str()),
            ("decision", "approve"),
            ("comment", "Well done"),
        ],
        Some(&grace),
    )
    .await;
    assert_eq!(count(grace).await, 0);
    // The employee has an unread decision until they open the inbox.
    assert_eq!(count(liam.clone()).await, 1);
    let items = inbox(&app, &liam).await;
    assert_eq!(items[0].kind, InboxKind::Decision);
    assert!(items[0]
        .text
        .starts_with("Grace Okafor approved your level 3 in Code quality."));
    // Reading the inbox changes nothing; the page then marks it read with a POST.
    assert_eq!(count(liam.clone()).await, 1);
    app.expect("/api/inbox/seen", &[], Some(&liam), StatusCode::OK)
        .await;
    assert_eq!(count(liam.clone()).await, 0);
    // A validated level close to its expiry is announced (and stays until renewed).
    sqlx::query("update framework_node set validity_months = 1 where id = $1")
        .bind(code.parse::<i64>().unwrap())
        .execute(&app.db.pool)
        .await
        .unwrap();
    // Ratings are permanent records (migration 0015): backdating one is fabricating history,
    // which only a fixture under the history unlock may do.
    use app::server::history::{self, Unlock};
    let mut tx = app.db.pool.begin().await.unwrap();
    history::unlock(&mut tx, Unlock::Fixture).await.unwrap();
    sqlx::query("update rating set created_at = created_at - $1 where node_id = $2")
        .bind(20 * 86_400_000i64)
        .bind(code.parse::<i64>().unwrap())
        .execute(&mut *tx)
        .await
        .unwrap();
    history::relock(&mut tx).await.unwrap();
    tx.commit().await.unwrap();
    // The fixture changed what the current levels derive from behind the app's back: rebuild
    // them, as the app keeps them in step with every change it makes itself.
    app::server::ratings::rebuild(&app.db).await.unwrap();
    let items = inbox(&app, &liam).await;
    let expiry = items
        .iter()
        .find(|i| i.kind == InboxKind::Expiry)
        .expect("an expiry notice");
    assert!(
        expiry.text.contains("Code quality expires in"),
        "{expiry:?}"
    );
    assert_eq!(count(liam).await, 1);
}

/// The current-level rows, for comparing the aggregate with a rebuild from the ratings.
async fn current_rows(app: &TestApp) -> Vec<(i64, i64, i64, i64, Option<i64>)> {
    sqlx::query_as(
        "select person_id, node_id, level, rating_id, expires_at from current_level order by person_id, node_id",
    )
    .fetch_all(&app.db.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn the_current_level_aggregate_matches_the_ratings() {
    let app = TestApp::demo().await;
    let demo = current_rows(&app).await;
    assert!(demo.len() > 200, "{}", demo.len());
    let stamp = app::server::ratings::stamp(&app.db).await.unwrap();
    // Approve a claim, rate directly, change a validity period: each keeps it current.
    let liam = app.sign_in(EMPLOYEE, PW).await;
    let code = node_id(&app, "Code quality").await;
    let testing = node_id(&app, "Testing").await;
    submit(&app, &liam, &[(&code, "3"), (&testing, "2")], "").await;
    let grace = app.sign_in(MANAGER, PW).await;
    let items = queue(&app, &grace).await;
    let rating = items
        .iter()
        .find(|i| i.node_title == "Code quality")
        .unwrap()
        .rating
        .to_string();
    app.decide_review(rating.as_str(), "approve", &grace, StatusCode::OK)
        .await;
    let liam_id = app.person_id(EMPLOYEE).await.to_string();
    app.rate(
        liam_id.as_str(),
        testing.as_str(),
        "1",
        &grace,
        StatusCode::OK,
    )
    .await;
    assert!(app::server::ratings::stamp(&app.db).await.unwrap() >= stamp + 2);
    let mine: Vec<_> = current_rows(&app)
        .await
        .into_iter()
        .filter(|r| r.0.to_string() == liam_id)
        .map(|r| (r.1, r.2))
        .collect();
    assert_eq!(
        mine,
        vec![(code.parse().unwrap(), 3), (testing.parse().unwrap(), 1)],
        "the approved claim and the direct rating count; the pending one does not"
    );
    let incremental = current_rows(&app).await;
    app::server::ratings::rebuild(&app.db).await.unwrap();
    assert_eq!(current_rows(&app).await, incremental);
}

/// A long history comes a page at a time, newest first, with plain links to the older
/// pages and back to the newest (they work without JavaScript).
#[tokio::test]
async fn a_long_history_is_paged_newest_first() {
    let app = TestApp::demo().await;
    let [grace, liam] = app.sign_in_all([MANAGER, EMPLOYEE]).await;
    let liam_id = app.person_id(EMPLOYEE).await.to_string();
    let node = node_id(&app, "Testing").await;
    let page_size = app::domain::assess::HISTORY_PAGE as usize;
    let had = history(&app, &liam, &node).await.entries.len();
    for i in 0..page_size + 5 {
        let level = (1 + i % 4).to_string();
        app.rate(&liam_id, &node, &level, &grace, StatusCode::OK)
            .await;
    }
    let total = had + page_size + 5;

    let first = history(&app, &liam, &node).await;
    assert!(first.newest);
    assert_eq!(first.entries.len(), page_size);
    assert!(first.entries[0].counts, "the newest rating counts");
    let cursor = first.older.expect("an older page");
    assert_eq!(cursor, first.entries[page_size - 1].id);

    // The same pages as a browser without JavaScript gets them.
    let html = app
        .expect_get(
            &format!("/skills/history?node={node}"),
            Some(&liam),
            StatusCode::OK,
        )
        .await
        .body;
    let older = format!("/skills/history?node={node}&amp;before={cursor}");
    assert!(html.contains(&older), "a link to the older ratings");
    assert!(!html.contains("Newest ratings"));
    let html = app
        .expect_get(&older.replace("&amp;", "&"), Some(&liam), StatusCode::OK)
        .await
        .body;
    assert!(html.contains("Newest ratings"));
    assert_eq!(
        html.matches("data-testid=\"history-entry\"").count(),
        total - page_size
    );

    let second: NodeHistory = app
        .call(
            "/api/skills/history",
            &[("node", &node), ("before", &cursor.to_string())],
            Some(&liam),
        )
        .await
        .parse();
    assert!(!second.newest);
    assert_eq!(second.older, None, "the last page");
    assert_eq!(second.entries.len(), total - page_size);
    assert!(second.entries.iter().all(|e| !e.counts));
    let ids: Vec<i64> = first
        .entries
        .iter()
        .chain(&second.entries)
        .map(|e| e.id)
        .collect();
    let mut sorted = ids.clone();
    sorted.sort_unstable_by(|a, b| b.cmp(a));
    sorted.dedup();
    assert_eq!(ids.len(), sorted.len(), "no rating shown twice");

    // A cursor from another person's history is refused, naming the field.
    let foreign = app
        .count(format!(
            "select max(id) from rating where subject_id <> {}",
            liam_id
        ))
        .await;
    let res = app
        .call(
            "/api/skills/history",
            &[("node", &node), ("before", &foreign.to_string())],
            Some(&liam),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.invalid().field, "before");
}

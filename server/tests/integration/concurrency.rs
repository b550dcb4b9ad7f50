//! Concurrent write transactions: the read-then-write kind the app runs (a manager
//! approving a self-rating reads it, checks it is still pending, then updates it and the
//! current-level aggregate) must queue behind each other, not fail. On SQLite a deferred
//! `BEGIN` made the loser of such a race fail at once with SQLITE_BUSY; `Db::begin_write`
//! starts them with `BEGIN IMMEDIATE`.

use crate::helpers::*;
use app::domain::{NodeId, PersonId, Role};
use app::server::assess;
use std::sync::Arc;

/// (manager, report, node the report's position requires), one per report where possible.
async fn rateable(app: &TestApp) -> Vec<(i64, i64, i64)> {
    let rows: Vec<(i64, i64, i64)> = sqlx::query_as(
        "select p.manager_id, p.id, r.node_id from person p \
         join position_requirement r on r.position_id = p.position_id \
         where p.manager_id is not null and p.active = 1 order by p.id, r.node_id",
    )
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    // Distinct reports first, then further nodes of the same reports.
    let mut seen = std::collections::HashSet::new();
    let (mut first, mut rest): (Vec<_>, Vec<_>) = (Vec::new(), Vec::new());
    for r in rows {
        if seen.insert(r.1) {
            first.push(r);
        } else {
            rest.push(r);
        }
    }
    first.extend(rest);
    first
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_read_then_write_transactions_all_succeed() {
    const N: usize = 16;
    let app = TestApp::demo().await;
    let picks: Vec<(i64, i64, i64)> = rateable(&app).await.into_iter().take(N).collect();
    assert_eq!(picks.len(), N);
    // One pending self-rating per pick, for its manager to approve.
    let mut pending = Vec::new();
    for (_, report, node) in &picks {
        let id: i64 = sqlx::query_scalar(
            "insert into rating (subject_id, node_id, level, source, given_by, comment, created_at, review) \
             values ($1, $2, 1, 'self', $1, 'concurrency test', $3, 'pending') returning id",
        )
        .bind(report)
        .bind(node)
        .bind(app::server::now_ms())
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
        pending.push(id);
    }

    // 16 approvals (read, check, update) and 16 direct manager ratings, all released at once.
    let start = Arc::new(tokio::sync::Barrier::new(2 * N));
    let mut tasks = tokio::task::JoinSet::new();
    for (i, (manager, report, node)) in picks.iter().copied().enumerate() {
        let me = as_user(manager, Role::Employee);
        let (db, go, rating) = (app.db.clone(), start.clone(), pending[i]);
        tasks.spawn(async move {
            go.wait().await;
            assess::decide(&db, &me, &[rating], "approve", "")
                .await
                .map(|_| ())
                .map_err(|e| format!("approval of rating {rating}: {e:?}"))
        });
        let me = as_user(manager, Role::Employee);
        let (db, go) = (app.db.clone(), start.clone());
        tasks.spawn(async move {
            go.wait().await;
            assess::rate(
                &db,
                &me,
                PersonId(report),
                NodeId(node),
                "2",
                "concurrent rating",
            )
            .await
            .map_err(|e| format!("rating of {report} on {node}: {e:?}"))
        });
    }
    let mut failures = Vec::new();
    while let Some(done) = tasks.join_next().await {
        if let Err(e) = done.expect("task ran") {
            failures.push(e);
        }
    }
    assert!(
        failures.is_empty(),
        "{} failed: {failures:#?}",
        failures.len()
    );

    // Every write landed, and the aggregate and the counters agree with the ratings.
    assert_eq!(
        app.count("select count(*) from rating where comment = 'concurrency test' and review = 'approved'")
            .await,
        N as i64
    );
    assert_eq!(
        app.count("select count(*) from rating where comment = 'concurrent rating' and source = 'manager'")
            .await,
        N as i64
    );
    let rows = "select person_id, node_id, level, rating_id from current_level order by 1, 2";
    let kept: Vec<(i64, i64, i64, i64)> =
        sqlx::query_as(rows).fetch_all(&app.db.pool).await.unwrap();
    app::server::ratings::rebuild(&app.db).await.unwrap();
    let rebuilt: Vec<(i64, i64, i64, i64)> =
        sqlx::query_as(rows).fetch_all(&app.db.pool).await.unwrap();
    assert_eq!(kept, rebuilt);
    let at: i64 =
        sqlx::query_scalar("select value from change_counter where name = 'expiry_swept'")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    crate::orgreports::assert_counters_match_a_rebuild(&app, at, "after concurrent writes").await;
}

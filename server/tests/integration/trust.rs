//! Trust: ratings and evidence the database itself keeps.

use crate::helpers::*;
use axum::http::StatusCode;

/// Runs one statement straight against the database (no application code in between).
async fn raw(app: &TestApp, sql: &str) -> Result<u64, sqlx::Error> {
    sqlx::query(sqlx::AssertSqlSafe(sql.to_string()))
        .execute(&app.db.pool)
        .await
        .map(|r| r.rows_affected())
}

async fn one(app: &TestApp, sql: &str) -> i64 {
    app.count(sql).await
}

/// A fresh self-rating awaiting review, for Liam on a rateable node.
async fn pending_rating(app: &TestApp) -> i64 {
    let liam = app.person_id(EMPLOYEE).await;
    let node = one(
        app,
        "select min(id) from framework_node where kind in ('competency', 'skill')",
    )
    .await;
    sqlx::query_scalar(
        "insert into rating (subject_id, node_id, level, source, given_by, comment, created_at, review) \
         values ($1, $2, 2, 'self', $1, 'I think so', 1, 'pending') returning id",
    )
    .bind(liam)
    .bind(node)
    .fetch_one(&app.db.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn the_database_refuses_to_delete_or_rewrite_ratings_and_evidence() {
    let app = TestApp::demo().await;
    let rating = one(&app, "select min(id) from rating").await;
    let evidence = one(&app, "select min(id) from evidence").await;
    let ratings = one(&app, "select count(*) from rating").await;
    for sql in [
        format!("delete from rating where id = {rating}"),
        "delete from rating".to_string(),
        format!("update rating set comment = 'rewritten' where id = {rating}"),
        format!("update rating set level = 0 where id = {rating}"),
        format!("update rating set created_at = created_at + 1 where id = {rating}"),
        format!("update rating set given_by = null where id = {rating}"),
        format!("update rating set subject_id = subject_id + 1 where id = {rating}"),
        format!("delete from evidence where id = {evidence}"),
        format!("update evidence set name = 'other.pdf' where id = {evidence}"),
        format!("update evidence set rating_id = rating_id + 1 where id = {evidence}"),
    ] {
        assert!(raw(&app, &sql).await.is_err(), "{sql} was allowed");
    }
    if std::env::var("PROFICIO_TEST_BACKEND").as_deref() == Ok("postgres") {
        assert!(raw(&app, "truncate rating cascade").await.is_err());
    }
    assert_eq!(one(&app, "select count(*) from rating").await, ratings);
    let comment: String = sqlx::query_scalar("select comment from rating where id = $1")
        .bind(rating)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_ne!(comment, "rewritten");
    // A no-op update changes nothing and is not an error.
    assert!(raw(&app, &format!("update rating set level = level where id = {rating}"))
        .await
        .is_ok());
}

#[tokio::test]
async fn a_review_is_decided_once_and_never_changed() {
    let app = TestApp::demo().await;
    let id = pending_rating(&app).await;
    let grace = app.person_id(MANAGER).await;
    // Pending stays pending: touching the review fields alone is refused.
    assert!(raw(&app, &format!("update rating set reviewed_by = {grace} where id = {id}"))
        .await
        .is_err());
    assert!(raw(&app, &format!("update rating set review = 'bogus' where id = {id}"))
        .await
        .is_err());
    assert!(raw(&app, &format!("update rating set review = null where id = {id}"))
        .await
        .is_err());
    // Decided once.
    let set = format!(
        "update rating set review = 'approved', reviewed_by = {grace}, reviewed_at = 5, \
         review_comment = 'Agreed' where id = {id}"
    );
    assert_eq!(raw(&app, &set).await.unwrap(), 1);
    // And never again, in any field.
    for sql in [
        format!("update rating set review = 'declined' where id = {id}"),
        format!("update rating set review = 'pending' where id = {id}"),
        format!("update rating set review_comment = 'Changed my mind' where id = {id}"),
        format!("update rating set reviewed_by = null where id = {id}"),
        format!("update rating set reviewed_at = 6 where id = {id}"),
    ] {
        assert!(raw(&app, &sql).await.is_err(), "{sql} was allowed");
    }
    let (review, comment): (String, String) =
        sqlx::query_as("select review, review_comment from rating where id = $1")
            .bind(id)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!((review.as_str(), comment.as_str()), ("approved", "Agreed"));
    // Through the application, a second decision is a conflict, not an error.
    let cookie = app.sign_in(MANAGER, PW).await;
    let res = app
        .call(
            "/api/reviews/decide",
            &[("rating", &id.to_string()), ("decision", "decline"), ("comment", "x")],
            Some(&cookie),
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.body);
}

#[tokio::test]
async fn evidence_is_verified_once() {
    let app = TestApp::demo().await;
    let id = one(&app, "select min(id) from evidence where verified_at is null").await;
    let grace = app.person_id(MANAGER).await;
    assert_eq!(
        raw(
            &app,
            &format!("update evidence set verified_by = {grace}, verified_at = 7 where id = {id}")
        )
        .await
        .unwrap(),
        1
    );
    assert!(raw(&app, &format!("update evidence set verified_at = 8 where id = {id}"))
        .await
        .is_err());
}

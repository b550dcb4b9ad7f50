//! Trust: ratings and evidence the database itself keeps, the audit log, and a person's
//! data export and erasure.

use crate::helpers::*;
use app::domain::audit::AuditPage;
use app::server::Settings;
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

/// The admin `cookie` gives person `id` (named `name`, signing in as `email`, an employee
/// with no unit) the job title `job_title`, keeping their manager.
async fn retitle(app: &TestApp, cookie: &str, id: i64, name: &str, email: &str, job_title: &str) {
    let manager_email: Option<String> = sqlx::query_scalar(
        "select m.email from person p join person m on m.id = p.manager_id where p.id = $1",
    )
    .bind(id)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    let id = id.to_string();
    let res = app
        .call(
            "/api/people/update",
            &[
                ("id", id.as_str()),
                ("input[name]", name),
                ("input[email]", email),
                ("input[job_title]", job_title),
                ("input[role]", "employee"),
                ("input[unit_id]", ""),
                (
                    "input[manager_email]",
                    manager_email.as_deref().unwrap_or(""),
                ),
                ("input[password]", ""),
            ],
            Some(cookie),
        )
        .await;
    assert!(
        res.status.is_success() || res.status.is_redirection(),
        "{}",
        res.body
    );
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
    assert!(raw(
        &app,
        &format!("update rating set level = level where id = {rating}")
    )
    .await
    .is_ok());
}

#[tokio::test]
async fn a_review_is_decided_once_and_never_changed() {
    let app = TestApp::demo().await;
    let id = pending_rating(&app).await;
    let grace = app.person_id(MANAGER).await;
    // Pending stays pending: touching the review fields alone is refused.
    assert!(raw(
        &app,
        &format!("update rating set reviewed_by = {grace} where id = {id}")
    )
    .await
    .is_err());
    assert!(raw(
        &app,
        &format!("update rating set review = 'bogus' where id = {id}")
    )
    .await
    .is_err());
    assert!(raw(
        &app,
        &format!("update rating set review = null where id = {id}")
    )
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
    app.decide_review_saying(
        &id.to_string(),
        "decline",
        "x",
        &cookie,
        StatusCode::CONFLICT,
    )
    .await;
}

#[tokio::test]
async fn evidence_is_verified_once() {
    let app = TestApp::demo().await;
    let id = one(
        &app,
        "select min(id) from evidence where verified_at is null",
    )
    .await;
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
    assert!(raw(
        &app,
        &format!("update evidence set verified_at = 8 where id = {id}")
    )
    .await
    .is_err());
}

#[tokio::test]
async fn the_demo_wipe_still_empties_everything_and_history_locks_again() {
    let app = TestApp::demo().await;
    let admin = app.sign_in(ADMIN, PW).await;
    // An audit entry exists to be wiped too.
    app.expect(
        "/api/units/create",
        &[("name", "Wipe me"), ("parent_id", "")],
        Some(&admin),
        StatusCode::OK,
    )
    .await;
    assert!(one(&app, "select count(*) from audit_log").await > 0);
    app::server::demo::wipe(&app.db).await.expect("wipe works");
    for table in [
        "rating",
        "evidence",
        "audit_log",
        "person",
        "history_unlock",
    ] {
        assert_eq!(
            one(&app, &format!("select count(*) from {table}")).await,
            0,
            "{table}"
        );
    }
    // The unlock ended with the wipe: new history is protected again.
    app::server::demo::load(&app.db, &app.state.settings.upload_dir)
        .await
        .expect("demo loads again");
    assert!(raw(&app, "delete from rating").await.is_err());
}

#[tokio::test]
async fn the_audit_log_is_append_only() {
    let app = TestApp::demo().await;
    let admin = app.sign_in(ADMIN, PW).await;
    app.create_unit("Labs", "", &admin, StatusCode::OK).await;
    assert!(raw(&app, "update audit_log set action = 'nothing'")
        .await
        .is_err());
    assert!(raw(&app, "delete from audit_log").await.is_err());
}

#[tokio::test]
async fn an_admin_change_is_recorded_with_before_and_after() {
    let app = TestApp::demo().await;
    let admin = app.sign_in(ADMIN, PW).await;
    let noah = app.person_id(OTHER_EMPLOYEE).await;
    let (name, title): (String, String) =
        sqlx::query_as("select name, job_title from person where id = $1")
            .bind(noah)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    retitle(
        &app,
        &admin,
        noah,
        &name,
        OTHER_EMPLOYEE,
        "Principal Payroll Analyst",
    )
    .await;
    let id = noah.to_string();
    let res = app
        .expect(
            "/api/audit/list",
            &[("filter[entity]", "person"), ("page", "1")],
            Some(&admin),
            StatusCode::OK,
        )
        .await;
    let page: AuditPage = res.parse();
    let entry = page
        .entries
        .iter()
        .find(|e| e.entity_id == id && e.action == "update")
        .unwrap_or_else(|| panic!("no entry: {page:?}"));
    let before: serde_json::Value = serde_json::from_str(&entry.before).unwrap();
    let after: serde_json::Value = serde_json::from_str(&entry.after).unwrap();
    assert_eq!(before["job_title"], title.as_str());
    assert_eq!(after["job_title"], "Principal Payroll Analyst");
    assert!(before.get("password_hash").is_none());
    assert_eq!(entry.actor, "Priya Raman");
}

#[tokio::test]
async fn only_admins_read_the_audit_log_and_personal_data() {
    let app = TestApp::demo().await;
    let noah = app.person_id(OTHER_EMPLOYEE).await.to_string();
    for who in [EMPLOYEE, HR, MANAGER, SKIP_MANAGER] {
        let cookie = app.sign_in(who, PW).await;
        let res = app.call("/api/audit/list", &[], Some(&cookie)).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{who}: {}", res.body);
        let res = app.get("/admin/audit.csv", Some(&cookie)).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{who}");
        let res = app
            .get(&format!("/people/{noah}/data.json"), Some(&cookie))
            .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{who}");
        let res = app
            .call("/api/people/erase", &[("id", &noah)], Some(&cookie))
            .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{who}");
        // The page itself shows the refusal.
        let res = app.get("/admin/audit", Some(&cookie)).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{who}");
    }
    app.expect("/api/audit/list", &[], None, StatusCode::UNAUTHORIZED)
        .await;
    // Downloads answer a signed-out browser with the way to the sign-in page.
    for path in [
        "/admin/audit.csv".to_string(),
        format!("/people/{noah}/data.json"),
    ] {
        let res = app.get(&path, None).await;
        assert!(
            matches!(res.status, StatusCode::UNAUTHORIZED | StatusCode::SEE_OTHER),
            "{path}: {}",
            res.status
        );
        assert!(!res.body.contains("entity_id") && !res.body.contains(OTHER_EMPLOYEE));
    }
    assert_eq!(
        app.count(format!(
            "select count(*) from person where id = {noah} and active = 1"
        ))
        .await,
        1
    );
}

#[tokio::test]
async fn the_audit_log_filters_by_actor_entity_and_days_and_exports_safe_csv() {
    let app = TestApp::demo().await;
    let [admin, grace] = app.sign_in_all([ADMIN, MANAGER]).await;
    app.create_unit("Research", "", &admin, StatusCode::OK)
        .await;
    let liam = app.person_id(EMPLOYEE).await.to_string();
    let node = one(
        &app,
        "select min(id) from framework_node where kind in ('competency', 'skill')",
    )
    .await
    .to_string();
    app.expect(
        "/api/skills/rate",
        &[
            ("person", &liam),
            ("node", &node),
            ("level", "2"),
            ("comment", "Solid"),
        ],
        Some(&grace),
        StatusCode::OK,
    )
    .await;
    let list = |form: Vec<(&'static str, String)>| {
        let app = &app;
        let admin = admin.clone();
        async move {
            let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let res = app
                .expect("/api/audit/list", &pairs, Some(&admin), StatusCode::OK)
                .await;
            res.parse::<AuditPage>()
        }
    };
    let all = list(vec![]).await;
    assert_eq!(all.total, 2, "{all:?}");
    // Newest first: the manager's rating came last.
    assert_eq!(all.entries[0].entity, "rating");
    assert_eq!(all.entries[0].actor, "Grace Okafor");
    let grace_id = app.person_id(MANAGER).await.to_string();
    let by_grace = list(vec![("filter[actor]", grace_id)]).await;
    assert_eq!(by_grace.total, 1);
    assert_eq!(by_grace.entries[0].action, "rate");
    let units = list(vec![("filter[entity]", "org_unit".into())]).await;
    assert_eq!(units.total, 1);
    assert!(units.entries[0].after.contains("Research"));
    let today = app::domain::develop::date_of(app::server::now_ms());
    let day = 86_400_000;
    let tomorrow = app::domain::develop::date_of(app::server::now_ms() + day);
    let yesterday = app::domain::develop::date_of(app::server::now_ms() - day);
    let todays = list(vec![
        ("filter[from]", today.clone()),
        ("filter[to]", today.clone()),
    ])
    .await;
    assert_eq!(todays.total, 2);
    let later = list(vec![("filter[from]", tomorrow)]).await;
    assert_eq!(later.total, 0);
    assert_eq!(later.entries.len(), 0);
    let earlier = list(vec![("filter[to]", yesterday)]).await;
    assert_eq!(earlier.total, 0);
    // A bad date names its field.
    let res = app
        .expect(
            "/api/audit/list",
            &[("filter[from]", "someday")],
            Some(&admin),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    assert!(res.body.contains("from"), "{}", res.body);
    // The CSV: the same filter, and formula cells neutralised.
    sqlx::query(
        "insert into audit_log (at, actor_id, action, entity, entity_id) values ($1, null, '=HYPERLINK(\"x\")', 'probe', '@1')",
    )
    .bind(app::server::now_ms())
    .execute(&app.db.pool)
    .await
    .unwrap();
    let res = app
        .expect_get(
            "/admin/audit.csv?entity=probe",
            Some(&admin),
            StatusCode::OK,
        )
        .await;
    assert!(res.headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let mut rdr = csv::Reader::from_reader(res.body.as_bytes());
    let rows: Vec<csv::StringRecord> = rdr.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 1, "{}", res.body);
    assert_eq!(&rows[0][3], "'=HYPERLINK(\"x\")");
    assert_eq!(&rows[0][5], "'@1");
    assert_eq!(&rows[0][2], "System");
    let res = app
        .get(
            &format!("/admin/audit.csv?actor={}", app.person_id(MANAGER).await),
            Some(&admin),
        )
        .await;
    assert_eq!(res.body.lines().count(), 2, "{}", res.body);
    // The page renders for the admin, with the entries.
    let res = app
        .expect_get("/admin/audit", Some(&admin), StatusCode::OK)
        .await;
    assert!(res.body.contains("Research"));
}

#[tokio::test]
async fn an_empty_audit_log_says_so() {
    let app = TestApp::demo().await;
    let admin = app.sign_in(ADMIN, PW).await;
    let res = app
        .expect_get("/admin/audit", Some(&admin), StatusCode::OK)
        .await;
    assert!(res.body.contains("Nothing recorded yet"), "{}", res.body);
}

/// A demo person with ratings and evidence files: (id, name, e-mail).
async fn rated_person_with_files(app: &TestApp) -> (i64, String, String) {
    sqlx::query_as(
        "select p.id, p.name, p.email from person p where p.role = 'employee' and exists \
         (select 1 from evidence e join rating r on r.id = e.rating_id where r.subject_id = p.id and e.kind = 'file') \
         order by p.id limit 1",
    )
    .fetch_one(&app.db.pool)
    .await
    .expect("a demo person with evidence files")
}

#[tokio::test]
async fn an_admin_exports_everything_held_about_a_person() {
    let app = TestApp::demo().await;
    let admin = app.sign_in(ADMIN, PW).await;
    let (id, name, email) = rated_person_with_files(&app).await;
    let res = app
        .expect_get(
            &format!("/people/{id}/data.json"),
            Some(&admin),
            StatusCode::OK,
        )
        .await;
    assert!(res.headers["content-disposition"]
        .to_str()
        .unwrap()
        .contains("attachment"));
    let doc = res.json();
    assert_eq!(doc["profile"]["name"], name.as_str());
    assert_eq!(doc["profile"]["email"], email.as_str());
    assert!(!doc["ratings_received"].as_array().unwrap().is_empty());
    assert!(!doc["evidence"].as_array().unwrap().is_empty());
    for section in [
        "positions",
        "ratings_given",
        "plan",
        "goals",
        "points",
        "badges",
        "sessions",
    ] {
        assert!(doc[section].is_array(), "{section} missing");
    }
    assert!(!res.body.contains("password_hash") && !res.body.contains("$argon2"));
    assert_eq!(
        app.count(format!(
            "select count(*) from audit_log where action = 'export' and entity_id = '{id}'"
        ))
        .await,
        1
    );
    app.expect_get(
        "/people/999999/data.json",
        Some(&admin),
        StatusCode::NOT_FOUND,
    )
    .await;
}

/// Every text column of every table, from the schema itself.
async fn text_columns(app: &TestApp) -> Vec<(String, String)> {
    if std::env::var("PROFICIO_TEST_BACKEND").as_deref() == Ok("postgres") {
        sqlx::query_as(
            "select table_name::text, column_name::text from information_schema.columns \
             where table_schema = 'public' and data_type in ('text', 'character varying')",
        )
        .fetch_all(&app.db.pool)
        .await
        .unwrap()
    } else {
        sqlx::query_as(
            "select m.name, c.name from sqlite_master m join pragma_table_info(m.name) c \
             where m.type = 'table' and upper(c.type) in ('TEXT', '') ",
        )
        .fetch_all(&app.db.pool)
        .await
        .unwrap()
    }
}

#[tokio::test]
async fn erasure_leaves_the_name_and_address_nowhere_and_keeps_the_figures() {
    let uploads = tempfile::tempdir().unwrap();
    let settings = Settings {
        upload_dir: uploads.path().to_path_buf(),
        ..Settings::default()
    };
    let app = TestApp::demo_with(settings).await;
    let admin = app.sign_in(ADMIN, PW).await;
    let (id, name, email) = rated_person_with_files(&app).await;
    let sid = id.to_string();
    // Their own session, and audit entries that name them.
    let theirs = app.sign_in(&email, PW).await;
    retitle(&app, &admin, id, &name, email.as_str(), "Renamed title").await;
    someone_else_names_them_in_a_comment(&app, &name, &email).await;
    let (files, ratings, levels) = their_files_and_figures(&app, uploads.path(), id).await;

    app.expect(
        "/api/people/erase",
        &[("id", &sid)],
        Some(&admin),
        StatusCode::OK,
    )
    .await;

    nothing_anywhere_holds_the_name_or_the_address(&app, &name, &email).await;
    let new_email = the_person_is_blanked(&app, id).await;
    the_ratings_stay_as_figures_without_their_words(&app, id, ratings, levels).await;
    files_sessions_and_history_unlocks_are_gone(&app, uploads.path(), &files, &theirs, id).await;
    the_erased_cannot_sign_in_nor_be_erased_again(&app, &admin, &new_email, &sid).await;
}

/// Someone else wrote their name and address in a comment.
async fn someone_else_names_them_in_a_comment(app: &TestApp, name: &str, email: &str) {
    let other = app.person_id(OTHER_EMPLOYEE).await;
    let node = one(
        app,
        "select min(id) from framework_node where kind = 'skill'",
    )
    .await;
    sqlx::query(
        "insert into rating (subject_id, node_id, level, source, given_by, comment, created_at) \
         values ($1, $2, 1, 'peer', $1, $3, 1)",
    )
    .bind(other)
    .bind(node)
    .bind(format!("Learnt this from {name}, ask {email}"))
    .execute(&app.db.pool)
    .await
    .unwrap();
}

/// Before the erasure: their uploaded files (all on disk), and how many ratings and
/// current levels they have.
async fn their_files_and_figures(
    app: &TestApp,
    uploads: &std::path::Path,
    id: i64,
) -> (Vec<String>, i64, i64) {
    let files: Vec<String> = sqlx::query_scalar(
        "select e.location from evidence e join rating r on r.id = e.rating_id \
         where r.subject_id = $1 and e.kind = 'file'",
    )
    .bind(id)
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    assert!(files.iter().all(|f| uploads.join(f).exists()));
    let ratings = app
        .count(format!(
            "select count(*) from rating where subject_id = {id}"
        ))
        .await;
    let levels = app
        .count(format!(
            "select count(*) from current_level where person_id = {id}"
        ))
        .await;
    (files, ratings, levels)
}

/// Nothing anywhere holds the name or the address: no text column of any table.
async fn nothing_anywhere_holds_the_name_or_the_address(app: &TestApp, name: &str, email: &str) {
    let lname = name.to_lowercase();
    let lemail = email.to_lowercase();
    let columns = text_columns(app).await;
    assert!(columns.iter().any(|(t, _)| t == "audit_log"));
    for (table, column) in &columns {
        let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "select count(*) from {table} where lower({column}) like $1 or lower({column}) like $2"
        )))
        .bind(format!("%{lname}%"))
        .bind(format!("%{lemail}%"))
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
        assert_eq!(n, 0, "{table}.{column} still names the erased person");
    }
}

/// The person's row is blanked: a placeholder name and address, inactive, no password,
/// no title. Hands back the placeholder address.
async fn the_person_is_blanked(app: &TestApp, id: i64) -> String {
    let (new_name, new_email, active, hash, title): (String, String, i64, Option<String>, String) =
        sqlx::query_as(
            "select name, email, active, password_hash, job_title from person where id = $1",
        )
        .bind(id)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(new_name, format!("Erased person #{id}"));
    assert!(new_email.ends_with(".invalid"));
    assert_eq!((active, hash, title.as_str()), (0, None, ""));
    new_email
}

/// Ratings stay as figures, their words go.
async fn the_ratings_stay_as_figures_without_their_words(
    app: &TestApp,
    id: i64,
    ratings: i64,
    levels: i64,
) {
    assert_eq!(
        app.count(format!(
            "select count(*) from rating where subject_id = {id}"
        ))
        .await,
        ratings
    );
    assert_eq!(
        app.count(format!(
            "select count(*) from current_level where person_id = {id}"
        ))
        .await,
        levels
    );
    assert_eq!(
        app.count(format!(
            "select count(*) from rating where subject_id = {id} and (comment <> '' or review_comment <> '')"
        ))
        .await,
        0
    );
}

/// Files gone, sessions ended, erasure recorded, history locked again.
async fn files_sessions_and_history_unlocks_are_gone(
    app: &TestApp,
    uploads: &std::path::Path,
    files: &[String],
    theirs: &str,
    id: i64,
) {
    assert!(files.iter().all(|f| !uploads.join(f).exists()));
    assert_eq!(app.whoami(theirs).await, None);
    assert_eq!(
        app.count(format!(
            "select count(*) from session where person_id = {id}"
        ))
        .await,
        0
    );
    assert_eq!(
        app.count(format!(
            "select count(*) from audit_log where action = 'erase' and entity_id = '{id}'"
        ))
        .await,
        1
    );
    assert_eq!(app.count("select count(*) from history_unlock").await, 0);
    assert!(
        raw(app, &format!("delete from rating where subject_id = {id}"))
            .await
            .is_err()
    );
}

/// The erased person cannot sign in, erasing twice is refused, and an admin cannot erase
/// themself.
async fn the_erased_cannot_sign_in_nor_be_erased_again(
    app: &TestApp,
    admin: &str,
    new_email: &str,
    sid: &str,
) {
    let res = app
        .call(
            "/api/sign_in",
            &[("email", new_email), ("password", PW), ("next", "")],
            None,
        )
        .await;
    assert!(res.session_cookie().is_none());
    app.expect(
        "/api/people/erase",
        &[("id", sid)],
        Some(admin),
        StatusCode::CONFLICT,
    )
    .await;
    // An admin cannot erase themself.
    let me = app.person_id(ADMIN).await.to_string();
    app.expect(
        "/api/people/erase",
        &[("id", &me)],
        Some(admin),
        StatusCode::CONFLICT,
    )
    .await;
}

#[tokio::test]
async fn the_person_page_offers_export_and_erasure_to_admins_only() {
    let app = TestApp::demo().await;
    let liam = app.person_id(EMPLOYEE).await;
    let admin = app.sign_in(ADMIN, PW).await;
    let res = app
        .expect_get(&format!("/people/{liam}"), Some(&admin), StatusCode::OK)
        .await;
    assert!(res.body.contains(&format!("/people/{liam}/data.json")));
    assert!(res.body.contains("Erase this person"));
    // What the person changed, in the audit log (the navigation no longer lists the log on
    // every page: it is under Administration).
    assert!(res
        .body
        .contains(&format!("href=\"/admin/audit?actor={liam}\"")));
    let grace = app.sign_in(MANAGER, PW).await;
    let res = app
        .expect_get(&format!("/people/{liam}"), Some(&grace), StatusCode::OK)
        .await;
    assert!(!res.body.contains("data.json") && !res.body.contains("Erase this person"));
    assert!(!res.body.contains("href=\"/admin/audit"));
}

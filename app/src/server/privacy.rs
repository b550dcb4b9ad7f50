//! A person's rights over their data: everything Proficio holds about them in one JSON
//! file, and erasure on request (pseudonymisation: the person row stays, so ratings and
//! figures keep their meaning, but nothing in it or around it names them any more).
//! Both are admin actions, recorded in the audit log.

use super::history::{self, Unlock};
use super::{audit, now_ms, AppState, Db};
use crate::api::AppError;
use crate::domain::{CurrentUser, PersonId};
use serde_json::{json, Map, Value};
use sqlx::{Any, Executor, Row as _};

/// A row as a JSON object, whatever its columns (integers, reals and text).
fn row_json(row: &sqlx::any::AnyRow) -> Value {
    use sqlx::Column as _;
    let mut obj = Map::new();
    for (i, col) in row.columns().iter().enumerate() {
        let v = if let Ok(v) = row.try_get::<Option<i64>, _>(i) {
            v.map(Value::from).unwrap_or(Value::Null)
        } else if let Ok(v) = row.try_get::<Option<String>, _>(i) {
            v.map(Value::from).unwrap_or(Value::Null)
        } else if let Ok(v) = row.try_get::<Option<f64>, _>(i) {
            v.map(Value::from).unwrap_or(Value::Null)
        } else {
            Value::Null
        };
        obj.insert(col.name().to_string(), v);
    }
    Value::Object(obj)
}

/// Every row `sql` (with `$1` = the person's id) returns, as JSON objects.
async fn rows<'e, E>(exec: E, sql: &'static str, id: i64) -> Result<Value, AppError>
where
    E: Executor<'e, Database = Any>,
{
    let rows = sqlx::query::<Any>(sql).bind(id).fetch_all(exec).await?;
    Ok(Value::Array(rows.iter().map(row_json).collect()))
}

/// What the export holds, section by section: the name in the file and the query (`$1` is
/// the person). Secrets (password hash, session ids and contents) are never included.
const SECTIONS: &[(&str, &str)] = &[
    (
        "positions",
        "select 'primary' as kind, j.id, j.title from person p join job_position j on j.id = p.position_id where p.id = $1 \
         union all select 'target', j.id, j.title from person p join job_position j on j.id = p.target_position_id where p.id = $1",
    ),
    (
        "ratings_received",
        "select r.id, r.node_id, n.title as node, r.level, r.source, r.given_by, g.name as given_by_name, r.comment, \
         r.created_at, r.review, r.reviewed_by, r.reviewed_at, r.review_comment \
         from rating r join framework_node n on n.id = r.node_id left join person g on g.id = r.given_by \
         where r.subject_id = $1 order by r.created_at, r.id",
    ),
    (
        "ratings_given",
        "select r.id, r.subject_id, r.node_id, n.title as node, r.level, r.source, r.comment, r.created_at \
         from rating r join framework_node n on n.id = r.node_id where r.given_by = $1 and r.subject_id <> $1 \
         order by r.created_at, r.id",
    ),
    (
        "reviews_made",
        "select r.id, r.subject_id, r.node_id, r.review, r.reviewed_at, r.review_comment \
         from rating r where r.reviewed_by = $1 order by r.reviewed_at, r.id",
    ),
    (
        "current_levels",
        "select c.node_id, n.title as node, c.level, c.rating_id, c.rated_at, c.expires_at \
         from current_level c join framework_node n on n.id = c.node_id where c.person_id = $1 order by c.node_id",
    ),
    (
        "evidence",
        "select e.id, e.rating_id, e.kind, e.name, case when e.kind = 'link' then e.location else '' end as url, \
         e.content_type, e.size, e.added_by, e.created_at, e.verified_by, e.verified_at \
         from evidence e join rating r on r.id = e.rating_id where r.subject_id = $1 or e.added_by = $1 order by e.id",
    ),
    (
        "peer_requests",
        "select id, subject_id, node_id, peer_id, requested_by, created_at, rating_id, declined \
         from peer_request where subject_id = $1 or peer_id = $1 or requested_by = $1 order by id",
    ),
    (
        "plan",
        "select state, updated_at, submitted_at, decided_by, decided_at from dev_plan where person_id = $1",
    ),
    (
        "goals",
        "select g.id, g.node_id, n.title as node, g.target_level, g.start_level, g.due_on, g.status, g.note, \
         g.created_at, g.updated_at, g.achieved_at \
         from plan_goal g join framework_node n on n.id = g.node_id where g.person_id = $1 order by g.id",
    ),
    (
        "plan_actions",
        "select a.id, a.activity_id, t.title as activity, a.status, a.mentor_id, a.report, a.evidence_url, a.feedback, \
         a.submitted_at, a.decided_by, a.decided_at, a.completed_via, a.created_at, a.updated_at \
         from plan_action a join activity t on t.id = a.activity_id where a.person_id = $1 or a.mentor_id = $1 order by a.id",
    ),
    (
        "plan_comments",
        "select id, person_id, author_id, body, created_at from plan_comment \
         where person_id = $1 or author_id = $1 order by created_at, id",
    ),
    (
        "points",
        "select points, what, created_at from xp_event where person_id = $1 order by created_at, id",
    ),
    (
        "badges",
        "select badge, awarded_at from badge_award where person_id = $1 order by awarded_at",
    ),
    (
        "sessions",
        "select expires_at from session where person_id = $1 order by expires_at",
    ),
    (
        "failed_sign_ins",
        "select f.at from sign_in_failure f join person p on p.email = f.email where p.id = $1 order by f.at",
    ),
    (
        "pending_imports",
        "select id, format, file_name, created_at from pending_import where person_id = $1 order by id",
    ),
    (
        "audit_entries",
        "select id, at, actor_id, action, entity, entity_id from audit_log \
         where actor_id = $1 or (entity = 'person' and entity_id = cast($1 as text)) order by at, id",
    ),
];

/// Everything Proficio holds about `id`, as one JSON document (admins only: the caller
/// checks). The export itself is audited.
#[tracing::instrument(skip_all, fields(caller = me.id.0, id = id.0))]
pub async fn export(db: &Db, me: &CurrentUser, id: PersonId) -> Result<Value, AppError> {
    let mut tx = db.begin_write().await?;
    let profile = sqlx::query::<Any>(
        "select p.id, p.email, p.name, p.job_title, p.role, p.unit_id, u.name as unit, p.manager_id, \
         m.name as manager, p.active, p.xp, p.leaderboard_opt_out, p.digest_sent_on, p.inbox_seen_at, \
         case when p.password_hash is null then 0 else 1 end as has_password, p.created_at, p.updated_at, \
         p.external_id, p.scim_user_name, p.scim_extra, p.scim_synced_at, p.scim_removed_at \
         from person p left join org_unit u on u.id = p.unit_id left join person m on m.id = p.manager_id \
         where p.id = $1",
    )
    .bind(id.0)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::NotFound("That person".into()))?;
    let mut doc = Map::new();
    doc.insert("format".into(), json!("proficio-person-export/1"));
    doc.insert("exported_at".into(), json!(now_ms()));
    doc.insert("profile".into(), row_json(&profile));
    for (name, sql) in SECTIONS {
        doc.insert((*name).into(), rows(&mut *tx, sql, id.0).await?);
    }
    audit::record(&mut *tx, me.id, "export", "person", id.0, None, None).await?;
    tx.commit().await?;
    tracing::info!(person = id.0, "personal data exported");
    Ok(Value::Object(doc))
}

/// The name an erased person is shown under.
pub fn erased_name(id: PersonId) -> String {
    format!("Erased person #{}", id.0)
}

/// The e-mail an erased person is given: unique, and in a domain that can never be
/// delivered to (RFC 2606 `.invalid`).
pub fn erased_email(id: PersonId) -> String {
    format!("erased-{}@erased.invalid", id.0)
}

/// Erases `id` on request (admins only: the caller checks): pseudonymises the person
/// everywhere, clears the text of their ratings, evidence and plan, deletes their evidence
/// files, ends their sessions, and records the erasure. Ratings remain as anonymous figures.
/// What an identity provider sent over SCIM goes too, and SCIM no longer sees them: a later
/// sync cannot write the person back, and the same `userName` makes a new person.
#[tracing::instrument(skip_all, fields(caller = me.id.0, id = id.0))]
pub async fn erase(st: &AppState, me: &CurrentUser, id: PersonId) -> Result<(), AppError> {
    let db = &st.db;
    if id == me.id {
        return Err(AppError::Conflict(
            "You cannot erase yourself; ask another admin.".into(),
        ));
    }
    let found: Option<(String, String, String)> =
        sqlx::query_as("select name, email, role from person where id = $1")
            .bind(id.0)
            .fetch_optional(&db.pool)
            .await?;
    let (name, email, role) = found.ok_or_else(|| AppError::NotFound("That person".into()))?;
    if email == erased_email(id) {
        return Err(AppError::Conflict(
            "This person has already been erased.".into(),
        ));
    }
    if role == "admin" {
        let others: i64 = sqlx::query_scalar(
            "select count(*) from person where role = 'admin' and active = 1 and id <> $1",
        )
        .bind(id.0)
        .fetch_one(&db.pool)
        .await?;
        if others == 0 {
            return Err(AppError::Conflict(
                "This is the last active admin and cannot be erased.".into(),
            ));
        }
    }
    let pseudonym = erased_name(id);
    let placeholder = erased_email(id);
    let mut tx = db.begin_write().await?;
    let files: Vec<String> = sqlx::query_scalar(
        "select e.location from evidence e join rating r on r.id = e.rating_id \
         where r.subject_id = $1 and e.kind = 'file'",
    )
    .bind(id.0)
    .fetch_all(&mut *tx)
    .await?;
    history::unlock(&mut tx, Unlock::Erasure).await?;
    let pending = super::stats::before(&mut tx, vec![id.0], None).await?;
    tx.execute(
        sqlx::query::<Any>(
            "update person set name = $1, email = $2, job_title = '', password_hash = null, active = 0, \
             role = 'employee', target_position_id = null, leaderboard_opt_out = 1, digest_sent_on = null, \
             external_id = null, scim_user_name = null, scim_extra = null, \
             scim_removed_at = coalesce(scim_removed_at, $3), updated_at = $3 where id = $4",
        )
        .bind(&pseudonym)
        .bind(&placeholder)
        .bind(now_ms())
        .bind(id.0),
    )
    .await?;
    pending.after(&mut tx).await?;
    super::ratings::erase_comments(&mut tx, id).await?;
    let by_id: [&str; 7] = [
        "delete from session where person_id = $1",
        "delete from pending_import where person_id = $1",
        "delete from plan_comment where person_id = $1",
        "update plan_comment set body = '' where author_id = $1",
        "update evidence set name = 'erased', location = '', content_type = '' \
         where rating_id in (select id from rating where subject_id = $1) or added_by = $1",
        "update plan_goal set note = '' where person_id = $1",
        "update plan_action set report = '', evidence_url = '', feedback = '' where person_id = $1",
    ];
    for sql in by_id {
        tx.execute(sqlx::query::<Any>(sql).bind(id.0)).await?;
    }
    tx.execute(sqlx::query::<Any>("delete from sign_in_failure where email = $1").bind(&email))
        .await?;
    // Free text written by others may name them: replace the name and the address wherever
    // people write text, and inside the audit log's JSON.
    let texts: [(&str, &str); 8] = [
        ("rating", "comment"),
        ("rating", "review_comment"),
        ("plan_comment", "body"),
        ("plan_goal", "note"),
        ("plan_action", "report"),
        ("plan_action", "feedback"),
        ("audit_log", "before_json"),
        ("audit_log", "after_json"),
    ];
    for (table, col) in texts {
        for (from, to) in [(&email, &placeholder), (&name, &pseudonym)] {
            if from.is_empty() {
                continue;
            }
            let sql = format!(
                "update {table} set {col} = replace({col}, $1, $2) where {col} <> replace({col}, $1, $2)"
            );
            tx.execute(
                sqlx::query::<Any>(sqlx::AssertSqlSafe(sql))
                    .bind(from)
                    .bind(to),
            )
            .await?;
        }
    }
    let after = audit::PERSON.state(&mut *tx, id.0).await?;
    audit::record(&mut *tx, me.id, "erase", "person", id.0, None, after).await?;
    history::relock(&mut tx).await?;
    tx.commit().await?;
    for file in files {
        // The generated names never hold a path; refuse anything else all the same.
        if file.is_empty() || file.contains(['/', '\\']) || file.starts_with('.') {
            continue;
        }
        let path = st.settings.upload_dir.join(&file);
        if let Err(e) = tokio::fs::remove_file(&path).await {
            if e.kind() != std::io::ErrorKind::NotFound {
                tracing::error!(error = %e, person = id.0, "erased evidence file not removed");
            }
        }
    }
    tracing::info!(person = id.0, "person erased");
    Ok(())
}

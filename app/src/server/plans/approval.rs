//! The plan as a whole: submitting it, the manager's approval, comments, the checks
//! waiting for a manager or mentor, and reminders.

use super::*;
use crate::server::db::with_below;

/// The person asks their manager to approve the plan.
#[tracing::instrument(skip_all, fields(caller = me.id.0, person = person.0))]
pub async fn submit_plan(db: &Db, me: &CurrentUser, person: PersonId) -> Result<(), AppError> {
    if me.id != person {
        return Err(AppError::Forbidden);
    }
    let (manager, goals): (Option<i64>, i64) = sqlx::query_as(
        "select p.manager_id, (select count(*) from plan_goal g where g.person_id = p.id and g.status = 'open') \
         from person p where p.id = $1",
    )
    .bind(person.0)
    .fetch_one(&db.pool)
    .await?;
    if manager.is_none() {
        return Err(AppError::invalid(
            "plan",
            "You have no manager to approve your plan.",
        ));
    }
    if goals == 0 {
        return Err(AppError::invalid(
            "plan",
            "Add at least one goal before asking for approval.",
        ));
    }
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    touch(&mut tx, person, now, false).await?;
    sqlx::query("update dev_plan set state = 'submitted', submitted_at = $1 where person_id = $2")
        .bind(now)
        .bind(person.0)
        .execute(&mut *tx)
        .await?;
    Ok(tx.commit().await?)
}

/// A manager approves a submitted plan or asks for changes (with a comment, kept on the
/// plan).
#[tracing::instrument(skip_all, fields(caller = me.id.0, person = person.0, approve))]
pub async fn decide_plan(
    db: &Db,
    me: &CurrentUser,
    person: PersonId,
    approve: bool,
    comment: &str,
) -> Result<(), AppError> {
    if !manages(db, me.id, person).await? {
        return Err(AppError::Forbidden);
    }
    let comment = check_comment("comment", comment)?;
    if !approve && comment.trim().is_empty() {
        return Err(AppError::invalid(
            "comment",
            "Say what to change, so they know what to do.",
        ));
    }
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let done = sqlx::query(
        "update dev_plan set state = $1, decided_by = $2, decided_at = $3, updated_at = $3 \
         where person_id = $4 and state = 'submitted'",
    )
    .bind(if approve { "approved" } else { "changes" })
    .bind(me.id.0)
    .bind(now)
    .bind(person.0)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() != 1 {
        return Err(AppError::Conflict(
            "That plan is not waiting for approval; reload the page.".into(),
        ));
    }
    if !comment.trim().is_empty() {
        insert_comment(&mut tx, person, me.id, &comment, now).await?;
    }
    let after = Some(serde_json::json!({
        "state": if approve { "approved" } else { "changes" },
        "comment": comment,
    }));
    let before = Some(serde_json::json!({ "state": "submitted" }));
    let what = if approve {
        "approve"
    } else {
        "request_changes"
    };
    audit::record(&mut *tx, me.id, what, "dev_plan", person.0, before, after).await?;
    Ok(tx.commit().await?)
}

#[tracing::instrument(skip_all, fields(person = person.0, author = author.0, now))]
pub(super) async fn insert_comment(
    conn: &mut AnyConnection,
    person: PersonId,
    author: PersonId,
    body: &str,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "insert into plan_comment (person_id, author_id, body, created_at) values ($1, $2, $3, $4)",
    )
    .bind(person.0)
    .bind(author.0)
    .bind(body)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Comments on a plan (the person, their managers, admins).
#[tracing::instrument(skip_all, fields(caller = me.id.0, person = person.0))]
pub async fn comment(
    db: &Db,
    me: &CurrentUser,
    person: PersonId,
    body: &str,
) -> Result<(), AppError> {
    check_edit(db, me, person).await?;
    let body = check_comment("body", body)?;
    if body.trim().is_empty() {
        return Err(AppError::invalid("body", "Write a comment first."));
    }
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    insert_comment(&mut tx, person, me.id, &body, now).await?;
    touch_and_commit(tx, person, now, false).await
}

/// A completion waiting for a decision, with the person and the activity's title.
#[derive(FromRow)]
struct CheckRow {
    person_id: i64,
    person_name: String,
    action_id: i64,
    title: String,
    report: String,
    evidence_url: String,
    submitted_at: Option<i64>,
    mentor_id: Option<i64>,
}

/// What waits for the caller: plans of their reports to approve, completions of their
/// reports to confirm, and on-the-job tasks they mentor to sign off. Oldest first.
#[tracing::instrument(skip_all, fields(caller = me.0))]
pub async fn checks(db: &Db, me: PersonId) -> Result<Vec<PendingCheck>, AppError> {
    let plans: Vec<(i64, String, Option<i64>)> = sqlx::query_as(with_below!(
        "select person_id as item, person_id as person from dev_plan where state = 'submitted'",
        "select p.id, p.name, d.submitted_at from below b join dev_plan d on d.person_id = b.item \
         join person p on p.id = d.person_id order by d.submitted_at, p.id"
    ))
    .bind(me.0)
    .fetch_all(&db.pool)
    .await?;
    let done: Vec<CheckRow> = sqlx::query_as(with_below!(
        "select id as item, person_id as person from plan_action where status = 'submitted'",
        "select p.id as person_id, p.name as person_name, x.id as action_id, a.title, \
           x.report, x.evidence_url, x.submitted_at, x.mentor_id \
         from plan_action x join person p on p.id = x.person_id join activity a on a.id = x.activity_id \
         where x.status = 'submitted' and ( \
           (a.kind <> 'on_the_job' and x.id in (select item from below)) \
           or (a.kind = 'on_the_job' and x.mentor_id = $1 and x.mentor_confirmed_by is not null)) \
         order by x.submitted_at, x.id"
    ))
    .bind(me.0)
    .fetch_all(&db.pool)
    .await?;
    let mut out: Vec<PendingCheck> = plans
        .into_iter()
        .map(|p| PendingCheck {
            person: PersonId(p.0),
            person_name: p.1,
            action: None,
            what: "Development plan waiting for approval".into(),
            report: String::new(),
            evidence_url: String::new(),
            at: p.2.map(format_time).unwrap_or_default(),
            as_mentor: false,
        })
        .collect();
    out.extend(done.into_iter().map(|d| PendingCheck {
        person: PersonId(d.person_id),
        person_name: d.person_name,
        action: Some(d.action_id),
        what: d.title,
        report: d.report,
        evidence_url: d.evidence_url,
        at: d.submitted_at.map(format_time).unwrap_or_default(),
        as_mentor: d.mentor_id == Some(me.0),
    }));
    Ok(out)
}

/// An open goal with a due date, with its node's title.
#[derive(FromRow)]
struct ReminderGoal {
    node_id: i64,
    target_level: i64,
    start_level: i64,
    due_on: String,
    title: String,
}

/// Reminders for a person (goals due within 14 days or overdue, a plan not updated for 90
/// days). The inbox count asks on every page, so this reads only the goals with a due date
/// that is near or past and their current levels, not the whole plan.
#[tracing::instrument(skip_all, fields(person = person.0))]
pub async fn reminders_for(db: &Db, person: PersonId) -> Result<Vec<String>, AppError> {
    let updated: Option<i64> =
        sqlx::query_scalar("select updated_at from dev_plan where person_id = $1")
            .bind(person.0)
            .fetch_optional(&db.pool)
            .await?;
    let Some(updated) = updated else {
        return Ok(Vec::new());
    };
    let now = now_ms();
    let horizon = date_of(now + DUE_SOON_DAYS * crate::domain::rating::DAY_MS);
    let goals: Vec<ReminderGoal> = sqlx::query_as(
        "select g.node_id, g.target_level, g.start_level, g.due_on, n.title from plan_goal g \
         join framework_node n on n.id = g.node_id \
         where g.person_id = $1 and g.status = 'open' and g.due_on is not null and g.due_on <= $2 \
         order by g.due_on, g.id",
    )
    .bind(person.0)
    .bind(&horizon)
    .fetch_all(&db.pool)
    .await?;
    let nodes: Vec<NodeId> = goals.iter().map(|g| NodeId(g.node_id)).collect();
    let mut conn = db.pool.acquire().await?;
    let current = ratings::levels_now(&mut conn, person, &nodes, now).await?;
    Ok(goals
        .iter()
        .filter_map(|g| {
            let state = goal_state(
                GoalStatus::Open,
                u8::try_from(g.start_level).unwrap_or(0),
                current.get(&NodeId(g.node_id)).copied().unwrap_or(0),
                u8::try_from(g.target_level).unwrap_or(1),
                Some(&g.due_on),
                now,
                false,
            );
            goal_reminder(&g.title, Some(&g.due_on), state, now)
        })
        .chain(stale_reminder(updated, now))
        .collect())
}

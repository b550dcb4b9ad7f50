//! Planned activities: adding them (with the goals they close), mentors, reporting one
//! done, the manager's or mentor's decision, and completions that award levels.

use super::*;
use crate::domain::count;
use serde::{Deserialize, Serialize};

/// Adds activities to a person's plan (those already live in it are skipped), with goals
/// for the gaps they close in `scope` (`position`, `target`; none for `plan`), as "close my
/// gap" proposed. Returns how many activities were added.
#[tracing::instrument(skip_all, fields(caller = me.id.0, person = person.0))]
pub async fn add_activities(
    db: &Db,
    me: &CurrentUser,
    person: PersonId,
    activities: &[i64],
    scope: &str,
) -> Result<u32, AppError> {
    check_edit(db, me, person).await?;
    if activities.is_empty() {
        return Err(AppError::invalid(
            "activities",
            "Choose at least one activity.",
        ));
    }
    let live = live_activities(db, person).await?;
    let known: Vec<(i64, i64)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "select id, active from activity where id in ({})",
        id_list(activities.iter().copied())
    )))
    .fetch_all(&db.pool)
    .await?;
    for a in activities {
        match known.iter().find(|k| k.0 == *a) {
            None => return Err(AppError::NotFound("That activity".into())),
            Some((_, 0)) if !live.contains(a) => {
                return Err(AppError::invalid(
                    "activities",
                    "That activity is no longer offered.",
                ))
            }
            _ => {}
        }
    }
    let gaps: Vec<(NodeId, u8)> = if scope == "plan" {
        Vec::new()
    } else {
        crate::server::assess::skills(db, me, person, Scope::parse(scope))
            .await?
            .rows
            .iter()
            .filter(|r| r.required > r.current.level)
            .map(|r| (r.node, r.required))
            .collect()
    };
    let provides: Vec<(i64, i64, i64)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "select activity_id, node_id, level from activity_level where activity_id in ({})",
        id_list(activities.iter().copied())
    )))
    .fetch_all(&db.pool)
    .await?;
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let mut added = 0u32;
    for a in activities {
        if live.contains(a) {
            continue;
        }
        sqlx::query(
            "insert into plan_action (person_id, activity_id, created_at, updated_at) values ($1, $2, $3, $3)",
        )
        .bind(person.0)
        .bind(a)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        added += 1;
        for (_, node, level) in provides.iter().filter(|p| p.0 == *a) {
            if let Some((_, required)) = gaps
                .iter()
                .find(|g| g.0 .0 == *node && i64::from(g.1) <= *level)
            {
                insert_goal(&mut tx, person, NodeId(*node), *required, None, "", now).await?;
            }
        }
    }
    touch_and_commit(tx, person, now, added > 0).await?;
    Ok(added)
}

/// Whether the trainee's management line (or an admin) named or confirmed the mentor.
#[tracing::instrument(skip_all, fields(action))]
pub(super) async fn mentor_confirmed(db: &Db, action: i64) -> Result<bool, AppError> {
    let by: Option<Option<i64>> =
        sqlx::query_scalar("select mentor_confirmed_by from plan_action where id = $1")
            .bind(action)
            .fetch_optional(&db.pool)
            .await?;
    Ok(by.flatten().is_some())
}

/// A planned activity as the decisions on it need it.
pub(super) struct ActionInfo {
    /// Whose plan it is in.
    pub(super) person: PersonId,
    pub(super) activity: i64,
    pub(super) kind: ActivityKind,
    pub(super) status: ActionStatus,
    pub(super) mentor: Option<PersonId>,
}

/// A planned activity as read.
#[derive(FromRow)]
struct ActionInfoRow {
    person_id: i64,
    activity_id: i64,
    kind: String,
    status: String,
    mentor_id: Option<i64>,
}

/// Who a planned activity belongs to, which activity it is, its state and its mentor.
#[tracing::instrument(skip_all, fields(action))]
pub(super) async fn action_info(db: &Db, action: i64) -> Result<ActionInfo, AppError> {
    let row: Option<ActionInfoRow> = sqlx::query_as(
        "select x.person_id, a.id as activity_id, a.kind, x.status, x.mentor_id from plan_action x \
         join activity a on a.id = x.activity_id where x.id = $1",
    )
    .bind(action)
    .fetch_optional(&db.pool)
    .await?;
    let r = row.ok_or_else(|| AppError::NotFound("That planned activity".into()))?;
    Ok(ActionInfo {
        person: PersonId(r.person_id),
        activity: r.activity_id,
        kind: ActivityKind::parse(&r.kind).unwrap_or(ActivityKind::Course),
        status: ActionStatus::parse(&r.status).unwrap_or(ActionStatus::Planned),
        mentor: r.mentor_id.map(PersonId),
    })
}

/// Drops a planned activity from the plan (not one already completed).
#[tracing::instrument(skip_all, fields(caller = me.id.0, action))]
pub async fn drop_action(db: &Db, me: &CurrentUser, action: i64) -> Result<(), AppError> {
    let ActionInfo { person, status, .. } = action_info(db, action).await?;
    check_edit(db, me, person).await?;
    if status == ActionStatus::Completed {
        return Err(AppError::Conflict(
            "A completed activity stays on the record.".into(),
        ));
    }
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    sqlx::query("update plan_action set status = 'dropped', updated_at = $1 where id = $2")
        .bind(now)
        .bind(action)
        .execute(&mut *tx)
        .await?;
    touch_and_commit(tx, person, now, false).await
}

/// Names the mentor of an on-the-job task (by e-mail): a colleague other than the trainee.
/// A mentor's sign-off awards validated levels, so it counts only when the trainee's
/// management line (or an admin) named the mentor or confirmed the trainee's choice by
/// naming the same person; a mentor the trainee named alone waits for that.
#[tracing::instrument(skip_all, fields(caller = me.id.0, action))]
pub async fn set_mentor(
    db: &Db,
    me: &CurrentUser,
    action: i64,
    email: &str,
) -> Result<String, AppError> {
    let ActionInfo {
        person,
        kind,
        status,
        ..
    } = action_info(db, action).await?;
    check_edit(db, me, person).await?;
    if !kind.needs_mentor() {
        return Err(AppError::invalid(
            "mentor",
            "Only on-the-job tasks have a mentor; the manager confirms the others.",
        ));
    }
    let confirmer = if me.caps().administer || manages(db, me.id, person).await? {
        Some(me.id.0)
    } else {
        None
    };
    // The line may still name or confirm the mentor of a task waiting for sign-off.
    let line_confirms = confirmer.is_some() && status == ActionStatus::Submitted;
    if !(status.can_report() || line_confirms) {
        return Err(AppError::Conflict(
            "The mentor cannot change once the task is reported done.".into(),
        ));
    }
    let email = email.trim().to_lowercase();
    let found: Option<(i64, String)> =
        sqlx::query_as("select id, name from person where email = $1 and active = 1")
            .bind(&email)
            .fetch_optional(&db.pool)
            .await?;
    let (mentor, name) = found.ok_or_else(|| {
        AppError::invalid(
            "mentor",
            format!("No active colleague has the e-mail {email}."),
        )
    })?;
    if mentor == person.0 {
        return Err(AppError::invalid(
            "mentor",
            "A mentor is someone other than the trainee.",
        ));
    }
    sqlx::query(
        "update plan_action set mentor_id = $1, mentor_confirmed_by = $2, updated_at = $3 \
         where id = $4",
    )
    .bind(mentor)
    .bind(confirmer)
    .bind(now_ms())
    .bind(action)
    .execute(&db.pool)
    .await?;
    Ok(name)
}

/// The trainee reports an activity done, with what they did and a link to evidence; it
/// then waits for the manager's confirmation (or the mentor's sign-off).
#[tracing::instrument(skip_all, fields(caller = me.id.0, action))]
pub async fn report_done(
    db: &Db,
    me: &CurrentUser,
    action: i64,
    report: &str,
    evidence_url: &str,
) -> Result<(), AppError> {
    let ActionInfo {
        person,
        kind,
        status,
        mentor,
        ..
    } = action_info(db, action).await?;
    if person != me.id {
        return Err(AppError::Forbidden);
    }
    if !status.can_report() {
        return Err(AppError::Conflict(format!(
            "This activity is {}; reload the plan.",
            status.label(kind).to_lowercase()
        )));
    }
    let report = check_comment("report", report)?;
    let evidence_url =
        optional_link(evidence_url).map_err(|m| AppError::invalid("evidence_url", m))?;
    if report.trim().is_empty() && evidence_url.is_empty() {
        return Err(AppError::invalid(
            "report",
            "Say what you did, or link to evidence of it (a certificate, a work sample).",
        ));
    }
    if kind.needs_mentor() && mentor.is_none() {
        return Err(AppError::invalid(
            "mentor",
            "Name the mentor who will sign this task off first.",
        ));
    }
    if !kind.needs_mentor() {
        let manager: Option<Option<i64>> =
            sqlx::query_scalar("select manager_id from person where id = $1")
                .bind(person.0)
                .fetch_optional(&db.pool)
                .await?;
        if manager.flatten().is_none() {
            return Err(AppError::invalid(
                "report",
                "You have no manager to confirm it; ask an admin to record the completion.",
            ));
        }
    }
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "update plan_action set status = 'submitted', report = $1, evidence_url = $2, \
         submitted_at = $3, updated_at = $3 where id = $4",
    )
    .bind(&report)
    .bind(&evidence_url)
    .bind(now)
    .bind(action)
    .execute(&mut *tx)
    .await?;
    touch_and_commit(tx, person, now, false).await
}

/// The manager confirms a reported activity (the mentor signs off an on-the-job task), or
/// asks for more (`confirm` false, with feedback). Confirming completes it: see
/// [`complete`]. Returns the levels awarded.
#[tracing::instrument(skip_all, fields(caller = me.id.0, action, confirm))]
pub async fn decide_action(
    db: &Db,
    me: &CurrentUser,
    action: i64,
    confirm: bool,
    feedback: &str,
) -> Result<u32, AppError> {
    let ActionInfo {
        person,
        activity,
        kind,
        status,
        mentor,
    } = action_info(db, action).await?;
    let allowed = if kind.needs_mentor() {
        mentor == Some(me.id) && mentor_confirmed(db, action).await?
    } else {
        manages(db, me.id, person).await?
    };
    if !allowed {
        return Err(AppError::Forbidden);
    }
    if status != ActionStatus::Submitted {
        return Err(AppError::Conflict(
            "That activity is not waiting for a decision; reload the page.".into(),
        ));
    }
    let feedback = check_comment("feedback", feedback)?;
    if !confirm && feedback.trim().is_empty() {
        return Err(AppError::invalid(
            "feedback",
            "Say what more is needed, so they know what to do.",
        ));
    }
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let awarded = if confirm {
        let via = if kind.needs_mentor() {
            "mentor"
        } else {
            "manager"
        };
        let n = complete(&mut tx, action, person, activity, Some(me.id), via, now).await?;
        if kind.needs_mentor() {
            crate::server::recognition::award_badge(&mut tx, me.id, Badge::Mentor, now).await?;
        }
        n
    } else {
        sqlx::query(
            "update plan_action set status = 'returned', feedback = $1, decided_by = $2, \
             decided_at = $3, updated_at = $3 where id = $4 and status = 'submitted'",
        )
        .bind(&feedback)
        .bind(me.id.0)
        .bind(now)
        .bind(action)
        .execute(&mut *tx)
        .await?;
        0
    };
    if confirm && !feedback.is_empty() {
        sqlx::query("update plan_action set feedback = $1 where id = $2")
            .bind(&feedback)
            .bind(action)
            .execute(&mut *tx)
            .await?;
    }
    touch(&mut tx, person, now, false).await?;
    let after = audit::PLAN_ACTION.state(&mut *tx, action).await?;
    let what = if confirm { "confirm" } else { "return" };
    audit::record(&mut *tx, me.id, what, "plan_action", action, None, after).await?;
    tx.commit().await?;
    Ok(awarded)
}

/// Completes an action: a validated rating with source "course completion" at each level
/// the activity provides (never lowering a level the person holds; the node's validity
/// period applies), the action's evidence link attached to each, points and badges.
/// Returns how many levels were awarded.
#[tracing::instrument(skip_all, fields(action, person = person.0, activity, by = ?by.map(|x| x.0), now))]
pub(crate) async fn complete(
    conn: &mut AnyConnection,
    action: i64,
    person: PersonId,
    activity: i64,
    by: Option<PersonId>,
    via: &str,
    now: i64,
) -> Result<u32, AppError> {
    let done = sqlx::query(
        "update plan_action set status = 'completed', decided_by = $1, decided_at = $2, \
         completed_via = $3, updated_at = $2 where id = $4 and status <> 'completed'",
    )
    .bind(by.map(|b| b.0))
    .bind(now)
    .bind(via)
    .bind(action)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() != 1 {
        return Err(AppError::Conflict(
            "That activity is already completed.".into(),
        ));
    }
    let (title, evidence): (String, String) = sqlx::query_as(
        "select a.title, x.evidence_url from plan_action x join activity a on a.id = x.activity_id \
         where x.id = $1",
    )
    .bind(action)
    .fetch_one(&mut *conn)
    .await?;
    let provides: Vec<(i64, i64)> =
        sqlx::query_as("select node_id, level from activity_level where activity_id = $1")
            .bind(activity)
            .fetch_all(&mut *conn)
            .await?;
    let provides: Vec<(NodeId, u8)> = provides
        .into_iter()
        .map(|(n, l)| (NodeId(n), u8::try_from(l).unwrap_or(0)))
        .collect();
    let nodes: Vec<NodeId> = provides.iter().map(|p| p.0).collect();
    let current = ratings::levels_now(conn, person, &nodes, now).await?;
    let (award, _) = completion_awards(&provides, &current);
    for (node, level) in &award {
        let rating = ratings::record(
            conn,
            NewRating {
                subject: person,
                node: *node,
                level: *level,
                source: Source::Course,
                given_by: by,
                comment: &format!("Completed: {title}"),
                origin: "",
                at_ms: now,
                review: None,
            },
        )
        .await?;
        if !evidence.is_empty() {
            sqlx::query(
                "insert into evidence (rating_id, kind, name, location, added_by, created_at, verified_by, verified_at) \
                 values ($1, 'link', $2, $3, $4, $5, $6, $7)",
            )
            .bind(rating)
            .bind(format!("Evidence for {title}"))
            .bind(&evidence)
            .bind(person.0)
            .bind(now)
            .bind(by.map(|b| b.0))
            .bind(by.map(|_| now))
            .execute(&mut *conn)
            .await?;
        }
    }
    crate::server::recognition::activity_completed(conn, person, &title, now).await?;
    Ok(count(award.len()))
}

/// An admin or a learning system signed in as one records that a person completed an
/// activity (by the person's e-mail and the activity's id or external identifier). Returns
/// the levels awarded. See [`completion`].
#[tracing::instrument(skip_all, fields(caller = me.id.0, via_api))]
pub async fn record_completion(
    db: &Db,
    me: &CurrentUser,
    email: &str,
    activity: &str,
    via_api: bool,
) -> Result<u32, AppError> {
    if !me.caps().administer {
        return Err(AppError::Forbidden);
    }
    let by = if via_api { None } else { Some(me.id) };
    let mut tx = db.begin_write().await?;
    let done = completion(&mut tx, email, activity, by, None).await?;
    tx.commit().await?;
    Ok(done.levels_awarded)
}

/// What recording a completion did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Completion {
    pub person_id: i64,
    pub activity_id: i64,
    /// The action in the person's plan now completed (added when the plan had none live).
    pub action_id: i64,
    /// How many levels the completion raised (none when the person already held them).
    pub levels_awarded: u32,
}

/// Records, in the caller's transaction, that the person with `email` completed the
/// activity with the id or external identifier `activity`: it completes the live action in
/// their plan, or adds a completed one, and awards the levels the activity provides. `by`
/// is the admin recording it, or None for a learning system (`completed_via` api) calling
/// with the API token `token`. The caller checked that it may.
pub(crate) async fn completion(
    conn: &mut AnyConnection,
    email: &str,
    activity: &str,
    by: Option<PersonId>,
    token: Option<i64>,
) -> Result<Completion, AppError> {
    // No e-mail or identifier holds a control character (PostgreSQL refuses NUL in text).
    if email.chars().any(char::is_control) {
        return Err(AppError::invalid(
            "email",
            "An e-mail has no control characters.",
        ));
    }
    if activity.chars().any(char::is_control) {
        return Err(AppError::invalid(
            "activity",
            "An activity's identifier has no control characters.",
        ));
    }
    let email = email.trim().to_lowercase();
    let person: i64 = sqlx::query_scalar("select id from person where email = $1")
        .bind(&email)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| AppError::invalid("email", format!("Nobody has the e-mail {email}.")))?;
    let key = activity.trim();
    let found: Option<i64> = match key.parse::<i64>() {
        Ok(id) => {
            sqlx::query_scalar("select id from activity where id = $1 or external_id = $2")
                .bind(id)
                .bind(key)
                .fetch_optional(&mut *conn)
                .await?
        }
        Err(_) => {
            sqlx::query_scalar("select id from activity where external_id = $1")
                .bind(key)
                .fetch_optional(&mut *conn)
                .await?
        }
    };
    let activity = found.ok_or_else(|| {
        AppError::invalid(
            "activity",
            format!("No activity has the id or identifier \u{201c}{key}\u{201d}."),
        )
    })?;
    let person = PersonId(person);
    let now = now_ms();
    let live: Option<i64> = sqlx::query_scalar(
        "select id from plan_action where person_id = $1 and activity_id = $2 \
         and status in ('planned', 'submitted', 'returned')",
    )
    .bind(person.0)
    .bind(activity)
    .fetch_optional(&mut *conn)
    .await?;
    let action = match live {
        Some(a) => a,
        None => {
            sqlx::query_scalar(
                "insert into plan_action (person_id, activity_id, created_at, updated_at) \
             values ($1, $2, $3, $3) returning id",
            )
            .bind(person.0)
            .bind(activity)
            .bind(now)
            .fetch_one(&mut *conn)
            .await?
        }
    };
    let via = if by.is_some() { "admin" } else { "api" };
    let n = complete(conn, action, person, activity, by, via, now).await?;
    touch(conn, person, now, false).await?;
    let after = audit::via_token(audit::PLAN_ACTION.state(&mut *conn, action).await?, token);
    audit::record(
        &mut *conn,
        by,
        "complete",
        "plan_action",
        action,
        None,
        after,
    )
    .await?;
    Ok(Completion {
        person_id: person.0,
        activity_id: activity,
        action_id: action,
        levels_awarded: n,
    })
}

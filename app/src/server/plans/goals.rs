//! Goals: target levels on nodes, their due dates and status, and goals started from
//! the gaps to a position.

use super::*;

/// Checks a target level for a node: the node must be rateable and the level on its scale.
#[tracing::instrument(skip_all, fields(node = node.0))]
pub(super) async fn check_target(db: &Db, node: NodeId, target: &str) -> Result<u8, AppError> {
    let info = frameworks::node_info(db, node).await?;
    if !info.row.kind.rateable() {
        return Err(AppError::invalid(
            "node",
            "Categories have no levels; choose a competency or skill.",
        ));
    }
    target
        .trim()
        .parse()
        .ok()
        .filter(|l| (1..=info.top).contains(l))
        .ok_or_else(|| {
            AppError::invalid(
                "target",
                format!("Choose a target level from 1 to {}.", info.top),
            )
        })
}

/// Logs `action` on `goal` with its state now, when `me` changed someone else's goal (a
/// manager's or an admin's change; people's changes to their own plan are not logged).
#[tracing::instrument(skip_all, fields(goal))]
pub async fn log_goal_change(
    db: &Db,
    me: &CurrentUser,
    action: &str,
    goal: i64,
) -> Result<(), AppError> {
    let now = audit::PLAN_GOAL.state(&db.pool, goal).await?;
    let owner = now.as_ref().and_then(|o| o["person_id"].as_str());
    if owner != Some(me.id.0.to_string().as_str()) {
        audit::by(db, me.id)
            .did(action, "plan_goal", goal, now)
            .await?;
    }
    Ok(())
}

pub(super) fn checked_date(due: &str) -> Result<Option<String>, AppError> {
    parse_date(due).map_err(|m| AppError::invalid("due", m))
}

#[tracing::instrument(skip_all, fields(person = person.0, node = node.0, target, now))]
pub(super) async fn insert_goal(
    conn: &mut AnyConnection,
    person: PersonId,
    node: NodeId,
    target: u8,
    due: Option<&str>,
    note: &str,
    now: i64,
) -> Result<Option<i64>, AppError> {
    let open: Option<i64> = sqlx::query_scalar(
        "select id from plan_goal where person_id = $1 and node_id = $2 and status = 'open'",
    )
    .bind(person.0)
    .bind(node.0)
    .fetch_optional(&mut *conn)
    .await?;
    if open.is_some() {
        return Ok(None);
    }
    let start = ratings::levels_now(conn, person, &[node], now)
        .await?
        .get(&node)
        .copied()
        .unwrap_or(0);
    let id = sqlx::query_scalar(
        "insert into plan_goal (person_id, node_id, target_level, start_level, due_on, note, \
         created_at, updated_at) values ($1, $2, $3, $4, $5, $6, $7, $7) returning id",
    )
    .bind(person.0)
    .bind(node.0)
    .bind(i64::from(target))
    .bind(i64::from(start))
    .bind(due)
    .bind(note)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    Ok(Some(id))
}

/// A goal's form as sent: the target level, the due date (optional, YYYY-MM-DD) and a note.
#[derive(Clone, Copy, Debug)]
pub struct GoalForm<'a> {
    pub target: &'a str,
    pub due: &'a str,
    pub note: &'a str,
}

/// A goal's form, checked for `me` changing `person`'s plan with a goal on `node`: the
/// target level, the due date and the note.
async fn checked_goal(
    db: &Db,
    me: &CurrentUser,
    person: PersonId,
    node: NodeId,
    form: GoalForm<'_>,
) -> Result<(u8, Option<String>, String), AppError> {
    check_edit(db, me, person).await?;
    let target = check_target(db, node, form.target).await?;
    Ok((
        target,
        checked_date(form.due)?,
        check_comment("note", form.note)?,
    ))
}

/// Adds a goal: reach the form's target on `node` by its due date.
#[tracing::instrument(skip_all, fields(caller = me.id.0, person = person.0, node = node.0))]
pub async fn add_goal(
    db: &Db,
    me: &CurrentUser,
    person: PersonId,
    node: NodeId,
    form: GoalForm<'_>,
) -> Result<i64, AppError> {
    let (target, due, note) = checked_goal(db, me, person, node, form).await?;
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let id = insert_goal(&mut tx, person, node, target, due.as_deref(), &note, now)
        .await?
        .ok_or_else(|| {
            AppError::Conflict("The plan already has an open goal on that competency.".into())
        })?;
    touch_and_commit(tx, person, now, true).await?;
    Ok(id)
}

#[tracing::instrument(skip_all, fields(goal))]
pub(super) async fn goal_owner(db: &Db, goal: i64) -> Result<(PersonId, NodeId), AppError> {
    let row: Option<(i64, i64)> =
        sqlx::query_as("select person_id, node_id from plan_goal where id = $1")
            .bind(goal)
            .fetch_optional(&db.pool)
            .await?;
    row.map(|r| (PersonId(r.0), NodeId(r.1)))
        .ok_or_else(|| AppError::NotFound("That goal".into()))
}

/// Changes a goal's target level, due date and note.
#[tracing::instrument(skip_all, fields(caller = me.id.0, goal))]
pub async fn update_goal(
    db: &Db,
    me: &CurrentUser,
    goal: i64,
    form: GoalForm<'_>,
) -> Result<(), AppError> {
    let (person, node) = goal_owner(db, goal).await?;
    let (target, due, note) = checked_goal(db, me, person, node, form).await?;
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "update plan_goal set target_level = $1, due_on = $2, note = $3, updated_at = $4 where id = $5",
    )
    .bind(i64::from(target))
    .bind(due)
    .bind(note)
    .bind(now)
    .bind(goal)
    .execute(&mut *tx)
    .await?;
    touch_and_commit(tx, person, now, true).await
}

/// Drops a goal (`dropped`), or opens a dropped one again (`open`).
#[tracing::instrument(skip_all, fields(caller = me.id.0, goal))]
pub async fn set_goal_status(
    db: &Db,
    me: &CurrentUser,
    goal: i64,
    status: &str,
) -> Result<(), AppError> {
    let (person, node) = goal_owner(db, goal).await?;
    check_edit(db, me, person).await?;
    let status = match GoalStatus::parse(status) {
        Some(s @ (GoalStatus::Open | GoalStatus::Dropped)) => s,
        _ => {
            return Err(AppError::invalid(
                "status",
                "A goal can be dropped or opened again; it is achieved by reaching its level.",
            ))
        }
    };
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    if status == GoalStatus::Open {
        let open: Option<i64> = sqlx::query_scalar(
            "select id from plan_goal where person_id = $1 and node_id = $2 and status = 'open' and id <> $3",
        )
        .bind(person.0)
        .bind(node.0)
        .bind(goal)
        .fetch_optional(&mut *tx)
        .await?;
        if open.is_some() {
            return Err(AppError::Conflict(
                "Another open goal is on that competency already.".into(),
            ));
        }
    }
    sqlx::query("update plan_goal set status = $1, updated_at = $2 where id = $3")
        .bind(status.as_str())
        .bind(now)
        .bind(goal)
        .execute(&mut *tx)
        .await?;
    touch_and_commit(tx, person, now, true).await
}

/// Starts goals from the gaps to the position held (`scope` position) or the target
/// position: one goal per open gap without an open goal, at the required level. Returns
/// how many were added.
#[tracing::instrument(skip_all, fields(caller = me.id.0, person = person.0))]
pub async fn start_from_gaps(
    db: &Db,
    me: &CurrentUser,
    person: PersonId,
    scope: &str,
    due: &str,
) -> Result<u32, AppError> {
    check_edit(db, me, person).await?;
    let due = checked_date(due)?;
    let skills = crate::server::assess::skills(db, me, person, Scope::parse(scope)).await?;
    if skills.position_title.is_none() {
        return Err(AppError::invalid(
            "scope",
            "There is no position to measure gaps against yet.",
        ));
    }
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let mut added = 0u32;
    for r in skills.rows.iter().filter(|r| r.required > r.current.level) {
        if insert_goal(&mut tx, person, r.node, r.required, due.as_deref(), "", now)
            .await?
            .is_some()
        {
            added += 1;
        }
    }
    touch_and_commit(tx, person, now, added > 0).await?;
    Ok(added)
}

/// The gaps between a person's open goals and their current levels, for "close my gap"
/// from the plan.
#[tracing::instrument(skip_all, fields(caller = me.id.0, person = person.0))]
pub async fn goal_gaps(
    db: &Db,
    me: &CurrentUser,
    person: PersonId,
) -> Result<(String, Vec<GapLine>), AppError> {
    let page = page(db, me, person).await?;
    let lines = page
        .goals
        .iter()
        .filter(|g| {
            matches!(
                g.state,
                GoalState::NotStarted | GoalState::InProgress | GoalState::Overdue
            )
        })
        .map(|g| GapLine {
            node: g.node,
            title: g.title.clone(),
            required: g.target,
            current: g.current,
            required_name: level_text(&g.levels, g.target).0,
            current_name: level_text(&g.levels, g.current).0,
            mandatory: false,
        })
        .collect();
    Ok(("the goals of the plan".into(), lines))
}

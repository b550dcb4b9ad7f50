//! Personal development plans: goals with target levels, planned activities and their
//! completion (confirmed by the manager, or signed off by a mentor for on-the-job tasks),
//! comments, approval, and the checks waiting for a manager or mentor.
//!
//! Who may do what: the person, their managers and admins edit the plan; the person
//! reports an activity done; a manager confirms it (a mentor signs off an on-the-job task);
//! a manager approves a submitted plan; admins and learning systems record completions
//! directly.

use super::audit;
use super::db::Db;
use super::format_time;
use super::frameworks;
use super::now_ms;
use super::people::{can_see, manages};
use super::positions::{self, id_list};
use super::ratings::{self, NewRating};
use crate::api::AppError;
use crate::domain::assess::{check_comment, Scope};
use crate::domain::develop::{
    completion_awards, date_of, due_text, duration_text, goal_progress, goal_reminder, goal_state,
    optional_link, parse_date, plan_is_stale, reminders, stale_reminder, ActionStatus, ActionView,
    ActivityKind, GapLine, GoalState, GoalStatus, GoalView, NodeChoice, PendingCheck, PlanComment,
    PlanPage, PlanState, DUE_SOON_DAYS,
};
use crate::domain::positions::level_text;
use crate::domain::rating::Source;
use crate::domain::recognition::Badge;
use crate::domain::{CurrentUser, NodeId, PersonId};
use sqlx::AnyConnection;
use std::collections::HashSet;

/// The columns of a plan action an audit entry shows.
const PLAN_ACTION: &str =
    "id, person_id, activity_id, status, mentor_id, feedback, decided_by, decided_at, completed_via";

/// Whether `me` may change `person`'s plan: themself, a manager above them, or an admin.
async fn may_edit(db: &Db, me: &CurrentUser, person: PersonId) -> Result<bool, AppError> {
    Ok(me.id == person || me.caps().administer || manages(db, me.id, person).await?)
}

async fn check_edit(db: &Db, me: &CurrentUser, person: PersonId) -> Result<(), AppError> {
    if !can_see(db, me, person).await? {
        return Err(AppError::NotFound("That person".into()));
    }
    if !may_edit(db, me, person).await? {
        return Err(AppError::Forbidden);
    }
    Ok(())
}

/// Creates the plan row if missing and marks the plan updated. Changing the goals of an
/// approved plan makes it a draft again (`reopen`).
async fn touch(
    conn: &mut AnyConnection,
    person: PersonId,
    at: i64,
    reopen: bool,
) -> Result<(), AppError> {
    sqlx::query(
        "insert into dev_plan (person_id, state, updated_at) values ($1, 'draft', $2) \
         on conflict (person_id) do update set updated_at = excluded.updated_at",
    )
    .bind(person.0)
    .bind(at)
    .execute(&mut *conn)
    .await?;
    if reopen {
        sqlx::query(
            "update dev_plan set state = 'draft' where person_id = $1 and state = 'approved'",
        )
        .bind(person.0)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// The activities in a person's plan that are still live (planned or under way).
pub async fn live_activities(db: &Db, person: PersonId) -> Result<HashSet<i64>, AppError> {
    let ids: Vec<i64> = sqlx::query_scalar(
        "select activity_id from plan_action where person_id = $1 \
         and status in ('planned', 'submitted', 'returned')",
    )
    .bind(person.0)
    .fetch_all(&db.pool)
    .await?;
    Ok(ids.into_iter().collect())
}

type GoalRow = (i64, i64, i64, i64, Option<String>, String, String, String);

/// A person's development plan.
pub async fn page(db: &Db, me: &CurrentUser, person: PersonId) -> Result<PlanPage, AppError> {
    if !can_see(db, me, person).await? {
        return Err(AppError::NotFound("That person".into()));
    }
    build_page(db, me.id, person).await
}

/// The plan as `viewer` sees it (the caller checked that they may).
async fn build_page(db: &Db, viewer: PersonId, person: PersonId) -> Result<PlanPage, AppError> {
    let now = now_ms();
    let person_name = super::assess::person_name(db, person).await?;
    let plan: Option<(String, i64)> =
        sqlx::query_as("select state, updated_at from dev_plan where person_id = $1")
            .bind(person.0)
            .fetch_optional(&db.pool)
            .await?;
    let (state, updated_ms) = match &plan {
        Some((s, u)) => (PlanState::parse(s).unwrap_or(PlanState::Draft), *u),
        None => (PlanState::Draft, now),
    };
    let goals: Vec<GoalRow> = sqlx::query_as(
        "select g.id, g.node_id, g.target_level, g.start_level, g.due_on, g.status, g.note, n.title \
         from plan_goal g join framework_node n on n.id = g.node_id where g.person_id = $1 \
         order by case g.status when 'open' then 0 when 'achieved' then 1 else 2 end, \
           coalesce(g.due_on, '9999'), g.id",
    )
    .bind(person.0)
    .fetch_all(&db.pool)
    .await?;
    let nodes: Vec<NodeId> = goals.iter().map(|g| NodeId(g.1)).collect();
    let (holds, _) = positions::held(db, person).await?;
    let track = super::assess::track_of(db, holds).await?;
    let texts = positions::level_texts(db, &nodes, track).await?;
    let paths = positions::ancestor_paths(db, &nodes).await?;
    let mut conn = db.pool.acquire().await?;
    let current = ratings::levels_now(&mut conn, person, &nodes, now).await?;
    drop(conn);
    let actions = actions(db, person).await?;
    let busy: HashSet<NodeId> = actions
        .iter()
        .filter(|a| a.0.status.under_way())
        .flat_map(|a| a.1.iter().copied())
        .collect();
    let goals: Vec<GoalView> = goals
        .into_iter()
        .map(|(id, node, target, start, due, status, note, title)| {
            let node = NodeId(node);
            let target = u8::try_from(target).unwrap_or(1);
            let start = u8::try_from(start).unwrap_or(0);
            let cur = current.get(&node).copied().unwrap_or(0);
            let status = GoalStatus::parse(&status).unwrap_or(GoalStatus::Open);
            let state = goal_state(
                status,
                start,
                cur,
                target,
                due.as_deref(),
                now,
                busy.contains(&node),
            );
            GoalView {
                id,
                node,
                title,
                path: paths.get(&node).cloned().unwrap_or_default(),
                levels: texts.get(&node).map(|t| t.0.clone()).unwrap_or_default(),
                target,
                current: cur,
                start,
                due_text: due.as_deref().map(|d| due_text(d, now)).unwrap_or_default(),
                due,
                state,
                progress: if state == GoalState::Achieved {
                    100
                } else {
                    goal_progress(start, cur, target)
                },
                note,
            }
        })
        .collect();
    let counts = GoalState::ALL
        .iter()
        .map(|s| {
            let n = goals.iter().filter(|g| g.state == *s).count();
            (*s, u32::try_from(n).unwrap_or(0))
        })
        .collect();
    let comments: Vec<(Option<String>, i64, String)> = sqlx::query_as(
        "select p.name, c.created_at, c.body from plan_comment c \
         left join person p on p.id = c.author_id where c.person_id = $1 order by c.created_at, c.id",
    )
    .bind(person.0)
    .fetch_all(&db.pool)
    .await?;
    let (holds, aims) = positions::held(db, person).await?;
    let open: HashSet<NodeId> = goals
        .iter()
        .filter(|g| {
            matches!(
                g.state,
                GoalState::NotStarted | GoalState::InProgress | GoalState::Overdue
            )
        })
        .map(|g| g.node)
        .collect();
    let mut offered: Vec<(NodeId, String)> = Vec::new();
    for p in [holds, aims].into_iter().flatten() {
        for r in positions::requirement_views(db, p, track).await? {
            let n = r.requirement.node;
            if !open.contains(&n) && !offered.iter().any(|o| o.0 == n) {
                offered.push((n, r.requirement.node_title.clone()));
            }
        }
    }
    let offered_nodes: Vec<NodeId> = offered.iter().map(|o| o.0).collect();
    let offered_texts = positions::level_texts(db, &offered_nodes, track).await?;
    let options = offered
        .into_iter()
        .map(|(node, title)| NodeChoice {
            node,
            title,
            framework: String::new(),
            levels: offered_texts
                .get(&node)
                .map(|t| t.0.clone())
                .unwrap_or_default(),
        })
        .collect();
    Ok(PlanPage {
        options,
        person,
        person_name,
        is_me: viewer == person,
        is_manager: manages(db, viewer, person).await?,
        state,
        updated: plan.as_ref().map(|p| format_time(p.1)).unwrap_or_default(),
        stale: plan.is_some() && plan_is_stale(updated_ms, now),
        reminders: if plan.is_some() {
            reminders(&goals, updated_ms, now)
        } else {
            Vec::new()
        },
        goals,
        actions: actions.into_iter().map(|a| a.0).collect(),
        comments: comments
            .into_iter()
            .map(|c| PlanComment {
                author: c.0.unwrap_or_else(|| "A former colleague".into()),
                at: format_time(c.1),
                body: c.2,
            })
            .collect(),
        counts,
        has_gaps: holds.is_some() || aims.is_some(),
        now_ms: now,
    })
}

type ActionRow = (
    i64,
    i64,
    String,
    String,
    String,
    String,
    i64,
    String,
    Option<String>,
    String,
    String,
    String,
    Option<i64>,
    Option<String>,
    Option<String>,
    Option<i64>,
);

/// The plan's activities (not dropped), live first, with the nodes each provides.
async fn actions(db: &Db, person: PersonId) -> Result<Vec<(ActionView, Vec<NodeId>)>, AppError> {
    let rows: Vec<ActionRow> = sqlx::query_as(
        "select x.id, a.id, a.title, a.kind, a.provider, a.url, a.duration_minutes, x.status, \
           m.name, x.report, x.evidence_url, x.feedback, x.decided_at, d.name, x.completed_via, \
           x.mentor_confirmed_by \
         from plan_action x join activity a on a.id = x.activity_id \
         left join person m on m.id = x.mentor_id left join person d on d.id = x.decided_by \
         where x.person_id = $1 and x.status <> 'dropped' \
         order by case x.status when 'completed' then 1 else 0 end, x.id",
    )
    .bind(person.0)
    .fetch_all(&db.pool)
    .await?;
    let levels: Vec<(i64, i64, i64, String)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "select l.activity_id, l.node_id, l.level, n.title from activity_level l \
         join framework_node n on n.id = l.node_id where l.activity_id in ({}) order by n.title",
        id_list(rows.iter().map(|r| r.1))
    )))
    .fetch_all(&db.pool)
    .await?;
    let nodes: Vec<NodeId> = levels.iter().map(|l| NodeId(l.1)).collect();
    let texts = positions::level_texts(db, &nodes, crate::domain::framework::Track::Ic).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let kind = ActivityKind::parse(&r.3).unwrap_or(ActivityKind::Course);
            let status = ActionStatus::parse(&r.7).unwrap_or(ActionStatus::Planned);
            let mine: Vec<&(i64, i64, i64, String)> =
                levels.iter().filter(|l| l.0 == r.1).collect();
            let provides = mine
                .iter()
                .map(|l| {
                    let level = u8::try_from(l.2).unwrap_or(0);
                    let name = texts
                        .get(&NodeId(l.1))
                        .map(|t| level_text(&t.0, level).0)
                        .unwrap_or_else(|| format!("Level {level}"));
                    (l.3.clone(), name)
                })
                .collect();
            let history = match (status, r.12, &r.13, r.14.as_deref()) {
                (ActionStatus::Completed, Some(at), _, Some("api")) => {
                    format!(
                        "Completed {} (recorded by a learning system)",
                        format_time(at)
                    )
                }
                (ActionStatus::Completed, Some(at), Some(by), _) => {
                    format!("Completed {} (confirmed by {by})", format_time(at))
                }
                (ActionStatus::Returned, Some(at), Some(by), _) => {
                    format!("{by} asked for more on {}", format_time(at))
                }
                _ => String::new(),
            };
            (
                ActionView {
                    id: r.0,
                    activity: r.1,
                    title: r.2,
                    kind,
                    provider: r.4,
                    url: r.5,
                    duration: duration_text(u64::try_from(r.6).unwrap_or(0)),
                    status,
                    status_label: status.label(kind).to_string(),
                    provides,
                    mentor: r.8,
                    mentor_confirmed: r.15.is_some(),
                    report: r.9,
                    evidence_url: r.10,
                    feedback: r.11,
                    history,
                },
                mine.iter().map(|l| NodeId(l.1)).collect(),
            )
        })
        .collect())
}

/// Checks a target level for a node: the node must be rateable and the level on its scale.
async fn check_target(db: &Db, node: NodeId, target: &str) -> Result<u8, AppError> {
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

fn checked_date(due: &str) -> Result<Option<String>, AppError> {
    parse_date(due).map_err(|m| AppError::invalid("due", m))
}

async fn insert_goal(
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

/// Adds a goal: reach `target` on `node` by `due` (optional, YYYY-MM-DD).
pub async fn add_goal(
    db: &Db,
    me: &CurrentUser,
    person: PersonId,
    node: NodeId,
    target: &str,
    due: &str,
    note: &str,
) -> Result<i64, AppError> {
    check_edit(db, me, person).await?;
    let target = check_target(db, node, target).await?;
    let due = checked_date(due)?;
    let note = check_comment("note", note)?;
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let id = insert_goal(&mut tx, person, node, target, due.as_deref(), &note, now)
        .await?
        .ok_or_else(|| {
            AppError::Conflict("The plan already has an open goal on that competency.".into())
        })?;
    touch(&mut tx, person, now, true).await?;
    tx.commit().await?;
    Ok(id)
}

async fn goal_owner(db: &Db, goal: i64) -> Result<(PersonId, NodeId), AppError> {
    let row: Option<(i64, i64)> =
        sqlx::query_as("select person_id, node_id from plan_goal where id = $1")
            .bind(goal)
            .fetch_optional(&db.pool)
            .await?;
    row.map(|r| (PersonId(r.0), NodeId(r.1)))
        .ok_or_else(|| AppError::NotFound("That goal".into()))
}

/// Changes a goal's target level, due date and note.
pub async fn update_goal(
    db: &Db,
    me: &CurrentUser,
    goal: i64,
    target: &str,
    due: &str,
    note: &str,
) -> Result<(), AppError> {
    let (person, node) = goal_owner(db, goal).await?;
    check_edit(db, me, person).await?;
    let target = check_target(db, node, target).await?;
    let due = checked_date(due)?;
    let note = check_comment("note", note)?;
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
    touch(&mut tx, person, now, true).await?;
    Ok(tx.commit().await?)
}

/// Drops a goal (`dropped`), or opens a dropped one again (`open`).
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
    touch(&mut tx, person, now, true).await?;
    Ok(tx.commit().await?)
}

/// Starts goals from the gaps to the position held (`scope` position) or the target
/// position: one goal per open gap without an open goal, at the required level. Returns
/// how many were added.
pub async fn start_from_gaps(
    db: &Db,
    me: &CurrentUser,
    person: PersonId,
    scope: &str,
    due: &str,
) -> Result<u32, AppError> {
    check_edit(db, me, person).await?;
    let due = checked_date(due)?;
    let skills = super::assess::skills(db, me, person, Scope::parse(scope)).await?;
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
    touch(&mut tx, person, now, added > 0).await?;
    tx.commit().await?;
    Ok(added)
}

/// The gaps between a person's open goals and their current levels, for "close my gap"
/// from the plan.
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

/// Adds activities to a person's plan (those already live in it are skipped), with goals
/// for the gaps they close in `scope` (`position`, `target`; none for `plan`), as "close my
/// gap" proposed. Returns how many activities were added.
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
        super::assess::skills(db, me, person, Scope::parse(scope))
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
    touch(&mut tx, person, now, added > 0).await?;
    tx.commit().await?;
    Ok(added)
}

/// Whether the trainee's management line (or an admin) named or confirmed the mentor.
async fn mentor_confirmed(db: &Db, action: i64) -> Result<bool, AppError> {
    let by: Option<Option<i64>> =
        sqlx::query_scalar("select mentor_confirmed_by from plan_action where id = $1")
            .bind(action)
            .fetch_optional(&db.pool)
            .await?;
    Ok(by.flatten().is_some())
}

type ActionInfo = (
    PersonId,
    i64,
    String,
    ActivityKind,
    ActionStatus,
    Option<PersonId>,
);

async fn action_info(db: &Db, action: i64) -> Result<ActionInfo, AppError> {
    let row: Option<(i64, i64, String, String, String, Option<i64>)> = sqlx::query_as(
        "select x.person_id, a.id, a.title, a.kind, x.status, x.mentor_id from plan_action x \
         join activity a on a.id = x.activity_id where x.id = $1",
    )
    .bind(action)
    .fetch_optional(&db.pool)
    .await?;
    let r = row.ok_or_else(|| AppError::NotFound("That planned activity".into()))?;
    Ok((
        PersonId(r.0),
        r.1,
        r.2,
        ActivityKind::parse(&r.3).unwrap_or(ActivityKind::Course),
        ActionStatus::parse(&r.4).unwrap_or(ActionStatus::Planned),
        r.5.map(PersonId),
    ))
}

/// Drops a planned activity from the plan (not one already completed).
pub async fn drop_action(db: &Db, me: &CurrentUser, action: i64) -> Result<(), AppError> {
    let (person, _, _, _, status, _) = action_info(db, action).await?;
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
    touch(&mut tx, person, now, false).await?;
    Ok(tx.commit().await?)
}

/// Names the mentor of an on-the-job task (by e-mail): a colleague other than the trainee.
/// A mentor's sign-off awards validated levels, so it counts only when the trainee's
/// management line (or an admin) named the mentor or confirmed the trainee's choice by
/// naming the same person; a mentor the trainee named alone waits for that.
pub async fn set_mentor(
    db: &Db,
    me: &CurrentUser,
    action: i64,
    email: &str,
) -> Result<String, AppError> {
    let (person, _, _, kind, status, _) = action_info(db, action).await?;
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
pub async fn report_done(
    db: &Db,
    me: &CurrentUser,
    action: i64,
    report: &str,
    evidence_url: &str,
) -> Result<(), AppError> {
    let (person, _, _, kind, status, mentor) = action_info(db, action).await?;
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
    touch(&mut tx, person, now, false).await?;
    Ok(tx.commit().await?)
}

/// The manager confirms a reported activity (the mentor signs off an on-the-job task), or
/// asks for more (`confirm` false, with feedback). Confirming completes it: see
/// [`complete`]. Returns the levels awarded.
pub async fn decide_action(
    db: &Db,
    me: &CurrentUser,
    action: i64,
    confirm: bool,
    feedback: &str,
) -> Result<u32, AppError> {
    let (person, activity, _, kind, status, mentor) = action_info(db, action).await?;
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
            super::recognition::award_badge(&mut tx, me.id, Badge::Mentor, now).await?;
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
    let after = audit::row(&mut *tx, "plan_action", PLAN_ACTION, "id", action).await?;
    let what = if confirm { "confirm" } else { "return" };
    audit::record(&mut *tx, me.id, what, "plan_action", action, None, after).await?;
    tx.commit().await?;
    Ok(awarded)
}

/// Completes an action: a validated rating with source "course completion" at each level
/// the activity provides (never lowering a level the person holds; the node's validity
/// period applies), the action's evidence link attached to each, points and badges.
/// Returns how many levels were awarded.
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
    super::recognition::activity_completed(conn, person, &title, now).await?;
    Ok(u32::try_from(award.len()).unwrap_or(u32::MAX))
}

/// An admin or a learning system records that a person completed an activity (by the
/// person's e-mail and the activity's id or external identifier). It completes the live
/// action in their plan, or adds a completed one. Returns the levels awarded.
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
    let email = email.trim().to_lowercase();
    let person: i64 = sqlx::query_scalar("select id from person where email = $1")
        .bind(&email)
        .fetch_optional(&db.pool)
        .await?
        .ok_or_else(|| AppError::invalid("email", format!("Nobody has the e-mail {email}.")))?;
    let key = activity.trim();
    let found: Option<i64> = match key.parse::<i64>() {
        Ok(id) => {
            sqlx::query_scalar("select id from activity where id = $1 or external_id = $2")
                .bind(id)
                .bind(key)
                .fetch_optional(&db.pool)
                .await?
        }
        Err(_) => {
            sqlx::query_scalar("select id from activity where external_id = $1")
                .bind(key)
                .fetch_optional(&db.pool)
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
    let mut tx = db.begin_write().await?;
    let live: Option<i64> = sqlx::query_scalar(
        "select id from plan_action where person_id = $1 and activity_id = $2 \
         and status in ('planned', 'submitted', 'returned')",
    )
    .bind(person.0)
    .bind(activity)
    .fetch_optional(&mut *tx)
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
            .fetch_one(&mut *tx)
            .await?
        }
    };
    let (via, by) = if via_api {
        ("api", None)
    } else {
        ("admin", Some(me.id))
    };
    let n = complete(&mut tx, action, person, activity, by, via, now).await?;
    touch(&mut tx, person, now, false).await?;
    let after = audit::row(&mut *tx, "plan_action", PLAN_ACTION, "id", action).await?;
    audit::record(&mut *tx, by, "complete", "plan_action", action, None, after).await?;
    tx.commit().await?;
    Ok(n)
}

/// The person asks their manager to approve the plan.
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

async fn insert_comment(
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
    touch(&mut tx, person, now, false).await?;
    Ok(tx.commit().await?)
}

type CheckRow = (
    i64,
    String,
    i64,
    String,
    String,
    String,
    Option<i64>,
    Option<i64>,
);

/// What waits for the caller: plans of their reports to approve, completions of their
/// reports to confirm, and on-the-job tasks they mentor to sign off. Oldest first.
pub async fn checks(db: &Db, me: PersonId) -> Result<Vec<PendingCheck>, AppError> {
    let team = "with recursive team(id) as ( \
           select id from person where manager_id = $1 \
           union select p.id from person p join team t on p.manager_id = t.id) ";
    let plans: Vec<(i64, String, Option<i64>)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{team} select p.id, p.name, d.submitted_at from dev_plan d join person p on p.id = d.person_id \
         where d.state = 'submitted' and d.person_id in (select id from team) order by d.submitted_at"
    )))
    .bind(me.0)
    .fetch_all(&db.pool)
    .await?;
    let done: Vec<CheckRow> =
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{team} select p.id, p.name, x.id, a.title, x.report, x.evidence_url, x.submitted_at, x.mentor_id \
             from plan_action x join person p on p.id = x.person_id join activity a on a.id = x.activity_id \
             where x.status = 'submitted' and ( \
               (a.kind <> 'on_the_job' and x.person_id in (select id from team)) \
               or (a.kind = 'on_the_job' and x.mentor_id = $1 and x.mentor_confirmed_by is not null)) \
             order by x.submitted_at, x.id"
        )))
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
        person: PersonId(d.0),
        person_name: d.1,
        action: Some(d.2),
        what: d.3,
        report: d.4,
        evidence_url: d.5,
        at: d.6.map(format_time).unwrap_or_default(),
        as_mentor: d.7 == Some(me.0),
    }));
    Ok(out)
}

/// Reminders for a person (goals due within 14 days or overdue, a plan not updated for 90
/// days). The inbox count asks on every page, so this reads only the goals with a due date
/// that is near or past and their current levels, not the whole plan.
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
    let goals: Vec<(i64, i64, i64, String, String)> = sqlx::query_as(
        "select g.node_id, g.target_level, g.start_level, g.due_on, n.title from plan_goal g \
         join framework_node n on n.id = g.node_id \
         where g.person_id = $1 and g.status = 'open' and g.due_on is not null and g.due_on <= $2 \
         order by g.due_on, g.id",
    )
    .bind(person.0)
    .bind(&horizon)
    .fetch_all(&db.pool)
    .await?;
    let nodes: Vec<NodeId> = goals.iter().map(|g| NodeId(g.0)).collect();
    let mut conn = db.pool.acquire().await?;
    let current = ratings::levels_now(&mut conn, person, &nodes, now).await?;
    Ok(goals
        .iter()
        .filter_map(|(node, target, start, due, title)| {
            let state = goal_state(
                GoalStatus::Open,
                u8::try_from(*start).unwrap_or(0),
                current.get(&NodeId(*node)).copied().unwrap_or(0),
                u8::try_from(*target).unwrap_or(1),
                Some(due),
                now,
                false,
            );
            goal_reminder(title, Some(due), state, now)
        })
        .chain(stale_reminder(updated, now))
        .collect())
}

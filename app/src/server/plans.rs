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
use crate::domain::framework::Track;
use crate::domain::positions::{level_text, LevelText, PositionId};
use crate::domain::rating::Source;
use crate::domain::recognition::Badge;
use crate::domain::{CurrentUser, NodeId, PersonId};
use sqlx::{AnyConnection, FromRow};
use std::collections::{HashMap, HashSet};

mod actions;
mod approval;
mod goals;

pub use actions::*;
pub use approval::*;
pub use goals::*;

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

/// [`touch`], then commits `tx`: the end of a change to a plan.
async fn touch_and_commit(
    mut tx: super::db::WriteTx,
    person: PersonId,
    at: i64,
    reopen: bool,
) -> Result<(), AppError> {
    touch(&mut tx, person, at, reopen).await?;
    Ok(tx.commit().await?)
}

/// The activities in a person's plan that are still live (planned or under way).
#[tracing::instrument(skip_all, fields(person = person.0))]
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

/// A goal of a plan, with its node's title.
#[derive(FromRow)]
struct GoalRow {
    id: i64,
    node_id: i64,
    target_level: i64,
    start_level: i64,
    due_on: Option<String>,
    status: String,
    note: String,
    title: String,
}

/// What a goal's view needs besides its row, by node: the current level, the level texts,
/// the path of ancestors, and whether an activity under way provides it.
struct GoalContext {
    current: HashMap<NodeId, u8>,
    texts: HashMap<NodeId, (Vec<LevelText>, u8)>,
    paths: HashMap<NodeId, Vec<String>>,
    busy: HashSet<NodeId>,
    now: i64,
}

/// A person's development plan.
#[tracing::instrument(skip_all, fields(caller = me.id.0, person = person.0))]
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
    let nodes: Vec<NodeId> = goals.iter().map(|g| NodeId(g.node_id)).collect();
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
    let context = GoalContext {
        current,
        texts,
        paths,
        busy,
        now,
    };
    let goals: Vec<GoalView> = goals.into_iter().map(|g| goal_view(g, &context)).collect();
    let counts = GoalState::ALL
        .iter()
        .map(|s| {
            let n = goals.iter().filter(|g| g.state == *s).count();
            (*s, u32::try_from(n).unwrap_or(0))
        })
        .collect();
    let comments = plan_comments(db, person).await?;
    let (holds, aims) = positions::held(db, person).await?;
    let options = node_choices(db, [holds, aims], &goals, track).await?;
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
        comments,
        counts,
        has_gaps: holds.is_some() || aims.is_some(),
        now_ms: now,
    })
}

/// A goal as the plan page shows it: its state and progress from the current level.
fn goal_view(g: GoalRow, cx: &GoalContext) -> GoalView {
    let node = NodeId(g.node_id);
    let target = u8::try_from(g.target_level).unwrap_or(1);
    let start = u8::try_from(g.start_level).unwrap_or(0);
    let cur = cx.current.get(&node).copied().unwrap_or(0);
    let status = GoalStatus::parse(&g.status).unwrap_or(GoalStatus::Open);
    let due = g.due_on;
    let state = goal_state(
        status,
        start,
        cur,
        target,
        due.as_deref(),
        cx.now,
        cx.busy.contains(&node),
    );
    GoalView {
        id: g.id,
        node,
        title: g.title,
        path: cx.paths.get(&node).cloned().unwrap_or_default(),
        levels: cx.texts.get(&node).map(|t| t.0.clone()).unwrap_or_default(),
        target,
        current: cur,
        start,
        due_text: due
            .as_deref()
            .map(|d| due_text(d, cx.now))
            .unwrap_or_default(),
        due,
        state,
        progress: if state == GoalState::Achieved {
            100
        } else {
            goal_progress(start, cur, target)
        },
        note: g.note,
    }
}

/// The comments on a person's plan, oldest first.
async fn plan_comments(db: &Db, person: PersonId) -> Result<Vec<PlanComment>, AppError> {
    let comments: Vec<(Option<String>, i64, String)> = sqlx::query_as(
        "select p.name, c.created_at, c.body from plan_comment c \
         left join person p on p.id = c.author_id where c.person_id = $1 order by c.created_at, c.id",
    )
    .bind(person.0)
    .fetch_all(&db.pool)
    .await?;
    Ok(comments
        .into_iter()
        .map(|c| PlanComment {
            author: c.0.unwrap_or_else(|| "A former colleague".into()),
            at: format_time(c.1),
            body: c.2,
        })
        .collect())
}

/// The nodes a new goal may aim at: the requirements of the `held` positions (the current
/// one, the target) without an open goal yet, in requirement order.
async fn node_choices(
    db: &Db,
    held: [Option<PositionId>; 2],
    goals: &[GoalView],
    track: Track,
) -> Result<Vec<NodeChoice>, AppError> {
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
    for p in held.into_iter().flatten() {
        for r in positions::requirement_views(db, p, track).await? {
            let n = r.requirement.node;
            if !open.contains(&n) && !offered.iter().any(|o| o.0 == n) {
                offered.push((n, r.requirement.node_title.clone()));
            }
        }
    }
    let offered_nodes: Vec<NodeId> = offered.iter().map(|o| o.0).collect();
    let offered_texts = positions::level_texts(db, &offered_nodes, track).await?;
    Ok(offered
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
        .collect())
}

/// A planned activity (not dropped) of a plan, with the names of the mentor and the decider.
#[derive(FromRow)]
struct ActionRow {
    id: i64,
    activity_id: i64,
    title: String,
    kind: String,
    provider: String,
    url: String,
    duration_minutes: i64,
    status: String,
    mentor_name: Option<String>,
    report: String,
    evidence_url: String,
    feedback: String,
    decided_at: Option<i64>,
    decided_by_name: Option<String>,
    completed_via: Option<String>,
    mentor_confirmed_by: Option<i64>,
}

/// A level an activity awards, with the node's title.
#[derive(FromRow)]
struct ActivityLevelRow {
    activity_id: i64,
    node_id: i64,
    level: i64,
    title: String,
}

/// The plan's activities (not dropped), live first, with the nodes each provides.
async fn actions(db: &Db, person: PersonId) -> Result<Vec<(ActionView, Vec<NodeId>)>, AppError> {
    let rows: Vec<ActionRow> = sqlx::query_as(
        "select x.id, a.id as activity_id, a.title, a.kind, a.provider, a.url, a.duration_minutes, \
           x.status, m.name as mentor_name, x.report, x.evidence_url, x.feedback, x.decided_at, \
           d.name as decided_by_name, x.completed_via, x.mentor_confirmed_by \
         from plan_action x join activity a on a.id = x.activity_id \
         left join person m on m.id = x.mentor_id left join person d on d.id = x.decided_by \
         where x.person_id = $1 and x.status <> 'dropped' \
         order by case x.status when 'completed' then 1 else 0 end, x.id",
    )
    .bind(person.0)
    .fetch_all(&db.pool)
    .await?;
    let levels: Vec<ActivityLevelRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "select l.activity_id, l.node_id, l.level, n.title from activity_level l \
         join framework_node n on n.id = l.node_id where l.activity_id in ({}) order by n.title",
        id_list(rows.iter().map(|r| r.activity_id))
    )))
    .fetch_all(&db.pool)
    .await?;
    let nodes: Vec<NodeId> = levels.iter().map(|l| NodeId(l.node_id)).collect();
    let texts = positions::level_texts(db, &nodes, Track::Ic).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let kind = ActivityKind::parse(&r.kind).unwrap_or(ActivityKind::Course);
            let status = ActionStatus::parse(&r.status).unwrap_or(ActionStatus::Planned);
            let mine: Vec<&ActivityLevelRow> = levels
                .iter()
                .filter(|l| l.activity_id == r.activity_id)
                .collect();
            let provides = mine
                .iter()
                .map(|l| {
                    let level = u8::try_from(l.level).unwrap_or(0);
                    let name = texts
                        .get(&NodeId(l.node_id))
                        .map(|t| level_text(&t.0, level).0)
                        .unwrap_or_else(|| format!("Level {level}"));
                    (l.title.clone(), name)
                })
                .collect();
            let history = match (
                status,
                r.decided_at,
                &r.decided_by_name,
                r.completed_via.as_deref(),
            ) {
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
                    id: r.id,
                    activity: r.activity_id,
                    title: r.title,
                    kind,
                    provider: r.provider,
                    url: r.url,
                    duration: duration_text(u64::try_from(r.duration_minutes).unwrap_or(0)),
                    status,
                    status_label: status.label(kind).to_string(),
                    provides,
                    mentor: r.mentor_name,
                    mentor_confirmed: r.mentor_confirmed_by.is_some(),
                    report: r.report,
                    evidence_url: r.evidence_url,
                    feedback: r.feedback,
                    history,
                },
                mine.iter().map(|l| NodeId(l.node_id)).collect(),
            )
        })
        .collect())
}

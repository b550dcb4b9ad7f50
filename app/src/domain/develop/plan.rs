//! Personal development plans: the states of plans, goals and actions, what the plan page
//! shows, and the reminders it earns.

use super::catalogue::ActivityKind;
use super::close_gap::NodeChoice;
use super::values::{date_days, due_text};
use crate::domain::positions::LevelText;
use crate::domain::rating::DAY_MS;
use crate::domain::{NodeId, PersonId};
use serde::{Deserialize, Serialize};

/// The approval state of a whole plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PlanState {
    /// Being written; nobody was asked.
    Draft,
    /// Waiting for the manager's approval.
    Submitted,
    /// The manager approved it.
    Approved,
    /// The manager asked for changes.
    Changes,
}

impl PlanState {
    pub fn as_str(self) -> &'static str {
        match self {
            PlanState::Draft => "draft",
            PlanState::Submitted => "submitted",
            PlanState::Approved => "approved",
            PlanState::Changes => "changes",
        }
    }
    pub fn parse(s: &str) -> Option<PlanState> {
        Some(match s {
            "draft" => PlanState::Draft,
            "submitted" => PlanState::Submitted,
            "approved" => PlanState::Approved,
            "changes" => PlanState::Changes,
            _ => return None,
        })
    }
    pub fn label(self) -> &'static str {
        match self {
            PlanState::Draft => "Draft",
            PlanState::Submitted => "Waiting for approval",
            PlanState::Approved => "Approved",
            PlanState::Changes => "Changes requested",
        }
    }
}

/// A goal's stored status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum GoalStatus {
    Open,
    Achieved,
    Dropped,
}

impl GoalStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            GoalStatus::Open => "open",
            GoalStatus::Achieved => "achieved",
            GoalStatus::Dropped => "dropped",
        }
    }
    pub fn parse(s: &str) -> Option<GoalStatus> {
        Some(match s {
            "open" => GoalStatus::Open,
            "achieved" => GoalStatus::Achieved,
            "dropped" => GoalStatus::Dropped,
            _ => return None,
        })
    }
}

/// The state a goal is shown in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum GoalState {
    NotStarted,
    InProgress,
    Overdue,
    Achieved,
    Dropped,
}

impl GoalState {
    pub const ALL: [GoalState; 5] = [
        GoalState::NotStarted,
        GoalState::InProgress,
        GoalState::Overdue,
        GoalState::Achieved,
        GoalState::Dropped,
    ];
    pub fn label(self) -> &'static str {
        match self {
            GoalState::NotStarted => "Not started",
            GoalState::InProgress => "In progress",
            GoalState::Overdue => "Overdue",
            GoalState::Achieved => "Achieved",
            GoalState::Dropped => "Dropped",
        }
    }
    /// The CSS modifier that colours its badge.
    pub fn class(self) -> &'static str {
        match self {
            GoalState::NotStarted => "state-idle",
            GoalState::InProgress => "state-active",
            GoalState::Overdue => "state-late",
            GoalState::Achieved => "state-done",
            GoalState::Dropped => "state-dropped",
        }
    }
}

/// The state of a goal: stored `achieved`/`dropped` win; an open goal whose current level
/// reached the target is achieved; one past its due date is overdue; one with progress
/// (the level moved since it was set, or an action under way) is in progress.
pub fn goal_state(
    status: GoalStatus,
    start_level: u8,
    current: u8,
    target: u8,
    due: Option<&str>,
    today_ms: i64,
    action_under_way: bool,
) -> GoalState {
    match status {
        GoalStatus::Achieved => return GoalState::Achieved,
        GoalStatus::Dropped => return GoalState::Dropped,
        GoalStatus::Open => {}
    }
    if current >= target {
        return GoalState::Achieved;
    }
    let today = today_ms.div_euclid(DAY_MS);
    if due.and_then(date_days).is_some_and(|d| d < today) {
        return GoalState::Overdue;
    }
    if current > start_level || action_under_way {
        GoalState::InProgress
    } else {
        GoalState::NotStarted
    }
}

/// How far a goal has come: the share of the levels between where it started and the target
/// that are reached, as a percentage.
pub fn goal_progress(start_level: u8, current: u8, target: u8) -> u8 {
    if current >= target {
        return 100;
    }
    let span = target.saturating_sub(start_level);
    if span == 0 {
        return 0;
    }
    let done = current.saturating_sub(start_level).min(span);
    (u32::from(done) * 100 / u32::from(span)) as u8
}

/// Where a planned activity stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ActionStatus {
    /// In the plan, not done yet.
    Planned,
    /// Reported done; waiting for the manager (or the mentor) to confirm.
    Submitted,
    /// The reviewer asked for more.
    Returned,
    /// Confirmed: its levels were awarded.
    Completed,
    /// Taken out of the plan.
    Dropped,
}

impl ActionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ActionStatus::Planned => "planned",
            ActionStatus::Submitted => "submitted",
            ActionStatus::Returned => "returned",
            ActionStatus::Completed => "completed",
            ActionStatus::Dropped => "dropped",
        }
    }
    pub fn parse(s: &str) -> Option<ActionStatus> {
        Some(match s {
            "planned" => ActionStatus::Planned,
            "submitted" => ActionStatus::Submitted,
            "returned" => ActionStatus::Returned,
            "completed" => ActionStatus::Completed,
            "dropped" => ActionStatus::Dropped,
            _ => return None,
        })
    }
    pub fn label(self, kind: ActivityKind) -> &'static str {
        match (self, kind.needs_mentor()) {
            (ActionStatus::Planned, _) => "Planned",
            (ActionStatus::Submitted, true) => "Waiting for the mentor's sign-off",
            (ActionStatus::Submitted, false) => "Waiting for confirmation",
            (ActionStatus::Returned, true) => "Mentor asked for more",
            (ActionStatus::Returned, false) => "Manager asked for more",
            (ActionStatus::Completed, _) => "Completed",
            (ActionStatus::Dropped, _) => "Dropped",
        }
    }
    /// Whether the trainee may report it done now.
    pub fn can_report(self) -> bool {
        matches!(self, ActionStatus::Planned | ActionStatus::Returned)
    }
    /// Whether it is still being worked on (counts as progress on its goal).
    pub fn under_way(self) -> bool {
        matches!(self, ActionStatus::Submitted | ActionStatus::Returned)
    }
}

/// A goal as the plan shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GoalView {
    pub id: i64,
    pub node: NodeId,
    pub title: String,
    /// Ancestors' titles, framework first.
    pub path: Vec<String>,
    pub levels: Vec<LevelText>,
    pub target: u8,
    pub current: u8,
    pub start: u8,
    pub due: Option<String>,
    pub due_text: String,
    pub state: GoalState,
    pub progress: u8,
    pub note: String,
}

/// A planned activity as the plan shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionView {
    pub id: i64,
    pub activity: i64,
    pub title: String,
    pub kind: ActivityKind,
    pub provider: String,
    pub url: String,
    pub duration: String,
    pub status: ActionStatus,
    pub status_label: String,
    /// Levels it awards on completion: (title, level name).
    pub provides: Vec<(String, String)>,
    /// Who signs an on-the-job task off.
    pub mentor: Option<String>,
    /// Whether the trainee's manager (or an admin) named or confirmed the mentor; until
    /// then the mentor's sign-off cannot award levels.
    pub mentor_confirmed: bool,
    pub report: String,
    pub evidence_url: String,
    /// What the reviewer said last.
    pub feedback: String,
    /// "Completed on … (confirmed by …)" and the like.
    pub history: String,
}

/// A comment on a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanComment {
    pub author: String,
    pub at: String,
    pub body: String,
}

/// A person's development plan page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanPage {
    pub person: PersonId,
    pub person_name: String,
    pub is_me: bool,
    /// The caller manages the person (comments, approves, confirms).
    pub is_manager: bool,
    pub state: PlanState,
    pub updated: String,
    /// Not updated for [`STALE_PLAN_DAYS`] days.
    pub stale: bool,
    pub goals: Vec<GoalView>,
    pub actions: Vec<ActionView>,
    pub comments: Vec<PlanComment>,
    /// Reminders for the person (goals due soon, a stale plan).
    pub reminders: Vec<String>,
    /// How many goals of each state, in [`GoalState::ALL`] order.
    pub counts: Vec<(GoalState, u32)>,
    /// Has a position or target position whose gaps could start goals.
    pub has_gaps: bool,
    /// Competencies and skills a goal can be added on (the requirements of the position
    /// and target position without an open goal).
    pub options: Vec<NodeChoice>,
    pub now_ms: i64,
}

/// A plan not updated for this many days earns a reminder.
pub const STALE_PLAN_DAYS: i64 = 90;
/// Goals due within this many days earn a reminder.
pub const DUE_SOON_DAYS: i64 = 14;

/// Something waiting for a manager or mentor: a plan to approve or a completion to confirm.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingCheck {
    pub person: PersonId,
    pub person_name: String,
    /// The action, for a completion; `None` for a plan to approve.
    pub action: Option<i64>,
    pub what: String,
    pub report: String,
    pub evidence_url: String,
    pub at: String,
    /// The caller is the mentor (not the manager).
    pub as_mentor: bool,
}

/// The reminders for a plan: goals due within [`DUE_SOON_DAYS`] days (or overdue), and the
/// plan itself when not updated for [`STALE_PLAN_DAYS`] days.
pub fn reminders(goals: &[GoalView], updated_ms: i64, now_ms: i64) -> Vec<String> {
    goals
        .iter()
        .filter_map(|g| goal_reminder(&g.title, g.due.as_deref(), g.state, now_ms))
        .chain(stale_reminder(updated_ms, now_ms))
        .collect()
}

/// The reminder for one goal: a live goal due within [`DUE_SOON_DAYS`] days or overdue.
pub fn goal_reminder(
    title: &str,
    due: Option<&str>,
    state: GoalState,
    now_ms: i64,
) -> Option<String> {
    let live = matches!(
        state,
        GoalState::NotStarted | GoalState::InProgress | GoalState::Overdue
    );
    let due = due.filter(|_| live)?;
    let days = date_days(due)?;
    (days - now_ms.div_euclid(DAY_MS) <= DUE_SOON_DAYS)
        .then(|| format!("{title}: {}.", due_text(due, now_ms)))
}

/// The reminder for a plan not updated for [`STALE_PLAN_DAYS`] days.
pub fn stale_reminder(updated_ms: i64, now_ms: i64) -> Option<String> {
    plan_is_stale(updated_ms, now_ms).then(|| {
        format!(
            "Your plan has not been updated for {} days: review your goals.",
            (now_ms - updated_ms) / DAY_MS
        )
    })
}

/// Whether a plan last updated at `updated_ms` is stale.
pub fn plan_is_stale(updated_ms: i64, now_ms: i64) -> bool {
    now_ms - updated_ms >= STALE_PLAN_DAYS * DAY_MS
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn goal_states() {
        let now = date_days("2026-11-24").unwrap() * DAY_MS;
        let st = |status, start, cur, due: Option<&str>, busy| {
            goal_state(status, start, cur, 3, due, now, busy)
        };
        assert_eq!(
            st(GoalStatus::Open, 1, 1, None, false),
            GoalState::NotStarted
        );
        assert_eq!(
            st(GoalStatus::Open, 1, 2, None, false),
            GoalState::InProgress
        );
        assert_eq!(
            st(GoalStatus::Open, 1, 1, None, true),
            GoalState::InProgress
        );
        assert_eq!(
            st(GoalStatus::Open, 1, 2, Some("2026-11-01"), false),
            GoalState::Overdue
        );
        assert_eq!(
            st(GoalStatus::Open, 1, 3, Some("2026-11-01"), false),
            GoalState::Achieved
        );
        assert_eq!(
            st(GoalStatus::Dropped, 1, 3, None, false),
            GoalState::Dropped
        );
        assert_eq!(
            st(GoalStatus::Achieved, 1, 0, None, false),
            GoalState::Achieved
        );
        assert_eq!(goal_progress(1, 2, 3), 50);
        assert_eq!(goal_progress(1, 0, 3), 0);
        assert_eq!(goal_progress(3, 3, 3), 100);
    }

    #[test]
    fn reminders_for_due_goals_and_stale_plans() {
        let now = date_days("2026-11-24").unwrap() * DAY_MS;
        let goal = |due: &str, state| GoalView {
            id: 1,
            node: NodeId(1),
            title: "Testing".into(),
            path: vec![],
            levels: vec![],
            target: 3,
            current: 1,
            start: 1,
            due: Some(due.into()),
            due_text: String::new(),
            state,
            progress: 0,
            note: String::new(),
        };
        let goals = vec![
            goal("2026-12-01", GoalState::NotStarted),
            goal("2027-03-01", GoalState::InProgress),
            goal("2026-11-30", GoalState::Achieved),
        ];
        let r = reminders(&goals, now - DAY_MS, now);
        assert_eq!(r, vec!["Testing: due 1 Dec 2026 (in 7 days)."]);
        let r = reminders(&[], now - 91 * DAY_MS, now);
        assert_eq!(r.len(), 1);
        assert!(r[0].contains("91 days"));
    }

    proptest! {
        #[test]
        fn progress_is_a_percentage(start in 0u8..10, cur in 0u8..10, target in 1u8..10) {
            let p = goal_progress(start, cur, target);
            prop_assert!(p <= 100);
            prop_assert_eq!(p == 100, cur >= target);
        }
    }
}

//! Development: the learning catalogue, personal development plans (goals and actions),
//! completions that award levels, and what the pages about them show. The rules here are
//! pure (parsing durations and costs, the state a goal is in, what a completion may do
//! next) so both sides and the tests share them.

mod catalogue;
mod close_gap;
mod learning_csv;
mod plan;
mod values;

pub use catalogue::{
    check_activity, completion_awards, optional_link, ActivityFields, ActivityInput, ActivityKind,
    ActivityRow, Catalogue, Provided,
};
pub use close_gap::{CloseGap, GapLine, NodeChoice, Suggestion};
pub use learning_csv::{parse_learning_csv, LearningRow};
pub use plan::{
    goal_progress, goal_reminder, goal_state, plan_is_stale, reminders, stale_reminder,
    ActionStatus, ActionView, GoalState, GoalStatus, GoalView, PendingCheck, PlanComment, PlanPage,
    PlanState, DUE_SOON_DAYS, STALE_PLAN_DAYS,
};
pub use values::{
    cost_text, date_days, date_of, due_text, duration_text, parse_cost, parse_date, parse_duration,
    MAX_COST_CENTS, MAX_DURATION_MINUTES,
};

//! Development plans: goals with target levels, planned activities, completions to confirm,
//! comments and the manager's approval.

use super::AppError;
use crate::domain::develop::{PendingCheck, PlanPage};
use crate::domain::{NodeId, PersonId};
use leptos::prelude::*;
use std::collections::BTreeMap;

/// A development plan (the caller's by default).
#[server(prefix = "/api", endpoint = "plan/get")]
pub async fn load_plan(#[server(default)] person: Option<PersonId>) -> Result<PlanPage, AppError> {
    use crate::server::{ctx, plans};
    ctx::as_user(|st, me| async move { plans::page(&st.db, &me, person.unwrap_or(me.id)).await })
        .await
}

/// Adds a goal to a plan.
#[server(prefix = "/api", endpoint = "plan/goal/add")]
pub async fn add_goal(
    #[server(default)] person: Option<PersonId>,
    node: NodeId,
    target: String,
    #[server(default)] due: String,
    #[server(default)] note: String,
) -> Result<i64, AppError> {
    use crate::server::{audit, ctx, plans};
    ctx::as_user(|st, me| async move {
        let person = person.unwrap_or(me.id);
        let form = plans::GoalForm {
            target: &target,
            due: &due,
            note: &note,
        };
        let id = plans::add_goal(&st.db, &me, person, node, form).await?;
        if person != me.id {
            // a manager's or an admin's change to someone else's plan
            let after = Some(serde_json::json!({ "goal": id, "node": node.0, "target": target, "due": due, "note": note }));
            audit::by(&st.db, me.id).did("add_goal", "dev_plan", person.0, after).await?;
        }
        Ok(id)
    })
    .await
}

/// Changes a goal's target level, due date and note.
#[server(prefix = "/api", endpoint = "plan/goal/update")]
pub async fn update_goal(
    goal: i64,
    target: String,
    #[server(default)] due: String,
    #[server(default)] note: String,
) -> Result<(), AppError> {
    use crate::server::{ctx, plans};
    ctx::as_user(|st, me| async move {
        let form = plans::GoalForm {
            target: &target,
            due: &due,
            note: &note,
        };
        plans::update_goal(&st.db, &me, goal, form).await?;
        plans::log_goal_change(&st.db, &me, "update_goal", goal).await
    })
    .await
}

/// Drops a goal (`dropped`) or opens it again (`open`).
#[server(prefix = "/api", endpoint = "plan/goal/status")]
pub async fn set_goal_status(goal: i64, status: String) -> Result<(), AppError> {
    use crate::server::{ctx, plans};
    ctx::as_user(|st, me| async move {
        plans::set_goal_status(&st.db, &me, goal, &status).await?;
        plans::log_goal_change(&st.db, &me, "goal_status", goal).await
    })
    .await
}

/// Starts goals from the gaps to the position (`scope` position) or target position.
#[server(prefix = "/api", endpoint = "plan/goal/from-gaps")]
pub async fn start_goals_from_gaps(
    #[server(default)] person: Option<PersonId>,
    #[server(default)] scope: String,
    #[server(default)] due: String,
) -> Result<u32, AppError> {
    use crate::server::{audit, ctx, plans};
    ctx::as_user(|st, me| async move {
        let person = person.unwrap_or(me.id);
        let n = plans::start_from_gaps(&st.db, &me, person, &scope, &due).await?;
        if person != me.id {
            let after = Some(serde_json::json!({ "scope": scope, "due": due, "goals": n }));
            audit::by(&st.db, me.id)
                .did("goals_from_gaps", "dev_plan", person.0, after)
                .await?;
        }
        Ok(n)
    })
    .await
}

/// Adds the ticked activities (`activities[ID]=on`, or the one in `activity`) to a plan,
/// with goals for the gaps in `scope` they close.
#[server(prefix = "/api", endpoint = "plan/add-activities")]
pub async fn add_to_plan(
    #[server(default)] person: Option<PersonId>,
    #[server(default)] scope: String,
    #[server(default)] activity: Option<i64>,
    #[server(default)] activities: BTreeMap<String, String>,
) -> Result<u32, AppError> {
    use crate::server::{audit, ctx, plans};
    ctx::as_user(|st, me| async move {
        let list: Vec<i64> = match activity {
            Some(a) => vec![a],
            None => crate::api::ticked(&activities, "activities", 200)?,
        };
        let person = person.unwrap_or(me.id);
        let n = plans::add_activities(&st.db, &me, person, &list, &scope).await?;
        if person != me.id {
            let after = Some(serde_json::json!({ "activities": list, "scope": scope, "added": n }));
            audit::by(&st.db, me.id)
                .did("add_activities", "dev_plan", person.0, after)
                .await?;
        }
        Ok(n)
    })
    .await
}

/// Takes a planned activity out of the plan.
#[server(prefix = "/api", endpoint = "plan/action/drop")]
pub async fn drop_action(id: i64) -> Result<(), AppError> {
    use crate::server::{ctx, plans};
    ctx::as_user(|st, me| async move { plans::drop_action(&st.db, &me, id).await }).await
}

/// Names the mentor of an on-the-job task; returns their name.
#[server(prefix = "/api", endpoint = "plan/action/mentor")]
pub async fn set_mentor(id: i64, mentor: String) -> Result<String, AppError> {
    use crate::server::{ctx, plans};
    ctx::as_user(|st, me| async move { plans::set_mentor(&st.db, &me, id, &mentor).await }).await
}

/// Reports a planned activity done, with what was done and a link to evidence.
#[server(prefix = "/api", endpoint = "plan/action/report")]
pub async fn report_done(
    id: i64,
    #[server(default)] report: String,
    #[server(default)] evidence_url: String,
) -> Result<(), AppError> {
    use crate::server::{ctx, plans};
    ctx::as_user(|st, me| async move {
        plans::report_done(&st.db, &me, id, &report, &evidence_url).await
    })
    .await
}

/// Confirms (`decision` confirm) a reported activity or asks for more (`more`, with
/// feedback): the manager, or the mentor for an on-the-job task. Returns levels awarded.
#[server(prefix = "/api", endpoint = "plan/action/decide")]
pub async fn decide_completion(
    id: i64,
    decision: String,
    #[server(default)] feedback: String,
) -> Result<u32, AppError> {
    use crate::server::{ctx, plans};
    ctx::as_user(|st, me| async move {
        let confirm = match decision.as_str() {
            "confirm" => true,
            "more" => false,
            _ => return Err(AppError::invalid("decision", "Confirm, or ask for more.")),
        };
        plans::decide_action(&st.db, &me, id, confirm, &feedback).await
    })
    .await
}

/// The caller asks their manager to approve their plan.
#[server(prefix = "/api", endpoint = "plan/submit")]
pub async fn submit_plan() -> Result<(), AppError> {
    use crate::server::{ctx, plans};
    ctx::as_user(|st, me| async move { plans::submit_plan(&st.db, &me, me.id).await }).await
}

/// A manager approves (`decision` approve) a report's plan or asks for changes.
#[server(prefix = "/api", endpoint = "plan/decide")]
pub async fn decide_plan(
    person: PersonId,
    decision: String,
    #[server(default)] comment: String,
) -> Result<(), AppError> {
    use crate::server::{ctx, plans};
    ctx::as_user(|st, me| async move {
        let approve = match decision.as_str() {
            "approve" => true,
            "changes" => false,
            _ => {
                return Err(AppError::invalid(
                    "decision",
                    "Approve, or ask for changes.",
                ))
            }
        };
        plans::decide_plan(&st.db, &me, person, approve, &comment).await
    })
    .await
}

/// Comments on a plan.
#[server(prefix = "/api", endpoint = "plan/comment")]
pub async fn comment_plan(
    #[server(default)] person: Option<PersonId>,
    body: String,
) -> Result<(), AppError> {
    use crate::server::{ctx, plans};
    ctx::as_user(|st, me| async move {
        plans::comment(&st.db, &me, person.unwrap_or(me.id), &body).await
    })
    .await
}

/// Plans to approve, completions to confirm and tasks to sign off, for the caller.
#[server(prefix = "/api", endpoint = "plan/checks")]
pub async fn load_checks() -> Result<Vec<PendingCheck>, AppError> {
    use crate::server::{ctx, plans};
    ctx::as_user(|st, me| async move { plans::checks(&st.db, me.id).await }).await
}

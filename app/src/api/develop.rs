//! Development: the learning catalogue, "close my gap", development plans, completions,
//! and recognition.

use super::AppError;
use crate::domain::develop::{
    ActivityInput, ActivityRow, Catalogue, CloseGap, NodeChoice, PendingCheck, PlanPage,
};
use crate::domain::recognition::RecognitionPage;
use crate::domain::{NodeId, PersonId};
use leptos::prelude::*;
use std::collections::BTreeMap;

/// The catalogue (everyone signed in); `archived` also lists archived entries (admins).
#[server(prefix = "/api", endpoint = "learning/catalogue")]
pub async fn load_catalogue(
    #[server(default)] q: String,
    #[server(default)] archived: bool,
) -> Result<Catalogue, AppError> {
    use crate::server::{ctx, learning};
    ctx::reply(async move {
        let (st, me) = ctx::user()?;
        learning::list(&st.db, &me, &q, archived).await
    })
    .await
}

/// One catalogue entry.
#[server(prefix = "/api", endpoint = "learning/activity")]
pub async fn load_activity(id: i64) -> Result<ActivityRow, AppError> {
    use crate::server::{ctx, learning};
    ctx::reply(async move {
        let (st, _) = ctx::user()?;
        learning::get(&st.db, id).await
    })
    .await
}

/// Creates (no `id`) or saves an activity (admins); returns its id.
#[server(prefix = "/api", endpoint = "learning/save")]
pub async fn save_activity(
    #[server(default)] id: Option<i64>,
    input: ActivityInput,
) -> Result<i64, AppError> {
    use crate::server::{audit, ctx, learning};
    ctx::reply(async move {
        let (st, me) = ctx::admin()?;
        let before = match id {
            Some(id) => audit::row(&st.db.pool, "activity", audit::ACTIVITY, "id", id).await?,
            None => None,
        };
        let id = match id {
            Some(id) => learning::update(&st.db, id, &input).await.map(|_| id)?,
            None => learning::create(&st.db, &input).await?,
        };
        let after = audit::row(&st.db.pool, "activity", audit::ACTIVITY, "id", id).await?;
        let action = if before.is_some() { "update" } else { "create" };
        audit::record(&st.db.pool, me.id, action, "activity", id, before, after).await?;
        Ok(id)
    })
    .await
}

/// Offers (`active` = "on") or archives an activity (admins).
#[server(prefix = "/api", endpoint = "learning/active")]
pub async fn set_activity_active(
    id: i64,
    #[server(default)] active: String,
) -> Result<(), AppError> {
    use crate::server::{audit, ctx, learning};
    ctx::reply(async move {
        let (st, me) = ctx::admin()?;
        let on = active == "on" || active == "true";
        let before = audit::row(&st.db.pool, "activity", audit::ACTIVITY, "id", id).await?;
        learning::set_active(&st.db, id, on).await?;
        let after = audit::row(&st.db.pool, "activity", audit::ACTIVITY, "id", id).await?;
        let action = if on { "offer" } else { "archive" };
        audit::record(&st.db.pool, me.id, action, "activity", id, before, after).await
    })
    .await
}

/// Sets the level an activity awards on a node (admins).
#[server(prefix = "/api", endpoint = "learning/level")]
pub async fn set_activity_level(id: i64, node: NodeId, level: String) -> Result<(), AppError> {
    use crate::server::{audit, ctx, learning};
    ctx::reply(async move {
        let (st, me) = ctx::admin()?;
        learning::set_level(&st.db, id, node, &level).await?;
        let after = Some(serde_json::json!({ "node": node.0, "level": level }));
        audit::record(&st.db.pool, me.id, "set_level", "activity", id, None, after).await
    })
    .await
}

/// Stops an activity awarding a level on a node (admins).
#[server(prefix = "/api", endpoint = "learning/unlevel")]
pub async fn remove_activity_level(id: i64, node: NodeId) -> Result<(), AppError> {
    use crate::server::{audit, ctx, learning};
    ctx::reply(async move {
        let (st, me) = ctx::admin()?;
        learning::remove_level(&st.db, id, node).await?;
        let before = Some(serde_json::json!({ "node": node.0 }));
        audit::record(
            &st.db.pool,
            me.id,
            "remove_level",
            "activity",
            id,
            before,
            None,
        )
        .await
    })
    .await
}

/// Competencies and skills matching `q`, to add a level to an activity (admins).
#[server(prefix = "/api", endpoint = "learning/nodes")]
pub async fn search_nodes(#[server(default)] q: String) -> Result<Vec<NodeChoice>, AppError> {
    use crate::server::{ctx, learning};
    ctx::reply(async move {
        let (st, _) = ctx::admin()?;
        learning::node_search(&st.db, &q).await
    })
    .await
}

/// "Close my gap": the shortest set of activities closing the gaps to the position
/// (`scope` position), the target position (`target`) or the plan's goals (`plan`).
#[server(prefix = "/api", endpoint = "learning/close-gap")]
pub async fn close_my_gap(
    #[server(default)] person: Option<PersonId>,
    #[server(default)] scope: String,
) -> Result<CloseGap, AppError> {
    use crate::server::{ctx, learning};
    ctx::reply(async move {
        let (st, me) = ctx::user()?;
        learning::close_gap(&st.db, &me, person.unwrap_or(me.id), &scope).await
    })
    .await
}

/// A development plan (the caller's by default).
#[server(prefix = "/api", endpoint = "plan/get")]
pub async fn load_plan(#[server(default)] person: Option<PersonId>) -> Result<PlanPage, AppError> {
    use crate::server::{ctx, plans};
    ctx::reply(async move {
        let (st, me) = ctx::user()?;
        plans::page(&st.db, &me, person.unwrap_or(me.id)).await
    })
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
    ctx::reply(async move {
        let (st, me) = ctx::user()?;
        let person = person.unwrap_or(me.id);
        let id = plans::add_goal(&st.db, &me, person, node, &target, &due, &note).await?;
        if person != me.id {
            // a manager's or an admin's change to someone else's plan
            let after = Some(serde_json::json!({ "goal": id, "node": node.0, "target": target, "due": due, "note": note }));
            audit::record(&st.db.pool, me.id, "add_goal", "dev_plan", person.0, None, after).await?;
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
    use crate::server::{audit, ctx, plans};
    ctx::reply(async move {
        let (st, me) = ctx::user()?;
        plans::update_goal(&st.db, &me, goal, &target, &due, &note).await?;
        let owner = audit::row(
            &st.db.pool,
            "plan_goal",
            "person_id, target_level, due_on, note",
            "id",
            goal,
        )
        .await?;
        if owner.as_ref().and_then(|o| o["person_id"].as_str())
            != Some(me.id.0.to_string().as_str())
        {
            audit::record(
                &st.db.pool,
                me.id,
                "update_goal",
                "plan_goal",
                goal,
                None,
                owner,
            )
            .await?;
        }
        Ok(())
    })
    .await
}

/// Drops a goal (`dropped`) or opens it again (`open`).
#[server(prefix = "/api", endpoint = "plan/goal/status")]
pub async fn set_goal_status(goal: i64, status: String) -> Result<(), AppError> {
    use crate::server::{audit, ctx, plans};
    ctx::reply(async move {
        let (st, me) = ctx::user()?;
        plans::set_goal_status(&st.db, &me, goal, &status).await?;
        let owner = audit::row(&st.db.pool, "plan_goal", "person_id, status", "id", goal).await?;
        if owner.as_ref().and_then(|o| o["person_id"].as_str())
            != Some(me.id.0.to_string().as_str())
        {
            audit::record(
                &st.db.pool,
                me.id,
                "goal_status",
                "plan_goal",
                goal,
                None,
                owner,
            )
            .await?;
        }
        Ok(())
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
    ctx::reply(async move {
        let (st, me) = ctx::user()?;
        let person = person.unwrap_or(me.id);
        let n = plans::start_from_gaps(&st.db, &me, person, &scope, &due).await?;
        if person != me.id {
            let after = Some(serde_json::json!({ "scope": scope, "due": due, "goals": n }));
            audit::record(
                &st.db.pool,
                me.id,
                "goals_from_gaps",
                "dev_plan",
                person.0,
                None,
                after,
            )
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
    ctx::reply(async move {
        let (st, me) = ctx::user()?;
        let list: Vec<i64> = match activity {
            Some(a) => vec![a],
            None => crate::api::ticked(&activities, "activities", 200)?,
        };
        let person = person.unwrap_or(me.id);
        let n = plans::add_activities(&st.db, &me, person, &list, &scope).await?;
        if person != me.id {
            let after = Some(serde_json::json!({ "activities": list, "scope": scope, "added": n }));
            audit::record(
                &st.db.pool,
                me.id,
                "add_activities",
                "dev_plan",
                person.0,
                None,
                after,
            )
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
    ctx::reply(async move {
        let (st, me) = ctx::user()?;
        plans::drop_action(&st.db, &me, id).await
    })
    .await
}

/// Names the mentor of an on-the-job task; returns their name.
#[server(prefix = "/api", endpoint = "plan/action/mentor")]
pub async fn set_mentor(id: i64, mentor: String) -> Result<String, AppError> {
    use crate::server::{ctx, plans};
    ctx::reply(async move {
        let (st, me) = ctx::user()?;
        plans::set_mentor(&st.db, &me, id, &mentor).await
    })
    .await
}

/// Reports a planned activity done, with what was done and a link to evidence.
#[server(prefix = "/api", endpoint = "plan/action/report")]
pub async fn report_done(
    id: i64,
    #[server(default)] report: String,
    #[server(default)] evidence_url: String,
) -> Result<(), AppError> {
    use crate::server::{ctx, plans};
    ctx::reply(async move {
        let (st, me) = ctx::user()?;
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
    ctx::reply(async move {
        let (st, me) = ctx::user()?;
        let confirm = match decision.as_str() {
            "confirm" => true,
            "more" => false,
            _ => return Err(AppError::invalid("decision", "Confirm, or ask for more.")),
        };
        plans::decide_action(&st.db, &me, id, confirm, &feedback).await
    })
    .await
}

/// Records a completion for a person (by e-mail) and an activity (by id or identifier):
/// admins, and learning systems signed in as one (`source` api). Returns levels awarded.
#[server(prefix = "/api", endpoint = "learning/complete")]
pub async fn record_completion(
    email: String,
    activity: String,
    #[server(default)] source: String,
) -> Result<u32, AppError> {
    use crate::server::{ctx, plans};
    ctx::reply(async move {
        let (st, me) = ctx::admin()?;
        plans::record_completion(&st.db, &me, &email, &activity, source == "api").await
    })
    .await
}

/// The caller asks their manager to approve their plan.
#[server(prefix = "/api", endpoint = "plan/submit")]
pub async fn submit_plan() -> Result<(), AppError> {
    use crate::server::{ctx, plans};
    ctx::reply(async move {
        let (st, me) = ctx::user()?;
        plans::submit_plan(&st.db, &me, me.id).await
    })
    .await
}

/// A manager approves (`decision` approve) a report's plan or asks for changes.
#[server(prefix = "/api", endpoint = "plan/decide")]
pub async fn decide_plan(
    person: PersonId,
    decision: String,
    #[server(default)] comment: String,
) -> Result<(), AppError> {
    use crate::server::{ctx, plans};
    ctx::reply(async move {
        let (st, me) = ctx::user()?;
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
    ctx::reply(async move {
        let (st, me) = ctx::user()?;
        plans::comment(&st.db, &me, person.unwrap_or(me.id), &body).await
    })
    .await
}

/// Plans to approve, completions to confirm and tasks to sign off, for the caller.
#[server(prefix = "/api", endpoint = "plan/checks")]
pub async fn load_checks() -> Result<Vec<PendingCheck>, AppError> {
    use crate::server::{ctx, plans};
    ctx::reply(async move {
        let (st, me) = ctx::user()?;
        plans::checks(&st.db, me.id).await
    })
    .await
}

/// Points, badges, the unit's leaderboard and exportable awards (the caller's by default).
#[server(prefix = "/api", endpoint = "recognition/get")]
pub async fn load_recognition(
    #[server(default)] person: Option<PersonId>,
) -> Result<RecognitionPage, AppError> {
    use crate::server::{ctx, recognition};
    ctx::reply(async move {
        let (st, me) = ctx::user()?;
        recognition::page(&st.db, &me, person.unwrap_or(me.id)).await
    })
    .await
}

/// Takes the caller off (`choice` out) or back onto (`in`) their unit's leaderboard.
#[server(prefix = "/api", endpoint = "recognition/leaderboard")]
pub async fn set_leaderboard(choice: String) -> Result<(), AppError> {
    use crate::server::{ctx, recognition};
    ctx::reply(async move {
        let (st, me) = ctx::user()?;
        let out = match choice.as_str() {
            "out" => true,
            "in" => false,
            _ => return Err(AppError::invalid("choice", "Choose to be listed or not.")),
        };
        recognition::set_opt_out(&st.db, &me, out).await
    })
    .await
}

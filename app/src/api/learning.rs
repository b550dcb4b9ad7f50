//! Learning: the catalogue of activities and the levels they award, "close my gap", and
//! completions recorded by admins or learning systems.

use super::AppError;
use crate::domain::develop::{ActivityInput, ActivityRow, Catalogue, CloseGap, NodeChoice};
use crate::domain::{NodeId, PersonId};
use leptos::prelude::*;

/// The catalogue (everyone signed in); `archived` also lists archived entries (admins).
#[server(prefix = "/api", endpoint = "learning/catalogue")]
pub async fn load_catalogue(
    #[server(default)] q: String,
    #[server(default)] archived: bool,
) -> Result<Catalogue, AppError> {
    use crate::server::{ctx, learning};
    ctx::as_user(|st, me| async move { learning::list(&st.db, &me, &q, archived).await }).await
}

/// One catalogue entry.
#[server(prefix = "/api", endpoint = "learning/activity")]
pub async fn load_activity(id: i64) -> Result<ActivityRow, AppError> {
    use crate::server::{ctx, learning};
    ctx::as_user(|st, _| async move { learning::get(&st.db, id).await }).await
}

/// Creates (no `id`) or saves an activity (admins); returns its id.
#[server(prefix = "/api", endpoint = "learning/save")]
pub async fn save_activity(
    #[server(default)] id: Option<i64>,
    input: ActivityInput,
) -> Result<i64, AppError> {
    use crate::server::{audit, ctx, learning};
    ctx::as_admin(|st, me| async move {
        let log = audit::by(&st.db, me.id);
        match id {
            Some(id) => {
                let saved = learning::update(&st.db, id, &input);
                log.change("update", &audit::ACTIVITY, id, saved).await?;
                Ok(id)
            }
            None => {
                let id = learning::create(&st.db, &input).await?;
                log.created(&audit::ACTIVITY, id).await?;
                Ok(id)
            }
        }
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
    ctx::as_admin(|st, me| async move {
        let on = active == "on" || active == "true";
        let action = if on { "offer" } else { "archive" };
        let change = learning::set_active(&st.db, id, on);
        audit::by(&st.db, me.id)
            .change(action, &audit::ACTIVITY, id, change)
            .await
    })
    .await
}

/// Sets the level an activity awards on a node (admins).
#[server(prefix = "/api", endpoint = "learning/level")]
pub async fn set_activity_level(id: i64, node: NodeId, level: String) -> Result<(), AppError> {
    use crate::server::{audit, ctx, learning};
    ctx::as_admin(|st, me| async move {
        learning::set_level(&st.db, id, node, &level).await?;
        let after = Some(serde_json::json!({ "node": node.0, "level": level }));
        audit::by(&st.db, me.id)
            .did("set_level", "activity", id, after)
            .await
    })
    .await
}

/// Stops an activity awarding a level on a node (admins).
#[server(prefix = "/api", endpoint = "learning/unlevel")]
pub async fn remove_activity_level(id: i64, node: NodeId) -> Result<(), AppError> {
    use crate::server::{audit, ctx, learning};
    ctx::as_admin(|st, me| async move {
        learning::remove_level(&st.db, id, node).await?;
        let before = Some(serde_json::json!({ "node": node.0 }));
        audit::by(&st.db, me.id)
            .removed("remove_level", "activity", id, before)
            .await
    })
    .await
}

/// Competencies and skills matching `q`, to add a level to an activity (admins).
#[server(prefix = "/api", endpoint = "learning/nodes")]
pub async fn search_nodes(#[server(default)] q: String) -> Result<Vec<NodeChoice>, AppError> {
    use crate::server::{ctx, learning};
    ctx::as_admin(|st, _| async move { learning::node_search(&st.db, &q).await }).await
}

/// "Close my gap": the shortest set of activities closing the gaps to the position
/// (`scope` position), the target position (`target`) or the plan's goals (`plan`).
#[server(prefix = "/api", endpoint = "learning/close-gap")]
pub async fn close_my_gap(
    #[server(default)] person: Option<PersonId>,
    #[server(default)] scope: String,
) -> Result<CloseGap, AppError> {
    use crate::server::{ctx, learning};
    ctx::as_user(|st, me| async move {
        learning::close_gap(&st.db, &me, person.unwrap_or(me.id), &scope).await
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
    ctx::as_admin(|st, me| async move {
        plans::record_completion(&st.db, &me, &email, &activity, source == "api").await
    })
    .await
}

//! Positions, requirements, assignment and career paths. Everyone signed in reads the
//! positions and the career map; only admins change them. Comparisons follow the directory's
//! rule: yourself, your reports, or anyone for admins and HR viewers.

use super::AppError;
use crate::domain::positions::{
    CareerMap, ComparisonPage, PathLinkId, PathLinkInput, Picker, PositionId, PositionInput,
    PositionOverview, PositionPage, PositionSummary, RequirementInput, Suggestion,
};
use crate::domain::{FrameworkId, NodeId, PersonId};
use leptos::prelude::*;

/// Every position with its counts.
#[server(prefix = "/api", endpoint = "positions/list")]
pub async fn list_positions() -> Result<Vec<PositionSummary>, AppError> {
    use crate::server::{ctx, positions};
    ctx::as_user(|st, _me| async move { positions::summaries(&st.db).await }).await
}

/// Creates a position and opens it (admins only).
#[server(prefix = "/api", endpoint = "positions/create")]
pub async fn create_position(input: PositionInput) -> Result<PositionId, AppError> {
    use crate::server::{audit, ctx, positions};
    ctx::as_admin(|st, me| async move {
        let id = positions::create(&st.db, &input).await?;
        audit::by(&st.db, me.id)
            .created(&audit::POSITION, id.0)
            .await?;
        leptos_axum::redirect(&format!("/positions/{id}"));
        Ok(id)
    })
    .await
}

/// The position editor's data (admins only).
#[server(prefix = "/api", endpoint = "positions/get")]
pub async fn load_position(id: PositionId) -> Result<PositionPage, AppError> {
    use crate::server::{ctx, positions};
    ctx::as_admin(|st, _me| async move { positions::page(&st.db, id).await }).await
}

/// Saves a position's title, description, track, rank and unit (admins only).
#[server(prefix = "/api", endpoint = "positions/save")]
pub async fn save_position(id: PositionId, input: PositionInput) -> Result<(), AppError> {
    use crate::server::{audit, ctx, positions};
    ctx::as_admin(|st, me| async move {
        audit::by(&st.db, me.id)
            .change(
                "update",
                &audit::POSITION,
                id.0,
                positions::update(&st.db, id, &input),
            )
            .await
    })
    .await
}

/// Deletes a position (admins only); its holders keep their records without a position.
#[server(prefix = "/api", endpoint = "positions/delete")]
pub async fn delete_position(id: PositionId) -> Result<(), AppError> {
    use crate::server::{audit, ctx, positions};
    ctx::as_admin(|st, me| async move {
        audit::by(&st.db, me.id)
            .change(
                "delete",
                &audit::POSITION,
                id.0,
                positions::delete(&st.db, id),
            )
            .await?;
        leptos_axum::redirect("/positions");
        Ok(())
    })
    .await
}

/// The requirement picker: frameworks, and one framework's nodes matching `q` (admins).
#[server(prefix = "/api", endpoint = "positions/picker")]
pub async fn position_picker(
    position: PositionId,
    #[server(default)] framework: Option<FrameworkId>,
    #[server(default)] q: String,
) -> Result<Picker, AppError> {
    use crate::server::{ctx, positions};
    ctx::as_admin(|st, _me| async move { positions::picker(&st.db, position, framework, &q).await })
        .await
}

/// Adds one requirement (admins only).
#[server(prefix = "/api", endpoint = "positions/add_requirement")]
pub async fn add_requirement(
    position: PositionId,
    input: RequirementInput,
) -> Result<(), AppError> {
    use crate::server::{audit, ctx, positions};
    ctx::as_admin(|st, me| async move {
        positions::add_requirement(&st.db, position, &input).await?;
        let after = audit::json(&input);
        audit::by(&st.db, me.id)
            .did("add_requirement", "position", position.0, after)
            .await
    })
    .await
}

/// Adds a competency (or category) with every rateable node inside it, at `level` (empty:
/// each scale's threshold). Returns how many were added (admins only).
#[server(prefix = "/api", endpoint = "positions/add_whole")]
pub async fn add_whole_competency(
    position: PositionId,
    node: String,
    #[server(default)] level: String,
) -> Result<u32, AppError> {
    use crate::server::{audit, ctx, positions};
    ctx::as_admin(|st, me| async move {
        let n = positions::add_whole(&st.db, position, &node, &level).await?;
        let after = Some(serde_json::json!({ "node": node, "level": level, "added": n }));
        audit::by(&st.db, me.id)
            .did("add_requirement", "position", position.0, after)
            .await?;
        Ok(n)
    })
    .await
}

/// Changes a requirement's level, weight and mandatory flag (admins only).
#[server(prefix = "/api", endpoint = "positions/update_requirement")]
pub async fn update_requirement(
    position: PositionId,
    input: RequirementInput,
) -> Result<(), AppError> {
    use crate::server::{audit, ctx, positions};
    ctx::as_admin(|st, me| async move {
        positions::update_requirement(&st.db, position, &input).await?;
        let after = audit::json(&input);
        audit::by(&st.db, me.id)
            .did("update_requirement", "position", position.0, after)
            .await
    })
    .await
}

/// Removes a requirement (admins only).
#[server(prefix = "/api", endpoint = "positions/remove_requirement")]
pub async fn remove_requirement(position: PositionId, node: NodeId) -> Result<(), AppError> {
    use crate::server::{audit, ctx, positions};
    ctx::as_admin(|st, me| async move {
        positions::remove_requirement(&st.db, position, node).await?;
        let before = Some(serde_json::json!({ "node": node.0 }));
        audit::by(&st.db, me.id)
            .removed("remove_requirement", "position", position.0, before)
            .await
    })
    .await
}

/// About 15 competencies and skills for a job description, best first, leaving out those
/// already required and the `rejected` ids (comma-separated). Admins only.
#[server(prefix = "/api", endpoint = "positions/draft")]
pub async fn draft_requirements(
    position: PositionId,
    description: String,
    #[server(default)] rejected: String,
) -> Result<Vec<Suggestion>, AppError> {
    use crate::server::{ctx, drafting};
    ctx::as_admin(|st, _me| async move {
        let rejected = rejected
            .split(',')
            .take(5_000)
            .filter_map(|s| s.trim().parse::<NodeId>().ok())
            .collect();
        drafting::suggest(&st.db, position, &description, &rejected).await
    })
    .await
}

/// Makes the person with `email` hold the position; returns their name (admins only).
#[server(prefix = "/api", endpoint = "positions/assign")]
pub async fn assign_position(position: PositionId, email: String) -> Result<String, AppError> {
    use crate::server::{audit, ctx, positions};
    ctx::as_admin(|st, me| async move {
        let msg = positions::assign(&st.db, position, &email).await?;
        let after = Some(serde_json::json!({ "email": email }));
        audit::by(&st.db, me.id)
            .did("assign", "position", position.0, after)
            .await?;
        Ok(msg)
    })
    .await
}

/// Makes everyone in an org unit (`below`: and its sub-units) hold the position; returns
/// how many people that is (admins only).
#[server(prefix = "/api", endpoint = "positions/assign_unit")]
pub async fn assign_unit(
    position: PositionId,
    unit_id: String,
    #[server(default)] below: Option<String>,
) -> Result<u32, AppError> {
    use crate::server::{audit, ctx, positions};
    ctx::as_admin(|st, me| async move {
        let n = positions::assign_unit(&st.db, position, &unit_id, below.is_some()).await?;
        let after =
            Some(serde_json::json!({ "unit": unit_id, "below": below.is_some(), "assigned": n }));
        audit::by(&st.db, me.id)
            .did("assign_unit", "position", position.0, after)
            .await?;
        Ok(n)
    })
    .await
}

/// Leaves a person without a position (admins only).
#[server(prefix = "/api", endpoint = "positions/unassign")]
pub async fn unassign_position(person: PersonId) -> Result<(), AppError> {
    use crate::server::{audit, ctx, positions};
    ctx::as_admin(|st, me| async move {
        audit::by(&st.db, me.id)
            .change(
                "unassign_position",
                &audit::PERSON,
                person.0,
                positions::set_position(&st.db, person, None),
            )
            .await
    })
    .await
}

/// Names (or, with an empty `target`, clears) a target position: for yourself, or for
/// anyone as an admin. `person` defaults to the caller.
#[server(prefix = "/api", endpoint = "positions/set_target")]
pub async fn set_target_position(
    #[server(default)] person: Option<PersonId>,
    #[server(default)] target: String,
) -> Result<(), AppError> {
    use crate::server::{audit, ctx, positions};
    ctx::as_user(|st, me| async move {
        let target = match target.trim() {
            "" => None,
            t => Some(t.parse::<PositionId>().map_err(|_| {
                AppError::invalid("target", "Choose a position from the career map.")
            })?),
        };
        let person = person.unwrap_or(me.id);
        positions::set_target(&st.db, &me, person, target).await?;
        if person != me.id {
            // someone else's target: a manager's or an admin's change
            let after = Some(serde_json::json!({ "target_position_id": target.map(|t| t.0) }));
            audit::by(&st.db, me.id)
                .did("set_target", "person", person.0, after)
                .await?;
        }
        Ok(())
    })
    .await
}

/// The career map: positions, links, the drawing, and the caller's place on it.
#[server(prefix = "/api", endpoint = "careers/map")]
pub async fn load_career_map() -> Result<CareerMap, AppError> {
    use crate::server::{ctx, positions};
    ctx::as_user(|st, me| async move { positions::career_map(&st.db, &me).await }).await
}

/// One position's requirements and moves, for the career map's panel.
#[server(prefix = "/api", endpoint = "careers/position")]
pub async fn load_position_overview(id: PositionId) -> Result<PositionOverview, AppError> {
    use crate::server::{ctx, positions};
    ctx::as_user(|st, _me| async move { positions::overview(&st.db, id).await }).await
}

/// Adds a career-path link (admins only).
#[server(prefix = "/api", endpoint = "careers/add_link")]
pub async fn add_career_link(input: PathLinkInput) -> Result<PathLinkId, AppError> {
    use crate::server::{audit, ctx, positions};
    ctx::as_admin(|st, me| async move {
        let id = positions::add_link(&st.db, &input).await?;
        let after = audit::json(&input);
        audit::by(&st.db, me.id)
            .did("create", "career_link", id.0, after)
            .await?;
        Ok(id)
    })
    .await
}

/// Changes a link's kind and notes (admins only).
#[server(prefix = "/api", endpoint = "careers/update_link")]
pub async fn update_career_link(
    id: PathLinkId,
    kind: String,
    #[server(default)] notes: String,
) -> Result<(), AppError> {
    use crate::server::{audit, ctx, positions};
    ctx::as_admin(|st, me| async move {
        positions::update_link(&st.db, id, &kind, &notes).await?;
        let after = Some(serde_json::json!({ "kind": kind, "notes": notes }));
        audit::by(&st.db, me.id)
            .did("update", "career_link", id.0, after)
            .await
    })
    .await
}

/// Removes a link (admins only).
#[server(prefix = "/api", endpoint = "careers/delete_link")]
pub async fn delete_career_link(id: PathLinkId) -> Result<(), AppError> {
    use crate::server::{audit, ctx, positions};
    ctx::as_admin(|st, me| async move {
        positions::delete_link(&st.db, id).await?;
        audit::by(&st.db, me.id)
            .did("delete", "career_link", id.0, None)
            .await
    })
    .await
}

/// "What do I need for this position": the requirements side by side with `person`'s
/// current levels (default: the caller).
#[server(prefix = "/api", endpoint = "careers/compare")]
pub async fn compare_position(
    position: PositionId,
    #[server(default)] person: Option<PersonId>,
) -> Result<ComparisonPage, AppError> {
    use crate::server::{ctx, positions};
    ctx::as_user(|st, me| async move {
        positions::comparison(&st.db, &me, person.unwrap_or(me.id), position).await
    })
    .await
}

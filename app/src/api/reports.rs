//! Team and organisation views: the live team heatmap (and the change counter it polls).

use super::AppError;
use crate::domain::heatmap::Heatmap;
use crate::domain::orgreport::{OrgReport, SupplyReport};
use crate::domain::talent::{Succession, TalentChoices, TalentResult};
use crate::domain::PersonId;
use leptos::prelude::*;

/// The heatmap of a manager's team (the caller's by default): `all=1` for indirect reports
/// too, optional `unit` and `position` filters, `sort=gap|name`.
#[server(prefix = "/api", endpoint = "team/heatmap")]
pub async fn team_heatmap(
    #[server(default)] manager: Option<PersonId>,
    #[server(default)] all: String,
    #[server(default)] unit: String,
    #[server(default)] position: String,
    #[server(default)] sort: String,
) -> Result<Heatmap, AppError> {
    use crate::domain::heatmap::SortBy;
    use crate::server::{ctx, reports};
    ctx::as_user(|st, me| async move {
        let q = reports::TeamQuery {
            manager,
            all_levels: matches!(all.trim(), "1" | "true" | "on"),
            unit: unit.trim().parse().ok(),
            position: position.trim().parse().ok(),
            sort: SortBy::parse(&sort),
        };
        reports::team_heatmap(&st.db, &me, q).await
    })
    .await
}

/// The change counter of current levels: open heatmaps poll it and reload when it moves.
#[server(prefix = "/api", endpoint = "team/stamp")]
pub async fn levels_stamp() -> Result<i64, AppError> {
    use crate::server::{ctx, ratings};
    ctx::as_user(|st, _me| async move { ratings::stamp(&st.db).await }).await
}

/// The talent search form's choices: (nodes, units).
#[server(prefix = "/api", endpoint = "talent/options")]
pub async fn talent_options() -> Result<TalentChoices, AppError> {
    use crate::server::{ctx, reports};
    ctx::as_user(|st, me| async move {
        let (nodes, units) = reports::talent_options(&st.db, &me).await?;
        Ok(TalentChoices { nodes, units })
    })
    .await
}

/// People with the given levels: `criteria` is `node:min` pairs separated by commas (the
/// form's rows in order; an empty row is `:`), `unit` an optional org unit.
#[server(prefix = "/api", endpoint = "talent/search")]
pub async fn search_talent(
    criteria: String,
    #[server(default)] unit: String,
) -> Result<TalentResult, AppError> {
    use crate::domain::talent::parse_criteria_text;
    use crate::server::{ctx, reports};
    ctx::as_user(|st, me| async move {
        let parsed = parse_criteria_text(&criteria)?;
        let unit = unit.trim().parse().ok();
        reports::talent_search(&st.db, &me, &parsed, unit).await
    })
    .await
}

/// Competency status by org unit and node (admins and HR): the sub-units of `unit` (the
/// top-level units when empty), columns limited to `framework`'s nodes when given.
#[server(prefix = "/api", endpoint = "reports/org")]
pub async fn get_org_report(
    #[server(default)] unit: String,
    #[server(default)] framework: String,
) -> Result<OrgReport, AppError> {
    use crate::server::{ctx, orgreports};
    ctx::as_user(|st, me| async move {
        let unit = unit.trim().parse().ok().map(crate::domain::UnitId);
        let framework = framework.trim().parse().ok();
        orgreports::org_report(&st.db, &me, unit, framework).await
    })
    .await
}

/// Demand versus supply per node across the organisation (admins and HR).
#[server(prefix = "/api", endpoint = "reports/supply")]
pub async fn get_supply_report(
    #[server(default)] framework: String,
) -> Result<SupplyReport, AppError> {
    use crate::server::{ctx, orgreports};
    ctx::as_user(|st, me| async move {
        orgreports::supply(&st.db, &me, framework.trim().parse().ok()).await
    })
    .await
}

/// Succession candidates for `position`: everyone the caller may search who does not hold
/// it, readiest first (without a position: just the positions to choose from).
#[server(prefix = "/api", endpoint = "talent/succession")]
pub async fn succession_candidates(
    #[server(default)] position: String,
) -> Result<Succession, AppError> {
    use crate::server::{ctx, reports};
    ctx::as_user(|st, me| async move {
        reports::succession(&st.db, &me, position.trim().parse().ok()).await
    })
    .await
}

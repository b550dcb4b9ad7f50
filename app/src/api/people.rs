//! The organisation directory: people, units, reporting lines.

use super::AppError;
use crate::domain::directory::{HomeSummary, PeoplePage, PersonDetail, UnitSummary};
use crate::domain::PersonId;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The fields of the person form. Everything arrives as text and is parsed on the server,
/// so a bad value comes back as a message naming its field.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PersonInput {
    /// Display name.
    pub name: String,
    /// Sign-in e-mail.
    pub email: String,
    /// Job title.
    pub job_title: String,
    /// `employee`, `hr` or `admin`.
    pub role: String,
    /// Unit id, or empty.
    pub unit_id: String,
    /// The manager's e-mail address, or empty for nobody.
    pub manager_email: String,
    /// New password; required when creating, empty keeps the current one.
    pub password: String,
}

/// The home screen's figures for the caller.
#[server(prefix = "/api", endpoint = "home")]
pub async fn load_home() -> Result<HomeSummary, AppError> {
    use crate::server::{ctx, people};
    ctx::as_user(|st, me| async move { people::home_summary(&st.db, &me).await }).await
}

/// Searches people by name, e-mail or job title. Admins and HR viewers search everyone;
/// managers search their direct and indirect reports; employees may not list people.
#[server(prefix = "/api", endpoint = "people/list")]
pub async fn list_people(
    query: String,
    unit_id: String,
    include_inactive: bool,
    page: u32,
) -> Result<PeoplePage, AppError> {
    use crate::server::{ctx, people};
    ctx::as_user(|st, me| async move {
        people::list(&st.db, &me, &query, &unit_id, include_inactive, page).await
    })
    .await
}

/// One person's profile: the caller themself, someone in their reporting line, or anyone
/// for admins and HR viewers.
#[server(prefix = "/api", endpoint = "people/get")]
pub async fn get_person(id: PersonId) -> Result<PersonDetail, AppError> {
    use crate::server::{ctx, people};
    ctx::as_user(|st, me| async move { people::detail(&st.db, &me, id).await }).await
}

/// Adds a person (admins only) and opens their profile.
#[server(prefix = "/api", endpoint = "people/create")]
pub async fn create_person(input: PersonInput) -> Result<PersonId, AppError> {
    use crate::server::{ctx, people};
    ctx::as_admin(|st, me| async move {
        let sso = if st.sso.is_some() {
            people::Sso::On
        } else {
            people::Sso::Off
        };
        let id = people::create(&st.db, &me, input, sso).await?;
        leptos_axum::redirect(&format!("/people/{id}"));
        Ok(id)
    })
    .await
}

/// Changes a person's details, unit, manager, role or password (admins only).
#[server(prefix = "/api", endpoint = "people/update")]
pub async fn update_person(id: PersonId, input: PersonInput) -> Result<(), AppError> {
    use crate::server::{ctx, people};
    ctx::as_admin(|st, me| async move {
        people::update(&st.db, &me, id, input).await?;
        leptos_axum::redirect(&format!("/people/{id}"));
        Ok(())
    })
    .await
}

/// Deactivates or reactivates a person (admins only). Deactivation ends their sessions at
/// once.
#[server(prefix = "/api", endpoint = "people/set_active")]
pub async fn set_person_active(id: PersonId, active: bool) -> Result<(), AppError> {
    use crate::server::{ctx, people};
    ctx::as_admin(|st, me| async move { people::set_active(&st.db, &me, id, active).await }).await
}

/// Every org unit with head counts, ordered as a tree. Any signed-in person may read it.
#[server(prefix = "/api", endpoint = "units/list")]
pub async fn list_units() -> Result<Vec<UnitSummary>, AppError> {
    use crate::server::{ctx, people};
    ctx::as_user(|st, _me| async move { people::units(&st.db).await }).await
}

/// Creates an org unit (admins only).
#[server(prefix = "/api", endpoint = "units/create")]
pub async fn create_unit(name: String, parent_id: String) -> Result<(), AppError> {
    use crate::server::{audit, ctx, people};
    ctx::as_admin(|st, me| async move {
        let id = people::create_unit(&st.db, &name, &parent_id).await?;
        audit::by(&st.db, me.id).created(&audit::UNIT, id.0).await
    })
    .await
}

/// Renames or moves an org unit (admins only); a move under its own descendant is refused.
#[server(prefix = "/api", endpoint = "units/update")]
pub async fn update_unit(
    id: crate::domain::UnitId,
    name: String,
    parent_id: String,
) -> Result<(), AppError> {
    use crate::server::{audit, ctx, people};
    ctx::as_admin(|st, me| async move {
        audit::by(&st.db, me.id)
            .change(
                "update",
                &audit::UNIT,
                id.0,
                people::update_unit(&st.db, id, &name, &parent_id),
            )
            .await
    })
    .await
}

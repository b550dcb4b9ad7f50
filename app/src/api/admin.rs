//! Trust and privacy for admins: the audit log, and erasing a person on request. (The
//! downloads, the audit CSV and a person's data export, are plain GET routes in the server
//! crate's `exports`, with the same admin check.)

use super::AppError;
use crate::domain::audit::{AuditFilter, AuditPage};
use crate::domain::PersonId;
use leptos::prelude::*;

/// One page of the audit log, newest first, filtered (admins only).
#[server(prefix = "/api", endpoint = "audit/list")]
pub async fn load_audit(
    #[server(default)] filter: AuditFilter,
    #[server(default)] page: u32,
) -> Result<AuditPage, AppError> {
    use crate::server::{audit, ctx};
    ctx::as_admin(|st, _me| async move { audit::page(&st.db, &filter, page).await }).await
}

/// Erases a person on request (admins only): pseudonymised everywhere, their ratings kept
/// only as anonymous figures, their evidence files deleted and their sessions ended.
#[server(prefix = "/api", endpoint = "people/erase")]
pub async fn erase_person(id: PersonId) -> Result<(), AppError> {
    use crate::server::{ctx, privacy};
    ctx::as_admin(|st, me| async move { privacy::erase(&st, &me, id).await }).await
}

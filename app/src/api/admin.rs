//! Trust for admins: the audit log. (Its CSV download is a plain GET route in the server
//! crate's `exports`, with the same admin check.)

use super::AppError;
use crate::domain::audit::{AuditFilter, AuditPage};
use leptos::prelude::*;

/// One page of the audit log, newest first, filtered (admins only).
#[server(prefix = "/api", endpoint = "audit/list")]
pub async fn load_audit(
    #[server(default)] filter: AuditFilter,
    #[server(default)] page: u32,
) -> Result<AuditPage, AppError> {
    use crate::server::{audit, ctx};
    ctx::reply(async move {
        let (st, _me) = ctx::admin()?;
        audit::page(&st.db, &filter, page).await
    })
    .await
}

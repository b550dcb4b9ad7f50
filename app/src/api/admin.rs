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

/// The API tokens page (admins only): every token (never a secret), the scopes, and the
/// token this admin just made, shown this once.
#[server(prefix = "/api", endpoint = "tokens/list")]
pub async fn load_tokens() -> Result<crate::domain::api_tokens::TokensPage, AppError> {
    use crate::server::{api_tokens, auth, ctx};
    ctx::as_admin(|st, _me| async move {
        let fresh = auth::take_fresh_token().await?;
        api_tokens::page(&st.db, fresh).await
    })
    .await
}

/// Makes an API token (admins only) named `name` with the ticked scopes
/// (`scopes[people:read]=on`) expiring after `days` (empty: never). The token is shown once,
/// by the next load of the tokens page.
#[server(prefix = "/api", endpoint = "tokens/create")]
pub async fn create_token(
    #[server(default)] name: String,
    #[server(default)] scopes: std::collections::BTreeMap<String, String>,
    #[server(default)] days: String,
) -> Result<(), AppError> {
    use crate::domain::api_tokens::FreshToken;
    use crate::server::{api_tokens, auth, ctx};
    ctx::as_admin(|st, me| async move {
        if scopes.len() > crate::domain::api_tokens::Scope::ALL.len() {
            return Err(AppError::invalid(
                "scopes",
                "Tick the scopes the system needs.",
            ));
        }
        let ticked: Vec<&str> = scopes
            .iter()
            .filter(|(_, v)| v.as_str() == "on")
            .map(|(k, _)| k.as_str())
            .collect();
        if ticked.is_empty() {
            return Err(AppError::invalid(
                "scopes",
                "Tick at least one scope: what the system may do.",
            ));
        }
        let days = match days.trim() {
            "" => None,
            d => Some(
                d.parse::<u32>()
                    .map_err(|_| AppError::invalid("days", "Choose when the token expires."))?,
            ),
        };
        let (info, text) =
            api_tokens::create(&st.db, Some(me.id), &name, &ticked.join(","), days).await?;
        auth::hold_fresh_token(&FreshToken {
            name: info.name,
            text,
        })
        .await
    })
    .await
}

/// Revokes an API token (admins only): its next request is refused.
#[server(prefix = "/api", endpoint = "tokens/revoke")]
pub async fn revoke_token(id: i64) -> Result<(), AppError> {
    use crate::server::{api_tokens, ctx};
    ctx::as_admin(|st, me| async move { api_tokens::revoke(&st.db, Some(me.id), id).await }).await
}

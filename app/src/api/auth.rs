//! Signing in and out, and who is signed in.

use super::AppError;
use crate::domain::CurrentUser;
use leptos::prelude::*;

/// Signs in with e-mail and password, then redirects to `next` (a local path) or home.
#[server(prefix = "/api", endpoint = "sign_in")]
pub async fn sign_in(
    email: String,
    password: String,
    next: Option<String>,
) -> Result<(), AppError> {
    use crate::server::{auth, ctx};
    ctx::reply(async move {
        let state = ctx::state()?;
        auth::sign_in(&state, &email, &password, next.as_deref()).await
    })
    .await
}

/// Ends the caller's session and returns to the sign-in page.
#[server(prefix = "/api", endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    use crate::server::{auth, ctx};
    ctx::reply(auth::sign_out()).await
}

/// How the sign-in page offers to sign in: the single sign-on button (when an identity
/// provider is set up) and whether the password form is on. Anyone may ask.
#[server(prefix = "/api", endpoint = "sign_in_options")]
pub async fn sign_in_options() -> Result<crate::domain::sso::SignInOptions, AppError> {
    let st = crate::server::ctx::state()?;
    Ok(crate::domain::sso::SignInOptions {
        sso: st.sso.as_ref().map(|s| s.label().to_string()),
        password: st.settings.password_sign_in,
    })
}

/// The signed-in person, or `None`.
#[server(prefix = "/api", endpoint = "whoami")]
pub async fn whoami() -> Result<Option<CurrentUser>, AppError> {
    let Some(mut me) = crate::server::ctx::current_user() else {
        return Ok(None);
    };
    // The header's inbox count, computed once per page load rather than per request.
    let st = crate::server::ctx::state()?;
    me.unread = crate::server::inbox::unread(&st.db, me.id).await?;
    Ok(Some(me))
}

/// Changes the caller's own password (the current one is required); every other session of
/// theirs ends.
#[server(prefix = "/api", endpoint = "account/password")]
pub async fn change_password(
    current: String,
    new: String,
    confirm: String,
) -> Result<(), AppError> {
    use crate::server::{auth, ctx};
    ctx::as_user(|st, me| async move {
        auth::change_password(&st, &me, &current, &new, &confirm).await?;
        leptos_axum::redirect("/account?saved=1");
        Ok(())
    })
    .await
}

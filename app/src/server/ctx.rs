//! How a server function learns who is calling. The `current_user` middleware in the
//! server crate resolves the session before any handler runs and puts the result in the
//! request's extensions; leptos_axum hands those request parts to every server function
//! and to server rendering through context.

use super::state::AppState;
use crate::api::AppError;
use crate::domain::CurrentUser;
use leptos::prelude::*;
use std::future::Future;

/// The signed-in person as resolved for this request (an extension set by middleware).
#[derive(Clone, Debug)]
pub struct Caller(pub Option<CurrentUser>);

/// The application state.
pub fn state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from the Leptos context");
        AppError::Internal
    })
}

/// The signed-in person, if any.
pub fn current_user() -> Option<CurrentUser> {
    use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<Caller>().cloned())
        .and_then(|c| c.0)
}

/// State and caller, or `Unauthenticated`.
pub fn user() -> Result<(AppState, CurrentUser), AppError> {
    let me = current_user().ok_or(AppError::Unauthenticated)?;
    Ok((state()?, me))
}

/// State and caller, who must be an admin.
pub fn admin() -> Result<(AppState, CurrentUser), AppError> {
    let (st, me) = user()?;
    if !me.caps().administer {
        return Err(AppError::Forbidden);
    }
    Ok((st, me))
}

/// A server function's whole body for a signed-in caller: `body` gets the state and the
/// caller; `Unauthenticated` otherwise. Errors set the response status as with [`reply`].
pub async fn as_user<T, F, Fut>(body: F) -> Result<T, AppError>
where
    F: FnOnce(AppState, CurrentUser) -> Fut,
    Fut: Future<Output = Result<T, AppError>>,
{
    as_caller(user, body).await
}

/// [`as_user`] for an admin: anyone else gets `Forbidden`.
pub async fn as_admin<T, F, Fut>(body: F) -> Result<T, AppError>
where
    F: FnOnce(AppState, CurrentUser) -> Fut,
    Fut: Future<Output = Result<T, AppError>>,
{
    as_caller(admin, body).await
}

async fn as_caller<T, Fut>(
    caller: fn() -> Result<(AppState, CurrentUser), AppError>,
    body: impl FnOnce(AppState, CurrentUser) -> Fut,
) -> Result<T, AppError>
where
    Fut: Future<Output = Result<T, AppError>>,
{
    reply(async move {
        let (st, me) = caller()?;
        body(st, me).await
    })
    .await
}

/// Runs a server function's body and, on error, sets the response status to the error's
/// (401, 403, 422...), so API clients and tests see a meaningful code.
pub async fn reply<T>(body: impl Future<Output = Result<T, AppError>>) -> Result<T, AppError> {
    let result = body.await;
    if let Err(e) = &result {
        if let Some(opts) = use_context::<leptos_axum::ResponseOptions>() {
            opts.set_status(
                http::StatusCode::from_u16(e.status())
                    .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR),
            );
            if let Some(secs) = e.retry_after() {
                opts.insert_header(http::header::RETRY_AFTER, http::HeaderValue::from(secs));
            }
        }
    }
    result
}

/// `?` on a database error: logged in full once, with the line of the service that met it
/// (the request's span adds the request id), and hidden from the caller as `Internal`.
impl From<sqlx::Error> for AppError {
    #[track_caller]
    fn from(e: sqlx::Error) -> Self {
        let at = std::panic::Location::caller();
        tracing::error!(error = %e, at = %at, "database error");
        AppError::Internal
    }
}

/// A unique-constraint violation becomes `taken()` (a field error naming what is already
/// used); any other database error is logged and becomes `Internal`, as with `?`.
#[track_caller]
pub fn unique_or(e: sqlx::Error, taken: impl FnOnce() -> AppError) -> AppError {
    if e.as_database_error()
        .is_some_and(|d| d.is_unique_violation())
    {
        taken()
    } else {
        AppError::from(e)
    }
}

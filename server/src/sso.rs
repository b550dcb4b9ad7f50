//! The two addresses of single sign-on: `GET /auth/oidc/start?next=` sends the browser to
//! the identity provider, `GET /auth/oidc/callback` is where it comes back. Both are plain
//! links and redirects, so they work without JavaScript. Every refusal goes back to the
//! sign-in page with a short code (`/sign-in?sso=expired`) that the page puts into words.

use app::domain::sso::SsoRefusal;
use app::server::sso::Callback;
use app::server::AppState;
use axum::extract::{Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::Deserialize;
use tower_sessions::Session;

/// `GET /auth/oidc/start`, `GET /auth/oidc/callback`.
pub fn routes() -> Router<AppState> {
    crate::startup::route_table(ROUTES, |route| match route {
        ("GET", "/auth/oidc/start") => get(start),
        ("GET", "/auth/oidc/callback") => get(callback),
        other => panic!("no handler for {other:?}"),
    })
}

/// This module's routes as (method, path), for `routes` and the authorization matrix test.
pub const ROUTES: &[(&str, &str)] = &[("GET", "/auth/oidc/start"), ("GET", "/auth/oidc/callback")];

#[derive(Deserialize)]
struct Start {
    next: Option<String>,
}

/// A redirect that is never cached (it carries a one-time sign-in).
fn see_other(to: &str) -> Response {
    (
        StatusCode::SEE_OTHER,
        [
            (header::LOCATION, to.to_string()),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
    )
        .into_response()
}

fn refused(r: SsoRefusal) -> Response {
    see_other(&format!("/sign-in?sso={}", r.code()))
}

async fn start(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<Start>,
) -> Response {
    let Some(sso) = state.sso.as_ref() else {
        return refused(SsoRefusal::Provider);
    };
    match sso.start(&session, q.next.as_deref()).await {
        Ok(url) => see_other(&url),
        Err(r) => refused(r),
    }
}

async fn callback(
    State(state): State<AppState>,
    session: Session,
    answer: Result<Query<Callback>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Some(sso) = state.sso.as_ref() else {
        return refused(SsoRefusal::Expired);
    };
    // A malformed answer finishes nothing; the started sign-in is still used up.
    let answer = answer.map(|Query(a)| a).unwrap_or_default();
    match sso.finish(&state, &session, answer).await {
        Ok((_, next)) => see_other(&next),
        Err(r) => refused(r),
    }
}

//! `/api/v1`: JSON for systems rather than browsers, authenticated by an API token
//! (`Authorization: Bearer pfo_…`, made with `proficio token create`), each route needing one
//! scope. Errors are `application/problem+json` (RFC 9457) naming the field at fault.
//! Lists come in pages: `?limit=` (1-200, default 50) and the `next_cursor` of the previous
//! page as `?cursor=`.

use app::api::AppError;
use app::domain::api_tokens::Scope;
use app::server::api_tokens::{self, ApiCaller};
use app::server::api_v1::{self, ListQuery};
use app::server::AppState;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::Serialize;

/// This module's routes as (method, path), for `routes` and the authorization matrix test.
pub const ROUTES: &[(&str, &str)] = &[
    ("GET", "/api/v1/people"),
    ("GET", "/api/v1/people/{id}"),
    ("GET", "/api/v1/units"),
];

/// The `/api/v1` routes.
pub fn routes() -> Router<AppState> {
    crate::startup::route_table(ROUTES, |route| match route {
        ("GET", "/api/v1/people") => get(people),
        ("GET", "/api/v1/people/{id}") => get(person),
        ("GET", "/api/v1/units") => get(units),
        other => panic!("no handler for {other:?}"),
    })
}

/// The token's caller, if it carries `scope`.
async fn caller(
    state: &AppState,
    headers: &HeaderMap,
    scope: Scope,
) -> Result<ApiCaller, AppError> {
    let auth = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let caller = api_tokens::authenticate(&state.db, auth).await?;
    tracing::Span::current().record("token", caller.token);
    caller.need(scope)?;
    Ok(caller)
}

/// `GET /api/v1/people?cursor=&limit=&unit=&updated_since=` (people:read).
async fn people(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<ListQuery>,
) -> Response {
    let read = api_v1::people(&state.db, &q);
    scoped(&state, &headers, Scope::PeopleRead, read).await
}

/// `GET /api/v1/people/{id}` (people:read).
async fn person(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let read = async {
        let id = id
            .parse()
            .map_err(|_| AppError::NotFound("That person".into()))?;
        api_v1::person(&state.db, id).await
    };
    scoped(&state, &headers, Scope::PeopleRead, read).await
}

/// `GET /api/v1/units?cursor=&limit=` (units:read).
async fn units(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<ListQuery>,
) -> Response {
    let read = api_v1::units(&state.db, &q);
    scoped(&state, &headers, Scope::UnitsRead, read).await
}

/// Runs `read` (not started until then) for a token with `scope`, and answers with its JSON
/// or a problem.
async fn scoped<T: Serialize>(
    state: &AppState,
    headers: &HeaderMap,
    scope: Scope,
    read: impl std::future::Future<Output = Result<T, AppError>>,
) -> Response {
    let result = async {
        caller(state, headers, scope).await?;
        read.await
    };
    answer(result.await)
}

/// An RFC 9457 problem: `field` names the query parameter at fault, if one is.
#[derive(Debug, Serialize)]
struct Problem {
    #[serde(rename = "type")]
    kind: &'static str,
    title: &'static str,
    status: u16,
    detail: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<String>,
}

fn answer<T: Serialize>(result: Result<T, AppError>) -> Response {
    let e = match result {
        Ok(v) => return axum::Json(v).into_response(),
        Err(e) => e,
    };
    let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let detail = match &e {
        AppError::Unauthenticated => {
            "Send a live API token: Authorization: Bearer pfo_… (proficio token create).".into()
        }
        AppError::Forbidden => "This token's scopes do not include this resource.".into(),
        other => other.to_string(),
    };
    let problem = Problem {
        kind: "about:blank",
        title: status.canonical_reason().unwrap_or("Error"),
        status: status.as_u16(),
        detail,
        field: e.field().map(str::to_string),
    };
    let mut res = (status, axum::Json(problem)).into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    if status == StatusCode::UNAUTHORIZED {
        h.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    }
    res
}

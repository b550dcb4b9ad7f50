//! Request middleware: refusing cross-origin writes, resolving the caller, sending people
//! who are not signed in to the sign-in page, and giving plain (JavaScript-off) form posts
//! their error messages back.

use app::api::AppError;
use app::domain::CurrentUser;
use app::server::auth::resolve_session;
use app::server::ctx::Caller;
use app::server::AppState;
use axum::body::{to_bytes, Body};
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

fn is_write(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Refuses state-changing requests that a browser marks as coming from another site.
/// Server functions have no CSRF protection of their own and SameSite=Lax alone does not
/// cover sibling subdomains, so every write is checked here: `Sec-Fetch-Site` must be
/// same-origin (or absent), and an `Origin` header must match this server's own origin or a
/// configured one. Requests with neither header (curl, other servers) carry no ambient
/// browser cookies to abuse and pass.
pub async fn csrf_guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if is_write(req.method()) {
        let h = req.headers();
        if let Some(site) = h.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
            if site != "same-origin" && site != "none" {
                return forbidden_origin();
            }
        }
        if let Some(origin) = h.get(header::ORIGIN) {
            let origin = origin.to_str().unwrap_or("null").trim_end_matches('/');
            let host = h
                .get(header::HOST)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            let own = !host.is_empty()
                && (origin == format!("http://{host}") || origin == format!("https://{host}"));
            let listed = state.settings.allowed_origins.iter().any(|o| o == origin);
            if !own && !listed {
                return forbidden_origin();
            }
        }
    }
    next.run(req).await
}

fn forbidden_origin() -> Response {
    (
        StatusCode::FORBIDDEN,
        "Cross-origin requests may not change data.",
    )
        .into_response()
}

/// Paths anyone may fetch without signing in.
fn is_public(path: &str) -> bool {
    path == "/sign-in"
        || path == "/healthz"
        || path == "/favicon.svg"
        || path.starts_with("/auth/oidc/")
        || path.starts_with("/pkg/")
        || path.starts_with("/api/")
        || path.starts_with("/scim/")
}

/// The request's span (`startup::request_span`), kept so that `current_user` can add the
/// person to it: by then layers in between (the session's) have entered spans of their own.
#[derive(Clone)]
pub struct RequestSpan(pub tracing::Span);

/// Keeps the current span, the request's, in the request for the layers inside.
pub async fn keep_request_span(mut req: Request, next: Next) -> Response {
    req.extensions_mut()
        .insert(RequestSpan(tracing::Span::current()));
    next.run(req).await
}

/// Resolves the session to the signed-in person (`Caller` in the request extensions, which
/// server functions and server rendering read) and redirects page requests that need a
/// person to the sign-in page, remembering where they were going.
pub async fn current_user(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    // Static files need no caller: skip the session and person look-ups for them.
    if path.starts_with("/pkg/") || path == "/favicon.svg" {
        req.extensions_mut().insert(Caller(None));
        return next.run(req).await;
    }
    let user = match req.extensions().get::<Session>() {
        Some(session) => match resolve_session(&state.db, session).await {
            Ok(u) => u,
            Err(_) => return (StatusCode::INTERNAL_SERVER_ERROR, "Internal error").into_response(),
        },
        None => None,
    };
    let page_request = matches!(*req.method(), Method::GET | Method::HEAD);
    if page_request && user.is_none() && !is_public(&path) {
        let target = req
            .uri()
            .path_and_query()
            .map(|p| p.as_str())
            .unwrap_or("/");
        let to = if target == "/" {
            "/sign-in".to_string()
        } else {
            format!("/sign-in?next={}", encode(target))
        };
        return Redirect::to(&to).into_response();
    }
    if page_request && user.is_some() && path == "/sign-in" {
        return Redirect::to("/").into_response();
    }
    if let (Some(u), Some(span)) = (&user, req.extensions().get::<RequestSpan>()) {
        span.0.record("person", u.id.0);
    }
    req.extensions_mut().insert(Caller(user));
    next.run(req).await
}

/// For a plain HTML form post to a server function that fails, redirects back to the form's
/// page with `?error=MESSAGE&field=FIELD`, which the page shows next to the field. (leptos_axum
/// would otherwise redirect back without the message.)
pub async fn form_errors(req: Request, next: Next) -> Response {
    let plain_form = req.method() == Method::POST
        && req.uri().path().starts_with("/api/")
        && req
            .headers()
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/html"));
    let referer = req
        .headers()
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let res = next.run(req).await;
    let failed = res
        .headers()
        .contains_key(leptos::server_fn::error::SERVER_FN_ERROR_HEADER)
        || res.status().is_client_error()
        || res.status().is_server_error();
    let (true, true, Some(referer)) = (plain_form, failed, referer) else {
        return res;
    };
    let body = to_bytes(res.into_body(), 64 * 1024)
        .await
        .unwrap_or_default();
    let error: AppError = serde_json::from_slice(&body).unwrap_or(AppError::Internal);
    let mut location = strip_feedback(&local_part(&referer));
    location.push(if location.contains('?') { '&' } else { '?' });
    location.push_str(&format!("error={}", encode(&error.to_string())));
    if let Some(field) = error.field() {
        location.push_str(&format!("&field={}", encode(field)));
    }
    let mut out = Response::new(Body::empty());
    *out.status_mut() = StatusCode::SEE_OTHER;
    if let Ok(v) = HeaderValue::from_str(&location) {
        out.headers_mut().insert(header::LOCATION, v);
    }
    out
}

/// Refuses text with a NUL character before anything reads it: a query string anywhere, and
/// the form body of a server function (what every page's forms send, with or without
/// JavaScript). PostgreSQL cannot store a NUL in text and SQLite cuts strings at one, so
/// without this a stray `%00` became a server error; now it is a 422 naming the field (which
/// [`form_errors`] takes back to the form's page when JavaScript is off). Uploads
/// (multipart), `/api/v1` (problem documents) and `/scim/v2` (SCIM errors) are checked by
/// their own handlers.
pub async fn refuse_nul(req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    if path.starts_with("/api/v1/") || path.starts_with("/scim/") {
        return next.run(req).await;
    }
    let server_fn = path.starts_with("/api/");
    if let Some(field) = req.uri().query().and_then(nul_field) {
        return nul_refusal(&path, server_fn, &field);
    }
    let form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !(server_fn && form && req.method() == Method::POST) {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    // The body limit layer outside bounds what this reads.
    let Ok(bytes) = to_bytes(body, usize::MAX).await else {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    };
    if let Some(field) = std::str::from_utf8(&bytes).ok().and_then(nul_field) {
        return nul_refusal(&path, true, &field);
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

/// The form field (`input[name]` is `name`) of a form-encoded text whose name or value holds
/// a NUL, if one does. Only a text with `%00` (or a raw NUL byte) in it is decoded.
fn nul_field(encoded: &str) -> Option<String> {
    let raw = encoded.as_bytes();
    if !raw.contains(&0) && !raw.windows(3).any(|w| w.eq_ignore_ascii_case(b"%00")) {
        return None;
    }
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(encoded).ok()?;
    let (name, _) = pairs
        .into_iter()
        .find(|(k, v)| k.contains('\0') || v.contains('\0'))?;
    let name = name.replace('\0', "");
    let inner = name
        .rsplit_once('[')
        .and_then(|(_, rest)| rest.strip_suffix(']'))
        .filter(|f| !f.is_empty())
        .unwrap_or(&name);
    Some(inner.to_string())
}

/// The answer to text with a NUL in `field`: a server function's error (JSON, with the
/// header that marks one), or a plain 400 for a page.
fn nul_refusal(path: &str, server_fn: bool, field: &str) -> Response {
    let error = AppError::invalid(
        field,
        format!(
            "{field} contains a NUL character, which text cannot hold: remove it and try again."
        ),
    );
    if !server_fn {
        return (StatusCode::BAD_REQUEST, error.to_string()).into_response();
    }
    let mut res = (StatusCode::UNPROCESSABLE_ENTITY, axum::Json(&error)).into_response();
    if let Ok(v) = HeaderValue::from_str(path) {
        res.headers_mut()
            .insert(leptos::server_fn::error::SERVER_FN_ERROR_HEADER, v);
    }
    res
}

/// A plain HTML form post refused for its size (413, from the body limit) goes back to its
/// page with a message on the file field, instead of a bare error page.
pub async fn too_large(req: Request, next: Next, limit: usize) -> Response {
    let html_post = req.method() == Method::POST && wants_html(req.headers());
    let headers = req.headers().clone();
    let res = next.run(req).await;
    if res.status() != StatusCode::PAYLOAD_TOO_LARGE
        || !html_post
        || !headers.contains_key(header::REFERER)
    {
        return res;
    }
    let error = AppError::invalid(
        "file",
        format!(
            "The upload is larger than this server accepts ({:.1} MB). Ask the administrator to raise PROFICIO_BODY_LIMIT, or split the file.",
            limit as f64 / 1024.0 / 1024.0
        ),
    );
    back_to_form(&headers, Some(&error), "/")
}

/// The path and query of a URL (a Referer is absolute), so redirects stay on this site.
pub fn local_part(url: &str) -> String {
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    match rest.find('/') {
        Some(i) if url.contains("://") => rest[i..].to_string(),
        _ if url.starts_with('/') => url.to_string(),
        _ => "/".to_string(),
    }
}

/// Removes earlier `error` and `field` parameters.
pub fn strip_feedback(path_and_query: &str) -> String {
    let Some((path, query)) = path_and_query.split_once('?') else {
        return path_and_query.to_string();
    };
    let kept: Vec<&str> = query
        .split('&')
        .filter(|kv| !kv.is_empty() && !kv.starts_with("error=") && !kv.starts_with("field="))
        .collect();
    if kept.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{}", kept.join("&"))
    }
}

/// Percent-encodes a query value.
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// A browser (not a script) made the request: it accepts HTML.
pub fn wants_html(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"))
}

/// A 303 to `location`.
pub fn see_other(location: &str) -> Response {
    let mut res = Response::new(Body::empty());
    *res.status_mut() = StatusCode::SEE_OTHER;
    if let Ok(v) = HeaderValue::from_str(location) {
        res.headers_mut().insert(header::LOCATION, v);
    }
    res
}

/// Back to the form's page (the referer, else `fallback`), with `?error=&field=` when the
/// plain form post failed.
pub fn back_to_form(
    headers: &axum::http::HeaderMap,
    error: Option<&AppError>,
    fallback: &str,
) -> Response {
    let mut location = headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .map(|r| strip_feedback(&local_part(r)))
        .unwrap_or_else(|| fallback.to_string());
    if let Some(e) = error {
        location.push(if location.contains('?') { '&' } else { '?' });
        location.push_str(&format!("error={}", encode(&e.to_string())));
        if let Some(f) = e.field() {
            location.push_str(&format!("&field={}", encode(f)));
        }
    }
    see_other(&location)
}

/// A script's answer: the value as JSON, or the error with its status.
pub fn json_answer<T: serde::Serialize>(result: Result<T, AppError>) -> Response {
    match result {
        Ok(v) => axum::Json(v).into_response(),
        Err(e) => (
            StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            axum::Json(e),
        )
            .into_response(),
    }
}

/// What an upload handler takes from its request: the headers (to answer a browser or an
/// API client) and the signed-in caller's multipart form read whole, or why there is none
/// (nobody signed in, a damaged or too large upload), for the handler to answer as it answers
/// its own errors.
pub struct UploadRequest {
    pub headers: axum::http::HeaderMap,
    pub form: Result<(CurrentUser, Upload), AppError>,
}

impl<S: Send + Sync> FromRequest<S> for UploadRequest {
    type Rejection = std::convert::Infallible;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let headers = req.headers().clone();
        let caller = req.extensions().get::<Caller>().and_then(|c| c.0.clone());
        let multipart = Multipart::from_request(req, state).await;
        let form = match caller {
            None => Err(AppError::Unauthenticated),
            Some(me) => read_upload(multipart).await.map(|up| (me, up)),
        };
        Ok(Self { headers, form })
    }
}

/// A multipart form read whole: its text fields and its `file` field (name and bytes).
pub struct Upload {
    pub fields: std::collections::HashMap<String, String>,
    pub file: Option<(String, Vec<u8>)>,
}

/// Reads a multipart form (the body limit applies); a damaged or too large upload is an
/// error on the `file` field.
async fn read_upload(
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Upload, AppError> {
    let mut multipart = multipart
        .map_err(|_| AppError::invalid("file", "The upload form is damaged; reload the page."))?;
    let mut up = Upload {
        fields: Default::default(),
        file: None,
    };
    let too_large = || AppError::invalid("file", "The file is larger than this server accepts.");
    while let Some(field) = multipart.next_field().await.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            too_large()
        } else {
            AppError::invalid("file", "The upload was interrupted; try again.")
        }
    })? {
        let name = field.name().unwrap_or("").to_string();
        if name == "file" {
            let file_name = field.file_name().unwrap_or("").to_string();
            let bytes = field.bytes().await.map_err(|_| too_large())?;
            up.file = Some((file_name, bytes.to_vec()));
        } else {
            up.fields
                .insert(name, field.text().await.unwrap_or_default());
        }
    }
    Ok(up)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn referer_is_reduced_to_a_local_path() {
        assert_eq!(
            local_part("http://127.0.0.1:3000/people/new?x=1"),
            "/people/new?x=1"
        );
        assert_eq!(local_part("https://evil.example"), "/");
        assert_eq!(
            strip_feedback("/sign-in?next=%2Fpeople&error=bad&field=email"),
            "/sign-in?next=%2Fpeople"
        );
        assert_eq!(strip_feedback("/units?error=x"), "/units");
        assert_eq!(encode("a b&c/é"), "a%20b%26c/%C3%A9");
    }

    #[test]
    fn a_nul_is_found_by_its_field() {
        assert_eq!(nul_field("name=Ops&parent_id="), None);
        assert_eq!(nul_field("a=%2500"), None, "an escaped percent is no NUL");
        assert_eq!(nul_field("id=4&name=Ops%00"), Some("name".into()));
        assert_eq!(nul_field("input%5Bname%5D=L%00"), Some("name".into()));
        assert_eq!(nul_field("x%00=1"), Some("x".into()));
        assert_eq!(nul_field("q=%00&p=%00"), Some("q".into()));
        assert_eq!(
            nul_field("name=O\0ps"),
            Some("name".into()),
            "a raw NUL byte too"
        );
    }
}

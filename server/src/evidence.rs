//! Evidence files over plain HTTP: a multipart upload (a browser form works without
//! JavaScript) and the download, served as an attachment with `nosniff`. The rules live in
//! `app::server::evidence`; these handlers translate HTTP.

use crate::middleware::{back_to_form, json_answer, wants_html, UploadRequest};
use app::api::AppError;
use app::server::ctx::Caller;
use app::server::{evidence, AppState};
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Router};

/// This module's routes as (method, path), for `routes` and the authorization matrix test.
pub const ROUTES: &[(&str, &str)] = &[("POST", "/evidence/upload"), ("GET", "/evidence/{id}")];

/// `POST /evidence/upload` and `GET /evidence/{id}`.
pub fn routes() -> Router<AppState> {
    crate::startup::route_table(ROUTES, |route| match route {
        ("POST", "/evidence/upload") => post(upload),
        ("GET", "/evidence/{id}") => get(download),
        other => panic!("no handler for {other:?}"),
    })
}

/// A browser goes back to the form's page (with `?error=&field=` on failure); an API
/// client gets JSON and the status.
fn answer(headers: &HeaderMap, result: Result<i64, AppError>) -> Response {
    if wants_html(headers) && headers.contains_key(header::REFERER) {
        back_to_form(headers, result.as_ref().err(), "/")
    } else {
        json_answer(result)
    }
}

async fn upload(State(state): State<AppState>, request: UploadRequest) -> Response {
    let UploadRequest { headers, form } = request;
    let result = async {
        let (me, up) = form?;
        let rating: Option<i64> = up.fields.get("rating").and_then(|r| r.trim().parse().ok());
        let rating = rating
            .ok_or_else(|| AppError::invalid("rating", "The form is damaged; reload the page."))?;
        let (name, bytes) = up
            .file
            .ok_or_else(|| AppError::invalid("file", "Choose a file to upload."))?;
        evidence::upload(&state.db, &state.settings, &me, rating, &name, &bytes).await
    }
    .await;
    answer(&headers, result)
}

/// RFC 6266 `filename` (ASCII fallback) and `filename*` (UTF-8).
fn disposition(name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let utf8: String = name
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect();
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{utf8}")
}

async fn download(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Response {
    let result = async {
        let me = caller.0.ok_or(AppError::Unauthenticated)?;
        let id: i64 = id
            .parse()
            .map_err(|_| AppError::NotFound("That evidence".into()))?;
        evidence::download(&state.db, &state.settings, &me, id).await
    }
    .await;
    match result {
        Ok(d) => {
            let mut res = Response::new(Body::from(d.bytes));
            let h = res.headers_mut();
            if let Ok(v) = HeaderValue::from_str(&d.content_type) {
                h.insert(header::CONTENT_TYPE, v);
            }
            if let Ok(v) = HeaderValue::from_str(&disposition(&d.name)) {
                h.insert(header::CONTENT_DISPOSITION, v);
            }
            h.insert(
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            );
            h.insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, no-store"),
            );
            h.insert(
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static("default-src 'none'; sandbox"),
            );
            res
        }
        Err(e) => (
            StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            e.to_string(),
        )
            .into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::disposition;

    #[test]
    fn downloads_are_attachments_with_safe_names() {
        assert_eq!(
            disposition("cert é.pdf"),
            "attachment; filename=\"cert _.pdf\"; filename*=UTF-8''cert%20%C3%A9.pdf"
        );
        assert!(disposition("a\"b\r\n.pdf").starts_with("attachment; filename=\"a_b__.pdf\""));
    }
}

//! The import upload over plain HTTP (a multipart form works without JavaScript): the
//! file is staged and the browser goes to its preview. The rules live in
//! `app::server::imports`.

use crate::middleware::{back_to_form, json_answer, see_other, wants_html, UploadRequest};
use app::api::AppError;
use app::server::{imports, AppState};
use axum::extract::State;
use axum::response::Response;
use axum::routing::post;
use axum::Router;

/// `POST /frameworks/import`.
pub fn routes() -> Router<AppState> {
    crate::startup::route_table(ROUTES, |route| match route {
        ("POST", "/frameworks/import") => post(upload),
        other => panic!("no handler for {other:?}"),
    })
}

/// This module's routes as (method, path), for `routes` and the authorization matrix test.
pub const ROUTES: &[(&str, &str)] = &[("POST", "/frameworks/import")];

async fn upload(State(state): State<AppState>, request: UploadRequest) -> Response {
    let UploadRequest { headers, form } = request;
    let result = async {
        let (me, up) = form?;
        let format = up.fields.get("format").cloned().unwrap_or_default();
        let (name, bytes) = up
            .file
            .ok_or_else(|| AppError::invalid("file", "Choose a file to import."))?;
        let options = imports::ImportOptions {
            kinds: up.fields.get("kinds").cloned().unwrap_or_default(),
        };
        imports::stage(&state.db, &me, format.trim(), &name, &bytes, &options).await
    }
    .await;
    match result {
        Ok(id) if wants_html(&headers) => see_other(&format!("/frameworks/import/{id}")),
        Err(e) if wants_html(&headers) => back_to_form(&headers, Some(&e), "/frameworks/import"),
        other => json_answer(other),
    }
}

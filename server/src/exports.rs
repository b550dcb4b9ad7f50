//! Downloads over plain HTTP (a link works without JavaScript): the org report as CSV and
//! framework exports (CASE JSON, Moodle CSV). The content and the permission checks live in
//! `app::server::orgreports` and `app::server::exports`.

use app::api::AppError;
use app::server::ctx::Caller;
use app::server::{orgreports, AppState};
use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Router};
use serde::Deserialize;

/// `GET /reports/org.csv?unit=&framework=`, `GET /frameworks/{id}/moodle.csv`,
/// `GET /frameworks/{id}/case.json?version=draft|N`, `GET /credentials/{person}/{node}.json`,
/// and for admins only `GET /admin/audit.csv?actor=&entity=&from=&to=` and
/// `GET /people/{id}/data.json`.
pub fn routes() -> Router<AppState> {
    crate::startup::route_table(ROUTES, |route| match route {
        ("GET", "/reports/org.csv") => get(org_csv),
        ("GET", "/admin/audit.csv") => get(audit_csv),
        ("GET", "/people/{id}/data.json") => get(person_data_json),
        ("GET", "/frameworks/{id}/moodle.csv") => get(moodle_csv),
        ("GET", "/frameworks/{id}/case.json") => get(case_json),
        ("GET", "/credentials/{person}/{file}") => get(credential_json),
        other => panic!("no handler for {other:?}"),
    })
}

/// This module's routes as (method, path), for `routes` and the authorization matrix test.
pub const ROUTES: &[(&str, &str)] = &[
    ("GET", "/reports/org.csv"),
    ("GET", "/admin/audit.csv"),
    ("GET", "/people/{id}/data.json"),
    ("GET", "/frameworks/{id}/moodle.csv"),
    ("GET", "/frameworks/{id}/case.json"),
    ("GET", "/credentials/{person}/{file}"),
];

/// `GET /credentials/{person}/{node}.json`: an awarded competency as an Open Badges 3.0
/// credential (JSON-LD), for the person, their managers, admins and HR viewers.
async fn credential_json(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    axum::extract::Path((person, file)): axum::extract::Path<(String, String)>,
) -> Response {
    let result = async {
        let me = caller.0.ok_or(AppError::Unauthenticated)?;
        let missing = || AppError::NotFound("That credential".into());
        let person: i64 = person.parse().map_err(|_| missing())?;
        let node: i64 = file
            .strip_suffix(".json")
            .and_then(|n| n.parse().ok())
            .ok_or_else(missing)?;
        let v = app::server::recognition::credential(
            &state.db,
            &me,
            app::domain::PersonId(person),
            app::domain::NodeId(node),
            &state.settings.public_url,
        )
        .await?;
        let text = serde_json::to_string_pretty(&v).map_err(|_| AppError::Internal)?;
        Ok((format!("credential-{person}-{node}.json"), text))
    }
    .await;
    download(result, "application/ld+json")
}

/// The caller, who must be an admin.
fn admin(caller: Caller) -> Result<app::domain::CurrentUser, AppError> {
    let me = caller.0.ok_or(AppError::Unauthenticated)?;
    if !me.caps().administer {
        return Err(AppError::Forbidden);
    }
    Ok(me)
}

/// `GET /admin/audit.csv`: the audit log as filtered on its page, newest first (admins).
async fn audit_csv(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Query(filter): Query<app::domain::audit::AuditFilter>,
) -> Response {
    let result = async {
        admin(caller)?;
        let text = app::server::audit::csv(&state.db, &filter).await?;
        Ok(("audit-log.csv".to_string(), text))
    }
    .await;
    csv_download(result)
}

/// `GET /people/{id}/data.json`: everything Proficio holds about a person, for a request
/// under privacy law (admins; the export is audited).
async fn person_data_json(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> Response {
    let result = async {
        let me = admin(caller)?;
        let id: i64 = id
            .parse()
            .map_err(|_| AppError::NotFound("That person".into()))?;
        let doc = app::server::privacy::export(&state.db, &me, app::domain::PersonId(id)).await?;
        let text = serde_json::to_string_pretty(&doc).map_err(|_| AppError::Internal)?;
        Ok((format!("person-{id}.json"), text))
    }
    .await;
    download(result, "application/json")
}

/// A CSV attachment, or the error as text with its status.
fn csv_download(result: Result<(String, String), AppError>) -> Response {
    download(result, "text/csv; charset=utf-8")
}

/// An attachment of `content_type`, or the error as text with its status.
fn download(result: Result<(String, String), AppError>, content_type: &'static str) -> Response {
    match result {
        Ok((name, text)) => {
            let mut res = Response::new(Body::from(text));
            let h = res.headers_mut();
            h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
            if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
                h.insert(header::CONTENT_DISPOSITION, v);
            }
            h.insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, no-store"),
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

async fn moodle_csv(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> Response {
    csv_download(
        async {
            let me = caller.0.ok_or(AppError::Unauthenticated)?;
            let id: i64 = id
                .parse()
                .map_err(|_| AppError::NotFound("That framework".into()))?;
            app::server::exports::export_moodle(&state.db, &me, app::domain::FrameworkId(id)).await
        }
        .await,
    )
}

#[derive(Debug, Deserialize)]
struct CaseParams {
    #[serde(default)]
    version: String,
}

async fn case_json(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    axum::extract::Path(id): axum::extract::Path<String>,
    Query(p): Query<CaseParams>,
) -> Response {
    let result = async {
        let me = caller.0.ok_or(AppError::Unauthenticated)?;
        let id: i64 = id
            .parse()
            .map_err(|_| AppError::NotFound("That framework".into()))?;
        let which = if p.version.trim().is_empty() {
            "draft"
        } else {
            p.version.trim()
        };
        app::server::exports::export_case(
            &state.db,
            &me,
            app::domain::FrameworkId(id),
            which,
            &state.settings.case_base_uri(),
        )
        .await
    }
    .await;
    download(result, "application/json")
}

#[derive(Debug, Deserialize)]
struct OrgParams {
    #[serde(default)]
    unit: String,
    #[serde(default)]
    framework: String,
}

async fn org_csv(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Query(p): Query<OrgParams>,
) -> Response {
    let result = async {
        let me = caller.0.ok_or(AppError::Unauthenticated)?;
        let unit = p.unit.trim().parse().ok().map(app::domain::UnitId);
        let framework = p.framework.trim().parse().ok();
        orgreports::org_report(&state.db, &me, unit, framework).await
    }
    .await;
    csv_download(result.map(|report| {
        let name = match &report.unit {
            Some((u, _)) => format!("competency-status-unit-{}.csv", u.0),
            None => "competency-status.csv".to_string(),
        };
        (name, orgreports::to_csv(&report))
    }))
}

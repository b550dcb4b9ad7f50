//! `/scim/v2`: SCIM 2.0 provisioning for identity providers and HR systems (Microsoft Entra
//! ID, Okta, …). Authenticated like `/api/v1`, by an API token (`Authorization: Bearer
//! pfo_…`), which needs the `scim` scope; counted against the same per-token limit. Bodies
//! and answers are `application/scim+json`; errors are SCIM error documents naming the
//! attribute, operation or filter position at fault. What the resources mean in Proficio
//! is in [`app::server::scim`].

use app::api::AppError;
use app::domain::api_tokens::Scope;
use app::domain::scim::{ENTERPRISE, GROUP, USER};
use app::server::scim::{self, Paging, Resource, ScimFailure, UserChange};
use app::server::AppState;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};

/// This module's routes as (method, path), for `routes` and the authorization matrix test.
pub const ROUTES: &[(&str, &str)] = &[
    ("GET", "/scim/v2/ServiceProviderConfig"),
    ("GET", "/scim/v2/ResourceTypes"),
    ("GET", "/scim/v2/Schemas"),
    ("GET", "/scim/v2/Users"),
    ("POST", "/scim/v2/Users"),
    ("GET", "/scim/v2/Users/{id}"),
    ("PUT", "/scim/v2/Users/{id}"),
    ("PATCH", "/scim/v2/Users/{id}"),
    ("DELETE", "/scim/v2/Users/{id}"),
    ("GET", "/scim/v2/Groups"),
    ("POST", "/scim/v2/Groups"),
    ("GET", "/scim/v2/Groups/{id}"),
    ("PUT", "/scim/v2/Groups/{id}"),
    ("PATCH", "/scim/v2/Groups/{id}"),
    ("DELETE", "/scim/v2/Groups/{id}"),
];

/// The `/scim/v2` routes.
pub fn routes() -> Router<AppState> {
    use axum::routing::{delete, patch, post, put};
    crate::startup::route_table(ROUTES, |route| match route {
        ("GET", "/scim/v2/ServiceProviderConfig") => get(service_provider_config),
        ("GET", "/scim/v2/ResourceTypes") => get(resource_types),
        ("GET", "/scim/v2/Schemas") => get(schemas),
        ("GET", "/scim/v2/Users") => get(list_users),
        ("POST", "/scim/v2/Users") => post(create_user),
        ("GET", "/scim/v2/Users/{id}") => get(get_user),
        ("PUT", "/scim/v2/Users/{id}") => put(replace_user),
        ("PATCH", "/scim/v2/Users/{id}") => patch(patch_user),
        ("DELETE", "/scim/v2/Users/{id}") => delete(delete_user),
        ("GET", "/scim/v2/Groups") => get(list_groups),
        ("POST", "/scim/v2/Groups") => post(create_group),
        ("GET", "/scim/v2/Groups/{id}") => get(get_group),
        ("PUT", "/scim/v2/Groups/{id}") => put(replace_group),
        ("PATCH", "/scim/v2/Groups/{id}") => patch(patch_group),
        ("DELETE", "/scim/v2/Groups/{id}") => delete(delete_group),
        other => panic!("no handler for {other:?}"),
    })
}

const SCIM_JSON: &str = "application/scim+json";

/// Checks the token (live, `scim` scope, within its limit).
async fn authorised(state: &AppState, headers: &HeaderMap) -> Result<i64, ScimFailure> {
    Ok(crate::api_v1::caller(state, headers, Scope::Scim)
        .await
        .map_err(ScimFailure::from)?
        .token)
}

/// Where this server is, for `meta.location`.
fn base(state: &AppState) -> &str {
    &state.settings.public_url
}

/// A JSON answer with SCIM's media type.
fn scim_json(status: StatusCode, body: &Value) -> Response {
    let mut res = (status, axum::Json(body)).into_response();
    res.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(SCIM_JSON));
    res
}

fn failure(f: ScimFailure) -> Response {
    let status = StatusCode::from_u16(f.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut res = scim_json(status, &f.body());
    let h = res.headers_mut();
    if status == StatusCode::UNAUTHORIZED {
        h.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    }
    if let Some(s) = f.retry_after {
        h.insert(header::RETRY_AFTER, HeaderValue::from(s));
    }
    res
}

/// A resource's answer: `status`, its JSON, `ETag`, and `Location` when it was created.
fn resource(status: StatusCode, r: Resource) -> Response {
    let mut res = scim_json(status, &r.body);
    let h = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&r.version) {
        h.insert(header::ETAG, v);
    }
    if status == StatusCode::CREATED {
        if let Some(Ok(v)) = r.body["meta"]["location"]
            .as_str()
            .map(HeaderValue::from_str)
        {
            h.insert(header::LOCATION, v);
        }
    }
    res
}

fn answer(result: Result<Response, ScimFailure>) -> Response {
    result.unwrap_or_else(failure)
}

/// A header's text, if it is sent and readable.
fn header_text(headers: &HeaderMap, name: header::HeaderName) -> Option<&str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// The request body as JSON, or `invalidSyntax`.
fn json_body(body: &Bytes) -> Result<Value, ScimFailure> {
    serde_json::from_slice(body)
        .map_err(|e| AppError::invalid("body", format!("The body is not JSON: {e}")).into())
        .map_err(|f: ScimFailure| ScimFailure {
            scim_type: Some("invalidSyntax"),
            ..f
        })
}

/// A list's query: `filter`, `startIndex`, `count`, and whether `excludedAttributes` leaves
/// out `members`.
struct ListParams {
    filter: Option<String>,
    paging: Paging,
    with_members: bool,
}

fn list_params(raw: Option<String>) -> Result<ListParams, ScimFailure> {
    let q = crate::api_v1::query_pairs(
        raw,
        &[
            "filter",
            "startIndex",
            "count",
            "excludedAttributes",
            "attributes",
        ],
    )?;
    let paging = Paging::parse(
        q.get("startIndex").map(String::as_str),
        q.get("count").map(String::as_str),
    )?;
    Ok(ListParams {
        filter: q.get("filter").cloned(),
        paging,
        with_members: members_wanted(&q),
    })
}

/// Whether `excludedAttributes` (Entra sends `members`) keeps members in the answer.
fn members_wanted(q: &std::collections::HashMap<String, String>) -> bool {
    !q.get("excludedAttributes").is_some_and(|x| {
        x.split(',')
            .any(|a| a.trim().eq_ignore_ascii_case("members"))
    })
}

/// `GET` of one resource: 304 when `If-None-Match` names its version.
fn fetched(headers: &HeaderMap, r: Resource) -> Response {
    if header_text(headers, header::IF_NONE_MATCH).is_some_and(|m| scim::matches(m, &r.version)) {
        let mut res = StatusCode::NOT_MODIFIED.into_response();
        if let Ok(v) = HeaderValue::from_str(&r.version) {
            res.headers_mut().insert(header::ETAG, v);
        }
        return res;
    }
    resource(StatusCode::OK, r)
}

async fn list_users(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    answer(
        async {
            authorised(&state, &headers).await?;
            let p = list_params(q)?;
            let list =
                scim::list_users(&state.db, base(&state), p.filter.as_deref(), p.paging).await?;
            Ok(scim_json(StatusCode::OK, &list))
        }
        .await,
    )
}

async fn create_user(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    answer(
        async {
            let token = authorised(&state, &headers).await?;
            let body = json_body(&body)?;
            let r = scim::create_user(&state.db, base(&state), token, &body).await?;
            Ok(resource(StatusCode::CREATED, r))
        }
        .await,
    )
}

async fn get_user(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    answer(
        async {
            authorised(&state, &headers).await?;
            Ok(fetched(
                &headers,
                scim::get_user(&state.db, base(&state), &id).await?,
            ))
        }
        .await,
    )
}

async fn change_user(
    state: &AppState,
    headers: &HeaderMap,
    id: &str,
    body: &Bytes,
    patch: bool,
) -> Result<Response, ScimFailure> {
    let token = authorised(state, headers).await?;
    let body = json_body(body)?;
    let change = if patch {
        UserChange::Patch(&body)
    } else {
        UserChange::Replace(&body)
    };
    let if_match = header_text(headers, header::IF_MATCH);
    let r = scim::change_user(&state.db, base(state), token, id, if_match, change).await?;
    Ok(resource(StatusCode::OK, r))
}

async fn replace_user(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    answer(change_user(&state, &headers, &id, &body, false).await)
}

async fn patch_user(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    answer(change_user(&state, &headers, &id, &body, true).await)
}

async fn delete_user(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    answer(
        async {
            let token = authorised(&state, &headers).await?;
            let if_match = header_text(&headers, header::IF_MATCH);
            scim::delete_user(&state.db, token, &id, if_match).await?;
            Ok(StatusCode::NO_CONTENT.into_response())
        }
        .await,
    )
}

async fn list_groups(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    answer(
        async {
            authorised(&state, &headers).await?;
            let p = list_params(q)?;
            let list = scim::list_groups(
                &state.db,
                base(&state),
                p.filter.as_deref(),
                p.paging,
                p.with_members,
            )
            .await?;
            Ok(scim_json(StatusCode::OK, &list))
        }
        .await,
    )
}

async fn create_group(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    answer(
        async {
            let token = authorised(&state, &headers).await?;
            let body = json_body(&body)?;
            let r = scim::create_group(&state.db, base(&state), token, &body).await?;
            Ok(resource(StatusCode::CREATED, r))
        }
        .await,
    )
}

async fn get_group(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> Response {
    answer(
        async {
            authorised(&state, &headers).await?;
            let with_members =
                members_wanted(&crate::api_v1::query_pairs(q, &["excludedAttributes"])?);
            let r = scim::get_group(&state.db, base(&state), &id, with_members).await?;
            Ok(fetched(&headers, r))
        }
        .await,
    )
}

async fn change_group(
    state: &AppState,
    headers: &HeaderMap,
    id: &str,
    q: Option<String>,
    body: &Bytes,
    patch: bool,
) -> Result<Response, ScimFailure> {
    let token = authorised(state, headers).await?;
    let with_members = members_wanted(&crate::api_v1::query_pairs(q, &["excludedAttributes"])?);
    let body = json_body(body)?;
    let change = if patch {
        UserChange::Patch(&body)
    } else {
        UserChange::Replace(&body)
    };
    let if_match = header_text(headers, header::IF_MATCH);
    let r = scim::change_group(
        &state.db,
        base(state),
        token,
        id,
        if_match,
        change,
        with_members,
    )
    .await?;
    Ok(resource(StatusCode::OK, r))
}

async fn replace_group(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
    body: Bytes,
) -> Response {
    answer(change_group(&state, &headers, &id, q, &body, false).await)
}

async fn patch_group(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
    body: Bytes,
) -> Response {
    answer(change_group(&state, &headers, &id, q, &body, true).await)
}

async fn delete_group(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    answer(
        async {
            let token = authorised(&state, &headers).await?;
            let if_match = header_text(&headers, header::IF_MATCH);
            scim::delete_group(&state.db, token, &id, if_match).await?;
            Ok(StatusCode::NO_CONTENT.into_response())
        }
        .await,
    )
}

// ----- Discovery (RFC 7644 4) -----

async fn service_provider_config(State(state): State<AppState>, headers: HeaderMap) -> Response {
    answer(
        async {
            authorised(&state, &headers).await?;
            Ok(scim_json(
                StatusCode::OK,
                &json!({
                    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
                    "documentationUri": "https://github.com/proficio/proficio#provision-people-with-scim",
                    "patch": {"supported": true},
                    "bulk": {"supported": false, "maxOperations": 0, "maxPayloadSize": 0},
                    "filter": {"supported": true, "maxResults": scim::MAX_COUNT},
                    "changePassword": {"supported": false},
                    "sort": {"supported": false},
                    "etag": {"supported": true},
                    "authenticationSchemes": [{
                        "type": "oauthbearertoken",
                        "name": "API token",
                        "description": "An API token with the scim scope, made by an admin \
                            under Administration, API tokens: Authorization: Bearer pfo_…",
                        "primary": true,
                    }],
                    "meta": {"resourceType": "ServiceProviderConfig",
                        "location": format!("{}/scim/v2/ServiceProviderConfig", base(&state))},
                }),
            ))
        }
        .await,
    )
}

async fn resource_types(State(state): State<AppState>, headers: HeaderMap) -> Response {
    answer(
        async {
            authorised(&state, &headers).await?;
            let b = base(&state);
            let types = vec![
                json!({
                    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"],
                    "id": "User", "name": "User", "endpoint": "/Users",
                    "description": "A person in Proficio",
                    "schema": USER,
                    "schemaExtensions": [{"schema": ENTERPRISE, "required": false}],
                    "meta": {"resourceType": "ResourceType",
                        "location": format!("{b}/scim/v2/ResourceTypes/User")},
                }),
                json!({
                    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"],
                    "id": "Group", "name": "Group", "endpoint": "/Groups",
                    "description": "An org unit in Proficio; its members are the people in it",
                    "schema": GROUP,
                    "meta": {"resourceType": "ResourceType",
                        "location": format!("{b}/scim/v2/ResourceTypes/Group")},
                }),
            ];
            Ok(scim_json(StatusCode::OK, &listed(types)))
        }
        .await,
    )
}

fn listed(resources: Vec<Value>) -> Value {
    json!({
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
        "totalResults": resources.len(),
        "startIndex": 1,
        "itemsPerPage": resources.len(),
        "Resources": resources,
    })
}

/// One attribute's definition for `/Schemas`.
fn attr(name: &str, kind: &str, multi: bool, required: bool, mutability: &str) -> Value {
    json!({
        "name": name, "type": kind, "multiValued": multi, "required": required,
        "caseExact": false, "mutability": mutability, "returned": "default",
        "uniqueness": if name == "userName" || name == "displayName" { "server" } else { "none" },
    })
}

fn with_subs(mut a: Value, subs: Vec<Value>) -> Value {
    a["subAttributes"] = Value::Array(subs);
    a
}

async fn schemas(State(state): State<AppState>, headers: HeaderMap) -> Response {
    answer(
        async {
            authorised(&state, &headers).await?;
            let value = || attr("value", "string", false, false, "readWrite");
            let user = json!({
                "id": USER, "name": "User", "description": "A person in Proficio",
                "attributes": [
                    attr("userName", "string", false, true, "readWrite"),
                    attr("externalId", "string", false, false, "readWrite"),
                    with_subs(attr("name", "complex", false, false, "readWrite"), vec![
                        attr("formatted", "string", false, false, "readWrite"),
                        attr("givenName", "string", false, false, "readWrite"),
                        attr("familyName", "string", false, false, "readWrite"),
                    ]),
                    attr("displayName", "string", false, false, "readWrite"),
                    attr("title", "string", false, false, "readWrite"),
                    attr("active", "boolean", false, false, "readWrite"),
                    with_subs(attr("emails", "complex", true, false, "readWrite"), vec![
                        value(),
                        attr("type", "string", false, false, "readWrite"),
                        attr("primary", "boolean", false, false, "readWrite"),
                    ]),
                    with_subs(attr("groups", "complex", true, false, "readOnly"), vec![
                        attr("value", "string", false, false, "readOnly"),
                        attr("display", "string", false, false, "readOnly"),
                    ]),
                ],
            });
            let enterprise = json!({
                "id": ENTERPRISE, "name": "EnterpriseUser",
                "description": "The manager (by SCIM id) and department",
                "attributes": [
                    with_subs(attr("manager", "complex", false, false, "readWrite"), vec![
                        value(),
                        attr("displayName", "string", false, false, "readOnly"),
                    ]),
                    attr("department", "string", false, false, "readWrite"),
                ],
            });
            let group = json!({
                "id": GROUP, "name": "Group", "description": "An org unit in Proficio",
                "attributes": [
                    attr("displayName", "string", false, true, "readWrite"),
                    attr("externalId", "string", false, false, "readWrite"),
                    with_subs(attr("members", "complex", true, false, "readWrite"), vec![
                        value(),
                        attr("display", "string", false, false, "readOnly"),
                    ]),
                ],
            });
            let all = [user, enterprise, group]
                .into_iter()
                .map(|mut s| {
                    s["schemas"] = json!(["urn:ietf:params:scim:schemas:core:2.0:Schema"]);
                    s["meta"] = json!({"resourceType": "Schema",
                        "location": format!("{}/scim/v2/Schemas/{}", base(&state), s["id"].as_str().unwrap_or_default())});
                    s
                })
                .collect();
            Ok(scim_json(StatusCode::OK, &listed(all)))
        }
        .await,
    )
}

//! `/api/v1`: JSON for systems rather than browsers, authenticated by an API token
//! (`Authorization: Bearer pfo_…`, made with `proficio token create`), each route needing one
//! scope. Errors are `application/problem+json` (RFC 9457) naming the field at fault.
//! Lists come in pages: `?limit=` (1-200, default 50) and the `next_cursor` of the previous
//! page as `?cursor=`.
//!
//! The OpenAPI 3.1 document is generated from the handlers below and the types they send
//! ([`ApiDoc`]), served at `/api/v1/openapi.json` and read as a page at `/api/v1/docs`
//! ([`crate::api_docs`]); a test fails when it and [`ROUTES`] disagree.

use app::api::AppError;
use app::domain::api_tokens::Scope;
use app::server::api_tokens::{self, ApiCaller};
use app::server::api_v1::{self, ListQuery};
use app::server::api_v1::{
    ApiActivity, ApiFramework, ApiGoal, ApiLevel, ApiNode, ApiOrgReport, ApiPerson, ApiPlan,
    ApiPosition, ApiRating, ApiUnit, CompletionIn, Page, RatedOut, RatingIn,
};
use app::server::plans::Completion;
use app::server::AppState;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::Serialize;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::OpenApi;

/// This module's routes as (method, path), for `routes` and the authorization matrix test.
pub const ROUTES: &[(&str, &str)] = &[
    ("GET", "/api/v1/people"),
    ("GET", "/api/v1/people/{id}"),
    ("GET", "/api/v1/units"),
    ("GET", "/api/v1/positions"),
    ("GET", "/api/v1/positions/{id}"),
    ("GET", "/api/v1/frameworks"),
    ("GET", "/api/v1/frameworks/{id}/nodes"),
    ("GET", "/api/v1/frameworks/{id}/case"),
    ("GET", "/api/v1/levels"),
    ("GET", "/api/v1/ratings"),
    ("POST", "/api/v1/ratings"),
    ("GET", "/api/v1/activities"),
    ("GET", "/api/v1/plans"),
    ("GET", "/api/v1/goals"),
    ("GET", "/api/v1/reports/org"),
    ("POST", "/api/v1/completions"),
    ("GET", DOCUMENT),
    ("GET", crate::api_docs::PAGE),
];

/// Where the OpenAPI document is served.
pub const DOCUMENT: &str = "/api/v1/openapi.json";

/// The OpenAPI 3.1 document of `/api/v1`: every operation below, the types it sends, and the
/// bearer token scheme (each operation names the scope it needs).
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Proficio API",
        description = "JSON for systems rather than browsers (HR systems, learning systems, \
            scripts). Authenticate with an API token: `Authorization: Bearer pfo_…`, made by an \
            admin under Administration, API tokens (or with `proficio token create`). Each operation needs one scope. Lists come in \
            pages: pass the previous page's `next_cursor` as `cursor`. Errors are \
            `application/problem+json` (RFC 9457); `field` names the parameter at fault.",
        license(name = "AGPL-3.0-or-later", identifier = "AGPL-3.0-or-later"),
    ),
    paths(
        people, person, units, positions, position, frameworks, nodes, case, levels, ratings,
        rate, activities, completions, plans, goals, org_report
    ),
    components(schemas(Problem)),
    modifiers(&BearerToken),
    tags(
        (name = "people", description = "People and org units, as HR sees them"),
        (name = "positions", description = "Job roles and the levels they require"),
        (name = "frameworks", description = "Competency frameworks, their nodes and CASE packages"),
        (name = "skills", description = "Where people stand: current levels and every rating behind them"),
        (name = "learning", description = "Learning activities, and the completions learning systems report"),
        (name = "development", description = "Development plans and their goals"),
        (name = "reports", description = "Figures for the organisation"),
    )
)]
pub struct ApiDoc;

struct BearerToken;

impl utoipa::Modify for BearerToken {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let scheme = HttpBuilder::new()
            .scheme(HttpAuthScheme::Bearer)
            .bearer_format("pfo_ + 8 hex digits + _ + 40 hex digits")
            .description(Some(
                "An API token from `proficio token create`; the operation's security \
                 requirement names the scope the token needs.",
            ))
            .build();
        doc.components
            .get_or_insert_with(Default::default)
            .add_security_scheme(TOKEN, SecurityScheme::Http(scheme));
    }
}

/// The paging parameters every list takes (for the document: [`ListQuery`] reads them as
/// text, so that a bad value gets a problem naming it).
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // describes the query string; never built
struct PageParams {
    /// The previous page's `next_cursor`; absent for the first page.
    #[param(pattern = "^[0-9]{1,15}$")]
    cursor: Option<String>,
    /// Rows per page (default 50).
    #[param(minimum = 1, maximum = 200)]
    limit: Option<u32>,
}

/// `?updated_since=`, for lists that sync changes.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // describes the query string; never built
struct SinceParam {
    /// Only rows changed (for ratings and levels: given) at or after this time, in
    /// milliseconds since 1970.
    #[param(minimum = 0, maximum = 999_999_999_999_999_i64)]
    updated_since: Option<i64>,
}

/// `?person=`.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // describes the query string; never built
struct PersonParam {
    /// Only this person's rows (their id).
    #[param(minimum = 0, maximum = 999_999_999_999_999_i64)]
    person: Option<i64>,
}

/// `?node=`.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // describes the query string; never built
struct NodeParam {
    /// Only rows on this competency or skill (its id).
    #[param(minimum = 0, maximum = 999_999_999_999_999_i64)]
    node: Option<i64>,
}

/// `?unit=`.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // describes the query string; never built
struct UnitParam {
    /// Only rows in this org unit (its id).
    #[param(minimum = 0, maximum = 999_999_999_999_999_i64)]
    unit: Option<i64>,
}

/// The refusals every operation may answer with.
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)] // describes responses that `answer` makes
enum Refused {
    /// No token, or one that is unknown, expired or revoked.
    #[response(status = 401, content_type = "application/problem+json",
        headers(("WWW-Authenticate" = String, description = "`Bearer`")))]
    Unauthorized(Problem),
    /// The token lacks the operation's scope.
    #[response(status = 403, content_type = "application/problem+json")]
    Forbidden(Problem),
    /// The token made more requests this minute than it may (`PROFICIO_API_REQUESTS_PER_MINUTE`).
    #[response(status = 429, content_type = "application/problem+json",
        headers(("Retry-After" = String, description = "Seconds until the token may call again.")))]
    TooMany(Problem),
}

/// A parameter is not what the operation takes; `field` names it.
#[derive(utoipa::IntoResponses)]
#[response(status = 422, content_type = "application/problem+json")]
#[allow(dead_code)] // describes responses that `answer` makes
struct Invalid(Problem);

/// The security scheme's name in the document (the operations' `security` say it literally).
const TOKEN: &str = "token";

/// The document as served (generated once).
pub fn document() -> &'static utoipa::openapi::OpenApi {
    static DOC: std::sync::OnceLock<utoipa::openapi::OpenApi> = std::sync::OnceLock::new();
    DOC.get_or_init(ApiDoc::openapi)
}

/// The `/api/v1` routes.
pub fn routes() -> Router<AppState> {
    crate::startup::route_table(ROUTES, |route| match route {
        ("GET", "/api/v1/people") => get(people),
        ("GET", "/api/v1/people/{id}") => get(person),
        ("GET", "/api/v1/units") => get(units),
        ("GET", "/api/v1/positions") => get(positions),
        ("GET", "/api/v1/positions/{id}") => get(position),
        ("GET", "/api/v1/frameworks") => get(frameworks),
        ("GET", "/api/v1/frameworks/{id}/nodes") => get(nodes),
        ("GET", "/api/v1/frameworks/{id}/case") => get(case),
        ("GET", "/api/v1/levels") => get(levels),
        ("GET", "/api/v1/ratings") => get(ratings),
        ("POST", "/api/v1/ratings") => axum::routing::post(rate),
        ("GET", "/api/v1/activities") => get(activities),
        ("GET", "/api/v1/plans") => get(plans),
        ("GET", "/api/v1/goals") => get(goals),
        ("GET", "/api/v1/reports/org") => get(org_report),
        ("POST", "/api/v1/completions") => axum::routing::post(completions),
        ("GET", DOCUMENT) => get(|| async { axum::Json(document()) }),
        ("GET", crate::api_docs::PAGE) => get(crate::api_docs::page),
        other => panic!("no handler for {other:?}"),
    })
}

/// The `known` parameters of a query string: each at most once (a repeated one is refused
/// by name, not picked from), unknown ones ignored.
pub(crate) fn query_pairs(
    raw: Option<String>,
    known: &[&str],
) -> Result<std::collections::HashMap<String, String>, AppError> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw.as_deref().unwrap_or(""))
        .map_err(|_| AppError::invalid("query", "The query string is not form-encoded."))?;
    let mut out = std::collections::HashMap::new();
    for (name, value) in pairs {
        if !known.contains(&name.as_str()) {
            continue;
        }
        if out.contains_key(&name) {
            return Err(AppError::invalid(&name, format!("Give {name} once.")));
        }
        out.insert(name, value);
    }
    Ok(out)
}

/// A list's query string, with the paging parameters and the `filters` the list takes (see
/// [`query_pairs`]); other filters are ignored.
fn list_query(raw: Option<String>, filters: &[&str]) -> Result<ListQuery, AppError> {
    let known: Vec<&str> = ["cursor", "limit"].iter().chain(filters).copied().collect();
    let pairs = query_pairs(raw, &known)?;
    let get = |k: &str| pairs.get(k).cloned();
    Ok(ListQuery {
        cursor: get("cursor"),
        limit: get("limit"),
        unit: get("unit"),
        person: get("person"),
        node: get("node"),
        framework: get("framework"),
        updated_since: get("updated_since"),
    })
}

/// Puts every request made with an API token (to `/api/v1` and `/scim/v2`) in the audit
/// log once it is answered: which token, what it asked, and the status.
pub async fn audit_use(
    State(state): State<AppState>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let auth = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let method = req.method().to_string();
    let target = req
        .uri()
        .path_and_query()
        .map_or_else(|| req.uri().path().to_string(), |p| p.to_string());
    let res = next.run(req).await;
    if auth.is_some() {
        let status = res.status().as_u16();
        if let Err(e) =
            api_tokens::record_use(&state.db, auth.as_deref(), &method, &target, status).await
        {
            tracing::error!(error = %e, "a token's use could not be audited");
        }
    }
    res
}

/// The token's caller, if it carries `scope`.
pub(crate) async fn caller(
    state: &AppState,
    headers: &HeaderMap,
    scope: Scope,
) -> Result<ApiCaller, AppError> {
    let auth = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let caller = api_tokens::authenticate(&state.db, auth).await?;
    tracing::Span::current().record("token", caller.token);
    state.api_limiter.check(caller.token)?;
    caller.need(scope)?;
    Ok(caller)
}

/// List people
///
/// Everyone, active or not, in id order, optionally in one org unit or changed since a time.
#[utoipa::path(
    get, path = "/api/v1/people", tag = "people", operation_id = "listPeople",
    params(
        PageParams,
        UnitParam,
        SinceParam,
    ),
    responses(
        (status = 200, description = "One page of people.", body = Page<ApiPerson>),
        Refused, Invalid,
    ),
    security(("token" = ["people:read"])),
)]
async fn people(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let read =
        async { api_v1::people(&state.db, &list_query(q, &["unit", "updated_since"])?).await };
    scoped(&state, &headers, Scope::PeopleRead, read).await
}

/// Get a person
#[utoipa::path(
    get, path = "/api/v1/people/{id}", tag = "people", operation_id = "getPerson",
    params(("id" = i64, Path, description = "The person's id.",
        minimum = 0, maximum = 999_999_999_999_999_i64)),
    responses(
        (status = 200, description = "The person.", body = ApiPerson),
        Refused,
        (status = 404, description = "No person has this id.", body = Problem,
            content_type = "application/problem+json"),
    ),
    security(("token" = ["people:read"])),
)]
async fn person(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let read = async { api_v1::person(&state.db, path_id(&id, "That person")?).await };
    scoped(&state, &headers, Scope::PeopleRead, read).await
}

/// List org units
///
/// Every org unit, in id order; `parent_id` gives the tree.
#[utoipa::path(
    get, path = "/api/v1/units", tag = "people", operation_id = "listUnits",
    params(PageParams),
    responses(
        (status = 200, description = "One page of org units.", body = Page<ApiUnit>),
        Refused, Invalid,
    ),
    security(("token" = ["units:read"])),
)]
async fn units(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let read = async { api_v1::units(&state.db, &list_query(q, &[])?).await };
    scoped(&state, &headers, Scope::UnitsRead, read).await
}

/// A path's id: a number, or the thing it names does not exist.
fn path_id(id: &str, what: &str) -> Result<i64, AppError> {
    api_v1::digits(id).ok_or_else(|| AppError::NotFound(what.into()))
}

/// List positions
///
/// Every position (job role) in id order with what it requires: per competency or skill,
/// the level, the weight in readiness and whether it is mandatory. Optionally one org unit's,
/// or those changed since a time.
#[utoipa::path(
    get, path = "/api/v1/positions", tag = "positions", operation_id = "listPositions",
    params(
        PageParams,
        UnitParam,
        SinceParam,
    ),
    responses(
        (status = 200, description = "One page of positions.", body = Page<ApiPosition>),
        Refused, Invalid,
    ),
    security(("token" = ["positions:read"])),
)]
async fn positions(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let read = async {
        let q = list_query(q, &["unit", "updated_since"])?;
        api_v1::positions(&state.db, &q).await
    };
    scoped(&state, &headers, Scope::PositionsRead, read).await
}

/// Get a position
#[utoipa::path(
    get, path = "/api/v1/positions/{id}", tag = "positions", operation_id = "getPosition",
    params(("id" = i64, Path, description = "The position's id.",
        minimum = 0, maximum = 999_999_999_999_999_i64)),
    responses(
        (status = 200, description = "The position and its requirements.", body = ApiPosition),
        Refused,
        (status = 404, description = "No position has this id.", body = Problem,
            content_type = "application/problem+json"),
    ),
    security(("token" = ["positions:read"])),
)]
async fn position(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let read = async { api_v1::position(&state.db, path_id(&id, "That position")?).await };
    scoped(&state, &headers, Scope::PositionsRead, read).await
}

/// List frameworks
///
/// Every competency framework in id order, with its status and newest published version.
#[utoipa::path(
    get, path = "/api/v1/frameworks", tag = "frameworks", operation_id = "listFrameworks",
    params(
        PageParams,
        SinceParam,
    ),
    responses(
        (status = 200, description = "One page of frameworks.", body = Page<ApiFramework>),
        Refused, Invalid,
    ),
    security(("token" = ["frameworks:read"])),
)]
async fn frameworks(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let read = async { api_v1::frameworks(&state.db, &list_query(q, &["updated_since"])?).await };
    scoped(&state, &headers, Scope::FrameworksRead, read).await
}

/// List a framework's nodes
///
/// The categories, competencies and skills of a framework's working state, in id order;
/// `parent_id` and `position` give the tree. For a published version, read its CASE package.
#[utoipa::path(
    get, path = "/api/v1/frameworks/{id}/nodes", tag = "frameworks", operation_id = "listNodes",
    params(
        ("id" = i64, Path, description = "The framework's id.",
            minimum = 0, maximum = 999_999_999_999_999_i64),
        PageParams,
        SinceParam,
    ),
    responses(
        (status = 200, description = "One page of the framework's nodes.", body = Page<ApiNode>),
        Refused, Invalid,
        (status = 404, description = "No framework has this id.", body = Problem,
            content_type = "application/problem+json"),
    ),
    security(("token" = ["frameworks:read"])),
)]
async fn nodes(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> Response {
    let read = async {
        let id = path_id(&id, "That framework")?;
        api_v1::nodes(&state.db, id, &list_query(q, &["updated_since"])?).await
    };
    scoped(&state, &headers, Scope::FrameworksRead, read).await
}

/// Get a framework as a CASE package
///
/// The framework as a CASE 1.1 `CFPackage` (1EdTech Competencies and Academic Standards
/// Exchange), which validates against the official schema: its newest published version,
/// another version by number, or the working state with `version=draft`.
#[utoipa::path(
    get, path = "/api/v1/frameworks/{id}/case", tag = "frameworks", operation_id = "getCasePackage",
    params(
        ("id" = i64, Path, description = "The framework's id.",
            minimum = 0, maximum = 999_999_999_999_999_i64),
        ("version" = Option<String>, Query,
            description = "A published version's number, or `draft`; the newest published version when absent.",
            pattern = "^([0-9]{1,15}|draft)$"),
    ),
    responses(
        (status = 200, description = "The CASE 1.1 CFPackage.", body = Object),
        Refused, Invalid,
        (status = 404, description = "No framework has this id, or it has no such version (or none published).",
            body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = ["frameworks:read"])),
)]
async fn case(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> Response {
    let read = async {
        let id = path_id(&id, "That framework")?;
        let pairs = query_pairs(q, &["version"])?;
        let base = state.settings.case_base_uri();
        api_v1::case_package(
            &state.db,
            id,
            pairs.get("version").map(String::as_str),
            &base,
        )
        .await
    };
    scoped(&state, &headers, Scope::FrameworksRead, read).await
}

/// List ratings
///
/// Every rating ever given, in id order: the history behind the current levels (ratings
/// are never changed or deleted). Filter by person, by node, or to ratings given since a
/// time, to sync changes.
#[utoipa::path(
    get, path = "/api/v1/ratings", tag = "skills", operation_id = "listRatings",
    params(
        PageParams,
        PersonParam,
        NodeParam,
        SinceParam,
    ),
    responses(
        (status = 200, description = "One page of ratings.", body = Page<ApiRating>),
        Refused, Invalid,
    ),
    security(("token" = ["ratings:read"])),
)]
async fn ratings(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let read = async {
        let q = list_query(q, &["person", "node", "updated_since"])?;
        api_v1::ratings(&state.db, &q).await
    };
    scoped(&state, &headers, Scope::RatingsRead, read).await
}

/// List learning activities
///
/// Every learning activity in id order, retired ones too, with the levels completing it
/// awards.
#[utoipa::path(
    get, path = "/api/v1/activities", tag = "learning", operation_id = "listActivities",
    params(
        PageParams,
        SinceParam,
    ),
    responses(
        (status = 200, description = "One page of activities.", body = Page<ApiActivity>),
        Refused, Invalid,
    ),
    security(("token" = ["activities:read"])),
)]
async fn activities(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let read = async { api_v1::activities(&state.db, &list_query(q, &["updated_since"])?).await };
    scoped(&state, &headers, Scope::ActivitiesRead, read).await
}

/// List development plans
///
/// Every person's development plan and where it is in its approval cycle, by person.
#[utoipa::path(
    get, path = "/api/v1/plans", tag = "development", operation_id = "listPlans",
    params(
        PageParams,
        PersonParam,
        SinceParam,
    ),
    responses(
        (status = 200, description = "One page of plans.", body = Page<ApiPlan>),
        Refused, Invalid,
    ),
    security(("token" = ["plans:read"])),
)]
async fn plans(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let read = async {
        let q = list_query(q, &["person", "updated_since"])?;
        api_v1::plans(&state.db, &q).await
    };
    scoped(&state, &headers, Scope::PlansRead, read).await
}

/// List goals
///
/// Every goal in every plan, in id order: open, achieved and dropped.
#[utoipa::path(
    get, path = "/api/v1/goals", tag = "development", operation_id = "listGoals",
    params(
        PageParams,
        PersonParam,
        NodeParam,
        SinceParam,
    ),
    responses(
        (status = 200, description = "One page of goals.", body = Page<ApiGoal>),
        Refused, Invalid,
    ),
    security(("token" = ["plans:read"])),
)]
async fn goals(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let read = async {
        let q = list_query(q, &["person", "node", "updated_since"])?;
        api_v1::goals(&state.db, &q).await
    };
    scoped(&state, &headers, Scope::PlansRead, read).await
}

/// Get the org report
///
/// Competency status by org unit and node, as on the Reports page: for the whole
/// organisation or one unit, a total row and one row per sub-unit (and the people directly
/// in the unit); per required node, how many need it, how many meet it and their total gap.
#[utoipa::path(
    get, path = "/api/v1/reports/org", tag = "reports", operation_id = "getOrgReport",
    params(
        ("unit" = Option<i64>, Query, description = "The unit to report on (its id); the whole organisation when absent.",
            minimum = 0, maximum = 999_999_999_999_999_i64),
        ("framework" = Option<i64>, Query, description = "Only columns from this framework (its id).",
            minimum = 0, maximum = 999_999_999_999_999_i64),
    ),
    responses(
        (status = 200, description = "The report.", body = ApiOrgReport),
        Refused, Invalid,
        (status = 404, description = "No org unit has this id.", body = Problem,
            content_type = "application/problem+json"),
    ),
    security(("token" = ["reports:read"])),
)]
async fn org_report(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let read = async {
        let q = list_query(q, &["unit", "framework"])?;
        api_v1::org_report(&state.db, &q).await
    };
    scoped(&state, &headers, Scope::ReportsRead, read).await
}

/// List current levels
///
/// Everyone's current level on every competency and skill they hold, in (person, node)
/// order: the level that counts now (self-ratings once approved). Filter by person, by node,
/// or to levels given since a time, to sync changes.
#[utoipa::path(
    get, path = "/api/v1/levels", tag = "skills", operation_id = "listLevels",
    params(
        ("cursor" = Option<String>, Query,
            description = "The previous page's `next_cursor` (`PERSON-NODE`); absent for the first page.",
            pattern = "^[0-9]{1,15}-[0-9]{1,15}$"),
        ("limit" = Option<u32>, Query, description = "Rows per page (default 50).",
            minimum = 1, maximum = 200),
        PersonParam,
        NodeParam,
        SinceParam,
    ),
    responses(
        (status = 200, description = "One page of current levels.", body = Page<ApiLevel>),
        Refused, Invalid,
    ),
    security(("token" = ["levels:read"])),
)]
async fn levels(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let read = async {
        let q = list_query(q, &["person", "node", "updated_since"])?;
        api_v1::levels(&state.db, &q).await
    };
    scoped(&state, &headers, Scope::LevelsRead, read).await
}

/// Record a completion
///
/// The person completed the learning activity: the live action in their plan is completed
/// (or a completed one added) and the levels the activity provides are awarded, exactly as
/// when an admin records it. Send an `Idempotency-Key` so that a retry after a lost answer
/// does not record it twice: the same key with the same body answers as the first time did
/// (with `Idempotent-Replayed: true`) for a day.
#[utoipa::path(
    post, path = "/api/v1/completions", tag = "learning", operation_id = "recordCompletion",
    params(("Idempotency-Key" = Option<String>, Header,
        description = "Any unique text per completion (a UUID, or the learning system's own record id).",
        pattern = "^[!-~]{1,255}$")),
    request_body = CompletionIn,
    responses(
        (status = 201, description = "Recorded (or, with `Idempotent-Replayed: true`, recorded earlier).",
            body = Completion,
            headers(("Idempotent-Replayed" = String, description = "`true` when this repeats the first answer to the key."))),
        Refused,
        (status = 404, description = "No person has the e-mail, or no activity the id or identifier.",
            body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A request with the same key is still being done, or the action was completed meanwhile.",
            body = Problem, content_type = "application/problem+json"),
        Invalid,
    ),
    security(("token" = ["completions:write"])),
)]
async fn completions(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let result = async {
        let me = caller(&state, &headers, Scope::CompletionsWrite).await?;
        api_v1::complete(&state.db, &me, idempotency_key(&headers)?, &body).await
    };
    created(result.await)
}

/// Record a rating
///
/// A trusted system (a learning system's assessment, an exam, a skills test) rates a
/// person on a competency or skill. The rating is stored with source `import` and the
/// system's word for itself as its `origin`, counts at once as a manager's rating does, and
/// is in the person's history and the audit log. Send an `Idempotency-Key` as for
/// completions.
#[utoipa::path(
    post, path = "/api/v1/ratings", tag = "skills", operation_id = "recordRating",
    params(("Idempotency-Key" = Option<String>, Header,
        description = "Any unique text per rating (a UUID, or the sending system's own record id).",
        pattern = "^[!-~]{1,255}$")),
    request_body = RatingIn,
    responses(
        (status = 201, description = "Recorded (or, with `Idempotent-Replayed: true`, recorded earlier).",
            body = RatedOut,
            headers(("Idempotent-Replayed" = String, description = "`true` when this repeats the first answer to the key."))),
        Refused,
        (status = 404, description = "No person has the e-mail, or no competency or skill the id.",
            body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The person is deactivated, or a request with the same key is still being done.",
            body = Problem, content_type = "application/problem+json"),
        Invalid,
    ),
    security(("token" = ["ratings:write"])),
)]
async fn rate(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let result = async {
        let me = caller(&state, &headers, Scope::RatingsWrite).await?;
        api_v1::rate(&state.db, &me, idempotency_key(&headers)?, &body).await
    };
    created(result.await)
}

/// The request's `Idempotency-Key`, if it sends one (checked further by the create).
fn idempotency_key(headers: &HeaderMap) -> Result<Option<&str>, AppError> {
    headers
        .get("idempotency-key")
        .map(|v| {
            v.to_str().map_err(|_| {
                AppError::invalid("Idempotency-Key", "Idempotency-Key must be visible ASCII.")
            })
        })
        .transpose()
}

/// The answer to a create: its status and JSON, marked when it repeats an earlier answer.
fn created(result: Result<api_v1::Created, AppError>) -> Response {
    match result {
        Ok(created) => {
            let status = StatusCode::from_u16(created.status).unwrap_or(StatusCode::CREATED);
            let mut res = (status, created.body).into_response();
            let h = res.headers_mut();
            h.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            if created.replayed {
                h.insert("idempotent-replayed", HeaderValue::from_static("true"));
            }
            res
        }
        Err(e) => answer::<()>(Err(e)),
    }
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

/// An RFC 9457 problem: what went wrong, and `field`, the parameter at fault, if one is.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// Always `about:blank`: the status says what kind of problem it is.
    #[serde(rename = "type")]
    kind: &'static str,
    /// The status's name.
    title: &'static str,
    /// The HTTP status.
    status: u16,
    /// What went wrong, in a sentence a person can act on.
    detail: String,
    /// The query or path parameter at fault, when one is.
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
    if let Some(seconds) = e.retry_after() {
        h.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    res
}

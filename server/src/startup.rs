//! Building the router and serving it.

use crate::middleware;
use app::server::session_store::DbSessionStore;
use app::server::{AppState, Db, Settings};
use app::{shell, App};
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, MethodRouter};
use axum::{Json, Router};
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, handle_server_fns_with_context, LeptosRoutes};
use std::sync::Arc;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

/// Builds the state from an open database.
pub fn state(db: Db, settings: Settings, leptos_options: LeptosOptions) -> AppState {
    AppState {
        db,
        password_slots: Arc::new(tokio::sync::Semaphore::new(
            settings.max_concurrent_hashes.max(1),
        )),
        api_limiter: Arc::new(app::server::api_tokens::ApiLimiter::per_minute(
            settings.api_requests_per_minute,
        )),
        sso: settings.oidc.clone().and_then(|o| {
            app::server::sso::Sso::new(o, &settings.public_url)
                .map_err(|e| tracing::error!(error = %e, "single sign-on is off"))
                .ok()
                .map(Arc::new)
        }),
        settings: Arc::new(settings),
        leptos_options,
    }
}

/// The hand-written routes of this module as (method, path); `build_router` mounts exactly
/// these, and the authorization matrix test enumerates them (with each module's `ROUTES`),
/// so a new route cannot go unchecked. `/api/{*fn_name}` dispatches to the server
/// functions, which the test enumerates from their registry.
pub const ROUTES: &[(&str, &str)] = &[
    ("GET", "/healthz"),
    ("GET", SERVER_FNS),
    ("POST", SERVER_FNS),
];

/// The path every server function is dispatched through.
pub const SERVER_FNS: &str = "/api/{*fn_name}";

/// A router holding exactly the routes of a module's `ROUTES` table: `handler` gives each
/// (method, path) its method router (and panics on one it does not know, which every test
/// that builds the router would catch). Methods on the same path are merged by axum.
pub fn route_table<S: Clone + Send + Sync + 'static>(
    table: &[(&str, &str)],
    handler: impl Fn((&str, &str)) -> MethodRouter<S>,
) -> Router<S> {
    table.iter().fold(Router::new(), |router, &(method, path)| {
        router.route(path, handler((method, path)))
    })
}

/// The page routes, generated once per process. Generating them renders the app with
/// resource loading suppressed by a process-wide flag, and a resource first polled anywhere
/// in the process meanwhile never loads (leptos-rs/leptos#4773): a page rendering for one
/// router while another router is built would hang for good. Built once, before any router
/// exists, nothing can render during it.
fn page_routes() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> =
        std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// The whole application as one router: server functions, pages, the client's files (see
/// [`crate::assets`]), other static files, health.
pub fn build_router(state: AppState, body_limit: usize) -> Router {
    let routes = page_routes();
    let sessions = SessionManagerLayer::new(DbSessionStore::new(state.db.clone()))
        .with_name("proficio_session")
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(state.settings.secure_cookies)
        .with_expiry(Expiry::OnInactivity(time_duration_hours(
            state.settings.session_hours,
        )));
    let ctx_state = state.clone();
    let options = state.leptos_options.clone();

    route_table(ROUTES, |route| match route {
        ("GET", "/healthz") => get(healthz),
        ("GET", SERVER_FNS) => get(server_fns),
        ("POST", SERVER_FNS) => axum::routing::post(server_fns),
        other => panic!("no handler for {other:?}"),
    })
    .merge(
        crate::api_v1::routes()
            .merge(crate::scim::routes())
            .route_layer(axum::middleware::from_fn_with_state(
                state.clone(),
                crate::api_v1::audit_use,
            )),
    )
    .merge(crate::evidence::routes())
    .merge(crate::exports::routes())
    .merge(crate::imports::routes())
    .merge(crate::sso::routes())
    .merge(crate::assets::routes(
        &options.site_root,
        &options.site_pkg_dir,
    ))
    .leptos_routes_with_context(
        &state,
        routes,
        move || provide_context(ctx_state.clone()),
        {
            let options = options.clone();
            move || shell(options.clone())
        },
    )
    .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
    .layer(axum::middleware::from_fn(middleware::refuse_nul))
    .layer(axum::middleware::from_fn(middleware::form_errors))
    .layer(axum::middleware::from_fn_with_state(
        state.clone(),
        middleware::current_user,
    ))
    .layer(sessions)
    .layer(axum::middleware::from_fn_with_state(
        state.clone(),
        middleware::csrf_guard,
    ))
    .layer(SetResponseHeaderLayer::if_not_present(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    ))
    .layer(SetResponseHeaderLayer::if_not_present(
        header::X_FRAME_OPTIONS,
        HeaderValue::from_static("DENY"),
    ))
    .layer(SetResponseHeaderLayer::if_not_present(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    ))
    .layer(tower::util::option_layer(
        state.settings.secure_cookies.then(|| {
            // Served over HTTPS: browsers must not come back over plain HTTP.
            SetResponseHeaderLayer::if_not_present(
                header::STRICT_TRANSPORT_SECURITY,
                HeaderValue::from_static("max-age=31536000; includeSubDomains"),
            )
        }),
    ))
    .layer(CompressionLayer::new())
    .layer(DefaultBodyLimit::max(body_limit))
    .layer(RequestBodyLimitLayer::new(body_limit))
    .layer(axum::middleware::from_fn(move |req, next| {
        middleware::too_large(req, next, body_limit)
    }))
    // Every request gets an id (kept from a proxy's `x-request-id`, else a new UUID), sent
    // back in the response and carried by the span that every log line of the request is in.
    .layer(axum::middleware::from_fn(middleware::keep_request_span))
    .layer(PropagateRequestIdLayer::x_request_id())
    .layer(TraceLayer::new_for_http().make_span_with(request_span))
    .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
    .with_state(state)
}

/// The span of one request: its id (at most 64 characters of a proxy's), method and path
/// (never the query string, which can hold search terms or a sign-in's `next`), and the
/// signed-in person's id once `middleware::current_user` knows it.
fn request_span(req: &Request<Body>) -> tracing::Span {
    let id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-");
    let id = &id[..id.len().min(64)];
    tracing::info_span!(
        "request",
        id = %id,
        method = %req.method(),
        path = %req.uri().path(),
        person = tracing::field::Empty,
        token = tracing::field::Empty,
    )
}

fn time_duration_hours(h: i64) -> tower_sessions::cookie::time::Duration {
    tower_sessions::cookie::time::Duration::hours(h)
}

async fn server_fns(State(state): State<AppState>, req: Request<Body>) -> impl IntoResponse {
    handle_server_fns_with_context(move || provide_context(state.clone()), req).await
}

/// `GET /healthz`: 200 when the database answers, 503 otherwise.
async fn healthz(State(state): State<AppState>) -> Response {
    match state.db.ping().await {
        Ok(()) => Json(serde_json::json!({"status": "ok", "database": state.db.backend.name()}))
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(serde_json::json!({"status": "unavailable"})),
            )
                .into_response()
        }
    }
}

/// Serves until SIGTERM or Ctrl-C, letting requests in flight finish.
pub async fn serve(router: Router, addr: std::net::SocketAddr) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    tracing::info!("listening on http://{}", listener.local_addr()?);
    serve_on(listener, router, shutdown_signal()).await
}

/// Serves on `listener` until `stop` completes, letting requests in flight finish.
pub async fn serve_on(
    listener: tokio::net::TcpListener,
    router: Router,
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use axum::serve::ListenerExt;
    // Without TCP_NODELAY, streamed server-rendered pages stall ~40 ms on Nagle's algorithm.
    let listener = listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    // The peer address feeds the per-client sign-in limit.
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(stop)
    .await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down");
}

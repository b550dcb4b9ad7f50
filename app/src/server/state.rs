//! The state every request handler and server function can reach.

use super::db::Db;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use std::sync::Arc;

/// Runtime settings the services need (the server crate's configuration fills them in).
#[derive(Debug, Clone)]
pub struct Settings {
    /// Mark the session cookie `Secure` (serve over HTTPS).
    pub secure_cookies: bool,
    /// Hours a session lasts without being renewed by a sign-in.
    pub session_hours: i64,
    /// Failed sign-ins for one e-mail within `lockout_minutes` before further attempts are
    /// refused until the window passes.
    pub max_failed_sign_ins: i64,
    /// Length of the failed-sign-in window, in minutes.
    pub lockout_minutes: i64,
    /// Failed sign-ins from one client address (any e-mail) within the window before its
    /// further attempts are refused.
    pub max_failed_sign_ins_per_client: i64,
    /// Take the client address from the last `X-Forwarded-For` entry (behind a trusted
    /// reverse proxy) instead of the connection's peer.
    pub trust_forwarded_for: bool,
    /// Passwords checked at once; more wait up to two seconds, then get 503.
    pub max_concurrent_hashes: usize,
    /// Origins (scheme://host[:port]) besides the request's own Host that may post.
    pub allowed_origins: Vec<String>,
    /// Where evidence files are stored (never a served folder).
    pub upload_dir: std::path::PathBuf,
    /// Largest evidence file, in bytes.
    pub upload_max_bytes: u64,
    /// Most bytes of evidence files one person may upload in all.
    pub upload_quota_bytes: u64,
    /// The address people reach Proficio at; CASE exports make URIs under it.
    pub public_url: String,
    /// Requests one API token may make per minute (on each app server).
    pub api_requests_per_minute: u32,
    /// Single sign-on with an OpenID provider, when set up.
    pub oidc: Option<super::sso::OidcSettings>,
    /// Whether people may sign in with an e-mail and password (turned off when everyone
    /// signs in through the identity provider).
    pub password_sign_in: bool,
}

impl Settings {
    /// The base of the URIs a CASE export makes for objects Proficio created.
    pub fn case_base_uri(&self) -> String {
        format!("{}/case", self.public_url.trim_end_matches('/'))
    }
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            secure_cookies: false,
            session_hours: 12,
            max_failed_sign_ins: 5,
            lockout_minutes: 15,
            max_failed_sign_ins_per_client: 50,
            trust_forwarded_for: false,
            max_concurrent_hashes: 4,
            allowed_origins: Vec::new(),
            upload_dir: std::env::temp_dir().join("proficio-uploads"),
            upload_max_bytes: 10 * 1024 * 1024,
            upload_quota_bytes: 200 * 1024 * 1024,
            api_requests_per_minute: 600,
            public_url: "http://localhost:3000".into(),
            oidc: None,
            password_sign_in: true,
        }
    }
}

/// Shared application state, cheap to clone.
#[derive(Clone)]
pub struct AppState {
    /// The database.
    pub db: Db,
    /// Runtime settings.
    pub settings: Arc<Settings>,
    /// Leptos's own options (site root, output name...).
    pub leptos_options: LeptosOptions,
    /// Slots for password checks (`Settings::max_concurrent_hashes` of them).
    pub password_slots: Arc<tokio::sync::Semaphore>,
    /// Each API token's requests this minute (`Settings::api_requests_per_minute`).
    pub api_limiter: Arc<super::api_tokens::ApiLimiter>,
    /// The single sign-on client, when `Settings::oidc` is set.
    pub sso: Option<Arc<super::sso::Sso>>,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

//! Single sign-on with OpenID Connect: the authorization code flow with PKCE (S256), a
//! state and a nonce kept in the person's (database-backed) session, ID token checks
//! (signature from the provider's published keys, issuer, audience, expiry, nonce) by the
//! `openidconnect` crate. People are matched by the e-mail address the provider has
//! verified; new people can be created on first sign-in with a default role.
//!
//! The provider's discovery document and keys are fetched on first use and kept for an
//! hour; a token signed with a key not seen yet makes one fresh fetch (key rotation).

use super::auth::safe_next;
use super::db::Db;
use super::now_ms;
use super::session_store::PERSON_KEY;
use super::state::AppState;
use crate::api::AppError;
use crate::domain::sso::{domain_allowed, email_vouched, pending_is_fresh, SsoRefusal};
use crate::domain::{Email, PersonId, Role};
use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreIdTokenClaims, CoreProviderMetadata,
};
use openidconnect::{
    AuthorizationCode, ClaimsVerificationError, ClientId, ClientSecret, CsrfToken, IssuerUrl,
    Nonce, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope, TokenResponse,
};
use serde::{Deserialize, Serialize};
use std::time::{Duration, Instant};
use tokio::sync::RwLock;
use tower_sessions::Session;

/// The session key holding a started sign-in.
const PENDING_KEY: &str = "oidc_pending";

/// How long discovered provider metadata (with its keys) is used before it is fetched again.
const METADATA_TTL: Duration = Duration::from_secs(3600);

/// Metadata this fresh is not fetched again for an unknown signing key: at most one fetch
/// per this interval, however many tokens arrive signed with a key the provider does not
/// publish.
const KEYS_REFETCH: Duration = Duration::from_secs(10);

/// The identity provider's settings (`PROFICIO_OIDC_*`).
#[derive(Debug, Clone)]
pub struct OidcSettings {
    /// The issuer URL; its `/.well-known/openid-configuration` is the discovery document.
    pub issuer: String,
    /// This application's client id at the provider.
    pub client_id: String,
    /// Its client secret.
    pub client_secret: String,
    /// E-mail domains that may sign in (lower-case); empty allows all.
    pub allowed_domains: Vec<String>,
    /// Role of people created on their first sign-in; `None` creates nobody.
    pub create_role: Option<Role>,
    /// Accept an e-mail claim that comes without `email_verified` (never one stated false).
    pub trust_unstated_email: bool,
    /// The provider's name on the sign-in button.
    pub label: String,
}

/// The single sign-on client: settings, an HTTP client, and the provider's metadata once
/// fetched.
pub struct Sso {
    settings: OidcSettings,
    redirect: RedirectUrl,
    http: openidconnect::reqwest::Client,
    metadata: RwLock<Option<(CoreProviderMetadata, Instant)>>,
}

/// What the session keeps between leaving for the provider and coming back.
#[derive(Serialize, Deserialize)]
struct Pending {
    state: String,
    nonce: String,
    verifier: String,
    next: String,
    at: i64,
}

/// The provider's answer on the callback URL.
#[derive(Debug, Default, Deserialize)]
pub struct Callback {
    pub code: Option<String>,
    pub state: Option<String>,
    pub error: Option<String>,
}

impl Sso {
    /// A client for `settings`, answering at `{public_url}/auth/oidc/callback`.
    pub fn new(settings: OidcSettings, public_url: &str) -> Result<Sso, String> {
        IssuerUrl::new(settings.issuer.clone())
            .map_err(|e| format!("PROFICIO_OIDC_ISSUER is not a URL: {e}"))?;
        let redirect = RedirectUrl::new(format!(
            "{}/auth/oidc/callback",
            public_url.trim_end_matches('/')
        ))
        .map_err(|e| format!("PROFICIO_PUBLIC_URL is not a URL: {e}"))?;
        let http = openidconnect::reqwest::ClientBuilder::new()
            // Following redirects would let a provider's answer send us anywhere (SSRF).
            .redirect(openidconnect::reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| format!("HTTP client: {e}"))?;
        Ok(Sso {
            settings,
            redirect,
            http,
            metadata: RwLock::new(None),
        })
    }

    /// The provider's name for the sign-in button.
    pub fn label(&self) -> &str {
        &self.settings.label
    }

    /// The provider's metadata: kept, or fetched when missing, older than an hour or
    /// `refresh` is set.
    async fn metadata(&self, refresh: bool) -> Result<CoreProviderMetadata, SsoRefusal> {
        if !refresh {
            if let Some((m, at)) = self.metadata.read().await.as_ref() {
                if at.elapsed() < METADATA_TTL {
                    return Ok(m.clone());
                }
            }
        }
        let mut kept = self.metadata.write().await;
        if let Some((m, at)) = kept.as_ref() {
            // Another request fetched it while this one waited.
            let fresh = if refresh { KEYS_REFETCH } else { METADATA_TTL };
            if at.elapsed() < fresh {
                return Ok(m.clone());
            }
        }
        let issuer =
            IssuerUrl::new(self.settings.issuer.clone()).map_err(|_| SsoRefusal::Provider)?;
        let m = CoreProviderMetadata::discover_async(issuer, &self.http)
            .await
            .map_err(|e| {
                tracing::warn!(error = %e, "OpenID provider discovery failed");
                SsoRefusal::Provider
            })?;
        *kept = Some((m.clone(), Instant::now()));
        Ok(m)
    }

    fn client(
        &self,
        m: CoreProviderMetadata,
    ) -> openidconnect::core::CoreClient<
        openidconnect::EndpointSet,
        openidconnect::EndpointNotSet,
        openidconnect::EndpointNotSet,
        openidconnect::EndpointNotSet,
        openidconnect::EndpointMaybeSet,
        openidconnect::EndpointMaybeSet,
    > {
        CoreClient::from_provider_metadata(
            m,
            ClientId::new(self.settings.client_id.clone()),
            Some(ClientSecret::new(self.settings.client_secret.clone())),
        )
        .set_redirect_uri(self.redirect.clone())
    }

    /// Starts a sign-in: keeps a fresh state, nonce and PKCE verifier in `session` and
    /// returns the provider's authorization URL to send the browser to.
    pub async fn start(&self, session: &Session, next: Option<&str>) -> Result<String, SsoRefusal> {
        let client = self.client(self.metadata(false).await?);
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, state, nonce) = client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .add_scope(Scope::new("email".into()))
            .add_scope(Scope::new("profile".into()))
            .set_pkce_challenge(challenge)
            .url();
        let pending = Pending {
            state: state.secret().clone(),
            nonce: nonce.secret().clone(),
            verifier: verifier.secret().clone(),
            next: safe_next(next).to_string(),
            at: now_ms(),
        };
        stored(session.insert(PENDING_KEY, pending).await)?;
        Ok(url.to_string())
    }

    /// Finishes a sign-in from the provider's answer: the started sign-in must be in this
    /// session (used once, at most ten minutes old, same state), the code is exchanged with
    /// the PKCE verifier, and the ID token must check out. Returns the signed-in person and
    /// where to go next.
    pub async fn finish(
        &self,
        state: &AppState,
        session: &Session,
        answer: Callback,
    ) -> Result<(PersonId, String), SsoRefusal> {
        let pending: Option<Pending> = session.remove(PENDING_KEY).await.ok().flatten();
        let Some(pending) = pending.filter(|p| pending_is_fresh(p.at, now_ms())) else {
            return Err(SsoRefusal::Expired);
        };
        let same_state = answer
            .state
            .as_deref()
            .is_some_and(|s| subtle_eq(s.as_bytes(), pending.state.as_bytes()));
        if !same_state {
            return Err(SsoRefusal::Expired);
        }
        if let Some(error) = answer.error {
            tracing::info!(error = %error.chars().take(64).collect::<String>(), "the identity provider refused the sign-in");
            return Err(SsoRefusal::Cancelled);
        }
        let code = answer.code.ok_or(SsoRefusal::Provider)?;
        let claims = self.exchange(code, &pending).await?;
        let email = claims
            .email()
            .map(|e| e.as_str().to_string())
            .ok_or(SsoRefusal::Unverified)?;
        if !email_vouched(claims.email_verified(), self.settings.trust_unstated_email) {
            return Err(SsoRefusal::Unverified);
        }
        let email = Email::parse("email", &email).map_err(|_| SsoRefusal::Unverified)?;
        if !domain_allowed(email.as_str(), &self.settings.allowed_domains) {
            return Err(SsoRefusal::Domain);
        }
        let name = claims
            .name()
            .and_then(|n| n.get(None))
            .map(|n| n.as_str().trim().to_string())
            .filter(|n| !n.is_empty());
        let id = person_for(&state.db, &email, name, self.settings.create_role).await?;
        // A new session id for the signed-in person (against fixation).
        stored(session.cycle_id().await)?;
        stored(session.insert(PERSON_KEY, id.0).await)?;
        tracing::info!(person = id.0, "signed in with the identity provider");
        Ok((id, pending.next))
    }

    /// Exchanges `code` for tokens and checks the ID token; once more with freshly fetched
    /// keys when its signature does not check against the kept ones.
    async fn exchange(
        &self,
        code: String,
        pending: &Pending,
    ) -> Result<CoreIdTokenClaims, SsoRefusal> {
        let client = self.client(self.metadata(false).await?);
        let tokens = client
            .exchange_code(AuthorizationCode::new(code))
            .map_err(|e| {
                tracing::warn!(error = %e, "the provider has no token endpoint");
                SsoRefusal::Provider
            })?
            .set_pkce_verifier(PkceCodeVerifier::new(pending.verifier.clone()))
            .request_async(&self.http)
            .await
            .map_err(|e| {
                tracing::warn!(error = %e, "the code exchange was refused");
                SsoRefusal::Provider
            })?;
        let id_token = tokens.id_token().ok_or(SsoRefusal::Provider)?;
        let nonce = Nonce::new(pending.nonce.clone());
        let verifier = client.id_token_verifier();
        let first = id_token.claims(&verifier, &nonce).cloned();
        let claims = match first {
            Err(ClaimsVerificationError::SignatureVerification(_)) => {
                // Perhaps a key the provider has just rotated in: fetch its keys once more.
                let client = self.client(self.metadata(true).await?);
                let verifier = client.id_token_verifier();
                id_token.claims(&verifier, &nonce).cloned()
            }
            other => other,
        };
        claims.map_err(|e| {
            tracing::warn!(error = %e, "the ID token did not check out");
            SsoRefusal::Provider
        })
    }
}

/// A session store failure as a refusal (logged; the person may simply try again).
fn stored<T>(r: Result<T, tower_sessions::session::Error>) -> Result<T, SsoRefusal> {
    r.map_err(|e| {
        tracing::error!(error = %e, "session store error");
        SsoRefusal::Provider
    })
}

/// Compares two byte strings in time that depends only on their lengths.
fn subtle_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The active person with `email`; created with `role` when nobody has it and `role` is
/// set.
async fn person_for(
    db: &Db,
    email: &Email,
    name: Option<String>,
    role: Option<Role>,
) -> Result<PersonId, SsoRefusal> {
    let internal = |e: AppError| {
        tracing::error!(error = %e, "single sign-on: database error");
        SsoRefusal::Provider
    };
    let row: Option<(i64, i64)> = sqlx::query_as("select id, active from person where email = $1")
        .bind(email.as_str())
        .fetch_optional(&db.pool)
        .await
        .map_err(|e| internal(e.into()))?;
    match (row, role) {
        (Some((id, 1)), _) => Ok(PersonId(id)),
        (Some(_), _) => Err(SsoRefusal::Deactivated),
        (None, None) => Err(SsoRefusal::Unknown),
        (None, Some(role)) => {
            super::people::create_signed_in(db, email, name.as_deref().unwrap_or_default(), role)
                .await
                .map_err(internal)
        }
    }
}

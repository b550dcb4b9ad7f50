//! API tokens: made (shown once), found from the `Authorization: Bearer` header, revoked.
//! Only the SHA-256 of a token is stored, and the row is found by it: a guess reveals
//! nothing about the secret, since no one can steer what a hash starts with.

use super::audit;
use super::db::Db;
use super::frameworks::{hex, random_hex_of};
use super::now_ms;
use crate::api::AppError;
use crate::domain::api_tokens::{
    check_days, check_name, is_live, parse_scopes, scopes_text, token_prefix, token_text, Scope,
};
use crate::domain::PersonId;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// A token as lists show it (never its secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct TokenInfo {
    pub id: i64,
    pub name: String,
    /// The public start of the token (`pfo_` and 8 hex digits).
    pub prefix: String,
    /// Comma list of scopes.
    pub scopes: String,
    pub created_at: i64,
    pub expires_at: Option<i64>,
    pub revoked_at: Option<i64>,
    pub last_used_at: Option<i64>,
}

/// The system behind a request to `/api/v1`: its token and what it may do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiCaller {
    pub token: i64,
    pub scopes: Vec<Scope>,
}

impl ApiCaller {
    /// `Forbidden` unless the token carries `scope`.
    pub fn need(&self, scope: Scope) -> Result<(), AppError> {
        if self.scopes.contains(&scope) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }
}

/// `last_used_at` is written at most this often per token (ms), so reads stay reads.
const TOUCH_EVERY_MS: i64 = 60_000;

pub(crate) fn sha256_hex(text: &str) -> String {
    hex(&Sha256::digest(text.as_bytes()))
}

/// Makes a token named `name` with the `scopes` list (or `all`), expiring after `days`
/// (never when None). Returns it and its text, which is never shown again. `by` is the
/// admin who made it (None on the command line).
#[tracing::instrument(skip_all)]
pub async fn create(
    db: &Db,
    by: Option<PersonId>,
    name: &str,
    scopes: &str,
    days: Option<u32>,
) -> Result<(TokenInfo, String), AppError> {
    let name = check_name(name).map_err(|m| AppError::invalid("name", m))?;
    let scopes = parse_scopes(scopes).map_err(|m| AppError::invalid("scopes", m))?;
    let days = check_days(days).map_err(|m| AppError::invalid("days", m))?;
    let now = now_ms();
    let expires_at = days.map(|d| now + i64::from(d) * 86_400_000);
    let mut tx = db.begin_write().await?;
    // A prefix is 32 random bits: on the rare clash, draw again.
    for _ in 0..8 {
        let text = token_text(&random_hex_of(4), &random_hex_of(20));
        let prefix = token_prefix(&text).unwrap_or_default().to_string();
        let taken: Option<i64> = sqlx::query_scalar("select id from api_token where prefix = $1")
            .bind(&prefix)
            .fetch_optional(&mut *tx)
            .await?;
        if taken.is_some() {
            continue;
        }
        let id: i64 = sqlx::query_scalar(
            "insert into api_token (name, prefix, secret_hash, scopes, created_by, created_at, expires_at) \
             values ($1, $2, $3, $4, $5, $6, $7) returning id",
        )
        .bind(&name)
        .bind(&prefix)
        .bind(sha256_hex(&text))
        .bind(scopes_text(&scopes))
        .bind(by.map(|p| p.0))
        .bind(now)
        .bind(expires_at)
        .fetch_one(&mut *tx)
        .await?;
        let info = TokenInfo {
            id,
            name,
            prefix,
            scopes: scopes_text(&scopes),
            created_at: now,
            expires_at,
            revoked_at: None,
            last_used_at: None,
        };
        let after = serde_json::to_value(&info).ok();
        audit::record(&mut *tx, by, "create", "api_token", id, None, after).await?;
        tx.commit().await?;
        return Ok((info, text));
    }
    Err(AppError::Internal)
}

/// Every token, newest first.
#[tracing::instrument(skip_all)]
pub async fn list(db: &Db) -> Result<Vec<TokenInfo>, AppError> {
    Ok(sqlx::query_as(
        "select id, name, prefix, scopes, created_at, expires_at, revoked_at, last_used_at \
         from api_token order by id desc",
    )
    .fetch_all(&db.pool)
    .await?)
}

/// Revokes a token at once: its next request gets 401.
#[tracing::instrument(skip_all, fields(token = id))]
pub async fn revoke(db: &Db, by: Option<PersonId>, id: i64) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    let done =
        sqlx::query("update api_token set revoked_at = $1 where id = $2 and revoked_at is null")
            .bind(now_ms())
            .bind(id)
            .execute(&mut *tx)
            .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::NotFound("That live token".into()));
    }
    audit::record(&mut *tx, by, "revoke", "api_token", id, None, None).await?;
    Ok(tx.commit().await?)
}

#[derive(sqlx::FromRow)]
struct Found {
    id: i64,
    scopes: String,
    expires_at: Option<i64>,
    revoked_at: Option<i64>,
    last_used_at: Option<i64>,
}

/// The caller behind an `Authorization` header's value (`Bearer pfo_…`): `Unauthenticated`
/// when it is missing, malformed, unknown, revoked or expired.
#[tracing::instrument(skip_all)]
pub async fn authenticate(db: &Db, header: Option<&str>) -> Result<ApiCaller, AppError> {
    let token = header
        .and_then(|h| h.strip_prefix("Bearer "))
        .map(str::trim)
        .ok_or(AppError::Unauthenticated)?;
    token_prefix(token).ok_or(AppError::Unauthenticated)?;
    let found: Option<Found> = sqlx::query_as(
        "select id, scopes, expires_at, revoked_at, last_used_at \
         from api_token where secret_hash = $1",
    )
    .bind(sha256_hex(token))
    .fetch_optional(&db.pool)
    .await?;
    let found = found.ok_or(AppError::Unauthenticated)?;
    let now = now_ms();
    if !is_live(found.revoked_at, found.expires_at, now) {
        return Err(AppError::Unauthenticated);
    }
    if found.last_used_at.is_none_or(|t| now - t >= TOUCH_EVERY_MS) {
        let mut tx = db.begin_write().await?;
        sqlx::query("update api_token set last_used_at = $1 where id = $2")
            .bind(now)
            .bind(found.id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
    }
    Ok(ApiCaller {
        token: found.id,
        scopes: parse_scopes(&found.scopes).unwrap_or_default(),
    })
}

/// Longest request target (path and query) an audit entry keeps, in characters.
const MAX_TARGET: usize = 300;

/// Puts one use of a token in the audit log: the request (`method`, `target`: path and
/// query, cut at 300 characters) and the answer's `status`. Refused uses of a known token
/// (revoked, expired, out of scope, over its limit) are recorded too; a header that names
/// no token records nothing.
#[tracing::instrument(skip_all)]
pub async fn record_use(
    db: &Db,
    header: Option<&str>,
    method: &str,
    target: &str,
    status: u16,
) -> Result<(), AppError> {
    let Some(token) = header
        .and_then(|h| h.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| token_prefix(t).is_some())
    else {
        return Ok(());
    };
    let id: Option<i64> = sqlx::query_scalar("select id from api_token where secret_hash = $1")
        .bind(sha256_hex(token))
        .fetch_optional(&db.pool)
        .await?;
    let Some(id) = id else {
        return Ok(());
    };
    let target: String = target.chars().take(MAX_TARGET).collect();
    let what = serde_json::json!({ "method": method, "target": target, "status": status });
    let mut tx = db.begin_write().await?;
    audit::record(&mut *tx, None, "use", "api_token", id, None, Some(what)).await?;
    Ok(tx.commit().await?)
}

/// The admin page's view of the tokens, with `fresh`, the token this admin just made.
#[tracing::instrument(skip_all)]
pub async fn page(
    db: &Db,
    fresh: Option<crate::domain::api_tokens::FreshToken>,
) -> Result<crate::domain::api_tokens::TokensPage, AppError> {
    use super::format_time;
    use crate::domain::api_tokens::{TokenRow, TokenState, TokensPage};
    let now = now_ms();
    let when = |t: Option<i64>| t.map(format_time).unwrap_or_else(|| "never".into());
    let tokens = list(db)
        .await?
        .into_iter()
        .map(|t| TokenRow {
            state: if t.revoked_at.is_some() {
                TokenState::Revoked
            } else if is_live(None, t.expires_at, now) {
                TokenState::Live
            } else {
                TokenState::Expired
            },
            id: t.id,
            name: t.name,
            prefix: t.prefix,
            scopes: t.scopes,
            created: format_time(t.created_at),
            expires: when(t.expires_at),
            last_used: when(t.last_used_at),
        })
        .collect();
    let scopes = Scope::ALL
        .iter()
        .map(|s| (s.as_str().to_string(), s.meaning().to_string()))
        .collect();
    Ok(TokensPage {
        tokens,
        scopes,
        fresh,
    })
}

/// How many requests each API token may make, per minute, on this app server: a token may
/// spend the whole minute's allowance at once, and it comes back evenly over the minute
/// (GCRA, from `governor`). Counted in memory, one entry per token that called: with several
/// app servers each counts on its own.
pub struct ApiLimiter {
    per_minute: u32,
    limiter: governor::DefaultKeyedRateLimiter<i64>,
}

impl ApiLimiter {
    pub fn per_minute(n: u32) -> Self {
        let n = std::num::NonZeroU32::new(n).unwrap_or(std::num::NonZeroU32::MIN);
        ApiLimiter {
            per_minute: n.get(),
            limiter: governor::RateLimiter::keyed(governor::Quota::per_minute(n)),
        }
    }

    /// Counts one request of `token`: `TooManyAttempts` (429, with the seconds until the
    /// next one may go) once the token has spent its allowance.
    pub fn check(&self, token: i64) -> Result<(), AppError> {
        use governor::clock::{Clock, DefaultClock};
        self.limiter.check_key(&token).map_err(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            let retry_after = wait.as_secs().max(1);
            AppError::TooManyAttempts {
                message: format!(
                    "This token may make {} requests a minute; try again in {retry_after} s.",
                    self.per_minute
                ),
                retry_after,
            }
        })
    }
}

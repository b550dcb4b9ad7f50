//! Passwords, sign-in with throttling, sign-out, and resolving a session to a person.

use super::session_store::PERSON_KEY;
use super::state::AppState;
use super::{db::Db, now_ms};
use crate::api::AppError;
use crate::domain::count;
use crate::domain::{CurrentUser, Email, PersonId, Role};
use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use tower_sessions::Session;

/// Shortest password an admin may set.
pub const MIN_PASSWORD_LEN: usize = 10;

/// Hashes a password with argon2id (default parameters) on the blocking pool, so the
/// async runtime keeps serving other requests meanwhile.
#[tracing::instrument(skip_all)]
pub async fn hash_password(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
    })
    .await
    .map_err(|_| AppError::Internal)?
    .map_err(|e| {
        tracing::error!(error = %e, "password hashing failed");
        AppError::Internal
    })
}

/// Checks a password against a stored hash on the blocking pool. Without a stored hash a
/// fixed dummy hash is checked instead, so an unknown e-mail takes as long as a wrong
/// password and does not reveal who has an account.
#[tracing::instrument(skip_all)]
pub async fn verify_password(password: String, hash: Option<String>) -> bool {
    const DUMMY: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$2XRFd6pn7ul2cSV6bkrBcrUk5Mw0I/o3xd4nb1iT3lU";
    let known = hash.is_some();
    let hash = hash.unwrap_or_else(|| DUMMY.to_string());
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash)
            .map(|parsed| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok()
            })
            .unwrap_or(false)
    })
    .await
    .unwrap_or(false)
        && known
}

/// Validates a new password for the form field `field`.
pub fn check_new_password(field: &str, password: &str) -> Result<(), AppError> {
    if password.chars().count() < MIN_PASSWORD_LEN {
        return Err(AppError::invalid(
            field,
            format!("Use at least {MIN_PASSWORD_LEN} characters."),
        ));
    }
    if password.len() > 1024 {
        return Err(AppError::invalid(field, "Use at most 1024 bytes."));
    }
    Ok(())
}

/// Returns `next` if it is a plain path on this site, so a crafted link cannot send someone
/// elsewhere after signing in: it must start with one `/`, and every character must be a
/// printable ASCII character other than `\\` (browsers drop tabs and newlines and read
/// `\\` as `/`, which would turn `/\t/evil.example` into `//evil.example`).
pub fn safe_next(next: Option<&str>) -> &str {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.starts_with("/api/")
                && n.len() <= 2048
                && n.bytes().all(|b| b.is_ascii_graphic() && b != b'\\') =>
        {
            n
        }
        _ => "/",
    }
}

/// Where a sign-in attempt comes from: the peer address of the connection, or, behind a
/// trusted reverse proxy, the address it appended to `X-Forwarded-For`.
pub fn client_address(parts: &http::request::Parts, trust_forwarded_for: bool) -> String {
    if trust_forwarded_for {
        if let Some(last) = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .rfind(|s| !s.is_empty())
        {
            return last.chars().take(64).collect();
        }
    }
    parts
        .extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_default()
}

/// Signs in. The attempt is recorded before the password is checked (so parallel guesses
/// count too) and refused when the e-mail or the client address has too many recent
/// failures; at most `Settings::max_concurrent_hashes` passwords are checked at once. On
/// success the e-mail's failures are forgotten, a fresh session starts (new id, against
/// fixation) and the browser goes to `next`.
#[tracing::instrument(skip_all)]
pub async fn sign_in(
    state: &AppState,
    email: &str,
    password: &str,
    next: Option<&str>,
) -> Result<(), AppError> {
    if !state.settings.password_sign_in {
        return Err(AppError::invalid(
            "password",
            "Signing in with a password is turned off here: use your organisation's sign-in.",
        ));
    }
    let email = Email::parse("email", email)?;
    if password.is_empty() {
        return Err(AppError::invalid("password", "Enter your password."));
    }
    let client = leptos::prelude::use_context::<http::request::Parts>()
        .map(|p| client_address(&p, state.settings.trust_forwarded_for))
        .unwrap_or_default();
    let attempt = record_attempt(state, email.as_str(), &client).await?;
    let row: Option<(i64, Option<String>, i64)> =
        sqlx::query_as("select id, password_hash, active from person where email = $1")
            .bind(email.as_str())
            .fetch_optional(&state.db.pool)
            .await?;
    let (id, hash, active) = match row {
        Some((id, hash, active)) => (Some(id), hash, active == 1),
        None => (None, None, false),
    };
    let ok = checked_password(state, password.to_string(), hash).await?;
    let Some(id) = id.filter(|_| ok && active) else {
        return Err(AppError::invalid(
            "password",
            "The e-mail or password is not right (or the account is deactivated).",
        ));
    };
    sqlx::query("delete from sign_in_failure where email = $1 or id = $2")
        .bind(email.as_str())
        .bind(attempt)
        .execute(&state.db.pool)
        .await?;
    let session = session()?;
    session.cycle_id().await.map_err(session_err)?;
    session.insert(PERSON_KEY, id).await.map_err(session_err)?;
    leptos_axum::redirect(safe_next(next));
    Ok(())
}

/// Records a sign-in attempt as a failure until it succeeds, first pruning rows older than
/// the window, then refuses it when this e-mail or this client address is over its limit
/// (counting every attempt written so far, this one included: of any number of parallel
/// attempts, the k-th to be written sees at least k, so at most the limit get through).
/// Returns the attempt's row id.
async fn record_attempt(state: &AppState, email: &str, client: &str) -> Result<i64, AppError> {
    let db = &state.db;
    let s = &state.settings;
    let now = now_ms();
    let window_ms = s.lockout_minutes * 60_000;
    let window_start = now - window_ms;
    sqlx::query("delete from sign_in_failure where at <= $1")
        .bind(window_start)
        .execute(&db.pool)
        .await?;
    let id: i64 = sqlx::query_scalar(
        "insert into sign_in_failure (email, client, at) values ($1, $2, $3) returning id",
    )
    .bind(email)
    .bind(client)
    .bind(now)
    .fetch_one(&db.pool)
    .await?;
    let (by_email, oldest_email, by_client, oldest_client): (i64, Option<i64>, i64, Option<i64>) =
        sqlx::query_as(
            "select \
               (select count(*) from sign_in_failure where email = $1 and at > $3), \
               (select min(at) from sign_in_failure where email = $1 and at > $3), \
               (select count(*) from sign_in_failure where client = $2 and client <> '' and at > $3), \
               (select min(at) from sign_in_failure where client = $2 and client <> '' and at > $3)",
        )
        .bind(email)
        .bind(client)
        .bind(window_start)
        .fetch_one(&db.pool)
        .await?;
    let over = |count: i64, max: i64, oldest: Option<i64>| {
        (count > max).then(|| (oldest.unwrap_or(now) + window_ms - now).max(1000) / 1000)
    };
    let (what, wait) = match (
        over(by_email, s.max_failed_sign_ins, oldest_email),
        over(by_client, s.max_failed_sign_ins_per_client, oldest_client),
    ) {
        (Some(w), _) => ("this e-mail", w),
        (None, Some(w)) => ("this address", w),
        (None, None) => return Ok(id),
    };
    let minutes = (wait + 59) / 60;
    Err(AppError::TooManyAttempts {
        message: format!(
            "Too many failed sign-ins for {what}. Try again in {minutes} minute{}.",
            if minutes == 1 { "" } else { "s" }
        ),
        retry_after: u64::try_from(wait).unwrap_or(60),
    })
}

/// Checks a password while holding one of the server's hashing slots, so that a flood of
/// sign-ins cannot occupy every core with argon2 (19 MiB and tens of milliseconds each).
/// When no slot frees within two seconds the caller is told the server is busy.
#[tracing::instrument(skip_all)]
pub async fn checked_password(
    state: &AppState,
    password: String,
    hash: Option<String>,
) -> Result<bool, AppError> {
    let slot = tokio::time::timeout(
        std::time::Duration::from_secs(2),
        state.password_slots.clone().acquire_owned(),
    )
    .await;
    let Ok(Ok(_slot)) = slot else {
        return Err(AppError::Busy {
            message: "The server is busy checking other sign-ins. Try again in a few seconds."
                .into(),
            retry_after: 2,
        });
    };
    Ok(verify_password(password, hash).await)
}

/// Ends the session and sends the browser to the sign-in page.
#[tracing::instrument(skip_all)]
pub async fn sign_out() -> Result<(), AppError> {
    let session = session()?;
    session.flush().await.map_err(session_err)?;
    leptos_axum::redirect("/sign-in");
    Ok(())
}

/// The session key under which a token just made waits for the page that shows it once.
const FRESH_TOKEN: &str = "fresh_api_token";

/// Keeps a token just made for the next load of the tokens page (with or without
/// JavaScript, that load shows it), in this admin's session only.
pub async fn hold_fresh_token(
    token: &crate::domain::api_tokens::FreshToken,
) -> Result<(), AppError> {
    session()?
        .insert(FRESH_TOKEN, token)
        .await
        .map_err(session_err)
}

/// The token [`hold_fresh_token`] kept, taken out of the session: it is shown once.
pub async fn take_fresh_token() -> Result<Option<crate::domain::api_tokens::FreshToken>, AppError> {
    session()?.remove(FRESH_TOKEN).await.map_err(session_err)
}

fn session() -> Result<Session, AppError> {
    use leptos::prelude::use_context;
    use_context::<http::request::Parts>()
        .and_then(|p| p.extensions.get::<Session>().cloned())
        .ok_or_else(|| {
            tracing::error!("session layer missing");
            AppError::Internal
        })
}

fn session_err(e: tower_sessions::session::Error) -> AppError {
    tracing::error!(error = %e, "session store error");
    AppError::Internal
}

/// Resolves a session to an active person. A deactivated or deleted person's session is
/// ended here, on their very next request.
#[tracing::instrument(skip_all)]
pub async fn resolve_session(db: &Db, session: &Session) -> Result<Option<CurrentUser>, AppError> {
    let Ok(Some(id)) = session.get::<i64>(PERSON_KEY).await else {
        return Ok(None);
    };
    let user = load_current_user(db, PersonId(id)).await?;
    if user.is_none() {
        session.flush().await.map_err(session_err)?;
    }
    Ok(user)
}

/// Loads an active person as a `CurrentUser`.
#[tracing::instrument(skip_all, fields(id = id.0))]
pub async fn load_current_user(db: &Db, id: PersonId) -> Result<Option<CurrentUser>, AppError> {
    let row: Option<(i64, String, String, String, i64)> = sqlx::query_as(
        "select p.id, p.name, p.email, p.role, \
         (select count(*) from person r where r.manager_id = p.id and r.active = 1) \
         from person p where p.id = $1 and p.active = 1",
    )
    .bind(id.0)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.map(|(id, name, email, role, reports)| CurrentUser {
        id: PersonId(id),
        name,
        email,
        role: Role::parse(&role).unwrap_or(Role::Employee),
        direct_reports: count(reports),
        unread: 0,
    }))
}

/// Changes the caller's own password. The current password is required and checked like a
/// sign-in (throttled and counted against the e-mail, so a borrowed session cannot guess
/// it); on success every other session of theirs ends and this one gets a fresh id.
#[tracing::instrument(skip_all, fields(caller = me.id.0))]
pub async fn change_password(
    state: &AppState,
    me: &CurrentUser,
    current: &str,
    new: &str,
    confirm: &str,
) -> Result<(), AppError> {
    if !state.settings.password_sign_in {
        return Err(AppError::invalid(
            "new",
            "Passwords are not used here: you sign in through your organisation's sign-in.",
        ));
    }
    if current.is_empty() {
        return Err(AppError::invalid("current", "Enter your current password."));
    }
    check_new_password("new", new)?;
    if new != confirm {
        return Err(AppError::invalid(
            "confirm",
            "The two new passwords differ.",
        ));
    }
    if new == current {
        return Err(AppError::invalid(
            "new",
            "Choose a password different from the current one.",
        ));
    }
    let client = leptos::prelude::use_context::<http::request::Parts>()
        .map(|p| client_address(&p, state.settings.trust_forwarded_for))
        .unwrap_or_default();
    let attempt = record_attempt(state, &me.email, &client).await?;
    let hash: Option<String> = sqlx::query_scalar("select password_hash from person where id = $1")
        .bind(me.id.0)
        .fetch_optional(&state.db.pool)
        .await?
        .flatten();
    if !checked_password(state, current.to_string(), hash).await? {
        return Err(AppError::invalid(
            "current",
            "This is not your current password.",
        ));
    }
    let new_hash = hash_password(new.to_string()).await?;
    let session = session()?;
    let mut tx = state.db.begin_write().await?;
    sqlx::query("update person set password_hash = $1, updated_at = $2 where id = $3")
        .bind(new_hash)
        .bind(now_ms())
        .bind(me.id.0)
        .execute(&mut *tx)
        .await?;
    sqlx::query("delete from session where person_id = $1")
        .bind(me.id.0)
        .execute(&mut *tx)
        .await?;
    sqlx::query("delete from sign_in_failure where email = $1 or id = $2")
        .bind(&me.email)
        .bind(attempt)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    // This browser stays signed in, under a new session id.
    session.cycle_id().await.map_err(session_err)?;
    session
        .insert(PERSON_KEY, me.id.0)
        .await
        .map_err(session_err)?;
    tracing::info!(person = me.id.0, "password changed");
    Ok(())
}

//! Passwords, sign-in with throttling, sign-out, and resolving a session to a person.

use super::ctx::internal;
use super::session_store::PERSON_KEY;
use super::state::AppState;
use super::{db::Db, now_ms};
use crate::api::AppError;
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

/// Returns `next` if it is a path on this site, so a crafted link cannot send someone
/// elsewhere after signing in.
pub fn safe_next(next: Option<&str>) -> &str {
    match next.map(str::trim) {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.starts_with("/\\")
                && !n.starts_with("/api/") =>
        {
            n
        }
        _ => "/",
    }
}

/// Signs in: throttles repeated failures per e-mail, checks the password, starts a fresh
/// session (new id, against fixation) and redirects.
pub async fn sign_in(
    state: &AppState,
    email: &str,
    password: &str,
    next: Option<&str>,
) -> Result<(), AppError> {
    let email = Email::parse("email", email)?;
    if password.is_empty() {
        return Err(AppError::invalid("password", "Enter your password."));
    }
    let db = &state.db;
    let window_start = now_ms() - state.settings.lockout_minutes * 60_000;
    let recent: Vec<(i64,)> =
        sqlx::query_as("select at from sign_in_failure where email = $1 and at > $2 order by at")
            .bind(email.as_str())
            .bind(window_start)
            .fetch_all(&db.pool)
            .await
            .map_err(internal)?;
    if recent.len() as i64 >= state.settings.max_failed_sign_ins {
        let oldest = recent.first().map(|r| r.0).unwrap_or_else(now_ms);
        let wait_min =
            ((oldest + state.settings.lockout_minutes * 60_000 - now_ms()) / 60_000 + 1).max(1);
        return Err(AppError::TooManyAttempts(format!(
            "Too many failed sign-ins for this e-mail. Try again in {wait_min} minute{}.",
            if wait_min == 1 { "" } else { "s" }
        )));
    }
    let row: Option<(i64, Option<String>, i64)> =
        sqlx::query_as("select id, password_hash, active from person where email = $1")
            .bind(email.as_str())
            .fetch_optional(&db.pool)
            .await
            .map_err(internal)?;
    let (id, hash, active) = match row {
        Some((id, hash, active)) => (Some(id), hash, active == 1),
        None => (None, None, false),
    };
    let ok = verify_password(password.to_string(), hash).await;
    let Some(id) = id.filter(|_| ok && active) else {
        sqlx::query("insert into sign_in_failure (email, at) values ($1, $2)")
            .bind(email.as_str())
            .bind(now_ms())
            .execute(&db.pool)
            .await
            .map_err(internal)?;
        return Err(AppError::invalid(
            "password",
            "The e-mail or password is not right (or the account is deactivated).",
        ));
    };
    sqlx::query("delete from sign_in_failure where email = $1")
        .bind(email.as_str())
        .execute(&db.pool)
        .await
        .map_err(internal)?;
    let session = session()?;
    session.cycle_id().await.map_err(session_err)?;
    session.insert(PERSON_KEY, id).await.map_err(session_err)?;
    leptos_axum::redirect(safe_next(next));
    Ok(())
}

/// Ends the session and sends the browser to the sign-in page.
pub async fn sign_out() -> Result<(), AppError> {
    let session = session()?;
    session.flush().await.map_err(session_err)?;
    leptos_axum::redirect("/sign-in");
    Ok(())
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
pub async fn load_current_user(db: &Db, id: PersonId) -> Result<Option<CurrentUser>, AppError> {
    let row: Option<(i64, String, String, String, i64)> = sqlx::query_as(
        "select p.id, p.name, p.email, p.role, \
         (select count(*) from person r where r.manager_id = p.id and r.active = 1) \
         from person p where p.id = $1 and p.active = 1",
    )
    .bind(id.0)
    .fetch_optional(&db.pool)
    .await
    .map_err(internal)?;
    Ok(row.map(|(id, name, email, role, reports)| CurrentUser {
        id: PersonId(id),
        name,
        email,
        role: Role::parse(&role).unwrap_or(Role::Employee),
        direct_reports: u32::try_from(reports).unwrap_or(u32::MAX),
        unread: 0,
    }))
}

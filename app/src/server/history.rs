//! The history unlock: the one way past the triggers of migration 0015 that make ratings,
//! evidence and the audit log permanent. Only two operations of the application use it,
//! each inside one transaction: erasing a person on request (privacy law) and wiping the
//! demo organisation; test fixtures that backdate history use it too.
//!
//! On PostgreSQL the unlock is the setting `proficio.history_unlock`, made transaction-local
//! with `set_config(..., true)`, so it ends with the transaction whatever happens. SQLite has
//! no session variables: the unlock is a row of `history_unlock`, inserted first and deleted
//! before commit (a rollback removes it too); SQLite runs one writer at a time, so no other
//! transaction ever sees it.

use crate::api::AppError;
use sqlx::AnyConnection;

/// Why history is being rewritten (the values the schema accepts).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unlock {
    /// A person is erased on request.
    Erasure,
    /// The demo organisation is wiped (`proficio demo --force`).
    Wipe,
    /// A test fabricates old history (backdating a rating); never used by the application.
    Fixture,
}

impl Unlock {
    fn as_str(self) -> &'static str {
        match self {
            Unlock::Erasure => "erasure",
            Unlock::Wipe => "wipe",
            Unlock::Fixture => "fixture",
        }
    }
}

fn is_postgres(conn: &mut AnyConnection) -> bool {
    conn.backend_name() == "PostgreSQL"
}

/// Lets the rest of the transaction on `tx` delete and rewrite ratings, evidence and audit entries. Call
/// [`relock`] before committing.
#[tracing::instrument(skip_all)]
pub async fn unlock(tx: &mut AnyConnection, why: Unlock) -> Result<(), AppError> {
    if is_postgres(tx) {
        sqlx::query("select set_config('proficio.history_unlock', $1, true)")
            .bind(why.as_str())
            .execute(&mut *tx)
            .await?;
    } else {
        sqlx::query("insert into history_unlock (reason) values ($1)")
            .bind(why.as_str())
            .execute(&mut *tx)
            .await?;
    }
    Ok(())
}

/// Ends the unlock of [`unlock`] (before commit; on PostgreSQL the commit would end it too).
#[tracing::instrument(skip_all)]
pub async fn relock(tx: &mut AnyConnection) -> Result<(), AppError> {
    let sql = if is_postgres(tx) {
        "select set_config('proficio.history_unlock', '', true)"
    } else {
        "delete from history_unlock"
    };
    sqlx::query(sql).execute(&mut *tx).await?;
    Ok(())
}

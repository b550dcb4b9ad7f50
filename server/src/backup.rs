//! `proficio backup FILE`: a consistent copy of a running database.

use app::server::{Backend, Db};
use std::path::Path;

/// Why a backup could not be made.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// The target exists; backups never overwrite.
    #[error("{0} already exists; choose a new file name (backups never overwrite)")]
    Exists(String),
    /// PostgreSQL backups are made with pg_dump.
    #[error(
        "PostgreSQL databases are backed up with pg_dump, which takes a consistent snapshot while the \
         server runs:\n  pg_dump --format=custom --file {file} \"$PROFICIO_DATABASE_URL\"\nand restored \
         into an empty database with:\n  pg_restore --dbname \"$NEW_DATABASE_URL\" {file}"
    )]
    UsePgDump {
        /// The requested file.
        file: String,
    },
    /// The database refused.
    #[error("backup failed: {0}")]
    Database(#[from] sqlx::Error),
}

/// Writes a copy of `db` to `file`. On SQLite, `VACUUM INTO` reads one consistent snapshot
/// (WAL readers do not block the server's writers) and writes a compact, standalone file
/// that `proficio serve --database sqlite://FILE` opens directly.
pub async fn run(db: &Db, file: &Path) -> Result<(), BackupError> {
    let shown = file.display().to_string();
    if file.exists() {
        return Err(BackupError::Exists(shown));
    }
    match db.backend {
        Backend::Postgres => Err(BackupError::UsePgDump { file: shown }),
        Backend::Sqlite => {
            if let Some(parent) = file.parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(parent).map_err(sqlx::Error::Io)?;
            }
            sqlx::query("vacuum into $1")
                .bind(shown)
                .execute(&db.pool)
                .await?;
            Ok(())
        }
    }
}

//! tower-sessions storage in Proficio's own database (either backend), so that any app
//! server behind a load balancer can serve any request.

use super::db::Db;
use async_trait::async_trait;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{Error, Result};
use tower_sessions::SessionStore;

/// The session key holding the signed-in person's id.
pub const PERSON_KEY: &str = "person_id";

/// Sessions in the `session` table.
#[derive(Clone, Debug)]
pub struct DbSessionStore {
    db: Db,
}

impl DbSessionStore {
    /// A store over `db`.
    pub fn new(db: Db) -> Self {
        Self { db }
    }

    /// Inserts `record`, `on conflict (id) {on_conflict}`; the rows written.
    async fn write(&self, record: &Record, on_conflict: &str) -> Result<u64> {
        let data = serde_json::to_string(&record.data).map_err(|e| Error::Encode(e.to_string()))?;
        let sql = format!(
            "insert into session (id, person_id, data, expires_at) values ($1, $2, $3, $4) \
             on conflict (id) {on_conflict}"
        );
        let done = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(record.id.to_string())
            .bind(person_of(record))
            .bind(data)
            .bind(expiry_ms(record))
            .execute(&self.db.pool)
            .await
            .map_err(backend)?;
        Ok(done.rows_affected())
    }
}

fn backend(e: sqlx::Error) -> Error {
    Error::Backend(e.to_string())
}

fn expiry_ms(r: &Record) -> i64 {
    i64::try_from(r.expiry_date.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
}

fn person_of(r: &Record) -> Option<i64> {
    r.data.get(PERSON_KEY).and_then(serde_json::Value::as_i64)
}

#[async_trait]
impl SessionStore for DbSessionStore {
    async fn create(&self, record: &mut Record) -> Result<()> {
        // Expired sessions are swept whenever a new one starts: no background job needed.
        sqlx::query("delete from session where expires_at < $1")
            .bind(super::now_ms())
            .execute(&self.db.pool)
            .await
            .map_err(backend)?;
        loop {
            if self.write(record, "do nothing").await? == 1 {
                return Ok(());
            }
            record.id = Id::default();
        }
    }

    async fn save(&self, record: &Record) -> Result<()> {
        self.write(
            record,
            "do update set person_id = excluded.person_id, data = excluded.data, \
             expires_at = excluded.expires_at",
        )
        .await?;
        Ok(())
    }

    async fn load(&self, id: &Id) -> Result<Option<Record>> {
        let row: Option<(String, i64)> = sqlx::query_as(
            "select data, expires_at from session where id = $1 and expires_at > $2",
        )
        .bind(id.to_string())
        .bind(super::now_ms())
        .fetch_optional(&self.db.pool)
        .await
        .map_err(backend)?;
        let Some((data, expires)) = row else {
            return Ok(None);
        };
        let data = serde_json::from_str(&data).map_err(|e| Error::Decode(e.to_string()))?;
        let expiry_date =
            time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(expires) * 1_000_000)
                .map_err(|e| Error::Decode(e.to_string()))?;
        Ok(Some(Record {
            id: *id,
            data,
            expiry_date,
        }))
    }

    async fn delete(&self, id: &Id) -> Result<()> {
        sqlx::query("delete from session where id = $1")
            .bind(id.to_string())
            .execute(&self.db.pool)
            .await
            .map_err(backend)?;
        Ok(())
    }
}

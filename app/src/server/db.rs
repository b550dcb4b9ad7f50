//! The database: one `AnyPool` over SQLite or PostgreSQL, chosen by the URL, with the
//! migrations of the matching backend. Repository code writes SQL both accept
//! (`$1` placeholders, BIGINT epoch-millisecond times, INTEGER flags).

use sqlx::any::{AnyPoolOptions, AnyQueryResult};
use sqlx::{AnyConnection, AnyPool, Executor};
use std::ops::{Deref, DerefMut};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Which database engine a URL points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// The embedded default: a file under `./data/`.
    Sqlite,
    /// The scale-out backend.
    Postgres,
}

impl Backend {
    /// Reads the backend from a database URL.
    pub fn from_url(url: &str) -> Result<Self, String> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else {
            Err(format!(
                "unsupported database URL {:?}: use sqlite://PATH or postgres://USER@HOST/DB",
                redact(url)
            ))
        }
    }

    /// Short name for logs and benchmark output.
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// A database URL with any password replaced, safe to print.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s + 3 => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// The path of a `sqlite:` URL's file (None for in-memory databases).
pub fn sqlite_path(url: &str) -> Option<PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or_default();
    if path.is_empty() || path == ":memory:" {
        None
    } else {
        Some(PathBuf::from(path))
    }
}

/// The pool and its backend.
#[derive(Clone, Debug)]
pub struct Db {
    /// The connection pool.
    pub pool: AnyPool,
    /// Which engine is behind it.
    pub backend: Backend,
    /// The requirement-drafting index over this database's frameworks, kept between
    /// requests and rebuilt when they change.
    pub draft_index: super::drafting::Cache,
    /// Frameworks' trees by revision, kept between requests (see
    /// [`super::frameworks::TreeCache`]).
    pub tree_cache: super::frameworks::TreeCache,
    /// Turns to write in this process (see [`Db::begin_write`]).
    write_turn: Arc<Semaphore>,
    /// SQLite: the task that moves the write-ahead log into the database file, stopped
    /// when the last handle goes.
    _checkpointer: Option<Arc<Checkpointer>>,
}

/// How often SQLite's write-ahead log is moved into the database file. A commit that finds
/// the log past its limit does that work itself, which at 1,000 pages (SQLite's default)
/// made one rating write in a hundred several times slower than the rest: a checkpoint
/// writes and syncs the database file. A task does it in the background instead, and the
/// writers' own limit stays as a backstop ten times higher should the task fall behind.
const CHECKPOINT_EVERY: Duration = Duration::from_secs(1);

/// The background checkpoint task; aborted on drop.
#[derive(Debug)]
struct Checkpointer(tokio::task::JoinHandle<()>);

impl Drop for Checkpointer {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl Checkpointer {
    fn start(pool: AnyPool) -> Self {
        Checkpointer(tokio::spawn(async move {
            let mut tick = tokio::time::interval(CHECKPOINT_EVERY);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                if pool.is_closed() {
                    break;
                }
                // PASSIVE: copies what no reader still needs and never waits for anyone.
                if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
                    .execute(&pool)
                    .await
                {
                    if pool.is_closed() {
                        break;
                    }
                    tracing::warn!("background checkpoint failed: {e}");
                }
            }
        }))
    }
}

/// How long a writer waits for its turn before giving up (as long as a queue of slow
/// imports might take; SQLite's own busy timeout is 10 s per statement).
const WRITE_TURN_TIMEOUT: Duration = Duration::from_secs(30);

/// A write transaction from [`Db::begin_write`]: use it as the connection (`&mut *tx`) and
/// end it with [`WriteTx::commit`]; dropping it rolls back. It holds its write turn until
/// it ends.
#[derive(Debug)]
pub struct WriteTx {
    // Declared first, so it is dropped (rolled back) before the turn is released.
    tx: sqlx::Transaction<'static, sqlx::Any>,
    _turn: OwnedSemaphorePermit,
}

impl WriteTx {
    /// Commits; the turn is released after.
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        self.tx.commit().await
    }

    /// Rolls back; the turn is released after.
    pub async fn rollback(self) -> Result<(), sqlx::Error> {
        self.tx.rollback().await
    }
}

impl Deref for WriteTx {
    type Target = AnyConnection;
    fn deref(&self) -> &AnyConnection {
        &self.tx
    }
}

impl DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        &mut self.tx
    }
}

impl Db {
    /// Connects (creating a missing SQLite file and its folder) without migrating.
    pub async fn connect(url: &str) -> Result<Db, sqlx::Error> {
        sqlx::any::install_default_drivers();
        let backend = Backend::from_url(url).map_err(|e| sqlx::Error::Configuration(e.into()))?;
        let mut url = url.to_string();
        let max = match backend {
            Backend::Sqlite => {
                if let Some(parent) = sqlite_path(&url).and_then(|p| p.parent().map(PathBuf::from))
                {
                    if !parent.as_os_str().is_empty() {
                        std::fs::create_dir_all(&parent).map_err(sqlx::Error::Io)?;
                    }
                }
                if !url.contains("mode=") {
                    url.push_str(if url.contains('?') {
                        "&mode=rwc"
                    } else {
                        "?mode=rwc"
                    });
                }
                8
            }
            Backend::Postgres => 16,
        };
        let pool = AnyPoolOptions::new()
            .max_connections(max)
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(|conn, _meta| {
                Box::pin(async move {
                    if conn.backend_name() == "SQLite" {
                        // WAL lets readers proceed during a write; FULL makes an acknowledged
                        // write survive a power cut; foreign keys are off by default in SQLite.
                        // Reads go through a memory map of the file (shared by every
                        // connection through the OS's cache, up to 256 MiB) instead of a copy
                        // per page into each connection's 2 MB default cache, and sorts and
                        // groupings stay in memory.
                        conn.execute(
                            "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
                             PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; \
                             PRAGMA mmap_size = 268435456; PRAGMA temp_store = MEMORY; \
                             PRAGMA cache_size = -8000; PRAGMA wal_autocheckpoint = 10000;",
                        )
                        .await?;
                    }
                    Ok(())
                })
            })
            .connect(&url)
            .await?;
        let checkpointer =
            (backend == Backend::Sqlite).then(|| Arc::new(Checkpointer::start(pool.clone())));
        Ok(Db {
            pool,
            backend,
            draft_index: Default::default(),
            tree_cache: Default::default(),
            write_turn: Arc::new(Semaphore::new(match backend {
                Backend::Sqlite => 1,
                Backend::Postgres => (max / 2) as usize,
            })),
            _checkpointer: checkpointer,
        })
    }

    /// Applies the migrations of this backend.
    pub async fn migrate(&self) -> Result<(), sqlx::migrate::MigrateError> {
        match self.backend {
            Backend::Sqlite => sqlx::migrate!("../migrations/sqlite").run(&self.pool).await,
            Backend::Postgres => {
                sqlx::migrate!("../migrations/postgres")
                    .run(&self.pool)
                    .await
            }
        }
    }

    /// Connects and migrates.
    pub async fn open(url: &str) -> Result<Db, Box<dyn std::error::Error + Send + Sync>> {
        let db = Db::connect(url).await?;
        db.migrate().await?;
        super::ratings::backfill_if_needed(&db)
            .await
            .map_err(|e| e.to_string())?;
        super::stats::backfill_if_needed(&db)
            .await
            .map_err(|e| e.to_string())?;
        Ok(db)
    }

    /// Starts a transaction that will write. Every write transaction goes through here.
    ///
    /// On SQLite a plain `BEGIN` is deferred: the transaction reads under a snapshot and
    /// asks for the write lock only at its first write. If another connection committed in
    /// between, SQLite cannot upgrade the stale snapshot and answers `SQLITE_BUSY` at once,
    /// without waiting out `busy_timeout`, so a read-then-write transaction fails under
    /// concurrency. `BEGIN IMMEDIATE` takes the write lock up front, so such transactions
    /// queue instead of failing.
    ///
    /// Writers first take a turn in this process, before they take a pooled connection: a
    /// writer waiting for a lock (SQLite's in `BEGIN IMMEDIATE`, a PostgreSQL row lock such
    /// as the ratings change counter) holds its connection, and the lock's holder may need
    /// another one for a read beside its transaction (approving checks the reporting line
    /// that way). With the pool full of waiters nobody progresses until the timeouts fail
    /// them all, which 32 concurrent approvals and ratings did on PostgreSQL. So SQLite,
    /// which has one writer at a time anyway, gets one turn; PostgreSQL half its pool, the
    /// other half staying free for reads. Other processes (the command line while the
    /// server runs) still queue on SQLite's lock through `busy_timeout`.
    pub async fn begin_write(&self) -> Result<WriteTx, sqlx::Error> {
        let turn =
            tokio::time::timeout(WRITE_TURN_TIMEOUT, self.write_turn.clone().acquire_owned())
                .await
                .map_err(|_| sqlx::Error::PoolTimedOut)?
                .map_err(|_| sqlx::Error::PoolClosed)?;
        let tx = match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        };
        Ok(WriteTx { tx, _turn: turn })
    }

    /// True when the database holds no people yet.
    pub async fn is_empty(&self) -> Result<bool, sqlx::Error> {
        let n: i64 = sqlx::query_scalar("select count(*) from person")
            .fetch_one(&self.pool)
            .await?;
        Ok(n == 0)
    }

    /// A cheap round trip, for health checks.
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        sqlx::query("select 1")
            .execute(&self.pool)
            .await
            .map(|_: AnyQueryResult| ())
    }
}

/// `$sql` after the recursive CTE `team(id)`: every direct and indirect report of the person
/// bound as `$1`. A macro, so that the query stays a `&'static str`.
macro_rules! with_team {
    ($sql:literal) => {
        concat!(
            "with recursive team(id) as ( \
               select id from person where manager_id = $1 \
               union select p.id from person p join team t on p.manager_id = t.id) ",
            $sql
        )
    };
}
pub(crate) use with_team;

/// `$sql` after the CTE `below(item)`: the items of `$seed` (a statement giving `item,
/// person`) whose person is a direct or indirect report of `$1`. It climbs from the items up
/// the reporting lines (few rows times a few levels) instead of listing the team, which for
/// the head of a large organisation meant everyone there, on every page's header. Someone
/// who manages nobody (most people) climbs nothing, at the cost of one index probe. The
/// seed is the outer loop (`cross join` on SQLite), so it must be cheap to list by itself:
/// each has a partial index holding only its rows.
macro_rules! with_below {
    ($seed:literal, $sql:literal) => {
        concat!(
            "with recursive up(item, boss) as ( \
               select s.item, p.manager_id from (",
            $seed,
            ") s cross join person p where p.id = s.person \
               and exists (select 1 from person m where m.manager_id = $1) \
               union select u.item, p.manager_id from up u join person p on p.id = u.boss \
               where u.boss <> $1), \
             below(item) as (select distinct item from up where boss = $1) ",
            $sql
        )
    };
}
pub(crate) use with_below;

/// [`with_below`] over the pending self-ratings: `below(item)` holds those of `$1`'s direct
/// and indirect reports.
macro_rules! with_waiting_reviews {
    ($sql:literal) => {
        $crate::server::db::with_below!(
            "select id as item, subject_id as person from rating \
             where review = 'pending' and source = 'self'",
            $sql
        )
    };
}
pub(crate) use with_waiting_reviews;

/// Reads a list a statement packed with `string_agg(a || ',' || b …, ';')`: rows split by
/// `;`, fields by `,`, each a whole number or empty (null). Statements that would return
/// thousands of small rows send one string per group instead: the driver's cost per row
/// (a few microseconds) costs more at that count than the query itself.
pub(crate) fn unpack<const N: usize>(
    packed: &str,
) -> Result<Vec<[Option<i64>; N]>, crate::api::AppError> {
    let row = |r: &str| {
        let mut out = [None; N];
        let mut fields = r.split(',');
        for slot in out.iter_mut() {
            let f = fields.next()?;
            *slot = if f.is_empty() {
                None
            } else {
                Some(f.parse().ok()?)
            };
        }
        fields.next().is_none().then_some(out)
    };
    packed
        .split(';')
        .filter(|r| !r.is_empty())
        .map(row)
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| {
            tracing::error!("a packed list did not read: {:.80}", packed);
            crate::api::AppError::Internal
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backend_and_paths() {
        assert_eq!(Backend::from_url("sqlite://data/p.db"), Ok(Backend::Sqlite));
        assert_eq!(
            Backend::from_url("postgres://root@127.0.0.1/test"),
            Ok(Backend::Postgres)
        );
        assert!(Backend::from_url("mysql://x").is_err());
        assert_eq!(
            sqlite_path("sqlite://data/p.db?mode=rwc"),
            Some(PathBuf::from("data/p.db"))
        );
        assert_eq!(
            sqlite_path("sqlite:///tmp/x.db"),
            Some(PathBuf::from("/tmp/x.db"))
        );
        assert_eq!(sqlite_path("sqlite::memory:"), None);
        assert_eq!(redact("postgres://u:secret@h/db"), "postgres://u:***@h/db");
        assert_eq!(redact("postgres://u@h/db"), "postgres://u@h/db");
    }

    #[test]
    fn packed_lists_read_whole_or_not_at_all() {
        assert_eq!(
            unpack::<3>("1,2,;4,5,6").unwrap(),
            vec![[Some(1), Some(2), None], [Some(4), Some(5), Some(6)]]
        );
        assert_eq!(unpack::<2>("").unwrap(), Vec::<[Option<i64>; 2]>::new());
        assert!(unpack::<2>("1,2,3").is_err());
        assert!(unpack::<2>("1").is_err());
        assert!(unpack::<2>("1,x").is_err());
    }
}

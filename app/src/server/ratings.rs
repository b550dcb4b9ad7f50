//! Ratings and the levels they give: the one owner of the `rating` table, the
//! `current_level` aggregate and the `ratings` change counter.
//!
//! Every rating is written here, by [`record`] (one rating, in the caller's transaction),
//! [`decide`] (a manager's decision on a pending self-rating) or [`Batch`] (many ratings at
//! once, for the demo history). Each keeps what follows from a rating right in the same
//! transaction: the current level (one row per person and node with the level that counts,
//! by the rules of [`crate::domain::rating::current_level`], so multi-person views never
//! replay ratings), the org-report counters ([`super::stats`], taken before and added
//! after), points and badges ([`super::recognition`]) and the counter open pages poll.
//! Callers only say what was rated; nothing else remembers these steps.
//!
//! The shared readers live here too: the few ratings of a person that decide what the rules
//! say about them now ([`of`]: bounded however long the history), and their current levels
//! from the aggregate ([`current`], or [`levels_now`] inside a transaction).
//!
//! Exceptions, the only other code that writes these tables (the guard test at the end of
//! this file fails on any new one):
//! - the migrations (`migrations/*/`), which create them and their triggers;
//! - `demo.rs`, whose wipe of the demo organisation deletes every table, under the history
//!   unlock;
//! - `stats.rs`, which owns the org-report counter tables (it is called from here for
//!   ratings, and by the people, position and privacy code for the changes they make) and
//!   bumps the `ratings` change counter through [`bump`];
//! - `server/src/bench_org.rs`, the `proficio bench` generator, which fills an empty
//!   database with millions of synthetic ratings and their current levels in multi-row
//!   statements and then rebuilds the counters.
//!
//! Erasing a person (privacy law) rewrites their rating comments through [`erase_comments`].

use super::db::Db;
use super::now_ms;
use super::positions::id_list;
use crate::api::AppError;
use crate::domain::rating::{add_months, RatingRecord, Review, Source};
use crate::domain::{NodeId, PersonId};
use sqlx::{Any, AnyConnection, FromRow};
use std::collections::HashMap;

/// A self-rating's review: its state and, once decided, who decided, when and why.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ReviewState<'a> {
    pub(crate) state: Review,
    pub(crate) by: Option<PersonId>,
    pub(crate) at_ms: Option<i64>,
    pub(crate) comment: &'a str,
}

impl ReviewState<'_> {
    /// A self-rating waiting for its manager.
    pub(crate) const PENDING: ReviewState<'static> = ReviewState {
        state: Review::Pending,
        by: None,
        at_ms: None,
        comment: "",
    };
}

/// A rating to write.
#[derive(Debug, Clone, Copy)]
pub(crate) struct NewRating<'a> {
    pub(crate) subject: PersonId,
    pub(crate) node: NodeId,
    pub(crate) level: u8,
    pub(crate) source: Source,
    pub(crate) given_by: Option<PersonId>,
    pub(crate) comment: &'a str,
    /// The outside system that gave an imported rating (`/api/v1/ratings`); "" otherwise.
    pub(crate) origin: &'a str,
    pub(crate) at_ms: i64,
    /// For a self-rating ([`ReviewState::PENDING`] when just submitted); `None` otherwise.
    pub(crate) review: Option<ReviewState<'a>>,
}

impl NewRating<'_> {
    fn validates(&self) -> bool {
        RatingRecord {
            id: 0,
            node: self.node,
            level: self.level,
            source: self.source,
            review: self.review.map(|r| r.state),
            at_ms: self.at_ms,
        }
        .is_validated()
    }

    /// This rating, written as `id`, as the current level takes it.
    fn as_validated(&self, id: i64) -> Validated {
        Validated {
            person: self.subject,
            node: self.node,
            level: self.level,
            rating: id,
            at_ms: self.at_ms,
        }
    }
}

/// A validated rating as the current level takes it: whose, on which node, the level, the
/// rating's id and when it was given.
#[derive(Clone, Copy)]
struct Validated {
    person: PersonId,
    node: NodeId,
    level: u8,
    rating: i64,
    at_ms: i64,
}

/// Appends a rating; returns its id.
async fn insert(conn: &mut AnyConnection, r: &NewRating<'_>) -> Result<i64, AppError> {
    let review = r.review.map(|v| v.state.as_str());
    Ok(sqlx::query_scalar(
        "insert into rating (subject_id, node_id, level, source, given_by, comment, created_at, \
           review, reviewed_by, reviewed_at, review_comment, origin) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) returning id",
    )
    .bind(r.subject.0)
    .bind(r.node.0)
    .bind(i64::from(r.level))
    .bind(r.source.as_str())
    .bind(r.given_by.map(|p| p.0))
    .bind(r.comment)
    .bind(r.at_ms)
    .bind(review)
    .bind(r.review.and_then(|v| v.by).map(|p| p.0))
    .bind(r.review.and_then(|v| v.at_ms))
    .bind(r.review.map_or("", |v| v.comment))
    .bind(r.origin)
    .fetch_one(&mut *conn)
    .await?)
}

/// Records a rating inside the caller's transaction and, when it validates (a manager
/// rating, a course award, an import or an approved self-rating), everything that follows
/// from it: the current level, the org-report counters, points and badges, and the counter
/// open pages poll. Returns the rating's id.
#[tracing::instrument(skip_all, fields(person = r.subject.0, node = r.node.0, level = r.level))]
pub(crate) async fn record(conn: &mut AnyConnection, r: NewRating<'_>) -> Result<i64, AppError> {
    let id = insert(conn, &r).await?;
    if r.validates() {
        validated(conn, r.as_validated(id)).await?;
    }
    Ok(id)
}

/// A manager's decision on the pending self-rating `id`, made by `by` at `at_ms` with
/// `comment`; an approval makes it count like [`record`]'s validated ratings. Returns
/// false, changing nothing, when the rating is not (or no longer) pending.
#[tracing::instrument(skip_all, fields(id, by = by.0, at_ms))]
pub(crate) async fn decide(
    conn: &mut AnyConnection,
    id: i64,
    decision: Review,
    by: PersonId,
    at_ms: i64,
    comment: &str,
) -> Result<bool, AppError> {
    let done = sqlx::query(
        "update rating set review = $1, reviewed_by = $2, reviewed_at = $3, review_comment = $4 \
         where id = $5 and review = 'pending'",
    )
    .bind(decision.as_str())
    .bind(by.0)
    .bind(at_ms)
    .bind(comment)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() != 1 {
        return Ok(false);
    }
    if decision == Review::Approved {
        let (subject, node, level, at): (i64, i64, i64, i64) = sqlx::query_as(
            "select subject_id, node_id, level, created_at from rating where id = $1",
        )
        .bind(id)
        .fetch_one(&mut *conn)
        .await?;
        // A self-rating counts from when it was made, not from when it was approved.
        let v = Validated {
            person: PersonId(subject),
            node: NodeId(node),
            level: u8::try_from(level).unwrap_or(0),
            rating: id,
            at_ms: at,
        };
        validated(conn, v).await?;
    }
    Ok(true)
}

/// Many ratings written in one transaction (the demo's history, loaded in bulk): each
/// validated one moves the current level at once; the org-report counters of the people
/// named at [`Batch::begin`] are taken once before and added once at [`Batch::finish`].
/// Points and badges are left to [`super::recognition::backfill`], which derives them from
/// the whole history.
pub(crate) struct Batch {
    people: Vec<i64>,
    counters: super::stats::Pending,
}

impl Batch {
    /// Starts a batch of ratings whose subjects are all among `people`.
    pub(crate) async fn begin(
        conn: &mut AnyConnection,
        people: Vec<i64>,
    ) -> Result<Batch, AppError> {
        let counters = super::stats::before(conn, people.clone(), None).await?;
        let mut people = people;
        people.sort_unstable();
        Ok(Batch { people, counters })
    }

    /// Appends a rating (its current level follows); returns its id.
    pub(crate) async fn record(
        &mut self,
        conn: &mut AnyConnection,
        r: NewRating<'_>,
    ) -> Result<i64, AppError> {
        if self.people.binary_search(&r.subject.0).is_err() {
            // The counters would miss this person's change.
            tracing::error!(
                person = r.subject.0,
                "a batch rating outside the batch's people"
            );
            return Err(AppError::Internal);
        }
        let id = insert(conn, &r).await?;
        if r.validates() {
            upsert(conn, r.as_validated(id)).await?;
        }
        Ok(id)
    }

    /// Adds the batch's change to the org-report counters and tells open pages.
    pub(crate) async fn finish(self, conn: &mut AnyConnection) -> Result<(), AppError> {
        self.counters.after(conn).await?;
        bump(conn).await
    }
}

/// Blanks the free text of every rating about `subject` (their comments and their
/// reviewers'), for erasure on request. Needs the history unlock
/// ([`super::history::unlock`]) in the same transaction.
#[tracing::instrument(skip_all, fields(subject = subject.0))]
pub(crate) async fn erase_comments(
    conn: &mut AnyConnection,
    subject: PersonId,
) -> Result<(), AppError> {
    sqlx::query("update rating set comment = '', review_comment = '' where subject_id = $1")
        .bind(subject.0)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// A validated rating (given at `at_ms`) in the aggregate and the org-report counters: it
/// becomes the current level unless a later validated rating is already there.
async fn validated(conn: &mut AnyConnection, v: Validated) -> Result<(), AppError> {
    let Validated {
        person,
        node,
        level,
        at_ms,
        ..
    } = v;
    let pending = super::stats::before(conn, vec![person.0], Some(vec![node.0])).await?;
    let before: Option<(i64, Option<i64>)> = sqlx::query_as(
        "select level, expires_at from current_level where person_id = $1 and node_id = $2",
    )
    .bind(person.0)
    .bind(node.0)
    .fetch_optional(&mut *conn)
    .await?;
    let became_current = upsert(conn, v).await?;
    pending.after(conn).await?;
    if became_current {
        let before = before.map(|(l, e)| (u8::try_from(l).unwrap_or(0), e));
        super::recognition::after_validated(conn, person, node, before, level, at_ms).await?;
    }
    bump(conn).await
}

/// Makes a validated rating the current level unless a later one is already there, without
/// the org-report counters. Returns whether it became the current level.
async fn upsert(conn: &mut AnyConnection, v: Validated) -> Result<bool, AppError> {
    let validity: Option<i64> =
        sqlx::query_scalar("select validity_months from framework_node where id = $1")
            .bind(v.node.0)
            .fetch_optional(&mut *conn)
            .await?
            .flatten();
    let expires = expiry(validity, v.at_ms);
    let done = sqlx::query(
        "insert into current_level (person_id, node_id, level, rating_id, rated_at, expires_at) \
         values ($1, $2, $3, $4, $5, $6) \
         on conflict (person_id, node_id) do update set level = excluded.level, \
         rating_id = excluded.rating_id, rated_at = excluded.rated_at, expires_at = excluded.expires_at \
         where excluded.rated_at > current_level.rated_at \
            or (excluded.rated_at = current_level.rated_at and excluded.rating_id > current_level.rating_id)",
    )
    .bind(v.person.0)
    .bind(v.node.0)
    .bind(i64::from(v.level))
    .bind(v.rating)
    .bind(v.at_ms)
    .bind(expires)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// When a level validated at `at_ms` expires, for a node valid for `validity_months`.
pub(crate) fn expiry(validity_months: Option<i64>, at_ms: i64) -> Option<i64> {
    validity_months
        .and_then(|m| u32::try_from(m).ok())
        .filter(|m| *m > 0)
        .and_then(|m| add_months(at_ms, m))
}

/// Whether a stored rating validates (the rule of [`RatingRecord::is_validated`]).
pub(crate) fn counts(
    id: i64,
    node: i64,
    level: i64,
    source: &str,
    review: Option<&str>,
    at_ms: i64,
) -> bool {
    RatingRecord {
        id,
        node: NodeId(node),
        level: u8::try_from(level).unwrap_or(0),
        source: Source::parse(source).unwrap_or(Source::Peer),
        review: review.and_then(Review::parse),
        at_ms,
    }
    .is_validated()
}

/// Tells open pages that current levels changed.
#[tracing::instrument(skip_all)]
pub(crate) async fn bump(conn: &mut AnyConnection) -> Result<(), AppError> {
    sqlx::query("update change_counter set value = value + 1 where name = 'ratings'")
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The change counter open pages poll.
#[tracing::instrument(skip_all)]
pub async fn stamp(db: &Db) -> Result<i64, AppError> {
    Ok(
        sqlx::query_scalar("select value from change_counter where name = 'ratings'")
            .fetch_one(&db.pool)
            .await?,
    )
}

/// A node's validity period changed: recomputes when its current levels expire.
#[tracing::instrument(skip_all, fields(node = node.0))]
pub(crate) async fn refresh_expiry(
    conn: &mut AnyConnection,
    node: NodeId,
    validity_months: Option<u32>,
) -> Result<(), AppError> {
    let rows: Vec<(i64, i64)> =
        sqlx::query_as("select person_id, rated_at from current_level where node_id = $1")
            .bind(node.0)
            .fetch_all(&mut *conn)
            .await?;
    if rows.is_empty() {
        return Ok(());
    }
    let people: Vec<i64> = rows.iter().map(|r| r.0).collect();
    let pending = super::stats::before(conn, people, Some(vec![node.0])).await?;
    for (person, at) in rows {
        let expires = validity_months
            .filter(|m| *m > 0)
            .and_then(|m| add_months(at, m));
        sqlx::query(
            "update current_level set expires_at = $1 where person_id = $2 and node_id = $3",
        )
        .bind(expires)
        .bind(person)
        .bind(node.0)
        .execute(&mut *conn)
        .await?;
    }
    pending.after(conn).await?;
    bump(conn).await
}

/// (id, subject, node, level, source, review, created_at).
pub(crate) type RatingRow = (i64, i64, i64, i64, String, Option<String>, i64);

/// Rebuilds the whole aggregate from the ratings (after the migration that introduced it,
/// and to check it). Returns the number of rows.
#[tracing::instrument(skip_all)]
pub async fn rebuild(db: &Db) -> Result<usize, AppError> {
    let rows: Vec<RatingRow> = sqlx::query_as(
        "select id, subject_id, node_id, level, source, review, created_at from rating \
         where source in ('manager', 'course', 'import') or (source = 'self' and review = 'approved')",
    )
    .fetch_all(&db.pool)
    .await?;
    let mut latest: HashMap<(i64, i64), (i64, i64, i64)> = HashMap::new();
    for (id, person, node, level, source, review, at) in rows {
        if !counts(id, node, level, &source, review.as_deref(), at) {
            continue;
        }
        let slot = latest.entry((person, node)).or_insert((at, id, level));
        if (at, id) > (slot.0, slot.1) {
            *slot = (at, id, level);
        }
    }
    let validity: HashMap<i64, Option<i64>> =
        sqlx::query_as::<Any, (i64, Option<i64>)>("select id, validity_months from framework_node")
            .fetch_all(&db.pool)
            .await?
            .into_iter()
            .collect();
    let mut tx = db.begin_write().await?;
    sqlx::query("delete from current_level")
        .execute(&mut *tx)
        .await?;
    let mut entries: Vec<_> = latest.into_iter().collect();
    entries.sort_unstable();
    for chunk in entries.chunks(200) {
        let mut sql = String::from(
            "insert into current_level (person_id, node_id, level, rating_id, rated_at, expires_at) values ",
        );
        for (i, ((person, node), (at, id, level))) in chunk.iter().enumerate() {
            let expires = expiry(validity.get(node).copied().flatten(), *at);
            if i > 0 {
                sql.push(',');
            }
            // Every value is an integer from the database: nothing to escape.
            sql.push_str(&format!(
                "({person}, {node}, {level}, {id}, {at}, {})",
                expires.map_or("null".to_string(), |e| e.to_string())
            ));
        }
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .execute(&mut *tx)
            .await?;
    }
    bump(&mut tx).await?;
    tx.commit().await?;
    Ok(entries.len())
}

/// Fills the aggregate when a database from before it has validated ratings but no rows.
#[tracing::instrument(skip_all)]
pub async fn backfill_if_needed(db: &Db) -> Result<(), AppError> {
    let have: Option<i64> = sqlx::query_scalar("select person_id from current_level limit 1")
        .fetch_optional(&db.pool)
        .await?;
    if have.is_some() {
        return Ok(());
    }
    let any: Option<i64> = sqlx::query_scalar(
        "select id from rating where source in ('manager', 'course', 'import') or review = 'approved' limit 1",
    )
    .fetch_optional(&db.pool)
    .await?;
    if any.is_some() {
        let n = rebuild(db).await?;
        tracing::info!(
            rows = n,
            "built the current-level aggregate from the ratings"
        );
    }
    Ok(())
}

/// A rating of a person, as [`of`] reads it.
#[derive(FromRow)]
struct RecordRow {
    id: i64,
    node_id: i64,
    level: i64,
    source: String,
    review: Option<String>,
    created_at: i64,
}

/// A person's ratings on `nodes` and the validity period (months) of each node.
type RatingsOn = (Vec<RatingRecord>, HashMap<NodeId, Option<u32>>);

/// A person's ratings on `nodes` that decide what the rating rules say about them now
/// ([`crate::domain::rating::deciding`]): the latest validated rating (the aggregate's) and
/// each source's latest rating that is not a declined self-rating. At most six rows per
/// node, each found by one index seek, however long the history.
#[tracing::instrument(skip_all, fields(person = person.0))]
pub(crate) async fn of(db: &Db, person: PersonId, nodes: &[NodeId]) -> Result<RatingsOn, AppError> {
    let ids = id_list(nodes.iter().map(|n| n.0));
    let sources = Source::ALL
        .iter()
        .map(|s| format!("select '{}' as source", s.as_str()))
        .collect::<Vec<_>>()
        .join(" union all ");
    // Every interpolated value is an integer id or a fixed source name: nothing to escape.
    let rows: Vec<RecordRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "select id, node_id, level, source, review, created_at from rating where id in ( \
           select rating_id from current_level where person_id = $1 and node_id in ({ids}) \
           union all \
           select (select r.id from rating r where r.subject_id = $1 and r.node_id = n.id \
                     and r.source = s.source and (r.review is null or r.review <> 'declined') \
                   order by r.created_at desc, r.id desc limit 1) \
           from framework_node n cross join ({sources}) s where n.id in ({ids}))"
    )))
    .bind(person.0)
    .fetch_all(&db.pool)
    .await?;
    let records = rows
        .into_iter()
        .filter_map(|r| {
            Some(RatingRecord {
                id: r.id,
                node: NodeId(r.node_id),
                level: u8::try_from(r.level).ok()?,
                source: Source::parse(&r.source)?,
                review: r.review.as_deref().and_then(Review::parse),
                at_ms: r.created_at,
            })
        })
        .collect();
    let validity: Vec<(i64, Option<i64>)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "select id, validity_months from framework_node where id in ({ids})"
    )))
    .fetch_all(&db.pool)
    .await?;
    let validity = validity
        .into_iter()
        .map(|r| (NodeId(r.0), r.1.and_then(|m| u32::try_from(m).ok())))
        .collect();
    Ok((records, validity))
}

/// A person's current levels on `nodes` from the aggregate (`None`: never validated; an
/// expired level counts as 0).
#[tracing::instrument(skip_all, fields(person = person.0))]
pub async fn current(
    db: &Db,
    person: PersonId,
    nodes: &[NodeId],
) -> Result<HashMap<NodeId, Option<u8>>, AppError> {
    let mut conn = db.pool.acquire().await?;
    let levels = levels_now(&mut conn, person, nodes, now_ms()).await?;
    Ok(nodes.iter().map(|n| (*n, levels.get(n).copied())).collect())
}

/// Effective current levels (0 when expired) of a person on `nodes`, read from the
/// aggregate on `conn` (so a transaction sees its own changes).
#[tracing::instrument(skip_all, fields(person = person.0, now))]
pub(crate) async fn levels_now(
    conn: &mut AnyConnection,
    person: PersonId,
    nodes: &[NodeId],
    now: i64,
) -> Result<HashMap<NodeId, u8>, AppError> {
    if nodes.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(i64, i64, Option<i64>)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "select node_id, level, expires_at from current_level where person_id = $1 and node_id in ({})",
        id_list(nodes.iter().map(|n| n.0))
    )))
    .bind(person.0)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(n, l, e)| {
            let l = if e.is_some_and(|e| e <= now) { 0 } else { l };
            (NodeId(n), u8::try_from(l).unwrap_or(0))
        })
        .collect())
}

/// The level that counts now for a row of the aggregate.
pub fn effective(level: i64, expires_at: Option<i64>, now: i64) -> (u8, bool) {
    let expired = expires_at.is_some_and(|e| now >= e);
    (
        if expired {
            0
        } else {
            u8::try_from(level).unwrap_or(0)
        },
        expired,
    )
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    /// Each table with the one file that owns its writes (workspace-relative).
    const OWNERS: &[(&str, &str)] = &[
        ("rating", "app/src/server/ratings.rs"),
        ("current_level", "app/src/server/ratings.rs"),
        ("unit_node_stat", "app/src/server/stats.rs"),
        ("unit_stat", "app/src/server/stats.rs"),
        ("node_level_stat", "app/src/server/stats.rs"),
        ("unit_trend", "app/src/server/stats.rs"),
    ];

    /// The other writers the module documentation lists: (file, table, why).
    const EXCEPTIONS: &[(&str, &str, &str)] = &[
        ("app/src/server/demo.rs", "rating", "the demo wipe"),
        ("app/src/server/demo.rs", "current_level", "the demo wipe"),
        ("app/src/server/demo.rs", "unit_node_stat", "the demo wipe"),
        ("app/src/server/demo.rs", "unit_stat", "the demo wipe"),
        ("app/src/server/demo.rs", "node_level_stat", "the demo wipe"),
        ("app/src/server/demo.rs", "unit_trend", "the demo wipe"),
        ("server/src/bench_org.rs", "rating", "the bench generator"),
        (
            "server/src/bench_org.rs",
            "current_level",
            "the bench generator",
        ),
    ];

    /// The tables `source` writes (insert, update or delete), found in its SQL text with
    /// whitespace and line continuations collapsed.
    fn written(source: &str) -> Vec<&'static str> {
        let text = source
            .to_lowercase()
            .replace("\\\n", " ")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let mut out = Vec::new();
        for (table, _) in OWNERS {
            for verb in ["insert into", "update", "delete from"] {
                let needle = format!("{verb} {table}");
                let hit = text.match_indices(&needle).any(|(at, _)| {
                    let before = text[..at].chars().next_back();
                    let after = text[at + needle.len()..].chars().next();
                    let ident =
                        |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
                    !ident(before) && !ident(after)
                });
                if hit && !out.contains(table) {
                    out.push(*table);
                }
            }
        }
        out
    }

    fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                rust_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }

    #[test]
    fn the_detector_finds_writes_and_ignores_reads_and_longer_names() {
        assert_eq!(
            written("sqlx::query(\n  \"INSERT INTO rating (subject_id) \\\n values ($1)\")"),
            vec!["rating"]
        );
        assert_eq!(
            written("\"update\n   current_level set level = 1\""),
            vec!["current_level"]
        );
        // Spelled apart, so that this file does not write a counter table itself.
        let counter = format!("delete from {}", "unit_stat");
        assert_eq!(written(&counter), vec!["unit_stat"]);
        assert!(written("select level from rating where id = $1").is_empty());
        assert!(
            written("update rating_archive set x = 1; update person_rating set y = 2").is_empty()
        );
        assert!(written("insert into evidence (rating_id) values (1)").is_empty());
    }

    /// One owner per concept: nothing but the owner (and the listed exceptions) writes the
    /// ratings, the current levels or the org-report counters.
    #[test]
    fn only_the_owners_write_ratings_levels_and_counters() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut files = Vec::new();
        rust_files(&root.join("app/src"), &mut files);
        rust_files(&root.join("server/src"), &mut files);
        assert!(files.len() > 50, "scanned only {} files", files.len());
        let mut wrong = Vec::new();
        let mut used = Vec::new();
        for path in files {
            let name = path
                .strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            let source = std::fs::read_to_string(&path).unwrap();
            for table in written(&source) {
                let owner = OWNERS.iter().any(|(t, f)| *t == table && *f == name);
                let excepted = EXCEPTIONS.iter().any(|(f, t, _)| *t == table && *f == name);
                if excepted {
                    used.push((name.clone(), table));
                }
                if !owner && !excepted {
                    wrong.push(format!("{name} writes {table}"));
                }
            }
        }
        assert!(
            wrong.is_empty(),
            "write through the owner (ratings::record, ratings::decide, ratings::Batch, \
             stats::before/after) instead: {wrong:?}"
        );
        for (file, table, why) in EXCEPTIONS {
            assert!(
                used.iter().any(|(f, t)| f == file && t == table),
                "{file} no longer writes {table} ({why}): remove the exception"
            );
        }
    }
}

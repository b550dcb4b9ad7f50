//! Ratings and the levels they give. The `current_level` aggregate: one row per person and
//! node with the level that counts (the rules of [`crate::domain::rating::current_level`]),
//! kept current in the same transaction as each rating that validates, so multi-person views
//! never replay ratings. A counter bumped with every change lets open pages notice within a
//! second. The shared readers live here too: a person's ratings as the rules take them
//! ([`of`]), their current levels replayed from the ratings ([`current`]) or read from the
//! aggregate ([`levels_now`]).

use super::ctx::internal;
use super::db::Db;
use super::now_ms;
use super::positions::id_list;
use crate::api::AppError;
use crate::domain::rating::{add_months, current_levels, RatingRecord, Review, Source};
use crate::domain::{NodeId, PersonId};
use sqlx::{Any, AnyConnection};
use std::collections::{BTreeMap, HashMap};

/// Records a validated rating (given at `at_ms`) in the aggregate and the org-report
/// counters: it becomes the current level unless a later validated rating is already there.
/// Call inside the transaction that writes or approves the rating.
pub(crate) async fn validated(
    conn: &mut AnyConnection,
    person: PersonId,
    node: NodeId,
    level: u8,
    rating: i64,
    at_ms: i64,
) -> Result<(), AppError> {
    let pending = super::stats::before(conn, vec![person.0], Some(vec![node.0])).await?;
    let before: Option<(i64, Option<i64>)> = sqlx::query_as(
        "select level, expires_at from current_level where person_id = $1 and node_id = $2",
    )
    .bind(person.0)
    .bind(node.0)
    .fetch_optional(&mut *conn)
    .await
    .map_err(internal)?;
    let became_current = upsert(conn, person, node, level, rating, at_ms).await?;
    pending.after(conn).await?;
    if became_current {
        let before = before.map(|(l, e)| (u8::try_from(l).unwrap_or(0), e));
        super::recognition::after_validated(conn, person, node, before, level, at_ms).await?;
    }
    bump(conn).await
}

/// [`validated`] without the org-report counters, for bulk loads that rebuild them after.
/// Returns whether the rating became the current level (a later one may already be there).
pub(crate) async fn upsert(
    conn: &mut AnyConnection,
    person: PersonId,
    node: NodeId,
    level: u8,
    rating: i64,
    at_ms: i64,
) -> Result<bool, AppError> {
    let validity: Option<i64> =
        sqlx::query_scalar("select validity_months from framework_node where id = $1")
            .bind(node.0)
            .fetch_optional(&mut *conn)
            .await
            .map_err(internal)?
            .flatten();
    let expires = expiry(validity, at_ms);
    let done = sqlx::query(
        "insert into current_level (person_id, node_id, level, rating_id, rated_at, expires_at) \
         values ($1, $2, $3, $4, $5, $6) \
         on conflict (person_id, node_id) do update set level = excluded.level, \
         rating_id = excluded.rating_id, rated_at = excluded.rated_at, expires_at = excluded.expires_at \
         where excluded.rated_at > current_level.rated_at \
            or (excluded.rated_at = current_level.rated_at and excluded.rating_id > current_level.rating_id)",
    )
    .bind(person.0)
    .bind(node.0)
    .bind(i64::from(level))
    .bind(rating)
    .bind(at_ms)
    .bind(expires)
    .execute(&mut *conn)
    .await
    .map_err(internal)?;
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
pub(crate) async fn bump(conn: &mut AnyConnection) -> Result<(), AppError> {
    sqlx::query("update change_counter set value = value + 1 where name = 'ratings'")
        .execute(&mut *conn)
        .await
        .map_err(internal)?;
    Ok(())
}

/// The change counter open pages poll.
pub async fn stamp(db: &Db) -> Result<i64, AppError> {
    sqlx::query_scalar("select value from change_counter where name = 'ratings'")
        .fetch_one(&db.pool)
        .await
        .map_err(internal)
}

/// A node's validity period changed: recomputes when its current levels expire.
pub(crate) async fn refresh_expiry(
    conn: &mut AnyConnection,
    node: NodeId,
    validity_months: Option<u32>,
) -> Result<(), AppError> {
    let rows: Vec<(i64, i64)> =
        sqlx::query_as("select person_id, rated_at from current_level where node_id = $1")
            .bind(node.0)
            .fetch_all(&mut *conn)
            .await
            .map_err(internal)?;
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
        .await
        .map_err(internal)?;
    }
    pending.after(conn).await?;
    bump(conn).await
}

/// (id, subject, node, level, source, review, created_at).
pub(crate) type RatingRow = (i64, i64, i64, i64, String, Option<String>, i64);

/// Rebuilds the whole aggregate from the ratings (after the migration that introduced it,
/// and to check it). Returns the number of rows.
pub async fn rebuild(db: &Db) -> Result<usize, AppError> {
    let rows: Vec<RatingRow> = sqlx::query_as(
        "select id, subject_id, node_id, level, source, review, created_at from rating \
         where source in ('manager', 'course', 'import') or (source = 'self' and review = 'approved')",
    )
    .fetch_all(&db.pool)
    .await
    .map_err(internal)?;
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
            .await
            .map_err(internal)?
            .into_iter()
            .collect();
    let mut tx = db.begin_write().await.map_err(internal)?;
    sqlx::query("delete from current_level")
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
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
            .await
            .map_err(internal)?;
    }
    bump(&mut tx).await?;
    tx.commit().await.map_err(internal)?;
    Ok(entries.len())
}

/// Fills the aggregate when a database from before it has validated ratings but no rows.
pub async fn backfill_if_needed(db: &Db) -> Result<(), AppError> {
    let have: Option<i64> = sqlx::query_scalar("select person_id from current_level limit 1")
        .fetch_optional(&db.pool)
        .await
        .map_err(internal)?;
    if have.is_some() {
        return Ok(());
    }
    let any: Option<i64> = sqlx::query_scalar(
        "select id from rating where source in ('manager', 'course', 'import') or review = 'approved' limit 1",
    )
    .fetch_optional(&db.pool)
    .await
    .map_err(internal)?;
    if any.is_some() {
        let n = rebuild(db).await?;
        tracing::info!(
            rows = n,
            "built the current-level aggregate from the ratings"
        );
    }
    Ok(())
}

/// A person's ratings on `nodes`, as the rating rules take them.
pub(crate) async fn of(
    db: &Db,
    person: PersonId,
    nodes: &[NodeId],
) -> Result<(Vec<RatingRecord>, HashMap<NodeId, Option<u32>>), AppError> {
    let ids = id_list(nodes.iter().map(|n| n.0));
    let rows: Vec<(i64, i64, i64, String, Option<String>, i64)> =
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "select id, node_id, level, source, review, created_at from rating \
         where subject_id = $1 and node_id in ({ids})"
        )))
        .bind(person.0)
        .fetch_all(&db.pool)
        .await
        .map_err(internal)?;
    let records = rows
        .into_iter()
        .filter_map(|r| {
            Some(RatingRecord {
                id: r.0,
                node: NodeId(r.1),
                level: u8::try_from(r.2).ok()?,
                source: Source::parse(&r.3)?,
                review: r.4.as_deref().and_then(Review::parse),
                at_ms: r.5,
            })
        })
        .collect();
    let validity: Vec<(i64, Option<i64>)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "select id, validity_months from framework_node where id in ({ids})"
    )))
    .fetch_all(&db.pool)
    .await
    .map_err(internal)?;
    let validity = validity
        .into_iter()
        .map(|r| (NodeId(r.0), r.1.and_then(|m| u32::try_from(m).ok())))
        .collect();
    Ok((records, validity))
}

/// A person's current levels on `nodes` (`None`: never validated).
pub async fn current(
    db: &Db,
    person: PersonId,
    nodes: &[NodeId],
) -> Result<HashMap<NodeId, Option<u8>>, AppError> {
    let (records, validity) = of(db, person, nodes).await?;
    let now = now_ms();
    let levels: BTreeMap<NodeId, _> =
        current_levels(&records, |n| validity.get(&n).copied().flatten(), now);
    Ok(nodes
        .iter()
        .map(|n| {
            let c = levels.get(n);
            // A node never validated is "not rated"; an expired level counts as 0.
            (*n, c.and_then(|c| c.validated.map(|_| c.level)))
        })
        .collect())
}

/// Effective current levels (0 when expired) of a person on `nodes`, read from the
/// aggregate on `conn` (so a transaction sees its own changes).
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
    .await
    .map_err(internal)?;
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

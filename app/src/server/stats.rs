//! The org-report counters (migration 0010): per unit and node, per unit, per day and per
//! node and level. Every change that moves them computes the affected people's share of the
//! counters before and after, in the same transaction, and adds the difference; nothing
//! rescans the organisation and no batch job runs.
//!
//! Counters are evaluated at the `expiry_swept` time: levels that expired since then are
//! brought to 0 by [`sweep`], which readers call first.

use super::db::Db;
use super::now_ms;
use super::positions::id_list;
use super::ratings::{bump, effective};
use crate::api::AppError;
use sqlx::AnyConnection;
use std::collections::{BTreeMap, HashMap};

/// The whole organisation's row in the unit counters (everyone active, with or without a
/// unit).
pub const ORG: i64 = 0;
/// One day in milliseconds: trend rows are per `ms / DAY_MS`.
pub const DAY_MS: i64 = 86_400_000;

/// need, met, gap sum, weighted required sum, weighted gap sum.
type NodeFigures = [i64; 5];
/// people, need, met, weighted required sum, weighted gap sum.
type UnitFigures = [i64; 5];

/// A set of people's share of the counters at one time.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Contrib {
    pub unit_node: BTreeMap<(i64, i64), NodeFigures>,
    pub unit: BTreeMap<i64, UnitFigures>,
    /// (node, level) → [people holding exactly it, people needing exactly it].
    pub node_level: BTreeMap<(i64, i64), [i64; 2]>,
}

fn add<const N: usize>(a: &mut [i64; N], b: &[i64; N], sign: i64) {
    for (x, y) in a.iter_mut().zip(b) {
        *x += sign * y;
    }
}

fn diff_map<K: Ord + Copy, const N: usize>(
    after: &BTreeMap<K, [i64; N]>,
    before: &BTreeMap<K, [i64; N]>,
) -> BTreeMap<K, [i64; N]> {
    let mut out = after.clone();
    for (k, v) in before {
        add(out.entry(*k).or_insert([0; N]), v, -1);
    }
    out.retain(|_, v| v.iter().any(|x| *x != 0));
    out
}

impl Contrib {
    /// `self - before`, without the keys that did not change.
    fn minus(&self, before: &Contrib) -> Contrib {
        Contrib {
            unit_node: diff_map(&self.unit_node, &before.unit_node),
            unit: diff_map(&self.unit, &before.unit),
            node_level: diff_map(&self.node_level, &before.node_level),
        }
    }

    fn is_empty(&self) -> bool {
        self.unit_node.is_empty() && self.unit.is_empty() && self.node_level.is_empty()
    }
}

/// What the counters are computed from, for some people (and optionally some nodes).
#[derive(Debug, Default)]
struct Facts {
    /// Active people: (id, unit, position).
    people: Vec<(i64, Option<i64>, Option<i64>)>,
    /// Unit → itself and its ancestors.
    ancestors: HashMap<i64, Vec<i64>>,
    /// Position → (node, required, weight).
    reqs: HashMap<i64, Vec<(i64, i64, i64)>>,
    /// Person → (node, level, expires at).
    levels: HashMap<i64, Vec<(i64, i64, Option<i64>)>>,
}

impl Facts {
    fn contrib(&self, at: i64) -> Contrib {
        let mut c = Contrib::default();
        let none = Vec::new();
        for (person, unit, position) in &self.people {
            let mut units = vec![ORG];
            if let Some(u) = unit {
                units.extend(self.ancestors.get(u).unwrap_or(&vec![*u]).iter().copied());
            }
            for u in &units {
                c.unit.entry(*u).or_insert([0; 5])[0] += 1;
            }
            let mut have: HashMap<i64, i64> = HashMap::new();
            for (node, level, expires) in self.levels.get(person).unwrap_or(&none) {
                let (level, _) = effective(*level, *expires, at);
                if level > 0 {
                    have.insert(*node, i64::from(level));
                    c.node_level
                        .entry((*node, i64::from(level)))
                        .or_insert([0; 2])[0] += 1;
                }
            }
            let Some(reqs) = position.and_then(|p| self.reqs.get(&p)) else {
                continue;
            };
            for (node, required, weight) in reqs {
                let current = have.get(node).copied().unwrap_or(0);
                let gap = (required - current).max(0);
                let met = i64::from(gap == 0);
                let node_figures = [1, met, gap, weight * required, weight * gap];
                let unit_figures = [0, 1, met, weight * required, weight * gap];
                for u in &units {
                    add(
                        c.unit_node.entry((*u, *node)).or_insert([0; 5]),
                        &node_figures,
                        1,
                    );
                    add(c.unit.entry(*u).or_insert([0; 5]), &unit_figures, 1);
                }
                c.node_level.entry((*node, *required)).or_insert([0; 2])[1] += 1;
            }
        }
        c
    }
}

fn in_clause(column: &str, ids: Option<&[i64]>) -> String {
    match ids {
        Some(ids) => format!(" and {column} in ({})", id_list(ids.iter().copied())),
        None => String::new(),
    }
}

/// Reads the facts for `people` (all active people when `None`), limited to `nodes`.
async fn load(
    conn: &mut AnyConnection,
    people: Option<&[i64]>,
    nodes: Option<&[i64]>,
) -> Result<Facts, AppError> {
    let mut f = Facts::default();
    if people.is_some_and(|p| p.is_empty()) {
        return Ok(f);
    }
    f.people = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "select id, unit_id, position_id from person where active = 1{}",
        in_clause("id", people)
    )))
    .fetch_all(&mut *conn)
    .await?;
    let mut units: Vec<i64> = f.people.iter().filter_map(|p| p.1).collect();
    units.sort_unstable();
    units.dedup();
    let links: Vec<(i64, i64)> = if people.is_none() {
        let parents: HashMap<i64, Option<i64>> =
            sqlx::query_as::<_, (i64, Option<i64>)>("select id, parent_id from org_unit")
                .fetch_all(&mut *conn)
                .await?
                .into_iter()
                .collect();
        let mut links = Vec::new();
        for u in &units {
            let mut cur = Some(*u);
            let mut guard = 0;
            while let Some(c) = cur {
                links.push((*u, c));
                cur = parents.get(&c).copied().flatten();
                guard += 1;
                if guard > 1000 {
                    break;
                }
            }
        }
        links
    } else if units.is_empty() {
        Vec::new()
    } else {
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "with recursive anc(start, id) as ( \
               select id, id from org_unit where id in ({}) \
               union all select a.start, u.parent_id from anc a join org_unit u on u.id = a.id \
               where u.parent_id is not null) \
             select start, id from anc",
            id_list(units.iter().copied())
        )))
        .fetch_all(&mut *conn)
        .await?
    };
    for (start, id) in links {
        f.ancestors.entry(start).or_default().push(id);
    }
    let mut positions: Vec<i64> = f.people.iter().filter_map(|p| p.2).collect();
    positions.sort_unstable();
    positions.dedup();
    if !positions.is_empty() {
        let rows: Vec<(i64, i64, i64, i64)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "select position_id, node_id, required, weight from position_requirement \
             where position_id in ({}){}",
            id_list(positions.iter().copied()),
            in_clause("node_id", nodes)
        )))
        .fetch_all(&mut *conn)
        .await?;
        for (p, n, r, w) in rows {
            f.reqs.entry(p).or_default().push((n, r, w));
        }
    }
    let ids: Vec<i64> = f.people.iter().map(|p| p.0).collect();
    if !ids.is_empty() {
        let person_filter = if people.is_some() {
            format!(" and person_id in ({})", id_list(ids.iter().copied()))
        } else {
            String::new()
        };
        let rows: Vec<(i64, i64, i64, Option<i64>)> =
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "select person_id, node_id, level, expires_at from current_level where 1 = 1{person_filter}{}",
                in_clause("node_id", nodes)
            )))
            .fetch_all(&mut *conn)
            .await?;
        for (p, n, l, e) in rows {
            f.levels.entry(p).or_default().push((n, l, e));
        }
    }
    Ok(f)
}

async fn swept_at(conn: &mut AnyConnection) -> Result<i64, AppError> {
    Ok(
        sqlx::query_scalar("select value from change_counter where name = 'expiry_swept'")
            .fetch_one(&mut *conn)
            .await?,
    )
}

/// Takes the write locks of these people's rows, so that two transactions never compute
/// their counter changes from each other's half-done state.
async fn lock(conn: &mut AnyConnection, people: &[i64]) -> Result<(), AppError> {
    for chunk in people.chunks(500) {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "update person set active = active where id in ({})",
            id_list(chunk.iter().copied())
        )))
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Some people's share of the counters taken before a change; [`Pending::after`] adds the
/// difference once the change is made.
pub(crate) struct Pending {
    people: Vec<i64>,
    nodes: Option<Vec<i64>>,
    at: i64,
    before: Contrib,
}

/// Call before changing anything that moves `people`'s counters (limited to `nodes` when
/// only those nodes can change), in the same transaction.
#[tracing::instrument(skip_all)]
pub(crate) async fn before(
    conn: &mut AnyConnection,
    mut people: Vec<i64>,
    nodes: Option<Vec<i64>>,
) -> Result<Pending, AppError> {
    people.sort_unstable();
    people.dedup();
    lock(conn, &people).await?;
    let at = swept_at(conn).await?;
    let before = if people.is_empty() {
        Contrib::default()
    } else {
        load(conn, Some(&people), nodes.as_deref())
            .await?
            .contrib(at)
    };
    Ok(Pending {
        people,
        nodes,
        at,
        before,
    })
}

/// For people who did not exist before (their share was nothing).
#[tracing::instrument(skip_all)]
pub(crate) async fn added(conn: &mut AnyConnection, people: Vec<i64>) -> Result<(), AppError> {
    let at = swept_at(conn).await?;
    Pending {
        people,
        nodes: None,
        at,
        before: Contrib::default(),
    }
    .after(conn)
    .await
}

impl Pending {
    /// Adds the change of the counters since [`before`].
    pub(crate) async fn after(self, conn: &mut AnyConnection) -> Result<(), AppError> {
        if self.people.is_empty() {
            return Ok(());
        }
        let after = load(conn, Some(&self.people), self.nodes.as_deref())
            .await?
            .contrib(self.at);
        let delta = after.minus(&self.before);
        if delta.is_empty() {
            return Ok(());
        }
        apply(conn, &delta, now_ms()).await?;
        bump(conn).await
    }

    /// [`Pending::after`], then commits `tx`: the end of a change that moves counters.
    pub(crate) async fn commit(self, mut tx: super::db::WriteTx) -> Result<(), AppError> {
        self.after(&mut tx).await?;
        Ok(tx.commit().await?)
    }
}

fn upsert_sql(table: &str, keys: &[&str], values: &[&str], rows: &[String]) -> String {
    let sets: Vec<String> = values
        .iter()
        .map(|v| format!("{v} = {table}.{v} + excluded.{v}"))
        .collect();
    format!(
        "insert into {table} ({}, {}) values {} on conflict ({}) do update set {}",
        keys.join(", "),
        values.join(", "),
        rows.join(", "),
        keys.join(", "),
        sets.join(", ")
    )
}

fn tuple(parts: &[i64]) -> String {
    let v: Vec<String> = parts.iter().map(i64::to_string).collect();
    format!("({})", v.join(", "))
}

/// Adds `delta` to the counters and records the changed units' figures for `now`'s day.
async fn apply(conn: &mut AnyConnection, delta: &Contrib, now: i64) -> Result<(), AppError> {
    let exec = |sql: String| sqlx::query(sqlx::AssertSqlSafe(sql));
    let unit_node: Vec<String> = delta
        .unit_node
        .iter()
        .map(|((u, n), v)| tuple(&[*u, *n, v[0], v[1], v[2], v[3], v[4]]))
        .collect();
    for chunk in unit_node.chunks(300) {
        exec(upsert_sql(
            "unit_node_stat",
            &["unit_id", "node_id"],
            &["need", "met", "gap_sum", "wreq_sum", "wgap_sum"],
            chunk,
        ))
        .execute(&mut *conn)
        .await?;
    }
    let units: Vec<String> = delta
        .unit
        .iter()
        .map(|(u, v)| tuple(&[*u, v[0], v[1], v[2], v[3], v[4]]))
        .collect();
    for chunk in units.chunks(300) {
        exec(upsert_sql(
            "unit_stat",
            &["unit_id"],
            &["people", "need", "met", "wreq_sum", "wgap_sum"],
            chunk,
        ))
        .execute(&mut *conn)
        .await?;
    }
    let node_level: Vec<String> = delta
        .node_level
        .iter()
        .map(|((n, l), v)| tuple(&[*n, *l, v[0], v[1]]))
        .collect();
    for chunk in node_level.chunks(300) {
        exec(upsert_sql(
            "node_level_stat",
            &["node_id", "level"],
            &["have", "need"],
            chunk,
        ))
        .execute(&mut *conn)
        .await?;
    }
    let changed: Vec<i64> = delta.unit.keys().copied().collect();
    record_day(conn, &changed, now / DAY_MS).await
}

/// Copies the units' current figures into their trend row for `day`.
async fn record_day(conn: &mut AnyConnection, units: &[i64], day: i64) -> Result<(), AppError> {
    for chunk in units.chunks(300) {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "insert into unit_trend (unit_id, day, people, need, met, wreq_sum, wgap_sum) \
             select unit_id, {day}, people, need, met, wreq_sum, wgap_sum from unit_stat \
             where unit_id in ({}) \
             on conflict (unit_id, day) do update set people = excluded.people, need = excluded.need, \
             met = excluded.met, wreq_sum = excluded.wreq_sum, wgap_sum = excluded.wgap_sum",
            id_list(chunk.iter().copied())
        )))
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Brings the counters up to now: levels that expired since the last sweep count as 0.
/// Readers call this first; it writes only when something expired.
#[tracing::instrument(skip_all)]
pub async fn sweep(db: &Db) -> Result<(), AppError> {
    sweep_until(db, now_ms()).await
}

/// [`sweep`] up to `now` (tests sweep into the future).
#[tracing::instrument(skip_all, fields(now))]
pub async fn sweep_until(db: &Db, now: i64) -> Result<(), AppError> {
    let mut conn = db.pool.acquire().await?;
    let mark = swept_at(&mut conn).await?;
    let due: Vec<(i64, i64)> = sqlx::query_as(
        "select person_id, node_id from current_level where expires_at > $1 and expires_at <= $2",
    )
    .bind(mark)
    .bind(now)
    .fetch_all(&mut *conn)
    .await?;
    drop(conn);
    if due.is_empty() {
        return Ok(());
    }
    let mut tx = db.begin_write().await?;
    let moved = sqlx::query(
        "update change_counter set value = $1 where name = 'expiry_swept' and value = $2",
    )
    .bind(now)
    .bind(mark)
    .execute(&mut *tx)
    .await?;
    if moved.rows_affected() == 0 {
        // Someone else swept meanwhile.
        return Ok(());
    }
    let mut people: Vec<i64> = due.iter().map(|d| d.0).collect();
    let mut nodes: Vec<i64> = due.iter().map(|d| d.1).collect();
    people.sort_unstable();
    people.dedup();
    nodes.sort_unstable();
    nodes.dedup();
    lock(&mut tx, &people).await?;
    let facts = load(&mut tx, Some(&people), Some(&nodes)).await?;
    let delta = facts.contrib(now).minus(&facts.contrib(mark));
    if !delta.is_empty() {
        apply(&mut tx, &delta, now).await?;
        bump(&mut tx).await?;
    }
    tx.commit().await?;
    tracing::debug!(levels = due.len(), "expired levels swept into the counters");
    Ok(())
}

/// The counters as stored (rows that are all zero left out), to compare with a rebuild.
#[tracing::instrument(skip_all)]
pub async fn snapshot(db: &Db) -> Result<Contrib, AppError> {
    let mut c = Contrib::default();
    let rows: Vec<(i64, i64, i64, i64, i64, i64, i64)> = sqlx::query_as(
        "select unit_id, node_id, need, met, gap_sum, wreq_sum, wgap_sum from unit_node_stat",
    )
    .fetch_all(&db.pool)
    .await?;
    for (u, n, a, b, g, r, w) in rows {
        c.unit_node.insert((u, n), [a, b, g, r, w]);
    }
    let rows: Vec<(i64, i64, i64, i64, i64, i64)> =
        sqlx::query_as("select unit_id, people, need, met, wreq_sum, wgap_sum from unit_stat")
            .fetch_all(&db.pool)
            .await?;
    for (u, p, a, b, r, w) in rows {
        c.unit.insert(u, [p, a, b, r, w]);
    }
    let rows: Vec<(i64, i64, i64, i64)> =
        sqlx::query_as("select node_id, level, have, need from node_level_stat")
            .fetch_all(&db.pool)
            .await?;
    for (n, l, h, d) in rows {
        c.node_level.insert((n, l), [h, d]);
    }
    c.unit_node.retain(|_, v| v.iter().any(|x| *x != 0));
    c.unit.retain(|_, v| v.iter().any(|x| *x != 0));
    c.node_level.retain(|_, v| v.iter().any(|x| *x != 0));
    Ok(c)
}

/// Recomputes every counter from the people, positions and current levels (after the
/// migration that introduced them, after a bulk load, and to check them). With `history`,
/// also reconstructs weekly trend points for the past year from the rating history.
#[tracing::instrument(skip_all, fields(history))]
pub async fn rebuild(db: &Db, history: bool) -> Result<(), AppError> {
    rebuild_at(db, now_ms(), history).await
}

/// [`rebuild`] as of `now`.
#[tracing::instrument(skip_all, fields(now, history))]
pub async fn rebuild_at(db: &Db, now: i64, history: bool) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    for sql in [
        "delete from unit_node_stat",
        "delete from unit_stat",
        "delete from node_level_stat",
        "delete from unit_trend",
    ] {
        sqlx::query(sql).execute(&mut *tx).await?;
    }
    sqlx::query("update change_counter set value = $1 where name = 'expiry_swept'")
        .bind(now)
        .execute(&mut *tx)
        .await?;
    let mut facts = load(&mut tx, None, None).await?;
    let total = facts.contrib(now);
    apply(&mut tx, &total, now).await?;
    if history {
        trend_history(&mut tx, &mut facts, now).await?;
    }
    bump(&mut tx).await?;
    Ok(tx.commit().await?)
}

/// Weekly trend points for the year before today, replaying the validated ratings with
/// today's people and positions.
async fn trend_history(
    conn: &mut AnyConnection,
    facts: &mut Facts,
    now: i64,
) -> Result<(), AppError> {
    let rows: Vec<super::ratings::RatingRow> = sqlx::query_as(
        "select id, subject_id, node_id, level, source, review, created_at from rating \
         where source in ('manager', 'course', 'import') or (source = 'self' and review = 'approved') \
         order by created_at, id",
    )
    .fetch_all(&mut *conn)
    .await?;
    let validity: HashMap<i64, Option<i64>> =
        sqlx::query_as::<_, (i64, Option<i64>)>("select id, validity_months from framework_node")
            .fetch_all(&mut *conn)
            .await?
            .into_iter()
            .collect();
    let today = now / DAY_MS;
    let mut state: HashMap<(i64, i64), (i64, Option<i64>)> = HashMap::new();
    let mut next = 0;
    let mut values: Vec<String> = Vec::new();
    for week in (1..=52).rev() {
        let day = today - week * 7;
        let end = (day + 1) * DAY_MS;
        while next < rows.len() && rows[next].6 < end {
            let (id, person, node, level, source, review, at) = &rows[next];
            next += 1;
            if !super::ratings::counts(*id, *node, *level, source, review.as_deref(), *at) {
                continue;
            }
            let expires = super::ratings::expiry(validity.get(node).copied().flatten(), *at);
            state.insert((*person, *node), (*level, expires));
        }
        if next == 0 {
            continue;
        }
        let mut levels: HashMap<i64, Vec<(i64, i64, Option<i64>)>> = HashMap::new();
        for ((p, n), (l, e)) in &state {
            levels.entry(*p).or_default().push((*n, *l, *e));
        }
        facts.levels = levels;
        for (unit, v) in facts.contrib(end - 1).unit {
            values.push(tuple(&[unit, day, v[0], v[1], v[2], v[3], v[4]]));
        }
    }
    for chunk in values.chunks(300) {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "insert into unit_trend (unit_id, day, people, need, met, wreq_sum, wgap_sum) values {}",
            chunk.join(", ")
        )))
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Fills the counters for a database from before them.
#[tracing::instrument(skip_all)]
pub async fn backfill_if_needed(db: &Db) -> Result<(), AppError> {
    let have: Option<i64> = sqlx::query_scalar("select unit_id from unit_stat limit 1")
        .fetch_optional(&db.pool)
        .await?;
    if have.is_some() {
        return Ok(());
    }
    let any: Option<i64> = sqlx::query_scalar("select id from person where active = 1 limit 1")
        .fetch_optional(&db.pool)
        .await?;
    if any.is_some() {
        let ratings: i64 = sqlx::query_scalar("select count(*) from rating")
            .fetch_one(&db.pool)
            .await?;
        rebuild(db, ratings < 200_000).await?;
        tracing::info!("built the org-report counters");
    }
    Ok(())
}

/// The people who hold `position`.
#[tracing::instrument(skip_all, fields(position))]
pub(crate) async fn holders_of(
    conn: &mut AnyConnection,
    position: i64,
) -> Result<Vec<i64>, AppError> {
    Ok(
        sqlx::query_scalar("select id from person where position_id = $1")
            .bind(position)
            .fetch_all(&mut *conn)
            .await?,
    )
}

/// The people in `unit` and its sub-units.
#[tracing::instrument(skip_all, fields(unit))]
pub(crate) async fn people_under(
    conn: &mut AnyConnection,
    unit: i64,
) -> Result<Vec<i64>, AppError> {
    Ok(sqlx::query_scalar(
        "with recursive sub(id) as (select id from org_unit where id = $1 \
           union select u.id from org_unit u join sub on u.parent_id = sub.id) \
         select p.id from person p join sub on p.unit_id = sub.id",
    )
    .bind(unit)
    .fetch_all(&mut *conn)
    .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> Facts {
        // unit 2 inside unit 1; person 10 in unit 2 holds position 5; person 11 has no unit.
        let mut f = Facts {
            people: vec![(10, Some(2), Some(5)), (11, None, Some(5))],
            ..Facts::default()
        };
        f.ancestors.insert(2, vec![2, 1]);
        f.reqs.insert(5, vec![(100, 3, 2), (101, 2, 1)]);
        f.levels
            .insert(10, vec![(100, 3, None), (101, 1, Some(1_000))]);
        f.levels.insert(11, vec![(100, 1, None)]);
        f
    }

    #[test]
    fn counts_need_met_gaps_and_supply() {
        let c = facts().contrib(500);
        assert_eq!(c.unit[&ORG], [2, 4, 1, 16, 7]);
        assert_eq!(c.unit[&1], [1, 2, 1, 8, 1]);
        assert_eq!(c.unit_node[&(2, 100)], [1, 1, 0, 6, 0]);
        assert_eq!(c.unit_node[&(ORG, 100)], [2, 1, 2, 12, 4]);
        assert_eq!(c.node_level[&(100, 3)], [1, 2]);
        assert_eq!(c.node_level[&(100, 1)], [1, 0]);
        assert_eq!(c.node_level[&(101, 1)], [1, 0]);
        assert_eq!(c.node_level[&(101, 2)], [0, 2]);
    }

    #[test]
    fn an_expired_level_counts_as_zero_and_the_difference_is_only_what_moved() {
        let f = facts();
        let before = f.contrib(500);
        let after = f.contrib(1_000);
        let d = after.minus(&before);
        // person 10's level 1 on node 101 expired: gap 1 → 2 in units ORG, 1, 2.
        assert_eq!(d.unit_node.len(), 3);
        assert_eq!(d.unit_node[&(1, 101)], [0, 0, 1, 0, 1]);
        assert_eq!(d.node_level.len(), 1);
        assert_eq!(d.node_level[&(101, 1)], [-1, 0]);
        assert!(f.contrib(7).minus(&f.contrib(7)).is_empty());
    }
}

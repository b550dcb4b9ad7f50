//! `proficio bench`: the multi-person views at organisation scale. It generates a synthetic
//! organisation deterministically (N people in a unit tree with reporting lines, 300
//! rateable nodes, 500 positions x 25 requirements, everyone rated on every node of their
//! position plus a few others, with history), then times the views through the same
//! service functions the pages call. Figures, not assertions: the README keeps them.

use crate::bench::percentile;
use app::domain::heatmap::SortBy;
use app::domain::talent::Criterion;
use app::domain::{CurrentUser, NodeId, PersonId, Role};
use app::server::reports::{talent_search, team_heatmap, TeamQuery};
use app::server::{assess, orgreports, stats, Db};
use std::time::Instant;

/// One measured operation.
#[derive(Debug, serde::Serialize)]
pub struct Figure {
    pub name: &'static str,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
}

/// The whole report (the JSON shape other tools read).
#[derive(Debug, serde::Serialize)]
pub struct Report {
    pub backend: &'static str,
    pub people: usize,
    pub ratings: u64,
    pub current_levels: u64,
    pub generate_s: f64,
    /// Seconds to build the org-report counters from scratch after generating.
    pub counters_s: f64,
    pub results: Vec<Figure>,
}

const NODES: usize = 300;
const POSITIONS: usize = 500;
const REQS: usize = 25;
/// Reports of a team lead, and leads under each director.
const TEAM: usize = 50;

pub(crate) fn mix(a: u64, b: u64) -> u64 {
    let mut z = a
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .wrapping_add(b)
        .wrapping_add(0x632B_E59B_D9B4_E019);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn figure(name: &'static str, mut times: Vec<f64>) -> Figure {
    times.sort_by(|a, b| a.total_cmp(b));
    Figure {
        name,
        p50_ms: percentile(&times, 0.5),
        p95_ms: percentile(&times, 0.95),
        p99_ms: percentile(&times, 0.99),
    }
}

fn user(id: i64, role: Role, direct_reports: u32) -> CurrentUser {
    CurrentUser {
        id: PersonId(id),
        name: format!("Person {id}"),
        email: format!("p{id}@bench.example"),
        role,
        direct_reports,
        unread: 0,
    }
}

/// Runs `sql` rows in multi-row inserts of `chunk` rows.
async fn bulk(
    db: &Db,
    head: &str,
    rows: impl Iterator<Item = String>,
    chunk: usize,
) -> Result<u64, String> {
    let mut tx = db.begin_write().await.map_err(|e| e.to_string())?;
    let mut rows = rows.peekable();
    let mut n = 0u64;
    while rows.peek().is_some() {
        let batch: Vec<String> = rows.by_ref().take(chunk).collect();
        let sql = format!("{head} values {}", batch.join(","));
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .execute(&mut *tx)
            .await
            .map_err(|e| e.to_string())?;
        n += batch.len() as u64;
    }
    tx.commit().await.map_err(|e| e.to_string())?;
    Ok(n)
}

/// The generated organisation's shape, for choosing whom to measure.
pub(crate) struct Org {
    pub(crate) people: usize,
    pub(crate) leads: Vec<i64>,
    pub(crate) directors: Vec<i64>,
    pub(crate) admin: i64,
    pub(crate) nodes: Vec<i64>,
    pub(crate) ratings: u64,
    pub(crate) current: u64,
}

/// Who is where in an organisation of `people`: 1 = chief executive, 2..=11 vice
/// presidents, then `directors` directors, team leads from `leads_from`, and the reports
/// from `first_report` on.
struct Layout {
    people: usize,
    directors: usize,
    leads_from: usize,
    first_report: usize,
}

impl Layout {
    fn new(people: usize) -> Self {
        let directors = people.div_ceil(1_000).max(1);
        let leads_from = 12 + directors;
        let leads = people.saturating_sub(leads_from - 1).div_ceil(TEAM + 1);
        Layout {
            people,
            directors,
            leads_from,
            first_report: leads_from + leads,
        }
    }

    /// The units: the company, 10 divisions, one department per director.
    fn units(&self) -> usize {
        1 + 10 + self.directors
    }

    fn manager_of(&self, i: usize) -> Option<usize> {
        match i {
            1 => None,
            2..=11 => Some(1),
            _ if i < self.leads_from => Some(2 + (i - 12) % 10),
            _ if i < self.first_report => Some(12 + (i - self.leads_from) % self.directors),
            _ => Some(self.leads_from + (i - self.first_report) / TEAM),
        }
    }

    fn unit_of(&self, i: usize) -> usize {
        match i {
            1 => 1,
            2..=11 => i,
            _ if i < self.leads_from => i,
            _ if i < self.first_report => 12 + (i - self.leads_from) % self.directors,
            _ => {
                12 + (self.leads_from + (i - self.first_report) / TEAM - self.leads_from)
                    % self.directors
            }
        }
    }
}

fn position_of(i: usize) -> usize {
    1 + (mix(i as u64, 7) % POSITIONS as u64) as usize
}

/// Requirement `k` of position `p`: the node and the level required.
fn requirement(nodes: &[i64], p: usize, k: usize) -> (i64, u64) {
    let node = nodes[(p * 7 + k * 13) % NODES];
    (node, 1 + mix(p as u64, k as u64) % 5)
}

/// People: 1 = chief executive (admin), 2..=11 vice presidents, then directors (one per
/// ~1,000 people), team leads with 50 reports each, and the reports.
pub(crate) async fn generate(db: &Db, people: usize, history: usize) -> Result<Org, String> {
    let (fw, _) = crate::bench::generate(db, 12 + NODES).await?;
    let nodes: Vec<i64> = sqlx::query_scalar(
        "select id from framework_node where framework_id = $1 and kind = 'competency' order by id",
    )
    .bind(fw.0)
    .fetch_all(&db.pool)
    .await
    .map_err(|e| e.to_string())?;
    let now = app::server::now_ms();
    let layout = Layout::new(people);
    insert_units(db, &layout, now).await?;
    insert_positions(db, &nodes, now).await?;
    insert_people(db, &layout, now).await?;
    let (ratings, current) = insert_ratings(db, &layout, &nodes, history, now).await?;
    analyze(db).await?;
    Ok(Org::new(&layout, nodes, ratings, current))
}

impl Org {
    /// Who leads and directs in `layout`, with what was generated.
    fn new(layout: &Layout, nodes: Vec<i64>, ratings: u64, current: u64) -> Org {
        Org {
            people: layout.people,
            leads: (layout.leads_from..layout.first_report)
                .map(|i| i as i64)
                .collect(),
            directors: (12..layout.leads_from).map(|i| i as i64).collect(),
            admin: 1,
            nodes,
            ratings,
            current,
        }
    }
}

/// The organisation an earlier run generated into `db`, found again from its people and
/// its framework (the first one named like [`crate::bench::generate`]'s), or `None` when
/// `db` holds something else.
pub(crate) async fn existing(db: &Db) -> Result<Option<Org>, String> {
    let e = |e: sqlx::Error| e.to_string();
    let (people, bench_people): (i64, i64) = sqlx::query_as(
        "select count(*), coalesce(sum(case when email = 'p' || id || '@bench.example' \
         then 1 else 0 end), 0) from person",
    )
    .fetch_one(&db.pool)
    .await
    .map_err(e)?;
    if people == 0 || people != bench_people {
        return Ok(None);
    }
    let nodes: Vec<i64> = sqlx::query_scalar(
        "select id from framework_node where kind = 'competency' and framework_id = \
         (select min(id) from framework where name = $1) order by id",
    )
    .bind(crate::bench::FRAMEWORK_NAME)
    .fetch_all(&db.pool)
    .await
    .map_err(e)?;
    if nodes.len() != NODES {
        return Ok(None);
    }
    let count = |t: &str| {
        sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(format!("select count(*) from {t}")))
            .fetch_one(&db.pool)
    };
    let ratings = count("rating").await.map_err(e)? as u64;
    let current = count("current_level").await.map_err(e)? as u64;
    Ok(Some(Org::new(
        &Layout::new(people as usize),
        nodes,
        ratings,
        current,
    )))
}

/// The unit tree: the company, 10 divisions, one department per director.
async fn insert_units(db: &Db, layout: &Layout, now: i64) -> Result<u64, String> {
    bulk(
        db,
        "insert into org_unit (id, name, parent_id, created_at)",
        (1..=layout.units()).map(|u| {
            let parent = match u {
                1 => "null".to_string(),
                2..=11 => "1".to_string(),
                _ => (2 + (u - 12) % 10).to_string(),
            };
            format!("({u}, 'Unit {u}', {parent}, {now})")
        }),
        500,
    )
    .await
}

/// Positions with 25 requirements each over the 300 nodes.
async fn insert_positions(db: &Db, nodes: &[i64], now: i64) -> Result<u64, String> {
    bulk(
        db,
        "insert into job_position (id, title, track, rank, created_at, updated_at)",
        (1..=POSITIONS)
            .map(|p| format!("({p}, 'Position {p}', 'ic', {}, {now}, {now})", 1 + p % 6)),
        500,
    )
    .await?;
    bulk(
        db,
        "insert into position_requirement (position_id, node_id, required, weight, mandatory, seq)",
        (1..=POSITIONS).flat_map(|p| {
            (0..REQS).map(move |k| {
                let (node, level) = requirement(nodes, p, k);
                format!(
                    "({p}, {node}, {level}, {}, {}, {k})",
                    1 + k % 3,
                    (k % 4 == 0) as u8
                )
            })
        }),
        500,
    )
    .await
}

/// People and reporting lines.
async fn insert_people(db: &Db, layout: &Layout, now: i64) -> Result<u64, String> {
    bulk(
        db,
        "insert into person (id, email, name, role, unit_id, manager_id, active, created_at, updated_at, position_id)",
        (1..=layout.people).map(|i| {
            format!(
                "({i}, 'p{i}@bench.example', 'Person {i}', '{}', {}, {}, 1, {now}, {now}, {})",
                if i == 1 { "admin" } else { "employee" },
                layout.unit_of(i),
                layout.manager_of(i).map_or("null".to_string(), |m| m.to_string()),
                position_of(i)
            )
        }),
        500,
    )
    .await
}

/// Ratings: every requirement of the position plus five other nodes, `history` ratings
/// each over the last two years (validated manager ratings), the latest one current.
/// Returns how many ratings and current levels were written.
async fn insert_ratings(
    db: &Db,
    layout: &Layout,
    nodes: &[i64],
    history: usize,
    now: i64,
) -> Result<(u64, u64), String> {
    let day = 86_400_000i64;
    let mut ratings = 0u64;
    let mut current = 0u64;
    let per_batch = 2_000usize;
    let mut start = 1usize;
    let mut next_rating = 1u64;
    while start <= layout.people {
        let end = (start + per_batch - 1).min(layout.people);
        let mut rows = Vec::new();
        let mut latest = Vec::new();
        for i in start..=end {
            let p = position_of(i);
            let mut mine: Vec<i64> = (0..REQS).map(|k| requirement(nodes, p, k).0).collect();
            for k in 0..5u64 {
                let extra = nodes[(mix(i as u64, 100 + k) % NODES as u64) as usize];
                if !mine.contains(&extra) {
                    mine.push(extra);
                }
            }
            for node in mine {
                let mut level = 1 + mix(i as u64, node as u64) % 3;
                let mut last = (0, 0, 0);
                for h in 0..history {
                    let at = now - day * (730 - (h as i64 * 700 / history.max(1) as i64));
                    if h > 0 && mix(node as u64, (i * 31 + h) as u64).is_multiple_of(3) {
                        level = (level + 1).min(5);
                    }
                    let id = next_rating;
                    next_rating += 1;
                    rows.push(format!(
                        "({id}, {i}, {node}, {level}, 'manager', {}, {at})",
                        layout.manager_of(i).unwrap_or(1)
                    ));
                    last = (id, level, at);
                }
                latest.push(format!(
                    "({i}, {node}, {}, {}, {}, null)",
                    last.1, last.0, last.2
                ));
            }
        }
        ratings += bulk(
            db,
            "insert into rating (id, subject_id, node_id, level, source, given_by, created_at)",
            rows.into_iter(),
            1_000,
        )
        .await?;
        current += bulk(
            db,
            "insert into current_level (person_id, node_id, level, rating_id, rated_at, expires_at)",
            latest.into_iter(),
            1_000,
        )
        .await?;
        start = end + 1;
    }
    Ok((ratings, current))
}

/// After inserting with explicit ids: moves PostgreSQL's id sequences past them, then
/// gathers the planner's statistics (on PostgreSQL with a vacuum).
pub(crate) async fn analyze(db: &Db) -> Result<(), String> {
    if db.backend == app::server::db::Backend::Postgres {
        for t in ["rating", "person", "org_unit", "job_position"] {
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "select setval(pg_get_serial_sequence('{t}', 'id'), (select max(id) from {t}))"
            )))
            .execute(&db.pool)
            .await
            .map_err(|e| e.to_string())?;
        }
        // Vacuum too, as autovacuum soon would after a bulk load: it sets the visibility map
        // that index-only scans need, so the figures are a settled database's.
        sqlx::query("vacuum analyze")
            .execute(&db.pool)
            .await
            .map_err(|e| e.to_string())?;
    } else {
        sqlx::query("analyze")
            .execute(&db.pool)
            .await
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// The company report without counters (see `org_report_bare_sql`).
pub const BARE_ORG_REPORT: &str = "with recursive below(id, division) as ( \
       select id, id from org_unit where parent_id = 1 \
       union all select u.id, b.division from org_unit u join below b on u.parent_id = b.id) \
     select b.division, r.node_id, count(*), \
       sum(case when coalesce(c.lv, 0) >= r.required then 1 else 0 end), \
       sum(case when r.required > coalesce(c.lv, 0) then r.required - coalesce(c.lv, 0) else 0 end) \
     from person p join below b on b.id = p.unit_id \
     join position_requirement r on r.position_id = p.position_id \
     left join (select person_id, node_id, \
                  case when expires_at is not null and expires_at <= $1 then 0 else level end as lv \
                from current_level) c on c.person_id = p.id and c.node_id = r.node_id \
     where p.active = 1 group by b.division, r.node_id";

/// Generates the organisation into `db` (which must be empty) and measures.
pub async fn run(db: &Db, people: usize, rounds: usize, history: usize) -> Result<Report, String> {
    let started = Instant::now();
    let org = generate(db, people, history).await?;
    let generate_s = started.elapsed().as_secs_f64();
    let started = Instant::now();
    stats::rebuild(db, false).await.map_err(|e| e.to_string())?;
    let counters_s = started.elapsed().as_secs_f64();
    let results = measure(db, &org, rounds, true).await?;
    Ok(Report {
        backend: db.backend.name(),
        people,
        ratings: org.ratings,
        current_levels: org.current,
        generate_s,
        counters_s,
        results,
    })
}

/// Times each view `rounds` times, one at a time, on the generated organisation; with
/// `bare`, also the company report as one plain statement (minutes at 100,000 people).
pub(crate) async fn measure(
    db: &Db,
    org: &Org,
    rounds: usize,
    bare: bool,
) -> Result<Vec<Figure>, String> {
    let admin = user(org.admin, Role::Admin, 10);
    let mut out = vec![
        time_org_report(db, &admin, rounds).await?,
        time_team_heatmap(db, org, rounds).await?,
        time_subtree_heatmap(db, org, rounds).await?,
        time_talent_search(db, org, &admin, rounds).await?,
        time_rating_write(db, org, rounds).await?,
    ];
    if bare {
        out.push(time_bare_org_report(db, rounds).await?);
    }
    Ok(out)
}

/// Runs `work` once, adding its time in ms to `t` (its result is kept from the optimiser).
async fn timed<T, E: ToString>(
    t: &mut Vec<f64>,
    work: impl std::future::Future<Output = Result<T, E>>,
) -> Result<(), String> {
    let s = Instant::now();
    let out = work.await.map_err(|e| e.to_string())?;
    t.push(s.elapsed().as_secs_f64() * 1e3);
    std::hint::black_box(out);
    Ok(())
}

/// The `r`th round's pick from `list`.
fn pick(list: &[i64], r: usize) -> i64 {
    list[(mix(r as u64, 3) % list.len() as u64) as usize]
}

/// The org report: the company's divisions, then a division's departments, in turn.
async fn time_org_report(db: &Db, admin: &CurrentUser, rounds: usize) -> Result<Figure, String> {
    let mut t = Vec::new();
    for r in 0..rounds {
        let unit = if r % 2 == 0 {
            1
        } else {
            2 + (r as i64 / 2) % 10
        };
        timed(
            &mut t,
            orgreports::org_report(db, admin, Some(app::domain::UnitId(unit)), None),
        )
        .await?;
    }
    Ok(figure("org_report", t))
}

/// A team lead's heatmap of their direct reports.
async fn time_team_heatmap(db: &Db, org: &Org, rounds: usize) -> Result<Figure, String> {
    let mut t = Vec::new();
    for r in 0..rounds {
        let lead = pick(&org.leads, r);
        let me = user(lead, Role::Employee, TEAM as u32);
        timed(&mut t, team_heatmap(db, &me, TeamQuery::default())).await?;
    }
    Ok(figure("team_heatmap", t))
}

/// A director's heatmap of everyone below them, sorted by gap.
async fn time_subtree_heatmap(db: &Db, org: &Org, rounds: usize) -> Result<Figure, String> {
    let mut t = Vec::new();
    for r in 0..rounds {
        let director = pick(&org.directors, r);
        let me = user(director, Role::Employee, 20);
        let q = TeamQuery {
            all_levels: true,
            sort: SortBy::Gap,
            ..TeamQuery::default()
        };
        timed(&mut t, team_heatmap(db, &me, q)).await?;
    }
    Ok(figure("subtree_heatmap", t))
}

/// Talent search over the whole organisation on up to three nodes.
async fn time_talent_search(
    db: &Db,
    org: &Org,
    admin: &CurrentUser,
    rounds: usize,
) -> Result<Figure, String> {
    let mut t = Vec::new();
    for r in 0..rounds {
        let n = |k: u64| NodeId(org.nodes[(mix(r as u64, k) % NODES as u64) as usize]);
        let mut criteria = vec![Criterion { node: n(1), min: 3 }];
        for (k, min) in [(2u64, 2u8), (3, 2)] {
            let node = n(k);
            if !criteria.iter().any(|c| c.node == node) {
                criteria.push(Criterion { node, min });
            }
        }
        timed(&mut t, talent_search(db, admin, &criteria, None)).await?;
    }
    Ok(figure("talent_search", t))
}

/// A team lead rating one of their reports.
async fn time_rating_write(db: &Db, org: &Org, rounds: usize) -> Result<Figure, String> {
    let mut t = Vec::new();
    for r in 0..rounds {
        let lead = pick(&org.leads, r + 7);
        let me = user(lead, Role::Employee, TEAM as u32);
        let report: i64 =
            sqlx::query_scalar("select id from person where manager_id = $1 order by id limit 1")
                .bind(lead)
                .fetch_one(&db.pool)
                .await
                .map_err(|e| e.to_string())?;
        let node = NodeId(org.nodes[r % NODES]);
        let level = (1 + r % 5).to_string();
        timed(
            &mut t,
            assess::rate(db, &me, PersonId(report), node, &level, ""),
        )
        .await?;
    }
    Ok(figure("rating_write", t))
}

/// The floor: the company report (divisions x nodes: need, met, gap sum) as one SQL
/// statement over the people, their positions' requirements and their current levels,
/// without the counters. Fewer rounds: it reads every person's every requirement.
async fn time_bare_org_report(db: &Db, rounds: usize) -> Result<Figure, String> {
    let mut t = Vec::new();
    for _ in 0..rounds.clamp(1, 5) {
        timed(&mut t, async {
            let rows: Vec<(i64, i64, i64, i64, i64)> = sqlx::query_as(BARE_ORG_REPORT)
                .bind(app::server::now_ms())
                .fetch_all(&db.pool)
                .await?;
            Ok::<_, sqlx::Error>(rows)
        })
        .await?;
    }
    Ok(figure("org_report_bare_sql", t))
}

/// The report as a table.
pub fn table(r: &Report) -> String {
    format!(
        "{} people, {} ratings, {} current levels on {} (generated in {:.1} s, counters built in {:.1} s)\n{}",
        r.people, r.ratings, r.current_levels, r.backend, r.generate_s, r.counters_s, figures_table(&r.results)
    )
}

/// The figures as a table.
pub(crate) fn figures_table(results: &[Figure]) -> String {
    let mut out = format!(
        "{:<20} {:>9} {:>9} {:>9}\n",
        "operation", "p50 ms", "p95 ms", "p99 ms"
    );
    for f in results {
        out.push_str(&format!(
            "{:<20} {:>9.2} {:>9.2} {:>9.2}\n",
            f.name, f.p50_ms, f.p95_ms, f.p99_ms
        ));
    }
    out
}

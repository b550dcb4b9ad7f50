//! Multi-person views read from the `current_level` aggregate: the team heatmap and talent
//! search. Each request touches only the rows of the people and nodes it shows.

use super::db::{unpack, with_team, Db};
use super::now_ms;
use super::people::{can_see, manages};
use super::positions::id_list;
use super::ratings::effective;
use crate::api::AppError;
use crate::domain::count;
use crate::domain::heatmap::{Cell, HeatColumn, HeatPerson, Heatmap, SortBy};
use crate::domain::rating::readiness_percent;
use crate::domain::talent::{
    preselect, rank, rank_successors, Candidate, CriteriaLevels, Criterion, Succession, Successor,
    TalentResult, MAX_CRITERIA,
};
use crate::domain::{CurrentUser, NodeId, PersonId};
use sqlx::FromRow;
use std::collections::HashMap;

pub use crate::domain::heatmap::{MAX_COLUMNS, MAX_PEOPLE};

/// What the heatmap shows.
#[derive(Debug, Clone, Default)]
pub struct TeamQuery {
    /// Whose team (the caller's by default).
    pub manager: Option<PersonId>,
    /// Direct and indirect reports, not only direct ones.
    pub all_levels: bool,
    pub unit: Option<i64>,
    pub position: Option<i64>,
    pub sort: SortBy,
}

/// A person of a manager's team.
#[derive(FromRow)]
struct Member {
    id: i64,
    name: String,
    position_id: Option<i64>,
    position_title: Option<String>,
    unit_name: Option<String>,
    /// 1 for a direct report of the manager.
    direct: i64,
    unit_id: Option<i64>,
}

/// A requirement of one of the team's positions.
struct Requirement {
    position_id: i64,
    node_id: i64,
    required: i64,
}

/// The heatmap's columns and what their cells are measured against.
struct Columns {
    /// (node, how many shown members' positions require it), most required first.
    nodes: Vec<(i64, u32)>,
    /// Required level by (position, node).
    required: HashMap<(i64, i64), u8>,
    /// Whether nodes beyond [`MAX_COLUMNS`] were left out.
    truncated: bool,
}

/// The team heatmap of `q.manager` (default: the caller). The caller must be that manager,
/// manage them, or view everyone.
#[tracing::instrument(skip_all, fields(caller = me.id.0))]
pub async fn team_heatmap(db: &Db, me: &CurrentUser, q: TeamQuery) -> Result<Heatmap, AppError> {
    let manager = q.manager.unwrap_or(me.id);
    if manager != me.id && !me.caps().view_all && !manages(db, me.id, manager).await? {
        return Err(if can_see(db, me, manager).await? {
            AppError::Forbidden
        } else {
            AppError::NotFound("That person".into())
        });
    }
    // The manager's name and the change counter the page polls, in one round trip.
    let (manager_name, stamp): (String, i64) = sqlx::query_as(
        "select name, (select value from change_counter where name = 'ratings') from person where id = $1",
    )
    .bind(manager.0)
    .fetch_optional(&db.pool)
    .await?
    .ok_or_else(|| AppError::NotFound("That person".into()))?;
    let members = team_members(db, manager, q.all_levels).await?;
    let (units, positions) = team_filters(&members);
    let members: Vec<Member> = members
        .into_iter()
        .filter(|m| q.unit.is_none_or(|u| m.unit_id == Some(u)))
        .filter(|m| q.position.is_none_or(|p| m.position_id == Some(p)))
        .collect();
    let truncated_people = members.len() > MAX_PEOPLE;
    let members: Vec<Member> = members.into_iter().take(MAX_PEOPLE).collect();
    let reqs = team_requirements(db, &members).await?;
    let columns = heat_columns(&members, &reqs);
    let titles = node_titles(db, &columns.nodes).await?;
    let current = team_levels(db, &members, &columns.nodes).await?;
    let mut map = Heatmap {
        manager: manager_name,
        all_levels: q.all_levels,
        cells: heat_cells(&members, &columns, &current),
        people: members
            .iter()
            .map(|m| HeatPerson {
                id: PersonId(m.id),
                name: m.name.clone(),
                position: m.position_title.clone().unwrap_or_default(),
                unit: m.unit_name.clone().unwrap_or_default(),
                direct: m.direct == 1,
            })
            .collect(),
        columns: columns
            .nodes
            .iter()
            .map(|(n, c)| HeatColumn {
                node: NodeId(*n),
                title: titles.get(n).cloned().unwrap_or_default(),
                required_by: *c,
            })
            .collect(),
        units,
        positions,
        unit: q.unit,
        position: q.position,
        sort: q.sort,
        truncated: truncated_people || columns.truncated,
        stamp,
    };
    map.sort(q.sort);
    Ok(map)
}

/// The active direct reports of `manager` (and their reports too with `all_levels`), by name.
async fn team_members(
    db: &Db,
    manager: PersonId,
    all_levels: bool,
) -> Result<Vec<Member>, AppError> {
    let team = if all_levels {
        with_team!(
            "select p.id, p.name, p.position_id, j.title as position_title, u.name as unit_name, \
               case when p.manager_id = $1 then 1 else 0 end as direct, p.unit_id \
             from team t join person p on p.id = t.id \
             left join job_position j on j.id = p.position_id left join org_unit u on u.id = p.unit_id \
             where p.active = 1 order by p.name, p.id"
        )
    } else {
        "select p.id, p.name, p.position_id, j.title as position_title, u.name as unit_name, \
           1 as direct, p.unit_id from person p \
         left join job_position j on j.id = p.position_id left join org_unit u on u.id = p.unit_id \
         where p.manager_id = $1 and p.active = 1 order by p.name, p.id"
    };
    Ok(sqlx::query_as(team)
        .bind(manager.0)
        .fetch_all(&db.pool)
        .await?)
}

/// The choices of a filter: (id, name), by name.
type Choices = Vec<(i64, String)>;

/// The filters the heatmap offers: the team's units and positions.
fn team_filters(members: &[Member]) -> (Choices, Choices) {
    let mut units: HashMap<i64, String> = HashMap::new();
    let mut positions: HashMap<i64, String> = HashMap::new();
    for m in members {
        if let (Some(u), Some(name)) = (m.unit_id, &m.unit_name) {
            units.entry(u).or_insert_with(|| name.clone());
        }
        if let (Some(p), Some(t)) = (m.position_id, &m.position_title) {
            positions.entry(p).or_insert_with(|| t.clone());
        }
    }
    let mut units: Choices = units.into_iter().collect();
    let mut positions: Choices = positions.into_iter().collect();
    // By name, then id: a hash map's order must not show.
    units.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)));
    positions.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)));
    (units, positions)
}

/// The requirements of the members' positions.
async fn team_requirements(db: &Db, members: &[Member]) -> Result<Vec<Requirement>, AppError> {
    let position_ids: Vec<i64> = {
        let mut v: Vec<i64> = members.iter().filter_map(|m| m.position_id).collect();
        v.sort_unstable();
        v.dedup();
        v
    };
    // Titles come later, for the columns shown only: joining the nodes here leaves the
    // planner free to scan every node and probe each position, which stale statistics
    // (a framework grown since the last ANALYZE) turned into seconds on SQLite. One packed
    // row per position: a director's positions have about 11,000 requirements.
    let packed: Vec<(i64, String)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "select position_id, string_agg(node_id || ',' || required, ';') \
         from position_requirement where position_id in ({}) group by position_id",
        id_list(position_ids.iter().copied())
    )))
    .fetch_all(&db.pool)
    .await?;
    let mut out = Vec::new();
    for (position_id, list) in packed {
        for [node, required] in unpack::<2>(&list)? {
            if let (Some(node_id), Some(required)) = (node, required) {
                out.push(Requirement {
                    position_id,
                    node_id,
                    required,
                });
            }
        }
    }
    Ok(out)
}

/// The titles of `nodes` by id.
async fn node_titles(db: &Db, nodes: &[(i64, u32)]) -> Result<HashMap<i64, String>, AppError> {
    if nodes.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(
        sqlx::query_as::<_, (i64, String)>(sqlx::AssertSqlSafe(format!(
            "select id, title from framework_node where id in ({})",
            id_list(nodes.iter().map(|n| n.0))
        )))
        .fetch_all(&db.pool)
        .await?
        .into_iter()
        .collect(),
    )
}

/// The nodes the members' positions require, most required first, at most [`MAX_COLUMNS`].
fn heat_columns(members: &[Member], reqs: &[Requirement]) -> Columns {
    let mut required: HashMap<(i64, i64), u8> = HashMap::new();
    for r in reqs {
        required.insert(
            (r.position_id, r.node_id),
            u8::try_from(r.required).unwrap_or(0),
        );
    }
    // Members per position first, so each requirement is counted once, not once per member.
    let mut holders: HashMap<i64, u32> = HashMap::new();
    for p in members.iter().filter_map(|m| m.position_id) {
        *holders.entry(p).or_default() += 1;
    }
    let mut count: HashMap<i64, u32> = HashMap::new();
    for r in reqs {
        if let Some(h) = holders.get(&r.position_id) {
            *count.entry(r.node_id).or_default() += h;
        }
    }
    let mut nodes: Vec<(i64, u32)> = count.into_iter().collect();
    nodes.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let truncated = nodes.len() > MAX_COLUMNS;
    nodes.truncate(MAX_COLUMNS);
    Columns {
        nodes,
        required,
        truncated,
    }
}

/// The members' current levels on `nodes` by (person, node): the level and whether it has
/// expired.
async fn team_levels(
    db: &Db,
    members: &[Member],
    nodes: &[(i64, u32)],
) -> Result<HashMap<(i64, i64), (u8, bool)>, AppError> {
    // One packed row per person: a subtree's thousand people have thousands of levels.
    let packed: Vec<(i64, String)> = if members.is_empty() || nodes.is_empty() {
        Vec::new()
    } else {
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "select person_id, string_agg(node_id || ',' || level || ',' || \
               coalesce(cast(expires_at as text), ''), ';') \
             from current_level where person_id in ({}) and node_id in ({}) group by person_id",
            id_list(members.iter().map(|m| m.id)),
            id_list(nodes.iter().map(|n| n.0))
        )))
        .fetch_all(&db.pool)
        .await?
    };
    let now = now_ms();
    let mut current: HashMap<(i64, i64), (u8, bool)> = HashMap::new();
    for (p, list) in packed {
        for [node, level, expires] in unpack::<3>(&list)? {
            if let (Some(n), Some(level)) = (node, level) {
                current.insert((p, n), effective(level, expires, now));
            }
        }
    }
    Ok(current)
}

/// One row of cells per member, one cell per column.
fn heat_cells(
    members: &[Member],
    columns: &Columns,
    current: &HashMap<(i64, i64), (u8, bool)>,
) -> Vec<Vec<Cell>> {
    members
        .iter()
        .map(|m| {
            columns
                .nodes
                .iter()
                .map(|(n, _)| {
                    let have = current.get(&(m.id, *n)).copied();
                    match m
                        .position_id
                        .and_then(|p| columns.required.get(&(p, *n)).copied())
                    {
                        None => Cell::NotRequired {
                            current: have.filter(|h| !h.1).map(|h| h.0),
                        },
                        Some(required) => match have {
                            None => Cell::Unrated { required },
                            Some((_, true)) => Cell::Expired { required },
                            Some((current, false)) => Cell::Rated { required, current },
                        },
                    }
                })
                .collect()
        })
        .collect()
}

/// Levels that count at `now` of `people` on `nodes`, by (person, node).
async fn current_levels_of(
    db: &Db,
    people: &[i64],
    nodes: impl Iterator<Item = i64>,
    now: i64,
) -> Result<HashMap<(i64, i64), u8>, AppError> {
    if people.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(i64, i64, i64, Option<i64>)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "select person_id, node_id, level, expires_at from current_level \
         where person_id in ({}) and node_id in ({})",
        id_list(people.iter().copied()),
        id_list(nodes)
    )))
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(p, n, l, e)| ((p, n), effective(l, e, now).0))
        .collect())
}

/// A person in a result list.
#[derive(FromRow)]
struct PersonRow {
    id: i64,
    name: String,
    position_title: Option<String>,
    unit_name: Option<String>,
}

/// Who `people` are, for result lists.
async fn people_rows(db: &Db, people: &[i64]) -> Result<Vec<PersonRow>, AppError> {
    if people.is_empty() {
        return Ok(Vec::new());
    }
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "select p.id, p.name, j.title as position_title, u.name as unit_name from person p \
         left join job_position j on j.id = p.position_id left join org_unit u on u.id = p.unit_id \
         where p.id in ({})",
        id_list(people.iter().copied())
    )))
    .fetch_all(&db.pool)
    .await?)
}

/// The recursive CTE `team(id)` of `me`'s direct and indirect reports.
fn team_cte(me: &CurrentUser) -> String {
    format!(
        "team(id) as (select id from person where manager_id = {me} \
         union select p.id from person p join team t on p.manager_id = t.id)",
        me = me.id.0
    )
}

/// Most candidates a talent search returns.
pub const MAX_CANDIDATES: usize = 50;

/// The choices of the talent search form: rateable nodes of non-archived frameworks
/// (id, "title · framework") and org units (id, name).
#[tracing::instrument(skip_all, fields(caller = me.id.0))]
pub async fn talent_options(db: &Db, me: &CurrentUser) -> Result<(Choices, Choices), AppError> {
    may_search(me)?;
    let nodes: Vec<(i64, String, String)> = sqlx::query_as(
        "select n.id, n.title, f.name from framework_node n join framework f on f.id = n.framework_id \
         where n.kind <> 'category' and f.status <> 'archived' order by f.name, n.title, n.id",
    )
    .fetch_all(&db.pool)
    .await?;
    let units: Vec<(i64, String)> =
        sqlx::query_as("select id, name from org_unit order by name, id")
            .fetch_all(&db.pool)
            .await?;
    Ok((
        nodes
            .into_iter()
            .map(|(id, t, f)| (id, format!("{t} · {f}")))
            .collect(),
        units,
    ))
}

/// Admins and HR search everyone; managers search their direct and indirect reports.
fn may_search(me: &CurrentUser) -> Result<(), AppError> {
    let caps = me.caps();
    if caps.view_all || caps.manage_team {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// People matching the criteria (current, unexpired levels), closest first; optionally only
/// in `unit` and its sub-units.
#[tracing::instrument(skip_all, fields(caller = me.id.0))]
pub async fn talent_search(
    db: &Db,
    me: &CurrentUser,
    criteria: &[Criterion],
    unit: Option<i64>,
) -> Result<TalentResult, AppError> {
    may_search(me)?;
    if criteria.is_empty() {
        return Err(AppError::invalid(
            "node1",
            "Choose at least one skill or competency and the level needed.",
        ));
    }
    if criteria.len() > MAX_CRITERIA {
        return Err(AppError::invalid(
            "node1",
            format!("Use at most {MAX_CRITERIA} criteria."),
        ));
    }
    let titles = criterion_nodes(db, criteria).await?;
    let holders: Vec<(i64, String)> =
        sqlx::query_as(sqlx::AssertSqlSafe(holders_sql(me, criteria, unit)))
            .bind(now_ms())
            .fetch_all(&db.pool)
            .await?;
    let mut levels: HashMap<i64, CriteriaLevels> = HashMap::new();
    for (node, packed) in &holders {
        let Some(i) = criteria.iter().position(|c| c.node.0 == *node) else {
            continue;
        };
        for [person, level] in unpack::<2>(packed)? {
            if let (Some(p), Some(l)) = (person, level) {
                levels.entry(p).or_insert([0; MAX_CRITERIA])[i] = u8::try_from(l).unwrap_or(0);
            }
        }
    }
    let (ids, full) = preselect(criteria, &levels, SHORTLIST);
    let people = people_rows(db, &ids).await?;
    let n = criteria.len();
    let mut candidates: Vec<Candidate> = people
        .into_iter()
        .map(|p| {
            let levels = levels.get(&p.id).map_or(vec![0; n], |l| l[..n].to_vec());
            let (met, shortfall) = Candidate::score(criteria, &levels);
            Candidate {
                person: PersonId(p.id),
                name: p.name,
                position: p.position_title.unwrap_or_default(),
                unit: p.unit_name.unwrap_or_default(),
                levels,
                met,
                shortfall,
            }
        })
        .collect();
    rank(&mut candidates);
    candidates.truncate(MAX_CANDIDATES);
    Ok(TalentResult {
        criteria: criteria
            .iter()
            .map(|c| {
                (
                    *c,
                    titles
                        .get(&c.node.0)
                        .map(|t| t.0.clone())
                        .unwrap_or_default(),
                )
            })
            .collect(),
        candidates,
        full_matches: full,
    })
}

/// The (title, kind) of each criterion's node by id; an error on the first criterion whose
/// node is gone or is a category.
async fn criterion_nodes(
    db: &Db,
    criteria: &[Criterion],
) -> Result<HashMap<i64, (String, String)>, AppError> {
    let titles: HashMap<i64, (String, String)> =
        sqlx::query_as::<_, (i64, String, String)>(sqlx::AssertSqlSafe(format!(
            "select id, title, kind from framework_node where id in ({})",
            id_list(criteria.iter().map(|c| c.node.0))
        )))
        .fetch_all(&db.pool)
        .await?
        .into_iter()
        .map(|(id, t, k)| (id, (t, k)))
        .collect();
    for (i, c) in criteria.iter().enumerate() {
        match titles.get(&c.node.0) {
            Some((_, kind)) if kind != "category" => {}
            Some(_) => {
                return Err(AppError::invalid(
                    &format!("node{}", i + 1),
                    "Categories are not rated; choose a competency or skill.",
                ))
            }
            None => {
                return Err(AppError::invalid(
                    &format!("node{}", i + 1),
                    "That skill no longer exists.",
                ))
            }
        }
    }
    Ok(titles)
}

/// People ranked before names break ties: the candidates shown come from these.
const SHORTLIST: usize = 200;

/// The talent search statement: for each criterion's node, `(node, packed)` where packed
/// lists the current, unexpired levels of everyone `me` may find (in `unit`'s subtree when
/// given) as `person,level;person,level…`, with `$1` bound to now.
///
/// Each node is one covering-index range of the current levels, read once and sent as one
/// string: ranking the people in memory costs less than grouping and sorting tens of
/// thousands of hits in SQL, and sending them as rows would cost a decoded row each. Who
/// may be found is checked against small sets (the inactive people, through a partial
/// index; the caller's team; the unit's people) instead of joining every hit with its
/// person row, which cost more than the rest of the search at 100,000 people.
fn holders_sql(me: &CurrentUser, criteria: &[Criterion], unit: Option<i64>) -> String {
    let mut with = Vec::new();
    let mut scope =
        vec!["c.person_id not in (select id from person where active <> 1)".to_string()];
    if !me.caps().view_all {
        with.push(team_cte(me));
        scope.push("c.person_id in (select id from team)".to_string());
    }
    if let Some(u) = unit {
        with.push(format!(
            "units(id) as (select id from org_unit where id = {u} \
             union select o.id from org_unit o join units s on o.parent_id = s.id)"
        ));
        scope.push(
            "c.person_id in (select p.id from person p where p.unit_id in (select id from units))"
                .to_string(),
        );
    }
    // Every number in this statement comes from parsed integers: nothing to escape.
    format!(
        "{}select c.node_id, string_agg(c.person_id || ',' || c.level, ';') \
         from current_level c where c.node_id in ({}) and c.level > 0 \
         and (c.expires_at is null or c.expires_at > $1) and {} group by c.node_id",
        if with.is_empty() {
            String::new()
        } else {
            format!("with recursive {} ", with.join(", "))
        },
        id_list(criteria.iter().map(|c| c.node.0)),
        scope.join(" and ")
    )
}

/// A requirement of the position successors are sought for.
#[derive(FromRow)]
struct SuccessionRequirement {
    node_id: i64,
    required: i64,
    weight: i64,
    /// 1 when mandatory.
    mandatory: i64,
}

/// Most succession candidates listed.
pub const MAX_SUCCESSORS: usize = 50;

/// Everyone who may be found (everyone for admins and HR, their reports for managers),
/// except the position's holders, ranked by readiness for `position`.
#[tracing::instrument(skip_all, fields(caller = me.id.0))]
pub async fn succession(
    db: &Db,
    me: &CurrentUser,
    position: Option<i64>,
) -> Result<Succession, AppError> {
    may_search(me)?;
    let positions: Vec<(i64, String)> =
        sqlx::query_as("select id, title from job_position order by title, id")
            .fetch_all(&db.pool)
            .await?;
    let Some(position) = position else {
        return Ok(Succession {
            positions,
            position: None,
            requirements: 0,
            candidates: Vec::new(),
        });
    };
    let Some(chosen) = positions.iter().find(|p| p.0 == position).cloned() else {
        return Err(AppError::invalid(
            "position",
            "That position no longer exists; choose another.",
        ));
    };
    let reqs: Vec<SuccessionRequirement> = sqlx::query_as(
        "select node_id, required, weight, mandatory from position_requirement where position_id = $1",
    )
    .bind(position)
    .fetch_all(&db.pool)
    .await?;
    let now = now_ms();
    let scope = if me.caps().view_all {
        String::new()
    } else {
        format!("with recursive {} ", team_cte(me))
    };
    let in_scope = if me.caps().view_all {
        ""
    } else {
        " and p.id in (select id from team)"
    };
    // Readiness is 1 - sum(w * gap) / sum(w * required), and sum(w * required) is the
    // position's: the readiest have the largest sum(w * min(level, required)). Only people
    // with some level on the requirements can score; the rest follow at 0%.
    let ranked: Vec<(i64, i64)> = if reqs.is_empty() {
        Vec::new()
    } else {
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{scope}select c.person_id, cast(sum(r.weight * case when c.level >= r.required then r.required else c.level end) as bigint) as score \
             from position_requirement r join current_level c on c.node_id = r.node_id \
             join person p on p.id = c.person_id \
             where r.position_id = $1 and (c.expires_at is null or c.expires_at > $2) \
               and p.active = 1 and (p.position_id is null or p.position_id <> $1){in_scope} \
             group by c.person_id order by score desc, c.person_id limit {}",
            MAX_SUCCESSORS * 2
        )))
        .bind(position)
        .bind(now)
        .fetch_all(&db.pool)
        .await?
    };
    let ids: Vec<i64> = ranked.iter().map(|r| r.0).collect();
    let level_of = current_levels_of(db, &ids, reqs.iter().map(|r| r.node_id), now).await?;
    let people = people_rows(db, &ids).await?;
    let mut candidates: Vec<Successor> = people
        .into_iter()
        .map(|p| {
            let id = p.id;
            let parts: Vec<(u8, u32, u8)> = reqs
                .iter()
                .map(|r| {
                    (
                        u8::try_from(r.required).unwrap_or(0),
                        u32::try_from(r.weight).unwrap_or(1),
                        level_of.get(&(id, r.node_id)).copied().unwrap_or(0),
                    )
                })
                .collect();
            let below = |r: &&SuccessionRequirement| {
                i64::from(level_of.get(&(id, r.node_id)).copied().unwrap_or(0)) < r.required
            };
            Successor {
                person: PersonId(id),
                name: p.name,
                position: p.position_title.unwrap_or_default(),
                unit: p.unit_name.unwrap_or_default(),
                readiness: readiness_percent(&parts),
                gaps: reqs.iter().filter(below).count() as u32,
                mandatory_gaps: reqs
                    .iter()
                    .filter(below)
                    .filter(|r| r.mandatory == 1)
                    .count() as u32,
            }
        })
        .collect();
    rank_successors(&mut candidates);
    candidates.truncate(MAX_SUCCESSORS);
    Ok(Succession {
        positions,
        position: Some(chosen),
        requirements: count(reqs.len()),
        candidates,
    })
}

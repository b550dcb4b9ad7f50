//! Org reports for admins and HR, read from the counters of [`super::stats`]: competency
//! status by unit and node with drill-down, demand versus supply, and readiness over time.

use super::db::Db;
use super::now_ms;
use super::positions::id_list;
use super::stats::{self, DAY_MS, ORG};
use crate::api::AppError;
use crate::domain::count;
use crate::domain::orgreport::{
    readiness, sort_supply, Member, OrgColumn, OrgReport, OrgRow, Status, SupplyReport, SupplyRow,
    TrendPoint,
};
use crate::domain::{CurrentUser, NodeId, PersonId, UnitId};
use sqlx::FromRow;
use std::collections::HashMap;

/// Most nodes the unit report shows as columns.
pub const MAX_COLUMNS: usize = 30;
/// Most people listed under a unit.
pub const MAX_MEMBERS: usize = 200;
/// Most nodes the demand and supply report lists.
pub const MAX_SUPPLY_ROWS: usize = 150;

/// Admins and HR only.
fn may_report(me: &CurrentUser) -> Result<(), AppError> {
    if me.caps().view_all {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

fn n32(v: i64) -> u32 {
    count(v.max(0))
}

async fn frameworks(db: &Db) -> Result<Vec<(i64, String)>, AppError> {
    Ok(sqlx::query_as(
        "select id, name from framework where status <> 'archived' order by name, id",
    )
    .fetch_all(&db.pool)
    .await?)
}

/// A unit's figures over all its people's requirements.
#[derive(Clone, Copy, Default, FromRow)]
struct UnitTotals {
    people: i64,
    need: i64,
    met: i64,
    /// Weighted required levels.
    wreq_sum: i64,
    /// Weighted gaps.
    wgap_sum: i64,
}

impl UnitTotals {
    /// These figures less `other`'s.
    fn minus(self, other: UnitTotals) -> UnitTotals {
        UnitTotals {
            people: self.people - other.people,
            need: self.need - other.need,
            met: self.met - other.met,
            wreq_sum: self.wreq_sum - other.wreq_sum,
            wgap_sum: self.wgap_sum - other.wgap_sum,
        }
    }
}

/// A row of `unit_stat`.
#[derive(FromRow)]
struct UnitStatRow {
    unit_id: i64,
    #[sqlx(flatten)]
    totals: UnitTotals,
}

/// A row of `unit_node_stat`.
#[derive(FromRow)]
struct NodeStatRow {
    unit_id: i64,
    node_id: i64,
    need: i64,
    met: i64,
    gap_sum: i64,
}

/// Competency status for the sub-units of `unit` (the top-level units when `None`), with
/// columns limited to `framework`'s nodes when given.
#[tracing::instrument(skip_all, fields(caller = me.id.0, unit = ?unit.map(|x| x.0)))]
pub async fn org_report(
    db: &Db,
    me: &CurrentUser,
    unit: Option<UnitId>,
    framework: Option<i64>,
) -> Result<OrgReport, AppError> {
    may_report(me)?;
    report(db, unit, framework).await
}

/// The org report as [`org_report`] makes it, for a caller already allowed to see the whole
/// organisation (an admin or HR viewer, or an API token with `reports:read`).
pub(crate) async fn report(
    db: &Db,
    unit: Option<UnitId>,
    framework: Option<i64>,
) -> Result<OrgReport, AppError> {
    stats::sweep(db).await?;
    let (selected, crumbs) = match unit {
        None => (None, Vec::new()),
        Some(u) => selection(db, u).await?,
    };
    let children = child_units(db, selected.as_ref()).await?;
    let top = selected.as_ref().map_or(ORG, |s| s.0 .0);
    let (columns, truncated) = report_columns(db, top, framework).await?;
    let mut unit_ids: Vec<i64> = children.iter().map(|c| c.0).collect();
    unit_ids.push(top);
    let status = node_status(db, &unit_ids, &columns).await?;
    let totals = unit_totals(db, &unit_ids).await?;
    let row_of = |unit: i64, name: String, has_children: bool, id: Option<UnitId>| {
        let t = totals.get(&unit).copied().unwrap_or_default();
        OrgRow {
            unit: id,
            name,
            people: n32(t.people),
            has_children,
            readiness: readiness(t.wreq_sum, t.wgap_sum),
            cells: columns
                .iter()
                .map(|(n, _)| status.get(&(unit, *n)).copied().unwrap_or_default())
                .collect(),
        }
    };
    let total_name = selected
        .as_ref()
        .map_or_else(|| "Whole organisation".to_string(), |s| s.1.clone());
    let total = row_of(top, total_name, !children.is_empty(), None);
    let mut rows: Vec<OrgRow> = children
        .iter()
        .map(|(id, name, kids)| row_of(*id, name.clone(), *kids > 0, Some(UnitId(*id))))
        .collect();
    let selected_name = selected.as_ref().map(|s| s.1.as_str());
    rows.extend(rest_row(
        selected_name,
        top,
        &children,
        &totals,
        &total,
        &rows,
    ));
    let trend = trend(db, top).await?;
    let members = match &selected {
        Some((u, _)) => members(db, *u).await?,
        None => Vec::new(),
    };
    Ok(OrgReport {
        unit: selected,
        crumbs,
        total,
        rows,
        columns: columns
            .into_iter()
            .map(|(n, title)| OrgColumn {
                node: NodeId(n),
                title,
            })
            .collect(),
        truncated,
        frameworks: frameworks(db).await?,
        framework,
        trend,
        members,
        today: now_ms() / DAY_MS,
    })
}

/// The unit `unit` (id, name) and the units above it (the breadcrumbs, top first).
async fn selection(
    db: &Db,
    unit: UnitId,
) -> Result<(Option<(UnitId, String)>, Vec<(UnitId, String)>), AppError> {
    let chain: Vec<(i64, String, i64)> = sqlx::query_as(
        "with recursive up(id, name, parent_id, depth) as ( \
           select id, name, parent_id, 0 from org_unit where id = $1 \
           union all select o.id, o.name, o.parent_id, up.depth + 1 from org_unit o join up on o.id = up.parent_id) \
         select id, name, depth from up order by depth desc",
    )
    .bind(unit.0)
    .fetch_all(&db.pool)
    .await?;
    let Some(last) = chain.last().cloned() else {
        return Err(AppError::NotFound("That org unit".into()));
    };
    let crumbs = chain[..chain.len() - 1]
        .iter()
        .map(|(id, name, _)| (UnitId(*id), name.clone()))
        .collect();
    Ok((Some((UnitId(last.0), last.1)), crumbs))
}

/// The sub-units of `selected` (the top-level units when `None`) by name: (id, name, how
/// many sub-units each has).
async fn child_units(
    db: &Db,
    selected: Option<&(UnitId, String)>,
) -> Result<Vec<(i64, String, i64)>, AppError> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "select u.id, u.name, (select count(*) from org_unit c where c.parent_id = u.id) \
         from org_unit u where {} order by u.name, u.id",
        match selected {
            Some((u, _)) => format!("u.parent_id = {}", u.0),
            None => "u.parent_id is null".to_string(),
        }
    )))
    .fetch_all(&db.pool)
    .await?)
}

/// The report's columns: the nodes most needed in unit `top` (only `framework`'s when
/// given), at most [`MAX_COLUMNS`] (id, title), and whether more were left out.
async fn report_columns(
    db: &Db,
    top: i64,
    framework: Option<i64>,
) -> Result<(Vec<(i64, String)>, bool), AppError> {
    let framework_filter = framework
        .map(|f| {
            format!(" and s.node_id in (select id from framework_node where framework_id = {f})")
        })
        .unwrap_or_default();
    let columns: Vec<(i64, String)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "select s.node_id, n.title from unit_node_stat s join framework_node n on n.id = s.node_id \
         where s.unit_id = {top} and s.need > 0{framework_filter} \
         order by s.need desc, n.title, s.node_id limit {}",
        MAX_COLUMNS + 1
    )))
    .fetch_all(&db.pool)
    .await?;
    let truncated = columns.len() > MAX_COLUMNS;
    Ok((columns.into_iter().take(MAX_COLUMNS).collect(), truncated))
}

/// The status of `units` on the `columns`' nodes, by (unit, node).
async fn node_status(
    db: &Db,
    units: &[i64],
    columns: &[(i64, String)],
) -> Result<HashMap<(i64, i64), Status>, AppError> {
    let cells: Vec<NodeStatRow> = if columns.is_empty() {
        Vec::new()
    } else {
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "select unit_id, node_id, need, met, gap_sum from unit_node_stat \
             where unit_id in ({}) and node_id in ({})",
            id_list(units.iter().copied()),
            id_list(columns.iter().map(|c| c.0))
        )))
        .fetch_all(&db.pool)
        .await?
    };
    Ok(cells
        .into_iter()
        .map(|c| {
            (
                (c.unit_id, c.node_id),
                Status {
                    need: n32(c.need),
                    met: n32(c.met),
                    gap_sum: n32(c.gap_sum),
                },
            )
        })
        .collect())
}

/// The totals of `units`, by unit.
async fn unit_totals(db: &Db, units: &[i64]) -> Result<HashMap<i64, UnitTotals>, AppError> {
    Ok(
        sqlx::query_as::<_, UnitStatRow>(sqlx::AssertSqlSafe(format!(
            "select unit_id, people, need, met, wreq_sum, wgap_sum from unit_stat where unit_id in ({})",
            id_list(units.iter().copied())
        )))
        .fetch_all(&db.pool)
        .await?
        .into_iter()
        .map(|r| (r.unit_id, r.totals))
        .collect(),
    )
}

/// The row of whoever is in unit `top` (named `selected`; the whole organisation when
/// `None`) but in none of its `children`, when there are sub-units and such people: its
/// cells are the total's less the sub-units' `rows`.
fn rest_row(
    selected: Option<&str>,
    top: i64,
    children: &[(i64, String, i64)],
    totals: &HashMap<i64, UnitTotals>,
    total: &OrgRow,
    rows: &[OrgRow],
) -> Option<OrgRow> {
    let mut rest = totals.get(&top).copied().unwrap_or_default();
    for (id, _, _) in children {
        rest = rest.minus(totals.get(id).copied().unwrap_or_default());
    }
    if rest.people <= 0 || children.is_empty() {
        return None;
    }
    let cells = total
        .cells
        .iter()
        .enumerate()
        .map(|(i, t)| rows.iter().fold(*t, |acc, r| acc.minus(&r.cells[i])))
        .collect();
    Some(OrgRow {
        unit: None,
        name: match selected {
            Some(name) => format!("Directly in {name}"),
            None => "Without an org unit".to_string(),
        },
        people: n32(rest.people),
        has_children: false,
        readiness: readiness(rest.wreq_sum, rest.wgap_sum),
        cells,
    })
}

/// The report as CSV: one line per row and column (names and titles neutralised against
/// spreadsheet formulas).
pub fn to_csv(r: &OrgReport) -> String {
    use crate::domain::validate::csv_cell;
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record([
        "unit",
        "people",
        "readiness_percent",
        "node_id",
        "node",
        "people_needing",
        "people_meeting",
        "share_percent",
        "average_gap",
    ]);
    for row in std::iter::once(&r.total).chain(&r.rows) {
        for (col, s) in r.columns.iter().zip(&row.cells) {
            let _ = w.write_record([
                csv_cell(&row.name).into_owned(),
                row.people.to_string(),
                row.readiness.map(|p| p.to_string()).unwrap_or_default(),
                col.node.to_string(),
                csv_cell(&col.title).into_owned(),
                s.need.to_string(),
                s.met.to_string(),
                s.percent().map(|p| p.to_string()).unwrap_or_default(),
                s.avg_gap().map(|g| format!("{g:.2}")).unwrap_or_default(),
            ]);
        }
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// A row of `unit_trend`: a unit's totals on a day.
#[derive(FromRow)]
struct TrendRow {
    day: i64,
    #[sqlx(flatten)]
    totals: UnitTotals,
}

/// A unit's figures on every day they changed.
async fn trend(db: &Db, unit: i64) -> Result<Vec<TrendPoint>, AppError> {
    let rows: Vec<TrendRow> = sqlx::query_as(
        "select day, people, need, met, wreq_sum, wgap_sum from unit_trend where unit_id = $1 \
         order by day desc limit 400",
    )
    .bind(unit)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .rev()
        .map(|r| TrendPoint {
            day: r.day,
            people: n32(r.totals.people),
            readiness: readiness(r.totals.wreq_sum, r.totals.wgap_sum),
            met: Status {
                need: n32(r.totals.need),
                met: n32(r.totals.met),
                gap_sum: 0,
            }
            .percent(),
        })
        .collect())
}

/// A person of a unit with the sums over their position's requirements (none without one).
#[derive(FromRow)]
struct MemberRow {
    id: i64,
    name: String,
    /// The position's title.
    title: Option<String>,
    /// Weighted required levels.
    wreq_sum: Option<i64>,
    /// Weighted gaps.
    wgap_sum: Option<i64>,
    /// Requirements not met.
    gaps: Option<i64>,
}

/// The people directly in `unit`, each with their readiness for their position.
async fn members(db: &Db, unit: UnitId) -> Result<Vec<Member>, AppError> {
    let rows: Vec<MemberRow> =
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "select id, name, title, cast(sum(w * req) as bigint) as wreq_sum, \
               cast(sum(w * case when req > lv then req - lv else 0 end) as bigint) as wgap_sum, \
               cast(sum(case when req > lv then 1 else 0 end) as bigint) as gaps \
             from (select p.id, p.name, j.title, r.weight as w, r.required as req, \
                     case when c.level is null or (c.expires_at is not null and c.expires_at <= $2) then 0 \
                          else c.level end as lv \
                   from person p left join job_position j on j.id = p.position_id \
                   left join position_requirement r on r.position_id = p.position_id \
                   left join current_level c on c.person_id = p.id and c.node_id = r.node_id \
                   where p.unit_id = $1 and p.active = 1) x \
             group by id, name, title order by name, id limit {MAX_MEMBERS}"
        )))
        .bind(unit.0)
        .bind(now_ms())
        .fetch_all(&db.pool)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| Member {
            id: PersonId(r.id),
            name: r.name,
            position: r.title.unwrap_or_default(),
            readiness: readiness(r.wreq_sum.unwrap_or(0), r.wgap_sum.unwrap_or(0)),
            gaps: n32(r.gaps.unwrap_or(0)),
        })
        .collect())
}

/// Demand versus supply per node across the organisation: people needing each level
/// against people holding it.
#[tracing::instrument(skip_all, fields(caller = me.id.0))]
pub async fn supply(
    db: &Db,
    me: &CurrentUser,
    framework: Option<i64>,
) -> Result<SupplyReport, AppError> {
    may_report(me)?;
    stats::sweep(db).await?;
    let framework_filter = framework
        .map(|f| format!(" and n.framework_id = {f}"))
        .unwrap_or_default();
    let levels: Vec<(i64, i64, i64, i64)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "select s.node_id, s.level, s.have, s.need from node_level_stat s \
         join framework_node n on n.id = s.node_id where (s.have > 0 or s.need > 0){framework_filter}"
    )))
    .fetch_all(&db.pool)
    .await?;
    let mut by_node: HashMap<i64, (Vec<u32>, Vec<u32>)> = HashMap::new();
    let mut top = 1usize;
    for (node, level, have, need) in &levels {
        let l = usize::try_from(*level).unwrap_or(0).clamp(1, 10);
        top = top.max(l);
        let e = by_node.entry(*node).or_default();
        for v in [&mut e.0, &mut e.1] {
            if v.len() < l {
                v.resize(l, 0);
            }
        }
        e.0[l - 1] += n32(*need);
        e.1[l - 1] += n32(*have);
    }
    let ids: Vec<i64> = by_node.keys().copied().collect();
    let info: Vec<(i64, String, String)> = if ids.is_empty() {
        Vec::new()
    } else {
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "select n.id, n.title, f.name from framework_node n join framework f on f.id = n.framework_id \
             where n.id in ({})",
            id_list(ids.iter().copied())
        )))
        .fetch_all(&db.pool)
        .await?
    };
    let statuses: HashMap<i64, Status> = if ids.is_empty() {
        HashMap::new()
    } else {
        sqlx::query_as::<_, (i64, i64, i64, i64)>(sqlx::AssertSqlSafe(format!(
            "select node_id, need, met, gap_sum from unit_node_stat where unit_id = {ORG} and node_id in ({})",
            id_list(ids.iter().copied())
        )))
        .fetch_all(&db.pool)
        .await?
        .into_iter()
        .map(|(n, need, met, gap)| {
            (
                n,
                Status {
                    need: n32(need),
                    met: n32(met),
                    gap_sum: n32(gap),
                },
            )
        })
        .collect()
    };
    let positions: HashMap<i64, i64> = if ids.is_empty() {
        HashMap::new()
    } else {
        sqlx::query_as::<_, (i64, i64)>(sqlx::AssertSqlSafe(format!(
            "select node_id, count(*) from position_requirement where node_id in ({}) group by node_id",
            id_list(ids.iter().copied())
        )))
        .fetch_all(&db.pool)
        .await?
        .into_iter()
        .collect()
    };
    let mut rows: Vec<SupplyRow> = info
        .into_iter()
        .map(|(id, title, fw)| {
            let (mut need, mut have) = by_node.remove(&id).unwrap_or_default();
            need.resize(top, 0);
            have.resize(top, 0);
            SupplyRow {
                node: NodeId(id),
                title,
                framework: fw,
                positions: n32(positions.get(&id).copied().unwrap_or(0)),
                need,
                have,
                status: statuses.get(&id).copied().unwrap_or_default(),
            }
        })
        .collect();
    sort_supply(&mut rows);
    rows.truncate(MAX_SUPPLY_ROWS);
    Ok(SupplyReport {
        rows,
        frameworks: frameworks(db).await?,
        framework,
        top,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(need: u32, met: u32, gap_sum: u32) -> Status {
        Status { need, met, gap_sum }
    }

    #[test]
    fn csv_has_a_line_per_row_and_column() {
        let row = |name: &str| OrgRow {
            unit: None,
            name: name.into(),
            people: 3,
            has_children: false,
            readiness: Some(80),
            cells: vec![s(2, 1, 1), s(0, 0, 0)],
        };
        let r = OrgReport {
            unit: None,
            crumbs: vec![],
            total: row("Everyone"),
            rows: vec![row("Sales, \"EMEA\"")],
            columns: vec![
                OrgColumn {
                    node: NodeId(7),
                    title: "Negotiation".into(),
                },
                OrgColumn {
                    node: NodeId(8),
                    title: "Rust".into(),
                },
            ],
            truncated: false,
            frameworks: vec![],
            framework: None,
            trend: vec![],
            members: vec![],
            today: 0,
        };
        let text = to_csv(&r);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 5);
        assert_eq!(lines[1], "Everyone,3,80,7,Negotiation,2,1,50,0.50");
        assert!(
            lines[3].starts_with("\"Sales, \"\"EMEA\"\"\",3,80,7"),
            "{}",
            lines[3]
        );
        assert_eq!(lines[4], "\"Sales, \"\"EMEA\"\"\",3,80,8,Rust,0,0,,");
    }
}

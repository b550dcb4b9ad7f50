//! Positions, their requirements, who holds them, and the career paths between them. The
//! rules live in `domain::positions`; this module reads and writes them, each change in one
//! transaction.

use super::ctx::unique_or;
use super::db::{Db, WriteTx};
use super::frameworks::node_info;
use super::now_ms;
use super::stats;
use crate::api::AppError;
use crate::domain::count;
use crate::domain::framework::Track;
use crate::domain::positions::{
    compare, layout, sort_for_overview, whole_competency, CareerMap, ComparisonPage, Holder,
    LevelText, LinkKind, LinkView, PathLink, PathLinkId, PathLinkInput, PathNode, Picker,
    PickerRow, Position, PositionId, PositionInput, PositionOverview, PositionPage,
    PositionSummary, Requirement, RequirementInput, RequirementView, MAX_NOTES, PICKER_LIMIT,
};
use crate::domain::tree::NodeKind;
use crate::domain::{CurrentUser, Email, FrameworkId, NodeId, PersonId, UnitId};
use std::collections::{HashMap, HashSet};

/// A position as stored ([`POSITION_COLUMNS`]).
#[derive(sqlx::FromRow)]
struct PositionRow {
    id: i64,
    title: String,
    description: String,
    track: String,
    rank: Option<i64>,
    unit_id: Option<i64>,
}

/// A position row with its unit's name, requirement count and holder count.
#[derive(sqlx::FromRow)]
struct SummaryRow {
    #[sqlx(flatten)]
    position: PositionRow,
    unit_name: Option<String>,
    requirements: i64,
    holders: i64,
}
/// A scale's levels (number, name, description) and its threshold.
type ScaleLevels = (Vec<(i64, String, String)>, u8);

/// A level of a scale, with the scale's threshold.
#[derive(sqlx::FromRow)]
struct ScaleLevelRow {
    scale_id: i64,
    level: i64,
    name: String,
    description: String,
    threshold: i64,
}

const POSITION_COLUMNS: &str = "p.id, p.title, p.description, p.track, p.rank, p.unit_id";

fn position_from(r: PositionRow) -> Position {
    Position {
        id: PositionId(r.id),
        title: r.title,
        description: r.description,
        track: Track::parse(&r.track).unwrap_or(Track::Ic),
        rank: r.rank.and_then(|n| u8::try_from(n).ok()),
        unit: r.unit_id.map(UnitId),
    }
}

fn not_found() -> AppError {
    AppError::NotFound("That position".into())
}

/// One position.
#[tracing::instrument(skip_all, fields(id = id.0))]
pub async fn position(db: &Db, id: PositionId) -> Result<Position, AppError> {
    let row: Option<PositionRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "select {POSITION_COLUMNS} from job_position p where p.id = $1"
    )))
    .bind(id.0)
    .fetch_optional(&db.pool)
    .await?;
    row.map(position_from).ok_or_else(not_found)
}

async fn unit_name(db: &Db, unit: Option<UnitId>) -> Result<Option<String>, AppError> {
    let Some(u) = unit else { return Ok(None) };
    Ok(
        sqlx::query_scalar("select name from org_unit where id = $1")
            .bind(u.0)
            .fetch_optional(&db.pool)
            .await?,
    )
}

/// Every position with its unit and counts, by rank then title.
#[tracing::instrument(skip_all)]
pub async fn summaries(db: &Db) -> Result<Vec<PositionSummary>, AppError> {
    let rows: Vec<SummaryRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "select {POSITION_COLUMNS}, u.name as unit_name, \
               (select count(*) from position_requirement r where r.position_id = p.id) as requirements, \
               (select count(*) from person h where h.position_id = p.id and h.active = 1) as holders \
             from job_position p left join org_unit u on u.id = p.unit_id"
    )))
    .fetch_all(&db.pool)
    .await?;
    let mut out: Vec<PositionSummary> = rows
        .into_iter()
        .map(|r| PositionSummary {
            position: position_from(r.position),
            unit_name: r.unit_name,
            requirements: u32::try_from(r.requirements).unwrap_or(0),
            holders: u32::try_from(r.holders).unwrap_or(0),
        })
        .collect();
    out.sort_by(|a, b| {
        let key = |s: &PositionSummary| {
            (
                s.position.rank.unwrap_or(u8::MAX),
                s.position.title.to_lowercase(),
            )
        };
        key(a).cmp(&key(b)).then(a.position.id.cmp(&b.position.id))
    });
    Ok(out)
}

async fn check_unit(db: &Db, unit: Option<UnitId>) -> Result<(), AppError> {
    if unit.is_some() && unit_name(db, unit).await?.is_none() {
        return Err(AppError::invalid(
            "unit_id",
            "That org unit no longer exists; choose another.",
        ));
    }
    Ok(())
}

/// Creates a position.
#[tracing::instrument(skip_all)]
pub async fn create(db: &Db, input: &PositionInput) -> Result<PositionId, AppError> {
    let f = input.parse()?;
    check_unit(db, f.unit).await?;
    let now = now_ms();
    let id: i64 = sqlx::query_scalar(
        "insert into job_position (title, description, track, rank, unit_id, created_at, updated_at) \
         values ($1, $2, $3, $4, $5, $6, $6) returning id",
    )
    .bind(&f.title)
    .bind(&f.description)
    .bind(f.track.as_str())
    .bind(f.rank.map(i64::from))
    .bind(f.unit.map(|u| u.0))
    .bind(now)
    .fetch_one(&db.pool)
    .await?;
    Ok(PositionId(id))
}

/// Changes a position's fields.
#[tracing::instrument(skip_all, fields(id = id.0))]
pub async fn update(db: &Db, id: PositionId, input: &PositionInput) -> Result<(), AppError> {
    let f = input.parse()?;
    check_unit(db, f.unit).await?;
    let done = sqlx::query(
        "update job_position set title = $1, description = $2, track = $3, rank = $4, unit_id = $5, updated_at = $6 \
         where id = $7",
    )
    .bind(&f.title)
    .bind(&f.description)
    .bind(f.track.as_str())
    .bind(f.rank.map(i64::from))
    .bind(f.unit.map(|u| u.0))
    .bind(now_ms())
    .bind(id.0)
    .execute(&db.pool)
    .await?;
    if done.rows_affected() == 0 {
        return Err(not_found());
    }
    Ok(())
}

/// Deletes a position with its requirements and links; its holders keep their records
/// but no longer hold a position.
#[tracing::instrument(skip_all, fields(id = id.0))]
pub async fn delete(db: &Db, id: PositionId) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    let holders = stats::holders_of(&mut tx, id.0).await?;
    let pending = stats::before(&mut tx, holders, None).await?;
    for sql in [
        "update person set position_id = null where position_id = $1",
        "update person set target_position_id = null where target_position_id = $1",
        "delete from career_link where from_id = $1 or to_id = $1",
        "delete from position_requirement where position_id = $1",
    ] {
        sqlx::query(sql).bind(id.0).execute(&mut *tx).await?;
    }
    let done = sqlx::query("delete from job_position where id = $1")
        .bind(id.0)
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() == 0 {
        return Err(not_found());
    }
    pending.commit(tx).await
}

/// A requirement with its node's title and kind.
#[derive(sqlx::FromRow)]
struct RequirementRow {
    node_id: i64,
    node_title: String,
    kind: String,
    required: i64,
    weight: i64,
    mandatory: i64,
}

/// The requirements of `position` (the bare rules), in the order they were added.
#[tracing::instrument(skip_all, fields(position = position.0))]
pub async fn requirements(db: &Db, position: PositionId) -> Result<Vec<Requirement>, AppError> {
    let rows: Vec<RequirementRow> = sqlx::query_as(
        "select n.id as node_id, n.title as node_title, n.kind, r.required, r.weight, r.mandatory \
         from position_requirement r join framework_node n on n.id = r.node_id \
         where r.position_id = $1 order by r.seq, n.id",
    )
    .bind(position.0)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Requirement {
            node: NodeId(r.node_id),
            node_title: r.node_title,
            kind: NodeKind::parse(&r.kind).unwrap_or(NodeKind::Skill),
            required: u8::try_from(r.required).unwrap_or(1),
            weight: u8::try_from(r.weight).unwrap_or(3),
            mandatory: r.mandatory != 0,
        })
        .collect())
}

/// Level texts for `nodes` on `track`: each node's scale levels, with the node's own
/// description for the track where it has one. Also each node's scale threshold.
#[tracing::instrument(skip_all)]
pub async fn level_texts(
    db: &Db,
    nodes: &[NodeId],
    track: Track,
) -> Result<HashMap<NodeId, (Vec<LevelText>, u8)>, AppError> {
    let mut out = HashMap::new();
    if nodes.is_empty() {
        return Ok(out);
    }
    let ids = id_list(nodes.iter().map(|n| n.0));
    let scales: Vec<(i64, i64)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "select n.id, coalesce(n.scale_id, f.scale_id) from framework_node n \
         join framework f on f.id = n.framework_id where n.id in ({ids})"
    )))
    .fetch_all(&db.pool)
    .await?;
    let scale_ids = id_list(scales.iter().map(|s| s.1));
    let levels: Vec<ScaleLevelRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "select l.scale_id, l.level, l.name, l.description, s.threshold from scale_level l \
         join scale s on s.id = l.scale_id where l.scale_id in ({scale_ids}) order by l.scale_id, l.level"
    )))
    .fetch_all(&db.pool)
    .await?;
    let own: Vec<(i64, i64, String)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "select node_id, level, description from node_level_description \
         where track = $1 and node_id in ({ids})"
    )))
    .bind(track.as_str())
    .fetch_all(&db.pool)
    .await?;
    let own: HashMap<(i64, i64), String> = own.into_iter().map(|r| ((r.0, r.1), r.2)).collect();
    let mut by_scale: HashMap<i64, ScaleLevels> = HashMap::new();
    for l in levels {
        let e = by_scale
            .entry(l.scale_id)
            .or_insert_with(|| (Vec::new(), u8::try_from(l.threshold).unwrap_or(1)));
        e.0.push((l.level, l.name, l.description));
    }
    for (node, scale) in scales {
        let Some((levels, threshold)) = by_scale.get(&scale) else {
            continue;
        };
        let texts = levels
            .iter()
            .map(|(level, name, description)| LevelText {
                level: u8::try_from(*level).unwrap_or(0),
                name: name.clone(),
                description: own
                    .get(&(node, *level))
                    .filter(|d| !d.trim().is_empty())
                    .cloned()
                    .unwrap_or_else(|| description.clone()),
            })
            .collect();
        out.insert(NodeId(node), (texts, *threshold));
    }
    Ok(out)
}

/// A comma-separated list of ids for an `in (...)` clause; ids are integers, so this
/// cannot inject anything. An empty list gives `null`, which matches nothing.
pub(crate) fn id_list(ids: impl Iterator<Item = i64>) -> String {
    let list: Vec<String> = ids.map(|i| i.to_string()).collect();
    if list.is_empty() {
        "null".into()
    } else {
        list.join(",")
    }
}

/// Titles of each node's ancestors, top first.
#[tracing::instrument(skip_all)]
pub(crate) async fn ancestor_paths(
    db: &Db,
    nodes: &[NodeId],
) -> Result<HashMap<NodeId, Vec<String>>, AppError> {
    if nodes.is_empty() {
        return Ok(HashMap::new());
    }
    let ids = id_list(nodes.iter().map(|n| n.0));
    let rows: Vec<(i64, String, i64)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "with recursive up(start, parent_id, title, depth) as ( \
           select n.id, n.parent_id, n.title, 0 from framework_node n where n.id in ({ids}) \
           union all \
           select up.start, p.parent_id, p.title, up.depth + 1 from framework_node p join up on p.id = up.parent_id) \
         select start, title, depth from up where depth > 0"
    )))
    .fetch_all(&db.pool)
    .await?;
    let mut by: HashMap<NodeId, Vec<(i64, String)>> = HashMap::new();
    for (start, title, depth) in rows {
        by.entry(NodeId(start)).or_default().push((depth, title));
    }
    Ok(by
        .into_iter()
        .map(|(k, mut v)| {
            v.sort_by_key(|x| std::cmp::Reverse(x.0));
            (k, v.into_iter().map(|x| x.1).collect())
        })
        .collect())
}

/// Requirements with their framework, path and level texts for `track`.
#[tracing::instrument(skip_all, fields(position = position.0))]
pub async fn requirement_views(
    db: &Db,
    position: PositionId,
    track: Track,
) -> Result<Vec<RequirementView>, AppError> {
    let reqs = requirements(db, position).await?;
    let nodes: Vec<NodeId> = reqs.iter().map(|r| r.node).collect();
    let frameworks: Vec<(i64, i64, String)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "select n.id, f.id, f.name from framework_node n join framework f on f.id = n.framework_id \
         where n.id in ({})",
        id_list(nodes.iter().map(|n| n.0))
    )))
    .fetch_all(&db.pool)
    .await?;
    let frameworks: HashMap<i64, (i64, String)> =
        frameworks.into_iter().map(|r| (r.0, (r.1, r.2))).collect();
    let mut texts = level_texts(db, &nodes, track).await?;
    let mut paths = ancestor_paths(db, &nodes).await?;
    Ok(reqs
        .into_iter()
        .map(|requirement| {
            let (framework, framework_name) = frameworks
                .get(&requirement.node.0)
                .cloned()
                .unwrap_or_default();
            let (levels, threshold) = texts.remove(&requirement.node).unwrap_or_default();
            RequirementView {
                framework: FrameworkId(framework),
                framework_name,
                path: paths.remove(&requirement.node).unwrap_or_default(),
                levels,
                threshold,
                requirement,
            }
        })
        .collect())
}

async fn holders(db: &Db, position: PositionId) -> Result<Vec<Holder>, AppError> {
    let rows: Vec<(i64, String, String, Option<String>)> = sqlx::query_as(
        "select p.id, p.name, p.email, u.name from person p left join org_unit u on u.id = p.unit_id \
         where p.position_id = $1 and p.active = 1 order by p.name, p.id",
    )
    .bind(position.0)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Holder {
            id: PersonId(r.0),
            name: r.1,
            email: r.2,
            unit_name: r.3,
        })
        .collect())
}

/// A career-path link with the titles of both ends.
#[derive(sqlx::FromRow)]
struct LinkRow {
    id: i64,
    from_id: i64,
    to_id: i64,
    kind: String,
    notes: String,
    from_title: String,
    to_title: String,
}

fn link_from(r: LinkRow) -> LinkView {
    LinkView {
        id: PathLinkId(r.id),
        link: PathLink {
            from: PositionId(r.from_id),
            to: PositionId(r.to_id),
            kind: LinkKind::parse(&r.kind).unwrap_or(LinkKind::Up),
            notes: r.notes,
        },
        from_title: r.from_title,
        to_title: r.to_title,
    }
}

/// Career-path links, all of them or those touching one position.
#[tracing::instrument(skip_all, fields(touching = ?touching.map(|x| x.0)))]
pub async fn links(db: &Db, touching: Option<PositionId>) -> Result<Vec<LinkView>, AppError> {
    let rows: Vec<LinkRow> = sqlx::query_as(
        "select l.id, l.from_id, l.to_id, l.kind, l.notes, a.title as from_title, b.title as to_title from career_link l \
         join job_position a on a.id = l.from_id join job_position b on b.id = l.to_id \
         where $1 = 0 or l.from_id = $1 or l.to_id = $1 order by a.title, b.title, l.id",
    )
    .bind(touching.map_or(0, |p| p.0))
    .fetch_all(&db.pool)
    .await?;
    Ok(rows.into_iter().map(link_from).collect())
}

/// Everything the position editor shows.
#[tracing::instrument(skip_all, fields(id = id.0))]
pub async fn page(db: &Db, id: PositionId) -> Result<PositionPage, AppError> {
    let c = described(db, id).await?;
    Ok(PositionPage {
        holders: holders(db, id).await?,
        targeting: active_with(db, TARGETING, id).await?,
        position: c.position,
        unit_name: c.unit_name,
        requirements: c.requirements,
        moves_out: c.moves_out,
        moves_in: c.moves_in,
    })
}

/// One position for the career view's side panel.
#[tracing::instrument(skip_all, fields(id = id.0))]
pub async fn overview(db: &Db, id: PositionId) -> Result<PositionOverview, AppError> {
    let mut c = described(db, id).await?;
    sort_for_overview(&mut c.requirements);
    Ok(PositionOverview {
        holders: active_with(db, HOLDING, id).await?,
        position: c.position,
        unit_name: c.unit_name,
        requirements: c.requirements,
        moves_out: c.moves_out,
        moves_in: c.moves_in,
    })
}

/// What the position page and the career view's panel both show of a position.
struct Described {
    position: Position,
    unit_name: Option<String>,
    requirements: Vec<RequirementView>,
    moves_out: Vec<LinkView>,
    moves_in: Vec<LinkView>,
}

async fn described(db: &Db, id: PositionId) -> Result<Described, AppError> {
    let position = position(db, id).await?;
    let unit_name = unit_name(db, position.unit).await?;
    let requirements = requirement_views(db, id, position.track).await?;
    let all = links(db, Some(id)).await?;
    let (moves_out, moves_in) = all.into_iter().partition(|l| l.link.from == id);
    Ok(Described {
        position,
        unit_name,
        requirements,
        moves_out,
        moves_in,
    })
}

/// Active people who hold a position.
const HOLDING: &str = "select count(*) from person where position_id = $1 and active = 1";
/// Active people who aim at a position.
const TARGETING: &str = "select count(*) from person where target_position_id = $1 and active = 1";

/// How many active people `sql` ([`HOLDING`] or [`TARGETING`]) counts for a position.
async fn active_with(db: &Db, sql: &'static str, id: PositionId) -> Result<u32, AppError> {
    let n: i64 = sqlx::query_scalar(sql)
        .bind(id.0)
        .fetch_one(&db.pool)
        .await?;
    Ok(count(n))
}

async fn next_seq(tx: &mut WriteTx, position: PositionId) -> Result<i64, AppError> {
    let seq: Option<i64> =
        sqlx::query_scalar("select max(seq) from position_requirement where position_id = $1")
            .bind(position.0)
            .fetch_one(&mut **tx)
            .await?;
    Ok(seq.map_or(0, |s| s + 1))
}

async fn insert_requirement(
    tx: &mut WriteTx,
    position: PositionId,
    r: &Requirement,
    seq: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "insert into position_requirement (position_id, node_id, required, weight, mandatory, seq) \
         values ($1, $2, $3, $4, $5, $6)",
    )
    .bind(position.0)
    .bind(r.node.0)
    .bind(i64::from(r.required))
    .bind(i64::from(r.weight))
    .bind(i64::from(r.mandatory))
    .bind(seq)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Adds one requirement.
#[tracing::instrument(skip_all, fields(position = position.0))]
pub async fn add_requirement(
    db: &Db,
    position: PositionId,
    input: &RequirementInput,
) -> Result<(), AppError> {
    self::position(db, position).await?;
    let node: NodeId = input
        .node
        .parse()
        .map_err(|_| AppError::invalid("node", "Choose a competency or skill."))?;
    let info = node_info(db, node).await?;
    // An empty level (the picker's "Add") means the scale's proficiency threshold.
    let mut input = input.clone();
    if input.level.trim().is_empty() {
        input.level = info.threshold.to_string();
    }
    let fields = input.parse(info.top)?;
    let existing = requirements(db, position).await?;
    let req = fields.to_requirement(&info.row, &existing)?;
    let mut tx = db.begin_write().await?;
    let holders = stats::holders_of(&mut tx, position.0).await?;
    let pending = stats::before(&mut tx, holders, Some(vec![req.node.0])).await?;
    let seq = next_seq(&mut tx, position).await?;
    insert_requirement(&mut tx, position, &req, seq).await?;
    pending.commit(tx).await
}

/// Adds `node` (when rateable) and every rateable node below it that the position does not
/// require yet, each at `level` (empty: its scale's threshold) capped at its scale's top.
/// Returns how many were added.
#[tracing::instrument(skip_all, fields(position = position.0))]
pub async fn add_whole(
    db: &Db,
    position: PositionId,
    node: &str,
    level: &str,
) -> Result<u32, AppError> {
    self::position(db, position).await?;
    let node: NodeId = node
        .parse()
        .map_err(|_| AppError::invalid("node", "Choose a competency or category."))?;
    let info = node_info(db, node).await?;
    let level: Option<u8> = match level.trim() {
        "" => None,
        l => Some(
            l.parse::<u8>()
                .ok()
                .filter(|n| (1..=10).contains(n))
                .ok_or_else(|| {
                    AppError::invalid(
                        "level",
                        "Choose the required level, from 1 to the scale's top.",
                    )
                })?,
        ),
    };
    let tree = super::frameworks::tree(db, info.framework).await?;
    let existing = requirements(db, position).await?;
    let already: HashSet<NodeId> = existing.iter().map(|r| r.node).collect();
    let chosen = whole_competency(&tree.nodes, node, &already)?;
    if chosen.is_empty() {
        return Err(AppError::invalid(
            "node",
            format!(
                "Everything rateable in \u{201c}{}\u{201d} is already required.",
                info.row.title
            ),
        ));
    }
    let mut tx = db.begin_write().await?;
    let holders = stats::holders_of(&mut tx, position.0).await?;
    let pending = stats::before(
        &mut tx,
        holders,
        Some(chosen.iter().map(|r| r.id.0).collect()),
    )
    .await?;
    let mut seq = next_seq(&mut tx, position).await?;
    for row in &chosen {
        let each = node_info(db, row.id).await?;
        let required = level.unwrap_or(each.threshold).min(each.top).max(1);
        let req = Requirement {
            node: row.id,
            node_title: row.title.clone(),
            kind: row.kind,
            required,
            weight: crate::domain::positions::DEFAULT_WEIGHT,
            mandatory: false,
        };
        insert_requirement(&mut tx, position, &req, seq).await?;
        seq += 1;
    }
    pending.commit(tx).await?;
    Ok(count(chosen.len()))
}

/// Changes one requirement's level, weight and mandatory flag.
#[tracing::instrument(skip_all, fields(position = position.0))]
pub async fn update_requirement(
    db: &Db,
    position: PositionId,
    input: &RequirementInput,
) -> Result<(), AppError> {
    let node: NodeId = input
        .node
        .parse()
        .map_err(|_| AppError::invalid("node", "Choose a competency or skill."))?;
    let info = node_info(db, node).await?;
    let f = input.parse(info.top)?;
    let mut tx = db.begin_write().await?;
    let holders = stats::holders_of(&mut tx, position.0).await?;
    let pending = stats::before(&mut tx, holders, Some(vec![node.0])).await?;
    let done = sqlx::query(
        "update position_requirement set required = $1, weight = $2, mandatory = $3 \
         where position_id = $4 and node_id = $5",
    )
    .bind(i64::from(f.required))
    .bind(i64::from(f.weight))
    .bind(i64::from(f.mandatory))
    .bind(position.0)
    .bind(node.0)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::NotFound("That requirement".into()));
    }
    pending.commit(tx).await
}

/// Removes one requirement.
#[tracing::instrument(skip_all, fields(position = position.0, node = node.0))]
pub async fn remove_requirement(
    db: &Db,
    position: PositionId,
    node: NodeId,
) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    let holders = stats::holders_of(&mut tx, position.0).await?;
    let pending = stats::before(&mut tx, holders, Some(vec![node.0])).await?;
    let done =
        sqlx::query("delete from position_requirement where position_id = $1 and node_id = $2")
            .bind(position.0)
            .bind(node.0)
            .execute(&mut *tx)
            .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::NotFound("That requirement".into()));
    }
    pending.commit(tx).await
}

/// The requirement picker: non-archived frameworks, and the chosen one's nodes matching
/// `q` (with their ancestors), at most [`PICKER_LIMIT`] rows.
#[tracing::instrument(skip_all, fields(position = position.0, framework = ?framework.map(|x| x.0)))]
pub async fn picker(
    db: &Db,
    position: PositionId,
    framework: Option<FrameworkId>,
    q: &str,
) -> Result<Picker, AppError> {
    let frameworks: Vec<(i64, String)> = sqlx::query_as(
        "select id, name from framework where status <> 'archived' order by name, id",
    )
    .fetch_all(&db.pool)
    .await?;
    let frameworks: Vec<(FrameworkId, String)> = frameworks
        .into_iter()
        .map(|r| (FrameworkId(r.0), r.1))
        .collect();
    let framework = framework.filter(|f| frameworks.iter().any(|x| x.0 == *f));
    let Some(fw) = framework else {
        return Ok(Picker {
            frameworks,
            framework: None,
            rows: Vec::new(),
            truncated: false,
            threshold: 1,
        });
    };
    let tree = super::frameworks::tree(db, fw).await?;
    let required: HashSet<NodeId> = requirements(db, position)
        .await?
        .into_iter()
        .map(|r| r.node)
        .collect();
    // Rateable nodes not yet required below each node (itself excluded).
    let mut addable: HashMap<NodeId, u32> = HashMap::new();
    for r in tree.nodes.iter().rev() {
        let own = u32::from(r.kind.rateable() && !required.contains(&r.id));
        let below = addable.get(&r.id).copied().unwrap_or(0);
        if let Some(p) = r.parent {
            *addable.entry(p).or_default() += own + below;
        }
    }
    let q = q.trim().to_lowercase();
    let keep: HashSet<NodeId> = if q.is_empty() {
        tree.nodes.iter().map(|r| r.id).collect()
    } else {
        let parents: HashMap<NodeId, Option<NodeId>> =
            tree.nodes.iter().map(|r| (r.id, r.parent)).collect();
        let mut keep = HashSet::new();
        for r in &tree.nodes {
            if r.title.to_lowercase().contains(&q) || r.short_code.to_lowercase() == q {
                let mut cur = Some(r.id);
                while let Some(c) = cur {
                    if !keep.insert(c) {
                        break;
                    }
                    cur = parents.get(&c).copied().flatten();
                }
            }
        }
        keep
    };
    let mut rows = Vec::new();
    let mut truncated = false;
    for r in tree.nodes.iter().filter(|r| keep.contains(&r.id)) {
        if rows.len() == PICKER_LIMIT {
            truncated = true;
            break;
        }
        rows.push(PickerRow {
            id: r.id,
            title: r.title.clone(),
            kind: r.kind,
            depth: r.depth,
            addable_below: addable.get(&r.id).copied().unwrap_or(0),
            required: required.contains(&r.id),
        });
    }
    Ok(Picker {
        frameworks,
        framework: Some(fw),
        rows,
        truncated,
        threshold: tree.scale.threshold().get(),
    })
}

async fn person_by_email(db: &Db, email: &str) -> Result<(PersonId, String), AppError> {
    let email = Email::parse("email", email)?;
    let row: Option<(i64, String)> =
        sqlx::query_as("select id, name from person where email = $1 and active = 1")
            .bind(email.as_str())
            .fetch_optional(&db.pool)
            .await?;
    row.map(|r| (PersonId(r.0), r.1)).ok_or_else(|| {
        AppError::invalid(
            "email",
            format!("Nobody active has the e-mail {}.", email.as_str()),
        )
    })
}

/// Makes the person with `email` hold `position`. Returns their name.
#[tracing::instrument(skip_all, fields(position = position.0))]
pub async fn assign(db: &Db, position: PositionId, email: &str) -> Result<String, AppError> {
    self::position(db, position).await?;
    let (person, name) = person_by_email(db, email).await?;
    set_position(db, person, Some(position)).await?;
    Ok(name)
}

/// Sets (or clears) the position a person holds. A target equal to the new position is
/// cleared, as it is reached.
#[tracing::instrument(skip_all, fields(person = person.0, position = ?position.map(|x| x.0)))]
pub async fn set_position(
    db: &Db,
    person: PersonId,
    position: Option<PositionId>,
) -> Result<(), AppError> {
    if let Some(p) = position {
        self::position(db, p).await?;
    }
    let mut tx = db.begin_write().await?;
    let pending = stats::before(&mut tx, vec![person.0], None).await?;
    let done = sqlx::query("update person set position_id = $1, updated_at = $2 where id = $3")
        .bind(position.map(|p| p.0))
        .bind(now_ms())
        .bind(person.0)
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::NotFound("That person".into()));
    }
    sqlx::query(
        "update person set target_position_id = null where id = $1 and target_position_id = position_id",
    )
    .bind(person.0)
    .execute(&mut *tx)
    .await?;
    pending.commit(tx).await
}

/// Makes every active person in `unit` (and, with `below`, in its sub-units) hold
/// `position`. Returns how many people that is.
#[tracing::instrument(skip_all, fields(position = position.0, below))]
pub async fn assign_unit(
    db: &Db,
    position: PositionId,
    unit: &str,
    below: bool,
) -> Result<u32, AppError> {
    self::position(db, position).await?;
    let unit: UnitId = unit
        .trim()
        .parse()
        .map_err(|_| AppError::invalid("unit_id", "Choose an org unit from the list."))?;
    if unit_name(db, Some(unit)).await?.is_none() {
        return Err(AppError::invalid(
            "unit_id",
            "That org unit no longer exists; choose another.",
        ));
    }
    let units = if below {
        "with recursive sub(id) as (select id from org_unit where id = $2 \
           union select u.id from org_unit u join sub on u.parent_id = sub.id) select id from sub"
    } else {
        "select $2"
    };
    let mut tx = db.begin_write().await?;
    let people = stats::people_under(&mut tx, unit.0).await?;
    let pending = stats::before(&mut tx, people, None).await?;
    let done = sqlx::query(sqlx::AssertSqlSafe(format!(
        "update person set position_id = $1, updated_at = $3 where active = 1 and unit_id in ({units})"
    )))
    .bind(position.0)
    .bind(unit.0)
    .bind(now_ms())
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "update person set target_position_id = null where target_position_id = position_id",
    )
    .execute(&mut *tx)
    .await?;
    pending.commit(tx).await?;
    Ok(count(done.rows_affected()))
}

/// The position and target position a person holds.
#[tracing::instrument(skip_all, fields(person = person.0))]
pub async fn held(
    db: &Db,
    person: PersonId,
) -> Result<(Option<PositionId>, Option<PositionId>), AppError> {
    let row: Option<(Option<i64>, Option<i64>)> =
        sqlx::query_as("select position_id, target_position_id from person where id = $1")
            .bind(person.0)
            .fetch_optional(&db.pool)
            .await?;
    let r = row.ok_or_else(|| AppError::NotFound("That person".into()))?;
    Ok((r.0.map(PositionId), r.1.map(PositionId)))
}

/// Sets or clears a person's target position. People set their own; admins anyone's.
#[tracing::instrument(skip_all, fields(caller = me.id.0, person = person.0, target = ?target.map(|x| x.0)))]
pub async fn set_target(
    db: &Db,
    me: &CurrentUser,
    person: PersonId,
    target: Option<PositionId>,
) -> Result<(), AppError> {
    if person != me.id && !me.caps().administer {
        return Err(AppError::Forbidden);
    }
    let (holds, _) = held(db, person).await?;
    if let Some(t) = target {
        self::position(db, t).await?;
        if holds == Some(t) {
            return Err(AppError::invalid(
                "position",
                "That is the position already held; choose a next step instead.",
            ));
        }
    }
    sqlx::query("update person set target_position_id = $1, updated_at = $2 where id = $3")
        .bind(target.map(|t| t.0))
        .bind(now_ms())
        .bind(person.0)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// Adds a career-path link.
#[tracing::instrument(skip_all)]
pub async fn add_link(db: &Db, input: &PathLinkInput) -> Result<PathLinkId, AppError> {
    let existing: Vec<PathLink> = links(db, None).await?.into_iter().map(|l| l.link).collect();
    let link = input.parse(&existing)?;
    self::position(db, link.from)
        .await
        .map_err(|_| AppError::invalid("from", "That position no longer exists."))?;
    self::position(db, link.to)
        .await
        .map_err(|_| AppError::invalid("to", "That position no longer exists."))?;
    let id: i64 = sqlx::query_scalar(
        "insert into career_link (from_id, to_id, kind, notes, created_at) values ($1, $2, $3, $4, $5) returning id",
    )
    .bind(link.from.0)
    .bind(link.to.0)
    .bind(link.kind.as_str())
    .bind(&link.notes)
    .bind(now_ms())
    .fetch_one(&db.pool)
    .await
    // Two admins adding the same move at once: the unique index decides.
    .map_err(|e| {
        unique_or(e, || {
            AppError::invalid(
                "to",
                "There is already a move between these positions; edit that link instead.",
            )
        })
    })?;
    Ok(PathLinkId(id))
}

/// Changes a link's kind and notes.
#[tracing::instrument(skip_all, fields(id = id.0))]
pub async fn update_link(db: &Db, id: PathLinkId, kind: &str, notes: &str) -> Result<(), AppError> {
    let kind = LinkKind::parse(kind)
        .ok_or_else(|| AppError::invalid("kind", "Choose promotion or lateral move."))?;
    let notes = notes.trim().replace("\r\n", "\n");
    if notes.chars().count() > MAX_NOTES {
        return Err(AppError::invalid(
            "notes",
            format!("Keep the notes to {MAX_NOTES} characters or fewer."),
        ));
    }
    let done = sqlx::query("update career_link set kind = $1, notes = $2 where id = $3")
        .bind(kind.as_str())
        .bind(&notes)
        .bind(id.0)
        .execute(&db.pool)
        .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::NotFound("That career-path link".into()));
    }
    Ok(())
}

/// Removes a link.
#[tracing::instrument(skip_all, fields(id = id.0))]
pub async fn delete_link(db: &Db, id: PathLinkId) -> Result<(), AppError> {
    let done = sqlx::query("delete from career_link where id = $1")
        .bind(id.0)
        .execute(&db.pool)
        .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::NotFound("That career-path link".into()));
    }
    Ok(())
}

/// The career-path view for `me`.
#[tracing::instrument(skip_all, fields(caller = me.id.0))]
pub async fn career_map(db: &Db, me: &CurrentUser) -> Result<CareerMap, AppError> {
    let positions = summaries(db).await?;
    let links = links(db, None).await?;
    let nodes: Vec<PathNode> = positions
        .iter()
        .map(|p| PathNode {
            id: p.position.id,
            title: p.position.title.clone(),
            rank: p.position.rank,
        })
        .collect();
    let edges: Vec<PathLink> = links.iter().map(|l| l.link.clone()).collect();
    let layout = layout(&nodes, &edges);
    let (mine, target) = held(db, me.id).await?;
    Ok(CareerMap {
        positions,
        links,
        layout,
        mine,
        target,
    })
}

/// "What does `person` need for `target`", for a caller who may see the person.
#[tracing::instrument(skip_all, fields(caller = me.id.0, person = person.0, target = target.0))]
pub async fn comparison(
    db: &Db,
    me: &CurrentUser,
    person: PersonId,
    target: PositionId,
) -> Result<ComparisonPage, AppError> {
    if !super::people::can_see(db, me, person).await? {
        return Err(AppError::NotFound("That person".into()));
    }
    let person_name: String = sqlx::query_scalar("select name from person where id = $1")
        .bind(person.0)
        .fetch_one(&db.pool)
        .await?;
    let (holds, aims) = held(db, person).await?;
    let target_position = position(db, target).await?;
    let target_reqs = requirements(db, target).await?;
    let (current_position, current_reqs) = match holds {
        Some(p) => (
            Some(position(db, p).await?),
            Some(requirements(db, p).await?),
        ),
        None => (None, None),
    };
    let nodes: Vec<NodeId> = target_reqs.iter().map(|r| r.node).collect();
    let levels = super::ratings::current(db, person, &nodes).await?;
    let comparison = compare(&target_reqs, current_reqs.as_deref(), &levels);
    let texts = level_texts(db, &nodes, target_position.track).await?;
    let direct_move = match holds {
        Some(p) => links(db, Some(p))
            .await?
            .into_iter()
            .find(|l| l.link.from == p && l.link.to == target),
        None => None,
    };
    Ok(ComparisonPage {
        person,
        person_name,
        is_me: me.id == person,
        current: current_position,
        is_target: aims == Some(target),
        can_set_target: (me.id == person || me.caps().administer) && holds != Some(target),
        target: target_position,
        comparison,
        levels: nodes
            .iter()
            .map(|n| (*n, texts.get(n).map(|t| t.0.clone()).unwrap_or_default()))
            .collect(),
        direct_move,
    })
}

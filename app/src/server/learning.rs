//! The learning catalogue (activities and the levels they award) and "close my gap".

use super::db::Db;
use super::frameworks;
use super::now_ms;
use super::positions::{self, id_list};
use crate::api::AppError;
use crate::domain::assess::Scope;
use crate::domain::count;
use crate::domain::develop::{
    check_activity, cost_text, duration_text, ActivityFields, ActivityInput, ActivityKind,
    ActivityRow, Catalogue, CloseGap, GapLine, NodeChoice, Provided,
};
use crate::domain::framework::Track;
use crate::domain::positions::level_text;
use crate::domain::recommend::{self, Activity, Gap};
use crate::domain::{CurrentUser, NodeId, PersonId};
use sqlx::{AnyConnection, FromRow};
use std::collections::{BTreeMap, HashMap};

/// An activity of the catalogue as stored ([`ACTIVITY_COLUMNS`]).
#[derive(FromRow)]
struct ActivityDbRow {
    id: i64,
    title: String,
    kind: String,
    provider: String,
    url: String,
    duration_minutes: i64,
    cost_cents: Option<i64>,
    description: String,
    external_id: Option<String>,
    /// 1 when offered, 0 when archived.
    active: i64,
}

const ACTIVITY_COLUMNS: &str = "id, title, kind, provider, url, duration_minutes, cost_cents, \
     description, external_id, active";

/// Catalogue rows (with what they provide) for the activities `filter` selects (a `where`
/// clause over `activity`, with `$1` bound to `arg` when given), by title.
async fn rows(db: &Db, filter: &str, arg: Option<&str>) -> Result<Vec<ActivityRow>, AppError> {
    let sql =
        format!("select {ACTIVITY_COLUMNS} from activity where {filter} order by lower(title), id");
    let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql));
    if let Some(a) = arg {
        query = query.bind(a.to_string());
    }
    let list: Vec<ActivityDbRow> = query.fetch_all(&db.pool).await?;
    let ids = id_list(list.iter().map(|r| r.id));
    let provides = provided_by(db, &ids).await?;
    Ok(list
        .into_iter()
        .map(|r| ActivityRow {
            id: r.id,
            title: r.title,
            kind: ActivityKind::parse(&r.kind).unwrap_or(ActivityKind::Course),
            provider: r.provider,
            url: r.url,
            duration_minutes: count(r.duration_minutes),
            cost_cents: r.cost_cents.and_then(|c| u64::try_from(c).ok()),
            description: r.description,
            external_id: r.external_id,
            active: r.active != 0,
            provides: provides.get(&r.id).cloned().unwrap_or_default(),
        })
        .collect())
}

/// A level an activity awards, with the node's title and framework.
#[derive(FromRow)]
struct ProvidedRow {
    activity_id: i64,
    node_id: i64,
    level: i64,
    title: String,
    framework: String,
}

/// What each activity in `ids` (an id list) provides, with titles and level names.
async fn provided_by(db: &Db, ids: &str) -> Result<HashMap<i64, Vec<Provided>>, AppError> {
    let levels: Vec<ProvidedRow> =
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "select a.activity_id, a.node_id, a.level, n.title, f.name as framework from activity_level a \
         join framework_node n on n.id = a.node_id join framework f on f.id = n.framework_id \
         where a.activity_id in ({ids}) order by a.activity_id, n.title, a.node_id"
        )))
        .fetch_all(&db.pool)
        .await?;
    let nodes: Vec<NodeId> = levels.iter().map(|r| NodeId(r.node_id)).collect();
    let texts = positions::level_texts(db, &nodes, Track::Ic).await?;
    let mut out: HashMap<i64, Vec<Provided>> = HashMap::new();
    for r in levels {
        let level = u8::try_from(r.level).unwrap_or(0);
        let name = texts
            .get(&NodeId(r.node_id))
            .map(|(l, _)| level_text(l, level).0)
            .unwrap_or_else(|| format!("Level {level}"));
        out.entry(r.activity_id).or_default().push(Provided {
            node: NodeId(r.node_id),
            title: r.title,
            framework: r.framework,
            level,
            level_name: name,
        });
    }
    Ok(out)
}

/// The catalogue: everyone signed in may browse the offered activities; admins also see
/// archived ones (`archived`) and may edit. `q` filters by title, provider or kind.
#[tracing::instrument(skip_all, fields(caller = me.id.0, archived))]
pub async fn list(
    db: &Db,
    me: &CurrentUser,
    q: &str,
    archived: bool,
) -> Result<Catalogue, AppError> {
    let can_edit = me.caps().administer;
    let pattern = format!("%{}%", q.trim().to_lowercase());
    let active = if archived && can_edit {
        "1 = 1"
    } else {
        "active = 1"
    };
    let rows = rows(
        db,
        &format!(
            "{active} and (lower(title) like $1 or lower(provider) like $1 or kind like $1 \
             or lower(description) like $1)"
        ),
        Some(&pattern),
    )
    .await?;
    let total: i64 = sqlx::query_scalar("select count(*) from activity")
        .fetch_one(&db.pool)
        .await?;
    Ok(Catalogue {
        rows,
        total: count(total),
        can_edit,
    })
}

/// One catalogue entry.
#[tracing::instrument(skip_all, fields(id))]
pub async fn get(db: &Db, id: i64) -> Result<ActivityRow, AppError> {
    rows(db, &format!("id = {id}"), None)
        .await?
        .pop()
        .ok_or_else(|| AppError::NotFound("That activity".into()))
}

fn checked(input: &ActivityInput) -> Result<ActivityFields, AppError> {
    check_activity(input).map_err(|(field, message)| AppError::invalid(field, message))
}

async fn external_taken(
    conn: &mut AnyConnection,
    external: &Option<String>,
    except: Option<i64>,
) -> Result<(), AppError> {
    let Some(x) = external else { return Ok(()) };
    let other: Option<i64> =
        sqlx::query_scalar("select id from activity where external_id = $1 and id <> $2")
            .bind(x)
            .bind(except.unwrap_or(-1))
            .fetch_optional(&mut *conn)
            .await?;
    if other.is_some() {
        return Err(AppError::invalid(
            "external_id",
            format!("Another activity already has the identifier \u{201c}{x}\u{201d}."),
        ));
    }
    Ok(())
}

/// Writes a new activity (inside a transaction); returns its id.
#[tracing::instrument(skip_all)]
pub(crate) async fn insert(conn: &mut AnyConnection, f: &ActivityFields) -> Result<i64, AppError> {
    external_taken(conn, &f.external_id, None).await?;
    let row = bound(
        "insert into activity (title, kind, provider, url, duration_minutes, cost_cents, \
         description, external_id, created_at, updated_at) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) returning id",
        f,
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok(sqlx::Row::try_get(&row, 0)?)
}

/// `sql` with an activity's fields bound as $1 to $8 and now as $9.
fn bound(
    sql: &'static str,
    f: &ActivityFields,
) -> sqlx::query::Query<'static, sqlx::Any, sqlx::any::AnyArguments> {
    sqlx::query(sql)
        .bind(&f.title)
        .bind(f.kind.as_str())
        .bind(&f.provider)
        .bind(&f.url)
        .bind(i64::from(f.duration_minutes))
        .bind(f.cost_cents.and_then(|c| i64::try_from(c).ok()))
        .bind(&f.description)
        .bind(&f.external_id)
        .bind(now_ms())
}

/// Updates an activity's fields (inside a transaction).
#[tracing::instrument(skip_all, fields(id))]
pub(crate) async fn rewrite(
    conn: &mut AnyConnection,
    id: i64,
    f: &ActivityFields,
) -> Result<(), AppError> {
    external_taken(conn, &f.external_id, Some(id)).await?;
    let done = bound(
        "update activity set title = $1, kind = $2, provider = $3, url = $4, duration_minutes = $5, \
         cost_cents = $6, description = $7, external_id = $8, updated_at = $9 where id = $10",
        f,
    )
    .bind(id)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::NotFound("That activity".into()));
    }
    Ok(())
}

/// Creates an activity (admins).
#[tracing::instrument(skip_all)]
pub async fn create(db: &Db, input: &ActivityInput) -> Result<i64, AppError> {
    let f = checked(input)?;
    let mut tx = db.begin_write().await?;
    let id = insert(&mut tx, &f).await?;
    tx.commit().await?;
    Ok(id)
}

/// Saves an activity's fields (admins).
#[tracing::instrument(skip_all, fields(id))]
pub async fn update(db: &Db, id: i64, input: &ActivityInput) -> Result<(), AppError> {
    let f = checked(input)?;
    let mut tx = db.begin_write().await?;
    rewrite(&mut tx, id, &f).await?;
    Ok(tx.commit().await?)
}

/// Offers or archives an activity (an archived one stays on the plans that use it).
#[tracing::instrument(skip_all, fields(id, active))]
pub async fn set_active(db: &Db, id: i64, active: bool) -> Result<(), AppError> {
    let done = sqlx::query("update activity set active = $1, updated_at = $2 where id = $3")
        .bind(i64::from(active))
        .bind(now_ms())
        .bind(id)
        .execute(&db.pool)
        .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::NotFound("That activity".into()));
    }
    Ok(())
}

/// Sets the level an activity awards on a rateable node (replacing the level it had there).
#[tracing::instrument(skip_all, fields(id, node = node.0))]
pub async fn set_level(db: &Db, id: i64, node: NodeId, level: &str) -> Result<(), AppError> {
    get(db, id).await?;
    let info = frameworks::node_info(db, node).await?;
    if !info.row.kind.rateable() {
        return Err(AppError::invalid(
            "node",
            "Categories are not rated; choose a competency or skill.",
        ));
    }
    let level: u8 = level
        .trim()
        .parse()
        .ok()
        .filter(|l| (1..=info.top).contains(l))
        .ok_or_else(|| {
            AppError::invalid("level", format!("Choose a level from 1 to {}.", info.top))
        })?;
    let mut tx = db.begin_write().await?;
    write_level(&mut tx, id, node, level).await?;
    Ok(tx.commit().await?)
}

#[tracing::instrument(skip_all, fields(id, node = node.0, level))]
pub(crate) async fn write_level(
    conn: &mut AnyConnection,
    id: i64,
    node: NodeId,
    level: u8,
) -> Result<(), AppError> {
    sqlx::query(
        "insert into activity_level (activity_id, node_id, level) values ($1, $2, $3) \
         on conflict (activity_id, node_id) do update set level = excluded.level",
    )
    .bind(id)
    .bind(node.0)
    .bind(i64::from(level))
    .execute(&mut *conn)
    .await?;
    sqlx::query("update activity set updated_at = $1 where id = $2")
        .bind(now_ms())
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Stops an activity awarding a level on a node.
#[tracing::instrument(skip_all, fields(id, node = node.0))]
pub async fn remove_level(db: &Db, id: i64, node: NodeId) -> Result<(), AppError> {
    sqlx::query("delete from activity_level where activity_id = $1 and node_id = $2")
        .bind(id)
        .bind(node.0)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// Rateable nodes whose title matches `q`, in frameworks in use, for adding a level.
#[tracing::instrument(skip_all)]
pub async fn node_search(db: &Db, q: &str) -> Result<Vec<NodeChoice>, AppError> {
    let q = q.trim().to_lowercase();
    if q.chars().count() < 2 {
        return Ok(Vec::new());
    }
    let found: Vec<(i64, String, String)> = sqlx::query_as(
        "select n.id, n.title, f.name from framework_node n join framework f on f.id = n.framework_id \
         where f.status <> 'archived' and n.kind <> 'category' and lower(n.title) like $1 \
         order by length(n.title), n.title, n.id limit 20",
    )
    .bind(format!("%{q}%"))
    .fetch_all(&db.pool)
    .await?;
    let nodes: Vec<NodeId> = found.iter().map(|r| NodeId(r.0)).collect();
    let texts = positions::level_texts(db, &nodes, Track::Ic).await?;
    Ok(found
        .into_iter()
        .map(|(id, title, framework)| NodeChoice {
            node: NodeId(id),
            levels: texts
                .get(&NodeId(id))
                .map(|t| t.0.clone())
                .unwrap_or_default(),
            title,
            framework,
        })
        .collect())
}

/// An offered activity with one level it awards.
#[derive(FromRow)]
struct CandidateRow {
    id: i64,
    title: String,
    duration_minutes: i64,
    cost_cents: Option<i64>,
    node_id: i64,
    level: i64,
}

/// The offered activities that award a level on any of `nodes`, as the recommender sees
/// them (only the levels on those nodes).
#[tracing::instrument(skip_all)]
pub async fn candidates(db: &Db, nodes: &[NodeId]) -> Result<Vec<Activity>, AppError> {
    if nodes.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<CandidateRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "select a.id, a.title, a.duration_minutes, a.cost_cents, l.node_id, l.level \
             from activity_level l join activity a on a.id = l.activity_id \
             where a.active = 1 and l.node_id in ({}) order by a.id",
        id_list(nodes.iter().map(|n| n.0))
    )))
    .fetch_all(&db.pool)
    .await?;
    let mut out: BTreeMap<i64, Activity> = BTreeMap::new();
    for r in rows {
        out.entry(r.id)
            .or_insert_with(|| Activity {
                id: r.id,
                title: r.title,
                duration_minutes: count(r.duration_minutes),
                cost_cents: r.cost_cents.and_then(|c| u64::try_from(c).ok()),
                provides: Vec::new(),
            })
            .provides
            .push((NodeId(r.node_id), u8::try_from(r.level).unwrap_or(0)));
    }
    Ok(out.into_values().collect())
}

/// "Close my gap" for a person the caller may see: the gaps to their position (`scope`
/// position), target position (`target`) or plan goals (`plan`), and the shortest set of
/// offered activities that closes every gap it can.
#[tracing::instrument(skip_all, fields(caller = me.id.0, person = person.0))]
pub async fn close_gap(
    db: &Db,
    me: &CurrentUser,
    person: PersonId,
    scope: &str,
) -> Result<CloseGap, AppError> {
    let (against, lines) = if scope == "plan" {
        super::plans::goal_gaps(db, me, person).await?
    } else {
        let page = super::assess::skills(db, me, person, Scope::parse(scope)).await?;
        let against = page
            .position_title
            .clone()
            .unwrap_or_else(|| "no position".into());
        let lines = page
            .rows
            .iter()
            .filter(|r| r.required > r.current.level)
            .map(|r| GapLine {
                node: r.node,
                title: r.title.clone(),
                required: r.required,
                current: r.current.level,
                required_name: level_text(&r.levels, r.required).0,
                current_name: level_text(&r.levels, r.current.level).0,
                mandatory: r.mandatory,
            })
            .collect::<Vec<_>>();
        (against, lines)
    };
    let nodes: Vec<NodeId> = lines.iter().map(|g| g.node).collect();
    let activities = candidates(db, &nodes).await?;
    let gaps: Vec<Gap> = lines
        .iter()
        .map(|g| Gap {
            node: g.node,
            required: g.required,
            current: g.current,
        })
        .collect();
    let useful = activities
        .iter()
        .filter(|a| gaps.iter().any(|g| a.covers(g)))
        .count();
    let plan = recommend::close_gaps(&gaps, &activities);
    let in_plan = super::plans::live_activities(db, person).await?;
    let by_id: HashMap<i64, &Activity> = activities.iter().map(|a| (a.id, a)).collect();
    let details = rows(
        db,
        &format!(
            "id in ({})",
            id_list(plan.chosen.iter().map(|c| c.activity))
        ),
        None,
    )
    .await?;
    let details: HashMap<i64, ActivityRow> = details.into_iter().map(|r| (r.id, r)).collect();
    let title_of = |n: NodeId| {
        lines
            .iter()
            .find(|g| g.node == n)
            .map(|g| g.title.clone())
            .unwrap_or_default()
    };
    let suggestions = plan
        .chosen
        .iter()
        .filter_map(|c| {
            let d = details.get(&c.activity)?;
            let a = by_id.get(&c.activity)?;
            Some(crate::domain::develop::Suggestion {
                activity: c.activity,
                title: d.title.clone(),
                kind: d.kind,
                provider: d.provider.clone(),
                url: d.url.clone(),
                duration: duration_text(u64::from(d.duration_minutes)),
                cost: cost_text(d.cost_cents),
                closes: c
                    .closes
                    .iter()
                    .map(|n| {
                        let level = a.provides.iter().find(|p| p.0 == *n).map_or(0, |p| p.1);
                        (*n, title_of(*n), level)
                    })
                    .collect(),
                in_plan: in_plan.contains(&c.activity),
            })
        })
        .collect();
    let uncovered = lines
        .iter()
        .filter(|g| plan.uncovered.contains(&g.node))
        .cloned()
        .collect();
    Ok(CloseGap {
        person,
        against,
        gaps: lines,
        suggestions,
        uncovered,
        total_duration: duration_text(plan.total_minutes),
        total_cost: cost_text(Some(plan.total_cost_cents)),
        exact: plan.exact,
        candidates: count(useful),
    })
}

//! The audit log: who changed what, when, and how it looked before and after. Writers call
//! [`record`] in the transaction of their change, so the entry exists exactly when the change
//! does; the table refuses updates and deletes (migration 0016).

use super::format_time;
use super::{now_ms, Db};
use crate::api::AppError;
use crate::domain::audit::{csv_cell, AuditEntry, AuditFilter, AuditPage};
use crate::domain::develop::{date_days, parse_date};
use crate::domain::PersonId;
use serde_json::Value;
use sqlx::{Any, Executor};

/// Entries per page of the audit page.
pub const PER_PAGE: u32 = 50;

/// Appends one entry: `actor` (None for the system) did `action` to `entity` `entity_id`;
/// `before` and `after` are the thing's state as JSON (None when there is no such side).
#[tracing::instrument(skip_all)]
pub async fn record<'e, E>(
    exec: E,
    actor: impl Into<Option<PersonId>>,
    action: &str,
    entity: &str,
    entity_id: impl ToString,
    before: Option<Value>,
    after: Option<Value>,
) -> Result<(), AppError>
where
    E: Executor<'e, Database = Any>,
{
    let text = |v: Option<Value>| v.map(|v| v.to_string()).unwrap_or_default();
    sqlx::query(
        "insert into audit_log (at, actor_id, action, entity, entity_id, before_json, after_json) \
         values ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(now_ms())
    .bind(actor.into().map(|p| p.0))
    .bind(action)
    .bind(entity)
    .bind(entity_id.to_string())
    .bind(text(before))
    .bind(text(after))
    .execute(exec)
    .await?;
    Ok(())
}

/// A value as JSON for an entry's before or after (a form's input, an id list...).
pub fn json(v: &impl serde::Serialize) -> Option<Value> {
    serde_json::to_value(v).ok()
}

/// The columns an entry shows of a person (never the password hash).
pub const PERSON: &str =
    "id, email, name, job_title, role, unit_id, manager_id, active, position_id, target_position_id";
/// The columns of an org unit.
pub const UNIT: &str = "id, name, parent_id";
/// The columns of a position.
pub const POSITION: &str = "id, title, description, track, rank, unit_id";
/// The columns of a framework.
pub const FRAMEWORK: &str = "id, name, description, status, revision, scale_id";
/// The columns of a framework node.
pub const NODE: &str =
    "id, framework_id, parent_id, kind, position, title, short_code, definition, validity_months, external_id";
/// The columns of a learning activity.
pub const ACTIVITY: &str =
    "id, title, kind, provider, url, duration_minutes, cost_cents, description, external_id, active";
/// The columns of a rating.
pub const RATING: &str = "id, subject_id, node_id, level, source, given_by, comment, created_at, \
     review, reviewed_by, reviewed_at, review_comment";

/// One row of `table` (the one whose `id_col` is `id`) as a JSON object of `cols`, every
/// value as text (or null), for an entry's before or after; None when there is no such row.
/// `table`, `cols` and `id_col` are constants of the caller, never input.
#[tracing::instrument(skip_all, fields(id))]
pub async fn row<'e, E>(
    exec: E,
    table: &'static str,
    cols: &'static str,
    id_col: &'static str,
    id: i64,
) -> Result<Option<Value>, AppError>
where
    E: Executor<'e, Database = Any>,
{
    use sqlx::Row as _;
    let names: Vec<&str> = cols.split(',').map(str::trim).collect();
    let select: Vec<String> = names.iter().map(|c| format!("cast({c} as text)")).collect();
    let sql = format!(
        "select {} from {table} where {id_col} = $1",
        select.join(", ")
    );
    let found = sqlx::query::<Any>(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(exec)
        .await?;
    Ok(found.map(|r| {
        let mut obj = serde_json::Map::new();
        for (i, name) in names.iter().enumerate() {
            let v: Option<String> = r.try_get(i).unwrap_or(None);
            obj.insert(
                (*name).to_string(),
                v.map(Value::String).unwrap_or(Value::Null),
            );
        }
        Value::Object(obj)
    }))
}

/// The filter as a SQL condition and its bound values (all text or integers, bound in
/// order from `$1`).
enum Arg {
    Int(i64),
    Text(String),
}

fn condition(f: &AuditFilter) -> Result<(String, Vec<Arg>), AppError> {
    let mut parts = Vec::new();
    let mut args = Vec::new();
    let actor = f.actor.trim();
    if !actor.is_empty() {
        let id: i64 = actor
            .parse()
            .map_err(|_| AppError::invalid("actor", "Choose someone from the list."))?;
        args.push(Arg::Int(id));
        parts.push(format!("a.actor_id = ${}", args.len()));
    }
    let entity = f.entity.trim();
    if !entity.is_empty() {
        args.push(Arg::Text(entity.to_string()));
        parts.push(format!("a.entity = ${}", args.len()));
    }
    let day = |field: &str, text: &str| -> Result<Option<i64>, AppError> {
        let d = parse_date(text).map_err(|m| AppError::invalid(field, m))?;
        Ok(d.as_deref().and_then(date_days))
    };
    const DAY_MS: i64 = 86_400_000;
    let from = day("from", &f.from)?;
    let to = day("to", &f.to)?;
    if let (Some(a), Some(b)) = (from, to) {
        if b < a {
            return Err(AppError::invalid(
                "to",
                "The last day comes before the first day.",
            ));
        }
    }
    if let Some(d) = from {
        args.push(Arg::Int(d * DAY_MS));
        parts.push(format!("a.at >= ${}", args.len()));
    }
    if let Some(d) = to {
        args.push(Arg::Int((d + 1) * DAY_MS));
        parts.push(format!("a.at < ${}", args.len()));
    }
    let sql = if parts.is_empty() {
        String::new()
    } else {
        format!("where {}", parts.join(" and "))
    };
    Ok((sql, args))
}

type Row = (
    i64,
    i64,
    Option<String>,
    String,
    String,
    String,
    String,
    String,
);

async fn rows(
    db: &Db,
    f: &AuditFilter,
    limit: Option<(u32, u32)>,
) -> Result<Vec<AuditEntry>, AppError> {
    let (cond, args) = condition(f)?;
    let page = limit
        .map(|(n, off)| format!(" limit {n} offset {off}"))
        .unwrap_or_default();
    let sql = format!(
        "select a.id, a.at, p.name, a.action, a.entity, a.entity_id, a.before_json, a.after_json \
         from audit_log a left join person p on p.id = a.actor_id {cond} \
         order by a.at desc, a.id desc{page}"
    );
    let mut q = sqlx::query_as::<Any, Row>(sqlx::AssertSqlSafe(sql));
    for a in args {
        q = match a {
            Arg::Int(i) => q.bind(i),
            Arg::Text(t) => q.bind(t),
        };
    }
    let rows = q.fetch_all(&db.pool).await?;
    Ok(rows
        .into_iter()
        .map(
            |(id, at, actor, action, entity, entity_id, before, after)| AuditEntry {
                id,
                at: format_time(at),
                actor: actor.unwrap_or_else(|| "System".into()),
                action,
                entity,
                entity_id,
                before,
                after,
            },
        )
        .collect())
}

/// One page (from 1) of the log, newest first (admins only: the caller checks).
#[tracing::instrument(skip_all, fields(page))]
pub async fn page(db: &Db, f: &AuditFilter, page: u32) -> Result<AuditPage, AppError> {
    let (cond, args) = condition(f)?;
    let mut q = sqlx::query_scalar::<Any, i64>(sqlx::AssertSqlSafe(format!(
        "select count(*) from audit_log a {cond}"
    )));
    for a in args {
        q = match a {
            Arg::Int(i) => q.bind(i),
            Arg::Text(t) => q.bind(t),
        };
    }
    let total = q.fetch_one(&db.pool).await?;
    let page = page.clamp(1, 100_000);
    let entries = rows(db, f, Some((PER_PAGE, (page - 1) * PER_PAGE))).await?;
    let actors: Vec<(i64, String)> = sqlx::query_as(
        "select p.id, p.name from person p \
         where p.id in (select distinct actor_id from audit_log where actor_id is not null) \
         order by p.name, p.id",
    )
    .fetch_all(&db.pool)
    .await?;
    let entities: Vec<String> =
        sqlx::query_scalar("select distinct entity from audit_log order by entity")
            .fetch_all(&db.pool)
            .await?;
    Ok(AuditPage {
        entries,
        page,
        total: u64::try_from(total).unwrap_or(0),
        per_page: PER_PAGE,
        actors,
        entities,
    })
}

/// Every entry matching the filter as CSV, newest first, each cell safe to open in a
/// spreadsheet.
#[tracing::instrument(skip_all)]
pub async fn csv(db: &Db, f: &AuditFilter) -> Result<String, AppError> {
    let entries = rows(db, f, None).await?;
    let mut w = csv::Writer::from_writer(Vec::new());
    let header = [
        "id",
        "time",
        "actor",
        "action",
        "entity",
        "entity_id",
        "before",
        "after",
    ];
    w.write_record(header).map_err(|_| AppError::Internal)?;
    for e in entries {
        let cells = [
            e.id.to_string(),
            e.at,
            e.actor,
            e.action,
            e.entity,
            e.entity_id,
            e.before,
            e.after,
        ];
        w.write_record(cells.iter().map(|c| csv_cell(c)))
            .map_err(|_| AppError::Internal)?;
    }
    let bytes = w.into_inner().map_err(|_| AppError::Internal)?;
    String::from_utf8(bytes).map_err(|_| AppError::Internal)
}

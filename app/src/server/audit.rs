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

/// `after` with the API token that made the change (`api_token`: its id) when one did, so
/// the audit log says which system acted where the actor is "the system".
pub fn via_token(after: Option<Value>, token: Option<i64>) -> Option<Value> {
    match (after, token) {
        (Some(Value::Object(mut m)), Some(t)) => {
            m.insert("api_token".into(), Value::from(t));
            Some(Value::Object(m))
        }
        (None, Some(t)) => Some(serde_json::json!({ "api_token": t })),
        (after, _) => after,
    }
}

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

/// Something the log records changes to: its name in the log, and the table and columns
/// its state before and after is read from (constants, never input).
pub struct Kind {
    pub entity: &'static str,
    table: &'static str,
    cols: &'static str,
}

impl Kind {
    /// The state of the one with `id`, for an entry's before or after (None when gone).
    pub async fn state<'e, E>(&self, exec: E, id: i64) -> Result<Option<Value>, AppError>
    where
        E: Executor<'e, Database = Any>,
    {
        row(exec, self.table, self.cols, "id", id).await
    }
}

const fn kind(entity: &'static str, table: &'static str, cols: &'static str) -> Kind {
    Kind {
        entity,
        table,
        cols,
    }
}

/// A person (never the password hash).
pub const PERSON: Kind = kind(
    "person",
    "person",
    "id, email, name, job_title, role, unit_id, manager_id, active, position_id, target_position_id",
);
/// An org unit.
pub const UNIT: Kind = kind("org_unit", "org_unit", "id, name, parent_id");
/// A position.
pub const POSITION: Kind = kind(
    "position",
    "job_position",
    "id, title, description, track, rank, unit_id",
);
/// A framework.
pub const FRAMEWORK: Kind = kind(
    "framework",
    "framework",
    "id, name, description, status, revision, scale_id",
);
/// A framework node.
pub const NODE: Kind = kind(
    "framework_node",
    "framework_node",
    "id, framework_id, parent_id, kind, position, title, short_code, definition, validity_months, external_id",
);
/// A learning activity.
pub const ACTIVITY: Kind = kind(
    "activity",
    "activity",
    "id, title, kind, provider, url, duration_minutes, cost_cents, description, external_id, active",
);
/// A rating.
pub const RATING: Kind = kind(
    "rating",
    "rating",
    "id, subject_id, node_id, level, source, given_by, comment, created_at, \
     review, reviewed_by, reviewed_at, review_comment",
);
/// A piece of evidence.
pub const EVIDENCE: Kind = kind(
    "evidence",
    "evidence",
    "id, rating_id, kind, name, size, verified_by, verified_at",
);
/// An action in a development plan.
pub const PLAN_ACTION: Kind = kind(
    "plan_action",
    "plan_action",
    "id, person_id, activity_id, status, mentor_id, feedback, decided_by, decided_at, completed_via",
);
/// A goal in a development plan.
pub const PLAN_GOAL: Kind = kind(
    "plan_goal",
    "plan_goal",
    "id, person_id, node_id, target_level, due_on, note, status",
);

/// The log as written by one person through one database: `audit::by(&st.db, me.id)`.
pub struct Log<'a> {
    db: &'a Db,
    actor: PersonId,
}

/// Entries written by `actor`.
pub fn by(db: &Db, actor: PersonId) -> Log<'_> {
    Log { db, actor }
}

impl Log<'_> {
    /// Runs `change` to the `kind` with `id` and logs it as `action`, with its state before
    /// and after (after is None when the change deleted it).
    pub async fn change<T>(
        &self,
        action: &str,
        kind: &Kind,
        id: i64,
        change: impl std::future::Future<Output = Result<T, AppError>>,
    ) -> Result<T, AppError> {
        let before = kind.state(&self.db.pool, id).await?;
        let out = change.await?;
        let after = kind.state(&self.db.pool, id).await?;
        record(
            &self.db.pool,
            self.actor,
            action,
            kind.entity,
            id,
            before,
            after,
        )
        .await?;
        Ok(out)
    }

    /// Logs that the `kind` with `id` was created, with its state now.
    pub async fn created(&self, kind: &Kind, id: i64) -> Result<(), AppError> {
        let after = kind.state(&self.db.pool, id).await?;
        record(
            &self.db.pool,
            self.actor,
            "create",
            kind.entity,
            id,
            None,
            after,
        )
        .await
    }

    /// Logs `action` on `entity` `id` with what it did (`after`) and no before.
    pub async fn did(
        &self,
        action: &str,
        entity: &str,
        id: i64,
        after: Option<Value>,
    ) -> Result<(), AppError> {
        record(&self.db.pool, self.actor, action, entity, id, None, after).await
    }

    /// Logs `action` on `entity` `id` with what it took away (`before`) and no after.
    pub async fn removed(
        &self,
        action: &str,
        entity: &str,
        id: i64,
        before: Option<Value>,
    ) -> Result<(), AppError> {
        record(&self.db.pool, self.actor, action, entity, id, before, None).await
    }
}

/// One row of `table` (the one whose `id_col` is `id`) as a JSON object of `cols`, every
/// value as text (or null), for an entry's before or after; None when there is no such row.
/// `table`, `cols` and `id_col` are constants of the caller, never input.
#[tracing::instrument(skip_all, fields(id))]
async fn row<'e, E>(
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

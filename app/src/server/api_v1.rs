//! The reads behind `/api/v1` for systems (HR, learning systems, scripts): people and org
//! units, in pages that a cursor continues. A token's scope is its permission: these read
//! the whole organisation, as an HR viewer does.

use super::db::Db;
use crate::api::AppError;
use serde::{Deserialize, Serialize};

/// The most rows one page may ask for, and what it gets when it does not say.
pub const MAX_LIMIT: u32 = 200;
pub const DEFAULT_LIMIT: u32 = 50;

/// One page of a list. `next_cursor` continues it (None on the last page).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page<T> {
    pub data: Vec<T>,
    pub next_cursor: Option<String>,
}

/// A person as the API shows them (never a password or a session).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiPerson {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub job_title: String,
    pub role: String,
    pub unit_id: Option<i64>,
    pub manager_id: Option<i64>,
    pub position_id: Option<i64>,
    pub active: bool,
    /// Last change, in milliseconds since 1970.
    pub updated_at: i64,
}

#[derive(sqlx::FromRow)]
struct PersonRow {
    id: i64,
    email: String,
    name: String,
    job_title: String,
    role: String,
    unit_id: Option<i64>,
    manager_id: Option<i64>,
    position_id: Option<i64>,
    active: i64,
    updated_at: i64,
}

impl From<PersonRow> for ApiPerson {
    fn from(r: PersonRow) -> Self {
        ApiPerson {
            id: r.id,
            email: r.email,
            name: r.name,
            job_title: r.job_title,
            role: r.role,
            unit_id: r.unit_id,
            manager_id: r.manager_id,
            position_id: r.position_id,
            active: r.active == 1,
            updated_at: r.updated_at,
        }
    }
}

const PERSON_COLUMNS: &str = "select id, email, name, job_title, role, unit_id, manager_id, \
     position_id, active, updated_at from person";

/// An org unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct ApiUnit {
    pub id: i64,
    pub name: String,
    pub parent_id: Option<i64>,
}

/// What a list request asks for, as text from the query string (checked here).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ListQuery {
    pub cursor: Option<String>,
    pub limit: Option<String>,
    pub unit: Option<String>,
    pub updated_since: Option<String>,
}

/// The checked query: the id to continue after, how many, and filters.
struct Checked {
    after: i64,
    limit: u32,
    unit: Option<i64>,
    updated_since: Option<i64>,
}

fn number(field: &str, v: &Option<String>, what: &str) -> Result<Option<i64>, AppError> {
    match v.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => s
            .parse::<i64>()
            .ok()
            .filter(|n| *n >= 0)
            .map(Some)
            .ok_or_else(|| AppError::invalid(field, format!("{field} must be {what}."))),
    }
}

fn check(q: &ListQuery) -> Result<Checked, AppError> {
    let whole = format!("a whole number from 1 to {MAX_LIMIT}");
    let limit = match number("limit", &q.limit, &whole)? {
        None => DEFAULT_LIMIT,
        Some(n) => u32::try_from(n)
            .ok()
            .filter(|n| (1..=MAX_LIMIT).contains(n))
            .ok_or_else(|| AppError::invalid("limit", format!("limit must be {whole}.")))?,
    };
    Ok(Checked {
        after: number("cursor", &q.cursor, "a cursor from a previous page")?.unwrap_or(0),
        limit,
        unit: number("unit", &q.unit, "an org unit's id")?,
        updated_since: number(
            "updated_since",
            &q.updated_since,
            "a time in milliseconds since 1970",
        )?,
    })
}

/// A page from `rows` fetched with one extra row: the extra row says there is more.
fn page<T>(mut rows: Vec<T>, limit: u32, id: impl Fn(&T) -> i64) -> Page<T> {
    let more = rows.len() > limit as usize;
    rows.truncate(limit as usize);
    let next_cursor = more
        .then(|| rows.last().map(|r| id(r).to_string()))
        .flatten();
    Page {
        data: rows,
        next_cursor,
    }
}

/// People by id, after the cursor, optionally in one unit or changed since a time.
#[tracing::instrument(skip_all)]
pub async fn people(db: &Db, q: &ListQuery) -> Result<Page<ApiPerson>, AppError> {
    let c = check(q)?;
    let sql = format!(
        "{PERSON_COLUMNS} where id > $1 and ($2 is null or unit_id = $2) \
         and ($3 is null or updated_at >= $3) order by id limit $4"
    );
    let rows: Vec<PersonRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(c.after)
        .bind(c.unit)
        .bind(c.updated_since)
        .bind(i64::from(c.limit) + 1)
        .fetch_all(&db.pool)
        .await?;
    let rows = rows.into_iter().map(ApiPerson::from).collect();
    Ok(page(rows, c.limit, |p: &ApiPerson| p.id))
}

/// One person.
#[tracing::instrument(skip_all, fields(id))]
pub async fn person(db: &Db, id: i64) -> Result<ApiPerson, AppError> {
    let row: Option<PersonRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{PERSON_COLUMNS} where id = $1"
    )))
    .bind(id)
    .fetch_optional(&db.pool)
    .await?;
    row.map(ApiPerson::from)
        .ok_or_else(|| AppError::NotFound("That person".into()))
}

/// Org units by id, after the cursor.
#[tracing::instrument(skip_all)]
pub async fn units(db: &Db, q: &ListQuery) -> Result<Page<ApiUnit>, AppError> {
    let c = check(q)?;
    let rows: Vec<ApiUnit> = sqlx::query_as(
        "select id, name, parent_id from org_unit where id > $1 order by id limit $2",
    )
    .bind(c.after)
    .bind(i64::from(c.limit) + 1)
    .fetch_all(&db.pool)
    .await?;
    Ok(page(rows, c.limit, |u| u.id))
}

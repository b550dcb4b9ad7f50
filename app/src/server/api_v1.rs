//! The reads behind `/api/v1` for systems (HR, learning systems, scripts): people and org
//! units, in pages that a cursor continues. A token's scope is its permission: these read
//! the whole organisation, as an HR viewer does.

use super::db::Db;
use crate::api::AppError;
use serde::{Deserialize, Serialize};

/// The most rows one page may ask for, and what it gets when it does not say.
pub const MAX_LIMIT: u32 = 200;
pub const DEFAULT_LIMIT: u32 = 50;

/// The most digits a number in a query or path may have: every such number (an id, a cursor,
/// a time in milliseconds) then stays below 2^53, exact in any JSON reader.
pub const MAX_DIGITS: usize = 15;
/// The largest such number, for the OpenAPI document.
pub const MAX_NUMBER: i64 = 999_999_999_999_999;

/// One page of a list. `next_cursor` continues it (None on the last page).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Page<T> {
    /// This page's rows, in id order.
    pub data: Vec<T>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// A person as the API shows them (never a password or a session).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ApiPerson {
    pub id: i64,
    /// Unique; the sign-in name.
    pub email: String,
    pub name: String,
    pub job_title: String,
    /// What the person may do in Proficio.
    #[schema(pattern = "^(employee|hr|admin)$")]
    pub role: String,
    /// The org unit the person belongs to.
    pub unit_id: Option<i64>,
    /// The person's manager.
    pub manager_id: Option<i64>,
    /// The position whose requirements the person is measured against.
    pub position_id: Option<i64>,
    /// False once deactivated (people are never deleted).
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct ApiUnit {
    pub id: i64,
    pub name: String,
    /// The unit this one belongs to; absent for a top unit.
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

/// `s` as a number if it is one exactly: 1 to [`MAX_DIGITS`] ASCII digits, nothing else (no
/// sign, space or empty value).
pub fn digits(s: &str) -> Option<i64> {
    let ok = (1..=MAX_DIGITS).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit());
    ok.then(|| s.parse().ok()).flatten()
}

fn number(field: &str, v: &Option<String>, what: &str) -> Result<Option<i64>, AppError> {
    match v.as_deref() {
        None => Ok(None),
        Some(s) => digits(s)
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
fn page<T>(mut rows: Vec<T>, limit: u32, cursor: impl Fn(&T) -> String) -> Page<T> {
    let more = rows.len() > limit as usize;
    rows.truncate(limit as usize);
    let next_cursor = more.then(|| rows.last().map(cursor)).flatten();
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
    Ok(page(rows, c.limit, |p: &ApiPerson| p.id.to_string()))
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
    Ok(page(rows, c.limit, |u| u.id.to_string()))
}

/// A completion as a learning system reports it.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CompletionIn {
    /// The person's e-mail.
    #[schema(
        min_length = 1,
        max_length = 254,
        pattern = "^[^\\u0000-\\u001f\\u007f-\\u009f]*$"
    )]
    pub email: String,
    /// The activity's id in Proficio, or its external identifier (the learning system's own
    /// course id, set on the activity).
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = "^[^\\u0000-\\u001f\\u007f-\\u009f]*$"
    )]
    pub activity: String,
}

/// The longest `Idempotency-Key`.
pub const MAX_KEY: usize = 255;
/// How long an idempotency key is remembered (ms): a day.
const KEY_KEPT_MS: i64 = 24 * 60 * 60 * 1000;

/// The answer to a create: its status and JSON body, and whether it repeats the first
/// answer to the same `Idempotency-Key`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Created {
    pub status: u16,
    pub body: String,
    pub replayed: bool,
}

/// The `Idempotency-Key` header's value as a key: 1 to [`MAX_KEY`] visible ASCII
/// characters, optionally quoted (a structured-field string, as the IETF draft writes it).
pub fn idempotency_key(header: &str) -> Result<String, AppError> {
    let key = header
        .strip_prefix('"')
        .and_then(|k| k.strip_suffix('"'))
        .unwrap_or(header);
    let ok = (1..=MAX_KEY).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_graphic());
    if ok {
        Ok(key.to_string())
    } else {
        Err(AppError::invalid(
            "Idempotency-Key",
            format!("Idempotency-Key must be 1 to {MAX_KEY} visible ASCII characters."),
        ))
    }
}

/// The work a create does, in the transaction [`idempotent`] gives it.
type Work<'c, T> =
    std::pin::Pin<Box<dyn std::future::Future<Output = Result<T, AppError>> + Send + 'c>>;

/// Runs `work` in one write transaction with the caller's idempotency `key` claimed in it:
/// a key seen before with the same request (`fingerprint`) answers as the first time did
/// and does nothing; with another request it is refused. Without a key, `work` just runs.
async fn idempotent<T, F>(
    db: &Db,
    token: i64,
    key: Option<&str>,
    fingerprint: &str,
    work: F,
) -> Result<Created, AppError>
where
    T: Serialize,
    F: for<'c> FnOnce(&'c mut sqlx::AnyConnection) -> Work<'c, T>,
{
    let now = super::now_ms();
    let mut tx = db.begin_write().await?;
    if let Some(key) = key {
        sqlx::query("delete from api_idempotency where created_at < $1")
            .bind(now - KEY_KEPT_MS)
            .execute(&mut *tx)
            .await?;
        let claimed = sqlx::query(
            "insert into api_idempotency (token_id, key, fingerprint, created_at) \
             values ($1, $2, $3, $4) on conflict (token_id, key) do nothing",
        )
        .bind(token)
        .bind(key)
        .bind(fingerprint)
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if claimed == 0 {
            let (first, status, body): (String, Option<i64>, Option<String>) = sqlx::query_as(
                "select fingerprint, status, body from api_idempotency \
                 where token_id = $1 and key = $2",
            )
            .bind(token)
            .bind(key)
            .fetch_one(&mut *tx)
            .await?;
            if first != fingerprint {
                return Err(AppError::invalid(
                    "Idempotency-Key",
                    "This Idempotency-Key was used for another request: use a new key for a \
                     new request.",
                ));
            }
            return match (status, body) {
                (Some(status), Some(body)) => Ok(Created {
                    status: u16::try_from(status).unwrap_or(500),
                    body,
                    replayed: true,
                }),
                _ => Err(AppError::Conflict(
                    "A request with this Idempotency-Key is still being done.".into(),
                )),
            };
        }
    }
    let done = work(&mut tx).await?;
    let body = serde_json::to_string(&done).map_err(|e| {
        tracing::error!("serialising an API answer: {e}");
        AppError::Internal
    })?;
    if let Some(key) = key {
        sqlx::query(
            "update api_idempotency set status = 201, body = $1 where token_id = $2 and key = $3",
        )
        .bind(&body)
        .bind(token)
        .bind(key)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(Created {
        status: 201,
        body,
        replayed: false,
    })
}

/// `POST /api/v1/completions`: the person completed the activity, recorded as an admin
/// would (the levels it provides are awarded). `body` is the request's JSON; a person or
/// activity that does not exist is `NotFound`, naming what was looked for.
#[tracing::instrument(skip_all, fields(token = caller.token))]
pub async fn complete(
    db: &Db,
    caller: &super::api_tokens::ApiCaller,
    key: Option<&str>,
    body: &[u8],
) -> Result<Created, AppError> {
    let input: CompletionIn = serde_json::from_slice(body).map_err(|e| {
        AppError::invalid(
            "body",
            format!(
                "The body must be JSON like {{\"email\": \"ada@example.org\", \"activity\": \
                 \"42\"}}: {e}."
            ),
        )
    })?;
    for (field, value, max) in [
        ("email", &input.email, 254),
        ("activity", &input.activity, 200),
    ] {
        if value.is_empty() || value.chars().count() > max {
            return Err(AppError::invalid(
                field,
                format!("{field} must have 1 to {max} characters."),
            ));
        }
        if value.chars().any(char::is_control) {
            return Err(AppError::invalid(
                field,
                format!("{field} must not contain control characters."),
            ));
        }
    }
    let key = key.map(idempotency_key).transpose()?;
    let request = serde_json::to_string(&input).unwrap_or_default();
    let fingerprint =
        super::api_tokens::sha256_hex(&format!("POST /api/v1/completions\n{request}"));
    idempotent(db, caller.token, key.as_deref(), &fingerprint, |conn| {
        Box::pin(async move {
            let done = super::plans::completion(conn, &input.email, &input.activity, None).await;
            // A person or activity that is not there is a missing resource to a system.
            done.map_err(|e| match e.field() {
                Some("email") => AppError::NotFound(format!(
                    "A person with the e-mail {}",
                    input.email.trim().to_lowercase()
                )),
                Some("activity") => AppError::NotFound(format!(
                    "An activity with the id or identifier \u{201c}{}\u{201d}",
                    input.activity.trim()
                )),
                _ => e,
            })
        })
    })
    .await
}

/// A person's current level on one node: the level that counts now, from the rating that
/// gave it (self-ratings count once approved).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct ApiLevel {
    pub person_id: i64,
    /// The competency or skill (a framework node).
    pub node_id: i64,
    pub level: i64,
    /// The rating that gave this level.
    pub rating_id: i64,
    /// When that rating was given, in milliseconds since 1970.
    pub rated_at: i64,
    /// When the level lapses (a certification's expiry), if it does.
    pub expires_at: Option<i64>,
}

/// What `/api/v1/levels` asks for, as text from the query string (checked here).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct LevelsQuery {
    pub cursor: Option<String>,
    pub limit: Option<String>,
    pub person: Option<String>,
    pub node: Option<String>,
    pub updated_since: Option<String>,
}

/// Current levels in (person, node) order, after the cursor (`PERSON-NODE` of the last row
/// of the previous page), optionally of one person, on one node, or given since a time.
#[tracing::instrument(skip_all)]
pub async fn levels(db: &Db, q: &LevelsQuery) -> Result<Page<ApiLevel>, AppError> {
    let paging = check(&ListQuery {
        limit: q.limit.clone(),
        updated_since: q.updated_since.clone(),
        ..ListQuery::default()
    })?;
    let (after_person, after_node) = match q.cursor.as_deref() {
        None => (0, 0),
        Some(c) => c
            .split_once('-')
            .and_then(|(p, n)| Some((digits(p)?, digits(n)?)))
            .ok_or_else(|| {
                AppError::invalid("cursor", "cursor must be a cursor from a previous page.")
            })?,
    };
    let person = number("person", &q.person, "a person's id")?;
    let node = number("node", &q.node, "a competency's or skill's id")?;
    let rows: Vec<ApiLevel> = sqlx::query_as(
        "select person_id, node_id, level, rating_id, rated_at, expires_at from current_level \
         where (person_id > $1 or (person_id = $1 and node_id > $2)) \
         and ($3 is null or person_id = $3) and ($4 is null or node_id = $4) \
         and ($5 is null or rated_at >= $5) \
         order by person_id, node_id limit $6",
    )
    .bind(after_person)
    .bind(after_node)
    .bind(person)
    .bind(node)
    .bind(paging.updated_since)
    .bind(i64::from(paging.limit) + 1)
    .fetch_all(&db.pool)
    .await?;
    Ok(page(rows, paging.limit, |r| {
        format!("{}-{}", r.person_id, r.node_id)
    }))
}

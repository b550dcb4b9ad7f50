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

/// What a list request asks for, as text from the query string (checked here). Each list
/// takes the paging parameters and some of the filters.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ListQuery {
    pub cursor: Option<String>,
    pub limit: Option<String>,
    pub unit: Option<String>,
    pub person: Option<String>,
    pub node: Option<String>,
    pub framework: Option<String>,
    pub updated_since: Option<String>,
}

/// The checked query: how many, and filters (the cursor is each list's own).
struct Checked {
    limit: u32,
    unit: Option<i64>,
    person: Option<i64>,
    node: Option<i64>,
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
        limit,
        unit: number("unit", &q.unit, "an org unit's id")?,
        person: number("person", &q.person, "a person's id")?,
        node: number("node", &q.node, "a competency's or skill's id")?,
        updated_since: number(
            "updated_since",
            &q.updated_since,
            "a time in milliseconds since 1970",
        )?,
    })
}

/// The id a list ordered by id continues after: the previous page's `next_cursor`.
fn after_id(q: &ListQuery) -> Result<i64, AppError> {
    Ok(number("cursor", &q.cursor, "a cursor from a previous page")?.unwrap_or(0))
}

/// A filter a list takes, and the column it tests.
#[derive(Clone, Copy)]
enum By {
    /// `?unit=`: the column equals it.
    Unit(&'static str),
    /// `?person=`: the column equals it.
    Person(&'static str),
    /// `?node=`: the column equals it.
    Node(&'static str),
    /// `?updated_since=`: the column (a time in ms) is at or after it.
    Since(&'static str),
    /// Always: the column equals this value (the framework whose nodes are listed).
    Is(&'static str, i64),
}

/// One page of `select` (its columns and tables) in `key` order after the cursor, with the
/// `filters` the query string sets; `key_of` is a row's key (its cursor). Only the filters
/// given become conditions, so each query is as selective as the caller asked.
async fn listed<T>(
    db: &Db,
    q: &ListQuery,
    select: &str,
    key: &str,
    filters: &[By],
    key_of: impl Fn(&T) -> i64,
) -> Result<Page<T>, AppError>
where
    T: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
{
    let c = check(q)?;
    let mut sql = format!("{select} where {key} > $1");
    let mut values = vec![after_id(q)?];
    for f in filters {
        let (column, op, value) = match *f {
            By::Unit(col) => (col, "=", c.unit),
            By::Person(col) => (col, "=", c.person),
            By::Node(col) => (col, "=", c.node),
            By::Since(col) => (col, ">=", c.updated_since),
            By::Is(col, v) => (col, "=", Some(v)),
        };
        if let Some(v) = value {
            values.push(v);
            sql.push_str(&format!(" and {column} {op} ${}", values.len()));
        }
    }
    values.push(i64::from(c.limit) + 1);
    sql.push_str(&format!(" order by {key} limit ${}", values.len()));
    let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql));
    for v in values {
        query = query.bind(v);
    }
    let rows: Vec<T> = query.fetch_all(&db.pool).await?;
    Ok(page(rows, c.limit, |r| key_of(r).to_string()))
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
    let filters = [By::Unit("unit_id"), By::Since("updated_at")];
    let rows = listed(db, q, PERSON_COLUMNS, "id", &filters, |p: &PersonRow| p.id).await?;
    Ok(Page {
        data: rows.data.into_iter().map(ApiPerson::from).collect(),
        next_cursor: rows.next_cursor,
    })
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
    let select = "select id, name, parent_id from org_unit";
    listed(db, q, select, "id", &[], |u: &ApiUnit| u.id).await
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
    let token = caller.token;
    idempotent(db, token, key.as_deref(), &fingerprint, |conn| {
        Box::pin(async move {
            let done =
                super::plans::completion(conn, &input.email, &input.activity, None, Some(token))
                    .await;
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

/// Current levels in (person, node) order, after the cursor (`PERSON-NODE` of the last row
/// of the previous page), optionally of one person, on one node, or given since a time.
#[tracing::instrument(skip_all)]
pub async fn levels(db: &Db, q: &ListQuery) -> Result<Page<ApiLevel>, AppError> {
    let c = check(q)?;
    let (after_person, after_node) = match q.cursor.as_deref() {
        None => (0, 0),
        Some(c) => c
            .split_once('-')
            .and_then(|(p, n)| Some((digits(p)?, digits(n)?)))
            .ok_or_else(|| {
                AppError::invalid("cursor", "cursor must be a cursor from a previous page.")
            })?,
    };
    let rows: Vec<ApiLevel> = sqlx::query_as(
        "select person_id, node_id, level, rating_id, rated_at, expires_at from current_level \
         where (person_id > $1 or (person_id = $1 and node_id > $2)) \
         and ($3 is null or person_id = $3) and ($4 is null or node_id = $4) \
         and ($5 is null or rated_at >= $5) \
         order by person_id, node_id limit $6",
    )
    .bind(after_person)
    .bind(after_node)
    .bind(c.person)
    .bind(c.node)
    .bind(c.updated_since)
    .bind(i64::from(c.limit) + 1)
    .fetch_all(&db.pool)
    .await?;
    Ok(page(rows, c.limit, |r| {
        format!("{}-{}", r.person_id, r.node_id)
    }))
}

/// What a position requires on one competency or skill.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ApiRequirement {
    /// The competency or skill (a framework node).
    pub node_id: i64,
    /// The level the position needs, on the node's scale.
    pub level: i64,
    /// How much the requirement counts in readiness, 1 to 5.
    pub weight: i64,
    /// A requirement nobody can be ready without.
    pub mandatory: bool,
}

/// A position (a job role) with what it requires, in the order the admin added them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ApiPosition {
    pub id: i64,
    pub title: String,
    pub description: String,
    /// The career track: individual contributor or managerial.
    #[schema(pattern = "^(ic|managerial)$")]
    pub track: String,
    /// Seniority, 1 for entry level, when set.
    pub rank: Option<i64>,
    /// The org unit the position belongs to.
    pub unit_id: Option<i64>,
    /// Last change, in milliseconds since 1970.
    pub updated_at: i64,
    pub requirements: Vec<ApiRequirement>,
}

#[derive(sqlx::FromRow)]
struct PositionRow {
    id: i64,
    title: String,
    description: String,
    track: String,
    rank: Option<i64>,
    unit_id: Option<i64>,
    updated_at: i64,
}

/// The positions in `rows` with their requirements (one query for the page).
async fn with_requirements(db: &Db, rows: Vec<PositionRow>) -> Result<Vec<ApiPosition>, AppError> {
    let ids = super::positions::id_list(rows.iter().map(|r| r.id));
    let reqs: Vec<(i64, i64, i64, i64, i64)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "select position_id, node_id, required, weight, mandatory from position_requirement \
         where position_id in ({ids}) order by position_id, seq"
    )))
    .fetch_all(&db.pool)
    .await?;
    let mut by_position: std::collections::HashMap<i64, Vec<ApiRequirement>> =
        std::collections::HashMap::new();
    for (position, node_id, level, weight, mandatory) in reqs {
        by_position
            .entry(position)
            .or_default()
            .push(ApiRequirement {
                node_id,
                level,
                weight,
                mandatory: mandatory == 1,
            });
    }
    Ok(rows
        .into_iter()
        .map(|r| ApiPosition {
            requirements: by_position.remove(&r.id).unwrap_or_default(),
            id: r.id,
            title: r.title,
            description: r.description,
            track: r.track,
            rank: r.rank,
            unit_id: r.unit_id,
            updated_at: r.updated_at,
        })
        .collect())
}

const POSITION_COLUMNS: &str =
    "select id, title, description, track, rank, unit_id, updated_at from job_position";

/// Positions by id with their requirements, after the cursor, optionally of one unit or
/// changed since a time.
#[tracing::instrument(skip_all)]
pub async fn positions(db: &Db, q: &ListQuery) -> Result<Page<ApiPosition>, AppError> {
    let filters = [By::Unit("unit_id"), By::Since("updated_at")];
    let rows = listed(
        db,
        q,
        POSITION_COLUMNS,
        "id",
        &filters,
        |r: &PositionRow| r.id,
    )
    .await?;
    Ok(Page {
        data: with_requirements(db, rows.data).await?,
        next_cursor: rows.next_cursor,
    })
}

/// One position with its requirements.
#[tracing::instrument(skip_all, fields(id))]
pub async fn position(db: &Db, id: i64) -> Result<ApiPosition, AppError> {
    let row: Option<PositionRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{POSITION_COLUMNS} where id = $1"
    )))
    .bind(id)
    .fetch_optional(&db.pool)
    .await?;
    let row = row.ok_or_else(|| AppError::NotFound("That position".into()))?;
    Ok(with_requirements(db, vec![row]).await?.remove(0))
}

/// A competency framework: its working state, and its newest published version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct ApiFramework {
    pub id: i64,
    pub name: String,
    pub description: String,
    #[schema(pattern = "^(draft|published|archived)$")]
    pub status: String,
    /// Stable identifier kept through import and export (the CASE document's identifier).
    pub external_id: String,
    /// The scale its levels are on.
    pub scale_id: i64,
    /// Bumped by every change to the working state.
    pub revision: i64,
    /// Last change to the working state, in milliseconds since 1970.
    pub updated_at: i64,
    /// The newest published version's number; absent when none is published.
    pub published_version: Option<i64>,
    /// When that version was published, in milliseconds since 1970.
    pub published_at: Option<i64>,
}

/// Frameworks by id, after the cursor, optionally changed since a time.
#[tracing::instrument(skip_all)]
pub async fn frameworks(db: &Db, q: &ListQuery) -> Result<Page<ApiFramework>, AppError> {
    let select = "select f.id, f.name, f.description, f.status, f.external_id, f.scale_id, \
           f.revision, f.updated_at, v.number as published_version, v.published_at \
         from framework f left join framework_version v on v.framework_id = f.id \
           and v.number = (select max(number) from framework_version where framework_id = f.id)";
    let filters = [By::Since("f.updated_at")];
    listed(db, q, select, "f.id", &filters, |f: &ApiFramework| f.id).await
}

/// The newest published version of framework `id`: `Some(None)` when none is published,
/// `None` when there is no such framework.
async fn newest_version(db: &Db, id: i64) -> Result<Option<Option<i64>>, AppError> {
    Ok(sqlx::query_scalar(
        "select (select max(number) from framework_version where framework_id = f.id) \
         from framework f where f.id = $1",
    )
    .bind(id)
    .fetch_optional(&db.pool)
    .await?)
}

/// A category, competency or skill in a framework's working tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct ApiNode {
    pub id: i64,
    pub framework_id: i64,
    /// The node it sits under; absent at the top.
    pub parent_id: Option<i64>,
    #[schema(pattern = "^(category|competency|skill)$")]
    pub kind: String,
    /// Order among its siblings, from 0.
    pub position: i64,
    pub title: String,
    pub short_code: String,
    pub definition: String,
    /// Stable identifier kept through import and export (CASE identifier, ESCO URI).
    pub external_id: String,
    /// Its own scale, when it does not use the framework's.
    pub scale_id: Option<i64>,
    /// Last change, in milliseconds since 1970.
    pub updated_at: i64,
}

/// The nodes of framework `id` by id, after the cursor, optionally changed since a time.
#[tracing::instrument(skip_all, fields(id))]
pub async fn nodes(db: &Db, id: i64, q: &ListQuery) -> Result<Page<ApiNode>, AppError> {
    check(q)?;
    if newest_version(db, id).await?.is_none() {
        return Err(AppError::NotFound("That framework".into()));
    }
    let select = "select id, framework_id, parent_id, kind, position, title, short_code, \
           definition, external_id, scale_id, updated_at from framework_node";
    let filters = [By::Is("framework_id", id), By::Since("updated_at")];
    listed(db, q, select, "id", &filters, |n: &ApiNode| n.id).await
}

/// Framework `id` as a CASE 1.1 CFPackage: `version` a published version's number, or
/// `draft` for the working state; without it, the newest published version.
#[tracing::instrument(skip_all, fields(id))]
pub async fn case_package(
    db: &Db,
    id: i64,
    version: Option<&str>,
    base_uri: &str,
) -> Result<serde_json::Value, AppError> {
    let newest = newest_version(db, id)
        .await?
        .ok_or_else(|| AppError::NotFound("That framework".into()))?;
    let which = match version {
        Some("draft") => "draft".to_string(),
        Some(v) => digits(v)
            .ok_or_else(|| {
                AppError::invalid("version", "version must be a version's number or draft.")
            })?
            .to_string(),
        None => newest
            .ok_or_else(|| {
                AppError::NotFound(
                    "A published version of this framework (ask for version=draft)".into(),
                )
            })?
            .to_string(),
    };
    let framework = crate::domain::FrameworkId(id);
    let imported = super::exports::load(db, framework, &which)
        .await
        .map_err(|e| match e.field() {
            // A version number that was never published is a missing resource to a system.
            Some("version") => AppError::NotFound(format!("Version {which} of this framework")),
            _ => e,
        })?;
    let changed = super::exports::changed_at(db, framework, &which).await?;
    Ok(crate::domain::case::export_case(
        &imported,
        &crate::domain::case::ExportOptions::new(base_uri, &changed),
    ))
}

/// A rating: what someone said of a person's level on a node, when, and (for a
/// self-rating) what the manager decided. Ratings are never changed or deleted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct ApiRating {
    pub id: i64,
    pub person_id: i64,
    pub node_id: i64,
    pub level: i64,
    /// Who gave it: the person themselves, their manager, a peer, a course, an import.
    #[schema(pattern = "^(self|manager|peer|course|import)$")]
    pub source: String,
    /// For an import through this API, the system that sent it (`lms`, `assessment`…);
    /// empty otherwise.
    pub origin: String,
    /// The person who gave it, when a person did.
    pub given_by: Option<i64>,
    pub comment: String,
    /// A self-rating's review; absent for other sources.
    #[schema(pattern = "^(pending|approved|declined)$")]
    pub review: Option<String>,
    /// When it was given, in milliseconds since 1970.
    pub created_at: i64,
}

/// Ratings by id, after the cursor, optionally of one person, on one node, or given since a
/// time.
#[tracing::instrument(skip_all)]
pub async fn ratings(db: &Db, q: &ListQuery) -> Result<Page<ApiRating>, AppError> {
    let select = "select id, subject_id as person_id, node_id, level, source, origin, given_by, \
           comment, review, created_at from rating";
    let filters = [
        By::Person("subject_id"),
        By::Node("node_id"),
        By::Since("created_at"),
    ];
    listed(db, q, select, "id", &filters, |r: &ApiRating| r.id).await
}

/// A level a learning activity provides on completion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ApiProvides {
    pub node_id: i64,
    pub level: i64,
}

/// A learning activity (a course, workshop, reading, mentoring or task on the job) and the
/// levels completing it awards.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ApiActivity {
    pub id: i64,
    pub title: String,
    #[schema(pattern = "^(course|workshop|reading|mentoring|on_the_job)$")]
    pub kind: String,
    pub provider: String,
    pub url: String,
    pub duration_minutes: i64,
    /// The cost in cents, when one is stated.
    pub cost_cents: Option<i64>,
    pub description: String,
    /// Its id in the learning system, which completions may name instead of `id`.
    pub external_id: Option<String>,
    /// False once retired: no longer offered in plans.
    pub active: bool,
    /// Last change, in milliseconds since 1970.
    pub updated_at: i64,
    pub provides: Vec<ApiProvides>,
}

#[derive(sqlx::FromRow)]
struct ActivityRow {
    id: i64,
    title: String,
    kind: String,
    provider: String,
    url: String,
    duration_minutes: i64,
    cost_cents: Option<i64>,
    description: String,
    external_id: Option<String>,
    active: i64,
    updated_at: i64,
}

/// Learning activities by id with the levels they provide, after the cursor, optionally
/// changed since a time.
#[tracing::instrument(skip_all)]
pub async fn activities(db: &Db, q: &ListQuery) -> Result<Page<ApiActivity>, AppError> {
    let select = "select id, title, kind, provider, url, duration_minutes, cost_cents, \
           description, external_id, active, updated_at from activity";
    let filters = [By::Since("updated_at")];
    let rows = listed(db, q, select, "id", &filters, |r: &ActivityRow| r.id).await?;
    let ids = super::positions::id_list(rows.data.iter().map(|r| r.id));
    let levels: Vec<(i64, i64, i64)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "select activity_id, node_id, level from activity_level \
         where activity_id in ({ids}) order by activity_id, node_id"
    )))
    .fetch_all(&db.pool)
    .await?;
    let mut by_activity: std::collections::HashMap<i64, Vec<ApiProvides>> =
        std::collections::HashMap::new();
    for (activity, node_id, level) in levels {
        by_activity
            .entry(activity)
            .or_default()
            .push(ApiProvides { node_id, level });
    }
    Ok(Page {
        data: rows
            .data
            .into_iter()
            .map(|r| ApiActivity {
                provides: by_activity.remove(&r.id).unwrap_or_default(),
                id: r.id,
                title: r.title,
                kind: r.kind,
                provider: r.provider,
                url: r.url,
                duration_minutes: r.duration_minutes,
                cost_cents: r.cost_cents,
                description: r.description,
                external_id: r.external_id,
                active: r.active == 1,
                updated_at: r.updated_at,
            })
            .collect(),
        next_cursor: rows.next_cursor,
    })
}

/// A person's development plan: its state in the approval cycle. Its goals and actions are
/// their own lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct ApiPlan {
    pub person_id: i64,
    #[schema(pattern = "^(draft|submitted|approved|changes)$")]
    pub state: String,
    /// Last change, in milliseconds since 1970.
    pub updated_at: i64,
    pub submitted_at: Option<i64>,
    /// The manager who approved it or asked for changes, and when.
    pub decided_by: Option<i64>,
    pub decided_at: Option<i64>,
}

/// Plans by person, after the cursor (a person's id), optionally of one person or changed
/// since a time.
#[tracing::instrument(skip_all)]
pub async fn plans(db: &Db, q: &ListQuery) -> Result<Page<ApiPlan>, AppError> {
    let select = "select person_id, state, updated_at, submitted_at, decided_by, decided_at \
         from dev_plan";
    let filters = [By::Person("person_id"), By::Since("updated_at")];
    listed(db, q, select, "person_id", &filters, |p: &ApiPlan| {
        p.person_id
    })
    .await
}

/// A goal in a person's plan: a level to reach on a node, perhaps by a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct ApiGoal {
    pub id: i64,
    pub person_id: i64,
    pub node_id: i64,
    pub target_level: i64,
    /// The person's level when the goal was set.
    pub start_level: i64,
    /// The date it is due (YYYY-MM-DD), when set.
    #[schema(pattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub due_on: Option<String>,
    #[schema(pattern = "^(open|achieved|dropped)$")]
    pub status: String,
    pub note: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub achieved_at: Option<i64>,
}

/// Goals by id, after the cursor, optionally of one person, on one node, or changed since a
/// time.
#[tracing::instrument(skip_all)]
pub async fn goals(db: &Db, q: &ListQuery) -> Result<Page<ApiGoal>, AppError> {
    let select = "select id, person_id, node_id, target_level, start_level, due_on, status, \
           note, created_at, updated_at, achieved_at from plan_goal";
    let filters = [
        By::Person("person_id"),
        By::Node("node_id"),
        By::Since("updated_at"),
    ];
    listed(db, q, select, "id", &filters, |g: &ApiGoal| g.id).await
}

/// A node's figures in one row of the org report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ApiCell {
    pub node_id: i64,
    /// Active people whose position requires the node.
    pub need: u32,
    /// Of those, people at or above the required level.
    pub met: u32,
    /// The sum of their gaps (required minus current level, where short).
    pub gap_sum: u32,
}

/// A row of the org report: a unit with everything under it, or the people directly in the
/// selected unit (no `unit_id`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ApiOrgRow {
    pub unit_id: Option<i64>,
    pub name: String,
    /// Active people in it.
    pub people: u32,
    /// Readiness of everyone in it for their positions, as a percentage.
    pub readiness: Option<u8>,
    /// One per column of the report, in the same order.
    pub cells: Vec<ApiCell>,
}

/// A column of the org report: a node required by positions in the selection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ApiColumn {
    pub node_id: i64,
    pub title: String,
}

/// Competency status by unit and node: the selected unit (or the whole organisation) as a
/// total, and each of its sub-units.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ApiOrgReport {
    /// The selected unit; absent for the whole organisation.
    pub unit_id: Option<i64>,
    pub total: ApiOrgRow,
    pub rows: Vec<ApiOrgRow>,
    /// The nodes (competencies and skills) the columns are about.
    pub columns: Vec<ApiColumn>,
    /// More nodes are required than the report has columns for.
    pub truncated: bool,
}

fn org_row(row: crate::domain::orgreport::OrgRow, columns: &[i64]) -> ApiOrgRow {
    ApiOrgRow {
        unit_id: row.unit.map(|u| u.0),
        name: row.name,
        people: row.people,
        readiness: row.readiness,
        cells: columns
            .iter()
            .zip(row.cells)
            .map(|(node, s)| ApiCell {
                node_id: *node,
                need: s.need,
                met: s.met,
                gap_sum: s.gap_sum,
            })
            .collect(),
    }
}

/// The org report of `unit` (the whole organisation when absent), its columns limited to
/// one framework's nodes when given.
#[tracing::instrument(skip_all)]
pub async fn org_report(db: &Db, q: &ListQuery) -> Result<ApiOrgReport, AppError> {
    let c = check(q)?;
    let framework = number("framework", &q.framework, "a framework's id")?;
    if let Some(unit) = c.unit {
        let known: Option<i64> = sqlx::query_scalar("select id from org_unit where id = $1")
            .bind(unit)
            .fetch_optional(&db.pool)
            .await?;
        known.ok_or_else(|| AppError::NotFound("That org unit".into()))?;
    }
    let r = super::orgreports::report(db, c.unit.map(crate::domain::UnitId), framework).await?;
    let nodes: Vec<i64> = r.columns.iter().map(|col| col.node.0).collect();
    Ok(ApiOrgReport {
        unit_id: r.unit.map(|(u, _)| u.0),
        total: org_row(r.total, &nodes),
        rows: r.rows.into_iter().map(|row| org_row(row, &nodes)).collect(),
        columns: r
            .columns
            .into_iter()
            .map(|col| ApiColumn {
                node_id: col.node.0,
                title: col.title,
            })
            .collect(),
        truncated: r.truncated,
    })
}

/// A rating a trusted system gives (a learning system's assessment, an exam, a skills test).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RatingIn {
    /// The person's e-mail.
    #[schema(
        min_length = 1,
        max_length = 254,
        pattern = "^[^\\u0000-\\u001f\\u007f-\\u009f]*$"
    )]
    pub email: String,
    /// The competency or skill (a framework node's id; categories are not rated).
    #[schema(minimum = 1, maximum = 999_999_999_999_999_i64)]
    pub node_id: i64,
    /// The level, from 0 to the top of the node's scale.
    #[schema(minimum = 0, maximum = 10)]
    pub level: i64,
    /// The system giving it, in its own word: `lms`, `assessment`, `exam`… (lower-case
    /// letters, digits, `-` and `_`), kept with the rating as its origin.
    #[schema(pattern = "^[a-z][a-z0-9_-]{0,31}$")]
    pub source: String,
    /// Why, shown with the rating in the person's history (at most 2,000 characters).
    #[serde(default)]
    #[schema(max_length = 2000, pattern = "^[^\\u0000]*$")]
    pub comment: String,
}

/// What a rating write answers: the rating, and the level that now counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RatedOut {
    pub rating: ApiRating,
    /// The person's current level on the node after this rating.
    pub current_level: i64,
}

/// Whether `s` is a system's word for itself: a lower-case letter, then up to 31 lower-case
/// letters, digits, `-` or `_`.
pub fn origin_word(s: &str) -> bool {
    let mut b = s.bytes();
    s.len() <= 32
        && b.next().is_some_and(|c| c.is_ascii_lowercase())
        && b.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-' || c == b'_')
}

/// `POST /api/v1/ratings`: a validated rating from a trusted system, with source `import`
/// and the system's word as its origin; it counts at once, as a manager's rating does, and
/// everything that follows from a rating follows (current level, reports, points).
#[tracing::instrument(skip_all, fields(token = caller.token))]
pub async fn rate(
    db: &Db,
    caller: &super::api_tokens::ApiCaller,
    key: Option<&str>,
    body: &[u8],
) -> Result<Created, AppError> {
    use crate::domain::rating::Source;
    let input: RatingIn = serde_json::from_slice(body).map_err(|e| {
        AppError::invalid(
            "body",
            format!(
                "The body must be JSON like {{\"email\": \"ada@example.org\", \"node_id\": 12, \
                 \"level\": 3, \"source\": \"lms\"}}: {e}."
            ),
        )
    })?;
    let email = input.email.trim().to_lowercase();
    if email.is_empty() || email.chars().count() > 254 || email.chars().any(char::is_control) {
        return Err(AppError::invalid(
            "email",
            "email must have 1 to 254 characters and no control characters.",
        ));
    }
    if !origin_word(&input.source) {
        return Err(AppError::invalid(
            "source",
            "source must be a lower-case word such as lms or assessment (letters, digits, - \
             and _, at most 32).",
        ));
    }
    if input.comment.contains('\0') {
        return Err(AppError::invalid(
            "comment",
            "comment must not contain NUL.",
        ));
    }
    let comment = crate::domain::assess::check_comment("comment", &input.comment)?;
    let node = crate::domain::NodeId(input.node_id);
    let info = super::frameworks::node_info(db, node)
        .await
        .map_err(|e| match e.field() {
            Some("node") => {
                AppError::NotFound(format!("A competency or skill with the id {}", node.0))
            }
            _ => e,
        })?;
    if !info.row.kind.rateable() {
        return Err(AppError::invalid(
            "node_id",
            "That node is a category; rate its competencies and skills.",
        ));
    }
    let level = u8::try_from(input.level)
        .ok()
        .filter(|l| *l <= info.top)
        .ok_or_else(|| {
            AppError::invalid(
                "level",
                format!("level must be from 0 to {} on this node's scale.", info.top),
            )
        })?;
    let key = key.map(idempotency_key).transpose()?;
    let request = serde_json::to_string(&input).unwrap_or_default();
    let fingerprint = super::api_tokens::sha256_hex(&format!("POST /api/v1/ratings\n{request}"));
    let token = caller.token;
    idempotent(db, token, key.as_deref(), &fingerprint, |conn| {
        Box::pin(async move {
            let person: Option<(i64, i64)> =
                sqlx::query_as("select id, active from person where email = $1")
                    .bind(&email)
                    .fetch_optional(&mut *conn)
                    .await?;
            let person = match person {
                None => {
                    return Err(AppError::NotFound(format!(
                        "A person with the e-mail {email}"
                    )))
                }
                Some((_, 0)) => {
                    return Err(AppError::Conflict(format!(
                        "{email} is deactivated: their levels are no longer kept."
                    )))
                }
                Some((id, _)) => crate::domain::PersonId(id),
            };
            let at_ms = super::now_ms();
            let id = super::ratings::record(
                conn,
                super::ratings::NewRating {
                    subject: person,
                    node,
                    level,
                    source: Source::Import,
                    given_by: None,
                    comment: &comment,
                    origin: &input.source,
                    at_ms,
                    review: None,
                },
            )
            .await?;
            let after = super::audit::RATING.state(&mut *conn, id).await?;
            let after = super::audit::via_token(after, Some(token));
            super::audit::record(&mut *conn, None, "rate", "rating", id, None, after).await?;
            let current_level: i64 = sqlx::query_scalar(
                "select level from current_level where person_id = $1 and node_id = $2",
            )
            .bind(person.0)
            .bind(node.0)
            .fetch_optional(&mut *conn)
            .await?
            .unwrap_or(0);
            Ok(RatedOut {
                rating: ApiRating {
                    id,
                    person_id: person.0,
                    node_id: node.0,
                    level: i64::from(level),
                    source: Source::Import.as_str().to_string(),
                    origin: input.source.clone(),
                    given_by: None,
                    comment: comment.clone(),
                    review: None,
                    created_at: at_ms,
                },
                current_level,
            })
        })
    })
    .await
}

//! SCIM 2.0 provisioning (RFC 7643, RFC 7644) behind `/scim/v2`: an identity provider or HR
//! system (Microsoft Entra ID, Okta, …) holding an API token with the `scim` scope keeps
//! people and org units in step with its own directory.
//!
//! - A SCIM *User* is a person. `userName` is kept as sent; the work e-mail (else
//!   `userName`) is the person's e-mail, by which Proficio and single sign-on know them.
//!   `displayName` (else the name parts) is the name, `title` the job title, the enterprise
//!   extension's `manager` the manager (by SCIM id). People it adds are employees without a
//!   password: they sign in through the identity provider. Roles stay Proficio's to give.
//! - `active: false` deactivates the person and ends their sessions in the same
//!   transaction, as an admin deactivating them would. `DELETE` does the same and hides the
//!   person from SCIM: history is never deleted. Creating the same `userName` again brings
//!   that person back.
//! - A SCIM *Group* is an org unit; its members are the people in it. A person is in one
//!   unit, so adding them to a group moves them there.
//! - Every change is audited with the token that made it; `meta.version` is an ETag and
//!   `If-Match` on a change answers 412 when the resource changed since it was read.
//!
//! The pure rules (filters, bodies, PATCH) are in [`crate::domain::scim`]; this module is
//! the SQL, the same on SQLite and PostgreSQL.

use super::audit;
use super::ctx::unique_or;
use super::db::{Db, WriteTx};
use super::{now_ms, rfc3339};
use crate::api::AppError;
use crate::domain::scim::{
    group_patch, parse_filter, Filter, GroupChange, ScimError, ScimGroup, ScimUser, ENTERPRISE,
    GROUP, USER,
};
use crate::domain::validate::{Email, PersonName, ShortText};
use crate::domain::PersonId;
use serde_json::{json, Map, Value};
use sqlx::FromRow;

/// Most resources one list answers with (`count` above it is lowered to it).
pub const MAX_COUNT: i64 = 200;
/// Resources a list answers with when `count` is not given.
pub const DEFAULT_COUNT: i64 = 100;

/// A refusal: its HTTP status, SCIM error type and what was wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScimFailure {
    pub status: u16,
    pub scim_type: Option<&'static str>,
    pub detail: String,
    /// For 429: seconds until the token may call again.
    pub retry_after: Option<u64>,
}

impl ScimFailure {
    fn new(status: u16, scim_type: Option<&'static str>, detail: impl Into<String>) -> Self {
        ScimFailure {
            status,
            scim_type,
            detail: detail.into(),
            retry_after: None,
        }
    }

    fn not_found(what: &str, id: &str) -> Self {
        ScimFailure::new(404, None, format!("No {what} has the id {id:?}."))
    }

    fn invalid(detail: impl Into<String>) -> Self {
        ScimFailure::new(400, Some("invalidValue"), detail)
    }

    fn uniqueness(detail: impl Into<String>) -> Self {
        ScimFailure::new(409, Some("uniqueness"), detail)
    }

    /// The error body (RFC 7644 3.12).
    pub fn body(&self) -> Value {
        let mut b = json!({
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"],
            "status": self.status.to_string(),
            "detail": self.detail,
        });
        if let Some(t) = self.scim_type {
            b["scimType"] = Value::from(t);
        }
        b
    }
}

impl From<ScimError> for ScimFailure {
    fn from(e: ScimError) -> Self {
        ScimFailure::new(400, Some(e.scim_type), e.detail)
    }
}

impl From<AppError> for ScimFailure {
    fn from(e: AppError) -> Self {
        // SCIM answers a bad value with 400, where the pages' forms get 422.
        let status = match &e {
            AppError::Invalid(_) => 400,
            other => other.status(),
        };
        let scim_type = match &e {
            AppError::Invalid(_) => Some("invalidValue"),
            _ => None,
        };
        let detail = match &e {
            AppError::Invalid(f) => format!("{}: {}", f.field, f.message),
            AppError::Unauthenticated => {
                "Send a live API token with the scim scope: Authorization: Bearer pfo_…".into()
            }
            AppError::Forbidden => "This token's scopes do not include scim.".into(),
            other => other.to_string(),
        };
        ScimFailure {
            status,
            scim_type,
            detail,
            retry_after: e.retry_after(),
        }
    }
}

impl From<sqlx::Error> for ScimFailure {
    fn from(e: sqlx::Error) -> Self {
        AppError::from(e).into()
    }
}

type Result<T> = std::result::Result<T, ScimFailure>;

/// A resource as answered: its JSON and its version (for the `ETag` header).
#[derive(Debug, Clone)]
pub struct Resource {
    pub body: Value,
    pub version: String,
}

/// The version of a resource changed last at `updated_at`: a weak ETag.
fn version(updated_at: i64) -> String {
    format!("W/\"{updated_at}\"")
}

/// Whether an `If-Match` header's value lets a change to a resource at `current` go ahead:
/// `*`, or a list naming the current version (weak or strong).
pub fn matches(if_match: &str, current: &str) -> bool {
    let bare = |t: &str| t.trim().trim_start_matches("W/").to_string();
    if_match
        .split(',')
        .any(|t| t.trim() == "*" || bare(t) == bare(current))
}

fn check_version(if_match: Option<&str>, updated_at: i64) -> Result<()> {
    match if_match {
        Some(m) if !matches(m, &version(updated_at)) => Err(ScimFailure::new(
            412,
            None,
            "The resource changed since that version (If-Match); read it again and retry.",
        )),
        _ => Ok(()),
    }
}

/// The `updated_at` a change writes: now, or one more than the last one if that is not
/// earlier (so that every change makes a new version).
fn next_version(current: i64) -> i64 {
    now_ms().max(current + 1)
}

/// A SCIM id in a path or a reference: Proficio's id, digits only.
fn id_of(s: &str) -> Option<i64> {
    (!s.is_empty() && s.len() <= 15 && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

/// Paging of a list: `startIndex` (1-based; below 1 counts as 1) and `count` (0 to
/// [`MAX_COUNT`]; negative counts as 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    pub start: i64,
    pub count: i64,
}

impl Paging {
    pub fn parse(start: Option<&str>, count: Option<&str>) -> Result<Paging> {
        let num = |name: &str, v: Option<&str>, default: i64| match v {
            None => Ok(default),
            Some(v) => v.trim().parse::<i64>().map_err(|_| {
                ScimFailure::invalid(format!("{name}: a whole number was expected, not {v:?}"))
            }),
        };
        Ok(Paging {
            start: num("startIndex", start, 1)?.clamp(1, i64::from(i32::MAX)),
            count: num("count", count, DEFAULT_COUNT)?.clamp(0, MAX_COUNT),
        })
    }
}

/// A bound value of a filter's SQL.
enum Bind {
    Text(String),
    Int(i64),
}

/// A filter as SQL conditions, with what they bind in order (placeholders from `$1`).
#[derive(Default)]
struct Where {
    conds: Vec<String>,
    binds: Vec<Bind>,
}

impl Where {
    fn text(&mut self, v: &str) -> String {
        self.binds.push(Bind::Text(v.to_string()));
        format!("${}", self.binds.len())
    }

    fn int(&mut self, v: i64) -> String {
        self.binds.push(Bind::Int(v));
        format!("${}", self.binds.len())
    }

    fn sql(&self) -> String {
        if self.conds.is_empty() {
            String::new()
        } else {
            format!(" and {}", self.conds.join(" and "))
        }
    }

    fn bind<'q, O>(
        &self,
        mut q: sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments>,
    ) -> sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments> {
        for b in &self.binds {
            q = match b {
                Bind::Text(t) => q.bind(t.clone()),
                Bind::Int(i) => q.bind(*i),
            };
        }
        q
    }
}

fn unsupported(attr: &str) -> ScimFailure {
    ScimFailure::new(
        400,
        Some("invalidFilter"),
        format!("filter: filtering by {attr} is not supported here"),
    )
}

fn no_control(s: &str) -> Result<()> {
    if s.chars().any(char::is_control) {
        return Err(ScimFailure::new(
            400,
            Some("invalidFilter"),
            "filter: control characters are not allowed",
        ));
    }
    Ok(())
}

/// The conditions of a people filter (`p` is the person).
fn user_where(filter: &Filter, w: &mut Where) -> Result<()> {
    match filter {
        Filter::And(all) => {
            for f in all {
                user_where(f, w)?;
            }
        }
        Filter::Eq(attr, v) => {
            no_control(v)?;
            let cond = match attr.as_str() {
                "username" => {
                    let (a, b) = (w.text(v), w.text(v));
                    format!(
                        "(lower(p.scim_user_name) = lower({a}) \
                         or (p.scim_user_name is null and p.email = lower({b})))"
                    )
                }
                "externalid" => format!("p.external_id = {}", w.text(v)),
                "id" => match id_of(v) {
                    Some(id) => format!("p.id = {}", w.int(id)),
                    None => "1 = 0".into(),
                },
                "emails" | "emails.value" => format!("p.email = lower({})", w.text(v)),
                "displayname" => format!("p.name = {}", w.text(v)),
                "active" => match v.as_str() {
                    "true" => "p.active = 1".into(),
                    "false" => "p.active = 0".into(),
                    _ => return Err(ScimFailure::invalid("filter: active is true or false")),
                },
                other => return Err(unsupported(other)),
            };
            w.conds.push(cond);
        }
        Filter::Present(attr) => {
            let cond = match attr.as_str() {
                "username" | "id" | "emails" | "displayname" | "active" => "1 = 1",
                "externalid" => "p.external_id is not null",
                "title" => "p.job_title <> ''",
                other => return Err(unsupported(other)),
            };
            w.conds.push(cond.into());
        }
        Filter::Has(attr, _) => return Err(unsupported(attr)),
    }
    Ok(())
}

/// The conditions of a group filter (`u` is the unit).
fn group_where(filter: &Filter, w: &mut Where) -> Result<()> {
    match filter {
        Filter::And(all) => {
            for f in all {
                group_where(f, w)?;
            }
        }
        Filter::Eq(attr, v) => {
            no_control(v)?;
            let cond = match attr.as_str() {
                "displayname" => format!("lower(u.name) = lower({})", w.text(v)),
                "externalid" => format!("u.external_id = {}", w.text(v)),
                "id" => match id_of(v) {
                    Some(id) => format!("u.id = {}", w.int(id)),
                    None => "1 = 0".into(),
                },
                other => return Err(unsupported(other)),
            };
            w.conds.push(cond);
        }
        Filter::Present(attr) => {
            let cond = match attr.as_str() {
                "displayname" | "id" => "1 = 1".to_string(),
                "externalid" => "u.external_id is not null".into(),
                "members" => "exists (select 1 from person m where m.unit_id = u.id \
                              and m.scim_removed_at is null)"
                    .into(),
                other => return Err(unsupported(other)),
            };
            w.conds.push(cond);
        }
        Filter::Has(attr, inner) if attr == "members" => match inner.as_ref() {
            Filter::Eq(a, v) if a == "value" => {
                let cond = match id_of(v) {
                    Some(id) => format!(
                        "exists (select 1 from person m where m.unit_id = u.id and m.id = {} \
                         and m.scim_removed_at is null)",
                        w.int(id)
                    ),
                    None => "1 = 0".into(),
                };
                w.conds.push(cond);
            }
            _ => {
                return Err(ScimFailure::new(
                    400,
                    Some("invalidFilter"),
                    "filter: members[…] takes value eq \"id\"",
                ))
            }
        },
        Filter::Has(attr, _) => return Err(unsupported(attr)),
    }
    Ok(())
}

/// A list answer (RFC 7644 3.4.2).
fn list_response(total: i64, paging: Paging, resources: Vec<Value>) -> Value {
    json!({
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
        "totalResults": total,
        "startIndex": paging.start,
        "itemsPerPage": resources.len(),
        "Resources": resources,
    })
}

// ----- Users -----

const USER_COLUMNS: &str = "p.id, p.email, p.name, p.job_title, p.active, p.manager_id, \
    m.name as manager_name, p.unit_id, u.name as unit_name, p.external_id, p.scim_user_name, \
    p.scim_extra, p.created_at, p.updated_at";
const USER_FROM: &str = "from person p left join person m on m.id = p.manager_id \
    left join org_unit u on u.id = p.unit_id where p.scim_removed_at is null";

#[derive(FromRow)]
struct UserRow {
    id: i64,
    email: String,
    name: String,
    job_title: String,
    active: i64,
    manager_id: Option<i64>,
    manager_name: Option<String>,
    unit_id: Option<i64>,
    unit_name: Option<String>,
    external_id: Option<String>,
    scim_user_name: Option<String>,
    scim_extra: Option<String>,
    created_at: i64,
    updated_at: i64,
}

/// Where a resource lives, for `meta.location` and `$ref`.
fn location(base: &str, kind: &str, id: i64) -> String {
    format!("{}/scim/v2/{kind}/{id}", base.trim_end_matches('/'))
}

fn meta(base: &str, kind: &str, id: i64, created: i64, updated: i64) -> Value {
    json!({
        "resourceType": kind.trim_end_matches('s'),
        "created": rfc3339(created, "Z"),
        "lastModified": rfc3339(updated.max(created), "Z"),
        "location": location(base, kind, id),
        "version": version(updated),
    })
}

impl UserRow {
    fn resource(&self, base: &str) -> Resource {
        let extra: Map<String, Value> = self
            .scim_extra
            .as_deref()
            .and_then(|t| serde_json::from_str(t).ok())
            .unwrap_or_default();
        let mut name = json!({ "formatted": self.name });
        for part in ["givenName", "familyName"] {
            if let Some(v) = extra.get(part) {
                name[part] = v.clone();
            }
        }
        let mut body = json!({
            "schemas": [USER, ENTERPRISE],
            "id": self.id.to_string(),
            "userName": self.scim_user_name.as_deref().unwrap_or(&self.email),
            "name": name,
            "displayName": self.name,
            "active": self.active == 1,
            "emails": [{ "value": self.email, "type": "work", "primary": true }],
            "meta": meta(base, "Users", self.id, self.created_at, self.updated_at),
        });
        if let Some(x) = &self.external_id {
            body["externalId"] = Value::from(x.as_str());
        }
        if !self.job_title.is_empty() {
            body["title"] = Value::from(self.job_title.as_str());
        }
        if let (Some(u), Some(n)) = (self.unit_id, &self.unit_name) {
            body["groups"] = json!([{
                "value": u.to_string(), "display": n, "$ref": location(base, "Groups", u),
            }]);
        }
        let mut ext = Map::new();
        if let Some(m) = self.manager_id {
            ext.insert(
                "manager".into(),
                json!({
                    "value": m.to_string(),
                    "displayName": self.manager_name,
                    "$ref": location(base, "Users", m),
                }),
            );
        }
        if let Some(d) = extra.get("department") {
            ext.insert("department".into(), d.clone());
        }
        if !ext.is_empty() {
            body[ENTERPRISE] = Value::Object(ext);
        }
        Resource {
            body,
            version: version(self.updated_at),
        }
    }

    /// The user as the domain rules see it, for PATCH to change.
    fn scim_user(&self) -> ScimUser {
        let extra: Map<String, Value> = self
            .scim_extra
            .as_deref()
            .and_then(|t| serde_json::from_str(t).ok())
            .unwrap_or_default();
        let text = |k: &str| extra.get(k).and_then(Value::as_str).map(str::to_string);
        ScimUser {
            user_name: self
                .scim_user_name
                .clone()
                .unwrap_or_else(|| self.email.clone()),
            external_id: self.external_id.clone(),
            display_name: Some(self.name.clone()),
            given_name: text("givenName"),
            family_name: text("familyName"),
            formatted: None,
            title: (!self.job_title.is_empty()).then(|| self.job_title.clone()),
            active: self.active == 1,
            email: Some(self.email.clone()),
            manager: self.manager_id.map(|m| m.to_string()),
            department: text("department"),
        }
    }
}

async fn user_row<'e, E>(exec: E, id: i64) -> Result<Option<UserRow>>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "select {USER_COLUMNS} {USER_FROM} and p.id = $1"
    )))
    .bind(id)
    .fetch_optional(exec)
    .await?)
}

/// `GET /Users`: people matching `filter`, a page at a time.
#[tracing::instrument(skip_all)]
pub async fn list_users(
    db: &Db,
    base: &str,
    filter: Option<&str>,
    paging: Paging,
) -> Result<Value> {
    let mut w = Where::default();
    if let Some(f) = filter {
        user_where(&parse_filter(f)?, &mut w)?;
    }
    let total: (i64,) = w
        .bind(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "select count(*) from person p where p.scim_removed_at is null{}",
            w.sql()
        ))))
        .fetch_one(&db.pool)
        .await?;
    let (limit, offset) = (paging.count, paging.start - 1);
    let rows: Vec<UserRow> = w
        .bind(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "select {USER_COLUMNS} {USER_FROM}{} order by p.id limit {limit} offset {offset}",
            w.sql()
        ))))
        .fetch_all(&db.pool)
        .await?;
    let resources = rows.iter().map(|r| r.resource(base).body).collect();
    Ok(list_response(total.0, paging, resources))
}

/// `GET /Users/{id}`.
#[tracing::instrument(skip_all)]
pub async fn get_user(db: &Db, base: &str, id: &str) -> Result<Resource> {
    let row = match id_of(id) {
        Some(n) => user_row(&db.pool, n).await?,
        None => None,
    };
    row.map(|r| r.resource(base))
        .ok_or_else(|| ScimFailure::not_found("user", id))
}

/// What a user's attributes become in the person's columns.
struct PersonColumns {
    email: String,
    name: String,
    job_title: String,
    active: bool,
    manager: Option<i64>,
    external_id: Option<String>,
    user_name: Option<String>,
    extra: Option<String>,
}

/// Checks a user's attributes against the rules the admin's form follows, naming the SCIM
/// attribute at fault.
async fn columns(db: &Db, u: &ScimUser, id: Option<i64>) -> Result<PersonColumns> {
    let email = Email::parse("emails", u.email_address()).map_err(|e| {
        ScimFailure::invalid(format!(
            "emails (else userName): {} is not an e-mail address Proficio can use: {}",
            u.email_address(),
            e.message
        ))
    })?;
    let name = PersonName::parse("displayName", &u.person_name())
        .map_err(|e| ScimFailure::invalid(format!("displayName: {}", e.message)))?
        .into_string();
    let job_title = ShortText::optional(
        "title",
        "the job title",
        u.title.as_deref().unwrap_or(""),
        120,
    )
    .map_err(|e| ScimFailure::invalid(format!("title: {}", e.message)))?
    .into_string();
    let manager = match u.manager.as_deref() {
        None => None,
        Some(m) => {
            let found: Option<i64> = match id_of(m) {
                Some(n) => {
                    sqlx::query_scalar(
                        "select id from person where id = $1 and scim_removed_at is null",
                    )
                    .bind(n)
                    .fetch_optional(&db.pool)
                    .await?
                }
                None => None,
            };
            let found = found.ok_or_else(|| {
                ScimFailure::invalid(format!("manager: no user has the id {m:?}"))
            })?;
            if let Some(me) = id {
                super::people::check_reporting_line(db, PersonId(me), PersonId(found))
                    .await
                    .map_err(|e| match e {
                        AppError::Invalid(f) => {
                            ScimFailure::invalid(format!("manager: {}", f.message))
                        }
                        other => other.into(),
                    })?;
            }
            Some(found)
        }
    };
    let mut extra = Map::new();
    for (k, v) in [
        ("givenName", &u.given_name),
        ("familyName", &u.family_name),
        ("department", &u.department),
    ] {
        if let Some(v) = v {
            extra.insert(k.into(), Value::from(v.as_str()));
        }
    }
    let user_name = (u.user_name.to_lowercase() != email.as_str()).then(|| u.user_name.clone());
    Ok(PersonColumns {
        email: email.as_str().to_string(),
        name,
        job_title,
        active: u.active,
        manager,
        external_id: u.external_id.clone(),
        user_name,
        extra: (!extra.is_empty()).then(|| Value::Object(extra).to_string()),
    })
}

/// The person (other than `except`) whose SCIM `userName` is `user_name`, and whether SCIM
/// deleted them.
async fn holder_of(
    conn: &mut sqlx::AnyConnection,
    user_name: &str,
    except: i64,
) -> Result<Option<(i64, bool)>> {
    let row: Option<(i64, Option<i64>)> = sqlx::query_as(
        "select id, scim_removed_at from person \
         where (lower(scim_user_name) = lower($1) or (scim_user_name is null and email = lower($2))) \
         and id <> $3 order by id limit 1",
    )
    .bind(user_name)
    .bind(user_name)
    .bind(except)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(|(id, removed)| (id, removed.is_some())))
}

fn taken(e: sqlx::Error) -> ScimFailure {
    match unique_or(e, || AppError::Conflict(String::new())) {
        AppError::Conflict(_) => {
            ScimFailure::uniqueness("Another user already has this userName, e-mail or externalId.")
        }
        other => other.into(),
    }
}

/// Writes `c` over person `id` in `tx`: counters, sessions (ended when deactivated) and the
/// audit entry with the token, as an admin's change would.
async fn write_person(
    tx: &mut WriteTx,
    token: i64,
    id: i64,
    c: &PersonColumns,
    restore: bool,
) -> Result<()> {
    let current: (i64, String, i64) =
        sqlx::query_as("select active, role, updated_at from person where id = $1")
            .bind(id)
            .fetch_one(&mut **tx)
            .await?;
    if current.0 == 1
        && !c.active
        && current.1 == "admin"
        && super::people::active_admins_other_than(&mut **tx, PersonId(id)).await? == 0
    {
        return Err(ScimFailure::new(
            400,
            Some("mutability"),
            "active: this is Proficio's last active admin and cannot be deactivated; make \
             someone else an admin first",
        ));
    }
    let before = audit::PERSON.state(&mut **tx, id).await?;
    let pending = super::stats::before(tx, vec![id], None).await?;
    sqlx::query(
        "update person set email = $1, name = $2, job_title = $3, active = $4, manager_id = $5, \
         external_id = $6, scim_user_name = $7, scim_extra = $8, scim_removed_at = null, \
         updated_at = $9, scim_synced_at = $9 where id = $10",
    )
    .bind(&c.email)
    .bind(&c.name)
    .bind(&c.job_title)
    .bind(i64::from(c.active))
    .bind(c.manager)
    .bind(&c.external_id)
    .bind(&c.user_name)
    .bind(&c.extra)
    .bind(next_version(current.2))
    .bind(id)
    .execute(&mut **tx)
    .await
    .map_err(taken)?;
    if !c.active {
        sqlx::query("delete from session where person_id = $1")
            .bind(id)
            .execute(&mut **tx)
            .await?;
    }
    pending.after(tx).await?;
    let after = audit::via_token(audit::PERSON.state(&mut **tx, id).await?, Some(token));
    let action = match (restore, current.0 == 1, c.active) {
        (true, _, _) => "restore",
        (_, true, false) => "deactivate",
        (_, false, true) => "reactivate",
        _ => "update",
    };
    audit::record(&mut **tx, None, action, "person", id, before, after).await?;
    Ok(())
}

/// `POST /Users`: adds a person (an employee, no password), or brings back the one SCIM
/// deleted with this `userName`.
#[tracing::instrument(skip_all, fields(token))]
pub async fn create_user(db: &Db, base: &str, token: i64, body: &Value) -> Result<Resource> {
    let u = ScimUser::from_json(body)?;
    let c = columns(db, &u, None).await?;
    let mut tx = db.begin_write().await?;
    let id = match holder_of(&mut tx, &u.user_name, 0).await? {
        Some((_, false)) => {
            return Err(ScimFailure::uniqueness(format!(
                "userName: a user named {:?} exists already",
                u.user_name
            )))
        }
        Some((id, true)) => {
            write_person(&mut tx, token, id, &c, true).await?;
            id
        }
        None => {
            let now = now_ms();
            let id: i64 = sqlx::query_scalar(
                "insert into person (email, name, job_title, role, manager_id, active, external_id, \
                 scim_user_name, scim_extra, created_at, updated_at, scim_synced_at) \
                 values ($1, $2, $3, 'employee', $4, $5, $6, $7, $8, $9, $9, $9) returning id",
            )
            .bind(&c.email)
            .bind(&c.name)
            .bind(&c.job_title)
            .bind(c.manager)
            .bind(i64::from(c.active))
            .bind(&c.external_id)
            .bind(&c.user_name)
            .bind(&c.extra)
            .bind(now)
            .fetch_one(&mut *tx)
            .await
            .map_err(taken)?;
            super::people::added(&mut tx, id, None, Some(token)).await?;
            id
        }
    };
    let row = user_row(&mut *tx, id).await?;
    tx.commit().await?;
    tracing::info!(person = id, "person provisioned over SCIM");
    row.map(|r| r.resource(base))
        .ok_or_else(|| ScimFailure::not_found("user", &id.to_string()))
}

/// How a change to an existing user reads the new state from the old.
pub enum UserChange<'a> {
    /// `PUT`: the body is the whole user.
    Replace(&'a Value),
    /// `PATCH`: the body's operations change the user.
    Patch(&'a Value),
}

/// `PUT` or `PATCH /Users/{id}`, if `if_match` (when sent) names the current version.
#[tracing::instrument(skip_all, fields(token))]
pub async fn change_user(
    db: &Db,
    base: &str,
    token: i64,
    id: &str,
    if_match: Option<&str>,
    change: UserChange<'_>,
) -> Result<Resource> {
    let n = id_of(id).ok_or_else(|| ScimFailure::not_found("user", id))?;
    let row = user_row(&db.pool, n)
        .await?
        .ok_or_else(|| ScimFailure::not_found("user", id))?;
    check_version(if_match, row.updated_at)?;
    let u = match change {
        UserChange::Replace(body) => ScimUser::from_json(body)?,
        UserChange::Patch(body) => {
            let mut u = row.scim_user();
            u.patch(body)?;
            u
        }
    };
    let c = columns(db, &u, Some(n)).await?;
    let mut tx = db.begin_write().await?;
    // Checked again under the write turn: another change may have come first.
    let now: Option<i64> = sqlx::query_scalar(
        "select updated_at from person where id = $1 and scim_removed_at is null",
    )
    .bind(n)
    .fetch_optional(&mut *tx)
    .await?;
    let now = now.ok_or_else(|| ScimFailure::not_found("user", id))?;
    if if_match.is_some() {
        check_version(if_match, now)?;
    }
    if holder_of(&mut tx, &u.user_name, n).await?.is_some() {
        return Err(ScimFailure::uniqueness(format!(
            "userName: another user is named {:?}",
            u.user_name
        )));
    }
    write_person(&mut tx, token, n, &c, false).await?;
    let row = user_row(&mut *tx, n).await?;
    tx.commit().await?;
    row.map(|r| r.resource(base))
        .ok_or_else(|| ScimFailure::not_found("user", id))
}

/// `DELETE /Users/{id}`: deactivates the person, ends their sessions, and hides them from
/// SCIM (their history stays). Their `externalId` is let go; a later create of the same
/// `userName` brings them back.
#[tracing::instrument(skip_all, fields(token))]
pub async fn delete_user(db: &Db, token: i64, id: &str, if_match: Option<&str>) -> Result<()> {
    let n = id_of(id).ok_or_else(|| ScimFailure::not_found("user", id))?;
    let row = user_row(&db.pool, n)
        .await?
        .ok_or_else(|| ScimFailure::not_found("user", id))?;
    check_version(if_match, row.updated_at)?;
    let mut c = columns(db, &row.scim_user(), Some(n)).await?;
    c.active = false;
    let mut tx = db.begin_write().await?;
    write_person(&mut tx, token, n, &c, false).await?;
    sqlx::query("update person set scim_removed_at = $1, external_id = null where id = $2")
        .bind(now_ms())
        .bind(n)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut *tx,
        None,
        "scim-delete",
        "person",
        n,
        None,
        audit::via_token(None, Some(token)),
    )
    .await?;
    tx.commit().await?;
    tracing::info!(person = n, "person deprovisioned over SCIM");
    Ok(())
}

// ----- Groups -----

#[derive(FromRow)]
struct GroupRow {
    id: i64,
    name: String,
    external_id: Option<String>,
    created_at: i64,
    updated_at: i64,
}

const GROUP_COLUMNS: &str = "u.id, u.name, u.external_id, u.created_at, u.updated_at";

/// The members of `units` (id, name, unit), in id order.
async fn members_of(db: &Db, units: &[i64]) -> Result<Vec<(i64, String, i64)>> {
    if units.is_empty() {
        return Ok(Vec::new());
    }
    let list = units
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(",");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "select id, name, unit_id from person where unit_id in ({list}) \
         and scim_removed_at is null order by id"
    )))
    .fetch_all(&db.pool)
    .await?)
}

fn group_resource(base: &str, g: &GroupRow, members: Option<&[(i64, String, i64)]>) -> Resource {
    let updated = g.updated_at.max(g.created_at);
    let mut body = json!({
        "schemas": [GROUP],
        "id": g.id.to_string(),
        "displayName": g.name,
        "meta": meta(base, "Groups", g.id, g.created_at, updated),
    });
    if let Some(x) = &g.external_id {
        body["externalId"] = Value::from(x.as_str());
    }
    if let Some(ms) = members {
        body["members"] = ms
            .iter()
            .filter(|m| m.2 == g.id)
            .map(|(id, name, _)| {
                json!({"value": id.to_string(), "display": name, "$ref": location(base, "Users", *id), "type": "User"})
            })
            .collect();
    }
    Resource {
        body,
        version: version(updated),
    }
}

async fn group_row<'e, E>(exec: E, id: i64) -> Result<Option<GroupRow>>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "select {GROUP_COLUMNS} from org_unit u where u.id = $1"
    )))
    .bind(id)
    .fetch_optional(exec)
    .await?)
}

/// `GET /Groups`: units matching `filter`, with their members unless `members` is left out.
#[tracing::instrument(skip_all)]
pub async fn list_groups(
    db: &Db,
    base: &str,
    filter: Option<&str>,
    paging: Paging,
    with_members: bool,
) -> Result<Value> {
    let mut w = Where::default();
    if let Some(f) = filter {
        group_where(&parse_filter(f)?, &mut w)?;
    }
    let total: (i64,) = w
        .bind(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "select count(*) from org_unit u where 1 = 1{}",
            w.sql()
        ))))
        .fetch_one(&db.pool)
        .await?;
    let (limit, offset) = (paging.count, paging.start - 1);
    let rows: Vec<GroupRow> = w
        .bind(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "select {GROUP_COLUMNS} from org_unit u where 1 = 1{} order by u.id \
             limit {limit} offset {offset}",
            w.sql()
        ))))
        .fetch_all(&db.pool)
        .await?;
    let members = if with_members {
        Some(members_of(db, &rows.iter().map(|g| g.id).collect::<Vec<_>>()).await?)
    } else {
        None
    };
    let resources = rows
        .iter()
        .map(|g| group_resource(base, g, members.as_deref()).body)
        .collect();
    Ok(list_response(total.0, paging, resources))
}

/// `GET /Groups/{id}`.
#[tracing::instrument(skip_all)]
pub async fn get_group(db: &Db, base: &str, id: &str, with_members: bool) -> Result<Resource> {
    let n = id_of(id).ok_or_else(|| ScimFailure::not_found("group", id))?;
    let g = group_row(&db.pool, n)
        .await?
        .ok_or_else(|| ScimFailure::not_found("group", id))?;
    let members = if with_members {
        Some(members_of(db, &[n]).await?)
    } else {
        None
    };
    Ok(group_resource(base, &g, members.as_deref()))
}

/// The people `ids` name, each a user SCIM can see; refuses the request, naming the first
/// that is not.
async fn member_people(db: &Db, ids: &[String]) -> Result<Vec<i64>> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(200) {
        let nums: Vec<i64> = chunk.iter().filter_map(|s| id_of(s)).collect();
        let found: Vec<(i64,)> = if nums.is_empty() {
            Vec::new()
        } else {
            let list = nums
                .iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(",");
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "select id from person where id in ({list}) and scim_removed_at is null"
            )))
            .fetch_all(&db.pool)
            .await?
        };
        for s in chunk {
            match id_of(s) {
                Some(n) if found.iter().any(|f| f.0 == n) => out.push(n),
                _ => {
                    return Err(ScimFailure::invalid(format!(
                        "members: no user has the id {s:?}"
                    )))
                }
            }
        }
    }
    Ok(out)
}

/// What a group change does to its unit: the new name and external id, and who is in it.
struct GroupState {
    name: String,
    external_id: Option<String>,
    members: std::collections::BTreeSet<i64>,
}

/// Writes a group's state over unit `id` (created when None): people who join are moved
/// from their old unit, people who leave have no unit after. Counters and audit as an
/// admin's change would.
async fn write_group(
    db: &Db,
    token: i64,
    id: Option<i64>,
    state: GroupState,
    if_match: Option<&str>,
) -> Result<i64> {
    let name = ShortText::required("displayName", "a group name", &state.name, 120)
        .map_err(|e| ScimFailure::invalid(format!("displayName: {}", e.message)))?
        .into_string();
    let mut tx = db.begin_write().await?;
    let now = now_ms();
    let (id, before) = match id {
        Some(id) => {
            let g = group_row(&mut *tx, id)
                .await?
                .ok_or_else(|| ScimFailure::not_found("group", &id.to_string()))?;
            check_version(if_match, g.updated_at.max(g.created_at))?;
            let before = audit::UNIT.state(&mut *tx, id).await?;
            sqlx::query(
                "update org_unit set name = $1, external_id = $2, updated_at = $3 where id = $4",
            )
            .bind(&name)
            .bind(&state.external_id)
            .bind(next_version(g.updated_at.max(g.created_at)))
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(taken)?;
            (id, before)
        }
        None => {
            let id: i64 = sqlx::query_scalar(
                "insert into org_unit (name, external_id, created_at, updated_at) \
                 values ($1, $2, $3, $3) returning id",
            )
            .bind(&name)
            .bind(&state.external_id)
            .bind(now)
            .fetch_one(&mut *tx)
            .await
            .map_err(taken)?;
            (id, None)
        }
    };
    let current: Vec<(i64,)> =
        sqlx::query_as("select id from person where unit_id = $1 and scim_removed_at is null")
            .bind(id)
            .fetch_all(&mut *tx)
            .await?;
    let current: std::collections::BTreeSet<i64> = current.into_iter().map(|r| r.0).collect();
    let joining: Vec<i64> = state.members.difference(&current).copied().collect();
    let leaving: Vec<i64> = current.difference(&state.members).copied().collect();
    if !joining.is_empty() || !leaving.is_empty() {
        let moved: Vec<i64> = joining.iter().chain(&leaving).copied().collect();
        let pending = super::stats::before(&mut tx, moved.clone(), None).await?;
        // The units people leave for this one change too: a new version for each.
        for chunk in joining.chunks(200) {
            let list = chunk
                .iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(",");
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "update org_unit set updated_at = $1 where id <> $2 and id in \
                 (select unit_id from person where id in ({list}))"
            )))
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        }
        for (people, unit) in [(&joining, Some(id)), (&leaving, None)] {
            for chunk in people.chunks(200) {
                let list = chunk
                    .iter()
                    .map(i64::to_string)
                    .collect::<Vec<_>>()
                    .join(",");
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "update person set unit_id = $1, updated_at = $2 where id in ({list})"
                )))
                .bind(unit)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
        }
        pending.after(&mut tx).await?;
    }
    let after = audit::via_token(audit::UNIT.state(&mut *tx, id).await?, Some(token));
    let mut after = after.unwrap_or_else(|| json!({}));
    after["joined"] = json!(joining);
    after["left"] = json!(leaving);
    let action = if before.is_some() { "update" } else { "create" };
    audit::record(&mut *tx, None, action, "org_unit", id, before, Some(after)).await?;
    tx.commit().await?;
    Ok(id)
}

/// `POST /Groups`: a new org unit at the top of the tree, with its members.
#[tracing::instrument(skip_all, fields(token))]
pub async fn create_group(db: &Db, base: &str, token: i64, body: &Value) -> Result<Resource> {
    let g = ScimGroup::from_json(body)?;
    let taken: Option<i64> =
        sqlx::query_scalar("select id from org_unit where lower(name) = lower($1)")
            .bind(&g.display_name)
            .fetch_optional(&db.pool)
            .await?;
    if taken.is_some() {
        return Err(ScimFailure::uniqueness(format!(
            "displayName: a group named {:?} exists already",
            g.display_name
        )));
    }
    let members = member_people(db, g.members.as_deref().unwrap_or_default()).await?;
    let state = GroupState {
        name: g.display_name,
        external_id: g.external_id,
        members: members.into_iter().collect(),
    };
    let id = write_group(db, token, None, state, None).await?;
    get_group(db, base, &id.to_string(), true).await
}

/// `PUT` or `PATCH /Groups/{id}`, if `if_match` (when sent) names the current version.
/// Answers the group without members when `with_members` is false.
#[tracing::instrument(skip_all, fields(token))]
pub async fn change_group(
    db: &Db,
    base: &str,
    token: i64,
    id: &str,
    if_match: Option<&str>,
    change: UserChange<'_>,
    with_members: bool,
) -> Result<Resource> {
    let n = id_of(id).ok_or_else(|| ScimFailure::not_found("group", id))?;
    let g = group_row(&db.pool, n)
        .await?
        .ok_or_else(|| ScimFailure::not_found("group", id))?;
    check_version(if_match, g.updated_at.max(g.created_at))?;
    let current: Vec<(i64,)> =
        sqlx::query_as("select id from person where unit_id = $1 and scim_removed_at is null")
            .bind(n)
            .fetch_all(&db.pool)
            .await?;
    let mut state = GroupState {
        name: g.name,
        external_id: g.external_id,
        members: current.into_iter().map(|r| r.0).collect(),
    };
    match change {
        UserChange::Replace(body) => {
            let g = ScimGroup::from_json(body)?;
            state.name = g.display_name;
            state.external_id = g.external_id;
            if let Some(m) = g.members {
                state.members = member_people(db, &m).await?.into_iter().collect();
            }
        }
        UserChange::Patch(body) => {
            for c in group_patch(body)? {
                match c {
                    GroupChange::DisplayName(name) => state.name = name,
                    GroupChange::ExternalId(x) => state.external_id = x,
                    GroupChange::Add(ids) => state.members.extend(member_people(db, &ids).await?),
                    GroupChange::Remove(ids) => {
                        // Removing someone who is not a member changes nothing.
                        for s in ids {
                            if let Some(m) = id_of(&s) {
                                state.members.remove(&m);
                            }
                        }
                    }
                    GroupChange::Replace(ids) => {
                        state.members = member_people(db, &ids).await?.into_iter().collect()
                    }
                }
            }
        }
    }
    write_group(db, token, Some(n), state, if_match).await?;
    get_group(db, base, id, with_members).await
}

/// `DELETE /Groups/{id}`: deletes the org unit; its people have no unit after (they stay).
/// A unit with sub-units is refused: they would lose their place in the tree.
#[tracing::instrument(skip_all, fields(token))]
pub async fn delete_group(db: &Db, token: i64, id: &str, if_match: Option<&str>) -> Result<()> {
    let n = id_of(id).ok_or_else(|| ScimFailure::not_found("group", id))?;
    let mut tx = db.begin_write().await?;
    let g = group_row(&mut *tx, n)
        .await?
        .ok_or_else(|| ScimFailure::not_found("group", id))?;
    check_version(if_match, g.updated_at.max(g.created_at))?;
    let children: i64 = sqlx::query_scalar("select count(*) from org_unit where parent_id = $1")
        .bind(n)
        .fetch_one(&mut *tx)
        .await?;
    if children > 0 {
        return Err(ScimFailure::new(
            409,
            None,
            format!(
                "The group {:?} has {children} sub-unit(s) in Proficio; move them first.",
                g.name
            ),
        ));
    }
    let before = audit::UNIT.state(&mut *tx, n).await?;
    let people: Vec<(i64,)> = sqlx::query_as("select id from person where unit_id = $1")
        .bind(n)
        .fetch_all(&mut *tx)
        .await?;
    let people: Vec<i64> = people.into_iter().map(|r| r.0).collect();
    let pending = super::stats::before(&mut tx, people, None).await?;
    sqlx::query("update person set unit_id = null, updated_at = $1 where unit_id = $2")
        .bind(now_ms())
        .bind(n)
        .execute(&mut *tx)
        .await?;
    sqlx::query("update job_position set unit_id = null where unit_id = $1")
        .bind(n)
        .execute(&mut *tx)
        .await?;
    sqlx::query("delete from org_unit where id = $1")
        .bind(n)
        .execute(&mut *tx)
        .await?;
    pending.after(&mut tx).await?;
    let after = audit::via_token(None, Some(token));
    audit::record(&mut *tx, None, "delete", "org_unit", n, before, after).await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_match_takes_a_star_or_the_current_version_weak_or_strong() {
        let v = version(1700);
        assert!(matches("*", &v));
        assert!(matches("W/\"1700\"", &v));
        assert!(matches("\"1700\"", &v));
        assert!(matches("W/\"1\", W/\"1700\"", &v));
        assert!(!matches("W/\"1699\"", &v));
        assert!(next_version(i64::MAX / 2) > i64::MAX / 2);
    }

    #[test]
    fn paging_is_clamped_and_bad_numbers_are_named() {
        assert_eq!(
            Paging::parse(None, None).unwrap(),
            Paging {
                start: 1,
                count: DEFAULT_COUNT
            }
        );
        assert_eq!(
            Paging::parse(Some("0"), Some("100000")).unwrap(),
            Paging {
                start: 1,
                count: MAX_COUNT
            }
        );
        assert_eq!(Paging::parse(Some("5"), Some("-3")).unwrap().count, 0);
        let e = Paging::parse(Some("x"), None).unwrap_err();
        assert!(e.detail.starts_with("startIndex"), "{}", e.detail);
        assert_eq!(e.status, 400);
    }

    #[test]
    fn ids_are_digits_only() {
        assert_eq!(id_of("42"), Some(42));
        for bad in ["", "-1", "4 2", "1e3", "9999999999999999", "٣"] {
            assert_eq!(id_of(bad), None, "{bad}");
        }
    }
}

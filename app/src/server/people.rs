//! The organisation directory: people, units and reporting lines, with the visibility
//! rule of the design (self; direct and indirect reports; everyone for admins and HR).

use super::audit;
use super::auth::{check_new_password, hash_password};
use super::ctx::unique_or;
use super::db::{with_team, Db, WriteTx};
use super::now_ms;
use crate::api::people::PersonInput;
use crate::api::AppError;
use crate::domain::count;
use crate::domain::directory::{
    headcount_by_branch, order_units, HomeSummary, OrgFigures, PeoplePage, PersonDetail,
    PersonSummary, UnitSummary,
};
use crate::domain::{
    would_create_cycle, CurrentUser, CycleError, Email, PersonId, PersonName, Role, ShortText,
    UnitId,
};
use sqlx::{Any, Executor, FromRow, Row};
use std::collections::HashMap;

/// Rows per page of the people list.
pub const PER_PAGE: u32 = 25;

const SUMMARY_SELECT: &str = "select p.id, p.name, p.email, p.job_title, p.role, p.unit_id, u.name as unit_name, \
     p.manager_id, m.name as manager_name, m.email as manager_email, p.active, \
     (select count(*) from person r where r.manager_id = p.id and r.active = 1) as reports \
     from person p left join org_unit u on u.id = p.unit_id left join person m on m.id = p.manager_id";

#[derive(FromRow)]
struct SummaryRow {
    id: i64,
    name: String,
    email: String,
    job_title: String,
    role: String,
    unit_id: Option<i64>,
    unit_name: Option<String>,
    manager_id: Option<i64>,
    manager_name: Option<String>,
    manager_email: Option<String>,
    active: i64,
    reports: i64,
}

impl From<SummaryRow> for PersonSummary {
    fn from(r: SummaryRow) -> Self {
        PersonSummary {
            id: PersonId(r.id),
            name: r.name,
            email: r.email,
            job_title: r.job_title,
            role: Role::parse(&r.role).unwrap_or(Role::Employee),
            unit: r.unit_id.zip(r.unit_name).map(|(id, n)| (UnitId(id), n)),
            manager: r
                .manager_id
                .zip(r.manager_name)
                .map(|(id, n)| (PersonId(id), n)),
            manager_email: r.manager_email,
            active: r.active == 1,
            direct_reports: count(r.reports),
        }
    }
}

async fn summaries(db: &Db, filter: &str, id: i64) -> Result<Vec<PersonSummary>, AppError> {
    let sql = format!("{SUMMARY_SELECT} where {filter} order by lower(p.name), p.id");
    let rows: Vec<SummaryRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_all(&db.pool)
        .await?;
    Ok(rows.into_iter().map(Into::into).collect())
}

async fn summary(db: &Db, id: PersonId) -> Result<PersonSummary, AppError> {
    summaries(db, "p.id = $1", id.0)
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| AppError::NotFound("That person".into()))
}

/// The managers above `id`, nearest first (bounded, so corrupt data cannot loop).
async fn chain_above(
    db: &Db,
    id: PersonId,
) -> Result<Vec<(PersonId, Option<PersonId>, String)>, AppError> {
    let rows: Vec<(i64, Option<i64>, String, i64)> = sqlx::query_as(
        "with recursive up(id, manager_id, name, depth) as ( \
           select id, manager_id, name, 0 from person where id = $1 \
           union all \
           select p.id, p.manager_id, p.name, up.depth + 1 from person p join up on p.id = up.manager_id \
           where up.depth < 1000) \
         select id, manager_id, name, depth from up order by depth",
    )
    .bind(id.0)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, m, name, _)| (PersonId(id), m.map(PersonId), name))
        .collect())
}

/// Whether `me` may see `target`'s data: themself, someone below them in the reporting
/// line, or anyone if they view all.
#[tracing::instrument(skip_all, fields(caller = me.id.0, target = target.0))]
pub async fn can_see(db: &Db, me: &CurrentUser, target: PersonId) -> Result<bool, AppError> {
    if me.id == target || me.caps().view_all {
        return Ok(true);
    }
    let chain = chain_above(db, target).await?;
    Ok(chain.iter().skip(1).any(|(id, _, _)| *id == me.id))
}

/// Whether `me` manages `target`, directly or through other managers.
#[tracing::instrument(skip_all, fields(caller = me.0, target = target.0))]
pub async fn manages(db: &Db, me: PersonId, target: PersonId) -> Result<bool, AppError> {
    if me == target {
        return Ok(false);
    }
    let chain = chain_above(db, target).await?;
    Ok(chain.iter().skip(1).any(|(id, _, _)| *id == me))
}

/// Number of direct and indirect reports of `id`.
#[tracing::instrument(skip_all, fields(id = id.0))]
pub async fn count_all_reports(db: &Db, id: PersonId) -> Result<u32, AppError> {
    // `cross join` keeps the team the outer loop on SQLite: with a plain join the planner
    // may scan every person and probe the team, 15 ms at 100,000 people for someone who
    // manages nobody (every home page of most people).
    let n: i64 = sqlx::query_scalar(with_team!(
        "select count(*) from team t cross join person p where p.id = t.id and p.active = 1"
    ))
    .bind(id.0)
    .fetch_one(&db.pool)
    .await?;
    Ok(count(n))
}

/// The figures on the caller's home screen.
#[tracing::instrument(skip_all, fields(caller = me.id.0))]
pub async fn home_summary(db: &Db, me: &CurrentUser) -> Result<HomeSummary, AppError> {
    let me_row = summary(db, me.id).await?;
    let team = summaries(db, "p.manager_id = $1 and p.active = 1", me.id.0).await?;
    let all_reports = count_all_reports(db, me.id).await?;
    let org = if me.caps().view_all {
        Some(org_figures(db).await?)
    } else {
        None
    };
    let (position, target) = held_titles(db, me.id).await?;
    Ok(HomeSummary {
        me: me_row,
        team,
        all_reports,
        org,
        position,
        target,
    })
}

async fn org_figures(db: &Db) -> Result<OrgFigures, AppError> {
    let (active, inactive, unit_count, managers): (i64, i64, i64, i64) = sqlx::query_as(
        "select (select count(*) from person where active = 1), \
                (select count(*) from person where active = 0), \
                (select count(*) from org_unit), \
                (select count(distinct manager_id) from person where manager_id is not null and active = 1)",
    )
    .fetch_one(&db.pool)
    .await?;
    let by_unit = headcount_by_branch(&units(db).await?);
    let u = |n: i64| u64::try_from(n).unwrap_or(0);
    Ok(OrgFigures {
        active_people: u(active),
        inactive_people: u(inactive),
        units: u(unit_count),
        managers: u(managers),
        by_unit,
    })
}

fn parse_optional_id(field: &str, raw: &str, what: &str) -> Result<Option<i64>, AppError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    raw.parse::<i64>()
        .map(Some)
        .map_err(|_| AppError::invalid(field, format!("Choose {what} from the list.")))
}

/// Searches the directory. Admins and HR viewers search everyone; managers their direct
/// and indirect reports; others may not list people.
#[tracing::instrument(skip_all, fields(caller = me.id.0, include_inactive, page))]
pub async fn list(
    db: &Db,
    me: &CurrentUser,
    query: &str,
    unit_id: &str,
    include_inactive: bool,
    page: u32,
) -> Result<PeoplePage, AppError> {
    let caps = me.caps();
    if !caps.view_all && !caps.manage_team {
        return Err(AppError::Forbidden);
    }
    let unit = parse_optional_id("unit_id", unit_id, "a unit")?.unwrap_or(0);
    let term = query.trim().to_lowercase();
    if term.chars().count() > 200 {
        return Err(AppError::invalid(
            "query",
            "Keep the search to 200 characters or fewer.",
        ));
    }
    let pattern = format!(
        "%{}%",
        term.replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    );
    let page = page.max(1);
    let filter = with_team!(
        "{select} where ($2 = 1 or p.id in (select id from team)) \
           and ($3 = '' or lower(p.name) like $4 escape '\\' or p.email like $4 escape '\\' \
                or lower(p.job_title) like $4 escape '\\') \
           and ($5 = 0 or p.unit_id = $5) and ($6 = 1 or p.active = 1)"
    );
    let count_sql = filter.replace("{select}", "select count(*) from person p");
    let list_sql = format!(
        "{} order by lower(p.name), p.id limit $7 offset $8",
        filter.replace("{select}", SUMMARY_SELECT)
    );
    let everyone = i64::from(caps.view_all);
    let inactive = i64::from(include_inactive);
    // Both queries take the filter as $1 to $6.
    let filtered = |sql: String| {
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(me.id.0)
            .bind(everyone)
            .bind(&term)
            .bind(&pattern)
            .bind(unit)
            .bind(inactive)
    };
    let total: i64 = filtered(count_sql).fetch_one(&db.pool).await?.try_get(0)?;
    let rows: Vec<SummaryRow> = filtered(list_sql)
        .bind(i64::from(PER_PAGE))
        .bind(i64::from((page - 1) * PER_PAGE))
        .try_map(|row| SummaryRow::from_row(&row))
        .fetch_all(&db.pool)
        .await?;
    Ok(PeoplePage {
        items: rows.into_iter().map(Into::into).collect(),
        total: u64::try_from(total).unwrap_or(0),
        page,
        per_page: PER_PAGE,
    })
}

/// A position as (id, title).
type Titled = Option<(crate::domain::positions::PositionId, String)>;

/// The position a person holds and the one they aim for.
async fn held_titles(db: &Db, id: PersonId) -> Result<(Titled, Titled), AppError> {
    use crate::domain::positions::PositionId;
    let held: (Option<i64>, Option<String>, Option<i64>, Option<String>) = sqlx::query_as(
        "select a.id, a.title, b.id, b.title from person p \
         left join job_position a on a.id = p.position_id \
         left join job_position b on b.id = p.target_position_id where p.id = $1",
    )
    .bind(id.0)
    .fetch_one(&db.pool)
    .await?;
    Ok((
        held.0.zip(held.1).map(|(i, t)| (PositionId(i), t)),
        held.2.zip(held.3).map(|(i, t)| (PositionId(i), t)),
    ))
}

/// One person's profile, if the caller may see it. Someone the caller may not see is
/// reported as not found, so ids cannot be probed.
#[tracing::instrument(skip_all, fields(caller = me.id.0, id = id.0))]
pub async fn detail(db: &Db, me: &CurrentUser, id: PersonId) -> Result<PersonDetail, AppError> {
    if !can_see(db, me, id).await? {
        return Err(AppError::NotFound("That person".into()));
    }
    let person = summary(db, id).await?;
    let chain = chain_above(db, id)
        .await?
        .into_iter()
        .skip(1)
        .map(|(id, _, n)| (id, n))
        .collect();
    let reports = summaries(db, "p.manager_id = $1", id.0).await?;
    let (position, target) = held_titles(db, id).await?;
    let can_edit = me.caps().administer;
    let synced: Option<i64> = if can_edit {
        sqlx::query_scalar("select scim_synced_at from person where id = $1")
            .bind(id.0)
            .fetch_one(&db.pool)
            .await?
    } else {
        None
    };
    Ok(PersonDetail {
        person,
        chain,
        reports,
        can_edit,
        position,
        target,
        synced: synced.map(super::format_time),
    })
}

/// A person form, parsed.
struct PersonFields {
    name: String,
    email: Email,
    job_title: String,
    role: Role,
    unit: Option<UnitId>,
    manager: Option<PersonId>,
    password: Option<String>,
}

impl PersonFields {
    /// The hash of the new password, if there is one (taking it out of the fields).
    async fn new_hash(&mut self) -> Result<Option<String>, AppError> {
        match self.password.take() {
            Some(p) => Ok(Some(hash_password(p).await?)),
            None => Ok(None),
        }
    }

    /// `sql` with these fields bound as $1 to $6 (e-mail, name, job title, role, unit,
    /// manager), `hash` as $7 and now as $8.
    fn bound(
        &self,
        sql: &'static str,
        hash: Option<String>,
    ) -> sqlx::query::Query<'static, Any, sqlx::any::AnyArguments> {
        sqlx::query(sql)
            .bind(self.email.as_str())
            .bind(&self.name)
            .bind(&self.job_title)
            .bind(self.role.as_str())
            .bind(self.unit.map(|u| u.0))
            .bind(self.manager.map(|m| m.0))
            .bind(hash)
            .bind(now_ms())
    }
}

async fn parse_fields(
    db: &Db,
    input: PersonInput,
    needs_password: bool,
) -> Result<PersonFields, AppError> {
    let name = PersonName::parse("name", &input.name)?.into_string();
    let email = Email::parse("email", &input.email)?;
    let job_title =
        ShortText::optional("job_title", "the job title", &input.job_title, 120)?.into_string();
    let role = Role::parse(&input.role)
        .ok_or_else(|| AppError::invalid("role", "Choose a role: employee, HR viewer or admin."))?;
    let unit = parse_optional_id("unit_id", &input.unit_id, "a unit")?.map(UnitId);
    let manager = match input.manager_email.trim() {
        "" => None,
        raw => {
            let email = Email::parse("manager_email", raw)?;
            let row: Option<(i64, i64)> =
                sqlx::query_as("select id, active from person where email = $1")
                    .bind(email.as_str())
                    .fetch_optional(&db.pool)
                    .await?;
            match row {
                None => {
                    return Err(AppError::invalid(
                        "manager_email",
                        format!("Nobody has the e-mail {email}."),
                    ))
                }
                Some((_, 0)) => {
                    return Err(AppError::invalid(
                        "manager_email",
                        format!("{email} is deactivated; choose an active manager."),
                    ))
                }
                Some((id, _)) => Some(PersonId(id)),
            }
        }
    };
    let password = if input.password.is_empty() {
        if needs_password {
            return Err(AppError::invalid(
                "password",
                "Set a first password for the new person.",
            ));
        }
        None
    } else {
        check_new_password("password", &input.password)?;
        Some(input.password)
    };
    if let Some(u) = unit {
        unit_exists(
            db,
            u,
            "unit_id",
            "That unit no longer exists; choose another.",
        )
        .await?;
    }
    Ok(PersonFields {
        name,
        email,
        job_title,
        role,
        unit,
        manager,
        password,
    })
}

async fn email_taken(db: &Db, email: &Email, except: Option<PersonId>) -> Result<bool, AppError> {
    let n: i64 = sqlx::query_scalar("select count(*) from person where email = $1 and id <> $2")
        .bind(email.as_str())
        .bind(except.map_or(0, |p| p.0))
        .fetch_one(&db.pool)
        .await?;
    Ok(n > 0)
}

fn unique_to_field(e: sqlx::Error) -> AppError {
    unique_or(e, || {
        AppError::invalid("email", "Someone already uses this e-mail address.")
    })
}

/// Adds an administrator from the command line (`proficio admin create`): the way a new
/// database gets its first admin, with a password the operator chose. Same checks as the
/// admin's form.
#[tracing::instrument(skip_all)]
pub async fn create_admin(
    db: &Db,
    email: &str,
    name: &str,
    password: String,
) -> Result<PersonId, AppError> {
    let input = PersonInput {
        name: name.to_string(),
        email: email.to_string(),
        job_title: String::new(),
        role: Role::Admin.as_str().to_string(),
        unit_id: String::new(),
        manager_email: String::new(),
        password,
    };
    let cli = CurrentUser {
        id: PersonId(0),
        name: "proficio admin create".into(),
        email: String::new(),
        role: Role::Admin,
        direct_reports: 0,
        unread: 0,
    };
    create(db, &cli, input, Sso::Off).await
}

/// Whether people can sign in through an identity provider, so that a new person needs no
/// password.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sso {
    On,
    Off,
}

/// Adds someone the identity provider vouched for on their first single sign-on: no
/// password (they sign in through the provider), no unit or manager yet, `role`. The audit
/// entry has no actor: nobody here added them.
#[tracing::instrument(skip_all)]
pub async fn create_signed_in(
    db: &Db,
    email: &Email,
    name: &str,
    role: Role,
) -> Result<PersonId, AppError> {
    // The provider's name, if it passes the form's own rules (an empty one does not); else
    // the e-mail's local part.
    let name = PersonName::parse("name", name)
        .map(|n| n.into_string())
        .unwrap_or_else(|_| {
            email
                .as_str()
                .split('@')
                .next()
                .unwrap_or_default()
                .to_string()
        });
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let id: i64 = sqlx::query_scalar(
        "insert into person (email, name, role, active, created_at, updated_at) \
         values ($1, $2, $3, 1, $4, $4) returning id",
    )
    .bind(email.as_str())
    .bind(&name)
    .bind(role.as_str())
    .bind(now)
    .fetch_one(&mut *tx)
    .await
    .map_err(unique_to_field)?;
    added(&mut tx, id, None, None).await?;
    tx.commit().await?;
    tracing::info!(person = id, "person created on first single sign-on");
    Ok(PersonId(id))
}

/// What every new person gets in the transaction that adds them: a place in the
/// statistics and an audit entry (`actor` none for the command line, a first sign-on or a
/// system; `token` the API token of a system that added them).
pub(crate) async fn added(
    tx: &mut WriteTx,
    id: i64,
    actor: Option<PersonId>,
    token: Option<i64>,
) -> Result<(), AppError> {
    super::stats::added(&mut *tx, vec![id]).await?;
    let after = audit::via_token(audit::PERSON.state(&mut **tx, id).await?, token);
    audit::record(&mut **tx, actor, "create", "person", id, None, after).await
}

/// Adds a person. A first password is needed unless `sso` is on (then, without one, they
/// sign in through the identity provider).
#[tracing::instrument(skip_all, fields(caller = me.id.0))]
pub async fn create(
    db: &Db,
    me: &CurrentUser,
    input: PersonInput,
    sso: Sso,
) -> Result<PersonId, AppError> {
    let mut f = parse_fields(db, input, sso == Sso::Off).await?;
    if email_taken(db, &f.email, None).await? {
        return Err(AppError::invalid(
            "email",
            "Someone already uses this e-mail address.",
        ));
    }
    let hash = f.new_hash().await?;
    let mut tx = db.begin_write().await?;
    let id: i64 = f
        .bound(
            "insert into person (email, name, job_title, role, unit_id, manager_id, active, password_hash, created_at, updated_at) \
             values ($1, $2, $3, $4, $5, $6, 1, $7, $8, $8) returning id",
            hash,
        )
        .fetch_one(&mut *tx)
        .await
        .and_then(|row| sqlx::Row::try_get(&row, 0))
        .map_err(unique_to_field)?;
    // The command line (`proficio admin create`) has no person behind it: no actor.
    added(&mut tx, id, (me.id.0 != 0).then_some(me.id), None).await?;
    tx.commit().await?;
    tracing::info!(person = id, "person created");
    Ok(PersonId(id))
}

/// Explains a refused reporting line in words.
fn cycle_message(err: CycleError<PersonId>, names: &HashMap<PersonId, String>) -> AppError {
    match err {
        CycleError::SelfParent => {
            AppError::invalid("manager_email", "A person cannot be their own manager.")
        }
        CycleError::Cycle(chain) => {
            let path: Vec<String> = chain
                .iter()
                .map(|id| names.get(id).cloned().unwrap_or_else(|| format!("#{id}")))
                .collect();
            AppError::invalid(
                "manager_email",
                format!("That would make a reporting loop: {}. Choose a manager outside this person's own team.", path.join(" reports to ")),
            )
        }
    }
}

/// Checks that `manager` may become the manager of `id` (no cycle).
#[tracing::instrument(skip_all, fields(id = id.0, manager = manager.0))]
pub async fn check_reporting_line(
    db: &Db,
    id: PersonId,
    manager: PersonId,
) -> Result<(), AppError> {
    let chain = chain_above(db, manager).await?;
    let parents: HashMap<PersonId, Option<PersonId>> =
        chain.iter().map(|(p, m, _)| (*p, *m)).collect();
    let mut names: HashMap<PersonId, String> = chain.into_iter().map(|(p, _, n)| (p, n)).collect();
    if let Some(n) = sqlx::query_scalar::<_, String>("select name from person where id = $1")
        .bind(id.0)
        .fetch_optional(&db.pool)
        .await?
    {
        names.insert(id, n);
    }
    would_create_cycle(id, manager, |p| parents.get(&p).copied().flatten())
        .map_err(|e| cycle_message(e, &names))
}

/// How many active admins there are besides `id` (on the pool, or in a transaction).
pub(crate) async fn active_admins_other_than<'e, E>(exec: E, id: PersonId) -> Result<i64, AppError>
where
    E: Executor<'e, Database = Any>,
{
    Ok(sqlx::query_scalar(
        "select count(*) from person where role = 'admin' and active = 1 and id <> $1",
    )
    .bind(id.0)
    .fetch_one(exec)
    .await?)
}

/// Changes a person's details.
#[tracing::instrument(skip_all, fields(caller = me.id.0, id = id.0))]
pub async fn update(
    db: &Db,
    me: &CurrentUser,
    id: PersonId,
    input: PersonInput,
) -> Result<(), AppError> {
    let current = summary(db, id).await?;
    let mut f = parse_fields(db, input, false).await?;
    if email_taken(db, &f.email, Some(id)).await? {
        return Err(AppError::invalid(
            "email",
            "Someone already uses this e-mail address.",
        ));
    }
    if let Some(m) = f.manager {
        check_reporting_line(db, id, m).await?;
    }
    if current.role == Role::Admin
        && f.role != Role::Admin
        && active_admins_other_than(&db.pool, id).await? == 0
    {
        return Err(AppError::invalid(
            "role",
            "This is the last active admin; make someone else an admin first.",
        ));
    }
    let changes_password = f.password.is_some();
    let hash = f.new_hash().await?;
    let mut tx = db.begin_write().await?;
    let before = audit::PERSON.state(&mut *tx, id.0).await?;
    let pending = super::stats::before(&mut tx, vec![id.0], None).await?;
    f.bound(
        "update person set email = $1, name = $2, job_title = $3, role = $4, unit_id = $5, manager_id = $6, \
         password_hash = coalesce($7, password_hash), updated_at = $8 where id = $9",
        hash,
    )
    .bind(id.0)
    .execute(&mut *tx)
    .await
    .map_err(unique_to_field)?;
    if changes_password {
        // A reset password ends every session that knew the old one.
        sqlx::query("delete from session where person_id = $1")
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
    }
    pending.after(&mut tx).await?;
    let after = audit::PERSON.state(&mut *tx, id.0).await?;
    audit::record(&mut *tx, me.id, "update", "person", id.0, before, after).await?;
    tx.commit().await?;
    tracing::info!(person = id.0, "person updated");
    Ok(())
}

/// Deactivates (ending every session of theirs in the same transaction) or reactivates.
#[tracing::instrument(skip_all, fields(caller = me.id.0, id = id.0, active))]
pub async fn set_active(
    db: &Db,
    me: &CurrentUser,
    id: PersonId,
    active: bool,
) -> Result<(), AppError> {
    let current = summary(db, id).await?;
    if !active && id == me.id {
        return Err(AppError::Conflict(
            "You cannot deactivate yourself; ask another admin.".into(),
        ));
    }
    if !active && current.role == Role::Admin && active_admins_other_than(&db.pool, id).await? == 0
    {
        return Err(AppError::Conflict(
            "This is the last active admin and cannot be deactivated.".into(),
        ));
    }
    let mut tx = db.begin_write().await?;
    let before = audit::PERSON.state(&mut *tx, id.0).await?;
    let pending = super::stats::before(&mut tx, vec![id.0], None).await?;
    tx.execute(
        sqlx::query::<Any>("update person set active = $1, updated_at = $2 where id = $3")
            .bind(i64::from(active))
            .bind(now_ms())
            .bind(id.0),
    )
    .await?;
    if !active {
        tx.execute(sqlx::query::<Any>("delete from session where person_id = $1").bind(id.0))
            .await?;
    }
    pending.after(&mut tx).await?;
    let after = audit::PERSON.state(&mut *tx, id.0).await?;
    let action = if active { "reactivate" } else { "deactivate" };
    audit::record(&mut *tx, me.id, action, "person", id.0, before, after).await?;
    tx.commit().await?;
    tracing::info!(person = id.0, active, "person activation changed");
    Ok(())
}

/// Every unit with its head count, as an ordered tree.
#[tracing::instrument(skip_all)]
pub async fn units(db: &Db) -> Result<Vec<UnitSummary>, AppError> {
    let rows: Vec<(i64, String, Option<i64>, i64)> = sqlx::query_as(
        "select u.id, u.name, u.parent_id, (select count(*) from person p where p.unit_id = u.id and p.active = 1) \
         from org_unit u",
    )
    .fetch_all(&db.pool)
    .await?;
    Ok(order_units(
        rows.into_iter()
            .map(|(id, name, parent, people)| UnitSummary {
                id: UnitId(id),
                name,
                parent: parent.map(UnitId),
                people: u32::try_from(people).unwrap_or(0),
                depth: 0,
            })
            .collect(),
    ))
}

async fn parse_unit(
    db: &Db,
    name: &str,
    parent_id: &str,
) -> Result<(String, Option<UnitId>), AppError> {
    let name = ShortText::required("name", "a unit name", name, 120)?.into_string();
    let parent = parse_optional_id("parent_id", parent_id, "a parent unit")?.map(UnitId);
    if let Some(p) = parent {
        unit_exists(db, p, "parent_id", "That parent unit no longer exists.").await?;
    }
    Ok((name, parent))
}

/// Checks that unit `id`, chosen in `field`, still exists (`gone`: what to say if not).
async fn unit_exists(db: &Db, id: UnitId, field: &str, gone: &str) -> Result<(), AppError> {
    let n: i64 = sqlx::query_scalar("select count(*) from org_unit where id = $1")
        .bind(id.0)
        .fetch_one(&db.pool)
        .await?;
    if n == 0 {
        return Err(AppError::invalid(field, gone));
    }
    Ok(())
}

/// Every unit with its parent.
async fn unit_links(db: &Db) -> Result<Vec<(i64, Option<i64>)>, AppError> {
    Ok(sqlx::query_as("select id, parent_id from org_unit")
        .fetch_all(&db.pool)
        .await?)
}

/// Refuses a unit (with `height` levels of sub-units, 1 for none) under `parent` when the
/// tree would grow deeper than `MAX_UNIT_DEPTH`.
fn check_depth(
    links: &[(i64, Option<i64>)],
    parent: UnitId,
    height: usize,
) -> Result<(), AppError> {
    use crate::domain::org::{unit_depths, MAX_UNIT_DEPTH};
    let parent_depth = unit_depths(links).get(&parent.0).copied().unwrap_or(0);
    if parent_depth + height > MAX_UNIT_DEPTH {
        return Err(AppError::invalid(
            "parent_id",
            format!("Units nest at most {MAX_UNIT_DEPTH} levels deep; choose a parent higher up."),
        ));
    }
    Ok(())
}

/// Creates a unit.
#[tracing::instrument(skip_all)]
pub async fn create_unit(db: &Db, name: &str, parent_id: &str) -> Result<UnitId, AppError> {
    let (name, parent) = parse_unit(db, name, parent_id).await?;
    if let Some(p) = parent {
        check_depth(&unit_links(db).await?, p, 1)?;
    }
    let id: i64 = sqlx::query_scalar(
        "insert into org_unit (name, parent_id, created_at) values ($1, $2, $3) returning id",
    )
    .bind(&name)
    .bind(parent.map(|p| p.0))
    .bind(now_ms())
    .fetch_one(&db.pool)
    .await?;
    Ok(UnitId(id))
}

/// Renames or moves a unit; moving it under itself or its own sub-unit is refused.
#[tracing::instrument(skip_all, fields(id = id.0))]
pub async fn update_unit(db: &Db, id: UnitId, name: &str, parent_id: &str) -> Result<(), AppError> {
    let (name, parent) = parse_unit(db, name, parent_id).await?;
    if let Some(p) = parent {
        let all = unit_links(db).await?;
        let parents: HashMap<UnitId, Option<UnitId>> = all
            .iter()
            .map(|&(i, p)| (UnitId(i), p.map(UnitId)))
            .collect();
        if !parents.contains_key(&id) {
            return Err(AppError::NotFound("That unit".into()));
        }
        would_create_cycle(id, p, |u| parents.get(&u).copied().flatten()).map_err(|e| match e {
            CycleError::SelfParent => {
                AppError::invalid("parent_id", "A unit cannot be inside itself.")
            }
            CycleError::Cycle(_) => AppError::invalid(
                "parent_id",
                "A unit cannot move inside one of its own sub-units.",
            ),
        })?;
        let height = crate::domain::org::subtree_height(id.0, &all);
        check_depth(&all, p, height)?;
    }
    let mut tx = db.begin_write().await?;
    let people = super::stats::people_under(&mut tx, id.0).await?;
    let pending = super::stats::before(&mut tx, people, None).await?;
    let done =
        sqlx::query("update org_unit set name = $1, parent_id = $2, updated_at = $3 where id = $4")
            .bind(&name)
            .bind(parent.map(|p| p.0))
            .bind(now_ms())
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::NotFound("That unit".into()));
    }
    pending.commit(tx).await
}

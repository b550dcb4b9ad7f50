//! People CSV imports: new e-mails become people (who sign in once an admin sets their
//! password), known e-mails are updated; units are found by name or path and created when
//! missing, managers by e-mail (in the file or already here), positions by title. All in
//! one transaction, with the report counters moved like any other change of people.

use super::db::Db;
use super::imports::{file_error, read_csv};
use super::now_ms;
use crate::api::AppError;
use crate::domain::case::Issue;
use crate::domain::people::Role;
use crate::domain::people_csv::{self, PersonRow};
use std::collections::{HashMap, HashSet};

/// A unit a row names.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum UnitRef {
    Existing(i64),
    /// Index into [`PeoplePlan::new_units`].
    New(usize),
}

/// A checked row with what it refers to.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolved {
    row: PersonRow,
    /// The person already here: id.
    existing: Option<i64>,
    unit: Option<UnitRef>,
    position: Option<i64>,
}

/// What a people file would do.
#[derive(Debug, Clone, PartialEq)]
pub struct PeoplePlan {
    pub rows: Vec<Resolved>,
    /// Units to create: (name, parent), parents first.
    new_units: Vec<(String, Option<UnitRef>)>,
    pub problems: Vec<Issue>,
    pub warnings: Vec<Issue>,
}

impl PeoplePlan {
    /// People created, people updated, units created.
    pub fn figures(&self) -> (u32, u32, u32) {
        let created = self.rows.iter().filter(|r| r.existing.is_none()).count() as u32;
        (
            created,
            self.rows.len() as u32 - created,
            self.new_units.len() as u32,
        )
    }
}

/// A person already here, by e-mail.
#[derive(sqlx::FromRow)]
struct KnownRow {
    email: String,
    id: i64,
    role: String,
    active: i64,
    manager_email: Option<String>,
}

/// What an import needs to know of a person already here.
struct Known {
    id: i64,
    role: Role,
    active: bool,
    manager_email: Option<String>,
}

struct Here {
    /// email → the person
    people: HashMap<String, Known>,
    /// lower-case name → the units of that name: (id, lower-case name, parent)
    units: HashMap<String, Vec<(i64, String, Option<i64>)>>,
    /// The depth of each unit (top level = 1).
    depths: HashMap<i64, usize>,
    /// lower-case title → ids
    positions: HashMap<String, Vec<i64>>,
}

async fn here(db: &Db) -> Result<Here, AppError> {
    let people: Vec<KnownRow> = sqlx::query_as(
        "select p.email, p.id, p.role, p.active, m.email as manager_email from person p left join person m on m.id = p.manager_id",
    )
    .fetch_all(&db.pool)
    .await?;
    let units: Vec<(i64, String, Option<i64>)> =
        sqlx::query_as("select id, name, parent_id from org_unit order by id")
            .fetch_all(&db.pool)
            .await?;
    let mut positions: HashMap<String, Vec<i64>> = HashMap::new();
    for (id, title) in
        sqlx::query_as::<_, (i64, String)>("select id, title from job_position order by id")
            .fetch_all(&db.pool)
            .await?
    {
        positions
            .entry(title.trim().to_lowercase())
            .or_default()
            .push(id);
    }
    Ok(Here {
        people: people
            .into_iter()
            .map(|p| {
                (
                    p.email,
                    Known {
                        id: p.id,
                        role: Role::parse(&p.role).unwrap_or(Role::Employee),
                        active: p.active == 1,
                        manager_email: p.manager_email,
                    },
                )
            })
            .collect(),
        depths: crate::domain::org::unit_depths(
            &units.iter().map(|u| (u.0, u.2)).collect::<Vec<_>>(),
        ),
        units: units.into_iter().fold(HashMap::new(), |mut m, (id, n, p)| {
            let key = n.trim().to_lowercase();
            m.entry(key.clone())
                .or_insert_with(Vec::new)
                .push((id, key, p));
            m
        }),
        positions,
    })
}

impl Here {
    /// The units with this lower-case name.
    fn units_named(&self, key: &str) -> &[(i64, String, Option<i64>)] {
        self.units.get(key).map_or(&[], Vec::as_slice)
    }
}

/// Finds (or plans) the unit at `path`: the first name is looked up anywhere (it must be
/// unambiguous), each further name among the children of the one before; names not found
/// are created. A path that would put a unit deeper than `MAX_UNIT_DEPTH` is refused.
fn unit_for(path: &[String], here: &Here, new_units: &mut NewUnits) -> Result<UnitRef, String> {
    use crate::domain::org::MAX_UNIT_DEPTH;
    if path.len() > MAX_UNIT_DEPTH {
        return Err(format!(
            "unit: units nest at most {MAX_UNIT_DEPTH} levels deep"
        ));
    }
    let mut at: Option<UnitRef> = None;
    let mut depth = 0;
    for (i, name) in path.iter().enumerate() {
        let key = name.to_lowercase();
        let found = match &at {
            Some(UnitRef::New(_)) => None,
            Some(UnitRef::Existing(p)) => here
                .units_named(&key)
                .iter()
                .find(|u| u.2 == Some(*p))
                .map(|u| u.0),
            None => {
                let matches: Vec<&(i64, String, Option<i64>)> =
                    here.units_named(&key).iter().collect();
                if matches.len() > 1 && path.len() == 1 {
                    return Err(format!("there are {} units named \u{201c}{name}\u{201d}; write the path, such as \u{201c}Parent / {name}\u{201d}", matches.len()));
                }
                matches
                    .iter()
                    .find(|u| u.2.is_none() || i + 1 < path.len() || matches.len() == 1)
                    .map(|u| u.0)
            }
        };
        at = Some(match found {
            Some(id) => {
                depth = here.depths.get(&id).copied().unwrap_or(1);
                UnitRef::Existing(id)
            }
            None => {
                depth += 1;
                let parent = at.clone();
                // Indexed, so that many new units cost linear time, not quadratic.
                let next = new_units.list.len();
                let k = *new_units.index.entry((key, parent.clone())).or_insert(next);
                if k == next {
                    new_units
                        .list
                        .push((name.chars().take(120).collect(), parent));
                }
                UnitRef::New(k)
            }
        });
        if depth > MAX_UNIT_DEPTH {
            return Err(format!(
                "unit: units nest at most {MAX_UNIT_DEPTH} levels deep"
            ));
        }
    }
    at.ok_or_else(|| "the unit is empty".to_string())
}

/// The units an import will create, in order, with an index by (lower-case name, parent).
#[derive(Default)]
struct NewUnits {
    list: Vec<(String, Option<UnitRef>)>,
    index: HashMap<(String, Option<UnitRef>), usize>,
}

/// Plans a people CSV import without writing anything.
#[tracing::instrument(skip_all)]
pub async fn plan(db: &Db, bytes: &[u8]) -> Result<PeoplePlan, AppError> {
    let (header, rows) = read_csv(bytes)?;
    let (rows, mut problems) =
        people_csv::parse(&header, &rows).map_err(|i| file_error(i.to_string()))?;
    let here = here(db).await?;
    let mut rows = consistent_rows(rows, &here, &mut problems);
    keep_last_admin(&mut rows, &here, &mut problems);
    problems.sort_by_key(|p| {
        p.at.trim_start_matches("line ")
            .parse::<usize>()
            .unwrap_or(0)
    });
    let (resolved, new_units) = resolve(rows, &here, &mut problems);
    let warnings = new_units
        .iter()
        .map(|(n, _)| {
            Issue::new(
                format!("unit \u{201c}{n}\u{201d}"),
                "is not here yet and will be created.",
            )
        })
        .collect();
    Ok(PeoplePlan {
        rows: resolved,
        new_units,
        problems,
        warnings,
    })
}

/// Drops rows until every remaining one holds together (a dropped row can take a row that
/// named it as manager with it); each dropped row becomes a problem.
fn consistent_rows(
    mut rows: Vec<PersonRow>,
    here: &Here,
    problems: &mut Vec<Issue>,
) -> Vec<PersonRow> {
    loop {
        let mut bad = row_problems(&rows, here);
        if bad.is_empty() {
            bad = reporting_loops(&rows, here);
        }
        if bad.is_empty() {
            return rows;
        }
        let drop: HashSet<usize> = bad.iter().map(|b| b.0).collect();
        for (i, why) in bad {
            problems.push(Issue::new(
                format!("line {}", rows[i].line),
                format!("{why}; the row is left out."),
            ));
        }
        rows = rows
            .into_iter()
            .enumerate()
            .filter(|(i, _)| !drop.contains(i))
            .map(|(_, r)| r)
            .collect();
    }
}

/// Rows (index, why) that cannot be imported on their own: a new person without a name, a
/// manager neither in the file nor active here, a position title that is missing or taken
/// twice.
fn row_problems(rows: &[PersonRow], here: &Here) -> Vec<(usize, String)> {
    let in_file: HashSet<&str> = rows.iter().map(|r| r.email.as_str()).collect();
    let mut bad: Vec<(usize, String)> = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        let existing = here.people.get(&r.email);
        let why = if existing.is_none() && r.name.is_none() {
            Some(format!("{} is new here and needs a name", r.email))
        } else if let Some(m) = r
            .manager
            .as_deref()
            .filter(|m| !in_file.contains(m) && !here.people.get(*m).is_some_and(|p| p.active))
        {
            Some(format!(
                "the manager {m} is neither in the file nor an active person here"
            ))
        } else if let Some(p) = &r.position {
            match here.positions.get(&p.to_lowercase()).map(Vec::len) {
                None => Some(format!("there is no position titled \u{201c}{p}\u{201d}")),
                Some(1) => None,
                Some(n) => Some(format!("{n} positions are titled \u{201c}{p}\u{201d}; rename them so each title is unique")),
            }
        } else {
            None
        };
        if let Some(w) = why {
            bad.push((i, w));
        }
    }
    bad
}

/// Rows (index, why) whose person would end up in a reporting loop, in the reporting lines
/// the file and the people here make together.
fn reporting_loops(rows: &[PersonRow], here: &Here) -> Vec<(usize, String)> {
    let mut bad: Vec<(usize, String)> = Vec::new();
    let mut manager_of: HashMap<&str, &str> = here
        .people
        .iter()
        .filter_map(|(e, p)| p.manager_email.as_deref().map(|m| (e.as_str(), m)))
        .collect();
    for r in rows {
        if let Some(m) = &r.manager {
            manager_of.insert(&r.email, m);
        }
    }
    for (i, r) in rows.iter().enumerate() {
        let mut chain = vec![r.email.as_str()];
        let mut cur = r.email.as_str();
        while let Some(m) = manager_of.get(cur) {
            if *m == r.email {
                chain.push(m);
                bad.push((
                    i,
                    format!(
                        "the reporting lines would go round in a loop: {}",
                        chain.join(" reports to ")
                    ),
                ));
                break;
            }
            if chain.contains(m) {
                break;
            }
            chain.push(m);
            cur = m;
        }
    }
    bad
}

/// The last active admin keeps the role: when the rows would demote every active admin
/// and promote no one, the last demoting row is left out.
fn keep_last_admin(rows: &mut Vec<PersonRow>, here: &Here, problems: &mut Vec<Issue>) {
    let admins: Vec<&String> = here
        .people
        .iter()
        .filter(|(_, p)| p.role == Role::Admin && p.active)
        .map(|(e, _)| e)
        .collect();
    let demoted: Vec<usize> = rows
        .iter()
        .enumerate()
        .filter(|(_, r)| admins.contains(&&r.email) && r.role.is_some_and(|x| x != Role::Admin))
        .map(|(i, _)| i)
        .collect();
    let promoted = rows
        .iter()
        .any(|r| r.role == Some(Role::Admin) && !admins.contains(&&r.email));
    if !admins.is_empty() && demoted.len() == admins.len() && !promoted {
        let i = demoted[demoted.len() - 1];
        problems.push(Issue::new(
            format!("line {}", rows[i].line),
            "this would leave no active admin; the row is left out.",
        ));
        rows.remove(i);
    }
}

/// Each row with the person, unit and position it refers to, and the units to create; a
/// row whose unit path cannot be used becomes a problem.
fn resolve(
    rows: Vec<PersonRow>,
    here: &Here,
    problems: &mut Vec<Issue>,
) -> (Vec<Resolved>, Vec<(String, Option<UnitRef>)>) {
    let mut new_units = NewUnits::default();
    let mut resolved = Vec::new();
    for r in rows {
        let unit = match &r.unit {
            Some(path) => match unit_for(path, here, &mut new_units) {
                Ok(u) => Some(u),
                Err(why) => {
                    problems.push(Issue::new(
                        format!("line {}", r.line),
                        format!("{why}; the row is left out."),
                    ));
                    continue;
                }
            },
            None => None,
        };
        let position = r
            .position
            .as_ref()
            .and_then(|p| here.positions.get(&p.to_lowercase()))
            .map(|ids| ids[0]);
        resolved.push(Resolved {
            existing: here.people.get(&r.email).map(|p| p.id),
            row: r,
            unit,
            position,
        });
    }
    (resolved, new_units.list)
}

/// Writes a planned people import in one transaction. Returns how many people were
/// created and updated.
#[tracing::instrument(skip_all)]
pub async fn store(db: &Db, p: &PeoplePlan) -> Result<usize, AppError> {
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let updated: Vec<i64> = p.rows.iter().filter_map(|r| r.existing).collect();
    let pending = super::stats::before(&mut tx, updated, None).await?;
    let mut unit_ids: Vec<i64> = Vec::with_capacity(p.new_units.len());
    let resolve = |u: &UnitRef, ids: &[i64]| match u {
        UnitRef::Existing(id) => *id,
        UnitRef::New(k) => ids[*k],
    };
    for (name, parent) in &p.new_units {
        let parent = parent.as_ref().map(|u| resolve(u, &unit_ids));
        let id: i64 = sqlx::query_scalar(
            "insert into org_unit (name, parent_id, created_at) values ($1, $2, $3) returning id",
        )
        .bind(name)
        .bind(parent)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        unit_ids.push(id);
    }
    let mut ids: HashMap<&str, i64> = HashMap::new();
    let mut created = Vec::new();
    for r in &p.rows {
        let unit = r.unit.as_ref().map(|u| resolve(u, &unit_ids));
        let id = match r.existing {
            Some(id) => {
                sqlx::query(
                    "update person set name = coalesce($1, name), job_title = coalesce($2, job_title), \
                     role = coalesce($3, role), unit_id = coalesce($4, unit_id), \
                     position_id = coalesce($5, position_id), updated_at = $6 where id = $7",
                )
                .bind(r.row.name.clone())
                .bind(r.row.job_title.clone())
                .bind(r.row.role.map(|x| x.as_str().to_string()))
                .bind(unit)
                .bind(r.position)
                .bind(now)
                .bind(id)
                .execute(&mut *tx)
                .await?;
                id
            }
            None => {
                let id: i64 = sqlx::query_scalar(
                    "insert into person (email, name, job_title, role, unit_id, manager_id, active, password_hash, \
                     created_at, updated_at, position_id) values ($1, $2, $3, $4, $5, null, 1, null, $6, $6, $7) returning id",
                )
                .bind(&r.row.email)
                .bind(r.row.name.clone().unwrap_or_default())
                .bind(r.row.job_title.clone().unwrap_or_default())
                .bind(r.row.role.unwrap_or(Role::Employee).as_str())
                .bind(unit)
                .bind(now)
                .bind(r.position)
                .fetch_one(&mut *tx)
                .await?;
                created.push(id);
                id
            }
        };
        ids.insert(&r.row.email, id);
    }
    for r in &p.rows {
        let Some(m) = &r.row.manager else { continue };
        let manager = match ids.get(m.as_str()) {
            Some(id) => *id,
            None => {
                sqlx::query_scalar("select id from person where email = $1")
                    .bind(m)
                    .fetch_one(&mut *tx)
                    .await?
            }
        };
        sqlx::query("update person set manager_id = $1 where id = $2")
            .bind(manager)
            .bind(ids[r.row.email.as_str()])
            .execute(&mut *tx)
            .await?;
    }
    super::stats::added(&mut tx, created).await?;
    pending.commit(tx).await?;
    Ok(p.rows.len())
}

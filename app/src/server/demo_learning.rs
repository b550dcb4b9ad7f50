//! The demo's learning: a catalogue of 60 activities over the competencies the demo
//! positions require, and development plans for several people with goals in every state,
//! activities planned, reported, confirmed and signed off, comments and approvals.

use super::db::{Db, WriteTx};
use super::now_ms;
use crate::api::AppError;
use crate::domain::develop::{date_of, ActivityFields, ActivityKind};
use crate::domain::rating::DAY_MS;
use crate::domain::PersonId;
use std::collections::HashMap;

/// Activities in the demo catalogue.
pub const ACTIVITIES: usize = 60;

const PROVIDERS: [&str; 4] = [
    "Northwind Academy",
    "Open Learning Co-op",
    "Guild of Practitioners",
    "Northwind Library",
];

/// Builds the catalogue: for each required competency (by how many positions need it), a
/// course to the proficient level, and in turn a reading, an on-the-job task to the level
/// above and a workshop shared with the next competency, until there are 60.
async fn catalogue(db: &Db) -> Result<HashMap<i64, Vec<i64>>, AppError> {
    let nodes: Vec<(i64, String, i64, i64)> = sqlx::query_as(
        "select n.id, n.title, count(*), \
           (select max(level) from scale_level l where l.scale_id = coalesce(n.scale_id, f.scale_id)) \
         from position_requirement r join framework_node n on n.id = r.node_id \
         join framework f on f.id = n.framework_id \
         group by n.id, n.title, n.scale_id, f.scale_id order by count(*) desc, n.id",
    )
    .fetch_all(&db.pool)
    .await?;
    let mut by_node: HashMap<i64, Vec<i64>> = HashMap::new();
    let mut made = 0usize;
    let mut tx = db.begin_write().await?;
    let mut planned = Vec::new();
    for (i, (node, title, _, top)) in nodes.iter().enumerate() {
        let top = u8::try_from(*top).unwrap_or(4).max(2);
        let proficient = top.min(3);
        let minutes = [240u32, 480, 960, 720, 360][i % 5];
        let cost = [
            Some(45_000u64),
            Some(79_000),
            None,
            Some(120_000),
            Some(25_000),
        ][i % 5];
        planned.push((
            fields(
                &format!("{title}: essentials"),
                ActivityKind::Course,
                PROVIDERS[i % 2],
                minutes,
                cost,
                &format!("demo-course-{node}"),
            ),
            vec![(*node, proficient)],
        ));
        if i % 3 == 0 {
            planned.push((
                fields(
                    &format!("{title}: the reading list"),
                    ActivityKind::Reading,
                    PROVIDERS[3],
                    180,
                    None,
                    &format!("demo-reading-{node}"),
                ),
                vec![(*node, proficient.saturating_sub(1).max(1))],
            ));
        }
        if i % 4 == 1 {
            planned.push((
                fields(
                    &format!("Lead a {} task with a mentor", title.to_lowercase()),
                    ActivityKind::OnTheJob,
                    PROVIDERS[2],
                    2_400,
                    None,
                    &format!("demo-task-{node}"),
                ),
                vec![(*node, (proficient + 1).min(top))],
            ));
        }
        if i % 5 == 2 {
            if let Some((next, next_title, _, next_top)) = nodes.get(i + 1) {
                let next_top = u8::try_from(*next_top).unwrap_or(4).max(2);
                planned.push((
                    fields(
                        &format!("Workshop: {title} and {next_title}"),
                        ActivityKind::Workshop,
                        PROVIDERS[1],
                        960,
                        Some(95_000),
                        &format!("demo-workshop-{node}"),
                    ),
                    vec![(*node, proficient), (*next, next_top.min(3))],
                ));
            }
        }
        if i % 7 == 3 {
            planned.push((
                fields(
                    &format!("Mentoring circle: {title}"),
                    ActivityKind::Mentoring,
                    PROVIDERS[2],
                    600,
                    None,
                    &format!("demo-mentoring-{node}"),
                ),
                vec![(*node, proficient)],
            ));
        }
        if planned.len() >= ACTIVITIES {
            break;
        }
    }
    planned.truncate(ACTIVITIES);
    for (f, provides) in planned {
        let id = super::learning::insert(&mut tx, &f).await?;
        for (node, level) in provides {
            super::learning::write_level(&mut tx, id, crate::domain::NodeId(node), level).await?;
            by_node.entry(node).or_default().push(id);
        }
        made += 1;
    }
    tx.commit().await?;
    tracing::debug!(activities = made, "demo catalogue");
    Ok(by_node)
}

fn fields(
    title: &str,
    kind: ActivityKind,
    provider: &str,
    minutes: u32,
    cost: Option<u64>,
    external: &str,
) -> ActivityFields {
    ActivityFields {
        title: title.to_string(),
        kind,
        provider: provider.to_string(),
        url: format!("https://learning.northwind.example/{external}"),
        duration_minutes: minutes,
        cost_cents: cost,
        description: format!("{} for Northwind people.", kind.label()),
        external_id: Some(external.to_string()),
    }
}

/// One goal of a demo plan: the n-th gap to the target (or position), its state.
#[derive(Clone, Copy)]
enum Demo {
    /// Open, not started, due in `days` (negative: overdue).
    Open(i64),
    /// Open with an activity under way: reported and waiting (`submitted`) or sent back
    /// for more (`returned`).
    UnderWay(&'static str),
    /// Reached through a confirmed course.
    Reached,
    /// Dropped.
    Dropped,
}

/// A demo plan: (person, plan state, goals, days since updated, the manager's comment).
type DemoPlan = (
    &'static str,
    &'static str,
    &'static [Demo],
    i64,
    Option<&'static str>,
);

/// The demo plans. Nobody here is a new joiner (they start empty), and the plans and
/// completions waiting for a decision are outside Grace Okafor's team, whose inbox the
/// tests count.
const PLANS: &[DemoPlan] = &[
    (
        "amara.nwosu",
        "approved",
        &[
            Demo::UnderWay("returned"),
            Demo::Open(-5),
            Demo::Open(10),
            Demo::Dropped,
        ],
        2,
        Some("Good plan. Pair with Diego on the design reviews."),
    ),
    (
        "yara.haddad",
        "submitted",
        &[Demo::Open(7), Demo::Open(12), Demo::UnderWay("submitted")],
        1,
        None,
    ),
    (
        "aisha.bello",
        "changes",
        &[Demo::UnderWay("submitted"), Demo::Open(30)],
        6,
        Some("Add a date to each goal, and one on-the-job task."),
    ),
    (
        "lucy.hughes",
        "draft",
        &[Demo::Open(60), Demo::Open(90)],
        120,
        None,
    ),
    (
        "arjun.mehta",
        "approved",
        &[Demo::Reached, Demo::Open(20)],
        15,
        None,
    ),
    (
        "mateo.silva",
        "approved",
        &[Demo::Reached, Demo::Open(-3)],
        20,
        None,
    ),
];

/// Loads the catalogue and the plans (after the organisation and its ratings).
#[tracing::instrument(skip_all)]
pub async fn load(db: &Db, people: &HashMap<&'static str, i64>) -> Result<(), AppError> {
    let by_node = catalogue(db).await?;
    let now = now_ms();
    for (local, state, goals, age_days, comment) in PLANS {
        let Some(&person) = people.get(local) else {
            continue;
        };
        plan_for(
            db,
            PersonId(person),
            state,
            goals,
            now - age_days * DAY_MS,
            *comment,
            &by_node,
        )
        .await?;
    }
    Ok(())
}

/// Writes `person`'s demo plan: a goal in the state `goals` gives on each of their first
/// gaps, an activity from `by_node` for it where one is left, the plan in `state` and the
/// manager's `comment`.
async fn plan_for(
    db: &Db,
    person: PersonId,
    state: &str,
    goals: &[Demo],
    updated: i64,
    comment: Option<&str>,
    by_node: &HashMap<i64, Vec<i64>>,
) -> Result<(), AppError> {
    let now = now_ms();
    let manager: Option<i64> = sqlx::query_scalar("select manager_id from person where id = $1")
        .bind(person.0)
        .fetch_one(&db.pool)
        .await?;
    // The gaps to the target position (else the position), largest required level first.
    let gaps: Vec<(i64, i64, i64)> = sqlx::query_as(
        "select r.node_id, r.required, coalesce(c.level, 0) from person p \
         join position_requirement r on r.position_id = coalesce(p.target_position_id, p.position_id) \
         left join current_level c on c.person_id = p.id and c.node_id = r.node_id \
         where p.id = $1 and coalesce(c.level, 0) < r.required order by r.seq",
    )
    .bind(person.0)
    .fetch_all(&db.pool)
    .await?;
    let mut tx = db.begin_write().await?;
    let created = updated - 30 * DAY_MS;
    let mut used = std::collections::HashSet::new();
    for (goal, (node, required, current)) in goals.iter().zip(gaps.iter()) {
        let activity = by_node
            .get(node)
            .and_then(|list| list.iter().find(|a| !used.contains(*a)).copied());
        // A goal reached through a course aims at the level the course awards.
        let mut target = *required;
        if let (Demo::Reached, Some(a)) = (goal, activity) {
            let provided: i64 = sqlx::query_scalar(
                "select level from activity_level where activity_id = $1 and node_id = $2",
            )
            .bind(a)
            .bind(node)
            .fetch_one(&mut *tx)
            .await?;
            if provided <= *current {
                continue;
            }
            target = target.min(provided);
        }
        let (status, due) = match goal {
            Demo::Open(days) => ("open", Some(date_of(now + days * DAY_MS))),
            Demo::UnderWay(_) => ("open", Some(date_of(now + 45 * DAY_MS))),
            Demo::Reached => ("open", Some(date_of(now + 30 * DAY_MS))),
            Demo::Dropped => ("dropped", None),
        };
        sqlx::query(
            "insert into plan_goal (person_id, node_id, target_level, start_level, due_on, status, \
             note, created_at, updated_at) values ($1, $2, $3, $4, $5, $6, '', $7, $7)",
        )
        .bind(person.0)
        .bind(node)
        .bind(target)
        .bind(current)
        .bind(due)
        .bind(status)
        .bind(created)
        .execute(&mut *tx)
        .await?;
        let Some(activity) = activity else { continue };
        used.insert(activity);
        let action_status = match goal {
            Demo::Open(d) if *d < 0 => "planned",
            Demo::Open(_) | Demo::Dropped => continue,
            Demo::UnderWay(status) => status,
            Demo::Reached => "planned",
        };
        let action = insert_action(
            &mut tx,
            person,
            activity,
            action_status,
            manager,
            created,
            updated,
        )
        .await?;
        if matches!(goal, Demo::Reached) {
            let by = manager.map(PersonId);
            let at = now - 3_600_000;
            super::plans::complete(&mut tx, action, person, activity, by, "manager", at).await?;
        }
    }
    insert_plan(&mut tx, person, state, updated, manager, comment).await?;
    Ok(tx.commit().await?)
}

/// Puts `activity` into `person`'s plan with `status`, created at `created`: reported done
/// the day before the plan was `updated` unless `planned`, and sent back by the manager on
/// `updated` when `returned`. Returns its id.
async fn insert_action(
    tx: &mut WriteTx,
    person: PersonId,
    activity: i64,
    status: &str,
    manager: Option<i64>,
    created: i64,
    updated: i64,
) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar(
        "insert into plan_action (person_id, activity_id, status, report, evidence_url, \
         feedback, submitted_at, decided_by, decided_at, created_at, updated_at) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) returning id",
    )
    .bind(person.0)
    .bind(activity)
    .bind(status)
    .bind(if status == "planned" {
        ""
    } else {
        "Finished all modules and the final exercise."
    })
    .bind(if status == "planned" {
        ""
    } else {
        "https://learning.northwind.example/certificates/demo"
    })
    .bind(if status == "returned" {
        "Please add the exercise you built, not only the certificate."
    } else {
        ""
    })
    .bind((status != "planned").then_some(updated - DAY_MS))
    .bind((status == "returned").then_some(manager).flatten())
    .bind((status == "returned").then_some(updated))
    .bind(created)
    .fetch_one(&mut **tx)
    .await?)
}

/// The plan row in `state` (submitted the day before `updated` unless a draft, decided by
/// the manager when approved or sent back for changes), and the manager's `comment`.
async fn insert_plan(
    tx: &mut WriteTx,
    person: PersonId,
    state: &str,
    updated: i64,
    manager: Option<i64>,
    comment: Option<&str>,
) -> Result<(), AppError> {
    sqlx::query(
        "insert into dev_plan (person_id, state, updated_at, submitted_at, decided_by, decided_at) \
         values ($1, $2, $3, $4, $5, $6)",
    )
    .bind(person.0)
    .bind(state)
    .bind(updated)
    .bind((state != "draft").then_some(updated - DAY_MS))
    .bind(matches!(state, "approved" | "changes").then_some(manager).flatten())
    .bind(matches!(state, "approved" | "changes").then_some(updated))
    .execute(&mut **tx)
    .await?;
    if let (Some(text), Some(m)) = (comment, manager) {
        sqlx::query(
            "insert into plan_comment (person_id, author_id, body, created_at) values ($1, $2, $3, $4)",
        )
        .bind(person.0)
        .bind(m)
        .bind(text)
        .bind(updated)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

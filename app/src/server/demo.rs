//! The demo organisation: Northwind Labs, 40 people in four units with two levels of
//! management under a CEO, an admin and an HR viewer (one transaction), then its two
//! published frameworks.

use super::auth::hash_password;
use super::db::Db;
use super::now_ms;
use crate::api::AppError;
use sqlx::{Any, Executor};
use std::collections::HashMap;

/// The password of every demo sign-in (documented in the README).
pub const DEMO_PASSWORD: &str = "proficio-demo";

/// Units: (key, name, parent key).
const UNITS: &[(&str, &str, Option<&str>)] = &[
    ("co", "Northwind Labs", None),
    ("eng", "Engineering", Some("co")),
    ("platform", "Platform", Some("eng")),
    ("product", "Product Engineering", Some("eng")),
    ("cs", "Customer Success", Some("co")),
    ("people", "People & Operations", Some("co")),
];

/// A demo person: (e-mail local part, name, job title, role, unit key, manager's local part).
type DemoPerson = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
);

/// The demo people, managers before their reports.
const PEOPLE: &[DemoPerson] = &[
    (
        "helena.brandt",
        "Helena Brandt",
        "Chief Executive Officer",
        "employee",
        "co",
        None,
    ),
    // Engineering: a head, two team leads, their engineers.
    (
        "marcus.webb",
        "Marcus Webb",
        "VP Engineering",
        "employee",
        "eng",
        Some("helena.brandt"),
    ),
    (
        "grace.okafor",
        "Grace Okafor",
        "Engineering Manager, Platform",
        "employee",
        "platform",
        Some("marcus.webb"),
    ),
    (
        "liam.chen",
        "Liam Chen",
        "Software Engineer",
        "employee",
        "platform",
        Some("grace.okafor"),
    ),
    (
        "amara.nwosu",
        "Amara Nwosu",
        "Senior Software Engineer",
        "employee",
        "platform",
        Some("grace.okafor"),
    ),
    (
        "jonas.keller",
        "Jonas Keller",
        "Site Reliability Engineer",
        "employee",
        "platform",
        Some("grace.okafor"),
    ),
    (
        "mei.tanaka",
        "Mei Tanaka",
        "Software Engineer",
        "employee",
        "platform",
        Some("grace.okafor"),
    ),
    (
        "diego.alvarez",
        "Diego Alvarez",
        "Staff Engineer",
        "employee",
        "platform",
        Some("grace.okafor"),
    ),
    (
        "fatima.zahra",
        "Fatima Zahra",
        "Junior Software Engineer",
        "employee",
        "platform",
        Some("grace.okafor"),
    ),
    (
        "owen.price",
        "Owen Price",
        "Database Engineer",
        "employee",
        "platform",
        Some("grace.okafor"),
    ),
    (
        "sofia.lindqvist",
        "Sofia Lindqvist",
        "Engineering Manager, Product",
        "employee",
        "product",
        Some("marcus.webb"),
    ),
    (
        "noah.fischer",
        "Noah Fischer",
        "Frontend Engineer",
        "employee",
        "product",
        Some("sofia.lindqvist"),
    ),
    (
        "aisha.bello",
        "Aisha Bello",
        "Senior Frontend Engineer",
        "employee",
        "product",
        Some("sofia.lindqvist"),
    ),
    (
        "kenji.mori",
        "Kenji Mori",
        "Software Engineer",
        "employee",
        "product",
        Some("sofia.lindqvist"),
    ),
    (
        "clara.rossi",
        "Clara Rossi",
        "Product Designer",
        "employee",
        "product",
        Some("sofia.lindqvist"),
    ),
    (
        "ethan.walsh",
        "Ethan Walsh",
        "QA Engineer",
        "employee",
        "product",
        Some("sofia.lindqvist"),
    ),
    (
        "zoe.martin",
        "Zoe Martin",
        "Junior Frontend Engineer",
        "employee",
        "product",
        Some("sofia.lindqvist"),
    ),
    (
        "ravi.iyer",
        "Ravi Iyer",
        "Mobile Engineer",
        "employee",
        "product",
        Some("sofia.lindqvist"),
    ),
    (
        "hannah.berg",
        "Hannah Berg",
        "Product Manager",
        "employee",
        "product",
        Some("marcus.webb"),
    ),
    // Customer Success: a head, two team leads, their specialists.
    (
        "isabel.moreno",
        "Isabel Moreno",
        "Head of Customer Success",
        "employee",
        "cs",
        Some("helena.brandt"),
    ),
    (
        "samuel.adeyemi",
        "Samuel Adeyemi",
        "Support Team Lead",
        "employee",
        "cs",
        Some("isabel.moreno"),
    ),
    (
        "lucy.hughes",
        "Lucy Hughes",
        "Support Specialist",
        "employee",
        "cs",
        Some("samuel.adeyemi"),
    ),
    (
        "mateo.silva",
        "Mateo Silva",
        "Support Specialist",
        "employee",
        "cs",
        Some("samuel.adeyemi"),
    ),
    (
        "yara.haddad",
        "Yara Haddad",
        "Technical Support Engineer",
        "employee",
        "cs",
        Some("samuel.adeyemi"),
    ),
    (
        "tom.baker",
        "Tom Baker",
        "Support Specialist",
        "employee",
        "cs",
        Some("samuel.adeyemi"),
    ),
    (
        "nina.petrova",
        "Nina Petrova",
        "Customer Success Lead",
        "employee",
        "cs",
        Some("isabel.moreno"),
    ),
    (
        "arjun.mehta",
        "Arjun Mehta",
        "Customer Success Manager",
        "employee",
        "cs",
        Some("nina.petrova"),
    ),
    (
        "emma.dubois",
        "Emma Dubois",
        "Customer Success Manager",
        "employee",
        "cs",
        Some("nina.petrova"),
    ),
    (
        "kwame.asante",
        "Kwame Asante",
        "Onboarding Specialist",
        "employee",
        "cs",
        Some("nina.petrova"),
    ),
    (
        "julia.novak",
        "Julia Novak",
        "Customer Success Manager",
        "employee",
        "cs",
        Some("nina.petrova"),
    ),
    // People & Operations: the admin (L&D) and the HR viewer live here.
    (
        "olivia.grant",
        "Olivia Grant",
        "Chief Operating Officer",
        "employee",
        "people",
        Some("helena.brandt"),
    ),
    (
        "priya.raman",
        "Priya Raman",
        "Learning & Development Lead",
        "admin",
        "people",
        Some("olivia.grant"),
    ),
    (
        "tomas.ortega",
        "Tomás Ortega",
        "HR Business Partner",
        "hr",
        "people",
        Some("olivia.grant"),
    ),
    (
        "chloe.evans",
        "Chloe Evans",
        "Talent Acquisition Partner",
        "employee",
        "people",
        Some("olivia.grant"),
    ),
    (
        "ben.carter",
        "Ben Carter",
        "Finance Analyst",
        "employee",
        "people",
        Some("olivia.grant"),
    ),
    (
        "leila.karimi",
        "Leila Karimi",
        "Office Manager",
        "employee",
        "people",
        Some("olivia.grant"),
    ),
    (
        "david.osei",
        "David Osei",
        "People Operations Specialist",
        "employee",
        "people",
        Some("priya.raman"),
    ),
    (
        "sara.holm",
        "Sara Holm",
        "Learning Designer",
        "employee",
        "people",
        Some("priya.raman"),
    ),
    (
        "victor.lenz",
        "Victor Lenz",
        "IT Administrator",
        "employee",
        "people",
        Some("olivia.grant"),
    ),
    (
        "ines.costa",
        "Inês Costa",
        "Payroll Specialist",
        "employee",
        "people",
        Some("tomas.ortega"),
    ),
];

/// The demo e-mail domain.
pub const DOMAIN: &str = "northwind.example";

/// Removes every row of the organisation (for `demo --force`). Ratings, evidence and the
/// audit log are permanent records, so this runs under the history unlock; the audit log
/// goes too, because ids start again and old entries would name the wrong people.
#[tracing::instrument(skip_all)]
pub async fn wipe(db: &Db) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    super::history::unlock(&mut tx, super::history::Unlock::Wipe).await?;
    for sql in [
        "delete from audit_log",
        "delete from pending_import",
        "delete from plan_comment",
        "delete from plan_action",
        "delete from plan_goal",
        "delete from dev_plan",
        "delete from xp_event",
        "delete from badge_award",
        "delete from activity_level",
        "delete from activity",
        "delete from current_level",
        "delete from unit_node_stat",
        "delete from unit_stat",
        "delete from unit_trend",
        "delete from node_level_stat",
        "delete from evidence",
        "delete from peer_request",
        "delete from rating",
        "update person set position_id = null, target_position_id = null",
        "delete from career_link",
        "delete from position_requirement",
        "delete from job_position",
        "delete from framework_version",
        "delete from node_level_description",
        "update framework_node set parent_id = null",
        "delete from framework_node",
        "delete from framework",
        "delete from scale_level",
        "delete from scale",
        "delete from session",
        "delete from sign_in_failure",
        "update person set manager_id = null",
        "delete from person",
        "update org_unit set parent_id = null",
        "delete from org_unit",
    ] {
        tx.execute(sqlx::query::<Any>(sql)).await?;
    }
    super::history::relock(&mut tx).await?;
    Ok(tx.commit().await?)
}

/// Loads the demo organisation into an empty database with months of rating history
/// (evidence files go to `upload_dir`). Returns the number of people created.
#[tracing::instrument(skip_all)]
pub async fn load(db: &Db, upload_dir: &std::path::Path) -> Result<usize, AppError> {
    let people = load_organisation(db).await?;
    super::demo_ratings::load(db, &people, upload_dir).await?;
    super::stats::rebuild(db, true).await?;
    super::recognition::backfill(db).await?;
    super::demo_learning::load(db, &people).await?;
    Ok(people.len())
}

/// Loads the demo organisation without any ratings: people, units, frameworks and
/// positions. Returns the people's ids by e-mail local part.
#[tracing::instrument(skip_all)]
pub async fn load_organisation(db: &Db) -> Result<HashMap<&'static str, i64>, AppError> {
    // One hash for every demo person keeps loading fast; these are demo accounts.
    let hash = hash_password(DEMO_PASSWORD.to_string()).await?;
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let mut unit_ids: HashMap<&str, i64> = HashMap::new();
    for (key, name, parent) in UNITS {
        let id: i64 = sqlx::query_scalar(
            "insert into org_unit (name, parent_id, created_at) values ($1, $2, $3) returning id",
        )
        .bind(*name)
        .bind(parent.and_then(|p| unit_ids.get(p).copied()))
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        unit_ids.insert(key, id);
    }
    let mut person_ids: HashMap<&'static str, i64> = HashMap::new();
    for (local, name, title, role, unit, manager) in PEOPLE {
        let id: i64 = sqlx::query_scalar(
            "insert into person (email, name, job_title, role, unit_id, manager_id, active, password_hash, created_at, updated_at) \
             values ($1, $2, $3, $4, $5, $6, 1, $7, $8, $8) returning id",
        )
        .bind(format!("{local}@{DOMAIN}"))
        .bind(*name)
        .bind(*title)
        .bind(*role)
        .bind(unit_ids.get(unit).copied())
        .bind(manager.and_then(|m| person_ids.get(m).copied()))
        .bind(&hash)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        person_ids.insert(local, id);
    }
    tx.commit().await?;
    let admin = person_ids
        .get("priya.raman")
        .copied()
        .map(crate::domain::PersonId);
    super::demo_frameworks::load(db, admin.unwrap_or(crate::domain::PersonId(0))).await?;
    super::demo_positions::load(db, &person_ids).await?;
    super::stats::rebuild(db, false).await?;
    Ok(person_ids)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_demo_person_holds_a_position() {
        let holders: Vec<&str> = super::super::demo_positions::HOLDERS
            .iter()
            .map(|h| h.0)
            .collect();
        for p in PEOPLE {
            assert!(holders.contains(&p.0), "{} holds no position", p.0);
        }
        assert_eq!(holders.len(), PEOPLE.len());
    }

    #[test]
    fn demo_managers_come_before_their_reports() {
        let mut seen = std::collections::HashSet::new();
        for (local, _, _, _, unit, manager) in PEOPLE {
            assert!(
                UNITS.iter().any(|u| u.0 == *unit),
                "{local}: unknown unit {unit}"
            );
            if let Some(m) = manager {
                assert!(seen.contains(m), "{local}: manager {m} listed later");
            }
            assert!(seen.insert(*local), "{local} twice");
        }
        assert_eq!(PEOPLE.len(), 40);
    }
}

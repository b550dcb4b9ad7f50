//! The demo organisation's positions and career paths: an engineering ladder with
//! individual-contributor and managerial tracks joined by lateral moves, a customer-success
//! family, and the people and operations roles. Every demo person holds a position. The
//! texts are Proficio's own.

use super::db::Db;
use super::positions;
use crate::api::AppError;
use crate::domain::positions::{PathLinkInput, PositionId, PositionInput, RequirementInput};
use crate::domain::PersonId;
use std::collections::HashMap;

/// A requirement: (node title, level, mandatory).
type Req = (&'static str, u8, bool);

/// A position: (key, title, track, rank, unit name, description, requirements).
type Spec = (
    &'static str,
    &'static str,
    &'static str,
    u8,
    &'static str,
    &'static str,
    &'static [Req],
);

const POSITIONS: &[Spec] = &[
    (
        "jse",
        "Junior Software Engineer",
        "ic",
        1,
        "Engineering",
        "Learns the team's codebase and practices while shipping well-scoped changes.",
        &[
            ("Code quality", 2, true),
            ("Testing", 2, false),
            ("Software design", 1, false),
            ("Communication", 2, false),
            ("Collaboration", 2, false),
            ("Ownership", 1, false),
        ],
    ),
    (
        "se",
        "Software Engineer",
        "ic",
        2,
        "Engineering",
        "Delivers features end to end on the team's services with little guidance.",
        &[
            ("Code quality", 3, true),
            ("Testing", 3, false),
            ("Automated testing", 3, false),
            ("Software design", 2, false),
            ("API design", 2, false),
            ("Operations and reliability", 2, false),
            ("Security", 2, false),
            ("Planning and estimation", 2, false),
            ("Ownership", 2, false),
            ("Communication", 2, false),
            ("Collaboration", 3, false),
        ],
    ),
    (
        "sse",
        "Senior Software Engineer",
        "ic",
        3,
        "Engineering",
        "Leads technical work on a team, designs services and grows the engineers around them.",
        &[
            ("Software design", 3, true),
            ("API design", 3, false),
            ("Data modelling", 3, false),
            ("Code quality", 4, false),
            ("Testing", 3, false),
            ("Test strategy", 3, false),
            ("Operations and reliability", 3, false),
            ("Incident response", 3, false),
            ("Security", 3, false),
            ("Planning and estimation", 3, false),
            ("Ownership", 3, true),
            ("Communication", 3, false),
            ("Mentoring", 3, false),
            ("Collaboration", 3, false),
        ],
    ),
    (
        "staff",
        "Staff Engineer",
        "ic",
        4,
        "Engineering",
        "Sets technical direction across teams and solves the problems no single team owns.",
        &[
            ("Software design", 4, true),
            ("API design", 4, false),
            ("Data modelling", 4, false),
            ("Code quality", 4, false),
            ("Test strategy", 4, false),
            ("Operations and reliability", 4, false),
            ("Observability", 4, false),
            ("Security", 3, false),
            ("Planning and estimation", 4, false),
            ("Ownership", 4, true),
            ("Communication", 4, false),
            ("Mentoring", 4, false),
            ("Collaboration", 4, false),
        ],
    ),
    (
        "principal",
        "Principal Engineer",
        "ic",
        5,
        "Engineering",
        "Shapes the engineering strategy of the company and its most important systems.",
        &[
            ("Software design", 5, true),
            ("Data modelling", 4, false),
            ("Operations and reliability", 4, false),
            ("Security", 4, false),
            ("Planning and estimation", 4, false),
            ("Ownership", 5, true),
            ("Communication", 5, false),
            ("Mentoring", 5, false),
            ("Collaboration", 5, false),
        ],
    ),
    (
        "sre",
        "Site Reliability Engineer",
        "ic",
        3,
        "Platform",
        "Keeps the platform fast and available, and makes incidents rarer and shorter.",
        &[
            ("Operations and reliability", 4, true),
            ("Observability", 4, false),
            ("Incident response", 4, true),
            ("Automated testing", 3, false),
            ("Security", 3, false),
            ("Software design", 3, false),
            ("Ownership", 3, false),
            ("Communication", 3, false),
        ],
    ),
    (
        "qa",
        "QA Engineer",
        "ic",
        2,
        "Product Engineering",
        "Designs how the product is tested and automates the checks that matter.",
        &[
            ("Testing", 4, true),
            ("Automated testing", 3, false),
            ("Test strategy", 3, false),
            ("Code quality", 2, false),
            ("Communication", 3, false),
            ("Collaboration", 3, false),
        ],
    ),
    (
        "em",
        "Engineering Manager",
        "managerial",
        3,
        "Engineering",
        "Leads a team of engineers: hires, coaches, plans the work and owns its delivery.",
        &[
            ("Mentoring", 4, true),
            ("Communication", 4, true),
            ("Planning and estimation", 4, false),
            ("Ownership", 4, false),
            ("Collaboration", 4, false),
            ("Software design", 3, false),
            ("Operations and reliability", 3, false),
            ("Interpersonal skills", 4, false),
        ],
    ),
    (
        "director",
        "Director of Engineering",
        "managerial",
        4,
        "Engineering",
        "Leads several teams through their managers and shapes how engineering works.",
        &[
            ("Mentoring", 5, true),
            ("Communication", 5, true),
            ("Planning and estimation", 4, false),
            ("Ownership", 5, false),
            ("Collaboration", 5, false),
            ("Software design", 3, false),
            ("Interpersonal skills", 4, false),
            ("Critical thinking", 4, false),
        ],
    ),
    (
        "vp",
        "VP Engineering",
        "managerial",
        5,
        "Engineering",
        "Runs the engineering organisation: strategy, structure, budget and culture.",
        &[
            ("Communication", 5, true),
            ("Mentoring", 5, false),
            ("Planning and estimation", 5, false),
            ("Ownership", 5, true),
            ("Collaboration", 5, false),
            ("Critical thinking", 5, false),
            ("Interpersonal skills", 5, false),
        ],
    ),
    (
        "pd",
        "Product Designer",
        "ic",
        2,
        "Product Engineering",
        "Designs how the product works and looks, from research to polished screens.",
        &[
            ("Customer focus", 4, true),
            ("Critical thinking", 3, false),
            ("Teamwork", 3, false),
            ("Digital literacy", 4, false),
            ("Writing", 3, false),
            ("Communication", 3, false),
        ],
    ),
    (
        "pm",
        "Product Manager",
        "ic",
        3,
        "Product Engineering",
        "Decides what the product does next and why, with customers, design and engineering.",
        &[
            ("Customer focus", 4, true),
            ("Critical thinking", 4, true),
            ("Planning and organising", 4, false),
            ("Writing", 4, false),
            ("Data management", 3, false),
            ("Communication", 4, false),
            ("Collaboration", 4, false),
        ],
    ),
    (
        "ss",
        "Support Specialist",
        "ic",
        1,
        "Customer Success",
        "Answers customers' questions and solves their problems through the support desk.",
        &[
            ("Customer focus", 3, true),
            ("Customer support operations", 3, true),
            ("Writing", 3, false),
            ("Problem solving", 2, false),
            ("Digital literacy", 3, false),
            ("Interpersonal skills", 3, false),
        ],
    ),
    (
        "tse",
        "Technical Support Engineer",
        "ic",
        2,
        "Customer Success",
        "Solves the hardest customer problems, down to logs, data and code.",
        &[
            ("Customer support operations", 4, true),
            ("Problem solving", 4, true),
            ("Customer focus", 3, false),
            ("Software development lifecycle", 3, false),
            ("Data management", 3, false),
            ("Information security", 3, false),
            ("Writing", 3, false),
        ],
    ),
    (
        "stl",
        "Support Team Lead",
        "managerial",
        3,
        "Customer Success",
        "Leads the support team: schedules, quality, coaching and escalations.",
        &[
            ("Customer support operations", 4, true),
            ("Customer focus", 4, false),
            ("Interpersonal skills", 4, true),
            ("Planning and organising", 4, false),
            ("Problem solving", 3, false),
            ("Teamwork", 4, false),
        ],
    ),
    (
        "csm",
        "Customer Success Manager",
        "ic",
        2,
        "Customer Success",
        "Helps a portfolio of customers succeed with the product and renew.",
        &[
            ("Customer focus", 4, true),
            ("Interpersonal skills", 4, false),
            ("Planning and organising", 3, false),
            ("Writing", 3, false),
            ("Problem solving", 3, false),
            ("Digital literacy", 3, false),
        ],
    ),
    (
        "csl",
        "Customer Success Lead",
        "managerial",
        3,
        "Customer Success",
        "Leads the customer success managers and owns retention for a segment.",
        &[
            ("Customer focus", 5, true),
            ("Interpersonal skills", 4, true),
            ("Planning and organising", 4, false),
            ("Critical thinking", 3, false),
            ("Teamwork", 4, false),
        ],
    ),
    (
        "hcs",
        "Head of Customer Success",
        "managerial",
        4,
        "Customer Success",
        "Runs support and customer success, and speaks for customers in the leadership team.",
        &[
            ("Customer focus", 5, true),
            ("Interpersonal skills", 5, false),
            ("Planning and organising", 5, false),
            ("Critical thinking", 4, false),
            ("Customer support operations", 4, false),
            ("Integrity", 4, false),
        ],
    ),
    (
        "pos",
        "People Operations Specialist",
        "ic",
        1,
        "People & Operations",
        "Keeps people processes running: contracts, onboarding, records and payroll inputs.",
        &[
            ("Data management", 3, true),
            ("Dependability", 3, false),
            ("Writing", 3, false),
            ("Integrity", 4, true),
            ("Digital literacy", 3, false),
            ("Planning and organising", 3, false),
        ],
    ),
    (
        "tap",
        "Talent Acquisition Partner",
        "ic",
        2,
        "People & Operations",
        "Finds and hires the people the company needs, with hiring managers.",
        &[
            ("Interpersonal skills", 4, true),
            ("Writing", 3, false),
            ("Planning and organising", 3, false),
            ("Integrity", 4, false),
            ("Customer focus", 3, false),
        ],
    ),
    (
        "hrbp",
        "HR Business Partner",
        "ic",
        3,
        "People & Operations",
        "Advises leaders on organisation, performance and people matters.",
        &[
            ("Interpersonal skills", 4, true),
            ("Integrity", 5, true),
            ("Critical thinking", 4, false),
            ("Data management", 3, false),
            ("Writing", 4, false),
            ("Problem solving", 4, false),
        ],
    ),
    (
        "ld",
        "Learning Designer",
        "ic",
        2,
        "People & Operations",
        "Designs courses and learning journeys that close real skill gaps.",
        &[
            ("Writing", 4, true),
            ("Lifelong learning", 4, false),
            ("Digital literacy", 4, false),
            ("Customer focus", 3, false),
            ("Critical thinking", 3, false),
        ],
    ),
    (
        "ldl",
        "Learning & Development Lead",
        "managerial",
        4,
        "People & Operations",
        "Owns the competency frameworks, the learning catalogue and how people grow.",
        &[
            ("Lifelong learning", 5, true),
            ("Interpersonal skills", 4, false),
            ("Writing", 4, false),
            ("Planning and organising", 4, false),
            ("Critical thinking", 4, false),
            ("Data management", 3, false),
        ],
    ),
    (
        "fin",
        "Finance Analyst",
        "ic",
        2,
        "People & Operations",
        "Keeps the numbers right and explains what they mean.",
        &[
            ("Mathematics", 4, true),
            ("Data management", 4, false),
            ("Critical thinking", 4, false),
            ("Integrity", 4, true),
            ("Writing", 3, false),
        ],
    ),
    (
        "it",
        "IT Administrator",
        "ic",
        2,
        "People & Operations",
        "Runs the company's devices, accounts and internal tools safely.",
        &[
            ("Information security", 4, true),
            ("Working with tools and technology", 4, false),
            ("Problem solving", 3, false),
            ("Dependability", 4, false),
            ("Customer focus", 3, false),
        ],
    ),
    (
        "om",
        "Office Manager",
        "ic",
        1,
        "People & Operations",
        "Keeps the office and its services running for everyone.",
        &[
            ("Planning and organising", 4, true),
            ("Dependability", 4, false),
            ("Interpersonal skills", 3, false),
            ("Adaptability", 3, false),
        ],
    ),
    (
        "coo",
        "Chief Operating Officer",
        "managerial",
        6,
        "Northwind Labs",
        "Runs the company's operations: customer success, people, finance and IT.",
        &[
            ("Critical thinking", 5, true),
            ("Planning and organising", 5, false),
            ("Interpersonal skills", 5, false),
            ("Integrity", 5, true),
            ("Customer focus", 4, false),
        ],
    ),
    (
        "ceo",
        "Chief Executive Officer",
        "managerial",
        7,
        "Northwind Labs",
        "Leads the company.",
        &[
            ("Critical thinking", 5, true),
            ("Integrity", 5, true),
            ("Interpersonal skills", 5, false),
            ("Customer focus", 5, false),
            ("Initiative", 5, false),
        ],
    ),
];

/// Career-path links: (from key, to key, kind, notes).
const LINKS: &[(&str, &str, &str, &str)] = &[
    ("jse", "se", "up", "Ships features independently; owns a small service's tests and on-call basics."),
    ("se", "sse", "up", "Has designed and led a project across several services; reviews others' designs; mentors a junior engineer."),
    ("sse", "staff", "up", "Has led a technical initiative across teams and changed how others build; sought out for design reviews."),
    ("staff", "principal", "up", "Has shaped the architecture of the company's core systems over several years."),
    ("sse", "em", "across", "Manager-in-training: has run a team's rituals, hiring loops and one-to-ones for two people for six months."),
    ("em", "sse", "across", "Return to the individual-contributor track; keep mentoring."),
    ("staff", "director", "across", "Has managed managers or led a multi-team programme with people responsibility."),
    ("em", "director", "up", "Has led two teams or a team of teams; grown a manager."),
    ("director", "vp", "up", "Owns an engineering budget and headcount plan; represents engineering in the leadership team."),
    ("se", "sre", "across", "Has been on call for a production service and led an incident review."),
    ("sre", "staff", "up", "Has led reliability work across the platform."),
    ("jse", "qa", "across", "Has written the test plan for a feature and automated its checks."),
    ("qa", "se", "across", "Ships product code as well as tests; owns a feature end to end."),
    ("ss", "tse", "up", "Handles technical escalations; reads logs and queries data confidently."),
    ("ss", "csm", "across", "Has looked after a set of accounts through onboarding and a renewal."),
    ("ss", "stl", "up", "Has coached new specialists and run the support queue for a quarter."),
    ("csm", "csl", "up", "Owns a segment's retention figures; has coached other CSMs."),
    ("stl", "hcs", "up", "Has led support through a major launch; owns its budget and tools."),
    ("csl", "hcs", "up", "Has led customer success and support planning together."),
    ("tse", "se", "across", "Has shipped fixes to the product's code with an engineering team."),
    ("pos", "tap", "across", "Has run hiring processes with a manager from start to offer."),
    ("pos", "hrbp", "up", "Has advised managers on performance and organisation cases."),
    ("tap", "hrbp", "up", "Has advised leaders on team design and people plans."),
    ("ld", "ldl", "up", "Has run the company's learning programme and its frameworks for a year."),
    ("hcs", "coo", "up", "Has led more than one operations function."),
    ("coo", "ceo", "up", "Chosen by the board."),
];

/// Who holds what: (e-mail local part, position key, target position key).
pub(crate) const HOLDERS: &[(&str, &str, Option<&str>)] = &[
    ("helena.brandt", "ceo", None),
    ("marcus.webb", "vp", None),
    ("grace.okafor", "em", Some("director")),
    ("liam.chen", "se", Some("sse")),
    ("amara.nwosu", "sse", Some("staff")),
    ("jonas.keller", "sre", None),
    ("mei.tanaka", "se", None),
    ("diego.alvarez", "staff", Some("principal")),
    ("fatima.zahra", "jse", Some("se")),
    ("owen.price", "se", Some("sre")),
    ("sofia.lindqvist", "em", None),
    ("noah.fischer", "se", Some("sse")),
    ("aisha.bello", "sse", Some("em")),
    ("kenji.mori", "se", None),
    ("clara.rossi", "pd", None),
    ("ethan.walsh", "qa", Some("se")),
    ("zoe.martin", "jse", None),
    ("ravi.iyer", "se", None),
    ("hannah.berg", "pm", None),
    ("isabel.moreno", "hcs", Some("coo")),
    ("samuel.adeyemi", "stl", None),
    ("lucy.hughes", "ss", Some("tse")),
    ("mateo.silva", "ss", None),
    ("yara.haddad", "tse", Some("se")),
    ("tom.baker", "ss", Some("csm")),
    ("nina.petrova", "csl", None),
    ("arjun.mehta", "csm", Some("csl")),
    ("emma.dubois", "csm", None),
    ("kwame.asante", "ss", None),
    ("julia.novak", "csm", None),
    ("olivia.grant", "coo", None),
    ("priya.raman", "ldl", None),
    ("tomas.ortega", "hrbp", None),
    ("chloe.evans", "tap", Some("hrbp")),
    ("ben.carter", "fin", None),
    ("leila.karimi", "om", None),
    ("david.osei", "pos", Some("hrbp")),
    ("sara.holm", "ld", Some("ldl")),
    ("victor.lenz", "it", None),
    ("ines.costa", "pos", None),
];

/// Creates the demo positions, their requirements and career paths, and assigns every
/// demo person. `people` maps e-mail local parts to ids.
#[tracing::instrument(skip_all)]
pub async fn load(db: &Db, people: &HashMap<&str, i64>) -> Result<(), AppError> {
    let nodes: Vec<(i64, String)> =
        sqlx::query_as("select id, title from framework_node where kind <> 'category' order by id")
            .fetch_all(&db.pool)
            .await?;
    let mut by_title: HashMap<String, i64> = HashMap::new();
    for (id, title) in nodes {
        by_title.entry(title).or_insert(id);
    }
    let units: Vec<(i64, String)> = sqlx::query_as("select id, name from org_unit")
        .fetch_all(&db.pool)
        .await?;
    let units: HashMap<String, i64> = units.into_iter().map(|(i, n)| (n, i)).collect();
    let mut ids: HashMap<&str, PositionId> = HashMap::new();
    for (key, title, track, rank, unit, description, reqs) in POSITIONS {
        let id = positions::create(
            db,
            &PositionInput {
                title: (*title).into(),
                description: (*description).into(),
                track: (*track).into(),
                rank: rank.to_string(),
                unit_id: units.get(*unit).map(|u| u.to_string()).unwrap_or_default(),
            },
        )
        .await?;
        for (node, level, mandatory) in *reqs {
            let node = by_title.get(*node).ok_or_else(|| {
                tracing::error!(node, "demo position names an unknown node");
                AppError::Internal
            })?;
            positions::add_requirement(
                db,
                id,
                &RequirementInput {
                    node: node.to_string(),
                    level: level.to_string(),
                    weight: if *mandatory { "5" } else { "3" }.into(),
                    mandatory: mandatory.then(|| "on".to_string()),
                },
            )
            .await?;
        }
        ids.insert(key, id);
    }
    for (from, to, kind, notes) in LINKS {
        positions::add_link(
            db,
            &PathLinkInput {
                from: ids[from].to_string(),
                to: ids[to].to_string(),
                kind: (*kind).into(),
                notes: (*notes).into(),
            },
        )
        .await?;
    }
    for (local, position, target) in HOLDERS {
        let Some(person) = people.get(local).copied().map(PersonId) else {
            continue;
        };
        positions::set_position(db, person, Some(ids[position])).await?;
        if let Some(t) = target {
            sqlx::query("update person set target_position_id = $1 where id = $2")
                .bind(ids[t].0)
                .bind(person.0)
                .execute(&db.pool)
                .await?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_and_holders_name_known_positions() {
        let keys: Vec<&str> = POSITIONS.iter().map(|p| p.0).collect();
        for (f, t, _, _) in LINKS {
            assert!(keys.contains(f) && keys.contains(t), "{f} -> {t}");
        }
        for (who, p, t) in HOLDERS {
            assert!(keys.contains(p), "{who}: {p}");
            assert!(
                t.is_none_or(|t| keys.contains(&t) && t != *p),
                "{who}: {t:?}"
            );
        }
    }
}

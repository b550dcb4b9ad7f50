//! The demo organisation's two frameworks, built through the same service functions the
//! editor uses and published as version 1. The texts are Proficio's own.

use super::db::Db;
use super::frameworks::{add_node, create, publish, save_node};
use crate::api::AppError;
use crate::domain::framework::NodeInput;
use crate::domain::{FrameworkId, NodeId, PersonId};

/// Tiers of the building-blocks model, bottom (foundational) first: (tier, [(competency,
/// definition)]).
const TIERS: &[(&str, &[(&str, &str)])] = &[
    (
        "Personal effectiveness",
        &[
            (
                "Interpersonal skills",
                "Works with others respectfully and builds trust.",
            ),
            (
                "Integrity",
                "Acts honestly and keeps commitments, also when nobody is watching.",
            ),
            (
                "Initiative",
                "Starts useful work without waiting to be asked.",
            ),
            (
                "Dependability",
                "Delivers what was promised, on time, at the expected quality.",
            ),
            (
                "Adaptability",
                "Adjusts to new tasks, tools and priorities without losing pace.",
            ),
            (
                "Lifelong learning",
                "Seeks feedback and learns new skills continuously.",
            ),
        ],
    ),
    (
        "Academic",
        &[
            (
                "Reading",
                "Understands written work material and acts on it.",
            ),
            (
                "Writing",
                "Writes clear, correct and well-structured text for its readers.",
            ),
            (
                "Mathematics",
                "Uses numbers, estimates and basic statistics to reason about work.",
            ),
            (
                "Critical thinking",
                "Weighs evidence and arguments before reaching conclusions.",
            ),
            (
                "Digital literacy",
                "Uses computers, common software and online tools confidently.",
            ),
        ],
    ),
    (
        "Workplace",
        &[
            (
                "Teamwork",
                "Contributes to shared goals and helps teammates succeed.",
            ),
            (
                "Customer focus",
                "Understands what customers need and acts to meet it.",
            ),
            (
                "Planning and organising",
                "Plans work, sets priorities and manages time.",
            ),
            (
                "Problem solving",
                "Finds the cause of problems and chooses workable solutions.",
            ),
            (
                "Working with tools and technology",
                "Picks and uses the right tools safely and well.",
            ),
        ],
    ),
    (
        "Industry-wide technical",
        &[
            (
                "Software development lifecycle",
                "Knows how software moves from idea to production and back.",
            ),
            (
                "Information security",
                "Protects data and systems in everyday work.",
            ),
            (
                "Data management",
                "Handles data accurately, lawfully and with its purpose in mind.",
            ),
        ],
    ),
    (
        "Occupation-specific",
        &[
            (
                "Backend engineering",
                "Builds and runs the services behind the product.",
            ),
            (
                "Customer support operations",
                "Resolves customer issues through the support process.",
            ),
        ],
    ),
];

/// Engineering framework: (category, [(competency, focus phrase, definition, [skills])]).
type EngCompetency = (
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
);
const ENGINEERING: &[(&str, &[EngCompetency])] = &[
    (
        "Technical craft",
        &[
            (
                "Software design",
                "software design",
                "Shapes systems so they are simple to change and hard to break.",
                &["API design", "Data modelling"],
            ),
            (
                "Code quality",
                "code quality",
                "Writes readable, tested, maintainable code and reviews others' generously.",
                &[],
            ),
            (
                "Testing",
                "testing",
                "Builds confidence in changes through the right mix of automated tests.",
                &["Automated testing", "Test strategy"],
            ),
            (
                "Operations and reliability",
                "reliability",
                "Keeps services healthy in production and learns from incidents.",
                &["Observability", "Incident response"],
            ),
            (
                "Security",
                "security",
                "Builds security into design, code and operations.",
                &[],
            ),
        ],
    ),
    (
        "Delivery",
        &[
            (
                "Planning and estimation",
                "planning",
                "Breaks work down, estimates honestly and plans for risk.",
                &[],
            ),
            (
                "Ownership",
                "ownership",
                "Takes responsibility for outcomes from idea to production.",
                &[],
            ),
        ],
    ),
    (
        "People",
        &[
            (
                "Communication",
                "communication",
                "Shares information clearly, in writing and in person.",
                &[],
            ),
            (
                "Mentoring",
                "mentoring",
                "Helps others grow through guidance, feedback and example.",
                &[],
            ),
            (
                "Collaboration",
                "collaboration",
                "Works across teams and disciplines towards shared goals.",
                &[],
            ),
        ],
    ),
];

/// Nodes whose validated levels expire after some months (a yearly security refresher).
const VALIDITY: &[(&str, u32)] = &[
    ("Security", 12),
    ("Information security", 12),
    ("Data management", 24),
];

/// Other names some demo nodes go by (what job descriptions tend to say instead).
const ALT_LABELS: &[(&str, &[&str])] = &[
    (
        "Operations and reliability",
        &[
            "Site reliability engineering",
            "DevOps",
            "Production support",
        ],
    ),
    (
        "Incident response",
        &["On-call", "Incident management", "Postmortems"],
    ),
    (
        "Observability",
        &["Monitoring", "Metrics, logs and tracing"],
    ),
    (
        "Automated testing",
        &["Unit testing", "Integration testing", "Test automation"],
    ),
    ("Testing", &["Quality assurance", "QA"]),
    (
        "Software design",
        &["Software architecture", "System design"],
    ),
    ("API design", &["REST APIs", "Interface design"]),
    (
        "Data modelling",
        &["Database design", "Schema design", "SQL"],
    ),
    ("Mentoring", &["Coaching", "Developing others"]),
    (
        "Planning and estimation",
        &["Project planning", "Roadmapping"],
    ),
    (
        "Customer support operations",
        &["Help desk", "Ticket handling", "Customer service"],
    ),
];

fn ic(level: u8, focus: &str) -> String {
    match level {
        1 => format!("Is learning {focus}; follows the team's practices with guidance."),
        2 => format!("Applies {focus} on well-defined tasks, asking for help on harder ones."),
        3 => format!("Applies {focus} independently on the team's typical work."),
        4 => format!("Leads {focus} on complex, cross-team work and raises the bar for others."),
        _ => format!("Sets the direction for {focus} across the organisation."),
    }
}

fn managerial(level: u8, focus: &str) -> String {
    match level {
        1 => format!("Understands why {focus} matters to the team's results."),
        2 => format!("Makes room for {focus} in the team's plans and reviews."),
        3 => format!("Builds a team that practises {focus} without prompting."),
        4 => format!("Shapes {focus} practices across several teams."),
        _ => format!("Sets the organisation's strategy and investment for {focus}."),
    }
}

/// A framework under construction, tracking the revision each change is based on.
struct Builder<'a> {
    db: &'a Db,
    id: FrameworkId,
    revision: i64,
}

impl Builder<'_> {
    async fn add(
        &mut self,
        parent: Option<NodeId>,
        kind: &str,
        title: &str,
    ) -> Result<NodeId, AppError> {
        let n = add_node(self.db, self.id, self.revision, parent, kind, title).await?;
        self.revision += 1;
        Ok(n)
    }

    async fn describe(
        &mut self,
        node: NodeId,
        title: &str,
        code: &str,
        definition: &str,
        focus: Option<&str>,
    ) -> Result<(), AppError> {
        let mut levels = std::collections::BTreeMap::new();
        if let Some(focus) = focus {
            for l in 1..=5u8 {
                levels.insert(format!("ic-{l}"), ic(l, focus));
                levels.insert(format!("managerial-{l}"), managerial(l, focus));
            }
        }
        let input = NodeInput {
            title: title.into(),
            short_code: code.into(),
            definition: definition.into(),
            key_behaviours: String::new(),
            alt_labels: ALT_LABELS
                .iter()
                .find(|a| a.0 == title)
                .map(|a| a.1.join("\n"))
                .unwrap_or_default(),
            validity_months: VALIDITY
                .iter()
                .find(|v| v.0 == title)
                .map(|v| v.1.to_string())
                .unwrap_or_default(),
            external_id: format!("urn:proficio:demo:{}", code.to_lowercase()),
            levels,
        };
        save_node(self.db, self.id, self.revision, node, input).await?;
        self.revision += 1;
        Ok(())
    }
}

/// Creates and publishes both demo frameworks; `by` is the publishing admin.
#[tracing::instrument(skip_all, fields(by = by.0))]
pub async fn load(db: &Db, by: PersonId) -> Result<(), AppError> {
    let id = create(db, "Core competency model", "A building-blocks model: foundational personal and academic competencies at the base, occupation-specific ones at the top.").await?;
    let mut b = Builder {
        db,
        id,
        revision: 0,
    };
    for (t, (tier, items)) in TIERS.iter().enumerate() {
        let tier_node = b.add(None, "category", tier).await?;
        for (c, (title, definition)) in items.iter().enumerate() {
            let n = b.add(Some(tier_node), "competency", title).await?;
            b.describe(n, title, &format!("B{}.{}", t + 1, c + 1), definition, None)
                .await?;
        }
    }
    publish(db, id, b.revision, by).await?;

    let id = create(db, "Engineering", "What good looks like for Northwind's engineers, with individual-contributor and managerial level descriptions.").await?;
    let mut b = Builder {
        db,
        id,
        revision: 0,
    };
    for (ci, (category, comps)) in ENGINEERING.iter().enumerate() {
        let cat = b.add(None, "category", category).await?;
        for (ki, (title, focus, definition, skills)) in comps.iter().enumerate() {
            let code = format!("E{}.{}", ci + 1, ki + 1);
            let n = b.add(Some(cat), "competency", title).await?;
            b.describe(n, title, &code, definition, Some(focus)).await?;
            for (si, skill) in skills.iter().enumerate() {
                let s = b.add(Some(n), "skill", skill).await?;
                b.describe(
                    s,
                    skill,
                    &format!("{code}.{}", si + 1),
                    "",
                    Some(&skill.to_lowercase()),
                )
                .await?;
            }
        }
    }
    publish(db, id, b.revision, by).await?;
    Ok(())
}

//! The learning catalogue: kinds of activity, the activity form, and the levels a
//! completion awards.

use super::values::{parse_cost, parse_duration};
use crate::domain::NodeId;
use serde::{Deserialize, Serialize};

/// What kind of learning an activity is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ActivityKind {
    Course,
    Workshop,
    Reading,
    Mentoring,
    /// A task done at work under a mentor, who signs it off.
    OnTheJob,
}

impl ActivityKind {
    /// Every kind, in display order.
    pub const ALL: [ActivityKind; 5] = [
        ActivityKind::Course,
        ActivityKind::Workshop,
        ActivityKind::Reading,
        ActivityKind::Mentoring,
        ActivityKind::OnTheJob,
    ];

    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            ActivityKind::Course => "course",
            ActivityKind::Workshop => "workshop",
            ActivityKind::Reading => "reading",
            ActivityKind::Mentoring => "mentoring",
            ActivityKind::OnTheJob => "on_the_job",
        }
    }

    /// Reads the stored form or what a person writes ("On-the-job task", "book").
    pub fn parse(s: &str) -> Option<ActivityKind> {
        let k: String = s
            .trim()
            .to_lowercase()
            .chars()
            .filter(|c| c.is_alphanumeric())
            .collect();
        Some(match k.as_str() {
            "course" | "elearning" | "class" | "training" => ActivityKind::Course,
            "workshop" | "seminar" => ActivityKind::Workshop,
            "reading" | "book" | "article" => ActivityKind::Reading,
            "mentoring" | "coaching" => ActivityKind::Mentoring,
            "onthejob" | "onthejobtask" | "onthejobtraining" | "ojt" | "task" => {
                ActivityKind::OnTheJob
            }
            _ => return None,
        })
    }

    /// For people.
    pub fn label(self) -> &'static str {
        match self {
            ActivityKind::Course => "Course",
            ActivityKind::Workshop => "Workshop",
            ActivityKind::Reading => "Reading",
            ActivityKind::Mentoring => "Mentoring",
            ActivityKind::OnTheJob => "On-the-job task",
        }
    }

    /// Whether a mentor (not the manager) signs completion off.
    pub fn needs_mentor(self) -> bool {
        self == ActivityKind::OnTheJob
    }
}

/// One level an activity provides, as listed in the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provided {
    pub node: NodeId,
    pub title: String,
    /// The node's framework.
    pub framework: String,
    pub level: u8,
    /// "Level 3: Working".
    pub level_name: String,
}

/// A catalogue entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityRow {
    pub id: i64,
    pub title: String,
    pub kind: ActivityKind,
    pub provider: String,
    pub url: String,
    pub duration_minutes: u32,
    pub cost_cents: Option<u64>,
    pub description: String,
    /// Identifier in a learning system (CSV re-imports and completions match on it).
    pub external_id: Option<String>,
    /// Offered (an archived entry stays on the plans that use it).
    pub active: bool,
    pub provides: Vec<Provided>,
}

/// The catalogue page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Catalogue {
    /// Entries matching the filter, by title.
    pub rows: Vec<ActivityRow>,
    /// Entries in the whole catalogue (active and archived).
    pub total: u32,
    /// The caller may edit it.
    pub can_edit: bool,
}

/// The form that creates or edits a catalogue entry (text as typed; checked on the server).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ActivityInput {
    pub title: String,
    pub kind: String,
    #[serde(default)]
    pub provider: String,
    #[serde(default)]
    pub url: String,
    pub duration: String,
    #[serde(default)]
    pub cost: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub external_id: String,
}

/// A catalogue entry's checked fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityFields {
    pub title: String,
    pub kind: ActivityKind,
    pub provider: String,
    pub url: String,
    pub duration_minutes: u32,
    pub cost_cents: Option<u64>,
    pub description: String,
    pub external_id: Option<String>,
}

/// An optional web link: empty, or checked like evidence links
/// ([`crate::domain::assess::check_link`]); the error is the message.
pub fn optional_link(url: &str) -> Result<String, String> {
    if url.trim().is_empty() {
        return Ok(String::new());
    }
    crate::domain::assess::check_link(url).map_err(|e| e.message)
}

/// Checks the form; an error names its field.
pub fn check_activity(input: &ActivityInput) -> Result<ActivityFields, (&'static str, String)> {
    let title = input.title.trim();
    if title.is_empty() {
        return Err(("title", "Give the activity a title.".into()));
    }
    if title.chars().count() > 200 {
        return Err(("title", "A title has at most 200 characters.".into()));
    }
    let kind = ActivityKind::parse(&input.kind).ok_or((
        "kind",
        format!(
            "\u{201c}{}\u{201d} is not a kind: use course, workshop, reading, mentoring or on-the-job.",
            input.kind.trim()
        ),
    ))?;
    let url = optional_link(&input.url).map_err(|m| ("url", m))?;
    let provider = input.provider.trim();
    if provider.chars().count() > 200 {
        return Err(("provider", "A provider has at most 200 characters.".into()));
    }
    let duration_minutes = parse_duration(&input.duration).map_err(|m| ("duration", m))?;
    let cost_cents = parse_cost(&input.cost).map_err(|m| ("cost", m))?;
    let description = input.description.trim();
    if description.chars().count() > 5000 {
        return Err((
            "description",
            "A description has at most 5,000 characters.".into(),
        ));
    }
    let external = input.external_id.trim();
    if external.chars().count() > 200 {
        return Err((
            "external_id",
            "An identifier has at most 200 characters.".into(),
        ));
    }
    Ok(ActivityFields {
        title: title.to_string(),
        kind,
        provider: provider.to_string(),
        url,
        duration_minutes,
        cost_cents,
        description: description.to_string(),
        external_id: (!external.is_empty()).then(|| external.to_string()),
    })
}

/// The levels a completion awards: each level the activity provides, except where the
/// person already holds a higher one (a completion never lowers a level; at the same level
/// it renews it). `current` gives the effective current levels (0 if none or expired).
pub fn completion_awards(
    provides: &[(NodeId, u8)],
    current: &std::collections::HashMap<NodeId, u8>,
) -> (Vec<(NodeId, u8)>, Vec<NodeId>) {
    let mut award = Vec::new();
    let mut kept = Vec::new();
    for &(node, level) in provides {
        if current.get(&node).copied().unwrap_or(0) > level {
            kept.push(node);
        } else {
            award.push((node, level));
        }
    }
    (award, kept)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completions_never_lower_a_level() {
        let current = [(NodeId(1), 4u8), (NodeId(2), 2)].into_iter().collect();
        let (award, kept) =
            completion_awards(&[(NodeId(1), 3), (NodeId(2), 2), (NodeId(3), 1)], &current);
        assert_eq!(award, vec![(NodeId(2), 2), (NodeId(3), 1)]);
        assert_eq!(kept, vec![NodeId(1)]);
    }

    #[test]
    fn kinds_parse_what_people_write() {
        for k in ActivityKind::ALL {
            assert_eq!(ActivityKind::parse(k.as_str()), Some(k));
            assert_eq!(ActivityKind::parse(k.label()), Some(k));
        }
        assert_eq!(
            ActivityKind::parse("On the job"),
            Some(ActivityKind::OnTheJob)
        );
        assert_eq!(
            ActivityKind::parse("e-learning"),
            Some(ActivityKind::Course)
        );
        assert_eq!(ActivityKind::parse("podcast"), None);
    }

    #[test]
    fn activity_form_names_the_field() {
        let ok = ActivityInput {
            title: "Rust in practice".into(),
            kind: "Course".into(),
            duration: "2 days".into(),
            cost: "450".into(),
            url: "https://learn.example/rust".into(),
            ..Default::default()
        };
        let f = check_activity(&ok).unwrap();
        assert_eq!((f.duration_minutes, f.cost_cents), (960, Some(45_000)));
        let bad = |edit: fn(&mut ActivityInput)| {
            let mut i = ok.clone();
            edit(&mut i);
            check_activity(&i).unwrap_err().0
        };
        assert_eq!(bad(|i| i.title.clear()), "title");
        assert_eq!(bad(|i| i.kind = "podcast".into()), "kind");
        assert_eq!(bad(|i| i.url = "javascript:alert(1)".into()), "url");
        assert_eq!(bad(|i| i.duration = "soon".into()), "duration");
        assert_eq!(bad(|i| i.cost = "-3".into()), "cost");
    }
}

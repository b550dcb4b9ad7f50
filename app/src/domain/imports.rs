//! What every import has in common: the neutral framework structure the readers produce
//! (CASE's [`Imported`], shared by the Moodle, ESCO and progression readers), and the
//! preview an admin sees before anything is written.

use super::case::{
    Extra, Imported, ImportedLink, ImportedNode, Issue, LinkEnd, LinkKind, LinkTarget,
};
use super::tree::NodeKind;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Formats an upload may have: key (as the CLI spells it), label, the file types to offer.
pub const FORMATS: &[(&str, &str, &str)] = &[
    (
        "case",
        "CASE 1.1 or 1.0 package (JSON)",
        ".json,application/json",
    ),
    (
        "moodle-csv",
        "Moodle competency CSV (12 or 14 columns)",
        ".csv,text/csv",
    ),
    (
        "esco-skills",
        "ESCO skills (JSON list or skills.csv)",
        ".json,.csv,application/json,text/csv",
    ),
    (
        "esco-occupations",
        "ESCO occupations as positions (JSON list or occupations.csv)",
        ".json,.csv,application/json,text/csv",
    ),
    (
        "progression-yaml",
        "Progression YAML (Financial Times format)",
        ".yml,.yaml",
    ),
    (
        "people-csv",
        "People CSV (email, name, job title, role, unit, manager, position)",
        ".csv,text/csv",
    ),
    (
        "learning-csv",
        "Learning activities CSV (title, kind, provider, url, duration, cost, id, provides)",
        ".csv,text/csv",
    ),
];

/// A format's label.
pub fn format_label(key: &str) -> &'static str {
    FORMATS
        .iter()
        .find(|f| f.0 == key)
        .map_or("unknown format", |f| f.1)
}

/// A node with nothing but its place, kind and title; set the rest on the result.
pub fn node(external_id: &str, parent: Option<&str>, kind: NodeKind, title: &str) -> ImportedNode {
    ImportedNode {
        external_id: external_id.to_string(),
        parent: parent.map(str::to_string),
        kind,
        title: title.to_string(),
        short_code: String::new(),
        definition: String::new(),
        position: 0,
        level_descriptions: Vec::new(),
        extra: Extra::new(),
        child_of: None,
        alt_labels: Vec::new(),
    }
}

/// Numbers siblings 0, 1, 2… in the order the nodes come (each parent before its children).
pub fn number_siblings(nodes: &mut [ImportedNode]) {
    let mut next: HashMap<Option<String>, u32> = HashMap::new();
    for n in nodes {
        let p = next.entry(n.parent.clone()).or_insert(0);
        n.position = *p;
        *p += 1;
    }
}

/// A framework with no CASE members of its own.
pub fn framework(
    name: &str,
    description: &str,
    external_id: &str,
    mut nodes: Vec<ImportedNode>,
    links: Vec<ImportedLink>,
) -> Imported {
    number_siblings(&mut nodes);
    Imported {
        name: name.to_string(),
        description: description.to_string(),
        external_id: external_id.to_string(),
        nodes,
        links,
        scale_hint: None,
        doc_extra: Extra::new(),
        package_extra: Extra::new(),
    }
}

/// A link between two nodes of the same framework.
pub fn node_link(
    kind: LinkKind,
    origin: &ImportedNode,
    destination: &ImportedNode,
) -> ImportedLink {
    let end = |n: &ImportedNode| LinkEnd {
        identifier: n.external_id.clone(),
        uri: String::new(),
        title: n.title.clone(),
        target: LinkTarget::Node(n.external_id.clone()),
    };
    ImportedLink {
        kind,
        origin: end(origin),
        destination: end(destination),
        json: Extra::new(),
    }
}

/// What an upload would do, with every problem, before anything is written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportPreview {
    /// The staged upload.
    pub id: i64,
    pub file_name: String,
    /// "CASE 1.1 package".
    pub format: String,
    /// The framework's name, or what the file holds ("91 ESCO occupations").
    pub name: String,
    /// The scale's level names, lowest first (empty when the file makes no framework).
    pub scale: Vec<String>,
    /// Figures to show: ("competencies", 15).
    pub counts: Vec<(String, u32)>,
    /// How many things the import writes, and what they are ("nodes", "positions").
    pub importable: u32,
    pub noun: String,
    /// What stops the import: (where, why).
    pub problems: Vec<(String, String)>,
    /// What the importer decided on the admin's behalf; the import goes ahead.
    pub warnings: Vec<(String, String)>,
    /// Whether the admin may import what is valid and leave the problems out.
    pub skippable: bool,
    /// A remark about the format (how titles were found, what is matched to what).
    pub note: String,
}

fn pairs(issues: &[Issue]) -> Vec<(String, String)> {
    issues
        .iter()
        .map(|i| (i.at.clone(), i.message.clone()))
        .collect()
}

impl ImportPreview {
    /// The preview of a framework import.
    #[allow(clippy::too_many_arguments)]
    pub fn framework(
        id: i64,
        file_name: &str,
        format: &str,
        imported: &Imported,
        scale: Vec<String>,
        problems: &[Issue],
        warnings: &[Issue],
        skippable: bool,
    ) -> ImportPreview {
        ImportPreview {
            id,
            file_name: file_name.to_string(),
            format: format.to_string(),
            name: imported.name.clone(),
            scale,
            counts: framework_counts(imported),
            importable: imported.nodes.len() as u32,
            noun: "nodes".into(),
            problems: pairs(problems),
            warnings: pairs(warnings),
            skippable,
            note: String::new(),
        }
    }

    /// The preview of an import that writes other things than a framework.
    #[allow(clippy::too_many_arguments)]
    pub fn other(
        id: i64,
        file_name: &str,
        format: &str,
        name: &str,
        counts: Vec<(String, u32)>,
        (importable, noun): (u32, &str),
        problems: &[Issue],
        warnings: &[Issue],
    ) -> ImportPreview {
        ImportPreview {
            id,
            file_name: file_name.to_string(),
            format: format.to_string(),
            name: name.to_string(),
            scale: Vec::new(),
            counts,
            importable,
            noun: noun.to_string(),
            problems: pairs(problems),
            warnings: pairs(warnings),
            skippable: true,
            note: String::new(),
        }
    }
}

/// Categories, competencies, skills, top-level nodes, depth, links and level descriptions.
pub fn framework_counts(i: &Imported) -> Vec<(String, u32)> {
    let count = |k: NodeKind| i.nodes.iter().filter(|n| n.kind == k).count() as u32;
    let mut depth: HashMap<&str, u32> = HashMap::new();
    for n in &i.nodes {
        let d = n
            .parent
            .as_deref()
            .and_then(|p| depth.get(p))
            .map_or(1, |d| d + 1);
        depth.insert(&n.external_id, d);
    }
    let descriptions: usize = i.nodes.iter().map(|n| n.level_descriptions.len()).sum();
    vec![
        ("categories".into(), count(NodeKind::Category)),
        ("competencies".into(), count(NodeKind::Competency)),
        ("skills".into(), count(NodeKind::Skill)),
        (
            "top-level nodes".into(),
            i.nodes.iter().filter(|n| n.parent.is_none()).count() as u32,
        ),
        (
            "levels deep".into(),
            depth.values().copied().max().unwrap_or(0),
        ),
        ("links".into(), i.links.len() as u32),
        ("level descriptions".into(), descriptions as u32),
    ]
}

/// The threshold for a scale of `levels` levels read from a file that does not say: the
/// level just above the middle (2 of 2, 3 of 4, 3 of 5, 5 of 8).
pub fn default_threshold(levels: usize) -> u8 {
    u8::try_from(levels / 2 + 1).unwrap_or(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn siblings_are_numbered_per_parent_and_counts_add_up() {
        let nodes = vec![
            node("a", None, NodeKind::Category, "A"),
            node("a1", Some("a"), NodeKind::Competency, "A1"),
            node("a1x", Some("a1"), NodeKind::Skill, "A1x"),
            node("a2", Some("a"), NodeKind::Competency, "A2"),
            node("b", None, NodeKind::Competency, "B"),
        ];
        let link = node_link(LinkKind::IsRelatedTo, &nodes[1], &nodes[4]);
        let f = framework("F", "", "f", nodes, vec![link]);
        let pos: Vec<u32> = f.nodes.iter().map(|n| n.position).collect();
        assert_eq!(pos, [0, 0, 0, 1, 1]);
        let counts: HashMap<String, u32> = framework_counts(&f).into_iter().collect();
        assert_eq!(counts["categories"], 1);
        assert_eq!(counts["competencies"], 3);
        assert_eq!(counts["skills"], 1);
        assert_eq!(counts["top-level nodes"], 2);
        assert_eq!(counts["levels deep"], 3);
        assert_eq!(counts["links"], 1);
    }

    #[test]
    fn every_format_has_a_label() {
        for (key, label, accept) in FORMATS {
            assert_eq!(format_label(key), *label);
            assert!(accept.starts_with('.'));
        }
        assert_eq!(FORMATS.len(), 7);
        assert_eq!(format_label("nope"), "unknown format");
    }

    #[test]
    fn thresholds_sit_just_above_the_middle() {
        let t: Vec<u8> = (2..=8).map(default_threshold).collect();
        assert_eq!(t, [2, 2, 3, 3, 4, 4, 5]);
    }
}

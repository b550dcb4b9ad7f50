//! Frozen framework versions and what changed between two of them. Nodes are matched by
//! their stable external identifier, so a node keeps its identity through renames and moves.

use super::framework::Track;
use super::scale::Scale;
use super::tree::NodeKind;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// One node as frozen in a version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SnapshotNode {
    /// Stable identifier (what versions are compared by).
    pub external_id: String,
    /// The parent's identifier, `None` at the top level.
    pub parent: Option<String>,
    /// Kind.
    pub kind: NodeKind,
    /// Position among siblings.
    pub position: u32,
    /// Title.
    pub title: String,
    /// Short code.
    pub short_code: String,
    /// Definition.
    pub definition: String,
    /// Key behaviours.
    pub key_behaviours: Vec<String>,
    /// Alternative labels (absent in snapshots frozen before they existed).
    #[serde(default)]
    pub alt_labels: Vec<String>,
    /// Validity in months.
    pub validity_months: Option<u32>,
    /// Level descriptions.
    pub level_descriptions: Vec<(Track, u8, String)>,
}

/// A whole framework as frozen at publication.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    /// Name.
    pub name: String,
    /// Description.
    pub description: String,
    /// The scale.
    pub scale: Scale,
    /// Nodes in display order.
    pub nodes: Vec<SnapshotNode>,
}

/// A published version in the history list (dates formatted on the server).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VersionInfo {
    /// Version number, from 1.
    pub number: u32,
    /// When, as text.
    pub published_at: String,
    /// By whom.
    pub published_by: String,
    /// Node count.
    pub nodes: u32,
}

/// One difference between two versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Change {
    /// A node exists only in the newer version.
    Added {
        /// Title.
        title: String,
        /// Kind.
        kind: NodeKind,
    },
    /// A node exists only in the older version.
    Removed {
        /// Title.
        title: String,
        /// Kind.
        kind: NodeKind,
    },
    /// A node has another parent (or another place among the same siblings).
    Moved {
        /// Title (newer).
        title: String,
        /// Old parent's title ("top level" if none).
        from: String,
        /// New parent's title.
        to: String,
    },
    /// A node's title changed.
    Renamed {
        /// Old title.
        from: String,
        /// New title.
        to: String,
    },
    /// Definition, key behaviours, validity, code or level descriptions changed.
    DescriptionChanged {
        /// Title (newer).
        title: String,
        /// Which fields.
        fields: Vec<String>,
    },
}

impl Change {
    /// A sentence for people.
    pub fn describe(&self) -> String {
        match self {
            Change::Added { title, kind } => {
                format!("Added {} \u{201c}{title}\u{201d}", kind.as_str())
            }
            Change::Removed { title, kind } => {
                format!("Removed {} \u{201c}{title}\u{201d}", kind.as_str())
            }
            Change::Moved { title, from, to } if from == to => {
                format!("Reordered \u{201c}{title}\u{201d} within {to}")
            }
            Change::Moved { title, from, to } => {
                format!("Moved \u{201c}{title}\u{201d} from {from} to {to}")
            }
            Change::Renamed { from, to } => {
                format!("Renamed \u{201c}{from}\u{201d} to \u{201c}{to}\u{201d}")
            }
            Change::DescriptionChanged { title, fields } => {
                format!("Changed {} of \u{201c}{title}\u{201d}", fields.join(", "))
            }
        }
    }
}

fn parent_title(s: &Snapshot, parent: &Option<String>) -> String {
    match parent {
        None => "the top level".into(),
        Some(p) => s.nodes.iter().find(|n| &n.external_id == p).map_or_else(
            || "a removed node".into(),
            |n| format!("\u{201c}{}\u{201d}", n.title),
        ),
    }
}

/// What changed from `old` to `new`, in the newer version's display order (removals last).
/// A sibling that merely shifted because another node was added or removed before it is not
/// reported as moved: only a changed parent, or a changed order among the siblings both
/// versions share, counts.
pub fn diff(old: &Snapshot, new: &Snapshot) -> Vec<Change> {
    let before: HashMap<&str, &SnapshotNode> = old
        .nodes
        .iter()
        .map(|n| (n.external_id.as_str(), n))
        .collect();
    let after: HashMap<&str, &SnapshotNode> = new
        .nodes
        .iter()
        .map(|n| (n.external_id.as_str(), n))
        .collect();
    // Order among shared siblings: rank of each node among the siblings present in both.
    let shared_rank =
        |s: &Snapshot, other: &HashMap<&str, &SnapshotNode>| -> HashMap<String, usize> {
            let mut by_parent: HashMap<Option<String>, Vec<&SnapshotNode>> = HashMap::new();
            for n in &s.nodes {
                if other.contains_key(n.external_id.as_str()) {
                    by_parent.entry(n.parent.clone()).or_default().push(n);
                }
            }
            let mut rank = HashMap::new();
            for (_, mut kids) in by_parent {
                kids.sort_by_key(|n| n.position);
                for (i, n) in kids.into_iter().enumerate() {
                    rank.insert(n.external_id.clone(), i);
                }
            }
            rank
        };
    let old_rank = shared_rank(old, &after);
    let new_rank = shared_rank(new, &before);
    let mut changes = Vec::new();
    for n in &new.nodes {
        let Some(o) = before.get(n.external_id.as_str()) else {
            changes.push(Change::Added {
                title: n.title.clone(),
                kind: n.kind,
            });
            continue;
        };
        if o.title != n.title {
            changes.push(Change::Renamed {
                from: o.title.clone(),
                to: n.title.clone(),
            });
        }
        let reparented = o.parent != n.parent;
        let reordered = !reparented && old_rank.get(&n.external_id) != new_rank.get(&n.external_id);
        if reparented || reordered {
            changes.push(Change::Moved {
                title: n.title.clone(),
                from: parent_title(old, &o.parent),
                to: parent_title(new, &n.parent),
            });
        }
        let mut fields = Vec::new();
        if o.definition != n.definition {
            fields.push("the definition".to_string());
        }
        if o.key_behaviours != n.key_behaviours {
            fields.push("the key behaviours".to_string());
        }
        if o.alt_labels != n.alt_labels {
            fields.push("the alternative labels".to_string());
        }
        if o.level_descriptions != n.level_descriptions {
            fields.push("the level descriptions".to_string());
        }
        if o.validity_months != n.validity_months {
            fields.push("the validity period".to_string());
        }
        if o.short_code != n.short_code {
            fields.push("the short code".to_string());
        }
        if o.kind != n.kind {
            fields.push("the kind".to_string());
        }
        if !fields.is_empty() {
            changes.push(Change::DescriptionChanged {
                title: n.title.clone(),
                fields,
            });
        }
    }
    for o in &old.nodes {
        if !after.contains_key(o.external_id.as_str()) {
            changes.push(Change::Removed {
                title: o.title.clone(),
                kind: o.kind,
            });
        }
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::scale::ScaleLevel;

    fn node(id: &str, parent: Option<&str>, kind: NodeKind, pos: u32, title: &str) -> SnapshotNode {
        SnapshotNode {
            external_id: id.into(),
            parent: parent.map(str::to_string),
            kind,
            position: pos,
            title: title.into(),
            short_code: String::new(),
            definition: String::new(),
            key_behaviours: vec![],
            alt_labels: vec![],
            validity_months: None,
            level_descriptions: vec![],
        }
    }

    fn snap(nodes: Vec<SnapshotNode>) -> Snapshot {
        let scale = Scale::new(
            vec![
                ScaleLevel {
                    name: "Low".into(),
                    description: String::new(),
                },
                ScaleLevel {
                    name: "High".into(),
                    description: String::new(),
                },
            ],
            1,
        )
        .unwrap();
        Snapshot {
            name: "F".into(),
            description: String::new(),
            scale,
            nodes,
        }
    }

    fn base() -> Snapshot {
        snap(vec![
            node("t", None, NodeKind::Category, 0, "Technical"),
            node("c", Some("t"), NodeKind::Competency, 0, "Coding"),
            node("d", Some("t"), NodeKind::Competency, 1, "Design"),
            node("p", None, NodeKind::Category, 1, "People"),
        ])
    }

    #[test]
    fn identical_versions_have_no_changes() {
        assert!(diff(&base(), &base()).is_empty());
    }

    #[test]
    fn every_kind_of_change_is_listed() {
        let mut new = base();
        new.nodes[1].title = "Programming".into(); // renamed
        new.nodes[2].parent = Some("p".into()); // Design moved to People
        new.nodes[2].position = 0;
        new.nodes[2].definition = "Shapes systems".into();
        new.nodes.retain(|n| n.external_id != "c"); // then Coding removed after all
        new.nodes
            .push(node("m", Some("p"), NodeKind::Competency, 1, "Mentoring"));
        let changes: Vec<String> = diff(&base(), &new).iter().map(Change::describe).collect();
        assert_eq!(
            changes,
            [
                "Moved \u{201c}Design\u{201d} from \u{201c}Technical\u{201d} to \u{201c}People\u{201d}",
                "Changed the definition of \u{201c}Design\u{201d}",
                "Added competency \u{201c}Mentoring\u{201d}",
                "Removed competency \u{201c}Coding\u{201d}",
            ]
        );
    }

    #[test]
    fn a_shift_caused_by_an_insertion_is_not_a_move_but_a_swap_is() {
        let mut new = base();
        new.nodes
            .insert(1, node("n", Some("t"), NodeKind::Competency, 0, "New"));
        new.nodes[2].position = 1;
        new.nodes[3].position = 2;
        assert_eq!(
            diff(&base(), &new),
            [Change::Added {
                title: "New".into(),
                kind: NodeKind::Competency
            }]
        );
        let mut swapped = base();
        swapped.nodes[1].position = 1;
        swapped.nodes[2].position = 0;
        let d = diff(&base(), &swapped);
        assert_eq!(d.len(), 2);
        assert_eq!(
            d[0].describe(),
            "Reordered \u{201c}Coding\u{201d} within \u{201c}Technical\u{201d}"
        );
    }
}

//! What the client sees of a framework, and the rules for a node's editable fields.

use super::ids::{FrameworkId, NodeId};
use super::scale::Scale;
use super::tree::NodeKind;
use super::validate::{FieldError, ShortText};
use serde::{Deserialize, Serialize};

/// Where a framework is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FrameworkStatus {
    /// Being edited; not visible to employees.
    Draft,
    /// A frozen version is visible to everyone; the next edit starts a new draft.
    Published,
    /// Kept for history; not edited.
    Archived,
}

impl FrameworkStatus {
    /// Stored value.
    pub fn as_str(self) -> &'static str {
        match self {
            FrameworkStatus::Draft => "draft",
            FrameworkStatus::Published => "published",
            FrameworkStatus::Archived => "archived",
        }
    }

    /// Parses the stored value.
    pub fn parse(s: &str) -> Option<Self> {
        [
            FrameworkStatus::Draft,
            FrameworkStatus::Published,
            FrameworkStatus::Archived,
        ]
        .into_iter()
        .find(|v| v.as_str() == s)
    }
}

/// A framework in lists.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FrameworkSummary {
    /// Id.
    pub id: FrameworkId,
    /// Name.
    pub name: String,
    /// Description.
    pub description: String,
    /// Life-cycle state.
    pub status: FrameworkStatus,
    /// Revision the caller's edits must be based on.
    pub revision: i64,
    /// Number of nodes.
    pub nodes: u32,
}

/// One node as the tree view shows it (display order, with depth).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NodeRow {
    /// Id.
    pub id: NodeId,
    /// Parent, `None` at the top level.
    pub parent: Option<NodeId>,
    /// Kind.
    pub kind: NodeKind,
    /// Depth (0 at the top level).
    pub depth: u32,
    /// Title.
    pub title: String,
    /// Short code ("C1.2"), possibly empty.
    pub short_code: String,
}

/// A framework with its scale and its nodes in display order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FrameworkTree {
    /// The framework.
    pub framework: FrameworkSummary,
    /// Its default scale.
    pub scale: Scale,
    /// Nodes, depth first, siblings in order.
    pub nodes: Vec<NodeRow>,
}

/// A node title: required, one line, at most 200 characters.
pub fn node_title(raw: &str) -> Result<String, FieldError> {
    ShortText::required("title", "a title", raw, 200).map(ShortText::into_string)
}

/// A node kind from a form.
pub fn node_kind(raw: &str) -> Result<NodeKind, FieldError> {
    NodeKind::parse(raw)
        .ok_or_else(|| FieldError::new("kind", "Choose category, competency or skill."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_round_trip() {
        for s in [
            FrameworkStatus::Draft,
            FrameworkStatus::Published,
            FrameworkStatus::Archived,
        ] {
            assert_eq!(FrameworkStatus::parse(s.as_str()), Some(s));
        }
    }

    #[test]
    fn node_fields() {
        assert_eq!(node_title("  Teamwork ").unwrap(), "Teamwork");
        assert_eq!(node_title("").unwrap_err().field, "title");
        assert_eq!(node_kind("skill").unwrap(), NodeKind::Skill);
        assert_eq!(node_kind("tier").unwrap_err().field, "kind");
    }
}

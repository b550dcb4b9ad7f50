//! The neutral structure an imported framework becomes, and the mapping from CASE item
//! types to node kinds.

use super::model::Extra;
use crate::domain::framework::Track;
use crate::domain::tree::NodeKind;
use serde::{Deserialize, Serialize};

/// The type of an association kept as a link.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum LinkKind {
    /// `isChildOf` (a second parent).
    IsChildOf,
    /// `isPeerOf`.
    IsPeerOf,
    /// `isPartOf`.
    IsPartOf,
    /// `exactMatchOf`.
    ExactMatchOf,
    /// `precedes`.
    Precedes,
    /// `isRelatedTo`.
    IsRelatedTo,
    /// `replacedBy`.
    ReplacedBy,
    /// `exemplar`.
    Exemplar,
    /// `hasSkillLevel`.
    HasSkillLevel,
    /// `isTranslationOf`.
    IsTranslationOf,
    /// Any other type (`ext:…`), as written.
    Other(String),
}

const LINK_KINDS: [(LinkKind, &str); 10] = [
    (LinkKind::IsChildOf, "isChildOf"),
    (LinkKind::IsPeerOf, "isPeerOf"),
    (LinkKind::IsPartOf, "isPartOf"),
    (LinkKind::ExactMatchOf, "exactMatchOf"),
    (LinkKind::Precedes, "precedes"),
    (LinkKind::IsRelatedTo, "isRelatedTo"),
    (LinkKind::ReplacedBy, "replacedBy"),
    (LinkKind::Exemplar, "exemplar"),
    (LinkKind::HasSkillLevel, "hasSkillLevel"),
    (LinkKind::IsTranslationOf, "isTranslationOf"),
];

impl LinkKind {
    /// The CASE `associationType`.
    pub fn as_str(&self) -> &str {
        match self {
            LinkKind::Other(s) => s,
            k => LINK_KINDS
                .iter()
                .find(|(c, _)| c == k)
                .map_or("isRelatedTo", |(_, s)| s),
        }
    }

    /// Reads an `associationType`.
    pub fn parse(s: &str) -> LinkKind {
        LINK_KINDS
            .iter()
            .find(|(_, n)| *n == s)
            .map_or_else(|| LinkKind::Other(s.to_string()), |(k, _)| k.clone())
    }
}

/// What a link end points at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum LinkTarget {
    /// A node of the framework, by its external id.
    Node(String),
    /// The framework's document.
    Document,
    /// Something outside the package.
    External,
}

/// One end of a link, as the file names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkEnd {
    /// The CASE identifier.
    pub identifier: String,
    /// The URI ("" if the file gave none).
    pub uri: String,
    /// The title ("" if the file gave none).
    pub title: String,
    /// Where it points.
    pub target: LinkTarget,
}

/// A non-tree association, kept whole.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportedLink {
    /// Type.
    pub kind: LinkKind,
    /// Origin.
    pub origin: LinkEnd,
    /// Destination.
    pub destination: LinkEnd,
    /// The association's full JSON (empty for links Proficio made).
    pub json: Extra,
}

/// One framework node to store.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportedNode {
    /// Stable id: the CFItem identifier.
    pub external_id: String,
    /// The parent's external id, `None` at the top level.
    pub parent: Option<String>,
    /// Kind.
    pub kind: NodeKind,
    /// Title: the abbreviated statement, else the first line of the full statement (at most
    /// 200 characters).
    pub title: String,
    /// `humanCodingScheme`, possibly empty.
    pub short_code: String,
    /// The full statement, verbatim (may be Markdown).
    pub definition: String,
    /// Position among siblings, from 0.
    pub position: u32,
    /// Level descriptions from the item's rubric criteria.
    pub level_descriptions: Vec<(Track, u8, String)>,
    /// The CFItem's other members (empty for nodes Proficio made).
    pub extra: Extra,
    /// The `isChildOf` association that placed the node, as read.
    pub child_of: Option<Extra>,
    /// Other names for it (ESCO's alternative labels), searched when drafting requirements.
    #[serde(default)]
    pub alt_labels: Vec<String>,
}

/// Level names suggested by the file's rubrics.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScaleHint {
    /// Names, lowest level first.
    pub levels: Vec<String>,
}

/// A framework read from a CASE package, ready for Proficio's database.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Imported {
    /// Name (the CFDocument title).
    pub name: String,
    /// Description.
    pub description: String,
    /// The CFDocument identifier.
    pub external_id: String,
    /// Nodes, depth first, siblings in order.
    pub nodes: Vec<ImportedNode>,
    /// Non-tree associations.
    pub links: Vec<ImportedLink>,
    /// Level names from the rubrics, if any.
    pub scale_hint: Option<ScaleHint>,
    /// The CFDocument's other members.
    pub doc_extra: Extra,
    /// The package's other members: CFDefinitions, CFRubrics, extensions, vendor data.
    pub package_extra: Extra,
}

/// How CFItem types map to node kinds. Types are matched by title (or type code), ignoring
/// case; an unmapped item gets a kind from its place in the tree: a leaf is a skill, an item
/// with at least one leaf child a competency, any other item a category. Kinds are then
/// adjusted so the tree obeys the nesting rules (an item with children is never a skill; a
/// category never sits under a competency nor holds a skill directly).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KindMapping {
    rules: Vec<(String, NodeKind)>,
}

impl Default for KindMapping {
    fn default() -> Self {
        let mut m = KindMapping::structural();
        let table: [(&[&str], NodeKind); 3] = [
            (
                &[
                    "domain",
                    "cluster",
                    "strand",
                    "category",
                    "area",
                    "theme",
                    "topic",
                    "grade level",
                ],
                NodeKind::Category,
            ),
            (
                &[
                    "standard",
                    "competency",
                    "benchmark",
                    "objective",
                    "learning objective",
                ],
                NodeKind::Competency,
            ),
            (
                &[
                    "skill",
                    "indicator",
                    "component",
                    "element",
                    "learning target",
                    "performance indicator",
                ],
                NodeKind::Skill,
            ),
        ];
        for (names, kind) in table {
            for n in names {
                m = m.with(n, kind);
            }
        }
        m
    }
}

impl KindMapping {
    /// No explicit rules: every kind comes from the tree's shape.
    pub fn structural() -> KindMapping {
        KindMapping { rules: Vec::new() }
    }

    /// Adds (or replaces) the rule for the item type titled `type_title`.
    pub fn with(mut self, type_title: &str, kind: NodeKind) -> KindMapping {
        let key = type_title.trim().to_lowercase();
        self.rules.retain(|(k, _)| *k != key);
        self.rules.push((key, kind));
        self
    }

    /// The default mapping with the admin's rules on top: one rule per line (or separated
    /// by `;`), `Item type = kind`, kind being category, competency or skill. The error
    /// names the rule that cannot be read.
    pub fn with_rules(text: &str) -> Result<KindMapping, String> {
        let mut m = KindMapping::default();
        for rule in text
            .split(['\n', ';'])
            .map(str::trim)
            .filter(|r| !r.is_empty())
        {
            let Some((ty, kind)) = rule.split_once('=') else {
                return Err(format!(
                    "\u{201c}{rule}\u{201d} is not \u{201c}Item type = kind\u{201d}."
                ));
            };
            let kind = NodeKind::parse(&kind.trim().to_lowercase()).ok_or_else(|| {
                format!("\u{201c}{rule}\u{201d}: the kind must be category, competency or skill.")
            })?;
            if ty.trim().is_empty() {
                return Err(format!("\u{201c}{rule}\u{201d} names no item type."));
            }
            m = m.with(ty, kind);
        }
        Ok(m)
    }

    /// The kind for an item type title, if a rule names it.
    pub fn kind_for(&self, type_title: &str) -> Option<NodeKind> {
        let key = type_title.trim().to_lowercase();
        self.rules.iter().find(|(k, _)| *k == key).map(|r| r.1)
    }
}

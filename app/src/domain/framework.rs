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
    /// Where it came from when cloned or blended ("Cloned from …"), else empty.
    pub origin: String,
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

/// The two tracks a level can be described for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Track {
    /// Individual contributor.
    Ic,
    /// People manager.
    Managerial,
}

impl Track {
    /// Both tracks.
    pub const ALL: [Track; 2] = [Track::Ic, Track::Managerial];

    /// Stored value.
    pub fn as_str(self) -> &'static str {
        match self {
            Track::Ic => "ic",
            Track::Managerial => "managerial",
        }
    }

    /// Parses the stored value.
    pub fn parse(s: &str) -> Option<Track> {
        Track::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// A label for people.
    pub fn label(self) -> &'static str {
        match self {
            Track::Ic => "Individual contributor",
            Track::Managerial => "Managerial",
        }
    }
}

/// Everything an admin edits on a node.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NodeDetails {
    /// Id.
    pub id: NodeId,
    /// Kind.
    pub kind: NodeKind,
    /// Title.
    pub title: String,
    /// Short code.
    pub short_code: String,
    /// Definition.
    pub definition: String,
    /// Key behaviours, in order.
    pub key_behaviours: Vec<String>,
    /// Other names the node goes by (searched when drafting requirements).
    pub alt_labels: Vec<String>,
    /// Months after which an awarded level expires.
    pub validity_months: Option<u32>,
    /// Stable external identifier.
    pub external_id: String,
    /// Level descriptions: (track, level, text), sorted.
    pub level_descriptions: Vec<(Track, u8, String)>,
    /// Typed links to other nodes, here or elsewhere (CASE associations, cross references).
    #[serde(default)]
    pub links: Vec<NodeLink>,
}

/// A typed link from or to a node, as the node's page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeLink {
    /// The CASE association type (`exactMatchOf`, `isRelatedTo`, …).
    pub kind: String,
    /// Whether this node is the link's origin.
    pub outgoing: bool,
    /// The other end's title, or its identifier when the file gave no title.
    pub other: String,
    /// The other end's identifier, and its URI when it has one.
    pub other_identifier: String,
    pub other_uri: String,
    /// The other end, when it is a node of the same framework.
    pub other_node: Option<NodeId>,
}

impl NodeLink {
    /// The link read from this node: "exact match of", "is related to", "preceded by"…
    pub fn phrase(&self) -> String {
        let words = |s: &str| {
            let mut out = String::new();
            for c in s.trim_start_matches("ext:").chars() {
                if c.is_uppercase() {
                    out.push(' ');
                    out.extend(c.to_lowercase());
                } else {
                    out.push(c);
                }
            }
            out
        };
        match (self.kind.as_str(), self.outgoing) {
            ("precedes", false) => "preceded by".into(),
            ("isChildOf", false) => "has child".into(),
            ("isPartOf", false) => "has part".into(),
            ("replacedBy", false) => "replaces".into(),
            ("exemplar", false) => "is an exemplar for".into(),
            ("hasSkillLevel", false) => "is a skill level of".into(),
            (k, true) => words(k),
            (k, false) => format!("{} (incoming)", words(k)),
        }
    }
}

impl NodeDetails {
    /// The description of `level` on `track`, or "".
    pub fn describe(&self, track: Track, level: u8) -> &str {
        self.level_descriptions
            .iter()
            .find(|(t, l, _)| *t == track && *l == level)
            .map_or("", |d| d.2.as_str())
    }
}

/// The node form as submitted. Level descriptions arrive keyed `ic-3` / `managerial-3`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NodeInput {
    /// Title.
    pub title: String,
    /// Short code.
    pub short_code: String,
    /// Definition.
    pub definition: String,
    /// Key behaviours, one per line.
    pub key_behaviours: String,
    /// Alternative labels, one per line.
    #[serde(default)]
    pub alt_labels: String,
    /// Validity in months, or empty.
    pub validity_months: String,
    /// External identifier.
    pub external_id: String,
    /// Level descriptions by `track-level`.
    #[serde(default)]
    pub levels: std::collections::BTreeMap<String, String>,
}

/// A node form, parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeFields {
    /// Title.
    pub title: String,
    /// Short code.
    pub short_code: String,
    /// Definition.
    pub definition: String,
    /// Key behaviours.
    pub key_behaviours: Vec<String>,
    /// Alternative labels.
    pub alt_labels: Vec<String>,
    /// Validity in months.
    pub validity_months: Option<u32>,
    /// External identifier.
    pub external_id: String,
    /// Non-empty level descriptions.
    pub level_descriptions: Vec<(Track, u8, String)>,
}

/// The non-empty lines of `raw`, at most `max_items` of at most `max_len` characters.
fn line_list(
    field: &str,
    plural: &str,
    one: &str,
    raw: &str,
    max_items: usize,
    max_len: usize,
) -> Result<Vec<String>, FieldError> {
    let items: Vec<String> = raw
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect();
    if items.len() > max_items {
        return Err(FieldError::new(
            field,
            format!("List at most {max_items} {plural}."),
        ));
    }
    if let Some(b) = items.iter().find(|b| b.chars().count() > max_len) {
        return Err(FieldError::new(
            field,
            format!(
                "Keep each {one} to {max_len} characters; \u{201c}{}…\u{201d} is longer.",
                b.chars().take(40).collect::<String>()
            ),
        ));
    }
    Ok(items)
}

fn long_text(field: &str, label: &str, raw: &str, max: usize) -> Result<String, FieldError> {
    let s = raw.trim().replace("\r\n", "\n");
    if s.chars().count() > max {
        return Err(FieldError::new(
            field,
            format!("Keep {label} to {max} characters or fewer."),
        ));
    }
    Ok(s)
}

impl NodeInput {
    /// Validates the form against a scale of `top` levels, naming the offending field.
    pub fn parse(&self, top: u8) -> Result<NodeFields, FieldError> {
        let title = node_title(&self.title)?;
        let short_code = ShortText::optional("short_code", "the short code", &self.short_code, 30)?
            .into_string();
        let definition = long_text("definition", "the definition", &self.definition, 5000)?;
        let key_behaviours = line_list(
            "key_behaviours",
            "key behaviours",
            "behaviour",
            &self.key_behaviours,
            30,
            500,
        )?;
        let alt_labels = line_list(
            "alt_labels",
            "alternative labels",
            "label",
            &self.alt_labels,
            50,
            300,
        )?;
        let validity_months =
            match self.validity_months.trim() {
                "" => None,
                v => match v.parse::<u32>() {
                    Ok(n) if (1..=240).contains(&n) => Some(n),
                    _ => return Err(FieldError::new(
                        "validity_months",
                        "Enter a number of months from 1 to 240, or leave it empty for no expiry.",
                    )),
                },
            };
        let external_id = self.external_id.trim().to_string();
        if external_id.is_empty() {
            return Err(FieldError::new(
                "external_id",
                "Enter an identifier; it keeps this node recognisable in imports and exports.",
            ));
        }
        if external_id.chars().count() > 500 || external_id.chars().any(char::is_whitespace) {
            return Err(FieldError::new(
                "external_id",
                "Use at most 500 characters and no spaces (a URI or code).",
            ));
        }
        let mut level_descriptions = Vec::new();
        for (key, text) in &self.levels {
            let field = format!("levels[{key}]");
            let (track, level) = key
                .split_once('-')
                .and_then(|(t, l)| Some((Track::parse(t)?, l.parse::<u8>().ok()?)))
                .ok_or_else(|| FieldError::new(&field, "Unknown level description."))?;
            if level == 0 || level > top {
                return Err(FieldError::new(
                    &field,
                    format!("The scale has levels 1 to {top}."),
                ));
            }
            let text = long_text(&field, "a level description", text, 2000)?;
            if !text.is_empty() {
                level_descriptions.push((track, level, text));
            }
        }
        level_descriptions.sort();
        Ok(NodeFields {
            title,
            short_code,
            definition,
            key_behaviours,
            alt_labels,
            validity_months,
            external_id,
            level_descriptions,
        })
    }
}

/// Which nodes a tree filter shows: every node whose title or short code contains `query`
/// (ignoring case), and all of their ancestors so the matches keep their place. Returns
/// the visible ids and the number of matches; an empty query shows everything.
pub fn filter_visible(
    nodes: &[NodeRow],
    query: &str,
) -> (std::collections::HashSet<NodeId>, usize) {
    let q = query.trim().to_lowercase();
    if q.is_empty() {
        return (nodes.iter().map(|n| n.id).collect(), 0);
    }
    let parent: std::collections::HashMap<NodeId, Option<NodeId>> =
        nodes.iter().map(|n| (n.id, n.parent)).collect();
    let mut visible = std::collections::HashSet::new();
    let mut matches = 0;
    for n in nodes {
        if n.title.to_lowercase().contains(&q) || n.short_code.to_lowercase().contains(&q) {
            matches += 1;
            let mut cur = Some(n.id);
            while let Some(c) = cur {
                if !visible.insert(c) {
                    break;
                }
                cur = parent.get(&c).copied().flatten();
            }
        }
    }
    (visible, matches)
}

/// How many nodes sit below each node (its whole subtree, itself excluded). `nodes` must be
/// in display order (parents before their children), as `FrameworkTree::nodes` is.
pub fn subtree_sizes(nodes: &[NodeRow]) -> std::collections::HashMap<NodeId, u32> {
    let mut size: std::collections::HashMap<NodeId, u32> =
        nodes.iter().map(|n| (n.id, 0)).collect();
    for n in nodes.iter().rev() {
        if let Some(p) = n.parent {
            let below = size.get(&n.id).copied().unwrap_or(0) + 1;
            *size.entry(p).or_default() += below;
        }
    }
    size
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

/// A tree row for tests elsewhere in the domain.
#[cfg(test)]
pub(crate) fn test_row(
    id: i64,
    parent: Option<i64>,
    kind: NodeKind,
    depth: u32,
    title: &str,
) -> NodeRow {
    NodeRow {
        id: NodeId(id),
        parent: parent.map(NodeId),
        kind,
        depth,
        title: title.into(),
        short_code: String::new(),
    }
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

    fn input() -> NodeInput {
        NodeInput {
            title: "Teamwork".into(),
            external_id: "urn:x:1".into(),
            key_behaviours: "Shares credit\n\n  Asks for help early \n".into(),
            validity_months: "24".into(),
            levels: [
                ("ic-1".to_string(), " Helps ".to_string()),
                ("managerial-3".to_string(), "Builds teams".to_string()),
                ("ic-2".to_string(), "".to_string()),
            ]
            .into_iter()
            .collect(),
            ..Default::default()
        }
    }

    #[test]
    fn node_form_parses() {
        let f = input().parse(5).unwrap();
        assert_eq!(f.key_behaviours, ["Shares credit", "Asks for help early"]);
        assert_eq!(f.validity_months, Some(24));
        assert_eq!(
            f.level_descriptions,
            vec![
                (Track::Ic, 1, "Helps".to_string()),
                (Track::Managerial, 3, "Builds teams".to_string())
            ]
        );
    }

    #[test]
    fn node_form_errors_name_the_field() {
        let mut i = input();
        i.validity_months = "0".into();
        assert_eq!(i.parse(5).unwrap_err().field, "validity_months");
        let mut i = input();
        i.external_id = "has space".into();
        assert_eq!(i.parse(5).unwrap_err().field, "external_id");
        let mut i = input();
        i.levels.insert("ic-6".into(), "Too high".into());
        assert_eq!(i.parse(5).unwrap_err().field, "levels[ic-6]");
        let mut i = input();
        i.key_behaviours = "x\n".repeat(31);
        assert_eq!(i.parse(5).unwrap_err().field, "key_behaviours");
        i.key_behaviours = String::new();
        i.alt_labels = "QA\n\n  Quality assurance \n".into();
        assert_eq!(i.parse(5).unwrap().alt_labels, ["QA", "Quality assurance"]);
        i.alt_labels = "y".repeat(301);
        assert_eq!(i.parse(5).unwrap_err().field, "alt_labels");
        i.alt_labels = "z\n".repeat(51);
        assert_eq!(i.parse(5).unwrap_err().field, "alt_labels");
        let mut i = input();
        i.title = " ".into();
        assert_eq!(i.parse(5).unwrap_err().field, "title");
    }

    fn row(id: i64, parent: Option<i64>, depth: u32, title: &str, code: &str) -> NodeRow {
        NodeRow {
            id: NodeId(id),
            parent: parent.map(NodeId),
            kind: NodeKind::Competency,
            depth,
            title: title.into(),
            short_code: code.into(),
        }
    }

    fn sample_rows() -> Vec<NodeRow> {
        vec![
            row(1, None, 0, "Technical", "T"),
            row(2, Some(1), 1, "Software design", "T1"),
            row(3, Some(2), 2, "API design", "T1.1"),
            row(4, Some(2), 2, "Data modelling", "T1.2"),
            row(5, None, 0, "People", "P"),
            row(6, Some(5), 1, "Mentoring", "P1"),
        ]
    }

    #[test]
    fn filter_keeps_ancestors_of_matches() {
        let rows = sample_rows();
        let (visible, matches) = filter_visible(&rows, "api");
        assert_eq!(matches, 1);
        let mut ids: Vec<i64> = visible.into_iter().map(|n| n.0).collect();
        ids.sort_unstable();
        assert_eq!(ids, [1, 2, 3]);
        let (visible, matches) = filter_visible(&rows, "  DESIGN ");
        assert_eq!(
            (visible.len(), matches),
            (3, 2),
            "two matches share their ancestors"
        );
        assert_eq!(filter_visible(&rows, "p1").1, 1, "short codes match too");
        assert_eq!(filter_visible(&rows, "").0.len(), 6);
        assert_eq!(
            filter_visible(&rows, "zzz"),
            (std::collections::HashSet::new(), 0)
        );
    }

    #[test]
    fn subtree_sizes_count_all_descendants() {
        let sizes = subtree_sizes(&sample_rows());
        assert_eq!(sizes[&NodeId(1)], 3);
        assert_eq!(sizes[&NodeId(2)], 2);
        assert_eq!(sizes[&NodeId(3)], 0);
        assert_eq!(sizes[&NodeId(5)], 1);
    }

    #[test]
    fn node_fields() {
        assert_eq!(node_title("  Teamwork ").unwrap(), "Teamwork");
        assert_eq!(node_title("").unwrap_err().field, "title");
        assert_eq!(node_kind("skill").unwrap(), NodeKind::Skill);
        assert_eq!(node_kind("tier").unwrap_err().field, "kind");
    }
}

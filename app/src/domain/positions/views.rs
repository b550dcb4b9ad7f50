//! What the position pages and pickers show.

use super::comparison::Comparison;
use super::layout::Layout;
use super::paths::PathLink;
use super::requirements::{Position, Requirement};
use crate::domain::ids::{FrameworkId, NodeId, PathLinkId, PersonId, PositionId};
use crate::domain::tree::NodeKind;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PositionSummary {
    /// The position.
    pub position: Position,
    /// Name of its org unit.
    pub unit_name: Option<String>,
    /// Number of requirements.
    pub requirements: u32,
    /// Active people holding it.
    pub holders: u32,
}

/// What one level of a requirement's scale means for a track: the node's own description
/// where it has one, the scale's otherwise.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LevelText {
    /// Level, 1 to the scale's top.
    pub level: u8,
    /// The scale's name for it ("Working").
    pub name: String,
    /// What the level means on this node for the track.
    pub description: String,
}

/// The text a slider shows for `level` (level 0 and unknown levels say so).
pub fn level_text(levels: &[LevelText], level: u8) -> (String, String) {
    match levels.iter().find(|l| l.level == level) {
        Some(l) => (
            format!("Level {}: {}", l.level, l.name),
            l.description.clone(),
        ),
        None if level == 0 => ("Level 0".into(), "Not demonstrated.".into()),
        None => (format!("Level {level}"), String::new()),
    }
}

/// A requirement with what the position editor and overview show beside it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequirementView {
    /// The requirement.
    pub requirement: Requirement,
    /// The framework the node belongs to.
    pub framework: FrameworkId,
    /// That framework's name.
    pub framework_name: String,
    /// Titles of the node's ancestors, top first.
    pub path: Vec<String>,
    /// Every level of the node's scale, described for the position's track.
    pub levels: Vec<LevelText>,
    /// The level that counts as proficient on that scale.
    pub threshold: u8,
}

/// A career-path link as lists show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkView {
    /// Id.
    pub id: PathLinkId,
    /// The link.
    pub link: PathLink,
    /// Title of the position moved from.
    pub from_title: String,
    /// Title of the position moved to.
    pub to_title: String,
}

/// A person holding a position.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holder {
    /// Id.
    pub id: PersonId,
    /// Name.
    pub name: String,
    /// E-mail.
    pub email: String,
    /// Their unit's name.
    pub unit_name: Option<String>,
}

/// Everything the position editor shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PositionPage {
    /// The position.
    pub position: Position,
    /// Its unit's name.
    pub unit_name: Option<String>,
    /// Requirements in the order they were added.
    pub requirements: Vec<RequirementView>,
    /// Active people holding it.
    pub holders: Vec<Holder>,
    /// People naming it as their target.
    pub targeting: u32,
    /// Moves from this position.
    pub moves_out: Vec<LinkView>,
    /// Moves into this position.
    pub moves_in: Vec<LinkView>,
}

/// A node offered by the requirement picker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PickerRow {
    /// Id.
    pub id: NodeId,
    /// Title.
    pub title: String,
    /// Kind.
    pub kind: NodeKind,
    /// Depth in its framework (0 at the top level).
    pub depth: u32,
    /// Rateable nodes below it that the position does not require yet.
    pub addable_below: u32,
    /// Whether the position already requires it.
    pub required: bool,
}

/// The requirement picker: one framework's nodes, filtered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Picker {
    /// Frameworks to choose from (id, name, status label).
    pub frameworks: Vec<(FrameworkId, String)>,
    /// The chosen framework, if any.
    pub framework: Option<FrameworkId>,
    /// Its nodes in display order (matches and their ancestors when filtering).
    pub rows: Vec<PickerRow>,
    /// True when more nodes matched than are shown.
    pub truncated: bool,
    /// The framework scale's proficiency threshold, the default required level.
    pub threshold: u8,
}

/// Most rows the picker lists at once.
pub const PICKER_LIMIT: usize = 200;

/// A node suggested for a position from its job description.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Suggestion {
    /// Node.
    pub node: NodeId,
    /// Title.
    pub title: String,
    /// Kind.
    pub kind: NodeKind,
    /// Framework name.
    pub framework_name: String,
    /// Titles of the node's ancestors, top first.
    pub path: Vec<String>,
    /// BM25 relevance (higher is better).
    pub score: f32,
    /// The node's words that matched the description, as written in the node.
    pub words: Vec<String>,
}

/// How many suggestions drafting returns.
pub const SUGGESTIONS: usize = 15;
/// Longest job description drafting accepts, in characters.
pub const MAX_JOB_DESCRIPTION: usize = 20_000;

/// The career-path view: every position, every link, and the drawing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CareerMap {
    /// Positions, by title.
    pub positions: Vec<PositionSummary>,
    /// Links.
    pub links: Vec<LinkView>,
    /// The graph laid out.
    pub layout: Layout,
    /// The caller's position.
    pub mine: Option<PositionId>,
    /// The caller's target position.
    pub target: Option<PositionId>,
}

/// One position as the career view's side panel shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PositionOverview {
    /// The position.
    pub position: Position,
    /// Its unit's name.
    pub unit_name: Option<String>,
    /// Requirements, mandatory first, then by weight.
    pub requirements: Vec<RequirementView>,
    /// Moves from here.
    pub moves_out: Vec<LinkView>,
    /// Moves into here.
    pub moves_in: Vec<LinkView>,
    /// Active people holding it.
    pub holders: u32,
}

/// "What do I need for position X": a person, their position, the target and the rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComparisonPage {
    /// The person compared.
    pub person: PersonId,
    /// Their name.
    pub person_name: String,
    /// Whether the caller is that person.
    pub is_me: bool,
    /// The position they hold.
    pub current: Option<Position>,
    /// The target position.
    pub target: Position,
    /// Whether the person already names it as their target.
    pub is_target: bool,
    /// Whether the caller may set the person's target position.
    pub can_set_target: bool,
    /// The comparison.
    pub comparison: Comparison,
    /// Level texts per node of the target's requirements (for the row details).
    pub levels: Vec<(NodeId, Vec<LevelText>)>,
    /// The moves that lead into the target from the person's position, if any.
    pub direct_move: Option<LinkView>,
}

/// Order for an overview: mandatory first, then heavier, then by title.
pub fn sort_for_overview(rows: &mut [RequirementView]) {
    rows.sort_by(|a, b| {
        let (a, b) = (&a.requirement, &b.requirement);
        b.mandatory
            .cmp(&a.mandatory)
            .then(b.weight.cmp(&a.weight))
            .then_with(|| a.node_title.cmp(&b.node_title))
            .then(a.node.cmp(&b.node))
    });
}

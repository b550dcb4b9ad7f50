//! Positions, their requirements and the career paths between them: the form rules, the
//! comparison "what do I need for position X", and a layered layout that draws the
//! career graph as SVG (promotions go upward, lateral moves stay in their layer).

pub use super::ids::{PathLinkId, PositionId};

mod comparison;
mod layout;
mod paths;
mod requirements;
mod views;

pub use comparison::{compare, Change, Comparison, GapRow, GapSummary};
pub use layout::{
    layout, wrap_title, LaidOutEdge, LaidOutNode, Layout, PathNode, LINE_CHARS, MAX_PER_ROW,
    NODE_HEIGHT, NODE_WIDTH,
};
pub use paths::{check_link, LinkKind, PathLink, PathLinkInput};
pub use requirements::{
    weight_label, whole_competency, Position, PositionFields, PositionInput, Requirement,
    RequirementFields, RequirementInput,
};
pub use views::{
    level_text, sort_for_overview, CareerMap, ComparisonPage, Holder, LevelText, LinkView, Picker,
    PickerRow, PositionOverview, PositionPage, PositionSummary, RequirementView, Suggestion,
    MAX_JOB_DESCRIPTION, PICKER_LIMIT, SUGGESTIONS,
};

/// Highest seniority rank a position may carry.
pub const MAX_RANK: u8 = 30;
/// Most characters of the notes on a career-path link.
pub const MAX_NOTES: usize = 2000;
/// Weight given to a requirement when the form leaves it empty.
pub const DEFAULT_WEIGHT: u8 = 3;

/// The field named when `change` is applied to a valid form.
#[cfg(test)]
fn field_of<I: Clone, T>(
    valid: &I,
    parse: impl Fn(&I) -> Result<T, super::validate::FieldError>,
    change: impl Fn(&mut I),
) -> String {
    let mut input = valid.clone();
    change(&mut input);
    parse(&input).err().map(|e| e.field).unwrap_or_default()
}

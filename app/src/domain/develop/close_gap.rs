//! "Close the gap": the nodes, gaps and suggested activities offered when planning.

use super::catalogue::ActivityKind;
use crate::domain::positions::LevelText;
use crate::domain::{NodeId, PersonId};
use serde::{Deserialize, Serialize};

/// A node offered when adding a provided level to an activity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeChoice {
    pub node: NodeId,
    pub title: String,
    pub framework: String,
    pub levels: Vec<LevelText>,
}

/// One gap "close my gap" works on, with what a person reads about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GapLine {
    pub node: NodeId,
    pub title: String,
    pub required: u8,
    pub current: u8,
    /// "Level 3: Working".
    pub required_name: String,
    pub current_name: String,
    pub mandatory: bool,
}

/// One suggested activity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suggestion {
    pub activity: i64,
    pub title: String,
    pub kind: ActivityKind,
    pub provider: String,
    pub url: String,
    pub duration: String,
    pub cost: String,
    /// The gaps it is credited with closing: (node, title, level it provides there).
    pub closes: Vec<(NodeId, String, u8)>,
    /// Already in the person's plan (not dropped or completed).
    pub in_plan: bool,
}

/// The answer to "close my gap", ready to show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CloseGap {
    pub person: PersonId,
    /// What the gaps are measured against ("Senior Engineer", or "your plan's goals").
    pub against: String,
    pub gaps: Vec<GapLine>,
    pub suggestions: Vec<Suggestion>,
    /// Gaps no activity in the catalogue closes.
    pub uncovered: Vec<GapLine>,
    pub total_duration: String,
    pub total_cost: String,
    /// The plan is proven the shortest (exact search).
    pub exact: bool,
    /// Activities that closed at least one gap, among which the plan was chosen.
    pub candidates: u32,
}

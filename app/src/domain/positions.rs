//! Positions, their requirements and the career paths between them: the form rules, the
//! comparison "what do I need for position X", and a layered layout that draws the
//! career graph as SVG (promotions go upward, lateral moves stay in their layer).

use super::framework::{NodeRow, Track};
use super::ids::{FrameworkId, NodeId, PersonId, UnitId};
pub use super::ids::{PathLinkId, PositionId};
use super::tree::NodeKind;
use super::validate::{FieldError, ShortText};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap, HashSet};

/// Highest seniority rank a position may carry.
pub const MAX_RANK: u8 = 30;
/// Most characters of the notes on a career-path link.
pub const MAX_NOTES: usize = 2000;
/// Weight given to a requirement when the form leaves it empty.
pub const DEFAULT_WEIGHT: u8 = 3;

/// A position as lists and the career graph show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Position {
    /// Id.
    pub id: PositionId,
    /// Title ("Senior engineer").
    pub title: String,
    /// What the role is for.
    pub description: String,
    /// Which level descriptions apply to people in this position.
    pub track: Track,
    /// Seniority rank (1 = entry level); a hint for drawing career paths.
    pub rank: Option<u8>,
    /// The org unit the position belongs to.
    pub unit: Option<UnitId>,
}

/// The position form as submitted.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PositionInput {
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// `ic` or `managerial`.
    pub track: String,
    /// Rank, or empty.
    pub rank: String,
    /// Org unit id, or empty.
    #[serde(default)]
    pub unit_id: String,
}

/// A position form, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PositionFields {
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Track.
    pub track: Track,
    /// Rank.
    pub rank: Option<u8>,
    /// Org unit.
    pub unit: Option<UnitId>,
}

impl PositionInput {
    /// Validates the form, naming the offending field.
    pub fn parse(&self) -> Result<PositionFields, FieldError> {
        let title = ShortText::required("title", "a title", &self.title, 200)?.into_string();
        let description = self.description.trim().replace("\r\n", "\n");
        if description.chars().count() > 5000 {
            return Err(FieldError::new(
                "description",
                "Keep the description to 5000 characters or fewer.",
            ));
        }
        let track = Track::parse(self.track.trim()).ok_or_else(|| {
            FieldError::new("track", "Choose individual contributor or managerial.")
        })?;
        let rank = match self.rank.trim() {
            "" => None,
            r => match r.parse::<u8>() {
                Ok(n) if (1..=MAX_RANK).contains(&n) => Some(n),
                _ => {
                    return Err(FieldError::new(
                        "rank",
                        format!(
                            "Enter a rank from 1 (entry level) to {MAX_RANK}, or leave it empty."
                        ),
                    ))
                }
            },
        };
        let unit = match self.unit_id.trim() {
            "" => None,
            u => Some(u.parse::<UnitId>().map_err(|_| {
                FieldError::new("unit_id", "Choose an org unit from the list, or none.")
            })?),
        };
        Ok(PositionFields {
            title,
            description,
            track,
            rank,
            unit,
        })
    }
}

/// A position's requirement: a rateable node at a level, with a weight.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Requirement {
    /// The required competency or skill.
    pub node: NodeId,
    /// Its title.
    pub node_title: String,
    /// Its kind (never a category).
    pub kind: NodeKind,
    /// Required level, 1 to the scale's top.
    pub required: u8,
    /// Importance, 1 (low) to 5 (critical).
    pub weight: u8,
    /// Whether the position cannot be held without it.
    pub mandatory: bool,
}

/// A label for a weight ("High").
pub fn weight_label(weight: u8) -> &'static str {
    match weight {
        0 | 1 => "Low",
        2 => "Minor",
        3 => "Normal",
        4 => "High",
        _ => "Critical",
    }
}

/// The requirement form as submitted.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RequirementInput {
    /// Node id.
    pub node: String,
    /// Required level.
    pub level: String,
    /// Weight, or empty for the default.
    pub weight: String,
    /// Checkbox: present (`on`) when ticked.
    #[serde(default)]
    pub mandatory: Option<String>,
}

/// A requirement form, parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequirementFields {
    /// Node.
    pub node: NodeId,
    /// Required level.
    pub required: u8,
    /// Weight.
    pub weight: u8,
    /// Mandatory.
    pub mandatory: bool,
}

impl RequirementInput {
    /// Validates the form against a scale whose top level is `scale_top`.
    pub fn parse(&self, scale_top: u8) -> Result<RequirementFields, FieldError> {
        let node = self
            .node
            .parse::<NodeId>()
            .map_err(|_| FieldError::new("node", "Choose a competency or skill."))?;
        let required = match self.level.trim().parse::<u8>() {
            Ok(n) if n >= 1 && n <= scale_top => n,
            _ => {
                return Err(FieldError::new(
                    "level",
                    format!("Choose the required level, from 1 to {scale_top}."),
                ))
            }
        };
        let weight = match self.weight.trim() {
            "" => DEFAULT_WEIGHT,
            w => match w.parse::<u8>() {
                Ok(n) if (1..=5).contains(&n) => n,
                _ => {
                    return Err(FieldError::new(
                        "weight",
                        "Choose a weight from 1 (low) to 5 (critical).",
                    ))
                }
            },
        };
        let mandatory = self
            .mandatory
            .as_deref()
            .is_some_and(|v| !matches!(v.trim(), "" | "false" | "off" | "0"));
        Ok(RequirementFields {
            node,
            required,
            weight,
            mandatory,
        })
    }
}

impl RequirementFields {
    /// The requirement on `row` (the node the form named), refused when the node is a
    /// category or the position already requires it.
    pub fn to_requirement(
        &self,
        row: &NodeRow,
        existing: &[Requirement],
    ) -> Result<Requirement, FieldError> {
        if !row.kind.rateable() {
            return Err(FieldError::new(
                "node",
                format!(
                    "\u{201c}{}\u{201d} is a category; choose one of its competencies or skills.",
                    row.title
                ),
            ));
        }
        if existing.iter().any(|r| r.node == row.id) {
            return Err(FieldError::new(
                "node",
                format!(
                    "\u{201c}{}\u{201d} is already required; change its row instead.",
                    row.title
                ),
            ));
        }
        Ok(Requirement {
            node: row.id,
            node_title: row.title.clone(),
            kind: row.kind,
            required: self.required,
            weight: self.weight,
            mandatory: self.mandatory,
        })
    }
}

/// The nodes "add a whole competency with its skills" adds: `chosen` if rateable and every
/// rateable node below it, in display order, leaving out those in `already`. `rows` must
/// be in display order (parents before children), as `FrameworkTree::nodes` is.
pub fn whole_competency<'a>(
    rows: &'a [NodeRow],
    chosen: NodeId,
    already: &HashSet<NodeId>,
) -> Result<Vec<&'a NodeRow>, FieldError> {
    if !rows.iter().any(|r| r.id == chosen) {
        return Err(FieldError::new(
            "node",
            "That node is no longer in the framework; reload the page and choose again.",
        ));
    }
    let mut inside: HashSet<NodeId> = HashSet::from([chosen]);
    let mut out = Vec::new();
    for r in rows {
        let below = r.id == chosen || r.parent.is_some_and(|p| inside.contains(&p));
        if !below {
            continue;
        }
        inside.insert(r.id);
        if r.kind.rateable() && !already.contains(&r.id) {
            out.push(r);
        }
    }
    Ok(out)
}

/// How a target requirement relates to the person's current position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Change {
    /// The current position does not require it.
    New,
    /// Required at a higher level than now.
    Higher,
    /// Required at the same level.
    Same,
    /// Required at a lower level.
    Lower,
}

/// One row of "what do I need for this position".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GapRow {
    /// Node.
    pub node: NodeId,
    /// Its title.
    pub title: String,
    /// Level the target position requires.
    pub required: u8,
    /// The person's current level; `None` when never rated.
    pub current: Option<u8>,
    /// Level the person's current position requires, if it requires the node.
    pub in_current_position: Option<u8>,
    /// How the requirement changes from the current position.
    pub change: Change,
    /// `max(0, required - current)`, an unrated node counting as 0.
    pub gap: u8,
    /// Mandatory.
    pub mandatory: bool,
    /// Weight.
    pub weight: u8,
}

/// Totals of a comparison.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GapSummary {
    /// Requirements.
    pub total: u32,
    /// Requirements the current position does not have.
    pub new: u32,
    /// Requirements at a higher level than now.
    pub higher: u32,
    /// Requirements the person already meets.
    pub met: u32,
    /// Mandatory requirements with a gap.
    pub mandatory_gaps: u32,
    /// Requirements never rated.
    pub not_rated: u32,
    /// Readiness in percent, 0 to 100 (100 exactly when there is no gap).
    pub readiness: f64,
    /// Readiness rounded down to a whole percent.
    pub readiness_percent: u8,
}

/// The comparison with a target position: ordered rows and their totals.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// Mandatory gaps first, then other gaps (largest weighted gap first), then the rest.
    pub rows: Vec<GapRow>,
    /// Totals.
    pub summary: GapSummary,
}

/// Compares a person with a `target` position. `current_position` holds the requirements
/// of the position they hold (if any); `levels` their current levels (a missing entry or
/// `None` means not rated).
pub fn compare(
    target: &[Requirement],
    current_position: Option<&[Requirement]>,
    levels: &HashMap<NodeId, Option<u8>>,
) -> Comparison {
    let now: HashMap<NodeId, u8> = current_position
        .unwrap_or_default()
        .iter()
        .map(|r| (r.node, r.required))
        .collect();
    let mut rows: Vec<GapRow> = target
        .iter()
        .map(|r| {
            let current = levels.get(&r.node).copied().flatten();
            let in_current_position = now.get(&r.node).copied();
            let change = match in_current_position {
                None => Change::New,
                Some(n) if r.required > n => Change::Higher,
                Some(n) if r.required == n => Change::Same,
                Some(_) => Change::Lower,
            };
            GapRow {
                node: r.node,
                title: r.node_title.clone(),
                required: r.required,
                current,
                in_current_position,
                change,
                gap: r.required.saturating_sub(current.unwrap_or(0)),
                mandatory: r.mandatory,
                weight: r.weight,
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        let group = |r: &GapRow| match (r.gap > 0, r.mandatory) {
            (true, true) => 0,
            (true, false) => 1,
            (false, _) => 2,
        };
        let weighted = |r: &GapRow| u32::from(r.gap) * u32::from(r.weight);
        group(a)
            .cmp(&group(b))
            .then(weighted(b).cmp(&weighted(a)))
            .then_with(|| a.title.cmp(&b.title))
            .then(a.node.cmp(&b.node))
    });
    let count = |f: &dyn Fn(&GapRow) -> bool| rows.iter().filter(|r| f(r)).count() as u32;
    let lost: u64 = rows
        .iter()
        .map(|r| u64::from(r.weight) * u64::from(r.gap))
        .sum();
    let whole: u64 = rows
        .iter()
        .map(|r| u64::from(r.weight) * u64::from(r.required))
        .sum();
    let (readiness, readiness_percent) = if whole == 0 {
        (100.0, 100)
    } else {
        let kept = whole.saturating_sub(lost);
        let pct = u8::try_from(kept * 100 / whole).unwrap_or(100);
        (100.0 * kept as f64 / whole as f64, pct)
    };
    let summary = GapSummary {
        total: rows.len() as u32,
        new: count(&|r| r.change == Change::New),
        higher: count(&|r| r.change == Change::Higher),
        met: count(&|r| r.gap == 0),
        mandatory_gaps: count(&|r| r.mandatory && r.gap > 0),
        not_rated: count(&|r| r.current.is_none()),
        readiness,
        readiness_percent,
    };
    Comparison { rows, summary }
}

/// The kind of move a career-path link describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum LinkKind {
    /// A promotion.
    Up,
    /// A lateral move.
    Across,
}

impl LinkKind {
    /// Stored value.
    pub fn as_str(self) -> &'static str {
        match self {
            LinkKind::Up => "up",
            LinkKind::Across => "across",
        }
    }

    /// Parses the stored value.
    pub fn parse(s: &str) -> Option<LinkKind> {
        [LinkKind::Up, LinkKind::Across]
            .into_iter()
            .find(|k| k.as_str() == s.trim())
    }

    /// A label for people.
    pub fn label(self) -> &'static str {
        match self {
            LinkKind::Up => "Promotion",
            LinkKind::Across => "Lateral move",
        }
    }
}

/// A directed edge of the career graph: people in `from` can move to `to`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PathLink {
    /// Position moved from.
    pub from: PositionId,
    /// Position moved to.
    pub to: PositionId,
    /// Promotion or lateral move.
    pub kind: LinkKind,
    /// The developmental experience the move needs.
    pub notes: String,
}

/// The career-path link form as submitted.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PathLinkInput {
    /// Position id moved from.
    pub from: String,
    /// Position id moved to.
    pub to: String,
    /// `up` or `across`.
    pub kind: String,
    /// Notes.
    pub notes: String,
}

impl PathLinkInput {
    /// Parses the form and checks the link against the `existing` links.
    pub fn parse(&self, existing: &[PathLink]) -> Result<PathLink, FieldError> {
        let from = self
            .from
            .parse::<PositionId>()
            .map_err(|_| FieldError::new("from", "Choose the position the move starts from."))?;
        let to = self
            .to
            .parse::<PositionId>()
            .map_err(|_| FieldError::new("to", "Choose the position the move leads to."))?;
        let kind = LinkKind::parse(&self.kind)
            .ok_or_else(|| FieldError::new("kind", "Choose promotion or lateral move."))?;
        let link = PathLink {
            from,
            to,
            kind,
            notes: self.notes.trim().replace("\r\n", "\n"),
        };
        check_link(&link, existing)?;
        Ok(link)
    }
}

/// Checks a new link against the `existing` ones (leave out the link being edited):
/// no link to itself, one link per pair of positions, notes of bounded length. Cycles are
/// allowed, as career lattices have them.
pub fn check_link(link: &PathLink, existing: &[PathLink]) -> Result<(), FieldError> {
    if link.from == link.to {
        return Err(FieldError::new(
            "to",
            "A position cannot lead to itself; choose a different position to move to.",
        ));
    }
    if existing
        .iter()
        .any(|l| l.from == link.from && l.to == link.to)
    {
        return Err(FieldError::new(
            "to",
            "There is already a move between these positions; edit that link instead.",
        ));
    }
    if link.notes.chars().count() > MAX_NOTES {
        return Err(FieldError::new(
            "notes",
            format!("Keep the notes to {MAX_NOTES} characters or fewer."),
        ));
    }
    Ok(())
}

/// A position as the career graph layout takes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PathNode {
    /// Id.
    pub id: PositionId,
    /// Title.
    pub title: String,
    /// Seniority rank: rank `r` sits at least `r - 1` layers up (before empty layers close).
    pub rank: Option<u8>,
}

/// A position placed on the drawing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LaidOutNode {
    /// Id.
    pub id: PositionId,
    /// Full title (for a tooltip).
    pub title: String,
    /// The title wrapped into at most two lines.
    pub lines: Vec<String>,
    /// Layer, 0 at the bottom.
    pub layer: u32,
    /// Left edge.
    pub x: f32,
    /// Top edge.
    pub y: f32,
    /// Width.
    pub width: f32,
    /// Height.
    pub height: f32,
}

/// A link placed on the drawing: a cubic Bézier curve.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LaidOutEdge {
    /// Position moved from.
    pub from: PositionId,
    /// Position moved to.
    pub to: PositionId,
    /// Kind.
    pub kind: LinkKind,
    /// A promotion closing a cycle, ignored when choosing layers (it may point downward).
    pub back: bool,
    /// Start, two control points, end.
    pub points: Vec<(f32, f32)>,
}

impl LaidOutEdge {
    /// The curve as an SVG path (`d` attribute).
    pub fn svg_path(&self) -> String {
        let mut d = String::new();
        for (i, (x, y)) in self.points.iter().enumerate() {
            let cmd = match i {
                0 => "M",
                1 => " C",
                _ => "",
            };
            d.push_str(&format!("{cmd} {x:.1},{y:.1}"));
        }
        d
    }
}

/// The career graph, laid out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Layout {
    /// Positions.
    pub nodes: Vec<LaidOutNode>,
    /// Links.
    pub edges: Vec<LaidOutEdge>,
    /// Width of the drawing.
    pub width: f32,
    /// Height of the drawing.
    pub height: f32,
}

/// Width of a position's box.
pub const NODE_WIDTH: f32 = 168.0;
/// Height of a position's box.
pub const NODE_HEIGHT: f32 = 52.0;
/// Characters per title line.
pub const LINE_CHARS: usize = 22;
/// Most boxes side by side; wider layers wrap into staggered rows.
pub const MAX_PER_ROW: usize = 8;
const H_GAP: f32 = 32.0;
const V_GAP: f32 = 72.0;
const MARGIN: f32 = 32.0;
const ARC: f32 = 28.0;
const SWEEPS: usize = 8;

/// Wraps `title` into at most two lines of `max_chars`, breaking over-long words and
/// ending with "…" when it does not fit.
pub fn wrap_title(title: &str, max_chars: usize) -> Vec<String> {
    let max = max_chars.max(2);
    let mut lines: Vec<String> = Vec::new();
    let mut cur = String::new();
    let mut overflow = false;
    'words: for word in title.split_whitespace() {
        let chars: Vec<char> = word.chars().collect();
        for piece in chars.chunks(max) {
            let piece: String = piece.iter().collect();
            if cur.is_empty() {
                cur = piece;
            } else if cur.chars().count() + 1 + piece.chars().count() <= max {
                cur.push(' ');
                cur.push_str(&piece);
            } else if lines.is_empty() {
                lines.push(std::mem::replace(&mut cur, piece));
            } else {
                overflow = true;
                break 'words;
            }
        }
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    if overflow {
        if let Some(last) = lines.last_mut() {
            let mut s: String = last.chars().take(max - 1).collect();
            s.truncate(s.trim_end().len());
            s.push('\u{2026}');
            *last = s;
        }
    }
    lines
}

/// Promotions closing a cycle: edges to a node still on the stack of a depth-first search
/// that visits nodes and successors in index (id) order.
fn back_edges(out: &[Vec<usize>]) -> HashSet<(usize, usize)> {
    let mut state = vec![0u8; out.len()];
    let mut back = HashSet::new();
    for root in 0..out.len() {
        if state[root] != 0 {
            continue;
        }
        state[root] = 1;
        let mut stack = vec![(root, 0usize)];
        while let Some(top) = stack.last_mut() {
            let (v, k) = *top;
            if let Some(&w) = out[v].get(k) {
                top.1 += 1;
                match state[w] {
                    0 => {
                        state[w] = 1;
                        stack.push((w, 0));
                    }
                    1 => {
                        back.insert((v, w));
                    }
                    _ => {}
                }
            } else {
                state[v] = 2;
                stack.pop();
            }
        }
    }
    back
}

/// Crossings between adjacent layers, given each node's layer and index in its layer.
fn crossings(edges: &[(usize, usize)], layer: &[usize], order: &[Vec<usize>]) -> usize {
    let mut pos = vec![0usize; layer.len()];
    for row in order {
        for (i, &v) in row.iter().enumerate() {
            pos[v] = i;
        }
    }
    let spans: Vec<(usize, usize, usize)> = edges
        .iter()
        .filter_map(|&(a, b)| {
            let (lo, hi) = if layer[a] < layer[b] { (a, b) } else { (b, a) };
            (layer[hi] == layer[lo] + 1).then_some((layer[lo], pos[lo], pos[hi]))
        })
        .collect();
    let mut n = 0;
    for (i, a) in spans.iter().enumerate() {
        for b in &spans[i + 1..] {
            if a.0 == b.0 && (a.1 < b.1 && a.2 > b.2 || a.1 > b.1 && a.2 < b.2) {
                n += 1;
            }
        }
    }
    n
}

/// Lays the career graph out in layers: positions without an incoming promotion at the
/// bottom, each promotion going at least one layer up (promotions closing a cycle are
/// ignored for that), lateral moves pulling a position up to its peer's layer where the
/// promotions allow. Layers are ordered by barycentre sweeps to reduce crossings and wrap
/// into staggered rows of at most [`MAX_PER_ROW`]. The same input, in any order, gives the
/// same output; links naming unknown positions are left out.
pub fn layout(positions: &[PathNode], links: &[PathLink]) -> Layout {
    let mut nodes: Vec<&PathNode> = positions.iter().collect();
    nodes.sort_by_key(|p| p.id);
    nodes.dedup_by_key(|p| p.id);
    let n = nodes.len();
    let index: HashMap<PositionId, usize> =
        nodes.iter().enumerate().map(|(i, p)| (p.id, i)).collect();
    let mut edges: Vec<(usize, usize, &PathLink)> = links
        .iter()
        .filter_map(|l| Some((*index.get(&l.from)?, *index.get(&l.to)?, l)))
        .filter(|e| e.0 != e.1)
        .collect();
    edges.sort_by(|a, b| (a.0, a.1, a.2.kind, &a.2.notes).cmp(&(b.0, b.1, b.2.kind, &b.2.notes)));
    edges.dedup_by_key(|e| (e.0, e.1));

    // Layers: longest path over the promotions that are not back edges.
    let mut up_out = vec![Vec::new(); n];
    for &(a, b, l) in &edges {
        if l.kind == LinkKind::Up {
            up_out[a].push(b);
        }
    }
    let back = back_edges(&up_out);
    for (a, outs) in up_out.iter_mut().enumerate() {
        outs.retain(|&b| !back.contains(&(a, b)));
    }
    let mut indegree = vec![0usize; n];
    for &b in up_out.iter().flatten() {
        indegree[b] += 1;
    }
    let mut layer: Vec<usize> = nodes
        .iter()
        .map(|p| usize::from(p.rank.unwrap_or(1).saturating_sub(1)))
        .collect();
    let mut ready: BTreeSet<usize> = (0..n).filter(|&v| indegree[v] == 0).collect();
    while let Some(v) = ready.pop_first() {
        for &w in &up_out[v] {
            layer[w] = layer[w].max(layer[v] + 1);
            indegree[w] -= 1;
            if indegree[w] == 0 {
                ready.insert(w);
            }
        }
    }
    // Lateral moves pull a position up to its peer's layer, below its own promotions.
    let mut peers = vec![Vec::new(); n];
    for &(a, b, l) in &edges {
        if l.kind == LinkKind::Across {
            peers[a].push(b);
            peers[b].push(a);
        }
    }
    for _ in 0..=n {
        let mut changed = false;
        for v in 0..n {
            let Some(target) = peers[v].iter().map(|&p| layer[p]).max() else {
                continue;
            };
            let ceiling = up_out[v].iter().map(|&w| layer[w] - 1).min();
            let new = ceiling.map_or(target, |c| target.min(c));
            if new > layer[v] {
                layer[v] = new;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    // Close empty layers.
    let used: Vec<usize> = layer
        .iter()
        .copied()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    for l in &mut layer {
        *l = used.binary_search(l).unwrap_or(0);
    }
    let layers = used.len();

    // Order within layers: barycentre sweeps, keeping the order with fewest crossings.
    let mut order: Vec<Vec<usize>> = vec![Vec::new(); layers];
    for v in 0..n {
        order[layer[v]].push(v);
    }
    let mut neighbours = vec![Vec::new(); n];
    for &(a, b, _) in &edges {
        neighbours[a].push(b);
        neighbours[b].push(a);
    }
    let pairs: Vec<(usize, usize)> = edges.iter().map(|e| (e.0, e.1)).collect();
    let mut best = order.clone();
    let mut best_crossings = crossings(&pairs, &layer, &order);
    for sweep in 0..SWEEPS {
        if best_crossings == 0 {
            break;
        }
        let upward = sweep % 2 == 0;
        let mut rel = vec![0.0f64; n];
        for row in &order {
            for (i, &v) in row.iter().enumerate() {
                rel[v] = (i as f64 + 0.5) / row.len() as f64;
            }
        }
        let sequence: Vec<usize> = if upward {
            (1..layers).collect()
        } else {
            (0..layers.saturating_sub(1)).rev().collect()
        };
        for l in sequence {
            let mut keyed: Vec<(f64, usize, usize)> = order[l]
                .iter()
                .enumerate()
                .map(|(i, &v)| {
                    let fixed: Vec<f64> = neighbours[v]
                        .iter()
                        .filter(|&&u| if upward { layer[u] < l } else { layer[u] > l })
                        .map(|&u| rel[u])
                        .collect();
                    let bary = if fixed.is_empty() {
                        rel[v]
                    } else {
                        fixed.iter().sum::<f64>() / fixed.len() as f64
                    };
                    (bary, i, v)
                })
                .collect();
            keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            order[l] = keyed.iter().map(|k| k.2).collect();
            for (i, &v) in order[l].iter().enumerate() {
                rel[v] = (i as f64 + 0.5) / order[l].len() as f64;
            }
        }
        let c = crossings(&pairs, &layer, &order);
        if c < best_crossings {
            best_crossings = c;
            best = order.clone();
        }
    }

    // Coordinates: rows from the bottom; a wide layer wraps into staggered rows.
    let slot = NODE_WIDTH + H_GAP;
    let rows: Vec<(usize, bool, &[usize])> = best
        .iter()
        .enumerate()
        .flat_map(|(l, row)| {
            row.chunks(MAX_PER_ROW)
                .enumerate()
                .map(move |(j, c)| (l, j % 2 == 1, c))
        })
        .collect();
    let row_width = |k: usize| k as f32 * slot - H_GAP;
    let content = rows
        .iter()
        .map(|&(_, odd, c)| row_width(c.len()) + if odd { slot / 2.0 } else { 0.0 })
        .fold(0.0f32, f32::max);
    let total_rows = rows.len();
    let mut laid: Vec<Option<LaidOutNode>> = vec![None; n];
    for (r, &(l, odd, chunk)) in rows.iter().enumerate() {
        let shift = if odd { slot / 2.0 } else { 0.0 };
        let x0 = MARGIN + (content - row_width(chunk.len()) - shift) / 2.0 + shift;
        let y = MARGIN + (total_rows - 1 - r) as f32 * (NODE_HEIGHT + V_GAP);
        for (i, &v) in chunk.iter().enumerate() {
            laid[v] = Some(LaidOutNode {
                id: nodes[v].id,
                title: nodes[v].title.clone(),
                lines: wrap_title(&nodes[v].title, LINE_CHARS),
                layer: l as u32,
                x: x0 + i as f32 * slot,
                y,
                width: NODE_WIDTH,
                height: NODE_HEIGHT,
            });
        }
    }
    let laid: Vec<LaidOutNode> = laid.into_iter().flatten().collect();
    let edges = edges
        .iter()
        .filter_map(|&(a, b, l)| {
            let (s, t) = (laid.get(a)?, laid.get(b)?);
            let (sx, tx) = (s.x + s.width / 2.0, t.x + t.width / 2.0);
            let points = if t.y + t.height <= s.y {
                let mid = (s.y + t.y + t.height) / 2.0;
                vec![(sx, s.y), (sx, mid), (tx, mid), (tx, t.y + t.height)]
            } else if s.y + s.height <= t.y {
                let mid = (s.y + s.height + t.y) / 2.0;
                vec![(sx, s.y + s.height), (sx, mid), (tx, mid), (tx, t.y)]
            } else if sx < tx {
                vec![(sx, s.y), (sx, s.y - ARC), (tx, t.y - ARC), (tx, t.y)]
            } else {
                let (sb, tb) = (s.y + s.height, t.y + t.height);
                vec![(sx, sb), (sx, sb + ARC), (tx, tb + ARC), (tx, tb)]
            };
            Some(LaidOutEdge {
                from: s.id,
                to: t.id,
                kind: l.kind,
                back: back.contains(&(a, b)),
                points,
            })
        })
        .collect();
    Layout {
        nodes: laid,
        edges,
        width: content.max(0.0) + 2.0 * MARGIN,
        height: 2.0 * MARGIN + (total_rows as f32 * (NODE_HEIGHT + V_GAP) - V_GAP).max(0.0),
    }
}

/// A position in lists.
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn ids_parse_and_print() {
        assert_eq!(" 42 ".parse::<PositionId>(), Ok(PositionId(42)));
        assert_eq!(PathLinkId(7).to_string(), "7");
        assert_eq!(serde_json::to_string(&PositionId(3)).unwrap(), "3");
    }

    /// The field named when `change` is applied to a valid form.
    fn field_of<I: Clone, T>(
        valid: &I,
        parse: impl Fn(&I) -> Result<T, FieldError>,
        change: impl Fn(&mut I),
    ) -> String {
        let mut input = valid.clone();
        change(&mut input);
        parse(&input).err().map(|e| e.field).unwrap_or_default()
    }

    #[test]
    fn position_form() {
        let input = PositionInput {
            title: " Senior engineer ".into(),
            track: "ic".into(),
            rank: "3".into(),
            ..Default::default()
        };
        let f = input.parse().unwrap();
        assert_eq!(
            (f.title.as_str(), f.track, f.rank),
            ("Senior engineer", Track::Ic, Some(3))
        );
        let field = |change: fn(&mut PositionInput)| field_of(&input, PositionInput::parse, change);
        assert_eq!(field(|i| i.title = " ".into()), "title");
        assert_eq!(field(|i| i.track = "boss".into()), "track");
        assert_eq!(field(|i| i.rank = "0".into()), "rank");
        assert_eq!(field(|i| i.rank = "31".into()), "rank");
        assert_eq!(field(|i| i.rank = " ".into()), "");
        assert_eq!(field(|i| i.unit_id = "x".into()), "unit_id");
        assert_eq!(field(|i| i.unit_id = "4".into()), "");
    }

    use crate::domain::framework::test_row as row;

    fn rows() -> Vec<NodeRow> {
        use NodeKind::*;
        vec![
            row(1, None, Category, 0, "Technical"),
            row(2, Some(1), Competency, 1, "Software design"),
            row(3, Some(2), Skill, 2, "API design"),
            row(4, Some(2), Competency, 2, "Data"),
            row(5, Some(4), Skill, 3, "SQL"),
            row(6, Some(1), Competency, 1, "Testing"),
            row(7, None, Competency, 0, "People"),
        ]
    }

    #[test]
    fn requirement_form() {
        let input = RequirementInput {
            node: "3".into(),
            level: "4".into(),
            weight: "".into(),
            mandatory: Some("on".into()),
        };
        let f = input.parse(5).unwrap();
        assert_eq!(
            (f.node, f.required, f.weight, f.mandatory),
            (NodeId(3), 4, 3, true)
        );
        let unticked = RequirementInput {
            mandatory: None,
            ..input.clone()
        };
        assert!(!unticked.parse(5).unwrap().mandatory);
        let field = |change: fn(&mut RequirementInput)| field_of(&input, |i| i.parse(5), change);
        assert_eq!(field(|i| i.level = "6".into()), "level");
        assert_eq!(field(|i| i.level = "0".into()), "level");
        assert_eq!(field(|i| i.level = "".into()), "level");
        assert_eq!(field(|i| i.weight = "9".into()), "weight");
        assert_eq!(field(|i| i.node = "x".into()), "node");
        let rows = rows();
        let r = f.to_requirement(&rows[2], &[]).unwrap();
        assert_eq!(
            (r.node_title.as_str(), r.kind),
            ("API design", NodeKind::Skill)
        );
        assert_eq!(f.to_requirement(&rows[2], &[r]).unwrap_err().field, "node");
        assert_eq!(f.to_requirement(&rows[0], &[]).unwrap_err().field, "node");
        assert_eq!(weight_label(5), "Critical");
    }

    #[test]
    fn whole_competency_adds_rateable_descendants() {
        let rows = rows();
        let ids = |v: Vec<&NodeRow>| v.iter().map(|r| r.id.0).collect::<Vec<_>>();
        let none = HashSet::new();
        assert_eq!(
            ids(whole_competency(&rows, NodeId(2), &none).unwrap()),
            [2, 3, 4, 5]
        );
        assert_eq!(
            ids(whole_competency(&rows, NodeId(1), &none).unwrap()),
            [2, 3, 4, 5, 6]
        );
        let have = HashSet::from([NodeId(2), NodeId(5)]);
        assert_eq!(
            ids(whole_competency(&rows, NodeId(2), &have).unwrap()),
            [3, 4]
        );
        assert_eq!(ids(whole_competency(&rows, NodeId(7), &none).unwrap()), [7]);
        assert_eq!(
            whole_competency(&rows, NodeId(99), &none)
                .unwrap_err()
                .field,
            "node"
        );
    }

    fn req(node: i64, title: &str, required: u8, weight: u8, mandatory: bool) -> Requirement {
        Requirement {
            node: NodeId(node),
            node_title: title.into(),
            kind: NodeKind::Skill,
            required,
            weight,
            mandatory,
        }
    }

    #[test]
    fn comparison_orders_and_counts() {
        let target = vec![
            req(1, "Architecture", 4, 2, false),
            req(2, "Budgeting", 3, 1, true),
            req(3, "Coaching", 3, 5, false),
            req(4, "Delivery", 2, 3, false),
            req(5, "Ethics", 2, 1, true),
        ];
        let current = vec![
            req(1, "Architecture", 3, 2, false),
            req(4, "Delivery", 2, 3, false),
            req(5, "Ethics", 3, 1, true),
        ];
        let levels = HashMap::from([
            (NodeId(1), Some(3)),
            (NodeId(3), Some(1)),
            (NodeId(4), None),
            (NodeId(5), Some(2)),
        ]);
        let c = compare(&target, Some(&current), &levels);
        let order: Vec<i64> = c.rows.iter().map(|r| r.node.0).collect();
        // The mandatory gap (Budgeting), then weighted gaps: Coaching 10, Delivery 6,
        // Architecture 2; then Ethics, which is met.
        assert_eq!(order, [2, 3, 4, 1, 5]);
        let by = |n: i64| c.rows.iter().find(|r| r.node.0 == n).unwrap();
        assert_eq!(
            (by(1).change, by(1).gap, by(1).in_current_position),
            (Change::Higher, 1, Some(3))
        );
        assert_eq!(
            (by(2).change, by(2).gap, by(2).current),
            (Change::New, 3, None)
        );
        assert_eq!(
            (by(4).change, by(4).gap, by(4).current),
            (Change::Same, 2, None)
        );
        assert_eq!(by(5).change, Change::Lower);
        let s = &c.summary;
        assert_eq!(
            (
                s.total,
                s.new,
                s.higher,
                s.met,
                s.mandatory_gaps,
                s.not_rated
            ),
            (5, 2, 1, 1, 1, 2)
        );
        // lost = 2*1 + 1*3 + 5*2 + 3*2 = 21; whole = 8 + 3 + 15 + 6 + 2 = 34.
        assert!((s.readiness - 100.0 * 13.0 / 34.0).abs() < 1e-9);
        assert_eq!(s.readiness_percent, 38);
        let none = compare(&target, None, &HashMap::new());
        assert!(none
            .rows
            .iter()
            .all(|r| r.change == Change::New && r.gap == r.required));
        assert_eq!(none.summary.readiness_percent, 0);
        let empty = compare(&[], None, &HashMap::new());
        assert_eq!(
            (empty.summary.readiness, empty.summary.readiness_percent),
            (100.0, 100)
        );
    }

    #[test]
    fn links_are_checked() {
        let link = |f: i64, t: i64| PathLink {
            from: PositionId(f),
            to: PositionId(t),
            kind: LinkKind::Across,
            notes: String::new(),
        };
        let existing = vec![link(1, 2)];
        assert_eq!(check_link(&link(3, 3), &existing).unwrap_err().field, "to");
        assert_eq!(check_link(&link(1, 2), &existing).unwrap_err().field, "to");
        assert!(
            check_link(&link(2, 1), &existing).is_ok(),
            "lattices may have cycles"
        );
        let input = PathLinkInput {
            from: "2".into(),
            to: "1".into(),
            kind: "up".into(),
            notes: " Lead a project\r\n ".into(),
        };
        let l = input.parse(&existing).unwrap();
        assert_eq!((l.kind, l.notes.as_str()), (LinkKind::Up, "Lead a project"));
        let field =
            |change: fn(&mut PathLinkInput)| field_of(&input, |i| i.parse(&existing), change);
        assert_eq!(field(|i| i.notes = "x".repeat(2001)), "notes");
        assert_eq!(field(|i| i.kind = "down".into()), "kind");
        assert_eq!(field(|i| i.from = "".into()), "from");
        assert_eq!(field(|i| i.to = "2".into()), "to");
    }

    #[test]
    fn titles_wrap_into_two_lines() {
        assert_eq!(wrap_title("Engineer", 22), ["Engineer"]);
        assert_eq!(
            wrap_title("Principal software engineer, platform", 22),
            ["Principal software", "engineer, platform"]
        );
        let long = wrap_title("Head of customer success operations and enablement", 22);
        assert_eq!(long.len(), 2);
        assert!(
            long[1].ends_with('\u{2026}') && long[1].chars().count() <= 22,
            "{long:?}"
        );
        let word = wrap_title(&"x".repeat(50), 22);
        assert_eq!(word[0].chars().count(), 22);
        assert!(wrap_title("  ", 22).is_empty());
    }

    fn pos(id: i64, rank: Option<u8>) -> PathNode {
        PathNode {
            id: PositionId(id),
            title: format!("Position {id}"),
            rank,
        }
    }

    fn up(f: i64, t: i64, kind: LinkKind) -> PathLink {
        PathLink {
            from: PositionId(f),
            to: PositionId(t),
            kind,
            notes: String::new(),
        }
    }

    fn layer_of(l: &Layout, id: i64) -> u32 {
        l.nodes
            .iter()
            .find(|n| n.id.0 == id)
            .map(|n| n.layer)
            .unwrap()
    }

    fn check_layout(l: &Layout) -> Result<(), String> {
        let at: HashMap<PositionId, &LaidOutNode> = l.nodes.iter().map(|n| (n.id, n)).collect();
        for e in &l.edges {
            let (a, b) = (at[&e.from], at[&e.to]);
            if e.kind == LinkKind::Up && !e.back && b.layer <= a.layer {
                return Err(format!("{} -> {} not upward", e.from, e.to));
            }
            if e.kind == LinkKind::Up && !e.back && b.y >= a.y {
                return Err(format!("{} -> {} not drawn upward", e.from, e.to));
            }
        }
        for (i, a) in l.nodes.iter().enumerate() {
            if a.x < 0.0 || a.y < 0.0 || a.x + a.width > l.width || a.y + a.height > l.height {
                return Err(format!("{} outside the drawing", a.id));
            }
            for b in &l.nodes[i + 1..] {
                let apart = a.x + a.width <= b.x
                    || b.x + b.width <= a.x
                    || a.y + a.height <= b.y
                    || b.y + b.height <= a.y;
                if !apart {
                    return Err(format!("{} overlaps {}", a.id, b.id));
                }
            }
        }
        Ok(())
    }

    #[test]
    fn ladder_goes_up_and_lateral_moves_stay_level() {
        let positions = vec![
            pos(1, None),
            pos(2, None),
            pos(3, None),
            pos(4, None),
            pos(5, Some(4)),
        ];
        let links = vec![
            up(1, 2, LinkKind::Up),
            up(2, 3, LinkKind::Up),
            up(4, 2, LinkKind::Across),
            up(2, 4, LinkKind::Across),
        ];
        let l = layout(&positions, &links);
        assert_eq!([1, 2, 3, 4, 5].map(|id| layer_of(&l, id)), [0, 1, 2, 1, 3]);
        check_layout(&l).unwrap();
        let e = l.edges.iter().find(|e| e.from.0 == 1).unwrap();
        assert!(e.svg_path().starts_with("M ") && e.svg_path().contains(" C "));
    }

    #[test]
    fn promotion_cycles_are_broken_by_id_order() {
        let positions = vec![pos(1, None), pos(2, None), pos(3, None)];
        let links = vec![
            up(1, 2, LinkKind::Up),
            up(2, 3, LinkKind::Up),
            up(3, 1, LinkKind::Up),
        ];
        let l = layout(&positions, &links);
        let back: Vec<(i64, i64)> = l
            .edges
            .iter()
            .filter(|e| e.back)
            .map(|e| (e.from.0, e.to.0))
            .collect();
        assert_eq!(back, [(3, 1)]);
        assert_eq!([1, 2, 3].map(|id| layer_of(&l, id)), [0, 1, 2]);
        check_layout(&l).unwrap();
    }

    #[test]
    fn sweeps_remove_a_crossing() {
        let positions = vec![pos(1, None), pos(2, None), pos(3, None), pos(4, None)];
        let links = vec![up(1, 4, LinkKind::Up), up(2, 3, LinkKind::Up)];
        let l = layout(&positions, &links);
        let x = |id: i64| l.nodes.iter().find(|n| n.id.0 == id).unwrap().x;
        assert_eq!(
            (x(1) < x(2)),
            (x(4) < x(3)),
            "the two promotions do not cross"
        );
    }

    #[test]
    fn empty_graph_is_just_margins() {
        let l = layout(&[], &[]);
        assert!(l.nodes.is_empty() && l.edges.is_empty());
        assert_eq!((l.width, l.height), (2.0 * MARGIN, 2.0 * MARGIN));
    }

    fn graph() -> impl Strategy<Value = (Vec<PathNode>, Vec<PathLink>)> {
        let links = proptest::collection::vec((0i64..100, 0i64..100, any::<bool>()), 0..250);
        let ranks = proptest::collection::vec(proptest::option::of(1u8..6), 100);
        (links, ranks).prop_map(|(links, ranks)| {
            let positions: Vec<PathNode> = ranks
                .into_iter()
                .enumerate()
                .map(|(i, r)| pos(i as i64, r))
                .collect();
            let mut seen = HashSet::new();
            let links = links
                .into_iter()
                .filter(|&(f, t, _)| f != t && seen.insert((f, t)))
                .map(|(f, t, u)| up(f, t, if u { LinkKind::Up } else { LinkKind::Across }))
                .collect();
            (positions, links)
        })
    }

    proptest! {
        #[test]
        fn readiness_is_a_percentage(
            reqs in proptest::collection::vec((1u8..=10, 1u8..=5, any::<bool>(), proptest::option::of(0u8..=10)), 0..30)
        ) {
            let target: Vec<Requirement> = reqs
                .iter()
                .enumerate()
                .map(|(i, &(l, w, m, _))| req(i as i64, "n", l, w, m))
                .collect();
            let levels: HashMap<NodeId, Option<u8>> =
                reqs.iter().enumerate().map(|(i, r)| (NodeId(i as i64), r.3)).collect();
            let s = compare(&target, None, &levels).summary;
            prop_assert!((0.0..=100.0).contains(&s.readiness));
            prop_assert!(s.readiness_percent <= 100);
            let no_gaps = reqs.iter().all(|r| r.3.unwrap_or(0) >= r.0);
            prop_assert_eq!(s.readiness == 100.0, no_gaps);
            prop_assert_eq!(s.readiness_percent == 100, no_gaps);
        }

        #[test]
        fn hundred_positions_lay_out_readably((positions, links) in graph()) {
            let l = layout(&positions, &links);
            prop_assert_eq!(l.nodes.len(), 100);
            check_layout(&l).map_err(TestCaseError::fail)?;
            let slot = NODE_WIDTH + H_GAP;
            prop_assert!(l.width <= 2.0 * MARGIN + MAX_PER_ROW as f32 * slot + slot / 2.0);
            prop_assert!(l.height <= 2.0 * MARGIN + 100.0 * (NODE_HEIGHT + V_GAP));
            let mut shuffled_positions = positions.clone();
            shuffled_positions.reverse();
            let mut shuffled_links = links.clone();
            shuffled_links.reverse();
            prop_assert_eq!(&layout(&shuffled_positions, &shuffled_links), &l, "order does not matter");
            prop_assert_eq!(layout(&positions, &links), l);
        }
    }
}

//! A layered layout that draws the career graph as SVG: promotions go upward, lateral
//! moves stay in their layer.

use super::paths::{LinkKind, PathLink};
use crate::domain::ids::PositionId;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap, HashSet};

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
    let index: HashMap<PositionId, usize> =
        nodes.iter().enumerate().map(|(i, p)| (p.id, i)).collect();
    let mut edges: Vec<(usize, usize, &PathLink)> = links
        .iter()
        .filter_map(|l| Some((*index.get(&l.from)?, *index.get(&l.to)?, l)))
        .filter(|e| e.0 != e.1)
        .collect();
    edges.sort_by(|a, b| (a.0, a.1, a.2.kind, &a.2.notes).cmp(&(b.0, b.1, b.2.kind, &b.2.notes)));
    edges.dedup_by_key(|e| (e.0, e.1));

    let (layer, layers, back) = assign_layers(&nodes, &edges);
    let best = order_layers(&edges, &layer, layers);
    let (laid, content, total_rows) = place_nodes(&nodes, &best);
    let edges = edges
        .iter()
        .filter_map(|&(a, b, l)| {
            let (s, t) = (laid.get(a)?, laid.get(b)?);
            Some(LaidOutEdge {
                from: s.id,
                to: t.id,
                kind: l.kind,
                back: back.contains(&(a, b)),
                points: edge_points(s, t),
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

/// An edge between nodes by index, with its link.
type Edge<'a> = (usize, usize, &'a PathLink);

/// The layer of each node, the number of layers, and the promotions that close a cycle.
/// Layers come from the longest path over the other promotions (at least the rank); a
/// lateral move pulls a position up to its peer's layer, below its own promotions; empty
/// layers are closed.
fn assign_layers(
    nodes: &[&PathNode],
    edges: &[Edge<'_>],
) -> (Vec<usize>, usize, HashSet<(usize, usize)>) {
    let n = nodes.len();
    let mut up_out = vec![Vec::new(); n];
    for &(a, b, l) in edges {
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
    for &(a, b, l) in edges {
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
    (layer, used.len(), back)
}

/// Order within layers: barycentre sweeps, keeping the order with fewest crossings.
fn order_layers(edges: &[Edge<'_>], layer: &[usize], layers: usize) -> Vec<Vec<usize>> {
    let n = layer.len();
    let mut order: Vec<Vec<usize>> = vec![Vec::new(); layers];
    for v in 0..n {
        order[layer[v]].push(v);
    }
    let mut neighbours = vec![Vec::new(); n];
    for &(a, b, _) in edges {
        neighbours[a].push(b);
        neighbours[b].push(a);
    }
    let pairs: Vec<(usize, usize)> = edges.iter().map(|e| (e.0, e.1)).collect();
    let mut best = order.clone();
    let mut best_crossings = crossings(&pairs, layer, &order);
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
        let c = crossings(&pairs, layer, &order);
        if c < best_crossings {
            best_crossings = c;
            best = order.clone();
        }
    }
    best
}

/// Coordinates: rows from the bottom; a wide layer wraps into staggered rows. Returns the
/// nodes in index order, the content width and the number of rows.
fn place_nodes(nodes: &[&PathNode], order: &[Vec<usize>]) -> (Vec<LaidOutNode>, f32, usize) {
    let slot = NODE_WIDTH + H_GAP;
    let rows: Vec<(usize, bool, &[usize])> = order
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
    let mut laid: Vec<Option<LaidOutNode>> = vec![None; nodes.len()];
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
    (laid.into_iter().flatten().collect(), content, total_rows)
}

/// The polyline of an edge from `s` to `t`: vertical between layers, an arc over (left to
/// right) or under (right to left) the row within a layer.
fn edge_points(s: &LaidOutNode, t: &LaidOutNode) -> Vec<(f32, f32)> {
    let (sx, tx) = (s.x + s.width / 2.0, t.x + t.width / 2.0);
    if t.y + t.height <= s.y {
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
    }
}

#[cfg(test)]
mod tests {
    use super::super::*;
    use super::*;
    use proptest::prelude::*;

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

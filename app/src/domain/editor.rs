//! What the framework editor shows of a tree, and how a drop becomes a move. Both run on the
//! server (to render the page, and to check a move again) and in the browser (to draw the
//! drop indicator and refuse an invalid drop before anything is sent).
//!
//! A framework may hold 15,000 nodes (the ESCO skill set), so the editor never renders them
//! all: only rows whose ancestors are expanded (or, while filtering, the matches and their
//! ancestors), and at most a limit of rows at a time.

use super::framework::{filter_visible, subtree_sizes, FrameworkSummary, NodeRow};
use super::ids::NodeId;
use super::scale::Scale;
use super::tree::TreeError;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

/// Frameworks with at most this many nodes open fully expanded; larger ones open with their
/// top level only.
pub const AUTO_EXPAND_MAX: usize = 300;
/// Rows rendered at first; "show more" raises it.
pub const DEFAULT_ROW_LIMIT: usize = 500;
/// The most rows one page renders, however the limit is set.
pub const MAX_ROW_LIMIT: usize = 20_000;

/// One row of the editor's tree.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TreeRow {
    /// The node (id, parent, kind, depth, title, code).
    pub node: NodeRow,
    /// Position among all its siblings (0-based), shown or not.
    pub index: u32,
    /// How many siblings it has, itself included.
    pub siblings: u32,
    /// Direct children.
    pub children: u32,
    /// Every node below it.
    pub inside: u32,
    /// Whether its children are shown.
    pub expanded: bool,
    /// Whether it matches the filter (false when not filtering).
    pub matched: bool,
}

/// The part of a tree the editor renders.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TreeView {
    /// Rows to render, in display order.
    pub rows: Vec<TreeRow>,
    /// Nodes in the framework.
    pub total: u32,
    /// Rows that would be shown without the limit.
    pub shown: u32,
    /// Matches of the filter, when filtering.
    pub matches: Option<u32>,
    /// The expanded nodes, explicitly (what toggling starts from).
    pub open: Vec<NodeId>,
    /// The row limit applied.
    pub limit: u32,
}

/// A framework as the editor loads it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EditorTree {
    /// The framework.
    pub framework: FrameworkSummary,
    /// Its default scale.
    pub scale: Scale,
    /// The rows to show.
    pub view: TreeView,
}

/// What the scale editor shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScaleEditor {
    /// The framework.
    pub framework: FrameworkSummary,
    /// Its scale.
    pub scale: Scale,
    /// Per level: (level, ratings, node level descriptions).
    pub usage: Vec<(u8, u64, u64)>,
}

/// What the blend page offers from one framework: its categories and competencies down to
/// the third level (skills come along with the competency that holds them).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BlendSource {
    /// The framework.
    pub framework: FrameworkSummary,
    /// Pickable nodes in display order.
    pub nodes: Vec<NodeRow>,
}

/// What to show.
#[derive(Debug, Clone, Default)]
pub struct ViewRequest {
    /// Expanded nodes; `None` for the default (everything in small frameworks, the top level
    /// in large ones).
    pub open: Option<HashSet<NodeId>>,
    /// A filter on title and short code.
    pub filter: String,
    /// The selected node: its ancestors are always expanded.
    pub selected: Option<NodeId>,
    /// Most rows to return (0: the default).
    pub limit: usize,
}

/// Parses the `open` query parameter: comma-separated node ids (unknown words are ignored).
pub fn parse_open(raw: &str) -> HashSet<NodeId> {
    raw.split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect()
}

/// The `open` query parameter for a set of ids, sorted so links are stable; `none` when
/// nothing is open (an empty parameter would read as "the default").
pub fn format_open(open: &[NodeId]) -> String {
    let mut ids: Vec<i64> = open.iter().map(|n| n.0).collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return "none".into();
    }
    ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
}

/// `open` with `id` added or removed.
pub fn toggled(open: &[NodeId], id: NodeId) -> Vec<NodeId> {
    if open.contains(&id) {
        open.iter().copied().filter(|&o| o != id).collect()
    } else {
        open.iter().copied().chain([id]).collect()
    }
}

/// Which rows to render for `req`. `nodes` is the whole framework in display order.
pub fn tree_view(nodes: &[NodeRow], req: &ViewRequest) -> TreeView {
    let limit = match req.limit {
        0 => DEFAULT_ROW_LIMIT,
        n => n.min(MAX_ROW_LIMIT),
    };
    let sizes = subtree_sizes(nodes);
    let parent: HashMap<NodeId, Option<NodeId>> = nodes.iter().map(|n| (n.id, n.parent)).collect();
    let mut children: HashMap<Option<NodeId>, u32> = HashMap::new();
    let mut index: HashMap<NodeId, u32> = HashMap::with_capacity(nodes.len());
    for n in nodes {
        let c = children.entry(n.parent).or_default();
        index.insert(n.id, *c);
        *c += 1;
    }
    let has_children = |id: NodeId| children.get(&Some(id)).copied().unwrap_or(0) > 0;
    let filtering = !req.filter.trim().is_empty();

    let (visible, expanded, matches, open): (HashSet<NodeId>, HashSet<NodeId>, _, Vec<NodeId>) =
        if filtering {
            let (visible, matches) = filter_visible(nodes, &req.filter);
            // Every shown node with a shown child is drawn expanded.
            let expanded: HashSet<NodeId> = nodes
                .iter()
                .filter(|n| visible.contains(&n.id))
                .filter_map(|n| n.parent)
                .collect();
            let open = expanded.iter().copied().collect();
            (visible, expanded, Some(matches as u32), open)
        } else {
            let mut open: HashSet<NodeId> = match &req.open {
                Some(o) => o.iter().copied().filter(|&id| has_children(id)).collect(),
                None if nodes.len() <= AUTO_EXPAND_MAX => nodes
                    .iter()
                    .map(|n| n.id)
                    .filter(|&id| has_children(id))
                    .collect(),
                None => HashSet::new(),
            };
            let mut cur = req.selected.and_then(|s| parent.get(&s).copied().flatten());
            while let Some(c) = cur {
                open.insert(c);
                cur = parent.get(&c).copied().flatten();
            }
            let mut visible = HashSet::new();
            for n in nodes {
                let shown = match n.parent {
                    None => true,
                    Some(p) => visible.contains(&p) && open.contains(&p),
                };
                if shown {
                    visible.insert(n.id);
                }
            }
            let open_list = open.iter().copied().collect();
            (visible, open, None, open_list)
        };

    let q = req.filter.trim().to_lowercase();
    let mut rows = Vec::new();
    let mut shown = 0u32;
    for n in nodes.iter().filter(|n| visible.contains(&n.id)) {
        shown += 1;
        if rows.len() >= limit {
            continue;
        }
        rows.push(TreeRow {
            index: index.get(&n.id).copied().unwrap_or(0),
            siblings: children.get(&n.parent).copied().unwrap_or(1),
            children: children.get(&Some(n.id)).copied().unwrap_or(0),
            inside: sizes.get(&n.id).copied().unwrap_or(0),
            expanded: expanded.contains(&n.id) && has_children(n.id),
            matched: filtering
                && (n.title.to_lowercase().contains(&q)
                    || n.short_code.to_lowercase().contains(&q)),
            node: n.clone(),
        });
    }
    let mut open = open;
    open.sort_unstable();
    TreeView {
        rows,
        total: nodes.len() as u32,
        shown,
        matches,
        open,
        limit: limit as u32,
    }
}

/// Where, relative to the row under the pointer, a dragged node would land.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DropZone {
    /// Just before the row, as its sibling.
    Before,
    /// Inside the row, as its last child.
    Inside,
    /// Just after the row (as its first child when the row is expanded).
    After,
}

impl DropZone {
    /// The zone for a pointer at `y` pixels from the top of a row `height` pixels tall: the
    /// top quarter is before, the bottom quarter after, the middle inside.
    pub fn at(y: f64, height: f64) -> DropZone {
        if height <= 0.0 || y < height * 0.25 {
            DropZone::Before
        } else if y > height * 0.75 {
            DropZone::After
        } else {
            DropZone::Inside
        }
    }
}

/// Why a drop is not a move.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DropRefusal {
    /// The node would stay where it is.
    NoChange,
    /// The move breaks a rule (nesting, or into its own subtree).
    Invalid(TreeError),
    /// A row it needs is not shown (reload).
    Unknown,
}

impl DropRefusal {
    /// A sentence for the person dragging (empty for "no change").
    pub fn message(&self) -> String {
        match self {
            DropRefusal::NoChange => String::new(),
            DropRefusal::Invalid(e) => e.to_string(),
            DropRefusal::Unknown => "That place is not shown; reload the tree.".into(),
        }
    }
}

/// The move a drop of `dragged` on `target` in `zone` makes: the new parent and the index
/// among its children (counted without the dragged node, as `Tree::move_node` expects).
/// Checks the nesting rules and refuses a drop into the node's own subtree.
pub fn plan_drop(
    rows: &[TreeRow],
    dragged: NodeId,
    target: NodeId,
    zone: DropZone,
) -> Result<(Option<NodeId>, usize), DropRefusal> {
    let find = |id: NodeId| rows.iter().find(|r| r.node.id == id);
    let d = find(dragged).ok_or(DropRefusal::Unknown)?;
    let t = find(target).ok_or(DropRefusal::Unknown)?;
    if dragged == target {
        return Err(DropRefusal::NoChange);
    }
    let (parent, raw_index) = match zone {
        DropZone::Before => (t.node.parent, t.index as usize),
        DropZone::Inside => (Some(t.node.id), t.children as usize),
        DropZone::After if t.expanded && t.children > 0 => (Some(t.node.id), 0),
        DropZone::After => (t.node.parent, t.index as usize + 1),
    };
    // Into its own subtree? Walk up from the new parent (every shown row's ancestors are
    // shown, so the walk never leaves the rows).
    let mut cur = parent;
    while let Some(c) = cur {
        if c == dragged {
            return Err(DropRefusal::Invalid(TreeError::Cycle));
        }
        cur = find(c).and_then(|r| r.node.parent);
    }
    if let Some(p) = parent {
        let pk = find(p).map(|r| r.node.kind).ok_or(DropRefusal::Unknown)?;
        if !pk.can_contain(d.node.kind) {
            return Err(DropRefusal::Invalid(TreeError::Nesting {
                parent: pk,
                child: d.node.kind,
            }));
        }
    }
    let same_parent = d.node.parent == parent;
    let index = if same_parent && (d.index as usize) < raw_index {
        raw_index - 1
    } else {
        raw_index
    };
    if same_parent && index == d.index as usize {
        return Err(DropRefusal::NoChange);
    }
    Ok((parent, index))
}

/// A sentence announcing a move to screen-reader users, e.g. "Moved “API design” into
/// “Architecture”." or "Moved “API design” to the top level.".
pub fn describe_move(title: &str, parent_title: Option<&str>, index: usize) -> String {
    let place = match parent_title {
        Some(p) => format!("into \u{201c}{p}\u{201d}"),
        None => "to the top level".into(),
    };
    format!(
        "Moved \u{201c}{title}\u{201d} {place}, position {}.",
        index + 1
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::tree::NodeKind;
    use NodeKind::*;

    use crate::domain::framework::test_row as row;

    /// 1 Technical [2 Design [3 API, 4 Data], 5 Testing], 6 People [7 Mentoring]
    fn sample() -> Vec<NodeRow> {
        vec![
            row(1, None, Category, 0, "Technical"),
            row(2, Some(1), Competency, 1, "Design"),
            row(3, Some(2), Skill, 2, "API"),
            row(4, Some(2), Skill, 2, "Data"),
            row(5, Some(1), Competency, 1, "Testing"),
            row(6, None, Category, 0, "People"),
            row(7, Some(6), Competency, 1, "Mentoring"),
        ]
    }

    fn ids(v: &TreeView) -> Vec<i64> {
        v.rows.iter().map(|r| r.node.id.0).collect()
    }

    #[test]
    fn small_frameworks_open_fully() {
        let v = tree_view(&sample(), &ViewRequest::default());
        assert_eq!(ids(&v), [1, 2, 3, 4, 5, 6, 7]);
        assert_eq!(v.open, [NodeId(1), NodeId(2), NodeId(6)]);
        let r2 = &v.rows[1];
        assert_eq!(
            (r2.index, r2.siblings, r2.children, r2.inside),
            (0, 2, 2, 2)
        );
        assert!(r2.expanded);
        assert!(!v.rows[2].expanded, "leaves are never expanded");
        assert_eq!((v.total, v.shown, v.matches), (7, 7, None));
    }

    #[test]
    fn explicit_open_set_and_selection() {
        let req = ViewRequest {
            open: Some(parse_open("1,zz,3")),
            ..Default::default()
        };
        let v = tree_view(&sample(), &req);
        assert_eq!(ids(&v), [1, 2, 5, 6]);
        assert_eq!(v.open, [NodeId(1)], "a leaf in the set is dropped");
        // Selecting a hidden node opens its ancestors.
        let req = ViewRequest {
            open: Some(HashSet::new()),
            selected: Some(NodeId(4)),
            ..Default::default()
        };
        assert_eq!(ids(&tree_view(&sample(), &req)), [1, 2, 3, 4, 5, 6]);
    }

    #[test]
    fn large_frameworks_open_at_the_top_level_and_respect_the_limit() {
        let mut nodes = vec![row(1, None, Category, 0, "Skills")];
        for i in 2..=AUTO_EXPAND_MAX as i64 + 5 {
            nodes.push(row(i, Some(1), Skill, 1, &format!("Skill {i}")));
        }
        nodes[1..].iter_mut().for_each(|n| n.kind = Competency);
        let v = tree_view(&nodes, &ViewRequest::default());
        assert_eq!(ids(&v), [1]);
        let v = tree_view(
            &nodes,
            &ViewRequest {
                open: Some(parse_open("1")),
                limit: 10,
                ..Default::default()
            },
        );
        assert_eq!(v.rows.len(), 10);
        assert_eq!(v.shown as usize, nodes.len());
    }

    #[test]
    fn filtering_shows_matches_with_their_ancestors_expanded() {
        let req = ViewRequest {
            filter: "api".into(),
            open: Some(HashSet::new()),
            ..Default::default()
        };
        let v = tree_view(&sample(), &req);
        assert_eq!(ids(&v), [1, 2, 3]);
        assert_eq!(v.matches, Some(1));
        assert!(v.rows[0].expanded && v.rows[1].expanded);
        assert!(v.rows[2].matched && !v.rows[1].matched);
    }

    #[test]
    fn open_parameter_round_trips_and_toggles() {
        let open = vec![NodeId(9), NodeId(2)];
        assert_eq!(format_open(&open), "2,9");
        assert_eq!(parse_open("2,9"), open.iter().copied().collect());
        assert_eq!(parse_open(""), HashSet::new());
        assert_eq!(format_open(&[]), "none");
        assert_eq!(parse_open("none"), HashSet::new());
        assert_eq!(toggled(&open, NodeId(2)), [NodeId(9)]);
        assert_eq!(toggled(&open, NodeId(4)), [NodeId(9), NodeId(2), NodeId(4)]);
    }

    #[test]
    fn drops_become_moves() {
        let v = tree_view(&sample(), &ViewRequest::default());
        let r = &v.rows;
        // Testing before Design: same parent, earlier.
        assert_eq!(
            plan_drop(r, NodeId(5), NodeId(2), DropZone::Before),
            Ok((Some(NodeId(1)), 0))
        );
        // Design after Testing: index counted without Design itself.
        assert_eq!(
            plan_drop(r, NodeId(2), NodeId(5), DropZone::After),
            Ok((Some(NodeId(1)), 1))
        );
        // Mentoring inside Technical: its last child.
        assert_eq!(
            plan_drop(r, NodeId(7), NodeId(1), DropZone::Inside),
            Ok((Some(NodeId(1)), 2))
        );
        // After an expanded node: its first child.
        assert_eq!(
            plan_drop(r, NodeId(7), NodeId(2), DropZone::After),
            Ok((Some(NodeId(2)), 0))
        );
        // People before Technical: the top level.
        assert_eq!(
            plan_drop(r, NodeId(6), NodeId(1), DropZone::Before),
            Ok((None, 0))
        );
        // Design on itself or just where it is: nothing to do.
        assert_eq!(
            plan_drop(r, NodeId(2), NodeId(2), DropZone::Inside),
            Err(DropRefusal::NoChange)
        );
        assert_eq!(
            plan_drop(r, NodeId(2), NodeId(5), DropZone::Before),
            Err(DropRefusal::NoChange)
        );
    }

    #[test]
    fn invalid_drops_are_refused_with_the_rule() {
        let v = tree_view(&sample(), &ViewRequest::default());
        let r = &v.rows;
        let err = plan_drop(r, NodeId(5), NodeId(3), DropZone::Inside).unwrap_err();
        assert_eq!(
            err,
            DropRefusal::Invalid(TreeError::Nesting {
                parent: Skill,
                child: Competency
            })
        );
        assert!(err
            .message()
            .starts_with("A skill cannot hold a competency."));
        // A skill next to a category at the top level is fine; inside a category it is not.
        assert!(matches!(
            plan_drop(r, NodeId(3), NodeId(6), DropZone::Inside),
            Err(DropRefusal::Invalid(TreeError::Nesting { .. }))
        ));
        // Into its own subtree.
        assert_eq!(
            plan_drop(r, NodeId(1), NodeId(2), DropZone::Inside),
            Err(DropRefusal::Invalid(TreeError::Cycle))
        );
        assert_eq!(
            plan_drop(r, NodeId(99), NodeId(2), DropZone::Inside),
            Err(DropRefusal::Unknown)
        );
    }

    #[test]
    fn drop_plans_agree_with_the_tree_rules() {
        // Every drop the planner accepts, the tree accepts too, and lands where planned.
        let nodes = sample();
        let v = tree_view(&nodes, &ViewRequest::default());
        let tree = super::super::tree::Tree::from_rows(nodes.iter().map(|n| {
            let idx = v.rows.iter().find(|r| r.node.id == n.id).unwrap().index;
            (n.id, n.kind, n.parent, i64::from(idx))
        }))
        .unwrap();
        for d in &nodes {
            for t in &nodes {
                for zone in [DropZone::Before, DropZone::Inside, DropZone::After] {
                    let mut tr = tree.clone();
                    match plan_drop(&v.rows, d.id, t.id, zone) {
                        Ok((p, i)) => {
                            tr.move_node(d.id, p, i).unwrap();
                            assert_eq!(tr.parent(d.id), Some(p));
                            assert_eq!(tr.index(d.id), Some(i));
                        }
                        Err(DropRefusal::Invalid(_)) => {}
                        Err(e) => assert_eq!(e, DropRefusal::NoChange),
                    }
                }
            }
        }
    }

    #[test]
    fn zones_and_announcements() {
        assert_eq!(DropZone::at(2.0, 40.0), DropZone::Before);
        assert_eq!(DropZone::at(20.0, 40.0), DropZone::Inside);
        assert_eq!(DropZone::at(38.0, 40.0), DropZone::After);
        assert_eq!(
            describe_move("API", Some("Design"), 1),
            "Moved \u{201c}API\u{201d} into \u{201c}Design\u{201d}, position 2."
        );
        assert!(describe_move("API", None, 0).contains("to the top level"));
    }
}

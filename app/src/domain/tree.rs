//! The framework tree and the operations the editor performs on it. Categories hold
//! categories and competencies; competencies hold sub-competencies and skills; skills are
//! leaves. Any kind may sit at the top level. Every operation either applies completely or
//! returns an error and leaves the tree exactly as it was.

use super::ids::NodeId;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::fmt;

/// The kind of a framework node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum NodeKind {
    /// A grouping (a tier of a building-blocks model, a cluster).
    Category,
    /// A rateable competency; may hold sub-competencies and skills.
    Competency,
    /// A rateable leaf.
    Skill,
}

impl NodeKind {
    /// Every kind.
    pub const ALL: [NodeKind; 3] = [NodeKind::Category, NodeKind::Competency, NodeKind::Skill];

    /// Whether a node of this kind may hold a child of kind `child`.
    pub fn can_contain(self, child: NodeKind) -> bool {
        matches!(
            (self, child),
            (
                NodeKind::Category,
                NodeKind::Category | NodeKind::Competency
            ) | (NodeKind::Competency, NodeKind::Competency | NodeKind::Skill)
        )
    }

    /// Competencies and skills can be rated and required; categories cannot.
    pub fn rateable(self) -> bool {
        self != NodeKind::Category
    }

    /// Stored value.
    pub fn as_str(self) -> &'static str {
        match self {
            NodeKind::Category => "category",
            NodeKind::Competency => "competency",
            NodeKind::Skill => "skill",
        }
    }

    /// Parses the stored value.
    pub fn parse(s: &str) -> Option<NodeKind> {
        NodeKind::ALL.into_iter().find(|k| k.as_str() == s.trim())
    }

    /// A label for people ("a category").
    pub fn article(self) -> &'static str {
        match self {
            NodeKind::Category => "a category",
            NodeKind::Competency => "a competency",
            NodeKind::Skill => "a skill",
        }
    }
}

/// Why a tree operation was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TreeError {
    /// No node with this id.
    UnknownNode(NodeId),
    /// A node with this id exists already.
    DuplicateNode(NodeId),
    /// The parent may not hold a child of this kind.
    Nesting {
        /// Kind of the would-be parent.
        parent: NodeKind,
        /// Kind of the child.
        child: NodeKind,
    },
    /// The node would end up inside itself.
    Cycle,
    /// The move has nowhere to go (first sibling cannot move up, a top-level node cannot
    /// be outdented, and so on).
    NoRoom(&'static str),
}

impl fmt::Display for TreeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TreeError::UnknownNode(id) => write!(f, "Node {id} does not exist (it may have been deleted by someone else)."),
            TreeError::DuplicateNode(id) => write!(f, "Node {id} exists already."),
            TreeError::Nesting { parent, child } => write!(
                f,
                "{} cannot hold {}. Categories hold categories and competencies; competencies hold competencies and skills; skills hold nothing.",
                capitalised(parent.article()),
                child.article()
            ),
            TreeError::Cycle => write!(f, "A node cannot move inside itself or one of its own descendants."),
            TreeError::NoRoom(why) => f.write_str(why),
        }
    }
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

/// The shape of a framework: which node is where, in which order. Node content (titles,
/// descriptions) lives elsewhere; this is what drag and drop changes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tree {
    kind: HashMap<NodeId, NodeKind>,
    parent: HashMap<NodeId, Option<NodeId>>,
    children: HashMap<Option<NodeId>, Vec<NodeId>>,
}

impl Tree {
    /// An empty tree.
    pub fn new() -> Tree {
        Tree::default()
    }

    /// Builds a tree from rows of (id, kind, parent, sibling order), checking every rule.
    pub fn from_rows(
        rows: impl IntoIterator<Item = (NodeId, NodeKind, Option<NodeId>, i64)>,
    ) -> Result<Tree, TreeError> {
        let mut rows: Vec<_> = rows.into_iter().collect();
        rows.sort_by_key(|r| (r.3, r.0));
        let mut t = Tree::new();
        for &(id, kind, parent, _) in &rows {
            if t.kind.insert(id, kind).is_some() {
                return Err(TreeError::DuplicateNode(id));
            }
            t.parent.insert(id, parent);
        }
        for &(id, _, parent, _) in &rows {
            t.children.entry(parent).or_default().push(id);
        }
        t.validate()?;
        Ok(t)
    }

    /// Number of nodes.
    pub fn len(&self) -> usize {
        self.kind.len()
    }

    /// True when there are no nodes.
    pub fn is_empty(&self) -> bool {
        self.kind.is_empty()
    }

    /// Whether the node exists.
    pub fn contains(&self, id: NodeId) -> bool {
        self.kind.contains_key(&id)
    }

    /// The node's kind.
    pub fn kind(&self, id: NodeId) -> Option<NodeKind> {
        self.kind.get(&id).copied()
    }

    /// The node's parent (`Some(None)` for a top-level node).
    pub fn parent(&self, id: NodeId) -> Option<Option<NodeId>> {
        self.parent.get(&id).copied()
    }

    /// The ordered children of `parent` (`None`: the top level).
    pub fn children(&self, parent: Option<NodeId>) -> &[NodeId] {
        self.children.get(&parent).map_or(&[], Vec::as_slice)
    }

    /// The node's index among its siblings.
    pub fn index(&self, id: NodeId) -> Option<usize> {
        let parent = self.parent(id)?;
        self.children(parent).iter().position(|&c| c == id)
    }

    /// The node and everything below it, depth first.
    pub fn subtree(&self, id: NodeId) -> Vec<NodeId> {
        let mut out = Vec::new();
        let mut stack = vec![id];
        while let Some(n) = stack.pop() {
            if !self.contains(n) {
                continue;
            }
            out.push(n);
            stack.extend(self.children(Some(n)).iter().rev());
        }
        out
    }

    /// Every node in display order (depth first, siblings in order) with its depth.
    pub fn walk(&self) -> Vec<(NodeId, usize)> {
        let mut out = Vec::with_capacity(self.len());
        let mut stack: Vec<(NodeId, usize)> =
            self.children(None).iter().rev().map(|&c| (c, 0)).collect();
        while let Some((n, d)) = stack.pop() {
            out.push((n, d));
            stack.extend(self.children(Some(n)).iter().rev().map(|&c| (c, d + 1)));
        }
        out
    }

    fn check_nesting(&self, parent: Option<NodeId>, kind: NodeKind) -> Result<(), TreeError> {
        match parent {
            None => Ok(()),
            Some(p) => {
                let pk = self.kind(p).ok_or(TreeError::UnknownNode(p))?;
                if pk.can_contain(kind) {
                    Ok(())
                } else {
                    Err(TreeError::Nesting {
                        parent: pk,
                        child: kind,
                    })
                }
            }
        }
    }

    /// Adds a node under `parent` at `index` (clamped to the end).
    pub fn insert(
        &mut self,
        id: NodeId,
        kind: NodeKind,
        parent: Option<NodeId>,
        index: usize,
    ) -> Result<(), TreeError> {
        if self.contains(id) {
            return Err(TreeError::DuplicateNode(id));
        }
        self.check_nesting(parent, kind)?;
        let siblings = self.children.entry(parent).or_default();
        let at = index.min(siblings.len());
        siblings.insert(at, id);
        self.kind.insert(id, kind);
        self.parent.insert(id, parent);
        Ok(())
    }

    /// Moves a node, with its subtree, under `new_parent` at `index` among the new siblings
    /// (counted as if the node were already removed from its old place; clamped to the end).
    /// Reordering siblings is a move to the same parent.
    pub fn move_node(
        &mut self,
        id: NodeId,
        new_parent: Option<NodeId>,
        index: usize,
    ) -> Result<(), TreeError> {
        let kind = self.kind(id).ok_or(TreeError::UnknownNode(id))?;
        if let Some(p) = new_parent {
            if !self.contains(p) {
                return Err(TreeError::UnknownNode(p));
            }
            // Walk up from the new parent: meeting the node means a cycle.
            let mut cur = Some(p);
            while let Some(c) = cur {
                if c == id {
                    return Err(TreeError::Cycle);
                }
                cur = self.parent(c).flatten();
            }
        }
        self.check_nesting(new_parent, kind)?;
        let old_parent = self.parent(id).ok_or(TreeError::UnknownNode(id))?;
        if let Some(list) = self.children.get_mut(&old_parent) {
            list.retain(|&c| c != id);
            if list.is_empty() {
                self.children.remove(&old_parent);
            }
        }
        let siblings = self.children.entry(new_parent).or_default();
        let at = index.min(siblings.len());
        siblings.insert(at, id);
        self.parent.insert(id, new_parent);
        Ok(())
    }

    /// Moves a node one place earlier among its siblings.
    pub fn move_up(&mut self, id: NodeId) -> Result<(), TreeError> {
        let (parent, i) = self.place(id)?;
        if i == 0 {
            return Err(TreeError::NoRoom(
                "This is already the first item at its level.",
            ));
        }
        self.move_node(id, parent, i - 1)
    }

    /// Moves a node one place later among its siblings.
    pub fn move_down(&mut self, id: NodeId) -> Result<(), TreeError> {
        let (parent, i) = self.place(id)?;
        if i + 1 >= self.children(parent).len() {
            return Err(TreeError::NoRoom(
                "This is already the last item at its level.",
            ));
        }
        self.move_node(id, parent, i + 1)
    }

    /// Makes a node the last child of the sibling just before it.
    pub fn indent(&mut self, id: NodeId) -> Result<(), TreeError> {
        let (parent, i) = self.place(id)?;
        if i == 0 {
            return Err(TreeError::NoRoom(
                "There is no item above at this level to move it into.",
            ));
        }
        let new_parent = self.children(parent)[i - 1];
        let end = self.children(Some(new_parent)).len();
        self.move_node(id, Some(new_parent), end)
    }

    /// Moves a node out of its parent, to just after that parent.
    pub fn outdent(&mut self, id: NodeId) -> Result<(), TreeError> {
        let (parent, _) = self.place(id)?;
        let Some(parent) = parent else {
            return Err(TreeError::NoRoom("This item is already at the top level."));
        };
        let (grand, pi) = self.place(parent)?;
        self.move_node(id, grand, pi + 1)
    }

    /// Removes a node and its whole subtree; returns the removed ids (node first).
    pub fn delete_subtree(&mut self, id: NodeId) -> Result<Vec<NodeId>, TreeError> {
        let (parent, _) = self.place(id)?;
        let removed = self.subtree(id);
        if let Some(list) = self.children.get_mut(&parent) {
            list.retain(|&c| c != id);
            if list.is_empty() {
                self.children.remove(&parent);
            }
        }
        for n in &removed {
            self.kind.remove(n);
            self.parent.remove(n);
            self.children.remove(&Some(*n));
        }
        Ok(removed)
    }

    fn place(&self, id: NodeId) -> Result<(Option<NodeId>, usize), TreeError> {
        let parent = self.parent(id).ok_or(TreeError::UnknownNode(id))?;
        let i = self.index(id).ok_or(TreeError::UnknownNode(id))?;
        Ok((parent, i))
    }

    /// Checks every invariant: parents exist, each node is listed exactly once under its
    /// parent, nesting rules hold, and every node is reachable from the top (no cycles).
    pub fn validate(&self) -> Result<(), TreeError> {
        let mut listed = HashSet::new();
        for (parent, kids) in &self.children {
            if let Some(p) = parent {
                if !self.contains(*p) {
                    return Err(TreeError::UnknownNode(*p));
                }
            }
            for &k in kids {
                if !listed.insert(k) || self.parent(k) != Some(*parent) {
                    return Err(TreeError::DuplicateNode(k));
                }
                self.check_nesting(*parent, self.kind(k).ok_or(TreeError::UnknownNode(k))?)?;
            }
        }
        if listed.len() != self.len() {
            return Err(TreeError::Cycle);
        }
        if self.walk().len() != self.len() {
            return Err(TreeError::Cycle);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use NodeKind::*;

    fn n(i: i64) -> NodeId {
        NodeId(i)
    }

    /// 1 Category [2 Competency [3 Skill, 4 Skill], 5 Competency], 6 Category
    fn sample() -> Tree {
        let mut t = Tree::new();
        t.insert(n(1), Category, None, 0).unwrap();
        t.insert(n(2), Competency, Some(n(1)), 0).unwrap();
        t.insert(n(3), Skill, Some(n(2)), 0).unwrap();
        t.insert(n(4), Skill, Some(n(2)), 1).unwrap();
        t.insert(n(5), Competency, Some(n(1)), 9).unwrap();
        t.insert(n(6), Category, None, 1).unwrap();
        t
    }

    fn ids(t: &Tree, parent: Option<i64>) -> Vec<i64> {
        t.children(parent.map(n)).iter().map(|i| i.0).collect()
    }

    #[test]
    fn nesting_rules() {
        assert!(Category.can_contain(Competency));
        assert!(Category.can_contain(Category));
        assert!(!Category.can_contain(Skill));
        assert!(Competency.can_contain(Skill));
        assert!(Competency.can_contain(Competency));
        assert!(!Competency.can_contain(Category));
        assert!(NodeKind::ALL.iter().all(|k| !Skill.can_contain(*k)));
        let mut t = sample();
        let err = t.insert(n(7), Competency, Some(n(3)), 0).unwrap_err();
        assert_eq!(
            err,
            TreeError::Nesting {
                parent: Skill,
                child: Competency
            }
        );
        assert!(err
            .to_string()
            .starts_with("A skill cannot hold a competency."));
    }

    #[test]
    fn moves_reorder_and_reparent() {
        let mut t = sample();
        t.move_node(n(4), Some(n(2)), 0).unwrap();
        assert_eq!(ids(&t, Some(2)), [4, 3]);
        t.move_node(n(2), Some(n(6)), 0).unwrap();
        assert_eq!(ids(&t, Some(1)), [5]);
        assert_eq!(ids(&t, Some(6)), [2]);
        assert_eq!(t.subtree(n(6)), [n(6), n(2), n(4), n(3)]);
        assert_eq!(t.move_node(n(1), Some(n(1)), 0), Err(TreeError::Cycle));
        assert_eq!(t.move_node(n(6), Some(n(2)), 0), Err(TreeError::Cycle));
        assert_eq!(
            t.move_node(n(3), Some(n(6)), 0),
            Err(TreeError::Nesting {
                parent: Category,
                child: Skill
            })
        );
        t.validate().unwrap();
    }

    #[test]
    fn keyboard_moves() {
        let mut t = sample();
        t.move_down(n(2)).unwrap();
        assert_eq!(ids(&t, Some(1)), [5, 2]);
        assert!(t.move_down(n(2)).is_err());
        t.move_up(n(2)).unwrap();
        assert!(t.move_up(n(2)).is_err());
        // Indent 5 into 2 (competency into competency), then outdent it back after 2.
        t.indent(n(5)).unwrap();
        assert_eq!(ids(&t, Some(2)), [3, 4, 5]);
        t.outdent(n(5)).unwrap();
        assert_eq!(ids(&t, Some(1)), [2, 5]);
        // Indenting a skill into a sibling skill breaks the rules and changes nothing.
        let before = t.clone();
        assert!(matches!(t.indent(n(4)), Err(TreeError::Nesting { .. })));
        assert_eq!(t, before);
        assert!(t.outdent(n(1)).is_err());
    }

    #[test]
    fn delete_takes_the_subtree() {
        let mut t = sample();
        assert_eq!(t.delete_subtree(n(2)).unwrap(), [n(2), n(3), n(4)]);
        assert_eq!(t.len(), 3);
        assert_eq!(ids(&t, Some(1)), [5]);
        assert_eq!(t.delete_subtree(n(2)), Err(TreeError::UnknownNode(n(2))));
        t.validate().unwrap();
    }

    #[test]
    fn rows_round_trip_and_bad_rows_are_refused() {
        let t = sample();
        let rows: Vec<_> = t
            .walk()
            .into_iter()
            .map(|(id, _)| {
                (
                    id,
                    t.kind(id).unwrap(),
                    t.parent(id).unwrap(),
                    t.index(id).unwrap() as i64,
                )
            })
            .collect();
        assert_eq!(Tree::from_rows(rows).unwrap(), t);
        let cyclic = vec![
            (n(1), Category, Some(n(2)), 0),
            (n(2), Category, Some(n(1)), 0),
        ];
        assert!(Tree::from_rows(cyclic).is_err());
        let bad_nesting = vec![(n(1), Skill, None, 0), (n(2), Skill, Some(n(1)), 0)];
        assert!(matches!(
            Tree::from_rows(bad_nesting),
            Err(TreeError::Nesting { .. })
        ));
    }

    #[derive(Debug, Clone)]
    enum Op {
        Insert(i64, NodeKind, Option<i64>, usize),
        Move(i64, Option<i64>, usize),
        Up(i64),
        Down(i64),
        Indent(i64),
        Outdent(i64),
        Delete(i64),
    }

    fn kind() -> impl Strategy<Value = NodeKind> {
        prop_oneof![Just(Category), Just(Competency), Just(Skill)]
    }

    fn op() -> impl Strategy<Value = Op> {
        let id = 0i64..24;
        let parent = proptest::option::of(0i64..24);
        prop_oneof![
            3 => (id.clone(), kind(), parent.clone(), 0usize..6).prop_map(|(i, k, p, x)| Op::Insert(i, k, p, x)),
            3 => (id.clone(), parent, 0usize..6).prop_map(|(i, p, x)| Op::Move(i, p, x)),
            1 => id.clone().prop_map(Op::Up),
            1 => id.clone().prop_map(Op::Down),
            1 => id.clone().prop_map(Op::Indent),
            1 => id.clone().prop_map(Op::Outdent),
            1 => id.prop_map(Op::Delete),
        ]
    }

    proptest! {
        /// Any sequence of operations keeps a well-formed tree, and a refused operation
        /// leaves it exactly as it was.
        #[test]
        fn any_sequence_keeps_a_well_formed_tree(ops in proptest::collection::vec(op(), 1..120)) {
            let mut t = Tree::new();
            for o in ops {
                let before = t.clone();
                let res = match o {
                    Op::Insert(i, k, p, x) => t.insert(n(i), k, p.map(n), x),
                    Op::Move(i, p, x) => t.move_node(n(i), p.map(n), x),
                    Op::Up(i) => t.move_up(n(i)),
                    Op::Down(i) => t.move_down(n(i)),
                    Op::Indent(i) => t.indent(n(i)),
                    Op::Outdent(i) => t.outdent(n(i)),
                    Op::Delete(i) => t.delete_subtree(n(i)).map(|_| ()),
                };
                if res.is_err() {
                    prop_assert_eq!(&t, &before);
                } else if let Op::Move(i, p, _) = o {
                    prop_assert_eq!(t.parent(n(i)), Some(p.map(n)));
                }
                prop_assert_eq!(t.validate(), Ok(()));
                prop_assert_eq!(t.walk().len(), t.len());
            }
        }
    }
}

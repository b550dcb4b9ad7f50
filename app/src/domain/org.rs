//! Rules of the organisation's two trees: reporting lines (each person has at most one
//! manager) and org units (each unit has at most one parent). Neither may contain a cycle.

use std::collections::HashSet;
use std::hash::Hash;

/// Why a new parent link was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CycleError<Id> {
    /// The node would become its own parent.
    SelfParent,
    /// The proposed parent already sits below the node; the chain from the proposed parent
    /// up to the node is given (first element is the proposed parent, last is the node).
    Cycle(Vec<Id>),
}

/// Checks whether making `parent` the parent of `node` would close a cycle, given the
/// current parent of every node (`parent_of`). Returns the offending chain if so.
///
/// The walk is bounded by the number of distinct nodes seen, so a cycle already present in
/// the data (which the rules prevent, but a hand-edited database might hold) cannot make it
/// loop forever.
pub fn would_create_cycle<Id, F>(node: Id, parent: Id, parent_of: F) -> Result<(), CycleError<Id>>
where
    Id: Copy + Eq + Hash,
    F: Fn(Id) -> Option<Id>,
{
    if node == parent {
        return Err(CycleError::SelfParent);
    }
    let mut chain = vec![parent];
    let mut seen = HashSet::from([parent]);
    let mut cur = parent;
    while let Some(up) = parent_of(cur) {
        chain.push(up);
        if up == node {
            return Err(CycleError::Cycle(chain));
        }
        if !seen.insert(up) {
            return Ok(());
        }
        cur = up;
    }
    Ok(())
}

/// Deepest an org unit may sit: a top-level unit is at depth 1. Every write and import keeps
/// the tree within it, so no walk over the tree is ever longer than this.
pub const MAX_UNIT_DEPTH: usize = 12;

/// The depth of every unit (top level = 1), from `(unit, parent)` pairs, in time linear in
/// the number of units. A unit on a cycle or below a missing parent counts from where the
/// walk stops, so damaged data cannot make it loop.
pub fn unit_depths<Id>(units: &[(Id, Option<Id>)]) -> std::collections::HashMap<Id, usize>
where
    Id: Copy + Eq + Hash,
{
    use std::collections::HashMap;
    let parent: HashMap<Id, Option<Id>> = units.iter().copied().collect();
    let mut depth: HashMap<Id, usize> = HashMap::with_capacity(units.len());
    for &(start, _) in units {
        // Walk up until a unit whose depth is known (or the top), then fill in the chain.
        let mut chain = Vec::new();
        let mut on_chain = HashSet::new();
        let mut cur = Some(start);
        let mut base = 0;
        while let Some(u) = cur {
            if let Some(&d) = depth.get(&u) {
                base = d;
                break;
            }
            if !on_chain.insert(u) {
                break;
            }
            chain.push(u);
            cur = parent.get(&u).copied().flatten();
        }
        for (i, u) in chain.iter().rev().enumerate() {
            depth.insert(*u, base + i + 1);
        }
    }
    depth
}

/// How many levels the subtree under `root` spans (1 for a unit without sub-units).
pub fn subtree_height<Id>(root: Id, units: &[(Id, Option<Id>)]) -> usize
where
    Id: Copy + Eq + Hash,
{
    let depths = unit_depths(units);
    let parent: std::collections::HashMap<Id, Option<Id>> = units.iter().copied().collect();
    // Each walk is at most the unit's depth long: linear in units times depth.
    let below = |u: Id| {
        let mut cur = Some(u);
        for _ in 0..=depths.get(&u).copied().unwrap_or(0) {
            match cur {
                Some(c) if c == root => return true,
                Some(c) => cur = parent.get(&c).copied().flatten(),
                None => return false,
            }
        }
        false
    };
    let top = depths.get(&root).copied().unwrap_or(1);
    units
        .iter()
        .filter(|(u, _)| below(*u))
        .filter_map(|(u, _)| depths.get(u))
        .map(|d| d + 1 - top)
        .max()
        .unwrap_or(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unit_depths_and_heights() {
        let units = [
            (1, None),
            (2, Some(1)),
            (3, Some(2)),
            (4, Some(1)),
            (5, None),
        ];
        let d = unit_depths(&units);
        assert_eq!((d[&1], d[&2], d[&3], d[&4], d[&5]), (1, 2, 3, 2, 1));
        assert_eq!(subtree_height(1, &units), 3);
        assert_eq!(subtree_height(2, &units), 2);
        assert_eq!(subtree_height(5, &units), 1);
        // A damaged cycle ends the walk instead of looping.
        let cyc = [(1, Some(2)), (2, Some(1))];
        assert_eq!(unit_depths(&cyc).len(), 2);
        assert!(subtree_height(1, &cyc) >= 1);
    }
    use proptest::prelude::*;
    use std::collections::HashMap;

    fn lookup(m: &HashMap<u32, u32>) -> impl Fn(u32) -> Option<u32> + '_ {
        move |id| m.get(&id).copied()
    }

    #[test]
    fn self_parent_is_refused() {
        let m = HashMap::new();
        assert_eq!(
            would_create_cycle(1, 1, lookup(&m)),
            Err(CycleError::SelfParent)
        );
    }

    #[test]
    fn manager_below_is_refused_with_chain() {
        // 3 reports to 2, 2 reports to 1. Making 3 the manager of 1 closes 1 -> 3 -> 2 -> 1.
        let m = HashMap::from([(3, 2), (2, 1)]);
        assert_eq!(
            would_create_cycle(1, 3, lookup(&m)),
            Err(CycleError::Cycle(vec![3, 2, 1]))
        );
        assert_eq!(would_create_cycle(3, 1, lookup(&m)), Ok(()));
        assert_eq!(would_create_cycle(4, 3, lookup(&m)), Ok(()));
    }

    #[test]
    fn existing_cycle_elsewhere_terminates() {
        let m = HashMap::from([(5, 6), (6, 5)]);
        assert_eq!(would_create_cycle(1, 5, lookup(&m)), Ok(()));
    }

    proptest! {
        /// Applying only the links the rule accepts always leaves a forest: walking up from
        /// any node ends at a root within n steps.
        #[test]
        fn accepted_links_keep_a_forest(links in proptest::collection::vec((0u32..30, 0u32..30), 0..200)) {
            let mut parent: HashMap<u32, u32> = HashMap::new();
            for (node, p) in links {
                if would_create_cycle(node, p, |id| parent.get(&id).copied()).is_ok() {
                    parent.insert(node, p);
                }
            }
            for start in 0u32..30 {
                let mut cur = start;
                let mut steps = 0;
                while let Some(&up) = parent.get(&cur) {
                    cur = up;
                    steps += 1;
                    prop_assert!(steps <= 30, "cycle reachable from {}", start);
                }
            }
        }
    }
}

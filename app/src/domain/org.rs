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

#[cfg(test)]
mod tests {
    use super::*;
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

//! "What do I need for position X": a person's levels against a position's requirements.

use super::requirements::Requirement;
use crate::domain::ids::NodeId;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::tree::NodeKind;
    use proptest::prelude::*;

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
    }
}

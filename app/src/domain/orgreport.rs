//! Org reports: competency status by unit and node, demand versus supply per node, and a
//! unit's readiness over time. The figures come from counters kept with every change; the
//! rules that turn them into shares, gaps, readiness and CSV live here.

use super::{NodeId, PersonId, UnitId};
use serde::{Deserialize, Serialize};

/// The people of one unit (with its sub-units) whose positions require one node.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Status {
    /// People whose position requires the node.
    pub need: u32,
    /// Of those, people at or above the required level.
    pub met: u32,
    /// Sum of their gaps (`max(0, required - current)`).
    pub gap_sum: u32,
}

impl Status {
    /// Share of people at or above the required level (`None` when nobody needs it).
    pub fn share(&self) -> Option<f64> {
        (self.need > 0).then(|| f64::from(self.met) / f64::from(self.need))
    }

    /// Average gap of the people who need it.
    pub fn avg_gap(&self) -> Option<f64> {
        (self.need > 0).then(|| f64::from(self.gap_sum) / f64::from(self.need))
    }

    /// The share as a whole percentage.
    pub fn percent(&self) -> Option<u8> {
        self.share().map(percent)
    }

    /// CSS class of the cell: five steps of the share (colour is never the only signal: the
    /// number is in the cell).
    pub fn class(&self) -> &'static str {
        match self.share() {
            None => "org-none",
            Some(s) if s >= 0.9 => "org-s4",
            Some(s) if s >= 0.75 => "org-s3",
            Some(s) if s >= 0.5 => "org-s2",
            Some(s) if s >= 0.25 => "org-s1",
            Some(_) => "org-s0",
        }
    }

    /// `self - other`, for the people directly in a unit (the unit minus its sub-units).
    pub fn minus(&self, other: &Status) -> Status {
        Status {
            need: self.need.saturating_sub(other.need),
            met: self.met.saturating_sub(other.met),
            gap_sum: self.gap_sum.saturating_sub(other.gap_sum),
        }
    }

    /// Sum of two.
    pub fn plus(&self, other: &Status) -> Status {
        Status {
            need: self.need + other.need,
            met: self.met + other.met,
            gap_sum: self.gap_sum + other.gap_sum,
        }
    }
}

fn percent(share: f64) -> u8 {
    (share * 100.0).round().clamp(0.0, 100.0) as u8
}

/// Readiness from weighted sums: `1 - sum(weight * gap) / sum(weight * required)` (the rule
/// of DESIGN.md summed over everyone's requirements), as a percentage.
pub fn readiness(wreq_sum: i64, wgap_sum: i64) -> Option<u8> {
    (wreq_sum > 0).then(|| percent(1.0 - wgap_sum as f64 / wreq_sum as f64))
}

/// A day number as a short date: "24 Nov 2026".
pub fn day_label(day: i64) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let (y, m, d) = super::rating::civil_from_days(day);
    format!("{d} {} {y}", MONTHS[(m as usize + 11) % 12])
}

/// One row of the report: a unit with its sub-units, or the people directly in the unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrgRow {
    /// The unit (`None`: the people directly in the selected unit, or the whole
    /// organisation in the total row at the top).
    pub unit: Option<UnitId>,
    pub name: String,
    /// Active people in it.
    pub people: u32,
    /// It has sub-units to drill into.
    pub has_children: bool,
    /// Readiness of everyone in it for their positions.
    pub readiness: Option<u8>,
    /// One status per column.
    pub cells: Vec<Status>,
}

/// A column: a node required by positions in the selection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrgColumn {
    pub node: NodeId,
    pub title: String,
}

/// A person directly in the selected unit, with their readiness.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Member {
    pub id: PersonId,
    pub name: String,
    pub position: String,
    pub readiness: Option<u8>,
    /// Requirements with a gap.
    pub gaps: u32,
}

/// One day of a unit's trend.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TrendPoint {
    /// Days since 1970-01-01 (UTC).
    pub day: i64,
    pub people: u32,
    pub readiness: Option<u8>,
    /// Share of requirements met, as a percentage.
    pub met: Option<u8>,
}

/// Competency status by unit and node for one unit's sub-units (or the top-level units).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrgReport {
    /// The selected unit (`None`: the whole organisation).
    pub unit: Option<(UnitId, String)>,
    /// From the top to the selected unit's parent.
    pub crumbs: Vec<(UnitId, String)>,
    /// The selection as a whole.
    pub total: OrgRow,
    /// Its sub-units, then (when any) the people directly in it.
    pub rows: Vec<OrgRow>,
    pub columns: Vec<OrgColumn>,
    /// More nodes are required than the report shows.
    pub truncated: bool,
    /// Frameworks to filter the columns by, and the one chosen.
    pub frameworks: Vec<(i64, String)>,
    pub framework: Option<i64>,
    /// The selection's readiness over time.
    pub trend: Vec<TrendPoint>,
    /// People directly in the selected unit (only when a unit is selected).
    pub members: Vec<Member>,
    /// Today (days since 1970-01-01).
    pub today: i64,
}

/// Demand and supply of one node: how many people need each level, how many hold it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SupplyRow {
    pub node: NodeId,
    pub title: String,
    pub framework: String,
    /// Positions that require it.
    pub positions: u32,
    /// `need[l - 1]`: people whose position requires exactly level `l`.
    pub need: Vec<u32>,
    /// `have[l - 1]`: people who hold exactly level `l` (unexpired).
    pub have: Vec<u32>,
    /// People whose position requires it, and of those how many meet it.
    pub status: Status,
}

impl SupplyRow {
    /// People who need level `l` or more.
    pub fn need_at_least(&self, l: usize) -> u32 {
        self.need.iter().skip(l.saturating_sub(1)).sum()
    }

    /// People who hold level `l` or more.
    pub fn have_at_least(&self, l: usize) -> u32 {
        self.have.iter().skip(l.saturating_sub(1)).sum()
    }

    /// People who need it and are below their required level.
    pub fn shortfall(&self) -> u32 {
        self.status.need - self.status.met.min(self.status.need)
    }

    /// People who hold it at some level without needing it for their position: the pool
    /// to draw on.
    pub fn bench(&self) -> u32 {
        self.have_at_least(1).saturating_sub(self.status.met)
    }
}

/// Orders the supply rows: largest shortfall first, then most needed, then title.
pub fn sort_supply(rows: &mut [SupplyRow]) {
    rows.sort_by(|a, b| {
        b.shortfall()
            .cmp(&a.shortfall())
            .then(b.status.need.cmp(&a.status.need))
            .then(a.title.cmp(&b.title))
    });
}

/// Demand and supply across the organisation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SupplyReport {
    pub rows: Vec<SupplyRow>,
    pub frameworks: Vec<(i64, String)>,
    pub framework: Option<i64>,
    /// Highest level shown.
    pub top: usize,
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn s(need: u32, met: u32, gap_sum: u32) -> Status {
        Status { need, met, gap_sum }
    }

    #[test]
    fn share_gap_and_class() {
        assert_eq!(s(0, 0, 0).share(), None);
        assert_eq!(s(0, 0, 0).class(), "org-none");
        assert_eq!(s(4, 3, 2).percent(), Some(75));
        assert_eq!(s(4, 3, 2).avg_gap(), Some(0.5));
        assert_eq!(s(4, 3, 2).class(), "org-s3");
        assert_eq!(s(10, 9, 1).class(), "org-s4");
        assert_eq!(s(10, 1, 9).class(), "org-s0");
        assert_eq!(s(5, 3, 4).minus(&s(2, 1, 1)), s(3, 2, 3));
    }

    #[test]
    fn readiness_from_weighted_sums() {
        assert_eq!(readiness(0, 0), None);
        assert_eq!(readiness(20, 5), Some(75));
        assert_eq!(readiness(20, 0), Some(100));
        assert_eq!(readiness(20, 20), Some(0));
    }

    #[test]
    fn day_labels() {
        assert_eq!(day_label(0), "1 Jan 1970");
        assert_eq!(day_label(20_781), "24 Nov 2026");
    }

    #[test]
    fn supply_counts() {
        let row = SupplyRow {
            node: NodeId(1),
            title: "Rust".into(),
            framework: "Eng".into(),
            positions: 2,
            need: vec![0, 3, 1],
            have: vec![4, 2, 1],
            status: s(4, 2, 3),
        };
        assert_eq!(row.need_at_least(2), 4);
        assert_eq!(row.have_at_least(2), 3);
        assert_eq!(row.have_at_least(1), 7);
        assert_eq!(row.shortfall(), 2);
        assert_eq!(row.bench(), 5);
    }

    proptest! {
        #[test]
        fn share_and_readiness_are_percentages(need in 0u32..1000, met in 0u32..1000, wreq in 0i64..10_000, wgap in 0i64..10_000) {
            let st = s(need, met.min(need), 0);
            if let Some(p) = st.percent() { prop_assert!(p <= 100); }
            let wgap = wgap.min(wreq);
            if let Some(p) = readiness(wreq, wgap) { prop_assert!(p <= 100); }
        }
    }
}

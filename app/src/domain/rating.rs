//! The rating rules: which of a person's append-only ratings on a node counts, when an
//! awarded level expires, gaps, readiness for a position and disagreement between sources.
//!
//! Times are epoch milliseconds (UTC) passed in by the caller; nothing here reads the clock,
//! so the browser and the server compute the same numbers for the same input.

use super::ids::NodeId;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Milliseconds in a day.
pub const DAY_MS: i64 = 86_400_000;

/// Who or what gave a rating.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Source {
    /// The person rated themselves; counts only once a manager approves it.
    SelfRating,
    /// The person's manager (direct or indirect).
    Manager,
    /// A colleague; shown for information, never counts.
    Peer,
    /// An award from a completed course (learning activity).
    Course,
    /// Brought in by an import from another system.
    Import,
}

impl Source {
    /// Every source.
    pub const ALL: [Source; 5] = [
        Source::SelfRating,
        Source::Manager,
        Source::Peer,
        Source::Course,
        Source::Import,
    ];

    /// Stored value.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::SelfRating => "self",
            Source::Manager => "manager",
            Source::Peer => "peer",
            Source::Course => "course",
            Source::Import => "import",
        }
    }

    /// Parses the stored value.
    pub fn parse(s: &str) -> Option<Source> {
        Source::ALL.into_iter().find(|k| k.as_str() == s.trim())
    }

    /// A label for people ("Manager rating").
    pub fn label(self) -> &'static str {
        match self {
            Source::SelfRating => "Self-assessment",
            Source::Manager => "Manager rating",
            Source::Peer => "Peer rating",
            Source::Course => "Course completion",
            Source::Import => "Imported",
        }
    }
}

/// The review state of a self-rating.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Review {
    /// Waiting for the manager; shown beside the current level but does not count.
    Pending,
    /// Approved by the manager; counts like a manager rating.
    Approved,
    /// Declined by the manager; never counts.
    Declined,
}

impl Review {
    /// Every state.
    pub const ALL: [Review; 3] = [Review::Pending, Review::Approved, Review::Declined];

    /// Stored value.
    pub fn as_str(self) -> &'static str {
        match self {
            Review::Pending => "pending",
            Review::Approved => "approved",
            Review::Declined => "declined",
        }
    }

    /// Parses the stored value.
    pub fn parse(s: &str) -> Option<Review> {
        Review::ALL.into_iter().find(|k| k.as_str() == s.trim())
    }
}

/// One append-only rating of a person on a node (the fields the rules need).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatingRecord {
    /// Row id; breaks ties between ratings made in the same millisecond (higher is later).
    pub id: i64,
    /// The rated node.
    pub node: NodeId,
    /// The level given (0: not demonstrated).
    pub level: u8,
    /// Who or what gave it.
    pub source: Source,
    /// Review state; only meaningful for self-ratings (a self-rating without one is
    /// pending). Ignored for every other source.
    pub review: Option<Review>,
    /// When it was given, epoch milliseconds.
    pub at_ms: i64,
}

impl RatingRecord {
    /// Whether this rating counts towards the current level: a manager rating, an approved
    /// self-rating, a course award or an import. Peer ratings and pending or declined
    /// self-ratings never count.
    pub fn is_validated(&self) -> bool {
        match self.source {
            Source::SelfRating => self.review == Some(Review::Approved),
            Source::Peer => false,
            Source::Manager | Source::Course | Source::Import => true,
        }
    }

    /// Whether this is a self-rating waiting for review.
    pub fn is_pending(&self) -> bool {
        self.source == Source::SelfRating && matches!(self.review, None | Some(Review::Pending))
    }

    /// Ordering key: later time first, then higher id.
    fn recency(&self) -> (i64, i64) {
        (self.at_ms, self.id)
    }
}

/// The validated rating that sets a current level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Validated {
    /// Row id of the rating.
    pub id: i64,
    /// Its level.
    pub level: u8,
    /// Its source.
    pub source: Source,
    /// When it was given, epoch milliseconds.
    pub at_ms: i64,
}

/// A person's current level on a node, with what it rests on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Current {
    /// The level that counts: the latest validated rating's, or 0 when there is none or it
    /// has expired.
    pub level: u8,
    /// The latest validated rating, expired or not.
    pub validated: Option<Validated>,
    /// True when the latest validated rating's validity period has passed.
    pub expired: bool,
    /// When the latest validated rating expires (or expired); `None` without a validity
    /// period or when the date lies beyond representable time.
    pub expires_at_ms: Option<i64>,
    /// The level of the latest pending self-rating made after the validated rating (after
    /// any rating, when there is no validated one), to show beside the current level.
    pub pending: Option<u8>,
}

impl Current {
    /// Days until the level expires, rounded up: positive while it is valid, 0 or negative
    /// once it has expired (minus the whole days since). `None` when it never expires or
    /// there is no validated rating.
    pub fn expires_in_days(&self, now_ms: i64) -> Option<i64> {
        days_until(self.expires_at_ms?, now_ms)
    }
}

/// Whole days from `now_ms` until `at_ms`, rounded up (0 or negative once passed).
pub fn days_until(at_ms: i64, now_ms: i64) -> Option<i64> {
    let left = i128::from(at_ms) - i128::from(now_ms);
    let day = i128::from(DAY_MS);
    let days = -((-left).div_euclid(day));
    i64::try_from(days).ok()
}

/// The current level from one person's ratings on one node (the caller filters by person
/// and node; see [`current_levels`] for many nodes at once).
///
/// The most recent validated rating wins, whatever its source (a later course award
/// supersedes an earlier manager rating and the other way round); ratings made in the same
/// millisecond are ordered by id. Ratings dated after `now_ms` are ignored, so passing a
/// past instant gives the level as it was then. With `validity_months` of `Some(n)`, n > 0,
/// the winning rating expires n calendar months after it was given (UTC, the day clamped to
/// the month's end: 31 January + 1 month is 28 or 29 February) and then counts as 0.
/// `Some(0)` means no validity period.
pub fn current_level(
    records: &[RatingRecord],
    validity_months: Option<u32>,
    now_ms: i64,
) -> Current {
    let past = || records.iter().filter(|r| r.at_ms <= now_ms);
    let latest = past()
        .filter(|r| r.is_validated())
        .max_by_key(|r| r.recency());
    let pending = past()
        .filter(|r| r.is_pending())
        .filter(|r| latest.is_none_or(|v| r.recency() > v.recency()))
        .max_by_key(|r| r.recency())
        .map(|r| r.level);
    let Some(v) = latest else {
        return Current {
            level: 0,
            validated: None,
            expired: false,
            expires_at_ms: None,
            pending,
        };
    };
    let expires_at_ms = match validity_months {
        Some(n) if n > 0 => add_months(v.at_ms, n),
        _ => None,
    };
    let expired = expires_at_ms.is_some_and(|at| now_ms >= at);
    Current {
        level: if expired { 0 } else { v.level },
        validated: Some(Validated {
            id: v.id,
            level: v.level,
            source: v.source,
            at_ms: v.at_ms,
        }),
        expired,
        expires_at_ms,
        pending,
    }
}

/// Current levels for every node that appears in `records` (one person's ratings), each
/// node with its own validity period from `validity_months`.
pub fn current_levels(
    records: &[RatingRecord],
    validity_months: impl Fn(NodeId) -> Option<u32>,
    now_ms: i64,
) -> BTreeMap<NodeId, Current> {
    let mut by_node: BTreeMap<NodeId, Vec<RatingRecord>> = BTreeMap::new();
    for r in records {
        by_node.entry(r.node).or_default().push(r.clone());
    }
    by_node
        .into_iter()
        .map(|(node, rs)| (node, current_level(&rs, validity_months(node), now_ms)))
        .collect()
}

/// The latest level each source gave (declined self-ratings left out; pending ones
/// included, as the person's own view), ordered by source, for [`disagreement`] and for
/// showing the views side by side. Ratings dated after `now_ms` are ignored.
pub fn latest_by_source(records: &[RatingRecord], now_ms: i64) -> Vec<(Source, u8)> {
    let mut latest: BTreeMap<Source, &RatingRecord> = BTreeMap::new();
    for r in records.iter().filter(|r| r.at_ms <= now_ms) {
        if r.source == Source::SelfRating && r.review == Some(Review::Declined) {
            continue;
        }
        let slot = latest.entry(r.source).or_insert(r);
        if r.recency() > slot.recency() {
            *slot = r;
        }
    }
    latest.into_iter().map(|(s, r)| (s, r.level)).collect()
}

/// The ratings that decide [`current_level`] and [`latest_by_source`] for one person, per
/// node: the latest validated rating, and each source's latest rating that is not a
/// declined self-rating. However long a person's history grows, a page reads only these
/// (at most six per node) and the rules give the same answers as on the whole history,
/// for ratings given up to now (a property test below checks it). The server's query
/// selects the same rows with the `current_level` aggregate and one index seek per source.
pub fn deciding(records: &[RatingRecord]) -> Vec<RatingRecord> {
    // Key: the node, and the source (`None`: the latest validated rating of any source).
    let mut keep: BTreeMap<(NodeId, Option<Source>), &RatingRecord> = BTreeMap::new();
    fn offer<'a>(
        keep: &mut BTreeMap<(NodeId, Option<Source>), &'a RatingRecord>,
        key: (NodeId, Option<Source>),
        r: &'a RatingRecord,
    ) {
        let slot = keep.entry(key).or_insert(r);
        if r.recency() > slot.recency() {
            *slot = r;
        }
    }
    for r in records {
        if r.is_validated() {
            offer(&mut keep, (r.node, None), r);
        }
        if !(r.source == Source::SelfRating && r.review == Some(Review::Declined)) {
            offer(&mut keep, (r.node, Some(r.source)), r);
        }
    }
    let mut out: Vec<RatingRecord> = Vec::new();
    for r in keep.into_values() {
        if !out.iter().any(|o| o.id == r.id) {
            out.push(r.clone());
        }
    }
    out
}

/// The gap for a requirement: `max(0, required - current)`.
pub fn gap(required: u8, current: u8) -> u8 {
    required.saturating_sub(current)
}

/// Weighted shortfall and weighted requirement: `(sum(w * gap), sum(w * required))`.
fn readiness_sums(requirements: &[(u8, u32, u8)]) -> (u64, u64) {
    requirements
        .iter()
        .fold((0u64, 0u64), |(short, total), &(req, w, cur)| {
            let w = u64::from(w);
            (
                short.saturating_add(w * u64::from(gap(req, cur))),
                total.saturating_add(w * u64::from(req)),
            )
        })
}

/// Readiness for a position from its requirements as `(required, weight, current)`:
/// `1 - sum(weight * gap) / sum(weight * required)`, between 0 and 1; 1 when nothing is
/// required (no requirements, or only zero weights or levels).
pub fn readiness(requirements: &[(u8, u32, u8)]) -> f64 {
    let (short, total) = readiness_sums(requirements);
    if total == 0 {
        return 1.0;
    }
    (1.0 - short as f64 / total as f64).clamp(0.0, 1.0)
}

/// Readiness as a whole percentage, rounded down (exact integer arithmetic), so that 100
/// means no weighted gap at all.
pub fn readiness_percent(requirements: &[(u8, u32, u8)]) -> u8 {
    let (short, total) = readiness_sums(requirements);
    if total == 0 {
        return 100;
    }
    let met = u128::from(total - short.min(total));
    let pct = met * 100 / u128::from(total);
    u8::try_from(pct).unwrap_or(100)
}

/// Readiness for display, e.g. `"67%"` (see [`readiness_percent`]).
pub fn readiness_text(requirements: &[(u8, u32, u8)]) -> String {
    format!("{}%", readiness_percent(requirements))
}

/// True when two different sources differ by 2 levels or more (for example a self-rating
/// of 4 against a manager rating of 2). Several levels from the same source are not
/// compared with each other.
pub fn disagreement(levels: &[(Source, u8)]) -> bool {
    levels.iter().any(|&(sa, la)| {
        levels
            .iter()
            .any(|&(sb, lb)| sa != sb && la >= lb.saturating_add(2))
    })
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub(crate) fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = i64::from((month + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date (year, month 1-12, day 1-31) of a day count since 1970-01-01.
pub(crate) fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    // Both are in range by construction (day 1..=31, month 1..=12).
    (year, month as u32, day as u32)
}

fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

pub(crate) fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// `at_ms` plus `months` calendar months in UTC, keeping the time of day and clamping the
/// day to the target month's length. `None` when the result does not fit in an `i64`.
pub fn add_months(at_ms: i64, months: u32) -> Option<i64> {
    let days = at_ms.div_euclid(DAY_MS);
    let time_of_day = at_ms.rem_euclid(DAY_MS);
    let (y, m, d) = civil_from_days(days);
    let index = y * 12 + i64::from(m - 1) + i64::from(months);
    let year = index.div_euclid(12);
    let month = u32::try_from(index.rem_euclid(12)).ok()? + 1;
    let day = d.min(days_in_month(year, month));
    days_from_civil(year, month, day)
        .checked_mul(DAY_MS)?
        .checked_add(time_of_day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Epoch milliseconds of a UTC date at noon.
    fn date(y: i64, m: u32, d: u32) -> i64 {
        days_from_civil(y, m, d) * DAY_MS + DAY_MS / 2
    }

    fn rec(id: i64, level: u8, source: Source, review: Option<Review>, at: i64) -> RatingRecord {
        RatingRecord {
            id,
            node: NodeId(7),
            level,
            source,
            review,
            at_ms: at,
        }
    }

    fn now() -> i64 {
        date(2025, 6, 1)
    }

    #[test]
    fn stored_values_round_trip() {
        for s in Source::ALL {
            assert_eq!(Source::parse(s.as_str()), Some(s));
            assert!(!s.label().is_empty());
        }
        for r in Review::ALL {
            assert_eq!(Review::parse(r.as_str()), Some(r));
        }
        assert_eq!(Source::parse(" manager "), Some(Source::Manager));
        assert_eq!(Source::parse("boss"), None);
        assert_eq!(Review::parse("maybe"), None);
    }

    #[test]
    fn no_ratings_is_level_zero() {
        let c = current_level(&[], Some(12), now());
        assert_eq!(c.level, 0);
        assert_eq!(c.validated, None);
        assert!(!c.expired);
        assert_eq!(c.expires_in_days(now()), None);
    }

    #[test]
    fn latest_validated_wins() {
        let rs = [
            rec(1, 2, Source::Manager, None, date(2024, 1, 1)),
            rec(2, 4, Source::Manager, None, date(2024, 6, 1)),
            rec(3, 3, Source::Import, None, date(2023, 1, 1)),
        ];
        let c = current_level(&rs, None, now());
        assert_eq!(c.level, 4);
        assert_eq!(c.validated.map(|v| v.id), Some(2));
        assert_eq!(c.pending, None);
    }

    #[test]
    fn ties_in_time_go_to_the_higher_id() {
        let t = date(2024, 3, 3);
        let rs = [
            rec(9, 1, Source::Manager, None, t),
            rec(4, 5, Source::Course, None, t),
        ];
        assert_eq!(current_level(&rs, None, now()).level, 1);
    }

    #[test]
    fn pending_self_rating_is_shown_but_does_not_count() {
        let rs = [
            rec(1, 2, Source::Manager, None, date(2024, 1, 1)),
            rec(
                2,
                4,
                Source::SelfRating,
                Some(Review::Pending),
                date(2024, 2, 1),
            ),
            rec(3, 5, Source::SelfRating, None, date(2024, 3, 1)),
        ];
        let c = current_level(&rs, None, now());
        assert_eq!(c.level, 2);
        assert_eq!(c.pending, Some(5));
        // A pending rating older than the validated one is not shown.
        let rs = [
            rec(
                1,
                4,
                Source::SelfRating,
                Some(Review::Pending),
                date(2024, 1, 1),
            ),
            rec(2, 2, Source::Manager, None, date(2024, 2, 1)),
        ];
        assert_eq!(current_level(&rs, None, now()).pending, None);
        // Without a validated rating the latest pending one is shown.
        let rs = [rec(
            1,
            3,
            Source::SelfRating,
            Some(Review::Pending),
            date(2024, 1, 1),
        )];
        let c = current_level(&rs, None, now());
        assert_eq!((c.level, c.pending), (0, Some(3)));
    }

    #[test]
    fn declined_self_rating_is_ignored_and_approved_counts() {
        let rs = [
            rec(1, 2, Source::Manager, None, date(2024, 1, 1)),
            rec(
                2,
                5,
                Source::SelfRating,
                Some(Review::Declined),
                date(2024, 2, 1),
            ),
        ];
        let c = current_level(&rs, None, now());
        assert_eq!((c.level, c.pending), (2, None));
        let rs = [
            rec(1, 2, Source::Manager, None, date(2024, 1, 1)),
            rec(
                2,
                3,
                Source::SelfRating,
                Some(Review::Approved),
                date(2024, 2, 1),
            ),
        ];
        let c = current_level(&rs, None, now());
        assert_eq!(c.level, 3);
        assert_eq!(c.validated.map(|v| v.source), Some(Source::SelfRating));
    }

    #[test]
    fn peer_ratings_never_count() {
        let rs = [
            rec(1, 1, Source::Manager, None, date(2024, 1, 1)),
            rec(2, 5, Source::Peer, None, date(2024, 2, 1)),
            rec(3, 5, Source::Peer, Some(Review::Approved), date(2024, 3, 1)),
        ];
        let c = current_level(&rs, None, now());
        assert_eq!(c.level, 1);
        assert_eq!(c.validated.map(|v| v.id), Some(1));
    }

    #[test]
    fn later_course_award_supersedes_manager_rating_and_vice_versa() {
        let manager = rec(1, 2, Source::Manager, None, date(2024, 1, 1));
        let course = rec(2, 4, Source::Course, None, date(2024, 2, 1));
        assert_eq!(
            current_level(&[manager.clone(), course.clone()], None, now()).level,
            4
        );
        let later_manager = rec(3, 3, Source::Manager, None, date(2024, 3, 1));
        assert_eq!(
            current_level(&[course, manager, later_manager], None, now()).level,
            3
        );
    }

    #[test]
    fn future_ratings_are_ignored() {
        let rs = [
            rec(1, 2, Source::Manager, None, date(2024, 1, 1)),
            rec(2, 5, Source::Manager, None, date(2030, 1, 1)),
        ];
        assert_eq!(current_level(&rs, None, now()).level, 2);
        assert_eq!(current_level(&rs, None, date(2031, 1, 1)).level, 5);
    }

    #[test]
    fn validity_period_expires_a_level() {
        let rs = [rec(1, 3, Source::Course, None, date(2024, 3, 15))];
        let before = date(2025, 3, 14);
        let c = current_level(&rs, Some(12), before);
        assert_eq!((c.level, c.expired), (3, false));
        assert_eq!(c.expires_at_ms, Some(date(2025, 3, 15)));
        assert_eq!(c.expires_in_days(before), Some(1));
        assert_eq!(c.expires_in_days(before + 1), Some(1));
        let c = current_level(&rs, Some(12), date(2025, 3, 15));
        assert_eq!((c.level, c.expired), (0, true));
        assert_eq!(c.validated.map(|v| v.level), Some(3));
        assert_eq!(c.expires_in_days(date(2025, 3, 15)), Some(0));
        assert_eq!(c.expires_in_days(date(2025, 3, 25)), Some(-10));
        // No period, or a zero period, never expires.
        assert!(!current_level(&rs, None, date(2090, 1, 1)).expired);
        assert!(!current_level(&rs, Some(0), date(2090, 1, 1)).expired);
        // A fresh rating restarts the clock.
        let rs = [
            rec(1, 3, Source::Course, None, date(2020, 1, 1)),
            rec(2, 2, Source::Manager, None, date(2025, 1, 1)),
        ];
        let c = current_level(&rs, Some(12), now());
        assert_eq!((c.level, c.expired), (2, false));
    }

    #[test]
    fn month_arithmetic_clamps_to_the_month_end() {
        let jan31 = date(2024, 1, 31);
        assert_eq!(add_months(jan31, 1), Some(date(2024, 2, 29)));
        assert_eq!(add_months(date(2023, 1, 31), 1), Some(date(2023, 2, 28)));
        assert_eq!(add_months(date(2024, 3, 31), 1), Some(date(2024, 4, 30)));
        assert_eq!(add_months(date(2024, 2, 29), 12), Some(date(2025, 2, 28)));
        assert_eq!(add_months(date(2024, 2, 29), 48), Some(date(2028, 2, 29)));
        assert_eq!(add_months(date(2024, 11, 30), 3), Some(date(2025, 2, 28)));
        assert_eq!(add_months(date(1969, 12, 31), 2), Some(date(1970, 2, 28)));
        assert_eq!(add_months(date(1900, 1, 31), 1), Some(date(1900, 2, 28)));
        assert_eq!(add_months(date(2000, 1, 31), 1), Some(date(2000, 2, 29)));
        // The time of day is kept, including just before midnight and before 1970.
        let late = days_from_civil(2024, 1, 31) * DAY_MS + DAY_MS - 1;
        assert_eq!(
            add_months(late, 1),
            Some(days_from_civil(2024, 2, 29) * DAY_MS + DAY_MS - 1)
        );
        assert_eq!(add_months(-1, 1), Some(31 * DAY_MS - 1));
        assert_eq!(add_months(i64::MAX - DAY_MS, u32::MAX), None);
        assert!(add_months(i64::MIN, 1).is_some());
        // An expired month-end award.
        let rs = [rec(1, 2, Source::Manager, None, jan31)];
        assert!(!current_level(&rs, Some(1), date(2024, 2, 28)).expired);
        assert!(current_level(&rs, Some(1), date(2024, 2, 29)).expired);
    }

    #[test]
    fn gaps_and_readiness() {
        assert_eq!(gap(3, 1), 2);
        assert_eq!(gap(2, 4), 0);
        assert_eq!(readiness(&[]), 1.0);
        assert_eq!(readiness_text(&[]), "100%");
        assert_eq!(readiness(&[(0, 5, 0)]), 1.0);
        // Weighted: 1 - (2*1 + 1*0) / (2*3 + 1*2) = 0.75.
        let reqs = [(3, 2, 2), (2, 1, 4)];
        assert!((readiness(&reqs) - 0.75).abs() < 1e-12);
        assert_eq!(readiness_text(&reqs), "75%");
        // Rounded down, so a small gap never shows as 100%.
        let reqs = [(1, 1, 0), (5, 200, 5)];
        assert_eq!(readiness_percent(&reqs), 99);
        assert_eq!(readiness_text(&[(3, 1, 0)]), "0%");
        assert_eq!(readiness_text(&[(3, 1, 1)]), "33%");
        assert_eq!(readiness(&[(3, 1, 0)]), 0.0);
    }

    #[test]
    fn disagreement_needs_two_levels_between_different_sources() {
        assert!(!disagreement(&[]));
        assert!(!disagreement(&[(Source::Manager, 4)]));
        assert!(!disagreement(&[
            (Source::SelfRating, 3),
            (Source::Manager, 2)
        ]));
        assert!(disagreement(&[
            (Source::SelfRating, 4),
            (Source::Manager, 2)
        ]));
        assert!(disagreement(&[(Source::Manager, 1), (Source::Peer, 5)]));
        assert!(!disagreement(&[(Source::Peer, 1), (Source::Peer, 5)]));
    }

    #[test]
    fn latest_view_per_source() {
        let rs = [
            rec(1, 2, Source::Manager, None, date(2024, 1, 1)),
            rec(2, 3, Source::Manager, None, date(2024, 2, 1)),
            rec(
                3,
                5,
                Source::SelfRating,
                Some(Review::Declined),
                date(2024, 3, 1),
            ),
            rec(4, 4, Source::SelfRating, None, date(2024, 1, 1)),
            rec(5, 1, Source::Peer, None, date(2030, 1, 1)),
        ];
        let views = latest_by_source(&rs, now());
        assert_eq!(views, vec![(Source::SelfRating, 4), (Source::Manager, 3)]);
        assert!(!disagreement(&views));
    }

    #[test]
    fn current_levels_per_node() {
        let mut a = rec(1, 2, Source::Manager, None, date(2020, 1, 1));
        a.node = NodeId(1);
        let mut b = rec(2, 3, Source::Manager, None, date(2020, 1, 1));
        b.node = NodeId(2);
        let all = current_levels(&[a, b], |n| (n == NodeId(1)).then_some(12), now());
        assert_eq!(all.len(), 2);
        assert_eq!(all[&NodeId(1)].level, 0);
        assert!(all[&NodeId(1)].expired);
        assert_eq!(all[&NodeId(2)].level, 3);
    }

    fn source() -> impl Strategy<Value = Source> {
        prop::sample::select(Source::ALL.to_vec())
    }

    fn review() -> impl Strategy<Value = Option<Review>> {
        prop::option::of(prop::sample::select(Review::ALL.to_vec()))
    }

    fn record() -> impl Strategy<Value = RatingRecord> {
        (0i64..50, 0u8..=10, source(), review(), 0i64..(40 * DAY_MS)).prop_map(
            |(id, level, source, review, at_ms)| RatingRecord {
                id,
                node: NodeId(1),
                level,
                source,
                review,
                at_ms,
            },
        )
    }

    proptest! {
        #[test]
        fn readiness_is_between_zero_and_one(
            reqs in prop::collection::vec((0u8..=10, 0u32..1000, 0u8..=10), 0..30)
        ) {
            let r = readiness(&reqs);
            prop_assert!((0.0..=1.0).contains(&r));
            let pct = readiness_percent(&reqs);
            prop_assert!(pct <= 100);
            prop_assert!(f64::from(pct) <= r * 100.0 + 1e-9);
            prop_assert!(r * 100.0 < f64::from(pct) + 1.0 + 1e-9);
        }

        #[test]
        fn current_level_comes_from_a_validated_record(
            rs in prop::collection::vec(record(), 0..20),
            validity in prop::option::of(0u32..3),
            now in 0i64..(60 * DAY_MS),
        ) {
            let c = current_level(&rs, validity, now);
            match c.validated {
                None => prop_assert_eq!(c.level, 0),
                Some(v) => {
                    let r = rs.iter().find(|r| r.id == v.id && r.at_ms == v.at_ms && r.level == v.level && r.source == v.source);
                    prop_assert!(r.is_some_and(|r| r.is_validated() && r.at_ms <= now));
                    prop_assert_eq!(c.level, if c.expired { 0 } else { v.level });
                    // Nothing validated is newer.
                    prop_assert!(!rs.iter().any(|r| r.is_validated() && r.at_ms <= now && (r.at_ms, r.id) > (v.at_ms, v.id)));
                }
            }
            if c.level > 0 {
                prop_assert!(rs.iter().any(|r| r.is_validated() && r.level == c.level));
            }
        }

        #[test]
        fn a_pending_rating_never_changes_the_current_level(
            rs in prop::collection::vec(record(), 0..20),
            extra in record(),
            review in prop::sample::select(vec![None, Some(Review::Pending), Some(Review::Declined)]),
            peer in any::<bool>(),
            validity in prop::option::of(0u32..3),
            now in 0i64..(60 * DAY_MS),
        ) {
            let before = current_level(&rs, validity, now);
            let mut more = rs.clone();
            more.push(RatingRecord {
                source: if peer { Source::Peer } else { Source::SelfRating },
                review,
                ..extra
            });
            let after = current_level(&more, validity, now);
            prop_assert_eq!(before.level, after.level);
            prop_assert_eq!(before.validated, after.validated);
            prop_assert_eq!(before.expired, after.expired);
        }

        #[test]
        fn the_deciding_ratings_decide_like_the_whole_history(
            rs in prop::collection::vec((record(), 1i64..4), 0..40),
            validity in prop::option::of(0u32..3),
            later in 0i64..(30 * DAY_MS),
        ) {
            // Unique ids as in the database, three nodes, and "now" after every rating.
            let rs: Vec<RatingRecord> = rs
                .into_iter()
                .enumerate()
                .map(|(i, (r, node))| RatingRecord { id: i64::try_from(i).unwrap_or(0), node: NodeId(node), ..r })
                .collect();
            let now = 40 * DAY_MS + later;
            let few = deciding(&rs);
            prop_assert!(few.len() <= 3 * 6);
            prop_assert!(few.iter().all(|f| rs.contains(f)));
            for node in 1..4 {
                let on = |set: &[RatingRecord]| -> Vec<RatingRecord> {
                    set.iter().filter(|r| r.node == NodeId(node)).cloned().collect()
                };
                let (few, all) = (on(&few), on(&rs));
                prop_assert_eq!(current_level(&few, validity, now), current_level(&all, validity, now));
                prop_assert_eq!(latest_by_source(&few, now), latest_by_source(&all, now));
            }
        }

        #[test]
        fn calendar_round_trip(days in -1_000_000i64..1_000_000) {
            let (y, m, d) = civil_from_days(days);
            prop_assert!((1..=12).contains(&m));
            prop_assert!(d >= 1 && d <= days_in_month(y, m));
            prop_assert_eq!(days_from_civil(y, m, d), days);
        }

        #[test]
        fn adding_months_moves_forward_and_keeps_the_day_when_it_can(
            at in -10_000_000_000_000i64..10_000_000_000_000,
            months in 0u32..600,
        ) {
            let later = add_months(at, months);
            prop_assert!(later.is_some_and(|l| l >= at));
            let later = later.unwrap_or_default();
            prop_assert_eq!(later.rem_euclid(DAY_MS), at.rem_euclid(DAY_MS));
            let (y, m, d) = civil_from_days(at.div_euclid(DAY_MS));
            let (y2, m2, d2) = civil_from_days(later.div_euclid(DAY_MS));
            prop_assert_eq!(y2 * 12 + i64::from(m2), y * 12 + i64::from(m) + i64::from(months));
            prop_assert_eq!(d2, d.min(days_in_month(y2, m2)));
        }
    }
}

//! "Close my gap": choose learning activities that together cover a person's gaps at the
//! least total duration.
//!
//! An activity covers a gap when it provides the gap's node at the required level or
//! higher. The plan covers every gap that some activity can cover and lists the rest. Among
//! all sets of activities that do so it prefers, in this order: the least total duration,
//! the least total cost (an activity without a cost counts as free), the fewest activities,
//! and finally the lexicographically smallest sorted list of activity ids, so that the same
//! input always gives the same plan.
//!
//! The search first drops activities that cover no gap and activities that another one
//! dominates (covers at least the same gaps, takes no longer and costs no more; between
//! equals the lower id stays). With at most [`EXACT_LIMIT`] activities left it runs an
//! exact branch and bound; above that it runs a greedy weighted set cover (least duration
//! per newly covered gap) followed by a pass that drops activities the others make
//! redundant. The exact search starts from the greedy plan, so it is never worse, and
//! stops after [`NODE_BUDGET`] search nodes with the best plan found so far.
//!
//! Everything is deterministic: the result does not depend on the order of the gaps or
//! (with unique ids) of the activities.

use super::ids::NodeId;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::collections::{BTreeMap, HashSet};

/// Most useful (covering, undominated) activities for which the plan is searched exactly.
pub const EXACT_LIMIT: usize = 25;

// The exact search keeps its banned candidates in a `u64`.
const _: () = assert!(EXACT_LIMIT <= 64);

/// Most search nodes the exact search visits before settling for the best plan found so
/// far (then the plan is marked not exact). A node costs well under a microsecond, so this
/// keeps even adversarial input to a few milliseconds; random catalogues at the limit
/// need fewer than a thousand.
pub const NODE_BUDGET: u64 = 10_000;

/// A gap to close: the level a requirement (or goal) asks for and the current level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Gap {
    /// The node.
    pub node: NodeId,
    /// The level required.
    pub required: u8,
    /// The person's current level.
    pub current: u8,
}

impl Gap {
    /// Whether there is anything to close (`required > current`).
    pub fn is_open(&self) -> bool {
        self.required > self.current
    }
}

/// A learning activity (course) from the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Activity {
    /// Catalogue id; ids are expected to be unique (a repeated id is ignored after its
    /// first occurrence).
    pub id: i64,
    /// Title, for display.
    pub title: String,
    /// How long it takes.
    pub duration_minutes: u32,
    /// What it costs; `None` counts as free.
    pub cost_cents: Option<u64>,
    /// The levels it awards on completion, as `(node, level)`.
    pub provides: Vec<(NodeId, u8)>,
}

impl Activity {
    /// Whether completing this activity closes `gap`: it provides the node at the required
    /// level or higher (and the gap is open).
    pub fn covers(&self, gap: &Gap) -> bool {
        gap.is_open()
            && self
                .provides
                .iter()
                .any(|&(n, l)| n == gap.node && l >= gap.required)
    }
}

/// One activity of a plan and the gaps it is credited with closing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Chosen {
    /// The activity's id.
    pub activity: i64,
    /// Its title.
    pub title: String,
    /// Its duration.
    pub duration_minutes: u32,
    /// Its cost.
    pub cost_cents: Option<u64>,
    /// The gaps credited to it, by node id. A gap several chosen activities cover is
    /// credited to the first of them in the plan's order.
    pub closes: Vec<NodeId>,
}

/// The answer to "close my gap".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    /// The chosen activities, those covering the most gaps first, then by id. Every one
    /// closes at least one gap.
    pub chosen: Vec<Chosen>,
    /// Open gaps no activity in the catalogue covers, by node id.
    pub uncovered: Vec<NodeId>,
    /// Sum of the chosen activities' durations.
    pub total_minutes: u64,
    /// Sum of the chosen activities' costs (free ones count 0).
    pub total_cost_cents: u64,
    /// True when the plan is proven optimal (exact search, finished within its budget);
    /// false for the greedy approximation.
    pub exact: bool,
}

/// Chooses activities covering every coverable open gap at the least total duration (see
/// the module documentation for tie-breaking). Gaps are merged by node (the highest
/// required level among open entries counts); closed gaps (`required <= current`) are
/// ignored.
pub fn close_gaps(gaps: &[Gap], activities: &[Activity]) -> Plan {
    plan(gaps, activities, Method::Auto)
}

/// Like [`close_gaps`] but always greedy, however few activities there are: a fast
/// approximation (never marked exact unless there is nothing to choose), for bulk reports.
pub fn close_gaps_greedy(gaps: &[Gap], activities: &[Activity]) -> Plan {
    plan(gaps, activities, Method::Greedy)
}

/// How to search.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Method {
    Auto,
    Greedy,
}

/// A fixed-width bit set over gap indices, as 64-bit words.
type Bits = Vec<u64>;

fn bits_empty(a: &[u64]) -> bool {
    a.iter().all(|&w| w == 0)
}

fn bits_and_count(a: &[u64], b: &[u64]) -> u32 {
    a.iter().zip(b).map(|(x, y)| (x & y).count_ones()).sum()
}

/// Whether `a` is a subset of `b`.
fn bits_subset(a: &[u64], b: &[u64]) -> bool {
    a.iter().zip(b).all(|(x, y)| x & !y == 0)
}

fn bits_andnot(a: &[u64], b: &[u64]) -> Bits {
    a.iter().zip(b).map(|(x, y)| x & !y).collect()
}

fn bits_has(a: &[u64], i: usize) -> bool {
    a.get(i / 64).is_some_and(|w| w >> (i % 64) & 1 == 1)
}

fn bits_set(a: &mut [u64], i: usize) {
    if let Some(w) = a.get_mut(i / 64) {
        *w |= 1 << (i % 64);
    }
}

/// Indices of the set bits, ascending.
fn bits_iter(a: &[u64]) -> impl Iterator<Item = usize> + '_ {
    a.iter().enumerate().flat_map(|(wi, &w)| {
        let mut w = w;
        std::iter::from_fn(move || {
            if w == 0 {
                return None;
            }
            let b = w.trailing_zeros() as usize;
            w &= w - 1;
            Some(wi * 64 + b)
        })
    })
}

/// An activity as the search sees it.
#[derive(Debug, Clone)]
struct Cand {
    /// Index into the caller's activities.
    index: usize,
    id: i64,
    minutes: u64,
    cost: u64,
    cover: Bits,
}

/// What the search minimises, in order.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Key {
    minutes: u64,
    cost: u64,
    count: usize,
    ids: Vec<i64>,
}

fn key_of(cands: &[Cand], chosen: &[usize]) -> Key {
    let mut ids: Vec<i64> = chosen
        .iter()
        .filter_map(|&c| cands.get(c))
        .map(|c| c.id)
        .collect();
    ids.sort_unstable();
    Key {
        minutes: chosen
            .iter()
            .filter_map(|&c| cands.get(c))
            .fold(0u64, |s, c| s.saturating_add(c.minutes)),
        cost: chosen
            .iter()
            .filter_map(|&c| cands.get(c))
            .fold(0u64, |s, c| s.saturating_add(c.cost)),
        count: chosen.len(),
        ids,
    }
}

/// Open gaps merged by node, ascending: `(node, required)`.
fn open_gaps(gaps: &[Gap]) -> Vec<(NodeId, u8)> {
    let mut need: BTreeMap<NodeId, u8> = BTreeMap::new();
    for g in gaps.iter().filter(|g| g.is_open()) {
        let r = need.entry(g.node).or_insert(g.required);
        *r = (*r).max(g.required);
    }
    need.into_iter().collect()
}

/// Every activity (first occurrence of each id) that covers at least one gap, with its
/// coverage.
fn candidates(need: &[(NodeId, u8)], activities: &[Activity]) -> Vec<Cand> {
    let words = need.len().div_ceil(64);
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for (index, a) in activities.iter().enumerate() {
        if !seen.insert(a.id) {
            continue;
        }
        let mut cover = vec![0u64; words];
        for &(node, level) in &a.provides {
            if let Ok(g) = need.binary_search_by_key(&node, |&(n, _)| n) {
                if need.get(g).is_some_and(|&(_, req)| level >= req) {
                    bits_set(&mut cover, g);
                }
            }
        }
        if !bits_empty(&cover) {
            out.push(Cand {
                index,
                id: a.id,
                minutes: u64::from(a.duration_minutes),
                cost: a.cost_cents.unwrap_or(0),
                cover,
            });
        }
    }
    out
}

/// Drops dominated candidates and returns the rest ordered by (minutes, cost, id).
///
/// `k` dominates `c` when it covers every gap `c` covers, takes no longer, costs no more,
/// and is strictly better in duration or cost or else has the lower id. Swapping a
/// dominated activity for its dominator never makes a plan worse under [`Key`], and the
/// relation is a strict order, so every dominated candidate has an undominated dominator
/// and removing all of them keeps the optimum. In (minutes, cost, id) order a dominator
/// always comes first, so comparing with the kept ones suffices.
fn undominated(mut cands: Vec<Cand>, gaps: usize) -> Vec<Cand> {
    cands.sort_by_key(|c| (c.minutes, c.cost, c.id));
    let mut kept: Vec<Cand> = Vec::new();
    // For each gap, the kept candidates covering it: a dominator covers every gap `c`
    // covers, so only the shortest of these lists needs scanning.
    let mut by_gap: Vec<Vec<usize>> = vec![Vec::new(); gaps];
    for c in cands {
        let pool = bits_iter(&c.cover)
            .filter_map(|g| by_gap.get(g))
            .min_by_key(|v| v.len());
        let dominated = pool.is_some_and(|p| {
            p.iter()
                .filter_map(|&k| kept.get(k))
                .any(|k| k.cost <= c.cost && bits_subset(&c.cover, &k.cover))
        });
        if !dominated {
            for g in bits_iter(&c.cover) {
                if let Some(v) = by_gap.get_mut(g) {
                    v.push(kept.len());
                }
            }
            kept.push(c);
        }
    }
    kept
}

/// Whether candidate `a` (covering `na` new gaps) is a better greedy pick than `b`
/// (covering `nb`): less duration per new gap, then less cost per new gap, then more new
/// gaps, then the lower id.
fn greedy_better(a: &Cand, na: u32, b: &Cand, nb: u32) -> bool {
    let (na, nb) = (u128::from(na), u128::from(nb));
    let by_minutes = (u128::from(a.minutes) * nb).cmp(&(u128::from(b.minutes) * na));
    let by_cost = (u128::from(a.cost) * nb).cmp(&(u128::from(b.cost) * na));
    by_minutes
        .then(by_cost)
        .then(nb.cmp(&na))
        .then(a.id.cmp(&b.id))
        == Ordering::Less
}

/// Greedy weighted set cover of `target`, then redundant picks removed.
fn greedy(cands: &[Cand], target: &[u64]) -> Vec<usize> {
    let mut left = target.to_vec();
    let mut used = vec![false; cands.len()];
    let mut chosen = Vec::new();
    while !bits_empty(&left) {
        let mut best: Option<(usize, u32)> = None;
        for (i, c) in cands.iter().enumerate() {
            if used.get(i).copied().unwrap_or(true) {
                continue;
            }
            let n = bits_and_count(&c.cover, &left);
            if n == 0 {
                continue;
            }
            let better = match best {
                None => true,
                Some((b, nb)) => cands.get(b).is_some_and(|b| greedy_better(c, n, b, nb)),
            };
            if better {
                best = Some((i, n));
            }
        }
        let Some((b, _)) = best else { break };
        if let Some(u) = used.get_mut(b) {
            *u = true;
        }
        chosen.push(b);
        if let Some(c) = cands.get(b) {
            left = bits_andnot(&left, &c.cover);
        }
    }
    drop_redundant(cands, chosen, target)
}

/// Removes chosen candidates whose gaps the others cover too, trying the longest (then
/// costliest, then highest id) first.
fn drop_redundant(cands: &[Cand], mut chosen: Vec<usize>, target: &[u64]) -> Vec<usize> {
    let gaps = target.len() * 64;
    let mut count = vec![0u32; gaps];
    for c in chosen.iter().filter_map(|&c| cands.get(c)) {
        for g in bits_iter(&c.cover) {
            if let Some(n) = count.get_mut(g) {
                *n += 1;
            }
        }
    }
    let mut order = chosen.clone();
    order.sort_by_key(|&i| {
        cands
            .get(i)
            .map(|c| std::cmp::Reverse((c.minutes, c.cost, c.id)))
    });
    for i in order {
        let Some(c) = cands.get(i) else { continue };
        let redundant = bits_iter(&c.cover)
            .filter(|&g| bits_has(target, g))
            .all(|g| count.get(g).is_some_and(|&n| n >= 2));
        if redundant {
            for g in bits_iter(&c.cover) {
                if let Some(n) = count.get_mut(g) {
                    *n -= 1;
                }
            }
            chosen.retain(|&x| x != i);
        }
    }
    chosen
}

/// Scale for the fractional lower bound, divisible by 1..=16 so common shares are exact.
const SHARE_SCALE: u64 = 720_720;

/// Exact branch and bound over at most [`EXACT_LIMIT`] candidates (sorted by minutes, cost,
/// id). Branches on the uncovered gap with the fewest remaining options; in the branch for
/// its k-th option the earlier options are banned, so every set of activities is reached
/// at most once. Bounds: the largest cheapest option of any uncovered gap, and the sum
/// over uncovered gaps of the least duration per newly covered gap.
struct Search<'a> {
    cands: &'a [Cand],
    /// For each gap, the candidates covering it, ascending.
    options: Vec<Vec<usize>>,
    chosen: Vec<usize>,
    minutes: u64,
    cost: u64,
    best: Key,
    best_set: Vec<usize>,
    nodes: u64,
    budget: u64,
    complete: bool,
}

impl Search<'_> {
    fn run(&mut self, left: &[u64], banned: u64) {
        self.nodes += 1;
        if self.nodes > self.budget {
            self.complete = false;
            return;
        }
        if bits_empty(left) {
            let key = key_of(self.cands, &self.chosen);
            if key < self.best {
                self.best = key;
                self.best_set = self.chosen.clone();
            }
            return;
        }
        if self.minutes > self.best.minutes {
            return;
        }
        let fresh: Vec<u32> = self
            .cands
            .iter()
            .enumerate()
            .map(|(i, c)| {
                if banned >> i & 1 == 1 {
                    0
                } else {
                    bits_and_count(&c.cover, left)
                }
            })
            .collect();
        let mut single = 0u64;
        let mut shares = 0u64;
        let mut branch: Option<(usize, usize)> = None;
        for g in bits_iter(left) {
            let mut n_opts = 0usize;
            let mut cheapest = u64::MAX;
            let mut share = u64::MAX;
            for &c in self.options.get(g).map_or(&[][..], Vec::as_slice) {
                let n = fresh.get(c).copied().unwrap_or(0);
                let Some(cand) = self.cands.get(c) else {
                    continue;
                };
                if n == 0 {
                    continue;
                }
                n_opts += 1;
                cheapest = cheapest.min(cand.minutes);
                share = share.min(cand.minutes.saturating_mul(SHARE_SCALE) / u64::from(n));
            }
            if n_opts == 0 {
                return;
            }
            single = single.max(cheapest);
            shares = shares.saturating_add(share);
            if branch.is_none_or(|(_, best_n)| n_opts < best_n) {
                branch = Some((g, n_opts));
            }
        }
        let room = self.best.minutes - self.minutes;
        if single > room || shares > room.saturating_mul(SHARE_SCALE) {
            return;
        }
        // Every completion takes at least `room` more minutes: it can only tie on duration,
        // and then it must cost less, or as much with fewer activities (it needs at least
        // one more).
        let must_tie = single == room || shares == room.saturating_mul(SHARE_SCALE);
        if must_tie
            && (self.cost > self.best.cost
                || (self.cost == self.best.cost && self.chosen.len() >= self.best.count))
        {
            return;
        }
        let Some((g, _)) = branch else { return };
        let options: Vec<usize> = self
            .options
            .get(g)
            .map_or(&[][..], Vec::as_slice)
            .iter()
            .copied()
            .filter(|&c| fresh.get(c).is_some_and(|&n| n > 0))
            .collect();
        let mut banned = banned;
        for c in options {
            let Some(cand) = self.cands.get(c) else {
                continue;
            };
            let next = bits_andnot(left, &cand.cover);
            self.chosen.push(c);
            self.minutes += cand.minutes;
            self.cost = self.cost.saturating_add(cand.cost);
            self.run(&next, banned);
            self.chosen.pop();
            self.minutes -= cand.minutes;
            self.cost = self.cost.saturating_sub(cand.cost);
            banned |= 1 << c;
        }
    }
}

/// Exact search seeded with `start` (a cover of `target`), visiting at most `budget`
/// nodes; returns the best cover found and whether the search finished.
fn exact(cands: &[Cand], target: &[u64], start: Vec<usize>, budget: u64) -> (Vec<usize>, bool) {
    let gaps = target.len() * 64;
    let mut options = vec![Vec::new(); gaps];
    for (i, c) in cands.iter().enumerate() {
        for g in bits_iter(&c.cover) {
            if let Some(o) = options.get_mut(g) {
                o.push(i);
            }
        }
    }
    let mut search = Search {
        cands,
        options,
        chosen: Vec::new(),
        minutes: 0,
        cost: 0,
        best: key_of(cands, &start),
        best_set: start,
        nodes: 0,
        budget,
        complete: true,
    };
    search.run(target, 0);
    (search.best_set, search.complete)
}

fn plan(gaps: &[Gap], activities: &[Activity], method: Method) -> Plan {
    let need = open_gaps(gaps);
    let cands = undominated(candidates(&need, activities), need.len());
    let words = need.len().div_ceil(64);
    let mut target = vec![0u64; words];
    for c in &cands {
        for (t, w) in target.iter_mut().zip(&c.cover) {
            *t |= w;
        }
    }
    let start = greedy(&cands, &target);
    let (set, is_exact) = if method == Method::Auto && cands.len() <= EXACT_LIMIT {
        exact(&cands, &target, start, NODE_BUDGET)
    } else {
        (start, cands.is_empty())
    };
    let mut picked: Vec<&Cand> = set.iter().filter_map(|&i| cands.get(i)).collect();
    picked.sort_by_key(|c| (std::cmp::Reverse(bits_and_count(&c.cover, &target)), c.id));
    let mut left = target.clone();
    let mut chosen = Vec::with_capacity(picked.len());
    let (mut total_minutes, mut total_cost_cents) = (0u64, 0u64);
    for c in picked {
        let closes: Vec<NodeId> = bits_iter(&c.cover)
            .filter(|&g| bits_has(&left, g))
            .filter_map(|g| need.get(g).map(|&(n, _)| n))
            .collect();
        left = bits_andnot(&left, &c.cover);
        total_minutes = total_minutes.saturating_add(c.minutes);
        total_cost_cents = total_cost_cents.saturating_add(c.cost);
        let Some(a) = activities.get(c.index) else {
            continue;
        };
        chosen.push(Chosen {
            activity: a.id,
            title: a.title.clone(),
            duration_minutes: a.duration_minutes,
            cost_cents: a.cost_cents,
            closes,
        });
    }
    let uncovered = need
        .iter()
        .enumerate()
        .filter(|&(g, _)| !bits_has(&target, g))
        .map(|(_, &(n, _))| n)
        .collect();
    Plan {
        chosen,
        uncovered,
        total_minutes,
        total_cost_cents,
        exact: is_exact,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn gap(node: i64, required: u8, current: u8) -> Gap {
        Gap {
            node: NodeId(node),
            required,
            current,
        }
    }

    /// Six gaps where greedy takes the course with the least time per gap first and then
    /// needs two more, while two courses cover them all.
    fn greedy_trap() -> (Vec<Gap>, Vec<Activity>) {
        let gaps = (1..=6).map(|n| gap(n, 1, 0)).collect();
        let acts = vec![
            act(1, 100, None, &[(1, 1), (2, 1), (3, 1), (4, 1)]),
            act(2, 90, None, &[(1, 1), (2, 1), (5, 1)]),
            act(3, 90, None, &[(3, 1), (4, 1), (6, 1)]),
            act(4, 80, None, &[(5, 1)]),
            act(5, 80, None, &[(6, 1)]),
        ];
        (gaps, acts)
    }

    fn act(id: i64, minutes: u32, cost: Option<u64>, provides: &[(i64, u8)]) -> Activity {
        Activity {
            id,
            title: format!("Course {id}"),
            duration_minutes: minutes,
            cost_cents: cost,
            provides: provides.iter().map(|&(n, l)| (NodeId(n), l)).collect(),
        }
    }

    fn ids(p: &Plan) -> Vec<i64> {
        let mut v: Vec<i64> = p.chosen.iter().map(|c| c.activity).collect();
        v.sort_unstable();
        v
    }

    #[test]
    fn nothing_to_close() {
        let p = close_gaps(&[gap(1, 2, 3)], &[act(1, 10, None, &[(1, 5)])]);
        assert!(p.chosen.is_empty() && p.uncovered.is_empty());
        assert_eq!((p.total_minutes, p.total_cost_cents), (0, 0));
        assert!(p.exact);
        let p = close_gaps(&[], &[]);
        assert!(p.chosen.is_empty() && p.exact);
    }

    #[test]
    fn uncovered_gaps_are_listed() {
        let gaps = [gap(1, 3, 0), gap(2, 2, 1), gap(3, 4, 0)];
        // Node 3 is only offered at too low a level.
        let acts = [act(1, 60, None, &[(1, 3)]), act(2, 60, None, &[(3, 3)])];
        let p = close_gaps(&gaps, &acts);
        assert_eq!(p.uncovered, vec![NodeId(2), NodeId(3)]);
        assert_eq!(ids(&p), vec![1]);
        assert_eq!(p.chosen[0].closes, vec![NodeId(1)]);
        assert_eq!(p.chosen[0].title, "Course 1");
    }

    #[test]
    fn one_long_course_beats_two_short_ones_only_when_shorter() {
        let gaps = [gap(1, 2, 0), gap(2, 2, 0)];
        let acts = [
            act(1, 50, None, &[(1, 2)]),
            act(2, 50, None, &[(2, 3)]),
            act(3, 90, None, &[(1, 2), (2, 2)]),
        ];
        let p = close_gaps(&gaps, &acts);
        assert_eq!(ids(&p), vec![3]);
        assert_eq!(p.total_minutes, 90);
        let acts = [
            act(1, 40, None, &[(1, 2)]),
            act(2, 40, None, &[(2, 3)]),
            act(3, 90, None, &[(1, 2), (2, 2)]),
        ];
        let p = close_gaps(&gaps, &acts);
        assert_eq!(ids(&p), vec![1, 2]);
        assert_eq!(p.total_minutes, 80);
        assert!(p.exact);
    }

    #[test]
    fn greedy_trap_is_solved_exactly() {
        // Greedy takes the course with the least time per gap first, then needs two more.
        let (gaps, acts) = greedy_trap();
        let p = close_gaps(&gaps, &acts);
        let g = close_gaps_greedy(&gaps, &acts);
        assert_eq!(p.total_minutes, 180);
        assert_eq!(ids(&p), vec![2, 3]);
        assert!(p.exact);
        assert_eq!(g.total_minutes, 260);
        assert_eq!(ids(&g), vec![1, 4, 5]);
        assert!(!g.exact);
    }

    #[test]
    fn ties_go_to_lower_cost_then_fewer_then_lower_ids() {
        let gaps = [gap(1, 1, 0)];
        let acts = [
            act(5, 30, Some(900), &[(1, 1)]),
            act(6, 30, Some(500), &[(1, 1)]),
            act(7, 30, Some(500), &[(1, 2)]),
        ];
        let p = close_gaps(&gaps, &acts);
        assert_eq!(ids(&p), vec![6]);
        assert_eq!(p.total_cost_cents, 500);
        // Free beats priced at equal duration; `None` is free.
        let acts = [act(2, 30, Some(1), &[(1, 1)]), act(3, 30, None, &[(1, 1)])];
        assert_eq!(ids(&close_gaps(&gaps, &acts)), vec![3]);
        // Fewer activities at equal duration and cost.
        let gaps = [gap(1, 1, 0), gap(2, 1, 0)];
        let acts = [
            act(1, 0, None, &[(1, 1)]),
            act(2, 0, None, &[(2, 1)]),
            act(3, 0, None, &[(1, 1), (2, 1)]),
        ];
        assert_eq!(ids(&close_gaps(&gaps, &acts)), vec![3]);
        // A dominating activity with a higher id does not hide a lower-id equal plan.
        let acts = [
            act(1, 10, None, &[(1, 1)]),
            act(2, 10, None, &[(2, 1)]),
            act(9, 10, None, &[(1, 1), (3, 1)]),
        ];
        assert_eq!(ids(&close_gaps(&gaps, &acts)), vec![1, 2]);
    }

    #[test]
    fn duplicate_gaps_take_the_highest_requirement_and_duplicate_ids_the_first() {
        let gaps = [gap(1, 2, 0), gap(1, 4, 1), gap(1, 9, 9)];
        let acts = [act(1, 10, None, &[(1, 3)]), act(2, 20, None, &[(1, 4)])];
        let p = close_gaps(&gaps, &acts);
        assert_eq!(ids(&p), vec![2]);
        assert_eq!(p.chosen[0].closes, vec![NodeId(1)]);
        let gaps = [gap(1, 2, 0)];
        let acts = [act(1, 10, None, &[(2, 3)]), act(1, 5, None, &[(1, 3)])];
        let p = close_gaps(&gaps, &acts);
        assert_eq!(p.uncovered, vec![NodeId(1)]);
    }

    #[test]
    fn each_gap_is_credited_to_the_first_chosen_covering_it() {
        let gaps: Vec<Gap> = (1..=4).map(|n| gap(n, 1, 0)).collect();
        let acts = [
            act(1, 10, None, &[(1, 1), (2, 1)]),
            act(2, 10, None, &[(2, 1), (3, 1), (4, 1)]),
        ];
        let p = close_gaps(&gaps, &acts);
        assert_eq!(p.chosen.len(), 2);
        assert_eq!(p.chosen[0].activity, 2);
        assert_eq!(p.chosen[0].closes, vec![NodeId(2), NodeId(3), NodeId(4)]);
        assert_eq!(p.chosen[1].closes, vec![NodeId(1)]);
    }

    #[test]
    fn many_gaps_use_more_than_one_word() {
        let gaps: Vec<Gap> = (0..150).map(|n| gap(n, 2, 0)).collect();
        let acts: Vec<Activity> = (0..10)
            .map(|k| {
                let provides: Vec<(i64, u8)> =
                    (0..150).filter(|n| n % 10 == k).map(|n| (n, 2)).collect();
                act(k, 30, None, &provides)
            })
            .chain(std::iter::once(act(99, 250, None, &[(0, 2), (149, 2)])))
            .collect();
        let p = close_gaps(&gaps, &acts);
        assert!(p.exact);
        assert!(p.uncovered.is_empty());
        assert_eq!(ids(&p), (0..10).collect::<Vec<_>>());
        assert_eq!(p.chosen.iter().map(|c| c.closes.len()).sum::<usize>(), 150);
    }

    #[test]
    fn an_exhausted_budget_keeps_the_best_cover_so_far() {
        let (gaps, acts) = greedy_trap();
        let need = open_gaps(&gaps);
        let cands = undominated(candidates(&need, &acts), need.len());
        let target = vec![0b11_1111u64];
        let start = greedy(&cands, &target);
        let (set, complete) = exact(&cands, &target, start.clone(), 1);
        assert!(!complete);
        assert_eq!(set, start);
        let (set, complete) = exact(&cands, &target, start.clone(), NODE_BUDGET);
        assert!(complete);
        assert!(key_of(&cands, &set) < key_of(&cands, &start));
    }

    #[test]
    fn big_catalogues_fall_back_to_greedy() {
        let (gaps, acts) = catalogue(2_000, 30, 1);
        let p = close_gaps(&gaps, &acts);
        assert!(!p.exact);
        check_plan(&gaps, &acts, &p).unwrap();
        assert_eq!(p, close_gaps(&gaps, &acts));
    }

    /// A deterministic pseudo-random catalogue (64-bit LCG) of `n` activities, each
    /// providing 1 to 4 levels, over `gaps` open gaps plus as many unrelated nodes.
    fn catalogue(n: usize, gaps: i64, seed: u64) -> (Vec<Gap>, Vec<Activity>) {
        catalogue_with(n, gaps, 4, seed)
    }

    /// Like [`catalogue`], each activity providing 1 to `width` levels.
    fn catalogue_with(n: usize, gaps: i64, width: u64, seed: u64) -> (Vec<Gap>, Vec<Activity>) {
        let mut s = seed;
        let mut next = move |m: u64| {
            s = s
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (s >> 33) % m
        };
        let gs: Vec<Gap> = (0..gaps)
            .map(|i| gap(i, 2 + next(3) as u8, next(2) as u8))
            .collect();
        let acts = (0..n)
            .map(|i| {
                let k = 1 + next(width);
                let provides: Vec<(i64, u8)> = (0..k)
                    .map(|_| (next(2 * gaps as u64) as i64, 1 + next(5) as u8))
                    .collect();
                let cost = (next(3) > 0).then(|| next(50_000));
                act(i as i64, 30 + 30 * next(40) as u32, cost, &provides)
            })
            .collect();
        (gs, acts)
    }

    /// Checks a plan's claims against the input.
    fn check_plan(gaps: &[Gap], acts: &[Activity], p: &Plan) -> Result<(), String> {
        let need = open_gaps(gaps);
        // Only the first activity with a given id counts.
        let mut seen = HashSet::new();
        let acts: Vec<&Activity> = acts.iter().filter(|a| seen.insert(a.id)).collect();
        let req = |n: NodeId| need.iter().find(|g| g.0 == n).map(|g| g.1);
        let mut credited = Vec::new();
        for c in &p.chosen {
            let a = acts
                .iter()
                .find(|a| a.id == c.activity)
                .ok_or("unknown activity")?;
            if c.closes.is_empty() {
                return Err(format!("{} closes nothing", c.activity));
            }
            for &n in &c.closes {
                let r = req(n).ok_or("not a gap")?;
                if !a.covers(&gap(n.0, r, 0)) {
                    return Err(format!("{} does not cover {n}", a.id));
                }
                credited.push(n);
            }
        }
        let coverable: Vec<NodeId> = need
            .iter()
            .filter(|&&(n, r)| acts.iter().any(|a| a.covers(&gap(n.0, r, 0))))
            .map(|g| g.0)
            .collect();
        let uncoverable: Vec<NodeId> = need
            .iter()
            .map(|g| g.0)
            .filter(|n| !coverable.contains(n))
            .collect();
        credited.sort_unstable();
        if credited != coverable {
            return Err(format!("credited {credited:?}, coverable {coverable:?}"));
        }
        if p.uncovered != uncoverable {
            return Err(format!("uncovered {:?} vs {uncoverable:?}", p.uncovered));
        }
        let minutes: u64 = p.chosen.iter().map(|c| u64::from(c.duration_minutes)).sum();
        let cost: u64 = p.chosen.iter().map(|c| c.cost_cents.unwrap_or(0)).sum();
        if (minutes, cost) != (p.total_minutes, p.total_cost_cents) {
            return Err("totals".into());
        }
        Ok(())
    }

    /// The optimum by enumerating every subset of the (deduplicated) activities.
    fn brute_force(gaps: &[Gap], acts: &[Activity]) -> Key {
        let need = open_gaps(gaps);
        let mut seen = HashSet::new();
        let acts: Vec<&Activity> = acts.iter().filter(|a| seen.insert(a.id)).collect();
        let covers = |a: &Activity, g: usize| a.covers(&gap(need[g].0 .0, need[g].1, 0));
        let coverable: Vec<usize> = (0..need.len())
            .filter(|&g| acts.iter().any(|a| covers(a, g)))
            .collect();
        let mut best: Option<Key> = None;
        for mask in 0u32..(1 << acts.len()) {
            let set: Vec<&Activity> = (0..acts.len())
                .filter(|i| mask >> i & 1 == 1)
                .map(|i| acts[i])
                .collect();
            if !coverable.iter().all(|&g| set.iter().any(|a| covers(a, g))) {
                continue;
            }
            let mut ids: Vec<i64> = set.iter().map(|a| a.id).collect();
            ids.sort_unstable();
            let key = Key {
                minutes: set.iter().map(|a| u64::from(a.duration_minutes)).sum(),
                cost: set.iter().map(|a| a.cost_cents.unwrap_or(0)).sum(),
                count: set.len(),
                ids,
            };
            if best.as_ref().is_none_or(|b| key < *b) {
                best = Some(key);
            }
        }
        best.unwrap_or(Key {
            minutes: 0,
            cost: 0,
            count: 0,
            ids: vec![],
        })
    }

    fn small_input() -> impl Strategy<Value = (Vec<Gap>, Vec<Activity>)> {
        let gaps = prop::collection::vec((0i64..10, 1u8..=4, 0u8..=3), 0..10).prop_map(|v| {
            v.into_iter()
                .map(|(n, r, c)| gap(n, r, c))
                .collect::<Vec<_>>()
        });
        let acts = prop::collection::vec(
            (
                0i64..14,
                prop::sample::select(vec![0u32, 30, 60, 60, 90, 120]),
                prop::option::of(prop::sample::select(vec![0u64, 100, 100, 250])),
                prop::collection::vec((0i64..10, 1u8..=4), 0..4),
            ),
            0..=12,
        )
        .prop_map(|v| {
            v.into_iter()
                .map(|(id, m, c, p)| act(id, m, c, &p))
                .collect::<Vec<_>>()
        });
        (gaps, acts)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn plans_are_sound((gaps, acts) in small_input()) {
            let p = close_gaps(&gaps, &acts);
            prop_assert_eq!(check_plan(&gaps, &acts, &p), Ok(()));
            let g = close_gaps_greedy(&gaps, &acts);
            prop_assert_eq!(check_plan(&gaps, &acts, &g), Ok(()));
        }

        #[test]
        fn exact_matches_brute_force_and_beats_greedy((gaps, acts) in small_input()) {
            let p = close_gaps(&gaps, &acts);
            prop_assert!(p.exact);
            let best = brute_force(&gaps, &acts);
            prop_assert_eq!(
                (p.total_minutes, p.total_cost_cents, ids(&p)),
                (best.minutes, best.cost, best.ids)
            );
            let g = close_gaps_greedy(&gaps, &acts);
            prop_assert!(p.total_minutes <= g.total_minutes);
        }

        #[test]
        fn plans_are_deterministic((gaps, acts) in small_input(), seed in any::<u64>()) {
            let p = close_gaps(&gaps, &acts);
            prop_assert_eq!(&p, &close_gaps(&gaps, &acts));
            // Input order does not matter (ids made unique, as the catalogue guarantees).
            let mut seen = HashSet::new();
            let mut unique: Vec<Activity> = acts.into_iter().filter(|a| seen.insert(a.id)).collect();
            let p = close_gaps(&gaps, &unique);
            let k = seed as usize % (unique.len() + 1);
            unique.rotate_left(k);
            unique.reverse();
            let mut gaps = gaps;
            gaps.reverse();
            prop_assert_eq!(p, close_gaps(&gaps, &unique));
        }

        #[test]
        fn large_catalogues_are_sound(seed in any::<u64>(), n in 20usize..300) {
            let (gaps, acts) = catalogue(n, 30, seed);
            let p = close_gaps(&gaps, &acts);
            prop_assert_eq!(check_plan(&gaps, &acts, &p), Ok(()));
            let g = close_gaps_greedy(&gaps, &acts);
            prop_assert!(p.total_minutes <= g.total_minutes);
        }
    }

    /// Times "close my gap" on a 2,000-activity catalogue with 30 gaps, and on a catalogue
    /// small enough for the exact search. Run with
    /// `cargo test --release -- --ignored --nocapture close_my_gap_timing`.
    #[test]
    #[ignore]
    fn close_my_gap_timing() {
        let cases = [
            (2_000, 30, 4, "2000 activities, 30 gaps"),
            (60, 30, 4, "60 activities, 30 gaps"),
            (25, 30, 12, "25 broad activities, 30 gaps"),
        ];
        for (n, gaps_n, width, label) in cases {
            let mut times = Vec::new();
            let mut exact = 0;
            for seed in 0..100u64 {
                let (gaps, acts) = catalogue_with(n, gaps_n, width, seed);
                // The fastest of five runs, to keep other processes' noise out.
                let mut fastest = std::time::Duration::MAX;
                let mut p = close_gaps(&gaps, &acts);
                for _ in 0..5 {
                    let t = std::time::Instant::now();
                    p = close_gaps(&gaps, &acts);
                    fastest = fastest.min(t.elapsed());
                }
                times.push(fastest);
                exact += usize::from(p.exact);
            }
            times.sort_unstable();
            println!(
                "{label}: median {:?}, 90th percentile {:?}, worst {:?} over {} catalogues \
                 ({exact} solved exactly)",
                times[times.len() / 2],
                times[times.len() * 9 / 10],
                times[times.len() - 1],
                times.len()
            );
        }
    }
}

//! `proficio bench-learning`: how long "close my gap" takes over a generated catalogue
//! (2,000 activities by default), for people with few and many gaps. The catalogue is
//! generated deterministically; the figures are the recommendation itself (the server adds
//! one indexed query for the candidate activities).

use app::domain::recommend::{close_gaps, Activity, Gap};
use app::domain::NodeId;
use std::time::Instant;

/// One measured case.
#[derive(Debug, serde::Serialize)]
pub struct Figure {
    /// Open gaps of the person.
    pub gaps: usize,
    /// Activities that close at least one of them.
    pub candidates: usize,
    /// Activities chosen.
    pub chosen: usize,
    /// Whether the plan was proven shortest.
    pub exact: bool,
    /// Median, ms.
    pub p50_ms: f64,
    /// 95th percentile, ms.
    pub p95_ms: f64,
    /// Slowest, ms.
    pub max_ms: f64,
}

/// The report.
#[derive(Debug, serde::Serialize)]
pub struct Report {
    /// Activities in the catalogue.
    pub activities: usize,
    /// Competencies the catalogue covers.
    pub nodes: usize,
    /// The figures.
    pub results: Vec<Figure>,
}

/// A small deterministic generator (xorshift).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// A catalogue of `n` activities over `nodes` competencies: each awards 1 to 3 levels
/// (1 to 5), lasts 30 minutes to 50 hours, and a third are free.
pub fn catalogue(n: usize, nodes: u64) -> Vec<Activity> {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    (0..n)
        .map(|i| {
            let k = 1 + rng.below(3);
            let provides = (0..k)
                .map(|_| (NodeId(1 + rng.below(nodes) as i64), 1 + rng.below(5) as u8))
                .collect();
            Activity {
                id: i as i64 + 1,
                title: format!("Activity {i}"),
                duration_minutes: 30 + rng.below(3_000) as u32,
                cost_cents: (rng.below(3) != 0).then(|| rng.below(200_000)),
                provides,
            }
        })
        .collect()
}

/// Times "close my gap" for people with 5, 15, 30 and 60 gaps.
pub fn run(activities: usize, rounds: usize) -> Report {
    let nodes = 400u64;
    let cat = catalogue(activities, nodes);
    let mut results = Vec::new();
    for gaps_n in [5usize, 15, 30, 60] {
        let mut rng = Rng(gaps_n as u64 * 7919 + 1);
        let gaps: Vec<Gap> = (0..gaps_n)
            .map(|i| Gap {
                node: NodeId((i as u64 * (nodes / gaps_n as u64) + 1) as i64),
                required: 2 + rng.below(3) as u8,
                current: rng.below(2) as u8,
            })
            .collect();
        let candidates = cat
            .iter()
            .filter(|a| gaps.iter().any(|g| a.covers(g)))
            .count();
        let mut times = Vec::with_capacity(rounds);
        let mut plan = close_gaps(&gaps, &cat);
        for _ in 0..rounds {
            let t = Instant::now();
            plan = close_gaps(&gaps, &cat);
            times.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        times.sort_by(f64::total_cmp);
        results.push(Figure {
            gaps: gaps_n,
            candidates,
            chosen: plan.chosen.len(),
            exact: plan.exact,
            p50_ms: crate::bench::percentile(&times, 0.5),
            p95_ms: crate::bench::percentile(&times, 0.95),
            max_ms: times.last().copied().unwrap_or(0.0),
        });
    }
    Report {
        activities,
        nodes: nodes as usize,
        results,
    }
}

/// The report as a table.
pub fn table(r: &Report) -> String {
    let mut out = format!(
        "close my gap over {} activities ({} competencies)\n{:>5} {:>10} {:>6} {:>6} {:>9} {:>9} {:>9}\n",
        r.activities, r.nodes, "gaps", "candidates", "chosen", "exact", "p50 ms", "p95 ms", "max ms"
    );
    for f in &r.results {
        out.push_str(&format!(
            "{:>5} {:>10} {:>6} {:>6} {:>9.3} {:>9.3} {:>9.3}\n",
            f.gaps, f.candidates, f.chosen, f.exact, f.p50_ms, f.p95_ms, f.max_ms
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_generated_catalogue_is_deterministic() {
        let a = super::catalogue(50, 40);
        let b = super::catalogue(50, 40);
        assert_eq!(a, b);
        assert!(a.iter().all(|x| !x.provides.is_empty()));
    }
}

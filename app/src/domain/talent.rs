//! Talent search: "who has skill A at level 3 or more and skill B at 2 or more", ranked by
//! closeness (criteria met, then the total shortfall on the others, then the sum of the
//! matched levels), with each candidate's levels on the criteria shown.

use super::ids::{NodeId, PersonId};
use super::validate::FieldError;
use serde::{Deserialize, Serialize};

/// Most criteria in one search.
pub const MAX_CRITERIA: usize = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Criterion {
    pub node: NodeId,
    pub min: u8,
}

/// Most form rows (filled or empty) one search may send: the form shows a few more rows than
/// criteria, and anything beyond this is refused before any row is read.
pub const MAX_ROWS: usize = 4 * MAX_CRITERIA;

/// Reads the search's `criteria` text: `node:min` pairs separated by commas (the form's rows
/// in order; an empty row is `:`). The rows are counted and capped before any is parsed, so
/// a huge request costs no more than reading its length.
pub fn parse_criteria_text(text: &str) -> Result<Vec<Criterion>, FieldError> {
    if text.split(',').nth(MAX_ROWS).is_some() {
        return Err(FieldError::new(
            "node1",
            format!("Use at most {MAX_CRITERIA} criteria."),
        ));
    }
    let rows: Vec<(String, String)> = text
        .split(',')
        .map(|pair| {
            let (n, m) = pair.split_once(':').unwrap_or((pair, ""));
            (n.to_string(), m.to_string())
        })
        .collect();
    parse_criteria(&rows)
}

/// Reads criteria from form pairs (`node`, `min`) as typed; empty rows are skipped. The
/// field named in an error is `nodeN` or `minN` (N counted from 1). More than
/// `MAX_CRITERIA` filled rows are refused before the duplicate check.
pub fn parse_criteria(rows: &[(String, String)]) -> Result<Vec<Criterion>, FieldError> {
    let filled = rows.iter().filter(|(n, _)| !n.trim().is_empty()).count();
    if filled > MAX_CRITERIA {
        return Err(FieldError::new(
            "node1",
            format!("Use at most {MAX_CRITERIA} criteria."),
        ));
    }
    let mut out: Vec<Criterion> = Vec::with_capacity(filled);
    for (i, (node, min)) in rows.iter().enumerate() {
        let n = i + 1;
        if node.trim().is_empty() {
            continue;
        }
        let node: NodeId = node
            .trim()
            .parse()
            .map_err(|_| FieldError::new(&format!("node{n}"), "Choose a skill or competency."))?;
        let min: u8 = min
            .trim()
            .parse()
            .ok()
            .filter(|m| (1..=10).contains(m))
            .ok_or_else(|| FieldError::new(&format!("min{n}"), "Choose a level from 1 to 10."))?;
        if out.iter().any(|c| c.node == node) {
            return Err(FieldError::new(
                &format!("node{n}"),
                "This skill is already a criterion; change its level there instead.",
            ));
        }
        out.push(Criterion { node, min });
    }
    Ok(out)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Candidate {
    pub person: PersonId,
    pub name: String,
    pub position: String,
    pub unit: String,
    /// The current level on each criterion, in criteria order (0 when unrated or expired).
    pub levels: Vec<u8>,
    /// How many criteria are met.
    pub met: u32,
    /// Levels missing on the criteria not met.
    pub shortfall: u32,
}

impl Candidate {
    /// Builds a candidate from their levels on `criteria`.
    pub fn score(criteria: &[Criterion], levels: &[u8]) -> (u32, u32) {
        let mut met = 0;
        let mut short = 0;
        for (c, l) in criteria.iter().zip(levels) {
            if *l >= c.min {
                met += 1;
            } else {
                short += u32::from(c.min - *l);
            }
        }
        (met, short)
    }
}

/// Orders candidates: all criteria met first, then more criteria met, smaller shortfall,
/// higher levels in total, then name and id (deterministic).
pub fn rank(candidates: &mut [Candidate]) {
    candidates.sort_by(|a, b| {
        b.met
            .cmp(&a.met)
            .then(a.shortfall.cmp(&b.shortfall))
            .then_with(|| {
                let sa: u32 = a.levels.iter().map(|l| u32::from(*l)).sum();
                let sb: u32 = b.levels.iter().map(|l| u32::from(*l)).sum();
                sb.cmp(&sa)
            })
            .then_with(|| a.name.to_lowercase().cmp(&b.name.to_lowercase()))
            .then(a.person.cmp(&b.person))
    });
}

/// A person's level on each criterion, in criteria order (0 where unrated or expired).
pub type CriteriaLevels = [u8; MAX_CRITERIA];

/// The `keep` people closest to `criteria` among those meeting at least one, in [`rank`]'s
/// order without the names (criteria met, shortfall, total level, then id), and how many
/// meet every criterion. Names break ties only among the people kept. The work is linear
/// in the people given, plus sorting the `keep` kept.
pub fn preselect(
    criteria: &[Criterion],
    levels: &std::collections::HashMap<i64, CriteriaLevels>,
    keep: usize,
) -> (Vec<i64>, u32) {
    use std::cmp::Reverse;
    let n = criteria.len().min(MAX_CRITERIA);
    let mut full = 0u32;
    let mut keyed = Vec::new();
    for (id, l) in levels {
        let (met, short) = Candidate::score(&criteria[..n], &l[..n]);
        if met == 0 {
            continue;
        }
        if met as usize == n {
            full += 1;
        }
        let total: u32 = l[..n].iter().map(|x| u32::from(*x)).sum();
        keyed.push((Reverse(met), short, Reverse(total), *id));
    }
    if keyed.len() > keep {
        if keep > 0 {
            keyed.select_nth_unstable(keep - 1);
        }
        keyed.truncate(keep);
    }
    keyed.sort_unstable();
    (keyed.into_iter().map(|k| k.3).collect(), full)
}

/// A search's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TalentResult {
    /// The criteria with their node titles.
    pub criteria: Vec<(Criterion, String)>,
    pub candidates: Vec<Candidate>,
    /// People meeting every criterion (may exceed the candidates shown).
    pub full_matches: u32,
}

/// Choices for the talent search form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TalentChoices {
    /// Rateable nodes: (id, "title · framework").
    pub nodes: Vec<(i64, String)>,
    /// Org units: (id, name).
    pub units: Vec<(i64, String)>,
}

/// A succession candidate for a position: someone who does not hold it, with their
/// readiness for it (the rule of DESIGN.md) and the gaps left.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Successor {
    pub person: PersonId,
    pub name: String,
    /// The position they hold now.
    pub position: String,
    pub unit: String,
    pub readiness: u8,
    /// Requirements of the position they are below.
    pub gaps: u32,
    /// Of those, mandatory ones.
    pub mandatory_gaps: u32,
}

/// Readiest first; among equals, fewer mandatory gaps, fewer gaps, then by name.
pub fn rank_successors(list: &mut [Successor]) {
    list.sort_by(|a, b| {
        b.readiness
            .cmp(&a.readiness)
            .then(a.mandatory_gaps.cmp(&b.mandatory_gaps))
            .then(a.gaps.cmp(&b.gaps))
            .then(a.name.to_lowercase().cmp(&b.name.to_lowercase()))
            .then(a.person.0.cmp(&b.person.0))
    });
}

/// Succession candidates for a position.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Succession {
    /// Positions to choose from: (id, title).
    pub positions: Vec<(i64, String)>,
    /// The chosen one.
    pub position: Option<(i64, String)>,
    /// Its requirements.
    pub requirements: u32,
    pub candidates: Vec<Successor>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn successor(id: i64, name: &str, readiness: u8, mandatory_gaps: u32, gaps: u32) -> Successor {
        Successor {
            person: PersonId(id),
            name: name.into(),
            position: String::new(),
            unit: String::new(),
            readiness,
            gaps,
            mandatory_gaps,
        }
    }

    #[test]
    fn successors_rank_by_readiness_then_mandatory_gaps() {
        let mut v = vec![
            successor(1, "Ana", 70, 1, 3),
            successor(2, "Ben", 90, 2, 2),
            successor(3, "Cy", 70, 0, 4),
            successor(4, "Di", 70, 0, 2),
        ];
        rank_successors(&mut v);
        let order: Vec<i64> = v.iter().map(|s| s.person.0).collect();
        assert_eq!(order, [2, 4, 3, 1]);
    }

    fn cand(id: i64, name: &str, criteria: &[Criterion], levels: &[u8]) -> Candidate {
        let (met, shortfall) = Candidate::score(criteria, levels);
        Candidate {
            person: PersonId(id),
            name: name.into(),
            position: String::new(),
            unit: String::new(),
            levels: levels.to_vec(),
            met,
            shortfall,
        }
    }

    #[test]
    fn criteria_are_read_row_by_row_naming_the_bad_field() {
        let rows = |v: &[(&str, &str)]| -> Vec<(String, String)> {
            v.iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect()
        };
        let c = parse_criteria(&rows(&[("4", "3"), ("", ""), ("9", "2")])).unwrap();
        assert_eq!(
            c,
            [
                Criterion {
                    node: NodeId(4),
                    min: 3
                },
                Criterion {
                    node: NodeId(9),
                    min: 2
                }
            ]
        );
        assert_eq!(
            parse_criteria(&rows(&[("4", "0")])).unwrap_err().field,
            "min1"
        );
        assert_eq!(
            parse_criteria(&rows(&[("4", "2"), ("x", "2")]))
                .unwrap_err()
                .field,
            "node2"
        );
        assert_eq!(
            parse_criteria(&rows(&[("4", "2"), ("4", "3")]))
                .unwrap_err()
                .field,
            "node2"
        );
    }

    #[test]
    fn criteria_are_counted_before_any_row_is_read() {
        // Eleven good rows and a damaged twelfth: the count is refused first, so the
        // per-row work (parsing, the duplicate check) never runs on an oversized list.
        let mut text: String = (1..=11).map(|i| format!("{i}:2,")).collect();
        text.push_str("x:2");
        assert_eq!(parse_criteria_text(&text).unwrap_err().field, "node1");
        // 200,000 rows (1.7 MB) are refused by counting alone.
        let huge = vec!["1:1"; 200_000].join(",");
        let e = parse_criteria_text(&huge).unwrap_err();
        assert!(e.message.contains("at most"), "{}", e.message);
        // Empty rows within the cap are fine.
        assert_eq!(parse_criteria_text("4:3,:,9:2").unwrap().len(), 2);
    }

    /// Node 1 at level 3 or more, node 2 at 2 or more.
    fn two_criteria() -> [Criterion; 2] {
        [
            Criterion {
                node: NodeId(1),
                min: 3,
            },
            Criterion {
                node: NodeId(2),
                min: 2,
            },
        ]
    }

    #[test]
    fn closer_candidates_come_first() {
        let cr = two_criteria();
        let mut v = vec![
            cand(1, "Ann", &cr, &[2, 2]),
            cand(2, "Bo", &cr, &[3, 2]),
            cand(3, "Cy", &cr, &[5, 4]),
            cand(4, "Di", &cr, &[0, 1]),
            cand(5, "Ed", &cr, &[1, 2]),
        ];
        rank(&mut v);
        let names: Vec<&str> = v.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["Cy", "Bo", "Ann", "Ed", "Di"]);
        assert_eq!((v[0].met, v[0].shortfall), (2, 0));
        assert_eq!((v[3].met, v[3].shortfall), (1, 2));
        assert_eq!((v[4].met, v[4].shortfall), (0, 4));
    }

    fn levels_of(rows: &[(i64, Vec<u8>)]) -> std::collections::HashMap<i64, CriteriaLevels> {
        rows.iter()
            .map(|(id, l)| {
                let mut a = [0u8; MAX_CRITERIA];
                a[..l.len()].copy_from_slice(l);
                (*id, a)
            })
            .collect()
    }

    #[test]
    fn preselect_keeps_the_closest_and_counts_full_matches() {
        let c = two_criteria();
        let levels = levels_of(&[
            (1, vec![3, 1]), // one met, short 1
            (2, vec![5, 2]), // both, total 7
            (3, vec![0, 0]), // none: never a candidate
            (4, vec![3, 4]), // both, total 7 (id breaks the tie)
            (5, vec![1, 5]), // one met, short 2
            (6, vec![4, 2]), // both, total 6
        ]);
        assert_eq!(preselect(&c, &levels, 10), (vec![2, 4, 6, 1, 5], 3));
        assert_eq!(preselect(&c, &levels, 2), (vec![2, 4], 3));
        assert_eq!(preselect(&c, &levels, 0), (vec![], 3));
    }

    proptest::proptest! {
        #[test]
        fn preselect_is_the_head_of_the_full_ranking(
            mins in proptest::collection::vec(1u8..=5, 1..=4),
            people in proptest::collection::vec(proptest::collection::vec(0u8..=5, 4), 0..60),
            keep in 0usize..70,
        ) {
            let criteria: Vec<Criterion> = mins
                .iter()
                .enumerate()
                .map(|(i, m)| Criterion { node: NodeId(i as i64 + 1), min: *m })
                .collect();
            let n = criteria.len();
            let rows: Vec<(i64, Vec<u8>)> =
                people.iter().enumerate().map(|(i, l)| (i as i64 + 1, l[..n].to_vec())).collect();
            let mut all: Vec<Candidate> = rows
                .iter()
                .map(|(id, l)| cand(*id, "same", &criteria, l))
                .filter(|c| c.met > 0)
                .collect();
            rank(&mut all);
            let full = all.iter().filter(|c| c.met as usize == n).count() as u32;
            let head: Vec<i64> = all.iter().take(keep).map(|c| c.person.0).collect();
            proptest::prop_assert_eq!(preselect(&criteria, &levels_of(&rows), keep), (head, full));
        }
    }
}

//! Helpers shared by import and export: code order, CASE identifiers and titles.

use super::model::Extra;
use crate::domain::framework::Track;
use serde::Serialize;
use serde_json::Value;
use std::cmp::Ordering;

/// Compares codes naturally: digit runs by value ("A.2" < "A.10"), other text by character.
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (mut x, mut y) = (a.chars().peekable(), b.chars().peekable());
    loop {
        match (x.peek().copied(), y.peek().copied()) {
            (None, None) => return a.cmp(b),
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(c), Some(d)) if c.is_ascii_digit() && d.is_ascii_digit() => {
                let run = |it: &mut std::iter::Peekable<std::str::Chars<'_>>| {
                    let mut s = String::new();
                    while let Some(c) = it.next_if(char::is_ascii_digit) {
                        s.push(c);
                    }
                    s.trim_start_matches('0').to_string()
                };
                let (p, q) = (run(&mut x), run(&mut y));
                match p.len().cmp(&q.len()).then_with(|| p.cmp(&q)) {
                    Ordering::Equal => {}
                    o => return o,
                }
            }
            (Some(c), Some(d)) => {
                if c != d {
                    return c.cmp(&d);
                }
                x.next();
                y.next();
            }
        }
    }
}

#[derive(Debug)]
pub(super) struct SortKey<'a> {
    pub(super) seq: Option<i64>,
    pub(super) code: Option<&'a str>,
    pub(super) index: usize,
}

pub(super) fn sibling_cmp(a: &SortKey<'_>, b: &SortKey<'_>) -> Ordering {
    fn some_first<T>(a: Option<T>, b: Option<T>, f: impl Fn(T, T) -> Ordering) -> Ordering {
        match (a, b) {
            (Some(a), Some(b)) => f(a, b),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        }
    }
    some_first(a.seq, b.seq, |a, b| a.cmp(&b))
        .then_with(|| some_first(a.code, b.code, natural_cmp))
        .then(a.index.cmp(&b.index))
}

/// Whether `s` is a UUID in the 8-4-4-4-12 hexadecimal form.
pub fn is_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// A deterministic UUID (version-4 form) derived from `seed` (FNV-1a 128 and a final mix).
pub fn case_uuid(seed: &str) -> String {
    let mut h: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
    for b in seed.bytes() {
        h ^= u128::from(b);
        h = h.wrapping_mul(0x0000_0000_0100_0000_0000_0000_0000_013b);
    }
    let mix = |mut z: u64| {
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    };
    let (hi, lo) = ((h >> 64) as u64, h as u64);
    let (hi, lo) = (mix(hi ^ lo.rotate_left(17)), mix(lo ^ hi.rotate_left(29)));
    let mut v = (u128::from(hi) << 64) | u128::from(lo);
    v = (v & !(0xf << 76)) | (0x4 << 76);
    v = (v & !(0x3 << 62)) | (0x2 << 62);
    let s = format!("{v:032x}");
    format!(
        "{}-{}-{}-{}-{}",
        &s[0..8],
        &s[8..12],
        &s[12..16],
        &s[16..20],
        &s[20..32]
    )
}

/// The CASE identifier for an external id: the id itself if it is a UUID, else a UUID
/// derived from it.
pub fn case_identifier(external_id: &str) -> String {
    if is_uuid(external_id) {
        external_id.to_string()
    } else {
        case_uuid(external_id)
    }
}

/// The external id of a CASE object: its identifier, unless that identifier was derived by
/// [`case_identifier`] from a non-UUID id kept in `extensions.identifier` or in `uri`.
pub(super) fn external_id_for(identifier: &str, uri: Option<&str>, extra: &Extra) -> String {
    let kept = extra
        .get("extensions")
        .and_then(|e| e.get("identifier"))
        .and_then(Value::as_str);
    [kept, uri]
        .into_iter()
        .flatten()
        .find(|s| !is_uuid(s) && case_uuid(s) == identifier)
        .unwrap_or(identifier)
        .to_string()
}

/// A node title from a statement: the first non-empty line, trimmed, control characters
/// replaced by spaces, at most 200 characters (cut with "…").
pub fn title_from_statement(statement: &str) -> String {
    let line = statement
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    let clean: String = line
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if clean.chars().count() > 200 {
        clean.chars().take(199).collect::<String>() + "…"
    } else {
        clean
    }
}

/// Order of rubric levels: by position, then score, then file order.
pub(super) fn level_order(keys: &[(Option<i64>, Option<f64>)]) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..keys.len()).collect();
    idx.sort_by(|&a, &b| {
        let (pa, sa) = keys[a];
        let (pb, sb) = keys[b];
        let opt = |x: Option<Ordering>, a: bool, b: bool| match (a, b) {
            (true, true) => x.unwrap_or(Ordering::Equal),
            (true, false) => Ordering::Less,
            (false, true) => Ordering::Greater,
            _ => Ordering::Equal,
        };
        opt(
            pa.zip(pb).map(|(a, b)| a.cmp(&b)),
            pa.is_some(),
            pb.is_some(),
        )
        .then_with(|| {
            opt(
                sa.zip(sb).and_then(|(a, b)| a.partial_cmp(&b)),
                sa.is_some(),
                sb.is_some(),
            )
        })
        .then(a.cmp(&b))
    });
    idx
}

pub(super) fn level_text(
    description: Option<&str>,
    quality: Option<&str>,
    feedback: Option<&str>,
) -> String {
    [description, quality, feedback]
        .into_iter()
        .flatten()
        .map(str::trim)
        .find(|s| !s.is_empty())
        .unwrap_or("")
        .to_string()
}

pub(super) fn criterion_track(category: Option<&str>) -> Track {
    match category {
        Some(c) if c.trim().eq_ignore_ascii_case("managerial") => Track::Managerial,
        _ => Track::Ic,
    }
}

pub(super) fn to_map<T: Serialize>(v: &T) -> Extra {
    match serde_json::to_value(v) {
        Ok(Value::Object(m)) => m,
        _ => Extra::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::conformance::{fix_date_time, is_date_time};
    use super::super::*;
    use std::cmp::Ordering;

    #[test]
    fn helpers() {
        let mut codes = ["A.10", "A.2", "A.1b", "A.1", "B", "A.02"];
        codes.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(codes, ["A.1", "A.1b", "A.02", "A.2", "A.10", "B"]);
        assert_eq!(
            natural_cmp("x99999999999999999999999", "x100000000000000000000000"),
            Ordering::Less
        );
        let u = case_uuid("T1");
        assert!(
            is_uuid(&u) && &u[14..15] == "4" && "89ab".contains(&u[19..20]),
            "{u}"
        );
        assert_eq!(u, case_uuid("T1"));
        assert_ne!(u, case_uuid("T2"));
        assert_eq!(
            case_identifier("00000000-0000-0000-0000-000000000001"),
            "00000000-0000-0000-0000-000000000001"
        );
        assert_eq!(
            title_from_statement("\n  First line \r\nsecond"),
            "First line"
        );
        let long = title_from_statement(&"x".repeat(300));
        assert_eq!((long.chars().count(), long.ends_with('…')), (200, true));
        assert!(
            is_date_time("2017-09-22T23:13:54+00:00") && is_date_time("2020-02-29T00:00:00.5Z")
        );
        assert!(!is_date_time("2017-05-25T18:05:33") && !is_date_time("2019-02-29T00:00:00Z"));
        assert_eq!(
            fix_date_time("2017-05-25 18:05:33").as_deref(),
            Some("2017-05-25T18:05:33+00:00")
        );
        assert_eq!(
            LinkKind::parse("ext:hasPart"),
            LinkKind::Other("ext:hasPart".into())
        );
        assert_eq!(LinkKind::parse("exemplar").as_str(), "exemplar");
    }
}

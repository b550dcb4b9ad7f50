//! The values people type into the development forms: durations, costs and dates, read
//! leniently and written back plainly.

use crate::domain::rating::{civil_from_days, days_from_civil, days_in_month, DAY_MS};

/// Longest duration an activity may state: a year of full days.
pub const MAX_DURATION_MINUTES: u32 = 365 * 24 * 60;

/// Reads a duration: plain minutes ("90"), or amounts with units ("1h 30m", "1.5 hours",
/// "2 days" = two working days of 8 hours, "3 weeks" = 40 hours each).
pub fn parse_duration(text: &str) -> Result<u32, String> {
    let t = text.trim().to_lowercase();
    if t.is_empty() {
        return Err("Enter how long it takes, e.g. 90 (minutes), 1h 30m or 2 days.".into());
    }
    if let Ok(m) = t.parse::<u32>() {
        return check_duration(f64::from(m));
    }
    let mut total = 0.0f64;
    let mut rest = t.as_str();
    let mut parts = 0;
    while !rest.trim_start().is_empty() {
        rest = rest.trim_start();
        let num_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == ','))
            .unwrap_or(rest.len());
        let number: f64 = rest[..num_end]
            .replace(',', ".")
            .parse()
            .map_err(|_| format!("\u{201c}{}\u{201d} is not a duration.", text.trim()))?;
        rest = rest[num_end..].trim_start();
        let unit_end = rest
            .find(|c: char| !c.is_alphabetic())
            .unwrap_or(rest.len());
        let unit = &rest[..unit_end];
        rest = &rest[unit_end..];
        let minutes = match unit {
            "m" | "min" | "mins" | "minute" | "minutes" => 1.0,
            "h" | "hr" | "hrs" | "hour" | "hours" => 60.0,
            "d" | "day" | "days" => 8.0 * 60.0,
            "w" | "wk" | "week" | "weeks" => 40.0 * 60.0,
            _ => {
                return Err(format!(
                    "\u{201c}{}\u{201d}: use minutes, hours, days or weeks.",
                    text.trim()
                ))
            }
        };
        total += number * minutes;
        parts += 1;
        rest = rest.trim_start_matches([' ', ',', '+']);
    }
    if parts == 0 {
        return Err(format!(
            "\u{201c}{}\u{201d} is not a duration.",
            text.trim()
        ));
    }
    check_duration(total)
}

fn check_duration(minutes: f64) -> Result<u32, String> {
    let m = minutes.round();
    if !(1.0..=f64::from(MAX_DURATION_MINUTES)).contains(&m) {
        return Err("A duration is between 1 minute and a year.".into());
    }
    Ok(m as u32)
}

/// A duration for people: "45 min", "1 h 30 min", "2 days" (8-hour days).
pub fn duration_text(minutes: u64) -> String {
    if minutes >= 8 * 60 && minutes.is_multiple_of(8 * 60) {
        let d = minutes / (8 * 60);
        return format!("{d} day{}", if d == 1 { "" } else { "s" });
    }
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} min"),
    }
}

/// Highest cost accepted, in cents (ten million).
pub const MAX_COST_CENTS: u64 = 1_000_000_000;

/// Reads an optional cost in the organisation's currency: empty is "no cost stated",
/// "120", "120.50", "€ 1,200" and "1200 EUR" are amounts.
pub fn parse_cost(text: &str) -> Result<Option<u64>, String> {
    let digits: String = text
        .trim()
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '.' || *c == ',' || *c == '-')
        .collect();
    if digits.is_empty() {
        if text.trim().is_empty() || text.trim().eq_ignore_ascii_case("free") {
            return Ok(None);
        }
        return Err(format!("\u{201c}{}\u{201d} is not an amount.", text.trim()));
    }
    if digits.starts_with('-') {
        return Err("A cost cannot be negative.".into());
    }
    // "1,200.50" and "1200,50": a comma followed by exactly two digits at the end is a
    // decimal comma, any other comma groups thousands.
    let normal = match digits.rfind(',') {
        Some(i) if digits.len() - i == 3 && !digits.contains('.') => {
            format!("{}.{}", digits[..i].replace(',', ""), &digits[i + 1..])
        }
        _ => digits.replace(',', ""),
    };
    let value: f64 = normal
        .parse()
        .map_err(|_| format!("\u{201c}{}\u{201d} is not an amount.", text.trim()))?;
    let cents = (value * 100.0).round();
    if cents > MAX_COST_CENTS as f64 {
        return Err("That cost is too large.".into());
    }
    Ok(Some(cents as u64))
}

/// A cost for people: "€120" or "€120.50"; "Free" when none is stated.
pub fn cost_text(cents: Option<u64>) -> String {
    match cents {
        None | Some(0) => "Free".into(),
        Some(c) if c % 100 == 0 => format!("\u{20ac}{}", group(c / 100)),
        Some(c) => format!("\u{20ac}{}.{:02}", group(c / 100), c % 100),
    }
}

fn group(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// Reads a due date `YYYY-MM-DD` (empty: none) and gives it back normalised.
pub fn parse_date(text: &str) -> Result<Option<String>, String> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    let bad = || format!("\u{201c}{t}\u{201d} is not a date; use YYYY-MM-DD.");
    let mut it = t.split('-');
    let (Some(y), Some(m), Some(d), None) = (it.next(), it.next(), it.next(), it.next()) else {
        return Err(bad());
    };
    let y: i64 = y.parse().map_err(|_| bad())?;
    let m: u32 = m.parse().map_err(|_| bad())?;
    let d: u32 = d.parse().map_err(|_| bad())?;
    if !(2000..=2200).contains(&y) || !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) {
        return Err(bad());
    }
    Ok(Some(format!("{y:04}-{m:02}-{d:02}")))
}

/// The day count (since 1970-01-01) of a date stored as `YYYY-MM-DD`.
pub fn date_days(date: &str) -> Option<i64> {
    let mut it = date.split('-');
    let y: i64 = it.next()?.parse().ok()?;
    let m: u32 = it.next()?.parse().ok()?;
    let d: u32 = it.next()?.parse().ok()?;
    Some(days_from_civil(y, m, d))
}

/// `YYYY-MM-DD` of a time in epoch ms (UTC).
pub fn date_of(ms: i64) -> String {
    let (y, m, d) = civil_from_days(ms.div_euclid(DAY_MS));
    format!("{y:04}-{m:02}-{d:02}")
}

/// A due date for people, relative to today: "due 3 Dec 2026 (in 9 days)", "overdue by 2 days".
pub fn due_text(due: &str, today_ms: i64) -> String {
    let Some(days) = date_days(due) else {
        return String::new();
    };
    let today = today_ms.div_euclid(DAY_MS);
    let label = crate::domain::orgreport::day_label(days);
    let plural = |n: i64| if n == 1 { "" } else { "s" };
    match days - today {
        0 => format!("due today ({label})"),
        n if n > 0 => format!("due {label} (in {n} day{})", plural(n)),
        n => format!("overdue by {} day{} ({label})", -n, plural(-n)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("90"), Ok(90));
        assert_eq!(parse_duration("1h 30m"), Ok(90));
        assert_eq!(parse_duration("1.5 hours"), Ok(90));
        assert_eq!(parse_duration("2 days"), Ok(960));
        assert_eq!(parse_duration("1 week"), Ok(2400));
        assert_eq!(parse_duration("1,5 h"), Ok(90));
        assert!(parse_duration("").unwrap_err().contains("how long"));
        assert!(parse_duration("soon").is_err());
        assert!(parse_duration("3 fortnights")
            .unwrap_err()
            .contains("minutes, hours"));
        assert!(parse_duration("0").is_err());
        assert!(parse_duration("300 weeks").is_err());
        assert_eq!(duration_text(45), "45 min");
        assert_eq!(duration_text(90), "1 h 30 min");
        assert_eq!(duration_text(120), "2 h");
        assert_eq!(duration_text(960), "2 days");
    }

    #[test]
    fn costs() {
        assert_eq!(parse_cost(""), Ok(None));
        assert_eq!(parse_cost("free"), Ok(None));
        assert_eq!(parse_cost("120"), Ok(Some(12_000)));
        assert_eq!(parse_cost("€ 1,200"), Ok(Some(120_000)));
        assert_eq!(parse_cost("1200,50"), Ok(Some(120_050)));
        assert_eq!(parse_cost("1,200.50 EUR"), Ok(Some(120_050)));
        assert!(parse_cost("-5").is_err());
        assert!(parse_cost("lots").is_err());
        assert_eq!(cost_text(Some(120_050)), "\u{20ac}1,200.50");
        assert_eq!(cost_text(Some(12_000)), "\u{20ac}120");
        assert_eq!(cost_text(None), "Free");
    }

    #[test]
    fn dates() {
        assert_eq!(parse_date(" 2026-12-03 "), Ok(Some("2026-12-03".into())));
        assert_eq!(parse_date(""), Ok(None));
        assert!(parse_date("2026-02-30").is_err());
        assert!(parse_date("03/12/2026").is_err());
        let now = date_days("2026-11-24").unwrap() * DAY_MS + 3_600_000;
        assert_eq!(date_of(now), "2026-11-24");
        assert_eq!(due_text("2026-12-03", now), "due 3 Dec 2026 (in 9 days)");
        assert_eq!(
            due_text("2026-11-22", now),
            "overdue by 2 days (22 Nov 2026)"
        );
        assert_eq!(due_text("2026-11-24", now), "due today (24 Nov 2026)");
    }

    proptest! {
        #[test]
        fn durations_round_trip_through_their_text(m in 1u32..MAX_DURATION_MINUTES) {
            let text = duration_text(u64::from(m));
            let spoken = text.replace(" min", "m").replace(" h", "h");
            prop_assert_eq!(parse_duration(&spoken), Ok(m));
        }
    }
}

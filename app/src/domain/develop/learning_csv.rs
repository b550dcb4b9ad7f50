//! Reading a learning catalogue from CSV.

use super::catalogue::{check_activity, ActivityFields, ActivityInput};

/// One usable row of a learning CSV: the activity's fields and the levels it awards, by
/// node reference (an identifier such as a CASE id or ESCO URI, or a title).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LearningRow {
    pub line: usize,
    pub fields: ActivityFields,
    pub provides: Vec<(String, u8)>,
}

/// Reads a learning CSV (header on line 1; columns found by name: title, kind or type,
/// provider, url or link, duration or duration_minutes, cost, description, id or
/// external_id, and provides or levels as `Node=level; Node=level`). Returns the usable
/// rows and, by line, the rows that cannot be used; a file without title and duration
/// columns is refused whole.
pub fn parse_learning_csv(
    header: &[String],
    rows: &[(usize, Vec<String>)],
) -> Result<(Vec<LearningRow>, Vec<crate::domain::case::Issue>), crate::domain::case::Issue> {
    use crate::domain::case::Issue;
    let names: Vec<String> = header
        .iter()
        .map(|h| {
            h.trim()
                .trim_start_matches('\u{feff}')
                .to_lowercase()
                .replace([' ', '-'], "_")
        })
        .collect();
    let col = |options: &[&str]| names.iter().position(|n| options.contains(&n.as_str()));
    let (Some(title), Some(duration)) = (
        col(&["title", "name"]),
        col(&["duration", "duration_minutes", "minutes", "hours"]),
    ) else {
        return Err(Issue::new(
            "line 1",
            "a learning CSV needs \u{201c}title\u{201d} and \u{201c}duration\u{201d} columns (and may have kind, provider, url, cost, description, id and provides).",
        ));
    };
    let in_hours = names[duration] == "hours";
    let kind = col(&["kind", "type"]);
    let provider = col(&["provider"]);
    let url = col(&["url", "link"]);
    let cost = col(&["cost", "price"]);
    let description = col(&["description"]);
    let external = col(&["id", "external_id", "identifier"]);
    let provides = col(&["provides", "levels", "competencies"]);
    let mut out = Vec::new();
    let mut problems = Vec::new();
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (line, cells) in rows {
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let at = format!("line {line}");
        let get = |c: Option<usize>| c.and_then(|i| cells.get(i)).map_or("", |s| s.trim());
        let raw_duration = get(Some(duration));
        let input = ActivityInput {
            title: get(Some(title)).to_string(),
            kind: match get(kind) {
                "" => "course".into(),
                k => k.to_string(),
            },
            provider: get(provider).to_string(),
            url: get(url).to_string(),
            duration: if in_hours && !raw_duration.is_empty() {
                format!("{raw_duration} h")
            } else {
                raw_duration.to_string()
            },
            cost: get(cost).to_string(),
            description: get(description).to_string(),
            external_id: get(external).to_string(),
        };
        let fields = match check_activity(&input) {
            Ok(f) => f,
            Err((field, message)) => {
                problems.push(Issue::new(at, format!("{field}: {message}")));
                continue;
            }
        };
        if let Some(x) = &fields.external_id {
            if let Some(first) = seen.insert(x.clone(), *line) {
                problems.push(Issue::new(
                    at,
                    format!("the id \u{201c}{x}\u{201d} is also on line {first}."),
                ));
                continue;
            }
        }
        let mut levels = Vec::new();
        let mut bad = None;
        for part in get(provides)
            .split([';', '|'])
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            match part.rsplit_once(['=', ':']) {
                Some((node, level)) if !node.trim().is_empty() => {
                    match level.trim().parse::<u8>() {
                        Ok(l) if (1..=10).contains(&l) => levels.push((node.trim().to_string(), l)),
                        _ => {
                            bad = Some(format!(
                        "provides: \u{201c}{part}\u{201d} needs a level from 1 to 10 after the =."
                    ))
                        }
                    }
                }
                _ => {
                    bad = Some(format!(
                        "provides: write \u{201c}{part}\u{201d} as Competency=level."
                    ))
                }
            }
        }
        if let Some(m) = bad {
            problems.push(Issue::new(at, m));
            continue;
        }
        out.push(LearningRow {
            line: *line,
            fields,
            provides: levels,
        });
    }
    Ok((out, problems))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn learning_csv_rows_by_line() {
        let header: Vec<String> = ["Title", "Type", "Duration", "Cost", "ID", "Provides"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let row =
            |line: usize, cells: &[&str]| (line, cells.iter().map(|s| s.to_string()).collect());
        let rows = vec![
            row(
                2,
                &[
                    "Rust basics",
                    "course",
                    "2 days",
                    "450",
                    "RB1",
                    "Rust=2; Testing=1",
                ],
            ),
            row(3, &["", "course", "1h", "", "", ""]),
            row(4, &["Pairing", "on-the-job", "3 h", "", "RB1", ""]),
            row(5, &["Reading", "book", "soon", "", "", ""]),
            row(6, &["Talk", "workshop", "45", "", "", "Rust=12"]),
        ];
        let (ok, bad) = parse_learning_csv(&header, &rows).unwrap();
        assert_eq!(ok.len(), 1);
        assert_eq!(
            ok[0].provides,
            vec![("Rust".into(), 2), ("Testing".into(), 1)]
        );
        assert_eq!(ok[0].fields.duration_minutes, 960);
        let at: Vec<&str> = bad.iter().map(|i| i.at.as_str()).collect();
        assert_eq!(at, vec!["line 3", "line 4", "line 5", "line 6"]);
        assert!(bad[0].message.starts_with("title"));
        assert!(bad[1].message.contains("line 2"));
        assert!(bad[3].message.contains("1 to 10"));
        assert!(parse_learning_csv(&["name".to_string()], &[]).is_err());
    }
}

//! People CSV: one row per person, found by e-mail; a second import updates the same
//! people. Columns are found by name (any order, any case):
//! `email` (required), `name`, `job title`, `role` (employee, hr or admin), `unit` (a unit
//! name, or a path such as "Northwind Labs / Engineering"), `manager` (the manager's
//! e-mail), `position` (a position's title). An empty cell leaves that detail as it is.
//!
//! The rules that need no database are here: the header, each row's e-mail, name and role,
//! and e-mails used twice; the server resolves units, managers and positions.

use super::case::Issue;
use super::people::Role;
use super::validate::{Email, PersonName};
use std::collections::HashMap;

/// One row, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct PersonRow {
    pub line: usize,
    pub email: String,
    pub name: Option<String>,
    pub job_title: Option<String>,
    pub role: Option<Role>,
    /// The unit's path, outermost first.
    pub unit: Option<Vec<String>>,
    /// The manager's e-mail, lower-case.
    pub manager: Option<String>,
    pub position: Option<String>,
}

const EMAIL: &[&str] = &["email", "e-mail", "email address"];
const NAME: &[&str] = &["name", "full name"];
const JOB_TITLE: &[&str] = &["job title", "job_title", "title"];
const ROLE: &[&str] = &["role"];
const UNIT: &[&str] = &["unit", "org unit", "department"];
const MANAGER: &[&str] = &[
    "manager",
    "manager email",
    "manager_email",
    "manager e-mail",
];
const POSITION: &[&str] = &["position", "job position"];

fn cell(s: &str) -> Option<String> {
    let t = s.split_whitespace().collect::<Vec<_>>().join(" ");
    (!t.is_empty()).then_some(t)
}

/// A unit path: "A / B" or "A > B" is B inside A. Only the first `MAX_UNIT_DEPTH + 1`
/// names are read: a longer path is refused by its length, whatever follows.
pub fn unit_path(s: &str) -> Vec<String> {
    s.split(['/', '>'])
        .filter_map(cell)
        .take(super::org::MAX_UNIT_DEPTH + 1)
        .collect()
}

/// Reads the rows of a people CSV (the header is line 1): the rows that can be used, and
/// the rows that cannot, each with its line and why. A file without an e-mail column is an
/// error.
pub fn parse(
    header: &[String],
    rows: &[(usize, Vec<String>)],
) -> Result<(Vec<PersonRow>, Vec<Issue>), Issue> {
    let names: Vec<String> = header.iter().map(|h| h.trim().to_lowercase()).collect();
    let col = |aliases: &[&str]| names.iter().position(|n| aliases.contains(&n.as_str()));
    let Some(email_col) = col(EMAIL) else {
        return Err(Issue::new(
            "line 1",
            "a people CSV needs an \u{201c}email\u{201d} column (and may have name, job title, role, unit, manager and position).",
        ));
    };
    let cols = [
        col(NAME),
        col(JOB_TITLE),
        col(ROLE),
        col(UNIT),
        col(MANAGER),
        col(POSITION),
    ];
    let mut out: Vec<PersonRow> = Vec::new();
    let mut problems = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (line, row) in rows {
        if row.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let get = |c: Option<usize>| c.and_then(|i| row.get(i)).and_then(|s| cell(s));
        let at = format!("line {line}");
        let email = match Email::parse("email", row.get(email_col).map_or("", String::as_str)) {
            Ok(e) => e.as_str().to_string(),
            Err(e) => {
                problems.push(Issue::new(
                    at,
                    format!("email: {} The row is left out.", e.message),
                ));
                continue;
            }
        };
        if let Some(first) = seen.get(&email) {
            problems.push(Issue::new(
                at,
                format!("{email} is already on line {first}; this row is left out."),
            ));
            continue;
        }
        let name = match get(cols[0]) {
            Some(n) => match PersonName::parse("name", &n) {
                Ok(n) => Some(n.into_string()),
                Err(e) => {
                    problems.push(Issue::new(
                        at,
                        format!("name: {} The row is left out.", e.message),
                    ));
                    continue;
                }
            },
            None => None,
        };
        let role = match get(cols[2]) {
            Some(r) => match Role::parse(&r.to_lowercase()) {
                Some(r) => Some(r),
                None => {
                    problems.push(Issue::new(
                        at,
                        format!("role \u{201c}{r}\u{201d} is not employee, hr or admin; the row is left out."),
                    ));
                    continue;
                }
            },
            None => None,
        };
        let manager = match get(cols[4]) {
            Some(m) => match Email::parse("manager", &m) {
                Ok(m) if m.as_str() == email => {
                    problems.push(Issue::new(
                        at,
                        "a person cannot be their own manager; the row is left out.",
                    ));
                    continue;
                }
                Ok(m) => Some(m.as_str().to_string()),
                Err(e) => {
                    problems.push(Issue::new(
                        at,
                        format!("manager: {} The row is left out.", e.message),
                    ));
                    continue;
                }
            },
            None => None,
        };
        seen.insert(email.clone(), *line);
        out.push(PersonRow {
            line: *line,
            email,
            name,
            job_title: get(cols[1]).map(|t| t.chars().take(120).collect()),
            role,
            unit: get(cols[3])
                .map(|u| unit_path(&u))
                .filter(|p| !p.is_empty()),
            manager,
            position: get(cols[5]),
        });
    }
    Ok((out, problems))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn rows_are_read_by_column_name_and_bad_rows_named() {
        let header = strings(&[
            "Name", "E-mail", "Role", "Unit", "Manager", "Position", "Notes",
        ]);
        let rows = vec![
            (
                2,
                strings(&[
                    "Ada Lovelace",
                    "ADA@example.org",
                    "admin",
                    "Labs / Engineering",
                    "",
                    "Engineer",
                    "x",
                ]),
            ),
            (
                3,
                strings(&["Bob", "bob@example.org", "", "", "ada@example.org", "", ""]),
            ),
            (4, strings(&["No Mail", "", "", "", "", "", ""])),
            (
                5,
                strings(&["Ada Again", "ada@example.org", "", "", "", "", ""]),
            ),
            (
                6,
                strings(&["Carol", "carol@example.org", "boss", "", "", "", ""]),
            ),
            (
                7,
                strings(&["Dan", "dan@example.org", "", "", "dan@example.org", "", ""]),
            ),
            (8, strings(&["", "", "", "", "", "", ""])),
        ];
        let (ok, problems) = parse(&header, &rows).unwrap();
        assert_eq!(ok.len(), 2);
        assert_eq!(ok[0].email, "ada@example.org");
        assert_eq!(ok[0].role, Some(Role::Admin));
        assert_eq!(
            ok[0].unit.as_deref(),
            Some(&strings(&["Labs", "Engineering"])[..])
        );
        assert_eq!(ok[0].position.as_deref(), Some("Engineer"));
        assert_eq!(ok[1].manager.as_deref(), Some("ada@example.org"));
        assert_eq!((ok[1].role, ok[1].unit.as_ref()), (None, None));
        let lines: Vec<&str> = problems.iter().map(|p| p.at.as_str()).collect();
        assert_eq!(lines, ["line 4", "line 5", "line 6", "line 7"]);
        assert!(parse(&strings(&["name"]), &[]).is_err());
    }
}

//! Moodle's competency-framework CSV (tool_lpimportcsv): the 14-column format of Moodle
//! 3.1+ and the older 12-column one. One row is the framework ("Is framework" set); every
//! other row is a competency under its "Parent id number". Where Moodle silently skips a
//! row (an empty id number or short name, an unknown parent, a duplicate id number) and
//! everything under it, this plan reports it with its line number and the reason, so the
//! admin imports nothing or chooses to import the valid rows.

use super::case::{Imported, ImportedNode, Issue, LinkKind};
use super::imports;
use super::tree::NodeKind;
use std::collections::HashMap;

/// A problem with one line of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// 1-based line of the file where the row starts (the header is line 1).
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// A competency to create.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedNode {
    pub line: usize,
    pub id_number: String,
    pub title: String,
    /// Plain text from the row's HTML description.
    pub definition: String,
    /// Index of the parent in [`MoodlePlan::nodes`] (parents come first).
    pub parent: Option<usize>,
    pub kind: NodeKind,
    /// Cross-referenced id numbers, as the row lists them.
    pub related: Vec<String>,
}

/// What the file would create.
#[derive(Debug, Clone, PartialEq)]
pub struct MoodlePlan {
    pub id_number: String,
    pub name: String,
    pub description: String,
    /// The framework's scale, lowest first.
    pub scale: Vec<String>,
    /// 1-based level from which someone is proficient.
    pub threshold: u8,
    /// Parents before children, siblings in file order.
    pub nodes: Vec<PlannedNode>,
    /// Rows left out, each with why.
    pub problems: Vec<Problem>,
}

/// The 14 columns of Moodle 3.1+, in order.
pub const COLUMNS: [&str; 14] = [
    "Parent id number",
    "Id number",
    "Shortname",
    "Description",
    "Description format",
    "Scale values",
    "Scale configuration",
    "Rule type (optional)",
    "Rule outcome (optional)",
    "Rule config (optional)",
    "Cross referenced competency id numbers",
    "Exported id (optional)",
    "Is framework",
    "Taxonomy",
];

const PARENT: &str = "parent id number";
const ID: &str = "id number";
const SHORTNAME: &str = "shortname";
const DESCRIPTION: &str = "description";
const SCALE_VALUES: &str = "scale values";
const SCALE_CONFIG: &str = "scale configuration";
const IS_FRAMEWORK: &str = "is framework";
const TAXONOMY: &str = "taxonomy";
const RELATED: &str = "cross referenced competency id numbers";

/// Moodle keeps id numbers and short names to 100 characters.
const MAX_TEXT: usize = 100;

fn clean(s: &str) -> String {
    let t = s.split_whitespace().collect::<Vec<_>>().join(" ");
    t.chars().take(MAX_TEXT).collect()
}

/// The text of an HTML description: tags dropped (paragraphs and line breaks become new
/// lines), the common entities decoded, blank lines collapsed.
pub fn html_to_text(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let Some(end) = rest[start..].find('>') else {
            out.push_str(&rest[start..]);
            rest = "";
            break;
        };
        let tag = rest[start + 1..start + end].trim().to_ascii_lowercase();
        if tag.starts_with("br")
            || tag.starts_with("/p")
            || tag.starts_with("/li")
            || tag.starts_with("/div")
        {
            out.push('\n');
        }
        rest = &rest[start + end + 1..];
    }
    out.push_str(rest);
    let decoded = out
        .replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    decoded
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The taxonomy terms per depth: a comma list ("competency,behaviour") or, in the older
/// format, a JSON object by depth ({"1":"domain","2":"competency"}).
fn taxonomy(raw: &str) -> Vec<String> {
    if let Ok(map) = serde_json::from_str::<HashMap<String, String>>(raw) {
        let mut v: Vec<(usize, String)> = map
            .into_iter()
            .filter_map(|(k, t)| k.parse().ok().map(|k| (k, t.to_lowercase())))
            .collect();
        v.sort();
        return v.into_iter().map(|x| x.1).collect();
    }
    raw.split(',').map(|t| t.trim().to_lowercase()).collect()
}

/// The proficient level (1-based) from Moodle's scale configuration JSON; the top level
/// when none is marked.
fn threshold(config: &str, levels: usize) -> u8 {
    let parsed: Vec<serde_json::Value> = serde_json::from_str(config).unwrap_or_default();
    let mut marked: Vec<usize> = parsed
        .iter()
        .filter(|v| {
            v.get("proficient")
                .and_then(|p| p.as_i64().or_else(|| p.as_str()?.parse().ok()))
                == Some(1)
        })
        .filter_map(|v| {
            v.get("id")
                .and_then(|i| i.as_u64().or_else(|| i.as_str()?.parse().ok()))
        })
        .map(|i| i as usize)
        .filter(|i| (1..=levels).contains(i))
        .collect();
    marked.sort_unstable();
    u8::try_from(marked.first().copied().unwrap_or(levels).max(1)).unwrap_or(1)
}

/// The header's column names, to find a row's fields by name.
struct Columns(Vec<String>);

impl Columns {
    fn new(header: &[String]) -> Columns {
        Columns(header.iter().map(|h| h.trim().to_lowercase()).collect())
    }

    fn col(&self, name: &str) -> Option<usize> {
        self.0.iter().position(|n| n == name)
    }

    /// The field `name` of `row` ("" when the column or the field is missing).
    fn get(&self, row: &[String], name: &str) -> String {
        self.col(name)
            .and_then(|i| row.get(i))
            .cloned()
            .unwrap_or_default()
    }
}

/// A competency row and the line it starts on.
type Row<'a> = (usize, &'a Vec<String>);

/// The framework row and the line it starts on.
type FrameworkRow = (usize, Vec<String>);

/// Plans the import of a file already split into records: `header` is line 1, each row
/// comes with the line it starts on. A file that cannot be a framework at all is an error;
/// rows that cannot be imported are listed in the plan's problems.
pub fn plan(header: &[String], rows: &[(usize, Vec<String>)]) -> Result<MoodlePlan, Problem> {
    let cols = Columns::new(header);
    check_header(&cols)?;
    let mut problems = Vec::new();
    let ((fw_line, fw), competencies) = split_rows(&cols, rows, &mut problems)?;
    let name = clean(&cols.get(&fw, SHORTNAME));
    if name.is_empty() {
        return Err(Problem {
            line: fw_line,
            message: "The framework row has no Shortname.".into(),
        });
    }
    let scale: Vec<String> = cols
        .get(&fw, SCALE_VALUES)
        .split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    let scale = if scale.len() >= 2 {
        scale
    } else {
        vec!["Not yet competent".into(), "Competent".into()]
    };
    let threshold = threshold(&cols.get(&fw, SCALE_CONFIG), scale.len());
    let terms = taxonomy(&cols.get(&fw, TAXONOMY));

    let (by_id, ok) = check_ids(&cols, &competencies, &mut problems);
    let (parent_of, state) = resolve_parents(&cols, &competencies, &by_id, &ok, &mut problems);
    let nodes = order_nodes(&cols, &competencies, &parent_of, &state, &terms);
    problems.sort_by_key(|p| p.line);
    Ok(MoodlePlan {
        id_number: clean(&cols.get(&fw, ID)),
        name,
        description: html_to_text(&cols.get(&fw, DESCRIPTION)),
        scale,
        threshold,
        nodes,
        problems,
    })
}

/// Refuses a header without the columns every Moodle framework export has.
fn check_header(cols: &Columns) -> Result<(), Problem> {
    let mut missing = Vec::new();
    for required in [PARENT, ID, SHORTNAME, DESCRIPTION, IS_FRAMEWORK] {
        if cols.col(required).is_none() {
            missing.push(required);
        }
    }
    if !missing.is_empty() {
        return Err(Problem {
            line: 1,
            message: format!(
                "This is not a Moodle competency framework CSV: the header has no {} column.",
                missing
                    .iter()
                    .map(|m| format!("\u{201c}{m}\u{201d}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        });
    }
    Ok(())
}

/// The framework row (the first with "Is framework" set) and the competency rows; blank
/// rows are skipped and further framework rows are problems.
fn split_rows<'a>(
    cols: &Columns,
    rows: &'a [(usize, Vec<String>)],
    problems: &mut Vec<Problem>,
) -> Result<(FrameworkRow, Vec<Row<'a>>), Problem> {
    let mut framework: Option<FrameworkRow> = None;
    let mut competencies: Vec<Row<'a>> = Vec::new();
    for (line, row) in rows {
        if row.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        if !cols.get(row, IS_FRAMEWORK).trim().is_empty() {
            match &framework {
                None => framework = Some((*line, row.clone())),
                Some((first, _)) => problems.push(Problem {
                    line: *line,
                    message: format!(
                        "A second framework row (the first is on line {first}); it is left out."
                    ),
                }),
            }
        } else {
            competencies.push((*line, row));
        }
    }
    let Some(framework) = framework else {
        return Err(Problem {
            line: 1,
            message: "No row has \u{201c}Is framework\u{201d} set, so the file has no framework to import.".into(),
        });
    };
    Ok((framework, competencies))
}

/// Rows that can stand on their own: an id number, a short name, and one row per id.
/// Returns the row of each id number and whether each row passed.
fn check_ids(
    cols: &Columns,
    competencies: &[Row<'_>],
    problems: &mut Vec<Problem>,
) -> (HashMap<String, usize>, Vec<bool>) {
    let mut by_id: HashMap<String, usize> = HashMap::new();
    let mut ok: Vec<bool> = vec![true; competencies.len()];
    for (i, (line, row)) in competencies.iter().enumerate() {
        let id = clean(&cols.get(row, ID));
        if id.is_empty() {
            problems.push(Problem {
                line: *line,
                message: "The Id number is empty; this row and everything under it are left out."
                    .into(),
            });
            ok[i] = false;
        } else if clean(&cols.get(row, SHORTNAME)).is_empty() {
            problems.push(Problem { line: *line, message: format!("\u{201c}{id}\u{201d} has no Shortname; it and everything under it are left out.") });
            ok[i] = false;
        }
        if !id.is_empty() {
            if let Some(first) = by_id.get(&id) {
                problems.push(Problem {
                    line: *line,
                    message: format!("The Id number \u{201c}{id}\u{201d} is already used on line {}; this row and everything under it are left out.", competencies[*first].0),
                });
                ok[i] = false;
            } else {
                by_id.insert(id, i);
            }
        }
    }
    (by_id, ok)
}

/// Each row's parent: none, a row, or an id number not in the file.
type ParentOf = Vec<Option<Result<usize, String>>>;

/// Parents: known, imported, and no loops. A row whose parent is left out is left out.
/// Returns each row's parent and whether the row is imported (`Some(true)`).
fn resolve_parents(
    cols: &Columns,
    competencies: &[Row<'_>],
    by_id: &HashMap<String, usize>,
    ok: &[bool],
    problems: &mut Vec<Problem>,
) -> (ParentOf, Vec<Option<bool>>) {
    let parent_of: ParentOf = competencies
        .iter()
        .map(|(_, row)| {
            let p = clean(&cols.get(row, PARENT));
            (!p.is_empty()).then(|| by_id.get(&p).copied().ok_or(p))
        })
        .collect();
    let mut state: Vec<Option<bool>> = vec![None; competencies.len()];
    for start in 0..competencies.len() {
        let mut chain = Vec::new();
        let mut cur = start;
        let verdict = loop {
            if let Some(v) = state[cur] {
                break v;
            }
            if chain.contains(&cur) {
                problems.push(Problem {
                    line: competencies[cur].0,
                    message: "Its Parent id numbers go round in a loop; the rows of the loop are left out.".into(),
                });
                break false;
            }
            chain.push(cur);
            if !ok[cur] {
                break false;
            }
            match &parent_of[cur] {
                None => break true,
                Some(Err(p)) => {
                    problems.push(Problem {
                        line: competencies[cur].0,
                        message: format!("Its Parent id number \u{201c}{p}\u{201d} is not in the file; this row and everything under it are left out."),
                    });
                    break false;
                }
                Some(Ok(p)) => cur = *p,
            }
        };
        for c in &chain {
            if state[*c].is_none() {
                state[*c] = Some(verdict);
            }
        }
    }
    for (i, (line, _)) in competencies.iter().enumerate() {
        let descends_from_bad =
            state[i] == Some(false) && ok[i] && !problems.iter().any(|p| p.line == *line);
        if descends_from_bad {
            problems.push(Problem {
                line: *line,
                message: "A row above it is left out, so this one is too.".into(),
            });
        }
    }
    (parent_of, state)
}

/// The imported rows as nodes, parents before children, siblings in file order; a leaf
/// whose taxonomy term names a behaviour is a skill.
fn order_nodes(
    cols: &Columns,
    competencies: &[Row<'_>],
    parent_of: &ParentOf,
    state: &[Option<bool>],
    terms: &[String],
) -> Vec<PlannedNode> {
    let mut children: HashMap<Option<usize>, Vec<usize>> = HashMap::new();
    for i in 0..competencies.len() {
        if state[i] == Some(true) {
            let p = parent_of[i].as_ref().and_then(|r| r.as_ref().ok().copied());
            children.entry(p).or_default().push(i);
        }
    }
    let mut nodes: Vec<PlannedNode> = Vec::new();
    let mut stack: Vec<(usize, Option<usize>, usize)> = children
        .get(&None)
        .map(|v| v.iter().rev().map(|i| (*i, None, 0)).collect())
        .unwrap_or_default();
    while let Some((i, parent, depth)) = stack.pop() {
        let (line, row) = competencies[i];
        let kids = children.get(&Some(i)).cloned().unwrap_or_default();
        let term = terms.get(depth).map(String::as_str).unwrap_or("competency");
        let kind = if kids.is_empty()
            && matches!(term, "behaviour" | "indicator" | "skill" | "practice")
        {
            NodeKind::Skill
        } else {
            NodeKind::Competency
        };
        let index = nodes.len();
        nodes.push(PlannedNode {
            line,
            id_number: clean(&cols.get(row, ID)),
            title: clean(&cols.get(row, SHORTNAME)),
            definition: html_to_text(&cols.get(row, DESCRIPTION)),
            parent,
            kind,
            related: cols
                .get(row, RELATED)
                .split(',')
                .map(|r| clean(&r.replace("%2C", ",")))
                .filter(|r| !r.is_empty())
                .collect(),
        });
        for k in kids.iter().rev() {
            stack.push((*k, Some(index), depth + 1));
        }
    }
    nodes
}

/// The plan as the neutral structure every import stores: id numbers become identifiers
/// and short codes, and cross references become `isRelatedTo` links (one per pair; a
/// reference to an id number not in the plan is a warning, as Moodle ignores it).
pub fn to_imported(p: &MoodlePlan) -> (Imported, Vec<Issue>) {
    let nodes: Vec<ImportedNode> = p
        .nodes
        .iter()
        .map(|n| {
            let mut x = imports::node(
                &n.id_number,
                n.parent.map(|q| p.nodes[q].id_number.as_str()),
                n.kind,
                &n.title,
            );
            x.short_code = n.id_number.clone();
            x.definition = n.definition.clone();
            x
        })
        .collect();
    let index: HashMap<&str, usize> = p
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.id_number.as_str(), i))
        .collect();
    let mut links = Vec::new();
    let mut warnings = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (i, n) in p.nodes.iter().enumerate() {
        for r in &n.related {
            match index.get(r.as_str()) {
                Some(&j) if j != i => {
                    if seen.insert((i.min(j), i.max(j))) {
                        links.push(imports::node_link(
                            LinkKind::IsRelatedTo,
                            &nodes[i],
                            &nodes[j],
                        ));
                    }
                }
                Some(_) => {}
                None => warnings.push(Issue::new(
                    format!("line {}", n.line),
                    format!("the cross-referenced id number \u{201c}{r}\u{201d} is not in the file; that reference is left out."),
                )),
            }
        }
    }
    (
        imports::framework(&p.name, &p.description, &p.id_number, nodes, links),
        warnings,
    )
}

/// The plan's problems in the form every import reports them.
pub fn issues(problems: &[Problem]) -> Vec<Issue> {
    problems
        .iter()
        .map(|p| Issue::new(format!("line {}", p.line), p.message.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header() -> Vec<String> {
        COLUMNS.iter().map(|s| s.to_string()).collect()
    }

    fn row(parent: &str, id: &str, name: &str, framework: bool) -> Vec<String> {
        let mut r = vec![String::new(); 14];
        r[0] = parent.into();
        r[1] = id.into();
        r[2] = name.into();
        r[3] = format!("<p>About {name}</p>");
        if framework {
            r[5] = "Not yet competent,Competent".into();
            r[6] = r#"[{"scaleid":"2"},{"id":1,"scaledefault":1,"proficient":0},{"id":2,"scaledefault":0,"proficient":1}]"#.into();
            r[12] = "1".into();
            r[13] = "competency,behaviour".into();
        }
        r
    }

    fn rows(list: &[Vec<String>]) -> Vec<(usize, Vec<String>)> {
        list.iter()
            .enumerate()
            .map(|(i, r)| (i + 2, r.clone()))
            .collect()
    }

    #[test]
    fn a_clean_file_plans_every_row_parents_first() {
        let p = plan(
            &header(),
            &rows(&[
                row("", "F", "Frame", true),
                row("A", "A1", "Child", false),
                row("", "A", "Root", false),
            ]),
        )
        .unwrap();
        assert!(p.problems.is_empty(), "{:?}", p.problems);
        assert_eq!(p.name, "Frame");
        assert_eq!(p.scale, ["Not yet competent", "Competent"]);
        assert_eq!(p.threshold, 2);
        let titles: Vec<&str> = p.nodes.iter().map(|n| n.title.as_str()).collect();
        assert_eq!(titles, ["Root", "Child"]);
        assert_eq!(p.nodes[1].parent, Some(0));
        assert_eq!(p.nodes[1].kind, NodeKind::Skill);
        assert_eq!(p.nodes[0].kind, NodeKind::Competency);
        assert_eq!(p.nodes[0].definition, "About Root");
        let (i, warnings) = to_imported(&p);
        assert!(warnings.is_empty());
        assert_eq!(
            i.nodes[1].parent.as_deref(),
            Some(i.nodes[0].external_id.as_str())
        );
        assert_eq!(i.nodes[1].short_code, i.nodes[1].external_id);
    }

    #[test]
    fn skipped_rows_are_named_with_their_lines_and_take_their_subtree() {
        let p = plan(
            &header(),
            &rows(&[
                row("", "F", "Frame", true),           // 2
                row("", "", "No id", false),           // 3
                row("", "B", "B", false),              // 4
                row("B", "B1", "B1", false),           // 5
                row("", "B", "B again", false),        // 6
                row("X", "C", "Orphan", false),        // 7
                row("C", "C1", "Under orphan", false), // 8
                row("", "D", "", false),               // 9
            ]),
        )
        .unwrap();
        let lines: Vec<usize> = p.problems.iter().map(|x| x.line).collect();
        assert_eq!(lines, [3, 6, 7, 8, 9], "{:?}", p.problems);
        assert!(p.problems[1].message.contains("line 4"));
        assert!(p.problems[2].message.contains("\u{201c}X\u{201d}"));
        assert_eq!(p.nodes.len(), 2);
    }

    #[test]
    fn loops_and_missing_columns_and_frameworks() {
        let p = plan(
            &header(),
            &rows(&[
                row("", "F", "Frame", true),
                row("B", "A", "A", false),
                row("A", "B", "B", false),
            ]),
        )
        .unwrap();
        assert!(p.nodes.is_empty());
        assert!(
            p.problems.iter().any(|x| x.message.contains("loop")),
            "{:?}",
            p.problems
        );
        let err = plan(&header()[1..], &[]).unwrap_err();
        assert!(err.message.contains("parent id number"), "{err}");
        let err = plan(&header(), &rows(&[row("", "A", "A", false)])).unwrap_err();
        assert!(err.message.contains("Is framework"), "{err}");
    }

    #[test]
    fn descriptions_become_text_and_old_taxonomies_parse() {
        assert_eq!(
            html_to_text("<p>One &amp; two</p><p>Three<br>four</p>"),
            "One & two\nThree\nfour"
        );
        assert_eq!(
            taxonomy(r#"{"2":"competency","1":"domain"}"#),
            ["domain", "competency"]
        );
        assert_eq!(threshold("not json", 3), 3);
    }
}

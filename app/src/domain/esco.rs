//! ESCO (the European Skills, Competences, Qualifications and Occupations classification):
//! its skills as a framework grouped by skill type, with ESCO URIs as identifiers, and its
//! occupations as positions whose requirements are their essential skills and knowledge.
//!
//! Two skill files are read:
//! - the JSON list (`ict_skills.json`): `uri`, `label`, `altLabel[]`, `description`,
//!   `skillType`. Labels are clean; items are grouped under their skill type.
//! - the two-column CSV (`skills.csv`: `id`, `description`), whose text joins the
//!   preferred label, the alternative labels and the definition with plain spaces and has
//!   no skill type. The definition is found as the first sentence-like run (a capitalised
//!   word followed by a lower-case one); the title is the text before it, which may hold
//!   alternative labels too, so the preview says the titles need a review. Items are
//!   grouped by their title's first letter.

use super::case::{Imported, ImportedNode, Issue};
use super::imports;
use super::tree::NodeKind;
use serde::Deserialize;
use serde_json::Value;
use std::collections::HashMap;

/// Where ESCO identifiers start.
pub const URI_PREFIX: &str = "http://data.europa.eu/esco/";

/// ESCO's skill-type concepts, with the category titles Proficio gives them.
const SKILL_TYPES: [(&str, &str, &str); 2] = [
    (
        "skill",
        "http://data.europa.eu/esco/skill-type/skill",
        "Skills and competences",
    ),
    (
        "knowledge",
        "http://data.europa.eu/esco/skill-type/knowledge",
        "Knowledge",
    ),
];

/// Node titles are kept to this many characters.
const MAX_TITLE: usize = 200;

/// What an ESCO skills file would create.
#[derive(Debug, Clone, PartialEq)]
pub struct SkillsPlan {
    pub imported: Imported,
    /// Items left out, each with where and why.
    pub problems: Vec<Issue>,
    /// A remark for the preview.
    pub note: String,
}

/// The items of a JSON list; bad JSON is named by line and column, anything else than a
/// list gets `not_a_list`.
fn json_list(text: &str, not_a_list: &str) -> Result<Vec<Value>, Issue> {
    match serde_json::from_str(text) {
        Ok(Value::Array(items)) => Ok(items),
        Ok(_) => Err(Issue::new("file", not_a_list)),
        Err(e) => Err(Issue::new(
            format!("line {}, column {}", e.line(), e.column()),
            format!("this is not valid JSON ({e})."),
        )),
    }
}

/// The columns `id` and `description` of a two-column ESCO CSV, or what is missing.
fn id_and_description(header: &[String], what: &str) -> Result<(usize, usize), Issue> {
    let names: Vec<String> = header.iter().map(|h| h.trim().to_lowercase()).collect();
    let col = |n: &str| names.iter().position(|h| h == n);
    match (col("id"), col("description")) {
        (Some(id), Some(text)) => Ok((id, text)),
        _ => Err(Issue::new(
            "line 1",
            format!("an ESCO {what} CSV needs the columns \u{201c}id\u{201d} (the ESCO URI) and \u{201c}description\u{201d}."),
        )),
    }
}

fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn cut(s: &str) -> String {
    s.chars().take(MAX_TITLE).collect()
}

/// Whether `s` can be an item's identifier: an absolute URI (ESCO's, or an extension's
/// such as `http://par-tec.it/esco/skill/…`), without spaces.
fn is_uri(s: &str) -> bool {
    let scheme = s.split_once(':').map_or("", |(a, _)| a);
    !scheme.is_empty()
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        && s.len() > scheme.len() + 1
        && !s.contains(char::is_whitespace)
}

/// Reads the JSON list of ESCO skills.
pub fn plan_json(text: &str) -> Result<SkillsPlan, Issue> {
    let items = json_list(
        text,
        "an ESCO skills file is a JSON list of skills, each with uri, label and skillType.",
    )?;
    let mut problems = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut groups: Vec<Vec<ImportedNode>> = vec![Vec::new(); SKILL_TYPES.len() + 1];
    for (i, item) in items.iter().enumerate() {
        let at = |uri: &str| {
            if uri.is_empty() {
                format!("item {}", i + 1)
            } else {
                format!("item {} ({uri})", i + 1)
            }
        };
        let text = |k: &str| item.get(k).and_then(Value::as_str).unwrap_or("").trim();
        let uri = text("uri");
        let label = squash(text("label"));
        if !item.is_object() {
            problems.push(Issue::new(at(""), "is not an object; it is left out."));
            continue;
        }
        if !is_uri(uri) {
            problems.push(Issue::new(
                at(uri),
                format!("the uri must be a URI, such as {URI_PREFIX}skill/…; it is left out."),
            ));
            continue;
        }
        if label.is_empty() {
            problems.push(Issue::new(at(uri), "has no label; it is left out."));
            continue;
        }
        if let Some(first) = seen.get(uri) {
            problems.push(Issue::new(
                at(uri),
                format!("the same uri as item {first}; the later one is left out."),
            ));
            continue;
        }
        seen.insert(uri.to_string(), i + 1);
        let skill_type = text("skillType").to_lowercase();
        let group = SKILL_TYPES
            .iter()
            .position(|t| skill_type == t.0 || skill_type.starts_with(&format!("{}/", t.0)))
            .unwrap_or(SKILL_TYPES.len());
        let mut n = imports::node(uri, None, NodeKind::Competency, &cut(&label));
        n.definition = text("description").to_string();
        n.alt_labels = item
            .get("altLabel")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(squash)
            .filter(|a| !a.is_empty() && *a != label)
            .collect();
        n.alt_labels.dedup();
        groups[group].push(n);
    }
    let mut categories: Vec<(String, String)> = SKILL_TYPES
        .iter()
        .map(|t| (t.1.to_string(), t.2.to_string()))
        .collect();
    categories.push((
        "urn:proficio:esco:skill-type:other".into(),
        "Other (no skill type given)".into(),
    ));
    Ok(SkillsPlan {
        imported: grouped("ESCO skills", categories, groups),
        problems,
        note: "Grouped by skill type; every ESCO URI is kept as the node's identifier, and alternative labels are searched when drafting requirements.".into(),
    })
}

/// Splits a `skills.csv` text into the labels and the definition: the definition starts
/// at the first capitalised word (not the first word, not an acronym or a name like
/// "JavaScript") that a lower-case word follows.
pub fn split_labels(text: &str) -> (String, String) {
    let words: Vec<(usize, &str)> = text
        .split_whitespace()
        .map(|w| (w.as_ptr() as usize - text.as_ptr() as usize, w))
        .collect();
    for k in 1..words.len() {
        let (at, w) = words[k];
        let mut chars = w.chars();
        let first_upper = chars.next().is_some_and(char::is_uppercase);
        let rest_lower = !chars.any(char::is_uppercase);
        let next_lower = words
            .get(k + 1)
            .is_none_or(|(_, n)| n.chars().next().is_some_and(char::is_lowercase));
        if first_upper && rest_lower && next_lower {
            return (squash(&text[..at]), text[at..].trim().to_string());
        }
    }
    (squash(text), String::new())
}

/// Reads `skills.csv` (columns `id` and `description`), already split into records with
/// their lines.
pub fn plan_csv(header: &[String], rows: &[(usize, Vec<String>)]) -> Result<SkillsPlan, Issue> {
    let (id, text) = id_and_description(header, "skills")?;
    let mut problems = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut letters: Vec<char> = Vec::new();
    let mut groups: Vec<Vec<ImportedNode>> = Vec::new();
    for (line, row) in rows {
        let get = |i: usize| row.get(i).map_or("", |s| s.trim());
        let uri = get(id);
        if row.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let at = format!("line {line}");
        if !is_uri(uri) {
            problems.push(Issue::new(
                at,
                format!("the id must be a URI, such as {URI_PREFIX}skill/…; the row is left out."),
            ));
            continue;
        }
        let (title, definition) = split_labels(get(text));
        if title.is_empty() {
            problems.push(Issue::new(
                at,
                "the description is empty; the row is left out.",
            ));
            continue;
        }
        if let Some(first) = seen.get(uri) {
            problems.push(Issue::new(
                at,
                format!("the id {uri} is already on line {first}; this row is left out."),
            ));
            continue;
        }
        seen.insert(uri.to_string(), *line);
        let letter = title
            .chars()
            .next()
            .filter(|c| c.is_alphabetic())
            .map_or('#', |c| c.to_uppercase().next().unwrap_or(c));
        let g = match letters.iter().position(|l| *l == letter) {
            Some(g) => g,
            None => {
                letters.push(letter);
                groups.push(Vec::new());
                letters.len() - 1
            }
        };
        let mut n = imports::node(uri, None, NodeKind::Competency, &cut(&title));
        n.definition = definition;
        groups[g].push(n);
    }
    // Letters in order, each group's items by title.
    let mut order: Vec<usize> = (0..letters.len()).collect();
    order.sort_by_key(|g| (letters[*g] == '#', letters[*g]));
    let categories = order
        .iter()
        .map(|g| {
            let l = letters[*g];
            (
                format!("urn:proficio:esco:letter:{l}"),
                if l == '#' {
                    "Other".to_string()
                } else {
                    l.to_string()
                },
            )
        })
        .collect();
    let mut sorted: Vec<Vec<ImportedNode>> = order
        .into_iter()
        .map(|g| std::mem::take(&mut groups[g]))
        .collect();
    for g in &mut sorted {
        g.sort_by_key(|n| n.title.to_lowercase());
    }
    Ok(SkillsPlan {
        imported: grouped("ESCO skills", categories, sorted),
        problems,
        note: "This file has no skill types and joins each skill's labels and definition with spaces: titles are the text before the definition (they may hold alternative labels too; review them in the editor), and skills are grouped by their first letter. ESCO URIs are kept as identifiers.".into(),
    })
}

/// A framework of one category per non-empty group, the group's items under it.
fn grouped(
    name: &str,
    categories: Vec<(String, String)>,
    groups: Vec<Vec<ImportedNode>>,
) -> Imported {
    let mut nodes = Vec::new();
    for ((id, title), items) in categories.into_iter().zip(groups) {
        if items.is_empty() {
            continue;
        }
        nodes.push(imports::node(&id, None, NodeKind::Category, &title));
        for mut n in items {
            n.parent = Some(id.clone());
            nodes.push(n);
        }
    }
    imports::framework(
        name,
        "Skills from ESCO, the European Skills, Competences, Qualifications and Occupations classification (European Commission).",
        "",
        nodes,
        Vec::new(),
    )
}

/// An ESCO occupation as the JSON file gives it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Occupation {
    #[serde(default)]
    pub uri: String,
    #[serde(default)]
    pub label: String,
    #[serde(default)]
    pub description: String,
    /// Labels of its essential skills.
    #[serde(default, rename = "skill_")]
    pub essential_skills: Vec<String>,
    /// Labels of its essential knowledge.
    #[serde(default, rename = "knowledge_")]
    pub essential_knowledge: Vec<String>,
}

impl Occupation {
    /// Essential skills then knowledge, each label once, in file order.
    pub fn essentials(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for l in self
            .essential_skills
            .iter()
            .chain(&self.essential_knowledge)
        {
            let l = squash(l);
            if !l.is_empty() && !out.contains(&l) {
                out.push(l);
            }
        }
        out
    }
}

/// Reads the occupations JSON list: the occupations that can be imported, and the items
/// that cannot, each with where and why.
pub fn read_occupations(text: &str) -> Result<(Vec<Occupation>, Vec<Issue>), Issue> {
    let items = json_list(
        text,
        "an ESCO occupations file is a JSON list of occupations, each with uri, label, skill_ and knowledge_.",
    )?;
    let mut out: Vec<Occupation> = Vec::new();
    let mut problems = Vec::new();
    for (i, item) in items.into_iter().enumerate() {
        let at = format!("item {}", i + 1);
        let o: Occupation = match serde_json::from_value(item) {
            Ok(o) => o,
            Err(e) => {
                problems.push(Issue::new(
                    at,
                    format!("cannot be read ({e}); it is left out."),
                ));
                continue;
            }
        };
        if !is_uri(o.uri.trim()) {
            problems.push(Issue::new(at, "has no uri; it is left out."));
        } else if squash(&o.label).is_empty() {
            problems.push(Issue::new(
                format!("{at} ({})", o.uri),
                "has no label; it is left out.",
            ));
        } else if out.iter().any(|p| p.uri == o.uri) {
            problems.push(Issue::new(
                format!("{at} ({})", o.uri),
                "appears twice; the later one is left out.",
            ));
        } else {
            out.push(o);
        }
    }
    Ok((out, problems))
}

/// Reads the two-column occupations CSV (`occupations.csv`: `id`, `description`), already
/// split into records with their lines. It lists no skills, so the occupations have no
/// essentials; titles are the text before the definition, as for `skills.csv`.
pub fn read_occupations_csv(
    header: &[String],
    rows: &[(usize, Vec<String>)],
) -> Result<(Vec<Occupation>, Vec<Issue>), Issue> {
    let (id, text) = id_and_description(header, "occupations")?;
    let mut out: Vec<Occupation> = Vec::new();
    let mut problems = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (line, row) in rows {
        if row.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let get = |i: usize| row.get(i).map_or("", |s| s.trim());
        let at = format!("line {line}");
        let uri = get(id);
        let (label, description) = split_labels(get(text));
        if !is_uri(uri) {
            problems.push(Issue::new(at, "the id must be a URI; the row is left out."));
        } else if label.is_empty() {
            problems.push(Issue::new(
                at,
                "the description is empty; the row is left out.",
            ));
        } else if let Some(first) = seen.get(uri) {
            problems.push(Issue::new(
                at,
                format!("the id {uri} is already on line {first}; this row is left out."),
            ));
        } else {
            seen.insert(uri.to_string(), *line);
            out.push(Occupation {
                uri: uri.to_string(),
                label,
                description,
                essential_skills: Vec::new(),
                essential_knowledge: Vec::new(),
            });
        }
    }
    Ok((out, problems))
}

/// Finds ESCO nodes by label: an exact title or alternative label (ignoring case) first,
/// else the shortest title that starts with the label and a space (titles read from
/// `skills.csv` hold the labels one after another).
#[derive(Debug, Default)]
pub struct LabelIndex {
    exact: HashMap<String, i64>,
    /// (lower-case title, node), sorted.
    titles: Vec<(String, i64)>,
}

impl LabelIndex {
    /// An index over `(node id, title, alternative labels)`; earlier nodes win ties.
    pub fn new(nodes: impl IntoIterator<Item = (i64, String, Vec<String>)>) -> LabelIndex {
        let mut ix = LabelIndex::default();
        let mut alts = Vec::new();
        for (id, title, alt) in nodes {
            let t = squash(&title).to_lowercase();
            ix.exact.entry(t.clone()).or_insert(id);
            ix.titles.push((t, id));
            alts.extend(alt.into_iter().map(|a| (squash(&a).to_lowercase(), id)));
        }
        for (a, id) in alts {
            ix.exact.entry(a).or_insert(id);
        }
        ix.titles.sort();
        ix
    }

    /// The node for a label.
    pub fn find(&self, label: &str) -> Option<i64> {
        let l = squash(label).to_lowercase();
        if l.is_empty() {
            return None;
        }
        if let Some(id) = self.exact.get(&l) {
            return Some(*id);
        }
        let prefix = format!("{l} ");
        let start = self
            .titles
            .partition_point(|(t, _)| t.as_str() < prefix.as_str());
        self.titles[start..]
            .iter()
            .take_while(|(t, _)| t.starts_with(&prefix))
            .min_by_key(|(t, _)| t.len())
            .map(|(_, id)| *id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_and_definition_are_split_at_the_first_sentence() {
        let (t, d) = split_labels(
            "manage musical staff manage staff of music Assign and manage staff tasks.",
        );
        assert_eq!(t, "manage musical staff manage staff of music");
        assert_eq!(d, "Assign and manage staff tasks.");
        let (t, d) = split_labels("use ICT tools use JavaScript Use the tools to write.");
        assert_eq!(t, "use ICT tools use JavaScript");
        assert_eq!(d, "Use the tools to write.");
        assert_eq!(split_labels("only labels here").1, "");
    }

    #[test]
    fn json_skills_are_grouped_by_type_and_bad_items_named() {
        let text = r#"[
            {"uri": "http://data.europa.eu/esco/skill/a", "label": "Haskell", "altLabel": ["Haskell", "Haskell lang"], "description": "A language.", "skillType": "knowledge"},
            {"uri": "http://data.europa.eu/esco/skill/b", "label": "debug software", "skillType": "skill/competence"},
            {"uri": "http://data.europa.eu/esco/skill/b", "label": "again", "skillType": "skill"},
            {"uri": "not a uri", "label": "no uri"},
            {"uri": "http://data.europa.eu/esco/skill/c", "label": ""},
            3
        ]"#;
        let p = plan_json(text).unwrap();
        let titles: Vec<&str> = p.imported.nodes.iter().map(|n| n.title.as_str()).collect();
        assert_eq!(
            titles,
            [
                "Skills and competences",
                "debug software",
                "Knowledge",
                "Haskell"
            ]
        );
        assert_eq!(p.imported.nodes[3].alt_labels, ["Haskell lang"]);
        assert_eq!(
            p.imported.nodes[3].parent.as_deref(),
            Some(SKILL_TYPES[1].1)
        );
        let at: Vec<&str> = p.problems.iter().map(|i| i.at.as_str()).collect();
        assert_eq!(at.len(), 4, "{:?}", p.problems);
        assert!(at[0].starts_with("item 3"));
        assert!(plan_json("{").unwrap_err().at.starts_with("line 1"));
        assert!(plan_json("{}").is_err());
    }

    #[test]
    fn csv_skills_are_grouped_by_letter() {
        let header = vec!["id".to_string(), "description".to_string()];
        let row = |l: usize, id: &str, t: &str| (l, vec![id.to_string(), t.to_string()]);
        let p = plan_csv(
            &header,
            &[
                row(
                    2,
                    "http://data.europa.eu/esco/skill/2",
                    "build walls erect walls Put bricks on bricks.",
                ),
                row(
                    3,
                    "http://data.europa.eu/esco/skill/1",
                    "apply paint Put paint on walls.",
                ),
                row(
                    4,
                    "http://data.europa.eu/esco/skill/3",
                    "assess risk Look at what could go wrong.",
                ),
                row(5, "http://data.europa.eu/esco/skill/1", "duplicate Again."),
                row(6, "nope", "x Y z."),
                row(7, "urn:x:1", "9 lives Nine of them."),
            ],
        )
        .unwrap();
        let titles: Vec<&str> = p.imported.nodes.iter().map(|n| n.title.as_str()).collect();
        assert_eq!(
            titles,
            [
                "A",
                "apply paint",
                "assess risk",
                "B",
                "build walls erect walls",
                "Other",
                "9 lives"
            ]
        );
        assert_eq!(p.imported.nodes[1].definition, "Put paint on walls.");
        let lines: Vec<&str> = p.problems.iter().map(|i| i.at.as_str()).collect();
        assert_eq!(lines, ["line 5", "line 6"]);
        assert!(plan_csv(&["uri".into()], &[]).is_err());
    }

    #[test]
    fn labels_resolve_exactly_then_by_prefix() {
        let ix = LabelIndex::new(vec![
            (
                1,
                "Haskell".to_string(),
                vec!["Haskell programming".to_string()],
            ),
            (2, "manage staff manage people".to_string(), vec![]),
            (
                3,
                "manage staff of music direct music staff".to_string(),
                vec![],
            ),
            (4, "manage".to_string(), vec![]),
        ]);
        assert_eq!(ix.find("haskell"), Some(1));
        assert_eq!(ix.find("Haskell  programming"), Some(1));
        assert_eq!(ix.find("manage staff"), Some(2));
        assert_eq!(ix.find("manage staff of music"), Some(3));
        assert_eq!(ix.find("Manage"), Some(4));
        assert_eq!(ix.find("lead"), None);
        assert_eq!(ix.find(""), None);
    }

    #[test]
    fn the_occupations_csv_gives_titles_and_definitions() {
        let header = vec!["id".to_string(), "description".to_string()];
        let (o, problems) = read_occupations_csv(
            &header,
            &[
                (
                    2,
                    vec![
                        "http://data.europa.eu/esco/occupation/1".into(),
                        "technical director head of technical Technical directors realise visions."
                            .into(),
                    ],
                ),
                (4, vec!["".into(), "x".into()]),
            ],
        )
        .unwrap();
        assert_eq!(o[0].label, "technical director head of technical");
        assert_eq!(o[0].description, "Technical directors realise visions.");
        assert!(o[0].essentials().is_empty());
        assert_eq!(problems[0].at, "line 4");
        assert!(read_occupations_csv(&["uri".into()], &[]).is_err());
    }

    #[test]
    fn occupations_keep_their_essentials_once() {
        let (o, problems) = read_occupations(
            r#"[{"uri": "http://data.europa.eu/esco/occupation/1", "label": "Dev", "skill_": ["a", "b", "a"], "knowledge_": ["b", "c"]},
                {"uri": "", "label": "x"}, {"uri": "http://data.europa.eu/esco/occupation/1", "label": "Dev"}, "x"]"#,
        )
        .unwrap();
        assert_eq!(o.len(), 1);
        assert_eq!(o[0].essentials(), ["a", "b", "c"]);
        assert_eq!(problems.len(), 3);
    }
}

//! Career progression files in the Financial Times format (`job-family.json` schema):
//! `levels` become the framework's scale, `themes` its competencies, and each competency
//! statement the description of its theme at its level. Several statements for the same
//! theme and level are joined, one per line. The file is read as YAML (a superset of
//! JSON) on the server; the rules here work on the resulting JSON value.

use super::case::{Imported, Issue};
use super::framework::Track;
use super::imports;
use super::tree::NodeKind;
use serde_json::Value;
use std::collections::HashMap;

/// What a progression file would create.
#[derive(Debug, Clone, PartialEq)]
pub struct ProgressionPlan {
    pub imported: Imported,
    /// The level names, lowest first (the scale).
    pub levels: Vec<String>,
    /// Statements left out, each with where and why.
    pub problems: Vec<Issue>,
}

fn text<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).map_or("", str::trim)
}

fn list<'a>(root: &'a Value, key: &str) -> Result<&'a Vec<Value>, Issue> {
    match root.get(key) {
        Some(Value::Array(a)) => Ok(a),
        Some(_) => Err(Issue::new(key, "must be a list.")),
        None => Err(Issue::new(
            key,
            "is missing; a progression file has name, levels, themes and competencies.",
        )),
    }
}

/// Plans the import of a progression file already parsed to a value. A file that cannot
/// make a framework (no name, fewer than 2 or more than 10 levels, a level or theme
/// without id or name, or used twice) is an error; statements that cannot be placed are
/// problems, left out if the admin chooses.
pub fn plan(root: &Value) -> Result<ProgressionPlan, Issue> {
    if !root.is_object() {
        return Err(Issue::new(
            "file",
            "a progression file is a mapping with name, levels, themes and competencies.",
        ));
    }
    let name = text(root, "name");
    if name.is_empty() {
        return Err(Issue::new(
            "name",
            "is missing; the framework needs a name.",
        ));
    }
    let levels = list(root, "levels")?;
    if !(2..=10).contains(&levels.len()) {
        return Err(Issue::new(
            "levels",
            format!("has {} levels; a scale has 2 to 10.", levels.len()),
        ));
    }
    let mut level_index: HashMap<&str, u8> = HashMap::new();
    let mut names = Vec::new();
    for (i, l) in levels.iter().enumerate() {
        let (id, n) = (text(l, "id"), text(l, "name"));
        if id.is_empty() || n.is_empty() {
            return Err(Issue::new(
                format!("levels[{i}]"),
                "needs an id and a name.",
            ));
        }
        if level_index.insert(id, i as u8 + 1).is_some() {
            return Err(Issue::new(
                format!("levels[{i}]"),
                format!("the id \u{201c}{id}\u{201d} is used twice."),
            ));
        }
        names.push(n.to_string());
    }
    let themes = list(root, "themes")?;
    let mut nodes = Vec::new();
    let mut theme_index: HashMap<&str, usize> = HashMap::new();
    for (i, t) in themes.iter().enumerate() {
        let (id, n) = (text(t, "id"), text(t, "name"));
        if id.is_empty() || n.is_empty() {
            return Err(Issue::new(
                format!("themes[{i}]"),
                "needs an id and a name.",
            ));
        }
        if theme_index.insert(id, i).is_some() {
            return Err(Issue::new(
                format!("themes[{i}]"),
                format!("the id \u{201c}{id}\u{201d} is used twice."),
            ));
        }
        let mut node = imports::node(
            id,
            None,
            NodeKind::Competency,
            &n.chars().take(200).collect::<String>(),
        );
        node.definition = text(t, "summary").to_string();
        nodes.push(node);
    }
    let mut problems = Vec::new();
    let mut statements: HashMap<(usize, u8), Vec<String>> = HashMap::new();
    for (i, c) in list(root, "competencies")?.iter().enumerate() {
        let id = text(c, "id");
        let at = if id.is_empty() {
            format!("competencies[{i}]")
        } else {
            format!("competencies[{i}] ({id})")
        };
        let summary = text(c, "summary");
        let (level, theme) = (text(c, "level"), text(c, "theme"));
        let why = if summary.is_empty() {
            Some("has no summary".to_string())
        } else if !level_index.contains_key(level) {
            Some(format!(
                "names the level \u{201c}{level}\u{201d}, which is not in levels"
            ))
        } else if !theme_index.contains_key(theme) {
            Some(format!(
                "names the theme \u{201c}{theme}\u{201d}, which is not in themes"
            ))
        } else {
            None
        };
        match why {
            Some(w) => problems.push(Issue::new(at, format!("{w}; it is left out."))),
            None => statements
                .entry((theme_index[theme], level_index[level]))
                .or_default()
                .push(summary.split_whitespace().collect::<Vec<_>>().join(" ")),
        }
    }
    for ((theme, level), texts) in statements {
        nodes[theme]
            .level_descriptions
            .push((Track::Ic, level, texts.join("\n")));
    }
    for n in &mut nodes {
        n.level_descriptions.sort();
    }
    Ok(ProgressionPlan {
        imported: imports::framework(name, text(root, "summary"), "", nodes, Vec::new()),
        levels: names,
        problems,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn family() -> Value {
        json!({
            "name": "Engineering",
            "summary": "For engineers.",
            "levels": [{"id": "junior", "name": "Junior"}, {"id": "senior", "name": "Senior"}],
            "themes": [{"id": "delivery", "name": "Delivery", "summary": "Ships."}, {"id": "craft", "name": "Craft"}],
            "competencies": [
                {"id": "1", "level": "junior", "theme": "delivery", "summary": "Ships small things.", "proficiency": "Awareness"},
                {"id": "2", "level": "senior", "theme": "delivery", "summary": "Ships big things."},
                {"id": "3", "level": "senior", "theme": "delivery", "summary": "Helps others ship."},
                {"id": "4", "level": "lead", "theme": "delivery", "summary": "Unknown level."},
                {"id": "5", "level": "junior", "theme": "ops", "summary": "Unknown theme."},
                {"id": "6", "level": "junior", "theme": "craft", "summary": ""}
            ]
        })
    }

    #[test]
    fn levels_become_the_scale_themes_competencies_statements_descriptions() {
        let p = plan(&family()).unwrap();
        assert_eq!(p.levels, ["Junior", "Senior"]);
        assert_eq!(p.imported.name, "Engineering");
        let d = &p.imported.nodes[0];
        assert_eq!(
            (d.title.as_str(), d.definition.as_str()),
            ("Delivery", "Ships.")
        );
        assert_eq!(
            d.level_descriptions,
            [
                (Track::Ic, 1, "Ships small things.".to_string()),
                (
                    Track::Ic,
                    2,
                    "Ships big things.\nHelps others ship.".to_string()
                )
            ]
        );
        let at: Vec<&str> = p.problems.iter().map(|i| i.at.as_str()).collect();
        assert_eq!(
            at,
            [
                "competencies[3] (4)",
                "competencies[4] (5)",
                "competencies[5] (6)"
            ]
        );
    }

    #[test]
    fn files_that_cannot_make_a_framework_say_which_field() {
        let mut f = family();
        f["levels"] = json!([{"id": "only", "name": "Only"}]);
        assert_eq!(plan(&f).unwrap_err().at, "levels");
        let mut f = family();
        f["themes"][1]["id"] = json!("delivery");
        assert_eq!(plan(&f).unwrap_err().at, "themes[1]");
        let mut f = family();
        f.as_object_mut().unwrap().remove("competencies");
        assert_eq!(plan(&f).unwrap_err().at, "competencies");
        assert_eq!(plan(&json!([1])).unwrap_err().at, "file");
        assert_eq!(plan(&json!({"levels": []})).unwrap_err().at, "name");
    }
}

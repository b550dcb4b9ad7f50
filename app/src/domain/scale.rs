//! Proficiency scales: 2 to 10 ordered levels, each with a name and a description, one of
//! them the proficiency threshold. Level 0 means "not demonstrated" and is not stored.

use super::validate::FieldError;
use serde::{Deserialize, Serialize};

/// Fewest levels a scale may have.
pub const MIN_LEVELS: usize = 2;
/// Most levels a scale may have.
pub const MAX_LEVELS: usize = 10;

/// A level on a scale: 0 (not demonstrated) up to the scale's top.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Level(u8);

impl Level {
    /// Not demonstrated.
    pub const NONE: Level = Level(0);

    /// The level's number.
    pub fn get(self) -> u8 {
        self.0
    }
}

/// One level of a scale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScaleLevel {
    /// Short name ("Working", "Expert").
    pub name: String,
    /// What the level means in general; nodes add their own descriptions per track.
    pub description: String,
}

/// A validated proficiency scale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scale {
    levels: Vec<ScaleLevel>,
    threshold: u8,
}

impl Scale {
    /// Builds a scale, naming the offending field (`levels`, `levels[3].name`, `threshold`).
    pub fn new(levels: Vec<ScaleLevel>, threshold: u8) -> Result<Scale, FieldError> {
        if !(MIN_LEVELS..=MAX_LEVELS).contains(&levels.len()) {
            return Err(FieldError::new(
                "levels",
                format!(
                    "A scale has {MIN_LEVELS} to {MAX_LEVELS} levels; this one has {}.",
                    levels.len()
                ),
            ));
        }
        let mut clean = Vec::with_capacity(levels.len());
        for (i, l) in levels.into_iter().enumerate() {
            let name = l.name.trim().to_string();
            let field = format!("levels[{}].name", i + 1);
            if name.is_empty() {
                return Err(FieldError::new(&field, format!("Name level {}.", i + 1)));
            }
            if name.chars().count() > 60 {
                return Err(FieldError::new(
                    &field,
                    "Keep a level name to 60 characters or fewer.",
                ));
            }
            if clean
                .iter()
                .any(|c: &ScaleLevel| c.name.eq_ignore_ascii_case(&name))
            {
                return Err(FieldError::new(
                    &field,
                    format!(
                        "Two levels are called \u{201c}{name}\u{201d}; level names must differ."
                    ),
                ));
            }
            clean.push(ScaleLevel {
                name,
                description: l.description.trim().to_string(),
            });
        }
        if threshold == 0 || usize::from(threshold) > clean.len() {
            return Err(FieldError::new(
                "threshold",
                format!(
                    "Pick the proficiency threshold between level 1 and level {}.",
                    clean.len()
                ),
            ));
        }
        Ok(Scale {
            levels: clean,
            threshold,
        })
    }

    /// The levels, lowest first (level 1 is index 0).
    pub fn levels(&self) -> &[ScaleLevel] {
        &self.levels
    }

    /// The highest level.
    pub fn top(&self) -> Level {
        Level(self.levels.len() as u8)
    }

    /// The proficiency threshold.
    pub fn threshold(&self) -> Level {
        Level(self.threshold)
    }

    /// Parses a level number for this scale (0 allowed: not demonstrated).
    pub fn level(&self, field: &str, n: i64) -> Result<Level, FieldError> {
        if n < 0 || n > i64::from(self.top().0) {
            return Err(FieldError::new(
                field,
                format!("Choose a level from 0 to {}.", self.top().0),
            ));
        }
        Ok(Level(n as u8))
    }

    /// The name of a level ("Not demonstrated" for 0).
    pub fn name(&self, level: Level) -> &str {
        match level.0 {
            0 => "Not demonstrated",
            n => self
                .levels
                .get(usize::from(n) - 1)
                .map_or("Unknown level", |l| l.name.as_str()),
        }
    }

    /// Whether `level` meets the threshold.
    pub fn is_proficient(&self, level: Level) -> bool {
        level.0 >= self.threshold
    }
}

/// One row of the scale editor as posted: the level it was (empty for a new level), its
/// name and description, and whether to remove it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScaleRowInput {
    /// The level this row was before the edit (`""` for a new row).
    #[serde(default)]
    pub from: String,
    /// Name.
    #[serde(default)]
    pub name: String,
    /// Description.
    #[serde(default)]
    pub description: String,
    /// Present (any value) when the row is to be removed.
    #[serde(default)]
    pub remove: Option<String>,
}

/// The scale editor's form: rows keyed by their position on the page (`"1"`, `"2"`...), and
/// the key of the row that is the proficiency threshold.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScaleForm {
    /// Rows by key.
    #[serde(default)]
    pub levels: std::collections::BTreeMap<String, ScaleRowInput>,
    /// Key of the threshold row.
    #[serde(default)]
    pub threshold: String,
}

/// What a scale edit does: the new scale, and where each kept old level goes
/// (`(old, new)` pairs; a level missing from the list was removed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScaleChange {
    /// The scale after the edit.
    pub scale: Scale,
    /// Old level number to new level number, for kept levels.
    pub mapping: Vec<(u8, u8)>,
}

impl ScaleChange {
    /// The new number of old level `old`, if it was kept.
    pub fn new_level(&self, old: u8) -> Option<u8> {
        self.mapping.iter().find(|m| m.0 == old).map(|m| m.1)
    }
}

/// How the scale is used, which limits what an edit may do.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScaleUse {
    /// Rating records per level. Ratings are permanent records, so a rated level keeps its
    /// number and cannot be removed.
    pub ratings: std::collections::BTreeMap<u8, u64>,
    /// Node level descriptions per level. They move with their level, but a level that has
    /// some cannot be removed (that would delete what someone wrote).
    pub descriptions: std::collections::BTreeMap<u8, u64>,
}

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Checks a scale edit against the current scale and its use, naming the row at fault.
/// Levels may be renamed, re-described, added, removed and the threshold moved, but rows may
/// not be reordered, a rated level must keep its number, and a level with descriptions
/// cannot be removed.
pub fn plan_scale_change(
    old: &Scale,
    form: &ScaleForm,
    used: &ScaleUse,
) -> Result<ScaleChange, FieldError> {
    let (kept, removed) = form_rows(old, form)?;
    check_rated_not_removed(old, used, &removed)?;
    let threshold_pos = kept
        .iter()
        .position(|(k, ..)| k.to_string() == form.threshold.trim())
        .ok_or_else(|| {
            FieldError::new(
                "threshold",
                "Pick the proficiency threshold among the levels you keep.",
            )
        })?;
    let mapping: Vec<(u8, u8)> = kept
        .iter()
        .enumerate()
        .filter_map(|(i, (_, from, _))| from.map(|f| (f, (i + 1) as u8)))
        .collect();
    check_rated_keep_numbers(old, used, &mapping)?;
    check_described_not_removed(old, used, &removed)?;
    let keys: Vec<u32> = kept.iter().map(|k| k.0).collect();
    let scale = Scale::new(
        kept.into_iter().map(|k| k.2).collect(),
        (threshold_pos + 1) as u8,
    )
    .map_err(|mut e| {
        // Scale::new names levels by their new position; name the form row instead.
        if let Some(pos) = e
            .field
            .strip_prefix("levels[")
            .and_then(|r| r.strip_suffix("].name"))
            .and_then(|p| p.parse::<usize>().ok())
        {
            if let Some(k) = keys.get(pos - 1) {
                e.field = format!("levels[{k}].name");
            }
        }
        e
    })?;
    Ok(ScaleChange { scale, mapping })
}

/// A kept form row: its key, the level it was (`None`: new), and the level it becomes.
type KeptRow = (u32, Option<u8>, ScaleLevel);

/// Reads the form's rows in order: the rows kept, and the old levels removed. Rows must
/// keep the order of the levels they were.
fn form_rows(old: &Scale, form: &ScaleForm) -> Result<(Vec<KeptRow>, Vec<u8>), FieldError> {
    let mut rows: Vec<(u32, &ScaleRowInput)> = Vec::new();
    for (key, row) in &form.levels {
        let k: u32 = key
            .parse()
            .map_err(|_| FieldError::new("levels", "The form is damaged; reload the page."))?;
        rows.push((k, row));
    }
    rows.sort_by_key(|r| r.0);
    let mut kept: Vec<KeptRow> = Vec::new();
    let mut removed: Vec<u8> = Vec::new();
    let mut last_from = 0u8;
    for (k, row) in rows {
        let from = match row.from.trim() {
            "" => None,
            f => match f.parse::<u8>() {
                Ok(n) if n >= 1 && n <= old.top().get() => Some(n),
                _ => {
                    return Err(FieldError::new(
                        &format!("levels[{k}].name"),
                        "The form is damaged; reload the page.",
                    ))
                }
            },
        };
        if let Some(f) = from {
            if f <= last_from {
                return Err(FieldError::new(
                    &format!("levels[{k}].name"),
                    "Levels keep their order; add or remove levels instead of reordering them.",
                ));
            }
            last_from = f;
        }
        if row.remove.is_some() {
            if let Some(f) = from {
                removed.push(f);
            }
            continue;
        }
        // A blank new row is the editor's empty "add a level" line: ignore it.
        if from.is_none() && row.name.trim().is_empty() && row.description.trim().is_empty() {
            continue;
        }
        kept.push((
            k,
            from,
            ScaleLevel {
                name: row.name.clone(),
                description: row.description.clone(),
            },
        ));
    }
    Ok((kept, removed))
}

/// A rated level cannot be removed: ratings are permanent records.
fn check_rated_not_removed(old: &Scale, used: &ScaleUse, removed: &[u8]) -> Result<(), FieldError> {
    for &level in removed {
        let name = old.name(Level(level));
        if let Some(&n) = used.ratings.get(&level) {
            return Err(FieldError::new(
                "levels",
                format!(
                    "Level {level} ({name}) cannot be removed: {} use it, and ratings are permanent records. Rename or re-describe it instead.",
                    plural(n, "rating", "ratings")
                ),
            ));
        }
    }
    Ok(())
}

/// A rated level keeps its number (`mapping`: old level to new level).
fn check_rated_keep_numbers(
    old: &Scale,
    used: &ScaleUse,
    mapping: &[(u8, u8)],
) -> Result<(), FieldError> {
    for (&level, &n) in &used.ratings {
        let now = mapping.iter().find(|m| m.0 == level).map(|m| m.1);
        if now != Some(level) {
            return Err(FieldError::new(
                "levels",
                format!(
                    "Level {level} ({}) must stay level {level}: {} use it, and ratings are permanent records. Add or remove levels only above level {}.",
                    old.name(Level(level)),
                    plural(n, "rating", "ratings"),
                    used.ratings.keys().max().copied().unwrap_or(level)
                ),
            ));
        }
    }
    Ok(())
}

/// A level with level descriptions cannot be removed: that would delete what someone wrote.
fn check_described_not_removed(
    old: &Scale,
    used: &ScaleUse,
    removed: &[u8],
) -> Result<(), FieldError> {
    for &level in removed {
        let name = old.name(Level(level));
        if let Some(&n) = used.descriptions.get(&level) {
            return Err(FieldError::new(
                "levels",
                format!(
                    "Level {level} ({name}) cannot be removed: {} {} written for it. Clear them first, or keep the level.",
                    plural(n, "level description", "level descriptions"),
                    if n == 1 { "is" } else { "are" }
                ),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn levels(names: &[&str]) -> Vec<ScaleLevel> {
        names
            .iter()
            .map(|n| ScaleLevel {
                name: n.to_string(),
                description: String::new(),
            })
            .collect()
    }

    #[test]
    fn a_five_level_scale() {
        let s = Scale::new(
            levels(&["Aware", "Basic", "Working", "Advanced", "Expert"]),
            3,
        )
        .unwrap();
        assert_eq!(s.top().get(), 5);
        assert_eq!(s.name(Level::NONE), "Not demonstrated");
        assert_eq!(s.name(s.level("l", 3).unwrap()), "Working");
        assert!(s.is_proficient(s.level("l", 3).unwrap()));
        assert!(!s.is_proficient(s.level("l", 2).unwrap()));
        assert_eq!(s.level("required", 6).unwrap_err().field, "required");
        assert!(s.level("l", -1).is_err());
    }

    #[test]
    fn bad_scales_name_the_field() {
        assert_eq!(
            Scale::new(levels(&["Only"]), 1).unwrap_err().field,
            "levels"
        );
        assert_eq!(
            Scale::new(levels(&["a"; 11]), 1).unwrap_err().field,
            "levels"
        );
        assert_eq!(
            Scale::new(levels(&["A", " "]), 1).unwrap_err().field,
            "levels[2].name"
        );
        assert_eq!(
            Scale::new(levels(&["Low", "low"]), 1).unwrap_err().field,
            "levels[2].name"
        );
        assert_eq!(
            Scale::new(levels(&["A", "B"]), 0).unwrap_err().field,
            "threshold"
        );
        assert_eq!(
            Scale::new(levels(&["A", "B"]), 3).unwrap_err().field,
            "threshold"
        );
    }

    fn form(rows: &[(&str, &str, bool)], threshold: &str) -> ScaleForm {
        ScaleForm {
            levels: rows
                .iter()
                .enumerate()
                .map(|(i, (from, name, remove))| {
                    (
                        (i + 1).to_string(),
                        ScaleRowInput {
                            from: from.to_string(),
                            name: name.to_string(),
                            description: String::new(),
                            remove: remove.then(|| "on".to_string()),
                        },
                    )
                })
                .collect(),
            threshold: threshold.into(),
        }
    }

    fn five() -> Scale {
        Scale::new(
            levels(&["Aware", "Basic", "Working", "Advanced", "Expert"]),
            3,
        )
        .unwrap()
    }

    #[test]
    fn renames_additions_and_removals_map_old_levels() {
        let old = five();
        // Rename 1, remove 2, keep 3-5, add a sixth; threshold on row 4 (old level 4).
        let f = form(
            &[
                ("1", "Aware", false),
                ("2", "Basic", true),
                ("3", "Working", false),
                ("4", "Advanced", false),
                ("5", "Expert", false),
                ("", "Master", false),
                ("", "", false),
            ],
            "4",
        );
        let c = plan_scale_change(&old, &f, &ScaleUse::default()).unwrap();
        assert_eq!(c.scale.top().get(), 5);
        assert_eq!(c.scale.name(Level(5)), "Master");
        assert_eq!(c.scale.threshold().get(), 3);
        assert_eq!(c.mapping, [(1, 1), (3, 2), (4, 3), (5, 4)]);
        assert_eq!(c.new_level(2), None);
    }

    #[test]
    fn rated_levels_keep_their_numbers() {
        let old = five();
        let used = ScaleUse {
            ratings: [(2u8, 7u64), (3, 1)].into_iter().collect(),
            ..Default::default()
        };
        // Removing level 1 would renumber the rated levels 2 and 3.
        let f = form(
            &[
                ("1", "Aware", true),
                ("2", "Basic", false),
                ("3", "Working", false),
                ("4", "Advanced", false),
                ("5", "Expert", false),
            ],
            "3",
        );
        let e = plan_scale_change(&old, &f, &used).unwrap_err();
        assert_eq!(e.field, "levels");
        assert!(
            e.message.contains("must stay level 2: 7 ratings use it"),
            "{}",
            e.message
        );
        // Removing a rated level is refused with the count.
        let f = form(
            &[
                ("1", "Aware", false),
                ("2", "Basic", false),
                ("3", "Working", true),
                ("4", "Advanced", false),
                ("5", "Expert", false),
            ],
            "2",
        );
        let e = plan_scale_change(&old, &f, &used).unwrap_err();
        assert!(
            e.message
                .starts_with("Level 3 (Working) cannot be removed: 1 rating use"),
            "{}",
            e.message
        );
        // Renaming, and removing above the rated levels, is fine.
        let f = form(
            &[
                ("1", "Aware", false),
                ("2", "Beginner", false),
                ("3", "Working", false),
                ("4", "Advanced", false),
                ("5", "Expert", true),
            ],
            "3",
        );
        let c = plan_scale_change(&old, &f, &used).unwrap();
        assert_eq!(c.scale.name(Level(2)), "Beginner");
        assert_eq!(c.scale.top().get(), 4);
    }

    #[test]
    fn described_levels_cannot_be_removed_and_rows_keep_order() {
        let old = five();
        let used = ScaleUse {
            descriptions: [(5u8, 3u64)].into_iter().collect(),
            ..Default::default()
        };
        let mut rows = vec![
            ("1", "Aware", false),
            ("2", "Basic", false),
            ("3", "Working", false),
            ("4", "Advanced", false),
            ("5", "Expert", true),
        ];
        let e = plan_scale_change(&old, &form(&rows, "3"), &used).unwrap_err();
        assert!(
            e.message
                .contains("3 level descriptions are written for it"),
            "{}",
            e.message
        );
        rows[4].2 = false;
        rows.swap(0, 1);
        let e = plan_scale_change(&old, &form(&rows, "3"), &used).unwrap_err();
        assert_eq!(e.field, "levels[2].name");
        // Bad names are reported on their row; a threshold on a removed row is refused.
        let f = form(&[("1", "Aware", false), ("2", " ", false)], "1");
        assert_eq!(
            plan_scale_change(&old, &f, &ScaleUse::default())
                .unwrap_err()
                .field,
            "levels[2].name"
        );
        let f = form(
            &[("1", "A", false), ("2", "B", false), ("3", "C", true)],
            "3",
        );
        assert_eq!(
            plan_scale_change(&old, &f, &ScaleUse::default())
                .unwrap_err()
                .field,
            "threshold"
        );
    }
}

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
}

//! Positions and their requirements: the forms and the rules that check them.

use super::{DEFAULT_WEIGHT, MAX_RANK};
use crate::domain::framework::{NodeRow, Track};
use crate::domain::ids::{NodeId, PositionId, UnitId};
use crate::domain::tree::NodeKind;
use crate::domain::validate::{FieldError, ShortText};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// A position as lists and the career graph show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Position {
    /// Id.
    pub id: PositionId,
    /// Title ("Senior engineer").
    pub title: String,
    /// What the role is for.
    pub description: String,
    /// Which level descriptions apply to people in this position.
    pub track: Track,
    /// Seniority rank (1 = entry level); a hint for drawing career paths.
    pub rank: Option<u8>,
    /// The org unit the position belongs to.
    pub unit: Option<UnitId>,
}

/// The position form as submitted.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PositionInput {
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// `ic` or `managerial`.
    pub track: String,
    /// Rank, or empty.
    pub rank: String,
    /// Org unit id, or empty.
    #[serde(default)]
    pub unit_id: String,
}

/// A position form, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PositionFields {
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Track.
    pub track: Track,
    /// Rank.
    pub rank: Option<u8>,
    /// Org unit.
    pub unit: Option<UnitId>,
}

impl PositionInput {
    /// Validates the form, naming the offending field.
    pub fn parse(&self) -> Result<PositionFields, FieldError> {
        let title = ShortText::required("title", "a title", &self.title, 200)?.into_string();
        let description = self.description.trim().replace("\r\n", "\n");
        if description.chars().count() > 5000 {
            return Err(FieldError::new(
                "description",
                "Keep the description to 5000 characters or fewer.",
            ));
        }
        let track = Track::parse(self.track.trim()).ok_or_else(|| {
            FieldError::new("track", "Choose individual contributor or managerial.")
        })?;
        let rank = match self.rank.trim() {
            "" => None,
            r => match r.parse::<u8>() {
                Ok(n) if (1..=MAX_RANK).contains(&n) => Some(n),
                _ => {
                    return Err(FieldError::new(
                        "rank",
                        format!(
                            "Enter a rank from 1 (entry level) to {MAX_RANK}, or leave it empty."
                        ),
                    ))
                }
            },
        };
        let unit = match self.unit_id.trim() {
            "" => None,
            u => Some(u.parse::<UnitId>().map_err(|_| {
                FieldError::new("unit_id", "Choose an org unit from the list, or none.")
            })?),
        };
        Ok(PositionFields {
            title,
            description,
            track,
            rank,
            unit,
        })
    }
}

/// A position's requirement: a rateable node at a level, with a weight.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Requirement {
    /// The required competency or skill.
    pub node: NodeId,
    /// Its title.
    pub node_title: String,
    /// Its kind (never a category).
    pub kind: NodeKind,
    /// Required level, 1 to the scale's top.
    pub required: u8,
    /// Importance, 1 (low) to 5 (critical).
    pub weight: u8,
    /// Whether the position cannot be held without it.
    pub mandatory: bool,
}

/// A label for a weight ("High").
pub fn weight_label(weight: u8) -> &'static str {
    match weight {
        0 | 1 => "Low",
        2 => "Minor",
        3 => "Normal",
        4 => "High",
        _ => "Critical",
    }
}

/// The requirement form as submitted.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RequirementInput {
    /// Node id.
    pub node: String,
    /// Required level.
    pub level: String,
    /// Weight, or empty for the default.
    pub weight: String,
    /// Checkbox: present (`on`) when ticked.
    #[serde(default)]
    pub mandatory: Option<String>,
}

/// A requirement form, parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequirementFields {
    /// Node.
    pub node: NodeId,
    /// Required level.
    pub required: u8,
    /// Weight.
    pub weight: u8,
    /// Mandatory.
    pub mandatory: bool,
}

impl RequirementInput {
    /// Validates the form against a scale whose top level is `scale_top`.
    pub fn parse(&self, scale_top: u8) -> Result<RequirementFields, FieldError> {
        let node = self
            .node
            .parse::<NodeId>()
            .map_err(|_| FieldError::new("node", "Choose a competency or skill."))?;
        let required = match self.level.trim().parse::<u8>() {
            Ok(n) if n >= 1 && n <= scale_top => n,
            _ => {
                return Err(FieldError::new(
                    "level",
                    format!("Choose the required level, from 1 to {scale_top}."),
                ))
            }
        };
        let weight = match self.weight.trim() {
            "" => DEFAULT_WEIGHT,
            w => match w.parse::<u8>() {
                Ok(n) if (1..=5).contains(&n) => n,
                _ => {
                    return Err(FieldError::new(
                        "weight",
                        "Choose a weight from 1 (low) to 5 (critical).",
                    ))
                }
            },
        };
        let mandatory = self
            .mandatory
            .as_deref()
            .is_some_and(|v| !matches!(v.trim(), "" | "false" | "off" | "0"));
        Ok(RequirementFields {
            node,
            required,
            weight,
            mandatory,
        })
    }
}

impl RequirementFields {
    /// The requirement on `row` (the node the form named), refused when the node is a
    /// category or the position already requires it.
    pub fn to_requirement(
        &self,
        row: &NodeRow,
        existing: &[Requirement],
    ) -> Result<Requirement, FieldError> {
        if !row.kind.rateable() {
            return Err(FieldError::new(
                "node",
                format!(
                    "\u{201c}{}\u{201d} is a category; choose one of its competencies or skills.",
                    row.title
                ),
            ));
        }
        if existing.iter().any(|r| r.node == row.id) {
            return Err(FieldError::new(
                "node",
                format!(
                    "\u{201c}{}\u{201d} is already required; change its row instead.",
                    row.title
                ),
            ));
        }
        Ok(Requirement {
            node: row.id,
            node_title: row.title.clone(),
            kind: row.kind,
            required: self.required,
            weight: self.weight,
            mandatory: self.mandatory,
        })
    }
}

/// The nodes "add a whole competency with its skills" adds: `chosen` if rateable and every
/// rateable node below it, in display order, leaving out those in `already`. `rows` must
/// be in display order (parents before children), as `FrameworkTree::nodes` is.
pub fn whole_competency<'a>(
    rows: &'a [NodeRow],
    chosen: NodeId,
    already: &HashSet<NodeId>,
) -> Result<Vec<&'a NodeRow>, FieldError> {
    if !rows.iter().any(|r| r.id == chosen) {
        return Err(FieldError::new(
            "node",
            "That node is no longer in the framework; reload the page and choose again.",
        ));
    }
    let mut inside: HashSet<NodeId> = HashSet::from([chosen]);
    let mut out = Vec::new();
    for r in rows {
        let below = r.id == chosen || r.parent.is_some_and(|p| inside.contains(&p));
        if !below {
            continue;
        }
        inside.insert(r.id);
        if r.kind.rateable() && !already.contains(&r.id) {
            out.push(r);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::super::*;
    use super::*;
    use crate::domain::ids::PathLinkId;

    #[test]
    fn ids_parse_and_print() {
        assert_eq!(" 42 ".parse::<PositionId>(), Ok(PositionId(42)));
        assert_eq!(PathLinkId(7).to_string(), "7");
        assert_eq!(serde_json::to_string(&PositionId(3)).unwrap(), "3");
    }

    #[test]
    fn position_form() {
        let input = PositionInput {
            title: " Senior engineer ".into(),
            track: "ic".into(),
            rank: "3".into(),
            ..Default::default()
        };
        let f = input.parse().unwrap();
        assert_eq!(
            (f.title.as_str(), f.track, f.rank),
            ("Senior engineer", Track::Ic, Some(3))
        );
        let field = |change: fn(&mut PositionInput)| field_of(&input, PositionInput::parse, change);
        assert_eq!(field(|i| i.title = " ".into()), "title");
        assert_eq!(field(|i| i.track = "boss".into()), "track");
        assert_eq!(field(|i| i.rank = "0".into()), "rank");
        assert_eq!(field(|i| i.rank = "31".into()), "rank");
        assert_eq!(field(|i| i.rank = " ".into()), "");
        assert_eq!(field(|i| i.unit_id = "x".into()), "unit_id");
        assert_eq!(field(|i| i.unit_id = "4".into()), "");
    }

    use crate::domain::framework::test_row as row;

    fn rows() -> Vec<NodeRow> {
        use NodeKind::*;
        vec![
            row(1, None, Category, 0, "Technical"),
            row(2, Some(1), Competency, 1, "Software design"),
            row(3, Some(2), Skill, 2, "API design"),
            row(4, Some(2), Competency, 2, "Data"),
            row(5, Some(4), Skill, 3, "SQL"),
            row(6, Some(1), Competency, 1, "Testing"),
            row(7, None, Competency, 0, "People"),
        ]
    }

    #[test]
    fn requirement_form() {
        let input = RequirementInput {
            node: "3".into(),
            level: "4".into(),
            weight: "".into(),
            mandatory: Some("on".into()),
        };
        let f = input.parse(5).unwrap();
        assert_eq!(
            (f.node, f.required, f.weight, f.mandatory),
            (NodeId(3), 4, 3, true)
        );
        let unticked = RequirementInput {
            mandatory: None,
            ..input.clone()
        };
        assert!(!unticked.parse(5).unwrap().mandatory);
        let field = |change: fn(&mut RequirementInput)| field_of(&input, |i| i.parse(5), change);
        assert_eq!(field(|i| i.level = "6".into()), "level");
        assert_eq!(field(|i| i.level = "0".into()), "level");
        assert_eq!(field(|i| i.level = "".into()), "level");
        assert_eq!(field(|i| i.weight = "9".into()), "weight");
        assert_eq!(field(|i| i.node = "x".into()), "node");
        let rows = rows();
        let r = f.to_requirement(&rows[2], &[]).unwrap();
        assert_eq!(
            (r.node_title.as_str(), r.kind),
            ("API design", NodeKind::Skill)
        );
        assert_eq!(f.to_requirement(&rows[2], &[r]).unwrap_err().field, "node");
        assert_eq!(f.to_requirement(&rows[0], &[]).unwrap_err().field, "node");
        assert_eq!(weight_label(5), "Critical");
    }

    #[test]
    fn whole_competency_adds_rateable_descendants() {
        let rows = rows();
        let ids = |v: Vec<&NodeRow>| v.iter().map(|r| r.id.0).collect::<Vec<_>>();
        let none = HashSet::new();
        assert_eq!(
            ids(whole_competency(&rows, NodeId(2), &none).unwrap()),
            [2, 3, 4, 5]
        );
        assert_eq!(
            ids(whole_competency(&rows, NodeId(1), &none).unwrap()),
            [2, 3, 4, 5, 6]
        );
        let have = HashSet::from([NodeId(2), NodeId(5)]);
        assert_eq!(
            ids(whole_competency(&rows, NodeId(2), &have).unwrap()),
            [3, 4]
        );
        assert_eq!(ids(whole_competency(&rows, NodeId(7), &none).unwrap()), [7]);
        assert_eq!(
            whole_competency(&rows, NodeId(99), &none)
                .unwrap_err()
                .field,
            "node"
        );
    }
}

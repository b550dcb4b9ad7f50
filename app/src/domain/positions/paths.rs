//! Career-path links between positions, the edges of the career map.

use super::MAX_NOTES;
use crate::domain::ids::PositionId;
use crate::domain::validate::FieldError;
use serde::{Deserialize, Serialize};

/// The kind of move a career-path link describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum LinkKind {
    /// A promotion.
    Up,
    /// A lateral move.
    Across,
}

impl LinkKind {
    /// Stored value.
    pub fn as_str(self) -> &'static str {
        match self {
            LinkKind::Up => "up",
            LinkKind::Across => "across",
        }
    }

    /// Parses the stored value.
    pub fn parse(s: &str) -> Option<LinkKind> {
        [LinkKind::Up, LinkKind::Across]
            .into_iter()
            .find(|k| k.as_str() == s.trim())
    }

    /// A label for people.
    pub fn label(self) -> &'static str {
        match self {
            LinkKind::Up => "Promotion",
            LinkKind::Across => "Lateral move",
        }
    }
}

/// A directed edge of the career graph: people in `from` can move to `to`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PathLink {
    /// Position moved from.
    pub from: PositionId,
    /// Position moved to.
    pub to: PositionId,
    /// Promotion or lateral move.
    pub kind: LinkKind,
    /// The developmental experience the move needs.
    pub notes: String,
}

/// The career-path link form as submitted.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PathLinkInput {
    /// Position id moved from.
    pub from: String,
    /// Position id moved to.
    pub to: String,
    /// `up` or `across`.
    pub kind: String,
    /// Notes.
    pub notes: String,
}

impl PathLinkInput {
    /// Parses the form and checks the link against the `existing` links.
    pub fn parse(&self, existing: &[PathLink]) -> Result<PathLink, FieldError> {
        let from = self
            .from
            .parse::<PositionId>()
            .map_err(|_| FieldError::new("from", "Choose the position the move starts from."))?;
        let to = self
            .to
            .parse::<PositionId>()
            .map_err(|_| FieldError::new("to", "Choose the position the move leads to."))?;
        let kind = LinkKind::parse(&self.kind)
            .ok_or_else(|| FieldError::new("kind", "Choose promotion or lateral move."))?;
        let link = PathLink {
            from,
            to,
            kind,
            notes: self.notes.trim().replace("\r\n", "\n"),
        };
        check_link(&link, existing)?;
        Ok(link)
    }
}

/// Checks a new link against the `existing` ones (leave out the link being edited):
/// no link to itself, one link per pair of positions, notes of bounded length. Cycles are
/// allowed, as career lattices have them.
pub fn check_link(link: &PathLink, existing: &[PathLink]) -> Result<(), FieldError> {
    if link.from == link.to {
        return Err(FieldError::new(
            "to",
            "A position cannot lead to itself; choose a different position to move to.",
        ));
    }
    if existing
        .iter()
        .any(|l| l.from == link.from && l.to == link.to)
    {
        return Err(FieldError::new(
            "to",
            "There is already a move between these positions; edit that link instead.",
        ));
    }
    if link.notes.chars().count() > MAX_NOTES {
        return Err(FieldError::new(
            "notes",
            format!("Keep the notes to {MAX_NOTES} characters or fewer."),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::*;
    use super::*;

    #[test]
    fn links_are_checked() {
        let link = |f: i64, t: i64| PathLink {
            from: PositionId(f),
            to: PositionId(t),
            kind: LinkKind::Across,
            notes: String::new(),
        };
        let existing = vec![link(1, 2)];
        assert_eq!(check_link(&link(3, 3), &existing).unwrap_err().field, "to");
        assert_eq!(check_link(&link(1, 2), &existing).unwrap_err().field, "to");
        assert!(
            check_link(&link(2, 1), &existing).is_ok(),
            "lattices may have cycles"
        );
        let input = PathLinkInput {
            from: "2".into(),
            to: "1".into(),
            kind: "up".into(),
            notes: " Lead a project\r\n ".into(),
        };
        let l = input.parse(&existing).unwrap();
        assert_eq!((l.kind, l.notes.as_str()), (LinkKind::Up, "Lead a project"));
        let field =
            |change: fn(&mut PathLinkInput)| field_of(&input, |i| i.parse(&existing), change);
        assert_eq!(field(|i| i.notes = "x".repeat(2001)), "notes");
        assert_eq!(field(|i| i.kind = "down".into()), "kind");
        assert_eq!(field(|i| i.from = "".into()), "from");
        assert_eq!(field(|i| i.to = "2".into()), "to");
    }
}

//! The audit log as the admin page shows it, and the CSV cell rule of its export.

use serde::{Deserialize, Serialize};

/// One recorded change, formatted on the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// Entry id.
    pub id: i64,
    /// When, as text ("2026-11-23 13:20 UTC").
    pub at: String,
    /// Who: the actor's name, or "System".
    pub actor: String,
    /// What was done (create, update, decide...).
    pub action: String,
    /// The kind of thing changed.
    pub entity: String,
    /// Its id.
    pub entity_id: String,
    /// JSON before the change ('' when none).
    pub before: String,
    /// JSON after the change ('' when none).
    pub after: String,
}

/// What the audit page may filter on. Everything arrives as text and is parsed on the
/// server; empty means "any".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AuditFilter {
    /// The actor's person id.
    pub actor: String,
    /// The entity type.
    pub entity: String,
    /// First day, `YYYY-MM-DD` (UTC).
    pub from: String,
    /// Last day, `YYYY-MM-DD` (UTC), inclusive.
    pub to: String,
}

/// One page of the audit log, newest first, with the choices of the filters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    /// The entries.
    pub entries: Vec<AuditEntry>,
    /// Page number, from 1.
    pub page: u32,
    /// Entries matching the filter in all.
    pub total: u64,
    /// Entries per page.
    pub per_page: u32,
    /// Everyone who has an entry: (person id, name).
    pub actors: Vec<(i64, String)>,
    /// Every entity type that has an entry.
    pub entities: Vec<String>,
}

impl AuditPage {
    /// True when a later page exists.
    pub fn has_more(&self) -> bool {
        u64::from(self.page) * u64::from(self.per_page) < self.total
    }

    /// Number of pages (at least 1).
    pub fn pages(&self) -> u32 {
        super::directory::page_count(self.total, self.per_page)
    }
}

/// A CSV cell made safe to open in a spreadsheet: text that starts with `=`, `+`, `-`, `@`,
/// a tab or a carriage return would be read as a formula, so it gets a leading `'`.
pub fn csv_cell(text: &str) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_neutralised() {
        assert_eq!(csv_cell("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(csv_cell("+1"), "'+1");
        assert_eq!(csv_cell("-1"), "'-1");
        assert_eq!(csv_cell("@cmd"), "'@cmd");
        assert_eq!(csv_cell("\tx"), "'\tx");
        assert_eq!(csv_cell("\rx"), "'\rx");
        assert_eq!(csv_cell("plain"), "plain");
        assert_eq!(csv_cell(""), "");
    }

    #[test]
    fn pages_know_whether_more_follow() {
        let p = AuditPage {
            page: 1,
            total: 51,
            per_page: 50,
            ..Default::default()
        };
        assert!(p.has_more());
        let p = AuditPage { page: 2, ..p };
        assert!(!p.has_more());
    }
}

//! What the client sees of the organisation directory: people, units, teams. Plain data;
//! the server decides which of it a caller may receive.

use super::ids::{PersonId, UnitId};
use super::people::Role;
use crate::domain::count;
use serde::{Deserialize, Serialize};

/// A row of the people list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PersonSummary {
    /// Id.
    pub id: PersonId,
    /// Display name.
    pub name: String,
    /// Sign-in e-mail.
    pub email: String,
    /// Job title (free text until positions exist).
    pub job_title: String,
    /// Stored role.
    pub role: Role,
    /// Org unit, if any.
    pub unit: Option<(UnitId, String)>,
    /// Manager, if any.
    pub manager: Option<(PersonId, String)>,
    /// The manager's e-mail (what the person form takes).
    pub manager_email: Option<String>,
    /// Active people can sign in; deactivated ones cannot.
    pub active: bool,
    /// Number of active direct reports.
    pub direct_reports: u32,
}

/// One page of a people search.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PeoplePage {
    /// The rows of this page.
    pub items: Vec<PersonSummary>,
    /// Matching people in all pages.
    pub total: u64,
    /// 1-based page number.
    pub page: u32,
    /// Rows per page.
    pub per_page: u32,
}

/// How many pages `total` rows make at `per_page` a page (at least 1).
pub fn page_count(total: u64, per_page: u32) -> u32 {
    let per = u64::from(per_page.max(1));
    count(total.div_ceil(per).max(1))
}

impl PeoplePage {
    /// Number of pages (at least 1).
    pub fn pages(&self) -> u32 {
        page_count(self.total, self.per_page)
    }
}

/// A person with their reporting line, for the profile page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PersonDetail {
    /// The person.
    pub person: PersonSummary,
    /// Their managers from the direct one up to the top.
    pub chain: Vec<(PersonId, String)>,
    /// Their direct reports.
    pub reports: Vec<PersonSummary>,
    /// Whether the caller may edit this person.
    pub can_edit: bool,
    /// The position they hold (id, title).
    pub position: Option<(crate::domain::positions::PositionId, String)>,
    /// The position they aim for (id, title).
    pub target: Option<(crate::domain::positions::PositionId, String)>,
    /// For admins: when an identity provider last wrote this person over SCIM, if one does.
    #[serde(default)]
    pub synced: Option<String>,
}

/// An org unit with head counts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitSummary {
    /// Id.
    pub id: UnitId,
    /// Name.
    pub name: String,
    /// Parent unit.
    pub parent: Option<UnitId>,
    /// Active people directly in the unit.
    pub people: u32,
    /// Depth in the tree (0 for top-level units), for indented lists.
    pub depth: u32,
}

/// The figures on the home screens.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HomeSummary {
    /// The caller's own directory entry.
    pub me: PersonSummary,
    /// The caller's direct reports.
    pub team: Vec<PersonSummary>,
    /// Direct and indirect reports.
    pub all_reports: u32,
    /// Organisation figures, for admins and HR viewers only.
    pub org: Option<OrgFigures>,
    /// The caller's position (id, title).
    pub position: Option<(crate::domain::positions::PositionId, String)>,
    /// The caller's target position (id, title).
    pub target: Option<(crate::domain::positions::PositionId, String)>,
}

/// Organisation-wide head counts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrgFigures {
    /// Active people.
    pub active_people: u64,
    /// Deactivated people.
    pub inactive_people: u64,
    /// Org units.
    pub units: u64,
    /// People with at least one report.
    pub managers: u64,
    /// Active people per branch of the organisation (name, count), largest first.
    pub by_unit: Vec<(String, u64)>,
}

/// Orders units depth-first (parents before children, siblings by name) and fills in
/// `depth`, so a flat list can be shown as an indented tree.
pub fn order_units(mut units: Vec<UnitSummary>) -> Vec<UnitSummary> {
    units.sort_by(|a, b| {
        a.name
            .to_lowercase()
            .cmp(&b.name.to_lowercase())
            .then(a.id.cmp(&b.id))
    });
    let ids: std::collections::HashSet<UnitId> = units.iter().map(|u| u.id).collect();
    let mut out = Vec::with_capacity(units.len());
    let mut placed = std::collections::HashSet::new();
    fn visit(
        parent: Option<UnitId>,
        depth: u32,
        units: &[UnitSummary],
        ids: &std::collections::HashSet<UnitId>,
        placed: &mut std::collections::HashSet<UnitId>,
        out: &mut Vec<UnitSummary>,
    ) {
        for u in units {
            let is_child = match parent {
                None => u.parent.is_none_or(|p| !ids.contains(&p)),
                Some(p) => u.parent == Some(p),
            };
            if is_child && placed.insert(u.id) {
                out.push(UnitSummary { depth, ..u.clone() });
                visit(Some(u.id), depth + 1, units, ids, placed, out);
            }
        }
    }
    visit(None, 0, &units, &ids, &mut placed, &mut out);
    out
}

/// Active head count per branch of the organisation, people in sub-units included, largest
/// first. The branches are the top-level units, or, when one unit (the company) holds all the
/// others, the units directly under it; people placed in the company unit itself count under
/// its own name.
pub fn headcount_by_branch(units: &[UnitSummary]) -> Vec<(String, u64)> {
    use std::collections::HashMap;
    let by_id: HashMap<UnitId, &UnitSummary> = units.iter().map(|u| (u.id, u)).collect();
    let parent = |u: &UnitSummary| u.parent.filter(|p| by_id.contains_key(p));
    let roots: Vec<&UnitSummary> = units.iter().filter(|u| parent(u).is_none()).collect();
    let single_root = if roots.len() == 1 {
        Some(roots[0].id)
    } else {
        None
    };
    let mut totals: HashMap<UnitId, u64> = HashMap::new();
    for u in units {
        // Walk up to the branch: the unit whose parent is the single root (or no parent).
        let mut cur = u;
        let mut steps = 0;
        while let Some(p) = parent(cur) {
            if Some(p) == single_root || steps > units.len() {
                break;
            }
            cur = by_id[&p];
            steps += 1;
        }
        *totals.entry(cur.id).or_default() += u64::from(u.people);
    }
    let mut rows: Vec<(String, u64)> = totals
        .into_iter()
        .filter(|(id, n)| *n > 0 || Some(*id) != single_root)
        .map(|(id, n)| (by_id[&id].name.clone(), n))
        .collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(id: i64, name: &str, parent: Option<i64>) -> UnitSummary {
        UnitSummary {
            id: UnitId(id),
            name: name.into(),
            parent: parent.map(UnitId),
            people: 0,
            depth: 9,
        }
    }

    #[test]
    fn units_are_ordered_depth_first() {
        let out = order_units(vec![
            unit(1, "Engineering", None),
            unit(2, "Product", Some(1)),
            unit(3, "Platform", Some(1)),
            unit(4, "Customer Success", None),
        ]);
        let names: Vec<(&str, u32)> = out.iter().map(|u| (u.name.as_str(), u.depth)).collect();
        assert_eq!(
            names,
            vec![
                ("Customer Success", 0),
                ("Engineering", 0),
                ("Platform", 1),
                ("Product", 1)
            ]
        );
    }

    #[test]
    fn branches_below_a_single_company_root() {
        let mut units = vec![
            unit(1, "Company", None),
            unit(2, "Engineering", Some(1)),
            unit(3, "Platform", Some(2)),
            unit(4, "Sales", Some(1)),
        ];
        units[0].people = 1;
        units[1].people = 2;
        units[2].people = 5;
        units[3].people = 3;
        assert_eq!(
            headcount_by_branch(&units),
            vec![
                ("Engineering".to_string(), 7),
                ("Sales".to_string(), 3),
                ("Company".to_string(), 1)
            ]
        );
        // Several top-level units are the branches themselves.
        let flat = vec![
            unit(1, "A", None),
            unit(2, "B", None),
            unit(3, "A1", Some(1)),
        ];
        assert_eq!(
            headcount_by_branch(&flat),
            vec![("A".to_string(), 0), ("B".to_string(), 0)]
        );
    }

    #[test]
    fn page_count() {
        let p = PeoplePage {
            items: vec![],
            total: 41,
            page: 1,
            per_page: 20,
        };
        assert_eq!(p.pages(), 3);
        let p = PeoplePage {
            items: vec![],
            total: 0,
            page: 1,
            per_page: 20,
        };
        assert_eq!(p.pages(), 1);
    }
}

//! People, roles and what each may do. "Manager" is not a stored role: it follows from
//! having reports.

use super::ids::PersonId;
use serde::{Deserialize, Serialize};

/// The stored role of a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Role {
    /// HR / L&D: sees and edits everything.
    Admin,
    /// Sees every report, read-only.
    HrViewer,
    /// Everyone else; becomes a manager by having reports.
    Employee,
}

impl Role {
    /// Every role, in the order forms list them.
    pub const ALL: [Role; 3] = [Role::Employee, Role::HrViewer, Role::Admin];

    /// The value stored in the database and sent by forms.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::HrViewer => "hr",
            Role::Employee => "employee",
        }
    }

    /// A label for people.
    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "Admin",
            Role::HrViewer => "HR viewer",
            Role::Employee => "Employee",
        }
    }

    /// Parses the stored or submitted value.
    pub fn parse(s: &str) -> Option<Role> {
        match s.trim() {
            "admin" => Some(Role::Admin),
            "hr" => Some(Role::HrViewer),
            "employee" => Some(Role::Employee),
            _ => None,
        }
    }
}

/// What a person may do, resolved from their role and whether anyone reports to them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Capabilities {
    /// Create and change anything (people, frameworks, positions...).
    pub administer: bool,
    /// Read every person's data and the org-wide reports.
    pub view_all: bool,
    /// Has direct reports, so sees a team and reviews their ratings.
    pub manage_team: bool,
}

impl Capabilities {
    /// Resolves capabilities. An admin can view all; an HR viewer can view all but change
    /// nothing; anyone with at least one (active) direct report manages a team.
    pub fn resolve(role: Role, direct_reports: u32) -> Self {
        Self {
            administer: role == Role::Admin,
            view_all: matches!(role, Role::Admin | Role::HrViewer),
            manage_team: direct_reports > 0,
        }
    }
}

/// Which home screen a person lands on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum HomeKind {
    /// Administration overview.
    Admin,
    /// Organisation-wide read-only overview.
    HrViewer,
    /// The team overview.
    Manager,
    /// Personal skills overview.
    Employee,
}

/// The signed-in person, as the client may see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CurrentUser {
    /// Their id.
    pub id: PersonId,
    /// Display name.
    pub name: String,
    /// Sign-in address.
    pub email: String,
    /// Stored role.
    pub role: Role,
    /// Number of active direct reports.
    pub direct_reports: u32,
    /// Unread inbox items (filled in for the page header; 0 elsewhere).
    #[serde(default)]
    pub unread: u32,
}

impl CurrentUser {
    /// Resolved capabilities.
    pub fn caps(&self) -> Capabilities {
        Capabilities::resolve(self.role, self.direct_reports)
    }

    /// The home screen: administration first, then org-wide viewing, then the team.
    pub fn home(&self) -> HomeKind {
        let c = self.caps();
        if c.administer {
            HomeKind::Admin
        } else if c.view_all {
            HomeKind::HrViewer
        } else if c.manage_team {
            HomeKind::Manager
        } else {
            HomeKind::Employee
        }
    }

    /// Initials for the avatar.
    pub fn initials(&self) -> String {
        initials(&self.name)
    }
}

/// Up to two initials of a name ("Ada King Lovelace" -> "AL").
pub fn initials(name: &str) -> String {
    let words: Vec<&str> = name.split_whitespace().collect();
    let pick = |w: &&str| {
        w.chars()
            .next()
            .map(|c| c.to_uppercase().to_string())
            .unwrap_or_default()
    };
    match words.as_slice() {
        [] => "?".into(),
        [one] => pick(one),
        [first, .., last] => pick(first) + &pick(last),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(role: Role, reports: u32) -> CurrentUser {
        CurrentUser {
            id: PersonId(1),
            name: "Ada King Lovelace".into(),
            email: "ada@example.org".into(),
            role,
            direct_reports: reports,
            unread: 0,
        }
    }

    #[test]
    fn roles_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse("manager"), None);
    }

    #[test]
    fn capability_resolution() {
        assert_eq!(
            Capabilities::resolve(Role::Employee, 0),
            Capabilities {
                administer: false,
                view_all: false,
                manage_team: false
            }
        );
        assert_eq!(
            Capabilities::resolve(Role::Employee, 3),
            Capabilities {
                administer: false,
                view_all: false,
                manage_team: true
            }
        );
        assert_eq!(
            Capabilities::resolve(Role::HrViewer, 0),
            Capabilities {
                administer: false,
                view_all: true,
                manage_team: false
            }
        );
        assert_eq!(
            Capabilities::resolve(Role::Admin, 2),
            Capabilities {
                administer: true,
                view_all: true,
                manage_team: true
            }
        );
    }

    #[test]
    fn home_screens() {
        assert_eq!(user(Role::Admin, 5).home(), HomeKind::Admin);
        assert_eq!(user(Role::HrViewer, 0).home(), HomeKind::HrViewer);
        assert_eq!(user(Role::Employee, 1).home(), HomeKind::Manager);
        assert_eq!(user(Role::Employee, 0).home(), HomeKind::Employee);
    }

    #[test]
    fn initials_of_names() {
        assert_eq!(initials("Ada King Lovelace"), "AL");
        assert_eq!(initials("cher"), "C");
        assert_eq!(initials("  "), "?");
    }
}

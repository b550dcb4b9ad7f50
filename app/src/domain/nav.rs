//! The navigation each role sees: a few sections (me, my team, the organisation,
//! administration), each opening on its main page with its other pages beside it, so that
//! every role's main tasks are one click from any page and the top bar stays one line.

use crate::domain::Capabilities;

/// One page in the navigation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Link {
    /// What the link says.
    pub label: &'static str,
    /// Where it goes.
    pub href: &'static str,
}

/// A section: its pages, the first being where the section's own link goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// What the section's link says.
    pub label: &'static str,
    /// Its pages, main page first.
    pub pages: Vec<Link>,
}

impl Section {
    /// Where the section's own link goes: its main page.
    pub fn href(&self) -> &'static str {
        self.pages[0].href
    }
}

const fn link(label: &'static str, href: &'static str) -> Link {
    Link { label, href }
}

/// The top bar: `Home`, then either the pages themselves (someone with only their own
/// section, an employee) or one link a section, then `Frameworks`, which everyone reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Nav {
    /// The sections this person may open (never empty: everyone has "Me").
    pub sections: Vec<Section>,
}

/// The link everyone has, outside every section.
pub const FRAMEWORKS: Link = link("Frameworks", "/frameworks");

impl Nav {
    /// The sections these capabilities open.
    pub fn for_caps(caps: Capabilities) -> Nav {
        let mut sections = vec![Section {
            label: "Me",
            pages: vec![
                link("My skills", "/skills"),
                link("My plan", "/plan"),
                link("Careers", "/careers"),
                link("Learning", "/learning"),
            ],
        }];
        if caps.manage_team {
            let mut pages = vec![link("Heatmap", "/team"), link("Reviews", "/reviews")];
            if !caps.view_all {
                pages.push(link("My team", "/people"));
                pages.push(link("Talent", "/talent"));
            }
            sections.push(Section {
                label: "My team",
                pages,
            });
        }
        if caps.view_all {
            sections.push(Section {
                label: "Organisation",
                pages: vec![
                    link("Reports", "/reports"),
                    link("People", "/people"),
                    link("Org units", "/units"),
                    link("Talent", "/talent"),
                ],
            });
        }
        if caps.administer {
            sections.push(Section {
                label: "Administration",
                pages: vec![
                    link("Positions", "/positions"),
                    link("Import a framework", "/frameworks/import"),
                    link("Audit log", "/admin/audit"),
                    link("API tokens", "/admin/tokens"),
                ],
            });
        }
        Nav { sections }
    }

    /// Whether the top bar lists the pages themselves: there is only one section.
    pub fn flat(&self) -> bool {
        self.sections.len() == 1
    }

    /// The section `path` belongs to: the one with the page whose address is the longest
    /// prefix of it (`/frameworks/import/3` is in Administration, `/frameworks/3` in none).
    pub fn current(&self, path: &str) -> Option<&Section> {
        self.sections
            .iter()
            .flat_map(|s| s.pages.iter().map(move |p| (s, p.href)))
            .filter(|(_, href)| under(path, href))
            .max_by_key(|(_, href)| href.len())
            .map(|(s, _)| s)
    }
}

/// Whether `path` is `href` or a page below it.
fn under(path: &str, href: &str) -> bool {
    path == href
        || path
            .strip_prefix(href)
            .is_some_and(|rest| rest.starts_with('/'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Role;

    fn labels(nav: &Nav) -> Vec<&str> {
        nav.sections.iter().map(|s| s.label).collect()
    }

    #[test]
    fn each_role_sees_its_sections() {
        let employee = Nav::for_caps(Capabilities::resolve(Role::Employee, 0));
        assert_eq!(labels(&employee), ["Me"]);
        assert!(employee.flat());
        let manager = Nav::for_caps(Capabilities::resolve(Role::Employee, 3));
        assert_eq!(labels(&manager), ["Me", "My team"]);
        assert_eq!(manager.sections[1].href(), "/team");
        let hr = Nav::for_caps(Capabilities::resolve(Role::HrViewer, 2));
        assert_eq!(labels(&hr), ["Me", "My team", "Organisation"]);
        let admin = Nav::for_caps(Capabilities::resolve(Role::Admin, 0));
        assert_eq!(labels(&admin), ["Me", "Organisation", "Administration"]);
    }

    #[test]
    fn no_page_is_listed_twice_for_anyone() {
        for (role, reports) in [
            (Role::Employee, 0),
            (Role::Employee, 2),
            (Role::HrViewer, 1),
            (Role::Admin, 4),
        ] {
            let nav = Nav::for_caps(Capabilities::resolve(role, reports));
            let mut hrefs: Vec<_> = nav
                .sections
                .iter()
                .flat_map(|s| s.pages.iter().map(|p| p.href))
                .collect();
            let n = hrefs.len();
            hrefs.sort_unstable();
            hrefs.dedup();
            assert_eq!(hrefs.len(), n, "{role:?} {reports}");
            assert!(!hrefs.contains(&FRAMEWORKS.href));
        }
    }

    #[test]
    fn a_path_belongs_to_the_section_of_its_longest_page() {
        let admin = Nav::for_caps(Capabilities::resolve(Role::Admin, 1));
        let section = |p| admin.current(p).map(|s| s.label);
        assert_eq!(section("/skills"), Some("Me"));
        assert_eq!(section("/skills/history"), Some("Me"));
        assert_eq!(section("/careers/compare"), Some("Me"));
        assert_eq!(section("/people/12/edit"), Some("Organisation"));
        assert_eq!(section("/frameworks/import/7"), Some("Administration"));
        assert_eq!(section("/team"), Some("My team"));
        assert_eq!(section("/teamwork"), None);
        assert_eq!(section("/frameworks/3"), None);
        assert_eq!(section("/"), None);
    }
}

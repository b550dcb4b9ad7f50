//! The team heatmap: people x requirements, each cell the person's current level minus the
//! level their position requires, coloured on a colour-blind-safe diverging palette
//! (orange below, blue above, pale at zero). Unrated and expired cells are marked apart
//! from a real 0, and cells for nodes a person's position does not require stay empty.

use super::ids::{NodeId, PersonId};
use serde::{Deserialize, Serialize};

/// Most people and columns a heatmap shows.
pub const MAX_PEOPLE: usize = 1_000;
pub const MAX_COLUMNS: usize = 40;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Cell {
    /// The person's position does not require this node (their level is shown if rated).
    NotRequired { current: Option<u8> },
    /// Required, never validated.
    Unrated { required: u8 },
    /// Required; the validated level expired and counts as 0.
    Expired { required: u8 },
    /// Required and validated.
    Rated { required: u8, current: u8 },
}

impl Cell {
    /// Current minus required, for required cells (unrated and expired count as 0).
    pub fn diff(self) -> Option<i16> {
        match self {
            Cell::NotRequired { .. } => None,
            Cell::Unrated { required } | Cell::Expired { required } => Some(-i16::from(required)),
            Cell::Rated { required, current } => Some(i16::from(current) - i16::from(required)),
        }
    }

    /// How far below the requirement (0 when met or not required).
    pub fn shortfall(self) -> u16 {
        self.diff().map_or(0, |d| d.min(0).unsigned_abs())
    }

    /// The text in the cell.
    pub fn label(self) -> String {
        match self {
            Cell::NotRequired { current } => current.map(|c| c.to_string()).unwrap_or_default(),
            Cell::Unrated { .. } => "?".into(),
            Cell::Expired { .. } => "exp".into(),
            Cell::Rated { .. } => {
                let d = self.diff().unwrap_or(0);
                match d.cmp(&0) {
                    std::cmp::Ordering::Less => format!("\u{2212}{}", -d),
                    std::cmp::Ordering::Equal => "0".into(),
                    std::cmp::Ordering::Greater => format!("+{d}"),
                }
            }
        }
    }

    /// The palette class: `heat-m3` (3 or more below) .. `heat-0` .. `heat-p2` (2 or more
    /// above); `heat-unrated`, `heat-expired`, `heat-none`.
    pub fn class(self) -> &'static str {
        match self {
            Cell::NotRequired { .. } => "heat-none",
            Cell::Unrated { .. } => "heat-unrated",
            Cell::Expired { .. } => "heat-expired",
            Cell::Rated { .. } => match self.diff().unwrap_or(0) {
                i16::MIN..=-3 => "heat-m3",
                -2 => "heat-m2",
                -1 => "heat-m1",
                0 => "heat-0",
                1 => "heat-p1",
                _ => "heat-p2",
            },
        }
    }

    /// Words for screen readers and the tooltip.
    pub fn describe(self) -> String {
        match self {
            Cell::NotRequired { current: Some(c) } => format!("not required, level {c}"),
            Cell::NotRequired { current: None } => "not required".into(),
            Cell::Unrated { required } => format!("not rated, {required} required"),
            Cell::Expired { required } => format!("expired, {required} required"),
            Cell::Rated { required, current } => format!("level {current} of {required} required"),
        }
    }
}

/// The legend, in palette order: (class, label).
pub const LEGEND: &[(&str, &str)] = &[
    ("heat-m3", "3+ below"),
    ("heat-m2", "2 below"),
    ("heat-m1", "1 below"),
    ("heat-0", "meets"),
    ("heat-p1", "1 above"),
    ("heat-p2", "2+ above"),
    ("heat-unrated", "not rated"),
    ("heat-expired", "expired"),
];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeatPerson {
    pub id: PersonId,
    pub name: String,
    pub position: String,
    pub unit: String,
    /// Reports to the manager directly.
    pub direct: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeatColumn {
    pub node: NodeId,
    pub title: String,
    /// How many of the people need it.
    pub required_by: u32,
}

/// How the rows are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum SortBy {
    #[default]
    Name,
    /// Largest total shortfall first.
    Gap,
}

impl SortBy {
    pub fn parse(s: &str) -> SortBy {
        if s.trim() == "gap" {
            SortBy::Gap
        } else {
            SortBy::Name
        }
    }
}

/// A choice in a filter: (id, label).
pub type Choice = (i64, String);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Heatmap {
    /// Whose team (their name), and whether it includes indirect reports.
    pub manager: String,
    pub all_levels: bool,
    pub people: Vec<HeatPerson>,
    pub columns: Vec<HeatColumn>,
    /// `cells[row][column]`.
    pub cells: Vec<Vec<Cell>>,
    /// Filters offered (units and positions of the team) and chosen.
    pub units: Vec<Choice>,
    pub positions: Vec<Choice>,
    pub unit: Option<i64>,
    pub position: Option<i64>,
    pub sort: SortBy,
    /// More people or columns than shown.
    pub truncated: bool,
    /// The change counter this was computed at (the page polls it).
    pub stamp: i64,
}

impl Heatmap {
    /// A row's total shortfall.
    pub fn row_gap(&self, row: usize) -> u32 {
        self.cells[row]
            .iter()
            .map(|c| u32::from(c.shortfall()))
            .sum()
    }

    /// Orders rows by name, or by total shortfall (largest first, then name); the cells
    /// move with their people.
    pub fn sort(&mut self, by: SortBy) {
        // Each row's key computed once (gap and lower-cased name), not once per comparison.
        let mut order: Vec<usize> = (0..self.people.len()).collect();
        match by {
            SortBy::Name => {
                order.sort_by_cached_key(|i| (self.people[*i].name.to_lowercase(), *i));
            }
            SortBy::Gap => order.sort_by_cached_key(|i| {
                (
                    std::cmp::Reverse(self.row_gap(*i)),
                    self.people[*i].name.to_lowercase(),
                    *i,
                )
            }),
        }
        self.people = order.iter().map(|i| self.people[*i].clone()).collect();
        self.cells = order.iter().map(|i| self.cells[*i].clone()).collect();
        self.sort = by;
    }
}

/// Where a key moves the focus in a grid of `rows` × `cols` cells, as the ARIA grid pattern
/// has it: arrows by one cell (stopping at the edges), Home and End to the ends of the row,
/// and with Ctrl to the first and last cell of the grid. `None` for any other key, which the
/// grid leaves to the browser (Enter follows the cell's link).
pub fn grid_step(
    key: &str,
    ctrl: bool,
    (r, c): (usize, usize),
    (rows, cols): (usize, usize),
) -> Option<(usize, usize)> {
    if rows == 0 || cols == 0 {
        return None;
    }
    let (last_r, last_c) = (rows - 1, cols - 1);
    let (r, c) = (r.min(last_r), c.min(last_c));
    Some(match key {
        "ArrowRight" => (r, (c + 1).min(last_c)),
        "ArrowLeft" => (r, c.saturating_sub(1)),
        "ArrowDown" => ((r + 1).min(last_r), c),
        "ArrowUp" => (r.saturating_sub(1), c),
        "Home" if ctrl => (0, 0),
        "End" if ctrl => (last_r, last_c),
        "Home" => (r, 0),
        "End" => (r, last_c),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grid_keys_move_by_one_and_stop_at_the_edges() {
        let size = (3, 4);
        assert_eq!(grid_step("ArrowRight", false, (0, 0), size), Some((0, 1)));
        assert_eq!(grid_step("ArrowRight", false, (0, 3), size), Some((0, 3)));
        assert_eq!(grid_step("ArrowLeft", false, (1, 0), size), Some((1, 0)));
        assert_eq!(grid_step("ArrowDown", false, (2, 2), size), Some((2, 2)));
        assert_eq!(grid_step("ArrowUp", false, (2, 2), size), Some((1, 2)));
        assert_eq!(grid_step("Home", false, (2, 2), size), Some((2, 0)));
        assert_eq!(grid_step("End", false, (1, 0), size), Some((1, 3)));
        assert_eq!(grid_step("Home", true, (2, 2), size), Some((0, 0)));
        assert_eq!(grid_step("End", true, (0, 0), size), Some((2, 3)));
        assert_eq!(grid_step("Enter", false, (0, 0), size), None);
        assert_eq!(grid_step("ArrowDown", false, (0, 0), (0, 0)), None);
        // A position left over from a larger grid (a live redraw) is brought inside.
        assert_eq!(grid_step("ArrowLeft", false, (9, 9), size), Some((2, 2)));
    }

    fn person(id: i64, name: &str) -> HeatPerson {
        HeatPerson {
            id: PersonId(id),
            name: name.into(),
            position: String::new(),
            unit: String::new(),
            direct: true,
        }
    }

    #[test]
    fn cells_say_how_far_from_the_requirement() {
        let c = Cell::Rated {
            required: 3,
            current: 1,
        };
        assert_eq!(c.diff(), Some(-2));
        assert_eq!(c.label(), "\u{2212}2");
        assert_eq!(c.class(), "heat-m2");
        assert_eq!(c.shortfall(), 2);
        let c = Cell::Rated {
            required: 2,
            current: 5,
        };
        assert_eq!((c.label().as_str(), c.class()), ("+3", "heat-p2"));
        assert_eq!(c.shortfall(), 0);
        let met = Cell::Rated {
            required: 2,
            current: 2,
        };
        assert_eq!((met.label().as_str(), met.class()), ("0", "heat-0"));
        // Unrated and expired count as 0 but look different from a real gap.
        let u = Cell::Unrated { required: 3 };
        let e = Cell::Expired { required: 3 };
        assert_eq!((u.diff(), e.diff()), (Some(-3), Some(-3)));
        assert_eq!((u.class(), e.class()), ("heat-unrated", "heat-expired"));
        assert_eq!((u.label().as_str(), e.label().as_str()), ("?", "exp"));
        let n = Cell::NotRequired { current: Some(4) };
        assert_eq!(
            (n.diff(), n.shortfall(), n.label().as_str()),
            (None, 0, "4")
        );
        assert!(LEGEND.iter().any(|l| l.0 == c.class()));
    }

    #[test]
    fn sorting_by_gap_moves_whole_rows() {
        let mut h = Heatmap {
            manager: "M".into(),
            all_levels: false,
            people: vec![person(1, "ann"), person(2, "Bob"), person(3, "cy")],
            columns: vec![],
            cells: vec![
                vec![Cell::Rated {
                    required: 3,
                    current: 2,
                }],
                vec![Cell::Unrated { required: 3 }],
                vec![Cell::Rated {
                    required: 3,
                    current: 4,
                }],
            ],
            units: vec![],
            positions: vec![],
            unit: None,
            position: None,
            sort: SortBy::Name,
            truncated: false,
            stamp: 0,
        };
        h.sort(SortBy::Gap);
        let names: Vec<&str> = h.people.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["Bob", "ann", "cy"]);
        assert_eq!(h.cells[0][0], Cell::Unrated { required: 3 });
        h.sort(SortBy::Name);
        let names: Vec<&str> = h.people.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["ann", "Bob", "cy"]);
        assert_eq!(h.row_gap(1), 3);
    }
}

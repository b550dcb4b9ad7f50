//! Geometry of the radar (spider) gap chart: one axis per requirement, the first pointing
//! up and the rest clockwise, the required levels as one polygon and the levels shown as
//! another. Pure arithmetic, so the browser redraws the chart while a slider moves with the
//! same numbers the server rendered.

use super::assess::GapBar;
use serde::{Deserialize, Serialize};
use std::f64::consts::TAU;

/// Fewest requirements drawn as a radar: with two or fewer the shape is a line.
pub const MIN_AXES: usize = 3;
/// Most requirements drawn as a radar: beyond this the labels crowd and bars read better.
pub const MAX_AXES: usize = 12;

/// Whether `axes` requirements are drawn as a radar (otherwise as bars).
pub fn fits(axes: usize) -> bool {
    (MIN_AXES..=MAX_AXES).contains(&axes)
}

/// A point in SVG user units (y grows downwards).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Point {
    /// Horizontal position.
    pub x: f64,
    /// Vertical position, downwards.
    pub y: f64,
}

impl Point {
    /// Euclidean distance to `other`.
    pub fn distance(self, other: Point) -> f64 {
        (self.x - other.x).hypot(self.y - other.y)
    }
}

/// Horizontal alignment of an axis label, as SVG's `text-anchor`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Anchor {
    /// The label starts at its point (right half of the chart).
    Start,
    /// Centred on its point (top and bottom).
    Middle,
    /// The label ends at its point (left half).
    End,
}

impl Anchor {
    /// The `text-anchor` value.
    pub fn as_str(self) -> &'static str {
        match self {
            Anchor::Start => "start",
            Anchor::Middle => "middle",
            Anchor::End => "end",
        }
    }
}

/// Vertical alignment of an axis label, as SVG's `dominant-baseline`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Baseline {
    /// The text sits above its point (axes pointing up).
    Above,
    /// Centred on its point (axes pointing sideways).
    Middle,
    /// The text hangs below its point (axes pointing down).
    Below,
}

impl Baseline {
    /// The `dominant-baseline` value.
    pub fn as_str(self) -> &'static str {
        match self {
            Baseline::Above => "auto",
            Baseline::Middle => "central",
            Baseline::Below => "hanging",
        }
    }
}

/// One axis of the radar, for one requirement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Axis {
    /// The requirement's bar (title, levels, gap, mandatory).
    pub bar: GapBar,
    /// Where the axis meets the rim (the scale maximum).
    pub end: Point,
    /// Where its label goes, just outside the rim.
    pub label: Point,
    /// Horizontal alignment of the label.
    pub anchor: Anchor,
    /// Vertical alignment of the label.
    pub baseline: Baseline,
}

/// One concentric level ring.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ring {
    /// The level it marks.
    pub level: u8,
    /// Its polygon, one point per axis.
    pub points: Vec<Point>,
    /// Where its number goes (beside the first axis).
    pub label: Point,
}

/// Size and place of the chart.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Frame {
    /// Centre of the radar.
    pub centre: Point,
    /// Radius of the rim (the scale maximum).
    pub radius: f64,
    /// Distance from the rim to the axis labels.
    pub label_gap: f64,
}

/// The radar's geometry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Radar {
    /// Centre.
    pub centre: Point,
    /// Radius of the rim.
    pub radius: f64,
    /// The scale maximum (the rim's level).
    pub max: u8,
    /// Axes, the first pointing up, then clockwise.
    pub axes: Vec<Axis>,
    /// Level rings 1..=max, inside out.
    pub rings: Vec<Ring>,
    /// The required levels' polygon.
    pub required: Vec<Point>,
    /// The shown levels' polygon.
    pub current: Vec<Point>,
}

/// The radar for `bars` on a scale topping out at `max` (at least 1; levels above it sit
/// on the rim). Axis `i` of `n` points `i / n` of a turn clockwise from straight up.
pub fn radar(bars: &[GapBar], max: u8, frame: Frame) -> Radar {
    let max = max.max(1);
    let n = bars.len();
    let Frame {
        centre,
        radius,
        label_gap,
    } = frame;
    // Unit direction of axis i: up is -y in SVG, clockwise is towards +x first.
    let dir = |i: usize| {
        let angle = TAU * i as f64 / n.max(1) as f64;
        (angle.sin(), -angle.cos())
    };
    let at = |i: usize, distance: f64| {
        let (dx, dy) = dir(i);
        Point {
            x: centre.x + dx * distance,
            y: centre.y + dy * distance,
        }
    };
    let scaled = |level: u8| radius * f64::from(level.min(max)) / f64::from(max);
    // A third of the way round the side counts as "sideways" for label alignment.
    let lean = 0.2;
    let axes = bars
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let (dx, dy) = dir(i);
            Axis {
                bar: b.clone(),
                end: at(i, radius),
                label: at(i, radius + label_gap),
                anchor: if dx > lean {
                    Anchor::Start
                } else if dx < -lean {
                    Anchor::End
                } else {
                    Anchor::Middle
                },
                baseline: if dy < -lean {
                    Baseline::Above
                } else if dy > lean {
                    Baseline::Below
                } else {
                    Baseline::Middle
                },
            }
        })
        .collect();
    let rings = (1..=max)
        .map(|level| {
            let r = scaled(level);
            Ring {
                level,
                points: (0..n).map(|i| at(i, r)).collect(),
                label: Point {
                    x: centre.x + 3.0,
                    y: centre.y - r,
                },
            }
        })
        .collect();
    Radar {
        centre,
        radius,
        max,
        axes,
        rings,
        required: bars
            .iter()
            .enumerate()
            .map(|(i, b)| at(i, scaled(b.required)))
            .collect(),
        current: bars
            .iter()
            .enumerate()
            .map(|(i, b)| at(i, scaled(b.level)))
            .collect(),
    }
}

/// A polygon's `points` attribute, one decimal per coordinate.
pub fn points_attr(points: &[Point]) -> String {
    points
        .iter()
        .map(|p| format!("{:.1},{:.1}", p.x, p.y))
        .collect::<Vec<_>>()
        .join(" ")
}

/// `title` cut to at most `max` characters with an ellipsis, for an axis label; the cut
/// falls between words where a word boundary lies in the second half.
pub fn short_title(title: &str, max: usize) -> String {
    let title = title.trim();
    if title.chars().count() <= max {
        return title.to_string();
    }
    let kept: String = title.chars().take(max.saturating_sub(1)).collect();
    let next_is_space = title.chars().nth(kept.chars().count()) == Some(' ');
    let cut = match kept.rfind(' ') {
        _ if next_is_space => kept.as_str(),
        Some(i) if kept[..i].chars().count() * 2 >= max => &kept[..i],
        _ => kept.as_str(),
    };
    format!("{}…", cut.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::NodeId;
    use proptest::prelude::*;

    const FRAME: Frame = Frame {
        centre: Point { x: 100.0, y: 90.0 },
        radius: 60.0,
        label_gap: 10.0,
    };

    fn bar(i: i64, required: u8, level: u8) -> GapBar {
        GapBar {
            node: NodeId(i),
            title: format!("Skill {i}"),
            required,
            level,
            gap: required.saturating_sub(level),
            weight: 1,
            mandatory: false,
        }
    }

    fn close(a: Point, b: Point) -> bool {
        a.distance(b) < 1e-9
    }

    #[test]
    fn the_first_axis_points_up_and_the_rest_go_clockwise() {
        let bars: Vec<GapBar> = (0..4).map(|i| bar(i, 4, 2)).collect();
        let r = radar(&bars, 4, FRAME);
        let c = FRAME.centre;
        let ends: Vec<Point> = r.axes.iter().map(|a| a.end).collect();
        assert!(close(
            ends[0],
            Point {
                x: c.x,
                y: c.y - 60.0
            }
        ));
        assert!(close(
            ends[1],
            Point {
                x: c.x + 60.0,
                y: c.y
            }
        ));
        assert!(close(
            ends[2],
            Point {
                x: c.x,
                y: c.y + 60.0
            }
        ));
        assert!(close(
            ends[3],
            Point {
                x: c.x - 60.0,
                y: c.y
            }
        ));
        // Labels outside the rim, aligned away from the centre.
        assert!(close(
            r.axes[0].label,
            Point {
                x: c.x,
                y: c.y - 70.0
            }
        ));
        let align: Vec<(Anchor, Baseline)> =
            r.axes.iter().map(|a| (a.anchor, a.baseline)).collect();
        assert_eq!(
            align,
            [
                (Anchor::Middle, Baseline::Above),
                (Anchor::Start, Baseline::Middle),
                (Anchor::Middle, Baseline::Below),
                (Anchor::End, Baseline::Middle),
            ]
        );
        // Required 4 of 4 is the rim; level 2 is half way.
        assert!(close(r.required[1], ends[1]));
        assert!(close(
            r.current[1],
            Point {
                x: c.x + 30.0,
                y: c.y
            }
        ));
        // One ring per level, numbered beside the first axis.
        assert_eq!(
            r.rings.iter().map(|g| g.level).collect::<Vec<_>>(),
            [1, 2, 3, 4]
        );
        assert!((r.rings[0].label.y - (c.y - 15.0)).abs() < 1e-9);
    }

    #[test]
    fn levels_above_the_scale_sit_on_the_rim_and_a_zero_scale_is_one() {
        let r = radar(&[bar(1, 9, 0), bar(2, 0, 0), bar(3, 1, 1)], 0, FRAME);
        assert_eq!(r.max, 1);
        assert!((r.required[0].distance(FRAME.centre) - 60.0).abs() < 1e-9);
        assert!(close(r.current[0], FRAME.centre));
    }

    #[test]
    fn points_and_titles_print_compactly() {
        let p = [Point { x: 1.0, y: 2.26 }, Point { x: 140.04, y: 10.0 }];
        assert_eq!(points_attr(&p), "1.0,2.3 140.0,10.0");
        assert_eq!(short_title("Testing", 10), "Testing");
        assert_eq!(short_title("Software design", 15), "Software design");
        assert_eq!(short_title("Automated testing", 15), "Automated…");
        assert_eq!(
            short_title("Operations and reliability", 15),
            "Operations and…"
        );
        assert_eq!(short_title("Stakeholder management", 12), "Stakeholder…");
        // No boundary in the second half: cut inside the word.
        assert_eq!(short_title("Internationalisation", 10), "Internati…");
        assert_eq!(short_title("A verylongwordindeed", 10), "A verylon…");
    }

    #[test]
    fn radars_take_three_to_twelve_axes() {
        assert!(!fits(2));
        assert!(fits(3));
        assert!(fits(12));
        assert!(!fits(13));
    }

    proptest! {
        #[test]
        fn every_point_lies_within_the_rim(
            levels in proptest::collection::vec((0u8..=12, 0u8..=12), 0..16),
            max in 0u8..=10,
        ) {
            let bars: Vec<GapBar> = levels
                .iter()
                .enumerate()
                .map(|(i, &(req, lvl))| bar(i as i64, req, lvl))
                .collect();
            let r = radar(&bars, max, FRAME);
            let top = max.max(1);
            let eps = 1e-9;
            prop_assert_eq!(r.axes.len(), bars.len());
            prop_assert_eq!(r.required.len(), bars.len());
            prop_assert_eq!(r.current.len(), bars.len());
            prop_assert_eq!(r.rings.len(), usize::from(top));
            for ring in &r.rings {
                prop_assert_eq!(ring.points.len(), bars.len());
                for p in &ring.points {
                    prop_assert!(p.distance(FRAME.centre) <= FRAME.radius + eps);
                }
            }
            for (i, b) in bars.iter().enumerate() {
                prop_assert!((r.axes[i].end.distance(FRAME.centre) - FRAME.radius).abs() < eps);
                for (level, p) in [(b.required, r.required[i]), (b.level, r.current[i])] {
                    let d = p.distance(FRAME.centre);
                    prop_assert!(d <= FRAME.radius + eps);
                    if level == 0 {
                        prop_assert!(d < eps, "level 0 is the centre");
                    }
                    if level >= top {
                        prop_assert!((d - FRAME.radius).abs() < eps, "the maximum is the rim");
                    }
                    // The point lies on its own axis.
                    let along = FRAME.radius * f64::from(level.min(top)) / f64::from(top);
                    let e = r.axes[i].end;
                    let expected = Point {
                        x: FRAME.centre.x + (e.x - FRAME.centre.x) * along / FRAME.radius,
                        y: FRAME.centre.y + (e.y - FRAME.centre.y) * along / FRAME.radius,
                    };
                    prop_assert!(p.distance(expected) < 1e-6);
                }
            }
        }
    }
}

//! `/team`: the manager's live heatmap of their team's current levels against the levels
//! their positions require. Filters are a plain GET form (works without JavaScript); with
//! JavaScript the page polls the change counter every second and redraws when a rating
//! anywhere changes.

use crate::api::reports::team_heatmap;
use crate::domain::heatmap::{
    grid_step, HeatColumn, Heatmap, SortBy, LEGEND, MAX_COLUMNS, MAX_PEOPLE,
};
use crate::domain::PersonId;
use crate::ui::components::common::{live_resource, EmptyState, Loaded, PageHeader};
use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

const NAME_W: i32 = 200;
const HEAD_H: i32 = 150;
const CELL_W: i32 = 38;
const CELL_H: i32 = 30;

#[component]
pub fn TeamPage() -> impl IntoView {
    let query = use_query_map();
    // The heatmap reloads without a page reload when any current level changes.
    let data = live_resource(
        move || {
            let q = query.read();
            (
                q.get("manager").and_then(|m| m.parse::<PersonId>().ok()),
                q.get("all").unwrap_or_default(),
                q.get("unit").unwrap_or_default(),
                q.get("position").unwrap_or_default(),
                q.get("sort").unwrap_or_default(),
            )
        },
        |(manager, all, unit, position, sort)| team_heatmap(manager, all, unit, position, sort),
    );
    view! {
        <Loaded data=data title="Team heatmap" ok=move |(h, _)| view! { <Team h/> }/>
    }
    .into_any()
}

#[component]
fn Team(h: Heatmap) -> impl IntoView {
    let subtitle = format!(
        "{} {} of {}: current level minus the level their position requires. Updates live.",
        h.people.len(),
        if h.all_levels {
            "direct and indirect reports"
        } else {
            "direct reports"
        },
        h.manager
    );
    let empty = h.people.is_empty();
    view! {
        <PageHeader title="Team heatmap" subtitle=subtitle/>
        <Filters h=h.clone()/>
        {if empty {
            view! {
                <EmptyState
                    title="Nobody to show"
                    body="No one in this team matches the filters. Clear the unit or position filter, or include indirect reports."
                />
            }
            .into_any()
        } else {
            view! { <HeatSvg h/> }.into_any()
        }}
    }
    .into_any()
}

#[component]
fn Filters(h: Heatmap) -> impl IntoView {
    let unit = h.unit;
    let position = h.position;
    view! {
        <Form method="GET" action="/team" attr:class="filters card" attr:aria-label="Heatmap filters">
            <label>
                "People "
                <select name="all">
                    <option value="" selected=!h.all_levels>"Direct reports"</option>
                    <option value="1" selected=h.all_levels>"All reports"</option>
                </select>
            </label>
            <label>
                "Unit "
                <select name="unit">
                    <option value="">"All units"</option>
                    {h.units.iter().map(|(id, name)| view! {
                        <option value=id.to_string() selected=unit == Some(*id)>{name.clone()}</option>
                    }).collect_view()}
                </select>
            </label>
            <label>
                "Position "
                <select name="position">
                    <option value="">"All positions"</option>
                    {h.positions.iter().map(|(id, name)| view! {
                        <option value=id.to_string() selected=position == Some(*id)>{name.clone()}</option>
                    }).collect_view()}
                </select>
            </label>
            <label>
                "Sort "
                <select name="sort">
                    <option value="name" selected=h.sort == SortBy::Name>"By name"</option>
                    <option value="gap" selected=h.sort == SortBy::Gap>"Largest gap first"</option>
                </select>
            </label>
            <button class="btn" type="submit">"Show"</button>
        </Form>
    }
    .into_any()
}

/// The heatmap: an SVG laid out as an ARIA grid. Without JavaScript every name and cell is a
/// link in the tab order; hydrated, the grid is one tab stop and the arrow keys, Home and
/// End move between its links (a roving tab index), as a screen reader user expects of a grid.
/// The `<svg>` itself is no tab stop (Chromium would make it one).
#[component]
fn HeatSvg(h: Heatmap) -> impl IntoView {
    let cols = h.columns.len() as i32;
    let rows = h.people.len() as i32;
    let width = NAME_W + cols * CELL_W + 90;
    let height = HEAD_H + rows * CELL_H + 10;
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    // The focusable cell: (row, column), column 0 being the person's name.
    let active = RwSignal::new((0usize, 0usize));
    let stop = move |r: usize, c: usize| {
        move || {
            hydrated
                .get()
                .then(|| if active.get() == (r, c) { "0" } else { "-1" })
        }
    };
    let size = (h.people.len(), h.columns.len() + 1);
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        let Some(to) = grid_step(&ev.key(), ev.ctrl_key(), active.get_untracked(), size) else {
            return;
        };
        ev.prevent_default();
        active.set(to);
        focus_cell(to);
    };
    let on_focus = move |ev: leptos::ev::FocusEvent| {
        if let Some(at) = cell_of(ev.target()) {
            active.set(at);
        }
    };
    let headers = heat_headers(&h.columns);
    let body = h
        .people
        .iter()
        .enumerate()
        .map(|(r, p)| {
            let y = HEAD_H + r as i32 * CELL_H;
            let person = p.id;
            let gap = h.row_gap(r);
            let name = p.name.clone();
            let role = format!("{} · {}", p.position, p.unit);
            let cells = h.cells[r]
                .iter()
                .zip(&h.columns)
                .enumerate()
                .map(|(c, (cell, col))| {
                    let x = NAME_W + c as i32 * CELL_W;
                    let tip = format!("{} on {}: {}", p.name, col.title, cell.describe());
                    // The name a screen reader says ends with the text the cell shows, so a
                    // voice user can say what they see (not in brackets: those are asides).
                    let label = match cell.label() {
                        shown if shown.is_empty() => tip.clone(),
                        shown => format!("{tip}; {shown}"),
                    };
                    let href = format!("/skills/history?node={}&person={person}", col.node);
                    view! {
                        <g class="heat-cell" role="gridcell" data-testid="heat-cell">
                            <a href=href aria-label=label id=format!("hc-{r}-{}", c + 1) tabindex=stop(r, c + 1)>
                                <rect x=x + 1 y=y + 1 width=CELL_W - 2 height=CELL_H - 2 rx="3" class=cell.class()/>
                                <text x=x + CELL_W / 2 y=y + CELL_H / 2 + 4 text-anchor="middle" class=format!("{}-text", cell.class())>{cell.label()}</text>
                                <title>{tip}</title>
                            </a>
                        </g>
                    }
                })
                .collect_view();
            view! {
                <g class="heat-row" role="row" data-testid="heat-row" data-person=person.to_string()>
                    <g role="rowheader">
                        <a href=format!("/skills?person={person}") id=format!("hc-{r}-0") tabindex=stop(r, 0)>
                            <text x="4" y=y + CELL_H / 2 + 4 class="heat-name">{name}<title>{role}</title></text>
                        </a>
                    </g>
                    {cells}
                    <g role="gridcell">
                        <text x=NAME_W + cols * CELL_W + 10 y=y + CELL_H / 2 + 4 class="heat-gap">{format!("gap {gap}")}</text>
                    </g>
                </g>
            }
        })
        .collect_view();
    let truncated = h.truncated;
    view! {
        <section class="card heatmap-card">
            <div class="heat-legend" role="group" aria-label="Legend">
                {LEGEND.iter().map(|(class, label)| view! {
                    <span class="heat-key"><span class=format!("heat-swatch {class}")></span>{*label}</span>
                }).collect_view()}
            </div>
            <p id="heat-help" class="muted small">"Each cell is a person's level minus the level required. In the grid, the arrow keys move between cells and Enter opens one."</p>
            <div class="heat-scroll">
                <svg class="heatmap" role="grid" aria-label=format!("Heatmap of {} people and {} requirements", rows, cols)
                    aria-describedby="heat-help" on:keydown=on_key on:focusin=on_focus tabindex="-1"
                    width=width height=height viewBox=format!("0 0 {width} {height}")>
                    <g role="row">
                        <g role="columnheader"><text x="4" y=HEAD_H - 8 class="heat-corner">"Person"</text></g>
                        {headers}
                        <g role="columnheader"><text x=NAME_W + cols * CELL_W + 10 y=HEAD_H - 8 class="heat-corner">"Gap"</text></g>
                    </g>
                    {body}
                </svg>
            </div>
            {truncated.then(|| view! {
                <p class="muted small">{format!("Showing the first {} people and the {} most common requirements; filter by unit or position to see the rest.", thousands(MAX_PEOPLE), MAX_COLUMNS)}</p>
            })}
        </section>
    }
    .into_any()
}

/// The heatmap's rotated column headings, each with its requirement count as a tooltip.
fn heat_headers(columns: &[HeatColumn]) -> impl IntoView {
    columns
        .iter()
        .enumerate()
        .map(|(c, col)| {
            let x = NAME_W + c as i32 * CELL_W + CELL_W / 2;
            let title = col.title.clone();
            let tip = format!("{}: required by {}", col.title, col.required_by);
            view! {
                <g class="heat-col" role="columnheader" transform=format!("translate({x},{})", HEAD_H - 8)>
                    <text transform="rotate(-50)">{title}<title>{tip}</title></text>
                </g>
            }
        })
        .collect_view()
}

/// Moves the focus to a grid cell's link.
fn focus_cell((r, c): (usize, usize)) {
    use wasm_bindgen::JsCast;
    if let Some(el) = document()
        .get_element_by_id(&format!("hc-{r}-{c}"))
        .and_then(|e| e.dyn_into::<web_sys::SvgElement>().ok())
    {
        let _ = el.focus();
    }
}

/// The grid cell an event happened in, from its link's id (`hc-{row}-{column}`).
fn cell_of(target: Option<web_sys::EventTarget>) -> Option<(usize, usize)> {
    use wasm_bindgen::JsCast;
    let el = target?.dyn_into::<web_sys::Element>().ok()?;
    let id = el.id();
    let (r, c) = id.strip_prefix("hc-")?.split_once('-')?;
    Some((r.parse().ok()?, c.parse().ok()?))
}

/// 1000 → "1,000".
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

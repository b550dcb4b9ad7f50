//! `/team`: the manager's live heatmap of their team's current levels against the levels
//! their positions require. Filters are a plain GET form (works without JavaScript); with
//! JavaScript the page polls the change counter every second and redraws when a rating
//! anywhere changes.

use crate::api::reports::team_heatmap;
use crate::domain::heatmap::{Heatmap, SortBy, LEGEND, MAX_COLUMNS, MAX_PEOPLE};
use crate::domain::PersonId;
use crate::ui::components::common::{live_refresh, EmptyState, Loaded, PageHeader};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

const NAME_W: i32 = 200;
const HEAD_H: i32 = 150;
const CELL_W: i32 = 38;
const CELL_H: i32 = 30;

#[component]
pub fn TeamPage() -> impl IntoView {
    let query = use_query_map();
    // Moves when any current level changes: the heatmap reloads without a page reload.
    let refresh = live_refresh();
    let data = Resource::new(
        move || {
            let q = query.read();
            (
                q.get("manager").and_then(|m| m.parse::<PersonId>().ok()),
                q.get("all").unwrap_or_default(),
                q.get("unit").unwrap_or_default(),
                q.get("position").unwrap_or_default(),
                q.get("sort").unwrap_or_default(),
                refresh.get(),
            )
        },
        |(manager, all, unit, position, sort, _)| team_heatmap(manager, all, unit, position, sort),
    );
    view! {
        <Loaded data=data title="Team heatmap" ok=move |h| view! { <Team h/> }/>
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
        <Title text="Team heatmap"/>
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

#[component]
fn HeatSvg(h: Heatmap) -> impl IntoView {
    let cols = h.columns.len() as i32;
    let rows = h.people.len() as i32;
    let width = NAME_W + cols * CELL_W + 90;
    let height = HEAD_H + rows * CELL_H + 10;
    let headers = h
        .columns
        .iter()
        .enumerate()
        .map(|(c, col)| {
            let x = NAME_W + c as i32 * CELL_W + CELL_W / 2;
            let title = col.title.clone();
            let tip = format!("{}: required by {}", col.title, col.required_by);
            view! {
                <g class="heat-col" transform=format!("translate({x},{})", HEAD_H - 8)>
                    <text transform="rotate(-50)">{title}<title>{tip}</title></text>
                </g>
            }
        })
        .collect_view();
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
                    let label = format!("{} on {}: {}", p.name, col.title, cell.describe());
                    let aria = label.clone();
                    let href = format!("/skills/history?node={}&person={person}", col.node);
                    view! {
                        <g class="heat-cell" data-testid="heat-cell">
                            <a href=href aria-label=aria>
                                <rect x=x + 1 y=y + 1 width=CELL_W - 2 height=CELL_H - 2 rx="3" class=cell.class()/>
                                <text x=x + CELL_W / 2 y=y + CELL_H / 2 + 4 text-anchor="middle" class=format!("{}-text", cell.class())>{cell.label()}</text>
                                <title>{label}</title>
                            </a>
                        </g>
                    }
                })
                .collect_view();
            view! {
                <g class="heat-row" data-testid="heat-row" data-person=person.to_string()>
                    <g>
                        <a href=format!("/skills?person={person}")>
                            <text x="4" y=y + CELL_H / 2 + 4 class="heat-name">{name}<title>{role}</title></text>
                        </a>
                    </g>
                    {cells}
                    <text x=NAME_W + cols * CELL_W + 10 y=y + CELL_H / 2 + 4 class="heat-gap">{format!("gap {gap}")}</text>
                </g>
            }
        })
        .collect_view();
    let truncated = h.truncated;
    view! {
        <section class="card heatmap-card">
            <div class="heat-legend" aria-label="Legend">
                {LEGEND.iter().map(|(class, label)| view! {
                    <span class="heat-key"><span class=format!("heat-swatch {class}")></span>{*label}</span>
                }).collect_view()}
            </div>
            <div class="heat-scroll">
                <svg class="heatmap" role="img" aria-label=format!("Heatmap of {} people and {} requirements", rows, cols)
                    width=width height=height viewBox=format!("0 0 {width} {height}")>
                    {headers}
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

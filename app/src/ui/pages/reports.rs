//! `/reports`: competency status by org unit and node (share of people at or above the
//! required level, average gap), with drill-down into a unit, the unit's readiness over time
//! and CSV export; `/reports/supply`: demand versus supply per node. Admins and HR. Filters
//! are plain GET forms and links (they work without JavaScript); with JavaScript the pages
//! redraw by themselves when a level changes anywhere.

use crate::api::reports::{get_org_report, get_supply_report};
use crate::domain::orgreport::{day_label, OrgReport, OrgRow, SupplyReport, SupplyRow, TrendPoint};
use crate::ui::components::common::{
    live_resource, EmptyState, FilterSelect, Loaded, PageHeader, Stat,
};
use leptos::prelude::*;
use leptos_router::components::{Form, A};
use leptos_router::hooks::use_query_map;

fn report_link(unit: Option<i64>, framework: Option<i64>) -> String {
    let mut q = Vec::new();
    if let Some(u) = unit {
        q.push(format!("unit={u}"));
    }
    if let Some(f) = framework {
        q.push(format!("framework={f}"));
    }
    if q.is_empty() {
        "/reports".to_string()
    } else {
        format!("/reports?{}", q.join("&"))
    }
}

#[component]
fn Tabs() -> impl IntoView {
    view! {
        <nav class="tabs" aria-label="Reports">
            <A href="/reports" exact=true>"Competency status"</A>
            <A href="/reports/supply" exact=true>"Demand and supply"</A>
        </nav>
    }
    .into_any()
}

#[component]
pub fn OrgReportPage() -> impl IntoView {
    let query = use_query_map();
    let data = live_resource(
        move || {
            let q = query.read();
            (
                q.get("unit").unwrap_or_default(),
                q.get("framework").unwrap_or_default(),
            )
        },
        |(unit, framework)| get_org_report(unit, framework),
    );
    view! {
        <Loaded data=data title="Org reports" ok=move |(r, _)| view! { <Report r/> }/>
    }
    .into_any()
}

#[component]
fn Report(r: OrgReport) -> impl IntoView {
    let framework = r.framework;
    let unit = r.unit.as_ref().map(|u| u.0 .0);
    let csv = {
        let mut q = Vec::new();
        if let Some(u) = unit {
            q.push(format!("unit={u}"));
        }
        if let Some(f) = framework {
            q.push(format!("framework={f}"));
        }
        format!(
            "/reports/org.csv{}{}",
            if q.is_empty() { "" } else { "?" },
            q.join("&")
        )
    };
    let title = match &r.unit {
        Some((_, name)) => format!("Competency status: {name}"),
        None => "Competency status".to_string(),
    };
    let met = r
        .total
        .cells
        .iter()
        .fold(crate::domain::orgreport::Status::default(), |acc, s| {
            acc.plus(s)
        });
    let crumbs = (r.unit.is_some()).then(|| {
        let links = r
            .crumbs
            .iter()
            .map(|(id, name)| {
                view! { " › " <a href=report_link(Some(id.0), framework)>{name.clone()}</a> }
            })
            .collect_view();
        view! {
            <nav class="crumbs" aria-label="Units">
                <a href=report_link(None, framework)>"Whole organisation"</a>
                {links}
                " › " <span aria-current="page">{r.unit.as_ref().map(|u| u.1.clone())}</span>
            </nav>
        }
    });
    let empty = r.columns.is_empty();
    let frameworks = r.frameworks.clone();
    view! {
        <PageHeader title=title subtitle="Share of people at or above the level their position requires, by org unit. Live: updates as levels are approved.">
            <a class="btn" href=csv.clone() download data-testid="csv">"Download CSV"</a>
        </PageHeader>
        <Tabs/>
        {crumbs}
        <div class="stats">
            <Stat label="people" value=r.total.people.to_string()/>
            <Stat label="ready for their positions" value=r.total.readiness.map(|p| format!("{p}%")).unwrap_or_else(|| "–".into())/>
            <Stat label="of requirements shown are met" value=met.percent().map(|p| format!("{p}%")).unwrap_or_else(|| "–".into())/>
        </div>
        <Form method="GET" action="/reports" attr:class="filters card" attr:aria-label="Report filters">
            {unit.map(|u| view! { <input type="hidden" name="unit" value=u.to_string()/> })}
            <FilterSelect label="Framework" name="framework" none="All frameworks" options=frameworks chosen=framework/>
            <button class="btn" type="submit">"Show"</button>
        </Form>
        {if empty {
            view! {
                <EmptyState
                    title="No requirements here yet"
                    body="Nobody in this selection holds a position with requirements. Give positions their requirements and assign people to them, or choose another framework."
                />
            }
            .into_any()
        } else {
            view! { <StatusTable r=r.clone()/> }.into_any()
        }}
        <div class="report-lower">
            <section class="card">
                <h2>"Readiness over time"</h2>
                <TrendChart points=r.trend.clone() today=r.today/>
            </section>
            {(!r.members.is_empty()).then(|| view! { <Members r=r.clone()/> })}
        </div>
    }
    .into_any()
}

fn cell_view(s: &crate::domain::orgreport::Status, title: &str, unit: &str) -> impl IntoView {
    let text = s.percent().map(|p| format!("{p}%")).unwrap_or_default();
    let tip = match (s.percent(), s.avg_gap()) {
        (Some(p), Some(g)) => format!(
            "{unit}, {title}: {} of {} people meet the required level ({p}%); average gap {g:.1}",
            s.met, s.need
        ),
        _ => format!("{unit}, {title}: not required here"),
    };
    let gap = s
        .avg_gap()
        .filter(|g| *g > 0.0)
        .map(|g| format!("gap {g:.1}"));
    view! {
        <td class=format!("org-cell {}", s.class()) title=tip.clone() aria-label=tip>
            <span class="org-share">{text}</span>
            {gap.map(|g| view! { <span class="org-gap">{g}</span> })}
        </td>
    }
}

fn row_view(row: &OrgRow, r: &OrgReport, total: bool) -> impl IntoView {
    let name = row.name.clone();
    let heading = match (row.unit, total) {
        (Some(u), false) => view! {
            <a href=report_link(Some(u.0), r.framework) data-testid="drill">{name.clone()}</a>
            {row.has_children.then(|| view! { <span class="muted small">" ›"</span> })}
        }
        .into_any(),
        _ => view! { <strong>{name.clone()}</strong> }.into_any(),
    };
    let cells = r
        .columns
        .iter()
        .zip(&row.cells)
        .map(|(c, s)| cell_view(s, &c.title, &name))
        .collect_view();
    view! {
        <tr class:org-total=total data-testid="org-row">
            <th scope="row" class="org-unit">{heading}</th>
            <td class="num">{row.people}</td>
            <td class="num">{row.readiness.map(|p| format!("{p}%")).unwrap_or_else(|| "–".into())}</td>
            {cells}
        </tr>
    }
}

#[component]
fn StatusTable(r: OrgReport) -> impl IntoView {
    let heads = r
        .columns
        .iter()
        .map(|c| view! { <th scope="col" class="org-col"><span>{c.title.clone()}</span></th> })
        .collect_view();
    let total = row_view(&r.total, &r, true);
    let rows = r
        .rows
        .iter()
        .map(|row| row_view(row, &r, false))
        .collect_view();
    view! {
        <div class="card org-wrap">
            <table class="org-table" data-testid="org-table">
                <thead>
                    <tr>
                        <th scope="col">"Unit"</th>
                        <th scope="col" class="num">"People"</th>
                        <th scope="col" class="num">"Ready"</th>
                        {heads}
                    </tr>
                </thead>
                <tbody>{total}{rows}</tbody>
            </table>
            <p class="legend small">
                "Share of people meeting the required level: "
                <span class="swatch org-s0"></span>" under 25% "
                <span class="swatch org-s1"></span>" 25–49% "
                <span class="swatch org-s2"></span>" 50–74% "
                <span class="swatch org-s3"></span>" 75–89% "
                <span class="swatch org-s4"></span>" 90% or more. Blank: not required there."
            </p>
            {r.truncated.then(|| view! {
                <p class="muted small">"Showing the most required competencies and skills; choose a framework to see others."</p>
            })}
        </div>
    }
    .into_any()
}

/// Readiness and share of requirements met, as steps from day to day up to today.
#[component]
fn TrendChart(points: Vec<TrendPoint>, today: i64) -> impl IntoView {
    if points.is_empty() {
        return view! {
            <p class="muted">"No history yet: the trend starts with the first level approved here."</p>
        }
        .into_any();
    }
    let (w, h, left, top, bottom) = (560.0_f64, 200.0_f64, 40.0_f64, 12.0_f64, 28.0_f64);
    let first = points[0].day.min(today - 1);
    let span = (today - first).max(1) as f64;
    let x = |day: i64| left + (day - first) as f64 / span * (w - left - 10.0);
    let y = |p: u8| top + (100.0 - f64::from(p)) / 100.0 * (h - top - bottom);
    let path = |get: &dyn Fn(&TrendPoint) -> Option<u8>| {
        let mut d = String::new();
        let mut last: Option<f64> = None;
        for p in &points {
            let Some(v) = get(p) else { continue };
            let (px, py) = (x(p.day), y(v));
            match last {
                None => d.push_str(&format!("M{px:.1},{py:.1}")),
                Some(_) => d.push_str(&format!(" H{px:.1} V{py:.1}")),
            }
            last = Some(py);
        }
        if last.is_some() {
            d.push_str(&format!(" H{:.1}", x(today)));
        }
        d
    };
    let ready = path(&|p: &TrendPoint| p.readiness);
    let met = path(&|p: &TrendPoint| p.met);
    let latest = points.last().copied();
    let grid = [0u8, 25, 50, 75, 100]
        .into_iter()
        .map(|p| {
            view! {
                <g>
                    <line x1=format!("{left:.1}") x2=format!("{:.1}", w - 10.0) y1=format!("{:.1}", y(p)) y2=format!("{:.1}", y(p)) class="trend-grid"/>
                    <text x=format!("{:.1}", left - 6.0) y=format!("{:.1}", y(p) + 4.0) text-anchor="end" class="chart-label">{format!("{p}%")}</text>
                </g>
            }
        })
        .collect_view();
    let label = latest
        .map(|l| {
            format!(
                "Readiness over time, from {} to today: now {}",
                day_label(first),
                l.readiness
                    .map(|p| format!("{p}%"))
                    .unwrap_or_else(|| "unknown".into())
            )
        })
        .unwrap_or_default();
    view! {
        <svg class="trend-chart" viewBox=format!("0 0 {w:.0} {h:.0}") role="img" aria-label=label data-testid="trend">
            {grid}
            <path d=met class="trend-met"/>
            <path d=ready class="trend-ready"/>
            <text x=format!("{left:.1}") y=format!("{:.1}", h - 8.0) class="chart-label">{day_label(first)}</text>
            <text x=format!("{:.1}", w - 10.0) y=format!("{:.1}", h - 8.0) text-anchor="end" class="chart-label">"Today"</text>
        </svg>
        <p class="legend small">
            <span class="swatch swatch-ready"></span>" readiness (weighted by requirement) "
            <span class="swatch swatch-met"></span>" requirements met"
        </p>
    }
    .into_any()
}

#[component]
fn Members(r: OrgReport) -> impl IntoView {
    let name = r.unit.as_ref().map(|u| u.1.clone()).unwrap_or_default();
    let rows = r
        .members
        .iter()
        .map(|m| {
            let pct = m.readiness;
            view! {
                <tr data-testid="member">
                    <th scope="row"><a href=format!("/skills?person={}", m.id)>{m.name.clone()}</a></th>
                    <td>{m.position.clone()}</td>
                    <td class="num">
                        {pct.map(|p| view! {
                            <span class="meter" role="img" aria-label=format!("{p}% ready")>
                                <span class="meter-fill" style=format!("width:{p}%")></span>
                            </span>
                            " " {format!("{p}%")}
                        })}
                    </td>
                    <td class="num">{m.gaps}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card">
            <h2>{format!("People directly in {name}")}</h2>
            <table class="table">
                <thead><tr><th>"Name"</th><th>"Position"</th><th class="num">"Ready"</th><th class="num">"Gaps"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </section>
    }
    .into_any()
}

#[component]
pub fn SupplyPage() -> impl IntoView {
    let query = use_query_map();
    let data = live_resource(
        move || query.read().get("framework").unwrap_or_default(),
        get_supply_report,
    );
    view! {
        <Loaded data=data title="Demand and supply" ok=move |(r, _)| view! { <Supply r/> }/>
    }
    .into_any()
}

#[component]
fn Supply(r: SupplyReport) -> impl IntoView {
    let framework = r.framework;
    let top = r.top;
    let rows = r
        .rows
        .iter()
        .map(|row| view! { <SupplyLine row=row.clone() top/> })
        .collect_view();
    let empty = r.rows.is_empty();
    view! {
        <PageHeader title="Demand and supply" subtitle="For each competency and skill: how many people their positions need at each level, against how many hold it. Largest shortfall first."/>
        <Tabs/>
        <Form method="GET" action="/reports/supply" attr:class="filters card" attr:aria-label="Report filters">
            <FilterSelect label="Framework" name="framework" none="All frameworks" options=r.frameworks.clone() chosen=framework/>
            <button class="btn" type="submit">"Show"</button>
        </Form>
        {if empty {
            view! {
                <EmptyState title="Nothing needed or held yet"
                    body="Give positions their requirements, or approve people's levels, and the labour pool appears here."/>
            }
            .into_any()
        } else {
            view! {
                <div class="card table-scroll" tabindex="0" role="region" aria-label="Demand and supply">
                    <table class="table supply-table" data-testid="supply-table">
                        <thead>
                            <tr>
                                <th scope="col">"Competency or skill"</th>
                                <th scope="col" class="num">"Positions"</th>
                                <th scope="col" class="num">"Need it"</th>
                                <th scope="col" class="num">"Below level"</th>
                                <th scope="col" class="num" title="People holding it at some level beyond those who need it">"Others holding it"</th>
                                <th scope="col">{format!("By level (1–{top}): needed ▲ vs held ▼")}</th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            }
            .into_any()
        }}
    }
    .into_any()
}

/// One node: per level, a bar up for people needing it and one down for people holding it.
#[component]
fn SupplyLine(row: SupplyRow, top: usize) -> impl IntoView {
    let peak = row
        .need
        .iter()
        .chain(&row.have)
        .copied()
        .max()
        .unwrap_or(1)
        .max(1) as f64;
    let (bw, gap, half) = (22.0_f64, 8.0_f64, 22.0_f64);
    let width = top as f64 * (bw + gap);
    let bars = (0..top)
        .map(|i| {
            let need = row.need.get(i).copied().unwrap_or(0);
            let have = row.have.get(i).copied().unwrap_or(0);
            let x = i as f64 * (bw + gap);
            let hn = f64::from(need) / peak * half;
            let hh = f64::from(have) / peak * half;
            view! {
                <g>
                    <title>{format!("Level {}: {need} need it, {have} hold it", i + 1)}</title>
                    <rect x=format!("{x:.1}") y=format!("{:.1}", half - hn) width=format!("{bw:.1}") height=format!("{hn:.1}") class="supply-need"/>
                    <rect x=format!("{x:.1}") y=format!("{:.1}", half + 1.0) width=format!("{bw:.1}") height=format!("{hh:.1}") class="supply-have"/>
                </g>
            }
        })
        .collect_view();
    let shortfall = row.shortfall();
    view! {
        <tr data-testid="supply-row">
            <th scope="row">{row.title.clone()}<span class="muted small">{format!(" · {}", row.framework)}</span></th>
            <td class="num">{row.positions}</td>
            <td class="num">{row.status.need}</td>
            <td class="num">
                {if shortfall > 0 {
                    view! { <span class="badge badge-warn">{shortfall}</span> }.into_any()
                } else {
                    view! { <span class="muted">"0"</span> }.into_any()
                }}
            </td>
            <td class="num">{row.bench()}</td>
            <td>
                <svg class="supply-bars" viewBox=format!("0 0 {width:.0} {:.0}", half * 2.0 + 1.0) width=format!("{width:.0}") height=format!("{:.0}", half * 2.0 + 1.0)
                    role="img" aria-label=format!("{}: needed and held by level", row.title)>
                    {bars}
                    <line x1="0" x2=format!("{width:.0}") y1=format!("{half:.1}") y2=format!("{half:.1}") class="supply-axis"/>
                </svg>
            </td>
        </tr>
    }
    .into_any()
}

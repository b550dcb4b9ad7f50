//! `/talent`: talent search for admins, HR viewers and managers. A plain GET form (rows of
//! skill + minimum level, an optional unit), so it works without JavaScript; the results
//! are ranked by closeness with each candidate's levels on the criteria.

use crate::api::reports::{search_talent, succession_candidates, talent_options};
use crate::api::AppError;
use crate::domain::talent::{Succession, TalentChoices, TalentResult};
use crate::ui::components::common::{EmptyState, ErrorPanel, FilterSelect, Loaded, PageHeader};
use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

/// Rows the form shows at least.
const MIN_ROWS: usize = 3;

/// The form's rows from the address: (node, min) for `node1`/`min1`, `node2`/`min2`...
fn rows_of(q: &leptos_router::params::ParamsMap) -> Vec<(String, String)> {
    let mut rows = Vec::new();
    for i in 1..=crate::domain::talent::MAX_CRITERIA {
        let node = q.get(&format!("node{i}")).unwrap_or_default();
        let min = q.get(&format!("min{i}")).unwrap_or_default();
        rows.push((node, min));
    }
    while rows.len() > MIN_ROWS && rows.last().is_some_and(|r| r.0.is_empty()) {
        rows.pop();
    }
    let wanted: usize = q
        .get("rows")
        .and_then(|r| r.parse().ok())
        .unwrap_or(0)
        .min(crate::domain::talent::MAX_CRITERIA);
    while rows.len() < wanted {
        rows.push((String::new(), String::new()));
    }
    rows
}

#[component]
pub fn TalentPage() -> impl IntoView {
    let query = use_query_map();
    let options = Resource::new(|| (), |_| talent_options());
    let results = Resource::new(
        move || {
            let q = query.read();
            let rows = rows_of(&q);
            let criteria = rows
                .iter()
                .map(|(n, m)| format!("{n}:{m}"))
                .collect::<Vec<_>>()
                .join(",");
            let any = rows.iter().any(|r| !r.0.is_empty());
            (any, criteria, q.get("unit").unwrap_or_default())
        },
        |(any, criteria, unit)| async move {
            if any {
                search_talent(criteria, unit).await.map(Some)
            } else {
                Ok(None)
            }
        },
    );
    view! {
        <PageHeader
            title="Talent search"
            subtitle="Find people by their validated levels: everyone who meets every criterion first, then the closest."
        />
        <TalentTabs/>
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let opts = options.await;
                let found = results.await;
                match opts {
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                    Ok(o) => view! { <Search o found/> }.into_any(),
                }
            })}
        </Transition>
    }
    .into_any()
}

#[component]
fn Search(o: TalentChoices, found: Result<Option<TalentResult>, AppError>) -> impl IntoView {
    let query = use_query_map();
    let rows = rows_of(&query.read_untracked());
    let unit = query.read_untracked().get("unit").unwrap_or_default();
    let error_field = found
        .as_ref()
        .err()
        .and_then(|e| e.field().map(str::to_string));
    let add_more = rows.len() < crate::domain::talent::MAX_CRITERIA;
    let next_rows = rows.len() + 1;
    let row_views = rows
        .iter()
        .enumerate()
        .map(|(i, (node, min))| {
            let n = i + 1;
            let bad = error_field.as_deref() == Some(format!("node{n}").as_str())
                || error_field.as_deref() == Some(format!("min{n}").as_str());
            let min = if min.is_empty() { "3".to_string() } else { min.clone() };
            view! {
                <div class="criterion" class:invalid=bad>
                    <label>
                        {format!("Skill {n}")}
                        <select name=format!("node{n}") aria-label=format!("Skill {n}") aria-invalid=bad.then_some("true")>
                            <option value="">"—"</option>
                            {o.nodes.iter().map(|(id, label)| {
                                let selected = node == &id.to_string();
                                view! { <option value=id.to_string() selected=selected>{label.clone()}</option> }
                            }).collect_view()}
                        </select>
                    </label>
                    <label>
                        {format!("Level {n} or more")}
                        <select name=format!("min{n}") aria-label=format!("Level {n} or more")>
                            {(1..=5u8).map(|l| view! {
                                <option value=l.to_string() selected=min == l.to_string()>{l.to_string()}</option>
                            }).collect_view()}
                        </select>
                    </label>
                </div>
            }
        })
        .collect_view();
    let more_href = {
        let q = query.read_untracked();
        let mut parts: Vec<String> = Vec::new();
        for (i, (n, m)) in rows.iter().enumerate() {
            if !n.is_empty() {
                parts.push(format!("node{}={n}&min{}={m}", i + 1, i + 1));
            }
        }
        if let Some(u) = q.get("unit").filter(|u| !u.is_empty()) {
            parts.push(format!("unit={u}"));
        }
        parts.push(format!("rows={next_rows}"));
        format!("/talent?{}", parts.join("&"))
    };
    view! {
        <Form method="GET" action="/talent" attr:class="card talent-form" attr:aria-label="Search criteria">
            {row_views}
            {add_more.then(|| view! { <a class="small" href=more_href>"Add another skill"</a> })}
            <div class="talent-bottom">
                <FilterSelect label="Only in unit" name="unit" none="Whole organisation"
                    options=o.units.clone() chosen=unit.parse().ok()/>
                <button class="btn btn-primary" type="submit">"Search"</button>
            </div>
        </Form>
        {match found {
            Ok(None) => view! {
                <EmptyState
                    title="Choose what you are looking for"
                    body="Pick one or more skills with the level needed, then Search. People are ranked by how many criteria they meet, then by how close they are on the others."
                />
            }.into_any(),
            Err(e) => view! { <p class="alert alert-error" role="alert">{e.to_string()}</p> }.into_any(),
            Ok(Some(r)) => view! { <Results r/> }.into_any(),
        }}
    }
    .into_any()
}

#[component]
fn Results(r: TalentResult) -> impl IntoView {
    if r.candidates.is_empty() {
        return view! {
            <EmptyState
                title="Nobody matches yet"
                body="No one has a current validated level at or above any of these. Try lower levels or fewer skills."
            />
        }
        .into_any();
    }
    let total = r.criteria.len();
    let summary = format!(
        "{} {} every criterion; showing the {} closest.",
        r.full_matches,
        if r.full_matches == 1 {
            "person meets"
        } else {
            "people meet"
        },
        r.candidates.len()
    );
    let heads = r
        .criteria
        .iter()
        .map(|(c, title)| view! { <th scope="col">{format!("{title} ≥ {}", c.min)}</th> })
        .collect_view();
    let criteria = r.criteria.clone();
    let body = r
        .candidates
        .into_iter()
        .map(|c| {
            let cells = c
                .levels
                .iter()
                .zip(&criteria)
                .map(|(l, (cr, _))| {
                    let ok = *l >= cr.min;
                    view! {
                        <td class=if ok { "lvl lvl-met" } else { "lvl lvl-short" }>
                            {l.to_string()}
                            <span class="sr-only">{if ok { " (meets)" } else { " (below)" }}</span>
                        </td>
                    }
                })
                .collect_view();
            view! {
                <tr data-testid="candidate">
                    <th scope="row"><a href=format!("/skills?person={}", c.person)>{c.name.clone()}</a></th>
                    <td>{c.position.clone()}</td>
                    <td>{c.unit.clone()}</td>
                    {cells}
                    <td>{format!("{} of {total}", c.met)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card">
            <p class="muted" data-testid="talent-summary">{summary}</p>
            <div class="table-scroll">
                <table class="table talent-table">
                    <thead>
                        <tr>
                            <th scope="col">"Person"</th>
                            <th scope="col">"Position"</th>
                            <th scope="col">"Unit"</th>
                            {heads}
                            <th scope="col">"Met"</th>
                        </tr>
                    </thead>
                    <tbody>{body}</tbody>
                </table>
            </div>
        </section>
    }
    .into_any()
}

#[component]
fn TalentTabs() -> impl IntoView {
    view! {
        <nav class="tabs" aria-label="Talent">
            <leptos_router::components::A href="/talent" exact=true>"Skills search"</leptos_router::components::A>
            <leptos_router::components::A href="/talent/succession" exact=true>"Succession"</leptos_router::components::A>
        </nav>
    }
    .into_any()
}

/// `/talent/succession`: for a position, everyone who may be found ranked by readiness.
#[component]
pub fn SuccessionPage() -> impl IntoView {
    let query = use_query_map();
    let data = Resource::new(
        move || query.read().get("position").unwrap_or_default(),
        succession_candidates,
    );
    view! {
        <PageHeader
            title="Succession candidates"
            subtitle="For a position, the people closest to its requirements by their validated levels: readiness as on everyone's gap chart, mandatory gaps first."
        />
        <TalentTabs/>
        <Loaded data=data ok=move |s| view! { <Successors s/> }/>
    }
    .into_any()
}

#[component]
fn Successors(s: Succession) -> impl IntoView {
    let chosen = s.position.as_ref().map(|p| p.0);
    let options = s.positions.clone();
    let body = match &s.position {
        None => view! {
            <EmptyState title="Choose a position" body="Pick a position to see who is readiest to step into it."/>
        }
        .into_any(),
        Some(_) if s.candidates.is_empty() => view! {
            <EmptyState title="Nobody to suggest yet"
                body="No one you may search has a validated level on this position's requirements. Approve people's levels or add requirements to the position."/>
        }
        .into_any(),
        Some((_, title)) => {
            let rows = s
                .candidates
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let p = c.readiness;
                    view! {
                        <tr data-testid="successor">
                            <td class="num">{i + 1}</td>
                            <th scope="row"><a href=format!("/skills?person={}", c.person)>{c.name.clone()}</a></th>
                            <td>{c.position.clone()}<span class="muted small">{(!c.unit.is_empty()).then(|| format!(" · {}", c.unit))}</span></td>
                            <td class="num">
                                <span class="meter" role="img" aria-label=format!("{p}% ready")>
                                    <span class="meter-fill" style=format!("width:{p}%")></span>
                                </span>
                                " " {format!("{p}%")}
                            </td>
                            <td class="num">{c.gaps}</td>
                            <td class="num">
                                {if c.mandatory_gaps > 0 {
                                    view! { <span class="badge badge-warn">{c.mandatory_gaps}</span> }.into_any()
                                } else {
                                    view! { <span class="muted">"0"</span> }.into_any()
                                }}
                            </td>
                        </tr>
                    }
                })
                .collect_view();
            view! {
                <div class="card">
                    <h2>{format!("Readiest for {title}")}</h2>
                    <p class="muted small">{format!("Against its {} requirements. People who hold it already are left out.", s.requirements)}</p>
                    <table class="table" data-testid="successors">
                        <thead><tr>
                            <th class="num">"#"</th><th>"Name"</th><th>"Now"</th>
                            <th class="num">"Ready"</th><th class="num">"Gaps"</th><th class="num">"Mandatory gaps"</th>
                        </tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            }
            .into_any()
        }
    };
    view! {
        <Form method="GET" action="/talent/succession" attr:class="filters card" attr:aria-label="Succession">
            <FilterSelect label="Position" name="position" none="Choose a position" options chosen/>
            <button class="btn btn-primary" type="submit">"Show candidates"</button>
        </Form>
        {body}
    }
    .into_any()
}

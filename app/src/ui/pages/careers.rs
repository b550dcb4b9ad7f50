//! Career paths: the graph of positions (promotions go up, lateral moves sideways) drawn as
//! SVG, a side panel with the chosen position's requirements and moves (and, for admins,
//! the link editor), and "what do I need for this position".

use crate::api::positions::{
    compare_position, load_career_map, load_position_overview, AddCareerLink, DeleteCareerLink,
    SetTargetPosition, UpdateCareerLink,
};
use crate::api::AppError;
use crate::domain::positions::{
    level_text, weight_label, CareerMap, Change, ComparisonPage, GapRow, LevelText, LinkKind,
    PositionId, PositionOverview,
};
use crate::domain::NodeId;
use crate::ui::components::common::{
    query_param, EmptyState, ErrorPanel, Loaded, PageHeader, Table,
};
use crate::ui::forms::{action_feedback, feedback, FormAlert};
use crate::ui::pages::positions::kind_label;
use crate::ui::Auth;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use std::collections::HashMap;

/// Every action on the career page.
#[derive(Clone, Copy)]
struct CareerActions {
    add: ServerAction<AddCareerLink>,
    update: ServerAction<UpdateCareerLink>,
    delete: ServerAction<DeleteCareerLink>,
    target: ServerAction<SetTargetPosition>,
}

impl CareerActions {
    fn versions(&self) -> [usize; 4] {
        [
            self.add.version().get(),
            self.update.version().get(),
            self.delete.version().get(),
            self.target.version().get(),
        ]
    }
}

/// `/careers`: the career map; `?position=ID` opens a position's panel.
#[component]
pub fn CareersPage() -> impl IntoView {
    let selected = query_param::<PositionId>("position");
    let acts = CareerActions {
        add: ServerAction::new(),
        update: ServerAction::new(),
        delete: ServerAction::new(),
        target: ServerAction::new(),
    };
    let map = Resource::new(move || acts.versions(), |_| load_career_map());
    let panel = Resource::new(
        move || (selected.get(), acts.versions()),
        |(id, _)| async move {
            match id {
                Some(id) => load_position_overview(id).await.map(Some),
                None => Ok(None),
            }
        },
    );
    let page_fb = feedback(Signal::derive(|| None::<Result<(), AppError>>));
    view! {
        <PageHeader title="Career paths" subtitle="Where each position can lead: promotions go up, lateral moves go across. Choose a position to see what it requires."/>
        <FormAlert feedback=page_fb/>
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let map = match map.await {
                    Ok(m) => m,
                    Err(e) => return view! { <ErrorPanel error=e/> }.into_any(),
                };
                if map.positions.is_empty() {
                    return view! {
                        <EmptyState title="No positions yet" body="Admins add positions under Positions, then link them here into career paths."/>
                    }.into_any();
                }
                let panel_view = match panel.await {
                    Ok(Some(o)) => view! { <Panel o map=map.clone() acts/> }.into_any(),
                    Ok(None) => view! {
                        <div class="card panel-hint">
                            <h2>"Choose a position"</h2>
                            <p class="muted">"Select a box on the map to see the position's requirements, where it leads, and what you would need to get there."</p>
                            {map.mine.map(|m| view! {
                                <p><a class="btn" href=format!("/careers?position={m}")>"Start from my position"</a></p>
                            })}
                        </div>
                    }.into_any(),
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                };
                view! {
                    <div class="career-layout">
                        <section class="card career-map" aria-labelledby="map-h">
                            <h2 id="map-h" class="sr-only">"Career map"</h2>
                            <Graph map=map.clone() selected=selected.get_untracked()/>
                            <Legend/>
                        </section>
                        <div class="career-panel">{panel_view}</div>
                    </div>
                }.into_any()
            })}
        </Transition>
    }
    .into_any()
}

#[component]
fn Legend() -> impl IntoView {
    view! {
        <ul class="legend" aria-label="Legend">
            <li><svg width="36" height="10" aria-hidden="true"><line x1="0" y1="5" x2="36" y2="5" class="edge edge-up"/></svg>" Promotion"</li>
            <li><svg width="36" height="10" aria-hidden="true"><line x1="0" y1="5" x2="36" y2="5" class="edge edge-across"/></svg>" Lateral move"</li>
            <li><span class="swatch swatch-mine" aria-hidden="true"></span>" Your position"</li>
            <li><span class="swatch swatch-target" aria-hidden="true"></span>" Your target"</li>
        </ul>
    }
    .into_any()
}

#[component]
fn Graph(map: CareerMap, selected: Option<PositionId>) -> impl IntoView {
    let l = map.layout;
    let holders: std::collections::HashMap<PositionId, u32> = map
        .positions
        .iter()
        .map(|p| (p.position.id, p.holders))
        .collect();
    let edges = l
        .edges
        .iter()
        .map(|e| {
            let class = match e.kind {
                LinkKind::Up => "edge edge-up",
                LinkKind::Across => "edge edge-across",
            };
            view! { <path d=e.svg_path() class=class marker-end="url(#arrow)"/> }
        })
        .collect_view();
    let nodes = l
        .nodes
        .iter()
        .map(|n| {
            let mut class = String::from("pos");
            if Some(n.id) == map.mine {
                class.push_str(" pos-mine");
            }
            if Some(n.id) == map.target {
                class.push_str(" pos-target");
            }
            if Some(n.id) == selected {
                class.push_str(" pos-selected");
            }
            let lines = n.lines.clone();
            let count = lines.len() as f32;
            let cx = n.x + n.width / 2.0;
            let first = n.y + n.height / 2.0 - (count - 1.0) * 8.0 + 5.0;
            let who = holders.get(&n.id).copied().unwrap_or(0);
            let mut label = n.title.clone();
            if Some(n.id) == map.mine {
                label.push_str(" (your position)");
            } else if Some(n.id) == map.target {
                label.push_str(" (your target)");
            }
            label.push_str(&format!(", {who} {}", if who == 1 { "person" } else { "people" }));
            // Inside `<g>` the view macro makes `<a>` and `<title>` SVG elements; on their own
            // they would be HTML ones, which a client-side render cannot put in an SVG (a
            // `<title>` before the `<a>` makes both HTML ones too).
            view! {
                <g>
                <a href=format!("/careers?position={}", n.id) class=class aria-label=label data-testid="career-node">
                    <title>{n.title.clone()}</title>
                    <rect x=format!("{:.1}", n.x) y=format!("{:.1}", n.y) width=format!("{:.1}", n.width)
                        height=format!("{:.1}", n.height) rx="8"/>
                    // One text of a line per span, with a space between them: read as one
                    // title ("Senior Software Engineer", not "Senior SoftwareEngineer").
                    <text text-anchor="middle">
                        {lines.into_iter().enumerate().map(|(i, t)| view! {
                            {(i > 0).then_some(" ")}
                            <tspan x=format!("{cx:.1}") y=format!("{:.1}", first + i as f32 * 16.0)>{t}</tspan>
                        }).collect_view()}
                    </text>
                </a>
                </g>
            }
        })
        .collect_view();
    view! {
        <div class="graph-scroll">
            <svg class="career-graph" viewBox=format!("0 0 {:.0} {:.0}", l.width, l.height)
                style=format!("max-width: {:.0}px", l.width)
                role="group" aria-label="Career map: positions and the moves between them">
                <defs>
                    <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                        <path d="M 0 0 L 10 5 L 0 10 z" class="arrowhead"/>
                    </marker>
                </defs>
                <g class="edges">{edges}</g>
                <g class="nodes">{nodes}</g>
            </svg>
        </div>
    }
    .into_any()
}

#[component]
fn Panel(o: PositionOverview, map: CareerMap, acts: CareerActions) -> impl IntoView {
    let auth = expect_context::<Auth>();
    let id = o.position.id;
    let is_mine = map.mine == Some(id);
    let is_target = map.target == Some(id);
    let target_fb = action_feedback(acts.target.value());
    let subtitle = {
        let mut parts = vec![o.position.track.label().to_string()];
        if let Some(u) = &o.unit_name {
            parts.push(u.clone());
        }
        parts.push(format!(
            "{} {}",
            o.holders,
            if o.holders == 1 { "person" } else { "people" }
        ));
        parts.join(" · ")
    };
    let reqs = o
        .requirements
        .iter()
        .map(|r| {
            let (level, _) = level_text(&r.levels, r.requirement.required);
            view! {
                <li>
                    <span class="req-name">{r.requirement.node_title.clone()}</span>
                    " " <span class="badge">{kind_label(r.requirement.kind)}</span>
                    {r.requirement.mandatory.then(|| view! { " " <span class="badge badge-warn">"Mandatory"</span> })}
                    <span class="req-level small">{level}</span>
                </li>
            }
        })
        .collect_view();
    let moves = o
        .moves_out
        .iter()
        .map(|l| {
            let notes = l.link.notes.clone();
            view! {
                <li class="move">
                    <a href=format!("/careers?position={}", l.link.to)>{l.to_title.clone()}</a>
                    <span class="badge">{l.link.kind.label()}</span>
                    {(!notes.is_empty()).then(|| view! { <p class="small">{notes.clone()}</p> })}
                </li>
            }
        })
        .collect_view();
    let others = map
        .positions
        .iter()
        .filter(|p| p.position.id != id)
        .map(|p| (p.position.id, p.position.title.clone()))
        .collect::<Vec<_>>();
    let out_links = o.moves_out.clone();
    view! {
        <section class="card" aria-labelledby="panel-h" data-testid="position-panel">
            <h2 id="panel-h">{o.position.title.clone()}</h2>
            <p class="muted small">{subtitle}</p>
            {is_mine.then(|| view! { <p class="badge badge-mine">"You are here"</p> })}
            {is_target.then(|| view! { <p class="badge badge-target">"Your target"</p> })}
            {(!o.position.description.is_empty()).then(|| view! { <p>{o.position.description.clone()}</p> })}
            <div class="panel-actions">
                {(!is_mine).then(|| view! {
                    <a class="btn btn-primary" href=format!("/careers/compare?position={id}")>"What do I need?"</a>
                })}
                {(!is_mine && !is_target).then(|| view! {
                    <ActionForm action=acts.target attr:class="inline-form">
                        <input type="hidden" name="target" value=id.to_string()/>
                        <button type="submit" class="btn">"Make this my target"</button>
                    </ActionForm>
                })}
                {move || auth.is_admin().then(|| view! { <a class="btn" href=format!("/positions/{id}")>"Edit position"</a> })}
            </div>
            <FormAlert feedback=target_fb/>
            <h3>{format!("Requirements ({})", o.requirements.len())}</h3>
            {if o.requirements.is_empty() {
                view! { <p class="muted">"No requirements defined yet."</p> }.into_any()
            } else {
                view! { <ul class="panel-reqs">{reqs}</ul> }.into_any()
            }}
            <h3>"Where it leads"</h3>
            {if o.moves_out.is_empty() {
                view! { <p class="muted">"No moves from this position yet."</p> }.into_any()
            } else {
                view! { <ul class="moves">{moves}</ul> }.into_any()
            }}
            {(!o.moves_in.is_empty()).then(|| view! {
                <h3>"Reached from"</h3>
                <ul class="plain-list">
                    {o.moves_in.iter().map(|l| view! {
                        <li><a href=format!("/careers?position={}", l.link.from)>{l.from_title.clone()}</a>
                            <span class="muted small">{format!(" · {}", l.link.kind.label())}</span></li>
                    }).collect_view()}
                </ul>
            })}
        </section>
        {move || auth.is_admin().then(|| view! { <LinkEditor from=id others=others.clone() out=out_links.clone() acts/> })}
    }
    .into_any()
}

#[component]
fn LinkEditor(
    from: PositionId,
    others: Vec<(PositionId, String)>,
    out: Vec<crate::domain::positions::LinkView>,
    acts: CareerActions,
) -> impl IntoView {
    let add_fb = action_feedback(acts.add.value());
    let upd_fb = action_feedback(acts.update.value());
    let kinds = |selected: LinkKind| {
        [LinkKind::Up, LinkKind::Across]
            .into_iter()
            .map(|k| view! { <option value=k.as_str() selected=k == selected>{k.label()}</option> })
            .collect_view()
    };
    let existing = out
        .into_iter()
        .map(|l| {
            let to = l.to_title.clone();
            let heading = format!("To {to}");
            let save_label = format!("Save the move to {to}");
            let remove_label = format!("Remove the move to {to}");
            view! {
                <li class="link-edit">
                    <ActionForm action=acts.update attr:class="form">
                        <input type="hidden" name="id" value=l.id.to_string()/>
                        <p><strong>{heading}</strong></p>
                        <div class="field">
                            <label for=format!("kind-{}", l.id)>"Kind of move"</label>
                            <select id=format!("kind-{}", l.id) name="kind">{kinds(l.link.kind)}</select>
                        </div>
                        <div class="field">
                            <label for=format!("notes-{}", l.id)>"Developmental experience needed"</label>
                            <textarea id=format!("notes-{}", l.id) name="notes" rows="2">{l.link.notes.clone()}</textarea>
                        </div>
                        <div class="form-actions">
                            <button type="submit" class="btn btn-small" aria-label=save_label>"Save"</button>
                        </div>
                    </ActionForm>
                    <ActionForm action=acts.delete attr:class="inline-form">
                        <input type="hidden" name="id" value=l.id.to_string()/>
                        <button type="submit" class="btn btn-small btn-quiet" aria-label=remove_label>"Remove move"</button>
                    </ActionForm>
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="card" aria-labelledby="links-h">
            <h2 id="links-h">"Edit moves from here"</h2>
            <FormAlert feedback=upd_fb/>
            <ul class="plain-list">{existing}</ul>
            <h3>"Add a move"</h3>
            <ActionForm action=acts.add attr:class="form">
                <FormAlert feedback=add_fb/>
                <input type="hidden" name="input[from]" value=from.to_string()/>
                <div class="field">
                    <label for="link-to">"Leads to"</label>
                    <select id="link-to" name="input[to]">
                        <option value="">"Choose a position"</option>
                        {others.into_iter().map(|(id, t)| view! { <option value=id.to_string()>{t}</option> }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="link-kind">"Kind of move"</label>
                    <select id="link-kind" name="input[kind]">{kinds(LinkKind::Up)}</select>
                </div>
                <div class="field">
                    <label for="link-notes">"Developmental experience needed"</label>
                    <textarea id="link-notes" name="input[notes]" rows="2" placeholder="e.g. led a cross-team project; mentored two engineers"></textarea>
                </div>
                <div class="form-actions"><button type="submit" class="btn btn-primary">"Add move"</button></div>
            </ActionForm>
        </section>
    }
}

/// `/careers/compare?position=ID[&person=ID]`: what a person needs for a position.
#[component]
pub fn ComparePage() -> impl IntoView {
    let query = use_query_map();
    let target = ServerAction::<SetTargetPosition>::new();
    let data = Resource::new(
        move || {
            let q = query.read();
            (
                q.get("position").and_then(|p| p.parse::<PositionId>().ok()),
                q.get("person").and_then(|p| p.parse().ok()),
                target.version().get(),
            )
        },
        |(position, person, _)| async move {
            match position {
                Some(p) => compare_position(p, person).await,
                None => Err(AppError::NotFound("That position".into())),
            }
        },
    );
    let fb = feedback(target.value());
    view! {
        <Loaded data=data title="Comparison" ok=move |c| view! { <Comparison c target fb/> }/>
    }
    .into_any()
}

#[component]
fn Comparison(
    c: ComparisonPage,
    target: ServerAction<SetTargetPosition>,
    fb: Signal<Option<crate::ui::forms::Feedback>>,
) -> impl IntoView {
    let s = c.comparison.summary.clone();
    let title = if c.is_me {
        format!("What you need for {}", c.target.title)
    } else {
        format!("What {} needs for {}", c.person_name, c.target.title)
    };
    let from = match &c.current {
        Some(p) => format!("From {} to {}", p.title, c.target.title),
        None => format!(
            "No current position; everything {} requires is new",
            c.target.title
        ),
    };
    let levels: HashMap<_, _> = c.levels.iter().cloned().collect();
    let rows = c
        .comparison
        .rows
        .iter()
        .map(|r| comparison_row(r, &levels))
        .collect_view();
    let pct = s.readiness_percent;
    view! {
        <PageHeader title=title subtitle=from>
            <a class="btn" href=format!("/careers?position={}", c.target.id)>"Back to the career map"</a>
        </PageHeader>
        <FormAlert feedback=fb/>
        <div class="compare-summary card">
            <div class="readiness">
                <p class="readiness-figure" data-testid="readiness"><span class="big">{format!("{pct}%")}</span>" ready"</p>
                <div class="meter" role="meter" aria-valuemin="0" aria-valuemax="100" aria-valuenow=pct.to_string()
                    aria-label="Readiness">
                    <span class="meter-fill" style=format!("width: {pct}%")></span>
                </div>
                <p class="small muted">"Readiness weighs each gap by the requirement's importance; unrated requirements count as level 0."</p>
            </div>
            <ul class="chips">
                <li class="chip">{format!("{} requirements", s.total)}</li>
                <li class="chip">{format!("{} new", s.new)}</li>
                <li class="chip">{format!("{} higher than now", s.higher)}</li>
                <li class="chip chip-ok">{format!("{} met", s.met)}</li>
                <li class="chip chip-warn">{format!("{} mandatory gap{}", s.mandatory_gaps, if s.mandatory_gaps == 1 { "" } else { "s" })}</li>
                <li class="chip">{format!("{} not rated", s.not_rated)}</li>
            </ul>
            <div class="compare-actions">
                {if c.is_target {
                    view! { <span class="badge badge-target">"This is the target position"</span> }.into_any()
                } else if c.can_set_target {
                    view! {
                        <ActionForm action=target attr:class="inline-form">
                            {(!c.is_me).then(|| view! { <input type="hidden" name="person" value=c.person.to_string()/> })}
                            <input type="hidden" name="target" value=c.target.id.to_string()/>
                            <button type="submit" class="btn btn-primary">{if c.is_me { "Make this my target" } else { "Make this their target" }}</button>
                        </ActionForm>
                    }.into_any()
                } else {
                    ().into_any()
                }}
            </div>
        </div>
        {c.direct_move.map(|m| view! {
            <section class="card">
                <h2>{format!("The move: {}", m.link.kind.label())}</h2>
                {if m.link.notes.is_empty() {
                    view! { <p class="muted">"No notes on the experience this move needs."</p> }.into_any()
                } else {
                    view! { <p>{m.link.notes.clone()}</p> }.into_any()
                }}
            </section>
        })}
        <section class="card">
            <h2>"Requirement by requirement"</h2>
            <p class="small muted">"Mandatory gaps first, then the other gaps by size and importance, then what is already met."</p>
            {if c.comparison.rows.is_empty() {
                view! { <p class="muted">"This position has no requirements yet."</p> }.into_any()
            } else {
                view! {
                    <Table class="compare-table" headings=&["Requirement", "Required", "Current level", "In current position", "Change", "Gap"]>
                        {rows}
                    </Table>
                }.into_any()
            }}
        </section>
    }
    .into_any()
}

/// One requirement of the comparison: what is required, the person's level, what changes
/// from the current position, and the gap.
fn comparison_row(r: &GapRow, levels: &HashMap<NodeId, Vec<LevelText>>) -> impl IntoView + use<> {
    let texts = levels.get(&r.node).cloned().unwrap_or_default();
    let (req_name, req_desc) = level_text(&texts, r.required);
    let current = match r.current {
        Some(l) => level_text(&texts, l).0,
        None => "Not rated".to_string(),
    };
    let change = match r.change {
        Change::New => "New",
        Change::Higher => "Higher",
        Change::Same => "Same",
        Change::Lower => "Lower",
    };
    let change_class = match r.change {
        Change::New => "badge badge-new",
        Change::Higher => "badge badge-warn",
        _ => "badge",
    };
    let (gap_text, gap_class) = if r.gap == 0 {
        ("\u{2713} Met".to_string(), "gap gap-met")
    } else if r.mandatory {
        (
            format!("\u{2212}{} (mandatory)", r.gap),
            "gap gap-mandatory",
        )
    } else {
        (format!("\u{2212}{}", r.gap), "gap gap-open")
    };
    view! {
        <tr data-testid="comparison-row">
            <th scope="row">
                {r.title.clone()}
                {r.mandatory.then(|| view! { " " <span class="badge badge-warn">"Mandatory"</span> })}
                <p class="small muted">{format!("Weight: {}", weight_label(r.weight))}</p>
            </th>
            <td><span title=req_desc.clone()>{req_name}</span><p class="small muted">{req_desc.clone()}</p></td>
            <td class:muted=r.current.is_none()>{current}</td>
            <td>{r.in_current_position.map(|l| format!("Level {l}")).unwrap_or_else(|| "–".into())}</td>
            <td><span class=change_class>{change}</span></td>
            <td class=gap_class>{gap_text}</td>
        </tr>
    }
}

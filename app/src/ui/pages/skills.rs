//! "My skills" (self-assessment with level sliders and a live gap chart), a manager's view
//! of a report's skills (sources side by side, direct rating), the review queue, and the
//! rating history of one node.

use crate::api::assess::{
    load_skills, open_peer_requests, rating_history, review_queue, AddEvidenceLink,
    AnswerPeerRequest, DecideRatings, DeclinePeerRequest, RateReport, RequestPeerRatings,
    SubmitSelfAssessment, VerifyEvidence,
};
use crate::api::AppError;
use crate::domain::assess::{
    gap_chart, ordered_gaps, scale_top, validated_levels, EvidenceView, GapBar, NodeHistory,
    PositionReadiness, ReviewItem, Scope, SkillRow, SkillsPage,
};
use crate::domain::positions::level_text;
use crate::domain::radar::{self, points_attr, short_title, Baseline, Frame, Point};
use crate::domain::rating::{Current, Review, Source};
use crate::domain::{NodeId, PersonId};
use crate::ui::components::common::{EmptyState, Loaded, LoadedList, PageHeader, Table};
use crate::ui::components::slider::LevelSlider;
use crate::ui::forms::{action_feedback, feedback, FormAlert};
use crate::ui::pages::positions::kind_label;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use std::collections::HashMap;

/// "Level 3: Working" for a row's level, or "Not rated".
fn level_name(row: &SkillRow, level: u8) -> String {
    level_text(&row.levels, level).0
}

/// What the current level rests on, in words.
fn status_line(row: &SkillRow, now: i64) -> String {
    let c: &Current = &row.current;
    let mut parts = Vec::new();
    match c.validated {
        None => parts.push("Not rated yet".to_string()),
        Some(v) if c.expired => parts.push(format!(
            "Expired: {} from {} no longer counts",
            level_name(row, v.level),
            v.source.label().to_lowercase()
        )),
        Some(v) => {
            parts.push(format!(
                "Current: {} ({}, {})",
                level_name(row, v.level),
                v.source.label().to_lowercase(),
                row.validated_at.clone().unwrap_or_default()
            ));
            if let Some(days) = c.expires_in_days(now) {
                parts.push(format!(
                    "expires in {days} day{}",
                    if days == 1 { "" } else { "s" }
                ));
            }
        }
    }
    if let Some(p) = c.pending {
        parts.push(format!("pending review: {}", level_name(row, p)));
    }
    parts.join(" · ")
}

/// `/skills`: the caller's skills (`?person=ID` for a report's), `?scope=target` for the
/// target position's requirements.
#[component]
pub fn SkillsPageRoute() -> impl IntoView {
    let query = use_query_map();
    let submit = ServerAction::<SubmitSelfAssessment>::new();
    let rate = ServerAction::<RateReport>::new();
    let data = Resource::new(
        move || {
            let q = query.read();
            (
                q.get("person").and_then(|p| p.parse::<PersonId>().ok()),
                q.get("scope").unwrap_or_default(),
                submit.version().get(),
                rate.version().get(),
            )
        },
        |(person, scope, _, _)| load_skills(person, scope),
    );
    view! {
        <Loaded data=data title="Skills" ok=move |d| view! { <Skills d submit rate/> }/>
    }
    .into_any()
}

#[component]
fn Skills(
    d: SkillsPage,
    submit: ServerAction<SubmitSelfAssessment>,
    rate: ServerAction<RateReport>,
) -> impl IntoView {
    let title = if d.is_me {
        "My skills".to_string()
    } else {
        format!("{}: skills", d.person_name)
    };
    let person_q = if d.is_me {
        String::new()
    } else {
        format!("person={}&", d.person)
    };
    let tabs = view! {
        <nav class="tabs" aria-label="Which requirements">
            <a href=format!("/skills?{person_q}scope=position") aria-current=(d.scope == Scope::Position).then_some("page")>"Current position"</a>
            {d.has_target.then(|| view! {
                <a href=format!("/skills?{person_q}scope=target") aria-current=(d.scope == Scope::Target).then_some("page")>"Target position"</a>
            })}
        </nav>
    };
    let subtitle = match &d.position_title {
        Some(t) => format!("Requirements of {t}"),
        None => String::new(),
    };
    let body = if d.rows.is_empty() {
        let (t, b) = match (&d.position_title, d.scope) {
            (None, Scope::Position) => (
                "No position yet",
                "Once an admin assigns a position, its requirements appear here to assess.",
            ),
            (None, Scope::Target) => (
                "No target position",
                "Pick a target on the career map to assess yourself against it.",
            ),
            (Some(_), _) => ("No requirements", "This position has no requirements yet."),
        };
        view! { <EmptyState title=t body=b/> }.into_any()
    } else if d.is_me {
        view! { <SelfAssessmentForm d=d.clone() submit/> }.into_any()
    } else {
        view! { <ReportSkills d=d.clone() rate/> }.into_any()
    };
    let ask =
        (!d.rows.is_empty() && (d.is_me || d.can_rate)).then(|| view! { <AskPeers d=d.clone()/> });
    let cards = (d.current_readiness.is_some() || d.target_readiness.is_some()).then(|| {
        let person = (!d.is_me).then_some(d.person);
        view! {
            <ReadinessCards current=d.current_readiness.clone() target=d.target_readiness.clone() person/>
        }
    });
    let gaps = (!d.rows.is_empty()).then(|| {
        let close = format!("/learning/close-gap?{person_q}scope={}", d.scope.as_str());
        view! { <GapList rows=d.rows.clone() is_me=d.is_me position=d.position_title.clone().unwrap_or_default() close/> }
    });
    view! {
        <PageHeader title=title subtitle=subtitle/>
        {cards}
        {tabs}
        {body}
        {gaps}
        {ask}
    }
    .into_any()
}

/// Readiness for the position held and the target position, from validated levels
/// (computed on the server by the rule the comparison page uses).
#[component]
fn ReadinessCards(
    current: Option<PositionReadiness>,
    target: Option<PositionReadiness>,
    person: Option<PersonId>,
) -> impl IntoView {
    let card = move |kind: &'static str, testid: &'static str, r: PositionReadiness, link: bool| {
        let pct = r.percent;
        let gaps = match (r.gaps, r.mandatory_gaps) {
            (0, _) => "No gaps: every requirement met".to_string(),
            (g, 0) => format!("{g} gap{}", if g == 1 { "" } else { "s" }),
            (g, m) => format!("{g} gap{}, {m} mandatory", if g == 1 { "" } else { "s" }),
        };
        let href = format!(
            "/careers/compare?position={}{}",
            r.position,
            person.map(|p| format!("&person={p}")).unwrap_or_default()
        );
        view! {
            <div class="card readiness-card" data-testid=testid>
                <h2 class="readiness-kind">{kind}</h2>
                <p class="readiness-position">{r.title.clone()}</p>
                <p class="readiness-figure"><span class="big">{format!("{pct}%")}</span>" ready"</p>
                <span class="meter" aria-hidden="true"><span class="meter-fill" style=format!("width: {pct}%")></span></span>
                <p class="small muted">{gaps}</p>
                {link.then(|| view! { <a class="small" href=href>"What is needed for the target position"</a> })}
            </div>
        }
    };
    view! {
        <section class="readiness-cards" aria-label="Readiness">
            {current.map(|r| card("Current position", "readiness-current", r, false))}
            {target.map(|r| card("Target position", "readiness-target", r, true))}
        </section>
        <p class="hint readiness-hint">"From validated levels: pending self-ratings count once approved."</p>
    }
    .into_any()
}

/// "Your gaps": the requirements not yet met at the validated level, mandatory ones first,
/// then the largest weighted gap.
#[component]
fn GapList(rows: Vec<SkillRow>, is_me: bool, position: String, close: String) -> impl IntoView {
    let (bars, _) = gap_chart(&rows, &validated_levels(&rows));
    let gaps = ordered_gaps(&bars);
    let heading = if is_me { "Your gaps" } else { "Gaps" };
    let has_gaps = !gaps.is_empty();
    let body = if gaps.is_empty() {
        view! { <p class="muted">"No gaps: every requirement is met at its required level."</p> }
            .into_any()
    } else {
        let items = gaps
            .into_iter()
            .map(|b| {
                let row = rows.iter().find(|r| r.node == b.node);
                let name = |l: u8| row.map(|r| level_name(r, l)).unwrap_or_else(|| format!("Level {l}"));
                let class = if b.mandatory { "gap gap-mandatory" } else { "gap gap-open" };
                view! {
                    <li class="gap-item" class:gap-item-mandatory=b.mandatory data-testid="gap-item">
                        <span class=class>{format!("\u{2212}{}", b.gap)}</span>
                        <div>
                            <p class="gap-item-title">
                                <strong>{b.title.clone()}</strong>
                                {b.mandatory.then(|| view! { " " <span class="badge badge-warn">"Mandatory"</span> })}
                            </p>
                            <p class="small muted">{format!("Required: {} · current: {}", name(b.required), name(b.level))}</p>
                        </div>
                    </li>
                }
            })
            .collect_view();
        view! { <ol class="gap-list">{items}</ol> }.into_any()
    };
    view! {
        <section class="card gap-list-card" aria-labelledby="gaps-h">
            <div class="section-head">
                <h2 id="gaps-h">{heading}</h2>
                {has_gaps.then(|| view! { <a class="btn btn-primary" href=close data-testid="close-my-gap">"Close my gap"</a> })}
            </div>
            <p class="small muted">
                {format!("For {position}, at validated levels. ")}
                "Mandatory requirements first, then the gaps that cost the most readiness (weight × levels missing)."
            </p>
            {body}
        </section>
    }
    .into_any()
}

/// Asks named colleagues for their view on chosen requirements.
#[component]
fn AskPeers(d: SkillsPage) -> impl IntoView {
    let ask = ServerAction::<RequestPeerRatings>::new();
    let fb = action_feedback(ask.value());
    let boxes = d
        .rows
        .iter()
        .map(|r| {
            view! {
                <label class="check">
                    <input type="checkbox" name=format!("nodes[{}]", r.node) value="on"/>
                    {r.title.clone()}
                </label>
            }
        })
        .collect_view();
    view! {
        <section class="card ask-peers" aria-labelledby="ask-h">
            <h2 id="ask-h">"Ask colleagues for their view"</h2>
            <p class="small muted">"Peers see the request on their home page. Their ratings are shown beside the others and never count as validated."</p>
            <ActionForm action=ask attr:class="form form-wide">
                <FormAlert feedback=fb/>
                {move || ask.value().get().and_then(|r| r.ok()).map(|n| view! {
                    <p class="alert alert-ok" role="status">{format!("Sent {n} request{}.", if n == 1 { "" } else { "s" })}</p>
                })}
                {(!d.is_me).then(|| view! { <input type="hidden" name="person" value=d.person.to_string()/> })}
                <div class="field">
                    <label for="peer-emails">"Colleagues' e-mail addresses"</label>
                    <textarea id="peer-emails" name="peers" rows="2" placeholder="amara.nwosu@northwind.example, jonas.keller@northwind.example"></textarea>
                </div>
                <fieldset class="check-grid">
                    <legend>"Skills to ask about"</legend>
                    {boxes}
                </fieldset>
                <div class="form-actions"><button type="submit" class="btn">"Send requests"</button></div>
            </ActionForm>
        </section>
    }
    .into_any()
}

/// The requests for the caller's view of colleagues, answered in place (home page).
#[component]
pub fn PeerRequests() -> impl IntoView {
    let answer = ServerAction::<AnswerPeerRequest>::new();
    let decline = ServerAction::<DeclinePeerRequest>::new();
    let list = Resource::new(
        move || (answer.version().get(), decline.version().get()),
        |_| open_peer_requests(),
    );
    let fb = action_feedback(answer.value());
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let items = list.await.unwrap_or_default();
                (!items.is_empty()).then(|| {
                    let rows = items.into_iter().map(|q| {
                        let what = format!("{} on {}", q.subject_name, q.node_title);
                        let level_label = format!("Your view of {what}");
                        let give_label = format!("Give your view of {what}");
                        let decline_label = format!("Decline the request about {what}");
                        let options = std::iter::once((0u8, "0: Not demonstrated".to_string()))
                            .chain(q.levels.iter().map(|l| (l.level, format!("{}: {}", l.level, l.name))))
                            .map(|(v, t)| view! { <option value=v.to_string()>{t}</option> })
                            .collect_view();
                        view! {
                            <li class="review-item peer-item" data-testid="peer-request">
                                <span></span>
                                <div class="review-main">
                                    <p><strong>{q.subject_name.clone()}</strong>" · "{q.node_title.clone()}</p>
                                    <p class="small muted">{format!("Asked by {} on {}", q.requested_by.clone().unwrap_or_else(|| "a former colleague".into()), q.at)}</p>
                                </div>
                                <div class="review-actions">
                                    <ActionForm action=answer attr:class="inline-form decline-form">
                                        <input type="hidden" name="id" value=q.id.to_string()/>
                                        <select name="level" aria-label=level_label>{options}</select>
                                        <input type="text" name="comment" placeholder="Comment (optional)" aria-label=format!("Comment on {what}")/>
                                        <button type="submit" class="btn btn-small btn-primary" aria-label=give_label>"Give rating"</button>
                                    </ActionForm>
                                    <ActionForm action=decline attr:class="inline-form">
                                        <input type="hidden" name="id" value=q.id.to_string()/>
                                        <button type="submit" class="btn btn-small btn-quiet" aria-label=decline_label>"Decline"</button>
                                    </ActionForm>
                                </div>
                            </li>
                        }
                    }).collect_view();
                    view! {
                        <section class="section" aria-labelledby="peer-h">
                            <h2 id="peer-h">"Colleagues asking for your view"</h2>
                            <div class="card">
                                <FormAlert feedback=fb/>
                                <ul class="review-list">{rows}</ul>
                            </div>
                        </section>
                    }
                })
            })}
        </Transition>
    }
    .into_any()
}

#[component]
fn SelfAssessmentForm(d: SkillsPage, submit: ServerAction<SubmitSelfAssessment>) -> impl IntoView {
    let fb = feedback(submit.value());
    let levels = RwSignal::new(HashMap::<NodeId, u8>::new());
    let rows = StoredValue::new(d.rows.clone());
    let max = scale_top(&d.rows);
    let now = d.now_ms;
    let items = d
        .rows
        .iter()
        .map(|r| {
            let node = r.node;
            let top = r.levels.iter().map(|l| l.level).max().unwrap_or(1);
            let on_change = Callback::new(move |v: u8| levels.update(|m| {
                m.insert(node, v);
            }));
            view! {
                <li class="req-item skill-item" data-testid="skill">
                    <p class="crumbs small muted">{r.path.join(" › ")}</p>
                    <h3 class="req-title">
                        {r.title.clone()} " " <span class="badge">{kind_label(r.kind)}</span>
                        {r.mandatory.then(|| view! { " " <span class="badge badge-warn">"Mandatory"</span> })}
                        {r.current.expired.then(|| view! { " " <span class="badge badge-danger">"Expired"</span> })}
                    </h3>
                    <LevelSlider name=format!("input[levels][{node}]") id=format!("skill-{node}") label=format!("My level in {}", r.title)
                        levels=r.levels.clone() value=r.own_level().min(top) min=0 mark=(r.required, "Required") on_change/>
                    <p class="small muted status-line">
                        {format!("Required: {}. ", level_name(r, r.required))}
                        {status_line(r, now)}
                        " · "
                        <a href=format!("/skills/history?node={node}")>"History and evidence"</a>
                    </p>
                </li>
            }
        })
        .collect_view();
    view! {
        <ActionForm action=submit attr:class="skills-layout">
            <div class="skills-main">
                <FormAlert feedback=fb/>
                {move || submit.value().get().and_then(|r| r.ok()).map(|n| view! {
                    <p class="alert alert-ok" role="status">
                        {format!("Submitted {n} rating{} for your manager's review.", if n == 1 { "" } else { "s" })}
                    </p>
                })}
                <ul class="req-list">{items}</ul>
                <div class="card submit-card">
                    <div class="field">
                        <label for="self-comment">"Comment for your manager (optional)"</label>
                        <textarea id="self-comment" name="input[comment]" rows="2"
                            placeholder="What you did that shows these levels: projects, reviews, courses…"></textarea>
                    </div>
                    <div class="form-actions"><button type="submit" class="btn btn-primary">"Submit for review"</button></div>
                    <p class="hint">"Only the levels you changed are submitted. They count once your manager approves them."</p>
                </div>
            </div>
            <aside class="skills-side">
                <div class="card sticky">
                    <h2>"Gap to the requirements"</h2>
                    {move || {
                        let (bars, pct) = rows.with_value(|rs| gap_chart(rs, &levels.get()));
                        view! { <GapChart bars pct max/> }
                    }}
                    <p class="hint">"Updates as you move the sliders; nothing is saved until you submit."</p>
                </div>
            </aside>
        </ActionForm>
    }
    .into_any()
}

/// The gap chart with the readiness the shown levels give: a radar for 3 to 12
/// requirements, bars otherwise. `max` is the scale maximum (the radar's rim).
#[component]
fn GapChart(bars: Vec<GapBar>, pct: u8, max: u8) -> impl IntoView {
    let chart = if radar::fits(bars.len()) {
        view! { <RadarChart bars pct max/> }.into_any()
    } else {
        view! { <BarChart bars pct/> }.into_any()
    };
    view! {
        <p class="readiness-figure" data-testid="live-readiness"><span class="big">{format!("{pct}%")}</span>" ready"</p>
        {chart}
    }
    .into_any()
}

/// The gap text of a bar or axis: a tick when met, else the levels missing.
fn gap_mark(b: &GapBar) -> (String, &'static str) {
    if b.gap == 0 {
        ("\u{2713}".to_string(), "gap-met")
    } else if b.mandatory {
        (format!("\u{2212}{}", b.gap), "gap-mandatory")
    } else {
        (format!("\u{2212}{}", b.gap), "gap-open")
    }
}

/// The accessible text of a bar or axis.
fn gap_title(b: &GapBar) -> String {
    let mut t = format!("{}: level {} of required {}", b.title, b.level, b.required);
    match (b.gap, b.mandatory) {
        (0, _) => t.push_str(", met"),
        (g, true) => t.push_str(&format!(", gap {g}, mandatory")),
        (g, false) => t.push_str(&format!(", gap {g}")),
    }
    t
}

/// The radar: level rings with their numbers, one axis per requirement (labelled with its
/// shortened title and its gap; mandatory gaps marked with "!"), the required levels as a
/// dashed outline and the shown levels filled.
#[component]
fn RadarChart(bars: Vec<GapBar>, pct: u8, max: u8) -> impl IntoView {
    // Near one SVG unit per CSS pixel in the 380 px side column, so the labels stay legible.
    let radius = 84.0;
    let label_gap = 7.0;
    let side = 88.0;
    let head = 34.0;
    let width = 2.0 * (radius + label_gap + side);
    let height = 2.0 * (radius + label_gap + head);
    let frame = Frame {
        centre: Point {
            x: width / 2.0,
            y: height / 2.0,
        },
        radius,
        label_gap,
    };
    let r = radar::radar(&bars, max, frame);
    let c = r.centre;
    let f = |v: f64| format!("{v:.1}");
    let rings = r
        .rings
        .iter()
        .map(|g| {
            view! {
                <g class="radar-ring-group">
                    <polygon points=points_attr(&g.points) class="radar-ring"/>
                    <text x=f(g.label.x) y=f(g.label.y) class="radar-ring-label" dominant-baseline="central">{g.level.to_string()}</text>
                </g>
            }
        })
        .collect_view();
    let axes = r
        .axes
        .iter()
        .zip(&r.current)
        .map(|(a, dot)| {
            let b = &a.bar;
            let (gap_text, class) = gap_mark(b);
            let flag = if b.gap > 0 && b.mandatory { "! " } else { "" };
            let name = format!("{flag}{}", short_title(&b.title, 15));
            // Two lines, the title then the gap, placed away from the rim.
            let first_dy = match a.baseline {
                Baseline::Above => "-1.2em",
                Baseline::Middle => "-0.2em",
                Baseline::Below => "0.8em",
            };
            let lx = a.label.x;
            view! {
                <g data-testid="gap-axis" role="img" class=format!("radar-axis-group {class}")>
                    <title>{gap_title(b)}</title>
                    <line x1=f(c.x) y1=f(c.y) x2=f(a.end.x) y2=f(a.end.y) class="radar-axis"/>
                    <circle cx=f(dot.x) cy=f(dot.y) r="3" class="radar-dot"/>
                    <text x=f(lx) y=f(a.label.y) text-anchor=a.anchor.as_str() class=format!("chart-label radar-label {class}")>
                        <tspan x=f(lx) dy=first_dy>{name}</tspan>
                        <tspan x=f(lx) dy="1.15em" class="radar-gap">{gap_text}</tspan>
                    </text>
                </g>
            }
        })
        .collect_view();
    view! {
        <svg class="gap-chart radar-chart" data-testid="radar" viewBox=format!("0 0 {width:.0} {height:.0}") role="group"
            aria-label=format!("Radar gap chart: {pct}% ready")>
            <g aria-hidden="true">{rings}</g>
            <g aria-hidden="true">
                <polygon points=points_attr(&r.current) class="radar-current" data-testid="radar-current"/>
                <polygon points=points_attr(&r.required) class="radar-required" data-testid="radar-required"/>
            </g>
            <g>{axes}</g>
        </svg>
        <ul class="legend">
            <li><span class="swatch swatch-current"></span>"your level"</li>
            <li><span class="swatch swatch-outline"></span>"required"</li>
            <li><strong class="gap-mandatory">"!"</strong>"mandatory gap"</li>
        </ul>
    }
    .into_any()
}

/// The bar chart: one row per requirement, the level as a bar, the required level as a
/// marker, the gap as a signed number (colour never alone).
#[component]
fn BarChart(bars: Vec<GapBar>, pct: u8) -> impl IntoView {
    let top = bars
        .iter()
        .map(|b| b.required.max(b.level))
        .max()
        .unwrap_or(5)
        .max(5);
    let label_w = 150.0;
    let chart_w = 170.0;
    let row_h = 24.0;
    let unit = chart_w / f32::from(top);
    let height = bars.len() as f32 * row_h + 8.0;
    let rows = bars
        .into_iter()
        .enumerate()
        .map(|(i, b)| {
            let y = i as f32 * row_h + 4.0;
            let w = f32::from(b.level) * unit;
            let req_x = label_w + f32::from(b.required) * unit;
            let title: String = if b.title.chars().count() > 20 {
                format!("{}…", b.title.chars().take(19).collect::<String>())
            } else {
                b.title.clone()
            };
            let (gap_text, class) = gap_mark(&b);
            view! {
                <g data-testid="gap-bar">
                    <title>{gap_title(&b)}</title>
                    <text x=format!("{:.1}", label_w - 8.0) y=format!("{:.1}", y + 14.0) text-anchor="end" class="chart-label">{title}</text>
                    <rect x=format!("{label_w:.1}") y=format!("{:.1}", y + 3.0) width=format!("{chart_w:.1}") height="14" rx="3" class="gap-track"/>
                    <rect x=format!("{label_w:.1}") y=format!("{:.1}", y + 3.0) width=format!("{w:.1}") height="14" rx="3" class=format!("gap-level {class}")/>
                    <line x1=format!("{req_x:.1}") x2=format!("{req_x:.1}") y1=format!("{y:.1}") y2=format!("{:.1}", y + 20.0) class="gap-required"/>
                    <text x=format!("{:.1}", label_w + chart_w + 8.0) y=format!("{:.1}", y + 14.0) class=format!("chart-value {class}")>{gap_text}</text>
                </g>
            }
        })
        .collect_view();
    view! {
        <svg class="gap-chart" viewBox=format!("0 0 {:.0} {height:.0}", label_w + chart_w + 30.0) role="img"
            aria-label=format!("Gap chart: {pct}% ready")>
            {rows}
        </svg>
        <ul class="legend">
            <li><span class="swatch swatch-level"></span>"your level"</li>
            <li><span class="swatch swatch-required"></span>"required"</li>
        </ul>
    }
    .into_any()
}

/// The headings of a report's skills by source, but the last column's: history links, and
/// the rating form for those who may rate.
const BY_SOURCE: [&str; 7] = [
    "Requirement",
    "Required",
    "Current",
    "Self",
    "Manager",
    "Peer",
    "Course",
];

#[component]
fn ReportSkills(d: SkillsPage, rate: ServerAction<RateReport>) -> impl IntoView {
    let fb = action_feedback(rate.value());
    let now = d.now_ms;
    let person = d.person;
    let can_rate = d.can_rate;
    let rows = d
        .rows
        .iter()
        .map(|r| {
            let node = r.node;
            let sources = Source::ALL
                .iter()
                .filter(|s| **s != Source::Import)
                .map(|s| {
                    let v = r.by_source.iter().find(|(x, _)| x == s).map(|x| x.1);
                    view! { <td class="num">{v.map(|l| l.to_string()).unwrap_or_else(|| "–".into())}</td> }
                })
                .collect_view();
            let top = r.levels.iter().map(|l| l.level).max().unwrap_or(1);
            let title = r.title.clone();
            let rate_label = format!("Rate {title}");
            let level_label = format!("Level for {title}");
            let cur_level = r.current.level;
            view! {
                <tr class:disagree=r.disagreement data-testid="report-skill">
                    <th scope="row">
                        {r.title.clone()}
                        {r.disagreement.then(|| view! { " " <span class="badge badge-warn">"Views differ by 2+"</span> })}
                        <p class="small muted">{status_line(r, now)}</p>
                    </th>
                    <td class="num">{r.required}</td>
                    <td class="num"><strong>{r.current.level}</strong></td>
                    {sources}
                    <td>
                        <a class="btn btn-small btn-quiet" href=format!("/skills/history?node={node}&person={person}")>"History"</a>
                        {can_rate.then(move || view! {
                            <ActionForm action=rate attr:class="inline-form rate-form">
                                <input type="hidden" name="person" value=person.to_string()/>
                                <input type="hidden" name="node" value=node.to_string()/>
                                <select name="level" aria-label=level_label.clone()>
                                    {(0..=top).map(|l| view! { <option value=l.to_string() selected=l == cur_level>{l.to_string()}</option> }).collect_view()}
                                </select>
                                <button type="submit" class="btn btn-small" aria-label=rate_label.clone()>"Rate"</button>
                            </ActionForm>
                        })}
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <FormAlert feedback=fb/>
        {move || matches!(rate.value().get(), Some(Ok(()))).then(|| view! {
            <p class="alert alert-ok" role="status">"Rating saved."</p>
        })}
        <p class="small muted">"Each source's latest level, side by side and never averaged. Only manager ratings, approved self-ratings and course awards count; peers inform."</p>
        <Table numeric=&[1, 2, 3, 4, 5, 6] headings=[&BY_SOURCE[..], &[if can_rate { "Rate directly" } else { "" }]].concat()>
            {rows}
        </Table>
    }
    .into_any()
}

/// `/reviews`: pending self-ratings of the caller's reports.
#[component]
pub fn ReviewsPage() -> impl IntoView {
    let decide = ServerAction::<DecideRatings>::new();
    let queue = Resource::new(move || decide.version().get(), |_| review_queue());
    let fb = feedback(decide.value());
    view! {
        <PageHeader title="Reviews" subtitle="Self-assessments from your team waiting for your decision. Approved levels count; declined ones do not."/>
        <FormAlert feedback=fb/>
        {move || decide.value().get().and_then(|r| r.ok()).map(|n| view! {
            <p class="alert alert-ok" role="status">{format!("Decided {n} rating{}.", if n == 1 { "" } else { "s" })}</p>
        })}
        <LoadedList data=queue empty_title="Nothing to review"
            empty_body="When someone in your team submits a self-assessment, it appears here."
            ok=move |items| view! { <Queue items decide/> }/>
    }
    .into_any()
}

#[component]
fn Queue(items: Vec<ReviewItem>, decide: ServerAction<DecideRatings>) -> impl IntoView {
    let rows = items
        .into_iter()
        .map(|i| {
            let what = format!("{} on {}", i.subject_name, i.node_title);
            let approve_label = format!("Approve {what}");
            let decline_label = format!("Decline {what}");
            let tick_label = format!("Select {what}");
            let comment_label = format!("Reason to decline {what}");
            let change = match i.previous {
                Some(p) if p == i.level => "same".to_string(),
                Some(p) => format!("{}{}", if i.level > p { "+" } else { "\u{2212}" }, i.level.abs_diff(p)),
                None => "first rating".to_string(),
            };
            view! {
                <li class="review-item" data-testid="review">
                    <input type="checkbox" form="bulk-review" name=format!("ids[{}]", i.rating) value="on" aria-label=tick_label/>
                    <div class="review-main">
                        <p><a href=format!("/skills?person={}", i.subject)>{i.subject_name.clone()}</a>
                            {(!i.direct).then(|| view! { <span class="small muted">" (indirect report)"</span> })}
                            " · " <strong>{i.node_title.clone()}</strong></p>
                        <p class="small">
                            {format!("Claims {} ", i.level_name)}
                            <span class="badge">{change}</span>
                            {format!(" · before: {}", i.previous.map(|p| format!("level {p}")).unwrap_or_else(|| "not rated".into()))}
                            {i.required.map(|r| format!(" · required: level {r}"))}
                            {format!(" · {}", i.at)}
                        </p>
                        {(!i.comment.is_empty()).then(|| view! { <blockquote class="small">{i.comment.clone()}</blockquote> })}
                        <EvidenceList items=i.evidence.clone() can_verify=false verify=None/>
                        <a class="small" href=format!("/skills/history?node={}&person={}", i.node, i.subject)>"History and evidence"</a>
                    </div>
                    <div class="review-actions">
                        <ActionForm action=decide attr:class="inline-form">
                            <input type="hidden" name="rating" value=i.rating.to_string()/>
                            <input type="hidden" name="decision" value="approve"/>
                            <button type="submit" class="btn btn-small btn-primary" aria-label=approve_label>"Approve"</button>
                        </ActionForm>
                        <ActionForm action=decide attr:class="inline-form decline-form">
                            <input type="hidden" name="rating" value=i.rating.to_string()/>
                            <input type="hidden" name="decision" value="decline"/>
                            <input type="text" name="comment" placeholder="Why?" aria-label=comment_label/>
                            <button type="submit" class="btn btn-small" aria-label=decline_label>"Decline"</button>
                        </ActionForm>
                    </div>
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="card">
            <ul class="review-list">{rows}</ul>
            <ActionForm action=decide attr:id="bulk-review" attr:class="bulk-form">
                <h2 class="h3">"Ticked ratings"</h2>
                <div class="field-row">
                    <div class="field">
                        <label for="bulk-decision">"Decision"</label>
                        <select id="bulk-decision" name="decision">
                            <option value="approve">"Approve"</option>
                            <option value="decline">"Decline"</option>
                        </select>
                    </div>
                    <div class="field">
                        <label for="bulk-comment">"Comment (needed to decline)"</label>
                        <input id="bulk-comment" type="text" name="comment"/>
                    </div>
                </div>
                <div class="form-actions"><button type="submit" class="btn">"Apply to ticked"</button></div>
            </ActionForm>
        </section>
    }
    .into_any()
}

/// `/skills/history?node=ID[&person=ID]`: one person's ratings on one node.
#[component]
pub fn HistoryPage() -> impl IntoView {
    let query = use_query_map();
    let link = ServerAction::<AddEvidenceLink>::new();
    let verify = ServerAction::<VerifyEvidence>::new();
    let data = Resource::new(
        move || {
            let q = query.read();
            (
                q.get("node").and_then(|n| n.parse::<NodeId>().ok()),
                q.get("person").and_then(|p| p.parse::<PersonId>().ok()),
                q.get("before").and_then(|b| b.parse::<i64>().ok()),
                link.version().get(),
                verify.version().get(),
            )
        },
        |(node, person, before, _, _)| async move {
            match node {
                Some(n) => rating_history(n, person, before).await,
                None => Err(AppError::NotFound("That skill".into())),
            }
        },
    );
    view! {
        <Loaded data=data title="History" ok=move |h| view! { <History h link verify/> }/>
    }
    .into_any()
}

/// Links to the newest and the next older page of a history (plain links: they work
/// without JavaScript).
fn history_pager(h: &NodeHistory) -> impl IntoView {
    let base = match h.is_me {
        true => format!("/skills/history?node={}", h.node.0),
        false => format!("/skills/history?node={}&person={}", h.node.0, h.person.0),
    };
    let newest = (!h.newest).then(
        || view! { <a class="btn btn-small" href=base.clone() rel="first">"← Newest ratings"</a> },
    );
    let older = h.older.map(|id| {
        view! { <a class="btn btn-small" href=format!("{base}&before={id}") rel="next">"Older ratings →"</a> }
    });
    (newest.is_some() || older.is_some())
        .then(|| view! { <nav class="pager" aria-label="History pages">{newest}{older}</nav> })
}

/// Evidence as links: files download as attachments, links open elsewhere.
#[component]
fn EvidenceList(
    items: Vec<EvidenceView>,
    can_verify: bool,
    verify: Option<ServerAction<VerifyEvidence>>,
) -> impl IntoView {
    (!items.is_empty()).then(|| {
        let rows = items
            .into_iter()
            .map(|e| {
                let link = if e.is_file {
                    let size = if e.size >= 1_048_576 {
                        format!("{:.1} MB", e.size as f64 / 1_048_576.0)
                    } else {
                        format!("{} KB", e.size.div_ceil(1024))
                    };
                    view! {
                        <a href=format!("/evidence/{}", e.id) rel="external" download=e.name.clone()>{e.name.clone()}</a>
                        <span class="muted">{format!(" ({size})")}</span>
                    }
                    .into_any()
                } else {
                    view! {
                        <a href=e.url.clone().unwrap_or_default() rel="external noopener noreferrer" target="_blank">{e.name.clone()}</a>
                        <span class="muted">" (link)"</span>
                    }
                    .into_any()
                };
                let label = format!("Mark {} verified", e.name);
                let state = match (e.verified_by.clone(), can_verify, verify) {
                    (Some(by), _, _) => view! { " " <span class="badge badge-ok">{format!("Verified by {by}")}</span> }.into_any(),
                    (None, true, Some(action)) => view! {
                        <ActionForm action=action attr:class="inline-form">
                            <input type="hidden" name="id" value=e.id.to_string()/>
                            <button type="submit" class="btn btn-small btn-quiet" aria-label=label>"Mark verified"</button>
                        </ActionForm>
                    }
                    .into_any(),
                    _ => view! { " " <span class="badge badge-off">"Not verified"</span> }.into_any(),
                };
                view! { <li data-testid="evidence">{link}{state}</li> }
            })
            .collect_view();
        view! { <ul class="evidence-list small" aria-label="Evidence">{rows}</ul> }
    })
}

/// Forms to attach a file or a link to rating `rating`.
#[component]
fn AddEvidence(rating: i64, link: ServerAction<AddEvidenceLink>) -> impl IntoView {
    let accept = ".pdf,.png,.jpg,.jpeg,.gif,.webp,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.odt,.ods,.odp";
    view! {
        <details class="add-evidence">
            <summary>"Add evidence"</summary>
            <form method="post" action="/evidence/upload" enctype="multipart/form-data" class="inline-form evidence-form">
                <input type="hidden" name="rating" value=rating.to_string()/>
                <label class="sr-only" for=format!("file-{rating}")>"File"</label>
                <input type="file" id=format!("file-{rating}") name="file" accept=accept required/>
                <button type="submit" class="btn btn-small">"Upload"</button>
            </form>
            <ActionForm action=link attr:class="inline-form evidence-form">
                <input type="hidden" name="rating" value=rating.to_string()/>
                <label class="sr-only" for=format!("url-{rating}")>"Link"</label>
                <input type="url" id=format!("url-{rating}") name="url" placeholder="https://…" required/>
                <button type="submit" class="btn btn-small">"Add link"</button>
            </ActionForm>
            <p class="hint">"PDF, images or office documents, checked by their content; or a link to the work."</p>
        </details>
    }
    .into_any()
}

#[component]
fn History(
    h: NodeHistory,
    link: ServerAction<AddEvidenceLink>,
    verify: ServerAction<VerifyEvidence>,
) -> impl IntoView {
    let title = format!("{}: {}", h.person_name, h.node_title);
    let link_fb = feedback(link.value());
    let may_add = h.is_me || h.can_verify;
    let can_verify = h.can_verify;
    let cur = h.current;
    let summary = match cur.validated {
        None => "Not rated yet.".to_string(),
        Some(v) if cur.expired => format!("Expired (was {}).", level_text(&h.levels, v.level).0),
        Some(v) => {
            let mut s = format!("Current level: {}.", level_text(&h.levels, v.level).0);
            if let Some(d) = cur.expires_in_days(h.now_ms) {
                s.push_str(&format!(
                    " Expires in {d} day{}.",
                    if d == 1 { "" } else { "s" }
                ));
            }
            s
        }
    };
    let entries = h
        .entries
        .iter()
        .map(|e| {
            let state = match (e.source, e.review) {
                (Source::SelfRating, Some(Review::Approved)) => Some(("Approved", "badge badge-ok")),
                (Source::SelfRating, Some(Review::Declined)) => Some(("Declined", "badge badge-off")),
                (Source::SelfRating, _) => Some(("Pending review", "badge badge-warn")),
                _ => None,
            };
            view! {
                <li class="timeline-item" class:counts=e.counts data-testid="history-entry">
                    <p class="timeline-head">
                        <strong>{format!("{}: {}", e.source.label(), level_text(&h.levels, e.level).0)}</strong>
                        {state.map(|(t, c)| view! { " " <span class=c>{t}</span> })}
                        {e.counts.then(|| view! { " " <span class="badge badge-new">"Counts now"</span> })}
                    </p>
                    <p class="small muted">{format!("{} · by {}", e.at, e.by.clone().unwrap_or_else(|| "a former member".into()))}</p>
                    {(!e.comment.is_empty()).then(|| view! { <blockquote class="small">{e.comment.clone()}</blockquote> })}
                    {e.decision.clone().map(|(who, at, why)| view! {
                        <p class="small">{format!("Decided by {who} on {at}")}{(!why.is_empty()).then(|| format!(": \u{201c}{why}\u{201d}"))}</p>
                    })}
                    <EvidenceList items=e.evidence.clone() can_verify verify=Some(verify)/>
                    {may_add.then(|| view! { <AddEvidence rating=e.id link/> })}
                </li>
            }
        })
        .collect_view();
    view! {
        <PageHeader title=title subtitle=summary>
            <a class="btn" href="/skills">"Back to skills"</a>
        </PageHeader>
        <FormAlert feedback=link_fb/>
        <section class="card">
            <h2>"History"</h2>
            <p class="small muted">"Every rating is kept; a correction is a new entry. Newest first."</p>
            {if h.entries.is_empty() {
                view! { <p class="muted">"No ratings yet."</p> }.into_any()
            } else {
                view! { <ol class="timeline">{entries}</ol> }.into_any()
            }}
            {history_pager(&h)}
        </section>
    }
    .into_any()
}

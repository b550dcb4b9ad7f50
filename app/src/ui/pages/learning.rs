//! The learning catalogue: browse activities (everyone), create and edit them with the
//! levels they award (admins), and "close my gap" with its suggestions.

use crate::api::learning::{
    close_my_gap, load_activity, load_catalogue, search_nodes, RemoveActivityLevel, SaveActivity,
    SetActivityActive, SetActivityLevel,
};
use crate::api::plans::AddToPlan;
use crate::domain::develop::{
    cost_text, duration_text, ActivityKind, ActivityRow, CloseGap, GapLine, Provided,
};
use crate::domain::PersonId;
use crate::ui::components::common::{EmptyState, ErrorPanel, Loaded, PageHeader};
use crate::ui::components::slider::LevelSlider;
use crate::ui::forms::{action_feedback, feedback, FormAlert, TextField};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The kind's badge.
pub fn kind_badge(kind: ActivityKind) -> impl IntoView {
    view! { <span class=format!("badge kind-{}", kind.as_str())>{kind.label()}</span> }
}

fn provided_list(provides: &[Provided]) -> impl IntoView + use<> {
    let items = provides
        .iter()
        .map(|p| {
            view! {
                <li><strong>{p.title.clone()}</strong>" \u{2192} "{p.level_name.clone()}
                    <span class="muted small">{format!(" · {}", p.framework)}</span></li>
            }
        })
        .collect_view();
    view! { <ul class="provides">{items}</ul> }
}

/// `/learning`: the catalogue, filtered by `?q=`; admins add activities.
#[component]
pub fn CataloguePage() -> impl IntoView {
    let query = use_query_map();
    let save = ServerAction::<SaveActivity>::new();
    let data = Resource::new(
        move || {
            let q = query.read();
            (
                q.get("q").unwrap_or_default(),
                q.get("archived").is_some_and(|a| a == "on"),
                save.version().get(),
            )
        },
        |(q, archived, _)| load_catalogue(q, archived),
    );
    view! {
        <Loaded data title="Learning catalogue" ok=move |c| {
            let q = query.read_untracked().get("q").unwrap_or_default();
            let archived = query.read_untracked().get("archived").is_some_and(|a| a == "on");
            let count = c.rows.len();
            let list = if c.rows.is_empty() {
                let (t, b) = if c.total == 0 {
                    ("No learning activities yet", if c.can_edit {
                        "Add a course, workshop or on-the-job task below, or import a learning CSV."
                    } else {
                        "Your L&D team has not published any activities yet."
                    })
                } else {
                    ("Nothing matches", "Try another word, or clear the filter.")
                };
                view! { <EmptyState title=t body=b/> }.into_any()
            } else {
                let rows = c.rows.into_iter().map(|a| view! { <ActivityCard a/> }).collect_view();
                view! { <ul class="activity-list">{rows}</ul> }.into_any()
            };
            view! {
                <PageHeader title="Learning catalogue" subtitle=format!("{} activit{} · courses, workshops, reading, mentoring and on-the-job tasks, with the levels they award", c.total, if c.total == 1 { "y" } else { "ies" })>
                    {c.can_edit.then(|| view! { <a class="btn" href="/frameworks/import?format=learning-csv">"Import CSV"</a> })}
                </PageHeader>
                <form method="get" action="/learning" class="filter-bar" role="search">
                    <label for="learning-q" class="sr-only">"Filter activities"</label>
                    <input id="learning-q" type="search" name="q" value=q placeholder="Filter by title, provider or kind"/>
                    {c.can_edit.then(|| view! {
                        <label class="check"><input type="checkbox" name="archived" value="on" checked=archived/>"Show archived"</label>
                    })}
                    <button type="submit" class="btn">"Filter"</button>
                </form>
                <p class="small muted" role="status">{format!("{count} shown")}</p>
                {list}
                {c.can_edit.then(|| view! { <NewActivity save/> })}
            }.into_any()
        }/>
    }
    .into_any()
}

#[component]
fn ActivityCard(a: ActivityRow) -> impl IntoView {
    let meta = format!(
        "{}{} · {} · {}",
        a.provider,
        if a.provider.is_empty() { "" } else { " ·" },
        duration_text(u64::from(a.duration_minutes)),
        cost_text(a.cost_cents)
    );
    let meta = meta.trim_start_matches(" · ").to_string();
    view! {
        <li class="card activity-card" data-testid="activity">
            <div class="activity-head">
                <h2 class="activity-title"><a href=format!("/learning/{}", a.id)>{a.title.clone()}</a></h2>
                {kind_badge(a.kind)}
                {(!a.active).then(|| view! { <span class="badge badge-off">"Archived"</span> })}
            </div>
            <p class="small muted">{meta}</p>
            {(!a.provides.is_empty()).then(|| provided_list(&a.provides))}
        </li>
    }
    .into_any()
}

/// The fields of an activity (new or existing).
#[component]
fn ActivityFields(
    a: Option<ActivityRow>,
    fb: Signal<Option<crate::ui::forms::Feedback>>,
) -> impl IntoView {
    let a = a.unwrap_or(ActivityRow {
        id: 0,
        title: String::new(),
        kind: ActivityKind::Course,
        provider: String::new(),
        url: String::new(),
        duration_minutes: 60,
        cost_cents: None,
        description: String::new(),
        external_id: None,
        active: true,
        provides: Vec::new(),
    });
    let kinds = ActivityKind::ALL
        .iter()
        .map(|k| view! { <option value=k.as_str() selected=*k == a.kind>{k.label()}</option> })
        .collect_view();
    let cost = a
        .cost_cents
        .map(|c| format!("{}.{:02}", c / 100, c % 100))
        .unwrap_or_default();
    view! {
        <div class="form-grid">
            <TextField name="input[title]" error_key="title" label="Title" value=a.title.clone() required=true feedback=fb/>
            <div class="field">
                <label for="f-kind">"Kind"</label>
                <select id="f-kind" name="input[kind]">{kinds}</select>
            </div>
            <TextField name="input[provider]" error_key="provider" label="Provider" value=a.provider.clone() feedback=fb/>
            <TextField name="input[url]" error_key="url" label="Link" kind="url" value=a.url.clone() hint="Where to enrol or read it." feedback=fb/>
            <TextField name="input[duration]" error_key="duration" label="Duration" value=duration_text(u64::from(a.duration_minutes)).replace(" min", "m").replace(" h", "h") hint="Minutes, or e.g. 1h 30m, 2 days (8 h), 1 week (40 h)." required=true feedback=fb/>
            <TextField name="input[cost]" error_key="cost" label="Cost (EUR, optional)" value=cost feedback=fb/>
            <TextField name="input[external_id]" error_key="external_id" label="Identifier in your learning system (optional)" value=a.external_id.clone().unwrap_or_default() feedback=fb/>
        </div>
        <div class="field">
            <label for="f-desc">"Description"</label>
            <textarea id="f-desc" name="input[description]" rows="3">{a.description.clone()}</textarea>
        </div>
    }
    .into_any()
}

#[component]
fn NewActivity(save: ServerAction<SaveActivity>) -> impl IntoView {
    let fb = feedback(save.value());
    view! {
        <section class="card" aria-labelledby="new-activity-h">
            <h2 id="new-activity-h">"Add an activity"</h2>
            <ActionForm action=save attr:class="form form-wide">
                <FormAlert feedback=fb/>
                {move || save.value().get().and_then(|r| r.ok()).map(|id| view! {
                    <p class="alert alert-ok" role="status">"Added. " <a href=format!("/learning/{id}")>"Now say which levels it awards."</a></p>
                })}
                <ActivityFields a=None fb/>
                <div class="form-actions"><button type="submit" class="btn btn-primary">"Add activity"</button></div>
            </ActionForm>
        </section>
    }
    .into_any()
}

/// `/learning/:id`: an activity; admins edit it and the levels it awards.
#[component]
pub fn ActivityPage() -> impl IntoView {
    let params = leptos_router::hooks::use_params_map();
    let query = use_query_map();
    let save = ServerAction::<SaveActivity>::new();
    let level = ServerAction::<SetActivityLevel>::new();
    let unlevel = ServerAction::<RemoveActivityLevel>::new();
    let active = ServerAction::<SetActivityActive>::new();
    let add = ServerAction::<AddToPlan>::new();
    let id = move || params.read().get("id").and_then(|i| i.parse::<i64>().ok());
    let data = Resource::new(
        move || {
            (
                id(),
                save.version().get(),
                level.version().get(),
                unlevel.version().get(),
                active.version().get(),
            )
        },
        |(id, ..)| async move {
            match id {
                Some(id) => load_activity(id).await,
                None => Err(crate::api::AppError::NotFound("That activity".into())),
            }
        },
    );
    let auth = expect_context::<crate::ui::Auth>();
    let found = Resource::new(
        move || query.read().get("q").unwrap_or_default(),
        |q| async move {
            if q.trim().chars().count() < 2 {
                Ok(Vec::new())
            } else {
                search_nodes(q).await
            }
        },
    );
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let is_admin = auth.is_admin();
                match data.await {
                    Ok(a) => {
                        let found = if is_admin { found.await.unwrap_or_default() } else { Vec::new() };
                        view! { <Activity a is_admin found save level unlevel active add/> }.into_any()
                    }
                    Err(e) => view! { <Title text="Activity"/><ErrorPanel error=e/> }.into_any(),
                }
            })}
        </Transition>
    }
    .into_any()
}

#[component]
#[allow(clippy::too_many_arguments)]
fn Activity(
    a: ActivityRow,
    is_admin: bool,
    found: Vec<crate::domain::develop::NodeChoice>,
    save: ServerAction<SaveActivity>,
    level: ServerAction<SetActivityLevel>,
    unlevel: ServerAction<RemoveActivityLevel>,
    active: ServerAction<SetActivityActive>,
    add: ServerAction<AddToPlan>,
) -> impl IntoView {
    let id = a.id;
    let editing = a.clone();
    let level_fb = action_feedback(level.value());
    let add_fb = action_feedback(add.value());
    let q = use_query_map()
        .read_untracked()
        .get("q")
        .unwrap_or_default();
    let levels = a
        .provides
        .iter()
        .map(|p| {
            let label = format!("Remove {}: stop awarding it", p.title);
            let node = p.node;
            view! {
                <li class="provides-row">
                    <span><strong>{p.title.clone()}</strong>" \u{2192} "{p.level_name.clone()}<span class="muted small">{format!(" · {}", p.framework)}</span></span>
                    {is_admin.then(|| view! {
                        <ActionForm action=unlevel attr:class="inline-form">
                            <input type="hidden" name="id" value=id.to_string()/>
                            <input type="hidden" name="node" value=node.to_string()/>
                            <button type="submit" class="btn btn-small btn-ghost" aria-label=label>"Remove"</button>
                        </ActionForm>
                    })}
                </li>
            }
        })
        .collect_view();
    let found_rows = found
        .into_iter()
        .map(|n| found_node(n, id, level))
        .collect_view();
    let meta = format!(
        "{} · {} · {}",
        a.kind.label(),
        duration_text(u64::from(a.duration_minutes)),
        cost_text(a.cost_cents)
    );
    view! {
        <PageHeader title=a.title.clone() subtitle=meta>
            <a class="btn" href="/learning">"All activities"</a>
        </PageHeader>
        <div class="grid-2">
            <section class="card" aria-labelledby="about-h">
                <h2 id="about-h">"About"</h2>
                {(!a.provider.is_empty()).then(|| view! { <p><strong>"Provider: "</strong>{a.provider.clone()}</p> })}
                {(!a.description.is_empty()).then(|| view! { <p>{a.description.clone()}</p> })}
                {(!a.url.is_empty()).then(|| view! { <p><a href=a.url.clone() rel="noopener noreferrer" target="_blank">"Open the activity"</a></p> })}
                {a.external_id.clone().map(|x| view! { <p class="small muted">{format!("Identifier: {x}")}</p> })}
                {(!a.active).then(|| view! { <p class="badge badge-off">"Archived: no longer offered"</p> })}
                <h3>"Levels it awards on completion"</h3>
                {if a.provides.is_empty() {
                    view! { <p class="muted">"None yet. "{is_admin.then_some("Find a competency or skill to add one.")}</p> }.into_any()
                } else {
                    view! { <ul class="provides">{levels}</ul> }.into_any()
                }}
                {a.active.then(|| view! {
                    <ActionForm action=add attr:class="inline-form">
                        <FormAlert feedback=add_fb/>
                        {move || add.value().get().and_then(|r| r.ok()).map(|_| view! {
                            <p class="alert alert-ok" role="status">"Added to your plan. " <a href="/plan">"Open my plan"</a></p>
                        })}
                        <input type="hidden" name="activity" value=id.to_string()/>
                        <input type="hidden" name="scope" value="position"/>
                        <button type="submit" class="btn btn-primary">"Add to my plan"</button>
                    </ActionForm>
                })}
            </section>
            {is_admin.then(|| view! { <EditActivity a=editing save active/> })}
        </div>
        {is_admin.then(|| view! {
            <section class="card" aria-labelledby="award-h">
                <h2 id="award-h">"Add a level it awards"</h2>
                <FormAlert feedback=level_fb/>
                <form method="get" action=format!("/learning/{id}") class="filter-bar" role="search">
                    <label for="node-q">"Competency or skill"</label>
                    <input id="node-q" type="search" name="q" value=q.clone() placeholder="e.g. testing, SQL, coaching"/>
                    <button type="submit" class="btn">"Find"</button>
                </form>
                {(!q.trim().is_empty()).then(|| view! { <ul class="found-list">{found_rows}</ul> })}
            </section>
        })}
    }
}

/// A competency or skill found for the activity, with a form to award one of its levels.
fn found_node(
    n: crate::domain::develop::NodeChoice,
    id: i64,
    level: ServerAction<SetActivityLevel>,
) -> impl IntoView {
    let top = n.levels.iter().map(|l| l.level).max().unwrap_or(1);
    let label = format!("Level {} awards", n.title);
    view! {
        <li class="found-node">
            <ActionForm action=level attr:class="level-form">
                <input type="hidden" name="id" value=id.to_string()/>
                <input type="hidden" name="node" value=n.node.to_string()/>
                <p><strong>{n.title.clone()}</strong><span class="muted small">{format!(" · {}", n.framework)}</span></p>
                <LevelSlider name="level" id=format!("award-{}", n.node) label=label levels=n.levels.clone() value=top.min(3)/>
                <button type="submit" class="btn btn-small">"Award this level"</button>
            </ActionForm>
        </li>
    }
}

/// The admin's form to edit an activity, and to archive it or offer it again.
#[component]
fn EditActivity(
    a: ActivityRow,
    save: ServerAction<SaveActivity>,
    active: ServerAction<SetActivityActive>,
) -> impl IntoView {
    let id = a.id;
    let is_active = a.active;
    let fb = feedback(save.value());
    view! {
        <section class="card" aria-labelledby="edit-h">
            <h2 id="edit-h">"Edit"</h2>
            <ActionForm action=save attr:class="form">
                <FormAlert feedback=fb/>
                {move || save.value().get().and_then(|r| r.ok()).map(|_| view! { <p class="alert alert-ok" role="status">"Saved."</p> })}
                <input type="hidden" name="id" value=id.to_string()/>
                <ActivityFields a=Some(a) fb/>
                <div class="form-actions"><button type="submit" class="btn btn-primary">"Save"</button></div>
            </ActionForm>
            <ActionForm action=active attr:class="inline-form">
                <input type="hidden" name="id" value=id.to_string()/>
                {if is_active {
                    view! { <button type="submit" class="btn btn-danger btn-small">"Archive (stop offering it)"</button> }.into_any()
                } else {
                    view! {
                        <input type="hidden" name="active" value="on"/>
                        <button type="submit" class="btn btn-small">"Offer it again"</button>
                    }.into_any()
                }}
            </ActionForm>
        </section>
    }
}

/// `/learning/close-gap?scope=position|target|plan&person=`: the shortest set of activities
/// closing the gaps, each with the gaps it closes, and the gaps nothing covers; the chosen
/// activities go into the plan with one button.
#[component]
pub fn CloseGapPage() -> impl IntoView {
    let query = use_query_map();
    let add = ServerAction::<AddToPlan>::new();
    let data = Resource::new(
        move || {
            let q = query.read();
            (
                q.get("person").and_then(|p| p.parse::<PersonId>().ok()),
                q.get("scope").unwrap_or_else(|| "position".into()),
                add.version().get(),
            )
        },
        |(person, scope, _)| close_my_gap(person, scope),
    );
    view! {
        <Loaded data title="Close my gap" loading="Finding the shortest way…" ok=move |c| {
            let scope = query.read_untracked().get("scope").unwrap_or_else(|| "position".into());
            let person = query.read_untracked().get("person");
            view! { <CloseGapView c scope person add/> }
        }/>
    }
    .into_any()
}

fn gap_words(g: &GapLine) -> String {
    format!("{} \u{2192} {}", g.current_name, g.required_name)
}

#[component]
fn CloseGapView(
    c: CloseGap,
    scope: String,
    person: Option<String>,
    add: ServerAction<AddToPlan>,
) -> impl IntoView {
    let fb = feedback(add.value());
    let person_q = person
        .as_ref()
        .map(|p| format!("&person={p}"))
        .unwrap_or_default();
    let tabs = [("position", "Current position"), ("target", "Target position"), ("plan", "Plan goals")]
        .into_iter()
        .map(|(s, label)| {
            view! { <a href=format!("/learning/close-gap?scope={s}{person_q}") aria-current=(scope == s).then_some("page")>{label}</a> }
        })
        .collect_view();
    let subtitle = format!("Gaps to {}", c.against);
    let body = if c.gaps.is_empty() {
        view! { <EmptyState title="No gaps to close" body="Every level asked for is met. Pick a target position on the career map, or add goals to your plan."/> }.into_any()
    } else {
        let open = c.suggestions.iter().any(|s| !s.in_plan);
        let cards = c
            .suggestions
            .iter()
            .map(|s| {
                let closes = s
                    .closes
                    .iter()
                    .map(|(node, title, level)| {
                        let g = c.gaps.iter().find(|g| g.node == *node);
                        view! {
                            <li data-testid="closes">
                                <span class="gap gap-open">{g.map(|g| format!("\u{2212}{}", g.required.saturating_sub(g.current))).unwrap_or_default()}</span>
                                " "<strong>{title.clone()}</strong>
                                <span class="small muted">{format!(" · {} · awards level {level}", g.map(gap_words).unwrap_or_default())}</span>
                            </li>
                        }
                    })
                    .collect_view();
                let box_label = format!("Add {} to the plan", s.title);
                view! {
                    <li class="card gap-suggestion" data-testid="suggestion">
                        <div class="activity-head">
                            {(!s.in_plan).then(|| view! {
                                <input type="checkbox" name=format!("activities[{}]", s.activity) value="on" checked=true aria-label=box_label/>
                            })}
                            <h3 class="activity-title"><a href=format!("/learning/{}", s.activity)>{s.title.clone()}</a></h3>
                            {kind_badge(s.kind)}
                            {s.in_plan.then(|| view! { <span class="badge badge-ok">"In your plan"</span> })}
                        </div>
                        <p class="small muted">{format!("{}{}{} · {}", s.provider, if s.provider.is_empty() { "" } else { " · " }, s.duration, s.cost)}</p>
                        <p class="small">"Closes:"</p>
                        <ul class="closes">{closes}</ul>
                    </li>
                }
            })
            .collect_view();
        let uncovered = c
            .uncovered
            .iter()
            .map(|g| view! { <li data-testid="uncovered"><strong>{g.title.clone()}</strong><span class="small muted">{format!(" · {}", gap_words(g))}</span></li> })
            .collect_view();
        let summary = if c.suggestions.is_empty() {
            "No activity in the catalogue closes these gaps.".to_string()
        } else {
            format!(
                "{} activit{} closing {} of {} gaps · {} in total · {}{}",
                c.suggestions.len(),
                if c.suggestions.len() == 1 { "y" } else { "ies" },
                c.gaps.len() - c.uncovered.len(),
                c.gaps.len(),
                c.total_duration,
                c.total_cost,
                if c.exact {
                    " · the shortest possible"
                } else {
                    " · a short set (the catalogue is too large to prove the shortest)"
                }
            )
        };
        view! {
            <p class="lead" data-testid="close-gap-summary">{summary}</p>
            <ActionForm action=add attr:class="suggestions-form">
                <FormAlert feedback=fb/>
                {move || add.value().get().and_then(|r| r.ok()).map(|n| view! {
                    <p class="alert alert-ok" role="status">{format!("Added {n} activit{} to the plan, with goals for the gaps they close. ", if n == 1 { "y" } else { "ies" })}<a href="/plan">"Open the plan"</a></p>
                })}
                {person.clone().map(|p| view! { <input type="hidden" name="person" value=p/> })}
                <input type="hidden" name="scope" value=scope.clone()/>
                <ol class="suggestion-list">{cards}</ol>
                {open.then(|| view! { <div class="form-actions"><button type="submit" class="btn btn-primary">"Add the ticked activities to my plan"</button></div> })}
            </ActionForm>
            {(!c.uncovered.is_empty()).then(|| view! {
                <section class="card" aria-labelledby="uncovered-h">
                    <h2 id="uncovered-h">"Gaps no activity covers"</h2>
                    <p class="small muted">"Ask your manager about a project or mentoring, or L&D to add learning for these."</p>
                    <ul class="plain-list">{uncovered}</ul>
                </section>
            })}
        }.into_any()
    };
    view! {
        <PageHeader title="Close my gap" subtitle=subtitle>
            <a class="btn" href="/plan">"My plan"</a>
        </PageHeader>
        <nav class="tabs" aria-label="Which gaps">{tabs}</nav>
        {body}
    }
    .into_any()
}

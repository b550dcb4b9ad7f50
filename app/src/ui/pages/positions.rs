//! Positions: the list (with a form to add one) and the position editor: details,
//! requirements with level sliders, picking nodes from a framework, drafting from a job
//! description, and who holds the position. Every form works without JavaScript.

use crate::api::people::list_units;
use crate::api::positions::{
    draft_requirements, list_positions, load_position, position_picker, AddRequirement,
    AddWholeCompetency, AssignPosition, AssignUnit, CreatePosition, DeletePosition,
    RemoveRequirement, SavePosition, UnassignPosition, UpdateRequirement,
};
use crate::api::AppError;
use crate::domain::directory::UnitSummary;
use crate::domain::framework::Track;
use crate::domain::positions::{
    weight_label, Picker, Position, PositionId, PositionPage, PositionSummary, RequirementView,
    Suggestion, MAX_RANK,
};
use crate::domain::tree::NodeKind;
use crate::ui::components::common::{
    id_param, urlencode, EmptyState, ErrorPanel, LoadedList, PageHeader, Table,
};
use crate::ui::components::slider::LevelSlider;
use crate::ui::forms::{action_feedback, feedback, field_message, Feedback, FormAlert, TextField};
use crate::ui::pages::people::unit_label;
use crate::ui::Auth;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

/// A kind's label ("Competency").
pub fn kind_label(kind: NodeKind) -> &'static str {
    match kind {
        NodeKind::Category => "Category",
        NodeKind::Competency => "Competency",
        NodeKind::Skill => "Skill",
    }
}

/// "12 people", "1 person".
fn people(n: u32) -> String {
    format!("{n} {}", if n == 1 { "person" } else { "people" })
}

/// `/positions`: every position, and (for admins) a form to add one.
#[component]
pub fn PositionsPage() -> impl IntoView {
    let auth = expect_context::<Auth>();
    let create = ServerAction::<CreatePosition>::new();
    let list = Resource::new(|| (), |_| list_positions());
    let units = Resource::new(|| (), |_| list_units());
    let fb = feedback(create.value());
    view! {
        <PageHeader title="Positions" subtitle="Job roles, what each requires, and who holds them.">
            <a class="btn" href="/careers">"Career paths"</a>
        </PageHeader>
        <LoadedList data=list empty_title="No positions yet"
            empty_body="Add the first position below: give it a title and a track, then add its requirements."
            ok=move |ps| view! { <PositionTable ps/> }/>
        <Transition fallback=|| ()>
            {move || auth.is_admin().then(|| Suspend::new(async move {
                let units = units.await.unwrap_or_default();
                view! {
                    <section class="card" aria-labelledby="new-position">
                        <h2 id="new-position">"Add a position"</h2>
                        <ActionForm action=create attr:class="form">
                            <FormAlert feedback=fb/>
                            <PositionFields prefix="input" position=None units fb/>
                            <div class="form-actions"><button type="submit" class="btn btn-primary">"Add position"</button></div>
                        </ActionForm>
                    </section>
                }
            }))}
        </Transition>
    }
    .into_any()
}

#[component]
fn PositionTable(ps: Vec<PositionSummary>) -> impl IntoView {
    let rows = ps
        .into_iter()
        .map(|p| {
            let href = format!("/positions/{}", p.position.id);
            view! {
                <tr>
                    <th scope="row"><a href=href>{p.position.title.clone()}</a></th>
                    <td>{p.position.track.label()}</td>
                    <td class="num">{p.position.rank.map(|r| r.to_string()).unwrap_or_else(|| "–".into())}</td>
                    <td>{p.unit_name.clone().unwrap_or_else(|| "–".into())}</td>
                    <td class="num">{p.requirements}</td>
                    <td class="num">{p.holders}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <Table wrap="card" numeric=&[2, 4, 5]
            headings=&["Position", "Track", "Rank", "Org unit", "Requirements", "People"]>
            {rows}
        </Table>
    }
    .into_any()
}

/// The position form's fields, named `{prefix}[title]` and so on.
#[component]
fn PositionFields(
    prefix: &'static str,
    position: Option<Position>,
    units: Vec<UnitSummary>,
    fb: Signal<Option<Feedback>>,
) -> impl IntoView {
    let p = position.clone();
    let track = p.as_ref().map_or(Track::Ic, |p| p.track);
    let unit = p.as_ref().and_then(|p| p.unit);
    let rank_msg = field_message(fb, "rank");
    let desc_msg = field_message(fb, "description");
    let name = move |f: &str| format!("{prefix}[{f}]");
    let unit_options = units
        .into_iter()
        .map(|u| {
            let sel = Some(u.id) == unit;
            view! { <option value=u.id.to_string() selected=sel>{unit_label(&u)}</option> }
        })
        .collect_view();
    view! {
        <TextField name="input[title]" error_key="title" label="Title"
            value=p.as_ref().map(|p| p.title.clone()).unwrap_or_default() required=true feedback=fb/>
        <div class="field" class:field-invalid=move || desc_msg.get().is_some()>
            <label for=format!("{prefix}-description")>"Description"</label>
            <textarea id=format!("{prefix}-description") name=name("description") rows="3">
                {p.as_ref().map(|p| p.description.clone()).unwrap_or_default()}
            </textarea>
            {move || desc_msg.get().map(|m| view! { <p class="field-msg">{m}</p> })}
        </div>
        <div class="field-row">
            <div class="field">
                <label for=format!("{prefix}-track")>"Track"</label>
                <select id=format!("{prefix}-track") name=name("track")>
                    {Track::ALL.into_iter().map(|t| view! {
                        <option value=t.as_str() selected=t == track>{t.label()}</option>
                    }).collect_view()}
                </select>
                <p class="hint">"Which level descriptions apply to people in this position."</p>
            </div>
            <div class="field" class:field-invalid=move || rank_msg.get().is_some()>
                <label for=format!("{prefix}-rank")>"Seniority rank"</label>
                <input id=format!("{prefix}-rank") name=name("rank") type="number" min="1" max=MAX_RANK.to_string()
                    value=p.as_ref().and_then(|p| p.rank).map(|r| r.to_string()).unwrap_or_default()
                    aria-invalid=move || rank_msg.get().map(|_| "true")/>
                <p class="hint">"1 is entry level; places the position on the career map."</p>
                {move || rank_msg.get().map(|m| view! { <p class="field-msg">{m}</p> })}
            </div>
            <div class="field">
                <label for=format!("{prefix}-unit")>"Org unit"</label>
                <select id=format!("{prefix}-unit") name=name("unit_id")>
                    <option value="">"None"</option>
                    {unit_options}
                </select>
            </div>
        </div>
    }
    .into_any()
}

fn position_id() -> Memo<Option<PositionId>> {
    id_param()
}

/// Every action the position editor can take, so the page reloads its data after any.
#[derive(Clone, Copy)]
struct EditorActions {
    save: ServerAction<SavePosition>,
    delete: ServerAction<DeletePosition>,
    add: ServerAction<AddRequirement>,
    add_whole: ServerAction<AddWholeCompetency>,
    update: ServerAction<UpdateRequirement>,
    remove: ServerAction<RemoveRequirement>,
    assign: ServerAction<AssignPosition>,
    assign_unit: ServerAction<AssignUnit>,
    unassign: ServerAction<UnassignPosition>,
}

impl EditorActions {
    fn new() -> Self {
        EditorActions {
            save: ServerAction::new(),
            delete: ServerAction::new(),
            add: ServerAction::new(),
            add_whole: ServerAction::new(),
            update: ServerAction::new(),
            remove: ServerAction::new(),
            assign: ServerAction::new(),
            assign_unit: ServerAction::new(),
            unassign: ServerAction::new(),
        }
    }

    fn versions(&self) -> [usize; 9] {
        [
            self.save.version().get(),
            self.delete.version().get(),
            self.add.version().get(),
            self.add_whole.version().get(),
            self.update.version().get(),
            self.remove.version().get(),
            self.assign.version().get(),
            self.assign_unit.version().get(),
            self.unassign.version().get(),
        ]
    }
}

/// `/positions/:id`: the position editor (admins).
#[component]
pub fn PositionEditorPage() -> impl IntoView {
    let id = position_id();
    let acts = EditorActions::new();
    let query = use_query_map();
    let data = Resource::new(
        move || (id.get(), acts.versions()),
        |(id, _)| async move {
            match id {
                Some(id) => load_position(id).await,
                None => Err(AppError::NotFound("That position".into())),
            }
        },
    );
    let picker = Resource::new(
        move || {
            let q = query.read();
            (
                id.get(),
                q.get("fw").and_then(|f| f.parse().ok()),
                q.get("q").unwrap_or_default(),
                acts.versions(),
            )
        },
        |(id, fw, q, _)| async move {
            match id {
                Some(id) => position_picker(id, fw, q).await,
                None => Err(AppError::NotFound("That position".into())),
            }
        },
    );
    let drafts = Resource::new(
        move || {
            let q = query.read();
            (
                id.get(),
                q.get("jd").unwrap_or_default(),
                q.get("rejected").unwrap_or_default(),
                acts.versions(),
            )
        },
        |(id, jd, rejected, _)| async move {
            match id {
                Some(id) if !jd.trim().is_empty() => {
                    draft_requirements(id, jd, rejected).await.map(Some)
                }
                _ => Ok(None),
            }
        },
    );
    let units = Resource::new(|| (), |_| list_units());
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(d) => {
                        let units = units.await.unwrap_or_default();
                        view! { <Editor d units acts picker drafts/> }.into_any()
                    }
                    Err(e) => view! { <Title text="Position"/><ErrorPanel error=e/> }.into_any(),
                }
            })}
        </Transition>
    }
    .into_any()
}

type PickerResource = Resource<Result<Picker, AppError>>;
type DraftResource = Resource<Result<Option<Vec<Suggestion>>, AppError>>;

#[component]
fn Editor(
    d: PositionPage,
    units: Vec<UnitSummary>,
    acts: EditorActions,
    picker: PickerResource,
    drafts: DraftResource,
) -> impl IntoView {
    let p = d.position.clone();
    let pid = p.id;
    // With JavaScript each action shows its own error; without it the server redirects
    // back with the error in the address, shown once at the top.
    let page_fb = feedback(Signal::derive(|| None::<Result<(), AppError>>));
    let save_fb = action_feedback(acts.save.value());
    let subtitle = {
        let mut parts = vec![p.track.label().to_string()];
        if let Some(r) = p.rank {
            parts.push(format!("rank {r}"));
        }
        if let Some(u) = &d.unit_name {
            parts.push(u.clone());
        }
        parts.push(people(d.holders.len() as u32));
        parts.join(" · ")
    };
    let reqs = d.requirements.clone();
    let count = reqs.len();
    let details_form = {
        let p = p.clone();
        let units = units.clone();
        move || view! { <PositionFields prefix="input" position=Some(p.clone()) units=units.clone() fb=save_fb/> }
    };
    view! {
        <PageHeader title=p.title.clone() doc_title=format!("{} · Positions", p.title) subtitle=subtitle>
            <a class="btn" href=format!("/careers?position={pid}")>"Show on career map"</a>
            <a class="btn" href="/positions">"All positions"</a>
        </PageHeader>
        <FormAlert feedback=page_fb/>
        <div class="position-layout">
            <div class="position-main">
                <section class="card" aria-labelledby="reqs-h">
                    <h2 id="reqs-h">{format!("Requirements ({count})")}</h2>
                    {move || {
                        let fb = action_feedback(acts.update.value());
                        view! { <FormAlert feedback=fb/> }
                    }}
                    {if reqs.is_empty() {
                        view! {
                            <EmptyState title="No requirements yet"
                                body="Pick competencies and skills from a framework below, or paste a job description to get suggestions."/>
                        }.into_any()
                    } else {
                        view! {
                            <ul class="req-list">
                                {reqs.into_iter().map(|r| view! { <RequirementItem pid r acts/> }).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                </section>
                <PickerSection pid acts picker/>
                <DraftSection pid acts drafts/>
            </div>
            <aside class="position-side">
                <section class="card" aria-labelledby="details-h">
                    <h2 id="details-h">"Details"</h2>
                    <ActionForm action=acts.save attr:class="form">
                        <FormAlert feedback=save_fb/>
                        {move || matches!(acts.save.value().get(), Some(Ok(()))).then(|| view! {
                            <p class="alert alert-ok" role="status">"Saved."</p>
                        })}
                        <input type="hidden" name="id" value=pid.to_string()/>
                        {details_form}
                        <div class="form-actions"><button type="submit" class="btn btn-primary">"Save details"</button></div>
                    </ActionForm>
                </section>
                <HoldersSection d=d.clone() units acts/>
                <section class="card" aria-labelledby="moves-h">
                    <h2 id="moves-h">"Career moves"</h2>
                    {if d.moves_out.is_empty() && d.moves_in.is_empty() {
                        view! { <p class="muted">"Not linked to other positions yet. Link it on the career map."</p> }.into_any()
                    } else {
                        view! {
                            <ul class="plain-list">
                                {d.moves_in.iter().map(|l| view! {
                                    <li>"From " <a href=format!("/positions/{}", l.link.from)>{l.from_title.clone()}</a>
                                        <span class="muted">{format!(" ({})", l.link.kind.label().to_lowercase())}</span></li>
                                }).collect_view()}
                                {d.moves_out.iter().map(|l| view! {
                                    <li>"To " <a href=format!("/positions/{}", l.link.to)>{l.to_title.clone()}</a>
                                        <span class="muted">{format!(" ({})", l.link.kind.label().to_lowercase())}</span></li>
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                    <a class="btn btn-small" href=format!("/careers?position={pid}")>"Edit moves on the career map"</a>
                </section>
                <section class="card card-danger" aria-labelledby="delete-h">
                    <h2 id="delete-h">"Delete position"</h2>
                    <p class="small muted">"Its requirements and career moves go with it; the people holding it keep their records and hold no position."</p>
                    <ActionForm action=acts.delete>
                        <input type="hidden" name="id" value=pid.to_string()/>
                        <button type="submit" class="btn btn-danger">"Delete this position"</button>
                    </ActionForm>
                </section>
            </aside>
        </div>
    }
    .into_any()
}

#[component]
fn RequirementItem(pid: PositionId, r: RequirementView, acts: EditorActions) -> impl IntoView {
    let req = r.requirement.clone();
    let node = req.node;
    let title = req.node_title.clone();
    let remove_label = format!("Remove {title}");
    let save_label = format!("Save {title}");
    let slider_label = format!("Required level for {title}");
    let weight_aria = format!("Weight of {title}");
    let mut crumbs = vec![r.framework_name.clone()];
    crumbs.extend(r.path.iter().cloned());
    let weights = (1..=5u8)
        .map(|w| {
            view! { <option value=w.to_string() selected=w == req.weight>{format!("{w} · {}", weight_label(w))}</option> }
        })
        .collect_view();
    view! {
        <li class="req-item" data-testid="requirement">
            <div class="req-head">
                <div>
                    <p class="crumbs small muted">{crumbs.join(" › ")}</p>
                    <h3 class="req-title">
                        {title.clone()}
                        " " <span class="badge">{kind_label(req.kind)}</span>
                        {req.mandatory.then(|| view! { " " <span class="badge badge-warn">"Mandatory"</span> })}
                    </h3>
                </div>
                <ActionForm action=acts.remove attr:class="inline-form">
                    <input type="hidden" name="position" value=pid.to_string()/>
                    <input type="hidden" name="node" value=node.to_string()/>
                    <button type="submit" class="btn btn-small btn-quiet" aria-label=remove_label>"Remove"</button>
                </ActionForm>
            </div>
            <ActionForm action=acts.update attr:class="req-form">
                <input type="hidden" name="position" value=pid.to_string()/>
                <input type="hidden" name="input[node]" value=node.to_string()/>
                <LevelSlider name="input[level]" id=format!("req-{node}-level") label=slider_label
                    levels=r.levels.clone() value=req.required mark=(r.threshold, "Proficient")/>
                <div class="req-meta">
                    <label class="inline-field">"Weight "
                        <select name="input[weight]" aria-label=weight_aria>{weights}</select>
                    </label>
                    <label class="check">
                        <input type="checkbox" name="input[mandatory]" value="on" checked=req.mandatory/>
                        "Mandatory"
                    </label>
                    <button type="submit" class="btn btn-small" aria-label=save_label>"Save"</button>
                </div>
            </ActionForm>
        </li>
    }
    .into_any()
}

#[component]
fn PickerSection(pid: PositionId, acts: EditorActions, picker: PickerResource) -> impl IntoView {
    let query = use_query_map();
    let q = move || query.read().get("q").unwrap_or_default();
    let add_fb = action_feedback(acts.add.value());
    let whole_fb = action_feedback(acts.add_whole.value());
    view! {
        <section class="card" aria-labelledby="pick-h" id="pick">
            <h2 id="pick-h">"Add from a framework"</h2>
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    let p = match picker.await {
                        Ok(p) => p,
                        Err(e) => return view! { <ErrorPanel error=e/> }.into_any(),
                    };
                    let chosen = p.framework;
                    let options = p.frameworks.iter().map(|(id, name)| view! {
                        <option value=id.to_string() selected=Some(*id) == chosen>{name.clone()}</option>
                    }).collect_view();
                    let rows = p.rows.clone().into_iter().map(|r| {
                        let indent = format!("padding-left: {}rem", f32::from(u16::try_from(r.depth).unwrap_or(20)) * 1.25 + 0.5);
                        let title = r.title.clone();
                        view! {
                            <li style=indent class:picker-category=r.kind == NodeKind::Category>
                                <span class="picker-title">{r.title.clone()}</span>
                                " " <span class="badge">{kind_label(r.kind)}</span>
                                {r.required.then(|| view! { " " <span class="badge badge-ok">"Required"</span> })}
                                <span class="picker-actions">
                                    {(r.kind.rateable() && !r.required).then(|| { let title = title.clone(); view! {
                                        <ActionForm action=acts.add attr:class="inline-form">
                                            <input type="hidden" name="position" value=pid.to_string()/>
                                            <input type="hidden" name="input[node]" value=r.id.to_string()/>
                                            <input type="hidden" name="input[level]" value=""/>
                                            <input type="hidden" name="input[weight]" value=""/>
                                            <button type="submit" class="btn btn-small" aria-label=format!("Add {title}")>"Add"</button>
                                        </ActionForm>
                                    }})}
                                    {(r.addable_below > 0).then(|| { let title = title.clone(); view! {
                                        <ActionForm action=acts.add_whole attr:class="inline-form">
                                            <input type="hidden" name="position" value=pid.to_string()/>
                                            <input type="hidden" name="node" value=r.id.to_string()/>
                                            <button type="submit" class="btn btn-small btn-quiet" aria-label=format!("Add {title} with everything inside")>
                                                {if r.kind == NodeKind::Category {
                                                    format!("Add all {} inside", r.addable_below)
                                                } else {
                                                    format!("Add with its {} skill{}", r.addable_below, if r.addable_below == 1 { "" } else { "s" })
                                                }}
                                            </button>
                                        </ActionForm>
                                    }})}
                                </span>
                            </li>
                        }
                    }).collect_view();
                    view! {
                        <Form method="GET" action="" attr:class="filters" attr:role="search">
                            <div class="field">
                                <label for="pick-fw">"Framework"</label>
                                <select id="pick-fw" name="fw">
                                    <option value="">"Choose a framework"</option>
                                    {options}
                                </select>
                            </div>
                            <div class="field">
                                <label for="pick-q">"Filter"</label>
                                <input id="pick-q" name="q" type="search" value=q placeholder="Title or code"/>
                            </div>
                            <button type="submit" class="btn">"Show"</button>
                        </Form>
                        <FormAlert feedback=add_fb/>
                        <FormAlert feedback=whole_fb/>
                        {move || acts.add_whole.value().get().and_then(|r| r.ok()).map(|n| view! {
                            <p class="alert alert-ok" role="status">{format!("Added {n} requirement{}.", if n == 1 { "" } else { "s" })}</p>
                        })}
                        {if chosen.is_none() {
                            view! { <p class="muted">"Choose a framework to see its competencies and skills."</p> }.into_any()
                        } else if p.rows.is_empty() {
                            view! { <p class="muted">"Nothing matches that filter."</p> }.into_any()
                        } else {
                            view! {
                                <ul class="picker-list" aria-label="Framework nodes">{rows}</ul>
                                {p.truncated.then(|| view! { <p class="small muted">"More nodes match; narrow the filter to see them."</p> })}
                            }.into_any()
                        }}
                    }.into_any()
                })}
            </Transition>
        </section>
    }
    .into_any()
}

#[component]
fn DraftSection(pid: PositionId, acts: EditorActions, drafts: DraftResource) -> impl IntoView {
    let query = use_query_map();
    let jd = move || query.read().get("jd").unwrap_or_default();
    let rejected = move || query.read().get("rejected").unwrap_or_default();
    let reject_href = move |node: String| {
        let mut list: Vec<String> = rejected()
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        list.push(node);
        format!("?jd={}&rejected={}#draft", urlencode(&jd()), list.join(","))
    };
    view! {
        <section class="card" aria-labelledby="draft-h" id="draft">
            <h2 id="draft-h">"Draft from a job description"</h2>
            <p class="small muted">"Paste the job description: Proficio ranks the competencies and skills of your frameworks by how well they match it (titles, alternative labels, definitions and key behaviours) and suggests about 15. Accept or reject them one by one."</p>
            <Form method="GET" action="" attr:class="form">
                <div class="field">
                    <label for="jd">"Job description"</label>
                    <textarea id="jd" name="jd" rows="5">{jd}</textarea>
                </div>
                <div class="form-actions"><button type="submit" class="btn">"Suggest requirements"</button></div>
            </Form>
            <Transition fallback=|| view! { <p class="loading">"Ranking…"</p> }>
                {move || Suspend::new(async move {
                    match drafts.await {
                        Ok(None) => ().into_any(),
                        Ok(Some(list)) if list.is_empty() => view! {
                            <p class="muted">"No more suggestions: nothing else in your frameworks matches this description."</p>
                        }.into_any(),
                        Ok(Some(list)) => view! {
                            <ol class="suggestions" aria-label="Suggested requirements">
                                {list.into_iter().map(|s| {
                                    let title = s.title.clone();
                                    let accept_label = format!("Accept {title}");
                                    let reject_label = format!("Reject {title}");
                                    let mut crumbs = vec![s.framework_name.clone()];
                                    crumbs.extend(s.path.iter().cloned());
                                    view! {
                                        <li class="suggestion" data-testid="suggestion">
                                            <div>
                                                <p class="crumbs small muted">{crumbs.join(" › ")}</p>
                                                <p class="suggestion-title"><strong>{s.title.clone()}</strong> " " <span class="badge">{kind_label(s.kind)}</span></p>
                                                <p class="small">"Matched: "
                                                    {s.words.iter().map(|w| view! { <mark>{w.clone()}</mark> " " }).collect_view()}
                                                    <span class="muted">{format!("· relevance {:.1}", s.score)}</span>
                                                </p>
                                            </div>
                                            <div class="suggestion-actions">
                                                <ActionForm action=acts.add attr:class="inline-form">
                                                    <input type="hidden" name="position" value=pid.to_string()/>
                                                    <input type="hidden" name="input[node]" value=s.node.to_string()/>
                                                    <input type="hidden" name="input[level]" value=""/>
                                                    <input type="hidden" name="input[weight]" value=""/>
                                                    <button type="submit" class="btn btn-small btn-primary" aria-label=accept_label>"Accept"</button>
                                                </ActionForm>
                                                <a class="btn btn-small btn-quiet" href=reject_href(s.node.to_string()) aria-label=reject_label>"Reject"</a>
                                            </div>
                                        </li>
                                    }
                                }).collect_view()}
                            </ol>
                        }.into_any(),
                        Err(e) => {
                            let fb = Signal::derive(move || Some(Feedback { field: e.field().map(str::to_string), message: e.to_string(), conflict: false }));
                            view! { <FormAlert feedback=fb/> }.into_any()
                        }
                    }
                })}
            </Transition>
        </section>
    }
    .into_any()
}

#[component]
fn HoldersSection(d: PositionPage, units: Vec<UnitSummary>, acts: EditorActions) -> impl IntoView {
    let pid = d.position.id;
    let assign_fb = action_feedback(acts.assign.value());
    let unit_fb = action_feedback(acts.assign_unit.value());
    let holders = d.holders.clone();
    view! {
        <section class="card" aria-labelledby="holders-h">
            <h2 id="holders-h">{format!("People in this position ({})", holders.len())}</h2>
            {(d.targeting > 0).then(|| view! {
                <p class="small muted">{format!("{} name it as their target position.", people(d.targeting))}</p>
            })}
            {if holders.is_empty() {
                view! { <p class="muted">"Nobody holds this position yet."</p> }.into_any()
            } else {
                view! {
                    <ul class="holder-list">
                        {holders.into_iter().map(|h| view! {
                            <li>
                                <a href=format!("/people/{}", h.id)>{h.name.clone()}</a>
                                <span class="small muted">{h.unit_name.clone().map(|u| format!(" · {u}")).unwrap_or_default()}</span>
                                <ActionForm action=acts.unassign attr:class="inline-form">
                                    <input type="hidden" name="person" value=h.id.to_string()/>
                                    <button type="submit" class="btn btn-small btn-quiet" aria-label=format!("Unassign {}", h.name)>"Unassign"</button>
                                </ActionForm>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <h3>"Assign a person"</h3>
            <ActionForm action=acts.assign attr:class="form">
                <FormAlert feedback=assign_fb/>
                {move || acts.assign.value().get().and_then(|r| r.ok()).map(|n| view! {
                    <p class="alert alert-ok" role="status">{format!("{n} now holds this position.")}</p>
                })}
                <input type="hidden" name="position" value=pid.to_string()/>
                <TextField name="email" label="E-mail" kind="email" feedback=assign_fb required=true/>
                <div class="form-actions"><button type="submit" class="btn">"Assign"</button></div>
            </ActionForm>
            <h3>"Assign a whole org unit"</h3>
            <ActionForm action=acts.assign_unit attr:class="form">
                <FormAlert feedback=unit_fb/>
                {move || acts.assign_unit.value().get().and_then(|r| r.ok()).map(|n| view! {
                    <p class="alert alert-ok" role="status">{format!("{} now hold this position.", people(n))}</p>
                })}
                <input type="hidden" name="position" value=pid.to_string()/>
                <div class="field">
                    <label for="assign-unit">"Org unit"</label>
                    <select id="assign-unit" name="unit_id">
                        {units.into_iter().map(|u| view! { <option value=u.id.to_string()>{unit_label(&u)}</option> }).collect_view()}
                    </select>
                </div>
                <label class="check"><input type="checkbox" name="below" value="on"/>" Include its sub-units"</label>
                <div class="form-actions"><button type="submit" class="btn">"Assign everyone in the unit"</button></div>
            </ActionForm>
        </section>
    }
    .into_any()
}

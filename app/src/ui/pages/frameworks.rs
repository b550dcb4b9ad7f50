//! Frameworks: the list, and the editor's tree with single-click (and keyboard) moves.
//! Every change is a plain form carrying the revision it is based on, so it works without
//! JavaScript and a stale change is refused rather than lost.

use crate::api::frameworks::{
    list_frameworks, load_framework, load_node, AddFrameworkNode, CreateFramework,
    DeleteFrameworkNode, MoveFrameworkNode, PublishFramework, SaveFrameworkNode,
};
use crate::domain::framework::{
    filter_visible, subtree_sizes, FrameworkStatus, FrameworkTree, NodeDetails, NodeRow,
};
use crate::domain::scale::Scale;
use crate::domain::tree::NodeKind;
use crate::domain::FrameworkId;
use crate::domain::NodeId;
use crate::ui::components::common::{EmptyState, ErrorPanel, LevelGrid, PageHeader};
use crate::ui::forms::{feedback, FormAlert, TextField};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::{use_params_map, use_query_map};

fn status_badge(s: FrameworkStatus) -> impl IntoView {
    let (class, label) = match s {
        FrameworkStatus::Draft => ("badge badge-draft", "Draft"),
        FrameworkStatus::Published => ("badge badge-ok", "Published"),
        FrameworkStatus::Archived => ("badge badge-off", "Archived"),
    };
    view! { <span class=class>{label}</span> }
}

/// All frameworks, and a form to start one (admins).
#[component]
pub fn FrameworksPage() -> impl IntoView {
    let auth = expect_context::<crate::ui::Auth>();
    let is_admin = move || auth.is_admin();
    let create = ServerAction::<CreateFramework>::new();
    let list = Resource::new(|| (), |_| list_frameworks());
    let fb = feedback(create.value());
    view! {
        <Title text="Frameworks"/>
        <PageHeader title="Frameworks" subtitle="What good looks like: categories, competencies and skills with their levels."/>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let admin = is_admin();
                match list.await {
                    Ok(l) if l.is_empty() && admin => view! {
                        <EmptyState title="No frameworks yet" body="Create one below and build its tree of categories, competencies and skills."/>
                    }.into_any(),
                    Ok(l) if l.is_empty() => view! {
                        <EmptyState title="No frameworks published yet" body="When your organisation publishes its competency framework, you can read it here."/>
                    }.into_any(),
                    Ok(l) => view! {
                        <div class="table-wrap">
                            <table class="table">
                                <thead><tr><th scope="col">"Framework"</th><th scope="col">"Status"</th><th scope="col">"Nodes"</th><th scope="col"><span class="sr-only">"Links"</span></th></tr></thead>
                                <tbody>
                                    {l.into_iter().map(|f| view! {
                                        <tr>
                                            <th scope="row">
                                                <a href=if admin { format!("/frameworks/{}", f.id) } else { format!("/frameworks/{}/view", f.id) }>{f.name.clone()}</a>
                                                <span class="muted small block">{f.description.clone()}</span>
                                            </th>
                                            <td>{status_badge(f.status)}</td>
                                            <td>{f.nodes.to_string()}</td>
                                            <td>
                                                {(admin && f.status == FrameworkStatus::Published).then(|| view! {
                                                    <a href=format!("/frameworks/{}/view", f.id)>"View published"</a>
                                                })}
                                            </td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }.into_any(),
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                }
            })}
        </Suspense>
        <Transition fallback=|| ()>
            <Show when=is_admin>
                <section class="card" aria-labelledby="new-fw-h">
                    <h2 id="new-fw-h">"New framework"</h2>
                    <ActionForm action=create attr:class="form">
                        <FormAlert feedback=fb/>
                        <TextField name="name" label="Name" required=true feedback=fb/>
                        <TextField name="description" label="Description" feedback=fb/>
                        <div class="form-actions"><button type="submit" class="btn btn-primary">"Create framework"</button></div>
                    </ActionForm>
                </section>
            </Show>
        </Transition>
    }
}

/// The editor: the tree with move buttons, and a form to add nodes.
#[component]
pub fn FrameworkEditorPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| {
        params
            .read()
            .get("id")
            .and_then(|s| s.parse::<FrameworkId>().ok())
    });
    let add = ServerAction::<AddFrameworkNode>::new();
    let mv = ServerAction::<MoveFrameworkNode>::new();
    let del = ServerAction::<DeleteFrameworkNode>::new();
    let save = ServerAction::<SaveFrameworkNode>::new();
    let publish = ServerAction::<PublishFramework>::new();
    let query = use_query_map();
    let filter = Memo::new(move |_| query.read().get("q").unwrap_or_default());
    let selected = Memo::new(move |_| {
        query
            .read()
            .get("node")
            .and_then(|s| s.parse::<NodeId>().ok())
    });
    let data = Resource::new(
        move || {
            (
                id.get(),
                add.version().get(),
                mv.version().get(),
                del.version().get(),
                save.version().get(),
                publish.version().get(),
                // The filter is read inside too; keying the resource on it makes a
                // client-side change of ?q= re-render the tree.
                filter.get(),
            )
        },
        |(id, ..)| async move {
            match id {
                Some(id) => load_framework(id).await,
                None => Err(crate::api::AppError::NotFound("That framework".into())),
            }
        },
    );
    let add_fb = feedback(add.value());
    let mv_fb = feedback(mv.value());
    let del_fb = feedback(del.value());
    let pub_fb = feedback(publish.value());
    // One alert for the tree's actions (each falls back to the same ?error= without JS).
    let tree_fb = Signal::derive(move || {
        mv_fb
            .get()
            .or_else(|| del_fb.get())
            .or_else(|| add_fb.get())
            .or_else(|| pub_fb.get())
    });
    view! {
        <FormAlert feedback=tree_fb/>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || {
                let selected = selected.get();
                let filter = filter.get();
                Suspend::new(async move {
                    match data.await {
                        Ok(t) => view! { <Editor t add mv del save publish selected filter/> }.into_any(),
                        Err(e) => view! { <Title text="Framework"/><ErrorPanel error=e/> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn Editor(
    t: FrameworkTree,
    add: ServerAction<AddFrameworkNode>,
    mv: ServerAction<MoveFrameworkNode>,
    del: ServerAction<DeleteFrameworkNode>,
    save: ServerAction<SaveFrameworkNode>,
    publish: ServerAction<PublishFramework>,
    selected: Option<NodeId>,
    filter: String,
) -> impl IntoView {
    let (visible, matches) = filter_visible(&t.nodes, &filter);
    let sizes = subtree_sizes(&t.nodes);
    let filtering = !filter.trim().is_empty();
    let status = filtering.then(|| {
        format!(
            "{matches} match{} for \u{201c}{}\u{201d}, shown with the nodes they sit in.",
            if matches == 1 { "" } else { "es" },
            filter.trim()
        )
    });
    let f = t.framework.clone();
    let fid = f.id.to_string();
    let rev = f.revision.to_string();
    let parents = t
        .nodes
        .iter()
        .filter(|n| n.kind != NodeKind::Skill)
        .cloned()
        .collect::<Vec<_>>();
    let add_fb = feedback(add.value());
    view! {
        <Title text=f.name.clone()/>
        <PageHeader title=f.name.clone() subtitle=f.description.clone()>
            {status_badge(f.status)}
            <span class="muted small">{format!("{} nodes · revision {}", f.nodes, f.revision)}</span>
            <a class="btn" href=format!("/frameworks/{}/versions", f.id)>"Versions"</a>
            {(f.status == FrameworkStatus::Draft).then(|| view! {
                <ActionForm action=publish>
                    <input type="hidden" name="framework" value=f.id.to_string()/>
                    <input type="hidden" name="revision" value=f.revision.to_string()/>
                    <button type="submit" class="btn btn-primary">"Publish"</button>
                </ActionForm>
            })}
        </PageHeader>
        <p class="muted small">
            "Scale: " {t.scale.levels().iter().map(|l| l.name.clone()).collect::<Vec<_>>().join(" → ")}
            {format!(" (proficient from {})", t.scale.name(t.scale.threshold()))}
        </p>
        <div class="editor-grid">
            <div>
                <Form method="GET" action=format!("/frameworks/{}", f.id) attr:class="tree-filter" attr:role="search">
                    <label for="tree-q" class="sr-only">"Filter the tree"</label>
                    <input id="tree-q" name="q" type="search" value=filter.clone() placeholder="Filter by title or code"/>
                    <button type="submit" class="btn btn-small">"Filter"</button>
                    {filtering.then(|| view! { <a class="btn btn-small btn-ghost" href=format!("/frameworks/{}", f.id)>"Clear"</a> })}
                </Form>
                <p class="muted small" aria-live="polite">
                    {status}
                </p>
                {if t.nodes.is_empty() {
                    view! { <EmptyState title="This framework is empty" body="Add a first category or competency below."/> }.into_any()
                } else if filtering && matches == 0 {
                    view! { <EmptyState title="Nothing matches" body="Try another word, or clear the filter to see the whole tree."/> }.into_any()
                } else {
                    view! {
                        <ul class="fw-tree" role="tree" aria-label=format!("{} tree", f.name)>
                            {t.nodes.iter().filter(|n| visible.contains(&n.id)).map(|n| view! {
                                <NodeItem
                                    n=n.clone()
                                    fid=fid.clone()
                                    rev=rev.clone()
                                    mv
                                    del
                                    selected=selected == Some(n.id)
                                    inside=sizes.get(&n.id).copied().unwrap_or(0)
                                />
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </div>
            {match selected.filter(|s| t.nodes.iter().any(|n| n.id == *s)) {
                Some(node) => view! { <NodePanel fid=f.id node rev=rev.clone() scale=t.scale.clone() save/> }.into_any(),
                None => view! {
                    <aside class="card node-panel node-panel-empty">
                        <p class="muted">"Select a node's title to edit its definition, key behaviours and level descriptions."</p>
                    </aside>
                }.into_any(),
            }}
        </div>
        <section class="card" aria-labelledby="add-node-h">
            <h2 id="add-node-h">"Add a node"</h2>
            <ActionForm action=add attr:class="form form-inline">
                <input type="hidden" name="framework" value=fid.clone()/>
                <input type="hidden" name="revision" value=rev.clone()/>
                <div class="field">
                    <label for="add-parent">"Inside"</label>
                    <select id="add-parent" name="parent">
                        <option value="">"Top level"</option>
                        {parents.into_iter().map(|p| view! {
                            <option value=p.id.to_string()>{format!("{}{}", "\u{2003}".repeat(p.depth as usize), p.title)}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="add-kind">"Kind"</label>
                    <select id="add-kind" name="kind">
                        <option value="category">"Category"</option>
                        <option value="competency" selected>"Competency"</option>
                        <option value="skill">"Skill"</option>
                    </select>
                </div>
                <TextField name="title" label="Title" required=true feedback=add_fb/>
                <button type="submit" class="btn btn-primary">"Add"</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn NodeItem(
    n: NodeRow,
    fid: String,
    rev: String,
    mv: ServerAction<MoveFrameworkNode>,
    del: ServerAction<DeleteFrameworkNode>,
    selected: bool,
    inside: u32,
) -> impl IntoView {
    let kind_label = match n.kind {
        NodeKind::Category => "Category",
        NodeKind::Competency => "Competency",
        NodeKind::Skill => "Skill",
    };
    let node = n.id.to_string();
    let button = |action: &'static str, symbol: &'static str, verb: &'static str| {
        let label = format!("{verb} {}", n.title);
        let (fid, rev, node) = (fid.clone(), rev.clone(), node.clone());
        view! {
            <ActionForm action=mv>
                <input type="hidden" name="framework" value=fid/>
                <input type="hidden" name="revision" value=rev/>
                <input type="hidden" name="node" value=node/>
                <input type="hidden" name="action" value=action/>
                <input type="hidden" name="parent" value=""/>
                <input type="hidden" name="index" value="0"/>
                <button type="submit" class="icon-btn" aria-label=label.clone() title=label>{symbol}</button>
            </ActionForm>
        }
    };
    let buttons = (
        button("up", "↑", "Move up:"),
        button("down", "↓", "Move down:"),
        button("indent", "→", "Indent:"),
        button("outdent", "←", "Outdent:"),
    );
    view! {
        <li role="treeitem" attr:aria-level=(n.depth + 1).to_string() aria-selected=if selected { "true" } else { "false" } class="fw-node" class:fw-selected=selected style=format!("--depth:{}", n.depth)>
            <span class=format!("kind kind-{}", n.kind.as_str())>{kind_label}</span>
            <a class="fw-title" href=format!("/frameworks/{fid}?node={}", n.id) aria-current=selected.then_some("true")>{n.title.clone()}</a>
            {(inside > 0).then(|| view! { <span class="muted small count">{format!("{inside} inside")}</span> })}
            <span class="fw-actions">
                {buttons}
                // Deleting takes the whole subtree, so it asks first (a <details>, no script needed).
                <details class="confirm">
                    <summary class="icon-btn icon-danger" aria-label=format!("Delete {}…", n.title) title="Delete…">"✕"</summary>
                    <div class="confirm-pop">
                        <p>{format!("Delete \u{201c}{}\u{201d} and everything inside it?", n.title)}</p>
                        <ActionForm action=del>
                            <input type="hidden" name="framework" value=fid.clone()/>
                            <input type="hidden" name="revision" value=rev.clone()/>
                            <input type="hidden" name="node" value=n.id.to_string()/>
                            <button type="submit" class="btn btn-danger btn-small">"Delete"</button>
                        </ActionForm>
                    </div>
                </details>
            </span>
        </li>
    }
}

/// The selected node's editor.
#[component]
fn NodePanel(
    fid: FrameworkId,
    node: NodeId,
    rev: String,
    scale: Scale,
    save: ServerAction<SaveFrameworkNode>,
) -> impl IntoView {
    let details = Resource::new(move || save.version().get(), move |_| load_node(fid, node));
    let fb = feedback(save.value());
    view! {
        <aside class="card node-panel" aria-labelledby="node-h">
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {
                    let rev = rev.clone();
                    let scale = scale.clone();
                    move || {
                        let rev = rev.clone();
                        let scale = scale.clone();
                        Suspend::new(async move {
                            match details.await {
                                Ok(d) => view! { <NodeForm d fid rev scale save fb/> }.into_any(),
                                Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                            }
                        })
                    }
                }
            </Suspense>
        </aside>
    }
}

#[component]
fn NodeForm(
    d: NodeDetails,
    fid: FrameworkId,
    rev: String,
    scale: Scale,
    save: ServerAction<SaveFrameworkNode>,
    fb: Signal<Option<crate::ui::forms::Feedback>>,
) -> impl IntoView {
    let rateable = d.kind.rateable();
    let def_msg = crate::ui::forms::field_message(fb, "definition");
    let kb_msg = crate::ui::forms::field_message(fb, "key_behaviours");
    view! {
        <h2 id="node-h">{d.title.clone()}</h2>
        <ActionForm action=save attr:class="form">
            <FormAlert feedback=fb/>
            <input type="hidden" name="framework" value=fid.to_string()/>
            <input type="hidden" name="revision" value=rev/>
            <input type="hidden" name="node" value=d.id.to_string()/>
            <TextField name="input[title]" error_key="title" label="Title" value=d.title.clone() required=true feedback=fb/>
            <TextField name="input[short_code]" error_key="short_code" label="Short code" value=d.short_code.clone() hint="Optional, e.g. T1.2" feedback=fb/>
            <div class="field" class:field-invalid=move || def_msg.get().is_some()>
                <label for="f-definition">"Definition"</label>
                <textarea id="f-definition" name="input[definition]" rows="3">{d.definition.clone()}</textarea>
                {move || def_msg.get().map(|m| view! { <p class="field-msg">{m}</p> })}
            </div>
            <div class="field" class:field-invalid=move || kb_msg.get().is_some()>
                <label for="f-key_behaviours">"Key behaviours"</label>
                <textarea id="f-key_behaviours" name="input[key_behaviours]" rows="4" aria-describedby="kb-hint">{d.key_behaviours.join("\n")}</textarea>
                <p class="hint" id="kb-hint">"One behaviour per line; blank lines are ignored."</p>
                {move || kb_msg.get().map(|m| view! { <p class="field-msg">{m}</p> })}
            </div>
            <TextField name="input[validity_months]" error_key="validity_months" label="Valid for (months)" kind="number"
                value=d.validity_months.map(|v| v.to_string()).unwrap_or_default() hint="An awarded level expires after this; empty means never." feedback=fb/>
            <TextField name="input[external_id]" error_key="external_id" label="Identifier" value=d.external_id.clone()
                hint="Stable across imports and exports (a CASE identifier, an ESCO URI…)." required=true feedback=fb/>
            {rateable.then(|| view! {
                <fieldset class="levels-grid">
                    <legend>"Level descriptions"</legend>
                    <LevelGrid scale=scale.clone() cell=move |t, level, name| {
                        let key = format!("{}-{level}", t.as_str());
                        view! {
                            <textarea
                                name=format!("input[levels][{key}]")
                                rows="2"
                                aria-label=format!("{} level {level} ({name})", t.label())
                            >{d.describe(t, level).to_string()}</textarea>
                        }.into_any()
                    }/>
                </fieldset>
            })}
            <div class="form-actions">
                <button type="submit" class="btn btn-primary" disabled=move || save.pending().get()>"Save node"</button>
            </div>
        </ActionForm>
    }
}

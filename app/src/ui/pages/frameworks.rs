//! Frameworks: the list, and the editor's tree with single-click (and keyboard) moves.
//! Every change is a plain form carrying the revision it is based on, so it works without
//! JavaScript and a stale change is refused rather than lost.

use crate::api::frameworks::{
    list_frameworks, load_framework, AddFrameworkNode, CreateFramework, DeleteFrameworkNode,
    MoveFrameworkNode,
};
use crate::domain::framework::{FrameworkStatus, FrameworkTree, NodeRow};
use crate::domain::tree::NodeKind;
use crate::domain::FrameworkId;
use crate::ui::components::common::{EmptyState, ErrorPanel, PageHeader};
use crate::ui::forms::{feedback, FormAlert, TextField};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

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
    let create = ServerAction::<CreateFramework>::new();
    let list = Resource::new(|| (), |_| list_frameworks());
    let fb = feedback(create.value());
    view! {
        <Title text="Frameworks"/>
        <PageHeader title="Frameworks" subtitle="What good looks like: categories, competencies and skills with their levels."/>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(l) if l.is_empty() => view! {
                        <EmptyState title="No frameworks yet" body="Create one below and build its tree of categories, competencies and skills."/>
                    }.into_any(),
                    Ok(l) => view! {
                        <div class="table-wrap">
                            <table class="table">
                                <thead><tr><th scope="col">"Framework"</th><th scope="col">"Status"</th><th scope="col">"Nodes"</th></tr></thead>
                                <tbody>
                                    {l.into_iter().map(|f| view! {
                                        <tr>
                                            <th scope="row"><a href=format!("/frameworks/{}", f.id)>{f.name.clone()}</a><span class="muted small block">{f.description.clone()}</span></th>
                                            <td>{status_badge(f.status)}</td>
                                            <td>{f.nodes.to_string()}</td>
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
        <section class="card" aria-labelledby="new-fw-h">
            <h2 id="new-fw-h">"New framework"</h2>
            <ActionForm action=create attr:class="form">
                <FormAlert feedback=fb/>
                <TextField name="name" label="Name" required=true feedback=fb/>
                <TextField name="description" label="Description" feedback=fb/>
                <div class="form-actions"><button type="submit" class="btn btn-primary">"Create framework"</button></div>
            </ActionForm>
        </section>
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
    let data = Resource::new(
        move || {
            (
                id.get(),
                add.version().get(),
                mv.version().get(),
                del.version().get(),
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
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(t) => view! { <Editor t add mv del/> }.into_any(),
                    Err(e) => view! { <Title text="Framework"/><ErrorPanel error=e/> }.into_any(),
                }
            })}
        </Suspense>
        <FormAlert feedback=mv_fb/>
        <FormAlert feedback=del_fb/>
        <FormAlert feedback=add_fb/>
    }
}

#[component]
fn Editor(
    t: FrameworkTree,
    add: ServerAction<AddFrameworkNode>,
    mv: ServerAction<MoveFrameworkNode>,
    del: ServerAction<DeleteFrameworkNode>,
) -> impl IntoView {
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
        </PageHeader>
        <p class="muted small">
            "Scale: " {t.scale.levels().iter().map(|l| l.name.clone()).collect::<Vec<_>>().join(" → ")}
            {format!(" (proficient from {})", t.scale.name(t.scale.threshold()))}
        </p>
        {if t.nodes.is_empty() {
            view! { <EmptyState title="This framework is empty" body="Add a first category or competency below."/> }.into_any()
        } else {
            view! {
                <ul class="fw-tree" role="tree" aria-label=format!("{} tree", f.name)>
                    {t.nodes.iter().map(|n| view! { <NodeItem n=n.clone() fid=fid.clone() rev=rev.clone() mv del/> }).collect_view()}
                </ul>
            }.into_any()
        }}
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
        <li role="treeitem" attr:aria-level=(n.depth + 1).to_string() aria-selected="false" class="fw-node" style=format!("--depth:{}", n.depth)>
            <span class=format!("kind kind-{}", n.kind.as_str())>{kind_label}</span>
            <span class="fw-title">{n.title.clone()}</span>
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

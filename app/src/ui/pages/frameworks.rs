//! Frameworks: the list, and the editor's tree with single-click (and keyboard) moves.
//! Every change is a plain form carrying the revision it is based on, so it works without
//! JavaScript and a stale change is refused rather than lost.

use crate::api::frameworks::{
    list_frameworks, load_framework, load_node, AddFrameworkNode, CloneFramework, CreateFramework,
    DeleteFrameworkNode, MoveFrameworkNode, PublishFramework, SaveFrameworkNode,
};
use crate::domain::count;
use crate::domain::editor::{
    describe_move, format_open, plan_drop, toggled, DropRefusal, DropZone, EditorTree, TreeRow,
    DEFAULT_ROW_LIMIT,
};
use crate::domain::framework::{FrameworkStatus, FrameworkSummary, NodeDetails};
use crate::domain::scale::Scale;
use crate::domain::tree::NodeKind;
use crate::domain::FrameworkId;
use crate::domain::NodeId;
use crate::ui::components::common::{
    id_param, urlencode, EmptyState, ErrorPanel, LevelGrid, Loaded, PageHeader,
};
use crate::ui::forms::{feedback, FormAlert, TextField};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

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
        <PageHeader title="Frameworks" subtitle="What good looks like: categories, competencies and skills with their levels."/>
        <Loaded data=list ok=move |v| {
            let admin = is_admin();
            match v {
                l if l.is_empty() && admin => view! {
                    <EmptyState title="No frameworks yet" body="Create one below and build its tree of categories, competencies and skills."/>
                }.into_any(),
                l if l.is_empty() => view! {
                    <EmptyState title="No frameworks published yet" body="When your organisation publishes its competency framework, you can read it here."/>
                }.into_any(),
                l => view! {
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
            }
        }/>
        <Transition fallback=|| ()>
            <Show when=is_admin>
                <p class="muted">
                    "Or build one from parts of existing frameworks: "
                    <a href="/frameworks/blend">"Blend frameworks"</a>
                    "; or "
                    <a href="/frameworks/import">"import a framework file"</a>
                    " (Moodle competency CSV)."
                </p>
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
    .into_any()
}

/// Where the editor is: the framework and the query parameters that say what it shows.
/// Links built from it keep the rest of the state (filter, expanded nodes, selection).
#[derive(Debug, Clone, PartialEq)]
struct Here {
    fid: FrameworkId,
    q: String,
    open: Option<String>,
    node: Option<NodeId>,
    limit: u32,
}

impl Here {
    fn url(&self) -> String {
        let mut params = Vec::new();
        if !self.q.trim().is_empty() {
            params.push(format!("q={}", urlencode(&self.q)));
        }
        if let Some(o) = &self.open {
            params.push(format!("open={o}"));
        }
        if let Some(n) = self.node {
            params.push(format!("node={n}"));
        }
        if self.limit > 0 {
            params.push(format!("limit={}", self.limit));
        }
        let base = format!("/frameworks/{}", self.fid);
        if params.is_empty() {
            base
        } else {
            format!("{base}?{}", params.join("&"))
        }
    }

    fn select(&self, node: NodeId) -> String {
        Here {
            node: Some(node),
            ..self.clone()
        }
        .url()
    }

    fn toggle(&self, open: &[NodeId], node: NodeId) -> String {
        Here {
            open: Some(format_open(&toggled(open, node))),
            ..self.clone()
        }
        .url()
    }
}

/// The browser-only state of the editor: drag and drop, focus, announcements.
#[derive(Clone, Copy)]
struct Live {
    /// After hydration: inner links leave the tab order (arrow keys move instead).
    hydrated: RwSignal<bool>,
    /// The node being dragged.
    drag: RwSignal<Option<NodeId>>,
    /// Where it would land: (row, zone, allowed).
    drop_at: RwSignal<Option<(NodeId, DropZone, bool)>>,
    /// Why the current drop target is refused.
    refusal: RwSignal<String>,
    /// What screen readers hear after a change.
    announce: RwSignal<String>,
    /// What to announce when the pending move succeeds.
    pending: RwSignal<String>,
    /// The row to focus once the tree has reloaded.
    focus_after: RwSignal<Option<NodeId>>,
}

/// The editor: the tree (drag and drop, keyboard moves, expand and collapse, filter) beside
/// the selected node's form, and a form to add nodes.
#[component]
pub fn FrameworkEditorPage() -> impl IntoView {
    let id = id_param::<FrameworkId>();
    let add = ServerAction::<AddFrameworkNode>::new();
    let mv = ServerAction::<MoveFrameworkNode>::new();
    let del = ServerAction::<DeleteFrameworkNode>::new();
    let save = ServerAction::<SaveFrameworkNode>::new();
    let publish = ServerAction::<PublishFramework>::new();
    let clone = ServerAction::<CloneFramework>::new();
    let query = use_query_map();
    let here = Memo::new(move |_| {
        let q = query.read();
        id.get().map(|fid| Here {
            fid,
            q: q.get("q").unwrap_or_default(),
            open: q.get("open"),
            node: q.get("node").and_then(|s| s.parse::<NodeId>().ok()),
            limit: q.get("limit").and_then(|s| s.parse().ok()).unwrap_or(0),
        })
    });
    let data = Resource::new(
        move || {
            (
                here.get(),
                add.version().get(),
                mv.version().get(),
                del.version().get(),
                save.version().get(),
                publish.version().get(),
            )
        },
        |(here, ..)| async move {
            match here {
                Some(h) => load_framework(h.fid, h.q, h.open, h.node, h.limit).await,
                None => Err(crate::api::AppError::NotFound("That framework".into())),
            }
        },
    );
    let live = Live {
        hydrated: RwSignal::new(false),
        drag: RwSignal::new(None),
        drop_at: RwSignal::new(None),
        refusal: RwSignal::new(String::new()),
        announce: RwSignal::new(String::new()),
        pending: RwSignal::new(String::new()),
        focus_after: RwSignal::new(None),
    };
    follow_actions(data, here, add, mv, live);
    let add_fb = feedback(add.value());
    let mv_fb = feedback(mv.value());
    let del_fb = feedback(del.value());
    let pub_fb = feedback(publish.value());
    let clone_fb = feedback(clone.value());
    // One alert for the tree's actions (each falls back to the same ?error= without JS).
    let tree_fb = Signal::derive(move || {
        mv_fb
            .get()
            .or_else(|| del_fb.get())
            .or_else(|| add_fb.get())
            .or_else(|| pub_fb.get())
            .or_else(|| clone_fb.get())
    });
    let actions = Actions {
        add,
        mv,
        del,
        save,
        publish,
        clone,
    };
    view! {
        <FormAlert feedback=tree_fb/>
        <p class="sr-only" aria-live="polite" data-testid="announce">{move || live.announce.get()}</p>
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || {
                let h = here.get();
                Suspend::new(async move {
                    match (data.await, h) {
                        (Ok(t), Some(here)) => view! { <Editor t here actions live/> }.into_any(),
                        (Err(e), _) => view! { <Title text="Framework"/><ErrorPanel error=e/> }.into_any(),
                        (_, None) => view! { <ErrorPanel error=crate::api::AppError::NotFound("That framework".into())/> }.into_any(),
                    }
                })
            }}
        </Transition>
    }
    .into_any()
}

/// Wires the editor's browser-side reactions: it is hydrated; a move is described when sent
/// and announced once it succeeds; a new node is selected; and the focus goes back to the
/// row acted on once the tree has re-rendered.
fn follow_actions(
    data: Resource<Result<EditorTree, crate::api::AppError>>,
    here: Memo<Option<Here>>,
    add: ServerAction<AddFrameworkNode>,
    mv: ServerAction<MoveFrameworkNode>,
    live: Live,
) {
    Effect::new(move |_| live.hydrated.set(true));
    // Describe a move when it is sent (by a button, a key or a drop) and announce it once it
    // succeeds.
    Effect::new(move |_| {
        if let Some(input) = mv.input().get() {
            let rows = data
                .get_untracked()
                .and_then(Result::ok)
                .map(|t| t.view.rows)
                .unwrap_or_default();
            live.pending.set(describe_input(&rows, &input));
            live.focus_after.set(Some(input.node));
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = mv.value().get() {
            live.announce.set(live.pending.get_untracked());
        }
    });
    // A new node is selected (with JavaScript; without it the page simply reloads).
    let navigate = leptos_router::hooks::use_navigate();
    Effect::new(move |_| {
        if let (Some(Ok(node)), Some(h)) = (add.value().get(), here.get_untracked()) {
            live.focus_after.set(Some(node));
            navigate(&h.select(node), Default::default());
        }
    });
    // Once the tree has re-rendered, put the focus back on the row that was acted on.
    Effect::new(move |_| {
        if data.get().is_some() {
            if let Some(node) = live.focus_after.get_untracked() {
                request_animation_frame(move || focus_row(node));
            }
        }
    });
}

/// The editor's server actions.
#[derive(Clone, Copy)]
struct Actions {
    add: ServerAction<AddFrameworkNode>,
    mv: ServerAction<MoveFrameworkNode>,
    del: ServerAction<DeleteFrameworkNode>,
    save: ServerAction<SaveFrameworkNode>,
    publish: ServerAction<PublishFramework>,
    clone: ServerAction<CloneFramework>,
}

fn title_of(rows: &[TreeRow], id: NodeId) -> String {
    rows.iter()
        .find(|r| r.node.id == id)
        .map(|r| r.node.title.clone())
        .unwrap_or_else(|| "the node".into())
}

/// The sentence announced after a move succeeds.
fn describe_input(rows: &[TreeRow], m: &MoveFrameworkNode) -> String {
    let title = title_of(rows, m.node);
    match m.action.as_str() {
        "up" => format!("Moved \u{201c}{title}\u{201d} up."),
        "down" => format!("Moved \u{201c}{title}\u{201d} down."),
        "indent" => format!("Moved \u{201c}{title}\u{201d} into the item above it."),
        "outdent" => format!("Moved \u{201c}{title}\u{201d} out of its parent."),
        _ => {
            let parent = m.parent.parse::<NodeId>().ok().map(|p| title_of(rows, p));
            describe_move(&title, parent.as_deref(), m.index as usize)
        }
    }
}

/// Moves the keyboard focus to a tree row (browser only).
fn focus_row(node: NodeId) {
    use wasm_bindgen::JsCast;
    if let Some(el) = document()
        .get_element_by_id(&format!("tn-{node}"))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = el.focus();
    }
}

/// The tree row a key was pressed on. Keys pressed on the buttons and links inside a row
/// are theirs (Enter on "Move down" submits it), so only the row itself counts.
fn row_of(target: Option<web_sys::EventTarget>) -> Option<NodeId> {
    use wasm_bindgen::JsCast;
    let el = target?.dyn_into::<web_sys::Element>().ok()?;
    if el.get_attribute("role").as_deref() != Some("treeitem") {
        return None;
    }
    el.id().strip_prefix("tn-")?.parse().ok()
}

#[component]
fn Editor(t: EditorTree, here: Here, actions: Actions, live: Live) -> impl IntoView {
    let EditorTree {
        framework: f,
        scale,
        view: tv,
    } = t;
    let filtering = !here.q.trim().is_empty();
    let status = tv.matches.map(|m| {
        format!(
            "{m} match{} for \u{201c}{}\u{201d}, shown with the nodes they sit in.",
            if m == 1 { "" } else { "es" },
            here.q.trim()
        )
    });
    let fid = f.id.to_string();
    let rev = f.revision.to_string();
    let rows = std::sync::Arc::new(tv.rows.clone());
    let parents: Vec<TreeRow> = tv
        .rows
        .iter()
        .filter(|r| r.node.kind != NodeKind::Skill)
        .cloned()
        .collect();
    let selected = here
        .node
        .filter(|s| tv.rows.iter().any(|r| r.node.id == *s));
    // The row that takes Tab (roving tab index): the selected one, else the first.
    let tab_row = selected.or_else(|| tv.rows.first().map(|r| r.node.id));
    let more = (tv.shown > tv.rows.len() as u32).then(|| {
        (
            tv.shown - tv.rows.len() as u32,
            Here {
                limit: tv.limit + DEFAULT_ROW_LIMIT as u32,
                ..here.clone()
            }
            .url(),
        )
    });
    let q_value = here.q.clone();
    let on_key = tree_keys(
        rows.clone(),
        here.clone(),
        tv.open.clone(),
        (f.id, f.revision),
        filtering,
        actions,
        live,
    );
    view! {
        {editor_header(f.clone(), actions)}
        {(!f.origin.is_empty()).then(|| {
            let imported = crate::domain::imports::FORMATS.iter().find(|x| x.0 == f.origin);
            let text = imported.map_or_else(|| f.origin.clone(), |x| format!("Imported from a file: {}", x.1));
            view! { <p class="muted small" data-testid="framework-origin">{text}</p> }
        })}
        <p class="muted small">
            "Scale: " {scale.levels().iter().map(|l| l.name.clone()).collect::<Vec<_>>().join(" → ")}
            {format!(" (proficient from {})", scale.name(scale.threshold()))}
        </p>
        <div class="editor-grid">
            <div>
                <Form method="GET" action=format!("/frameworks/{}", f.id) attr:class="tree-filter" attr:role="search">
                    <label for="tree-q" class="sr-only">"Filter the tree"</label>
                    <input id="tree-q" name="q" type="search" value=q_value placeholder="Filter by title or code"/>
                    <button type="submit" class="btn btn-small">"Filter"</button>
                    {filtering.then(|| view! { <a class="btn btn-small btn-ghost" href=format!("/frameworks/{}", f.id)>"Clear"</a> })}
                </Form>
                <p class="muted small" aria-live="polite">{status}</p>
                <p class="muted small tree-help" id="tree-help">
                    "Drag a row to move it (top edge: before, middle: inside, bottom edge: after). "
                    "Keyboard: arrows to move around and open or close, Enter to select, "
                    <kbd>"Alt"</kbd>" + arrows to move the row."
                </p>
                <p class="drop-refusal" role="status" class:shown=move || !live.refusal.get().is_empty()>{move || live.refusal.get()}</p>
                {if tv.total == 0 {
                    view! { <EmptyState title="This framework is empty" body="Add a first category or competency below."/> }.into_any()
                } else if filtering && tv.matches == Some(0) {
                    view! { <EmptyState title="Nothing matches" body="Try another word, or clear the filter to see the whole tree."/> }.into_any()
                } else {
                    view! {
                        <ul class="fw-tree" role="tree" aria-label=format!("{} tree", f.name) aria-describedby="tree-help" on:keydown=on_key>
                            {tv.rows.iter().map(|r| view! {
                                <TreeItem
                                    r=r.clone()
                                    rows=rows.clone()
                                    here=here.clone()
                                    open=tv.open.clone()
                                    rev=f.revision
                                    actions
                                    live
                                    selected=selected == Some(r.node.id)
                                    tab=tab_row == Some(r.node.id)
                                    filtering
                                />
                            }).collect_view()}
                        </ul>
                        {more.map(|(left, href)| view! {
                            <p class="more-rows">
                                {format!("{left} more rows are not shown. ")}
                                <a href=href>"Show more"</a>
                                " or collapse some branches."
                            </p>
                        })}
                    }.into_any()
                }}
            </div>
            {match selected {
                Some(node) => view! { <NodePanel fid=f.id node rev=rev.clone() scale=scale.clone() save=actions.save mv=actions.mv parents=parents.clone()/> }.into_any(),
                None => view! {
                    <aside class="card node-panel node-panel-empty">
                        <p class="muted">"Select a node's title to edit its definition, key behaviours and level descriptions."</p>
                    </aside>
                }.into_any(),
            }}
        </div>
        <AddNodeForm fid rev=rev.clone() parents selected add=actions.add/>
    }
    .into_any()
}

/// The tree's keyboard handler: arrows move the focus and open or close rows, Home and End
/// jump, Enter or Space selects, and Alt + arrows move the row.
fn tree_keys(
    rows: std::sync::Arc<Vec<TreeRow>>,
    here: Here,
    open: Vec<NodeId>,
    (framework, revision): (FrameworkId, i64),
    filtering: bool,
    actions: Actions,
    live: Live,
) -> impl Fn(leptos::ev::KeyboardEvent) + 'static {
    let navigate = leptos_router::hooks::use_navigate();
    move |ev: leptos::ev::KeyboardEvent| {
        let Some(id) = row_of(ev.target()) else {
            return;
        };
        let Some(i) = rows.iter().position(|r| r.node.id == id) else {
            return;
        };
        let row = &rows[i];
        let key = ev.key();
        if ev.alt_key() {
            let action = match key.as_str() {
                "ArrowUp" => "up",
                "ArrowDown" => "down",
                "ArrowRight" => "indent",
                "ArrowLeft" => "outdent",
                _ => return,
            };
            ev.prevent_default();
            actions.mv.dispatch(MoveFrameworkNode {
                framework,
                revision,
                node: id,
                action: action.into(),
                parent: String::new(),
                index: 0,
            });
            return;
        }
        let go = |to: Option<&TreeRow>| {
            if let Some(r) = to {
                focus_row(r.node.id);
            }
        };
        match key.as_str() {
            "ArrowDown" => go(rows.get(i + 1)),
            "ArrowUp" => go(i.checked_sub(1).and_then(|j| rows.get(j))),
            "Home" => go(rows.first()),
            "End" => go(rows.last()),
            "ArrowRight" if row.children > 0 && !row.expanded && !filtering => {
                live.focus_after.set(Some(id));
                navigate(&here.toggle(&open, id), Default::default());
            }
            "ArrowRight" if row.expanded => go(rows.get(i + 1)),
            "ArrowLeft" if row.expanded && !filtering => {
                live.focus_after.set(Some(id));
                navigate(&here.toggle(&open, id), Default::default());
            }
            "ArrowLeft" => go(row
                .node
                .parent
                .and_then(|p| rows.iter().find(|r| r.node.id == p))),
            "Enter" | " " => {
                live.focus_after.set(Some(id));
                navigate(&here.select(id), Default::default());
            }
            _ => return,
        }
        ev.prevent_default();
    }
}

/// The editor's header: the framework's status and size, its other pages and exports, and
/// the clone and publish actions.
fn editor_header(f: FrameworkSummary, actions: Actions) -> impl IntoView {
    view! {
        <PageHeader title=f.name.clone() subtitle=f.description.clone()>
            {status_badge(f.status)}
            <span class="muted small">{format!("{} nodes · revision {}", f.nodes, f.revision)}</span>
            <a class="btn" href=format!("/frameworks/{}/scale", f.id)>"Scale"</a>
            <a class="btn" href=format!("/frameworks/{}/versions", f.id)>"Versions"</a>
            <a class="btn" href=format!("/frameworks/{}/case.json", f.id) download rel="external" title="A CASE 1.1 package of the framework as it is now">"Export CASE"</a>
            <a class="btn" href=format!("/frameworks/{}/moodle.csv", f.id) download rel="external">"Export Moodle CSV"</a>
            <ActionForm action=actions.clone>
                <input type="hidden" name="framework" value=f.id.to_string()/>
                <button type="submit" class="btn" title="A new draft with the same scale and nodes">"Clone"</button>
            </ActionForm>
            {(f.status == FrameworkStatus::Draft).then(|| view! {
                <ActionForm action=actions.publish>
                    <input type="hidden" name="framework" value=f.id.to_string()/>
                    <input type="hidden" name="revision" value=f.revision.to_string()/>
                    <button type="submit" class="btn btn-primary">"Publish"</button>
                </ActionForm>
            })}
        </PageHeader>
    }
}

/// The form that adds a node, inside the selected node when it can hold one.
#[component]
fn AddNodeForm(
    fid: String,
    rev: String,
    parents: Vec<TreeRow>,
    selected: Option<NodeId>,
    add: ServerAction<AddFrameworkNode>,
) -> impl IntoView {
    let add_fb = feedback(add.value());
    view! {
        <section class="card" aria-labelledby="add-node-h">
            <h2 id="add-node-h">"Add a node"</h2>
            <ActionForm action=add attr:class="form form-inline">
                <input type="hidden" name="framework" value=fid/>
                <input type="hidden" name="revision" value=rev/>
                <div class="field">
                    <label for="add-parent">"Inside"</label>
                    <select id="add-parent" name="parent">
                        <option value="">"Top level"</option>
                        {parents.into_iter().map(|p| {
                            let chosen = selected == Some(p.node.id);
                            view! {
                                <option value=p.node.id.to_string() selected=chosen>{format!("{}{}", "\u{2003}".repeat(p.node.depth as usize), p.node.title)}</option>
                            }
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
                <TextField name="title" label="Title of the new node" required=true feedback=add_fb/>
                <button type="submit" class="btn btn-primary">"Add"</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn TreeItem(
    r: TreeRow,
    rows: std::sync::Arc<Vec<TreeRow>>,
    here: Here,
    open: Vec<NodeId>,
    rev: i64,
    actions: Actions,
    live: Live,
    selected: bool,
    tab: bool,
    filtering: bool,
) -> impl IntoView {
    let n = r.node.clone();
    let id = n.id;
    let kind_label = match n.kind {
        NodeKind::Category => "Category",
        NodeKind::Competency => "Competency",
        NodeKind::Skill => "Skill",
    };
    let fid = here.fid;
    let twisty = if r.children == 0 {
        view! { <span class="twisty" aria-hidden="true"></span> }.into_any()
    } else if filtering {
        view! { <span class="twisty" aria-hidden="true">"▾"</span> }.into_any()
    } else {
        let verb = if r.expanded { "Collapse" } else { "Expand" };
        view! {
            <a class="twisty" href=here.toggle(&open, id) aria-label=format!("{verb} {}", n.title)
                tabindex=move || live.hydrated.get().then_some("-1")>
                {if r.expanded { "▾" } else { "▸" }}
            </a>
        }
        .into_any()
    };
    let zone_is = move |z: DropZone| move || live.drop_at.get() == Some((id, z, true));
    let refused = move || matches!(live.drop_at.get(), Some((t, _, false)) if t == id);
    let on_over = drag_over(rows.clone(), id, live);
    let on_drop = drop_on(rows.clone(), id, (fid, rev), actions, live);
    let toolbar = selected.then(|| row_toolbar(n.title.clone(), id, (fid, rev), actions));
    view! {
        <li
            role="treeitem"
            id=format!("tn-{id}")
            tabindex=if tab { "0" } else { "-1" }
            aria-setsize=r.siblings.to_string()
            aria-posinset=(r.index + 1).to_string()
            aria-expanded=(r.children > 0).then_some(if r.expanded { "true" } else { "false" })
            aria-selected=if selected { "true" } else { "false" }
            class="fw-node"
            class:fw-selected=selected
            class:fw-match=r.matched
            class:drop-before=zone_is(DropZone::Before)
            class:drop-inside=zone_is(DropZone::Inside)
            class:drop-after=zone_is(DropZone::After)
            class:drop-refused=refused
            class:dragging=move || live.drag.get() == Some(id)
            style=format!("--depth:{}", n.depth)
            draggable=move || live.hydrated.get().then_some("true")
            on:dragstart=move |ev: leptos::ev::DragEvent| {
                if let Some(dt) = ev.data_transfer() {
                    let _ = dt.set_data("text/plain", &id.to_string());
                    dt.set_effect_allowed("move");
                }
                live.drag.set(Some(id));
            }
            on:dragover=on_over
            on:drop=on_drop
            on:dragend=move |_| {
                live.drag.set(None);
                live.drop_at.set(None);
                live.refusal.set(String::new());
            }
        >
            {twisty}
            <span class=format!("kind kind-{}", n.kind.as_str())>{kind_label}</span>
            <a class="fw-title" href=here.select(id) aria-current=selected.then_some("true")
                tabindex=move || live.hydrated.get().then_some("-1")>{n.title.clone()}</a>
            {(r.inside > 0).then(|| view! { <span class="muted small count">{format!("{} inside", r.inside)}</span> })}
            {toolbar}
        </li>
    }
    // tachys has no typed `aria-level`; set it as a plain attribute.
    .add_any_attr(leptos::tachys::html::attribute::custom::custom_attribute(
        "aria-level",
        (n.depth + 1).to_string(),
    ))
}

/// Shows, while a row is dragged over row `id`, where it would land or why it cannot.
fn drag_over(
    over_rows: std::sync::Arc<Vec<TreeRow>>,
    id: NodeId,
    live: Live,
) -> impl Fn(leptos::ev::DragEvent) + 'static {
    move |ev: leptos::ev::DragEvent| {
        use wasm_bindgen::JsCast;
        let Some(dragged) = live.drag.get_untracked() else {
            return;
        };
        let zone = ev
            .current_target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .map(|el| {
                let rect = el.get_bounding_client_rect();
                DropZone::at(f64::from(ev.client_y()) - rect.top(), rect.height())
            })
            .unwrap_or(DropZone::Inside);
        let next = match plan_drop(&over_rows, dragged, id, zone) {
            Ok(_) => {
                ev.prevent_default();
                if let Some(dt) = ev.data_transfer() {
                    dt.set_drop_effect("move");
                }
                live.refusal.set(String::new());
                Some((id, zone, true))
            }
            Err(DropRefusal::NoChange) => None,
            Err(e) => {
                let msg = format!("Cannot drop here: {}", e.message());
                if live.refusal.get_untracked() != msg {
                    live.refusal.set(msg);
                }
                Some((id, zone, false))
            }
        };
        if live.drop_at.get_untracked() != next {
            live.drop_at.set(next);
        }
    }
}

/// Moves the dragged row to where it was dropped on row `id`.
fn drop_on(
    drop_rows: std::sync::Arc<Vec<TreeRow>>,
    id: NodeId,
    (fid, rev): (FrameworkId, i64),
    actions: Actions,
    live: Live,
) -> impl Fn(leptos::ev::DragEvent) + 'static {
    move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        let dragged = live.drag.get_untracked();
        let zone = live.drop_at.get_untracked().map(|d| d.1);
        live.drag.set(None);
        live.drop_at.set(None);
        live.refusal.set(String::new());
        if let (Some(dragged), Some(zone)) = (dragged, zone) {
            if let Ok((parent, index)) = plan_drop(&drop_rows, dragged, id, zone) {
                actions.mv.dispatch(MoveFrameworkNode {
                    framework: fid,
                    revision: rev,
                    node: dragged,
                    action: "to".into(),
                    parent: parent.map(|p| p.to_string()).unwrap_or_default(),
                    index: count(index),
                });
            }
        }
    }
}

/// The selected row's buttons: move up, down, in and out, and delete (which asks first).
fn row_toolbar(
    t: String,
    id: NodeId,
    (fid, rev): (FrameworkId, i64),
    actions: Actions,
) -> impl IntoView {
    let button = move |action: &'static str,
                       symbol: &'static str,
                       verb: &'static str,
                       title: &str| {
        let label = format!("{verb} {title}");
        view! {
            <ActionForm action=actions.mv>
                <input type="hidden" name="framework" value=fid.to_string()/>
                <input type="hidden" name="revision" value=rev.to_string()/>
                <input type="hidden" name="node" value=id.to_string()/>
                <input type="hidden" name="action" value=action/>
                <input type="hidden" name="parent" value=""/>
                <input type="hidden" name="index" value="0"/>
                <button type="submit" class="icon-btn" aria-label=label.clone() title=label>{symbol}</button>
            </ActionForm>
        }
    };
    view! {
        <span class="fw-actions">
            {button("up", "↑", "Move up:", &t)}
            {button("down", "↓", "Move down:", &t)}
            {button("indent", "→", "Indent:", &t)}
            {button("outdent", "←", "Outdent:", &t)}
            // Deleting takes the whole subtree, so it asks first (a <details>, no script needed).
            <details class="confirm">
                <summary class="icon-btn icon-danger" aria-label=format!("Delete {t}…") title="Delete…">"✕"</summary>
                <div class="confirm-pop">
                    <p>{format!("Delete \u{201c}{t}\u{201d} and everything inside it?")}</p>
                    <ActionForm action=actions.del>
                        <input type="hidden" name="framework" value=fid.to_string()/>
                        <input type="hidden" name="revision" value=rev.to_string()/>
                        <input type="hidden" name="node" value=id.to_string()/>
                        <button type="submit" class="btn btn-danger btn-small">"Delete"</button>
                    </ActionForm>
                </div>
            </details>
        </span>
    }
}

/// The selected node's editor, and a form that moves it anywhere in one step (the
/// single-pointer alternative to dragging).
#[component]
fn NodePanel(
    fid: FrameworkId,
    node: NodeId,
    rev: String,
    scale: Scale,
    save: ServerAction<SaveFrameworkNode>,
    mv: ServerAction<MoveFrameworkNode>,
    parents: Vec<TreeRow>,
) -> impl IntoView {
    let details = Resource::new(move || save.version().get(), move |_| load_node(fid, node));
    let fb = feedback(save.value());
    let targets: Vec<TreeRow> = parents.into_iter().filter(|p| p.node.id != node).collect();
    let move_rev = rev.clone();
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
            <ActionForm action=mv attr:class="form form-inline move-form">
                <input type="hidden" name="framework" value=fid.to_string()/>
                <input type="hidden" name="revision" value=move_rev/>
                <input type="hidden" name="node" value=node.to_string()/>
                <input type="hidden" name="action" value="to"/>
                <input type="hidden" name="index" value=u32::MAX.to_string()/>
                <div class="field">
                    <label for="move-parent">"Move into"</label>
                    <select id="move-parent" name="parent">
                        <option value="">"Top level"</option>
                        {targets.into_iter().map(|p| view! {
                            <option value=p.node.id.to_string()>{format!("{}{}", "\u{2003}".repeat(p.node.depth as usize), p.node.title)}</option>
                        }).collect_view()}
                    </select>
                </div>
                <button type="submit" class="btn">"Move"</button>
            </ActionForm>
        </aside>
    }
    .into_any()
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
    let alt_msg = crate::ui::forms::field_message(fb, "alt_labels");
    let links = d.links.clone();
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
            <div class="field" class:field-invalid=move || alt_msg.get().is_some()>
                <label for="f-alt_labels">"Alternative labels"</label>
                <textarea id="f-alt_labels" name="input[alt_labels]" rows="2" aria-describedby="alt-hint">{d.alt_labels.join("\n")}</textarea>
                <p class="hint" id="alt-hint">"Other names for it, one per line; drafting requirements from a job description searches them."</p>
                {move || alt_msg.get().map(|m| view! { <p class="field-msg">{m}</p> })}
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
        {(!links.is_empty()).then(|| {
            let here = Here { fid, q: String::new(), open: None, node: None, limit: 0 };
            view! {
                <section class="node-links" aria-labelledby="links-h">
                    <h3 id="links-h">{format!("Links ({})", links.len())}</h3>
                    <ul data-testid="node-links">
                        {links.iter().map(|l| {
                            let other = match l.other_node {
                                Some(n) => view! { <a href=here.select(n)>{l.other.clone()}</a> }.into_any(),
                                None => view! { <span title=l.other_uri.clone()>{l.other.clone()}</span> }.into_any(),
                            };
                            let outside = l.other_node.is_none().then(|| {
                                let whence = if l.other_uri.is_empty() { l.other_identifier.clone() } else { l.other_uri.clone() };
                                view! { <span class="muted small">" (outside this framework: "{whence}")"</span> }
                            });
                            view! { <li><span class="badge">{l.phrase()}</span>" "{other}{outside}</li> }
                        }).collect_view()}
                    </ul>
                </section>
            }
        })}
    }
    .into_any()
}

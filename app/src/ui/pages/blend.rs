//! Blend: a new framework built from chosen parts of existing ones (the "build a model from
//! existing models" workflow). Each ticked category or competency comes with everything
//! inside it.

use crate::api::frameworks::{blend_sources, BlendFrameworks};
use crate::ui::components::common::{LoadedList, PageHeader};
use crate::ui::forms::{feedback, field_message, FormAlert, TextField};
use leptos::prelude::*;

/// `/frameworks/blend`.
#[component]
pub fn BlendPage() -> impl IntoView {
    let blend = ServerAction::<BlendFrameworks>::new();
    let sources = Resource::new(|| (), |_| blend_sources());
    let fb = feedback(blend.value());
    let nodes_msg = field_message(fb, "nodes");
    view! {
        <PageHeader title="Blend frameworks" subtitle="Build a new framework from parts of existing ones. Tick categories and competencies; everything inside them comes along.">
            <a class="btn" href="/frameworks">"All frameworks"</a>
        </PageHeader>
        <LoadedList data=sources empty_title="No frameworks to blend yet"
            empty_body="Create or import frameworks first; then pick parts of them here."
            ok=move |s| view! {
                <ActionForm action=blend attr:class="form">
                    <FormAlert feedback=fb/>
                    <div class="card">
                        <TextField name="name" label="Name of the new framework" required=true feedback=fb/>
                        <TextField name="description" label="Description" feedback=fb/>
                    </div>
                    <div class="blend-grid" class:field-invalid=move || nodes_msg.get().is_some()>
                        {s.into_iter().map(|src| {
                            let f = src.framework;
                            view! {
                                <fieldset class="card blend-source">
                                    <legend>{f.name.clone()}<span class="muted small">{format!(" · {} nodes", f.nodes)}</span></legend>
                                    {if src.nodes.is_empty() {
                                        view! { <p class="muted small">"Nothing to pick: this framework has no categories or competencies yet."</p> }.into_any()
                                    } else {
                                        view! {
                                            <ul class="pick-list">
                                                {src.nodes.into_iter().map(|n| {
                                                    let id = format!("pick-{}", n.id);
                                                    view! {
                                                        <li style=format!("--depth:{}", n.depth)>
                                                            <input type="checkbox" id=id.clone() name=format!("nodes[{}]", n.id) value="on"/>
                                                            <label for=id>{n.title.clone()}<span class=format!("kind kind-{}", n.kind.as_str())>{n.kind.as_str()}</span></label>
                                                        </li>
                                                    }
                                                }).collect_view()}
                                            </ul>
                                        }.into_any()
                                    }}
                                </fieldset>
                            }
                        }).collect_view()}
                    </div>
                    <div class="form-actions"><button type="submit" class="btn btn-primary">"Create blended framework"</button></div>
                </ActionForm>
            }/>
    }
    .into_any()
}

//! Org units: the tree with head counts; admins add, rename and move units.

use crate::api::people::{list_units, CreateUnit, UpdateUnit};
use crate::domain::directory::UnitSummary;
use crate::ui::components::common::{EmptyState, Loaded, PageHeader};
use crate::ui::forms::{feedback, FormAlert, TextField};
use crate::ui::pages::people::unit_label;
use crate::ui::Auth;
use leptos::prelude::*;

/// The org-unit tree.
#[component]
pub fn UnitsPage() -> impl IntoView {
    let auth = expect_context::<Auth>();
    let create = ServerAction::<CreateUnit>::new();
    let update = ServerAction::<UpdateUnit>::new();
    let units = Resource::new(
        move || (create.version().get(), update.version().get()),
        |_| list_units(),
    );
    let is_admin = move || auth.is_admin();
    let create_fb = feedback(create.value());
    let update_fb = feedback(update.value());
    view! {
        <PageHeader title="Org units" subtitle="How the organisation is grouped. Head counts include active people only."/>
        <FormAlert feedback=update_fb/>
        <Loaded data=units ok=move |v| {
            let admin = is_admin();
            match v {
                list if list.is_empty() => view! {
                    <EmptyState title="No org units yet" body="Add the first unit below, then place people in it from their profile."/>
                }.into_any(),
                list => view! { <UnitTree list admin update/> }.into_any(),
            }
        }/>
        <Transition fallback=|| ()>
            <Show when=is_admin>
                <section class="card" aria-labelledby="add-unit-h">
                    <h2 id="add-unit-h">"Add a unit"</h2>
                    <ActionForm action=create attr:class="form form-inline">
                        <FormAlert feedback=create_fb/>
                        <TextField name="name" label="Name" required=true feedback=create_fb/>
                        <ParentSelect id="new-parent" units selected=String::new() exclude=None/>
                        <button type="submit" class="btn btn-primary">"Add unit"</button>
                    </ActionForm>
                </section>
            </Show>
        </Transition>
    }
    .into_any()
}

#[component]
fn UnitTree(
    list: Vec<UnitSummary>,
    admin: bool,
    update: ServerAction<UpdateUnit>,
) -> impl IntoView {
    let all = list.clone();
    view! {
        <ul class="unit-tree" role="list">
            {list.into_iter().map(|u| {
                let all = all.clone();
                view! {
                    <li class="unit-row" style=format!("--depth:{}", u.depth)>
                        <div class="unit-main">
                            <span class="unit-name">{u.name.clone()}</span>
                            <a class="muted small" href=format!("/people?unit={}", u.id)>
                                {format!("{} {}", u.people, if u.people == 1 { "person" } else { "people" })}
                            </a>
                        </div>
                        {admin.then(|| view! {
                            <details class="unit-edit">
                                <summary>"Rename or move"<span class="sr-only">{format!(" {}", u.name)}</span></summary>
                                <ActionForm action=update attr:class="form form-inline">
                                    <input type="hidden" name="id" value=u.id.to_string()/>
                                    <div class="field">
                                        <label for=format!("name-{}", u.id)>"Name"</label>
                                        <input id=format!("name-{}", u.id) name="name" value=u.name.clone() required/>
                                    </div>
                                    <StaticParentSelect id=format!("parent-{}", u.id) units=all.clone() selected=u.parent.map(|p| p.to_string()).unwrap_or_default() exclude=Some(u.id)/>
                                    <button type="submit" class="btn btn-small">"Save"</button>
                                </ActionForm>
                            </details>
                        })}
                    </li>
                }
            }).collect_view()}
        </ul>
    }
    .into_any()
}

#[component]
fn ParentSelect(
    id: &'static str,
    units: Resource<Result<Vec<UnitSummary>, crate::api::AppError>>,
    selected: String,
    exclude: Option<crate::domain::UnitId>,
) -> impl IntoView {
    view! {
        <Suspense fallback=|| ()>
            {
                let selected = selected.clone();
                move || {
                    let selected = selected.clone();
                    Suspend::new(async move {
                        let list = units.await.unwrap_or_default();
                        view! { <StaticParentSelect id=id.to_string() units=list selected exclude/> }
                    })
                }
            }
        </Suspense>
    }
    .into_any()
}

#[component]
fn StaticParentSelect(
    id: String,
    units: Vec<UnitSummary>,
    selected: String,
    exclude: Option<crate::domain::UnitId>,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id.clone()>"Inside"</label>
            <select id=id name="parent_id">
                <option value="">"Top level"</option>
                {units.into_iter().filter(|u| Some(u.id) != exclude).map(|u| {
                    let sel = selected == u.id.to_string();
                    view! { <option value=u.id.to_string() selected=sel>{unit_label(&u)}</option> }
                }).collect_view()}
            </select>
        </div>
    }
    .into_any()
}

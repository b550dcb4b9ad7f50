//! A framework's version history and the differences between any two versions.

use crate::api::frameworks::{compare_versions, framework_versions, load_framework_summary};
use crate::domain::FrameworkId;
use crate::ui::components::common::{id_param, EmptyState, Loaded, PageHeader};
use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

/// `/frameworks/:id/versions`: history, and a comparison of two versions (or the draft).
#[component]
pub fn VersionsPage() -> impl IntoView {
    let query = use_query_map();
    let id = id_param::<FrameworkId>();
    let pick = move || (query.read().get("from"), query.read().get("to"));
    let page = Resource::new(
        move || (id.get(), pick()),
        |(id, (from, to))| async move {
            let id = id.ok_or_else(|| crate::api::AppError::NotFound("That framework".into()))?;
            let f = load_framework_summary(id).await?;
            let versions = framework_versions(id).await?;
            // Default: the latest version against the current draft, or the two latest.
            let latest = versions.first().map(|v| v.number.to_string());
            let (from, to) = match (from, to) {
                (Some(f), Some(t)) => (Some(f), t),
                _ if f.status == crate::domain::framework::FrameworkStatus::Draft => {
                    (latest, "draft".to_string())
                }
                _ => (
                    versions.get(1).map(|v| v.number.to_string()),
                    latest.unwrap_or_else(|| "draft".into()),
                ),
            };
            let changes = match &from {
                Some(f) => Some(compare_versions(id, f.clone(), to.clone()).await?),
                None => None,
            };
            Ok::<_, crate::api::AppError>((f, versions, from, to, changes))
        },
    );
    view! {
        <Loaded data=page title="Versions" ok=move |(f, versions, from, to, changes)| {
            let (sel_from, sel_to) = (from.clone().unwrap_or_default(), to.clone());
            let label = |v: &str| if v == "draft" { "the current draft".to_string() } else { format!("version {v}") };
            let choices: Vec<(String, String)> = std::iter::once(("draft".to_string(), "Current draft".to_string()))
                .chain(versions.iter().map(|v| (v.number.to_string(), format!("Version {} · {}", v.number, v.published_at))))
                .collect();
            view! {
                <PageHeader title=format!("{}: versions", f.name) subtitle="Every published version is frozen. Compare any two, or a version with the current draft.">
                    <a class="btn" href=format!("/frameworks/{}", f.id)>"Back to the editor"</a>
                </PageHeader>
                {if versions.is_empty() {
                    view! { <EmptyState title="Not published yet" body="Publish the framework from the editor to freeze its first version."/> }.into_any()
                } else {
                    view! {
                        <div class="table-wrap">
                            <table class="table">
                                <thead><tr><th scope="col">"Version"</th><th scope="col">"Published"</th><th scope="col">"By"</th><th scope="col">"Nodes"</th><th scope="col">"Export"</th></tr></thead>
                                <tbody>
                                    {versions.iter().map(|v| view! {
                                        <tr>
                                            <th scope="row">{format!("Version {}", v.number)}</th>
                                            <td>{v.published_at.clone()}</td>
                                            <td>{v.published_by.clone()}</td>
                                            <td>{v.nodes.to_string()}</td>
                                            <td><a href=format!("/frameworks/{}/case.json?version={}", f.id, v.number) download rel="external">"CASE JSON"</a></td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                        <Form method="GET" action="" attr:class="filters compare-form">
                            <VersionSelect name="from" label="Compare" choices=choices.clone() selected=sel_from.clone()/>
                            <VersionSelect name="to" label="with" choices=choices.clone() selected=sel_to.clone()/>
                            <button type="submit" class="btn">"Compare"</button>
                        </Form>
                    }.into_any()
                }}
                {match (from, changes) {
                    (Some(from), Some(changes)) => view! {
                        <section class="card" aria-labelledby="changes-h">
                            <h2 id="changes-h">{format!("From {} to {}", label(&from), label(&to))}</h2>
                            {if changes.is_empty() {
                                view! { <p class="muted">"No differences."</p> }.into_any()
                            } else {
                                view! { <ul class="changes">{changes.into_iter().map(|c| view! { <li>{c}</li> }).collect_view()}</ul> }.into_any()
                            }}
                        </section>
                    }.into_any(),
                    _ => ().into_any(),
                }}
            }.into_any()
        }/>
    }
    .into_any()
}

#[component]
fn VersionSelect(
    name: &'static str,
    label: &'static str,
    choices: Vec<(String, String)>,
    selected: String,
) -> impl IntoView {
    let id = format!("v-{name}");
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <select id=id name=name>
                {choices.into_iter().map(|(v, l)| {
                    let sel = v == selected;
                    view! { <option value=v selected=sel>{l}</option> }
                }).collect_view()}
            </select>
        </div>
    }
}

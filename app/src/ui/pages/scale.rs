//! The scale editor: rename, re-describe, add and remove a framework's levels and pick the
//! proficiency threshold. Levels that ratings use keep their numbers (ratings are permanent
//! records); the server explains any refusal next to the form.

use crate::api::frameworks::{load_scale_editor, SaveScale};
use crate::domain::editor::ScaleEditor;
use crate::domain::FrameworkId;
use crate::ui::components::common::{id_param, Loaded, PageHeader, Table};
use crate::ui::forms::{feedback, Feedback, FormAlert};
use leptos::prelude::*;

/// `/frameworks/:id/scale`.
#[component]
pub fn ScalePage() -> impl IntoView {
    let id = id_param::<FrameworkId>();
    let save = ServerAction::<SaveScale>::new();
    let data = Resource::new(
        move || (id.get(), save.version().get()),
        |(id, _)| async move {
            match id {
                Some(id) => load_scale_editor(id).await,
                None => Err(crate::api::AppError::NotFound("That framework".into())),
            }
        },
    );
    let fb = feedback(save.value());
    let saved = move || matches!(save.value().get(), Some(Ok(())));
    view! {
        <Loaded data title="Scale" ok=move |d| view! { <ScaleForm d save fb saved/> }/>
    }
    .into_any()
}

#[component]
fn ScaleForm(
    d: ScaleEditor,
    save: ServerAction<SaveScale>,
    fb: Signal<Option<Feedback>>,
    saved: impl Fn() -> bool + Send + Sync + 'static,
) -> impl IntoView {
    let f = d.framework.clone();
    let top = d.scale.levels().len();
    let threshold = usize::from(d.scale.threshold().get());
    let rated = d.usage.iter().any(|u| u.1 > 0);
    let message = move |key: String| {
        Signal::derive(move || {
            fb.get()
                .filter(|f| f.field.as_deref() == Some(key.as_str()))
                .map(|f| f.message)
        })
    };
    let rows = d
        .scale
        .levels()
        .iter()
        .cloned()
        .map(Some)
        .chain(std::iter::once(None))
        .enumerate()
        .map(|(i, level)| {
            let k = i + 1;
            let new = level.is_none();
            let (name, description) = level.map(|l| (l.name, l.description)).unwrap_or_default();
            let usage = d.usage.iter().find(|u| usize::from(u.0) == k).copied();
            let msg = message(format!("levels[{k}].name"));
            let name_label = if new {
                "Name of a new top level (optional)".to_string()
            } else {
                format!("Name of level {k}")
            };
            view! {
                <tr class:new-level=new>
                    <th scope="row">{if new { "New".to_string() } else { k.to_string() }}</th>
                    <td>
                        <input type="hidden" name=format!("form[levels][{k}][from]") value=if new { String::new() } else { k.to_string() }/>
                        <input type="text" name=format!("form[levels][{k}][name]") value=name aria-label=name_label
                            aria-invalid=move || msg.get().map(|_| "true")/>
                        {move || msg.get().map(|m| view! { <p class="field-msg">{m}</p> })}
                    </td>
                    <td>
                        <textarea name=format!("form[levels][{k}][description]") rows="2"
                            aria-label=if new { "Description of the new level".to_string() } else { format!("Description of level {k}") }>{description}</textarea>
                    </td>
                    <td class="center">
                        <input type="radio" name="form[threshold]" value=k.to_string() checked=k == threshold
                            aria-label=format!("Proficient from {}", if new { "the new level".to_string() } else { format!("level {k}") })/>
                    </td>
                    <td class="small muted">
                        {usage.map(|(_, r, ds)| {
                            let mut parts = Vec::new();
                            if r > 0 { parts.push(format!("{r} rating{}", if r == 1 { "" } else { "s" })); }
                            if ds > 0 { parts.push(format!("{ds} description{}", if ds == 1 { "" } else { "s" })); }
                            if parts.is_empty() { "Unused".to_string() } else { parts.join(", ") }
                        })}
                    </td>
                    <td class="center">
                        {(!new).then(|| view! {
                            <input type="checkbox" name=format!("form[levels][{k}][remove]") value="on" aria-label=format!("Remove level {k}")/>
                        })}
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <PageHeader title=format!("{}: scale", f.name) subtitle="The proficiency levels every competency of this framework is rated on.">
            <a class="btn" href=format!("/frameworks/{}", f.id)>"Back to the editor"</a>
        </PageHeader>
        <section class="card">
            <p class="lead">
                {format!("{top} levels; level 0 always means \u{201c}not demonstrated\u{201d}. ")}
                "A scale has 2 to 10 levels. Rename and re-describe levels freely; add a level by filling in the last row. "
                {if rated {
                    "Ratings already use this scale: ratings are permanent records, so a rated level keeps its number and cannot be removed."
                } else {
                    "No ratings use this scale yet, so any level without level descriptions can be removed."
                }}
            </p>
            <ActionForm action=save attr:class="form form-wide">
                <FormAlert feedback=fb/>
                {move || saved().then(|| view! { <p class="alert alert-ok" role="status">"Scale saved."</p> })}
                <input type="hidden" name="framework" value=f.id.to_string()/>
                <input type="hidden" name="revision" value=f.revision.to_string()/>
                <Table class="scale-table" headings=&["Level", "Name", "Description", "Threshold", "Used by", "Remove"]>
                    {rows}
                </Table>
                <div class="form-actions"><button type="submit" class="btn btn-primary">"Save scale"</button></div>
            </ActionForm>
        </section>
    }
}

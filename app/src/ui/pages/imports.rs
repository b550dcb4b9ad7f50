//! `/frameworks/import`: an admin uploads a framework file (a plain multipart form, so it
//! works without JavaScript), sees what it would create with every problem by line, and
//! confirms; nothing is written before that.

use crate::api::frameworks::{import_preview, ConfirmImport};
use crate::api::AppError;
use crate::domain::moodle::ImportPreview;
use crate::ui::components::common::{ErrorPanel, PageHeader, Stat};
use crate::ui::forms::{feedback, FormAlert};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn ImportPage() -> impl IntoView {
    let auth = expect_context::<crate::ui::Auth>();
    let is_admin = move || auth.is_admin();
    view! {
        <Title text="Import a framework"/>
        <Transition fallback=|| ()>
            <Show when=is_admin fallback=|| view! { <ErrorPanel error=AppError::Forbidden/> }>
                <UploadForm/>
            </Show>
        </Transition>
    }
}

#[component]
fn UploadForm() -> impl IntoView {
    let fb = feedback(Signal::derive(|| None::<Result<i64, AppError>>));
    let formats = [(
        "moodle-csv",
        "Moodle competency CSV (tool_lpimportcsv, 12 or 14 columns)",
    )];
    view! {
        <PageHeader title="Import a framework" subtitle="Upload a file; you will see what it creates, and every problem by line, before anything is saved."/>
        <section class="card">
            <form method="post" action="/frameworks/import" enctype="multipart/form-data" class="form" data-testid="import-form">
                <FormAlert feedback=fb/>
                <div class="field">
                    <label for="import-format">"Format"</label>
                    <select id="import-format" name="format">
                        {formats.iter().map(|(v, l)| view! { <option value=*v>{*l}</option> }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="import-file">"File"</label>
                    <input type="file" id="import-file" name="file" accept=".csv,text/csv" required/>
                    <p class="hint">"Up to 50 MB. The file is checked as a whole: a file with problems imports nothing unless you choose to import only its valid rows."</p>
                </div>
                <div class="form-actions"><button type="submit" class="btn btn-primary">"Upload and preview"</button></div>
            </form>
        </section>
    }
}

#[component]
pub fn ImportPreviewPage() -> impl IntoView {
    let params = use_params_map();
    let data = Resource::new(
        move || {
            params
                .read()
                .get("id")
                .and_then(|i| i.parse::<i64>().ok())
                .unwrap_or(0)
        },
        import_preview,
    );
    view! {
        <Title text="Import preview"/>
        <Suspense fallback=|| view! { <p class="loading">"Reading the file…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(p) => view! { <Preview p/> }.into_any(),
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Preview(p: ImportPreview) -> impl IntoView {
    let confirm = ServerAction::<ConfirmImport>::new();
    let fb = feedback(confirm.value());
    let problems = p.problems.len();
    let importable = p.competencies + p.skills;
    let list = p
        .problems
        .iter()
        .map(|(line, why)| view! { <li data-testid="problem"><strong>{format!("Line {line}: ")}</strong>{why.clone()}</li> })
        .collect_view();
    view! {
        <PageHeader title=format!("Import \u{201c}{}\u{201d}", p.name) subtitle=format!("{} · {}", p.file_name, p.format)/>
        <div class="stats" data-testid="import-counts">
            <Stat label="competencies" value=p.competencies.to_string()/>
            <Stat label="skills" value=p.skills.to_string()/>
            <Stat label="top-level nodes" value=p.roots.to_string()/>
            <Stat label="levels deep" value=p.depth.to_string()/>
            <Stat label="rows with problems" value=problems.to_string()/>
        </div>
        <section class="card">
            <h2>"Scale"</h2>
            <p>{p.scale.join(" → ")}</p>
        </section>
        {(problems > 0).then(|| view! {
            <section class="card">
                <h2>{format!("{problems} row{} cannot be imported", if problems == 1 { "" } else { "s" })}</h2>
                <ul class="problems">{list}</ul>
            </section>
        })}
        <section class="card">
            <ActionForm action=confirm attr:class="form">
                <FormAlert feedback=fb/>
                <input type="hidden" name="id" value=p.id.to_string()/>
                {if problems == 0 {
                    view! {
                        <p>{format!("Everything in the file can be imported: {importable} nodes into a new draft framework.")}</p>
                        <div class="form-actions"><button type="submit" class="btn btn-primary">"Import"</button></div>
                    }
                    .into_any()
                } else {
                    view! {
                        <p>"Fix the file and upload it again, or import only the valid rows into a new draft framework."</p>
                        <div class="form-actions">
                            <a class="btn" href="/frameworks/import">"Upload another file"</a>
                            <button type="submit" class="btn btn-primary" name="skip_bad_rows" value="1">
                                {format!("Import the {importable} valid nodes")}
                            </button>
                        </div>
                    }
                    .into_any()
                }}
            </ActionForm>
        </section>
    }
}

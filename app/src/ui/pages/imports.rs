//! `/frameworks/import`: an admin uploads a file (a plain multipart form, so it works
//! without JavaScript; with JavaScript a bar shows the upload's progress), sees what it
//! would create with every problem and where it is, and confirms; nothing is written
//! before that.

use crate::api::frameworks::{import_preview, ConfirmImport};
use crate::api::AppError;
use crate::domain::imports::{ImportPreview, FORMATS};
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
    view! {
        <PageHeader title="Import a framework" subtitle="Upload a file; you will see what it creates, and every problem by line, before anything is saved."/>
        <section class="card">
            <form method="post" action="/frameworks/import" enctype="multipart/form-data" class="form" data-testid="import-form">
                <FormAlert feedback=fb/>
                <div class="field">
                    <label for="import-format">"Format"</label>
                    <select id="import-format" name="format">
                        {FORMATS.iter().map(|(v, l, _)| view! { <option value=*v>{*l}</option> }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="import-file">"File"</label>
                    <input type="file" id="import-file" name="file" accept=".json,.csv,.yml,.yaml,application/json,text/csv" required/>
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
    let warnings = p.warnings.len();
    let plural = |n: usize, one: &str, many: &str| {
        if n == 1 {
            one.to_string()
        } else {
            many.to_string()
        }
    };
    let issue_list = |items: &[(String, String)], testid: &'static str| {
        items
            .iter()
            .map(|(at, why)| {
                let mut c = at.chars();
                let at = match c.next() {
                    Some(first) => format!("{}{}: ", first.to_uppercase(), c.as_str()),
                    None => String::new(),
                };
                view! { <li data-testid=testid><strong>{at}</strong>{why.clone()}</li> }
            })
            .collect_view()
    };
    let problem_list = issue_list(&p.problems, "problem");
    let warning_list = issue_list(&p.warnings, "warning");
    let importable = p.importable;
    let noun = p.noun.clone();
    view! {
        <PageHeader title=format!("Import \u{201c}{}\u{201d}", p.name) subtitle=format!("{} · {}", p.file_name, p.format)/>
        <div class="stats" data-testid="import-counts">
            {p.counts.iter().map(|(label, value)| view! { <Stat label=label.clone() value=value.to_string()/> }).collect_view()}
            <Stat label="problems" value=problems.to_string()/>
        </div>
        {(!p.scale.is_empty()).then(|| view! {
            <section class="card">
                <h2>"Scale"</h2>
                <p>{p.scale.join(" \u{2192} ")}</p>
            </section>
        })}
        {(!p.note.is_empty()).then(|| view! { <p class="hint">{p.note.clone()}</p> })}
        {(problems > 0).then(|| view! {
            <section class="card">
                <h2>{format!("{problems} {}", plural(problems, "problem", "problems"))}</h2>
                <ul class="problems">{problem_list}</ul>
            </section>
        })}
        {(warnings > 0).then(|| view! {
            <details class="card">
                <summary>{format!("{warnings} {} (the import goes ahead)", plural(warnings, "note", "notes"))}</summary>
                <ul class="problems">{warning_list}</ul>
            </details>
        })}
        <section class="card">
            <ActionForm action=confirm attr:class="form">
                <FormAlert feedback=fb/>
                <input type="hidden" name="id" value=p.id.to_string()/>
                {if problems == 0 {
                    view! {
                        <p>{format!("Everything in the file can be imported: {importable} {noun}.")}</p>
                        <div class="form-actions"><button type="submit" class="btn btn-primary">"Import"</button></div>
                    }
                    .into_any()
                } else if p.skippable {
                    view! {
                        <p>"Fix the file and upload it again, or import only the valid part."</p>
                        <div class="form-actions">
                            <a class="btn" href="/frameworks/import">"Upload another file"</a>
                            <button type="submit" class="btn btn-primary" name="skip_bad_rows" value="1">
                                {format!("Import the {importable} valid {noun}")}
                            </button>
                        </div>
                    }
                    .into_any()
                } else {
                    view! {
                        <p>"This file cannot be imported until the problems are fixed; nothing has been saved."</p>
                        <div class="form-actions"><a class="btn btn-primary" href="/frameworks/import">"Upload another file"</a></div>
                    }
                    .into_any()
                }}
            </ActionForm>
        </section>
    }
}

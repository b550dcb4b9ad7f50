//! `/frameworks/import`: an admin uploads a file (a plain multipart form, so it works
//! without JavaScript; with JavaScript a bar shows the upload's progress), sees what it
//! would create with every problem and where it is, and confirms; nothing is written
//! before that.

use crate::api::frameworks::{import_preview, ConfirmImport};
use crate::api::AppError;
use crate::domain::imports::{ImportPreview, FORMATS};
use crate::ui::components::common::{id_param, AdminOnly, Loaded, PageHeader, Stat};
use crate::ui::forms::{feedback, FormAlert};
use leptos::prelude::*;

#[component]
pub fn ImportPage() -> impl IntoView {
    view! {
        <AdminOnly>
            <UploadForm/>
        </AdminOnly>
    }
    .into_any()
}

#[component]
fn UploadForm() -> impl IntoView {
    // With JavaScript the file goes up by XMLHttpRequest, so a bar can show its progress;
    // without it the form posts and the server answers with the preview or the form again.
    let progress = RwSignal::new(None::<f64>);
    let answer = RwSignal::new(None::<Result<i64, AppError>>);
    let fb = feedback(answer);
    let chosen = leptos_router::hooks::use_query_map()
        .get_untracked()
        .get("format");
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        #[cfg(feature = "hydrate")]
        upload_with_progress(&ev, progress, answer);
        #[cfg(not(feature = "hydrate"))]
        let _ = (ev, progress, answer);
    };
    view! {
        <PageHeader title="Import" subtitle="A framework (CASE, Moodle, ESCO skills, progression YAML), ESCO occupations as positions, or people. You see what the file would do, with every problem and where it is, before anything is saved."/>
        <section class="card">
            <form method="post" action="/frameworks/import" enctype="multipart/form-data" class="form" data-testid="import-form" on:submit=on_submit>
                <FormAlert feedback=fb/>
                <div class="field">
                    <label for="import-format">"Format"</label>
                    <select id="import-format" name="format">
                        {FORMATS.iter().map(|(v, l, _)| view! { <option value=*v selected=chosen.as_deref() == Some(*v)>{*l}</option> }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="import-file">"File"</label>
                    <input type="file" id="import-file" name="file" accept=".json,.csv,.yml,.yaml,application/json,text/csv" required/>
                    <p class="hint">"The file is checked as a whole: a file with problems imports nothing unless you choose to import only its valid rows. Large files (ESCO's 6 MB skills list) take a few seconds."</p>
                </div>
                <details class="field">
                    <summary>"CASE item types (optional)"</summary>
                    <label for="import-kinds" class="sr-only">"CASE item types"</label>
                    <textarea id="import-kinds" name="kinds" rows="3" placeholder="Standard = competency\nIndicator = skill" aria-describedby="kinds-hint"></textarea>
                    <p class="hint" id="kinds-hint">"One rule per line, \u{201c}Item type = kind\u{201d} (category, competency or skill), over the defaults: domains, strands and clusters are categories; standards and competencies are competencies; skills, indicators and components are skills. Items of other types take their kind from their place in the tree."</p>
                </details>
                {move || progress.get().map(|p| {
                    let pct = (p * 100.0).round();
                    let label = if p >= 1.0 { "Uploaded; reading the file…".to_string() } else { format!("Uploading… {pct}%") };
                    view! {
                        <div class="upload-progress" data-testid="upload-progress" role="status">
                            <progress max="100" value=pct.to_string() aria-label="Upload progress"></progress>
                            <span class="muted small">{label}</span>
                        </div>
                    }
                })}
                <div class="form-actions"><button type="submit" class="btn btn-primary" disabled=move || progress.get().is_some()>"Upload and preview"</button></div>
            </form>
        </section>
    }
    .into_any()
}

/// Sends the form by XMLHttpRequest, showing the upload's progress; on success opens the
/// preview, on failure shows the reason above the form. Leaves the event alone (the form
/// posts as usual) if the browser cannot.
#[cfg(feature = "hydrate")]
fn upload_with_progress(
    ev: &leptos::ev::SubmitEvent,
    progress: RwSignal<Option<f64>>,
    answer: RwSignal<Option<Result<i64, AppError>>>,
) {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    let Some(form) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlFormElement>().ok())
    else {
        return;
    };
    let (Ok(data), Ok(xhr)) = (
        web_sys::FormData::new_with_form(&form),
        web_sys::XmlHttpRequest::new(),
    ) else {
        return;
    };
    if xhr
        .open_with_async("POST", "/frameworks/import", true)
        .is_err()
        || xhr
            .set_request_header("Accept", "application/json")
            .is_err()
    {
        return;
    }
    ev.prevent_default();
    answer.set(None);
    if let Ok(up) = xhr.upload() {
        let on_progress =
            Closure::<dyn FnMut(web_sys::ProgressEvent)>::new(move |e: web_sys::ProgressEvent| {
                if e.length_computable() && e.total() > 0.0 {
                    progress.set(Some(e.loaded() / e.total()));
                }
            });
        up.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
        on_progress.forget();
    }
    let done = xhr.clone();
    let on_end = Closure::<dyn FnMut()>::new(move || {
        let status = done.status().unwrap_or(0);
        let body = done.response_text().ok().flatten().unwrap_or_default();
        if (200..300).contains(&status) {
            if let Ok(id) = serde_json::from_str::<i64>(&body) {
                progress.set(Some(1.0));
                let _ = window()
                    .location()
                    .set_href(&format!("/frameworks/import/{id}"));
                return;
            }
        }
        progress.set(None);
        let error = serde_json::from_str::<AppError>(&body).unwrap_or_else(|_| {
            AppError::invalid(
                "file",
                format!("The upload failed (HTTP {status}); the file may be larger than the server accepts (PROFICIO_BODY_LIMIT)."),
            )
        });
        answer.set(Some(Err(error)));
    });
    xhr.set_onloadend(Some(on_end.as_ref().unchecked_ref()));
    on_end.forget();
    if xhr.send_with_opt_form_data(Some(&data)).is_ok() {
        progress.set(Some(0.0));
    }
}

#[component]
pub fn ImportPreviewPage() -> impl IntoView {
    let id = id_param::<i64>();
    let data = Resource::new(move || id.get().unwrap_or(0), import_preview);
    view! {
        <Loaded data title="Import preview" loading="Reading the file…" ok=move |p| view! { <Preview p/> }/>
    }
    .into_any()
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
    let noun = if importable == 1 {
        match p.noun.as_str() {
            "people" => "person".to_string(),
            n => n.trim_end_matches('s').to_string(),
        }
    } else {
        p.noun.clone()
    };
    let title = if p.noun == "nodes" {
        format!("Import \u{201c}{}\u{201d}", p.name)
    } else {
        format!("Import {}", p.name)
    };
    view! {
        <PageHeader title=title subtitle=format!("{} · {}", p.file_name, p.format)/>
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
    .into_any()
}

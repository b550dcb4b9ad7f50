//! Form feedback that works with and without JavaScript. With JavaScript a form's server
//! action holds the error; without it the server redirects back with `?error=&field=`
//! (see the server crate's `form_errors` middleware). Either way the page shows the same
//! message, next to the field it names.

use crate::api::AppError;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// A message for a form, and the field it belongs to (if any).
#[derive(Clone, Debug, PartialEq)]
pub struct Feedback {
    /// The field name, e.g. `email`.
    pub field: Option<String>,
    /// The message.
    pub message: String,
    /// The change was refused because the data changed meanwhile: offer a reload.
    pub conflict: bool,
}

/// The feedback to show: the action's latest error, else the one in the URL.
pub fn feedback<T, S>(value: S) -> Signal<Option<Feedback>>
where
    T: Send + Sync + 'static,
    S: Get<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
{
    let query = use_query_map();
    Signal::derive(move || match value.get() {
        Some(Err(e)) => Some(Feedback {
            field: e.field().map(str::to_string),
            message: e.to_string(),
            conflict: matches!(e, AppError::Conflict(_)),
        }),
        Some(Ok(_)) => None,
        None => query.with(|q| {
            q.get("error").map(|message| Feedback {
                field: q.get("field").filter(|f| !f.is_empty()),
                message,
                conflict: false,
            })
        }),
    })
}

/// The feedback of one action only (never the address's): for pages with several forms,
/// which show the address's error once, in a page-level [`FormAlert`].
pub fn action_feedback<T, S>(value: S) -> Signal<Option<Feedback>>
where
    T: Send + Sync + 'static,
    S: Get<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
{
    Signal::derive(move || match value.get() {
        Some(Err(e)) => Some(Feedback {
            field: e.field().map(str::to_string),
            message: e.to_string(),
            conflict: matches!(e, AppError::Conflict(_)),
        }),
        _ => None,
    })
}

/// The message for `field`, if the feedback names it.
pub fn field_message(fb: Signal<Option<Feedback>>, field: &'static str) -> Signal<Option<String>> {
    Signal::derive(move || {
        fb.get()
            .filter(|f| f.field.as_deref() == Some(field))
            .map(|f| f.message)
    })
}

/// A banner summarising the form's problem (announced to screen readers).
#[component]
pub fn FormAlert(feedback: Signal<Option<Feedback>>) -> impl IntoView {
    let location = leptos_router::hooks::use_location();
    // The current address without the error parameters: where "Reload" goes.
    let here = move || {
        let search = location.search.get();
        let kept: Vec<&str> = search
            .trim_start_matches('?')
            .split('&')
            .filter(|p| !p.is_empty() && !p.starts_with("error=") && !p.starts_with("field="))
            .collect();
        let path = location.pathname.get();
        if kept.is_empty() {
            path
        } else {
            format!("{path}?{}", kept.join("&"))
        }
    };
    view! {
        <div class="form-alert-slot" role="alert" aria-live="assertive">
            {move || feedback.get().map(|f| view! {
                <p class="alert alert-error">
                    <span class="alert-icon" aria-hidden="true">"!"</span>
                    <span>
                        {f.message}
                        {f.conflict.then(|| view! { " " <a href=here() rel="external">"Reload"</a> })}
                    </span>
                </p>
            })}
        </div>
    }
}

/// A labelled text input with its validation message.
#[component]
pub fn TextField(
    /// The form field name (what the server function receives).
    name: &'static str,
    /// The field the server names in its errors (defaults to `name`).
    #[prop(optional)]
    error_key: Option<&'static str>,
    /// Visible label.
    label: &'static str,
    /// Input type.
    #[prop(default = "text")]
    kind: &'static str,
    /// Initial value.
    #[prop(optional, into)]
    value: String,
    /// Help text under the input.
    #[prop(optional)]
    hint: Option<&'static str>,
    /// Browser autocomplete hint.
    #[prop(optional)]
    autocomplete: Option<&'static str>,
    /// Whether the field must be filled.
    #[prop(optional)]
    required: bool,
    /// The form's feedback.
    feedback: Signal<Option<Feedback>>,
) -> impl IntoView {
    let key = error_key.unwrap_or(name);
    // From the name, not the error key: two forms on a page may report the same key.
    let id = format!("f-{}", name.replace(['[', ']'], "-"));
    let msg = field_message(feedback, key);
    let msg_id = format!("{id}-msg");
    let hint_id = format!("{id}-hint");
    let describedby = {
        let msg_id = msg_id.clone();
        let hint_id = hint_id.clone();
        move || {
            let mut ids = Vec::new();
            if hint.is_some() {
                ids.push(hint_id.clone());
            }
            if msg.get().is_some() {
                ids.push(msg_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    view! {
        <div class="field" class:field-invalid=move || msg.get().is_some()>
            <label for=id.clone()>{label}</label>
            <input
                id=id.clone()
                name=name
                type=kind
                value=value
                autocomplete=autocomplete
                required=required
                aria-invalid=move || msg.get().map(|_| "true")
                aria-describedby=describedby
            />
            {hint.map(|h| view! { <p class="hint" id=hint_id.clone()>{h}</p> })}
            {move || msg.get().map(|m| view! { <p class="field-msg" id=msg_id.clone()>{m}</p> })}
        </div>
    }
}

//! `/api/v1/docs`: the API reference as one page, rendered here from the OpenAPI document
//! that [`crate::api_v1::ApiDoc`] generates (no script, nothing from another site), so it
//! always says what the routes do. Public, like the document: it holds no data.

use crate::api_v1::{document, DOCUMENT};
use axum::http::{header, HeaderValue};
use axum::response::{Html, IntoResponse};
use leptos::either::Either;
use leptos::prelude::*;
use serde_json::Value;

/// Where the page is served.
pub const PAGE: &str = "/api/v1/docs";

/// The page (rendered once per process).
pub async fn page() -> impl IntoResponse {
    static HTML: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let html = HTML.get_or_init(|| {
        let doc = serde_json::to_value(document()).unwrap_or_default();
        format!("<!DOCTYPE html>{}", reference(&doc).to_html())
    });
    (
        [(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; \
                 form-action 'none'; frame-ancestors 'none'",
            ),
        )],
        Html(html.as_str()),
    )
}

/// Text with `code` spans, as the document's descriptions write them.
fn prose(text: &str) -> impl IntoView {
    text.split('`')
        .enumerate()
        .map(|(i, part)| {
            let part = part.to_string();
            if i % 2 == 1 {
                Either::Left(view! { <code>{part}</code> })
            } else {
                Either::Right(part)
            }
        })
        .collect::<Vec<_>>()
}

fn text<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or_default()
}

/// The component a `$ref` points at, by name.
fn ref_name(v: &Value) -> Option<&str> {
    v.get("$ref")?.as_str()?.rsplit('/').next()
}

/// A schema's type in a few words: `integer (int64), 1 to 200`, `array of ApiPerson`, with
/// a link where it names a component.
fn kind(schema: &Value) -> impl IntoView {
    if let Some(name) = ref_name(schema) {
        let href = format!("#schema-{name}");
        let name = name.to_string();
        return Either::Left(view! { <a href=href>{name}</a> });
    }
    if let Some(one_of) = schema.get("oneOf").and_then(Value::as_array) {
        // An optional reference: `oneOf: [null, {$ref}]`.
        let parts: Vec<_> = one_of
            .iter()
            .map(|s| view! { <span class="alt">{kind_text(s)}</span> })
            .collect();
        return Either::Right(Either::Left(parts));
    }
    Either::Right(Either::Right(kind_text(schema)))
}

/// [`kind`] as plain text (for the parts that link nowhere).
fn kind_text(schema: &Value) -> String {
    if let Some(name) = ref_name(schema) {
        return name.to_string();
    }
    let types = match schema.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => vec!["any"],
    };
    let mut out = types.join(" or ");
    if let Some(items) = schema.get("items") {
        out = format!("{out} of {}", kind_text(items));
    }
    if let Some(f) = schema.get("format").and_then(Value::as_str) {
        out.push_str(&format!(" ({f})"));
    }
    match (schema.get("minimum"), schema.get("maximum")) {
        (Some(lo), Some(hi)) => out.push_str(&format!(", {lo} to {hi}")),
        (Some(lo), None) => out.push_str(&format!(", at least {lo}")),
        (None, Some(hi)) => out.push_str(&format!(", at most {hi}")),
        (None, None) => {}
    }
    if let Some(p) = schema.get("pattern").and_then(Value::as_str) {
        out.push_str(&format!(", matching {p}"));
    }
    out
}

/// The HTTP methods an OpenAPI path item may hold, in the order the page lists them.
const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

/// Every operation: (method, path, operation).
fn operations(doc: &Value) -> Vec<(&'static str, String, Value)> {
    let mut out = Vec::new();
    if let Some(paths) = doc.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            for m in METHODS {
                if let Some(op) = item.get(m) {
                    out.push((m, path.clone(), op.clone()));
                }
            }
        }
    }
    out
}

fn anchor(method: &str, op: &Value) -> String {
    match op.get("operationId").and_then(Value::as_str) {
        Some(id) => id.to_string(),
        None => method.to_string(),
    }
}

fn operation(method: &'static str, path: String, op: Value) -> impl IntoView {
    let id = anchor(method, &op);
    let scopes: Vec<String> = op
        .get("security")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
        .flat_map(|req| req.values())
        .filter_map(Value::as_array)
        .flatten()
        .filter_map(|s| s.as_str().map(str::to_string))
        .collect();
    let params: Vec<Value> = op
        .get("parameters")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let responses: Vec<(String, Value)> = op
        .get("responses")
        .and_then(Value::as_object)
        .map(|r| r.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default();
    let summary = text(&op, "summary").to_string();
    let description = text(&op, "description").to_string();
    let heading = format!("{id}-title");
    let labelled_by = heading.clone();
    view! {
        <section class="op" id=id aria-labelledby=labelled_by>
            <h2 id=heading>
                <span class=format!("method {method}")>{method.to_uppercase()}</span>
                " "
                <code>{path}</code>
            </h2>
            <p class="summary">{summary}</p>
            {(!description.is_empty()).then(|| view! { <p>{prose(&description)}</p> })}
            <p>
                "Token scope: "
                {if scopes.is_empty() {
                    Either::Left("none (public)")
                } else {
                    Either::Right(view! { <code>{scopes.join(", ")}</code> })
                }}
            </p>
            {(!params.is_empty()).then(|| view! {
                <h3>"Parameters"</h3>
                <table>
                    <thead><tr><th scope="col">"name"</th><th scope="col">"in"</th><th scope="col">"type"</th><th scope="col">"required"</th><th scope="col">"meaning"</th></tr></thead>
                    <tbody>
                        {params.into_iter().map(|p| {
                            let name = text(&p, "name").to_string();
                            let place = text(&p, "in").to_string();
                            let required = if p.get("required").and_then(Value::as_bool).unwrap_or(false) { "yes" } else { "no" };
                            let description = text(&p, "description").to_string();
                            let schema = p.get("schema").cloned().unwrap_or_default();
                            view! {
                                <tr>
                                    <td><code>{name}</code></td>
                                    <td>{place}</td>
                                    <td>{kind(&schema)}</td>
                                    <td>{required}</td>
                                    <td>{prose(&description)}</td>
                                </tr>
                            }
                        }).collect::<Vec<_>>()}
                    </tbody>
                </table>
            })}
            <h3>"Responses"</h3>
            <table>
                <thead><tr><th scope="col">"status"</th><th scope="col">"meaning"</th><th scope="col">"body"</th></tr></thead>
                <tbody>
                    {responses.into_iter().map(|(status, r)| {
                        let description = text(&r, "description").to_string();
                        let body = r.get("content").and_then(Value::as_object).and_then(|c| c.iter().next()).map(|(media, c)| {
                            let media = media.clone();
                            let schema = c.get("schema").cloned().unwrap_or_default();
                            view! { {kind(&schema)} " as " <code>{media}</code> }
                        });
                        view! {
                            <tr>
                                <td>{status}</td>
                                <td>{prose(&description)}</td>
                                <td>{body}</td>
                            </tr>
                        }
                    }).collect::<Vec<_>>()}
                </tbody>
            </table>
        </section>
    }
}

fn schema(name: String, s: Value) -> impl IntoView {
    let id = format!("schema-{name}");
    let description = text(&s, "description").to_string();
    let required: Vec<String> = s
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|r| r.as_str().map(str::to_string))
        .collect();
    let properties: Vec<(String, Value)> = s
        .get("properties")
        .and_then(Value::as_object)
        .map(|p| p.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default();
    view! {
        <section class="schema" id=id>
            <h3><code>{name}</code></h3>
            {(!description.is_empty()).then(|| view! { <p>{prose(&description)}</p> })}
            <table>
                <thead><tr><th scope="col">"field"</th><th scope="col">"type"</th><th scope="col">"always present"</th><th scope="col">"meaning"</th></tr></thead>
                <tbody>
                    {properties.into_iter().map(|(field, p)| {
                        let always = if required.contains(&field) { "yes" } else { "no" };
                        let description = text(&p, "description").to_string();
                        view! {
                            <tr>
                                <td><code>{field}</code></td>
                                <td>{kind(&p)}</td>
                                <td>{always}</td>
                                <td>{prose(&description)}</td>
                            </tr>
                        }
                    }).collect::<Vec<_>>()}
                </tbody>
            </table>
        </section>
    }
}

/// The whole page.
fn reference(doc: &Value) -> impl IntoView {
    let info = doc.get("info").cloned().unwrap_or_default();
    let title = text(&info, "title").to_string();
    let version = text(&info, "version").to_string();
    let description = text(&info, "description").to_string();
    let openapi = text(doc, "openapi").to_string();
    let ops = operations(doc);
    let index: Vec<_> = ops
        .iter()
        .map(|(m, path, op)| {
            let href = format!("#{}", anchor(m, op));
            let label = format!("{} {path}", m.to_uppercase());
            let summary = text(op, "summary").to_string();
            view! { <li><a href=href><code>{label}</code></a>" " {summary}</li> }
        })
        .collect();
    let schemas: Vec<(String, Value)> = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|s| s.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default();
    view! {
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                <title>{format!("{title}: reference")}</title>
                <style inner_html=STYLE></style>
            </head>
            <body>
                <main>
                    <h1>{title} " " <small>{version}</small></h1>
                    <p>{prose(&description)}</p>
                    <p>
                        "The same as an OpenAPI " {openapi} " document, for code generators and tools: "
                        <a href=DOCUMENT><code>{DOCUMENT}</code></a>
                    </p>
                    <nav aria-label="Operations">
                        <h2>"Operations"</h2>
                        <ul>{index}</ul>
                    </nav>
                    {ops.into_iter().map(|(m, path, op)| operation(m, path, op)).collect::<Vec<_>>()}
                    <h2>"Schemas"</h2>
                    {schemas.into_iter().map(|(name, s)| schema(name, s)).collect::<Vec<_>>()}
                </main>
            </body>
        </html>
    }
}

const STYLE: &str = "
:root { font: 16px/1.5 system-ui, sans-serif; color: #1c2330; background: #fff; }
main { max-width: 60rem; margin: 0 auto; padding: 1rem; }
h1 small { font-size: 1rem; color: #4a5568; font-weight: normal; }
code { font: 0.9em ui-monospace, monospace; background: #eef1f5; padding: 0 0.2em; border-radius: 3px; }
h2 code, h3 code, li code { overflow-wrap: anywhere; }
a { color: #1d4ed8; }
a:focus-visible { outline: 3px solid #1d4ed8; outline-offset: 2px; }
.op, .schema { border-top: 1px solid #d5dbe3; margin-top: 2rem; }
.method { display: inline-block; font-size: 0.8em; padding: 0.1em 0.5em; border-radius: 4px;
  color: #fff; background: #166534; }
.method.post { background: #1d4ed8; } .method.put, .method.patch { background: #92400e; }
.method.delete { background: #991b1b; }
.summary { font-weight: 600; }
table { border-collapse: collapse; width: 100%; display: block; overflow-x: auto; }
th, td { text-align: left; vertical-align: top; padding: 0.3rem 0.6rem; border-bottom: 1px solid #e2e8f0; }
.alt + .alt::before { content: ' or '; }
@media (prefers-color-scheme: dark) {
  :root { color: #e6e9ef; background: #12161d; }
  h1 small { color: #a9b4c4; }
  code { background: #232a35; }
  a { color: #93b4ff; } a:focus-visible { outline-color: #93b4ff; }
  .op, .schema { border-color: #333c4a; } th, td { border-color: #2a323e; }
}
";

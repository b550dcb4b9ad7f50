//! Small building blocks shared by pages.

use crate::api::AppError;
use leptos::prelude::*;
use leptos_meta::Title;
use serde::{de::DeserializeOwned, Serialize};

/// The route's `:id` as a `T` (None when it is not one).
pub fn id_param<T>() -> Memo<Option<T>>
where
    T: std::str::FromStr + PartialEq + Clone + Send + Sync + 'static,
{
    parsed(leptos_router::hooks::use_params_map(), "id")
}

/// The query string's `name` as a `T` (None when it is absent or not one).
pub fn query_param<T>(name: &'static str) -> Memo<Option<T>>
where
    T: std::str::FromStr + PartialEq + Clone + Send + Sync + 'static,
{
    parsed(leptos_router::hooks::use_query_map(), name)
}

fn parsed<T>(map: Memo<leptos_router::params::ParamsMap>, name: &'static str) -> Memo<Option<T>>
where
    T: std::str::FromStr + PartialEq + Clone + Send + Sync + 'static,
{
    Memo::new(move |_| map.read().get(name).and_then(|s| s.parse().ok()))
}

/// `s` form-encoded for a query string (`application/x-www-form-urlencoded`: a space is
/// `+`, every byte but the unreserved ones is `%XX`).
pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            b' ' => "+".into(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A table that scrolls sideways on narrow screens, with one row of column `headings`;
/// `children` are its body rows.
#[component]
pub fn Table(
    /// Extra classes of the table.
    #[prop(optional)]
    class: &'static str,
    /// Extra classes of the scrolling wrapper (`card`).
    #[prop(optional)]
    wrap: &'static str,
    #[prop(into)] headings: Vec<&'static str>,
    /// The columns (by index) that hold numbers: their headings align right like them.
    #[prop(optional)]
    numeric: &'static [usize],
    children: Children,
) -> impl IntoView {
    let heads = headings
        .into_iter()
        .enumerate()
        .map(|(i, h)| {
            let class = numeric.contains(&i).then_some("num");
            view! { <th scope="col" class=class>{h}</th> }
        })
        .collect_view();
    view! {
        <div class=format!("table-wrap {wrap}").trim_end().to_string()>
            <table class=format!("table {class}").trim_end().to_string()>
                <thead>
                    <tr>{heads}</tr>
                </thead>
                <tbody>{children()}</tbody>
            </table>
        </div>
    }
}

/// A filter form's labelled `<select>`: first `none` (the empty value: no filter), then each
/// of `options` as (value, text), with `chosen` selected.
#[component]
pub fn FilterSelect<I>(
    /// The visible label and the select's accessible name.
    label: &'static str,
    /// The query parameter.
    name: &'static str,
    /// The text of the empty choice.
    none: &'static str,
    /// The choices.
    options: Vec<(I, String)>,
    /// The choice to select, if any.
    chosen: Option<I>,
) -> impl IntoView
where
    I: ToString + PartialEq + Send + Sync + 'static,
{
    let options = options
        .into_iter()
        .map(|(value, text)| {
            let selected = chosen.as_ref() == Some(&value);
            view! { <option value=value.to_string() selected=selected>{text}</option> }
        })
        .collect_view();
    view! {
        <label>
            {format!("{label} ")}
            <select name=name aria-label=label>
                <option value="">{none}</option>
                {options}
            </select>
        </label>
    }
}

/// Links to the page before and after `page` of `pages` (nothing for a single page);
/// `link(n)` is page n's address, `labels` the two links' text.
#[component]
pub fn Pager<L>(
    page: u32,
    pages: u32,
    link: L,
    #[prop(default = ("← Previous", "Next →"))] labels: (&'static str, &'static str),
) -> impl IntoView
where
    L: Fn(u32) -> String + 'static,
{
    (pages > 1).then(|| {
        let prev = (page > 1).then(|| link(page - 1));
        let next = (page < pages).then(|| link(page + 1));
        view! {
            <nav class="pager" aria-label="Pages">
                {prev.map(|href| view! { <a class="btn btn-small" href=href rel="prev">{labels.0}</a> })}
                <span class="muted">{format!("Page {page} of {pages}")}</span>
                {next.map(|href| view! { <a class="btn btn-small" href=href rel="next">{labels.1}</a> })}
            </nav>
        }
    })
}

/// A page's heading row, with optional actions on the right. It also sets the document
/// title (the `<h1>` unless `doc_title` says otherwise), so a page names itself once.
#[component]
pub fn PageHeader(
    /// The page's `<h1>`.
    #[prop(into)]
    title: String,
    /// The document title, when it should differ from the `<h1>`.
    #[prop(optional, into)]
    doc_title: Option<String>,
    /// A line under the title.
    #[prop(optional, into)]
    subtitle: Option<String>,
    /// Buttons and links on the right.
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    view! {
        <Title text=doc_title.unwrap_or_else(|| title.clone())/>
        <div class="page-header">
            <div>
                <h1>{title}</h1>
                {subtitle.map(|s| view! { <p class="subtitle">{s}</p> })}
            </div>
            {children.map(|c| view! { <div class="page-actions">{c()}</div> })}
        </div>
    }
}

/// What to show when a list is empty: what it is and what to do next.
#[component]
pub fn EmptyState(
    /// A short title.
    #[prop(into)]
    title: String,
    /// What to do next.
    #[prop(into)]
    body: String,
    /// An optional action.
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    view! {
        <div class="empty">
            <svg viewBox="0 0 48 48" width="48" height="48" aria-hidden="true" focusable="false">
                <rect x="6" y="10" width="36" height="28" rx="6" fill="none" stroke="currentColor" stroke-width="2.5" stroke-dasharray="5 4"/>
                <path d="M18 24h12M24 18v12" stroke="currentColor" stroke-width="2.5" stroke-linecap="round"/>
            </svg>
            <p class="empty-title">{title}</p>
            <p class="empty-body">{body}</p>
            {children.map(|c| c())}
        </div>
    }
}

/// A page's resource that reloads whenever a current level changes anywhere, without a page
/// reload. With the value it loads the change counter (read first, so a change made while
/// loading means one reload too many, never one too few); the browser polls the counter once
/// a second and reloads when it differs from the one the shown value was loaded with. The
/// server-rendered value carries its counter, so a change made between the render and
/// hydration is not missed either. Nothing polls on the server.
pub fn live_resource<S, T, Fut>(
    source: impl Fn() -> S + Send + Sync + 'static,
    fetch: impl Fn(S) -> Fut + Send + Sync + 'static,
) -> Resource<Result<(T, i64), AppError>>
where
    S: PartialEq + Clone + Send + Sync + 'static,
    T: Clone + Send + Sync + Serialize + DeserializeOwned + 'static,
    Fut: std::future::Future<Output = Result<T, AppError>> + Send + 'static,
{
    use crate::api::reports::levels_stamp;
    let (refresh, set_refresh) = signal(0u32);
    let data = Resource::new(
        move || (source(), refresh.get()),
        move |(s, _)| {
            let value = fetch(s);
            async move {
                let stamp = levels_stamp().await?;
                Ok((value.await?, stamp))
            }
        },
    );
    // The counter a reload was last asked for, so a slow reload is not asked for twice.
    let asked = StoredValue::new(None::<i64>);
    Effect::new(move |_| {
        let handle = set_interval_with_handle(
            move || {
                leptos::task::spawn_local(async move {
                    let Ok(now) = levels_stamp().await else {
                        return;
                    };
                    let shown = data.get_untracked().and_then(Result::ok).map(|(_, s)| s);
                    if shown.is_some_and(|s| s != now) && asked.get_value() != Some(now) {
                        asked.set_value(Some(now));
                        set_refresh.update(|r| *r += 1);
                    }
                });
            },
            std::time::Duration::from_millis(1000),
        );
        if let Ok(h) = handle {
            on_cleanup(move || h.clear());
        }
    });
    data
}

/// A figure with its label.
#[component]
pub fn Stat(
    /// The label.
    #[prop(into)]
    label: String,
    /// The figure, formatted on the server.
    #[prop(into)]
    value: String,
    /// Optional link for the figure.
    #[prop(optional, into)]
    href: Option<String>,
) -> impl IntoView {
    let inner = view! {
        <span class="stat-value">{value}</span>
        <span class="stat-label">{label}</span>
    };
    match href {
        Some(h) => view! { <a class="stat stat-link" href=h>{inner}</a> }.into_any(),
        None => view! { <div class="stat">{inner}</div> }.into_any(),
    }
}

/// An error panel for a failed load, with a way forward.
#[component]
pub fn ErrorPanel(error: AppError) -> impl IntoView {
    // Pages render whole before sending (SsrMode::Async), so the status can still be set.
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(
            http::StatusCode::from_u16(error.status())
                .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR),
        );
    }
    let (title, action) = match &error {
        AppError::Unauthenticated => ("Signed out", Some(("/sign-in", "Sign in"))),
        AppError::Forbidden => ("Not available to you", Some(("/", "Go to your home page"))),
        AppError::NotFound(_) => ("Not found", Some(("/", "Go to your home page"))),
        _ => ("Something went wrong", None),
    };
    view! {
        <section class="panel panel-error" role="alert">
            <h2>{title}</h2>
            <p>{error.to_string()}</p>
            {action.map(|(href, label)| view! { <a class="btn" href=href>{label}</a> })}
        </section>
    }
}

/// Shows `children` to admins and the not-allowed panel (with its 403) to everyone else.
/// It decides on the resolved user: reading the user resource synchronously would render
/// the panel, and set its status, before the user is known, even for an admin.
#[component]
pub fn AdminOnly(children: ChildrenFn) -> impl IntoView {
    let auth = expect_context::<crate::ui::Auth>();
    view! {
        <Transition fallback=|| ()>
            {move || {
                let children = children.clone();
                Suspend::new(async move {
                    match auth.user.await {
                        Ok(Some(u)) if u.caps().administer => children().into_any(),
                        _ => view! {
                            <leptos_meta::Title text="Not available to you"/>
                            <ErrorPanel error=AppError::Forbidden/>
                        }.into_any(),
                    }
                })
            }}
        </Transition>
    }
}

/// Role badge.
#[component]
pub fn RoleBadge(role: crate::domain::Role) -> impl IntoView {
    let class = match role {
        crate::domain::Role::Admin => "badge badge-admin",
        crate::domain::Role::HrViewer => "badge badge-hr",
        crate::domain::Role::Employee => "badge",
    };
    view! { <span class=class>{role.label()}</span> }
}

/// Active / deactivated badge (text, not colour alone).
#[component]
pub fn StatusBadge(active: bool) -> impl IntoView {
    if active {
        view! { <span class="badge badge-ok">"Active"</span> }
    } else {
        view! { <span class="badge badge-off">"Deactivated"</span> }
    }
}

/// A scale's levels (rows) by tracks (columns), as a real table. `cell(track, level, level
/// name)` renders each cell; the editor puts text areas there, the browser the text.
#[component]
pub fn LevelGrid<F>(scale: crate::domain::scale::Scale, cell: F) -> impl IntoView
where
    F: Fn(crate::domain::framework::Track, u8, &str) -> AnyView + 'static,
{
    use crate::domain::framework::Track;
    let rows = scale
        .levels()
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let level = u8::try_from(i + 1).unwrap_or(u8::MAX);
            view! {
                <tr>
                    <th scope="row">{format!("{level} · {}", l.name)}</th>
                    {Track::ALL.into_iter().map(|t| view! { <td>{cell(t, level, &l.name)}</td> }).collect_view()}
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="table grid-table">
            <thead>
                <tr>
                    <th scope="col">"Level"</th>
                    {Track::ALL.into_iter().map(|t| view! { <th scope="col">{t.label()}</th> }).collect_view()}
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
}

/// The body of a page that loads one resource: "Loading…" at first, the last view while it
/// reloads, then `ok` of the value — or, if loading failed, the error panel (with the page
/// title `title`, when the failed page would otherwise have none).
#[component]
pub fn Loaded<T, F, V>(
    /// What the page loads.
    data: Resource<Result<T, AppError>>,
    /// The page body for the loaded value.
    ok: F,
    /// The document title to show with the error panel.
    #[prop(optional)]
    title: Option<&'static str>,
    /// What to say while loading (default "Loading…").
    #[prop(optional)]
    loading: Option<&'static str>,
) -> impl IntoView
where
    T: Clone + Send + Sync + Serialize + DeserializeOwned + 'static,
    F: Fn(T) -> V + Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    view! {
        <Transition fallback=move || view! { <p class="loading">{loading.unwrap_or("Loading…")}</p> }>
            {move || {
                let ok = ok.clone();
                Suspend::new(async move {
                    match data.await {
                        Ok(v) => ok(v).into_any(),
                        Err(e) => view! {
                            {title.map(|t| view! { <Title text=t/> })}
                            <ErrorPanel error=e/>
                        }
                        .into_any(),
                    }
                })
            }}
        </Transition>
    }
}

/// [`Loaded`] for a list: an [`EmptyState`] (`empty_title`, `empty_body`) when it has no
/// items, else the page body for them.
#[component]
pub fn LoadedList<T, F, V>(
    /// What the page loads.
    data: Resource<Result<Vec<T>, AppError>>,
    /// The empty state's title.
    empty_title: &'static str,
    /// The empty state's text: what to do next.
    empty_body: &'static str,
    /// The page body for the loaded items (never none).
    ok: F,
) -> impl IntoView
where
    T: Clone + Send + Sync + Serialize + DeserializeOwned + 'static,
    F: Fn(Vec<T>) -> V + Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let body = move |items: Vec<T>| {
        if items.is_empty() {
            view! { <EmptyState title=empty_title body=empty_body/> }.into_any()
        } else {
            ok(items).into_any()
        }
    };
    view! { <Loaded data ok=body/> }
}

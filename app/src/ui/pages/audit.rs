//! `/admin/audit`: the audit log for admins, newest first, filtered by who, what kind of
//! thing and which days, with a CSV download of the same selection.

use crate::api::admin::load_audit;
use crate::domain::audit::{AuditEntry, AuditFilter, AuditPage as Page};
use crate::ui::components::common::{
    query_param, urlencode, EmptyState, ErrorPanel, FilterSelect, PageHeader, Pager, Table,
};
use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

/// The audit log page (admins; the server refuses everyone else).
#[component]
pub fn AuditPage() -> impl IntoView {
    let query = use_query_map();
    let get = move |k: &str| query.read().get(k).unwrap_or_default();
    let filter = move || AuditFilter {
        actor: get("actor"),
        entity: get("entity"),
        from: get("from"),
        to: get("to"),
    };
    let page = query_param::<u32>("page");
    let page = move || page.get().unwrap_or(1);
    let data = Resource::new(move || (filter(), page()), |(f, p)| load_audit(f, p));
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(p) => view! { <AuditView p filter=filter()/> }.into_any(),
                    Err(e) => view! {
                        <PageHeader title="Audit log"/>
                        <ErrorPanel error=e/>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

fn query_string(f: &AuditFilter, page: Option<u32>) -> String {
    let mut pairs = vec![
        ("actor", f.actor.clone()),
        ("entity", f.entity.clone()),
        ("from", f.from.clone()),
        ("to", f.to.clone()),
    ];
    if let Some(n) = page {
        pairs.push(("page", n.to_string()));
    }
    pairs
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", urlencode(&v)))
        .collect::<Vec<_>>()
        .join("&")
}

#[component]
fn AuditView(p: Page, filter: AuditFilter) -> impl IntoView {
    let csv = format!("/admin/audit.csv?{}", query_string(&filter, None));
    let link = {
        let filter = filter.clone();
        move |n: u32| format!("/admin/audit?{}", query_string(&filter, Some(n)))
    };
    let pages = p.pages();
    let filtered = filter != AuditFilter::default();
    view! {
        <PageHeader title="Audit log" subtitle="Every change made by an admin or a manager: who, when, what, and how it looked before and after.">
            <a class="btn" href=csv download="">"Download CSV"</a>
        </PageHeader>
        <Form method="GET" action="" attr:class="filters" attr:role="search">
            <FilterSelect label="Who" name="actor" none="Anyone" chosen=Some(filter.actor.clone())
                options=p.actors.iter().map(|(id, name)| (id.to_string(), name.clone())).collect()/>
            <FilterSelect label="What" name="entity" none="Everything" chosen=Some(filter.entity.clone())
                options=p.entities.iter().map(|e| (e.clone(), e.clone())).collect()/>
            <div class="field">
                <label for="from">"From"</label>
                <input id="from" name="from" type="date" value=filter.from.clone()/>
            </div>
            <div class="field">
                <label for="to">"To"</label>
                <input id="to" name="to" type="date" value=filter.to.clone()/>
            </div>
            <button type="submit" class="btn">"Filter"</button>
        </Form>
        {if p.entries.is_empty() {
            let body = if filtered {
                "No change matches these filters — widen the dates or choose anyone and everything."
            } else {
                "Nothing recorded yet — changes made by admins and managers will appear here."
            };
            view! { <EmptyState title="No entries" body=body/> }.into_any()
        } else {
            view! {
                <p class="muted result-count">{format!("{} entries", p.total)}</p>
                <Table class="audit-table" headings=&["When", "Who", "Action", "What", "Before", "After"]>
                    {p.entries.into_iter().map(|e| view! { <AuditRow e/> }).collect_view()}
                </Table>
                <Pager page=p.page pages=pages link labels=("← Newer", "Older →")/>
            }.into_any()
        }}
    }
}

#[component]
fn AuditRow(e: AuditEntry) -> impl IntoView {
    let json = |s: String| {
        if s.is_empty() {
            view! { <span class="muted">"—"</span> }.into_any()
        } else {
            view! { <code class="audit-json">{s}</code> }.into_any()
        }
    };
    view! {
        <tr>
            <td>{e.at}</td>
            <td>{e.actor}</td>
            <td>{e.action}</td>
            <th scope="row">{format!("{} {}", e.entity, e.entity_id)}</th>
            <td>{json(e.before)}</td>
            <td>{json(e.after)}</td>
        </tr>
    }
}

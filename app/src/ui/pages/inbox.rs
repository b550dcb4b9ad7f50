//! `/inbox`: what needs the caller's attention.

use crate::api::inbox::{load_inbox, MarkInboxSeen};
use crate::ui::components::common::{LoadedList, PageHeader};
use leptos::prelude::*;

/// `/inbox`: what needs the caller's attention; opening it marks decisions read.
#[component]
pub fn InboxPage() -> impl IntoView {
    let items = Resource::new(|| (), |_| load_inbox());
    let seen = ServerAction::<MarkInboxSeen>::new();
    // Opening the page (a GET) changes nothing on the server; once the items are on screen
    // in a browser with JavaScript, they are marked read with a POST.
    Effect::new(move |done: Option<bool>| {
        if done == Some(true) {
            return true;
        }
        let unread = items
            .get()
            .and_then(Result::ok)
            .is_some_and(|l| l.iter().any(|i| i.unread));
        if unread {
            seen.dispatch(MarkInboxSeen {});
        }
        items.get().is_some()
    });
    view! {
        <PageHeader title="Inbox" subtitle="Reviews waiting for you, decisions on your ratings, colleagues asking for your view, and levels about to expire."/>
        <LoadedList data=items empty_title="All clear"
            empty_body="Nothing needs your attention. Decisions on your self-assessments and requests from colleagues will appear here."
            ok=move |list| view! {
                {list.iter().any(|i| i.unread).then(|| view! {
                    <ActionForm action=seen attr:class="inline-form">
                        <button type="submit" class="btn btn-small btn-ghost">"Mark all as read"</button>
                    </ActionForm>
                })}
                <ul class="card inbox-list">
                    {list.into_iter().map(|i| {
                        let tag = match i.kind {
                            crate::domain::assess::InboxKind::Reviews => "Review",
                            crate::domain::assess::InboxKind::Decision => "Decision",
                            crate::domain::assess::InboxKind::PeerRequest => "Peer request",
                            crate::domain::assess::InboxKind::Expiry => "Expiry",
                            crate::domain::assess::InboxKind::Development => "Development",
                            crate::domain::assess::InboxKind::Reminder => "Reminder",
                        };
                        view! {
                            <li class="inbox-item" class:unread=i.unread data-testid="inbox-item">
                                <span class="badge">{tag}</span>
                                {i.unread.then(|| view! { <span class="badge badge-new">"New"</span> })}
                                <a href=i.href.clone()>{i.text.clone()}</a>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }/>
    }
    .into_any()
}

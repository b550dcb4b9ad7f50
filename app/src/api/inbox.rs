//! The inbox: what needs the caller's attention (reviews, decisions, peer requests,
//! expiring levels, development checks and reminders), and its unread count.

use super::AppError;
use leptos::prelude::*;

/// The caller's inbox. Reading it changes nothing (the page is a GET); the page marks the
/// items read with [`mark_inbox_seen`] once shown.
#[server(prefix = "/api", endpoint = "inbox/get")]
pub async fn load_inbox() -> Result<Vec<crate::domain::assess::InboxItem>, AppError> {
    use crate::server::{ctx, inbox};
    ctx::as_user(|st, me| async move { inbox::items(&st.db, me.id).await }).await
}

/// Marks everything in the caller's inbox as read (a POST: after the page has shown the
/// items, or the "Mark all as read" button without JavaScript).
#[server(prefix = "/api", endpoint = "inbox/seen")]
pub async fn mark_inbox_seen() -> Result<(), AppError> {
    use crate::server::{ctx, inbox};
    ctx::as_user(|st, me| async move { inbox::mark_seen(&st.db, me.id).await }).await
}

/// How many inbox items are unread, for the header.
#[server(prefix = "/api", endpoint = "inbox/count")]
pub async fn inbox_count() -> Result<u32, AppError> {
    use crate::server::{ctx, inbox};
    ctx::as_user(|st, me| async move { inbox::unread(&st.db, me.id).await }).await
}

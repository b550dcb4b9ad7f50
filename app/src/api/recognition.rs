//! Recognition: points, badges, leaderboards and exportable awards.

use super::AppError;
use crate::domain::recognition::RecognitionPage;
use crate::domain::PersonId;
use leptos::prelude::*;

/// Points, badges, the unit's leaderboard and exportable awards (the caller's by default).
#[server(prefix = "/api", endpoint = "recognition/get")]
pub async fn load_recognition(
    #[server(default)] person: Option<PersonId>,
) -> Result<RecognitionPage, AppError> {
    use crate::server::{ctx, recognition};
    ctx::as_user(
        |st, me| async move { recognition::page(&st.db, &me, person.unwrap_or(me.id)).await },
    )
    .await
}

/// Takes the caller off (`choice` out) or back onto (`in`) their unit's leaderboard.
#[server(prefix = "/api", endpoint = "recognition/leaderboard")]
pub async fn set_leaderboard(choice: String) -> Result<(), AppError> {
    use crate::server::{ctx, recognition};
    ctx::as_user(|st, me| async move {
        let out = match choice.as_str() {
            "out" => true,
            "in" => false,
            _ => return Err(AppError::invalid("choice", "Choose to be listed or not.")),
        };
        recognition::set_opt_out(&st.db, &me, out).await
    })
    .await
}

//! Your account: change your own password. A plain form, so it works without JavaScript.

use crate::api::auth::ChangePassword;
use crate::ui::forms::{feedback, FormAlert, TextField};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// Change your password (the current one is required; your other sessions end).
#[component]
pub fn AccountPage() -> impl IntoView {
    let change = ServerAction::<ChangePassword>::new();
    let fb = feedback(change.value());
    let pending = change.pending();
    let query = use_query_map();
    let ways = Resource::new(|| (), |_| crate::api::auth::sign_in_options());
    let saved =
        move || query.read().get("saved").is_some() || matches!(change.value().get(), Some(Ok(())));
    view! {
        <Title text="Your account"/>
        <div class="page-head">
            <h1>"Your account"</h1>
        </div>
        <section class="card narrow" aria-labelledby="pw-title">
            <h2 id="pw-title">"Change your password"</h2>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    if ways.await.is_ok_and(|w| !w.password) {
                        view! {
                            <p class="alert alert-warn" role="status">"Passwords are not used here: you sign in through your organisation's sign-in, so there is no password to change."</p>
                        }
                        .into_any()
                    } else {
                        view! {
                            <p class="muted">"Signing in elsewhere ends: every other browser where you are signed in is signed out."</p>
                            <Show when=saved>
                                <p class="alert alert-success" role="status">"Your password was changed. Other sessions were signed out."</p>
                            </Show>
                            <ActionForm action=change>
                                <FormAlert feedback=fb/>
                                <TextField name="current" label="Current password" kind="password" autocomplete="current-password" required=true feedback=fb/>
                                <TextField name="new" label="New password (at least 10 characters)" kind="password" autocomplete="new-password" required=true feedback=fb/>
                                <TextField name="confirm" label="New password again" kind="password" autocomplete="new-password" required=true feedback=fb/>
                                <button type="submit" class="btn btn-primary" disabled=move || pending.get()>
                                    {move || if pending.get() { "Saving…" } else { "Change password" }}
                                </button>
                            </ActionForm>
                        }
                        .into_any()
                    }
                })}
            </Suspense>
        </section>
    }
    .into_any()
}

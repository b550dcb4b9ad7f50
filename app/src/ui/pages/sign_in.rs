//! The sign-in page. A plain form: it works before (or without) JavaScript.

use crate::ui::components::frame::Logo;
use crate::ui::forms::{feedback, FormAlert, TextField};
use crate::ui::Auth;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// Sign in with e-mail and password.
#[component]
pub fn SignInPage() -> impl IntoView {
    let auth = expect_context::<Auth>();
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    let fb = feedback(auth.sign_in.value());
    let pending = auth.sign_in.pending();
    view! {
        <Title text="Sign in"/>
        <main id="main" class="auth-page">
            <div class="auth-card">
                <div class="auth-brand">
                    <Logo/>
                    <span class="brand-name">"Proficio"</span>
                </div>
                <h1>"Sign in"</h1>
                <p class="subtitle">"See where you stand, close your gaps, grow your team."</p>
                <ActionForm action=auth.sign_in>
                    <FormAlert feedback=fb/>
                    <TextField name="email" label="E-mail" kind="email" autocomplete="username" required=true feedback=fb/>
                    <TextField name="password" label="Password" kind="password" autocomplete="current-password" required=true feedback=fb/>
                    <input type="hidden" name="next" value=next/>
                    <button type="submit" class="btn btn-primary btn-block" disabled=move || pending.get()>
                        {move || if pending.get() { "Signing in…" } else { "Sign in" }}
                    </button>
                </ActionForm>
            </div>
        </main>
    }
    .into_any()
}

//! The sign-in page: the organisation's single sign-on (a plain link) and the e-mail and
//! password form, as the server has them set up. Both work before (or without) JavaScript.

use crate::api::auth::sign_in_options;
use crate::domain::sso::{SignInOptions, SsoRefusal};
use crate::ui::components::common::{urlencode, Loaded};
use crate::ui::components::frame::Logo;
use crate::ui::forms::{feedback, FormAlert, TextField};
use crate::ui::Auth;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// Sign in through the identity provider, or with e-mail and password.
#[component]
pub fn SignInPage() -> impl IntoView {
    let query = use_query_map();
    let refusal = move || {
        query
            .read()
            .get("sso")
            .and_then(|c| SsoRefusal::from_code(&c))
    };
    let options = Resource::new(|| (), |_| sign_in_options());
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
                {move || refusal().map(|r| view! {
                    <p class="alert alert-error" role="alert">
                        <span class="alert-icon" aria-hidden="true">"!"</span>
                        <span>{r.message()}</span>
                    </p>
                })}
                <Loaded data=options ok=move |o: SignInOptions| view! { <SignInWays options=o/> }/>
            </div>
        </main>
    }
    .into_any()
}

/// The single sign-on button and the password form, each where it is on.
#[component]
fn SignInWays(options: SignInOptions) -> impl IntoView {
    let auth = expect_context::<Auth>();
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    let fb = feedback(auth.sign_in.value());
    let pending = auth.sign_in.pending();
    let both = options.sso.is_some() && options.password;
    view! {
        {options.sso.map(|label| view! {
            // rel=external: the router must not take this link; the server redirects.
            <a class="btn btn-primary btn-block sso-button" rel="external"
                href=move || format!("/auth/oidc/start?next={}", urlencode(&next()))>
                {format!("Sign in with {label}")}
            </a>
        })}
        {both.then(|| view! { <p class="auth-or"><span>"or with your password"</span></p> })}
        {options.password.then(|| view! {
            <ActionForm action=auth.sign_in>
                <FormAlert feedback=fb/>
                <TextField name="email" label="E-mail" kind="email" autocomplete="username" required=true feedback=fb/>
                <TextField name="password" label="Password" kind="password" autocomplete="current-password" required=true feedback=fb/>
                <input type="hidden" name="next" value=next/>
                <button type="submit" class=if both { "btn btn-secondary btn-block" } else { "btn btn-primary btn-block" } disabled=move || pending.get()>
                    {move || if pending.get() { "Signing in…" } else { "Sign in" }}
                </button>
            </ActionForm>
        })}
    }
}

//! The 404 page.

use leptos::prelude::*;
use leptos_meta::Title;

/// Shown for any unknown address, answered with status 404.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Page not found"/>
        <section class="panel centered">
            <p class="big-code" aria-hidden="true">"404"</p>
            <h1>"This page does not exist"</h1>
            <p>"The address may be mistyped, or the page was moved."</p>
            <a class="btn btn-primary" href="/">"Go to your home page"</a>
        </section>
    }
    .into_any()
}

//! The browser entry point: hydrates the server-rendered page. Nothing else lives here.
#![recursion_limit = "256"]

/// Called by the generated JavaScript once the WASM module has loaded.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
    // Marks the page interactive on the next frame, for browser tests and curious developers.
    leptos::prelude::request_animation_frame(|| {
        if let Some(body) = leptos::prelude::document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
}

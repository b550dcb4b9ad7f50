//! The user interface: the HTML shell, the app with its routes, pages and components.

pub mod components;
pub mod forms;
pub mod pages;

use crate::api::auth::{whoami, SignIn, SignOut};
use crate::api::AppError;
use crate::domain::CurrentUser;
use components::frame::Frame;
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, MetaTags, Title};
use leptos_router::components::{Outlet, ParentRoute, Route, Router, Routes};
use leptos_router::{path, SsrMode};
use pages::{
    frameworks, home::HomePage, not_found::NotFound, people, sign_in::SignInPage, units::UnitsPage,
};

/// The HTML document around the app, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    content_security_policy(&options);
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light dark"/>
                <link rel="icon" type="image/svg+xml" href="/favicon.svg"/>
                <AutoReload options=options.clone()/>
                <HashedStylesheet id="leptos" options=options.clone()/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// Sends the page's Content-Security-Policy: scripts only from this site or inline with this
/// response's nonce (leptos_axum makes one per page and puts it on the hydration scripts),
/// WebAssembly compilation, styles from this site (inline `style` attributes too: charts use
/// them), images from this site or `data:`, requests only to this site, no plugins, no
/// framing, forms posting only here.
#[cfg(feature = "ssr")]
fn content_security_policy(options: &LeptosOptions) {
    let Some(nonce) = leptos::nonce::use_nonce() else {
        return;
    };
    // `cargo leptos watch` reloads the page through a WebSocket on its own port.
    let reload = if cfg!(debug_assertions) {
        format!(" ws://{}:{}", options.site_addr.ip(), options.reload_port)
    } else {
        String::new()
    };
    let policy = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; \
         connect-src 'self'{reload}; object-src 'none'; base-uri 'none'; \
         frame-ancestors 'none'; form-action 'self'"
    );
    if let (Some(res), Ok(value)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::HeaderValue::from_str(&policy),
    ) {
        res.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}

/// Who is signed in, and the two actions that change it. The user resource refetches
/// whenever either action completes.
#[derive(Clone, Copy)]
pub struct Auth {
    /// Sign in.
    pub sign_in: ServerAction<SignIn>,
    /// Sign out.
    pub sign_out: ServerAction<SignOut>,
    /// The signed-in person.
    pub user: Resource<Result<Option<CurrentUser>, AppError>>,
}

impl Auth {
    /// Whether the signed-in person is an admin (reactive: tracks the user resource).
    pub fn is_admin(&self) -> bool {
        self.user
            .get()
            .and_then(|u| u.ok().flatten())
            .is_some_and(|u| u.caps().administer)
    }
}

/// The application: routes inside the shared frame.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let sign_in = ServerAction::<SignIn>::new();
    let sign_out = ServerAction::<SignOut>::new();
    let user = Resource::new_blocking(
        move || (sign_in.version().get(), sign_out.version().get()),
        |_| whoami(),
    );
    provide_context(Auth {
        sign_in,
        sign_out,
        user,
    });

    // Every page renders with its data in the HTML (SsrMode::Async), so reading pages and plain
    // forms work with JavaScript off; with it on, the same HTML hydrates.
    view! {
        <Title formatter=|t: String| if t.is_empty() { "Proficio".to_string() } else { format!("{t} · Proficio") }/>
        <Router>
            <Routes fallback=|| view! { <Frame><NotFound/></Frame> }>
                <Route path=path!("/sign-in") ssr=SsrMode::Async view=SignInPage/>
                <ParentRoute path=path!("") ssr=SsrMode::Async view=|| view! { <Frame><Outlet/></Frame> }>
                    <Route path=path!("") ssr=SsrMode::Async view=HomePage/>
                    <Route path=path!("people") ssr=SsrMode::Async view=people::PeopleListPage/>
                    <Route path=path!("people/new") ssr=SsrMode::Async view=people::NewPersonPage/>
                    <Route path=path!("people/:id") ssr=SsrMode::Async view=people::PersonPage/>
                    <Route path=path!("people/:id/edit") ssr=SsrMode::Async view=people::EditPersonPage/>
                    <Route path=path!("units") ssr=SsrMode::Async view=UnitsPage/>
                    <Route path=path!("frameworks") ssr=SsrMode::Async view=frameworks::FrameworksPage/>
                    <Route path=path!("frameworks/blend") ssr=SsrMode::Async view=pages::blend::BlendPage/>
                    <Route path=path!("frameworks/import") ssr=SsrMode::Async view=pages::imports::ImportPage/>
                    <Route path=path!("frameworks/import/:id") ssr=SsrMode::Async view=pages::imports::ImportPreviewPage/>
                    <Route path=path!("frameworks/:id") ssr=SsrMode::Async view=frameworks::FrameworkEditorPage/>
                    <Route path=path!("frameworks/:id/scale") ssr=SsrMode::Async view=pages::scale::ScalePage/>
                    <Route path=path!("frameworks/:id/view") ssr=SsrMode::Async view=pages::browse::BrowsePage/>
                    <Route path=path!("frameworks/:id/versions") ssr=SsrMode::Async view=pages::versions::VersionsPage/>
                    <Route path=path!("positions") ssr=SsrMode::Async view=pages::positions::PositionsPage/>
                    <Route path=path!("positions/:id") ssr=SsrMode::Async view=pages::positions::PositionEditorPage/>
                    <Route path=path!("careers") ssr=SsrMode::Async view=pages::careers::CareersPage/>
                    <Route path=path!("careers/compare") ssr=SsrMode::Async view=pages::careers::ComparePage/>
                    <Route path=path!("skills") ssr=SsrMode::Async view=pages::skills::SkillsPageRoute/>
                    <Route path=path!("skills/history") ssr=SsrMode::Async view=pages::skills::HistoryPage/>
                    <Route path=path!("reviews") ssr=SsrMode::Async view=pages::skills::ReviewsPage/>
                    <Route path=path!("team") ssr=SsrMode::Async view=pages::team::TeamPage/>
                    <Route path=path!("talent") ssr=SsrMode::Async view=pages::talent::TalentPage/>
                    <Route path=path!("talent/succession") ssr=SsrMode::Async view=pages::talent::SuccessionPage/>
                    <Route path=path!("reports") ssr=SsrMode::Async view=pages::reports::OrgReportPage/>
                    <Route path=path!("reports/supply") ssr=SsrMode::Async view=pages::reports::SupplyPage/>
                    <Route path=path!("inbox") ssr=SsrMode::Async view=pages::inbox::InboxPage/>
                    <Route path=path!("plan") ssr=SsrMode::Async view=pages::plan::PlanRoute/>
                    <Route path=path!("plan/checks") ssr=SsrMode::Async view=pages::plan::ChecksPage/>
                    <Route path=path!("learning") ssr=SsrMode::Async view=pages::learning::CataloguePage/>
                    <Route path=path!("learning/close-gap") ssr=SsrMode::Async view=pages::learning::CloseGapPage/>
                    <Route path=path!("learning/:id") ssr=SsrMode::Async view=pages::learning::ActivityPage/>
                    <Route path=path!("recognition") ssr=SsrMode::Async view=pages::recognition::RecognitionRoute/>
                    <Route path=path!("account") ssr=SsrMode::Async view=pages::account::AccountPage/>
                    <Route path=path!("admin/audit") ssr=SsrMode::Async view=pages::audit::AuditPage/>
                    <Route path=path!("admin/tokens") ssr=SsrMode::Async view=pages::tokens::TokensPage/>
                </ParentRoute>
            </Routes>
        </Router>
    }
}

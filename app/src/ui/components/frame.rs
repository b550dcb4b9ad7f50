//! The frame around every signed-in page: the top bar with navigation by role, the
//! signed-in person and sign-out.

use crate::domain::nav::{Link, Nav, FRAMEWORKS};
use crate::domain::{initials, CurrentUser};
use crate::ui::Auth;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_location;

/// Top bar, navigation and main landmark around the page.
#[component]
pub fn Frame(children: Children) -> impl IntoView {
    let auth = expect_context::<Auth>();
    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <header class="topbar">
            <div class="topbar-inner">
                <a class="brand" href="/" aria-label="Proficio home">
                    <Logo/>
                    <span class="brand-name">"Proficio"</span>
                </a>
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        match auth.user.await {
                            Ok(Some(user)) => view! { <MainNav user/> }.into_any(),
                            _ => view! {
                                <nav class="nav" aria-label="Main"><a class="btn btn-small" href="/sign-in">"Sign in"</a></nav>
                            }.into_any(),
                        }
                    })}
                </Transition>
            </div>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    auth.user.await.ok().flatten().map(|user| view! { <SectionNav user/> })
                })}
            </Transition>
        </header>
        <main id="main" class="main" tabindex="-1">
            {children()}
        </main>
        <footer class="footer">
            <p>"Proficio — open-source competency frameworks and skills."</p>
        </footer>
    }
}

/// The Proficio mark: three rising bars (levels).
#[component]
pub fn Logo() -> impl IntoView {
    view! {
        <svg class="logo" viewBox="0 0 32 32" width="28" height="28" aria-hidden="true" focusable="false">
            <rect width="32" height="32" rx="8" fill="var(--brand)"/>
            <rect x="7" y="17" width="4.5" height="8" rx="1.5" fill="#fff" opacity="0.7"/>
            <rect x="13.75" y="12" width="4.5" height="13" rx="1.5" fill="#fff" opacity="0.85"/>
            <rect x="20.5" y="7" width="4.5" height="18" rx="1.5" fill="#fff"/>
        </svg>
    }
}

/// The inbox link with its unread count (as of the page load; a resource here would be
/// created in a different order by the server and the hydrating browser).
#[component]
fn InboxLink(n: u32) -> impl IntoView {
    let label = if n == 0 {
        "Inbox".to_string()
    } else {
        format!("Inbox, {n} unread")
    };
    view! {
        <a class="inbox-link" href="/inbox" aria-label=label data-testid="inbox-link">
            <svg viewBox="0 0 20 20" width="18" height="18" aria-hidden="true" focusable="false">
                <path d="M10 2a5 5 0 0 0-5 5v3.2L3.6 13a1 1 0 0 0 .9 1.5h11a1 1 0 0 0 .9-1.5L15 10.2V7a5 5 0 0 0-5-5zm-2 14a2 2 0 0 0 4 0z" fill="currentColor"/>
            </svg>
            {(n > 0).then(|| view! { <span class="inbox-count">{n.to_string()}</span> })}
        </a>
    }
}

#[component]
fn MainNav(user: CurrentUser) -> impl IntoView {
    let auth = expect_context::<Auth>();
    let caps = user.caps();
    let role_label = if caps.administer {
        "Admin"
    } else if caps.view_all {
        "HR viewer"
    } else if caps.manage_team {
        "Manager"
    } else {
        "Employee"
    };
    let nav = Nav::for_caps(caps);
    let path = use_location().pathname;
    let links = if nav.flat() {
        nav.sections[0]
            .pages
            .iter()
            .map(|&Link { label, href }| view! { <li><A href=href>{label}</A></li> }.into_any())
            .collect_view()
    } else {
        // The section the current page is in, worked out once a navigation for every link.
        let here = {
            let nav = nav.clone();
            Memo::new(move |_| nav.current(&path.read()).map(|s| s.label))
        };
        nav.sections
            .iter()
            .map(|s| {
                let label = s.label;
                let current = move || (here.get() == Some(label)).then_some("true");
                view! { <li><a href=s.href() aria-current=current>{label}</a></li> }.into_any()
            })
            .collect_view()
    };
    view! {
        <nav class="nav" aria-label="Main">
            <ul class="nav-links">
                <li><A href="/" exact=true>"Home"</A></li>
                {links}
                <li><A href=FRAMEWORKS.href>{FRAMEWORKS.label}</A></li>
            </ul>
            <div class="nav-user">
                <InboxLink n=user.unread/>
                <a class="user-chip" href=format!("/people/{}", user.id) title="Your profile">
                    <span class="avatar" aria-hidden="true">{initials(&user.name)}</span>
                    <span class="user-text">
                        <span class="user-name">{user.name.clone()}</span>
                        <span class="user-role">{role_label}</span>
                    </span>
                </a>
                <a class="btn btn-ghost btn-small" href="/account">"Account"</a>
                <ActionForm action=auth.sign_out>
                    <button type="submit" class="btn btn-ghost btn-small">"Sign out"</button>
                </ActionForm>
            </div>
        </nav>
    }
}

/// The pages of the section the current page is in, under the top bar (for everyone with
/// more than one section; an employee's top bar lists their pages itself).
#[component]
fn SectionNav(user: CurrentUser) -> impl IntoView {
    let nav = Nav::for_caps(user.caps());
    let path = use_location().pathname;
    move || {
        let section = nav.current(&path.read()).filter(|_| !nav.flat())?.clone();
        Some(view! {
            <nav class="subnav" aria-label=section.label>
                <ul class="subnav-links">
                    {section.pages.iter().map(|&Link { label, href }| view! { <li><A href=href>{label}</A></li> }).collect_view()}
                </ul>
            </nav>
        })
    }
}

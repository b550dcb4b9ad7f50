//! The home page: one screen, sections by what the person may do (employee, manager,
//! HR viewer, admin).

use crate::api::people::load_home;
use crate::domain::directory::{HomeSummary, PersonSummary};
use crate::domain::{initials, HomeKind};
use crate::ui::components::charts::BarChart;
use crate::ui::components::common::{EmptyState, ErrorPanel, PageHeader, Stat};
use crate::ui::Auth;
use leptos::prelude::*;

/// The signed-in person's home.
#[component]
pub fn HomePage() -> impl IntoView {
    let auth = expect_context::<Auth>();
    // Not keyed on the signed-in user: that resource resolves during the render, and a
    // key that changes with it would fetch the summary twice. Signing in or out navigates,
    // which mounts the page afresh.
    let home = Resource::new(|| (), |_| load_home());
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let user = auth.user.await;
                match (user, home.await) {
                    (Ok(Some(user)), Ok(h)) => view! { <Home kind=user.home() h/> }.into_any(),
                    (_, Err(e)) | (Err(e), _) => view! { <ErrorPanel error=e/> }.into_any(),
                    (Ok(None), _) => view! { <ErrorPanel error=crate::api::AppError::Unauthenticated/> }.into_any(),
                }
            })}
        </Suspense>
    }
    .into_any()
}

#[component]
fn Home(kind: HomeKind, h: HomeSummary) -> impl IntoView {
    let first =
        h.me.name
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_string();
    let subtitle = match kind {
        HomeKind::Admin => "Administration: people, units and competency frameworks.",
        HomeKind::HrViewer => "The whole organisation, read-only.",
        HomeKind::Manager => "Your team at a glance.",
        HomeKind::Employee => "Your skills and growth.",
    };
    let is_admin = kind == HomeKind::Admin;
    view! {
        <PageHeader title=format!("Welcome, {first}") doc_title="Home" subtitle=subtitle>
            {is_admin.then(|| view! {
                <a class="btn btn-primary" href="/people/new">"Add person"</a>
                <a class="btn" href="/units">"Org units"</a>
                <a class="btn" href="/frameworks">"Frameworks"</a>
            })}
        </PageHeader>
        {h.org.clone().map(|org| view! {
            <section class="section" aria-labelledby="org-h">
                <h2 id="org-h">"Organisation"</h2>
                <div class="stats">
                    <Stat label="Active people" value=org.active_people.to_string() href="/people"/>
                    <Stat label="Org units" value=org.units.to_string() href="/units"/>
                    <Stat label="Managers" value=org.managers.to_string()/>
                    <Stat label="Deactivated" value=org.inactive_people.to_string() href="/people?inactive=1"/>
                </div>
                <div class="card">
                    <h3>"People by unit"</h3>
                    {if org.by_unit.is_empty() {
                        view! { <EmptyState title="No org units yet" body="Create units to group people, then assign people to them."/> }.into_any()
                    } else {
                        view! { <BarChart title="Active people per top-level unit" rows=org.by_unit.clone()/> }.into_any()
                    }}
                </div>
            </section>
        })}
        <crate::ui::pages::skills::PeerRequests/>
        {(!h.team.is_empty()).then(|| view! { <Team team=h.team.clone() all=h.all_reports/> })}
        <section class="section" aria-labelledby="me-h">
            <h2 id="me-h">"You"</h2>
            <div class="grid-2">
                <ProfileCard p=h.me.clone()/>
                <div class="card">
                    <h3>"Your career"</h3>
                    {match (h.position.clone(), h.target.clone()) {
                        (None, _) => view! {
                            <EmptyState
                                title="No position yet"
                                body="Once an admin assigns your position, you see its requirements here and where it can lead."
                            >
                                <a class="btn" href="/careers">"Explore career paths"</a>
                            </EmptyState>
                        }.into_any(),
                        (Some((pid, title)), target) => view! {
                            <dl class="facts">
                                <dt>"Your position"</dt>
                                <dd><a href=format!("/careers?position={pid}")>{title}</a></dd>
                                <dt>"Your target"</dt>
                                <dd>{match target.clone() {
                                    Some((tid, t)) => view! { <a href=format!("/careers?position={tid}")>{t}</a> }.into_any(),
                                    None => view! { <span class="muted">"None yet: pick one on the career map"</span> }.into_any(),
                                }}</dd>
                            </dl>
                            <p class="panel-actions">
                                {target.map(|(tid, _)| view! {
                                    <a class="btn btn-primary" href=format!("/careers/compare?position={tid}")>"What I need for my target"</a>
                                })}
                                <a class="btn" href=format!("/careers?position={pid}")>"Where my position leads"</a>
                            </p>
                        }.into_any(),
                    }}
                </div>
            </div>
        </section>
    }
    .into_any()
}

#[component]
fn Team(team: Vec<PersonSummary>, all: u32) -> impl IntoView {
    let direct = team.len();
    let indirect = (all as usize).saturating_sub(direct);
    view! {
        <section class="section" aria-labelledby="team-h">
            <div class="section-head">
                <h2 id="team-h">"Your team"</h2>
                <p class="muted">
                    {format!("{direct} direct report{}", if direct == 1 { "" } else { "s" })}
                    {(indirect > 0).then(|| format!(", {indirect} more through them"))}
                </p>
                <a class="btn btn-small" href="/people">"All your reports"</a>
            </div>
            <ul class="people-grid">
                {team.into_iter().map(|p| view! {
                    <li>
                        <a class="person-card" href=format!("/people/{}", p.id)>
                            <span class="avatar avatar-lg" aria-hidden="true">{initials(&p.name)}</span>
                            <span class="person-card-text">
                                <span class="person-name">{p.name.clone()}</span>
                                <span class="muted">{p.job_title.clone()}</span>
                                {(p.direct_reports > 0).then(|| view! {
                                    <span class="badge">{format!("Manages {}", p.direct_reports)}</span>
                                })}
                            </span>
                        </a>
                    </li>
                }).collect_view()}
            </ul>
        </section>
    }
    .into_any()
}

#[component]
fn ProfileCard(p: PersonSummary) -> impl IntoView {
    view! {
        <div class="card profile-card">
            <div class="profile-head">
                <span class="avatar avatar-lg" aria-hidden="true">{initials(&p.name)}</span>
                <div>
                    <h3><a href=format!("/people/{}", p.id)>{p.name.clone()}</a></h3>
                    <p class="muted">{if p.job_title.is_empty() { "No job title".to_string() } else { p.job_title.clone() }}</p>
                </div>
            </div>
            <dl class="facts">
                <dt>"Unit"</dt>
                <dd>{p.unit.clone().map(|u| u.1).unwrap_or_else(|| "No unit".into())}</dd>
                <dt>"Manager"</dt>
                <dd>{match p.manager.clone() {
                    Some((id, name)) => view! { <a href=format!("/people/{id}")>{name}</a> }.into_any(),
                    None => view! { <span>"Nobody (top of the organisation)"</span> }.into_any(),
                }}</dd>
                <dt>"E-mail"</dt>
                <dd>{p.email.clone()}</dd>
            </dl>
        </div>
    }
    .into_any()
}

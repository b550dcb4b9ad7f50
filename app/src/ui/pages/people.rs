//! The people directory: search, profiles, and the admin's person form.

use crate::api::admin::ErasePerson;
use crate::api::people::{
    get_person, list_people, list_units, CreatePerson, PersonInput, SetPersonActive, UpdatePerson,
};
use crate::domain::directory::{PeoplePage, PersonDetail, PersonSummary, UnitSummary};
use crate::domain::{initials, PersonId, Role};
use crate::ui::components::common::{
    id_param, query_param, urlencode, AdminOnly, EmptyState, ErrorPanel, Loaded, PageHeader, Pager,
    RoleBadge, StatusBadge, Table,
};
use crate::ui::forms::{feedback, field_message, Feedback, FormAlert, TextField};
use crate::ui::Auth;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

fn person_id() -> Memo<Option<PersonId>> {
    id_param()
}

/// Searchable, paginated list of people (everyone for admins and HR; reports for managers).
#[component]
pub fn PeopleListPage() -> impl IntoView {
    let auth = expect_context::<Auth>();
    let query = use_query_map();
    let q = move || query.read().get("q").unwrap_or_default();
    let unit = move || query.read().get("unit").unwrap_or_default();
    let inactive = move || {
        query
            .read()
            .get("inactive")
            .is_some_and(|v| v == "1" || v == "on")
    };
    let page = query_param::<u32>("page");
    let page = move || page.get().unwrap_or(1);
    let people = Resource::new(
        move || (q(), unit(), inactive(), page()),
        |(q, u, i, p)| list_people(q, u, i, p),
    );
    let units = Resource::new(|| (), |_| list_units());
    let is_admin = move || auth.is_admin();
    view! {
        <PageHeader title="People" subtitle="Find anyone you may see: by name, e-mail or job title.">
            <Transition fallback=|| ()>
                <Show when=is_admin>
                    <a class="btn" href="/frameworks/import?format=people-csv">"Import people CSV"</a>
                    <a class="btn btn-primary" href="/people/new">"Add person"</a>
                </Show>
            </Transition>
        </PageHeader>
        <Form method="GET" action="" attr:class="filters" attr:role="search">
            <div class="field">
                <label for="q">"Search"</label>
                <input id="q" name="q" type="search" value=q placeholder="Name, e-mail or job title"/>
            </div>
            <div class="field">
                <label for="unit">"Unit"</label>
                <select id="unit" name="unit">
                    <option value="">"All units"</option>
                    <Suspense fallback=|| ()>
                        {move || Suspend::new(async move {
                            let selected = unit();
                            units.await.unwrap_or_default().into_iter().map(|u| {
                                let sel = selected == u.id.to_string();
                                view! { <option value=u.id.to_string() selected=sel>{unit_label(&u)}</option> }
                            }).collect_view()
                        })}
                    </Suspense>
                </select>
            </div>
            <label class="check">
                <input type="checkbox" name="inactive" value="1" checked=inactive/>
                "Include deactivated"
            </label>
            <button type="submit" class="btn">"Search"</button>
        </Form>
        <Loaded data=people ok=move |p| view! { <PeopleTable page=p/> }/>
    }
    .into_any()
}

/// A unit's name indented by its depth (for selects).
pub fn unit_label(u: &UnitSummary) -> String {
    format!("{}{}", "\u{2003}".repeat(u.depth as usize), u.name)
}

#[component]
fn PeopleTable(page: PeoplePage) -> impl IntoView {
    let query = use_query_map();
    if page.items.is_empty() {
        return view! {
            <EmptyState title="Nobody matches" body="Try fewer words, another unit, or include deactivated people."/>
        }
        .into_any();
    }
    let pages = page.pages();
    let link = move |n: u32| {
        let mut pairs: Vec<(String, String)> = query
            .read_untracked()
            .clone()
            .into_iter()
            .filter(|(k, _)| k != "page")
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        pairs.push(("page".into(), n.to_string()));
        let qs: Vec<String> = pairs
            .iter()
            .map(|(k, v)| format!("{}={}", urlencode(k), urlencode(v)))
            .collect();
        format!("/people?{}", qs.join("&"))
    };
    let first = (page.page - 1) * page.per_page + 1;
    let last = first + page.items.len() as u32 - 1;
    view! {
        <p class="muted result-count">{format!("{first}–{last} of {}", page.total)}</p>
        <Table class="people-table" headings=&["Name", "Job title", "Unit", "Manager", "Role", "Status"]>
            {page.items.into_iter().map(|p| view! { <PersonRow p/> }).collect_view()}
        </Table>
        <Pager page=page.page pages link/>
    }
    .into_any()
}

#[component]
fn PersonRow(p: PersonSummary) -> impl IntoView {
    view! {
        <tr>
            <th scope="row">
                <a class="person-link" href=format!("/people/{}", p.id)>
                    <span class="avatar" aria-hidden="true">{initials(&p.name)}</span>
                    <span>
                        <span class="person-name">{p.name.clone()}</span>
                        <span class="muted small">{p.email.clone()}</span>
                    </span>
                </a>
            </th>
            <td>{p.job_title.clone()}</td>
            <td>{p.unit.clone().map(|u| u.1).unwrap_or_default()}</td>
            <td>{p.manager.clone().map(|(id, n)| view! { <a href=format!("/people/{id}")>{n}</a> })}</td>
            <td><RoleBadge role=p.role/></td>
            <td><StatusBadge active=p.active/></td>
        </tr>
    }
    .into_any()
}

/// A person's profile: details, reporting line, direct reports, and admin actions.
#[component]
pub fn PersonPage() -> impl IntoView {
    let id = person_id();
    let set_active = ServerAction::<SetPersonActive>::new();
    let erase = ServerAction::<ErasePerson>::new();
    let detail = Resource::new(
        move || (id.get(), set_active.version().get(), erase.version().get()),
        |(id, _, _)| async move {
            match id {
                Some(id) => get_person(id).await,
                None => Err(crate::api::AppError::NotFound("That person".into())),
            }
        },
    );
    view! {
        <Loaded data=detail title="Person" ok=move |d| view! { <PersonView d set_active erase/> }/>
    }
    .into_any()
}

#[component]
fn PersonView(
    d: PersonDetail,
    set_active: ServerAction<SetPersonActive>,
    erase: ServerAction<ErasePerson>,
) -> impl IntoView {
    let p = d.person.clone();
    let fb = feedback(set_active.value());
    let erase_fb = feedback(erase.value());
    let chain = d.chain.clone();
    view! {
        <Title text=p.name.clone()/>
        <div class="profile-hero">
            <span class="avatar avatar-xl" aria-hidden="true">{initials(&p.name)}</span>
            <div class="profile-hero-text">
                <h1>{p.name.clone()}</h1>
                <p class="subtitle">{p.job_title.clone()}</p>
                <p class="badges"><RoleBadge role=p.role/>" "<StatusBadge active=p.active/></p>
                {d.synced.clone().map(|t| view! {
                    <p class="sync-note muted small" role="note">
                        {format!("Kept in sync by your identity provider (SCIM), last on {t}. Its next change to \
                          name, e-mail, title, manager, unit or status replaces an edit made here.")}
                    </p>
                })}
            </div>
            {d.can_edit.then(|| view! {
                <div class="page-actions">
                    <a class="btn" href=format!("/people/{}/edit", p.id)>"Edit"</a>
                    <ActionForm action=set_active>
                        <input type="hidden" name="id" value=p.id.to_string()/>
                        <input type="hidden" name="active" value=(!p.active).to_string()/>
                        <button type="submit" class=if p.active { "btn btn-danger" } else { "btn" }>
                            {if p.active { "Deactivate" } else { "Reactivate" }}
                        </button>
                    </ActionForm>
                    // Privacy requests: everything held about them, and erasure (asks first).
                    <a class="btn" href=format!("/people/{}/data.json", p.id) download="">"Export data"</a>
                    <a class="btn" href=format!("/admin/audit?actor={}", p.id)>"Their changes"</a>
                    <details class="confirm">
                        <summary class="btn btn-danger">"Erase…"</summary>
                        <div class="confirm-pop">
                            <p>{format!(
                                "Erase {} for good? Their name, e-mail and texts are replaced everywhere, their evidence files are deleted and they are signed out; their ratings stay only as anonymous figures. This cannot be undone.",
                                p.name
                            )}</p>
                            <ActionForm action=erase>
                                <input type="hidden" name="id" value=p.id.to_string()/>
                                <button type="submit" class="btn btn-danger btn-small">"Erase this person"</button>
                            </ActionForm>
                        </div>
                    </details>
                </div>
            })}
        </div>
        <FormAlert feedback=fb/>
        <FormAlert feedback=erase_fb/>
        <div class="grid-2">
            <section class="card" aria-labelledby="details-h">
                <h2 id="details-h">"Details"</h2>
                <dl class="facts">
                    <dt>"E-mail"</dt><dd>{p.email.clone()}</dd>
                    <dt>"Unit"</dt><dd>{p.unit.clone().map(|u| u.1).unwrap_or_else(|| "No unit".into())}</dd>
                    <dt>"Position"</dt>
                    <dd>{match d.position.clone() {
                        Some((id, t)) => view! { <a href=format!("/careers?position={id}")>{t}</a> }.into_any(),
                        None => view! { <span class="muted">"No position assigned"</span> }.into_any(),
                    }}</dd>
                    <dt>"Target position"</dt>
                    <dd>{match d.target.clone() {
                        Some((id, t)) => view! {
                            <a href=format!("/careers?position={id}")>{t}</a>
                            " · "
                            <a href=format!("/careers/compare?position={id}&person={}", p.id)>"What is needed"</a>
                        }.into_any(),
                        None => view! { <span class="muted">"None named"</span> }.into_any(),
                    }}</dd>
                    <dt>"Reporting line"</dt>
                    <dd>
                        {if chain.is_empty() {
                            view! { <span>"Top of the organisation"</span> }.into_any()
                        } else {
                            view! {
                                <ol class="chain">
                                    {chain.into_iter().map(|(id, n)| view! { <li><a href=format!("/people/{id}")>{n}</a></li> }).collect_view()}
                                </ol>
                            }.into_any()
                        }}
                    </dd>
                </dl>
            </section>
            <section class="card" aria-labelledby="reports-h">
                <h2 id="reports-h">"Direct reports"</h2>
                {if d.reports.is_empty() {
                    view! { <p class="muted">"Nobody reports to " {p.name.clone()} "."</p> }.into_any()
                } else {
                    view! {
                        <ul class="list">
                            {d.reports.into_iter().map(|r| view! {
                                <li>
                                    <a class="person-link" href=format!("/people/{}", r.id)>
                                        <span class="avatar" aria-hidden="true">{initials(&r.name)}</span>
                                        <span><span class="person-name">{r.name.clone()}</span><span class="muted small">{r.job_title.clone()}</span></span>
                                    </a>
                                    {(!r.active).then(|| view! { <StatusBadge active=false/> })}
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </section>
        </div>
    }
    .into_any()
}

/// Admin: add a person.
#[component]
pub fn NewPersonPage() -> impl IntoView {
    view! {
        <AdminOnly>
            <NewPersonForm/>
        </AdminOnly>
    }
}

/// The new-person form itself.
#[component]
fn NewPersonForm() -> impl IntoView {
    let action = ServerAction::<CreatePerson>::new();
    let fb = feedback(action.value());
    view! {
        <PageHeader title="Add person" subtitle="They can sign in with this e-mail and password straight away."/>
        <ActionForm action=action attr:class="card form">
            <PersonFields initial=PersonInput { role: "employee".into(), ..Default::default() } fb creating=true/>
            <div class="form-actions">
                <button type="submit" class="btn btn-primary" disabled=move || action.pending().get()>"Add person"</button>
                <a class="btn btn-ghost" href="/people">"Cancel"</a>
            </div>
        </ActionForm>
    }
    .into_any()
}

/// Admin: edit a person.
#[component]
pub fn EditPersonPage() -> impl IntoView {
    let id = person_id();
    let action = ServerAction::<UpdatePerson>::new();
    let fb = feedback(action.value());
    let detail = Resource::new(
        move || id.get(),
        |id| async move {
            match id {
                Some(id) => get_person(id).await,
                None => Err(crate::api::AppError::NotFound("That person".into())),
            }
        },
    );
    view! {
        <Loaded data=detail title="Edit person" ok=move |v| {
            match v {
                d if d.can_edit => {
                    let p = d.person;
                    let initial = PersonInput {
                        name: p.name.clone(),
                        email: p.email.clone(),
                        job_title: p.job_title.clone(),
                        role: p.role.as_str().into(),
                        unit_id: p.unit.as_ref().map(|u| u.0.to_string()).unwrap_or_default(),
                        manager_email: p.manager_email.clone().unwrap_or_default(),
                        password: String::new(),
                    };
                    view! {
                        <PageHeader title=format!("Edit {}", p.name)/>
                        <ActionForm action=action attr:class="card form">
                            <input type="hidden" name="id" value=p.id.to_string()/>
                            <PersonFields initial fb creating=false manager=p.manager.clone()/>
                            <div class="form-actions">
                                <button type="submit" class="btn btn-primary" disabled=move || action.pending().get()>"Save changes"</button>
                                <a class="btn btn-ghost" href=format!("/people/{}", p.id)>"Cancel"</a>
                            </div>
                        </ActionForm>
                    }.into_any()
                }
                _ => view! { <ErrorPanel error=crate::api::AppError::Forbidden/> }.into_any(),
            }
        }/>
    }
    .into_any()
}

#[component]
fn PersonFields(
    initial: PersonInput,
    fb: Signal<Option<Feedback>>,
    creating: bool,
    #[prop(optional)] manager: Option<Option<(PersonId, String)>>,
) -> impl IntoView {
    let units = Resource::new(|| (), |_| list_units());
    let ways = Resource::new(|| (), |_| crate::api::auth::sign_in_options());
    let unit_msg = field_message(fb, "unit_id");
    let role_msg = field_message(fb, "role");
    let selected_unit = initial.unit_id.clone();
    let selected_role = initial.role.clone();
    let manager_hint = "The person they report to. Leave empty if they report to nobody.";
    view! {
        <FormAlert feedback=fb/>
        <TextField name="input[name]" error_key="name" label="Name" value=initial.name.clone() required=true feedback=fb/>
        <TextField name="input[email]" error_key="email" label="E-mail" kind="email" value=initial.email.clone() required=true feedback=fb/>
        <TextField name="input[job_title]" error_key="job_title" label="Job title" value=initial.job_title.clone() feedback=fb/>
        <div class="field" class:field-invalid=move || role_msg.get().is_some()>
            <label for="f-role">"Role"</label>
            <select id="f-role" name="input[role]">
                {Role::ALL.into_iter().map(|r| {
                    let sel = selected_role == r.as_str();
                    view! { <option value=r.as_str() selected=sel>{r.label()}</option> }
                }).collect_view()}
            </select>
            <p class="hint">"Admins edit everything; HR viewers see every report read-only. Managers are whoever has reports."</p>
            {move || role_msg.get().map(|m| view! { <p class="field-msg">{m}</p> })}
        </div>
        <div class="field" class:field-invalid=move || unit_msg.get().is_some()>
            <label for="f-unit_id">"Unit"</label>
            <select id="f-unit_id" name="input[unit_id]">
                <option value="">"No unit"</option>
                <Suspense fallback=|| ()>
                    {
                        let selected_unit = selected_unit.clone();
                        move || {
                            let selected_unit = selected_unit.clone();
                            Suspend::new(async move {
                                units.await.unwrap_or_default().into_iter().map(|u| {
                                    let sel = selected_unit == u.id.to_string();
                                    view! { <option value=u.id.to_string() selected=sel>{unit_label(&u)}</option> }
                                }).collect_view()
                            })
                        }
                    }
                </Suspense>
            </select>
            {move || unit_msg.get().map(|m| view! { <p class="field-msg">{m}</p> })}
        </div>
        <TextField
            name="input[manager_email]"
            error_key="manager_email"
            label="Manager's e-mail"
            kind="email"
            value=initial.manager_email.clone()
            hint=manager_hint
            feedback=fb
        />
        {manager.flatten().map(|(id, name)| view! { <p class="hint">"Current manager: " <a href=format!("/people/{id}")>{name}</a></p> })}
        // With single sign-on set up, a new person needs no password.
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let sso = ways.await.ok().and_then(|w| w.sso).is_some();
                let hint = match (creating, sso) {
                    (true, true) => "Optional: without one, they sign in through your organisation's sign-in. At least 10 characters.",
                    (true, false) => "At least 10 characters. Share it safely; they can use it at once.",
                    (false, _) => "Leave empty to keep the current password.",
                };
                view! {
                    <TextField
                        name="input[password]"
                        error_key="password"
                        label=if creating { "First password" } else { "New password" }
                        kind="password"
                        autocomplete="new-password"
                        required=creating && !sso
                        hint=hint
                        feedback=fb
                    />
                }
            })}
        </Suspense>
    }
}

//! `/admin/tokens`: API tokens for the systems that call `/api/v1` (an HR system, a learning
//! system): admins make one with the scopes it needs and an expiry, copy it the one time it
//! is shown, see when each was last used, and revoke one at once.

use crate::api::admin::{load_tokens, CreateToken, RevokeToken};
use crate::domain::api_tokens::{TokenRow, TokenState, TokensPage, EXPIRY_CHOICES};
use crate::ui::components::common::{EmptyState, Loaded, PageHeader, Table};
use crate::ui::forms::{action_feedback, feedback, field_message, FormAlert, TextField};
use leptos::prelude::*;

/// The API tokens page (admins; the server refuses everyone else).
#[component]
pub fn TokensPage() -> impl IntoView {
    let create = ServerAction::<CreateToken>::new();
    let revoke = ServerAction::<RevokeToken>::new();
    let data = Resource::new(
        move || (create.version().get(), revoke.version().get()),
        |_| load_tokens(),
    );
    let create_fb = feedback(create.value());
    let revoke_fb = action_feedback(revoke.value());
    view! {
        <PageHeader title="API tokens" subtitle="What lets another system (an HR system, a learning system, a script) call Proficio's API. Give each system its own token with only the scopes it needs.">
            <a class="btn" href="/api/v1/docs">"API reference"</a>
        </PageHeader>
        <FormAlert feedback=revoke_fb/>
        <Loaded data title="API tokens" ok=move |p: TokensPage| {
            let scopes = p.scopes.clone();
            view! {
                {p.fresh.map(|f| view! { <FreshTokenCard name=f.name text=f.text/> })}
                <TokenList tokens=p.tokens revoke/>
                <section class="card token-new" aria-labelledby="new-token-h">
                    <h2 id="new-token-h">"Make a token"</h2>
                    <ActionForm action=create attr:class="form">
                        <FormAlert feedback=create_fb/>
                        <TextField name="name" label="Name" required=true feedback=create_fb
                            hint="The system that will use it, for example “Workday sync” or “LMS”."/>
                        <ScopeChoices scopes feedback=create_fb/>
                        <div class="field">
                            <label for="token-days">"Expires"</label>
                            <select id="token-days" name="days">
                                {EXPIRY_CHOICES.iter().map(|(days, label)| {
                                    let value = days.map(|d| d.to_string()).unwrap_or_default();
                                    view! { <option value=value>{*label}</option> }
                                }).collect_view()}
                            </select>
                        </div>
                        <button type="submit" class="btn btn-primary">"Make token"</button>
                    </ActionForm>
                </section>
            }
        }/>
    }
}

/// The token just made, with the one chance to copy it.
#[component]
fn FreshTokenCard(name: String, text: String) -> impl IntoView {
    view! {
        <section class="card fresh-token" aria-labelledby="fresh-token-h">
            <h2 id="fresh-token-h">{format!("Token for {name}")}</h2>
            <p>
                <strong>"Copy it now: it is never shown again."</strong>
                " Only a fingerprint of it is kept. Give it to the system as "
                <code>"Authorization: Bearer …"</code>"."
            </p>
            <label for="fresh-token-text">"Token"</label>
            <input id="fresh-token-text" class="token-text" type="text" readonly=true value=text
                spellcheck="false" autocomplete="off"/>
        </section>
    }
}

/// A checkbox per scope, with what it allows.
#[component]
fn ScopeChoices(
    scopes: Vec<(String, String)>,
    feedback: Signal<Option<crate::ui::forms::Feedback>>,
) -> impl IntoView {
    let msg = field_message(feedback, "scopes");
    view! {
        <fieldset class="field scope-choices" class:field-invalid=move || msg.get().is_some() aria-describedby="scopes-msg">
            <legend>"Scopes: what the system may do"</legend>
            {scopes.into_iter().map(|(name, meaning)| {
                let id = format!("scope-{}", name.replace(':', "-"));
                view! {
                    <label class="check">
                        <input type="checkbox" id=id name=format!("scopes[{name}]") value="on"/>
                        <span><code>{name}</code>" " <span class="muted">{meaning}</span></span>
                    </label>
                }
            }).collect_view()}
            <div id="scopes-msg">{move || msg.get().map(|m| view! { <p class="field-msg">{m}</p> })}</div>
        </fieldset>
    }
}

#[component]
fn TokenList(tokens: Vec<TokenRow>, revoke: ServerAction<RevokeToken>) -> impl IntoView {
    if tokens.is_empty() {
        return view! {
            <EmptyState title="No tokens yet"
                body="Make one below for each system that should call the API, then give it to that system."/>
        }
        .into_any();
    }
    view! {
        <Table class="token-table" headings=vec!["Name", "Token", "Scopes", "Made", "Expires", "Last used", "State", ""]>
            {tokens.into_iter().map(|t| view! { <TokenRowView t revoke/> }).collect_view()}
        </Table>
    }
    .into_any()
}

#[component]
fn TokenRowView(t: TokenRow, revoke: ServerAction<RevokeToken>) -> impl IntoView {
    let (state, class) = match t.state {
        TokenState::Live => ("Live", "badge badge-ok"),
        TokenState::Expired => ("Expired", "badge badge-off"),
        TokenState::Revoked => ("Revoked", "badge badge-off"),
    };
    let live = t.state == TokenState::Live;
    let label = format!("Revoke {}", t.name);
    view! {
        <tr>
            <th scope="row">{t.name}</th>
            <td><code>{format!("{}_…", t.prefix)}</code></td>
            <td>{t.scopes.split(',').map(|s| view! { <code class="scope">{s.to_string()}</code>" " }).collect_view()}</td>
            <td>{t.created}</td>
            <td>{t.expires}</td>
            <td>{t.last_used}</td>
            <td><span class=class>{state}</span></td>
            <td>
                {live.then(|| view! {
                    <ActionForm action=revoke attr:class="form-inline">
                        <input type="hidden" name="id" value=t.id/>
                        <button type="submit" class="btn btn-danger btn-small" aria-label=label>"Revoke"</button>
                    </ActionForm>
                })}
            </td>
        </tr>
    }
}

//! Recognition: points, badges, the unit's leaderboard (with the opt-out) and awarded
//! competencies as Open Badges 3.0 credentials.

use crate::api::recognition::{load_recognition, SetLeaderboard};
use crate::domain::recognition::{BadgeView, RecognitionPage, XP_PER_ACTIVITY, XP_PER_LEVEL};
use crate::domain::PersonId;
use crate::ui::components::common::{query_param, EmptyState, Loaded, PageHeader};
use crate::ui::forms::{action_feedback, FormAlert};
use leptos::prelude::*;

/// `/recognition` (`?person=ID` for a report's).
#[component]
pub fn RecognitionRoute() -> impl IntoView {
    let person = query_param::<PersonId>("person");
    let opt = ServerAction::<SetLeaderboard>::new();
    let data = Resource::new(
        move || (person.get(), opt.version().get()),
        |(person, _)| load_recognition(person),
    );
    view! {
        <Loaded data=data title="Recognition" ok=move |r| view! { <Recognition r opt/> }/>
    }
    .into_any()
}

/// A badge medal in SVG: earned ones in colour, the rest outlined.
fn medal(b: &BadgeView) -> impl IntoView + use<> {
    let earned = b.earned.is_some();
    let label = match &b.earned {
        Some(at) => format!("{}: earned {at}", b.badge.title()),
        None => format!("{}: not earned yet", b.badge.title()),
    };
    let title = label.clone();
    view! {
        <svg viewBox="0 0 64 64" width="64" height="64" role="img" aria-label=label class="medal" class:medal-earned=earned>
            <title>{title}</title>
            <g>
                <path d="M22 40 L16 60 L26 54 L32 62 L34 42 Z" class="medal-ribbon"/>
                <path d="M42 40 L48 60 L38 54 L32 62 L30 42 Z" class="medal-ribbon"/>
                <circle cx="32" cy="28" r="22" class="medal-disc"/>
                <circle cx="32" cy="28" r="16" class="medal-ring"/>
                <text x="32" y="35" text-anchor="middle" class="medal-symbol">{b.badge.symbol()}</text>
            </g>
        </svg>
    }
}

#[component]
fn Recognition(r: RecognitionPage, opt: ServerAction<SetLeaderboard>) -> impl IntoView {
    let fb = action_feedback(opt.value());
    let title = if r.is_me {
        "Recognition".to_string()
    } else {
        format!("{}: recognition", r.person_name)
    };
    let earned = r.badges.iter().filter(|b| b.earned.is_some()).count();
    let badges = r
        .badges
        .iter()
        .map(|b| {
            view! {
                <li class="badge-tile" class:badge-earned=b.earned.is_some() data-testid="badge">
                    {medal(b)}
                    <p class="badge-title"><strong>{b.badge.title()}</strong></p>
                    <p class="small muted">{b.badge.description()}</p>
                    <p class="small">{b.earned.clone().map(|at| format!("Earned {at}")).unwrap_or_else(|| "Not yet".into())}</p>
                </li>
            }
        })
        .collect_view();
    let recent = r
        .recent
        .iter()
        .map(|x| view! { <li><span class="xp-points">{format!("+{}", x.points)}</span>" "{x.what.clone()}<span class="small muted">{format!(" · {}", x.at)}</span></li> })
        .collect_view();
    let board = leaderboard(&r);
    let awards = if r.awards.is_empty() {
        view! { <EmptyState title="No validated levels yet" body="Levels your manager approves or rates, or that completed learning awards, appear here and can be exported as Open Badges."/> }.into_any()
    } else {
        let rows = r
            .awards
            .iter()
            .map(|a| {
                view! {
                    <li class="award-row" data-testid="award">
                        <span><strong>{a.title.clone()}</strong>{format!(" · {} · since {}", a.level, a.at)}</span>
                        <a class="btn btn-small" href=a.href.clone() download="" rel="external">"Open Badge (JSON)"</a>
                    </li>
                }
            })
            .collect_view();
        view! { <ul class="award-list">{rows}</ul> }.into_any()
    };
    view! {
        <PageHeader title=title subtitle=format!("{} points · {earned} of {} badges", r.xp, r.badges.len())/>
        <div class="stats">
            <div class="stat"><span class="stat-value" data-testid="xp">{r.xp.to_string()}</span><span class="stat-label">"Points"</span></div>
            <div class="stat"><span class="stat-value">{earned.to_string()}</span><span class="stat-label">"Badges"</span></div>
            <div class="stat"><span class="stat-value">{r.awards.len().to_string()}</span><span class="stat-label">"Validated levels"</span></div>
        </div>
        <p class="hint">{format!("Points: {XP_PER_LEVEL} for each level gained and validated, {XP_PER_ACTIVITY} for each completed activity, 20 for each badge.")}</p>
        <section class="section" aria-labelledby="badges-h">
            <h2 id="badges-h">"Badges"</h2>
            <ul class="badge-grid">{badges}</ul>
        </section>
        <div class="grid-2">
            <section class="card" aria-labelledby="board-h">
                <h2 id="board-h">{if r.unit.is_empty() { "Leaderboard".to_string() } else { format!("Leaderboard: {}", r.unit) }}</h2>
                {board}
                {(r.opted_out_count > 0).then(|| view! { <p class="small muted">{format!("{} people in this unit chose not to be listed.", r.opted_out_count)}</p> })}
                {r.is_me.then(|| view! {
                    <ActionForm action=opt attr:class="inline-form">
                        <FormAlert feedback=fb/>
                        <input type="hidden" name="choice" value=if r.opted_out { "in" } else { "out" }/>
                        <p class="small">{if r.opted_out { "You are not listed on leaderboards." } else { "You are listed on your unit's leaderboard." }}</p>
                        <button type="submit" class="btn btn-small">{if r.opted_out { "List me again" } else { "Leave the leaderboard" }}</button>
                    </ActionForm>
                })}
            </section>
            <section class="card" aria-labelledby="recent-h">
                <h2 id="recent-h">"Recent points"</h2>
                {if r.recent.is_empty() {
                    view! { <p class="muted small">"No points yet: self-assess, finish learning, and have levels validated."</p> }.into_any()
                } else {
                    view! { <ul class="plain-list xp-list">{recent}</ul> }.into_any()
                }}
            </section>
        </div>
        <section class="card" aria-labelledby="awards-h">
            <h2 id="awards-h">"Awarded competencies"</h2>
            <p class="small muted">"Each exports as an Open Badges 3.0 credential aligned to the competency (with its CASE identifier when it has one)."</p>
            {awards}
        </section>
    }
    .into_any()
}

/// The unit's leaderboard: points as bars, the caller's row marked.
fn leaderboard(r: &RecognitionPage) -> AnyView {
    if r.unit.is_empty() {
        view! { <p class="muted small">"Leaderboards are per org unit; this person is in none."</p> }.into_any()
    } else if r.leaderboard.is_empty() {
        view! { <p class="muted small">"Nobody in this unit is listed."</p> }.into_any()
    } else {
        let top = r.leaderboard.iter().map(|l| l.xp).max().unwrap_or(1).max(1);
        let rows = r
            .leaderboard
            .iter()
            .map(|l| {
                let w = f64::from(l.xp) / f64::from(top) * 100.0;
                view! {
                    <tr class:leader-me=l.is_me data-testid="leader-row">
                        <td class="num">{l.rank.to_string()}</td>
                        <th scope="row">{l.name.clone()}{l.is_me.then_some(" (you)")}</th>
                        <td class="num">{l.xp.to_string()}</td>
                        <td class="leader-bar-cell" aria-hidden="true">
                            <svg viewBox="0 0 100 10" width="120" height="10" preserveAspectRatio="none"><g><rect x="0" y="0" width=format!("{w:.1}") height="10" rx="3" class="leader-bar"/></g></svg>
                        </td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <div class="table-scroll" tabindex="0" role="region" aria-label="Leaderboard">
            <table class="table leaderboard">
                <caption class="sr-only">{format!("Points in {}", r.unit)}</caption>
                <thead><tr><th scope="col">"Rank"</th><th scope="col">"Person"</th><th scope="col">"Points"</th><th scope="col"><span class="sr-only">"Bar"</span></th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
            </div>
        }
        .into_any()
    }
}

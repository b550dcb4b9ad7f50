//! The development plan (goals with target levels, planned activities, comments and
//! approval) and the manager's or mentor's checks.

use crate::api::plans::{
    load_checks, load_plan, AddGoal, CommentPlan, DecideCompletion, DecidePlan, DropAction,
    ReportDone, SetGoalStatus, SetMentor, StartGoalsFromGaps, SubmitPlan, UpdateGoal,
};
use crate::domain::develop::{
    ActionStatus, ActionView, GoalState, GoalView, PendingCheck, PlanPage, PlanState,
};
use crate::domain::positions::level_text;
use crate::domain::PersonId;
use crate::ui::components::common::{query_param, EmptyState, Loaded, LoadedList, PageHeader};
use crate::ui::components::slider::LevelSlider;
use crate::ui::forms::{action_feedback, FormAlert};
use crate::ui::pages::learning::kind_badge;
use leptos::prelude::*;

/// Every action the plan page offers; the page reloads its data after any of them.
#[derive(Clone, Copy)]
struct PlanActions {
    add_goal: ServerAction<AddGoal>,
    update_goal: ServerAction<UpdateGoal>,
    goal_status: ServerAction<SetGoalStatus>,
    from_gaps: ServerAction<StartGoalsFromGaps>,
    drop_action: ServerAction<DropAction>,
    mentor: ServerAction<SetMentor>,
    report: ServerAction<ReportDone>,
    submit: ServerAction<SubmitPlan>,
    decide: ServerAction<DecidePlan>,
    comment: ServerAction<CommentPlan>,
}

impl PlanActions {
    fn new() -> Self {
        PlanActions {
            add_goal: ServerAction::new(),
            update_goal: ServerAction::new(),
            goal_status: ServerAction::new(),
            from_gaps: ServerAction::new(),
            drop_action: ServerAction::new(),
            mentor: ServerAction::new(),
            report: ServerAction::new(),
            submit: ServerAction::new(),
            decide: ServerAction::new(),
            comment: ServerAction::new(),
        }
    }
    fn version(&self) -> usize {
        self.add_goal.version().get()
            + self.update_goal.version().get()
            + self.goal_status.version().get()
            + self.from_gaps.version().get()
            + self.drop_action.version().get()
            + self.mentor.version().get()
            + self.report.version().get()
            + self.submit.version().get()
            + self.decide.version().get()
            + self.comment.version().get()
    }
}

/// `/plan` (`?person=ID` for a report's).
#[component]
pub fn PlanRoute() -> impl IntoView {
    let person = query_param::<PersonId>("person");
    let acts = PlanActions::new();
    let data = Resource::new(
        move || (person.get(), acts.version()),
        |(person, _)| load_plan(person),
    );
    view! {
        <Loaded data=data title="Development plan" ok=move |p| view! { <Plan p acts/> }/>
    }
    .into_any()
}

fn state_badge(state: PlanState) -> impl IntoView {
    let class = match state {
        PlanState::Draft => "badge",
        PlanState::Submitted => "badge badge-warn",
        PlanState::Approved => "badge badge-ok",
        PlanState::Changes => "badge badge-danger",
    };
    view! { <span class=class data-testid="plan-state">{state.label()}</span> }
}

#[component]
fn Plan(p: PlanPage, acts: PlanActions) -> impl IntoView {
    let title = if p.is_me {
        "My development plan".to_string()
    } else {
        format!("{}: development plan", p.person_name)
    };
    let person_q = if p.is_me {
        String::new()
    } else {
        format!("&person={}", p.person)
    };
    let has_open = p.goals.iter().any(|g| {
        matches!(
            g.state,
            GoalState::NotStarted | GoalState::InProgress | GoalState::Overdue
        )
    });
    let close_href = format!(
        "/learning/close-gap?scope={}{person_q}",
        if has_open { "plan" } else { "position" }
    );
    let subtitle = if p.updated.is_empty() {
        "Not started yet".to_string()
    } else {
        format!("Updated {}", p.updated)
    };
    let stats = p
        .counts
        .iter()
        .map(|(s, n)| {
            view! {
                <div class=format!("stat goal-stat {}", s.class())>
                    <span class="stat-value">{n.to_string()}</span>
                    <span class="stat-label">{s.label()}</span>
                </div>
            }
        })
        .collect_view();
    let reminders = (!p.reminders.is_empty()).then(|| {
        let items = p
            .reminders
            .iter()
            .map(|r| view! { <li>{r.clone()}</li> })
            .collect_view();
        view! {
            <div class="alert alert-warn reminders" role="status" data-testid="reminders">
                <span class="alert-icon" aria-hidden="true">"!"</span>
                <div><strong>"Reminders"</strong><ul class="plain-list">{items}</ul></div>
            </div>
        }
    });
    let person = (!p.is_me).then_some(p.person);
    view! {
        <PageHeader title=title subtitle=subtitle>
            <a class="btn btn-primary" href=close_href data-testid="close-gap-plan">"Close my gap"</a>
            <a class="btn" href=format!("/recognition{}", person_q.replacen('&', "?", 1))>"Recognition"</a>
        </PageHeader>
        {reminders}
        <div class="stats goal-stats">{stats}</div>
        <Approval p=p.clone() acts/>
        <Goals p=p.clone() acts person/>
        <Actions p=p.clone() acts/>
        <Comments p acts person/>
    }
    .into_any()
}

#[component]
fn Approval(p: PlanPage, acts: PlanActions) -> impl IntoView {
    let submit_fb = action_feedback(acts.submit.value());
    let decide_fb = action_feedback(acts.decide.value());
    let ask = (p.is_me && matches!(p.state, PlanState::Draft | PlanState::Changes)).then(|| {
        view! {
            <ActionForm action=acts.submit attr:class="inline-form">
                <button type="submit" class="btn">"Ask my manager to approve"</button>
            </ActionForm>
        }
    });
    let decide = (p.is_manager && p.state == PlanState::Submitted).then(|| {
        view! {
            <ActionForm action=acts.decide attr:class="form decide-plan">
                <input type="hidden" name="person" value=p.person.to_string()/>
                <div class="field">
                    <label for="plan-decision-comment">"Comment (needed to ask for changes)"</label>
                    <textarea id="plan-decision-comment" name="comment" rows="2"></textarea>
                </div>
                <div class="form-actions">
                    <button type="submit" name="decision" value="approve" class="btn btn-primary">"Approve plan"</button>
                    <button type="submit" name="decision" value="changes" class="btn">"Ask for changes"</button>
                </div>
            </ActionForm>
        }
    });
    let note = match p.state {
        PlanState::Draft => "A draft: only you and your managers see it. Ask your manager to approve it when the goals are set.",
        PlanState::Submitted => "Waiting for your manager's approval.",
        PlanState::Approved => "Approved by your manager. Changing the goals makes it a draft again.",
        PlanState::Changes => "Your manager asked for changes: see the comments below.",
    };
    view! {
        <section class="card approval-card" aria-labelledby="approval-h">
            <h2 id="approval-h">"Approval " {state_badge(p.state)}</h2>
            <p class="small muted">{note}</p>
            <FormAlert feedback=submit_fb/>
            <FormAlert feedback=decide_fb/>
            {ask}
            {decide}
        </section>
    }
    .into_any()
}

/// Current level against the target on the scale, as an SVG bar with the number written.
fn progress_bar(g: &GoalView) -> impl IntoView + use<> {
    let top = g
        .levels
        .iter()
        .map(|l| l.level)
        .max()
        .unwrap_or(g.target)
        .max(1);
    let w = 240.0;
    let x = |l: u8| f64::from(l) / f64::from(top) * w;
    let label = format!(
        "Level {} of target {} ({}% of the way)",
        g.current, g.target, g.progress
    );
    let title = label.clone();
    view! {
        <svg class="goal-bar" viewBox="0 0 250 22" width="250" height="22" role="img" aria-label=label>
            <title>{title}</title>
            <rect x="0" y="6" width=format!("{w}") height="10" rx="5" class="goal-bar-track"/>
            <rect x="0" y="6" width=format!("{:.1}", x(g.current)) height="10" rx="5" class=format!("goal-bar-fill {}", g.state.class())/>
            <line x1=format!("{:.1}", x(g.target)) x2=format!("{:.1}", x(g.target)) y1="2" y2="20" class="goal-bar-target"/>
        </svg>
    }
}

#[component]
fn Goals(p: PlanPage, acts: PlanActions, person: Option<PersonId>) -> impl IntoView {
    let editable = p.is_me || p.is_manager;
    let update_fb = action_feedback(acts.update_goal.value());
    let status_fb = action_feedback(acts.goal_status.value());
    let items = p
        .goals
        .iter()
        .map(|g| {
            let (cur_name, _) = level_text(&g.levels, g.current);
            let (target_name, _) = level_text(&g.levels, g.target);
            let live = matches!(g.state, GoalState::NotStarted | GoalState::InProgress | GoalState::Overdue);
            let edit = (editable && live).then(|| {
                let label = format!("Target level in {}", g.title);
                let (gid, levels, target, current) = (g.id, g.levels.clone(), g.target, g.current);
                let (due, note) = (g.due.clone().unwrap_or_default(), g.note.clone());
                view! {
                    <details class="goal-edit">
                        <summary>"Change target or date"</summary>
                        <ActionForm action=acts.update_goal attr:class="form">
                            <input type="hidden" name="goal" value=gid.to_string()/>
                            <LevelSlider name="target" id=format!("goal-target-{gid}") label=label levels value=target mark=(current, "Now")/>
                            <div class="field">
                                <label for=format!("goal-due-{gid}")>"Due date"</label>
                                <input id=format!("goal-due-{gid}") type="date" name="due" value=due/>
                            </div>
                            <div class="field">
                                <label for=format!("goal-note-{gid}")>"Note"</label>
                                <input id=format!("goal-note-{gid}") type="text" name="note" value=note/>
                            </div>
                            <button type="submit" class="btn btn-small btn-primary">"Save goal"</button>
                        </ActionForm>
                    </details>
                }
            });
            let status_form = editable.then(|| {
                let (value, text) = if g.state == GoalState::Dropped { ("open", "Open again") } else { ("dropped", "Drop goal") };
                let (gid, label) = (g.id, format!("{text}: {}", g.title));
                (live || g.state == GoalState::Dropped).then(|| view! {
                    <ActionForm action=acts.goal_status attr:class="inline-form">
                        <input type="hidden" name="goal" value=gid.to_string()/>
                        <input type="hidden" name="status" value=value/>
                        <button type="submit" class="btn btn-small btn-ghost" aria-label=label>{text}</button>
                    </ActionForm>
                })
            });
            view! {
                <li class=format!("card goal-card {}", g.state.class()) data-testid="goal">
                    <p class="crumbs small muted">{g.path.join(" › ")}</p>
                    <div class="goal-head">
                        <h3>{g.title.clone()}</h3>
                        <span class=format!("badge goal-state {}", g.state.class()) data-testid="goal-state">{g.state.label()}</span>
                    </div>
                    {progress_bar(g)}
                    <p class="small">{format!("Now: {cur_name} · target: {target_name}")}
                        {(!g.due_text.is_empty()).then(|| format!(" · {}", g.due_text))}</p>
                    {(!g.note.is_empty()).then(|| view! { <p class="small muted">{g.note.clone()}</p> })}
                    <div class="goal-actions">{edit}{status_form}</div>
                </li>
            }
        })
        .collect_view();
    let body = if p.goals.is_empty() {
        view! { <EmptyState title="No goals yet" body="Start from the gaps to your position in one click, or add a goal on a competency below."/> }.into_any()
    } else {
        view! { <ul class="goal-list">{items}</ul> }.into_any()
    };
    view! {
        <section class="section" aria-labelledby="goals-h">
            <div class="section-head"><h2 id="goals-h">"Goals"</h2></div>
            <FormAlert feedback=update_fb/>
            <FormAlert feedback=status_fb/>
            {body}
            {editable.then(|| view! { <AddGoals p=p.clone() acts person/> })}
        </section>
    }
    .into_any()
}

#[component]
fn AddGoals(p: PlanPage, acts: PlanActions, person: Option<PersonId>) -> impl IntoView {
    let add_fb = action_feedback(acts.add_goal.value());
    let gaps_fb = action_feedback(acts.from_gaps.value());
    let options = StoredValue::new(p.options.clone());
    let first = p.options.first().map(|o| o.node);
    let chosen = RwSignal::new(first);
    let choices = p
        .options
        .iter()
        .map(|o| view! { <option value=o.node.to_string()>{o.title.clone()}</option> })
        .collect_view();
    let person_field =
        move || person.map(|p| view! { <input type="hidden" name="person" value=p.to_string()/> });
    view! {
        <div class="grid-2 add-goals">
            <div class="card">
                <h3>"Start from my gaps"</h3>
                <p class="small muted">"One goal for each requirement not yet met, at the required level."</p>
                <FormAlert feedback=gaps_fb/>
                {move || acts.from_gaps.value().get().and_then(|r| r.ok()).map(|n| view! {
                    <p class="alert alert-ok" role="status">{format!("Added {n} goal{}.", if n == 1 { "" } else { "s" })}</p>
                })}
                <ActionForm action=acts.from_gaps attr:class="form">
                    {person_field}
                    <div class="field">
                        <label for="gaps-due">"Due date for these goals (optional)"</label>
                        <input id="gaps-due" type="date" name="due"/>
                    </div>
                    <div class="form-actions">
                        <button type="submit" name="scope" value="position" class="btn" disabled=!p.has_gaps>"Gaps to my position"</button>
                        <button type="submit" name="scope" value="target" class="btn" disabled=!p.has_gaps>"Gaps to my target position"</button>
                    </div>
                </ActionForm>
            </div>
            <div class="card">
                <h3>"Add a goal"</h3>
                <FormAlert feedback=add_fb/>
                {if p.options.is_empty() {
                    view! { <p class="small muted">"Goals are set on the requirements of your position and target position; there are none left without a goal."</p> }.into_any()
                } else {
                    view! {
                        <ActionForm action=acts.add_goal attr:class="form">
                            {person_field}
                            <div class="field">
                                <label for="goal-node">"Competency or skill"</label>
                                <select id="goal-node" name="node" on:change=move |ev| chosen.set(event_target_value(&ev).parse().ok())>{choices}</select>
                            </div>
                            {move || {
                                let levels = options.with_value(|o| o.iter().find(|x| Some(x.node) == chosen.get()).map(|x| x.levels.clone()).unwrap_or_default());
                                let top = levels.iter().map(|l| l.level).max().unwrap_or(1);
                                view! { <LevelSlider name="target" id="goal-target" label="Target level" levels value=top.min(3)/> }
                            }}
                            <div class="field">
                                <label for="goal-due">"Due date (optional)"</label>
                                <input id="goal-due" type="date" name="due"/>
                            </div>
                            <div class="field">
                                <label for="goal-note">"Note (optional)"</label>
                                <input id="goal-note" type="text" name="note"/>
                            </div>
                            <button type="submit" class="btn btn-primary">"Add goal"</button>
                        </ActionForm>
                    }.into_any()
                }}
            </div>
        </div>
    }
    .into_any()
}

#[component]
fn Actions(p: PlanPage, acts: PlanActions) -> impl IntoView {
    let report_fb = action_feedback(acts.report.value());
    let mentor_fb = action_feedback(acts.mentor.value());
    let drop_fb = action_feedback(acts.drop_action.value());
    let editable = p.is_me || p.is_manager;
    let items = p
        .actions
        .iter()
        .map(|a| view! { <ActionCard a=a.clone() is_me=p.is_me editable acts/> })
        .collect_view();
    let body = if p.actions.is_empty() {
        view! { <EmptyState title="No activities planned" body="Press \u{201c}Close my gap\u{201d} for the shortest set of courses and tasks that closes your gaps, or browse the learning catalogue."/> }.into_any()
    } else {
        view! { <ul class="action-list">{items}</ul> }.into_any()
    };
    view! {
        <section class="section" aria-labelledby="actions-h">
            <div class="section-head">
                <h2 id="actions-h">"Learning activities"</h2>
                <a class="btn btn-small" href="/learning">"Browse the catalogue"</a>
            </div>
            <FormAlert feedback=report_fb/>
            <FormAlert feedback=mentor_fb/>
            <FormAlert feedback=drop_fb/>
            {body}
        </section>
    }
    .into_any()
}

#[component]
fn ActionCard(a: ActionView, is_me: bool, editable: bool, acts: PlanActions) -> impl IntoView {
    let status_class = match a.status {
        ActionStatus::Completed => "badge badge-ok",
        ActionStatus::Submitted => "badge badge-warn",
        ActionStatus::Returned => "badge badge-danger",
        _ => "badge",
    };
    let provides = a
        .provides
        .iter()
        .map(|(t, l)| view! { <li><strong>{t.clone()}</strong>" \u{2192} "{l.clone()}</li> })
        .collect_view();
    let has_mentor = a.mentor.is_some();
    let old_report = a.report.clone();
    let drop_label = format!("Remove {} from the plan", a.title);
    let confirm_mentor = !is_me && has_mentor && !a.mentor_confirmed;
    let mentor_open =
        a.status.can_report() || (confirm_mentor && a.status == ActionStatus::Submitted);
    let mentor_form = (editable && a.kind.needs_mentor() && mentor_open).then(|| {
        view! {
            <ActionForm action=acts.mentor attr:class="inline-form">
                <input type="hidden" name="id" value=a.id.to_string()/>
                <label for=format!("mentor-{}", a.id)>"Mentor's e-mail"</label>
                <input id=format!("mentor-{}", a.id) type="email" name="mentor" placeholder="mentor@northwind.example"/>
                <button type="submit" class="btn btn-small">{if confirm_mentor { "Confirm mentor" } else if has_mentor { "Change mentor" } else { "Set mentor" }}</button>
            </ActionForm>
        }
    });
    let report_form = (is_me && a.status.can_report()).then(|| {
        let verb = if a.kind.needs_mentor() { "Send to my mentor for sign-off" } else { "Mark complete" };
        view! {
            <details class="report-done" open=a.status == ActionStatus::Returned>
                <summary>"I have done this"</summary>
                <ActionForm action=acts.report attr:class="form">
                    <input type="hidden" name="id" value=a.id.to_string()/>
                    <div class="field">
                        <label for=format!("report-{}", a.id)>"What you did"</label>
                        <textarea id=format!("report-{}", a.id) name="report" rows="2" placeholder="What you learned or built; for a course, when you finished it.">{old_report}</textarea>
                    </div>
                    <div class="field">
                        <label for=format!("evidence-{}", a.id)>"Link to evidence (certificate, work sample)"</label>
                        <input id=format!("evidence-{}", a.id) type="url" name="evidence_url" value=a.evidence_url.clone() placeholder="https://"/>
                    </div>
                    <button type="submit" class="btn btn-primary btn-small">{verb}</button>
                </ActionForm>
            </details>
        }
    });
    let drop = (editable && !matches!(a.status, ActionStatus::Completed)).then(|| {
        view! {
            <ActionForm action=acts.drop_action attr:class="inline-form">
                <input type="hidden" name="id" value=a.id.to_string()/>
                <button type="submit" class="btn btn-small btn-ghost" aria-label=drop_label>"Remove"</button>
            </ActionForm>
        }
    });
    let meta = format!(
        "{}{}{}",
        a.provider,
        if a.provider.is_empty() { "" } else { " · " },
        a.duration
    );
    view! {
        <li class="card action-card" data-testid="plan-action">
            <div class="activity-head">
                <h3 class="activity-title"><a href=format!("/learning/{}", a.activity)>{a.title.clone()}</a></h3>
                {kind_badge(a.kind)}
                <span class=status_class data-testid="action-status">{a.status_label.clone()}</span>
            </div>
            <p class="small muted">{meta}
                {a.mentor.clone().map(|m| format!(" · mentor: {m}"))}
                {(has_mentor && !a.mentor_confirmed).then_some(" (waiting for the manager to confirm the mentor)")}</p>
            {(!a.provides.is_empty()).then(|| view! { <p class="small">"Awards on completion:"</p><ul class="provides">{provides}</ul> })}
            {(!a.history.is_empty()).then(|| view! { <p class="small muted">{a.history.clone()}</p> })}
            {(!a.feedback.is_empty()).then(|| view! { <p class="alert alert-warn small">{format!("\u{201c}{}\u{201d}", a.feedback)}</p> })}
            {(a.status == ActionStatus::Submitted && !a.report.is_empty()).then(|| view! { <p class="small">{format!("Reported: {}", a.report)}</p> })}
            {mentor_form}
            {report_form}
            {drop}
        </li>
    }
    .into_any()
}

#[component]
fn Comments(p: PlanPage, acts: PlanActions, person: Option<PersonId>) -> impl IntoView {
    let fb = action_feedback(acts.comment.value());
    let items = p
        .comments
        .iter()
        .map(|c| {
            view! {
                <li class="comment">
                    <p class="small muted"><strong>{c.author.clone()}</strong>{format!(" · {}", c.at)}</p>
                    <p>{c.body.clone()}</p>
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="card" aria-labelledby="comments-h">
            <h2 id="comments-h">"Comments"</h2>
            {if p.comments.is_empty() {
                view! { <p class="muted small">"No comments yet. Managers and you can discuss the plan here."</p> }.into_any()
            } else {
                view! { <ul class="comment-list">{items}</ul> }.into_any()
            }}
            {(p.is_me || p.is_manager).then(|| view! {
                <ActionForm action=acts.comment attr:class="form">
                    <FormAlert feedback=fb/>
                    {person.map(|p| view! { <input type="hidden" name="person" value=p.to_string()/> })}
                    <div class="field">
                        <label for="plan-comment">"Add a comment"</label>
                        <textarea id="plan-comment" name="body" rows="2"></textarea>
                    </div>
                    <button type="submit" class="btn btn-small">"Comment"</button>
                </ActionForm>
            })}
        </section>
    }
    .into_any()
}

/// `/plan/checks`: plans to approve, completions to confirm and on-the-job tasks to sign off.
#[component]
pub fn ChecksPage() -> impl IntoView {
    let decide = ServerAction::<DecideCompletion>::new();
    let plan = ServerAction::<DecidePlan>::new();
    let data = Resource::new(
        move || (decide.version().get(), plan.version().get()),
        |_| load_checks(),
    );
    let fb = action_feedback(decide.value());
    let plan_fb = action_feedback(plan.value());
    view! {
        <PageHeader title="Development checks" subtitle="Plans waiting for approval, completed learning to confirm, on-the-job tasks to sign off"/>
        <FormAlert feedback=fb/>
        <FormAlert feedback=plan_fb/>
        {move || decide.value().get().and_then(|r| r.ok()).map(|n| view! {
            <p class="alert alert-ok" role="status">{format!("Done. {n} level{} awarded.", if n == 1 { "" } else { "s" })}</p>
        })}
        <LoadedList data empty_title="Nothing waiting"
            empty_body="When someone in your team reports learning done or asks you to approve their plan, it appears here."
            ok=move |items| {
                let rows = items.into_iter().map(|c| view! { <Check c decide plan/> }).collect_view();
                view! { <ul class="review-list checks">{rows}</ul> }
            }/>
    }
    .into_any()
}

#[component]
fn Check(
    c: PendingCheck,
    decide: ServerAction<DecideCompletion>,
    plan: ServerAction<DecidePlan>,
) -> impl IntoView {
    let plan_href = format!("/plan?person={}", c.person);
    let body = match c.action {
        Some(action) => {
            let (yes, what) = if c.as_mentor {
                ("Sign off", "On-the-job task (you are the mentor)")
            } else {
                ("Confirm completion", "Completed learning")
            };
            view! {
                <div class="review-main">
                    <p><strong>{c.person_name.clone()}</strong>" · "{c.what.clone()}</p>
                    <p class="small muted">{format!("{what} · reported {}", c.at)}</p>
                    {(!c.report.is_empty()).then(|| view! { <p class="small">{format!("\u{201c}{}\u{201d}", c.report)}</p> })}
                    {(!c.evidence_url.is_empty()).then(|| view! { <p class="small"><a href=c.evidence_url.clone() rel="noopener noreferrer" target="_blank">"Evidence"</a></p> })}
                </div>
                <ActionForm action=decide attr:class="review-actions form">
                    <input type="hidden" name="id" value=action.to_string()/>
                    <input type="text" name="feedback" placeholder="Feedback (needed to ask for more)" aria-label=format!("Feedback for {} on {}", c.person_name, c.what)/>
                    <button type="submit" name="decision" value="confirm" class="btn btn-small btn-primary">{yes}</button>
                    <button type="submit" name="decision" value="more" class="btn btn-small">"Ask for more"</button>
                </ActionForm>
            }
            .into_any()
        }
        None => view! {
            <div class="review-main">
                <p><strong>{c.person_name.clone()}</strong>" · "{c.what.clone()}</p>
                <p class="small muted">{format!("Submitted {}", c.at)}" · "<a href=plan_href>"Read the plan"</a></p>
            </div>
            <ActionForm action=plan attr:class="review-actions form">
                <input type="hidden" name="person" value=c.person.to_string()/>
                <input type="text" name="comment" placeholder="Comment (needed to ask for changes)" aria-label=format!("Comment on {}'s plan", c.person_name)/>
                <button type="submit" name="decision" value="approve" class="btn btn-small btn-primary">"Approve plan"</button>
                <button type="submit" name="decision" value="changes" class="btn btn-small">"Ask for changes"</button>
            </ActionForm>
        }
        .into_any(),
    };
    view! { <li class="review-item check-item" data-testid="check">{body}</li> }.into_any()
}

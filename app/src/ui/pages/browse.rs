//! The read-only framework browser: the latest published version, for everyone signed in,
//! with the tier diagram of building-blocks models.

use crate::api::frameworks::published_framework;
use crate::domain::framework::Track;
use crate::domain::tree::NodeKind;
use crate::domain::versions::{Snapshot, SnapshotNode};
use crate::domain::FrameworkId;
use crate::ui::components::common::{id_param, LevelGrid, Loaded, PageHeader};
use leptos::prelude::*;

/// `/frameworks/:id/view`.
#[component]
pub fn BrowsePage() -> impl IntoView {
    let id = id_param::<FrameworkId>();
    let data = Resource::new(
        move || id.get(),
        |id| async move {
            match id {
                Some(id) => published_framework(id).await,
                None => Err(crate::api::AppError::NotFound("That framework".into())),
            }
        },
    );
    view! {
        <Loaded data title="Framework" ok=move |(v, s)| view! {
            <PageHeader
                title=s.name.clone()
                subtitle=format!("Version {} · published {} by {}", v.number, v.published_at, v.published_by)
            />
            <p class="lead">{s.description.clone()}</p>
            <TierDiagram s=s.clone()/>
            <Sections s/>
        }/>
    }
    .into_any()
}

fn children<'a>(s: &'a Snapshot, parent: Option<&str>) -> Vec<&'a SnapshotNode> {
    let mut v: Vec<&SnapshotNode> = s
        .nodes
        .iter()
        .filter(|n| n.parent.as_deref() == parent)
        .collect();
    v.sort_by_key(|n| n.position);
    v
}

fn anchor(n: &SnapshotNode) -> String {
    let slug: String = n
        .external_id
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    format!("n-{slug}")
}

/// The top-level categories stacked as a pyramid, the first (foundational) at the bottom,
/// each block a link to its section. Only drawn when the top level is all categories.
#[component]
fn TierDiagram(s: Snapshot) -> impl IntoView {
    let tiers = children(&s, None);
    if tiers.len() < 2 || tiers.iter().any(|t| t.kind != NodeKind::Category) {
        return ().into_any();
    }
    let n = tiers.len();
    let (w, h, gap) = (640.0_f64, 58.0_f64, 6.0_f64);
    let total = h * n as f64;
    let width_at = |y: f64| w * (0.3 + 0.7 * (y / total));
    let shades = [
        "#2c3aa6", "#3b4cca", "#5563d6", "#7480e0", "#97a0ea", "#b5bcf0",
    ];
    let blocks = tiers
        .iter()
        .enumerate()
        .map(|(i, t)| {
            // i = 0 is the foundation: drawn at the bottom.
            let row = n - 1 - i;
            let (y0, y1) = (row as f64 * h + gap / 2.0, (row + 1) as f64 * h - gap / 2.0);
            let (w0, w1) = (width_at(y0), width_at(y1));
            let cx = w / 2.0;
            let points = format!(
                "{:.1},{y0:.1} {:.1},{y0:.1} {:.1},{y1:.1} {:.1},{y1:.1}",
                cx - w0 / 2.0,
                cx + w0 / 2.0,
                cx + w1 / 2.0,
                cx - w1 / 2.0
            );
            let fill = shades[i.min(shades.len() - 1)];
            let text_fill = if i < 3 { "#ffffff" } else { "#17202e" };
            let count = children(&s, Some(&t.external_id)).len();
            let label = format!("{} ({count})", t.title);
            // The <g> puts the <a> in SVG context: a root-level <a> would be built as an HTML
            // anchor, which is invalid inside <svg> and vanishes when the page hydrates.
            view! {
                <g>
                    <a href=format!("#{}", anchor(t)) aria-label=format!("{}: {count} competencies", t.title)>
                        <polygon points=points fill=fill class="tier-block"/>
                        <text x=cx y=(y0 + y1) / 2.0 + 5.0 text-anchor="middle" fill=text_fill class="tier-label">{label}</text>
                    </a>
                </g>
            }
        })
        .collect_view();
    view! {
        <figure class="card tiers">
            <svg viewBox=format!("0 0 {w} {total}") role="group" aria-label="Tiers of the model, foundation at the bottom" class="tier-svg">
                {blocks}
            </svg>
            <figcaption class="muted small">"Tiers from the foundation (bottom) to the most specific (top). Select a tier to read its competencies."</figcaption>
        </figure>
    }
    .into_any()
}

#[component]
fn Sections(s: Snapshot) -> impl IntoView {
    let top = children(&s, None);
    let scale = s.scale.clone();
    top.into_iter()
        .map(|t| {
            let items = children(&s, Some(&t.external_id));
            let own = t.kind != NodeKind::Category;
            view! {
                <section class="card browse-section" id=anchor(t) aria-labelledby=format!("{}-h", anchor(t))>
                    <h2 id=format!("{}-h", anchor(t))>{t.title.clone()}</h2>
                    {(!t.definition.is_empty()).then(|| view! { <p>{t.definition.clone()}</p> })}
                    {own.then(|| view! { <Levels n=t.clone() scale=scale.clone()/> })}
                    <ul class="browse-list">
                        {items.into_iter().map(|c| {
                            let skills: Vec<String> = children(&s, Some(&c.external_id)).into_iter().map(|k| k.title.clone()).collect();
                            view! {
                                <li id=anchor(c)>
                                    <h3>
                                        {(!c.short_code.is_empty()).then(|| view! { <span class="code">{c.short_code.clone()}</span> })}
                                        {c.title.clone()}
                                    </h3>
                                    {(!c.definition.is_empty()).then(|| view! { <p>{c.definition.clone()}</p> })}
                                    {(!skills.is_empty()).then(|| view! { <p class="muted small">"Skills: " {skills.join(", ")}</p> })}
                                    <Levels n=c.clone() scale=scale.clone()/>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                </section>
            }
        })
        .collect_view()
}

/// The level descriptions of a node, folded away until asked for.
#[component]
fn Levels(n: SnapshotNode, scale: crate::domain::scale::Scale) -> impl IntoView {
    if n.level_descriptions.is_empty() {
        return ().into_any();
    }
    let describe = move |t: Track, l: u8| {
        n.level_descriptions
            .iter()
            .find(|d| d.0 == t && d.1 == l)
            .map(|d| d.2.clone())
            .unwrap_or_default()
    };
    view! {
        <details class="levels">
            <summary>"Level descriptions"</summary>
            <LevelGrid scale cell=move |t, l, _| describe(t, l).into_any()/>
        </details>
    }
    .into_any()
}

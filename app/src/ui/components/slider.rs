//! The level slider: a native range input whose value text is the level's name, with the
//! level's description (for the relevant track) shown under it and updated as it moves.
//! Without JavaScript it is still a working form control; the text shows the saved level.

use crate::domain::positions::{level_text, LevelText};
use leptos::prelude::*;

/// A labelled level slider for the form field `name`.
#[component]
pub fn LevelSlider(
    /// Form field name.
    #[prop(into)]
    name: String,
    /// Element id (unique on the page).
    #[prop(into)]
    id: String,
    /// Visible label.
    #[prop(into)]
    label: String,
    /// The scale's levels with their descriptions.
    levels: Vec<LevelText>,
    /// Starting level.
    value: u8,
    /// The lowest level the slider offers (1 for requirements, 0 for ratings).
    #[prop(default = 1)]
    min: u8,
    /// A level to mark on the track (the required level, the threshold).
    #[prop(optional)]
    mark: Option<(u8, &'static str)>,
    /// Called with the new level while it moves.
    #[prop(optional)]
    on_change: Option<Callback<u8>>,
) -> impl IntoView {
    let top = levels.iter().map(|l| l.level).max().unwrap_or(1).max(min);
    let (level, set_level) = signal(value.clamp(min, top));
    let levels = StoredValue::new(levels);
    let text = move || levels.with_value(|ls| level_text(ls, level.get()));
    let desc_id = format!("{id}-text");
    let list_id = format!("{id}-marks");
    let marks = (min..=top)
        .map(|l| view! { <option value=l.to_string()></option> })
        .collect_view();
    let mark_view = mark
        .filter(|(m, _)| (min..=top).contains(m))
        .map(|(m, what)| {
            let span = f32::from(top - min).max(1.0);
            let left = format!(
                "left: calc({:.2}% - 1px)",
                f32::from(m - min) * 100.0 / span
            );
            view! {
                <span class="slider-mark" style=left title=format!("{what}: level {m}")>
                    <span class="sr-only">{format!("{what}: level {m}")}</span>
                </span>
            }
        });
    view! {
        <div class="level-slider">
            <label for=id.clone()>{label}</label>
            <div class="slider-track">
                <input
                    type="range"
                    id=id.clone()
                    name=name
                    min=min.to_string()
                    max=top.to_string()
                    step="1"
                    list=list_id.clone()
                    value=value.clamp(min, top).to_string()
                    aria-valuetext=move || text().0
                    aria-describedby=desc_id.clone()
                    on:input=move |ev| {
                        if let Ok(v) = event_target_value(&ev).parse::<u8>() {
                            set_level.set(v);
                            if let Some(cb) = on_change {
                                cb.run(v);
                            }
                        }
                    }
                />
                {mark_view}
                <datalist id=list_id>{marks}</datalist>
            </div>
            <p class="slider-text" id=desc_id aria-live="polite" data-testid="level-text">
                <strong>{move || text().0}</strong>
                " "
                <span>{move || text().1}</span>
            </p>
        </div>
    }
}

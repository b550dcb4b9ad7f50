//! Charts drawn as SVG on the server, so they render without JavaScript.

use leptos::prelude::*;

/// A horizontal bar chart of labelled counts, with the figure at the end of each bar.
#[component]
pub fn BarChart(
    /// Accessible title of the chart.
    #[prop(into)]
    title: String,
    /// (label, value) rows, in display order.
    rows: Vec<(String, u64)>,
) -> impl IntoView {
    let max = rows.iter().map(|r| r.1).max().unwrap_or(0).max(1);
    let bar_h = 26;
    let gap = 10;
    let label_w = 180;
    let chart_w = 360;
    let height = rows.len() * (bar_h + gap);
    let width = label_w + chart_w + 48;
    let bars = rows
        .into_iter()
        .enumerate()
        .map(|(i, (label, v))| {
            let y = i * (bar_h + gap);
            let w = ((v as f64 / max as f64) * chart_w as f64).round().max(2.0);
            view! {
                <g>
                    <text x=label_w - 12 y=y + bar_h / 2 + 5 text-anchor="end" class="chart-label">{label}</text>
                    <rect x=label_w y=y width=w height=bar_h rx="5" class="chart-bar"/>
                    <text x=label_w as f64 + w + 8.0 y=y + bar_h / 2 + 5 class="chart-value">{v.to_string()}</text>
                </g>
            }
        })
        .collect_view();
    let label = title.clone();
    view! {
        <svg class="chart" viewBox=format!("0 0 {width} {height}") role="img" aria-label=label preserveAspectRatio="xMinYMin meet">
            <title>{title.clone()}</title>
            {bars}
        </svg>
    }
}

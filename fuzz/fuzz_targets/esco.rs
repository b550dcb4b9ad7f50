#![no_main]
// Any text as ESCO skills (JSON list or CSV) and occupations: answers, never a panic.
use libfuzzer_sys::fuzz_target;
#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = app::domain::esco::plan_json(text);
    let _ = app::domain::esco::read_occupations(text);
    let _ = app::domain::esco::split_labels(text);
    if let Some((header, rows)) = common::records(text) {
        let _ = app::domain::esco::plan_csv(&header, &rows);
    }
});

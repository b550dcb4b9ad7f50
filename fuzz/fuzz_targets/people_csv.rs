#![no_main]
// Any text as a people CSV: rows and problems, or a refusal; never a panic.
use libfuzzer_sys::fuzz_target;
#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Some((header, rows)) = common::records(text) {
        let _ = app::domain::people_csv::parse(&header, &rows);
    }
});

#![no_main]
// Any text as a Moodle competency CSV: a plan with its problems, or an error; never a panic.
use libfuzzer_sys::fuzz_target;
#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Some((header, rows)) = common::records(text) else {
        return;
    };
    if let Ok(plan) = app::domain::moodle::plan(&header, &rows) {
        let (imported, _) = app::domain::moodle::to_imported(&plan);
        assert_eq!(imported.nodes.len(), plan.nodes.len());
    }
});

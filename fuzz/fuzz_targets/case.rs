#![no_main]
// Any bytes as a CASE package: an answer (the framework or the problems), never a panic;
// what imports also exports.
use app::domain::case::{export_case, import_case, ExportOptions, KindMapping};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok((imported, _)) = import_case(text, &KindMapping::default()) {
        let out = export_case(
            &imported,
            &ExportOptions::new("https://fuzz.test", "2026-01-01T00:00:00+00:00"),
        );
        assert!(out.get("CFDocument").is_some());
    }
});

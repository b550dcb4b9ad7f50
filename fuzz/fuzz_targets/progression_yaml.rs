#![no_main]
// Any text as a progression YAML file: a plan, a parse error or a refusal; never a panic.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(value) = serde_saphyr::from_str::<serde_json::Value>(text) {
        let _ = app::domain::progression::plan(&value);
    }
});

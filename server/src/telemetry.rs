//! Logging with `tracing`. `RUST_LOG` sets the filter; `PROFICIO_LOG_FORMAT=json` switches
//! to one JSON object per line for log collectors.

use tracing_subscriber::EnvFilter;

/// Installs the global subscriber (once; later calls are ignored, which tests rely on).
pub fn init() {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=warn"));
    let json = std::env::var("PROFICIO_LOG_FORMAT").is_ok_and(|v| v.eq_ignore_ascii_case("json"));
    // Logs go to standard error, so that commands printing results (`bench --json`, `token
    // create`) keep standard output to themselves.
    let builder = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(filter)
        .with_target(false);
    let _ = if json {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}

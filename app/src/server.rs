//! Server-only code (the `ssr` feature): state, the caller, services and database access.

pub mod api_tokens;
pub mod api_v1;
pub mod assess;
pub mod audit;
pub mod auth;
pub mod ctx;
pub mod db;
pub mod demo;
pub mod demo_frameworks;
pub mod demo_learning;
pub mod demo_positions;
pub mod demo_ratings;
pub mod drafting;
pub mod evidence;
pub mod exports;
pub mod framework_copies;
pub mod frameworks;
pub mod history;
pub mod import_esco;
pub mod import_learning;
pub mod import_people;
pub mod imports;
pub mod inbox;
pub mod learning;
pub mod orgreports;
pub mod peers;
pub mod people;
pub mod plans;
pub mod positions;
pub mod privacy;
pub mod ratings;
pub mod recognition;
pub mod reports;
pub mod scim;
pub mod session_store;
pub mod sso;
pub mod state;
pub mod stats;

pub use db::{Backend, Db, WriteTx};
pub use state::{AppState, Settings};

/// Milliseconds since the Unix epoch: how every time is stored (both backends, through
/// sqlx's Any driver, agree on BIGINT and on nothing richer).
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// A time stored as epoch milliseconds, as text ("2026-11-23 13:20 UTC"). Formatted on the
/// server so server rendering and hydration agree.
pub fn format_time(ms: i64) -> String {
    match time::OffsetDateTime::from_unix_timestamp(ms / 1000) {
        Ok(t) => format!(
            "{}-{:02}-{:02} {:02}:{:02} UTC",
            t.year(),
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute()
        ),
        Err(_) => "unknown time".into(),
    }
}

/// A time stored as epoch milliseconds, as RFC 3339 in UTC to the second, the zone written
/// `zone`: the standards we write differ (CASE shows `+00:00`, Open Badges `Z`).
pub fn rfc3339(ms: i64, zone: &str) -> String {
    match time::OffsetDateTime::from_unix_timestamp(ms.div_euclid(1000)) {
        Ok(t) => format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{zone}",
            t.year(),
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute(),
            t.second()
        ),
        Err(_) => format!("1970-01-01T00:00:00{zone}"),
    }
}

//! The `proficio` server: configuration, the router with its middleware, and the
#![recursion_limit = "256"]
//! command-line subcommands. `startup::build_router` is what integration tests drive.

pub mod api_docs;
pub mod api_v1;
pub mod assets;
pub mod backup;
pub mod bench;
pub mod bench_imports;
pub mod bench_learning;
pub mod bench_org;
pub mod bench_pages;
pub mod cli;
pub mod digest;
pub mod durability;
pub mod evidence;
pub mod exports;
pub mod imports;
pub mod middleware;
pub mod scim;
pub mod sso;
pub mod startup;
pub mod telemetry;

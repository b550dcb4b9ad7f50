//! Proficio's application crate: the domain model, the server functions and the UI, shared
//! by the WASM client (`hydrate`) and the axum server (`ssr`).
#![recursion_limit = "256"]

pub mod api;
pub mod domain;
#[cfg(feature = "ssr")]
pub mod server;
pub mod ui;

pub use ui::{shell, App};

//! Server functions, one file per area. Each is thin: it resolves the caller, checks what
//! they may do, and calls a plain service function in `crate::server`.

pub mod auth;
pub mod error;
pub mod frameworks;
pub mod people;

pub use error::AppError;

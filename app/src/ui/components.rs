//! Reusable pieces of the UI.

pub mod charts;
pub mod common;
pub mod frame;
pub mod slider;

//! One module per area of the app.

pub mod browse;
pub mod frameworks;
pub mod home;
pub mod not_found;
pub mod people;
pub mod sign_in;
pub mod units;
pub mod versions;

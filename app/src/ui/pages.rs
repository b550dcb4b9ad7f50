//! One module per area of the app.

pub mod account;
pub mod audit;
pub mod blend;
pub mod browse;
pub mod careers;
pub mod frameworks;
pub mod home;
pub mod imports;
pub mod inbox;
pub mod learning;
pub mod not_found;
pub mod people;
pub mod plan;
pub mod positions;
pub mod recognition;
pub mod reports;
pub mod scale;
pub mod sign_in;
pub mod skills;
pub mod talent;
pub mod team;
pub mod tokens;
pub mod units;
pub mod versions;

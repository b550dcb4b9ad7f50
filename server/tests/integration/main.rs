//! Integration tests: the whole router in-process, a fresh database per test, on the
#![recursion_limit = "256"]
//! backend named by `PROFICIO_TEST_BACKEND` (`sqlite`, the default, or `postgres`).

mod helpers;

mod api_v1;
mod assess;
mod auth;
mod case;
mod concurrency;
mod develop;
mod esco;
mod evidence;
mod framework_tools;
mod frameworks;
mod imports;
mod matrix;
mod migrations;
mod ops;
mod orgreports;
mod people;
mod people_import;
mod personal_view;
mod positions;
mod progression;
mod reports;
mod scim;
mod security;
mod sso;
mod titles;
mod trust;

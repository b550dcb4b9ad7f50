//! Pure domain types and rules. Serde only: this compiles to WASM and native alike, and
//! is unit-tested without a database.

pub mod api_tokens;
pub mod assess;
pub mod audit;
pub mod case;
pub mod develop;
pub mod directory;
pub mod editor;
pub mod esco;
pub mod framework;
pub mod heatmap;
pub mod ids;
pub mod imports;
pub mod moodle;
pub mod nav;
pub mod org;
pub mod orgreport;
pub mod people;
pub mod people_csv;
pub mod positions;
pub mod progression;
pub mod radar;
pub mod rating;
pub mod recognition;
pub mod recommend;
pub mod scale;
pub mod scim;
pub mod sso;
pub mod talent;
pub mod tree;
pub mod validate;
pub mod versions;

pub use ids::{FrameworkId, NodeId, PersonId, UnitId};
pub use org::{would_create_cycle, CycleError};
pub use people::{initials, Capabilities, CurrentUser, HomeKind, Role};
pub use validate::{Email, FieldError, PersonName, ShortText};

/// A count or size as `u32`; one that does not fit (negative or too large) is `u32::MAX`.
pub fn count<N: TryInto<u32>>(n: N) -> u32 {
    n.try_into().unwrap_or(u32::MAX)
}

//! Typed identifiers, so a person's id can never be passed where a unit's is expected.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = std::num::ParseIntError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.trim().parse().map($name)
            }
        }
    };
}

id_type!(
    /// A person in the organisation.
    PersonId
);
id_type!(
    /// An org unit (department, team).
    UnitId
);
id_type!(
    /// A competency framework.
    FrameworkId
);
id_type!(
    /// A node (category, competency or skill) of a framework.
    NodeId
);
id_type!(
    /// A position (job role).
    PositionId
);
id_type!(
    /// A link of a career path.
    PathLinkId
);

//! API tokens: what a system calling `/api/v1` may do (its scopes), how long it may, and how
//! the token text is made and recognised. The token is `pfo_` + an 8-hex-digit public prefix
//! + `_` + a 40-hex-digit secret; only its SHA-256 is stored.

use serde::{Deserialize, Serialize};

/// What a token may do. Each `/api/v1` route needs one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Scope {
    /// Read people (`/api/v1/people`).
    PeopleRead,
    /// Read org units (`/api/v1/units`).
    UnitsRead,
    /// Read positions and what they require (`/api/v1/positions`).
    PositionsRead,
    /// Read frameworks, their nodes and CASE packages (`/api/v1/frameworks`).
    FrameworksRead,
    /// Read everyone's current levels (`/api/v1/levels`).
    LevelsRead,
    /// Read every rating ever given (`/api/v1/ratings`), the history behind the levels.
    RatingsRead,
    /// Read learning activities and the levels they provide (`/api/v1/activities`).
    ActivitiesRead,
    /// Read development plans and their goals (`/api/v1/plans`, `/api/v1/goals`).
    PlansRead,
    /// Read the org report (`/api/v1/reports/org`).
    ReportsRead,
    /// Rate people on competencies and skills as a trusted system (`POST /api/v1/ratings`).
    RatingsWrite,
    /// Record that people completed learning activities (`/api/v1/completions`), which
    /// awards the levels the activity provides, as an admin recording it would.
    CompletionsWrite,
    /// Provision people and org units from an identity provider or HR system (`/scim/v2`):
    /// create, change and deactivate people, and keep units and their members.
    Scim,
}

impl Scope {
    /// Every scope, for `all`.
    pub const ALL: [Scope; 12] = [
        Scope::PeopleRead,
        Scope::UnitsRead,
        Scope::PositionsRead,
        Scope::FrameworksRead,
        Scope::LevelsRead,
        Scope::RatingsRead,
        Scope::ActivitiesRead,
        Scope::PlansRead,
        Scope::ReportsRead,
        Scope::RatingsWrite,
        Scope::CompletionsWrite,
        Scope::Scim,
    ];

    /// The scope's name in token lists and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::PeopleRead => "people:read",
            Scope::UnitsRead => "units:read",
            Scope::PositionsRead => "positions:read",
            Scope::FrameworksRead => "frameworks:read",
            Scope::LevelsRead => "levels:read",
            Scope::RatingsRead => "ratings:read",
            Scope::ActivitiesRead => "activities:read",
            Scope::RatingsWrite => "ratings:write",
            Scope::PlansRead => "plans:read",
            Scope::ReportsRead => "reports:read",
            Scope::CompletionsWrite => "completions:write",
            Scope::Scim => "scim",
        }
    }

    /// The scope named `s`, if any.
    pub fn parse(s: &str) -> Option<Scope> {
        Scope::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

impl Scope {
    /// What the scope lets a system do, for the page where admins choose scopes.
    pub fn meaning(self) -> &'static str {
        match self {
            Scope::PeopleRead => "Read people: names, e-mails, roles, units, managers, positions (an HR system checking its sync).",
            Scope::UnitsRead => "Read org units and their tree.",
            Scope::PositionsRead => "Read positions and the level each requires on each competency (an HR system, a job architecture tool).",
            Scope::FrameworksRead => "Read frameworks, their competencies and skills, and published versions as CASE packages (a learning system, a skills library).",
            Scope::LevelsRead => "Read everyone's current level on every competency and skill (a data warehouse, an HR system).",
            Scope::RatingsRead => "Read every rating ever given, with its source, giver, comment and review (a data warehouse, an audit).",
            Scope::ActivitiesRead => "Read learning activities and the levels they provide (a learning system checking its catalogue).",
            Scope::RatingsWrite => "Rate people on competencies and skills as a trusted system; the rating counts at once (an assessment or exam system).",
            Scope::PlansRead => "Read everyone's development plans and goals (an HR or talent system).",
            Scope::ReportsRead => "Read the org report: readiness and competency status by unit (a BI dashboard).",
            Scope::CompletionsWrite => "Record completed learning activities, which award the levels they provide (a learning system).",
            Scope::Scim => "Provision people and org units over SCIM 2.0: add, change and deactivate people, keep units and their members (an identity provider such as Entra ID or Okta).",
        }
    }
}

/// Whether a token still works, and if not, why.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TokenState {
    Live,
    Expired,
    Revoked,
}

/// A token as the admin page lists it (never its secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenRow {
    pub id: i64,
    pub name: String,
    /// The public start of the token (`pfo_` and 8 hex digits).
    pub prefix: String,
    pub scopes: String,
    pub created: String,
    /// "never" when it does not expire.
    pub expires: String,
    /// "never" when it was never used.
    pub last_used: String,
    pub state: TokenState,
}

/// A token just made, shown to the admin who made it this once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FreshToken {
    pub name: String,
    pub text: String,
}

/// The API tokens page: the tokens, newest first, the scopes to choose from (name and
/// meaning), and the token this admin just made, if any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokensPage {
    pub tokens: Vec<TokenRow>,
    pub scopes: Vec<(String, String)>,
    pub fresh: Option<FreshToken>,
}

/// The expiry choices the page offers, in days (None: never), the first the default.
pub const EXPIRY_CHOICES: [(Option<u32>, &str); 4] = [
    (Some(90), "in 90 days"),
    (Some(30), "in 30 days"),
    (Some(365), "in a year"),
    (None, "never"),
];

/// At most this many days until a token expires.
pub const MAX_DAYS: u32 = 730;
/// A token's name: at most this many characters.
pub const MAX_NAME: usize = 80;

/// A comma list of scopes (`people:read,units:read`) or `all`: sorted, without repeats. The
/// error names the first unknown scope.
pub fn parse_scopes(list: &str) -> Result<Vec<Scope>, String> {
    let list = list.trim();
    if list.eq_ignore_ascii_case("all") {
        return Ok(Scope::ALL.to_vec());
    }
    let mut out = Vec::new();
    for part in list.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let scope = Scope::parse(&part.to_ascii_lowercase()).ok_or_else(|| {
            let known: Vec<&str> = Scope::ALL.iter().map(|s| s.as_str()).collect();
            format!("Unknown scope \"{part}\": use {} or all.", known.join(", "))
        })?;
        out.push(scope);
    }
    if out.is_empty() {
        return Err("Give at least one scope, or all.".into());
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// The scopes as stored and shown: a comma list.
pub fn scopes_text(scopes: &[Scope]) -> String {
    scopes
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

/// A token's name, trimmed: 1 to [`MAX_NAME`] characters.
pub fn check_name(name: &str) -> Result<String, String> {
    let name = name.trim();
    if name.is_empty() {
        return Err("Name the token after the system that will use it.".into());
    }
    if name.chars().count() > MAX_NAME {
        return Err(format!("A token's name has at most {MAX_NAME} characters."));
    }
    Ok(name.to_string())
}

/// Days until expiry: 1 to [`MAX_DAYS`], or none (never).
pub fn check_days(days: Option<u32>) -> Result<Option<u32>, String> {
    match days {
        Some(d) if d == 0 || d > MAX_DAYS => Err(format!(
            "A token lasts 1 to {MAX_DAYS} days, or leave it open."
        )),
        other => Ok(other),
    }
}

/// The public prefix of a token's text (`pfo_` and 8 hex digits), if it has the shape of
/// one; the lookup key.
pub fn token_prefix(token: &str) -> Option<&str> {
    let rest = token.strip_prefix("pfo_")?;
    let (prefix, secret) = rest.split_once('_')?;
    let hex = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_hexdigit());
    (hex(prefix, 8) && hex(secret, 40)).then(|| &token[..12])
}

/// The token text from its public and secret parts (hex).
pub fn token_text(prefix_hex: &str, secret_hex: &str) -> String {
    format!("pfo_{prefix_hex}_{secret_hex}")
}

/// Whether a token may be used at `now` (ms): not revoked and not expired.
pub fn is_live(revoked_at: Option<i64>, expires_at: Option<i64>, now: i64) -> bool {
    revoked_at.is_none() && expires_at.is_none_or(|e| now < e)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn scopes_parse_from_a_list_or_all() {
        assert_eq!(parse_scopes("all").unwrap(), Scope::ALL.to_vec());
        assert_eq!(
            parse_scopes(" units:read, people:read ,units:read").unwrap(),
            vec![Scope::PeopleRead, Scope::UnitsRead]
        );
        let e = parse_scopes("people:read,people:write").unwrap_err();
        assert!(e.contains("\"people:write\""), "{e}");
        assert!(parse_scopes(" , ").is_err());
        assert_eq!(
            scopes_text(&Scope::ALL),
            "people:read,units:read,positions:read,frameworks:read,levels:read,ratings:read,\
             activities:read,plans:read,reports:read,ratings:write,completions:write,scim"
        );
        // ALL is sorted, as parsed lists are.
        assert!(Scope::ALL.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn names_and_days_are_checked() {
        assert_eq!(check_name("  HR sync ").unwrap(), "HR sync");
        assert!(check_name(" ").is_err());
        assert!(check_name(&"x".repeat(MAX_NAME + 1)).is_err());
        assert_eq!(check_days(None), Ok(None));
        assert_eq!(check_days(Some(30)), Ok(Some(30)));
        assert!(check_days(Some(0)).is_err());
        assert!(check_days(Some(MAX_DAYS + 1)).is_err());
    }

    #[test]
    fn a_token_is_live_until_revoked_or_expired() {
        assert!(is_live(None, None, 5));
        assert!(is_live(None, Some(6), 5));
        assert!(!is_live(None, Some(5), 5));
        assert!(!is_live(Some(1), None, 5));
    }

    proptest! {
        #[test]
        fn made_tokens_are_recognised_and_others_are_not(
            p in "[0-9a-f]{8}", s in "[0-9a-f]{40}", junk in ".{0,60}"
        ) {
            let t = token_text(&p, &s);
            prop_assert_eq!(token_prefix(&t), Some(&t[..12]));
            let shaped = junk.len() == 53
                && junk.starts_with("pfo_")
                && junk.as_bytes().get(12) == Some(&b'_');
            if !shaped {
                prop_assert_eq!(token_prefix(&junk), None);
            }
        }
    }
}

//! Single sign-on rules that need no network: which e-mail domains may come in, how long a
//! started sign-in stays valid, and why one was refused (as a short code the sign-in page
//! turns into words, so the page never echoes text from outside).

use serde::{Deserialize, Serialize};

/// Minutes between leaving for the identity provider and coming back before the started
/// sign-in is no longer accepted.
pub const PENDING_MINUTES: i64 = 10;

/// Whether a sign-in started at `started_ms` may still finish at `now_ms`.
pub fn pending_is_fresh(started_ms: i64, now_ms: i64) -> bool {
    (0..=PENDING_MINUTES * 60_000).contains(&now_ms.saturating_sub(started_ms))
}

/// Whether `email`'s domain is one of `allowed` (lower-case domains; empty allows every
/// domain). The domain is what follows the last `@`, compared without case.
pub fn domain_allowed(email: &str, allowed: &[String]) -> bool {
    if allowed.is_empty() {
        return true;
    }
    let Some((_, domain)) = email.rsplit_once('@') else {
        return false;
    };
    let domain = domain.to_ascii_lowercase();
    allowed.contains(&domain)
}

/// Whether the provider vouches for the e-mail address: its `email_verified` claim is
/// true, or, when `trust_unstated` is set, the provider does not state it at all (Microsoft
/// Entra ID sends work e-mails without the claim). A stated `false` is never trusted.
pub fn email_vouched(email_verified: Option<bool>, trust_unstated: bool) -> bool {
    match email_verified {
        Some(verified) => verified,
        None => trust_unstated,
    }
}

/// Parses `PROFICIO_OIDC_ALLOWED_DOMAINS`: a comma list of domains (`example.org`), trimmed
/// and lower-cased; a leading `@` is dropped. Names the bad entry.
pub fn parse_domains(list: &str) -> Result<Vec<String>, String> {
    list.split(',')
        .map(|d| d.trim().trim_start_matches('@').to_ascii_lowercase())
        .filter(|d| !d.is_empty())
        .map(|d| {
            let ok = d.contains('.')
                && !d.starts_with('.')
                && !d.ends_with('.')
                && d.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.');
            if ok {
                Ok(d)
            } else {
                Err(format!("{d:?} is not a domain like example.org"))
            }
        })
        .collect()
}

/// Why a single sign-on did not sign anyone in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SsoRefusal {
    /// No sign-in was started in this browser, it was already used, or it is too old.
    Expired,
    /// The person cancelled at the provider or it refused them.
    Cancelled,
    /// The provider could not be reached or its answers did not check out.
    Provider,
    /// The provider does not vouch for the e-mail address.
    Unverified,
    /// The e-mail address is outside the allowed domains.
    Domain,
    /// Nobody here has that e-mail address (and new people are not created).
    Unknown,
    /// The person is deactivated.
    Deactivated,
}

impl SsoRefusal {
    /// Every refusal.
    pub const ALL: [SsoRefusal; 7] = [
        SsoRefusal::Expired,
        SsoRefusal::Cancelled,
        SsoRefusal::Provider,
        SsoRefusal::Unverified,
        SsoRefusal::Domain,
        SsoRefusal::Unknown,
        SsoRefusal::Deactivated,
    ];

    /// The code in the sign-in page's `sso` query parameter.
    pub fn code(self) -> &'static str {
        match self {
            SsoRefusal::Expired => "expired",
            SsoRefusal::Cancelled => "cancelled",
            SsoRefusal::Provider => "provider",
            SsoRefusal::Unverified => "unverified",
            SsoRefusal::Domain => "domain",
            SsoRefusal::Unknown => "unknown",
            SsoRefusal::Deactivated => "deactivated",
        }
    }

    /// The refusal with `code`, if any.
    pub fn from_code(code: &str) -> Option<SsoRefusal> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }

    /// What the person reads.
    pub fn message(self) -> &'static str {
        match self {
            SsoRefusal::Expired => "That sign-in link has expired or was already used. Start again.",
            SsoRefusal::Cancelled => "The sign-in was cancelled at your identity provider.",
            SsoRefusal::Provider => "Your identity provider could not be reached or gave an answer that did not check out. Try again, or ask your administrator.",
            SsoRefusal::Unverified => "Your identity provider has not verified your e-mail address, so it cannot sign you in here.",
            SsoRefusal::Domain => "Your e-mail address is not in a domain that may sign in here.",
            SsoRefusal::Unknown => "Nobody here has your e-mail address. Ask an administrator to add you.",
            SsoRefusal::Deactivated => "Your account is deactivated. Ask an administrator.",
        }
    }
}

/// How the sign-in page offers to sign in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct SignInOptions {
    /// The single sign-on button's provider name, when single sign-on is set up.
    pub sso: Option<String>,
    /// Whether the e-mail and password form is offered.
    pub password: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_sign_in_is_fresh_for_ten_minutes_and_never_from_the_future() {
        assert!(pending_is_fresh(1_000, 1_000));
        assert!(pending_is_fresh(0, PENDING_MINUTES * 60_000));
        assert!(!pending_is_fresh(0, PENDING_MINUTES * 60_000 + 1));
        assert!(!pending_is_fresh(5_000, 4_999));
        assert!(!pending_is_fresh(i64::MIN, i64::MAX));
    }

    #[test]
    fn a_stated_false_is_never_trusted_and_silence_only_when_asked() {
        assert!(email_vouched(Some(true), false));
        assert!(!email_vouched(Some(false), false));
        assert!(!email_vouched(Some(false), true));
        assert!(!email_vouched(None, false));
        assert!(email_vouched(None, true));
    }

    #[test]
    fn domains_are_parsed_lower_case_and_bad_ones_named() {
        assert_eq!(
            parse_domains(" Northwind.example, @corp.example.org ,").unwrap(),
            vec!["northwind.example", "corp.example.org"]
        );
        assert!(parse_domains("").unwrap().is_empty());
        let e = parse_domains("ok.example, not a domain").unwrap_err();
        assert!(e.contains("not a domain"), "{e}");
        assert!(parse_domains("localhost").is_err());
    }

    #[test]
    fn only_the_part_after_the_last_at_counts() {
        let allowed = vec!["northwind.example".to_string()];
        assert!(domain_allowed("liam@Northwind.Example", &allowed));
        assert!(!domain_allowed(
            "liam@northwind.example.evil.test",
            &allowed
        ));
        assert!(!domain_allowed("northwind.example@evil.test", &allowed));
        assert!(!domain_allowed("no-at-sign", &allowed));
        assert!(domain_allowed("anyone@anywhere.test", &[]));
    }

    #[test]
    fn every_refusal_has_its_own_code_and_words() {
        for r in SsoRefusal::ALL {
            assert_eq!(SsoRefusal::from_code(r.code()), Some(r));
            assert!(r.message().ends_with('.'));
        }
        assert_eq!(SsoRefusal::from_code("<script>"), None);
    }

    proptest! {
        #[test]
        fn an_allowed_domain_never_lets_a_longer_one_in(local in "[a-z]{1,8}", extra in "[a-z]{1,8}") {
            let allowed = vec!["northwind.example".to_string()];
            let email = format!("{local}@{extra}northwind.example");
            prop_assert!(!domain_allowed(&email, &allowed));
            let email = format!("{local}@northwind.example.{extra}");
            prop_assert!(!domain_allowed(&email, &allowed));
        }
    }
}

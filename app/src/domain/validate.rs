//! Values parsed once at the boundary and trusted after ("parse, don't validate").

use serde::{Deserialize, Serialize};
use std::fmt;

/// A validation failure that names the field it belongs to, so forms can show the message
/// next to the right input and imports can name the column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// The form field or column name, e.g. `email`.
    pub field: String,
    /// A sentence a person can act on.
    pub message: String,
}

impl FieldError {
    /// A new error for `field`.
    pub fn new(field: &str, message: impl Into<String>) -> Self {
        Self {
            field: field.to_string(),
            message: message.into(),
        }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

/// A syntactically valid e-mail address, trimmed and lower-cased so that uniqueness is
/// case-insensitive.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Email(String);

impl Email {
    /// Parses `raw` for the form field `field`.
    pub fn parse(field: &str, raw: &str) -> Result<Self, FieldError> {
        let s = raw.trim().to_lowercase();
        if s.is_empty() {
            return Err(FieldError::new(field, "Enter an e-mail address."));
        }
        if s.chars().count() > 254 {
            return Err(FieldError::new(
                field,
                "An e-mail address has at most 254 characters.",
            ));
        }
        let Some((local, domain)) = s.split_once('@') else {
            return Err(FieldError::new(
                field,
                "An e-mail address needs an @, as in name@example.org.",
            ));
        };
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && domain
                .chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '.');
        if local.is_empty() || domain.is_empty() || !domain_ok || s.chars().any(char::is_whitespace)
        {
            return Err(FieldError::new(
                field,
                format!(
                    "\u{201c}{}\u{201d} is not a valid e-mail address.",
                    raw.trim()
                ),
            ));
        }
        Ok(Self(s))
    }

    /// The normalised address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A required, trimmed, single-line text of bounded length (names, titles).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ShortText(String);

impl ShortText {
    /// Parses a required text of at most `max` characters.
    pub fn required(field: &str, label: &str, raw: &str, max: usize) -> Result<Self, FieldError> {
        let s = Self::optional(field, label, raw, max)?;
        if s.0.is_empty() {
            return Err(FieldError::new(field, format!("Enter {label}.")));
        }
        Ok(s)
    }

    /// Parses an optional text (empty allowed) of at most `max` characters.
    pub fn optional(field: &str, label: &str, raw: &str, max: usize) -> Result<Self, FieldError> {
        let s = raw.trim();
        if s.chars().count() > max {
            return Err(FieldError::new(
                field,
                format!("Keep {label} to {max} characters or fewer."),
            ));
        }
        if s.chars().any(|c| c.is_control()) {
            return Err(FieldError::new(
                field,
                format!(
                    "{} cannot contain line breaks or control characters.",
                    capitalise(label)
                ),
            ));
        }
        Ok(Self(s.to_string()))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The text, owned.
    pub fn into_string(self) -> String {
        self.0
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// A person's display name.
pub struct PersonName;

impl PersonName {
    /// Parses a person's name for the form field `field`.
    pub fn parse(field: &str, raw: &str) -> Result<ShortText, FieldError> {
        ShortText::required(field, "a name", raw, 120)
    }
}

/// A text cell for a CSV file that people open in a spreadsheet: a cell starting with `=`,
/// `+`, `-`, `@`, a tab or a carriage return would run as a formula in Excel or LibreOffice,
/// so it gets a leading `'` (which spreadsheets show as text and hide). Proficio's own CSV
/// imports take the `'` off again ([`csv_cell_value`]), so its files still round-trip.
pub fn csv_cell(text: &str) -> std::borrow::Cow<'_, str> {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{text}"))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// The value of a CSV cell written by [`csv_cell`].
pub fn csv_cell_value(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
        _ => cell,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_cannot_run_as_formulas_and_come_back_unchanged() {
        for evil in [
            "=HYPERLINK(\"http://x\")",
            "+1+1",
            "-2+3",
            "@SUM(A1)",
            "\tx",
            "\rx",
        ] {
            let cell = csv_cell(evil);
            assert!(cell.starts_with('\''), "{cell}");
            assert_eq!(csv_cell_value(&cell), evil);
        }
        assert_eq!(csv_cell("Rust"), "Rust");
        assert_eq!(csv_cell_value("'quoted"), "'quoted");
        assert_eq!(csv_cell_value("Rust"), "Rust");
    }

    #[test]
    fn email_is_normalised() {
        let e = Email::parse("email", "  Ada.Lovelace@Example.ORG ").unwrap();
        assert_eq!(e.as_str(), "ada.lovelace@example.org");
    }

    #[test]
    fn bad_emails_name_the_field() {
        for bad in [
            "",
            "ada",
            "ada@",
            "@example.org",
            "ada@example",
            "a da@example.org",
            "ada@ex..org",
        ] {
            let err = Email::parse("email", bad).unwrap_err();
            assert_eq!(err.field, "email", "{bad}");
        }
    }

    #[test]
    fn short_text_limits() {
        assert!(ShortText::required("name", "a name", "   ", 10).is_err());
        assert!(ShortText::required("name", "a name", &"x".repeat(11), 10).is_err());
        assert!(ShortText::required("name", "a name", "a\nb", 10).is_err());
        assert_eq!(
            ShortText::optional("t", "a title", "  ", 10)
                .unwrap()
                .as_str(),
            ""
        );
        assert_eq!(
            PersonName::parse("name", " Grace Hopper ")
                .unwrap()
                .as_str(),
            "Grace Hopper"
        );
    }
}

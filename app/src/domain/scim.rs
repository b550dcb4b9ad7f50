//! SCIM 2.0 (RFC 7643, RFC 7644) rules that need no database, for provisioning people from
//! an identity provider: the filters providers send to find a user or group, and a user as
//! SCIM describes it, read from a create/replace body and changed by PATCH operations, in
//! the forms Microsoft Entra ID and Okta actually send (`"op": "Replace"` capitalised,
//! `"value": "False"` as a string, a PATCH without a path carrying an object, the manager as
//! a bare id or as `{"value": id}`).
//!
//! Every error names what was wrong and carries the SCIM error type (`invalidFilter`,
//! `invalidValue`, `invalidPath`, `noTarget`, `mutability`, `tooMany`) for a 400 answer.

use serde_json::{Map, Value};

/// Longest filter accepted, in bytes (checked before parsing).
pub const MAX_FILTER_LEN: usize = 1024;
/// Most conditions one filter may join with `and`.
pub const MAX_FILTER_TERMS: usize = 10;
/// Most operations one PATCH may carry (checked before any is applied).
pub const MAX_PATCH_OPERATIONS: usize = 100;
/// Longest text kept in any one attribute.
pub const MAX_TEXT: usize = 256;

/// The enterprise extension's schema URN (manager, department, employee number).
pub const ENTERPRISE: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
/// The core user schema URN.
pub const USER: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
/// The group schema URN.
pub const GROUP: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";

/// A refusal, answered with status 400 and a SCIM error body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScimError {
    /// The SCIM `scimType`.
    pub scim_type: &'static str,
    /// What was wrong, naming the attribute, operation or filter position.
    pub detail: String,
}

impl ScimError {
    fn new(scim_type: &'static str, detail: impl Into<String>) -> ScimError {
        ScimError {
            scim_type,
            detail: detail.into(),
        }
    }
}

/// A filter, as far as provisioning needs one: conditions joined by `and`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Filter {
    /// `attr eq "value"` (the attribute path lower-cased; the value as text).
    Eq(String, String),
    /// `attr pr`: the attribute has a value.
    Present(String),
    /// `attr[subfilter]`: some element of the multi-valued `attr` matches (Entra's
    /// `members[value eq "id"]`).
    Has(String, Box<Filter>),
    /// Every condition holds.
    And(Vec<Filter>),
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Word(String),
    Text(String),
    Open,
    Close,
}

fn tokens(s: &str) -> Result<Vec<(usize, Token)>, ScimError> {
    let bad = |at: usize, what: &str| {
        ScimError::new(
            "invalidFilter",
            format!("filter: {what} at character {}", at + 1),
        )
    };
    let mut out = Vec::new();
    let mut chars = s.char_indices().peekable();
    while let Some(&(at, c)) = chars.peek() {
        match c {
            c if c.is_whitespace() => {
                chars.next();
            }
            '[' => {
                chars.next();
                out.push((at, Token::Open));
            }
            ']' => {
                chars.next();
                out.push((at, Token::Close));
            }
            '"' => {
                // A JSON string: read to its closing quote, escapes included.
                let mut end = None;
                let mut escaped = false;
                for (i, c) in s[at + 1..].char_indices() {
                    match (escaped, c) {
                        (true, _) => escaped = false,
                        (false, '\\') => escaped = true,
                        (false, '"') => {
                            end = Some(at + 1 + i);
                            break;
                        }
                        _ => {}
                    }
                }
                let end = end.ok_or_else(|| bad(at, "a string without its closing quote"))?;
                let text: String = serde_json::from_str(&s[at..=end])
                    .map_err(|_| bad(at, "a string with a broken escape"))?;
                out.push((at, Token::Text(text)));
                while chars.peek().is_some_and(|&(i, _)| i <= end) {
                    chars.next();
                }
            }
            '(' | ')' => return Err(bad(at, "parentheses (not supported)")),
            _ => {
                let mut word = String::new();
                while let Some(&(_, c)) = chars.peek() {
                    if c.is_whitespace() || matches!(c, '[' | ']' | '"' | '(' | ')') {
                        break;
                    }
                    word.push(c);
                    chars.next();
                }
                out.push((at, Token::Word(word)));
            }
        }
    }
    Ok(out)
}

/// Whether `path` is an attribute path: letters, digits, `_`, `-`, `.`, `:` (for URNs),
/// starting with a letter.
fn is_path(path: &str) -> bool {
    path.starts_with(|c: char| c.is_ascii_alphabetic())
        && path
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | ':' | '$'))
}

/// Parses a filter (`userName eq "ada@example.org"`, `externalId eq "x" and active pr`,
/// `members[value eq "17"]`). Only `eq`, `pr` and `and` are understood; anything else is
/// refused with `invalidFilter` naming it.
pub fn parse_filter(s: &str) -> Result<Filter, ScimError> {
    if s.len() > MAX_FILTER_LEN {
        return Err(ScimError::new(
            "invalidFilter",
            format!("filter: longer than {MAX_FILTER_LEN} bytes"),
        ));
    }
    let toks = tokens(s)?;
    let mut i = 0;
    let f = conditions(&toks, &mut i, false)?;
    if let Some((at, _)) = toks.get(i) {
        return Err(ScimError::new(
            "invalidFilter",
            format!("filter: unexpected text at character {}", at + 1),
        ));
    }
    Ok(f)
}

fn conditions(toks: &[(usize, Token)], i: &mut usize, nested: bool) -> Result<Filter, ScimError> {
    let mut all = vec![condition(toks, i, nested)?];
    while let Some((at, Token::Word(w))) = toks.get(*i) {
        match w.to_ascii_lowercase().as_str() {
            "and" => {
                *i += 1;
                if all.len() == MAX_FILTER_TERMS {
                    return Err(ScimError::new(
                        "invalidFilter",
                        format!("filter: more than {MAX_FILTER_TERMS} conditions"),
                    ));
                }
                all.push(condition(toks, i, nested)?);
            }
            other => {
                return Err(ScimError::new(
                    "invalidFilter",
                    format!(
                        "filter: \"{other}\" at character {} is not supported (only and)",
                        at + 1
                    ),
                ))
            }
        }
    }
    Ok(if all.len() == 1 {
        all.pop().unwrap_or(Filter::And(Vec::new()))
    } else {
        Filter::And(all)
    })
}

fn condition(toks: &[(usize, Token)], i: &mut usize, nested: bool) -> Result<Filter, ScimError> {
    let end = || ScimError::new("invalidFilter", "filter: it ends too early");
    let (at, tok) = toks.get(*i).ok_or_else(end)?;
    let Token::Word(path) = tok else {
        return Err(ScimError::new(
            "invalidFilter",
            format!(
                "filter: an attribute name was expected at character {}",
                at + 1
            ),
        ));
    };
    if !is_path(path) {
        return Err(ScimError::new(
            "invalidFilter",
            format!("filter: \"{path}\" is not an attribute name"),
        ));
    }
    let path = path.to_ascii_lowercase();
    *i += 1;
    match toks.get(*i) {
        Some((_, Token::Open)) if !nested => {
            *i += 1;
            let inner = conditions(toks, i, true)?;
            match toks.get(*i) {
                Some((_, Token::Close)) => {
                    *i += 1;
                    Ok(Filter::Has(path, Box::new(inner)))
                }
                _ => Err(ScimError::new("invalidFilter", "filter: a [ without its ]")),
            }
        }
        Some((at, Token::Open)) => Err(ScimError::new(
            "invalidFilter",
            format!(
                "filter: a [ inside a [ at character {} is not supported",
                at + 1
            ),
        )),
        Some((at, Token::Word(op))) => {
            *i += 1;
            match op.to_ascii_lowercase().as_str() {
                "pr" => Ok(Filter::Present(path)),
                "eq" => {
                    let (_, value) = toks.get(*i).ok_or_else(end)?;
                    *i += 1;
                    let value = match value {
                        Token::Text(t) => t.clone(),
                        Token::Word(w) if matches!(w.as_str(), "true" | "false") => w.clone(),
                        Token::Word(w) if w.parse::<f64>().is_ok() => w.clone(),
                        _ => {
                            return Err(ScimError::new(
                                "invalidFilter",
                                format!("filter: {path} eq needs a quoted value, true, false or a number"),
                            ))
                        }
                    };
                    Ok(Filter::Eq(path, value))
                }
                other => Err(ScimError::new(
                    "invalidFilter",
                    format!(
                        "filter: the operator \"{other}\" at character {} is not supported (eq and pr are)",
                        at + 1
                    ),
                )),
            }
        }
        _ => Err(end()),
    }
}

/// A user as SCIM describes one, as far as Proficio keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ScimUser {
    /// `userName`: the sign-in name, here the e-mail address.
    pub user_name: String,
    /// `externalId`: the provider's own id.
    pub external_id: Option<String>,
    /// `displayName`.
    pub display_name: Option<String>,
    /// `name.givenName`.
    pub given_name: Option<String>,
    /// `name.familyName`.
    pub family_name: Option<String>,
    /// `name.formatted`.
    pub formatted: Option<String>,
    /// `title`: the job title.
    pub title: Option<String>,
    /// `active`.
    pub active: bool,
    /// The work (or primary, or first) e-mail address.
    pub email: Option<String>,
    /// The enterprise extension's `manager.value`: the manager's SCIM id.
    pub manager: Option<String>,
    /// The enterprise extension's `department`.
    pub department: Option<String>,
}

/// Text from a JSON value: a string (trimmed, at most `MAX_TEXT` characters; empty is
/// none) or null.
fn text(attr: &str, v: &Value) -> Result<Option<String>, ScimError> {
    match v {
        Value::Null => Ok(None),
        Value::String(s) => {
            let s = s.trim();
            if s.chars().count() > MAX_TEXT {
                return Err(ScimError::new(
                    "invalidValue",
                    format!("{attr}: longer than {MAX_TEXT} characters"),
                ));
            }
            if s.chars().any(char::is_control) {
                return Err(ScimError::new(
                    "invalidValue",
                    format!("{attr}: control characters are not allowed"),
                ));
            }
            Ok((!s.is_empty()).then(|| s.to_string()))
        }
        _ => Err(ScimError::new(
            "invalidValue",
            format!("{attr}: a string was expected"),
        )),
    }
}

/// A boolean from `true`/`false` or, as Entra sends them, `"True"`/`"False"`.
fn boolean(attr: &str, v: &Value) -> Result<bool, ScimError> {
    match v {
        Value::Bool(b) => Ok(*b),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Ok(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Ok(false),
        _ => Err(ScimError::new(
            "invalidValue",
            format!("{attr}: true or false was expected"),
        )),
    }
}

/// The manager's id from `"id"`, `{"value": "id"}` or `[{"value": "id"}]`.
fn manager(v: &Value) -> Result<Option<String>, ScimError> {
    match v {
        Value::Object(o) => o.get("value").map_or(Ok(None), manager),
        Value::Array(a) if a.len() <= 1 => a.first().map_or(Ok(None), manager),
        Value::Number(n) => Ok(Some(n.to_string())),
        other => text("manager", other),
    }
}

/// The e-mail to keep from an `emails` list: the `work` one, else the primary, else the
/// first.
fn email_of(v: &Value) -> Result<Option<String>, ScimError> {
    let Value::Array(list) = v else {
        return Err(ScimError::new(
            "invalidValue",
            "emails: a list was expected",
        ));
    };
    if list.len() > 20 {
        return Err(ScimError::new(
            "invalidValue",
            "emails: more than 20 addresses",
        ));
    }
    let is = |e: &&Value, k: &str, want: &Value| e.get(k) == Some(want);
    let pick = list
        .iter()
        .find(|e| is(e, "type", &Value::from("work")))
        .or_else(|| list.iter().find(|e| is(e, "primary", &Value::Bool(true))))
        .or_else(|| list.first());
    pick.and_then(|e| e.get("value"))
        .map_or(Ok(None), |v| text("emails.value", v))
}

/// The attribute a path names, with `urn:…:User:` prefixes taken off and the enterprise
/// extension's attributes marked `enterprise:`.
fn attribute(path: &str) -> String {
    let lower = path.to_ascii_lowercase();
    let enterprise = ENTERPRISE.to_ascii_lowercase();
    if let Some(rest) = lower.strip_prefix(&enterprise) {
        return format!("enterprise:{}", rest.trim_start_matches(':'));
    }
    let user = USER.to_ascii_lowercase();
    lower
        .strip_prefix(&user)
        .map(|r| r.trim_start_matches(':').to_string())
        .unwrap_or(lower)
}

impl ScimUser {
    /// Reads a create (`POST`) or replace (`PUT`) body. `userName` is required; `active`
    /// defaults to true; `id` and `meta` are ignored.
    pub fn from_json(body: &Value) -> Result<ScimUser, ScimError> {
        let Value::Object(o) = body else {
            return Err(ScimError::new(
                "invalidSyntax",
                "the body must be a JSON object",
            ));
        };
        let mut u = ScimUser {
            active: true,
            ..ScimUser::default()
        };
        for (k, v) in o {
            if k.eq_ignore_ascii_case(ENTERPRISE) {
                if let Value::Object(ext) = v {
                    for (k, v) in ext {
                        u.set(&format!("enterprise:{}", k.to_ascii_lowercase()), v)?;
                    }
                }
                continue;
            }
            let attr = attribute(k);
            // Read-only attributes in a request are ignored (RFC 7643 §2.2): Entra sends
            // `meta` with every create.
            if attr != "id" && attr != "meta" {
                u.set(&attr, v)?;
            }
        }
        if u.user_name.is_empty() {
            return Err(ScimError::new("invalidValue", "userName is required"));
        }
        Ok(u)
    }

    /// Sets the attribute `attr` (as [`attribute`] gives it) to `v`. Attributes Proficio
    /// does not keep are ignored, as RFC 7644 allows; read-only ones are refused.
    fn set(&mut self, attr: &str, v: &Value) -> Result<(), ScimError> {
        match attr {
            "username" => {
                self.user_name = text("userName", v)?
                    .ok_or_else(|| ScimError::new("invalidValue", "userName cannot be empty"))?
            }
            "externalid" => self.external_id = text("externalId", v)?,
            "displayname" => self.display_name = text("displayName", v)?,
            "title" => self.title = text("title", v)?,
            "active" => self.active = boolean("active", v)?,
            "name" => {
                let Value::Object(n) = v else {
                    return Err(ScimError::new(
                        "invalidValue",
                        "name: an object was expected",
                    ));
                };
                for (k, v) in n {
                    self.set(&format!("name.{}", k.to_ascii_lowercase()), v)?;
                }
            }
            "name.givenname" => self.given_name = text("name.givenName", v)?,
            "name.familyname" => self.family_name = text("name.familyName", v)?,
            "name.formatted" => self.formatted = text("name.formatted", v)?,
            "emails" => self.email = email_of(v)?,
            "emails[type eq \"work\"].value" => self.email = text("emails.value", v)?,
            "enterprise:manager" => self.manager = manager(v)?,
            "enterprise:manager.value" => self.manager = manager(v)?,
            "enterprise:department" => self.department = text("department", v)?,
            "id" | "meta" => {
                return Err(ScimError::new(
                    "mutability",
                    format!("{attr} is set by the service provider"),
                ))
            }
            // schemas, phone numbers, addresses, roles, locale…: not kept here.
            _ => {}
        }
        Ok(())
    }

    /// Applies a PATCH request's operations in order, all or none: on any error `self` is
    /// left as it was.
    pub fn patch(&mut self, body: &Value) -> Result<(), ScimError> {
        let ops = operations(body)?;
        let mut next = self.clone();
        for (n, op) in ops.iter().enumerate() {
            next.operation(op).map_err(|e| ScimError {
                detail: format!("Operations[{n}]: {}", e.detail),
                ..e
            })?;
        }
        *self = next;
        Ok(())
    }

    fn operation(&mut self, op: &Value) -> Result<(), ScimError> {
        let kind = op_kind(op)?;
        let path = op.get("path").and_then(Value::as_str).map(attribute);
        let value = op.get("value");
        match (kind.as_str(), path, value) {
            ("add" | "replace", None, Some(Value::Object(o))) => {
                // Okta: {"op": "replace", "value": {"active": false}}.
                let mut o: Map<String, Value> = o.clone();
                if let Some(Value::Object(ext)) = o.remove(ENTERPRISE) {
                    for (k, v) in ext {
                        self.set(&format!("enterprise:{}", k.to_ascii_lowercase()), &v)?;
                    }
                }
                for (k, v) in o {
                    self.set(&attribute(&k), &v)?;
                }
                Ok(())
            }
            ("add" | "replace", Some(p), Some(v)) => {
                let before = self.clone();
                self.set(&p, v)?;
                if *self == before && !known(&p) {
                    return Err(ScimError::new(
                        "invalidPath",
                        format!("path {p:?} is not an attribute here"),
                    ));
                }
                Ok(())
            }
            ("add" | "replace", _, _) => Err(ScimError::new(
                "invalidValue",
                format!("{kind} needs a value"),
            )),
            ("remove", None, _) => Err(ScimError::new("noTarget", "remove needs a path")),
            ("remove", Some(p), _) => match p.as_str() {
                "username" | "active" => Err(ScimError::new(
                    "mutability",
                    format!("{p} cannot be removed"),
                )),
                _ if known(&p) => self.set(&p, &Value::Null),
                _ => Err(ScimError::new(
                    "invalidPath",
                    format!("path {p:?} is not an attribute here"),
                )),
            },
            (other, _, _) => Err(ScimError::new(
                "invalidSyntax",
                format!("op {other:?}: add, replace or remove"),
            )),
        }
    }

    /// The name to show: `displayName`, else `name.formatted`, else given and family name,
    /// else the part of `userName` before `@`.
    pub fn person_name(&self) -> String {
        let joined = [self.given_name.as_deref(), self.family_name.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        self.display_name
            .clone()
            .or_else(|| self.formatted.clone())
            .or_else(|| (!joined.is_empty()).then_some(joined))
            .unwrap_or_else(|| {
                self.user_name
                    .split('@')
                    .next()
                    .unwrap_or_default()
                    .to_string()
            })
    }

    /// The e-mail address Proficio keys people by: the work e-mail, else `userName`.
    pub fn email_address(&self) -> &str {
        self.email.as_deref().unwrap_or(&self.user_name)
    }
}

/// A PATCH body's operations, refused before any is read when there are more than
/// [`MAX_PATCH_OPERATIONS`].
fn operations(body: &Value) -> Result<&Vec<Value>, ScimError> {
    let ops = body
        .get("Operations")
        .or_else(|| body.get("operations"))
        .and_then(Value::as_array)
        .ok_or_else(|| ScimError::new("invalidSyntax", "Operations: a list was expected"))?;
    if ops.len() > MAX_PATCH_OPERATIONS {
        return Err(ScimError::new(
            "tooMany",
            format!("Operations: more than {MAX_PATCH_OPERATIONS} in one request"),
        ));
    }
    Ok(ops)
}

/// An operation's `op`, lower-cased (Entra sends `"Replace"`).
fn op_kind(op: &Value) -> Result<String, ScimError> {
    op.get("op")
        .and_then(Value::as_str)
        .map(str::to_ascii_lowercase)
        .ok_or_else(|| ScimError::new("invalidSyntax", "op: add, replace or remove"))
}

/// Whether Proficio keeps the attribute `p` (so setting it to what it already is, or
/// removing it, is not an unknown path).
fn known(p: &str) -> bool {
    matches!(
        p,
        "username"
            | "externalid"
            | "displayname"
            | "title"
            | "active"
            | "name"
            | "name.givenname"
            | "name.familyname"
            | "name.formatted"
            | "emails"
            | "emails[type eq \"work\"].value"
            | "enterprise:manager"
            | "enterprise:manager.value"
            | "enterprise:department"
    )
}

/// Most members one group request may name (a create, a replace or all of a PATCH's
/// operations together), checked before any is looked up.
pub const MAX_MEMBERS: usize = 1000;

/// A group as SCIM describes one: in Proficio, an org unit, whose members are the people in
/// it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ScimGroup {
    /// `displayName`: the unit's name.
    pub display_name: String,
    /// `externalId`: the provider's own id.
    pub external_id: Option<String>,
    /// The members' SCIM ids; None when the body does not mention `members` (a replace
    /// then leaves them as they are).
    pub members: Option<Vec<String>>,
}

/// The ids of a `members` value: `[{"value": "id"}, …]` (or one such object).
fn member_ids(v: &Value) -> Result<Vec<String>, ScimError> {
    let list = match v {
        Value::Array(a) => a.as_slice(),
        Value::Object(_) => std::slice::from_ref(v),
        Value::Null => &[],
        _ => {
            return Err(ScimError::new(
                "invalidValue",
                "members: a list of {\"value\": id} was expected",
            ))
        }
    };
    if list.len() > MAX_MEMBERS {
        return Err(ScimError::new(
            "tooMany",
            format!("members: more than {MAX_MEMBERS} in one request"),
        ));
    }
    list.iter()
        .map(|m| {
            m.get("value")
                .map_or(Ok(None), |v| match v {
                    Value::Number(n) => Ok(Some(n.to_string())),
                    other => text("members.value", other),
                })?
                .ok_or_else(|| ScimError::new("invalidValue", "members: a member has no value"))
        })
        .collect()
}

impl ScimGroup {
    /// Reads a create (`POST`) or replace (`PUT`) body: `displayName` is required; `id`,
    /// `meta` and attributes Proficio does not keep are ignored.
    pub fn from_json(body: &Value) -> Result<ScimGroup, ScimError> {
        let Value::Object(o) = body else {
            return Err(ScimError::new(
                "invalidSyntax",
                "the body must be a JSON object",
            ));
        };
        let mut g = ScimGroup::default();
        for (k, v) in o {
            match k.to_ascii_lowercase().as_str() {
                "displayname" => g.display_name = text("displayName", v)?.unwrap_or_default(),
                "externalid" => g.external_id = text("externalId", v)?,
                "members" => g.members = Some(member_ids(v)?),
                _ => {}
            }
        }
        if g.display_name.is_empty() {
            return Err(ScimError::new("invalidValue", "displayName is required"));
        }
        Ok(g)
    }
}

/// One change a group PATCH asks for, in the order asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GroupChange {
    /// Rename the group.
    DisplayName(String),
    /// Set or clear the provider's id.
    ExternalId(Option<String>),
    /// Add these members.
    Add(Vec<String>),
    /// Remove these members.
    Remove(Vec<String>),
    /// The members become exactly these.
    Replace(Vec<String>),
}

/// Reads a group PATCH (RFC 7644 3.5.2) in the forms Entra and Okta send: `add`/`remove`
/// with `"path": "members"` and a list, `remove` with `"path": "members[value eq \"id\"]"`,
/// `replace` of `displayName` by path or in a no-path object. At most
/// [`MAX_PATCH_OPERATIONS`] operations and [`MAX_MEMBERS`] member ids in all, checked
/// before anything else.
pub fn group_patch(body: &Value) -> Result<Vec<GroupChange>, ScimError> {
    let ops = operations(body)?;
    let mut out = Vec::new();
    let mut members = 0;
    for (n, op) in ops.iter().enumerate() {
        let at = |e: ScimError| ScimError {
            detail: format!("Operations[{n}]: {}", e.detail),
            ..e
        };
        let change = group_operation(op).map_err(at)?;
        for c in &change {
            if let GroupChange::Add(ids) | GroupChange::Remove(ids) | GroupChange::Replace(ids) = c
            {
                members += ids.len();
            }
        }
        if members > MAX_MEMBERS {
            return Err(at(ScimError::new(
                "tooMany",
                format!("members: more than {MAX_MEMBERS} in one request"),
            )));
        }
        out.extend(change);
    }
    Ok(out)
}

fn group_operation(op: &Value) -> Result<Vec<GroupChange>, ScimError> {
    let kind = op_kind(op)?;
    let path = op.get("path").and_then(Value::as_str);
    let value = op.get("value");
    let attr = path.map(|p| {
        let lower = p.trim().to_ascii_lowercase();
        lower
            .strip_prefix(&GROUP.to_ascii_lowercase())
            .map(|r| r.trim_start_matches(':').to_string())
            .unwrap_or(lower)
    });
    let needs_value = || ScimError::new("invalidValue", format!("{kind} needs a value"));
    match (kind.as_str(), attr.as_deref()) {
        ("add" | "replace", None) => {
            // {"op": "replace", "value": {"displayName": "…", "members": […]}}
            let Some(Value::Object(o)) = value else {
                return Err(needs_value());
            };
            let mut out = Vec::new();
            for (k, v) in o {
                match k.to_ascii_lowercase().as_str() {
                    "displayname" => out.push(GroupChange::DisplayName(
                        text("displayName", v)?.ok_or_else(|| {
                            ScimError::new("invalidValue", "displayName cannot be empty")
                        })?,
                    )),
                    "externalid" => out.push(GroupChange::ExternalId(text("externalId", v)?)),
                    "members" if kind == "add" => out.push(GroupChange::Add(member_ids(v)?)),
                    "members" => out.push(GroupChange::Replace(member_ids(v)?)),
                    "id" | "meta" => {
                        return Err(ScimError::new(
                            "mutability",
                            format!("{k} is set by the service provider"),
                        ))
                    }
                    _ => {}
                }
            }
            Ok(out)
        }
        ("add" | "replace", Some("displayname")) => Ok(vec![GroupChange::DisplayName(
            text("displayName", value.ok_or_else(needs_value)?)?
                .ok_or_else(|| ScimError::new("invalidValue", "displayName cannot be empty"))?,
        )]),
        ("add" | "replace", Some("externalid")) => Ok(vec![GroupChange::ExternalId(text(
            "externalId",
            value.ok_or_else(needs_value)?,
        )?)]),
        ("add", Some("members")) => Ok(vec![GroupChange::Add(member_ids(
            value.ok_or_else(needs_value)?,
        )?)]),
        ("replace", Some("members")) => Ok(vec![GroupChange::Replace(member_ids(
            value.ok_or_else(needs_value)?,
        )?)]),
        ("remove", Some("members")) => match value {
            // Entra: {"op": "Remove", "path": "members", "value": [{"value": "id"}]}
            Some(v) => Ok(vec![GroupChange::Remove(member_ids(v)?)]),
            // Every member.
            None => Ok(vec![GroupChange::Replace(Vec::new())]),
        },
        ("remove", Some("externalid")) => Ok(vec![GroupChange::ExternalId(None)]),
        ("remove", Some(p)) if p.starts_with("members[") => {
            // Okta: {"op": "remove", "path": "members[value eq \"id\"]"}
            match parse_filter(path.unwrap_or_default())? {
                Filter::Has(attr, inner) if attr == "members" => match *inner {
                    Filter::Eq(a, id) if a == "value" => Ok(vec![GroupChange::Remove(vec![id])]),
                    _ => Err(ScimError::new(
                        "invalidPath",
                        "members[…]: only value eq \"id\" selects members",
                    )),
                },
                _ => Err(ScimError::new(
                    "invalidPath",
                    format!("path {p:?} is not an attribute here"),
                )),
            }
        }
        ("remove", Some("displayname")) => Err(ScimError::new(
            "mutability",
            "displayName cannot be removed",
        )),
        ("remove", None) => Err(ScimError::new("noTarget", "remove needs a path")),
        ("add" | "replace" | "remove", Some(p)) => Err(ScimError::new(
            "invalidPath",
            format!("path {p:?} is not an attribute here"),
        )),
        (other, _) => Err(ScimError::new(
            "invalidSyntax",
            format!("op {other:?}: add, replace or remove"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    #[test]
    fn the_filters_entra_and_okta_send_are_understood() {
        assert_eq!(
            parse_filter(r#"userName eq "Test_User_dfeef4c5@testuser.com""#).unwrap(),
            Filter::Eq("username".into(), "Test_User_dfeef4c5@testuser.com".into())
        );
        assert_eq!(
            parse_filter(r#"externalId eq "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef""#).unwrap(),
            Filter::Eq(
                "externalid".into(),
                "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef".into()
            )
        );
        assert_eq!(
            parse_filter(r#"id eq "7" and members[value eq "12"]"#).unwrap(),
            Filter::And(vec![
                Filter::Eq("id".into(), "7".into()),
                Filter::Has(
                    "members".into(),
                    Box::new(Filter::Eq("value".into(), "12".into()))
                ),
            ])
        );
        assert_eq!(
            parse_filter(r#"displayName EQ "Group \"One\"" AND active pr"#).unwrap(),
            Filter::And(vec![
                Filter::Eq("displayname".into(), "Group \"One\"".into()),
                Filter::Present("active".into()),
            ])
        );
        assert_eq!(
            parse_filter("active eq true").unwrap(),
            Filter::Eq("active".into(), "true".into())
        );
    }

    #[test]
    fn unsupported_or_broken_filters_are_refused_by_position() {
        for (f, says) in [
            (r#"userName co "a""#, "\"co\""),
            (r#"userName eq "a" or userName eq "b""#, "\"or\""),
            (r#"(userName eq "a")"#, "parentheses"),
            (r#"userName eq "open"#, "closing quote"),
            ("userName eq", "ends too early"),
            (r#"userName eq bare"#, "quoted value"),
            (r#""x" eq "y""#, "attribute name"),
            (r#"members[value eq "1""#, "without its ]"),
            (r#"a[b[c eq "1"]]"#, "inside a ["),
        ] {
            let e = parse_filter(f).unwrap_err();
            assert_eq!(e.scim_type, "invalidFilter", "{f}");
            assert!(e.detail.contains(says), "{f}: {}", e.detail);
        }
        let long = format!(r#"userName eq "{}""#, "a".repeat(MAX_FILTER_LEN));
        assert!(parse_filter(&long).unwrap_err().detail.contains("longer"));
        let many = [r#"a eq "1""#; MAX_FILTER_TERMS + 1].join(" and ");
        assert!(parse_filter(&many)
            .unwrap_err()
            .detail
            .contains("more than"));
    }

    /// Entra's "Create User" request from its SCIM validator documentation.
    fn entra_user() -> Value {
        json!({
            "schemas": [USER, ENTERPRISE],
            "externalId": "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
            "userName": "Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1@testuser.com",
            "active": true,
            "emails": [{"primary": true, "type": "work", "value": "Test_User_fd0ea19b-0777-472c-9f96-4f70d2226f2e@testuser.com"}],
            "meta": {"resourceType": "User"},
            "name": {"formatted": "givenName familyName", "familyName": "familyName", "givenName": "givenName"},
            "roles": []
        })
    }

    #[test]
    fn an_entra_create_body_is_read_with_its_read_only_parts_ignored() {
        let u = ScimUser::from_json(&entra_user()).unwrap();
        assert_eq!(
            u.external_id.as_deref(),
            Some("0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef")
        );
        assert_eq!(
            u.email_address(),
            "Test_User_fd0ea19b-0777-472c-9f96-4f70d2226f2e@testuser.com"
        );
        assert_eq!(u.person_name(), "givenName familyName");
        assert!(u.active);
        assert!(ScimUser::from_json(&json!({"active": true}))
            .unwrap_err()
            .detail
            .contains("userName"));
    }

    #[test]
    fn entra_and_okta_patches_apply_as_they_are_sent() {
        let mut u = ScimUser::from_json(&entra_user()).unwrap();
        // Entra: several replaces, capitalised, one with a value filter in the path.
        u.patch(&json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [
            {"op": "Replace", "path": "emails[type eq \"work\"].value", "value": "updatedEmail@microsoft.com"},
            {"op": "Replace", "path": "name.familyName", "value": "updatedFamilyName"}
        ]})).unwrap();
        assert_eq!(u.email_address(), "updatedEmail@microsoft.com");
        assert_eq!(u.family_name.as_deref(), Some("updatedFamilyName"));
        // Entra: a manager as a bare id, then removed; "False" as a string.
        u.patch(&json!({"Operations": [{"op": "Add", "path": format!("{ENTERPRISE}:manager"), "value": "2819c223"}]})).unwrap();
        assert_eq!(u.manager.as_deref(), Some("2819c223"));
        u.patch(
            &json!({"Operations": [{"op": "Remove", "path": format!("{ENTERPRISE}:manager")}]}),
        )
        .unwrap();
        assert_eq!(u.manager, None);
        u.patch(&json!({"Operations": [{"op": "Replace", "path": "active", "value": "False"}]}))
            .unwrap();
        assert!(!u.active);
        // Okta: no path, an object of attributes.
        u.patch(&json!({"Operations": [{"op": "replace", "value": {"active": true, "name": {"givenName": "Ada"}}}]})).unwrap();
        assert!(u.active);
        assert_eq!(u.given_name.as_deref(), Some("Ada"));
        // The manager as {"value": id} inside the extension object.
        u.patch(&json!({"Operations": [{"op": "add", "value": {ENTERPRISE: {"manager": {"value": "42"}}}}]})).unwrap();
        assert_eq!(u.manager.as_deref(), Some("42"));
    }

    #[test]
    fn a_bad_operation_changes_nothing_and_is_named() {
        let mut u = ScimUser::from_json(&json!({"userName": "ada@example.org"})).unwrap();
        let before = u.clone();
        for (ops, kind, says) in [
            (
                json!([{"op": "replace", "path": "title", "value": "CTO"}, {"op": "replace", "path": "active", "value": "maybe"}]),
                "invalidValue",
                "Operations[1]: active",
            ),
            (
                json!([{"op": "remove", "path": "userName"}]),
                "mutability",
                "userName",
            ),
            (json!([{"op": "remove"}]), "noTarget", "path"),
            (
                json!([{"op": "replace", "path": "shoeSize", "value": "44"}]),
                "invalidPath",
                "shoesize",
            ),
            (
                json!([{"op": "move", "path": "title"}]),
                "invalidSyntax",
                "move",
            ),
            (
                json!([{"op": "replace", "path": "id", "value": "9"}]),
                "mutability",
                "id",
            ),
        ] {
            let e = u.patch(&json!({"Operations": ops})).unwrap_err();
            assert_eq!(e.scim_type, kind, "{ops}");
            assert!(
                e.detail.to_lowercase().contains(&says.to_lowercase()),
                "{ops}: {}",
                e.detail
            );
            assert_eq!(u, before);
        }
        let many: Vec<Value> = (0..=MAX_PATCH_OPERATIONS)
            .map(|_| json!({"op": "replace", "path": "title", "value": "x"}))
            .collect();
        assert_eq!(
            u.patch(&json!({"Operations": many})).unwrap_err().scim_type,
            "tooMany"
        );
    }

    proptest! {
        #[test]
        fn any_text_gives_a_filter_or_a_named_refusal(s in "\\PC{0,80}") {
            if let Err(e) = parse_filter(&s) {
                prop_assert_eq!(e.scim_type, "invalidFilter");
                prop_assert!(e.detail.starts_with("filter: "));
            }
        }

        #[test]
        fn a_quoted_value_comes_back_exactly(v in "\\PC{0,40}") {
            let f = format!("userName eq {}", serde_json::to_string(&v).unwrap());
            prop_assert_eq!(parse_filter(&f).unwrap(), Filter::Eq("username".into(), v));
        }
    }

    #[test]
    fn group_patches_in_entra_and_okta_forms_are_read_in_order() {
        let entra = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [
                {"op": "Add", "path": "members", "value": [{"value": "12"}, {"value": "13"}]},
                {"op": "Remove", "path": "members", "value": [{"value": "12"}]},
                {"op": "Replace", "path": "displayName", "value": "Sales EMEA"}]});
        assert_eq!(
            group_patch(&entra).unwrap(),
            vec![
                GroupChange::Add(vec!["12".into(), "13".into()]),
                GroupChange::Remove(vec!["12".into()]),
                GroupChange::DisplayName("Sales EMEA".into()),
            ]
        );
        let okta = json!({"Operations": [
            {"op": "remove", "path": "members[value eq \"7\"]"},
            {"op": "replace", "value": {"id": null, "displayName": "Ops"}}]});
        let e = group_patch(&okta).unwrap_err();
        assert_eq!(e.scim_type, "mutability");
        assert!(e.detail.starts_with("Operations[1]"), "{}", e.detail);
        let okta = json!({"Operations": [
            {"op": "remove", "path": "members[value eq \"7\"]"},
            {"op": "replace", "value": {"displayName": "Ops", "members": [{"value": 8}]}},
            {"op": "remove", "path": "members"}]});
        assert_eq!(
            group_patch(&okta).unwrap(),
            vec![
                GroupChange::Remove(vec!["7".into()]),
                GroupChange::DisplayName("Ops".into()),
                GroupChange::Replace(vec!["8".into()]),
                GroupChange::Replace(vec![]),
            ]
        );
    }

    #[test]
    fn group_bodies_and_patches_are_refused_by_name_and_capped_before_work() {
        let g = ScimGroup::from_json(&json!({"displayName": "Finance", "externalId": "f-1",
            "members": [{"value": "3", "display": "Ada"}], "meta": {"resourceType": "Group"}}))
        .unwrap();
        assert_eq!(g.members, Some(vec!["3".to_string()]));
        assert_eq!(g.external_id.as_deref(), Some("f-1"));
        assert_eq!(
            ScimGroup::from_json(&json!({"displayName": " "}))
                .unwrap_err()
                .detail,
            "displayName is required"
        );
        for (op, says) in [
            (
                json!({"op": "remove", "path": "displayName"}),
                "cannot be removed",
            ),
            (
                json!({"op": "add", "path": "owners", "value": []}),
                "not an attribute",
            ),
            (
                json!({"op": "move", "path": "members"}),
                "add, replace or remove",
            ),
            (json!({"op": "add", "path": "members"}), "needs a value"),
            (
                json!({"op": "remove", "path": "members[display eq \"x\"]"}),
                "only value eq",
            ),
            (
                json!({"op": "add", "path": "members", "value": [{"display": "x"}]}),
                "no value",
            ),
        ] {
            let e = group_patch(&json!({"Operations": [op]})).unwrap_err();
            assert!(e.detail.contains(says), "{}", e.detail);
            assert!(e.detail.starts_with("Operations[0]"), "{}", e.detail);
        }
        let many: Vec<Value> = (0..=MAX_MEMBERS)
            .map(|i| json!({"value": i.to_string()}))
            .collect();
        let e = group_patch(&json!({"Operations": [
            {"op": "add", "path": "members", "value": many[..600]},
            {"op": "add", "path": "members", "value": many[600..]}]}))
        .unwrap_err();
        assert_eq!(e.scim_type, "tooMany");
        assert!(e.detail.starts_with("Operations[1]"));
    }

    proptest! {
        /// No body, however odd, makes group patch reading panic.
        #[test]
        fn any_group_patch_is_read_or_refused(s in "\\PC{0,200}") {
            let v = serde_json::from_str::<Value>(&s).unwrap_or(Value::String(s));
            let _ = group_patch(&json!({"Operations": [v.clone()]}));
            let _ = ScimGroup::from_json(&v);
        }
    }
}

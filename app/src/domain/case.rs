//! CASE (1EdTech Competencies and Academic Standards Exchange) packages: the CFPackage
//! model, a parser that lists every problem it finds, the conversion to the neutral
//! [`Imported`] structure Proficio stores, and the export back to a CASE 1.1 CFPackage.
//!
//! Rules, in short:
//! - Every CASE object keeps the members Proficio does not model in `extra`, and export
//!   writes them back. Members the CASE 1.1 schema does not allow where they stand (CASE 1.0
//!   or vendor fields such as OpenSALT's `CFDocumentURI`), or whose value breaks the schema
//!   (a `null` where a string is required, a timestamp without a time zone), are written
//!   verbatim into that object's `extensions` under their own name, so nothing is lost and
//!   the export still validates. A timestamp without a zone is read as UTC (`+00:00`).
//! - `isChildOf` associations build the tree (origin = child, destination = parent or the
//!   CFDocument). The first one by `sequenceNumber` (then file order) whose destination is in
//!   the package is the tree edge; further ones become links of type `isChildOf`.
//! - An item whose parents are all outside the package, or that has no `isChildOf` at all,
//!   is imported at the top level with a warning (CASE allows cross-framework parents, and
//!   rejecting such files would make them unimportable). Cycles are rejected.
//! - Siblings are ordered by `sequenceNumber`, then by the natural order of
//!   `humanCodingScheme` ("A.2" before "A.10"), then by the order of `CFItems`.
//! - CASE 1.0 packages are read too: the 1.0 layout (`document`, `items`, `associations`,
//!   `definitions`, `rubrics`, `sourcedId`) is renamed to 1.1 names on reading.
//! - A `null` in a member Proficio models (such as `fullStatement`) reads as absent and is
//!   not written back; `null`s anywhere else are kept.

use super::framework::Track;
use super::tree::NodeKind;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Number, Value};
use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};
use std::fmt;

/// The JSON members of a CASE object that Proficio does not model.
pub type Extra = Map<String, Value>;

/// Something wrong with (or worth knowing about) a CASE file, and where it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Issue {
    /// Where: `line 3, column 7`, `CFItems[12] (identifier …)`, `CFDocument`.
    pub at: String,
    /// A sentence a person can act on.
    pub message: String,
}

impl Issue {
    /// A new issue at `at`.
    pub fn new(at: impl Into<String>, message: impl Into<String>) -> Issue {
        Issue {
            at: at.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Issue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.at, self.message)
    }
}

/// A reason the file cannot be imported; an import is all or nothing.
pub type Problem = Issue;
/// Something the importer decided on the reader's behalf; the import goes ahead.
pub type Warning = Issue;

// ---------------------------------------------------------------------------------------
// The CFPackage model
// ---------------------------------------------------------------------------------------

/// A link to a CASE node (`originNodeURI`, `CFItemTypeURI`, `CFItemURI`, …).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeRef {
    /// Identifier of the node (inside or outside the package).
    pub identifier: String,
    /// Its URI.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uri: Option<String>,
    /// Its title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Other members (`targetType`, …).
    #[serde(flatten)]
    pub extra: Extra,
}

/// The CFDocument: the framework itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CfDocument {
    /// Identifier (a UUID in valid CASE).
    pub identifier: String,
    /// URI.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uri: Option<String>,
    /// Title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Creator.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creator: Option<String>,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Timestamp of the last change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_change_date_time: Option<String>,
    /// Other members (adoptionStatus, subject, …).
    #[serde(flatten)]
    pub extra: Extra,
}

/// A CFItem: one statement of the framework.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CfItem {
    /// Identifier.
    pub identifier: String,
    /// URI.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uri: Option<String>,
    /// The full statement (may hold Markdown and several lines).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub full_statement: Option<String>,
    /// A short form of the statement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub abbreviated_statement: Option<String>,
    /// The code people use ("CCSS.Math.Content.6.RP.A.1").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub human_coding_scheme: Option<String>,
    /// The item type's title.
    #[serde(
        rename = "CFItemType",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub item_type: Option<String>,
    /// Link to the item type definition.
    #[serde(
        rename = "CFItemTypeURI",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub item_type_uri: Option<NodeRef>,
    /// Timestamp of the last change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_change_date_time: Option<String>,
    /// Other members (notes, language, listEnumeration, …).
    #[serde(flatten)]
    pub extra: Extra,
}

/// A CFAssociation: a typed edge between two nodes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CfAssociation {
    /// Identifier.
    pub identifier: String,
    /// URI.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uri: Option<String>,
    /// `isChildOf`, `exactMatchOf`, … or an `ext:` type.
    pub association_type: String,
    /// Origin (the child, for `isChildOf`).
    #[serde(rename = "originNodeURI")]
    pub origin: NodeRef,
    /// Destination (the parent, for `isChildOf`).
    #[serde(rename = "destinationNodeURI")]
    pub destination: NodeRef,
    /// Order among siblings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequence_number: Option<SequenceNumber>,
    /// Timestamp of the last change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_change_date_time: Option<String>,
    /// Other members.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A `sequenceNumber` as written: a number, or (as OpenSALT writes some) a string of digits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum SequenceNumber {
    /// `2`.
    Number(i64),
    /// `"2"`.
    Text(String),
}

impl SequenceNumber {
    /// The number.
    pub fn get(&self) -> Option<i64> {
        match self {
            SequenceNumber::Number(n) => Some(*n),
            SequenceNumber::Text(s) => s.trim().parse().ok(),
        }
    }
}

/// Reads a `sequenceNumber` value (a number or a string of digits).
fn seq_of(v: &Value) -> Option<i64> {
    v.as_i64()
        .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
}

/// A definition (CFConcept, CFSubject, CFLicense, CFAssociationGrouping, CFItemType).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CfDefinition {
    /// Identifier.
    pub identifier: String,
    /// URI.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uri: Option<String>,
    /// Title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Item types only: the type code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub type_code: Option<String>,
    /// Timestamp of the last change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_change_date_time: Option<String>,
    /// Other members (description, hierarchyCode, licenseText, …).
    #[serde(flatten)]
    pub extra: Extra,
}

/// An item type definition.
pub type CfItemType = CfDefinition;
/// A concept definition.
pub type CfConcept = CfDefinition;
/// A subject definition.
pub type CfSubject = CfDefinition;
/// A licence definition.
pub type CfLicense = CfDefinition;
/// An association grouping definition.
pub type CfAssociationGrouping = CfDefinition;

/// The CFDefinitions block.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CfDefinitions {
    /// Concepts.
    #[serde(
        rename = "CFConcepts",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub concepts: Option<Vec<CfConcept>>,
    /// Subjects.
    #[serde(
        rename = "CFSubjects",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub subjects: Option<Vec<CfSubject>>,
    /// Licences.
    #[serde(
        rename = "CFLicenses",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub licenses: Option<Vec<CfLicense>>,
    /// Item types.
    #[serde(
        rename = "CFItemTypes",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub item_types: Option<Vec<CfItemType>>,
    /// Association groupings.
    #[serde(
        rename = "CFAssociationGroupings",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub association_groupings: Option<Vec<CfAssociationGrouping>>,
    /// Other members.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A CFRubric.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CfRubric {
    /// Identifier.
    pub identifier: String,
    /// URI.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uri: Option<String>,
    /// Title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Criteria.
    #[serde(
        rename = "CFRubricCriteria",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub criteria: Option<Vec<CfRubricCriterion>>,
    /// Other members.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A CFRubricCriterion: the levels of one item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CfRubricCriterion {
    /// Identifier.
    pub identifier: String,
    /// Category; `managerial` (any case) marks Proficio's managerial track.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// The item the criterion describes.
    #[serde(rename = "CFItemURI", default, skip_serializing_if = "Option::is_none")]
    pub item: Option<NodeRef>,
    /// Levels.
    #[serde(
        rename = "CFRubricCriterionLevels",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub levels: Option<Vec<CfRubricCriterionLevel>>,
    /// Other members (uri, weight, position, …).
    #[serde(flatten)]
    pub extra: Extra,
}

/// A CFRubricCriterionLevel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CfRubricCriterionLevel {
    /// Identifier.
    pub identifier: String,
    /// What the level looks like.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The level's name ("Proficient").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quality: Option<String>,
    /// Score.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<Number>,
    /// Feedback text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feedback: Option<String>,
    /// Position among the criterion's levels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<i64>,
    /// Other members.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A whole CFPackage. Lists are `Option` so that an absent list and an empty one both
/// survive a round trip.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CfPackage {
    /// The framework document.
    #[serde(rename = "CFDocument")]
    pub document: CfDocument,
    /// Items.
    #[serde(rename = "CFItems", default, skip_serializing_if = "Option::is_none")]
    pub items: Option<Vec<CfItem>>,
    /// Associations.
    #[serde(
        rename = "CFAssociations",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub associations: Option<Vec<CfAssociation>>,
    /// Definitions.
    #[serde(
        rename = "CFDefinitions",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub definitions: Option<CfDefinitions>,
    /// Rubrics.
    #[serde(rename = "CFRubrics", default, skip_serializing_if = "Option::is_none")]
    pub rubrics: Option<Vec<CfRubric>>,
    /// Other members (`extensions`, vendor data).
    #[serde(flatten)]
    pub extra: Extra,
}

impl CfPackage {
    /// The items (empty when the list is absent).
    pub fn items(&self) -> &[CfItem] {
        self.items.as_deref().unwrap_or(&[])
    }

    /// The associations (empty when the list is absent).
    pub fn associations(&self) -> &[CfAssociation] {
        self.associations.as_deref().unwrap_or(&[])
    }

    /// The rubrics (empty when the list is absent).
    pub fn rubrics(&self) -> &[CfRubric] {
        self.rubrics.as_deref().unwrap_or(&[])
    }

    /// The item type definitions (empty when absent).
    pub fn item_types(&self) -> &[CfItemType] {
        self.definitions
            .as_ref()
            .and_then(|d| d.item_types.as_deref())
            .unwrap_or(&[])
    }
}

// ---------------------------------------------------------------------------------------
// Parsing and validation
// ---------------------------------------------------------------------------------------

#[derive(Clone, Copy)]
enum Ty {
    /// Required, non-empty string, unique across the package.
    Id,
    Str,
    ReqStr,
    Int,
    /// A whole number or a string holding one.
    Seq,
    Num,
    Link,
    ReqLink,
    List(&'static [(&'static str, Ty)]),
    Object(&'static [(&'static str, Ty)], bool),
}

const DOC_SPEC: &[(&str, Ty)] = &[
    ("identifier", Ty::Id),
    ("uri", Ty::Str),
    ("title", Ty::Str),
    ("creator", Ty::Str),
    ("description", Ty::Str),
    ("lastChangeDateTime", Ty::Str),
];
const ITEM_SPEC: &[(&str, Ty)] = &[
    ("identifier", Ty::Id),
    ("uri", Ty::Str),
    ("fullStatement", Ty::Str),
    ("abbreviatedStatement", Ty::Str),
    ("humanCodingScheme", Ty::Str),
    ("CFItemType", Ty::Str),
    ("CFItemTypeURI", Ty::Link),
    ("lastChangeDateTime", Ty::Str),
];
const ASSOC_SPEC: &[(&str, Ty)] = &[
    ("identifier", Ty::Id),
    ("uri", Ty::Str),
    ("associationType", Ty::ReqStr),
    ("originNodeURI", Ty::ReqLink),
    ("destinationNodeURI", Ty::ReqLink),
    ("sequenceNumber", Ty::Seq),
    ("lastChangeDateTime", Ty::Str),
];
const DEF_SPEC: &[(&str, Ty)] = &[
    ("identifier", Ty::Id),
    ("uri", Ty::Str),
    ("title", Ty::Str),
    ("typeCode", Ty::Str),
    ("lastChangeDateTime", Ty::Str),
];
const DEFS_SPEC: &[(&str, Ty)] = &[
    ("CFConcepts", Ty::List(DEF_SPEC)),
    ("CFSubjects", Ty::List(DEF_SPEC)),
    ("CFLicenses", Ty::List(DEF_SPEC)),
    ("CFItemTypes", Ty::List(DEF_SPEC)),
    ("CFAssociationGroupings", Ty::List(DEF_SPEC)),
];
const LEVEL_SPEC: &[(&str, Ty)] = &[
    ("identifier", Ty::Id),
    ("description", Ty::Str),
    ("quality", Ty::Str),
    ("score", Ty::Num),
    ("feedback", Ty::Str),
    ("position", Ty::Int),
];
const CRITERION_SPEC: &[(&str, Ty)] = &[
    ("identifier", Ty::Id),
    ("category", Ty::Str),
    ("CFItemURI", Ty::Link),
    ("CFRubricCriterionLevels", Ty::List(LEVEL_SPEC)),
];
const RUBRIC_SPEC: &[(&str, Ty)] = &[
    ("identifier", Ty::Id),
    ("uri", Ty::Str),
    ("title", Ty::Str),
    ("CFRubricCriteria", Ty::List(CRITERION_SPEC)),
];
const PACKAGE_SPEC: &[(&str, Ty)] = &[
    ("CFDocument", Ty::Object(DOC_SPEC, true)),
    ("CFItems", Ty::List(ITEM_SPEC)),
    ("CFAssociations", Ty::List(ASSOC_SPEC)),
    ("CFDefinitions", Ty::Object(DEFS_SPEC, false)),
    ("CFRubrics", Ty::List(RUBRIC_SPEC)),
];

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "true or false",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

fn join(at: &str, key: &str) -> String {
    if at.is_empty() {
        key.to_string()
    } else {
        format!("{at}.{key}")
    }
}

struct Checker {
    ids: HashMap<String, String>,
    problems: Vec<Problem>,
}

impl Checker {
    fn object(&mut self, map: &Extra, spec: &[(&str, Ty)], at: &str) {
        let label = match map.get("identifier").and_then(Value::as_str) {
            Some(id) if !at.is_empty() => format!("{at} (identifier {id})"),
            _ if at.is_empty() => "package".to_string(),
            _ => at.to_string(),
        };
        for &(key, ty) in spec {
            let v = map.get(key).filter(|v| !v.is_null());
            let bad = |what: &str, v: &Value| {
                Issue::new(&label, format!("{key} must be {what}, not {}.", kind_of(v)))
            };
            match (ty, v) {
                (Ty::Id, None) => self.problems.push(Issue::new(
                    &label,
                    format!("{key} is missing; every CASE object needs one."),
                )),
                (Ty::Id, Some(Value::String(s))) if s.trim().is_empty() => self
                    .problems
                    .push(Issue::new(&label, format!("{key} is empty."))),
                (Ty::Id, Some(Value::String(s))) => {
                    if let Some(first) = self.ids.insert(s.clone(), label.clone()) {
                        self.problems.push(Issue::new(
                            &label,
                            format!("the identifier {s} is also used by {first}; identifiers must be unique."),
                        ));
                    }
                }
                (Ty::ReqStr | Ty::ReqLink, None) => self
                    .problems
                    .push(Issue::new(&label, format!("{key} is missing."))),
                (Ty::Id | Ty::Str | Ty::ReqStr, Some(v)) if !v.is_string() => {
                    self.problems.push(bad("a string", v))
                }
                (Ty::Int, Some(v)) if v.as_i64().is_none() => {
                    self.problems.push(bad("a whole number", v))
                }
                (Ty::Seq, Some(v)) if seq_of(v).is_none() => {
                    self.problems.push(bad("a whole number", v))
                }
                (Ty::Num, Some(v)) if !v.is_number() => self.problems.push(bad("a number", v)),
                (Ty::Link | Ty::ReqLink, Some(v)) => match v.as_object() {
                    None => self
                        .problems
                        .push(bad("an object with an identifier, title and uri", v)),
                    Some(link) => {
                        let sub = format!("{label}.{key}");
                        match link.get("identifier") {
                            Some(Value::String(s)) if !s.trim().is_empty() => {}
                            Some(Value::String(_)) | None | Some(Value::Null) => self
                                .problems
                                .push(Issue::new(&label, format!("{key}.identifier is missing."))),
                            Some(other) => self.problems.push(Issue::new(
                                &label,
                                format!("{key}.identifier must be a string, not {}.", kind_of(other)),
                            )),
                        }
                        for k in ["title", "uri"] {
                            if let Some(x) = link.get(k).filter(|x| !x.is_null() && !x.is_string()) {
                                self.problems.push(Issue::new(
                                    &sub,
                                    format!("{k} must be a string, not {}.", kind_of(x)),
                                ));
                            }
                        }
                    }
                },
                (Ty::List(inner), Some(v)) => match v.as_array() {
                    None => self.problems.push(bad("a list", v)),
                    Some(list) => {
                        for (i, el) in list.iter().enumerate() {
                            let path = format!("{}[{i}]", join(at, key));
                            match el.as_object() {
                                Some(m) => self.object(m, inner, &path),
                                None => self.problems.push(Issue::new(
                                    &path,
                                    format!("must be an object, not {}.", kind_of(el)),
                                )),
                            }
                        }
                    }
                },
                (Ty::Object(_, true), None) => self.problems.push(Issue::new(
                    key,
                    format!("The package has no {key}; every CASE package needs one to describe the framework."),
                )),
                (Ty::Object(inner, _), Some(v)) => match v.as_object() {
                    Some(m) => self.object(m, inner, &join(at, key)),
                    None => self.problems.push(Issue::new(
                        join(at, key),
                        format!("must be an object, not {}.", kind_of(v)),
                    )),
                },
                _ => {}
            }
        }
    }
}

/// Renames the CASE 1.0 layout to 1.1 names; returns whether anything changed.
fn upgrade_v1p0(map: &mut Extra) -> bool {
    let mut changed = false;
    if !map.contains_key("CFDocument") && map.contains_key("document") {
        for (old, new) in [
            ("document", "CFDocument"),
            ("items", "CFItems"),
            ("associations", "CFAssociations"),
            ("definitions", "CFDefinitions"),
            ("rubrics", "CFRubrics"),
        ] {
            if !map.contains_key(new) {
                if let Some(v) = map.remove(old) {
                    map.insert(new.to_string(), v);
                }
            }
        }
        changed = true;
    }
    fn sourced_id(v: &mut Value, depth: usize) -> bool {
        let mut changed = false;
        match v {
            Value::Object(m) if depth < 8 => {
                if !m.contains_key("identifier") {
                    if let Some(id) = m.remove("sourcedId") {
                        m.insert("identifier".into(), id);
                        changed = true;
                    }
                }
                for (_, x) in m.iter_mut() {
                    changed |= sourced_id(x, depth + 1);
                }
            }
            Value::Array(a) if depth < 8 => {
                for x in a {
                    changed |= sourced_id(x, depth + 1);
                }
            }
            _ => {}
        }
        changed
    }
    for key in [
        "CFDocument",
        "CFItems",
        "CFAssociations",
        "CFDefinitions",
        "CFRubrics",
    ] {
        if let Some(v) = map.get_mut(key) {
            changed |= sourced_id(v, 0);
        }
    }
    changed
}

/// Parses a CFPackage from text, listing every problem (bad JSON with its line and column,
/// a missing CFDocument, wrongly typed members, duplicate identifiers).
pub fn parse_package(json: &str) -> Result<(CfPackage, Vec<Warning>), Vec<Problem>> {
    let value: Value = serde_json::from_str(json).map_err(|e| {
        let text = e.to_string();
        let text = text
            .rfind(" at line ")
            .map_or(text.as_str(), |i| &text[..i]);
        vec![Issue::new(
            format!("line {}, column {}", e.line(), e.column()),
            format!("The file is not valid JSON: {text}."),
        )]
    })?;
    parse_value(value)
}

/// Parses a CFPackage from a JSON value (see [`parse_package`]).
pub fn parse_value(value: Value) -> Result<(CfPackage, Vec<Warning>), Vec<Problem>> {
    let Value::Object(mut map) = value else {
        return Err(vec![Issue::new(
            "package",
            format!(
                "A CASE file holds one JSON object (a CFPackage); this one holds {}.",
                kind_of(&value)
            ),
        )]);
    };
    let mut warnings = Vec::new();
    if upgrade_v1p0(&mut map) {
        warnings.push(Issue::new(
            "package",
            "The file uses CASE 1.0 names (document, items, sourcedId, …); it was read as CASE 1.1.",
        ));
    }
    let mut checker = Checker {
        ids: HashMap::new(),
        problems: Vec::new(),
    };
    checker.object(&map, PACKAGE_SPEC, "");
    if !checker.problems.is_empty() {
        return Err(checker.problems);
    }
    let pkg: CfPackage = serde_json::from_value(Value::Object(map)).map_err(|e| {
        vec![Issue::new(
            "package",
            format!("The package cannot be read: {e}."),
        )]
    })?;
    Ok((pkg, warnings))
}

// ---------------------------------------------------------------------------------------
// The neutral import structure
// ---------------------------------------------------------------------------------------

/// The type of an association kept as a link.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum LinkKind {
    /// `isChildOf` (a second parent).
    IsChildOf,
    /// `isPeerOf`.
    IsPeerOf,
    /// `isPartOf`.
    IsPartOf,
    /// `exactMatchOf`.
    ExactMatchOf,
    /// `precedes`.
    Precedes,
    /// `isRelatedTo`.
    IsRelatedTo,
    /// `replacedBy`.
    ReplacedBy,
    /// `exemplar`.
    Exemplar,
    /// `hasSkillLevel`.
    HasSkillLevel,
    /// `isTranslationOf`.
    IsTranslationOf,
    /// Any other type (`ext:…`), as written.
    Other(String),
}

const LINK_KINDS: [(LinkKind, &str); 10] = [
    (LinkKind::IsChildOf, "isChildOf"),
    (LinkKind::IsPeerOf, "isPeerOf"),
    (LinkKind::IsPartOf, "isPartOf"),
    (LinkKind::ExactMatchOf, "exactMatchOf"),
    (LinkKind::Precedes, "precedes"),
    (LinkKind::IsRelatedTo, "isRelatedTo"),
    (LinkKind::ReplacedBy, "replacedBy"),
    (LinkKind::Exemplar, "exemplar"),
    (LinkKind::HasSkillLevel, "hasSkillLevel"),
    (LinkKind::IsTranslationOf, "isTranslationOf"),
];

impl LinkKind {
    /// The CASE `associationType`.
    pub fn as_str(&self) -> &str {
        match self {
            LinkKind::Other(s) => s,
            k => LINK_KINDS
                .iter()
                .find(|(c, _)| c == k)
                .map_or("isRelatedTo", |(_, s)| s),
        }
    }

    /// Reads an `associationType`.
    pub fn parse(s: &str) -> LinkKind {
        LINK_KINDS
            .iter()
            .find(|(_, n)| *n == s)
            .map_or_else(|| LinkKind::Other(s.to_string()), |(k, _)| k.clone())
    }
}

/// What a link end points at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum LinkTarget {
    /// A node of the framework, by its external id.
    Node(String),
    /// The framework's document.
    Document,
    /// Something outside the package.
    External,
}

/// One end of a link, as the file names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkEnd {
    /// The CASE identifier.
    pub identifier: String,
    /// The URI ("" if the file gave none).
    pub uri: String,
    /// The title ("" if the file gave none).
    pub title: String,
    /// Where it points.
    pub target: LinkTarget,
}

/// A non-tree association, kept whole.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportedLink {
    /// Type.
    pub kind: LinkKind,
    /// Origin.
    pub origin: LinkEnd,
    /// Destination.
    pub destination: LinkEnd,
    /// The association's full JSON (empty for links Proficio made).
    pub json: Extra,
}

/// One framework node to store.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportedNode {
    /// Stable id: the CFItem identifier.
    pub external_id: String,
    /// The parent's external id, `None` at the top level.
    pub parent: Option<String>,
    /// Kind.
    pub kind: NodeKind,
    /// Title: the abbreviated statement, else the first line of the full statement (at most
    /// 200 characters).
    pub title: String,
    /// `humanCodingScheme`, possibly empty.
    pub short_code: String,
    /// The full statement, verbatim (may be Markdown).
    pub definition: String,
    /// Position among siblings, from 0.
    pub position: u32,
    /// Level descriptions from the item's rubric criteria.
    pub level_descriptions: Vec<(Track, u8, String)>,
    /// The CFItem's other members (empty for nodes Proficio made).
    pub extra: Extra,
    /// The `isChildOf` association that placed the node, as read.
    pub child_of: Option<Extra>,
    /// Other names for it (ESCO's alternative labels), searched when drafting requirements.
    #[serde(default)]
    pub alt_labels: Vec<String>,
}

/// Level names suggested by the file's rubrics.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScaleHint {
    /// Names, lowest level first.
    pub levels: Vec<String>,
}

/// A framework read from a CASE package, ready for Proficio's database.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Imported {
    /// Name (the CFDocument title).
    pub name: String,
    /// Description.
    pub description: String,
    /// The CFDocument identifier.
    pub external_id: String,
    /// Nodes, depth first, siblings in order.
    pub nodes: Vec<ImportedNode>,
    /// Non-tree associations.
    pub links: Vec<ImportedLink>,
    /// Level names from the rubrics, if any.
    pub scale_hint: Option<ScaleHint>,
    /// The CFDocument's other members.
    pub doc_extra: Extra,
    /// The package's other members: CFDefinitions, CFRubrics, extensions, vendor data.
    pub package_extra: Extra,
}

/// How CFItem types map to node kinds. Types are matched by title (or type code), ignoring
/// case; an unmapped item gets a kind from its place in the tree: a leaf is a skill, an item
/// with at least one leaf child a competency, any other item a category. Kinds are then
/// adjusted so the tree obeys the nesting rules (an item with children is never a skill; a
/// category never sits under a competency nor holds a skill directly).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KindMapping {
    rules: Vec<(String, NodeKind)>,
}

impl Default for KindMapping {
    fn default() -> Self {
        let mut m = KindMapping::structural();
        let table: [(&[&str], NodeKind); 3] = [
            (
                &[
                    "domain",
                    "cluster",
                    "strand",
                    "category",
                    "area",
                    "theme",
                    "topic",
                    "grade level",
                ],
                NodeKind::Category,
            ),
            (
                &[
                    "standard",
                    "competency",
                    "benchmark",
                    "objective",
                    "learning objective",
                ],
                NodeKind::Competency,
            ),
            (
                &[
                    "skill",
                    "indicator",
                    "component",
                    "element",
                    "learning target",
                    "performance indicator",
                ],
                NodeKind::Skill,
            ),
        ];
        for (names, kind) in table {
            for n in names {
                m = m.with(n, kind);
            }
        }
        m
    }
}

impl KindMapping {
    /// No explicit rules: every kind comes from the tree's shape.
    pub fn structural() -> KindMapping {
        KindMapping { rules: Vec::new() }
    }

    /// Adds (or replaces) the rule for the item type titled `type_title`.
    pub fn with(mut self, type_title: &str, kind: NodeKind) -> KindMapping {
        let key = type_title.trim().to_lowercase();
        self.rules.retain(|(k, _)| *k != key);
        self.rules.push((key, kind));
        self
    }

    /// The default mapping with the admin's rules on top: one rule per line (or separated
    /// by `;`), `Item type = kind`, kind being category, competency or skill. The error
    /// names the rule that cannot be read.
    pub fn with_rules(text: &str) -> Result<KindMapping, String> {
        let mut m = KindMapping::default();
        for rule in text
            .split(['\n', ';'])
            .map(str::trim)
            .filter(|r| !r.is_empty())
        {
            let Some((ty, kind)) = rule.split_once('=') else {
                return Err(format!(
                    "\u{201c}{rule}\u{201d} is not \u{201c}Item type = kind\u{201d}."
                ));
            };
            let kind = NodeKind::parse(&kind.trim().to_lowercase()).ok_or_else(|| {
                format!("\u{201c}{rule}\u{201d}: the kind must be category, competency or skill.")
            })?;
            if ty.trim().is_empty() {
                return Err(format!("\u{201c}{rule}\u{201d} names no item type."));
            }
            m = m.with(ty, kind);
        }
        Ok(m)
    }

    /// The kind for an item type title, if a rule names it.
    pub fn kind_for(&self, type_title: &str) -> Option<NodeKind> {
        let key = type_title.trim().to_lowercase();
        self.rules.iter().find(|(k, _)| *k == key).map(|r| r.1)
    }
}

// ---------------------------------------------------------------------------------------
// Helpers shared by import and export
// ---------------------------------------------------------------------------------------

/// Compares codes naturally: digit runs by value ("A.2" < "A.10"), other text by character.
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (mut x, mut y) = (a.chars().peekable(), b.chars().peekable());
    loop {
        match (x.peek().copied(), y.peek().copied()) {
            (None, None) => return a.cmp(b),
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(c), Some(d)) if c.is_ascii_digit() && d.is_ascii_digit() => {
                let run = |it: &mut std::iter::Peekable<std::str::Chars<'_>>| {
                    let mut s = String::new();
                    while let Some(c) = it.next_if(char::is_ascii_digit) {
                        s.push(c);
                    }
                    s.trim_start_matches('0').to_string()
                };
                let (p, q) = (run(&mut x), run(&mut y));
                match p.len().cmp(&q.len()).then_with(|| p.cmp(&q)) {
                    Ordering::Equal => {}
                    o => return o,
                }
            }
            (Some(c), Some(d)) => {
                if c != d {
                    return c.cmp(&d);
                }
                x.next();
                y.next();
            }
        }
    }
}

#[derive(Debug)]
struct SortKey<'a> {
    seq: Option<i64>,
    code: Option<&'a str>,
    index: usize,
}

fn sibling_cmp(a: &SortKey<'_>, b: &SortKey<'_>) -> Ordering {
    fn some_first<T>(a: Option<T>, b: Option<T>, f: impl Fn(T, T) -> Ordering) -> Ordering {
        match (a, b) {
            (Some(a), Some(b)) => f(a, b),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        }
    }
    some_first(a.seq, b.seq, |a, b| a.cmp(&b))
        .then_with(|| some_first(a.code, b.code, natural_cmp))
        .then(a.index.cmp(&b.index))
}

/// Whether `s` is a UUID in the 8-4-4-4-12 hexadecimal form.
pub fn is_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// A deterministic UUID (version-4 form) derived from `seed` (FNV-1a 128 and a final mix).
pub fn case_uuid(seed: &str) -> String {
    let mut h: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
    for b in seed.bytes() {
        h ^= u128::from(b);
        h = h.wrapping_mul(0x0000_0000_0100_0000_0000_0000_0000_013b);
    }
    let mix = |mut z: u64| {
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    };
    let (hi, lo) = ((h >> 64) as u64, h as u64);
    let (hi, lo) = (mix(hi ^ lo.rotate_left(17)), mix(lo ^ hi.rotate_left(29)));
    let mut v = (u128::from(hi) << 64) | u128::from(lo);
    v = (v & !(0xf << 76)) | (0x4 << 76);
    v = (v & !(0x3 << 62)) | (0x2 << 62);
    let s = format!("{v:032x}");
    format!(
        "{}-{}-{}-{}-{}",
        &s[0..8],
        &s[8..12],
        &s[12..16],
        &s[16..20],
        &s[20..32]
    )
}

/// The CASE identifier for an external id: the id itself if it is a UUID, else a UUID
/// derived from it.
pub fn case_identifier(external_id: &str) -> String {
    if is_uuid(external_id) {
        external_id.to_string()
    } else {
        case_uuid(external_id)
    }
}

/// The external id of a CASE object: its identifier, unless that identifier was derived by
/// [`case_identifier`] from a non-UUID id kept in `extensions.identifier` or in `uri`.
fn external_id_for(identifier: &str, uri: Option<&str>, extra: &Extra) -> String {
    let kept = extra
        .get("extensions")
        .and_then(|e| e.get("identifier"))
        .and_then(Value::as_str);
    [kept, uri]
        .into_iter()
        .flatten()
        .find(|s| !is_uuid(s) && case_uuid(s) == identifier)
        .unwrap_or(identifier)
        .to_string()
}

/// A node title from a statement: the first non-empty line, trimmed, control characters
/// replaced by spaces, at most 200 characters (cut with "…").
pub fn title_from_statement(statement: &str) -> String {
    let line = statement
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    let clean: String = line
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if clean.chars().count() > 200 {
        clean.chars().take(199).collect::<String>() + "…"
    } else {
        clean
    }
}

/// Order of rubric levels: by position, then score, then file order.
fn level_order(keys: &[(Option<i64>, Option<f64>)]) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..keys.len()).collect();
    idx.sort_by(|&a, &b| {
        let (pa, sa) = keys[a];
        let (pb, sb) = keys[b];
        let opt = |x: Option<Ordering>, a: bool, b: bool| match (a, b) {
            (true, true) => x.unwrap_or(Ordering::Equal),
            (true, false) => Ordering::Less,
            (false, true) => Ordering::Greater,
            _ => Ordering::Equal,
        };
        opt(
            pa.zip(pb).map(|(a, b)| a.cmp(&b)),
            pa.is_some(),
            pb.is_some(),
        )
        .then_with(|| {
            opt(
                sa.zip(sb).and_then(|(a, b)| a.partial_cmp(&b)),
                sa.is_some(),
                sb.is_some(),
            )
        })
        .then(a.cmp(&b))
    });
    idx
}

fn level_text(description: Option<&str>, quality: Option<&str>, feedback: Option<&str>) -> String {
    [description, quality, feedback]
        .into_iter()
        .flatten()
        .map(str::trim)
        .find(|s| !s.is_empty())
        .unwrap_or("")
        .to_string()
}

fn criterion_track(category: Option<&str>) -> Track {
    match category {
        Some(c) if c.trim().eq_ignore_ascii_case("managerial") => Track::Managerial,
        _ => Track::Ic,
    }
}

fn to_map<T: Serialize>(v: &T) -> Extra {
    match serde_json::to_value(v) {
        Ok(Value::Object(m)) => m,
        _ => Extra::new(),
    }
}

// ---------------------------------------------------------------------------------------
// Import
// ---------------------------------------------------------------------------------------

/// Parses and imports a CASE file in one step (see [`parse_package`], [`import_package`]).
pub fn import_case(
    json: &str,
    mapping: &KindMapping,
) -> Result<(Imported, Vec<Warning>), Vec<Problem>> {
    let (pkg, mut warnings) = parse_package(json)?;
    let (imported, more) = import_package(&pkg, mapping)?;
    warnings.extend(more);
    Ok((imported, warnings))
}

/// Converts a parsed package to the structure Proficio stores. Rejects duplicate
/// identifiers, `isChildOf` cycles and items that cannot be named; warns about items placed
/// at the top level, extra parents and kinds adjusted to the nesting rules.
pub fn import_package(
    pkg: &CfPackage,
    mapping: &KindMapping,
) -> Result<(Imported, Vec<Warning>), Vec<Problem>> {
    let mut problems = Vec::new();
    let mut warnings = Vec::new();
    let doc = &pkg.document;
    let items = pkg.items();
    let label = |i: usize| format!("CFItems[{i}] (identifier {})", items[i].identifier);

    let mut index: HashMap<&str, usize> = HashMap::new();
    for (i, it) in items.iter().enumerate() {
        if it.identifier == doc.identifier {
            problems.push(Issue::new(
                label(i),
                "the identifier is also the CFDocument's.",
            ));
        } else if let Some(first) = index.insert(&it.identifier, i) {
            problems.push(Issue::new(
                label(i),
                format!("the identifier is also used by CFItems[{first}]."),
            ));
        }
    }
    let ext_ids: Vec<String> = items
        .iter()
        .map(|it| external_id_for(&it.identifier, it.uri.as_deref(), &it.extra))
        .collect();
    let doc_ext = external_id_for(&doc.identifier, doc.uri.as_deref(), &doc.extra);
    let end = |r: &NodeRef| LinkEnd {
        identifier: r.identifier.clone(),
        uri: r.uri.clone().unwrap_or_default(),
        title: r.title.clone().unwrap_or_default(),
        target: match index.get(r.identifier.as_str()) {
            Some(&i) => LinkTarget::Node(ext_ids[i].clone()),
            None if r.identifier == doc.identifier => LinkTarget::Document,
            None => LinkTarget::External,
        },
    };

    // Parent candidates per child, and links.
    let assocs = pkg.associations();
    let mut candidates: Vec<Vec<usize>> = vec![Vec::new(); items.len()];
    let mut link_assocs: Vec<usize> = Vec::new();
    for (ai, a) in assocs.iter().enumerate() {
        match index.get(a.origin.identifier.as_str()) {
            Some(&child) if a.association_type == "isChildOf" => candidates[child].push(ai),
            _ => link_assocs.push(ai),
        }
    }
    let mut parent: Vec<Option<usize>> = vec![None; items.len()];
    let mut tree_assoc: Vec<Option<usize>> = vec![None; items.len()];
    for (child, cands) in candidates.iter_mut().enumerate() {
        cands.sort_by_key(|&ai| {
            let seq = assocs[ai]
                .sequence_number
                .as_ref()
                .and_then(SequenceNumber::get);
            (seq.is_none(), seq, ai)
        });
        let chosen = cands.iter().copied().find(|&ai| {
            let d = assocs[ai].destination.identifier.as_str();
            index.contains_key(d) || d == doc.identifier
        });
        match chosen {
            Some(ai) => {
                parent[child] = index
                    .get(assocs[ai].destination.identifier.as_str())
                    .copied();
                tree_assoc[child] = Some(ai);
                let others = cands.iter().filter(|&&x| x != ai).count();
                if others > 0 {
                    warnings.push(Issue::new(
                        label(child),
                        format!("the item has {} parents; the first (CFAssociations[{ai}]) places it in the tree, the others are kept as isChildOf links.", others + 1),
                    ));
                }
            }
            None if cands.is_empty() => warnings.push(Issue::new(
                label(child),
                "no isChildOf association places this item; it is imported at the top level.",
            )),
            None => {
                let d = &assocs[cands[0]].destination;
                warnings.push(Issue::new(
                    label(child),
                    format!(
                        "its parent {} ({}) is neither an item of this package nor its document; the item is imported at the top level and the association kept as a link.",
                        d.identifier,
                        d.title.as_deref().unwrap_or("no title")
                    ),
                ));
            }
        }
        link_assocs.extend(
            cands
                .iter()
                .copied()
                .filter(|&ai| Some(ai) != tree_assoc[child]),
        );
    }
    link_assocs.sort_unstable();

    // Cycles.
    let mut state = vec![0u8; items.len()];
    for start in 0..items.len() {
        let mut path = Vec::new();
        let mut cur = Some(start);
        while let Some(c) = cur {
            match state[c] {
                0 => {
                    state[c] = 1;
                    path.push(c);
                    cur = parent[c];
                }
                1 => {
                    let from = path.iter().position(|&p| p == c).unwrap_or(0);
                    let names: Vec<String> = path[from..]
                        .iter()
                        .chain(std::iter::once(&c))
                        .map(|&i| {
                            items[i]
                                .human_coding_scheme
                                .clone()
                                .unwrap_or_else(|| items[i].identifier.clone())
                        })
                        .collect();
                    problems.push(Issue::new(
                        label(c),
                        format!(
                            "isChildOf associations form a cycle: {}.",
                            names.join(" → ")
                        ),
                    ));
                    break;
                }
                _ => break,
            }
        }
        for p in path {
            state[p] = 2;
        }
    }

    // Titles.
    let mut titles = Vec::with_capacity(items.len());
    for (i, it) in items.iter().enumerate() {
        let title = [
            &it.abbreviated_statement,
            &it.full_statement,
            &it.human_coding_scheme,
        ]
        .into_iter()
        .flatten()
        .map(|s| title_from_statement(s))
        .find(|t| !t.is_empty())
        .unwrap_or_default();
        if title.is_empty() {
            problems.push(Issue::new(
                label(i),
                "the item has no fullStatement (nor abbreviatedStatement or humanCodingScheme) to name it by.",
            ));
        } else if it
            .full_statement
            .as_deref()
            .is_none_or(|s| s.trim().is_empty())
        {
            warnings.push(Issue::new(
                label(i),
                "fullStatement is missing; the title is used instead.",
            ));
        }
        titles.push(title);
    }
    if !problems.is_empty() {
        return Err(problems);
    }

    // Sibling order and display order.
    let mut children: HashMap<Option<usize>, Vec<usize>> = HashMap::new();
    for (i, p) in parent.iter().enumerate() {
        children.entry(*p).or_default().push(i);
    }
    for list in children.values_mut() {
        list.sort_by(|&a, &b| {
            let key = |i: usize| SortKey {
                seq: tree_assoc[i].and_then(|ai| assocs[ai].sequence_number.as_ref()?.get()),
                code: items[i]
                    .human_coding_scheme
                    .as_deref()
                    .filter(|c| !c.trim().is_empty()),
                index: i,
            };
            sibling_cmp(&key(a), &key(b))
        });
    }
    let mut order: Vec<(usize, u32)> = Vec::with_capacity(items.len());
    let mut stack: Vec<(usize, u32)> = children
        .get(&None)
        .map(|l| {
            l.iter()
                .enumerate()
                .rev()
                .map(|(p, &i)| (i, p as u32))
                .collect()
        })
        .unwrap_or_default();
    while let Some((i, pos)) = stack.pop() {
        order.push((i, pos));
        if let Some(l) = children.get(&Some(i)) {
            stack.extend(l.iter().enumerate().rev().map(|(p, &c)| (c, p as u32)));
        }
    }

    // Kinds.
    let type_defs: HashMap<&str, &CfItemType> = pkg
        .item_types()
        .iter()
        .map(|t| (t.identifier.as_str(), t))
        .collect();
    let has_children = |i: usize| children.get(&Some(i)).is_some_and(|l| !l.is_empty());
    let mut kind = vec![NodeKind::Skill; items.len()];
    let mut explicit = vec![false; items.len()];
    for (i, it) in items.iter().enumerate() {
        let typed = it.item_type_uri.as_ref();
        let def = typed.and_then(|r| type_defs.get(r.identifier.as_str()));
        let names = [
            it.item_type.as_deref(),
            typed.and_then(|r| r.title.as_deref()),
            def.and_then(|d| d.title.as_deref()),
            def.and_then(|d| d.type_code.as_deref()),
        ];
        if let Some(k) = names
            .into_iter()
            .flatten()
            .find_map(|n| mapping.kind_for(n))
        {
            kind[i] = k;
            explicit[i] = true;
        } else if !has_children(i) {
            kind[i] = NodeKind::Skill;
        } else if children[&Some(i)].iter().any(|&c| !has_children(c)) {
            kind[i] = NodeKind::Competency;
        } else {
            kind[i] = NodeKind::Category;
        }
    }
    for &(i, _) in &order {
        let before = kind[i];
        if has_children(i) && kind[i] == NodeKind::Skill {
            kind[i] = NodeKind::Competency;
        }
        if let Some(p) = parent[i] {
            if !kind[p].can_contain(kind[i]) {
                kind[i] = NodeKind::Competency;
            }
        }
        if explicit[i] && kind[i] != before {
            warnings.push(Issue::new(
                label(i),
                format!(
                    "its type makes it {}, which does not fit its place in the tree; it is imported as {}.",
                    before.article(),
                    kind[i].article()
                ),
            ));
        }
    }

    // Rubrics.
    let mut levels: HashMap<usize, Vec<(Track, u8, String)>> = HashMap::new();
    let mut scale_hint = None;
    let mut seen: HashSet<(usize, Track)> = HashSet::new();
    for (ri, rubric) in pkg.rubrics().iter().enumerate() {
        for (ci, crit) in rubric.criteria.as_deref().unwrap_or(&[]).iter().enumerate() {
            let at = format!(
                "CFRubrics[{ri}].CFRubricCriteria[{ci}] (identifier {})",
                crit.identifier
            );
            let lv = crit.levels.as_deref().unwrap_or(&[]);
            let keys: Vec<_> = lv
                .iter()
                .map(|l| (l.position, l.score.as_ref().and_then(Number::as_f64)))
                .collect();
            let ordered = level_order(&keys);
            if scale_hint.is_none() && (2..=10).contains(&lv.len()) {
                scale_hint = Some(ScaleHint {
                    levels: ordered
                        .iter()
                        .enumerate()
                        .map(|(n, &l)| {
                            lv[l]
                                .quality
                                .as_deref()
                                .map(str::trim)
                                .filter(|q| !q.is_empty())
                                .map_or_else(|| format!("Level {}", n + 1), str::to_string)
                        })
                        .collect(),
                });
            }
            let Some(&item) = crit
                .item
                .as_ref()
                .and_then(|r| index.get(r.identifier.as_str()))
            else {
                continue;
            };
            let track = criterion_track(crit.category.as_deref());
            if !seen.insert((item, track)) {
                warnings.push(Issue::new(&at, format!("{} already has level descriptions from an earlier criterion; this one is kept in the file but not used.", label(item))));
                continue;
            }
            if lv.len() > 10 {
                warnings.push(Issue::new(&at, format!("the criterion has {} levels; Proficio keeps level descriptions for the first 10.", lv.len())));
            }
            for (n, &l) in ordered.iter().take(10).enumerate() {
                let text = level_text(
                    lv[l].description.as_deref(),
                    lv[l].quality.as_deref(),
                    lv[l].feedback.as_deref(),
                );
                if !text.is_empty() {
                    levels
                        .entry(item)
                        .or_default()
                        .push((track, n as u8 + 1, text));
                }
            }
        }
    }

    let nodes = order
        .iter()
        .map(|&(i, position)| {
            let it = &items[i];
            let mut extra = to_map(it);
            for k in ["identifier", "fullStatement", "humanCodingScheme"] {
                extra.remove(k);
            }
            if it.abbreviated_statement.as_deref() == Some(titles[i].as_str()) {
                extra.remove("abbreviatedStatement");
            }
            let mut level_descriptions = levels.remove(&i).unwrap_or_default();
            level_descriptions.sort();
            ImportedNode {
                external_id: ext_ids[i].clone(),
                parent: parent[i].map(|p| ext_ids[p].clone()),
                kind: kind[i],
                title: titles[i].clone(),
                short_code: it.human_coding_scheme.clone().unwrap_or_default(),
                definition: it.full_statement.clone().unwrap_or_default(),
                position,
                level_descriptions,
                extra,
                child_of: tree_assoc[i].map(|ai| to_map(&assocs[ai])),
                alt_labels: Vec::new(),
            }
        })
        .collect();
    let links = link_assocs
        .into_iter()
        .map(|ai| {
            let a = &assocs[ai];
            ImportedLink {
                kind: LinkKind::parse(&a.association_type),
                origin: end(&a.origin),
                destination: end(&a.destination),
                json: to_map(a),
            }
        })
        .collect();

    let mut doc_extra = to_map(doc);
    doc_extra.remove("identifier");
    doc_extra.remove("description");
    let title_kept = doc.title.as_deref().is_some_and(|t| t != t.trim());
    if !title_kept {
        doc_extra.remove("title");
    }
    let mut package_extra = to_map(pkg);
    for k in ["CFDocument", "CFItems", "CFAssociations"] {
        package_extra.remove(k);
    }
    let name = doc
        .title
        .as_deref()
        .map(str::trim)
        .unwrap_or("")
        .to_string();
    let name = if name.is_empty() {
        warnings.push(Issue::new("CFDocument", "The document has no title; the framework is called \u{201c}Imported CASE framework\u{201d}."));
        "Imported CASE framework".to_string()
    } else {
        name
    };
    Ok((
        Imported {
            name,
            description: doc.description.clone().unwrap_or_default(),
            external_id: doc_ext,
            nodes,
            links,
            scale_hint,
            doc_extra,
            package_extra,
        },
        warnings,
    ))
}

// ---------------------------------------------------------------------------------------
// Export
// ---------------------------------------------------------------------------------------

/// What an export needs that the framework does not say.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportOptions {
    /// Base of the URIs made for objects Proficio created, without a trailing slash
    /// (`https://proficio.example.org/case`); they become `{base}/CFItems/{identifier}`.
    pub base_uri: String,
    /// The export time, RFC 3339 (`2026-05-01T12:00:00+00:00`): the `lastChangeDateTime` of
    /// objects that have none.
    pub now: String,
    /// The CFDocument creator when the framework has none.
    pub creator: String,
}

impl ExportOptions {
    /// Options with `creator` "Proficio".
    pub fn new(base_uri: &str, now: &str) -> ExportOptions {
        ExportOptions {
            base_uri: base_uri.trim_end_matches('/').to_string(),
            now: now.to_string(),
            creator: "Proficio".to_string(),
        }
    }
}

fn link_obj(identifier: &str, uri: &str, title: &str) -> Value {
    let mut m = Extra::new();
    m.insert("title".into(), Value::from(title));
    m.insert("identifier".into(), Value::from(identifier));
    m.insert("uri".into(), Value::from(uri));
    Value::Object(m)
}

/// Sets a node reference's identifier, uri and title, leaving the object unchanged when it
/// already names `identifier`.
fn set_ref(obj: &mut Extra, key: &str, identifier: &str, uri: &str, title: &str) {
    let same = obj
        .get(key)
        .and_then(|r| r.get("identifier"))
        .and_then(Value::as_str)
        == Some(identifier);
    if !same {
        obj.insert(key.into(), link_obj(identifier, uri, title));
    }
}

fn str_of<'a>(m: &'a Extra, key: &str) -> Option<&'a str> {
    m.get(key).and_then(Value::as_str)
}

/// Gives `obj` the CASE identity of `external_id` (see [`case_identifier`]) and a uri.
fn set_identity(obj: &mut Extra, external_id: &str, class: &str, o: &ExportOptions) -> String {
    let id = case_identifier(external_id);
    obj.insert("identifier".into(), Value::from(id.as_str()));
    if !obj.contains_key("uri") {
        let looks_like_uri =
            external_id.contains(':') && !external_id.contains(char::is_whitespace);
        let uri = if id != external_id && looks_like_uri {
            external_id.to_string()
        } else {
            format!("{}/{class}/{id}", o.base_uri)
        };
        obj.insert("uri".into(), Value::from(uri));
    }
    if id != external_id && str_of(obj, "uri") != Some(external_id) {
        put_extension(obj, "identifier", Value::from(external_id), false);
    }
    id
}

/// Puts `value` into `obj.extensions[key]` (a list of objects when `array`), keeping any
/// different value already there.
fn put_extension(obj: &mut Extra, key: &str, value: Value, array: bool) {
    let ext = obj.entry("extensions").or_insert_with(|| {
        if array {
            Value::Array(vec![Value::Object(Extra::new())])
        } else {
            Value::Object(Extra::new())
        }
    });
    let target = match ext {
        Value::Object(m) => m,
        Value::Array(a) => {
            if !matches!(a.last(), Some(Value::Object(_))) {
                a.push(Value::Object(Extra::new()));
            }
            match a.last_mut() {
                Some(Value::Object(m)) => m,
                _ => return,
            }
        }
        _ => return,
    };
    let mut k = key.to_string();
    while let Some(existing) = target.get(&k) {
        if *existing == value {
            return;
        }
        k.push('_');
    }
    target.insert(k, value);
}

/// The CASE 1.1 type of a member.
#[derive(Clone, Copy)]
enum Fx {
    Str,
    Uuid,
    DateTime,
    Date,
    Int,
    Num,
    StrList,
    Link,
    LinkList,
    LinkGen,
    AssocType,
    CaseVersion,
    Objects(&'static Class),
    Object(&'static Class),
}

struct Class {
    name: &'static str,
    fields: &'static [(&'static str, Fx)],
    required: &'static [&'static str],
    ext_array: bool,
}

const C_DOC: Class = Class {
    name: "CFDocuments",
    fields: &[
        ("identifier", Fx::Uuid),
        ("uri", Fx::Str),
        ("frameworkType", Fx::Str),
        ("caseVersion", Fx::CaseVersion),
        ("creator", Fx::Str),
        ("title", Fx::Str),
        ("lastChangeDateTime", Fx::DateTime),
        ("officialSourceURL", Fx::Str),
        ("publisher", Fx::Str),
        ("description", Fx::Str),
        ("subject", Fx::StrList),
        ("subjectURI", Fx::LinkList),
        ("language", Fx::Str),
        ("version", Fx::Str),
        ("adoptionStatus", Fx::Str),
        ("statusStartDate", Fx::Date),
        ("statusEndDate", Fx::Date),
        ("licenseURI", Fx::Link),
        ("notes", Fx::Str),
    ],
    required: &[
        "identifier",
        "uri",
        "creator",
        "title",
        "lastChangeDateTime",
    ],
    ext_array: false,
};
const C_ITEM: Class = Class {
    name: "CFItems",
    fields: &[
        ("identifier", Fx::Uuid),
        ("fullStatement", Fx::Str),
        ("alternativeLabel", Fx::Str),
        ("CFItemType", Fx::Str),
        ("uri", Fx::Str),
        ("humanCodingScheme", Fx::Str),
        ("listEnumeration", Fx::Str),
        ("abbreviatedStatement", Fx::Str),
        ("conceptKeywords", Fx::StrList),
        ("conceptKeywordsURI", Fx::Link),
        ("notes", Fx::Str),
        ("subject", Fx::StrList),
        ("subjectURI", Fx::LinkList),
        ("language", Fx::Str),
        ("educationLevel", Fx::StrList),
        ("CFItemTypeURI", Fx::Link),
        ("licenseURI", Fx::Link),
        ("statusStartDate", Fx::Date),
        ("statusEndDate", Fx::Date),
        ("lastChangeDateTime", Fx::DateTime),
    ],
    required: &["identifier", "fullStatement", "uri", "lastChangeDateTime"],
    ext_array: false,
};
const C_ASSOC: Class = Class {
    name: "CFAssociations",
    fields: &[
        ("identifier", Fx::Uuid),
        ("associationType", Fx::AssocType),
        ("sequenceNumber", Fx::Int),
        ("uri", Fx::Str),
        ("originNodeURI", Fx::LinkGen),
        ("destinationNodeURI", Fx::LinkGen),
        ("CFAssociationGroupingURI", Fx::Link),
        ("lastChangeDateTime", Fx::DateTime),
        ("notes", Fx::Str),
    ],
    required: &[
        "identifier",
        "associationType",
        "uri",
        "originNodeURI",
        "destinationNodeURI",
        "lastChangeDateTime",
    ],
    ext_array: false,
};
const fn def_class(
    name: &'static str,
    fields: &'static [(&'static str, Fx)],
    required: &'static [&'static str],
) -> Class {
    Class {
        name,
        fields,
        required,
        ext_array: false,
    }
}
const ID: (&str, Fx) = ("identifier", Fx::Uuid);
const URI: (&str, Fx) = ("uri", Fx::Str);
const TITLE: (&str, Fx) = ("title", Fx::Str);
const DESCRIPTION: (&str, Fx) = ("description", Fx::Str);
const HIERARCHY: (&str, Fx) = ("hierarchyCode", Fx::Str);
const CHANGED: (&str, Fx) = ("lastChangeDateTime", Fx::DateTime);
const C_CONCEPT: Class = def_class(
    "CFConcepts",
    &[
        ID,
        URI,
        TITLE,
        ("keywords", Fx::Str),
        HIERARCHY,
        DESCRIPTION,
        CHANGED,
    ],
    &[
        "identifier",
        "uri",
        "title",
        "hierarchyCode",
        "lastChangeDateTime",
    ],
);
const C_SUBJECT: Class = def_class(
    "CFSubjects",
    &[ID, URI, TITLE, HIERARCHY, DESCRIPTION, CHANGED],
    &[
        "identifier",
        "uri",
        "title",
        "hierarchyCode",
        "lastChangeDateTime",
    ],
);
const C_LICENSE: Class = def_class(
    "CFLicenses",
    &[
        ID,
        URI,
        TITLE,
        DESCRIPTION,
        ("licenseText", Fx::Str),
        CHANGED,
    ],
    &[
        "identifier",
        "uri",
        "title",
        "licenseText",
        "lastChangeDateTime",
    ],
);
const C_ITEM_TYPE: Class = def_class(
    "CFItemTypes",
    &[
        ID,
        URI,
        TITLE,
        DESCRIPTION,
        HIERARCHY,
        ("typeCode", Fx::Str),
        CHANGED,
    ],
    &[
        "identifier",
        "uri",
        "title",
        "description",
        "hierarchyCode",
        "lastChangeDateTime",
    ],
);
const C_GROUPING: Class = def_class(
    "CFAssociationGroupings",
    &[ID, URI, TITLE, DESCRIPTION, CHANGED],
    &["identifier", "uri", "title", "lastChangeDateTime"],
);
const C_DEFS: Class = Class {
    name: "CFDefinitions",
    fields: &[
        ("CFConcepts", Fx::Objects(&C_CONCEPT)),
        ("CFSubjects", Fx::Objects(&C_SUBJECT)),
        ("CFLicenses", Fx::Objects(&C_LICENSE)),
        ("CFItemTypes", Fx::Objects(&C_ITEM_TYPE)),
        ("CFAssociationGroupings", Fx::Objects(&C_GROUPING)),
    ],
    required: &[],
    ext_array: false,
};
const C_LEVEL: Class = Class {
    name: "CFRubricCriterionLevels",
    fields: &[
        ("identifier", Fx::Uuid),
        ("uri", Fx::Str),
        ("description", Fx::Str),
        ("quality", Fx::Str),
        ("score", Fx::Num),
        ("feedback", Fx::Str),
        ("position", Fx::Int),
        ("rubricCriterionId", Fx::Uuid),
        ("lastChangeDateTime", Fx::DateTime),
    ],
    required: &["identifier", "uri", "lastChangeDateTime"],
    ext_array: true,
};
const C_CRITERION: Class = Class {
    name: "CFRubricCriteria",
    fields: &[
        ("identifier", Fx::Uuid),
        ("uri", Fx::Str),
        ("category", Fx::Str),
        ("description", Fx::Str),
        ("CFItemURI", Fx::Link),
        ("weight", Fx::Num),
        ("position", Fx::Int),
        ("rubricId", Fx::Uuid),
        ("lastChangeDateTime", Fx::DateTime),
        ("CFRubricCriterionLevels", Fx::Objects(&C_LEVEL)),
    ],
    required: &["identifier", "uri", "lastChangeDateTime"],
    ext_array: false,
};
const C_RUBRIC: Class = Class {
    name: "CFRubrics",
    fields: &[
        ("identifier", Fx::Uuid),
        ("uri", Fx::Str),
        ("title", Fx::Str),
        ("description", Fx::Str),
        ("lastChangeDateTime", Fx::DateTime),
        ("CFRubricCriteria", Fx::Objects(&C_CRITERION)),
    ],
    required: &["identifier", "uri", "lastChangeDateTime"],
    ext_array: false,
};
const C_PACKAGE: Class = Class {
    name: "CFPackages",
    fields: &[
        ("CFDocument", Fx::Object(&C_DOC)),
        ("CFItems", Fx::Objects(&C_ITEM)),
        ("CFAssociations", Fx::Objects(&C_ASSOC)),
        ("CFDefinitions", Fx::Object(&C_DEFS)),
        ("CFRubrics", Fx::Objects(&C_RUBRIC)),
    ],
    required: &[],
    ext_array: false,
};

const ASSOC_TYPES: [&str; 10] = [
    "isChildOf",
    "isPeerOf",
    "isPartOf",
    "exactMatchOf",
    "precedes",
    "isRelatedTo",
    "replacedBy",
    "exemplar",
    "hasSkillLevel",
    "isTranslationOf",
];

fn digits(s: &[u8]) -> Option<u32> {
    if s.is_empty() || !s.iter().all(u8::is_ascii_digit) {
        return None;
    }
    s.iter().try_fold(0u32, |n, d| {
        n.checked_mul(10)?.checked_add(u32::from(d - b'0'))
    })
}

/// Whether `s` is an RFC 3339 full date (`2017-09-22`).
fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let (Some(y), Some(m), Some(d)) = (digits(&b[0..4]), digits(&b[5..7]), digits(&b[8..10]))
    else {
        return false;
    };
    let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&d)
}

/// Splits an RFC 3339 time into (time without zone, zone), checking the clock part.
fn split_time(t: &str) -> Option<(&str, &str)> {
    let b = t.as_bytes();
    if b.len() < 8 || b[2] != b':' || b[5] != b':' {
        return None;
    }
    let (h, mi, s) = (digits(&b[0..2])?, digits(&b[3..5])?, digits(&b[6..8])?);
    if h > 23 || mi > 59 || s > 59 {
        return None;
    }
    let mut end = 8;
    if b.get(8) == Some(&b'.') {
        end = 9;
        while b.get(end).is_some_and(u8::is_ascii_digit) {
            end += 1;
        }
        if end == 9 {
            return None;
        }
    }
    Some((&t[..end], &t[end..]))
}

fn is_zone(z: &str) -> bool {
    let b = z.as_bytes();
    matches!(z, "Z" | "z")
        || (b.len() == 6
            && (b[0] == b'+' || b[0] == b'-')
            && b[3] == b':'
            && digits(&b[1..3]).is_some_and(|h| h < 24)
            && digits(&b[4..6]).is_some_and(|m| m < 60))
}

/// Whether `s` is an RFC 3339 date-time with a zone.
fn is_date_time(s: &str) -> bool {
    s.len() > 11
        && s.is_char_boundary(10)
        && is_date(&s[..10])
        && matches!(s.as_bytes()[10], b'T' | b't')
        && split_time(&s[11..]).is_some_and(|(_, z)| is_zone(z))
}

/// A date-time that lacks only its zone (or uses a space for `T`) read as UTC.
fn fix_date_time(s: &str) -> Option<String> {
    let s = s.trim();
    if s.len() == 10 && is_date(s) {
        return Some(format!("{s}T00:00:00+00:00"));
    }
    if s.len() > 11 && s.is_char_boundary(10) && s.is_char_boundary(11) && is_date(&s[..10]) {
        let (time, zone) = split_time(&s[11..])?;
        let zone = if zone.is_empty() { "+00:00" } else { zone };
        let fixed = format!("{}T{time}{zone}", &s[..10]);
        return is_date_time(&fixed).then_some(fixed);
    }
    None
}

fn is_link(v: &Value) -> bool {
    v.as_object().is_some_and(|m| {
        m.keys()
            .all(|k| matches!(k.as_str(), "title" | "identifier" | "uri"))
            && str_of(m, "title").is_some()
            && str_of(m, "uri").is_some()
            && str_of(m, "identifier").is_some_and(is_uuid)
    })
}

fn is_ext_name(s: &str) -> bool {
    s.strip_prefix("ext:").is_some_and(|r| {
        !r.is_empty()
            && r.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '|'))
    })
}

/// Whether a value has the CASE 1.1 type; `Err` holds a corrected value.
fn check_fx(fx: Fx, v: &Value, o: &ExportOptions) -> Result<(), Option<Value>> {
    let ok = match fx {
        Fx::Str => v.is_string(),
        Fx::Uuid => v.as_str().is_some_and(is_uuid),
        Fx::Date => v.as_str().is_some_and(is_date),
        Fx::DateTime => match v.as_str() {
            Some(s) if is_date_time(s) => true,
            Some(s) => {
                return Err(Some(Value::from(
                    fix_date_time(s).unwrap_or_else(|| o.now.clone()),
                )))
            }
            None => false,
        },
        Fx::Int => match seq_of(v) {
            Some(_) if v.is_i64() => true,
            Some(n) => return Err(Some(Value::from(n))),
            None => false,
        },
        Fx::Num => v.is_number(),
        Fx::StrList => v.as_array().is_some_and(|a| a.iter().all(Value::is_string)),
        Fx::Link => is_link(v),
        Fx::LinkList => v.as_array().is_some_and(|a| a.iter().all(is_link)),
        Fx::LinkGen => {
            let good = v.as_object().is_some_and(|m| {
                m.keys()
                    .all(|k| matches!(k.as_str(), "title" | "identifier" | "uri" | "targetType"))
                    && ["title", "identifier", "uri"]
                        .iter()
                        .all(|k| str_of(m, k).is_some())
                    && m.get("targetType")
                        .is_none_or(|t| t.as_str().is_some_and(|t| t == "CASE" || is_ext_name(t)))
            });
            if good {
                return Ok(());
            }
            let m = v.as_object();
            let get = |k: &str| m.and_then(|m| str_of(m, k)).unwrap_or("").to_string();
            return Err(Some(link_obj(
                &get("identifier"),
                &get("uri"),
                &get("title"),
            )));
        }
        Fx::AssocType => match v.as_str() {
            Some(s) if ASSOC_TYPES.contains(&s) || is_ext_name(s) => true,
            Some(s) => {
                let clean: String = s
                    .chars()
                    .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
                    .collect();
                return Err(Some(Value::from(format!(
                    "ext:{}",
                    if clean.is_empty() {
                        "association"
                    } else {
                        &clean
                    }
                ))));
            }
            None => false,
        },
        Fx::CaseVersion => v.as_str() == Some("1.1"),
        Fx::Objects(_) => v.is_array(),
        Fx::Object(_) => v.is_object(),
    };
    if ok {
        Ok(())
    } else {
        Err(None)
    }
}

/// Makes one object valid CASE 1.1: members the schema does not allow there, or whose value
/// breaks it, move verbatim into `extensions`; broken timestamps and node references are
/// corrected; missing required members get defaults.
fn conform(obj: Extra, class: &Class, o: &ExportOptions) -> Extra {
    let mut out = Extra::new();
    let mut moved: Vec<(String, Value)> = Vec::new();
    let mut ext = None;
    let original = Value::Object(obj.clone());
    for (k, v) in obj {
        if k == "extensions" {
            ext = Some(v);
            continue;
        }
        let Some(&(_, fx)) = class.fields.iter().find(|(n, _)| *n == k) else {
            moved.push((k, v));
            continue;
        };
        match (fx, v) {
            (Fx::Objects(inner), Value::Array(list)) => {
                let mut kept = Vec::new();
                let mut odd = Vec::new();
                for el in list {
                    match el {
                        Value::Object(m) => kept.push(Value::Object(conform(m, inner, o))),
                        other => odd.push(other),
                    }
                }
                if !odd.is_empty() {
                    moved.push((k.clone(), Value::Array(odd)));
                }
                out.insert(k, Value::Array(kept));
            }
            (Fx::Object(inner), Value::Object(m)) => {
                out.insert(k, Value::Object(conform(m, inner, o)));
            }
            (fx, v) => match check_fx(fx, &v, o) {
                Ok(()) => {
                    out.insert(k, v);
                }
                Err(fixed) => {
                    if let Some(f) = fixed {
                        out.insert(k.clone(), f);
                    }
                    moved.push((k, v));
                }
            },
        }
    }
    // The original extensions come first, then moved members (which never overwrite).
    match ext {
        Some(Value::Object(m)) if !class.ext_array => {
            out.insert("extensions".into(), Value::Object(m));
        }
        Some(Value::Array(a)) if class.ext_array && a.iter().all(Value::is_object) => {
            out.insert("extensions".into(), Value::Array(a));
        }
        Some(other) => moved.push(("extensions".into(), other)),
        None => {}
    }
    for (k, v) in moved {
        put_extension(&mut out, &k, v, class.ext_array);
    }
    for &req in class.required {
        if out.contains_key(req) {
            continue;
        }
        let value = match req {
            "identifier" => Value::from(case_uuid(&format!("{}|{original}", class.name))),
            "uri" => {
                let id = str_of(&out, "identifier").unwrap_or("").to_string();
                Value::from(format!("{}/{}/{id}", o.base_uri, class.name))
            }
            "lastChangeDateTime" => Value::from(o.now.as_str()),
            "creator" => Value::from(o.creator.as_str()),
            "associationType" => Value::from("isRelatedTo"),
            "originNodeURI" | "destinationNodeURI" => link_obj("", "", ""),
            _ => Value::from(""),
        };
        out.insert(req.into(), value);
    }
    out
}

/// The CFItem statements for a node: (fullStatement, abbreviatedStatement if needed).
fn statements(node: &ImportedNode) -> (String, Option<String>) {
    let full = if node.definition.trim().is_empty() {
        node.title.clone()
    } else {
        node.definition.clone()
    };
    if let Some(a) = str_of(&node.extra, "abbreviatedStatement") {
        if title_from_statement(a) == node.title {
            return (full, Some(a.to_string()));
        }
    }
    let abbreviated = (title_from_statement(&full) != node.title).then(|| node.title.clone());
    (full, abbreviated)
}

fn level_keys(levels: &[Value]) -> Vec<(Option<i64>, Option<f64>)> {
    levels
        .iter()
        .map(|l| {
            (
                l.get("position").and_then(Value::as_i64),
                l.get("score").and_then(Value::as_f64),
            )
        })
        .collect()
}

/// Writes the nodes' level descriptions into the rubrics: existing criteria for an item
/// are updated in place (only changed texts), and one new rubric holds criteria for items
/// that had none.
fn export_rubrics(
    imported: &Imported,
    case_ids: &HashMap<&str, String>,
    o: &ExportOptions,
) -> Option<Value> {
    let mut rubrics: Vec<Value> = imported
        .package_extra
        .get("CFRubrics")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let by_case: HashMap<&str, &ImportedNode> = imported
        .nodes
        .iter()
        .filter_map(|n| Some((case_ids.get(n.external_id.as_str())?.as_str(), n)))
        .collect();
    let mut covered: HashSet<(String, Track)> = HashSet::new();
    for rubric in rubrics.iter_mut() {
        let Some(criteria) = rubric
            .get_mut("CFRubricCriteria")
            .and_then(Value::as_array_mut)
        else {
            continue;
        };
        for crit in criteria.iter_mut().filter_map(Value::as_object_mut) {
            let item = crit
                .get("CFItemURI")
                .and_then(|r| r.get("identifier"))
                .and_then(Value::as_str)
                .unwrap_or("");
            let Some(node) = by_case.get(item) else {
                continue;
            };
            let track = criterion_track(str_of(crit, "category"));
            if !covered.insert((node.external_id.clone(), track)) {
                continue;
            }
            let crit_id = str_of(crit, "identifier").unwrap_or("").to_string();
            let levels = crit
                .entry("CFRubricCriterionLevels")
                .or_insert_with(|| Value::Array(Vec::new()));
            let Value::Array(levels) = levels else {
                continue;
            };
            let order = level_order(&level_keys(levels));
            for (t, n, text) in &node.level_descriptions {
                if *t != track || *n == 0 {
                    continue;
                }
                match order.get(usize::from(*n) - 1) {
                    Some(&l) => {
                        if let Some(level) = levels[l].as_object_mut() {
                            let current = level_text(
                                str_of(level, "description"),
                                str_of(level, "quality"),
                                str_of(level, "feedback"),
                            );
                            if current != *text {
                                level.insert("description".into(), Value::from(text.as_str()));
                            }
                        }
                    }
                    None => levels.push(new_level(&crit_id, *n, text, imported, o)),
                }
            }
        }
    }
    let rubric_id = case_uuid(&format!("rubric|{}", imported.external_id));
    let mut criteria = Vec::new();
    for node in &imported.nodes {
        for track in Track::ALL {
            let texts: Vec<_> = node
                .level_descriptions
                .iter()
                .filter(|(t, n, _)| *t == track && *n > 0)
                .collect();
            if texts.is_empty() || covered.contains(&(node.external_id.clone(), track)) {
                continue;
            }
            let item_id = case_identifier(&node.external_id);
            let crit_id = case_uuid(&format!(
                "criterion|{}|{}",
                node.external_id,
                track.as_str()
            ));
            let mut c = Extra::new();
            c.insert("identifier".into(), Value::from(crit_id.as_str()));
            c.insert(
                "uri".into(),
                Value::from(format!("{}/CFRubricCriteria/{crit_id}", o.base_uri)),
            );
            if track == Track::Managerial {
                c.insert("category".into(), Value::from("managerial"));
            }
            let item_uri = str_of(&node.extra, "uri").map_or_else(
                || format!("{}/CFItems/{item_id}", o.base_uri),
                str::to_string,
            );
            c.insert(
                "CFItemURI".into(),
                link_obj(&item_id, &item_uri, &node.title),
            );
            c.insert("position".into(), Value::from(criteria.len() as i64 + 1));
            c.insert("rubricId".into(), Value::from(rubric_id.as_str()));
            c.insert("lastChangeDateTime".into(), Value::from(o.now.as_str()));
            let levels = texts
                .iter()
                .map(|(_, n, text)| new_level(&crit_id, *n, text, imported, o))
                .collect();
            c.insert("CFRubricCriterionLevels".into(), Value::Array(levels));
            criteria.push(Value::Object(c));
        }
    }
    if !criteria.is_empty() {
        let mut r = Extra::new();
        r.insert("identifier".into(), Value::from(rubric_id.as_str()));
        r.insert(
            "uri".into(),
            Value::from(format!("{}/CFRubrics/{rubric_id}", o.base_uri)),
        );
        r.insert(
            "title".into(),
            Value::from(format!("{}: level descriptions", imported.name)),
        );
        r.insert("lastChangeDateTime".into(), Value::from(o.now.as_str()));
        r.insert("CFRubricCriteria".into(), Value::Array(criteria));
        rubrics.push(Value::Object(r));
    }
    (!rubrics.is_empty() || imported.package_extra.contains_key("CFRubrics"))
        .then_some(Value::Array(rubrics))
}

fn new_level(crit_id: &str, n: u8, text: &str, imported: &Imported, o: &ExportOptions) -> Value {
    let id = case_uuid(&format!("level|{crit_id}|{n}"));
    let mut l = Extra::new();
    l.insert("identifier".into(), Value::from(id.as_str()));
    l.insert(
        "uri".into(),
        Value::from(format!("{}/CFRubricCriterionLevels/{id}", o.base_uri)),
    );
    l.insert("description".into(), Value::from(text));
    if let Some(name) = imported
        .scale_hint
        .as_ref()
        .and_then(|h| h.levels.get(usize::from(n) - 1))
    {
        l.insert("quality".into(), Value::from(name.as_str()));
    }
    l.insert("position".into(), Value::from(i64::from(n)));
    if is_uuid(crit_id) {
        l.insert("rubricCriterionId".into(), Value::from(crit_id));
    }
    l.insert("lastChangeDateTime".into(), Value::from(o.now.as_str()));
    Value::Object(l)
}

/// Exports a framework as a CASE 1.1 CFPackage that validates against the official schema.
/// Identifiers are kept (a non-UUID external id gets a derived UUID and is kept in the
/// `uri` or in `extensions.identifier`, so a re-import finds the same id); members read from
/// a file are written back (see the module notes on `extensions`).
pub fn export_case(imported: &Imported, o: &ExportOptions) -> Value {
    let case_ids: HashMap<&str, String> = imported
        .nodes
        .iter()
        .map(|n| (n.external_id.as_str(), case_identifier(&n.external_id)))
        .collect();
    // Document.
    let mut doc = imported.doc_extra.clone();
    let doc_id = set_identity(&mut doc, &imported.external_id, "CFDocuments", o);
    let keep_title = str_of(&doc, "title").is_some_and(|t| t.trim() == imported.name);
    if !keep_title {
        doc.insert("title".into(), Value::from(imported.name.as_str()));
    }
    if !imported.description.is_empty() {
        doc.insert(
            "description".into(),
            Value::from(imported.description.as_str()),
        );
    }
    doc.entry("creator")
        .or_insert_with(|| Value::from(o.creator.as_str()));
    doc.entry("lastChangeDateTime")
        .or_insert_with(|| Value::from(o.now.as_str()));
    let doc_uri = str_of(&doc, "uri").unwrap_or("").to_string();
    let mut doc = conform(doc, &C_DOC, o);
    doc.entry("caseVersion")
        .or_insert_with(|| Value::from("1.1"));

    // Items.
    let mut items = Vec::with_capacity(imported.nodes.len());
    let mut uris: HashMap<&str, String> = HashMap::new();
    for node in &imported.nodes {
        let mut it = node.extra.clone();
        let created = it.is_empty();
        set_identity(&mut it, &node.external_id, "CFItems", o);
        let (full, abbreviated) = statements(node);
        it.insert("fullStatement".into(), Value::from(full));
        match abbreviated {
            Some(a) => it.insert("abbreviatedStatement".into(), Value::from(a)),
            None => it.remove("abbreviatedStatement"),
        };
        if !node.short_code.is_empty() {
            it.insert(
                "humanCodingScheme".into(),
                Value::from(node.short_code.as_str()),
            );
        }
        if created {
            let label = match node.kind {
                NodeKind::Category => "Category",
                NodeKind::Competency => "Competency",
                NodeKind::Skill => "Skill",
            };
            it.insert("CFItemType".into(), Value::from(label));
        }
        it.entry("lastChangeDateTime")
            .or_insert_with(|| Value::from(o.now.as_str()));
        uris.insert(
            &node.external_id,
            str_of(&it, "uri").unwrap_or("").to_string(),
        );
        items.push(Value::Object(conform(it, &C_ITEM, o)));
    }

    // Tree associations, grouped by parent; sequence numbers only where needed.
    let known: HashSet<&str> = imported
        .nodes
        .iter()
        .map(|n| n.external_id.as_str())
        .collect();
    let by_ext: HashMap<&str, &ImportedNode> = imported
        .nodes
        .iter()
        .map(|n| (n.external_id.as_str(), n))
        .collect();
    let has_other_parent: HashSet<&str> = imported
        .links
        .iter()
        .filter(|l| l.kind == LinkKind::IsChildOf)
        .filter_map(|l| match &l.origin.target {
            LinkTarget::Node(e) => Some(e.as_str()),
            _ => None,
        })
        .collect();
    let mut groups: HashMap<Option<&str>, Vec<(usize, Option<Extra>)>> = HashMap::new();
    for (i, node) in imported.nodes.iter().enumerate() {
        let parent = node.parent.as_deref().filter(|p| known.contains(p));
        let (target_id, target_uri, target_title) = match parent {
            Some(p) => (
                case_ids.get(p).cloned().unwrap_or_default(),
                uris.get(p).cloned().unwrap_or_default(),
                by_ext.get(p).map_or("", |n| n.title.as_str()).to_string(),
            ),
            None => (doc_id.clone(), doc_uri.clone(), imported.name.clone()),
        };
        let assoc = match &node.child_of {
            Some(a) => Some(a.clone()),
            None if parent.is_none() && has_other_parent.contains(node.external_id.as_str()) => {
                None
            }
            None => {
                let id = case_uuid(&format!(
                    "isChildOf|{}|{}",
                    node.external_id,
                    parent.unwrap_or(&imported.external_id)
                ));
                let mut a = Extra::new();
                a.insert("identifier".into(), Value::from(id.as_str()));
                a.insert(
                    "uri".into(),
                    Value::from(format!("{}/CFAssociations/{id}", o.base_uri)),
                );
                a.insert("associationType".into(), Value::from("isChildOf"));
                a.insert("lastChangeDateTime".into(), Value::from(o.now.as_str()));
                Some(a)
            }
        };
        let assoc = assoc.map(|mut a| {
            let own = case_ids
                .get(node.external_id.as_str())
                .cloned()
                .unwrap_or_default();
            let own_uri = uris
                .get(node.external_id.as_str())
                .cloned()
                .unwrap_or_default();
            set_ref(&mut a, "originNodeURI", &own, &own_uri, &node.title);
            set_ref(
                &mut a,
                "destinationNodeURI",
                &target_id,
                &target_uri,
                &target_title,
            );
            a.insert("associationType".into(), Value::from("isChildOf"));
            a
        });
        groups.entry(parent).or_default().push((i, assoc));
    }
    let mut tree_assocs: Vec<(usize, Value)> = Vec::new();
    for (_, mut group) in groups {
        group.sort_by_key(|(i, _)| (imported.nodes[*i].position, *i));
        let key = |(i, a): &(usize, Option<Extra>)| SortKey {
            seq: a
                .as_ref()
                .and_then(|a| a.get("sequenceNumber"))
                .and_then(seq_of),
            code: Some(imported.nodes[*i].short_code.as_str()).filter(|c| !c.trim().is_empty()),
            index: *i,
        };
        let mut simulated: Vec<usize> = (0..group.len()).collect();
        simulated.sort_by(|&a, &b| sibling_cmp(&key(&group[a]), &key(&group[b])));
        let renumber = simulated.iter().enumerate().any(|(p, &s)| p != s);
        for (p, (i, a)) in group.into_iter().enumerate() {
            if let Some(mut a) = a {
                if renumber {
                    a.insert("sequenceNumber".into(), Value::from(p as i64 + 1));
                }
                tree_assocs.push((i, Value::Object(conform(a, &C_ASSOC, o))));
            }
        }
    }
    tree_assocs.sort_by_key(|(i, _)| *i);
    let mut assocs: Vec<Value> = tree_assocs.into_iter().map(|(_, a)| a).collect();

    // Links.
    for (li, link) in imported.links.iter().enumerate() {
        let mut a = link.json.clone();
        if a.is_empty() {
            let id = case_uuid(&format!(
                "link|{}|{}|{}|{li}",
                link.kind.as_str(),
                link.origin.identifier,
                link.destination.identifier
            ));
            a.insert("identifier".into(), Value::from(id.as_str()));
            a.insert(
                "uri".into(),
                Value::from(format!("{}/CFAssociations/{id}", o.base_uri)),
            );
            a.insert("lastChangeDateTime".into(), Value::from(o.now.as_str()));
        }
        if str_of(&a, "associationType") != Some(link.kind.as_str()) {
            a.insert("associationType".into(), Value::from(link.kind.as_str()));
        }
        for (key, end) in [
            ("originNodeURI", &link.origin),
            ("destinationNodeURI", &link.destination),
        ] {
            let id = match &end.target {
                LinkTarget::Node(e) => case_identifier(e),
                LinkTarget::Document => doc_id.clone(),
                LinkTarget::External => end.identifier.clone(),
            };
            set_ref(&mut a, key, &id, &end.uri, &end.title);
        }
        assocs.push(Value::Object(conform(a, &C_ASSOC, o)));
    }

    // Package.
    let mut pkg = imported.package_extra.clone();
    pkg.insert("CFDocument".into(), Value::Object(doc));
    pkg.insert("CFItems".into(), Value::Array(items));
    pkg.insert("CFAssociations".into(), Value::Array(assocs));
    match export_rubrics(imported, &case_ids, o) {
        Some(r) => pkg.insert("CFRubrics".into(), r),
        None => pkg.remove("CFRubrics"),
    };
    Value::Object(conform(pkg, &C_PACKAGE, o))
}

/// [`export_case`] as indented JSON text.
pub fn export_case_string(imported: &Imported, o: &ExportOptions) -> String {
    serde_json::to_string_pretty(&export_case(imported, o)).unwrap_or_default()
}

/// Whether every member of `orig` is in `out` at the same place (lists of identified
/// objects matched by identifier) or verbatim in that object's `extensions`: what a round
/// trip through Proficio must keep. The error names the first member lost or changed.
pub fn covers(orig: &Value, out: &Value, at: &str) -> Result<(), String> {
    match (orig, out) {
        (Value::Object(o), Value::Object(n)) => {
            for (k, v) in o {
                let here = n.get(k).map(|x| covers(v, x, &format!("{at}.{k}")));
                if here == Some(Ok(())) {
                    continue;
                }
                let in_ext = match n.get("extensions") {
                    Some(Value::Object(e)) => e.get(k) == Some(v),
                    Some(Value::Array(a)) => a.iter().any(|e| e.get(k) == Some(v)),
                    _ => false,
                };
                if !in_ext {
                    return Err(here
                        .and_then(Result::err)
                        .unwrap_or_else(|| format!("{at}.{k} = {v} was not written back")));
                }
            }
            Ok(())
        }
        (Value::Array(a), Value::Array(b)) if a.iter().all(|x| x.get("identifier").is_some()) => {
            for x in a {
                let id = &x["identifier"];
                let y = b
                    .iter()
                    .find(|y| y.get("identifier") == Some(id))
                    .ok_or_else(|| format!("{at}: {id} is missing"))?;
                covers(x, y, &format!("{at}[{id}]"))?;
            }
            Ok(())
        }
        _ if orig == out => Ok(()),
        _ => Err(format!("{at}: {orig} became {out}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::path::PathBuf;

    /// The folder of CASE test files: `$PROFICIO_CASE_DATA`, else `shared/data/case` beside
    /// the crate folder or one of its ancestors.
    fn data_dir() -> PathBuf {
        if let Ok(dir) = std::env::var("PROFICIO_CASE_DATA") {
            return PathBuf::from(dir);
        }
        let mut dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        loop {
            let candidate = dir.join("shared").join("data").join("case");
            if candidate.is_dir() {
                return candidate;
            }
            assert!(
                dir.pop(),
                "no shared/data/case folder above {}; set PROFICIO_CASE_DATA",
                env!("CARGO_MANIFEST_DIR")
            );
        }
    }

    /// Every package file (schemas skipped): (file name, text).
    fn packages() -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = std::fs::read_dir(data_dir())
            .expect("read the CASE data folder")
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .filter(|p| !p.to_string_lossy().contains("schema"))
            .map(|p| {
                let name = p.file_name().unwrap().to_string_lossy().to_string();
                (name, std::fs::read_to_string(&p).unwrap())
            })
            .collect();
        out.sort();
        assert!(out.len() >= 7, "expected the seven CASE test packages");
        out
    }

    fn file(name: &str) -> String {
        std::fs::read_to_string(data_dir().join(name)).unwrap()
    }

    fn opts() -> ExportOptions {
        ExportOptions::new("https://proficio.test/case/", "2026-01-02T03:04:05+00:00")
    }

    fn import(text: &str) -> (Imported, Vec<Warning>) {
        import_case(text, &KindMapping::default())
            .unwrap_or_else(|p| panic!("import failed: {p:?}"))
    }

    fn problems(v: &Value) -> Vec<String> {
        match import_case(&v.to_string(), &KindMapping::default()) {
            Ok(_) => panic!("accepted a broken package"),
            Err(p) => p.iter().map(ToString::to_string).collect(),
        }
    }

    /// What a node and a link are, without their JSON.
    fn shape(i: &Imported) -> (Vec<String>, Vec<String>) {
        let nodes = i
            .nodes
            .iter()
            .map(|n| {
                format!(
                    "{} < {:?} @{} {:?} {:?} {:?} {:?} {:?}",
                    n.external_id,
                    n.parent,
                    n.position,
                    n.kind,
                    n.title,
                    n.short_code,
                    n.definition,
                    n.level_descriptions
                )
            })
            .collect();
        let links = i
            .links
            .iter()
            .map(|l| format!("{:?} {:?} {:?}", l.kind, l.origin, l.destination))
            .collect();
        (nodes, links)
    }

    #[test]
    fn every_file_imports_with_the_expected_counts() {
        let expected: [(&str, &str, usize, usize, usize); 7] = [
            ("AdoptedTestFramework.json", "Adopted Test", 1, 0, 1),
            (
                "EmptyExternalFramework.json",
                "Test Framework External Empty",
                0,
                0,
                0,
            ),
            ("ItemTypeTestFramework.json", "Item Type Test", 1, 0, 1),
            ("MarkdownFramework.json", "Test Markdown Framework", 2, 0, 2),
            (
                "SequenceNumberFramework.json",
                "Sequence Number Test",
                2,
                0,
                2,
            ),
            ("Utf8TestFramework.json", "UTF8 \u{1d451} Test", 1, 0, 1),
            (
                "what-standards-could-be.json",
                "What Standards Could Be",
                16,
                23,
                2,
            ),
        ];
        let files = packages();
        for (name, title, nodes, links, top) in expected {
            let text = &files.iter().find(|f| f.0 == name).expect(name).1;
            let (i, warnings) = import(text);
            assert!(warnings.is_empty(), "{name}: {warnings:?}");
            assert_eq!(i.name, title, "{name}");
            assert_eq!(i.nodes.len(), nodes, "{name}");
            assert_eq!(i.links.len(), links, "{name}");
            assert_eq!(
                i.nodes.iter().filter(|n| n.parent.is_none()).count(),
                top,
                "{name}"
            );
        }
        // Generic checks against each file's own JSON.
        for (name, text) in &files {
            let raw: Value = serde_json::from_str(text).unwrap();
            let (i, _) = import(text);
            assert_eq!(i.external_id, raw["CFDocument"]["identifier"], "{name}");
            let items = raw["CFItems"].as_array().unwrap();
            assert_eq!(i.nodes.len(), items.len(), "{name}");
            for n in &i.nodes {
                let item = items
                    .iter()
                    .find(|it| it["identifier"] == n.external_id.as_str())
                    .unwrap();
                assert_eq!(
                    n.definition,
                    item["fullStatement"].as_str().unwrap(),
                    "{name}"
                );
                assert_eq!(
                    n.short_code,
                    item["humanCodingScheme"].as_str().unwrap_or("")
                );
                let parent = raw["CFAssociations"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|a| {
                        a["associationType"] == "isChildOf"
                            && a["originNodeURI"]["identifier"] == n.external_id.as_str()
                    })
                    .map(|a| a["destinationNodeURI"]["identifier"].as_str().unwrap())
                    .filter(|d| *d != i.external_id);
                assert_eq!(n.parent.as_deref(), parent, "{name} {}", n.external_id);
            }
        }
    }

    #[test]
    fn what_standards_could_be_keeps_hierarchy_order_kinds_and_links() {
        let (i, _) = import(&file("what-standards-could-be.json"));
        let codes: Vec<&str> = i
            .nodes
            .iter()
            .map(|n| n.short_code.trim_start_matches("CCSS.Math.Content."))
            .collect();
        assert_eq!(
            codes,
            [
                "6.RP.A",
                "6.RP.A.1",
                "6.RP.A.2",
                "6.RP.A.3",
                "6.RP.A.3a",
                "6.RP.A.3b",
                "6.RP.A.3c",
                "6.RP.A.3d",
                "7.RP.A",
                "7.RP.A.1",
                "7.RP.A.2",
                "7.RP.A.2a",
                "7.RP.A.2b",
                "7.RP.A.2c",
                "7.RP.A.2d",
                "7.RP.A.3"
            ]
        );
        let by_code = |c: &str| i.nodes.iter().find(|n| n.short_code.ends_with(c)).unwrap();
        assert_eq!(by_code("6.RP.A").kind, NodeKind::Category);
        assert_eq!(by_code("6.RP.A.3").kind, NodeKind::Competency);
        assert_eq!(by_code("6.RP.A.3b").kind, NodeKind::Skill);
        assert_eq!(
            by_code("6.RP.A.3b").parent.as_deref(),
            Some(by_code("6.RP.A.3").external_id.as_str())
        );
        assert_eq!(by_code("6.RP.A.3b").position, 1);
        assert_eq!(
            by_code("7.RP.A").position,
            1,
            "sequenceNumber 2 among top-level items"
        );
        assert_eq!(
            by_code("6.RP.A.1").extra["notes"]
                .as_str()
                .map(|s| s.starts_with("For example")),
            Some(true)
        );
        let count = |k: LinkKind| i.links.iter().filter(|l| l.kind == k).count();
        assert_eq!(
            [
                count(LinkKind::ExactMatchOf),
                count(LinkKind::Precedes),
                count(LinkKind::Exemplar),
                count(LinkKind::IsRelatedTo)
            ],
            [16, 3, 2, 2]
        );
        let external = i
            .links
            .iter()
            .filter(|l| l.destination.target == LinkTarget::External)
            .count();
        assert_eq!(external, 21, "all but two precedes links leave the package");
        let ext = i
            .links
            .iter()
            .find(|l| l.kind == LinkKind::ExactMatchOf)
            .unwrap();
        assert_eq!(ext.destination.title, "Destination");
        assert!(ext
            .destination
            .uri
            .starts_with("http://opensalt-staging.opened.com/uri/"));
        assert_eq!(ext.json["CFDocumentURI"], i.doc_extra["CFPackageURI"]);
        assert_eq!(
            i.package_extra["CFDefinitions"]["CFItemTypes"]
                .as_array()
                .map(Vec::len),
            Some(3)
        );
    }

    #[test]
    fn small_files_keep_order_titles_and_text() {
        let (seq, _) = import(&file("SequenceNumberFramework.json"));
        assert_eq!(
            seq.nodes[0].short_code, "SNT.2",
            "sequenceNumber 1 comes first"
        );
        assert_eq!((seq.nodes[0].position, seq.nodes[1].position), (0, 1));
        let (md, _) = import(&file("MarkdownFramework.json"));
        assert_eq!(
            md.nodes[0].short_code, "MD.Math",
            "natural code order without numbers"
        );
        assert_eq!(md.nodes[1].title, "This contains a _table_ in markdown:");
        assert!(md.nodes[1]
            .definition
            .contains("| Column 1 | Column 2 |\r\n"));
        let (utf, _) = import(&file("Utf8TestFramework.json"));
        assert_eq!(utf.nodes[0].title, "Item \u{1d451} 1");
        let (typed, _) = import(&file("ItemTypeTestFramework.json"));
        assert_eq!(
            typed.nodes[0].kind,
            NodeKind::Competency,
            "CFItemType Standard"
        );
        assert_eq!(typed.doc_extra["adoptionStatus"], "Draft");
        let (adopted, _) = import(&file("AdoptedTestFramework.json"));
        assert_eq!(adopted.nodes[0].kind, NodeKind::Skill, "an untyped leaf");
        assert_eq!(adopted.doc_extra["adoptionStatus"], "Adopted");
        let (empty, _) = import(&file("EmptyExternalFramework.json"));
        assert!(empty.nodes.is_empty() && empty.links.is_empty());
    }

    #[test]
    fn the_package_model_round_trips_every_file_exactly() {
        for (name, text) in packages() {
            let raw: Value = serde_json::from_str(&text).unwrap();
            let (pkg, _) = parse_package(&text).unwrap();
            assert_eq!(serde_json::to_value(&pkg).unwrap(), raw, "{name}");
        }
    }

    #[test]
    fn import_then_export_keeps_everything_in_the_files() {
        for (name, text) in packages() {
            let raw: Value = serde_json::from_str(&text).unwrap();
            let (first, _) = import(&text);
            let out = export_case(&first, &opts());
            covers(&raw, &out, "package").unwrap_or_else(|e| panic!("{name}: {e}"));
            for list in ["CFItems", "CFAssociations"] {
                assert_eq!(
                    out[list].as_array().map(Vec::len),
                    raw[list].as_array().map(Vec::len),
                    "{name} {list}"
                );
            }
            assert_eq!(out["CFDocument"]["caseVersion"], "1.1");
            let (second, warnings) = import(&out.to_string());
            assert!(warnings.is_empty(), "{name}: {warnings:?}");
            assert_eq!(shape(&second), shape(&first), "{name}: re-import differs");
            assert_eq!(
                export_case(&second, &opts()),
                out,
                "{name}: export is not stable"
            );
        }
    }

    #[test]
    fn non_case_members_move_into_extensions() {
        let (i, _) = import(&file("what-standards-could-be.json"));
        let out = export_case(&i, &opts());
        let item = &out["CFItems"][0];
        assert_eq!(item["lastChangeDateTime"], "2017-05-25T18:05:33+00:00");
        assert_eq!(
            item["extensions"]["lastChangeDateTime"],
            "2017-05-25T18:05:33"
        );
        assert_eq!(item["extensions"]["educationalLevel"], "06");
        assert!(item.get("CFDocumentURI").is_none());
        let t = &out["CFDefinitions"]["CFItemTypes"][0];
        assert_eq!(
            (&t["description"], &t["extensions"]["description"]),
            (&json!(""), &Value::Null)
        );
    }

    fn proficio_framework() -> Imported {
        let node =
            |id: &str, parent: Option<&str>, kind, title: &str, code: &str, pos| ImportedNode {
                external_id: id.into(),
                parent: parent.map(Into::into),
                kind,
                title: title.into(),
                short_code: code.into(),
                definition: String::new(),
                position: pos,
                level_descriptions: Vec::new(),
                extra: Extra::new(),
                child_of: None,
                alt_labels: Vec::new(),
            };
        let mut skill = node(
            "http://data.europa.eu/esco/skill/abc",
            Some("T1"),
            NodeKind::Skill,
            "Use Git",
            "X.10",
            0,
        );
        skill.level_descriptions = vec![
            (Track::Ic, 1, "Commits".into()),
            (Track::Ic, 2, "Rebases".into()),
            (Track::Managerial, 1, "Sets the branching policy".into()),
        ];
        skill.definition = "Uses Git.\nDaily.".into();
        Imported {
            name: "Engineering".into(),
            description: "How we build".into(),
            external_id: "eng".into(),
            nodes: vec![
                node("T", None, NodeKind::Category, "Technical", "T", 0),
                node(
                    "T1",
                    Some("T"),
                    NodeKind::Competency,
                    "Version control",
                    "T1",
                    0,
                ),
                skill,
                node("T1.b", Some("T1"), NodeKind::Skill, "Review code", "X.2", 1),
            ],
            links: vec![ImportedLink {
                kind: LinkKind::ExactMatchOf,
                origin: LinkEnd {
                    identifier: String::new(),
                    uri: String::new(),
                    title: "Version control".into(),
                    target: LinkTarget::Node("T1".into()),
                },
                destination: LinkEnd {
                    identifier: "9a1c0f6e-0000-4000-8000-000000000001".into(),
                    uri: "https://example.org/vc".into(),
                    title: "VC".into(),
                    target: LinkTarget::External,
                },
                json: Extra::new(),
            }],
            scale_hint: Some(ScaleHint {
                levels: vec!["Aware".into(), "Practised".into()],
            }),
            doc_extra: Extra::new(),
            package_extra: Extra::new(),
        }
    }

    #[test]
    fn a_framework_made_in_proficio_exports_and_comes_back() {
        let mine = proficio_framework();
        let out = export_case(&mine, &opts());
        for item in out["CFItems"].as_array().unwrap() {
            assert!(is_uuid(item["identifier"].as_str().unwrap()), "{item}");
        }
        let esco = &out["CFItems"][2];
        assert_eq!(esco["uri"], "http://data.europa.eu/esco/skill/abc");
        assert_eq!(esco["fullStatement"], "Uses Git.\nDaily.");
        assert_eq!(esco["abbreviatedStatement"], "Use Git");
        assert_eq!(out["CFItems"][0]["extensions"]["identifier"], "T");
        assert_eq!(
            out["CFItems"][0]["uri"]
                .as_str()
                .map(|u| u.starts_with("https://proficio.test/case/CFItems/")),
            Some(true)
        );
        let (back, warnings) = import(&out.to_string());
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(back.external_id, "eng");
        assert_eq!(back.name, "Engineering");
        assert_eq!(back.description, "How we build");
        assert_eq!(back.scale_hint, mine.scale_hint);
        let strip = |i: &Imported| {
            let mut i = i.clone();
            i.nodes.sort_by(|a, b| a.external_id.cmp(&b.external_id));
            shape(&i)
                .0
                .into_iter()
                .map(|s| s.replace("\"Uses Git.\\nDaily.\"", ""))
                .collect::<Vec<_>>()
        };
        let mut expected = mine.clone();
        expected.nodes[0].definition = "Technical".into();
        expected.nodes[1].definition = "Version control".into();
        expected.nodes[3].definition = "Review code".into();
        assert_eq!(strip(&back), strip(&expected));
        let link = &back.links[0];
        assert_eq!(
            (&link.kind, &link.origin.target),
            (&LinkKind::ExactMatchOf, &LinkTarget::Node("T1".into()))
        );
        assert_eq!(link.destination.uri, "https://example.org/vc");
        // The two children of T1 needed sequence numbers: "X.10" sorts after "X.2".
        let seqs: Vec<i64> = out["CFAssociations"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|a| a["sequenceNumber"].as_i64())
            .collect();
        assert_eq!(seqs, [1, 2]);
        assert_eq!(
            export_case(&back, &opts()),
            out,
            "second export is identical"
        );
    }

    fn with_rubric() -> Value {
        let mut v: Value = serde_json::from_str(&file("SequenceNumberFramework.json")).unwrap();
        let level = |id: &str, pos: i64, quality: &str, text: &str| {
            json!({"identifier": id, "uri": format!("urn:l:{id}"), "quality": quality, "description": text,
                   "position": pos, "score": pos * 10, "lastChangeDateTime": "2020-01-01T00:00:00Z", "x-vendor": [1]})
        };
        v["CFRubrics"] = json!([{
        "identifier": "a0000000-0000-4000-8000-000000000000",
        "uri": "urn:rubric", "title": "Levels", "lastChangeDateTime": "2020-01-01T00:00:00Z",
        "CFRubricCriteria": [
            {"identifier": "c0000000-0000-4000-8000-000000000001", "uri": "urn:c1", "lastChangeDateTime": "2020-01-01",
             "CFItemURI": {"title": "SNT.1", "identifier": "e144c2e6-c0ea-11e7-95f7-5d664f4d8844", "uri": "urn:i"},
             "weight": 1.5,
             "CFRubricCriterionLevels": [
                level("b0000000-0000-4000-8000-000000000003", 3, "Expert", "Teaches it"),
                level("b0000000-0000-4000-8000-000000000001", 1, "Novice", "Follows steps"),
                level("b0000000-0000-4000-8000-000000000002", 2, "Practitioner", ""),
             ]},
            {"identifier": "c0000000-0000-4000-8000-000000000002", "uri": "urn:c2", "lastChangeDateTime": "2020-01-01T00:00:00Z",
             "category": "Managerial",
             "CFItemURI": {"title": "SNT.1", "identifier": "e144c2e6-c0ea-11e7-95f7-5d664f4d8844", "uri": "urn:i"},
             "CFRubricCriterionLevels": [level("b0000000-0000-4000-8000-000000000004", 1, "Lead", "Coaches")]}
        ]}]);
        v
    }

    #[test]
    fn rubrics_give_level_descriptions_and_round_trip() {
        let raw = with_rubric();
        let (i, warnings) = import(&raw.to_string());
        assert!(warnings.is_empty(), "{warnings:?}");
        let snt1 = i.nodes.iter().find(|n| n.short_code == "SNT.1").unwrap();
        assert_eq!(
            snt1.level_descriptions,
            vec![
                (Track::Ic, 1, "Follows steps".to_string()),
                (Track::Ic, 2, "Practitioner".to_string()),
                (Track::Ic, 3, "Teaches it".to_string()),
                (Track::Managerial, 1, "Coaches".to_string()),
            ]
        );
        assert_eq!(
            i.scale_hint.as_ref().unwrap().levels,
            ["Novice", "Practitioner", "Expert"]
        );
        let out = export_case(&i, &opts());
        covers(&raw, &out, "package").unwrap();
        assert_eq!(
            out["CFRubrics"][0]["CFRubricCriteria"][0]["lastChangeDateTime"],
            "2020-01-01T00:00:00+00:00"
        );
        assert_eq!(
            out["CFRubrics"].as_array().map(Vec::len),
            Some(1),
            "no rubric added"
        );

        // Edits in Proficio reach the rubric; a node without a criterion gets a new rubric.
        let mut edited = i.clone();
        let n = edited
            .nodes
            .iter_mut()
            .find(|n| n.short_code == "SNT.1")
            .unwrap();
        n.level_descriptions[1].2 = "Works alone".into();
        n.level_descriptions
            .insert(3, (Track::Ic, 4, "Shapes the field".into()));
        edited
            .nodes
            .iter_mut()
            .find(|n| n.short_code == "SNT.2")
            .unwrap()
            .level_descriptions = vec![(Track::Ic, 1, "Knows it".into())];
        let out = export_case(&edited, &opts());
        let (back, _) = import(&out.to_string());
        for (a, b) in back.nodes.iter().zip(&edited.nodes) {
            assert_eq!(
                a.level_descriptions, b.level_descriptions,
                "{}",
                a.short_code
            );
        }
        assert_eq!(out["CFRubrics"].as_array().map(Vec::len), Some(2));
        assert_eq!(
            out["CFRubrics"][0]["CFRubricCriteria"][0]["CFRubricCriterionLevels"][2]["quality"],
            "Practitioner"
        );
    }

    fn what_standards() -> Value {
        serde_json::from_str(&file("what-standards-could-be.json")).unwrap()
    }

    #[test]
    fn broken_files_are_rejected_with_clear_messages() {
        let bad = import_case(
            "{\n  \"CFDocument\": {\"identifier\": \"x\",}\n}",
            &KindMapping::default(),
        )
        .unwrap_err();
        assert_eq!(bad[0].at, "line 2, column 36");
        assert!(
            bad[0]
                .message
                .starts_with("The file is not valid JSON: trailing comma"),
            "{}",
            bad[0]
        );
        assert!(import_case("", &KindMapping::default()).unwrap_err()[0]
            .message
            .contains("EOF"));
        assert_eq!(
            problems(&json!([1, 2])),
            ["package: A CASE file holds one JSON object (a CFPackage); this one holds a list."]
        );
        assert_eq!(
            problems(&json!({"CFItems": []})),
            ["CFDocument: The package has no CFDocument; every CASE package needs one to describe the framework."]
        );

        let mut v = what_standards();
        v["CFItems"][3]["identifier"] = v["CFItems"][1]["identifier"].clone();
        v["CFItems"][5]["fullStatement"] = json!(5);
        v["CFAssociations"][15]["sequenceNumber"] = json!("first");
        v["CFAssociations"][16]["originNodeURI"] = json!("edfce0e7");
        assert_eq!(
            problems(&v),
            [
                "CFItems[3] (identifier ddcf67a6-abf2-4df1-8d95-8752d65f0ec2): the identifier ddcf67a6-abf2-4df1-8d95-8752d65f0ec2 is also used by CFItems[1] (identifier ddcf67a6-abf2-4df1-8d95-8752d65f0ec2); identifiers must be unique.",
                "CFItems[5] (identifier 67fe61c2-0710-4db0-9844-df510976b733): fullStatement must be a string, not a number.",
                "CFAssociations[15] (identifier a7364b9e-91e7-4b09-875f-5eab0d3e6f7c): sequenceNumber must be a whole number, not a string.",
                "CFAssociations[16] (identifier d9d1280b-e901-47a1-b833-c0e714cc3538): originNodeURI must be an object with an identifier, title and uri, not a string.",
            ]
        );

        let mut v = what_standards();
        v["CFItems"] = json!({});
        v["CFDocument"]["title"] = json!(["x"]);
        assert_eq!(
            problems(&v),
            [
                "CFDocument (identifier 20c5134f-423d-4097-a971-3dd5152bf507): title must be a string, not a list.",
                "package: CFItems must be a list, not an object."
            ]
        );
        let mut v = what_standards();
        v["CFItems"][0]["identifier"] = v["CFDocument"]["identifier"].clone();
        assert!(problems(&v)[0].contains("is also used by CFDocument"));
        let mut v = what_standards();
        v["CFItems"][2] = json!("item");
        assert_eq!(
            problems(&v),
            ["CFItems[2]: must be an object, not a string."]
        );
    }

    #[test]
    fn cycles_and_nameless_items_are_rejected() {
        let mut v = what_standards();
        // Make 6.RP.A a child of its own child 6.RP.A.3.
        v["CFAssociations"][15]["destinationNodeURI"]["identifier"] =
            v["CFItems"][6]["identifier"].clone();
        let p = problems(&v);
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(
            p[0].ends_with("isChildOf associations form a cycle: CCSS.Math.Content.6.RP.A → CCSS.Math.Content.6.RP.A.3 → CCSS.Math.Content.6.RP.A."),
            "{}",
            p[0]
        );
        assert!(p[0].starts_with("CFItems[0] (identifier edfce0e7"));
        let mut v: Value = serde_json::from_str(&file("AdoptedTestFramework.json")).unwrap();
        v["CFItems"][0]
            .as_object_mut()
            .unwrap()
            .remove("fullStatement");
        assert!(problems(&v)[0].contains("has no fullStatement"));
        v["CFItems"][0]["abbreviatedStatement"] = json!("Short");
        let (i, w) = import(&v.to_string());
        assert_eq!((i.nodes[0].title.as_str(), w.len()), ("Short", 1));
    }

    #[test]
    fn unknown_extra_and_missing_parents_are_warnings() {
        let mut v: Value = serde_json::from_str(&file("SequenceNumberFramework.json")).unwrap();
        // SNT.2 gets a second parent (SNT.1), and SNT.1's parent leaves the package.
        let mut second = v["CFAssociations"][1].clone();
        second["identifier"] = json!("f0000000-0000-4000-8000-000000000001");
        second["destinationNodeURI"] = json!({"title": "SNT.1", "identifier": "e144c2e6-c0ea-11e7-95f7-5d664f4d8844", "uri": "urn:x"});
        second["sequenceNumber"] = json!(9);
        v["CFAssociations"].as_array_mut().unwrap().push(second);
        v["CFAssociations"][0]["destinationNodeURI"] = json!({"title": "Elsewhere", "identifier": "f0000000-0000-4000-8000-0000000000ee", "uri": "urn:y"});
        let (i, w) = import(&v.to_string());
        assert_eq!(w.len(), 2, "{w:?}");
        assert!(w.iter().any(|w| w.message.contains("2 parents")));
        assert!(w.iter().any(|w| w
            .message
            .contains("neither an item of this package nor its document")));
        assert!(i.nodes.iter().all(|n| n.parent.is_none()));
        let kinds: Vec<_> = i
            .links
            .iter()
            .map(|l| (&l.kind, &l.destination.target))
            .collect();
        assert_eq!(kinds.len(), 2);
        assert!(kinds.contains(&(&LinkKind::IsChildOf, &LinkTarget::External)));
        let out = export_case(&i, &opts());
        covers(&v, &out, "package").unwrap();
        assert_eq!(
            out["CFAssociations"].as_array().map(Vec::len),
            Some(3),
            "no document edge invented"
        );
        // No isChildOf at all: top level, with a warning.
        let mut v: Value = serde_json::from_str(&file("AdoptedTestFramework.json")).unwrap();
        v["CFAssociations"] = json!([]);
        let (i, w) = import(&v.to_string());
        assert_eq!((i.nodes[0].parent.clone(), w.len()), (None, 1));
    }

    #[test]
    fn a_case_1_0_package_is_accepted() {
        let v11 = what_standards();
        let mut v10 = json!({});
        for (new, old) in [
            ("CFDocument", "document"),
            ("CFItems", "items"),
            ("CFAssociations", "associations"),
            ("CFDefinitions", "definitions"),
        ] {
            v10[old] = v11[new].clone();
        }
        let rename = |o: &mut Value| {
            let m = o.as_object_mut().unwrap();
            let id = m.remove("identifier").unwrap();
            m.insert("sourcedId".into(), id);
        };
        rename(&mut v10["document"]);
        for item in v10["items"].as_array_mut().unwrap() {
            rename(item);
            item["CFDocumentURI"] = json!({"title": "What Standards Could Be", "identifier": "20c5134f-423d-4097-a971-3dd5152bf507", "uri": "urn:doc"});
        }
        for a in v10["associations"].as_array_mut().unwrap() {
            rename(a);
        }
        let (old, w) = import(&v10.to_string());
        assert_eq!(w.len(), 1);
        assert!(w[0].message.contains("CASE 1.0"));
        let (new, _) = import(&v11.to_string());
        assert_eq!(shape(&old), shape(&new));
        let out = export_case(&old, &opts());
        assert!(out.get("document").is_none() && out["CFItems"][0].get("sourcedId").is_none());
        assert!(out["CFItems"][0]["extensions"]["CFDocumentURI"].is_object());
    }

    #[test]
    fn kinds_follow_the_mapping_then_the_nesting_rules() {
        let text = file("what-standards-could-be.json");
        let kinds = |m: &KindMapping| {
            let (i, w) = import_case(&text, m).unwrap();
            (i.nodes.iter().map(|n| n.kind).collect::<Vec<_>>(), w.len())
        };
        use NodeKind::{Category as Ca, Competency as Co, Skill as Sk};
        let (structural, w) = kinds(&KindMapping::structural());
        assert_eq!(
            structural,
            [Co, Sk, Sk, Co, Sk, Sk, Sk, Sk, Co, Sk, Co, Sk, Sk, Sk, Sk, Sk]
        );
        assert_eq!(w, 0);
        let (default, _) = kinds(&KindMapping::default());
        assert_eq!(
            default,
            [Ca, Co, Co, Co, Sk, Sk, Sk, Sk, Ca, Co, Co, Sk, Sk, Sk, Sk, Co]
        );
        // Components mapped to categories cannot sit under a competency: repaired, warned.
        let (repaired, w) = kinds(&KindMapping::default().with("component", Ca));
        assert_eq!(
            repaired,
            default
                .iter()
                .map(|k| if *k == Sk { Co } else { *k })
                .collect::<Vec<_>>()
        );
        assert_eq!(w, 8);
        assert_eq!(KindMapping::default().kind_for(" STRAND "), Some(Ca));
        let ruled = KindMapping::with_rules("Cluster = skill;\n Standard=Category\n").unwrap();
        assert_eq!(ruled.kind_for("cluster"), Some(Sk));
        assert_eq!(ruled.kind_for("standard"), Some(Ca));
        assert_eq!(ruled.kind_for("strand"), Some(Ca));
        assert!(KindMapping::with_rules("Cluster")
            .unwrap_err()
            .contains("Item type = kind"));
        assert!(KindMapping::with_rules("Cluster = team")
            .unwrap_err()
            .contains("category, competency or skill"));
        let (i, _) = import_case(&text, &KindMapping::default().with("Cluster", Sk)).unwrap();
        assert_eq!(
            i.nodes[0].kind, Co,
            "an item with children is never a skill"
        );
    }

    #[test]
    fn helpers() {
        let mut codes = ["A.10", "A.2", "A.1b", "A.1", "B", "A.02"];
        codes.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(codes, ["A.1", "A.1b", "A.02", "A.2", "A.10", "B"]);
        assert_eq!(
            natural_cmp("x99999999999999999999999", "x100000000000000000000000"),
            Ordering::Less
        );
        let u = case_uuid("T1");
        assert!(
            is_uuid(&u) && &u[14..15] == "4" && "89ab".contains(&u[19..20]),
            "{u}"
        );
        assert_eq!(u, case_uuid("T1"));
        assert_ne!(u, case_uuid("T2"));
        assert_eq!(
            case_identifier("00000000-0000-0000-0000-000000000001"),
            "00000000-0000-0000-0000-000000000001"
        );
        assert_eq!(
            title_from_statement("\n  First line \r\nsecond"),
            "First line"
        );
        let long = title_from_statement(&"x".repeat(300));
        assert_eq!((long.chars().count(), long.ends_with('…')), (200, true));
        assert!(
            is_date_time("2017-09-22T23:13:54+00:00") && is_date_time("2020-02-29T00:00:00.5Z")
        );
        assert!(!is_date_time("2017-05-25T18:05:33") && !is_date_time("2019-02-29T00:00:00Z"));
        assert_eq!(
            fix_date_time("2017-05-25 18:05:33").as_deref(),
            Some("2017-05-25T18:05:33+00:00")
        );
        assert_eq!(
            LinkKind::parse("ext:hasPart"),
            LinkKind::Other("ext:hasPart".into())
        );
        assert_eq!(LinkKind::parse("exemplar").as_str(), "exemplar");
    }

    /// A small deterministic generator (xorshift) for the mutation test.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self, n: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 % n.max(1) as u64) as usize
        }
    }

    fn mutate(v: &mut Value, rng: &mut Rng) {
        let replacements = [
            json!(null),
            json!(7),
            json!(-1.5),
            json!("x"),
            json!([]),
            json!({}),
            json!(true),
            json!("00000000-0000-0000-0000-000000000001"),
        ];
        match v {
            Value::Object(m) if !m.is_empty() && rng.next(4) > 0 => {
                let k = m.keys().nth(rng.next(m.len())).cloned().unwrap();
                match rng.next(6) {
                    0 => {
                        m.remove(&k);
                    }
                    1 => {
                        *m.get_mut(&k).unwrap() = replacements[rng.next(replacements.len())].clone()
                    }
                    _ => mutate(m.get_mut(&k).unwrap(), rng),
                }
            }
            Value::Array(a) if !a.is_empty() && rng.next(4) > 0 => {
                let i = rng.next(a.len());
                match rng.next(5) {
                    0 => {
                        a.remove(i);
                    }
                    1 => {
                        let c = a[rng.next(a.len())].clone();
                        a.push(c);
                    }
                    _ => mutate(&mut a[i], rng),
                }
            }
            _ => *v = replacements[rng.next(replacements.len())].clone(),
        }
    }

    #[test]
    fn mutated_and_truncated_files_never_panic() {
        let mut rng = Rng(0x2545_f491_4f6c_dd1d);
        let mut accepted = 0;
        for (_, text) in packages() {
            let step = (text.len() / 60).max(1);
            for cut in (0..text.len())
                .step_by(step)
                .filter(|c| text.is_char_boundary(*c))
            {
                assert!(import_case(&text[..cut], &KindMapping::default()).is_err());
            }
            let raw: Value = serde_json::from_str(&text).unwrap();
            for _ in 0..150 {
                let mut v = raw.clone();
                for _ in 0..=rng.next(3) {
                    mutate(&mut v, &mut rng);
                }
                if let Ok((i, _)) = import_case(&v.to_string(), &KindMapping::default()) {
                    accepted += 1;
                    let out = export_case(&i, &opts());
                    import_case(&out.to_string(), &KindMapping::default())
                        .unwrap_or_else(|p| panic!("an export was rejected: {p:?}\n{v}"));
                }
            }
        }
        assert!(
            accepted > 100,
            "the mutations should leave many files importable ({accepted})"
        );
    }

    proptest::proptest! {
        #[test]
        fn any_text_is_answered_without_panic(s in "\\PC{0,300}") {
            let _ = import_case(&s, &KindMapping::default());
            let _ = import_case(&format!("{{\"CFDocument\":{{\"identifier\":\"d\"}},\"CFItems\":[{s}]}}"), &KindMapping::default());
        }
    }
}

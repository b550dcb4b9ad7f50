//! The CFPackage model: every CASE 1.1 object Proficio reads, with the members it does
//! not model kept in `extra`.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Number, Value};
use serde_with::skip_serializing_none;
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
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeRef {
    /// Identifier of the node (inside or outside the package).
    pub identifier: String,
    /// Its URI.
    pub uri: Option<String>,
    /// Its title.
    pub title: Option<String>,
    /// Other members (`targetType`, …).
    #[serde(flatten)]
    pub extra: Extra,
}

/// The CFDocument: the framework itself.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CfDocument {
    /// Identifier (a UUID in valid CASE).
    pub identifier: String,
    /// URI.
    pub uri: Option<String>,
    /// Title.
    pub title: Option<String>,
    /// Creator.
    pub creator: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Timestamp of the last change.
    pub last_change_date_time: Option<String>,
    /// Other members (adoptionStatus, subject, …).
    #[serde(flatten)]
    pub extra: Extra,
}

/// A CFItem: one statement of the framework.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CfItem {
    /// Identifier.
    pub identifier: String,
    /// URI.
    pub uri: Option<String>,
    /// The full statement (may hold Markdown and several lines).
    pub full_statement: Option<String>,
    /// A short form of the statement.
    pub abbreviated_statement: Option<String>,
    /// The code people use ("CCSS.Math.Content.6.RP.A.1").
    pub human_coding_scheme: Option<String>,
    /// The item type's title.
    #[serde(rename = "CFItemType")]
    pub item_type: Option<String>,
    /// Link to the item type definition.
    #[serde(rename = "CFItemTypeURI")]
    pub item_type_uri: Option<NodeRef>,
    /// Timestamp of the last change.
    pub last_change_date_time: Option<String>,
    /// Other members (notes, language, listEnumeration, …).
    #[serde(flatten)]
    pub extra: Extra,
}

/// A CFAssociation: a typed edge between two nodes.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CfAssociation {
    /// Identifier.
    pub identifier: String,
    /// URI.
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
    pub sequence_number: Option<SequenceNumber>,
    /// Timestamp of the last change.
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
pub(super) fn seq_of(v: &Value) -> Option<i64> {
    v.as_i64()
        .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
}

/// A definition (CFConcept, CFSubject, CFLicense, CFAssociationGrouping, CFItemType).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CfDefinition {
    /// Identifier.
    pub identifier: String,
    /// URI.
    pub uri: Option<String>,
    /// Title.
    pub title: Option<String>,
    /// Item types only: the type code.
    pub type_code: Option<String>,
    /// Timestamp of the last change.
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
#[skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CfDefinitions {
    /// Concepts.
    #[serde(rename = "CFConcepts")]
    pub concepts: Option<Vec<CfConcept>>,
    /// Subjects.
    #[serde(rename = "CFSubjects")]
    pub subjects: Option<Vec<CfSubject>>,
    /// Licences.
    #[serde(rename = "CFLicenses")]
    pub licenses: Option<Vec<CfLicense>>,
    /// Item types.
    #[serde(rename = "CFItemTypes")]
    pub item_types: Option<Vec<CfItemType>>,
    /// Association groupings.
    #[serde(rename = "CFAssociationGroupings")]
    pub association_groupings: Option<Vec<CfAssociationGrouping>>,
    /// Other members.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A CFRubric.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CfRubric {
    /// Identifier.
    pub identifier: String,
    /// URI.
    pub uri: Option<String>,
    /// Title.
    pub title: Option<String>,
    /// Criteria.
    #[serde(rename = "CFRubricCriteria")]
    pub criteria: Option<Vec<CfRubricCriterion>>,
    /// Other members.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A CFRubricCriterion: the levels of one item.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CfRubricCriterion {
    /// Identifier.
    pub identifier: String,
    /// Category; `managerial` (any case) marks Proficio's managerial track.
    pub category: Option<String>,
    /// The item the criterion describes.
    #[serde(rename = "CFItemURI")]
    pub item: Option<NodeRef>,
    /// Levels.
    #[serde(rename = "CFRubricCriterionLevels")]
    pub levels: Option<Vec<CfRubricCriterionLevel>>,
    /// Other members (uri, weight, position, …).
    #[serde(flatten)]
    pub extra: Extra,
}

/// A CFRubricCriterionLevel.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CfRubricCriterionLevel {
    /// Identifier.
    pub identifier: String,
    /// What the level looks like.
    pub description: Option<String>,
    /// The level's name ("Proficient").
    pub quality: Option<String>,
    /// Score.
    pub score: Option<Number>,
    /// Feedback text.
    pub feedback: Option<String>,
    /// Position among the criterion's levels.
    pub position: Option<i64>,
    /// Other members.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A whole CFPackage. Lists are `Option` so that an absent list and an empty one both
/// survive a round trip.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CfPackage {
    /// The framework document.
    #[serde(rename = "CFDocument")]
    pub document: CfDocument,
    /// Items.
    #[serde(rename = "CFItems")]
    pub items: Option<Vec<CfItem>>,
    /// Associations.
    #[serde(rename = "CFAssociations")]
    pub associations: Option<Vec<CfAssociation>>,
    /// Definitions.
    #[serde(rename = "CFDefinitions")]
    pub definitions: Option<CfDefinitions>,
    /// Rubrics.
    #[serde(rename = "CFRubrics")]
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

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

mod conformance;
mod export;
#[cfg(test)]
mod fixtures;
mod helpers;
mod import;
mod imported;
mod model;
mod parse;

pub use export::{covers, export_case, export_case_string, keeps_package, ExportOptions};
pub use helpers::{case_identifier, case_uuid, is_uuid, natural_cmp, title_from_statement};
pub use import::{import_case, import_package};
pub use imported::{
    Imported, ImportedLink, ImportedNode, KindMapping, LinkEnd, LinkKind, LinkTarget, ScaleHint,
};
pub use model::{
    CfAssociation, CfAssociationGrouping, CfConcept, CfDefinition, CfDefinitions, CfDocument,
    CfItem, CfItemType, CfLicense, CfPackage, CfRubric, CfRubricCriterion, CfRubricCriterionLevel,
    CfSubject, Extra, Issue, NodeRef, Problem, SequenceNumber, Warning,
};
pub use parse::{parse_package, parse_value};

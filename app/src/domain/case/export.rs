//! Writing a framework back as a CASE 1.1 CFPackage.

use super::conformance::{
    conform, link_obj, put_extension, str_of, C_ASSOC, C_DOC, C_ITEM, C_PACKAGE,
};
use super::helpers::{
    case_identifier, case_uuid, criterion_track, is_uuid, level_order, level_text, sibling_cmp,
    title_from_statement, SortKey,
};
use super::imported::{Imported, ImportedLink, ImportedNode, LinkKind, LinkTarget};
use super::model::{seq_of, Extra};
use crate::domain::framework::Track;
use crate::domain::tree::NodeKind;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{HashMap, HashSet};

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
    let covered = update_rubrics(&mut rubrics, imported, case_ids, o);
    let rubric_id = case_uuid(&format!("rubric|{}", imported.external_id));
    let criteria = new_criteria(imported, &covered, &rubric_id, o);
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

/// Updates the criteria the file already has for a node (the first per node and track);
/// returns the (node, track) pairs they cover.
fn update_rubrics(
    rubrics: &mut [Value],
    imported: &Imported,
    case_ids: &HashMap<&str, String>,
    o: &ExportOptions,
) -> HashSet<(String, Track)> {
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
    covered
}

/// New criteria (for the rubric `rubric_id`) for the level descriptions no criterion of
/// the file covers.
fn new_criteria(
    imported: &Imported,
    covered: &HashSet<(String, Track)>,
    rubric_id: &str,
    o: &ExportOptions,
) -> Vec<Value> {
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
            c.insert("rubricId".into(), Value::from(rubric_id));
            c.insert("lastChangeDateTime".into(), Value::from(o.now.as_str()));
            let levels = texts
                .iter()
                .map(|(_, n, text)| new_level(&crit_id, *n, text, imported, o))
                .collect();
            c.insert("CFRubricCriterionLevels".into(), Value::Array(levels));
            criteria.push(Value::Object(c));
        }
    }
    criteria
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
    let (doc, doc_id, doc_uri) = export_document(imported, o);
    let (items, uris) = export_items(imported, o);
    let ends = Ends {
        case_ids: &case_ids,
        uris: &uris,
        doc_id: &doc_id,
        doc_uri: &doc_uri,
    };
    let mut assocs = tree_associations(imported, &ends, o);
    for (li, link) in imported.links.iter().enumerate() {
        assocs.push(export_link(li, link, &doc_id, o));
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

/// The CFDocument, its identifier and its uri.
fn export_document(imported: &Imported, o: &ExportOptions) -> (Extra, String, String) {
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
    (doc, doc_id, doc_uri)
}

/// The CFItems, and the uri of each node by external id.
fn export_items<'a>(
    imported: &'a Imported,
    o: &ExportOptions,
) -> (Vec<Value>, HashMap<&'a str, String>) {
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
    (items, uris)
}

/// What association ends point to: the CASE identifier and uri of each node (by external
/// id) and of the document.
struct Ends<'a> {
    case_ids: &'a HashMap<&'a str, String>,
    uris: &'a HashMap<&'a str, String>,
    doc_id: &'a str,
    doc_uri: &'a str,
}

/// The `isChildOf` associations of the tree, in node order; sequence numbers only where
/// the natural order would differ.
fn tree_associations(imported: &Imported, ends: &Ends<'_>, o: &ExportOptions) -> Vec<Value> {
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
                ends.case_ids.get(p).cloned().unwrap_or_default(),
                ends.uris.get(p).cloned().unwrap_or_default(),
                by_ext.get(p).map_or("", |n| n.title.as_str()).to_string(),
            ),
            None => (
                ends.doc_id.to_string(),
                ends.doc_uri.to_string(),
                imported.name.clone(),
            ),
        };
        let assoc = match &node.child_of {
            Some(a) => Some(a.clone()),
            None if parent.is_none() && has_other_parent.contains(node.external_id.as_str()) => {
                None
            }
            None => Some(new_child_of(imported, node, parent, o)),
        };
        let assoc = assoc.map(|mut a| {
            let own = ends
                .case_ids
                .get(node.external_id.as_str())
                .cloned()
                .unwrap_or_default();
            let own_uri = ends
                .uris
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
    number_siblings(imported, groups, o)
}

/// A new `isChildOf` association for a node that came without one.
fn new_child_of(
    imported: &Imported,
    node: &ImportedNode,
    parent: Option<&str>,
    o: &ExportOptions,
) -> Extra {
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
    a
}

/// Renumbers each group of siblings when a reader would otherwise order them differently,
/// and returns the associations in node order.
fn number_siblings(
    imported: &Imported,
    groups: HashMap<Option<&str>, Vec<(usize, Option<Extra>)>>,
    o: &ExportOptions,
) -> Vec<Value> {
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
    tree_assocs.into_iter().map(|(_, a)| a).collect()
}

/// The association for the link at `li`.
fn export_link(li: usize, link: &ImportedLink, doc_id: &str, o: &ExportOptions) -> Value {
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
            LinkTarget::Document => doc_id.to_string(),
            LinkTarget::External => end.identifier.clone(),
        };
        set_ref(&mut a, key, &id, &end.uri, &end.title);
    }
    Value::Object(conform(a, &C_ASSOC, o))
}

/// [`export_case`] as indented JSON text.
pub fn export_case_string(imported: &Imported, o: &ExportOptions) -> String {
    serde_json::to_string_pretty(&export_case(imported, o)).unwrap_or_default()
}

/// Whether the exported package `out` keeps the whole file `raw` ([`covers`]), with as many
/// items and associations. The error names what was lost.
pub fn keeps_package(raw: &Value, out: &Value) -> Result<(), String> {
    covers(raw, out, "package")?;
    for list in ["CFItems", "CFAssociations"] {
        let (was, is) = (
            raw[list].as_array().map(Vec::len),
            out[list].as_array().map(Vec::len),
        );
        if was != is {
            return Err(format!("{list}: {was:?} in the file, {is:?} exported"));
        }
    }
    Ok(())
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
    use super::super::fixtures::*;
    use super::super::*;
    use crate::domain::framework::Track;
    use serde_json::{json, Value};

    #[test]
    fn import_then_export_keeps_everything_in_the_files() {
        for (name, text) in packages() {
            let raw: Value = serde_json::from_str(&text).unwrap();
            let (first, _) = import(&text);
            let out = export_case(&first, &opts());
            keeps_package(&raw, &out).unwrap_or_else(|e| panic!("{name}: {e}"));
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
}

//! Turning a parsed CASE package into the rows of a Proficio framework.

use super::helpers::{
    criterion_track, external_id_for, level_order, level_text, sibling_cmp, title_from_statement,
    to_map, SortKey,
};
use super::imported::{
    Imported, ImportedLink, ImportedNode, KindMapping, LinkEnd, LinkKind, LinkTarget, ScaleHint,
};
use super::model::{
    CfItemType, CfPackage, CfRubricCriterionLevel, Extra, Issue, NodeRef, Problem, SequenceNumber,
    Warning,
};
use super::parse::parse_package;
use crate::domain::framework::Track;
use crate::domain::tree::NodeKind;
use serde_json::Number;
use std::collections::{HashMap, HashSet};

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

    let index = index_items(pkg, &mut problems);
    let ext_ids: Vec<String> = items
        .iter()
        .map(|it| external_id_for(&it.identifier, it.uri.as_deref(), &it.extra))
        .collect();
    let doc_ext = external_id_for(&doc.identifier, doc.uri.as_deref(), &doc.extra);
    let tree = place_in_tree(pkg, &index, &mut warnings);
    find_cycles(pkg, &tree.parent, &mut problems);
    let titles = item_titles(pkg, &mut problems, &mut warnings);
    if !problems.is_empty() {
        return Err(problems);
    }
    let (children, order) = sibling_order(pkg, &tree);
    let kind = node_kinds(pkg, mapping, &tree.parent, &children, &order, &mut warnings);
    let (mut levels, scale_hint) = rubric_levels(pkg, &index, &mut warnings);

    let assocs = pkg.associations();
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
                parent: tree.parent[i].map(|p| ext_ids[p].clone()),
                kind: kind[i],
                title: titles[i].clone(),
                short_code: it.human_coding_scheme.clone().unwrap_or_default(),
                definition: it.full_statement.clone().unwrap_or_default(),
                position,
                level_descriptions,
                extra,
                child_of: tree.tree_assoc[i].map(|ai| to_map(&assocs[ai])),
                alt_labels: Vec::new(),
            }
        })
        .collect();
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
    let links = tree
        .link_assocs
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

    let (name, doc_extra, package_extra) = document_members(pkg, &mut warnings);
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

/// How an issue names the item at `i`.
fn item_label(pkg: &CfPackage, i: usize) -> String {
    format!("CFItems[{i}] (identifier {})", pkg.items()[i].identifier)
}

/// The position of each item by identifier; a duplicate identifier is a problem.
fn index_items<'a>(pkg: &'a CfPackage, problems: &mut Vec<Problem>) -> HashMap<&'a str, usize> {
    let mut index: HashMap<&str, usize> = HashMap::new();
    for (i, it) in pkg.items().iter().enumerate() {
        if it.identifier == pkg.document.identifier {
            problems.push(Issue::new(
                item_label(pkg, i),
                "the identifier is also the CFDocument's.",
            ));
        } else if let Some(first) = index.insert(&it.identifier, i) {
            problems.push(Issue::new(
                item_label(pkg, i),
                format!("the identifier is also used by CFItems[{first}]."),
            ));
        }
    }
    index
}

/// Where the `isChildOf` associations place the items.
struct Placement {
    /// The parent item of each item (`None`: the top level).
    parent: Vec<Option<usize>>,
    /// The association that places each item in the tree.
    tree_assoc: Vec<Option<usize>>,
    /// The associations kept as links, in file order.
    link_assocs: Vec<usize>,
}

/// Chooses each item's tree edge among its `isChildOf` associations (the first by
/// `sequenceNumber`, then file order, whose destination is in the package); every other
/// association becomes a link.
fn place_in_tree(
    pkg: &CfPackage,
    index: &HashMap<&str, usize>,
    warnings: &mut Vec<Warning>,
) -> Placement {
    let doc = &pkg.document;
    let items = pkg.items();
    let assocs = pkg.associations();
    let label = |i: usize| item_label(pkg, i);
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
    Placement {
        parent,
        tree_assoc,
        link_assocs,
    }
}

/// Reports every cycle the parent edges form.
fn find_cycles(pkg: &CfPackage, parent: &[Option<usize>], problems: &mut Vec<Problem>) {
    let items = pkg.items();
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
                        item_label(pkg, c),
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
}

/// Each item's title: its first non-empty statement; an item without one is a problem.
fn item_titles(
    pkg: &CfPackage,
    problems: &mut Vec<Problem>,
    warnings: &mut Vec<Warning>,
) -> Vec<String> {
    let items = pkg.items();
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
                item_label(pkg, i),
                "the item has no fullStatement (nor abbreviatedStatement or humanCodingScheme) to name it by.",
            ));
        } else if it
            .full_statement
            .as_deref()
            .is_none_or(|s| s.trim().is_empty())
        {
            warnings.push(Issue::new(
                item_label(pkg, i),
                "fullStatement is missing; the title is used instead.",
            ));
        }
        titles.push(title);
    }
    titles
}

/// The children of each item (`None`: the top level), in sibling order.
type Children = HashMap<Option<usize>, Vec<usize>>;

/// Sorts siblings and lists the items depth first: (item, position among its siblings).
fn sibling_order(pkg: &CfPackage, tree: &Placement) -> (Children, Vec<(usize, u32)>) {
    let items = pkg.items();
    let assocs = pkg.associations();
    let mut children: Children = HashMap::new();
    for (i, p) in tree.parent.iter().enumerate() {
        children.entry(*p).or_default().push(i);
    }
    for list in children.values_mut() {
        list.sort_by(|&a, &b| {
            let key = |i: usize| SortKey {
                seq: tree.tree_assoc[i].and_then(|ai| assocs[ai].sequence_number.as_ref()?.get()),
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
    (children, order)
}

/// Each item's kind: from the mapping of its type when it names one, else from its place
/// in the tree; then adjusted, in display order, so every kind fits under its parent.
fn node_kinds(
    pkg: &CfPackage,
    mapping: &KindMapping,
    parent: &[Option<usize>],
    children: &Children,
    order: &[(usize, u32)],
    warnings: &mut Vec<Warning>,
) -> Vec<NodeKind> {
    let items = pkg.items();
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
    for &(i, _) in order {
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
                item_label(pkg, i),
                format!(
                    "its type makes it {}, which does not fit its place in the tree; it is imported as {}.",
                    before.article(),
                    kind[i].article()
                ),
            ));
        }
    }
    kind
}

/// Level descriptions per item, from the rubric criteria.
type LevelTexts = HashMap<usize, Vec<(Track, u8, String)>>;

/// The level descriptions the rubrics give each item (the first criterion per item and
/// track wins), and the scale the first criterion with 2 to 10 levels suggests.
fn rubric_levels(
    pkg: &CfPackage,
    index: &HashMap<&str, usize>,
    warnings: &mut Vec<Warning>,
) -> (LevelTexts, Option<ScaleHint>) {
    let mut levels: LevelTexts = HashMap::new();
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
                scale_hint = Some(scale_hint_of(lv, &ordered));
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
                warnings.push(Issue::new(&at, format!("{} already has level descriptions from an earlier criterion; this one is kept in the file but not used.", item_label(pkg, item))));
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
    (levels, scale_hint)
}

/// The scale a criterion's levels suggest: their qualities in order ("Level n" if none).
fn scale_hint_of(lv: &[CfRubricCriterionLevel], ordered: &[usize]) -> ScaleHint {
    ScaleHint {
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
    }
}

/// The framework's name and the document and package members Proficio keeps verbatim.
fn document_members(pkg: &CfPackage, warnings: &mut Vec<Warning>) -> (String, Extra, Extra) {
    let doc = &pkg.document;
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
    (name, doc_extra, package_extra)
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::super::*;
    use crate::domain::tree::NodeKind;
    use serde_json::{json, Value};

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
}

//! Test fixtures shared by the CASE tests: the test files and a framework made in Proficio.

use super::*;
use crate::domain::framework::Track;
use crate::domain::tree::NodeKind;
use serde_json::{json, Value};
use std::path::PathBuf;

/// The folder of CASE test files: `$PROFICIO_CASE_DATA`, else `shared/data/case` beside
/// the crate folder or one of its ancestors.
pub(super) fn data_dir() -> PathBuf {
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
pub(super) fn packages() -> Vec<(String, String)> {
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

pub(super) fn file(name: &str) -> String {
    std::fs::read_to_string(data_dir().join(name)).unwrap()
}

pub(super) fn opts() -> ExportOptions {
    ExportOptions::new("https://proficio.test/case/", "2026-01-02T03:04:05+00:00")
}

pub(super) fn import(text: &str) -> (Imported, Vec<Warning>) {
    import_case(text, &KindMapping::default()).unwrap_or_else(|p| panic!("import failed: {p:?}"))
}

pub(super) fn problems(v: &Value) -> Vec<String> {
    match import_case(&v.to_string(), &KindMapping::default()) {
        Ok(_) => panic!("accepted a broken package"),
        Err(p) => p.iter().map(ToString::to_string).collect(),
    }
}

/// What a node and a link are, without their JSON.
pub(super) fn shape(i: &Imported) -> (Vec<String>, Vec<String>) {
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

pub(super) fn proficio_framework() -> Imported {
    let node = |id: &str, parent: Option<&str>, kind, title: &str, code: &str, pos| ImportedNode {
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

pub(super) fn with_rubric() -> Value {
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

pub(super) fn what_standards() -> Value {
    serde_json::from_str(&file("what-standards-could-be.json")).unwrap()
}

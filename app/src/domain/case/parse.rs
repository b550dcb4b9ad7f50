//! Reading a CASE file: a schema check that lists every problem it finds, and the
//! renaming of CASE 1.0 packages to 1.1.

use super::model::{seq_of, CfPackage, Extra, Issue, Problem, Warning};
use serde_json::Value;
use std::collections::HashMap;

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

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::super::*;
    use serde_json::{json, Value};

    #[test]
    fn the_package_model_round_trips_every_file_exactly() {
        for (name, text) in packages() {
            let raw: Value = serde_json::from_str(&text).unwrap();
            let (pkg, _) = parse_package(&text).unwrap();
            assert_eq!(serde_json::to_value(&pkg).unwrap(), raw, "{name}");
        }
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

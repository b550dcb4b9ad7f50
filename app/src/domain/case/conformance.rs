//! Making exported objects valid CASE 1.1: the schema's classes and member types, and
//! the moving of members that break it into `extensions`.

use super::export::ExportOptions;
use super::helpers::{case_uuid, is_uuid};
use super::model::{seq_of, Extra};
use serde_json::Value;

pub(super) fn link_obj(identifier: &str, uri: &str, title: &str) -> Value {
    let mut m = Extra::new();
    m.insert("title".into(), Value::from(title));
    m.insert("identifier".into(), Value::from(identifier));
    m.insert("uri".into(), Value::from(uri));
    Value::Object(m)
}

pub(super) fn str_of<'a>(m: &'a Extra, key: &str) -> Option<&'a str> {
    m.get(key).and_then(Value::as_str)
}

/// Puts `value` into `obj.extensions[key]` (a list of objects when `array`), keeping any
/// different value already there.
pub(super) fn put_extension(obj: &mut Extra, key: &str, value: Value, array: bool) {
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
pub(super) enum Fx {
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

pub(super) struct Class {
    name: &'static str,
    fields: &'static [(&'static str, Fx)],
    required: &'static [&'static str],
    ext_array: bool,
}

pub(super) const C_DOC: Class = Class {
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
pub(super) const C_ITEM: Class = Class {
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
pub(super) const C_ASSOC: Class = Class {
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
pub(super) const C_PACKAGE: Class = Class {
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
pub(super) fn is_date_time(s: &str) -> bool {
    s.len() > 11
        && s.is_char_boundary(10)
        && is_date(&s[..10])
        && matches!(s.as_bytes()[10], b'T' | b't')
        && split_time(&s[11..]).is_some_and(|(_, z)| is_zone(z))
}

/// A date-time that lacks only its zone (or uses a space for `T`) read as UTC.
pub(super) fn fix_date_time(s: &str) -> Option<String> {
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
pub(super) fn conform(obj: Extra, class: &Class, o: &ExportOptions) -> Extra {
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

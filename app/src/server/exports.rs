//! Exports of a framework in formats other tools read: CASE 1.1 packages (with what an
//! import kept written back) and Moodle's competency-framework CSV.

use super::db::Db;
use super::frameworks::version_snapshot;
use super::imports::admin_only;
use super::{now_ms, rfc3339};
use crate::api::AppError;
use crate::domain::case::{
    self, ExportOptions, Extra, Imported, ImportedLink, ImportedNode, LinkKind, LinkTarget,
    ScaleHint,
};
use crate::domain::framework::FrameworkTree;
use crate::domain::CurrentUser;
use crate::domain::FrameworkId;
use std::collections::{HashMap, HashSet};

fn object(text: &str) -> Extra {
    match serde_json::from_str(text) {
        Ok(serde_json::Value::Object(m)) => m,
        _ => Extra::new(),
    }
}

fn member(m: &Extra, key: &str) -> Extra {
    match m.get(key) {
        Some(serde_json::Value::Object(o)) => o.clone(),
        _ => Extra::new(),
    }
}

/// The framework's links in file order, kept only where every node end is still there.
async fn links(
    db: &Db,
    id: FrameworkId,
    nodes: &HashSet<String>,
) -> Result<Vec<ImportedLink>, AppError> {
    let bodies: Vec<String> =
        sqlx::query_scalar("select body from framework_link where framework_id = $1 order by seq")
            .bind(id.0)
            .fetch_all(&db.pool)
            .await?;
    let present = |t: &LinkTarget| match t {
        LinkTarget::Node(n) => nodes.contains(n),
        _ => true,
    };
    Ok(bodies
        .iter()
        .filter_map(|b| serde_json::from_str::<ImportedLink>(b).ok())
        .filter(|l| present(&l.origin.target) && present(&l.destination.target))
        .collect())
}

/// A framework version (`which`: "draft" or a version number) in the neutral structure,
/// with what its import kept: CASE members, the isChildOf associations and the links.
#[tracing::instrument(skip_all, fields(id = id.0))]
pub async fn load(db: &Db, id: FrameworkId, which: &str) -> Result<Imported, AppError> {
    let snap = version_snapshot(db, id, which, "version").await?;
    let (external_id, extra): (String, String) =
        sqlx::query_as("select external_id, case_extra from framework where id = $1")
            .bind(id.0)
            .fetch_optional(&db.pool)
            .await?
            .ok_or_else(|| AppError::NotFound("That framework".into()))?;
    let extra = object(&extra);
    let kept: HashMap<String, Extra> = sqlx::query_as::<_, (String, String)>(
        "select external_id, case_extra from framework_node where framework_id = $1 and case_extra <> '{}'",
    )
    .bind(id.0)
    .fetch_all(&db.pool)
    .await?
    .into_iter()
    .map(|(e, x)| (e, object(&x)))
    .collect();
    let ids: HashSet<String> = snap.nodes.iter().map(|n| n.external_id.clone()).collect();
    let nodes = snap
        .nodes
        .into_iter()
        .map(|n| {
            let k = kept.get(&n.external_id);
            ImportedNode {
                child_of: k.and_then(|k| match k.get("childOf") {
                    Some(serde_json::Value::Object(o)) => Some(o.clone()),
                    _ => None,
                }),
                extra: k.map(|k| member(k, "item")).unwrap_or_default(),
                external_id: n.external_id,
                parent: n.parent,
                kind: n.kind,
                title: n.title,
                short_code: n.short_code,
                definition: n.definition,
                position: n.position,
                level_descriptions: n.level_descriptions,
                alt_labels: n.alt_labels,
            }
        })
        .collect();
    Ok(Imported {
        name: snap.name,
        description: snap.description,
        external_id,
        nodes,
        links: links(db, id, &ids).await?,
        scale_hint: Some(ScaleHint {
            levels: snap.scale.levels().iter().map(|l| l.name.clone()).collect(),
        }),
        doc_extra: member(&extra, "doc"),
        package_extra: member(&extra, "package"),
    })
}

/// When a framework version last changed, RFC 3339: a published version's publish time
/// (so one version always exports the same bytes), the draft's is now. It is the
/// `lastChangeDateTime` of the exported objects that carry none of their own.
pub async fn changed_at(db: &Db, id: FrameworkId, which: &str) -> Result<String, AppError> {
    let at = match which.parse::<i64>() {
        Ok(number) => sqlx::query_scalar(
            "select published_at from framework_version where framework_id = $1 and number = $2",
        )
        .bind(id.0)
        .bind(number)
        .fetch_optional(&db.pool)
        .await?
        .unwrap_or_else(now_ms),
        Err(_) => now_ms(),
    };
    Ok(rfc3339(at, "+00:00"))
}

/// A file name from a framework's name: `{slug}{suffix}`.
fn file_name(name: &str, suffix: &str) -> String {
    let slug: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let slug = slug
        .split('-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    format!(
        "{}{suffix}",
        if slug.is_empty() { "framework" } else { &slug }
    )
}

/// A framework version as a CASE 1.1 CFPackage (JSON text) that validates against the
/// official schema; URIs Proficio makes start with `base_uri`. Returns the file name and
/// the text. Admins only.
#[tracing::instrument(skip_all, fields(caller = me.id.0, id = id.0))]
pub async fn export_case(
    db: &Db,
    me: &CurrentUser,
    id: FrameworkId,
    which: &str,
    base_uri: &str,
) -> Result<(String, String), AppError> {
    admin_only(me)?;
    let imported = load(db, id, which).await?;
    let text = case::export_case_string(
        &imported,
        &ExportOptions::new(base_uri, &changed_at(db, id, which).await?),
    );
    let version = if which == "draft" {
        String::new()
    } else {
        format!("-v{which}")
    };
    Ok((
        file_name(&imported.name, &format!("{version}-case.json")),
        text,
    ))
}

fn html_paragraph(text: &str) -> String {
    let escaped = text
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    format!(
        "<p>{}</p>",
        escaped.lines().collect::<Vec<_>>().join("<br>")
    )
}

/// A framework as Moodle's 14-column competency-framework CSV: the framework row with its
/// scale, then every node, parents first, identified by its identifier. Returns the file
/// name and the text. Admins only.
#[tracing::instrument(skip_all, fields(caller = me.id.0, id = id.0))]
pub async fn export_moodle(
    db: &Db,
    me: &CurrentUser,
    id: FrameworkId,
) -> Result<(String, String), AppError> {
    admin_only(me)?;
    let tree = super::frameworks::tree(db, id).await?;
    let fw_ident: String = sqlx::query_scalar("select external_id from framework where id = $1")
        .bind(id.0)
        .fetch_one(&db.pool)
        .await?;
    let details: HashMap<i64, (String, String)> = sqlx::query_as::<_, (i64, String, String)>(
        "select id, external_id, definition from framework_node where framework_id = $1",
    )
    .bind(id.0)
    .fetch_all(&db.pool)
    .await?
    .into_iter()
    .map(|(n, e, d)| (n, (e, d)))
    .collect();
    let mut w = csv::Writer::from_writer(Vec::new());
    write_moodle_row(&mut w, crate::domain::moodle::COLUMNS)?;
    write_moodle_framework(&mut w, &tree, &fw_ident)?;
    let ident =
        |n: crate::domain::NodeId| details.get(&n.0).map(|d| d.0.clone()).unwrap_or_default();
    let present: HashSet<String> = details.values().map(|d| d.0.clone()).collect();
    let related = related_nodes(db, id, &present).await?;
    for n in &tree.nodes {
        let parent = n.parent.map(ident).unwrap_or_default();
        let own = ident(n.id);
        let definition = html_paragraph(details.get(&n.id.0).map_or("", |d| d.1.as_str()));
        let node_id = n.id.0.to_string();
        let cross = related.get(&own).map(|r| r.join(",")).unwrap_or_default();
        write_moodle_row(
            &mut w,
            [
                &parent,
                &own,
                &n.title,
                &definition,
                "1",
                "",
                "",
                "",
                "0",
                "null",
                &cross,
                &node_id,
                "",
                "",
            ],
        )?;
    }
    let bytes = w.into_inner().map_err(|_| AppError::Internal)?;
    Ok((
        file_name(&tree.framework.name, "-moodle.csv"),
        String::from_utf8(bytes).map_err(|_| AppError::Internal)?,
    ))
}

/// Writes one row of a Moodle CSV. Every cell is neutralised against spreadsheet
/// formulas; the importer undoes it.
fn write_moodle_row(w: &mut csv::Writer<Vec<u8>>, r: [&str; 14]) -> Result<(), AppError> {
    w.write_record(r.map(|c| crate::domain::validate::csv_cell(c).into_owned()))
        .map_err(|e| {
            tracing::error!(error = %e, "CSV export");
            AppError::Internal
        })
}

/// Writes the framework's row of a Moodle CSV: its identifier `fw_ident`, the scale with
/// its default and proficient levels, and the taxonomy of each depth.
fn write_moodle_framework(
    w: &mut csv::Writer<Vec<u8>>,
    tree: &FrameworkTree,
    fw_ident: &str,
) -> Result<(), AppError> {
    let levels = tree.scale.levels();
    let threshold = usize::from(tree.scale.threshold().get());
    let mut config = vec![serde_json::json!({"scaleid": "0"})];
    for i in 1..=levels.len() {
        config.push(serde_json::json!({
            "id": i, "scaledefault": i32::from(i == 1), "proficient": i32::from(i >= threshold)
        }));
    }
    let scale_values = levels
        .iter()
        .map(|l| l.name.replace(',', " "))
        .collect::<Vec<_>>()
        .join(",");
    let config = serde_json::Value::Array(config).to_string();
    let description = html_paragraph(&tree.framework.description);
    let taxonomy = moodle_taxonomy(tree).join(",");
    let fw_id = tree.framework.id.0.to_string();
    write_moodle_row(
        w,
        [
            "",
            fw_ident,
            &tree.framework.name,
            &description,
            "1",
            &scale_values,
            &config,
            "",
            "",
            "",
            "",
            &fw_id,
            "1",
            &taxonomy,
        ],
    )
}

/// Moodle's taxonomy term for each depth of the tree, from the kind of its first node.
fn moodle_taxonomy(tree: &FrameworkTree) -> Vec<&'static str> {
    let depth = tree
        .nodes
        .iter()
        .map(|n| n.depth)
        .max()
        .map_or(0, |d| d + 1);
    (0..depth)
        .map(
            |d| match tree.nodes.iter().find(|n| n.depth == d).map(|n| n.kind) {
                Some(crate::domain::tree::NodeKind::Category) => "domain",
                Some(crate::domain::tree::NodeKind::Skill) => "behaviour",
                _ => "competency",
            },
        )
        .collect()
}

/// Cross references: the related links between two nodes of `present`, by the origin's
/// identifier, each destination with its commas escaped.
async fn related_nodes(
    db: &Db,
    id: FrameworkId,
    present: &HashSet<String>,
) -> Result<HashMap<String, Vec<String>>, AppError> {
    let mut related: HashMap<String, Vec<String>> = HashMap::new();
    for l in links(db, id, present).await? {
        if let (LinkKind::IsRelatedTo, LinkTarget::Node(a), LinkTarget::Node(b)) =
            (&l.kind, &l.origin.target, &l.destination.target)
        {
            related
                .entry(a.clone())
                .or_default()
                .push(b.replace(',', "%2C"));
        }
    }
    Ok(related)
}

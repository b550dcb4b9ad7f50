//! Imports, all or nothing: a file is read and planned first (every problem listed with
//! where it is), then written in one transaction. Every framework format becomes the same
//! neutral structure ([`Imported`]) and is stored by one function.

use super::ctx::unique_or;
use super::db::{Db, WriteTx};
use super::frameworks::{default_scale, insert_framework, insert_scale};
use super::now_ms;
use crate::api::AppError;
use crate::domain::case::{self, Imported, Issue, KindMapping};
use crate::domain::imports::{default_threshold, format_label, ImportPreview};
use crate::domain::moodle::{self, plan, MoodlePlan};
use crate::domain::scale::{Scale, ScaleLevel};
use crate::domain::CurrentUser;
use crate::domain::FrameworkId;
use std::collections::{HashMap, HashSet};

/// Largest import file.
pub const MAX_IMPORT_BYTES: usize = 50 * 1024 * 1024;
/// Problems quoted in an error message (the preview lists them all).
const QUOTED: usize = 20;

/// What an import did.
#[derive(Debug, Clone, PartialEq)]
pub struct Done {
    /// The new framework, for formats that make one.
    pub framework: Option<FrameworkId>,
    /// How many things were written, and what they are ("nodes", "positions", "people").
    pub written: usize,
    pub noun: &'static str,
    /// What was left out (only when the admin chose to import the valid part).
    pub skipped: Vec<Issue>,
    /// What the importer decided on the admin's behalf.
    pub warnings: Vec<Issue>,
    /// The page that shows the result.
    pub path: String,
}

pub(crate) fn file_error(message: String) -> AppError {
    AppError::invalid("file", message)
}

/// The file as UTF-8 text (a leading byte-order mark dropped), or a message naming the
/// line where it stops being UTF-8.
pub fn text_of(bytes: &[u8]) -> Result<&str, AppError> {
    if bytes.len() > MAX_IMPORT_BYTES {
        return Err(file_error(format!(
            "The file is larger than {} MB.",
            MAX_IMPORT_BYTES / 1024 / 1024
        )));
    }
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| {
        let line = bytes[..e.valid_up_to()]
            .iter()
            .filter(|b| **b == b'\n')
            .count()
            + 1;
        file_error(format!(
            "line {line}: the file is not UTF-8 text; save it as UTF-8 and try again."
        ))
    })
}

/// A CSV record with the line it starts on.
pub type Record = (usize, Vec<String>);

/// Splits a CSV file into its header and rows, each row with the line it starts on.
pub fn read_csv(bytes: &[u8]) -> Result<(Vec<String>, Vec<Record>), AppError> {
    let text = text_of(bytes)?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut header: Option<Vec<String>> = None;
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            file_error(format!("line {line}: this is not valid CSV ({e})."))
        })?;
        let line = record.position().map_or(0, |p| p.line()) as usize;
        let fields: Vec<String> = record
            .iter()
            .map(|c| crate::domain::validate::csv_cell_value(c).to_string())
            .collect();
        if header.is_none() {
            header = Some(fields);
        } else {
            rows.push((line, fields));
        }
    }
    let header = header.ok_or_else(|| file_error("The file is empty.".into()))?;
    Ok((header, rows))
}

/// Plans a Moodle CSV import without writing anything.
pub fn plan_moodle(bytes: &[u8]) -> Result<MoodlePlan, AppError> {
    let (header, rows) = read_csv(bytes)?;
    plan(&header, &rows).map_err(|p| file_error(p.to_string()))
}

/// A framework a file would create.
#[derive(Debug, Clone, PartialEq)]
pub struct FrameworkPlan {
    /// The format's key ("case"), kept as the framework's origin.
    pub format: &'static str,
    pub imported: Imported,
    pub scale: Scale,
    /// What stops the import (or, if `skippable`, what is left out when the admin
    /// imports the valid part; `imported` then holds only the valid part).
    pub problems: Vec<Issue>,
    pub warnings: Vec<Issue>,
    pub skippable: bool,
    /// Keep the file's document identifier as the framework's (CASE).
    pub keep_document_id: bool,
    /// A remark for the preview.
    pub note: String,
}

/// What a file would do.
#[derive(Debug, Clone, PartialEq)]
pub enum Plan {
    /// Create a framework.
    Framework(Box<FrameworkPlan>),
    /// Create positions (ESCO occupations).
    Positions(super::import_esco::PositionsPlan),
    /// Create or update people.
    People(super::import_people::PeoplePlan),
    /// Create or update learning activities.
    Learning(super::import_learning::LearningPlan),
}

impl Plan {
    fn problems(&self) -> (&[Issue], bool) {
        match self {
            Plan::Framework(f) => (&f.problems, f.skippable),
            Plan::Positions(p) => (&p.problems, true),
            Plan::People(p) => (&p.problems, true),
            Plan::Learning(p) => (&p.problems, true),
        }
    }

    /// The preview of this plan for staged upload `id`.
    pub fn preview(&self, id: i64, file_name: &str) -> ImportPreview {
        match self {
            Plan::Framework(f) => {
                let mut p = ImportPreview::framework(
                    id,
                    file_name,
                    format_label(f.format),
                    &f.imported,
                    f.scale.levels().iter().map(|l| l.name.clone()).collect(),
                    &f.problems,
                    &f.warnings,
                    f.skippable,
                );
                p.note = f.note.clone();
                p
            }
            Plan::Positions(p) => {
                let requirements: usize = p.positions.iter().map(|x| x.requires.len()).sum();
                let mut v = ImportPreview::other(
                    id,
                    file_name,
                    format_label("esco-occupations"),
                    &plural(p.positions.len(), "ESCO occupation", "ESCO occupations"),
                    vec![
                        ("positions".into(), p.positions.len() as u32),
                        ("requirements".into(), requirements as u32),
                        ("skill labels found".into(), p.resolved),
                        ("skill labels not found".into(), p.unresolved),
                    ],
                    (p.positions.len() as u32, "positions"),
                    &p.problems,
                    &p.warnings,
                );
                v.note = if p.from_csv {
                    "This file lists no skills, so the positions have no requirements yet. Titles are the text before the definition (they may hold alternative labels too; review them on each position's page).".into()
                } else {
                    "Each occupation becomes a position requiring its essential skills and knowledge, found by label among the ESCO skills here, at their scale's proficiency level and marked mandatory.".into()
                };
                v
            }
            Plan::People(p) => {
                let (created, updated, units) = p.figures();
                let mut v = ImportPreview::other(
                    id,
                    file_name,
                    format_label("people-csv"),
                    &plural(p.rows.len(), "person", "people"),
                    vec![
                        ("people to add".into(), created),
                        ("people to update".into(), updated),
                        ("units to create".into(), units),
                    ],
                    (p.rows.len() as u32, "people"),
                    &p.problems,
                    &p.warnings,
                );
                v.note = "People are matched by e-mail: known ones are updated, new ones added (they sign in once an admin sets their password). An empty cell leaves that detail as it is.".into();
                v
            }
            Plan::Learning(p) => {
                let (added, updated, levels) = p.figures();
                let mut v = ImportPreview::other(
                    id,
                    file_name,
                    format_label("learning-csv"),
                    &plural(p.rows.len(), "learning activity", "learning activities"),
                    vec![
                        ("activities to add".into(), added),
                        ("activities to update".into(), updated),
                        ("levels awarded".into(), levels),
                    ],
                    (p.rows.len() as u32, "activities"),
                    &p.problems,
                    &p.warnings,
                );
                v.note = "Activities are matched by their id: known ones are updated (their levels replaced when the row lists any), new ones added. Competencies and skills are found by identifier, else by exact title.".into();
                v
            }
        }
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A scale from level names read from a file (names cut to 60 characters), with the
/// level from which someone is proficient; the default scale when the file has none.
pub fn scale_from(names: &[String], threshold: Option<u8>) -> Result<Scale, AppError> {
    if names.is_empty() {
        return Ok(default_scale());
    }
    let levels: Vec<ScaleLevel> = names
        .iter()
        .map(|name| ScaleLevel {
            name: name.chars().take(60).collect(),
            description: String::new(),
        })
        .collect();
    let threshold = threshold.unwrap_or_else(|| default_threshold(names.len()));
    Scale::new(levels, threshold)
        .map_err(|e| file_error(format!("The framework's scale: {}", e.message)))
}

fn plan_moodle_framework(bytes: &[u8]) -> Result<Plan, AppError> {
    let p = plan_moodle(bytes)?;
    let (imported, warnings) = moodle::to_imported(&p);
    Ok(Plan::Framework(Box::new(FrameworkPlan {
        format: "moodle-csv",
        imported,
        scale: scale_from(&p.scale, Some(p.threshold))?,
        problems: moodle::issues(&p.problems),
        warnings,
        skippable: true,
        keep_document_id: false,
        note: String::new(),
    })))
}

/// What the admin chose with an upload.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ImportOptions {
    /// CASE item types to node kinds, `Item type = kind` per line, over the defaults.
    #[serde(default)]
    pub kinds: String,
}

fn plan_case(bytes: &[u8], options: &ImportOptions) -> Result<Plan, AppError> {
    let mapping =
        KindMapping::with_rules(&options.kinds).map_err(|m| AppError::invalid("kinds", m))?;
    let text = text_of(bytes)?;
    let (imported, problems, warnings) = match case::import_case(text, &mapping) {
        Ok((i, w)) => (i, Vec::new(), w),
        Err(p) => (
            crate::domain::imports::framework("(not importable)", "", "", Vec::new(), Vec::new()),
            p,
            Vec::new(),
        ),
    };
    let names = imported
        .scale_hint
        .as_ref()
        .map(|h| h.levels.clone())
        .unwrap_or_default();
    Ok(Plan::Framework(Box::new(FrameworkPlan {
        format: "case",
        imported,
        scale: scale_from(&names, None)?,
        problems,
        warnings,
        skippable: false,
        keep_document_id: true,
        note: "CFItem types map to kinds (domain, strand, cluster: category; standard, competency: competency; skill, indicator, element: skill), else the place in the tree decides. Associations other than the tree are kept as typed links; members Proficio does not show are kept and written back on export.".into(),
    })))
}

/// Reads YAML (or JSON, which YAML includes) to a value; errors name their line.
pub fn read_yaml(bytes: &[u8]) -> Result<serde_json::Value, AppError> {
    let text = text_of(bytes)?;
    serde_saphyr::from_str::<serde_json::Value>(text).map_err(|e| {
        let at = e
            .location()
            .map(|l| format!("line {}, column {}: ", l.line(), l.column()))
            .unwrap_or_default();
        let first = e.to_string().lines().next().unwrap_or("").to_string();
        file_error(format!("{at}this is not valid YAML ({first})."))
    })
}

fn plan_progression(bytes: &[u8]) -> Result<Plan, AppError> {
    let p = crate::domain::progression::plan(&read_yaml(bytes)?)
        .map_err(|i| file_error(i.to_string()))?;
    Ok(Plan::Framework(Box::new(FrameworkPlan {
        format: "progression-yaml",
        imported: p.imported,
        scale: scale_from(&p.levels, None)?,
        problems: p.problems,
        warnings: Vec::new(),
        skippable: true,
        keep_document_id: false,
        note: "Levels become the scale, themes the competencies, and each statement the description of its theme at its level (statements for the same theme and level are joined). Check the proficiency level on the scale page.".into(),
    })))
}

/// Reads a file of `format` and plans its import, writing nothing. A file that cannot be
/// read as the format at all is an error; everything else is in the plan.
#[tracing::instrument(skip_all)]
pub async fn plan_file(
    db: &Db,
    format: &str,
    bytes: &[u8],
    options: &ImportOptions,
) -> Result<Plan, AppError> {
    if bytes.is_empty() {
        return Err(file_error("Choose a file to import.".into()));
    }
    match format {
        "case" => {
            let mut plan = plan_case(bytes, options)?;
            if let Plan::Framework(f) = &mut plan {
                keep_document_id_if_free(db, f).await?;
            }
            Ok(plan)
        }
        "moodle-csv" => plan_moodle_framework(bytes),
        "esco-skills" => super::import_esco::plan_skills(bytes),
        "progression-yaml" => plan_progression(bytes),
        "people-csv" => Ok(Plan::People(super::import_people::plan(db, bytes).await?)),
        "learning-csv" => Ok(Plan::Learning(
            super::import_learning::plan(db, bytes).await?,
        )),
        "esco-occupations" => super::import_esco::plan_occupations(db, bytes).await,
        _ => Err(AppError::invalid("format", "Choose the file's format.")),
    }
}

fn refusal(problems: &[Issue], skippable: bool) -> AppError {
    let mut text: Vec<String> = problems.iter().take(QUOTED).map(Issue::to_string).collect();
    if problems.len() > QUOTED {
        text.push(format!("and {} more", problems.len() - QUOTED));
    }
    let n = problems.len();
    file_error(format!(
        "Nothing was imported: the file has {n} problem{} ({}). {}",
        if n == 1 { "" } else { "s" },
        text.join("; "),
        if skippable {
            "Fix the file, or choose to import only the valid rows."
        } else {
            "Fix the file and try again."
        }
    ))
}

/// Imports a file of `format`, all or nothing: a file with any problem changes nothing
/// unless `skip_bad_rows` and the format allows leaving rows out.
#[tracing::instrument(skip_all, fields(skip_bad_rows))]
pub async fn import(
    db: &Db,
    format: &str,
    bytes: &[u8],
    skip_bad_rows: bool,
) -> Result<Done, AppError> {
    import_with(db, format, bytes, skip_bad_rows, &ImportOptions::default()).await
}

/// [`import`] with the admin's choices.
#[tracing::instrument(skip_all, fields(skip_bad_rows))]
pub async fn import_with(
    db: &Db,
    format: &str,
    bytes: &[u8],
    skip_bad_rows: bool,
    options: &ImportOptions,
) -> Result<Done, AppError> {
    let plan = plan_file(db, format, bytes, options).await?;
    let (problems, skippable) = plan.problems();
    let allowed = problems.is_empty() || (skip_bad_rows && skippable);
    if !allowed {
        return Err(refusal(problems, skippable));
    }
    match plan {
        Plan::Framework(f) => {
            let (framework, written) = store_framework(db, &f).await?;
            tracing::info!(
                framework = framework.0,
                nodes = written,
                format,
                "framework imported"
            );
            Ok(Done {
                framework: Some(framework),
                written,
                noun: "nodes",
                skipped: f.problems,
                warnings: f.warnings,
                path: format!("/frameworks/{framework}"),
            })
        }
        Plan::Positions(p) => {
            let written = super::import_esco::store_positions(db, &p).await?;
            tracing::info!(positions = written, format, "positions imported");
            Ok(Done {
                framework: None,
                written,
                noun: "positions",
                skipped: p.problems,
                warnings: p.warnings,
                path: "/positions".into(),
            })
        }
        Plan::People(p) => {
            let written = super::import_people::store(db, &p).await?;
            tracing::info!(people = written, format, "people imported");
            Ok(Done {
                framework: None,
                written,
                noun: "people",
                skipped: p.problems,
                warnings: p.warnings,
                path: "/people".into(),
            })
        }
        Plan::Learning(p) => {
            let written = super::import_learning::store(db, &p).await?;
            tracing::info!(activities = written, format, "learning activities imported");
            Ok(Done {
                framework: None,
                written,
                noun: "activities",
                skipped: p.problems,
                warnings: p.warnings,
                path: "/learning".into(),
            })
        }
    }
}

/// A CASE document identifier already used by a framework here is not taken again: the
/// import gets an identifier of its own, and the preview says so.
async fn keep_document_id_if_free(db: &Db, f: &mut FrameworkPlan) -> Result<(), AppError> {
    let id = &f.imported.external_id;
    if id.is_empty() {
        f.keep_document_id = false;
        return Ok(());
    }
    let existing: Option<(i64, String)> =
        sqlx::query_as("select id, name from framework where external_id = $1")
            .bind(id)
            .fetch_optional(&db.pool)
            .await?;
    if let Some((other, name)) = existing {
        f.keep_document_id = false;
        f.warnings.push(Issue::new(
            "CFDocument",
            format!("the identifier {id} is already used by \u{201c}{name}\u{201d} (framework {other}), so this import gets an identifier of its own; exports of it carry the new one."),
        ));
    }
    Ok(())
}

/// How many rows one multi-row insert writes.
const BATCH: usize = 200;

/// `($1, $2, …), (…)` for `rows` rows of `cols` values.
fn placeholders(rows: usize, cols: usize) -> String {
    (0..rows)
        .map(|r| {
            let v: Vec<String> = (1..=cols).map(|c| format!("${}", r * cols + c)).collect();
            format!("({})", v.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn json_text(v: serde_json::Value) -> String {
    v.to_string()
}

/// Stores a planned framework as a new draft, in one transaction: the scale, the
/// framework, its nodes (a layer of the tree at a time, in batches), their level
/// descriptions and the links. Returns the framework and its node count.
#[tracing::instrument(skip_all)]
pub async fn store_framework(db: &Db, f: &FrameworkPlan) -> Result<(FrameworkId, usize), AppError> {
    let i = &f.imported;
    check_unique_ids(i)?;
    let mut tx = db.begin_write().await?;
    let framework = insert_imported_framework(&mut tx, f).await?;
    let layers = node_layers(i)?;
    let ids = insert_nodes(&mut tx, framework, i, &layers).await?;
    insert_level_descriptions(&mut tx, f, &ids).await?;
    insert_links(&mut tx, framework, i).await?;
    tx.commit().await?;
    Ok((framework, i.nodes.len()))
}

/// Refuses a file in which two nodes share an identifier.
fn check_unique_ids(i: &Imported) -> Result<(), AppError> {
    let mut seen = HashSet::new();
    for n in &i.nodes {
        if !seen.insert(n.external_id.as_str()) {
            return Err(file_error(format!(
                "The identifier \u{201c}{}\u{201d} is used by more than one node.",
                n.external_id
            )));
        }
    }
    Ok(())
}

/// Inserts the scale and the framework row with what the import keeps of the CASE
/// document and package, under the document's identifier when the plan keeps it.
async fn insert_imported_framework(
    tx: &mut WriteTx,
    f: &FrameworkPlan,
) -> Result<FrameworkId, AppError> {
    let i = &f.imported;
    let name: String = i.name.trim().chars().take(200).collect();
    let name = if name.is_empty() {
        "Imported framework".to_string()
    } else {
        name
    };
    let scale_id = insert_scale(tx, &f.scale, &format!("{name} scale")).await?;
    let description: String = i.description.chars().take(5000).collect();
    let framework = insert_framework(tx, &name, &description, scale_id, f.format).await?;
    let mut case_extra = serde_json::Map::new();
    if !i.doc_extra.is_empty() {
        case_extra.insert("doc".into(), i.doc_extra.clone().into());
    }
    if !i.package_extra.is_empty() {
        case_extra.insert("package".into(), i.package_extra.clone().into());
    }
    let external = if f.keep_document_id && !i.external_id.is_empty() {
        Some(i.external_id.clone())
    } else {
        None
    };
    sqlx::query(
        "update framework set case_extra = $1, external_id = coalesce($2, external_id) where id = $3",
    )
    .bind(json_text(case_extra.into()))
    .bind(external)
    .bind(framework.0)
    .execute(&mut **tx)
    .await
    .map_err(|e| {
        unique_or(e, || {
            file_error(format!(
                "A framework with the identifier {} was imported a moment ago; upload the file again to import it with an identifier of its own.",
                i.external_id
            ))
        })
    })?;
    Ok(framework)
}

/// The nodes' indexes by depth in the tree, so every layer's parents are in the ones
/// before it; a node that comes before its parent is refused.
fn node_layers(i: &Imported) -> Result<Vec<Vec<usize>>, AppError> {
    let mut depth: HashMap<&str, usize> = HashMap::new();
    let mut layers: Vec<Vec<usize>> = Vec::new();
    for (k, n) in i.nodes.iter().enumerate() {
        let d = match n.parent.as_deref() {
            None => 0,
            Some(p) => depth.get(p).map(|d| d + 1).ok_or_else(|| {
                file_error(format!(
                    "The node \u{201c}{}\u{201d} comes before its parent \u{201c}{p}\u{201d}.",
                    n.external_id
                ))
            })?,
        };
        depth.insert(&n.external_id, d);
        if layers.len() <= d {
            layers.resize_with(d + 1, Vec::new);
        }
        layers[d].push(k);
    }
    Ok(layers)
}

/// Inserts the nodes one layer of the tree at a time, so every parent has its id, in
/// batches. Returns the framework's node ids by identifier.
async fn insert_nodes(
    tx: &mut WriteTx,
    framework: FrameworkId,
    i: &Imported,
    layers: &[Vec<usize>],
) -> Result<HashMap<String, i64>, AppError> {
    let now = now_ms();
    let mut ids: HashMap<String, i64> = HashMap::new();
    for layer in layers {
        for chunk in layer.chunks(BATCH) {
            let sql = format!(
                "insert into framework_node (framework_id, parent_id, kind, position, title, short_code, definition, \
                 key_behaviours, validity_months, external_id, scale_id, updated_at, alt_labels, case_extra) values {}",
                placeholders(chunk.len(), 14)
            );
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for &k in chunk {
                let n = &i.nodes[k];
                let mut extra = serde_json::Map::new();
                if !n.extra.is_empty() {
                    extra.insert("item".into(), n.extra.clone().into());
                }
                if let Some(c) = &n.child_of {
                    extra.insert("childOf".into(), c.clone().into());
                }
                let title: String = n.title.chars().take(200).collect();
                let title = if title.trim().is_empty() {
                    n.external_id.chars().take(200).collect()
                } else {
                    title
                };
                q = q
                    .bind(framework.0)
                    .bind(n.parent.as_ref().and_then(|p| ids.get(p)).copied())
                    .bind(n.kind.as_str())
                    .bind(i64::from(n.position))
                    .bind(title)
                    .bind(n.short_code.chars().take(100).collect::<String>())
                    .bind(n.definition.clone())
                    .bind("[]")
                    .bind(None::<i64>)
                    .bind(n.external_id.clone())
                    .bind(None::<i64>)
                    .bind(now)
                    .bind(json_text(serde_json::json!(n.alt_labels)))
                    .bind(json_text(extra.into()));
            }
            q.execute(&mut **tx).await?;
        }
        let rows: Vec<(i64, String)> =
            sqlx::query_as("select id, external_id from framework_node where framework_id = $1")
                .bind(framework.0)
                .fetch_all(&mut **tx)
                .await?;
        ids = rows.into_iter().map(|(id, e)| (e, id)).collect();
    }
    Ok(ids)
}

/// Inserts the level descriptions the scale has room for, in batches.
async fn insert_level_descriptions(
    tx: &mut WriteTx,
    f: &FrameworkPlan,
    ids: &HashMap<String, i64>,
) -> Result<(), AppError> {
    let top = f.scale.levels().len();
    let descriptions: Vec<(i64, &str, i64, &str)> = f
        .imported
        .nodes
        .iter()
        .flat_map(|n| {
            let id = ids[&n.external_id];
            n.level_descriptions
                .iter()
                .filter(move |(_, l, t)| {
                    (1..=top).contains(&usize::from(*l)) && !t.trim().is_empty()
                })
                .map(move |(track, l, t)| (id, track.as_str(), i64::from(*l), t.as_str()))
        })
        .collect();
    for chunk in descriptions.chunks(BATCH) {
        let sql = format!(
            "insert into node_level_description (node_id, track, level, description) values {}",
            placeholders(chunk.len(), 4)
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for (id, track, level, text) in chunk {
            q = q.bind(*id).bind(*track).bind(*level).bind(*text);
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

/// Inserts the links in file order, in batches.
async fn insert_links(
    tx: &mut WriteTx,
    framework: FrameworkId,
    i: &Imported,
) -> Result<(), AppError> {
    let links: Vec<(usize, &case::ImportedLink)> = i.links.iter().enumerate().collect();
    for chunk in links.chunks(BATCH) {
        let sql = format!(
            "insert into framework_link (framework_id, kind, origin, destination, body, seq) values {}",
            placeholders(chunk.len(), 6)
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for (seq, l) in chunk {
            q = q
                .bind(framework.0)
                .bind(l.kind.as_str().to_string())
                .bind(l.origin.identifier.clone())
                .bind(l.destination.identifier.clone())
                .bind(json_text(
                    serde_json::to_value(l).map_err(|_| AppError::Internal)?,
                ))
                .bind(*seq as i64);
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

/// How long an unconfirmed upload is kept.
const STAGED_FOR_MS: i64 = 24 * 3_600_000;

/// Imports and exports are for admins.
pub(crate) fn admin_only(me: &CurrentUser) -> Result<(), AppError> {
    if me.caps().administer {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// Keeps an uploaded file for its preview; a file that cannot be read as the format at
/// all is refused at once. Returns the staged upload's id.
#[tracing::instrument(skip_all, fields(caller = me.id.0))]
pub async fn stage(
    db: &Db,
    me: &CurrentUser,
    format: &str,
    file_name: &str,
    bytes: &[u8],
    options: &ImportOptions,
) -> Result<i64, AppError> {
    admin_only(me)?;
    plan_file(db, format, bytes, options).await?;
    let content = text_of(bytes)?.to_string();
    let now = now_ms();
    sqlx::query("delete from pending_import where created_at < $1")
        .bind(now - STAGED_FOR_MS)
        .execute(&db.pool)
        .await?;
    let name: String = file_name.chars().take(200).collect();
    Ok(sqlx::query_scalar(
        "insert into pending_import (person_id, format, file_name, content, created_at, options) \
         values ($1, $2, $3, $4, $5, $6) returning id",
    )
    .bind(me.id.0)
    .bind(format)
    .bind(name)
    .bind(content)
    .bind(now)
    .bind(serde_json::to_string(options).map_err(|_| AppError::Internal)?)
    .fetch_one(&db.pool)
    .await?)
}

/// A staged upload: format, file name, content, options.
type Staged = (String, String, String, ImportOptions);

async fn staged(db: &Db, me: &CurrentUser, id: i64) -> Result<Staged, AppError> {
    admin_only(me)?;
    let row: Option<(String, String, String, String)> = sqlx::query_as(
        "select format, file_name, content, options from pending_import where id = $1 and person_id = $2",
    )
    .bind(id)
    .bind(me.id.0)
    .fetch_optional(&db.pool)
    .await?
    ;
    let (format, name, content, options) = row.ok_or_else(|| {
        AppError::NotFound("That upload (it may have been imported already, or expired)".into())
    })?;
    Ok((
        format,
        name,
        content,
        serde_json::from_str(&options).unwrap_or_default(),
    ))
}

/// What a staged upload would do, with every problem.
#[tracing::instrument(skip_all, fields(caller = me.id.0, id))]
pub async fn preview(db: &Db, me: &CurrentUser, id: i64) -> Result<ImportPreview, AppError> {
    let (format, name, content, options) = staged(db, me, id).await?;
    let mut preview = plan_file(db, &format, content.as_bytes(), &options)
        .await?
        .preview(id, &name);
    if !options.kinds.trim().is_empty() {
        preview.note = format!(
            "Item types mapped as you chose: {}. {}",
            options.kinds.trim().replace('\n', "; "),
            preview.note
        );
    }
    Ok(preview)
}

/// Imports a staged upload (all or nothing, or only its valid rows) and forgets it.
/// Returns the page that shows the result. The first confirmation claims the upload, so a
/// double click or a replayed request imports it once: the second is told it is done. A
/// failed import gives the claim back, so the admin can try again (say, skipping bad rows);
/// a claim left by a crash lapses after ten minutes.
#[tracing::instrument(skip_all, fields(caller = me.id.0, id, skip_bad_rows))]
pub async fn confirm(
    db: &Db,
    me: &CurrentUser,
    id: i64,
    skip_bad_rows: bool,
) -> Result<Done, AppError> {
    const CLAIM_MS: i64 = 10 * 60_000;
    let (format, _, content, options) = staged(db, me, id).await?;
    let now = now_ms();
    let claimed = sqlx::query(
        "update pending_import set claimed_at = $1 \
         where id = $2 and person_id = $3 and (claimed_at is null or claimed_at < $4)",
    )
    .bind(now)
    .bind(id)
    .bind(me.id.0)
    .bind(now - CLAIM_MS)
    .execute(&db.pool)
    .await?;
    if claimed.rows_affected() != 1 {
        return Err(AppError::Conflict(
            "This file is being imported already (it was confirmed twice); open the framework list to see it.".into(),
        ));
    }
    let done = match import_with(db, &format, content.as_bytes(), skip_bad_rows, &options).await {
        Ok(done) => done,
        Err(e) => {
            sqlx::query("update pending_import set claimed_at = null where id = $1")
                .bind(id)
                .execute(&db.pool)
                .await?;
            return Err(e);
        }
    };
    sqlx::query("delete from pending_import where id = $1")
        .bind(id)
        .execute(&db.pool)
        .await?;
    Ok(done)
}

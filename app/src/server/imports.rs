//! Imports that create a framework from a file, all or nothing: the file is read and
//! planned first (every problem listed with its line), then written in one transaction.

use super::ctx::internal;
use super::db::Db;
use super::frameworks::{insert_framework, insert_scale};
use super::now_ms;
use crate::api::AppError;
use crate::domain::moodle::{plan, ImportPreview, MoodlePlan, Problem};
use crate::domain::scale::{Scale, ScaleLevel};
use crate::domain::CurrentUser;
use crate::domain::FrameworkId;

/// Largest import file.
pub const MAX_IMPORT_BYTES: usize = 50 * 1024 * 1024;
/// Problems quoted in an error message (the preview lists them all).
const QUOTED: usize = 20;

/// What an import did.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    pub framework: FrameworkId,
    pub nodes: usize,
    /// Rows left out (only when the admin chose to import the valid rows).
    pub skipped: Vec<Problem>,
}

fn file_error(message: String) -> AppError {
    AppError::invalid("file", message)
}

/// A CSV record with the line it starts on.
pub type Record = (usize, Vec<String>);

/// Splits a Moodle CSV file into its header and rows, each row with the line it starts on.
pub fn read_moodle_csv(bytes: &[u8]) -> Result<(Vec<String>, Vec<Record>), AppError> {
    if bytes.len() > MAX_IMPORT_BYTES {
        return Err(file_error(format!(
            "The file is larger than {} MB.",
            MAX_IMPORT_BYTES / 1024 / 1024
        )));
    }
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    if let Err(e) = std::str::from_utf8(bytes) {
        let line = bytes[..e.valid_up_to()]
            .iter()
            .filter(|b| **b == b'\n')
            .count()
            + 1;
        return Err(file_error(format!(
            "line {line}: the file is not UTF-8 text; save it as CSV UTF-8 and try again."
        )));
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut header: Option<Vec<String>> = None;
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            file_error(format!("line {line}: this is not valid CSV ({e})."))
        })?;
        let line = record.position().map_or(0, |p| p.line()) as usize;
        let fields: Vec<String> = record.iter().map(str::to_string).collect();
        if header.is_none() {
            header = Some(fields);
        } else {
            rows.push((line, fields));
        }
    }
    let header = header.ok_or_else(|| file_error("The file is empty.".into()))?;
    Ok((header, rows))
}

/// Plans a Moodle CSV import without writing anything (the preview).
pub fn plan_moodle(bytes: &[u8]) -> Result<MoodlePlan, AppError> {
    let (header, rows) = read_moodle_csv(bytes)?;
    plan(&header, &rows).map_err(|p| file_error(p.to_string()))
}

/// Imports a Moodle competency-framework CSV as a new draft framework. A file with any
/// problem changes nothing unless `skip_bad_rows`, which imports the valid rows.
pub async fn import_moodle(
    db: &Db,
    bytes: &[u8],
    skip_bad_rows: bool,
) -> Result<Imported, AppError> {
    let p = plan_moodle(bytes)?;
    if !p.problems.is_empty() && !skip_bad_rows {
        let mut text: Vec<String> = p
            .problems
            .iter()
            .take(QUOTED)
            .map(Problem::to_string)
            .collect();
        if p.problems.len() > QUOTED {
            text.push(format!("and {} more", p.problems.len() - QUOTED));
        }
        return Err(file_error(format!(
            "Nothing was imported: {} row{} cannot be imported ({}). Fix the file, or choose to import only the valid rows.",
            p.problems.len(),
            if p.problems.len() == 1 { "" } else { "s" },
            text.join("; ")
        )));
    }
    let levels: Vec<ScaleLevel> = p
        .scale
        .iter()
        .map(|name| ScaleLevel {
            name: name.chars().take(60).collect(),
            description: String::new(),
        })
        .collect();
    let scale = Scale::new(levels, p.threshold)
        .map_err(|e| file_error(format!("The framework's scale: {}", e.message)))?;
    let mut tx = db.pool.begin().await.map_err(internal)?;
    let scale_id = insert_scale(&mut tx, &scale, &format!("Competency scale: {}", p.name)).await?;
    let framework =
        insert_framework(&mut tx, &p.name, &p.description, scale_id, "moodle-csv").await?;
    let now = now_ms();
    let mut ids: Vec<i64> = Vec::with_capacity(p.nodes.len());
    let mut next_position: std::collections::HashMap<Option<usize>, i64> = Default::default();
    for n in &p.nodes {
        let position = next_position.entry(n.parent).or_insert(0);
        let id: i64 = sqlx::query_scalar(
            "insert into framework_node (framework_id, parent_id, kind, position, title, short_code, definition, \
             key_behaviours, validity_months, external_id, scale_id, updated_at, alt_labels) \
             values ($1, $2, $3, $4, $5, $6, $7, '[]', null, $8, null, $9, '[]') returning id",
        )
        .bind(framework.0)
        .bind(n.parent.map(|i| ids[i]))
        .bind(n.kind.as_str())
        .bind(*position)
        .bind(&n.title)
        .bind(&n.id_number)
        .bind(&n.definition)
        .bind(&n.id_number)
        .bind(now)
        .fetch_one(&mut *tx)
        .await
        .map_err(internal)?;
        *position += 1;
        ids.push(id);
    }
    tx.commit().await.map_err(internal)?;
    tracing::info!(
        framework = framework.0,
        nodes = ids.len(),
        skipped = p.problems.len(),
        "Moodle CSV imported"
    );
    Ok(Imported {
        framework,
        nodes: ids.len(),
        skipped: p.problems,
    })
}

/// Formats an upload may have.
pub const FORMATS: &[(&str, &str)] = &[("moodle-csv", "Moodle competency CSV")];

/// How long an unconfirmed upload is kept.
const STAGED_FOR_MS: i64 = 24 * 3_600_000;

fn admin_only(me: &CurrentUser) -> Result<(), AppError> {
    if me.caps().administer {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// Keeps an uploaded file for its preview; a file that cannot be read as the format at
/// all is refused at once. Returns the staged upload's id.
pub async fn stage(
    db: &Db,
    me: &CurrentUser,
    format: &str,
    file_name: &str,
    bytes: &[u8],
) -> Result<i64, AppError> {
    admin_only(me)?;
    if !FORMATS.iter().any(|f| f.0 == format) {
        return Err(AppError::invalid("format", "Choose the file's format."));
    }
    if bytes.is_empty() {
        return Err(file_error("Choose a file to import.".into()));
    }
    plan_moodle(bytes)?;
    let content =
        String::from_utf8_lossy(bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes)).into_owned();
    let now = now_ms();
    sqlx::query("delete from pending_import where created_at < $1")
        .bind(now - STAGED_FOR_MS)
        .execute(&db.pool)
        .await
        .map_err(internal)?;
    let name: String = file_name.chars().take(200).collect();
    sqlx::query_scalar(
        "insert into pending_import (person_id, format, file_name, content, created_at) \
         values ($1, $2, $3, $4, $5) returning id",
    )
    .bind(me.id.0)
    .bind(format)
    .bind(name)
    .bind(content)
    .bind(now)
    .fetch_one(&db.pool)
    .await
    .map_err(internal)
}

async fn staged(db: &Db, me: &CurrentUser, id: i64) -> Result<(String, String), AppError> {
    admin_only(me)?;
    sqlx::query_as("select file_name, content from pending_import where id = $1 and person_id = $2")
        .bind(id)
        .bind(me.id.0)
        .fetch_optional(&db.pool)
        .await
        .map_err(internal)?
        .ok_or_else(|| {
            AppError::NotFound("That upload (it may have been imported already, or expired)".into())
        })
}

/// What a staged upload would create, with every problem.
pub async fn preview(db: &Db, me: &CurrentUser, id: i64) -> Result<ImportPreview, AppError> {
    let (name, content) = staged(db, me, id).await?;
    Ok(ImportPreview::of(
        id,
        &name,
        &plan_moodle(content.as_bytes())?,
    ))
}

/// Imports a staged upload (all or nothing, or only its valid rows) and forgets it.
pub async fn confirm(
    db: &Db,
    me: &CurrentUser,
    id: i64,
    skip_bad_rows: bool,
) -> Result<FrameworkId, AppError> {
    let (_, content) = staged(db, me, id).await?;
    let done = import_moodle(db, content.as_bytes(), skip_bad_rows).await?;
    sqlx::query("delete from pending_import where id = $1")
        .bind(id)
        .execute(&db.pool)
        .await
        .map_err(internal)?;
    Ok(done.framework)
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
        .await
        .map_err(internal)?;
    let details: std::collections::HashMap<i64, (String, String)> =
        sqlx::query_as::<_, (i64, String, String)>(
            "select id, external_id, definition from framework_node where framework_id = $1",
        )
        .bind(id.0)
        .fetch_all(&db.pool)
        .await
        .map_err(internal)?
        .into_iter()
        .map(|(n, e, d)| (n, (e, d)))
        .collect();
    let levels = tree.scale.levels();
    let threshold = usize::from(tree.scale.threshold().get());
    let mut config = vec![serde_json::json!({"scaleid": "0"})];
    for i in 1..=levels.len() {
        config.push(serde_json::json!({
            "id": i, "scaledefault": i32::from(i == 1), "proficient": i32::from(i >= threshold)
        }));
    }
    let depth = tree
        .nodes
        .iter()
        .map(|n| n.depth)
        .max()
        .map_or(0, |d| d + 1);
    let taxonomy: Vec<&str> = (0..depth)
        .map(
            |d| match tree.nodes.iter().find(|n| n.depth == d).map(|n| n.kind) {
                Some(crate::domain::tree::NodeKind::Category) => "domain",
                Some(crate::domain::tree::NodeKind::Skill) => "behaviour",
                _ => "competency",
            },
        )
        .collect();
    let mut w = csv::Writer::from_writer(Vec::new());
    let write = |w: &mut csv::Writer<Vec<u8>>, r: [&str; 14]| {
        w.write_record(r).map_err(|e| {
            tracing::error!(error = %e, "CSV export");
            AppError::Internal
        })
    };
    write(&mut w, crate::domain::moodle::COLUMNS)?;
    let scale_values = levels
        .iter()
        .map(|l| l.name.replace(',', " "))
        .collect::<Vec<_>>()
        .join(",");
    let config = serde_json::Value::Array(config).to_string();
    let description = html_paragraph(&tree.framework.description);
    let taxonomy = taxonomy.join(",");
    let fw_id = tree.framework.id.0.to_string();
    write(
        &mut w,
        [
            "",
            &fw_ident,
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
    )?;
    let ident =
        |n: crate::domain::NodeId| details.get(&n.0).map(|d| d.0.clone()).unwrap_or_default();
    for n in &tree.nodes {
        let parent = n.parent.map(ident).unwrap_or_default();
        let own = ident(n.id);
        let definition = html_paragraph(details.get(&n.id.0).map_or("", |d| d.1.as_str()));
        let node_id = n.id.0.to_string();
        write(
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
                "",
                &node_id,
                "",
                "",
            ],
        )?;
    }
    let bytes = w.into_inner().map_err(|_| AppError::Internal)?;
    let slug: String = tree
        .framework
        .name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    Ok((
        format!("{}-moodle.csv", slug.trim_matches('-')),
        String::from_utf8(bytes).map_err(|_| AppError::Internal)?,
    ))
}

//! Learning CSV imports: activities with the levels they award. Rows are matched to
//! existing activities by their id (`external_id`), so a re-import updates them; the nodes
//! in `provides` are found by identifier, else by title among the competencies and skills
//! of frameworks in use.

use super::db::Db;
use super::imports::{file_error, read_csv};
use crate::api::AppError;
use crate::domain::case::Issue;
use crate::domain::develop::{parse_learning_csv, LearningRow};
use crate::domain::NodeId;
use std::collections::HashMap;

/// A usable row, the activity it updates (if any), and its levels resolved to nodes.
pub type PlannedRow = (LearningRow, Option<i64>, Vec<(NodeId, u8)>);

/// A learning CSV, read and resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct LearningPlan {
    /// Usable rows: the row, the activity it updates (if any), the resolved levels.
    pub rows: Vec<PlannedRow>,
    pub problems: Vec<Issue>,
    pub warnings: Vec<Issue>,
}

impl LearningPlan {
    /// Activities to add, to update, and levels in all.
    pub fn figures(&self) -> (u32, u32, u32) {
        let added = self.rows.iter().filter(|r| r.1.is_none()).count();
        let levels: usize = self.rows.iter().map(|r| r.2.len()).sum();
        (
            added as u32,
            (self.rows.len() - added) as u32,
            levels as u32,
        )
    }
}

/// Reads and resolves a learning CSV, writing nothing.
#[tracing::instrument(skip_all)]
pub async fn plan(db: &Db, bytes: &[u8]) -> Result<LearningPlan, AppError> {
    let (header, rows) = read_csv(bytes)?;
    let (rows, mut problems) =
        parse_learning_csv(&header, &rows).map_err(|i| file_error(i.to_string()))?;
    let nodes: Vec<(i64, String, String, i64)> = sqlx::query_as(
        "select n.id, n.external_id, lower(n.title), \
           (select max(level) from scale_level l where l.scale_id = coalesce(n.scale_id, f.scale_id)) \
         from framework_node n join framework f on f.id = n.framework_id \
         where f.status <> 'archived' and n.kind <> 'category'",
    )
    .fetch_all(&db.pool)
    .await?;
    let mut by_id: HashMap<&str, (i64, i64)> = HashMap::new();
    let mut by_title: HashMap<&str, Vec<(i64, i64)>> = HashMap::new();
    for (id, ext, title, top) in &nodes {
        if !ext.is_empty() {
            by_id.insert(ext.as_str(), (*id, *top));
        }
        by_title
            .entry(title.as_str())
            .or_default()
            .push((*id, *top));
    }
    let known: Vec<(i64, String)> =
        sqlx::query_as("select id, external_id from activity where external_id is not null")
            .fetch_all(&db.pool)
            .await?;
    let known: HashMap<String, i64> = known.into_iter().map(|(i, x)| (x, i)).collect();
    let mut out = Vec::new();
    'rows: for row in rows {
        let at = format!("line {}", row.line);
        let mut levels = Vec::new();
        for (reference, level) in &row.provides {
            let found = match by_id.get(reference.as_str()) {
                Some(n) => *n,
                None => match by_title
                    .get(reference.to_lowercase().as_str())
                    .map(Vec::as_slice)
                {
                    Some([one]) => *one,
                    Some(many) if many.len() > 1 => {
                        problems.push(Issue::new(
                            at,
                            format!(
                                "\u{201c}{reference}\u{201d} names {} competencies or skills; use its identifier instead.",
                                many.len()
                            ),
                        ));
                        continue 'rows;
                    }
                    _ => {
                        problems.push(Issue::new(
                            at,
                            format!(
                                "no competency or skill is called \u{201c}{reference}\u{201d}."
                            ),
                        ));
                        continue 'rows;
                    }
                },
            };
            if i64::from(*level) > found.1 {
                problems.push(Issue::new(
                    at,
                    format!(
                        "\u{201c}{reference}\u{201d} has levels 1 to {}; level {level} does not exist.",
                        found.1
                    ),
                ));
                continue 'rows;
            }
            levels.push((NodeId(found.0), *level));
        }
        let existing = row
            .fields
            .external_id
            .as_ref()
            .and_then(|x| known.get(x).copied());
        out.push((row, existing, levels));
    }
    Ok(LearningPlan {
        rows: out,
        problems,
        warnings: Vec::new(),
    })
}

/// Writes a plan in one transaction: new activities added, known ones updated (their
/// levels replaced by the file's when the file gives any). Returns the rows written.
#[tracing::instrument(skip_all)]
pub async fn store(db: &Db, p: &LearningPlan) -> Result<usize, AppError> {
    let mut tx = db.begin_write().await?;
    for (row, existing, levels) in &p.rows {
        let id = match existing {
            Some(id) => {
                super::learning::rewrite(&mut tx, *id, &row.fields).await?;
                if !levels.is_empty() {
                    sqlx::query("delete from activity_level where activity_id = $1")
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                }
                *id
            }
            None => super::learning::insert(&mut tx, &row.fields).await?,
        };
        for (node, level) in levels {
            super::learning::write_level(&mut tx, id, *node, *level).await?;
        }
    }
    tx.commit().await?;
    Ok(p.rows.len())
}

//! ESCO imports: skills as a framework (the rules are in `domain::esco`), and ICT
//! occupations as positions whose requirements are their essential skills and knowledge,
//! found by label among the ESCO nodes already here.

use super::db::Db;
use super::imports::{file_error, read_csv, scale_from, text_of, FrameworkPlan, Plan};
use super::now_ms;
use crate::api::AppError;
use crate::domain::case::Issue;
use crate::domain::esco::{self, LabelIndex, Occupation};
use std::collections::HashMap;

/// Plans an ESCO skills import from the JSON list or the two-column CSV (told apart by
/// their first character).
pub fn plan_skills(bytes: &[u8]) -> Result<Plan, AppError> {
    let text = text_of(bytes)?;
    let plan = if text.trim_start().starts_with(['[', '{']) {
        esco::plan_json(text)
    } else {
        let (header, rows) = read_csv(bytes)?;
        esco::plan_csv(&header, &rows)
    }
    .map_err(|i| file_error(i.to_string()))?;
    Ok(Plan::Framework(Box::new(FrameworkPlan {
        format: "esco-skills",
        imported: plan.imported,
        scale: scale_from(&[], None)?,
        problems: plan.problems,
        warnings: Vec::new(),
        skippable: true,
        keep_document_id: false,
        note: plan.note,
    })))
}

/// A position to create.
#[derive(Debug, Clone, PartialEq)]
pub struct NewPosition {
    pub uri: String,
    pub title: String,
    pub description: String,
    /// The nodes it requires, in the file's order.
    pub requires: Vec<i64>,
}

/// Positions a file would create.
#[derive(Debug, Clone, PartialEq)]
pub struct PositionsPlan {
    pub positions: Vec<NewPosition>,
    /// Occupations that cannot be imported.
    pub problems: Vec<Issue>,
    /// Labels that match no node, occupations already here.
    pub warnings: Vec<Issue>,
    /// How many essential labels were found and not found.
    pub resolved: u32,
    pub unresolved: u32,
    /// Read from `occupations.csv`, which lists no skills.
    pub from_csv: bool,
}

/// The nodes of frameworks imported from ESCO (skills, not their groups).
const ESCO_NODES: &str =
    "select n.id from framework_node n join framework f on f.id = n.framework_id \
     where f.origin = 'esco-skills' and n.parent_id is not null";

/// Every ESCO skill here, newest framework first.
async fn esco_nodes(db: &Db) -> Result<Vec<(i64, String, Vec<String>)>, AppError> {
    let rows: Vec<(i64, String, String)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "select id, title, alt_labels from framework_node where id in ({ESCO_NODES}) \
         order by framework_id desc, id"
    )))
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, t, a)| (id, t, serde_json::from_str(&a).unwrap_or_default()))
        .collect())
}

/// Plans an ESCO occupations import: each occupation's essential skills and knowledge are
/// found by label among the ESCO nodes here; labels that match none are listed.
#[tracing::instrument(skip_all)]
pub async fn plan_occupations(db: &Db, bytes: &[u8]) -> Result<Plan, AppError> {
    let text = text_of(bytes)?;
    let from_csv = !text.trim_start().starts_with(['[', '{']);
    let (occupations, problems) = if from_csv {
        let (header, rows) = read_csv(bytes)?;
        esco::read_occupations_csv(&header, &rows)
    } else {
        esco::read_occupations(text)
    }
    .map_err(|i| file_error(i.to_string()))?;
    let needs_skills = occupations.iter().any(|o| !o.essentials().is_empty());
    let nodes = if needs_skills {
        esco_nodes(db).await?
    } else {
        Vec::new()
    };
    if needs_skills && nodes.is_empty() {
        return Err(file_error(
            "No ESCO skills are here yet: import the ESCO skills (skills.csv or ict_skills.json) first, so the occupations' skills can be found by label.".into(),
        ));
    }
    let index = LabelIndex::new(nodes);
    let existing: HashMap<String, i64> = sqlx::query_as::<_, (String, i64)>(
        "select external_id, id from job_position where external_id is not null",
    )
    .fetch_all(&db.pool)
    .await?
    .into_iter()
    .collect();
    let mut warnings = Vec::new();
    let mut missing: Vec<(String, Vec<String>)> = Vec::new();
    let (mut resolved, mut unresolved) = (0u32, 0u32);
    let mut positions = Vec::new();
    for o in &occupations {
        if let Some(id) = existing.get(o.uri.trim()) {
            warnings.push(Issue::new(
                format!("\u{201c}{}\u{201d}", o.label.trim()),
                format!("is already here as position {id}; it is left as it is."),
            ));
            continue;
        }
        positions.push(resolve(
            o,
            &index,
            &mut missing,
            &mut resolved,
            &mut unresolved,
        ));
    }
    for (label, by) in missing {
        let more = if by.len() > 3 {
            format!(" and {} more", by.len() - 3)
        } else {
            String::new()
        };
        warnings.push(Issue::new(
            format!("\u{201c}{label}\u{201d}"),
            format!(
                "matches no ESCO skill here; it is not required by {}{more}.",
                by.iter().take(3).cloned().collect::<Vec<_>>().join(", ")
            ),
        ));
    }
    Ok(Plan::Positions(PositionsPlan {
        positions,
        problems,
        warnings,
        resolved,
        unresolved,
        from_csv,
    }))
}

fn resolve(
    o: &Occupation,
    index: &LabelIndex,
    missing: &mut Vec<(String, Vec<String>)>,
    resolved: &mut u32,
    unresolved: &mut u32,
) -> NewPosition {
    let title: String = o.label.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut requires = Vec::new();
    for label in o.essentials() {
        match index.find(&label) {
            Some(n) => {
                *resolved += 1;
                if !requires.contains(&n) {
                    requires.push(n);
                }
            }
            None => {
                *unresolved += 1;
                match missing.iter_mut().find(|m| m.0 == label) {
                    Some(m) => m.1.push(title.clone()),
                    None => missing.push((label, vec![title.clone()])),
                }
            }
        }
    }
    NewPosition {
        uri: o.uri.trim().to_string(),
        title: title.chars().take(200).collect(),
        description: o.description.trim().chars().take(5000).collect(),
        requires,
    }
}

/// Creates the planned positions with their requirements (each essential node at its
/// scale's proficiency level, mandatory, weight 3), in one transaction. New positions
/// have no holders, so no report counter moves.
#[tracing::instrument(skip_all)]
pub async fn store_positions(db: &Db, p: &PositionsPlan) -> Result<usize, AppError> {
    let thresholds: HashMap<i64, i64> =
        sqlx::query_as::<_, (i64, i64)>(sqlx::AssertSqlSafe(format!(
            "select n.id, coalesce(ns.threshold, fs.threshold) from framework_node n \
         join framework f on f.id = n.framework_id join scale fs on fs.id = f.scale_id \
         left join scale ns on ns.id = n.scale_id where n.id in ({ESCO_NODES})"
        )))
        .fetch_all(&db.pool)
        .await?
        .into_iter()
        .collect();
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    for pos in &p.positions {
        let id: i64 = sqlx::query_scalar(
            "insert into job_position (title, description, track, rank, unit_id, created_at, updated_at, external_id) \
             values ($1, $2, 'ic', null, null, $3, $3, $4) returning id",
        )
        .bind(&pos.title)
        .bind(&pos.description)
        .bind(now)
        .bind(&pos.uri)
        .fetch_one(&mut *tx)
        .await?;
        for (seq, node) in pos.requires.iter().enumerate() {
            let Some(level) = thresholds.get(node) else {
                return Err(file_error(
                    "An ESCO skill was removed while importing; try again.".into(),
                ));
            };
            sqlx::query(
                "insert into position_requirement (position_id, node_id, required, weight, mandatory, seq) \
                 values ($1, $2, $3, 3, 1, $4)",
            )
            .bind(id)
            .bind(*node)
            .bind(*level)
            .bind(seq as i64)
            .execute(&mut *tx)
            .await?;
        }
    }
    tx.commit().await?;
    Ok(p.positions.len())
}

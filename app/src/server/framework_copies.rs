//! New frameworks made from existing ones: a clone of a whole framework, and a blend of
//! chosen subtrees of several (the "build a model from existing models" workflow of the US
//! Competency Model Clearinghouse). Copies keep their nodes' external identifiers, so a node
//! stays recognisable in imports, exports and comparisons; each copy is one transaction.

use super::db::{Db, WriteTx};
use super::frameworks::{
    checked_name, insert_framework, insert_scale, load_scale, shape_in, summary_with_scale,
};
use super::now_ms;
use crate::api::AppError;
use crate::domain::editor::BlendSource;
use crate::domain::framework::FrameworkSummary;
use crate::domain::scale::Scale;
use crate::domain::tree::{NodeKind, Tree};
use crate::domain::{FrameworkId, NodeId};
use std::collections::{HashMap, HashSet};

/// A node with everything a copy carries.
#[derive(Debug, Clone, sqlx::FromRow)]
struct FullNode {
    id: i64,
    kind: String,
    title: String,
    short_code: String,
    definition: String,
    key_behaviours: String,
    alt_labels: String,
    validity_months: Option<i64>,
    external_id: String,
    scale_id: Option<i64>,
}

async fn full_nodes(
    tx: &mut WriteTx,
    framework: FrameworkId,
) -> Result<HashMap<i64, FullNode>, AppError> {
    let rows: Vec<FullNode> = sqlx::query_as(
        "select id, kind, title, short_code, definition, key_behaviours, alt_labels, validity_months, external_id, scale_id \
         from framework_node where framework_id = $1",
    )
    .bind(framework.0)
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows.into_iter().map(|n| (n.id, n)).collect())
}

/// One subtree to copy: its nodes in display order with their depth below the root, from a
/// framework whose nodes use `node_scale` (None: the new framework's default).
struct Piece<'a> {
    order: Vec<(NodeId, usize)>,
    shape: &'a Tree,
    nodes: &'a HashMap<i64, FullNode>,
    node_scale: Option<i64>,
}

/// Inserts the pieces into `framework`, each root at the top level after the previous one.
/// Parents are inserted before their children, so the new parent ids are known.
async fn insert_pieces(
    tx: &mut WriteTx,
    framework: FrameworkId,
    pieces: &[Piece<'_>],
    scale_map: &HashMap<i64, i64>,
) -> Result<usize, AppError> {
    let now = now_ms();
    let mut top = 0i64;
    let mut copied = 0;
    for piece in pieces {
        let mut new_id: HashMap<NodeId, i64> = HashMap::new();
        for &(old, depth) in &piece.order {
            let n = piece
                .nodes
                .get(&old.0)
                .ok_or_else(|| AppError::Conflict("The source changed; try again.".into()))?;
            let (parent, position) = if depth == 0 {
                top += 1;
                (None, top - 1)
            } else {
                let p = piece.shape.parent(old).flatten();
                (
                    p.and_then(|p| new_id.get(&p).copied()),
                    piece.shape.index(old).unwrap_or(0) as i64,
                )
            };
            let scale = n
                .scale_id
                .and_then(|s| scale_map.get(&s).copied())
                .or(piece.node_scale);
            let id: i64 = sqlx::query_scalar(
                "insert into framework_node (framework_id, parent_id, kind, position, title, short_code, definition, \
                 key_behaviours, validity_months, external_id, scale_id, updated_at, alt_labels) \
                 values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) returning id",
            )
            .bind(framework.0)
            .bind(parent)
            .bind(&n.kind)
            .bind(position)
            .bind(&n.title)
            .bind(&n.short_code)
            .bind(&n.definition)
            .bind(&n.key_behaviours)
            .bind(n.validity_months)
            .bind(&n.external_id)
            .bind(scale)
            .bind(now)
            .bind(&n.alt_labels)
            .fetch_one(&mut **tx)
            .await?;
            sqlx::query(
                "insert into node_level_description (node_id, track, level, description) \
                 select $1, track, level, description from node_level_description where node_id = $2",
            )
            .bind(id)
            .bind(old.0)
            .execute(&mut **tx)
            .await?;
            new_id.insert(old, id);
            copied += 1;
        }
    }
    Ok(copied)
}

/// Scales that nodes of `nodes` use besides their framework's, copied for the new framework.
async fn copy_node_scales(
    db: &Db,
    tx: &mut WriteTx,
    nodes: &HashMap<i64, FullNode>,
    scale_map: &mut HashMap<i64, i64>,
) -> Result<(), AppError> {
    let own: HashSet<i64> = nodes.values().filter_map(|n| n.scale_id).collect();
    for s in own {
        if let std::collections::hash_map::Entry::Vacant(e) = scale_map.entry(s) {
            let scale = load_scale(db, s).await?;
            e.insert(insert_scale(tx, &scale, "Copied scale").await?);
        }
    }
    Ok(())
}

/// Clones a framework (its current state: scale, every node, level descriptions) into a new
/// draft called "NAME (copy)". Returns the new framework's id.
#[tracing::instrument(skip_all, fields(id = id.0))]
pub async fn clone_framework(db: &Db, id: FrameworkId) -> Result<FrameworkId, AppError> {
    let (f, scale_id, scale) = summary_with_scale(db, id).await?;
    let mut tx = db.begin_write().await?;
    let shape = shape_in(&mut tx, id).await?;
    let nodes = full_nodes(&mut tx, id).await?;
    let name: String = format!("{} (copy)", f.name).chars().take(200).collect();
    let new_scale = insert_scale(&mut tx, &scale, &format!("{name} scale")).await?;
    let new = insert_framework(
        &mut tx,
        &name,
        &f.description,
        new_scale,
        &format!("Cloned from \u{201c}{}\u{201d}", f.name),
    )
    .await?;
    let mut scale_map = HashMap::from([(scale_id, new_scale)]);
    copy_node_scales(db, &mut tx, &nodes, &mut scale_map).await?;
    let pieces: Vec<Piece> = shape
        .children(None)
        .iter()
        .map(|&root| Piece {
            order: depths(&shape, root),
            shape: &shape,
            nodes: &nodes,
            node_scale: None,
        })
        .collect();
    insert_pieces(&mut tx, new, &pieces, &scale_map).await?;
    tx.commit().await?;
    Ok(new)
}

/// A subtree in display order with each node's depth below `root`.
fn depths(shape: &Tree, root: NodeId) -> Vec<(NodeId, usize)> {
    let mut out = Vec::new();
    let mut stack = vec![(root, 0usize)];
    while let Some((n, d)) = stack.pop() {
        out.push((n, d));
        stack.extend(shape.children(Some(n)).iter().rev().map(|&c| (c, d + 1)));
    }
    out
}

/// Blends the subtrees rooted at `picks` (from any frameworks) into a new draft framework.
/// A pick inside another pick's subtree is already included. Subtrees keep their order
/// within their framework; frameworks come in name order. Nodes from a framework whose
/// scale differs from the first one's keep their own scale (a competency may use another
/// scale than its framework's). Two copied nodes with the same identifier are refused.
#[tracing::instrument(skip_all)]
pub async fn blend(
    db: &Db,
    name: &str,
    description: &str,
    picks: &[NodeId],
) -> Result<FrameworkId, AppError> {
    let (name, description) = checked_name(name, description)?;
    if picks.is_empty() {
        return Err(AppError::invalid(
            "nodes",
            "Pick at least one category or competency to bring into the new framework.",
        ));
    }
    let mut tx = db.begin_write().await?;
    let by_framework = picks_by_framework(&mut tx, picks).await?;
    let sources = load_sources(db, &mut tx, &by_framework).await?;
    let first_scale = &sources[0].scale;
    let new_scale = insert_scale(&mut tx, first_scale, &format!("{name} scale")).await?;
    let names: Vec<String> = sources
        .iter()
        .map(|s| format!("\u{201c}{}\u{201d}", s.summary.name))
        .collect();
    let new = insert_framework(
        &mut tx,
        &name,
        description,
        new_scale,
        &format!("Blended from {}", names.join(", ")),
    )
    .await?;
    let mut scale_map: HashMap<i64, i64> = HashMap::new();
    let pieces = blend_pieces(db, &mut tx, &sources, &mut scale_map).await?;
    insert_pieces(&mut tx, new, &pieces, &scale_map).await?;
    tx.commit().await?;
    Ok(new)
}

/// A framework that picks come from, with what copying from it needs.
struct Source {
    summary: FrameworkSummary,
    scale_id: i64,
    scale: Scale,
    shape: Tree,
    nodes: HashMap<i64, FullNode>,
    picks: Vec<NodeId>,
}

/// The picks grouped by the framework each is in; a pick deleted meanwhile is refused.
async fn picks_by_framework(
    tx: &mut WriteTx,
    picks: &[NodeId],
) -> Result<HashMap<i64, Vec<NodeId>>, AppError> {
    let mut by_framework: HashMap<i64, Vec<NodeId>> = HashMap::new();
    for p in picks {
        let fw: Option<i64> =
            sqlx::query_scalar("select framework_id from framework_node where id = $1")
                .bind(p.0)
                .fetch_optional(&mut **tx)
                .await?;
        let fw = fw.ok_or_else(|| {
            AppError::Conflict(
                "One of the picked nodes was deleted meanwhile; reload the page.".into(),
            )
        })?;
        by_framework.entry(fw).or_default().push(*p);
    }
    Ok(by_framework)
}

/// Each framework of `by_framework` with its scale, shape and nodes, in name order.
async fn load_sources(
    db: &Db,
    tx: &mut WriteTx,
    by_framework: &HashMap<i64, Vec<NodeId>>,
) -> Result<Vec<Source>, AppError> {
    let mut sources = Vec::new();
    for (&fw, fw_picks) in by_framework {
        let (summary, scale_id, scale) = summary_with_scale(db, FrameworkId(fw)).await?;
        let shape = shape_in(tx, FrameworkId(fw)).await?;
        let nodes = full_nodes(tx, FrameworkId(fw)).await?;
        sources.push(Source {
            summary,
            scale_id,
            scale,
            shape,
            nodes,
            picks: fw_picks.clone(),
        });
    }
    sources.sort_by_key(|s| (s.summary.name.to_lowercase(), s.summary.id));
    Ok(sources)
}

/// The subtrees to copy from `sources`, copying the scales they need beyond the first
/// source's into the new framework (recorded in `scale_map`). Refuses two copied nodes
/// with the same identifier.
async fn blend_pieces<'a>(
    db: &Db,
    tx: &mut WriteTx,
    sources: &'a [Source],
    scale_map: &mut HashMap<i64, i64>,
) -> Result<Vec<Piece<'a>>, AppError> {
    let first_scale = &sources[0].scale;
    let mut seen: HashMap<String, String> = HashMap::new();
    let mut pieces = Vec::new();
    for s in sources {
        let node_scale = if s.scale == *first_scale {
            None
        } else {
            if let std::collections::hash_map::Entry::Vacant(e) = scale_map.entry(s.scale_id) {
                e.insert(insert_scale(tx, &s.scale, &format!("{} scale", s.summary.name)).await?);
            }
            scale_map.get(&s.scale_id).copied()
        };
        copy_node_scales(db, tx, &s.nodes, scale_map).await?;
        for root in pick_roots(&s.shape, &s.picks) {
            let order = depths(&s.shape, root);
            for (n, _) in &order {
                if let Some(node) = s.nodes.get(&n.0) {
                    if let Some(other) =
                        seen.insert(node.external_id.clone(), s.summary.name.clone())
                    {
                        return Err(AppError::invalid(
                            "nodes",
                            format!(
                                "\u{201c}{}\u{201d} ({}) would come from both \u{201c}{other}\u{201d} and \u{201c}{}\u{201d}; pick it from one framework only.",
                                node.title, node.external_id, s.summary.name
                            ),
                        ));
                    }
                }
            }
            pieces.push(Piece {
                order,
                shape: &s.shape,
                nodes: &s.nodes,
                node_scale,
            });
        }
    }
    Ok(pieces)
}

/// The picks with no picked ancestor, in display order.
fn pick_roots(shape: &Tree, picks: &[NodeId]) -> Vec<NodeId> {
    let picked: HashSet<NodeId> = picks.iter().copied().collect();
    shape
        .walk()
        .into_iter()
        .map(|(n, _)| n)
        .filter(|n| picked.contains(n))
        .filter(|&n| {
            let mut cur = shape.parent(n).flatten();
            while let Some(c) = cur {
                if picked.contains(&c) {
                    return false;
                }
                cur = shape.parent(c).flatten();
            }
            true
        })
        .collect()
}

/// Every framework with its pickable nodes, for the blend page.
#[tracing::instrument(skip_all)]
pub async fn blend_sources(db: &Db) -> Result<Vec<BlendSource>, AppError> {
    let mut out = Vec::new();
    for f in super::frameworks::list(db).await? {
        let t = super::frameworks::tree(db, f.id).await?;
        let nodes = t
            .nodes
            .into_iter()
            .filter(|n| n.kind != NodeKind::Skill && n.depth < 3)
            .collect();
        out.push(BlendSource {
            framework: f,
            nodes,
        });
    }
    Ok(out)
}

//! Frameworks: creating them, reading their trees, and changing their shape. Every change
//! is one transaction that first claims the revision the editor saw; if someone else saved
//! in between, the claim fails and the change is refused, so no edit is silently lost.

use super::db::{Db, WriteTx};
use super::{format_time, now_ms};
use crate::api::AppError;
use crate::domain::count;
use crate::domain::editor::ScaleEditor;
use crate::domain::framework::{
    node_kind, node_title, FrameworkStatus, FrameworkSummary, FrameworkTree, NodeDetails,
    NodeInput, NodeRow, Track,
};
use crate::domain::scale::{plan_scale_change, Scale, ScaleForm, ScaleLevel, ScaleUse};
use crate::domain::tree::{NodeKind, Tree, TreeError};
use crate::domain::versions::{diff, Change, Snapshot, SnapshotNode, VersionInfo};
use crate::domain::{FrameworkId, NodeId, PersonId, ShortText};
use std::collections::HashMap;

/// The scale new frameworks start with (admins can change it).
pub fn default_scale() -> Scale {
    let levels = [
        ("Awareness", "Knows the concepts and where they apply."),
        ("Basic", "Applies it with guidance on simple tasks."),
        ("Working", "Applies it independently on typical work."),
        ("Advanced", "Handles complex cases and guides others."),
        ("Expert", "Shapes practice across the organisation."),
    ];
    Scale::new(
        levels
            .iter()
            .map(|(n, d)| ScaleLevel {
                name: (*n).into(),
                description: (*d).into(),
            })
            .collect(),
        3,
    )
    .expect("the default scale is valid")
}

/// 16 random bytes as hex: a fresh identifier.
pub(crate) fn random_hex() -> String {
    random_hex_of(16)
}

/// `n` random bytes as lower-case hex.
pub(crate) fn random_hex_of(n: usize) -> String {
    use rand::RngCore;
    let mut b = vec![0u8; n];
    rand::thread_rng().fill_bytes(&mut b);
    hex(&b)
}

/// Bytes as lower-case hex.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|x| format!("{x:02x}")).collect()
}

/// Creates an empty draft framework with the default scale.
#[tracing::instrument(skip_all)]
pub async fn create(db: &Db, name: &str, description: &str) -> Result<FrameworkId, AppError> {
    let (name, description) = checked_name(name, description)?;
    let mut tx = db.begin_write().await?;
    let scale_id = insert_scale(&mut tx, &default_scale(), &format!("{name} scale")).await?;
    let id = insert_framework(&mut tx, &name, description, scale_id, "").await?;
    tx.commit().await?;
    Ok(id)
}

/// A new framework's name and description, checked: the name (1 to 200 characters) and
/// the trimmed description (5000 at the most).
pub(crate) fn checked_name<'d>(
    name: &str,
    description: &'d str,
) -> Result<(String, &'d str), AppError> {
    let name = ShortText::required("name", "a name", name, 200)?.into_string();
    let description = description.trim();
    if description.chars().count() > 5000 {
        return Err(AppError::invalid(
            "description",
            "Keep the description to 5000 characters or fewer.",
        ));
    }
    Ok((name, description))
}

/// Writes a scale's levels (1 to N) under `scale_id`, which has none.
#[tracing::instrument(skip_all, fields(scale_id))]
pub(crate) async fn insert_levels(
    tx: &mut WriteTx,
    scale_id: i64,
    scale: &Scale,
) -> Result<(), AppError> {
    for (i, l) in scale.levels().iter().enumerate() {
        sqlx::query(
            "insert into scale_level (scale_id, level, name, description) values ($1, $2, $3, $4)",
        )
        .bind(scale_id)
        .bind(i as i64 + 1)
        .bind(&l.name)
        .bind(&l.description)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Stores a scale (threshold and levels) and returns its id.
#[tracing::instrument(skip_all)]
pub(crate) async fn insert_scale(
    tx: &mut WriteTx,
    scale: &Scale,
    name: &str,
) -> Result<i64, AppError> {
    let id: i64 = sqlx::query_scalar(
        "insert into scale (name, threshold, created_at) values ($1, $2, $3) returning id",
    )
    .bind(name)
    .bind(i64::from(scale.threshold().get()))
    .bind(now_ms())
    .fetch_one(&mut **tx)
    .await?;
    insert_levels(tx, id, scale).await?;
    Ok(id)
}

/// Stores a new, empty draft framework on `scale_id`; `origin` says where it came from
/// (empty for a new one).
#[tracing::instrument(skip_all, fields(scale_id))]
pub(crate) async fn insert_framework(
    tx: &mut WriteTx,
    name: &str,
    description: &str,
    scale_id: i64,
    origin: &str,
) -> Result<FrameworkId, AppError> {
    let now = now_ms();
    let id: i64 = sqlx::query_scalar(
        "insert into framework (name, description, scale_id, status, revision, external_id, created_at, updated_at, origin) \
         values ($1, $2, $3, 'draft', 0, $4, $5, $5, $6) returning id",
    )
    .bind(name)
    .bind(description)
    .bind(scale_id)
    .bind(format!("urn:proficio:framework:{}", random_hex()))
    .bind(now)
    .bind(origin)
    .fetch_one(&mut **tx)
    .await?;
    Ok(FrameworkId(id))
}

/// A framework of the list, with its node count.
#[derive(sqlx::FromRow)]
struct ListRow {
    id: i64,
    name: String,
    description: String,
    status: String,
    revision: i64,
    nodes: i64,
    origin: String,
}

impl From<ListRow> for FrameworkSummary {
    fn from(r: ListRow) -> Self {
        FrameworkSummary {
            id: FrameworkId(r.id),
            name: r.name,
            description: r.description,
            status: FrameworkStatus::parse(&r.status).unwrap_or(FrameworkStatus::Draft),
            revision: r.revision,
            nodes: count(r.nodes),
            origin: r.origin,
        }
    }
}

/// One framework with its scale and node count.
#[derive(sqlx::FromRow)]
struct SummaryRow {
    #[sqlx(flatten)]
    framework: ListRow,
    scale_id: i64,
    updated_at: i64,
}

/// Every framework, by name.
#[tracing::instrument(skip_all)]
pub async fn list(db: &Db) -> Result<Vec<FrameworkSummary>, AppError> {
    let rows: Vec<ListRow> = sqlx::query_as(
        "select f.id, f.name, f.description, f.status, f.revision, \
         (select count(*) from framework_node n where n.framework_id = f.id) as nodes, f.origin \
         from framework f order by lower(f.name), f.id",
    )
    .fetch_all(&db.pool)
    .await?;
    Ok(rows.into_iter().map(FrameworkSummary::from).collect())
}

#[tracing::instrument(skip_all, fields(id = id.0))]
pub(crate) async fn summary(db: &Db, id: FrameworkId) -> Result<(FrameworkSummary, i64), AppError> {
    let r = summary_row(db, id).await?;
    Ok((r.framework.into(), r.scale_id))
}

async fn summary_row(db: &Db, id: FrameworkId) -> Result<SummaryRow, AppError> {
    let row: Option<SummaryRow> = sqlx::query_as(
        "select f.id, f.name, f.description, f.status, f.revision, f.scale_id, f.updated_at, \
         (select count(*) from framework_node n where n.framework_id = f.id) as nodes, f.origin from framework f where f.id = $1",
    )
    .bind(id.0)
    .fetch_optional(&db.pool)
    .await?;
    row.ok_or_else(|| AppError::NotFound("That framework".into()))
}

/// A framework's summary and its scale, with the scale's id (what scale rows are keyed by).
pub(crate) async fn summary_with_scale(
    db: &Db,
    id: FrameworkId,
) -> Result<(FrameworkSummary, i64, Scale), AppError> {
    let (framework, scale_id) = summary(db, id).await?;
    Ok((framework, scale_id, load_scale(db, scale_id).await?))
}

#[tracing::instrument(skip_all, fields(scale_id))]
pub(crate) async fn load_scale(db: &Db, scale_id: i64) -> Result<Scale, AppError> {
    let threshold: i64 = sqlx::query_scalar("select threshold from scale where id = $1")
        .bind(scale_id)
        .fetch_one(&db.pool)
        .await?;
    let levels: Vec<(String, String)> = sqlx::query_as(
        "select name, description from scale_level where scale_id = $1 order by level",
    )
    .bind(scale_id)
    .fetch_all(&db.pool)
    .await?;
    Scale::new(
        levels
            .into_iter()
            .map(|(name, description)| ScaleLevel { name, description })
            .collect(),
        u8::try_from(threshold).unwrap_or(0),
    )
    .map_err(|e| {
        tracing::error!(scale = scale_id, error = %e, "stored scale is invalid");
        AppError::Internal
    })
}

/// A node's place in its framework's tree.
#[derive(sqlx::FromRow)]
struct NodeShapeRow {
    id: i64,
    kind: String,
    parent_id: Option<i64>,
    position: i64,
}

/// A node's place in the tree with its title and code.
#[derive(sqlx::FromRow)]
struct TreeNodeRow {
    #[sqlx(flatten)]
    shape: NodeShapeRow,
    title: String,
    short_code: String,
}

fn tree_from<'a>(rows: impl Iterator<Item = &'a NodeShapeRow>) -> Result<Tree, AppError> {
    Tree::from_rows(rows.map(|r| {
        (
            NodeId(r.id),
            crate::domain::tree::NodeKind::parse(&r.kind)
                .unwrap_or(crate::domain::tree::NodeKind::Skill),
            r.parent_id.map(NodeId),
            r.position,
        )
    }))
    .map_err(|e| {
        tracing::error!(error = %e, "stored framework tree is invalid");
        AppError::Internal
    })
}

/// Frameworks' nodes in display order, each kept with the revision and the time of the
/// change it was read at. Every change to a framework's nodes claims a new revision
/// ([`claim`]), and a reader compares the stored one with the database's, so a cached tree
/// is never used after a change, whichever server made it.
pub type TreeCache = std::sync::Arc<std::sync::Mutex<HashMap<i64, CachedTree>>>;

/// One framework's shape and its nodes in display order, and the (revision, updated_at)
/// they were read at.
type CachedTree = ((i64, i64), Shaped);

/// A framework's shape (as changes check their rules on it) and its nodes in display order.
type Shaped = (std::sync::Arc<Tree>, std::sync::Arc<Vec<NodeRow>>);

/// Most frameworks whose trees are kept (beyond it the cache starts again): a 15,000-node
/// tree takes a few megabytes.
const TREES_KEPT: usize = 8;

/// A framework's summary, its scale, and its nodes in display order: from the cache when
/// the framework has not changed since they were read, else read (and validated) now.
async fn shaped(
    db: &Db,
    id: FrameworkId,
) -> Result<(FrameworkSummary, Scale, std::sync::Arc<Vec<NodeRow>>), AppError> {
    // The revision is read before the nodes: a change committed in between leaves newer
    // nodes under an older revision, which the next reader sees as stale and reads again.
    let row = summary_row(db, id).await?;
    let key = (row.framework.revision, row.updated_at);
    let scale = load_scale(db, row.scale_id).await?;
    let framework: FrameworkSummary = row.framework.into();
    if let Some((_, nodes)) = cached(db, id, key) {
        return Ok((framework, scale, nodes));
    }
    let rows: Vec<TreeNodeRow> = sqlx::query_as(
        "select id, kind, parent_id, position, title, short_code from framework_node where framework_id = $1",
    )
    .bind(id.0)
    .fetch_all(&db.pool)
    .await?;
    let t = tree_from(rows.iter().map(|r| &r.shape))?;
    let mut text: HashMap<i64, (String, String)> = rows
        .into_iter()
        .map(|r| (r.shape.id, (r.title, r.short_code)))
        .collect();
    let nodes = std::sync::Arc::new(display_rows(&t, |n| text.remove(&n.0).unwrap_or_default()));
    remember(db, id, key, (std::sync::Arc::new(t), nodes.clone()));
    Ok((framework, scale, nodes))
}

/// The cached shape of framework `id` if it was read at `key`.
fn cached(db: &Db, id: FrameworkId, key: (i64, i64)) -> Option<Shaped> {
    db.tree_cache
        .lock()
        .ok()
        .and_then(|c| c.get(&id.0).filter(|e| e.0 == key).map(|e| e.1.clone()))
}

/// Keeps the shape of framework `id` as it is at `key`.
fn remember(db: &Db, id: FrameworkId, key: (i64, i64), shaped: Shaped) {
    if let Ok(mut c) = db.tree_cache.lock() {
        if c.len() >= TREES_KEPT && !c.contains_key(&id.0) {
            c.clear();
        }
        c.insert(id.0, (key, shaped));
    }
}

/// A tree's nodes in display order, with each node's (title, short code) from `text`.
fn display_rows(t: &Tree, mut text: impl FnMut(NodeId) -> (String, String)) -> Vec<NodeRow> {
    t.walk()
        .into_iter()
        .map(|(n, depth)| {
            let (title, short_code) = text(n);
            NodeRow {
                id: n,
                parent: t.parent(n).flatten(),
                kind: t.kind(n).unwrap_or(crate::domain::tree::NodeKind::Skill),
                depth: count(depth),
                title,
                short_code,
            }
        })
        .collect()
}

/// A framework with its scale and nodes in display order.
#[tracing::instrument(skip_all, fields(id = id.0))]
pub async fn tree(db: &Db, id: FrameworkId) -> Result<FrameworkTree, AppError> {
    let (framework, scale, nodes) = shaped(db, id).await?;
    Ok(FrameworkTree {
        framework,
        scale,
        nodes: nodes.as_ref().clone(),
    })
}

/// Claims `revision` for a change: bumps it if it is still current, else refuses. Editing a
/// published framework turns it back into a draft (its published version stays frozen).
#[tracing::instrument(skip_all, fields(id = id.0, revision))]
pub(crate) async fn claim(
    tx: &mut WriteTx,
    id: FrameworkId,
    revision: i64,
) -> Result<Claimed, AppError> {
    let row: Option<(String, i64)> =
        sqlx::query_as("select status, updated_at from framework where id = $1")
            .bind(id.0)
            .fetch_optional(&mut **tx)
            .await?;
    let updated_at = match row {
        None => return Err(AppError::NotFound("That framework".into())),
        Some((status, _)) if status == "archived" => {
            return Err(AppError::Conflict(
                "This framework is archived; restore it before editing.".into(),
            ))
        }
        Some((_, at)) => at,
    };
    let now = now_ms();
    let done = sqlx::query(
        "update framework set revision = revision + 1, status = 'draft', updated_at = $1 where id = $2 and revision = $3",
    )
    .bind(now)
    .bind(id.0)
    .bind(revision)
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::Conflict(
            "Someone else changed this framework since you opened it. Reload to see their changes, then make yours again.".into(),
        ));
    }
    Ok(Claimed {
        id,
        before: (revision, updated_at),
        after: (revision + 1, now),
    })
}

/// A claimed change of a framework: its (revision, updated_at) before and after. Every
/// change to a framework's nodes claims one, so a shape cached at `before` is the shape the
/// change starts from (a change made meanwhile would have failed the claim).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Claimed {
    id: FrameworkId,
    before: (i64, i64),
    after: (i64, i64),
}

impl Claimed {
    /// The framework's shape as the change starts from it, with its display rows when
    /// they came from the cache.
    async fn shape(
        &self,
        db: &Db,
        tx: &mut WriteTx,
    ) -> Result<(Tree, Option<std::sync::Arc<Vec<NodeRow>>>), AppError> {
        match cached(db, self.id, self.before) {
            Some((t, rows)) => Ok((t.as_ref().clone(), Some(rows))),
            None => Ok((shape_in(tx, self.id).await?, None)),
        }
    }

    /// After the change is committed: keeps the new shape (when the old one was cached, the
    /// titles come from its rows; a move changes no title).
    fn remember(&self, db: &Db, after: Tree, before_rows: Option<std::sync::Arc<Vec<NodeRow>>>) {
        let Some(old) = before_rows else {
            return;
        };
        let text: HashMap<NodeId, (String, String)> = old
            .iter()
            .map(|r| (r.id, (r.title.clone(), r.short_code.clone())))
            .collect();
        let rows = display_rows(&after, |n| text.get(&n).cloned().unwrap_or_default());
        remember(
            db,
            self.id,
            self.after,
            (std::sync::Arc::new(after), std::sync::Arc::new(rows)),
        );
    }
}

#[tracing::instrument(skip_all, fields(id = id.0))]
pub(crate) async fn shape_in(tx: &mut WriteTx, id: FrameworkId) -> Result<Tree, AppError> {
    let rows: Vec<NodeShapeRow> = sqlx::query_as(
        "select id, kind, parent_id, position from framework_node where framework_id = $1",
    )
    .bind(id.0)
    .fetch_all(&mut **tx)
    .await?;
    tree_from(rows.iter())
}

pub(crate) fn tree_error(e: TreeError) -> AppError {
    match e {
        TreeError::UnknownNode(_) => AppError::Conflict(e.to_string()),
        TreeError::Nesting { .. } | TreeError::Cycle => AppError::invalid("parent", e.to_string()),
        TreeError::DuplicateNode(_) | TreeError::NoRoom(_) => AppError::Conflict(e.to_string()),
    }
}

/// Writes the parent and position of every node whose place differs between two shapes.
async fn write_places(tx: &mut WriteTx, before: &Tree, after: &Tree) -> Result<(), AppError> {
    for (n, _) in after.walk() {
        let place = (after.parent(n), after.index(n));
        if (before.parent(n), before.index(n)) != place {
            sqlx::query("update framework_node set parent_id = $1, position = $2, updated_at = $3 where id = $4")
                .bind(place.0.flatten().map(|p| p.0))
                .bind(place.1.map_or(0, |i| i as i64))
                .bind(now_ms())
                .bind(n.0)
                .execute(&mut **tx)
                .await?;
        }
    }
    Ok(())
}

/// Adds a node at the end of `parent`'s children, based on `revision`.
#[tracing::instrument(skip_all, fields(id = id.0, revision, parent = ?parent.map(|x| x.0)))]
pub async fn add_node(
    db: &Db,
    id: FrameworkId,
    revision: i64,
    parent: Option<NodeId>,
    kind: &str,
    title: &str,
) -> Result<NodeId, AppError> {
    let kind = node_kind(kind)?;
    let title = node_title(title)?;
    let mut tx = db.begin_write().await?;
    let (mut t, _) = claim(&mut tx, id, revision)
        .await?
        .shape(db, &mut tx)
        .await?;
    // Check the rule on a placeholder id before writing anything.
    let probe = NodeId(i64::MIN);
    t.insert(probe, kind, parent, usize::MAX)
        .map_err(tree_error)?;
    let position = t.index(probe).unwrap_or(0) as i64;
    let node: i64 = sqlx::query_scalar(
        "insert into framework_node (framework_id, parent_id, kind, position, title, external_id, updated_at) \
         values ($1, $2, $3, $4, $5, $6, $7) returning id",
    )
    .bind(id.0)
    .bind(parent.map(|p| p.0))
    .bind(kind.as_str())
    .bind(position)
    .bind(&title)
    .bind(format!("urn:proficio:node:{}", random_hex()))
    .bind(now_ms())
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(NodeId(node))
}

/// The shape changes the editor makes.
#[derive(Debug, Clone, Copy)]
pub enum Move {
    /// Drag and drop: under `parent` at `index`.
    To(Option<NodeId>, usize),
    /// One place earlier.
    Up,
    /// One place later.
    Down,
    /// Into the previous sibling.
    Indent,
    /// Out of the parent.
    Outdent,
}

/// Moves a node (with its subtree), based on `revision`.
#[tracing::instrument(skip_all, fields(id = id.0, revision, node = node.0))]
pub async fn move_node(
    db: &Db,
    id: FrameworkId,
    revision: i64,
    node: NodeId,
    how: Move,
) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    let claimed = claim(&mut tx, id, revision).await?;
    let (before, rows) = claimed.shape(db, &mut tx).await?;
    let mut after = before.clone();
    match how {
        Move::To(parent, index) => after.move_node(node, parent, index),
        Move::Up => after.move_up(node),
        Move::Down => after.move_down(node),
        Move::Indent => after.indent(node),
        Move::Outdent => after.outdent(node),
    }
    .map_err(tree_error)?;
    write_places(&mut tx, &before, &after).await?;
    tx.commit().await?;
    claimed.remember(db, after, rows);
    Ok(())
}

/// Deletes a node and its subtree, based on `revision`.
#[tracing::instrument(skip_all, fields(id = id.0, revision, node = node.0))]
pub async fn delete_node(
    db: &Db,
    id: FrameworkId,
    revision: i64,
    node: NodeId,
) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    let (before, _) = claim(&mut tx, id, revision)
        .await?
        .shape(db, &mut tx)
        .await?;
    let mut after = before.clone();
    let removed = after.delete_subtree(node).map_err(tree_error)?;
    // Which of the removed nodes have ratings: one index probe each, not the framework's
    // whole rating history.
    let rated: Vec<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "select n.id from framework_node n where n.id in ({}) \
         and exists (select 1 from rating r where r.node_id = n.id)",
        super::positions::id_list(removed.iter().map(|n| n.0))
    )))
    .fetch_all(&mut *tx)
    .await?;
    let rated_here = rated.len();
    if rated_here > 0 {
        return Err(AppError::Conflict(format!(
            "This cannot be deleted: people have ratings on {rated_here} of its node{}, and ratings are permanent records. Move it instead, or archive the framework.",
            if rated_here == 1 { "" } else { "s" }
        )));
    }
    let required: Vec<(i64, String)> = sqlx::query_as(
        "select distinct r.node_id, p.title from position_requirement r \
         join framework_node n on n.id = r.node_id join job_position p on p.id = r.position_id \
         where n.framework_id = $1 order by p.title",
    )
    .bind(id.0)
    .fetch_all(&mut *tx)
    .await?;
    if let Some((_, title)) = required
        .iter()
        .find(|(n, _)| removed.iter().any(|r| r.0 == *n))
    {
        return Err(AppError::Conflict(format!(
            "This cannot be deleted: the position \u{201c}{title}\u{201d} requires it or a node inside it. Remove that requirement first, or move the node instead."
        )));
    }
    // Children first, so the parent foreign key never points at a deleted row.
    for n in removed.iter().rev() {
        sqlx::query("delete from framework_node where id = $1")
            .bind(n.0)
            .execute(&mut *tx)
            .await?;
    }
    write_places(&mut tx, &before, &after).await?;
    tx.commit().await?;
    Ok(())
}

/// A node with its parent, kind, title, code, framework, scale top and threshold.
#[derive(sqlx::FromRow)]
struct NodeInfoRow {
    id: i64,
    parent_id: Option<i64>,
    kind: String,
    title: String,
    short_code: String,
    framework_id: i64,
    top: i64,
    threshold: i64,
}

/// A node with its scale: what rating it or requiring it needs to know.
pub(crate) struct NodeInfo {
    pub(crate) row: NodeRow,
    pub(crate) framework: FrameworkId,
    pub(crate) top: u8,
    pub(crate) threshold: u8,
}

/// A node and its scale's top level and threshold; a clear field error when it is gone.
#[tracing::instrument(skip_all, fields(node = node.0))]
pub(crate) async fn node_info(db: &Db, node: NodeId) -> Result<NodeInfo, AppError> {
    let row: Option<NodeInfoRow> = sqlx::query_as(
        "select n.id, n.parent_id, n.kind, n.title, n.short_code, n.framework_id, \
           (select max(level) from scale_level l where l.scale_id = coalesce(n.scale_id, f.scale_id)) as top, \
           s.threshold \
         from framework_node n join framework f on f.id = n.framework_id \
         join scale s on s.id = coalesce(n.scale_id, f.scale_id) where n.id = $1",
    )
    .bind(node.0)
    .fetch_optional(&db.pool)
    .await?;
    let r = row.ok_or_else(|| {
        AppError::invalid(
            "node",
            "That competency or skill no longer exists; reload the page and choose again.",
        )
    })?;
    Ok(NodeInfo {
        row: NodeRow {
            id: NodeId(r.id),
            parent: r.parent_id.map(NodeId),
            kind: NodeKind::parse(&r.kind).unwrap_or(NodeKind::Skill),
            depth: 0,
            title: r.title,
            short_code: r.short_code,
        },
        framework: FrameworkId(r.framework_id),
        top: u8::try_from(r.top).unwrap_or(1),
        threshold: u8::try_from(r.threshold).unwrap_or(1),
    })
}

/// A node's editable fields, as stored.
#[derive(sqlx::FromRow)]
struct NodeEditRow {
    kind: String,
    title: String,
    short_code: String,
    definition: String,
    key_behaviours: String,
    validity_months: Option<i64>,
    external_id: String,
    alt_labels: String,
}

/// Everything editable on one node of `framework`.
#[tracing::instrument(skip_all, fields(framework = framework.0, node = node.0))]
pub async fn node(db: &Db, framework: FrameworkId, node: NodeId) -> Result<NodeDetails, AppError> {
    let row: Option<NodeEditRow> = sqlx::query_as(
        "select kind, title, short_code, definition, key_behaviours, validity_months, external_id, alt_labels \
         from framework_node where id = $1 and framework_id = $2",
    )
    .bind(node.0)
    .bind(framework.0)
    .fetch_optional(&db.pool)
    .await?;
    let r = row.ok_or_else(|| AppError::NotFound("That node".into()))?;
    let levels: Vec<(String, i64, String)> =
        sqlx::query_as("select track, level, description from node_level_description where node_id = $1 order by track, level")
            .bind(node.0)
            .fetch_all(&db.pool)
            .await?;
    Ok(NodeDetails {
        id: node,
        kind: NodeKind::parse(&r.kind).unwrap_or(NodeKind::Skill),
        title: r.title,
        short_code: r.short_code,
        definition: r.definition,
        key_behaviours: serde_json::from_str(&r.key_behaviours).unwrap_or_default(),
        alt_labels: serde_json::from_str(&r.alt_labels).unwrap_or_default(),
        validity_months: r.validity_months.and_then(|v| u32::try_from(v).ok()),
        level_descriptions: levels
            .into_iter()
            .filter_map(|(t, l, d)| Some((Track::parse(&t)?, u8::try_from(l).ok()?, d)))
            .collect(),
        links: node_links(db, framework, &r.external_id).await?,
        external_id: r.external_id,
    })
}

/// The typed links that start or end at the node with `external_id`, in file order.
async fn node_links(
    db: &Db,
    framework: FrameworkId,
    external_id: &str,
) -> Result<Vec<crate::domain::framework::NodeLink>, AppError> {
    use crate::domain::case::ImportedLink;
    let bodies: Vec<String> = sqlx::query_scalar(
        "select body from framework_link where framework_id = $1 and (origin = $2 or destination = $2) order by seq",
    )
    .bind(framework.0)
    .bind(external_id)
    .fetch_all(&db.pool)
    .await?;
    // The other ends that are nodes of this framework, in one query.
    let here: HashMap<String, i64> = sqlx::query_as::<_, (String, i64)>(
        "select n.external_id, n.id from framework_node n join framework_link l \
         on l.framework_id = n.framework_id and (n.external_id = l.origin or n.external_id = l.destination) \
         where l.framework_id = $1 and (l.origin = $2 or l.destination = $2)",
    )
    .bind(framework.0)
    .bind(external_id)
    .fetch_all(&db.pool)
    .await?
    .into_iter()
    .collect();
    let mut links = Vec::new();
    for l in bodies
        .iter()
        .filter_map(|b| serde_json::from_str::<ImportedLink>(b).ok())
    {
        let outgoing = l.origin.identifier == external_id;
        let other = if outgoing { &l.destination } else { &l.origin };
        let other_node = here.get(&other.identifier).copied();
        links.push(crate::domain::framework::NodeLink {
            kind: l.kind.as_str().to_string(),
            outgoing,
            other: if other.title.trim().is_empty() {
                other.identifier.clone()
            } else {
                other.title.clone()
            },
            other_identifier: other.identifier.clone(),
            other_uri: other.uri.clone(),
            other_node: other_node.map(NodeId),
        });
    }
    Ok(links)
}

/// Saves a node's details, based on `revision`. The external identifier stays unique within
/// the framework.
#[tracing::instrument(skip_all, fields(framework = framework.0, revision, node = node.0))]
pub async fn save_node(
    db: &Db,
    framework: FrameworkId,
    revision: i64,
    node: NodeId,
    input: NodeInput,
) -> Result<(), AppError> {
    let (_, _, scale) = summary_with_scale(db, framework).await?;
    let top = scale.top().get();
    let f = input.parse(top)?;
    let mut tx = db.begin_write().await?;
    claim(&mut tx, framework, revision).await?;
    let taken: i64 = sqlx::query_scalar("select count(*) from framework_node where framework_id = $1 and external_id = $2 and id <> $3")
        .bind(framework.0)
        .bind(&f.external_id)
        .bind(node.0)
        .fetch_one(&mut *tx)
        .await?;
    if taken > 0 {
        return Err(AppError::invalid(
            "external_id",
            "Another node of this framework already has this identifier.",
        ));
    }
    let done = sqlx::query(
        "update framework_node set title = $1, short_code = $2, definition = $3, key_behaviours = $4, \
         validity_months = $5, external_id = $6, updated_at = $7, alt_labels = $10 where id = $8 and framework_id = $9",
    )
    .bind(&f.title)
    .bind(&f.short_code)
    .bind(&f.definition)
    .bind(serde_json::to_string(&f.key_behaviours).unwrap_or_else(|_| "[]".into()))
    .bind(f.validity_months.map(i64::from))
    .bind(&f.external_id)
    .bind(now_ms())
    .bind(node.0)
    .bind(framework.0)
    .bind(serde_json::to_string(&f.alt_labels).unwrap_or_else(|_| "[]".into()))
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::Conflict(
            "This node was deleted by someone else. Reload the framework.".into(),
        ));
    }
    super::ratings::refresh_expiry(&mut tx, node, f.validity_months).await?;
    sqlx::query("delete from node_level_description where node_id = $1")
        .bind(node.0)
        .execute(&mut *tx)
        .await?;
    for (track, level, text) in &f.level_descriptions {
        sqlx::query("insert into node_level_description (node_id, track, level, description) values ($1, $2, $3, $4)")
            .bind(node.0)
            .bind(track.as_str())
            .bind(i64::from(*level))
            .bind(text)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// What a snapshot keeps of a node beyond its place, title and code.
#[derive(sqlx::FromRow)]
struct SnapshotExtraRow {
    id: i64,
    external_id: String,
    definition: String,
    validity_months: Option<i64>,
    key_behaviours: String,
    alt_labels: String,
}

/// The framework as it is now, in the frozen form versions use.
#[tracing::instrument(skip_all, fields(id = id.0))]
pub async fn snapshot(db: &Db, id: FrameworkId) -> Result<Snapshot, AppError> {
    let t = tree(db, id).await?;
    let rows: Vec<SnapshotExtraRow> = sqlx::query_as(
        "select id, external_id, definition, validity_months, key_behaviours, alt_labels from framework_node where framework_id = $1",
    )
    .bind(id.0)
    .fetch_all(&db.pool)
    .await?;
    let extra: HashMap<i64, SnapshotExtraRow> = rows.into_iter().map(|r| (r.id, r)).collect();
    let levels: Vec<(i64, String, i64, String)> = sqlx::query_as(
        "select d.node_id, d.track, d.level, d.description from node_level_description d \
         join framework_node n on n.id = d.node_id where n.framework_id = $1 order by d.node_id, d.track, d.level",
    )
    .bind(id.0)
    .fetch_all(&db.pool)
    .await?;
    let mut level_map: HashMap<i64, Vec<(Track, u8, String)>> = HashMap::new();
    for (n, track, level, text) in levels {
        if let (Some(track), Ok(level)) = (Track::parse(&track), u8::try_from(level)) {
            level_map.entry(n).or_default().push((track, level, text));
        }
    }
    let ext = |n: NodeId| {
        extra
            .get(&n.0)
            .map(|r| r.external_id.clone())
            .unwrap_or_default()
    };
    let mut position: HashMap<Option<NodeId>, u32> = HashMap::new();
    let nodes = t
        .nodes
        .iter()
        .map(|n| {
            let pos = position.entry(n.parent).or_insert(0);
            let here = *pos;
            *pos += 1;
            let r = extra.get(&n.id.0);
            SnapshotNode {
                external_id: ext(n.id),
                parent: n.parent.map(ext),
                kind: n.kind,
                position: here,
                title: n.title.clone(),
                short_code: n.short_code.clone(),
                definition: r.map(|r| r.definition.clone()).unwrap_or_default(),
                key_behaviours: r
                    .and_then(|r| serde_json::from_str(&r.key_behaviours).ok())
                    .unwrap_or_default(),
                alt_labels: r
                    .and_then(|r| serde_json::from_str(&r.alt_labels).ok())
                    .unwrap_or_default(),
                validity_months: r
                    .and_then(|r| r.validity_months)
                    .and_then(|v| u32::try_from(v).ok()),
                level_descriptions: level_map.remove(&n.id.0).unwrap_or_default(),
            }
        })
        .collect();
    Ok(Snapshot {
        name: t.framework.name,
        description: t.framework.description,
        scale: t.scale,
        nodes,
    })
}

/// Publishes the current state as the next version (number, time, who), based on
/// `revision`. The framework then shows as published until its next edit starts a draft.
#[tracing::instrument(skip_all, fields(id = id.0, revision, by = by.0))]
pub async fn publish(
    db: &Db,
    id: FrameworkId,
    revision: i64,
    by: PersonId,
) -> Result<u32, AppError> {
    let snap = snapshot(db, id).await?;
    if snap.nodes.is_empty() {
        return Err(AppError::Conflict(
            "Add at least one node before publishing.".into(),
        ));
    }
    let mut tx = db.begin_write().await?;
    let status: String = sqlx::query_scalar("select status from framework where id = $1")
        .bind(id.0)
        .fetch_one(&mut *tx)
        .await?;
    if status == "published" {
        return Err(AppError::Conflict(
            "Nothing changed since the last published version.".into(),
        ));
    }
    claim(&mut tx, id, revision).await?;
    let number: i64 = sqlx::query_scalar(
        "select coalesce(max(number), 0) + 1 from framework_version where framework_id = $1",
    )
    .bind(id.0)
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query(
        "insert into framework_version (framework_id, number, published_at, published_by, snapshot) values ($1, $2, $3, $4, $5)",
    )
    .bind(id.0)
    .bind(number)
    .bind(now_ms())
    .bind(by.0)
    .bind(serde_json::to_string(&snap).map_err(|_| AppError::Internal)?)
    .execute(&mut *tx)
    .await?;
    sqlx::query("update framework set status = 'published' where id = $1")
        .bind(id.0)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(u32::try_from(number).unwrap_or(0))
}

/// A stored version: number, time, publisher's name (none once they are deleted) and
/// snapshot JSON.
#[derive(sqlx::FromRow)]
struct VersionRow {
    number: i64,
    published_at: i64,
    publisher: Option<String>,
    snapshot: String,
}

const VERSION_SELECT: &str =
    "select v.number, v.published_at, p.name as publisher, v.snapshot from framework_version v \
     left join person p on p.id = v.published_by where v.framework_id = $1 order by v.number desc";

fn parse_snapshot(json: &str) -> Result<Snapshot, AppError> {
    serde_json::from_str(json).map_err(|e| {
        tracing::error!(error = %e, "stored snapshot does not parse");
        AppError::Internal
    })
}

fn read_version(r: VersionRow) -> Result<(VersionInfo, Snapshot), AppError> {
    let snap = parse_snapshot(&r.snapshot)?;
    let info = VersionInfo {
        number: u32::try_from(r.number).unwrap_or(0),
        published_at: format_time(r.published_at),
        published_by: r.publisher.unwrap_or_else(|| "a former member".into()),
        nodes: count(snap.nodes.len()),
    };
    Ok((info, snap))
}

/// The published versions, newest first.
#[tracing::instrument(skip_all, fields(id = id.0))]
pub async fn versions(db: &Db, id: FrameworkId) -> Result<Vec<VersionInfo>, AppError> {
    summary(db, id).await?;
    let rows: Vec<VersionRow> = sqlx::query_as(VERSION_SELECT)
        .bind(id.0)
        .fetch_all(&db.pool)
        .await?;
    rows.into_iter()
        .map(|r| read_version(r).map(|(info, _)| info))
        .collect()
}

/// A version's snapshot, or the current draft for `"draft"`.
#[tracing::instrument(skip_all, fields(id = id.0))]
pub async fn version_snapshot(
    db: &Db,
    id: FrameworkId,
    which: &str,
    field: &str,
) -> Result<Snapshot, AppError> {
    if which == "draft" {
        return snapshot(db, id).await;
    }
    let number: i64 = which
        .parse()
        .map_err(|_| AppError::invalid(field, "Choose a version from the list."))?;
    let snap: Option<String> = sqlx::query_scalar(
        "select snapshot from framework_version where framework_id = $1 and number = $2",
    )
    .bind(id.0)
    .bind(number)
    .fetch_optional(&db.pool)
    .await?;
    let snap =
        snap.ok_or_else(|| AppError::invalid(field, format!("There is no version {number}.")))?;
    parse_snapshot(&snap)
}

/// What changed from one version (or the draft) to another, as sentences.
#[tracing::instrument(skip_all, fields(id = id.0))]
pub async fn compare(
    db: &Db,
    id: FrameworkId,
    from: &str,
    to: &str,
) -> Result<Vec<String>, AppError> {
    let old = version_snapshot(db, id, from, "from").await?;
    let new = version_snapshot(db, id, to, "to").await?;
    Ok(diff(&old, &new).iter().map(Change::describe).collect())
}

/// The latest published version of a framework, for everyone's read-only browser.
#[tracing::instrument(skip_all, fields(id = id.0))]
pub async fn published(db: &Db, id: FrameworkId) -> Result<(VersionInfo, Snapshot), AppError> {
    let row: Option<VersionRow> = sqlx::query_as(VERSION_SELECT)
        .bind(id.0)
        .fetch_optional(&db.pool)
        .await?;
    read_version(
        row.ok_or_else(|| AppError::NotFound("A published version of that framework".into()))?,
    )
}

/// The editor's view of a framework: its scale and the rows `req` asks to see.
#[tracing::instrument(skip_all, fields(id = id.0))]
pub async fn editor_tree(
    db: &Db,
    id: FrameworkId,
    req: &crate::domain::editor::ViewRequest,
) -> Result<crate::domain::editor::EditorTree, AppError> {
    let (framework, scale, nodes) = shaped(db, id).await?;
    let view = crate::domain::editor::tree_view(&nodes, req);
    Ok(crate::domain::editor::EditorTree {
        framework,
        scale,
        view,
    })
}

/// How the framework's scale is used: ratings and node level descriptions per level, over
/// every node that uses this scale (in any framework).
async fn scale_use(tx: &mut WriteTx, scale_id: i64) -> Result<ScaleUse, AppError> {
    let mut used = ScaleUse::default();
    for (sql, into) in [
        (
            "select r.level, count(*) from rating r join framework_node n on n.id = r.node_id \
             join framework f on f.id = n.framework_id where coalesce(n.scale_id, f.scale_id) = $1 \
             and r.level > 0 group by r.level",
            &mut used.ratings,
        ),
        (
            "select d.level, count(*) from node_level_description d join framework_node n on n.id = d.node_id \
             join framework f on f.id = n.framework_id where coalesce(n.scale_id, f.scale_id) = $1 group by d.level",
            &mut used.descriptions,
        ),
    ] {
        let rows: Vec<(i64, i64)> = sqlx::query_as(sql)
            .bind(scale_id)
            .fetch_all(&mut **tx)
            .await?;
        for (level, n) in rows {
            if let (Ok(l), Ok(n)) = (u8::try_from(level), u64::try_from(n)) {
                into.insert(l, n);
            }
        }
    }
    Ok(used)
}

/// The scale editor's data: the framework, its scale, and per level how many ratings and
/// level descriptions use it.
#[tracing::instrument(skip_all, fields(id = id.0))]
pub async fn scale_editor(db: &Db, id: FrameworkId) -> Result<ScaleEditor, AppError> {
    let (framework, scale_id, scale) = summary_with_scale(db, id).await?;
    let mut tx = db.begin_write().await?;
    let used = scale_use(&mut tx, scale_id).await?;
    tx.commit().await?;
    let usage = (1..=scale.top().get())
        .map(|l| {
            (
                l,
                used.ratings.get(&l).copied().unwrap_or(0),
                used.descriptions.get(&l).copied().unwrap_or(0),
            )
        })
        .collect();
    Ok(ScaleEditor {
        framework,
        scale,
        usage,
    })
}

/// Saves the framework's scale, based on `revision`. Rated levels keep their numbers and
/// described levels cannot be removed (see `plan_scale_change`); node level descriptions
/// move with their level.
#[tracing::instrument(skip_all, fields(id = id.0, revision))]
pub async fn save_scale(
    db: &Db,
    id: FrameworkId,
    revision: i64,
    form: &ScaleForm,
) -> Result<(), AppError> {
    let (_, scale_id, old) = summary_with_scale(db, id).await?;
    let mut tx = db.begin_write().await?;
    // The claim makes the scale read above current: every scale change claims the revision.
    claim(&mut tx, id, revision).await?;
    let used = scale_use(&mut tx, scale_id).await?;
    let change = plan_scale_change(&old, form, &used)?;
    sqlx::query("delete from scale_level where scale_id = $1")
        .bind(scale_id)
        .execute(&mut *tx)
        .await?;
    insert_levels(&mut tx, scale_id, &change.scale).await?;
    sqlx::query("update scale set threshold = $1 where id = $2")
        .bind(i64::from(change.scale.threshold().get()))
        .bind(scale_id)
        .execute(&mut *tx)
        .await?;
    // Move descriptions with their level. The mapping keeps order, so moving levels down in
    // ascending order and up in descending order never collides with the primary key.
    let mut down: Vec<(u8, u8)> = change
        .mapping
        .iter()
        .copied()
        .filter(|(o, n)| n < o)
        .collect();
    let mut up: Vec<(u8, u8)> = change
        .mapping
        .iter()
        .copied()
        .filter(|(o, n)| n > o)
        .collect();
    down.sort_unstable();
    up.sort_unstable_by(|a, b| b.cmp(a));
    for (from, to) in down.into_iter().chain(up) {
        sqlx::query(
            "update node_level_description set level = $1 where level = $2 and node_id in \
             (select n.id from framework_node n join framework f on f.id = n.framework_id \
              where coalesce(n.scale_id, f.scale_id) = $3)",
        )
        .bind(i64::from(to))
        .bind(i64::from(from))
        .bind(scale_id)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

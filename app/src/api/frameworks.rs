//! Frameworks: list, create, read the tree, and change its shape. Every change carries the
//! revision the editor loaded; a stale one is refused with a message (HTTP 409).

use super::AppError;
use crate::domain::editor::{BlendSource, EditorTree, ScaleEditor};
use crate::domain::framework::{FrameworkSummary, NodeDetails, NodeInput};
use crate::domain::scale::ScaleForm;
use crate::domain::{FrameworkId, NodeId};
use leptos::prelude::*;

/// Frameworks the caller may see: all for admins, published ones for everyone else.
#[server(prefix = "/api", endpoint = "frameworks/list")]
pub async fn list_frameworks() -> Result<Vec<FrameworkSummary>, AppError> {
    use crate::server::{ctx, frameworks};
    ctx::as_user(|st, me| async move {
        let all = frameworks::list(&st.db).await?;
        Ok(if me.caps().administer {
            all
        } else {
            all.into_iter()
                .filter(|f| f.status == crate::domain::framework::FrameworkStatus::Published)
                .collect()
        })
    })
    .await
}

/// Creates an empty draft framework (admins only).
#[server(prefix = "/api", endpoint = "frameworks/create")]
pub async fn create_framework(name: String, description: String) -> Result<FrameworkId, AppError> {
    use crate::server::{audit, ctx, frameworks};
    ctx::as_admin(|st, me| async move {
        let id = frameworks::create(&st.db, &name, &description).await?;
        audit::by(&st.db, me.id)
            .created(&audit::FRAMEWORK, id.0)
            .await?;
        leptos_axum::redirect(&format!("/frameworks/{id}"));
        Ok(id)
    })
    .await
}

/// A framework's scale and the tree rows the editor shows (admins only): `open` lists the
/// expanded node ids (absent: the default), `q` filters, `node` is the selected node (its
/// ancestors are shown), `limit` caps the rows (0: the default).
#[server(prefix = "/api", endpoint = "frameworks/tree")]
pub async fn load_framework(
    id: FrameworkId,
    #[server(default)] q: String,
    #[server(default)] open: Option<String>,
    #[server(default)] node: Option<NodeId>,
    #[server(default)] limit: u32,
) -> Result<EditorTree, AppError> {
    use crate::domain::editor::{parse_open, ViewRequest};
    use crate::server::{ctx, frameworks};
    ctx::as_admin(|st, _me| async move {
        let req = ViewRequest {
            open: open.as_deref().map(parse_open),
            filter: q,
            selected: node,
            limit: limit as usize,
        };
        frameworks::editor_tree(&st.db, id, &req).await
    })
    .await
}

/// One framework's summary (admins only).
#[server(prefix = "/api", endpoint = "frameworks/summary")]
pub async fn load_framework_summary(framework: FrameworkId) -> Result<FrameworkSummary, AppError> {
    use crate::server::{ctx, frameworks};
    ctx::as_admin(|st, _me| async move { Ok(frameworks::summary(&st.db, framework).await?.0) })
        .await
}

/// The framework's scale with how each level is used (admins only).
#[server(prefix = "/api", endpoint = "frameworks/scale")]
pub async fn load_scale_editor(framework: FrameworkId) -> Result<ScaleEditor, AppError> {
    use crate::server::{ctx, frameworks};
    ctx::as_admin(|st, _me| async move { frameworks::scale_editor(&st.db, framework).await }).await
}

/// Saves the framework's scale, based on `revision` (admins only).
#[server(prefix = "/api", endpoint = "frameworks/save_scale")]
pub async fn save_scale(
    framework: FrameworkId,
    revision: i64,
    form: ScaleForm,
) -> Result<(), AppError> {
    use crate::server::{audit, ctx, frameworks};
    ctx::as_admin(|st, me| async move {
        frameworks::save_scale(&st.db, framework, revision, &form).await?;
        let after = audit::json(&form);
        audit::by(&st.db, me.id)
            .did("save_scale", "framework", framework.0, after)
            .await
    })
    .await
}

/// Clones a framework into a new draft and opens it (admins only).
#[server(prefix = "/api", endpoint = "frameworks/clone")]
pub async fn clone_framework(framework: FrameworkId) -> Result<FrameworkId, AppError> {
    use crate::server::{audit, ctx, framework_copies};
    ctx::as_admin(|st, me| async move {
        let id = framework_copies::clone_framework(&st.db, framework).await?;
        let after = Some(serde_json::json!({ "from": framework.0, "id": id.0 }));
        audit::by(&st.db, me.id)
            .did("clone", "framework", id.0, after)
            .await?;
        leptos_axum::redirect(&format!("/frameworks/{id}"));
        Ok(id)
    })
    .await
}

/// Every framework's categories and competencies, to pick from for a blend (admins only).
#[server(prefix = "/api", endpoint = "frameworks/blend_sources")]
pub async fn blend_sources() -> Result<Vec<BlendSource>, AppError> {
    use crate::server::{ctx, framework_copies};
    ctx::as_admin(|st, _me| async move { framework_copies::blend_sources(&st.db).await }).await
}

/// Blends the picked subtrees into a new draft framework and opens it (admins only).
/// `nodes` holds one entry per ticked box, keyed by node id.
#[server(prefix = "/api", endpoint = "frameworks/blend")]
pub async fn blend_frameworks(
    name: String,
    description: String,
    #[server(default)] nodes: std::collections::BTreeMap<String, String>,
) -> Result<FrameworkId, AppError> {
    use crate::server::{audit, ctx, framework_copies};
    ctx::as_admin(|st, me| async move {
        let picks: Vec<NodeId> = crate::api::ticked(&nodes, "nodes", 5_000)?;
        let id = framework_copies::blend(&st.db, &name, &description, &picks).await?;
        let after = audit::FRAMEWORK.state(&st.db.pool, id.0).await?;
        audit::by(&st.db, me.id)
            .did("blend", "framework", id.0, after)
            .await?;
        leptos_axum::redirect(&format!("/frameworks/{id}"));
        Ok(id)
    })
    .await
}

#[cfg(feature = "ssr")]
fn parse_parent(raw: &str) -> Result<Option<NodeId>, AppError> {
    match raw.trim() {
        "" => Ok(None),
        s => s
            .parse()
            .map(Some)
            .map_err(|_| AppError::invalid("parent", "Choose where to put it from the tree.")),
    }
}

/// Adds a node at the end of `parent` (empty: the top level), admins only.
#[server(prefix = "/api", endpoint = "frameworks/add_node")]
pub async fn add_framework_node(
    framework: FrameworkId,
    revision: i64,
    parent: String,
    kind: String,
    title: String,
) -> Result<NodeId, AppError> {
    use crate::server::{audit, ctx, frameworks};
    ctx::as_admin(|st, me| async move {
        let id = frameworks::add_node(
            &st.db,
            framework,
            revision,
            parse_parent(&parent)?,
            &kind,
            &title,
        )
        .await?;
        audit::by(&st.db, me.id).created(&audit::NODE, id.0).await?;
        Ok(id)
    })
    .await
}

/// Moves a node: `action` is `to` (under `parent` at `index`), `up`, `down`, `indent` or
/// `outdent`. Admins only.
#[server(prefix = "/api", endpoint = "frameworks/move_node")]
pub async fn move_framework_node(
    framework: FrameworkId,
    revision: i64,
    node: NodeId,
    action: String,
    parent: String,
    index: u32,
) -> Result<(), AppError> {
    use crate::server::frameworks::{self, Move};
    use crate::server::{audit, ctx};
    ctx::as_admin(|st, me| async move {
        let how = match action.as_str() {
            "to" => Move::To(parse_parent(&parent)?, index as usize),
            "up" => Move::Up,
            "down" => Move::Down,
            "indent" => Move::Indent,
            "outdent" => Move::Outdent,
            _ => {
                return Err(AppError::invalid(
                    "action",
                    "Choose to, up, down, indent or outdent.",
                ))
            }
        };
        audit::by(&st.db, me.id)
            .change(
                "move",
                &audit::NODE,
                node.0,
                frameworks::move_node(&st.db, framework, revision, node, how),
            )
            .await
    })
    .await
}

/// Deletes a node with its subtree (admins only).
#[server(prefix = "/api", endpoint = "frameworks/delete_node")]
pub async fn delete_framework_node(
    framework: FrameworkId,
    revision: i64,
    node: NodeId,
) -> Result<(), AppError> {
    use crate::server::{audit, ctx, frameworks};
    ctx::as_admin(|st, me| async move {
        audit::by(&st.db, me.id)
            .change(
                "delete",
                &audit::NODE,
                node.0,
                frameworks::delete_node(&st.db, framework, revision, node),
            )
            .await
    })
    .await
}

/// One node's details, for the editor panel (admins only).
#[server(prefix = "/api", endpoint = "frameworks/node")]
pub async fn load_node(framework: FrameworkId, node: NodeId) -> Result<NodeDetails, AppError> {
    use crate::server::{ctx, frameworks};
    ctx::as_admin(|st, _me| async move { frameworks::node(&st.db, framework, node).await }).await
}

/// Saves a node's details, based on `revision` (admins only).
#[server(prefix = "/api", endpoint = "frameworks/save_node")]
pub async fn save_framework_node(
    framework: FrameworkId,
    revision: i64,
    node: NodeId,
    input: NodeInput,
) -> Result<(), AppError> {
    use crate::server::{audit, ctx, frameworks};
    ctx::as_admin(|st, me| async move {
        audit::by(&st.db, me.id)
            .change(
                "update",
                &audit::NODE,
                node.0,
                frameworks::save_node(&st.db, framework, revision, node, input),
            )
            .await
    })
    .await
}

/// Publishes the framework as its next version (admins only).
#[server(prefix = "/api", endpoint = "frameworks/publish")]
pub async fn publish_framework(framework: FrameworkId, revision: i64) -> Result<u32, AppError> {
    use crate::server::{audit, ctx, frameworks};
    ctx::as_admin(|st, me| async move {
        let n = frameworks::publish(&st.db, framework, revision, me.id).await?;
        let after = Some(serde_json::json!({ "version": n }));
        audit::by(&st.db, me.id)
            .did("publish", "framework", framework.0, after)
            .await?;
        Ok(n)
    })
    .await
}

/// The framework's published versions, newest first (admins only).
#[server(prefix = "/api", endpoint = "frameworks/versions")]
pub async fn framework_versions(
    framework: FrameworkId,
) -> Result<Vec<crate::domain::versions::VersionInfo>, AppError> {
    use crate::server::{ctx, frameworks};
    ctx::as_admin(|st, _me| async move { frameworks::versions(&st.db, framework).await }).await
}

/// What changed between two versions (numbers, or `draft` for the current state), as
/// sentences (admins only).
#[server(prefix = "/api", endpoint = "frameworks/compare")]
pub async fn compare_versions(
    framework: FrameworkId,
    from: String,
    to: String,
) -> Result<Vec<String>, AppError> {
    use crate::server::{ctx, frameworks};
    ctx::as_admin(|st, _me| async move { frameworks::compare(&st.db, framework, &from, &to).await })
        .await
}

/// The latest published version of a framework, read-only, for anyone signed in.
#[server(prefix = "/api", endpoint = "frameworks/published")]
pub async fn published_framework(
    framework: FrameworkId,
) -> Result<
    (
        crate::domain::versions::VersionInfo,
        crate::domain::versions::Snapshot,
    ),
    AppError,
> {
    use crate::server::{ctx, frameworks};
    ctx::as_user(|st, _me| async move { frameworks::published(&st.db, framework).await }).await
}

/// What a staged import file would create, with every problem by line (admins only).
#[server(prefix = "/api", endpoint = "imports/preview")]
pub async fn import_preview(id: i64) -> Result<crate::domain::imports::ImportPreview, AppError> {
    use crate::server::{ctx, imports};
    ctx::as_admin(|st, me| async move { imports::preview(&st.db, &me, id).await }).await
}

/// Imports a staged file, then opens what it made (the new framework, the positions or
/// the people); `skip_bad_rows` (a checkbox or button value) imports only the valid part
/// of a file with problems. Returns that page's path.
#[server(prefix = "/api", endpoint = "imports/confirm")]
pub async fn confirm_import(
    id: i64,
    #[server(default)] skip_bad_rows: Option<String>,
) -> Result<String, AppError> {
    use crate::server::{audit, ctx, imports};
    ctx::as_admin(|st, me| async move {
        let skip = skip_bad_rows.is_some_and(|v| !v.is_empty() && v != "0");
        let done = imports::confirm(&st.db, &me, id, skip).await?;
        let after = Some(
            serde_json::json!({ "pending_import": id, "skip_bad_rows": skip, "opened": done.path }),
        );
        audit::by(&st.db, me.id)
            .did("import", "import", id, after)
            .await?;
        leptos_axum::redirect(&done.path);
        Ok(done.path)
    })
    .await
}

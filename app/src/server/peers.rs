//! Peer input: a person (or their manager) asks named colleagues for their view of the
//! person's level on chosen nodes; the peers answer from their home page with a peer
//! rating, which is shown beside the others and never counts as validated.

use super::db::Db;
use super::format_time;
use super::frameworks;
use super::now_ms;
use super::people::manages;
use super::positions::{self, held};
use super::ratings::{self, NewRating};
use crate::api::AppError;
use crate::domain::assess::{check_comment, email_list, PeerRequestView, MAX_PEERS};
use crate::domain::framework::Track;
use crate::domain::rating::Source;
use crate::domain::{CurrentUser, Email, NodeId, PersonId};
use std::collections::HashSet;

/// Asks the people in `peers` (e-mail addresses) for their view of `subject` on `nodes`.
/// The subject or their managers may ask; nodes must be among the subject's requirements
/// (position or target). An identical open request is not repeated. Returns how many
/// requests were created.
#[tracing::instrument(skip_all, fields(caller = me.id.0, subject = subject.0))]
pub async fn request(
    db: &Db,
    me: &CurrentUser,
    subject: PersonId,
    peers: &str,
    nodes: &[NodeId],
) -> Result<u32, AppError> {
    if subject != me.id && !manages(db, me.id, subject).await? {
        return Err(AppError::Forbidden);
    }
    let emails = email_list(peers);
    if emails.len() > MAX_PEERS {
        return Err(AppError::invalid(
            "peers",
            format!("Ask at most {MAX_PEERS} colleagues at a time."),
        ));
    }
    if emails.is_empty() {
        return Err(AppError::invalid(
            "peers",
            "Name at least one colleague by e-mail.",
        ));
    }
    if nodes.is_empty() {
        return Err(AppError::invalid(
            "nodes",
            "Tick at least one skill to ask about.",
        ));
    }
    let (holds, aims) = held(db, subject).await?;
    let mut allowed: HashSet<NodeId> = HashSet::new();
    for p in [holds, aims].into_iter().flatten() {
        allowed.extend(
            positions::requirements(db, p)
                .await?
                .into_iter()
                .map(|r| r.node),
        );
    }
    if let Some(n) = nodes.iter().find(|n| !allowed.contains(n)) {
        return Err(AppError::invalid(
            "nodes",
            format!("Node {n} is not among the requirements; reload the page."),
        ));
    }
    let mut peer_ids = Vec::new();
    for e in &emails {
        let email = Email::parse("peers", e)?;
        let id: Option<i64> =
            sqlx::query_scalar("select id from person where email = $1 and active = 1")
                .bind(email.as_str())
                .fetch_optional(&db.pool)
                .await?;
        let id = id.ok_or_else(|| {
            AppError::invalid("peers", format!("Nobody active has the e-mail {e}."))
        })?;
        if id == subject.0 {
            return Err(AppError::invalid(
                "peers",
                format!("{e} is the person being rated; ask colleagues instead."),
            ));
        }
        peer_ids.push(id);
    }
    let now = now_ms();
    let mut created = 0u32;
    let mut tx = db.begin_write().await?;
    for peer in &peer_ids {
        for node in nodes {
            let open: i64 = sqlx::query_scalar(
                "select count(*) from peer_request where subject_id = $1 and node_id = $2 and peer_id = $3 \
                 and rating_id is null and declined = 0",
            )
            .bind(subject.0)
            .bind(node.0)
            .bind(peer)
            .fetch_one(&mut *tx)
            .await?;
            if open > 0 {
                continue;
            }
            sqlx::query(
                "insert into peer_request (subject_id, node_id, peer_id, requested_by, created_at) \
                 values ($1, $2, $3, $4, $5)",
            )
            .bind(subject.0)
            .bind(node.0)
            .bind(peer)
            .bind(me.id.0)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            created += 1;
        }
    }
    tx.commit().await?;
    Ok(created)
}

/// The open requests addressed to the caller, oldest first.
#[tracing::instrument(skip_all, fields(caller = me.0))]
pub async fn open_for(db: &Db, me: PersonId) -> Result<Vec<PeerRequestView>, AppError> {
    type Row = (i64, i64, String, i64, String, Option<String>, i64);
    let rows: Vec<Row> = sqlx::query_as(
        "select q.id, s.id, s.name, n.id, n.title, r.name, q.created_at from peer_request q \
         join person s on s.id = q.subject_id join framework_node n on n.id = q.node_id \
         left join person r on r.id = q.requested_by \
         where q.peer_id = $1 and q.rating_id is null and q.declined = 0 and s.active = 1 \
         order by q.created_at, q.id",
    )
    .bind(me.0)
    .fetch_all(&db.pool)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for (id, subject, subject_name, node, node_title, requested_by, at) in rows {
        let track = match held(db, PersonId(subject)).await?.0 {
            Some(p) => positions::position(db, p).await?.track,
            None => Track::Ic,
        };
        let levels = positions::level_texts(db, &[NodeId(node)], track)
            .await?
            .remove(&NodeId(node))
            .map(|t| t.0)
            .unwrap_or_default();
        out.push(PeerRequestView {
            id,
            subject_name,
            node_title,
            levels,
            requested_by,
            at: format_time(at),
        });
    }
    Ok(out)
}

/// The open request `id` addressed to the caller: (subject, node).
async fn open_request(db: &Db, me: PersonId, id: i64) -> Result<(i64, i64), AppError> {
    let row: Option<(i64, i64, i64, Option<i64>, i64)> = sqlx::query_as(
        "select subject_id, node_id, peer_id, rating_id, declined from peer_request where id = $1",
    )
    .bind(id)
    .fetch_optional(&db.pool)
    .await?;
    let (subject, node, peer, rating, declined) =
        row.ok_or_else(|| AppError::NotFound("That request".into()))?;
    if peer != me.0 {
        return Err(AppError::NotFound("That request".into()));
    }
    if rating.is_some() || declined != 0 {
        return Err(AppError::Conflict(
            "You have already answered this request.".into(),
        ));
    }
    Ok((subject, node))
}

/// Answers a request with a peer rating.
#[tracing::instrument(skip_all, fields(caller = me.id.0, id))]
pub async fn answer(
    db: &Db,
    me: &CurrentUser,
    id: i64,
    level: &str,
    comment: &str,
) -> Result<(), AppError> {
    let (subject, node) = open_request(db, me.id, id).await?;
    let top = frameworks::node_info(db, NodeId(node)).await?.top;
    let level: u8 = level
        .trim()
        .parse()
        .ok()
        .filter(|l| *l <= top)
        .ok_or_else(|| AppError::invalid("level", format!("Choose a level from 0 to {top}.")))?;
    let comment = check_comment("comment", comment)?;
    let mut tx = db.begin_write().await?;
    let rating = ratings::record(
        &mut tx,
        NewRating {
            subject: PersonId(subject),
            node: NodeId(node),
            level,
            source: Source::Peer,
            given_by: Some(me.id),
            comment: &comment,
            origin: "",
            at_ms: now_ms(),
            review: None,
        },
    )
    .await?;
    let done = sqlx::query(
        "update peer_request set rating_id = $1 where id = $2 and rating_id is null and declined = 0",
    )
    .bind(rating)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() != 1 {
        return Err(AppError::Conflict(
            "You have already answered this request.".into(),
        ));
    }
    Ok(tx.commit().await?)
}

/// Declines a request without rating.
#[tracing::instrument(skip_all, fields(caller = me.id.0, id))]
pub async fn decline(db: &Db, me: &CurrentUser, id: i64) -> Result<(), AppError> {
    open_request(db, me.id, id).await?;
    sqlx::query("update peer_request set declined = 1 where id = $1 and rating_id is null")
        .bind(id)
        .execute(&db.pool)
        .await?;
    Ok(())
}

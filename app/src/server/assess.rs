//! Self-assessment, manager review and direct rating, and the rating history. Ratings are
//! append-only: a submission or a manager rating is a new row; a decision records who
//! decided a pending self-rating, when and why, once.

use super::audit;
use super::db::{with_waiting_reviews, Db};
use super::format_time;
use super::frameworks;
use super::now_ms;
use super::people::{can_see, manages};
use super::positions::{self, held};
use super::ratings::{self, NewRating, ReviewState};
use crate::api::AppError;
use crate::domain::assess::{
    check_comment, Decision, HistoryEntry, NodeHistory, PositionReadiness, ReviewItem, Scope,
    SelfAssessment, SkillRow, SkillsPage, HISTORY_PAGE,
};
use crate::domain::count;
use crate::domain::framework::Track;
use crate::domain::positions::{level_text, PositionId};
use crate::domain::rating::{
    current_level, current_levels, disagreement, latest_by_source, RatingRecord, Review, Source,
};
use crate::domain::recognition::Badge;
use crate::domain::{CurrentUser, NodeId, PersonId};
use sqlx::FromRow;
use std::collections::HashMap;

#[tracing::instrument(skip_all, fields(id = id.0))]
pub(crate) async fn person_name(db: &Db, id: PersonId) -> Result<String, AppError> {
    sqlx::query_scalar("select name from person where id = $1")
        .bind(id.0)
        .fetch_optional(&db.pool)
        .await?
        .ok_or_else(|| AppError::NotFound("That person".into()))
}

/// The track whose level descriptions apply to a person: their position's.
#[tracing::instrument(skip_all, fields(position = ?position.map(|x| x.0)))]
pub(crate) async fn track_of(db: &Db, position: Option<PositionId>) -> Result<Track, AppError> {
    Ok(match position {
        Some(p) => positions::position(db, p).await?.track,
        None => Track::Ic,
    })
}

/// A person's readiness for `position` from their validated levels (never-rated and
/// expired levels count as 0), by the rule the comparison page uses.
#[tracing::instrument(skip_all, fields(person = person.0, position = position.0))]
pub async fn position_readiness(
    db: &Db,
    person: PersonId,
    position: PositionId,
) -> Result<PositionReadiness, AppError> {
    let title = positions::position(db, position).await?.title;
    let reqs = positions::requirements(db, position).await?;
    let nodes: Vec<NodeId> = reqs.iter().map(|r| r.node).collect();
    let levels = ratings::current(db, person, &nodes).await?;
    let parts: Vec<(u8, u8, bool, u8)> = reqs
        .iter()
        .map(|r| {
            let cur = levels.get(&r.node).copied().flatten().unwrap_or(0);
            (r.required, r.weight, r.mandatory, cur)
        })
        .collect();
    Ok(PositionReadiness::new(position, title, &parts))
}

/// A person's skills for a scope, for themself, their managers, or admins and HR viewers.
#[tracing::instrument(skip_all, fields(caller = me.id.0, person = person.0))]
pub async fn skills(
    db: &Db,
    me: &CurrentUser,
    person: PersonId,
    scope: Scope,
) -> Result<SkillsPage, AppError> {
    if !can_see(db, me, person).await? {
        return Err(AppError::NotFound("That person".into()));
    }
    let person_name = person_name(db, person).await?;
    let (holds, aims) = held(db, person).await?;
    let track = track_of(db, holds).await?;
    let chosen = match scope {
        Scope::Position => holds,
        Scope::Target => aims,
    };
    let mut rows = Vec::new();
    let mut position_title = None;
    if let Some(p) = chosen {
        position_title = Some(positions::position(db, p).await?.title);
        let reqs = positions::requirement_views(db, p, track).await?;
        let nodes: Vec<NodeId> = reqs.iter().map(|r| r.requirement.node).collect();
        let (records, validity) = ratings::of(db, person, &nodes).await?;
        let now = now_ms();
        let current = current_levels(&records, |n| validity.get(&n).copied().flatten(), now);
        let mut by_node: HashMap<NodeId, Vec<RatingRecord>> = HashMap::new();
        for r in records {
            by_node.entry(r.node).or_default().push(r);
        }
        for v in reqs {
            let node = v.requirement.node;
            let cur = current
                .get(&node)
                .copied()
                .unwrap_or_else(|| current_level(&[], None, now));
            let by_source = latest_by_source(by_node.get(&node).map_or(&[][..], |v| v), now);
            rows.push(SkillRow {
                node,
                title: v.requirement.node_title,
                kind: v.requirement.kind,
                path: v.path,
                levels: v.levels,
                required: v.requirement.required,
                weight: v.requirement.weight,
                mandatory: v.requirement.mandatory,
                disagreement: disagreement(&by_source),
                by_source,
                validated_at: cur.validated.map(|x| format_time(x.at_ms)),
                current: cur,
            });
        }
    }
    Ok(SkillsPage {
        person,
        person_name,
        is_me: me.id == person,
        can_rate: manages(db, me.id, person).await?,
        scope,
        position_title,
        has_target: aims.is_some(),
        current_readiness: match holds {
            Some(p) => Some(position_readiness(db, person, p).await?),
            None => None,
        },
        target_readiness: match aims {
            Some(p) => Some(position_readiness(db, person, p).await?),
            None => None,
        },
        rows,
        now_ms: now_ms(),
    })
}

/// The nodes a person may assess themself on (their position's and target's
/// requirements), with each node's scale top.
async fn assessable(db: &Db, person: PersonId) -> Result<HashMap<NodeId, u8>, AppError> {
    let (holds, aims) = held(db, person).await?;
    let mut tops = HashMap::new();
    for p in [holds, aims].into_iter().flatten() {
        for r in positions::requirements(db, p).await? {
            if let std::collections::hash_map::Entry::Vacant(e) = tops.entry(r.node) {
                e.insert(frameworks::node_info(db, r.node).await?.top);
            }
        }
    }
    Ok(tops)
}

/// Submits the caller's changed self-ratings as pending. Returns how many were submitted.
#[tracing::instrument(skip_all, fields(caller = me.id.0))]
pub async fn submit(db: &Db, me: &CurrentUser, form: &SelfAssessment) -> Result<u32, AppError> {
    let tops = assessable(db, me.id).await?;
    let nodes: Vec<NodeId> = tops.keys().copied().collect();
    let (records, validity) = ratings::of(db, me.id, &nodes).await?;
    let now = now_ms();
    let own: HashMap<NodeId, u8> =
        current_levels(&records, |n| validity.get(&n).copied().flatten(), now)
            .into_iter()
            .map(|(n, c)| (n, c.pending.unwrap_or(c.level)))
            .collect();
    let (changes, comment) = form.changes(&tops, &own)?;
    if changes.is_empty() {
        return Err(AppError::invalid(
            "levels",
            "Nothing changed: move a slider to the level you now have, then submit.",
        ));
    }
    let mut tx = db.begin_write().await?;
    for (node, level) in &changes {
        ratings::record(
            &mut tx,
            NewRating {
                subject: me.id,
                node: *node,
                level: *level,
                source: Source::SelfRating,
                given_by: Some(me.id),
                comment: &comment,
                origin: "",
                at_ms: now,
                review: Some(ReviewState::PENDING),
            },
        )
        .await?;
    }
    super::recognition::award_badge(&mut tx, me.id, Badge::FirstSelfAssessment, now).await?;
    tx.commit().await?;
    Ok(count(changes.len()))
}

/// A pending self-rating with its subject and node, the level it would replace and the
/// level the subject's position requires.
#[derive(FromRow)]
struct QueueRow {
    rating_id: i64,
    subject_id: i64,
    subject_name: String,
    node_id: i64,
    node_title: String,
    level: i64,
    comment: String,
    created_at: i64,
    /// The subject's manager.
    manager_id: Option<i64>,
    /// The current level (from the aggregate) and when it expires.
    current: Option<i64>,
    expires_at: Option<i64>,
    /// What the subject's position requires on the node.
    required: Option<i64>,
}

/// The pending self-ratings of the caller's direct and indirect reports, oldest first: a
/// fixed number of queries however many wait.
#[tracing::instrument(skip_all, fields(caller = me.id.0))]
pub async fn queue(db: &Db, me: &CurrentUser) -> Result<Vec<ReviewItem>, AppError> {
    let rows: Vec<QueueRow> = sqlx::query_as(with_waiting_reviews!(
        "select r.id as rating_id, p.id as subject_id, p.name as subject_name, n.id as node_id, \
           n.title as node_title, r.level, r.comment, r.created_at, p.manager_id, \
           c.level as current, c.expires_at, q.required \
         from below w join rating r on r.id = w.item join person p on p.id = r.subject_id \
         join framework_node n on n.id = r.node_id \
         left join current_level c on c.person_id = r.subject_id and c.node_id = r.node_id \
         left join position_requirement q on q.position_id = p.position_id and q.node_id = r.node_id \
         where p.active = 1 \
         order by r.created_at, r.id"
    ))
    .bind(me.id.0)
    .fetch_all(&db.pool)
    .await?;
    let nodes: std::collections::BTreeSet<NodeId> =
        rows.iter().map(|r| NodeId(r.node_id)).collect();
    let nodes: Vec<NodeId> = nodes.into_iter().collect();
    let texts = positions::level_texts(db, &nodes, Track::Ic).await?;
    let now = now_ms();
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let node = NodeId(row.node_id);
        let level = u8::try_from(row.level).unwrap_or(0);
        let level_name = texts
            .get(&node)
            .map(|t| level_text(&t.0, level).0)
            .unwrap_or_else(|| format!("Level {level}"));
        out.push(ReviewItem {
            rating: row.rating_id,
            subject: PersonId(row.subject_id),
            subject_name: row.subject_name,
            node,
            node_title: row.node_title,
            level,
            level_name,
            previous: row
                .current
                .map(|l| ratings::effective(l, row.expires_at, now).0),
            required: row.required.and_then(|r| u8::try_from(r).ok()),
            comment: row.comment,
            at: format_time(row.created_at),
            direct: row.manager_id == Some(me.id.0),
            evidence: Vec::new(),
        });
    }
    let ids: Vec<i64> = out.iter().map(|i| i.rating).collect();
    let mut evidence = super::evidence::for_ratings(db, &ids).await?;
    for item in &mut out {
        item.evidence = evidence.remove(&item.rating).unwrap_or_default();
    }
    Ok(out)
}

/// Approves or declines pending self-ratings of the caller's reports, all or none.
/// Declining needs a comment, so the person learns why. Returns how many were decided.
#[tracing::instrument(skip_all, fields(caller = me.id.0))]
pub async fn decide(
    db: &Db,
    me: &CurrentUser,
    ratings: &[i64],
    decision: &str,
    comment: &str,
) -> Result<u32, AppError> {
    let decision = Decision::parse(decision)?;
    let comment = check_comment("comment", comment)?;
    if ratings.is_empty() {
        return Err(AppError::invalid(
            "ids",
            "Tick at least one rating to approve or decline.",
        ));
    }
    if decision == Decision::Decline && comment.is_empty() {
        return Err(AppError::invalid(
            "comment",
            "Say why you decline, so that the person knows what to work on.",
        ));
    }
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    for id in ratings {
        let row: Option<(i64, String, Option<String>)> =
            sqlx::query_as("select subject_id, source, review from rating where id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
        let Some((subject, source, review)) = row else {
            return Err(AppError::NotFound("That rating".into()));
        };
        if !manages(db, me.id, PersonId(subject)).await? {
            return Err(AppError::Forbidden);
        }
        if source != "self" || review.as_deref() != Some("pending") {
            return Err(AppError::Conflict(
                "That rating has already been decided; reload the queue.".into(),
            ));
        }
        if !ratings::decide(&mut tx, *id, decision.review(), me.id, now, &comment).await? {
            return Err(AppError::Conflict(
                "That rating has already been decided; reload the queue.".into(),
            ));
        }
        let after = audit::RATING.state(&mut *tx, *id).await?;
        let action = decision.review().as_str();
        let before = Some(serde_json::json!({ "review": "pending" }));
        audit::record(&mut *tx, me.id, action, "rating", id, before, after).await?;
    }
    tx.commit().await?;
    Ok(count(ratings.len()))
}

/// A manager rates a report directly: a validated rating from the manager.
#[tracing::instrument(skip_all, fields(caller = me.id.0, person = person.0, node = node.0))]
pub async fn rate(
    db: &Db,
    me: &CurrentUser,
    person: PersonId,
    node: NodeId,
    level: &str,
    comment: &str,
) -> Result<(), AppError> {
    if !manages(db, me.id, person).await? {
        return Err(AppError::Forbidden);
    }
    let info = frameworks::node_info(db, node).await?;
    if !info.row.kind.rateable() {
        return Err(AppError::invalid("node", "Categories are not rated."));
    }
    let level: u8 = level
        .trim()
        .parse()
        .ok()
        .filter(|l| *l <= info.top)
        .ok_or_else(|| {
            AppError::invalid("level", format!("Choose a level from 0 to {}.", info.top))
        })?;
    let comment = check_comment("comment", comment)?;
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let id = ratings::record(
        &mut tx,
        NewRating {
            subject: person,
            node,
            level,
            source: Source::Manager,
            given_by: Some(me.id),
            comment: &comment,
            origin: "",
            at_ms: now,
            review: None,
        },
    )
    .await?;
    let after = audit::RATING.state(&mut *tx, id).await?;
    audit::record(&mut *tx, me.id, "rate", "rating", id, None, after).await?;
    Ok(tx.commit().await?)
}

/// A rating of a person on a node, with who gave and who reviewed it.
#[derive(FromRow)]
struct HistoryRow {
    id: i64,
    created_at: i64,
    source: String,
    level: i64,
    given_by_name: Option<String>,
    comment: String,
    review: Option<String>,
    reviewer_name: Option<String>,
    reviewed_at: Option<i64>,
    review_comment: String,
}

/// One page of a person's rating history on a node, newest first: [`HISTORY_PAGE`] entries
/// from the newest, or from just before the rating `before` (a cursor from the page before).
#[tracing::instrument(skip_all, fields(caller = me.id.0, person = person.0, node = node.0))]
pub async fn history(
    db: &Db,
    me: &CurrentUser,
    person: PersonId,
    node: NodeId,
    before: Option<i64>,
) -> Result<NodeHistory, AppError> {
    if !can_see(db, me, person).await? {
        return Err(AppError::NotFound("That person".into()));
    }
    let person_name = person_name(db, person).await?;
    let info = frameworks::node_info(db, node).await?;
    let cursor: (i64, i64) = match before {
        None => (i64::MAX, i64::MAX),
        Some(id) => sqlx::query_as(
            "select created_at, id from rating where id = $1 and subject_id = $2 and node_id = $3",
        )
        .bind(id)
        .bind(person.0)
        .bind(node.0)
        .fetch_optional(&db.pool)
        .await?
        .ok_or_else(|| {
            AppError::invalid(
                "before",
                "That page of the history does not exist; start from the newest.",
            )
        })?,
    };
    let mut rows: Vec<HistoryRow> = sqlx::query_as(
        "select r.id, r.created_at, r.source, r.level, \
           coalesce(g.name, case when r.origin <> '' then r.origin || ' (via the API)' end) \
             as given_by_name, r.comment, r.review, \
           v.name as reviewer_name, r.reviewed_at, r.review_comment \
         from rating r left join person g on g.id = r.given_by left join person v on v.id = r.reviewed_by \
         where r.subject_id = $1 and r.node_id = $2 \
           and (r.created_at < $3 or (r.created_at = $3 and r.id < $4)) \
         order by r.created_at desc, r.id desc limit $5",
    )
    .bind(person.0)
    .bind(node.0)
    .bind(cursor.0)
    .bind(cursor.1)
    .bind(i64::from(HISTORY_PAGE) + 1)
    .fetch_all(&db.pool)
    .await?;
    let more = rows.len() > HISTORY_PAGE as usize;
    rows.truncate(HISTORY_PAGE as usize);
    let older = more.then(|| rows.last().map(|r| r.id)).flatten();
    let (records, validity) = ratings::of(db, person, &[node]).await?;
    let now = now_ms();
    let current = current_level(&records, validity.get(&node).copied().flatten(), now);
    let (holds, _) = held(db, person).await?;
    let track = track_of(db, holds).await?;
    let levels = positions::level_texts(db, &[node], track)
        .await?
        .remove(&node)
        .map(|t| t.0)
        .unwrap_or_default();
    let counting = current.validated.map(|v| v.id);
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut evidence = super::evidence::for_ratings(db, &ids).await?;
    let entries = rows
        .into_iter()
        .filter_map(|r| {
            let source = Source::parse(&r.source)?;
            let review = r.review.as_deref().and_then(Review::parse);
            let decision = match (review, r.reviewer_name, r.reviewed_at) {
                (Some(Review::Approved | Review::Declined), who, Some(at)) => Some((
                    who.unwrap_or_else(|| "a former manager".into()),
                    format_time(at),
                    r.review_comment,
                )),
                _ => None,
            };
            Some(HistoryEntry {
                id: r.id,
                at: format_time(r.created_at),
                source,
                level: u8::try_from(r.level).ok()?,
                by: r.given_by_name,
                comment: r.comment,
                review,
                decision,
                counts: counting == Some(r.id),
                evidence: evidence.remove(&r.id).unwrap_or_default(),
            })
        })
        .collect();
    Ok(NodeHistory {
        person,
        person_name,
        node,
        node_title: info.row.title,
        current,
        levels,
        entries,
        is_me: me.id == person,
        can_verify: manages(db, me.id, person).await?,
        now_ms: now,
        older,
        newest: before.is_none(),
    })
}

/// How many pending self-ratings await the caller's decision.
#[tracing::instrument(skip_all, fields(caller = me.0))]
pub async fn pending_reviews(db: &Db, me: PersonId) -> Result<u32, AppError> {
    let n: i64 = sqlx::query_scalar(with_waiting_reviews!("select count(*) from below"))
        .bind(me.0)
        .fetch_one(&db.pool)
        .await?;
    Ok(u32::try_from(n).unwrap_or(0))
}

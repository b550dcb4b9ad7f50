//! Assessment: "My skills", submitting self-ratings, the manager's review queue and
//! decisions, direct manager ratings, and the rating history.

use super::AppError;
use crate::domain::assess::{NodeHistory, ReviewItem, SelfAssessment, SkillsPage};
use crate::domain::{NodeId, PersonId};
use leptos::prelude::*;

/// A person's skills for their position (`scope=position`) or target (`target`); the
/// caller's own by default. Visible to the person, their managers, admins and HR viewers.
#[server(prefix = "/api", endpoint = "skills/get")]
pub async fn load_skills(
    #[server(default)] person: Option<PersonId>,
    #[server(default)] scope: String,
) -> Result<SkillsPage, AppError> {
    use crate::domain::assess::Scope;
    use crate::server::{assess, ctx};
    ctx::as_user(|st, me| async move {
        assess::skills(&st.db, &me, person.unwrap_or(me.id), Scope::parse(&scope)).await
    })
    .await
}

/// Submits the caller's changed levels as pending self-ratings; returns how many.
#[server(prefix = "/api", endpoint = "skills/submit")]
pub async fn submit_self_assessment(input: SelfAssessment) -> Result<u32, AppError> {
    use crate::server::{assess, ctx};
    ctx::as_user(|st, me| async move { assess::submit(&st.db, &me, &input).await }).await
}

/// The caller's queue: pending self-ratings of their direct and indirect reports.
#[server(prefix = "/api", endpoint = "reviews/queue")]
pub async fn review_queue() -> Result<Vec<ReviewItem>, AppError> {
    use crate::server::{assess, ctx};
    ctx::as_user(|st, me| async move { assess::queue(&st.db, &me).await }).await
}

/// Approves or declines the ticked ratings (`ids[ID]=on`), or the one in `rating`; only
/// for the caller's reports. Returns how many were decided.
#[server(prefix = "/api", endpoint = "reviews/decide")]
pub async fn decide_ratings(
    decision: String,
    #[server(default)] comment: String,
    #[server(default)] rating: Option<i64>,
    #[server(default)] ids: std::collections::BTreeMap<String, String>,
) -> Result<u32, AppError> {
    use crate::server::{assess, ctx};
    ctx::as_user(|st, me| async move {
        let list = match rating {
            Some(r) => vec![r],
            None => crate::api::ticked(&ids, "ids", 500)?,
        };
        assess::decide(&st.db, &me, &list, &decision, &comment).await
    })
    .await
}

/// A manager rates a report directly.
#[server(prefix = "/api", endpoint = "skills/rate")]
pub async fn rate_report(
    person: PersonId,
    node: NodeId,
    level: String,
    #[server(default)] comment: String,
) -> Result<(), AppError> {
    use crate::server::{assess, ctx};
    ctx::as_user(
        |st, me| async move { assess::rate(&st.db, &me, person, node, &level, &comment).await },
    )
    .await
}

/// One page of a person's rating history on a node (default: the caller's), newest first
/// or older than the rating `before`.
#[server(prefix = "/api", endpoint = "skills/history")]
pub async fn rating_history(
    node: NodeId,
    #[server(default)] person: Option<PersonId>,
    #[server(default)] before: Option<i64>,
) -> Result<NodeHistory, AppError> {
    use crate::server::{assess, ctx};
    ctx::as_user(|st, me| async move {
        assess::history(&st.db, &me, person.unwrap_or(me.id), node, before).await
    })
    .await
}

/// Attaches a link as evidence to a rating (the person rated or their managers).
#[server(prefix = "/api", endpoint = "evidence/link")]
pub async fn add_evidence_link(rating: i64, url: String) -> Result<i64, AppError> {
    use crate::server::{ctx, evidence};
    ctx::as_user(|st, me| async move { evidence::add_link(&st.db, &me, rating, &url).await }).await
}

/// Marks evidence verified (the rated person's managers).
#[server(prefix = "/api", endpoint = "evidence/verify")]
pub async fn verify_evidence(id: i64) -> Result<(), AppError> {
    use crate::server::{ctx, evidence};
    ctx::as_user(|st, me| async move { evidence::verify(&st.db, &me, id).await }).await
}

/// Asks colleagues (e-mail addresses in `peers`) for their view of `person` (default: the
/// caller) on the ticked nodes (`nodes[ID]=on`). Returns how many requests were created.
#[server(prefix = "/api", endpoint = "peers/request")]
pub async fn request_peer_ratings(
    #[server(default)] person: Option<PersonId>,
    #[server(default)] peers: String,
    #[server(default)] nodes: std::collections::BTreeMap<String, String>,
) -> Result<u32, AppError> {
    use crate::server::{ctx, peers as peer_svc};
    ctx::as_user(|st, me| async move {
        let nodes: Vec<NodeId> = crate::api::ticked(&nodes, "nodes", 200)?;
        peer_svc::request(&st.db, &me, person.unwrap_or(me.id), &peers, &nodes).await
    })
    .await
}

/// The requests for the caller's view that are still open.
#[server(prefix = "/api", endpoint = "peers/open")]
pub async fn open_peer_requests() -> Result<Vec<crate::domain::assess::PeerRequestView>, AppError> {
    use crate::server::{ctx, peers};
    ctx::as_user(|st, me| async move { peers::open_for(&st.db, me.id).await }).await
}

/// Answers a request with a peer rating.
#[server(prefix = "/api", endpoint = "peers/answer")]
pub async fn answer_peer_request(
    id: i64,
    level: String,
    #[server(default)] comment: String,
) -> Result<(), AppError> {
    use crate::server::{ctx, peers};
    ctx::as_user(|st, me| async move { peers::answer(&st.db, &me, id, &level, &comment).await })
        .await
}

/// Declines a request.
#[server(prefix = "/api", endpoint = "peers/decline")]
pub async fn decline_peer_request(id: i64) -> Result<(), AppError> {
    use crate::server::{ctx, peers};
    ctx::as_user(|st, me| async move { peers::decline(&st.db, &me, id).await }).await
}

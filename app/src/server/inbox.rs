//! The in-app inbox, computed from the data on each visit: reviews waiting for the caller,
//! decisions on the caller's self-ratings (unread until the inbox is opened), colleagues
//! asking for the caller's view, and levels expiring within 30 days or recently expired.

use super::db::Db;
use super::now_ms;
use crate::api::AppError;
use crate::domain::assess::{InboxItem, InboxKind, EXPIRY_NOTICE_DAYS};
use crate::domain::rating::{days_until, DAY_MS};
use crate::domain::PersonId;
use sqlx::FromRow;

/// The caller's inbox, action items first.
#[tracing::instrument(skip_all, fields(caller = me.0))]
pub async fn items(db: &Db, me: PersonId) -> Result<Vec<InboxItem>, AppError> {
    let mut out = Vec::new();
    let reviews = super::assess::pending_reviews(db, me).await?;
    if reviews > 0 {
        out.push(InboxItem {
            kind: InboxKind::Reviews,
            text: format!(
                "{reviews} self-assessment{} from your team wait{} for your review.",
                if reviews == 1 { "" } else { "s" },
                if reviews == 1 { "s" } else { "" }
            ),
            href: "/reviews".into(),
            unread: true,
        });
    }
    let peers = super::peers::open_for(db, me).await?;
    for q in peers {
        out.push(InboxItem {
            kind: InboxKind::PeerRequest,
            text: format!(
                "{} asks for your view of {} on {}.",
                q.requested_by.unwrap_or_else(|| "A colleague".into()),
                q.subject_name,
                q.node_title
            ),
            href: "/#peer-h".into(),
            unread: true,
        });
    }
    out.extend(expiry_items(db, me).await?);
    out.extend(development_items(db, me).await?);
    out.extend(decision_items(db, me).await?);
    Ok(out)
}

/// Levels of the caller's that expire within [`EXPIRY_NOTICE_DAYS`] or expired at most that
/// long ago: current levels on nodes with a validity period.
async fn expiry_items(db: &Db, me: PersonId) -> Result<Vec<InboxItem>, AppError> {
    let now = now_ms();
    let window = (EXPIRY_NOTICE_DAYS + 1) * DAY_MS;
    let rows: Vec<(i64, String, i64)> = sqlx::query_as(
        "select n.id, n.title, c.expires_at from current_level c \
         join framework_node n on n.id = c.node_id \
         where c.person_id = $1 and c.expires_at between $2 and $3 order by c.expires_at, n.id",
    )
    .bind(me.0)
    .bind(now - window)
    .bind(now + window)
    .fetch_all(&db.pool)
    .await?;
    let mut out = Vec::new();
    for (id, title, expires_at) in rows {
        let Some(days) = days_until(expires_at, now) else {
            continue;
        };
        let text = if days > 0 && days <= EXPIRY_NOTICE_DAYS {
            format!(
                "Your level in {title} expires in {days} day{}.",
                if days == 1 { "" } else { "s" }
            )
        } else if days <= 0 && -days <= EXPIRY_NOTICE_DAYS {
            format!("Your level in {title} has expired; it counts as 0 until renewed.")
        } else {
            continue;
        };
        out.push(InboxItem {
            kind: InboxKind::Expiry,
            text,
            href: format!("/skills/history?node={id}"),
            unread: true,
        });
    }
    Ok(out)
}

/// Development: plans to approve, completions to confirm, tasks to sign off; reminders.
async fn development_items(db: &Db, me: PersonId) -> Result<Vec<InboxItem>, AppError> {
    let mut out = Vec::new();
    let checks = super::plans::checks(db, me).await?;
    if !checks.is_empty() {
        let n = checks.len();
        out.push(InboxItem {
            kind: InboxKind::Development,
            text: format!(
                "{n} development item{} wait{} for you: plans to approve, completed learning to confirm.",
                if n == 1 { "" } else { "s" },
                if n == 1 { "s" } else { "" }
            ),
            href: "/plan/checks".into(),
            unread: true,
        });
    }
    for text in super::plans::reminders_for(db, me).await? {
        out.push(InboxItem {
            kind: InboxKind::Reminder,
            text,
            href: "/plan".into(),
            unread: true,
        });
    }
    Ok(out)
}

/// A decision on one of the caller's self-ratings.
#[derive(FromRow)]
struct DecisionRow {
    node_id: i64,
    title: String,
    level: i64,
    review: String,
    reviewer: Option<String>,
    reviewed_at: i64,
    review_comment: String,
}

/// Decisions on the caller's self-ratings in the last 90 days (the latest 50), unread when made
/// after the caller last opened the inbox.
async fn decision_items(db: &Db, me: PersonId) -> Result<Vec<InboxItem>, AppError> {
    let seen: i64 = sqlx::query_scalar("select inbox_seen_at from person where id = $1")
        .bind(me.0)
        .fetch_one(&db.pool)
        .await?;
    let rows: Vec<DecisionRow> = sqlx::query_as(
        "select r.node_id, n.title, r.level, r.review, v.name as reviewer, r.reviewed_at, r.review_comment \
         from rating r join framework_node n on n.id = r.node_id left join person v on v.id = r.reviewed_by \
         where r.subject_id = $1 and r.source = 'self' and r.reviewed_at is not null and r.reviewed_at > $2 \
         order by r.reviewed_at desc, r.id desc limit 50",
    )
    .bind(me.0)
    .bind(now_ms() - 90 * DAY_MS)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let verb = if r.review == "approved" {
                "approved"
            } else {
                "declined"
            };
            let mut text = format!(
                "{} {verb} your level {} in {}.",
                r.reviewer.unwrap_or_else(|| "Your manager".into()),
                r.level,
                r.title
            );
            if !r.review_comment.is_empty() {
                text.push_str(&format!(" \u{201c}{}\u{201d}", r.review_comment));
            }
            InboxItem {
                kind: InboxKind::Decision,
                text,
                href: format!("/skills/history?node={}", r.node_id),
                unread: r.reviewed_at > seen,
            }
        })
        .collect())
}

/// How many inbox items are unread (for the header).
#[tracing::instrument(skip_all, fields(caller = me.0))]
pub async fn unread(db: &Db, me: PersonId) -> Result<u32, AppError> {
    Ok(items(db, me).await?.iter().filter(|i| i.unread).count() as u32)
}

/// Marks decisions up to now as read.
#[tracing::instrument(skip_all, fields(caller = me.0))]
pub async fn mark_seen(db: &Db, me: PersonId) -> Result<(), AppError> {
    sqlx::query("update person set inbox_seen_at = $1 where id = $2")
        .bind(now_ms())
        .bind(me.0)
        .execute(&db.pool)
        .await?;
    Ok(())
}

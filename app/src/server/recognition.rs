//! Recognition: points and badges awarded in the transactions that earn them, the per-unit
//! leaderboard with its opt-out, and awarded competencies as Open Badges 3.0 credentials.

use super::db::Db;
use super::format_time;
use super::now_ms;
use super::people::can_see;
use super::positions;
use super::rfc3339;
use crate::api::AppError;
use crate::domain::framework::Track;
use crate::domain::positions::level_text;
use crate::domain::recognition::{
    credential_json, rank, xp_for_levels, AwardView, Badge, BadgeView, Credential, RecognitionPage,
    RubricLevel, XpLine, XP_PER_ACTIVITY, XP_PER_BADGE,
};
use crate::domain::{CurrentUser, NodeId, PersonId};
use sqlx::{AnyConnection, FromRow};

/// Adds `points` to a person's total, with the reason.
#[tracing::instrument(skip_all, fields(person = person.0, points, at))]
pub(crate) async fn award_xp(
    conn: &mut AnyConnection,
    person: PersonId,
    points: u32,
    what: &str,
    at: i64,
) -> Result<(), AppError> {
    if points == 0 {
        return Ok(());
    }
    sqlx::query(
        "insert into xp_event (person_id, points, what, created_at) values ($1, $2, $3, $4)",
    )
    .bind(person.0)
    .bind(i64::from(points))
    .bind(what)
    .bind(at)
    .execute(&mut *conn)
    .await?;
    sqlx::query("update person set xp = xp + $1 where id = $2")
        .bind(i64::from(points))
        .bind(person.0)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Awards a badge unless the person has it; true when newly awarded (with its points).
#[tracing::instrument(skip_all, fields(person = person.0, at))]
pub(crate) async fn award_badge(
    conn: &mut AnyConnection,
    person: PersonId,
    badge: Badge,
    at: i64,
) -> Result<bool, AppError> {
    let done = sqlx::query(
        "insert into badge_award (person_id, badge, awarded_at) values ($1, $2, $3) \
         on conflict (person_id, badge) do nothing",
    )
    .bind(person.0)
    .bind(badge.key())
    .bind(at)
    .execute(&mut *conn)
    .await?;
    let new = done.rows_affected() == 1;
    if new {
        award_xp(
            conn,
            person,
            XP_PER_BADGE,
            &format!("Badge: {}", badge.title()),
            at,
        )
        .await?;
    }
    Ok(new)
}

/// Points for a completed activity, and the first-activity badge.
#[tracing::instrument(skip_all, fields(person = person.0, at))]
pub(crate) async fn activity_completed(
    conn: &mut AnyConnection,
    person: PersonId,
    title: &str,
    at: i64,
) -> Result<(), AppError> {
    award_xp(
        conn,
        person,
        XP_PER_ACTIVITY,
        &format!("Completed {title}"),
        at,
    )
    .await?;
    award_badge(conn, person, Badge::FirstActivity, at).await?;
    Ok(())
}

/// What a validated rating that became the current level earns: points for the levels
/// gained over the level before (0 if it had expired), the on-time badge for renewing a
/// level before it expired, open plan goals it reaches, and the badge for meeting every
/// requirement of the position held. `before`: the previous current level and its expiry.
#[tracing::instrument(skip_all, fields(person = person.0, node = node.0, level, at))]
pub(crate) async fn after_validated(
    conn: &mut AnyConnection,
    person: PersonId,
    node: NodeId,
    before: Option<(u8, Option<i64>)>,
    level: u8,
    at: i64,
) -> Result<(), AppError> {
    let was = match before {
        Some((_, Some(expires))) if expires <= at => 0,
        Some((l, _)) => l,
        None => 0,
    };
    let gained = xp_for_levels(was, level);
    if gained > 0 {
        let title: String = sqlx::query_scalar("select title from framework_node where id = $1")
            .bind(node.0)
            .fetch_one(&mut *conn)
            .await?;
        award_xp(
            conn,
            person,
            gained,
            &format!("{title}: level {was} \u{2192} {level}"),
            at,
        )
        .await?;
    }
    if let Some((l, Some(expires))) = before {
        if expires > at && level >= l && l > 0 {
            award_badge(conn, person, Badge::OnTimeRecertification, at).await?;
        }
    }
    let reached = sqlx::query(
        "update plan_goal set status = 'achieved', achieved_at = $1, updated_at = $1 \
         where person_id = $2 and node_id = $3 and status = 'open' and target_level <= $4",
    )
    .bind(at)
    .bind(person.0)
    .bind(node.0)
    .bind(i64::from(level))
    .execute(&mut *conn)
    .await?;
    if reached.rows_affected() > 0 {
        sqlx::query("update dev_plan set updated_at = $1 where person_id = $2")
            .bind(at)
            .bind(person.0)
            .execute(&mut *conn)
            .await?;
        award_badge(conn, person, Badge::GoalReached, at).await?;
    }
    if gained > 0 && position_met(conn, person, at).await? {
        award_badge(conn, person, Badge::PositionReady, at).await?;
    }
    Ok(())
}

/// Whether the person holds a position with requirements and meets every one of them.
async fn position_met(
    conn: &mut AnyConnection,
    person: PersonId,
    at: i64,
) -> Result<bool, AppError> {
    let (total, short): (i64, i64) = sqlx::query_as(
        "select count(*), coalesce(sum(case when c.level is null or c.level < r.required \
            or (c.expires_at is not null and c.expires_at <= $2) then 1 else 0 end), 0) \
         from person p join position_requirement r on r.position_id = p.position_id \
         left join current_level c on c.person_id = p.id and c.node_id = r.node_id \
         where p.id = $1",
    )
    .bind(person.0)
    .bind(at)
    .fetch_one(&mut *conn)
    .await?;
    Ok(total > 0 && short == 0)
}

/// A person of a unit for its leaderboard.
#[derive(FromRow)]
struct LeaderboardRow {
    id: i64,
    name: String,
    xp: i64,
    /// Not 0 when the person asked to be left off.
    leaderboard_opt_out: i64,
}

/// A person's recognition page, for themself, their managers, admins and HR viewers.
#[tracing::instrument(skip_all, fields(caller = me.id.0, person = person.0))]
pub async fn page(
    db: &Db,
    me: &CurrentUser,
    person: PersonId,
) -> Result<RecognitionPage, AppError> {
    if !can_see(db, me, person).await? {
        return Err(AppError::NotFound("That person".into()));
    }
    let (name, xp, unit, opted_out): (String, i64, Option<i64>, i64) =
        sqlx::query_as("select name, xp, unit_id, leaderboard_opt_out from person where id = $1")
            .bind(person.0)
            .fetch_optional(&db.pool)
            .await?
            .ok_or_else(|| AppError::NotFound("That person".into()))?;
    let earned: Vec<(String, i64)> =
        sqlx::query_as("select badge, awarded_at from badge_award where person_id = $1")
            .bind(person.0)
            .fetch_all(&db.pool)
            .await?;
    let badges = Badge::ALL
        .iter()
        .map(|b| BadgeView {
            badge: *b,
            earned: earned
                .iter()
                .find(|e| e.0 == b.key())
                .map(|e| format_time(e.1)),
        })
        .collect();
    let recent: Vec<(i64, String, i64)> = sqlx::query_as(
        "select points, what, created_at from xp_event where person_id = $1 \
         order by created_at desc, id desc limit 12",
    )
    .bind(person.0)
    .fetch_all(&db.pool)
    .await?;
    let (unit_name, leaderboard, opted_out_count) = match unit {
        None => (String::new(), Vec::new(), 0),
        Some(u) => {
            let unit_name: String = sqlx::query_scalar("select name from org_unit where id = $1")
                .bind(u)
                .fetch_one(&db.pool)
                .await?;
            let rows: Vec<LeaderboardRow> = sqlx::query_as(
                "select id, name, xp, leaderboard_opt_out from person \
                 where unit_id = $1 and active = 1",
            )
            .bind(u)
            .fetch_all(&db.pool)
            .await?;
            let out = rows.iter().filter(|r| r.leaderboard_opt_out != 0).count();
            let listed = rows
                .into_iter()
                .filter(|r| r.leaderboard_opt_out == 0)
                .map(|r| (PersonId(r.id), r.name, u32::try_from(r.xp).unwrap_or(0)))
                .collect();
            (
                unit_name,
                rank(listed, me.id),
                u32::try_from(out).unwrap_or(0),
            )
        }
    };
    Ok(RecognitionPage {
        person,
        person_name: name,
        is_me: me.id == person,
        xp: u32::try_from(xp).unwrap_or(0),
        badges,
        recent: recent
            .into_iter()
            .map(|r| XpLine {
                points: u32::try_from(r.0).unwrap_or(0),
                what: r.1,
                at: format_time(r.2),
            })
            .collect(),
        unit: unit_name,
        leaderboard,
        opted_out_count,
        opted_out: opted_out != 0,
        awards: awards(db, person).await?,
    })
}

/// The person's current validated levels (not expired, above 0), each exportable.
async fn awards(db: &Db, person: PersonId) -> Result<Vec<AwardView>, AppError> {
    let rows: Vec<(i64, String, i64, i64)> = sqlx::query_as(
        "select c.node_id, n.title, c.level, c.rated_at from current_level c \
         join framework_node n on n.id = c.node_id \
         where c.person_id = $1 and c.level > 0 and (c.expires_at is null or c.expires_at > $2) \
         order by n.title, c.node_id",
    )
    .bind(person.0)
    .bind(now_ms())
    .fetch_all(&db.pool)
    .await?;
    let nodes: Vec<NodeId> = rows.iter().map(|r| NodeId(r.0)).collect();
    let texts = positions::level_texts(db, &nodes, Track::Ic).await?;
    Ok(rows
        .into_iter()
        .map(|(node, title, level, at)| {
            let level = u8::try_from(level).unwrap_or(0);
            AwardView {
                node,
                title,
                level: texts
                    .get(&NodeId(node))
                    .map(|t| level_text(&t.0, level).0)
                    .unwrap_or_else(|| format!("Level {level}")),
                at: format_time(at),
                href: format!("/credentials/{}/{node}.json", person.0),
            }
        })
        .collect())
}

/// Takes the caller off (or back onto) their unit's leaderboard.
#[tracing::instrument(skip_all, fields(caller = me.id.0, out))]
pub async fn set_opt_out(db: &Db, me: &CurrentUser, out: bool) -> Result<(), AppError> {
    sqlx::query("update person set leaderboard_opt_out = $1 where id = $2")
        .bind(i64::from(out))
        .bind(me.id.0)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// The node a credential is for, with its framework's name.
#[derive(FromRow)]
struct CredentialNode {
    title: String,
    definition: String,
    kind: String,
    external_id: String,
    short_code: String,
    framework: String,
    /// What a CASE import kept of the item, as JSON.
    case_extra: String,
}

/// The node's CASE address: the one a CASE import kept, else its external id when that is an
/// address, else one under `base` made from the external id; none without an external id.
fn case_uri(n: &CredentialNode, base: &str) -> Option<String> {
    let external = &n.external_id;
    let kept_uri = serde_json::from_str::<serde_json::Value>(&n.case_extra)
        .ok()
        .and_then(|v| v["item"]["uri"].as_str().map(str::to_string));
    kept_uri.or_else(|| {
        (!external.trim().is_empty()).then(|| {
            if (external.starts_with("https://") || external.starts_with("http://"))
                && !external.contains(char::is_whitespace)
            {
                external.clone()
            } else {
                format!(
                    "{base}/case/CFItems/{}",
                    crate::domain::case::case_identifier(external)
                )
            }
        })
    })
}

/// The Open Badges 3.0 credential for a person's current level on a node (the person,
/// their managers, admins and HR viewers). `base` is the public address.
#[tracing::instrument(skip_all, fields(caller = me.id.0, person = person.0, node = node.0))]
pub async fn credential(
    db: &Db,
    me: &CurrentUser,
    person: PersonId,
    node: NodeId,
    base: &str,
) -> Result<serde_json::Value, AppError> {
    if !can_see(db, me, person).await? {
        return Err(AppError::NotFound("That person".into()));
    }
    let now = now_ms();
    let held: Option<(i64, i64, i64, Option<i64>)> = sqlx::query_as(
        "select level, rating_id, rated_at, expires_at from current_level \
         where person_id = $1 and node_id = $2",
    )
    .bind(person.0)
    .bind(node.0)
    .fetch_optional(&db.pool)
    .await?;
    let Some((level, rating, at, expires)) =
        held.filter(|h| h.0 > 0 && h.3.is_none_or(|e| e > now))
    else {
        return Err(AppError::NotFound(
            "An awarded level on that competency".into(),
        ));
    };
    let level = u8::try_from(level).unwrap_or(0);
    let (email, name): (String, String) =
        sqlx::query_as("select email, name from person where id = $1")
            .bind(person.0)
            .fetch_one(&db.pool)
            .await?;
    let n: CredentialNode = sqlx::query_as(
        "select n.title, n.definition, n.kind, n.external_id, n.short_code, f.name as framework, \
           n.case_extra \
         from framework_node n join framework f on f.id = n.framework_id where n.id = $1",
    )
    .bind(node.0)
    .fetch_one(&db.pool)
    .await?;
    let base = base.trim_end_matches('/');
    let case_uri = case_uri(&n, base);
    let (source, comment): (String, String) =
        sqlx::query_as("select source, comment from rating where id = $1")
            .bind(rating)
            .fetch_one(&db.pool)
            .await?;
    let how = crate::domain::rating::Source::parse(&source)
        .map(|s| s.label().to_string())
        .unwrap_or(source);
    let narrative = if comment.trim().is_empty() {
        format!("Validated by {how}.")
    } else {
        format!("Validated by {how}: {}", comment.trim())
    };
    let evidence: Vec<(String, String)> = sqlx::query_as(
        "select location, name from evidence where rating_id = $1 and kind = 'link' order by id",
    )
    .bind(rating)
    .fetch_all(&db.pool)
    .await?;
    let texts = positions::level_texts(db, &[node], Track::Ic).await?;
    let levels = texts
        .get(&node)
        .map(|t| {
            t.0.iter()
                .map(|l| RubricLevel {
                    level: l.level,
                    name: l.name.clone(),
                    description: l.description.clone(),
                })
                .collect()
        })
        .unwrap_or_default();
    let issuer_name: String =
        sqlx::query_scalar("select name from org_unit where parent_id is null order by id limit 1")
            .fetch_optional(&db.pool)
            .await?
            .unwrap_or_else(|| "Proficio".into());
    Ok(credential_json(&Credential {
        id: format!("{base}/credentials/{}/{}/{rating}", person.0, node.0),
        base: base.to_string(),
        issuer_name,
        subject_email: email,
        subject_name: name,
        valid_from: rfc3339(at, "Z"),
        valid_until: expires.map(|ms| rfc3339(ms, "Z")),
        node: node.0,
        node_title: n.title,
        definition: n.definition,
        framework: n.framework,
        case_uri,
        human_code: (!n.short_code.trim().is_empty()).then_some(n.short_code),
        kind: n.kind,
        levels,
        achieved: level,
        narrative,
        evidence,
    }))
}

/// A rating of someone with no points yet, with the node's title.
#[derive(FromRow)]
struct HistoryRow {
    subject_id: i64,
    node_id: i64,
    level: i64,
    source: String,
    review: Option<String>,
    created_at: i64,
    title: String,
}

/// Derives points and badges from the ratings already stored (for the demo, which loads
/// ratings in bulk): each validated rating that raised the current level earns its points,
/// a self-assessment earns its badge. Only for people with no points yet.
#[tracing::instrument(skip_all)]
pub async fn backfill(db: &Db) -> Result<(), AppError> {
    let rows: Vec<HistoryRow> = sqlx::query_as(
        "select r.subject_id, r.node_id, r.level, r.source, r.review, r.created_at, n.title \
         from rating r join framework_node n on n.id = r.node_id \
         join person p on p.id = r.subject_id where p.xp = 0 \
         order by r.subject_id, r.node_id, r.created_at, r.id",
    )
    .fetch_all(&db.pool)
    .await?;
    let mut tx = db.begin_write().await?;
    let mut last: Option<(i64, i64, u8)> = None;
    for HistoryRow {
        subject_id: person,
        node_id: node,
        level,
        source,
        review,
        created_at: at,
        title,
    } in rows
    {
        let level = u8::try_from(level).unwrap_or(0);
        if source == "self" {
            award_badge(&mut tx, PersonId(person), Badge::FirstSelfAssessment, at).await?;
        }
        if !super::ratings::counts(0, node, i64::from(level), &source, review.as_deref(), at) {
            continue;
        }
        let before = match last {
            Some((p, n, l)) if p == person && n == node => l,
            _ => 0,
        };
        let gained = xp_for_levels(before, level);
        award_xp(
            &mut tx,
            PersonId(person),
            gained,
            &format!("{title}: level {before} \u{2192} {level}"),
            at,
        )
        .await?;
        last = Some((person, node, level));
    }
    Ok(tx.commit().await?)
}

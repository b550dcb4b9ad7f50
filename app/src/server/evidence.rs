//! Evidence on ratings: uploaded files and links. Files are checked by their content (the
//! `infer` crate reads the magic numbers), stored under generated names in the upload
//! folder (never a served one), and handed out only to people who may see the rating.

use super::db::Db;
use super::frameworks::random_hex;
use super::now_ms;
use super::people::{can_see, manages};
use super::state::Settings;
use crate::api::AppError;
use crate::domain::assess::{check_link, check_upload, EvidenceView};
use crate::domain::{CurrentUser, PersonId};
use std::collections::HashMap;

/// The subject of a rating.
async fn subject_of(db: &Db, rating: i64) -> Result<PersonId, AppError> {
    let s: Option<i64> = sqlx::query_scalar("select subject_id from rating where id = $1")
        .bind(rating)
        .fetch_optional(&db.pool)
        .await?;
    s.map(PersonId)
        .ok_or_else(|| AppError::NotFound("That rating".into()))
}

/// The rated person and their managers may attach evidence; others may not know the
/// rating exists.
async fn may_add(db: &Db, me: &CurrentUser, rating: i64) -> Result<(), AppError> {
    let subject = subject_of(db, rating).await?;
    if subject == me.id || manages(db, me.id, subject).await? {
        return Ok(());
    }
    if can_see(db, me, subject).await? {
        return Err(AppError::Forbidden);
    }
    Err(AppError::NotFound("That rating".into()))
}

/// The name shown for an uploaded file: its last path component, without control
/// characters, at most 200 characters.
pub fn clean_name(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control() && *c != '"')
        .take(200)
        .collect();
    let cleaned = cleaned.trim().to_string();
    if cleaned.is_empty() {
        "evidence".into()
    } else {
        cleaned
    }
}

/// Stores an uploaded file as evidence on `rating`. Returns the evidence id.
#[tracing::instrument(skip_all, fields(caller = me.id.0, rating))]
pub async fn upload(
    db: &Db,
    settings: &Settings,
    me: &CurrentUser,
    rating: i64,
    file_name: &str,
    bytes: &[u8],
) -> Result<i64, AppError> {
    may_add(db, me, rating).await?;
    let name = clean_name(file_name);
    let detected = infer::get(bytes).map(|t| t.mime_type());
    check_upload(
        &name,
        detected,
        bytes.len() as u64,
        settings.upload_max_bytes,
    )?;
    check_quota(db, settings, me, bytes.len() as u64).await?;
    let content_type = detected.unwrap_or("application/octet-stream");
    let stored = random_hex();
    tokio::fs::create_dir_all(&settings.upload_dir)
        .await
        .map_err(|e| {
            tracing::error!(error = %e, dir = %settings.upload_dir.display(), "cannot create the upload folder");
            AppError::Internal
        })?;
    let path = settings.upload_dir.join(&stored);
    tokio::fs::write(&path, bytes).await.map_err(|e| {
        tracing::error!(error = %e, "cannot store an upload");
        AppError::Internal
    })?;
    let id = sqlx::query_scalar(
        "insert into evidence (rating_id, kind, name, location, content_type, size, added_by, created_at) \
         values ($1, 'file', $2, $3, $4, $5, $6, $7) returning id",
    )
    .bind(rating)
    .bind(&name)
    .bind(&stored)
    .bind(content_type)
    .bind(i64::try_from(bytes.len()).unwrap_or(i64::MAX))
    .bind(me.id.0)
    .bind(now_ms())
    .fetch_one(&db.pool)
    .await;
    match id {
        Ok(id) => Ok(id),
        Err(e) => {
            // Nothing a user saved is lost, and nothing unsaved is kept.
            let _ = tokio::fs::remove_file(&path).await;
            Err(AppError::from(e))
        }
    }
}

/// Refuses an upload that would take the uploader's evidence files past their quota.
async fn check_quota(
    db: &Db,
    settings: &Settings,
    me: &CurrentUser,
    size: u64,
) -> Result<(), AppError> {
    let used: i64 = sqlx::query_scalar(
        "select cast(coalesce(sum(size), 0) as bigint) from evidence where added_by = $1 and kind = 'file'",
    )
    .bind(me.id.0)
    .fetch_one(&db.pool)
    .await?;
    let used = u64::try_from(used).unwrap_or(0);
    if used.saturating_add(size) > settings.upload_quota_bytes {
        let mb = |b: u64| b as f64 / 1024.0 / 1024.0;
        return Err(AppError::invalid(
            "file",
            format!(
                "Your evidence files already take {:.1} MB of your {:.1} MB; link to large files instead, or ask an admin for more room.",
                mb(used),
                mb(settings.upload_quota_bytes)
            ),
        ));
    }
    Ok(())
}

/// Adds a link as evidence on `rating`.
#[tracing::instrument(skip_all, fields(caller = me.id.0, rating))]
pub async fn add_link(db: &Db, me: &CurrentUser, rating: i64, url: &str) -> Result<i64, AppError> {
    may_add(db, me, rating).await?;
    let url = check_link(url)?;
    let name: String = url
        .trim_start_matches("https://")
        .trim_start_matches("http://")
        .chars()
        .take(120)
        .collect();
    Ok(sqlx::query_scalar(
        "insert into evidence (rating_id, kind, name, location, added_by, created_at) \
         values ($1, 'link', $2, $3, $4, $5) returning id",
    )
    .bind(rating)
    .bind(&name)
    .bind(&url)
    .bind(me.id.0)
    .bind(now_ms())
    .fetch_one(&db.pool)
    .await?)
}

/// A stored file, for download by someone who may see the rating it belongs to.
pub struct Download {
    /// The name to offer.
    pub name: String,
    /// Its content type, as detected on upload.
    pub content_type: String,
    /// The bytes.
    pub bytes: Vec<u8>,
}

/// Reads evidence file `id` for `me`: the person rated, their managers, admins and HR.
/// Anyone else is told it does not exist.
#[tracing::instrument(skip_all, fields(caller = me.id.0, id))]
pub async fn download(
    db: &Db,
    settings: &Settings,
    me: &CurrentUser,
    id: i64,
) -> Result<Download, AppError> {
    let row: Option<(i64, String, String, String, String)> = sqlx::query_as(
        "select r.subject_id, e.kind, e.name, e.location, e.content_type from evidence e \
         join rating r on r.id = e.rating_id where e.id = $1",
    )
    .bind(id)
    .fetch_optional(&db.pool)
    .await?;
    let not_found = || AppError::NotFound("That evidence".into());
    let (subject, kind, name, location, content_type) = row.ok_or_else(not_found)?;
    if kind != "file" || !can_see(db, me, PersonId(subject)).await? {
        return Err(not_found());
    }
    // Generated names are hex; anything else never reaches the file system.
    if location.is_empty() || !location.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(not_found());
    }
    let bytes = tokio::fs::read(settings.upload_dir.join(&location))
        .await
        .map_err(|e| {
            tracing::error!(error = %e, id, "evidence file missing");
            not_found()
        })?;
    Ok(Download {
        name,
        content_type,
        bytes,
    })
}

/// A manager marks evidence verified.
#[tracing::instrument(skip_all, fields(caller = me.id.0, id))]
pub async fn verify(db: &Db, me: &CurrentUser, id: i64) -> Result<(), AppError> {
    let subject: Option<i64> = sqlx::query_scalar(
        "select r.subject_id from evidence e join rating r on r.id = e.rating_id where e.id = $1",
    )
    .bind(id)
    .fetch_optional(&db.pool)
    .await?;
    let subject = PersonId(subject.ok_or_else(|| AppError::NotFound("That evidence".into()))?);
    if !manages(db, me.id, subject).await? {
        return Err(AppError::Forbidden);
    }
    let mut tx = db.begin_write().await?;
    let done = sqlx::query(
        "update evidence set verified_by = $1, verified_at = $2 where id = $3 and verified_by is null",
    )
    .bind(me.id.0)
    .bind(now_ms())
    .bind(id)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 1 {
        let after = super::audit::EVIDENCE.state(&mut *tx, id).await?;
        super::audit::record(&mut *tx, me.id, "verify", "evidence", id, None, after).await?;
    }
    Ok(tx.commit().await?)
}

/// Evidence on each of `ratings`.
#[tracing::instrument(skip_all)]
pub async fn for_ratings(
    db: &Db,
    ratings: &[i64],
) -> Result<HashMap<i64, Vec<EvidenceView>>, AppError> {
    let mut out: HashMap<i64, Vec<EvidenceView>> = HashMap::new();
    if ratings.is_empty() {
        return Ok(out);
    }
    let ids = super::positions::id_list(ratings.iter().copied());
    type Row = (i64, i64, String, String, String, i64, Option<String>);
    let rows: Vec<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "select e.id, e.rating_id, e.kind, e.name, e.location, e.size, v.name from evidence e \
         left join person v on v.id = e.verified_by where e.rating_id in ({ids}) order by e.id"
    )))
    .fetch_all(&db.pool)
    .await?;
    for (id, rating, kind, name, location, size, verified_by) in rows {
        let is_file = kind == "file";
        out.entry(rating).or_default().push(EvidenceView {
            id,
            is_file,
            name,
            url: (!is_file).then_some(location),
            size: u64::try_from(size).unwrap_or(0),
            verified_by,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::clean_name;

    #[test]
    fn uploaded_names_lose_their_paths_and_control_characters() {
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("C:\\Users\\me\\cert.pdf"), "cert.pdf");
        assert_eq!(clean_name("a\u{0}b\"c.pdf"), "abc.pdf");
        assert_eq!(clean_name("  "), "evidence");
        assert_eq!(clean_name(&"x".repeat(300)).len(), 200);
    }
}

//! The demo organisation's rating history: about nine months of self-assessments and their
//! reviews, direct manager ratings, peer views, declined claims, ratings still waiting for
//! review, levels about to expire and expired ones, with links and certificate files as
//! evidence. Deterministic: the same database gets the same history, relative to today.
//!
//! The new joiners (see [`NEW_JOINERS`]) have no ratings yet; they show what an empty
//! profile looks like, and the tests walk them through their first assessment.

use super::db::{Db, WriteTx};
use super::frameworks::random_hex;
use super::now_ms;
use super::ratings::{Batch, NewRating, ReviewState};
use crate::api::AppError;
use crate::domain::rating::{Review, Source};
use crate::domain::{NodeId, PersonId};
use sqlx::FromRow;
use std::collections::HashMap;
use std::path::Path;

/// People who joined recently: no ratings, no requests, an empty inbox.
pub const NEW_JOINERS: &[&str] = &["liam.chen", "noah.fischer", "mei.tanaka", "kenji.mori"];

const DAY: i64 = 24 * 60 * 60 * 1000;

/// What self-assessors wrote.
const SELF_COMMENTS: &[&str] = &[
    "Did most of this in the last project.",
    "I led this on the migration work.",
    "Feedback from the retro says I am there.",
    "Took the internal course and applied it since.",
    "",
    "Paired with the team on this every week.",
    "",
];
/// What managers wrote when rating directly or approving.
const MANAGER_COMMENTS: &[&str] = &[
    "Seen consistently in code reviews.",
    "Clear from the quarterly review.",
    "Agreed, well evidenced.",
    "",
    "Customers mention it in their feedback.",
    "",
];
/// Why a claim was declined.
const DECLINE_COMMENTS: &[&str] = &[
    "Not yet: let us find a project where you lead this end to end.",
    "I would like to see this outside our team first.",
    "Close, but the evidence is from a single task. Let us revisit next quarter.",
];
/// Links people attached as evidence.
const LINKS: &[&str] = &[
    "https://git.northwind.example/platform/billing/-/merge_requests/412",
    "https://wiki.northwind.example/postmortems/2026-03-checkout-latency",
    "https://git.northwind.example/product/web/-/merge_requests/1187",
    "https://wiki.northwind.example/design-reviews/event-bus",
    "https://support.northwind.example/kb/escalation-playbook",
];

/// A small deterministic hash (SplitMix64) of a few numbers.
fn mix(parts: &[i64]) -> u64 {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    for p in parts {
        x ^= *p as u64;
        x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = x;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        x = z ^ (z >> 31);
    }
    x
}

fn pick<'a>(list: &[&'a str], h: u64) -> &'a str {
    list[(h % list.len() as u64) as usize]
}

/// A one-page PDF with a few lines of text in Helvetica (a real, readable file; the
/// standard fonts need no embedding). Non-ASCII letters are written without accents.
pub fn certificate_pdf(lines: &[String]) -> Vec<u8> {
    let text = |s: &str| -> String {
        s.chars()
            .map(|c| match c {
                'á' | 'à' | 'â' | 'ã' => 'a',
                'é' | 'è' | 'ê' => 'e',
                'í' => 'i',
                'ó' | 'ô' => 'o',
                'ú' => 'u',
                c if c.is_ascii() && !c.is_ascii_control() => c,
                _ => '-',
            })
            .flat_map(|c| match c {
                '(' | ')' | '\\' => vec!['\\', c],
                c => vec![c],
            })
            .collect()
    };
    let mut content = String::from("BT /F1 22 Tf 72 700 Td");
    for (i, l) in lines.iter().enumerate() {
        if i == 1 {
            content.push_str(" /F1 13 Tf 0 -40 Td");
        } else if i > 1 {
            content.push_str(" 0 -22 Td");
        }
        content.push_str(&format!(" ({}) Tj", text(l)));
    }
    content.push_str(" ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>".to_string(),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
        format!("<< /Length {} >>\nstream\n{content}\nendstream", content.len()),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for off in offsets {
        out.extend(format!("{off:010} 00000 n \n").as_bytes());
    }
    out.extend(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// Someone holding a position.
#[derive(FromRow)]
struct Holder {
    id: i64,
    name: String,
    manager_id: Option<i64>,
    position_id: i64,
}

/// A requirement of a position, with the node's validity period (months) and title.
#[derive(FromRow)]
struct Requirement {
    position_id: i64,
    node_id: i64,
    required: i64,
    validity_months: Option<i64>,
    title: String,
}

/// One rating to write.
struct Rating<'a> {
    subject: i64,
    node: i64,
    level: i64,
    source: Source,
    by: Option<i64>,
    comment: &'a str,
    at: i64,
    /// For self-ratings: (state, reviewer, when, comment).
    review: Option<(Review, Option<i64>, Option<i64>, &'a str)>,
}

async fn insert(tx: &mut WriteTx, batch: &mut Batch, r: Rating<'_>) -> Result<i64, AppError> {
    batch
        .record(
            tx,
            NewRating {
                subject: PersonId(r.subject),
                node: NodeId(r.node),
                level: u8::try_from(r.level).unwrap_or(0),
                source: r.source,
                given_by: r.by.map(PersonId),
                comment: r.comment,
                origin: "",
                at_ms: r.at,
                review: r.review.map(|(state, by, at_ms, comment)| ReviewState {
                    state,
                    by: by.map(PersonId),
                    at_ms,
                    comment,
                }),
            },
        )
        .await
}

/// Evidence to attach once the transaction has the ratings.
struct Evidence {
    rating: i64,
    by: i64,
    at: i64,
    verified_by: Option<i64>,
    what: EvidenceKind,
}

enum EvidenceKind {
    Link(&'static str),
    Certificate { file: String, lines: Vec<String> },
}

/// The history being written: the transaction, the batch of ratings, the evidence to attach
/// at the end, and how many ratings were written.
struct Writer {
    tx: WriteTx,
    batch: Batch,
    evidence: Vec<Evidence>,
    written: usize,
    now: i64,
}

impl Writer {
    /// Writes one rating and counts it.
    async fn rate(&mut self, r: Rating<'_>) -> Result<i64, AppError> {
        let id = insert(&mut self.tx, &mut self.batch, r).await?;
        self.written += 1;
        Ok(id)
    }
}

/// One person's requirement being rated, and where the person really is on it.
struct Subject<'a> {
    person: i64,
    name: &'a str,
    manager: i64,
    node: i64,
    title: &'a str,
    validity: Option<i64>,
    /// The hash every choice about this person and node comes from.
    h: u64,
    level: i64,
}

impl Subject<'_> {
    /// The person's own rating of themselves at `level`, and how it was reviewed.
    fn self_rating<'c>(
        &self,
        level: i64,
        comment: &'c str,
        at: i64,
        review: (Review, Option<i64>, Option<i64>, &'c str),
    ) -> Rating<'c> {
        Rating {
            subject: self.person,
            node: self.node,
            level,
            source: Source::SelfRating,
            by: Some(self.person),
            comment,
            at,
            review: Some(review),
        }
    }
}

/// Writes the history. `people` maps e-mail local parts to ids; certificate files are
/// stored in `upload_dir` under generated names (as uploads are). Returns the number of
/// ratings written.
#[tracing::instrument(skip_all)]
pub async fn load(
    db: &Db,
    people: &HashMap<&str, i64>,
    upload_dir: &Path,
) -> Result<usize, AppError> {
    let now = now_ms();
    let skip: Vec<i64> = NEW_JOINERS
        .iter()
        .filter_map(|p| people.get(p).copied())
        .collect();
    let holders: Vec<Holder> = sqlx::query_as(
        "select id, name, manager_id, position_id from person where position_id is not null order by id",
    )
    .fetch_all(&db.pool)
    .await?;
    let reqs: Vec<Requirement> = sqlx::query_as(
        "select r.position_id, r.node_id, r.required, n.validity_months, n.title \
         from position_requirement r join framework_node n on n.id = r.node_id order by r.position_id, r.seq",
    )
    .fetch_all(&db.pool)
    .await?;
    let mut by_position: HashMap<i64, Vec<Requirement>> = HashMap::new();
    for r in reqs {
        by_position.entry(r.position_id).or_default().push(r);
    }
    // Colleagues: people with the same manager, for peer views.
    let mut teams: HashMap<i64, Vec<i64>> = HashMap::new();
    for h in &holders {
        if let Some(m) = h.manager_id {
            if !skip.contains(&h.id) {
                teams.entry(m).or_default().push(h.id);
            }
        }
    }

    let mut tx = db.begin_write().await?;
    let subjects = holders.iter().map(|h| h.id).collect();
    let batch = Batch::begin(&mut tx, subjects).await?;
    let mut w = Writer {
        tx,
        batch,
        evidence: Vec::new(),
        written: 0,
        now,
    };
    for holder in &holders {
        // The chief executive has nobody to review her claims; new joiners start empty.
        let Some(manager) = holder.manager_id else {
            continue;
        };
        if skip.contains(&holder.id) {
            continue;
        }
        let colleagues: Vec<i64> = teams
            .get(&manager)
            .map(|t| t.iter().copied().filter(|c| *c != holder.id).collect())
            .unwrap_or_default();
        for req in by_position.get(&holder.position_id).into_iter().flatten() {
            let h = mix(&[holder.id, req.node_id]);
            if h.is_multiple_of(13) {
                continue; // not assessed yet
            }
            // Where this person really is: mostly at the requirement, some below, a few above.
            let level = match h % 10 {
                0..=2 => req.required - 1,
                3 => req.required - 2,
                4..=7 => req.required,
                _ => req.required + 1,
            }
            .clamp(1, 5);
            let s = Subject {
                person: holder.id,
                name: &holder.name,
                manager,
                node: req.node_id,
                title: &req.title,
                validity: req.validity_months,
                h,
                level,
            };
            rate_requirement(&mut w, &s, &colleagues).await?;
        }
    }
    let Writer {
        mut tx,
        batch,
        evidence,
        written,
        ..
    } = w;
    open_peer_requests(&mut tx, people, now).await?;

    batch.finish(&mut tx).await?;
    // Evidence last: files are written first and removed again if the transaction fails.
    let mut stored: Vec<std::path::PathBuf> = Vec::new();
    let result = attach(&mut tx, &evidence, upload_dir, &mut stored).await;
    let result = match result {
        Ok(()) => Ok(tx.commit().await?),
        Err(e) => Err(e),
    };
    if let Err(e) = result {
        for f in stored {
            let _ = tokio::fs::remove_file(f).await;
        }
        return Err(e);
    }
    Ok(written)
}

/// The ratings of one person on one requirement: the first assessment, growth since, a
/// claim one level higher and a colleague's view, as the hash decides.
async fn rate_requirement(
    w: &mut Writer,
    s: &Subject<'_>,
    colleagues: &[i64],
) -> Result<(), AppError> {
    let (first, confirmed_at) = first_assessment(w, s).await?;
    // Growth since: the manager confirms the final level, or a later self-rating is
    // approved (only where the level was not confirmed a year ago).
    if first < s.level && confirmed_at.is_none() {
        growth(w, s).await?;
    }
    claim(w, s).await?;
    // A colleague's view, shown beside the others and never counted.
    if !colleagues.is_empty() && (s.h >> 60).is_multiple_of(5) {
        peer_view(w, s, colleagues).await?;
    }
    Ok(())
}

/// The first, approved self-assessment (5 to 9 months ago, often a level below the real
/// one; about a year ago for some levels with a validity period), with a link and, for
/// levels with a validity period, a certificate. Returns its level and, when it was
/// confirmed about a year ago, when.
async fn first_assessment(w: &mut Writer, s: &Subject<'_>) -> Result<(i64, Option<i64>), AppError> {
    let (h, now, level) = (s.h, w.now, s.level);
    // First assessment 5 to 9 months ago; a level below the final one at first.
    let start = now - (150 + (h >> 8) as i64 % 120) * DAY;
    let first = if level > 1 && (h >> 16).is_multiple_of(2) {
        level - 1
    } else {
        level
    };
    // Levels with a validity period: some were last confirmed about a year ago.
    let confirmed_at = match (s.validity, (h >> 20) % 3) {
        (Some(_), 0) => Some(now - (345 + (h >> 24) as i64 % 12) * DAY),
        (Some(_), 1) => Some(now - (385 + (h >> 24) as i64 % 40) * DAY),
        _ => None,
    };
    let approved = start + (1 + (h >> 28) as i64 % 5) * DAY;
    let id = w
        .rate(s.self_rating(
            first,
            pick(SELF_COMMENTS, h >> 4),
            confirmed_at.map_or(start, |c| c - 3 * DAY),
            (
                Review::Approved,
                Some(s.manager),
                Some(confirmed_at.unwrap_or(approved)),
                pick(MANAGER_COMMENTS, h >> 6),
            ),
        ))
        .await?;
    if (h >> 32).is_multiple_of(4) {
        w.evidence.push(Evidence {
            rating: id,
            by: s.person,
            at: start + DAY / 2,
            verified_by: (h >> 34).is_multiple_of(2).then_some(s.manager),
            what: EvidenceKind::Link(pick(LINKS, h >> 36)),
        });
    }
    if s.validity.is_some() {
        let (name, title) = (s.name, s.title);
        w.evidence.push(Evidence {
            rating: id,
            by: s.person,
            at: confirmed_at.unwrap_or(start) - 2 * DAY,
            verified_by: Some(s.manager),
            what: EvidenceKind::Certificate {
                file: format!("{} certificate.pdf", title),
                lines: vec![
                    "Certificate of completion".into(),
                    format!("{name} completed the Northwind {title} course."),
                    "Northwind Labs, Learning & Development".into(),
                ],
            },
        });
    }
    Ok((first, confirmed_at))
}

/// The real level reached 20 to 100 days ago: rated by the manager, or a self-rating the
/// manager approved.
async fn growth(w: &mut Writer, s: &Subject<'_>) -> Result<(), AppError> {
    let h = s.h;
    let at = w.now - (20 + (h >> 40) as i64 % 80) * DAY;
    let rating = if (h >> 44).is_multiple_of(2) {
        Rating {
            subject: s.person,
            node: s.node,
            level: s.level,
            source: Source::Manager,
            by: Some(s.manager),
            comment: pick(MANAGER_COMMENTS, h >> 46),
            at,
            review: None,
        }
    } else {
        s.self_rating(
            s.level,
            pick(SELF_COMMENTS, h >> 46),
            at,
            (Review::Approved, Some(s.manager), Some(at + 2 * DAY), ""),
        )
    };
    w.rate(rating).await?;
    Ok(())
}

/// A claim one level higher: declined a while ago, or waiting for review now (sometimes
/// with a link); none for most.
async fn claim(w: &mut Writer, s: &Subject<'_>) -> Result<(), AppError> {
    let h = s.h;
    let claim = (s.level + 1).min(5);
    match (h >> 48) % 9 {
        0 if claim > s.level => {
            let at = w.now - (25 + (h >> 52) as i64 % 40) * DAY;
            w.rate(s.self_rating(
                claim,
                pick(SELF_COMMENTS, h >> 50),
                at,
                (
                    Review::Declined,
                    Some(s.manager),
                    Some(at + 3 * DAY),
                    pick(DECLINE_COMMENTS, h >> 54),
                ),
            ))
            .await?;
        }
        1 | 2 if claim > s.level => {
            let at = w.now - (2 + (h >> 52) as i64 % 12) * DAY;
            let id = w
                .rate(s.self_rating(
                    claim,
                    pick(SELF_COMMENTS, h >> 50),
                    at,
                    (Review::Pending, None, None, ""),
                ))
                .await?;
            if (h >> 56).is_multiple_of(2) {
                w.evidence.push(Evidence {
                    rating: id,
                    by: s.person,
                    at: at + DAY / 4,
                    verified_by: None,
                    what: EvidenceKind::Link(pick(LINKS, h >> 58)),
                });
            }
        }
        _ => {}
    }
    Ok(())
}

/// A colleague's view within a level of the real one, with the answered request for it.
async fn peer_view(w: &mut Writer, s: &Subject<'_>, colleagues: &[i64]) -> Result<(), AppError> {
    let h = s.h;
    let peer = colleagues[(h % colleagues.len() as u64) as usize];
    let view = (s.level + (h >> 3) as i64 % 3 - 1).clamp(1, 5);
    let at = w.now - (10 + (h >> 12) as i64 % 90) * DAY;
    let id = w
        .rate(Rating {
            subject: s.person,
            node: s.node,
            level: view,
            source: Source::Peer,
            by: Some(peer),
            comment: "",
            at,
            review: None,
        })
        .await?;
    sqlx::query(
        "insert into peer_request (subject_id, node_id, peer_id, requested_by, created_at, rating_id) \
         values ($1, $2, $3, $4, $5, $6)",
    )
    .bind(s.person)
    .bind(s.node)
    .bind(peer)
    .bind(s.person)
    .bind(at - 2 * DAY)
    .bind(id)
    .execute(&mut *w.tx)
    .await?;
    Ok(())
}

/// A few open requests for a colleague's view (answered from the home page).
async fn open_peer_requests(
    tx: &mut WriteTx,
    people: &HashMap<&str, i64>,
    now: i64,
) -> Result<(), AppError> {
    for (subject, peer, node) in [
        ("amara.nwosu", "diego.alvarez", "Software design"),
        ("amara.nwosu", "jonas.keller", "Mentoring"),
        ("lucy.hughes", "mateo.silva", "Customer focus"),
        ("clara.rossi", "ravi.iyer", "Communication"),
    ] {
        let (Some(s), Some(p)) = (people.get(subject), people.get(peer)) else {
            continue;
        };
        sqlx::query(
            "insert into peer_request (subject_id, node_id, peer_id, requested_by, created_at) \
             select $1, id, $2, $1, $3 from framework_node where title = $4 order by id limit 1",
        )
        .bind(*s)
        .bind(*p)
        .bind(now - 3 * DAY)
        .bind(node)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

async fn attach(
    tx: &mut WriteTx,
    evidence: &[Evidence],
    upload_dir: &Path,
    stored: &mut Vec<std::path::PathBuf>,
) -> Result<(), AppError> {
    for e in evidence {
        let (kind, name, location, content_type, size) = match &e.what {
            EvidenceKind::Link(url) => (
                "link",
                url.trim_start_matches("https://").to_string(),
                url.to_string(),
                String::new(),
                0i64,
            ),
            EvidenceKind::Certificate { file, lines } => {
                let bytes = certificate_pdf(lines);
                tokio::fs::create_dir_all(upload_dir).await.map_err(|err| {
                    tracing::error!(error = %err, dir = %upload_dir.display(), "cannot create the upload folder");
                    AppError::Internal
                })?;
                let generated = random_hex();
                let path = upload_dir.join(&generated);
                tokio::fs::write(&path, &bytes).await.map_err(|err| {
                    tracing::error!(error = %err, "cannot store a demo certificate");
                    AppError::Internal
                })?;
                stored.push(path);
                (
                    "file",
                    file.clone(),
                    generated,
                    "application/pdf".to_string(),
                    bytes.len() as i64,
                )
            }
        };
        sqlx::query(
            "insert into evidence (rating_id, kind, name, location, content_type, size, added_by, created_at, verified_by, verified_at) \
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(e.rating)
        .bind(kind)
        .bind(name)
        .bind(location)
        .bind(content_type)
        .bind(size)
        .bind(e.by)
        .bind(e.at)
        .bind(e.verified_by)
        .bind(e.verified_by.map(|_| e.at + DAY))
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_certificate_is_a_pdf_with_a_correct_cross_reference_table() {
        let pdf = certificate_pdf(&["Certificate".into(), "Tomás (Ortega) passed".into()]);
        assert_eq!(
            infer::get(&pdf).map(|t| t.mime_type()),
            Some("application/pdf")
        );
        let text = String::from_utf8(pdf.clone()).unwrap();
        assert!(text.contains("(Tomas \\(Ortega\\) passed) Tj"));
        // Every offset in the xref table points at its object.
        let xref_at: usize = text
            .rsplit("startxref\n")
            .next()
            .unwrap()
            .lines()
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert!(text[xref_at..].starts_with("xref\n0 6\n"));
        for (i, line) in text[xref_at..].lines().skip(3).take(5).enumerate() {
            let off: usize = line[..10].parse().unwrap();
            assert!(
                text[off..].starts_with(&format!("{} 0 obj", i + 1)),
                "object {}",
                i + 1
            );
        }
    }

    #[test]
    fn the_history_is_deterministic() {
        assert_eq!(mix(&[3, 7]), mix(&[3, 7]));
        assert_ne!(mix(&[3, 7]), mix(&[7, 3]));
    }
}

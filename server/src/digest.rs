//! The optional daily e-mail digest: each person with reminders (goals due within 14 days
//! or overdue, a plan not updated for 90 days) or with development checks waiting for them
//! (plans to approve, completions to confirm, tasks to sign off) gets one e-mail a day. Off
//! unless an SMTP relay is configured (`PROFICIO_SMTP_URL`, e.g. `smtp://mail.internal:25`);
//! the relay is reached over plain SMTP, so it should be local or on a trusted network.

use app::domain::develop::date_of;
use app::domain::PersonId;
use app::server::{now_ms, plans, Db};
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

/// Where and as whom the digest is sent.
#[derive(Debug, Clone)]
pub struct DigestConfig {
    /// `smtp://host[:port]` of the relay.
    pub smtp_url: String,
    /// The sender, e.g. `Proficio <proficio@example.org>`.
    pub from: String,
    /// Links in the e-mail start with this.
    pub public_url: String,
}

/// The relay's host and port from `smtp://host[:port]`.
pub fn relay(url: &str) -> Result<(String, u16), String> {
    let rest = url
        .trim()
        .strip_prefix("smtp://")
        .ok_or_else(|| format!("the SMTP URL must start with smtp:// (got {url})"))?;
    let rest = rest.trim_end_matches('/');
    let (host, port) = match rest.rsplit_once(':') {
        Some((h, p)) => (
            h.to_string(),
            p.parse::<u16>()
                .map_err(|_| format!("the SMTP port in {url} is not a number"))?,
        ),
        None => (rest.to_string(), 25),
    };
    if host.is_empty() {
        return Err(format!("the SMTP URL {url} names no host"));
    }
    Ok((host, port))
}

/// The digest's text for one person, or `None` when there is nothing to say.
pub fn body(name: &str, reminders: &[String], checks: &[String], base: &str) -> Option<String> {
    if reminders.is_empty() && checks.is_empty() {
        return None;
    }
    let base = base.trim_end_matches('/');
    let mut out = format!("Hello {name},\n\n");
    if !reminders.is_empty() {
        out.push_str("Your development plan:\n");
        for r in reminders {
            out.push_str(&format!("  - {r}\n"));
        }
        out.push_str(&format!("Open it: {base}/plan\n\n"));
    }
    if !checks.is_empty() {
        out.push_str("Waiting for you:\n");
        for c in checks {
            out.push_str(&format!("  - {c}\n"));
        }
        out.push_str(&format!("Decide: {base}/plan/checks\n\n"));
    }
    out.push_str("This is Proficio's daily digest; it comes only on days with something to do.\n");
    Some(out)
}

/// Sends today's digests that are due (at most one per person a day). Returns how many
/// e-mails were sent.
pub async fn send_due(db: &Db, cfg: &DigestConfig) -> Result<usize, String> {
    let (host, port) = relay(&cfg.smtp_url)?;
    let from: Mailbox = cfg
        .from
        .parse()
        .map_err(|e| format!("the sender {} is not an address: {e}", cfg.from))?;
    let mailer = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
        .port(port)
        .build();
    let today = date_of(now_ms());
    let people: Vec<(i64, String, String)> = sqlx::query_as(
        "select p.id, p.email, p.name from person p where p.active = 1 \
         and (p.digest_sent_on is null or p.digest_sent_on <> $1) \
         and (exists (select 1 from dev_plan d where d.person_id = p.id) \
           or exists (select 1 from person r where r.manager_id = p.id) \
           or exists (select 1 from plan_action x where x.mentor_id = p.id and x.status = 'submitted')) \
         order by p.id",
    )
    .bind(&today)
    .fetch_all(&db.pool)
    .await
    .map_err(|e| e.to_string())?;
    let mut sent = 0;
    for (id, email, name) in people {
        let person = PersonId(id);
        let reminders = plans::reminders_for(db, person)
            .await
            .map_err(|e| e.to_string())?;
        let checks: Vec<String> = plans::checks(db, person)
            .await
            .map_err(|e| e.to_string())?
            .into_iter()
            .map(|c| format!("{}: {}", c.person_name, c.what))
            .collect();
        let Some(text) = body(&name, &reminders, &checks, &cfg.public_url) else {
            continue;
        };
        let to: Mailbox = match format!("{name} <{email}>").parse() {
            Ok(m) => m,
            Err(e) => {
                tracing::warn!(%email, error = %e, "digest not sent: bad address");
                continue;
            }
        };
        let message = Message::builder()
            .from(from.clone())
            .to(to)
            .subject("Your Proficio digest")
            .body(text)
            .map_err(|e| e.to_string())?;
        mailer.send(message).await.map_err(|e| e.to_string())?;
        sqlx::query("update person set digest_sent_on = $1 where id = $2")
            .bind(&today)
            .bind(id)
            .execute(&db.pool)
            .await
            .map_err(|e| e.to_string())?;
        sent += 1;
    }
    Ok(sent)
}

/// Sends the due digests once an hour for as long as the server runs (a person gets at
/// most one a day).
pub fn spawn(db: Db, cfg: DigestConfig) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(3600));
        loop {
            tick.tick().await;
            match send_due(&db, &cfg).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(sent = n, "reminder digests sent"),
                Err(e) => {
                    tracing::warn!(error = %e, "reminder digests failed; retrying in an hour")
                }
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relays_and_bodies() {
        assert_eq!(
            relay("smtp://mail.internal:2525"),
            Ok(("mail.internal".into(), 2525))
        );
        assert_eq!(
            relay("smtp://mail.internal"),
            Ok(("mail.internal".into(), 25))
        );
        assert!(relay("smtps://x").is_err());
        assert!(relay("smtp://x:port").is_err());
        assert_eq!(body("Ana", &[], &[], "http://p"), None);
        let b = body("Ana", &["Testing: due in 3 days.".into()], &[], "http://p/").unwrap();
        assert!(b.contains("  - Testing: due in 3 days.\nOpen it: http://p/plan"));
    }
}

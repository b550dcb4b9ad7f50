//! Recognition: experience points for validated progress and completed learning, badges
//! for milestones, the per-unit leaderboard (people may opt out), and awarded competencies
//! as Open Badges 3.0 credentials.

use super::PersonId;
use crate::domain::count;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// Points for each level gained on a node (a validated rating above the level before).
pub const XP_PER_LEVEL: u32 = 10;
/// Points for a completed learning activity.
pub const XP_PER_ACTIVITY: u32 = 25;
/// Points for a badge.
pub const XP_PER_BADGE: u32 = 20;

/// Points for moving from `before` to `after` on a node (nothing for standing still or
/// going down).
pub fn xp_for_levels(before: u8, after: u8) -> u32 {
    u32::from(after.saturating_sub(before)) * XP_PER_LEVEL
}

/// A milestone badge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Badge {
    /// Submitted a first self-assessment.
    FirstSelfAssessment,
    /// Completed a first learning activity.
    FirstActivity,
    /// Reached a first goal of the development plan.
    GoalReached,
    /// Met every requirement of the position held.
    PositionReady,
    /// Renewed an expiring level before it expired.
    OnTimeRecertification,
    /// Signed off someone's on-the-job task as their mentor.
    Mentor,
}

impl Badge {
    /// Every badge, in display order.
    pub const ALL: [Badge; 6] = [
        Badge::FirstSelfAssessment,
        Badge::FirstActivity,
        Badge::GoalReached,
        Badge::PositionReady,
        Badge::OnTimeRecertification,
        Badge::Mentor,
    ];
    pub fn key(self) -> &'static str {
        match self {
            Badge::FirstSelfAssessment => "first-self-assessment",
            Badge::FirstActivity => "first-activity",
            Badge::GoalReached => "goal-reached",
            Badge::PositionReady => "position-ready",
            Badge::OnTimeRecertification => "on-time-recertification",
            Badge::Mentor => "mentor",
        }
    }
    pub fn parse(s: &str) -> Option<Badge> {
        Badge::ALL.into_iter().find(|b| b.key() == s)
    }
    pub fn title(self) -> &'static str {
        match self {
            Badge::FirstSelfAssessment => "Self-aware",
            Badge::FirstActivity => "Learner",
            Badge::GoalReached => "Goal getter",
            Badge::PositionReady => "Fully qualified",
            Badge::OnTimeRecertification => "On time",
            Badge::Mentor => "Mentor",
        }
    }
    pub fn description(self) -> &'static str {
        match self {
            Badge::FirstSelfAssessment => "Submitted a first self-assessment.",
            Badge::FirstActivity => "Completed a first learning activity.",
            Badge::GoalReached => "Reached a goal of the development plan.",
            Badge::PositionReady => "Met every requirement of the position held.",
            Badge::OnTimeRecertification => "Renewed a level before it expired.",
            Badge::Mentor => "Signed off a colleague's on-the-job task.",
        }
    }
    /// A short symbol drawn in the badge (text, so it needs no image).
    pub fn symbol(self) -> &'static str {
        match self {
            Badge::FirstSelfAssessment => "\u{270e}",
            Badge::FirstActivity => "\u{2605}",
            Badge::GoalReached => "\u{2691}",
            Badge::PositionReady => "\u{2714}",
            Badge::OnTimeRecertification => "\u{21bb}",
            Badge::Mentor => "\u{2616}",
        }
    }
}

/// A badge as the recognition page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BadgeView {
    pub badge: Badge,
    /// When it was earned, as text; `None` while still to earn.
    pub earned: Option<String>,
}

/// One line of the points history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct XpLine {
    pub points: u32,
    pub what: String,
    pub at: String,
}

/// One row of a leaderboard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeaderRow {
    pub rank: u32,
    pub person: PersonId,
    pub name: String,
    pub xp: u32,
    pub is_me: bool,
}

/// An awarded competency that can be exported as a credential.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AwardView {
    pub node: i64,
    pub title: String,
    pub level: String,
    pub at: String,
    /// Where its Open Badges 3.0 credential downloads from.
    pub href: String,
}

/// The recognition page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecognitionPage {
    pub person: PersonId,
    pub person_name: String,
    pub is_me: bool,
    pub xp: u32,
    pub badges: Vec<BadgeView>,
    pub recent: Vec<XpLine>,
    /// The unit the leaderboard ranks (empty if the person has none).
    pub unit: String,
    pub leaderboard: Vec<LeaderRow>,
    /// People in the unit who opted out (not listed).
    pub opted_out_count: u32,
    /// The person opted out of leaderboards.
    pub opted_out: bool,
    pub awards: Vec<AwardView>,
}

/// Ranks people by points, highest first (ties share a rank and are listed by name).
pub fn rank(mut rows: Vec<(PersonId, String, u32)>, me: PersonId) -> Vec<LeaderRow> {
    rows.sort_by(|a, b| {
        b.2.cmp(&a.2)
            .then_with(|| a.1.cmp(&b.1))
            .then(a.0.cmp(&b.0))
    });
    let mut out: Vec<LeaderRow> = Vec::with_capacity(rows.len());
    for (i, (person, name, xp)) in rows.into_iter().enumerate() {
        let rank = match out.last() {
            Some(prev) if prev.xp == xp => prev.rank,
            _ => count(i + 1),
        };
        out.push(LeaderRow {
            rank,
            person,
            name,
            xp,
            is_me: person == me,
        });
    }
    out
}

/// One level of the scale, for the credential's rubric.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RubricLevel {
    pub level: u8,
    pub name: String,
    pub description: String,
}

/// What an Open Badges 3.0 credential for an awarded competency says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credential {
    /// The credential's URI (stable for the rating that awarded the level).
    pub id: String,
    /// Where Proficio is reached (issuer and achievement URIs are made under it).
    pub base: String,
    pub issuer_name: String,
    pub subject_email: String,
    pub subject_name: String,
    /// RFC 3339.
    pub valid_from: String,
    pub valid_until: Option<String>,
    pub node: i64,
    pub node_title: String,
    pub definition: String,
    pub framework: String,
    /// The node's CASE identifier or URI, when it has one.
    pub case_uri: Option<String>,
    pub human_code: Option<String>,
    pub kind: String,
    pub levels: Vec<RubricLevel>,
    pub achieved: u8,
    /// How the level was established ("Approved self-assessment", "Course completion: …").
    pub narrative: String,
    /// Evidence links: (URL, name).
    pub evidence: Vec<(String, String)>,
}

fn level_urn(base: &str, node: i64, level: u8) -> String {
    format!("{base}/achievements/{node}/levels/{level}")
}

/// The achievement: the node, aligned to its CASE item or its page, with the scale as a
/// rubric.
fn achievement_json(
    c: &Credential,
    base: &str,
    issuer: &Value,
    achievement_id: &str,
    rd_id: &str,
) -> Value {
    let target_url = c
        .case_uri
        .clone()
        .unwrap_or_else(|| format!("{base}/frameworks/node/{}", c.node));
    let mut alignment = json!({
        "type": ["Alignment"],
        "targetName": c.node_title,
        "targetDescription": c.definition,
        "targetFramework": c.framework,
        "targetUrl": target_url,
    });
    if c.case_uri.is_some() {
        alignment["targetType"] = json!("CFItem");
    }
    if let Some(code) = &c.human_code {
        alignment["targetCode"] = json!(code);
    }
    let levels: Vec<Value> = c
        .levels
        .iter()
        .map(|l| {
            json!({
                "id": level_urn(base, c.node, l.level),
                "type": ["RubricCriterionLevel"],
                "name": l.name,
                "description": l.description,
                "level": l.level.to_string(),
                "points": l.level.to_string(),
            })
        })
        .collect();
    let mut achievement = json!({
        "id": achievement_id,
        "type": ["Achievement"],
        "achievementType": "Competency",
        "name": c.node_title,
        "description": c.definition,
        "criteria": {
            "id": achievement_id,
            "narrative": format!(
                "Demonstrated {} at level {} of the {} scale, validated in Proficio.",
                c.node_title, c.achieved, c.framework
            ),
        },
        "alignment": [alignment],
        "creator": issuer,
        "resultDescription": [{
            "id": rd_id,
            "type": ["ResultDescription"],
            "name": format!("Proficiency in {}", c.node_title),
            "resultType": "RubricCriterionLevel",
            "allowedValue": c.levels.iter().map(|l| l.name.clone()).collect::<Vec<_>>(),
            "rubricCriterionLevel": levels,
        }],
        "tag": [c.kind, c.framework],
    });
    if let Some(code) = &c.human_code {
        achievement["humanCode"] = json!(code);
    }
    achievement
}

/// The credential as JSON-LD, in the shape of the Open Badges 3.0 `complete.json` example:
/// an `OpenBadgeCredential` whose subject's achievement is aligned to the node (as a CFItem
/// when it has a CASE identifier), with the scale as a rubric and the achieved level as the
/// result. It is not signed (no `proof`): Proficio holds no issuer key.
pub fn credential_json(c: &Credential) -> Value {
    let base = c.base.trim_end_matches('/');
    let achievement_id = format!("{base}/achievements/{}", c.node);
    let rd_id = format!("{achievement_id}/result");
    let issuer = json!({
        "id": format!("{base}/issuer"),
        "type": ["Profile"],
        "name": c.issuer_name,
        "url": base,
    });
    let achievement = achievement_json(c, base, &issuer, &achievement_id, &rd_id);
    let evidence: Vec<Value> = c
        .evidence
        .iter()
        .map(|(url, name)| {
            json!({
                "id": url,
                "type": ["Evidence"],
                "name": name,
            })
        })
        .collect();
    let mut v = json!({
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": c.id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": format!("{}: {} for {}", c.issuer_name, c.node_title, c.subject_name),
        "description": format!("{} holds {} at level {}.", c.subject_name, c.node_title, c.achieved),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [{
                "type": "IdentityObject",
                "identityHash": c.subject_email,
                "identityType": "emailAddress",
                "hashed": false,
            }],
            "achievement": achievement,
            "narrative": c.narrative,
            "result": [{
                "type": ["Result"],
                "resultDescription": rd_id,
                "achievedLevel": level_urn(base, c.node, c.achieved),
                "alignment": [achievement["alignment"][0].clone()],
            }],
        },
        "issuer": issuer,
        "validFrom": c.valid_from,
        "credentialSchema": [{
            "id": "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json",
            "type": "1EdTechJsonSchemaValidator2019",
        }],
    });
    if let Some(until) = &c.valid_until {
        v["validUntil"] = json!(until);
    }
    if !evidence.is_empty() {
        v["evidence"] = Value::Array(evidence);
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_for_levels() {
        assert_eq!(xp_for_levels(1, 3), 20);
        assert_eq!(xp_for_levels(3, 1), 0);
        assert_eq!(xp_for_levels(2, 2), 0);
    }

    #[test]
    fn badges_round_trip() {
        for b in Badge::ALL {
            assert_eq!(Badge::parse(b.key()), Some(b));
        }
        assert_eq!(Badge::parse("nope"), None);
    }

    #[test]
    fn ranks_share_ties() {
        let rows = vec![
            (PersonId(1), "Bea".to_string(), 50),
            (PersonId(2), "Abe".to_string(), 50),
            (PersonId(3), "Cy".to_string(), 80),
            (PersonId(4), "Di".to_string(), 10),
        ];
        let r = rank(rows, PersonId(1));
        let got: Vec<(u32, &str, bool)> = r
            .iter()
            .map(|x| (x.rank, x.name.as_str(), x.is_me))
            .collect();
        assert_eq!(
            got,
            vec![
                (1, "Cy", false),
                (2, "Abe", false),
                (2, "Bea", true),
                (4, "Di", false)
            ]
        );
    }

    #[test]
    fn credential_aligns_to_the_case_item() {
        let c = Credential {
            id: "https://p.example/credentials/7".into(),
            base: "https://p.example/".into(),
            issuer_name: "Northwind".into(),
            subject_email: "a@b.example".into(),
            subject_name: "Ana".into(),
            valid_from: "2026-11-24T10:00:00Z".into(),
            valid_until: Some("2028-11-24T10:00:00Z".into()),
            node: 5,
            node_title: "Testing".into(),
            definition: "Writes tests.".into(),
            framework: "Engineering".into(),
            case_uri: Some("https://case.example/uri/abc".into()),
            human_code: Some("ENG.1".into()),
            kind: "skill".into(),
            levels: (1..=4)
                .map(|l| RubricLevel {
                    level: l,
                    name: format!("L{l}"),
                    description: String::new(),
                })
                .collect(),
            achieved: 3,
            narrative: "Course completion".into(),
            evidence: vec![("https://e.example/x".into(), "Certificate".into())],
        };
        let v = credential_json(&c);
        assert_eq!(v["type"][1], "OpenBadgeCredential");
        let a = &v["credentialSubject"]["achievement"];
        assert_eq!(a["alignment"][0]["targetType"], "CFItem");
        assert_eq!(
            a["alignment"][0]["targetUrl"],
            "https://case.example/uri/abc"
        );
        let levels = a["resultDescription"][0]["rubricCriterionLevel"]
            .as_array()
            .unwrap();
        assert_eq!(levels.len(), 4);
        assert_eq!(
            v["credentialSubject"]["result"][0]["achievedLevel"],
            levels[2]["id"]
        );
        assert_eq!(v["validUntil"], "2028-11-24T10:00:00Z");
        assert_eq!(v["evidence"][0]["name"], "Certificate");
    }
}

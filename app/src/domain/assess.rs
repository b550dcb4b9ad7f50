//! Assessment: the "My skills" page's rows, the self-assessment form, the gap chart the
//! browser redraws as sliders move (the same code the server runs), manager decisions and
//! the history timeline.

use super::ids::{NodeId, PersonId};
use super::positions::LevelText;
use super::positions::PositionId;
use super::rating::{gap, readiness_percent, Current, Review, Source};
use super::tree::NodeKind;
use super::validate::FieldError;
use crate::domain::count;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// Which requirements "My skills" lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Scope {
    /// The position the person holds.
    Position,
    /// Their target position.
    Target,
}

impl Scope {
    /// Parses the address's `scope` (anything else: the position).
    pub fn parse(s: &str) -> Scope {
        if s.trim() == "target" {
            Scope::Target
        } else {
            Scope::Position
        }
    }

    /// Value in the address.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Position => "position",
            Scope::Target => "target",
        }
    }
}

/// One requirement on "My skills", with everything known about the person's level.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SkillRow {
    /// Node.
    pub node: NodeId,
    /// Title.
    pub title: String,
    /// Kind.
    pub kind: NodeKind,
    /// Ancestors' titles, top first.
    pub path: Vec<String>,
    /// The scale's levels described for the person's track.
    pub levels: Vec<LevelText>,
    /// Required level in the position.
    pub required: u8,
    /// Requirement weight.
    pub weight: u8,
    /// Mandatory requirement.
    pub mandatory: bool,
    /// The current level and what it rests on.
    pub current: Current,
    /// Latest level per source (pending self-ratings included), never averaged.
    pub by_source: Vec<(Source, u8)>,
    /// Sources differ by two levels or more.
    pub disagreement: bool,
    /// When the validated level was given, as text.
    pub validated_at: Option<String>,
}

impl SkillRow {
    /// The level the person's own slider starts at: their pending self-rating, else the
    /// current level.
    pub fn own_level(&self) -> u8 {
        self.current.pending.unwrap_or(self.current.level)
    }
}

/// The "My skills" page (or a manager's view of a report's skills).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SkillsPage {
    /// Whose skills.
    pub person: PersonId,
    /// Their name.
    pub person_name: String,
    /// The caller is that person (self-assessment).
    pub is_me: bool,
    /// The caller manages that person (may review and rate).
    pub can_rate: bool,
    /// Which requirements.
    pub scope: Scope,
    /// Title of the position the scope names, if any.
    pub position_title: Option<String>,
    /// Whether the person has a target position.
    pub has_target: bool,
    /// Readiness for the position the person holds, if any.
    pub current_readiness: Option<PositionReadiness>,
    /// Readiness for their target position, if any.
    pub target_readiness: Option<PositionReadiness>,
    /// Rows in requirement order.
    pub rows: Vec<SkillRow>,
    /// "Now" on the server, epoch ms (for "expires in N days").
    pub now_ms: i64,
}

/// One bar of the gap chart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GapBar {
    /// Node.
    pub node: NodeId,
    /// Title.
    pub title: String,
    /// Required level.
    pub required: u8,
    /// Level shown (the slider's or the current one).
    pub level: u8,
    /// `max(0, required - level)`.
    pub gap: u8,
    /// Requirement weight.
    pub weight: u8,
    /// Mandatory.
    pub mandatory: bool,
}

impl GapBar {
    /// `weight * gap`, what the gap costs in readiness.
    pub fn weighted_gap(&self) -> u32 {
        u32::from(self.weight) * u32::from(self.gap)
    }
}

/// The gap chart for `rows`, each at the level in `levels` (default: its own level), and
/// the readiness those levels give. Same code in the browser and on the server.
pub fn gap_chart(rows: &[SkillRow], levels: &HashMap<NodeId, u8>) -> (Vec<GapBar>, u8) {
    let bars: Vec<GapBar> = rows
        .iter()
        .map(|r| {
            let level = levels
                .get(&r.node)
                .copied()
                .unwrap_or_else(|| r.own_level());
            GapBar {
                node: r.node,
                title: r.title.clone(),
                required: r.required,
                level,
                gap: gap(r.required, level),
                weight: r.weight,
                mandatory: r.mandatory,
            }
        })
        .collect();
    let parts: Vec<(u8, u32, u8)> = rows
        .iter()
        .zip(&bars)
        .map(|(r, b)| (r.required, u32::from(r.weight), b.level))
        .collect();
    (bars, readiness_percent(&parts))
}

/// Each row's validated current level (pending self-ratings left out; an expired level
/// counts as 0), to give [`gap_chart`] the levels that count.
pub fn validated_levels(rows: &[SkillRow]) -> HashMap<NodeId, u8> {
    rows.iter().map(|r| (r.node, r.current.level)).collect()
}

/// The gaps to close: bars with a gap, mandatory ones first, then the largest weighted
/// gap, then the largest gap, then by title (stable for equal titles).
pub fn ordered_gaps(bars: &[GapBar]) -> Vec<GapBar> {
    let mut out: Vec<GapBar> = bars.iter().filter(|b| b.gap > 0).cloned().collect();
    out.sort_by(|a, b| {
        b.mandatory
            .cmp(&a.mandatory)
            .then(b.weighted_gap().cmp(&a.weighted_gap()))
            .then(b.gap.cmp(&a.gap))
            .then_with(|| a.title.cmp(&b.title))
    });
    out
}

/// The scale maximum across `rows` (the highest level any of their scales defines), at
/// least 1: the rim of the radar chart.
pub fn scale_top(rows: &[SkillRow]) -> u8 {
    rows.iter()
        .flat_map(|r| r.levels.iter().map(|l| l.level))
        .max()
        .unwrap_or(1)
        .max(1)
}

/// A person's readiness for one position, computed on the server from validated levels.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PositionReadiness {
    /// The position.
    pub position: PositionId,
    /// Its title.
    pub title: String,
    /// Readiness in whole percent (rounded down; 100 only without any gap).
    pub percent: u8,
    /// Requirements with a gap.
    pub gaps: u32,
    /// Mandatory requirements with a gap.
    pub mandatory_gaps: u32,
}

impl PositionReadiness {
    /// Readiness for `position` from its requirements as `(required, weight, mandatory,
    /// current)` (the rule in [`readiness_percent`]).
    pub fn new(position: PositionId, title: String, reqs: &[(u8, u8, bool, u8)]) -> Self {
        let parts: Vec<(u8, u32, u8)> = reqs
            .iter()
            .map(|&(req, w, _, cur)| (req, u32::from(w), cur))
            .collect();
        let open = || reqs.iter().filter(|r| gap(r.0, r.3) > 0);
        PositionReadiness {
            position,
            title,
            percent: readiness_percent(&parts),
            gaps: count(open().count()),
            mandatory_gaps: count(open().filter(|r| r.2).count()),
        }
    }
}

/// The self-assessment form: a level per node (`levels[ID]`) and one comment.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SelfAssessment {
    /// Level per node id.
    #[serde(default)]
    pub levels: BTreeMap<String, String>,
    /// Optional comment for the reviewer.
    #[serde(default)]
    pub comment: String,
}

/// Longest comment on a rating or decision.
pub const MAX_COMMENT: usize = 2000;

/// Checks a comment's length.
pub fn check_comment(field: &str, comment: &str) -> Result<String, FieldError> {
    let c = comment.trim().replace("\r\n", "\n");
    if c.chars().count() > MAX_COMMENT {
        return Err(FieldError::new(
            field,
            format!("Keep the comment to {MAX_COMMENT} characters or fewer."),
        ));
    }
    Ok(c)
}

impl SelfAssessment {
    /// The levels that differ from `own` (each node's pending or current level), checked
    /// against each node's scale top in `tops`. Nodes not in `tops` are refused.
    pub fn changes(
        &self,
        tops: &HashMap<NodeId, u8>,
        own: &HashMap<NodeId, u8>,
    ) -> Result<(Vec<(NodeId, u8)>, String), FieldError> {
        let mut out = Vec::new();
        for (key, raw) in &self.levels {
            let field = format!("levels[{key}]");
            let node: NodeId = key
                .parse()
                .map_err(|_| FieldError::new(&field, "The form is damaged; reload the page."))?;
            let top = *tops.get(&node).ok_or_else(|| {
                FieldError::new(
                    &field,
                    "That skill is not on your list any more; reload the page.",
                )
            })?;
            let level: u8 = raw
                .trim()
                .parse()
                .ok()
                .filter(|l| *l <= top)
                .ok_or_else(|| {
                    FieldError::new(&field, format!("Choose a level from 0 to {top}."))
                })?;
            if own.get(&node).copied().unwrap_or(0) != level {
                out.push((node, level));
            }
        }
        let comment = check_comment("comment", &self.comment)?;
        Ok((out, comment))
    }
}

/// A manager's decision on a self-rating.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Decision {
    /// The level stands and counts.
    Approve,
    /// The level does not count.
    Decline,
}

impl Decision {
    /// Parses `approve` / `decline`.
    pub fn parse(s: &str) -> Result<Decision, FieldError> {
        match s.trim() {
            "approve" => Ok(Decision::Approve),
            "decline" => Ok(Decision::Decline),
            _ => Err(FieldError::new("decision", "Choose approve or decline.")),
        }
    }

    /// The review state it leads to.
    pub fn review(self) -> Review {
        match self {
            Decision::Approve => Review::Approved,
            Decision::Decline => Review::Declined,
        }
    }
}

/// A pending self-rating in a manager's queue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewItem {
    /// Rating id.
    pub rating: i64,
    /// Whose.
    pub subject: PersonId,
    /// Their name.
    pub subject_name: String,
    /// Node.
    pub node: NodeId,
    /// Node title.
    pub node_title: String,
    /// The level claimed.
    pub level: u8,
    /// Its name on the node's scale.
    pub level_name: String,
    /// The validated level before it (`None`: never validated).
    pub previous: Option<u8>,
    /// Required level in the subject's position, if required.
    pub required: Option<u8>,
    /// The subject's comment.
    pub comment: String,
    /// When, as text.
    pub at: String,
    /// The subject reports to the caller directly.
    pub direct: bool,
    /// Evidence attached to the rating.
    pub evidence: Vec<EvidenceView>,
}

/// Evidence attached to a rating.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceView {
    /// Id.
    pub id: i64,
    /// A file (downloaded from `/evidence/ID`) or a link.
    pub is_file: bool,
    /// The file name, or the link's text.
    pub name: String,
    /// For a link, its URL.
    pub url: Option<String>,
    /// File size in bytes.
    pub size: u64,
    /// Who verified it.
    pub verified_by: Option<String>,
}

/// The file types evidence may be, as (MIME type as detected from the content, the file
/// name extensions that may carry it).
pub const EVIDENCE_TYPES: &[(&str, &[&str])] = &[
    ("application/pdf", &["pdf"]),
    ("image/png", &["png"]),
    ("image/jpeg", &["jpg", "jpeg"]),
    ("image/gif", &["gif"]),
    ("image/webp", &["webp"]),
    ("application/msword", &["doc", "xls", "ppt"]),
    ("application/vnd.ms-excel", &["xls"]),
    ("application/vnd.ms-powerpoint", &["ppt"]),
    (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        &["docx"],
    ),
    (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        &["xlsx"],
    ),
    (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        &["pptx"],
    ),
    ("application/vnd.oasis.opendocument.text", &["odt"]),
    ("application/vnd.oasis.opendocument.spreadsheet", &["ods"]),
    ("application/vnd.oasis.opendocument.presentation", &["odp"]),
];

/// Checks an upload: `detected` is the MIME type read from the content (None: unknown).
/// The content must be an allowed type, and a name whose extension is a known evidence type
/// must agree with the content ("report.pdf" that is really a PNG is refused).
pub fn check_upload(
    name: &str,
    detected: Option<&str>,
    size: u64,
    max: u64,
) -> Result<(), FieldError> {
    if size == 0 {
        return Err(FieldError::new(
            "file",
            "Choose a file to upload; this one is empty.",
        ));
    }
    if size > max {
        return Err(FieldError::new(
            "file",
            format!(
                "The file is {:.1} MB; the limit is {:.1} MB.",
                size as f64 / 1_048_576.0,
                max as f64 / 1_048_576.0
            ),
        ));
    }
    let allowed = "PDF, images (PNG, JPEG, GIF, WebP) or office documents";
    let Some((mime, exts)) = detected.and_then(|d| EVIDENCE_TYPES.iter().find(|t| t.0 == d)) else {
        return Err(FieldError::new(
            "file",
            format!("This file's content is not a type Proficio accepts: upload {allowed}."),
        ));
    };
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let known = EVIDENCE_TYPES.iter().any(|t| t.1.contains(&ext.as_str()));
    if known && !exts.contains(&ext.as_str()) {
        return Err(FieldError::new(
            "file",
            format!("\u{201c}{name}\u{201d} is named .{ext} but its content is {mime}; rename it or upload the right file."),
        ));
    }
    Ok(())
}

/// Checks an evidence link: http or https, at most 2,000 characters.
pub fn check_link(url: &str) -> Result<String, FieldError> {
    let u = url.trim();
    let ok = (u.starts_with("https://") || u.starts_with("http://"))
        && u.len() > "https://".len()
        && u.len() <= 2000
        && !u.chars().any(char::is_whitespace);
    if !ok {
        return Err(FieldError::new(
            "url",
            "Enter a web address starting with https:// (or http://).",
        ));
    }
    Ok(u.to_string())
}

/// A request for the caller's view of a colleague's level, as the peer sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PeerRequestView {
    /// Id.
    pub id: i64,
    /// Whose level.
    pub subject_name: String,
    /// On what.
    pub node_title: String,
    /// The node's levels, described for the subject's track.
    pub levels: Vec<LevelText>,
    /// Who asked.
    pub requested_by: Option<String>,
    /// When, as text.
    pub at: String,
}

/// Most colleagues one peer-rating request may name.
pub const MAX_PEERS: usize = 20;

/// Parses a list of e-mail addresses separated by commas, semicolons, spaces or lines.
pub fn email_list(raw: &str) -> Vec<String> {
    let mut out: Vec<String> = raw
        .split([',', ';', '\n', ' ', '\t', '\r'])
        .map(|s| s.trim().to_lowercase())
        .filter(|s| !s.is_empty())
        .collect();
    out.dedup();
    out
}

/// What an inbox item is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum InboxKind {
    /// Self-assessments of your reports wait for your decision.
    Reviews,
    /// A manager decided one of your self-ratings.
    Decision,
    /// A colleague asks for your view.
    PeerRequest,
    /// One of your levels expires soon (or has expired).
    Expiry,
    /// Plans to approve, completions to confirm, on-the-job tasks to sign off.
    Development,
    /// A goal due soon, or a plan not updated for a long time.
    Reminder,
}

/// One line of the inbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InboxItem {
    /// Kind.
    pub kind: InboxKind,
    /// What to tell.
    pub text: String,
    /// Where to act on it.
    pub href: String,
    /// New since the inbox was last opened, or waiting for action.
    pub unread: bool,
}

/// Days before expiry from which a level is announced.
pub const EXPIRY_NOTICE_DAYS: i64 = 30;

/// One rating in a person's history on a node.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryEntry {
    /// Rating id.
    pub id: i64,
    /// When, as text.
    pub at: String,
    /// Source.
    pub source: Source,
    /// Level.
    pub level: u8,
    /// Who gave it.
    pub by: Option<String>,
    /// Their comment.
    pub comment: String,
    /// For a self-rating: its review state.
    pub review: Option<Review>,
    /// Who decided, when (text) and why.
    pub decision: Option<(String, String, String)>,
    /// This rating sets the current level.
    pub counts: bool,
    /// Evidence attached to it.
    pub evidence: Vec<EvidenceView>,
}

/// One page of a person's history on one node, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NodeHistory {
    /// Whose.
    pub person: PersonId,
    /// Their name.
    pub person_name: String,
    /// Node.
    pub node: NodeId,
    /// Its title.
    pub node_title: String,
    /// The current level.
    pub current: Current,
    /// Level texts for the person's track.
    pub levels: Vec<LevelText>,
    /// Entries, newest first.
    pub entries: Vec<HistoryEntry>,
    /// The caller is the person (may add evidence).
    pub is_me: bool,
    /// The caller manages the person (may verify evidence).
    pub can_verify: bool,
    /// "Now", epoch ms.
    pub now_ms: i64,
    /// The cursor of the next older page (the last entry's id), when there is one.
    pub older: Option<i64>,
    /// Whether this page starts at the newest rating.
    pub newest: bool,
}

/// Ratings per page of a history.
pub const HISTORY_PAGE: u32 = 30;

#[cfg(test)]
mod tests {
    use super::*;

    fn row(node: i64, required: u8, weight: u8, level: u8, pending: Option<u8>) -> SkillRow {
        SkillRow {
            node: NodeId(node),
            title: format!("N{node}"),
            kind: NodeKind::Skill,
            path: vec![],
            levels: vec![],
            required,
            weight,
            mandatory: false,
            current: Current {
                level,
                validated: None,
                expired: false,
                expires_at_ms: None,
                pending,
            },
            by_source: vec![],
            disagreement: false,
            validated_at: None,
        }
    }

    #[test]
    fn the_gap_chart_follows_the_sliders() {
        let rows = vec![row(1, 3, 1, 1, None), row(2, 4, 3, 0, Some(2))];
        // Own levels: 1 (current) and 2 (pending).
        let (bars, pct) = gap_chart(&rows, &HashMap::new());
        assert_eq!(bars.iter().map(|b| b.gap).collect::<Vec<_>>(), [2, 2]);
        // 1 - (1*2 + 3*2) / (1*3 + 3*4) = 1 - 8/15 = 46.6%
        assert_eq!(pct, 46);
        let moved = HashMap::from([(NodeId(2), 4)]);
        let (bars, pct) = gap_chart(&rows, &moved);
        assert_eq!(bars[1].gap, 0);
        assert_eq!(pct, 86);
        let all = HashMap::from([(NodeId(1), 5), (NodeId(2), 4)]);
        assert_eq!(gap_chart(&rows, &all).1, 100);
    }

    #[test]
    fn gaps_list_mandatory_first_then_the_largest_weighted_gap() {
        let mut rows = vec![
            row(1, 3, 1, 0, None),    // gap 3, weighted 3
            row(2, 4, 3, 2, None),    // gap 2, weighted 6
            row(3, 2, 5, 1, None),    // mandatory, gap 1, weighted 5
            row(4, 2, 5, 2, None),    // met
            row(5, 3, 2, 0, Some(3)), // gap 3 (the pending 3 does not count), weighted 6
            row(6, 5, 5, 3, None),    // mandatory, gap 2, weighted 10
        ];
        rows[2].mandatory = true;
        rows[3].mandatory = true;
        rows[5].mandatory = true;
        let (bars, _) = gap_chart(&rows, &validated_levels(&rows));
        let order: Vec<(NodeId, u8, u8)> = ordered_gaps(&bars)
            .iter()
            .map(|b| (b.node, b.required, b.level))
            .collect();
        // Equal weighted gaps (N2, N5): the larger gap first.
        assert_eq!(
            order,
            [
                (NodeId(6), 5, 3),
                (NodeId(3), 2, 1),
                (NodeId(5), 3, 0),
                (NodeId(2), 4, 2),
                (NodeId(1), 3, 0),
            ]
        );
        // With the sliders' own levels the pending 3 closes N5's gap.
        let (own, _) = gap_chart(&rows, &HashMap::new());
        assert!(ordered_gaps(&own).iter().all(|b| b.node != NodeId(5)));
        assert!(ordered_gaps(&[]).is_empty());
    }

    #[test]
    fn readiness_for_a_position_follows_the_design_rule() {
        // 1 - (1*2 + 3*0 + 5*1) / (1*3 + 3*2 + 5*4) = 1 - 7/29 = 75.8%
        let r = PositionReadiness::new(
            PositionId(7),
            "Senior".into(),
            &[(3, 1, false, 1), (2, 3, true, 2), (4, 5, true, 3)],
        );
        assert_eq!((r.percent, r.gaps, r.mandatory_gaps), (75, 2, 1));
        let none = PositionReadiness::new(PositionId(7), "Empty".into(), &[]);
        assert_eq!((none.percent, none.gaps), (100, 0));
        let levels = |top: u8| {
            (1..=top)
                .map(|level| LevelText {
                    level,
                    name: String::new(),
                    description: String::new(),
                })
                .collect::<Vec<_>>()
        };
        let mut rows = vec![row(1, 3, 1, 0, None), row(2, 3, 1, 0, None)];
        assert_eq!(scale_top(&rows), 1);
        rows[0].levels = levels(4);
        rows[1].levels = levels(6);
        assert_eq!(scale_top(&rows), 6);
    }

    #[test]
    fn a_self_assessment_submits_only_changes_and_names_bad_fields() {
        let tops = HashMap::from([(NodeId(1), 5), (NodeId(2), 5)]);
        let own = HashMap::from([(NodeId(1), 2)]);
        let form = |pairs: &[(&str, &str)]| SelfAssessment {
            levels: pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            comment: " Led the migration ".into(),
        };
        let (changes, comment) = form(&[("1", "2"), ("2", "3")])
            .changes(&tops, &own)
            .unwrap();
        assert_eq!(changes, [(NodeId(2), 3)]);
        assert_eq!(comment, "Led the migration");
        // Unrated and left at 0: no change.
        assert!(form(&[("2", "0")])
            .changes(&tops, &own)
            .unwrap()
            .0
            .is_empty());
        let err = |pairs: &[(&str, &str)]| form(pairs).changes(&tops, &own).unwrap_err().field;
        assert_eq!(err(&[("2", "6")]), "levels[2]");
        assert_eq!(err(&[("3", "1")]), "levels[3]");
        assert_eq!(err(&[("x", "1")]), "levels[x]");
        let mut long = form(&[]);
        long.comment = "c".repeat(MAX_COMMENT + 1);
        assert_eq!(long.changes(&tops, &own).unwrap_err().field, "comment");
    }

    #[test]
    fn uploads_are_checked_by_content_and_size() {
        let max = 1_000;
        assert!(check_upload("cert.pdf", Some("application/pdf"), 10, max).is_ok());
        assert!(check_upload("photo.JPEG", Some("image/jpeg"), 10, max).is_ok());
        // No extension, or an unrelated one: the content decides.
        assert!(check_upload("scan", Some("image/png"), 10, max).is_ok());
        // A PNG named .pdf is refused; so is unknown content and an executable.
        let e = check_upload("cert.pdf", Some("image/png"), 10, max).unwrap_err();
        assert_eq!(e.field, "file");
        assert!(e.message.contains("image/png"));
        assert!(check_upload("notes.txt", None, 10, max).is_err());
        assert!(check_upload("tool.pdf", Some("application/x-executable"), 10, max).is_err());
        assert!(check_upload("big.pdf", Some("application/pdf"), 1_001, max).is_err());
        assert!(check_upload("empty.pdf", Some("application/pdf"), 0, max).is_err());
    }

    #[test]
    fn links_must_be_web_addresses() {
        assert_eq!(
            check_link(" https://example.org/a ").unwrap(),
            "https://example.org/a"
        );
        for bad in [
            "javascript:alert(1)",
            "ftp://x",
            "https://",
            "https://a b",
            "",
        ] {
            assert_eq!(check_link(bad).unwrap_err().field, "url", "{bad}");
        }
    }

    #[test]
    fn peer_lists_split_on_any_separator() {
        assert_eq!(
            email_list(" A@x.org, b@x.org;\nc@x.org  a@x.org"),
            ["a@x.org", "b@x.org", "c@x.org", "a@x.org"]
        );
        assert!(email_list(" ,; ").is_empty());
    }

    #[test]
    fn decisions_parse() {
        assert_eq!(
            Decision::parse("approve").unwrap().review(),
            Review::Approved
        );
        assert_eq!(
            Decision::parse("decline").unwrap().review(),
            Review::Declined
        );
        assert_eq!(Decision::parse("maybe").unwrap_err().field, "decision");
    }
}

//! Development: the learning catalogue, personal development plans (goals and actions),
//! completions that award levels, and what the pages about them show. The rules here are
//! pure (parsing durations and costs, the state a goal is in, what a completion may do
//! next) so both sides and the tests share them.

use super::positions::LevelText;
use super::rating::{civil_from_days, days_from_civil, days_in_month, DAY_MS};
use super::{NodeId, PersonId};
use serde::{Deserialize, Serialize};

/// What kind of learning an activity is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ActivityKind {
    Course,
    Workshop,
    Reading,
    Mentoring,
    /// A task done at work under a mentor, who signs it off.
    OnTheJob,
}

impl ActivityKind {
    /// Every kind, in display order.
    pub const ALL: [ActivityKind; 5] = [
        ActivityKind::Course,
        ActivityKind::Workshop,
        ActivityKind::Reading,
        ActivityKind::Mentoring,
        ActivityKind::OnTheJob,
    ];

    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            ActivityKind::Course => "course",
            ActivityKind::Workshop => "workshop",
            ActivityKind::Reading => "reading",
            ActivityKind::Mentoring => "mentoring",
            ActivityKind::OnTheJob => "on_the_job",
        }
    }

    /// Reads the stored form or what a person writes ("On-the-job task", "book").
    pub fn parse(s: &str) -> Option<ActivityKind> {
        let k: String = s
            .trim()
            .to_lowercase()
            .chars()
            .filter(|c| c.is_alphanumeric())
            .collect();
        Some(match k.as_str() {
            "course" | "elearning" | "class" | "training" => ActivityKind::Course,
            "workshop" | "seminar" => ActivityKind::Workshop,
            "reading" | "book" | "article" => ActivityKind::Reading,
            "mentoring" | "coaching" => ActivityKind::Mentoring,
            "onthejob" | "onthejobtask" | "onthejobtraining" | "ojt" | "task" => {
                ActivityKind::OnTheJob
            }
            _ => return None,
        })
    }

    /// For people.
    pub fn label(self) -> &'static str {
        match self {
            ActivityKind::Course => "Course",
            ActivityKind::Workshop => "Workshop",
            ActivityKind::Reading => "Reading",
            ActivityKind::Mentoring => "Mentoring",
            ActivityKind::OnTheJob => "On-the-job task",
        }
    }

    /// Whether a mentor (not the manager) signs completion off.
    pub fn needs_mentor(self) -> bool {
        self == ActivityKind::OnTheJob
    }
}

/// Longest duration an activity may state: a year of full days.
pub const MAX_DURATION_MINUTES: u32 = 365 * 24 * 60;

/// Reads a duration: plain minutes ("90"), or amounts with units ("1h 30m", "1.5 hours",
/// "2 days" = two working days of 8 hours, "3 weeks" = 40 hours each).
pub fn parse_duration(text: &str) -> Result<u32, String> {
    let t = text.trim().to_lowercase();
    if t.is_empty() {
        return Err("Enter how long it takes, e.g. 90 (minutes), 1h 30m or 2 days.".into());
    }
    if let Ok(m) = t.parse::<u32>() {
        return check_duration(f64::from(m));
    }
    let mut total = 0.0f64;
    let mut rest = t.as_str();
    let mut parts = 0;
    while !rest.trim_start().is_empty() {
        rest = rest.trim_start();
        let num_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == ','))
            .unwrap_or(rest.len());
        let number: f64 = rest[..num_end]
            .replace(',', ".")
            .parse()
            .map_err(|_| format!("\u{201c}{}\u{201d} is not a duration.", text.trim()))?;
        rest = rest[num_end..].trim_start();
        let unit_end = rest
            .find(|c: char| !c.is_alphabetic())
            .unwrap_or(rest.len());
        let unit = &rest[..unit_end];
        rest = &rest[unit_end..];
        let minutes = match unit {
            "m" | "min" | "mins" | "minute" | "minutes" => 1.0,
            "h" | "hr" | "hrs" | "hour" | "hours" => 60.0,
            "d" | "day" | "days" => 8.0 * 60.0,
            "w" | "wk" | "week" | "weeks" => 40.0 * 60.0,
            _ => {
                return Err(format!(
                    "\u{201c}{}\u{201d}: use minutes, hours, days or weeks.",
                    text.trim()
                ))
            }
        };
        total += number * minutes;
        parts += 1;
        rest = rest.trim_start_matches([' ', ',', '+']);
    }
    if parts == 0 {
        return Err(format!(
            "\u{201c}{}\u{201d} is not a duration.",
            text.trim()
        ));
    }
    check_duration(total)
}

fn check_duration(minutes: f64) -> Result<u32, String> {
    let m = minutes.round();
    if !(1.0..=f64::from(MAX_DURATION_MINUTES)).contains(&m) {
        return Err("A duration is between 1 minute and a year.".into());
    }
    Ok(m as u32)
}

/// A duration for people: "45 min", "1 h 30 min", "2 days" (8-hour days).
pub fn duration_text(minutes: u64) -> String {
    if minutes >= 8 * 60 && minutes.is_multiple_of(8 * 60) {
        let d = minutes / (8 * 60);
        return format!("{d} day{}", if d == 1 { "" } else { "s" });
    }
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} min"),
    }
}

/// Highest cost accepted, in cents (ten million).
pub const MAX_COST_CENTS: u64 = 1_000_000_000;

/// Reads an optional cost in the organisation's currency: empty is "no cost stated",
/// "120", "120.50", "€ 1,200" and "1200 EUR" are amounts.
pub fn parse_cost(text: &str) -> Result<Option<u64>, String> {
    let digits: String = text
        .trim()
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '.' || *c == ',' || *c == '-')
        .collect();
    if digits.is_empty() {
        if text.trim().is_empty() || text.trim().eq_ignore_ascii_case("free") {
            return Ok(None);
        }
        return Err(format!("\u{201c}{}\u{201d} is not an amount.", text.trim()));
    }
    if digits.starts_with('-') {
        return Err("A cost cannot be negative.".into());
    }
    // "1,200.50" and "1200,50": a comma followed by exactly two digits at the end is a
    // decimal comma, any other comma groups thousands.
    let normal = match digits.rfind(',') {
        Some(i) if digits.len() - i == 3 && !digits.contains('.') => {
            format!("{}.{}", digits[..i].replace(',', ""), &digits[i + 1..])
        }
        _ => digits.replace(',', ""),
    };
    let value: f64 = normal
        .parse()
        .map_err(|_| format!("\u{201c}{}\u{201d} is not an amount.", text.trim()))?;
    let cents = (value * 100.0).round();
    if cents > MAX_COST_CENTS as f64 {
        return Err("That cost is too large.".into());
    }
    Ok(Some(cents as u64))
}

/// A cost for people: "€120" or "€120.50"; "Free" when none is stated.
pub fn cost_text(cents: Option<u64>) -> String {
    match cents {
        None | Some(0) => "Free".into(),
        Some(c) if c % 100 == 0 => format!("\u{20ac}{}", group(c / 100)),
        Some(c) => format!("\u{20ac}{}.{:02}", group(c / 100), c % 100),
    }
}

fn group(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// Reads a due date `YYYY-MM-DD` (empty: none) and gives it back normalised.
pub fn parse_date(text: &str) -> Result<Option<String>, String> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    let bad = || format!("\u{201c}{t}\u{201d} is not a date; use YYYY-MM-DD.");
    let mut it = t.split('-');
    let (Some(y), Some(m), Some(d), None) = (it.next(), it.next(), it.next(), it.next()) else {
        return Err(bad());
    };
    let y: i64 = y.parse().map_err(|_| bad())?;
    let m: u32 = m.parse().map_err(|_| bad())?;
    let d: u32 = d.parse().map_err(|_| bad())?;
    if !(2000..=2200).contains(&y) || !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) {
        return Err(bad());
    }
    Ok(Some(format!("{y:04}-{m:02}-{d:02}")))
}

/// The day count (since 1970-01-01) of a date stored as `YYYY-MM-DD`.
pub fn date_days(date: &str) -> Option<i64> {
    let mut it = date.split('-');
    let y: i64 = it.next()?.parse().ok()?;
    let m: u32 = it.next()?.parse().ok()?;
    let d: u32 = it.next()?.parse().ok()?;
    Some(days_from_civil(y, m, d))
}

/// `YYYY-MM-DD` of a time in epoch ms (UTC).
pub fn date_of(ms: i64) -> String {
    let (y, m, d) = civil_from_days(ms.div_euclid(DAY_MS));
    format!("{y:04}-{m:02}-{d:02}")
}

/// A due date for people, relative to today: "due 3 Dec 2026 (in 9 days)", "overdue by 2 days".
pub fn due_text(due: &str, today_ms: i64) -> String {
    let Some(days) = date_days(due) else {
        return String::new();
    };
    let today = today_ms.div_euclid(DAY_MS);
    let label = super::orgreport::day_label(days);
    let plural = |n: i64| if n == 1 { "" } else { "s" };
    match days - today {
        0 => format!("due today ({label})"),
        n if n > 0 => format!("due {label} (in {n} day{})", plural(n)),
        n => format!("overdue by {} day{} ({label})", -n, plural(-n)),
    }
}

/// The approval state of a whole plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PlanState {
    /// Being written; nobody was asked.
    Draft,
    /// Waiting for the manager's approval.
    Submitted,
    /// The manager approved it.
    Approved,
    /// The manager asked for changes.
    Changes,
}

impl PlanState {
    pub fn as_str(self) -> &'static str {
        match self {
            PlanState::Draft => "draft",
            PlanState::Submitted => "submitted",
            PlanState::Approved => "approved",
            PlanState::Changes => "changes",
        }
    }
    pub fn parse(s: &str) -> Option<PlanState> {
        Some(match s {
            "draft" => PlanState::Draft,
            "submitted" => PlanState::Submitted,
            "approved" => PlanState::Approved,
            "changes" => PlanState::Changes,
            _ => return None,
        })
    }
    pub fn label(self) -> &'static str {
        match self {
            PlanState::Draft => "Draft",
            PlanState::Submitted => "Waiting for approval",
            PlanState::Approved => "Approved",
            PlanState::Changes => "Changes requested",
        }
    }
}

/// A goal's stored status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum GoalStatus {
    Open,
    Achieved,
    Dropped,
}

impl GoalStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            GoalStatus::Open => "open",
            GoalStatus::Achieved => "achieved",
            GoalStatus::Dropped => "dropped",
        }
    }
    pub fn parse(s: &str) -> Option<GoalStatus> {
        Some(match s {
            "open" => GoalStatus::Open,
            "achieved" => GoalStatus::Achieved,
            "dropped" => GoalStatus::Dropped,
            _ => return None,
        })
    }
}

/// The state a goal is shown in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum GoalState {
    NotStarted,
    InProgress,
    Overdue,
    Achieved,
    Dropped,
}

impl GoalState {
    pub const ALL: [GoalState; 5] = [
        GoalState::NotStarted,
        GoalState::InProgress,
        GoalState::Overdue,
        GoalState::Achieved,
        GoalState::Dropped,
    ];
    pub fn label(self) -> &'static str {
        match self {
            GoalState::NotStarted => "Not started",
            GoalState::InProgress => "In progress",
            GoalState::Overdue => "Overdue",
            GoalState::Achieved => "Achieved",
            GoalState::Dropped => "Dropped",
        }
    }
    /// The CSS modifier that colours its badge.
    pub fn class(self) -> &'static str {
        match self {
            GoalState::NotStarted => "state-idle",
            GoalState::InProgress => "state-active",
            GoalState::Overdue => "state-late",
            GoalState::Achieved => "state-done",
            GoalState::Dropped => "state-dropped",
        }
    }
}

/// The state of a goal: stored `achieved`/`dropped` win; an open goal whose current level
/// reached the target is achieved; one past its due date is overdue; one with progress
/// (the level moved since it was set, or an action under way) is in progress.
pub fn goal_state(
    status: GoalStatus,
    start_level: u8,
    current: u8,
    target: u8,
    due: Option<&str>,
    today_ms: i64,
    action_under_way: bool,
) -> GoalState {
    match status {
        GoalStatus::Achieved => return GoalState::Achieved,
        GoalStatus::Dropped => return GoalState::Dropped,
        GoalStatus::Open => {}
    }
    if current >= target {
        return GoalState::Achieved;
    }
    let today = today_ms.div_euclid(DAY_MS);
    if due.and_then(date_days).is_some_and(|d| d < today) {
        return GoalState::Overdue;
    }
    if current > start_level || action_under_way {
        GoalState::InProgress
    } else {
        GoalState::NotStarted
    }
}

/// How far a goal has come: the share of the levels between where it started and the target
/// that are reached, as a percentage.
pub fn goal_progress(start_level: u8, current: u8, target: u8) -> u8 {
    if current >= target {
        return 100;
    }
    let span = target.saturating_sub(start_level);
    if span == 0 {
        return 0;
    }
    let done = current.saturating_sub(start_level).min(span);
    (u32::from(done) * 100 / u32::from(span)) as u8
}

/// Where a planned activity stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ActionStatus {
    /// In the plan, not done yet.
    Planned,
    /// Reported done; waiting for the manager (or the mentor) to confirm.
    Submitted,
    /// The reviewer asked for more.
    Returned,
    /// Confirmed: its levels were awarded.
    Completed,
    /// Taken out of the plan.
    Dropped,
}

impl ActionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ActionStatus::Planned => "planned",
            ActionStatus::Submitted => "submitted",
            ActionStatus::Returned => "returned",
            ActionStatus::Completed => "completed",
            ActionStatus::Dropped => "dropped",
        }
    }
    pub fn parse(s: &str) -> Option<ActionStatus> {
        Some(match s {
            "planned" => ActionStatus::Planned,
            "submitted" => ActionStatus::Submitted,
            "returned" => ActionStatus::Returned,
            "completed" => ActionStatus::Completed,
            "dropped" => ActionStatus::Dropped,
            _ => return None,
        })
    }
    pub fn label(self, kind: ActivityKind) -> &'static str {
        match (self, kind.needs_mentor()) {
            (ActionStatus::Planned, _) => "Planned",
            (ActionStatus::Submitted, true) => "Waiting for the mentor's sign-off",
            (ActionStatus::Submitted, false) => "Waiting for confirmation",
            (ActionStatus::Returned, true) => "Mentor asked for more",
            (ActionStatus::Returned, false) => "Manager asked for more",
            (ActionStatus::Completed, _) => "Completed",
            (ActionStatus::Dropped, _) => "Dropped",
        }
    }
    /// Whether the trainee may report it done now.
    pub fn can_report(self) -> bool {
        matches!(self, ActionStatus::Planned | ActionStatus::Returned)
    }
    /// Whether it is still being worked on (counts as progress on its goal).
    pub fn under_way(self) -> bool {
        matches!(self, ActionStatus::Submitted | ActionStatus::Returned)
    }
}

/// One level an activity provides, as listed in the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provided {
    pub node: NodeId,
    pub title: String,
    /// The node's framework.
    pub framework: String,
    pub level: u8,
    /// "Level 3: Working".
    pub level_name: String,
}

/// A catalogue entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityRow {
    pub id: i64,
    pub title: String,
    pub kind: ActivityKind,
    pub provider: String,
    pub url: String,
    pub duration_minutes: u32,
    pub cost_cents: Option<u64>,
    pub description: String,
    /// Identifier in a learning system (CSV re-imports and completions match on it).
    pub external_id: Option<String>,
    /// Offered (an archived entry stays on the plans that use it).
    pub active: bool,
    pub provides: Vec<Provided>,
}

/// The catalogue page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Catalogue {
    /// Entries matching the filter, by title.
    pub rows: Vec<ActivityRow>,
    /// Entries in the whole catalogue (active and archived).
    pub total: u32,
    /// The caller may edit it.
    pub can_edit: bool,
}

/// The form that creates or edits a catalogue entry (text as typed; checked on the server).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ActivityInput {
    pub title: String,
    pub kind: String,
    #[serde(default)]
    pub provider: String,
    #[serde(default)]
    pub url: String,
    pub duration: String,
    #[serde(default)]
    pub cost: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub external_id: String,
}

/// A catalogue entry's checked fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityFields {
    pub title: String,
    pub kind: ActivityKind,
    pub provider: String,
    pub url: String,
    pub duration_minutes: u32,
    pub cost_cents: Option<u64>,
    pub description: String,
    pub external_id: Option<String>,
}

/// An optional web link: empty, or checked like evidence links
/// ([`super::assess::check_link`]); the error is the message.
pub fn optional_link(url: &str) -> Result<String, String> {
    if url.trim().is_empty() {
        return Ok(String::new());
    }
    super::assess::check_link(url).map_err(|e| e.message)
}

/// Checks the form; an error names its field.
pub fn check_activity(input: &ActivityInput) -> Result<ActivityFields, (&'static str, String)> {
    let title = input.title.trim();
    if title.is_empty() {
        return Err(("title", "Give the activity a title.".into()));
    }
    if title.chars().count() > 200 {
        return Err(("title", "A title has at most 200 characters.".into()));
    }
    let kind = ActivityKind::parse(&input.kind).ok_or((
        "kind",
        format!(
            "\u{201c}{}\u{201d} is not a kind: use course, workshop, reading, mentoring or on-the-job.",
            input.kind.trim()
        ),
    ))?;
    let url = optional_link(&input.url).map_err(|m| ("url", m))?;
    let provider = input.provider.trim();
    if provider.chars().count() > 200 {
        return Err(("provider", "A provider has at most 200 characters.".into()));
    }
    let duration_minutes = parse_duration(&input.duration).map_err(|m| ("duration", m))?;
    let cost_cents = parse_cost(&input.cost).map_err(|m| ("cost", m))?;
    let description = input.description.trim();
    if description.chars().count() > 5000 {
        return Err((
            "description",
            "A description has at most 5,000 characters.".into(),
        ));
    }
    let external = input.external_id.trim();
    if external.chars().count() > 200 {
        return Err((
            "external_id",
            "An identifier has at most 200 characters.".into(),
        ));
    }
    Ok(ActivityFields {
        title: title.to_string(),
        kind,
        provider: provider.to_string(),
        url,
        duration_minutes,
        cost_cents,
        description: description.to_string(),
        external_id: (!external.is_empty()).then(|| external.to_string()),
    })
}

/// A node offered when adding a provided level to an activity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeChoice {
    pub node: NodeId,
    pub title: String,
    pub framework: String,
    pub levels: Vec<LevelText>,
}

/// One gap "close my gap" works on, with what a person reads about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GapLine {
    pub node: NodeId,
    pub title: String,
    pub required: u8,
    pub current: u8,
    /// "Level 3: Working".
    pub required_name: String,
    pub current_name: String,
    pub mandatory: bool,
}

/// One suggested activity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suggestion {
    pub activity: i64,
    pub title: String,
    pub kind: ActivityKind,
    pub provider: String,
    pub url: String,
    pub duration: String,
    pub cost: String,
    /// The gaps it is credited with closing: (node, title, level it provides there).
    pub closes: Vec<(NodeId, String, u8)>,
    /// Already in the person's plan (not dropped or completed).
    pub in_plan: bool,
}

/// The answer to "close my gap", ready to show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CloseGap {
    pub person: PersonId,
    /// What the gaps are measured against ("Senior Engineer", or "your plan's goals").
    pub against: String,
    pub gaps: Vec<GapLine>,
    pub suggestions: Vec<Suggestion>,
    /// Gaps no activity in the catalogue closes.
    pub uncovered: Vec<GapLine>,
    pub total_duration: String,
    pub total_cost: String,
    /// The plan is proven the shortest (exact search).
    pub exact: bool,
    /// Activities that closed at least one gap, among which the plan was chosen.
    pub candidates: u32,
}

/// A goal as the plan shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GoalView {
    pub id: i64,
    pub node: NodeId,
    pub title: String,
    /// Ancestors' titles, framework first.
    pub path: Vec<String>,
    pub levels: Vec<LevelText>,
    pub target: u8,
    pub current: u8,
    pub start: u8,
    pub due: Option<String>,
    pub due_text: String,
    pub state: GoalState,
    pub progress: u8,
    pub note: String,
}

/// A planned activity as the plan shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionView {
    pub id: i64,
    pub activity: i64,
    pub title: String,
    pub kind: ActivityKind,
    pub provider: String,
    pub url: String,
    pub duration: String,
    pub status: ActionStatus,
    pub status_label: String,
    /// Levels it awards on completion: (title, level name).
    pub provides: Vec<(String, String)>,
    /// Who signs an on-the-job task off.
    pub mentor: Option<String>,
    /// Whether the trainee's manager (or an admin) named or confirmed the mentor; until
    /// then the mentor's sign-off cannot award levels.
    pub mentor_confirmed: bool,
    pub report: String,
    pub evidence_url: String,
    /// What the reviewer said last.
    pub feedback: String,
    /// "Completed on … (confirmed by …)" and the like.
    pub history: String,
}

/// A comment on a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanComment {
    pub author: String,
    pub at: String,
    pub body: String,
}

/// A person's development plan page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanPage {
    pub person: PersonId,
    pub person_name: String,
    pub is_me: bool,
    /// The caller manages the person (comments, approves, confirms).
    pub is_manager: bool,
    pub state: PlanState,
    pub updated: String,
    /// Not updated for [`STALE_PLAN_DAYS`] days.
    pub stale: bool,
    pub goals: Vec<GoalView>,
    pub actions: Vec<ActionView>,
    pub comments: Vec<PlanComment>,
    /// Reminders for the person (goals due soon, a stale plan).
    pub reminders: Vec<String>,
    /// How many goals of each state, in [`GoalState::ALL`] order.
    pub counts: Vec<(GoalState, u32)>,
    /// Has a position or target position whose gaps could start goals.
    pub has_gaps: bool,
    /// Competencies and skills a goal can be added on (the requirements of the position
    /// and target position without an open goal).
    pub options: Vec<NodeChoice>,
    pub now_ms: i64,
}

/// A plan not updated for this many days earns a reminder.
pub const STALE_PLAN_DAYS: i64 = 90;
/// Goals due within this many days earn a reminder.
pub const DUE_SOON_DAYS: i64 = 14;

/// Something waiting for a manager or mentor: a plan to approve or a completion to confirm.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingCheck {
    pub person: PersonId,
    pub person_name: String,
    /// The action, for a completion; `None` for a plan to approve.
    pub action: Option<i64>,
    pub what: String,
    pub report: String,
    pub evidence_url: String,
    pub at: String,
    /// The caller is the mentor (not the manager).
    pub as_mentor: bool,
}

/// The reminders for a plan: goals due within [`DUE_SOON_DAYS`] days (or overdue), and the
/// plan itself when not updated for [`STALE_PLAN_DAYS`] days.
pub fn reminders(goals: &[GoalView], updated_ms: i64, now_ms: i64) -> Vec<String> {
    goals
        .iter()
        .filter_map(|g| goal_reminder(&g.title, g.due.as_deref(), g.state, now_ms))
        .chain(stale_reminder(updated_ms, now_ms))
        .collect()
}

/// The reminder for one goal: a live goal due within [`DUE_SOON_DAYS`] days or overdue.
pub fn goal_reminder(
    title: &str,
    due: Option<&str>,
    state: GoalState,
    now_ms: i64,
) -> Option<String> {
    let live = matches!(
        state,
        GoalState::NotStarted | GoalState::InProgress | GoalState::Overdue
    );
    let due = due.filter(|_| live)?;
    let days = date_days(due)?;
    (days - now_ms.div_euclid(DAY_MS) <= DUE_SOON_DAYS)
        .then(|| format!("{title}: {}.", due_text(due, now_ms)))
}

/// The reminder for a plan not updated for [`STALE_PLAN_DAYS`] days.
pub fn stale_reminder(updated_ms: i64, now_ms: i64) -> Option<String> {
    plan_is_stale(updated_ms, now_ms).then(|| {
        format!(
            "Your plan has not been updated for {} days: review your goals.",
            (now_ms - updated_ms) / DAY_MS
        )
    })
}

/// Whether a plan last updated at `updated_ms` is stale.
pub fn plan_is_stale(updated_ms: i64, now_ms: i64) -> bool {
    now_ms - updated_ms >= STALE_PLAN_DAYS * DAY_MS
}

/// One usable row of a learning CSV: the activity's fields and the levels it awards, by
/// node reference (an identifier such as a CASE id or ESCO URI, or a title).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LearningRow {
    pub line: usize,
    pub fields: ActivityFields,
    pub provides: Vec<(String, u8)>,
}

/// Reads a learning CSV (header on line 1; columns found by name: title, kind or type,
/// provider, url or link, duration or duration_minutes, cost, description, id or
/// external_id, and provides or levels as `Node=level; Node=level`). Returns the usable
/// rows and, by line, the rows that cannot be used; a file without title and duration
/// columns is refused whole.
pub fn parse_learning_csv(
    header: &[String],
    rows: &[(usize, Vec<String>)],
) -> Result<(Vec<LearningRow>, Vec<super::case::Issue>), super::case::Issue> {
    use super::case::Issue;
    let names: Vec<String> = header
        .iter()
        .map(|h| {
            h.trim()
                .trim_start_matches('\u{feff}')
                .to_lowercase()
                .replace([' ', '-'], "_")
        })
        .collect();
    let col = |options: &[&str]| names.iter().position(|n| options.contains(&n.as_str()));
    let (Some(title), Some(duration)) = (
        col(&["title", "name"]),
        col(&["duration", "duration_minutes", "minutes", "hours"]),
    ) else {
        return Err(Issue::new(
            "line 1",
            "a learning CSV needs \u{201c}title\u{201d} and \u{201c}duration\u{201d} columns (and may have kind, provider, url, cost, description, id and provides).",
        ));
    };
    let in_hours = names[duration] == "hours";
    let kind = col(&["kind", "type"]);
    let provider = col(&["provider"]);
    let url = col(&["url", "link"]);
    let cost = col(&["cost", "price"]);
    let description = col(&["description"]);
    let external = col(&["id", "external_id", "identifier"]);
    let provides = col(&["provides", "levels", "competencies"]);
    let mut out = Vec::new();
    let mut problems = Vec::new();
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (line, cells) in rows {
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let at = format!("line {line}");
        let get = |c: Option<usize>| c.and_then(|i| cells.get(i)).map_or("", |s| s.trim());
        let raw_duration = get(Some(duration));
        let input = ActivityInput {
            title: get(Some(title)).to_string(),
            kind: match get(kind) {
                "" => "course".into(),
                k => k.to_string(),
            },
            provider: get(provider).to_string(),
            url: get(url).to_string(),
            duration: if in_hours && !raw_duration.is_empty() {
                format!("{raw_duration} h")
            } else {
                raw_duration.to_string()
            },
            cost: get(cost).to_string(),
            description: get(description).to_string(),
            external_id: get(external).to_string(),
        };
        let fields = match check_activity(&input) {
            Ok(f) => f,
            Err((field, message)) => {
                problems.push(Issue::new(at, format!("{field}: {message}")));
                continue;
            }
        };
        if let Some(x) = &fields.external_id {
            if let Some(first) = seen.insert(x.clone(), *line) {
                problems.push(Issue::new(
                    at,
                    format!("the id \u{201c}{x}\u{201d} is also on line {first}."),
                ));
                continue;
            }
        }
        let mut levels = Vec::new();
        let mut bad = None;
        for part in get(provides)
            .split([';', '|'])
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            match part.rsplit_once(['=', ':']) {
                Some((node, level)) if !node.trim().is_empty() => {
                    match level.trim().parse::<u8>() {
                        Ok(l) if (1..=10).contains(&l) => levels.push((node.trim().to_string(), l)),
                        _ => {
                            bad = Some(format!(
                        "provides: \u{201c}{part}\u{201d} needs a level from 1 to 10 after the =."
                    ))
                        }
                    }
                }
                _ => {
                    bad = Some(format!(
                        "provides: write \u{201c}{part}\u{201d} as Competency=level."
                    ))
                }
            }
        }
        if let Some(m) = bad {
            problems.push(Issue::new(at, m));
            continue;
        }
        out.push(LearningRow {
            line: *line,
            fields,
            provides: levels,
        });
    }
    Ok((out, problems))
}

/// The levels a completion awards: each level the activity provides, except where the
/// person already holds a higher one (a completion never lowers a level; at the same level
/// it renews it). `current` gives the effective current levels (0 if none or expired).
pub fn completion_awards(
    provides: &[(NodeId, u8)],
    current: &std::collections::HashMap<NodeId, u8>,
) -> (Vec<(NodeId, u8)>, Vec<NodeId>) {
    let mut award = Vec::new();
    let mut kept = Vec::new();
    for &(node, level) in provides {
        if current.get(&node).copied().unwrap_or(0) > level {
            kept.push(node);
        } else {
            award.push((node, level));
        }
    }
    (award, kept)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn learning_csv_rows_by_line() {
        let header: Vec<String> = ["Title", "Type", "Duration", "Cost", "ID", "Provides"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let row =
            |line: usize, cells: &[&str]| (line, cells.iter().map(|s| s.to_string()).collect());
        let rows = vec![
            row(
                2,
                &[
                    "Rust basics",
                    "course",
                    "2 days",
                    "450",
                    "RB1",
                    "Rust=2; Testing=1",
                ],
            ),
            row(3, &["", "course", "1h", "", "", ""]),
            row(4, &["Pairing", "on-the-job", "3 h", "", "RB1", ""]),
            row(5, &["Reading", "book", "soon", "", "", ""]),
            row(6, &["Talk", "workshop", "45", "", "", "Rust=12"]),
        ];
        let (ok, bad) = parse_learning_csv(&header, &rows).unwrap();
        assert_eq!(ok.len(), 1);
        assert_eq!(
            ok[0].provides,
            vec![("Rust".into(), 2), ("Testing".into(), 1)]
        );
        assert_eq!(ok[0].fields.duration_minutes, 960);
        let at: Vec<&str> = bad.iter().map(|i| i.at.as_str()).collect();
        assert_eq!(at, vec!["line 3", "line 4", "line 5", "line 6"]);
        assert!(bad[0].message.starts_with("title"));
        assert!(bad[1].message.contains("line 2"));
        assert!(bad[3].message.contains("1 to 10"));
        assert!(parse_learning_csv(&["name".to_string()], &[]).is_err());
    }

    #[test]
    fn completions_never_lower_a_level() {
        let current = [(NodeId(1), 4u8), (NodeId(2), 2)].into_iter().collect();
        let (award, kept) =
            completion_awards(&[(NodeId(1), 3), (NodeId(2), 2), (NodeId(3), 1)], &current);
        assert_eq!(award, vec![(NodeId(2), 2), (NodeId(3), 1)]);
        assert_eq!(kept, vec![NodeId(1)]);
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("90"), Ok(90));
        assert_eq!(parse_duration("1h 30m"), Ok(90));
        assert_eq!(parse_duration("1.5 hours"), Ok(90));
        assert_eq!(parse_duration("2 days"), Ok(960));
        assert_eq!(parse_duration("1 week"), Ok(2400));
        assert_eq!(parse_duration("1,5 h"), Ok(90));
        assert!(parse_duration("").unwrap_err().contains("how long"));
        assert!(parse_duration("soon").is_err());
        assert!(parse_duration("3 fortnights")
            .unwrap_err()
            .contains("minutes, hours"));
        assert!(parse_duration("0").is_err());
        assert!(parse_duration("300 weeks").is_err());
        assert_eq!(duration_text(45), "45 min");
        assert_eq!(duration_text(90), "1 h 30 min");
        assert_eq!(duration_text(120), "2 h");
        assert_eq!(duration_text(960), "2 days");
    }

    #[test]
    fn costs() {
        assert_eq!(parse_cost(""), Ok(None));
        assert_eq!(parse_cost("free"), Ok(None));
        assert_eq!(parse_cost("120"), Ok(Some(12_000)));
        assert_eq!(parse_cost("€ 1,200"), Ok(Some(120_000)));
        assert_eq!(parse_cost("1200,50"), Ok(Some(120_050)));
        assert_eq!(parse_cost("1,200.50 EUR"), Ok(Some(120_050)));
        assert!(parse_cost("-5").is_err());
        assert!(parse_cost("lots").is_err());
        assert_eq!(cost_text(Some(120_050)), "\u{20ac}1,200.50");
        assert_eq!(cost_text(Some(12_000)), "\u{20ac}120");
        assert_eq!(cost_text(None), "Free");
    }

    #[test]
    fn kinds_parse_what_people_write() {
        for k in ActivityKind::ALL {
            assert_eq!(ActivityKind::parse(k.as_str()), Some(k));
            assert_eq!(ActivityKind::parse(k.label()), Some(k));
        }
        assert_eq!(
            ActivityKind::parse("On the job"),
            Some(ActivityKind::OnTheJob)
        );
        assert_eq!(
            ActivityKind::parse("e-learning"),
            Some(ActivityKind::Course)
        );
        assert_eq!(ActivityKind::parse("podcast"), None);
    }

    #[test]
    fn dates() {
        assert_eq!(parse_date(" 2026-12-03 "), Ok(Some("2026-12-03".into())));
        assert_eq!(parse_date(""), Ok(None));
        assert!(parse_date("2026-02-30").is_err());
        assert!(parse_date("03/12/2026").is_err());
        let now = date_days("2026-11-24").unwrap() * DAY_MS + 3_600_000;
        assert_eq!(date_of(now), "2026-11-24");
        assert_eq!(due_text("2026-12-03", now), "due 3 Dec 2026 (in 9 days)");
        assert_eq!(
            due_text("2026-11-22", now),
            "overdue by 2 days (22 Nov 2026)"
        );
        assert_eq!(due_text("2026-11-24", now), "due today (24 Nov 2026)");
    }

    #[test]
    fn goal_states() {
        let now = date_days("2026-11-24").unwrap() * DAY_MS;
        let st = |status, start, cur, due: Option<&str>, busy| {
            goal_state(status, start, cur, 3, due, now, busy)
        };
        assert_eq!(
            st(GoalStatus::Open, 1, 1, None, false),
            GoalState::NotStarted
        );
        assert_eq!(
            st(GoalStatus::Open, 1, 2, None, false),
            GoalState::InProgress
        );
        assert_eq!(
            st(GoalStatus::Open, 1, 1, None, true),
            GoalState::InProgress
        );
        assert_eq!(
            st(GoalStatus::Open, 1, 2, Some("2026-11-01"), false),
            GoalState::Overdue
        );
        assert_eq!(
            st(GoalStatus::Open, 1, 3, Some("2026-11-01"), false),
            GoalState::Achieved
        );
        assert_eq!(
            st(GoalStatus::Dropped, 1, 3, None, false),
            GoalState::Dropped
        );
        assert_eq!(
            st(GoalStatus::Achieved, 1, 0, None, false),
            GoalState::Achieved
        );
        assert_eq!(goal_progress(1, 2, 3), 50);
        assert_eq!(goal_progress(1, 0, 3), 0);
        assert_eq!(goal_progress(3, 3, 3), 100);
    }

    #[test]
    fn reminders_for_due_goals_and_stale_plans() {
        let now = date_days("2026-11-24").unwrap() * DAY_MS;
        let goal = |due: &str, state| GoalView {
            id: 1,
            node: NodeId(1),
            title: "Testing".into(),
            path: vec![],
            levels: vec![],
            target: 3,
            current: 1,
            start: 1,
            due: Some(due.into()),
            due_text: String::new(),
            state,
            progress: 0,
            note: String::new(),
        };
        let goals = vec![
            goal("2026-12-01", GoalState::NotStarted),
            goal("2027-03-01", GoalState::InProgress),
            goal("2026-11-30", GoalState::Achieved),
        ];
        let r = reminders(&goals, now - DAY_MS, now);
        assert_eq!(r, vec!["Testing: due 1 Dec 2026 (in 7 days)."]);
        let r = reminders(&[], now - 91 * DAY_MS, now);
        assert_eq!(r.len(), 1);
        assert!(r[0].contains("91 days"));
    }

    #[test]
    fn activity_form_names_the_field() {
        let ok = ActivityInput {
            title: "Rust in practice".into(),
            kind: "Course".into(),
            duration: "2 days".into(),
            cost: "450".into(),
            url: "https://learn.example/rust".into(),
            ..Default::default()
        };
        let f = check_activity(&ok).unwrap();
        assert_eq!((f.duration_minutes, f.cost_cents), (960, Some(45_000)));
        let bad = |edit: fn(&mut ActivityInput)| {
            let mut i = ok.clone();
            edit(&mut i);
            check_activity(&i).unwrap_err().0
        };
        assert_eq!(bad(|i| i.title.clear()), "title");
        assert_eq!(bad(|i| i.kind = "podcast".into()), "kind");
        assert_eq!(bad(|i| i.url = "javascript:alert(1)".into()), "url");
        assert_eq!(bad(|i| i.duration = "soon".into()), "duration");
        assert_eq!(bad(|i| i.cost = "-3".into()), "cost");
    }

    proptest! {
        #[test]
        fn durations_round_trip_through_their_text(m in 1u32..MAX_DURATION_MINUTES) {
            let text = duration_text(u64::from(m));
            let spoken = text.replace(" min", "m").replace(" h", "h");
            prop_assert_eq!(parse_duration(&spoken), Ok(m));
        }

        #[test]
        fn progress_is_a_percentage(start in 0u8..10, cur in 0u8..10, target in 1u8..10) {
            let p = goal_progress(start, cur, target);
            prop_assert!(p <= 100);
            prop_assert_eq!(p == 100, cur >= target);
        }
    }
}

//! The authorization matrix: every endpoint the code registers (server functions from the
//! server_fn registry, pages from the route list, hand-written routes from each module's
//! `ROUTES`), called as each kind of caller, compared with the rule declared below.
//!
//! An endpoint without a declared rule fails the test, and so does a rule for an endpoint
//! that no longer exists: adding an endpoint means adding one line to `rules()`.
//!
//! The callers are named relative to one subject, Liam Chen (a platform engineer): himself,
//! his manager, his manager's manager, a peer in his team, someone in another unit, an HR
//! viewer and an admin, plus anonymous. Endpoints that take a person or an object are
//! called on Liam's (his profile, plan, goal, rating, evidence...), so each caller meets the
//! object through a different relationship.
//!
//! State: the demo organisation plus Liam's objects is built once and frozen
//! (`TestApp::snapshot`); reads all run on one copy, and each write endpoint runs on a copy
//! of its own, the callers expected to be refused first: they meet the untouched state, so
//! a write let through earlier can at most turn a later allowed call into a (visible)
//! spurious refusal, never hide a hole.

use crate::helpers::*;
use axum::http::StatusCode;
use futures::StreamExt;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

/// Same unit and manager as the subject, not in his line.
const PEER: &str = "amara.nwosu@northwind.example";
/// Customer Success: another unit, another line.
const OTHER_UNIT: &str = "lucy.hughes@northwind.example";

/// Who calls, relative to the subject (EMPLOYEE, Liam Chen).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Who {
    Anonymous,
    Subject,
    Manager,
    SkipManager,
    Peer,
    OtherUnit,
    Hr,
    Admin,
}

use Who::*;

const CALLERS: [Who; 8] = [
    Anonymous,
    Subject,
    Manager,
    SkipManager,
    Peer,
    OtherUnit,
    Hr,
    Admin,
];

impl Who {
    fn email(self) -> Option<&'static str> {
        match self {
            Anonymous => None,
            Subject => Some(EMPLOYEE),
            Manager => Some(MANAGER),
            SkipManager => Some(SKIP_MANAGER),
            Peer => Some(PEER),
            OtherUnit => Some(OTHER_UNIT),
            Hr => Some(HR),
            Admin => Some(ADMIN),
        }
    }
}

/// Who an endpoint lets through (DESIGN.md "Permissions follow the reporting line").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Rule {
    /// Anyone, signed in or not.
    Public,
    /// Single sign-on's own addresses: everyone is sent back to sign in, since the test
    /// app has no identity provider and no sign-in was started (the whole flow is proven
    /// in the browser against a real provider).
    SignInFlow,
    /// Anyone signed in: the answer is about the caller, or open to all staff.
    SignedIn,
    /// Admins only.
    AdminOnly,
    /// Admins and HR viewers: organisation-wide reports.
    AdminOrHr,
    /// Whoever may search people: anyone with reports, HR viewers, admins.
    TeamViewers,
    /// The team of the subject's manager: that manager, their managers, HR, admins.
    ManagersTeam,
    /// Reading the subject's data: themself, their direct and indirect managers, HR
    /// viewers, admins.
    SelfOrLine,
    /// Changing the subject's plan: themself, their managers, admins (HR is read-only).
    SelfOrLineEdit,
    /// Adding to the subject's ratings (evidence, peer requests): themself or their
    /// managers.
    SelfOrManagers,
    /// A manager's judgement on the subject (rate, approve, verify, confirm): their direct
    /// and indirect managers only. An admin who is not in the line does not judge someone
    /// else's report: the record would say "manager" for someone who is not.
    Managers,
    /// The subject themself, or an admin (naming a target position).
    SelfOrAdmin,
    /// Only the subject (reporting his own activity done).
    SelfOnly,
    /// Only the colleague a peer request is addressed to (the peer).
    Addressee,
    /// No signed-in person: a system with an API token (`/api/v1`, tested in `api_v1.rs`).
    TokenOnly,
}

impl Rule {
    fn allows(self, who: Who) -> bool {
        match self {
            Rule::Public => true,
            Rule::SignInFlow => false,
            Rule::SignedIn => who != Anonymous,
            Rule::AdminOnly => who == Admin,
            Rule::AdminOrHr => matches!(who, Admin | Hr),
            // Hr and Admin have reports of their own in the demo, as do both managers.
            Rule::TeamViewers | Rule::ManagersTeam => {
                matches!(who, Manager | SkipManager | Hr | Admin)
            }
            Rule::SelfOrLine => matches!(who, Subject | Manager | SkipManager | Hr | Admin),
            Rule::SelfOrLineEdit => matches!(who, Subject | Manager | SkipManager | Admin),
            Rule::SelfOrManagers => matches!(who, Subject | Manager | SkipManager),
            Rule::Managers => matches!(who, Manager | SkipManager),
            Rule::SelfOrAdmin => matches!(who, Subject | Admin),
            Rule::SelfOnly => who == Subject,
            Rule::Addressee => who == Peer,
            Rule::TokenOnly => false,
        }
    }
}

/// Whether a call may change what later calls see.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Effect {
    /// Changes nothing another caller would notice: shares one database with the reads.
    Read,
    /// Changes state: runs on a database copy of its own.
    Write,
}

/// How to make the request.
enum Req {
    /// A server function, posted the way the WASM client does.
    Fn(Vec<(String, String)>),
    /// A GET of a page or a download.
    Get(String),
    /// A multipart upload: (path, text fields, file name, file bytes).
    Upload(String, Vec<(String, String)>, &'static str, Vec<u8>),
    /// A JSON body posted to a path, as a system calling `/api/v1` does.
    Json(String, String),
    /// A JSON body sent with another method (`/scim/v2`'s PUT, PATCH and DELETE).
    Send(&'static str, String, String),
}

/// One endpoint's declared rule and how to call it.
struct Check {
    /// "METHOD path" exactly as enumerated from the code.
    key: String,
    rule: Rule,
    effect: Effect,
    req: fn(&Fx) -> Req,
}

/// The objects the calls name: ids as text, ready for forms and paths.
struct Fx {
    subject: String,
    manager: String,
    /// The admin caller: erasing them is refused as a conflict after the permission
    /// check, so the erasure endpoint is proven without deleting the shared evidence files.
    admin: String,
    unit: String,
    unit_parent: String,
    /// A published framework and its revision; `node` and `node2` are rateable nodes in it
    /// that the subject's position requires; `top` is a category of it.
    framework: String,
    revision: String,
    node: String,
    node2: String,
    top: String,
    position: String,
    position2: String,
    link: String,
    activity: String,
    activity2: String,
    /// The subject's pending self-rating on `node`, with evidence (a file) attached.
    rating: String,
    evidence: String,
    /// The subject's goal on `node`, a planned activity and one reported done (his plan
    /// waits for approval).
    goal: String,
    action: String,
    reported: String,
    /// The subject asked the peer for a rating on `node`.
    request: String,
    /// A staged learning-catalogue import.
    import: String,
    /// A live API token (`people:read`).
    token: String,
}

// The rule table's helpers: one line per endpoint.

fn sf(endpoint: &str, rule: Rule, effect: Effect, req: fn(&Fx) -> Req) -> Check {
    Check {
        key: format!("POST /api/{endpoint}"),
        rule,
        effect,
        req,
    }
}

fn page(path: &str, rule: Rule, req: fn(&Fx) -> Req) -> Check {
    Check {
        key: format!("GET {path}"),
        rule,
        effect: Effect::Read,
        req,
    }
}

fn route(key: &str, rule: Rule, effect: Effect, req: fn(&Fx) -> Req) -> Check {
    Check {
        key: key.to_string(),
        rule,
        effect,
        req,
    }
}

fn form(pairs: &[(&str, &str)]) -> Req {
    Req::Fn(
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    )
}

fn get(path: String) -> Req {
    Req::Get(path)
}

fn none(_: &Fx) -> Req {
    form(&[])
}

use Effect::{Read, Write};
use Rule::*;

/// The declared rules: every endpoint, one line each.
#[rustfmt::skip]
fn rules() -> Vec<Check> {
    vec![
        // Signing in and out.
        sf("sign_in", Public, Write, |_| form(&[("email", EMPLOYEE), ("password", PW), ("next", "")])),
        sf("sign_out", Public, Write, none),
        sf("whoami", Public, Read, none),
        sf("sign_in_options", Public, Read, none),
        // Directory.
        sf("home", SignedIn, Read, none),
        sf("people/list", TeamViewers, Read, |_| form(&[("query", ""), ("unit_id", ""), ("include_inactive", "false"), ("page", "0")])),
        sf("people/get", SelfOrLine, Read, |f| form(&[("id", &f.subject)])),
        sf("people/create", AdminOnly, Write, |f| form(&[("input[name]", "Matrix Person"), ("input[email]", "matrix.person@northwind.example"), ("input[job_title]", "Tester"), ("input[role]", "employee"), ("input[unit_id]", &f.unit), ("input[manager_email]", MANAGER), ("input[password]", "a long enough password 1")])),
        sf("people/update", AdminOnly, Write, |f| form(&[("id", &f.subject), ("input[name]", "Liam Chen"), ("input[email]", EMPLOYEE), ("input[job_title]", "Software Engineer"), ("input[role]", "employee"), ("input[unit_id]", &f.unit), ("input[manager_email]", MANAGER), ("input[password]", "")])),
        sf("people/set_active", AdminOnly, Write, |f| form(&[("id", &f.subject), ("active", "false")])),
        sf("units/list", SignedIn, Read, none),
        sf("units/create", AdminOnly, Write, |_| form(&[("name", "Matrix unit"), ("parent_id", "")])),
        sf("units/update", AdminOnly, Write, |f| form(&[("id", &f.unit), ("name", "Platform"), ("parent_id", &f.unit_parent)])),
        // Assessment.
        sf("skills/get", SelfOrLine, Read, |f| form(&[("person", &f.subject), ("scope", "")])),
        sf("skills/submit", SignedIn, Write, |f| form(&[(&format!("input[levels][{}]", f.node2), "2"), ("input[comment]", "")])),
        sf("reviews/queue", SignedIn, Read, none),
        sf("reviews/decide", Managers, Write, |f| form(&[("decision", "approve"), ("comment", ""), ("rating", &f.rating)])),
        sf("skills/rate", Managers, Write, |f| form(&[("person", &f.subject), ("node", &f.node2), ("level", "2"), ("comment", "")])),
        sf("skills/history", SelfOrLine, Read, |f| form(&[("node", &f.node), ("person", &f.subject)])),
        sf("evidence/link", SelfOrManagers, Write, |f| form(&[("rating", &f.rating), ("url", "https://example.org/certificate")])),
        sf("evidence/verify", Managers, Write, |f| form(&[("id", &f.evidence)])),
        sf("peers/request", SelfOrManagers, Write, |f| form(&[("person", &f.subject), ("peers", "jonas.keller@northwind.example"), (&format!("nodes[{}]", f.node2), "on")])),
        sf("peers/open", SignedIn, Read, none),
        sf("peers/answer", Addressee, Write, |f| form(&[("id", &f.request), ("level", "2"), ("comment", "")])),
        sf("peers/decline", Addressee, Write, |f| form(&[("id", &f.request)])),
        sf("inbox/get", SignedIn, Read, none),
        sf("inbox/count", SignedIn, Read, none),
        sf("inbox/seen", SignedIn, Write, none),
        sf("account/password", SignedIn, Write, |_| form(&[("current", PW), ("new", "matrix new password 1"), ("confirm", "matrix new password 1")])),
        // Trust and privacy.
        sf("audit/list", AdminOnly, Read, none),
        sf("people/erase", AdminOnly, Write, |f| form(&[("id", &f.admin)])),
        // Development.
        sf("learning/catalogue", SignedIn, Read, |_| form(&[("q", ""), ("archived", "false")])),
        sf("learning/activity", SignedIn, Read, |f| form(&[("id", &f.activity)])),
        sf("learning/save", AdminOnly, Write, |f| form(&[("id", &f.activity), ("input[title]", "Matrix course"), ("input[kind]", "course"), ("input[duration]", "2h")])),
        sf("learning/active", AdminOnly, Write, |f| form(&[("id", &f.activity), ("active", "")])),
        sf("learning/level", AdminOnly, Write, |f| form(&[("id", &f.activity), ("node", &f.node2), ("level", "2")])),
        sf("learning/unlevel", AdminOnly, Write, |f| form(&[("id", &f.activity), ("node", &f.node2)])),
        sf("learning/nodes", AdminOnly, Read, |_| form(&[("q", "test")])),
        sf("learning/close-gap", SelfOrLine, Read, |f| form(&[("person", &f.subject), ("scope", "position")])),
        sf("learning/complete", AdminOnly, Write, |f| form(&[("email", EMPLOYEE), ("activity", &f.activity), ("source", "")])),
        sf("plan/get", SelfOrLine, Read, |f| form(&[("person", &f.subject)])),
        sf("plan/goal/add", SelfOrLineEdit, Write, |f| form(&[("person", &f.subject), ("node", &f.node2), ("target", "3"), ("due", ""), ("note", "")])),
        sf("plan/goal/update", SelfOrLineEdit, Write, |f| form(&[("goal", &f.goal), ("target", "3"), ("due", ""), ("note", "matrix")])),
        sf("plan/goal/status", SelfOrLineEdit, Write, |f| form(&[("goal", &f.goal), ("status", "dropped")])),
        sf("plan/goal/from-gaps", SelfOrLineEdit, Write, |f| form(&[("person", &f.subject), ("scope", "position"), ("due", "")])),
        sf("plan/add-activities", SelfOrLineEdit, Write, |f| form(&[("person", &f.subject), ("scope", "position"), ("activity", &f.activity2)])),
        sf("plan/action/drop", SelfOrLineEdit, Write, |f| form(&[("id", &f.action)])),
        // A course has no mentor: the allowed callers get 422 after the permission check.
        sf("plan/action/mentor", SelfOrLineEdit, Write, |f| form(&[("id", &f.action), ("mentor", PEER)])),
        sf("plan/action/report", SelfOnly, Write, |f| form(&[("id", &f.action), ("report", "Done it"), ("evidence_url", "")])),
        sf("plan/action/decide", Managers, Write, |f| form(&[("id", &f.reported), ("decision", "confirm"), ("feedback", "")])),
        sf("plan/submit", SignedIn, Write, none),
        sf("plan/decide", Managers, Write, |f| form(&[("person", &f.subject), ("decision", "approve"), ("comment", "")])),
        sf("plan/comment", SelfOrLineEdit, Write, |f| form(&[("person", &f.subject), ("body", "Looks good")])),
        sf("plan/checks", SignedIn, Read, none),
        sf("recognition/get", SelfOrLine, Read, |f| form(&[("person", &f.subject)])),
        sf("recognition/leaderboard", SignedIn, Write, |_| form(&[("choice", "out")])),
        // Frameworks.
        sf("frameworks/list", SignedIn, Read, none),
        sf("frameworks/create", AdminOnly, Write, |_| form(&[("name", "Matrix framework"), ("description", "")])),
        sf("frameworks/tree", AdminOnly, Read, |f| form(&[("id", &f.framework), ("q", ""), ("limit", "0")])),
        sf("frameworks/summary", AdminOnly, Read, |f| form(&[("framework", &f.framework)])),
        sf("frameworks/scale", AdminOnly, Read, |f| form(&[("framework", &f.framework)])),
        sf("frameworks/save_scale", AdminOnly, Write, |f| form(&[("framework", &f.framework), ("revision", &f.revision), ("form[threshold]", "3")])),
        sf("frameworks/clone", AdminOnly, Write, |f| form(&[("framework", &f.framework)])),
        sf("frameworks/blend_sources", AdminOnly, Read, none),
        sf("frameworks/blend", AdminOnly, Write, |f| form(&[("name", "Matrix blend"), ("description", ""), (&format!("nodes[{}]", f.top), "on")])),
        sf("frameworks/add_node", AdminOnly, Write, |f| form(&[("framework", &f.framework), ("revision", &f.revision), ("parent", ""), ("kind", "category"), ("title", "Matrix category")])),
        sf("frameworks/move_node", AdminOnly, Write, |f| form(&[("framework", &f.framework), ("revision", &f.revision), ("node", &f.top), ("action", "down"), ("parent", ""), ("index", "0")])),
        sf("frameworks/delete_node", AdminOnly, Write, |f| form(&[("framework", &f.framework), ("revision", &f.revision), ("node", &f.top)])),
        sf("frameworks/node", AdminOnly, Read, |f| form(&[("framework", &f.framework), ("node", &f.node)])),
        sf("frameworks/save_node", AdminOnly, Write, |f| form(&[("framework", &f.framework), ("revision", &f.revision), ("node", &f.node), ("input[title]", "Matrix node"), ("input[short_code]", ""), ("input[definition]", ""), ("input[key_behaviours]", ""), ("input[validity_months]", ""), ("input[external_id]", "")])),
        sf("frameworks/publish", AdminOnly, Write, |f| form(&[("framework", &f.framework), ("revision", &f.revision)])),
        sf("frameworks/versions", AdminOnly, Read, |f| form(&[("framework", &f.framework)])),
        sf("frameworks/compare", AdminOnly, Read, |f| form(&[("framework", &f.framework), ("from", "1"), ("to", "draft")])),
        sf("frameworks/published", SignedIn, Read, |f| form(&[("framework", &f.framework)])),
        sf("imports/preview", AdminOnly, Read, |f| form(&[("id", &f.import)])),
        sf("imports/confirm", AdminOnly, Write, |f| form(&[("id", &f.import)])),
        // Positions and careers.
        sf("positions/list", SignedIn, Read, none),
        sf("positions/create", AdminOnly, Write, |_| form(&[("input[title]", "Matrix position"), ("input[description]", ""), ("input[track]", "individual"), ("input[rank]", "1")])),
        sf("positions/get", AdminOnly, Read, |f| form(&[("id", &f.position)])),
        sf("positions/save", AdminOnly, Write, |f| form(&[("id", &f.position), ("input[title]", "Matrix position"), ("input[description]", ""), ("input[track]", "individual"), ("input[rank]", "1")])),
        sf("positions/delete", AdminOnly, Write, |f| form(&[("id", &f.position)])),
        sf("positions/picker", AdminOnly, Read, |f| form(&[("position", &f.position), ("q", "")])),
        sf("positions/add_requirement", AdminOnly, Write, |f| form(&[("position", &f.position2), ("input[node]", &f.node), ("input[level]", "2"), ("input[weight]", "1")])),
        sf("positions/add_whole", AdminOnly, Write, |f| form(&[("position", &f.position2), ("node", &f.node), ("level", "")])),
        sf("positions/update_requirement", AdminOnly, Write, |f| form(&[("position", &f.position), ("input[node]", &f.node), ("input[level]", "2"), ("input[weight]", "1")])),
        sf("positions/remove_requirement", AdminOnly, Write, |f| form(&[("position", &f.position), ("node", &f.node)])),
        sf("positions/draft", AdminOnly, Read, |f| form(&[("position", &f.position), ("description", "Builds and runs services in Rust"), ("rejected", "")])),
        sf("positions/assign", AdminOnly, Write, |f| form(&[("position", &f.position2), ("email", EMPLOYEE)])),
        sf("positions/assign_unit", AdminOnly, Write, |f| form(&[("position", &f.position2), ("unit_id", &f.unit)])),
        sf("positions/unassign", AdminOnly, Write, |f| form(&[("person", &f.subject)])),
        sf("positions/set_target", SelfOrAdmin, Write, |f| form(&[("person", &f.subject), ("target", &f.position2)])),
        sf("careers/map", SignedIn, Read, none),
        sf("careers/position", SignedIn, Read, |f| form(&[("id", &f.position)])),
        sf("careers/add_link", AdminOnly, Write, |f| form(&[("input[from]", &f.position2), ("input[to]", &f.position), ("input[kind]", "lateral"), ("input[notes]", "")])),
        sf("careers/update_link", AdminOnly, Write, |f| form(&[("id", &f.link), ("kind", "lateral"), ("notes", "matrix")])),
        sf("careers/delete_link", AdminOnly, Write, |f| form(&[("id", &f.link)])),
        sf("careers/compare", SelfOrLine, Read, |f| form(&[("position", &f.position2), ("person", &f.subject)])),
        // Team and organisation views.
        sf("team/heatmap", ManagersTeam, Read, |f| form(&[("manager", &f.manager)])),
        sf("team/stamp", SignedIn, Read, none),
        sf("talent/options", TeamViewers, Read, none),
        sf("talent/search", TeamViewers, Read, |f| form(&[("criteria", &format!("{}:1", f.node)), ("unit", "")])),
        sf("reports/org", AdminOrHr, Read, none),
        sf("tokens/list", AdminOnly, Read, none),
        sf("tokens/create", AdminOnly, Write, |_| form(&[("name", "LMS"), ("scopes[completions:write]", "on"), ("days", "30")])),
        sf("tokens/revoke", AdminOnly, Write, |f| form(&[("id", &f.token)])),
        sf("reports/supply", AdminOrHr, Read, none),
        sf("talent/succession", TeamViewers, Read, |f| form(&[("position", &f.position2)])),
        // Hand-written routes.
        route("GET /healthz", Public, Read, |_| get("/healthz".into())),
        route("GET /auth/oidc/start", SignInFlow, Read, |_| get("/auth/oidc/start?next=/".into())),
        route("GET /auth/oidc/callback", SignInFlow, Read, |_| get("/auth/oidc/callback?code=c&state=s".into())),
        route("POST /evidence/upload", SelfOrManagers, Write, |f| Req::Upload("/evidence/upload".into(), vec![("rating".into(), f.rating.clone())], "certificate.png", png())),
        route("GET /evidence/{id}", SelfOrLine, Read, |f| get(format!("/evidence/{}", f.evidence))),
        route("GET /api/v1/people", TokenOnly, Read, |_| get("/api/v1/people".into())),
        route("GET /api/v1/people/{id}", TokenOnly, Read, |f| get(format!("/api/v1/people/{}", f.subject))),
        route("GET /api/v1/units", TokenOnly, Read, |_| get("/api/v1/units".into())),
        route("GET /api/v1/positions", TokenOnly, Read, |_| get("/api/v1/positions".into())),
        route("GET /api/v1/positions/{id}", TokenOnly, Read, |f| get(format!("/api/v1/positions/{}", f.position))),
        route("GET /api/v1/frameworks", TokenOnly, Read, |_| get("/api/v1/frameworks".into())),
        route("GET /api/v1/frameworks/{id}/nodes", TokenOnly, Read, |f| get(format!("/api/v1/frameworks/{}/nodes", f.framework))),
        route("GET /api/v1/frameworks/{id}/case", TokenOnly, Read, |f| get(format!("/api/v1/frameworks/{}/case", f.framework))),
        route("GET /api/v1/levels", TokenOnly, Read, |_| get("/api/v1/levels".into())),
        route("GET /api/v1/ratings", TokenOnly, Read, |_| get("/api/v1/ratings".into())),
        route("POST /api/v1/ratings", TokenOnly, Write, |f| Req::Json("/api/v1/ratings".into(), format!(r#"{{"email":"liam.chen@northwind.example","node_id":{},"level":1,"source":"lms"}}"#, f.node))),
        route("GET /api/v1/activities", TokenOnly, Read, |_| get("/api/v1/activities".into())),
        route("GET /api/v1/plans", TokenOnly, Read, |_| get("/api/v1/plans".into())),
        route("GET /api/v1/goals", TokenOnly, Read, |_| get("/api/v1/goals".into())),
        route("GET /api/v1/reports/org", TokenOnly, Read, |_| get("/api/v1/reports/org".into())),
        route("POST /api/v1/completions", TokenOnly, Write, |_| Req::Json("/api/v1/completions".into(), r#"{"email":"liam.chen@northwind.example","activity":"1"}"#.into())),
        route("GET /scim/v2/ServiceProviderConfig", TokenOnly, Read, |_| get("/scim/v2/ServiceProviderConfig".into())),
        route("GET /scim/v2/ResourceTypes", TokenOnly, Read, |_| get("/scim/v2/ResourceTypes".into())),
        route("GET /scim/v2/Schemas", TokenOnly, Read, |_| get("/scim/v2/Schemas".into())),
        route("GET /scim/v2/Users", TokenOnly, Read, |_| get("/scim/v2/Users".into())),
        route("POST /scim/v2/Users", TokenOnly, Write, |_| Req::Json("/scim/v2/Users".into(), r#"{"userName":"new.hire@northwind.example"}"#.into())),
        route("GET /scim/v2/Users/{id}", TokenOnly, Read, |f| get(format!("/scim/v2/Users/{}", f.subject))),
        route("PUT /scim/v2/Users/{id}", TokenOnly, Write, |f| Req::Send("PUT", format!("/scim/v2/Users/{}", f.subject), r#"{"userName":"liam.chen@northwind.example"}"#.into())),
        route("PATCH /scim/v2/Users/{id}", TokenOnly, Write, |f| Req::Send("PATCH", format!("/scim/v2/Users/{}", f.subject), r#"{"Operations":[{"op":"replace","path":"active","value":false}]}"#.into())),
        route("DELETE /scim/v2/Users/{id}", TokenOnly, Write, |f| Req::Send("DELETE", format!("/scim/v2/Users/{}", f.subject), String::new())),
        route("GET /scim/v2/Groups", TokenOnly, Read, |_| get("/scim/v2/Groups".into())),
        route("POST /scim/v2/Groups", TokenOnly, Write, |_| Req::Json("/scim/v2/Groups".into(), r#"{"displayName":"New unit"}"#.into())),
        route("GET /scim/v2/Groups/{id}", TokenOnly, Read, |f| get(format!("/scim/v2/Groups/{}", f.unit))),
        route("PUT /scim/v2/Groups/{id}", TokenOnly, Write, |f| Req::Send("PUT", format!("/scim/v2/Groups/{}", f.unit), r#"{"displayName":"Renamed"}"#.into())),
        route("PATCH /scim/v2/Groups/{id}", TokenOnly, Write, |f| Req::Send("PATCH", format!("/scim/v2/Groups/{}", f.unit), r#"{"Operations":[{"op":"replace","path":"displayName","value":"Renamed"}]}"#.into())),
        route("DELETE /scim/v2/Groups/{id}", TokenOnly, Write, |f| Req::Send("DELETE", format!("/scim/v2/Groups/{}", f.unit), String::new())),
        route("GET /api/v1/openapi.json", Public, Read, |_| get("/api/v1/openapi.json".into())),
        route("GET /api/v1/docs", Public, Read, |_| get("/api/v1/docs".into())),
        route("GET /reports/org.csv", AdminOrHr, Read, |_| get("/reports/org.csv".into())),
        route("GET /admin/audit.csv", AdminOnly, Read, |_| get("/admin/audit.csv".into())),
        route("GET /people/{id}/data.json", AdminOnly, Read, |f| get(format!("/people/{}/data.json", f.subject))),
        route("GET /frameworks/{id}/moodle.csv", AdminOnly, Read, |f| get(format!("/frameworks/{}/moodle.csv", f.framework))),
        route("GET /frameworks/{id}/case.json", AdminOnly, Read, |f| get(format!("/frameworks/{}/case.json", f.framework))),
        route("GET /credentials/{person}/{file}", SelfOrLine, Read, |f| get(format!("/credentials/{}/{}.json", f.subject, f.node2))),
        route("POST /frameworks/import", AdminOnly, Write, |_| Req::Upload("/frameworks/import".into(), vec![("format".into(), "learning-csv".into())], "learning.csv", LEARNING_CSV.as_bytes().to_vec())),
        // Pages.
        page("/sign-in", Public, |_| get("/sign-in".into())),
        page("/", SignedIn, |_| get("/".into())),
        page("/people", TeamViewers, |_| get("/people".into())),
        page("/people/new", AdminOnly, |_| get("/people/new".into())),
        page("/account", SignedIn, |_| get("/account".into())),
        page("/admin/audit", AdminOnly, |_| get("/admin/audit".into())),
        page("/admin/tokens", AdminOnly, |_| get("/admin/tokens".into())),
        page("/people/{id}", SelfOrLine, |f| get(format!("/people/{}", f.subject))),
        page("/people/{id}/edit", AdminOnly, |f| get(format!("/people/{}/edit", f.subject))),
        page("/units", SignedIn, |_| get("/units".into())),
        page("/frameworks", SignedIn, |_| get("/frameworks".into())),
        page("/frameworks/blend", AdminOnly, |_| get("/frameworks/blend".into())),
        page("/frameworks/import", AdminOnly, |_| get("/frameworks/import".into())),
        page("/frameworks/import/{id}", AdminOnly, |f| get(format!("/frameworks/import/{}", f.import))),
        page("/frameworks/{id}", AdminOnly, |f| get(format!("/frameworks/{}", f.framework))),
        page("/frameworks/{id}/scale", AdminOnly, |f| get(format!("/frameworks/{}/scale", f.framework))),
        page("/frameworks/{id}/view", SignedIn, |f| get(format!("/frameworks/{}/view", f.framework))),
        page("/frameworks/{id}/versions", AdminOnly, |f| get(format!("/frameworks/{}/versions", f.framework))),
        page("/positions", SignedIn, |_| get("/positions".into())),
        page("/positions/{id}", AdminOnly, |f| get(format!("/positions/{}", f.position))),
        page("/careers", SignedIn, |_| get("/careers".into())),
        page("/careers/compare", SelfOrLine, |f| get(format!("/careers/compare?position={}&person={}", f.position2, f.subject))),
        page("/skills", SelfOrLine, |f| get(format!("/skills?person={}", f.subject))),
        page("/skills/history", SelfOrLine, |f| get(format!("/skills/history?node={}&person={}", f.node, f.subject))),
        page("/reviews", SignedIn, |_| get("/reviews".into())),
        page("/team", ManagersTeam, |f| get(format!("/team?manager={}", f.manager))),
        page("/talent", TeamViewers, |_| get("/talent".into())),
        page("/talent/succession", TeamViewers, |_| get("/talent/succession".into())),
        page("/reports", AdminOrHr, |_| get("/reports".into())),
        page("/reports/supply", AdminOrHr, |_| get("/reports/supply".into())),
        page("/inbox", SignedIn, |_| get("/inbox".into())),
        page("/plan", SelfOrLine, |f| get(format!("/plan?person={}", f.subject))),
        page("/plan/checks", SignedIn, |_| get("/plan/checks".into())),
        page("/learning", SignedIn, |_| get("/learning".into())),
        page("/learning/close-gap", SelfOrLine, |f| get(format!("/learning/close-gap?person={}", f.subject))),
        page("/learning/{id}", SignedIn, |f| get(format!("/learning/{}", f.activity))),
        page("/recognition", SelfOrLine, |f| get(format!("/recognition?person={}", f.subject))),
    ]
}

/// A learning-catalogue CSV that stages cleanly.
const LEARNING_CSV: &str = "title,duration,id\nMatrix course,2 days,MTX-1\n";

/// A tiny PNG (its signature is what the upload check reads).
fn png() -> Vec<u8> {
    let mut b = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0".to_vec();
    b.extend_from_slice(&[0x1f, 0x15, 0xc4, 0x89, 0, 0, 0, 0, b'I', b'E', b'N', b'D']);
    b
}

/// Every endpoint the code registers, as "METHOD path".
fn enumerate() -> BTreeSet<String> {
    let mut all = BTreeSet::new();
    for (path, method) in leptos::server_fn::axum::server_fn_paths() {
        all.insert(format!("{method} {path}"));
    }
    for listing in leptos_axum::generate_route_list(app::App) {
        all.insert(format!("GET {}", listing.path()));
    }
    for table in [
        server::startup::ROUTES,
        server::api_v1::ROUTES,
        server::evidence::ROUTES,
        server::exports::ROUTES,
        server::imports::ROUTES,
        server::sso::ROUTES,
        server::scim::ROUTES,
    ] {
        for (method, path) in table {
            // The dispatcher's endpoints are the server functions, listed above.
            if *path != server::startup::SERVER_FNS {
                all.insert(format!("{method} {path}"));
            }
        }
    }
    all
}

/// How the endpoint answered.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Answer {
    Allowed,
    Denied,
    /// Neither: a malformed request (400), a server error, or an unexpected status. The
    /// test's own arguments are wrong, or the endpoint is broken: a mismatch either way.
    Broken(String),
}

fn classify(res: &Res) -> Answer {
    let s = res.status;
    if s.is_success() {
        // A page that failed to load its data sets the error's status, but a 200 page can
        // still carry a permission panel from a partial load.
        if res.body.contains("panel panel-error")
            && (res.body.contains("Not available to you") || res.body.contains("<h2>Signed out"))
        {
            return Answer::Denied;
        }
        return Answer::Allowed;
    }
    if s.is_redirection() {
        return match res.location() {
            Some(l) if l.starts_with("/sign-in") => Answer::Denied,
            _ => Answer::Allowed,
        };
    }
    match s {
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN | StatusCode::NOT_FOUND => Answer::Denied,
        // With the well-formed arguments sent here, a refused caller gets 401/403/404
        // before any validation (422) or conflict (409): these callers were let through.
        // (A service that validated first would show up as an unexpected allow.)
        StatusCode::UNPROCESSABLE_ENTITY | StatusCode::CONFLICT => Answer::Allowed,
        _ => Answer::Broken(format!(
            "{s}: {}",
            res.body.chars().take(160).collect::<String>()
        )),
    }
}

/// Signs everyone in on the template and builds the subject's objects through the API.
async fn fixture(app: &TestApp) -> (Fx, BTreeMap<Who, String>) {
    let cookies = sign_everyone_in(app).await;
    let subject = person(app, EMPLOYEE).await;
    let (position, node, node2, framework, unit) = the_subjects_place(app, &subject).await;
    let liam = cookies[&Subject].clone();
    let grace = cookies[&Manager].clone();
    let (rating, evidence) = rate_the_subject(app, &liam, &grace, &subject, &node, &node2).await;
    let (goal, activity, activity2, action, reported) =
        plan_the_subjects_development(app, &liam, &subject, &node).await;
    let request = ask_the_peer(app, &liam, &subject, &node).await;
    stage_an_import(app, &cookies[&Admin]).await;
    let token = app::server::api_tokens::create(&app.db, None, "HR sync", "people:read", Some(30))
        .await
        .expect("a token")
        .0
        .id
        .to_string();
    let fx = Fx {
        token,
        manager: person(app, MANAGER).await,
        admin: person(app, ADMIN).await,
        unit_parent: scalar(app, format!("select coalesce(parent_id, 0) from org_unit where id = {unit}")).await,
        revision: scalar(app, format!("select revision from framework where id = {framework}")).await,
        top: scalar(app, format!(
            "select min(id) from framework_node where framework_id = {framework} and parent_id is null"
        ))
        .await,
        position2: scalar(app, format!("select min(id) from job_position where id <> {position}")).await,
        link: scalar(app, "select min(id) from career_link".into()).await,
        import: scalar(app, "select max(id) from pending_import".into()).await,
        subject,
        unit,
        framework,
        node,
        node2,
        position,
        activity,
        activity2,
        rating,
        evidence,
        goal,
        action,
        reported,
        request,
    };
    (fx, cookies)
}

/// Every caller with an email, signed in: their session cookies.
async fn sign_everyone_in(app: &TestApp) -> BTreeMap<Who, String> {
    let mut cookies = BTreeMap::new();
    for who in CALLERS {
        if let Some(email) = who.email() {
            cookies.insert(who, app.sign_in(email, PW).await);
        }
    }
    cookies
}

/// The id of the person signing in as `email`, as text.
async fn person(app: &TestApp, email: &'static str) -> String {
    app.person_id(email).await.to_string()
}

/// The one number `sql` selects, as text.
async fn scalar(app: &TestApp, sql: String) -> String {
    let v: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
        .fetch_one(&app.db.pool)
        .await
        .unwrap_or_else(|e| panic!("fixture query failed: {e}"));
    v.to_string()
}

/// A fixture step: `who` calls the server function at `path` with `form`, which must
/// succeed.
async fn step(app: &TestApp, what: &str, path: &str, form: &[(&str, &str)], who: &str) -> Res {
    ok(what, app.call(path, form, Some(who)).await)
}

/// Checks that the fixture's step `what` succeeded.
#[track_caller]
fn ok(what: &str, res: Res) -> Res {
    assert!(
        res.status.is_success(),
        "fixture: {what}: {} {}",
        res.status,
        res.body
    );
    res
}

/// The subject's position, its first two required (non-category) nodes, their framework
/// and the subject's unit.
async fn the_subjects_place(
    app: &TestApp,
    subject: &str,
) -> (String, String, String, String, String) {
    let position = scalar(
        app,
        format!("select position_id from person where id = {subject}"),
    )
    .await;
    let required = format!(
        "select r.node_id from position_requirement r join framework_node n on n.id = r.node_id \
         where r.position_id = {position} and n.kind <> 'category' order by r.node_id"
    );
    let node = scalar(app, format!("{required} limit 1")).await;
    let node2 = scalar(app, format!("{required} limit 1 offset 1")).await;
    let framework = scalar(
        app,
        format!("select framework_id from framework_node where id = {node}"),
    )
    .await;
    let unit = scalar(
        app,
        format!("select unit_id from person where id = {subject}"),
    )
    .await;
    (position, node, node2, framework, unit)
}

/// A pending self-rating with a file attached, and a manager rating (a credential): the
/// self-rating's and the file's ids.
async fn rate_the_subject(
    app: &TestApp,
    liam: &str,
    grace: &str,
    subject: &str,
    node: &str,
    node2: &str,
) -> (String, String) {
    let key = format!("input[levels][{node}]");
    step(
        app,
        "self-assessment",
        "/api/skills/submit",
        &[(key.as_str(), "2"), ("input[comment]", "")],
        liam,
    )
    .await;
    let rating = scalar(
        app,
        format!("select max(id) from rating where subject_id = {subject} and source = 'self'"),
    )
    .await;
    ok(
        "evidence",
        app.post_multipart(
            "/evidence/upload",
            &[("rating", &rating)],
            ("certificate.png", &png()),
            false,
            "/skills",
            Some(liam),
        )
        .await,
    );
    let evidence = scalar(app, "select max(id) from evidence".into()).await;
    step(
        app,
        "manager rating",
        "/api/skills/rate",
        &[
            ("person", subject),
            ("node", node2),
            ("level", "2"),
            ("comment", ""),
        ],
        grace,
    )
    .await;
    (rating, evidence)
}

/// A plan with a goal, a planned course and one reported done, submitted for approval:
/// the goal, the first two courses, the planned action and the reported one.
async fn plan_the_subjects_development(
    app: &TestApp,
    liam: &str,
    subject: &str,
    node: &str,
) -> (String, String, String, String, String) {
    step(
        app,
        "goal",
        "/api/plan/goal/add",
        &[
            ("person", subject),
            ("node", node),
            ("target", "3"),
            ("due", ""),
            ("note", ""),
        ],
        liam,
    )
    .await;
    let goal = scalar(
        app,
        format!("select max(id) from plan_goal where person_id = {subject}"),
    )
    .await;
    let courses = "select id from activity where kind = 'course' and active = 1 order by id";
    let activity = scalar(app, format!("{courses} limit 1")).await;
    let activity2 = scalar(app, format!("{courses} limit 1 offset 1")).await;
    let activity3 = scalar(app, format!("{courses} limit 1 offset 2")).await;
    let mut actions = Vec::new();
    for a in [&activity, &activity3] {
        step(
            app,
            "planned activity",
            "/api/plan/add-activities",
            &[("person", subject), ("scope", "position"), ("activity", a)],
            liam,
        )
        .await;
        actions.push(
            scalar(
                app,
                format!(
                "select max(id) from plan_action where person_id = {subject} and activity_id = {a}"
            ),
            )
            .await,
        );
    }
    let (action, reported) = (actions[0].clone(), actions[1].clone());
    step(
        app,
        "report done",
        "/api/plan/action/report",
        &[
            ("id", &reported),
            ("report", "Finished it"),
            ("evidence_url", ""),
        ],
        liam,
    )
    .await;
    step(app, "submit plan", "/api/plan/submit", &[], liam).await;
    (goal, activity, activity2, action, reported)
}

/// A peer request to the peer: its id.
async fn ask_the_peer(app: &TestApp, liam: &str, subject: &str, node: &str) -> String {
    let nodes = format!("nodes[{node}]");
    step(
        app,
        "peer request",
        "/api/peers/request",
        &[("person", subject), ("peers", PEER), (nodes.as_str(), "on")],
        liam,
    )
    .await;
    scalar(
        app,
        format!("select max(id) from peer_request where subject_id = {subject}"),
    )
    .await
}

/// A staged import, by the admin.
async fn stage_an_import(app: &TestApp, admin: &str) {
    ok(
        "staged import",
        app.upload_import(
            "learning-csv",
            ("learning.csv", LEARNING_CSV.as_bytes()),
            false,
            Some(admin),
        )
        .await,
    );
}

/// Sends the request of the endpoint `key` as `cookie`'s owner.
async fn send(app: &TestApp, key: &str, req: &Req, cookie: Option<&str>) -> Res {
    match req {
        Req::Fn(pairs) => {
            let pairs: Vec<(&str, &str)> = pairs
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            app.call(key.trim_start_matches("POST "), &pairs, cookie)
                .await
        }
        Req::Get(path) => app.get(path, cookie).await,
        Req::Upload(path, fields, name, bytes) => {
            let fields: Vec<(&str, &str)> = fields
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            app.post_multipart(path, &fields, (name, bytes), false, "/", cookie)
                .await
        }
        Req::Json(path, body) => {
            let mut b = axum::http::Request::post(path.as_str())
                .header(axum::http::header::CONTENT_TYPE, "application/json");
            if let Some(c) = cookie {
                b = b.header(axum::http::header::COOKIE, c);
            }
            app.send(b.body(axum::body::Body::from(body.clone())).unwrap())
                .await
        }
        Req::Send(method, path, body) => {
            let mut b = axum::http::Request::builder()
                .method(*method)
                .uri(path.as_str())
                .header(axum::http::header::CONTENT_TYPE, "application/scim+json");
            if let Some(c) = cookie {
                b = b.header(axum::http::header::COOKIE, c);
            }
            app.send(b.body(axum::body::Body::from(body.clone())).unwrap())
                .await
        }
    }
}

/// How many endpoints are checked at once.
const ENDPOINTS_AT_ONCE: usize = 8;

/// What one call showed.
struct Outcome {
    /// The endpoint, when it answered 422 or 409: let through, then refused by validation.
    late: Option<String>,
    problem: Option<Problem>,
}

enum Problem {
    Allowed(String),
    Denied(String),
    Broken(String),
}

/// Calls one endpoint as every caller: a read on the shared copy, a write on a copy of its
/// own, the callers expected to be refused first. Expected refusals meet the untouched
/// state, so a write let through can then only disturb later allowed callers (a spurious
/// deny, visible), never hide a hole.
async fn check_endpoint(
    check: &Check,
    fx: &Fx,
    cookies: &BTreeMap<Who, String>,
    snapshot: &Snapshot,
    reads: &TestApp,
) -> Vec<Outcome> {
    let req = (check.req)(fx);
    let own = match check.effect {
        Read => None,
        Write => Some(snapshot.restore().await),
    };
    let app = own.as_ref().unwrap_or(reads);
    let mut order = CALLERS.to_vec();
    order.sort_by_key(|w| (check.rule.allows(*w), *w));
    let mut outcomes = Vec::with_capacity(order.len());
    for who in order {
        let cookie = cookies.get(&who).map(String::as_str);
        let res = send(app, &check.key, &req, cookie).await;
        let late = matches!(
            res.status,
            StatusCode::UNPROCESSABLE_ENTITY | StatusCode::CONFLICT
        )
        .then(|| format!("{} ({})", check.key, res.status.as_u16()));
        let line = |what: &str| {
            format!(
                "{} as {who:?}: {what} (rule {:?}, got {})",
                check.key, check.rule, res.status
            )
        };
        let problem = match (classify(&res), check.rule.allows(who)) {
            (Answer::Allowed, false) => Some(Problem::Allowed(line("allowed"))),
            (Answer::Denied, true) => Some(Problem::Denied(line("denied"))),
            (Answer::Broken(why), _) => Some(Problem::Broken(format!("{}: {why}", line("broken")))),
            _ => None,
        };
        outcomes.push(Outcome { late, problem });
    }
    if let Some(app) = own {
        // Dropping a copy removes its files or database: off the runtime's thread.
        tokio::task::spawn_blocking(move || drop(app))
            .await
            .expect("copy dropped");
    }
    outcomes
}

#[tokio::test]
async fn every_endpoint_enforces_its_declared_rule_for_every_caller() {
    let started = std::time::Instant::now();
    let checks = rules();
    let enumerated = enumerate();
    let mut problems = Vec::new();

    // The table and the code must list the same endpoints.
    let mut declared = BTreeSet::new();
    for c in &checks {
        if !declared.insert(c.key.clone()) {
            problems.push(format!("{}: declared twice", c.key));
        }
    }
    for key in enumerated.difference(&declared) {
        problems.push(format!(
            "{key}: no rule declared (add a line to matrix::rules)"
        ));
    }
    for key in declared.difference(&enumerated) {
        problems.push(format!(
            "{key}: a rule for an endpoint the code no longer has"
        ));
    }

    let template = TestApp::demo().await;
    let (fx, cookies) = fixture(&template).await;
    let snapshot = template.snapshot().await;
    let setup = started.elapsed();

    let checks: Vec<&Check> = checks
        .iter()
        .filter(|c| enumerated.contains(&c.key))
        .collect();
    let writes = checks.iter().filter(|c| c.effect == Write).count();
    // Endpoints are checked several at a time (each one's callers in order): a call mostly
    // waits for the database, and copying a database for a write endpoint (far slower on
    // PostgreSQL than the calls made on it) overlaps with the other endpoints' calls.
    let reads = snapshot.restore().await;
    let outcomes: Vec<Vec<Outcome>> = futures::stream::iter(checks)
        .map(|check| check_endpoint(check, &fx, &cookies, &snapshot, &reads))
        .buffer_unordered(ENDPOINTS_AT_ONCE)
        .collect()
        .await;
    drop(reads);

    let mut cases = 0;
    let mut unexpected_allows = Vec::new();
    let mut unexpected_denies = Vec::new();
    let mut broken = Vec::new();
    let mut let_through_late = BTreeSet::new();
    for outcome in outcomes.into_iter().flatten() {
        cases += 1;
        let_through_late.extend(outcome.late);
        match outcome.problem {
            None => {}
            Some(Problem::Allowed(line)) => unexpected_allows.push(line),
            Some(Problem::Denied(line)) => unexpected_denies.push(line),
            Some(Problem::Broken(line)) => broken.push(line),
        }
    }
    // Finished in any order; the report lists them in a stable one.
    unexpected_allows.sort();
    unexpected_denies.sort();
    broken.sort();
    let copies = writes + 1;

    let mut report = String::new();
    let _ = writeln!(
        report,
        "authorization matrix: {} endpoints x {} callers = {cases} cases, {} unexpected allows, {} unexpected denies, {} broken ({} database copies; setup {:.1}s, total {:.1}s)",
        declared.intersection(&enumerated).count(),
        CALLERS.len(),
        unexpected_allows.len(),
        unexpected_denies.len(),
        broken.len(),
        copies,
        setup.as_secs_f64(),
        started.elapsed().as_secs_f64(),
    );
    let _ = writeln!(
        report,
        "let through, then refused by validation or a conflict (counted as allowed): {}",
        let_through_late.into_iter().collect::<Vec<_>>().join(", ")
    );
    for (title, list) in [
        ("unexpected allows", &unexpected_allows),
        ("unexpected denies", &unexpected_denies),
        ("broken calls", &broken),
        ("table problems", &problems),
    ] {
        if !list.is_empty() {
            let _ = writeln!(report, "{title}:");
            for l in list {
                let _ = writeln!(report, "  {l}");
            }
        }
    }
    println!("{report}");
    assert!(
        unexpected_allows.is_empty()
            && unexpected_denies.is_empty()
            && broken.is_empty()
            && problems.is_empty(),
        "{report}"
    );
}

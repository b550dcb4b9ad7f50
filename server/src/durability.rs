//! `proficio crash-test` and `proficio load-test`: the real `proficio serve` (this same
//! binary, so the release build when run from it) on a fresh database, driven over HTTP on
//! 127.0.0.1 the way browsers drive it: sign-in, server-rendered pages and the rating
//! server function managers use (`/api/skills/rate`).
//!
//! The crash test kills the server with SIGKILL while rating writes are in flight, restarts
//! it on the same database and counts the writes it had acknowledged (answered 2xx) that are
//! missing, then checks integrity. The load test keeps many signed-in clients busy and
//! reports latency per kind of request.

use app::server::{ratings, stats, Backend, Db};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::{header, Method, Request, StatusCode};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The comment prefix that marks the crash test's ratings.
const MARK: &str = "crash-test";

// ---- HTTP ----------------------------------------------------------------------------

/// An HTTP/1 client for the server on loopback.
#[derive(Clone)]
pub(crate) struct Http {
    client: Client<HttpConnector, Full<Bytes>>,
    base: String,
}

/// A response, fully read.
pub(crate) struct Reply {
    status: StatusCode,
    cookie: Option<String>,
    body: Bytes,
}

impl Reply {
    pub(crate) fn ok(&self) -> bool {
        self.status.is_success()
    }

    pub(crate) fn describe(&self) -> String {
        let text = String::from_utf8_lossy(&self.body);
        format!(
            "{} {}",
            self.status,
            text.chars().take(200).collect::<String>()
        )
    }
}

impl Http {
    pub(crate) fn new(port: u16) -> Self {
        let mut connector = HttpConnector::new();
        // The server streams pages in several writes; Nagle would stall each by ~40 ms.
        connector.set_nodelay(true);
        connector.set_connect_timeout(Some(Duration::from_secs(5)));
        let client = Client::builder(TokioExecutor::new())
            .pool_idle_timeout(Duration::from_secs(30))
            .build(connector);
        Http {
            client,
            base: format!("http://127.0.0.1:{port}"),
        }
    }

    /// GET (no form) or POST a form the way the WASM client calls server functions.
    pub(crate) async fn send(
        &self,
        path: &str,
        cookie: Option<&str>,
        form: Option<String>,
        timeout: Duration,
    ) -> Result<Reply, String> {
        let mut b = Request::builder().uri(format!("{}{path}", self.base));
        if let Some(c) = cookie {
            b = b.header(header::COOKIE, c);
        }
        let body = match form {
            Some(f) => {
                b = b
                    .method(Method::POST)
                    .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .header(header::ACCEPT, "application/json");
                Full::new(Bytes::from(f))
            }
            None => {
                b = b.method(Method::GET).header(header::ACCEPT, "text/html");
                Full::new(Bytes::new())
            }
        };
        let req = b.body(body).map_err(|e| e.to_string())?;
        let exchange = async {
            let res = self.client.request(req).await.map_err(error_chain)?;
            let status = res.status();
            let cookie = res
                .headers()
                .get_all(header::SET_COOKIE)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .find(|c| c.starts_with("proficio_session="))
                .and_then(|c| c.split(';').next())
                .map(str::to_string);
            let body = res
                .into_body()
                .collect()
                .await
                .map_err(error_chain)?
                .to_bytes();
            Ok(Reply {
                status,
                cookie,
                body,
            })
        };
        tokio::time::timeout(timeout, exchange)
            .await
            .map_err(|_| format!("no answer within {} s", timeout.as_secs()))?
    }
}

fn error_chain(e: impl std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}

pub(crate) fn form(pairs: &[(&str, &str)]) -> String {
    serde_urlencoded::to_string(pairs).unwrap_or_default()
}

pub(crate) async fn sign_in(http: &Http, email: &str) -> Result<String, String> {
    let body = form(&[
        ("email", email),
        ("password", app::server::demo::DEMO_PASSWORD),
        ("next", ""),
    ]);
    let r = http
        .send("/api/sign_in", None, Some(body), Duration::from_secs(60))
        .await?;
    if !(r.status.is_success() || r.status.is_redirection()) {
        return Err(format!("sign-in of {email}: {}", r.describe()));
    }
    r.cookie
        .ok_or_else(|| format!("sign-in of {email}: no session cookie"))
}

fn rate_form(t: &Target, level: u64, comment: &str) -> String {
    form(&[
        ("person", &t.report.to_string()),
        ("node", &t.node.to_string()),
        ("level", &level.to_string()),
        ("comment", comment),
    ])
}

// ---- the server process and its database ------------------------------------------------

/// A fresh database with the demo organisation, and a folder for the server's files.
struct Fixture {
    url: String,
    backend: Backend,
    dir: PathBuf,
    /// A manager may rate each of these (a report and a node the report's position needs).
    targets: Vec<Target>,
    /// Every person who can sign in, with the reports' targets of the managers among them.
    people: Vec<String>,
}

#[derive(Clone)]
struct Target {
    manager: String,
    report: i64,
    node: i64,
}

impl Fixture {
    /// Loads the demo into `url`, which must be empty; the default database is replaced by
    /// a temporary SQLite file, so a test never writes into real data.
    async fn new(url: &str, what: &str) -> Result<Fixture, BoxError> {
        let dir = std::env::temp_dir().join(format!("proficio-{what}-{}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        let url = if url == crate::cli::DEFAULT_DATABASE {
            format!("sqlite://{}", dir.join("proficio.db").display())
        } else {
            url.to_string()
        };
        let db = Db::open(&url).await?;
        if !db.is_empty().await? {
            db.pool.close().await;
            return Err(format!(
                "{what} needs an empty database, not {}",
                app::server::db::redact(&url)
            )
            .into());
        }
        app::server::demo::load(&db, &dir.join("uploads"))
            .await
            .map_err(|e| e.to_string())?;
        let targets = sqlx::query_as::<_, (String, i64, i64)>(
            "select m.email, p.id, r.node_id from person p \
             join person m on m.id = p.manager_id \
             join position_requirement r on r.position_id = p.position_id \
             where p.active = 1 and m.active = 1 and m.password_hash is not null \
             order by p.id, r.node_id",
        )
        .fetch_all(&db.pool)
        .await?
        .into_iter()
        .map(|(manager, report, node)| Target {
            manager,
            report,
            node,
        })
        .collect::<Vec<_>>();
        let people: Vec<String> = sqlx::query_scalar(
            "select email from person where active = 1 and password_hash is not null order by id",
        )
        .fetch_all(&db.pool)
        .await?;
        let backend = db.backend;
        db.pool.close().await;
        if targets.is_empty() {
            return Err("the demo has no manager with a report to rate".into());
        }
        Ok(Fixture {
            url,
            backend,
            dir,
            targets,
            people,
        })
    }

    async fn connect(&self) -> Result<Db, BoxError> {
        Ok(Db::connect(&self.url).await?)
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A running `proficio serve`.
struct Server {
    child: tokio::process::Child,
    port: u16,
    log: PathBuf,
}

fn free_port() -> Result<u16, BoxError> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

impl Server {
    /// Starts this binary's `serve` on the fixture's database and waits until `/healthz`
    /// answers. The demo is already loaded, so `--demo false` whatever the default.
    async fn start(fx: &Fixture, port: u16) -> Result<(Server, Duration), BoxError> {
        let log = fx.dir.join("server.log");
        let out = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log)?;
        let child = tokio::process::Command::new(std::env::current_exe()?)
            .arg("--database")
            .arg(&fx.url)
            .arg("serve")
            .arg("--addr")
            .arg(format!("127.0.0.1:{port}"))
            .arg("--demo")
            .arg("false")
            .arg("--upload-dir")
            .arg(fx.dir.join("uploads"))
            .env(
                "RUST_LOG",
                std::env::var("SERVER_LOG").unwrap_or_else(|_| "warn".into()),
            )
            .stdin(Stdio::null())
            .stdout(out.try_clone()?)
            .stderr(out)
            .kill_on_drop(true)
            .spawn()?;
        let mut server = Server { child, port, log };
        let took = server.wait_ready().await?;
        Ok((server, took))
    }

    async fn wait_ready(&mut self) -> Result<Duration, BoxError> {
        let http = Http::new(self.port);
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait()? {
                return Err(format!(
                    "the server exited ({status}) before answering:\n{}",
                    self.log_tail()
                )
                .into());
            }
            if let Ok(r) = http
                .send("/healthz", None, None, Duration::from_secs(2))
                .await
            {
                if r.ok() {
                    return Ok(start.elapsed());
                }
            }
            if start.elapsed() > Duration::from_secs(120) {
                return Err(format!(
                    "the server did not answer within 120 s:\n{}",
                    self.log_tail()
                )
                .into());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// SIGKILL: no graceful shutdown, no flushing, as a crash or the OOM killer would.
    async fn kill(mut self) -> Result<(), BoxError> {
        self.child.start_kill()?;
        self.child.wait().await?;
        Ok(())
    }

    fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(30)..].join("\n")
    }
}

/// The manager sign-ins the targets need, made once: sessions live in the database, so
/// they outlive restarts.
async fn sign_in_all(
    http: &Http,
    emails: impl IntoIterator<Item = String>,
) -> Result<HashMap<String, String>, BoxError> {
    let mut cookies = HashMap::new();
    for email in emails {
        if let std::collections::hash_map::Entry::Vacant(slot) = cookies.entry(email) {
            let c = sign_in(http, slot.key()).await?;
            slot.insert(c);
        }
    }
    Ok(cookies)
}

// ---- integrity ------------------------------------------------------------------------

/// A current level as stored, to compare with the one a rebuild makes.
#[derive(PartialEq, sqlx::FromRow)]
struct CurrentLevelRow {
    person_id: i64,
    node_id: i64,
    level: i64,
    rating_id: i64,
    expires_at: Option<i64>,
}

/// What is wrong with the database (empty when nothing is): on SQLite its own integrity and
/// foreign-key checks; on both, the current-level aggregate against a rebuild from the
/// ratings and the org-report counters against a rebuild. The rebuilds write, so run this
/// while nothing else writes.
async fn integrity(db: &Db) -> Result<Vec<String>, BoxError> {
    let mut problems = Vec::new();
    if db.backend == Backend::Sqlite {
        let rows: Vec<String> = sqlx::query_scalar("pragma integrity_check")
            .fetch_all(&db.pool)
            .await?;
        if rows != ["ok"] {
            problems.push(format!("integrity_check: {}", rows.join("; ")));
        }
        let fk: i64 = sqlx::query_scalar("select count(*) from pragma_foreign_key_check")
            .fetch_one(&db.pool)
            .await?;
        if fk != 0 {
            problems.push(format!("foreign_key_check: {fk} rows"));
        }
    }
    let rows =
        "select person_id, node_id, level, rating_id, expires_at from current_level order by 1, 2";
    let kept: Vec<CurrentLevelRow> = sqlx::query_as(rows).fetch_all(&db.pool).await?;
    ratings::rebuild(db).await.map_err(|e| e.to_string())?;
    let rebuilt: Vec<CurrentLevelRow> = sqlx::query_as(rows).fetch_all(&db.pool).await?;
    if kept != rebuilt {
        let differ = kept.iter().filter(|r| !rebuilt.contains(r)).count()
            + rebuilt.iter().filter(|r| !kept.contains(r)).count();
        problems.push(format!(
            "current levels differ from the ratings ({differ} rows)"
        ));
    }
    let at: i64 =
        sqlx::query_scalar("select value from change_counter where name = 'expiry_swept'")
            .fetch_one(&db.pool)
            .await?;
    let kept = stats::snapshot(db).await.map_err(|e| e.to_string())?;
    stats::rebuild_at(db, at, false)
        .await
        .map_err(|e| e.to_string())?;
    let rebuilt = stats::snapshot(db).await.map_err(|e| e.to_string())?;
    if kept != rebuilt {
        problems.push("org-report counters differ from a rebuild".into());
    }
    Ok(problems)
}

// ---- the crash test ---------------------------------------------------------------------

/// One round's figures.
#[derive(Debug, Clone, Serialize)]
pub struct CrashRound {
    pub round: u32,
    /// Writes answered 2xx before the kill.
    pub acknowledged: usize,
    /// Requests the kill cut off (outcome unknown, not counted either way).
    pub cut_off: u64,
    /// Acknowledged writes missing after the restart.
    pub lost: usize,
    /// Milliseconds from the restart to the first healthy answer.
    pub restart_ms: u128,
    /// What the integrity check found (empty: ok).
    pub problems: Vec<String>,
}

/// The crash test's figures.
#[derive(Debug, Clone, Serialize)]
pub struct CrashReport {
    pub backend: String,
    pub writers: u32,
    pub rounds: Vec<CrashRound>,
    /// Requests answered with an error, or failed, while the server was up.
    pub failures: Vec<String>,
}

impl CrashReport {
    pub fn acknowledged(&self) -> usize {
        self.rounds.iter().map(|r| r.acknowledged).sum()
    }
    pub fn lost(&self) -> usize {
        self.rounds.iter().map(|r| r.lost).sum()
    }
    pub fn integrity_ok(&self) -> bool {
        self.rounds.iter().all(|r| r.problems.is_empty())
    }
    /// True when nothing was lost, nothing failed and every check passed.
    pub fn passed(&self) -> bool {
        self.lost() == 0 && self.integrity_ok() && self.failures.is_empty()
    }
}

/// Small, fast and good enough to vary timings and picks.
struct Lcg(u64);

impl Lcg {
    fn seeded(salt: u64) -> Self {
        let t = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(1);
        Lcg(t ^ salt.wrapping_mul(0x9E37_79B9_7F4A_7C15))
    }
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
}

/// Runs `rounds` rounds of: start the server, fire `writers` concurrent rating writes,
/// SIGKILL it mid-stream, restart it, count the acknowledged writes that are missing, check
/// integrity. Prints a line per round as it goes.
pub async fn crash_test(url: &str, rounds: u32, writers: u32) -> Result<CrashReport, BoxError> {
    let fx = Fixture::new(url, "crash-test").await?;
    let port = free_port()?;
    let http = Http::new(port);
    let (mut server, _) = Server::start(&fx, port).await?;
    let managers: Vec<String> = fx.targets.iter().map(|t| t.manager.clone()).collect();
    let crew = Writers {
        http: http.clone(),
        cookies: Arc::new(sign_in_all(&http, managers).await?),
        targets: Arc::new(fx.targets.clone()),
        seq: Arc::new(AtomicU64::new(0)),
    };
    let mut report = CrashReport {
        backend: fx.backend.name().into(),
        writers,
        rounds: Vec::new(),
        failures: Vec::new(),
    };
    println!(
        "crash test on {}: {rounds} rounds, {writers} concurrent writers, {} managers rating {} report/node pairs",
        fx.backend.name(),
        crew.cookies.len(),
        crew.targets.len()
    );
    println!("round  acknowledged  cut off  lost  restart ms  integrity");
    let mut rng = Lcg::seeded(u64::from(port));
    for round in 1..=rounds {
        let state = RoundState::default();
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..writers {
            tasks.spawn(write_until_killed(crew.clone(), round, state.clone()));
        }
        // Kill at a random moment once writes are flowing: after a few acknowledgements and
        // a further 0-700 ms.
        let waited = Instant::now();
        while state.acked.lock().unwrap().len() < 5 && waited.elapsed() < Duration::from_secs(30) {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        tokio::time::sleep(Duration::from_millis(rng.next() % 700)).await;
        state.killed.store(true, Ordering::SeqCst);
        server.kill().await?;
        while tasks.join_next().await.is_some() {}
        let acked = std::mem::take(&mut *state.acked.lock().unwrap());
        report
            .failures
            .extend(std::mem::take(&mut *state.failures.lock().unwrap()));

        let (next, took) = Server::start(&fx, port).await?;
        server = next;
        let (lost, problems) = check_round(&fx, round, &acked).await?;
        let r = CrashRound {
            round,
            acknowledged: acked.len(),
            cut_off: state.cut_off.load(Ordering::SeqCst),
            lost,
            restart_ms: took.as_millis(),
            problems,
        };
        print_round(&r);
        report.rounds.push(r);
    }
    server.kill().await?;
    Ok(report)
}

/// What the crash test's writers share across rounds: the client, the managers' sessions,
/// the targets and a counter that numbers every write.
#[derive(Clone)]
struct Writers {
    http: Http,
    cookies: Arc<HashMap<String, String>>,
    targets: Arc<Vec<Target>>,
    seq: Arc<AtomicU64>,
}

/// What a round's writers record: whether the server was killed, the comments of the
/// acknowledged writes, requests that failed while it was up, and requests the kill cut off.
#[derive(Clone, Default)]
struct RoundState {
    killed: Arc<AtomicBool>,
    acked: Arc<Mutex<Vec<String>>>,
    failures: Arc<Mutex<Vec<String>>>,
    cut_off: Arc<AtomicU64>,
}

/// One writer: rates the targets in turn, each write marked with a comment, until the
/// server is killed.
async fn write_until_killed(crew: Writers, round: u32, state: RoundState) {
    while !state.killed.load(Ordering::SeqCst) {
        let n = crew.seq.fetch_add(1, Ordering::SeqCst);
        let t = &crew.targets[(n as usize) % crew.targets.len()];
        let comment = format!("{MARK} r{round} w{n}");
        let body = rate_form(t, n % 3, &comment);
        let cookie = crew.cookies.get(&t.manager).map(String::as_str);
        let res = crew
            .http
            .send(
                "/api/skills/rate",
                cookie,
                Some(body),
                Duration::from_secs(60),
            )
            .await;
        match res {
            Ok(r) if r.ok() => state.acked.lock().unwrap().push(comment),
            // A killed server answers nothing: an answer that is an error is one.
            Ok(r) => state
                .failures
                .lock()
                .unwrap()
                .push(format!("round {round}: {}", r.describe())),
            Err(_) if state.killed.load(Ordering::SeqCst) => {
                state.cut_off.fetch_add(1, Ordering::SeqCst);
            }
            Err(e) => state
                .failures
                .lock()
                .unwrap()
                .push(format!("round {round}: {e}")),
        }
    }
}

/// After a restart: how many of the round's `acked` writes are missing, and what the
/// integrity check finds.
async fn check_round(
    fx: &Fixture,
    round: u32,
    acked: &[String],
) -> Result<(usize, Vec<String>), BoxError> {
    let db = fx.connect().await?;
    let present: HashSet<String> =
        sqlx::query_scalar::<_, String>("select comment from rating where comment like $1")
            .bind(format!("{MARK} r{round} w%"))
            .fetch_all(&db.pool)
            .await?
            .into_iter()
            .collect();
    let lost = acked.iter().filter(|c| !present.contains(*c)).count();
    let problems = integrity(&db).await?;
    db.pool.close().await;
    Ok((lost, problems))
}

/// Prints a round's line of the crash test's table.
fn print_round(r: &CrashRound) {
    println!(
        "{:>5}  {:>12}  {:>7}  {:>4}  {:>10}  {}",
        r.round,
        r.acknowledged,
        r.cut_off,
        r.lost,
        r.restart_ms,
        if r.problems.is_empty() {
            "ok".to_string()
        } else {
            r.problems.join("; ")
        }
    );
}

/// The crash test's summary.
pub fn crash_summary(r: &CrashReport) -> String {
    let mut out = format!(
        "backend: {}\nrounds: {}\nacknowledged writes: {}\nlost writes: {}\nintegrity: {}\nfailed requests while up: {}\n",
        r.backend,
        r.rounds.len(),
        r.acknowledged(),
        r.lost(),
        if r.integrity_ok() { "ok" } else { "FAILED" },
        r.failures.len()
    );
    for f in r.failures.iter().take(10) {
        out.push_str(&format!("  {f}\n"));
    }
    out
}

// ---- the load test -----------------------------------------------------------------------

/// The pages every client reads.
const PAGES: &[&str] = &["/", "/skills", "/team", "/plan", "/careers"];

/// Latency figures of one kind of request.
#[derive(Debug, Clone, Serialize)]
pub struct KindFigures {
    pub kind: String,
    pub requests: usize,
    pub errors: usize,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

/// The load test's figures.
#[derive(Debug, Clone, Serialize)]
pub struct LoadReport {
    pub backend: String,
    pub clients: u32,
    pub seconds: u32,
    pub signed_in: usize,
    pub sign_in_seconds: f64,
    pub kinds: Vec<KindFigures>,
    pub total: KindFigures,
    pub requests_per_second: f64,
    /// The first errors seen.
    pub error_samples: Vec<String>,
    /// The integrity check after the run (empty: ok).
    pub problems: Vec<String>,
    /// /proc/loadavg before and after.
    pub load_before: String,
    pub load_after: String,
}

impl LoadReport {
    /// True with no errors and a clean integrity check.
    pub fn passed(&self) -> bool {
        self.total.errors == 0 && self.problems.is_empty()
    }
}

pub(crate) fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

pub(crate) fn figures(kind: &str, mut micros: Vec<u64>, errors: usize) -> KindFigures {
    micros.sort_unstable();
    let at = |q: f64| -> f64 {
        if micros.is_empty() {
            return 0.0;
        }
        let i = ((micros.len() as f64 * q).ceil() as usize).clamp(1, micros.len()) - 1;
        micros[i] as f64 / 1000.0
    };
    KindFigures {
        kind: kind.into(),
        requests: micros.len(),
        errors,
        p50_ms: at(0.50),
        p99_ms: at(0.99),
        max_ms: micros.last().map_or(0.0, |m| *m as f64 / 1000.0),
    }
}

/// `clients` signed-in clients for `seconds`, each in a loop without pauses: a manager's
/// request is a rating write `write_percent` of the time, every other request is one of
/// [`PAGES`] (server-rendered in full). Latency counts until the last byte.
pub async fn load_test(
    url: &str,
    clients: u32,
    seconds: u32,
    write_percent: u64,
) -> Result<LoadReport, BoxError> {
    let fx = Fixture::new(url, "load-test").await?;
    let port = free_port()?;
    let http = Http::new(port);
    let (server, _) = Server::start(&fx, port).await?;
    // Each person signs in once, one after the other (argon2 is deliberately slow), and the
    // clients share the sessions round-robin: several browser tabs of the same person.
    let started = Instant::now();
    let cookies = sign_in_all(&http, fx.people.clone()).await?;
    let sign_in_seconds = started.elapsed().as_secs_f64();
    let people = sessions(&fx, &cookies);
    println!(
        "load test on {}: {clients} clients for {seconds} s, {} people signed in in {sign_in_seconds:.1} s, writes {write_percent}% of managers' requests",
        fx.backend.name(),
        people.len()
    );
    let load_before = loadavg();
    let deadline = Instant::now() + Duration::from_secs(u64::from(seconds));
    let samples = Arc::new(Mutex::new(Vec::<String>::new()));
    let mut tasks = tokio::task::JoinSet::new();
    let run_started = Instant::now();
    for i in 0..clients {
        let (cookie, targets) = people[i as usize % people.len()].clone();
        let client = LoadClient {
            i,
            http: http.clone(),
            cookie,
            targets,
            samples: samples.clone(),
        };
        tasks.spawn(client.run(deadline, write_percent));
    }
    let mut all = Seen::new();
    while let Some(done) = tasks.join_next().await {
        for (kind, (micros, errors)) in done? {
            let e = all.entry(kind).or_default();
            e.0.extend(micros);
            e.1 += errors;
        }
    }
    let elapsed = run_started.elapsed().as_secs_f64();
    let load_after = loadavg();
    let (kinds, total) = kind_figures(all);
    server.kill().await?;
    let db = fx.connect().await?;
    let problems = integrity(&db).await?;
    db.pool.close().await;
    let error_samples = std::mem::take(&mut *samples.lock().unwrap());
    Ok(LoadReport {
        backend: fx.backend.name().into(),
        clients,
        seconds,
        signed_in: cookies.len(),
        sign_in_seconds,
        requests_per_second: total.requests as f64 / elapsed,
        total,
        kinds,
        error_samples,
        problems,
        load_before,
        load_after,
    })
}

/// Per kind of request: the latencies in microseconds and the number of errors.
type Seen = BTreeMap<&'static str, (Vec<u64>, usize)>;

/// Every person's session cookie with the targets they may rate (none unless they manage).
fn sessions(fx: &Fixture, cookies: &HashMap<String, String>) -> Vec<(String, Vec<Target>)> {
    let mut by_manager: HashMap<String, Vec<Target>> = HashMap::new();
    for t in &fx.targets {
        by_manager
            .entry(t.manager.clone())
            .or_default()
            .push(t.clone());
    }
    fx.people
        .iter()
        .map(|p| {
            (
                cookies[p].clone(),
                by_manager.get(p).cloned().unwrap_or_default(),
            )
        })
        .collect()
}

/// One of the load test's clients: a session, the targets it may rate, and where it keeps
/// the first errors seen.
struct LoadClient {
    i: u32,
    http: Http,
    cookie: String,
    targets: Vec<Target>,
    samples: Arc<Mutex<Vec<String>>>,
}

impl LoadClient {
    /// Sends requests without pauses until `deadline`, a rating write `write_percent` of
    /// the time when it has targets, else a page; returns what it saw per kind.
    async fn run(self, deadline: Instant, write_percent: u64) -> Seen {
        let i = self.i;
        let mut rng = Lcg::seeded(u64::from(i) + 1);
        let mut seen = Seen::new();
        let mut n = 0u64;
        while Instant::now() < deadline {
            n += 1;
            let write = !self.targets.is_empty() && rng.next() % 100 < write_percent;
            let (kind, path, body) = if write {
                let t = &self.targets[(rng.next() as usize) % self.targets.len()];
                let comment = format!("load-test c{i} n{n}");
                (
                    "POST /api/skills/rate",
                    "/api/skills/rate",
                    Some(rate_form(t, rng.next() % 3, &comment)),
                )
            } else {
                let p = PAGES[(rng.next() as usize) % PAGES.len()];
                (p, p, None)
            };
            let t0 = Instant::now();
            let res = self
                .http
                .send(path, Some(&self.cookie), body, Duration::from_secs(60))
                .await;
            let took = t0.elapsed().as_micros() as u64;
            let entry = seen.entry(kind).or_default();
            entry.0.push(took);
            let problem = match res {
                Ok(r) if r.ok() => None,
                Ok(r) => Some(r.describe()),
                Err(e) => Some(e),
            };
            if let Some(p) = problem {
                entry.1 += 1;
                let mut s = self.samples.lock().unwrap();
                if s.len() < 10 {
                    s.push(format!("{kind}: {p}"));
                }
            }
        }
        seen
    }
}

/// The figures of each kind of request, and of all of them together.
fn kind_figures(all: Seen) -> (Vec<KindFigures>, KindFigures) {
    let mut every = Vec::new();
    let mut errors = 0;
    let mut kinds = Vec::new();
    for (kind, (micros, e)) in all {
        every.extend_from_slice(&micros);
        errors += e;
        kinds.push(figures(kind, micros, e));
    }
    (kinds, figures("all", every, errors))
}

/// The load test's figures as a table.
pub fn load_table(r: &LoadReport) -> String {
    let mut out = format!(
        "{:<24} {:>9} {:>7} {:>9} {:>9} {:>9}\n",
        "kind", "requests", "errors", "p50 ms", "p99 ms", "max ms"
    );
    for k in r.kinds.iter().chain(std::iter::once(&r.total)) {
        out.push_str(&format!(
            "{:<24} {:>9} {:>7} {:>9.1} {:>9.1} {:>9.1}\n",
            k.kind, k.requests, k.errors, k.p50_ms, k.p99_ms, k.max_ms
        ));
    }
    out.push_str(&format!(
        "backend: {}, clients: {}, seconds: {}, throughput: {:.0} req/s, load average before/after: {} / {}\nintegrity after the run: {}\n",
        r.backend,
        r.clients,
        r.seconds,
        r.requests_per_second,
        r.load_before,
        r.load_after,
        if r.problems.is_empty() { "ok".to_string() } else { r.problems.join("; ") }
    ));
    for s in &r.error_samples {
        out.push_str(&format!("  {s}\n"));
    }
    out
}

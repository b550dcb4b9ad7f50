//! The test harness: `TestApp` owns a fresh database and the router built on it.
//!
//! Migrating a database and loading the demo organisation take far longer than most tests,
//! so each test process does them once per starting point (`Start`), through the real
//! migrations and demo loader, and freezes the result as a template (`Template`); every
//! test then gets its own copy: a file copy on SQLite, `create database ... template` on
//! PostgreSQL. Each test also gets its own upload folder, removed with it.

use app::server::{Db, Settings};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, OnceLock};
use tokio::sync::OnceCell;
use tower::ServiceExt;

/// Demo password.
pub const PW: &str = app::server::demo::DEMO_PASSWORD;
/// Demo sign-ins used by the tests.
pub const ADMIN: &str = "priya.raman@northwind.example";
pub const HR: &str = "tomas.ortega@northwind.example";
pub const MANAGER: &str = "grace.okafor@northwind.example";
pub const SKIP_MANAGER: &str = "marcus.webb@northwind.example";
pub const EMPLOYEE: &str = "liam.chen@northwind.example";
pub const OTHER_EMPLOYEE: &str = "noah.fischer@northwind.example";

enum Store {
    Sqlite(#[allow(dead_code)] tempfile::TempDir),
    Postgres {
        admin_url: String,
        name: String,
    },
    /// The database now belongs to a `Snapshot`.
    Moved,
}

/// One test's application and database.
pub struct TestApp {
    pub router: Router,
    pub db: Db,
    /// The state behind the router (its settings and limits).
    pub state: app::server::AppState,
    store: Store,
    /// This test's own upload folder, removed with it (None when the test brought its own
    /// in its settings, or after `snapshot`).
    uploads: Option<tempfile::TempDir>,
}

/// A response, fully read.
pub struct Res {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl Res {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
    /// The body as one of the app's own types (what the server function returns).
    pub fn parse<T: serde::de::DeserializeOwned>(&self) -> T {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("not a {} ({e}): {}", std::any::type_name::<T>(), self.body))
    }
    /// Checks that the response has `status` (the body in the failure message, with
    /// `what` was asked for) and hands it back.
    #[track_caller]
    pub fn expect_status(self, status: StatusCode, what: &str) -> Res {
        assert_eq!(self.status, status, "{what}: {}", self.body);
        self
    }
    /// The field error the server function answered with (`AppError::Invalid`).
    pub fn invalid(&self) -> app::domain::FieldError {
        match self.parse::<app::api::AppError>() {
            app::api::AppError::Invalid(e) => e,
            other => panic!("not a field error: {other:?} ({})", self.body),
        }
    }
    pub fn location(&self) -> Option<String> {
        self.headers
            .get(header::LOCATION)
            .map(|v| v.to_str().unwrap().to_string())
    }
    /// The session cookie set by this response, as `name=value`.
    pub fn session_cookie(&self) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|c| c.starts_with("proficio_session="))
            .map(|c| c.split(';').next().unwrap().to_string())
    }
}

fn backend() -> String {
    std::env::var("PROFICIO_TEST_BACKEND").unwrap_or_else(|_| "sqlite".into())
}

fn postgres_admin_url() -> String {
    std::env::var("PROFICIO_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// The URL of database `name` on the server of `admin_url`.
fn postgres_url(admin_url: &str, name: &str) -> String {
    let base = admin_url
        .rsplit_once('/')
        .map(|(b, _)| b.to_string())
        .unwrap_or(admin_url.to_string());
    format!("{base}/{name}")
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// What a test's database holds when it starts.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Start {
    /// Migrated, no rows.
    Empty,
    /// The demo organisation without ratings (`demo::load_organisation`).
    DemoUnrated,
    /// The demo organisation with its rating history and evidence files (`demo::load`).
    Demo,
}

impl Start {
    fn name(self) -> &'static str {
        match self {
            Start::Empty => "empty",
            Start::DemoUnrated => "unrated",
            Start::Demo => "demo",
        }
    }
}

/// A database frozen so that copies of it can be made.
enum Frozen {
    /// A self-contained SQLite file (no `-wal` beside it).
    Sqlite(PathBuf),
    /// A PostgreSQL database that nobody is connected to.
    Postgres { admin_url: String, name: String },
}

impl Frozen {
    /// A new database copied from this one: its URL and what owns it.
    async fn copy(&self) -> (String, Store) {
        match self {
            Frozen::Sqlite(file) => {
                let dir = tempfile::tempdir().expect("temp dir");
                let copy = dir.path().join("test.db");
                std::fs::copy(file, &copy).expect("copy the template");
                (format!("sqlite://{}", copy.display()), Store::Sqlite(dir))
            }
            Frozen::Postgres { admin_url, name } => {
                let copy = test_database_name();
                create_postgres(admin_url, &copy, Some(name)).await;
                (
                    postgres_url(admin_url, &copy),
                    Store::Postgres {
                        admin_url: admin_url.clone(),
                        name: copy,
                    },
                )
            }
        }
    }
}

/// A name for a test's PostgreSQL database, unique on the server.
fn test_database_name() -> String {
    format!(
        "proficio_t_{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst),
        app::server::now_ms() % 1_000_000
    )
}

/// Creates database `name` (a copy of `template`, if given) on the server of `admin_url`.
/// Its commits do not wait for the disk (`synchronous_commit = off`): a crash could lose
/// the last moments of a database that is thrown away anyway, and waiting for those
/// flushes was most of the suite's time on PostgreSQL.
async fn create_postgres(admin_url: &str, name: &str, template: Option<&str>) {
    let copy = template
        .map(|t| format!(" template {t}"))
        .unwrap_or_default();
    postgres_admin(
        admin_url,
        &[
            format!("create database {name}{copy}"),
            format!("alter database {name} set synchronous_commit = off"),
        ],
    )
    .await
    .unwrap_or_else(|e| panic!("create database {name}{copy}: {e}"));
}

/// Runs `statements` in one session on the server of `admin_url`, which does not wait
/// for the disk either (creating and dropping the suite's databases).
async fn postgres_admin(admin_url: &str, statements: &[String]) -> Result<(), sqlx::Error> {
    let admin = Db::connect(admin_url).await?;
    let mut session = admin.pool.acquire().await?;
    sqlx::query("set synchronous_commit = off")
        .execute(&mut *session)
        .await?;
    for sql in statements {
        sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
            .execute(&mut *session)
            .await?;
    }
    drop(session);
    admin.pool.close().await;
    Ok(())
}

/// A starting point built once in this process and copied for each test.
struct Template {
    db: Frozen,
    /// The files its evidence rows point at (the demo's certificates), copied into each
    /// test's upload folder.
    uploads: PathBuf,
}

static TEMPLATES: [OnceCell<Template>; 3] = [
    OnceCell::const_new(),
    OnceCell::const_new(),
    OnceCell::const_new(),
];

/// The template for `start`, built by the first test that needs it (the others wait).
async fn template(start: Start) -> &'static Template {
    TEMPLATES[start as usize]
        .get_or_init(|| build_template(start))
        .await
}

/// This process's folder for SQLite templates and their upload folders, removed when the
/// process ends (see `reap`).
fn process_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::Builder::new()
            .prefix(&format!("proficio-tests-{}-", std::process::id()))
            .tempdir()
            .expect("temp dir")
            .keep();
        reap(&format!("dir {}", dir.display()));
        dir
    })
}

/// Builds the template for `start`: the empty one by the real migrations on a new
/// database, the others by the real demo loader on a copy of the empty one.
async fn build_template(start: Start) -> Template {
    let uploads = process_dir().join(format!("uploads-{}", start.name()));
    std::fs::create_dir_all(&uploads).expect("template upload folder");
    let postgres = backend() == "postgres";
    let build_file = process_dir().join(format!("build-{}.db", start.name()));
    let pg_name = format!(
        "proficio_tmpl_{}_{}_{}",
        std::process::id(),
        start.name(),
        app::server::now_ms() % 1_000_000
    );
    let admin_url = postgres_admin_url();
    let url = match (start, postgres) {
        (Start::Empty, false) => format!("sqlite://{}", build_file.display()),
        (_, false) => {
            let Frozen::Sqlite(empty) = &Box::pin(template(Start::Empty)).await.db else {
                unreachable!("one backend per process")
            };
            std::fs::copy(empty, &build_file).expect("copy the empty template");
            format!("sqlite://{}", build_file.display())
        }
        (Start::Empty, true) => {
            create_postgres(&admin_url, &pg_name, None).await;
            reap(&format!("pg {admin_url} {pg_name}"));
            postgres_url(&admin_url, &pg_name)
        }
        (_, true) => {
            let Frozen::Postgres { name: empty, .. } = &Box::pin(template(Start::Empty)).await.db
            else {
                unreachable!("one backend per process")
            };
            create_postgres(&admin_url, &pg_name, Some(empty)).await;
            reap(&format!("pg {admin_url} {pg_name}"));
            postgres_url(&admin_url, &pg_name)
        }
    };
    let db = Db::open(&url).await.expect("open the template database");
    match start {
        Start::Empty => {}
        Start::DemoUnrated => {
            app::server::demo::load_organisation(&db)
                .await
                .expect("demo loads");
        }
        Start::Demo => {
            app::server::demo::load(&db, &uploads)
                .await
                .expect("demo loads");
        }
    }
    let frozen = if postgres {
        Frozen::Postgres {
            admin_url,
            name: pg_name,
        }
    } else {
        // VACUUM INTO writes one self-contained file: nothing of it is left in the WAL.
        let file = process_dir().join(format!("{}.db", start.name()));
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "vacuum into '{}'",
            file.display()
        )))
        .execute(&db.pool)
        .await
        .expect("freeze the SQLite template");
        Frozen::Sqlite(file)
    };
    // A PostgreSQL template must have no open connections.
    db.pool.close().await;
    if !postgres {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", build_file.display()));
        }
    }
    Template {
        db: frozen,
        uploads,
    }
}

/// Copies the files of folder `from` into folder `to` (created if missing).
fn copy_files(from: &Path, to: &Path) {
    let entries: Vec<_> = std::fs::read_dir(from)
        .expect("read the template upload folder")
        .map(|e| e.expect("template upload").path())
        .collect();
    if entries.is_empty() {
        return;
    }
    std::fs::create_dir_all(to).expect("upload folder");
    for file in entries {
        std::fs::copy(&file, to.join(file.file_name().unwrap())).expect("copy an upload");
    }
}

/// Has the template databases and folders of this process removed when it ends: a child
/// process (this test binary again, running `template_reaper`) collects the `line`s on a
/// pipe and cleans up once the pipe closes, which happens when this process exits in any
/// way. (Statics are never dropped, and the lints forbid an `atexit` hook.)
fn reap(line: &str) {
    static REAPER: OnceLock<Option<Mutex<std::process::ChildStdin>>> = OnceLock::new();
    let reaper = REAPER.get_or_init(|| {
        let exe = std::env::current_exe().ok()?;
        let child = std::process::Command::new(exe)
            .args([
                "helpers::template_reaper",
                "--exact",
                "--ignored",
                "--test-threads=1",
            ])
            .env("PROFICIO_TEST_REAPER", "1")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .ok()?;
        child.stdin.map(Mutex::new)
    });
    if let Some(pipe) = reaper {
        let mut pipe = pipe.lock().unwrap_or_else(|e| e.into_inner());
        let _ = writeln!(pipe, "{line}");
        let _ = pipe.flush();
    }
}

/// The other end of `reap`: only does anything when started by it.
#[test]
#[ignore = "started by the harness to remove its templates when the tests end"]
fn template_reaper() {
    if std::env::var_os("PROFICIO_TEST_REAPER").is_none() {
        return;
    }
    let mut lines = Vec::new();
    for line in std::io::stdin().lines() {
        match line {
            Ok(line) => lines.push(line),
            Err(_) => break,
        }
    }
    // Databases before folders: nothing else left in the folders matters.
    for line in &lines {
        if let Some(rest) = line.strip_prefix("pg ") {
            if let Some((admin_url, name)) = rest.rsplit_once(' ') {
                drop_postgres(admin_url.to_string(), name.to_string());
            }
        }
    }
    for line in &lines {
        if let Some(dir) = line.strip_prefix("dir ") {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

impl TestApp {
    /// A fresh, migrated, empty database.
    pub async fn empty() -> TestApp {
        Self::with_settings(Settings::default()).await
    }

    /// A fresh database with the demo organisation and its rating history (the new
    /// joiners, EMPLOYEE and OTHER_EMPLOYEE among them, have no ratings).
    pub async fn demo() -> TestApp {
        Self::demo_with(Settings::default()).await
    }

    /// A fresh database with the demo organisation but no ratings at all.
    pub async fn demo_unrated() -> TestApp {
        Self::demo_unrated_with(Settings::default()).await
    }

    /// A fresh, migrated, empty database and custom settings.
    pub async fn with_settings(settings: Settings) -> TestApp {
        Self::start(Start::Empty, settings).await
    }

    /// `demo` with custom settings (the demo's evidence files are copied into the
    /// settings' upload folder).
    pub async fn demo_with(settings: Settings) -> TestApp {
        Self::start(Start::Demo, settings).await
    }

    /// `demo_unrated` with custom settings.
    pub async fn demo_unrated_with(settings: Settings) -> TestApp {
        Self::start(Start::DemoUnrated, settings).await
    }

    /// A copy of the template for `start`, with `settings`; a test that keeps the default
    /// upload folder gets a new one of its own instead.
    async fn start(start: Start, mut settings: Settings) -> TestApp {
        server::telemetry::init();
        let template = template(start).await;
        let uploads = if settings.upload_dir == Settings::default().upload_dir {
            let dir = tempfile::Builder::new()
                .prefix("proficio-uploads-")
                .tempdir()
                .expect("upload folder");
            settings.upload_dir = dir.path().to_path_buf();
            Some(dir)
        } else {
            None
        };
        copy_files(&template.uploads, &settings.upload_dir);
        let (url, store) = template.db.copy().await;
        Self::assemble(&url, store, settings, uploads).await
    }

    /// Opens the database at `url` and builds the router on it.
    async fn assemble(
        url: &str,
        store: Store,
        settings: Settings,
        uploads: Option<tempfile::TempDir>,
    ) -> TestApp {
        let db = Db::open(url).await.expect("open test database");
        let options = leptos::config::get_configuration(None)
            .expect("leptos options")
            .leptos_options;
        let state = server::startup::state(db.clone(), settings, options);
        let router = server::startup::build_router(state.clone(), 2 * 1024 * 1024);
        TestApp {
            router,
            db,
            state,
            store,
            uploads,
        }
    }

    /// Serves the same database with other settings from now on (as a restart with other
    /// environment variables would): sessions and data stay.
    pub fn reconfigure(&mut self, settings: Settings) {
        let options = self.state.leptos_options.clone();
        self.state = server::startup::state(self.db.clone(), settings, options);
        self.router = server::startup::build_router(self.state.clone(), 2 * 1024 * 1024);
    }

    /// Freezes this app's database (sessions included) and upload folder so that
    /// `Snapshot::restore` can hand out copies of them far faster than building the demo
    /// again: a file copy on SQLite, `create database ... template` on PostgreSQL.
    pub async fn snapshot(mut self) -> Snapshot {
        let store = std::mem::replace(&mut self.store, Store::Moved);
        let (db, dir) = match store {
            Store::Sqlite(dir) => {
                let file = dir.path().join("template.db");
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "vacuum into '{}'",
                    file.display()
                )))
                .execute(&self.db.pool)
                .await
                .expect("copy the SQLite database");
                (Frozen::Sqlite(file), Some(dir))
            }
            Store::Postgres { admin_url, name } => (Frozen::Postgres { admin_url, name }, None),
            Store::Moved => unreachable!("a snapshot of a snapshot"),
        };
        // A template database must have no open connections.
        self.db.pool.close().await;
        Snapshot {
            db,
            _dir: dir,
            uploads: self.state.settings.upload_dir.clone(),
            _uploads: self.uploads.take(),
        }
    }

    /// Sends a request and reads the whole response.
    pub async fn send(&self, req: Request<Body>) -> Res {
        // A request that never answers fails its test instead of stalling the whole suite.
        // A page (GET) that has not answered in 10 s is asked once more, loudly. Pages used
        // to stall here when another test built its router meanwhile (leptos-rs/leptos#4773,
        // fixed by `startup::page_routes`); a "!!!" line now is a new bug, worth reporting.
        // A page that stalls twice fails the test.
        let what = format!("{} {}", req.method(), req.uri());
        let again = (req.method() == axum::http::Method::GET).then(|| {
            let mut copy = Request::get(req.uri().clone());
            for (k, v) in req.headers() {
                copy = copy.header(k, v);
            }
            copy.body(Body::empty()).expect("a copy of the request")
        });
        let first = std::time::Duration::from_secs(if again.is_some() { 10 } else { 120 });
        let res = match tokio::time::timeout(first, self.router.clone().oneshot(req)).await {
            Ok(res) => res,
            Err(_) => {
                let Some(again) = again else {
                    panic!("{what} did not answer within 120 s")
                };
                eprintln!("!!! {what} did not answer within 10 s; asking once more");
                tokio::time::timeout(
                    std::time::Duration::from_secs(120),
                    self.router.clone().oneshot(again),
                )
                .await
                .unwrap_or_else(|_| panic!("{what} did not answer twice (10 s, then 120 s)"))
            }
        }
        .expect("router answers");
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.expect("body").to_bytes();
        Res {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    /// GET a page or endpoint.
    pub async fn get(&self, path: &str, cookie: Option<&str>) -> Res {
        let mut b = Request::get(path);
        if let Some(c) = cookie {
            b = b.header(header::COOKIE, c);
        }
        self.send(b.body(Body::empty()).unwrap()).await
    }

    /// POST a server function the way the WASM client does (urlencoded in, JSON out).
    pub async fn call(&self, path: &str, form: &[(&str, &str)], cookie: Option<&str>) -> Res {
        let body = serde_urlencoded::to_string(form).unwrap();
        let mut b = Request::post(path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::CONTENT_LENGTH, body.len())
            .header(header::ACCEPT, "application/json")
            .header(header::HOST, "localhost:3000")
            .header(header::ORIGIN, "http://localhost:3000");
        if let Some(c) = cookie {
            b = b.header(header::COOKIE, c);
        }
        self.send(b.body(Body::from(body)).unwrap()).await
    }

    /// POST a form the way a browser without JavaScript does.
    pub async fn post_plain_form(
        &self,
        path: &str,
        form: &[(&str, &str)],
        referer: &str,
        cookie: Option<&str>,
    ) -> Res {
        let body = serde_urlencoded::to_string(form).unwrap();
        let mut b = Request::post(path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::CONTENT_LENGTH, body.len())
            .header(header::ACCEPT, "text/html,application/xhtml+xml,*/*;q=0.8")
            .header(header::HOST, "localhost:3000")
            .header(header::ORIGIN, "http://localhost:3000")
            .header("sec-fetch-site", "same-origin")
            .header(header::REFERER, format!("http://localhost:3000{referer}"));
        if let Some(c) = cookie {
            b = b.header(header::COOKIE, c);
        }
        self.send(b.body(Body::from(body)).unwrap()).await
    }

    /// Calls a server function as `cookie` (like `call`) and checks that it answers with
    /// `status`; a failure shows what was called and the body that came back.
    pub async fn expect(
        &self,
        path: &str,
        form: &[(&str, &str)],
        cookie: Option<&str>,
        status: StatusCode,
    ) -> Res {
        self.call(path, form, cookie)
            .await
            .expect_status(status, path)
    }

    /// GETs a page or endpoint as `cookie` (like `get`) and checks that it answers with
    /// `status`; a failure shows the body that came back.
    pub async fn expect_get(&self, path: &str, cookie: Option<&str>, status: StatusCode) -> Res {
        self.get(path, cookie).await.expect_status(status, path)
    }

    /// GETs the file at `path` as `cookie`'s owner, expecting 200: the response and its
    /// `Content-Disposition`.
    pub async fn download(&self, path: &str, cookie: &str) -> (Res, String) {
        let res = self.expect_get(path, Some(cookie), StatusCode::OK).await;
        let disposition = res.headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .to_string();
        (res, disposition)
    }

    /// Signs in each of `emails` (with the demo password), in order, and returns their
    /// session cookies in the same order.
    pub async fn sign_in_all<const N: usize>(&self, emails: [&str; N]) -> [String; N] {
        let mut cookies = Vec::with_capacity(N);
        for email in emails {
            cookies.push(self.sign_in(email, PW).await);
        }
        cookies.try_into().expect("one cookie per e-mail")
    }

    /// Tries to sign in through the sign-in server function (no `next` page): the answer.
    pub async fn try_sign_in(&self, email: &str, password: &str) -> Res {
        self.call(
            "/api/sign_in",
            &[("email", email), ("password", password), ("next", "")],
            None,
        )
        .await
    }

    /// Signs in and returns the session cookie.
    pub async fn sign_in(&self, email: &str, password: &str) -> String {
        let res = self.try_sign_in(email, password).await;
        assert!(
            res.status.is_success() || res.status.is_redirection(),
            "sign-in of {email} failed: {} {}",
            res.status,
            res.body
        );
        res.session_cookie().expect("session cookie set")
    }

    /// The id of the person with this e-mail.
    pub async fn person_id(&self, email: &str) -> i64 {
        sqlx::query_scalar("select id from person where email = $1")
            .bind(email)
            .fetch_one(&self.db.pool)
            .await
            .expect("person exists")
    }

    /// The id of the (first) framework node with this title.
    pub async fn node_id(&self, title: &str) -> i64 {
        sqlx::query_scalar("select id from framework_node where title = $1 order by id")
            .bind(title)
            .fetch_one(&self.db.pool)
            .await
            .unwrap_or_else(|e| panic!("no node {title}: {e}"))
    }

    /// The name and origin of framework `id`.
    pub async fn framework_name_and_origin(&self, id: i64) -> (String, String) {
        sqlx::query_as("select name, origin from framework where id = $1")
            .bind(id)
            .fetch_one(&self.db.pool)
            .await
            .unwrap_or_else(|e| panic!("no framework {id}: {e}"))
    }

    /// EMPLOYEE signs in and rates himself 3 on Testing: the new (pending) rating's id and
    /// his session cookie.
    pub async fn self_rating_on_testing(&self) -> (String, String) {
        let liam = self.sign_in(EMPLOYEE, PW).await;
        let key = format!("input[levels][{}]", self.node_id("Testing").await);
        self.expect(
            "/api/skills/submit",
            &[(key.as_str(), "3"), ("input[comment]", "")],
            Some(&liam),
            StatusCode::OK,
        )
        .await;
        let id = self.count("select max(id) from rating").await;
        (id.to_string(), liam)
    }

    /// Who the cookie signs in as (None if nobody).
    pub async fn whoami(&self, cookie: &str) -> Option<String> {
        let res = self.call("/api/whoami", &[], Some(cookie)).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        res.parse::<Option<app::domain::CurrentUser>>()
            .map(|me| me.email)
    }
}

/// Defines `TestApp` methods that each call one server function with the named form
/// fields (a field's name is its parameter's), as `cookie`, and check that it answers
/// `status` (see `TestApp::expect`).
macro_rules! server_calls {
    ($($(#[$doc:meta])* $name:ident($path:literal: $($field:ident),+);)*) => {
        impl TestApp {
            $(
                $(#[$doc])*
                pub async fn $name(
                    &self,
                    $($field: &str,)+
                    cookie: &str,
                    status: StatusCode,
                ) -> Res {
                    let form = [$((stringify!($field), $field)),+];
                    self.expect($path, &form, Some(cookie), status).await
                }
            )*
        }
    };
}

server_calls! {
    /// `cookie` gives `person` (an id) `level` on `node` (an id) as their manager or
    /// an admin.
    rate("/api/skills/rate": person, node, level);
    /// `cookie` decides the pending `rating` (an id): `approve` or `decline`, with no
    /// comment.
    decide_review("/api/reviews/decide": rating, decision);
    /// `decide_review` with a comment.
    decide_review_saying("/api/reviews/decide": rating, decision, comment);
    /// `cookie` answers the peer-feedback request `id` with `level`.
    answer_peer("/api/peers/answer": id, level);
    /// `cookie` decides `person`'s (an id) development plan: `approve` or `changes`,
    /// with no comment.
    decide_plan("/api/plan/decide": person, decision);
    /// `decide_plan` with a comment.
    decide_plan_saying("/api/plan/decide": person, decision, comment);
    /// `cookie` decides the reported plan action `id`: `confirm`, or `more` with no
    /// feedback.
    decide_action("/api/plan/action/decide": id, decision);
    /// `decide_action` with feedback for the trainee.
    decide_action_saying("/api/plan/action/decide": id, decision, feedback);
    /// `cookie` names `mentor` (an e-mail) to sign off the plan action `id`.
    choose_mentor("/api/plan/action/mentor": id, mentor);
    /// `cookie` reports the plan action `id` done, with `report` and `evidence_url`.
    report_action("/api/plan/action/report": id, report, evidence_url);
    /// `cookie` records that the person signing in as `email` completed `activity` (an
    /// id).
    complete_activity("/api/learning/complete": email, activity);
    /// `cookie` creates the org unit `name` under `parent_id` (an id, or "" for the top).
    create_unit("/api/units/create": name, parent_id);
    /// `cookie` activates (`active` "true") or deactivates ("false") person `id`.
    set_active("/api/people/set_active": id, active);
    /// `cookie` adds the learning activity `activity` (an id) to their own plan.
    add_to_plan("/api/plan/add-activities": activity);
    /// `cookie` archives the learning activity `id` (no `active` field: not offered).
    archive_activity("/api/learning/active": id);
}

/// A frozen database that fresh test apps are copied from (see `TestApp::snapshot`).
pub struct Snapshot {
    db: Frozen,
    /// Holds the SQLite file.
    _dir: Option<tempfile::TempDir>,
    /// The upload folder's files, copied into each copy's own.
    uploads: PathBuf,
    _uploads: Option<tempfile::TempDir>,
}

impl Snapshot {
    /// A new app on a copy of the frozen database, with a copy of its upload folder.
    pub async fn restore(&self) -> TestApp {
        let dir = tempfile::Builder::new()
            .prefix("proficio-uploads-")
            .tempdir()
            .expect("upload folder");
        copy_files(&self.uploads, dir.path());
        let settings = Settings {
            upload_dir: dir.path().to_path_buf(),
            ..Settings::default()
        };
        let (url, store) = self.db.copy().await;
        TestApp::assemble(&url, store, settings, Some(dir)).await
    }
}

impl Drop for Snapshot {
    fn drop(&mut self) {
        if let Frozen::Postgres { admin_url, name } = &self.db {
            drop_postgres(admin_url.clone(), name.clone());
        }
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Store::Postgres { admin_url, name } = &self.store {
            drop_postgres(admin_url.clone(), name.clone());
        }
    }
}

/// Drops a test database.
fn drop_postgres(admin_url: String, name: String) {
    // Drop runs inside the test's (blocked) runtime, so the cleanup gets a runtime of its
    // own; `with (force)` ends this test's open connections, whose I/O belongs to the
    // blocked runtime and so cannot be closed politely from here.
    let _ = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let drop = format!("drop database if exists {name} with (force)");
            let _ = postgres_admin(&admin_url, &[drop]).await;
        });
    })
    .join();
}

/// A caller for tests that use the services directly.
pub fn as_user(id: i64, role: app::domain::Role) -> app::domain::CurrentUser {
    app::domain::CurrentUser {
        id: app::domain::PersonId(id),
        name: format!("Person {id}"),
        email: format!("p{id}@northwind.example"),
        role,
        direct_reports: 1,
        unread: 0,
    }
}

impl TestApp {
    /// The single number a counting query returns.
    pub async fn count(&self, sql: impl Into<String>) -> i64 {
        sqlx::query_scalar(sqlx::AssertSqlSafe(sql.into()))
            .fetch_one(&self.db.pool)
            .await
            .unwrap()
    }

    /// Uploads `file` (name, bytes) to the import form as `format`, as a browser (`html`)
    /// or a script would, from the import page.
    pub async fn upload_import(
        &self,
        format: &str,
        file: (&str, &[u8]),
        html: bool,
        cookie: Option<&str>,
    ) -> Res {
        self.post_multipart(
            "/frameworks/import",
            &[("format", format)],
            file,
            html,
            "/frameworks/import",
            cookie,
        )
        .await
    }

    /// Checks that `cookie`'s owner may not upload an import over HTTP.
    pub async fn upload_import_forbidden(&self, format: &str, file: (&str, &[u8]), cookie: &str) {
        self.upload_import(format, file, false, Some(cookie))
            .await
            .expect_status(StatusCode::FORBIDDEN, "upload_import");
    }

    /// POST a multipart form with text `fields` and one file (`name`, `bytes`) the way a
    /// browser does (`html`: it wants HTML back) or a script does.
    pub async fn post_multipart(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        file: (&str, &[u8]),
        html: bool,
        referer: &str,
        cookie: Option<&str>,
    ) -> Res {
        let boundary = "----proficio-test-boundary";
        let mut body = Vec::new();
        for (k, v) in fields {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
                )
                .as_bytes(),
            );
        }
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{}\"\r\nContent-Type: application/octet-stream\r\n\r\n",
                file.0
            )
            .as_bytes(),
        );
        body.extend_from_slice(file.1);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let mut b = Request::post(path)
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .header(header::CONTENT_LENGTH, body.len())
            .header(header::HOST, "localhost:3000")
            .header(header::ORIGIN, "http://localhost:3000")
            .header(
                header::ACCEPT,
                if html {
                    "text/html,*/*;q=0.8"
                } else {
                    "application/json"
                },
            )
            .header(header::REFERER, format!("http://localhost:3000{referer}"));
        if let Some(c) = cookie {
            b = b.header(header::COOKIE, c);
        }
        self.send(b.body(Body::from(body)).unwrap()).await
    }
}

//! The test harness: `TestApp` owns a fresh database and the router built on it.

use app::server::{Db, Settings};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use std::sync::atomic::{AtomicU32, Ordering};
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

static COUNTER: AtomicU32 = AtomicU32::new(0);

impl TestApp {
    /// A fresh, migrated, empty database.
    pub async fn empty() -> TestApp {
        Self::with_settings(Settings::default()).await
    }

    /// A fresh database with the demo organisation and its rating history (the new
    /// joiners, EMPLOYEE and OTHER_EMPLOYEE among them, have no ratings).
    pub async fn demo() -> TestApp {
        let app = Self::empty().await;
        app::server::demo::load(&app.db, &Settings::default().upload_dir)
            .await
            .expect("demo loads");
        app
    }

    /// A fresh database with the demo organisation but no ratings at all.
    pub async fn demo_unrated() -> TestApp {
        let app = Self::empty().await;
        app::server::demo::load_organisation(&app.db)
            .await
            .expect("demo loads");
        app
    }

    /// A fresh database and custom settings.
    pub async fn with_settings(settings: Settings) -> TestApp {
        server::telemetry::init();
        let (url, store) = match backend().as_str() {
            "postgres" => {
                let admin_url = std::env::var("PROFICIO_TEST_POSTGRES_URL")
                    .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
                let name = format!(
                    "proficio_t_{}_{}_{}",
                    std::process::id(),
                    COUNTER.fetch_add(1, Ordering::SeqCst),
                    app::server::now_ms() % 1_000_000
                );
                let admin = Db::connect(&admin_url)
                    .await
                    .expect("PostgreSQL reachable for tests");
                sqlx::query(sqlx::AssertSqlSafe(format!("create database {name}")))
                    .execute(&admin.pool)
                    .await
                    .expect("create test database");
                admin.pool.close().await;
                let base = admin_url
                    .rsplit_once('/')
                    .map(|(b, _)| b.to_string())
                    .unwrap_or(admin_url.clone());
                (
                    format!("{base}/{name}"),
                    Store::Postgres { admin_url, name },
                )
            }
            _ => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!("sqlite://{}", dir.path().join("test.db").display());
                (url, Store::Sqlite(dir))
            }
        };
        Self::assemble(&url, store, settings).await
    }

    /// Opens the database at `url` and builds the router on it.
    async fn assemble(url: &str, store: Store, settings: Settings) -> TestApp {
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
        }
    }

    /// Freezes this app's database (sessions included) so that `Snapshot::restore` can
    /// hand out copies of it far faster than building the demo again: a file copy on
    /// SQLite, `create database ... template` on PostgreSQL.
    pub async fn snapshot(mut self) -> Snapshot {
        let store = std::mem::replace(&mut self.store, Store::Moved);
        let snapshot = match store {
            Store::Sqlite(dir) => {
                let file = dir.path().join("template.db");
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "vacuum into '{}'",
                    file.display()
                )))
                .execute(&self.db.pool)
                .await
                .expect("copy the SQLite database");
                Snapshot::Sqlite { dir, file }
            }
            Store::Postgres { admin_url, name } => Snapshot::Postgres { admin_url, name },
            Store::Moved => unreachable!("a snapshot of a snapshot"),
        };
        // A template database must have no open connections.
        self.db.pool.close().await;
        snapshot
    }

    /// Sends a request and reads the whole response.
    pub async fn send(&self, req: Request<Body>) -> Res {
        // A request that never answers fails its test instead of stalling the whole suite.
        let what = format!("{} {}", req.method(), req.uri());
        let res = tokio::time::timeout(
            std::time::Duration::from_secs(120),
            self.router.clone().oneshot(req),
        )
        .await
        .unwrap_or_else(|_| panic!("{what} did not answer within 120 s"))
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

    /// Signs in and returns the session cookie.
    pub async fn sign_in(&self, email: &str, password: &str) -> String {
        let res = self
            .call(
                "/api/sign_in",
                &[("email", email), ("password", password), ("next", "")],
                None,
            )
            .await;
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

    /// Who the cookie signs in as (None if nobody).
    pub async fn whoami(&self, cookie: &str) -> Option<String> {
        let res = self.call("/api/whoami", &[], Some(cookie)).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        res.json()
            .get("email")
            .and_then(|e| e.as_str())
            .map(str::to_string)
    }
}

/// A frozen database that fresh test apps are copied from (see `TestApp::snapshot`).
pub enum Snapshot {
    Sqlite {
        #[allow(dead_code)]
        dir: tempfile::TempDir,
        file: std::path::PathBuf,
    },
    Postgres {
        admin_url: String,
        name: String,
    },
}

impl Snapshot {
    /// A new app on a copy of the frozen database.
    pub async fn restore(&self) -> TestApp {
        match self {
            Snapshot::Sqlite { file, .. } => {
                let dir = tempfile::tempdir().expect("temp dir");
                let copy = dir.path().join("test.db");
                std::fs::copy(file, &copy).expect("copy the template");
                let url = format!("sqlite://{}", copy.display());
                TestApp::assemble(&url, Store::Sqlite(dir), Settings::default()).await
            }
            Snapshot::Postgres { admin_url, name } => {
                let copy = format!("{name}_c{}", COUNTER.fetch_add(1, Ordering::SeqCst));
                let admin = Db::connect(admin_url).await.expect("PostgreSQL reachable");
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "create database {copy} template {name}"
                )))
                .execute(&admin.pool)
                .await
                .expect("copy the template database");
                admin.pool.close().await;
                let base = admin_url
                    .rsplit_once('/')
                    .map(|(b, _)| b.to_string())
                    .unwrap_or(admin_url.clone());
                let store = Store::Postgres {
                    admin_url: admin_url.clone(),
                    name: copy.clone(),
                };
                TestApp::assemble(&format!("{base}/{copy}"), store, Settings::default()).await
            }
        }
    }
}

impl Drop for Snapshot {
    fn drop(&mut self) {
        if let Snapshot::Postgres { admin_url, name } = self {
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
            if let Ok(admin) = Db::connect(&admin_url).await {
                let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                    "drop database if exists {name} with (force)"
                )))
                .execute(&admin.pool)
                .await;
            }
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

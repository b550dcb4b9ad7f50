//! `proficio bench-pages`: the pages people open all day, served by the real router over
//! HTTP on loopback, on the generated organisation of `proficio bench` (100,000 people by
//! default) with a 15,000-node framework for the editor. For each page, `clients` signed-in
//! clients request it in a loop for a few seconds; then the same clients fetch only the
//! page's data, through the server functions its resources call (the signed-in user and
//! the page's own), which is the floor: the page's database work plus its JSON, without
//! rendering. Figures, not assertions: the README keeps them.

use crate::durability::{figures, form, loadavg, sign_in, Http, KindFigures};
use app::server::{assess, Db};
use axum::Router;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What to generate and how hard to drive it.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub people: usize,
    pub history: usize,
    pub nodes: usize,
    pub clients: usize,
    pub seconds: u64,
    /// Rounds of each service-level view before the pages (as `proficio bench`).
    pub rounds: usize,
}

/// One page's figures: served whole, and its data alone.
#[derive(Debug, serde::Serialize)]
pub struct PageFigures {
    pub page: String,
    pub path: String,
    pub page_rps: f64,
    pub page_p50_ms: f64,
    pub page_p99_ms: f64,
    pub floor_rps: f64,
    pub floor_p50_ms: f64,
    pub floor_p99_ms: f64,
    pub errors: usize,
}

/// The whole report (the JSON shape other tools read).
#[derive(Debug, serde::Serialize)]
pub struct Report {
    pub backend: &'static str,
    pub people: usize,
    pub ratings: u64,
    pub editor_nodes: usize,
    pub clients: usize,
    pub seconds: u64,
    pub generate_s: f64,
    /// False when the database held an earlier run's organisation, measured again.
    pub generated: bool,
    /// The views' service functions alone, one call at a time (as `proficio bench`).
    pub services: Vec<crate::bench_org::Figure>,
    pub pages: Vec<PageFigures>,
    pub load_before: String,
    pub load_after: String,
    /// The first errors seen.
    pub error_samples: Vec<String>,
}

/// The people the benchmark signs in as.
#[derive(Clone, Copy, PartialEq)]
enum Who {
    Employee,
    Lead,
    Director,
    Admin,
}

/// A page: its name, who opens it, its path, and the server functions (endpoint, form) its
/// resources call besides `whoami`, which every page's frame calls.
struct Page {
    name: &'static str,
    who: Who,
    path: String,
    data: Vec<(&'static str, String)>,
}

/// Self-ratings each of the lead's reports waits to have reviewed.
const PENDING_PER_REPORT: usize = 3;

/// Generates the organisation and the editor's framework into `db` when it is empty, or
/// finds again what an earlier run generated there (so a changed build can be measured
/// without generating again), serves `router(db)` on a free loopback port, and measures
/// each page.
pub async fn run(
    db: &Db,
    router: impl FnOnce(Db) -> Router,
    opts: Options,
) -> Result<Report, String> {
    let started = Instant::now();
    let empty = db.is_empty().await.map_err(|e| e.to_string())?;
    let (org, editor, generated) = if empty {
        let org = crate::bench_org::generate(db, opts.people, opts.history).await?;
        let (editor, _) = crate::bench::generate(db, opts.nodes).await?;
        // Statistics again, now that the editor's framework is there too.
        crate::bench_org::analyze(db).await?;
        app::server::stats::rebuild(db, false)
            .await
            .map_err(|e| e.to_string())?;
        (org, editor.0, true)
    } else {
        let org = crate::bench_org::existing(db).await?;
        let editor: Option<i64> =
            sqlx::query_scalar("select max(id) from framework where name = $1 having count(*) = 2")
                .bind(crate::bench::FRAMEWORK_NAME)
                .fetch_optional(&db.pool)
                .await
                .map_err(|e| e.to_string())?
                .flatten();
        match (org, editor) {
            (Some(org), Some(editor)) => (org, editor, false),
            _ => {
                return Err(
                    "the benchmark needs an empty database, or one an earlier bench-pages run \
                     generated"
                        .into(),
                )
            }
        }
    };
    let editor_nodes: i64 =
        sqlx::query_scalar("select count(*) from framework_node where framework_id = $1")
            .bind(editor)
            .fetch_one(&db.pool)
            .await
            .map_err(|e| e.to_string())?;
    let lead = org.leads[0];
    let director = org.directors[0];
    let employee: i64 =
        sqlx::query_scalar("select id from person where manager_id = $1 order by id limit 1")
            .bind(lead)
            .fetch_one(&db.pool)
            .await
            .map_err(|e| e.to_string())?;
    if generated {
        pending_reviews(db, lead).await?;
    }
    let history_node: i64 = sqlx::query_scalar(
        "select node_id from current_level where person_id = $1 order by node_id limit 1",
    )
    .bind(employee)
    .fetch_one(&db.pool)
    .await
    .map_err(|e| e.to_string())?;
    let who = [
        (Who::Employee, employee),
        (Who::Lead, lead),
        (Who::Director, director),
        (Who::Admin, org.admin),
    ];
    let hash = app::server::auth::hash_password(app::server::demo::DEMO_PASSWORD.to_string())
        .await
        .map_err(|e| e.to_string())?;
    for (_, id) in who {
        sqlx::query("update person set password_hash = $1 where id = $2")
            .bind(&hash)
            .bind(id)
            .execute(&db.pool)
            .await
            .map_err(|e| e.to_string())?;
    }
    let generate_s = started.elapsed().as_secs_f64();
    let services = crate::bench_org::measure(db, &org, opts.rounds, false).await?;

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| e.to_string())?;
    let port = listener.local_addr().map_err(|e| e.to_string())?.port();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(crate::startup::serve_on(
        listener,
        router(db.clone()),
        async {
            let _ = stopped.await;
        },
    ));
    let http = Http::new(port);
    let mut cookies = Vec::new();
    for (w, id) in who {
        cookies.push((w, sign_in(&http, &format!("p{id}@bench.example")).await?));
    }
    let cookie = |w: Who| {
        cookies
            .iter()
            .find(|(x, _)| *x == w)
            .map(|(_, c)| c.clone())
            .unwrap_or_default()
    };
    let talent = talent_criteria(&org.nodes);
    let pages = pages(employee, history_node, editor, &talent);
    let load_before = loadavg();
    let samples = Arc::new(Mutex::new(Vec::new()));
    let mut out = Vec::new();
    for page in &pages {
        let c = cookie(page.who);
        let whole = vec![Request::Get(page.path.clone())];
        let mut data = vec![Request::Post("/api/whoami".into(), String::new())];
        data.extend(
            page.data
                .iter()
                .map(|(f, body)| Request::Post(format!("/api/{f}"), body.clone())),
        );
        // Once each first: a page that fails stops the benchmark with its answer.
        for r in whole.iter().chain(&data) {
            let reply = r.send(&http, &c).await?;
            if !reply.ok() {
                return Err(format!("{}: {}: {}", page.name, r.path(), reply.describe()));
            }
        }
        let served = drive(&http, &c, &whole, opts, &samples).await;
        let floor = drive(&http, &c, &data, opts, &samples).await;
        out.push(PageFigures {
            page: page.name.into(),
            path: page.path.clone(),
            page_rps: served.1,
            page_p50_ms: served.0.p50_ms,
            page_p99_ms: served.0.p99_ms,
            floor_rps: floor.1,
            floor_p50_ms: floor.0.p50_ms,
            floor_p99_ms: floor.0.p99_ms,
            errors: served.0.errors + floor.0.errors,
        });
    }
    let load_after = loadavg();
    let _ = stop.send(());
    let _ = server.await;
    let error_samples = std::mem::take(&mut *samples.lock().unwrap_or_else(|e| e.into_inner()));
    Ok(Report {
        backend: db.backend.name(),
        people: org.people,
        ratings: org.ratings,
        editor_nodes: editor_nodes as usize,
        clients: opts.clients,
        seconds: opts.seconds,
        generate_s,
        generated,
        services,
        pages: out,
        load_before,
        load_after,
        error_samples,
    })
}

/// The pages measured, with the server functions behind each.
fn pages(employee: i64, node: i64, editor: i64, talent: &[(i64, u8)]) -> Vec<Page> {
    let p = |name, who, path: &str, data: Vec<(&'static str, String)>| Page {
        name,
        who,
        path: path.to_string(),
        data,
    };
    let home = || vec![("home", String::new())];
    let talent_query = talent
        .iter()
        .enumerate()
        .map(|(i, (n, m))| format!("node{i}={n}&min{i}={m}"))
        .collect::<Vec<_>>()
        .join("&");
    let talent_text = talent
        .iter()
        .map(|(n, m)| format!("{n}:{m}"))
        .collect::<Vec<_>>()
        .join(",");
    vec![
        p("home, employee", Who::Employee, "/", home()),
        p("home, team lead", Who::Lead, "/", home()),
        p("home, director", Who::Director, "/", home()),
        p("home, admin", Who::Admin, "/", home()),
        p(
            "My skills",
            Who::Employee,
            "/skills",
            vec![("skills/get", String::new())],
        ),
        p(
            "rating history",
            Who::Employee,
            &format!("/skills/history?node={node}"),
            vec![("skills/history", form(&[("node", &node.to_string())]))],
        ),
        p(
            "My plan",
            Who::Employee,
            "/plan",
            vec![("plan/get", String::new())],
        ),
        p(
            "careers",
            Who::Employee,
            "/careers",
            vec![("careers/map", String::new())],
        ),
        p(
            "inbox",
            Who::Employee,
            "/inbox",
            vec![("inbox/get", String::new())],
        ),
        p(
            "a report's skills",
            Who::Lead,
            &format!("/skills?person={employee}"),
            vec![("skills/get", form(&[("person", &employee.to_string())]))],
        ),
        p(
            "team heatmap",
            Who::Lead,
            "/team",
            vec![("team/heatmap", String::new())],
        ),
        p(
            "review queue",
            Who::Lead,
            "/reviews",
            vec![("reviews/queue", String::new())],
        ),
        p(
            "subtree heatmap",
            Who::Director,
            "/team?all=1&sort=gap",
            vec![("team/heatmap", form(&[("all", "1"), ("sort", "gap")]))],
        ),
        p(
            "talent search",
            Who::Admin,
            &format!("/talent?{talent_query}"),
            vec![
                ("talent/options", String::new()),
                ("talent/search", form(&[("criteria", &talent_text)])),
            ],
        ),
        p(
            "org report",
            Who::Admin,
            "/reports",
            vec![("reports/org", String::new())],
        ),
        p(
            "framework editor",
            Who::Admin,
            &format!("/frameworks/{editor}"),
            vec![("frameworks/tree", form(&[("id", &editor.to_string())]))],
        ),
    ]
}

/// Three criteria over the organisation's nodes, as `proficio bench` searches.
fn talent_criteria(nodes: &[i64]) -> Vec<(i64, u8)> {
    let n = |k: u64| nodes[(crate::bench_org::mix(1, k) % nodes.len() as u64) as usize];
    let mut out = vec![(n(1), 3u8)];
    for (k, min) in [(2u64, 2u8), (3, 2)] {
        if !out.iter().any(|c| c.0 == n(k)) {
            out.push((n(k), min));
        }
    }
    out
}

/// Gives the lead a review queue: each report submits [`PENDING_PER_REPORT`] self-ratings
/// through the same service as the page.
async fn pending_reviews(db: &Db, lead: i64) -> Result<(), String> {
    let reports: Vec<(i64, String)> =
        sqlx::query_as("select id, name from person where manager_id = $1 order by id")
            .bind(lead)
            .fetch_all(&db.pool)
            .await
            .map_err(|e| e.to_string())?;
    for (id, name) in reports {
        let nodes: Vec<(i64, i64)> = sqlx::query_as(
            "select r.node_id, coalesce(c.level, 0) from person p \
             join position_requirement r on r.position_id = p.position_id \
             left join current_level c on c.person_id = p.id and c.node_id = r.node_id \
             where p.id = $1 and coalesce(c.level, 0) < 5 order by r.node_id limit $2",
        )
        .bind(id)
        .bind(PENDING_PER_REPORT as i64)
        .fetch_all(&db.pool)
        .await
        .map_err(|e| e.to_string())?;
        let input = app::domain::assess::SelfAssessment {
            levels: nodes
                .into_iter()
                .map(|(n, l)| (n.to_string(), (l + 1).to_string()))
                .collect(),
            comment: "bench-pages".into(),
        };
        let me = app::domain::CurrentUser {
            id: app::domain::PersonId(id),
            name,
            email: format!("p{id}@bench.example"),
            role: app::domain::Role::Employee,
            direct_reports: 0,
            unread: 0,
        };
        assess::submit(db, &me, &input)
            .await
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// A request the clients repeat.
#[derive(Clone)]
enum Request {
    Get(String),
    Post(String, String),
}

impl Request {
    fn path(&self) -> &str {
        match self {
            Request::Get(p) | Request::Post(p, _) => p,
        }
    }

    async fn send(&self, http: &Http, cookie: &str) -> Result<crate::durability::Reply, String> {
        let body = match self {
            Request::Get(_) => None,
            Request::Post(_, b) => Some(b.clone()),
        };
        http.send(self.path(), Some(cookie), body, Duration::from_secs(60))
            .await
    }
}

/// `opts.clients` clients each repeat `requests` in turn for `opts.seconds`; returns the
/// latency of one round of them and the rounds per second.
async fn drive(
    http: &Http,
    cookie: &str,
    requests: &[Request],
    opts: Options,
    samples: &Arc<Mutex<Vec<String>>>,
) -> (KindFigures, f64) {
    let requests: Arc<[Request]> = requests.into();
    let started = Instant::now();
    let deadline = started + Duration::from_secs(opts.seconds);
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..opts.clients {
        let (http, cookie, requests, samples) = (
            http.clone(),
            cookie.to_string(),
            requests.clone(),
            samples.clone(),
        );
        tasks.spawn(async move {
            let mut micros = Vec::new();
            let mut errors = 0;
            while Instant::now() < deadline {
                let t0 = Instant::now();
                for r in requests.iter() {
                    let problem = match r.send(&http, &cookie).await {
                        Ok(reply) if reply.ok() => None,
                        Ok(reply) => Some(reply.describe()),
                        Err(e) => Some(e),
                    };
                    if let Some(p) = problem {
                        errors += 1;
                        let mut s = samples.lock().unwrap_or_else(|e| e.into_inner());
                        if s.len() < 10 {
                            s.push(format!("{}: {p}", r.path()));
                        }
                    }
                }
                micros.push(t0.elapsed().as_micros() as u64);
            }
            (micros, errors)
        });
    }
    let (mut all, mut errors) = (Vec::new(), 0);
    while let Some(done) = tasks.join_next().await {
        if let Ok((m, e)) = done {
            all.extend(m);
            errors += e;
        }
    }
    let rate = all.len() as f64 / started.elapsed().as_secs_f64();
    (figures("", all, errors), rate)
}

/// The report as a table.
pub fn table(r: &Report) -> String {
    let mut out = format!(
        "{} people, {} ratings, editor framework of {} nodes, on {} ({} in {:.0} s); \
         {} clients, {} s per page and per floor\n\
         {:<20} {:>9} {:>8} {:>8} | {:>9} {:>8} {:>8} | {:>6}\n",
        r.people,
        r.ratings,
        r.editor_nodes,
        r.backend,
        if r.generated {
            "generated"
        } else {
            "found again"
        },
        r.generate_s,
        r.clients,
        r.seconds,
        "page",
        "req/s",
        "p50 ms",
        "p99 ms",
        "floor/s",
        "p50 ms",
        "p99 ms",
        "ratio"
    );
    for p in &r.pages {
        out.push_str(&format!(
            "{:<20} {:>9.0} {:>8.1} {:>8.1} | {:>9.0} {:>8.1} {:>8.1} | {:>6.2}{}\n",
            p.page,
            p.page_rps,
            p.page_p50_ms,
            p.page_p99_ms,
            p.floor_rps,
            p.floor_p50_ms,
            p.floor_p99_ms,
            if p.floor_rps > 0.0 {
                p.page_rps / p.floor_rps
            } else {
                0.0
            },
            if p.errors > 0 {
                format!("  ({} errors)", p.errors)
            } else {
                String::new()
            }
        ));
    }
    out.push_str("\nthe views alone, one call at a time:\n");
    out.push_str(&crate::bench_org::figures_table(&r.services));
    out.push_str(&format!(
        "ratio: the page's rate over its floor's (its data through its server functions, not rendered)\n\
         load average before/after: {} / {}\n",
        r.load_before, r.load_after
    ));
    for s in &r.error_samples {
        out.push_str(&format!("  {s}\n"));
    }
    out
}

//! The `proficio` binary.
#![recursion_limit = "256"]

use app::server::{demo, Db};
use clap::Parser;
use leptos::config::get_configuration;
use server::cli::{
    AdminCommand, Cli, Command, ExportFormat, ImportFormat, PublicUrl, ServeArgs, TokenCommand,
};
use server::{backup, startup, telemetry};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    telemetry::init();
    let cli = Cli::parse();
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("proficio: {e}");
            ExitCode::FAILURE
        }
    }
}

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Hands each subcommand to its function: serving, operations on a database (migrate,
/// admin, demo, digest, backup), imports and exports, and benchmarks and tests.
async fn run(cli: Cli) -> Result<(), BoxError> {
    let url = cli.database;
    match cli.command {
        None => serve(&url, cli.serve).await,
        Some(Command::Serve(args)) => serve(&url, args).await,
        // Operations on a database.
        Some(Command::Migrate) => migrate(&url).await,
        Some(Command::Admin(AdminCommand::Create { email, name })) => {
            create_admin(&url, &email, &name).await
        }
        Some(Command::Token(cmd)) => token(&url, cmd).await,
        Some(Command::Demo { force, upload_dir }) => load_demo(&url, force, &upload_dir).await,
        Some(Command::Digest {
            smtp_url,
            mail_from,
            public: PublicUrl { public_url },
        }) => {
            let config = server::digest::DigestConfig {
                smtp_url,
                from: mail_from,
                public_url,
            };
            send_digests(&url, &config).await
        }
        Some(Command::Backup { file }) => write_backup(&url, &file).await,
        // Files in and out.
        Some(Command::Import {
            format,
            file,
            skip_bad_rows,
            kinds,
        }) => import(&url, format, &file, skip_bad_rows, &kinds).await,
        Some(Command::Export {
            format,
            framework,
            output,
            version,
            public: PublicUrl { public_url },
        }) => export(&url, format, framework, output, &version, &public_url).await,
        // Benchmarks and tests.
        Some(Command::Bench {
            people,
            rounds,
            history,
            json,
        }) => bench_org(url, people, rounds, history, json).await,
        Some(Command::BenchLearning {
            activities,
            rounds,
            json,
        }) => {
            let report = server::bench_learning::run(activities as usize, rounds as usize);
            print_report(&report, json, server::bench_learning::table)
        }
        Some(Command::BenchPages {
            people,
            history,
            nodes,
            clients,
            seconds,
            rounds,
            json,
        }) => {
            let opts = server::bench_pages::Options {
                rounds: rounds as usize,
                people: people as usize,
                history: history as usize,
                nodes: nodes as usize,
                clients: clients as usize,
                seconds: u64::from(seconds),
            };
            bench_pages(url, opts, json).await
        }
        Some(Command::BenchImports { data, rounds, json }) => {
            bench_imports(url, &data, rounds, json).await
        }
        Some(Command::BenchEditor {
            nodes,
            rounds,
            json,
        }) => bench_editor(url, nodes, rounds, json).await,
        Some(Command::CrashTest {
            rounds,
            writers,
            json,
        }) => crash_test(&url, rounds, writers, json).await,
        Some(Command::LoadTest {
            clients,
            seconds,
            write_percent,
            json,
        }) => load_test(&url, clients, seconds, write_percent, json).await,
    }
}

// ---- serving ---------------------------------------------------------------------------

/// `proficio serve`: opens the database (loading the demo into an empty one when asked),
/// starts the reminder digests when an SMTP relay is set, and serves until stopped.
async fn serve(url: &str, args: ServeArgs) -> Result<(), BoxError> {
    // A wrong setting stops the start before anything else happens, naming the variable.
    let settings = args.settings()?;
    let conf = get_configuration(None)?;
    let mut options = conf.leptos_options;
    // `cargo leptos build` names the client's files by content and lists the names in a hash
    // file beside the binary; run directly (not by cargo-leptos), the binary finds it there.
    options.hash_files |= std::env::current_exe()
        .ok()
        .and_then(|exe| Some(exe.parent()?.join(&*options.hash_file)))
        .is_some_and(|file| file.is_file());
    let addr = args.addr.unwrap_or(options.site_addr);
    let db = Db::open(url).await?;
    tracing::info!(database = %app::server::db::redact(url), backend = db.backend.name(), "database ready");
    if db.is_empty().await? {
        if args.demo {
            let n = demo::load(&db, &args.upload_dir)
                .await
                .map_err(|e| e.to_string())?;
            tracing::info!(
                people = n,
                "loaded the demo organisation into the empty database"
            );
        } else {
            tracing::warn!(
                "the database has no people yet: create the first admin with \
                 `proficio admin create --email EMAIL --name NAME`, or start with \
                 PROFICIO_DEMO=true to try the demo organisation"
            );
        }
    }
    if let Some(smtp_url) = &args.smtp_url {
        server::digest::relay(smtp_url)?;
        server::digest::spawn(
            db.clone(),
            server::digest::DigestConfig {
                smtp_url: smtp_url.clone(),
                from: args.mail_from.clone(),
                public_url: args.public.public_url.clone(),
            },
        );
        tracing::info!("daily reminder digests are on");
    }
    let state = startup::state(db, settings, options);
    let router = startup::build_router(state, args.body_limit);
    startup::serve(router, addr).await?;
    Ok(())
}

// ---- operations on a database ------------------------------------------------------------

/// `proficio migrate`: opening the database applies pending migrations.
async fn migrate(url: &str) -> Result<(), BoxError> {
    Db::open(url).await?;
    println!("migrations applied to {}", app::server::db::redact(url));
    Ok(())
}

/// `proficio admin create`: the password comes from `PROFICIO_ADMIN_PASSWORD`, or else one
/// line of standard input.
async fn create_admin(url: &str, email: &str, name: &str) -> Result<(), BoxError> {
    let password = match std::env::var("PROFICIO_ADMIN_PASSWORD") {
        Ok(p) if !p.is_empty() => p,
        _ => {
            eprintln!("New password for {email} (one line on standard input):");
            let mut line = String::new();
            std::io::stdin().read_line(&mut line)?;
            line.trim_end_matches(['\n', '\r']).to_string()
        }
    };
    let db = Db::open(url).await?;
    let id = app::server::people::create_admin(&db, email, name, password)
        .await
        .map_err(|e| match e.field() {
            Some(f) => format!("{f}: {e}"),
            None => e.to_string(),
        })?;
    println!(
        "Created admin {email} (person {}). Sign in at /sign-in.",
        id.0
    );
    Ok(())
}

/// `proficio token create|list|revoke`.
async fn token(url: &str, cmd: TokenCommand) -> Result<(), BoxError> {
    use app::server::{api_tokens, format_time};
    let db = Db::open(url).await?;
    let shown = |e: app::api::AppError| match e.field() {
        Some(f) => format!("{f}: {e}"),
        None => e.to_string(),
    };
    match cmd {
        TokenCommand::Create { name, scopes, days } => {
            let (t, text) = api_tokens::create(&db, None, &name, &scopes, days)
                .await
                .map_err(shown)?;
            let until = t.expires_at.map_or("until revoked".into(), |e| {
                format!("until {}", format_time(e))
            });
            println!(
                "Token {} \"{}\" ({}), {until}. Keep it now: it is not shown again.",
                t.id, t.name, t.scopes
            );
            println!("{text}");
        }
        TokenCommand::List => {
            for t in api_tokens::list(&db).await.map_err(shown)? {
                let state = match (t.revoked_at, t.expires_at) {
                    (Some(r), _) => format!("revoked {}", format_time(r)),
                    (None, Some(e)) => format!("expires {}", format_time(e)),
                    (None, None) => "no expiry".into(),
                };
                let used = t.last_used_at.map_or("never used".into(), |u| {
                    format!("last used {}", format_time(u))
                });
                println!(
                    "{}\t{}…\t{}\t{}\t{state}\t{used}",
                    t.id, t.prefix, t.name, t.scopes
                );
            }
        }
        TokenCommand::Revoke { id } => {
            api_tokens::revoke(&db, None, id).await.map_err(shown)?;
            println!("Revoked token {id}.");
        }
    }
    Ok(())
}

/// `proficio demo`: loads the demo organisation and says how to sign in.
async fn load_demo(url: &str, force: bool, upload_dir: &Path) -> Result<(), BoxError> {
    let db = Db::open(url).await?;
    let n = server::cli::load_demo(&db, force, upload_dir).await?;
    println!(
        "Loaded the demo organisation ({n} people). Sign in as priya.raman@{d} (admin), tomas.ortega@{d} \
         (HR viewer), grace.okafor@{d} (manager) or liam.chen@{d} (employee); password: {p}",
        d = demo::DOMAIN,
        p = demo::DEMO_PASSWORD
    );
    Ok(())
}

/// `proficio digest`: sends today's reminder digests and prints how many went out.
async fn send_digests(url: &str, config: &server::digest::DigestConfig) -> Result<(), BoxError> {
    let db = Db::open(url).await?;
    let sent = server::digest::send_due(&db, config).await?;
    println!("{sent}");
    Ok(())
}

/// `proficio backup`: a consistent copy of the database in `file`.
async fn write_backup(url: &str, file: &Path) -> Result<(), BoxError> {
    let db = Db::open(url).await?;
    backup::run(&db, file).await?;
    println!("backup written to {}", file.display());
    Ok(())
}

// ---- files in and out --------------------------------------------------------------------

/// `proficio import`: imports `file` all or nothing (or only its valid rows), prints what
/// was left out and noted on standard error, then the new framework's id or the count.
async fn import(
    url: &str,
    format: ImportFormat,
    file: &Path,
    skip_bad_rows: bool,
    kinds: &[String],
) -> Result<(), BoxError> {
    let bytes = std::fs::read(file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let db = Db::open(url).await?;
    let started = std::time::Instant::now();
    let options = app::server::imports::ImportOptions {
        kinds: kinds.join("\n"),
    };
    let done =
        app::server::imports::import_with(&db, format.key(), &bytes, skip_bad_rows, &options)
            .await
            .map_err(|e| e.to_string())?;
    for p in &done.skipped {
        eprintln!("left out: {p}");
    }
    for w in &done.warnings {
        eprintln!("note: {w}");
    }
    eprintln!(
        "imported {} {} from {} in {} ms",
        done.written,
        done.noun,
        file.display(),
        started.elapsed().as_millis()
    );
    match done.framework {
        Some(f) => println!("{}", f.0),
        None => println!("{}", done.written),
    }
    Ok(())
}

/// `proficio export`: writes a framework as Moodle CSV or a CASE package to `output`, or
/// to standard output.
async fn export(
    url: &str,
    format: ExportFormat,
    framework: i64,
    output: Option<PathBuf>,
    version: &str,
    public_url: &str,
) -> Result<(), BoxError> {
    let db = Db::open(url).await?;
    // The command line is trusted like an admin.
    let admin = app::domain::CurrentUser {
        id: app::domain::PersonId(0),
        name: "proficio export".into(),
        email: String::new(),
        role: app::domain::Role::Admin,
        direct_reports: 0,
        unread: 0,
    };
    let id = app::domain::FrameworkId(framework);
    let (_, text) = match format {
        ExportFormat::MoodleCsv => app::server::exports::export_moodle(&db, &admin, id).await,
        ExportFormat::Case => {
            let base = format!("{}/case", public_url.trim_end_matches('/'));
            app::server::exports::export_case(&db, &admin, id, version, &base).await
        }
    }
    .map_err(|e| e.to_string())?;
    match output {
        Some(path) => std::fs::write(&path, text)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?,
        None => print!("{text}"),
    }
    Ok(())
}

// ---- benchmarks and tests ----------------------------------------------------------------

/// Prints a report as pretty JSON, or else as `table` renders it.
fn print_report<R: serde::Serialize>(
    report: &R,
    json: bool,
    table: impl Fn(&R) -> String,
) -> Result<(), BoxError> {
    if json {
        println!("{}", serde_json::to_string_pretty(report)?);
    } else {
        print!("{}", table(report));
    }
    Ok(())
}

/// `proficio bench`: the multi-person views on a generated organisation.
async fn bench_org(
    url: String,
    people: u32,
    rounds: u32,
    history: u32,
    json: bool,
) -> Result<(), BoxError> {
    let (db, temp) = empty_bench_db(url).await?;
    let report =
        server::bench_org::run(&db, people as usize, rounds as usize, history as usize).await;
    close_bench_db(db, temp).await;
    print_report(&report?, json, server::bench_org::table)
}

/// `proficio bench-pages`: the main pages through the real router, with the serving
/// defaults (`ServeArgs` from the environment, as `proficio serve` reads them).
async fn bench_pages(
    url: String,
    opts: server::bench_pages::Options,
    json: bool,
) -> Result<(), BoxError> {
    let options = get_configuration(None)?.leptos_options;
    let args = Cli::parse_from(["proficio"]).serve;
    let (db, temp) = bench_db(url).await?;
    let settings = args.settings()?;
    let make = |db: Db| {
        let state = startup::state(db, settings.clone(), options);
        startup::build_router(state, args.body_limit)
    };
    let report = server::bench_pages::run(&db, make, opts).await;
    close_bench_db(db, temp).await;
    print_report(&report?, json, server::bench_pages::table)
}

/// `proficio bench-imports`: every import, timed.
async fn bench_imports(url: String, data: &Path, rounds: u32, json: bool) -> Result<(), BoxError> {
    let (db, temp) = empty_bench_db(url).await?;
    let report = server::bench_imports::run(&db, data, rounds as usize).await;
    close_bench_db(db, temp).await;
    print_report(&report?, json, server::bench_imports::table)
}

/// `proficio bench-editor`: the framework editor's server side on a generated framework.
async fn bench_editor(url: String, nodes: u32, rounds: u32, json: bool) -> Result<(), BoxError> {
    let (db, temp) = bench_db(url).await?;
    let report = server::bench::run(&db, nodes as usize, rounds as usize).await;
    close_bench_db(db, temp).await;
    print_report(&report?, json, server::bench::table)
}

/// `proficio crash-test`: fails unless no acknowledged write was lost, integrity held and
/// no request failed.
async fn crash_test(url: &str, rounds: u32, writers: u32, json: bool) -> Result<(), BoxError> {
    let report = server::durability::crash_test(url, rounds, writers).await?;
    print_report(&report, json, server::durability::crash_summary)?;
    if report.passed() {
        Ok(())
    } else {
        Err(
            "crash test failed: acknowledged writes lost, integrity broken or requests failed"
                .into(),
        )
    }
}

/// `proficio load-test`: fails on any request answered with an error or broken integrity.
async fn load_test(
    url: &str,
    clients: u32,
    seconds: u32,
    write_percent: u64,
    json: bool,
) -> Result<(), BoxError> {
    let report = server::durability::load_test(url, clients, seconds, write_percent).await?;
    print_report(&report, json, server::durability::load_table)?;
    if report.passed() {
        Ok(())
    } else {
        Err("load test failed: requests answered with errors or integrity broken".into())
    }
}

/// The database a benchmark runs on: a temporary SQLite file unless one was named, so a
/// benchmark never fills real data.
async fn bench_db(url: String) -> Result<(Db, Option<PathBuf>), BoxError> {
    let temp = (url == server::cli::DEFAULT_DATABASE)
        .then(|| std::env::temp_dir().join(format!("proficio-bench-{}", std::process::id())));
    let url = match &temp {
        Some(dir) => format!("sqlite://{}", dir.join("bench.db").display()),
        None => url,
    };
    Ok((Db::open(&url).await?, temp))
}

/// [`bench_db`] for a benchmark that generates its own data: refuses (and closes) a
/// database that already has some.
async fn empty_bench_db(url: String) -> Result<(Db, Option<PathBuf>), BoxError> {
    let (db, temp) = bench_db(url).await?;
    if !db.is_empty().await? {
        close_bench_db(db, temp).await;
        return Err("the benchmark needs an empty database".into());
    }
    Ok((db, temp))
}

/// Closes a benchmark's database and deletes it when it was temporary.
async fn close_bench_db(db: Db, temp: Option<PathBuf>) {
    db.pool.close().await;
    if let Some(dir) = temp {
        let _ = std::fs::remove_dir_all(dir);
    }
}

//! The `proficio` binary.
#![recursion_limit = "256"]

use app::server::{demo, Db};
use clap::Parser;
use leptos::config::get_configuration;
use server::cli::{Cli, Command, ServeArgs};
use server::{backup, startup, telemetry};
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

async fn run(cli: Cli) -> Result<(), BoxError> {
    let url = cli.database.clone();
    match cli.command {
        None => serve(&url, cli.serve).await,
        Some(Command::Serve(args)) => serve(&url, args).await,
        Some(Command::Migrate) => {
            Db::open(&url).await?;
            println!("migrations applied to {}", app::server::db::redact(&url));
            Ok(())
        }
        Some(Command::Admin(server::cli::AdminCommand::Create { email, name })) => {
            let password = match std::env::var("PROFICIO_ADMIN_PASSWORD") {
                Ok(p) if !p.is_empty() => p,
                _ => {
                    eprintln!("New password for {email} (one line on standard input):");
                    let mut line = String::new();
                    std::io::stdin().read_line(&mut line)?;
                    line.trim_end_matches(['\n', '\r']).to_string()
                }
            };
            let db = Db::open(&url).await?;
            let id = app::server::people::create_admin(&db, &email, &name, password)
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
        Some(Command::Demo { force, upload_dir }) => {
            let db = Db::open(&url).await?;
            let n = server::cli::load_demo(&db, force, &upload_dir).await?;
            println!(
                "Loaded the demo organisation ({n} people). Sign in as priya.raman@{d} (admin), tomas.ortega@{d} \
                 (HR viewer), grace.okafor@{d} (manager) or liam.chen@{d} (employee); password: {p}",
                d = demo::DOMAIN,
                p = demo::DEMO_PASSWORD
            );
            Ok(())
        }
        Some(Command::Bench {
            people,
            rounds,
            history,
            json,
        }) => {
            let (db, temp) = bench_db(url).await?;
            if !db.is_empty().await? {
                close_bench_db(db, temp).await;
                return Err("the benchmark needs an empty database".into());
            }
            let report =
                server::bench_org::run(&db, people as usize, rounds as usize, history as usize)
                    .await;
            close_bench_db(db, temp).await;
            let report = report?;
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                print!("{}", server::bench_org::table(&report));
            }
            Ok(())
        }
        Some(Command::BenchLearning {
            activities,
            rounds,
            json,
        }) => {
            let report = server::bench_learning::run(activities as usize, rounds as usize);
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                print!("{}", server::bench_learning::table(&report));
            }
            Ok(())
        }
        Some(Command::CrashTest {
            rounds,
            writers,
            json,
        }) => {
            let report = server::durability::crash_test(&url, rounds, writers).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                print!("{}", server::durability::crash_summary(&report));
            }
            if report.passed() {
                Ok(())
            } else {
                Err("crash test failed: acknowledged writes lost, integrity broken or requests failed".into())
            }
        }
        Some(Command::LoadTest {
            clients,
            seconds,
            write_percent,
            json,
        }) => {
            let report =
                server::durability::load_test(&url, clients, seconds, write_percent).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                print!("{}", server::durability::load_table(&report));
            }
            if report.passed() {
                Ok(())
            } else {
                Err("load test failed: requests answered with errors or integrity broken".into())
            }
        }
        Some(Command::Digest {
            smtp_url,
            mail_from,
            public_url,
        }) => {
            let db = Db::open(&url).await?;
            let sent = server::digest::send_due(
                &db,
                &server::digest::DigestConfig {
                    smtp_url,
                    from: mail_from,
                    public_url,
                },
            )
            .await?;
            println!("{sent}");
            Ok(())
        }
        Some(Command::BenchImports { data, rounds, json }) => {
            let (db, temp) = bench_db(url).await?;
            if !db.is_empty().await? {
                close_bench_db(db, temp).await;
                return Err("the benchmark needs an empty database".into());
            }
            let report = server::bench_imports::run(&db, &data, rounds as usize).await;
            close_bench_db(db, temp).await;
            let report = report?;
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                print!("{}", server::bench_imports::table(&report));
            }
            Ok(())
        }
        Some(Command::BenchEditor {
            nodes,
            rounds,
            json,
        }) => {
            let (db, temp) = bench_db(url).await?;
            let report = server::bench::run(&db, nodes as usize, rounds as usize).await;
            close_bench_db(db, temp).await;
            let report = report?;
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                print!("{}", server::bench::table(&report));
            }
            Ok(())
        }
        Some(Command::Import {
            format,
            file,
            skip_bad_rows,
            kinds,
        }) => {
            let bytes =
                std::fs::read(&file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
            let db = Db::open(&url).await?;
            let started = std::time::Instant::now();
            let options = app::server::imports::ImportOptions {
                kinds: kinds.join("\n"),
            };
            let done = app::server::imports::import_with(
                &db,
                format.key(),
                &bytes,
                skip_bad_rows,
                &options,
            )
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
        Some(Command::Export {
            format,
            framework,
            output,
            version,
            public_url,
        }) => {
            let db = Db::open(&url).await?;
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
                server::cli::ExportFormat::MoodleCsv => {
                    app::server::exports::export_moodle(&db, &admin, id).await
                }
                server::cli::ExportFormat::Case => {
                    let base = format!("{}/case", public_url.trim_end_matches('/'));
                    app::server::exports::export_case(&db, &admin, id, &version, &base).await
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
        Some(Command::Backup { file }) => {
            let db = Db::open(&url).await?;
            backup::run(&db, &file).await?;
            println!("backup written to {}", file.display());
            Ok(())
        }
    }
}

/// The database a benchmark runs on: a temporary SQLite file unless one was named, so a
/// benchmark never fills real data.
async fn bench_db(url: String) -> Result<(Db, Option<std::path::PathBuf>), BoxError> {
    let temp = (url == server::cli::DEFAULT_DATABASE)
        .then(|| std::env::temp_dir().join(format!("proficio-bench-{}", std::process::id())));
    let url = match &temp {
        Some(dir) => format!("sqlite://{}", dir.join("bench.db").display()),
        None => url,
    };
    Ok((Db::open(&url).await?, temp))
}

/// Closes a benchmark's database and deletes it when it was temporary.
async fn close_bench_db(db: Db, temp: Option<std::path::PathBuf>) {
    db.pool.close().await;
    if let Some(dir) = temp {
        let _ = std::fs::remove_dir_all(dir);
    }
}

async fn serve(url: &str, args: ServeArgs) -> Result<(), BoxError> {
    let conf = get_configuration(None)?;
    let options = conf.leptos_options;
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
                public_url: args.public_url.clone(),
            },
        );
        tracing::info!("daily reminder digests are on");
    }
    let state = startup::state(db, args.settings(), options);
    let router = startup::build_router(state, args.body_limit);
    startup::serve(router, addr).await?;
    Ok(())
}

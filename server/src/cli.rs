//! The command line. Every subcommand takes `--database URL` (or `PROFICIO_DATABASE_URL`);
//! `serve` is the default. Later subcommands (import, export, bench) slot into `Command`.

use clap::builder::BoolishValueParser;
use clap::{ArgAction, Args, Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;

/// Default database: a SQLite file under `./data/`.
pub const DEFAULT_DATABASE: &str = "sqlite://data/proficio.db";

/// Proficio: competency frameworks, skills and career paths.
#[derive(Debug, Parser)]
#[command(name = "proficio", version)]
pub struct Cli {
    /// Database URL: sqlite://PATH (created if missing) or postgres://USER@HOST/DB.
    #[arg(long, global = true, env = "PROFICIO_DATABASE_URL", default_value = DEFAULT_DATABASE)]
    pub database: String,

    /// What to do (default: serve).
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Options of `serve`, accepted without the subcommand too.
    #[command(flatten)]
    pub serve: ServeArgs,
}

/// The subcommands.
// Parsed once at start: the serve options' size does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the web app and API (the default).
    Serve(ServeArgs),
    /// Apply pending database migrations and exit.
    Migrate,
    /// Manage administrators: `proficio admin create` makes the first one of a new database.
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Manage API tokens for systems calling /api/v1.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Load the demo organisation (refuses a database that already has people).
    Demo {
        /// Delete everything in the database first, then load the demo.
        #[arg(long)]
        force: bool,
        /// Folder for the demo's evidence files (the server's upload folder).
        #[arg(long, env = "PROFICIO_UPLOAD_DIR", default_value = "data/uploads")]
        upload_dir: std::path::PathBuf,
    },
    /// Time the framework editor's server side on a generated framework (into a temporary
    /// SQLite database unless --database is given) and print the figures.
    BenchEditor {
        /// Nodes in the generated framework.
        #[arg(long, default_value_t = 15_000, value_parser = clap::value_parser!(u32).range(400..=200_000))]
        nodes: u32,
        /// Repetitions of each operation.
        #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..=1000))]
        rounds: u32,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Time the team heatmap, subtree heatmap, talent search and rating writes on a generated
    /// organisation of N people (into a temporary SQLite database unless --database is given;
    /// that database must be empty) and print the figures.
    Bench {
        /// People in the generated organisation.
        #[arg(long, default_value_t = 100_000, value_parser = clap::value_parser!(u32).range(200..=1_000_000))]
        people: u32,
        /// Repetitions of each operation.
        #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u32).range(1..=10_000))]
        rounds: u32,
        /// Ratings per person and node (history; the latest counts).
        #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=50))]
        history: u32,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Serve the main pages to concurrent signed-in clients on a generated organisation
    /// (into a temporary SQLite database unless --database is given; that database must be
    /// empty, or hold what an earlier bench-pages run generated, which is measured again
    /// without generating) and print each page's rate and latency beside its data's alone.
    BenchPages {
        /// People in the generated organisation.
        #[arg(long, default_value_t = 100_000, value_parser = clap::value_parser!(u32).range(200..=1_000_000))]
        people: u32,
        /// Ratings per person and node (history; the latest counts).
        #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=50))]
        history: u32,
        /// Nodes in the framework the editor opens.
        #[arg(long, default_value_t = 15_000, value_parser = clap::value_parser!(u32).range(400..=200_000))]
        nodes: u32,
        /// Concurrent clients.
        #[arg(long, default_value_t = 32, value_parser = clap::value_parser!(u32).range(1..=1_000))]
        clients: u32,
        /// Seconds each page (and then its data alone) is driven.
        #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=600))]
        seconds: u32,
        /// Repetitions of each view timed alone first (as `proficio bench`).
        #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u32).range(1..=10_000))]
        rounds: u32,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Time every import (a generated 1,189-item CASE package, the ESCO, Moodle and
    /// progression files) into a temporary SQLite database unless --database is given (that
    /// database must be empty) and print the figures.
    BenchImports {
        /// The folder of real files (shared/data).
        #[arg(long, default_value = "../shared/data")]
        data: PathBuf,
        /// Runs of each import.
        #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=100))]
        rounds: u32,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Time "close my gap" over a generated learning catalogue and print the figures.
    BenchLearning {
        /// Activities in the generated catalogue.
        #[arg(long, default_value_t = 2_000, value_parser = clap::value_parser!(u32).range(10..=1_000_000))]
        activities: u32,
        /// Repetitions of each case.
        #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u32).range(1..=100_000))]
        rounds: u32,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Durability: start this binary's `serve` on a fresh database (a temporary SQLite file
    /// unless --database names an empty one), fire concurrent manager ratings over HTTP,
    /// SIGKILL the server mid-stream, restart it on the same database, count acknowledged
    /// writes that are missing and check integrity; ROUNDS times. Fails on any loss.
    CrashTest {
        /// Kill-and-restart rounds.
        #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..=10_000))]
        rounds: u32,
        /// Concurrent writers.
        #[arg(long, default_value_t = 16, value_parser = clap::value_parser!(u32).range(1..=1_000))]
        writers: u32,
        /// Print JSON instead of a summary.
        #[arg(long)]
        json: bool,
    },
    /// Load: start this binary's `serve` on a fresh database (as crash-test), keep CLIENTS
    /// signed-in clients reading pages and writing ratings for SECONDS, print requests,
    /// errors and p50/p99 latency per kind. Fails on any error.
    LoadTest {
        /// Concurrent signed-in clients.
        #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u32).range(1..=100_000))]
        clients: u32,
        /// How long to run.
        #[arg(long, default_value_t = 60, value_parser = clap::value_parser!(u32).range(1..=86_400))]
        seconds: u32,
        /// Share of a manager's requests that are rating writes, in percent.
        #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u64).range(0..=100))]
        write_percent: u64,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Send today's reminder digests now (each person at most once a day), then exit.
    Digest {
        /// SMTP relay, `smtp://host[:port]`.
        #[arg(long, env = "PROFICIO_SMTP_URL")]
        smtp_url: String,
        /// The sender.
        #[arg(
            long,
            env = "PROFICIO_MAIL_FROM",
            default_value = "Proficio <proficio@localhost>"
        )]
        mail_from: String,
        /// Links in the e-mails start with the public address.
        #[command(flatten)]
        public: PublicUrl,
    },
    /// Write a consistent copy of the database to FILE, safe while the server runs.
    Backup {
        /// Where to write the copy (must not exist yet).
        file: PathBuf,
    },
    /// Import a file, all or nothing: a framework format makes a new draft framework and
    /// prints its id alone on the last line; other formats print how many they wrote.
    Import {
        /// The file's format.
        format: ImportFormat,
        /// The file.
        file: PathBuf,
        /// Import the valid rows of a file with problems (each left-out row is printed).
        #[arg(long)]
        skip_bad_rows: bool,
        /// CASE: map item types to node kinds over the defaults, `Item type = kind`
        /// (category, competency or skill); repeat the flag or separate rules with `;`.
        #[arg(long = "kind")]
        kinds: Vec<String>,
    },
    /// Write a framework in a format other tools read (to standard output unless -o).
    Export {
        /// The format.
        format: ExportFormat,
        /// The framework's id.
        framework: i64,
        /// Write to this file instead of standard output.
        #[arg(short = 'o', long)]
        output: Option<PathBuf>,
        /// Which version: "draft" (the framework as it is now) or a published number.
        #[arg(long, default_value = "draft")]
        version: String,
        /// CASE URIs are made under the public address.
        #[command(flatten)]
        public: PublicUrl,
    },
}

/// `proficio admin ...`.
#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Create an administrator who signs in with a password. The password is read from
    /// PROFICIO_ADMIN_PASSWORD, else from the first line of standard input, so it never
    /// appears in the process list or the shell history.
    Create {
        /// Their sign-in e-mail.
        #[arg(long)]
        email: String,
        /// Their name as shown in the app.
        #[arg(long)]
        name: String,
    },
}

/// `proficio token ...`.
#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Make a token and print it alone on the last line (it is never shown again).
    Create {
        /// What will use it ("HR sync", "LMS completions").
        #[arg(long)]
        name: String,
        /// A comma list of scopes (people:read, units:read) or all.
        #[arg(long)]
        scopes: String,
        /// Days until it expires (1-730); without it, it lasts until revoked.
        #[arg(long)]
        days: Option<u32>,
    },
    /// List tokens (never their secrets).
    List,
    /// Revoke a token by its id: its next request is refused.
    Revoke {
        /// The token's id, from `proficio token list`.
        id: i64,
    },
}

/// Formats `proficio export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    /// A CASE 1.1 CFPackage (JSON).
    Case,
    /// Moodle's competency-framework CSV (14 columns).
    MoodleCsv,
}

/// Formats `proficio import` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ImportFormat {
    /// A CASE 1.1 or 1.0 CFPackage (JSON).
    Case,
    /// Moodle's competency-framework CSV (tool_lpimportcsv, 12 or 14 columns).
    MoodleCsv,
    /// ESCO skills: the JSON list (ict_skills.json) or the two-column skills.csv.
    EscoSkills,
    /// ESCO occupations as positions: the JSON list (import the ESCO skills first; essential
    /// skills and knowledge become requirements) or occupations.csv (it lists no skills).
    EscoOccupations,
    /// A career progression in the Financial Times YAML format.
    ProgressionYaml,
    /// People (email, name, job title, role, unit, manager, position); updates by e-mail.
    PeopleCsv,
    /// Learning activities (CSV: title, kind, provider, url, duration, cost, id, provides).
    LearningCsv,
}

impl ImportFormat {
    /// The key `app::server::imports` uses.
    pub fn key(self) -> &'static str {
        match self {
            ImportFormat::Case => "case",
            ImportFormat::MoodleCsv => "moodle-csv",
            ImportFormat::EscoSkills => "esco-skills",
            ImportFormat::EscoOccupations => "esco-occupations",
            ImportFormat::ProgressionYaml => "progression-yaml",
            ImportFormat::PeopleCsv => "people-csv",
            ImportFormat::LearningCsv => "learning-csv",
        }
    }
}

/// Options of `serve`.
/// `--public-url`, shared by the commands that write links or URIs.
#[derive(Debug, Clone, Args)]
pub struct PublicUrl {
    /// The address people reach Proficio at: CASE URIs and e-mail links start with it.
    #[arg(
        long,
        env = "PROFICIO_PUBLIC_URL",
        default_value = "http://localhost:3000"
    )]
    pub public_url: String,
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address to listen on [default: LEPTOS_SITE_ADDR, else 127.0.0.1:3000].
    #[arg(long, env = "PROFICIO_ADDR")]
    pub addr: Option<SocketAddr>,

    /// Mark the session cookie Secure (set when serving over HTTPS).
    #[arg(long, env = "PROFICIO_SECURE_COOKIES", action = ArgAction::Set, default_value_t = false, value_parser = BoolishValueParser::new())]
    pub secure_cookies: bool,

    /// Hours a session lasts after sign-in.
    #[arg(long, env = "PROFICIO_SESSION_HOURS", default_value_t = 12, value_parser = clap::value_parser!(i64).range(1..=24 * 90))]
    pub session_hours: i64,

    /// CASE exports make URIs under the public address.
    #[command(flatten)]
    pub public: PublicUrl,

    /// Largest request body accepted, in bytes.
    #[arg(long, env = "PROFICIO_BODY_LIMIT", default_value_t = 12 * 1024 * 1024)]
    pub body_limit: usize,

    /// Failed sign-ins for one e-mail before further attempts are refused for a while.
    #[arg(long, env = "PROFICIO_MAX_FAILED_SIGN_INS", default_value_t = 5, value_parser = clap::value_parser!(i64).range(1..))]
    pub max_failed_sign_ins: i64,

    /// Minutes that failed sign-ins are remembered (the lock-out window).
    #[arg(long, env = "PROFICIO_LOCKOUT_MINUTES", default_value_t = 15, value_parser = clap::value_parser!(i64).range(1..))]
    pub lockout_minutes: i64,

    /// Failed sign-ins from one client address (any e-mail) before its further attempts are
    /// refused for the lock-out window.
    #[arg(long, env = "PROFICIO_MAX_FAILED_SIGN_INS_PER_CLIENT", default_value_t = 50, value_parser = clap::value_parser!(i64).range(1..))]
    pub max_failed_sign_ins_per_client: i64,

    /// Read the client address from the last X-Forwarded-For entry (set only behind a
    /// reverse proxy that appends it; otherwise clients could pick their own address).
    #[arg(long, env = "PROFICIO_TRUST_FORWARDED_FOR", action = ArgAction::Set, default_value_t = false, value_parser = BoolishValueParser::new())]
    pub trust_forwarded_for: bool,

    /// Passwords checked at once (argon2id takes 19 MiB and a core each); further sign-ins
    /// wait up to two seconds, then get 503 with Retry-After.
    #[arg(long, env = "PROFICIO_MAX_CONCURRENT_HASHES", default_value_t = 4, value_parser = clap::value_parser!(u32).range(1..=256))]
    pub max_concurrent_hashes: u32,

    /// Extra origins allowed to post (comma-separated scheme://host[:port]), e.g. the public
    /// URL behind a reverse proxy that rewrites Host.
    #[arg(long, env = "PROFICIO_ALLOWED_ORIGINS", value_delimiter = ',')]
    pub allowed_origins: Vec<String>,

    /// Folder for evidence files (created if missing; never served directly).
    #[arg(long, env = "PROFICIO_UPLOAD_DIR", default_value = "data/uploads")]
    pub upload_dir: std::path::PathBuf,

    /// Largest evidence file, in bytes (the request body limit must allow it).
    #[arg(long, env = "PROFICIO_UPLOAD_MAX_BYTES", default_value_t = 10 * 1024 * 1024)]
    pub upload_max_bytes: u64,

    /// Most bytes of evidence files one person may upload in all.
    #[arg(long, env = "PROFICIO_UPLOAD_QUOTA_BYTES", default_value_t = 200 * 1024 * 1024)]
    pub upload_quota_bytes: u64,

    /// Requests one API token may make per minute on this server (more get 429 with
    /// `Retry-After`).
    #[arg(long, env = "PROFICIO_API_REQUESTS_PER_MINUTE", default_value_t = 600,
        value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub api_requests_per_minute: u32,

    /// Single sign-on: the OpenID provider's issuer URL (its discovery document is at
    /// `{issuer}/.well-known/openid-configuration`). Single sign-on is off unless set.
    #[arg(long, env = "PROFICIO_OIDC_ISSUER")]
    pub oidc_issuer: Option<String>,

    /// This application's client id at the provider (its redirect URI there is
    /// `{PROFICIO_PUBLIC_URL}/auth/oidc/callback`).
    #[arg(long, env = "PROFICIO_OIDC_CLIENT_ID", default_value = "")]
    pub oidc_client_id: String,

    /// The client secret.
    #[arg(
        long,
        env = "PROFICIO_OIDC_CLIENT_SECRET",
        default_value = "",
        hide_env_values = true
    )]
    pub oidc_client_secret: String,

    /// E-mail domains that may sign in through the provider (comma list); empty allows all.
    #[arg(long, env = "PROFICIO_OIDC_ALLOWED_DOMAINS", default_value = "")]
    pub oidc_allowed_domains: String,

    /// Role of people created on their first single sign-on (`employee` or `hr`); unset,
    /// only people already here may sign in.
    #[arg(long, env = "PROFICIO_OIDC_CREATE_ROLE", value_parser = ["employee", "hr"])]
    pub oidc_create_role: Option<String>,

    /// Accept the provider's e-mail claim when it does not say whether it verified it (no
    /// `email_verified` claim, as Microsoft Entra ID sends work accounts); a claim that says
    /// `false` is still refused. Set only for a provider that issues e-mails itself.
    #[arg(long, env = "PROFICIO_OIDC_TRUST_UNSTATED_EMAIL", action = ArgAction::Set, default_value_t = false, value_parser = BoolishValueParser::new())]
    pub oidc_trust_unstated_email: bool,

    /// The provider's name on the sign-in button ("Sign in with …").
    #[arg(long, env = "PROFICIO_OIDC_LABEL", default_value = "your organisation")]
    pub oidc_label: String,

    /// Offer the e-mail and password form. Turn off when everyone signs in through the
    /// identity provider (needs PROFICIO_OIDC_ISSUER).
    #[arg(long, env = "PROFICIO_PASSWORD_SIGN_IN", action = ArgAction::Set, default_value_t = true, value_parser = BoolishValueParser::new())]
    pub password_sign_in: bool,

    /// SMTP relay for the daily reminder digest, `smtp://host[:port]` (plain SMTP, so a
    /// local or trusted relay); no digest is sent unless this is set.
    #[arg(long, env = "PROFICIO_SMTP_URL")]
    pub smtp_url: Option<String>,

    /// The digest's sender.
    #[arg(
        long,
        env = "PROFICIO_MAIL_FROM",
        default_value = "Proficio <proficio@localhost>"
    )]
    pub mail_from: String,

    /// Load the demo organisation (with its well-known passwords) when the database has no
    /// people. Off unless asked: `make run` asks; a production start never does.
    #[arg(long, env = "PROFICIO_DEMO", action = ArgAction::Set, default_value_t = false, value_parser = BoolishValueParser::new())]
    pub demo: bool,
}

impl ServeArgs {
    /// The single sign-on settings, checked: a clear message naming the variable when one
    /// is wrong or missing.
    fn oidc(&self) -> Result<Option<app::server::sso::OidcSettings>, String> {
        let Some(issuer) = self.oidc_issuer.as_deref().filter(|i| !i.trim().is_empty()) else {
            if !self.password_sign_in {
                return Err("PROFICIO_PASSWORD_SIGN_IN=false needs single sign-on: set PROFICIO_OIDC_ISSUER, or nobody could sign in".into());
            }
            return Ok(None);
        };
        if self.oidc_client_id.trim().is_empty() {
            return Err("PROFICIO_OIDC_CLIENT_ID is needed with PROFICIO_OIDC_ISSUER".into());
        }
        if self.oidc_client_secret.is_empty() {
            return Err("PROFICIO_OIDC_CLIENT_SECRET is needed with PROFICIO_OIDC_ISSUER".into());
        }
        let allowed_domains = app::domain::sso::parse_domains(&self.oidc_allowed_domains)
            .map_err(|e| format!("PROFICIO_OIDC_ALLOWED_DOMAINS: {e}"))?;
        let oidc = app::server::sso::OidcSettings {
            issuer: issuer.trim().trim_end_matches('/').to_string(),
            client_id: self.oidc_client_id.trim().to_string(),
            client_secret: self.oidc_client_secret.clone(),
            allowed_domains,
            create_role: self
                .oidc_create_role
                .as_deref()
                .and_then(app::domain::Role::parse),
            trust_unstated_email: self.oidc_trust_unstated_email,
            label: self.oidc_label.trim().chars().take(60).collect(),
        };
        app::server::sso::Sso::new(oidc.clone(), &self.public.public_url)?;
        Ok(Some(oidc))
    }

    /// The runtime settings the app's services use; a message naming the variable when
    /// one is wrong.
    pub fn settings(&self) -> Result<app::server::Settings, String> {
        Ok(app::server::Settings {
            secure_cookies: self.secure_cookies,
            session_hours: self.session_hours,
            max_failed_sign_ins: self.max_failed_sign_ins,
            lockout_minutes: self.lockout_minutes,
            max_failed_sign_ins_per_client: self.max_failed_sign_ins_per_client,
            trust_forwarded_for: self.trust_forwarded_for,
            max_concurrent_hashes: self.max_concurrent_hashes as usize,
            allowed_origins: self
                .allowed_origins
                .iter()
                .map(|o| o.trim().trim_end_matches('/').to_string())
                .collect(),
            upload_dir: self.upload_dir.clone(),
            upload_max_bytes: self.upload_max_bytes,
            upload_quota_bytes: self.upload_quota_bytes,
            public_url: self.public.public_url.clone(),
            api_requests_per_minute: self.api_requests_per_minute,
            oidc: self.oidc()?,
            password_sign_in: self.password_sign_in,
        })
    }
}

/// `proficio demo`: loads the demo organisation, refusing a database that already has people
/// unless `force` (which deletes everything first). Returns the number of people loaded.
pub async fn load_demo(
    db: &app::server::Db,
    force: bool,
    upload_dir: &std::path::Path,
) -> Result<usize, String> {
    use app::server::demo;
    if !db.is_empty().await.map_err(|e| e.to_string())? {
        if !force {
            return Err("the database already has people; run `proficio demo --force` to delete everything and load the demo".into());
        }
        demo::wipe(db).await.map_err(|e| e.to_string())?;
    }
    demo::load(db, upload_dir).await.map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_well_formed() {
        Cli::command().debug_assert();
    }

    fn settings_of(args: &[&str]) -> Result<app::server::Settings, String> {
        let mut all = vec!["proficio"];
        all.extend_from_slice(args);
        Cli::try_parse_from(all).unwrap().serve.settings()
    }

    #[test]
    fn single_sign_on_settings_are_checked_and_name_the_variable() {
        let ok = settings_of(&[
            "--oidc-issuer",
            "https://login.example.org/tenant/",
            "--oidc-client-id",
            "proficio",
            "--oidc-client-secret",
            "s3cret",
            "--oidc-allowed-domains",
            "Example.org, @corp.example.org",
            "--oidc-create-role",
            "employee",
            "--oidc-trust-unstated-email",
            "true",
            "--password-sign-in",
            "false",
        ])
        .unwrap();
        let oidc = ok.oidc.unwrap();
        assert_eq!(oidc.issuer, "https://login.example.org/tenant");
        assert_eq!(
            oidc.allowed_domains,
            vec!["example.org", "corp.example.org"]
        );
        assert_eq!(oidc.create_role, Some(app::domain::Role::Employee));
        assert!(oidc.trust_unstated_email);
        assert!(!ok.password_sign_in);
        assert!(settings_of(&[]).unwrap().oidc.is_none());

        for (args, variable) in [
            (&["--password-sign-in", "false"][..], "PROFICIO_OIDC_ISSUER"),
            (
                &["--oidc-issuer", "https://x.example"][..],
                "PROFICIO_OIDC_CLIENT_ID",
            ),
            (
                &[
                    "--oidc-issuer",
                    "https://x.example",
                    "--oidc-client-id",
                    "p",
                ][..],
                "PROFICIO_OIDC_CLIENT_SECRET",
            ),
            (
                &[
                    "--oidc-issuer",
                    "not a url",
                    "--oidc-client-id",
                    "p",
                    "--oidc-client-secret",
                    "s",
                ][..],
                "PROFICIO_OIDC_ISSUER",
            ),
            (
                &[
                    "--oidc-issuer",
                    "https://x.example",
                    "--oidc-client-id",
                    "p",
                    "--oidc-client-secret",
                    "s",
                    "--oidc-allowed-domains",
                    "not a domain",
                ][..],
                "PROFICIO_OIDC_ALLOWED_DOMAINS",
            ),
        ] {
            let e = settings_of(args).unwrap_err();
            assert!(e.contains(variable), "{args:?}: {e}");
        }
        // Admins are never made by a first sign-in.
        assert!(Cli::try_parse_from(["proficio", "--oidc-create-role", "admin"]).is_err());
    }

    #[test]
    fn database_goes_anywhere_and_serve_is_the_default() {
        let c = Cli::try_parse_from([
            "proficio",
            "--database",
            "sqlite://x.db",
            "serve",
            "--addr",
            "127.0.0.1:9",
        ])
        .unwrap();
        assert_eq!(c.database, "sqlite://x.db");
        assert!(matches!(c.command, Some(Command::Serve(ref a)) if a.addr.is_some()));
        let c = Cli::try_parse_from(["proficio", "backup", "b.db", "--database", "sqlite://y.db"])
            .unwrap();
        assert_eq!(c.database, "sqlite://y.db");
        let c = Cli::try_parse_from(["proficio", "--addr", "127.0.0.1:9"]).unwrap();
        assert!(c.command.is_none() && c.serve.addr.is_some());
        let c = Cli::try_parse_from(["proficio", "demo", "--force"]).unwrap();
        assert!(matches!(c.command, Some(Command::Demo { force: true, .. })));
        assert!(Cli::try_parse_from(["proficio", "serve", "--session-hours", "0"]).is_err());
        // A plain start never loads the demo (its passwords are public); make run asks.
        let c = Cli::try_parse_from(["proficio"]).unwrap();
        assert!(!c.serve.demo);
        let c = Cli::try_parse_from(["proficio", "serve", "--demo", "true"]).unwrap();
        assert!(matches!(c.command, Some(Command::Serve(ref a)) if a.demo));
    }
}

//! The `hearth` binary: command-line parsing and wiring only. Every rule
//! lives in `hearth-bot`; every platform in its adapter crate.

mod export_format;
mod http;
mod metrics;
mod reload;
mod settings;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use chrono::{DateTime, Utc};
use clap::{Parser, Subcommand, ValueEnum};
use hearth_bot::config::Config;
use hearth_bot::engine::Export;
use hearth_bot::store::{ReadOnlyStore, Store, UnusableDatabase};
use hearth_bot::{Clock, Engine, Platform, SimulatedClock, SystemClock};
use hearth_charts::Renderer;
use hearth_console::{ChartImages, ConsoleSession};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

#[derive(Parser)]
#[command(name = "hearth", version, about = "A self-hosted community bot: check-ins, streaks, points, challenges")]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Start every adapter whose credentials are set (the console when none are).
    Run {
        #[arg(long)]
        config: Option<PathBuf>,
    },
    /// Chat with the bot on stdin/stdout in one community.
    Console {
        #[arg(long)]
        config: Option<PathBuf>,
        /// Database URL, e.g. sqlite::memory: or sqlite://demo.db
        #[arg(long)]
        db: Option<String>,
        /// Start a simulated clock at this RFC 3339 instant.
        #[arg(long)]
        clock: Option<String>,
        /// Community id (default: the first configured).
        #[arg(long)]
        community: Option<String>,
        /// Write the chart image of each post that has one (PNG) into this directory.
        #[arg(long, value_name = "DIR")]
        images: Option<PathBuf>,
    },
    /// Validate the config: exit 0 with a summary, or 2 with file:line:col lines.
    CheckConfig {
        #[arg(long)]
        config: Option<PathBuf>,
    },
    /// Print a community's members, balances and whole ledger.
    Export {
        #[arg(long)]
        config: Option<PathBuf>,
        #[arg(long)]
        db: Option<String>,
        #[arg(long)]
        community: String,
        #[arg(long, value_enum)]
        format: ExportFormat,
    },
    /// Copy the database to a new file while the bot runs (VACUUM INTO), and
    /// check the copy's integrity.
    Backup {
        /// Where the copy goes; must not exist.
        path: PathBuf,
        #[arg(long)]
        config: Option<PathBuf>,
        #[arg(long)]
        db: Option<String>,
    },
    /// Copy every row of one database into an empty one (SQLite or
    /// PostgreSQL, either way), then check the copy: exit 0 when row counts
    /// and every community's export match, 2 otherwise.
    MigrateDb {
        /// The database to copy, e.g. sqlite://hearth.db; it is only read.
        #[arg(long)]
        from: String,
        /// The empty database to copy into, e.g. postgres://hearth@db/hearth
        /// (it must exist) or sqlite://new.db (created).
        #[arg(long)]
        to: String,
    },
    /// Print the config file's JSON Schema (draft-07), as in config/hearth.schema.json.
    ConfigSchema,
    /// Print the Discord OAuth2 URL that invites the bot (needs DISCORD_APPLICATION_ID).
    InviteUrl,
}

#[derive(Clone, Copy, ValueEnum)]
enum ExportFormat {
    Json,
    Csv,
}

/// Exit code for an invalid config (the Contract's `check-config`).
const EXIT_BAD_CONFIG: u8 = 2;

/// Exit code of `run` for a `HEARTH_DISCORD_SHARDS` that is not `first-last/total`.
const EXIT_BAD_SHARDS: u8 = 2;

/// Exit code of `export` and `backup` for a database that is missing or of
/// another schema version.
const EXIT_UNUSABLE_DATABASE: u8 = 2;

/// Exit code of `migrate-db` when the copy does not match its source (the
/// Contract: 0 when the exports match, 2 otherwise).
const EXIT_MIGRATION_DIFFERS: u8 = 2;

fn main() -> ExitCode {
    init_logging();
    let cli = Cli::parse();
    let runtime = match hearth_bot::runtime::build() {
        Ok(rt) => rt,
        Err(error) => {
            eprintln!("hearth: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(dispatch(cli.command)) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("hearth: {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn dispatch(command: Cmd) -> anyhow::Result<ExitCode> {
    match command {
        Cmd::Run { config } => {
            let path = settings::config_path(config);
            let config = match load_config(&path) {
                Ok(config) => config,
                Err(code) => return Ok(code),
            };
            run(config, path).await
        }
        Cmd::Console { config, db, clock, community, images } => {
            let path = settings::config_path(config);
            let config = match load_config(&path) {
                Ok(config) => config,
                Err(code) => return Ok(code),
            };
            let start = clock.as_deref().map(parse_clock).transpose()?;
            console(config, path, db, start, community, images).await
        }
        Cmd::CheckConfig { config } => Ok(match Config::load_with_warnings(&settings::config_path(config)) {
            Ok((config, warnings)) => {
                if !warnings.is_empty() {
                    eprintln!("{warnings}");
                }
                println!("{}", config.summary());
                ExitCode::SUCCESS
            }
            Err(errors) => {
                eprintln!("{errors}");
                ExitCode::from(EXIT_BAD_CONFIG)
            }
        }),
        Cmd::ConfigSchema => {
            print!("{}", hearth_bot::config::schema::json_schema_text());
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Export { config, db, community, format } => {
            let config = match load_config(&settings::config_path(config)) {
                Ok(config) => config,
                Err(code) => return Ok(code),
            };
            export(config, db, &community, format).await
        }
        Cmd::Backup { path, config, db } => {
            let config = match load_config(&settings::config_path(config)) {
                Ok(config) => config,
                Err(code) => return Ok(code),
            };
            // Read-only: a backup never creates, migrates or writes the database.
            let mut store = match open_read_only(&settings::database_url(db, &config)).await? {
                Ok(store) => store,
                Err(code) => return Ok(code),
            };
            let report = store.backup(&path).await;
            store.close().await?;
            let report = report?;
            println!(
                "backup: {} ({} bytes, {} ledger rows, integrity ok)",
                path.display(),
                report.bytes,
                report.ledger_rows
            );
            Ok(ExitCode::SUCCESS)
        }
        Cmd::MigrateDb { from, to } => migrate_db(&from, &to).await,
        Cmd::InviteUrl => {
            let app_id = std::env::var("DISCORD_APPLICATION_ID").context(
                "DISCORD_APPLICATION_ID is not set; it is the application id from Discord's developer portal",
            )?;
            println!("{}", settings::invite_url(&app_id)?);
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Loads the config, printing `file:line:col: message` lines when it is invalid.
fn load_config(path: &Path) -> Result<Config, ExitCode> {
    Config::load(path).map_err(|errors| {
        eprintln!("{errors}");
        if !path.exists() {
            let here = std::env::current_dir().map(|dir| dir.display().to_string()).unwrap_or_default();
            eprintln!(
                "hearth: no config file at {} (looked in {here}); pass --config PATH or set HEARTH_CONFIG, \
                 or run hearth from its checkout, where config/example.toml is",
                path.display()
            );
        }
        ExitCode::from(EXIT_BAD_CONFIG)
    })
}

fn parse_clock(text: &str) -> anyhow::Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .with_context(|| format!("--clock {text:?}: expected an RFC 3339 instant like 2026-03-02T08:00:00Z"))
}

async fn run(config: Config, path: PathBuf) -> anyhow::Result<ExitCode> {
    // Refused before anything opens or connects.
    let shards = match settings::discord_shards() {
        Ok(shards) => shards,
        Err(bad) => {
            eprintln!("hearth: {bad}");
            return Ok(ExitCode::from(EXIT_BAD_SHARDS));
        }
    };
    let telegram = settings::telegram()?;
    let discord = settings::discord(shards)?;
    if shards.is_some() && discord.as_ref().is_none_or(|d| d.token.is_none()) {
        tracing::warn!("HEARTH_DISCORD_SHARDS is set but DISCORD_TOKEN is not: no gateway shards run here");
    }
    if telegram.is_none() && discord.is_none() {
        eprintln!("hearth: no chat platform adapter is configured; chatting on stdin/stdout (console adapter)");
        if std::io::stdin().is_terminal() {
            eprintln!(
                "hearth: type `@alice /checkin` and press enter; `@alice /help` lists the commands; Ctrl-D quits"
            );
        }
        return console(config, path, None, None, None, None).await;
    }
    let http_addr = settings::http_addr()?;
    let webhook_url = settings::telegram_webhook_url()?;
    if discord.as_ref().is_some_and(|d| d.public_key.is_some()) && http_addr.is_none() {
        anyhow::bail!("DISCORD_PUBLIC_KEY needs HEARTH_HTTP_ADDR (the address Discord's interaction POSTs reach)");
    }
    if webhook_url.is_some() && http_addr.is_none() {
        anyhow::bail!("TELEGRAM_WEBHOOK_URL needs HEARTH_HTTP_ADDR (the address Telegram's POSTs reach)");
    }
    let mut targets = Vec::new();
    if telegram.is_some() {
        targets.push(Platform::Telegram);
    }
    if discord.as_ref().is_some_and(|d| d.token.is_some()) {
        targets.push(Platform::Discord);
    }
    // Before anything records; only when `/metrics` can be served.
    let recorder = http_addr.map(|_| metrics::install()).transpose()?;
    let store = Store::connect(&settings::database_url(None, &config)).await?;
    let engine = Engine::open(store.clone(), config, Arc::new(SystemClock), targets).await?;
    // One token stops every task; the tracker says when they have.
    let stop = CancellationToken::new();
    let tasks = TaskTracker::new();
    let until_stopped = |task: std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>| {
        let stop = stop.clone();
        async move {
            tokio::select! {
                () = task => {}
                () = stop.cancelled() => {}
            }
        }
    };
    reload::spawn(engine.clone(), path);
    // Started once here, never from a connect handler: a reconnect cannot
    // duplicate them. A scheduler stopped mid-fire rolls back its claim.
    tasks.spawn(until_stopped(Box::pin(engine.clone().run_scheduler())));
    let mut listeners = http::Listeners { store: Some(engine.store().clone()), ..Default::default() };
    // Loads the fonts once; both adapters draw the digest's chart with it.
    let renderer = Arc::new(Renderer::new());
    if let Some(settings) = telegram {
        let telegram = hearth_telegram::Telegram::connect(engine.clone(), settings, renderer.clone()).await?;
        tasks.spawn(telegram.clone().run_delivery(stop.clone()));
        match webhook_url {
            Some(url) => telegram.set_webhook(url).await?,
            None => {
                // Unconfirmed updates come again after a restart. One
                // process on the database polls; the others wait their turn.
                tasks.spawn(until_stopped(Box::pin(poll_while_leading(engine.store().clone(), telegram.clone()))));
            }
        }
        listeners.telegram = Some(telegram);
    }
    if let Some(settings) = discord {
        let discord = hearth_discord::Discord::new(engine.clone(), settings, renderer.clone())?;
        if discord.can_post() {
            let registering = discord.clone();
            tasks.spawn(until_stopped(Box::pin(async move {
                if let Err(error) = registering.register_commands().await {
                    tracing::error!(error = ?error, "registering Discord slash commands failed");
                }
            })));
            // Discord drops a resent post by its nonce, so stopping mid-send is safe.
            tasks.spawn(until_stopped(Box::pin(discord.clone().run_delivery())));
            tasks.spawn(until_stopped(Box::pin(discord.clone().run_gateway())));
        }
        listeners.discord = Some(discord);
    }
    if let Some(handle) = recorder {
        let scrape = metrics::Scrape { handle, engine: engine.clone(), telegram: listeners.telegram.clone() };
        tasks.spawn(until_stopped(Box::pin(scrape.clone().run_upkeep())));
        listeners.metrics = Some(scrape);
    }
    let draining = listeners.draining.clone();
    let telegram = listeners.telegram.clone();
    if let Some(addr) = http_addr {
        let listener = http::bind(addr).await?;
        let public_url = settings::public_url(listener.local_addr()?)?;
        engine.set_public_url(&public_url);
        eprintln!("hearth: web pages at {public_url} (admins get a sign-in link with /dashboard)");
        listeners.web = Some(hearth_web::router(engine.clone(), &public_url));
        let stop = stop.clone();
        tasks.spawn(async move {
            if let Err(error) = http::serve(listener, listeners, stop).await {
                tracing::error!(error = ?error, "the HTTP listener stopped");
            }
        });
    }
    eprintln!("hearth: running; Ctrl-C stops");
    shutdown_signal().await;
    eprintln!("hearth: stopping");
    // 1. Refuse new work: webhook POSTs and /healthz answer 503.
    draining.cancel();
    // 2. Finish the updates already acknowledged (what is left stays in the inbox).
    if let Some(telegram) = &telegram {
        let left = telegram.drain(DRAIN_LIMIT).await;
        if left > 0 {
            tracing::warn!(updates = left, "stopping with updates unfinished; they are handled at the next start");
        }
    }
    // 3. Stop the scheduler, delivery, the update sources and the listener.
    if let Some(telegram) = &telegram {
        telegram.stop_handling();
    }
    stop.cancel();
    tasks.close();
    if tokio::time::timeout(DRAIN_LIMIT, tasks.wait()).await.is_err() {
        tracing::warn!("some tasks did not stop in time");
    }
    // 4. The writer finishes the batch it holds; then the store closes.
    store.close().await;
    Ok(ExitCode::SUCCESS)
}

/// How long each step of a stop may take.
const DRAIN_LIMIT: std::time::Duration = std::time::Duration::from_secs(10);

/// Resolves on Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        () = async {
            match terminate.as_mut() {
                Some(signal) => { signal.recv().await; }
                None => std::future::pending::<()>().await,
            }
        } => {}
    }
}

async fn console(
    config: Config,
    config_path: PathBuf,
    db: Option<String>,
    start: Option<DateTime<Utc>>,
    community: Option<String>,
    images: Option<PathBuf>,
) -> anyhow::Result<ExitCode> {
    let community = match community {
        Some(id) if config.community(&id).is_some() => id,
        Some(id) => anyhow::bail!("--community {id:?}: no such community in the config"),
        None => match config.communities.first() {
            Some(first) => first.id.clone(),
            None => anyhow::bail!("the config has no [[community]]; add one (see config/example.toml)"),
        },
    };
    let simulated = start.map(SimulatedClock::starting_at);
    let clock: Arc<dyn Clock> = match &simulated {
        Some(sim) => Arc::new(sim.clone()),
        None => Arc::new(SystemClock),
    };
    let store = Store::connect(&settings::database_url(db, &config)).await?;
    let admins = config.console.admins.clone();
    let engine = Engine::open(store.clone(), config, clock, vec![Platform::Console]).await?;
    reload::spawn(engine.clone(), config_path);
    // With HEARTH_HTTP_ADDR the console serves the web pages too, so a
    // simulated month can be looked at in a browser.
    let stop = CancellationToken::new();
    let web = match settings::http_addr()? {
        Some(addr) => {
            let listener = http::bind(addr).await?;
            let public_url = settings::public_url(listener.local_addr()?)?;
            engine.set_public_url(&public_url);
            eprintln!("hearth: web pages at {public_url} (admins get a sign-in link with /dashboard)");
            let listeners = http::Listeners {
                store: Some(store.clone()),
                web: Some(hearth_web::router(engine.clone(), &public_url)),
                ..Default::default()
            };
            let stop = stop.clone();
            Some(tokio::spawn(async move {
                if let Err(error) = http::serve(listener, listeners, stop).await {
                    tracing::error!(error = ?error, "the HTTP listener stopped");
                }
            }))
        }
        None => None,
    };
    if let Some(dir) = &images {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("--images {}: cannot create the directory", dir.display()))?;
    }
    let charts = ChartImages { renderer: Arc::new(Renderer::new()), dir: images };
    let session = ConsoleSession::new(engine, community, admins, simulated).with_images(charts);
    let stdin = tokio::io::BufReader::new(tokio::io::stdin());
    let mut stdout = std::io::stdout();
    session.run(stdin, &mut stdout).await?;
    stop.cancel();
    if let Some(web) = web {
        let _ = web.await;
    }
    store.close().await;
    Ok(ExitCode::SUCCESS)
}

async fn export(config: Config, db: Option<String>, community: &str, format: ExportFormat) -> anyhow::Result<ExitCode> {
    // Read-only, without an engine: an export registers, syncs and migrates nothing.
    let mut store = match open_read_only(&settings::database_url(db, &config)).await? {
        Ok(store) => store,
        Err(code) => return Ok(code),
    };
    let export = Export::read_only(&mut store, &config, community).await;
    store.close().await?;
    let Some(export) = export? else {
        anyhow::bail!("--community {community:?}: no such community in the config");
    };
    let text = match format {
        ExportFormat::Json => serde_json::to_string_pretty(&export).context("serializing export")?,
        ExportFormat::Csv => export_format::to_csv(&export),
    };
    println!("{text}");
    Ok(ExitCode::SUCCESS)
}

/// `hearth migrate-db`: copy, verify, summarize.
async fn migrate_db(from: &str, to: &str) -> anyhow::Result<ExitCode> {
    let migrated = match hearth_bot::store::copy::migrate(from, to).await {
        Ok(migrated) => migrated,
        Err(error) if error.downcast_ref::<UnusableDatabase>().is_some() => {
            eprintln!("hearth: {error}");
            return Ok(ExitCode::from(EXIT_UNUSABLE_DATABASE));
        }
        Err(error) => return Err(error),
    };
    let total: i64 = migrated.rows.iter().map(|(_, n)| n).sum();
    let tables: Vec<String> = migrated.rows.iter().map(|(table, n)| format!("{table} {n}")).collect();
    println!("migrate-db: {total} rows copied in {} ms: {}", migrated.copy_time.as_millis(), tables.join(", "));
    if migrated.differences.is_empty() {
        println!(
            "migrate-db: row counts equal, exports equal ({} communities); the target is ready",
            migrated.communities.len()
        );
        Ok(ExitCode::SUCCESS)
    } else {
        for difference in &migrated.differences {
            eprintln!("hearth: migrate-db: {difference}");
        }
        eprintln!("hearth: migrate-db: the copy differs from the source; do not use the target");
        Ok(ExitCode::from(EXIT_MIGRATION_DIFFERS))
    }
}

/// The database for a read-only tool, or exit 2 with the reason when it is
/// missing or of another schema (`UnusableDatabase`).
async fn open_read_only(url: &str) -> anyhow::Result<Result<ReadOnlyStore, ExitCode>> {
    match ReadOnlyStore::open(url).await {
        Ok(store) => Ok(Ok(store)),
        Err(error) if error.downcast_ref::<UnusableDatabase>().is_some() => {
            eprintln!("hearth: {error}");
            Ok(Err(ExitCode::from(EXIT_UNUSABLE_DATABASE)))
        }
        Err(error) => Err(error),
    }
}

fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    // Colours only for a person at a terminal; log files and collectors get plain text.
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr)
        .init();
}

/// How often a process that does not poll Telegram asks whether it may: at
/// most this long after the polling process dies, another takes over.
const POLLING_TURN_EVERY: std::time::Duration = std::time::Duration::from_secs(5);

/// Long polling by the one process that holds the `telegram-polling` role
/// (always this one on SQLite): Telegram allows one getUpdates caller.
async fn poll_while_leading(store: Store, telegram: hearth_telegram::Telegram) {
    let mut waiting_said = false;
    loop {
        match store.try_lead("telegram-polling").await {
            Ok(Some(mut lead)) => {
                tracing::info!("this process polls Telegram");
                tokio::select! {
                    () = telegram.clone().run_polling() => return,
                    () = lead.lost() => tracing::warn!("lost the polling role (its database connection broke)"),
                }
                waiting_said = false;
            }
            Ok(None) => {
                if !waiting_said {
                    tracing::info!("another process polls Telegram; this one takes over if it stops");
                    waiting_said = true;
                }
            }
            Err(error) => tracing::warn!(error = ?error, "asking for the polling role failed"),
        }
        tokio::time::sleep(POLLING_TURN_EVERY).await;
    }
}

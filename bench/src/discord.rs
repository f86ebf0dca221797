//! Discord's interactions endpoint on the real binary, started with
//! `DISCORD_PUBLIC_KEY` and `HEARTH_HTTP_ADDR` and no token (so no gateway):
//! signed `/checkin`s from new members, each a real write, against the same
//! server and client answering unsigned POSTs (401 before any crypto: HTTP
//! alone) and signed PINGs (HTTP and Ed25519 verification), and against
//! Ed25519 verification alone in this process.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context;
use ed25519_dalek::{Signer, SigningKey, Verifier, VerifyingKey};
use serde_json::json;

use crate::child::{Running, free_port, hearth_binary, scratch};
use crate::http1::Connection;
use crate::latency::{Distribution, ms};

#[derive(Clone, Copy)]
pub struct Size {
    /// How long unsigned POSTs and PINGs are sent.
    repeat_for: Duration,
    /// Check-ins sent, each by a new member.
    checkins: usize,
    /// Keep-alive connections sending at once (each waits for its answer).
    connections: usize,
}

pub const QUICK: Size = Size { repeat_for: Duration::from_secs(2), checkins: 5_000, connections: 16 };
pub const FULL: Size = Size { repeat_for: Duration::from_secs(10), checkins: 40_000, connections: 16 };
/// Verifications timed in this process for the crypto-alone figure.
const VERIFICATIONS: usize = 20_000;

const PATH: &str = "/discord/interactions";
const GUILD: &str = "290926798626357999";
const CHANNEL: &str = "645027906669510667";
const APPLICATION: &str = "775799577604522054";
/// The signature timestamp of every request: the run's start, which stays
/// within the 5 minutes hearth accepts for as long as a run lasts.
fn timestamp() -> &'static str {
    static AT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    AT.get_or_init(|| {
        let since = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
        since.as_secs().to_string()
    })
}
const CONFIG: &str = r#"
[[community]]
id = "bench"
name = "Bench"
timezone = "Europe/Berlin"
discord = { guild_id = "290926798626357999", channel_id = "645027906669510667" }
"#;

pub async fn run(size: Size, hearth: Option<&Path>) -> anyhow::Result<()> {
    let hearth = hearth_binary(hearth)?;
    let dir = scratch("discord")?;
    let outcome = measure(size, &hearth, &dir).await;
    let _ = std::fs::remove_dir_all(&dir);
    outcome
}

async fn measure(size: Size, hearth: &Path, dir: &Path) -> anyhow::Result<()> {
    let key = SigningKey::from_bytes(&[7; 32]);
    let port = free_port()?;
    let config = dir.join("hearth.toml");
    std::fs::write(&config, CONFIG).with_context(|| format!("writing {}", config.display()))?;
    let bot = start(hearth, dir, &key.verifying_key(), port)?;
    wait_for_listener(port, &bot).await?;
    println!(
        "discord: POST {PATH} on {}, {} connections; unsigned and PINGs for {} s each, {} check-ins",
        hearth.display(),
        size.connections,
        size.repeat_for.as_secs(),
        size.checkins
    );

    let ping = json!({"id": "1", "application_id": APPLICATION, "type": 1, "token": "t", "version": 1}).to_string();
    let unsigned = Load::Repeat(Signed { body: ping.clone(), signature: None }, size.repeat_for);
    let pings = Load::Repeat(Signed::new(&key, ping), size.repeat_for);
    let checkins = Load::Each((0..size.checkins).map(|i| Signed::new(&key, checkin(i).to_string())).collect());

    let http_only = phase(port, size.connections, unsigned, 401, "invalid request signature").await?;
    println!("  unsigned (401, HTTP only): {:.0} requests/s, {}", http_only.rate, http_only.latency.summary());
    let verified = phase(port, size.connections, pings, 200, r#"{"type":1}"#).await?;
    println!("  signed PING (verified, PONG): {:.0} requests/s, {}", verified.rate, verified.latency.summary());
    let commands = phase(port, size.connections, checkins, 200, "checked in: day 1").await?;
    println!("  signed /checkin, new members: {:.0} requests/s, {}", commands.rate, commands.latency.summary());
    let verify_rate = verify_throughput(&key, &checkin(0).to_string(), VERIFICATIONS)?;
    println!("  Ed25519 verification alone, one thread in this process: {verify_rate:.0}/s");

    drop(bot);
    println!(
        "discord: checkin_rps={:.0} checkin/unsigned={:.2} ping/unsigned={:.2} verify_per_s={:.0} p99_ms={:.2}",
        commands.rate,
        commands.rate / http_only.rate,
        verified.rate / http_only.rate,
        verify_rate,
        ms(commands.latency.quantile(0.99))
    );
    Ok(())
}

fn start(hearth: &Path, dir: &Path, key: &VerifyingKey, port: u16) -> anyhow::Result<Running> {
    let log = std::fs::File::create(dir.join("hearth.log")).context("creating the bot's log")?;
    let child = std::process::Command::new(hearth)
        .arg("run")
        .env_remove("TELEGRAM_TOKEN")
        .env_remove("DISCORD_TOKEN")
        .env("DISCORD_PUBLIC_KEY", hex(key.as_bytes()))
        .env("HEARTH_HTTP_ADDR", format!("127.0.0.1:{port}"))
        .env("HEARTH_CONFIG", dir.join("hearth.toml"))
        .env("HEARTH_DATABASE_URL", format!("sqlite://{}", dir.join("hearth.db").display()))
        .env("RUST_LOG", "warn")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(log)
        .spawn()
        .with_context(|| format!("starting {}", hearth.display()))?;
    Ok(Running(child))
}

async fn wait_for_listener(port: u16, bot: &Running) -> anyhow::Result<()> {
    let deadline = Instant::now() + Duration::from_secs(30);
    while tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_err() {
        anyhow::ensure!(
            Instant::now() < deadline && Path::new(&format!("/proc/{}", bot.pid())).exists(),
            "hearth's HTTP listener did not come up on port {port}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Ok(())
}

/// One request body and its signature headers (none for the unsigned phase).
struct Signed {
    body: String,
    signature: Option<String>,
}

impl Signed {
    fn new(key: &SigningKey, body: String) -> Signed {
        let signature = key.sign(format!("{}{body}", timestamp()).as_bytes());
        Signed { body, signature: Some(hex(&signature.to_bytes())) }
    }
}

struct Phase {
    rate: f64,
    latency: Distribution,
}

/// What the connections send: one request again and again for a while
/// (PINGs and unsigned POSTs are all alike), or each of a list once
/// (check-ins, each by a new member).
enum Load {
    Repeat(Signed, Duration),
    Each(Vec<Signed>),
}

/// Where the connections take their next request from.
struct Requests {
    load: Load,
    next: Mutex<usize>,
    started: Instant,
}

impl Requests {
    fn take(&self) -> Option<&Signed> {
        let mut next = self.next.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let request = match &self.load {
            Load::Repeat(request, duration) => (self.started.elapsed() < *duration).then_some(request),
            Load::Each(requests) => requests.get(*next),
        };
        *next += usize::from(request.is_some());
        request
    }
}

/// Sends the load over `connections` keep-alive connections, each waiting
/// for its answer before the next; every answer must have `status` and
/// contain `expected`.
async fn phase(
    port: u16,
    connections: usize,
    load: Load,
    status: u16,
    expected: &'static str,
) -> anyhow::Result<Phase> {
    let requests = Arc::new(Requests { load, next: Mutex::new(0), started: Instant::now() });
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..connections {
        let requests = requests.clone();
        workers.spawn(async move {
            let mut connection = Connection::open(port).await?;
            let mut latencies = Vec::new();
            while let Some(request) = requests.take() {
                let headers: Vec<(&str, &str)> = match &request.signature {
                    Some(signature) => vec![("X-Signature-Ed25519", signature), ("X-Signature-Timestamp", timestamp())],
                    None => Vec::new(),
                };
                let sent = Instant::now();
                let answer = connection.post_json(PATH, &headers, request.body.as_bytes()).await?;
                latencies.push(sent.elapsed());
                let text = String::from_utf8_lossy(&answer.body);
                anyhow::ensure!(
                    answer.status == status && text.contains(expected),
                    "expected {status} with {expected:?}, got {}: {text}",
                    answer.status
                );
            }
            anyhow::Ok(latencies)
        });
    }
    let mut latencies = Vec::new();
    while let Some(done) = workers.join_next().await {
        latencies.extend(done.context("a client task panicked")??);
    }
    let rate = latencies.len() as f64 / requests.started.elapsed().as_secs_f64();
    Ok(Phase { rate, latency: Distribution::new(latencies) })
}

/// Verifications per second of one signed body, as serenity's `Verifier`
/// does it (ed25519-dalek `verify` over timestamp + body).
fn verify_throughput(key: &SigningKey, body: &str, count: usize) -> anyhow::Result<f64> {
    let message = format!("{}{body}", timestamp());
    let signature = key.sign(message.as_bytes());
    let public = key.verifying_key();
    let started = Instant::now();
    for _ in 0..count {
        public.verify(std::hint::black_box(message.as_bytes()), &signature).context("a valid signature failed")?;
    }
    Ok(count as f64 / started.elapsed().as_secs_f64())
}

/// `/checkin` from member `i` (a new member each), as Discord sends it.
fn checkin(i: usize) -> serde_json::Value {
    let user_id = (100_000_000_000_000_000u64 + i as u64).to_string();
    let user = json!({"id": user_id, "username": format!("member{i}"), "global_name": null, "avatar": null,
                      "discriminator": "0"});
    json!({
        "id": (1_000_000 + i).to_string(), "application_id": APPLICATION, "type": 2,
        "data": {"id": "9", "name": "checkin", "type": 1},
        "guild_id": GUILD, "channel_id": CHANNEL,
        "member": {"user": user, "roles": [], "permissions": "0", "nick": null,
                   "joined_at": "2026-01-01T00:00:00.000000+00:00", "deaf": false, "mute": false,
                   "flags": 0, "pending": false},
        "token": "interaction-token", "version": 1, "locale": "en-US", "entitlements": [],
        "authorizing_integration_owners": {"0": GUILD}, "context": 0
    })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

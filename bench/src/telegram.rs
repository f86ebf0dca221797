//! Telegram updates/s: the real binary long-polling the local Bot API
//! stand-in (adapters/telegram/stand-in), every update a `/checkin` typed in
//! one of many groups, each answered with a message. Baseline in the same
//! run, against the same stand-in: a null bot that makes the same calls
//! (getUpdates, one sendMessage per update) and does nothing else.
//!
//! The updates are queued while hearth is stopped (SIGSTOP), so the figure
//! is how fast it works through a backlog, not how fast the benchmark can
//! type.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::Context;
use serde_json::{Value, json};

use crate::child::{Running, hearth_binary, scratch, workspace_root};
use crate::http1::Connection;

#[derive(Clone, Copy)]
pub struct Size {
    updates: usize,
    /// Groups the updates are spread over, round robin, each its own
    /// community (Telegram allows a bot one message per second per chat).
    groups: usize,
}

pub const QUICK: Size = Size { updates: 60, groups: 30 };
pub const FULL: Size = Size { updates: 300, groups: 100 };

const TOKEN: &str = "4242:fake-bench-token";
const NULL_BOT_TOKEN: &str = "4343:fake-null-bot-token";
/// teloxide's `Throttle` default (`Limits::messages_per_sec_overall`), which
/// hearth uses: Telegram's own limit on a bot's messages across all chats.
const THROTTLE_PER_SECOND: f64 = 30.0;
const WAIT: Duration = Duration::from_secs(120);

pub async fn run(size: Size, hearth: Option<&Path>) -> anyhow::Result<()> {
    let hearth = hearth_binary(hearth)?;
    let dir = scratch("telegram")?;
    let outcome = measure(size, &hearth, &dir).await;
    let _ = std::fs::remove_dir_all(&dir);
    outcome
}

async fn measure(size: Size, hearth: &Path, dir: &Path) -> anyhow::Result<()> {
    let stand_in = StandIn::start()?;
    let mut client = Connection::open(stand_in.port).await?;
    println!(
        "telegram: {} `/checkin` updates over {} groups, {} against the stand-in on port {}",
        size.updates,
        size.groups,
        hearth.display(),
        stand_in.port
    );

    let bot = start_hearth(hearth, dir, size.groups, stand_in.port)?;
    // Ready once it answers: getMe, deleteWebhook and the first poll are done.
    say(&mut client, TOKEN, 0, 0).await?;
    wait_for_answers(&mut client, TOKEN, 1).await.context("hearth did not answer its first update")?;
    signal(&bot, "STOP")?;
    for i in 0..size.updates {
        say(&mut client, TOKEN, i % size.groups, i + 1).await?;
    }
    let started = Instant::now();
    signal(&bot, "CONT")?;
    wait_for_answers(&mut client, TOKEN, 1 + size.updates).await?;
    let hearth_rate = size.updates as f64 / started.elapsed().as_secs_f64();
    drop(bot);
    println!("  hearth: {hearth_rate:.1} updates/s (each translated, one engine call, one answer sent)");

    for i in 0..size.updates {
        say(&mut client, NULL_BOT_TOKEN, i % size.groups, i + 1).await?;
    }
    let null_rate = null_bot(&stand_in, size.updates).await?;
    println!("  null bot, same calls and no work: {null_rate:.0} updates/s");
    println!("  teloxide's throttle allows {THROTTLE_PER_SECOND:.0} messages/s across all chats");
    println!(
        "telegram: updates_per_s={hearth_rate:.1} hearth/null={:.3} hearth/throttle={:.2}",
        hearth_rate / null_rate,
        hearth_rate / THROTTLE_PER_SECOND
    );
    Ok(())
}

struct StandIn {
    port: u16,
    _process: Running,
}

impl StandIn {
    fn start() -> anyhow::Result<StandIn> {
        let dir = workspace_root().join("adapters/telegram/stand-in");
        anyhow::ensure!(
            dir.join("node_modules/telegram-test-api").exists(),
            "the Telegram stand-in is not installed: run `npm ci --prefix adapters/telegram/stand-in`"
        );
        let mut child = Command::new("node")
            .arg("start.js")
            .current_dir(&dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .context("starting the stand-in with node")?;
        let stdout = child.stdout.take().context("the stand-in's stdout")?;
        let process = Running(child);
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).context("reading the stand-in's port")?;
        let port = serde_json::from_str::<Value>(&line)
            .ok()
            .and_then(|said| said["port"].as_u64())
            .and_then(|port| u16::try_from(port).ok())
            .with_context(|| format!("the stand-in said {line:?}, not {{\"port\": N}}"))?;
        Ok(StandIn { port, _process: process })
    }
}

fn start_hearth(hearth: &Path, dir: &Path, groups: usize, port: u16) -> anyhow::Result<Running> {
    let mut config = String::new();
    for group in 0..groups {
        config.push_str(&format!(
            "[[community]]\nid = \"g{group}\"\nname = \"Group {group}\"\ntimezone = \"Europe/Berlin\"\n\
             telegram = {{ chat_id = {} }}\n\n",
            chat_id(group)
        ));
    }
    std::fs::write(dir.join("hearth.toml"), config).context("writing the bot's config")?;
    let log = std::fs::File::create(dir.join("hearth.log")).context("creating the bot's log")?;
    let child = Command::new(hearth)
        .arg("run")
        .env("TELEGRAM_TOKEN", TOKEN)
        .env("TELEGRAM_API_URL", format!("http://127.0.0.1:{port}"))
        .env_remove("DISCORD_TOKEN")
        .env_remove("DISCORD_PUBLIC_KEY")
        .env_remove("HEARTH_HTTP_ADDR")
        .env_remove("TELEGRAM_WEBHOOK_URL")
        .env("HEARTH_CONFIG", dir.join("hearth.toml"))
        .env("HEARTH_DATABASE_URL", format!("sqlite://{}", dir.join("hearth.db").display()))
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .with_context(|| format!("starting {}", hearth.display()))?;
    Ok(Running(child))
}

fn chat_id(group: usize) -> i64 {
    -1000 - group as i64
}

/// Member `member` types `/checkin` in group `group` (the stand-in's client API).
async fn say(client: &mut Connection, token: &str, group: usize, member: usize) -> anyhow::Result<()> {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let message = json!({
        "botToken": token,
        "from": {"id": 10_000 + member, "is_bot": false, "first_name": format!("Member {member}")},
        "chat": {"id": chat_id(group), "type": "group", "title": format!("Group {group}")},
        "date": now,
        "text": "/checkin",
    });
    let answer = client.post_json("/sendMessage", &[], message.to_string().as_bytes()).await?;
    anyhow::ensure!(answer.status == 200, "the stand-in refused a message: {}", String::from_utf8_lossy(&answer.body));
    Ok(())
}

/// Waits until the bot with `token` has sent `n` messages in all.
async fn wait_for_answers(client: &mut Connection, token: &str, n: usize) -> anyhow::Result<()> {
    let deadline = Instant::now() + WAIT;
    loop {
        let history =
            client.post_json("/getUpdatesHistory", &[], json!({"token": token}).to_string().as_bytes()).await?;
        let history = history.json()?;
        // The bot's messages carry `chat_id` (as sent); members' carry `chat`.
        let sent = history["result"]
            .as_array()
            .map_or(0, |items| items.iter().filter(|item| item["message"].get("chat_id").is_some()).count());
        if sent >= n {
            return Ok(());
        }
        anyhow::ensure!(Instant::now() < deadline, "{sent} of {n} answers after {} s", WAIT.as_secs());
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A bot that polls and answers every update with a fixed text, one at a
/// time like hearth's polling loop, until `updates` are answered.
async fn null_bot(stand_in: &StandIn, updates: usize) -> anyhow::Result<f64> {
    let mut connection = Connection::open(stand_in.port).await?;
    let (get_updates, send) = (format!("/bot{NULL_BOT_TOKEN}/getUpdates"), format!("/bot{NULL_BOT_TOKEN}/sendMessage"));
    let started = Instant::now();
    let mut answered = 0;
    while answered < updates {
        anyhow::ensure!(started.elapsed() < WAIT, "the null bot answered {answered} of {updates}");
        let batch = connection.post_json(&get_updates, &[], br#"{"timeout":0}"#).await?.json()?;
        for update in batch["result"].as_array().into_iter().flatten() {
            let message = &update["message"];
            let reply = json!({"chat_id": message["chat"]["id"], "text": "ok",
                               "reply_to_message_id": message["message_id"]});
            let sent = connection.post_json(&send, &[], reply.to_string().as_bytes()).await?;
            anyhow::ensure!(sent.status == 200, "sendMessage: {}", String::from_utf8_lossy(&sent.body));
            answered += 1;
        }
    }
    Ok(updates as f64 / started.elapsed().as_secs_f64())
}

/// `kill -STOP` / `kill -CONT` the bot.
fn signal(bot: &Running, name: &str) -> anyhow::Result<()> {
    let status = Command::new("kill")
        .arg(format!("-{name}"))
        .arg(bot.pid().to_string())
        .status()
        .with_context(|| format!("kill -{name}"))?;
    anyhow::ensure!(status.success(), "kill -{name} {} failed", bot.pid());
    Ok(())
}

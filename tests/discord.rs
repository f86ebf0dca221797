//! The real `hearth` binary serving `POST /discord/interactions`, driven the
//! way Discord drives it: payloads signed with an Ed25519 key whose public
//! half is `DISCORD_PUBLIC_KEY`. REST goes to a recorder on loopback.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ed25519_dalek::{Signer, SigningKey};
use serde_json::{Value, json};

mod common;
use common::{Running, free_port, hex, http, root, wait_for};

const GUILD: &str = "290926798626357999";
const CHANNEL: &str = "645027906669510667";
const APPLICATION: &str = "775799577604522054";
const TOKEN: &str = "fake-discord-token-never-logged";
/// MANAGE_GUILD.
const ADMIN: &str = "32";
const MEMBER: &str = "0";

const CONFIG: &str = r#"
[[community]]
id = "rustaceans"
name = "Rustaceans"
timezone = "Europe/Berlin"
discord = { guild_id = "290926798626357999", channel_id = "645027906669510667" }

[community.checkin]
points = 10

[[community.schedule]]
id = "reminder"
cron = "0 20 * * *"
action = "checkin_reminder"
"#;

/// One request the recorder saw.
#[derive(Debug, Clone)]
struct Recorded {
    method: String,
    path: String,
    body: Value,
}

/// A stand-in for Discord's REST API that records every call.
struct Recorder {
    port: u16,
    calls: Arc<Mutex<Vec<Recorded>>>,
}

impl Recorder {
    fn start() -> Recorder {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the recorder");
        let port = listener.local_addr().expect("address").port();
        let calls = Arc::new(Mutex::new(Vec::new()));
        let seen = calls.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let seen = seen.clone();
                std::thread::spawn(move || answer(stream, &seen));
            }
        });
        Recorder { port, calls }
    }

    fn calls(&self) -> Vec<Recorded> {
        self.calls.lock().map(|c| c.clone()).unwrap_or_default()
    }
}

fn answer(stream: TcpStream, seen: &Mutex<Vec<Recorded>>) {
    let mut reader = BufReader::new(stream);
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    let mut length = 0;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).is_err() || header.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0; length];
    let _ = reader.read_exact(&mut body);
    let mut parts = request_line.split_whitespace();
    let (method, path) = (parts.next().unwrap_or("").to_string(), parts.next().unwrap_or("").to_string());
    let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let reply = if method == "POST" && path.ends_with("/messages") {
        let mut message = message_json();
        message["embeds"] = body["embeds"].clone();
        message.to_string()
    } else if method == "PUT" && path.contains("/commands") {
        "[]".to_string()
    } else {
        String::new()
    };
    if let Ok(mut calls) = seen.lock() {
        calls.push(Recorded { method, path, body });
    }
    let status = if reply.is_empty() { "404 Not Found" } else { "200 OK" };
    let reply = if reply.is_empty() { r#"{"message": "Unknown", "code": 0}"#.to_string() } else { reply };
    let mut stream = reader.into_inner();
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{reply}",
        reply.len()
    );
}

fn message_json() -> Value {
    json!({
        "id": "1200000000000000001", "channel_id": CHANNEL,
        "author": {"id": APPLICATION, "username": "hearth", "discriminator": "0", "avatar": null, "bot": true},
        "content": "", "timestamp": "2026-03-02T08:00:00.000000+00:00", "edited_timestamp": null,
        "tts": false, "mention_everyone": false, "mentions": [], "mention_roles": [], "attachments": [],
        "embeds": [], "pinned": false, "type": 0, "flags": 0, "components": []
    })
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("hearth-discord-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// The running bot, and how to talk to it.
struct Bot {
    port: u16,
    key: SigningKey,
    dir: PathBuf,
    _process: Running,
}

impl Bot {
    fn start(name: &str, recorder: &Recorder) -> Bot {
        let dir = scratch(name);
        std::fs::write(dir.join("hearth.toml"), CONFIG).expect("config");
        Self::start_in(dir, recorder)
    }

    /// Starts on an existing directory (its database survives a restart).
    fn start_in(dir: PathBuf, recorder: &Recorder) -> Bot {
        let key = SigningKey::from_bytes(&[7; 32]);
        let port = free_port();
        let child = Command::new(env!("CARGO_BIN_EXE_hearth"))
            .arg("run")
            .current_dir(root())
            .env_remove("TELEGRAM_TOKEN")
            .env("DISCORD_PUBLIC_KEY", hex(key.verifying_key().as_bytes()))
            .env("DISCORD_TOKEN", TOKEN)
            .env("DISCORD_APPLICATION_ID", APPLICATION)
            .env("DISCORD_API_URL", format!("http://127.0.0.1:{}", recorder.port))
            .env("HEARTH_HTTP_ADDR", format!("127.0.0.1:{port}"))
            .env("HEARTH_CONFIG", dir.join("hearth.toml"))
            .env("HEARTH_DATABASE_URL", format!("sqlite://{}", dir.join("hearth.db").display()))
            .env("RUST_LOG", "trace")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(dir.join("hearth.log")).expect("log file"))
            .spawn()
            .expect("start hearth");
        let bot = Bot { port, key, dir, _process: Running(child) };
        wait_for("the HTTP listener", || TcpStream::connect(("127.0.0.1", port)).is_ok());
        bot
    }

    /// POSTs `body` with the given signature headers; the status and JSON answer.
    fn post(&self, body: &str, headers: &[(&str, String)]) -> (u16, Value) {
        let headers: Vec<(&str, &str)> = headers.iter().map(|(name, value)| (*name, value.as_str())).collect();
        let (status, payload) = http(self.port, "POST", "/discord/interactions", &headers, body);
        (status, serde_json::from_str(&payload).unwrap_or(Value::Null))
    }

    fn signed_headers(&self, key: &SigningKey, body: &str) -> Vec<(&'static str, String)> {
        let timestamp = "1767000000".to_string();
        let signature = key.sign(format!("{timestamp}{body}").as_bytes());
        vec![("X-Signature-Ed25519", hex(&signature.to_bytes())), ("X-Signature-Timestamp", timestamp)]
    }

    fn send(&self, interaction: &Value) -> (u16, Value) {
        let body = interaction.to_string();
        self.post(&body, &self.signed_headers(&self.key, &body))
    }
}

fn user(id: &str, name: &str) -> Value {
    json!({"id": id, "username": name, "global_name": null, "avatar": null, "discriminator": "0"})
}

/// A slash command from a member with `permissions`, as Discord sends it.
fn slash(id: u64, who: (&str, &str), permissions: &str, data: Value) -> Value {
    json!({
        "id": id.to_string(), "application_id": APPLICATION, "type": 2, "data": data,
        "guild_id": GUILD, "channel_id": CHANNEL,
        "member": {"user": user(who.0, who.1), "roles": [], "permissions": permissions, "nick": null,
                   "joined_at": "2026-01-01T00:00:00.000000+00:00", "deaf": false, "mute": false,
                   "flags": 0, "pending": false},
        "token": "interaction-token", "version": 1, "locale": "en-US", "entitlements": [],
        "authorizing_integration_owners": {"0": GUILD}, "context": 0
    })
}

fn content(answer: &Value) -> &str {
    answer["data"]["content"].as_str().unwrap_or_default()
}

fn is_ephemeral(answer: &Value) -> bool {
    answer["data"]["flags"].as_u64().is_some_and(|flags| flags & 64 != 0)
}

#[test]
fn signed_interactions_get_answers_and_bad_signatures_get_401() {
    let recorder = Recorder::start();
    let bot = Bot::start("endpoint", &recorder);
    let alice = ("53908232506183680", "alice");
    let bob = ("80351110224678912", "bob");

    // PING → PONG.
    let ping = json!({"id": "1", "application_id": APPLICATION, "type": 1, "token": "t", "version": 1});
    assert_eq!(bot.send(&ping), (200, json!({"type": 1})));

    // Discord's own checks: a tampered body, another key, missing headers.
    let checkin = slash(2, alice, MEMBER, json!({"id": "9", "name": "checkin", "type": 1}));
    let body = checkin.to_string();
    let headers = bot.signed_headers(&bot.key, &body);
    assert_eq!(bot.post(&body.replace("checkin", "stats"), &headers).0, 401);
    let stranger = SigningKey::from_bytes(&[8; 32]);
    assert_eq!(bot.post(&body, &bot.signed_headers(&stranger, &body)).0, 401);
    assert_eq!(bot.post(&body, &[]).0, 401);
    assert_eq!(bot.post(&body, &headers[..1]).0, 401);

    // /checkin: a public answer, with no pings parsed from anything.
    let (status, answer) = bot.post(&body, &headers);
    assert_eq!(status, 200);
    assert_eq!(answer["type"], 4, "{answer}");
    assert!(content(&answer).contains("alice checked in: day 1"), "{answer}");
    assert!(!is_ephemeral(&answer));
    assert_eq!(answer["data"]["allowed_mentions"]["parse"], json!([]), "{answer}");

    // /give with a user option, resolved to its name.
    let give = slash(
        3,
        bob,
        MEMBER,
        json!({"id": "9", "name": "give", "type": 1,
               "options": [{"name": "member", "type": 6, "value": alice.0}, {"name": "amount", "type": 4, "value": 2},
                           {"name": "reason", "type": 3, "value": "@everyone look **here**"}],
               "resolved": {"users": {alice.0: user(alice.0, "alice")}}}),
    );
    let (status, answer) = bot.send(&give);
    assert_eq!(status, 200);
    assert!(content(&answer).contains("bob gave alice 2 points"), "{answer}");
    assert!(content(&answer).contains("@\u{200b}everyone look \\*\\*here\\*\\*"), "user text is escaped: {answer}");

    // An admin command from a member without MANAGE_GUILD: refused, privately.
    let award = slash(
        4,
        bob,
        MEMBER,
        json!({"id": "9", "name": "award", "type": 1,
               "options": [{"name": "member", "type": 6, "value": alice.0}, {"name": "amount", "type": 4, "value": 50},
                           {"name": "reason", "type": 3, "value": "self-serve"}],
               "resolved": {"users": {alice.0: user(alice.0, "alice")}}}),
    );
    let (status, answer) = bot.send(&award);
    assert_eq!(status, 200);
    assert!(content(&answer).contains("Only admins"), "{answer}");
    assert!(is_ephemeral(&answer));

    // /post by an admin: one create-message call, with the outbox id as an enforced nonce.
    let post = slash(
        5,
        alice,
        ADMIN,
        json!({"id": "9", "name": "post", "type": 1, "options": [{"name": "schedule", "type": 3, "value": "reminder"}]}),
    );
    let (status, answer) = bot.send(&post);
    assert_eq!(status, 200);
    assert!(content(&answer).contains("Posted reminder"), "{answer}");
    let posted = |r: &Recorded| r.method == "POST" && r.path == format!("/api/v10/channels/{CHANNEL}/messages");
    wait_for("the reminder post", || recorder.calls().iter().any(posted));
    std::thread::sleep(Duration::from_millis(500));
    let posts: Vec<Recorded> = recorder.calls().into_iter().filter(posted).collect();
    assert_eq!(posts.len(), 1, "{posts:?}");
    assert!(posts[0].body["nonce"].as_str().is_some_and(|n| n.starts_with("hearth-")), "{:?}", posts[0].body);
    assert_eq!(posts[0].body["enforce_nonce"], true);
    assert_eq!(posts[0].body["components"][0]["components"][0]["custom_id"], "/checkin");
    assert_eq!(posts[0].body["allowed_mentions"]["parse"], json!([]));

    // The slash commands were registered once, with one bulk overwrite.
    let registrations: Vec<Recorded> =
        recorder.calls().into_iter().filter(|r| r.method == "PUT" && r.path.contains("/commands")).collect();
    assert_eq!(registrations.len(), 1);
    let names: Vec<&str> =
        registrations[0].body.as_array().expect("commands").iter().filter_map(|c| c["name"].as_str()).collect();
    assert!(names.contains(&"checkin") && names.contains(&"topic"), "{names:?}");

    let log = std::fs::read_to_string(bot.dir.join("hearth.log")).unwrap_or_default();
    assert!(!log.contains(TOKEN), "the token reached the log");
    let _ = std::fs::remove_dir_all(&bot.dir);
}

#[test]
fn slash_commands_are_registered_again_only_when_they_change() {
    let recorder = Recorder::start();
    let registrations =
        || recorder.calls().iter().filter(|r| r.method == "PUT" && r.path.contains("/commands")).count();
    let first = Bot::start("register", &recorder);
    wait_for("the first registration", || registrations() == 1);
    let dir = first.dir.clone();
    drop(first);
    // A restart with the same commands on the same database: no second bulk overwrite.
    let second = Bot::start_in(dir.clone(), &recorder);
    wait_for("the restarted bot's log", || {
        std::fs::read_to_string(dir.join("hearth.log")).is_ok_and(|log| log.contains("slash commands unchanged"))
    });
    assert_eq!(registrations(), 1);
    drop(second);
    let _ = std::fs::remove_dir_all(dir);
}

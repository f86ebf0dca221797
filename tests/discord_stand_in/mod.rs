//! A stand-in for Discord on 127.0.0.1: REST that records every call, and a
//! gateway that says HELLO, takes IDENTIFY, sends READY and then whatever
//! events the test dispatches, as plain-text JSON frames.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};
use tungstenite::Message;

/// The bot's application id, which is also its user id.
pub const APPLICATION: &str = "775799577604522054";
/// Ids the stand-in gives the messages the bot creates: this, then counting up.
pub const FIRST_MESSAGE_ID: u64 = 1_200_000_000_000_000_001;

/// One REST request the stand-in saw, and the id of the message it created.
/// A multipart request's `payload_json` is its `body`; its files are `files`.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    pub body: Value,
    pub files: Vec<RecordedFile>,
    pub created: Option<String>,
}

/// A file part of a multipart request.
#[derive(Debug, Clone)]
pub struct RecordedFile {
    /// The form field: `files[0]`, …
    pub field: String,
    pub filename: String,
    pub content_type: Option<String>,
    pub data: Vec<u8>,
}

/// One part of a multipart/form-data body; a file when it has a filename.
struct FormPart {
    field: String,
    filename: Option<String>,
    content_type: Option<String>,
    data: Vec<u8>,
}

fn multipart(body: &[u8], boundary: &str) -> Vec<FormPart> {
    let delimiter = format!("--{boundary}").into_bytes();
    let find = |from: usize| body[from..].windows(delimiter.len()).position(|w| w == delimiter).map(|i| i + from);
    let mut parts = Vec::new();
    let mut at = find(0);
    while let Some(start) = at {
        let Some(next) = find(start + delimiter.len()) else { break };
        let part = &body[(start + delimiter.len() + 2).min(next)..next.saturating_sub(2).max(start)];
        if let Some(split) = part.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&part[..split]).to_string();
            let quoted = |key: &str| {
                head.split(&format!("{key}=\"")).nth(1).and_then(|rest| rest.split('"').next()).map(str::to_string)
            };
            let content_type = head
                .lines()
                .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-type:").map(|v| v.trim().to_string()));
            if let Some(name) = quoted(" name") {
                let (filename, data) = (quoted("filename"), part[split + 4..].to_vec());
                parts.push(FormPart { field: name, filename, content_type, data });
            }
        }
        at = Some(next);
    }
    parts
}

#[derive(Default)]
struct State {
    calls: Vec<Recorded>,
    /// IDENTIFY payloads, one per gateway session.
    identified: Vec<Value>,
    /// Guilds READY lists (as unavailable, the way Discord does).
    ready_guilds: Vec<String>,
    /// Events waiting to go out over the gateway: (type, data).
    outgoing: VecDeque<(String, Value)>,
}

pub struct StandIn {
    pub port: u16,
    state: Arc<Mutex<State>>,
}

impl StandIn {
    /// Starts REST and the gateway; READY will list `guilds`.
    pub fn start(guilds: &[&str]) -> StandIn {
        let rest = TcpListener::bind("127.0.0.1:0").expect("bind REST");
        let gateway = TcpListener::bind("127.0.0.1:0").expect("bind the gateway");
        let port = rest.local_addr().expect("address").port();
        let gateway_url = format!("ws://127.0.0.1:{}", gateway.local_addr().expect("address").port());
        let state = Arc::new(Mutex::new(State {
            ready_guilds: guilds.iter().map(|g| g.to_string()).collect(),
            ..State::default()
        }));
        let next_id = Arc::new(AtomicU64::new(FIRST_MESSAGE_ID));
        let shared = state.clone();
        std::thread::spawn(move || {
            for stream in rest.incoming().flatten() {
                let (state, url, next_id) = (shared.clone(), gateway_url.clone(), next_id.clone());
                std::thread::spawn(move || answer(stream, &state, &url, &next_id));
            }
        });
        let shared = state.clone();
        std::thread::spawn(move || {
            for stream in gateway.incoming().flatten() {
                let state = shared.clone();
                std::thread::spawn(move || session(stream, &state));
            }
        });
        StandIn { port, state }
    }

    pub fn api_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn calls(&self) -> Vec<Recorded> {
        self.state.lock().map(|s| s.calls.clone()).unwrap_or_default()
    }

    pub fn identified(&self) -> Vec<Value> {
        self.state.lock().map(|s| s.identified.clone()).unwrap_or_default()
    }

    /// Sends a dispatch event (`t`, `d`) to the connected bot.
    pub fn dispatch(&self, kind: &str, data: Value) {
        if let Ok(mut state) = self.state.lock() {
            state.outgoing.push_back((kind.to_string(), data));
        }
    }
}

/// One gateway session: HELLO, IDENTIFY, READY, then events and heartbeat ACKs.
fn session(stream: TcpStream, state: &Mutex<State>) {
    let Ok(mut socket) = tungstenite::accept(stream) else {
        return;
    };
    let _ = socket.get_mut().set_read_timeout(Some(Duration::from_millis(20)));
    let hello = json!({"op": 10, "d": {"heartbeat_interval": 41250}, "s": null, "t": null});
    if socket.send(Message::text(hello.to_string())).is_err() {
        return;
    }
    let mut seq = 0u64;
    loop {
        match socket.read() {
            Ok(Message::Text(text)) => {
                let frame: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
                let reply = match frame["op"].as_u64() {
                    // Heartbeat → ACK.
                    Some(1) => json!({"op": 11, "d": null, "s": null, "t": null}),
                    // IDENTIFY → READY.
                    Some(2) => {
                        seq += 1;
                        let guilds = match state.lock() {
                            Ok(mut state) => {
                                state.identified.push(frame["d"].clone());
                                state.ready_guilds.clone()
                            }
                            Err(_) => return,
                        };
                        ready(seq, &guilds, &frame["d"]["shard"])
                    }
                    _ => continue,
                };
                if socket.send(Message::text(reply.to_string())).is_err() {
                    return;
                }
            }
            Ok(Message::Close(_)) => return,
            Ok(_) => {}
            Err(tungstenite::Error::Io(error))
                if matches!(error.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {}
            Err(_) => return,
        }
        // Events go out only after READY.
        if seq == 0 {
            continue;
        }
        let next = state.lock().ok().and_then(|mut s| s.outgoing.pop_front());
        if let Some((kind, data)) = next {
            seq += 1;
            let frame = json!({"op": 0, "s": seq, "t": kind, "d": data});
            if socket.send(Message::text(frame.to_string())).is_err() {
                return;
            }
        }
    }
}

/// READY for the shard the bot identified as (`[0, 1]` when it named none).
fn ready(seq: u64, guilds: &[String], shard: &Value) -> Value {
    let shard = if shard.is_array() { shard.clone() } else { json!([0, 1]) };
    json!({
        "op": 0, "s": seq, "t": "READY",
        "d": {
            "v": 10,
            "user": {"id": APPLICATION, "username": "hearth", "global_name": null, "discriminator": "0",
                     "avatar": null, "bot": true, "verified": true, "mfa_enabled": false, "flags": 0},
            "guilds": guilds.iter().map(|id| json!({"id": id, "unavailable": true})).collect::<Vec<_>>(),
            "session_id": "stand-in-session",
            "resume_gateway_url": "ws://127.0.0.1:1",
            "shard": shard,
            "application": {"id": APPLICATION, "flags": 0}
        }
    })
}

/// One REST request: recorded, and answered the way Discord answers it.
fn answer(stream: TcpStream, state: &Mutex<State>, gateway_url: &str, next_id: &AtomicU64) {
    let mut reader = BufReader::new(stream);
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    let mut length = 0;
    let mut boundary = None;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).is_err() || header.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().unwrap_or(0);
            } else if name.eq_ignore_ascii_case("content-type") && value.contains("multipart/form-data") {
                boundary = value.split("boundary=").nth(1).map(|b| b.trim().trim_matches('"').to_string());
            }
        }
    }
    let mut body = vec![0; length];
    let _ = reader.read_exact(&mut body);
    let mut parts = request_line.split_whitespace();
    let (method, path) = (parts.next().unwrap_or("").to_string(), parts.next().unwrap_or("").to_string());
    let mut files = Vec::new();
    let body: Value = match &boundary {
        Some(boundary) => {
            let mut payload = Value::Null;
            for FormPart { field, filename, content_type, data } in multipart(&body, boundary) {
                match filename {
                    Some(filename) => files.push(RecordedFile { field, filename, content_type, data }),
                    None if field == "payload_json" => payload = serde_json::from_slice(&data).unwrap_or(Value::Null),
                    None => {}
                }
            }
            payload
        }
        None => serde_json::from_slice(&body).unwrap_or(Value::Null),
    };
    let route = path.split('?').next().unwrap_or_default();
    let segments: Vec<&str> = route.trim_start_matches("/api/v10/").split('/').collect();
    let mut created = None;
    let (status, reply) = match (method.as_str(), segments.as_slice()) {
        ("GET", ["gateway"]) => (200, json!({"url": gateway_url})),
        ("GET", ["gateway", "bot"]) => (
            200,
            json!({"url": gateway_url, "shards": 1,
                   "session_start_limit": {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}}),
        ),
        ("PUT", ["applications", _, "commands"]) => (200, json!([])),
        ("POST", ["interactions", _, _, "callback"]) => (204, Value::Null),
        ("POST", ["channels", channel, "messages"]) => {
            let id = next_id.fetch_add(1, Ordering::SeqCst).to_string();
            created = Some(id.clone());
            (200, message(&id, channel, &body))
        }
        // A deferred answer filled in, a deferral withdrawn, a follow-up.
        ("PATCH", ["webhooks", _, _, "messages", "@original"]) => (200, message("1", "0", &body)),
        ("DELETE", ["webhooks", _, _, "messages", "@original"]) => (204, Value::Null),
        ("POST", ["webhooks", _, _]) => (200, message("2", "0", &body)),
        ("POST", ["channels", channel, "messages", message, "threads"]) => {
            let thread = thread(message, channel, body["name"].as_str().unwrap_or("thread"));
            // Discord tells the bot about the thread it opened.
            if let Ok(mut state) = state.lock() {
                state.outgoing.push_back(("THREAD_CREATE".into(), thread.clone()));
            }
            (201, thread)
        }
        _ => (404, json!({"message": "Unknown", "code": 0})),
    };
    if let Ok(mut state) = state.lock() {
        state.calls.push(Recorded { method, path, body, files, created });
    }
    let reply = if reply.is_null() { String::new() } else { reply.to_string() };
    let status = match status {
        200 => "200 OK",
        201 => "201 Created",
        204 => "204 No Content",
        _ => "404 Not Found",
    };
    let mut stream = reader.into_inner();
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{reply}",
        reply.len()
    );
}

/// The message Discord returns for a create: the sent fields echoed.
fn message(id: &str, channel: &str, sent: &Value) -> Value {
    json!({
        "id": id, "channel_id": channel,
        "author": {"id": APPLICATION, "username": "hearth", "discriminator": "0", "avatar": null, "bot": true},
        "content": sent["content"].as_str().unwrap_or(""), "timestamp": "2026-03-02T08:00:00.000000+00:00",
        "edited_timestamp": null, "tts": false, "mention_everyone": false, "mentions": [], "mention_roles": [],
        "attachments": [], "embeds": sent["embeds"].as_array().cloned().unwrap_or_default(), "pinned": false,
        "type": 0, "flags": 0, "components": []
    })
}

/// A public thread opened on `message`: it has the message's id.
fn thread(message: &str, parent: &str, name: &str) -> Value {
    json!({
        "id": message, "guild_id": crate::GUILD, "parent_id": parent, "owner_id": APPLICATION,
        "name": name, "type": 11, "last_message_id": null, "rate_limit_per_user": 0, "flags": 0,
        "message_count": 0, "member_count": 1, "total_message_sent": 0,
        "thread_metadata": {"archived": false, "auto_archive_duration": 1440,
                            "archive_timestamp": "2026-03-02T08:00:00.000000+00:00", "locked": false}
    })
}

//! The Telegram Bot API stand-in (telegram-test-api, patched by
//! `adapters/telegram/stand-in/start.js`) and how the end-to-end tests start
//! hearth against it.

// Compiled into every test binary that uses it; each uses some of it.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::common::{Running, WAIT, free_port, http, root, wait_for};

pub const TOKEN: &str = "4242:fake-test-token-never-logged";
pub const GROUP: i64 = -100_123;
pub const STRANGERS: i64 = -200;
pub const BOT_ID: i64 = 666;

pub struct StandIn {
    pub port: u16,
    _process: Running,
}

impl StandIn {
    pub fn start() -> StandIn {
        Self::start_as(false)
    }

    /// `plain`: the npm package as published, none of `start.js`'s patches.
    pub fn start_as(plain: bool) -> StandIn {
        let dir = root().join("adapters/telegram/stand-in");
        assert!(
            dir.join("node_modules/telegram-test-api").exists(),
            "the Telegram stand-in is not installed: run `npm ci --prefix adapters/telegram/stand-in` (README's test command does)"
        );
        let mut child = Command::new("node")
            .arg("start.js")
            .env("STAND_IN_PLAIN", if plain { "1" } else { "0" })
            .current_dir(&dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("node runs the stand-in");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("stand-in prints its port");
        let port: Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("stand-in said {line:?}: {e}"));
        StandIn {
            port: port["port"].as_u64().and_then(|p| u16::try_from(p).ok()).expect("port"),
            _process: Running(child),
        }
    }

    pub fn call(&self, method: &str, path: &str, body: &Value) -> Value {
        let (_, payload) = http(self.port, method, path, &[], &body.to_string());
        serde_json::from_str(&payload).unwrap_or_else(|e| panic!("{path} answered {payload:?}: {e}"))
    }

    pub fn post(&self, path: &str, body: Value) -> Value {
        self.call("POST", path, &body)
    }

    pub fn log(&self) -> Value {
        self.call("GET", "/botLog", &json!({}))["result"].clone()
    }

    /// Waits until the bot has sent `n` messages to `chat` that were not read before.
    pub fn bot_messages(&self, chat: i64, n: usize) -> Vec<Value> {
        let deadline = Instant::now() + WAIT;
        let mut seen = Vec::new();
        while seen.len() < n && Instant::now() < deadline {
            let batch = self.post("/getUpdates", json!({"token": TOKEN, "chatId": chat}));
            seen.extend(batch["result"].as_array().cloned().unwrap_or_default().into_iter().map(|stored| {
                let mut message = stored["message"].clone();
                message["stand_in_message_id"] = stored["messageId"].clone();
                message
            }));
            std::thread::sleep(Duration::from_millis(50));
        }
        assert_eq!(seen.len(), n, "bot messages in {chat}: {seen:#?}");
        for message in &seen {
            assert_no_user_html(message["text"].as_str().unwrap_or_default());
        }
        seen
    }
}

/// Only the tags the renderer writes may appear; user text is always escaped.
pub fn assert_no_user_html(text: &str) {
    let mut rest = text.to_string();
    for tag in ["<b>", "</b>", "<i>", "</i>", "<code>", "</code>"] {
        rest = rest.replace(tag, "");
    }
    assert!(!rest.contains('<') && !rest.contains('>'), "unescaped HTML in a bot message: {text}");
}

#[derive(Clone)]
pub struct Member {
    pub id: i64,
    pub first_name: &'static str,
    pub username: Option<&'static str>,
}

impl Member {
    pub fn user(&self) -> Value {
        let mut user = json!({"id": self.id, "is_bot": false, "first_name": self.first_name});
        if let Some(username) = self.username {
            user["username"] = json!(username);
        }
        user
    }
}

pub fn chat(id: i64) -> Value {
    json!({"id": id, "type": "supergroup", "title": "A group"})
}

pub fn now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

impl StandIn {
    /// A member writes `text` in `chat`, optionally replying to `reply_to` (a message object).
    pub fn say(&self, from: &Member, chat_id: i64, text: &str, reply_to: Option<Value>) {
        let mut message =
            json!({"botToken": TOKEN, "from": from.user(), "chat": chat(chat_id), "date": now(), "text": text});
        if let Some(original) = reply_to {
            message["reply_to_message"] = original;
        }
        self.post("/sendMessage", message);
    }

    /// Says `text` and returns the bot's one answer.
    pub fn ask(&self, from: &Member, chat_id: i64, text: &str) -> Value {
        self.say(from, chat_id, text, None);
        self.bot_messages(chat_id, 1).remove(0)
    }

    /// `/post <schedule>` by an admin in `GROUP`: the post goes out from the
    /// outbox and the confirmation from the command, in either order. Returns
    /// the post.
    pub fn post_now(&self, admin: &Member, schedule: &str) -> Value {
        self.say(admin, GROUP, &format!("/post {schedule}"), None);
        let mut messages = self.bot_messages(GROUP, 2);
        let done = format!("Posted {schedule} now");
        let confirmation = messages.iter().position(|message| text(message).contains(&done));
        messages.remove(confirmation.unwrap_or_else(|| panic!("no {done:?} among {messages:#?}")));
        messages.remove(0)
    }

    pub fn tap(&self, from: &Member, post: &Value, data: &str) {
        let message = json!({"message_id": post_id(post), "chat": chat(GROUP), "date": now(), "text": post["text"]});
        self.post("/sendCallback", json!({"botToken": TOKEN, "from": from.user(), "message": message, "data": data}));
    }

    pub fn bot_added_to(&self, chat_id: i64) {
        self.bot_membership(chat_id, "left", "member");
    }

    pub fn bot_removed_from(&self, chat_id: i64) {
        self.bot_membership(chat_id, "member", "kicked");
    }

    pub fn bot_membership(&self, chat_id: i64, old: &str, new: &str) {
        let bot = json!({"id": BOT_ID, "is_bot": true, "first_name": "hearth", "username": "HearthTestBot"});
        let update = json!({"my_chat_member": {
            "chat": chat(chat_id),
            "from": {"id": 9, "is_bot": false, "first_name": "Owner"},
            "date": now(),
            "old_chat_member": {"status": old, "user": bot},
            "new_chat_member": {"status": new, "user": bot, "until_date": 0},
        }});
        self.post("/sendUpdate", json!({"botToken": TOKEN, "update": update}));
    }
}

pub fn text(message: &Value) -> &str {
    message["text"].as_str().unwrap_or_default()
}

/// The stand-in's id of a message the bot sent (stored with the message).
pub fn post_id(message: &Value) -> i64 {
    message["stand_in_message_id"].as_i64().expect("message id recorded by the stand-in")
}

pub fn replied_to(message: &Value) -> Option<i64> {
    message["reply_parameters"]["message_id"].as_i64()
}

/// `hearth run` long-polling the stand-in, logging to `dir/hearth.log`;
/// `env` adds or overrides variables (webhook mode, log level).
pub fn start_hearth(api: &StandIn, dir: &Path, env: &[(&str, String)]) -> Running {
    let mut command = Command::new(env!("CARGO_BIN_EXE_hearth"));
    command
        .arg("run")
        .current_dir(root())
        .env_remove("HEARTH_HTTP_ADDR")
        .env_remove("TELEGRAM_WEBHOOK_URL")
        .env_remove("DISCORD_TOKEN")
        .env("TELEGRAM_TOKEN", TOKEN)
        .env("TELEGRAM_API_URL", format!("http://127.0.0.1:{}", api.port))
        .env("HEARTH_CONFIG", dir.join("hearth.toml"))
        .env("HEARTH_DATABASE_URL", format!("sqlite://{}", dir.join("hearth.db").display()))
        .env("RUST_LOG", "info");
    command.envs(env.iter().map(|(k, v)| (*k, v.as_str())));
    let child = command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(dir.join("hearth.log")).expect("log file"))
        .spawn()
        .expect("start hearth");
    Running(child)
}

/// hearth with its HTTP listener on a free port and the webhook registered
/// there; returns when both are up, with the port and the webhook URL.
pub fn start_in_webhook_mode(api: &StandIn, dir: &Path) -> (Running, u16, String) {
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}/telegram/webhook");
    let hearth = start_hearth(
        api,
        dir,
        &[("HEARTH_HTTP_ADDR", format!("127.0.0.1:{port}")), ("TELEGRAM_WEBHOOK_URL", url.clone())],
    );
    wait_for("setWebhook", || api.log()["setWebhook"].as_array().is_some_and(|calls| !calls.is_empty()));
    wait_for("the HTTP listener", || TcpStream::connect(("127.0.0.1", port)).is_ok());
    (hearth, port, url)
}

pub fn wait_until_ready(api: &StandIn) {
    wait_for("the command menus", || api.log()["setMyCommands"].as_array().map_or(0, Vec::len) >= 4);
}

pub fn log_of(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("hearth.log")).unwrap_or_default()
}

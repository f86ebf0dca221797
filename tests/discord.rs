//! The real `hearth` binary driven the two ways Discord drives it: over the
//! gateway, and with signed POSTs to `/discord/interactions` (Ed25519, the
//! public half in `DISCORD_PUBLIC_KEY`). REST and the gateway are a stand-in
//! on loopback that records every call.

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ed25519_dalek::{Signer, SigningKey};
use serde_json::{Value, json};

mod common;
mod discord_stand_in;
use common::{Running, exported_balances, free_port, hex, http, root, scratch, wait_for};
use discord_stand_in::{APPLICATION, Recorded, StandIn};

const GUILD: &str = "290926798626357999";
const CHANNEL: &str = "645027906669510667";
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

[community.topics]
pool = ["What did you ship this week?"]
reply_points = 2
thread = true

[[community.schedule]]
id = "reminder"
cron = "0 20 * * *"
action = "checkin_reminder"

[[community.schedule]]
id = "daily-topic"
cron = "0 9 * * *"
action = "topic"
"#;

/// The running bot, and how to talk to it.
struct Bot {
    port: u16,
    key: SigningKey,
    dir: PathBuf,
    _process: Running,
}

impl Bot {
    fn start(name: &str, stand_in: &StandIn) -> Bot {
        Self::launch(fresh(name), stand_in, true, &[])
    }

    /// Starts with the gateway as the only way in (no interactions endpoint).
    fn gateway_only(name: &str, stand_in: &StandIn) -> Bot {
        Self::launch(fresh(name), stand_in, false, &[])
    }

    /// Starts on an existing directory (its database survives a restart),
    /// with the interactions endpoint and the gateway.
    fn start_in(dir: PathBuf, stand_in: &StandIn) -> Bot {
        Self::launch(dir, stand_in, true, &[])
    }

    /// With `endpoint` the HTTP listener serves `/discord/interactions`;
    /// without it the gateway is the only way in. `env` is set on top.
    fn launch(dir: PathBuf, stand_in: &StandIn, endpoint: bool, env: &[(&str, &str)]) -> Bot {
        let key = SigningKey::from_bytes(&[7; 32]);
        let port = free_port();
        let mut command = Command::new(env!("CARGO_BIN_EXE_hearth"));
        command
            .arg("run")
            .current_dir(root())
            .env_remove("TELEGRAM_TOKEN")
            .env_remove("DISCORD_PUBLIC_KEY")
            .env_remove("HEARTH_HTTP_ADDR")
            .env("DISCORD_TOKEN", TOKEN)
            .env("DISCORD_APPLICATION_ID", APPLICATION)
            .env("DISCORD_API_URL", stand_in.api_url())
            .env("HEARTH_CONFIG", dir.join("hearth.toml"))
            .env("HEARTH_DATABASE_URL", format!("sqlite://{}", dir.join("hearth.db").display()))
            .env("RUST_LOG", "trace")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(dir.join("hearth.log")).expect("log file"));
        command.envs(env.iter().copied());
        if endpoint {
            command
                .env("DISCORD_PUBLIC_KEY", hex(key.verifying_key().as_bytes()))
                .env("HEARTH_HTTP_ADDR", format!("127.0.0.1:{port}"));
        }
        let child = command.spawn().expect("start hearth");
        let bot = Bot { port, key, dir, _process: Running(child) };
        if endpoint {
            wait_for("the HTTP listener", || TcpStream::connect(("127.0.0.1", port)).is_ok());
        }
        bot
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("hearth.log")).unwrap_or_default()
    }

    /// Whether one line of the log has every one of `parts`.
    fn logged(&self, parts: &[&str]) -> bool {
        logged_in(&self.dir, parts)
    }

    /// POSTs `body` with the given signature headers; the status and JSON answer.
    fn post(&self, body: &str, headers: &[(&str, String)]) -> (u16, Value) {
        let headers: Vec<(&str, &str)> = headers.iter().map(|(name, value)| (*name, value.as_str())).collect();
        let (status, payload) = http(self.port, "POST", "/discord/interactions", &headers, body);
        (status, serde_json::from_str(&payload).unwrap_or(Value::Null))
    }

    /// Signed now, as Discord signs a POST it is sending.
    fn signed_headers(&self, key: &SigningKey, body: &str) -> Vec<(&'static str, String)> {
        signed_at(key, body, &unix_now().to_string())
    }

    fn send(&self, interaction: &Value) -> (u16, Value) {
        let body = interaction.to_string();
        self.post(&body, &self.signed_headers(&self.key, &body))
    }
}

/// A scratch directory with the test config in it.
fn fresh(name: &str) -> PathBuf {
    let dir = scratch(name);
    std::fs::write(dir.join("hearth.toml"), CONFIG).expect("config");
    dir
}

/// Whether one line of the log in `dir` has every one of `parts`.
fn logged_in(dir: &Path, parts: &[&str]) -> bool {
    let log = std::fs::read_to_string(dir.join("hearth.log")).unwrap_or_default();
    log.lines().any(|line| parts.iter().all(|part| line.contains(part)))
}

fn unix_now() -> i64 {
    let since = SystemTime::now().duration_since(UNIX_EPOCH).expect("a clock after 1970");
    i64::try_from(since.as_secs()).expect("seconds fit")
}

/// The signature headers for `body` signed with `key` at `timestamp`.
fn signed_at(key: &SigningKey, body: &str, timestamp: &str) -> Vec<(&'static str, String)> {
    let signature = key.sign(format!("{timestamp}{body}").as_bytes());
    vec![("X-Signature-Ed25519", hex(&signature.to_bytes())), ("X-Signature-Timestamp", timestamp.to_string())]
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

/// The data of `/give` or `/award`: `who` (resolved to a user), an amount, a reason.
fn points_to(command: &str, who: (&str, &str), amount: i64, reason: &str) -> Value {
    json!({"id": "9", "name": command, "type": 1,
           "options": [{"name": "member", "type": 6, "value": who.0}, {"name": "amount", "type": 4, "value": amount},
                       {"name": "reason", "type": 3, "value": reason}],
           "resolved": {"users": {who.0: user(who.0, who.1)}}})
}

fn content(answer: &Value) -> &str {
    answer["data"]["content"].as_str().unwrap_or_default()
}

fn is_ephemeral(answer: &Value) -> bool {
    answer["data"]["flags"].as_u64().is_some_and(|flags| flags & 64 != 0)
}

#[test]
fn signed_interactions_get_answers_and_bad_signatures_get_401() {
    let stand_in = StandIn::start(&[GUILD]);
    let bot = Bot::start("endpoint", &stand_in);
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
    let give = slash(3, bob, MEMBER, points_to("give", alice, 2, "@everyone look **here**"));
    let (status, answer) = bot.send(&give);
    assert_eq!(status, 200);
    assert!(content(&answer).contains("bob gave alice 2 points"), "{answer}");
    assert!(content(&answer).contains("@\u{200b}everyone look \\*\\*here\\*\\*"), "user text is escaped: {answer}");

    // An admin command from a member without MANAGE_GUILD: refused, privately.
    let award = slash(4, bob, MEMBER, points_to("award", alice, 50, "self-serve"));
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
    // Recorded as delivered: it is not pending any more, so it cannot go out again.
    wait_for("the reminder's delivery to be recorded", || bot.logged(&["a delivery recorded"]));
    let posts: Vec<Recorded> = stand_in.calls().into_iter().filter(posted).collect();
    assert_eq!(posts.len(), 1, "{posts:?}");
    assert!(posts[0].body["nonce"].as_str().is_some_and(|n| n.starts_with("hearth-")), "{:?}", posts[0].body);
    assert_eq!(posts[0].body["enforce_nonce"], true);
    assert_eq!(posts[0].body["components"][0]["components"][0]["custom_id"], "/checkin");
    assert_eq!(posts[0].body["allowed_mentions"]["parse"], json!([]));

    // The slash commands were registered once, with one bulk overwrite.
    let registrations: Vec<Recorded> =
        stand_in.calls().into_iter().filter(|r| r.method == "PUT" && r.path.contains("/commands")).collect();
    assert_eq!(registrations.len(), 1);
    let names: Vec<&str> =
        registrations[0].body.as_array().expect("commands").iter().filter_map(|c| c["name"].as_str()).collect();
    assert!(names.contains(&"checkin") && names.contains(&"topic"), "{names:?}");

    assert!(!bot.log().contains(TOKEN), "the token reached the log");
    let _ = std::fs::remove_dir_all(&bot.dir);
}

#[test]
fn slash_commands_are_registered_again_only_when_they_change() {
    let stand_in = StandIn::start(&[GUILD]);
    let registrations =
        || stand_in.calls().iter().filter(|r| r.method == "PUT" && r.path.contains("/commands")).count();
    let first = Bot::start("register", &stand_in);
    // Stopped only once the registration is recorded (logged after the
    // write), not when the PUT is seen: the record comes after it.
    wait_for("the first registration to be recorded", || first.logged(&["slash commands registered"]));
    assert_eq!(registrations(), 1);
    let dir = first.dir.clone();
    drop(first);
    // A restart with the same commands on the same database: no second bulk overwrite.
    let second = Bot::start_in(dir.clone(), &stand_in);
    wait_for("the restarted bot's log", || second.logged(&["slash commands unchanged"]));
    assert_eq!(registrations(), 1);
    drop(second);
    let _ = std::fs::remove_dir_all(dir);
}

/// A guild the bot has just been invited to; no community owns it.
const NEW_GUILD: &str = "197038439483310086";
const NEW_GUILD_SYSTEM_CHANNEL: &str = "197038439483310087";

/// GUILD_CREATE as Discord sends it (the adapter's fixture), for `guild`,
/// joined at `joined_at`.
fn guild_create(guild: &str, joined_at: &str) -> Value {
    let path = root().join("adapters/discord/tests/payloads/guild_create.json");
    let mut value: Value = serde_json::from_str(&std::fs::read_to_string(path).expect("fixture")).expect("JSON");
    value["id"] = json!(guild);
    value["joined_at"] = json!(joined_at);
    value
}

/// MESSAGE_CREATE from `who` in `channel`, replying to `reply_to` (a bot message) if given.
fn message_create(id: u64, who: (&str, &str), channel: &str, reply_to: Option<&str>) -> Value {
    let mut message = json!({
        "id": id.to_string(), "channel_id": channel, "guild_id": GUILD, "author": user(who.0, who.1),
        "member": {"roles": [], "nick": null, "joined_at": "2026-01-01T00:00:00.000000+00:00", "deaf": false,
                   "mute": false, "flags": 0, "pending": false},
        "content": "", "timestamp": "2026-11-23T09:05:00.000000+00:00", "edited_timestamp": null, "tts": false,
        "mention_everyone": false, "mentions": [], "mention_roles": [], "attachments": [], "embeds": [],
        "pinned": false, "type": 0, "flags": 0, "components": []
    });
    if let Some(original) = reply_to {
        message["type"] = json!(19);
        message["message_reference"] =
            json!({"type": 0, "message_id": original, "channel_id": channel, "guild_id": GUILD});
        message["referenced_message"] = json!({
            "id": original, "channel_id": channel,
            "author": {"id": APPLICATION, "username": "hearth", "discriminator": "0", "avatar": null, "bot": true},
            "content": "", "timestamp": "2026-11-23T09:00:00.000000+00:00", "edited_timestamp": null, "tts": false,
            "mention_everyone": false, "mentions": [], "mention_roles": [], "attachments": [], "embeds": [],
            "pinned": false, "type": 0, "flags": 0, "components": []
        });
    }
    message
}

/// The interaction callbacks the bot made for interaction `id`.
fn callbacks(stand_in: &StandIn, id: u64) -> Vec<Value> {
    let path = format!("/api/v10/interactions/{id}/interaction-token/callback");
    stand_in.calls().into_iter().filter(|c| c.method == "POST" && c.path == path).map(|c| c.body).collect()
}

fn callback(stand_in: &StandIn, id: u64) -> Value {
    wait_for(&format!("the answer to interaction {id}"), || !callbacks(stand_in, id).is_empty());
    callbacks(stand_in, id).remove(0)
}

fn messages_in(stand_in: &StandIn, channel: &str) -> Vec<Recorded> {
    let path = format!("/api/v10/channels/{channel}/messages");
    stand_in.calls().into_iter().filter(|c| c.method == "POST" && c.path == path).collect()
}

fn text_of(message: &Value) -> String {
    let embeds = message["embeds"].as_array().into_iter().flatten().filter_map(|e| e["description"].as_str());
    std::iter::once(message["content"].as_str().unwrap_or_default()).chain(embeds).collect::<Vec<_>>().join("\n")
}

#[test]
fn a_gateway_conversation_from_guild_join_to_topic_thread() {
    let stand_in = StandIn::start(&[GUILD]);
    let bot = Bot::gateway_only("gateway", &stand_in);
    let alice = ("53908232506183680", "alice");
    let bob = ("80351110224678912", "bob");
    let carol = ("80351110224678913", "carol");

    // The bot finds the gateway through the REST base and identifies with
    // GUILDS | GUILD_MESSAGES (no privileged MESSAGE_CONTENT).
    wait_for("IDENTIFY", || !stand_in.identified().is_empty());
    let identify = &stand_in.identified()[0];
    assert_eq!(identify["token"], format!("Bot {TOKEN}"), "{identify}");
    assert_eq!(identify["intents"], 1 | 512, "{identify}");
    // Without HEARTH_DISCORD_SHARDS: every shard Discord advises (one here).
    assert_eq!(identify["shard"], json!([0, 1]), "{identify}");

    // The guild READY listed (joined long ago): no welcome. A guild joined just
    // now: welcomed once in its system channel with the line that links it,
    // even when its GUILD_CREATE comes again (a reconnect).
    stand_in.dispatch("GUILD_CREATE", guild_create(GUILD, "2025-01-01T00:00:00.000000+00:00"));
    let just_now = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S%.6f+00:00").to_string();
    stand_in.dispatch("GUILD_CREATE", guild_create(NEW_GUILD, &just_now));
    wait_for("the welcome", || !messages_in(&stand_in, NEW_GUILD_SYSTEM_CHANNEL).is_empty());
    let welcome = text_of(&messages_in(&stand_in, NEW_GUILD_SYSTEM_CHANNEL)[0].body);
    assert!(welcome.contains(&format!("guild_id = \"{NEW_GUILD}\"")), "{welcome}");
    assert!(welcome.contains(&format!("channel_id = \"{NEW_GUILD_SYSTEM_CHANNEL}\"")), "{welcome}");
    stand_in.dispatch("GUILD_CREATE", guild_create(NEW_GUILD, &just_now));

    // A slash command over the gateway, answered with an interaction callback.
    stand_in.dispatch("INTERACTION_CREATE", slash(11, alice, MEMBER, json!({"id": "9", "name": "checkin", "type": 1})));
    let answer = callback(&stand_in, 11);
    assert_eq!(answer["type"], 4, "{answer}");
    assert!(content(&answer).contains("alice checked in: day 1"), "{answer}");
    assert_eq!(answer["data"]["allowed_mentions"]["parse"], json!([]), "{answer}");

    // In the new guild, a command answers with the hint and changes nothing.
    let mut elsewhere = slash(12, carol, MEMBER, json!({"id": "9", "name": "checkin", "type": 1}));
    elsewhere["guild_id"] = json!(NEW_GUILD);
    elsewhere["channel_id"] = json!(NEW_GUILD_SYSTEM_CHANNEL);
    stand_in.dispatch("INTERACTION_CREATE", elsewhere);
    let answer = callback(&stand_in, 12);
    assert!(content(&answer).contains(&format!("guild_id = \"{NEW_GUILD}\"")), "{answer}");

    // A tap on a Check in button runs /checkin for whoever tapped.
    let mut tap = slash(13, bob, MEMBER, json!({"custom_id": "/checkin", "component_type": 2}));
    tap["type"] = json!(3);
    tap["message"] = message_create(1_100_000_000_000_000_000, alice, CHANNEL, None);
    stand_in.dispatch("INTERACTION_CREATE", tap);
    assert!(content(&callback(&stand_in, 13)).contains("bob checked in: day 1"));

    // An admin posts the topic: one message with an enforced nonce, then a thread on it.
    let post = slash(
        14,
        alice,
        ADMIN,
        json!({"id": "9", "name": "post", "type": 1, "options": [{"name": "schedule", "type": 3, "value": "daily-topic"}]}),
    );
    stand_in.dispatch("INTERACTION_CREATE", post);
    assert!(content(&callback(&stand_in, 14)).contains("Posted daily-topic"));
    let is_thread = |c: &Recorded| c.method == "POST" && c.path.ends_with("/threads");
    wait_for("the topic thread", || stand_in.calls().iter().any(is_thread));
    let posts = messages_in(&stand_in, CHANNEL);
    assert_eq!(posts.len(), 1, "{posts:?}");
    assert!(text_of(&posts[0].body).contains("What did you ship this week?"), "{:?}", posts[0].body);
    assert!(posts[0].body["nonce"].as_str().is_some_and(|n| n.starts_with("hearth-")));
    assert_eq!(posts[0].body["enforce_nonce"], true);
    let topic_post = posts[0].created.clone().expect("the post's id");
    let threads: Vec<Recorded> = stand_in.calls().into_iter().filter(is_thread).collect();
    assert_eq!(threads[0].path, format!("/api/v10/channels/{CHANNEL}/messages/{topic_post}/threads"));
    assert_eq!(threads[0].body["name"], "What did you ship this week?");

    // Bob replies to the post: +2, answered as a reply that pings nobody.
    stand_in.dispatch("MESSAGE_CREATE", message_create(1_300_000_000_000_000_001, bob, CHANNEL, Some(&topic_post)));
    wait_for("bob's topic points", || messages_in(&stand_in, CHANNEL).len() == 2);
    let thanks = &messages_in(&stand_in, CHANNEL)[1].body;
    assert!(text_of(thanks).contains("+2"), "{thanks}");
    assert_eq!(thanks["message_reference"]["message_id"], "1300000000000000001", "{thanks}");
    assert_eq!(thanks["allowed_mentions"]["replied_user"], false, "{thanks}");

    // Carol writes in the thread (its id is the post's): +2, answered there.
    stand_in.dispatch("MESSAGE_CREATE", message_create(1_300_000_000_000_000_002, carol, &topic_post, None));
    wait_for("carol's topic points", || messages_in(&stand_in, &topic_post).len() == 1);
    // Bob again, in the thread: he was paid for this topic already, so no answer.
    stand_in.dispatch("MESSAGE_CREATE", message_create(1_300_000_000_000_000_003, bob, &topic_post, None));
    // A reply to someone else's message is just chat.
    let mut to_alice = message_create(1_300_000_000_000_000_004, carol, CHANNEL, Some("1100000000000000000"));
    to_alice["referenced_message"]["author"] = user(alice.0, alice.1);
    stand_in.dispatch("MESSAGE_CREATE", to_alice);
    // The bot says when it is done with each message and each repeated guild.
    for id in ["1300000000000000003", "1300000000000000004"] {
        wait_for(&format!("message {id} handled"), || bot.logged(&["a message event handled", id]));
    }
    wait_for("the repeated GUILD_CREATE handled", || bot.logged(&["a guild seen again; no welcome", NEW_GUILD]));
    assert_eq!(messages_in(&stand_in, &topic_post).len(), 1);
    assert_eq!(messages_in(&stand_in, CHANNEL).len(), 2);
    assert_eq!(messages_in(&stand_in, NEW_GUILD_SYSTEM_CHANNEL).len(), 1, "the guild was welcomed once");

    // The ledger: alice 10, bob 10 + 2, carol 2.
    let balances = exported_balances(&bot.dir, "rustaceans");
    let balance = |name: &str| balances.get(name).copied();
    assert_eq!((balance("alice"), balance("bob"), balance("carol")), (Some(10), Some(12), Some(2)), "{balances:?}");
    assert!(!bot.log().contains(TOKEN), "the token reached the log");
    let _ = std::fs::remove_dir_all(&bot.dir);
}

/// The defer threshold the deferral tests run with (2 s in production).
const QUICK_DEFER: (&str, &str) = ("DISCORD_DEFER_AFTER_MS", "100");

#[test]
fn a_slow_answer_over_the_gateway_is_deferred_and_filled_in() {
    let stand_in = StandIn::start(&[GUILD]);
    let bot = Bot::launch(fresh("deferred"), &stand_in, false, &[QUICK_DEFER]);
    wait_for("IDENTIFY", || !stand_in.identified().is_empty());
    let alice = ("53908232506183680", "alice");

    // Another process holds the database's write lock, so the engine cannot
    // answer within the threshold: deferred ("thinking…") before the answer exists.
    hold_write_lock(&bot.dir, || {
        let checkin = slash(21, alice, MEMBER, json!({"id": "9", "name": "checkin", "type": 1}));
        stand_in.dispatch("INTERACTION_CREATE", checkin);
        stand_in
            .dispatch("INTERACTION_CREATE", slash(22, alice, MEMBER, json!({"id": "9", "name": "streak", "type": 1})));
        assert_eq!(callback(&stand_in, 21)["type"], 5);
        assert_eq!(callback(&stand_in, 22)["type"], 5);
    });

    // The public answer edits the deferral in place.
    let webhook = format!("/api/v10/webhooks/{APPLICATION}/interaction-token");
    let original = format!("{webhook}/messages/@original");
    let edited = |stand_in: &StandIn| stand_in.calls().into_iter().find(|c| c.method == "PATCH" && c.path == original);
    wait_for("the edited answer", || edited(&stand_in).is_some());
    let edit = edited(&stand_in).expect("an edit").body;
    assert!(edit["content"].as_str().is_some_and(|c| c.contains("alice checked in: day 1")), "{edit}");
    assert_eq!(edit["allowed_mentions"]["parse"], json!([]), "{edit}");
    // The private one replaces the public deferral with an ephemeral follow-up.
    let followed_up = |stand_in: &StandIn| {
        stand_in.calls().into_iter().find(|c| c.method == "POST" && c.path.split('?').next() == Some(webhook.as_str()))
    };
    wait_for("the private follow-up", || followed_up(&stand_in).is_some());
    let followup = followed_up(&stand_in).expect("a follow-up").body;
    assert_eq!(followup["flags"].as_u64().map(|f| f & 64), Some(64), "{followup}");
    assert!(stand_in.calls().iter().any(|c| c.method == "DELETE" && c.path == original));
    let _ = std::fs::remove_dir_all(&bot.dir);
}

#[test]
fn two_processes_split_two_shards_and_each_identifies_with_its_own() {
    let stand_in = StandIn::start(&[GUILD]);
    // Tokens of their own, so that the stand-in tells the processes apart.
    let first_env = [("HEARTH_DISCORD_SHARDS", "0-0/2"), ("DISCORD_TOKEN", "token-of-the-first")];
    let second_env = [("HEARTH_DISCORD_SHARDS", "1-1/2"), ("DISCORD_TOKEN", "token-of-the-second")];
    let first = Bot::launch(fresh("shards-0"), &stand_in, false, &first_env);
    let second = Bot::launch(fresh("shards-1"), &stand_in, false, &second_env);
    let shards_of = |token: &str| {
        let token = json!(format!("Bot {token}"));
        let identified = stand_in.identified();
        identified.iter().filter(|i| i["token"] == token).map(|i| i["shard"].clone()).collect::<Vec<_>>()
    };
    // The second waits one slot (6 s) for shard 0, which goes first. serenity
    // starts a range's shards 5 s apart, so a first process that ran both
    // would have sent shard 1 by then.
    wait_for("the second process's IDENTIFY", || !shards_of("token-of-the-second").is_empty());
    wait_for("the first process's IDENTIFY", || !shards_of("token-of-the-first").is_empty());
    assert_eq!(shards_of("token-of-the-first"), [json!([0, 2])]);
    assert_eq!(shards_of("token-of-the-second"), [json!([1, 2])]);
    assert!(
        first.logged(&["starting the Discord gateway shards", "shards=0-0/2", "wait_seconds=0"]),
        "{}",
        first.log()
    );
    assert!(
        second.logged(&["starting the Discord gateway shards", "shards=1-1/2", "wait_seconds=6"]),
        "{}",
        second.log()
    );
    let _ = std::fs::remove_dir_all(&first.dir);
    let _ = std::fs::remove_dir_all(&second.dir);
}

#[test]
fn a_failing_gateway_start_never_logs_the_token() {
    // REST and the gateway are unreachable: a closed port.
    let closed = free_port();
    let dir = scratch("discord-unreachable");
    std::fs::write(dir.join("hearth.toml"), CONFIG).expect("config");
    let child = Command::new(env!("CARGO_BIN_EXE_hearth"))
        .arg("run")
        .current_dir(root())
        .env_remove("TELEGRAM_TOKEN")
        .env_remove("DISCORD_PUBLIC_KEY")
        .env_remove("HEARTH_HTTP_ADDR")
        .env("DISCORD_TOKEN", TOKEN)
        .env("DISCORD_API_URL", format!("http://127.0.0.1:{closed}"))
        .env("HEARTH_CONFIG", dir.join("hearth.toml"))
        .env("HEARTH_DATABASE_URL", format!("sqlite://{}", dir.join("hearth.db").display()))
        .env("RUST_LOG", "trace")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(dir.join("hearth.log")).expect("log file"))
        .spawn()
        .expect("start hearth");
    let _running = Running(child);
    let log = || std::fs::read_to_string(dir.join("hearth.log")).unwrap_or_default();
    wait_for("the gateway failure and the command registration failure", || {
        let log = log();
        log.contains("the Discord gateway failed") && log.contains("registering Discord slash commands failed")
    });
    assert!(!log().contains(TOKEN), "the token reached the log");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Runs `work` while another process (a backup, an admin's sqlite3 shell)
/// holds the write lock on the database in `dir`: the engine cannot answer
/// until it is released.
fn hold_write_lock(dir: &Path, work: impl FnOnce()) {
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    let url = format!("sqlite://{}", dir.join("hearth.db").display());
    let store = runtime.block_on(hearth_bot::store::Store::connect(&url)).expect("open the database");
    let mut writer = runtime.block_on(store.writer()).expect("the writer connection");
    let lock = runtime.block_on(hearth_bot::store::WriteTx::begin(&mut writer)).expect("take the write lock");
    work();
    runtime.block_on(lock.commit()).expect("release the lock");
    drop(writer);
    runtime.block_on(store.close());
}

#[test]
fn a_slow_answer_over_http_is_deferred_and_filled_in() {
    let stand_in = StandIn::start(&[GUILD]);
    let bot = Bot::launch(fresh("deferred-http"), &stand_in, true, &[QUICK_DEFER]);
    let alice = ("53908232506183680", "alice");
    let mut checkin = slash(71, alice, MEMBER, json!({"id": "9", "name": "checkin", "type": 1}));
    checkin["token"] = json!("checkin-token");
    let mut streak = slash(72, alice, MEMBER, json!({"id": "9", "name": "streak", "type": 1}));
    streak["token"] = json!("streak-token");

    hold_write_lock(&bot.dir, || {
        // Each POST is answered well within Discord's 3 s, with a deferral.
        let (answers, arrived) = std::sync::mpsc::channel();
        for interaction in [&checkin, &streak] {
            let body = interaction.to_string();
            let headers = bot.signed_headers(&bot.key, &body);
            let (answers, port) = (answers.clone(), bot.port);
            std::thread::spawn(move || {
                let headers: Vec<(&str, &str)> = headers.iter().map(|(name, value)| (*name, value.as_str())).collect();
                let _ = answers.send(http(port, "POST", "/discord/interactions", &headers, &body));
            });
        }
        for _ in 0..2 {
            let (status, body) = arrived.recv_timeout(Duration::from_millis(2500)).expect("an answer within 2.5 s");
            assert_eq!((status, body.as_str()), (200, r#"{"type":5}"#));
        }
    });

    // The public answer edits the deferral in place.
    let webhook = |token: &str| format!("/api/v10/webhooks/{APPLICATION}/{token}");
    let original = |token: &str| format!("{}/messages/@original", webhook(token));
    let call = |method: &str, path: &str| {
        stand_in.calls().into_iter().find(|c| c.method == method && c.path.split('?').next() == Some(path))
    };
    wait_for("the edited answer", || call("PATCH", &original("checkin-token")).is_some());
    let edit = call("PATCH", &original("checkin-token")).expect("an edit").body;
    assert!(edit["content"].as_str().is_some_and(|c| c.contains("alice checked in: day 1")), "{edit}");
    assert_eq!(edit["allowed_mentions"]["parse"], json!([]), "{edit}");
    // The private one replaces the public deferral with an ephemeral follow-up.
    wait_for("the private follow-up", || call("POST", &webhook("streak-token")).is_some());
    let followup = call("POST", &webhook("streak-token")).expect("a follow-up").body;
    assert_eq!(followup["flags"].as_u64().map(|f| f & 64), Some(64), "{followup}");
    assert!(call("DELETE", &original("streak-token")).is_some());
    assert_eq!(exported_balances(&bot.dir, "rustaceans").get("alice"), Some(&10));
    let _ = std::fs::remove_dir_all(&bot.dir);
}

#[test]
fn a_signature_timestamp_that_is_not_recent_gets_401() {
    let stand_in = StandIn::start(&[GUILD]);
    let bot = Bot::start("timestamps", &stand_in);
    let alice = ("53908232506183680", "alice");
    let now = unix_now();
    let thirty_days_ago = (now - 30 * 24 * 60 * 60).to_string();
    let six_minutes_ago = (now - 6 * 60).to_string();
    let two_minutes_ahead = (now + 2 * 60).to_string();
    // Each correctly signed over its timestamp, and each a new interaction.
    let refused = [thirty_days_ago.as_str(), six_minutes_ago.as_str(), two_minutes_ahead.as_str(), "0", "abc", ""];
    for (n, timestamp) in refused.iter().enumerate() {
        let checkin = slash(81 + n as u64, alice, MEMBER, json!({"id": "9", "name": "checkin", "type": 1}));
        let body = checkin.to_string();
        let (status, answer) = bot.post(&body, &signed_at(&bot.key, &body, timestamp));
        assert_eq!(status, 401, "timestamp {timestamp:?}: {answer}");
    }
    // Nothing ran: alice's first check-in is still to come. Four minutes old is recent enough.
    let checkin = slash(90, alice, MEMBER, json!({"id": "9", "name": "checkin", "type": 1}));
    let body = checkin.to_string();
    let (status, answer) = bot.post(&body, &signed_at(&bot.key, &body, &(now - 4 * 60).to_string()));
    assert_eq!(status, 200);
    assert!(content(&answer).contains("alice checked in: day 1"), "{answer}");
    let _ = std::fs::remove_dir_all(&bot.dir);
}

/// `/post reminder` from an admin.
fn post_reminder(id: u64, who: (&str, &str)) -> Value {
    slash(
        id,
        who,
        ADMIN,
        json!({"id": "9", "name": "post", "type": 1, "options": [{"name": "schedule", "type": 3, "value": "reminder"}]}),
    )
}

#[test]
fn a_replayed_interaction_runs_nothing_and_posts_nothing() {
    let stand_in = StandIn::start(&[GUILD]);
    let bot = Bot::start("replay", &stand_in);
    let alice = ("53908232506183680", "alice");
    let already_seen = json!({"type": 5, "data": {"flags": 64}});

    // A check-in, then the very same POST again: a private deferral, nothing run.
    let checkin = slash(101, alice, MEMBER, json!({"id": "9", "name": "checkin", "type": 1}));
    let body = checkin.to_string();
    let headers = bot.signed_headers(&bot.key, &body);
    assert!(content(&bot.post(&body, &headers).1).contains("alice checked in: day 1"));
    assert_eq!(bot.post(&body, &headers), (200, already_seen.clone()));

    // Alice asks to be forgotten, comes back, and the old confirmation is replayed.
    let confirm = slash(
        102,
        alice,
        MEMBER,
        json!({"id": "9", "name": "forgetme", "type": 1, "options": [{"name": "confirm", "type": 1}]}),
    );
    let body = confirm.to_string();
    let headers = bot.signed_headers(&bot.key, &body);
    assert_eq!(bot.post(&body, &headers).0, 200);
    let again = slash(103, alice, MEMBER, json!({"id": "9", "name": "checkin", "type": 1}));
    assert!(content(&bot.send(&again).1).contains("alice checked in"));
    assert_eq!(bot.post(&body, &headers), (200, already_seen.clone()));
    assert_eq!(exported_balances(&bot.dir, "rustaceans").get("alice"), Some(&10), "alice was not forgotten twice");

    // A /post replayed (re-signed, same id) is not posted again: the next
    // post goes out after it, in outbox order, and is the second message.
    let post = post_reminder(104, alice).to_string();
    assert!(content(&bot.post(&post, &bot.signed_headers(&bot.key, &post)).1).contains("Posted reminder"));
    assert_eq!(bot.post(&post, &bot.signed_headers(&bot.key, &post)), (200, already_seen));
    let topic = slash(
        105,
        alice,
        ADMIN,
        json!({"id": "9", "name": "post", "type": 1, "options": [{"name": "schedule", "type": 3, "value": "daily-topic"}]}),
    );
    assert!(content(&bot.send(&topic).1).contains("Posted daily-topic"));
    let has_topic = |m: &Recorded| text_of(&m.body).contains("What did you ship this week?");
    wait_for("the topic post", || messages_in(&stand_in, CHANNEL).iter().any(has_topic));
    let posts = messages_in(&stand_in, CHANNEL);
    assert_eq!(posts.len(), 2, "{posts:?}");
    assert!(has_topic(&posts[1]), "{posts:?}");
    assert!(bot.logged(&["an interaction seen before; not run again", "interaction=104"]));
    let _ = std::fs::remove_dir_all(&bot.dir);
}

#[test]
fn a_redelivered_gateway_interaction_is_not_announced_again() {
    let stand_in = StandIn::start(&[GUILD]);
    let bot = Bot::gateway_only("redelivered", &stand_in);
    wait_for("IDENTIFY", || !stand_in.identified().is_empty());
    let alice = ("53908232506183680", "alice");

    stand_in.dispatch("INTERACTION_CREATE", post_reminder(111, alice));
    assert!(content(&callback(&stand_in, 111)).contains("Posted reminder"));
    wait_for("the reminder post", || messages_in(&stand_in, CHANNEL).len() == 1);
    // The same interaction again (a resumed session replaying it): set aside
    // before anything runs, so no second answer and no second post.
    stand_in.dispatch("INTERACTION_CREATE", post_reminder(111, alice));
    let set_aside = || bot.logged(&["an interaction seen before; not run again", "interaction=111"]);
    wait_for("the repeat set aside (or answered)", || set_aside() || callbacks(&stand_in, 111).len() > 1);
    assert_eq!(callbacks(&stand_in, 111).len(), 1);
    assert_eq!(messages_in(&stand_in, CHANNEL).len(), 1);
    let _ = std::fs::remove_dir_all(&bot.dir);
}

#[test]
fn posts_for_a_guild_the_bot_was_removed_from_are_not_sent() {
    let stand_in = StandIn::start(&[GUILD]);
    let bot = Bot::gateway_only("removed", &stand_in);
    wait_for("IDENTIFY", || !stand_in.identified().is_empty());
    let alice = ("53908232506183680", "alice");

    // The bot is kicked from the guild (GUILD_DELETE without `unavailable`).
    stand_in.dispatch("GUILD_DELETE", json!({"id": GUILD}));
    wait_for("the removal recorded", || bot.logged(&["recorded a guild removal", GUILD]));
    // A post queued after that fails for good without a request to Discord.
    stand_in.dispatch("INTERACTION_CREATE", post_reminder(121, alice));
    callback(&stand_in, 121);
    let given_up = || bot.logged(&["the bot was removed from the guild; not posting"]);
    wait_for("the post given up (or sent)", || given_up() || !messages_in(&stand_in, CHANNEL).is_empty());
    assert!(messages_in(&stand_in, CHANNEL).is_empty(), "{:?}", messages_in(&stand_in, CHANNEL));
    let _ = std::fs::remove_dir_all(&bot.dir);
}

#[test]
fn the_digest_is_an_embed_showing_its_chart_attached_to_the_message() {
    let stand_in = StandIn::start(&[GUILD]);
    let dir = scratch("discord-digest");
    let config =
        format!("{CONFIG}\n[[community.schedule]]\nid = \"digest\"\ncron = \"0 10 1 1 *\"\naction = \"digest\"\n");
    std::fs::write(dir.join("hearth.toml"), config).expect("config");
    let bot = Bot::launch(dir, &stand_in, true, &[]);
    let alice = ("80351110224678912", "alice");
    let post = slash(
        1,
        alice,
        ADMIN,
        json!({"id": "9", "name": "post", "type": 1, "options": [{"name": "schedule", "type": 3, "value": "digest"}]}),
    );
    let (status, answer) = bot.send(&post);
    assert_eq!(status, 200);
    assert!(content(&answer).contains("Posted digest"), "{answer}");
    wait_for("the digest's delivery to be recorded", || bot.logged(&["a delivery recorded"]));

    let posted = |r: &Recorded| r.method == "POST" && r.path == format!("/api/v10/channels/{CHANNEL}/messages");
    let posts: Vec<Recorded> = stand_in.calls().into_iter().filter(posted).collect();
    assert_eq!(posts.len(), 1, "{posts:?}");
    let (message, files) = (&posts[0].body, &posts[0].files);
    // Multipart: the message as payload_json, the PNG as files[0].
    assert_eq!(files.len(), 1, "{message}");
    let file = &files[0];
    assert_eq!(file.field, "files[0]");
    assert!(file.filename.starts_with("digest-") && file.filename.ends_with(".png"), "{}", file.filename);
    assert_eq!(file.content_type.as_deref(), Some("image/png"));
    assert_eq!(&file.data[..8], b"\x89PNG\r\n\x1a\n");
    assert_eq!(u32::from_be_bytes(file.data[16..20].try_into().unwrap()), 1000);
    let embeds = message["embeds"].as_array().expect("embeds");
    assert!(embeds[0]["description"].as_str().is_some_and(|d| d.starts_with("**📰 Rustaceans this week")), "{message}");
    assert_eq!(embeds.last().unwrap()["image"]["url"], format!("attachment://{}", file.filename));
    assert_eq!(message["attachments"][0]["filename"], file.filename.as_str());
    assert!(message["attachments"][0]["description"].as_str().is_some_and(|d| d.starts_with("Check-ins per day")));
    assert_eq!(message["allowed_mentions"]["parse"], json!([]));
    let _ = std::fs::remove_dir_all(&bot.dir);
}

//! The Telegram webhook as Telegram uses it: the test POSTs updates itself
//! (as Telegram would, with the registered secret) to the real binary, which
//! talks to the Bot API stand-in for everything else.
//!
//! - kill -9 and SIGTERM at random points in bursts of /checkin and /give
//!   across several chats; every update that was not answered 200 is
//!   delivered again (and some that were, as Telegram may): every update is
//!   applied exactly once and no update is answered twice;
//! - the same with two and three processes on one PostgreSQL behind one
//!   URL, the updates spread across them, one killed -9 per burst and the
//!   retries going to a survivor;
//! - one chat flooded: another chat's /checkin is answered at once.
//!
//! `HEARTH_WEBHOOK_TRIALS=500 cargo test --workspace --test webhook` is the long mode (the
//! PostgreSQL trials run 5 by default, the SQLite one 50).

use std::collections::{BTreeMap, BTreeSet};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use sqlx::postgres::PgPoolOptions;
use sqlx::sqlite::SqlitePoolOptions;

mod common;
mod telegram_stand_in;
use common::{Running, WAIT, free_port, http, scratch, wait_for};
use telegram_stand_in::{StandIn, TOKEN, start_hearth};

/// Four communities, one group chat each.
const CHATS: [i64; 4] = [-11, -12, -13, -14];

fn config() -> String {
    let mut config = String::new();
    for (i, chat) in CHATS.iter().enumerate() {
        config.push_str(&format!(
            "[[community]]\nid = \"c{i}\"\nname = \"C{i}\"\ntimezone = \"Europe/Berlin\"\ntelegram = {{ chat_id = {chat} }}\n\
             [community.points]\ngive_allowance = 1000\ngive_max = 5\n\n"
        ));
    }
    config
}

/// A small deterministic generator, so a failing run can be replayed.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

fn now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

fn user(id: i64) -> Value {
    json!({"id": id, "is_bot": false, "first_name": format!("m{id}")})
}

fn group(id: i64) -> Value {
    json!({"id": id, "type": "group", "title": "A group"})
}

/// The member each chat's gives go to (user id = 1000 + chat index).
fn receiver(chat_index: usize) -> i64 {
    1000 + chat_index as i64
}

/// Update `id` in `chat`: a /checkin by a member of its own, or a /give of
/// 1..=5 points to the chat's receiver (a reply to one of their messages).
fn update(id: i64, chat_index: usize, give: bool) -> Value {
    let chat = CHATS[chat_index];
    if give {
        let original = json!({"message_id": 1, "from": user(receiver(chat_index)), "chat": group(chat), "date": now(), "text": "hi"});
        json!({"update_id": id, "message": {
            "message_id": id, "from": user(100_000 + id), "chat": group(chat), "date": now(),
            "text": format!("/give {}", id % 5 + 1), "reply_to_message": original,
        }})
    } else {
        json!({"update_id": id, "message": {
            "message_id": id, "from": user(100_000 + id), "chat": group(chat), "date": now(), "text": "/checkin",
        }})
    }
}

/// hearth in webhook mode on `port`; returns once the new secret is
/// registered and the listener is up, with that secret.
fn start(api: &StandIn, dir: &Path, port: u16, throttled: bool) -> (Running, String) {
    start_on(api, dir, port, throttled, None)
}

/// `start` on `database` (a URL) instead of the SQLite file in `dir`.
fn start_on(api: &StandIn, dir: &Path, port: u16, throttled: bool, database: Option<&str>) -> (Running, String) {
    let registered = api.log()["setWebhook"].as_array().map_or(0, Vec::len);
    let mut env = vec![
        ("HEARTH_HTTP_ADDR", format!("127.0.0.1:{port}")),
        ("TELEGRAM_WEBHOOK_URL", format!("http://127.0.0.1:{port}/telegram/webhook")),
        ("HEARTH_TELEGRAM_THROTTLE", if throttled { "on" } else { "off" }.to_string()),
        ("RUST_LOG", "warn".to_string()),
    ];
    if let Some(url) = database {
        env.push(("HEARTH_DATABASE_URL", url.to_string()));
    }
    let hearth = start_hearth(api, dir, &env);
    wait_for("setWebhook", || api.log()["setWebhook"].as_array().map_or(0, Vec::len) > registered);
    let secret = api.log()["setWebhook"][registered]["secret_token"].as_str().expect("a secret").to_string();
    wait_for("the HTTP listener", || TcpStream::connect(("127.0.0.1", port)).is_ok());
    (hearth, secret)
}

/// POSTs one update; its HTTP status, or None when the connection failed.
fn deliver(port: u16, secret: &str, update: &Value) -> Option<u16> {
    let body = update.to_string();
    let request = format!(
        "POST /telegram/webhook HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
         X-Telegram-Bot-Api-Secret-Token: {secret}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    use std::io::{Read, Write};
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    stream.write_all(request.as_bytes()).ok()?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer).ok()?;
    answer.split(' ').nth(1)?.parse().ok()
}

/// Every message the bot sent to `chat` since the last call (the stand-in
/// hands each out once).
fn sent_to(api: &StandIn, chat: i64) -> Vec<Value> {
    let batch = api.post("/getUpdates", json!({"token": TOKEN, "chatId": chat}));
    batch["result"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .map(|stored| stored["message"].clone())
        .collect()
}

/// Counts, per replied-to message id, the bot's replies in every chat.
fn count_replies(api: &StandIn, replies: &mut BTreeMap<i64, usize>) {
    for chat in CHATS {
        for message in sent_to(api, chat) {
            if let Some(id) = message["reply_parameters"]["message_id"].as_i64() {
                *replies.entry(id).or_default() += 1;
            }
        }
    }
}

fn sigterm(hearth: &mut Running) {
    let pid = hearth.0.id().to_string();
    let status = Command::new("kill").args(["-TERM", &pid]).status().expect("kill -TERM");
    assert!(status.success());
}

/// Waits for the process to end; `limit` bounds a graceful stop.
fn wait_exit(hearth: &mut Running, limit: Duration) -> bool {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if hearth.0.try_wait().ok().flatten().is_some() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}

#[test]
fn acknowledged_updates_survive_kill_9_and_sigterm_and_apply_once() {
    let trials = trials_from_env(50);
    let dir = scratch("webhook-crash");
    let outcome = interrupted_bursts(&dir, None, 1, trials);
    eprintln!("webhook crash on SQLite: {outcome}");
    assert!(outcome.kills > 0 && outcome.terms > 0);
    let _ = std::fs::remove_dir_all(dir);
}

/// Several `hearth run` processes on one PostgreSQL behind one webhook URL:
/// a load balancer hands each update to any of them; one is killed (-9)
/// mid-burst; Telegram delivers what got no 200 to a survivor, and now and
/// then an update that did get one; the killed process comes back.
fn processes_on_postgres_survive_kill_9(processes: usize) {
    let cluster = match hearth_testkit::PgCluster::start(hearth_testkit::PgOptions::for_tests()) {
        Ok(Some(cluster)) => cluster,
        Ok(None) => return println!("skipped: no PostgreSQL"),
        Err(error) => panic!("starting PostgreSQL: {error:#}"),
    };
    let database = cluster.create_database().expect("a database");
    let dir = scratch(&format!("webhook-pg-kill-{processes}"));
    let outcome = interrupted_bursts(&dir, Some(&database), processes, trials_from_env(5));
    eprintln!("webhook kill -9 on PostgreSQL, {processes} processes: {outcome}");
    assert!(outcome.kills > 0);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn on_postgres_two_processes_killed_mid_burst_lose_and_double_nothing() {
    processes_on_postgres_survive_kill_9(2);
}

#[test]
fn on_postgres_three_processes_killed_mid_burst_lose_and_double_nothing() {
    processes_on_postgres_survive_kill_9(3);
}

/// `HEARTH_WEBHOOK_TRIALS`, else `default`.
fn trials_from_env(default: u64) -> u64 {
    std::env::var("HEARTH_WEBHOOK_TRIALS").ok().and_then(|s| s.parse().ok()).unwrap_or(default)
}

/// What a run of interrupted bursts did; every check passed.
struct Outcome {
    trials: u64,
    kills: usize,
    terms: usize,
    updates: usize,
    gives: usize,
    checkins: usize,
    answered: usize,
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} trials ({} kill -9, {} SIGTERM), {} updates ({} gives, {} check-ins), {} answered, 0 lost, 0 doubled",
            self.trials, self.kills, self.terms, self.updates, self.gives, self.checkins, self.answered
        )
    }
}

/// `processes` webhook processes behind one URL, each on its port, all on
/// one database: `database`, or with one process the SQLite file in `dir`.
struct Fleet<'a> {
    api: &'a StandIn,
    database: Option<&'a str>,
    /// Per process: its directory (config and log), port, and the running child.
    dirs: Vec<PathBuf>,
    ports: Vec<u16>,
    running: Vec<Option<Running>>,
}

impl<'a> Fleet<'a> {
    fn new(api: &'a StandIn, dir: &Path, database: Option<&'a str>, processes: usize) -> Self {
        let dirs: Vec<PathBuf> = (0..processes)
            .map(|i| {
                let own = if processes == 1 { dir.to_path_buf() } else { dir.join(format!("p{i}")) };
                std::fs::create_dir_all(&own).expect("process dir");
                std::fs::write(own.join("hearth.toml"), config()).expect("config");
                own
            })
            .collect();
        let ports = (0..processes).map(|_| free_port()).collect();
        Fleet { api, database, dirs, ports, running: (0..processes).map(|_| None).collect() }
    }

    /// Starts process `i`; the webhook secret (one per bot token, so the same for all).
    fn start(&mut self, i: usize) -> String {
        let (running, secret) = start_on(self.api, &self.dirs[i], self.ports[i], false, self.database);
        self.running[i] = Some(running);
        secret
    }

    fn running(&self) -> Vec<usize> {
        (0..self.running.len()).filter(|i| self.running[*i].is_some()).collect()
    }

    fn url(&self) -> String {
        match self.database {
            Some(url) => url.to_string(),
            None => format!("sqlite://{}", self.dirs[0].join("hearth.db").display()),
        }
    }
}

/// Bursts of /checkin and /give across the chats, spread over the
/// processes; each burst ends with one process killed -9 (or, with
/// `processes == 1`, now and then stopped with SIGTERM) at a random point.
/// Every update that got no 200 is delivered again (to a survivor when
/// there is one), and now and then one that did, as Telegram may. At the
/// end: every update applied exactly once, none answered twice, totals
/// equal the ledger sums.
fn interrupted_bursts(dir: &Path, database: Option<&str>, processes: usize, trials: u64) -> Outcome {
    let api = StandIn::start();
    let mut fleet = Fleet::new(&api, dir, database, processes);
    let mut random = Lcg(15 + processes as u64);
    let mut next_id: i64 = 1;
    // Every update made, and the ones Telegram still has to deliver (no 200 yet).
    let mut updates: BTreeMap<i64, Value> = BTreeMap::new();
    let mut undelivered: BTreeSet<i64> = BTreeSet::new();
    let mut replies: BTreeMap<i64, usize> = BTreeMap::new();
    let (mut kills, mut terms, mut unclean_terms) = (0, 0, 0);

    let secret = fleet.start(0);
    for i in 1..processes {
        assert_eq!(fleet.start(i), secret, "every process registers the same secret");
    }
    // The receivers check in first, so gives can name them.
    for chat_index in 0..CHATS.len() {
        let mut first = update(next_id, chat_index, false);
        first["message"]["from"] = user(receiver(chat_index));
        assert_eq!(deliver(fleet.ports[0], &secret, &first), Some(200));
        updates.insert(next_id, first);
        next_id += 1;
    }

    for _ in 0..trials {
        for i in 0..processes {
            if fleet.running[i].is_none() {
                fleet.start(i);
            }
        }
        // Telegram delivers again what got no 200, and now and then one that did.
        let mut burst: Vec<i64> = undelivered.iter().copied().collect();
        burst.push(1 + random.below(next_id as u64 - 1) as i64);
        for _ in 0..12 * processes {
            let chat_index = random.below(CHATS.len() as u64) as usize;
            updates.insert(next_id, update(next_id, chat_index, random.below(2) == 0));
            undelivered.insert(next_id);
            burst.push(next_id);
            next_id += 1;
        }
        // One sender per chat, in order, as Telegram does; chats side by
        // side; each update to whichever process the balancer picks.
        let mut per_chat: BTreeMap<i64, Vec<(i64, Value, u16)>> = BTreeMap::new();
        for id in burst {
            let body = updates[&id].clone();
            let port = fleet.ports[random.below(processes as u64) as usize];
            per_chat.entry(body["message"]["chat"]["id"].as_i64().expect("chat")).or_default().push((id, body, port));
        }
        let senders: Vec<_> = per_chat
            .into_values()
            .map(|queue| {
                let secret = secret.clone();
                std::thread::spawn(move || {
                    queue.into_iter().map(|(id, body, port)| (id, deliver(port, &secret, &body))).collect::<Vec<_>>()
                })
            })
            .collect();
        std::thread::sleep(Duration::from_millis(random.below(120)));
        let victim = random.below(processes as u64) as usize;
        let mut hearth = fleet.running[victim].take().expect("running");
        if processes > 1 || random.below(2) == 0 {
            hearth.0.kill().expect("kill -9");
            let _ = hearth.0.wait();
            kills += 1;
        } else {
            sigterm(&mut hearth);
            terms += 1;
            if !wait_exit(&mut hearth, Duration::from_secs(25)) {
                unclean_terms += 1;
            }
        }
        for sender in senders {
            for (id, status) in sender.join().expect("sender") {
                if status == Some(200) {
                    undelivered.remove(&id);
                }
            }
        }
        drop(hearth);
        // With the victim down, Telegram's retries reach a survivor.
        let survivors = fleet.running();
        if !survivors.is_empty() {
            let mut retries: Vec<i64> = undelivered.iter().copied().collect();
            retries.push(1 + random.below(next_id as u64 - 1) as i64);
            for id in retries {
                let port = fleet.ports[survivors[random.below(survivors.len() as u64) as usize]];
                if deliver(port, &secret, &updates[&id]) == Some(200) {
                    undelivered.remove(&id);
                }
            }
        }
        count_replies(&api, &mut replies);
    }

    // Every process back, without interruptions: Telegram delivers the rest.
    for i in 0..processes {
        if fleet.running[i].is_none() {
            fleet.start(i);
        }
    }
    let deadline = Instant::now() + WAIT;
    while let Some(&id) = undelivered.iter().next() {
        assert!(Instant::now() < deadline, "updates still refused: {undelivered:?}");
        let port = fleet.ports[random.below(processes as u64) as usize];
        if deliver(port, &secret, &updates[&id]) == Some(200) {
            undelivered.remove(&id);
        }
    }
    let url = fleet.url();
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    // The pools below close on drop, which needs the runtime.
    let _context = runtime.enter();
    let database = runtime.block_on(Database::connect(&url));
    let count = |sql: &'static str| -> i64 { runtime.block_on(database.count(sql)) };
    wait_for("the inbox to empty", || count("SELECT count(*) FROM inbox WHERE done_at IS NULL") == 0);
    std::thread::sleep(Duration::from_millis(300));
    count_replies(&api, &mut replies);

    let gives: Vec<i64> = updates
        .iter()
        .filter(|(_, u)| u["message"]["text"].as_str().is_some_and(|t| t.starts_with("/give")))
        .map(|(id, _)| *id)
        .collect();
    let checkins = updates.len() - gives.len();
    let keys = runtime.block_on(database.texts("SELECT idempotency_key FROM ledger WHERE kind = 'peer_award'"));
    let mut applied: BTreeMap<String, usize> = BTreeMap::new();
    for key in keys {
        *applied.entry(key).or_default() += 1;
    }
    for id in &gives {
        assert_eq!(applied.get(&format!("give:telegram:{id}")), Some(&1), "give {id} applied {applied:?}");
    }
    assert_eq!(applied.len(), gives.len(), "gives applied that were never sent");
    // One check-in per member (each update has a member of its own), none twice.
    assert_eq!(count("SELECT count(*) FROM checkins") as usize, checkins);
    assert_eq!(count("SELECT count(DISTINCT member_id) FROM checkins") as usize, checkins);
    let twice: Vec<_> = replies.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "updates answered more than once: {twice:?}");
    let store = runtime.block_on(hearth_bot::store::Store::connect(&url)).expect("store");
    assert!(runtime.block_on(store.check_totals()).expect("totals").is_empty(), "totals equal the ledger sums");
    assert_eq!(unclean_terms, 0, "a SIGTERM stop took longer than its bound");
    Outcome { trials, kills, terms, updates: updates.len(), gives: gives.len(), checkins, answered: replies.len() }
}

/// The test's own connection to the processes' database, for counting.
enum Database {
    Sqlite(sqlx::SqlitePool),
    Postgres(sqlx::PgPool),
}

impl Database {
    async fn connect(url: &str) -> Database {
        if url.starts_with("sqlite:") {
            Database::Sqlite(SqlitePoolOptions::new().connect(url).await.expect("SQLite"))
        } else {
            Database::Postgres(PgPoolOptions::new().max_connections(2).connect(url).await.expect("PostgreSQL"))
        }
    }

    async fn count(&self, sql: &'static str) -> i64 {
        let (n,): (i64,) = match self {
            Database::Sqlite(pool) => sqlx::query_as(sql).fetch_one(pool).await,
            Database::Postgres(pool) => sqlx::query_as(sql).fetch_one(pool).await,
        }
        .expect(sql);
        n
    }

    async fn texts(&self, sql: &'static str) -> Vec<String> {
        let rows: Vec<(String,)> = match self {
            Database::Sqlite(pool) => sqlx::query_as(sql).fetch_all(pool).await,
            Database::Postgres(pool) => sqlx::query_as(sql).fetch_all(pool).await,
        }
        .expect(sql);
        rows.into_iter().map(|(text,)| text).collect()
    }
}

#[test]
fn a_flooded_chat_is_refused_alone_and_another_chat_is_answered_at_once() {
    let dir = scratch("webhook-flood");
    std::fs::write(dir.join("hearth.toml"), config()).expect("config");
    let api = StandIn::start();
    let port = free_port();
    // Telegram's real limits: each reply in the flooded chat waits its turn.
    let (_hearth, secret) = start(&api, &dir, port, true);

    // 1,200 /checkin updates in chat -11, from 4 senders at once.
    let senders: Vec<_> = (0..4)
        .map(|sender| {
            let secret = secret.clone();
            std::thread::spawn(move || {
                let mut statuses = BTreeMap::new();
                for i in 0..300 {
                    let id = 10_000 + sender * 300 + i;
                    *statuses.entry(deliver(port, &secret, &update(id, 0, false))).or_insert(0) += 1;
                }
                statuses
            })
        })
        .collect();
    let mut statuses: BTreeMap<Option<u16>, usize> = BTreeMap::new();
    for sender in senders {
        for (status, n) in sender.join().expect("sender") {
            *statuses.entry(status).or_default() += n;
        }
    }
    let accepted = statuses.get(&Some(200)).copied().unwrap_or(0);
    let refused = statuses.get(&Some(503)).copied().unwrap_or(0);
    assert_eq!(accepted + refused, 1200, "{statuses:?}");
    assert!(refused > 0 && accepted <= hearth_telegram::MOST_WAITING_PER_CHAT + 30, "{statuses:?}");
    // Every 503 was for the full chat, and `/metrics` counts them.
    let (_, metrics) = http(port, "GET", "/metrics", &[], "");
    let chat_full = format!("hearth_telegram_webhook_refused_total{{reason=\"chat_full\"}} {refused}");
    assert!(metrics.lines().any(|line| line == chat_full), "no {chat_full:?} in:\n{metrics}");

    // Meanwhile, another community's chat: answered within 2 s.
    let asked = Instant::now();
    assert_eq!(deliver(port, &secret, &update(50_000, 1, false)), Some(200));
    let answer = loop {
        if let Some(answer) = sent_to(&api, CHATS[1]).into_iter().next() {
            break answer;
        }
        assert!(asked.elapsed() < Duration::from_secs(2), "the other chat waited over 2 s");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(answer["text"].as_str().is_some_and(|t| t.contains("checked in")), "{answer}");
    assert_eq!(http(port, "GET", "/healthz", &[], ""), (200, "ok".to_string()));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_flood_in_an_unlinked_chat_gets_one_hint_and_holds_up_nobody() {
    let dir = scratch("webhook-unlinked");
    std::fs::write(dir.join("hearth.toml"), config()).expect("config");
    let api = StandIn::start();
    let port = free_port();
    let (_hearth, secret) = start(&api, &dir, port, true);
    const STRANGERS: i64 = -99;
    let mut refused = 0;
    for i in 0..1200 {
        let mut flood = update(20_000 + i, 0, false);
        flood["message"]["chat"] = group(STRANGERS);
        refused += usize::from(deliver(port, &secret, &flood) != Some(200));
    }
    let asked = Instant::now();
    assert_eq!(deliver(port, &secret, &update(60_000, 2, false)), Some(200));
    loop {
        if !sent_to(&api, CHATS[2]).is_empty() {
            break;
        }
        assert!(asked.elapsed() < Duration::from_secs(2), "the linked chat waited over 2 s");
        std::thread::sleep(Duration::from_millis(20));
    }
    let hints = sent_to(&api, STRANGERS);
    assert_eq!(hints.len(), 1, "{hints:#?}");
    assert!(hints[0]["text"].as_str().is_some_and(|t| t.contains("chat_id = -99")), "{}", hints[0]);
    assert!(refused < 1200, "the flood was refused whole");
    let _ = std::fs::remove_dir_all(dir);
}

/// The HTTP listener's limits (`src/http.rs`): 10 s for a request's headers
/// (and for an idle keep-alive connection), 10 s for its body.
const CLIENT_TIMEOUT: Duration = Duration::from_secs(10);

/// Reads until the server closes the connection or `deadline` passes; what
/// was read, and whether it closed.
fn read_until_closed(stream: &mut TcpStream, deadline: Instant) -> (String, bool) {
    use std::io::Read;
    let mut answer = Vec::new();
    let mut buffer = [0u8; 1024];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return (String::from_utf8_lossy(&answer).into_owned(), false);
        }
        stream.set_read_timeout(Some(left)).expect("read timeout");
        match stream.read(&mut buffer) {
            Ok(0) => return (String::from_utf8_lossy(&answer).into_owned(), true),
            Ok(n) => answer.extend_from_slice(&buffer[..n]),
            Err(error) if matches!(error.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {
                return (String::from_utf8_lossy(&answer).into_owned(), false);
            }
            Err(_) => return (String::from_utf8_lossy(&answer).into_owned(), true),
        }
    }
}

#[test]
fn slow_and_idle_clients_are_cut_off_and_healthz_answers_meanwhile() {
    use std::io::Write;
    let dir = scratch("webhook-slowloris");
    std::fs::write(dir.join("hearth.toml"), config()).expect("config");
    let api = StandIn::start();
    let port = free_port();
    let (_hearth, _secret) = start(&api, &dir, port, true);

    // 1,000 clients that never finish their headers.
    let mut slow: Vec<TcpStream> = (0..1000)
        .map(|_| {
            let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
            stream.write_all(b"POST /telegram/webhook HTTP/1.1\r\nHost: 127.0.0.1\r\n").expect("partial headers");
            stream
        })
        .collect();
    // One that never finishes its body, one idle after a first request.
    let mut slow_body = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    slow_body
        .write_all(b"POST /telegram/webhook HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n{\"update")
        .expect("partial body");
    let mut idle = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").expect("request");
    // Every client's clock started before this.
    let opened = Instant::now();

    // Meanwhile /healthz answers at once.
    let asked = Instant::now();
    assert_eq!(http(port, "GET", "/healthz", &[], ""), (200, "ok".to_string()));
    assert!(asked.elapsed() < Duration::from_secs(2), "/healthz waited {:?}", asked.elapsed());

    let deadline = opened + CLIENT_TIMEOUT + Duration::from_secs(10);
    let (first, idle_closed) = read_until_closed(&mut idle, deadline);
    assert!(first.starts_with("HTTP/1.1 200") && idle_closed, "idle keep-alive: {first:?}, closed {idle_closed}");
    let (answer, closed) = read_until_closed(&mut slow_body, deadline);
    assert!(answer.starts_with("HTTP/1.1 408") || closed, "slow body: {answer:?}");
    let still_open =
        slow.iter_mut().map(|stream| read_until_closed(stream, deadline).1).filter(|closed| !closed).count();
    assert_eq!(still_open, 0, "slow clients still connected after {:?}", opened.elapsed());
    // And the listener still serves.
    assert_eq!(http(port, "GET", "/healthz", &[], ""), (200, "ok".to_string()));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_stop_refuses_new_updates_finishes_what_it_can_and_the_next_start_the_rest() {
    let dir = scratch("webhook-drain");
    std::fs::write(dir.join("hearth.toml"), config()).expect("config");
    let api = StandIn::start();
    let port = free_port();
    // Telegram's real limits: one answer a second in a chat, so 30 take a while.
    let (mut hearth, secret) = start(&api, &dir, port, true);
    for id in 1..=30 {
        assert_eq!(deliver(port, &secret, &update(id, 0, false)), Some(200));
    }
    sigterm(&mut hearth);
    // While it drains: new updates and /healthz get 503.
    wait_for("draining", || http(port, "GET", "/healthz", &[], "").0 == 503);
    assert_eq!(deliver(port, &secret, &update(31, 1, false)), Some(503));
    assert!(wait_exit(&mut hearth, Duration::from_secs(20)), "the stop is bounded");
    drop(hearth);

    // The next start handles what the stop left, and nothing twice.
    let (_hearth, _) = start(&api, &dir, port, false);
    let url = format!("sqlite://{}", dir.join("hearth.db").display());
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let pool = runtime.block_on(SqlitePoolOptions::new().connect(&url)).expect("database");
    let count = |sql: &'static str| -> i64 {
        let (n,): (i64,) = runtime.block_on(sqlx::query_as(sql).fetch_one(&pool)).expect(sql);
        n
    };
    wait_for("every accepted update handled", || count("SELECT count(*) FROM checkins") == 30);
    assert_eq!(count("SELECT count(*) FROM inbox WHERE done_at IS NULL"), 0);
    assert_eq!(count("SELECT count(*) FROM inbox"), 30, "the refused update was never recorded");
    let _ = std::fs::remove_dir_all(dir);
}

/// Two `hearth run` processes on one PostgreSQL behind one webhook URL: a
/// load balancer may hand an update to either, and Telegram may deliver it
/// again to the other. Every update, POSTed to both processes at once, is
/// applied once and answered once, and both processes accept the POSTs
/// (one secret, derived from the token).
#[test]
fn on_postgres_an_update_delivered_to_two_processes_is_applied_and_answered_once() {
    let cluster = match hearth_testkit::PgCluster::start(hearth_testkit::PgOptions::for_tests()) {
        Ok(Some(cluster)) => cluster,
        Ok(None) => return println!("skipped: no PostgreSQL"),
        Err(error) => panic!("starting PostgreSQL: {error:#}"),
    };
    let database = cluster.create_database().expect("a database");
    let api = StandIn::start();
    let mut processes = Vec::new();
    for name in ["webhook-pg-first", "webhook-pg-second"] {
        let dir = scratch(name);
        std::fs::write(dir.join("hearth.toml"), config()).expect("config");
        let port = free_port();
        let registered = api.log()["setWebhook"].as_array().map_or(0, Vec::len);
        let hearth = start_hearth(
            &api,
            &dir,
            &[
                ("HEARTH_DATABASE_URL", database.clone()),
                ("HEARTH_HTTP_ADDR", format!("127.0.0.1:{port}")),
                ("TELEGRAM_WEBHOOK_URL", format!("http://127.0.0.1:{port}/telegram/webhook")),
                ("HEARTH_TELEGRAM_THROTTLE", "off".to_string()),
            ],
        );
        wait_for("setWebhook", || api.log()["setWebhook"].as_array().map_or(0, Vec::len) > registered);
        let secret = api.log()["setWebhook"][registered]["secret_token"].as_str().expect("a secret").to_string();
        wait_for("the HTTP listener", || TcpStream::connect(("127.0.0.1", port)).is_ok());
        processes.push((hearth, port, secret, dir));
    }
    assert_eq!(processes[0].2, processes[1].2, "both processes registered the same secret");

    const UPDATES: i64 = 40;
    let senders: Vec<_> = processes
        .iter()
        .map(|(_, port, secret, _)| {
            let (port, secret) = (*port, secret.clone());
            std::thread::spawn(move || {
                (1..=UPDATES)
                    .map(|id| deliver(port, &secret, &update(id, (id % 4) as usize, false)))
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    for sender in senders {
        let statuses = sender.join().expect("sender");
        assert!(statuses.iter().all(|status| *status == Some(200)), "{statuses:?}");
    }
    let mut answered: BTreeMap<String, usize> = BTreeMap::new();
    let deadline = Instant::now() + WAIT;
    while answered.values().sum::<usize>() < UPDATES as usize && Instant::now() < deadline {
        for chat in CHATS {
            for message in sent_to(&api, chat) {
                let text = message["text"].as_str().unwrap_or_default().to_string();
                *answered.entry(text).or_default() += 1;
            }
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    // A moment more: a second answer to any update would come now.
    std::thread::sleep(Duration::from_secs(1));
    for chat in CHATS {
        for message in sent_to(&api, chat) {
            *answered.entry(message["text"].as_str().unwrap_or_default().to_string()).or_default() += 1;
        }
    }
    assert_eq!(answered.values().sum::<usize>(), UPDATES as usize, "one answer per update: {answered:#?}");
    assert!(answered.keys().all(|text| text.contains("checked in")), "{answered:#?}");
    assert!(answered.values().all(|n| *n == 1), "no answer twice: {answered:#?}");
    for (_, _, _, dir) in processes {
        let _ = std::fs::remove_dir_all(dir);
    }
}

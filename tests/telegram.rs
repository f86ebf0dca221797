//! The real `hearth` binary long-polling a local Telegram Bot API stand-in
//! (telegram-test-api, patched by `adapters/telegram/stand-in/start.js`),
//! played by members through the stand-in's client API.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::json;

mod common;
mod telegram_stand_in;
use common::{WAIT, exported_balances, free_port, http, root, scratch, wait_for};
use telegram_stand_in::*;

const CONFIG: &str = r#"
[[community]]
id = "rustaceans"
name = "Rustaceans"
timezone = "Europe/Berlin"
telegram = { chat_id = -100123 }

[community.checkin]
points = 10

[community.points]
give_allowance = 2
give_max = 5

[community.topics]
pool = ["What did you learn this week?"]
reply_points = 2

[[community.schedule]]
id = "reminder"
cron = "0 20 * * *"
action = "checkin_reminder"

[[community.schedule]]
id = "daily-topic"
cron = "0 10 * * *"
action = "topic"
"#;

#[test]
fn a_group_conversation_over_the_bot_api() {
    let dir = scratch("telegram-group");
    std::fs::write(dir.join("hearth.toml"), CONFIG).expect("config");
    let api = StandIn::start();
    // Trace logging: even then the token must not appear.
    let hearth = start_hearth(&api, &dir, &[("RUST_LOG", "trace".to_string())]);

    wait_until_ready(&api);
    let menus = api.log()["setMyCommands"].clone();
    let scopes: Vec<&str> =
        menus.as_array().expect("menus").iter().filter_map(|m| m["scope"]["type"].as_str()).collect();
    assert_eq!(scopes, ["all_group_chats", "all_chat_administrators", "all_group_chats", "all_chat_administrators"]);
    let member_menu: Vec<&str> =
        menus[0]["commands"].as_array().expect("commands").iter().filter_map(|c| c["command"].as_str()).collect();
    assert!(member_menu.contains(&"checkin") && !member_menu.contains(&"award"), "{member_menu:?}");

    let alice = Member { id: 1001, first_name: "Alice", username: Some("alice") };
    let bob = Member { id: 1002, first_name: "Bob", username: Some("bob") };
    let carol = Member { id: 1003, first_name: "Carol", username: Some("carol") };
    let dave = Member { id: 1004, first_name: "Dave <i>&co", username: None };

    // Added to the configured group: a welcome that names the community.
    api.bot_added_to(GROUP);
    let welcome = api.bot_messages(GROUP, 1).remove(0);
    assert!(text(&welcome).contains("Rustaceans") && text(&welcome).contains("/checkin"), "{welcome}");
    // Added to a group no community owns: the exact line to add.
    api.bot_added_to(STRANGERS);
    let hint = api.bot_messages(STRANGERS, 1).remove(0);
    assert!(text(&hint).contains("<code>telegram = { chat_id = -200 }</code>"), "{hint}");

    // Two members check in, one with @botname; a reply quotes the member's message.
    let checked_in = api.ask(&alice, GROUP, "/checkin");
    assert!(text(&checked_in).contains("Alice checked in: day 1"), "{checked_in}");
    assert!(replied_to(&checked_in).is_some(), "answers reply to the command: {checked_in}");
    let checked_in = api.ask(&bob, GROUP, "/checkin@HearthTestBot");
    assert!(text(&checked_in).contains("Bob checked in: day 1"), "{checked_in}");
    let bob_message_id = replied_to(&checked_in).expect("reply to bob");

    // A command for another bot is not ours: the next answer is Carol's check-in.
    api.say(&carol, GROUP, "/checkin@SomeOtherBot", None);
    let checked_in = api.ask(&carol, GROUP, "/checkin");
    assert!(text(&checked_in).contains("Carol checked in"), "{checked_in}");

    // Giving by @username, with hostile text in the reason.
    let gave = api.ask(&bob, GROUP, "/give @alice 3 <script>alert(1)</script> & thanks");
    assert!(text(&gave).contains("Bob gave Alice 3 points"), "{gave}");
    assert!(text(&gave).contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; thanks"), "{gave}");

    // A member without admin rights is refused; a chat admin awards by replying to Bob's message.
    let refused = api.ask(&dave, GROUP, "/award @bob 5 nice");
    assert!(text(&refused).contains("Only admins"), "{refused}");
    api.post("/setChatAdmin", json!({"chatId": GROUP, "userId": carol.id}));
    let bobs_message = json!({"message_id": bob_message_id, "from": bob.user(), "chat": chat(GROUP), "date": now(), "text": "/checkin@HearthTestBot"});
    api.say(&carol, GROUP, "/award 5 great review", Some(bobs_message));
    let awarded = api.bot_messages(GROUP, 1).remove(0);
    assert!(text(&awarded).contains("Bob was awarded 5 points"), "{awarded}");

    // A scheduled reminder goes out through the outbox, with a Check in
    // button for Dave, who has not checked in yet.
    assert!(text(&api.ask(&dave, GROUP, "/streak")).contains("streak"));
    let reminder = api.post_now(&carol, "reminder");
    let button = &reminder["reply_markup"]["inline_keyboard"][0][0];
    assert_eq!(button["callback_data"], "/checkin", "{reminder}");
    // Dave taps it: a public check-in in the chat, and the tap is answered.
    api.tap(&dave, &reminder, "/checkin");
    let checked_in = api.bot_messages(GROUP, 1).remove(0);
    assert!(text(&checked_in).contains("Dave &lt;i&gt;&amp;co checked in"), "{checked_in}");
    // A second tap: the personal refusal is a toast, not a message.
    api.tap(&dave, &reminder, "/checkin");
    let deadline = Instant::now() + WAIT;
    while api.log()["callbackAnswers"].as_array().map_or(0, Vec::len) < 2 {
        assert!(Instant::now() < deadline, "the second tap was never answered");
        std::thread::sleep(Duration::from_millis(50));
    }
    let toast = api.log()["callbackAnswers"][1]["text"].as_str().unwrap_or_default().to_string();
    assert!(toast.contains("already checked in"), "{toast}");

    // A topic post, and a reply to it earns topic points once.
    let topic = api.post_now(&carol, "daily-topic");
    assert!(text(&topic).contains("What did you learn this week?"), "{topic}");
    let bot = json!({"id": BOT_ID, "is_bot": true, "first_name": "hearth", "username": "HearthTestBot"});
    let topic_message =
        json!({"message_id": post_id(&topic), "from": bot, "chat": chat(GROUP), "date": now(), "text": topic["text"]});
    api.say(&alice, GROUP, "Rust's borrow checker, finally", Some(topic_message));
    let earned = api.bot_messages(GROUP, 1).remove(0);
    assert!(text(&earned).contains("+2"), "{earned}");

    // In a group no community owns, every command answers with the hint.
    let hint = api.ask(&bob, STRANGERS, "/checkin");
    assert!(text(&hint).contains("telegram = { chat_id = -200 }"), "{hint}");

    drop(hearth);
    let log = log_of(&dir);
    assert!(log.contains("TRACE"), "the run logged at trace level");
    assert!(!log.contains("fake-test-token"), "the token reached the log");
    let balances = exported_balances(&dir, "rustaceans");
    let balance = |name: &str| balances.get(name).copied();
    assert_eq!(balance("Alice"), Some(10 + 3 + 2));
    assert_eq!(balance("Bob"), Some(10 + 5));
    assert_eq!(balance("Carol"), Some(10));
    assert_eq!(balance("Dave <i>&co"), Some(10));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_start_that_fails_never_prints_the_token() {
    let dir = scratch("telegram-no-api");
    std::fs::write(dir.join("hearth.toml"), CONFIG).expect("config");
    let out = Command::new(env!("CARGO_BIN_EXE_hearth"))
        .arg("run")
        .current_dir(root())
        .env("TELEGRAM_TOKEN", TOKEN)
        // Nothing listens on port 9 of loopback: getMe fails at once.
        .env("TELEGRAM_API_URL", "http://127.0.0.1:9")
        .env("HEARTH_CONFIG", dir.join("hearth.toml"))
        .env("HEARTH_DATABASE_URL", format!("sqlite://{}", dir.join("hearth.db").display()))
        .env("RUST_LOG", "trace")
        .stdin(Stdio::null())
        .output()
        .expect("hearth runs");
    assert!(!out.status.success());
    let printed = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(printed.contains("getMe"), "the failure says what failed: {printed}");
    assert!(!printed.contains("fake-test-token"), "the token leaked: {printed}");
    let _ = std::fs::remove_dir_all(dir);
}

/// Ready once the command menus are published: member and admin scopes, en and zh.

#[test]
fn webhook_mode_checks_the_secret_and_processes_an_update_once() {
    let dir = scratch("telegram-webhook");
    std::fs::write(dir.join("hearth.toml"), CONFIG).expect("config");
    let api = StandIn::start();
    let (_hearth, port, url) = start_in_webhook_mode(&api, &dir);
    let registered = api.log()["setWebhook"][0].clone();
    assert_eq!(registered["url"], url.as_str());
    let secret = registered["secret_token"].as_str().expect("a secret token").to_string();
    assert!(secret.len() >= 32, "{secret}");
    assert_eq!(http(port, "GET", "/healthz", &[], ""), (200, "ok".to_string()));

    // A member's message goes through the stand-in's webhook delivery.
    let alice = Member { id: 1001, first_name: "Alice", username: Some("alice") };
    let checked_in = api.ask(&alice, GROUP, "/checkin");
    assert!(text(&checked_in).contains("Alice checked in"), "{checked_in}");
    assert_eq!(api.log()["webhookStatuses"], json!([200]));

    // Posts without the secret, or with another one, are refused and change nothing.
    let bob = Member { id: 1002, first_name: "Bob", username: Some("bob") };
    let update = json!({"update_id": 900_001, "message": {
        "message_id": 77, "from": bob.user(), "chat": chat(GROUP), "date": now(), "text": "/checkin"
    }})
    .to_string();
    assert_eq!(http(port, "POST", "/telegram/webhook", &[], &update).0, 401);
    let wrong = [("X-Telegram-Bot-Api-Secret-Token", "not-the-secret")];
    assert_eq!(http(port, "POST", "/telegram/webhook", &wrong, &update).0, 401);
    let right = [("X-Telegram-Bot-Api-Secret-Token", secret.as_str())];
    assert_eq!(http(port, "POST", "/telegram/webhook", &right, "{not json").0, 400);
    // The same update delivered twice is processed once.
    assert_eq!(http(port, "POST", "/telegram/webhook", &right, &update).0, 200);
    assert_eq!(http(port, "POST", "/telegram/webhook", &right, &update).0, 200);
    let answers = api.bot_messages(GROUP, 1);
    assert!(text(&answers[0]).contains("Bob checked in"), "{answers:?}");
    // The second delivery is recognised when it is accepted, and then nothing else happens.
    wait_for("the redelivery recognised", || log_of(&dir).contains("update delivered again; already accepted"));
    let again = api.post("/getUpdates", json!({"token": TOKEN, "chatId": GROUP}));
    assert_eq!(again["result"], json!([]), "a redelivered update was answered twice");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn an_update_polled_again_after_a_restart_is_neither_applied_nor_announced_again() {
    let dir = scratch("telegram-repoll");
    std::fs::write(dir.join("hearth.toml"), CONFIG).expect("config");
    let api = StandIn::start();
    let hearth = start_hearth(&api, &dir, &[]);
    wait_until_ready(&api);
    let alice = Member { id: 1001, first_name: "Alice", username: Some("alice") };
    let bob = Member { id: 1002, first_name: "Bob", username: Some("bob") };
    assert!(text(&api.ask(&bob, GROUP, "/checkin")).contains("Bob checked in"));
    // The update as Telegram sends it, with its own update id: sent again
    // after a restart, as Telegram does when the offset had not confirmed it.
    let give = json!({"update_id": 700_001, "message": {
        "message_id": 4242, "from": alice.user(), "chat": chat(GROUP), "date": now(), "text": "/give 2 thanks",
        "reply_to_message": {"message_id": 17, "from": bob.user(), "chat": chat(GROUP), "date": now(), "text": "hi"},
    }});
    api.post("/sendUpdate", json!({"botToken": TOKEN, "update": give}));
    assert!(text(&api.bot_messages(GROUP, 1)[0]).contains("gave"), "the first delivery is announced");

    drop(hearth);
    let _hearth = start_hearth(&api, &dir, &[]);
    api.post("/sendUpdate", json!({"botToken": TOKEN, "update": give}));
    wait_for("the repeat recognised", || log_of(&dir).contains("update handled before a restart; skipped"));
    // The next answer in the group is the next update's: nothing for the repeat.
    let checkin = json!({"update_id": 700_002, "message": {
        "message_id": 4243, "from": alice.user(), "chat": chat(GROUP), "date": now(), "text": "/checkin",
    }});
    api.post("/sendUpdate", json!({"botToken": TOKEN, "update": checkin}));
    let next = api.bot_messages(GROUP, 1).remove(0);
    assert!(text(&next).contains("Alice checked in"), "{next}");
    assert_eq!(exported_balances(&dir, "rustaceans").get("Bob"), Some(&12), "paid once");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn delivery_waits_out_a_429_and_gives_up_when_the_bot_is_out() {
    let dir = scratch("telegram-delivery");
    std::fs::write(dir.join("hearth.toml"), CONFIG).expect("config");
    let api = StandIn::start();
    let port = free_port();
    let _hearth = start_hearth(&api, &dir, &[("HEARTH_HTTP_ADDR", format!("127.0.0.1:{port}"))]);
    wait_until_ready(&api);
    let carol = Member { id: 1003, first_name: "Carol", username: Some("carol") };
    api.post("/setChatAdmin", json!({"chatId": GROUP, "userId": carol.id}));
    let failed_sends = || api.log()["failedSends"].as_array().map_or(0, Vec::len);

    // Flood control: the post waits as long as Telegram says, then goes out once.
    let too_many = json!({"ok": false, "error_code": 429, "description": "Too Many Requests: retry after 1",
        "parameters": {"retry_after": 1}});
    api.post("/failPosts", json!({"chatId": GROUP, "count": 1, "status": 429, "answer": too_many}));
    let reminder = api.post_now(&carol, "reminder");
    assert_eq!(reminder["reply_markup"]["inline_keyboard"][0][0]["callback_data"], "/checkin");
    assert_eq!(failed_sends(), 1);

    // Kicked: the post fails for good, with the reason, and is not retried.
    let kicked = json!({"ok": false, "error_code": 403,
        "description": "Forbidden: bot was kicked from the supergroup chat"});
    api.post("/failPosts", json!({"chatId": GROUP, "count": 1, "status": 403, "answer": kicked}));
    assert!(text(&api.ask(&carol, GROUP, "/post reminder")).contains("Posted reminder"));
    wait_for("the permanent failure in the log", || {
        log_of(&dir).lines().any(|l| l.contains("delivery failed") && l.contains("permanent=true"))
    });
    assert_eq!(failed_sends(), 2);

    // Removed from the chat: it is marked inactive and posts are not even tried.
    api.bot_removed_from(GROUP);
    wait_for("the removal in the log", || log_of(&dir).contains("the bot was removed from a chat"));
    assert!(text(&api.ask(&carol, GROUP, "/post reminder")).contains("Posted reminder"));
    wait_for("the skipped post in the log", || log_of(&dir).contains("reason=the bot was removed from the chat"));
    assert_eq!(failed_sends(), 2, "no send was tried for a chat the bot is out of");
    assert_eq!(api.post("/getUpdates", json!({"token": TOKEN, "chatId": GROUP}))["result"], json!([]));

    // `/metrics` says the same: one refusal for good, one post not tried (the
    // 429 was waited out inside teloxide's Throttle, below delivery).
    let expected = [
        r#"hearth_delivery_errors_total{platform="telegram",kind="permanent"} 1"#,
        r#"hearth_delivery_errors_total{platform="telegram",kind="chat_gone"} 1"#,
        r#"hearth_outbox_posts{platform="telegram",status="pending"} 0"#,
        r#"hearth_outbox_posts{platform="telegram",status="sent"} 1"#,
        r#"hearth_outbox_posts{platform="telegram",status="failed"} 2"#,
    ];
    let scrape = || http(port, "GET", "/metrics", &[], "").1;
    let deadline = Instant::now() + WAIT;
    let mut metrics = scrape();
    while !expected.iter().all(|line| metrics.lines().any(|l| l == *line)) {
        assert!(Instant::now() < deadline, "not all of {expected:#?} in:\n{metrics}");
        std::thread::sleep(Duration::from_millis(50));
        metrics = scrape();
    }
    assert!(!scrape().contains(r#"kind="transient""#), "{}", scrape());
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn the_unpatched_stand_in_gets_answers_too() {
    // Its getMe lacks fields, its getUpdates never waits, its callbacks lack
    // chat_instance and it knows no setMyCommands or getChatMember: hearth
    // copes with each. Carol is an admin through the config's list.
    let dir = scratch("telegram-plain");
    std::fs::write(
        dir.join("hearth.toml"),
        CONFIG.replace("chat_id = -100123 }", "chat_id = -100123 }\nadmins = [\"telegram:1003\"]"),
    )
    .expect("config");
    let api = StandIn::start_as(true);
    let _hearth = start_hearth(&api, &dir, &[]);
    let alice = Member { id: 1001, first_name: "Alice", username: Some("alice") };
    let bob = Member { id: 1002, first_name: "Bob", username: Some("bob") };
    let carol = Member { id: 1003, first_name: "Carol", username: None };

    wait_for("hearth to answer", || log_of(&dir).contains("connected to Telegram"));
    assert!(text(&api.ask(&alice, GROUP, "/checkin")).contains("Alice checked in"));
    assert!(text(&api.ask(&bob, GROUP, "/checkin@TestNameBot")).contains("Bob checked in"));
    assert!(
        text(&api.ask(&bob, GROUP, "/give @alice 2 <b>thanks</b>"))
            .contains("Bob gave Alice 2 points: &lt;b&gt;thanks")
    );
    let reminder = api.post_now(&carol, "reminder");
    api.tap(&carol, &reminder, "/checkin");
    assert!(text(&api.bot_messages(GROUP, 1)[0]).contains("Carol checked in"));
    assert!(text(&api.ask(&bob, STRANGERS, "/checkin")).contains("telegram = { chat_id = -200 }"));
    let _ = std::fs::remove_dir_all(dir);
}

const THREE_GROUPS: &str = r#"
[[community]]
id = "north"
name = "North"
timezone = "Europe/Berlin"
telegram = { chat_id = -100201 }

[community.checkin]
points = 10

[community.points]
give_allowance = 2
give_max = 5

[[community]]
id = "east"
name = "East"
timezone = "Asia/Shanghai"
telegram = { chat_id = -100202 }

[community.checkin]
points = 10

[community.points]
give_allowance = 2
give_max = 5

[[community]]
id = "south"
name = "South"
timezone = "America/Sao_Paulo"
telegram = { chat_id = -100203 }

[community.checkin]
points = 10

[community.points]
give_allowance = 2
give_max = 5
"#;

#[test]
fn several_groups_at_once_each_get_their_answers_in_order() {
    let dir = scratch("telegram-concurrent");
    std::fs::write(dir.join("hearth.toml"), THREE_GROUPS).expect("config");
    let api = StandIn::start();
    let _hearth = start_hearth(&api, &dir, &[]);
    wait_until_ready(&api);
    three_groups_talk_at_once(&api, &dir, "polling");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn in_webhook_mode_too_each_group_gets_its_answers_in_order() {
    let dir = scratch("telegram-webhook-order");
    std::fs::write(dir.join("hearth.toml"), THREE_GROUPS).expect("config");
    let api = StandIn::start();
    let _hearth = start_in_webhook_mode(&api, &dir);
    three_groups_talk_at_once(&api, &dir, "webhook");
    let statuses = api.log()["webhookStatuses"].clone();
    assert!(statuses.as_array().is_some_and(|all| all.iter().all(|s| s == 200)), "{statuses}");
    let _ = std::fs::remove_dir_all(dir);
}

/// Every group of `THREE_GROUPS` talks at once; each must answer in order.
fn three_groups_talk_at_once(api: &StandIn, dir: &Path, mode: &str) {
    let alice = Member { id: 2001, first_name: "Alice", username: Some("alice_concurrent") };
    let bob = Member { id: 2002, first_name: "Bob", username: Some("bob_concurrent") };
    let groups = [(-100_201, "north"), (-100_202, "east"), (-100_203, "south")];

    // The messages go out round robin before any answer is read. Within a
    // group each step depends on the one before: Bob can name
    // @alice_concurrent only once Alice's message was seen, and Alice's
    // second /checkin is the refused one only if it comes second.
    let conversation: [(&Member, &str); 4] = [
        (&alice, "/checkin"),
        (&bob, "/checkin"),
        (&bob, "/give @alice_concurrent 3 for the map"),
        (&alice, "/checkin"),
    ];
    for (member, line) in conversation {
        for (group, _) in groups {
            api.say(member, group, line, None);
        }
    }

    for (group, community) in groups {
        let answers = api.bot_messages(group, conversation.len());
        let texts: Vec<&str> = answers.iter().map(text).collect();
        assert!(texts[0].contains("Alice checked in: day 1"), "{mode}, {community}: {texts:#?}");
        assert!(texts[1].contains("Bob checked in: day 1"), "{mode}, {community}: {texts:#?}");
        assert!(texts[2].contains("Bob gave Alice 3 points: for the map"), "{mode}, {community}: {texts:#?}");
        assert!(texts[3].contains("already checked in"), "{mode}, {community}: {texts:#?}");
        // Each answer replies to the message it answers, in the order they were written.
        let replied: Vec<i64> = answers.iter().map(|answer| replied_to(answer).expect("a reply")).collect();
        assert!(replied.windows(2).all(|pair| pair[0] < pair[1]), "{mode}, {community}: out of order: {replied:?}");
    }

    for (_, community) in groups {
        let balances = exported_balances(dir, community);
        assert_eq!(balances.get("Alice"), Some(&(10 + 3)), "{mode}, {community}: {balances:?}");
        assert_eq!(balances.get("Bob"), Some(&10), "{mode}, {community}: {balances:?}");
    }
}

/// Two `hearth run` processes on one PostgreSQL, polling Telegram: one polls
/// and answers; when it is killed (-9), the other takes the polling over
/// within 30 s and answers the next update once. `/healthz` says when the
/// database stops answering.
#[test]
fn on_postgres_one_of_two_processes_polls_and_the_other_takes_over_when_it_dies() {
    let cluster = match hearth_testkit::PgCluster::start(hearth_testkit::PgOptions::for_tests()) {
        Ok(Some(cluster)) => cluster,
        Ok(None) => return println!("skipped: no PostgreSQL"),
        Err(error) => panic!("starting PostgreSQL: {error:#}"),
    };
    let database = cluster.create_database().expect("a database");
    let dir = scratch("telegram-two-processes");
    std::fs::write(dir.join("hearth.toml"), CONFIG).expect("config");
    let api = StandIn::start();
    let (first_port, second_port) = (free_port(), free_port());
    let env =
        |port: u16| [("HEARTH_DATABASE_URL", database.clone()), ("HEARTH_HTTP_ADDR", format!("127.0.0.1:{port}"))];
    let mut first = start_hearth(&api, &dir, &env(first_port));
    wait_until_ready(&api);
    wait_for("the first process polls", || log_of(&dir).contains("this process polls Telegram"));
    let second_dir = scratch("telegram-two-processes-second");
    std::fs::write(second_dir.join("hearth.toml"), CONFIG).expect("config");
    let _second = start_hearth(&api, &second_dir, &env(second_port));
    wait_for("the second process waits its turn", || log_of(&second_dir).contains("another process polls Telegram"));

    let alice = Member { id: 1001, first_name: "Alice", username: Some("alice") };
    assert!(text(&api.ask(&alice, GROUP, "/checkin")).contains("Alice checked in"));
    assert_eq!(http(second_port, "GET", "/healthz", &[], ""), (200, "ok".to_string()));

    let _ = first.0.kill();
    let _ = first.0.wait();
    let killed = Instant::now();
    let bob = Member { id: 1002, first_name: "Bob", username: Some("bob") };
    assert!(text(&api.ask(&bob, GROUP, "/checkin")).contains("Bob checked in"), "the second process answers");
    assert!(killed.elapsed() < Duration::from_secs(30), "taken over in {:?}", killed.elapsed());
    assert!(log_of(&second_dir).contains("this process polls Telegram"));
    // Alice's update was applied once, by the first process: asked again, she is told so.
    assert!(text(&api.ask(&alice, GROUP, "/checkin")).contains("already"), "one check-in a day across processes");

    drop(cluster);
    wait_for("/healthz to report the database", || {
        http(second_port, "GET", "/healthz", &[], "") == (503, "database unreachable".to_string())
    });
    let _ = std::fs::remove_dir_all(dir);
    let _ = std::fs::remove_dir_all(second_dir);
}

#[test]
fn the_digest_goes_out_as_a_photo_with_the_digest_as_its_caption() {
    let dir = scratch("telegram-digest");
    let config =
        format!("{CONFIG}\n[[community.schedule]]\nid = \"digest\"\ncron = \"0 10 1 1 *\"\naction = \"digest\"\n");
    std::fs::write(dir.join("hearth.toml"), config).expect("config");
    let api = StandIn::start();
    let _hearth = start_hearth(&api, &dir, &[]);
    wait_until_ready(&api);
    let carol = Member { id: 1003, first_name: "Carol", username: Some("carol") };
    api.post("/setChatAdmin", json!({"chatId": GROUP, "userId": carol.id}));

    let digest = api.post_now(&carol, "digest");
    assert!(text(&digest).starts_with("<b>📰 Rustaceans this week ("), "{digest}");
    let photos = api.log()["photos"].clone();
    assert_eq!(photos.as_array().map(Vec::len), Some(1), "{photos}");
    let photo = &photos[0];
    assert_eq!(photo["chat_id"], GROUP.to_string());
    assert_eq!(photo["parse_mode"], "HTML");
    assert_eq!(photo["caption"], digest["text"], "the caption is the digest");
    // The photo names its file part (`attach://<part>`), as teloxide uploads it.
    let part = photo["file"]["field"].as_str().expect("a file part");
    assert_eq!(photo["photo"], format!("attach://{part}"), "{photo}");
    assert_eq!(photo["file"]["png"], true, "{photo}");
    assert_eq!((photo["file"]["width"].as_u64(), photo["file"]["height"].as_u64()), (Some(1000), Some(500)));
    assert!(photo["file"]["filename"].as_str().is_some_and(|f| f.starts_with("digest-") && f.ends_with(".png")));
    let _ = std::fs::remove_dir_all(&dir);
}

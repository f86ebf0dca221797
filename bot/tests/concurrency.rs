//! Many concurrent commands on a file database with the shipped settings:
//! the unique constraints and the one-writer rule hold under load.

mod support;

use std::path::PathBuf;

use support::{BERLIN, Chat};

/// 09:00 in Berlin on a Monday.
const MONDAY_9AM: &str = "2026-03-02T08:00:00Z";

/// A fresh database file for one test.
fn database(name: &str) -> (PathBuf, String) {
    let dir = std::env::temp_dir().join(format!("hearth-concurrency-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    let url = support::database_at(&dir.join("hearth.db"));
    (dir, url)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_concurrent_checkins_by_one_member_make_one() {
    let (dir, url) = database("checkins");
    let chat = Chat::start_on(BERLIN, MONDAY_9AM, &url).await;
    let mut tasks = Vec::new();
    for _ in 0..1_000 {
        let (engine, actor, room) = (chat.engine.clone(), chat.actor("alice"), chat.chat());
        tasks.push(tokio::spawn(async move { engine.handle_text(actor, room, "/checkin").await }));
    }
    let mut counted = 0;
    for task in tasks {
        let reply = task.await.expect("task").expect("a reply").to_plain_text();
        counted += usize::from(reply.contains("checked in: day 1"));
        assert!(reply.contains("checked in"), "every answer is a check-in or 'already checked in': {reply}");
    }
    assert_eq!(counted, 1);
    assert_eq!(chat.ledger().await, vec![("alice".into(), 10, "checkin".into())]);
    chat.assert_totals_match_ledger().await;
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_concurrent_gives_never_exceed_an_allowance() {
    const MEMBERS: usize = 100;
    const GIVES_EACH: usize = 100;
    // BERLIN's give_allowance.
    const ALLOWANCE: usize = 2;
    let (dir, url) = database("gives");
    let chat = Chat::start_on(BERLIN, MONDAY_9AM, &url).await;
    let names: Vec<String> = (0..MEMBERS).map(|i| format!("m{i:03}")).collect();
    for name in &names {
        chat.say(name, "/checkin").await;
    }
    let mut tasks = Vec::with_capacity(MEMBERS * GIVES_EACH);
    for round in 0..GIVES_EACH {
        for (i, giver) in names.iter().enumerate() {
            let receiver = &names[(i + 1 + round % (MEMBERS - 1)) % MEMBERS];
            let (engine, actor, room) = (chat.engine.clone(), chat.actor(giver), chat.chat());
            let line = format!("/give @{receiver} 1");
            tasks.push(tokio::spawn(async move { engine.handle_text(actor, room, &line).await }));
        }
    }
    for task in tasks {
        task.await.expect("task").expect("a reply");
    }
    let gives = chat.ledger().await.into_iter().filter(|(_, _, kind)| kind == "peer_award").count();
    // Every member tried 100 times: exactly the allowance got through, no more.
    assert_eq!(gives, MEMBERS * ALLOWANCE);
    chat.assert_totals_match_ledger().await;
    let _ = std::fs::remove_dir_all(dir);
}

/// Two processes on one database (two engines, each with its own store):
/// check-ins and gives of the same members arrive at both at once. Every
/// rule holds across them: one check-in a day, the give allowance, totals
/// equal to the ledger. On PostgreSQL this is what several `hearth run`
/// processes on one database do.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_on_one_database_keep_every_rule() {
    const MEMBERS: usize = 60;
    const GIVES_EACH: usize = 40;
    const ALLOWANCE: usize = 2;
    let (dir, url) = database("two-processes");
    let first = Chat::start_on(BERLIN, MONDAY_9AM, &url).await;
    let second = Chat::start_on(BERLIN, MONDAY_9AM, &url).await;
    let names: Vec<String> = (0..MEMBERS).map(|i| format!("m{i:03}")).collect();
    let mut tasks = Vec::new();
    for name in &names {
        for chat in [&first, &second] {
            let (engine, actor, room) = (chat.engine.clone(), chat.actor(name), chat.chat());
            tasks.push(tokio::spawn(async move { engine.handle_text(actor, room, "/checkin").await }));
        }
    }
    for round in 0..GIVES_EACH {
        let chat = if round % 2 == 0 { &first } else { &second };
        for (i, giver) in names.iter().enumerate() {
            let receiver = &names[(i + 1 + round % (MEMBERS - 1)) % MEMBERS];
            let (engine, actor, room) = (chat.engine.clone(), chat.actor(giver), chat.chat());
            let line = format!("/give @{receiver} 1");
            tasks.push(tokio::spawn(async move { engine.handle_text(actor, room, &line).await }));
        }
    }
    for task in tasks {
        task.await.expect("task").expect("a reply");
    }
    let ledger = first.ledger().await;
    let count = |kind: &str| ledger.iter().filter(|(_, _, k)| k == kind).count();
    assert_eq!(count("checkin"), MEMBERS, "one check-in per member, whichever process took it");
    assert_eq!(count("peer_award"), MEMBERS * ALLOWANCE, "the allowance holds across processes");
    assert_eq!(ledger, second.ledger().await, "both processes read the same ledger");
    first.assert_totals_match_ledger().await;
    let _ = std::fs::remove_dir_all(dir);
}

/// Three processes on one database (three engines, each with its own
/// store), 10,000 gives at once, spread over them by turns: 100 members each
/// try 100 gives; exactly the allowance of each gets through, whichever
/// processes took them, and the totals equal the ledger sums.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_processes_share_ten_thousand_gives_and_no_allowance_overruns() {
    const MEMBERS: usize = 100;
    const GIVES_EACH: usize = 100;
    const ALLOWANCE: usize = 2;
    let (dir, url) = database("three-processes");
    let mut processes = Vec::new();
    for _ in 0..3 {
        processes.push(Chat::start_on(BERLIN, MONDAY_9AM, &url).await);
    }
    let names: Vec<String> = (0..MEMBERS).map(|i| format!("m{i:03}")).collect();
    for name in &names {
        processes[0].say(name, "/checkin").await;
    }
    let mut tasks = Vec::with_capacity(MEMBERS * GIVES_EACH);
    for round in 0..GIVES_EACH {
        for (i, giver) in names.iter().enumerate() {
            let chat = &processes[(round + i) % processes.len()];
            let receiver = &names[(i + 1 + round % (MEMBERS - 1)) % MEMBERS];
            let (engine, actor, room) = (chat.engine.clone(), chat.actor(giver), chat.chat());
            let line = format!("/give @{receiver} 1");
            let giver = giver.clone();
            tasks.push(tokio::spawn(async move { (giver, engine.handle_text(actor, room, &line).await) }));
        }
    }
    let mut given: std::collections::BTreeMap<String, usize> = std::collections::BTreeMap::new();
    for task in tasks {
        let (giver, reply) = task.await.expect("task");
        let reply = reply.expect("a reply").to_plain_text();
        if reply.contains(" gave ") {
            *given.entry(giver).or_default() += 1;
        } else {
            assert!(reply.contains("used all 2 gives"), "a give is made or refused for the allowance: {reply}");
        }
    }
    let overruns: Vec<_> = given.iter().filter(|(_, n)| **n != ALLOWANCE).collect();
    assert!(overruns.is_empty() && given.len() == MEMBERS, "each member gives exactly the allowance: {overruns:?}");
    let ledger = processes[2].ledger().await;
    let gives = ledger.iter().filter(|(_, _, kind)| kind == "peer_award").count();
    assert_eq!(gives, MEMBERS * ALLOWANCE, "one ledger row per give answered as made");
    for process in &processes {
        process.assert_totals_match_ledger().await;
    }
    let _ = std::fs::remove_dir_all(dir);
}

/// A burst mixes check-ins with refused and accepted commands, so they share
/// transactions (group commit): each refusal rolls back alone, every
/// check-in, bonus and badge lands exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mixed_burst_commits_what_is_allowed_and_refuses_the_rest() {
    const MEMBERS: usize = 300;
    let (dir, url) = database("mixed");
    let chat = Chat::start_on(BERLIN, MONDAY_9AM, &url).await;
    let names: Vec<String> = (0..MEMBERS).map(|i| format!("m{i:03}")).collect();
    for day in 1..=3 {
        let mut tasks = Vec::new();
        for (i, name) in names.iter().enumerate() {
            let next = &names[(i + 1) % MEMBERS];
            let lines = [
                "/checkin".to_string(),
                format!("/award @{next} 5 not an admin"),
                format!("/give @{name} 1"),
                "/streak".to_string(),
            ];
            for line in lines {
                let (engine, actor, room) = (chat.engine.clone(), chat.actor(name), chat.chat());
                tasks.push(tokio::spawn(async move { (line.clone(), engine.handle_text(actor, room, &line).await) }));
            }
            if day == 3 && i % 10 == 0 {
                let (engine, actor, room) = (chat.engine.clone(), chat.actor("ada"), chat.chat());
                let line = format!("/award @{name} 7 helping");
                tasks.push(tokio::spawn(async move { (line.clone(), engine.handle_text(actor, room, &line).await) }));
            }
        }
        for task in tasks {
            let (line, reply) = task.await.expect("task");
            let reply = reply.expect("a reply").to_plain_text();
            let expected = match line.as_str() {
                "/checkin" if day == 3 => "+25 streak bonus",
                "/checkin" => "checked in: day",
                "/streak" => "Streak:",
                line if line.ends_with("not an admin") => "Only admins",
                line if line.starts_with("/give") => "yourself",
                _ => "helping",
            };
            assert!(reply.contains(expected), "day {day}, {line:?} → {reply}");
            if line == "/checkin" && day == 3 {
                assert!(reply.contains("Three in a Row"), "{reply}");
            }
        }
        chat.advance_days(1);
    }
    let ledger = chat.ledger().await;
    let count = |kind: &str| ledger.iter().filter(|(_, _, k)| k == kind).count();
    assert_eq!(count("checkin"), MEMBERS * 3);
    assert_eq!(count("streak_bonus"), MEMBERS);
    assert_eq!(count("admin_award"), MEMBERS / 10);
    assert_eq!(ledger.len(), MEMBERS * 4 + MEMBERS / 10, "no refused command left a row");
    assert_eq!(chat.standing("m000").await.0, 3 * 10 + 25 + 7);
    chat.assert_totals_match_ledger().await;
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn postgres_conformance() {
    support::run_on_postgres(&[]);
}

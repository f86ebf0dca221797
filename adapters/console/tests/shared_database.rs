//! A console for one community on a database the bot shares with others:
//! it fires its own community's schedules, never the others'.

use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use hearth_bot::config::Config;
use hearth_bot::store::Store;
use hearth_bot::{Engine, Platform, SimulatedClock};
use hearth_console::ConsoleSession;

const TWO_COMMUNITIES: &str = r#"
[[community]]
id = "owls"
name = "Night Owls"
timezone = "Europe/Berlin"

[[community.schedule]]
id = "evening"
cron = "0 20 * * *"
action = "checkin_reminder"

[[community]]
id = "larks"
name = "Early Larks"
timezone = "Europe/Berlin"

[[community.schedule]]
id = "morning"
cron = "0 7 * * *"
action = "checkin_reminder"
"#;

/// A console for the owls on a fresh database, its clock at Monday 2 March,
/// 12:00 Berlin.
async fn owls_console(toml: &str) -> (Engine, ConsoleSession) {
    let config = Config::from_toml_str(toml, "test.toml", Path::new(".")).expect("config");
    let store = Store::connect("sqlite::memory:").await.expect("store");
    let start: DateTime<Utc> = DateTime::parse_from_rfc3339("2026-03-02T11:00:00Z").expect("instant").into();
    let clock = SimulatedClock::starting_at(start);
    let engine =
        Engine::open(store, config, Arc::new(clock.clone()), vec![Platform::Console]).await.expect("engine opens");
    let session = ConsoleSession::new(engine.clone(), "owls".to_string(), Vec::new(), Some(clock));
    (engine, session)
}

#[tokio::test]
async fn a_console_fires_only_its_own_communitys_schedules() {
    let (engine, session) = owls_console(TWO_COMMUNITIES).await;

    // A day on: past the owls' 20:00 and the larks' 07:00.
    let mut out = Vec::new();
    session.run(&b":advance 1d\n"[..], &mut out).await.expect("console runs");
    let printed = String::from_utf8(out).expect("utf-8");

    assert_eq!(printed.matches("Time to check in").count(), 1, "the owls' evening only:\n{printed}");
    let owls = engine.store().claimed_slots("owls").await.expect("owls' claims");
    assert_eq!(owls, vec![("evening".to_string(), "2026-03-02T20:00".to_string())]);
    assert!(
        engine.store().claimed_slots("larks").await.expect("larks' claims").is_empty(),
        "the larks' 07:00 is left to the bot that serves them"
    );
}

/// Fourteen schedules fall due at one minute, more than one delivery batch
/// (ten): the console prints every one of them, each once.
#[tokio::test]
async fn more_posts_at_one_instant_than_one_delivery_batch_all_print() {
    let mut toml = String::from("[[community]]\nid = \"owls\"\nname = \"Night Owls\"\ntimezone = \"Europe/Berlin\"\n");
    for i in 0..14 {
        toml.push_str(&format!(
            "\n[[community.schedule]]\nid = \"evening{i}\"\ncron = \"0 20 * * *\"\naction = \"checkin_reminder\"\n"
        ));
    }
    let (_engine, session) = owls_console(&toml).await;

    let mut out = Vec::new();
    session.run(&b":advance 12h\n"[..], &mut out).await.expect("console runs");
    let printed = String::from_utf8(out).expect("utf-8");

    assert_eq!(printed.matches("Time to check in").count(), 14, "every evening post, once:\n{printed}");
}

//! Damaged Discord payloads never panic the parser or the translators.
//! More cases: `PROPTEST_CASES=100000 cargo test --release --test fuzz`.

#[path = "../../../tests/shared/json_mutations.rs"]
mod json_mutations;

use hearth_discord::translate::{guild_seen, topic_reply};
use hearth_discord::{parse_interaction, translate};
use json_mutations::{flipped_bytes, mutated};
use proptest::prelude::*;
use serde_json::{Value, json};
use serenity::all::{Guild, Message, UserId};

fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/payloads/{name}.json", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).expect("fixture")).expect("fixture JSON")
}

/// A slash command with every option kind, and a button, as Discord sends them.
fn interactions() -> Vec<Value> {
    let member = json!({"user": {"id": "53908232506183680", "username": "alice", "discriminator": "0", "avatar": null},
                        "roles": [], "permissions": "32", "nick": null, "joined_at": "2017-03-13T19:19:14.040000+00:00",
                        "deaf": false, "mute": false, "flags": 0, "pending": false});
    let common = json!({"id": "786008729715212338", "application_id": "775799577604522054", "guild_id": "1",
                        "channel_id": "2", "member": member, "token": "t", "version": 1, "locale": "en-US",
                        "entitlements": [], "authorizing_integration_owners": {"0": "1"}, "context": 0});
    let mut give = common.clone();
    give["type"] = json!(2);
    give["data"] = json!({"id": "9", "name": "give", "type": 1,
        "options": [{"name": "member", "type": 6, "value": "80351110224678912"}, {"name": "amount", "type": 4, "value": 2},
                    {"name": "reason", "type": 3, "value": "thanks"}],
        "resolved": {"users": {"80351110224678912": {"id": "80351110224678912", "username": "bob", "discriminator": "0", "avatar": null}}}});
    let mut topic = common.clone();
    topic["type"] = json!(2);
    topic["data"] = json!({"id": "9", "name": "topic", "type": 1,
        "options": [{"name": "suggest", "type": 1, "options": [{"name": "text", "type": 3, "value": "Rust?"}]}]});
    let mut button = common;
    button["type"] = json!(3);
    button["data"] = json!({"custom_id": "/vote 2", "component_type": 2});
    vec![give, topic, button]
}

fn any_interaction() -> impl Strategy<Value = Value> {
    prop::sample::select(interactions()).prop_flat_map(mutated)
}

/// serenity parses gateway events itself, before hearth sees them; its
/// 0.12.5 `ImageHash` parser panics on a 32-character hash with non-ASCII
/// in it. That is serenity's to fix (Discord only sends hex hashes), so a
/// panic there skips the case: the translators are what is under test.
fn serenity_parse<T: serde::de::DeserializeOwned>(value: &Value) -> Option<T> {
    let text = value.to_string();
    std::panic::catch_unwind(|| serde_json::from_str(&text).ok()).ok().flatten()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn damaged_interactions_parse_or_fail_cleanly(payload in any_interaction()) {
        if let Ok(interaction) = parse_interaction(payload.to_string().as_bytes()) {
            let _ = translate(&interaction);
        }
    }

    #[test]
    fn interaction_bytes_with_flips_never_panic(bytes in flipped_bytes(&interactions()[0])) {
        if let Ok(interaction) = parse_interaction(&bytes) {
            let _ = translate(&interaction);
        }
    }

    #[test]
    fn damaged_gateway_events_never_panic_the_translators(
        guild in mutated(fixture("guild_create")),
        message in mutated(fixture("message_reply")),
        in_thread in any::<bool>(),
    ) {
        let bot = UserId::new(775799577604522054);
        if let Some(guild) = serenity_parse::<Guild>(&guild) {
            let _ = guild_seen(&guild, bot, 1_795_420_800);
        }
        if let Some(message) = serenity_parse::<Message>(&message) {
            let _ = topic_reply(&message, bot, in_thread);
        }
    }
}

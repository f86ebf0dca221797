//! Interaction payloads in the shapes Discord's API documentation gives,
//! parsed by serenity and translated.

use hearth_bot::command::{Command, MemberRef, Window};
use hearth_bot::{ChatRef, Platform};
use hearth_discord::{Inbound, parse_interaction, translate};
use serde_json::{Value, json};

const GUILD: &str = "290926798626357999";
const CHANNEL: &str = "645027906669510667";

fn user(id: &str, name: &str) -> Value {
    json!({"id": id, "username": name, "global_name": null, "avatar": null, "discriminator": "0", "public_flags": 0})
}

/// A guild interaction as Discord sends it (no `attachment_size_limit`).
fn interaction(kind: u8, data: Value, permissions: &str) -> Value {
    json!({
        "id": "786008729715212338",
        "application_id": "775799577604522054",
        "type": kind,
        "data": data,
        "guild_id": GUILD,
        "channel_id": CHANNEL,
        "member": {
            "user": user("53908232506183680", "alice"),
            "roles": [], "premium_since": null, "permissions": permissions, "pending": false,
            "nick": "Alice", "mute": false, "joined_at": "2017-03-13T19:19:14.040000+00:00", "deaf": false,
            "flags": 0
        },
        "token": "A_UNIQUE_TOKEN",
        "version": 1,
        "locale": "en-US",
        "guild_locale": "en-US",
        "app_permissions": "442368",
        "entitlements": [],
        "authorizing_integration_owners": {"0": GUILD},
        "context": 0
    })
}

fn command_of(body: Value) -> (hearth_bot::Actor, ChatRef, Result<Command, hearth_bot::command::ParseError>) {
    let parsed = parse_interaction(body.to_string().as_bytes()).expect("serenity parses the payload");
    match translate(&parsed) {
        Inbound::Command { actor, chat, parsed, event_id } => {
            assert_eq!(event_id, "discord:786008729715212338");
            (actor, chat, parsed)
        }
        other => panic!("expected a command, got {other:?}"),
    }
}

#[test]
fn a_ping_is_a_ping_even_without_attachment_size_limit() {
    let ping = json!({"id": "1", "application_id": "2", "type": 1, "token": "t", "version": 1});
    assert_eq!(translate(&parse_interaction(ping.to_string().as_bytes()).expect("parses")), Inbound::Ping);
}

#[test]
fn a_command_with_user_integer_and_string_options_uses_resolved_names() {
    let data = json!({
        "id": "771825006014889984", "name": "give", "type": 1,
        "options": [
            {"name": "member", "type": 6, "value": "80351110224678912"},
            {"name": "amount", "type": 4, "value": 3},
            {"name": "reason", "type": 3, "value": "  great\u{7} review "}
        ],
        "resolved": {
            "users": {"80351110224678912": user("80351110224678912", "bob")},
            "members": {"80351110224678912": {"roles": [], "nick": "Bobby", "joined_at": "2017-03-13T19:19:14.040000+00:00", "deaf": false, "mute": false, "flags": 0, "pending": false, "permissions": "0"}}
        }
    });
    let (actor, chat, parsed) = command_of(interaction(2, data, "0"));
    assert_eq!(chat, ChatRef::Discord { guild_id: GUILD.into(), channel_id: CHANNEL.into() });
    assert_eq!(
        (actor.platform, actor.user_id.as_str(), actor.display_name.as_str()),
        (Platform::Discord, "53908232506183680", "Alice")
    );
    assert!(!actor.is_platform_admin);
    assert_eq!(
        parsed,
        Ok(Command::Give {
            member: MemberRef::Identity {
                platform: "discord".into(),
                user_id: "80351110224678912".into(),
                display_name: "Bobby".into(),
                is_bot: false
            },
            amount: Some(3),
            reason: Some("great review".into()),
        })
    );
}

#[test]
fn manage_guild_makes_a_platform_admin() {
    // 0x20 = MANAGE_GUILD.
    let data = json!({"id": "1", "name": "stats", "type": 1});
    let (actor, _, parsed) = command_of(interaction(2, data, "32"));
    assert!(actor.is_platform_admin);
    assert_eq!(parsed, Ok(Command::Stats));
}

#[test]
fn subcommands_and_choices_map_back_to_the_table() {
    let suggest = json!({"id": "1", "name": "topic", "type": 1, "options": [
        {"name": "suggest", "type": 1, "options": [{"name": "text", "type": 3, "value": "Favourite crate?"}]}
    ]});
    assert_eq!(
        command_of(interaction(2, suggest, "0")).2,
        Ok(Command::TopicSuggest { text: "Favourite crate?".into() })
    );
    let show = json!({"id": "1", "name": "topic", "type": 1, "options": [{"name": "show", "type": 1}]});
    assert_eq!(command_of(interaction(2, show, "0")).2, Ok(Command::Topic));
    let board = json!({"id": "1", "name": "leaderboard", "type": 1, "options": [{"name": "window", "type": 3, "value": "week"}]});
    assert_eq!(command_of(interaction(2, board, "0")).2, Ok(Command::Leaderboard { window: Window::Week }));
    let confirm = json!({"id": "1", "name": "forgetme", "type": 1, "options": [{"name": "confirm", "type": 1}]});
    assert_eq!(command_of(interaction(2, confirm, "0")).2, Ok(Command::ForgetMe { confirm: true }));
}

#[test]
fn challenge_voting_is_a_subcommand_of_challenge() {
    let voting = json!({"id": "1", "name": "challenge", "type": 1, "options": [{"name": "voting", "type": 1}]});
    assert_eq!(command_of(interaction(2, voting, "0")).2, Ok(Command::ChallengeVoting));
    let definitions = serde_json::to_value(hearth_discord::slash::definitions()).expect("definitions serialize");
    let challenge = definitions
        .as_array()
        .and_then(|all| all.iter().find(|c| c["name"] == "challenge"))
        .expect("a /challenge command");
    let subs: Vec<&str> =
        challenge["options"].as_array().expect("subcommands").iter().filter_map(|o| o["name"].as_str()).collect();
    assert!(subs.contains(&"voting"), "{subs:?}");
}

#[test]
fn a_button_runs_the_command_it_carries() {
    let data = json!({"custom_id": "/vote 2", "component_type": 2});
    let mut body = interaction(3, data, "0");
    body["message"] = json!({
        "id": "1001", "channel_id": CHANNEL, "author": user("775799577604522054", "hearth"),
        "content": "", "timestamp": "2026-03-02T08:00:00.000000+00:00", "edited_timestamp": null,
        "tts": false, "mention_everyone": false, "mentions": [], "mention_roles": [], "attachments": [],
        "embeds": [], "pinned": false, "type": 0, "flags": 0, "components": []
    });
    assert_eq!(command_of(body).2, Ok(Command::Vote { entry: 2 }));
}

#[test]
fn an_unknown_command_name_is_a_parse_error_not_a_panic() {
    let data = json!({"id": "1", "name": "dance", "type": 1});
    assert!(command_of(interaction(2, data, "0")).2.is_err());
}

#[test]
fn a_text_option_of_only_spaces_is_left_out() {
    let data = json!({
        "id": "771825006014889984", "name": "give", "type": 1,
        "options": [
            {"name": "member", "type": 6, "value": "80351110224678912"},
            {"name": "reason", "type": 3, "value": "   "}
        ],
        "resolved": {"users": {"80351110224678912": user("80351110224678912", "bob")}}
    });
    let (_, _, parsed) = command_of(interaction(2, data, "0"));
    assert_eq!(
        parsed,
        Ok(Command::Give {
            member: MemberRef::Identity {
                platform: "discord".into(),
                user_id: "80351110224678912".into(),
                display_name: "bob".into(),
                is_bot: false
            },
            amount: None,
            reason: None,
        })
    );
    // A required text option of only spaces is missing, as if not given.
    let suggest = json!({"id": "1", "name": "topic", "type": 1, "options": [
        {"name": "suggest", "type": 1, "options": [{"name": "text", "type": 3, "value": " \u{7} "}]}
    ]});
    assert!(
        matches!(command_of(interaction(2, suggest, "0")).2, Err(hearth_bot::command::ParseError::Missing { .. })),
        "a blank topic is a missing one"
    );
}

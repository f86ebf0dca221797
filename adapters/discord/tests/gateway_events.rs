//! Gateway events in the shapes Discord's documentation gives (GUILD_CREATE,
//! MESSAGE_CREATE), parsed by serenity from text and translated.

use hearth_bot::command::Command;
use hearth_bot::{ChatRef, Platform};
use hearth_discord::Inbound;
use hearth_discord::translate::{GuildSeen, JOIN_WINDOW_SECS, guild_seen, topic_reply};
use serde_json::{Value, json};
use serenity::all::{ChannelId, Guild, Message, UserId};

const BOT: UserId = UserId::new(775799577604522054);
const GUILD: &str = "197038439483310086";
const SYSTEM_CHANNEL: &str = "197038439483310087";
/// 2026-11-23T08:00:00Z, the fixture's `joined_at`.
const JOINED: i64 = 1_795_420_800;

fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/payloads/{name}.json", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).expect("fixture")).expect("fixture JSON")
}

fn guild(edit: impl FnOnce(&mut Value)) -> Guild {
    let mut value = fixture("guild_create");
    edit(&mut value);
    serde_json::from_str(&value.to_string()).expect("serenity parses GUILD_CREATE")
}

fn message(edit: impl FnOnce(&mut Value)) -> Message {
    let mut value = fixture("message_reply");
    edit(&mut value);
    serde_json::from_str(&value.to_string()).expect("serenity parses MESSAGE_CREATE")
}

fn chat(channel: &str) -> ChatRef {
    ChatRef::Discord { guild_id: GUILD.into(), channel_id: channel.into() }
}

#[test]
fn a_guild_joined_a_minute_ago_is_welcomed_in_its_system_channel() {
    let seen = guild_seen(&guild(|_| {}), BOT, JOINED + 60);
    let channel = Some(ChannelId::new(SYSTEM_CHANNEL.parse().expect("id")));
    assert_eq!(seen, GuildSeen::Joined { chat: chat(SYSTEM_CHANNEL), channel });
}

#[test]
fn a_guild_joined_long_ago_is_only_present() {
    let seen = guild_seen(&guild(|_| {}), BOT, JOINED + JOIN_WINDOW_SECS + 1);
    assert_eq!(seen, GuildSeen::Present { chat: chat(SYSTEM_CHANNEL) });
}

#[test]
fn without_a_system_channel_the_first_text_channel_by_position_is_used() {
    let seen = guild_seen(&guild(|g| g["system_channel_id"] = Value::Null), BOT, JOINED);
    let announcements = "197038439483310088";
    assert_eq!(
        seen,
        GuildSeen::Joined { chat: chat(announcements), channel: Some(ChannelId::new(197038439483310088)) }
    );
}

#[test]
fn channels_the_bot_cannot_write_in_are_skipped() {
    // @everyone may not send in #general (the system channel) nor in #announcements.
    let deny_send = json!([{"id": GUILD, "type": 0, "allow": "0", "deny": "2048"}]);
    let seen = guild_seen(
        &guild(|g| {
            g["channels"][0]["permission_overwrites"] = deny_send.clone();
            g["channels"][1]["permission_overwrites"] = deny_send;
        }),
        BOT,
        JOINED,
    );
    assert_eq!(seen, GuildSeen::Joined { chat: chat("0"), channel: None });
}

#[test]
fn a_reply_to_the_bots_post_is_a_topic_reply_by_the_replier() {
    let Some(Inbound::Command { actor, chat, parsed, event_id }) = topic_reply(&message(|_| {}), BOT, false) else {
        panic!("a reply to the bot is a topic reply");
    };
    assert_eq!(parsed, Ok(Command::ReplyToPost { message_id: "1200000000000000001".into() }));
    assert_eq!(actor.platform, Platform::Discord);
    assert_eq!(actor.user_id, "80351110224678912");
    assert_eq!(actor.display_name, "Bobby");
    assert_eq!(
        chat,
        ChatRef::Discord { guild_id: "290926798626357999".into(), channel_id: "645027906669510667".into() }
    );
    assert_eq!(event_id, "discord:message:1200000000000000100");
}

#[test]
fn a_message_in_a_thread_the_bot_opened_answers_the_post_the_thread_grew_from() {
    let in_thread = message(|m| {
        m["type"] = json!(0);
        m["channel_id"] = json!("1200000000000000001");
        m.as_object_mut().map(|fields| (fields.remove("message_reference"), fields.remove("referenced_message")));
    });
    let Some(Inbound::Command { parsed, .. }) = topic_reply(&in_thread, BOT, true) else {
        panic!("a message in the bot's thread is a topic reply");
    };
    assert_eq!(parsed, Ok(Command::ReplyToPost { message_id: "1200000000000000001".into() }));
    // The same message anywhere else is just chat.
    assert_eq!(topic_reply(&in_thread, BOT, false), None);
}

#[test]
fn replies_to_members_bots_and_dms_are_not_topic_replies() {
    let to_a_member = message(|m| {
        m["referenced_message"]["author"] =
            json!({"id": "1", "username": "carol", "discriminator": "0", "avatar": null})
    });
    assert_eq!(topic_reply(&to_a_member, BOT, false), None);
    let from_a_bot = message(|m| m["author"]["bot"] = json!(true));
    assert_eq!(topic_reply(&from_a_bot, BOT, false), None);
    let in_a_dm = message(|m| {
        m.as_object_mut().map(|fields| fields.remove("guild_id"));
    });
    assert_eq!(topic_reply(&in_a_dm, BOT, false), None);
    // A reply whose original was deleted carries no `referenced_message`.
    let to_a_deleted_post = message(|m| m["referenced_message"] = Value::Null);
    assert_eq!(topic_reply(&to_a_deleted_post, BOT, false), None);
}

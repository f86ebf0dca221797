//! Real Bot API update shapes (from core.telegram.org/bots/api), parsed by
//! teloxide and translated.

use hearth_bot::command::{Command, MemberRef, ParseError};
use hearth_bot::{ChatRef, Platform};
use hearth_telegram::translate::users_with_handles;
use hearth_telegram::{BotIdentity, Inbound, translate};
use serde_json::{Value, json};
use teloxide::types::{Update, UserId};

const GROUP: i64 = -1_001_234_567_890;

fn me() -> BotIdentity {
    BotIdentity { id: UserId(666), username: "HearthBot".into() }
}

fn update(body: Value) -> Update {
    let mut full = json!({"update_id": 10_000});
    full.as_object_mut().expect("object").extend(body.as_object().expect("object").clone());
    // From text, as updates arrive (teloxide's Update does not read from a `Value`).
    let update: Update = serde_json::from_str(&full.to_string()).expect("a Bot API update teloxide parses");
    assert!(!matches!(update.kind, teloxide::types::UpdateKind::Error(_)), "teloxide understood {full}");
    update
}

fn user(id: u64, first: &str, username: Option<&str>) -> Value {
    let mut user = json!({"id": id, "is_bot": false, "first_name": first, "language_code": "en"});
    if let Some(username) = username {
        user["username"] = json!(username);
    }
    user
}

fn group() -> Value {
    json!({"id": GROUP, "title": "Rustaceans", "type": "supergroup"})
}

fn message(id: i32, from: Value, text: &str) -> Value {
    json!({"message_id": id, "from": from, "chat": group(), "date": 1_767_000_000, "text": text})
}

fn command_of(inbound: Inbound) -> Result<Command, ParseError> {
    match inbound {
        Inbound::Command { parsed, chat, actor, .. } => {
            assert_eq!(chat, ChatRef::Telegram { chat_id: GROUP });
            assert_eq!(actor.platform, Platform::Telegram);
            parsed
        }
        other => panic!("expected a command, got {other:?}"),
    }
}

fn identity(id: &str, name: &str) -> MemberRef {
    MemberRef::Identity { platform: "telegram".into(), user_id: id.into(), display_name: name.into(), is_bot: false }
}

#[test]
fn a_command_with_and_without_the_bot_name() {
    let alice = user(1001, "Alice", Some("alice"));
    let plain = update(json!({"message": message(1, alice.clone(), "/checkin")}));
    assert_eq!(command_of(translate(&plain, &me())), Ok(Command::Checkin { note: None }));

    let addressed = update(json!({"message": message(2, alice.clone(), "/checkin@hearthbot  slept well")}));
    assert_eq!(command_of(translate(&addressed, &me())), Ok(Command::Checkin { note: Some("slept well".into()) }));

    let other_bot = update(json!({"message": message(3, alice.clone(), "/checkin@SomeOtherBot")}));
    assert_eq!(translate(&other_bot, &me()), Inbound::Ignore);

    let chatter = update(json!({"message": message(4, alice, "good morning /checkin")}));
    assert_eq!(translate(&chatter, &me()), Inbound::Ignore);
}

#[test]
fn the_actor_carries_the_user_id_and_a_clean_display_name() {
    let from = json!({"id": 1002, "is_bot": false, "first_name": "Bob\u{7}", "last_name": "<b>Builder</b>"});
    let Inbound::Command { actor, .. } = translate(&update(json!({"message": message(5, from, "/streak")})), &me())
    else {
        panic!("a command");
    };
    assert_eq!(actor.user_id, "1002");
    assert_eq!(actor.display_name, "Bob <b>Builder</b>", "control characters go; escaping is the renderer's job");
    assert!(!actor.is_platform_admin, "admin rights come from getChatMember, not from the update");
}

#[test]
fn a_text_mention_names_the_member_even_after_emoji() {
    // "🌻" is two UTF-16 code units: entity offsets count those, not bytes.
    let text = "/give 🌻 Jane Doe 3 thanks";
    let mut body = message(6, user(1001, "Alice", Some("alice")), text);
    body["entities"] = json!([
        {"type": "bot_command", "offset": 0, "length": 5},
        {"type": "text_mention", "offset": 9, "length": 8, "user": user(55, "Jane", None)},
    ]);
    body["entities"][1]["user"]["last_name"] = json!("Doe");
    // The mention is cut at the right place; the 🌻 stays and starts the reason.
    assert_eq!(
        command_of(translate(&update(json!({"message": body})), &me())),
        Ok(Command::Give { member: identity("55", "Jane Doe"), amount: None, reason: Some("🌻 3 thanks".into()) })
    );

    let mut body = message(7, user(1001, "Alice", Some("alice")), "/give Jane Doe 3 thanks");
    body["entities"] = json!([
        {"type": "bot_command", "offset": 0, "length": 5},
        {"type": "text_mention", "offset": 6, "length": 8, "user": {"id": 55, "is_bot": false, "first_name": "Jane", "last_name": "Doe"}},
    ]);
    assert_eq!(
        command_of(translate(&update(json!({"message": body})), &me())),
        Ok(Command::Give { member: identity("55", "Jane Doe"), amount: Some(3), reason: Some("thanks".into()) })
    );

    let mut body = message(8, user(1001, "Alice", Some("alice")), "/give 🌻Jane 2");
    body["entities"] = json!([
        {"type": "text_mention", "offset": 6, "length": 6, "user": {"id": 56, "is_bot": false, "first_name": "🌻Jane"}},
    ]);
    assert_eq!(
        command_of(translate(&update(json!({"message": body})), &me())),
        Ok(Command::Give { member: identity("56", "🌻Jane"), amount: Some(2), reason: None })
    );
}

#[test]
fn a_member_named_like_the_command_is_cut_where_the_mention_is() {
    // Searching for the mention's text would cut the "give" of "/give".
    let mut body = message(12, user(1001, "Alice", Some("alice")), "/give give 3 thanks");
    body["entities"] = json!([
        {"type": "bot_command", "offset": 0, "length": 5},
        {"type": "text_mention", "offset": 6, "length": 4, "user": {"id": 57, "is_bot": false, "first_name": "give"}},
    ]);
    assert_eq!(
        command_of(translate(&update(json!({"message": body})), &me())),
        Ok(Command::Give { member: identity("57", "give"), amount: Some(3), reason: Some("thanks".into()) })
    );
}

#[test]
fn entities_outside_the_text_are_ignored_not_a_panic() {
    // Found by the fuzz test: teloxide adds offset + length unchecked.
    let mut body = message(10, user(1001, "Alice", Some("alice")), "/give Jane 3");
    body["entities"] = json!([
        {"type": "text_mention", "offset": u64::MAX, "length": 4, "user": {"id": 55, "is_bot": false, "first_name": "Jane"}},
    ]);
    // Without a trustworthy mention, "Jane" is just a word: not a member.
    assert!(command_of(translate(&update(json!({"message": body})), &me())).is_err());
}

#[test]
fn a_reply_names_the_author_of_the_replied_message() {
    let mut body = message(9, user(1003, "Carol", Some("carol")), "/award 5 great review");
    body["reply_to_message"] = message(4, user(1002, "Bob", Some("bob")), "here is my PR");
    assert_eq!(
        command_of(translate(&update(json!({"message": body})), &me())),
        Ok(Command::Award { member: identity("1002", "Bob"), amount: 5, reason: "great review".into() })
    );

    // Replying to the bot's own message names nobody.
    let mut body = message(10, user(1003, "Carol", Some("carol")), "/give 2");
    body["reply_to_message"] = message(3, json!({"id": 666, "is_bot": true, "first_name": "hearth"}), "Topic!");
    assert!(matches!(
        command_of(translate(&update(json!({"message": body})), &me())),
        Err(ParseError::Invalid { arg: "member", .. })
    ));
}

#[test]
fn a_plain_reply_to_a_bot_post_is_a_reply_to_that_post() {
    let mut body = message(11, user(1001, "Alice", Some("alice")), "Traits, finally");
    body["reply_to_message"] = message(7, json!({"id": 666, "is_bot": true, "first_name": "hearth"}), "Topic!");
    match translate(&update(json!({"message": body})), &me()) {
        Inbound::ReplyToBot { bot_message_id, message_id, actor, .. } => {
            assert_eq!((bot_message_id.0, message_id.0, actor.user_id.as_str()), (7, 11, "1001"));
        }
        other => panic!("expected a reply to the bot, got {other:?}"),
    }
    // A reply to a member is chat between members.
    let mut body = message(12, user(1001, "Alice", Some("alice")), "agreed");
    body["reply_to_message"] = message(4, user(1002, "Bob", None), "hi");
    assert_eq!(translate(&update(json!({"message": body})), &me()), Inbound::Ignore);
}

#[test]
fn a_button_tap_becomes_the_command_it_stands_for() {
    let tap = update(json!({"callback_query": {
        "id": "4382bfdwdsb323b2d9",
        "from": user(1001, "Alice", Some("alice")),
        "message": message(20, json!({"id": 666, "is_bot": true, "first_name": "hearth"}), "Vote!"),
        "chat_instance": "-4410337562349839123",
        "data": "/vote 2",
    }}));
    match translate(&tap, &me()) {
        Inbound::Button { parsed, callback_id, chat, actor } => {
            assert_eq!(parsed, Ok(Command::Vote { entry: 2 }));
            assert_eq!(callback_id, "4382bfdwdsb323b2d9");
            assert_eq!(chat, ChatRef::Telegram { chat_id: GROUP });
            assert_eq!(actor.display_name, "Alice");
        }
        other => panic!("expected a button, got {other:?}"),
    }
    // Data that is not a command line is not one of our buttons.
    let foreign = update(json!({"callback_query": {
        "id": "1", "from": user(1001, "Alice", None), "chat_instance": "1", "data": "like:42",
        "message": message(20, json!({"id": 666, "is_bot": true, "first_name": "hearth"}), "x"),
    }}));
    assert_eq!(translate(&foreign, &me()), Inbound::Ignore);
}

fn membership(old: &str, new: &str, user_id: u64) -> Update {
    let member = |status: &str| {
        let mut m = json!({"status": status, "user": {"id": user_id, "is_bot": true, "first_name": "hearth", "username": "HearthBot"}});
        if status == "kicked" {
            m["until_date"] = json!(0);
        }
        m
    };
    update(json!({"my_chat_member": {
        "chat": group(),
        "from": user(9, "Owner", None),
        "date": 1_767_000_000,
        "old_chat_member": member(old),
        "new_chat_member": member(new),
    }}))
}

#[test]
fn being_added_or_removed_is_an_onboarding_event() {
    let chat = ChatRef::Telegram { chat_id: GROUP };
    assert_eq!(translate(&membership("left", "member", 666), &me()), Inbound::Joined { chat: chat.clone() });
    assert_eq!(translate(&membership("member", "kicked", 666), &me()), Inbound::Removed { chat: chat.clone() });
    assert_eq!(translate(&membership("member", "left", 666), &me()), Inbound::Removed { chat });
    // Another bot joining is not about us.
    assert_eq!(translate(&membership("left", "member", 777), &me()), Inbound::Ignore);
}

#[test]
fn edits_and_service_messages_are_ignored() {
    let edited = update(json!({"edited_message": message(1, user(1001, "Alice", None), "/checkin")}));
    assert_eq!(translate(&edited, &me()), Inbound::Ignore);
}

#[test]
fn handles_are_collected_from_senders_and_replied_authors() {
    let mut body = message(13, user(1001, "Alice", Some("Alice_R")), "/give 2");
    body["reply_to_message"] = message(4, user(1002, "Bob", Some("bob")), "hi");
    let seen: Vec<(String, String)> = users_with_handles(&update(json!({"message": body})))
        .into_iter()
        .map(|(handle, owner)| (handle, owner.user_id))
        .collect();
    assert_eq!(seen, [("alice_r".to_string(), "1001".to_string()), ("bob".to_string(), "1002".to_string())]);
}

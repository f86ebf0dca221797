//! Damaged Bot API updates never panic teloxide's parser or the translator.
//! More cases: `PROPTEST_CASES=100000 cargo test --release --test fuzz`.

#[path = "../../../tests/shared/json_mutations.rs"]
mod json_mutations;

use hearth_telegram::translate::{repaired, users_with_handles};
use hearth_telegram::{BotIdentity, translate};
use json_mutations::{flipped_bytes, mutated};
use proptest::prelude::*;
use serde_json::{Value, json};
use teloxide::types::{Update, UserId};

fn updates() -> Vec<Value> {
    let alice = json!({"id": 1001, "is_bot": false, "first_name": "Alice", "username": "alice"});
    let group = json!({"id": -1_001_234_567_890_i64, "title": "Rustaceans", "type": "supergroup"});
    let bot = json!({"id": 666, "is_bot": true, "first_name": "Hearth", "username": "HearthBot"});
    vec![
        json!({"update_id": 1, "message": {"message_id": 7, "from": alice, "chat": group, "date": 1_767_000_000,
               "text": "/give @bob 3 thanks", "entities": [{"type": "bot_command", "offset": 0, "length": 5},
               {"type": "text_mention", "offset": 6, "length": 4, "user": {"id": 1002, "is_bot": false, "first_name": "Bob"}}]}}),
        json!({"update_id": 2, "message": {"message_id": 8, "from": alice, "chat": group, "date": 1_767_000_000,
               "text": "my answer", "reply_to_message": {"message_id": 5, "from": bot, "chat": group,
               "date": 1_766_999_000, "text": "Topic"}}}),
        json!({"update_id": 3, "callback_query": {"id": "99", "from": alice, "chat_instance": "1",
               "data": "/checkin", "message": {"message_id": 5, "from": bot, "chat": group, "date": 1_766_999_000, "text": "Reminder"}}}),
        json!({"update_id": 4, "my_chat_member": {"chat": group, "from": alice, "date": 1_767_000_000,
               "old_chat_member": {"user": bot, "status": "left"}, "new_chat_member": {"user": bot, "status": "member"}}}),
    ]
}

fn handle(text: &[u8]) {
    let me = BotIdentity { id: UserId(666), username: "HearthBot".into() };
    if let Ok(update) = serde_json::from_slice::<Update>(text) {
        let update = repaired(update);
        let _ = users_with_handles(&update);
        let _ = translate(&update, &me);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn damaged_updates_parse_or_fail_cleanly(update in prop::sample::select(updates()).prop_flat_map(mutated)) {
        handle(update.to_string().as_bytes());
    }

    #[test]
    fn update_bytes_with_flips_never_panic(bytes in flipped_bytes(&updates()[0])) {
        handle(&bytes);
    }
}

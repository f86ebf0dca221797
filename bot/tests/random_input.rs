//! Random input lines never panic and never change the ledger unless they
//! are valid commands.

mod support;

use proptest::prelude::*;
use support::{BERLIN, Chat};

fn line() -> impl Strategy<Value = String> {
    let word = prop_oneof![
        Just("/give".to_string()),
        Just("/award".to_string()),
        Just("/checkin".to_string()),
        Just("/profile".to_string()),
        Just("/leaderboard".to_string()),
        Just("/forgetme".to_string()),
        Just("@bob".to_string()),
        Just("@".to_string()),
        Just("-9223372036854775808".to_string()),
        Just("99999999999999999999".to_string()),
        Just("\u{202e}".to_string()),
        Just("@everyone".to_string()),
        "[0-9]{1,4}",
        "\\PC{0,12}",
        ".{0,12}",
    ];
    prop::collection::vec(word, 0..6).prop_map(|words| words.join(" "))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn random_lines_never_panic_or_change_the_ledger(lines in prop::collection::vec(line(), 1..12)) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
        runtime.block_on(async {
            let chat = Chat::start(BERLIN, "2026-03-02T08:00:00Z").await;
            chat.say("bob", "/checkin").await;
            for line in &lines {
                let before = chat.export().await.ledger.len();
                let reply = chat.reply("alice", line).await;
                let after = chat.export().await.ledger.len();
                let valid_writer = matches!(
                    hearth_bot::command::parse(line),
                    Ok(hearth_bot::command::Command::Give { .. }
                        | hearth_bot::command::Command::Checkin { .. }
                        | hearth_bot::command::Command::ForgetMe { confirm: true })
                );
                if !valid_writer {
                    assert_eq!(before, after, "{line:?} changed the ledger");
                }
                if let Some(reply) = reply {
                    assert!(!reply.to_plain_text().is_empty(), "{line:?} got an empty reply");
                }
            }
            chat.assert_totals_match_ledger().await;
        });
    }
}

#[test]
fn postgres_conformance() {
    support::run_on_postgres(&[]);
}

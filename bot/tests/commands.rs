//! Commands as members and admins type them: amounts, the admin gate, the
//! manual challenge, and the wording of replies and posts.

mod support;

use hearth_bot::Platform;
use hearth_bot::command::{self, ArgKind, COMMANDS};
use support::{BERLIN, Chat};

// Monday 2 March 2026, 09:00 in Berlin (CET).
const MONDAY_9AM: &str = "2026-03-02T08:00:00Z";

/// A community whose challenge and reminder only move when an admin says so.
const MANUAL: &str = r#"
[console]
admins = ["ada"]

[[community]]
id = "makers"
name = "Makers"
timezone = "Europe/Berlin"

[community.checkin]
freeze_every = 1
max_freezes = 1

[community.challenge]
entry_points = 5
winner_points = [30, 20, 10]

[[community.schedule]]
id = "reminder"
cron = "0 20 * * *"
action = "checkin_reminder"
"#;

fn chinese(toml: &str) -> String {
    toml.replace("timezone = \"Europe/Berlin\"", "timezone = \"Europe/Berlin\"\nlocale = \"zh-CN\"")
}

#[tokio::test]
async fn an_attempted_amount_is_refused_with_the_usage_and_changes_nothing() {
    let chat = Chat::start(BERLIN, MONDAY_9AM).await;
    chat.say("bob", "/checkin").await;
    chat.say("alice", "/checkin").await;
    let before = chat.ledger().await;
    for amount in ["2.5", "1,5", "1e3", "0x3", "3pts", "２．５"] {
        let reply = chat.say("alice", &format!("/give @bob {amount} thanks")).await;
        assert_eq!(
            reply, "amount: expected a whole number. Usage: /give <member> [amount] [reason]",
            "/give @bob {amount}"
        );
    }
    assert_eq!(chat.ledger().await, before, "no attempted amount gave anything");

    // A reason that is plainly words stays the reason, for 1 point.
    let words = chat.say("alice", "/give @bob thanks a lot").await;
    assert!(words.contains("alice gave bob 1 point: thanks a lot"), "{words}");
    let ordinal = chat.say("alice", "/give @bob 2nd review this week").await;
    assert!(ordinal.contains("alice gave bob 1 point: 2nd review this week"), "{ordinal}");
}

#[tokio::test]
async fn full_width_digits_and_signs_are_read_as_digits() {
    let chat = Chat::start(BERLIN, MONDAY_9AM).await;
    chat.say("bob", "/checkin").await;
    let gave = chat.say("alice", "/give @bob ３ 谢谢").await;
    assert!(gave.contains("alice gave bob 3 points: 谢谢"), "{gave}");
    let revoked = chat.say("ada", "/award @bob －２ 刷屏").await;
    assert!(revoked.contains("bob lost 2 points: 刷屏 (balance 11)"), "{revoked}");
    let awarded = chat.say("ada", "/award @bob ＋１０ 分享").await;
    assert!(awarded.contains("bob was awarded 10 points: 分享 (balance 21)"), "{awarded}");
    let suggested = chat.say("bob", "/topic suggest 最喜欢的命令行工具").await;
    assert!(suggested.contains("#1"), "{suggested}");
    let approved = chat.say("ada", "/topic approve １").await;
    assert!(approved.contains("Suggestion #1 is approved"), "{approved}");
}

#[tokio::test]
async fn huge_and_zero_amounts_say_the_real_range() {
    let chat = Chat::start(BERLIN, MONDAY_9AM).await;
    chat.say("bob", "/checkin").await;
    let before = chat.ledger().await;
    assert_eq!(
        chat.say("alice", "/give @bob 99999999999999999999").await,
        "The amount must be a whole number from 1 to 5."
    );
    let not_zero = "The amount must be a whole number from -1,000,000 to 1,000,000, but not 0.";
    assert_eq!(chat.say("ada", "/award @bob 99999999999999999999 wow").await, not_zero);
    assert_eq!(chat.say("ada", "/award @bob -99999999999999999999 wow").await, not_zero);
    assert_eq!(chat.say("ada", "/award @bob 1000001 wow").await, not_zero);
    assert_eq!(chat.say("ada", "/award @bob 0 nothing").await, not_zero);
    assert_eq!(chat.ledger().await, before);
}

#[tokio::test]
async fn one_point_is_one_point() {
    let chat = Chat::start(BERLIN, MONDAY_9AM).await;
    chat.say("ann", "/checkin").await;
    let awarded = chat.say("ada", "/award @ann 1 typo fix").await;
    assert!(awarded.contains("ann was awarded 1 point: typo fix (balance 11)"), "{awarded}");
    let lost = chat.say("ada", "/award @ann -1 double post").await;
    assert!(lost.contains("ann lost 1 point: double post (balance 10)"), "{lost}");
}

/// A line that runs `spec` with plausible arguments.
fn line_for(spec: &command::CommandSpec) -> String {
    let mut words = vec![format!("/{}", spec.name)];
    words.extend(spec.sub.map(str::to_string));
    for arg in spec.args {
        words.push(match arg.kind {
            ArgKind::Member => "@alice".to_string(),
            ArgKind::Integer => "1".to_string(),
            ArgKind::Choice(choices) => choices[0].to_string(),
            ArgKind::Text { .. } if arg.name == "schedule" => "reminder".to_string(),
            ArgKind::Text { .. } => "a few words".to_string(),
        });
    }
    words.join(" ")
}

#[tokio::test]
async fn every_admin_command_in_the_table_is_refused_to_a_member_and_changes_nothing() {
    let chat = Chat::start(MANUAL, MONDAY_9AM).await;
    chat.say("ada", "/challenge start Tiny tools").await;
    chat.say("alice", "/submit a one-line shell").await;
    chat.say("bob", "/topic suggest favourite editors").await;
    let admin_commands: Vec<_> = COMMANDS.iter().filter(|spec| spec.admin).collect();
    assert!(admin_commands.len() >= 8, "the table's admin commands: {admin_commands:?}");

    let before = chat.export().await;
    let challenge_before = chat.say("alice", "/challenge").await;
    for spec in &admin_commands {
        let line = line_for(spec);
        assert_eq!(command::parse(&line).ok().and_then(|c| c.spec()), Some(*spec), "{line}");
        // carol has never spoken: not even her member row may appear.
        assert_eq!(chat.say("carol", &line).await, "Only admins can do that.", "{line}");
    }
    let after = chat.export().await;
    assert_eq!(after.members.len(), before.members.len(), "no member row for the refused asker");
    assert_eq!(after.ledger.len(), before.ledger.len());
    assert_eq!(chat.say("alice", "/challenge").await, challenge_before);
    assert!(chat.engine.pending_posts(Platform::Console, &chat.community).await.expect("posts").is_empty());

    // The same lines pass the gate for an admin.
    for spec in &admin_commands {
        let line = line_for(spec);
        assert!(!chat.say("ada", &line).await.contains("Only admins"), "{line}");
    }
}

#[tokio::test]
async fn an_admin_moves_a_manual_challenge_to_voting() {
    let chat = Chat::start(MANUAL, MONDAY_9AM).await;
    let opened = chat.say("ada", "/challenge start Tiny tools").await;
    assert!(opened.contains("Submit with /submit <text or link> until an admin opens the voting."), "{opened}");
    let submitted = chat.say("alice", "/submit a one-line shell").await;
    assert!(submitted.contains("You can replace it with /submit until an admin opens the voting."), "{submitted}");
    chat.say("bob", "/submit a pocket calculator").await;
    assert!(chat.say("bob", "/challenge").await.contains("Open for entries until an admin opens the voting"));
    assert!(chat.say("bob", "/vote 1").await.contains("Voting has not started yet"));
    assert!(chat.say("ada", "/help").await.contains("/challenge voting — end submissions now and open the voting"));

    let voting = chat.reply("ada", "/challenge voting").await.expect("a reply");
    assert!(!voting.ephemeral, "the voting post is for everyone");
    let text = voting.to_plain_text();
    assert!(text.contains("Vote for the best entry: Tiny tools"), "{text}");
    assert!(text.contains("1. alice — a one-line shell\n2. bob — a pocket calculator"), "{text}");
    assert!(text.contains("or a button until an admin closes the challenge."), "{text}");
    let buttons: Vec<&str> = voting.buttons.iter().map(|b| b.command.as_str()).collect();
    assert_eq!(buttons, vec!["/vote 1", "/vote 2"]);

    assert!(chat.say("alice", "/submit too late").await.contains("Submissions are closed"));
    assert!(chat.say("bob", "/vote 1").await.contains("Your vote for entry #1 is counted."));
    assert!(chat.say("bob", "/challenge").await.contains("Voting until an admin closes the challenge"));
    assert!(chat.say("ada", "/challenge voting").await.contains("Voting has already started"));
    let results = chat.say("ada", "/challenge close").await;
    assert!(results.contains("alice — 1 vote (+30)"), "{results}");
    assert!(chat.say("ada", "/challenge voting").await.contains("No challenge is running"));
}

#[tokio::test]
async fn a_manual_challenge_reads_naturally_in_chinese() {
    let chat = Chat::start(&chinese(MANUAL), MONDAY_9AM).await;
    let opened = chat.say("ada", "/challenge start 小工具").await;
    assert!(opened.contains("管理员开启投票之前，用 /submit <文字或链接> 提交作品。"), "{opened}");
    assert!(!opened.contains("时 前"), "{opened}");
    let submitted = chat.say("alice", "/submit 一行 shell").await;
    assert!(submitted.contains("已收到 1 号作品。管理员开启投票之前可以用 /submit 替换。"), "{submitted}");
    assert!(chat.say("alice", "/challenge").await.contains("征集作品中，直到管理员开启投票 · 目前 1 份作品。"));
    let voting = chat.say("ada", "/challenge voting").await;
    assert!(voting.contains("管理员结束挑战之前，用 /vote <编号> 或按钮投票。"), "{voting}");
}

#[tokio::test]
async fn streak_held_by_a_freeze_says_when_to_check_in_to_keep_it() {
    let chat = Chat::start(MANUAL, MONDAY_9AM).await;
    assert!(chat.say("ann", "/checkin").await.contains("Freeze earned"));
    chat.advance_days(1);
    let streak = chat.say("ann", "/streak").await;
    assert!(streak.contains("Streak: 1 day (best 1). Freezes held: 1."), "{streak}");
    // Tuesday missed would be frozen: the streak lasts until Thursday's day begins (00:00, the default).
    assert!(
        streak.contains("Not checked in yet today: check in before Thu 5 Mar 00:00 to keep the streak (your freeze covers the days missed until then)."),
        "{streak}"
    );
    assert!(!streak.contains("start a streak"), "{streak}");
    // And it does: a check-in on Wednesday keeps it.
    chat.advance_days(1);
    assert!(chat.say("ann", "/checkin").await.contains("day 2"));
}

#[tokio::test]
async fn the_reminder_thanks_everyone_once_all_have_checked_in() {
    let chat = Chat::start(MANUAL, MONDAY_9AM).await;
    for name in ["ann", "bob", "ada"] {
        chat.say(name, "/checkin").await;
    }
    chat.say("ada", "/post reminder").await;
    let posts = chat.engine.pending_posts(Platform::Console, &chat.community).await.expect("posts");
    let post = &posts.last().expect("the reminder post").reply;
    let text = post.to_plain_text();
    assert!(text.contains("Everyone has checked in today"), "{text}");
    assert!(text.contains("All 3 members have checked in. Thank you, see you tomorrow!"), "{text}");
    assert!(!text.contains("Time to check in"), "{text}");
    assert!(post.buttons.is_empty(), "nothing left to tap");
}

#[tokio::test]
async fn the_reminder_still_reminds_while_someone_has_not_checked_in() {
    let chat = Chat::start(MANUAL, MONDAY_9AM).await;
    chat.say("ann", "/checkin").await;
    chat.say("bob", "/streak").await;
    chat.say("ada", "/post reminder").await;
    let posts = chat.engine.pending_posts(Platform::Console, &chat.community).await.expect("posts");
    let text = posts.last().expect("the reminder post").reply.to_plain_text();
    assert!(text.contains("Time to check in"), "{text}");
    assert!(text.contains("1 of 3 members have checked in today."), "{text}");
}

#[tokio::test]
async fn naming_someone_who_only_chatted_says_what_they_need_to_do() {
    let chat = Chat::start(BERLIN, MONDAY_9AM).await;
    // The console hands plain chat to no engine rule: it records nobody.
    assert!(chat.reply("ann", "hello everyone").await.is_none());
    let refused = chat.say("bob", "/give @ann").await;
    assert_eq!(refused, "I don't know @ann yet: they need to use a hearth command here first, like /checkin.");
    chat.say("ann", "/checkin").await;
    assert!(chat.say("bob", "/give @ann").await.contains("bob gave ann 1 point"));
}

#[tokio::test]
async fn chinese_usage_and_refusals_name_the_arguments_in_chinese() {
    let chat = Chat::start(&chinese(BERLIN), MONDAY_9AM).await;
    assert_eq!(chat.say("alice", "/give").await, "缺少成员。用法：/give <成员> [数量] [原因]");
    assert_eq!(chat.say("ada", "/award @alice 5").await, "缺少原因。用法：/award <成员> <数量> <原因>");
    assert_eq!(chat.say("alice", "/give @bob 2.5").await, "数量：应为一个整数。用法：/give <成员> [数量] [原因]");
    assert_eq!(
        chat.say("alice", "/leaderboard yearly").await,
        "范围：应为以下之一：all、week、month、season。用法：/leaderboard [all|week|month|season]"
    );
    let help = chat.say("ada", "/help").await;
    for usage in
        ["/give <成员> [数量] [原因]", "/submit <作品>", "/vote <编号>", "/post <定时任务>", "/challenge voting"]
    {
        assert!(help.contains(usage), "{usage} in {help}");
    }
    assert!(!help.contains("<member>"), "{help}");
}

#[tokio::test]
async fn counts_of_one_read_in_the_singular() {
    let one_give = BERLIN.replace("give_allowance = 2", "give_allowance = 1");
    let chat = Chat::start(&one_give, MONDAY_9AM).await;
    chat.say("bob", "/checkin").await;
    chat.say("alice", "/streak").await;
    chat.say("ada", "/award @alice 1 welcome").await;
    let profile = chat.say("alice", "/profile").await;
    assert!(profile.contains("1 point; 49 more to level 2."), "{profile}");
    chat.say("alice", "/give @bob").await;
    let refused = chat.say("alice", "/give @bob").await;
    assert!(refused.contains("You have used your 1 give for today; it resets Tue 3 Mar 04:00."), "{refused}");
}

#[test]
fn postgres_conformance() {
    support::run_on_postgres(&[]);
}

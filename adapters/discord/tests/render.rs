//! Rendering replies for Discord: hostile text, Discord's limits, buttons.

use hearth_bot::reply::{Button, Line, Reply, Span};
use hearth_discord::render::{
    CONTENT_LIMIT, ChartImage, EMBED_DESCRIPTION_LIMIT, EMBEDS_TOTAL_LIMIT, escape, interaction_response, post_message,
    render,
};
use serde_json::json;

#[test]
fn user_text_cannot_format_or_ping() {
    let reply = Reply::public().line(Line(vec![
        Span::Bold("Winner: ".into()),
        Span::Mention { member_id: 1, name: "@everyone <@&123> **boss**".into() },
        Span::Plain(" said ||spoiler|| [click](https://evil.example) `code` ~~x~~ _y_".into()),
    ]));
    let text = render(&reply, false).content.expect("content");
    assert_eq!(
        text,
        "**Winner: **@\u{200b}everyone \\<@\u{200b}&123> \\*\\*boss\\*\\* said \\|\\|spoiler\\|\\| \\[click\\](https://evil.example) \\`code\\` \\~\\~x\\~\\~ \\_y\\_"
    );
    let json = serde_json::to_value(interaction_response(&reply)).expect("serializes");
    assert_eq!(json["data"]["allowed_mentions"]["parse"], json!([]));
}

#[test]
fn line_starts_are_escaped_only_where_they_mean_something() {
    assert_eq!(escape("# heading"), "\\# heading");
    assert_eq!(escape("> quote - dash"), "\\> quote - dash");
    assert_eq!(escape("a-b: c (d)"), "a-b: c (d)");
}

#[test]
fn rtl_and_emoji_pass_through() {
    let text = "مرحبا 👋🏽 שלום 🇩🇪";
    assert_eq!(render(&Reply::public().text(text), false).content.as_deref(), Some(text));
}

#[test]
fn long_answers_become_embeds_within_every_limit() {
    let mut reply = Reply::public();
    for i in 0..400 {
        reply.push(Line::plain(format!("{i:03}. a member with a long name — 1,000 pts 🔥")));
    }
    let rendered = render(&reply, false);
    assert!(rendered.content.is_none());
    assert!(rendered.embeds.len() >= 2);
    let total: usize = rendered.embeds.iter().map(|e| e.chars().count()).sum();
    assert!(total <= EMBEDS_TOTAL_LIMIT, "{total}");
    assert!(rendered.embeds.iter().all(|e| e.chars().count() <= EMBED_DESCRIPTION_LIMIT));
    assert!(rendered.embeds.last().is_some_and(|e| e.ends_with('…')), "the cut is visible");
}

#[test]
fn a_five_thousand_character_line_is_cut_visibly() {
    let rendered = render(&Reply::public().text("x".repeat(5_000)), false);
    assert_eq!(rendered.embeds.len(), 1);
    assert_eq!(rendered.embeds[0].chars().count(), EMBED_DESCRIPTION_LIMIT);
    let short = render(&Reply::public().text("y".repeat(CONTENT_LIMIT)), false);
    assert_eq!(short.content.map(|c| c.chars().count()), Some(CONTENT_LIMIT));
}

#[test]
fn posts_are_embeds_with_buttons_and_an_enforced_nonce() {
    let mut reply = Reply::public().text("Time to check in!");
    reply.buttons = (1..=7).map(|n| Button { label: format!("Vote {n}"), command: format!("/vote {n}") }).collect();
    let json = serde_json::to_value(post_message(&reply, 42, None)).expect("serializes");
    assert_eq!(json["nonce"], "hearth-42");
    assert_eq!(json["enforce_nonce"], true);
    assert_eq!(json["embeds"][0]["description"], "Time to check in!");
    assert_eq!(json["components"][0]["components"].as_array().map(Vec::len), Some(5));
    assert_eq!(json["components"][1]["components"][1]["custom_id"], "/vote 7");
    assert_eq!(json["allowed_mentions"]["parse"], json!([]));
}

#[test]
fn a_post_with_a_chart_shows_its_attachment_in_the_last_embed() {
    let reply = Reply::public().text("📰 Rustaceans this week").text("11 check-ins");
    let image = ChartImage {
        file_name: "digest-2026-03-16.png".into(),
        alt: "Check-ins per day: 2, 1, 2".into(),
        png: b"\x89PNG fake".to_vec(),
    };
    let json = serde_json::to_value(post_message(&reply, 7, Some(image))).expect("serializes");
    let embeds = json["embeds"].as_array().expect("embeds");
    assert_eq!(embeds.last().unwrap()["image"]["url"], "attachment://digest-2026-03-16.png");
    assert_eq!(embeds[0]["description"], "📰 Rustaceans this week\n11 check-ins");
    assert_eq!(json["attachments"][0]["filename"], "digest-2026-03-16.png", "{json}");
    assert_eq!(json["attachments"][0]["description"], "Check-ins per day: 2, 1, 2");
    assert_eq!(json["nonce"], "hearth-7");
}

#[test]
fn private_answers_are_ephemeral() {
    let json = serde_json::to_value(interaction_response(&Reply::ephemeral().text("only you"))).expect("serializes");
    assert_eq!(json["type"], 4);
    assert_eq!(json["data"]["flags"], 64);
}

//! Rendering replies as Telegram HTML: hostile text, limits, buttons.

use hearth_bot::reply::{Button, Line, Reply, Span};
use hearth_telegram::render::{
    CAPTION_LIMIT, MESSAGE_LIMIT, TOAST_LIMIT, escape, render, render_captioned, toast, visible_length,
};

fn unescape(html: &str) -> String {
    html.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&amp;", "&")
}

#[test]
fn user_text_never_becomes_markup() {
    let reply = Reply::public()
        .line(Line(vec![
            Span::Bold("Winner: ".into()),
            Span::Mention { member_id: 1, name: "<b>@everyone</b>".into() },
            Span::Plain(" said <script>alert('x')</script> & \"more\"".into()),
        ]))
        .line(Line(vec![
            Span::Code("a<b>&c".into()),
            Span::Link { text: "<i>docs</i>".into(), url: "javascript:alert(1)".into() },
        ]));
    let rendered = render(&reply);
    assert_eq!(
        rendered.messages,
        [concat!(
            "<b>Winner: </b>&lt;b&gt;@everyone&lt;/b&gt; said &lt;script&gt;alert('x')&lt;/script&gt; &amp; &quot;more&quot;\n",
            "<code>a&lt;b&gt;&amp;c</code>&lt;i&gt;docs&lt;/i&gt;"
        )]
    );
}

#[test]
fn links_keep_only_web_urls() {
    let reply =
        Reply::public().line(Line(vec![Span::Link { text: "guide".into(), url: "https://x.org/?a=1&b=\"2\"".into() }]));
    assert_eq!(render(&reply).messages, ["<a href=\"https://x.org/?a=1&amp;b=&quot;2&quot;\">guide</a>"]);
}

#[test]
fn rtl_and_emoji_pass_through_untouched() {
    let text = "مرحبا بالعالم 👋🏽 שלום 🇩🇪 e\u{301}";
    assert_eq!(render(&Reply::public().text(text)).messages, [text]);
}

#[test]
fn a_five_thousand_character_line_is_cut_into_messages_within_the_limit() {
    let long: String = "<&ab".repeat(1_250);
    let rendered = render(&Reply::public().text(long.clone()));
    assert!(rendered.messages.len() >= 2, "{} messages", rendered.messages.len());
    for message in &rendered.messages {
        assert!(message.chars().count() <= MESSAGE_LIMIT);
        // No entity is cut in half.
        assert!(!message.ends_with('&') && !message.contains("&l\n"));
    }
    assert_eq!(rendered.messages.iter().map(|m| unescape(m)).collect::<String>(), long);
}

#[test]
fn many_lines_split_only_between_lines() {
    let lines: Vec<String> = (0..300).map(|i| format!("{i:03}. member number {i} — 1,000 pts 🔥")).collect();
    let mut reply = Reply::public();
    for line in &lines {
        reply.push(Line::plain(line.clone()));
    }
    let rendered = render(&reply);
    assert!(rendered.messages.len() >= 2);
    let mut rejoined = Vec::new();
    for message in &rendered.messages {
        assert!(message.chars().count() <= MESSAGE_LIMIT);
        rejoined.extend(message.split('\n').map(str::to_string));
    }
    assert_eq!(rejoined, lines);
}

#[test]
fn buttons_become_one_inline_keyboard_with_their_commands() {
    let mut reply = Reply::public().text("Vote for your favourite");
    reply.buttons = (1..=4).map(|n| Button { label: format!("Vote {n}"), command: format!("/vote {n}") }).collect();
    let keyboard = render(&reply).keyboard.expect("a keyboard");
    let json = serde_json::to_value(&keyboard).expect("serializes");
    assert_eq!(json["inline_keyboard"][0][0]["text"], "Vote 1");
    assert_eq!(json["inline_keyboard"][0][0]["callback_data"], "/vote 1");
    assert_eq!(json["inline_keyboard"][1][0]["callback_data"], "/vote 4");
    assert!(render(&Reply::public().text("no buttons")).keyboard.is_none());
}

#[test]
fn a_toast_is_plain_and_fits_telegrams_limit() {
    let reply = Reply::ephemeral().line(Line::bold("You already checked in <today>")).text("x".repeat(400));
    let toast = toast(&reply);
    assert!(toast.starts_with("You already checked in <today>\n"), "a toast is not HTML: {toast}");
    assert_eq!(toast.chars().count(), TOAST_LIMIT);
    assert!(toast.ends_with('…'));
}

#[test]
fn escaping_is_total() {
    assert_eq!(escape("<>&\"'"), "&lt;&gt;&amp;&quot;'");
}

#[test]
fn a_short_digest_is_all_caption() {
    let reply = Reply::public().line(Line::bold("📰 Rustaceans this week")).text("11 check-ins · 2 active <members>");
    let captioned = render_captioned(&reply);
    assert_eq!(captioned.caption, "<b>📰 Rustaceans this week</b>\n11 check-ins · 2 active &lt;members&gt;");
    assert!(captioned.messages.is_empty());
}

#[test]
fn telegram_counts_the_caption_without_tags_and_entities_as_one() {
    assert_eq!(visible_length("<b>a&amp;b</b>"), 3);
    assert_eq!(visible_length("📰 x"), 4, "an emoji is two UTF-16 units");
    assert_eq!(visible_length("签到"), 2);
}

#[test]
fn a_long_digest_splits_on_a_line_boundary_after_the_caption() {
    // 30 lines of 50 characters (with & that HTML makes five): 1,530 visible.
    let lines: Vec<String> = (0..30).map(|i| format!("{i:02} {}&", "x".repeat(46))).collect();
    let reply = lines.iter().fold(Reply::public(), |reply, line| reply.text(line.clone()));
    let captioned = render_captioned(&reply);
    assert!(visible_length(&captioned.caption) <= CAPTION_LIMIT, "{}", visible_length(&captioned.caption));
    assert!(captioned.caption.len() > CAPTION_LIMIT, "entities are counted as one: more bytes fit");
    let in_caption = captioned.caption.lines().count();
    assert_eq!(in_caption, 20, "20 lines of 50 and 19 newlines fit in 1,024; 21 do not");
    assert_eq!(captioned.messages.len(), 1);
    assert!(captioned.messages[0].starts_with("20 xxx"), "{}", captioned.messages[0]);
    let all: Vec<String> = captioned.caption.lines().chain(captioned.messages[0].lines()).map(unescape).collect();
    assert_eq!(all, lines, "nothing lost, nothing repeated, in order");
}

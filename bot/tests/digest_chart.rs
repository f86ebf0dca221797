//! The weekly digest's chart as a conversation: a week of check-ins and a
//! give, the week before, and the chart's figures against the text's.

mod support;

use chrono::{DateTime, Duration, Utc};
use hearth_bot::Platform;
use hearth_bot::chart::{Chart, SeriesChart, SeriesStyle};
use hearth_bot::reply::Reply;
use support::Chat;

const CONFIG: &str = r#"
[console]
admins = ["ada"]

[[community]]
id = "rustaceans"
name = "Rustaceans"
timezone = "Europe/Berlin"
locale = "LOCALE"

[community.checkin]
day_starts_at = "04:00"

[[community.schedule]]
id = "weekly-digest"
cron = "0 9 * * MON"
action = "digest"
"#;

fn at(instant: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(instant).expect("RFC 3339").with_timezone(&Utc)
}

async fn delivered(chat: &Chat) -> Vec<Reply> {
    let posts = chat.engine.pending_posts(Platform::Console, &chat.community).await.expect("outbox");
    let mut replies = Vec::new();
    for post in posts {
        chat.engine.mark_delivered(post.id, None).await.expect("delivered");
        replies.push(post.reply);
    }
    replies
}

/// Two weeks in Berlin, then Monday 16 March's digest.
/// 2–8 March: carol checks in on Wednesday and Thursday.
/// 9–15 March: alice every day, bob every other day (Mon, Wed, Fri, Sun),
/// and on Tuesday alice gives bob a point (so bob is active that day too).
/// Monday 16 March before the digest: dave checks in (not in the window).
async fn two_weeks(locale: &str) -> (Chat, Reply) {
    let chat = Chat::start(&CONFIG.replace("LOCALE", locale), "2026-03-02T07:00:00Z").await;
    chat.engine.fire_due().await.expect("first sight");
    for day in [2, 3] {
        chat.clock.set(at("2026-03-02T07:00:00Z") + Duration::days(day));
        chat.say("carol", "/checkin").await;
    }
    for day in 0..7 {
        chat.clock.set(at("2026-03-09T07:00:00Z") + Duration::days(day));
        chat.say("alice", "/checkin").await;
        if day % 2 == 0 {
            chat.say("bob", "/checkin").await;
        }
        if day == 1 {
            let given = chat.say("alice", "/give @bob 1 thanks").await;
            assert!(given.contains("bob"), "{given}");
        }
    }
    chat.clock.set(at("2026-03-16T06:00:00Z"));
    chat.say("dave", "/checkin").await;
    delivered(&chat).await;
    chat.clock.set(at("2026-03-16T08:00:00Z"));
    chat.engine.fire_due().await.expect("fire");
    let digest = delivered(&chat).await.pop().expect("the digest");
    assert!(digest.to_plain_text().contains("16") || digest.chart.is_some());
    (chat, digest)
}

fn series_chart(reply: &Reply) -> &SeriesChart {
    match &reply.chart {
        Some(Chart::Series(chart)) => chart,
        other => panic!("a series chart on the digest, got {other:?}"),
    }
}

fn values(chart: &SeriesChart, style: SeriesStyle) -> &[f64] {
    &chart.series.iter().find(|s| s.style == style).expect("the series").values
}

#[tokio::test]
async fn the_digest_carries_a_chart_of_its_week_and_the_week_before() {
    let (_chat, digest) = two_weeks("en").await;
    let text = digest.to_plain_text();
    assert!(text.contains("11 check-ins · 2 active members"), "{text}");

    let chart = series_chart(&digest);
    assert_eq!(chart.x_labels, ["Mon 9", "Tue 10", "Wed 11", "Thu 12", "Fri 13", "Sat 14", "Sun 15"]);
    assert_eq!(values(chart, SeriesStyle::Bars), [2.0, 1.0, 2.0, 1.0, 2.0, 1.0, 2.0]);
    assert_eq!(values(chart, SeriesStyle::Line), [2.0, 2.0, 2.0, 1.0, 2.0, 1.0, 2.0], "bob received on Tuesday");
    assert_eq!(values(chart, SeriesStyle::FadedBars), [0.0, 0.0, 1.0, 1.0, 0.0, 0.0, 0.0], "carol, 4 and 5 March");
    assert_eq!(values(chart, SeriesStyle::FadedLine), [0.0, 0.0, 1.0, 1.0, 0.0, 0.0, 0.0]);
    let names: Vec<&str> = chart.series.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["Check-ins, week before", "Check-ins", "Active members, week before", "Active members"]);
    assert_eq!(chart.title, "Rustaceans: 9 Mar 2026 – 15 Mar 2026");
    assert_eq!(reply_file(&digest), "digest-2026-03-16");
    assert!(
        chart.alt.starts_with("Check-ins per day from 9 Mar 2026 to 15 Mar 2026: 2, 1, 2, 1, 2, 1, 2"),
        "{}",
        chart.alt
    );
}

fn reply_file(reply: &Reply) -> &str {
    reply.chart.as_ref().map(Chart::file_stem).unwrap_or_default()
}

#[tokio::test]
async fn the_charts_check_ins_add_up_to_the_texts() {
    let (_chat, digest) = two_weeks("en").await;
    let chart = series_chart(&digest);
    let total: f64 = values(chart, SeriesStyle::Bars).iter().sum();
    let text = digest.to_plain_text();
    assert!(text.contains(&format!("{total} check-ins")), "{total} in {text}");
    // No day has more active members than the week.
    assert!(values(chart, SeriesStyle::Line).iter().all(|&day| day <= 2.0));
}

#[tokio::test]
async fn a_chinese_digest_labels_its_chart_in_chinese() {
    let (_chat, digest) = two_weeks("zh-CN").await;
    let chart = series_chart(&digest);
    assert_eq!(chart.x_labels[0], "周一 9日");
    assert_eq!(chart.x_labels[6], "周日 15日");
    let names: Vec<&str> = chart.series.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["签到（上周）", "签到", "活跃成员（上周）", "活跃成员"]);
    assert!(chart.alt.contains("2、1、2、1、2、1、2"), "{}", chart.alt);
}

#[test]
fn postgres_conformance() {
    support::run_on_postgres(&[]);
}

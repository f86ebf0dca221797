//! The web dashboard's engine side, as conversations: `/dashboard` links,
//! signing in with one, sessions, the dashboard's figures against the
//! ledger, and who may see the public board.

mod support;

use chrono::Duration;
use hearth_bot::command::Window;
use hearth_bot::engine::web::{AuditFilter, MemberId, RangeDays, WebError};
use support::{BERLIN, Chat};

/// 09:00 in Berlin on a Monday.
const MONDAY_9AM: &str = "2026-03-02T08:00:00Z";
const BASE: &str = "http://127.0.0.1:8080";

/// Two communities: a private one ("rustaceans", the default chat) and
/// one with a public board.
fn two_communities() -> String {
    format!(
        "{BERLIN}\n[[community]]\nid = \"gophers\"\nname = \"Gophers\"\ntimezone = \"Asia/Shanghai\"\nlocale = \"zh-CN\"\n\
         [community.web]\npublic = true\n"
    )
}

/// The login token in a `/dashboard` reply.
fn token_in(reply: &str) -> String {
    let at = reply.find("/login/").unwrap_or_else(|| panic!("no login link in:\n{reply}"));
    reply[at + "/login/".len()..].split_whitespace().next().expect("a token").to_string()
}

#[tokio::test]
async fn dashboard_gives_an_admin_a_one_time_link_that_opens_a_session() {
    let chat = Chat::start(BERLIN, MONDAY_9AM).await;
    let refused = chat.say("bob", "/dashboard").await;
    assert!(refused.contains("admin"), "a member is refused like any admin command:\n{refused}");
    let off = chat.say("ada", "/dashboard").await;
    assert!(off.contains("HEARTH_HTTP_ADDR"), "without the web listener the link would lead nowhere:\n{off}");

    chat.engine.set_public_url(&format!("{BASE}/"));
    let reply = chat.say("ada", "/dashboard").await;
    assert!(reply.contains(&format!("{BASE}/login/")), "the link starts at the public URL:\n{reply}");
    assert!(reply.contains("10 minutes"), "{reply}");
    let token = token_in(&reply);
    assert_eq!(token.len(), 64);

    let offer = chat.engine.login_offer(&token).await.expect("the GET page shows the offer");
    assert_eq!((offer.community.as_str(), offer.member_name.as_str()), ("rustaceans", "ada"));
    chat.engine.login_offer(&token).await.expect("looking again uses nothing up");

    let signed_in = chat.engine.redeem_login(&token).await.expect("the POST signs in");
    assert_eq!(signed_in.session.community, "rustaceans");
    assert_eq!(signed_in.session.expires_at, chat.engine.now() + Duration::hours(12));
    assert!(matches!(chat.engine.redeem_login(&token).await, Err(WebError::Unauthorized)), "single use");
    assert!(matches!(chat.engine.login_offer(&token).await, Err(WebError::Unauthorized)), "used up");

    let session = chat.engine.admin_session(Some(&signed_in.token), "rustaceans").await.expect("the session opens");
    assert_eq!(session.member_name, "ada");
    assert_eq!(session.csrf, signed_in.session.csrf);
    assert_ne!(session.csrf, signed_in.token, "the CSRF token is not the cookie");
}

#[tokio::test]
async fn links_and_sessions_expire_by_the_engine_clock() {
    let chat = Chat::start(BERLIN, MONDAY_9AM).await;
    chat.engine.set_public_url(BASE);
    let late = token_in(&chat.say("ada", "/dashboard").await);
    let in_time = token_in(&chat.say("ada", "/dashboard").await);
    assert_ne!(late, in_time, "every link is new");
    chat.advance(Duration::minutes(9));
    let session = chat.engine.redeem_login(&in_time).await.expect("9 minutes on, the link still works");
    chat.advance(Duration::minutes(1));
    assert!(matches!(chat.engine.redeem_login(&late).await, Err(WebError::Unauthorized)), "10 minutes on, it does not");

    chat.advance(Duration::hours(12) - Duration::minutes(1) - Duration::seconds(1));
    chat.engine.admin_session(Some(&session.token), "rustaceans").await.expect("just under 12 hours");
    chat.advance(Duration::seconds(1));
    assert!(matches!(chat.engine.admin_session(Some(&session.token), "rustaceans").await, Err(WebError::Unauthorized)));
}

#[tokio::test]
async fn a_session_opens_its_own_community_only() {
    let chat = Chat::start(&two_communities(), MONDAY_9AM).await;
    chat.engine.set_public_url(BASE);
    let token = token_in(&chat.say("ada", "/dashboard").await);
    let session = chat.engine.redeem_login(&token).await.expect("signed in").token;
    let engine = &chat.engine;
    assert!(matches!(engine.admin_session(Some(&session), "gophers").await, Err(WebError::Forbidden)));
    assert!(matches!(engine.admin_session(Some(&session), "nobody").await, Err(WebError::NotFound)));
    assert!(matches!(engine.admin_session(None, "rustaceans").await, Err(WebError::Unauthorized)));
    let forged = "0".repeat(64);
    assert!(matches!(engine.admin_session(Some(&forged), "rustaceans").await, Err(WebError::Unauthorized)));
    assert!(matches!(engine.admin_session(Some("<script>"), "rustaceans").await, Err(WebError::Unauthorized)));
    assert!(matches!(engine.redeem_login(&forged).await, Err(WebError::Unauthorized)));

    engine.end_session(&session).await.expect("signed out");
    assert!(matches!(engine.admin_session(Some(&session), "rustaceans").await, Err(WebError::Unauthorized)));
}

#[tokio::test]
async fn the_dashboard_counts_what_the_ledger_holds() {
    let chat = Chat::start(BERLIN, MONDAY_9AM).await;
    // Alice checks in every day of a week, bob on two days, carol once;
    // alice gives bob points on Tuesday.
    for day in 0..7 {
        chat.say("alice", "/checkin").await;
        if day % 3 == 0 {
            chat.say("bob", "/checkin").await;
        }
        if day == 1 {
            chat.say("alice", "/give @bob 3 thanks").await;
        }
        if day == 6 {
            chat.say("carol", "/checkin").await;
        }
        chat.advance_days(1);
    }
    // Monday the week after, 09:00: the last 7 days are Tuesday to Monday.
    let dashboard = chat.engine.dashboard("rustaceans", RangeDays::Week).await.expect("the dashboard");
    let export = chat.export().await;
    let kpis = &dashboard.kpis;
    assert_eq!(kpis.members, 3);
    assert_eq!(dashboard.days.len(), 7);
    let checkins_in_export =
        export.ledger.iter().filter(|r| r.kind == "checkin" && r.at >= dashboard_first_instant(&chat, 6)).count()
            as i64;
    assert_eq!(kpis.checkins, checkins_in_export, "check-ins on the range's days");
    assert_eq!(kpis.checkins, 6 + 2 + 1, "alice 6 (not the first Monday), bob Thursday and Sunday, carol");
    assert_eq!(kpis.gives, 1);
    assert_eq!(kpis.points_by_kind.iter().find(|(k, _)| k == "peer_award").map(|(_, p)| *p), Some(3));
    assert_eq!(kpis.wau, 3);
    assert_eq!(kpis.new_members, 1, "carol joined on Sunday; alice and bob on the first Monday");
    let today = dashboard.days.last().expect("today");
    assert_eq!((today.checkins, today.active), (0, 0), "nobody has checked in yet today");
    let sunday = &dashboard.days[5];
    assert_eq!((sunday.checkins, sunday.active, sunday.members), (3, 3, 3));
    assert_eq!(sunday.checkin_rate_percent, 100);
    let streaks: i64 = dashboard.streaks.iter().map(|b| b.members).sum();
    assert_eq!(streaks, 3, "every member sits in one streak bucket");
    let heat: u32 = dashboard.heatmap.iter().flatten().sum();
    assert_eq!(i64::from(heat), kpis.checkins);
    assert_eq!(dashboard.heatmap[6][9], 3, "Sunday 09:00 Berlin: three check-ins");

    let audit = chat.engine.ledger_audit("rustaceans", &AuditFilter::default(), 1).await.expect("audit");
    assert_eq!(audit.rows.len(), export.ledger.len());
    let give = audit.rows.iter().find(|r| r.kind == "peer_award").expect("the give");
    assert_eq!((give.member.as_str(), give.actor.as_deref(), give.delta), ("bob", Some("alice"), 3));
    let bobs = AuditFilter { member: Some("BO".into()), kind: None };
    let bobs = chat.engine.ledger_audit("rustaceans", &bobs, 1).await.expect("filtered");
    assert!(bobs.rows.iter().all(|r| r.member == "bob") && bobs.rows.len() == 4, "{:?}", bobs.rows);
    let wildcard = AuditFilter { member: Some("%".into()), kind: None };
    assert!(chat.engine.ledger_audit("rustaceans", &wildcard, 1).await.expect("literal %").rows.is_empty());
}

/// The start of the local day `days_back` days before today (Berlin, 04:00).
fn dashboard_first_instant(chat: &Chat, days_back: i64) -> String {
    let today = chat.engine.web_community("rustaceans").expect("known").today;
    let first = today - Duration::days(days_back);
    // Berlin is UTC+1 in early March: the day starts at 03:00Z.
    format!("{first}T03:00:00Z")
}

#[tokio::test]
async fn a_private_board_is_not_found_and_a_public_one_pages_and_searches() {
    let chat = Chat::start(&two_communities(), MONDAY_9AM).await;
    chat.say("alice", "/checkin").await;
    let engine = &chat.engine;
    assert!(matches!(engine.leaderboard_page("rustaceans", None, Window::All, 1, None).await, Err(WebError::NotFound)));
    let alice = chat.export().await.members.iter().find(|m| m.name == "alice").expect("alice").id;
    assert!(matches!(engine.member_card("rustaceans", None, MemberId(alice)).await, Err(WebError::NotFound)));
    // An admin of the private community sees its board.
    engine.set_public_url(BASE);
    let token = token_in(&chat.say("ada", "/dashboard").await);
    let session = engine.redeem_login(&token).await.expect("signed in").token;
    let page = engine.leaderboard_page("rustaceans", Some(&session), Window::All, 1, None).await.expect("admin view");
    assert_eq!(page.entries.len(), 1);
    assert_eq!(page.entries[0].name, "alice");
    assert_eq!(page.entries[0].points, 10);

    // The public community: 120 members checked in, in the Gophers' chat.
    let gophers = hearth_bot::ChatRef::Console { community: "gophers".into() };
    for i in 0..120 {
        let actor =
            hearth_bot::Actor { display_name: format!("m{i:03}"), user_id: format!("m{i:03}"), ..chat.actor("x") };
        engine.handle_text(actor, gophers.clone(), "/checkin").await.expect("a reply");
    }
    let first = engine.leaderboard_page("gophers", None, Window::All, 1, None).await.expect("public");
    assert_eq!((first.entries.len(), first.more), (50, true));
    let third = engine.leaderboard_page("gophers", None, Window::Week, 3, None).await.expect("page 3");
    assert_eq!((third.entries.len(), third.more), (20, false));
    assert!(third.entries.iter().all(|e| e.rank == 1), "equal points share the rank");
    let far = engine.leaderboard_page("gophers", None, Window::Month, 99, None).await.expect("past the end");
    assert!(far.entries.is_empty());
    let found = engine.leaderboard_page("gophers", None, Window::All, 1, Some(" M11 ")).await.expect("search");
    let names: Vec<&str> = found.entries.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names, ["m110", "m111", "m112", "m113", "m114", "m115", "m116", "m117", "m118", "m119"]);
    let none = engine.leaderboard_page("gophers", None, Window::Season, 1, None).await.expect("no season");
    assert!(none.entries.is_empty(), "the Gophers have no season");

    let m110 = found.entries[0].member_id;
    let card = engine.member_card("gophers", None, m110).await.expect("a public card");
    assert_eq!(card.balance, 10);
    assert_eq!(card.calendar.len(), 12 * 7 - 6, "12 weeks up to today, a Monday");
    assert_eq!(card.calendar.iter().filter(|(_, done)| *done).count(), 1);
    assert!(
        matches!(engine.member_card("gophers", None, MemberId(alice)).await, Err(WebError::NotFound)),
        "another community's member is not on this board"
    );
}

/// Pages are cut from the rank index without visiting members: distinct
/// points across a page boundary, a search on a window board, and a bot
/// that checked in (an adapter may pass one) on no page and in no search.
#[tokio::test]
async fn board_pages_follow_the_points_and_leave_bots_out() {
    let chat = Chat::start(&two_communities(), MONDAY_9AM).await;
    let engine = &chat.engine;
    let gophers = hearth_bot::ChatRef::Console { community: "gophers".into() };
    let say = |who: String, line: String, is_bot: bool| {
        let actor = hearth_bot::Actor { is_bot, ..chat.actor(&who) };
        let gophers = gophers.clone();
        async move { engine.handle_text(actor, gophers, &line).await.expect("a reply").to_plain_text() }
    };
    for i in 0..55 {
        say(format!("m{i:02}"), "/checkin".into(), false).await;
    }
    // No bot on the board yet: its pages skip the bot filter.
    let second = engine.leaderboard_page("gophers", None, Window::Week, 2, None).await.expect("page 2");
    let rows: Vec<(String, i64)> = second.entries.iter().map(|e| (e.name.clone(), e.rank)).collect();
    assert_eq!(rows, (50..55).map(|i| (format!("m{i}"), 1)).collect::<Vec<_>>(), "ties in joining order");
    say("helper-bot".into(), "/checkin".into(), true).await;
    let second = engine.leaderboard_page("gophers", None, Window::Week, 2, None).await.expect("page 2");
    assert_eq!(second.entries.len(), 5, "the bot that checked in is not on the week's board");
    // m00 … m54 end with 10 + i points: all distinct.
    for i in 1..55 {
        let reply = say("ada".into(), format!("/award @m{i:02} {i} tidy"), false).await;
        assert!(reply.contains(&format!("m{i:02}")), "{reply}");
    }

    let first = engine.leaderboard_page("gophers", None, Window::All, 1, None).await.expect("page 1");
    let second = engine.leaderboard_page("gophers", None, Window::All, 2, None).await.expect("page 2");
    let rows: Vec<(String, i64, i64)> =
        first.entries.iter().chain(&second.entries).map(|e| (e.name.clone(), e.points, e.rank)).collect();
    let expected: Vec<(String, i64, i64)> = (0..55i64).rev().map(|i| (format!("m{i:02}"), 10 + i, 55 - i)).collect();
    assert_eq!(rows, expected, "55 members in points order, ranks 1…55, no bot");
    assert_eq!((first.more, second.more), (true, false));

    let found = engine.leaderboard_page("gophers", None, Window::Week, 1, Some("M0")).await.expect("search");
    let names: Vec<&str> = found.entries.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names, ["m09", "m08", "m07", "m06", "m05", "m04", "m03", "m02", "m01", "m00"]);
    let bot = engine.leaderboard_page("gophers", None, Window::All, 1, Some("bot")).await.expect("search");
    assert!(bot.entries.is_empty(), "bots are never on a board");
    // One Chinese character: shorter than a trigram, still found.
    say("王芳".into(), "/checkin".into(), false).await;
    let found = engine.leaderboard_page("gophers", None, Window::All, 1, Some("王")).await.expect("search");
    let names: Vec<&str> = found.entries.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names, ["王芳"]);

    // A rename moves the name in the search index (three characters or
    // more go through it on SQLite): the new name is found, the old is not.
    let renamed = hearth_bot::Actor { display_name: "zebra".into(), ..chat.actor("m00") };
    engine.handle_text(renamed, gophers.clone(), "/streak").await.expect("a reply");
    let search = |part: &'static str| async move {
        let page = engine.leaderboard_page("gophers", None, Window::All, 1, Some(part)).await.expect("search");
        page.entries.into_iter().map(|e| e.name).collect::<Vec<_>>()
    };
    assert_eq!(search("EBR").await, ["zebra"]);
    assert!(search("m00").await.is_empty(), "the old name is gone");
    assert_eq!(search("m01").await, ["m01"]);
    say("m01".into(), "/forgetme confirm".into(), false).await;
    assert!(search("m01").await.is_empty(), "a forgotten member is not found");
}

/// Searches of one or two characters, shorter than a trigram: a part few
/// names hold is read from `member_name_grams`, one that 2,000 names or
/// more hold by walking the board in rank order. Both give what the scan
/// gives: the matching members by points, ranks over the whole board, no
/// bots, `_` and `%` taken literally, renames and forgotten members followed.
#[tokio::test]
async fn short_searches_find_every_match_in_rank_order_by_either_path() {
    let chat = Chat::start(&two_communities(), MONDAY_9AM).await;
    let engine = &chat.engine;
    let gophers = hearth_bot::ChatRef::Console { community: "gophers".into() };
    let say = |who: String, line: String, is_bot: bool| {
        let actor = hearth_bot::Actor { is_bot, ..chat.actor(&who) };
        let gophers = gophers.clone();
        async move { engine.handle_text(actor, gophers, &line).await.expect("a reply").to_plain_text() }
    };
    // 2,050 members hold "p" (the walk); 547 hold "7" (the grams).
    // The bot joins first: it would lead the tied members.
    say("p-bot".into(), "/checkin".into(), true).await;
    let names: Vec<String> = (0..2050).map(|i| format!("p{i:04}")).collect();
    for name in &names {
        say(name.clone(), "/checkin".into(), false).await;
    }
    say("a_b".into(), "/checkin".into(), false).await;
    say("ada".into(), "/award @p1777 50 first".into(), false).await;
    say("ada".into(), "/award @p2049 30 second".into(), false).await;
    let search = |window: Window, page: u32, part: &'static str| async move {
        let page = engine.leaderboard_page("gophers", None, window, page, Some(part)).await.expect("search");
        page.entries.into_iter().map(|e| (e.name, e.rank)).collect::<Vec<_>>()
    };
    // The two awarded first, then everyone else at rank 3 in joining order.
    let expected = |part: &str| -> Vec<(String, i64)> {
        let mut rows = vec![("p1777".to_string(), 1), ("p2049".to_string(), 2)];
        rows.retain(|(name, _)| name.contains(part));
        let rest = names.iter().filter(|n| n.contains(part) && *n != "p1777" && *n != "p2049");
        rows.extend(rest.map(|name| (name.clone(), 3)));
        rows
    };
    let held_by_many = expected("p");
    assert_eq!(search(Window::All, 1, "P").await, held_by_many[..50], "the walk, page 1");
    assert_eq!(search(Window::All, 3, "p").await, held_by_many[100..150], "the walk, page 3");
    assert_eq!(search(Window::Week, 1, "p").await, held_by_many[..50], "the walk on a window board");
    let held_by_few = expected("7");
    assert_eq!(held_by_few.len(), 547);
    assert_eq!(search(Window::All, 1, "7").await, held_by_few[..50], "the grams, page 1");
    assert_eq!(search(Window::All, 2, "7").await, held_by_few[50..100], "the grams, page 2");
    assert_eq!(search(Window::Week, 1, "7").await, held_by_few[..50], "the grams on a window board");
    assert_eq!(search(Window::All, 1, "77").await, expected("77"), "two characters, all on one page");
    assert_eq!(search(Window::All, 1, "_").await, [("a_b".to_string(), 3)], "`_` is a character, not a wildcard");
    assert!(search(Window::All, 1, "%").await.is_empty(), "no name holds `%`");
    assert!(search(Window::All, 1, "-").await.is_empty(), "the bot is on no board");

    let renamed = hearth_bot::Actor { display_name: "zoë".into(), ..chat.actor("p1777") };
    engine.handle_text(renamed, gophers.clone(), "/streak").await.expect("a reply");
    assert_eq!(search(Window::All, 1, "ë").await, [("zoë".to_string(), 1)], "the new name is found");
    assert_eq!(search(Window::All, 1, "7").await, expected("7")[1..51], "the old name is not");
    say("p2049".into(), "/forgetme confirm".into(), false).await;
    assert!(!search(Window::All, 1, "49").await.iter().any(|(name, _)| name == "p2049"), "forgotten");
}

/// Names with capitals beyond A–Z are found as they are written, by every
/// path (the grams, the trigrams, a scan): the search folds A–Z only, as
/// both backends' `LOWER` does, so both find the same members.
#[tokio::test]
async fn names_with_accented_capitals_are_found_as_written() {
    let chat = Chat::start(&two_communities(), MONDAY_9AM).await;
    let engine = &chat.engine;
    let gophers = hearth_bot::ChatRef::Console { community: "gophers".into() };
    for name in ["Émile", "ÖZIL", "Ådne", "王小明"] {
        let actor = hearth_bot::Actor { display_name: name.into(), ..chat.actor(name) };
        engine.handle_text(actor, gophers.clone(), "/checkin").await.expect("a reply");
    }
    let search = |part: &'static str| async move {
        let page = engine.leaderboard_page("gophers", None, Window::All, 1, Some(part)).await.expect("search");
        page.entries.into_iter().map(|e| e.name).collect::<Vec<_>>()
    };
    assert_eq!(search("Émile").await, ["Émile"], "as written, through the trigrams");
    assert_eq!(search("ÉMILE").await, ["Émile"], "A–Z in any case");
    assert_eq!(search("É").await, ["Émile"], "one capital, through the grams");
    assert_eq!(search("Öz").await, ["ÖZIL"], "two characters");
    assert_eq!(search("Zil").await, ["ÖZIL"]);
    assert_eq!(search("Ådn").await, ["Ådne"]);
    assert_eq!(search("小明").await, ["王小明"]);
}

#[test]
fn postgres_conformance() {
    support::run_on_postgres(&[]);
}

//! `GET /metrics` on the real binary: a member checks in over the Telegram
//! webhook (the Bot API stand-in delivers it), then the scrape says so, in
//! Prometheus' text format.

use std::collections::BTreeMap;

mod common;
mod telegram_stand_in;
use common::{http, scratch};
use telegram_stand_in::{GROUP, Member, StandIn, start_in_webhook_mode, text};

const CONFIG: &str = r#"
[[community]]
id = "rustaceans"
name = "Rustaceans"
timezone = "Europe/Berlin"
telegram = { chat_id = -100123 }
"#;

#[test]
fn metrics_count_a_checkin_and_parse_as_prometheus_text() {
    let dir = scratch("metrics");
    std::fs::write(dir.join("hearth.toml"), CONFIG).expect("config");
    let api = StandIn::start();
    let (_hearth, port, _url) = start_in_webhook_mode(&api, &dir);

    let alice = Member { id: 1001, first_name: "Alice", username: Some("alice") };
    let checked_in = api.ask(&alice, GROUP, "/checkin");
    assert!(text(&checked_in).contains("Alice checked in"), "{checked_in}");
    let again = api.ask(&alice, GROUP, "/checkin");
    assert!(text(&again).contains("already"), "{again}");

    let (status, body) = http(port, "GET", "/metrics", &[], "");
    assert_eq!(status, 200, "{body}");
    let samples = parse_exposition(&body);
    let value = |series: &str| samples.get(series).copied().unwrap_or_else(|| panic!("no {series} in:\n{body}"));

    assert_eq!(value(r#"hearth_commands_total{command="checkin",outcome="ok"}"#), 1.0);
    assert_eq!(value(r#"hearth_commands_total{command="checkin",outcome="refused"}"#), 1.0);
    assert_eq!(value(r#"hearth_command_duration_seconds_count{command="checkin"}"#), 2.0);
    assert!(value("hearth_writer_batch_size_count") >= 2.0, "{body}");
    assert!(value(r#"hearth_writer_batch_size_bucket{le="+Inf"}"#) >= 2.0, "{body}");
    let version = env!("CARGO_PKG_VERSION");
    assert_eq!(value(&format!(r#"hearth_build_info{{version="{version}"}}"#)), 1.0);
    assert_eq!(value(r#"hearth_outbox_posts{platform="telegram",status="pending"}"#), 0.0);
    assert_eq!(value("hearth_telegram_webhook_waiting_updates"), 0.0);
    // This scrape's own connection, at least.
    assert!(value("hearth_http_open_connections") >= 1.0, "{body}");
    assert!(body.contains("# TYPE hearth_command_duration_seconds histogram"), "{body}");
    let _ = std::fs::remove_dir_all(dir);
}

/// Every sample of a Prometheus text exposition, `name{labels}` → value;
/// fails the test on a line that is neither a comment nor a sample.
fn parse_exposition(body: &str) -> BTreeMap<String, f64> {
    let mut samples = BTreeMap::new();
    for line in body.lines().filter(|line| !line.trim().is_empty()) {
        if let Some(comment) = line.strip_prefix("# ") {
            let mut words = comment.splitn(3, ' ');
            let (kind, name, rest) = (words.next(), words.next(), words.next());
            assert!(matches!(kind, Some("HELP" | "TYPE")), "unknown comment: {line}");
            assert!(name.is_some_and(is_metric_name), "comment names no metric: {line}");
            if kind == Some("TYPE") {
                assert!(
                    matches!(rest, Some("counter" | "gauge" | "histogram" | "summary" | "untyped")),
                    "unknown type: {line}"
                );
            }
            continue;
        }
        let (series, value) = line.rsplit_once(' ').unwrap_or_else(|| panic!("no value: {line:?}"));
        let value: f64 = match value {
            "+Inf" => f64::INFINITY,
            "-Inf" => f64::NEG_INFINITY,
            "NaN" => f64::NAN,
            number => number.parse().unwrap_or_else(|_| panic!("not a number: {line:?}")),
        };
        let name = match series.split_once('{') {
            Some((name, labels)) => {
                let labels = labels.strip_suffix('}').unwrap_or_else(|| panic!("unclosed labels: {line:?}"));
                assert!(are_labels(labels), "bad labels: {line:?}");
                name
            }
            None => series,
        };
        assert!(is_metric_name(name), "bad metric name: {line:?}");
        assert!(name.starts_with("hearth_"), "not a hearth metric: {line:?}");
        samples.insert(series.to_string(), value);
    }
    samples
}

fn is_metric_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == ':')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
}

/// `a="x",b="y\"z"`: names, then quoted values with backslash escapes.
fn are_labels(mut rest: &str) -> bool {
    while !rest.is_empty() {
        let Some((name, after)) = rest.split_once("=\"") else { return false };
        if !is_metric_name(name) || name.contains(':') {
            return false;
        }
        let mut escaped = false;
        let Some(end) = after.char_indices().find_map(|(i, c)| {
            let closes = c == '"' && !escaped;
            escaped = c == '\\' && !escaped;
            closes.then_some(i)
        }) else {
            return false;
        };
        rest = &after[end + 1..];
        if let Some(next) = rest.strip_prefix(',') {
            rest = next;
        } else if !rest.is_empty() {
            return false;
        }
    }
    true
}

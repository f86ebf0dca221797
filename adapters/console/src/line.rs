//! The console protocol's input lines.

use chrono::Duration;

/// One input line, classified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConsoleLine {
    Empty,
    /// `:advance 90m|6h|1d`
    Advance(Duration),
    /// `:now`
    Now,
    /// `:echo text` prints `text` as it is: a marker for scripts and transcripts.
    Echo(String),
    /// A `:` line we cannot follow; the text says why.
    BadDirective(String),
    /// A chat message; `name` is `None` when the previous speaker goes on.
    /// `reply` marks `@name > text`, a reply to the bot's latest post.
    Say {
        name: Option<String>,
        text: String,
        reply: bool,
    },
}

/// The longest simulated jump one `:advance` may make.
const MAX_ADVANCE_DAYS: i64 = 3660;

pub fn parse_line(raw: &str) -> ConsoleLine {
    let line = raw.trim();
    if line.is_empty() {
        return ConsoleLine::Empty;
    }
    if let Some(directive) = line.strip_prefix(':') {
        return parse_directive(directive);
    }
    if let Some(rest) = line.strip_prefix('@') {
        let (name, text) = match rest.find(char::is_whitespace) {
            Some(i) => (&rest[..i], rest[i..].trim_start()),
            None => (rest, ""),
        };
        if !hearth_bot::command::is_handle(name) {
            return ConsoleLine::BadDirective(format!(
                "`@{}` is not a member name (letters, digits, _ - . up to 32)",
                name.chars().take(40).collect::<String>()
            ));
        }
        let (text, reply) = match text.strip_prefix('>') {
            Some(reply_text) => (reply_text.trim_start(), true),
            None => (text, false),
        };
        return ConsoleLine::Say { name: Some(name.to_string()), text: text.to_string(), reply };
    }
    ConsoleLine::Say { name: None, text: line.to_string(), reply: false }
}

fn parse_directive(directive: &str) -> ConsoleLine {
    if let Some(text) = directive.strip_prefix("echo ") {
        return ConsoleLine::Echo(text.to_string());
    }
    let mut words = directive.split_whitespace();
    match (words.next(), words.next(), words.next()) {
        (Some("now"), None, _) => ConsoleLine::Now,
        (Some("advance"), Some(amount), None) => match parse_span(amount) {
            Some(by) => ConsoleLine::Advance(by),
            None => ConsoleLine::BadDirective(format!(
                "`:advance {amount}`: expected a span like 90m, 6h or 1d (at most {MAX_ADVANCE_DAYS}d)"
            )),
        },
        _ => ConsoleLine::BadDirective("expected `:advance 90m|6h|1d`, `:now` or `:echo text`".to_string()),
    }
}

/// `90m`, `6h`, `1d` → a duration; `None` when malformed or absurd.
fn parse_span(s: &str) -> Option<Duration> {
    let unit = s.chars().last()?;
    let count: i64 = s[..s.len() - unit.len_utf8()].parse().ok()?;
    let minutes = match unit {
        'm' => count,
        'h' => count.checked_mul(60)?,
        'd' => count.checked_mul(24 * 60)?,
        _ => return None,
    };
    (1..=MAX_ADVANCE_DAYS * 24 * 60).contains(&minutes).then(|| Duration::minutes(minutes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn speakers_replies_and_directives() {
        assert_eq!(
            parse_line("@alice /checkin hi"),
            ConsoleLine::Say { name: Some("alice".into()), text: "/checkin hi".into(), reply: false }
        );
        assert_eq!(
            parse_line("@bob > nice topic"),
            ConsoleLine::Say { name: Some("bob".into()), text: "nice topic".into(), reply: true }
        );
        assert_eq!(parse_line("/streak"), ConsoleLine::Say { name: None, text: "/streak".into(), reply: false });
        assert_eq!(parse_line(":advance 90m"), ConsoleLine::Advance(Duration::minutes(90)));
        assert_eq!(parse_line(":advance 1d"), ConsoleLine::Advance(Duration::days(1)));
        assert_eq!(parse_line(":now"), ConsoleLine::Now);
        assert_eq!(parse_line(":echo --- 1"), ConsoleLine::Echo("--- 1".into()));
        assert!(matches!(parse_line(":advance 5y"), ConsoleLine::BadDirective(_)));
        assert!(matches!(parse_line(":advance 99999999999999999d"), ConsoleLine::BadDirective(_)));
        assert!(matches!(parse_line(":advance -1d"), ConsoleLine::BadDirective(_)));
        assert!(matches!(parse_line("@ hi"), ConsoleLine::BadDirective(_)));
    }
}

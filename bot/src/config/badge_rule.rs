//! Badge rules: `<counter> <op> <number>`, e.g. `streak >= 7`.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Counter {
    Streak,
    Points,
    Checkins,
    TopicReplies,
    ChallengeWins,
}

const COUNTERS: [(&str, Counter); 5] = [
    ("streak", Counter::Streak),
    ("points", Counter::Points),
    ("checkins", Counter::Checkins),
    ("topic_replies", Counter::TopicReplies),
    ("challenge_wins", Counter::ChallengeWins),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompareOp {
    Ge,
    Gt,
    Eq,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadgeRule {
    pub counter: Counter,
    pub op: CompareOp,
    pub value: i64,
}

const EXPECTED: &str = "expected \"<counter> >= <number>\" where counter is one of streak, points, checkins, topic_replies, challenge_wins";

impl BadgeRule {
    pub fn parse(s: &str) -> Result<BadgeRule, String> {
        let s = s.trim();
        let (op_at, op, op_len) = [(">=", CompareOp::Ge), ("==", CompareOp::Eq), (">", CompareOp::Gt)]
            .iter()
            .find_map(|(text, op)| s.find(text).map(|i| (i, *op, text.len())))
            .ok_or_else(|| format!("{EXPECTED}, got {s:?}"))?;
        let name = s[..op_at].trim();
        let number = s[op_at + op_len..].trim();
        let counter = COUNTERS
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, c)| *c)
            .ok_or_else(|| format!("unknown counter {name:?}: {EXPECTED}"))?;
        let value = number.parse::<i64>().map_err(|_| format!("{number:?} is not a whole number: {EXPECTED}"))?;
        Ok(BadgeRule { counter, op, value })
    }

    pub fn holds(&self, value: i64) -> bool {
        match self.op {
            CompareOp::Ge => value >= self.value,
            CompareOp::Gt => value > self.value,
            CompareOp::Eq => value == self.value,
        }
    }
}

impl fmt::Display for BadgeRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = COUNTERS.iter().find(|(_, c)| *c == self.counter).map_or("?", |(n, _)| n);
        let op = match self.op {
            CompareOp::Ge => ">=",
            CompareOp::Gt => ">",
            CompareOp::Eq => "==",
        };
        write!(f, "{name} {op} {}", self.value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_rules_with_or_without_spaces() {
        assert_eq!(
            BadgeRule::parse("streak >= 7"),
            Ok(BadgeRule { counter: Counter::Streak, op: CompareOp::Ge, value: 7 })
        );
        assert_eq!(BadgeRule::parse("points>500").map(|r| r.op), Ok(CompareOp::Gt));
        assert_eq!(BadgeRule::parse(" challenge_wins == 1 ").map(|r| r.counter), Ok(Counter::ChallengeWins));
        assert!(BadgeRule::parse("streak >= 7").is_ok_and(|r| r.holds(7) && !r.holds(6)));
    }

    #[test]
    fn rejects_what_it_cannot_read() {
        assert!(BadgeRule::parse("karma >= 3").unwrap_err().contains("unknown counter"));
        assert!(BadgeRule::parse("streak >= lots").unwrap_err().contains("not a whole number"));
        assert!(BadgeRule::parse("streak").unwrap_err().contains("expected"));
    }
}

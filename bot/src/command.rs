//! Commands: one spec table drives parsing on every platform, `/help`, and
//! (later) Discord's slash-command registration and Telegram's command menu.

use std::fmt;

/// The type of one argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArgKind {
    /// A member: `@name` in text, a user option on Discord.
    Member,
    /// A whole number that fits in i64.
    Integer,
    /// Free text; always the last argument and takes the rest of the line.
    Text { max_chars: usize },
    /// One word from a fixed list.
    Choice(&'static [&'static str]),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArgSpec {
    /// The Contract's argument name (Discord option name, `/help` word).
    pub name: &'static str,
    pub kind: ArgKind,
    pub required: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommandSpec {
    pub name: &'static str,
    /// A second word that selects this form (`/forgetme confirm`).
    pub sub: Option<&'static str>,
    pub args: &'static [ArgSpec],
    pub admin: bool,
}

impl CommandSpec {
    /// The message-catalog key of the one-line description.
    pub fn description_key(&self) -> String {
        match self.sub {
            Some(sub) => format!("cmd-{}-{}", self.name, sub),
            None => format!("cmd-{}", self.name),
        }
    }

    /// `/give <member> [amount] [reason]`
    pub fn usage(&self) -> String {
        self.usage_naming(|arg| arg.name.to_string())
    }

    /// The usage line with each argument's placeholder named by `name`
    /// (`/help` and refusals show them in the community's language). A
    /// choice shows its words, which are typed as they are.
    pub fn usage_naming(&self, name: impl Fn(&ArgSpec) -> String) -> String {
        let mut usage = format!("/{}", self.name);
        if let Some(sub) = self.sub {
            usage.push(' ');
            usage.push_str(sub);
        }
        for arg in self.args {
            let name = match arg.kind {
                ArgKind::Choice(choices) => choices.join("|"),
                _ => name(arg),
            };
            if arg.required {
                usage.push_str(&format!(" <{name}>"));
            } else {
                usage.push_str(&format!(" [{name}]"));
            }
        }
        usage
    }
}

pub const NOTE_MAX: usize = 200;
pub const REASON_MAX: usize = 200;
pub const SCHEDULE_ID_MAX: usize = 64;
pub const TOPIC_MAX: usize = 300;
pub const ENTRY_MAX: usize = 500;
pub const THEME_MAX: usize = 200;
pub const WINDOWS: &[&str] = &["all", "week", "month", "season"];

const fn arg(name: &'static str, kind: ArgKind, required: bool) -> ArgSpec {
    ArgSpec { name, kind, required }
}

const fn spec(name: &'static str, args: &'static [ArgSpec], admin: bool) -> CommandSpec {
    CommandSpec { name, sub: None, args, admin }
}

/// Every command, in `/help` order.
pub static COMMANDS: &[CommandSpec] = &[
    spec("checkin", &[arg("note", ArgKind::Text { max_chars: NOTE_MAX }, false)], false),
    spec("streak", &[], false),
    spec("profile", &[arg("member", ArgKind::Member, false)], false),
    spec("leaderboard", &[arg("window", ArgKind::Choice(WINDOWS), false)], false),
    spec(
        "give",
        &[
            arg("member", ArgKind::Member, true),
            arg("amount", ArgKind::Integer, false),
            arg("reason", ArgKind::Text { max_chars: REASON_MAX }, false),
        ],
        false,
    ),
    spec("topic", &[], false),
    CommandSpec {
        name: "topic",
        sub: Some("suggest"),
        args: &[arg("text", ArgKind::Text { max_chars: TOPIC_MAX }, true)],
        admin: false,
    },
    spec("challenge", &[], false),
    CommandSpec { name: "challenge", sub: Some("history"), args: &[], admin: false },
    spec("submit", &[arg("entry", ArgKind::Text { max_chars: ENTRY_MAX }, true)], false),
    spec("vote", &[arg("entry", ArgKind::Integer, true)], false),
    spec("help", &[], false),
    spec("forgetme", &[], false),
    CommandSpec { name: "forgetme", sub: Some("confirm"), args: &[], admin: false },
    spec(
        "award",
        &[
            arg("member", ArgKind::Member, true),
            arg("amount", ArgKind::Integer, true),
            arg("reason", ArgKind::Text { max_chars: REASON_MAX }, true),
        ],
        true,
    ),
    spec("stats", &[], true),
    spec("dashboard", &[], true),
    CommandSpec {
        name: "topic",
        sub: Some("add"),
        args: &[arg("text", ArgKind::Text { max_chars: TOPIC_MAX }, true)],
        admin: true,
    },
    CommandSpec { name: "topic", sub: Some("approve"), args: &[arg("id", ArgKind::Integer, true)], admin: true },
    CommandSpec {
        name: "challenge",
        sub: Some("start"),
        args: &[arg("theme", ArgKind::Text { max_chars: THEME_MAX }, true)],
        admin: true,
    },
    CommandSpec { name: "challenge", sub: Some("voting"), args: &[], admin: true },
    CommandSpec { name: "challenge", sub: Some("close"), args: &[], admin: true },
    spec("post", &[arg("schedule", ArgKind::Text { max_chars: SCHEDULE_ID_MAX }, true)], true),
];

/// Who a command is about: a console `@name`, or an identity an adapter resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MemberRef {
    /// `@name`, looked up on the asker's platform.
    Handle(String),
    /// A user the platform identified for us.
    Identity { platform: String, user_id: String, display_name: String, is_bot: bool },
}

impl MemberRef {
    pub fn label(&self) -> &str {
        match self {
            MemberRef::Handle(name) => name,
            MemberRef::Identity { display_name, .. } => display_name,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Window {
    All,
    Week,
    Month,
    Season,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Checkin {
        note: Option<String>,
    },
    Streak,
    Profile {
        member: Option<MemberRef>,
    },
    Leaderboard {
        window: Window,
    },
    Give {
        member: MemberRef,
        amount: Option<i64>,
        reason: Option<String>,
    },
    Help,
    ForgetMe {
        confirm: bool,
    },
    Award {
        member: MemberRef,
        amount: i64,
        reason: String,
    },
    Stats,
    /// A one-time login link to the web dashboard.
    Dashboard,
    /// Fire a schedule now.
    Post {
        schedule: String,
    },
    Topic,
    TopicSuggest {
        text: String,
    },
    TopicAdd {
        text: String,
    },
    TopicApprove {
        id: i64,
    },
    Challenge,
    ChallengeHistory,
    ChallengeStart {
        theme: String,
    },
    /// Ends submissions and opens the voting (a challenge without scheduled phases).
    ChallengeVoting,
    ChallengeClose,
    Submit {
        entry: String,
    },
    Vote {
        entry: i64,
    },
    /// A reply to the bot's post that the platform delivered as `message_id`
    /// (an adapter event, not a typed command).
    ReplyToPost {
        message_id: String,
    },
}

impl Command {
    /// The spec this command was built from; `None` for adapter events.
    pub fn spec(&self) -> Option<&'static CommandSpec> {
        let (name, sub) = match self {
            Command::Checkin { .. } => ("checkin", None),
            Command::Streak => ("streak", None),
            Command::Profile { .. } => ("profile", None),
            Command::Leaderboard { .. } => ("leaderboard", None),
            Command::Give { .. } => ("give", None),
            Command::Help => ("help", None),
            Command::ForgetMe { confirm: false } => ("forgetme", None),
            Command::ForgetMe { confirm: true } => ("forgetme", Some("confirm")),
            Command::Award { .. } => ("award", None),
            Command::Stats => ("stats", None),
            Command::Dashboard => ("dashboard", None),
            Command::Post { .. } => ("post", None),
            Command::Topic => ("topic", None),
            Command::TopicSuggest { .. } => ("topic", Some("suggest")),
            Command::TopicAdd { .. } => ("topic", Some("add")),
            Command::TopicApprove { .. } => ("topic", Some("approve")),
            Command::Challenge => ("challenge", None),
            Command::ChallengeHistory => ("challenge", Some("history")),
            Command::ChallengeStart { .. } => ("challenge", Some("start")),
            Command::ChallengeVoting => ("challenge", Some("voting")),
            Command::ChallengeClose => ("challenge", Some("close")),
            Command::Submit { .. } => ("submit", None),
            Command::Vote { .. } => ("vote", None),
            Command::ReplyToPost { .. } => return None,
        };
        spec_of(name, sub)
    }

    /// Whether only admins may run it.
    pub fn is_admin_only(&self) -> bool {
        self.spec().is_some_and(|spec| spec.admin)
    }
}

/// Why a line is not a command we can run. Each variant is shown to the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseError {
    /// The text does not start with `/`.
    NotACommand,
    UnknownCommand(String),
    Missing {
        spec: &'static CommandSpec,
        arg: &'static str,
    },
    /// A value that does not fit the argument's type.
    Invalid {
        spec: &'static CommandSpec,
        arg: &'static str,
    },
    /// A whole number too large for any range (beyond i64).
    OutOfRange {
        spec: &'static CommandSpec,
        arg: &'static str,
    },
    TooLong {
        spec: &'static CommandSpec,
        arg: &'static str,
        max: usize,
    },
    Extra {
        spec: &'static CommandSpec,
    },
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self:?}")
    }
}

/// A parsed argument value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArgValue {
    Member(MemberRef),
    Integer(i64),
    Text(String),
    Choice(&'static str),
}

/// Parses one typed line such as `/give @bob 3 thanks!`.
pub fn parse(line: &str) -> Result<Command, ParseError> {
    parse_naming(line, None)
}

/// Parses a line whose member may be named outside its text: the author of
/// the message it replies to, or a mention that carries a user. `named` fills
/// the first member argument that is not written as `@handle`.
pub fn parse_naming(line: &str, named: Option<MemberRef>) -> Result<Command, ParseError> {
    let line = line.trim();
    let Some(body) = line.strip_prefix('/') else {
        return Err(ParseError::NotACommand);
    };
    let (name, rest) = split_word(body);
    let name = name.to_lowercase();
    let (spec, rest) = find_spec(&name, rest)?;
    let values = parse_args(spec, rest, named)?;
    build(spec, values)
}

/// Builds a command from already-typed values (the Discord adapter's path);
/// `values[i]` belongs to `spec.args[i]`. A missing required value is an error.
pub fn from_values(spec: &'static CommandSpec, values: Vec<Option<ArgValue>>) -> Result<Command, ParseError> {
    build(spec, values)
}

fn find_spec<'r>(name: &str, rest: &'r str) -> Result<(&'static CommandSpec, &'r str), ParseError> {
    let (second, after_second) = split_word(rest);
    let second = second.to_lowercase();
    let mut plain = None;
    for spec in COMMANDS.iter().filter(|s| s.name == name) {
        match spec.sub {
            Some(sub) if sub == second => return Ok((spec, after_second)),
            Some(_) => {}
            None => plain = Some(spec),
        }
    }
    match plain {
        Some(spec) => Ok((spec, rest)),
        None => Err(ParseError::UnknownCommand(name.chars().take(32).collect())),
    }
}

fn parse_args(
    spec: &'static CommandSpec,
    mut rest: &str,
    mut named: Option<MemberRef>,
) -> Result<Vec<Option<ArgValue>>, ParseError> {
    let mut values = Vec::with_capacity(spec.args.len());
    for arg in spec.args {
        rest = rest.trim_start();
        if arg.kind == ArgKind::Member
            && !rest.starts_with('@')
            && let Some(member) = named.take()
        {
            values.push(Some(ArgValue::Member(member)));
            continue;
        }
        if rest.is_empty() {
            if arg.required {
                return Err(ParseError::Missing { spec, arg: arg.name });
            }
            values.push(None);
            continue;
        }
        let (word, after) = split_word(rest);
        match arg.kind {
            ArgKind::Text { max_chars } => {
                let text = clean_text(rest);
                if text.chars().count() > max_chars {
                    return Err(ParseError::TooLong { spec, arg: arg.name, max: max_chars });
                }
                if text.is_empty() {
                    if arg.required {
                        return Err(ParseError::Missing { spec, arg: arg.name });
                    }
                    values.push(None);
                } else {
                    values.push(Some(ArgValue::Text(text)));
                }
                rest = "";
            }
            ArgKind::Member => {
                let handle = word.strip_prefix('@').filter(|h| is_handle(h));
                match handle {
                    Some(h) => values.push(Some(ArgValue::Member(MemberRef::Handle(h.to_string())))),
                    None => return Err(ParseError::Invalid { spec, arg: arg.name }),
                }
                rest = after;
            }
            ArgKind::Integer => {
                let number = ascii_number(word);
                if looks_numeric(&number) {
                    // Only digits are left, so a failure means the number is too large.
                    let n = number.parse::<i64>().map_err(|_| ParseError::OutOfRange { spec, arg: arg.name })?;
                    values.push(Some(ArgValue::Integer(n)));
                    rest = after;
                } else if arg.required || looks_like_a_number(&number) {
                    // `2.5`, `1e3`, `0x3`, `3pts`: meant as an amount, so not taken as the reason.
                    return Err(ParseError::Invalid { spec, arg: arg.name });
                } else {
                    // An optional number may be left out: the word belongs to the next argument.
                    values.push(None);
                }
            }
            ArgKind::Choice(choices) => {
                let lower = word.to_lowercase();
                match choices.iter().find(|c| **c == lower) {
                    Some(choice) => values.push(Some(ArgValue::Choice(choice))),
                    None => return Err(ParseError::Invalid { spec, arg: arg.name }),
                }
                rest = after;
            }
        }
    }
    if !rest.trim().is_empty() {
        return Err(ParseError::Extra { spec });
    }
    Ok(values)
}

fn build(spec: &'static CommandSpec, values: Vec<Option<ArgValue>>) -> Result<Command, ParseError> {
    let mut values = values.into_iter();
    let mut next = || values.next().flatten();
    let missing = |arg: &'static str| ParseError::Missing { spec, arg };
    Ok(match (spec.name, spec.sub) {
        ("checkin", _) => Command::Checkin { note: text(next()) },
        ("streak", _) => Command::Streak,
        ("profile", _) => Command::Profile { member: member(next()) },
        ("leaderboard", _) => Command::Leaderboard {
            window: match next() {
                Some(ArgValue::Choice("week")) => Window::Week,
                Some(ArgValue::Choice("month")) => Window::Month,
                Some(ArgValue::Choice("season")) => Window::Season,
                _ => Window::All,
            },
        },
        ("give", _) => Command::Give {
            member: member(next()).ok_or_else(|| missing("member"))?,
            amount: integer(next()),
            reason: text(next()),
        },
        ("forgetme", sub) => Command::ForgetMe { confirm: sub.is_some() },
        ("award", _) => Command::Award {
            member: member(next()).ok_or_else(|| missing("member"))?,
            amount: integer(next()).ok_or_else(|| missing("amount"))?,
            reason: text(next()).ok_or_else(|| missing("reason"))?,
        },
        ("stats", _) => Command::Stats,
        ("dashboard", _) => Command::Dashboard,
        ("post", _) => Command::Post { schedule: text(next()).ok_or_else(|| missing("schedule"))? },
        ("topic", None) => Command::Topic,
        ("topic", Some("suggest")) => Command::TopicSuggest { text: text(next()).ok_or_else(|| missing("text"))? },
        ("topic", Some("add")) => Command::TopicAdd { text: text(next()).ok_or_else(|| missing("text"))? },
        ("topic", Some("approve")) => Command::TopicApprove { id: integer(next()).ok_or_else(|| missing("id"))? },
        ("challenge", None) => Command::Challenge,
        ("challenge", Some("history")) => Command::ChallengeHistory,
        ("challenge", Some("start")) => {
            Command::ChallengeStart { theme: text(next()).ok_or_else(|| missing("theme"))? }
        }
        ("challenge", Some("voting")) => Command::ChallengeVoting,
        ("challenge", Some("close")) => Command::ChallengeClose,
        ("submit", _) => Command::Submit { entry: text(next()).ok_or_else(|| missing("entry"))? },
        ("vote", _) => Command::Vote { entry: integer(next()).ok_or_else(|| missing("entry"))? },
        ("help", _) => Command::Help,
        (name, _) => return Err(ParseError::UnknownCommand(name.to_string())),
    })
}

fn member(value: Option<ArgValue>) -> Option<MemberRef> {
    match value {
        Some(ArgValue::Member(m)) => Some(m),
        _ => None,
    }
}

fn integer(value: Option<ArgValue>) -> Option<i64> {
    match value {
        Some(ArgValue::Integer(n)) => Some(n),
        _ => None,
    }
}

fn text(value: Option<ArgValue>) -> Option<String> {
    match value {
        Some(ArgValue::Text(t)) => Some(t),
        _ => None,
    }
}

fn split_word(s: &str) -> (&str, &str) {
    let s = s.trim_start();
    match s.find(char::is_whitespace) {
        Some(i) => (&s[..i], &s[i..]),
        None => (s, ""),
    }
}

fn looks_numeric(word: &str) -> bool {
    let digits = word.strip_prefix(['-', '+']).unwrap_or(word);
    !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit())
}

/// `word` with full-width digits, signs and separators (Chinese input
/// methods type `１０`, `－３`, `２．５`) and the minus sign read as ASCII.
fn ascii_number(word: &str) -> String {
    word.chars()
        .map(|c| match c {
            '０'..='９' => char::from_digit(u32::from(c) - u32::from('０'), 10).unwrap_or(c),
            '－' | '−' => '-',
            '＋' => '+',
            '．' => '.',
            '，' => ',',
            other => other,
        })
        .collect()
}

/// Whether a word that is not a whole number was still meant as one: it
/// starts with a digit (after a sign or a decimal point), as in `2.5`,
/// `1,5`, `1e3`, `0x3`, `-.5` or `3pts`. Ordinals (`2nd`) are words.
fn looks_like_a_number(word: &str) -> bool {
    let body = word.strip_prefix(['-', '+']).unwrap_or(word);
    let body = body.strip_prefix(['.', ',']).unwrap_or(body);
    if !body.starts_with(|c: char| c.is_ascii_digit()) {
        return false;
    }
    let suffix = body.trim_start_matches(|c: char| c.is_ascii_digit()).to_lowercase();
    let ordinal = matches!(suffix.as_str(), "st" | "nd" | "rd" | "th") && body.len() == word.len();
    !ordinal
}

/// Console handles: letters, digits, `_`, `-`, `.`; at most 32 characters.
pub fn is_handle(name: &str) -> bool {
    !name.is_empty()
        && name.chars().count() <= 32
        && name.chars().all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

/// Drops control characters and folds runs of white space, so stored text
/// cannot break a log line or a rendered message.
pub fn clean_text(s: &str) -> String {
    let kept: String = s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    kept.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The spec that `/help` and error replies describe.
pub fn spec_of(name: &str, sub: Option<&str>) -> Option<&'static CommandSpec> {
    COMMANDS.iter().find(|s| s.name == name && s.sub == sub)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn handle(name: &str) -> MemberRef {
        MemberRef::Handle(name.to_string())
    }

    #[test]
    fn give_with_and_without_amount() {
        assert_eq!(
            parse("/give @bob 3 for the review"),
            Ok(Command::Give { member: handle("bob"), amount: Some(3), reason: Some("for the review".into()) })
        );
        assert_eq!(
            parse("/give @bob thanks"),
            Ok(Command::Give { member: handle("bob"), amount: None, reason: Some("thanks".into()) })
        );
        assert_eq!(parse("/GIVE @bob"), Ok(Command::Give { member: handle("bob"), amount: None, reason: None }));
    }

    #[test]
    fn award_needs_every_argument() {
        assert!(matches!(parse("/award @bob 5"), Err(ParseError::Missing { arg: "reason", .. })));
        assert!(matches!(parse("/award @bob five stars"), Err(ParseError::Invalid { arg: "amount", .. })));
        assert!(matches!(
            parse("/award @bob 99999999999999999999 x"),
            Err(ParseError::OutOfRange { arg: "amount", .. })
        ));
        assert_eq!(
            parse("/award @bob -5 spam"),
            Ok(Command::Award { member: handle("bob"), amount: -5, reason: "spam".into() })
        );
    }

    #[test]
    fn an_attempted_amount_is_refused_not_taken_as_the_reason() {
        for word in ["2.5", "1,5", "1e3", "0x3", "3pts", "-.5", "+", "２．５", "10k"] {
            let line = format!("/give @bob {word} thanks");
            let parsed = parse(&line);
            if word == "+" {
                assert!(matches!(parsed, Ok(Command::Give { amount: None, .. })), "{line}: {parsed:?}");
            } else {
                assert!(matches!(parsed, Err(ParseError::Invalid { arg: "amount", .. })), "{line}: {parsed:?}");
            }
        }
        // Words, ordinals included, stay the reason.
        for reason in ["thanks", "abc", "2nd place", "🎉 3 cheers"] {
            assert_eq!(
                parse(&format!("/give @bob {reason}")),
                Ok(Command::Give { member: handle("bob"), amount: None, reason: Some(reason.into()) })
            );
        }
        assert!(matches!(parse("/give @bob 99999999999999999999"), Err(ParseError::OutOfRange { arg: "amount", .. })));
    }

    #[test]
    fn full_width_digits_and_signs_are_digits() {
        assert_eq!(
            parse("/give @bob ３ 谢谢"),
            Ok(Command::Give { member: handle("bob"), amount: Some(3), reason: Some("谢谢".into()) })
        );
        assert_eq!(
            parse("/award @bob －１０ 刷屏"),
            Ok(Command::Award { member: handle("bob"), amount: -10, reason: "刷屏".into() })
        );
        assert_eq!(
            parse("/award @bob ＋５ 好"),
            Ok(Command::Award { member: handle("bob"), amount: 5, reason: "好".into() })
        );
        assert_eq!(parse("/vote ２"), Ok(Command::Vote { entry: 2 }));
        assert_eq!(parse("/topic approve １０"), Ok(Command::TopicApprove { id: 10 }));
        assert!(matches!(parse("/vote 1.5"), Err(ParseError::Invalid { arg: "entry", .. })));
    }

    #[test]
    fn usage_placeholders_can_be_named_in_another_language() {
        let give = spec_of("give", None).expect("give spec");
        let named = give.usage_naming(|arg| if arg.name == "member" { "成员".into() } else { arg.name.to_uppercase() });
        assert_eq!(named, "/give <成员> [AMOUNT] [REASON]");
        let board = spec_of("leaderboard", None).expect("leaderboard spec");
        assert_eq!(board.usage_naming(|_| "x".into()), "/leaderboard [all|week|month|season]");
    }

    #[test]
    fn subcommands_and_choices() {
        assert_eq!(parse("/challenge voting"), Ok(Command::ChallengeVoting));
        assert!(Command::ChallengeVoting.is_admin_only());
        assert_eq!(parse("/forgetme confirm"), Ok(Command::ForgetMe { confirm: true }));
        assert_eq!(parse("/forgetme"), Ok(Command::ForgetMe { confirm: false }));
        assert_eq!(parse("/leaderboard WEEK"), Ok(Command::Leaderboard { window: Window::Week }));
        assert!(matches!(parse("/leaderboard year"), Err(ParseError::Invalid { arg: "window", .. })));
        assert!(matches!(parse("/streak now"), Err(ParseError::Extra { .. })));
    }

    #[test]
    fn unknown_and_not_commands() {
        assert_eq!(parse("hello"), Err(ParseError::NotACommand));
        assert_eq!(parse("/dance"), Err(ParseError::UnknownCommand("dance".into())));
        assert!(matches!(parse("/profile bob"), Err(ParseError::Invalid { arg: "member", .. })));
    }

    #[test]
    fn notes_are_cleaned_and_bounded() {
        assert_eq!(parse("/checkin  hi\u{7}\tthere "), Ok(Command::Checkin { note: Some("hi there".into()) }));
        let long = format!("/checkin {}", "x".repeat(NOTE_MAX + 1));
        assert!(matches!(parse(&long), Err(ParseError::TooLong { arg: "note", .. })));
    }

    #[test]
    fn typed_values_need_their_required_arguments() {
        let give = spec_of("give", None).expect("give spec");
        assert!(matches!(from_values(give, vec![None, None, None]), Err(ParseError::Missing { arg: "member", .. })));
        assert_eq!(
            from_values(give, vec![Some(ArgValue::Member(handle("bob"))), Some(ArgValue::Integer(2)), None]),
            Ok(Command::Give { member: handle("bob"), amount: Some(2), reason: None })
        );
    }

    #[test]
    fn a_member_named_outside_the_text_fills_the_member_argument() {
        let alice = MemberRef::Identity {
            platform: "telegram".into(),
            user_id: "42".into(),
            display_name: "Alice".into(),
            is_bot: false,
        };
        assert_eq!(
            parse_naming("/give 3 for the review", Some(alice.clone())),
            Ok(Command::Give { member: alice.clone(), amount: Some(3), reason: Some("for the review".into()) })
        );
        assert_eq!(parse_naming("/profile", Some(alice.clone())), Ok(Command::Profile { member: Some(alice.clone()) }));
        // A handle written in the text wins over the replied-to author.
        assert_eq!(
            parse_naming("/give @bob", Some(alice.clone())),
            Ok(Command::Give { member: handle("bob"), amount: None, reason: None })
        );
        assert_eq!(parse_naming("/checkin", Some(alice)), Ok(Command::Checkin { note: None }));
    }

    #[test]
    fn every_typed_command_knows_its_spec() {
        for spec in COMMANDS {
            let mut line = spec.usage().replace("<member>", "@bob").replace("[member]", "@bob");
            for (placeholder, value) in [("<amount>", "2"), ("<id>", "1"), ("<entry>", "1")] {
                line = line.replace(placeholder, value);
            }
            let line: String = line
                .split(' ')
                .filter(|w| !w.starts_with('['))
                .map(|w| if w.starts_with('<') { "words" } else { w })
                .collect::<Vec<_>>()
                .join(" ");
            let command = parse(&line).unwrap_or_else(|e| panic!("{line}: {e}"));
            assert_eq!(command.spec(), Some(spec), "{line}");
        }
    }

    #[test]
    fn usage_comes_from_the_table() {
        assert_eq!(spec_of("give", None).map(CommandSpec::usage).as_deref(), Some("/give <member> [amount] [reason]"));
        assert_eq!(
            spec_of("leaderboard", None).map(CommandSpec::usage).as_deref(),
            Some("/leaderboard [all|week|month|season]")
        );
    }
}

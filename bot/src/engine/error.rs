//! Refusals the user may see, and the wording of each.

use super::ChatRef;
use super::points::AWARD_LIMIT;
use crate::command::{ArgKind, ArgSpec, Command, CommandSpec, ParseError};
use crate::config::CommunityConfig;
use crate::i18n::Catalog;
use crate::reply::Reply;

/// Why a command was refused. Every variant but `Unknown` is shown to the
/// user in their community's language; `Unknown` is logged and replaced
/// by a generic message.
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    #[error("admins only")]
    NotAdmin,
    #[error("unknown member {0}")]
    UnknownMember(String),
    #[error("giving to oneself")]
    GiveToSelf,
    #[error("giving to a bot")]
    GiveToBot,
    #[error("amount out of range")]
    AmountOutOfRange { min: i64, max: i64 },
    /// `/award`: within `-limit..=limit`, but not 0.
    #[error("award out of range")]
    AwardOutOfRange { limit: i64 },
    #[error("allowance used")]
    AllowanceUsed { allowance: u32, resets_at: String },
    #[error("no season running")]
    NoSeason,
    /// A refusal already worded from the catalog.
    #[error("refused: {0}")]
    Refused(String),
    #[error(transparent)]
    Unknown(#[from] anyhow::Error),
}

impl CommandError {
    pub fn to_reply(&self, catalog: &Catalog) -> Reply {
        let text = match self {
            CommandError::NotAdmin => catalog.text("error-not-admin"),
            CommandError::UnknownMember(name) => catalog.fmt("error-unknown-member", &[("name", name.into())]),
            CommandError::GiveToSelf => catalog.text("error-give-self"),
            CommandError::GiveToBot => catalog.text("error-give-bot"),
            CommandError::AmountOutOfRange { min, max } => {
                catalog.fmt("error-amount-range", &[("min", (*min).into()), ("max", (*max).into())])
            }
            CommandError::AwardOutOfRange { limit } => {
                catalog.fmt("error-award-range", &[("min", (-*limit).into()), ("max", (*limit).into())])
            }
            CommandError::AllowanceUsed { allowance, resets_at } => {
                catalog.fmt("error-allowance-used", &[("allowance", (*allowance).into()), ("resets", resets_at.into())])
            }
            CommandError::NoSeason => catalog.text("error-no-season"),
            CommandError::Refused(text) => text.clone(),
            CommandError::Unknown(_) => catalog.text("error-internal"),
        };
        Reply::ephemeral().text(text)
    }
}

/// Logs a command's internal failure with its context (users see a generic
/// message); refusals are not logged.
pub fn log_unknown(community: &CommunityConfig, command: &Command, error: &CommandError) {
    if let CommandError::Unknown(error) = error {
        tracing::error!(community = %community.id, command = %command_label(command.spec()), error = ?error, "command failed");
    }
}

/// A log label such as `topic suggest`.
fn command_label(spec: Option<&CommandSpec>) -> String {
    match spec {
        Some(spec) => spec.sub.map_or_else(|| spec.name.to_string(), |sub| format!("{} {sub}", spec.name)),
        None => "reply to post".to_string(),
    }
}

/// The reply to a line that is not a valid command in `community`.
pub fn parse_error_reply(catalog: &Catalog, community: &CommunityConfig, error: &ParseError) -> Reply {
    let usage = |spec: &CommandSpec| spec.usage_naming(|arg: &ArgSpec| arg_name(catalog, spec, arg.name));
    let text = match error {
        ParseError::NotACommand => catalog.text("error-not-command"),
        ParseError::UnknownCommand(name) => catalog.fmt("error-unknown-command", &[("name", name.into())]),
        ParseError::Missing { spec, arg } => catalog
            .fmt("error-missing-arg", &[("arg", arg_name(catalog, spec, arg).into()), ("usage", usage(spec).into())]),
        ParseError::Invalid { spec, arg } => {
            let kind = spec.args.iter().find(|a| a.name == *arg).map(|a| a.kind);
            let expected = match kind {
                Some(ArgKind::Member) => catalog.text("expected-member"),
                Some(ArgKind::Integer) => catalog.text("expected-integer"),
                Some(ArgKind::Choice(choices)) => {
                    catalog.fmt("expected-choice", &[("choices", choices.join(&catalog.text("list-separator")).into())])
                }
                Some(ArgKind::Text { .. }) | None => catalog.text("expected-text"),
            };
            catalog.fmt(
                "error-invalid-arg",
                &[
                    ("arg", arg_name(catalog, spec, arg).into()),
                    ("expected", expected.into()),
                    ("usage", usage(spec).into()),
                ],
            )
        }
        // A number past i64 is past every range: say the range where there is one.
        ParseError::OutOfRange { spec, arg } => match (spec.name, *arg) {
            ("give", "amount") => {
                return CommandError::AmountOutOfRange { min: 1, max: community.points.give_max }.to_reply(catalog);
            }
            ("award", "amount") => return CommandError::AwardOutOfRange { limit: AWARD_LIMIT }.to_reply(catalog),
            _ => catalog.fmt(
                "error-number-too-large",
                &[("arg", arg_name(catalog, spec, arg).into()), ("usage", usage(spec).into())],
            ),
        },
        ParseError::TooLong { spec, arg, max } => {
            catalog.fmt("error-too-long", &[("arg", arg_name(catalog, spec, arg).into()), ("max", (*max).into())])
        }
        ParseError::Extra { spec } => catalog.fmt("error-extra-args", &[("usage", usage(spec).into())]),
    };
    Reply::ephemeral().text(text)
}

/// An argument's name in `/help` and refusals (`amount`, `数量`); the
/// Contract's names stay the Discord option names. `entry` is a text for
/// `/submit` and a number for `/vote`, so the number gets a name of its own.
pub fn arg_name(catalog: &Catalog, spec: &CommandSpec, arg: &str) -> String {
    let number = spec.args.iter().any(|a| a.name == arg && a.kind == ArgKind::Integer);
    if arg == "entry" && number {
        return catalog.text("arg-name-entry-number");
    }
    catalog.text(&format!("arg-name-{arg}"))
}

/// What a chat that belongs to no community is told: how to link it.
pub fn unlinked_chat_reply(catalog: &Catalog, chat: &ChatRef) -> Reply {
    let line = match chat {
        ChatRef::Console { community } => {
            return Reply::ephemeral().text(catalog.fmt("error-unknown-community", &[("id", community.into())]));
        }
        ChatRef::Discord { guild_id, channel_id } => {
            format!("discord = {{ guild_id = \"{guild_id}\", channel_id = \"{channel_id}\" }}")
        }
        ChatRef::Telegram { chat_id } => format!("telegram = {{ chat_id = {chat_id} }}"),
    };
    Reply::ephemeral()
        .text(catalog.text("unlinked-chat"))
        .line(crate::reply::Line(vec![crate::reply::Span::Code(line)]))
}

//! Discord interactions → what the engine should hear. Pure functions over
//! serenity's types, so every payload shape is testable without a network.

use hearth_bot::command::{self, ArgKind, ArgValue, Command, MemberRef, ParseError};
use hearth_bot::{Actor, ChatRef, Platform};
use serde_json::Value;
use serenity::all::{
    ChannelId, ChannelType, CommandDataOption, CommandDataOptionValue, CommandDataResolved, CommandInteraction,
    ComponentInteraction, Guild, GuildChannel, GuildId, Interaction, Member, Message, MessageType, User, UserId,
};

use crate::slash;

/// What Discord documents as the default upload limit (25 MiB); filled in
/// when a payload leaves `attachment_size_limit` out, which serenity 0.12.5
/// would otherwise reject.
const DEFAULT_ATTACHMENT_LIMIT: u32 = 25 * 1024 * 1024;
/// A GUILD_CREATE this soon after the bot joined counts as the join. Discord
/// sends GUILD_CREATE for every guild on every connection; the window keeps
/// a first start on a fresh database from greeting guilds joined long ago.
pub const JOIN_WINDOW_SECS: i64 = 24 * 60 * 60;

/// One interaction, translated. One value per request, moved once: its size
/// does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Inbound {
    /// Discord checking the endpoint: answer PONG.
    Ping,
    /// A slash command or a button: both run a command.
    Command { actor: Actor, chat: ChatRef, parsed: Result<Command, ParseError>, event_id: String },
    /// Anything else (autocomplete, modals): not ours.
    Ignore,
}

/// Parses an interaction body as Discord sends it. serenity 0.12.5 wants
/// two fields Discord may leave out: `attachment_size_limit`, and `options`
/// on a subcommand invoked without any; both are filled in. It also panics
/// on a 32-character image hash with non-ASCII in it (`ImageHash::from_str`
/// slices bytes); that panic is caught and reported as a parse error.
pub fn parse_interaction(body: &[u8]) -> Result<Interaction, serde_json::Error> {
    let mut value: Value = serde_json::from_slice(body)?;
    if let Some(fields) = value.as_object_mut() {
        fields.entry("attachment_size_limit").or_insert(Value::from(DEFAULT_ATTACHMENT_LIMIT));
    }
    if let Some(options) = value.pointer_mut("/data/options").and_then(Value::as_array_mut) {
        fill_subcommand_options(options);
    }
    // From text, as serenity reads payloads off the wire.
    let text = value.to_string();
    std::panic::catch_unwind(|| serde_json::from_str(&text))
        .unwrap_or_else(|_| Err(serde::de::Error::custom("serenity panicked on this payload")))
}

/// Option types 1 and 2 are a subcommand and a subcommand group.
fn fill_subcommand_options(options: &mut [Value]) {
    for option in options {
        let is_sub = matches!(option.get("type").and_then(Value::as_u64), Some(1 | 2));
        if let (true, Some(fields)) = (is_sub, option.as_object_mut()) {
            let inner = fields.entry("options").or_insert_with(|| Value::Array(Vec::new()));
            if let Some(inner) = inner.as_array_mut() {
                fill_subcommand_options(inner);
            }
        }
    }
}

pub fn translate(interaction: &Interaction) -> Inbound {
    match interaction {
        Interaction::Ping(_) => Inbound::Ping,
        Interaction::Command(command) => Inbound::Command {
            actor: actor(&command.user, command.member.as_deref()),
            chat: chat(command.guild_id, command.channel_id.get()),
            parsed: slash_command(command),
            event_id: format!("discord:{}", command.id.get()),
        },
        Interaction::Component(component) => button(component),
        _ => Inbound::Ignore,
    }
}

/// What a GUILD_CREATE means for hearth.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GuildSeen {
    /// The bot joined recently: welcome it in `channel`, if it can write anywhere.
    Joined { chat: ChatRef, channel: Option<ChannelId> },
    /// A guild the bot has been in for a while (a reconnect, a restart).
    Present { chat: ChatRef },
}

/// Reads a GUILD_CREATE (`now` in Unix seconds). The welcome goes to the
/// system channel, else the first text channel the bot can write in.
pub fn guild_seen(guild: &Guild, bot: UserId, now: i64) -> GuildSeen {
    let joined_recently = now - guild.joined_at.unix_timestamp() < JOIN_WINDOW_SECS;
    let channel = welcome_channel(guild, bot);
    let chat = chat(Some(guild.id), channel.map_or(0, ChannelId::get));
    if joined_recently { GuildSeen::Joined { chat, channel } } else { GuildSeen::Present { chat } }
}

fn welcome_channel(guild: &Guild, bot: UserId) -> Option<ChannelId> {
    // GUILD_CREATE carries the bot's own member; without it, hope for the best.
    let me = guild.members.get(&bot);
    let can_write = |channel: &GuildChannel| {
        channel.kind == ChannelType::Text
            && me.is_none_or(|me| {
                let allowed = guild.user_permissions_in(channel, me);
                allowed.view_channel() && allowed.send_messages()
            })
    };
    if let Some(system) = guild.system_channel_id.and_then(|id| guild.channels.get(&id))
        && can_write(system)
    {
        return Some(system.id);
    }
    guild.channels.values().filter(|c| can_write(c)).min_by_key(|c| (c.position, c.id)).map(|c| c.id)
}

/// A MESSAGE_CREATE that answers the bot: a reply to one of its messages, or
/// any message in a thread the bot opened (a thread opened on a message has
/// that message's id). Works without the MESSAGE_CONTENT intent: only ids
/// are read. `None` for everything else.
pub fn topic_reply(message: &Message, bot: UserId, in_bot_thread: bool) -> Option<Inbound> {
    let guild = message.guild_id?;
    if message.author.bot || !matches!(message.kind, MessageType::Regular | MessageType::InlineReply) {
        return None;
    }
    let replied_to_bot = message.referenced_message.as_deref().filter(|original| original.author.id == bot);
    let post = match (replied_to_bot, in_bot_thread) {
        (Some(original), _) => original.id.get(),
        (None, true) => message.channel_id.get(),
        (None, false) => return None,
    };
    let nick = message.member.as_ref().and_then(|m| m.nick.as_deref());
    Some(Inbound::Command {
        actor: Actor {
            platform: Platform::Discord,
            user_id: message.author.id.get().to_string(),
            display_name: display_name(&message.author, nick),
            is_bot: false,
            is_platform_admin: false,
        },
        chat: chat(Some(guild), message.channel_id.get()),
        parsed: Ok(Command::ReplyToPost { message_id: post.to_string() }),
        event_id: format!("discord:message:{}", message.id.get()),
    })
}

fn button(component: &ComponentInteraction) -> Inbound {
    let line = component.data.custom_id.as_str();
    // Our buttons carry the command line they stand for.
    if !line.starts_with('/') {
        return Inbound::Ignore;
    }
    Inbound::Command {
        actor: actor(&component.user, component.member.as_ref()),
        chat: chat(component.guild_id, component.channel_id.get()),
        parsed: command::parse(line),
        event_id: format!("discord:{}", component.id.get()),
    }
}

fn chat(guild: Option<GuildId>, channel: u64) -> ChatRef {
    // Commands are not offered in DMs; a DM still gets an answer (the link hint).
    let guild_id = guild.map_or_else(|| "0".to_string(), |g| g.get().to_string());
    ChatRef::Discord { guild_id, channel_id: channel.to_string() }
}

fn actor(user: &User, member: Option<&Member>) -> Actor {
    let permissions = member.and_then(|m| m.permissions);
    Actor {
        platform: Platform::Discord,
        user_id: user.id.get().to_string(),
        display_name: display_name(user, member.and_then(|m| m.nick.as_deref())),
        is_bot: user.bot,
        is_platform_admin: permissions.is_some_and(|p| p.manage_guild() || p.administrator()),
    }
}

/// The server nickname, else the global display name, else the username.
fn display_name(user: &User, nick: Option<&str>) -> String {
    let name = nick.or(user.global_name.as_deref()).unwrap_or(&user.name);
    let cleaned = command::clean_text(name);
    if cleaned.is_empty() { user.name.clone() } else { cleaned }
}

fn slash_command(interaction: &CommandInteraction) -> Result<Command, ParseError> {
    let data = &interaction.data;
    let (sub, options) = match data.options.first().map(|o| (&o.name, &o.value)) {
        Some((name, CommandDataOptionValue::SubCommand(inner))) => (Some(name.as_str()), inner.as_slice()),
        _ => (None, data.options.as_slice()),
    };
    let spec = slash::spec_for(&data.name, sub)
        .ok_or_else(|| ParseError::UnknownCommand(data.name.chars().take(32).collect()))?;
    let mut values = Vec::with_capacity(spec.args.len());
    for arg in spec.args {
        // A text option of only spaces (Discord allows them) is left out.
        let value = options.iter().find(|o| o.name == arg.name).filter(|o| !is_blank(&o.value));
        values.push(match value {
            None => None,
            Some(option) => Some(arg_value(spec, arg.name, arg.kind, option, &data.resolved)?),
        });
    }
    command::from_values(spec, values)
}

/// A string option with nothing but whitespace and control characters.
fn is_blank(value: &CommandDataOptionValue) -> bool {
    matches!(value, CommandDataOptionValue::String(text) if command::clean_text(text).is_empty())
}

fn arg_value(
    spec: &'static command::CommandSpec,
    arg: &'static str,
    kind: ArgKind,
    option: &CommandDataOption,
    resolved: &CommandDataResolved,
) -> Result<ArgValue, ParseError> {
    let invalid = ParseError::Invalid { spec, arg };
    match (kind, &option.value) {
        (ArgKind::Member, CommandDataOptionValue::User(id)) => {
            let user = resolved.users.get(id);
            let nick = resolved.members.get(id).and_then(|m| m.nick.as_deref());
            Ok(ArgValue::Member(MemberRef::Identity {
                platform: Platform::Discord.as_str().to_string(),
                user_id: id.get().to_string(),
                display_name: user.map_or_else(|| id.get().to_string(), |u| display_name(u, nick)),
                is_bot: user.is_some_and(|u| u.bot),
            }))
        }
        (ArgKind::Integer, CommandDataOptionValue::Integer(n)) => Ok(ArgValue::Integer(*n)),
        (ArgKind::Text { max_chars }, CommandDataOptionValue::String(text)) => {
            let text = command::clean_text(text);
            if text.chars().count() > max_chars {
                return Err(ParseError::TooLong { spec, arg, max: max_chars });
            }
            Ok(ArgValue::Text(text))
        }
        (ArgKind::Choice(choices), CommandDataOptionValue::String(word)) => {
            let word = word.to_lowercase();
            choices.iter().find(|c| **c == word).map(|c| ArgValue::Choice(c)).ok_or(invalid)
        }
        _ => Err(invalid),
    }
}

//! Telegram updates → what the engine should hear. Pure functions over
//! teloxide's types: no network, no engine, so every shape is testable.

use hearth_bot::command::{self, Command, MemberRef, ParseError};
use hearth_bot::store::HandleOwner;
use hearth_bot::{Actor, ChatRef, Platform};
use teloxide::types::{
    CallbackQuery, ChatMemberUpdated, MaybeInaccessibleMessage, Message, MessageEntityKind, MessageId, Update,
    UpdateKind, User, UserId,
};

/// Who the bot is, from `getMe`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BotIdentity {
    pub id: UserId,
    /// Without '@'.
    pub username: String,
}

/// One update, translated.
#[derive(Debug, Clone, PartialEq)]
pub enum Inbound {
    /// A typed command. `parsed` is an error reply's source when the line does not parse.
    Command { actor: Actor, chat: ChatRef, parsed: Result<Command, ParseError>, message_id: MessageId },
    /// A tap on one of our inline buttons; `line` is the command it stands for.
    Button { actor: Actor, chat: ChatRef, parsed: Result<Command, ParseError>, callback_id: String },
    /// A message that replies to one of the bot's messages (maybe a topic post).
    ReplyToBot { actor: Actor, chat: ChatRef, bot_message_id: MessageId, message_id: MessageId },
    /// The bot was added to a chat.
    Joined { chat: ChatRef },
    /// The bot was removed from (or banned in) a chat.
    Removed { chat: ChatRef },
    /// Nothing for us: chat between members, another bot's command, edits.
    Ignore,
}

/// An update teloxide could not read, repaired where the cause is a field
/// Telegram always sends but some Bot API stand-ins omit (a callback
/// query's `chat_instance`). Anything else comes back unchanged.
pub fn repaired(update: Update) -> Update {
    let UpdateKind::Error(value) = &update.kind else {
        return update;
    };
    let mut value = value.clone();
    let Some(query) = value.get_mut("callback_query").and_then(serde_json::Value::as_object_mut) else {
        return update;
    };
    if query.contains_key("chat_instance") {
        return update;
    }
    query.insert("chat_instance".into(), serde_json::Value::String(String::new()));
    let mut full = serde_json::json!({ "update_id": update.id.0 });
    if let (Some(full), Some(fields)) = (full.as_object_mut(), value.as_object()) {
        full.extend(fields.clone());
    }
    // teloxide reads updates from text, not from a `Value`.
    match serde_json::from_str::<Update>(&full.to_string()) {
        Ok(fixed) if !matches!(fixed.kind, UpdateKind::Error(_)) => fixed,
        _ => update,
    }
}

/// Translates one update. `@handles` stay handles: the engine resolves them
/// against the users the adapter has reported (`users_with_handles`).
pub fn translate(update: &Update, me: &BotIdentity) -> Inbound {
    match &update.kind {
        UpdateKind::Message(message) => translate_message(message, me),
        UpdateKind::CallbackQuery(query) => translate_callback(query),
        UpdateKind::MyChatMember(change) => translate_membership(change, me),
        _ => Inbound::Ignore,
    }
}

fn translate_message(message: &Message, me: &BotIdentity) -> Inbound {
    let Some(from) = message.from.as_ref() else {
        return Inbound::Ignore;
    };
    let chat = ChatRef::Telegram { chat_id: message.chat.id.0 };
    let actor = actor(from);
    let Some(text) = message.text() else {
        return reply_to_bot(message, me, actor, chat);
    };
    let Some(line) = addressed_command(text, me) else {
        return reply_to_bot(message, me, actor, chat);
    };
    let Some(line) = line else {
        return Inbound::Ignore;
    };
    let (cleaned, mentioned) = without_text_mentions(message, text);
    // Cut where the mentions are, then read the command again; a mention
    // inside the command word itself (not a real message) leaves the line.
    let line = match mentioned {
        Some(_) => addressed_command(&cleaned, me).flatten().unwrap_or(line),
        None => line,
    };
    let named = mentioned.or_else(|| replied_author(message, me)).map(|user| member_ref(&user));
    Inbound::Command { actor, chat, parsed: command::parse_naming(&line, named), message_id: message.id }
}

fn reply_to_bot(message: &Message, me: &BotIdentity, actor: Actor, chat: ChatRef) -> Inbound {
    match message.reply_to_message() {
        Some(original) if original.from.as_ref().is_some_and(|u| u.id == me.id) => {
            Inbound::ReplyToBot { actor, chat, bot_message_id: original.id, message_id: message.id }
        }
        _ => Inbound::Ignore,
    }
}

/// The command line of `text` if it is a command: `Some(Some(line))` with any
/// `@botname` removed, `Some(None)` for a command addressed to another bot,
/// `None` for ordinary chat.
fn addressed_command(text: &str, me: &BotIdentity) -> Option<Option<String>> {
    let text = text.trim_start();
    if !text.starts_with('/') {
        return None;
    }
    let end = text.find(char::is_whitespace).unwrap_or(text.len());
    let (first, rest) = text.split_at(end);
    match first.split_once('@') {
        Some((name, bot)) if bot.eq_ignore_ascii_case(&me.username) => Some(Some(format!("{name}{rest}"))),
        Some(_) => Some(None),
        None => Some(Some(text.to_string())),
    }
}

/// A `text_mention` names a user without a username: its text (a display
/// name of any length) is cut from `text` where its offset says — never by
/// searching for the name, which may also be a word of the command — and
/// its user returned.
fn without_text_mentions(message: &Message, text: &str) -> (String, Option<User>) {
    // teloxide adds offset + length unchecked (an overflow panic in debug
    // builds): entities that do not fit the text are not trusted at all.
    let utf16_len = text.encode_utf16().count();
    let fits = message
        .entities()
        .unwrap_or_default()
        .iter()
        .all(|e| e.offset.checked_add(e.length).is_some_and(|end| end <= utf16_len));
    let Some(entities) = fits.then(|| message.parse_entities()).flatten() else {
        return (text.to_string(), None);
    };
    let mut user = None;
    let mut cuts = Vec::new();
    for entity in entities {
        if let MessageEntityKind::TextMention { user: mentioned } = entity.kind()
            && text.get(entity.range()).is_some()
        {
            cuts.push(entity.range());
            user.get_or_insert_with(|| mentioned.clone());
        }
    }
    // From the end, so earlier ranges keep their byte positions.
    cuts.sort_by_key(|range| std::cmp::Reverse(range.start));
    let mut cleaned = text.to_string();
    let mut last_start = usize::MAX;
    for range in cuts {
        if range.end <= last_start {
            cleaned.replace_range(range.clone(), " ");
            last_start = range.start;
        }
    }
    (cleaned, user)
}

/// The author of the message a command replies to, unless that is the bot.
fn replied_author(message: &Message, me: &BotIdentity) -> Option<User> {
    let author = message.reply_to_message()?.from.clone()?;
    (author.id != me.id).then_some(author)
}

fn translate_callback(query: &CallbackQuery) -> Inbound {
    let (Some(data), Some(message)) = (query.data.as_deref(), query.message.as_ref()) else {
        return Inbound::Ignore;
    };
    let chat_id = match message {
        MaybeInaccessibleMessage::Regular(m) => m.chat.id,
        MaybeInaccessibleMessage::Inaccessible(m) => m.chat.id,
    };
    // Our buttons carry the command line they stand for; anything else is not ours.
    if !data.starts_with('/') {
        return Inbound::Ignore;
    }
    Inbound::Button {
        actor: actor(&query.from),
        chat: ChatRef::Telegram { chat_id: chat_id.0 },
        parsed: command::parse(data),
        callback_id: query.id.0.clone(),
    }
}

fn translate_membership(change: &ChatMemberUpdated, me: &BotIdentity) -> Inbound {
    if change.new_chat_member.user.id != me.id {
        return Inbound::Ignore;
    }
    let chat = ChatRef::Telegram { chat_id: change.chat.id.0 };
    let (was, is) = (change.old_chat_member.is_present(), change.new_chat_member.is_present());
    match (was, is) {
        (false, true) => Inbound::Joined { chat },
        (true, false) => Inbound::Removed { chat },
        _ => Inbound::Ignore,
    }
}

pub fn actor(user: &User) -> Actor {
    Actor {
        platform: Platform::Telegram,
        user_id: user.id.0.to_string(),
        display_name: display_name(user),
        is_bot: user.is_bot,
        is_platform_admin: false,
    }
}

fn member_ref(user: &User) -> MemberRef {
    MemberRef::Identity {
        platform: Platform::Telegram.as_str().to_string(),
        user_id: user.id.0.to_string(),
        display_name: display_name(user),
        is_bot: user.is_bot,
    }
}

/// A user's name as members see it, cleaned like any other user text.
pub fn display_name(user: &User) -> String {
    let name = command::clean_text(&user.full_name());
    if name.is_empty() { user.username.clone().unwrap_or_else(|| user.id.0.to_string()) } else { name }
}

/// Users an update shows with a username: the sender and whoever they reply to.
pub fn users_with_handles(update: &Update) -> Vec<(String, HandleOwner)> {
    let mut users: Vec<&User> = Vec::new();
    match &update.kind {
        UpdateKind::Message(message) => {
            users.extend(message.from.as_ref());
            users.extend(message.reply_to_message().and_then(|m| m.from.as_ref()));
        }
        UpdateKind::CallbackQuery(query) => users.push(&query.from),
        _ => {}
    }
    users
        .into_iter()
        .filter_map(|user| {
            let handle = user.username.as_ref()?.to_lowercase();
            Some((
                handle,
                HandleOwner { user_id: user.id.0.to_string(), display_name: display_name(user), is_bot: user.is_bot },
            ))
        })
        .collect()
}

//! One update: translate → one engine call → send the answer.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use hearth_bot::command::{Command, ParseError};
use hearth_bot::reply::Reply;
use hearth_bot::{Actor, ChatRef, Platform, Request};
use teloxide::prelude::*;
use teloxide::types::{CallbackQueryId, MessageId, Update};

use crate::translate::{self, Inbound, translate, users_with_handles};
use crate::{Telegram, render};

/// How often at most a chat no community owns is told how to link it; in
/// between, its commands get no answer (a flood there costs nothing).
const LINK_HINT_EVERY: Duration = Duration::from_secs(5 * 60);

/// When each unlinked chat last got the hint.
#[derive(Default)]
pub struct LinkHints {
    last: Mutex<HashMap<i64, Instant>>,
}

impl LinkHints {
    /// True (and noted) when `chat` may be told again.
    fn due(&self, chat: i64) -> bool {
        let mut last = self.last.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let now = Instant::now();
        if last.get(&chat).is_some_and(|at| now.duration_since(*at) < LINK_HINT_EVERY) {
            return false;
        }
        if last.len() >= 10_000 {
            last.retain(|_, at| now.duration_since(*at) < LINK_HINT_EVERY);
        }
        last.insert(chat, now);
        true
    }
}

/// Handles already stored with their owner, so a chatty member costs one write.
#[derive(Default)]
pub struct SeenHandles {
    owners: Mutex<HashMap<String, (String, String)>>,
}

impl Telegram {
    /// Handles one update the inbox holds (polled or from the webhook) and
    /// marks it done in the engine: in the transaction of its command when
    /// it carries one, after it is handled otherwise.
    pub async fn process(&self, update: Update) {
        let update_id = i64::from(update.id.0);
        if !self.handle_update(update, update_id).await {
            self.shared.engine.finish_update(Platform::Telegram, update_id).await;
        }
    }

    /// Whether the engine marked the inbox row done with the command.
    async fn handle_update(&self, update: Update, update_id: i64) -> bool {
        let update = translate::repaired(update);
        self.remember_handles(&update).await;
        let event_id = format!("telegram:{}", update.id.0);
        let inbound = translate(&update, &self.shared.me);
        if let Inbound::Command { chat, .. } | Inbound::Button { chat, .. } = &inbound
            && let ChatRef::Telegram { chat_id } = chat
            && self.shared.engine.served().community_for(chat).is_none()
            && !self.shared.hints.due(*chat_id)
        {
            tracing::debug!(chat = chat_id, "unlinked chat told how to link it lately; no answer");
            return false;
        }
        match inbound {
            Inbound::Command { actor, chat, parsed, message_id } => {
                let (reply, carried) = self.run(actor, &chat, parsed, event_id, update_id).await;
                self.send_or_log(&chat, &reply, Some(message_id)).await;
                carried
            }
            Inbound::Button { actor, chat, parsed, callback_id } => {
                let (reply, carried) = self.run(actor, &chat, parsed, event_id, update_id).await;
                self.answer_button(&chat, &reply, callback_id).await;
                carried
            }
            // In a chat no community owns, a reply to the welcome is just chat.
            Inbound::ReplyToBot { chat, .. } if self.shared.engine.served().community_for(&chat).is_none() => false,
            Inbound::ReplyToBot { actor, chat, bot_message_id, message_id } => {
                let command = Command::ReplyToPost { message_id: bot_message_id.0.to_string() };
                let (reply, carried) = self.run(actor, &chat, Ok(command), event_id, update_id).await;
                self.send_or_log(&chat, &reply, Some(message_id)).await;
                carried
            }
            Inbound::Joined { chat } => {
                match self.shared.engine.welcome(&chat).await {
                    Ok(reply) => self.send_or_log(&chat, &reply, None).await,
                    Err(error) => tracing::error!(chat = ?chat, error = ?error, "recording a chat join failed"),
                }
                false
            }
            Inbound::Removed { chat } => {
                if let Err(error) = self.shared.engine.chat_removed(&chat).await {
                    tracing::error!(chat = ?chat, error = ?error, "recording a chat removal failed");
                }
                false
            }
            Inbound::Ignore => false,
        }
    }

    /// The command's reply, and whether the engine took the inbox row with it.
    async fn run(
        &self,
        mut actor: Actor,
        chat: &ChatRef,
        parsed: Result<Command, ParseError>,
        event_id: String,
        update_id: i64,
    ) -> (Reply, bool) {
        let engine = &self.shared.engine;
        let command = match parsed {
            Ok(command) => command,
            Err(error) => return (engine.refuse_unparsed(chat, &error), false),
        };
        // Only admin commands cost a getChatMember call, and only for
        // accounts the config does not already list as admins.
        if let (true, ChatRef::Telegram { chat_id }) = (command.is_admin_only(), chat)
            && !engine.listed_admin(chat, &actor)
            && let Ok(user) = actor.user_id.parse::<u64>()
        {
            actor.is_platform_admin =
                self.shared.admins.is_admin(&self.shared.bot, ChatId(*chat_id), UserId(user)).await;
        }
        let request = Request { actor, chat: chat.clone(), command, event_id: Some(event_id) };
        (engine.handle_from_inbox(request, Platform::Telegram, update_id).await, true)
    }

    /// Telegram has no message only one member sees: a button's personal
    /// answer becomes the tap's toast; a public one is posted to the chat.
    async fn answer_button(&self, chat: &ChatRef, reply: &Reply, callback_id: String) {
        let mut answer = self.shared.bot.answer_callback_query(CallbackQueryId(callback_id));
        if reply.is_empty() {
            // Handled by another process, which answers the tap.
            return;
        }
        if reply.ephemeral {
            answer = answer.text(render::toast(reply));
        } else {
            self.send_or_log(chat, reply, None).await;
        }
        if let Err(error) = answer.await {
            tracing::warn!(error = %error, "answerCallbackQuery failed");
        }
    }

    async fn send_or_log(&self, chat: &ChatRef, reply: &Reply, reply_to: Option<MessageId>) {
        let ChatRef::Telegram { chat_id } = chat else {
            return;
        };
        if reply.is_empty() {
            return;
        }
        if let Err(error) = self.send(ChatId(*chat_id), reply, reply_to).await {
            tracing::warn!(chat = chat_id, error = %error, "sending a reply failed");
        }
    }

    async fn remember_handles(&self, update: &Update) {
        for (handle, owner) in users_with_handles(update) {
            let known = (owner.user_id.clone(), owner.display_name.clone());
            {
                let owners = self.shared.handles.owners.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
                if owners.get(&handle) == Some(&known) {
                    continue;
                }
            }
            match self.shared.engine.observe_handle(Platform::Telegram, &handle, &owner).await {
                Ok(()) => {
                    let mut owners = self.shared.handles.owners.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
                    owners.insert(handle, known);
                }
                Err(error) => tracing::warn!(error = ?error, "remembering a handle failed"),
            }
        }
    }
}

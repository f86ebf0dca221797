//! One update: translate → one engine call → send the answer.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Mutex;

use hearth_bot::command::{Command, ParseError};
use hearth_bot::reply::Reply;
use hearth_bot::{Actor, ChatRef, Platform, Request};
use teloxide::prelude::*;
use teloxide::types::{CallbackQueryId, MessageId, Update};

use crate::translate::{self, Inbound, translate, users_with_handles};
use crate::{Telegram, render};

/// How many update ids are remembered to drop a redelivered update.
const RECENT_UPDATES: usize = 4096;

/// Update ids processed lately (webhooks may deliver one twice).
#[derive(Default)]
pub struct RecentUpdates {
    ids: Mutex<(HashSet<u32>, VecDeque<u32>)>,
}

impl RecentUpdates {
    /// True the first time an id is offered.
    pub fn first_sight(&self, id: u32) -> bool {
        let mut guard = self.ids.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let (set, order) = &mut *guard;
        if !set.insert(id) {
            return false;
        }
        order.push_back(id);
        if order.len() > RECENT_UPDATES
            && let Some(oldest) = order.pop_front()
        {
            set.remove(&oldest);
        }
        true
    }
}

/// Handles already stored with their owner, so a chatty member costs one write.
#[derive(Default)]
pub struct SeenHandles {
    owners: Mutex<HashMap<String, (String, String)>>,
}

impl Telegram {
    /// Handles one update from polling or the webhook, at most once per update id.
    pub async fn process(&self, update: Update) {
        if !self.shared.recent.first_sight(update.id.0) {
            tracing::debug!(update = update.id.0, "update seen before; skipped");
            return;
        }
        let update = translate::repaired(update);
        self.remember_handles(&update).await;
        let event_id = format!("telegram:{}", update.id.0);
        match translate(&update, &self.shared.me) {
            Inbound::Command { actor, chat, parsed, message_id } => {
                let reply = self.run(actor, &chat, parsed, event_id).await;
                self.send_or_log(&chat, &reply, Some(message_id)).await;
            }
            Inbound::Button { actor, chat, parsed, callback_id } => {
                let reply = self.run(actor, &chat, parsed, event_id).await;
                self.answer_button(&chat, &reply, callback_id).await;
            }
            // In a chat no community owns, a reply to the welcome is just chat.
            Inbound::ReplyToBot { chat, .. } if self.shared.engine.served().community_for(&chat).is_none() => {}
            Inbound::ReplyToBot { actor, chat, bot_message_id, message_id } => {
                let command = Command::ReplyToPost { message_id: bot_message_id.0.to_string() };
                let reply = self.run(actor, &chat, Ok(command), event_id).await;
                self.send_or_log(&chat, &reply, Some(message_id)).await;
            }
            Inbound::Joined { chat } => match self.shared.engine.welcome(&chat).await {
                Ok(reply) => self.send_or_log(&chat, &reply, None).await,
                Err(error) => tracing::error!(chat = ?chat, error = ?error, "recording a chat join failed"),
            },
            Inbound::Removed { chat } => {
                if let Err(error) = self.shared.engine.chat_removed(&chat).await {
                    tracing::error!(chat = ?chat, error = ?error, "recording a chat removal failed");
                }
            }
            Inbound::Ignore => {}
        }
    }

    async fn run(
        &self,
        mut actor: Actor,
        chat: &ChatRef,
        parsed: Result<Command, ParseError>,
        event_id: String,
    ) -> Reply {
        let engine = &self.shared.engine;
        let command = match parsed {
            Ok(command) => command,
            Err(error) => return engine.refuse_unparsed(chat, &error),
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
        engine.handle(Request { actor, chat: chat.clone(), command, event_id: Some(event_id) }).await
    }

    /// Telegram has no message only one member sees: a button's personal
    /// answer becomes the tap's toast; a public one is posted to the chat.
    async fn answer_button(&self, chat: &ChatRef, reply: &Reply, callback_id: String) {
        let mut answer = self.shared.bot.answer_callback_query(CallbackQueryId(callback_id));
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

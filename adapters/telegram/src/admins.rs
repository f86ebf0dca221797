//! Who administers a chat, from `getChatMember`, cached briefly.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use teloxide::prelude::*;
use teloxide::types::{ChatId, UserId};

use crate::TelegramBot;

/// How long an answer from `getChatMember` is trusted.
pub const ADMIN_CACHE_TTL: Duration = Duration::from_secs(5 * 60);

#[derive(Default)]
pub struct AdminCache {
    answers: Mutex<HashMap<(ChatId, UserId), (bool, Instant)>>,
}

impl AdminCache {
    /// Whether the user is the chat's creator or an administrator. A failed
    /// lookup means "not an admin": the member gets a refusal, never an error.
    pub async fn is_admin(&self, bot: &TelegramBot, chat: ChatId, user: UserId) -> bool {
        if let Some(cached) = self.cached(chat, user) {
            return cached;
        }
        let is_admin = match bot.get_chat_member(chat, user).await {
            Ok(member) => member.is_privileged(),
            Err(error) => {
                tracing::warn!(chat = chat.0, user = user.0, error = %error, "getChatMember failed; treating as a member");
                return false;
            }
        };
        self.lock().insert((chat, user), (is_admin, Instant::now()));
        is_admin
    }

    fn cached(&self, chat: ChatId, user: UserId) -> Option<bool> {
        let mut answers = self.lock();
        match answers.get(&(chat, user)) {
            Some((is_admin, at)) if at.elapsed() < ADMIN_CACHE_TTL => Some(*is_admin),
            Some(_) => {
                answers.remove(&(chat, user));
                None
            }
            None => None,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<(ChatId, UserId), (bool, Instant)>> {
        self.answers.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

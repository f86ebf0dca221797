//! The outbox worker for Telegram chats: scheduled posts go out here, and
//! nothing is lost across a restart because the outbox is in the database.

use std::time::Duration;

use hearth_bot::engine::PendingPost;
use hearth_bot::metrics::{self, DeliveryError};
use hearth_bot::{ChatRef, Platform};
use teloxide::prelude::*;
use teloxide::{ApiError, RequestError};
use tokio_util::sync::CancellationToken;

use crate::Telegram;

/// The longest a worker sleeps without looking at the outbox (retries fall due).
const RECHECK: Duration = Duration::from_secs(5);

impl Telegram {
    /// Delivers queued posts until the process ends; wakes when posts are
    /// queued, and every few seconds for retries.
    /// Stops when `stop` is cancelled, never between sending a post and
    /// recording it sent (a restart would send it again).
    pub async fn run_delivery(self, stop: CancellationToken) {
        let engine = self.shared.engine.clone();
        tokio::select! {
            () = engine.deliver_while_running(RECHECK, || self.deliver_pending()) => {}
            _sending = async {
                stop.cancelled().await;
                self.shared.sending.lock().await
            } => {}
        }
    }

    /// One pass over every community that has a Telegram chat.
    pub async fn deliver_pending(&self) {
        for (community, posts) in self.shared.engine.pending_posts_by_community(Platform::Telegram).await {
            let Some(link) = &community.telegram else {
                continue;
            };
            for post in posts {
                if !self.deliver(link.chat_id, &post).await {
                    break;
                }
            }
        }
    }

    /// Sends one post and records the outcome. False when the chat should
    /// not be tried again in this pass.
    async fn deliver(&self, chat_id: i64, post: &PendingPost) -> bool {
        let _sending = self.shared.sending.lock().await;
        let engine = &self.shared.engine;
        let chat = ChatRef::Telegram { chat_id };
        let outcome = if engine.chat_inactive(&chat).await.unwrap_or(false) {
            metrics::delivery_error(Platform::Telegram, DeliveryError::ChatGone);
            Err(("the bot was removed from the chat".to_string(), true))
        } else {
            let sent = match self.chart_image(post).await {
                Some((png, file_name)) => self.send_photo(ChatId(chat_id), &post.reply, png, file_name).await,
                None => self.send(ChatId(chat_id), &post.reply, None).await,
            };
            match sent {
                Ok(id) => Ok(id),
                Err(RequestError::RetryAfter(wait)) => {
                    // Not the post's fault: wait as told and leave it pending.
                    metrics::delivery_error(Platform::Telegram, DeliveryError::RateLimited);
                    tokio::time::sleep(wait.duration()).await;
                    return false;
                }
                Err(error) => {
                    let permanent = is_permanent(&error);
                    let kind = if permanent { DeliveryError::Permanent } else { DeliveryError::Transient };
                    metrics::delivery_error(Platform::Telegram, kind);
                    Err((error.to_string(), permanent))
                }
            }
        };
        let recorded = match outcome {
            Ok(id) => engine.mark_delivered(post.id, id.map(|id| id.0.to_string()).as_deref()).await,
            Err((reason, permanent)) => {
                tracing::warn!(post = post.id, chat = chat_id, reason = %reason, permanent, "delivery failed");
                engine.delivery_failed(post, &reason, permanent).await
            }
        };
        if let Err(error) = recorded {
            tracing::error!(post = post.id, error = ?error, "recording a delivery failed");
        }
        true
    }
}

impl Telegram {
    /// The post's chart drawn as PNG, off the async workers (drawing takes
    /// tens of milliseconds), with its file name. One that cannot be drawn
    /// is logged; the post goes out as text.
    async fn chart_image(&self, post: &PendingPost) -> Option<(Vec<u8>, String)> {
        let chart = post.reply.chart.clone()?;
        let renderer = self.shared.renderer.clone();
        let file_name = format!("{}.png", chart.file_stem());
        match tokio::task::spawn_blocking(move || renderer.png(&chart)).await {
            Ok(Ok(png)) => Some((png.bytes, file_name)),
            Ok(Err(error)) => {
                tracing::error!(post = post.id, error = ?error, "drawing a post's chart failed; posting the text alone");
                None
            }
            Err(error) => {
                tracing::error!(post = post.id, %error, "drawing a post's chart stopped; posting the text alone");
                None
            }
        }
    }
}

/// Errors that no retry can fix: the bot is out of the chat, or the chat is gone.
pub fn is_permanent(error: &RequestError) -> bool {
    match error {
        RequestError::Api(api) => matches!(
            api,
            ApiError::BotKicked
                | ApiError::BotKickedFromSupergroup
                | ApiError::BotKickedFromChannel
                | ApiError::BotBlocked
                | ApiError::ChatNotFound
                | ApiError::GroupDeactivated
                | ApiError::NotEnoughRightsToPostMessages
                | ApiError::UserDeactivated
                | ApiError::CantInitiateConversation
                | ApiError::CantTalkWithBots
                | ApiError::InvalidToken
                | ApiError::MessageIsTooLong
                | ApiError::CantParseEntities(_)
        ),
        RequestError::MigrateToChatId(_) => true,
        _ => false,
    }
}

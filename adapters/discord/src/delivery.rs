//! The outbox worker for Discord channels: scheduled posts go out over REST
//! with the outbox id as an enforced nonce, so a retry never posts twice.

use std::time::Duration;

use hearth_bot::engine::PendingPost;
use hearth_bot::metrics::{self, DeliveryError};
use hearth_bot::{ChatRef, Platform};
use serenity::all::{AutoArchiveDuration, ChannelId, CreateThread, HttpError, Message};

use crate::{Discord, render};

/// The longest the worker sleeps without looking at the outbox (retries fall due).
const RECHECK: Duration = Duration::from_secs(5);
/// Discord's JSON error codes that no retry fixes: unknown channel or guild,
/// missing access, missing permissions, cannot send in this channel.
const PERMANENT_CODES: &[isize] = &[10003, 10004, 50001, 50013, 50008];
/// The outbox reason for a post to a guild the bot is no longer in.
const REMOVED: &str = "the bot was removed from the guild";
/// Discord's limit on a thread's name.
const THREAD_NAME_LIMIT: usize = 100;

impl Discord {
    /// Delivers queued posts until the process ends; wakes when posts are
    /// queued, and every few seconds for retries. Rate limits are serenity's.
    pub async fn run_delivery(self) {
        let engine = self.shared.engine.clone();
        engine.deliver_while_running(RECHECK, || self.deliver_pending()).await;
    }

    /// One pass over every community that has a Discord channel. The posts
    /// of a guild the bot was removed from (GUILD_DELETE) fail for good
    /// without a request.
    pub async fn deliver_pending(&self) {
        let engine = &self.shared.engine;
        for (community, posts) in engine.pending_posts_by_community(Platform::Discord).await {
            let Some(link) = community.discord.as_ref() else {
                continue;
            };
            let Ok(channel) = link.channel_id.parse::<u64>() else {
                continue;
            };
            let chat = ChatRef::Discord { guild_id: link.guild_id.clone(), channel_id: link.channel_id.clone() };
            if engine.chat_inactive(&chat).await.unwrap_or(false) {
                for post in posts {
                    tracing::warn!(post = post.id, guild = %link.guild_id, "the bot was removed from the guild; not posting");
                    metrics::delivery_error(Platform::Discord, DeliveryError::ChatGone);
                    if let Err(error) = engine.delivery_failed(&post, REMOVED, true).await {
                        tracing::error!(post = post.id, error = ?error, "recording a delivery failed");
                    }
                }
                continue;
            }
            for post in posts {
                self.deliver(ChannelId::new(channel.max(1)), &post).await;
            }
        }
    }

    async fn deliver(&self, channel: ChannelId, post: &PendingPost) {
        let Some(http) = &self.shared.http else {
            return;
        };
        let engine = &self.shared.engine;
        let image = self.chart_image(post).await;
        let recorded = match channel
            .send_message(http.as_ref(), render::post_message(&post.reply, post.id, image))
            .await
        {
            Ok(message) => {
                let recorded = engine.mark_delivered(post.id, Some(&message.id.get().to_string())).await;
                if let Some(name) = &post.reply.thread {
                    self.open_thread(channel, &message, name).await;
                }
                recorded
            }
            Err(error) => {
                let permanent = is_permanent(&error);
                let kind = if permanent { DeliveryError::Permanent } else { DeliveryError::Transient };
                metrics::delivery_error(Platform::Discord, kind);
                let reason = reason(&error);
                tracing::warn!(post = post.id, channel = channel.get(), reason = %reason, permanent, "delivery failed");
                engine.delivery_failed(post, &reason, permanent).await
            }
        };
        match recorded {
            Ok(()) => tracing::debug!(post = post.id, "a delivery recorded"),
            Err(error) => tracing::error!(post = post.id, error = ?error, "recording a delivery failed"),
        }
    }
}

impl Discord {
    /// The post's chart drawn as PNG, off the async workers (drawing takes
    /// tens of milliseconds). One that cannot be drawn is logged; the post
    /// goes out without it.
    async fn chart_image(&self, post: &PendingPost) -> Option<render::ChartImage> {
        let chart = post.reply.chart.clone()?;
        let renderer = self.shared.renderer.clone();
        let file_name = format!("{}.png", chart.file_stem());
        let alt = chart.alt_text().to_string();
        match tokio::task::spawn_blocking(move || renderer.png(&chart)).await {
            Ok(Ok(png)) => Some(render::ChartImage { file_name, alt, png: png.bytes }),
            Ok(Err(error)) => {
                tracing::error!(post = post.id, error = ?error, "drawing a post's chart failed; posting without it");
                None
            }
            Err(error) => {
                tracing::error!(post = post.id, %error, "drawing a post's chart stopped; posting without it");
                None
            }
        }
    }

    /// Opens the discussion thread on a delivered post. A failure (no
    /// permission to create threads) is logged; the post stands without it.
    async fn open_thread(&self, channel: ChannelId, message: &Message, name: &str) {
        let Some(http) = &self.shared.http else {
            return;
        };
        let name: String = name.chars().take(THREAD_NAME_LIMIT).collect();
        let thread = CreateThread::new(name).auto_archive_duration(AutoArchiveDuration::OneDay);
        if let Err(error) = channel.create_thread_from_message(http.as_ref(), message.id, thread).await {
            tracing::warn!(channel = channel.get(), message = message.id.get(), error = %error, "opening a topic thread failed");
        }
    }
}

fn is_permanent(error: &serenity::Error) -> bool {
    match error {
        serenity::Error::Http(HttpError::UnsuccessfulRequest(response)) => {
            PERMANENT_CODES.contains(&response.error.code) || matches!(response.status_code.as_u16(), 403 | 404)
        }
        // A message over Discord's limits never fits; serenity refuses it before sending.
        serenity::Error::Model(_) => true,
        _ => false,
    }
}

/// The failure in words for the outbox row: Discord's own message when it gave one.
fn reason(error: &serenity::Error) -> String {
    match error {
        serenity::Error::Http(HttpError::UnsuccessfulRequest(response)) => {
            format!("{} {} (code {})", response.status_code.as_u16(), response.error.message, response.error.code)
        }
        other => other.to_string(),
    }
}

//! Sending a rendered reply: HTML, no link previews, buttons under the last message.

use hearth_bot::reply::Reply;
use teloxide::RequestError;
use teloxide::prelude::*;
use teloxide::types::{InputFile, LinkPreviewOptions, MessageId, ParseMode, ReplyParameters};

use crate::{Telegram, render};

impl Telegram {
    /// Sends `reply` to `chat` (as a reply to `reply_to`, if given). Returns
    /// the id of the first message sent; `None` when the reply was empty.
    pub async fn send(
        &self,
        chat: ChatId,
        reply: &Reply,
        reply_to: Option<MessageId>,
    ) -> Result<Option<MessageId>, RequestError> {
        let rendered = render::render(reply);
        let last = rendered.messages.len().saturating_sub(1);
        let mut first = None;
        for (i, text) in rendered.messages.into_iter().enumerate() {
            let mut request =
                self.shared.bot.send_message(chat, text).parse_mode(ParseMode::Html).link_preview_options(no_preview());
            if let (0, Some(to)) = (i, reply_to) {
                request = request.reply_parameters(ReplyParameters::new(to).allow_sending_without_reply());
            }
            if let (true, Some(keyboard)) = (i == last, rendered.keyboard.clone()) {
                request = request.reply_markup(keyboard);
            }
            let sent = request.await?;
            first.get_or_insert(sent.id);
        }
        Ok(first)
    }
}

impl Telegram {
    /// Sends `reply` under a photo (`sendPhoto`, HTML caption): the lines
    /// that fit the caption, then the rest as messages. Returns the photo
    /// message's id.
    pub async fn send_photo(
        &self,
        chat: ChatId,
        reply: &Reply,
        photo: Vec<u8>,
        file_name: String,
    ) -> Result<Option<MessageId>, RequestError> {
        let rendered = render::render_captioned(reply);
        let mut request = self.shared.bot.send_photo(chat, InputFile::memory(photo).file_name(file_name));
        if !rendered.caption.is_empty() {
            request = request.caption(rendered.caption).parse_mode(ParseMode::Html);
        }
        if let (true, Some(keyboard)) = (rendered.messages.is_empty(), rendered.keyboard.clone()) {
            request = request.reply_markup(keyboard);
        }
        let sent = request.await?;
        let last = rendered.messages.len().saturating_sub(1);
        for (i, text) in rendered.messages.into_iter().enumerate() {
            let mut request =
                self.shared.bot.send_message(chat, text).parse_mode(ParseMode::Html).link_preview_options(no_preview());
            if let (true, Some(keyboard)) = (i == last, rendered.keyboard.clone()) {
                request = request.reply_markup(keyboard);
            }
            request.await?;
        }
        Ok(Some(sent.id))
    }
}

fn no_preview() -> LinkPreviewOptions {
    LinkPreviewOptions {
        is_disabled: true,
        url: None,
        prefer_small_media: false,
        prefer_large_media: false,
        show_above_text: false,
    }
}

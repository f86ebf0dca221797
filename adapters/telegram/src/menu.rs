//! The command menu (`setMyCommands`): member commands in every group, and
//! member plus admin commands for chat administrators, in each locale.

use hearth_bot::command::COMMANDS;
use hearth_bot::config::Locale;
use hearth_bot::i18n::Catalog;
use teloxide::prelude::*;
use teloxide::types::{BotCommand, BotCommandScope};

use crate::TelegramBot;

/// Telegram's longest command description.
const DESCRIPTION_LIMIT: usize = 256;

/// Publishes the menus. A failure is logged: commands work without a menu.
pub async fn publish(bot: &TelegramBot) {
    for (locale, language) in [(Locale::En, None), (Locale::ZhCn, Some("zh"))] {
        let catalog = Catalog::new(locale);
        for (scope, with_admin) in
            [(BotCommandScope::AllGroupChats, false), (BotCommandScope::AllChatAdministrators, true)]
        {
            let mut request = bot.set_my_commands(menu(&catalog, with_admin)).scope(scope);
            if let Some(language) = language {
                request = request.language_code(language);
            }
            if let Err(error) = request.await {
                tracing::warn!(error = %error, "setMyCommands failed; the command menu may be stale");
            }
        }
    }
}

/// One entry per command name (second words like `/topic suggest` are typed
/// after it), described by its plain form.
pub fn menu(catalog: &Catalog, with_admin: bool) -> Vec<BotCommand> {
    let mut entries: Vec<BotCommand> = Vec::new();
    for spec in COMMANDS.iter().filter(|s| s.sub.is_none() && (with_admin || !s.admin)) {
        if entries.iter().any(|e| e.command == spec.name) {
            continue;
        }
        let description: String = catalog.text(&spec.description_key()).chars().take(DESCRIPTION_LIMIT).collect();
        entries.push(BotCommand::new(spec.name, description));
    }
    entries
}

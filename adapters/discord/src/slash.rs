//! Slash commands generated from the shared command table, and the way back:
//! a command interaction's name, subcommand and options → the table's spec.
//!
//! Discord cannot invoke a command that has subcommands without one, so a
//! name with second words (`/topic suggest`) gets its plain form as a
//! subcommand too: `show` (`/topic show`), or `ask` for `/forgetme`.

use hearth_bot::command::{ArgKind, ArgSpec, COMMANDS, CommandSpec};
use hearth_bot::config::Locale;
use hearth_bot::i18n::Catalog;
use serenity::all::{CommandOptionType, CreateCommand, CreateCommandOption, Permissions};

/// Discord's longest command or option description.
const DESCRIPTION_LIMIT: usize = 100;
/// The Discord locale that gets the Chinese catalog.
const ZH_LOCALE: &str = "zh-CN";

/// The subcommand that stands for a name's plain form.
pub fn plain_sub(name: &str) -> &'static str {
    if name == "forgetme" { "ask" } else { "show" }
}

/// The spec a slash invocation stands for: `sub` is the subcommand, if any.
pub fn spec_for(name: &str, sub: Option<&str>) -> Option<&'static CommandSpec> {
    let sub = sub.filter(|s| *s != plain_sub(name));
    COMMANDS.iter().find(|spec| spec.name == name && spec.sub == sub)
}

/// Every slash command, in table order, one per name.
pub fn definitions() -> Vec<CreateCommand> {
    let en = Catalog::new(Locale::En);
    let zh = Catalog::new(Locale::ZhCn);
    let mut names: Vec<&str> = Vec::new();
    for spec in COMMANDS {
        if !names.contains(&spec.name) {
            names.push(spec.name);
        }
    }
    names.into_iter().map(|name| definition(name, &en, &zh)).collect()
}

fn definition(name: &'static str, en: &Catalog, zh: &Catalog) -> CreateCommand {
    let forms: Vec<&CommandSpec> = COMMANDS.iter().filter(|s| s.name == name).collect();
    let plain = forms.iter().find(|s| s.sub.is_none()).copied().unwrap_or(forms[0]);
    let key = plain.description_key();
    let mut command = CreateCommand::new(name)
        .description(short(&en.text(&key)))
        .description_localized(ZH_LOCALE, short(&zh.text(&key)))
        .dm_permission(false);
    // Discord applies permissions per command, not per subcommand: only a
    // command whose every form is for admins is hidden from members. The
    // engine checks the invoking member either way.
    if forms.iter().all(|s| s.admin) {
        command = command.default_member_permissions(Permissions::MANAGE_GUILD);
    }
    if forms.len() == 1 {
        return command.set_options(plain.args.iter().map(|arg| option(plain, arg, en, zh)).collect());
    }
    let subs = forms.iter().map(|spec| {
        let sub_name = spec.sub.unwrap_or(plain_sub(name));
        let key = spec.description_key();
        let mut sub = CreateCommandOption::new(CommandOptionType::SubCommand, sub_name, short(&en.text(&key)))
            .description_localized(ZH_LOCALE, short(&zh.text(&key)));
        for arg in spec.args {
            sub = sub.add_sub_option(option(spec, arg, en, zh));
        }
        sub
    });
    command.set_options(subs.collect())
}

fn option(spec: &CommandSpec, arg: &ArgSpec, en: &Catalog, zh: &Catalog) -> CreateCommandOption {
    let key = format!("arg-{}", arg.name);
    let kind = match arg.kind {
        ArgKind::Member => CommandOptionType::User,
        ArgKind::Integer => CommandOptionType::Integer,
        ArgKind::Text { .. } | ArgKind::Choice(_) => CommandOptionType::String,
    };
    let mut option = CreateCommandOption::new(kind, arg.name, short(&en.text(&key)))
        .description_localized(ZH_LOCALE, short(&zh.text(&key)))
        .required(arg.required);
    match arg.kind {
        ArgKind::Text { max_chars } => {
            option = option.min_length(1).max_length(u16::try_from(max_chars).unwrap_or(u16::MAX));
        }
        ArgKind::Choice(choices) => {
            for choice in choices {
                option = option.add_string_choice(*choice, *choice);
            }
        }
        // Counts and numbers start at 1; only an award may be negative (a revoke).
        ArgKind::Integer if spec.name != "award" => option = option.min_int_value(1),
        _ => {}
    }
    option
}

fn short(text: &str) -> String {
    if text.chars().count() <= DESCRIPTION_LIMIT {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(DESCRIPTION_LIMIT - 1).collect();
    cut.push('…');
    cut
}

//! `/help`: every command with its one-line description, admin commands only to admins.

use crate::command::{COMMANDS, CommandSpec};
use crate::i18n::Catalog;
use crate::reply::{Line, Reply, Span};

use super::Ctx;
use super::error::arg_name;

pub fn help(ctx: &Ctx<'_>) -> Reply {
    let cat = ctx.catalog;
    let mut reply = Reply::ephemeral().line(Line(vec![Span::Bold(cat.text("help-title"))]));
    for spec in COMMANDS.iter().filter(|s| !s.admin) {
        reply.push(command_line(usage(cat, spec), cat.text(&spec.description_key())));
    }
    if ctx.is_admin {
        reply.push(Line(vec![Span::Bold(cat.text("help-admin-title"))]));
        for spec in COMMANDS.iter().filter(|s| s.admin) {
            reply.push(command_line(usage(cat, spec), cat.text(&spec.description_key())));
        }
    }
    reply
}

/// The usage line with placeholders in the community's language.
fn usage(cat: &Catalog, spec: &CommandSpec) -> String {
    spec.usage_naming(|arg| arg_name(cat, spec, arg.name))
}

fn command_line(usage: String, description: String) -> Line {
    Line(vec![Span::Code(usage), Span::Plain(format!(" — {description}"))])
}

//! `/help`: every command with its one-line description, admin commands only to admins.

use crate::command::COMMANDS;
use crate::reply::{Line, Reply, Span};

use super::Ctx;

pub fn help(ctx: &Ctx<'_>) -> Reply {
    let cat = ctx.catalog;
    let mut reply = Reply::ephemeral().line(Line(vec![Span::Bold(cat.text("help-title"))]));
    for spec in COMMANDS.iter().filter(|s| !s.admin) {
        reply.push(command_line(spec.usage(), cat.text(&spec.description_key())));
    }
    if ctx.is_admin {
        reply.push(Line(vec![Span::Bold(cat.text("help-admin-title"))]));
        for spec in COMMANDS.iter().filter(|s| s.admin) {
            reply.push(command_line(spec.usage(), cat.text(&spec.description_key())));
        }
    }
    reply
}

fn command_line(usage: String, description: String) -> Line {
    Line(vec![Span::Code(usage), Span::Plain(format!(" — {description}"))])
}

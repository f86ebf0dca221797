//! Plain-text rendering with the console's prefixes.

use hearth_bot::Reply;

/// `[bot] ` for the chat, `[bot → name] ` for a reply only `name` sees;
/// continuation lines are indented by two spaces.
pub fn render(reply: &Reply, asker: &str) -> String {
    let prefix = if reply.ephemeral { format!("[bot → {asker}] ") } else { "[bot] ".to_string() };
    let text = reply.to_plain_text();
    let mut out = String::with_capacity(prefix.len() + text.len());
    for (i, line) in text.lines().enumerate() {
        if i == 0 {
            out.push_str(&prefix);
        } else {
            out.push_str("\n  ");
        }
        out.push_str(line);
    }
    if out.is_empty() {
        out.push_str(prefix.trim_end());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_and_indentation() {
        let public = Reply::public().text("one").text("two");
        assert_eq!(render(&public, "alice"), "[bot] one\n  two");
        let private = Reply::ephemeral().text("secret");
        assert_eq!(render(&private, "alice"), "[bot → alice] secret");
    }
}

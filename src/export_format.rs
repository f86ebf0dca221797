//! `hearth export --format csv`: one table with a header row; `record` says
//! whether a row is a member, an identity or a ledger entry, and each record
//! fills only its own columns. It starts with a UTF-8 byte order mark, so
//! spreadsheets (Excel) read names in any script as UTF-8; columns are only
//! ever added at the end.

use hearth_bot::engine::Export;

const COLUMNS: [&str; 18] = [
    "record",
    "id",
    "member_id",
    "name",
    "balance",
    "level",
    "streak",
    "badges",
    "platform",
    "user_id",
    "delta",
    "kind",
    "reason",
    "at",
    "last_checkin_day",
    "best_streak",
    "freezes",
    "actor_member_id",
];

/// The UTF-8 byte order mark.
const BOM: char = '\u{feff}';

pub fn to_csv(export: &Export) -> String {
    let mut out = String::from(BOM);
    out.push_str(&COLUMNS.join(","));
    for m in &export.members {
        let id = m.id.to_string();
        row(
            &mut out,
            &[
                ("record", "member"),
                ("id", &id),
                ("member_id", &id),
                ("name", &m.name),
                ("balance", &m.balance.to_string()),
                ("level", &m.level.to_string()),
                ("streak", &m.streak.to_string()),
                ("badges", &m.badges.join(";")),
                ("last_checkin_day", m.last_checkin_day.as_deref().unwrap_or("")),
                ("best_streak", &m.best_streak.to_string()),
                ("freezes", &m.freezes.to_string()),
            ],
        );
        for identity in &m.identities {
            row(
                &mut out,
                &[
                    ("record", "identity"),
                    ("member_id", &id),
                    ("platform", &identity.platform),
                    ("user_id", &identity.user_id),
                ],
            );
        }
    }
    for entry in &export.ledger {
        row(
            &mut out,
            &[
                ("record", "ledger"),
                ("id", &entry.id.to_string()),
                ("member_id", &entry.member_id.to_string()),
                ("delta", &entry.delta.to_string()),
                ("kind", &entry.kind),
                ("reason", &entry.reason),
                ("at", &entry.at),
                ("actor_member_id", &entry.actor_member_id.map(|id| id.to_string()).unwrap_or_default()),
            ],
        );
    }
    out
}

/// Appends one line; columns not named in `cells` stay empty.
fn row(out: &mut String, cells: &[(&str, &str)]) {
    let line: Vec<String> = COLUMNS
        .iter()
        .map(|column| cells.iter().find(|(c, _)| c == column).map_or(String::new(), |(_, v)| quote(v)))
        .collect();
    out.push('\n');
    out.push_str(&line.join(","));
}

/// RFC 4180 quoting. A field that a spreadsheet would run as a formula
/// (leading `=`, `+`, `@`, or `-` that is not a number) gets a `'` in front.
fn quote(field: &str) -> String {
    let formula = field.starts_with(['=', '+', '@']) || (field.starts_with('-') && field.parse::<i64>().is_err());
    let field = if formula { format!("'{field}") } else { field.to_string() };
    if field.contains([',', '"', '\n', '\r']) || formula {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field
    }
}

#[cfg(test)]
mod tests {
    use super::{COLUMNS, quote, row};

    #[test]
    fn csv_fields_are_quoted_and_defused() {
        assert_eq!(quote("plain"), "plain");
        assert_eq!(quote("a,b"), "\"a,b\"");
        assert_eq!(quote("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(quote("=SUM(A1)"), "\"'=SUM(A1)\"");
        assert_eq!(quote("-5"), "-5");
    }

    #[test]
    fn rows_fill_only_their_columns() {
        let mut out = String::new();
        row(&mut out, &[("record", "identity"), ("user_id", "alice")]);
        let cells: Vec<&str> = out.trim_start().split(',').collect();
        assert_eq!(cells.len(), COLUMNS.len());
        assert_eq!((cells[0], cells[9], cells[1]), ("identity", "alice", ""));
    }
}

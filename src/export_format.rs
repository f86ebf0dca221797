//! `hearth export --format csv`: one table with a header row; `record` says
//! whether a row is a member, an identity or a ledger entry.

use hearth_bot::engine::Export;

const HEADER: &str = "record,id,member_id,name,balance,level,streak,badges,platform,user_id,delta,kind,reason,at";

pub fn to_csv(export: &Export) -> String {
    let mut out = String::from(HEADER);
    for m in &export.members {
        row(
            &mut out,
            &[
                "member",
                &m.id.to_string(),
                &m.id.to_string(),
                &m.name,
                &m.balance.to_string(),
                &m.level.to_string(),
                &m.streak.to_string(),
                &m.badges.join(";"),
                "",
                "",
                "",
                "",
                "",
                "",
            ],
        );
        for identity in &m.identities {
            row(
                &mut out,
                &[
                    "identity",
                    "",
                    &m.id.to_string(),
                    "",
                    "",
                    "",
                    "",
                    "",
                    &identity.platform,
                    &identity.user_id,
                    "",
                    "",
                    "",
                    "",
                ],
            );
        }
    }
    for entry in &export.ledger {
        row(
            &mut out,
            &[
                "ledger",
                &entry.id.to_string(),
                &entry.member_id.to_string(),
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                &entry.delta.to_string(),
                &entry.kind,
                &entry.reason,
                &entry.at,
            ],
        );
    }
    out
}

fn row(out: &mut String, fields: &[&str]) {
    out.push('\n');
    let quoted: Vec<String> = fields.iter().map(|f| quote(f)).collect();
    out.push_str(&quoted.join(","));
}

/// RFC 4180 quoting; a leading `=`, `+`, `-`, `@` is kept as text by the quotes
/// and a `'`, so spreadsheets do not run member-written reasons as formulas.
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
    use super::quote;

    #[test]
    fn csv_fields_are_quoted_and_defused() {
        assert_eq!(quote("plain"), "plain");
        assert_eq!(quote("a,b"), "\"a,b\"");
        assert_eq!(quote("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(quote("=SUM(A1)"), "\"'=SUM(A1)\"");
        assert_eq!(quote("-5"), "-5");
    }
}

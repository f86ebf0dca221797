//! `GET /admin/<id>/csv/<table>.csv`: a dashboard table (or the ledger
//! audit) as CSV. UTF-8 with a BOM, so spreadsheet programs read Chinese
//! names right; CRLF rows as RFC 4180 has them.

use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};

use crate::Web;
use crate::cells::Cell;
use crate::ledger;
use crate::params::Params;
use crate::refusal::Refusal;
use crate::session;
use crate::tables::{self, Table, TableName};

const BOM: &str = "\u{feff}";
/// The most ledger pages one download reads: 50 rows a page, a million rows.
const MOST_LEDGER_PAGES: u32 = 20_000;

pub async fn download(
    State(web): State<Web>,
    Path((community, file)): Path<(String, String)>,
    Query(query): Query<Vec<(String, String)>>,
    headers: HeaderMap,
) -> Response {
    let admin = match session::admin(&web, &headers, &community).await {
        Ok(admin) => admin,
        Err(refused) => return refused.page(),
    };
    let Some(name) = TableName::from_file(&file) else {
        return Refusal::NotFound.page(&admin.words);
    };
    let params = Params::new(query);
    let table = if name == TableName::Ledger {
        let Ok(filter) = ledger::filter(&params) else {
            return Refusal::BadRequest.page(&admin.words);
        };
        let mut rows = Vec::new();
        for page in 1..=MOST_LEDGER_PAGES {
            match web.engine.ledger_audit(&community, &filter, page).await {
                Ok(audit) => {
                    rows.extend(audit.rows);
                    if !audit.more {
                        break;
                    }
                }
                Err(error) => return Refusal::of(error, "ledger CSV").page(&admin.words),
            }
        }
        tables::ledger(&rows, &admin.words)
    } else {
        let Ok(range) = params.range() else {
            return Refusal::BadRequest.page(&admin.words);
        };
        match web.engine.dashboard(&community, range).await {
            Ok(dashboard) => tables::dashboard_table(name, &dashboard, &admin.words),
            Err(error) => return Refusal::of(error, "dashboard CSV").page(&admin.words),
        }
    };
    let file_name = format!("{}-{}.csv", file_safe(&admin.community.id), name.file_stem());
    (
        [
            (CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (CONTENT_DISPOSITION, format!("attachment; filename=\"{file_name}\"")),
        ],
        to_csv(&table),
    )
        .into_response()
}

/// A community slug as a file name: ASCII letters, digits, `-` and `_`.
fn file_safe(slug: &str) -> String {
    slug.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' }).collect()
}

pub fn to_csv(table: &Table) -> String {
    let mut out = String::from(BOM);
    let header: Vec<String> = table.headers.iter().map(|text| field(&Cell::Text(text.clone()))).collect();
    out.push_str(&header.join(","));
    out.push_str("\r\n");
    for row in &table.rows {
        let fields: Vec<String> = row.iter().map(field).collect();
        out.push_str(&fields.join(","));
        out.push_str("\r\n");
    }
    out
}

/// One field, quoted when it must be. Text that a spreadsheet would run
/// as a formula (`=`, `+`, `-`, `@` first, as in a name like `@everyone`)
/// gets a leading apostrophe, so it stays text.
fn field(cell: &Cell) -> String {
    let mut text = cell.plain();
    if let Cell::Text(_) = cell
        && text.starts_with(['=', '+', '-', '@', '\t', '\r'])
    {
        text.insert(0, '\'');
    }
    if text.contains([',', '"', '\r', '\n']) { format!("\"{}\"", text.replace('"', "\"\"")) } else { text }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_and_formulas_kept_as_text() {
        let table = Table {
            headers: vec!["Member".to_string(), "Points".to_string()],
            rows: vec![
                vec![Cell::Text("李雷, \"the\" best".to_string()), Cell::Number(-5)],
                vec![Cell::Text("@everyone".to_string()), Cell::Number(3)],
                vec![Cell::Text("=1+1".to_string()), Cell::Missing],
            ],
        };
        assert_eq!(
            to_csv(&table),
            "\u{feff}Member,Points\r\n\"李雷, \"\"the\"\" best\",-5\r\n'@everyone,3\r\n'=1+1,\r\n"
        );
    }

    #[test]
    fn file_names_keep_to_safe_characters() {
        assert_eq!(file_safe("rust-aceans_2"), "rust-aceans_2");
        assert_eq!(file_safe("a\"b/c"), "a_b_c");
    }
}

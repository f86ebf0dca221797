//! Query strings, read strictly: a value a page does not take is a 400,
//! never a guess. Numbers are ASCII digits only (no sign, no full-width
//! digits), within bounds; a key given twice is refused.

use hearth_bot::command::Window;
use hearth_bot::engine::web::RangeDays;

/// The highest page number taken: far past any real board, and small
/// enough that `page × 50` cannot overflow anything downstream.
const MOST_PAGE: u32 = 100_000;
/// The longest search or member filter taken, in characters.
const MOST_TEXT_CHARS: usize = 100;

/// A query value that is not one the page takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BadQuery;

/// The pairs of a query string, as axum's `Query` decodes them.
pub struct Params(Vec<(String, String)>);

impl Params {
    pub fn new(pairs: Vec<(String, String)>) -> Self {
        Params(pairs)
    }

    /// The one value of `key`; `None` when absent; refused when repeated.
    fn one(&self, key: &str) -> Result<Option<&str>, BadQuery> {
        let mut values = self.0.iter().filter(|(k, _)| k == key).map(|(_, v)| v.as_str());
        let first = values.next();
        if values.next().is_some() {
            return Err(BadQuery);
        }
        Ok(first)
    }

    /// `days=7|30|90`; 30 when absent.
    pub fn range(&self) -> Result<RangeDays, BadQuery> {
        match self.one("days")? {
            None => Ok(RangeDays::Month),
            Some(text) => RangeDays::parse(text).ok_or(BadQuery),
        }
    }

    /// `page=N`, 1-based; 1 when absent.
    pub fn page(&self) -> Result<u32, BadQuery> {
        match self.one("page")? {
            None => Ok(1),
            Some(text) => parse_page(text),
        }
    }

    /// `window=all|week|month|season`; all-time when absent.
    pub fn window(&self) -> Result<Window, BadQuery> {
        match self.one("window")? {
            None => Ok(Window::All),
            Some(text) => parse_window(text).ok_or(BadQuery),
        }
    }

    /// A free-text value (`q`, `member`): trimmed, `None` when empty,
    /// refused when longer than `MOST_TEXT_CHARS` or holding control characters.
    pub fn text(&self, key: &str) -> Result<Option<String>, BadQuery> {
        let Some(text) = self.one(key)? else { return Ok(None) };
        let text = text.trim();
        if text.chars().count() > MOST_TEXT_CHARS || text.chars().any(char::is_control) {
            return Err(BadQuery);
        }
        Ok((!text.is_empty()).then(|| text.to_string()))
    }

    /// `kind=` one of the ledger kinds; `None` when absent or empty.
    pub fn kind(&self) -> Result<Option<String>, BadQuery> {
        match self.one("kind")? {
            None | Some("") => Ok(None),
            Some(text) => crate::cells::LEDGER_KINDS
                .iter()
                .find(|kind| kind.as_str() == text)
                .map(|kind| Some(kind.as_str().to_string()))
                .ok_or(BadQuery),
        }
    }
}

fn parse_page(text: &str) -> Result<u32, BadQuery> {
    if text.is_empty() || text.len() > 6 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(BadQuery);
    }
    match text.parse::<u32>() {
        Ok(page) if (1..=MOST_PAGE).contains(&page) => Ok(page),
        _ => Err(BadQuery),
    }
}

pub fn parse_window(text: &str) -> Option<Window> {
    match text {
        "all" => Some(Window::All),
        "week" => Some(Window::Week),
        "month" => Some(Window::Month),
        "season" => Some(Window::Season),
        _ => None,
    }
}

pub fn window_name(window: Window) -> &'static str {
    match window {
        Window::All => "all",
        Window::Week => "week",
        Window::Month => "month",
        Window::Season => "season",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(query: &[(&str, &str)]) -> Params {
        Params::new(query.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect())
    }

    #[test]
    fn a_range_is_seven_thirty_or_ninety_days() {
        assert_eq!(params(&[]).range(), Ok(RangeDays::Month));
        assert_eq!(params(&[("days", "7")]).range(), Ok(RangeDays::Week));
        assert_eq!(params(&[("days", "90")]).range(), Ok(RangeDays::Quarter));
        for bad in ["8", "", "07", "٧", "７", "30.0", "-7"] {
            assert_eq!(params(&[("days", bad)]).range(), Err(BadQuery), "days={bad}");
        }
        assert_eq!(params(&[("days", "7"), ("days", "30")]).range(), Err(BadQuery));
    }

    #[test]
    fn a_page_is_a_small_positive_ascii_number() {
        assert_eq!(params(&[]).page(), Ok(1));
        assert_eq!(params(&[("page", "3")]).page(), Ok(3));
        assert_eq!(params(&[("page", "100000")]).page(), Ok(100_000));
        for bad in ["0", "abc", "１", "+2", "-1", " 2", "100001", "99999999999999999999999", ""] {
            assert_eq!(params(&[("page", bad)]).page(), Err(BadQuery), "page={bad}");
        }
    }

    #[test]
    fn windows_and_kinds_are_named_exactly() {
        assert_eq!(params(&[("window", "season")]).window(), Ok(Window::Season));
        assert_eq!(params(&[("window", "Week")]).window(), Err(BadQuery));
        assert_eq!(params(&[("kind", "peer_award")]).kind(), Ok(Some("peer_award".to_string())));
        assert_eq!(params(&[("kind", "")]).kind(), Ok(None));
        assert_eq!(params(&[("kind", "give'; DROP")]).kind(), Err(BadQuery));
    }

    #[test]
    fn free_text_is_trimmed_and_bounded() {
        assert_eq!(params(&[("q", "  李雷 ")]).text("q"), Ok(Some("李雷".to_string())));
        assert_eq!(params(&[("q", "   ")]).text("q"), Ok(None));
        assert_eq!(params(&[("q", &"x".repeat(101))]).text("q"), Err(BadQuery));
        assert_eq!(params(&[("q", "a\u{0}b")]).text("q"), Err(BadQuery));
    }
}

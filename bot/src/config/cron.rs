//! Standard 5-field cron (minute hour day month weekday; 0 or 7 = Sunday),
//! checked here in hearth's own words and then translated into the `cron`
//! crate's dialect, which wants a seconds field and numbers Sunday 1 …
//! Saturday 7. Admins never see that dialect: every error names a standard
//! field and where in the expression it is.

use std::fmt;
use std::str::FromStr;

use super::cron_table::CronTable;

/// A validated schedule expression.
#[derive(Clone)]
pub struct CronSpec {
    source: String,
    /// Compiled once; the `cron` crate's own `Schedule` is dropped after
    /// parsing (it costs kilobytes per schedule, times every community).
    table: CronTable,
}

impl fmt::Debug for CronSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CronSpec({:?})", self.source)
    }
}

/// Why an expression was refused, and the byte offset in it of the part at
/// fault (`None`: the expression as a whole).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CronError {
    pub at: Option<usize>,
    pub message: String,
}

impl CronError {
    fn new(at: usize, message: impl Into<String>) -> CronError {
        CronError { at: Some(at), message: message.into() }
    }

    fn whole(message: impl Into<String>) -> CronError {
        CronError { at: None, message: message.into() }
    }

    pub fn contains(&self, part: &str) -> bool {
        self.message.contains(part)
    }
}

impl fmt::Display for CronError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

const DAY_NAMES: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
const MONTH_NAMES: [&str; 12] = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];

/// One of the five fields: its name, its range and the names it accepts
/// (the first name stands for `lo`).
struct Field {
    name: &'static str,
    lo: u32,
    hi: u32,
    names: &'static [&'static str],
}

const FIELDS: [Field; 5] = [
    Field { name: "minute", lo: 0, hi: 59, names: &[] },
    Field { name: "hour", lo: 0, hi: 23, names: &[] },
    Field { name: "day", lo: 1, hi: 31, names: &[] },
    Field { name: "month", lo: 1, hi: 12, names: &MONTH_NAMES },
    Field { name: "weekday", lo: 0, hi: 7, names: &DAY_NAMES },
];

impl CronSpec {
    pub fn parse(expr: &str) -> Result<CronSpec, CronError> {
        Ok(CronSpec { source: expr.to_string(), table: CronTable::of(&crate_schedule(expr)?) })
    }

    /// The expression as written in the config.
    pub fn source(&self) -> &str {
        &self.source
    }

    pub fn table(&self) -> &CronTable {
        &self.table
    }

    /// The expression as the `cron` crate reads it, parsed anew (for
    /// comparisons against the crate; hearth itself searches its table).
    pub fn cron_schedule(&self) -> Result<cron::Schedule, CronError> {
        crate_schedule(&self.source)
    }

    /// Whether any date matches, like `0 0 30 2 *` (30 February) does not.
    pub fn ever_fires(&self) -> bool {
        self.table.next_after(chrono::DateTime::UNIX_EPOCH.naive_utc()).is_some()
    }
}

/// Checks a standard expression and has the `cron` crate parse its translation.
fn crate_schedule(expr: &str) -> Result<cron::Schedule, CronError> {
    let fields = split_fields(expr);
    if fields.len() != 5 {
        let extra = if fields.len() == 6 { "; hearth's cron has no seconds or year field" } else { "" };
        return Err(CronError::whole(format!(
            "expected 5 cron fields (minute hour day month weekday), got {}{extra}, like \"0 9 * * MON-FRI\"",
            fields.len()
        )));
    }
    let mut normalized = Vec::with_capacity(5);
    for ((at, text), field) in fields.iter().zip(&FIELDS) {
        normalized.push(check_field(field, text, *at)?);
    }
    let weekdays = translate_weekdays(&normalized[4]).map_err(|message| CronError::new(fields[4].0, message))?;
    let translated = format!("0 {} {} {} {} {}", normalized[0], normalized[1], normalized[2], normalized[3], weekdays);
    cron::Schedule::from_str(&translated).map_err(|_| {
        CronError::whole(format!(
            "cron {expr:?} is not understood: write minute hour day month weekday, like \"0 9 * * MON-FRI\""
        ))
    })
}

/// The whitespace-separated fields with the byte offset of each.
fn split_fields(expr: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in expr.char_indices() {
        match (c.is_whitespace(), start) {
            (true, Some(s)) => {
                out.push((s, &expr[s..i]));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, &expr[s..]));
    }
    out
}

/// Checks one field item by item (`*`, `N`, `N-M`, each with an optional
/// `/step`) and returns it with names turned into numbers.
fn check_field(field: &Field, text: &str, at: usize) -> Result<String, CronError> {
    let mut items = Vec::new();
    let mut offset = at;
    for item in text.split(',') {
        items.push(check_item(field, item, offset)?);
        offset += item.len() + 1;
    }
    Ok(items.join(","))
}

fn check_item(field: &Field, item: &str, at: usize) -> Result<String, CronError> {
    let name = field.name;
    if item.is_empty() {
        return Err(CronError::new(at, format!("the {name} field has an empty item (two commas in a row?)")));
    }
    let (range, step) = match item.split_once('/') {
        Some((range, step)) => (range, Some(step)),
        None => (item, None),
    };
    let step_text = match step {
        None => String::new(),
        Some(step) => match step.parse::<u32>() {
            Ok(n) if n > 0 => format!("/{n}"),
            _ => {
                return Err(CronError::new(
                    at + range.len() + 1,
                    format!("{name} step {step:?} must be a whole number above 0"),
                ));
            }
        },
    };
    if range == "*" || (range == "?" && name == "day") {
        return Ok(format!("{range}{step_text}"));
    }
    let (first, last) = match range.split_once('-') {
        Some((a, b)) => (value(field, a, at)?, Some(value(field, b, at + a.len() + 1)?)),
        None => (value(field, range, at)?, None),
    };
    if let Some(last) = last {
        // 7 is Sunday at the end of a weekday range (5-7 = FRI-SUN), so 0 ends one too.
        let ends_on_sunday = name == "weekday" && last == 0;
        if first > last && !ends_on_sunday {
            return Err(CronError::new(at, format!("{name} range {range:?} runs backwards")));
        }
    }
    Ok(match last {
        Some(last) => format!("{first}-{last}{step_text}"),
        None => format!("{first}{step_text}"),
    })
}

/// A number in the field's range or one of its names.
fn value(field: &Field, text: &str, at: usize) -> Result<u32, CronError> {
    let (name, lo, hi) = (field.name, field.lo, field.hi);
    if let Ok(n) = text.parse::<u32>() {
        if (lo..=hi).contains(&n) {
            return Ok(n);
        }
        let hint = if name == "weekday" { " (0 and 7 are Sunday) or SUN–SAT" } else { "" };
        return Err(CronError::new(at, format!("{name} {n} is out of range {lo}–{hi}{hint}")));
    }
    if let Some(i) = field.names.iter().position(|n| n.eq_ignore_ascii_case(text)) {
        return Ok(lo + i as u32);
    }
    let names = match field.names {
        [] => String::new(),
        names => format!(" or a name {}–{}", names[0], names[names.len() - 1]),
    };
    Err(CronError::new(at, format!("{name} {text:?} is not a number {lo}–{hi}{names}")))
}
/// Expands a standard weekday field into day names (`MON,TUE`), or `*`.
fn translate_weekdays(field: &str) -> Result<String, String> {
    let mut days = [false; 7];
    for item in field.split(',') {
        let (range, step) = match item.split_once('/') {
            Some((range, step)) => {
                let step: usize = step
                    .parse()
                    .ok()
                    .filter(|s| *s > 0)
                    .ok_or_else(|| format!("weekday step {step:?} must be a positive number"))?;
                (range, step)
            }
            None => (item, 1),
        };
        let (first, last) = match range {
            "*" => (0, 6),
            _ => match range.split_once('-') {
                Some((a, b)) => (weekday(a)?, weekday(b)?),
                None if step > 1 => (weekday(range)?, 6),
                None => {
                    let d = weekday(range)?;
                    (d, d)
                }
            },
        };
        // 7 is Sunday at the end of a range (5-7 = FRI-SUN).
        let last = if last == 0 && first > 0 { 7 } else { last };
        if first > last {
            return Err(format!("weekday range {range:?} runs backwards"));
        }
        for d in (first..=last).step_by(step) {
            days[d % 7] = true;
        }
    }
    if days.iter().all(|d| *d) {
        return Ok("*".to_string());
    }
    let names: Vec<&str> = (0..7).filter(|d| days[*d]).map(|d| DAY_NAMES[d]).collect();
    Ok(names.join(","))
}

/// 0–7 (0 and 7 are Sunday) or a three-letter name, as an index into DAY_NAMES
/// (7 is kept so ranges can end on Sunday).
fn weekday(s: &str) -> Result<usize, String> {
    if let Ok(n) = s.parse::<usize>() {
        return if n <= 7 {
            Ok(n)
        } else {
            Err(format!("weekday {n} is out of range: use 0-7 (0 and 7 are Sunday) or SUN-SAT"))
        };
    }
    DAY_NAMES
        .iter()
        .position(|name| name.eq_ignore_ascii_case(s))
        .ok_or_else(|| format!("weekday {s:?} is not a number 0-7 or a name SUN-SAT"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Datelike, TimeZone, Timelike, Utc, Weekday};

    fn next_after(expr: &str, after: chrono::DateTime<Utc>) -> chrono::DateTime<Utc> {
        let spec = CronSpec::parse(expr).expect("valid");
        spec.table().next_after(after.naive_utc()).expect("a next fire").and_utc()
    }

    #[test]
    fn one_means_monday() {
        // Sunday 1 March 2026, noon.
        let sunday = Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap();
        let next = next_after("0 9 * * 1", sunday);
        assert_eq!((next.weekday(), next.hour(), next.day()), (Weekday::Mon, 9, 2));
    }

    #[test]
    fn zero_and_seven_mean_sunday() {
        let monday = Utc.with_ymd_and_hms(2026, 3, 2, 12, 0, 0).unwrap();
        assert_eq!(next_after("0 9 * * 0", monday).weekday(), Weekday::Sun);
        assert_eq!(next_after("0 9 * * 7", monday).weekday(), Weekday::Sun);
        assert_eq!(next_after("0 9 * * 5-7", monday).weekday(), Weekday::Fri);
    }

    #[test]
    fn names_and_ranges_skip_weekends() {
        let friday_evening = Utc.with_ymd_and_hms(2026, 3, 6, 20, 0, 0).unwrap();
        assert_eq!(next_after("0 9 * * MON-FRI", friday_evening).weekday(), Weekday::Mon);
        assert_eq!(next_after("0 9 * * mon-fri", friday_evening).weekday(), Weekday::Mon);
        assert_eq!(translate_weekdays("1-5").unwrap(), "MON,TUE,WED,THU,FRI");
        assert_eq!(translate_weekdays("*/2").unwrap(), "SUN,TUE,THU,SAT");
        assert_eq!(translate_weekdays("0-6").unwrap(), "*");
    }

    #[test]
    fn other_fields_are_checked() {
        assert!(CronSpec::parse("30 2 * * *").is_ok());
        assert!(CronSpec::parse("0 9 * *").unwrap_err().contains("expected 5 cron fields"));
        assert!(CronSpec::parse("61 * * * *").is_err());
        assert!(CronSpec::parse("0 9 * * 8").unwrap_err().contains("out of range"));
        assert!(CronSpec::parse("0 9 * * FUNDAY").is_err());
        assert!(CronSpec::parse("0 9 * * 0 2026").is_err());
    }
}

//! Standard 5-field cron (minute hour day month weekday; 0 or 7 = Sunday),
//! translated into the `cron` crate's dialect, which wants a seconds field
//! and numbers Sunday 1 … Saturday 7.

use std::fmt;
use std::str::FromStr;

/// A validated schedule expression.
#[derive(Clone)]
pub struct CronSpec {
    source: String,
    schedule: cron::Schedule,
}

impl fmt::Debug for CronSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CronSpec({:?})", self.source)
    }
}

const DAY_NAMES: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

impl CronSpec {
    pub fn parse(expr: &str) -> Result<CronSpec, String> {
        let fields: Vec<&str> = expr.split_whitespace().collect();
        if fields.len() != 5 {
            return Err(format!("expected 5 cron fields (minute hour day month weekday), got {}", fields.len()));
        }
        let weekdays = translate_weekdays(fields[4])?;
        let translated = format!("0 {} {} {} {} {}", fields[0], fields[1], fields[2], fields[3], weekdays);
        let schedule =
            cron::Schedule::from_str(&translated).map_err(|e| format!("invalid cron expression {expr:?}: {e}"))?;
        Ok(CronSpec { source: expr.to_string(), schedule })
    }

    /// The expression as written in the config.
    pub fn source(&self) -> &str {
        &self.source
    }

    pub fn schedule(&self) -> &cron::Schedule {
        &self.schedule
    }
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
        CronSpec::parse(expr).expect("valid").schedule().after(&after).next().expect("a next fire")
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

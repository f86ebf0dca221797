//! Loader tests: each error points at the value with `line:col`.

use std::path::Path;

use super::{Config, ConfigErrors};

fn load(text: &str) -> Result<Config, ConfigErrors> {
    Config::from_toml_str(text, "t.toml", Path::new("."))
}

/// The single error line for `text`.
fn error(text: &str) -> String {
    match load(text) {
        Ok(_) => panic!("expected an error for:\n{text}"),
        Err(errors) => errors.to_string(),
    }
}

const MINIMAL: &str = "[[community]]\nid = \"x\"\nname = \"X\"\ntimezone = \"Asia/Kolkata\"\n";

#[test]
fn the_example_config_loads() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../config/example.toml");
    let config = Config::load(Path::new(path)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(config.summary(), "ok: 1 community (rustaceans), 7 schedules, 4 badges");
}

#[test]
fn a_minimal_community_gets_every_default() {
    let config = load(MINIMAL).expect("minimal config");
    let c = &config.communities[0];
    assert_eq!(c.timezone, chrono_tz::Asia::Kolkata);
    assert_eq!((c.checkin.points, c.checkin.freeze_every, c.checkin.max_freezes), (10, 7, 2));
    assert_eq!(c.points.levels, vec![0, 100, 250, 500, 1000]);
    assert_eq!((c.points.give_allowance, c.points.give_max), (3, 5));
    assert_eq!(c.challenge.winner_points, vec![100, 50, 25]);
    assert_eq!(c.locale, super::Locale::En);
}

#[test]
fn unknown_keys_are_errors() {
    let e = error(&format!("{MINIMAL}colour = \"red\"\n"));
    assert!(e.starts_with("t.toml:5:1: unknown field `colour`"), "{e}");
    let e = error(&format!("{MINIMAL}[community.checkin]\npionts = 3\n"));
    assert!(e.starts_with("t.toml:6:1: unknown field `pionts`"), "{e}");
}

#[test]
fn bad_values_point_at_the_value() {
    let cases = [
        (
            "timezone = \"Asia/Kolkata\"",
            "timezone = \"Europe/Berln\"",
            "t.toml:4:12: unknown timezone \"Europe/Berln\"",
        ),
        ("timezone = \"Asia/Kolkata\"", "timezone = \"Asia/Kolkata\"\nlocale = \"fr\"", "t.toml:5:10: unknown locale"),
        ("id = \"x\"", "id = \"Big Group\"", "t.toml:2:6: community id \"Big Group\" must be a slug"),
    ];
    for (from, to, expected) in cases {
        let e = error(&MINIMAL.replace(from, to));
        assert!(e.starts_with(expected), "{e}");
    }
    let sections = [
        ("[community.checkin]\nday_starts_at = \"4am\"\n", "t.toml:6:17: day_starts_at \"4am\": expected \"HH:MM\""),
        ("[community.checkin]\npoints = -5\n", "t.toml:6:10: checkin.points must be from 0 to 1000000, got -5"),
        ("[community.points]\ngive_max = 99999999\n", "t.toml:6:12: give_max must be from 1 to 1000000"),
        ("[community.points]\nlevels = [10, 100]\n", "t.toml:6:10: levels must start at 0 and rise strictly"),
        ("[community.points]\nlevels = [0, 100, 100]\n", "t.toml:6:10: levels must start at 0 and rise strictly"),
        ("[community.topics]\nfile = \"no/such/file.txt\"\n", "t.toml:6:8: cannot read topics file"),
        (
            "[[community.schedule]]\nid = \"a\"\ncron = \"0 9 * *\"\naction = \"topic\"\n",
            "t.toml:7:8: expected 5 cron fields",
        ),
        (
            "[[community.schedule]]\nid = \"a\"\ncron = \"0 9 * * *\"\naction = \"dance\"\n",
            "t.toml:8:10: unknown action \"dance\"",
        ),
        (
            "[[community.schedule]]\nid = \"a\"\ncron = \"0 9 * * *\"\naction = \"topic\"\ngrace = \"soon\"\n",
            "t.toml:9:9: grace \"soon\"",
        ),
        (
            "[[community.schedule]]\nid = \"a\"\ncron = \"0 9 * * *\"\naction = \"topic\"\ngrace = \"30d\"\n",
            "t.toml:9:9: grace \"30d\": expected a span like \"90m\", \"6h\" or \"1d\", at most \"7d\"",
        ),
        (
            "[[community.schedule]]\nid = \"a\"\ncron = \"0 9 * * *\"\naction = \"leaderboard\"\nwindow = \"year\"\n",
            "t.toml:9:10: unknown window \"year\"",
        ),
        (
            "[[community.badge]]\nid = \"b\"\nname = \"B\"\nwhen = \"karma >= 3\"\n",
            "t.toml:8:8: unknown counter \"karma\"",
        ),
        (
            "[[community.season]]\nname = \"S\"\nstart = \"2026-05-01\"\nend = \"2026-04-01\"\n",
            "t.toml:8:7: season \"S\" ends before it starts",
        ),
    ];
    for (section, expected) in sections {
        let e = error(&format!("{MINIMAL}{section}"));
        assert!(e.starts_with(expected), "{e}\nexpected {expected}");
    }
}

#[test]
fn duplicates_are_errors_and_all_are_reported() {
    let text = format!(
        "{MINIMAL}[[community.badge]]\nid = \"b\"\nname = \"B\"\nwhen = \"streak >= 1\"\n\
         [[community.badge]]\nid = \"b\"\nname = \"B2\"\nwhen = \"streak >= 2\"\n{MINIMAL}"
    );
    let e = error(&text);
    let lines: Vec<&str> = e.lines().collect();
    assert_eq!(lines.len(), 2, "{e}");
    assert!(lines[0].starts_with("t.toml:10:6: duplicate badge id \"b\""), "{e}");
    assert!(lines[1].starts_with("t.toml:14:6: duplicate community id \"x\""), "{e}");
}

#[test]
fn syntax_errors_have_a_position() {
    let e = error("[[community]]\nid = \"x\nname = 3\n");
    assert!(e.starts_with("t.toml:2:"), "{e}");
}

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

/// Every error line, for a file that must fail.
fn error_lines(text: &str) -> Vec<String> {
    error(text).lines().map(String::from).collect()
}

/// The warning lines of a file that must load.
fn warnings(text: &str) -> Vec<String> {
    match Config::from_toml_str_with_warnings(text, "t.toml", Path::new(".")) {
        Ok((_, warnings)) => warnings.to_string().lines().map(String::from).collect(),
        Err(errors) => panic!("expected the config to load:\n{errors}"),
    }
}

fn schedule(cron: &str, action: &str) -> String {
    format!("[[community.schedule]]\nid = \"a\"\ncron = \"{cron}\"\naction = \"{action}\"\n")
}

#[test]
fn cron_errors_name_the_standard_field_and_point_into_the_expression() {
    // `cron = "` is 8 characters: the expression's first character is column 9.
    let cases = [
        ("0 24 * * *", "t.toml:7:11: hour 24 is out of range 0–23"),
        ("61 9 * * *", "t.toml:7:9: minute 61 is out of range 0–59"),
        ("0 9 32 * *", "t.toml:7:13: day 32 is out of range 1–31"),
        ("0 9 * 13 *", "t.toml:7:15: month 13 is out of range 1–12"),
        ("0 9 * JAN-FOO *", "t.toml:7:19: month \"FOO\" is not a number 1–12 or a name JAN–DEC"),
        ("0 9 * * 8", "t.toml:7:17: weekday 8 is out of range 0–7 (0 and 7 are Sunday) or SUN–SAT"),
        ("0 9-5 * * *", "t.toml:7:11: hour range \"9-5\" runs backwards"),
        ("*/0 * * * *", "t.toml:7:11: minute step \"0\" must be a whole number above 0"),
        (
            "0 0 9 * * *",
            "t.toml:7:8: expected 5 cron fields (minute hour day month weekday), got 6; hearth's cron has no seconds or year field",
        ),
    ];
    for (cron, expected) in cases {
        let lines = error_lines(&format!("{MINIMAL}{}", schedule(cron, "digest")));
        assert_eq!(lines.len(), 1, "{lines:?}");
        assert!(lines[0].starts_with(expected), "{}\nexpected {expected}", lines[0]);
        assert!(!lines[0].contains("less than") && !lines[0].contains("seconds field"), "{}", lines[0]);
    }
    // Month and weekday names work in any case; a weekday range may end on 0 or 7 (Sunday).
    for cron in ["0 9 * jan-mar mon-fri", "0 9 1 * *", "0 9 * * 5-0", "0 9 * * 5-7", "0 9 ? * *"] {
        assert!(load(&format!("{MINIMAL}{}", schedule(cron, "digest"))).is_ok(), "{cron}");
    }
}

#[test]
fn every_error_in_the_file_is_reported_in_plain_words() {
    let text = format!(
        "{MINIMAL}colour = \"red\"\n[community.checkin]\npionts = 3\npoints = \"ten\"\nday_starts_at = \"4am\"\n\
         [community.topics]\npool = \"just one\"\nthread = \"yes\"\n[community.points]\ngive_max = 1.5\n"
    )
    .replace("Asia/Kolkata", "Asia/Kolkatta");
    let lines = error_lines(&text);
    let expected = [
        "t.toml:4:12: unknown timezone \"Asia/Kolkatta\"",
        "t.toml:5:1: unknown field `colour` in [[community]]: expected one of admins, badge,",
        "t.toml:7:1: unknown field `pionts` in [community.checkin]: did you mean `points`?",
        "t.toml:8:10: `community.checkin.points` expected a whole number, got text \"ten\"",
        "t.toml:9:17: day_starts_at \"4am\": expected \"HH:MM\"",
        "t.toml:11:8: `community.topics.pool` expected a list of texts in quotes, like [\"a\", \"b\"], got text \"just one\"",
        "t.toml:12:10: `community.topics.thread` expected true or false, got text \"yes\"",
        "t.toml:14:12: `community.points.give_max` expected a whole number, got the decimal number 1.5",
    ];
    assert_eq!(lines.len(), expected.len(), "{lines:#?}");
    for (line, expected) in lines.iter().zip(expected) {
        assert!(line.starts_with(expected), "{line}\nexpected {expected}");
        assert!(!line.contains("i64") && !line.contains("i128") && !line.contains("invalid type"), "{line}");
    }
}

#[test]
fn a_missing_required_key_and_an_unknown_table_are_named() {
    // The schedule without its cron is left out; the rest of the file is still checked.
    let lines = error_lines(&format!(
        "{MINIMAL}[[community.schedule]]\nid = \"a\"\naction = \"topic\"\n[community.checkin]\npoints = -1\n\
         [[community.schedule]]\nid = \"b\"\ncron = \"0 9 * * *\"\naction = \"dance\"\n"
    ));
    assert_eq!(lines.len(), 3, "{lines:#?}");
    assert!(
        lines[0].starts_with("t.toml:5:1: [[community.schedule]] is missing `cron`, which is required"),
        "{lines:#?}"
    );
    assert!(lines[1].starts_with("t.toml:9:10: checkin.points must be from 0 to 1000000, got -1"), "{lines:#?}");
    assert!(lines[2].starts_with("t.toml:13:10: unknown action \"dance\""), "{lines:#?}");
    let lines = error_lines(&format!("{MINIMAL}[community.colours]\nred = 1\n[community.checkin]\npoints = -1\n"));
    assert_eq!(lines.len(), 2, "{lines:#?}");
    assert!(lines[0].starts_with("t.toml:5:12: unknown field `colours` in [[community]]"), "{lines:#?}");
    assert!(lines[1].starts_with("t.toml:8:10: checkin.points must be from 0 to 1000000, got -1"), "{lines:#?}");
}

#[test]
fn a_duplicate_key_is_named() {
    let e = error(&format!("{MINIMAL}[community.checkin]\npoints = 1\npoints = 2\n"));
    assert_eq!(e, "t.toml:7:1: duplicate key `points`: it is already set above in the same table");
    let e = error(&format!("{MINIMAL}[community.checkin]\npoints = 99999999999999999999\n"));
    assert_eq!(e, "t.toml:6:10: this number is too large: a whole number is at most 9223372036854775807");
}

#[test]
fn doubtful_settings_are_warnings_and_the_config_still_loads() {
    let text = format!(
        "{MINIMAL}{}window = \"week\"\n{}\
         [[community.season]]\nname = \"A\"\nstart = \"2026-01-01\"\nend = \"2026-03-01\"\n\
         [[community.season]]\nname = \"B\"\nstart = \"2026-02-01\"\nend = \"2026-04-01\"\n",
        schedule("0 0 30 2 *", "topic"),
        schedule("0 0 * * MON", "challenge_open").replace("\"a\"", "\"b\""),
    );
    let lines = warnings(&text);
    let expected = [
        "t.toml:7:8: warning: cron \"0 0 30 2 *\" never fires",
        "t.toml:8:10: warning: schedule \"a\" posts topics, but the topic pool is empty",
        "t.toml:9:10: warning: window only applies to leaderboard schedules; schedule \"a\" is a topic schedule",
        "t.toml:13:10: warning: schedule \"b\" opens challenges, but [community.challenge] has no themes",
        "t.toml:20:9: warning: season \"B\" overlaps season \"A\" (2026-01-01 to 2026-03-01)",
    ];
    assert_eq!(lines.len(), expected.len(), "{lines:#?}");
    for (line, expected) in lines.iter().zip(expected) {
        assert!(line.starts_with(expected), "{line}\nexpected {expected}");
    }
    // With topics and themes, a leaderboard window and seasons that only touch, nothing is doubtful.
    let fine = format!(
        "{MINIMAL}[community.topics]\npool = [\"Hi?\"]\n[community.challenge]\nthemes = [\"Tiny\"]\n{}{}{}window = \"week\"\n\
         [[community.season]]\nname = \"A\"\nstart = \"2026-01-01\"\nend = \"2026-01-31\"\n\
         [[community.season]]\nname = \"B\"\nstart = \"2026-02-01\"\nend = \"2026-02-28\"\n",
        schedule("0 9 * * *", "topic"),
        schedule("0 9 * * MON", "challenge_open").replace("\"a\"", "\"b\""),
        schedule("0 9 29 2 *", "leaderboard").replace("\"a\"", "\"c\""),
    );
    assert_eq!(warnings(&fine), Vec::<String>::new());
}

#[test]
fn fixed_offset_timezones_are_warnings_that_name_the_place() {
    let cases = [
        ("EST", "America/New_York"),
        ("EST5EDT", "America/New_York"),
        ("MST", "America/Denver"),
        ("HST", "Pacific/Honolulu"),
        ("PST8PDT", "America/Los_Angeles"),
        ("Etc/GMT+5", "UTC−5 all year (the sign in Etc/GMT names is inverted)"),
    ];
    for (zone, advice) in cases {
        let lines = warnings(&MINIMAL.replace("Asia/Kolkata", zone));
        assert_eq!(lines.len(), 1, "{zone}: {lines:?}");
        assert!(lines[0].starts_with(&format!("t.toml:4:12: warning: timezone \"{zone}\"")), "{}", lines[0]);
        assert!(lines[0].contains(advice), "{}", lines[0]);
    }
    for zone in ["UTC", "Etc/UTC", "America/New_York", "Asia/Kolkata"] {
        assert_eq!(warnings(&MINIMAL.replace("Asia/Kolkata", zone)), Vec::<String>::new(), "{zone}");
    }
}

#[test]
fn topic_files_skip_comments_and_refuse_overlong_topics() {
    let dir = std::env::temp_dir().join(format!("hearth-topics-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let topics = dir.join("topics.txt");
    std::fs::write(&topics, "# one topic a line\nWhat are you building?\n\n  # indented comment\nBest bug?\n")
        .expect("write topics");
    let text = format!("{MINIMAL}[community.topics]\nfile = \"topics.txt\"\n");
    let config = Config::from_toml_str(&text, "t.toml", &dir).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(config.communities[0].topics.file_topics, ["What are you building?", "Best bug?"]);

    std::fs::write(&topics, format!("Fine?\n# a comment may be long: {}\n{}\n", "x".repeat(400), "y".repeat(301)))
        .expect("write topics");
    let e = Config::from_toml_str(&text, "t.toml", &dir).map(|_| ()).unwrap_err().to_string();
    assert_eq!(e, format!("{}:3:1: this topic is 301 characters long; a topic may have at most 300", topics.display()));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn the_example_config_names_its_schema_and_has_no_warnings() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../config/example.toml");
    let text = std::fs::read_to_string(path).expect("example");
    assert_eq!(text.lines().next(), Some("#:schema ./hearth.schema.json"));
    let (_, warnings) = Config::load_with_warnings(Path::new(path)).unwrap_or_else(|e| panic!("{e}"));
    assert!(warnings.is_empty(), "{warnings}");
}

#[test]
fn the_committed_schema_is_the_generated_one() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../config/hearth.schema.json");
    let committed: serde_json::Value = std::fs::read_to_string(path)
        .ok()
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or(serde_json::Value::Null);
    assert!(
        &committed == super::schema::json_schema(),
        "config/hearth.schema.json is out of date with bot/src/config/raw.rs; regenerate it with\n  \
         cargo run -- config-schema > config/hearth.schema.json"
    );
}

#[test]
fn the_schema_is_draft_07_closed_and_describes_every_key() {
    let schema = super::schema::json_schema();
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
    let mut objects = vec![schema];
    objects.extend(schema["definitions"].as_object().expect("definitions").values());
    for object in objects {
        assert_eq!(object["additionalProperties"], false, "{object}");
        for (key, property) in object["properties"].as_object().expect("properties") {
            let description = property["description"].as_str().unwrap_or("");
            assert!(!description.is_empty(), "`{key}` has no description");
            assert!(!property.to_string().contains("null"), "`{key}` allows null: {property}");
        }
    }
    let schedule = &schema["definitions"]["RawSchedule"];
    assert_eq!(schedule["required"], serde_json::json!(["id", "cron", "action"]));
    assert!(schedule["properties"]["window"]["description"].as_str().is_some_and(|d| d.contains("leaderboard")));
}

#[test]
fn list_items_and_inline_tables_are_checked_too() {
    let text = format!(
        "{MINIMAL}admins = [\"discord:1\", 2]\ndiscord = {{ guild_id = 123, channel_id = \"1\" }}\n\
         [community.checkin]\nstreak_bonus = [{{ days = 7, pionts = 3 }}]\n"
    );
    let lines = error_lines(&text);
    let expected = [
        "t.toml:5:24: an item of `community.admins` expected text in quotes, got the number 2",
        "t.toml:6:24: `community.discord.guild_id` expected text in quotes, got the number 123",
        "t.toml:8:17: an item of `community.checkin.streak_bonus` is missing `points`, which is required",
        "t.toml:8:29: unknown field `pionts` in an item of `community.checkin.streak_bonus`: did you mean `points`?",
    ];
    assert_eq!(lines.len(), expected.len(), "{lines:#?}");
    for (line, expected) in lines.iter().zip(expected) {
        assert!(line.starts_with(expected), "{line}\nexpected {expected}");
    }
    let e = error("[bots]\ndatabase = \"x\"\n[community]\nid = \"x\"\n");
    assert_eq!(
        e,
        "t.toml:1:2: unknown field `bots` in the top level: did you mean `bot`? expected one of bot, community, console\n\
         t.toml:3:1: `community` expected a list of tables, got a table"
    );
}

#[test]
fn the_schema_line_is_a_comment_and_positions_count_it() {
    let text = format!("#:schema ./hearth.schema.json\n{MINIMAL}colour = 1\n");
    let e = error(&text);
    assert!(e.starts_with("t.toml:6:1: unknown field `colour`"), "{e}");
    assert!(load(&format!("#:schema ./hearth.schema.json\n{MINIMAL}")).is_ok());
}

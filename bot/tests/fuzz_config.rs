//! The config loader on damaged files: every input either loads or yields
//! `file:line:col` errors; none panics. Starts from the shipped example.
//! More cases: `PROPTEST_CASES=100000 cargo test --release --test fuzz_config`.

use std::path::Path;

use hearth_bot::config::Config;
use proptest::prelude::*;

fn example() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../config/example.toml")).expect("example")
}

/// Pieces of TOML that are valid somewhere, to splice in anywhere.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("\n[[community]]\n".to_string()),
        Just("\n[community.checkin]\n".to_string()),
        Just("cron = \"61 25 * * *\"\n".to_string()),
        Just("timezone = \"Mars/Olympus\"\n".to_string()),
        Just("points = -9223372036854775808\n".to_string()),
        Just("levels = [0, 100, 50]\n".to_string()),
        Just("when = \"streak >= \"\n".to_string()),
        Just("day_starts_at = \"25:61\"\n".to_string()),
        Just("grace = \"-1h\"\n".to_string()),
        Just("cron = \"0 24 * * *\"\n".to_string()),
        Just("points = \"ten\"\n".to_string()),
        Just("colour = 3\n".to_string()),
        Just("points = 99999999999999999999\n".to_string()),
        Just("[community.colours]\nred = 1\n".to_string()),
        Just("\"".to_string()),
        Just("]".to_string()),
        Just("\u{0}".to_string()),
        "\\PC{0,30}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn damaged_configs_load_or_report_errors(
        cuts in prop::collection::vec((any::<prop::sample::Index>(), 0usize..40, fragment()), 1..5),
    ) {
        let mut text = example();
        for (at, remove, insert) in cuts {
            let mut start = at.index(text.len().max(1));
            while !text.is_char_boundary(start) {
                start -= 1;
            }
            let mut end = (start + remove).min(text.len());
            while !text.is_char_boundary(end) {
                end += 1;
            }
            text.replace_range(start..end, &insert);
        }
        match Config::from_toml_str_with_warnings(&text, "fuzz.toml", Path::new(env!("CARGO_MANIFEST_DIR"))) {
            Ok((_, warnings)) => {
                for w in &warnings.0 {
                    prop_assert!(w.file == "fuzz.toml" && w.line >= 1 && w.col >= 1, "{warnings}");
                }
            }
            Err(errors) => {
                prop_assert!(!errors.0.is_empty());
                // One `file:line:col: message` line each, in hearth's words, never serde's.
                for e in &errors.0 {
                    prop_assert!(e.file == "fuzz.toml" && e.line >= 1 && e.col >= 1, "{errors}");
                    prop_assert!(!e.message.is_empty() && !e.message.contains('\n'), "{errors}");
                    prop_assert!(!e.message.contains("invalid type") && !e.message.contains("i128"), "{errors}");
                }
            }
        }
    }
}

//! Console transcripts: whole conversations in `tests/transcripts/**/*.txt`,
//! run through the real binary and compared exactly.
//!
//! A transcript holds directives (`# config: PATH`, `# clock: RFC3339`,
//! optional `# community: ID`), input lines (`> ` then the console line) and,
//! after each input line, exactly the output it produced. Other `#` lines are
//! comments. Run with `BLESS=1` to rewrite the expected output (then review it).

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const MARK: &str = "\u{2063}transcript-mark";

struct Transcript {
    config: String,
    clock: String,
    community: Option<String>,
    /// Header lines kept when blessing.
    header: Vec<String>,
    steps: Vec<Step>,
}

struct Step {
    input: String,
    expected: Vec<String>,
}

fn parse(text: &str) -> Transcript {
    let mut t = Transcript {
        config: String::new(),
        clock: String::new(),
        community: None,
        header: Vec::new(),
        steps: Vec::new(),
    };
    for line in text.lines() {
        if let Some(input) = line.strip_prefix("> ") {
            t.steps.push(Step { input: input.to_string(), expected: Vec::new() });
        } else if let Some(step) = t.steps.last_mut() {
            if !line.starts_with('#') {
                step.expected.push(line.to_string());
            }
        } else {
            if let Some(v) = line.strip_prefix("# config:") {
                t.config = v.trim().to_string();
            } else if let Some(v) = line.strip_prefix("# clock:") {
                t.clock = v.trim().to_string();
            } else if let Some(v) = line.strip_prefix("# community:") {
                t.community = Some(v.trim().to_string());
            }
            t.header.push(line.to_string());
        }
    }
    t
}

/// Runs the binary; the output lines each input line produced.
fn run(t: &Transcript, root: &Path) -> Vec<Vec<String>> {
    let mut args = vec![
        "console".to_string(),
        "--config".to_string(),
        root.join(&t.config).display().to_string(),
        "--db".to_string(),
        // In-memory SQLite, or a fresh PostgreSQL database in the re-run.
        hearth_testkit::conformance::fresh_database().unwrap_or_else(|| "sqlite::memory:".to_string()),
        "--clock".to_string(),
        t.clock.clone(),
    ];
    if let Some(c) = &t.community {
        args.extend(["--community".to_string(), c.clone()]);
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_hearth"))
        .args(&args)
        .current_dir(root)
        .env_remove("HEARTH_DATABASE_URL")
        .env_remove("HEARTH_CONFIG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start hearth");
    let mut input = String::new();
    for step in &t.steps {
        let _ = writeln!(input, "{}\n:echo {MARK}", step.input);
    }
    child.stdin.take().expect("stdin").write_all(input.as_bytes()).expect("write input");
    let out = child.wait_with_output().expect("hearth runs");
    assert!(out.status.success(), "hearth exited with {}: {}", out.status, String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8(out.stdout).expect("UTF-8 output");
    let mut blocks = vec![Vec::new()];
    for line in stdout.lines() {
        if line == MARK {
            blocks.push(Vec::new());
        } else if let Some(block) = blocks.last_mut() {
            block.push(line.to_string());
        }
    }
    blocks.pop();
    blocks
}

fn transcripts(dir: &Path, found: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).expect("transcripts dir").flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            transcripts(&path, found);
        } else if path.extension().is_some_and(|e| e == "txt") {
            found.push(path);
        }
    }
}

#[test]
fn console_transcripts_match() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    transcripts(&root.join("tests/transcripts"), &mut files);
    assert!(!files.is_empty(), "no transcripts found");
    let bless = std::env::var_os("BLESS").is_some();
    let mut failures = String::new();
    for file in &files {
        let text = std::fs::read_to_string(file).expect("read transcript");
        let t = parse(&text);
        let actual = run(&t, root);
        assert_eq!(actual.len(), t.steps.len(), "{}: one output block per input", file.display());
        if bless {
            let mut out = t.header.join("\n");
            for (step, lines) in t.steps.iter().zip(&actual) {
                let _ = write!(out, "\n> {}", step.input);
                for line in lines {
                    let _ = write!(out, "\n{line}");
                }
            }
            out.push('\n');
            std::fs::write(file, out).expect("bless transcript");
            continue;
        }
        for (step, lines) in t.steps.iter().zip(&actual) {
            if &step.expected != lines {
                let _ = writeln!(
                    failures,
                    "{}: after `> {}`\n  expected:\n    {}\n  actual:\n    {}",
                    file.display(),
                    step.input,
                    step.expected.join("\n    "),
                    lines.join("\n    ")
                );
            }
        }
    }
    assert!(failures.is_empty(), "transcripts differ (BLESS=1 rewrites them):\n{failures}");
    println!("{} transcripts matched", files.len());
}

#[test]
fn postgres_conformance() {
    hearth_testkit::conformance::run_this_binary_on_postgres(&[]);
}

//! The console under a digest post: an `[image: NAME WxH]` line, and with
//! `--images DIR` the PNG itself in DIR.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

const CONFIG: &str = r#"
[[community]]
id = "owls"
name = "Night Owls"
timezone = "Europe/Berlin"

[[community.schedule]]
id = "weekly-digest"
cron = "0 9 * * MON"
action = "digest"
"#;

/// A week of the console from Sunday 8 March: two check-ins, then Monday's digest.
fn console_week(images: Option<&std::path::Path>) -> String {
    let dir = common::scratch(if images.is_some() { "console-images" } else { "console-no-images" });
    std::fs::write(dir.join("hearth.toml"), CONFIG).expect("config");
    let mut args =
        vec!["console", "--config", "hearth.toml", "--db", "sqlite::memory:", "--clock", "2026-03-08T08:00:00Z"];
    let images_arg = images.map(|d| d.display().to_string());
    if let Some(images) = &images_arg {
        args.extend(["--images", images.as_str()]);
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_hearth"))
        .args(&args)
        .current_dir(&dir)
        .env_remove("HEARTH_DATABASE_URL")
        .env_remove("HEARTH_CONFIG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("hearth console starts");
    let mut stdin = child.stdin.take().expect("stdin");
    stdin.write_all(b"@alice /checkin\n@bob /checkin\n:advance 1d\n").expect("input");
    drop(stdin);
    let output = child.wait_with_output().expect("hearth console ends");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).expect("UTF-8")
}

#[test]
fn a_digest_post_names_its_image_under_the_text() {
    let out = console_week(None);
    let lines: Vec<&str> = out.lines().collect();
    let digest = lines.iter().position(|l| l.starts_with("[bot] 📰 Night Owls this week")).expect(&out);
    let image = lines.iter().position(|l| l.starts_with("  [image: ")).expect(&out);
    assert!(image > digest, "{out}");
    assert!(lines[digest + 1..image].iter().all(|l| l.starts_with("  ")), "the image line ends the post: {out}");
    assert_eq!(lines[image], "  [image: digest-2026-03-09.png 1000x500]");
}

#[test]
fn with_images_the_png_is_written_to_the_directory() {
    let images = common::scratch("console-images-dir").join("charts");
    let out = console_week(Some(&images));
    assert!(out.contains("  [image: digest-2026-03-09.png 1000x500]"), "{out}");
    let png = std::fs::read(images.join("digest-2026-03-09.png")).expect("the PNG was written");
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    assert_eq!(u32::from_be_bytes(png[16..20].try_into().unwrap()), 1000);
    assert_eq!(u32::from_be_bytes(png[20..24].try_into().unwrap()), 500);
}

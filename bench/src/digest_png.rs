//! The digest's chart as the Discord and Telegram workers draw it: PNG
//! rendering time (SVG drawing, parsing, text layout, rasterising, PNG
//! encoding) for an English and a Chinese digest, against the SVG alone
//! (what the dashboard inlines) measured in the same run.

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use chrono::{DateTime, Duration, Utc};
use hearth_bot::chart::Chart;
use hearth_bot::config::Config;
use hearth_bot::store::Store;
use hearth_bot::{Actor, ChatRef, Engine, Platform, SimulatedClock};
use hearth_charts::Renderer;

use crate::latency::{Distribution, ms};

const ROUNDS: usize = 300;
const WARM_UP: usize = 10;
const TARGET_P99_MS: f64 = 50.0;

const CONFIG: &str = r#"
[[community]]
id = "bench"
name = "Benchmark Builders"
timezone = "Asia/Shanghai"
locale = "LOCALE"

[[community.schedule]]
id = "digest"
cron = "0 10 1 1 *"
action = "digest"
"#;

pub async fn run() -> anyhow::Result<()> {
    let started = Instant::now();
    let renderer = Renderer::new();
    let fonts = started.elapsed();
    eprintln!(
        "fonts loaded in {:.0} ms (once, at start); CJK family: {}",
        ms(fonts),
        renderer.cjk_family().unwrap_or("none found")
    );
    let mut worst_p99: f64 = 0.0;
    for locale in ["en", "zh-CN"] {
        let chart = digest_chart(locale).await?;
        let svg = measure(|| {
            std::hint::black_box(hearth_charts::svg(&chart));
            Ok(())
        })?;
        let png = measure(|| {
            std::hint::black_box(renderer.png(&chart)?);
            Ok(())
        })?;
        let size = renderer.png(&chart)?;
        let p99 = ms(png.quantile(0.99));
        worst_p99 = worst_p99.max(p99);
        println!("digest PNG, {locale} ({}x{}, {} bytes), {ROUNDS} rounds:", size.width, size.height, size.bytes.len());
        println!("  SVG alone (baseline): {}", svg.summary());
        println!("  PNG (SVG → resvg → PNG): {}", png.summary());
        println!(
            "  PNG / SVG: p50 {:.1}x, p99 {:.1}x",
            ms(png.quantile(0.5)) / ms(svg.quantile(0.5)).max(1e-9),
            p99 / ms(svg.quantile(0.99)).max(1e-9)
        );
    }
    let verdict = if worst_p99 <= TARGET_P99_MS { "meets" } else { "MISSES" };
    println!("worst p99 {worst_p99:.1} ms {verdict} the {TARGET_P99_MS:.0} ms target");
    Ok(())
}

fn measure(mut once: impl FnMut() -> anyhow::Result<()>) -> anyhow::Result<Distribution> {
    for _ in 0..WARM_UP {
        once()?;
    }
    let mut samples = Vec::with_capacity(ROUNDS);
    for _ in 0..ROUNDS {
        let started = Instant::now();
        once()?;
        samples.push(started.elapsed());
    }
    Ok(Distribution::new(samples))
}

/// The chart of a real digest: two weeks of check-ins by 40 members in
/// an in-memory community, then `/post digest`'s post.
async fn digest_chart(locale: &str) -> anyhow::Result<Chart> {
    let config = Config::from_toml_str(&CONFIG.replace("LOCALE", locale), "bench.toml", Path::new("."))
        .map_err(|errors| anyhow::anyhow!("the benchmark's config: {errors}"))?;
    let store = Store::connect("sqlite::memory:").await?;
    let start: DateTime<Utc> = "2026-03-02T02:00:00Z".parse().context("start instant")?;
    let clock = SimulatedClock::starting_at(start);
    let engine = Engine::open(store, config, Arc::new(clock.clone()), vec![Platform::Console]).await?;
    let chat = ChatRef::Console { community: "bench".into() };
    let member = |name: String, admin: bool| Actor {
        platform: Platform::Console,
        user_id: name.clone(),
        display_name: name,
        is_bot: false,
        is_platform_admin: admin,
    };
    for day in 0..14 {
        clock.set(start + Duration::days(day));
        for m in 0..40 {
            if !(m * 7 + day as usize * 3).is_multiple_of(5) {
                engine.handle_text(member(format!("member{m}"), false), chat.clone(), "/checkin").await;
            }
        }
    }
    clock.set(start + Duration::days(14));
    engine.handle_text(member("admin".into(), true), chat, "/post digest").await;
    let posts = engine.pending_posts(Platform::Console, "bench").await?;
    posts.into_iter().find_map(|post| post.reply.chart).context("the digest carries a chart")
}

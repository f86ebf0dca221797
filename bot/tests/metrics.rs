//! What the engine measures, seen through a Prometheus recorder on the
//! test's thread: a slot caught up late records how late it fired.

mod support;

use chrono::Duration;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusRecorder};
use support::Chat;

const CONFIG: &str = r#"
[[community]]
id = "night-owls"
name = "Night Owls"
timezone = "Europe/Berlin"

[[community.schedule]]
id = "evening"
cron = "0 20 * * *"
action = "checkin_reminder"
misfire = "catch_up"
grace = "6h"
"#;

fn recorder() -> PrometheusRecorder {
    let mut builder = PrometheusBuilder::new();
    for (name, buckets) in hearth_bot::metrics::HISTOGRAMS {
        builder = builder.set_buckets_for_metric(Matcher::Full((*name).to_string()), buckets).expect("buckets");
    }
    builder.build_recorder()
}

#[tokio::test]
async fn a_slot_caught_up_two_hours_late_records_its_lateness() {
    let recorder = recorder();
    let handle = recorder.handle();
    // The scheduler fires on this thread (a current-thread runtime).
    let _recording = metrics::set_default_local_recorder(&recorder);
    // Monday 19:00 Berlin: the schedule is seen for the first time.
    let chat = Chat::start(CONFIG, "2026-03-02T18:00:00Z").await;
    assert_eq!(chat.engine.fire_due().await.expect("first sight"), 0);
    // 22:00: the 20:00 reminder is two hours late, within its grace.
    chat.advance(Duration::hours(3));
    assert_eq!(chat.engine.fire_due().await.expect("fire"), 1);

    let text = handle.render();
    for line in [
        "hearth_scheduler_lateness_seconds_bucket{le=\"3600\"} 0",
        "hearth_scheduler_lateness_seconds_bucket{le=\"86400\"} 1",
        "hearth_scheduler_lateness_seconds_sum 7200",
        "hearth_scheduler_lateness_seconds_count 1",
    ] {
        assert!(text.lines().any(|l| l == line), "no line {line:?} in:\n{text}");
    }
}

#[test]
fn postgres_conformance() {
    support::run_on_postgres(&[]);
}

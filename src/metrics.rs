//! `GET /metrics`: the Prometheus recorder that `hearth run` installs when
//! `HEARTH_HTTP_ADDR` is set, and what is read at scrape time (outbox
//! counts, the webhook's backlog). What is measured, and under which
//! names, is `hearth_bot::metrics`.

use std::time::Duration;

use hearth_bot::Engine;
use hearth_telegram::Telegram;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

/// How often histogram samples are folded in between scrapes: the
/// recorder holds each sample until then, so without it an unscraped
/// process would grow.
const UPKEEP: Duration = Duration::from_secs(5);

/// The recorder's settings: every histogram with its buckets.
pub fn builder() -> anyhow::Result<PrometheusBuilder> {
    let mut builder = PrometheusBuilder::new();
    for (name, buckets) in hearth_bot::metrics::HISTOGRAMS {
        builder = builder.set_buckets_for_metric(Matcher::Full((*name).to_string()), buckets)?;
    }
    Ok(builder)
}

/// Installs the recorder for the whole process, once, before the engine
/// opens, and records the build info.
pub fn install() -> anyhow::Result<PrometheusHandle> {
    let handle = builder()?.install_recorder()?;
    hearth_bot::metrics::describe(env!("CARGO_PKG_VERSION"));
    Ok(handle)
}

/// What `GET /metrics` reads.
#[derive(Clone)]
pub struct Scrape {
    pub handle: PrometheusHandle,
    pub engine: Engine,
    pub telegram: Option<Telegram>,
}

impl Scrape {
    /// The Prometheus text, with the counts that are read now brought up to date.
    pub async fn render(&self) -> String {
        match self.engine.outbox_counts().await {
            Ok(counts) => {
                for (platform, status, n) in counts {
                    hearth_bot::metrics::outbox_posts(platform, status, n);
                }
            }
            Err(error) => tracing::warn!(error = ?error, "counting outbox posts for /metrics failed"),
        }
        if let Some((updates, chats)) = self.telegram.as_ref().and_then(Telegram::webhook_backlog) {
            hearth_bot::metrics::webhook_waiting(updates, chats);
        }
        self.handle.render()
    }

    /// Folds histogram samples in every few seconds, for as long as it runs.
    pub async fn run_upkeep(self) {
        loop {
            tokio::time::sleep(UPKEEP).await;
            self.handle.run_upkeep();
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use hearth_bot::Platform;
    use hearth_bot::metrics::{self, DeliveryError, Outcome};

    /// Records one of everything through a recorder of these settings and
    /// returns the text `/metrics` would serve.
    fn rendered() -> String {
        let recorder = super::builder().expect("settings").build_recorder();
        let handle = recorder.handle();
        ::metrics::with_local_recorder(&recorder, || {
            metrics::describe("9.9.9");
            metrics::commands("checkin", Outcome::Ok, 2);
            metrics::commands("give", Outcome::Refused, 1);
            metrics::command_duration("checkin", Duration::from_millis(3));
            metrics::writer_batch(5);
            metrics::scheduler_lateness(Duration::from_millis(1500));
            metrics::delivery_error(Platform::Telegram, DeliveryError::RateLimited);
            metrics::outbox_posts(Platform::Discord, "pending", 4);
            metrics::webhook_waiting(7, 2);
            metrics::webhook_refused("chat_full");
            let closed = metrics::OpenConnection::new();
            let _open = metrics::OpenConnection::new();
            drop(closed);
            handle.render()
        })
    }

    #[test]
    fn every_metric_renders_under_its_name_with_histograms_in_buckets() {
        let text = rendered();
        for line in [
            "hearth_build_info{version=\"9.9.9\"} 1",
            "hearth_commands_total{command=\"checkin\",outcome=\"ok\"} 2",
            "hearth_commands_total{command=\"give\",outcome=\"refused\"} 1",
            "hearth_command_duration_seconds_bucket{command=\"checkin\",le=\"0.005\"} 1",
            "hearth_command_duration_seconds_count{command=\"checkin\"} 1",
            "hearth_writer_batch_size_bucket{le=\"8\"} 1",
            "hearth_writer_batch_size_sum 5",
            "hearth_scheduler_lateness_seconds_bucket{le=\"1\"} 0",
            "hearth_scheduler_lateness_seconds_bucket{le=\"5\"} 1",
            "hearth_delivery_errors_total{platform=\"telegram\",kind=\"rate_limited\"} 1",
            "hearth_outbox_posts{platform=\"discord\",status=\"pending\"} 4",
            "hearth_telegram_webhook_waiting_updates 7",
            "hearth_telegram_webhook_waiting_chats 2",
            "hearth_telegram_webhook_refused_total{reason=\"chat_full\"} 1",
            "hearth_http_open_connections 1",
            "# TYPE hearth_command_duration_seconds histogram",
            "# HELP hearth_commands_total Commands answered, by command table name and outcome (ok, refused, error).",
        ] {
            assert!(text.lines().any(|l| l == line), "no line {line:?} in:\n{text}");
        }
    }
}

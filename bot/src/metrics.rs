//! What hearth measures, by name: every metric is recorded through a
//! function here, so names, labels and units stay in one place.
//!
//! Recording goes through the `metrics` facade. Without a recorder (tests,
//! the console, the benchmark) each call is a load and a branch; `hearth
//! run` with `HEARTH_HTTP_ADDR` installs the Prometheus recorder and serves
//! `GET /metrics`. Library code never installs one. Label values are
//! `&'static str` from fixed sets (command table names, outcomes, platforms,
//! kinds), so the number of series stays bounded.

use std::time::{Duration, Instant};

use crate::command::Command;
use crate::engine::Platform;

pub const COMMANDS: &str = "hearth_commands_total";
pub const COMMAND_DURATION: &str = "hearth_command_duration_seconds";
pub const WRITER_BATCH: &str = "hearth_writer_batch_size";
pub const OUTBOX_POSTS: &str = "hearth_outbox_posts";
pub const DELIVERY_ERRORS: &str = "hearth_delivery_errors_total";
pub const SCHEDULER_LATENESS: &str = "hearth_scheduler_lateness_seconds";
pub const WEBHOOK_WAITING_UPDATES: &str = "hearth_telegram_webhook_waiting_updates";
pub const WEBHOOK_WAITING_CHATS: &str = "hearth_telegram_webhook_waiting_chats";
pub const WEBHOOK_REFUSED: &str = "hearth_telegram_webhook_refused_total";
pub const HTTP_OPEN_CONNECTIONS: &str = "hearth_http_open_connections";
pub const BUILD_INFO: &str = "hearth_build_info";

/// Bucket bounds of each histogram (without them the exporter would render
/// summaries). Seconds for durations, jobs for the batch size.
pub const HISTOGRAMS: &[(&str, &[f64])] = &[
    (COMMAND_DURATION, &[0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0]),
    (WRITER_BATCH, &[1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0, 512.0, 1024.0, 2048.0]),
    (SCHEDULER_LATENESS, &[0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 10.0, 30.0, 60.0, 300.0, 3600.0, 86_400.0]),
];

/// How a command ended: done, refused with a reason the member sees, or
/// failed inside (the member sees the generic message).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    Ok,
    Refused,
    Error,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Refused => "refused",
            Outcome::Error => "error",
        }
    }
}

/// Why a delivery attempt did not post.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryError {
    /// The platform asked to wait (the post stays pending, no attempt counted).
    RateLimited,
    /// The bot is no longer in the chat; failed without a request.
    ChatGone,
    /// The platform refused it for good.
    Permanent,
    /// Worth a retry (network, server errors).
    Transient,
}

impl DeliveryError {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryError::RateLimited => "rate_limited",
            DeliveryError::ChatGone => "chat_gone",
            DeliveryError::Permanent => "permanent",
            DeliveryError::Transient => "transient",
        }
    }
}

/// A command's label: its name in the command table (`topic` for every
/// `/topic …` form), `reply_to_post` for the adapter event.
pub fn command_name(command: &Command) -> &'static str {
    command.spec().map_or("reply_to_post", |spec| spec.name)
}

/// `n` commands named `command` ended with `outcome`.
pub fn commands(command: &'static str, outcome: Outcome, n: u64) {
    metrics::counter!(COMMANDS, "command" => command, "outcome" => outcome.as_str()).increment(n);
}

/// From the asker's call to its answer (queue, transaction, wording).
pub fn command_duration(command: &'static str, elapsed: Duration) {
    metrics::histogram!(COMMAND_DURATION, "command" => command).record(elapsed.as_secs_f64());
}

/// Records a command's duration when dropped: at its answer, or when the
/// asker stopped waiting.
pub struct CommandTimer {
    command: &'static str,
    started: Instant,
}

impl CommandTimer {
    pub fn start(command: &'static str) -> CommandTimer {
        CommandTimer { command, started: Instant::now() }
    }
}

impl Drop for CommandTimer {
    fn drop(&mut self) {
        command_duration(self.command, self.started.elapsed());
    }
}

/// One write transaction of the writer took `jobs` (commands and inbox updates).
pub fn writer_batch(jobs: usize) {
    metrics::histogram!(WRITER_BATCH).record(jobs as f64);
}

/// Posts in the outbox for `platform` with `status` (pending, sent, failed), read at scrape time.
pub fn outbox_posts(platform: Platform, status: &'static str, count: u64) {
    metrics::gauge!(OUTBOX_POSTS, "platform" => platform.as_str(), "status" => status).set(count as f64);
}

pub fn delivery_error(platform: Platform, kind: DeliveryError) {
    metrics::counter!(DELIVERY_ERRORS, "platform" => platform.as_str(), "kind" => kind.as_str()).increment(1);
}

/// A scheduled slot fired `late` after its time.
pub fn scheduler_lateness(late: Duration) {
    metrics::histogram!(SCHEDULER_LATENESS).record(late.as_secs_f64());
}

/// Webhook updates accepted and not finished, and the chats they are in.
pub fn webhook_waiting(updates: usize, chats: usize) {
    metrics::gauge!(WEBHOOK_WAITING_UPDATES).set(updates as f64);
    metrics::gauge!(WEBHOOK_WAITING_CHATS).set(chats as f64);
}

/// A webhook POST answered 503: `chat_full` (that chat has too many
/// waiting), `all_full`, `stopping` or `inbox_error`.
pub fn webhook_refused(reason: &'static str) {
    metrics::counter!(WEBHOOK_REFUSED, "reason" => reason).increment(1);
}

/// Counts an open HTTP connection for as long as it lives.
pub struct OpenConnection(());

impl OpenConnection {
    pub fn new() -> OpenConnection {
        metrics::gauge!(HTTP_OPEN_CONNECTIONS).increment(1.0);
        OpenConnection(())
    }
}

impl Default for OpenConnection {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for OpenConnection {
    fn drop(&mut self) {
        metrics::gauge!(HTTP_OPEN_CONNECTIONS).decrement(1.0);
    }
}

/// `hearth_build_info{version="…"} 1`, and the help text of every metric;
/// called once after the recorder is installed.
pub fn describe(version: &'static str) {
    use metrics::{Unit, describe_counter, describe_gauge, describe_histogram};
    describe_counter!(
        COMMANDS,
        Unit::Count,
        "Commands answered, by command table name and outcome (ok, refused, error)."
    );
    describe_histogram!(COMMAND_DURATION, Unit::Seconds, "Time from a command's arrival at the engine to its answer.");
    describe_histogram!(WRITER_BATCH, Unit::Count, "Jobs (commands and inbox updates) per write transaction.");
    describe_gauge!(OUTBOX_POSTS, Unit::Count, "Outbox posts by delivery platform and status, read at scrape time.");
    describe_counter!(DELIVERY_ERRORS, Unit::Count, "Delivery attempts that did not post, by platform and kind.");
    describe_histogram!(SCHEDULER_LATENESS, Unit::Seconds, "Seconds between a scheduled slot's time and its firing.");
    describe_gauge!(WEBHOOK_WAITING_UPDATES, Unit::Count, "Telegram webhook updates accepted and not yet finished.");
    describe_gauge!(WEBHOOK_WAITING_CHATS, Unit::Count, "Telegram chats with webhook updates waiting.");
    describe_counter!(WEBHOOK_REFUSED, Unit::Count, "Telegram webhook POSTs answered 503, by reason.");
    describe_gauge!(HTTP_OPEN_CONNECTIONS, Unit::Count, "HTTP connections open on HEARTH_HTTP_ADDR.");
    describe_gauge!(BUILD_INFO, "Always 1; the version is in the label.");
    metrics::gauge!(BUILD_INFO, "version" => version).set(1.0);
}

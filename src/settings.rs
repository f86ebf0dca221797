//! Where the config and database live (the Contract's defaults), the
//! adapters' environment variables, and the Discord invite URL.

use std::path::{Path, PathBuf};

use anyhow::Context;

use hearth_bot::config::Config;

/// `--config`, else `$HEARTH_CONFIG`, else `config/hearth.toml`, else `config/example.toml`.
pub fn config_path(flag: Option<PathBuf>) -> PathBuf {
    if let Some(path) = flag {
        return path;
    }
    if let Some(path) = std::env::var_os("HEARTH_CONFIG").filter(|p| !p.is_empty()) {
        return PathBuf::from(path);
    }
    let local = Path::new("config/hearth.toml");
    if local.exists() {
        return local.to_path_buf();
    }
    PathBuf::from("config/example.toml")
}

/// `--db`, else `$HEARTH_DATABASE_URL`, else `bot.database`, else `sqlite://hearth.db`.
pub fn database_url(flag: Option<String>, config: &Config) -> String {
    flag.or_else(|| std::env::var("HEARTH_DATABASE_URL").ok().filter(|u| !u.is_empty()))
        .or_else(|| config.bot.database.clone())
        .unwrap_or_else(|| "sqlite://hearth.db".to_string())
}

/// Permission bits the bot needs: view channels, send messages, embed links,
/// read message history, create public threads, send messages in threads.
const INVITE_PERMISSIONS: u64 = (1 << 10) | (1 << 11) | (1 << 14) | (1 << 16) | (1 << 35) | (1 << 38);

pub fn invite_url(application_id: &str) -> anyhow::Result<String> {
    let id = application_id.trim();
    anyhow::ensure!(
        !id.is_empty() && id.chars().all(|c| c.is_ascii_digit()),
        "DISCORD_APPLICATION_ID must be the numeric application id"
    );
    Ok(format!(
        "https://discord.com/oauth2/authorize?client_id={id}&scope=bot%20applications.commands&permissions={INVITE_PERMISSIONS}"
    ))
}

/// A variable from the environment; empty counts as unset.
fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
}

/// `TELEGRAM_TOKEN` and `TELEGRAM_API_URL`; `None` when no token is set.
pub fn telegram() -> anyhow::Result<Option<hearth_telegram::TelegramSettings>> {
    let Some(token) = env("TELEGRAM_TOKEN") else {
        return Ok(None);
    };
    let api_url = env("TELEGRAM_API_URL")
        .map(|url| url::Url::parse(&url).with_context(|| format!("TELEGRAM_API_URL {url:?} is not a URL")))
        .transpose()?;
    // Only for a local Bot API stand-in (tests, benchmarks): Telegram itself
    // enforces these limits whatever hearth does.
    let unthrottled = match env("HEARTH_TELEGRAM_THROTTLE").as_deref() {
        None | Some("on") => false,
        Some("off") => true,
        Some(other) => anyhow::bail!("HEARTH_TELEGRAM_THROTTLE {other:?}: expected on (the default) or off"),
    };
    Ok(Some(hearth_telegram::TelegramSettings { token, api_url, unthrottled }))
}

/// `HEARTH_HTTP_ADDR`, e.g. `127.0.0.1:8080`.
pub fn http_addr() -> anyhow::Result<Option<std::net::SocketAddr>> {
    env("HEARTH_HTTP_ADDR")
        .map(|addr| {
            addr.parse().with_context(|| format!("HEARTH_HTTP_ADDR {addr:?}: expected host:port like 0.0.0.0:8080"))
        })
        .transpose()
}

/// `HEARTH_PUBLIC_URL`: the base of every link hearth prints (login links,
/// the public board). Default: `http://` + the bound address, with an
/// unspecified address (`0.0.0.0`, `::`) written as loopback, which a
/// browser on the same machine can open.
pub fn public_url(bound: std::net::SocketAddr) -> anyhow::Result<String> {
    match env("HEARTH_PUBLIC_URL") {
        Some(text) => {
            let url = url::Url::parse(&text)
                .with_context(|| format!("HEARTH_PUBLIC_URL {text:?} is not a URL like https://hearth.example.org"))?;
            if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
                anyhow::bail!("HEARTH_PUBLIC_URL {text:?}: expected an http:// or https:// URL");
            }
            Ok(text.trim_end_matches('/').to_string())
        }
        None => {
            let mut shown = bound;
            if bound.ip().is_unspecified() {
                shown.set_ip(match bound {
                    std::net::SocketAddr::V4(_) => std::net::Ipv4Addr::LOCALHOST.into(),
                    std::net::SocketAddr::V6(_) => std::net::Ipv6Addr::LOCALHOST.into(),
                });
            }
            Ok(format!("http://{shown}"))
        }
    }
}

/// `TELEGRAM_WEBHOOK_URL`: the public https URL that reaches `/telegram/webhook`.
pub fn telegram_webhook_url() -> anyhow::Result<Option<url::Url>> {
    env("TELEGRAM_WEBHOOK_URL")
        .map(|url| url::Url::parse(&url).with_context(|| format!("TELEGRAM_WEBHOOK_URL {url:?} is not a URL")))
        .transpose()
}

/// `HEARTH_DISCORD_SHARDS=first-last/total`, e.g. `0-3/8`; `None` (all
/// shards) when unset or empty. Not trimmed: a value with spaces is refused.
pub fn discord_shards() -> Result<Option<hearth_discord::ShardRange>, hearth_discord::BadShardRange> {
    match std::env::var_os("HEARTH_DISCORD_SHARDS") {
        None => Ok(None),
        Some(value) if value.is_empty() => Ok(None),
        Some(value) => match value.to_str() {
            Some(text) => hearth_discord::ShardRange::parse(text).map(Some),
            None => Err(hearth_discord::BadShardRange::new(value.to_string_lossy())),
        },
    }
}

/// `DISCORD_TOKEN`, `DISCORD_PUBLIC_KEY`, `DISCORD_API_URL`,
/// `DISCORD_APPLICATION_ID` and `DISCORD_DEFER_AFTER_MS`, with the shard
/// range read before; `None` when neither a token nor a key is set.
pub fn discord(shards: Option<hearth_discord::ShardRange>) -> anyhow::Result<Option<hearth_discord::DiscordSettings>> {
    let (token, public_key) = (env("DISCORD_TOKEN"), env("DISCORD_PUBLIC_KEY"));
    if token.is_none() && public_key.is_none() {
        return Ok(None);
    }
    let application_id = env("DISCORD_APPLICATION_ID")
        .map(|id| id.parse::<u64>().with_context(|| format!("DISCORD_APPLICATION_ID {id:?} is not a numeric id")))
        .transpose()?;
    let defer_after = match env("DISCORD_DEFER_AFTER_MS") {
        None => hearth_discord::DEFAULT_DEFER_AFTER,
        Some(ms) => defer_after(&ms)?,
    };
    Ok(Some(hearth_discord::DiscordSettings {
        token,
        public_key,
        api_url: env("DISCORD_API_URL"),
        application_id,
        defer_after,
        shards,
    }))
}

/// `DISCORD_DEFER_AFTER_MS`: at most 2500, as Discord drops an answer after 3 s.
fn defer_after(ms: &str) -> anyhow::Result<std::time::Duration> {
    match ms.parse::<u64>() {
        Ok(ms) if ms <= 2500 => Ok(std::time::Duration::from_millis(ms)),
        _ => anyhow::bail!("DISCORD_DEFER_AFTER_MS {ms:?}: expected milliseconds from 0 to 2500 (Discord waits 3 s)"),
    }
}

//! A community served over real HTTP: an engine from a TOML string on a
//! fresh in-memory database with a simulated clock, the web router on a
//! random loopback port, and a tiny HTTP/1.1 client.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use hearth_bot::config::Config;
use hearth_bot::store::Store;
use hearth_bot::{Actor, ChatRef, Engine, Platform, SimulatedClock};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

pub struct Site {
    pub addr: SocketAddr,
    pub engine: Engine,
    pub clock: SimulatedClock,
    pub admins: Vec<String>,
}

impl Site {
    /// `toml`'s communities with the clock at `start` (RFC 3339), served
    /// as if `HEARTH_PUBLIC_URL` were `public_url`.
    pub async fn start_with_public_url(toml: &str, start: &str, public_url: &str) -> Site {
        let config = Config::from_toml_str(toml, "test.toml", Path::new("."))
            .unwrap_or_else(|e| panic!("test config should load:\n{e}"));
        let store = Store::connect("sqlite::memory:").await.expect("store");
        let start: DateTime<Utc> = DateTime::parse_from_rfc3339(start).expect("RFC 3339 start").with_timezone(&Utc);
        let clock = SimulatedClock::starting_at(start);
        let admins = config.console.admins.clone();
        let engine =
            Engine::open(store, config, Arc::new(clock.clone()), vec![Platform::Console]).await.expect("engine opens");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a free port");
        let addr = listener.local_addr().expect("bound address");
        engine.set_public_url(public_url);
        let app = hearth_web::router(engine.clone(), public_url);
        tokio::spawn(async move { axum::serve(listener, app).await.expect("serving") });
        Site { addr, engine, clock, admins }
    }

    pub async fn start(toml: &str, start: &str) -> Site {
        Self::start_with_public_url(toml, start, "http://127.0.0.1").await
    }

    /// `who` types `line` in `community`'s chat; the reply as plain text.
    pub async fn say(&self, community: &str, who: &str, line: &str) -> String {
        let actor = Actor {
            platform: Platform::Console,
            user_id: who.to_string(),
            display_name: who.to_string(),
            is_bot: false,
            is_platform_admin: self.admins.iter().any(|a| a == who),
        };
        let chat = ChatRef::Console { community: community.to_string() };
        self.engine.handle_text(actor, chat, line).await.map(|r| r.to_plain_text()).unwrap_or_default()
    }

    pub fn advance(&self, by: Duration) {
        self.clock.advance(by);
    }

    /// `admin` types `/dashboard`; the path of the login link in the reply.
    pub async fn login_path(&self, community: &str, admin: &str) -> String {
        let reply = self.say(community, admin, "/dashboard").await;
        let start = reply.find("/login/").unwrap_or_else(|| panic!("a login link in {reply:?}"));
        let path: String = reply[start..].chars().take_while(|c| !c.is_whitespace()).collect();
        assert!(path.len() > "/login/".len() + 16, "a long random token in {path:?}");
        path
    }

    /// Signs `admin` in through the link and the Continue button; the cookie.
    pub async fn sign_in(&self, community: &str, admin: &str) -> String {
        let path = self.login_path(community, admin).await;
        let reply = self.post(&path, None, "").await;
        assert_eq!(reply.status, 303, "signing in should redirect: {}", reply.text());
        reply.session_cookie().expect("a session cookie")
    }

    pub async fn get(&self, path: &str, cookie: Option<&str>) -> HttpReply {
        self.request("GET", path, cookie, None).await
    }

    /// A form POST (`application/x-www-form-urlencoded`).
    pub async fn post(&self, path: &str, cookie: Option<&str>, form: &str) -> HttpReply {
        self.request("POST", path, cookie, Some(form)).await
    }

    async fn request(&self, method: &str, path: &str, cookie: Option<&str>, form: Option<&str>) -> HttpReply {
        let mut stream = tokio::net::TcpStream::connect(self.addr).await.expect("connect");
        let mut request = format!("{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n", self.addr);
        if let Some(cookie) = cookie {
            request.push_str(&format!("Cookie: hearth_session={cookie}\r\n"));
        }
        if let Some(form) = form {
            request.push_str("Content-Type: application/x-www-form-urlencoded\r\n");
            request.push_str(&format!("Content-Length: {}\r\n\r\n{form}", form.len()));
        } else {
            request.push_str("\r\n");
        }
        stream.write_all(request.as_bytes()).await.expect("send");
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).await.expect("read");
        HttpReply::parse(&raw)
    }
}

/// One HTTP response.
#[derive(Debug)]
pub struct HttpReply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpReply {
    fn parse(raw: &[u8]) -> HttpReply {
        let split = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("a header block");
        let head = String::from_utf8_lossy(&raw[..split]).to_string();
        let mut lines = head.split("\r\n");
        let status_line = lines.next().expect("a status line");
        let status = status_line.split(' ').nth(1).and_then(|s| s.parse().ok()).expect("a status code");
        let headers: Vec<(String, String)> = lines
            .filter_map(|line| line.split_once(':'))
            .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_string()))
            .collect();
        let mut body = raw[split + 4..].to_vec();
        if headers.iter().any(|(n, v)| n == "transfer-encoding" && v.contains("chunked")) {
            body = dechunk(&body);
        }
        HttpReply { status, headers, body }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8(self.body.clone()).expect("a UTF-8 body")
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("a JSON body")
    }

    /// The value `Set-Cookie` gives `hearth_session`.
    pub fn session_cookie(&self) -> Option<String> {
        let set = self.header("set-cookie")?;
        let value = set.strip_prefix("hearth_session=")?.split(';').next()?;
        (!value.is_empty()).then(|| value.to_string())
    }
}

fn dechunk(mut body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let Some(end) = body.windows(2).position(|w| w == b"\r\n") else { return out };
        let size = usize::from_str_radix(String::from_utf8_lossy(&body[..end]).trim(), 16).unwrap_or(0);
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&body[end + 2..end + 2 + size]);
        body = &body[end + 2 + size + 2..];
    }
}

//! A minimal HTTP/1.1 client on one keep-alive connection: the load
//! generators need many requests per second with no client library in the
//! way, and the servers they talk to (axum, express) answer with a
//! Content-Length or chunked bodies.

use anyhow::Context;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

pub struct Connection {
    stream: BufReader<TcpStream>,
    port: u16,
}

/// A response's status and body.
pub struct Response {
    pub status: u16,
    pub body: Vec<u8>,
}

impl Response {
    pub fn json(&self) -> anyhow::Result<serde_json::Value> {
        serde_json::from_slice(&self.body)
            .with_context(|| format!("a {} answer is not JSON: {}", self.status, String::from_utf8_lossy(&self.body)))
    }
}

impl Connection {
    pub async fn open(port: u16) -> anyhow::Result<Connection> {
        let stream =
            TcpStream::connect(("127.0.0.1", port)).await.with_context(|| format!("connecting to 127.0.0.1:{port}"))?;
        stream.set_nodelay(true)?;
        Ok(Connection { stream: BufReader::new(stream), port })
    }

    pub async fn post_json(&mut self, path: &str, headers: &[(&str, &str)], body: &[u8]) -> anyhow::Result<Response> {
        let mut request = format!(
            "POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n",
            self.port,
            body.len()
        );
        for (name, value) in headers {
            request.push_str(&format!("{name}: {value}\r\n"));
        }
        request.push_str("\r\n");
        let mut bytes = request.into_bytes();
        bytes.extend_from_slice(body);
        self.stream.get_mut().write_all(&bytes).await.with_context(|| format!("sending POST {path}"))?;
        self.read_response().await.with_context(|| format!("reading the answer to POST {path}"))
    }

    async fn read_response(&mut self) -> anyhow::Result<Response> {
        let mut line = String::new();
        self.stream.read_line(&mut line).await?;
        let status = line
            .split(' ')
            .nth(1)
            .and_then(|code| code.parse().ok())
            .with_context(|| format!("not an HTTP status line: {line:?}"))?;
        let (mut length, mut chunked) = (None, false);
        loop {
            line.clear();
            anyhow::ensure!(self.stream.read_line(&mut line).await? > 0, "the connection closed mid-headers");
            let header = line.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':') {
                let value = value.trim();
                if name.eq_ignore_ascii_case("content-length") {
                    length = Some(value.parse::<usize>().with_context(|| format!("Content-Length {value:?}"))?);
                } else if name.eq_ignore_ascii_case("transfer-encoding") && value.eq_ignore_ascii_case("chunked") {
                    chunked = true;
                }
            }
        }
        let body = match (length, chunked) {
            (Some(length), _) => {
                let mut body = vec![0; length];
                self.stream.read_exact(&mut body).await?;
                body
            }
            (None, true) => self.read_chunked().await?,
            (None, false) => anyhow::bail!("an answer with neither Content-Length nor chunked encoding"),
        };
        Ok(Response { status, body })
    }

    async fn read_chunked(&mut self) -> anyhow::Result<Vec<u8>> {
        let mut body = Vec::new();
        let mut line = String::new();
        loop {
            line.clear();
            self.stream.read_line(&mut line).await?;
            let size = usize::from_str_radix(line.trim().split(';').next().unwrap_or(""), 16)
                .with_context(|| format!("a chunk size {line:?}"))?;
            let mut chunk = vec![0; size + 2];
            self.stream.read_exact(&mut chunk).await?;
            if size == 0 {
                return Ok(body);
            }
            body.extend_from_slice(&chunk[..size]);
        }
    }
}

//! `kolla logs`: a service's or a container's log across every host that
//! runs it, each line tagged with its host.

use std::sync::Arc;

use futures_util::future::join_all;
use serde::Serialize;

use super::time::{now, parse_rfc3339};
use super::{find, Selector};
use crate::engine::{ContainerEngine, Error, LogOptions};

/// What to read.
#[derive(Debug, Clone, Default)]
pub struct LogsRequest {
    /// Which containers.
    pub selector: Selector,
    /// Only this inventory host.
    pub host: Option<String>,
    /// Only the last N lines of each container.
    pub tail: Option<usize>,
    /// Only lines logged at or after this Unix time.
    pub since: Option<i64>,
    /// Keep streaming until every container stops (or the caller drops the
    /// future).
    pub follow: bool,
}

/// One log line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LogLine {
    /// The inventory host.
    pub host: String,
    /// The engine's container name.
    pub container: String,
    /// The line, without its line break.
    pub line: String,
}

/// Splits a container's byte stream into lines.
struct Lines {
    host: String,
    container: String,
    partial: Vec<u8>,
}

impl Lines {
    fn push(&mut self, bytes: &[u8], out: &mut dyn FnMut(LogLine)) {
        self.partial.extend_from_slice(bytes);
        while let Some(i) = self.partial.iter().position(|&b| b == b'\n') {
            let line: Vec<u8> = self.partial.drain(..=i).collect();
            out(self.line(&line[..i]));
        }
    }

    fn finish(&mut self, out: &mut dyn FnMut(LogLine)) {
        if !self.partial.is_empty() {
            let rest = std::mem::take(&mut self.partial);
            out(self.line(&rest));
        }
    }

    fn line(&self, bytes: &[u8]) -> LogLine {
        let text = String::from_utf8_lossy(bytes);
        LogLine {
            host: self.host.clone(),
            container: self.container.clone(),
            line: text.strip_suffix('\r').unwrap_or(&text).to_string(),
        }
    }
}

/// Reads the logs `request` names and hands every line to `sink`: container
/// by container in host order, or, when following, as they arrive from all
/// of them at once. Returns how many containers were read; zero means none
/// matched.
///
/// # Errors
/// The engine error, naming its endpoint, when an engine cannot be read.
pub async fn logs(
    engines: &[Arc<dyn ContainerEngine>],
    request: &LogsRequest,
    sink: &(dyn Fn(LogLine) + Send + Sync),
) -> Result<usize, Error> {
    let found = find(engines, &request.selector, request.host.as_deref()).await?;
    let options = LogOptions {
        tail: request.tail,
        since: request.since,
        follow: request.follow,
        ..Default::default()
    };
    let one = |f: &super::Found| {
        let engine = engines[f.engine].clone();
        let options = options.clone();
        let mut lines = Lines {
            host: f.host.clone(),
            container: f.name.clone(),
            partial: Vec::new(),
        };
        let name = f.name.clone();
        async move {
            // The sink is shared by every stream: it gets whole lines only.
            let mut out = |l: LogLine| sink(l);
            let result = engine
                .stream_logs(&name, &options, &mut |bytes| lines.push(bytes, &mut out))
                .await;
            lines.finish(&mut out);
            result
        }
    };
    if request.follow {
        for r in join_all(found.iter().map(one)).await {
            r?;
        }
    } else {
        for f in &found {
            one(f).await?;
        }
    }
    Ok(found.len())
}

/// Parses `--since`: a Unix time in seconds, an RFC 3339 UTC time
/// (`2026-12-08T04:00:00Z`), or a duration before now (`90s`, `10m`,
/// `1h30m`, `2d`).
///
/// # Errors
/// A message naming `--since` and the forms it takes.
pub fn parse_since(text: &str) -> Result<i64, String> {
    let t = text.trim();
    if let Ok(n) = t.parse::<i64>() {
        return Ok(n);
    }
    if let Some(n) = parse_rfc3339(t) {
        return Ok(n);
    }
    let mut total = 0i64;
    let mut digits = String::new();
    for ch in t.chars() {
        if ch.is_ascii_digit() {
            digits.push(ch);
            continue;
        }
        let unit = match ch {
            's' => 1,
            'm' => 60,
            'h' => 3_600,
            'd' => 86_400,
            _ => 0,
        };
        let n: i64 = digits.parse().unwrap_or(-1);
        if unit == 0 || n < 0 {
            return Err(bad_since(text));
        }
        total += n * unit;
        digits.clear();
    }
    if !digits.is_empty() || total == 0 {
        return Err(bad_since(text));
    }
    Ok(now() - total)
}

fn bad_since(text: &str) -> String {
    format!(
        "--since {text:?}: expected Unix seconds, an RFC 3339 UTC time \
         (2026-12-08T04:00:00Z) or a duration such as 90s, 10m, 1h30m, 2d"
    )
}

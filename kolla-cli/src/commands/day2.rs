//! Day-2 commands on a deployed cloud: `kolla status`, `kolla logs`,
//! `kolla shell`. They find kolla-rs's containers by their labels
//! (`kolla_core::day2`), so they need only the engine.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context as _;
use futures_util::StreamExt;
use kolla_core::catalog::Catalog;
use kolla_core::day2::{self, Found, LogsRequest, Selector};
use kolla_core::engine::{ContainerEngine, DockerEngine};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::{runtime, EngineArgs};
use crate::cli::Format;

/// `kolla status`.
#[derive(Debug, clap::Args)]
pub struct StatusArgs {
    /// Inventory files (optional: without them every host the engine
    /// carries containers for is shown).
    #[arg(short = 'i', long = "inventory", value_name = "INV")]
    pub inventory: Vec<PathBuf>,
    /// Only this inventory host.
    #[arg(long)]
    pub host: Option<String>,
    /// Only this service or container.
    pub target: Option<String>,
    #[command(flatten)]
    pub engine: EngineArgs,
}

/// `kolla logs`.
#[derive(Debug, clap::Args)]
pub struct LogsArgs {
    /// A catalog service (`nova`: all its containers) or a container
    /// (`nova_api`, or its engine name).
    pub target: String,
    /// Only this inventory host.
    #[arg(long)]
    pub host: Option<String>,
    /// Keep printing new lines until the containers stop (Ctrl-C ends).
    #[arg(short = 'f', long)]
    pub follow: bool,
    /// Only lines since: Unix seconds, an RFC 3339 UTC time, or a duration
    /// (`10m`, `1h30m`).
    #[arg(long)]
    pub since: Option<String>,
    /// Only the last N lines of each container.
    #[arg(long)]
    pub tail: Option<usize>,
    #[command(flatten)]
    pub engine: EngineArgs,
}

/// `kolla shell`.
#[derive(Debug, clap::Args)]
pub struct ShellArgs {
    /// The container (`nova_api`, or its engine name).
    pub container: String,
    /// The inventory host, when the container runs on several.
    #[arg(long)]
    pub host: Option<String>,
    /// Run as root inside the container (no sudoers file involved, nothing
    /// left behind).
    #[arg(long)]
    pub root: bool,
    /// The command to run instead of a shell (after `--`).
    #[arg(last = true)]
    pub command: Vec<String>,
}

async fn engines(args: &EngineArgs) -> anyhow::Result<Vec<Arc<dyn ContainerEngine>>> {
    Ok(vec![Arc::from(args.connect().await?)])
}

fn inventory_hosts(files: &[PathBuf]) -> anyhow::Result<Option<Vec<String>>> {
    if files.is_empty() {
        return Ok(None);
    }
    let inv = kolla_core::inventory::Inventory::load(files)?;
    Ok(Some(inv.hosts().iter().map(|h| h.to_string()).collect()))
}

/// Runs `kolla status`: exit 0 when every container is running, healthy and
/// in sync, 1 otherwise.
pub fn status(args: StatusArgs, format: Format) -> anyhow::Result<ExitCode> {
    let catalog = Catalog::embedded()?;
    let selector = args
        .target
        .as_deref()
        .map_or(Selector::All, |t| Selector::parse(t, &catalog));
    let hosts = inventory_hosts(&args.inventory)?;
    let rt = runtime()?;
    let mut st = rt.block_on(async {
        let engines = engines(&args.engine).await?;
        anyhow::Ok(day2::status(&engines, &selector, args.host.as_deref()).await?)
    })?;
    if let Some(hosts) = hosts {
        st.containers.retain(|c| hosts.contains(&c.host));
    }
    let mut out = std::io::stdout().lock();
    match format {
        Format::Json => writeln!(out, "{}", serde_json::to_string_pretty(&st.to_json())?)?,
        Format::Text => {
            writeln!(
                out,
                "{:<16} {:<28} {:<34} {:<10} {:<10} {:>9}  DRIFT",
                "HOST", "CONTAINER", "IMAGE", "STATE", "HEALTH", "UPTIME"
            )?;
            for c in &st.containers {
                let image = format!("{}:{}", c.image.rsplit('/').next().unwrap_or(""), c.tag);
                let uptime = c.uptime_seconds.map(human).unwrap_or_else(|| "-".into());
                let state = match c.exit_code {
                    Some(code) => format!("{}({code})", c.state),
                    None => c.state.clone(),
                };
                writeln!(
                    out,
                    "{:<16} {:<28} {:<34} {:<10} {:<10} {:>9}  {}",
                    c.host,
                    c.container,
                    image,
                    state,
                    c.health.as_deref().unwrap_or("-"),
                    uptime,
                    if c.drift.is_empty() {
                        "-".into()
                    } else {
                        c.drift.join("; ")
                    }
                )?;
            }
            let bad = st.containers.iter().filter(|c| !c.is_healthy()).count();
            if st.containers.is_empty() {
                writeln!(out, "no kolla-rs containers found")?;
            } else {
                writeln!(
                    out,
                    "{} containers, {} not running or unhealthy",
                    st.containers.len(),
                    bad
                )?;
            }
        }
    }
    Ok(if st.ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn human(secs: i64) -> String {
    match secs {
        s if s < 120 => format!("{s}s"),
        s if s < 7_200 => format!("{}m", s / 60),
        s if s < 172_800 => format!("{}h", s / 3_600),
        s => format!("{}d", s / 86_400),
    }
}

/// Runs `kolla logs`.
pub fn logs(args: LogsArgs, format: Format) -> anyhow::Result<ExitCode> {
    let catalog = Catalog::embedded()?;
    let since = args
        .since
        .as_deref()
        .map(day2::parse_since)
        .transpose()
        .map_err(anyhow::Error::msg)?;
    let request = LogsRequest {
        selector: Selector::parse(&args.target, &catalog),
        host: args.host.clone(),
        tail: args.tail,
        since,
        follow: args.follow,
    };
    let rt = runtime()?;
    let n = rt.block_on(async {
        let engines = engines(&args.engine).await?;
        let print = |l: day2::LogLine| {
            let mut out = std::io::stdout().lock();
            let _ = match format {
                Format::Json => writeln!(out, "{}", serde_json::to_string(&l).unwrap_or_default()),
                Format::Text => writeln!(out, "{} {} | {}", l.host, l.container, l.line),
            };
        };
        anyhow::Ok(day2::logs(&engines, &request, &print).await?)
    })?;
    if n == 0 {
        anyhow::bail!(
            "no kolla-rs container matches {:?}{}",
            args.target,
            args.host
                .map(|h| format!(" on host {h}"))
                .unwrap_or_default()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Picks the one container `kolla shell` enters.
fn one(found: Vec<Found>, name: &str, host: Option<&str>) -> anyhow::Result<Found> {
    let on = host.map(|h| format!(" on host {h}")).unwrap_or_default();
    match found.len() {
        0 => anyhow::bail!("no kolla-rs container {name:?}{on}"),
        1 => Ok(found.into_iter().next().expect("one")),
        _ => anyhow::bail!(
            "{name:?} runs on several hosts ({}); choose one with --host",
            found
                .iter()
                .map(|f| f.host.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// Puts the terminal in raw mode and restores it when dropped.
struct RawMode(Option<rustix::termios::Termios>);

impl RawMode {
    fn enter(tty: bool) -> anyhow::Result<RawMode> {
        if !tty {
            return Ok(RawMode(None));
        }
        let stdin = std::io::stdin();
        let saved = rustix::termios::tcgetattr(&stdin).context("read the terminal settings")?;
        let mut raw = saved.clone();
        raw.make_raw();
        rustix::termios::tcsetattr(&stdin, rustix::termios::OptionalActions::Now, &raw)
            .context("set the terminal to raw mode")?;
        Ok(RawMode(Some(saved)))
    }
}

impl Drop for RawMode {
    fn drop(&mut self) {
        if let Some(saved) = &self.0 {
            let _ = rustix::termios::tcsetattr(
                std::io::stdin(),
                rustix::termios::OptionalActions::Now,
                saved,
            );
        }
    }
}

fn terminal_size() -> Option<(u16, u16)> {
    let ws = rustix::termios::tcgetwinsize(std::io::stdout()).ok()?;
    (ws.ws_row > 0 && ws.ws_col > 0).then_some((ws.ws_row, ws.ws_col))
}

/// Runs `kolla shell`: an interactive exec, a real terminal when stdin and
/// stdout are one, resized with it. Exits with the command's exit code.
pub fn shell(args: ShellArgs) -> anyhow::Result<ExitCode> {
    let catalog = Catalog::embedded()?;
    let rt = runtime()?;
    let code = rt.block_on(async {
        let docker = DockerEngine::connect()
            .await
            .map_err(kolla_core::Error::from)?;
        let engines: Vec<Arc<dyn ContainerEngine>> = vec![Arc::new(docker.clone())];
        let selector = match Selector::parse(&args.container, &catalog) {
            // A service name names no single container: look for a container
            // of that name too (`memcached` is both).
            Selector::Service(s) => Selector::Container(s),
            other => other,
        };
        let found = day2::find(&engines, &selector, args.host.as_deref()).await?;
        let target = one(found, &args.container, args.host.as_deref())?;
        let tty =
            rustix::termios::isatty(std::io::stdin()) && rustix::termios::isatty(std::io::stdout());
        let command = if args.command.is_empty() {
            vec![
                "sh".to_string(),
                "-c".to_string(),
                "if command -v bash >/dev/null 2>&1; then exec bash; else exec sh; fi".to_string(),
            ]
        } else {
            args.command.clone()
        };
        // uid 0 rather than the name: an image without a passwd entry for root still works.
        let user = args.root.then_some("0");
        let mut session = docker
            .exec_interactive(&target.name, &command, user, tty, terminal_size())
            .await?;
        let raw = RawMode::enter(tty)?;
        let mut input = std::mem::replace(&mut session.input, Box::pin(tokio::io::sink()));
        let pump_in = tokio::spawn(async move {
            let mut stdin = tokio::io::stdin();
            let mut buf = [0u8; 4096];
            loop {
                match stdin.read(&mut buf).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        if input.write_all(&buf[..n]).await.is_err() {
                            break;
                        }
                        let _ = input.flush().await;
                    }
                }
            }
            let _ = input.shutdown().await;
        });
        let mut winch =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::window_change())
                .context("watch the terminal size")?;
        let mut stdout = tokio::io::stdout();
        loop {
            tokio::select! {
                chunk = session.output.next() => match chunk {
                    Some(Ok(bytes)) => {
                        stdout.write_all(&bytes).await?;
                        stdout.flush().await?;
                    }
                    Some(Err(e)) => return Err(kolla_core::Error::from(e).into()),
                    None => break,
                },
                _ = winch.recv(), if tty => {
                    if let Some((rows, cols)) = terminal_size() {
                        let _ = session.resize(rows, cols).await;
                    }
                }
            }
        }
        drop(raw);
        pump_in.abort();
        let mut code = None;
        for _ in 0..50 {
            code = session.exit_code().await?;
            if code.is_some() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        anyhow::Ok(code.unwrap_or(1))
    })?;
    rt.shutdown_background();
    Ok(ExitCode::from(code.clamp(0, 255) as u8))
}

//! Which engine each inventory host is reached at: the host variable
//! `kolla_engine_url`.
//!
//! - `unix:///path/to/docker.sock` or a bare `/path`: a local socket (the
//!   default, `unix:///var/run/docker.sock`);
//! - `tcp://host:port`: the engine's TCP API; with TLS when
//!   `kolla_engine_tls` is true or any of `kolla_engine_tls_ca`,
//!   `kolla_engine_tls_cert`, `kolla_engine_tls_key` is set (missing paths
//!   default to `~/.docker/{ca,cert,key}.pem`, as the docker CLI's);
//! - `ssh://[user@]host[:port]`: the remote host's engine socket
//!   (`kolla_engine_ssh_socket`, default `/var/run/docker.sock`) forwarded
//!   to a private local socket by the system `ssh` client
//!   (`ssh -N -L LOCAL:REMOTE`, OpenSSH's stream-local forwarding), which
//!   then is a local socket to the API client. The key comes from
//!   `kolla_engine_ssh_key`, extra `-o` options from
//!   `kolla_engine_ssh_options` (a list, e.g.
//!   `["UserKnownHostsFile=/etc/kolla/known_hosts"]`); otherwise the user's
//!   ssh configuration applies, as for `DOCKER_HOST=ssh://` with the
//!   docker CLI. Unlike bollard's own ssh transport this needs no docker
//!   CLI on the remote host (`docker system dial-stdio`) and honours ports,
//!   keys and known-hosts options; see docs/deviations.md.
//!
//! ```
//! use kolla_core::engine::endpoint::Endpoint;
//! let e = Endpoint::parse("ssh://kolla@ctl1:2222", &Default::default()).unwrap();
//! assert_eq!(e.url(), "ssh://kolla@ctl1:2222");
//! assert_eq!(Endpoint::parse("/run/docker.sock", &Default::default()).unwrap().url(),
//!            "unix:///run/docker.sock");
//! ```

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::Value;

use super::Error;
use crate::vars::Context;

/// The default local socket.
pub const DEFAULT_URL: &str = "unix:///var/run/docker.sock";

/// The host variables that shape an endpoint besides `kolla_engine_url`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EndpointVars {
    /// `kolla_engine_tls`: use TLS on `tcp://`.
    pub tls: bool,
    /// `kolla_engine_tls_ca`.
    pub tls_ca: Option<PathBuf>,
    /// `kolla_engine_tls_cert`.
    pub tls_cert: Option<PathBuf>,
    /// `kolla_engine_tls_key`.
    pub tls_key: Option<PathBuf>,
    /// `kolla_engine_ssh_key`: the identity file.
    pub ssh_key: Option<PathBuf>,
    /// `kolla_engine_ssh_options`: extra `-o` options.
    pub ssh_options: Vec<String>,
    /// `kolla_engine_ssh_socket`: the engine socket on the remote host.
    pub ssh_socket: Option<String>,
}

/// The paths of a TLS client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsFiles {
    /// The CA certificate.
    pub ca: PathBuf,
    /// The client certificate.
    pub cert: PathBuf,
    /// The client key.
    pub key: PathBuf,
}

/// One engine endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Endpoint {
    /// A local socket (`unix://...`).
    Local {
        /// The socket path.
        socket: PathBuf,
    },
    /// The TCP API, with or without TLS.
    Tcp {
        /// `tcp://host:port`.
        url: String,
        /// The TLS client files, when TLS is on.
        tls: Option<TlsFiles>,
    },
    /// A remote engine socket forwarded over ssh.
    Ssh {
        /// The login user (ssh's own default when absent).
        user: Option<String>,
        /// The host name or address.
        host: String,
        /// The port (ssh's own default when absent).
        port: Option<u16>,
        /// The identity file.
        key: Option<PathBuf>,
        /// Extra `-o` options.
        options: Vec<String>,
        /// The engine socket on the remote host.
        socket: String,
    },
}

impl Endpoint {
    /// Reads an endpoint URL with its companion variables.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming `kolla_engine_url` for a scheme or
    /// form it does not know.
    pub fn parse(url: &str, vars: &EndpointVars) -> Result<Endpoint, Error> {
        let bad = |message: String| Error::InvalidParameter {
            parameter: "kolla_engine_url".into(),
            message,
        };
        let url = url.trim();
        if let Some(path) = url.strip_prefix("unix://") {
            if path.is_empty() {
                return Err(bad(format!("{url:?} names no socket path")));
            }
            return Ok(Endpoint::Local {
                socket: PathBuf::from(path),
            });
        }
        if url.starts_with('/') {
            return Ok(Endpoint::Local {
                socket: PathBuf::from(url),
            });
        }
        if let Some(rest) = url.strip_prefix("tcp://") {
            if rest.trim_end_matches('/').is_empty() {
                return Err(bad(format!("{url:?} names no host")));
            }
            let tls = vars.tls
                || vars.tls_ca.is_some()
                || vars.tls_cert.is_some()
                || vars.tls_key.is_some();
            let tls = tls.then(|| {
                let dir = docker_cert_dir();
                TlsFiles {
                    ca: vars.tls_ca.clone().unwrap_or_else(|| dir.join("ca.pem")),
                    cert: vars
                        .tls_cert
                        .clone()
                        .unwrap_or_else(|| dir.join("cert.pem")),
                    key: vars.tls_key.clone().unwrap_or_else(|| dir.join("key.pem")),
                }
            });
            return Ok(Endpoint::Tcp {
                url: url.to_string(),
                tls,
            });
        }
        if let Some(rest) = url.strip_prefix("ssh://") {
            let rest = rest.trim_end_matches('/');
            if rest.contains('/') {
                return Err(bad(format!(
                    "{url:?}: an ssh URL has no path; give the remote socket as kolla_engine_ssh_socket"
                )));
            }
            let (user, hostport) = match rest.rsplit_once('@') {
                Some((u, h)) => (Some(u.to_string()), h),
                None => (None, rest),
            };
            let (host, port) = split_port(hostport).map_err(|m| bad(format!("{url:?}: {m}")))?;
            if host.is_empty() {
                return Err(bad(format!("{url:?} names no host")));
            }
            return Ok(Endpoint::Ssh {
                user: user.filter(|u| !u.is_empty()),
                host,
                port,
                key: vars.ssh_key.clone(),
                options: vars.ssh_options.clone(),
                socket: vars
                    .ssh_socket
                    .clone()
                    .unwrap_or_else(|| "/var/run/docker.sock".into()),
            });
        }
        Err(bad(format!(
            "{url:?}: expected unix:///path, tcp://host:port or ssh://[user@]host[:port]"
        )))
    }

    /// The endpoint of an inventory host, from its variables
    /// (`kolla_engine_url`, default the local socket).
    ///
    /// # Errors
    /// A variable that fails to render, or a malformed URL (the error names
    /// the host).
    pub fn for_host(ctx: &Context<'_>) -> crate::Result<Endpoint> {
        let get = |name: &str| -> crate::Result<Option<Value>> {
            match ctx.raw(name) {
                Some(_) => ctx.get(name).map(Some),
                None => Ok(None),
            }
        };
        let text = |name: &str| -> crate::Result<Option<String>> {
            Ok(get(name)?.and_then(|v| match v {
                Value::String(s) if s.is_empty() => None,
                Value::String(s) => Some(s),
                Value::Null => None,
                other => Some(other.to_string()),
            }))
        };
        let url = text("kolla_engine_url")?.unwrap_or_else(|| DEFAULT_URL.to_string());
        let vars = EndpointVars {
            tls: get("kolla_engine_tls")?.is_some_and(|v| crate::vars::truthy(&v)),
            tls_ca: text("kolla_engine_tls_ca")?.map(PathBuf::from),
            tls_cert: text("kolla_engine_tls_cert")?.map(PathBuf::from),
            tls_key: text("kolla_engine_tls_key")?.map(PathBuf::from),
            ssh_key: text("kolla_engine_ssh_key")?.map(PathBuf::from),
            ssh_options: match get("kolla_engine_ssh_options")? {
                Some(Value::Array(a)) => a
                    .iter()
                    .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
                    .collect(),
                Some(Value::String(s)) if !s.is_empty() => vec![s],
                _ => Vec::new(),
            },
            ssh_socket: text("kolla_engine_ssh_socket")?,
        };
        Endpoint::parse(&url, &vars).map_err(|e| {
            crate::Error::from(Error::InvalidParameter {
                parameter: format!("kolla_engine_url of host {}", ctx.host()),
                message: e.to_string(),
            })
        })
    }

    /// The URL, as an operator writes it.
    pub fn url(&self) -> String {
        match self {
            Endpoint::Local { socket } => format!("unix://{}", socket.display()),
            Endpoint::Tcp { url, .. } => url.clone(),
            Endpoint::Ssh {
                user, host, port, ..
            } => {
                let mut s = "ssh://".to_string();
                if let Some(u) = user {
                    s.push_str(u);
                    s.push('@');
                }
                if host.contains(':') {
                    s.push_str(&format!("[{host}]"));
                } else {
                    s.push_str(host);
                }
                if let Some(p) = port {
                    s.push_str(&format!(":{p}"));
                }
                s
            }
        }
    }

    /// The `ssh` arguments that forward the remote socket to `local`.
    pub fn ssh_args(&self, local: &Path) -> Option<Vec<String>> {
        let Endpoint::Ssh {
            user,
            host,
            port,
            key,
            options,
            socket,
        } = self
        else {
            return None;
        };
        let mut args: Vec<String> = [
            "-N",
            "-T",
            "-o",
            "BatchMode=yes",
            "-o",
            "ExitOnForwardFailure=yes",
            "-o",
            "StreamLocalBindUnlink=yes",
            "-o",
            "ServerAliveInterval=15",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        if let Some(p) = port {
            args.extend(["-p".into(), p.to_string()]);
        }
        if let Some(k) = key {
            args.extend([
                "-i".into(),
                k.display().to_string(),
                "-o".into(),
                "IdentitiesOnly=yes".into(),
            ]);
        }
        for o in options {
            args.extend(["-o".into(), o.clone()]);
        }
        args.extend(["-L".into(), format!("{}:{socket}", local.display())]);
        if let Some(u) = user {
            args.extend(["-l".into(), u.clone()]);
        }
        args.extend(["--".into(), host.clone()]);
        Some(args)
    }
}

/// `host[:port]`, with `[v6]:port`.
fn split_port(s: &str) -> Result<(String, Option<u16>), String> {
    let port = |p: &str| {
        p.parse::<u16>()
            .map_err(|_| format!("{p:?} is not a port number"))
    };
    if let Some(rest) = s.strip_prefix('[') {
        let (h, tail) = rest
            .split_once(']')
            .ok_or_else(|| "unclosed [ in the host".to_string())?;
        return match tail.strip_prefix(':') {
            Some(p) => Ok((h.to_string(), Some(port(p)?))),
            None if tail.is_empty() => Ok((h.to_string(), None)),
            None => Err(format!("unexpected {tail:?} after the host")),
        };
    }
    match s.split_once(':') {
        Some((h, p)) => Ok((h.to_string(), Some(port(p)?))),
        None => Ok((s.to_string(), None)),
    }
}

/// The docker CLI's certificate directory: `$DOCKER_CERT_PATH`, else
/// `~/.docker`.
fn docker_cert_dir() -> PathBuf {
    if let Some(p) = std::env::var_os("DOCKER_CERT_PATH").filter(|p| !p.is_empty()) {
        return PathBuf::from(p);
    }
    std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_default()
        .join(".docker")
}

/// How long an ssh tunnel may take to come up.
pub const SSH_CONNECT_TIMEOUT: Duration = Duration::from_secs(20);

/// A running `ssh -L` forward; the process ends when this is dropped.
#[derive(Debug)]
pub struct SshTunnel {
    child: std::process::Child,
    socket: PathBuf,
    _dir: tempfile::TempDir,
}

impl SshTunnel {
    /// Starts `ssh` forwarding the endpoint's remote socket and waits until
    /// the local socket accepts connections.
    ///
    /// # Errors
    /// [`Error::Unreachable`] with ssh's own message (or a timeout) when the
    /// forward does not come up; `for_host` names the inventory host.
    pub fn open(endpoint: &Endpoint, for_host: &str) -> Result<SshTunnel, Error> {
        let unreachable = |message: String| Error::Unreachable {
            endpoint: format!("{} (inventory host {for_host})", endpoint.url()),
            message,
        };
        let dir = tempfile::Builder::new()
            .prefix("kolla-ssh-")
            .tempdir()
            .map_err(|e| {
                unreachable(format!(
                    "cannot make a directory for the forwarded socket: {e}"
                ))
            })?;
        let socket = dir.path().join("engine.sock");
        let args = endpoint
            .ssh_args(&socket)
            .ok_or_else(|| unreachable("not an ssh endpoint".into()))?;
        // ssh's messages go to a file: a pipe nobody drains could fill up
        // and stall the forward.
        let log_path = dir.path().join("ssh.log");
        let log = std::fs::File::create(&log_path)
            .map_err(|e| unreachable(format!("cannot make the ssh log file: {e}")))?;
        let mut child = std::process::Command::new("ssh")
            .args(&args)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(log)
            .spawn()
            .map_err(|e| unreachable(format!("cannot run the ssh client: {e}")))?;
        let deadline = std::time::Instant::now() + SSH_CONNECT_TIMEOUT;
        loop {
            if let Some(status) = child.try_wait().ok().flatten() {
                let err = std::fs::read_to_string(&log_path).unwrap_or_default();
                return Err(unreachable(format!(
                    "ssh exited ({status}): {}",
                    err.trim()
                )));
            }
            if std::os::unix::net::UnixStream::connect(&socket).is_ok() {
                return Ok(SshTunnel {
                    child,
                    socket,
                    _dir: dir,
                });
            }
            if std::time::Instant::now() >= deadline {
                let _ = child.kill();
                let _ = child.wait();
                return Err(unreachable(format!(
                    "the ssh forward did not come up within {}s",
                    SSH_CONNECT_TIMEOUT.as_secs()
                )));
            }
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    /// The local socket, `unix://...`.
    pub fn local_url(&self) -> String {
        format!("unix://{}", self.socket.display())
    }
}

impl Drop for SshTunnel {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Connects to an endpoint; errors name the inventory host and the URL.
///
/// # Errors
/// [`Error::Unreachable`] naming `host` and the URL when the engine does
/// not answer (or TLS is asked of a build without the `tls` feature).
#[cfg(feature = "docker")]
pub async fn connect(endpoint: &Endpoint, host: &str) -> Result<super::DockerEngine, Error> {
    let name = |e: Error| match e {
        Error::Unreachable { message, .. } => Error::Unreachable {
            endpoint: format!("{} (inventory host {host})", endpoint.url()),
            message,
        },
        other => other,
    };
    match endpoint {
        Endpoint::Local { .. } | Endpoint::Tcp { tls: None, .. } => {
            super::DockerEngine::connect_to(&endpoint.url())
                .await
                .map_err(name)
        }
        Endpoint::Tcp {
            url,
            tls: Some(files),
        } => super::DockerEngine::connect_tls(url, &files.ca, &files.cert, &files.key)
            .await
            .map_err(name),
        Endpoint::Ssh { .. } => {
            let tunnel = {
                let ep = endpoint.clone();
                let host = host.to_string();
                tokio::task::spawn_blocking(move || SshTunnel::open(&ep, &host))
                    .await
                    .map_err(|e| Error::Unreachable {
                        endpoint: endpoint.url(),
                        message: e.to_string(),
                    })??
            };
            let engine = super::DockerEngine::connect_to(&tunnel.local_url())
                .await
                .map_err(name)?;
            Ok(engine.through(endpoint.url(), std::sync::Arc::new(tunnel)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_three_kinds() {
        let v = EndpointVars::default();
        assert_eq!(
            Endpoint::parse("unix:///var/run/docker.sock", &v).unwrap(),
            Endpoint::Local {
                socket: "/var/run/docker.sock".into()
            }
        );
        assert_eq!(
            Endpoint::parse("tcp://10.0.0.5:2376", &v).unwrap(),
            Endpoint::Tcp {
                url: "tcp://10.0.0.5:2376".into(),
                tls: None
            }
        );
        let tls = EndpointVars {
            tls_ca: Some("/etc/kolla/ca.pem".into()),
            ..Default::default()
        };
        match Endpoint::parse("tcp://10.0.0.5:2376", &tls).unwrap() {
            Endpoint::Tcp { tls: Some(f), .. } => {
                assert_eq!(f.ca, PathBuf::from("/etc/kolla/ca.pem"));
                assert!(f.cert.ends_with("cert.pem"));
            }
            other => panic!("{other:?}"),
        }
        let e = Endpoint::parse("ssh://[::1]:2200", &v).unwrap();
        assert_eq!(e.url(), "ssh://[::1]:2200");
        let args = e.ssh_args(Path::new("/tmp/x.sock")).unwrap();
        assert!(args.windows(2).any(|w| w == ["-p", "2200"]));
        assert!(args
            .windows(2)
            .any(|w| w == ["-L", "/tmp/x.sock:/var/run/docker.sock"]));
        assert_eq!(args.last().unwrap(), "::1");
    }

    #[test]
    fn bad_urls_are_named() {
        let v = EndpointVars::default();
        for bad in [
            "http://x",
            "ssh://h:notaport",
            "ssh://h/path",
            "tcp://",
            "unix://",
        ] {
            let e = Endpoint::parse(bad, &v).unwrap_err().to_string();
            assert!(e.contains("kolla_engine_url"), "{bad}: {e}");
        }
    }

    #[test]
    fn host_vars_choose_the_endpoint() {
        let inv = crate::inventory::Inventory::from_ini(
            "inv",
            "[control]\nctl1 kolla_engine_url=ssh://kolla@ctl1:2222 kolla_engine_ssh_key=/k\nctl2\nctl3 kolla_engine_url=ftp://x\n",
        )
        .unwrap();
        let inputs = crate::vars::Inputs::new().unwrap();
        let hosts = inv.resolve_all();
        let e = Endpoint::for_host(&inputs.context(&hosts[0])).unwrap();
        assert_eq!(e.url(), "ssh://kolla@ctl1:2222");
        assert!(matches!(e, Endpoint::Ssh { key: Some(ref k), .. } if k == Path::new("/k")));
        let e = Endpoint::for_host(&inputs.context(&hosts[1])).unwrap();
        assert_eq!(e.url(), DEFAULT_URL);
        let err = Endpoint::for_host(&inputs.context(&hosts[2]))
            .unwrap_err()
            .to_string();
        assert!(err.contains("ctl3") && err.contains("ftp://x"), "{err}");
    }
}

//! `kolla_engine_url: ssh://...` for real: a private sshd on a high port of
//! this machine (temporary host key and authorized_keys), the local Docker
//! socket forwarded through it, and engine calls over the forward.
//!
//! Needs Docker, OpenSSH's `sshd` and `ssh-keygen`; without them the test
//! skips loudly, and under CI (`CI` set) it fails.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use kolla_core::engine::endpoint::{self, Endpoint, EndpointVars};
use kolla_core::engine::ContainerEngine;

const SSHD: &str = "/usr/sbin/sshd";

/// A private sshd, killed on drop.
struct Sshd {
    child: Child,
    port: u16,
    client_key: PathBuf,
    known_hosts: PathBuf,
    _dir: tempfile::TempDir,
}

impl Drop for Sshd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn keygen(path: &Path) {
    let ok = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-f"])
        .arg(path)
        .status()
        .expect("ssh-keygen runs")
        .success();
    assert!(ok, "ssh-keygen -f {}", path.display());
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn whoami() -> String {
    let out = Command::new("id").arg("-un").output().unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// Starts sshd, or returns why it cannot (the caller skips, or fails under CI).
fn start_sshd() -> Result<Sshd, String> {
    if !Path::new(SSHD).exists() {
        return Err(format!(
            "{SSHD} is not installed (apt-get install openssh-server)"
        ));
    }
    for tool in ["ssh", "ssh-keygen"] {
        if Command::new(tool).arg("-V").output().is_err() {
            return Err(format!("{tool} is not installed"));
        }
    }
    let dir = tempfile::Builder::new()
        .prefix("ops-sshd-")
        .tempdir()
        .unwrap();
    let d = dir.path();
    keygen(&d.join("host_key"));
    keygen(&d.join("client_key"));
    std::fs::copy(d.join("client_key.pub"), d.join("authorized_keys")).unwrap();
    // sshd refuses to start without its privilege separation directory.
    let _ = std::fs::create_dir_all("/run/sshd");
    let port = free_port();
    let config = format!(
        "Port {port}\nListenAddress 127.0.0.1\nHostKey {hk}\nAuthorizedKeysFile {ak}\n\
         PasswordAuthentication no\nKbdInteractiveAuthentication no\nUsePAM no\n\
         StrictModes no\nPermitRootLogin prohibit-password\nAllowStreamLocalForwarding yes\n\
         PidFile {pid}\nLogLevel ERROR\n",
        hk = d.join("host_key").display(),
        ak = d.join("authorized_keys").display(),
        pid = d.join("sshd.pid").display(),
    );
    std::fs::write(d.join("sshd_config"), config).unwrap();
    let pubkey = std::fs::read_to_string(d.join("host_key.pub")).unwrap();
    let known_hosts = d.join("known_hosts");
    std::fs::write(&known_hosts, format!("[127.0.0.1]:{port} {pubkey}")).unwrap();
    let child = Command::new(SSHD)
        .args(["-D", "-e", "-f"])
        .arg(d.join("sshd_config"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("cannot start sshd: {e}"))?;
    let mut sshd = Sshd {
        child,
        port,
        client_key: d.join("client_key"),
        known_hosts,
        _dir: dir,
    };
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        if let Some(status) = sshd.child.try_wait().unwrap() {
            return Err(format!("sshd exited at once ({status})"));
        }
        assert!(Instant::now() < deadline, "sshd did not listen on {port}");
        std::thread::sleep(Duration::from_millis(20));
    }
    Ok(sshd)
}

fn ssh_endpoint(sshd: &Sshd, port: u16) -> Endpoint {
    let vars = EndpointVars {
        ssh_key: Some(sshd.client_key.clone()),
        ssh_options: vec![
            format!("UserKnownHostsFile={}", sshd.known_hosts.display()),
            "StrictHostKeyChecking=yes".into(),
            "ConnectTimeout=5".into(),
        ],
        ..Default::default()
    };
    Endpoint::parse(&format!("ssh://{}@127.0.0.1:{port}", whoami()), &vars).unwrap()
}

#[tokio::test]
async fn engine_over_ssh_forward() {
    // Docker first: the forward leads to the local engine.
    let Some(local) = common::docker().await else {
        return;
    };
    let sshd = match start_sshd() {
        Ok(s) => s,
        Err(why) => {
            common::ci::skip(&why);
            return;
        }
    };
    let ep = ssh_endpoint(&sshd, sshd.port);
    let engine = endpoint::connect(&ep, "ctl1")
        .await
        .expect("engine over ssh");
    assert_eq!(engine.endpoint(), ep.url());
    // Same daemon on both paths.
    let (a, b) = (
        engine.version().await.unwrap(),
        local.version().await.unwrap(),
    );
    assert_eq!(a.version, b.version);
    // A write and a read through the forward.
    let volume = format!("ops-ssh-test-{}", std::process::id());
    engine
        .create_volume(&volume, &Default::default())
        .await
        .unwrap();
    let seen = local.inspect_volume(&volume).await.unwrap();
    let _ = engine.remove_volume(&volume).await;
    assert!(seen.is_some(), "the volume made over ssh is on the engine");
    // The remote engine's host is not this one as far as kolla-rs knows.
    assert!(engine.host_timezone().is_err());
    // Clones share the forward; dropping the last one ends it.
    let clone = engine.clone();
    drop(engine);
    assert!(clone.version().await.is_ok());
}

#[tokio::test]
async fn unreachable_ssh_endpoint_names_host_and_url() {
    let sshd = match start_sshd() {
        Ok(s) => s,
        Err(why) => {
            common::ci::skip(&why);
            return;
        }
    };
    // Nobody listens on this port.
    let closed = free_port();
    let ep = ssh_endpoint(&sshd, closed);
    let err = endpoint::connect(&ep, "compute7")
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("compute7"), "{err}");
    assert!(
        err.contains(&format!("ssh://{}@127.0.0.1:{closed}", whoami())),
        "{err}"
    );
    assert!(err.to_lowercase().contains("connect"), "{err}");
    // A wrong remote socket: ssh connects but the forward fails on first use.
    let mut ep = ssh_endpoint(&sshd, sshd.port);
    if let Endpoint::Ssh { socket, .. } = &mut ep {
        *socket = "/nonexistent/docker.sock".into();
    }
    let err = endpoint::connect(&ep, "ctl2")
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("ctl2") && err.contains("127.0.0.1"), "{err}");
}

#[tokio::test]
async fn unreachable_local_and_tcp_endpoints_name_the_host() {
    let ep = Endpoint::parse("unix:///nonexistent/ops.sock", &Default::default()).unwrap();
    let err = endpoint::connect(&ep, "ctl9")
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("ctl9") && err.contains("unix:///nonexistent/ops.sock"),
        "{err}"
    );
    let ep = Endpoint::parse(
        &format!("tcp://127.0.0.1:{}", free_port()),
        &Default::default(),
    )
    .unwrap();
    let err = endpoint::connect(&ep, "ctl8")
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("ctl8") && err.contains("tcp://127.0.0.1:"),
        "{err}"
    );
}

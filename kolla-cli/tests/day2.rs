//! `kolla status`, `kolla logs` and `kolla shell` through the built binary
//! against the real engine, on containers labelled the way the deployer
//! labels them (a unique host name per run keeps other tests' containers
//! out of the picture).

use std::process::{Command, Output};

use kolla_core::engine::{image, ContainerEngine, DockerEngine};
use serde_json::Value;

#[path = "../../kolla-core/tests/common/ci.rs"]
mod ci;

const IMAGE: &str = "kolla-rs-test/day2-busybox:latest";

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn engine() -> Option<DockerEngine> {
    rt().block_on(async {
        match DockerEngine::connect().await {
            Ok(e) => {
                let bb = image::find_static_busybox().expect("static busybox");
                let ctx = image::busybox_context(&bb, &[]).unwrap();
                e.build_image(IMAGE, ctx).await.unwrap();
                Some(e)
            }
            Err(err) => {
                assert!(
                    !ci::docker_required(),
                    "the Docker engine is required (CI): {err}"
                );
                eprintln!("SKIPPED: no Docker engine ({err})");
                None
            }
        }
    })
}

/// Labelled containers of one fake host, removed on drop.
struct Host {
    engine: DockerEngine,
    name: String,
    containers: Vec<String>,
}

impl Host {
    /// Runs a labelled container as `uid` (through the docker CLI, which
    /// takes a numeric user without a passwd entry).
    fn container(&mut self, service: &str, container: &str, command: &str, uid: &str) {
        let name = format!("{}-{container}", self.name);
        let label = |k: &str, v: &str| format!("--label={k}={v}");
        let out = Command::new("docker")
            .args([
                "run",
                "-d",
                "--name",
                &name,
                "--network",
                "none",
                "--user",
                uid,
            ])
            .arg(label("kolla-rs.managed", "true"))
            .arg(label("kolla-rs.host", &self.name))
            .arg(label("kolla-rs.service", service))
            .arg(label("kolla-rs.container", container))
            .args([IMAGE, "sh", "-c", command])
            .output()
            .expect("docker run");
        assert!(out.status.success(), "{}", text(&out.stderr));
        self.containers.push(name);
    }
}

impl Drop for Host {
    fn drop(&mut self) {
        let engine = self.engine.clone();
        let names = std::mem::take(&mut self.containers);
        std::thread::spawn(move || {
            rt().block_on(async {
                for n in names {
                    engine.remove_container(&n, true).await.ok();
                }
            })
        })
        .join()
        .ok();
    }
}

fn kolla(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kolla"))
        .args(args)
        .output()
        .expect("run kolla")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn status_logs_and_shell_on_a_labelled_host() {
    let Some(engine) = engine() else { return };
    let mut host = Host {
        engine,
        name: format!("day2test{}", std::process::id()),
        containers: Vec::new(),
    };
    let h = host.name.clone();
    let sleeper = "echo started; echo ready >&2; trap 'exit 0' TERM; sleep 3600 & wait";
    host.container("memcached", "memcached", sleeper, "65534");
    host.container("nova", "nova_api", sleeper, "65534");

    // Everything running: exit 0, JSON grouped by host.
    let out = kolla(&["status", "--host", &h, "--format", "json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["ok"], true, "{json}");
    assert_eq!(json["hosts"][0]["host"], h.as_str());
    let names: Vec<&str> = json["hosts"][0]["containers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["container"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["memcached", "nova_api"]);
    assert_eq!(json["hosts"][0]["containers"][0]["tag"], "latest");
    assert_eq!(json["hosts"][0]["containers"][0]["state"], "running");

    // A container that exits at once makes status fail and name it.
    host.container("nova", "nova_scheduler", "exit 7", "65534");
    std::thread::sleep(std::time::Duration::from_millis(500));
    let out = kolla(&["status", "--host", &h]);
    assert_eq!(out.status.code(), Some(1));
    let table = text(&out.stdout);
    let line = table
        .lines()
        .find(|l| l.contains("nova_scheduler"))
        .unwrap_or_else(|| panic!("{table}"));
    assert!(line.contains("exited(7)"), "{table}");
    assert!(table.contains("1 not running or unhealthy"), "{table}");

    // Logs by service: every container of it, each line tagged with the host.
    let out = kolla(&["logs", "nova", "--host", &h]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let logs = text(&out.stdout);
    assert!(
        logs.contains(&format!("{h} {h}-nova_api | started")),
        "{logs}"
    );
    assert!(
        logs.contains(&format!("{h} {h}-nova_api | ready")),
        "{logs}"
    );
    assert!(!logs.contains("memcached"), "{logs}");
    let out = kolla(&[
        "logs",
        "memcached",
        "--host",
        &h,
        "--tail",
        "1",
        "--format",
        "json",
    ]);
    let lines: Vec<Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 1, "{lines:?}");
    let out = kolla(&["logs", "no_such_container", "--host", &h]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("no kolla-rs container matches"));
    let out = kolla(&["logs", "nova", "--since", "yesterday"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("--since \"yesterday\""));

    // Shell: the container's own user, or root with --root; the command's
    // exit code comes back.
    let out = kolla(&["shell", "memcached", "--host", &h, "--", "id", "-u"]);
    assert_eq!(text(&out.stdout).trim(), "65534", "{}", text(&out.stderr));
    let out = kolla(&[
        "shell",
        "memcached",
        "--host",
        &h,
        "--root",
        "--",
        "id",
        "-u",
    ]);
    assert_eq!(text(&out.stdout).trim(), "0", "{}", text(&out.stderr));
    let out = kolla(&[
        "shell", "nova_api", "--host", &h, "--", "sh", "-c", "exit 3",
    ]);
    assert_eq!(out.status.code(), Some(3));

    // Under a pseudo-terminal (`script` allocates one) the exec gets a TTY
    // of the terminal's size, and stdin reaches the shell.
    let cmd = format!(
        "stty rows 33 cols 101; {} shell memcached --host {h} --root",
        env!("CARGO_BIN_EXE_kolla")
    );
    let mut child = Command::new("script")
        .args(["-qec", &cmd, "/dev/null"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("script (util-linux)");
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(1500));
        stdin
            .write_all(b"tty; echo size=$(stty size); echo uid=$(id -u); exit 5\n")
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(1500));
    }
    let out = child.wait_with_output().unwrap();
    let session = text(&out.stdout);
    assert!(session.contains("/dev/pts/"), "{session}");
    assert!(session.contains("size=33 101"), "{session}");
    assert!(session.contains("uid=0"), "{session}");
    assert_eq!(out.status.code(), Some(5), "{session}");

    // A name on several hosts needs --host.
    let mut other = Host {
        engine: host.engine.clone(),
        name: format!("{h}b"),
        containers: Vec::new(),
    };
    other.container("memcached", "memcached", sleeper, "65534");
    let out = kolla(&["shell", "memcached", "--", "true"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("runs on several hosts"),
        "{}",
        text(&out.stderr)
    );
}

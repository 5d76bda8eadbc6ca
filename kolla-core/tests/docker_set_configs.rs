//! `kolla_set_configs`, `kolla_start` and the stand-in images inside real
//! containers: the static binary in a busybox-only image, files landing with
//! exact owner and mode, recursive permissions with exclude, COPY_ONCE
//! across restarts, `--check` exit codes, upstream's failure for a missing
//! source, stand-in config validation and healthchecks.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use kolla_core::build::builder::{build, BuildOptions};
use kolla_core::build::image;
use kolla_core::build::render::RenderVars;
use kolla_core::build::standin;
use kolla_core::build::tree::Selection;
use kolla_core::engine::{ContainerEngine, ContainerSpec, DockerEngine};

const NS: &str = "kolla-rs-test";
const TAG: &str = "standin";

/// Builds the stand-ins the tests use (once per process; cheap when cached).
async fn standins(engine: &DockerEngine) {
    static BUILT: tokio::sync::OnceCell<()> = tokio::sync::OnceCell::const_new();
    BUILT
        .get_or_init(|| async {
            let busybox = image::find_static_busybox().expect("static busybox");
            let tree = standin::tree(&busybox, &set_configs_bin()).expect("stand-in tree");
            let opts = BuildOptions {
                selection: Selection {
                    regexes: vec!["^nova-api$".into(), "^nova-compute$".into()],
                    ..Default::default()
                },
                vars: RenderVars {
                    namespace: NS.into(),
                    tag: TAG.into(),
                    ..Default::default()
                },
                ..Default::default()
            };
            let report = build(engine, &tree, &opts, &|_| {})
                .await
                .expect("build stand-ins");
            assert!(!report.failed(), "{}", report.summary());
        })
        .await;
}

fn set_configs_bin() -> std::path::PathBuf {
    standin::find_static_set_configs()
        .unwrap_or_else(|e| panic!("{e} (scripts/test builds it before the tests)"))
}

fn image(name: &str) -> String {
    format!("{NS}/{name}:{TAG}")
}

/// A host config dir, mounted read-only at /var/lib/kolla/config_files.
struct ConfigDir(tempfile::TempDir);

impl ConfigDir {
    fn new() -> Self {
        let d = tempfile::tempdir().unwrap();
        std::fs::set_permissions(d.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        ConfigDir(d)
    }
    fn write(&self, name: &str, text: &str) {
        let p = self.0.path().join(name);
        std::fs::write(&p, text).unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    fn volume(&self) -> String {
        format!("{}:/var/lib/kolla/config_files:ro", self.0.path().display())
    }
    fn path(&self) -> &Path {
        self.0.path()
    }
}

/// A created container with a unique name, removed on drop.
struct Run(common::Fixture);

impl Run {
    async fn create(engine: &DockerEngine, prefix: &str, spec: ContainerSpec) -> Run {
        let f = common::Fixture::named(engine, prefix);
        let spec = ContainerSpec {
            name: f.name.clone(),
            network_mode: "none".into(),
            ..spec
        };
        engine.create_container(&spec).await.unwrap();
        Run(f)
    }
    /// Starts the container (again) and waits for it to exit.
    async fn run(&self) -> (i64, String) {
        let Run(f) = self;
        f.engine.start_container(&f.name).await.unwrap();
        let code = f.engine.wait_container(&f.name).await.unwrap();
        (code, f.engine.logs(&f.name).await.unwrap())
    }
}

/// The last `n` lines starting with one of `prefixes` (stdout and stderr
/// arrive interleaved in no fixed order, so the script's own lines are
/// picked out).
fn last(logs: &str, prefixes: &[&str], n: usize) -> String {
    let lines: Vec<&str> = logs
        .lines()
        .filter(|l| prefixes.iter().any(|p| l.starts_with(p)))
        .collect();
    let mut out = lines[lines.len().saturating_sub(n)..].join("\n");
    out.push('\n');
    out
}

fn env(strategy: &str) -> std::collections::BTreeMap<String, String> {
    [("KOLLA_CONFIG_STRATEGY".to_string(), strategy.to_string())].into()
}

#[tokio::test]
async fn binary_runs_in_a_busybox_only_image() {
    let Some(engine) = common::docker().await else {
        return;
    };
    let bin = std::fs::read(set_configs_bin()).unwrap();
    assert!(image::is_static_elf(&bin));
    let busybox = image::find_static_busybox().unwrap();
    let ctx = image::busybox_context(
        &busybox,
        &[image::ContextFile {
            path: "kolla_set_configs".into(),
            data: bin,
            mode: 0o755,
        }],
    )
    .unwrap();
    let img = format!("{NS}/busybox-set-configs:{TAG}");
    engine.build_image(&img, ctx).await.unwrap();

    let cfg = ConfigDir::new();
    cfg.write("a.conf", "a = 1\n");
    cfg.write(
        "config.json",
        r#"{"command": "true", "config_files": [{"source": "/var/lib/kolla/config_files/a.conf", "dest": "/etc/a/a.conf", "owner": "root", "perm": "0640"}]}"#,
    );
    let run = Run::create(
        &engine,
        "bbsc",
        ContainerSpec {
            image: img,
            command: vec![
                "sh".into(),
                "-c".into(),
                "echo 'root:x:0:0::/:/bin/sh' > /etc/passwd && echo 'root:x:0:' > /etc/group && /kolla_set_configs && stat -c '%n %U:%G %a' /etc/a/a.conf && cat /run_command; echo; /kolla_set_configs --bogus; echo rc=$?".into(),
            ],
            // Upstream dropped these overrides (CVE-2022-38060); so do we.
            environment: [
                ("KOLLA_CONFIG_STRATEGY".to_string(), "COPY_ALWAYS".to_string()),
                ("KOLLA_CONFIG_FILE".to_string(), "/evil.json".to_string()),
                ("KOLLA_CONFIG".to_string(), r#"{"command": "evil"}"#.to_string()),
            ]
            .into(),
            volumes: vec![cfg.volume()],
            ..Default::default()
        },
    )
    .await;
    let (code, logs) = run.run().await;
    assert_eq!(code, 0, "{logs}");
    // stderr and stdout lines interleave in no fixed order: check each.
    assert!(logs.contains("/etc/a/a.conf root:root 640\n"), "{logs}");
    assert!(logs.contains("\ntrue\n"), "{logs}");
    assert!(
        logs.contains("kolla_set_configs: error: unrecognized arguments: --bogus\n"),
        "{logs}"
    );
    assert!(logs.contains("\nrc=2\n"), "{logs}");
}

#[tokio::test]
async fn files_land_with_owner_and_mode_and_permissions_recurse_with_exclude() {
    let Some(engine) = common::docker().await else {
        return;
    };
    standins(&engine).await;
    let cfg = ConfigDir::new();
    cfg.write("nova.conf", "[database]\nconnection = mysql://x\n");
    cfg.write(
        "report.sh",
        "#!/bin/sh\nfor f in /etc/nova/nova.conf /etc/nova/policy.d /etc/nova/policy.d/p.yaml /var/log/kolla/nova /var/log/kolla/nova/a.log /var/log/kolla/nova/sub /var/log/kolla/nova/sub/skip.log /run_command; do stat -c '%n %U:%G %a' $f; done\n",
    );
    std::fs::create_dir(cfg.path().join("policy.d")).unwrap();
    cfg.write("policy.d/p.yaml", "{}\n");
    cfg.write(
        "config.json",
        r#"{"command": "/var/lib/kolla/config_files/report.sh",
            "config_files": [
              {"source": "/var/lib/kolla/config_files/nova.conf", "dest": "/etc/nova/nova.conf", "owner": "nova", "perm": "0600"},
              {"source": "/var/lib/kolla/config_files/policy.d", "dest": "/etc/nova/policy.d", "owner": "nova:kolla", "perm": "0640"}],
            "directories": [{"path": "/var/log/kolla/nova/sub", "owner": "root", "perm": "0700"}],
            "files": [{"path": "/var/log/kolla/nova/a.log", "owner": "root", "perm": "0600"},
                      {"path": "/var/log/kolla/nova/sub/skip.log", "owner": "root", "perm": "0600"}],
            "permissions": [{"path": "/var/log/kolla/nova", "owner": "nova:kolla", "perm": "0660", "recurse": true, "exclude": ["skip"]}]}"#,
    );
    let run = Run::create(
        &engine,
        "owners",
        ContainerSpec {
            image: image("nova-api"),
            environment: env("COPY_ALWAYS"),
            volumes: vec![cfg.volume()],
            ..Default::default()
        },
    )
    .await;
    let (code, logs) = run.run().await;
    assert_eq!(code, 0, "{logs}");
    for line in [
        "/etc/nova/nova.conf nova:nova 600",
        "/etc/nova/policy.d nova:kolla 750",
        "/etc/nova/policy.d/p.yaml nova:kolla 640",
        "/var/log/kolla/nova nova:kolla 770",
        "/var/log/kolla/nova/a.log nova:kolla 660",
        "/var/log/kolla/nova/sub nova:kolla 770",
        "/var/log/kolla/nova/sub/skip.log root:root 600",
        "/run_command root:root 644",
    ] {
        assert!(
            logs.contains(&format!("{line}\n")),
            "{line} missing in:\n{logs}"
        );
    }
    assert!(logs.contains("Running command: '/var/lib/kolla/config_files/report.sh'"));
}

#[tokio::test]
async fn kolla_start_execs_the_command_unquoted_like_upstream() {
    let Some(engine) = common::docker().await else {
        return;
    };
    standins(&engine).await;
    let cfg = ConfigDir::new();
    cfg.write(
        "args.sh",
        "#!/bin/sh\nfor a in \"$@\"; do echo \"arg=$a\"; done\n",
    );
    cfg.write(
        "config.json",
        r#"{"command": "/var/lib/kolla/config_files/args.sh --flag 'x y'"}"#,
    );
    let run = Run::create(
        &engine,
        "argv",
        ContainerSpec {
            image: image("nova-compute"),
            environment: env("COPY_ALWAYS"),
            volumes: vec![cfg.volume()],
            ..Default::default()
        },
    )
    .await;
    let (code, logs) = run.run().await;
    assert_eq!(code, 0, "{logs}");
    // Word splitting, no quote removal: argv is `--flag`, `'x`, `y'`.
    assert_eq!(
        last(&logs, &["arg="], 3),
        "arg=--flag\narg='x\narg=y'\n",
        "{logs}"
    );
}

#[tokio::test]
async fn copy_once_leaves_files_alone_on_restart_and_check_sees_the_change() {
    let Some(engine) = common::docker().await else {
        return;
    };
    standins(&engine).await;
    let cfg = ConfigDir::new();
    cfg.write("svc.conf", "version = 1\n");
    cfg.write(
        "show.sh",
        "#!/bin/sh\necho \"content=$(cat /etc/svc/svc.conf)\"\nkolla_set_configs --check 2>/dev/null\necho \"check=$?\"\n",
    );
    cfg.write(
        "config.json",
        r#"{"command": "/var/lib/kolla/config_files/show.sh",
            "config_files": [{"source": "/var/lib/kolla/config_files/svc.conf", "dest": "/etc/svc/svc.conf", "owner": "nova", "perm": "0600"}]}"#,
    );
    let once = Run::create(
        &engine,
        "once",
        ContainerSpec {
            image: image("nova-compute"),
            environment: env("COPY_ONCE"),
            volumes: vec![cfg.volume()],
            ..Default::default()
        },
    )
    .await;
    let (code, logs) = once.run().await;
    assert_eq!(code, 0, "{logs}");
    assert_eq!(
        last(&logs, &["content=", "check="], 2),
        "content=version = 1\ncheck=0\n",
        "{logs}"
    );

    // Nothing changed: a restart keeps the files and --check says so.
    let (_, logs) = once.run().await;
    assert_eq!(
        last(&logs, &["content=", "check="], 2),
        "content=version = 1\ncheck=0\n",
        "{logs}"
    );
    assert!(
        logs.contains("ERROR ImmutableConfig: The config strategy prevents copying new configs")
    );

    // The mounted source changes: COPY_ONCE keeps the old file, --check
    // reports the change (exit 1).
    cfg.write("svc.conf", "version = 2\n");
    let (code, logs) = once.run().await;
    assert_eq!(code, 0);
    assert_eq!(
        last(&logs, &["content=", "check="], 2),
        "content=version = 1\ncheck=1\n",
        "{logs}"
    );

    // COPY_ALWAYS picks the change up on start, and then checks clean.
    let always = Run::create(
        &engine,
        "always",
        ContainerSpec {
            image: image("nova-compute"),
            environment: env("COPY_ALWAYS"),
            volumes: vec![cfg.volume()],
            ..Default::default()
        },
    )
    .await;
    let (_, logs) = always.run().await;
    assert_eq!(
        last(&logs, &["content=", "check="], 2),
        "content=version = 2\ncheck=0\n",
        "{logs}"
    );
    cfg.write("svc.conf", "version = 3\n");
    let (_, logs) = always.run().await;
    assert_eq!(
        last(&logs, &["content=", "check="], 2),
        "content=version = 3\ncheck=0\n",
        "{logs}"
    );
}

#[tokio::test]
async fn check_as_the_container_command_reports_drift_with_upstream_codes() {
    let Some(engine) = common::docker().await else {
        return;
    };
    standins(&engine).await;
    let cfg = ConfigDir::new();
    cfg.write("svc.conf", "a\n");
    cfg.write(
        "config.json",
        r#"{"command": "/var/lib/kolla/config_files/check.sh",
            "config_files": [{"source": "/var/lib/kolla/config_files/svc.conf", "dest": "/etc/svc/svc.conf", "owner": "nova", "perm": "0600"}]}"#,
    );
    // The command checks, and exits with --check's own exit code.
    cfg.write("check.sh", "#!/bin/sh\nexec kolla_set_configs --check\n");
    let run = Run::create(
        &engine,
        "check",
        ContainerSpec {
            image: image("nova-compute"),
            environment: env("COPY_ONCE"),
            volumes: vec![cfg.volume()],
            ..Default::default()
        },
    )
    .await;
    assert_eq!(run.run().await.0, 0);
    cfg.write("svc.conf", "b\n");
    let (code, logs) = run.run().await;
    assert_eq!(code, 1, "{logs}");
    assert!(logs.contains(
        "ERROR ConfigFileBadState: Following files are in bad state: ['/var/lib/kolla/config_files/svc.conf']"
    ), "{logs}");
}

#[tokio::test]
async fn missing_required_source_stops_the_container_like_upstream() {
    let Some(engine) = common::docker().await else {
        return;
    };
    standins(&engine).await;
    let cfg = ConfigDir::new();
    cfg.write(
        "config.json",
        r#"{"command": "nova-api", "config_files": [{"source": "/var/lib/kolla/config_files/nova.conf", "dest": "/etc/nova/nova.conf", "owner": "nova", "perm": "0600"}]}"#,
    );
    let run = Run::create(
        &engine,
        "missing",
        ContainerSpec {
            image: image("nova-api"),
            environment: env("COPY_ALWAYS"),
            volumes: vec![cfg.volume()],
            ..Default::default()
        },
    )
    .await;
    let (code, logs) = run.run().await;
    assert_eq!(code, 1, "{logs}");
    assert!(logs.contains(
        " ERROR MissingRequiredSource: /var/lib/kolla/config_files/nova.conf file is not found\n"
    ), "{logs}");
    assert!(!logs.contains("Running command"));
}

fn nova_api_config(cfg: &ConfigDir, nova_conf: &str) {
    cfg.write("nova.conf", nova_conf);
    cfg.write(
        "config.json",
        r#"{"command": "nova-api", "config_files": [{"source": "/var/lib/kolla/config_files/nova.conf", "dest": "/etc/nova/nova.conf", "owner": "nova", "perm": "0600"}]}"#,
    );
}

#[tokio::test]
async fn standin_rejects_a_broken_nova_conf() {
    let Some(engine) = common::docker().await else {
        return;
    };
    standins(&engine).await;
    for (conf, msg) in [
        (
            "[DEFAULT]\ndebug = true\n",
            "nova-api stand-in: /etc/nova/nova.conf: [database] connection is required",
        ),
        (
            "[DEFAULT]\nthis line is not ini\n",
            "nova-api stand-in: /etc/nova/nova.conf:2: no \"=\" or \":\" in line: this line is not ini",
        ),
        (
            "[database\nconnection = x\n",
            "nova-api stand-in: /etc/nova/nova.conf:1: invalid section header",
        ),
    ] {
        let cfg = ConfigDir::new();
        nova_api_config(&cfg, conf);
        let run = Run::create(
            &engine,
            "badconf",
            ContainerSpec {
                image: image("nova-api"),
                environment: env("COPY_ALWAYS"),
                volumes: vec![cfg.volume()],
                ..Default::default()
            },
        )
        .await;
        let (code, logs) = run.run().await;
        assert_eq!(code, 1, "{logs}");
        assert!(logs.contains(msg), "{msg} missing in:\n{logs}");
    }
}

#[tokio::test]
async fn standin_serves_http_and_healthchecks_tell_the_truth() {
    let Some(engine) = common::docker().await else {
        return;
    };
    standins(&engine).await;
    let cfg = ConfigDir::new();
    nova_api_config(
        &cfg,
        "[database]\nconnection = mysql+pymysql://nova@db/nova\n",
    );
    // kolla_start runs in the background; the checks run beside it, then
    // again after the service is stopped.
    let script = r#"
kolla_start > /tmp/start.log 2>&1 &
i=0
until healthcheck_listen nova-api 8774 || [ $i -ge 300 ]; do i=$((i+1)); sleep 0.1; done
healthcheck_listen nova-api 8774; echo "listen=$?"
healthcheck_curl http://127.0.0.1:8774/; echo "curl=$?"
healthcheck_port nova-api 5672; echo "port=$?"
healthcheck_listen nova-api 9999; echo "listen_other_port=$?"
healthcheck_listen glance-api 8774; echo "listen_other_process=$?"
syslogd -n -O /dev/null &
i=0
until [ -S /dev/log ] || [ $i -ge 50 ]; do i=$((i+1)); sleep 0.1; done
healthcheck_socket syslogd /dev/log; echo "socket=$?"
healthcheck_socket nova-api /dev/log; echo "socket_other_process=$?"
healthcheck_socket nova-api /run_command; echo "socket_plain_file=$?"
healthcheck_socket nova-api /nonexistent.sock; echo "socket_missing=$?"
kill $(pidof syslogd)
wget -q -O - http://127.0.0.1:8774/
kill $(pidof httpd)
wait
healthcheck_listen nova-api 8774; echo "listen_after=$?"
healthcheck_curl http://127.0.0.1:8774/; echo "curl_after=$?"
healthcheck_port nova-api 5672; echo "port_after=$?"
healthcheck_socket syslogd /dev/log; echo "socket_after=$?"
cat /tmp/start.log
"#;
    let run = Run::create(
        &engine,
        "health",
        ContainerSpec {
            image: image("nova-api"),
            command: vec!["sh".into(), "-c".into(), script.into()],
            environment: env("COPY_ALWAYS"),
            volumes: vec![cfg.volume()],
            ..Default::default()
        },
    )
    .await;
    let (code, logs) = run.run().await;
    assert_eq!(code, 0, "{logs}");
    for line in [
        "listen=0",
        "curl=0",
        "port=0",
        "listen_other_port=1",
        "listen_other_process=1",
        r#"{"stand-in": "nova-api", "image": "nova-api"}"#,
        "listen_after=1",
        "curl_after=1",
        "port_after=1",
        "socket=0",
        "socket_other_process=1",
        "socket_plain_file=1",
        "socket_missing=1",
        "socket_after=1",
        "Running command: 'nova-api'",
        "nova-api stand-in: nova-api listening on port 8774",
    ] {
        assert!(
            logs.contains(&format!("{line}\n")),
            "{line} missing in:\n{logs}"
        );
    }
}

#[tokio::test]
async fn bootstrap_containers_validate_and_exit_zero() {
    let Some(engine) = common::docker().await else {
        return;
    };
    standins(&engine).await;
    let cfg = ConfigDir::new();
    nova_api_config(&cfg, "[database]\nconnection = x\n");
    let mut environment = env("COPY_ALWAYS");
    environment.insert("KOLLA_BOOTSTRAP".into(), String::new());
    let run = Run::create(
        &engine,
        "bootstrap",
        ContainerSpec {
            image: image("nova-api"),
            environment,
            volumes: vec![cfg.volume()],
            ..Default::default()
        },
    )
    .await;
    let (code, logs) = run.run().await;
    assert_eq!(code, 0, "{logs}");
    assert!(
        logs.contains("stand-in bootstrap of nova-api done"),
        "{logs}"
    );
}

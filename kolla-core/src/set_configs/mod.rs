//! The in-container side: `config.json` and what `kolla_set_configs` does
//! with it.
//!
//! Inside every Kolla container the start script runs `kolla_set_configs`
//! as root. It reads the fixed config file (`config.yaml` if present, else
//! `config.json`, under `/var/lib/kolla/config_files/`), copies each listed
//! file into place with its owner and mode, applies the permissions list,
//! writes the service command to `/run_command`, and `kolla_start` then
//! execs it. With `--check` it only compares, and its exit code tells the
//! deploy whether the running container's config is stale.
//!
//! - [`ConfigJson`] is the typed config.json, with a builder (its own
//!   module, [`crate::config_json`], shared with the config generator);
//! - [`main`] is the whole tool (the `kolla_set_configs` binary only calls it);
//! - [`Paths`] resolves every container path, so tests run on a temporary
//!   root (the binary always uses `/`);
//!
//! ```
//! use kolla_core::set_configs::{self, ConfigFile, ConfigJson, Paths};
//! let root = tempfile::tempdir().unwrap();
//! let paths = Paths::under(root.path());
//! std::fs::create_dir_all(paths.real("/var/lib/kolla/config_files")).unwrap();
//! std::fs::write(paths.real("/var/lib/kolla/config_files/a.conf"), "x=1\n").unwrap();
//! let me = set_configs::current_user_owner();
//! set_configs::write_test_accounts(&paths).unwrap();
//! let cfg = ConfigJson::builder("svc --foreground")
//!     .config_file(ConfigFile::new("/var/lib/kolla/config_files/a.conf", "/etc/svc/a.conf").owner(&me).perm("0640"))
//!     .build();
//! std::fs::write(paths.real(set_configs::CONFIG_JSON), cfg.to_json_pretty()).unwrap();
//!
//! let mut log = Vec::new();
//! let code = set_configs::main(&paths, ["kolla_set_configs"], Some("COPY_ALWAYS"), &mut log);
//! assert_eq!(code, 0, "{}", String::from_utf8_lossy(&log));
//! assert_eq!(std::fs::read_to_string(paths.real("/run_command")).unwrap(), "svc --foreground");
//! let code = set_configs::main(&paths, ["kolla_set_configs", "--check"], None, &mut log);
//! assert_eq!(code, 0, "{}", String::from_utf8_lossy(&log));
//! ```

use std::io::Write;

use crate::error::Location;

mod accounts;
mod check;
mod copy;
mod fsops;
mod load;
mod log;
mod paths;

pub use crate::config_json::{ConfigFile, ConfigJson, ConfigJsonBuilder, Permission};
pub use accounts::{parse_perm, user_group, Accounts};
pub use paths::{
    Paths, CONFIGURED, CONFIG_JSON, CONFIG_YAML, DEFAULTS_DIR, DEFAULTS_STATE, GROUP, PASSWD,
    RUN_COMMAND,
};

use log::Log;

/// A failure of `kolla_set_configs`, carrying upstream's exception class,
/// message and exit code.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The config does not parse or fails validation (exit 1).
    #[error("{message}")]
    InvalidConfig {
        /// The config file and line, when known.
        location: Option<Location>,
        /// Upstream's message, with any parser detail after it.
        message: String,
    },
    /// A non-optional source matched nothing (exit 1).
    #[error("{source_path} file is not found")]
    MissingRequiredSource {
        /// The source pattern as written in config.json.
        source_path: String,
    },
    /// `--check`: some sources differ from their destinations (exit 1).
    #[error("Following files are in bad state: {}", py_list(sources))]
    ConfigFileBadState {
        /// The sources whose destinations differ.
        sources: Vec<String>,
    },
    /// `--check`: the command differs from `/run_command` (exit 1).
    #[error("Running command differs. {new} != {running}")]
    ConfigFileCommandDiffers {
        /// The command in config.json.
        new: String,
        /// The contents of `/run_command`.
        running: String,
    },
    /// `--check`: the defaults state tracks files config.json no longer
    /// lists (exit 1).
    #[error("The following config files are tracked in state but missing from the config file. They would be restored or removed: {}", py_list(paths))]
    StateMismatch {
        /// The tracked destinations, sorted.
        paths: Vec<String>,
    },
    /// COPY_ONCE already ran; nothing is touched (exit **0**).
    #[error("The config strategy prevents copying new configs")]
    ImmutableConfig,
    /// Anything else upstream reports as `Unexpected error:` (exit 2): a bad
    /// perm, an unknown user or group, an unknown key, a failed file operation.
    #[error("{message}")]
    Unexpected {
        /// The config file and line or JSON path, when the error points there.
        location: Option<Location>,
        /// What went wrong, naming the path.
        message: String,
    },
}

impl Error {
    /// Where in which file the error is.
    pub fn location(&self) -> Option<&Location> {
        match self {
            Error::InvalidConfig { location, .. } | Error::Unexpected { location, .. } => {
                location.as_ref()
            }
            _ => None,
        }
    }

    /// Upstream's exception class name, as logged before the message.
    pub fn class(&self) -> &'static str {
        match self {
            Error::InvalidConfig { .. } => "InvalidConfig",
            Error::MissingRequiredSource { .. } => "MissingRequiredSource",
            Error::ConfigFileBadState { .. } => "ConfigFileBadState",
            Error::ConfigFileCommandDiffers { .. } => "ConfigFileCommandDiffers",
            Error::StateMismatch { .. } => "StateMismatch",
            Error::ImmutableConfig => "ImmutableConfig",
            Error::Unexpected { .. } => "Unexpected error",
        }
    }

    /// The process exit code upstream uses for this failure.
    ///
    /// ```
    /// use kolla_core::set_configs::Error;
    /// assert_eq!(Error::ImmutableConfig.exit_code(), 0);
    /// assert_eq!(Error::MissingRequiredSource { source_path: "/x".into() }.exit_code(), 1);
    /// ```
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::ImmutableConfig => 0,
            Error::Unexpected { .. } => 2,
            _ => 1,
        }
    }

    pub(crate) fn unexpected(message: impl Into<String>) -> Self {
        Error::Unexpected {
            location: None,
            message: message.into(),
        }
    }

    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        Error::InvalidConfig {
            location: None,
            message: message.into(),
        }
    }
}

/// Python's `repr` of a list of strings (upstream's messages print lists).
fn py_list(items: &[String]) -> String {
    crate::pycompat::py_repr(&serde_json::json!(items))
}

/// The config strategy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strategy {
    /// Copy on every start.
    CopyAlways,
    /// Copy on the first start only (`/configured` marks it).
    CopyOnce,
}

impl Strategy {
    /// Parses `KOLLA_CONFIG_STRATEGY` exactly (case-sensitive).
    ///
    /// ```
    /// use kolla_core::set_configs::Strategy;
    /// assert_eq!(Strategy::parse(Some("COPY_ONCE")), Some(Strategy::CopyOnce));
    /// assert_eq!(Strategy::parse(Some("copy_once")), None);
    /// ```
    pub fn parse(value: Option<&str>) -> Option<Self> {
        match value {
            Some("COPY_ALWAYS") => Some(Strategy::CopyAlways),
            Some("COPY_ONCE") => Some(Strategy::CopyOnce),
            _ => None,
        }
    }
}

/// Runs `kolla_set_configs` with `args` (argv, program name first) on the
/// container root `paths`, with `strategy` the value of
/// `KOLLA_CONFIG_STRATEGY`. Log lines go to `log`; returns the exit code.
///
/// This is the whole tool; the binary passes [`Paths::container`], its argv,
/// the environment variable and stderr.
pub fn main<I, S>(paths: &Paths, args: I, strategy: Option<&str>, log: &mut dyn Write) -> i32
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let args: Vec<String> = args.into_iter().map(|a| a.as_ref().to_string()).collect();
    let prog = args
        .first()
        .map(|a| a.rsplit('/').next().unwrap_or(a).to_string())
        .unwrap_or_else(|| "kolla_set_configs".into());
    let mut check = false;
    let mut unknown = Vec::new();
    for a in args.iter().skip(1) {
        match a.as_str() {
            "--check" => check = true,
            "-h" | "--help" => {
                let _ = writeln!(
                    log,
                    "usage: {prog} [-h] [--check]\n\noptions:\n  -h, --help  show this help message and exit\n  --check     Check whether the configs changed"
                );
                return 0;
            }
            other => unknown.push(other.to_string()),
        }
    }
    if !unknown.is_empty() {
        let _ = writeln!(
            log,
            "usage: {prog} [-h] [--check]\n{prog}: error: unrecognized arguments: {}",
            unknown.join(" ")
        );
        return 2;
    }
    let mut log = Log::new(log);
    let result = if check {
        run_check(paths, &mut log)
    } else {
        run_copy(paths, strategy, &mut log)
    };
    match result {
        Ok(()) => 0,
        Err(e) => {
            let code = e.exit_code();
            match &e {
                Error::Unexpected { .. } => log.error(&format!("Unexpected error: {e}")),
                _ => log.error(&format!("{}: {e}", e.class())),
            }
            code
        }
    }
}

/// Copy mode: load, validate, and apply the config with `strategy`.
///
/// # Errors
/// Any [`Error`]; [`Error::ImmutableConfig`] when COPY_ONCE already ran.
pub fn run_copy(paths: &Paths, strategy: Option<&str>, log: &mut Log) -> Result<(), Error> {
    let config = load::load_config(paths, log)?;
    log.info(&format!(
        "Kolla config strategy set to: {}",
        strategy.unwrap_or("None")
    ));
    match Strategy::parse(strategy) {
        Some(Strategy::CopyAlways) => copy::apply(paths, &config, log),
        Some(Strategy::CopyOnce) => {
            let marker = paths.real(CONFIGURED);
            if marker.symlink_metadata().is_ok() {
                return Err(Error::ImmutableConfig);
            }
            copy::apply(paths, &config, log)?;
            std::fs::File::create(&marker)
                .map_err(|e| fsops::os_error("create", CONFIGURED, &e))?;
            Ok(())
        }
        None => Err(Error::invalid("KOLLA_CONFIG_STRATEGY is not set properly")),
    }
}

/// `--check` mode: load, validate and compare without changing anything.
///
/// # Errors
/// [`Error::ConfigFileCommandDiffers`], [`Error::StateMismatch`],
/// [`Error::ConfigFileBadState`], [`Error::MissingRequiredSource`] when the
/// config changed; others when it cannot be checked.
pub fn run_check(paths: &Paths, log: &mut Log) -> Result<(), Error> {
    let config = load::load_config(paths, log)?;
    check::check(paths, &config, log)
}

pub use log::Log as Logger;

/// The `user:group` owner that [`write_test_accounts`] maps to the current
/// process's uid and gid, so tests and examples can run unprivileged (a
/// chown to yourself succeeds).
pub fn current_user_owner() -> String {
    "kolla-test-user:kolla-test-group".to_string()
}

/// Writes `/etc/passwd` and `/etc/group` under a test root, mapping the
/// names of [`current_user_owner`] (and `root`) to the current process's
/// uid and gid, so an unprivileged test can chown to them.
///
/// # Errors
/// When the files cannot be written.
pub fn write_test_accounts(paths: &Paths) -> std::io::Result<()> {
    let (uid, gid) = fsops::current_ids()?;
    std::fs::create_dir_all(paths.real("/etc"))?;
    std::fs::write(
        paths.real(PASSWD),
        format!("root:x:0:0:root:/root:/bin/sh\nkolla-test-user:x:{uid}:{gid}::/:/bin/sh\n"),
    )?;
    std::fs::write(
        paths.real(GROUP),
        format!("root:x:0:\nkolla-test-group:x:{gid}:\nkolla-test-user:x:{gid}:\n"),
    )?;
    Ok(())
}

//! Copy mode: directories, files, defaults backup/restore, config files,
//! `/run_command`, permissions, in upstream's order.

use std::fs;
use std::path::Path;

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use super::fsops::{
    self, basename, copy_properties, create_parent_dirs, delete_path, join, lexists, os_error,
    set_perms,
};
use super::{
    Accounts, ConfigFile, ConfigJson, Error, Log, Paths, Permission, DEFAULTS_DIR, DEFAULTS_STATE,
    RUN_COMMAND,
};

/// One entry of the defaults state file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct StateEntry {
    /// The live path (upstream swaps this with `dest` on every restore).
    pub source: String,
    /// Always true.
    #[serde(default)]
    pub preserve_properties: bool,
    /// The backup of the image default, or null when there was none.
    pub dest: Option<String>,
}

/// The defaults state: live path -> backup.
pub(crate) type State = IndexMap<String, StateEntry>;

/// Reads the state; missing means empty. Entries that upstream saved
/// swapped (`source` = backup, `dest` = live path) are turned back.
pub(crate) fn read_state(paths: &Paths) -> Result<State, Error> {
    let real = paths.real(DEFAULTS_STATE);
    let text = match fs::read_to_string(&real) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(State::new()),
        Err(e) => return Err(os_error("read", DEFAULTS_STATE, &e)),
    };
    let mut state: State = serde_json::from_str(&text)
        .map_err(|e| Error::unexpected(format!("JSONDecodeError: {DEFAULTS_STATE}: {e}")))?;
    for (key, v) in state.iter_mut() {
        if v.source != *key && v.dest.as_deref() == Some(key.as_str()) {
            std::mem::swap(&mut v.source, v.dest.as_mut().expect("checked"));
        }
    }
    Ok(state)
}

fn write_state(paths: &Paths, state: &State) -> Result<(), Error> {
    let mut out = Vec::new();
    let fmt = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut ser = serde_json::Serializer::with_formatter(&mut out, fmt);
    state
        .serialize(&mut ser)
        .map_err(|e| Error::unexpected(format!("cannot serialise state: {e}")))?;
    fsops::write_atomic(&paths.real(DEFAULTS_STATE), &out, 0o644)
        .map_err(|e| os_error("write", DEFAULTS_STATE, &e))
}

/// The destinations config.json names now (dest, plus the source's file
/// name when dest ends with `/`).
pub(crate) fn current_dests(config: &ConfigJson) -> Vec<String> {
    config
        .config_files
        .iter()
        .filter(|c| !c.dest.is_empty())
        .map(|c| c.dest_for(&c.source))
        .collect()
}

struct Copier<'p, 'l, 'w> {
    paths: &'p Paths,
    log: &'l mut Log<'w>,
    accounts: Accounts,
}

/// Applies a config in copy mode (everything but the COPY_ONCE marker).
pub(crate) fn apply(paths: &Paths, config: &ConfigJson, log: &mut Log) -> Result<(), Error> {
    let accounts = Accounts::load(paths)?;
    let mut c = Copier {
        paths,
        log,
        accounts,
    };
    if !config.directories.is_empty() {
        c.log.info("Creating directories");
        for d in &config.directories {
            let real = paths.real(&d.path);
            if fs::create_dir_all(&real).is_err() {
                return Err(Error::unexpected(format!(
                    "OSError: Can't create destination directory ({})",
                    d.path
                )));
            }
            c.permission(d)?;
        }
    }
    if !config.files.is_empty() {
        c.log.info("Creating files");
        for f in &config.files {
            c.create_file(f)?;
        }
    }
    c.handle_defaults(config)?;
    if !config.config_files.is_empty() {
        c.log.info("Copying service configuration files");
        for cf in &config.config_files {
            c.copy(cf)?;
        }
    }
    c.log.info("Writing out command to execute");
    let run = paths.real(RUN_COMMAND);
    fsops::write_atomic(&run, config.command.as_bytes(), 0o644)
        .map_err(|e| os_error("write", RUN_COMMAND, &e))?;
    for p in &config.permissions {
        c.permission(p)?;
    }
    Ok(())
}

impl Copier<'_, '_, '_> {
    fn create_file(&mut self, f: &Permission) -> Result<(), Error> {
        let real = self.paths.real(&f.path);
        let md = real.symlink_metadata();
        if md.as_ref().is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(Error::unexpected(format!(
                "OSError: Path is a symbolic link, expected regular file ({})",
                f.path
            )));
        }
        if real.is_dir() {
            return Err(Error::unexpected(format!(
                "OSError: Path is a directory, expected file ({})",
                f.path
            )));
        }
        let parent = fsops::dirname(&f.path);
        if !parent.is_empty() && !self.paths.real(parent).is_dir() {
            return Err(Error::unexpected(format!(
                "OSError: Parent directory does not exist ({parent})"
            )));
        }
        if md.is_err() {
            fs::OpenOptions::new()
                .append(true)
                .create(true)
                .open(&real)
                .map_err(|e| os_error("create", &f.path, &e))?;
        }
        self.permission(f)
    }

    /// Upstream's `handle_permissions` for one entry.
    fn permission(&mut self, p: &Permission) -> Result<(), Error> {
        let ids = self.accounts.resolve(&p.owner)?;
        let excludes = p
            .exclude
            .iter()
            .map(|x| {
                regex::Regex::new(x).map_err(|e| {
                    Error::unexpected(format!("re.error: bad exclude pattern {x:?}: {e}"))
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let perm = p.perm.as_deref();
        for dest in fsops::glob(self.paths, &p.path) {
            let real = self.paths.real(&dest);
            set_perms(&dest, &real, ids, perm, self.log)?;
            if p.recurse && real.is_dir() {
                let paths = self.paths;
                let log = &mut *self.log;
                fsops::walk(paths, &dest, &mut |item| {
                    let real = paths.real(item);
                    if excludes.is_empty() {
                        return set_perms(item, &real, ids, perm, log);
                    }
                    // Upstream's quirk, kept: once per pattern that does
                    // not match, so with several patterns an item is only
                    // skipped when it matches all of them.
                    for re in &excludes {
                        if !re.is_match(item) {
                            set_perms(item, &real, ids, perm, log)?;
                        }
                    }
                    Ok(())
                })?;
            }
        }
        Ok(())
    }

    /// Owner/perm from the entry, or the source's own properties.
    fn set_properties(
        &mut self,
        cf: &ConfigFile,
        src: &str,
        shown: &str,
        real: &Path,
    ) -> Result<(), Error> {
        if cf.preserve_properties {
            self.log
                .info(&format!("Copying permissions from {src} onto {shown}"));
            copy_properties(&self.paths.real(src), real)
                .map_err(|e| os_error("copy permissions onto", shown, &e))
        } else {
            let owner = cf.owner.as_deref().ok_or_else(|| {
                Error::unexpected("TypeError: argument of type 'NoneType' is not iterable")
            })?;
            let ids = self.accounts.resolve(owner)?;
            set_perms(shown, real, ids, cf.perm.as_deref(), self.log)
        }
    }

    /// Upstream's `ConfigFile.copy`.
    fn copy(&mut self, cf: &ConfigFile) -> Result<(), Error> {
        let sources = fsops::glob(self.paths, &cf.source);
        if sources.is_empty() {
            if cf.optional {
                return Ok(());
            }
            return Err(Error::MissingRequiredSource {
                source_path: cf.source.clone(),
            });
        }
        for src in sources {
            let dest = cf.dest_for(&src);
            let src_is_dir = self.paths.real(&src).is_dir();
            let dest_real = self.paths.real(&dest);
            // A file replacing a file is renamed into place (atomic), so it
            // is not deleted first; anything else is, as upstream does.
            let replace_in_place =
                !src_is_dir && dest_real.symlink_metadata().is_ok_and(|m| !m.is_dir());
            if !cf.merge && !replace_in_place {
                delete_path(self.paths, &dest, self.log)?;
            }
            create_parent_dirs(self.paths, &dest)?;
            if let Err(e) = self.merge_directories(cf, &src, &dest) {
                if matches!(e, Error::Unexpected { .. }) {
                    self.log
                        .error(&format!("Unable to merge {src} with {dest}"));
                }
                return Err(e);
            }
        }
        Ok(())
    }

    fn merge_directories(&mut self, cf: &ConfigFile, src: &str, dest: &str) -> Result<(), Error> {
        let src_real = self.paths.real(src);
        if !src_real.is_dir() {
            return self.copy_file(cf, src, dest);
        }
        let dest_real = self.paths.real(dest);
        if lexists(&dest_real) && !dest_real.is_dir() {
            delete_path(self.paths, dest, self.log)?;
        }
        if !dest_real.is_dir() {
            self.log.info(&format!("Creating directory {dest}"));
            fs::create_dir_all(&dest_real).map_err(|e| os_error("create directory", dest, &e))?;
        }
        self.set_properties(cf, src, dest, &dest_real)?;
        let names = fsops::list_dir(&src_real).map_err(|e| os_error("list", src, &e))?;
        for n in names {
            self.merge_directories(cf, &join(src, &n), &join(dest, &n))?;
        }
        Ok(())
    }

    /// Copies one file atomically: a temp file next to the target gets the
    /// content and properties, then is renamed over the target.
    fn copy_file(&mut self, cf: &ConfigFile, src: &str, dest: &str) -> Result<(), Error> {
        let dest_real = self.paths.real(dest);
        if dest_real.is_dir() && !dest_real.is_symlink() {
            delete_path(self.paths, dest, self.log)?;
        }
        self.log.info(&format!("Copying {src} to {dest}"));
        let src_real = self.paths.real(src);
        let tmp = fsops::temp_sibling(&dest_real);
        let _ = fs::remove_file(&tmp);
        let result = (|| {
            if cf.merge && cf.preserve_properties && src_real.is_symlink() {
                let target =
                    fs::read_link(&src_real).map_err(|e| os_error("read link", src, &e))?;
                std::os::unix::fs::symlink(target, &tmp)
                    .map_err(|e| os_error("symlink", dest, &e))?;
            } else {
                fs::copy(&src_real, &tmp).map_err(|e| os_error("copy to", dest, &e))?;
                self.set_properties(cf, src, dest, &tmp)?;
            }
            fs::rename(&tmp, &dest_real).map_err(|e| os_error("rename onto", dest, &e))
        })();
        if result.is_err() {
            let _ = fs::remove_file(&tmp);
        }
        result
    }

    /// Image defaults: restore what earlier runs backed up, forget entries
    /// config.json no longer lists, back up new destinations, save.
    fn handle_defaults(&mut self, config: &ConfigJson) -> Result<(), Error> {
        fs::create_dir_all(self.paths.real(DEFAULTS_DIR))
            .map_err(|e| os_error("create directory", DEFAULTS_DIR, &e))?;
        let mut state = read_state(self.paths)?;
        for (live, entry) in &state {
            match &entry.dest {
                None => {
                    let real = self.paths.real(live);
                    if real.exists() {
                        let r = if real.is_file() {
                            fs::remove_file(&real)
                        } else {
                            fs::remove_dir_all(&real)
                        };
                        r.map_err(|e| os_error("delete", live, &e))?;
                    }
                }
                Some(backup) => {
                    // Restore the image default: backup -> live. The state
                    // itself is left as it is (upstream saves it swapped).
                    let restore = ConfigFile::new(backup.clone(), entry.source.clone())
                        .preserve_properties(true);
                    self.copy(&restore)?;
                }
            }
        }
        let dests = current_dests(config);
        let dropped: Vec<String> = state
            .keys()
            .filter(|k| !dests.contains(k))
            .cloned()
            .collect();
        for k in dropped {
            // Restored above and no longer configured: forget it.
            if let Some(StateEntry {
                dest: Some(backup), ..
            }) = state.shift_remove(&k)
            {
                delete_path(self.paths, &backup, self.log)?;
            }
        }
        for cf in &config.config_files {
            if state.contains_key(&cf.dest) {
                continue;
            }
            let dst = if cf.dest.ends_with('/') {
                format!("{}{}", cf.dest, basename(&cf.source))
            } else {
                cf.dest.clone()
            };
            if state.contains_key(&dst) || !self.paths.real(&cf.source).exists() {
                continue;
            }
            let backup = format!("{DEFAULTS_DIR}{dst}");
            let dest = if self.paths.real(&dst).exists() {
                let save = ConfigFile::new(dst.clone(), backup.clone()).preserve_properties(true);
                self.copy(&save)?;
                Some(backup)
            } else {
                None
            };
            state.insert(
                dst.clone(),
                StateEntry {
                    source: dst,
                    preserve_properties: true,
                    dest,
                },
            );
        }
        write_state(self.paths, &state)
    }
}

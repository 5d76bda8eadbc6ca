//! `--check`: does the running container's config differ from what a copy
//! run would produce now? Upstream's rules, with its comparison bugs fixed
//! (see `docs/deviations.md`, section kolla_set_configs).

use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

use super::accounts::{dir_mode, parse_perm};
use super::copy::{current_dests, read_state};
use super::fsops::{self, join};
use super::{Accounts, ConfigFile, ConfigJson, Error, Log, Paths, RUN_COMMAND};

pub(crate) fn check(paths: &Paths, config: &ConfigJson, log: &mut Log) -> Result<(), Error> {
    let running = fs::read(paths.real(RUN_COMMAND)).map_err(|e| {
        Error::unexpected(format!("FileNotFoundError: cannot read {RUN_COMMAND}: {e}"))
    })?;
    let running = String::from_utf8_lossy(&running).into_owned();
    if running != config.command {
        return Err(Error::ConfigFileCommandDiffers {
            new: config.command.clone(),
            running,
        });
    }
    let state = read_state(paths)?;
    let dests = current_dests(config);
    let mut removed: Vec<String> = state
        .keys()
        .filter(|k| !dests.contains(k))
        .cloned()
        .collect();
    if !removed.is_empty() {
        removed.sort();
        return Err(Error::StateMismatch { paths: removed });
    }
    let accounts = Accounts::load(paths)?;
    let mut cmp = Comparer {
        paths,
        log,
        accounts,
    };
    for cf in &config.config_files {
        let sources = fsops::glob(paths, &cf.source);
        if sources.is_empty() {
            if cf.optional {
                // The source went away: a copy run would restore the image
                // default (or remove the file) if an earlier run saved one.
                let dest = cf.dest_for(&cf.source);
                if let Some(entry) = state.get(&dest) {
                    if !cmp.restored(&dest, entry.dest.as_deref())? {
                        return Err(Error::ConfigFileBadState {
                            sources: vec![cf.source.clone()],
                        });
                    }
                }
                continue;
            }
            return Err(Error::MissingRequiredSource {
                source_path: cf.source.clone(),
            });
        }
        let mut bad = Vec::new();
        for src in sources {
            let dest = cf.dest_for(&src);
            let ok = if paths.real(&src).is_dir() {
                cmp.dir(cf, &src, &dest)?
            } else {
                cmp.file(cf, &src, &dest)?
            };
            if !ok {
                bad.push(src);
            }
        }
        if !bad.is_empty() {
            return Err(Error::ConfigFileBadState { sources: bad });
        }
    }
    Ok(())
}

struct Comparer<'p, 'l, 'w> {
    paths: &'p Paths,
    log: &'l mut Log<'w>,
    accounts: Accounts,
}

impl Comparer<'_, '_, '_> {
    /// Whether `live` already is what restoring its image default gives:
    /// the backup's content, or no file when there was none.
    fn restored(&mut self, live: &str, backup: Option<&str>) -> Result<bool, Error> {
        let real = self.paths.real(live);
        let same = match backup {
            None => !real.exists(),
            Some(b) => {
                let b_real = self.paths.real(b);
                if b_real.is_dir() || real.is_dir() {
                    b_real.is_dir() && real.is_dir()
                } else {
                    matches!((fs::read(&b_real), fs::read(&real)), (Ok(x), Ok(y)) if x == y)
                }
            }
        };
        if !same {
            self.log.error(&format!(
                "The optional source for {live} is gone and {live} is not its image default"
            ));
        }
        Ok(same)
    }

    /// Whether `dest`'s mode and owner are what a copy would set: the
    /// source's own with `preserve_properties`, else the entry's owner and
    /// perm (with the execute bits a copy adds to directories).
    fn properties(
        &mut self,
        cf: &ConfigFile,
        src: &Path,
        dest: &Path,
        shown: &str,
    ) -> Result<bool, Error> {
        let what = if dest.is_dir() { "dir" } else { "file" };
        let md = fs::metadata(dest).map_err(|e| fsops::os_error("stat", shown, &e))?;
        let actual = md.mode() & 0o7777;
        let (want_mode, want_ids) = if cf.preserve_properties {
            let s = fs::metadata(src).map_err(|e| fsops::os_error("stat", shown, &e))?;
            (Some(s.mode() & 0o7777), Some((s.uid(), s.gid())))
        } else {
            let mode = match cf.perm.as_deref().filter(|p| !p.is_empty()) {
                Some(p) => {
                    let m = parse_perm(p)?;
                    Some(if dest.is_dir() { dir_mode(m) } else { m })
                }
                None if dest.is_dir() => None,
                None => {
                    let s = fs::metadata(src).map_err(|e| fsops::os_error("stat", shown, &e))?;
                    Some(s.mode() & 0o7777)
                }
            };
            let ids = match cf.owner.as_deref() {
                Some(o) => {
                    let (u, g) = super::user_group(o);
                    match (self.accounts.uid(u), self.accounts.gid(g)) {
                        (Ok(uid), Ok(gid)) => Some((uid, gid)),
                        _ => {
                            self.log.error(&format!(
                                "Dest {what} owner {o} is not known in the container"
                            ));
                            return Ok(false);
                        }
                    }
                }
                None => None,
            };
            (mode, ids)
        };
        if let Some(m) = want_mode {
            if m != actual {
                self.log.error(&format!(
                    "Dest {what} does not have expected perm: {m:04o}, actual: {actual:04o}"
                ));
                return Ok(false);
            }
        }
        if let Some((uid, gid)) = want_ids {
            if md.uid() != uid {
                self.log.error(&format!(
                    "Dest {what} does not have expected user: {uid}, actual: {} ",
                    md.uid()
                ));
                return Ok(false);
            }
            if md.gid() != gid {
                self.log.error(&format!(
                    "Dest {what} does not have expected group: {gid}, actual: {} ",
                    md.gid()
                ));
                return Ok(false);
            }
        }
        Ok(true)
    }

    fn file(&mut self, cf: &ConfigFile, src: &str, dest: &str) -> Result<bool, Error> {
        let (s, d) = (self.paths.real(src), self.paths.real(dest));
        if cf.merge && cf.preserve_properties && s.is_symlink() {
            return Ok(d.is_symlink() && fs::read_link(&s).ok() == fs::read_link(&d).ok());
        }
        match (s.exists(), d.exists()) {
            (true, false) | (false, true) => return Ok(false),
            _ => {}
        }
        if d.is_dir() {
            return Ok(false);
        }
        let a = fs::read(&s).map_err(|e| fsops::os_error("read", src, &e))?;
        let b = fs::read(&d).map_err(|e| fsops::os_error("read", dest, &e))?;
        if a != b {
            self.log.error(&format!(
                "The content of source file({src}) and dest file({dest}) are not equal."
            ));
            return Ok(false);
        }
        self.properties(cf, &s, &d, dest)
    }

    fn dir(&mut self, cf: &ConfigFile, src: &str, dest: &str) -> Result<bool, Error> {
        let (s, d) = (self.paths.real(src), self.paths.real(dest));
        if !d.is_dir() {
            return Ok(false);
        }
        if !self.properties(cf, &s, &d, dest)? {
            return Ok(false);
        }
        let names = fsops::list_dir(&s).map_err(|e| fsops::os_error("list", src, &e))?;
        if !cf.merge {
            // A copy replaces the whole tree: anything extra would go.
            let extra = fsops::list_dir(&d)
                .map_err(|e| fsops::os_error("list", dest, &e))?
                .into_iter()
                .find(|n| !names.contains(n));
            if let Some(n) = extra {
                self.log.error(&format!(
                    "Dest dir {dest} holds {n}, which is not in source dir {src}"
                ));
                return Ok(false);
            }
        }
        for n in names {
            let (sub_src, sub_dest) = (join(src, &n), join(dest, &n));
            let ok = if self.paths.real(&sub_src).is_dir() {
                self.dir(cf, &sub_src, &sub_dest)?
            } else {
                self.file(cf, &sub_src, &sub_dest)?
            };
            if !ok {
                return Ok(false);
            }
        }
        Ok(true)
    }
}

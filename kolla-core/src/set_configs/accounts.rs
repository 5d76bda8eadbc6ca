//! Owners and modes: `user[:group]` resolved through the container's own
//! `/etc/passwd` and `/etc/group` (read directly, no NSS), and upstream's
//! permission notations.

use std::collections::HashMap;

use super::{Error, Paths, GROUP, PASSWD};
use crate::pycompat::str_repr as py_str;

/// Splits an `owner` string the way upstream does.
///
/// ```
/// use kolla_core::set_configs::user_group;
/// assert_eq!(user_group("nova"), ("nova", "nova"));
/// assert_eq!(user_group("nova:"), ("nova", "nova"));
/// assert_eq!(user_group("nova:kolla"), ("nova", "kolla"));
/// assert_eq!(user_group(":kolla"), ("", "kolla"));
/// assert_eq!(user_group("a:b:c"), ("a", "b:c"));
/// ```
pub fn user_group(owner: &str) -> (&str, &str) {
    match owner.split_once(':') {
        Some((user, "")) => (user, user),
        Some((user, group)) => (user, group),
        None => (owner, owner),
    }
}

/// Parses a `perm` string: `[0-7]{3,4}` as octal, or `0o[0-7]{3,4}`.
///
/// ```
/// use kolla_core::set_configs::parse_perm;
/// assert_eq!(parse_perm("644").unwrap(), 0o644);
/// assert_eq!(parse_perm("0o2775").unwrap(), 0o2775);
/// assert!(parse_perm("rw-r--r--").is_err());
/// ```
///
/// # Errors
/// [`Error::Unexpected`] with upstream's `ValueError` message.
pub fn parse_perm(perm: &str) -> Result<u32, Error> {
    let digits = perm.strip_prefix("0o").unwrap_or(perm);
    let ok = (3..=4).contains(&digits.len()) && digits.bytes().all(|b| (b'0'..=b'7').contains(&b));
    if !ok {
        return Err(Error::unexpected(format!(
            "ValueError: Invalid permission {}. Expected a valid UNIX permission (e.g. 644, 0600, 2755) or a Python octal literal (e.g. 0o644, 0o0600, 0o2755).",
            py_str(perm)
        )));
    }
    Ok(u32::from_str_radix(digits, 8).unwrap_or(0))
}

/// On directories every read bit also grants the matching execute bit.
pub(crate) fn dir_mode(perm: u32) -> u32 {
    let mut m = perm;
    if m & 0o400 != 0 {
        m |= 0o100;
    }
    if m & 0o040 != 0 {
        m |= 0o010;
    }
    if m & 0o004 != 0 {
        m |= 0o001;
    }
    m
}

/// The users and groups of a container, from its own files.
#[derive(Debug, Clone, Default)]
pub struct Accounts {
    users: HashMap<String, u32>,
    groups: HashMap<String, u32>,
}

impl Accounts {
    /// Reads `/etc/passwd` and `/etc/group` below `paths`; a missing file
    /// is an empty database.
    ///
    /// # Errors
    /// When a file exists but cannot be read.
    pub fn load(paths: &Paths) -> Result<Self, Error> {
        let read = |p: &str| match std::fs::read_to_string(paths.real(p)) {
            Ok(s) => Ok(s),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(String::new()),
            Err(e) => Err(super::fsops::os_error("read", p, &e)),
        };
        Ok(Accounts::parse(&read(PASSWD)?, &read(GROUP)?))
    }

    /// Parses passwd and group text (`name:x:id:...` lines; the first entry
    /// for a name wins, as with glibc's files backend).
    ///
    /// ```
    /// use kolla_core::set_configs::Accounts;
    /// let a = Accounts::parse("root:x:0:0::/:/bin/sh\nnova:x:42436:42436::/:\n", "kolla:x:42400:nova\n");
    /// assert_eq!(a.uid("nova").unwrap(), 42436);
    /// assert_eq!(a.gid("kolla").unwrap(), 42400);
    /// assert!(a.uid("glance").unwrap_err().to_string().contains("getpwnam(): name not found: 'glance'"));
    /// ```
    pub fn parse(passwd: &str, group: &str) -> Self {
        fn table(text: &str) -> HashMap<String, u32> {
            let mut map = HashMap::new();
            for line in text.lines() {
                let line = line.trim_end_matches('\r');
                if line.is_empty() || line.starts_with('#') {
                    continue;
                }
                let mut f = line.split(':');
                let (Some(name), Some(_), Some(id)) = (f.next(), f.next(), f.next()) else {
                    continue;
                };
                if let Ok(id) = id.parse::<u32>() {
                    map.entry(name.to_string()).or_insert(id);
                }
            }
            map
        }
        Accounts {
            users: table(passwd),
            groups: table(group),
        }
    }

    /// The uid of a user name.
    ///
    /// # Errors
    /// [`Error::Unexpected`] with upstream's `KeyError` text when unknown.
    pub fn uid(&self, user: &str) -> Result<u32, Error> {
        self.users.get(user).copied().ok_or_else(|| {
            Error::unexpected(format!(
                "KeyError: \"getpwnam(): name not found: {}\"",
                py_str(user)
            ))
        })
    }

    /// The gid of a group name.
    ///
    /// # Errors
    /// [`Error::Unexpected`] with upstream's `KeyError` text when unknown.
    pub fn gid(&self, group: &str) -> Result<u32, Error> {
        self.groups.get(group).copied().ok_or_else(|| {
            Error::unexpected(format!(
                "KeyError: \"getgrnam(): name not found: {}\"",
                py_str(group)
            ))
        })
    }

    /// Resolves an `owner` string to `(uid, gid)`.
    ///
    /// # Errors
    /// When the user or group is unknown.
    pub fn resolve(&self, owner: &str) -> Result<(u32, u32), Error> {
        let (u, g) = user_group(owner);
        Ok((self.uid(u)?, self.gid(g)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perm_notations_parse_to_the_same_values() {
        for (p, v) in [
            ("644", 0o644),
            ("755", 0o755),
            ("0644", 0o644),
            ("0755", 0o755),
            ("0o644", 0o644),
            ("0o755", 0o755),
            ("1777", 0o1777),
            ("2775", 0o2775),
            ("0o2775", 0o2775),
            ("4755", 0o4755),
        ] {
            assert_eq!(parse_perm(p).unwrap(), v, "{p}");
        }
        for bad in ["64", "06444", "0o64", "888", "0x644", "", " 644", "0O644"] {
            let e = parse_perm(bad).unwrap_err();
            assert_eq!(e.exit_code(), 2);
            assert!(e.to_string().starts_with(&format!(
                "ValueError: Invalid permission '{bad}'. Expected a valid UNIX permission"
            )));
        }
    }

    #[test]
    fn directories_gain_execute_for_each_read_bit() {
        assert_eq!(dir_mode(0o600), 0o700);
        assert_eq!(dir_mode(0o640), 0o750);
        assert_eq!(dir_mode(0o604), 0o705);
        assert_eq!(dir_mode(0o200), 0o200);
        assert_eq!(dir_mode(0o644), 0o755);
        assert_eq!(dir_mode(0o2660), 0o2770);
    }

    #[test]
    fn first_entry_wins_and_junk_is_skipped() {
        let a = Accounts::parse("nova:x:1:1\nnova:x:2:2\n# c\nbad\nx:y:notanumber\n", "");
        assert_eq!(a.uid("nova").unwrap(), 1);
        assert!(a.uid("x").is_err());
        assert!(a
            .gid("nova")
            .unwrap_err()
            .to_string()
            .contains("getgrnam()"));
    }
}

//! The one rule for "CI is set", for every Rust test (kolla-cli's tests
//! include this file by path). The same rule lives in `scripts/lib.sh`
//! (`ci_is_set`) and `kolla_rs._testing.ci_is_set`; `tests/ci_rule.rs` checks
//! that the shell agrees.

#![allow(dead_code)]

use std::ffi::OsStr;

/// Whether a value of `CI` means "CI is set": any value but empty, `0` or
/// `false` (any case). Under CI every skip is a failure.
pub fn means_set(value: Option<&OsStr>) -> bool {
    match value {
        None => false,
        Some(v) => !(v.is_empty() || v == "0" || v.eq_ignore_ascii_case("false")),
    }
}

/// Whether CI is set in this process's environment.
pub fn is_set() -> bool {
    means_set(std::env::var_os("CI").as_deref())
}

/// Whether a missing Docker engine is a failure: CI is set, or
/// `KOLLA_REQUIRE_DOCKER` is.
pub fn docker_required() -> bool {
    is_set() || std::env::var_os("KOLLA_REQUIRE_DOCKER").is_some()
}

/// Skips the calling test loudly, or fails it under CI.
///
/// Returns normally only when the test may skip; the caller then returns.
pub fn skip(reason: &str) {
    assert!(!is_set(), "CI is set, so this may not skip: {reason}");
    eprintln!("SKIPPED: {reason} (with CI set this is a failure)");
}

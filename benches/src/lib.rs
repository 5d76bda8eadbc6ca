//! Shared helpers for the kolla-rs benchmarks (see `benches/`).

use std::path::PathBuf;

/// The shared benchmark inputs, `../shared/bench-data` beside the repository,
/// or `$KOLLA_BENCH_DATA`.
pub fn bench_data() -> PathBuf {
    std::env::var_os("KOLLA_BENCH_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/bench-data")
        })
}

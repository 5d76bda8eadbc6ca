//! One module per subcommand: parse, call kolla-core, print.

pub mod catalog;
pub mod container;
pub mod graph;
pub mod images;
pub mod inventory;
pub mod merge_ini;
pub mod prechecks;
pub mod yaml;

/// A current-thread runtime for commands that talk to the engine.
pub fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?)
}

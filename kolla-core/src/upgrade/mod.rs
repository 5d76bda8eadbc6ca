//! Rolling upgrades: Ansible's `serial` and `max_fail_percentage`
//! arithmetic ([`serial`]), the per-service upgrade plan ([`plan`]) and, at
//! the async edge, the batch-by-batch rollout ([`rollout`], `runtime`
//! feature).
//!
//! The upstream rules are in `../shared/spec/upgrade.md`. kolla-rs keeps an
//! operator's batch setting on `upgrade` (kolla-ansible forces
//! `kolla_serial=0` there); see docs/deviations.md.
//!
//! ```
//! use kolla_core::upgrade::{MaxFail, Serial};
//! let computes: Vec<String> = (1..=10).map(|i| format!("compute{i}")).collect();
//! let batches = Serial::parse("10%").unwrap().batches(&computes);
//! assert_eq!(batches.len(), 10);
//! assert!(MaxFail::parse("20").unwrap().exceeded(1, 4));
//! ```

pub mod plan;
#[cfg(feature = "runtime")]
pub mod rollout;
pub mod serial;

pub use plan::{
    plan, Action, OneShot, Phase, PhaseSpec, Sequence, ServicePlan, Settings, UpgradePlan,
};
pub use serial::{Halt, MaxFail, Serial, SerialItem};

/// Errors of upgrade planning.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A `serial` value Ansible would refuse.
    #[error("{origin}: invalid serial {value}: {message}")]
    Serial {
        /// The variable or option it came from (`nova_serial`, `--serial`).
        origin: String,
        /// The value, as JSON.
        value: String,
        /// Python's message.
        message: String,
    },
    /// A `max_fail_percentage` value Ansible would refuse.
    #[error("{origin}: invalid max_fail_percentage {value}: {message}")]
    MaxFail {
        /// The variable or option it came from.
        origin: String,
        /// The value, as JSON.
        value: String,
        /// Python's message.
        message: String,
    },
}

//! `kolla_set_configs [--check]`: copies the container's config into place,
//! or checks whether it changed. All behaviour is in
//! `kolla_core::set_configs`; the config root is always `/` (no environment
//! variable or option can move it, see CVE-2022-38060).

fn main() -> std::process::ExitCode {
    let strategy = std::env::var("KOLLA_CONFIG_STRATEGY").ok();
    let code = kolla_core::set_configs::main(
        &kolla_core::set_configs::Paths::container(),
        std::env::args(),
        strategy.as_deref(),
        &mut std::io::stderr(),
    );
    std::process::ExitCode::from(u8::try_from(code).unwrap_or(2))
}

//! The `kolla` command. All behaviour lives in kolla-core; see `cli.rs`.

mod cli;
mod commands;

fn main() -> std::process::ExitCode {
    cli::execute()
}

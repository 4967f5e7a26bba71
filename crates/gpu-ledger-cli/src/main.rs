//! `gpu-ledger`: record, analyse and explain the lifecycle of GPU resources.
//!
//! This binary is glue: it parses arguments and wires the library crates
//! together. Each subcommand is a module of `cmd` whose `run` returns the exit
//! code; nothing here computes anything the library could.

mod cmd;

use std::process::ExitCode;

use clap::Parser;

/// Deterministic visibility into the lifecycle of GPU resources.
///
/// Exit codes: 0 success; 1 the command worked but the answer is negative
/// (`check` failed, `diff` regressed); 2 a usage or runtime error (unusable
/// input). A recoverable problem in the input (a trace cut short by a crash,
/// malformed log lines) is reported on stderr and in the output and leaves the
/// exit code alone. A broken pipe exits 0 quietly.
#[derive(Debug, Parser)]
#[command(name = "gpu-ledger", version, about, long_about)]
struct Cli {
    #[command(subcommand)]
    command: cmd::Command,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cmd::run(cli.command) {
        Ok(code) => code,
        Err(error) if is_broken_pipe(&error) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("gpu-ledger: {error:#}");
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

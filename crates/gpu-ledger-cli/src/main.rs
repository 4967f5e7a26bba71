//! `gpu-ledger`: record, analyse and explain the lifecycle of GPU resources.
//!
//! This binary is glue: it parses arguments and wires the library crates
//! together. Each subcommand is a module of `cmd` whose `run` returns the exit
//! code; nothing here computes anything the library could.

mod cmd;
#[cfg(feature = "parquet")]
mod parquet;

use std::process::ExitCode;

use clap::Parser;
use gpu_ledger::text::Escaped;

/// Deterministic visibility into the lifecycle of GPU resources.
///
/// Every command reads its input by content (a binary trace, a JSON Lines trace,
/// or a log with Omega lines) and takes `--format text|json`. Every time printed
/// is stream time, in ms since the stream started (JSON: `*_ns`), and every
/// document carries `origin_ns`, the stream time of its first event; `graph --at`
/// takes the same time.
///
/// Exit codes, one rule for every command:
///
/// 0: success: the command worked and its answer is not negative.
///
/// 1: the command worked and its answer is negative: a finding at the `--fail-on`
/// level (`check`: a failed guardrail, default level error; `diff`: a regression,
/// only with --fail-on), or what was asked about is not in the input (`explain`:
/// the resource).
///
/// 2: a usage or runtime error, unusable input included.
///
/// A recoverable problem in the input (a trace cut short by a crash, corrupt
/// blocks, malformed log lines) is reported on stderr and in the output and leaves
/// the exit code alone. A broken pipe exits 0 quietly.
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
            // One line whatever the input put in it (a name, a quoted line).
            eprintln!("gpu-ledger: {}", Escaped(&format!("{error:#}")));
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

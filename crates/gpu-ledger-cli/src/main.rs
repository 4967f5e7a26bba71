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
///
/// Log lines (gpu-ledger's live findings, wgpu's own warnings) go to stderr:
/// warnings and errors by default, more with -v, or as RUST_LOG says
/// (`RUST_LOG=gpu_ledger=warn`, env_logger's syntax), which wins over -v.
#[derive(Debug, Parser)]
#[command(name = "gpu-ledger", version, about, long_about)]
struct Cli {
    #[command(subcommand)]
    command: cmd::Command,
    /// Log more on stderr: -v info, -vv debug, -vvv trace (default: warnings and
    /// errors). RUST_LOG, when set, decides instead.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    verbose: u8,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    install_logger(cli.verbose);
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

/// Sends the `log` facade's records (gpu-ledger's live findings, wgpu's
/// warnings) to stderr, one line each, filtered by RUST_LOG or `-v`.
fn install_logger(verbose: u8) {
    let level = match verbose {
        0 => "warn",
        1 => "info",
        2 => "debug",
        _ => "trace",
    };
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or(level))
        .format_timestamp_millis()
        .init();
}

fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

//! The subcommands, one module each; this module only dispatches.

use std::process::ExitCode;

use clap::Subcommand;

/// `print!` to stdout that returns the write error instead of panicking, so that a
/// closed pipe (`gpu-ledger report big.trace | head -1`) reaches `main`, which
/// exits 0 quietly on it.
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        write!(std::io::stdout().lock(), $($arg)*)
    }};
}

/// `println!` to stdout that returns the write error instead of panicking (see `out!`).
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        writeln!(std::io::stdout().lock(), $($arg)*)
    }};
}

mod args;
mod check;
#[cfg(feature = "demo")]
mod demo;
mod diff;
mod explain;
mod export;
mod graph;
mod input;
mod overhead;
mod pictures;
mod report;
mod synth;
mod timeline;

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Run the headless demo compositor on the GPU, write its trace and report on it.
    #[cfg(feature = "demo")]
    Demo(demo::Args),
    /// Report startup frames, destroy causes, top churn and startup vs teardown.
    Report(report::Args),
    /// Tell the whole story of one resource; exit 1 when it is not in the input.
    Explain(explain::Args),
    /// Emit a compact timeline of one window, one line per packet.
    Timeline(timeline::Args),
    /// Dump the live resource graph at one point, by owner.
    Graph(graph::Args),
    /// Compare two reports; exit 1 on a regression with --fail-on.
    Diff(diff::Args),
    /// Check the guardrails; exit 1 when one fails at the --fail-on level (default error).
    Check(check::Args),
    /// Convert a trace or log into a trace, a Perfetto trace or Chrome trace JSON.
    Export(export::Args),
    /// Measure what recording costs on this machine.
    Overhead(overhead::Args),
    /// Write a realistic synthetic trace through the real recorder.
    Synth(synth::Args),
}

pub(crate) fn run(command: Command) -> anyhow::Result<ExitCode> {
    match command {
        #[cfg(feature = "demo")]
        Command::Demo(args) => demo::run(args),
        Command::Report(args) => report::run(args),
        Command::Explain(args) => explain::run(args),
        Command::Timeline(args) => timeline::run(args),
        Command::Graph(args) => graph::run(args),
        Command::Diff(args) => diff::run(args),
        Command::Check(args) => check::run(args),
        Command::Export(args) => export::run(args),
        Command::Overhead(args) => overhead::run(args),
        Command::Synth(args) => synth::run(args),
    }
}

/// The exit code of a command that worked: 1 when its answer is negative, else 0
/// (the one rule, stated in `gpu-ledger --help`).
pub(crate) fn negative_if(negative: bool) -> ExitCode {
    if negative {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

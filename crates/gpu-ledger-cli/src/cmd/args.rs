//! The arguments commands share, each defined once (as ripgrep defines each flag
//! once): the input, `--format`, `-o/--out` and `--fail-on` mean the same, with the
//! same help, in every command that takes them.

use std::path::{Path, PathBuf};

use clap::ValueEnum;
use gpu_ledger::analysis::Severity;

/// Output format shared by every subcommand.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// Aligned tables for people.
    #[default]
    Text,
    /// One JSON document for scripts (schema: docs/report-schema.md).
    Json,
}

/// The input a command reads.
#[derive(Debug, clap::Args)]
pub(crate) struct Input {
    /// The input: a binary trace, a JSON Lines trace, or a log with Omega lines
    /// ([OmegaWTKGPU], [OmegaGTEResource], [OmegaWTKSync], engine debug and NSLog
    /// lines), detected by content; `-` reads standard input (a pipe is read
    /// whole, once). A damaged input is read as far as it goes and the damage
    /// reported.
    #[arg(value_name = "INPUT")]
    pub(crate) input: PathBuf,
}

impl Input {
    /// The input's path.
    pub(crate) fn path(&self) -> &Path {
        &self.input
    }
}

/// `--format`.
#[derive(Debug, clap::Args)]
pub(crate) struct Output {
    /// Output format: text, or one JSON document (schema: docs/report-schema.md).
    #[arg(long, value_enum, default_value_t)]
    pub(crate) format: Format,
}

/// `-o/--out`, required.
#[derive(Debug, clap::Args)]
pub(crate) struct Out {
    /// The file to write (`-`: standard output); a `.jsonl` name (or `-`) writes a
    /// JSON Lines trace, any other name a binary trace.
    #[arg(short, long, value_name = "FILE")]
    pub(crate) out: PathBuf,
}

/// `-o/--out`, with a default.
#[derive(Debug, clap::Args)]
pub(crate) struct MaybeOut {
    /// The file to write; a `.jsonl` name writes a JSON Lines trace, any other name
    /// a binary trace.
    #[arg(short, long, value_name = "FILE")]
    pub(crate) out: Option<PathBuf>,
}

/// `--fail-on`.
#[derive(Debug, clap::Args)]
pub(crate) struct FailOn {
    /// Exit 1 when a finding is at this level or worse: `warning` or `error`.
    /// `check`: a failed guardrail has its own severity (default: error).
    /// `diff`: a regression is an error (default: never fail).
    #[arg(long, value_parser = parse_severity)]
    pub(crate) fail_on: Option<Severity>,
}

fn parse_severity(name: &str) -> Result<Severity, String> {
    Severity::from_name(name)
        .ok_or_else(|| format!("unknown severity {name:?}: use warning or error"))
}

//! The subcommands, one module each; this module only dispatches.

use std::process::ExitCode;

use clap::{Subcommand, ValueEnum};

mod overhead;
mod synth;

/// Output format shared by every subcommand.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// Aligned tables for people.
    #[default]
    Text,
    /// One JSON document for scripts.
    Json,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Measure what recording costs on this machine.
    Overhead(overhead::Args),
    /// Write a realistic synthetic trace through the real recorder.
    Synth(synth::Args),
}

pub(crate) fn run(command: Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::Overhead(args) => overhead::run(args),
        Command::Synth(args) => synth::run(args),
    }
}

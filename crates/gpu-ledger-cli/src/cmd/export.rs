//! `gpu-ledger export`: rewrites any input as a binary or JSON Lines trace.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use gpu_ledger::format::{BinaryWriter, BlockPolicy, JsonLinesWriter};

use super::input;

/// The trace format to write.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum To {
    /// One JSON record per line, for people and scripts.
    Jsonl,
    /// The compact binary trace.
    Binary,
}

/// Convert a trace or an Omega log into a binary or JSON Lines trace.
///
/// `-` as OUT writes to stdout. A damaged input is converted as far as it reads.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The trace or log to read.
    file: PathBuf,
    /// The format to write.
    #[arg(long, value_enum, default_value_t = To::Jsonl)]
    to: To,
    /// Where to write.
    #[arg(long, short)]
    out: PathBuf,
}

pub(crate) fn run(args: Args) -> anyhow::Result<ExitCode> {
    let out: Box<dyn Write + Send> = if args.out.as_os_str() == "-" {
        Box::new(std::io::stdout())
    } else {
        let file = File::create(&args.out)
            .with_context(|| format!("cannot create {}", args.out.display()))?;
        Box::new(file)
    };
    let out = BufWriter::with_capacity(1 << 20, out);
    let notes = match args.to {
        To::Jsonl => {
            let mut writer = JsonLinesWriter::new(out);
            let notes = input::replay(&args.file, &mut writer)?;
            writer.finish()?.flush()?;
            notes
        }
        To::Binary => {
            let mut writer = BinaryWriter::with_policy(out, BlockPolicy::size_only());
            let notes = input::replay(&args.file, &mut writer)?;
            writer.finish()?.flush()?;
            notes
        }
    };
    notes.warn(&args.file);
    Ok(ExitCode::SUCCESS)
}

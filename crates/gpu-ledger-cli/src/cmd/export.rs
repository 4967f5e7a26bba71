//! `gpu-ledger export`: rewrites any input as a binary or JSON Lines trace.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::process::ExitCode;

use anyhow::Context;
use gpu_ledger::format::{BlockPolicy, ExportReport, TraceFormat, TraceWriter};
use gpu_ledger::input::WithInput;

use super::args::{Format, Input, Out, Output};
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
/// The format follows the output's name (`.jsonl` or `-`: JSON Lines; anything
/// else: binary) unless --to names one. `-o -` writes the trace to stdout and
/// prints nothing else there. A damaged input is converted as far as it reads;
/// blocks are cut by size only, so the same input exports to the same bytes.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(flatten)]
    input: Input,
    /// The format to write, whatever the output's name.
    #[arg(long, value_enum)]
    to: Option<To>,
    #[command(flatten)]
    out: Out,
    #[command(flatten)]
    output: Output,
}

pub(crate) fn run(args: Args) -> anyhow::Result<ExitCode> {
    let path = args.input.path();
    let out_path = &args.out.out;
    let to_stdout = out_path.as_os_str() == "-";
    let format = match args.to {
        Some(To::Jsonl) => TraceFormat::JsonLines,
        Some(To::Binary) => TraceFormat::Binary,
        None => TraceFormat::for_path(out_path),
    };
    let out: Box<dyn Write + Send> = if to_stdout {
        Box::new(std::io::stdout())
    } else {
        let file = File::create(out_path)
            .with_context(|| format!("cannot create {}", out_path.display()))?;
        Box::new(file)
    };
    let out = BufWriter::with_capacity(1 << 20, out);
    let mut writer = TraceWriter::new(out, format, BlockPolicy::size_only())?;
    let summary = input::read(path, &mut writer)?;
    let report = ExportReport::new(
        out_path,
        format,
        writer.events_written(),
        writer.origin_ns(),
    );
    writer.finish()?;
    if !to_stdout {
        match args.output.format {
            Format::Json => outln!(
                "{}",
                WithInput::new(&report, summary.report(path)).to_json_string()
            )?,
            Format::Text => out!("{}", report.render_text())?,
        }
    }
    Ok(ExitCode::SUCCESS)
}

//! `gpu-ledger export`: rewrites any input as a binary or JSON Lines trace, or draws
//! it as a Perfetto trace or Chrome trace JSON to open in a timeline viewer.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use gpu_ledger::format::{BlockPolicy, ExportReport, TraceFormat, TraceWriter};
use gpu_ledger::input::WithInput;

use super::args::{Format, Input, Out, Output};
use super::input;
use super::pictures::{self, Timeline};

/// The format to write.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum To {
    /// One JSON record per line, for people and scripts.
    Jsonl,
    /// The compact binary trace.
    Binary,
    /// A Perfetto trace (.pftrace): open it in ui.perfetto.dev.
    Perfetto,
    /// Chrome trace event JSON, for chrome://tracing and older viewers.
    Chrome,
}

/// Convert a trace or an Omega log into a binary or JSON Lines trace, or draw it
/// as a Perfetto trace or Chrome trace JSON.
///
/// The format follows the output's name (`.jsonl` or `-`: JSON Lines; `.pftrace`:
/// Perfetto; anything else: binary) unless --to names one. `-o -` writes to stdout
/// and prints nothing else there. A damaged input is converted as far as it reads;
/// blocks are cut by size only, so the same input exports to the same bytes. The
/// Perfetto trace has a track per lane (a slice per packet, named by result and
/// render command, with flows to the resource events it caused), live-resource
/// counters per type, each owner's resource lifetimes with rebuilds and binds, and
/// the windows and failed guardrails, in stream time.
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
    let to = args.to.unwrap_or_else(|| {
        if out_path.extension().is_some_and(|e| e == "pftrace") {
            To::Perfetto
        } else if TraceFormat::for_path(out_path) == TraceFormat::JsonLines {
            To::Jsonl
        } else {
            To::Binary
        }
    });
    let out: Box<dyn Write + Send> = if to_stdout {
        Box::new(std::io::stdout())
    } else {
        let file = File::create(out_path)
            .with_context(|| format!("cannot create {}", out_path.display()))?;
        Box::new(file)
    };
    let out = BufWriter::with_capacity(1 << 20, out);
    let format = match to {
        To::Jsonl => TraceFormat::JsonLines,
        To::Binary => TraceFormat::Binary,
        To::Perfetto => return timeline(path, Timeline::Perfetto, out, &args),
        To::Chrome => return timeline(path, Timeline::Chrome, out, &args),
    };
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

/// `--to perfetto|chrome`: the input drawn as a timeline.
fn timeline(
    path: &Path,
    format: Timeline,
    out: impl Write + Send,
    args: &Args,
) -> anyhow::Result<ExitCode> {
    let (summary, export) = pictures::write_timeline(path, format, out, &args.out.out)?;
    if args.out.out.as_os_str() != "-" {
        match args.output.format {
            Format::Json => outln!(
                "{}",
                WithInput::new(&export, summary.report(path)).to_json_string()
            )?,
            Format::Text => out!("{}", export.render_text())?,
        }
    }
    Ok(ExitCode::SUCCESS)
}

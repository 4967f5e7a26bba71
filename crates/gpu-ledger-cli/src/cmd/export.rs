//! `gpu-ledger export`: rewrites any input as a binary or JSON Lines trace, or draws
//! it as a Perfetto trace or Chrome trace JSON to open in a timeline viewer.

use std::io::{BufWriter, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use gpu_ledger::format::{BlockPolicy, ExportReport, TraceFormat, TraceWriter};
use gpu_ledger::input::WithInput;
use gpu_ledger::output::{OutputFile, check_not_an_input};

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
///
/// The output is written beside its path and moved there only when whole, so a
/// failed export leaves an earlier file of that name as it was; an output that
/// is the input (under any name) is refused.
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
    let to = args.to.unwrap_or_else(|| {
        if out_path.extension().is_some_and(|e| e == "pftrace") {
            To::Perfetto
        } else if TraceFormat::for_path(out_path) == TraceFormat::JsonLines {
            To::Jsonl
        } else {
            To::Binary
        }
    });
    check_not_an_input(out_path, &[path])?;
    if out_path.as_os_str() == "-" {
        let out = BufWriter::with_capacity(1 << 20, std::io::stdout());
        export(path, to, out, out_path).context("cannot write to standard output")?;
        return Ok(ExitCode::SUCCESS);
    }
    // Written beside the output and moved there only when whole: an input that
    // cannot be read leaves an earlier file of that name as it was.
    let (written, out) = export(path, to, OutputFile::create(out_path)?, out_path)?;
    out.commit()?;
    match args.output.format {
        Format::Json => outln!("{}", written.json)?,
        Format::Text => out!("{}", written.text)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// What an export wrote: its document, as JSON and as text.
struct Written {
    json: String,
    text: String,
}

/// Writes the input at `path` into `out` as `to`, named `out_path` in the
/// document; returns the document and `out`, flushed.
fn export<W: Write + Send>(
    path: &Path,
    to: To,
    out: W,
    out_path: &Path,
) -> anyhow::Result<(Written, W)> {
    let format = match to {
        To::Jsonl => TraceFormat::JsonLines,
        To::Binary => TraceFormat::Binary,
        To::Perfetto | To::Chrome => {
            let timeline = match to {
                To::Perfetto => Timeline::Perfetto,
                _ => Timeline::Chrome,
            };
            let (summary, export, out) = pictures::write_timeline(path, timeline, out, out_path)?;
            let written = Written {
                json: WithInput::new(&export, summary.report(path)).to_json_string(),
                text: export.render_text(),
            };
            return Ok((written, out));
        }
    };
    let mut writer = TraceWriter::new(out, format, BlockPolicy::size_only())?;
    let summary = input::read(path, &mut writer)?;
    let report = ExportReport::new(
        out_path,
        format,
        writer.events_written(),
        writer.origin_ns(),
    );
    let out = writer
        .finish()
        .with_context(|| format!("cannot write the trace to {}", out_path.display()))?;
    let written = Written {
        json: WithInput::new(&report, summary.report(path)).to_json_string(),
        text: report.render_text(),
    };
    Ok((written, out))
}

//! `gpu-ledger export`: rewrites any input as a binary or JSON Lines trace, draws it
//! as a Perfetto trace or Chrome trace JSON to open in a timeline viewer, or (feature
//! `parquet`) lays it out as Parquet tables.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use gpu_ledger::format::{BlockPolicy, ExportReport, MAX_SOURCE_LEN, TraceFormat, TraceWriter};
use gpu_ledger::input::WithInput;
use gpu_ledger::output::{OutputFile, check_not_an_input, same_file};
use gpu_ledger::text::Escaped;

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
    /// A Parquet table, one row per event, for DuckDB and friends (docs/parquet.md);
    /// needs a build with the `parquet` feature.
    Parquet,
}

/// Convert a trace or an Omega log into a binary or JSON Lines trace, or draw it
/// as a Perfetto trace or Chrome trace JSON.
///
/// The format follows the output's name (`.jsonl` or `-`: JSON Lines; `.pftrace`:
/// Perfetto; `.parquet`: Parquet; anything else: binary) unless --to names one. `-o -` writes to stdout
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
    #[command(flatten)]
    parquet: ParquetArgs,
}

/// The Parquet export's own arguments.
#[derive(Debug, clap::Args)]
struct ParquetArgs {
    /// Parquet: the run's id, in every row [default: 16 hex digits of the XXH64 of
    /// the input file's bytes, the same for the same file].
    #[arg(long, value_name = "ID")]
    run_id: Option<String>,
    /// Parquet: also write the run's summary table (one row: the report's headline
    /// figures, docs/parquet.md) to this file.
    #[arg(long, value_name = "FILE")]
    summary: Option<PathBuf>,
}

pub(crate) fn run(args: Args) -> anyhow::Result<ExitCode> {
    let path = args.input.path();
    let out_path = &args.out.out;
    let to = args.to.unwrap_or_else(|| {
        if out_path.extension().is_some_and(|e| e == "pftrace") {
            To::Perfetto
        } else if out_path.extension().is_some_and(|e| e == "parquet") {
            To::Parquet
        } else if TraceFormat::for_path(out_path) == TraceFormat::JsonLines {
            To::Jsonl
        } else {
            To::Binary
        }
    });
    let summary = args.parquet.summary.as_deref();
    if to != To::Parquet && (args.parquet.run_id.is_some() || summary.is_some()) {
        anyhow::bail!("--run-id and --summary are for the Parquet export: add --to parquet");
    }
    check_not_an_input(out_path, &[path])?;
    if let Some(summary) = summary {
        check_not_an_input(summary, &[path])?;
        // Neither may exist yet, so `same_file` alone cannot tell.
        let absolute = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
        if absolute(summary) == absolute(out_path) || same_file(summary, out_path) {
            anyhow::bail!(
                "{}: the summary is the event table {} (the same file): give each its own path",
                summary.display(),
                out_path.display()
            );
        }
    }
    if out_path.as_os_str() == "-" {
        let out = BufWriter::with_capacity(1 << 20, std::io::stdout());
        export(path, to, out, out_path, &args.parquet)
            .context("cannot write to standard output")?;
        return Ok(ExitCode::SUCCESS);
    }
    // Written beside the output and moved there only when whole: an input that
    // cannot be read leaves an earlier file of that name as it was.
    let (written, out) = export(
        path,
        to,
        OutputFile::create(out_path)?,
        out_path,
        &args.parquet,
    )?;
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
    parquet_args: &ParquetArgs,
) -> anyhow::Result<(Written, W)> {
    let format = match to {
        To::Parquet => return parquet(path, out, out_path, parquet_args),
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
    if let Some(len) = writer.source_cut() {
        let line = format!(
            "{}: the stream's source ({len} bytes) is cut to its first {} bytes: a binary \
             trace header holds no more (JSON Lines keeps it whole)",
            out_path.display(),
            MAX_SOURCE_LEN
        );
        eprintln!("gpu-ledger: warning: {}", Escaped(&line));
    }
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

#[cfg(not(feature = "parquet"))]
fn parquet<W: Write + Send>(
    _: &Path,
    _: W,
    _: &Path,
    _: &ParquetArgs,
) -> anyhow::Result<(Written, W)> {
    anyhow::bail!(
        "this gpu-ledger was built without Parquet: rebuild it with `--features parquet` \
         (cargo install --path crates/gpu-ledger-cli --features parquet)"
    )
}

/// `export --to parquet`: the event table into `out`, and with --summary the summary
/// table (written whole or not at all), of one run, from one pass over the input
/// (docs/parquet.md).
#[cfg(feature = "parquet")]
fn parquet<W: Write + Send>(
    path: &Path,
    out: W,
    out_path: &Path,
    args: &ParquetArgs,
) -> anyhow::Result<(Written, W)> {
    use gpu_ledger::Tee;
    use gpu_ledger::analysis::Analyzer;

    use crate::parquet::{EventTable, RunSummary, content_run_id, write_summary};

    let run_id = match &args.run_id {
        Some(id) if id.is_empty() => anyhow::bail!("--run-id is empty: give the run a name"),
        Some(id) => id.clone(),
        None => content_run_id(path)?,
    };
    let summary_path = args.summary.as_deref();
    // Created before the input is read: a bad path fails at once.
    let summary_out = summary_path.map(OutputFile::create).transpose()?;
    let written = |path: &Path| {
        let path = path.display().to_string();
        move |e: ::parquet::errors::ParquetError| {
            anyhow::anyhow!(e).context(format!("cannot write {path}"))
        }
    };
    let mut table = EventTable::new(out, &run_id).map_err(written(out_path))?;
    let mut analyzer = Analyzer::default();
    let read = match summary_out {
        Some(_) => input::read(path, &mut Tee(&mut table, &mut analyzer))?,
        None => input::read(path, &mut table)?,
    };
    let table = table.finish().map_err(written(out_path))?;
    if let (Some(out), Some(summary_path)) = (summary_out, summary_path) {
        let report = analyzer.report();
        let run = RunSummary {
            run_id: &run_id,
            input: path,
            read: &read,
            report: &report,
        };
        write_summary(out, &run)
            .map_err(written(summary_path))?
            .commit()?;
    }
    let mut report = ExportReport::new(out_path, TraceFormat::Binary, table.rows, table.origin_ns);
    // The trace formats are the core's; Parquet is this binary's own.
    report.trace.trace_format = "parquet".to_owned();
    let summary = summary_path.map(|p| p.display().to_string());
    let mut text = report.render_text();
    text.push_str(&format!("run {run_id}: {} row groups\n", table.row_groups));
    if let Some(summary) = &summary {
        text.push_str(&format!("wrote the summary of run {run_id} to {summary}\n"));
    }
    let doc = ParquetExport {
        export: &report,
        run_id: &run_id,
        summary,
    };
    let written = Written {
        json: WithInput::new(&doc, read.report(path)).to_json_string(),
        text,
    };
    Ok((written, table.out))
}

/// The Parquet export's document: the export's, and the run's id and summary file.
#[cfg(feature = "parquet")]
#[derive(serde::Serialize)]
struct ParquetExport<'a> {
    #[serde(flatten)]
    export: &'a ExportReport,
    run_id: &'a str,
    summary: Option<String>,
}

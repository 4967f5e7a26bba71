//! Reading any input the CLI accepts, detected by content: a binary trace, a JSON
//! Lines trace, or a raw log with Omega lines in it.
//!
//! Every command that reads a file goes through [`replay`], so detection, the
//! progress bar on large files and the reporting of recoverable damage (a cut
//! trace, corrupt blocks, malformed lines, what a log cannot tell) are one thing.
//! Recoverable problems never change the exit code; unusable input is an error.

use std::fs::File;
use std::io::{BufRead, BufReader, IsTerminal};
use std::path::Path;

use anyhow::Context;
use gpu_ledger::EventSink;
use gpu_ledger::format::{DETECT_PREFIX, InputKind, ReadSummary, TraceReader, detect};
use gpu_ledger::import::{ImportSummary, OmegaImport, Sources};
use indicatif::{ProgressBar, ProgressFinish, ProgressStyle};
use serde_json::{Value, json};

/// Files at least this large show a progress bar (when stderr is a terminal).
const PROGRESS_FROM_BYTES: u64 = 32 << 20;

/// What reading an input found, besides its events.
#[derive(Debug)]
pub(crate) enum InputNotes {
    /// A binary or JSON Lines trace.
    Trace(ReadSummary),
    /// A renderer log, imported.
    Log(ImportSummary),
}

impl InputNotes {
    /// The input's kind, as `input.kind` in JSON spells it.
    fn kind(&self) -> &'static str {
        match self {
            InputNotes::Trace(summary) if summary.lines > 0 => "jsonl-trace",
            InputNotes::Trace(_) => "binary-trace",
            InputNotes::Log(_) => "omega-log",
        }
    }

    /// Recoverable problems and limits of the input, one sentence each.
    pub(crate) fn warnings(&self) -> Vec<String> {
        match self {
            InputNotes::Trace(summary) if summary.is_clean() => Vec::new(),
            InputNotes::Trace(summary) => vec![format!("the input is damaged: {summary}")],
            InputNotes::Log(summary) => {
                let mut warnings = Vec::new();
                if summary.malformed > 0 {
                    let first = summary
                        .malformed_examples
                        .first()
                        .map(|m| format!(", first {m}"))
                        .unwrap_or_default();
                    warnings.push(format!(
                        "{} malformed log lines skipped{first}",
                        summary.malformed
                    ));
                }
                warnings.extend(summary.limitations.iter().cloned());
                warnings
            }
        }
    }

    /// Prints the warnings on stderr.
    pub(crate) fn warn(&self, path: &Path) {
        for warning in self.warnings() {
            eprintln!("gpu-ledger: warning: {}: {warning}", path.display());
        }
    }

    /// The `input` object of JSON outputs.
    pub(crate) fn to_json(&self, path: &Path) -> Value {
        let mut input = json!({
            "path": path.display().to_string(),
            "kind": self.kind(),
            "warnings": self.warnings(),
        });
        match self {
            InputNotes::Trace(s) => {
                input["events"] = json!(s.events);
                input["bytes"] = json!(s.bytes);
                input["truncated_bytes"] = json!(s.truncated.as_ref().map_or(0, |t| t.lost_bytes));
                input["corrupt_regions"] = json!(s.corrupt_regions);
                input["corrupt_bytes"] = json!(s.corrupt_bytes);
                input["malformed_lines"] = json!(s.malformed_lines);
            }
            InputNotes::Log(s) => {
                input["lines"] = json!(s.lines);
                input["events"] = json!(s.events);
                input["other_lines"] = json!(s.other_lines);
                input["malformed_lines"] = json!(s.malformed);
                input["duplicates_skipped"] = json!(s.duplicates_skipped);
                input["implicit_creates"] = json!(s.implicit_creates);
            }
        }
        input
    }

    /// A short "Input" section for text outputs.
    pub(crate) fn render_text(&self, path: &Path) -> String {
        let mut text = format!("\nInput\n  {} ({})\n", path.display(), self.kind());
        match self {
            InputNotes::Trace(s) => text.push_str(&format!("  {s}\n")),
            InputNotes::Log(s) => text.push_str(&format!(
                "  {} lines: {} events, {} other lines ignored, {} malformed, {} duplicates of better lines skipped\n",
                s.lines, s.events, s.other_lines, s.malformed, s.duplicates_skipped
            )),
        }
        for warning in self.warnings() {
            text.push_str(&format!("  warning: {warning}\n"));
        }
        text
    }
}

/// Streams the events of the input at `path` into `sink`, whatever its kind.
///
/// # Errors
/// The file cannot be opened or read, or it is unusable (a bad header, a trace
/// version newer than this tool); the message names the path.
pub(crate) fn replay(path: &Path, sink: &mut dyn EventSink) -> anyhow::Result<InputNotes> {
    let mut reader = open(path)?;
    let prefix = reader
        .fill_buf()
        .with_context(|| format!("cannot read {}", path.display()))?;
    if detect(&prefix[..prefix.len().min(DETECT_PREFIX)]) != InputKind::Log {
        let mut trace =
            TraceReader::new(reader).with_context(|| format!("cannot read {}", path.display()))?;
        let summary = trace
            .replay(sink)
            .with_context(|| format!("cannot read {}", path.display()))?;
        return Ok(InputNotes::Trace(summary));
    }
    // A log is read twice: once to learn which line families it holds, once to import.
    let sources = Sources::scan(BufReader::new(File::open(path)?))
        .with_context(|| format!("cannot read {}", path.display()))?;
    let summary = OmegaImport::new(sources)
        .import(reader, sink)
        .with_context(|| format!("cannot read {}", path.display()))?;
    if summary.events == 0 {
        anyhow::bail!(
            "{}: no gpu-ledger trace and no Omega log lines in it ({} lines read): give a trace \
             written by gpu-ledger or a log with [OmegaWTKGPU], [OmegaGTEResource] or \
             [OmegaWTKSync] lines",
            path.display(),
            summary.lines
        );
    }
    Ok(InputNotes::Log(summary))
}

/// Opens `path` buffered, behind a progress bar when it is large and stderr is a terminal.
fn open(path: &Path) -> anyhow::Result<Box<dyn BufRead>> {
    let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    if len < PROGRESS_FROM_BYTES || !std::io::stderr().is_terminal() {
        return Ok(Box::new(BufReader::with_capacity(1 << 20, file)));
    }
    let bar = ProgressBar::new(len)
        .with_finish(ProgressFinish::AndClear)
        .with_style(
            ProgressStyle::with_template(
                "{msg} {wide_bar} {bytes}/{total_bytes} ({bytes_per_sec}, eta {eta})",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
    bar.set_message(format!("reading {}", path.display()));
    Ok(Box::new(BufReader::with_capacity(
        1 << 20,
        bar.wrap_read(file),
    )))
}

//! Reading the input a command was given: the library's
//! [`gpu_ledger::input::replay_read`], behind a progress bar on large files, with
//! the input's warnings on stderr.
//!
//! Detection, replay and what counts as damage are the library's; this module only
//! adds what a terminal needs. Recoverable problems never change the exit code;
//! unusable input is an error (exit 2).

use std::fs::File;
use std::io::{IsTerminal, Read};
use std::path::Path;

use anyhow::Context;
use gpu_ledger::EventSink;
use gpu_ledger::input::{InputSummary, replay_read};
use indicatif::{ProgressBar, ProgressFinish, ProgressStyle};

/// Files at least this large show a progress bar (when stderr is a terminal).
const PROGRESS_FROM_BYTES: u64 = 32 << 20;

/// Streams the input at `path` into `sink`, whatever its kind, and prints its
/// warnings on stderr.
///
/// # Errors
/// The file cannot be opened or read, or it is unusable; the message names the path.
pub(crate) fn read(path: &Path, sink: &mut dyn EventSink) -> anyhow::Result<InputSummary> {
    let summary = first_pass(path, sink)?;
    for warning in summary.warnings() {
        eprintln!("gpu-ledger: warning: {}: {warning}", path.display());
    }
    Ok(summary)
}

/// [`read`] without the warnings: the first of two passes over one input (the
/// second pass prints them).
pub(crate) fn first_pass(path: &Path, sink: &mut dyn EventSink) -> anyhow::Result<InputSummary> {
    let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    Ok(replay_read(path, progress(path, file), sink)?)
}

/// `file`, behind a progress bar when it is large and stderr is a terminal.
fn progress(path: &Path, file: File) -> Box<dyn Read> {
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    if len < PROGRESS_FROM_BYTES || !std::io::stderr().is_terminal() {
        return Box::new(file);
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
    Box::new(bar.wrap_read(file))
}

//! Reading the input a command was given: the library's [`Input`], behind a
//! progress bar on large files, with the input's warnings on stderr.
//!
//! Detection, replay, spooling a pipe and what counts as damage are the library's;
//! this module only adds what a terminal needs. Recoverable problems never change
//! the exit code; unusable input is an error (exit 2).

use std::fs::File;
use std::io::{IsTerminal, Read};
use std::path::Path;

use gpu_ledger::EventSink;
use gpu_ledger::input::{Input, InputSummary};
use gpu_ledger::live::Dump;
use gpu_ledger::text::Escaped;
use indicatif::{ProgressBar, ProgressFinish, ProgressStyle};

/// Files at least this large show a progress bar (when stderr is a terminal).
const PROGRESS_FROM_BYTES: u64 = 32 << 20;

/// Opens the input at `path` (`-`: standard input), for commands that read it
/// more than once.
///
/// # Errors
/// It cannot be opened, or (a pipe) copied; the message names the path.
pub(crate) fn open(path: &Path) -> anyhow::Result<Input> {
    Ok(Input::open(path)?)
}

/// Streams the input at `path` into `sink`, whatever its kind, and prints its
/// warnings on stderr.
///
/// # Errors
/// The file cannot be opened or read, or it is unusable; the message names the path.
pub(crate) fn read(path: &Path, sink: &mut dyn EventSink) -> anyhow::Result<InputSummary> {
    read_from(&open(path)?, sink)
}

/// [`read`] of an input already open (the last of several passes).
pub(crate) fn read_from(input: &Input, sink: &mut dyn EventSink) -> anyhow::Result<InputSummary> {
    let summary = first_pass(input, sink)?;
    for warning in summary.warnings() {
        let line = format!("{}: {warning}", input.path().display());
        eprintln!("gpu-ledger: warning: {}", Escaped(&line));
    }
    Ok(summary)
}

/// [`read_from`] without the warnings: the first of two passes over one input
/// (the second pass prints them).
pub(crate) fn first_pass(input: &Input, sink: &mut dyn EventSink) -> anyhow::Result<InputSummary> {
    let len = input.size()?;
    input
        .replay_through(sink, |file| progress(input.path(), file, len))
        .or_else(|error| {
            // Refused as neither trace nor log, a dump would send its user hunting
            // for damage: it is our own file, read by other commands.
            let dump = input
                .reader()
                .ok()
                .and_then(|r| Dump::from_reader(input.path(), r).ok().flatten());
            match dump {
                Some(_) => anyhow::bail!(
                    "{}: a gpu-ledger dump (one point of a running process, not its event \
                     stream): read it with `gpu-ledger graph` or `gpu-ledger timeline`",
                    input.path().display()
                ),
                None => Err(error.into()),
            }
        })
}

/// `file`, behind a progress bar when it is large and stderr is a terminal.
fn progress(path: &Path, file: File, len: u64) -> Box<dyn Read> {
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
    bar.set_message(format!("reading {}", Escaped(&path.display().to_string())));
    Box::new(bar.wrap_read(file))
}

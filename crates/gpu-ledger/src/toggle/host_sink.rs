//! The sink a host's toggles ask for: a trace file, the startup summary, or both.
//!
//! The trace is written by [`TraceWriter`], which picks the format from the path
//! for every command and host alike (JSON Lines for a `.jsonl` path, binary
//! otherwise); this sink adds the startup summary, for the Rust host
//! ([`crate::toggle::start`]) and the C API alike. It never prints except into
//! the summary writer the host handed it.
//!
//! The trace is an [`OutputFile`]: while the host runs it is written beside its
//! path (`<path>.<8 hex digits>.partial`) and it replaces the path when the sink is
//! finished or dropped, so an earlier trace of the same name survives until the
//! new one is whole. A host that dies first leaves the partial file, readable up
//! to its last whole block.

use std::io::Write;
use std::path::Path;

use super::StartupReport;
use crate::analysis::{Analyzer, Definitions};
use crate::error::Error;
use crate::event::{Event, EventSink, Name, StreamInfo};
use crate::format::{BlockPolicy, TraceWriter};
use crate::output::OutputFile;

/// A trace file and/or a startup summary, as one [`EventSink`].
///
/// # Example
/// ```
/// use gpu_ledger::toggle::HostSink;
/// use gpu_ledger::EventSink;
///
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("run.gltrace");
/// let mut sink = HostSink::open(Some(&path), None)?;
/// sink.on_flush();
/// assert!(!path.exists(), "written beside its path while the host runs");
/// sink.finish()?;
/// assert!(std::fs::metadata(&path)?.len() > 0, "the header is written");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct HostSink {
    trace: Option<TraceWriter<OutputFile>>,
    summary: Option<StartupReport>,
    /// The first error closing the trace at the end of the stream, for [`HostSink::finish`].
    error: Option<Error>,
}

impl HostSink {
    /// Creates the trace file at `trace` (JSON Lines if it ends in `.jsonl`,
    /// binary otherwise), and with `summary` writes the startup summary there
    /// once, when the first stable present window is reached (or at finish).
    ///
    /// # Errors
    /// The trace file cannot be created ([`crate::ErrorKind::Io`], naming the
    /// path; the cause is the [`std::io::Error`]), or a `.jsonl` path in a build
    /// without the `json` feature ([`crate::ErrorKind::Unsupported`]).
    pub fn open(
        trace: Option<&Path>,
        summary: Option<Box<dyn Write + Send>>,
    ) -> Result<Self, Error> {
        let trace = trace
            .map(|path| TraceWriter::create(path, None, BlockPolicy::default()))
            .transpose()?;
        let summary =
            summary.map(|out| StartupReport::new(Analyzer::new(Definitions::default()), out));
        Ok(Self {
            trace,
            summary,
            error: None,
        })
    }

    /// Whether it writes nothing at all.
    pub fn is_empty(&self) -> bool {
        self.trace.is_none() && self.summary.is_none()
    }

    /// Writes the summary if it is still due, closes the trace and moves it to
    /// its path, and returns the trace writer's first error. Idempotent after
    /// [`EventSink::on_finish`] (the end of the stream does all this already;
    /// dropping the sink too, ignoring errors).
    ///
    /// # Errors
    /// The first error writing, flushing or moving the trace
    /// ([`crate::ErrorKind::Io`], naming the path).
    pub fn finish(mut self) -> Result<(), Error> {
        if let Some(summary) = &mut self.summary {
            summary.on_finish();
        }
        self.close_trace();
        self.error.take().map_or(Ok(()), Err)
    }

    /// Closes the trace and moves it to its path, once; keeps the first error.
    fn close_trace(&mut self) {
        if let Some(writer) = self.trace.take()
            && let Err(error) = writer.finish().and_then(OutputFile::commit)
        {
            self.error.get_or_insert(error);
        }
    }

    fn each(&mut self, mut call: impl FnMut(&mut dyn EventSink)) {
        if let Some(trace) = &mut self.trace {
            call(trace);
        }
        if let Some(summary) = &mut self.summary {
            call(summary);
        }
    }
}

impl EventSink for HostSink {
    fn on_start(&mut self, info: &StreamInfo) {
        self.each(|sink| sink.on_start(info));
    }
    fn on_name(&mut self, name: Name, text: &str) {
        self.each(|sink| sink.on_name(name, text));
    }
    fn on_event(&mut self, event: &Event) {
        self.each(|sink| sink.on_event(event));
    }
    fn on_flush(&mut self) {
        self.each(|sink| sink.on_flush());
    }
    fn on_finish(&mut self) {
        self.each(|sink| sink.on_finish());
        // The stream is over: the trace is whole, so it takes its path now, not
        // when (or if) the host gets around to dropping the sink.
        self.close_trace();
    }
}

impl std::fmt::Debug for HostSink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HostSink")
            .field("trace", &self.trace.is_some())
            .field("summary", &self.summary)
            .finish()
    }
}

impl Drop for HostSink {
    /// A host that drops its ledger without finishing it keeps its trace.
    fn drop(&mut self) {
        self.close_trace();
    }
}

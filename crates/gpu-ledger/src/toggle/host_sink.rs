//! The sink a host's toggles ask for: a trace file, the startup summary, or both.
//!
//! The trace is written by [`TraceWriter`], which picks the format from the path
//! for every command and host alike (JSON Lines for a `.jsonl` path, binary
//! otherwise); this sink adds the startup summary, for the Rust host
//! ([`crate::toggle::start`]) and the C API alike. It never prints except into
//! the summary writer the host handed it.
//!
//! Unlike every other output, the trace is written at its path as it grows
//! ([`TraceWriter::create_live`]): it is read while the host runs (`tail`, a
//! script waiting for a present) and must be found there, whole up to its last
//! block, after a crash. Default paths carry the process start time, so one run
//! does not replace another's trace.

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
/// sink.finish()?;
/// assert!(std::fs::metadata(&path)?.len() > 0, "the header is written");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct HostSink {
    trace: Option<TraceWriter<OutputFile>>,
    summary: Option<StartupReport>,
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
            .map(|path| TraceWriter::create_live(path, None, BlockPolicy::default()))
            .transpose()?;
        let summary =
            summary.map(|out| StartupReport::new(Analyzer::new(Definitions::default()), out));
        Ok(Self { trace, summary })
    }

    /// Whether it writes nothing at all.
    pub fn is_empty(&self) -> bool {
        self.trace.is_none() && self.summary.is_none()
    }

    /// Writes the summary if it is still due, closes the trace, and returns the
    /// trace writer's first error. Idempotent after [`EventSink::on_finish`].
    ///
    /// # Errors
    /// The first error writing or flushing the trace ([`crate::ErrorKind::Io`]).
    pub fn finish(mut self) -> Result<(), Error> {
        if let Some(summary) = &mut self.summary {
            summary.on_finish();
        }
        match self.trace.take() {
            Some(writer) => writer.finish().map(drop),
            None => Ok(()),
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

//! [`HostSink`]: what a host's ledger streams into — a trace file and the live
//! analysis — as one sink, for the [`Session`](crate::live::Session), the
//! `GPU_LEDGER_*` toggles and the C API alike.
//!
//! The trace is written by [`TraceWriter`], which picks the format from the path
//! (JSON Lines for a `.jsonl` path, binary otherwise). The trace comes first in
//! every call, so that it holds each event before the live analysis reacts to it
//! (an assertion stops the process after the trace has had the pass). It never
//! prints.
//!
//! Unlike every other output, the trace is written at its path as it grows
//! ([`TraceWriter::create_live`]): it is read while the host runs (`tail`, a
//! script waiting for a present) and must be found there, whole up to its last
//! block, after a crash. Default paths carry the process start time, so one run
//! does not replace another's trace.

use std::path::Path;

use super::sink::{LiveConfig, LiveSink};
use crate::error::Error;
use crate::event::{Event, EventSink, Name, StreamInfo};
use crate::format::{BlockPolicy, TraceWriter};
use crate::output::OutputFile;
use crate::record::{AssertMode, Recorder};

/// A trace file (optional) and the live analysis, as one [`EventSink`].
///
/// # Example
/// ```
/// use gpu_ledger::live::{HostSink, LiveConfig};
/// use gpu_ledger::EventSink;
///
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("run.gltrace");
/// let mut sink = HostSink::open(Some(&path), LiveConfig::default())?;
/// sink.on_flush();
/// sink.finish()?;
/// assert!(std::fs::metadata(&path)?.len() > 0, "the header is written");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct HostSink {
    trace: Option<TraceWriter<OutputFile>>,
    live: LiveSink,
}

impl HostSink {
    /// Creates the trace file at `trace` (JSON Lines if it ends in `.jsonl`,
    /// binary otherwise; `None` for no trace) and the live analysis `live` asks for.
    ///
    /// # Errors
    /// The trace file cannot be created ([`crate::ErrorKind::Io`], naming the
    /// path; the cause is the [`std::io::Error`]), or a `.jsonl` path in a build
    /// without the `json` feature ([`crate::ErrorKind::Unsupported`]).
    pub fn open(trace: Option<&Path>, live: LiveConfig) -> Result<Self, Error> {
        let trace = trace
            .map(|path| TraceWriter::create_live(path, None, BlockPolicy::default()))
            .transpose()?;
        Ok(Self::new(trace, live))
    }

    /// The trace writer `trace` (made by the caller: [`TraceWriter::create`]
    /// writes beside its path and moves the file there when [`close`](Self::close)
    /// commits it) and the live analysis `live` asks for.
    pub fn new(trace: Option<TraceWriter<OutputFile>>, live: LiveConfig) -> Self {
        Self {
            trace,
            live: LiveSink::new(live),
        }
    }

    /// Attaches the live analysis to the ledger that feeds it ([`LiveSink::attach`]).
    pub fn attach(&mut self, recorder: Recorder, assert: AssertMode) {
        self.live.attach(recorder, assert);
    }

    /// The live analysis.
    pub fn live(&self) -> &LiveSink {
        &self.live
    }

    /// Closes and commits the trace ([`OutputFile::commit`]) and hands back the
    /// live analysis (its startup summary written if it was still due).
    /// Idempotent after [`EventSink::on_finish`].
    ///
    /// # Errors
    /// The first error writing, flushing or moving the trace into place
    /// ([`crate::ErrorKind::Io`]).
    pub fn close(self) -> Result<LiveSink, Error> {
        if let Some(writer) = self.trace {
            writer.finish()?.commit()?;
        }
        Ok(self.live)
    }

    /// [`close`](Self::close), dropping the live analysis.
    ///
    /// # Errors
    /// As [`close`](Self::close).
    pub fn finish(self) -> Result<(), Error> {
        self.close().map(drop)
    }

    fn each(&mut self, mut call: impl FnMut(&mut dyn EventSink)) {
        if let Some(trace) = &mut self.trace {
            call(trace);
        }
        call(&mut self.live);
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
    fn on_dump(&mut self, path: &Path) -> Option<Result<u64, Error>> {
        self.live.on_dump(path)
    }
}

impl std::fmt::Debug for HostSink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HostSink")
            .field("trace", &self.trace.is_some())
            .field("live", &self.live)
            .finish()
    }
}

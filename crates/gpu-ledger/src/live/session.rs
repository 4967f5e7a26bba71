//! [`Session`]: a ledger that writes a trace and runs the live analysis, started in
//! one call, which hands back the [`Report`] when it finishes.
//!
//! It is the shortest way for a Rust host to record: no sink to assemble, no sink
//! type to name at the end. It composes what the toggles and the C API use
//! ([`HostSink`]: the trace writer and the [`LiveSink`](super::LiveSink)), so a
//! session's findings, dumps and report are theirs.

use std::ops::Deref;
use std::path::Path;
use std::sync::Arc;

use super::host::HostSink;
use super::sink::LiveConfig;
use crate::analysis::{Analyzer, Report};
use crate::error::{Error, ErrorKind};
use crate::format::TraceWriter;
use crate::output::OutputFile;
use crate::record::{Ledger, LedgerConfig};

/// A recording session: a [`Ledger`] (it derefs to one) writing a trace, with the
/// live analysis running on its drain thread.
///
/// # Example
/// ```
/// use gpu_ledger::{Owner, OwnerKind, PacketRef, PacketStage, ResourceType, Session};
///
/// let dir = tempfile::tempdir()?;
/// let session = Session::start(dir.path().join("run.gltrace"))?;
/// let queue = session.next_resource_id();
/// session.create(queue, ResourceType::CommandQueue, Owner::new(OwnerKind::RootVisual, 1), None);
/// for p in 1..=3 {
///     session.packet(PacketRef::new(1, p), PacketStage::Presented);
/// }
/// let report = session.finish()?; // the trace is closed, and this is its report
/// assert_eq!((report.totals.created, report.totals.presented), (1, 3));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct Session {
    ledger: Arc<Ledger>,
    /// Whether it was started recording (not [`Session::disabled`]).
    recording: bool,
}

impl Session {
    /// Starts recording into the trace file `trace` (JSON Lines if it ends in
    /// `.jsonl`, binary otherwise), with the default configuration: findings to
    /// the `log` facade, destroy checks warning.
    ///
    /// # Errors
    /// The trace file cannot be created ([`ErrorKind::Io`], naming the path).
    pub fn start(trace: impl AsRef<Path>) -> Result<Self, Error> {
        Self::start_with(
            Some(trace.as_ref()),
            LedgerConfig::default(),
            LiveConfig::default(),
        )
    }

    /// Starts recording into `trace` (or no file), recording as `config` says and
    /// analysing as `live` says ([`LedgerConfig::assert`] decides what a failed
    /// destroy check does).
    ///
    /// # Errors
    /// As [`start`](Self::start).
    pub fn start_with(
        trace: Option<&Path>,
        config: LedgerConfig,
        live: LiveConfig,
    ) -> Result<Self, Error> {
        Ok(Self {
            ledger: Arc::new(start_ledger(trace, config, live)?),
            recording: true,
        })
    }

    /// Starts recording into `trace`, a writer the caller made: with
    /// [`TraceWriter::create`] the trace is written beside its path and moved
    /// there by [`finish`](Self::finish), so a run given up with
    /// [`abandon`](Self::abandon) leaves an earlier file alone.
    pub fn start_writer(
        trace: TraceWriter<OutputFile>,
        config: LedgerConfig,
        live: LiveConfig,
    ) -> Self {
        Self {
            ledger: Arc::new(attached(HostSink::new(Some(trace), live), config)),
            recording: true,
        }
    }

    /// Finishes the ledger and drops the trace uncommitted: a trace from
    /// [`start_writer`](Self::start_writer) never reaches its path (one written in
    /// place as it grows, by [`start`](Self::start), stays as far as it got).
    pub fn abandon(self) {
        drop(self.ledger.finish());
    }

    /// A session that records nothing (every call a load and a branch), and whose
    /// [`finish`](Self::finish) gives an empty report.
    pub fn disabled() -> Self {
        Self {
            ledger: Arc::new(Ledger::disabled()),
            recording: false,
        }
    }

    /// The ledger, shared: hand it to what records (`gpu_ledger_wgpu::TrackedDevice`).
    pub fn ledger(&self) -> &Arc<Ledger> {
        &self.ledger
    }

    /// Finishes the ledger ([`Ledger::finish`]: everything recorded so far is
    /// drained), closes the trace and returns the report of the whole stream, the
    /// one `gpu-ledger report` prints for the trace.
    ///
    /// # Errors
    /// [`ErrorKind::Io`] when the trace could not be written;
    /// [`ErrorKind::Unsupported`] when the drain thread ended early (its sink panicked).
    pub fn finish(self) -> Result<Report, Error> {
        let finished = self.ledger.finish();
        if !self.recording {
            return Ok(Analyzer::default().report());
        }
        let sink = finished.into_sink::<HostSink>().ok_or_else(gone)?;
        Ok(sink.close()?.analyzer().report())
    }
}

/// The drain thread did not hand its sink back.
fn gone() -> Error {
    Error::new(
        ErrorKind::Unsupported,
        "the ledger's drain thread ended early (its sink panicked), or the session was already \
         finished: there is no report",
    )
}

/// Starts the ledger a [`Session`] wraps, for a host that keeps its own handle
/// (the C API, the toggles): it streams into a [`HostSink`] writing `trace` (if
/// any) and analysing as `live` says, attached so that its findings reach the
/// stream and `config.assert` applies. Take the sink back at the end with
/// `finish().into_sink::<HostSink>()`.
///
/// # Errors
/// The trace file cannot be created ([`ErrorKind::Io`], naming the path).
pub fn start_ledger(
    trace: Option<&Path>,
    config: LedgerConfig,
    live: LiveConfig,
) -> Result<Ledger, Error> {
    Ok(attached(HostSink::open(trace, live)?, config))
}

/// A ledger streaming into `sink`, attached to it.
fn attached(mut sink: HostSink, config: LedgerConfig) -> Ledger {
    let assert = config.assert;
    Ledger::start_with(config, move |recorder| {
        sink.attach(recorder, assert);
        sink
    })
}

impl Deref for Session {
    type Target = Ledger;

    fn deref(&self) -> &Ledger {
        &self.ledger
    }
}

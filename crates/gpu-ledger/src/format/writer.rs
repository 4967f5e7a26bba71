//! Writing a trace in either format: [`TraceFormat`] says which, [`TraceWriter`]
//! writes it.
//!
//! This is the one place that decides which writer a trace gets, for every command,
//! the toggles' host sink and the C API alike: JSON Lines for a `.jsonl` path (or
//! `-`, standard output, read by people and pipes), the binary format for any other
//! path, unless the caller names a format. It composes the two writers and never
//! changes how either encodes. A trace file it creates is an [`OutputFile`]:
//! written beside its path and moved there only when committed, so a failed
//! run never destroys an earlier trace.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::{BinaryWriter, BlockPolicy};
use crate::error::{Error, ErrorKind};
use crate::event::{Event, EventSink, Name, StreamInfo};
use crate::output::OutputFile;
use crate::text::Escaped;

/// Which trace format to write.
///
/// # Example
/// ```
/// use gpu_ledger::format::TraceFormat;
/// use std::path::Path;
///
/// assert_eq!(TraceFormat::for_path(Path::new("run.jsonl")), TraceFormat::JsonLines);
/// assert_eq!(TraceFormat::for_path(Path::new("-")), TraceFormat::JsonLines);
/// assert_eq!(TraceFormat::for_path(Path::new("run.gltrace")), TraceFormat::Binary);
/// assert_eq!(TraceFormat::from_name("jsonl"), Some(TraceFormat::JsonLines));
/// assert_eq!(TraceFormat::Binary.name(), "binary");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TraceFormat {
    /// The compact binary trace (`docs/trace-format.md`).
    Binary,
    /// One JSON record per line (feature `json`).
    JsonLines,
}

impl TraceFormat {
    /// The format a path asks for: JSON Lines for a name ending in `.jsonl` and for
    /// `-` (standard output), binary for any other.
    pub fn for_path(path: &Path) -> Self {
        if path.as_os_str() == "-" || path.extension().is_some_and(|e| e == "jsonl") {
            TraceFormat::JsonLines
        } else {
            TraceFormat::Binary
        }
    }

    /// The format's name: `binary` or `jsonl`.
    pub const fn name(self) -> &'static str {
        match self {
            TraceFormat::Binary => "binary",
            TraceFormat::JsonLines => "jsonl",
        }
    }

    /// The format named `name` (`binary` or `jsonl`), if any.
    pub fn from_name(name: &str) -> Option<Self> {
        [TraceFormat::Binary, TraceFormat::JsonLines]
            .into_iter()
            .find(|f| f.name() == name)
    }
}

/// A trace writer of either format, as one [`EventSink`].
///
/// # Example
/// ```
/// use gpu_ledger::format::{BlockPolicy, TraceFormat, TraceWriter};
/// use gpu_ledger::{Collected, Event, EventKind, EventSink};
///
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("run.jsonl");
/// let mut writer = TraceWriter::create(&path, None, BlockPolicy::default())?;
/// assert_eq!(writer.format(), TraceFormat::JsonLines); // by the path's extension
/// writer.on_event(&Event { time_ns: 3, thread: 0, kind: EventKind::Lost { count: 1 } });
/// assert_eq!(writer.events_written(), 1);
/// assert!(!path.exists(), "written beside it until committed");
/// let bytes = writer.finish()?.commit()?;
/// assert_eq!(bytes, std::fs::metadata(&path)?.len());
/// let summary = gpu_ledger::input::replay(&path, &mut Collected::default())?;
/// assert_eq!(summary.events(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct TraceWriter<W: Write> {
    inner: Inner<W>,
    origin_ns: Option<u64>,
    /// The stream's source length in bytes, when a binary header had to cut it.
    source_cut: Option<usize>,
    /// The file written, named in every error.
    path: Option<PathBuf>,
}

enum Inner<W: Write> {
    Binary(BinaryWriter<W>),
    #[cfg(feature = "json")]
    Json(super::JsonLinesWriter<W>),
}

impl<W: Write + Send> TraceWriter<W> {
    /// A writer of `format` into `out`; `policy` says when the binary format cuts a
    /// block (JSON Lines writes a line per event).
    ///
    /// # Errors
    /// [`ErrorKind::Unsupported`] for JSON Lines in a build without the `json` feature.
    pub fn new(out: W, format: TraceFormat, policy: BlockPolicy) -> Result<Self, Error> {
        let inner = match format {
            TraceFormat::Binary => Inner::Binary(BinaryWriter::with_policy(out, policy)),
            #[cfg(feature = "json")]
            TraceFormat::JsonLines => Inner::Json(super::JsonLinesWriter::new(out)),
            #[cfg(not(feature = "json"))]
            TraceFormat::JsonLines => {
                let _ = (out, policy);
                return Err(json_unsupported());
            }
        };
        Ok(Self {
            inner,
            origin_ns: None,
            source_cut: None,
            path: None,
        })
    }

    /// The format it writes.
    pub fn format(&self) -> TraceFormat {
        match self.inner {
            Inner::Binary(_) => TraceFormat::Binary,
            #[cfg(feature = "json")]
            Inner::Json(_) => TraceFormat::JsonLines,
        }
    }

    /// Events written so far.
    pub fn events_written(&self) -> u64 {
        match &self.inner {
            Inner::Binary(w) => w.events_written(),
            #[cfg(feature = "json")]
            Inner::Json(w) => w.events_written(),
        }
    }

    /// Stream time of the first event written, ns.
    pub fn origin_ns(&self) -> Option<u64> {
        self.origin_ns
    }

    /// The stream's `source` length in bytes when the binary header cut it to
    /// [`MAX_SOURCE_LEN`](super::MAX_SOURCE_LEN) bytes (JSON Lines keeps it whole);
    /// `None` when it was written whole.
    pub fn source_cut(&self) -> Option<usize> {
        self.source_cut
    }

    /// Writes what is pending and returns the output (for a file from
    /// [`TraceWriter::create`], still to be [committed](OutputFile::commit)).
    ///
    /// # Errors
    /// The first error writing or flushing ([`ErrorKind::Io`], naming the file
    /// when it came from [`TraceWriter::create`]).
    pub fn finish(self) -> Result<W, Error> {
        let named = |e: Error| match &self.path {
            Some(path) => e.with_path(path),
            None => e,
        };
        let mut out = match self.inner {
            Inner::Binary(w) => w.finish(),
            #[cfg(feature = "json")]
            Inner::Json(w) => w.finish(),
        }
        .map_err(named)?;
        out.flush()
            .map_err(|e| named(Error::io("cannot flush the trace output", e)))?;
        Ok(out)
    }

    fn sink(&mut self) -> &mut dyn EventSink {
        match &mut self.inner {
            Inner::Binary(w) => w,
            #[cfg(feature = "json")]
            Inner::Json(w) => w,
        }
    }
}

impl TraceWriter<OutputFile> {
    /// Starts the trace file at `path`, in `format`, or when `None` in the format
    /// [`TraceFormat::for_path`] picks. The trace is written beside `path` and
    /// moved there by [`OutputFile::commit`] on what [`TraceWriter::finish`]
    /// returns; dropped before that, it leaves `path` as it was.
    ///
    /// # Errors
    /// The file cannot be created ([`ErrorKind::Io`], naming the path), or JSON Lines
    /// in a build without the `json` feature ([`ErrorKind::Unsupported`]).
    pub fn create(
        path: &Path,
        format: Option<TraceFormat>,
        policy: BlockPolicy,
    ) -> Result<Self, Error> {
        Self::file(path, format, policy, OutputFile::create)
    }

    /// [`TraceWriter::create`] for a live recording: the trace is written at
    /// `path` as it grows ([`OutputFile::live`]), readable there while the
    /// recorder runs and after a crash; an earlier file there is replaced at once.
    ///
    /// # Errors
    /// As [`TraceWriter::create`].
    pub fn create_live(
        path: &Path,
        format: Option<TraceFormat>,
        policy: BlockPolicy,
    ) -> Result<Self, Error> {
        Self::file(path, format, policy, OutputFile::live)
    }

    fn file(
        path: &Path,
        format: Option<TraceFormat>,
        policy: BlockPolicy,
        open: fn(&Path) -> Result<OutputFile, Error>,
    ) -> Result<Self, Error> {
        let format = format.unwrap_or_else(|| TraceFormat::for_path(path));
        if format == TraceFormat::JsonLines && !cfg!(feature = "json") {
            return Err(json_unsupported().with_path(path));
        }
        let mut writer = Self::new(open(path)?, format, policy)?;
        writer.path = Some(path.to_path_buf());
        Ok(writer)
    }
}

/// A JSON Lines trace asked of a build without the `json` feature.
#[cfg_attr(feature = "json", allow(dead_code))]
fn json_unsupported() -> Error {
    Error::new(
        ErrorKind::Unsupported,
        "a JSON Lines trace needs gpu-ledger's `json` feature: write a binary trace (any name \
         but .jsonl) or rebuild with it",
    )
}

impl<W: Write + Send> EventSink for TraceWriter<W> {
    fn on_start(&mut self, info: &StreamInfo) {
        if self.format() == TraceFormat::Binary && info.source.len() > super::MAX_SOURCE_LEN {
            self.source_cut = Some(info.source.len());
        }
        self.sink().on_start(info);
    }
    fn on_name(&mut self, name: Name, text: &str) {
        self.sink().on_name(name, text);
    }
    fn on_event(&mut self, event: &Event) {
        if self.origin_ns.is_none() {
            self.origin_ns = Some(event.time_ns);
        }
        self.sink().on_event(event);
    }
    fn on_flush(&mut self) {
        self.sink().on_flush();
    }
    fn on_finish(&mut self) {
        self.sink().on_finish();
    }
}

impl<W: Write> std::fmt::Debug for TraceWriter<W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let format = match self.inner {
            Inner::Binary(_) => TraceFormat::Binary,
            #[cfg(feature = "json")]
            Inner::Json(_) => TraceFormat::JsonLines,
        };
        f.debug_struct("TraceWriter")
            .field("format", &format)
            .finish_non_exhaustive()
    }
}

/// A trace file as written: where, in which format, from which stream time on. Shared
/// by the documents of the commands that write one (`export`, `synth`).
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "json", derive(serde::Serialize))]
#[non_exhaustive]
pub struct WrittenTrace {
    /// Stream time of the first event written, ns (stream time is kept as recorded).
    pub origin_ns: Option<u64>,
    /// Where the trace was written.
    pub out: String,
    /// Its format: `binary` or `jsonl`.
    pub trace_format: String,
}

impl WrittenTrace {
    /// A trace written to `out` in `format`, its first event at stream time `origin_ns`.
    pub fn new(out: &Path, format: TraceFormat, origin_ns: Option<u64>) -> Self {
        Self {
            origin_ns,
            out: out.display().to_string(),
            trace_format: format.name().to_owned(),
        }
    }
}

/// The value of [`ExportReport::format`].
pub const EXPORT_FORMAT: &str = "gpu-ledger-export";

/// What `gpu-ledger export` wrote: the trace file, its format and its events.
///
/// # Example
/// ```
/// use gpu_ledger::format::{ExportReport, TraceFormat};
/// use std::path::Path;
///
/// let report = ExportReport::new(Path::new("run.jsonl"), TraceFormat::JsonLines, 12, Some(5));
/// assert_eq!(report.render_text(), "wrote 12 events to run.jsonl (jsonl)\n");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "json", derive(serde::Serialize))]
#[non_exhaustive]
pub struct ExportReport {
    /// Always `"gpu-ledger-export"`.
    pub format: String,
    /// Schema version, 1.
    pub version: u32,
    /// The trace written.
    #[cfg_attr(feature = "json", serde(flatten))]
    pub trace: WrittenTrace,
    /// Events written.
    pub events: u64,
}

impl ExportReport {
    /// `events` events written to `out` in `format`, the first at stream time `origin_ns`.
    pub fn new(out: &Path, format: TraceFormat, events: u64, origin_ns: Option<u64>) -> Self {
        Self {
            format: EXPORT_FORMAT.to_owned(),
            version: 1,
            trace: WrittenTrace::new(out, format, origin_ns),
            events,
        }
    }

    /// One line: what was written where.
    pub fn render_text(&self) -> String {
        format!(
            "wrote {} events to {} ({})\n",
            self.events,
            Escaped(&self.trace.out),
            self.trace.trace_format
        )
    }
}

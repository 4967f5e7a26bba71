//! Telling inputs apart by content, and opening any trace as one stream.
//!
//! gpu-ledger's inputs are binary traces, JSON Lines traces and raw renderer
//! logs. Which one a file is never depends on its name: [`detect`] looks at
//! its first bytes, and [`open_trace`] / [`TraceReader::new`] pick the reader
//! to match, so every tool accepts every kind.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Chain, Cursor, Read};
use std::path::{Path, PathBuf};

use super::ReadSummary;
use super::binary::{BinaryReader, MAGIC};
use crate::error::{Error, ErrorKind};
use crate::event::EventSink;

/// What kind of input a byte stream holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum InputKind {
    /// A binary trace: starts with the magic tag (or, when shorter than
    /// it, with a prefix of it).
    BinaryTrace,
    /// A JSON Lines trace: its first non-blank line is a gpu-ledger trace header record.
    JsonLines,
    /// Anything else: taken for a raw renderer log, whose importer ignores
    /// lines it does not recognise.
    Log,
}

/// How many bytes [`TraceReader::new`] reads to detect the input kind (fewer
/// when the first line ends sooner).
pub const DETECT_PREFIX: usize = 512;

/// Tells what kind of input starts with `prefix`, by content alone.
///
/// Give it at least the first line (or the first [`DETECT_PREFIX`] bytes) of
/// the input. An empty prefix is a [`InputKind::Log`] (with nothing in it).
///
/// # Example
///
/// ```
/// use gpu_ledger::format::{detect, InputKind};
///
/// assert_eq!(detect(b"\x89GLD\r\n\x1a\n\x01\x00"), InputKind::BinaryTrace);
/// assert_eq!(
///     detect(br#"{"type":"header","format":"gpu-ledger-trace","version":1}"#),
///     InputKind::JsonLines
/// );
/// assert_eq!(detect(b"[OmegaWTKGPU] ts=1781982131501 event=Create"), InputKind::Log);
/// ```
pub fn detect(prefix: &[u8]) -> InputKind {
    if !prefix.is_empty()
        && prefix[..prefix.len().min(MAGIC.len())] == MAGIC[..prefix.len().min(MAGIC.len())]
    {
        return InputKind::BinaryTrace;
    }
    let text = prefix.strip_prefix(b"\xef\xbb\xbf").unwrap_or(prefix);
    let first = text
        .split(|&b| b == b'\n')
        .map(<[u8]>::trim_ascii)
        .find(|line| !line.is_empty())
        .unwrap_or_default();
    let is_header = first.starts_with(b"{")
        && contains(first, b"\"header\"")
        && contains(first, b"\"gpu-ledger-trace\"")
        && contains(first, b"\"type\"")
        && contains(first, b"\"format\"");
    if is_header {
        InputKind::JsonLines
    } else {
        InputKind::Log
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// The reader [`TraceReader`] detected: the input with its sniffed prefix put back in front.
type Sniffed<R> = Chain<Cursor<Vec<u8>>, R>;

enum Inner<R> {
    Binary(BinaryReader<Sniffed<R>>),
    #[cfg(feature = "json")]
    Json(super::JsonLinesReader<Sniffed<R>>),
}

/// Any gpu-ledger trace, binary or JSON Lines, detected by content.
///
/// # Example
///
/// ```
/// use gpu_ledger::format::{open_trace, BinaryWriter, InputKind};
/// use gpu_ledger::{Collected, ErrorKind, Event, EventKind, EventSink};
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("run.trace");
/// let mut writer = BinaryWriter::new(std::fs::File::create(&path)?);
/// writer.on_event(&Event { time_ns: 1, thread: 0, kind: EventKind::Lost { count: 4 } });
/// writer.finish()?;
///
/// let mut trace = open_trace(&path)?;
/// assert_eq!(trace.kind(), InputKind::BinaryTrace);
/// let summary = trace.replay(&mut Collected::default())?;
/// assert_eq!(summary.events, 1);
///
/// std::fs::write(&path, "[OmegaWTKGPU] ts=1 event=Create\n")?;
/// let err = open_trace(&path).expect_err("a log, not a trace");
/// assert_eq!(err.kind(), ErrorKind::Unsupported);
/// assert_eq!(err.path(), Some(path.as_path()));
/// # Ok(())
/// # }
/// ```
pub struct TraceReader<R> {
    inner: Inner<R>,
    path: Option<PathBuf>,
}

impl<R: BufRead> TraceReader<R> {
    /// Detects the kind of trace `input` holds and reads its header.
    ///
    /// # Errors
    ///
    /// - [`ErrorKind::Unsupported`]: the input is a raw log (read it with
    ///   [`crate::import`]), or a JSON Lines trace in a build without the
    ///   `json` feature;
    /// - any error of [`BinaryReader::new`] or `JsonLinesReader::new`.
    pub fn new(mut input: R) -> Result<Self, Error> {
        let prefix = sniff(&mut input)?;
        let kind = detect(&prefix);
        let input = Cursor::new(prefix).chain(input);
        let inner = match kind {
            InputKind::BinaryTrace => Inner::Binary(BinaryReader::new(input)?),
            #[cfg(feature = "json")]
            InputKind::JsonLines => Inner::Json(super::JsonLinesReader::new(input)?),
            #[cfg(not(feature = "json"))]
            InputKind::JsonLines => {
                return Err(Error::new(
                    ErrorKind::Unsupported,
                    "JSON Lines traces need gpu-ledger's `json` feature: rebuild with it, or \
                     convert the trace to the binary format",
                ));
            }
            InputKind::Log => {
                return Err(Error::new(
                    ErrorKind::Unsupported,
                    "input is neither a binary nor a JSON Lines gpu-ledger trace: a renderer \
                     log is read with gpu_ledger::import (`gpu-ledger report` does it for you)",
                ));
            }
        };
        Ok(Self { inner, path: None })
    }

    /// The kind of trace detected.
    pub fn kind(&self) -> InputKind {
        match self.inner {
            Inner::Binary(_) => InputKind::BinaryTrace,
            #[cfg(feature = "json")]
            Inner::Json(_) => InputKind::JsonLines,
        }
    }

    /// Streams the trace into `sink`, as [`BinaryReader::replay`] and
    /// `JsonLinesReader::replay` do.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Io`] when reading fails; damaged content is reported in
    /// the [`ReadSummary`] instead. Errors name the path when the trace was
    /// opened with [`open_trace`].
    pub fn replay(&mut self, sink: &mut dyn EventSink) -> Result<ReadSummary, Error> {
        let result = match &mut self.inner {
            Inner::Binary(reader) => reader.replay(sink),
            #[cfg(feature = "json")]
            Inner::Json(reader) => reader.replay(sink),
        };
        match &self.path {
            Some(path) => result.map_err(|e| e.with_path(path)),
            None => result,
        }
    }
}

impl<R: BufRead> std::fmt::Debug for TraceReader<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TraceReader")
            .field("kind", &self.kind())
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

/// Reads up to [`DETECT_PREFIX`] bytes, stopping early after the first
/// non-blank line.
fn sniff<R: Read>(input: &mut R) -> Result<Vec<u8>, Error> {
    let mut prefix = Vec::with_capacity(DETECT_PREFIX);
    let mut chunk = [0u8; 128];
    while prefix.len() < DETECT_PREFIX {
        let want = chunk.len().min(DETECT_PREFIX - prefix.len());
        match input.read(&mut chunk[..want]) {
            Ok(0) => break,
            Ok(n) => prefix.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => {
                let offset = prefix.len() as u64;
                return Err(Error::io(format!("cannot read input at byte {offset}"), e).at(offset));
            }
        }
        let text = prefix.trim_ascii_start();
        if text.len() >= MAGIC.len() && text.contains(&b'\n') {
            break;
        }
    }
    Ok(prefix)
}

/// Opens the trace at `path`, detecting its kind by content.
///
/// # Errors
///
/// [`ErrorKind::Io`] when the file cannot be opened, and every error of
/// [`TraceReader::new`]; all of them name the path.
pub fn open_trace(path: impl AsRef<Path>) -> Result<TraceReader<BufReader<File>>, Error> {
    let path = path.as_ref();
    let file = File::open(path).map_err(|e| Error::io("cannot open trace", e).with_path(path))?;
    let mut reader = TraceReader::new(BufReader::with_capacity(64 << 10, file))
        .map_err(|e| e.with_path(path))?;
    reader.path = Some(path.to_path_buf());
    Ok(reader)
}

/// Opens the trace at `path` and streams it into `sink`: [`open_trace`] then
/// [`TraceReader::replay`].
///
/// # Errors
///
/// Those of [`open_trace`] and [`TraceReader::replay`], naming the path.
pub fn replay_path(path: impl AsRef<Path>, sink: &mut dyn EventSink) -> Result<ReadSummary, Error> {
    open_trace(path)?.replay(sink)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detection_is_by_content() {
        assert_eq!(detect(&MAGIC), InputKind::BinaryTrace);
        assert_eq!(
            detect(&MAGIC[..3]),
            InputKind::BinaryTrace,
            "a cut-off header"
        );
        assert_eq!(detect(b""), InputKind::Log);
        assert_eq!(detect(b"\x89PNG\r\n"), InputKind::Log);
        assert_eq!(
            detect(b"\xef\xbb\xbf\r\n  {\"type\": \"header\", \"format\": \"gpu-ledger-trace\"}"),
            InputKind::JsonLines
        );
        assert_eq!(
            detect(b"{\"type\":\"event\"}\n{\"type\":\"header\",\"format\":\"gpu-ledger-trace\"}"),
            InputKind::Log
        );
        assert_eq!(
            detect(b"[OmegaGTEResource] ts=1 backend=Metal"),
            InputKind::Log
        );
    }

    #[test]
    fn missing_file_error_names_the_path() {
        let err = open_trace("/nonexistent/gpu-ledger/run.trace").expect_err("no such file");
        assert_eq!(err.kind(), ErrorKind::Io);
        assert_eq!(
            err.to_string(),
            "/nonexistent/gpu-ledger/run.trace: cannot open trace"
        );
    }
}

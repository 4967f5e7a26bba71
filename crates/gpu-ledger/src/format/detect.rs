//! Telling inputs apart by content, and opening any trace as one stream.
//!
//! gpu-ledger's inputs are binary traces, JSON Lines traces and raw renderer
//! logs. Which one a file is never depends on its name: [`detect`] looks at
//! its first bytes (the magic tag, or the first line parsed as JSON, so the
//! header's keys may come in any order and after any amount of text), and
//! [`sniff`], [`open_trace`] and [`TraceReader::new`] read as much as that
//! takes, however the input arrives (a pipe may hand over a header line in
//! pieces), so every tool accepts every kind.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Chain, Cursor, Read};
use std::path::{Path, PathBuf};

use super::binary::{BinaryReader, MAGIC};
use super::{FORMAT_TAG, ReadSummary};
use crate::error::{Error, ErrorKind};
use crate::event::EventSink;

/// What kind of input a byte stream holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum InputKind {
    /// A binary trace: starts with the magic tag (or, when shorter than
    /// it, with a prefix of it).
    BinaryTrace,
    /// A JSON Lines trace: its first non-blank line is a JSON object with
    /// `"type": "header"` and `"format": "gpu-ledger-trace"` (or, when it is
    /// not valid JSON, an object that names that format: a damaged header).
    JsonLines,
    /// Anything else: taken for a raw renderer log, whose importer ignores
    /// lines it does not recognise.
    Log,
}

/// The most bytes [`sniff`] reads to detect an input's kind: the first line
/// of a JSON Lines trace must fit (the reader's line limit, 1 MiB). Detection
/// usually needs far fewer: 8 bytes of a binary trace, or the first line.
pub const DETECT_PREFIX: usize = 1 << 20;

/// Tells what kind of input starts with `prefix`, by content alone.
///
/// Give it the input's first non-blank line whole (as [`sniff`] reads it), or
/// at least [`DETECT_PREFIX`] bytes: the line is parsed as JSON, so a header
/// whose `type` and `format` come late (sorted keys, a long `source`) is
/// still one. A line that is not valid JSON is a JSON Lines trace only if it
/// is an object naming the format (a damaged header, which the reader then
/// reports), so a log line is never taken for a trace. An empty prefix is a
/// [`InputKind::Log`] (with nothing in it).
///
/// # Example
///
/// ```
/// use gpu_ledger::format::{detect, InputKind};
///
/// assert_eq!(detect(b"\x89GLD\r\n\x1a\n\x02\x00"), InputKind::BinaryTrace);
/// assert_eq!(
///     detect(br#"{"type":"header","format":"gpu-ledger-trace","version":1}"#),
///     InputKind::JsonLines
/// );
/// let sorted = format!(
///     r#"{{"format":"gpu-ledger-trace","source":"{}","type":"header","version":1}}"#,
///     "x".repeat(600)
/// );
/// assert_eq!(detect(sorted.as_bytes()), InputKind::JsonLines);
/// assert_eq!(detect(br#"{"type":"event","format":"gpu-ledger-trace"}"#), InputKind::Log);
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
    if !first.starts_with(b"{") {
        return InputKind::Log;
    }
    match parse_header(first) {
        Some(is_header) if is_header => InputKind::JsonLines,
        Some(_) => InputKind::Log,
        // Not JSON (cut off, damaged): a header only if it names the format.
        None if contains(first, b"\"gpu-ledger-trace\"") => InputKind::JsonLines,
        None => InputKind::Log,
    }
}

/// Whether `line` is a JSON object with `"type": "header"` and `"format":
/// "gpu-ledger-trace"`; `None` when it is not valid JSON.
#[cfg(feature = "json")]
fn parse_header(line: &[u8]) -> Option<bool> {
    /// Only the two keys that decide; everything else is skipped unread.
    #[derive(serde::Deserialize)]
    struct Head<'a> {
        #[serde(rename = "type", borrow, default)]
        ty: Option<std::borrow::Cow<'a, str>>,
        #[serde(borrow, default)]
        format: Option<std::borrow::Cow<'a, str>>,
    }
    let head: Head<'_> = serde_json::from_slice(line).ok()?;
    Some(head.ty.as_deref() == Some("header") && head.format.as_deref() == Some(FORMAT_TAG))
}

/// Without the `json` feature no JSON Lines trace can be read anyway: an
/// object naming the type and the format is enough to say what it is.
#[cfg(not(feature = "json"))]
fn parse_header(line: &[u8]) -> Option<bool> {
    let format = format!("\"{FORMAT_TAG}\"");
    Some(contains(line, b"\"header\"") && contains(line, format.as_bytes()))
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// An input with the bytes [`sniff`] read to detect it put back in front:
/// reading it yields the whole input, once.
pub type Sniffed<R> = Chain<Cursor<Vec<u8>>, R>;

/// Reads the start of `input` until its kind is certain, and returns the kind
/// with a reader that yields the whole input again.
///
/// It reads until the input starts with the binary magic tag, or its first
/// non-blank line is complete, or the input ends, or [`DETECT_PREFIX`] bytes
/// were read: a pipe that delivers a header line in several writes is still
/// recognised. A binary trace costs 8 bytes, anything else its first line.
///
/// # Errors
///
/// [`ErrorKind::Io`] when reading fails, naming the byte offset.
///
/// # Example
///
/// ```
/// use std::io::Read;
/// use gpu_ledger::format::{sniff, InputKind};
///
/// # fn main() -> Result<(), gpu_ledger::Error> {
/// // A reader that hands over the header in two pieces, as a pipe may.
/// let header = br#"{"type":"header","format":"gpu-ledger-trace","version":1}"#;
/// let (first, second) = header.split_at(10);
/// let input = first.chain(&second[..]).chain(&b"\n"[..]);
/// let (kind, mut whole) = sniff(input)?;
/// assert_eq!(kind, InputKind::JsonLines);
/// let mut text = Vec::new();
/// whole.read_to_end(&mut text).expect("in memory");
/// assert_eq!(&text[..header.len()], header);
/// # Ok(())
/// # }
/// ```
pub fn sniff<R: Read>(mut input: R) -> Result<(InputKind, Sniffed<R>), Error> {
    let mut prefix = Vec::with_capacity(512);
    let mut chunk = [0u8; 4096];
    while prefix.len() < DETECT_PREFIX && !detectable(&prefix) {
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
    }
    Ok((detect(&prefix), Cursor::new(prefix).chain(input)))
}

/// Whether `prefix` decides its input's kind: the whole magic tag, some other
/// first byte, or a whole first non-blank line.
fn detectable(prefix: &[u8]) -> bool {
    let m = prefix.len().min(MAGIC.len());
    if m > 0 && prefix[..m] == MAGIC[..m] {
        return m == MAGIC.len();
    }
    let text = prefix.trim_ascii_start();
    text.contains(&b'\n')
}

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
    pub fn new(input: R) -> Result<Self, Error> {
        let (kind, input) = sniff(input)?;
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

//! [`JsonLinesReader`]: streams a JSON Lines trace into an [`EventSink`].
//!
//! One line is held at a time (at most [`MAX_LINE`] bytes; longer lines are
//! skipped without being stored). After the header, no line is fatal: a
//! malformed one is counted, the first few are described in the
//! [`ReadSummary`], and reading goes on. A last line without its newline that
//! does not parse is a cut-off write, reported as truncation.

use std::io::{self, BufRead};

use super::record::{FORMAT_TAG, LineIn, NameBook, VERSION};
use crate::error::{Error, ErrorKind};
use crate::event::{Event, EventSink, Name, ReleaseModel, ReleaseModels, StreamInfo};
use crate::format::{Concatenation, ReadSummary, TimeLine, TimeRules, Truncation, check_name_len};

/// The longest line read; longer lines are skipped as malformed.
pub(crate) const MAX_LINE: usize = 1 << 20;

/// Reads a JSON Lines trace from any [`BufRead`], streaming its events into a sink.
///
/// [`new`](Self::new) reads and checks the header line; [`replay`](Self::replay)
/// reads the rest. Empty lines are ignored; so are unknown fields, so that
/// newer writers may add some.
///
/// # Example
///
/// ```
/// use gpu_ledger::format::JsonLinesReader;
/// use gpu_ledger::{Collected, EventKind, ResourceType};
///
/// # fn main() -> Result<(), gpu_ledger::Error> {
/// let trace = r#"{"type":"header","format":"gpu-ledger-trace","version":1,"start_unix_ns":0,"source":"hand-written"}
/// {"type":"event","t_ns":10,"thread":0,"event":"create","id":1,"resource_type":"BlurScratch","owner_kind":"Transient","owner_key":5}
/// this line is not json
/// {"type":"event","t_ns":20,"thread":0,"event":"destroy","id":1,"resource_type":"BlurScratch","owner_kind":"Transient","owner_key":5}
/// "#;
/// let mut events = Collected::default();
/// let summary = JsonLinesReader::new(trace.as_bytes())?.replay(&mut events)?;
/// assert_eq!(summary.events, 2);
/// assert_eq!(summary.malformed_lines, 1);
/// assert_eq!(summary.malformed[0].line, 3);
/// // An undeclared type name is interned as a new name.
/// let ty = events.events[0].resource().map(|r| r.ty);
/// assert_eq!(ty.map(|t| t.resolve(&events.names).to_owned()).as_deref(), Some("BlurScratch"));
/// # Ok(())
/// # }
/// ```
pub struct JsonLinesReader<R> {
    input: R,
    line: Vec<u8>,
    line_no: u64,
    offset: u64,
    info: StreamInfo,
    version: u16,
    book: NameBook,
}

/// How a line ended.
struct LineEnd {
    newline: bool,
    overlong: bool,
    start: u64,
}

impl<R: BufRead> JsonLinesReader<R> {
    /// Reads and checks the header line of the JSON Lines trace in `input`.
    ///
    /// # Errors
    ///
    /// - [`ErrorKind::Truncated`]: the input holds no header line;
    /// - [`ErrorKind::Json`]: the header line is not valid JSON;
    /// - [`ErrorKind::BadMagic`]: the first line is not a gpu-ledger trace header;
    /// - [`ErrorKind::UnsupportedVersion`]: the version is newer than this
    ///   build understands (upgrade gpu-ledger), or 0;
    /// - [`ErrorKind::Io`]: reading failed.
    pub fn new(input: R) -> Result<Self, Error> {
        let mut reader = Self {
            input,
            line: Vec::new(),
            line_no: 0,
            offset: 0,
            info: StreamInfo::default(),
            version: 0,
            book: NameBook::default(),
        };
        loop {
            let Some(end) = reader.next_line()? else {
                return Err(Error::new(
                    ErrorKind::Truncated,
                    format!(
                        "JSON Lines trace has no header line: the input ends after {} bytes",
                        reader.offset
                    ),
                )
                .at(reader.offset));
            };
            if trimmed(&reader.line).is_empty() && !end.overlong {
                continue;
            }
            reader.header(&end)?;
            return Ok(reader);
        }
    }

    /// What the trace says about itself (from its header).
    pub fn info(&self) -> &StreamInfo {
        &self.info
    }

    /// The trace's format version (from its header).
    pub fn version(&self) -> u16 {
        self.version
    }

    /// Streams the rest of the trace into `sink`.
    ///
    /// The sink gets [`on_start`](EventSink::on_start) with the header's
    /// [`StreamInfo`], each name line (and each new type, owner kind or marker
    /// string met in an event line, interned as the next free name) before the
    /// first event that uses it, the events, then
    /// [`on_flush`](EventSink::on_flush) and [`on_finish`](EventSink::on_finish).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Io`] when reading fails, naming the byte offset. Malformed
    /// lines are never an error here: they are counted in the [`ReadSummary`].
    pub fn replay(&mut self, sink: &mut dyn EventSink) -> Result<ReadSummary, Error> {
        let mut summary = ReadSummary {
            version: self.version,
            lines: self.line_no,
            ..ReadSummary::default()
        };
        sink.on_start(&self.info);
        // Each event is held until the next one arrives: its time is judged
        // against both neighbours (see `format::time`).
        let mut time = TimeLine::new(TimeRules::TRACE_NS);
        let mut held: Option<(u64, Event)> = None;
        while let Some(end) = self.next_line()? {
            summary.lines += 1;
            let result = if end.overlong {
                Err(format!("line is longer than {MAX_LINE} bytes"))
            } else {
                self.record(sink, &mut summary)
            };
            match result {
                Ok(Line::Nothing) => {}
                Ok(Line::Event(event)) => {
                    if let Some((line, mut before)) = held.take() {
                        before.time_ns = time.push(line, before.time_ns, Some(event.time_ns)).0;
                        sink.on_event(&before);
                        summary.events += 1;
                    }
                    held = Some((self.line_no, event));
                }
                Ok(Line::NextTrace(source)) => {
                    // The second trace's names, times and ids start over: reading
                    // on would misread them as this trace's.
                    self.skip_to_end()?;
                    let lost_bytes = self.offset - end.start;
                    summary.concatenated = Some(Concatenation {
                        offset: end.start,
                        lost_bytes,
                        source,
                    });
                    break;
                }
                Err(reason) if end.newline => summary.add_malformed(self.line_no, reason),
                Err(_) => {
                    summary.truncated = Some(Truncation {
                        offset: end.start,
                        lost_bytes: self.offset - end.start,
                    });
                }
            }
        }
        if let Some((line, mut last)) = held {
            last.time_ns = time.push(line, last.time_ns, None).0;
            sink.on_event(&last);
            summary.events += 1;
        }
        summary.time = time.report;
        summary.bytes = self.offset;
        sink.on_flush();
        sink.on_finish();
        Ok(summary)
    }

    /// Handles the current line: what it holds (names go to `sink` at once),
    /// or the reason it is malformed.
    fn record(
        &mut self,
        sink: &mut dyn EventSink,
        summary: &mut ReadSummary,
    ) -> Result<Line, String> {
        let text = std::str::from_utf8(trimmed(&self.line))
            .map_err(|e| format!("line is not valid utf-8 (byte {})", e.valid_up_to()))?;
        if text.is_empty() {
            return Ok(Line::Nothing);
        }
        let line: LineIn<'_> = serde_json::from_str(text).map_err(json_reason)?;
        match &*line.ty {
            "event" => {
                let mut new_names = 0;
                let event = line.to_event(&mut self.book, &mut |name, text| {
                    new_names += 1;
                    sink.on_name(name, text);
                });
                summary.names += new_names;
                event.map(Line::Event)
            }
            "name" => {
                let name = line.name.ok_or("missing `name` in a name record")?;
                let text = line
                    .text
                    .as_deref()
                    .ok_or("missing `text` in a name record")?;
                check_name_len(text)?;
                if self.book.define(name, text) {
                    sink.on_name(Name(name), text);
                    summary.names += 1;
                }
                Ok(Line::Nothing)
            }
            "header" if line.format.as_deref() == Some(FORMAT_TAG) => Ok(Line::NextTrace(
                line.source.as_deref().unwrap_or("").to_owned(),
            )),
            "header" => Err("a header record of another format".into()),
            other => Err(format!("unknown record type \"{other}\"")),
        }
    }

    /// Consumes the rest of the input.
    fn skip_to_end(&mut self) -> Result<(), Error> {
        loop {
            let n = match self.input.fill_buf() {
                Ok(buf) => buf.len(),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    let offset = self.offset;
                    return Err(
                        Error::io(format!("cannot read trace at byte {offset}"), e).at(offset)
                    );
                }
            };
            if n == 0 {
                return Ok(());
            }
            self.input.consume(n);
            self.offset += n as u64;
        }
    }

    /// Checks the current line as the header and keeps what it says.
    fn header(&mut self, end: &LineEnd) -> Result<(), Error> {
        let line_no = self.line_no;
        let not_header = |what: &str| {
            Error::new(
                ErrorKind::BadMagic,
                format!(
                    "not a gpu-ledger JSON Lines trace: line {line_no} {what} \
                     (expected {{\"type\":\"header\",\"format\":\"{FORMAT_TAG}\",...}})"
                ),
            )
            .at(end.start)
        };
        if end.overlong {
            return Err(not_header("is too long"));
        }
        let text = std::str::from_utf8(trimmed(&self.line))
            .map_err(|_| not_header("is not valid utf-8"))?;
        let line: LineIn<'_> = serde_json::from_str(text).map_err(|e| {
            Error::new(
                ErrorKind::Json,
                format!("JSON Lines trace header on line {line_no} is not valid json"),
            )
            .at(end.start)
            .with_source(e)
        })?;
        if line.ty != "header" || line.format.as_deref() != Some(FORMAT_TAG) {
            return Err(not_header("is not a header record"));
        }
        let version = line.version.ok_or_else(|| not_header("has no `version`"))?;
        if version > u64::from(VERSION) {
            return Err(Error::new(
                ErrorKind::UnsupportedVersion,
                format!(
                    "trace format version {version} is newer than this gpu-ledger understands \
                     (max {VERSION}): upgrade gpu-ledger"
                ),
            )
            .at(end.start));
        }
        if version == 0 {
            return Err(Error::new(
                ErrorKind::UnsupportedVersion,
                format!("trace format version 0 on line {line_no} is not a valid version"),
            )
            .at(end.start));
        }
        self.version = version as u16;
        let bad_model = |model: &str| {
            Error::new(
                ErrorKind::Corrupt,
                format!(
                    "unknown release model {model:?} in the trace header on line {line_no}: \
                     expected \"immediate\" or \"deferred\""
                ),
            )
            .at(end.start)
        };
        let mut release = ReleaseModels::default();
        if let Some(model) = line.release_model.as_deref() {
            release.stream = Some(ReleaseModel::from_name(model).ok_or_else(|| bad_model(model))?);
        }
        for (ty, model) in line.release_model_by_type.iter().flatten() {
            let parsed = ReleaseModel::from_name(model).ok_or_else(|| bad_model(model))?;
            release.by_type.insert(ty.clone(), parsed);
        }
        self.info = StreamInfo {
            start_unix_ns: line.start_unix_ns.unwrap_or(0),
            source: line.source.as_deref().unwrap_or("").to_owned(),
            release,
        };
        Ok(())
    }

    /// Reads the next line (without its newline) into `self.line`, keeping at
    /// most [`MAX_LINE`] bytes; `None` at the end of the input.
    fn next_line(&mut self) -> Result<Option<LineEnd>, Error> {
        self.line.clear();
        let start = self.offset;
        let mut end = LineEnd {
            newline: false,
            overlong: false,
            start,
        };
        let mut any = false;
        loop {
            let buf = match self.input.fill_buf() {
                Ok(buf) => buf,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    let offset = self.offset;
                    return Err(
                        Error::io(format!("cannot read trace at byte {offset}"), e).at(offset)
                    );
                }
            };
            if buf.is_empty() {
                break;
            }
            any = true;
            let newline = buf.iter().position(|&b| b == b'\n');
            let chunk = &buf[..newline.unwrap_or(buf.len())];
            let room = MAX_LINE.saturating_sub(self.line.len());
            if chunk.len() > room {
                end.overlong = true;
            }
            self.line.extend_from_slice(&chunk[..chunk.len().min(room)]);
            let used = newline.map_or(buf.len(), |i| i + 1);
            self.input.consume(used);
            self.offset += used as u64;
            if newline.is_some() {
                end.newline = true;
                break;
            }
        }
        if !any {
            return Ok(None);
        }
        self.line_no += 1;
        if self.line_no == 1 && self.line.starts_with(b"\xef\xbb\xbf") {
            self.line.drain(..3);
        }
        Ok(Some(end))
    }
}

impl<R> std::fmt::Debug for JsonLinesReader<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JsonLinesReader")
            .field("info", &self.info)
            .field("version", &self.version)
            .field("line", &self.line_no)
            .field("offset", &self.offset)
            .finish_non_exhaustive()
    }
}

/// The line without surrounding ASCII whitespace (a `\r` before the newline included).
fn trimmed(line: &[u8]) -> &[u8] {
    line.trim_ascii()
}

/// A JSON error as a line-relative reason (`serde_json` counts lines within
/// the one-line input, which would only confuse).
fn json_reason(e: serde_json::Error) -> String {
    let message = e.to_string();
    let message = message
        .rfind(" at line ")
        .map_or(message.as_str(), |i| &message[..i]);
    format!("invalid record at column {}: {message}", e.column())
}

/// What one line after the header holds.
enum Line {
    /// Nothing to deliver: a blank line or a name record (already passed on).
    Nothing,
    /// An event, delivered once its time is judged against the next one.
    Event(Event),
    /// The header of another trace, with its `source`: a second trace begins.
    NextTrace(String),
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::Collected;

    const HEADER: &str = "{\"type\":\"header\",\"format\":\"gpu-ledger-trace\",\"version\":1,\"start_unix_ns\":5,\"source\":\"t\"}\n";

    fn replay(text: &str) -> (ReadSummary, Collected) {
        let mut sink = Collected::default();
        let summary = JsonLinesReader::new(text.as_bytes())
            .and_then(|mut r| r.replay(&mut sink))
            .expect("valid header");
        (summary, sink)
    }

    #[test]
    fn overlong_lines_are_skipped_without_being_kept() {
        let text = format!(
            "{HEADER}{}\n{{\"type\":\"event\",\"t_ns\":1,\"event\":\"lost\",\"count\":2}}\n",
            "x".repeat(MAX_LINE + 10)
        );
        let (summary, sink) = replay(&text);
        assert_eq!(summary.malformed_lines, 1);
        assert_eq!(summary.malformed[0].line, 2);
        assert_eq!(
            summary.malformed[0].reason,
            "line is longer than 1048576 bytes"
        );
        assert_eq!(sink.events.len(), 1);
        assert_eq!(sink.info.start_unix_ns, 5);
    }

    #[test]
    fn cut_last_line_is_truncation_not_malformed() {
        let text = format!("{HEADER}{{\"type\":\"event\",\"t_ns\":1,\"event\":\"lost\",\"cou");
        let (summary, _) = replay(&text);
        assert_eq!(summary.malformed_lines, 0);
        assert_eq!(
            summary.truncated,
            Some(Truncation {
                offset: HEADER.len() as u64,
                lost_bytes: text.len() as u64 - HEADER.len() as u64
            })
        );
    }

    #[test]
    fn header_errors_are_pinned() {
        let err = |text: &str| {
            JsonLinesReader::new(text.as_bytes())
                .err()
                .map(|e| (e.kind(), e.to_string()))
        };
        assert_eq!(
            err(""),
            Some((
                ErrorKind::Truncated,
                "JSON Lines trace has no header line: the input ends after 0 bytes".into()
            ))
        );
        assert_eq!(
            err("{\"type\":\"event\"}\n"),
            Some((
                ErrorKind::BadMagic,
                "not a gpu-ledger JSON Lines trace: line 1 is not a header record (expected \
                 {\"type\":\"header\",\"format\":\"gpu-ledger-trace\",...})"
                    .into()
            ))
        );
        assert_eq!(
            err("{\"type\":\"header\",\"format\":\"gpu-ledger-trace\",\"version\":3}"),
            Some((
                ErrorKind::UnsupportedVersion,
                "trace format version 3 is newer than this gpu-ledger understands (max 1): \
                 upgrade gpu-ledger"
                    .into()
            ))
        );
        assert_eq!(
            err("\n{oops"),
            Some((
                ErrorKind::Json,
                "JSON Lines trace header on line 2 is not valid json".into()
            ))
        );
    }
}

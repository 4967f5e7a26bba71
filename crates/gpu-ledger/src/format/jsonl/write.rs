//! [`JsonLinesWriter`]: an [`EventSink`] that writes a JSON Lines trace.
//!
//! Lines are built in an in-memory buffer and handed to the output in large
//! writes (at 64 KiB, at every flush and at the end). Like the binary writer
//! it never panics: the first I/O error is remembered and stops all output.

use std::io::Write;

use super::record::{FORMAT_TAG, HeaderOut, NameBook, NameOut, VERSION, event_out};
use crate::error::{Error, ErrorKind};
use crate::event::{Event, EventSink, Name, ReleaseModel, StreamInfo};
use crate::format::check_name_len;

/// How much output is buffered before it is written.
const BUFFER: usize = 64 << 10;

/// Writes events as a JSON Lines trace (see the [`format`](crate::format)
/// module doc for the records) into any [`Write`].
///
/// The header line is written by [`on_start`](EventSink::on_start) (or with
/// an empty [`StreamInfo`] before anything else if `on_start` never came); a
/// name line for each [`on_name`](EventSink::on_name); an event line for each
/// event. The sink methods cannot return errors: the first I/O error is kept,
/// later output is dropped, and the error is returned by
/// [`Self::take_error`] or [`Self::finish`]. A name longer than
/// [`MAX_NAME_LEN`](crate::format::MAX_NAME_LEN), which no reader would
/// accept, stops the writer the same way ([`ErrorKind::InvalidInput`]).
///
/// # Example
///
/// ```
/// use gpu_ledger::format::{JsonLinesReader, JsonLinesWriter};
/// use gpu_ledger::{Collected, Event, EventKind, EventSink, PacketRef, PacketStage, StreamInfo};
///
/// # fn main() -> Result<(), gpu_ledger::Error> {
/// let mut original = Collected::default();
/// original.info = StreamInfo { start_unix_ns: 7, source: "demo".into(), ..StreamInfo::default() };
/// original.events.push(Event {
///     time_ns: 1_500,
///     thread: 0,
///     kind: EventKind::Packet { packet: PacketRef::new(1, 3), stage: PacketStage::Presented },
/// });
/// original.finished = true;
///
/// let mut writer = JsonLinesWriter::new(Vec::new());
/// original.replay(&mut writer);
/// let text = String::from_utf8(writer.finish()?).expect("json is utf-8");
/// assert_eq!(
///     text,
///     "{\"type\":\"header\",\"format\":\"gpu-ledger-trace\",\"version\":1,\"start_unix_ns\":7,\"source\":\"demo\"}\n\
///      {\"type\":\"event\",\"t_ns\":1500,\"thread\":0,\"event\":\"packet\",\"stage\":\"presented\",\"lane\":1,\"packet\":3}\n"
/// );
///
/// let mut copy = Collected::default();
/// JsonLinesReader::new(text.as_bytes())?.replay(&mut copy)?;
/// assert_eq!(copy, original);
/// # Ok(())
/// # }
/// ```
pub struct JsonLinesWriter<W: Write> {
    out: Option<W>,
    buf: Vec<u8>,
    book: NameBook,
    header_written: bool,
    finished: bool,
    failed: bool,
    error: Option<Error>,
    bytes_written: u64,
    events: u64,
}

impl<W: Write> JsonLinesWriter<W> {
    /// A writer into `out`. Nothing is written until the first sink call.
    pub fn new(out: W) -> Self {
        Self {
            out: Some(out),
            buf: Vec::with_capacity(BUFFER + 1024),
            book: NameBook::default(),
            header_written: false,
            finished: false,
            failed: false,
            error: None,
            bytes_written: 0,
            events: 0,
        }
    }

    /// The first I/O error, if writing has failed; the writer has stopped
    /// writing since. Taking it leaves the writer stopped.
    pub fn take_error(&mut self) -> Option<Error> {
        self.error.take()
    }

    /// The first I/O error, if writing has failed, without taking it.
    pub fn error(&self) -> Option<&Error> {
        self.error.as_ref()
    }

    /// Bytes handed to the output so far.
    pub fn bytes_written(&self) -> u64 {
        self.bytes_written
    }

    /// Event lines written so far (buffered ones included).
    pub fn events_written(&self) -> u64 {
        self.events
    }

    /// The output.
    pub fn get_ref(&self) -> &W {
        match &self.out {
            Some(out) => out,
            None => unreachable!("the output is only taken by finish"),
        }
    }

    /// Ends the trace (as [`EventSink::on_finish`] does, if it was not called)
    /// and returns the output.
    ///
    /// # Errors
    ///
    /// The first I/O error met while writing ([`ErrorKind::Io`]), naming the
    /// byte offset that could not be written.
    pub fn finish(mut self) -> Result<W, Error> {
        self.end();
        if self.failed {
            return Err(self.error.take().unwrap_or_else(|| {
                Error::new(
                    ErrorKind::Io,
                    "trace writer stopped after an earlier write error",
                )
            }));
        }
        match self.out.take() {
            Some(out) => Ok(out),
            None => unreachable!("the output is only taken by finish"),
        }
    }

    fn end(&mut self) {
        if self.finished {
            return;
        }
        self.finished = true;
        self.ensure_header();
        self.write_buffer(true);
    }

    fn ensure_header(&mut self) {
        if !self.header_written {
            self.header(&StreamInfo::default());
        }
    }

    fn header(&mut self, info: &StreamInfo) {
        self.header_written = true;
        let header = HeaderOut {
            ty: "header",
            format: FORMAT_TAG,
            version: VERSION,
            start_unix_ns: info.start_unix_ns,
            source: &info.source,
            release_model: info.release.stream.map(ReleaseModel::name),
            release_model_by_type: info
                .release
                .by_type
                .iter()
                .map(|(ty, model)| (ty.as_str(), model.name()))
                .collect(),
        };
        self.line(&header);
    }

    fn line<T: serde::Serialize>(&mut self, record: &T) {
        if self.failed {
            return;
        }
        let result = push_line(&mut self.buf, record);
        self.after_line(result);
    }

    /// Records a serialization failure, or writes the buffer out once it is full.
    fn after_line(&mut self, result: Result<(), serde_json::Error>) {
        match result {
            Ok(()) if self.buf.len() >= BUFFER => self.write_buffer(false),
            Ok(()) => {}
            // Serializing these records into memory cannot fail; stay
            // panic-free anyway.
            Err(e) => self.fail(
                Error::new(ErrorKind::Json, "cannot serialize a trace record").with_source(e),
            ),
        }
    }

    fn write_buffer(&mut self, flush: bool) {
        if self.failed {
            return;
        }
        let offset = self.bytes_written;
        let Some(out) = self.out.as_mut() else {
            return;
        };
        let result = out
            .write_all(&self.buf)
            .and_then(|()| if flush { out.flush() } else { Ok(()) });
        match result {
            Ok(()) => {
                self.bytes_written += self.buf.len() as u64;
                self.buf.clear();
            }
            Err(e) => {
                let message = format!("cannot write trace at byte {offset}");
                self.fail(Error::io(message, e).at(offset));
            }
        }
    }

    #[cold]
    fn fail(&mut self, error: Error) {
        if !self.failed {
            self.failed = true;
            self.error = Some(error);
        }
        self.buf.clear();
    }
}

impl<W: Write + Send> EventSink for JsonLinesWriter<W> {
    /// Writes the header line; a second call is ignored.
    fn on_start(&mut self, info: &StreamInfo) {
        if !self.header_written {
            self.header(info);
        }
    }

    fn on_name(&mut self, name: Name, text: &str) {
        self.ensure_header();
        if self.failed {
            return;
        }
        if let Err(reason) = check_name_len(text) {
            let message = format!("cannot write name {} into the trace: {reason}", name.0);
            self.fail(Error::new(ErrorKind::InvalidInput, message));
            return;
        }
        self.book.define(name.0, text);
        let record = NameOut {
            ty: "name",
            name: name.0,
            text,
        };
        self.line(&record);
    }

    fn on_event(&mut self, event: &Event) {
        self.ensure_header();
        if self.failed {
            return;
        }
        self.events += 1;
        let result = push_line(&mut self.buf, &event_out(event, &self.book));
        self.after_line(result);
    }

    fn on_flush(&mut self) {
        self.write_buffer(true);
    }

    fn on_finish(&mut self) {
        self.end();
    }
}

impl<W: Write> std::fmt::Debug for JsonLinesWriter<W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JsonLinesWriter")
            .field("bytes_written", &self.bytes_written)
            .field("events_written", &self.events)
            .field("error", &self.error)
            .finish_non_exhaustive()
    }
}

impl<W: Write> Drop for JsonLinesWriter<W> {
    fn drop(&mut self) {
        if self.out.is_some() && !self.failed {
            self.end();
        }
    }
}

/// Appends `record` and a newline to `buf`.
fn push_line<T: serde::Serialize>(buf: &mut Vec<u8>, record: &T) -> Result<(), serde_json::Error> {
    serde_json::to_writer(&mut *buf, record)?;
    buf.push(b'\n');
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{EventKind, Marker, ResourceType};

    #[test]
    fn names_and_open_sets_are_written_as_text() {
        let mut w = JsonLinesWriter::new(Vec::new());
        w.on_name(Name(0), "FrameEnd");
        w.on_event(&Event {
            time_ns: 3,
            thread: 2,
            kind: EventKind::Marker(Marker::Other(Name(0))),
        });
        w.on_event(&Event {
            time_ns: 4,
            thread: 2,
            kind: EventKind::Pool {
                action: crate::event::PoolAction::Hit,
                ty: ResourceType::Buffer,
                owner: crate::event::Owner::new(crate::event::OwnerKind::Other(Name(0)), 9),
                dims: Some(crate::event::Dims::new(4096, 0, f32::INFINITY)),
            },
        });
        let text = String::from_utf8(w.finish().expect("writes")).expect("utf-8");
        assert_eq!(
            text,
            "{\"type\":\"header\",\"format\":\"gpu-ledger-trace\",\"version\":1,\"start_unix_ns\":0,\"source\":\"\"}\n\
             {\"type\":\"name\",\"name\":0,\"text\":\"FrameEnd\"}\n\
             {\"type\":\"event\",\"t_ns\":3,\"thread\":2,\"event\":\"marker\",\"marker\":\"FrameEnd\"}\n\
             {\"type\":\"event\",\"t_ns\":4,\"thread\":2,\"event\":\"pool_hit\",\"resource_type\":\"Buffer\",\
             \"owner_kind\":\"FrameEnd\",\"owner_key\":9,\"width\":4096,\"height\":0,\"scale\":\"inf\"}\n"
        );
    }
}

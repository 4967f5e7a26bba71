//! [`BinaryReader`]: streams a binary trace into an [`EventSink`], in constant memory.
//!
//! The reader holds one buffer of 512 KiB (growing to at most twice the
//! largest block, 8 MiB; [`super::BinaryWriter`] writes 64 KiB blocks) and never
//! loads the whole input. After the header, nothing in the input is fatal: a
//! block whose frame or checksum is wrong starts a corrupt region, the reader
//! scans forward for the next sync marker that begins a valid block and resumes
//! there, and an input that ends inside a block is reported as cut off. Only
//! I/O errors end a replay early.
//!
//! # Cost of a resync
//!
//! Reading stays linear in the input however the corrupt bytes were made,
//! including a file of nothing but sync markers each declaring a 4 MiB block:
//!
//! - inside a corrupt region, each candidate (a sync marker) is checked
//!   cheapest first: its length field (1 ..= 4 MiB), then whether the input
//!   holds the whole declared block (if not, no checksum is computed), and only
//!   then its checksum;
//! - that checksum is assembled from CRC-32 checkpoints of the stream, every
//!   256 bytes, that are computed once per region ([`super::resync`]), so a
//!   candidate costs at most about 512 bytes of checksumming whatever length
//!   it declares, instead of up to 4 MiB;
//! - the read buffer is kept at least twice the window a check needs, so
//!   moving the window forward copies each byte a bounded number of times.
//!
//! The sequence number is deliberately *not* a reason to reject a candidate:
//! after damage any number of blocks may have been lost, so no sequence-number
//! window is both safe for real blocks and tight against crafted ones.
//!
//! # Block sequencing
//!
//! Every valid block's sequence number is checked against the one expected
//! next, so the summary accounts for every block the writer wrote:
//!
//! - a number above the expected one is a **gap**: the blocks in between are
//!   missing (reported with the corrupt region before the block, or, with no
//!   damaged bytes there, as a [`BlockGap`]), and since version 2 the event
//!   count each block carries says exactly how many events they held;
//! - a number below it is a **late block**, skipped: a repeat of a block
//!   already read (so no event is counted twice), or a block that went missing
//!   and turns up after later ones (reading it then would put its events out
//!   of order; it stays counted with its gap);
//! - a **second trace header** where a block should start means two traces
//!   were concatenated: reading stops there and the summary names it, since
//!   the second trace's times and resource ids start over and would be misread
//!   as the first's.
//!
//! This costs a few comparisons per block (64 KiB), nothing per event.

use std::collections::{HashMap, VecDeque};
use std::io::{self, Read};
use std::ops::Range;

use super::decode::{Decoder, get_varint};
use super::header;
use super::resync::Checkpoints;
use super::{
    COUNTED_VERSION, FRAME_HEADER, HEADER_BODY_MIN, HEADER_FIXED, MAGIC, MAX_HEADER_BODY,
    MAX_PAYLOAD, SYNC, VERSION,
};
use crate::error::{Error, ErrorKind};
use crate::event::{EventSink, StreamInfo};
use crate::format::{
    BlockGap, Concatenation, CorruptRegion, ReadSummary, SkipReason, SkippedBlock, Truncation,
};

/// How many gaps in the sequence are remembered to tell a late block that
/// went missing from one that repeats (the most recent ones).
const MISSING_KEPT: usize = 64;

/// Reads a binary trace (see the [`format`](crate::format) module doc) from any
/// [`Read`], streaming its events into a sink.
///
/// [`new`](Self::new) reads and checks the header; [`replay`](Self::replay)
/// reads the blocks. The input needs no extra buffering: the reader reads in
/// large chunks into its own buffer.
///
/// # Example
///
/// ```
/// use gpu_ledger::format::{BinaryReader, BinaryWriter};
/// use gpu_ledger::{Collected, ErrorKind, Event, EventKind, EventSink, Marker, StreamInfo};
///
/// # fn main() -> Result<(), gpu_ledger::Error> {
/// let mut writer = BinaryWriter::new(Vec::new());
/// writer.on_start(&StreamInfo { start_unix_ns: 42, source: "demo".into(), ..StreamInfo::default() });
/// writer.on_event(&Event { time_ns: 9, thread: 1, kind: EventKind::Marker(Marker::ShutdownBegins) });
/// let bytes = writer.finish()?;
///
/// let mut reader = BinaryReader::new(&bytes[..])?;
/// assert_eq!(reader.info().source, "demo");
/// let mut events = Collected::default();
/// let summary = reader.replay(&mut events)?;
/// assert_eq!(summary.events, 1);
/// assert_eq!(events.events[0].kind, EventKind::Marker(Marker::ShutdownBegins));
///
/// // A newer format version (its header checksum agrees) asks for an upgrade.
/// let mut newer = bytes.clone();
/// newer[8] = 7;
/// let crc_at = 16 + u32::from_le_bytes([newer[12], newer[13], newer[14], newer[15]]) as usize;
/// let crc = crc32fast::hash(&newer[..crc_at]).to_le_bytes();
/// newer[crc_at..crc_at + 4].copy_from_slice(&crc);
/// let err = BinaryReader::new(&newer[..]).unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::UnsupportedVersion);
/// assert_eq!(
///     err.to_string(),
///     "trace format version 7 is newer than this gpu-ledger understands (max 3): upgrade gpu-ledger"
/// );
///
/// // A damaged version field (the checksum disagrees) is damage, not a newer trace.
/// let mut flipped = bytes.clone();
/// flipped[8] ^= 0x80;
/// let err = BinaryReader::new(&flipped[..]).unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::Corrupt);
/// assert!(err.to_string().ends_with("the version field at byte 8 reads 131, but the header checks out as version 3: the field is damaged, not newer"));
/// # Ok(())
/// # }
/// ```
pub struct BinaryReader<R> {
    input: Input<R>,
    info: StreamInfo,
    version: u16,
    names: HashMap<u32, String>,
    decoder: Decoder,
    /// The sequence number the next block should have.
    next_seq: u64,
    /// The event count the next block should carry, when known (version 2 on).
    next_events: Option<u64>,
    /// Recent runs of sequence numbers found missing.
    missing: VecDeque<Range<u64>>,
    checkpoints: Checkpoints,
}

/// What a block payload starts with.
struct BlockHead {
    seq: u64,
    /// Events in all earlier blocks (version 2 on).
    events_before: Option<u64>,
    /// Where the records start.
    records: usize,
}

/// A block frame check's outcome.
enum Frame {
    /// A whole block with a valid checksum and this payload length.
    Valid(usize),
    /// Not a valid block at this offset.
    Bad {
        reason: String,
        /// The input ended inside what may be a block (a cut-off write).
        incomplete: bool,
        /// The offset starts with a whole sync marker.
        sync: bool,
    },
}

/// A corrupt region being skipped.
struct Bad {
    start: u64,
    reason: String,
    first_incomplete: bool,
    incomplete_at: Option<u64>,
    candidates: u64,
}

impl Bad {
    /// The region, ending at `end`, when no sequence number after it tells
    /// what it lost: its candidate blocks (at least one), events unknown.
    fn unsequenced(self, end: u64) -> CorruptRegion {
        CorruptRegion {
            offset: self.start,
            len: end - self.start,
            blocks_skipped: self.candidates.max(1),
            events_lost: None,
            reason: self.reason,
        }
    }
}

impl<R: Read> BinaryReader<R> {
    /// Reads and checks the header of the binary trace in `input`.
    ///
    /// # Errors
    ///
    /// - [`ErrorKind::BadMagic`]: the input does not start with the magic tag;
    /// - [`ErrorKind::UnsupportedVersion`]: the format version is newer than
    ///   this build understands (upgrade gpu-ledger), or 0;
    /// - [`ErrorKind::Corrupt`] instead when the header fails its checksum but
    ///   checks out with a version this build reads: the version field is
    ///   damaged (a bit flip), and the error says so;
    /// - [`ErrorKind::Truncated`]: the input ends inside the header;
    /// - [`ErrorKind::Corrupt`]: the header fails its checksum or holds
    ///   impossible values;
    /// - [`ErrorKind::Io`]: reading failed.
    pub fn new(input: R) -> Result<Self, Error> {
        let mut input = Input::new(input);
        let n = input.fill(HEADER_FIXED).map_err(read_error(0))?;
        let head = input.available();
        let m = n.min(MAGIC.len());
        if head[..m] != MAGIC[..m] {
            return Err(Error::new(
                ErrorKind::BadMagic,
                format!(
                    "not a gpu-ledger binary trace: expected magic {} at byte 0, found {}",
                    hex(&MAGIC),
                    hex(&head[..m])
                ),
            )
            .at(0));
        }
        if n >= 10 {
            let version = u16::from_le_bytes([head[8], head[9]]);
            if let Err(error) = check_version(version) {
                return Err(damaged_field(&mut input).unwrap_or(error));
            }
        }
        if n < HEADER_FIXED {
            return Err(truncated_header(n, HEADER_FIXED));
        }
        let version = u16::from_le_bytes([head[8], head[9]]);
        let flags = u16::from_le_bytes([head[10], head[11]]);
        if flags != 0 {
            let error = Error::new(
                ErrorKind::Corrupt,
                format!("unknown trace header flags {flags:#06x} at byte 10"),
            )
            .at(10);
            return Err(damaged_field(&mut input).unwrap_or(error));
        }
        let body_len = u32::from_le_bytes([head[12], head[13], head[14], head[15]]) as usize;
        if !(HEADER_BODY_MIN..=MAX_HEADER_BODY).contains(&body_len) {
            return Err(Error::new(
                ErrorKind::Corrupt,
                format!(
                    "trace header body length {body_len} at byte 12 is out of range \
                     ({HEADER_BODY_MIN}..={MAX_HEADER_BODY})"
                ),
            )
            .at(12));
        }
        let crc_at = HEADER_FIXED + body_len;
        let total = crc_at + 4;
        let n = input.fill(total).map_err(read_error(0))?;
        if n < total {
            return Err(truncated_header(n, total));
        }
        let head = &input.available()[..total];
        header_checksum(head)?;
        let info = header::decode(version, &head[HEADER_FIXED..crc_at]).map_err(|(at, what)| {
            Error::new(
                ErrorKind::Corrupt,
                format!("trace header at byte {at}: {what}"),
            )
            .at(at as u64)
        })?;
        input.consume(total);
        Ok(Self {
            input,
            info,
            version,
            names: HashMap::new(),
            decoder: Decoder::default(),
            next_seq: 0,
            next_events: (version >= COUNTED_VERSION).then_some(0),
            missing: VecDeque::new(),
            checkpoints: Checkpoints::default(),
        })
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
    /// [`StreamInfo`], each name before the first event that uses it, the
    /// events of each whole, valid block followed by
    /// [`on_flush`](EventSink::on_flush), and [`on_finish`](EventSink::on_finish)
    /// at the end. Corrupt regions are skipped and a cut-off tail is dropped;
    /// blocks are read in sequence order only (missing ones are reported,
    /// repeated and late ones skipped), and reading stops where a second
    /// trace begins. All of it is reported in the returned [`ReadSummary`].
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Io`] when reading fails, naming the byte offset. Damaged
    /// content is never an error here.
    pub fn replay(&mut self, sink: &mut dyn EventSink) -> Result<ReadSummary, Error> {
        let mut summary = ReadSummary {
            version: self.version,
            ..ReadSummary::default()
        };
        sink.on_start(&self.info);
        let mut bad: Option<Bad> = None;
        loop {
            let offset = self.input.offset;
            let n = self.input.fill(FRAME_HEADER).map_err(read_error(offset))?;
            if n == 0 {
                break;
            }
            if self.input.available()[0] == MAGIC[0]
                && let Some(second) = self.header_here()?
            {
                if let Some(region) = bad.take() {
                    summary.add_corrupt(region.unsequenced(offset));
                }
                let lost_bytes = self.skip_to_end()?;
                summary.concatenated = Some(Concatenation {
                    offset,
                    lost_bytes,
                    source: second.source,
                });
                break;
            }
            match self.check_frame(bad.is_some())? {
                Frame::Valid(len) => {
                    self.block(len, bad.take(), sink, &mut summary);
                    self.input.consume(FRAME_HEADER + len);
                }
                Frame::Bad {
                    reason,
                    incomplete,
                    sync,
                } => {
                    let region = bad.get_or_insert(Bad {
                        start: offset,
                        reason,
                        first_incomplete: incomplete,
                        incomplete_at: None,
                        candidates: 0,
                    });
                    if incomplete {
                        region.incomplete_at.get_or_insert(offset);
                    } else if sync {
                        region.candidates += 1;
                    }
                    self.input.consume(1);
                    self.skip_to_sync()?;
                }
            }
        }
        let end = self.input.offset;
        if let Some(region) = bad {
            let cut = if region.first_incomplete {
                Some(region.start)
            } else {
                let incomplete_at = region.incomplete_at;
                summary.add_corrupt(region.unsequenced(incomplete_at.unwrap_or(end)));
                incomplete_at
            };
            summary.truncated = cut.map(|offset| Truncation {
                offset,
                lost_bytes: end - offset,
            });
        }
        summary.bytes = end;
        sink.on_finish();
        Ok(summary)
    }

    /// Decodes the valid block at the current offset, closing the corrupt
    /// region before it, if any, and checking its place in the sequence.
    fn block(
        &mut self,
        len: usize,
        bad: Option<Bad>,
        sink: &mut dyn EventSink,
        summary: &mut ReadSummary,
    ) {
        let offset = self.input.offset;
        let payload = &self.input.available()[FRAME_HEADER..FRAME_HEADER + len];
        let Some(head) = block_head(payload, self.version) else {
            if let Some(region) = bad {
                summary.add_corrupt(region.unsequenced(offset));
            }
            let what = if self.version >= COUNTED_VERSION {
                "sequence number and event count"
            } else {
                "sequence number"
            };
            summary.add_corrupt(bad_block(
                offset,
                len,
                format!(
                    "block at byte {offset} (expected block {}) has no valid {what}",
                    self.next_seq
                ),
            ));
            // Take it for the expected block, whose events are now unknown.
            self.next_seq = self.next_seq.saturating_add(1);
            self.next_events = None;
            sink.on_flush();
            return;
        };
        let seq = head.seq;
        let late = seq < self.next_seq;
        let events_lost = match (head.events_before, self.next_events) {
            (Some(before), Some(expected)) if !late => Some(before.saturating_sub(expected)),
            _ => None,
        };
        if let Some(region) = bad {
            if late {
                summary.add_corrupt(region.unsequenced(offset));
            } else {
                let len = offset - region.start;
                summary.add_corrupt(CorruptRegion {
                    offset: region.start,
                    len,
                    // Exact for a real trace; a sequence number from a crafted
                    // block cannot claim more lost blocks than the region holds
                    // (each takes at least a frame header and one payload byte).
                    blocks_skipped: (seq - self.next_seq).min(len / (FRAME_HEADER as u64 + 1) + 1),
                    events_lost,
                    reason: region.reason,
                });
                note_missing(&mut self.missing, self.next_seq..seq);
            }
        } else if seq > self.next_seq {
            summary.add_gap(BlockGap {
                offset,
                first: self.next_seq,
                blocks: seq - self.next_seq,
                events: events_lost,
            });
            note_missing(&mut self.missing, self.next_seq..seq);
        }
        if late {
            let reason = if self.missing.iter().any(|run| run.contains(&seq)) {
                SkipReason::OutOfOrder
            } else {
                SkipReason::Repeated
            };
            summary.add_skipped(SkippedBlock {
                offset,
                seq,
                after: self.next_seq - 1,
                reason,
            });
            return;
        }
        self.next_seq = seq.saturating_add(1);
        let events_before = summary.events;
        match self
            .decoder
            .decode(payload, head.records, &mut self.names, sink, summary)
        {
            Ok(()) => {
                summary.blocks += 1;
                let events = summary.events - events_before;
                self.next_events = head.events_before.map(|n| n.saturating_add(events));
            }
            Err(e) => {
                self.next_events = None;
                let reason = format!(
                    "block {seq} at byte {offset}: record {} at byte {} cannot be decoded: {}; \
                     the block's {} earlier events were kept",
                    e.record,
                    offset + (FRAME_HEADER + e.at) as u64,
                    e.message,
                    summary.events - events_before
                );
                summary.add_corrupt(bad_block(offset, len, reason));
            }
        }
        sink.on_flush();
    }

    /// The stream info of a whole, valid trace header at the current offset,
    /// if one starts there (another trace concatenated to this one).
    fn header_here(&mut self) -> Result<Option<StreamInfo>, Error> {
        let offset = self.input.offset;
        let n = self.input.fill(HEADER_FIXED).map_err(read_error(offset))?;
        let head = self.input.available();
        if n < HEADER_FIXED || head[..MAGIC.len()] != MAGIC {
            return Ok(None);
        }
        let body_len = u32::from_le_bytes([head[12], head[13], head[14], head[15]]) as usize;
        if !(HEADER_BODY_MIN..=MAX_HEADER_BODY).contains(&body_len) {
            return Ok(None);
        }
        let crc_at = HEADER_FIXED + body_len;
        let total = crc_at + 4;
        if self.input.fill(total).map_err(read_error(offset))? < total {
            return Ok(None);
        }
        let head = &self.input.available()[..total];
        let (stored, computed) = header_crcs(head, crc_at);
        if stored != computed {
            return Ok(None);
        }
        // A whole header whose body this build cannot decode is still a header:
        // keep what its fixed part says.
        let version = u16::from_le_bytes([head[8], head[9]]);
        let body = &head[HEADER_FIXED..crc_at];
        Ok(Some(header::decode(version, body).unwrap_or_else(|_| {
            let mut start = [0; 8];
            start.copy_from_slice(&body[..8]);
            StreamInfo {
                start_unix_ns: u64::from_le_bytes(start),
                ..StreamInfo::default()
            }
        })))
    }

    /// Consumes the rest of the input; how many bytes that was.
    fn skip_to_end(&mut self) -> Result<u64, Error> {
        let start = self.input.offset;
        loop {
            let offset = self.input.offset;
            let n = self.input.fill(1).map_err(read_error(offset))?;
            if n == 0 {
                return Ok(offset - start);
            }
            self.input.consume(n);
        }
    }

    /// Checks whether a whole, valid block frame starts at the current offset.
    ///
    /// `resync`: the offset is a candidate inside a corrupt region, whose
    /// checksum comes from the region's checkpoints (see the module doc).
    fn check_frame(&mut self, resync: bool) -> Result<Frame, Error> {
        let offset = self.input.offset;
        let n = self.input.fill(FRAME_HEADER).map_err(read_error(offset))?;
        let head = self.input.available();
        let m = n.min(SYNC.len());
        if head[..m] != SYNC[..m] {
            return Ok(Frame::Bad {
                reason: format!(
                    "expected a block sync marker {} at byte {offset}, found {}",
                    hex(&SYNC),
                    hex(&head[..m])
                ),
                incomplete: false,
                sync: false,
            });
        }
        if n < FRAME_HEADER {
            return Ok(Frame::Bad {
                reason: format!("block header at byte {offset} is cut off after {n} bytes"),
                incomplete: true,
                sync: n == SYNC.len(),
            });
        }
        let len = u32::from_le_bytes([head[4], head[5], head[6], head[7]]) as usize;
        if len == 0 || len > MAX_PAYLOAD {
            return Ok(Frame::Bad {
                reason: format!(
                    "block length {len} at byte {} is out of range (1..={MAX_PAYLOAD})",
                    offset + 4
                ),
                incomplete: false,
                sync: true,
            });
        }
        let total = FRAME_HEADER + len;
        let n = self.input.fill(total).map_err(read_error(offset))?;
        if n < total {
            return Ok(Frame::Bad {
                reason: format!(
                    "block at byte {offset} declares {len} payload bytes but the input \
                     ends after {}",
                    n - FRAME_HEADER
                ),
                incomplete: true,
                sync: true,
            });
        }
        let frame = &self.input.available()[..total];
        let stored = u32::from_le_bytes([frame[8], frame[9], frame[10], frame[11]]);
        let computed = if resync {
            self.checkpoints.crc(
                &frame[4..8],
                &frame[FRAME_HEADER..],
                offset + FRAME_HEADER as u64,
            )
        } else {
            let mut crc = crc32fast::Hasher::new();
            crc.update(&frame[4..8]);
            crc.update(&frame[FRAME_HEADER..]);
            crc.finalize()
        };
        if stored != computed {
            return Ok(Frame::Bad {
                reason: format!(
                    "block checksum mismatch at byte {offset}: stored {stored:08x}, \
                     computed {computed:08x}"
                ),
                incomplete: false,
                sync: true,
            });
        }
        Ok(Frame::Valid(len))
    }

    /// Skips to the next offset that starts with the sync marker or a trace
    /// header's magic (or with a prefix of one at the very end of the input),
    /// or to the end.
    fn skip_to_sync(&mut self) -> Result<(), Error> {
        loop {
            let offset = self.input.offset;
            let n = self.input.fill(SYNC.len()).map_err(read_error(offset))?;
            if n == 0 {
                return Ok(());
            }
            let avail = self.input.available();
            if let Some(i) = find_sync(avail) {
                self.input.consume(i);
                return Ok(());
            }
            self.input.consume(avail.len());
        }
    }
}

impl<R> std::fmt::Debug for BinaryReader<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BinaryReader")
            .field("info", &self.info)
            .field("version", &self.version)
            .field("offset", &self.input.offset)
            .finish_non_exhaustive()
    }
}

/// The first position in `buf` that starts a sync marker or a trace magic, or
/// a prefix of one running to the end of `buf`.
fn find_sync(buf: &[u8]) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = buf[from..]
        .iter()
        .position(|&b| b == SYNC[0] || b == MAGIC[0])
    {
        let at = from + i;
        let rest = &buf[at..];
        let starts = |tag: &[u8]| {
            let m = rest.len().min(tag.len());
            rest[..m] == tag[..m]
        };
        if starts(&SYNC) || starts(&MAGIC) {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// The one valid-looking block at `offset`, with a `len`-byte payload, that
/// could not be read (its events, if any were delivered, are kept).
fn bad_block(offset: u64, len: usize, reason: String) -> CorruptRegion {
    CorruptRegion {
        offset,
        len: (FRAME_HEADER + len) as u64,
        blocks_skipped: 1,
        events_lost: None,
        reason,
    }
}

/// Remembers that the blocks numbered `run` are missing (the most recent
/// [`MISSING_KEPT`] runs).
fn note_missing(missing: &mut VecDeque<Range<u64>>, run: Range<u64>) {
    if missing.len() == MISSING_KEPT {
        missing.pop_front();
    }
    missing.push_back(run);
}

/// What a block payload starts with: its sequence number, and from version 2
/// on the count of events in the blocks before it; `None` if they do not decode.
fn block_head(payload: &[u8], version: u16) -> Option<BlockHead> {
    let (seq, used) = get_varint(payload, 0)?;
    if version < COUNTED_VERSION {
        return Some(BlockHead {
            seq,
            events_before: None,
            records: used,
        });
    }
    let (events_before, more) = get_varint(payload, used)?;
    Some(BlockHead {
        seq,
        events_before: Some(events_before),
        records: used + more,
    })
}

/// The stored and the computed checksum of a header whose crc is at `crc_at`.
fn header_crcs(head: &[u8], crc_at: usize) -> (u32, u32) {
    let stored = u32::from_le_bytes([
        head[crc_at],
        head[crc_at + 1],
        head[crc_at + 2],
        head[crc_at + 3],
    ]);
    (stored, crc32fast::hash(&head[..crc_at]))
}

fn check_version(version: u16) -> Result<(), Error> {
    if version > VERSION {
        return Err(Error::new(
            ErrorKind::UnsupportedVersion,
            format!(
                "trace format version {version} is newer than this gpu-ledger understands \
                 (max {VERSION}): upgrade gpu-ledger"
            ),
        )
        .at(8));
    }
    if version == 0 {
        return Err(Error::new(
            ErrorKind::UnsupportedVersion,
            "trace format version 0 at byte 8 is not a valid version: the header is corrupt",
        )
        .at(8));
    }
    Ok(())
}

/// When a header whose version or flags this build refuses fails its checksum
/// but checks out with a version this build reads and no flags, the error
/// saying which field is damaged. `None` otherwise: a trace from a newer
/// gpu-ledger (whose header may have another layout) asks for an upgrade.
fn damaged_field<R: Read>(input: &mut Input<R>) -> Option<Error> {
    if input.fill(HEADER_FIXED).ok()? < HEADER_FIXED {
        return None;
    }
    let head = input.available();
    let body_len = u32::from_le_bytes([head[12], head[13], head[14], head[15]]) as usize;
    if !(HEADER_BODY_MIN..=MAX_HEADER_BODY).contains(&body_len) {
        return None;
    }
    let crc_at = HEADER_FIXED + body_len;
    if input.fill(crc_at + 4).ok()? < crc_at + 4 {
        return None;
    }
    // The error names a field (at its byte) only when a repair checks out.
    header_checksum(&input.available()[..crc_at + 4])
        .err()
        .filter(|e| matches!(e.offset(), Some(8 | 10)))
}

/// Checks the checksum of `head`, a whole header (its checksum last). When it
/// fails but checks out with a version this build reads or with no flags in
/// their fields (a bit flip there, not another version), the error names the
/// damaged field, at its byte.
fn header_checksum(head: &[u8]) -> Result<(), Error> {
    let crc_at = head.len() - 4;
    let (stored, computed) = header_crcs(head, crc_at);
    if stored == computed {
        return Ok(());
    }
    let message = format!(
        "trace header checksum mismatch over bytes 0..{crc_at}: stored {stored:08x}, \
         computed {computed:08x}"
    );
    let version = u16::from_le_bytes([head[8], head[9]]);
    let flags = u16::from_le_bytes([head[10], head[11]]);
    let mut patched = head[..crc_at].to_vec();
    let repair = (1..=VERSION)
        .chain([version])
        .flat_map(|v| [(v, 0), (v, flags)])
        .filter(|&repair| repair != (version, flags))
        .find(|(v, f)| {
            patched[8..10].copy_from_slice(&v.to_le_bytes());
            patched[10..12].copy_from_slice(&f.to_le_bytes());
            crc32fast::hash(&patched) == stored
        });
    let Some((known, no_flags)) = repair else {
        return Err(Error::new(ErrorKind::Corrupt, message).at(crc_at as u64));
    };
    let mut damaged = Vec::new();
    if known != version {
        damaged.push(format!(
            "the version field at byte 8 reads {version}, but the header checks out as \
             version {known}"
        ));
    }
    if no_flags != flags {
        damaged.push(format!(
            "the flags field at byte 10 reads {flags:#06x}, but the header checks out with \
             {no_flags:#06x}"
        ));
    }
    let what = if damaged.len() == 1 {
        "the field is damaged, not newer"
    } else {
        "the fields are damaged, not newer"
    };
    Err(Error::new(
        ErrorKind::Corrupt,
        format!("{message}; {}: {what}", damaged.join(", and ")),
    )
    .at(if known != version { 8 } else { 10 }))
}

fn truncated_header(len: usize, expected: usize) -> Error {
    Error::new(
        ErrorKind::Truncated,
        format!(
            "trace header cut off at byte {len}: expected at least {expected} header bytes, \
             so the trace holds no events"
        ),
    )
    .at(len as u64)
}

fn read_error(offset: u64) -> impl FnOnce(io::Error) -> Error {
    move |e| Error::io(format!("cannot read trace at byte {offset}"), e).at(offset)
}

/// Bytes as lowercase hex pairs separated by spaces; `nothing` when empty.
fn hex(bytes: &[u8]) -> String {
    if bytes.is_empty() {
        return "nothing".to_owned();
    }
    let mut out = String::with_capacity(bytes.len() * 3);
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// A read buffer that tracks the stream offset of its first unread byte.
struct Input<R> {
    inner: R,
    buf: Vec<u8>,
    pos: usize,
    end: usize,
    /// Stream offset of `buf[pos]`.
    offset: u64,
    eof: bool,
}

impl<R: Read> Input<R> {
    fn new(inner: R) -> Self {
        Self {
            inner,
            buf: vec![0; 512 << 10],
            pos: 0,
            end: 0,
            offset: 0,
            eof: false,
        }
    }

    fn available(&self) -> &[u8] {
        &self.buf[self.pos..self.end]
    }

    /// Reads until at least `need` bytes are available or the input ends;
    /// returns how many are available.
    fn fill(&mut self, need: usize) -> io::Result<usize> {
        while self.end - self.pos < need && !self.eof {
            if self.buf.len() - self.pos < need {
                // Keep the buffer at least twice `need`: then the copy below
                // (fewer than `need` unread bytes) happens only after at least
                // `need` bytes were consumed since the last one, so a resync
                // that asks for a 4 MiB window every few bytes copies linearly.
                if self.buf.len() < 2 * need {
                    self.buf.resize(2 * need, 0);
                }
                if self.buf.len() - self.pos < need {
                    self.buf.copy_within(self.pos..self.end, 0);
                    self.end -= self.pos;
                    self.pos = 0;
                }
            }
            match self.inner.read(&mut self.buf[self.end..]) {
                Ok(0) => self.eof = true,
                Ok(n) => self.end += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(self.end - self.pos)
    }

    fn consume(&mut self, n: usize) {
        let n = n.min(self.end - self.pos);
        self.pos += n;
        self.offset += n as u64;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn find_sync_sees_whole_and_tail_markers() {
        assert_eq!(find_sync(&[1, 2, 0xf1, b'G', b'L', b'B', 0]), Some(2));
        assert_eq!(find_sync(&[0xf1, 0, 0xf1, b'G']), Some(2), "tail prefix");
        assert_eq!(find_sync(&[0xf1, b'G', b'X', 0]), None);
        assert_eq!(find_sync(&[]), None);
        let mut header = vec![7];
        header.extend_from_slice(&MAGIC);
        assert_eq!(find_sync(&header), Some(1), "a trace header");
        assert_eq!(find_sync(&header[..4]), Some(1), "tail prefix of one");
        assert_eq!(find_sync(&[0x89, b'G', b'X']), None);
    }

    #[test]
    fn empty_input_is_a_truncated_header() {
        let err = BinaryReader::new(&[][..]).expect_err("no header");
        assert_eq!(err.kind(), ErrorKind::Truncated);
        assert_eq!(
            err.to_string(),
            "trace header cut off at byte 0: expected at least 16 header bytes, so the trace \
             holds no events"
        );
    }

    #[test]
    fn version_zero_is_rejected() {
        let mut head = MAGIC.to_vec();
        head.extend_from_slice(&[0, 0]);
        let err = BinaryReader::new(&head[..]).expect_err("bad version");
        assert_eq!(err.kind(), ErrorKind::UnsupportedVersion);
        assert_eq!(err.offset(), Some(8));
    }

    #[test]
    fn undecodable_block_keeps_its_earlier_events_and_is_reported() {
        let mut bytes = crate::format::BinaryWriter::new(Vec::new())
            .finish()
            .expect("in memory");
        let header = bytes.len();
        // Sequence 0, no events before, a lost event (opcode 24, time 2,
        // count 3), then opcode 31.
        let payload = [0u8, 0, 24, 4, 3, 31];
        let len = (payload.len() as u32).to_le_bytes();
        let mut crc = crc32fast::Hasher::new();
        crc.update(&len);
        crc.update(&payload);
        bytes.extend_from_slice(&SYNC);
        bytes.extend_from_slice(&len);
        bytes.extend_from_slice(&crc.finalize().to_le_bytes());
        bytes.extend_from_slice(&payload);

        let mut sink = crate::event::Collected::default();
        let summary = BinaryReader::new(&bytes[..])
            .and_then(|mut r| r.replay(&mut sink))
            .expect("valid header");
        assert_eq!(sink.events.len(), 1);
        assert_eq!(summary.events, 1);
        assert_eq!(summary.blocks, 0);
        assert_eq!(
            summary.corrupt,
            vec![CorruptRegion {
                offset: header as u64,
                len: 18,
                blocks_skipped: 1,
                events_lost: None,
                reason: format!(
                    "block 0 at byte {header}: record 1 at byte {} cannot be decoded: unknown \
                     record opcode 31; the block's 1 earlier events were kept",
                    header + 17
                ),
            }]
        );
    }

    #[test]
    fn input_reads_short_chunks() {
        /// Hands out one byte per read.
        struct Trickle<'a>(&'a [u8]);
        impl Read for Trickle<'_> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                match (self.0.split_first(), buf.first_mut()) {
                    (Some((b, rest)), Some(slot)) => {
                        *slot = *b;
                        self.0 = rest;
                        Ok(1)
                    }
                    _ => Ok(0),
                }
            }
        }
        let data: Vec<u8> = (0..200u8).collect();
        let mut input = Input::new(Trickle(&data));
        assert_eq!(input.fill(100).expect("reads"), 100);
        input.consume(60);
        assert_eq!(input.offset, 60);
        assert_eq!(input.fill(500).expect("reads"), 140);
        assert_eq!(input.available()[0], 60);
    }
}

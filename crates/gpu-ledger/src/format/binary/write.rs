//! [`BinaryWriter`]: an [`EventSink`] that streams events into a binary trace.
//!
//! The writer is built to sit behind the recorder's drain thread: it never
//! panics and never blocks for longer than one `write` of a block. Events are
//! encoded into an in-memory block; a block is framed, checksummed and written
//! when its payload reaches [`BlockPolicy::target_bytes`], and at
//! [`EventSink::on_flush`] once enough has accumulated (or enough time has
//! passed), so that frequent flushes do not make a file of tiny blocks. The
//! first I/O error (or a name too long for the format, which is never cut
//! short) is remembered, writing stops, and the error is handed back by
//! [`BinaryWriter::take_error`] or [`BinaryWriter::finish`].
//!
//! Every block is self-contained: its delta bases, owner, lane and resource
//! tables start empty, and every name it uses is declared in it before first
//! use, so a corrupt block loses only its own events.

use std::io::Write;
use std::time::{Duration, Instant};

use super::{
    FINDING_LINE, FINDING_RESOURCE, FRAME_HEADER, FxMap, MAGIC, MAX_PAYLOAD, SYNC, VERSION, header,
    op, put_delta, put_varint,
};
use crate::error::{Error, ErrorKind};
use crate::event::{
    Dims, Event, EventKind, EventSink, Marker, Name, Owner, OwnerKind, PacketRef, PacketStage,
    ResourceType, StreamInfo,
};
use crate::format::check_name_len;

/// When [`BinaryWriter`] cuts blocks.
///
/// Bigger blocks compress better (tables and delta bases reset per block) but
/// lose more on corruption and hold more in memory; the defaults suit a
/// recorder that flushes every few milliseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BlockPolicy {
    /// A block is written as soon as its payload reaches this many bytes
    /// (default 64 KiB; at most 1 MiB, at least 1 byte).
    pub target_bytes: usize,
    /// At [`EventSink::on_flush`], the pending block is written if its payload
    /// holds at least this many bytes (default 4 KiB)...
    pub min_flush_bytes: usize,
    /// ...or if at least this long has passed since the last block was written
    /// (default 250 ms). This bounds what a crash can lose to about this long.
    pub max_flush_delay: Duration,
}

impl Default for BlockPolicy {
    fn default() -> Self {
        Self {
            target_bytes: 64 << 10,
            min_flush_bytes: 4 << 10,
            max_flush_delay: Duration::from_millis(250),
        }
    }
}

impl BlockPolicy {
    /// A policy that writes a block at every flush that has something new:
    /// for tests and for streams whose every flush must reach the disk.
    pub fn every_flush() -> Self {
        Self {
            min_flush_bytes: 0,
            max_flush_delay: Duration::ZERO,
            ..Self::default()
        }
    }

    /// A policy that cuts blocks by size alone, ignoring flushes: the same
    /// events give the same bytes however the producer flushed (reproducible
    /// traces from `gpu-ledger synth` and `export`). A crash can lose up to one
    /// block, so recorders keep the default.
    pub fn size_only() -> Self {
        Self {
            min_flush_bytes: usize::MAX,
            max_flush_delay: Duration::MAX,
            ..Self::default()
        }
    }
}

/// Writes events as a binary trace (see the [`format`](crate::format) module
/// doc for the layout) into any [`Write`].
///
/// Use it as an [`EventSink`]: the header is written by
/// [`on_start`](EventSink::on_start) (or with an empty [`StreamInfo`] before
/// the first event if `on_start` never came), blocks as they fill and at
/// flushes, and the last block by [`on_finish`](EventSink::on_finish) or
/// [`finish`](Self::finish). Dropping an unfinished writer writes its pending
/// block on a best-effort basis.
///
/// The sink methods cannot return errors: the first I/O error is kept, all
/// later output is dropped, and the error is returned by [`Self::take_error`]
/// or [`Self::finish`]. A name longer than
/// [`MAX_NAME_LEN`](crate::format::MAX_NAME_LEN) stops the writer the same
/// way ([`ErrorKind::InvalidInput`]): cutting it short could merge it with
/// another name.
///
/// # Example
///
/// ```
/// use gpu_ledger::format::{BinaryReader, BinaryWriter};
/// use gpu_ledger::{Collected, Event, EventKind, EventSink, Owner, OwnerKind, PacketRef};
/// use gpu_ledger::{Resource, ResourceAction, ResourceId, ResourceType, StreamInfo};
///
/// # fn main() -> Result<(), gpu_ledger::Error> {
/// let mut original = Collected::default();
/// original.info = StreamInfo { start_unix_ns: 1_700_000_000_000_000_000, source: "demo".into(), ..StreamInfo::default() };
/// let blur = original.names.intern("BlurScratch");
/// let resource = Resource {
///     id: ResourceId(1),
///     ty: ResourceType::Other(blur),
///     owner: Owner::new(OwnerKind::EffectPipeline, 0x7f00_1234_5600),
/// };
/// original.events.push(Event {
///     time_ns: 1_000,
///     thread: 0,
///     kind: EventKind::Resource {
///         action: ResourceAction::Create,
///         resource,
///         dims: None,
///         packet: Some(PacketRef::new(1, 1)),
///     },
/// });
/// original.finished = true;
///
/// let mut writer = BinaryWriter::new(Vec::new());
/// original.replay(&mut writer);
/// let bytes = writer.finish()?;
///
/// let mut copy = Collected::default();
/// let summary = BinaryReader::new(&bytes[..])?.replay(&mut copy)?;
/// assert_eq!(copy, original);
/// assert_eq!(summary.events, 1);
/// assert!(summary.is_clean());
/// # Ok(())
/// # }
/// ```
pub struct BinaryWriter<W: Write> {
    out: Option<W>,
    policy: BlockPolicy,
    enc: Encoder,
    names: FxMap<u32, NameSlot>,
    header_written: bool,
    finished: bool,
    failed: bool,
    unflushed: bool,
    error: Option<Error>,
    last_block_at: Instant,
    bytes_written: u64,
    blocks_written: u64,
    events_written: u64,
}

/// A name the writer knows, and the block (sequence number + 1) that last declared it.
struct NameSlot {
    text: String,
    declared_in: u64,
}

impl<W: Write> BinaryWriter<W> {
    /// A writer into `out` with the default [`BlockPolicy`].
    ///
    /// Nothing is written until the first sink call. `out` receives whole
    /// blocks in single `write_all` calls, so it needs no extra buffering.
    pub fn new(out: W) -> Self {
        Self::with_policy(out, BlockPolicy::default())
    }

    /// A writer into `out` that cuts blocks according to `policy`.
    pub fn with_policy(out: W, policy: BlockPolicy) -> Self {
        let policy = BlockPolicy {
            target_bytes: policy.target_bytes.clamp(1, MAX_PAYLOAD / 4),
            ..policy
        };
        Self {
            out: Some(out),
            policy,
            enc: Encoder::default(),
            names: FxMap::default(),
            header_written: false,
            finished: false,
            failed: false,
            unflushed: false,
            error: None,
            last_block_at: Instant::now(),
            bytes_written: 0,
            blocks_written: 0,
            events_written: 0,
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

    /// Bytes handed to the output so far (header and whole blocks).
    pub fn bytes_written(&self) -> u64 {
        self.bytes_written
    }

    /// Blocks handed to the output so far.
    pub fn blocks_written(&self) -> u64 {
        self.blocks_written
    }

    /// Events in the blocks handed to the output so far (pending ones excluded).
    pub fn events_written(&self) -> u64 {
        self.events_written
    }

    /// The output.
    pub fn get_ref(&self) -> &W {
        match &self.out {
            Some(out) => out,
            None => unreachable!("the output is only taken by finish and drop"),
        }
    }

    /// Writes the pending block now, whatever its size, and flushes the output.
    ///
    /// # Errors
    ///
    /// The first I/O error this writer met, now or before ([`ErrorKind::Io`]).
    pub fn flush_block(&mut self) -> Result<(), Error> {
        self.ensure_header();
        self.write_block();
        self.flush_output();
        if self.failed {
            Err(self.stopped_error())
        } else {
            Ok(())
        }
    }

    /// Ends the trace (as [`EventSink::on_finish`] does, if it was not called)
    /// and returns the output.
    ///
    /// # Errors
    ///
    /// The first I/O error met while writing ([`ErrorKind::Io`]), naming the
    /// block and byte offset that could not be written.
    pub fn finish(mut self) -> Result<W, Error> {
        self.end();
        if self.failed {
            return Err(self.stopped_error());
        }
        match self.out.take() {
            Some(out) => Ok(out),
            None => unreachable!("the output is only taken by finish and drop"),
        }
    }

    /// The kept error, or one saying an earlier (taken) error stopped the writer.
    fn stopped_error(&mut self) -> Error {
        self.error.take().unwrap_or_else(|| {
            Error::new(
                ErrorKind::Io,
                "trace writer stopped after an earlier write error",
            )
        })
    }

    /// Writes what is pending and flushes: the end of the stream.
    fn end(&mut self) {
        if self.finished {
            return;
        }
        self.finished = true;
        self.ensure_header();
        self.write_block();
        self.flush_output();
    }

    fn ensure_header(&mut self) {
        if !self.header_written {
            self.write_header(&StreamInfo::default());
        }
    }

    fn write_header(&mut self, info: &StreamInfo) {
        self.header_written = true;
        let mut body = Vec::with_capacity(32 + info.source.len());
        header::encode(info, &mut body);
        let mut header = Vec::with_capacity(20 + body.len());
        header.extend_from_slice(&MAGIC);
        header.extend_from_slice(&VERSION.to_le_bytes());
        header.extend_from_slice(&0u16.to_le_bytes());
        header.extend_from_slice(&(body.len() as u32).to_le_bytes());
        header.extend_from_slice(&body);
        let crc = crc32fast::hash(&header);
        header.extend_from_slice(&crc.to_le_bytes());
        self.write_out(&header, "cannot write trace header at byte 0");
    }

    /// Frames and writes the pending block, if there is one.
    fn write_block(&mut self) {
        if !self.enc.open || self.failed {
            return;
        }
        let seq = self.enc.seq;
        let events = self.enc.events;
        let frame = self.enc.frame();
        let offset = self.bytes_written;
        let message = format!("cannot write trace block {seq} at byte {offset}");
        // Split the borrow: the frame lives in the encoder, the output beside it.
        let out = match self.out.as_mut() {
            Some(out) => out,
            None => return,
        };
        match out.write_all(frame) {
            Ok(()) => {
                self.bytes_written += frame.len() as u64;
                self.blocks_written += 1;
                self.events_written += events;
                self.unflushed = true;
            }
            Err(e) => self.fail(Error::io(message, e).at(offset)),
        }
        self.enc.next_block();
        self.last_block_at = Instant::now();
    }

    fn write_out(&mut self, bytes: &[u8], message: &str) {
        if self.failed {
            return;
        }
        let offset = self.bytes_written;
        if let Some(out) = self.out.as_mut() {
            match out.write_all(bytes) {
                Ok(()) => {
                    self.bytes_written += bytes.len() as u64;
                    self.unflushed = true;
                }
                Err(e) => self.fail(Error::io(message, e).at(offset)),
            }
        }
    }

    fn flush_output(&mut self) {
        if !self.unflushed || self.failed {
            return;
        }
        self.unflushed = false;
        let offset = self.bytes_written;
        if let Some(out) = self.out.as_mut()
            && let Err(e) = out.flush()
        {
            let message = format!("cannot flush trace output at byte {offset}");
            self.fail(Error::io(message, e).at(offset));
        }
    }

    #[cold]
    fn fail(&mut self, error: Error) {
        if !self.failed {
            self.failed = true;
            self.error = Some(error);
        }
        self.enc.discard();
    }

    /// Declares, in the current block, each name `kind` uses that the block
    /// has not declared yet.
    fn declare_names_used(&mut self, kind: &EventKind) {
        let block = self.enc.seq + 1;
        for name in names_used(kind).into_iter().flatten() {
            if let Some(slot) = self.names.get_mut(&name.0)
                && slot.declared_in != block
            {
                slot.declared_in = block;
                self.enc.name(name, &slot.text);
            }
        }
    }

    fn cut_if_full(&mut self) {
        if self.enc.payload_len() >= self.policy.target_bytes {
            self.write_block();
        }
    }
}

impl<W: Write + Send> EventSink for BinaryWriter<W> {
    /// Writes the header; a second call is ignored.
    fn on_start(&mut self, info: &StreamInfo) {
        if !self.header_written {
            self.write_header(info);
        }
    }

    fn on_name(&mut self, name: Name, text: &str) {
        if self.failed {
            return;
        }
        self.ensure_header();
        if let Err(reason) = check_name_len(text) {
            let message = format!("cannot write name {} into the trace: {reason}", name.0);
            self.fail(Error::new(ErrorKind::InvalidInput, message));
            return;
        }
        let block = self.enc.seq + 1;
        let slot = self.names.entry(name.0).or_insert(NameSlot {
            text: String::new(),
            declared_in: 0,
        });
        slot.text.clear();
        slot.text.push_str(text);
        slot.declared_in = block;
        self.enc.name(name, text);
        self.cut_if_full();
    }

    fn on_event(&mut self, event: &Event) {
        if self.failed {
            return;
        }
        self.ensure_header();
        self.declare_names_used(&event.kind);
        self.enc.event(event);
        self.cut_if_full();
    }

    fn on_flush(&mut self) {
        if self.failed {
            return;
        }
        if self.enc.open
            && (self.enc.payload_len() >= self.policy.min_flush_bytes
                || self.last_block_at.elapsed() >= self.policy.max_flush_delay)
        {
            self.write_block();
        }
        self.flush_output();
    }

    fn on_finish(&mut self) {
        self.end();
    }
}

impl<W: Write> std::fmt::Debug for BinaryWriter<W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BinaryWriter")
            .field("policy", &self.policy)
            .field("bytes_written", &self.bytes_written)
            .field("blocks_written", &self.blocks_written)
            .field("events_written", &self.events_written)
            .field("error", &self.error)
            .finish_non_exhaustive()
    }
}

impl<W: Write> Drop for BinaryWriter<W> {
    fn drop(&mut self) {
        if self.out.is_some() && !self.failed {
            self.end();
        }
    }
}

/// The names an event refers to.
fn names_used(kind: &EventKind) -> [Option<Name>; 2] {
    fn ty(t: ResourceType) -> Option<Name> {
        match t {
            ResourceType::Other(n) => Some(n),
            _ => None,
        }
    }
    fn owner(o: OwnerKind) -> Option<Name> {
        match o {
            OwnerKind::Other(n) => Some(n),
            _ => None,
        }
    }
    match kind {
        EventKind::Resource { resource, .. } => [ty(resource.ty), owner(resource.owner.kind)],
        EventKind::Pool {
            ty: t, owner: o, ..
        } => [ty(*t), owner(o.kind)],
        EventKind::Marker(Marker::Other(n)) => [Some(*n), None],
        EventKind::Finding { code, message, .. } => [Some(*code), Some(*message)],
        _ => [None, None],
    }
}

/// One block being encoded: the payload and the per-block tables and bases.
#[derive(Default)]
struct Encoder {
    /// Frame header placeholder followed by the payload.
    buf: Vec<u8>,
    seq: u64,
    /// Events in the blocks before this one (written, or lost to a failed write).
    events_before: u64,
    open: bool,
    events: u64,
    time: u64,
    thread: u32,
    id: u64,
    command: u64,
    owner_key: u64,
    lanes: FxMap<u64, u32>,
    lane_last: Vec<u64>,
    owners: FxMap<(u64, u64), u32>,
    resources: FxMap<u64, u32>,
    resource_slots: Vec<(u64, u32)>,
}

impl Encoder {
    fn payload_len(&self) -> usize {
        self.buf.len().saturating_sub(FRAME_HEADER)
    }

    /// Starts the block, if it is not started: frame placeholder, sequence
    /// number and the count of events before it.
    fn open(&mut self) {
        if !self.open {
            self.open = true;
            self.buf.clear();
            self.buf.extend_from_slice(&[0; FRAME_HEADER]);
            put_varint(&mut self.buf, self.seq);
            put_varint(&mut self.buf, self.events_before);
        }
    }

    /// Fills in the frame header and returns the whole frame.
    fn frame(&mut self) -> &[u8] {
        let len = self.payload_len() as u32;
        self.buf[0..4].copy_from_slice(&SYNC);
        self.buf[4..8].copy_from_slice(&len.to_le_bytes());
        let mut crc = crc32fast::Hasher::new();
        crc.update(&self.buf[4..8]);
        crc.update(&self.buf[FRAME_HEADER..]);
        self.buf[8..12].copy_from_slice(&crc.finalize().to_le_bytes());
        &self.buf
    }

    /// Resets the tables for the next block.
    fn next_block(&mut self) {
        self.seq += 1;
        self.events_before += self.events;
        self.discard();
    }

    /// Drops the pending block's contents (its sequence number stays).
    fn discard(&mut self) {
        self.open = false;
        self.buf.clear();
        self.events = 0;
        self.time = 0;
        self.thread = 0;
        self.id = 0;
        self.command = 0;
        self.owner_key = 0;
        self.lanes.clear();
        self.lane_last.clear();
        self.owners.clear();
        self.resources.clear();
        self.resource_slots.clear();
    }

    fn name(&mut self, name: Name, text: &str) {
        self.open();
        self.buf.push(op::NAME);
        put_varint(&mut self.buf, u64::from(name.0));
        put_varint(&mut self.buf, text.len() as u64);
        self.buf.extend_from_slice(text.as_bytes());
    }

    fn event(&mut self, e: &Event) {
        self.open();
        self.events += 1;
        let tag_at = self.buf.len();
        self.buf.push(0);
        let mut flags = 0;
        if e.thread != self.thread {
            flags |= op::THREAD;
            self.thread = e.thread;
            put_varint(&mut self.buf, u64::from(e.thread));
        }
        put_delta(&mut self.buf, self.time, e.time_ns);
        self.time = e.time_ns;
        let opcode = match e.kind {
            EventKind::Resource {
                action,
                resource,
                dims,
                packet,
            } => {
                let cached = self.cached_slot(resource.id.0, resource.ty, resource.owner);
                let opcode = match cached {
                    Some(slot) => {
                        let back = self.resource_slots.len() as u32 - 1 - slot;
                        put_varint(&mut self.buf, u64::from(back));
                        op::RES_CACHED + action as u8
                    }
                    None => {
                        put_delta(&mut self.buf, self.id, resource.id.0);
                        put_varint(&mut self.buf, resource.ty.code());
                        let owner = self.owner(resource.owner);
                        let slot = self.resource_slots.len() as u32;
                        self.resource_slots.push((resource.ty.code(), owner));
                        self.resources.insert(resource.id.0, slot);
                        op::RES_FULL + action as u8
                    }
                };
                self.id = resource.id.0;
                if let Some(dims) = dims {
                    flags |= op::DIMS;
                    self.dims(dims);
                }
                if let Some(packet) = packet {
                    flags |= op::PACKET_REF;
                    self.packet(packet);
                }
                opcode
            }
            EventKind::Pool {
                action,
                ty,
                owner,
                dims,
            } => {
                put_varint(&mut self.buf, ty.code());
                self.owner(owner);
                if let Some(dims) = dims {
                    flags |= op::DIMS;
                    self.dims(dims);
                }
                op::POOL + action as u8
            }
            EventKind::Packet { packet, stage } => {
                self.packet(packet);
                if let PacketStage::Queued { command_id } = stage {
                    put_delta(&mut self.buf, self.command, command_id);
                    self.command = command_id;
                }
                op::PACKET + stage_index(stage)
            }
            EventKind::Touched { packet, resource } => {
                self.packet(packet);
                put_delta(&mut self.buf, self.id, resource.0);
                self.id = resource.0;
                op::TOUCHED
            }
            EventKind::Marker(marker) => {
                put_varint(&mut self.buf, marker.code());
                op::MARKER
            }
            EventKind::Lost { count } => {
                put_varint(&mut self.buf, count);
                op::LOST
            }
            EventKind::Finding {
                severity,
                code,
                message,
                resource,
                packet,
                line,
            } => {
                put_varint(&mut self.buf, severity as u64);
                put_varint(&mut self.buf, u64::from(code.0));
                put_varint(&mut self.buf, u64::from(message.0));
                let presence =
                    resource.map_or(0, |_| FINDING_RESOURCE) | line.map_or(0, |_| FINDING_LINE);
                put_varint(&mut self.buf, presence);
                if let Some(resource) = resource {
                    put_delta(&mut self.buf, self.id, resource.0);
                    self.id = resource.0;
                }
                if let Some(line) = line {
                    put_varint(&mut self.buf, line);
                }
                if let Some(packet) = packet {
                    flags |= op::PACKET_REF;
                    self.packet(packet);
                }
                op::FINDING
            }
        };
        self.buf[tag_at] = opcode | flags;
    }

    /// The slot of resource `id` if this block described it with this type and owner.
    fn cached_slot(&self, id: u64, ty: ResourceType, owner: Owner) -> Option<u32> {
        let slot = *self.resources.get(&id)?;
        let owner_slot = *self.owners.get(&(owner.kind.code(), owner.key))?;
        (self.resource_slots.get(slot as usize) == Some(&(ty.code(), owner_slot))).then_some(slot)
    }

    /// Writes an owner reference and returns its slot.
    fn owner(&mut self, owner: Owner) -> u32 {
        let key = (owner.kind.code(), owner.key);
        if let Some(&slot) = self.owners.get(&key) {
            put_varint(&mut self.buf, u64::from(slot));
            return slot;
        }
        let slot = self.owners.len() as u32;
        put_varint(&mut self.buf, u64::from(slot));
        put_varint(&mut self.buf, key.0);
        put_delta(&mut self.buf, self.owner_key, owner.key);
        self.owner_key = owner.key;
        self.owners.insert(key, slot);
        slot
    }

    fn packet(&mut self, packet: PacketRef) {
        let lane = packet.lane.0;
        let slot = match self.lanes.get(&lane) {
            Some(&slot) => {
                put_varint(&mut self.buf, u64::from(slot));
                slot
            }
            None => {
                let slot = self.lane_last.len() as u32;
                put_varint(&mut self.buf, u64::from(slot));
                put_varint(&mut self.buf, lane);
                self.lanes.insert(lane, slot);
                self.lane_last.push(0);
                slot
            }
        };
        let last = &mut self.lane_last[slot as usize];
        put_delta(&mut self.buf, *last, packet.packet.0);
        *last = packet.packet.0;
    }

    fn dims(&mut self, dims: Dims) {
        put_varint(&mut self.buf, u64::from(dims.width));
        put_varint(&mut self.buf, u64::from(dims.height));
        put_varint(
            &mut self.buf,
            u64::from(dims.scale.to_bits().reverse_bits()),
        );
    }
}

/// A stage's index after [`super::op::PACKET`].
fn stage_index(stage: PacketStage) -> u8 {
    match stage {
        PacketStage::Queued { .. } => 0,
        PacketStage::Submitted => 1,
        PacketStage::Completed => 2,
        PacketStage::Presented => 3,
        PacketStage::Dropped => 4,
        PacketStage::NoOp => 5,
        PacketStage::Failed => 6,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{Resource, ResourceAction, ResourceId};
    use std::io;

    /// Accepts `room` bytes, then fails every write like a full disk.
    #[derive(Debug)]
    struct FullDisk {
        room: usize,
        written: Vec<u8>,
    }

    impl Write for FullDisk {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            if self.room == 0 {
                return Err(io::Error::new(io::ErrorKind::StorageFull, "no space left"));
            }
            let n = buf.len().min(self.room);
            self.room -= n;
            self.written.extend_from_slice(&buf[..n]);
            Ok(n)
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    fn create(id: u64, t: u64) -> Event {
        Event {
            time_ns: t,
            thread: 0,
            kind: EventKind::Resource {
                action: ResourceAction::Create,
                resource: Resource {
                    id: ResourceId(id),
                    ty: ResourceType::Texture,
                    owner: Owner::new(OwnerKind::RootVisual, 0x7f00_0000_1000),
                },
                dims: None,
                packet: None,
            },
        }
    }

    #[test]
    fn full_disk_keeps_first_error_and_stops_writing() {
        let disk = FullDisk {
            room: 40,
            written: Vec::new(),
        };
        let policy = BlockPolicy {
            target_bytes: 16,
            ..BlockPolicy::every_flush()
        };
        let mut w = BinaryWriter::with_policy(disk, policy);
        w.on_start(&StreamInfo::default());
        for i in 0..100 {
            w.on_event(&create(i + 1, i * 10));
        }
        let err = w.error().expect("the disk filled up");
        assert_eq!(err.kind(), ErrorKind::Io);
        assert_eq!(err.to_string(), "cannot write trace block 0 at byte 32");
        assert_eq!(err.offset(), Some(32));
        assert_eq!(w.bytes_written(), 32, "only the header went out whole");
        let err = w.finish().unwrap_err();
        assert_eq!(err.to_string(), "cannot write trace block 0 at byte 32");
    }

    #[test]
    fn taken_error_still_fails_finish() {
        let disk = FullDisk {
            room: 0,
            written: Vec::new(),
        };
        let mut w = BinaryWriter::new(disk);
        w.on_start(&StreamInfo::default());
        let err = w.take_error().expect("nothing fits");
        assert_eq!(err.to_string(), "cannot write trace header at byte 0");
        w.on_event(&create(1, 1));
        let err = w.finish().unwrap_err();
        assert_eq!(
            err.to_string(),
            "trace writer stopped after an earlier write error"
        );
    }

    #[test]
    fn small_flushes_do_not_cut_blocks() {
        let mut w = BinaryWriter::with_policy(
            Vec::new(),
            BlockPolicy {
                max_flush_delay: Duration::from_secs(3600),
                ..BlockPolicy::default()
            },
        );
        for i in 0..50 {
            w.on_event(&create(i + 1, i * 10));
            w.on_flush();
        }
        assert_eq!(w.blocks_written(), 0);
        w.on_finish();
        assert_eq!(w.blocks_written(), 1);
        assert_eq!(w.events_written(), 50);
    }

    #[test]
    fn every_flush_policy_cuts_only_when_there_is_something_new() {
        let mut w = BinaryWriter::with_policy(Vec::new(), BlockPolicy::every_flush());
        w.on_event(&create(1, 1));
        w.on_flush();
        w.on_flush();
        w.on_flush();
        assert_eq!(w.blocks_written(), 1);
        let len = w.bytes_written();
        assert_eq!(w.get_ref().len() as u64, len);
    }

    #[test]
    fn later_events_of_a_known_resource_use_the_cache() {
        let mut enc = Encoder::default();
        enc.event(&create(7, 100));
        let full = enc.payload_len();
        let mut destroy = create(7, 101);
        if let EventKind::Resource { action, .. } = &mut destroy.kind {
            *action = ResourceAction::Destroy;
        }
        enc.event(&destroy);
        // tag + time delta + slot back-reference.
        assert_eq!(enc.payload_len() - full, 3);
    }

    #[test]
    fn blocks_carry_their_sequence_number_and_the_events_before_them() {
        let mut w = BinaryWriter::with_policy(Vec::new(), BlockPolicy::every_flush());
        for i in 0..3 {
            w.on_event(&create(i + 1, i));
            w.on_event(&create(i + 100, i));
            w.on_flush();
        }
        let bytes = w.finish().expect("in memory");
        let body = u32::from_le_bytes([bytes[12], bytes[13], bytes[14], bytes[15]]) as usize;
        let mut at = 16 + body + 4;
        let mut heads = Vec::new();
        while at < bytes.len() {
            let len =
                u32::from_le_bytes([bytes[at + 4], bytes[at + 5], bytes[at + 6], bytes[at + 7]]);
            heads.push((bytes[at + FRAME_HEADER], bytes[at + FRAME_HEADER + 1]));
            at += FRAME_HEADER + len as usize;
        }
        assert_eq!(heads, vec![(0, 0), (1, 2), (2, 4)]);
    }

    #[test]
    fn a_name_too_long_for_the_format_stops_the_writer_instead_of_being_cut() {
        let mut w = BinaryWriter::new(Vec::new());
        w.on_name(Name(0), &"n".repeat(crate::format::MAX_NAME_LEN));
        w.on_name(Name(1), &"n".repeat(crate::format::MAX_NAME_LEN + 1));
        let err = w.finish().expect_err("the second name does not fit");
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
        assert_eq!(
            err.to_string(),
            "cannot write name 1 into the trace: name \"nnnnnnnnnnnnnnnnnnnnnnnn...\" is 65537 \
             bytes long, beyond the 65536 bytes a trace name may hold"
        );
    }
}

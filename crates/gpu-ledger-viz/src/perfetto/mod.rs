//! [`PerfettoWriter`]: a gpu-ledger stream as a Perfetto trace (`.pftrace`), the
//! protobuf `perfetto.protos.Trace` that ui.perfetto.dev and `trace_processor` open.
//!
//! The file is a sequence of `TracePacket`s (each a `Trace.packet`, field 1), written
//! as the stream goes, so memory stays bounded by the scene's state (the live
//! resources and packets in flight), never by the trace. Every packet is on one
//! sequence (`trusted_packet_sequence_id` 1); the first clears the incremental
//! state, and the fixed event and argument names (`rebuild`, `bind`, `lane`,
//! `resource_id`...) are interned on first use. Times are stream time in ns on the
//! trace's default clock, so Perfetto's time zero is the stream's zero.
//!
//! Slices are written as a begin and an end event when they finish, so the packets
//! are not in timestamp order: Perfetto sorts a trace file before parsing it. A
//! packet slice's begin carries one `flow_ids` entry per resource event in its
//! context, and each of those events carries it as `terminating_flow_ids` (the
//! lifetime slice's begin for a create, an instant otherwise). The layout itself
//! is the scene's (see the crate docs).

mod proto;

use std::collections::HashMap;
use std::io::Write;

use gpu_ledger::analysis::Report;
use prost::Message;

use crate::error::{Error, FirstError};
use crate::scene::Scene;
use crate::scene::canvas::{Args, Canvas, Instant, Order, Slice, Text, Track, TrackKind, Value};

use proto::*;

/// The sequence every packet is written on.
const SEQUENCE: u32 = 1;

/// Writes a Perfetto protobuf trace of the stream it is given: an [`EventSink`](gpu_ledger::EventSink).
///
/// Feed it a stream (the recorder, [`gpu_ledger::format::replay_path`], or any
/// producer), then call [`finish`](Self::finish).
///
/// # Example
/// ```
/// use gpu_ledger::{Event, EventKind, EventSink, Owner, OwnerKind, PacketRef, PacketStage,
///     Resource, ResourceAction, ResourceId, ResourceType};
/// use gpu_ledger_viz::PerfettoWriter;
///
/// let queue = Resource { id: ResourceId(1), ty: ResourceType::CommandQueue, owner: Owner::new(OwnerKind::RootVisual, 1) };
/// let packet = PacketRef::new(1, 1);
/// let mut writer = PerfettoWriter::new(Vec::new());
/// let mut at = |time_ns, kind| writer.on_event(&Event { time_ns, thread: 0, kind });
/// at(0, EventKind::Packet { packet, stage: PacketStage::Queued { command_id: 7 } });
/// at(10, EventKind::Resource { action: ResourceAction::Create, resource: queue, dims: None, packet: Some(packet) });
/// at(20, EventKind::Packet { packet, stage: PacketStage::Presented });
/// writer.on_finish();
/// let stats = writer.stats();
/// assert_eq!((stats.packets, stats.lifetimes, stats.flows), (1, 1, 1));
/// let bytes = writer.finish()?;
/// assert_eq!(bytes[0], 0x0a); // Trace.packet, field 1, length-delimited
/// # Ok::<(), gpu_ledger_viz::Error>(())
/// ```
pub struct PerfettoWriter<W: Write> {
    scene: Scene<PerfettoCanvas<W>>,
}

impl<W: Write> PerfettoWriter<W> {
    /// A writer of a Perfetto trace into `out` (buffer it: one write per packet).
    pub fn new(out: W) -> Self {
        Self {
            scene: Scene::new(PerfettoCanvas::new(out)),
        }
    }

    /// What has been drawn so far.
    pub fn stats(&self) -> crate::SceneStats {
        self.scene.stats()
    }

    /// Bytes written so far.
    pub fn bytes_written(&self) -> u64 {
        self.scene.canvas.bytes
    }

    /// Stream time of the first event, ns (`None` before any): times are kept as read.
    pub fn origin_ns(&self) -> Option<u64> {
        self.scene.origin_ns()
    }

    /// The churn report of the stream (the one the window and guardrail instants
    /// were drawn from), once the stream has finished.
    pub fn report(&self) -> Option<&Report> {
        self.scene.report()
    }

    /// Ends the stream (if [`EventSink::on_finish`](gpu_ledger::EventSink::on_finish) was not called), flushes, and
    /// returns the output.
    ///
    /// # Errors
    /// [`ErrorKind::Io`](crate::ErrorKind::Io): the first write that failed.
    pub fn finish(mut self) -> Result<W, Error> {
        self.scene.on_finish();
        let mut canvas = self.scene.canvas;
        let flushed = canvas.out.flush();
        canvas.error.keep("perfetto trace", flushed);
        canvas.error.into_result()?;
        Ok(canvas.out)
    }
}

crate::scene::scene_sink!(PerfettoWriter);

/// Encodes scene calls as trace packets.
struct PerfettoCanvas<W> {
    out: W,
    error: FirstError,
    buf: Vec<u8>,
    bytes: u64,
    first: bool,
    event_names: HashMap<&'static str, u64>,
    arg_names: HashMap<&'static str, u64>,
    /// Recurring string values (types, results), at most [`MAX_INTERNED_VALUES`].
    values: HashMap<String, u64>,
    /// Names interned by the event being built, sent with its packet.
    new_names: InternedData,
    /// Whether the event being built refers to interned data.
    uses_interned: bool,
}

/// Distinct interned string values; later ones are written inline.
const MAX_INTERNED_VALUES: usize = 4_096;

impl<W: Write> PerfettoCanvas<W> {
    fn new(out: W) -> Self {
        Self {
            out,
            error: FirstError::default(),
            buf: Vec::with_capacity(256),
            bytes: 0,
            first: true,
            event_names: HashMap::new(),
            arg_names: HashMap::new(),
            values: HashMap::new(),
            new_names: InternedData::default(),
            uses_interned: false,
        }
    }

    fn intern_value(&mut self, value: &str) -> Option<u64> {
        if let Some(&iid) = self.values.get(value) {
            self.uses_interned = true;
            return Some(iid);
        }
        if self.values.len() >= MAX_INTERNED_VALUES {
            return None;
        }
        self.uses_interned = true;
        let iid = self.values.len() as u64 + 1;
        self.values.insert(value.to_owned(), iid);
        self.new_names
            .debug_annotation_string_values
            .push(InternedString {
                iid: Some(iid),
                str: Some(value.as_bytes().to_vec()),
            });
        Some(iid)
    }

    fn intern_event_name(&mut self, name: &'static str) -> u64 {
        self.uses_interned = true;
        let next = self.event_names.len() as u64 + 1;
        *self.event_names.entry(name).or_insert_with(|| {
            self.new_names.event_names.push(InternedName {
                iid: Some(next),
                name: Some(name.to_owned()),
            });
            next
        })
    }

    fn intern_arg_name(&mut self, name: &'static str) -> u64 {
        self.uses_interned = true;
        let next = self.arg_names.len() as u64 + 1;
        *self.arg_names.entry(name).or_insert_with(|| {
            self.new_names.debug_annotation_names.push(InternedName {
                iid: Some(next),
                name: Some(name.to_owned()),
            });
            next
        })
    }

    fn annotations(&mut self, args: &Args<'_>) -> Vec<DebugAnnotation> {
        args.iter()
            .map(|&(name, value)| {
                let mut a = DebugAnnotation {
                    name_iid: Some(self.intern_arg_name(name)),
                    ..DebugAnnotation::default()
                };
                match value {
                    Value::Uint(v) => a.uint_value = Some(v),
                    Value::Float(v) => a.double_value = Some(v),
                    Value::Str(v) => a.string_value = Some(v.to_owned()),
                    Value::Label(v) => match self.intern_value(v) {
                        Some(iid) => a.string_value_iid = Some(iid),
                        None => a.string_value = Some(v.to_owned()),
                    },
                    Value::Bool(v) => a.bool_value = Some(v),
                }
                a
            })
            .collect()
    }

    fn event(&mut self, kind: i32, track: u64, name: Option<Text<'_>>) -> TrackEvent {
        let mut e = TrackEvent {
            r#type: Some(kind),
            track_uuid: Some(track),
            ..TrackEvent::default()
        };
        match name {
            Some(Text::Fixed(n)) => e.name_iid = Some(self.intern_event_name(n)),
            Some(Text::Own(n)) => e.name = Some(n.to_owned()),
            None => {}
        }
        e
    }

    fn write(
        &mut self,
        timestamp: Option<u64>,
        event: Option<TrackEvent>,
        track: Option<TrackDescriptor>,
    ) {
        if self.error.failed() {
            return;
        }
        let interned = std::mem::take(&mut self.new_names);
        let has_interned = interned != InternedData::default();
        // Only a packet that refers to interned names needs the sequence's state.
        let flags = match (self.first, std::mem::take(&mut self.uses_interned)) {
            (true, _) => Some(SEQ_INCREMENTAL_STATE_CLEARED | SEQ_NEEDS_INCREMENTAL_STATE),
            (false, true) => Some(SEQ_NEEDS_INCREMENTAL_STATE),
            (false, false) => None,
        };
        self.first = false;
        let packet = TracePacket {
            timestamp,
            track_event: event,
            track_descriptor: track,
            trusted_packet_sequence_id: Some(SEQUENCE),
            interned_data: has_interned.then_some(interned),
            sequence_flags: flags,
        };
        self.buf.clear();
        // Trace.packet: field 1, length-delimited.
        self.buf.push(0x0a);
        prost::encoding::encode_varint(packet.encoded_len() as u64, &mut self.buf);
        if packet.encode(&mut self.buf).is_err() {
            // Only a full buffer fails, and a Vec grows.
            return;
        }
        let written = self.out.write_all(&self.buf);
        self.bytes += self.buf.len() as u64;
        self.error.keep("perfetto trace", written);
    }
}

impl<W: Write> Canvas for PerfettoCanvas<W> {
    fn track(&mut self, track: &Track<'_>) {
        let mut d = TrackDescriptor {
            uuid: Some(track.uuid),
            parent_uuid: track.parent,
            name: Some(track.name.to_owned()),
            description: track.description.map(str::to_owned),
            sibling_order_rank: track.rank,
            ..TrackDescriptor::default()
        };
        match track.kind {
            TrackKind::Group(order) => {
                d.child_ordering = Some(match order {
                    Order::Explicit => ORDER_EXPLICIT,
                    Order::Chronological => ORDER_CHRONOLOGICAL,
                    Order::Lexicographic => ORDER_LEXICOGRAPHIC,
                });
            }
            TrackKind::Counter => {
                d.counter = Some(CounterDescriptor {
                    unit: Some(UNIT_COUNT),
                });
            }
            TrackKind::Slices => {}
        }
        self.write(None, None, Some(d));
    }

    fn slice(&mut self, slice: &Slice<'_>) {
        let mut begin = self.event(TYPE_SLICE_BEGIN, slice.track, Some(slice.name));
        begin.debug_annotations = self.annotations(slice.args);
        begin.flow_ids = slice.flows_out.to_vec();
        begin.terminating_flow_ids = slice.flow_in.into_iter().collect();
        self.write(Some(slice.start_ns), Some(begin), None);
        for phase in slice.phases {
            let begin = self.event(TYPE_SLICE_BEGIN, slice.track, Some(Text::Fixed(phase.name)));
            self.write(Some(phase.start_ns), Some(begin), None);
            let end = self.event(TYPE_SLICE_END, slice.track, None);
            self.write(Some(phase.end_ns), Some(end), None);
        }
        let end = self.event(TYPE_SLICE_END, slice.track, None);
        self.write(Some(slice.end_ns), Some(end), None);
    }

    fn instant(&mut self, instant: &Instant<'_>) {
        let mut e = self.event(TYPE_INSTANT, instant.track, Some(instant.name));
        e.debug_annotations = self.annotations(instant.args);
        e.terminating_flow_ids = instant.flow_in.into_iter().collect();
        self.write(Some(instant.ts), Some(e), None);
    }

    fn counter(&mut self, track: u64, ts: u64, value: u64) {
        let mut e = self.event(TYPE_COUNTER, track, None);
        e.counter_value = Some(i64::try_from(value).unwrap_or(i64::MAX));
        self.write(Some(ts), Some(e), None);
    }
}

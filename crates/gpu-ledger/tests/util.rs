//! Shared test helpers: [`Stream`], the one builder of hand-made event streams,
//! the round trips every format test needs (a stream written into either trace
//! format in memory and read back), and [`import_log`], the one way tests import
//! an Omega log.
//!
//! A stream has a clock: `Stream::new()` stamps events with the time last set by
//! [`Stream::at`] (so several events can share a moment), `Stream::ticking(step)`
//! stamps each event `step` after the previous one, starting at 0. Everything it
//! builds is a plain [`Event`]; it never analyses anything itself.

#![allow(dead_code)] // each test module uses its own subset

use gpu_ledger::analysis::{Analyzer, Definitions, Report};
use gpu_ledger::format::{
    BinaryReader, BinaryWriter, BlockPolicy, JsonLinesReader, JsonLinesWriter, ReadSummary,
};
use gpu_ledger::import::{ImportSummary, OmegaImport, Sources};
use gpu_ledger::{
    Collected, Dims, Event, EventKind, EventSink, Marker, Owner, PacketRef, PacketStage, Resource,
    ResourceAction, ResourceId, ResourceType,
};

/// One millisecond, in nanoseconds.
pub(crate) const MS: u64 = 1_000_000;

/// A hand-built event stream with a clock.
#[derive(Clone, Debug, Default)]
pub(crate) struct Stream {
    /// The events so far, in order.
    pub(crate) events: Vec<Event>,
    t: u64,
    tick_ns: u64,
}

impl Stream {
    /// An empty stream whose clock moves only with [`Self::at`] and [`Self::at_ns`].
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// An empty stream whose events are `tick_ns` apart, the first at 0.
    pub(crate) fn ticking(tick_ns: u64) -> Self {
        Self {
            tick_ns,
            ..Self::default()
        }
    }

    /// Moves the clock to `ms` milliseconds.
    pub(crate) fn at(&mut self, ms: u64) -> &mut Self {
        self.t = ms * MS;
        self
    }

    /// Moves the clock to `ns` nanoseconds.
    pub(crate) fn at_ns(&mut self, ns: u64) -> &mut Self {
        self.t = ns;
        self
    }

    /// Moves the clock `ms` milliseconds on.
    pub(crate) fn after(&mut self, ms: u64) -> &mut Self {
        self.t += ms * MS;
        self
    }

    /// Appends an event at the clock's time.
    pub(crate) fn push(&mut self, kind: EventKind) -> &mut Self {
        self.events.push(Event {
            time_ns: self.t,
            thread: 0,
            kind,
        });
        self.t += self.tick_ns;
        self
    }

    /// A resource event.
    pub(crate) fn res(
        &mut self,
        action: ResourceAction,
        id: u64,
        ty: ResourceType,
        owner: Owner,
        packet: Option<PacketRef>,
        dims: Option<Dims>,
    ) -> &mut Self {
        self.push(EventKind::Resource {
            action,
            resource: Resource {
                id: ResourceId(id),
                ty,
                owner,
            },
            dims,
            packet,
        })
    }

    /// A create outside any packet.
    pub(crate) fn create(&mut self, id: u64, ty: ResourceType, owner: Owner) -> &mut Self {
        self.res(ResourceAction::Create, id, ty, owner, None, None)
    }

    /// A create in `packet`'s context.
    pub(crate) fn create_in(
        &mut self,
        id: u64,
        ty: ResourceType,
        owner: Owner,
        packet: PacketRef,
    ) -> &mut Self {
        self.res(ResourceAction::Create, id, ty, owner, Some(packet), None)
    }

    /// A create of a `w`×`h` (scale 2) resource outside any packet.
    pub(crate) fn create_sized(
        &mut self,
        id: u64,
        ty: ResourceType,
        owner: Owner,
        w: u32,
        h: u32,
    ) -> &mut Self {
        let dims = Some(Dims::new(w, h, 2.0));
        self.res(ResourceAction::Create, id, ty, owner, None, dims)
    }

    /// A destroy outside any packet.
    pub(crate) fn destroy(&mut self, id: u64, ty: ResourceType, owner: Owner) -> &mut Self {
        self.res(ResourceAction::Destroy, id, ty, owner, None, None)
    }

    /// A destroy in `packet`'s context.
    pub(crate) fn destroy_in(
        &mut self,
        id: u64,
        ty: ResourceType,
        owner: Owner,
        packet: PacketRef,
    ) -> &mut Self {
        self.res(ResourceAction::Destroy, id, ty, owner, Some(packet), None)
    }

    /// A resize rebuild to `w`×`h` (scale 2) outside any packet.
    pub(crate) fn rebuild(
        &mut self,
        id: u64,
        ty: ResourceType,
        owner: Owner,
        w: u32,
        h: u32,
    ) -> &mut Self {
        let dims = Some(Dims::new(w, h, 2.0));
        self.res(ResourceAction::ResizeRebuild, id, ty, owner, None, dims)
    }

    /// A bind outside any packet.
    pub(crate) fn bind(&mut self, id: u64, ty: ResourceType, owner: Owner) -> &mut Self {
        self.res(ResourceAction::Bind, id, ty, owner, None, None)
    }

    /// A packet stage.
    pub(crate) fn stage(&mut self, packet: PacketRef, stage: PacketStage) -> &mut Self {
        self.push(EventKind::Packet { packet, stage })
    }

    /// `packet` queued, with its packet id as command id.
    pub(crate) fn queued(&mut self, packet: PacketRef) -> &mut Self {
        let command_id = packet.packet.0;
        self.stage(packet, PacketStage::Queued { command_id })
    }

    /// `packet` presented.
    pub(crate) fn present(&mut self, packet: PacketRef) -> &mut Self {
        self.stage(packet, PacketStage::Presented)
    }

    /// `packet` queued and submitted, then presented `latency_ms` later.
    pub(crate) fn frame(&mut self, packet: PacketRef, latency_ms: u64) -> &mut Self {
        self.queued(packet).stage(packet, PacketStage::Submitted);
        self.after(latency_ms);
        self.present(packet)
    }

    /// `packet` touched resource `id`.
    pub(crate) fn touch(&mut self, packet: PacketRef, id: u64) -> &mut Self {
        self.push(EventKind::Touched {
            packet,
            resource: ResourceId(id),
        })
    }

    /// The shutdown marker.
    pub(crate) fn shutdown(&mut self) -> &mut Self {
        self.push(EventKind::Marker(Marker::ShutdownBegins))
    }

    /// The producer finished cleanly: the clean-end marker, the stream's last event.
    pub(crate) fn clean_end(&mut self) -> &mut Self {
        self.push(EventKind::Marker(Marker::CleanEnd))
    }

    /// The stream as a recorder would deliver it.
    pub(crate) fn collected(&self) -> Collected {
        let mut collected = Collected::default();
        for e in &self.events {
            collected.on_event(e);
        }
        collected.on_finish();
        collected
    }

    /// Replays the stream into `sink`: start, every event, flush, finish.
    pub(crate) fn feed(&self, sink: &mut dyn EventSink) {
        self.collected().replay(sink);
    }

    /// An analyzer fed the whole stream under `defs`.
    pub(crate) fn analyze_with(&self, defs: Definitions) -> Analyzer {
        let mut a = Analyzer::new(defs);
        self.feed(&mut a);
        a
    }

    /// An analyzer fed the whole stream under the default definitions.
    pub(crate) fn analyzer(&self) -> Analyzer {
        self.analyze_with(Definitions::default())
    }

    /// The report of the whole stream under the default definitions.
    pub(crate) fn report(&self) -> Report {
        self.report_with(Definitions::default())
    }

    /// The report of the whole stream under `defs`.
    pub(crate) fn report_with(&self, defs: Definitions) -> Report {
        self.analyze_with(defs).report()
    }
}

/// `stream` as a binary trace, blocks cut by `policy`.
pub(crate) fn write_binary(stream: &Collected, policy: BlockPolicy) -> Vec<u8> {
    let mut writer = BinaryWriter::with_policy(Vec::new(), policy);
    stream.replay(&mut writer);
    writer.finish().expect("writing to memory cannot fail")
}

/// `stream` as a JSON Lines trace.
pub(crate) fn write_jsonl(stream: &Collected) -> Vec<u8> {
    let mut writer = JsonLinesWriter::new(Vec::new());
    stream.replay(&mut writer);
    writer.finish().expect("writing to memory cannot fail")
}

/// A binary trace read back, whose header must be intact.
pub(crate) fn read_binary(bytes: &[u8]) -> (ReadSummary, Collected) {
    let mut sink = Collected::default();
    let summary = BinaryReader::new(bytes)
        .and_then(|mut reader| reader.replay(&mut sink))
        .expect("the header is intact");
    (summary, sink)
}

/// A JSON Lines trace read back, whose header must be intact.
pub(crate) fn read_jsonl(bytes: &[u8]) -> (ReadSummary, Collected) {
    try_read_jsonl(bytes).expect("the header is intact")
}

/// A JSON Lines trace read back; `None` when its header is unusable.
pub(crate) fn try_read_jsonl(bytes: &[u8]) -> Option<(ReadSummary, Collected)> {
    let mut sink = Collected::default();
    let summary = JsonLinesReader::new(bytes)
        .and_then(|mut reader| reader.replay(&mut sink))
        .ok()?;
    Some((summary, sink))
}

/// `log` imported as the CLI imports a file: scanned once, then imported.
pub(crate) fn import_log(log: &str) -> (ImportSummary, Collected) {
    let sources = Sources::scan(log.as_bytes()).expect("reading a string cannot fail");
    let mut collected = Collected::default();
    let summary = OmegaImport::new(sources)
        .import(log.as_bytes(), &mut collected)
        .expect("reading a string cannot fail");
    (summary, collected)
}

/// `log` imported like [`import_log`], less the clean end a log whose last line is
/// whole ends with (asserted here): the events its lines gave.
pub(crate) fn import_lines(log: &str) -> (ImportSummary, Collected) {
    let (summary, mut collected) = import_log(log);
    let clean_end = collected
        .events
        .last()
        .is_some_and(|e| e.kind == gpu_ledger::EventKind::Marker(gpu_ledger::Marker::CleanEnd));
    let whole = log.ends_with('\n') && !collected.events.is_empty();
    assert_eq!(clean_end, whole, "a whole log, and only one, ends cleanly");
    if clean_end {
        collected.events.pop();
    }
    (summary, collected)
}

/// The live resources after the first `seq` events, replayed by hand:
/// id -> (type name, owner key).
pub(crate) fn live_after(
    events: &Collected,
    seq: u64,
) -> std::collections::BTreeMap<u64, (String, u64)> {
    let mut live = std::collections::BTreeMap::new();
    for e in &events.events[..seq as usize] {
        if let EventKind::Resource {
            action, resource, ..
        } = e.kind
        {
            match action {
                ResourceAction::Create => {
                    let ty = resource.ty.resolve(&events.names).into_owned();
                    live.insert(resource.id.0, (ty, resource.owner.key));
                }
                ResourceAction::Destroy => {
                    live.remove(&resource.id.0);
                }
                _ => {}
            }
        }
    }
    live
}

//! The Omega log formats (OmegaWTK toolkit, OmegaGTE engine): lines to events.
//!
//! Six line families are recognised (see `docs/omega-import.md`): toolkit
//! resource events `[OmegaWTKGPU]`, engine resource events `[OmegaGTEResource]`,
//! compositor packets `[OmegaWTKSync]`, engine debug-layer lines (with the
//! validation-layer messages they forward), plain NSLog lines, and the engine
//! tracker's own dump. Several families can describe the same fact (a queue
//! destroy appears as a format-2 line, a debug line and an NSLog line); [`Sources`]
//! says which family is authoritative for each fact, and debug-layer lifecycle
//! lines repeat format 2 only for the ids it describes, so every fact becomes
//! exactly one event.
//!
//! Toolkit and engine ids are independent counters, so each gets its own id
//! space; ids are remapped to fresh [`ResourceId`]s, and a mapping lives only
//! while its resource does, so memory follows the live set. Engine lines name no
//! owner: a resource they create gets the owner of the toolkit `Create` or
//! `ResizeRebuild` line just before it in the same millisecond (an inference,
//! reported with its evidence), else [`OwnerKind::Unknown`] — never a made-up
//! owner. Time never runs backwards: stamps are judged by `format::time` (wild
//! stamps ignored, clock resets shifted, steps back clamped, each reported with
//! its line), and `[OmegaWTKSync]` lines, which carry no time, take the last time
//! seen. This module never fails on a line: it counts and moves on.

use std::collections::HashMap;
use std::io::BufRead;

use super::debug::{DebugLine, LIFECYCLE, debug_line, validation_code};
use super::lines::{DumpLine, Family, Fields, dump_line, engine_type, family, line_ts, read_line};
use super::scan::{ClockPlan, Sources};
use super::summary::{ImportSummary, InferredOwner, MAX_EXAMPLES};
use super::wallclock::nslog_ms;
use crate::event::{
    Dims, Event, EventKind, EventSink, FindingSeverity, Marker, Name, Names, Owner, OwnerKind,
    PacketRef, PacketStage, PoolAction, Resource, ResourceAction, ResourceId, ResourceType,
    StreamInfo,
};
use crate::format::{Judgement, MalformedLine, TimeLine, TimeRules, check_name_len, clip};

/// The longest finding message kept, in bytes (cut at a character boundary):
/// trace formats store names of at most 4096 bytes.
const MAX_FINDING_MESSAGE: usize = 2048;

/// Id spaces: the toolkit's and the engine's counters are independent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Space {
    Toolkit,
    Engine,
}

/// Which family described a live resource first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Source {
    /// `[OmegaWTKGPU]`.
    Toolkit,
    /// `[OmegaGTEResource]` or the tracker dump: authoritative for engine ids.
    Engine,
    /// The engine's debug layer.
    Debug,
}

/// Whose a resource is, as its line says.
#[derive(Clone, Copy, Debug)]
enum OwnerLine {
    /// The line names it.
    Logged(Owner),
    /// The line names none (engine lines): inferred, or unknown.
    Unnamed,
}

/// One lifecycle line, read.
#[derive(Clone, Copy, Debug)]
struct Step {
    action: ResourceAction,
    ty: ResourceType,
    owner: OwnerLine,
    dims: Option<Dims>,
    thread: u32,
    source: Source,
}

/// A live imported resource.
#[derive(Clone, Copy, Debug)]
struct Live {
    id: ResourceId,
    ty: ResourceType,
    owner: Owner,
    source: Source,
}

/// The toolkit line that is building something now: engine resources created
/// right after it, in the same millisecond, are taken to be its owner's.
#[derive(Clone, Copy, Debug)]
struct Builder {
    owner: Owner,
    line: u64,
    ts_ms: u64,
}

/// Turns Omega log lines into events, one line at a time.
///
/// # Example
/// ```
/// use gpu_ledger::Collected;
/// use gpu_ledger::import::{OmegaImport, Sources};
///
/// let log = "\
/// [OmegaWTKGPU] ts=1781982131501 event=Create type=TextureTarget id=1 ownerKind=BackendRenderTargetContext ownerKey=5380276224 width=500 height=500 scale=2
/// [OmegaWTKSync] present lane=1 packet=3 inFlight=0 ewmaMs=16.2 quality=Full
/// some unrelated line
/// [OmegaWTKGPU] ts=oops event=Destroy
/// ";
/// let sources = Sources::scan(log.as_bytes())?;
/// let mut events = Collected::default();
/// let summary = OmegaImport::new(sources).import(log.as_bytes(), &mut events)?;
/// assert_eq!((summary.events, summary.other_lines, summary.malformed), (2, 1, 1));
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct OmegaImport {
    sources: Sources,
    summary: ImportSummary,
    names: Names,
    names_sent: usize,
    live: HashMap<(Space, u64), Live>,
    threads: HashMap<u64, u32>,
    next_id: u64,
    next_packet: u64,
    /// The clock: judged stamps in ms, never running backwards.
    clock: TimeLine,
    /// Whether NSLog stamps drive the clock (no line has a `ts=`).
    nslog_clock: bool,
    /// Time zero, in the clock's ms.
    base_ms: Option<u64>,
    /// The next correction of the clock's plan to apply.
    correction: usize,
    time_ns: u64,
    builder: Option<Builder>,
    /// An `[OmegaGTEResource]` line was seen: a tracker dump after it repeats it.
    seen_engine: bool,
    started: bool,
    line: u64,
}

impl OmegaImport {
    /// An importer that takes each fact from the best family `sources` found.
    pub fn new(sources: Sources) -> Self {
        let nslog_clock = sources.ts_clock.first.is_none() && sources.nslog_clock.first.is_some();
        let base_ms = if nslog_clock {
            sources.nslog_clock.first
        } else {
            sources.ts_clock.first
        };
        Self {
            sources,
            summary: ImportSummary::default(),
            names: Names::new(),
            names_sent: 0,
            live: HashMap::new(),
            threads: HashMap::new(),
            next_id: 1,
            next_packet: 1,
            clock: TimeLine::new(TimeRules::LOG_MS),
            nslog_clock,
            base_ms,
            correction: 0,
            time_ns: 0,
            builder: None,
            seen_engine: false,
            started: false,
            line: 0,
        }
    }

    /// Imports every line of `reader` into `sink`, then finishes the stream.
    /// Lines longer than 1 MiB are counted and skipped unread. A log whose last
    /// line ends with a newline ends with a [`Marker::CleanEnd`] (the process
    /// finished writing it); one cut mid-line does not.
    ///
    /// # Errors
    /// Only I/O errors of `reader`: bad lines are counted, never errors.
    pub fn import<R: BufRead>(
        mut self,
        mut reader: R,
        sink: &mut dyn EventSink,
    ) -> std::io::Result<ImportSummary> {
        let mut line = Vec::new();
        let mut whole = false;
        while let Some(end) = read_line(&mut reader, &mut line)? {
            whole = end.whole;
            if end.overlong {
                self.skip_overlong();
            } else {
                self.push_line(&String::from_utf8_lossy(&line), sink);
            }
        }
        if whole && self.started {
            // Not an event of a line: `summary.events` counts those.
            sink.on_event(&Event {
                time_ns: self.time_ns,
                thread: 0,
                kind: EventKind::Marker(Marker::CleanEnd),
            });
        }
        Ok(self.finish(sink))
    }

    /// Counts a line that was too long to read.
    fn skip_overlong(&mut self) {
        self.line += 1;
        self.summary.lines += 1;
        self.summary.overlong_lines += 1;
        if self.summary.overlong_examples.len() < MAX_EXAMPLES {
            self.summary.overlong_examples.push(self.line);
        }
    }

    /// Imports one line.
    pub fn push_line(&mut self, line: &str, sink: &mut dyn EventSink) {
        self.line += 1;
        self.summary.lines += 1;
        let Some((family, rest)) = family(line) else {
            self.summary.other_lines += 1;
            return;
        };
        self.summary.recognised[family as usize] += 1;
        let duplicate_dump = family == Family::Dump && self.seen_engine;
        self.seen_engine |= family == Family::Engine;
        if !self.nslog_clock
            && !duplicate_dump
            && let Some(ts) = line_ts(family, rest)
        {
            self.stamp(ts);
        }
        if self.nslog_clock
            && family == Family::NsLog
            && let Some(ms) = nslog_ms(rest)
        {
            self.stamp(ms);
        }
        let result = match family {
            Family::Toolkit => self.toolkit(Fields(rest), sink),
            Family::Engine => self.engine(Fields(rest), sink),
            Family::Dump => self.dump(rest, duplicate_dump, sink),
            Family::Sync => self.sync(rest, sink),
            Family::Debug => self.debug(rest, sink),
            Family::NsLog => self.nslog(rest, sink),
        };
        if let Err(reason) = result {
            self.summary.malformed += 1;
            if self.summary.malformed_examples.len() < MAX_EXAMPLES {
                self.summary.malformed_examples.push(MalformedLine {
                    line: self.line,
                    reason,
                });
            }
        }
    }

    /// Ends the stream and says what the log could not tell.
    pub fn finish(mut self, sink: &mut dyn EventSink) -> ImportSummary {
        self.start(sink);
        sink.on_flush();
        sink.on_finish();
        self.summary.time = self.clock.report.clone();
        let s = &self.sources;
        let mut limitations = Vec::new();
        if !s.sync_packets {
            limitations.push(String::from(
                "no packet information in this log ([OmegaWTKSync] lines): presents come from engine or NSLog present lines, and no event has packet context",
            ));
        } else {
            limitations.push(String::from(
                "resource lines carry no packet id: events are placed between packets by log order only, without packet context",
            ));
        }
        if self.summary.unknown_owners > 0 {
            limitations.push(format!(
                "{} engine resources come from lines that name no owner: their owner is recorded as Unknown, never guessed, and the report says it is not known",
                self.summary.unknown_owners
            ));
        }
        if !s.queue_destroys_with_ids && self.summary.recognised[Family::NsLog as usize] > 0 {
            limitations.push(String::from("command-queue destroys come from NSLog lines without ids: their lifetimes and owners are unknown"));
        }
        let plan = self.plan();
        if plan.dropped > 0 {
            limitations.push(format!(
                "{} further wild or reset stamps were only clamped (the importer keeps {} corrections)",
                plan.dropped,
                plan.corrections.len()
            ));
        }
        self.summary.limitations = limitations;
        self.summary
    }

    fn plan(&self) -> &ClockPlan {
        if self.nslog_clock {
            &self.sources.nslog_clock
        } else {
            &self.sources.ts_clock
        }
    }

    /// Moves the clock to stamp `raw` (ms) of the current line, as the scan judged it.
    fn stamp(&mut self, raw: u64) {
        let line = self.line;
        let (judgement, next) = {
            let plan = self.plan();
            let mut i = self.correction;
            while plan.corrections.get(i).is_some_and(|c| c.line < line) {
                i += 1;
            }
            let found = plan.corrections.get(i).filter(|c| c.line == line).copied();
            self.correction = i + usize::from(found.is_some());
            found.map_or((Judgement::Accept, None), |c| (c.judgement, c.next))
        };
        let ms = self.clock.apply(line, raw, judgement, next);
        let base = *self.base_ms.get_or_insert(ms);
        self.time_ns = ms.saturating_sub(base).saturating_mul(1_000_000);
    }

    fn start(&mut self, sink: &mut dyn EventSink) {
        if !self.started {
            self.started = true;
            sink.on_start(&StreamInfo {
                start_unix_ns: self
                    .sources
                    .first_ts_ms
                    .unwrap_or(0)
                    .saturating_mul(1_000_000),
                source: String::from("omega log"),
                ..StreamInfo::default()
            });
        }
    }

    fn emit(&mut self, thread: u32, kind: EventKind, sink: &mut dyn EventSink) {
        self.start(sink);
        // Interned names have no gaps, so skipping the ones sent is a jump, not a walk.
        for (name, text) in self.names.iter().skip(self.names_sent) {
            sink.on_name(name, text);
        }
        self.names_sent = self.names.len();
        self.summary.events += 1;
        sink.on_event(&Event {
            time_ns: self.time_ns,
            thread,
            kind,
        });
    }

    /// The name for `text`; a text too long for a trace name makes the line malformed.
    fn name(&mut self, field: &str, text: &str) -> Result<Name, String> {
        check_name_len(text).map_err(|reason| format!("{field}=: {reason}"))?;
        Ok(self.names.intern(text))
    }

    fn resource_type(&mut self, text: &str) -> Result<ResourceType, String> {
        match engine_type(text) {
            Some(known) => Ok(known),
            None => self.name("type", text).map(ResourceType::Other),
        }
    }

    fn owner_kind(&mut self, text: &str) -> Result<OwnerKind, String> {
        match OwnerKind::from_well_known_name(text) {
            Some(known) => Ok(known),
            None => self.name("ownerKind", text).map(OwnerKind::Other),
        }
    }

    fn thread(&mut self, raw: Option<u64>) -> u32 {
        let Some(raw) = raw else { return 0 };
        let next = self.threads.len() as u32 + 1;
        *self.threads.entry(raw).or_insert(next)
    }

    /// The owner of a new resource created by the current line.
    fn new_owner(&mut self, owner: OwnerLine, ty: ResourceType) -> Owner {
        match (owner, self.builder) {
            (OwnerLine::Logged(owner), _) => owner,
            (OwnerLine::Unnamed, Some(b)) => {
                self.summary.inferred_owners += 1;
                if self.summary.inferred_examples.len() < MAX_EXAMPLES {
                    let example = InferredOwner {
                        line: self.line,
                        resource_type: ty.resolve(&self.names).into_owned(),
                        owner_kind: b.owner.kind.resolve(&self.names).into_owned(),
                        owner_key: b.owner.key,
                        evidence_line: b.line,
                    };
                    self.summary.inferred_examples.push(example);
                }
                b.owner
            }
            (OwnerLine::Unnamed, None) => {
                self.summary.unknown_owners += 1;
                Owner::new(OwnerKind::Unknown, 0)
            }
        }
    }

    /// A new resource for `raw` in `space`.
    fn fresh(&mut self, key: (Space, u64), step: Step) -> Live {
        let live = Live {
            id: ResourceId(self.next_id),
            ty: step.ty,
            owner: self.new_owner(step.owner, step.ty),
            source: step.source,
        };
        self.next_id += 1;
        self.live.insert(key, live);
        live
    }

    /// A lifecycle step of resource `raw` in `space`, creating or forgetting its mapping.
    fn lifecycle(&mut self, key: (Space, u64), step: Step, sink: &mut dyn EventSink) {
        let Step {
            action,
            dims,
            thread,
            ..
        } = step;
        let known = self.live.get(&key).copied();
        let resource = match (action, known) {
            // The debug layer announced it first: this is the same create.
            (ResourceAction::Create, Some(l))
                if l.source == Source::Debug && step.source == Source::Engine =>
            {
                self.summary.duplicates_skipped += 1;
                if let Some(l) = self.live.get_mut(&key) {
                    l.source = Source::Engine;
                }
                return;
            }
            (ResourceAction::Create, _) => self.fresh(key, step),
            (_, None) => {
                // An id seen again after its destroy (the stack-copy quirk) or never created.
                self.summary.implicit_creates += 1;
                let live = self.fresh(key, step);
                if action != ResourceAction::Destroy {
                    self.emit(
                        thread,
                        resource_event(ResourceAction::Create, live, dims),
                        sink,
                    );
                }
                live
            }
            (_, Some(live)) => match (action, step.owner) {
                // A bind names what it binds into (a tree), not a new owner.
                (ResourceAction::Bind | ResourceAction::Unbind, _) | (_, OwnerLine::Unnamed) => {
                    live
                }
                (_, OwnerLine::Logged(owner)) => Live { owner, ..live },
            },
        };
        if action == ResourceAction::Destroy {
            self.live.remove(&key);
        }
        self.emit(thread, resource_event(action, resource, dims), sink);
    }

    /// Reports a finding of another checker.
    fn finding(
        &mut self,
        severity: FindingSeverity,
        code: &str,
        message: &str,
        resource: Option<ResourceId>,
        sink: &mut dyn EventSink,
    ) {
        // Clipped far below the longest trace name, so interning cannot refuse them.
        let code = self.names.intern(clip(code, MAX_FINDING_MESSAGE));
        let message = self.names.intern(clip(message, MAX_FINDING_MESSAGE));
        self.summary.findings += 1;
        let line = Some(self.line);
        self.emit(
            0,
            EventKind::Finding {
                severity,
                code,
                message,
                resource,
                packet: None,
                line,
            },
            sink,
        );
    }

    fn toolkit(&mut self, f: Fields<'_>, sink: &mut dyn EventSink) -> Result<(), String> {
        let ts = f.number("ts")?;
        let event = f.get("event").ok_or("missing event=")?;
        if event == "PoolSnapshot" {
            self.summary.informational += 1;
            return Ok(());
        }
        // Any other toolkit line ends what the line before was building.
        self.builder = None;
        let ty = f.get("type").ok_or("missing type=")?;
        let ty = self.resource_type(ty)?;
        let owner_kind = f.get("ownerKind").ok_or("missing ownerKind=")?;
        let owner = Owner::new(self.owner_kind(owner_kind)?, f.number("ownerKey")?);
        let pool_action = match event {
            "PoolHit" => Some(PoolAction::Hit),
            "PoolMiss" => Some(PoolAction::Miss),
            "PoolRelease" => Some(PoolAction::Release),
            "PoolEvict" => Some(PoolAction::Evict),
            _ => None,
        };
        if let Some(action) = pool_action {
            let dims = f
                .float("width")
                .map(|bytes| Dims::bytes(bytes.max(0.0) as u64));
            self.emit(
                0,
                EventKind::Pool {
                    action,
                    ty,
                    owner,
                    dims,
                },
                sink,
            );
            return Ok(());
        }
        let action = parse_action(event)?;
        let id = f.number("id")?;
        if id == 0 {
            // id=0 is no resource identity (pool events and a few others use it).
            self.summary.informational += 1;
            return Ok(());
        }
        let step = Step {
            action,
            ty,
            owner: OwnerLine::Logged(owner),
            dims: f.dims(),
            thread: 0,
            source: Source::Toolkit,
        };
        self.lifecycle((Space::Toolkit, id), step, sink);
        if matches!(
            action,
            ResourceAction::Create | ResourceAction::ResizeRebuild
        ) {
            self.builder = Some(Builder {
                owner,
                line: self.line,
                ts_ms: ts,
            });
        }
        Ok(())
    }

    fn engine(&mut self, f: Fields<'_>, sink: &mut dyn EventSink) -> Result<(), String> {
        let ts = f.number("ts")?;
        if self.builder.is_some_and(|b| b.ts_ms != ts) {
            self.builder = None;
        }
        let event = f.get("event").ok_or("missing event=")?;
        let ty_text = f.get("type").ok_or("missing type=")?;
        let id = f.number("id")?;
        let thread = self.thread(f.number("threadId").ok());
        let queue = f.number("queueId").unwrap_or(0);
        match event {
            "Create" | "Destroy" | "ResizeRebuild" | "Bind" | "Unbind" => {
                let step = Step {
                    action: parse_action(event)?,
                    ty: self.resource_type(ty_text)?,
                    owner: OwnerLine::Unnamed,
                    dims: f.dims(),
                    thread,
                    source: Source::Engine,
                };
                self.lifecycle((Space::Engine, id), step, sink);
            }
            "Present" if !self.sources.sync_present => {
                let packet = f.number("cmdBufferId").unwrap_or(id);
                self.present(PacketRef::new(queue, packet), thread, sink);
            }
            "Present" => self.summary.duplicates_skipped += 1,
            "Submit" | "Complete" | "Marker" => self.summary.informational += 1,
            other => return Err(format!("unknown engine event {other}")),
        }
        Ok(())
    }

    /// A line of the engine tracker's dump; `duplicate` when `[OmegaGTEResource]`
    /// lines before it already told the same events.
    fn dump(
        &mut self,
        rest: &str,
        duplicate: bool,
        sink: &mut dyn EventSink,
    ) -> Result<(), String> {
        match dump_line(rest) {
            Some(DumpLine::Event) if duplicate => {
                self.summary.duplicates_skipped += 1;
                Ok(())
            }
            Some(DumpLine::Event) => self.engine(Fields(rest), sink),
            _ => {
                self.summary.informational += 1;
                Ok(())
            }
        }
    }

    fn present(&mut self, packet: PacketRef, thread: u32, sink: &mut dyn EventSink) {
        self.emit(
            thread,
            EventKind::Packet {
                packet,
                stage: PacketStage::Presented,
            },
            sink,
        );
    }

    fn sync(&mut self, rest: &str, sink: &mut dyn EventSink) -> Result<(), String> {
        self.builder = None;
        let verb = rest.split_whitespace().next().ok_or("missing verb")?;
        let f = Fields(rest);
        let stage = match verb {
            // Queue-depth telemetry shares the verb but not the shape: no packet is queued.
            "queue" if f.get("depth").is_some() || f.get("reason").is_some() => {
                self.summary.informational += 1;
                return Ok(());
            }
            "queue" => PacketStage::Queued {
                command_id: f.number("cmdId").unwrap_or(0),
            },
            "submit" => PacketStage::Submitted,
            "present" => PacketStage::Presented,
            "drop" if f.get("reason") == Some("2") => PacketStage::NoOp,
            "drop" | "epochDropped" => PacketStage::Dropped,
            "fail" | "backend-fail" => PacketStage::Failed,
            "admit" | "pace-wait" | "wait" | "packetize" | "renderWaitEpoch" | "deltaQueued"
            | "deltaApplied" => {
                self.summary.informational += 1;
                return Ok(());
            }
            other => return Err(format!("unknown sync verb {other}")),
        };
        let packet = PacketRef::new(f.number("lane")?, f.number("packet")?);
        self.emit(0, EventKind::Packet { packet, stage }, sink);
        Ok(())
    }

    fn debug(&mut self, rest: &str, sink: &mut dyn EventSink) -> Result<(), String> {
        let message = match debug_line(rest) {
            DebugLine::Validation { severity, message } => {
                let code = validation_code(message);
                self.finding(severity, &code, message, None, sink);
                return Ok(());
            }
            DebugLine::Message(message) => message,
        };
        let f = Fields(message);
        if let Some(&(_, key, ty, action)) = LIFECYCLE
            .iter()
            .find(|(prefix, ..)| message.starts_with(prefix))
        {
            let id = f.number(key)?;
            self.debug_lifecycle(id, ty, action, message, sink);
            return Ok(());
        }
        if message.starts_with("Present:") {
            if self.sources.sync_present || self.sources.engine_present {
                self.summary.duplicates_skipped += 1;
            } else {
                let packet = f.number("cb").or_else(|_| f.number("rt"))?;
                self.present(PacketRef::new(0, packet), 0, sink);
            }
        } else if let Some(error) = message.strip_prefix("CB execution error:") {
            let cb = Fields(error).number("cb")?;
            let resource = self.live.get(&(Space::Engine, cb)).map(|l| l.id);
            self.finding(
                FindingSeverity::Error,
                "command-buffer-error",
                message,
                resource,
                sink,
            );
        } else {
            // `CB submit:`, `CB complete:` (with a duration on Metal, a queue on
            // D3D12), `Drawable acquired:` and the engine's other messages.
            self.summary.informational += 1;
        }
        Ok(())
    }

    /// A debug-layer lifecycle line: the same fact as a format-2 line when
    /// format 2 describes the same id, else a fact of its own.
    fn debug_lifecycle(
        &mut self,
        id: u64,
        ty: ResourceType,
        action: ResourceAction,
        message: &str,
        sink: &mut dyn EventSink,
    ) {
        let key = (Space::Engine, id);
        let duplicate = match (action, self.live.get(&key)) {
            (ResourceAction::Create, Some(l)) => l.source == Source::Engine,
            // Format 2 logs this type's destroys: it tells (or told) this one.
            (_, Some(l)) => l.source == Source::Engine && self.sources.engine_destroys(ty),
            (_, None) => action != ResourceAction::Create && self.sources.engine_destroys(ty),
        };
        if duplicate {
            self.summary.duplicates_skipped += 1;
            return;
        }
        let dims = message.split_whitespace().find_map(|w| {
            let (w, h) = w.split_once('x')?;
            Some(Dims::new(w.parse().ok()?, h.parse().ok()?, 0.0))
        });
        let dims = dims.or_else(|| Fields(message).number("size").ok().map(Dims::bytes));
        let step = Step {
            action,
            ty,
            owner: OwnerLine::Unnamed,
            dims,
            thread: 0,
            source: Source::Debug,
        };
        self.lifecycle(key, step, sink);
    }

    fn nslog(&mut self, line: &str, sink: &mut dyn EventSink) -> Result<(), String> {
        let mut parts = line.splitn(4, ' ');
        let (date, time) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
        if nslog_ms(line).is_none() {
            return Err(format!("bad NSLog timestamp {date} {time}"));
        }
        let message = parts.nth(1).unwrap_or("").trim();
        if message.starts_with("Metal Command Queue Destroy") {
            if self.sources.queue_destroys_with_ids {
                self.summary.duplicates_skipped += 1;
                return Ok(());
            }
            let live = Live {
                id: ResourceId(self.next_id),
                ty: ResourceType::CommandQueue,
                owner: Owner::new(OwnerKind::Unknown, 0),
                source: Source::Engine,
            };
            self.next_id += 1;
            self.emit(0, resource_event(ResourceAction::Destroy, live, None), sink);
        } else if message.starts_with("Present Drawable") {
            if self.sources.sync_present
                || self.sources.engine_present
                || self.sources.debug_present
            {
                self.summary.duplicates_skipped += 1;
            } else {
                let packet = PacketRef::new(0, self.next_packet);
                self.next_packet += 1;
                self.present(packet, 0, sink);
            }
        } else if message.starts_with("Command Buffer Failed to Execute") {
            if self.sources.debug_command_buffer_errors {
                self.summary.duplicates_skipped += 1;
            } else {
                self.finding(
                    FindingSeverity::Error,
                    "command-buffer-error",
                    message,
                    None,
                    sink,
                );
            }
        } else if message.starts_with("Successfully completed Command Buffer!")
            && completion_warning(message).is_some()
        {
            self.finding(
                FindingSeverity::Warning,
                "command-buffer-warning",
                message,
                None,
                sink,
            );
        } else {
            self.summary.informational += 1;
        }
        Ok(())
    }
}

/// The warning of a `Successfully completed Command Buffer! ... (Warning: <w>) ...`
/// line, unless it is `(null)` or absent.
fn completion_warning(message: &str) -> Option<&str> {
    let (_, after) = message.split_once("(Warning: ")?;
    let warning = match after.rfind(") Duration") {
        Some(end) => &after[..end],
        None => after.strip_suffix(')').unwrap_or(after),
    };
    let warning = warning.trim();
    (!warning.is_empty() && warning != "(null)").then_some(warning)
}

fn parse_action(event: &str) -> Result<ResourceAction, String> {
    Ok(match event {
        "Create" => ResourceAction::Create,
        "Destroy" => ResourceAction::Destroy,
        "ResizeRebuild" => ResourceAction::ResizeRebuild,
        "Bind" => ResourceAction::Bind,
        "Unbind" => ResourceAction::Unbind,
        other => return Err(format!("unknown event {other}")),
    })
}

fn resource_event(action: ResourceAction, live: Live, dims: Option<Dims>) -> EventKind {
    EventKind::Resource {
        action,
        resource: Resource {
            id: live.id,
            ty: live.ty,
            owner: live.owner,
        },
        dims,
        packet: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completion_warnings_other_than_null_are_found() {
        let line = |w: &str| {
            format!(
                "Successfully completed Command Buffer! (Logs: <_MTLLogContainer: 0x6>) (Warning: {w}) Duration:0.281000"
            )
        };
        assert_eq!(completion_warning(&line("(null)")), None);
        assert_eq!(
            completion_warning(&line("Fragment shader ran slow (2 passes)")),
            Some("Fragment shader ran slow (2 passes)")
        );
        assert_eq!(
            completion_warning("Successfully completed Command Buffer! Duration:0.8"),
            None
        );
    }
}

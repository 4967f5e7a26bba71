//! The Omega log formats (OmegaWTK toolkit, OmegaGTE engine): lines to events.
//!
//! Five line families are recognised (see `docs/omega-import.md`): toolkit
//! resource events `[OmegaWTKGPU]`, engine resource events `[OmegaGTEResource]`,
//! compositor packets `[OmegaWTKSync]`, engine debug-layer lines and plain NSLog
//! lines. Several families can describe the same fact (a queue destroy appears as
//! a format-2 line, a debug line and an NSLog line); [`Sources`] says which family
//! is authoritative for each fact, so every fact becomes exactly one event.
//!
//! Toolkit and engine ids are independent counters, so each gets its own id
//! space; ids are remapped to fresh [`ResourceId`]s, and a mapping lives only
//! while its resource does, so memory follows the live set. Times are clamped to
//! never run backwards: `[OmegaWTKSync]` lines carry no time and take the last
//! time seen. This module never fails on a line: it counts and moves on.

use std::collections::HashMap;
use std::io::BufRead;

use super::lines::{Family, Fields, Sources, family};
use super::wallclock::parse_nslog_ms;
use crate::event::{
    Dims, Event, EventKind, EventSink, Name, Names, Owner, OwnerKind, PacketRef, PacketStage,
    PoolAction, Resource, ResourceAction, ResourceId, ResourceType, StreamInfo,
};
use crate::format::MalformedLine;

/// What an import saw and did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportSummary {
    /// Lines read.
    pub lines: u64,
    /// Lines of each family: toolkit, engine, sync, debug, NSLog.
    pub recognised: [u64; 5],
    /// Lines that are no Omega line (ignored).
    pub other_lines: u64,
    /// Omega lines that could not be read (skipped).
    pub malformed: u64,
    /// The first few malformed lines.
    pub malformed_examples: Vec<MalformedLine>,
    /// Lines describing a fact already taken from a better family (not double-counted).
    pub duplicates_skipped: u64,
    /// Lines recognised but carrying nothing gpu-ledger models (snapshots, submit lines...).
    pub informational: u64,
    /// Events for an id that was never created (or already destroyed): a create was implied.
    pub implicit_creates: u64,
    /// Events produced.
    pub events: u64,
    /// What the log cannot tell, in sentences.
    pub limitations: Vec<String>,
}

const MAX_EXAMPLES: usize = 5;

/// Id spaces: the toolkit's and the engine's counters are independent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Space {
    Toolkit,
    Engine,
}

/// One lifecycle line, read.
#[derive(Clone, Copy, Debug)]
struct Step {
    action: ResourceAction,
    ty: ResourceType,
    owner: Owner,
    dims: Option<Dims>,
    thread: u32,
}

/// A live imported resource.
#[derive(Clone, Copy, Debug)]
struct Live {
    id: ResourceId,
    ty: ResourceType,
    owner: Owner,
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
    time_ns: u64,
    nslog_base_ms: Option<i64>,
    started: bool,
    line: u64,
}

impl OmegaImport {
    /// An importer that takes each fact from the best family `sources` found.
    pub fn new(sources: Sources) -> Self {
        Self {
            sources,
            summary: ImportSummary::default(),
            names: Names::new(),
            names_sent: 0,
            live: HashMap::new(),
            threads: HashMap::new(),
            next_id: 1,
            next_packet: 1,
            time_ns: 0,
            nslog_base_ms: None,
            started: false,
            line: 0,
        }
    }

    /// Imports every line of `reader` into `sink`, then finishes the stream.
    ///
    /// # Errors
    /// Only I/O errors of `reader`: bad lines are counted, never errors.
    pub fn import<R: BufRead>(
        mut self,
        mut reader: R,
        sink: &mut dyn EventSink,
    ) -> std::io::Result<ImportSummary> {
        let mut line = Vec::new();
        while reader.read_until(b'\n', &mut line)? > 0 {
            self.push_line(&String::from_utf8_lossy(&line), sink);
            line.clear();
        }
        Ok(self.finish(sink))
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
        let fields = Fields(rest);
        let result = match family {
            Family::Toolkit => self.toolkit(fields, sink),
            Family::Engine => self.engine(fields, sink),
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
        if s.engine_lifecycle {
            limitations.push(String::from("engine resources ([OmegaGTEResource]) have no owner: they are attributed to owner kind Engine, keyed by queue id"));
        }
        if !s.engine_lifecycle
            && !s.debug_queue_destroy
            && self.summary.recognised[Family::NsLog as usize] > 0
        {
            limitations.push(String::from("command-queue destroys come from NSLog lines without ids: their lifetimes and owners are unknown"));
        }
        self.summary.limitations = limitations;
        self.summary
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
            });
        }
    }

    fn emit(&mut self, thread: u32, kind: EventKind, sink: &mut dyn EventSink) {
        self.start(sink);
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

    /// Moves the clock to `ts` (Unix ms) if that is later than now.
    fn at_ts_ms(&mut self, ts: u64) {
        let base = self.sources.first_ts_ms.unwrap_or(ts);
        self.time_ns = self
            .time_ns
            .max(ts.saturating_sub(base).saturating_mul(1_000_000));
    }

    fn name(&mut self, text: &str) -> Name {
        self.names.intern(text)
    }

    fn resource_type(&mut self, text: &str) -> ResourceType {
        let text = match text {
            "NativeRenderTarget" => "NativeTarget",
            "TextureRenderTarget" => "TextureTarget",
            other => other,
        };
        ResourceType::from_well_known_name(text)
            .unwrap_or_else(|| ResourceType::Other(self.name(text)))
    }

    fn owner_kind(&mut self, text: &str) -> OwnerKind {
        OwnerKind::from_well_known_name(text).unwrap_or_else(|| OwnerKind::Other(self.name(text)))
    }

    fn thread(&mut self, raw: Option<u64>) -> u32 {
        let Some(raw) = raw else { return 0 };
        let next = self.threads.len() as u32 + 1;
        *self.threads.entry(raw).or_insert(next)
    }

    /// A lifecycle step of resource `raw` in `space`, creating or forgetting its mapping.
    fn lifecycle(&mut self, (space, raw): (Space, u64), step: Step, sink: &mut dyn EventSink) {
        let Step {
            action,
            ty,
            owner,
            dims,
            thread,
        } = step;
        let known = self.live.get(&(space, raw)).copied();
        let resource = match (action, known) {
            (ResourceAction::Create, _) | (_, None) => {
                if action != ResourceAction::Create {
                    // An id seen again after its destroy (the stack-copy quirk) or never created.
                    self.summary.implicit_creates += 1;
                }
                let live = Live {
                    id: ResourceId(self.next_id),
                    ty,
                    owner,
                };
                self.next_id += 1;
                self.live.insert((space, raw), live);
                if action != ResourceAction::Create && action != ResourceAction::Destroy {
                    self.emit(
                        thread,
                        resource_event(ResourceAction::Create, live, dims),
                        sink,
                    );
                }
                live
            }
            (_, Some(live)) => live,
        };
        let resource = Live { owner, ..resource };
        if action == ResourceAction::Destroy {
            self.live.remove(&(space, raw));
        }
        self.emit(thread, resource_event(action, resource, dims), sink);
    }

    fn toolkit(&mut self, f: Fields<'_>, sink: &mut dyn EventSink) -> Result<(), String> {
        let event = f.get("event").ok_or("missing event=")?;
        if event == "PoolSnapshot" {
            self.summary.informational += 1;
            return Ok(());
        }
        self.at_ts_ms(f.number("ts")?);
        let ty = f.get("type").ok_or("missing type=")?;
        let ty = self.resource_type(ty);
        let owner_kind = f.get("ownerKind").ok_or("missing ownerKind=")?;
        let owner = Owner::new(self.owner_kind(owner_kind), f.number("ownerKey")?);
        let pool = |action| Some(action);
        let pool_action = match event {
            "PoolHit" => pool(PoolAction::Hit),
            "PoolMiss" => pool(PoolAction::Miss),
            "PoolRelease" => pool(PoolAction::Release),
            "PoolEvict" => pool(PoolAction::Evict),
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
            owner,
            dims: f.dims(),
            thread: 0,
        };
        self.lifecycle((Space::Toolkit, id), step, sink);
        Ok(())
    }

    fn engine(&mut self, f: Fields<'_>, sink: &mut dyn EventSink) -> Result<(), String> {
        self.at_ts_ms(f.number("ts")?);
        let event = f.get("event").ok_or("missing event=")?;
        let ty_text = f.get("type").ok_or("missing type=")?;
        let id = f.number("id")?;
        let thread = self.thread(f.number("threadId").ok());
        let queue = f.number("queueId").unwrap_or(0);
        match event {
            "Create" | "Destroy" | "ResizeRebuild" | "Bind" | "Unbind" => {
                let ty = self.resource_type(ty_text);
                let engine = self.owner_kind("Engine");
                let owner = Owner::new(
                    engine,
                    if ty == ResourceType::CommandQueue {
                        id
                    } else {
                        queue
                    },
                );
                let step = Step {
                    action: parse_action(event)?,
                    ty,
                    owner,
                    dims: f.dims(),
                    thread,
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
        let verb = rest.split_whitespace().next().ok_or("missing verb")?;
        let f = Fields(rest);
        let stage = match verb {
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
        // `INFO QUEUE Queue destroyed: queue=12`: level, category, message.
        let mut parts = rest.splitn(3, ' ');
        let (_level, _category, message) = (
            parts.next(),
            parts.next(),
            parts.next().ok_or("missing message")?,
        );
        let f = Fields(message);
        let lifecycle = [
            (
                "Queue created:",
                "queue",
                ResourceType::CommandQueue,
                ResourceAction::Create,
            ),
            (
                "Queue destroyed:",
                "queue",
                ResourceType::CommandQueue,
                ResourceAction::Destroy,
            ),
            (
                "NativeRenderTarget created:",
                "id",
                ResourceType::NativeTarget,
                ResourceAction::Create,
            ),
            (
                "NativeRenderTarget destroyed:",
                "id",
                ResourceType::NativeTarget,
                ResourceAction::Destroy,
            ),
            (
                "TextureRenderTarget created:",
                "id",
                ResourceType::TextureTarget,
                ResourceAction::Create,
            ),
            (
                "TextureRenderTarget destroyed:",
                "id",
                ResourceType::TextureTarget,
                ResourceAction::Destroy,
            ),
            (
                "Texture created:",
                "id",
                ResourceType::Texture,
                ResourceAction::Create,
            ),
            (
                "Buffer created:",
                "id",
                ResourceType::Buffer,
                ResourceAction::Create,
            ),
        ];
        if let Some(&(_, key, ty, action)) = lifecycle
            .iter()
            .find(|(prefix, ..)| message.starts_with(prefix))
        {
            if self.sources.engine_lifecycle {
                self.summary.duplicates_skipped += 1;
                return Ok(());
            }
            let id = f.number(key)?;
            let engine = self.owner_kind("Engine");
            let owner = Owner::new(
                engine,
                if ty == ResourceType::CommandQueue {
                    id
                } else {
                    0
                },
            );
            let dims = message.split_whitespace().find_map(|w| {
                let (w, h) = w.split_once('x')?;
                Some(Dims::new(w.parse().ok()?, h.parse().ok()?, 0.0))
            });
            let step = Step {
                action,
                ty,
                owner,
                dims,
                thread: 0,
            };
            self.lifecycle((Space::Engine, id), step, sink);
        } else if message.starts_with("Present:") {
            if self.sources.sync_present || self.sources.engine_present {
                self.summary.duplicates_skipped += 1;
            } else {
                let packet = f.number("cb").or_else(|_| f.number("rt"))?;
                self.present(PacketRef::new(0, packet), 0, sink);
            }
        } else {
            self.summary.informational += 1;
        }
        Ok(())
    }

    fn nslog(&mut self, line: &str, sink: &mut dyn EventSink) -> Result<(), String> {
        let mut parts = line.splitn(4, ' ');
        let (date, time) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
        let ms = parse_nslog_ms(date, time)
            .ok_or_else(|| format!("bad NSLog timestamp {date} {time}"))?;
        let message = parts.nth(1).unwrap_or("").trim();
        // NSLog prints local time without a zone: only its differences count, and
        // only when no `ts=` line gives the stream its clock.
        if self.sources.first_ts_ms.is_none() {
            let base = *self.nslog_base_ms.get_or_insert(ms);
            self.time_ns = self
                .time_ns
                .max(ms.saturating_sub(base).max(0) as u64 * 1_000_000);
        }
        if message.starts_with("Metal Command Queue Destroy") {
            if self.sources.engine_lifecycle || self.sources.debug_queue_destroy {
                self.summary.duplicates_skipped += 1;
                return Ok(());
            }
            let unknown = self.owner_kind("Unknown");
            let live = Live {
                id: ResourceId(self.next_id),
                ty: ResourceType::CommandQueue,
                owner: Owner::new(unknown, 0),
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
        } else {
            self.summary.informational += 1;
        }
        Ok(())
    }
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

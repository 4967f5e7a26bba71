//! The event model: the facts gpu-ledger records, and the sink they flow into.
//!
//! Everything else in the crate is built on these types. The recorder produces
//! [`Event`]s, the trace formats store them, and the analysis folds over them, so
//! this module must stay small, `Copy`, allocation-free and free of I/O. An event
//! is a fact about the past: it never refers to anything by pointer, only by
//! value and by interned [`Name`].
//!
//! Open sets (resource types, owner kinds, marker names) have their well-known
//! values as enum variants and everything else as a [`Name`]: a small index into
//! a [`Names`] table that the producer of the stream (a recorder, a trace reader)
//! announces to its sink with [`EventSink::on_name`] before the first event that
//! uses it.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use crate::error::Error;

mod names;

pub use names::Names;

/// A resource identity: monotonic within a run, never 0, never reused.
///
/// Ids come either from the ledger ([`crate::Ledger::next_resource_id`]) or from
/// the host's own counter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ResourceId(pub u64);

/// A sync lane: one stream of compositor packets (a window, a layer tree).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LaneId(pub u64);

/// A compositor packet id. Unique within its lane (Omega makes it unique per process).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PacketId(pub u64);

/// An index into a [`Names`] table: how open sets name values that are not well-known.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Name(pub u32);

/// A packet on its lane: the unit of compositor work an event is attributed to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PacketRef {
    /// The sync lane.
    pub lane: LaneId,
    /// The packet on that lane.
    pub packet: PacketId,
}

impl PacketRef {
    /// The packet `packet` of lane `lane`.
    pub const fn new(lane: u64, packet: u64) -> Self {
        Self {
            lane: LaneId(lane),
            packet: PacketId(packet),
        }
    }
}

impl fmt::Display for PacketRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "lane {} packet {}", self.lane.0, self.packet.0)
    }
}

impl std::str::FromStr for PacketRef {
    type Err = String;

    /// Reads `LANE:PACKET`, or `LANE/PACKET` as text tables print it.
    ///
    /// # Example
    /// ```
    /// use gpu_ledger::PacketRef;
    ///
    /// assert_eq!("1:42".parse::<PacketRef>(), Ok(PacketRef::new(1, 42)));
    /// assert_eq!("2/7".parse::<PacketRef>(), Ok(PacketRef::new(2, 7)));
    /// assert_eq!("42".parse::<PacketRef>().unwrap_err(),
    ///     "\"42\" is not a packet: give LANE:PACKET, such as 1:42 (lane 1, packet 42)");
    /// ```
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let parsed = text
            .trim()
            .split_once([':', '/'])
            .and_then(|(lane, packet)| {
                Some(PacketRef::new(
                    lane.trim().parse().ok()?,
                    packet.trim().parse().ok()?,
                ))
            });
        parsed.ok_or_else(|| {
            format!("{text:?} is not a packet: give LANE:PACKET, such as 1:42 (lane 1, packet 42)")
        })
    }
}

macro_rules! open_set {
    (
        $(#[$meta:meta])*
        $ty:ident { $( $(#[$vmeta:meta])* $variant:ident = $code:literal ),* $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum $ty {
            $( $(#[$vmeta])* $variant, )*
            /// Any other value, by name.
            Other(Name),
        }

        impl $ty {
            /// The well-known values, in code order.
            pub const WELL_KNOWN: &'static [$ty] = &[ $( $ty::$variant, )* ];

            /// The name of a well-known value; `None` for [`Self::Other`].
            pub const fn well_known_name(self) -> Option<&'static str> {
                match self {
                    $( $ty::$variant => Some(stringify!($variant)), )*
                    $ty::Other(_) => None,
                }
            }

            /// The well-known value with this exact name, if there is one.
            pub fn from_well_known_name(name: &str) -> Option<Self> {
                match name {
                    $( stringify!($variant) => Some($ty::$variant), )*
                    _ => None,
                }
            }

            /// A compact code: well-known values are below
            /// [`FIRST_NAME_CODE`], others are `FIRST_NAME_CODE + name index`.
            /// Every value has its own code: it is 64 bits wide so that name
            /// indices up to `u32::MAX` fit (the C API, whose codes are
            /// 32-bit, refuses to hand out a code that does not fit).
            pub const fn code(self) -> u64 {
                match self {
                    $( $ty::$variant => $code, )*
                    $ty::Other(name) => FIRST_NAME_CODE as u64 + name.0 as u64,
                }
            }

            /// The inverse of [`Self::code`]; `None` for an unassigned
            /// well-known code or a code beyond the largest name index.
            pub const fn from_code(code: u64) -> Option<Self> {
                match code {
                    $( $code => Some($ty::$variant), )*
                    c if c >= FIRST_NAME_CODE as u64
                        && c - (FIRST_NAME_CODE as u64) <= u32::MAX as u64 =>
                    {
                        Some($ty::Other(Name((c - FIRST_NAME_CODE as u64) as u32)))
                    }
                    _ => None,
                }
            }

            /// The value's name: a well-known value's own, another's text in
            /// `names`, or `#N` (its name index) when `names` does not define it.
            /// Every report, story and dump spells a value this way.
            pub fn resolve(self, names: &Names) -> std::borrow::Cow<'_, str> {
                match self {
                    $ty::Other(name) => names
                        .get(name)
                        .map_or_else(|| format!("#{}", name.0).into(), Into::into),
                    known => known.well_known_name().unwrap_or_default().into(),
                }
            }
        }
    };
}

/// Codes at or above this value in [`ResourceType::code`] and friends are [`Name`]s.
pub const FIRST_NAME_CODE: u32 = 64;

open_set! {
    /// What kind of GPU object a resource is. An open set.
    ResourceType {
        /// A native render target (a swapchain, a layer's drawable).
        NativeTarget = 0,
        /// A command queue.
        CommandQueue = 1,
        /// A texture render target (an offscreen target owned by a render-target context).
        TextureTarget = 2,
        /// A texture.
        Texture = 3,
        /// A command buffer: per-frame by default (see the analysis definitions).
        CommandBuffer = 4,
        /// A buffer.
        Buffer = 5,
        /// A fence.
        Fence = 6,
        /// A compositor visual.
        Visual = 7,
    }
}

open_set! {
    /// What kind of thing owns a resource. An open set.
    OwnerKind {
        /// The root visual of a window or layer tree.
        RootVisual = 0,
        /// A child visual.
        ChildVisual = 1,
        /// An effect pipeline (shadows, blurs).
        EffectPipeline = 2,
        /// Expected to come and go every frame; never breaks stability.
        Transient = 3,
        /// The producer does not know who owns the resource (a log line without an
        /// owner field). Never a made-up owner: the analysis never makes it a churn
        /// source, a recreate loop or an `owner-removed` cause, and says the owner is
        /// not known.
        Unknown = 4,
    }
}

open_set! {
    /// A point in the run worth naming. An open set.
    Marker {
        /// The host began shutting down: everything after it is in the shutdown window.
        ShutdownBegins = 0,
        /// The producer finished cleanly: the recorder was finished (not killed), an
        /// importer read the log to a whole last line. Always the stream's last event;
        /// a stream without it was cut or its producer died, so the analysis infers
        /// no shutdown for it.
        CleanEnd = 1,
    }
}

/// Who owns a resource: a kind and a stable key (a lane id, a tree, layer or target pointer).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Owner {
    /// The kind of owner.
    pub kind: OwnerKind,
    /// A stable key identifying the owner among owners of its kind.
    pub key: u64,
}

impl Owner {
    /// An owner of `kind` identified by `key`.
    pub const fn new(kind: OwnerKind, key: u64) -> Self {
        Self { kind, key }
    }
}

/// A resource as events describe it: identity, type and owner.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Resource {
    /// Its identity.
    pub id: ResourceId,
    /// What it is.
    pub ty: ResourceType,
    /// Who owns it.
    pub owner: Owner,
}

/// Optional size information: pixels and scale for targets, bytes (in `width`) for buffers.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Dims {
    /// Width in pixels, or size in bytes for buffers (saturating at `u32::MAX`).
    pub width: u32,
    /// Height in pixels; 0 where it does not apply.
    pub height: u32,
    /// Backing scale factor; 0 where unknown.
    pub scale: f32,
}

/// As reports print a size: `500x500 @2` for pixels (without ` @…` when the scale
/// is unknown), `4096 B` for a byte size (height 0).
///
/// # Example
/// ```
/// use gpu_ledger::Dims;
///
/// assert_eq!(Dims::new(500, 300, 2.0).to_string(), "500x300 @2");
/// assert_eq!(Dims::new(500, 300, 0.0).to_string(), "500x300");
/// assert_eq!(Dims::bytes(4096).to_string(), "4096 B");
/// ```
impl fmt::Display for Dims {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.height == 0 {
            return write!(f, "{} B", self.width);
        }
        write!(f, "{}x{}", self.width, self.height)?;
        if self.scale != 0.0 {
            write!(f, " @{}", self.scale)?;
        }
        Ok(())
    }
}

impl Dims {
    /// `width`×`height` pixels at `scale`.
    pub const fn new(width: u32, height: u32, scale: f32) -> Self {
        Self {
            width,
            height,
            scale,
        }
    }

    /// A byte size, as buffers and pools report it.
    pub const fn bytes(bytes: u64) -> Self {
        let width = if bytes > u32::MAX as u64 {
            u32::MAX
        } else {
            bytes as u32
        };
        Self {
            width,
            height: 0,
            scale: 0.0,
        }
    }
}

/// What happened to a resource.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum ResourceAction {
    /// It was created.
    Create,
    /// It was destroyed (released by its owner).
    Destroy,
    /// Its backing storage was rebuilt for a new size, keeping its identity.
    ResizeRebuild,
    /// It was bound for use (to a visual, a pass, a tree).
    Bind,
    /// It was unbound.
    Unbind,
}

impl ResourceAction {
    /// The action's name, as JSON Lines traces and every report spell it:
    /// `create`, `destroy`, `resize_rebuild`, `bind`, `unbind`.
    pub const fn name(self) -> &'static str {
        match self {
            ResourceAction::Create => "create",
            ResourceAction::Destroy => "destroy",
            ResourceAction::ResizeRebuild => "resize_rebuild",
            ResourceAction::Bind => "bind",
            ResourceAction::Unbind => "unbind",
        }
    }
}

/// What a pool did.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum PoolAction {
    /// A request was served from the pool.
    Hit,
    /// A request missed the pool and a new object was made.
    Miss,
    /// An object went back into the pool.
    Release,
    /// The pool evicted an object.
    Evict,
}

impl PoolAction {
    /// The action's name, as JSON Lines traces and the Parquet export spell it:
    /// `pool_hit`, `pool_miss`, `pool_release`, `pool_evict`.
    pub const fn name(self) -> &'static str {
        match self {
            PoolAction::Hit => "pool_hit",
            PoolAction::Miss => "pool_miss",
            PoolAction::Release => "pool_release",
            PoolAction::Evict => "pool_evict",
        }
    }
}

/// A step of a packet's life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum PacketStage {
    /// Queued on its lane, for render command `command_id`.
    Queued {
        /// The render command the packet carries.
        command_id: u64,
    },
    /// Submitted to the GPU.
    Submitted,
    /// The GPU finished its work.
    Completed,
    /// Presented: a frame reached the screen (or, headless, was handed off).
    Presented,
    /// Dropped before presenting (stale, coalesced, superseded).
    Dropped,
    /// Nothing to draw: skipped on purpose.
    NoOp,
    /// Failed.
    Failed,
}

impl PacketStage {
    /// The stage's name as reports and JSON traces spell it.
    pub const fn name(self) -> &'static str {
        match self {
            PacketStage::Queued { .. } => "queued",
            PacketStage::Submitted => "submitted",
            PacketStage::Completed => "completed",
            PacketStage::Presented => "presented",
            PacketStage::Dropped => "dropped",
            PacketStage::NoOp => "noop",
            PacketStage::Failed => "failed",
        }
    }
}

/// How bad a [`EventKind::Finding`] is, as the checker that reported it rated it.
///
/// `Info < Warning < Error`. The names are those of the Vulkan validation layers'
/// message severities (`INFO`, `WARNING`, `ERROR`), which Metal's and D3D12's debug
/// layers also map onto.
///
/// # Example
/// ```
/// use gpu_ledger::FindingSeverity;
///
/// assert_eq!(FindingSeverity::from_name("warning"), Some(FindingSeverity::Warning));
/// assert_eq!(FindingSeverity::Error.name(), "error");
/// assert!(FindingSeverity::Info < FindingSeverity::Error);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FindingSeverity {
    /// Informational: worth showing, never a problem by itself.
    Info,
    /// Suspicious: the checker thinks something may be wrong.
    Warning,
    /// Wrong: the checker found a broken rule (a validation error, a failed command buffer).
    Error,
}

impl FindingSeverity {
    /// Every severity, least severe first.
    pub const ALL: [FindingSeverity; 3] = [
        FindingSeverity::Info,
        FindingSeverity::Warning,
        FindingSeverity::Error,
    ];

    /// The severity's name in traces and reports: `info`, `warning` or `error`.
    pub const fn name(self) -> &'static str {
        match self {
            FindingSeverity::Info => "info",
            FindingSeverity::Warning => "warning",
            FindingSeverity::Error => "error",
        }
    }

    /// The severity named `name`, if any.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.name() == name)
    }
}

/// What an [`Event`] says happened.
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub enum EventKind {
    /// A resource lifecycle step.
    Resource {
        /// What happened.
        action: ResourceAction,
        /// The resource it happened to.
        resource: Resource,
        /// Its size, when known.
        dims: Option<Dims>,
        /// The packet being executed when it happened, if any.
        packet: Option<PacketRef>,
    },
    /// A pool served, missed, took back or evicted an object.
    Pool {
        /// What the pool did.
        action: PoolAction,
        /// The type of object pooled.
        ty: ResourceType,
        /// The pool (its kind and key).
        owner: Owner,
        /// The object's size, when known.
        dims: Option<Dims>,
    },
    /// A packet moved through its life.
    Packet {
        /// The packet.
        packet: PacketRef,
        /// The step it reached.
        stage: PacketStage,
    },
    /// A packet used a resource.
    Touched {
        /// The packet.
        packet: PacketRef,
        /// The resource it used.
        resource: ResourceId,
    },
    /// A named point in the run.
    Marker(Marker),
    /// The recorder had to drop `count` events recorded on this event's thread
    /// because its buffer was full. Placed where the loss was noticed.
    Lost {
        /// How many events were dropped.
        count: u64,
    },
    /// Another checker reported something: a validation-layer message, a command
    /// buffer that failed on the GPU, a guardrail that fired while recording.
    /// gpu-ledger does not judge it; it carries it to the report (`findings`) and,
    /// for [`FindingSeverity::Error`], fails `check`.
    Finding {
        /// How bad the checker says it is.
        severity: FindingSeverity,
        /// A stable identifier of the kind of finding, as the checker names it
        /// (a Vulkan `VUID-...`, `command-buffer-error`, ...).
        code: Name,
        /// The checker's message, as it printed it.
        message: Name,
        /// The resource it is about, when known.
        resource: Option<ResourceId>,
        /// The packet it is about, when known.
        packet: Option<PacketRef>,
        /// The 1-based line of the log it was read from, for findings imported
        /// from a log; `None` for anything else.
        line: Option<u64>,
    },
}

impl EventKind {
    /// What the event is, as JSON Lines traces (their `event` field) and the Parquet
    /// export spell it: a resource action's or a pool action's name, or `packet`,
    /// `touched`, `marker`, `lost`, `finding`.
    ///
    /// # Example
    /// ```
    /// use gpu_ledger::{EventKind, Owner, OwnerKind, PoolAction, ResourceType};
    ///
    /// let owner = Owner::new(OwnerKind::Transient, 1);
    /// let pool = EventKind::Pool { action: PoolAction::Hit, ty: ResourceType::Texture, owner, dims: None };
    /// assert_eq!(pool.name(), "pool_hit");
    /// assert_eq!(EventKind::Lost { count: 3 }.name(), "lost");
    /// ```
    pub const fn name(&self) -> &'static str {
        match self {
            EventKind::Resource { action, .. } => action.name(),
            EventKind::Pool { action, .. } => action.name(),
            EventKind::Packet { .. } => "packet",
            EventKind::Touched { .. } => "touched",
            EventKind::Marker(_) => "marker",
            EventKind::Lost { .. } => "lost",
            EventKind::Finding { .. } => "finding",
        }
    }
}

/// One recorded fact: when, on which thread, and what.
///
/// Streams of events are in one total order, consistent with each thread's order
/// and with happens-before: a destroy never precedes the create it follows.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Event {
    /// Nanoseconds since the ledger started (monotonic).
    pub time_ns: u64,
    /// The recording thread's index (0 for the first thread that recorded).
    pub thread: u32,
    /// What happened.
    pub kind: EventKind,
}

impl Event {
    /// The resource this event is about, for resource lifecycle events.
    pub fn resource(&self) -> Option<&Resource> {
        match &self.kind {
            EventKind::Resource { resource, .. } => Some(resource),
            _ => None,
        }
    }
}

/// How a graphics API frees what a program destroys: what the destroy checks of
/// the analysis hold a stream to.
///
/// # Example
/// ```
/// use gpu_ledger::ReleaseModel;
///
/// assert_eq!(ReleaseModel::from_name("deferred"), Some(ReleaseModel::Deferred));
/// assert_eq!(ReleaseModel::Immediate.name(), "immediate");
/// assert_eq!(ReleaseModel::from_name("lazy"), None);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ReleaseModel {
    /// The object is freed at the destroy call (Vulkan `vkDestroy*`, D3D12's native
    /// release): it must not be referenced by GPU work that has not completed.
    Immediate,
    /// A destroy is a release and freeing waits until the GPU is done (Metal,
    /// WebGPU/wgpu, engines that queue frees): destroying after submit is legal.
    Deferred,
}

impl ReleaseModel {
    /// Both models.
    pub const ALL: [ReleaseModel; 2] = [ReleaseModel::Immediate, ReleaseModel::Deferred];

    /// The model's name as traces, reports and the CLI spell it.
    pub const fn name(self) -> &'static str {
        match self {
            ReleaseModel::Immediate => "immediate",
            ReleaseModel::Deferred => "deferred",
        }
    }

    /// The model named `name` (`immediate` or `deferred`), if any.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.name() == name)
    }
}

impl fmt::Display for ReleaseModel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The release model of a stream: one for the stream, overridable per resource type.
///
/// `stream` is `None` when the producer did not declare one (traces written before
/// release models existed, logs): the analysis then checks destroys as for
/// [`ReleaseModel::Immediate`] but reports a destroy in flight as a warning, not an
/// error, and says the model was not declared.
///
/// # Example
/// ```
/// use gpu_ledger::{ReleaseModel, ReleaseModels};
///
/// let mut models = ReleaseModels::uniform(ReleaseModel::Deferred);
/// models.by_type.insert("StagingBuffer".into(), ReleaseModel::Immediate);
/// assert_eq!(models.model_for("Texture"), Some(ReleaseModel::Deferred));
/// assert_eq!(models.model_for("StagingBuffer"), Some(ReleaseModel::Immediate));
/// assert_eq!(ReleaseModels::default().model_for("Texture"), None);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReleaseModels {
    /// The model of every resource type without its own entry; `None`: not declared.
    pub stream: Option<ReleaseModel>,
    /// Per resource type, by the type's name as reports print it (`Texture`,
    /// `BlurScratch`): overrides `stream` for that type.
    pub by_type: BTreeMap<String, ReleaseModel>,
}

impl ReleaseModels {
    /// `model` for every resource type.
    pub fn uniform(model: ReleaseModel) -> Self {
        Self {
            stream: Some(model),
            by_type: BTreeMap::new(),
        }
    }

    /// The model that applies to resources of the type named `type_name`.
    pub fn model_for(&self, type_name: &str) -> Option<ReleaseModel> {
        self.by_type.get(type_name).copied().or(self.stream)
    }

    /// Whether nothing is declared, for the stream or any type.
    pub fn is_undeclared(&self) -> bool {
        self.stream.is_none() && self.by_type.is_empty()
    }
}

/// What a stream says about itself before its first event.
///
/// Build one with `..StreamInfo::default()` so that later fields cost nothing.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StreamInfo {
    /// Wall-clock time of the stream's time zero (`Event::time_ns == 0`), in
    /// nanoseconds since the Unix epoch; 0 when unknown.
    pub start_unix_ns: u64,
    /// Who produced the stream (a process name, a tool), for people; may be empty.
    pub source: String,
    /// How the recorded API frees destroyed resources (see [`ReleaseModels`]).
    pub release: ReleaseModels,
}

/// Anything that consumes an event stream: trace writers, the analyzer, collectors.
///
/// Producers (the recorder's drain thread, trace readers, log importers) call
/// [`on_start`](Self::on_start) once first, then [`on_name`](Self::on_name) for each name before the first event that uses it,
/// then [`on_event`](Self::on_event) for each event in the stream's total order,
/// [`on_flush`](Self::on_flush) at natural boundaries (a drain pass, a block), and
/// [`on_finish`](Self::on_finish) once at the end. Sinks must not block for long:
/// the recorder's buffers fill while they do.
pub trait EventSink: Send {
    /// The stream begins; `info` describes it.
    fn on_start(&mut self, info: &StreamInfo) {
        let _ = info;
    }

    /// `name` now stands for `text`.
    fn on_name(&mut self, name: Name, text: &str) {
        let _ = (name, text);
    }

    /// The next event in the stream.
    fn on_event(&mut self, event: &Event);

    /// A natural boundary: a good time to flush buffered output.
    fn on_flush(&mut self) {}

    /// The stream ended; no more calls follow.
    fn on_finish(&mut self) {}

    /// A dump of what the sink knows now was asked for
    /// ([`Ledger::dump`](crate::Ledger::dump)), between two events: write it to
    /// `path` and return the stream position it was taken at (the number of
    /// events seen). `None`, the default, says this sink keeps nothing to dump;
    /// the live analysis ([`crate::live::LiveSink`]) does.
    ///
    /// # Errors
    /// Whatever writing the dump met ([`crate::ErrorKind::Io`], naming the path).
    fn on_dump(&mut self, path: &Path) -> Option<Result<u64, Error>> {
        let _ = path;
        None
    }
}

impl<S: EventSink + ?Sized> EventSink for Box<S> {
    fn on_start(&mut self, info: &StreamInfo) {
        (**self).on_start(info)
    }
    fn on_name(&mut self, name: Name, text: &str) {
        (**self).on_name(name, text)
    }
    fn on_event(&mut self, event: &Event) {
        (**self).on_event(event)
    }
    fn on_flush(&mut self) {
        (**self).on_flush()
    }
    fn on_finish(&mut self) {
        (**self).on_finish()
    }
    fn on_dump(&mut self, path: &Path) -> Option<Result<u64, Error>> {
        (**self).on_dump(path)
    }
}

impl<S: EventSink + ?Sized> EventSink for &mut S {
    fn on_start(&mut self, info: &StreamInfo) {
        (**self).on_start(info)
    }
    fn on_name(&mut self, name: Name, text: &str) {
        (**self).on_name(name, text)
    }
    fn on_event(&mut self, event: &Event) {
        (**self).on_event(event)
    }
    fn on_flush(&mut self) {
        (**self).on_flush()
    }
    fn on_finish(&mut self) {
        (**self).on_finish()
    }
    fn on_dump(&mut self, path: &Path) -> Option<Result<u64, Error>> {
        (**self).on_dump(path)
    }
}

/// A sink that keeps everything it is given: for tests, small tools and replays.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Collected {
    /// What the stream said about itself.
    pub info: StreamInfo,
    /// The names defined so far.
    pub names: Names,
    /// The events, in stream order.
    pub events: Vec<Event>,
    /// Whether [`EventSink::on_finish`] was called.
    pub finished: bool,
}

impl Collected {
    /// Replays the collected stream into another sink: names first, then events, then finish.
    pub fn replay(&self, sink: &mut dyn EventSink) {
        sink.on_start(&self.info);
        for (name, text) in self.names.iter() {
            sink.on_name(name, text);
        }
        for event in &self.events {
            sink.on_event(event);
        }
        sink.on_flush();
        sink.on_finish();
    }
}

impl EventSink for Collected {
    fn on_start(&mut self, info: &StreamInfo) {
        self.info = info.clone();
    }
    fn on_name(&mut self, name: Name, text: &str) {
        self.names.define(name, text);
    }
    fn on_event(&mut self, event: &Event) {
        self.events.push(*event);
    }
    fn on_finish(&mut self) {
        self.finished = true;
    }
}

/// Sends every call to two sinks, in order: how the recorder feeds a trace file
/// and the live analyzer at once.
#[derive(Debug)]
pub struct Tee<A, B>(pub A, pub B);

impl<A: EventSink, B: EventSink> EventSink for Tee<A, B> {
    fn on_start(&mut self, info: &StreamInfo) {
        self.0.on_start(info);
        self.1.on_start(info);
    }
    fn on_name(&mut self, name: Name, text: &str) {
        self.0.on_name(name, text);
        self.1.on_name(name, text);
    }
    fn on_event(&mut self, event: &Event) {
        self.0.on_event(event);
        self.1.on_event(event);
    }
    fn on_flush(&mut self) {
        self.0.on_flush();
        self.1.on_flush();
    }
    fn on_finish(&mut self) {
        self.0.on_finish();
        self.1.on_finish();
    }
    /// The first of the two sinks that keeps something to dump writes the dump.
    fn on_dump(&mut self, path: &Path) -> Option<Result<u64, Error>> {
        self.0.on_dump(path).or_else(|| self.1.on_dump(path))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_record_size_is_pinned() {
        // The recorder copies this record on every call: growth must be deliberate.
        assert_eq!(std::mem::size_of::<Event>(), 96, "Event grew or shrank");
    }

    #[test]
    fn codes_round_trip_for_known_and_named_values() {
        for &ty in ResourceType::WELL_KNOWN {
            assert_eq!(ResourceType::from_code(ty.code()), Some(ty));
        }
        let other = ResourceType::Other(Name(7));
        assert_eq!(other.code(), u64::from(FIRST_NAME_CODE) + 7);
        assert_eq!(ResourceType::from_code(other.code()), Some(other));
        assert_eq!(ResourceType::from_code(63), None);
        // The last name index keeps its own code (it once saturated onto its neighbours).
        for index in [u32::MAX, u32::MAX - 1, u32::MAX - 64] {
            let ty = ResourceType::Other(Name(index));
            assert_eq!(ResourceType::from_code(ty.code()), Some(ty), "{index}");
        }
        assert_eq!(ResourceType::from_code(u64::from(u32::MAX) + 65), None);
        assert_eq!(Marker::from_code(0), Some(Marker::ShutdownBegins));
        assert_eq!(Marker::from_code(1), Some(Marker::CleanEnd));
    }

    #[test]
    fn names_intern_once_and_resolve() {
        let mut names = Names::new();
        let a = names.intern("BlurScratch");
        let b = names.intern("BlurScratch");
        assert_eq!(a, b);
        assert_eq!(ResourceType::Other(a).resolve(&names), "BlurScratch");
        assert_eq!(ResourceType::CommandQueue.resolve(&names), "CommandQueue");
        assert_eq!(
            OwnerKind::from_well_known_name("Transient"),
            Some(OwnerKind::Transient)
        );
        assert_eq!(OwnerKind::from_well_known_name("transient"), None);
    }
}

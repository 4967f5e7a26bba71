//! The recorder: a [`Ledger`] that takes events from any thread and streams them,
//! in one total order, into an [`EventSink`].
//!
//! # The hot path
//! Recording an event checks the switch, makes one out-of-line call with the
//! event's fields as scalars, finds the calling thread's ring through one
//! thread-local pointer, reads the clock (`lfence; rdtsc`) and writes one
//! fixed-size record straight into the ring: no lock, no allocation after the
//! thread's first event, no system call, no formatting, never a wait. The bar is
//! the machine's own floor ([`floor`]: the same clock read and a store into a
//! thread-local buffer): one thread at most 1.15× it, two threads recording at once
//! at most 1.1× one, and a disabled ledger (one relaxed load and a branch) at most
//! 0.6 ns. On the reference 2-core AMD EPYC VM, shared with compiles (medians,
//! `gpu-ledger overhead`): 18.0–20.0 ns an event, 1.08–1.09× the fenced floor
//! (16.6–18.4 ns) and 2.0–2.1× the unfenced one (8.8–9.9 ns, which the recorder
//! cannot use: DESIGN.md says why); two threads 0.97–1.00× one; disabled 0.3 ns.
//!
//! # Bounded memory
//! Each recording thread owns a single-producer ring of
//! [`LedgerConfig::thread_capacity`] records. When a ring is full the event is
//! dropped and counted; the drain reports the count as an [`EventKind::Lost`]
//! event, so every trace and report shows the loss.
//!
//! # Order
//! A background thread drains the rings every [`LedgerConfig::drain_interval`]
//! and hands the merged stream to the sink: one total order, each thread's events
//! in program order, and every happens-before relation between threads kept (see
//! the `drain` module, and DESIGN.md for the argument and what it does not
//! promise). The recorder never prints, panics on input or exits: unbalanced input
//! (a destroy of an unknown id) is the analysis's to flag.

mod clock;
mod drain;
pub mod floor;
mod local;
mod overhead;

use std::any::Any;
use std::marker::PhantomData;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

pub use clock::Clock;
pub use overhead::{
    BYTES_BAR, DISABLED_BAR_NS, ENABLED_BAR_NS, FENCED_FLOOR_BAR_RATIO, OVERHEAD_FORMAT,
    OverheadMeasures, OverheadReport, TWO_THREADS_BAR_RATIO,
};

use crate::error::{Error, ErrorKind};
use crate::event::{
    Dims, EventKind, EventSink, Marker, Name, Names, Owner, OwnerKind, PacketRef, PacketStage,
    PoolAction, ReleaseModels, Resource, ResourceAction, ResourceId, ResourceType, StreamInfo,
};
use drain::{Drain, DrainRing};

/// [`LedgerConfig::thread_capacity`] by default: 16 384 events, about 1.4 MiB.
pub const DEFAULT_THREAD_CAPACITY: usize = 1 << 14;

/// How a [`Ledger`] records.
///
/// # Example
/// ```
/// use std::time::Duration;
/// use gpu_ledger::LedgerConfig;
///
/// let config = LedgerConfig {
///     thread_capacity: 1 << 12,
///     drain_interval: Duration::from_millis(5),
///     ..LedgerConfig::default()
/// };
/// assert_eq!(config.thread_capacity, 4096);
/// ```
#[derive(Clone, Debug)]
pub struct LedgerConfig {
    /// Events each recording thread can hold before the drain takes them;
    /// beyond it events are dropped and counted. Default [`DEFAULT_THREAD_CAPACITY`].
    pub thread_capacity: usize,
    /// How often the drain thread wakes. Default 2 ms.
    pub drain_interval: Duration,
    /// The clock events are stamped with. Default [`Clock::monotonic`].
    pub clock: Clock,
    /// Who produces the stream (shown in trace headers); default the executable's name.
    pub source: String,
    /// The wall-clock time of time zero, in Unix nanoseconds; `None` reads the system clock
    /// at start. Replays and simulations set it so that their streams are reproducible.
    pub start_unix_ns: Option<u64>,
    /// How the API the host drives frees what it destroys, declared in the stream
    /// header so that reports apply the right destroy checks: `deferred` for
    /// Metal and WebGPU/wgpu, `immediate` for Vulkan and D3D12 native objects.
    /// Default: not declared.
    pub release: ReleaseModels,
    /// What the live analysis does when a destroy check fails
    /// (`GPU_LEDGER_ASSERT`). Applied where the ledger runs the live analysis
    /// ([`crate::live`]: a [`Session`](crate::live::Session), the toggles, the C
    /// API); a ledger started on a sink of your own analyses nothing itself.
    /// Default [`AssertMode::Warn`].
    pub assert: AssertMode,
}

/// What the live analysis does when a destroy check fails: `destroy-in-flight`
/// and the other checks of a resource destroyed while a packet still needs it
/// (`GPU_LEDGER_ASSERT=panic|warn|off`).
///
/// # Example
/// ```
/// use gpu_ledger::record::AssertMode;
///
/// assert_eq!(AssertMode::from_name("panic"), Some(AssertMode::Panic));
/// assert_eq!(AssertMode::default().name(), "warn");
/// assert_eq!(AssertMode::from_name("abort"), None);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AssertMode {
    /// Stop the program with the finding's message, in builds with debug
    /// assertions (a release build warns instead, and says so once). The drain
    /// thread, which finds it, panics (the process's panic hook prints the
    /// message) and then aborts the process, up to one drain pass after the
    /// destroy was recorded.
    Panic,
    /// Log the finding (target `gpu_ledger`, level error) and carry on.
    #[default]
    Warn,
    /// Say nothing while running; the report still has the verdict.
    Off,
}

impl AssertMode {
    /// The mode's name: `panic`, `warn` or `off`.
    pub const fn name(self) -> &'static str {
        match self {
            AssertMode::Panic => "panic",
            AssertMode::Warn => "warn",
            AssertMode::Off => "off",
        }
    }

    /// The mode named `name`, if any.
    pub fn from_name(name: &str) -> Option<Self> {
        [AssertMode::Panic, AssertMode::Warn, AssertMode::Off]
            .into_iter()
            .find(|m| m.name() == name)
    }
}

impl Default for LedgerConfig {
    fn default() -> Self {
        Self {
            thread_capacity: DEFAULT_THREAD_CAPACITY,
            drain_interval: Duration::from_millis(2),
            clock: Clock::monotonic(),
            source: std::env::current_exe()
                .ok()
                .and_then(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
                .unwrap_or_default(),
            start_unix_ns: None,
            release: ReleaseModels::default(),
            assert: AssertMode::default(),
        }
    }
}

/// One record in a thread's ring: the raw clock reading and the event.
#[derive(Clone, Copy, Debug)]
struct Slot {
    ticks: u64,
    kind: EventKind,
}

/// What a recording thread shares with the drain.
#[derive(Debug, Default)]
struct ThreadShared {
    lost: AtomicU64,
}

/// What every thread of one ledger shares.
struct Shared {
    id: u64,
    clock: Clock,
    start_ticks: u64,
    capacity: usize,
    /// Behind the `Arc`, off the line the hot path reads: hosts take an id per
    /// resource, from any thread.
    next_resource: AtomicU64,
    next_thread: AtomicU32,
    /// Rings registered since the drain last looked.
    new_rings: Mutex<Vec<DrainRing>>,
    names: Mutex<Names>,
    /// Events that could not even reach a ring (recorded during thread teardown),
    /// not yet reported by the drain.
    orphan_lost: AtomicU64,
    /// Events the drain has reported lost so far.
    lost_reported: AtomicU64,
}

impl Shared {
    fn take_new_rings(&self) -> Vec<DrainRing> {
        std::mem::take(&mut *self.new_rings.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

/// Flush requests and their completion, between [`Ledger::flush`] and the drain.
#[derive(Default)]
struct Passes {
    requested: AtomicU64,
    completed: Mutex<u64>,
    done: Condvar,
    dumps: Mutex<Dumps>,
    dumped: Condvar,
}

/// Dump requests ([`Ledger::dump`]) waiting for the drain, and their answers.
#[derive(Default)]
struct Dumps {
    next: u64,
    waiting: Vec<(u64, PathBuf)>,
    answered: Vec<(u64, Result<u64, Error>)>,
}

/// The drain thread's handle and its stop switch.
struct Worker {
    thread: JoinHandle<(Box<dyn AnySink>, u64, u64)>,
    stop: Arc<AtomicBool>,
}

/// Records GPU resource events from any thread and streams them to a sink.
///
/// A `Ledger` is `Sync`: share it by reference or in an `Arc`. Each thread that
/// records gets its own ring on its first event (the only allocation). Dropping
/// the ledger finishes it, like [`Ledger::finish`].
///
/// # Example
/// ```
/// use gpu_ledger::{Collected, Ledger, LedgerConfig, Owner, OwnerKind, PacketRef, PacketStage, ResourceType};
///
/// let ledger = Ledger::start(LedgerConfig::default(), Collected::default());
/// let target = ledger.next_resource_id();
/// let owner = Owner::new(OwnerKind::RootVisual, 0x1400);
/// let packet = PacketRef::new(1, 1);
/// ledger.packet(packet, PacketStage::Queued { command_id: 7 });
/// {
///     let _scope = ledger.enter_packet(packet);
///     ledger.create(target, ResourceType::NativeTarget, owner, None);
/// }
/// ledger.packet(packet, PacketStage::Presented);
/// let collected = ledger.finish().into_sink::<Collected>().expect("a Collected sink");
/// assert_eq!(collected.events.len(), 4); // and the clean-end marker that ends the stream
/// ```
pub struct Ledger {
    enabled: AtomicBool,
    /// `shared.id` and `shared.clock`, kept beside the switch so that the hot path
    /// reads them from the line it has already loaded instead of following the `Arc`.
    id: u64,
    clock: Clock,
    shared: Arc<Shared>,
    passes: Arc<Passes>,
    worker: Mutex<Option<Worker>>,
}

impl Ledger {
    /// Starts a ledger that streams into `sink` from a background drain thread.
    pub fn start<S: EventSink + 'static>(config: LedgerConfig, sink: S) -> Self {
        Self::start_with(config, |_| sink)
    }

    /// Like [`Ledger::start`], for a sink already boxed; take it back with
    /// `into_sink::<Box<dyn EventSink>>()`.
    pub fn start_boxed(config: LedgerConfig, sink: Box<dyn EventSink>) -> Self {
        Self::start_with(config, |_| sink)
    }

    /// Starts a ledger into the sink `make` builds from a [`Recorder`] of this
    /// ledger: a sink that records events of its own into the stream it reads (the
    /// live analysis records the findings it raises) keeps the recorder.
    ///
    /// # Example
    /// ```
    /// use gpu_ledger::{Collected, Event, EventKind, EventSink, Ledger, LedgerConfig, Marker};
    /// use gpu_ledger::record::Recorder;
    ///
    /// /// Answers every `Lost` report with a marker of its own.
    /// struct Echo(Recorder, Collected);
    /// impl EventSink for Echo {
    ///     fn on_event(&mut self, event: &Event) {
    ///         if let EventKind::Lost { .. } = event.kind {
    ///             let marker = Marker::Other(self.0.intern("echo"));
    ///             self.0.record(EventKind::Marker(marker));
    ///         }
    ///         self.1.on_event(event);
    ///     }
    /// }
    ///
    /// let ledger = Ledger::start_with(LedgerConfig::default(), |recorder| Echo(recorder, Collected::default()));
    /// ledger.record(EventKind::Lost { count: 1 });
    /// let Echo(_, collected) = ledger.finish().into_sink::<Echo>().expect("our sink");
    /// // The lost report, the sink's own marker, and the clean end the finished recorder wrote.
    /// assert_eq!(collected.events.len(), 3);
    /// ```
    pub fn start_with<S: EventSink + 'static>(
        config: LedgerConfig,
        make: impl FnOnce(Recorder) -> S,
    ) -> Self {
        let shared = Arc::new(Shared::new(&config));
        let sink = make(Recorder {
            id: shared.id,
            clock: shared.clock,
            shared: shared.clone(),
        });
        Self::start_any(config, shared, Box::new(sink))
    }

    fn start_any(config: LedgerConfig, shared: Arc<Shared>, sink: Box<dyn AnySink>) -> Self {
        let passes = Arc::new(Passes::default());
        let stop = Arc::new(AtomicBool::new(false));
        let info = StreamInfo {
            start_unix_ns: config.start_unix_ns.unwrap_or_else(|| {
                SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .map_or(0, |d| d.as_nanos() as u64)
            }),
            source: config.source.clone(),
            release: config.release.clone(),
        };
        let thread = {
            let (shared, passes, stop) = (shared.clone(), passes.clone(), stop.clone());
            let interval = config.drain_interval;
            std::thread::Builder::new()
                .name("gpu-ledger-drain".into())
                .spawn(move || run_drain(Drain::new(shared, sink, &info), &passes, &stop, interval))
                .expect("spawning the gpu-ledger drain thread")
        };
        Self {
            enabled: AtomicBool::new(true),
            id: shared.id,
            clock: shared.clock,
            shared,
            passes,
            worker: Mutex::new(Some(Worker { thread, stop })),
        }
    }

    /// A ledger that records nothing: every call costs one relaxed load and a branch.
    ///
    /// Resource ids and names still work, so instrumented code behaves the same.
    pub fn disabled() -> Self {
        let config = LedgerConfig {
            clock: Clock::from_fn(|| 0),
            ..LedgerConfig::default()
        };
        let shared = Arc::new(Shared::new(&config));
        Self {
            enabled: AtomicBool::new(false),
            id: shared.id,
            clock: shared.clock,
            shared,
            passes: Arc::new(Passes::default()),
            worker: Mutex::new(None),
        }
    }

    /// Whether events are being recorded.
    #[inline]
    pub fn is_enabled(&self) -> bool {
        self.enabled.load(Ordering::Relaxed)
    }

    /// A fresh resource id: monotonic, never 0, never reused by this ledger.
    pub fn next_resource_id(&self) -> ResourceId {
        ResourceId(self.shared.next_resource.fetch_add(1, Ordering::Relaxed))
    }

    /// The resource type called `name`: a well-known one, or a new name.
    ///
    /// Takes a lock: call it once per call site and keep the result.
    pub fn resource_type(&self, name: &str) -> ResourceType {
        ResourceType::from_well_known_name(name)
            .unwrap_or_else(|| ResourceType::Other(self.intern(name)))
    }

    /// The owner kind called `name`: a well-known one, or a new name.
    ///
    /// Takes a lock: call it once per call site and keep the result.
    pub fn owner_kind(&self, name: &str) -> OwnerKind {
        OwnerKind::from_well_known_name(name).unwrap_or_else(|| OwnerKind::Other(self.intern(name)))
    }

    /// The marker called `name`: a well-known one, or a new name.
    pub fn marker_named(&self, name: &str) -> Marker {
        Marker::from_well_known_name(name).unwrap_or_else(|| Marker::Other(self.intern(name)))
    }

    fn intern(&self, name: &str) -> crate::event::Name {
        self.shared
            .names
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .intern(name)
    }

    /// Records `kind` now, on the calling thread. Resource events without a packet
    /// take the thread's current packet (see [`Ledger::enter_packet`]).
    #[inline]
    pub fn record(&self, kind: EventKind) {
        if self.is_enabled() {
            self.record_kind(kind);
        }
    }

    // Every enabled path below is out of line, so the event is only built once the
    // switch says so (a disabled call site stays one load and a branch). The ones
    // called per resource take scalars, which arrive in registers and are stored
    // straight into the ring: an event passed through memory is stored by the caller
    // and reloaded wider by the callee, a store-forwarding stall (4-7 ns an event).

    #[inline(never)]
    fn record_kind(&self, mut kind: EventKind) {
        if let EventKind::Resource {
            packet: packet @ None,
            ..
        } = &mut kind
        {
            *packet = current_packet();
        }
        self.push(kind);
    }

    /// Stamps `kind` and pushes it into the calling thread's ring.
    #[inline(always)]
    fn push(&self, kind: EventKind) {
        stamp_and_push(self.id, self.clock, &self.shared, kind);
    }

    /// Records a resource lifecycle step.
    #[inline]
    pub fn resource(
        &self,
        action: ResourceAction,
        id: ResourceId,
        ty: ResourceType,
        owner: Owner,
        dims: Option<Dims>,
    ) {
        if self.is_enabled() {
            let (has_dims, d) = split_dims(dims);
            self.record_resource(
                action, id, ty, owner.kind, owner.key, has_dims, d.width, d.height, d.scale,
            );
        }
    }

    #[inline(never)]
    #[allow(clippy::too_many_arguments)] // scalars on purpose, see above
    fn record_resource(
        &self,
        action: ResourceAction,
        id: ResourceId,
        ty: ResourceType,
        owner_kind: OwnerKind,
        owner_key: u64,
        has_dims: bool,
        width: u32,
        height: u32,
        scale: f32,
    ) {
        self.push(resource_event(
            action,
            id,
            ty,
            owner_kind,
            owner_key,
            has_dims,
            Dims::new(width, height, scale),
            current_packet(),
        ));
    }

    /// Records the creation of resource `id`.
    #[inline]
    pub fn create(&self, id: ResourceId, ty: ResourceType, owner: Owner, dims: Option<Dims>) {
        self.resource(ResourceAction::Create, id, ty, owner, dims);
    }

    /// Records the destruction of resource `id`.
    #[inline]
    pub fn destroy(&self, id: ResourceId, ty: ResourceType, owner: Owner) {
        self.resource(ResourceAction::Destroy, id, ty, owner, None);
    }

    /// Records that resource `id` rebuilt its backing storage at `dims`.
    #[inline]
    pub fn resize_rebuild(
        &self,
        id: ResourceId,
        ty: ResourceType,
        owner: Owner,
        dims: Option<Dims>,
    ) {
        self.resource(ResourceAction::ResizeRebuild, id, ty, owner, dims);
    }

    /// Records a pool hit, miss, release or eviction.
    #[inline]
    pub fn pool(&self, action: PoolAction, ty: ResourceType, pool: Owner, dims: Option<Dims>) {
        if self.is_enabled() {
            let (has_dims, d) = split_dims(dims);
            self.record_pool(
                action, ty, pool.kind, pool.key, has_dims, d.width, d.height, d.scale,
            );
        }
    }

    #[inline(never)]
    #[allow(clippy::too_many_arguments)] // scalars on purpose, see above
    fn record_pool(
        &self,
        action: PoolAction,
        ty: ResourceType,
        owner_kind: OwnerKind,
        owner_key: u64,
        has_dims: bool,
        width: u32,
        height: u32,
        scale: f32,
    ) {
        self.push(EventKind::Pool {
            action,
            ty,
            owner: Owner::new(owner_kind, owner_key),
            dims: has_dims.then_some(Dims::new(width, height, scale)),
        });
    }

    /// Records that `packet` reached `stage`.
    #[inline]
    pub fn packet(&self, packet: PacketRef, stage: PacketStage) {
        if self.is_enabled() {
            self.record_packet(packet, stage);
        }
    }

    #[inline(never)]
    fn record_packet(&self, packet: PacketRef, stage: PacketStage) {
        self.push(EventKind::Packet { packet, stage });
    }

    /// Records that `packet` used resource `id`.
    #[inline]
    pub fn touched(&self, packet: PacketRef, id: ResourceId) {
        if self.is_enabled() {
            self.record_touched(packet, id);
        }
    }

    #[inline(never)]
    fn record_touched(&self, packet: PacketRef, resource: ResourceId) {
        self.push(EventKind::Touched { packet, resource });
    }

    /// Records that the thread's current packet used resource `id`; nothing outside a packet.
    #[inline]
    pub fn touch(&self, id: ResourceId) {
        if !self.is_enabled() {
            return;
        }
        if let Some(packet) = current_packet() {
            self.record_touched(packet, id);
        }
    }

    /// Records a marker.
    #[inline]
    pub fn marker(&self, marker: Marker) {
        self.record(EventKind::Marker(marker));
    }

    /// Records that shutdown begins: what follows is teardown.
    pub fn shutdown_begins(&self) {
        self.marker(Marker::ShutdownBegins);
    }

    /// Makes `packet` the calling thread's current packet until the scope drops.
    ///
    /// Scopes nest: dropping one restores the packet that was current before it.
    pub fn enter_packet(&self, packet: PacketRef) -> PacketScope {
        PacketScope::enter(packet)
    }

    /// Waits until every event recorded before this call has reached the sink.
    ///
    /// Returns at once on a disabled or finished ledger, or one whose drain thread
    /// has ended because its sink panicked. A pass only releases events stamped
    /// strictly before the time it starts (that keeps the order), so with a
    /// [`Clock::from_fn`] that can return the same reading twice, events stamped
    /// with the latest reading wait until the clock moves on or [`Ledger::finish`].
    pub fn flush(&self) {
        let ticket = {
            let worker = self.worker.lock().unwrap_or_else(|e| e.into_inner());
            let Some(worker) = worker.as_ref() else {
                return;
            };
            let ticket = self.passes.requested.fetch_add(1, Ordering::SeqCst) + 1;
            worker.thread.thread().unpark();
            ticket
        };
        let mut completed = self
            .passes
            .completed
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        while *completed < ticket && !self.is_drain_gone() {
            completed = self
                .passes
                .done
                .wait_timeout(completed, Duration::from_millis(50))
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }

    /// Writes a dump of what the sink knows now to `path` and returns the stream
    /// position it was taken at (the number of events in the stream before it).
    ///
    /// Everything recorded before the call is in the dump: the drain thread takes
    /// it after a pass, between two events, so it is consistent however many
    /// threads record meanwhile. Blocks for up to two drain passes plus the time
    /// the sink takes to write. The sink decides what a dump holds
    /// ([`EventSink::on_dump`]): the live analysis
    /// ([`crate::live::LiveSink`]) writes the live resource graph, the last
    /// packets and the startup timeline (`gpu-ledger graph DUMP` reads it).
    ///
    /// # Errors
    /// - [`ErrorKind::Unsupported`]: the ledger is disabled or finished, its drain
    ///   thread is gone (its sink panicked), or its sink keeps nothing to dump;
    /// - whatever the sink met writing ([`ErrorKind::Io`], naming the path).
    ///
    /// # Example
    /// ```
    /// use gpu_ledger::{Collected, ErrorKind, Ledger, LedgerConfig};
    ///
    /// // A plain collector keeps nothing to dump, and says so.
    /// let ledger = Ledger::start(LedgerConfig::default(), Collected::default());
    /// let err = ledger.dump("now.json").unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::Unsupported);
    /// ```
    pub fn dump(&self, path: impl AsRef<Path>) -> Result<u64, Error> {
        let path = path.as_ref();
        let gone = || {
            Error::new(
                ErrorKind::Unsupported,
                "the ledger records nothing (disabled, finished, or its sink panicked): there is \
                 nothing to dump",
            )
            .with_path(path)
        };
        if self.is_drain_gone() {
            return Err(gone());
        }
        self.flush();
        let ticket = {
            let worker = self.worker.lock().unwrap_or_else(|e| e.into_inner());
            let Some(worker) = worker.as_ref() else {
                return Err(gone());
            };
            let mut dumps = self.passes.dumps.lock().unwrap_or_else(|e| e.into_inner());
            dumps.next += 1;
            let ticket = dumps.next;
            dumps.waiting.push((ticket, path.to_owned()));
            worker.thread.thread().unpark();
            ticket
        };
        let mut dumps = self.passes.dumps.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if let Some(i) = dumps.answered.iter().position(|(t, _)| *t == ticket) {
                return dumps.answered.swap_remove(i).1;
            }
            if self.is_drain_gone() && dumps.waiting.iter().any(|(t, _)| *t == ticket) {
                return Err(gone());
            }
            dumps = self
                .passes
                .dumped
                .wait_timeout(dumps, Duration::from_millis(50))
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }

    /// Events dropped so far because a ring was full, as of the drain's last pass
    /// (call [`Ledger::flush`] first for an up-to-date count).
    pub fn lost_events(&self) -> u64 {
        self.shared.lost_reported.load(Ordering::Relaxed)
            + self.shared.orphan_lost.load(Ordering::Relaxed)
    }

    /// Whether no drain pass will come: the ledger finished, or its drain thread
    /// ended early (its sink panicked), so that `flush` must not wait for one.
    fn is_drain_gone(&self) -> bool {
        self.worker
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
            .is_none_or(|worker| worker.thread.is_finished())
    }

    /// Stops recording, drains everything recorded so far into the sink, calls
    /// its `on_finish`, and hands it back. Later calls record nothing and return
    /// an empty [`Finished`].
    ///
    /// Finish once the threads that record have stopped: an event another thread
    /// is recording while `finish` runs may miss the last drain pass, and is then
    /// neither delivered nor counted as lost.
    pub fn finish(&self) -> Finished {
        self.enabled.store(false, Ordering::SeqCst);
        let worker = self.worker.lock().unwrap_or_else(|e| e.into_inner()).take();
        let Some(worker) = worker else {
            return Finished::default();
        };
        worker.stop.store(true, Ordering::SeqCst);
        worker.thread.thread().unpark();
        match worker.thread.join() {
            Ok((sink, events, lost)) => Finished {
                sink: Some(sink),
                events,
                lost: lost + self.shared.orphan_lost.load(Ordering::Relaxed),
            },
            Err(_) => Finished::default(),
        }
    }
}

/// The resource event an out-of-line call's scalars describe.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn resource_event(
    action: ResourceAction,
    id: ResourceId,
    ty: ResourceType,
    owner_kind: OwnerKind,
    owner_key: u64,
    has_dims: bool,
    dims: Dims,
    packet: Option<PacketRef>,
) -> EventKind {
    EventKind::Resource {
        action,
        resource: Resource {
            id,
            ty,
            owner: Owner::new(owner_kind, owner_key),
        },
        dims: has_dims.then_some(dims),
        packet,
    }
}

/// `dims` as scalars for an out-of-line call: whether there are any, and their value.
#[inline(always)]
fn split_dims(dims: Option<Dims>) -> (bool, Dims) {
    match dims {
        Some(dims) => (true, dims),
        None => (false, Dims::new(0, 0, 0.0)),
    }
}

impl Drop for Ledger {
    fn drop(&mut self) {
        self.finish();
    }
}

impl std::fmt::Debug for Ledger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ledger")
            .field("id", &self.shared.id)
            .field("enabled", &self.is_enabled())
            .finish_non_exhaustive()
    }
}

impl Shared {
    fn new(config: &LedgerConfig) -> Self {
        static NEXT_LEDGER: AtomicU64 = AtomicU64::new(1);
        Self {
            id: NEXT_LEDGER.fetch_add(1, Ordering::Relaxed),
            clock: config.clock,
            start_ticks: config.clock.now_ticks(),
            capacity: config.thread_capacity.max(2),
            next_resource: AtomicU64::new(1),
            next_thread: AtomicU32::new(0),
            new_rings: Mutex::new(Vec::new()),
            names: Mutex::new(Names::new()),
            orphan_lost: AtomicU64::new(0),
            lost_reported: AtomicU64::new(0),
        }
    }
}

fn run_drain(
    mut drain: Drain,
    passes: &Passes,
    stop: &AtomicBool,
    interval: Duration,
) -> (Box<dyn AnySink>, u64, u64) {
    loop {
        let stopping = stop.load(Ordering::SeqCst);
        let ticket = passes.requested.load(Ordering::SeqCst);
        drain.pass(stopping);
        if stopping {
            // The sink may have recorded while the last pass ran (the live
            // analysis records the findings it raises): a few more passes take
            // those in, and what they record in turn, without looping forever.
            for _ in 0..FINAL_PASSES {
                if !drain.has_pending() {
                    break;
                }
                drain.pass(true);
            }
            drain.mark_clean_end();
        }
        *passes.completed.lock().unwrap_or_else(|e| e.into_inner()) = ticket;
        passes.done.notify_all();
        serve_dumps(&mut drain, passes);
        if stopping {
            break;
        }
        std::thread::park_timeout(interval);
    }
    let (released, lost) = (drain.released, drain.lost);
    (drain.into_sink(), released, lost)
}

/// Passes the drain makes after the last one for events its sink recorded.
const FINAL_PASSES: usize = 4;

/// Answers the dumps asked for so far, between two passes.
fn serve_dumps(drain: &mut Drain, passes: &Passes) {
    let waiting = std::mem::take(
        &mut passes
            .dumps
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .waiting,
    );
    if waiting.is_empty() {
        return;
    }
    let answers: Vec<_> = waiting
        .into_iter()
        .map(|(ticket, path)| (ticket, drain.dump(&path)))
        .collect();
    passes
        .dumps
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .answered
        .extend(answers);
    passes.dumped.notify_all();
}

/// What a finished ledger hands back: its sink and its counts.
#[derive(Default)]
pub struct Finished {
    sink: Option<Box<dyn AnySink>>,
    /// Events the sink received, [`EventKind::Lost`] reports included.
    pub events: u64,
    /// Events dropped because a thread's ring was full.
    pub lost: u64,
}

impl Finished {
    /// The sink, if it is an `S` (the type given to [`Ledger::start`]).
    pub fn into_sink<S: EventSink + 'static>(self) -> Option<S> {
        self.sink?.into_any().downcast::<S>().ok().map(|s| *s)
    }

    /// The sink, boxed.
    pub fn into_boxed_sink(self) -> Option<Box<dyn EventSink>> {
        self.sink.map(|sink| sink as Box<dyn EventSink>)
    }
}

impl std::fmt::Debug for Finished {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Finished")
            .field("events", &self.events)
            .field("lost", &self.lost)
            .field("has_sink", &self.sink.is_some())
            .finish()
    }
}

/// An [`EventSink`] that can be taken back as its concrete type.
trait AnySink: EventSink {
    fn into_any(self: Box<Self>) -> Box<dyn Any>;
}

impl<T: EventSink + 'static> AnySink for T {
    fn into_any(self: Box<Self>) -> Box<dyn Any> {
        self
    }
}

/// A handle that records into one ledger from the sink it feeds (on the drain
/// thread) or from any other thread, made by [`Ledger::start_with`].
///
/// Its events are stamped and streamed like any other: from the drain thread
/// they get a ring of their own and reach the sink in a later pass. It does not
/// keep the ledger alive and records nothing once the ledger has finished.
#[derive(Clone)]
pub struct Recorder {
    id: u64,
    clock: Clock,
    shared: Arc<Shared>,
}

impl Recorder {
    /// Records `kind` now, on the calling thread (with no packet filled in).
    pub fn record(&self, kind: EventKind) {
        stamp_and_push(self.id, self.clock, &self.shared, kind);
    }

    /// The name standing for `text` in this ledger's stream (interned once; takes a lock).
    pub fn intern(&self, text: &str) -> Name {
        self.shared
            .names
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .intern(text)
    }
}

impl std::fmt::Debug for Recorder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recorder")
            .field("ledger", &self.id)
            .finish_non_exhaustive()
    }
}

/// Stamps `kind` and pushes it into the calling thread's ring for ledger `id`.
#[inline(always)]
fn stamp_and_push(id: u64, clock: Clock, shared: &Shared, kind: EventKind) {
    // The TSC is read once a slot is reserved, so that the record is built in
    // the ring (built earlier, it goes through the stack: 4-5 ns). Any other
    // clock is read first: a `Clock::from_fn` runs host code, which might record
    // while the ring is borrowed.
    let early = (!clock.is_tsc()).then(|| clock.now_ticks());
    local::push(id, shared, move || Slot {
        ticks: early.unwrap_or_else(clock::read_tsc),
        kind,
    });
}

thread_local! {
    static CURRENT_PACKET: std::cell::Cell<Option<PacketRef>> = const { std::cell::Cell::new(None) };
}

/// The packet the calling thread is executing, if any.
#[inline]
pub fn current_packet() -> Option<PacketRef> {
    CURRENT_PACKET.try_with(|p| p.get()).ok().flatten()
}

/// While alive, makes a packet the current packet of the thread that created it.
///
/// Made by [`Ledger::enter_packet`]. Not `Send`: a packet context belongs to a thread.
#[must_use = "the packet is current only while the scope is alive"]
#[derive(Debug)]
pub struct PacketScope {
    previous: Option<PacketRef>,
    _not_send: PhantomData<*const ()>,
}

impl PacketScope {
    /// Makes `packet` current on this thread.
    pub fn enter(packet: PacketRef) -> Self {
        let previous = CURRENT_PACKET
            .try_with(|p| p.replace(Some(packet)))
            .ok()
            .flatten();
        Self {
            previous,
            _not_send: PhantomData,
        }
    }
}

impl Drop for PacketScope {
    fn drop(&mut self) {
        let _ = CURRENT_PACKET.try_with(|p| p.set(self.previous));
    }
}

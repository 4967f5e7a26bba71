//! [`LiveSink`]: the analysis a running process keeps on its drain thread — the
//! report's fold, the resource graph and two timelines — for guardrail findings
//! as they happen, the startup summary and dumps.
//!
//! Every part is one of the folds the CLI runs over a trace ([`Analyzer`],
//! [`ResourceGraph`], [`Timeline`]), fed the same events in the same order, so a
//! live finding or dump says what `gpu-ledger report`, `graph` and `timeline` say
//! about the trace. It runs on the drain thread only: the recording threads pay
//! nothing for it. Memory is bounded like each fold's: the live set, the owners,
//! the last packets, the startup timeline's packet limit, and the events of an
//! open run of clean presents (which may yet turn out to be steady state, and are
//! held back from the startup timeline until they are decided, at most
//! [`HELD_EVENTS`]).

use std::collections::VecDeque;
use std::io::Write;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use log::Level;

use super::dump::{DUMP_FORMAT, Dump, DumpPlan, DumpReason};
use super::notice::{NoticeHook, emit};
use super::watch::{DEFAULT_REPEAT, Watch};
use crate::analysis::count;
use crate::analysis::{
    Analyzer, DEFAULT_MAX_PACKETS, Definitions, ResourceGraph, TextOptions, Timeline, TimelineKeep,
    TimelineReport, Window, WindowSpan,
};
use crate::error::Error;
use crate::event::{Event, EventSink, Name, StreamInfo};
use crate::record::{AssertMode, Recorder};
use crate::time::StreamTime;

/// How many events of an undecided run of clean presents the startup timeline
/// holds back; beyond it they are counted as startup (a run this long is rare:
/// K presents normally come within a few frames).
pub const HELD_EVENTS: usize = 1 << 16;

/// What the live analysis does besides folding.
///
/// # Example
/// ```
/// use gpu_ledger::live::{DumpOn, DumpPlan, LiveConfig};
///
/// let config = LiveConfig {
///     recent_packets: 16,
///     dump: Some(DumpPlan::new("app-{n}-{reason}.json", DumpOn { exit: true, ..DumpOn::default() })),
///     ..LiveConfig::default()
/// };
/// assert_eq!(config.recent_packets, 16);
/// ```
pub struct LiveConfig {
    /// The definitions the fold applies (the thresholds the guardrails judge by).
    pub definitions: Definitions,
    /// How many of the last packets a dump lists. Default 64.
    pub recent_packets: usize,
    /// The least stream time between two lines about one guardrail whose verdict
    /// keeps changing, ns; the changes in between are counted. Default 1 s.
    pub repeat_ns: u64,
    /// Where and when to dump by itself (`GPU_LEDGER_DUMP`, `GPU_LEDGER_DUMP_ON`).
    pub dump: Option<DumpPlan>,
    /// Where to write the startup summary once startup ends (`GPU_LEDGER_REPORT`).
    pub summary: Option<Box<dyn Write + Send>>,
    /// Who else hears each notice besides the `log` facade.
    pub hook: Option<NoticeHook>,
}

impl Default for LiveConfig {
    fn default() -> Self {
        Self {
            definitions: Definitions::default(),
            recent_packets: 64,
            repeat_ns: DEFAULT_REPEAT.as_nanos() as u64,
            dump: None,
            summary: None,
            hook: None,
        }
    }
}

impl std::fmt::Debug for LiveConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LiveConfig")
            .field("recent_packets", &self.recent_packets)
            .field("repeat_ns", &self.repeat_ns)
            .field("dump", &self.dump)
            .field("summary", &self.summary.is_some())
            .field("hook", &self.hook.is_some())
            .finish_non_exhaustive()
    }
}

/// The startup timeline, fed only the events known to be startup.
#[derive(Clone, Debug)]
struct StartupFeed {
    timeline: Timeline,
    held: VecDeque<Event>,
    /// Sequence number of `held[0]`.
    held_from: u64,
    closed: bool,
}

impl StartupFeed {
    fn new() -> Self {
        Self {
            timeline: Timeline::new(WindowSpan::open(), TimelineKeep::First(DEFAULT_MAX_PACKETS)),
            held: VecDeque::new(),
            held_from: 0,
            closed: false,
        }
    }

    /// Event `seq`, after the analyzer has folded it.
    fn on_event(&mut self, seq: u64, event: &Event, analyzer: &Analyzer) {
        if self.closed {
            return;
        }
        if self.held.is_empty() {
            self.held_from = seq;
        }
        self.held.push_back(*event);
        if let Some(end) = analyzer.startup_end_seq() {
            // Startup ended just before event `end`: what is held from there on is steady.
            while self.held_from < end {
                let Some(e) = self.held.pop_front() else {
                    break;
                };
                self.timeline.on_event(&e);
                self.held_from += 1;
            }
            self.held.clear();
            self.closed = true;
            return;
        }
        let undecided = analyzer.undecided_from().unwrap_or(u64::MAX);
        while (self.held_from < undecided || self.held.len() > HELD_EVENTS)
            && let Some(e) = self.held.pop_front()
        {
            self.timeline.on_event(&e);
            self.held_from += 1;
        }
    }

    /// The timeline as it stands: startup so far, the held events counted in.
    fn report(&self) -> TimelineReport {
        if self.closed || self.held.is_empty() {
            return self.timeline.report();
        }
        let mut timeline = self.timeline.clone();
        for e in &self.held {
            timeline.on_event(e);
        }
        timeline.report()
    }
}

/// The live analysis, as an [`EventSink`]: feed it the stream (a ledger's drain
/// does) and it raises guardrail findings, writes the startup summary and dumps.
///
/// # Example
/// ```
/// use gpu_ledger::live::{LiveConfig, LiveSink};
/// use gpu_ledger::{Event, EventKind, EventSink, Owner, OwnerKind, Resource, ResourceAction, ResourceId, ResourceType};
///
/// let mut live = LiveSink::new(LiveConfig::default());
/// let queue = Resource { id: ResourceId(1), ty: ResourceType::CommandQueue, owner: Owner::new(OwnerKind::RootVisual, 1) };
/// live.on_event(&Event { time_ns: 5, thread: 0, kind: EventKind::Resource { action: ResourceAction::Create, resource: queue, dims: None, packet: None } });
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("now.json");
/// let seq = live.on_dump(&path).expect("a live sink dumps")?;
/// assert_eq!(seq, 1);
/// let dump = gpu_ledger::live::Dump::read(&path)?.expect("a dump");
/// assert_eq!(dump.graph.live, 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct LiveSink {
    analyzer: Analyzer,
    graph: ResourceGraph,
    recent: Timeline,
    startup: StartupFeed,
    watch: Watch,
    info: StreamInfo,
    recorder: Option<Recorder>,
    hook: Option<NoticeHook>,
    summary: Option<Box<dyn Write + Send>>,
    plan: Option<DumpPlan>,
    signal: Option<Signal>,
    dumps: u64,
    startup_dumped: bool,
}

impl LiveSink {
    /// A live analysis doing what `config` says, warning on failed destroy checks.
    pub fn new(config: LiveConfig) -> Self {
        let signal = config
            .dump
            .as_ref()
            .filter(|plan| plan.on.signal)
            .and_then(|_| Signal::install(config.hook.as_ref()));
        Self {
            recent: Timeline::new(
                WindowSpan::open(),
                TimelineKeep::Last(config.recent_packets),
            ),
            analyzer: Analyzer::new(config.definitions),
            graph: ResourceGraph::live(),
            startup: StartupFeed::new(),
            watch: Watch::new(AssertMode::default(), config.repeat_ns),
            info: StreamInfo::default(),
            recorder: None,
            hook: config.hook,
            summary: config.summary,
            plan: config.dump,
            signal,
            dumps: 0,
            startup_dumped: false,
        }
    }

    /// Attaches it to the ledger that feeds it: `recorder` records its findings
    /// into the stream, and `assert` says what a failed destroy check does
    /// ([`LedgerConfig::assert`](crate::LedgerConfig::assert)). Without it, findings
    /// reach the log and the hook only, and destroy checks warn.
    pub fn attach(&mut self, recorder: Recorder, assert: AssertMode) {
        self.recorder = Some(recorder);
        self.watch.set_assert(assert);
    }

    /// The fold, with everything seen so far.
    pub fn analyzer(&self) -> &Analyzer {
        &self.analyzer
    }

    /// The dump as it would be written now, for `reason`.
    pub fn dump(&self, reason: DumpReason) -> Dump {
        let mut startup = self.startup.report();
        startup.window = Some(Window::Startup.name().to_owned());
        let span = WindowSpan::of(&self.analyzer, Window::Startup);
        let ms = |ns| StreamTime::from_ns(ns).as_ms();
        startup.start_ms = span.start_ns.map(ms);
        startup.end_ms = self.analyzer.startup_end_ns().or(span.end_ns).map(ms);
        let graph = self.graph.graph();
        Dump {
            format: DUMP_FORMAT.to_owned(),
            version: 1,
            reason: reason.name().to_owned(),
            source: self.info.source.clone(),
            pid: std::process::id(),
            start_unix_ns: self.info.start_unix_ns,
            seq: self.analyzer.events_seen(),
            at_ns: graph.at_ns,
            origin_ns: graph.origin_ns,
            startup_complete: self.analyzer.is_startup_complete(),
            graph,
            recent_packets: self.recent.report(),
            startup,
            guardrails_fired: self.watch.fired(),
        }
    }

    /// Writes the dump for `reason` to `path` and announces it.
    fn write_dump(&mut self, path: &Path, reason: DumpReason) -> Result<u64, Error> {
        // The guardrails as of this event, not as of the last paced check: a dump
        // asked for right after a bad destroy lists what it fired.
        self.watch.check(
            &self.analyzer,
            self.recorder.as_ref(),
            self.hook.as_ref(),
            true,
        );
        let dump = self.dump(reason);
        match dump.write(path) {
            Ok(()) => {
                let line = format!(
                    "dump written to {} ({}): {}, {}, after event {}",
                    path.display(),
                    reason.name(),
                    count(dump.graph.live, "live resource", "live resources"),
                    count(
                        dump.recent_packets.packets_shown,
                        "recent packet",
                        "recent packets"
                    ),
                    dump.seq
                );
                emit(self.hook.as_ref(), Level::Info, "dump", &line);
                Ok(dump.seq)
            }
            Err(e) => {
                emit(
                    self.hook.as_ref(),
                    Level::Warn,
                    "dump",
                    &format!("cannot write the {} dump: {e}", reason.name()),
                );
                Err(e)
            }
        }
    }

    /// A dump the plan asks for.
    fn planned_dump(&mut self, reason: DumpReason) {
        let Some(plan) = &self.plan else { return };
        self.dumps += 1;
        let path = plan.path(reason, self.dumps, std::process::id());
        let _ = self.write_dump(&path, reason);
    }

    fn write_summary(&mut self) {
        if let Some(mut out) = self.summary.take() {
            let report = self.analyzer.report().restrict(Window::Startup);
            let text = report.render_text(&TextOptions::default());
            // A failed write is dropped: a summary must never disturb the host.
            let _ = write!(out, "gpu-ledger startup summary\n{text}");
            let _ = out.flush();
        }
    }
}

impl EventSink for LiveSink {
    fn on_start(&mut self, info: &StreamInfo) {
        self.info = info.clone();
        self.analyzer.on_start(info);
    }

    fn on_name(&mut self, name: Name, text: &str) {
        self.analyzer.on_name(name, text);
        self.graph.on_name(name, text);
        self.recent.on_name(name, text);
        self.startup.timeline.on_name(name, text);
    }

    fn on_event(&mut self, event: &Event) {
        let seq = self.analyzer.events_seen();
        self.analyzer.on_event(event);
        self.graph.on_event(event);
        self.recent.on_event(event);
        self.startup.on_event(seq, event, &self.analyzer);
        self.watch.on_event(event);
    }

    fn on_flush(&mut self) {
        self.analyzer.on_flush();
        self.watch.check(
            &self.analyzer,
            self.recorder.as_ref(),
            self.hook.as_ref(),
            false,
        );
        let startup_over = self.analyzer.is_startup_complete();
        if startup_over {
            self.write_summary();
        }
        if startup_over
            && !self.startup_dumped
            && self.plan.as_ref().is_some_and(|p| p.on.startup_end)
        {
            self.startup_dumped = true;
            self.planned_dump(DumpReason::StartupEnd);
        }
        if self.signal.as_ref().is_some_and(Signal::take) {
            self.planned_dump(DumpReason::Signal);
        }
    }

    fn on_finish(&mut self) {
        self.analyzer.on_finish();
        self.watch.finish(&self.analyzer, self.hook.as_ref());
        self.write_summary();
        if self.plan.as_ref().is_some_and(|p| p.on.exit) {
            self.planned_dump(DumpReason::Exit);
        }
    }

    fn on_dump(&mut self, path: &Path) -> Option<Result<u64, Error>> {
        Some(self.write_dump(path, DumpReason::Request))
    }
}

impl std::fmt::Debug for LiveSink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LiveSink")
            .field("events", &self.analyzer.events_seen())
            .field("dumps", &self.dumps)
            .finish_non_exhaustive()
    }
}

/// `SIGUSR1` as a flag the drain reads each pass; the handler is removed on drop.
struct Signal {
    raised: Arc<AtomicBool>,
    #[cfg(unix)]
    id: signal_hook::SigId,
}

impl Signal {
    /// Installs the handler, or says on the log why it could not.
    #[cfg(unix)]
    fn install(hook: Option<&NoticeHook>) -> Option<Self> {
        let raised = Arc::new(AtomicBool::new(false));
        match signal_hook::flag::register(signal_hook::consts::SIGUSR1, raised.clone()) {
            Ok(id) => Some(Self { raised, id }),
            Err(e) => {
                emit(
                    hook,
                    Level::Warn,
                    "dump",
                    &format!("cannot install the SIGUSR1 handler for dumps: {e}"),
                );
                None
            }
        }
    }

    #[cfg(not(unix))]
    fn install(hook: Option<&NoticeHook>) -> Option<Self> {
        emit(
            hook,
            Level::Warn,
            "dump",
            "GPU_LEDGER_DUMP_ON=signal needs a Unix signal (SIGUSR1); use Ledger::dump here",
        );
        None
    }

    /// Whether the signal came since the last call.
    fn take(&self) -> bool {
        self.raised.swap(false, Ordering::Relaxed)
    }
}

impl Drop for Signal {
    fn drop(&mut self) {
        #[cfg(unix)]
        signal_hook::low_level::unregister(self.id);
    }
}

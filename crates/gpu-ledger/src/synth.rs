//! Synthetic workloads: a realistic compositor's event stream, recorded through
//! the real [`Ledger`], for benchmarks of everything downstream at 10⁶–10⁸ events.
//!
//! The workload has the shape the plan worries about: lanes of packets at 60 Hz,
//! a startup storm (visuals created, contexts rebuilt for each layout pass, two
//! warm-up frames per canvas), a steady state of per-frame command buffers with
//! rare replacements and pool traffic, and a teardown burst after a shutdown
//! marker. It is deterministic for a given [`SynthConfig`], and it never holds
//! more than [`SynthConfig::live`] resources, so the analysis's memory is bounded
//! by it whatever the event count. Time is simulated (frames 16.7 ms apart), so a
//! 10⁸-event trace spans hours of compositor time but records in seconds.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use std::path::Path;
use std::time::Instant;

use crate::error::{Error, ErrorKind};
use crate::event::EventSink;
use crate::event::{
    Dims, Owner, OwnerKind, PacketRef, PacketStage, PoolAction, ResourceId, ResourceType,
};
use crate::format::{BlockPolicy, TraceFormat, TraceWriter, WrittenTrace};
use crate::output::OutputFile;
use crate::record::{Clock, Finished, Ledger, LedgerConfig};

/// What to generate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SynthConfig {
    /// Roughly how many events to record (the teardown may add up to `live`
    /// more); at least [`Self::min_events`], which the startup storm and the
    /// teardown take.
    pub events: u64,
    /// Sync lanes (windows), each with its own packets and visuals.
    pub lanes: u32,
    /// The most resources alive at once, across lanes.
    pub live: u32,
    /// Seed of the pseudo-random choices.
    pub seed: u64,
}

impl Default for SynthConfig {
    fn default() -> Self {
        Self {
            events: 1_000_000,
            lanes: 2,
            live: 1_000,
            seed: 1,
        }
    }
}

/// What a synthetic run recorded, counted by the generator itself.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct SynthSummary {
    /// Events recorded.
    pub events: u64,
    /// Packets presented.
    pub presented: u64,
    /// Packets presented before the generator's startup storm ended.
    pub presented_startup: u64,
    /// Resources created.
    pub created: u64,
    /// Resources destroyed.
    pub destroyed: u64,
}

impl SynthConfig {
    /// The fewest events this workload can have: its startup storm, the
    /// shutdown marker, the teardown and the clean end, which depend on `lanes`, `live` and
    /// `seed` (7,720 for the defaults). [`record`] refuses fewer.
    ///
    /// Found by running the generator against a disabled ledger, which costs
    /// a few nanoseconds per event.
    pub fn min_events(&self) -> u64 {
        let _one_at_a_time = ONE_RUN_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
        self.min_events_locked()
    }

    /// Checks that the workload has the shape asked for: at least one lane, room
    /// for one visual per lane in `live`, and [`Self::events`] events.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidInput`] when `lanes` is 0, when `live` is below
    /// `lanes` × 5 (one visual's resources per lane: the generator would keep
    /// more alive than asked), or when `events` is below [`Self::min_events`];
    /// each names the values.
    pub fn check(&self) -> Result<(), Error> {
        let _one_at_a_time = ONE_RUN_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
        self.check_locked()
    }

    fn check_locked(&self) -> Result<(), Error> {
        // Refused, never rounded up: the trace would not be what was asked for.
        if self.lanes == 0 {
            return Err(Error::new(
                ErrorKind::InvalidInput,
                "a synthetic workload of 0 lanes has no packets: ask for at least 1 lane",
            ));
        }
        let smallest = u64::from(self.lanes) * VISUAL_TYPES.len() as u64;
        if u64::from(self.live) < smallest {
            return Err(Error::new(
                ErrorKind::InvalidInput,
                format!(
                    "a synthetic workload of {} lanes keeps at least {smallest} resources live \
                     (one visual of {} resources per lane), but at most {} were asked for: ask \
                     for at least {smallest} live resources, or for fewer lanes",
                    self.lanes,
                    VISUAL_TYPES.len(),
                    self.live
                ),
            ));
        }
        let min = self.min_events_locked();
        if self.events >= min {
            return Ok(());
        }
        Err(Error::new(
            ErrorKind::InvalidInput,
            format!(
                "a synthetic workload of {} lanes and {} live resources takes at least {min} \
                 events (its startup storm and teardown), but {} were asked for: ask for at \
                 least {min}, or for fewer lanes or live resources",
                self.lanes, self.live, self.events
            ),
        ))
    }

    fn min_events_locked(&self) -> u64 {
        NOW_NS.store(0, Ordering::Relaxed);
        let ledger = Ledger::disabled();
        let mut synth = Synth::new(&ledger, self.seed, 1);
        synth.generate(&SynthConfig {
            events: 0,
            ..self.clone()
        });
        synth.summary.events
    }
}

static NOW_NS: AtomicU64 = AtomicU64::new(0);
static ONE_RUN_AT_A_TIME: Mutex<()> = Mutex::new(());

fn simulated_now() -> u64 {
    NOW_NS.load(Ordering::Relaxed)
}

const FRAME_NS: u64 = 16_666_667;
const STEP_NS: u64 = 2_000;
/// How many layout passes the startup storm lasts.
const STARTUP_LAYOUT_PASSES: u32 = 6;
/// Steady frames per lane before the first queue replacement: more than the
/// analysis's default K = 3, so the stable window starts at the first steady frame.
const SETTLE_FRAMES: u32 = 8;

/// One visual's resources: the visual, its native target and queue, and its context's two targets.
#[derive(Clone, Copy, Debug)]
struct Visual {
    owner: Owner,
    ids: [ResourceId; 5],
    size: u32,
}

const VISUAL_TYPES: [ResourceType; 5] = [
    ResourceType::Visual,
    ResourceType::NativeTarget,
    ResourceType::CommandQueue,
    ResourceType::TextureTarget,
    ResourceType::TextureTarget,
];

/// The generator's state while it runs.
struct Synth<'a> {
    ledger: &'a Ledger,
    rng: fastrand::Rng,
    summary: SynthSummary,
    next_packet: u64,
    live: u32,
    flush_every: u64,
    flushed_at: u64,
}

/// Records a synthetic workload through a new [`Ledger`] streaming into `sink`,
/// and returns the generator's own counts with the finished ledger.
///
/// # Errors
///
/// [`ErrorKind::InvalidInput`] when `config.events` is below
/// [`SynthConfig::min_events`] (see [`SynthConfig::check`]): the workload
/// would write more events than asked for. Nothing is recorded then.
///
/// The ledger runs on a simulated clock (`ledger.clock`, `start_unix_ns` and `source`
/// are replaced), so the same
/// `synth` config gives the same stream, times included. Runs one at a time per
/// process. Flushes the ledger as it goes, so nothing is lost however fast it records.
///
/// # Example
/// ```
/// use gpu_ledger::{Collected, LedgerConfig};
/// use gpu_ledger::synth::{self, SynthConfig};
///
/// let config = SynthConfig { events: 10_000, ..SynthConfig::default() };
/// let (summary, finished) = synth::record(&config, LedgerConfig::default(), Collected::default())?;
/// assert_eq!(finished.lost, 0);
/// let collected = finished.into_sink::<Collected>().unwrap();
/// assert_eq!(collected.events.len() as u64, summary.events);
///
/// // Fewer events than the workload's shape needs are refused, not exceeded.
/// let tiny = SynthConfig { events: 0, ..SynthConfig::default() };
/// let err = synth::record(&tiny, LedgerConfig::default(), Collected::default()).unwrap_err();
/// assert_eq!(err.kind(), gpu_ledger::ErrorKind::InvalidInput);
/// # Ok::<(), gpu_ledger::Error>(())
/// ```
pub fn record<S: EventSink + 'static>(
    config: &SynthConfig,
    ledger: LedgerConfig,
    sink: S,
) -> Result<(SynthSummary, Finished), Error> {
    let _one_at_a_time = ONE_RUN_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    config.check_locked()?;
    NOW_NS.store(0, Ordering::Relaxed);
    // Wait for the drain whenever half a ring has been recorded since the last wait.
    let flush_every = (ledger.thread_capacity as u64 / 2).max(1);
    let ledger = Ledger::start(
        LedgerConfig {
            clock: Clock::from_fn(simulated_now),
            // Simulated time has no wall clock: 0 says "unknown", and keeps traces reproducible.
            start_unix_ns: Some(0),
            source: format!("gpu-ledger synth (seed {})", config.seed),
            ..ledger
        },
        sink,
    );
    let mut synth = Synth::new(&ledger, config.seed, flush_every);
    synth.generate(config);
    Ok((synth.summary, ledger.finish()))
}

/// Records a synthetic workload into a trace file at `path` (in `format`, or the
/// format [`TraceFormat::for_path`] picks), with blocks cut by size only so the same
/// config writes the same bytes, and reports what was written. The trace replaces
/// `path` only once it is whole.
///
/// # Errors
/// The trace cannot be created or written ([`crate::ErrorKind::Io`], naming the
/// path); `config.events` is below [`SynthConfig::min_events`]
/// ([`ErrorKind::InvalidInput`], and no file is created).
///
/// # Example
/// ```
/// use gpu_ledger::synth::{self, SynthConfig};
///
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("s.gltrace");
/// let config = SynthConfig { events: 10_000, ..SynthConfig::default() };
/// let report = synth::write_trace(&config, &path, None)?;
/// assert_eq!(report.trace.trace_format, "binary");
/// assert_eq!(report.bytes, std::fs::metadata(&path)?.len());
/// assert_eq!(report.lost_events, 0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn write_trace(
    config: &SynthConfig,
    path: &Path,
    format: Option<TraceFormat>,
) -> Result<SynthReport, Error> {
    // Before the file exists: a refused count leaves nothing behind.
    config.check()?;
    let writer = TraceWriter::create(path, format, BlockPolicy::size_only())?;
    let format = writer.format();
    let ledger = LedgerConfig {
        thread_capacity: 1 << 16,
        ..LedgerConfig::default()
    };
    let started = Instant::now();
    let (summary, finished) = record(config, ledger, writer)?;
    let lost = finished.lost;
    let writer = finished
        .into_sink::<TraceWriter<OutputFile>>()
        .ok_or_else(|| {
            Error::new(
                crate::ErrorKind::Io,
                "the trace writer did not come back from the recorder",
            )
            .with_path(path)
        })?;
    let origin_ns = writer.origin_ns();
    let bytes = writer.finish()?.commit()?;
    Ok(SynthReport {
        format: SYNTH_FORMAT.to_owned(),
        version: 1,
        trace: WrittenTrace::new(path, format, origin_ns),
        events: summary.events,
        bytes,
        bytes_per_event: bytes as f64 / summary.events.max(1) as f64,
        presented: summary.presented,
        presented_startup: summary.presented_startup,
        created: summary.created,
        destroyed: summary.destroyed,
        lost_events: lost,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// The value of [`SynthReport::format`].
pub const SYNTH_FORMAT: &str = "gpu-ledger-synth";

/// What [`write_trace`] wrote (`gpu-ledger synth`'s document).
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "json", derive(serde::Serialize))]
#[non_exhaustive]
pub struct SynthReport {
    /// Always `"gpu-ledger-synth"`.
    pub format: String,
    /// Schema version, 1.
    pub version: u32,
    /// The trace written (its times are simulated).
    #[cfg_attr(feature = "json", serde(flatten))]
    pub trace: WrittenTrace,
    /// Events recorded, counted by the generator.
    pub events: u64,
    /// Size of the trace file, bytes.
    pub bytes: u64,
    /// `bytes / events`.
    pub bytes_per_event: f64,
    /// Packets presented.
    pub presented: u64,
    /// Of those, during the generator's startup storm.
    pub presented_startup: u64,
    /// Resources created.
    pub created: u64,
    /// Resources destroyed.
    pub destroyed: u64,
    /// Events the recorder dropped (0 expected: the generator waits for the drain).
    pub lost_events: u64,
    /// Wall-clock seconds the run took, writing included.
    pub seconds: f64,
}

impl SynthReport {
    /// Two lines: what was written where, and what the generator counted.
    pub fn render_text(&self) -> String {
        format!(
            "wrote {} events ({} bytes, {:.1} B/event) to {} in {:.2} s\n  presented {} ({} during startup), created {}, destroyed {}, lost {}\n",
            self.events,
            self.bytes,
            self.bytes_per_event,
            crate::text::Escaped(&self.trace.out),
            self.seconds,
            self.presented,
            self.presented_startup,
            self.created,
            self.destroyed,
            self.lost_events
        )
    }
}

impl<'a> Synth<'a> {
    fn new(ledger: &'a Ledger, seed: u64, flush_every: u64) -> Self {
        Self {
            ledger,
            rng: fastrand::Rng::with_seed(seed),
            // The ledger ends the stream with its clean-end marker when it finishes.
            summary: SynthSummary {
                events: 1,
                ..SynthSummary::default()
            },
            next_packet: 1,
            live: 0,
            flush_every,
            flushed_at: 0,
        }
    }

    fn generate(&mut self, config: &SynthConfig) {
        let lanes = config.lanes.max(1);
        let per_lane = (config.live / lanes / VISUAL_TYPES.len() as u32).max(1);
        // The storm: every lane builds its visuals, and each layout pass rebuilds their contexts.
        let mut visuals: Vec<Vec<Visual>> = (0..lanes)
            .map(|lane| (0..per_lane).map(|v| self.create_visual(lane, v)).collect())
            .collect();
        for pass in 0..STARTUP_LAYOUT_PASSES {
            for lane in 0..lanes {
                // Two warm-up frames per layout pass, each rebuilding contexts inside its
                // packet: presented, but never clean, so all of them count as startup.
                for _ in 0..2 {
                    self.frame(lane, &mut visuals[lane as usize], Some(pass));
                }
            }
        }
        let teardown = u64::from(self.live) + 1;
        let mut steady_frames = 0;
        while self.summary.events + teardown < config.events {
            for lane in 0..lanes {
                self.frame(lane, &mut visuals[lane as usize], None);
                // Rare queue replacements, once the layout has had a few frames to settle.
                if steady_frames >= SETTLE_FRAMES && self.rng.u32(0..200) == 0 {
                    let index = self.rng.usize(0..visuals[lane as usize].len());
                    let visual = &mut visuals[lane as usize][index];
                    self.replace_queue(visual);
                }
            }
            steady_frames += 1;
        }
        self.tick(FRAME_NS);
        self.ledger.shutdown_begins();
        self.summary.events += 1;
        for visual in visuals.iter().flatten() {
            for (id, ty) in visual.ids.iter().zip(VISUAL_TYPES).rev() {
                self.tick(STEP_NS / 20);
                self.destroy(*id, ty, visual.owner);
            }
        }
    }

    /// Advances simulated time before each event; waits for the drain when needed.
    fn tick(&mut self, ns: u64) {
        NOW_NS.fetch_add(ns, Ordering::Relaxed);
        if self.summary.events - self.flushed_at >= self.flush_every {
            self.ledger.flush();
            self.flushed_at = self.summary.events;
        }
    }

    fn create(&mut self, ty: ResourceType, owner: Owner, dims: Option<Dims>) -> ResourceId {
        let id = self.ledger.next_resource_id();
        self.tick(STEP_NS);
        self.ledger.create(id, ty, owner, dims);
        self.summary.events += 1;
        self.summary.created += 1;
        self.live += 1;
        id
    }

    fn destroy(&mut self, id: ResourceId, ty: ResourceType, owner: Owner) {
        self.tick(STEP_NS);
        self.ledger.destroy(id, ty, owner);
        self.summary.events += 1;
        self.summary.destroyed += 1;
        self.live -= 1;
    }

    fn create_visual(&mut self, lane: u32, index: u32) -> Visual {
        let kind = if index == 0 {
            OwnerKind::RootVisual
        } else {
            OwnerKind::ChildVisual
        };
        // Owner keys look like heap pointers, as renderers log them.
        let owner = Owner::new(
            kind,
            0x6000_0000_0000 + (u64::from(lane) << 24) + u64::from(index) * 0x140,
        );
        let size = 128 + 64 * (index % 8);
        let dims = Some(Dims::new(size, size, 2.0));
        let ids = VISUAL_TYPES.map(|ty| self.create(ty, owner, dims));
        Visual { owner, ids, size }
    }

    /// A layout pass changed the backing size: the context is rebuilt (2 queues' worth of targets).
    fn rebuild_context(&mut self, visual: &mut Visual, pass: u32) {
        visual.size += 16 * (pass + 1);
        let dims = Some(Dims::new(visual.size, visual.size, 2.0));
        self.tick(STEP_NS);
        self.ledger.resize_rebuild(
            visual.ids[3],
            ResourceType::TextureTarget,
            visual.owner,
            dims,
        );
        self.summary.events += 1;
        for slot in [3, 4] {
            self.destroy(visual.ids[slot], ResourceType::TextureTarget, visual.owner);
            visual.ids[slot] = self.create(ResourceType::TextureTarget, visual.owner, dims);
        }
    }

    fn replace_queue(&mut self, visual: &mut Visual) {
        self.destroy(visual.ids[2], ResourceType::CommandQueue, visual.owner);
        visual.ids[2] = self.create(ResourceType::CommandQueue, visual.owner, None);
    }

    fn packet(&mut self, lane: u32) -> PacketRef {
        let packet = PacketRef::new(u64::from(lane) + 1, self.next_packet);
        self.next_packet += 1;
        packet
    }

    fn stage(&mut self, packet: PacketRef, stage: PacketStage) {
        self.tick(STEP_NS);
        self.ledger.packet(packet, stage);
        self.summary.events += 1;
    }

    /// One packet on `lane`: queued, a transient command buffer, touches, submit, complete,
    /// present; during startup (`layout_pass`), context rebuilds inside the packet.
    fn frame(&mut self, lane: u32, visuals: &mut [Visual], layout_pass: Option<u32>) {
        let startup = layout_pass.is_some();
        self.tick(FRAME_NS);
        let packet = self.packet(lane);
        let command_id = packet.packet.0 * 3;
        self.stage(packet, PacketStage::Queued { command_id });
        let roll = self.rng.u32(0..100);
        if !startup && roll < 2 {
            self.stage(packet, PacketStage::NoOp);
            return;
        }
        if !startup && roll < 3 {
            self.stage(packet, PacketStage::Dropped);
            return;
        }
        let _scope = self.ledger.enter_packet(packet);
        if let Some(pass) = layout_pass {
            for (index, visual) in visuals.iter_mut().enumerate() {
                if index == 0 || pass == 0 || self.rng.u32(0..3) == 0 {
                    self.rebuild_context(visual, pass);
                }
            }
        }
        let pool = Owner::new(OwnerKind::Transient, 0xB0F0 + u64::from(lane));
        let hit = self.rng.u32(0..16) != 0;
        let action = if hit {
            PoolAction::Hit
        } else {
            PoolAction::Miss
        };
        self.tick(STEP_NS);
        self.ledger
            .pool(action, ResourceType::Buffer, pool, Some(Dims::bytes(4096)));
        self.summary.events += 1;
        let commands = self.create(ResourceType::CommandBuffer, pool, None);
        for visual in visuals
            .iter()
            .take(1 + self.rng.usize(0..visuals.len().min(4)))
        {
            self.tick(STEP_NS / 4);
            self.ledger.touched(packet, visual.ids[1]);
            self.summary.events += 1;
        }
        self.stage(packet, PacketStage::Submitted);
        self.tick(FRAME_NS / 4);
        self.stage(packet, PacketStage::Completed);
        self.destroy(commands, ResourceType::CommandBuffer, pool);
        self.stage(packet, PacketStage::Presented);
        self.summary.presented += 1;
        if startup {
            self.summary.presented_startup += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Collected, EventKind, ResourceAction};

    fn synth(config: &SynthConfig) -> (SynthSummary, Collected) {
        let (summary, finished) =
            record(config, LedgerConfig::default(), Collected::default()).expect("enough events");
        assert_eq!(finished.lost, 0);
        (summary, finished.into_sink::<Collected>().unwrap())
    }

    #[test]
    fn the_same_seed_records_the_same_stream_and_everything_is_destroyed() {
        let config = SynthConfig {
            events: 20_000,
            ..SynthConfig::default()
        };
        let (summary, first) = synth(&config);
        let (_, second) = synth(&config);
        assert!(first.events == second.events, "not deterministic");
        assert_eq!(first.events.len() as u64, summary.events);
        assert!(summary.events >= config.events, "{summary:?}");
        assert_eq!(
            summary.created, summary.destroyed,
            "teardown leaves nothing live"
        );
        let creates = first
            .events
            .iter()
            .filter(|e| {
                matches!(
                    e.kind,
                    EventKind::Resource {
                        action: ResourceAction::Create,
                        ..
                    }
                )
            })
            .count() as u64;
        assert_eq!(creates, summary.created);
    }

    /// Issue 9, item 13: `synth --events 0` wrote 7,719 events.
    #[test]
    fn fewer_events_than_the_workload_needs_are_refused_and_the_minimum_is_honoured() {
        let config = SynthConfig {
            events: 0,
            ..SynthConfig::default()
        };
        let min = config.min_events();
        assert_eq!(min, 7_720, "the default workload's storm and teardown");
        for events in [0, 1, min - 1] {
            let small = SynthConfig {
                events,
                ..config.clone()
            };
            let err = record(&small, LedgerConfig::default(), Collected::default())
                .expect_err("too few events");
            assert_eq!(err.kind(), ErrorKind::InvalidInput);
            assert_eq!(
                err.to_string(),
                format!(
                    "a synthetic workload of 2 lanes and 1000 live resources takes at least 7720 \
                     events (its startup storm and teardown), but {events} were asked for: ask \
                     for at least 7720, or for fewer lanes or live resources"
                )
            );
        }
        let exact = SynthConfig {
            events: min,
            ..config.clone()
        };
        let (summary, collected) = synth(&exact);
        assert_eq!(summary.events, min, "the minimum is written exactly");
        assert_eq!(collected.events.len() as u64, min);
        let small = SynthConfig {
            events: 0,
            lanes: 1,
            live: 10,
            seed: 3,
        };
        let min = small.min_events();
        assert!(min < 500, "{min}");
        assert_eq!(
            synth(&SynthConfig {
                events: min,
                ..small
            })
            .0
            .events,
            min
        );
    }

    #[test]
    fn the_live_set_stays_within_its_bound() {
        let config = SynthConfig {
            events: 30_000,
            lanes: 3,
            live: 200,
            seed: 9,
        };
        let (_, collected) = synth(&config);
        let mut live: i64 = 0;
        let mut peak = 0;
        for event in &collected.events {
            match event.kind {
                EventKind::Resource {
                    action: ResourceAction::Create,
                    ..
                } => live += 1,
                EventKind::Resource {
                    action: ResourceAction::Destroy,
                    ..
                } => live -= 1,
                _ => {}
            }
            peak = peak.max(live);
        }
        // Visuals fill the bound; a command buffer in flight per lane comes on top.
        assert!(
            peak <= i64::from(config.live) + i64::from(config.lanes),
            "peak {peak}"
        );
        assert_eq!(live, 0);
    }
}

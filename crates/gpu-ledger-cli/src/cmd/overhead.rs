//! `gpu-ledger overhead`: what recording costs on this machine, measured on the real recorder.
//!
//! Medians of many short rounds, so a noisy neighbour moves the answer little;
//! the drain is waited for between rounds (untimed), so no event is dropped and a
//! full ring never makes recording look cheaper than it is. The recorder is timed
//! round by round against the two floors (`gpu_ledger::record::floor`: a clock read
//! and a store, with and without the fence), so its ratios to them come from one run
//! on one machine state.

use std::hint::black_box;
use std::process::ExitCode;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use gpu_ledger::record::{DEFAULT_THREAD_CAPACITY, OverheadMeasures, OverheadReport, floor};
use gpu_ledger::synth::{self, SynthConfig};
use gpu_ledger::{
    Dims, Event, EventSink, Ledger, LedgerConfig, Owner, OwnerKind, ResourceId, ResourceType,
};

use super::args::{Format, Output};

/// Measure what recording costs on this machine, on the real recorder: medians of
/// many short rounds, enabled (one and two threads) beside the floors (a clock read
/// and a store, with and without the fence), disabled, and the binary trace's bytes
/// per event, each beside its bar.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(flatten)]
    output: Output,
    /// Timed rounds per measurement (the median is reported).
    #[arg(long, default_value_t = 301)]
    rounds: usize,
    /// Events per round.
    #[arg(long, default_value_t = 4096)]
    round_events: u64,
}

pub(crate) fn run(args: Args) -> anyhow::Result<ExitCode> {
    anyhow::ensure!(
        args.rounds > 0 && args.round_events > 0,
        "--rounds and --round-events must be positive"
    );
    let (enabled, floors) = measure_one_thread(&args);
    let two = measure_enabled(&args, 2);
    let disabled_ns = measure_disabled(&args);
    let (bytes_per_event, mix_events) = measure_bytes_per_event()?;
    let lost = enabled.lost + two.lost;
    let report = OverheadReport::new(&OverheadMeasures {
        enabled_ns: enabled.median_ns,
        fenced_floor_ns: floors.fenced_ns,
        unfenced_floor_ns: floors.unfenced_ns,
        fenced_floor_ratio: floors.fenced_ratio,
        unfenced_floor_ratio: floors.unfenced_ratio,
        two_threads_ns: two.median_ns,
        disabled_ns,
        bytes_per_event,
        bytes_mix_events: mix_events,
        lost_events: lost,
        tsc: gpu_ledger::Clock::monotonic().is_tsc(),
        rounds: args.rounds,
        round_events: args.round_events,
        event_record_bytes: std::mem::size_of::<Event>(),
    });
    match args.output.format {
        Format::Json => outln!("{}", serde_json::to_string_pretty(&report)?)?,
        Format::Text => out!("{}", report.render_text())?,
    }
    Ok(ExitCode::SUCCESS)
}

/// Drops everything: overhead measures recording, not a sink.
struct Discard;

impl EventSink for Discard {
    fn on_event(&mut self, event: &Event) {
        black_box(event);
    }
}

struct Measured {
    median_ns: f64,
    lost: u64,
}

/// The event every measurement records: a texture created by a child visual.
const TY: ResourceType = ResourceType::Texture;
const OWNER: Owner = Owner::new(OwnerKind::ChildVisual, 0x7f00_1234);
const DIMS: Option<Dims> = None;

fn record_one(ledger: &Ledger, i: u64) {
    ledger.create(ResourceId(black_box(i)), TY, OWNER, DIMS);
}

/// Nanoseconds per call of `call(i)` for `i` in `0..events`.
#[inline(always)]
fn time_round(events: u64, mut call: impl FnMut(u64)) -> f64 {
    let start = Instant::now();
    for i in 0..events {
        call(i);
    }
    start.elapsed().as_nanos() as f64 / events as f64
}

/// The floors, and the recorder's ratios to them (medians of per-round ratios).
struct Floors {
    fenced_ns: f64,
    unfenced_ns: f64,
    fenced_ratio: f64,
    unfenced_ratio: f64,
}

/// One thread: each round times the recorder, then the fenced floor, then the
/// unfenced floor, so that a ratio compares rounds a few hundred microseconds apart.
fn measure_one_thread(args: &Args) -> (Measured, Floors) {
    let ledger = measuring_ledger(args);
    let events = args.round_events;
    let (mut recorder, mut fenced, mut unfenced) = (vec![], vec![], vec![]);
    let (mut fenced_ratio, mut unfenced_ratio) = (vec![], vec![]);
    let warmup = warmup(args);
    for round in 0..warmup + args.rounds {
        let r = time_round(events, |i| record_one(&ledger, i));
        let f = time_round(events, |i| {
            floor::fenced(ResourceId(black_box(i)), TY, OWNER, DIMS)
        });
        let u = time_round(events, |i| {
            floor::unfenced(ResourceId(black_box(i)), TY, OWNER, DIMS)
        });
        ledger.flush();
        if round >= warmup {
            recorder.push(r);
            fenced.push(f);
            unfenced.push(u);
            fenced_ratio.push(r / f);
            unfenced_ratio.push(r / u);
        }
    }
    let lost = ledger.finish().lost;
    (
        Measured {
            median_ns: median(&mut recorder),
            lost,
        },
        Floors {
            fenced_ns: median(&mut fenced),
            unfenced_ns: median(&mut unfenced),
            fenced_ratio: median(&mut fenced_ratio),
            unfenced_ratio: median(&mut unfenced_ratio),
        },
    )
}

/// Untimed rounds first: enough to write the whole ring once, so that no timed
/// round takes its first-touch page faults (or its one allocation).
fn warmup(args: &Args) -> usize {
    capacity(args).div_ceil(args.round_events as usize) + 1
}

fn capacity(args: &Args) -> usize {
    (args.round_events as usize * 2).max(DEFAULT_THREAD_CAPACITY)
}

/// A ledger whose ring is as large as the floors' buffer (and holds a round twice).
fn measuring_ledger(args: &Args) -> Ledger {
    Ledger::start(
        LedgerConfig {
            thread_capacity: capacity(args),
            drain_interval: Duration::from_millis(1),
            ..LedgerConfig::default()
        },
        Discard,
    )
}

/// Per-event cost with `threads` threads recording at once; the median over every thread's rounds.
fn measure_enabled(args: &Args, threads: usize) -> Measured {
    let ledger = Arc::new(measuring_ledger(args));
    let barrier = Arc::new(Barrier::new(threads));
    let workers: Vec<_> = (0..threads)
        .map(|t| {
            let (ledger, barrier) = (ledger.clone(), barrier.clone());
            let (rounds, round_events, warmup) = (args.rounds, args.round_events, warmup(args));
            std::thread::spawn(move || {
                let mut per_event = Vec::with_capacity(rounds);
                for round in 0..warmup + rounds {
                    barrier.wait();
                    let ns = time_round(round_events, |i| record_one(&ledger, i));
                    barrier.wait();
                    if t == 0 {
                        ledger.flush();
                    }
                    if round >= warmup {
                        per_event.push(ns);
                    }
                }
                per_event
            })
        })
        .collect();
    let mut all: Vec<f64> = workers
        .into_iter()
        .flat_map(|w| w.join().expect("a measuring thread panicked"))
        .collect();
    let lost = ledger.finish().lost;
    Measured {
        median_ns: median(&mut all),
        lost,
    }
}

fn measure_disabled(args: &Args) -> f64 {
    let ledger = Ledger::disabled();
    let calls = args.round_events * 64;
    let mut per_call: Vec<f64> = (0..args.rounds)
        .map(|_| {
            let start = Instant::now();
            for i in 0..calls {
                record_one(black_box(&ledger), i);
            }
            start.elapsed().as_nanos() as f64 / calls as f64
        })
        .collect();
    median(&mut per_call)
}

/// Bytes per event of the binary trace on the synthetic compositor mix.
fn measure_bytes_per_event() -> anyhow::Result<(f64, u64)> {
    let config = SynthConfig {
        events: 200_000,
        ..SynthConfig::default()
    };
    let writer = gpu_ledger::format::BinaryWriter::new(Vec::new());
    let (summary, finished) = synth::record(&config, LedgerConfig::default(), writer)?;
    let writer = finished
        .into_sink::<gpu_ledger::format::BinaryWriter<Vec<u8>>>()
        .ok_or_else(|| anyhow::anyhow!("the trace writer did not come back from the ledger"))?;
    let bytes = writer.finish()?.len();
    Ok((bytes as f64 / summary.events as f64, summary.events))
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

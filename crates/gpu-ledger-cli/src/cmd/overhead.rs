//! `gpu-ledger overhead`: what recording costs on this machine, measured on the real recorder.
//!
//! Medians of many short rounds, so a noisy neighbour moves the answer little;
//! the drain is waited for between rounds (untimed), so no event is dropped and a
//! full ring never makes recording look cheaper than it is.

use std::hint::black_box;
use std::process::ExitCode;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use gpu_ledger::synth::{self, SynthConfig};
use gpu_ledger::{
    Event, EventSink, Ledger, LedgerConfig, Owner, OwnerKind, ResourceId, ResourceType,
};

use gpu_ledger::record::{OverheadMeasures, OverheadReport};

use super::args::{Format, Output};

/// Measure what recording costs on this machine, on the real recorder: medians of
/// many short rounds, enabled (one and two threads), disabled, and the binary
/// trace's bytes per event, each beside its bar.
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
    let enabled = measure_enabled(&args, 1);
    let two = measure_enabled(&args, 2);
    let disabled_ns = measure_disabled(&args);
    let (bytes_per_event, mix_events) = measure_bytes_per_event()?;
    let lost = enabled.lost + two.lost;
    let report = OverheadReport::new(&OverheadMeasures {
        enabled_ns: enabled.median_ns,
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

fn record_one(ledger: &Ledger, i: u64) {
    ledger.create(
        ResourceId(black_box(i)),
        ResourceType::Texture,
        Owner::new(OwnerKind::ChildVisual, 0x7f00_1234),
        None,
    );
}

/// Per-event cost with `threads` threads recording at once; the median over every thread's rounds.
fn measure_enabled(args: &Args, threads: usize) -> Measured {
    let ledger = Arc::new(Ledger::start(
        LedgerConfig {
            thread_capacity: (args.round_events as usize * 2).max(1 << 12),
            drain_interval: Duration::from_millis(1),
            ..LedgerConfig::default()
        },
        Discard,
    ));
    let barrier = Arc::new(Barrier::new(threads));
    let workers: Vec<_> = (0..threads)
        .map(|t| {
            let (ledger, barrier) = (ledger.clone(), barrier.clone());
            let (rounds, round_events) = (args.rounds, args.round_events);
            std::thread::spawn(move || {
                let mut per_event = Vec::with_capacity(rounds);
                for round in 0..=rounds {
                    barrier.wait();
                    let start = Instant::now();
                    for i in 0..round_events {
                        record_one(&ledger, i);
                    }
                    let elapsed = start.elapsed();
                    barrier.wait();
                    if t == 0 {
                        ledger.flush();
                    }
                    // Round 0 warms the thread's ring up (its one allocation).
                    if round > 0 {
                        per_event.push(elapsed.as_nanos() as f64 / round_events as f64);
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
    let (summary, finished) = synth::record(&config, LedgerConfig::default(), writer);
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

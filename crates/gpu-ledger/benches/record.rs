//! The recorder's hot path beside its floors: one event enabled (one thread, two
//! threads at once), the two floors (`record::floor`: a clock read and a store into
//! a thread-local buffer, with and without the fence), and a disabled call site.
//! The bars (DESIGN.md): enabled ≤ 1.15× the fenced floor, two threads ≤ 1.1× one,
//! disabled ≤ 0.6 ns, on the reference 2-core machine.
//!
//! Events are recorded in rounds of `ROUND` with the drain waited for between rounds
//! (untimed), and each sample is its median round, as `gpu-ledger overhead`
//! measures: criterion runs millions of iterations,
//! more than a ring holds between two drain passes, and a full ring drops events
//! for less than it costs to record them. Any loss is printed. The floors wait for
//! the same (idle) drain between their rounds, so that all three share one rhythm of
//! running and sleeping, which a busy machine's scheduler treats differently.

use std::hint::black_box;
use std::sync::mpsc;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, criterion_group, criterion_main};
use gpu_ledger::record::{DEFAULT_THREAD_CAPACITY, floor};
use gpu_ledger::{
    Dims, Event, EventSink, Ledger, LedgerConfig, Owner, OwnerKind, ResourceId, ResourceType,
};

/// Events per timed round: a quarter of a default ring.
const ROUND: u64 = DEFAULT_THREAD_CAPACITY as u64 / 4;

/// The event every benchmark records: a texture created by a child visual.
const TY: ResourceType = ResourceType::Texture;
const OWNER: Owner = Owner::new(OwnerKind::ChildVisual, 0x7f00_1234);
const DIMS: Option<Dims> = None;

/// Drops everything: the bench measures recording, not a sink.
struct Discard;

impl EventSink for Discard {
    fn on_event(&mut self, event: &Event) {
        black_box(event);
    }
}

/// A ledger with default-sized rings (as large as the floors' buffer).
fn ledger() -> Ledger {
    Ledger::start(
        LedgerConfig {
            drain_interval: Duration::from_millis(1),
            ..LedgerConfig::default()
        },
        Discard,
    )
}

fn record_one(ledger: &Ledger, i: u64) {
    ledger.create(ResourceId(black_box(i)), TY, OWNER, DIMS);
}

/// The time `call(i)` takes for `i` in `0..iters`, timed in rounds of `round` calls
/// with `before` and `after` run around each, untimed. The answer is the median
/// round's time per call, times `iters`: on a shared machine a round that lost the
/// CPU to another process says nothing about recording, and a median ignores it.
fn rounds_between(
    iters: u64,
    round: u64,
    mut before: impl FnMut(),
    mut call: impl FnMut(u64),
    mut after: impl FnMut(),
) -> Duration {
    let mut per_call = Vec::with_capacity(iters.div_ceil(round) as usize);
    let mut done = 0;
    while done < iters {
        let end = iters.min(done + round);
        before();
        let start = Instant::now();
        for i in done..end {
            call(i);
        }
        per_call.push(start.elapsed().as_secs_f64() / (end - done) as f64);
        after();
        done = end;
    }
    per_call.sort_by(f64::total_cmp);
    Duration::from_secs_f64(per_call[per_call.len() / 2] * iters as f64)
}

/// [`rounds_between`] in rounds of [`ROUND`], with nothing before a round.
fn rounds(iters: u64, call: impl FnMut(u64), after: impl FnMut()) -> Duration {
    rounds_between(iters, ROUND, || {}, call, after)
}

/// Writes a whole ring once, so that no timed round takes first-touch page faults.
fn warm_up(ledger: &Ledger) {
    rounds(
        DEFAULT_THREAD_CAPACITY as u64 * 2,
        |i| record_one(ledger, i),
        || ledger.flush(),
    );
}

fn report_losses(ledger: &Ledger, what: &str) {
    ledger.flush();
    let lost = ledger.lost_events();
    if lost > 0 {
        eprintln!("{what}: {lost} events lost, so the figure is too low");
    }
}

fn one_thread(c: &mut Criterion) {
    let ledger = ledger();
    warm_up(&ledger);
    let mut group = c.benchmark_group("record");
    group.bench_function("enabled_one_thread", |b| {
        b.iter_custom(|iters| rounds(iters, |i| record_one(&ledger, i), || ledger.flush()))
    });
    bench_floor(&mut group, &ledger, "floor_fenced", |i| {
        floor::fenced(ResourceId(black_box(i)), TY, OWNER, DIMS)
    });
    bench_floor(&mut group, &ledger, "floor_unfenced", |i| {
        floor::unfenced(ResourceId(black_box(i)), TY, OWNER, DIMS)
    });
    group.finish();
    report_losses(&ledger, "record/enabled_one_thread");
}

/// A floor timed like the recorder, waiting for the same (idle) drain between rounds.
fn bench_floor(
    group: &mut BenchmarkGroup<'_, WallTime>,
    ledger: &Ledger,
    name: &str,
    floor: impl Fn(u64) + Copy,
) {
    group.bench_function(name, |b| {
        b.iter_custom(|iters| rounds(iters, floor, || ledger.flush()))
    });
}

fn two_threads(c: &mut Criterion) {
    let ledger = Arc::new(ledger());
    // One helper thread for the whole benchmark, warmed up like this one: a thread
    // started per sample would time its ring's allocation and page faults.
    let barrier = Arc::new(Barrier::new(2));
    let (to_helper, iterations) = mpsc::channel::<u64>();
    let (elapsed, from_helper) = mpsc::channel::<Duration>();
    let helper = {
        let (ledger, barrier) = (ledger.clone(), barrier.clone());
        std::thread::spawn(move || {
            warm_up(&ledger);
            for iters in iterations {
                let took = rounds_between(
                    iters,
                    ROUND,
                    || {
                        barrier.wait(); // both start a round together
                    },
                    |i| record_one(&ledger, i),
                    || {
                        barrier.wait(); // both ended it
                        barrier.wait(); // the other thread has flushed
                    },
                );
                elapsed
                    .send(took)
                    .expect("the benchmark waits for the helper");
            }
        })
    };
    warm_up(&ledger);
    c.bench_function("record/enabled_two_threads", |b| {
        b.iter_custom(|iters| {
            // Both threads record `iters` events in lockstep rounds; the cost per
            // event is each thread's own time, averaged over the two.
            to_helper.send(iters).expect("the helper runs");
            let mine = rounds_between(
                iters,
                ROUND,
                || {
                    barrier.wait();
                },
                |i| record_one(&ledger, i),
                || {
                    barrier.wait();
                    ledger.flush();
                    barrier.wait();
                },
            );
            (mine + from_helper.recv().expect("the helper answers")) / 2
        })
    });
    drop(to_helper);
    helper.join().expect("the helper thread panicked");
    report_losses(&ledger, "record/enabled_two_threads");
}

fn disabled(c: &mut Criterion) {
    let ledger = Ledger::disabled();
    c.bench_function("record/disabled", |b| {
        // A call site costs less than criterion's own per-iteration overhead, so
        // time rounds of many calls; `black_box(&ledger)` makes every call reload
        // the switch.
        b.iter_custom(|iters| {
            rounds_between(
                iters,
                ROUND * 64,
                || {},
                |i| record_one(black_box(&ledger), i),
                || {},
            )
        })
    });
}

criterion_group!(benches, one_thread, two_threads, disabled);
criterion_main!(benches);

//! The recorder's hot path: one event enabled (one thread, two threads at once)
//! and a disabled call site. The bars (DESIGN.md): ≤ 50 ns enabled, ≤ 1.5× that
//! with two threads, ≤ 1 ns disabled, on the reference 2-core machine.

use std::hint::black_box;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use gpu_ledger::{
    Event, EventSink, Ledger, LedgerConfig, Owner, OwnerKind, ResourceId, ResourceType,
};

/// Drops everything: the bench measures recording, not a sink.
struct Discard;

impl EventSink for Discard {
    fn on_event(&mut self, event: &Event) {
        black_box(event);
    }
}

fn ledger() -> Ledger {
    Ledger::start(
        LedgerConfig {
            thread_capacity: 1 << 16,
            drain_interval: Duration::from_millis(1),
            ..LedgerConfig::default()
        },
        Discard,
    )
}

fn record_one(ledger: &Ledger, i: u64) {
    ledger.create(
        ResourceId(black_box(i)),
        ResourceType::Texture,
        Owner::new(OwnerKind::ChildVisual, 0x7f00_1234),
        None,
    );
}

fn enabled(c: &mut Criterion) {
    let ledger = ledger();
    let mut i = 0;
    c.bench_function("record/enabled_one_thread", |b| {
        b.iter(|| {
            i += 1;
            record_one(&ledger, i)
        })
    });
}

fn two_threads(c: &mut Criterion) {
    let ledger = Arc::new(ledger());
    c.bench_function("record/enabled_two_threads", |b| {
        b.iter_custom(|iters| {
            // Both threads record `iters` events at once; the cost per event is
            // each thread's own elapsed time, averaged over the two.
            let barrier = Arc::new(Barrier::new(2));
            let other = {
                let (ledger, barrier) = (ledger.clone(), barrier.clone());
                std::thread::spawn(move || {
                    barrier.wait();
                    let start = Instant::now();
                    for i in 0..iters {
                        record_one(&ledger, i);
                    }
                    start.elapsed()
                })
            };
            barrier.wait();
            let start = Instant::now();
            for i in 0..iters {
                record_one(&ledger, i);
            }
            let mine = start.elapsed();
            (mine + other.join().unwrap()) / 2
        })
    });
}

fn disabled(c: &mut Criterion) {
    let ledger = Ledger::disabled();
    c.bench_function("record/disabled", |b| {
        // A call site costs less than criterion's own per-iteration overhead, so
        // time a loop of calls; `black_box(&ledger)` makes every call reload the switch.
        b.iter_custom(|iters| {
            let start = Instant::now();
            for i in 0..iters {
                black_box(&ledger).create(
                    ResourceId(i),
                    ResourceType::Texture,
                    Owner::new(OwnerKind::ChildVisual, 1),
                    None,
                );
            }
            start.elapsed()
        })
    });
}

criterion_group!(benches, enabled, two_threads, disabled);
criterion_main!(benches);

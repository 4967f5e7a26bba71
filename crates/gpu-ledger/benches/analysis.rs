//! The analysis fold: events per second through [`Analyzer::on_event`] on a
//! realistic `synth` stream (startup storm, steady state with per-frame command
//! buffers and pool traffic, teardown), plus building the report at the end.
//! The bar (DESIGN.md): ≥ 10 million events per second per core.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use gpu_ledger::analysis::Analyzer;
use gpu_ledger::synth::{self, SynthConfig};
use gpu_ledger::{Collected, Event, EventSink, LedgerConfig};

fn stream(events: u64) -> Vec<Event> {
    let config = SynthConfig {
        events,
        ..SynthConfig::default()
    };
    let (_, finished) = synth::record(&config, LedgerConfig::default(), Collected::default())
        .expect("a million events is more than the workload's minimum");
    finished
        .into_sink::<Collected>()
        .map(|c| c.events)
        .unwrap_or_default()
}

fn analysis(c: &mut Criterion) {
    let events = stream(1_000_000);
    let mut group = c.benchmark_group("analysis");
    group.throughput(Throughput::Elements(events.len() as u64));
    group.sample_size(10);
    group.bench_function("fold_1m_synth_events", |b| {
        b.iter(|| {
            let mut analyzer = Analyzer::default();
            for event in &events {
                analyzer.on_event(event);
            }
            analyzer.on_finish();
            black_box(analyzer.events_seen())
        })
    });
    let mut analyzer = Analyzer::default();
    for event in &events {
        analyzer.on_event(event);
    }
    group.bench_function("report_after_1m_events", |b| {
        b.iter(|| black_box(analyzer.report()))
    });
    group.finish();
}

criterion_group!(benches, analysis);
criterion_main!(benches);

//! The analysis fold: events per second through [`Analyzer::on_event`] on a
//! realistic `synth` stream (startup storm, steady state with per-frame command
//! buffers and pool traffic, teardown), plus building the report at the end.
//! The bar (DESIGN.md): ≥ 10 million events per second per core.
//!
//! The `pace` group puts `report` beside the decoder, in one run, on the same
//! binary trace file of a 1 M-event synth stream: the decoder alone (reading and
//! decoding into a sink that only counts) and the whole of `report` (reading,
//! decoding on one thread while the analyzer folds on a second, then building
//! the report), each as events per second. Their ratio says how close the
//! analysis runs to the decoder's pace (issue 13's bar: `report` ≥ 30 M events/s).

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use gpu_ledger::analysis::Analyzer;
use gpu_ledger::format::BinaryReader;
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

/// Counts events and looks at nothing else: the decoder's pace.
#[derive(Default)]
struct Count(u64);

impl EventSink for Count {
    fn on_event(&mut self, event: &Event) {
        black_box(event);
        self.0 += 1;
    }
}

fn pace(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("synth.gltrace");
    let config = SynthConfig {
        events: 1_000_000,
        ..SynthConfig::default()
    };
    synth::write_trace(&config, &path, None).expect("the synth trace is written");
    let decode = || {
        let file = std::fs::File::open(&path).expect("the trace opens");
        let mut count = Count::default();
        let summary = BinaryReader::new(file)
            .and_then(|mut reader| reader.replay(&mut count))
            .expect("the trace reads");
        (summary, count.0)
    };
    let (summary, counted) = decode();
    assert!(summary.is_clean(), "{summary}");
    assert_eq!(summary.events, counted);

    let mut group = c.benchmark_group("pace");
    group.throughput(Throughput::Elements(summary.events));
    group.sample_size(20);
    group.bench_function("decode_only_1m_synth_events", |b| {
        b.iter(|| black_box(decode()))
    });
    group.bench_function("report_1m_synth_events", |b| {
        b.iter(|| {
            let mut analyzer = Analyzer::default();
            let read = gpu_ledger::input::replay(&path, &mut analyzer).expect("the trace reads");
            black_box((read.events(), analyzer.report()))
        })
    });
    group.finish();
}

criterion_group!(benches, analysis, pace);
criterion_main!(benches);

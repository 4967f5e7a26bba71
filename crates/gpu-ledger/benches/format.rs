//! The binary trace reader: events per second from an in-memory trace of a
//! 1 M-event [`synth`](gpu_ledger::synth) stream into a sink that only counts,
//! so the figure is the reader alone (frame checks, sequence checks, decoding).
//! `report` reads, decodes and folds; the bar for the whole (DESIGN.md) is
//! ≥ 10 million events per second per core, so the reader must stay well above it.
//!
//! The `pace` group puts `report` beside the decoder, in one run, on the same
//! binary trace file of a 1 M-event synth stream: the decoder alone (reading and
//! decoding into a sink that only counts) and the whole of `report` (reading,
//! decoding on one thread while the analyzer folds on a second, then building
//! the report), each as events per second. Their ratio says how close the
//! analysis runs to the decoder's pace (issue 13's bar: `report` ≥ 30 M events/s
//! on a 20 M-event trace).

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use gpu_ledger::analysis::Analyzer;
use gpu_ledger::format::{BinaryReader, BinaryWriter, BlockPolicy};
use gpu_ledger::synth::{self, SynthConfig};
use gpu_ledger::{Event, EventSink, LedgerConfig};

/// Counts events and looks at nothing else: the decoder's pace.
#[derive(Default)]
struct Count(u64);

impl EventSink for Count {
    fn on_event(&mut self, event: &Event) {
        black_box(event);
        self.0 += 1;
    }
}

fn trace(events: u64) -> Vec<u8> {
    let config = SynthConfig {
        events,
        ..SynthConfig::default()
    };
    let writer = BinaryWriter::with_policy(Vec::new(), BlockPolicy::size_only());
    let (_, finished) = synth::record(&config, LedgerConfig::default(), writer)
        .expect("a million events is more than the workload's minimum");
    finished
        .into_sink::<BinaryWriter<Vec<u8>>>()
        .and_then(|w| w.finish().ok())
        .unwrap_or_default()
}

fn format(c: &mut Criterion) {
    let bytes = trace(1_000_000);
    let mut count = Count::default();
    let summary = BinaryReader::new(&bytes[..])
        .and_then(|mut r| r.replay(&mut count))
        .expect("synth trace reads");
    assert!(summary.is_clean(), "{summary}");
    let mut group = c.benchmark_group("format");
    group.throughput(Throughput::Elements(summary.events));
    group.sample_size(20);
    group.bench_function("read_binary_1m_synth_events", |b| {
        b.iter(|| {
            let mut count = Count::default();
            let mut reader = BinaryReader::new(&bytes[..]).expect("valid header");
            let summary = reader.replay(&mut count).expect("in memory");
            black_box((count.0, summary.blocks))
        })
    });
    group.finish();
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

criterion_group!(benches, format, pace);
criterion_main!(benches);

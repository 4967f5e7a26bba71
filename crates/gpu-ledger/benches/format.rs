//! The binary trace reader: events per second from an in-memory trace of a
//! 1 M-event [`synth`](gpu_ledger::synth) stream into a sink that only counts,
//! so the figure is the reader alone (frame checks, sequence checks, decoding).
//! `report` reads, decodes and folds; the bar for the whole (DESIGN.md) is
//! ≥ 10 million events per second per core, so the reader must stay well above it.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use gpu_ledger::format::{BinaryReader, BinaryWriter, BlockPolicy};
use gpu_ledger::synth::{self, SynthConfig};
use gpu_ledger::{Event, EventSink, LedgerConfig};

/// Counts events and looks at nothing else.
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

criterion_group!(benches, format);
criterion_main!(benches);

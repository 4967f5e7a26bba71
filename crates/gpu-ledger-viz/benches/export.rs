//! The writers' throughput on a realistic `synth` stream (startup storm, steady
//! frames with per-frame command buffers and pool traffic, teardown): events per
//! second through `PerfettoWriter` and `ChromeWriter` into `io::sink` (the analyzer
//! they run alongside included), and the HTML page of the same run.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use gpu_ledger::analysis::{Analyzer, SeriesBuilder};
use gpu_ledger::synth::{self, SynthConfig};
use gpu_ledger::{Collected, EventSink, LedgerConfig, Tee};
use gpu_ledger_viz::{ChromeWriter, HtmlReport, PerfettoWriter};

fn stream(events: u64) -> Collected {
    let config = SynthConfig {
        events,
        ..SynthConfig::default()
    };
    let (_, finished) = synth::record(&config, LedgerConfig::default(), Collected::default())
        .expect("enough events for the synthetic workload");
    finished.into_sink::<Collected>().unwrap_or_default()
}

fn export(c: &mut Criterion) {
    let stream = stream(200_000);
    let mut group = c.benchmark_group("export");
    group.throughput(Throughput::Elements(stream.events.len() as u64));
    group.sample_size(10);
    group.bench_function("perfetto_200k_synth_events", |b| {
        b.iter(|| {
            let mut writer = PerfettoWriter::new(std::io::sink());
            stream.replay(&mut writer);
            black_box(writer.stats())
        })
    });
    group.bench_function("chrome_200k_synth_events", |b| {
        b.iter(|| {
            let mut writer = ChromeWriter::new(std::io::sink());
            stream.replay(&mut writer);
            black_box(writer.stats())
        })
    });
    group.bench_function("html_page_of_200k_synth_events", |b| {
        b.iter(|| {
            let mut sinks = Tee(Analyzer::default(), SeriesBuilder::default());
            stream.replay(&mut sinks);
            sinks.on_finish();
            let (report, series) = (sinks.0.report(), sinks.1.series());
            black_box(HtmlReport::new(&report, &series).render().len())
        })
    });
    group.finish();
}

criterion_group!(benches, export);
criterion_main!(benches);

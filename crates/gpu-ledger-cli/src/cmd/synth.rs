//! `gpu-ledger synth`: writes a realistic synthetic trace through the real recorder,
//! for benchmarks of everything downstream at 10⁶–10⁸ events.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use gpu_ledger::LedgerConfig;
use gpu_ledger::format::{BinaryWriter, BlockPolicy, JsonLinesWriter};
use gpu_ledger::synth::{self, SynthConfig, SynthSummary};
use serde_json::json;

use super::Format;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Roughly how many events to write (teardown may add up to --live more).
    #[arg(long, default_value_t = 1_000_000)]
    events: u64,
    /// Where to write the trace; a `.jsonl` name writes JSON Lines, anything else binary.
    #[arg(long)]
    out: PathBuf,
    /// Sync lanes (windows).
    #[arg(long, default_value_t = 2)]
    lanes: u32,
    /// The most resources alive at once.
    #[arg(long, default_value_t = 1_000)]
    live: u32,
    /// Seed of the pseudo-random choices: the same seed writes the same trace.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Output format of the summary.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

pub(crate) fn run(args: Args) -> anyhow::Result<ExitCode> {
    let config = SynthConfig {
        events: args.events,
        lanes: args.lanes,
        live: args.live,
        seed: args.seed,
    };
    let file =
        File::create(&args.out).with_context(|| format!("cannot create {}", args.out.display()))?;
    let out = BufWriter::with_capacity(1 << 20, file);
    let ledger = LedgerConfig {
        thread_capacity: 1 << 16,
        ..LedgerConfig::default()
    };
    let started = Instant::now();
    let json_lines = args.out.extension().is_some_and(|e| e == "jsonl");
    let (summary, lost) = if json_lines {
        let (summary, finished) = synth::record(&config, ledger, JsonLinesWriter::new(out));
        let lost = finished.lost;
        let writer = finished
            .into_sink::<JsonLinesWriter<BufWriter<File>>>()
            .context("the trace writer did not come back")?;
        writer.finish()?.flush()?;
        (summary, lost)
    } else {
        let (summary, finished) = synth::record(
            &config,
            ledger,
            BinaryWriter::with_policy(out, BlockPolicy::size_only()),
        );
        let lost = finished.lost;
        let writer = finished
            .into_sink::<BinaryWriter<BufWriter<File>>>()
            .context("the trace writer did not come back")?;
        writer.finish()?.flush()?;
        (summary, lost)
    };
    let seconds = started.elapsed().as_secs_f64();
    let bytes = std::fs::metadata(&args.out)?.len();
    print_summary(&args, &summary, lost, bytes, seconds)?;
    Ok(ExitCode::SUCCESS)
}

fn print_summary(
    args: &Args,
    summary: &SynthSummary,
    lost: u64,
    bytes: u64,
    seconds: f64,
) -> anyhow::Result<()> {
    match args.format {
        Format::Json => {
            let doc = json!({
                "format": "gpu-ledger-synth",
                "version": 1,
                "out": args.out.display().to_string(),
                "events": summary.events,
                "bytes": bytes,
                "bytes_per_event": bytes as f64 / summary.events.max(1) as f64,
                "presented": summary.presented,
                "presented_startup": summary.presented_startup,
                "created": summary.created,
                "destroyed": summary.destroyed,
                "lost_events": lost,
                "seconds": seconds,
            });
            outln!("{}", serde_json::to_string_pretty(&doc)?)?;
        }
        Format::Text => {
            outln!(
                "wrote {} events ({} bytes, {:.1} B/event) to {} in {:.2} s",
                summary.events,
                bytes,
                bytes as f64 / summary.events.max(1) as f64,
                args.out.display(),
                seconds
            )?;
            outln!(
                "  presented {} ({} during startup), created {}, destroyed {}, lost {}",
                summary.presented,
                summary.presented_startup,
                summary.created,
                summary.destroyed,
                lost
            )?;
        }
    }
    Ok(())
}

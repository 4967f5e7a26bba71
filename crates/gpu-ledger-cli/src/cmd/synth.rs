//! `gpu-ledger synth`: writes a realistic synthetic trace through the real recorder,
//! for benchmarks of everything downstream at 10⁶–10⁸ events.

use std::process::ExitCode;

use gpu_ledger::synth::{self, SynthConfig};

use super::args::{Format, Out, Output};

/// Write a realistic synthetic trace through the real recorder: lanes of packets,
/// a startup storm of rebuilds, a steady state with pool traffic, a teardown.
/// The same seed writes the same bytes.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Roughly how many events to write (teardown may add up to --live more);
    /// at least what the startup storm and teardown take (7,720 with the
    /// default --lanes and --live), else the command refuses.
    #[arg(long, default_value_t = 1_000_000)]
    events: u64,
    #[command(flatten)]
    out: Out,
    /// Sync lanes (windows).
    #[arg(long, default_value_t = 2)]
    lanes: u32,
    /// The most resources alive at once.
    #[arg(long, default_value_t = 1_000)]
    live: u32,
    /// Seed of the pseudo-random choices: the same seed writes the same trace.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    #[command(flatten)]
    output: Output,
}

pub(crate) fn run(args: Args) -> anyhow::Result<ExitCode> {
    let config = SynthConfig {
        events: args.events,
        lanes: args.lanes,
        live: args.live,
        seed: args.seed,
    };
    let report = synth::write_trace(&config, &args.out.out, None)?;
    match args.output.format {
        Format::Json => outln!("{}", serde_json::to_string_pretty(&report)?)?,
        Format::Text => out!("{}", report.render_text())?,
    }
    Ok(ExitCode::SUCCESS)
}

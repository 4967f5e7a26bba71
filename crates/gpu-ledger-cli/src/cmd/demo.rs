//! `gpu-ledger demo`: runs the headless demo compositor on the first GPU adapter
//! wgpu finds, writes its binary trace and prints the churn report next to the
//! compositor's own ground truth.
//!
//! This module is glue: the compositor lives in `gpu-ledger-demo`, the trace
//! writer and the analysis in `gpu-ledger`. The recorder streams into both at
//! once (a [`Tee`]), so the report printed is exactly the one `gpu-ledger report`
//! gives for the written trace. The ground truth is what the compositor counted
//! itself, never derived from the trace.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use gpu_ledger::analysis::{Analyzer, Definitions, Report, TextOptions};
use gpu_ledger::format::BinaryWriter;
use gpu_ledger::{Ledger, LedgerConfig, ResourceType, Tee};
use gpu_ledger_demo::{DemoConfig, DemoOutcome, GroundTruth, Mode, Scenario};
use serde_json::json;

use super::Format;

/// The validation program to replay.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum ScenarioArg {
    /// Three 130×220 widgets (stroked path, rounded rectangle, ellipse) with shadows.
    EllipsePath,
    /// A bold title and a wrapped paragraph from a glyph atlas.
    Text,
}

/// The compositor architecture.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum ModeArg {
    /// A visual, native target, queue and two-target context per view and element.
    Legacy,
    /// One target, queue and context per window; pooled textures, buffers, fences.
    Pooled,
}

/// Run the headless demo compositor on the GPU, write its trace and report on it.
///
/// Replays EllipsePathCompositorTest or TextCompositorTest (startup layout passes,
/// an intro animation, a scripted resize, an idle phase, shutdown) on the first
/// adapter wgpu finds (Vulkan, Metal, DX12 or GL; the adapter is printed on
/// stderr), records every resource and packet, and prints the report with the
/// compositor's own ground truth beside it. With no adapter it fails and says
/// how to install one (e.g. `apt-get install mesa-vulkan-drivers`).
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The scene to replay.
    #[arg(long, value_enum, default_value_t = ScenarioArg::EllipsePath)]
    scenario: ScenarioArg,
    /// The compositor architecture to replay it with.
    #[arg(long, value_enum, default_value_t = ModeArg::Legacy)]
    mode: ModeArg,
    /// Where to write the binary trace [default: `<scenario>-<mode>.gltrace` in the
    /// current directory].
    #[arg(long)]
    out: Option<PathBuf>,
    /// Frames of the idle phase after the scripted resize.
    #[arg(long, default_value_t = DemoConfig::default().steady_frames)]
    steady_frames: u32,
    /// Also write the window's final frame to this file, as a PPM image.
    #[arg(long)]
    image: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

type Sink = Tee<BinaryWriter<BufWriter<File>>, Analyzer>;

/// A finished demo run: what the compositor says and what the analysis says.
struct Demo {
    outcome: DemoOutcome,
    report: Report,
    /// Where the trace was written.
    trace: PathBuf,
    /// Events the recorder dropped.
    lost: u64,
}

pub(crate) fn run(args: Args) -> anyhow::Result<ExitCode> {
    let demo = record(&args)?;
    let (outcome, report) = (&demo.outcome, &demo.report);
    eprintln!("gpu-ledger demo: rendered on {}", outcome.adapter);
    eprintln!("gpu-ledger demo: trace written to {}", demo.trace.display());
    if demo.lost > 0 {
        eprintln!(
            "gpu-ledger demo: the recorder dropped {} events (see the report)",
            demo.lost
        );
    }
    if let Some(path) = &args.image {
        let file =
            File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
        let mut image = BufWriter::new(file);
        outcome.image.write_ppm(&mut image)?;
        image.flush()?;
        eprintln!("gpu-ledger demo: final frame written to {}", path.display());
    }
    warn_on_disagreement(report, &outcome.truth);
    match args.format {
        Format::Json => outln!("{}", serde_json::to_string_pretty(&json_document(&demo))?)?,
        Format::Text => {
            out!("{}", report.render_text(&TextOptions::default()))?;
            print_ground_truth(outcome, report)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs the demo, streaming its events into the trace file and the analyzer at once.
fn record(args: &Args) -> anyhow::Result<Demo> {
    let scenario = match args.scenario {
        ScenarioArg::EllipsePath => Scenario::EllipsePath,
        ScenarioArg::Text => Scenario::Text,
    };
    let mode = match args.mode {
        ModeArg::Legacy => Mode::Legacy,
        ModeArg::Pooled => Mode::Pooled,
    };
    let config = DemoConfig {
        steady_frames: args.steady_frames,
        ..DemoConfig::new(scenario, mode)
    };
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from(format!("{scenario}-{mode}.gltrace")));
    // Written under a temporary name and renamed at the end, so a run that cannot
    // start (no adapter) leaves an earlier trace of the same name alone.
    let partial = PathBuf::from(format!("{}.partial", out.display()));
    let file =
        File::create(&partial).with_context(|| format!("cannot create {}", partial.display()))?;
    let sink: Sink = Tee(
        BinaryWriter::new(BufWriter::new(file)),
        Analyzer::new(Definitions::default()),
    );
    let ledger = Arc::new(Ledger::start(
        LedgerConfig {
            source: format!("gpu-ledger demo --scenario {scenario} --mode {mode}"),
            ..LedgerConfig::default()
        },
        sink,
    ));
    let outcome = gpu_ledger_demo::run(&config, ledger.clone());
    let finished = ledger.finish();
    let lost = finished.lost;
    let Tee(writer, analyzer) = finished
        .into_sink::<Sink>()
        .context("the trace writer and analyzer did not come back from the recorder")?;
    let outcome = match outcome {
        Err(err) if err.is_no_adapter() => {
            drop(writer);
            let _ = std::fs::remove_file(&partial);
            return Err(err.into());
        }
        other => other,
    };
    let mut trace = writer
        .finish()
        .with_context(|| format!("cannot write the trace to {}", partial.display()))?;
    trace
        .flush()
        .with_context(|| format!("cannot write the trace to {}", partial.display()))?;
    drop(trace);
    std::fs::rename(&partial, &out)
        .with_context(|| format!("cannot move {} to {}", partial.display(), out.display()))?;
    let outcome = outcome.with_context(|| {
        format!(
            "the demo compositor failed (its trace so far is in {})",
            out.display()
        )
    })?;
    Ok(Demo {
        outcome,
        report: analyzer.report(),
        trace: out,
        lost,
    })
}

/// The `--format json` document: the report and, separately, the ground truth.
fn json_document(demo: &Demo) -> serde_json::Value {
    let config = &demo.outcome.config;
    json!({
        "format": "gpu-ledger-demo",
        "version": 1,
        "scenario": config.scenario.name(),
        "mode": config.mode.name(),
        "adapter": demo.outcome.adapter.to_string(),
        "trace": demo.trace.display().to_string(),
        "report": demo.report.to_json_value(),
        "ground_truth": ground_truth_json(&demo.outcome.truth),
    })
}

/// `{"presented", "presented_startup", "created": {type: n}, "destroyed": {type: n}}`.
fn ground_truth_json(truth: &GroundTruth) -> serde_json::Value {
    json!({
        "presented": truth.presented,
        "presented_startup": truth.presented_startup,
        "created": by_name(&truth.created),
        "destroyed": by_name(&truth.destroyed),
    })
}

fn by_name(counts: &BTreeMap<ResourceType, u64>) -> BTreeMap<&'static str, u64> {
    counts
        .iter()
        .map(|(ty, n)| (ty.well_known_name().unwrap_or("Other"), *n))
        .collect()
}

fn print_ground_truth(outcome: &DemoOutcome, report: &Report) -> std::io::Result<()> {
    let truth = &outcome.truth;
    outln!()?;
    outln!("Ground truth (counted by the compositor, not from the trace)")?;
    outln!(
        "  presented {} (report {}), during startup {} (report {})",
        truth.presented,
        report.totals.presented,
        truth.presented_startup,
        report.startup_frames_presented()
    )?;
    outln!(
        "  packets: queued {}, dropped {}, noop {}, failed {}",
        truth.queued,
        truth.dropped,
        truth.noop,
        truth.failed
    )?;
    outln!("  type           created  destroyed")?;
    for (ty, created) in by_name(&truth.created) {
        let destroyed = by_name(&truth.destroyed).get(ty).copied().unwrap_or(0);
        outln!("  {ty:<13} {created:>8} {destroyed:>10}")?;
    }
    Ok(())
}

/// Says on stderr when the report's presented counts differ from the truth.
fn warn_on_disagreement(report: &Report, truth: &GroundTruth) {
    let report_counts = (report.totals.presented, report.startup_frames_presented());
    let truth_counts = (truth.presented, truth.presented_startup);
    if report_counts != truth_counts {
        eprintln!(
            "gpu-ledger demo: warning: the report counts (presented, startup) = {report_counts:?}, \
             the compositor counted {truth_counts:?}"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gpu_ledger::format::BinaryReader;

    #[test]
    fn the_trace_gives_the_printed_report_and_the_json_carries_the_ground_truth() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let out = dir.path().join("run.trace");
        let args = Args {
            scenario: ScenarioArg::Text,
            mode: ModeArg::Pooled,
            out: Some(out.clone()),
            steady_frames: 2,
            image: None,
            format: Format::Json,
        };
        let demo =
            record(&args).unwrap_or_else(|e| panic!("the demo runs on the real driver: {e:#}"));
        assert!(
            !dir.path().join("run.trace.partial").exists(),
            "the partial trace was renamed"
        );

        let mut offline = Analyzer::new(Definitions::default());
        let file = File::open(&out).expect("the trace was written");
        let summary = BinaryReader::new(std::io::BufReader::new(file))
            .and_then(|mut reader| reader.replay(&mut offline))
            .expect("the trace reads back");
        assert!(summary.is_clean(), "{summary:?}");
        assert_eq!(
            offline.report(),
            demo.report,
            "the trace gives the report printed live"
        );

        let doc = json_document(&demo);
        let truth = &demo.outcome.truth;
        assert_eq!(doc["report"]["format"], "gpu-ledger-report");
        assert_eq!(doc["ground_truth"]["presented"], truth.presented);
        assert_eq!(
            doc["ground_truth"]["presented_startup"],
            truth.presented_startup
        );
        assert_eq!(doc["ground_truth"]["created"]["CommandQueue"], 1);
        assert_eq!(doc["ground_truth"]["destroyed"]["CommandQueue"], 1);
        assert_eq!(doc["report"]["totals"]["presented"], truth.presented);
    }
}

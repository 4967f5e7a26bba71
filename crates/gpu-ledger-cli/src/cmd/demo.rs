//! `gpu-ledger demo`: runs the headless demo compositor on the first GPU adapter
//! wgpu finds, writes its binary trace and prints the churn report next to the
//! compositor's own ground truth.
//!
//! This module is glue: the compositor lives in `gpu-ledger-demo`, the trace
//! writer and the analysis in `gpu-ledger`. The demo records like any
//! instrumented program, through a [`Session`] configured by the `GPU_LEDGER_*`
//! toggles (the live analysis logs findings while it runs, dumps as asked), so
//! the report printed is exactly the one `gpu-ledger report` gives for the written
//! trace. The ground truth is what the compositor counted itself, never derived
//! from the trace.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use gpu_ledger::analysis::{SeriesBuilder, TextOptions};
use gpu_ledger::format::{BlockPolicy, TraceFormat, TraceWriter};
use gpu_ledger::output::OutputFile;
use gpu_ledger::text::Escaped;
use gpu_ledger::toggle::{DEFAULT_PREFIX, Toggles};
use gpu_ledger::{LedgerConfig, Session};
use gpu_ledger_demo::{DemoConfig, DemoOutcome, DemoReport, Mode, Scenario};

use super::args::{Format, MaybeOut, Output};
use super::{input, pictures};

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
///
/// The demo records like any instrumented program: the GPU_LEDGER_* toggles
/// apply (GPU_LEDGER_OUT names the trace when --out is not given, GPU_LEDGER_REPORT
/// prints the startup summary when startup ends, GPU_LEDGER_ASSERT,
/// GPU_LEDGER_DUMP and GPU_LEDGER_DUMP_ON as everywhere), and the live analysis
/// logs guardrail findings while it runs (target gpu_ledger; its own phases are
/// logged at info under gpu_ledger_demo).
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The scene to replay.
    #[arg(long, value_enum, default_value_t = ScenarioArg::EllipsePath)]
    scenario: ScenarioArg,
    /// The compositor architecture to replay it with.
    #[arg(long, value_enum, default_value_t = ModeArg::Legacy)]
    mode: ModeArg,
    /// Where to write the trace [default: `<scenario>-<mode>.gltrace` in the
    /// current directory].
    #[command(flatten)]
    out: MaybeOut,
    /// Frames of the idle phase after the scripted resize.
    #[arg(long, default_value_t = DemoConfig::default().steady_frames)]
    steady_frames: u32,
    /// Also write the window's final frame to this file, as a PPM image.
    #[arg(long)]
    image: Option<PathBuf>,
    /// Also write the run as a Perfetto trace, to open in ui.perfetto.dev [default
    /// FILE: the trace's name with `.pftrace`].
    #[arg(long, value_name = "FILE", num_args = 0..=1)]
    perfetto: Option<Option<PathBuf>>,
    /// Also write the one-file HTML report [default FILE: the trace's name with `.html`].
    #[arg(long, value_name = "FILE", num_args = 0..=1)]
    html: Option<Option<PathBuf>>,
    #[command(flatten)]
    output: Output,
}

/// A finished demo run: the document, what the compositor returned, and what only
/// stderr says.
struct Demo {
    report: DemoReport,
    outcome: DemoOutcome,
    /// Events the recorder dropped.
    lost: u64,
}

pub(crate) fn run(args: Args) -> anyhow::Result<ExitCode> {
    if let Some(code) = rerun_with_runtime_dir()? {
        return Ok(code);
    }
    let demo = record(&args)?;
    let report = &demo.report;
    eprintln!("gpu-ledger demo: rendered on {}", Escaped(&report.adapter));
    eprintln!(
        "gpu-ledger demo: trace written to {}",
        Escaped(&report.trace)
    );
    if demo.lost > 0 {
        eprintln!(
            "gpu-ledger demo: the recorder dropped {} events (see the report)",
            demo.lost
        );
    }
    if let Some(path) = &args.image {
        let mut image = OutputFile::create(path)?;
        demo.outcome
            .image
            .write_ppm(&mut image)
            .with_context(|| format!("cannot write the image to {}", path.display()))?;
        image.commit()?;
        eprintln!(
            "gpu-ledger demo: final frame written to {}",
            Escaped(&path.display().to_string())
        );
    }
    if let Some(disagreement) = report.disagreement() {
        eprintln!("gpu-ledger demo: warning: {}", Escaped(&disagreement));
    }
    match args.output.format {
        Format::Json => outln!("{}", serde_json::to_string_pretty(report)?)?,
        Format::Text => out!("{}", report.render_text())?,
    }
    write_pictures(&args, report)?;
    Ok(ExitCode::SUCCESS)
}

/// `--perfetto` and `--html`: the written trace drawn, named last so they are easy to find.
fn write_pictures(args: &Args, demo: &DemoReport) -> anyhow::Result<()> {
    let trace = PathBuf::from(&demo.trace);
    let named = |path: &Option<PathBuf>, extension: &str| {
        path.clone()
            .unwrap_or_else(|| trace.with_extension(extension))
    };
    std::io::stdout().flush()?;
    if let Some(path) = &args.perfetto {
        let path = named(path, "pftrace");
        pictures::write_perfetto_file(&trace, &path)?;
        eprintln!(
            "gpu-ledger demo: Perfetto trace written to {} (open it in ui.perfetto.dev)",
            Escaped(&path.display().to_string())
        );
    }
    if let Some(path) = &args.html {
        let path = named(path, "html");
        let mut series = SeriesBuilder::default();
        input::first_pass(&input::open(&trace)?, &mut series)?;
        pictures::write_html_file(
            &path,
            &trace,
            &demo.report,
            &series.series(),
            TextOptions::default(),
        )?;
        eprintln!(
            "gpu-ledger demo: HTML report written to {}",
            Escaped(&path.display().to_string())
        );
    }
    Ok(())
}

/// Set in the environment of the run started by [`rerun_with_runtime_dir`].
const RERUN: &str = "GPU_LEDGER_DEMO_RERUN";

/// Without a usable `XDG_RUNTIME_DIR`, Mesa's device-select Vulkan layer makes
/// libwayland complain on stderr each time wgpu lists adapters (DESIGN.md, "Why does
/// `demo` run itself again"). Then this runs the same command again with a private
/// runtime directory, as `scripts/demo` does, and returns its exit code; `None` when
/// the environment is fine (or this is that second run).
fn rerun_with_runtime_dir() -> anyhow::Result<Option<ExitCode>> {
    let usable =
        std::env::var_os("XDG_RUNTIME_DIR").is_some_and(|dir| std::path::Path::new(&dir).is_dir());
    if usable || cfg!(not(target_os = "linux")) || std::env::var_os(RERUN).is_some() {
        return Ok(None);
    }
    let dir = std::env::temp_dir().join(format!("gpu-ledger-runtime-{}", std::process::id()));
    std::fs::create_dir(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700))
            .with_context(|| format!("cannot make {} private", dir.display()))?;
    }
    let status = std::env::current_exe()
        .context("cannot find the gpu-ledger executable to run the demo")
        .and_then(|exe| {
            std::process::Command::new(exe)
                .args(std::env::args_os().skip(1))
                .env("XDG_RUNTIME_DIR", &dir)
                .env(RERUN, "1")
                .status()
                .context("cannot run the demo")
        });
    let _ = std::fs::remove_dir_all(&dir);
    let code = status?.code().map_or(2, |c| u8::try_from(c).unwrap_or(2));
    Ok(Some(ExitCode::from(code)))
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
    let toggles = Toggles::from_env(DEFAULT_PREFIX)?;
    let out = args
        .out
        .out
        .clone()
        .or_else(|| toggles.out.clone())
        .unwrap_or_else(|| PathBuf::from(format!("{scenario}-{mode}.gltrace")));
    // Written beside `out` and moved there at the end (`OutputFile`), so a run that
    // cannot start (no adapter) leaves an earlier trace of the same name alone.
    let writer = TraceWriter::create(
        &out,
        Some(TraceFormat::for_path(&out)),
        BlockPolicy::default(),
    )?;
    let session = Session::start_writer(
        writer,
        toggles.apply(LedgerConfig {
            source: format!("gpu-ledger demo --scenario {scenario} --mode {mode}"),
            // The demo draws with wgpu: frees wait for the GPU.
            ..gpu_ledger_demo::ledger_config()
        }),
        toggles.live_config("gpu-ledger-demo", Some(Box::new(std::io::stderr()))),
    );
    let outcome = gpu_ledger_demo::run(&config, session.ledger().clone());
    let outcome = match outcome {
        Err(err) if err.is_no_adapter() => {
            session.abandon();
            return Err(err.into());
        }
        other => other,
    };
    let report = session
        .finish()
        .with_context(|| format!("cannot write the trace to {}", out.display()))?;
    let lost = report.lost_events;
    let outcome = outcome.with_context(|| {
        format!(
            "the demo compositor failed (its trace so far is in {})",
            out.display()
        )
    })?;
    Ok(Demo {
        report: DemoReport::new(&outcome, report, &out),
        outcome,
        lost,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use gpu_ledger::analysis::Analyzer;
    use gpu_ledger::format::BinaryReader;

    #[test]
    fn the_trace_gives_the_printed_report_and_the_json_carries_the_ground_truth() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let out = dir.path().join("run.trace");
        let args = Args {
            scenario: ScenarioArg::Text,
            mode: ModeArg::Pooled,
            out: MaybeOut {
                out: Some(out.clone()),
            },
            steady_frames: 2,
            image: None,
            perfetto: None,
            html: None,
            output: Output {
                format: Format::Json,
            },
        };
        let demo =
            record(&args).unwrap_or_else(|e| panic!("the demo runs on the real driver: {e:#}"));
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .expect("the temp dir")
            .map(|e| e.expect("an entry").file_name())
            .collect();
        assert_eq!(names, ["run.trace"], "the partial trace was renamed");

        let mut offline = Analyzer::default();
        let file = std::fs::File::open(&out).expect("the trace was written");
        let summary = BinaryReader::new(std::io::BufReader::new(file))
            .and_then(|mut reader| reader.replay(&mut offline))
            .expect("the trace reads back");
        assert!(summary.is_clean(), "{summary:?}");
        assert_eq!(
            offline.report(),
            demo.report.report,
            "the trace gives the report printed live"
        );

        let doc = serde_json::to_value(&demo.report).expect("the document serialises");
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

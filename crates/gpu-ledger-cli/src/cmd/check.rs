//! `gpu-ledger check`: the guardrail verdicts of a trace or renderer log, and the
//! bounds a CI job sets on its numbers, as an exit code a CI job can gate on.
//!
//! It runs the same analysis as `report`; the verdicts, the bounds and the
//! document are the library's [`CheckReport`]. This module only reads the flags,
//! the inputs and picks the exit code.

use std::path::PathBuf;
use std::process::ExitCode;

use gpu_ledger::analysis::{CheckBounds, CheckReport, Severity};
use gpu_ledger::input::{BaseAndNew, WithInput};

use super::args::{FailOn, Format, Input, Output, ReleaseArg};
use super::input;

/// Check a trace or log against the guardrails (recreate churn, command-queue
/// destroys vs presents, the three destroy checks of the release model: destroy
/// before submit, destroy in flight, use after destroy; findings of other
/// checkers) and against the bounds given.
///
/// Exits 0 when no guardrail fails at the `--fail-on` level or worse (default:
/// error, so a failed warning alone is printed as `WARN`) and every bound holds;
/// 1 with the violations listed; 2 on unusable input. The thresholds are the
/// report's definitions; the guardrails, bounds and the JSON document are in
/// docs/report-schema.md.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(flatten)]
    input: Input,
    #[command(flatten)]
    output: Output,
    #[command(flatten)]
    fail_on: FailOn,
    #[command(flatten)]
    release: ReleaseArg,
    /// At most this churn ratio, (creates + destroys) / presents (totals.churn_ratio).
    #[arg(long, value_name = "X", value_parser = parse_limit)]
    max_churn_ratio: Option<f64>,
    /// At most this many creates in the startup window (startup.created).
    #[arg(long, value_name = "N")]
    max_startup_creates: Option<u64>,
    /// Startup stabilised within this many ms (startup.stabilisation_ms); a run
    /// that never stabilised fails.
    #[arg(long, value_name = "MS", value_parser = parse_limit)]
    max_startup_ms: Option<f64>,
    /// At most this many (owner, type) keys in a recreate loop (totals.recreate_loop_keys).
    #[arg(long, value_name = "N")]
    max_recreate_loops: Option<u64>,
    /// At most this many resources alive at the end (totals.live_at_end).
    #[arg(long, value_name = "N")]
    max_live_at_end: Option<u64>,
    /// A baseline trace or log: each of the five numbers above may exceed the
    /// baseline's by at most --max-regression percent.
    #[arg(long, value_name = "FILE", requires = "max_regression")]
    baseline: Option<PathBuf>,
    /// The regression tolerated against --baseline, percent (0: none).
    #[arg(long, value_name = "PCT", requires = "baseline", value_parser = parse_limit)]
    max_regression: Option<f64>,
}

/// A bound that some value can meet: NaN or a negative one would fail every run.
fn parse_limit(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(limit) if limit >= 0.0 => Ok(limit),
        _ => Err(format!("{text:?} is not a number of 0 or more")),
    }
}

pub(crate) fn run(args: Args) -> anyhow::Result<ExitCode> {
    let path = args.input.path();
    let bounds = CheckBounds {
        max_churn_ratio: args.max_churn_ratio,
        max_startup_creates: args.max_startup_creates,
        max_startup_ms: args.max_startup_ms,
        max_recreate_loops: args.max_recreate_loops,
        max_live_at_end: args.max_live_at_end,
    };
    let mut analyzer = args.release.analyzer();
    let opened = input::open(path)?;
    let summary = input::read_from(&opened, &mut analyzer)?;
    let base = match (&args.baseline, args.max_regression) {
        (Some(base_path), Some(pct)) => {
            let mut base = args.release.analyzer();
            // `check - --baseline -`: standard input can be read only once.
            let base_summary = if base_path == path {
                input::read_from(&opened, &mut base)?
            } else {
                input::read(base_path, &mut base)?
            };
            Some((base.report(), base_summary, pct, base_path))
        }
        _ => None,
    };
    let check = CheckReport::with_bounds(
        &analyzer.report(),
        args.fail_on.fail_on.unwrap_or(Severity::Error),
        &bounds,
        base.as_ref().map(|(report, _, pct, _)| (report, *pct)),
    );
    match (args.output.format, &base) {
        (Format::Json, None) => outln!(
            "{}",
            WithInput::new(&check, summary.report(path)).to_json_string()
        )?,
        (Format::Json, Some((_, base_summary, _, base_path))) => {
            let inputs = BaseAndNew {
                base: base_summary.report(base_path),
                new: summary.report(path),
            };
            outln!("{}", WithInput::new(&check, inputs).to_json_string())?
        }
        (Format::Text, _) => out!("{}", check.render_text())?,
    }
    Ok(super::negative_if(!check.passed))
}

//! `gpu-ledger check`: the guardrail verdicts of a trace or renderer log, as an
//! exit code a CI job can gate on.
//!
//! It runs the same analysis as `report`; the verdicts and the document are the
//! library's [`CheckReport`]. This module only picks the level and the exit code.

use std::process::ExitCode;

use gpu_ledger::analysis::{CheckReport, Severity};
use gpu_ledger::input::WithInput;

use super::args::{FailOn, Format, Input, Output, ReleaseArg};
use super::input;

/// Check a trace or log against the guardrails: recreate churn, command-queue
/// destroys vs presents, and the three destroy checks of the release model
/// (destroy before submit, destroy in flight, use after destroy).
///
/// Exits 1 when a guardrail fails at the `--fail-on` level or worse (default:
/// error, so a failed warning alone is printed as `WARN` and exits 0). The
/// thresholds are the report's definitions; the guardrails, severities and
/// thresholds are listed in docs/report-schema.md.
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
}

pub(crate) fn run(args: Args) -> anyhow::Result<ExitCode> {
    let path = args.input.path();
    let mut analyzer = args.release.analyzer();
    let summary = input::read(path, &mut analyzer)?;
    let check = CheckReport::new(
        &analyzer.report(),
        args.fail_on.fail_on.unwrap_or(Severity::Error),
    );
    match args.output.format {
        Format::Json => outln!(
            "{}",
            WithInput::new(&check, summary.report(path)).to_json_string()
        )?,
        Format::Text => out!("{}", check.render_text())?,
    }
    Ok(super::negative_if(!check.passed))
}

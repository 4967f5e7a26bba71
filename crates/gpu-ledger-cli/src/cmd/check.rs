//! `gpu-ledger check`: the guardrail verdicts of a trace or renderer log, as an
//! exit code a CI job can gate on.
//!
//! It runs the same analysis as `report` and prints only the guardrails (plan,
//! slice D); every number and verdict comes from the library's `Report`, this
//! module only picks the level and the exit code. It never changes a verdict.

use std::path::PathBuf;
use std::process::ExitCode;

use gpu_ledger::EventSink;
use gpu_ledger::analysis::{Analyzer, Definitions, Severity};
use serde_json::json;

use super::{Format, input};

/// The value of `format` in `check --format json`.
const CHECK_FORMAT: &str = "gpu-ledger-check";

/// Check a trace or log against the guardrails: recreate churn, command-queue
/// destroys vs presents, and destroys while a packet in flight references the
/// resource.
///
/// Exit codes: 0 when no guardrail fails at the `--fail-on` level or worse; 1 when
/// one does; 2 when the input is unusable. A failed guardrail below the level is
/// still printed (`WARN`). The thresholds are the report's definitions; the
/// guardrails, severities and thresholds are listed in docs/report-schema.md.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The trace or log to check.
    file: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
    /// The severity that fails the check: `warning` (any failed guardrail) or
    /// `error` (only failed assertions).
    #[arg(long, value_parser = parse_severity, default_value = "error")]
    fail_on: Severity,
}

fn parse_severity(name: &str) -> Result<Severity, String> {
    Severity::from_name(name)
        .ok_or_else(|| format!("unknown severity {name:?}: use warning or error"))
}

pub(crate) fn run(args: Args) -> anyhow::Result<ExitCode> {
    let mut analyzer = Analyzer::new(Definitions::default());
    let notes = input::replay(&args.file, &mut analyzer)?;
    analyzer.on_finish();
    notes.warn(&args.file);
    let report = analyzer.report();
    let failed: Vec<&str> = report
        .failed_guardrails(args.fail_on)
        .iter()
        .map(|g| g.id.as_str())
        .collect();
    let passed = failed.is_empty();
    match args.format {
        Format::Json => {
            let doc = json!({
                "format": CHECK_FORMAT,
                "version": 1,
                "passed": passed,
                "fail_on": args.fail_on.name(),
                "failed": failed,
                "guardrails": report.guardrails,
                "definitions": report.definitions,
                "input": notes.to_json(&args.file),
            });
            outln!("{}", serde_json::to_string_pretty(&doc)?)?;
        }
        Format::Text => {
            out!("{}", report.render_guardrails_text())?;
            if passed {
                outln!(
                    "check passed: no guardrail failed at {}",
                    args.fail_on.name()
                )?;
            } else {
                outln!(
                    "check failed at {}: {}",
                    args.fail_on.name(),
                    failed.join(", ")
                )?;
            }
        }
    }
    Ok(if passed {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

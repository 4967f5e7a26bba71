//! `gpu-ledger diff`: two traces or logs compared report to report.

use std::path::PathBuf;
use std::process::ExitCode;

use gpu_ledger::analysis::{Report, ReportDiff};
use gpu_ledger::input::{BaseAndNew, Input, InputSummary, WithInput};
use gpu_ledger::text::Escaped;

use super::args::{FailOn, Format, Output, ReleaseArg};
use super::input;

/// Compare the reports of two inputs (before and after an optimisation, or the
/// legacy against the pooled architecture): startup frames presented,
/// stabilisation time, churn ratios overall and per window, creates and destroys
/// per type per window, top contributors and recreate loops that appeared or
/// disappeared, anomalies and lost events.
///
/// NEW regresses when it is worse than BASE: a higher startup or steady-state
/// churn ratio, more startup frames presented, a longer stabilisation time, or no
/// stabilisation where BASE stabilised (strict comparisons of the reports' rounded
/// values; a null churn ratio is not compared). A file compared with itself never
/// regresses. A regression is an error: with --fail-on (warning or error) it exits 1.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The reference input (a trace or a log, detected by content).
    #[arg(value_name = "BASE")]
    base: PathBuf,
    /// The input to judge against it.
    #[arg(value_name = "NEW")]
    new: PathBuf,
    #[command(flatten)]
    output: Output,
    #[command(flatten)]
    fail_on: FailOn,
    /// The same as --fail-on error.
    #[arg(long, hide = true)]
    fail_on_regression: bool,
    #[command(flatten)]
    release: ReleaseArg,
}

fn report(input: &Input, release: &ReleaseArg) -> anyhow::Result<(Report, InputSummary)> {
    let mut analyzer = release.analyzer();
    let summary = input::read_from(input, &mut analyzer)?;
    Ok((analyzer.report(), summary))
}

pub(crate) fn run(args: Args) -> anyhow::Result<ExitCode> {
    let base_input = input::open(&args.base)?;
    let (base, base_summary) = report(&base_input, &args.release)?;
    // `diff - -` compares standard input with itself: it can be read only once.
    let (new, new_summary) = if args.new == args.base {
        report(&base_input, &args.release)?
    } else {
        report(&input::open(&args.new)?, &args.release)?
    };
    let diff = ReportDiff::new(&base, &new);
    match args.output.format {
        Format::Json => {
            let inputs = BaseAndNew {
                base: base_summary.report(&args.base),
                new: new_summary.report(&args.new),
            };
            outln!("{}", WithInput::new(&diff, inputs).to_json_string())?;
        }
        Format::Text => {
            outln!("BASE {}", Escaped(&args.base.display().to_string()))?;
            outln!("NEW  {}", Escaped(&args.new.display().to_string()))?;
            out!("{}", diff.render_text())?;
        }
    }
    let gate = args.fail_on.fail_on.is_some() || args.fail_on_regression;
    Ok(super::negative_if(gate && diff.regressed))
}

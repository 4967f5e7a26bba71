//! `gpu-ledger diff`: two traces or logs compared report to report.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use gpu_ledger::EventSink;
use gpu_ledger::analysis::{Analyzer, Definitions, Report, ReportDiff};
use serde_json::json;

use super::{Format, input};

/// Compare the reports of two inputs (before and after an optimisation, or the
/// legacy against the pooled architecture): startup frames presented,
/// stabilisation time, churn ratios overall and per window, creates and destroys
/// per type per window, top contributors and recreate loops that appeared or
/// disappeared, anomalies and lost events.
///
/// With --fail-on-regression, exits 1 when NEW is worse than BASE: a higher
/// startup or steady-state churn ratio, more startup frames presented, a longer
/// stabilisation time, or no stabilisation where BASE stabilised (strict
/// comparisons of the reports' rounded values; a null churn ratio is not
/// compared). A file compared with itself never regresses.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The reference trace or log.
    base: PathBuf,
    /// The trace or log to judge against it.
    new: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
    /// Exit 1 when NEW regressed against BASE.
    #[arg(long)]
    fail_on_regression: bool,
}

fn report(path: &Path) -> anyhow::Result<(Report, input::InputNotes)> {
    let mut analyzer = Analyzer::new(Definitions::default());
    let notes = input::replay(path, &mut analyzer)?;
    analyzer.on_finish();
    notes.warn(path);
    Ok((analyzer.report(), notes))
}

pub(crate) fn run(args: Args) -> anyhow::Result<ExitCode> {
    let (base, base_notes) = report(&args.base)?;
    let (new, new_notes) = report(&args.new)?;
    let diff = ReportDiff::new(&base, &new);
    match args.format {
        Format::Json => {
            let mut doc = diff.to_json_value();
            doc["inputs"] = json!({
                "base": base_notes.to_json(&args.base),
                "new": new_notes.to_json(&args.new),
            });
            outln!("{}", serde_json::to_string_pretty(&doc)?)?;
        }
        Format::Text => {
            outln!("BASE {}", args.base.display())?;
            outln!("NEW  {}", args.new.display())?;
            out!("{}", diff.render_text())?;
        }
    }
    if args.fail_on_regression && diff.regressed {
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

//! `gpu-ledger report`: the startup churn report of a trace or a renderer log.

use std::process::ExitCode;

use gpu_ledger::analysis::{Analyzer, TextOptions, Window};
use gpu_ledger::input::WithInput;

use super::args::{Format, Input, Output};
use super::input;

/// Answer the four questions from a trace or log: startup frames presented, why
/// each resource was destroyed, the top churn source, startup waste vs teardown.
///
/// Times are stream time, in ms since the stream started, as in every output.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(flatten)]
    input: Input,
    #[command(flatten)]
    output: Output,
    /// Report one window only.
    #[arg(long, value_parser = parse_window)]
    window: Option<Window>,
    /// Rows per table in the text report.
    #[arg(long, default_value_t = TextOptions::default().max_rows)]
    rows: usize,
}

pub(crate) fn parse_window(name: &str) -> Result<Window, String> {
    Window::from_name(name)
        .ok_or_else(|| format!("unknown window {name:?}: use startup, steady or shutdown"))
}

pub(crate) fn run(args: Args) -> anyhow::Result<ExitCode> {
    let path = args.input.path();
    let mut analyzer = Analyzer::default();
    let summary = input::read(path, &mut analyzer)?;
    let mut report = analyzer.report();
    if let Some(window) = args.window {
        report = report.restrict(window);
    }
    match args.output.format {
        Format::Json => outln!(
            "{}",
            WithInput::new(&report, summary.report(path)).to_json_string()
        )?,
        Format::Text => {
            let opts = TextOptions::default().with_max_rows(args.rows);
            out!("{}", report.render_text(&opts))?;
            out!("{}", summary.render_text(path))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

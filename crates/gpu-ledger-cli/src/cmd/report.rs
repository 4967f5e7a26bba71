//! `gpu-ledger report`: the startup churn report of a trace or a renderer log.

use std::path::PathBuf;
use std::process::ExitCode;

use gpu_ledger::EventSink;
use gpu_ledger::analysis::{Analyzer, Definitions, TextOptions, Window};

use super::{Format, input};

/// Answer the four questions from a trace or log: startup frames presented, why
/// each resource was destroyed, the top churn source, startup waste vs teardown.
///
/// The input is detected by content: a binary trace, a JSON Lines trace, or a raw
/// log with Omega lines (`[OmegaWTKGPU]`, `[OmegaGTEResource]`, `[OmegaWTKSync]`,
/// engine debug lines, NSLog lines). A damaged input is read as far as it goes and
/// the damage is reported.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The trace or log to analyse.
    file: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
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
    let mut analyzer = Analyzer::new(Definitions::default());
    let notes = input::replay(&args.file, &mut analyzer)?;
    analyzer.on_finish();
    notes.warn(&args.file);
    let mut report = analyzer.report();
    if let Some(window) = args.window {
        report = report.restrict(window);
    }
    match args.format {
        Format::Json => {
            let mut doc = report.to_json_value();
            doc["input"] = notes.to_json(&args.file);
            outln!("{}", serde_json::to_string_pretty(&doc)?)?;
        }
        Format::Text => {
            out!(
                "{}",
                report.render_text(&TextOptions::default().with_max_rows(args.rows))
            )?;
            out!("{}", notes.render_text(&args.file))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

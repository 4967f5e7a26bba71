//! `gpu-ledger report`: the startup churn report of a trace or a renderer log.

use std::path::PathBuf;
use std::process::ExitCode;

use gpu_ledger::analysis::{SeriesBuilder, TextOptions, Window};
use gpu_ledger::input::WithInput;
use gpu_ledger::output::check_not_an_input;
use gpu_ledger::text::Escaped;
use gpu_ledger::{EventSink, Tee};

use super::args::{Format, Input, Output, ReleaseArg};
use super::{input, pictures};

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
    /// Also write the report as one self-contained HTML page: the headline, charts
    /// (live resources per type over time, creates and destroys per packet, destroy
    /// bursts, top contributors, destroy causes), then the tables.
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,
    #[command(flatten)]
    release: ReleaseArg,
}

pub(crate) fn parse_window(name: &str) -> Result<Window, String> {
    Window::from_name(name)
        .ok_or_else(|| format!("unknown window {name:?}: use startup, steady or shutdown"))
}

pub(crate) fn run(args: Args) -> anyhow::Result<ExitCode> {
    let path = args.input.path();
    if let Some(html) = &args.html {
        // Refused before anything is read: the page would replace the input.
        check_not_an_input(html, &[path])?;
    }
    // The series is only folded when a page will draw it.
    let (analyzer, series, summary) = if args.html.is_some() {
        let mut sinks = Tee(args.release.analyzer(), SeriesBuilder::default());
        let summary = input::read(path, &mut sinks)?;
        sinks.on_finish();
        (sinks.0, Some(sinks.1.series()), summary)
    } else {
        let mut analyzer = args.release.analyzer();
        let summary = input::read(path, &mut analyzer)?;
        (analyzer, None, summary)
    };
    let mut report = analyzer.report();
    if let Some(window) = args.window {
        report = report.restrict(window);
    }
    let text = TextOptions::default().with_max_rows(args.rows);
    if let (Some(html), Some(series)) = (&args.html, series) {
        pictures::write_html_file(html, path, &report, &series, text.clone())?;
        eprintln!(
            "gpu-ledger report: HTML report written to {}",
            Escaped(&html.display().to_string())
        );
    }
    match args.output.format {
        Format::Json => outln!(
            "{}",
            WithInput::new(&report, summary.report(path)).to_json_string()
        )?,
        Format::Text => {
            out!("{}", report.render_text(&text))?;
            out!("{}", summary.render_text(path))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

//! `gpu-ledger graph`: the live resource graph at one point of a trace or log.

use std::path::PathBuf;
use std::process::ExitCode;

use gpu_ledger::EventSink;
use gpu_ledger::analysis::{Analyzer, Definitions, ResourceGraph, Window};

use super::{Format, input};

/// Dump the resource graph live at one point: owners (kind, key) and their live
/// resources (id, type, size, age, the last packet that touched each), sorted by
/// owner then type and id, with counts per type.
///
/// Without --at, the graph is taken at the end of the startup window (the first
/// present of the first stable present window), or at the end of the stream when
/// startup never stabilised; finding that point reads the input twice.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The trace or log to read.
    file: PathBuf,
    /// Milliseconds after the stream's first event (events at that time are included).
    #[arg(long, value_name = "MS", value_parser = parse_ms)]
    at: Option<u64>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

/// Milliseconds (decimals allowed) as nanoseconds.
pub(crate) fn parse_ms(text: &str) -> Result<u64, String> {
    match text.parse::<f64>() {
        Ok(ms) if ms.is_finite() && ms >= 0.0 => Ok((ms * 1e6).round() as u64),
        _ => Err(format!(
            "{text:?} is not a time in milliseconds: give a number such as 250 or 12.5"
        )),
    }
}

pub(crate) fn run(args: Args) -> anyhow::Result<ExitCode> {
    let (at, basis) = match args.at {
        Some(at) => (Some(at), "given"),
        None => {
            let mut analyzer = Analyzer::new(Definitions::default());
            input::replay(&args.file, &mut analyzer)?;
            analyzer.on_finish();
            let report = analyzer.report();
            let start = report
                .window(Window::Startup)
                .and_then(|w| w.start_ns)
                .or(report.window(Window::Steady).and_then(|w| w.start_ns));
            match (report.startup.end_ns, start) {
                (Some(end), Some(start)) => (Some(end.saturating_sub(start)), "startup-end"),
                (Some(_), None) => (Some(0), "startup-end"),
                (None, _) => (None, "end-of-stream"),
            }
        }
    };
    let mut graph = ResourceGraph::new(at);
    let notes = input::replay(&args.file, &mut graph)?;
    graph.on_finish();
    notes.warn(&args.file);
    let graph = graph.graph();
    match args.format {
        Format::Json => {
            let mut doc = graph.to_json_value();
            doc["at"] = basis.into();
            doc["input"] = notes.to_json(&args.file);
            outln!("{}", serde_json::to_string_pretty(&doc)?)?;
        }
        Format::Text => {
            out!("{}", graph.render_text())?;
            let when = match basis {
                "startup-end" => "the end of the startup window",
                "end-of-stream" => "the end of the stream (startup never stabilised)",
                _ => "the time given",
            };
            outln!("Taken at {when}; --at MS picks another time.")?;
            out!("{}", notes.render_text(&args.file))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

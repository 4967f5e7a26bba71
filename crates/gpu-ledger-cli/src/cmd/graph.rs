//! `gpu-ledger graph`: the live resource graph at one point of a trace or log.

use std::process::ExitCode;

use gpu_ledger::analysis::{Analyzer, ResourceGraph};
use gpu_ledger::input::WithInput;
use gpu_ledger::time::StreamTime;

use super::args::{Format, Input, Output};
use super::input;

/// Dump the resource graph live at one point: owners (kind, key) and their live
/// resources (id, type, size, age, the last packet that touched each), sorted by
/// owner then type and id, with counts per type.
///
/// Without --at, the graph is taken at the end of the startup window (the first
/// present of the first stable present window), or at the end of the stream when
/// startup never stabilised; finding that point reads the input twice.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(flatten)]
    input: Input,
    /// Stream time, in ms since the stream started, as every output prints it
    /// (a report's window boundary pastes in as is; `350123456ns` takes a JSON
    /// `*_ns` value exactly). Events at that time are included.
    #[arg(long, value_name = "MS", value_parser = parse_time)]
    at: Option<StreamTime>,
    #[command(flatten)]
    output: Output,
}

fn parse_time(text: &str) -> Result<StreamTime, String> {
    text.parse()
        .map_err(|e: gpu_ledger::time::ParseTimeError| e.to_string())
}

pub(crate) fn run(args: Args) -> anyhow::Result<ExitCode> {
    let path = args.input.path();
    let source = input::open(path)?;
    let mut graph = match args.at {
        Some(at) => ResourceGraph::new(Some(at.as_ns())),
        None => {
            let mut analyzer = Analyzer::default();
            input::first_pass(&source, &mut analyzer)?;
            ResourceGraph::at_startup_end(&analyzer)
        }
    };
    let summary = input::read_from(&source, &mut graph)?;
    let graph = graph.graph();
    match args.output.format {
        Format::Json => outln!(
            "{}",
            WithInput::new(&graph, summary.report(path)).to_json_string()
        )?,
        Format::Text => {
            out!("{}", graph.render_text())?;
            outln!(
                "Taken at {}; --at MS picks another time.",
                graph.at.describe()
            )?;
            out!("{}", summary.render_text(path))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

//! `gpu-ledger graph`: the live resource graph at one point of a trace or log, or
//! the graph a running process dumped.

use std::process::ExitCode;

use gpu_ledger::PacketRef;
use gpu_ledger::analysis::{Analyzer, ResourceGraph};
use gpu_ledger::input::WithInput;
use gpu_ledger::live::Dump;
use gpu_ledger::time::StreamTime;

use super::args::{Format, Input, Output};
use super::input;

/// Dump the resource graph live at one point: owners (kind, key) and their live
/// resources (id, type, size, age, the last packet that touched each), sorted by
/// owner then type and id, with counts per type.
///
/// Without --at or --at-packet, the graph is taken at the end of the startup
/// window (the first present of the first stable present window), or at the end
/// of the stream when startup never stabilised; finding that point reads the input
/// twice. Given a dump a running process wrote (GPU_LEDGER_DUMP, SIGUSR1,
/// Ledger::dump, gl_dump), it prints the graph the process dumped.
///
/// Exits 1 when the packet given to --at-packet never ends in the input.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(flatten)]
    input: Input,
    /// Stream time, in ms since the stream started, as every output prints it
    /// (a report's window boundary pastes in as is; `350123456ns` takes a JSON
    /// `*_ns` value exactly). Events at that time are included.
    #[arg(long, value_name = "MS", value_parser = parse_time, conflicts_with = "at_packet")]
    at: Option<StreamTime>,
    /// Just after this packet ended (its presented, dropped, no-op or failed
    /// stage, included): LANE:PACKET, or LANE/PACKET as tables print it.
    #[arg(long, value_name = "LANE:PACKET", value_parser = parse_packet)]
    at_packet: Option<PacketRef>,
    #[command(flatten)]
    output: Output,
}

fn parse_time(text: &str) -> Result<StreamTime, String> {
    text.parse()
        .map_err(|e: gpu_ledger::time::ParseTimeError| e.to_string())
}

fn parse_packet(text: &str) -> Result<PacketRef, String> {
    text.parse()
}

pub(crate) fn run(args: Args) -> anyhow::Result<ExitCode> {
    let path = args.input.path();
    let source = input::open(path)?;
    // A running process's dump, told by its first bytes, or a trace or log.
    if let Some(dump) = Dump::from_reader(path, source.reader()?)? {
        anyhow::ensure!(
            args.at.is_none() && args.at_packet.is_none(),
            "{} is a dump: it holds the graph at the one point it was taken (after event {}); \
             give --at or --at-packet a trace",
            path.display(),
            dump.seq
        );
        match args.output.format {
            Format::Json => outln!(
                "{}",
                WithInput::new(&dump.graph, dump.input(path)).to_json_string()
            )?,
            Format::Text => {
                out!("{}", dump.graph.render_text())?;
                out!("{}", dump.input(path).render_text())?;
            }
        }
        return Ok(ExitCode::SUCCESS);
    }
    let mut graph = match (args.at, args.at_packet) {
        (Some(at), _) => ResourceGraph::new(Some(at.as_ns())),
        (None, Some(packet)) => ResourceGraph::after_packet(packet),
        (None, None) => {
            let mut analyzer = Analyzer::default();
            input::first_pass(&source, &mut analyzer)?;
            ResourceGraph::at_startup_end(&analyzer)
        }
    };
    let summary = input::read_from(&source, &mut graph)?;
    if let Some(missing) = graph.missing_packet() {
        eprintln!("gpu-ledger: {missing}: {}", path.display());
        return Ok(super::negative_if(true));
    }
    let graph = graph.graph();
    match args.output.format {
        Format::Json => outln!(
            "{}",
            WithInput::new(&graph, summary.report(path)).to_json_string()
        )?,
        Format::Text => {
            out!("{}", graph.render_text())?;
            let at = match graph.packet {
                Some(p) => format!("the end of packet {}/{}", p.lane, p.packet),
                None => graph.at.describe().to_owned(),
            };
            outln!("Taken at {at}; --at MS or --at-packet LANE:PACKET picks another point.")?;
            out!("{}", summary.render_text(path))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

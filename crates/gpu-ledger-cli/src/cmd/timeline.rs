//! `gpu-ledger timeline`: a compact timeline of one window, one line per packet,
//! or the last packets of a stream; from a trace, a log or a running process's dump.

use std::process::ExitCode;

use gpu_ledger::analysis::{
    Analyzer, DEFAULT_MAX_PACKETS, Timeline, TimelineKeep, Window, WindowSpan,
};
use gpu_ledger::input::WithInput;
use gpu_ledger::live::Dump;

use super::args::{Format, Input, Output};
use super::input;
use super::report::parse_window;

/// Emit a compact timeline of one window (default: startup): one line per packet
/// (lane/packet, queued, submitted, completed and ended times in ms of stream time,
/// outcome) with the resource events made in it summarised
/// (`+2 CommandQueue -2 TextureTarget ~1 rebuild`), resource events outside
/// packets grouped in 1 ms buckets, and markers. With --last N: the last N
/// packets (of the whole stream, or of --window), each with the ids of the
/// resources it touched.
///
/// The window's bounds are known only after the whole input, so it is read twice.
/// Memory is bounded: without --last the first 10000 packets of the window are
/// shown and the rest counted. Given a dump a running process wrote, it prints the
/// dump's startup timeline, or with --last N its last N packets.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(flatten)]
    input: Input,
    /// The window to show [default: startup, or the whole stream with --last].
    #[arg(long, value_parser = parse_window)]
    window: Option<Window>,
    /// Show only the last N packets (with the entries between them), and the ids
    /// of the resources each touched.
    #[arg(long, alias = "packets", value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    last: Option<u64>,
    #[command(flatten)]
    output: Output,
}

pub(crate) fn run(args: Args) -> anyhow::Result<ExitCode> {
    let path = args.input.path();
    let last = args.last.map(|n| usize::try_from(n).unwrap_or(usize::MAX));
    let source = input::open(path)?;
    // A running process's dump, told by its first bytes, or a trace or log.
    if let Some(dump) = Dump::from_reader(path, source.reader()?)? {
        anyhow::ensure!(
            args.window.is_none_or(|w| w == Window::Startup),
            "{} is a dump: it holds the startup timeline and the last packets (after event \
             {}); give --window a trace",
            path.display(),
            dump.seq
        );
        let timeline = match (last, args.window) {
            (Some(n), None) => dump.recent_packets.clone().last(n),
            (Some(n), Some(_)) => dump.startup.clone().last(n),
            (None, _) => dump.startup.clone(),
        };
        match args.output.format {
            Format::Json => outln!(
                "{}",
                WithInput::new(&timeline, dump.input(path)).to_json_string()
            )?,
            Format::Text => {
                out!("{}", timeline.render_text())?;
                out!("{}", dump.input(path).render_text())?;
            }
        }
        return Ok(ExitCode::SUCCESS);
    }
    let mut analyzer = Analyzer::default();
    input::first_pass(&source, &mut analyzer)?;
    let span = match (args.window, last) {
        (Some(window), _) => WindowSpan::of(&analyzer, window),
        (None, Some(_)) => WindowSpan::whole(&analyzer),
        (None, None) => WindowSpan::of(&analyzer, Window::Startup),
    };
    let keep = match last {
        Some(n) => TimelineKeep::Last(n),
        None => TimelineKeep::First(DEFAULT_MAX_PACKETS),
    };
    let mut timeline = Timeline::new(span, keep);
    let summary = input::read_from(&source, &mut timeline)?;
    let timeline = timeline.report();
    match args.output.format {
        Format::Json => outln!(
            "{}",
            WithInput::new(&timeline, summary.report(path)).to_json_string()
        )?,
        Format::Text => {
            out!("{}", timeline.render_text())?;
            out!("{}", summary.render_text(path))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

//! `gpu-ledger timeline`: a compact timeline of one window, one line per packet.

use std::process::ExitCode;

use gpu_ledger::analysis::{
    Analyzer, DEFAULT_MAX_PACKETS, Timeline, TimelineKeep, Window, WindowSpan,
};
use gpu_ledger::input::WithInput;

use super::args::{Format, Input, Output};
use super::input;
use super::report::parse_window;

/// Emit a compact timeline of one window (default: startup): one line per packet
/// (lane/packet, queued, submitted, completed and ended times in ms of stream time,
/// outcome) with the resource events made in it summarised
/// (`+2 CommandQueue -2 TextureTarget ~1 rebuild`), resource events outside
/// packets grouped in 1 ms buckets, and markers.
///
/// The window's bounds are known only after the whole input, so it is read twice.
/// Memory is bounded: without --packets the first 10000 packets of the window are
/// shown and the rest counted; --packets N shows the last N.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(flatten)]
    input: Input,
    /// The window to show.
    #[arg(long, value_parser = parse_window, default_value = "startup")]
    window: Window,
    /// Show only the last N packets of the window (with the entries between them).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    packets: Option<u64>,
    #[command(flatten)]
    output: Output,
}

pub(crate) fn run(args: Args) -> anyhow::Result<ExitCode> {
    let path = args.input.path();
    let source = input::open(path)?;
    let mut analyzer = Analyzer::default();
    input::first_pass(&source, &mut analyzer)?;
    let span = WindowSpan::of(&analyzer, args.window);
    let keep = match args.packets {
        Some(n) => TimelineKeep::Last(usize::try_from(n).unwrap_or(usize::MAX)),
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

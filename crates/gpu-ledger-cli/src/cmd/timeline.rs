//! `gpu-ledger timeline`: a compact timeline of one window, one line per packet.

use std::path::PathBuf;
use std::process::ExitCode;

use gpu_ledger::EventSink;
use gpu_ledger::analysis::{
    Analyzer, DEFAULT_MAX_PACKETS, Definitions, Timeline, TimelineKeep, Window, WindowSpan,
};

use super::report::parse_window;
use super::{Format, input};

/// Emit a compact timeline of one window (default: startup): one line per packet
/// (lane/packet, queued, submitted, completed and ended times in ms from the first
/// event, outcome) with the resource events made in it summarised
/// (`+2 CommandQueue -2 TextureTarget ~1 rebuild`), resource events outside
/// packets grouped in 1 ms buckets, and markers.
///
/// The window's bounds are known only after the whole input, so it is read twice.
/// Memory is bounded: without --packets the first 10000 packets of the window are
/// shown and the rest counted; --packets N shows the last N.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The trace or log to read.
    file: PathBuf,
    /// The window to show.
    #[arg(long, value_parser = parse_window, default_value = "startup")]
    window: Window,
    /// Show only the last N packets of the window (with the entries between them).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    packets: Option<u64>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

pub(crate) fn run(args: Args) -> anyhow::Result<ExitCode> {
    let mut analyzer = Analyzer::new(Definitions::default());
    input::replay(&args.file, &mut analyzer)?;
    analyzer.on_finish();
    let span = WindowSpan::of(&analyzer, args.window);
    let keep = match args.packets {
        Some(n) => TimelineKeep::Last(usize::try_from(n).unwrap_or(usize::MAX)),
        None => TimelineKeep::First(DEFAULT_MAX_PACKETS),
    };
    let mut timeline = Timeline::new(span, keep);
    let notes = input::replay(&args.file, &mut timeline)?;
    timeline.on_finish();
    notes.warn(&args.file);
    let timeline = timeline.report();
    match args.format {
        Format::Json => {
            let mut doc = timeline.to_json_value();
            doc["input"] = notes.to_json(&args.file);
            outln!("{}", serde_json::to_string_pretty(&doc)?)?;
        }
        Format::Text => {
            out!("{}", timeline.render_text())?;
            out!("{}", notes.render_text(&args.file))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

//! `gpu-ledger explain`: the whole story of one resource.

use std::path::PathBuf;
use std::process::ExitCode;

use gpu_ledger::analysis::{Definitions, ResourceStory};
use gpu_ledger::{EventSink, ResourceId};

use super::{Format, input};

/// Tell the full story of one resource: its create (owner, size, packet), resize
/// rebuilds, binds, the packets that touched it, and its destroy with the cause
/// and the events that justify it.
///
/// Exits 1 when the resource never appears in the input.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The trace or log to read.
    file: PathBuf,
    /// The resource id (as reports print it).
    #[arg(long)]
    resource: u64,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

pub(crate) fn run(args: Args) -> anyhow::Result<ExitCode> {
    let mut story = ResourceStory::new(ResourceId(args.resource), Definitions::default());
    let notes = input::replay(&args.file, &mut story)?;
    story.on_finish();
    notes.warn(&args.file);
    let story = story.story();
    match args.format {
        Format::Json => {
            let mut doc: serde_json::Value = serde_json::from_str(&story.to_json_string())?;
            doc["input"] = notes.to_json(&args.file);
            outln!("{}", serde_json::to_string_pretty(&doc)?)?;
        }
        Format::Text => out!("{}", story.render_text())?,
    }
    if !story.found {
        eprintln!(
            "gpu-ledger: resource {} does not appear in {}",
            args.resource,
            args.file.display()
        );
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

//! `gpu-ledger explain`: the whole story of one resource.

use std::process::ExitCode;

use gpu_ledger::ResourceId;
use gpu_ledger::analysis::{Definitions, ResourceStory};
use gpu_ledger::input::WithInput;
use gpu_ledger::text::Escaped;

use super::args::{Format, Input, Output, ReleaseArg};
use super::input;

/// Tell the full story of one resource: its create (owner, size, packet), resize
/// rebuilds, binds, the packets that touched it, and its destroy with the cause
/// and the events that justify it.
///
/// Exits 1 when the resource never appears in the input.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(flatten)]
    input: Input,
    /// The resource id (as reports print it).
    #[arg(long)]
    resource: u64,
    #[command(flatten)]
    output: Output,
    #[command(flatten)]
    release: ReleaseArg,
}

pub(crate) fn run(args: Args) -> anyhow::Result<ExitCode> {
    let path = args.input.path();
    let mut story = ResourceStory::new(ResourceId(args.resource), Definitions::default());
    if let Some(models) = args.release.models() {
        story = story.with_release_models(models);
    }
    let summary = input::read(path, &mut story)?;
    let story = story.story();
    match args.output.format {
        Format::Json => outln!(
            "{}",
            WithInput::new(&story, summary.report(path)).to_json_string()
        )?,
        Format::Text => out!("{}", story.render_text())?,
    }
    if !story.found {
        eprintln!(
            "gpu-ledger: resource {} does not appear in {}",
            args.resource,
            Escaped(&path.display().to_string())
        );
    }
    Ok(super::negative_if(!story.found))
}

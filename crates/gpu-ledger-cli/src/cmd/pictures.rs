//! Writing the pictures of a run with `gpu-ledger-viz`: a Perfetto or Chrome trace
//! (`export --to perfetto|chrome`, `demo --perfetto`) and the one-file HTML report
//! (`report --html`, `demo --html`). Glue only: the writers and their documents are
//! the library's.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use anyhow::Context;
use gpu_ledger::analysis::{Report, Series, TextOptions};
use gpu_ledger::input::InputSummary;
use gpu_ledger_viz::{ChromeWriter, HtmlReport, PerfettoWriter, TimelineExport};

use super::input;

/// A timeline format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Timeline {
    Perfetto,
    Chrome,
}

/// Writes the input at `path` as a timeline into `out` (buffered: one write per
/// record), named `out_path` in the document it returns.
pub(crate) fn write_timeline<W: Write + Send>(
    path: &Path,
    format: Timeline,
    out: W,
    out_path: &Path,
) -> anyhow::Result<(InputSummary, TimelineExport)> {
    match format {
        Timeline::Perfetto => {
            let mut writer = PerfettoWriter::new(out);
            let summary = input::read(path, &mut writer)?;
            let export =
                TimelineExport::new(out_path, "perfetto", writer.origin_ns(), writer.stats());
            writer.finish()?.flush()?;
            Ok((summary, export))
        }
        Timeline::Chrome => {
            let mut writer = ChromeWriter::new(out);
            let summary = input::read(path, &mut writer)?;
            let export =
                TimelineExport::new(out_path, "chrome", writer.origin_ns(), writer.stats());
            writer.finish()?.flush()?;
            Ok((summary, export))
        }
    }
}

/// Writes the Perfetto trace of the input at `input` to the file `out`.
#[cfg(feature = "demo")]
pub(crate) fn write_perfetto_file(input: &Path, out: &Path) -> anyhow::Result<TimelineExport> {
    let file = File::create(out).with_context(|| format!("cannot create {}", out.display()))?;
    let buffered = BufWriter::with_capacity(1 << 20, file);
    let (_, export) = write_timeline(input, Timeline::Perfetto, buffered, out)
        .with_context(|| format!("cannot write {}", out.display()))?;
    Ok(export)
}

/// Writes the HTML report of `report` and `series` to the file `out`.
pub(crate) fn write_html_file(
    out: &Path,
    report: &Report,
    series: &Series,
    text: TextOptions,
) -> anyhow::Result<()> {
    let file = File::create(out).with_context(|| format!("cannot create {}", out.display()))?;
    HtmlReport::new(report, series)
        .with_text_options(text)
        .write_to(BufWriter::new(file))
        .with_context(|| format!("cannot write {}", out.display()))
}

//! Writing the pictures of a run with `gpu-ledger-viz`: a Perfetto or Chrome trace
//! (`export --to perfetto|chrome`, `demo --perfetto`) and the one-file HTML report
//! (`report --html`, `demo --html`). Glue only: the writers and their documents are
//! the library's.

use std::io::Write;
use std::path::Path;

use anyhow::Context;
use gpu_ledger::analysis::{Report, Series, TextOptions};
use gpu_ledger::input::InputSummary;
use gpu_ledger::output::{OutputFile, check_not_an_input};
use gpu_ledger_viz::{ChromeWriter, HtmlReport, PerfettoWriter, TimelineExport};

use super::input;

/// A timeline format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Timeline {
    Perfetto,
    Chrome,
}

/// Writes the input at `path` as a timeline into `out` (buffered: one write per
/// record), named `out_path` in the document it returns; returns `out`, flushed.
pub(crate) fn write_timeline<W: Write + Send>(
    path: &Path,
    format: Timeline,
    out: W,
    out_path: &Path,
) -> anyhow::Result<(InputSummary, TimelineExport, W)> {
    let named = || format!("cannot write {}", out_path.display());
    match format {
        Timeline::Perfetto => {
            let mut writer = PerfettoWriter::new(out);
            let summary = input::read(path, &mut writer)?;
            let export =
                TimelineExport::new(out_path, "perfetto", writer.origin_ns(), writer.stats());
            let out = writer.finish().with_context(named)?;
            Ok((summary, export, out))
        }
        Timeline::Chrome => {
            let mut writer = ChromeWriter::new(out);
            let summary = input::read(path, &mut writer)?;
            let export =
                TimelineExport::new(out_path, "chrome", writer.origin_ns(), writer.stats());
            let out = writer.finish().with_context(named)?;
            Ok((summary, export, out))
        }
    }
}

/// Writes the Perfetto trace of the input at `input` to the file `out`, whole or
/// not at all, never over `input`.
#[cfg(feature = "demo")]
pub(crate) fn write_perfetto_file(input: &Path, out: &Path) -> anyhow::Result<TimelineExport> {
    check_not_an_input(out, &[input])?;
    let file = OutputFile::create(out)?;
    let (_, export, file) = write_timeline(input, Timeline::Perfetto, file, out)?;
    file.commit()?;
    Ok(export)
}

/// Writes the HTML report of `report` and `series` to the file `out`, whole or
/// not at all, never over `input` (the input the report was made from).
pub(crate) fn write_html_file(
    out: &Path,
    input: &Path,
    report: &Report,
    series: &Series,
    text: TextOptions,
) -> anyhow::Result<()> {
    check_not_an_input(out, &[input])?;
    let mut file = OutputFile::create(out)?;
    HtmlReport::new(report, series)
        .with_text_options(text)
        .write_to(&mut file)
        .with_context(|| format!("cannot write {}", out.display()))?;
    file.commit()?;
    Ok(())
}

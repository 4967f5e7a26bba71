//! Any input, replayed: a binary trace, a JSON Lines trace or a renderer log,
//! detected by content and streamed into any [`EventSink`].
//!
//! This is the one way a tool, a Rust host or a test reads a file it was handed:
//! [`replay`] opens it, tells its kind from its first bytes
//! ([`sniff`], never from its name), replays it with the
//! matching reader or importer, and returns an [`InputSummary`] that says which kind
//! it read, how many events it gave, and what it lost (a trace cut short by a crash,
//! corrupt blocks, malformed lines, what a log cannot tell). Recoverable damage is
//! never an error; only an input that gives nothing usable is. A log is read twice
//! (once to learn which line families it holds, once to import), so it takes a path,
//! not a stream. This module never prints: its [`InputSummary::warnings`] are for
//! the caller to show.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use crate::error::{Error, ErrorKind};
use crate::event::EventSink;
use crate::format::{InputKind, ReadSummary, TraceReader, sniff};
use crate::import::{ImportSummary, OmegaImport, Sources};

/// Buffer size for reading inputs: large enough that a fast sink is not starved.
const READ_BUFFER: usize = 1 << 20;

/// What replaying an input read, and what it lost.
///
/// # Example
/// ```
/// use gpu_ledger::format::InputKind;
/// use gpu_ledger::Collected;
///
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("app.log");
/// std::fs::write(&path, "[OmegaWTKGPU] ts=1781982131501 event=Create type=TextureTarget id=1 ownerKind=BackendRenderTargetContext ownerKey=1 width=500 height=500 scale=2\n")?;
/// let mut events = Collected::default();
/// let summary = gpu_ledger::input::replay(&path, &mut events)?;
/// assert_eq!(summary.kind(), InputKind::Log);
/// assert_eq!(summary.kind_name(), "omega-log");
/// assert_eq!(summary.events(), 1);
/// assert!(summary.is_clean()); // nothing lost, though a log cannot tell everything:
/// assert!(summary.warnings()[0].starts_with("no packet information in this log"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum InputSummary {
    /// A binary trace, and what its reader read and lost.
    BinaryTrace(ReadSummary),
    /// A JSON Lines trace, and what its reader read and lost.
    JsonLines(ReadSummary),
    /// A renderer log with Omega lines, and what the import saw.
    Log(ImportSummary),
}

impl InputSummary {
    /// The kind of input read, as detection found it.
    pub fn kind(&self) -> InputKind {
        match self {
            InputSummary::BinaryTrace(_) => InputKind::BinaryTrace,
            InputSummary::JsonLines(_) => InputKind::JsonLines,
            InputSummary::Log(_) => InputKind::Log,
        }
    }

    /// The kind's name in every document: `binary-trace`, `jsonl-trace` or `omega-log`.
    pub fn kind_name(&self) -> &'static str {
        match self {
            InputSummary::BinaryTrace(_) => "binary-trace",
            InputSummary::JsonLines(_) => "jsonl-trace",
            InputSummary::Log(_) => "omega-log",
        }
    }

    /// Events delivered to the sink.
    pub fn events(&self) -> u64 {
        match self {
            InputSummary::BinaryTrace(s) | InputSummary::JsonLines(s) => s.events,
            InputSummary::Log(s) => s.events,
        }
    }

    /// Whether nothing was lost or corrected: no cut-off tail, corrupt block,
    /// malformed or over-long line, or time that had to be corrected.
    /// (What a log cannot tell is in [`Self::warnings`], but is no loss.)
    pub fn is_clean(&self) -> bool {
        match self {
            InputSummary::BinaryTrace(s) | InputSummary::JsonLines(s) => s.is_clean(),
            InputSummary::Log(s) => {
                s.malformed == 0 && s.overlong_lines == 0 && s.time.anomalies() == 0
            }
        }
    }

    /// Recoverable problems and limits of the input, one lowercase sentence each:
    /// the damage a trace reader skipped or corrected, and for a log
    /// [`ImportSummary::warnings`] (lines skipped, time corrected, owners inferred,
    /// what it cannot tell).
    pub fn warnings(&self) -> Vec<String> {
        match self {
            InputSummary::BinaryTrace(s) | InputSummary::JsonLines(s) if s.is_clean() => Vec::new(),
            InputSummary::BinaryTrace(s) | InputSummary::JsonLines(s) => {
                vec![format!("the input is damaged: {s}")]
            }
            InputSummary::Log(s) => s.warnings(),
        }
    }

    /// The "Input" section text outputs end with: the path, its kind, what was read
    /// and every warning.
    pub fn render_text(&self, path: &Path) -> String {
        let mut text = format!("\nInput\n  {} ({})\n", path.display(), self.kind_name());
        match self {
            InputSummary::BinaryTrace(s) | InputSummary::JsonLines(s) => {
                text.push_str(&format!("  {s}\n"));
            }
            InputSummary::Log(s) => text.push_str(&format!("  {s}\n")),
        }
        for warning in self.warnings() {
            text.push_str(&format!("  warning: {warning}\n"));
        }
        text
    }

    /// The `input` object of every JSON document: what was read from `path`.
    #[cfg(feature = "json")]
    pub fn report(&self, path: &Path) -> InputReport {
        let detail = match self {
            InputSummary::BinaryTrace(s) | InputSummary::JsonLines(s) => InputDetail::Trace {
                bytes: s.bytes,
                truncated_bytes: s.truncated.as_ref().map_or(0, |t| t.lost_bytes),
                corrupt_regions: s.corrupt_regions,
                corrupt_bytes: s.corrupt_bytes,
                blocks_missing: s.blocks_missing,
                blocks_repeated: s.blocks_repeated,
                blocks_out_of_order: s.blocks_out_of_order,
                events_lost: s.events_lost,
                concatenated_at: s.concatenated.as_ref().map(|c| c.offset),
                malformed_lines: s.malformed_lines,
                time_anomalies: s.time.anomalies(),
                time_anomaly_examples: strings(&s.time.examples),
            },
            InputSummary::Log(s) => InputDetail::Log {
                lines: s.lines,
                other_lines: s.other_lines,
                informational_lines: s.informational,
                malformed_lines: s.malformed,
                overlong_lines: s.overlong_lines,
                duplicates_skipped: s.duplicates_skipped,
                implicit_creates: s.implicit_creates,
                findings: s.findings,
                unknown_owners: s.unknown_owners,
                inferred_owners: s.inferred_owners,
                inferred_owner_examples: strings(&s.inferred_examples),
                time_anomalies: s.time.anomalies(),
                time_anomaly_examples: strings(&s.time.examples),
            },
        };
        InputReport {
            path: path.display().to_string(),
            kind: self.kind_name().to_owned(),
            events: self.events(),
            warnings: self.warnings(),
            detail,
        }
    }
}

/// Each item as its one-sentence `Display`.
#[cfg(feature = "json")]
fn strings<T: std::fmt::Display>(items: &[T]) -> Vec<String> {
    items.iter().map(ToString::to_string).collect()
}

/// The `input` object of the CLI's JSON documents (`docs/report-schema.md`,
/// "Input"): where the events came from and what was lost on the way.
#[cfg(feature = "json")]
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct InputReport {
    /// The path, as given.
    pub path: String,
    /// `binary-trace`, `jsonl-trace` or `omega-log`.
    pub kind: String,
    /// Events read.
    pub events: u64,
    /// [`InputSummary::warnings`].
    pub warnings: Vec<String>,
    /// What the reader or importer counted, by kind.
    #[serde(flatten)]
    pub detail: InputDetail,
}

/// What a trace reader or a log import counted, flattened into [`InputReport`].
#[cfg(feature = "json")]
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum InputDetail {
    /// A binary or JSON Lines trace.
    Trace {
        /// Bytes read, header included.
        bytes: u64,
        /// Bytes of a cut-off tail that could not be read (0 when whole).
        truncated_bytes: u64,
        /// Corrupt regions skipped (binary traces).
        corrupt_regions: u64,
        /// Bytes those regions span.
        corrupt_bytes: u64,
        /// Blocks a gap in the sequence numbers shows missing, with no
        /// damaged bytes where they were (binary traces).
        blocks_missing: u64,
        /// Blocks that repeated one already read, skipped (binary traces).
        blocks_repeated: u64,
        /// Blocks that came after a later block, skipped (binary traces).
        blocks_out_of_order: u64,
        /// Events the missing and corrupt blocks held (binary traces of
        /// format version 2; 0 where unknown).
        events_lost: u64,
        /// Byte offset where a second trace begins (two traces concatenated;
        /// reading stopped there), or null.
        concatenated_at: Option<u64>,
        /// Malformed lines skipped (JSON Lines traces).
        malformed_lines: u64,
        /// Time stamps corrected (JSON Lines traces; see [`TimeReport`](crate::format::TimeReport)).
        time_anomalies: u64,
        /// The first of them, one sentence each with its line.
        time_anomaly_examples: Vec<String>,
    },
    /// A renderer log.
    Log {
        /// Lines read.
        lines: u64,
        /// Lines that are no Omega line (ignored).
        other_lines: u64,
        /// Lines recognised but carrying nothing gpu-ledger models.
        informational_lines: u64,
        /// Omega lines that could not be read (skipped).
        malformed_lines: u64,
        /// Lines longer than the importer reads (skipped unread).
        overlong_lines: u64,
        /// Lines stating a fact already taken from a better line family.
        duplicates_skipped: u64,
        /// Events of an id never created, for which a create was implied.
        implicit_creates: u64,
        /// Findings of other checkers read (validation messages, failed command buffers).
        findings: u64,
        /// Engine resources recorded with owner kind `Unknown`.
        unknown_owners: u64,
        /// Engine resources whose owner was inferred from the toolkit line before them.
        inferred_owners: u64,
        /// The first of them, each with its evidence line.
        inferred_owner_examples: Vec<String>,
        /// Time stamps corrected.
        time_anomalies: u64,
        /// The first of them, one sentence each with its line.
        time_anomaly_examples: Vec<String>,
    },
}

/// A document and the input it was made from: the document's fields, then `input`
/// (one [`InputReport`], or for two inputs a [`BaseAndNew`]). Every JSON document
/// the CLI prints about an input is one of these, so `input` means the same
/// everywhere.
///
/// # Example
/// ```
/// use gpu_ledger::analysis::Analyzer;
/// use gpu_ledger::input::WithInput;
/// use gpu_ledger::Collected;
///
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("run.jsonl");
/// std::fs::write(&path, "{\"type\":\"header\",\"format\":\"gpu-ledger-trace\",\"version\":1,\"start_unix_ns\":0,\"source\":\"\"}\n")?;
/// let mut analyzer = Analyzer::default();
/// let summary = gpu_ledger::input::replay(&path, &mut analyzer)?;
/// let report = analyzer.report();
/// let json = WithInput::new(&report, summary.report(&path)).to_json_string();
/// let doc: serde_json::Value = serde_json::from_str(&json)?;
/// assert_eq!(doc["format"], "gpu-ledger-report");
/// assert_eq!(doc["input"]["kind"], "jsonl-trace");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[cfg(feature = "json")]
#[derive(Clone, Debug, serde::Serialize)]
pub struct WithInput<'a, T: serde::Serialize, I: serde::Serialize = InputReport> {
    /// The document.
    #[serde(flatten)]
    pub document: &'a T,
    /// What it was made from.
    pub input: I,
}

#[cfg(feature = "json")]
impl<'a, T: serde::Serialize, I: serde::Serialize> WithInput<'a, T, I> {
    /// `document`, made from `input`.
    pub fn new(document: &'a T, input: I) -> Self {
        Self { document, input }
    }

    /// Pretty-printed JSON (two-space indent): the document's fields in its schema
    /// order, then `input`.
    pub fn to_json_string(&self) -> String {
        serde_json::to_string_pretty(self)
            .unwrap_or_else(|e| format!("{{\"error\":\"cannot serialise the document: {e}\"}}"))
    }
}

/// The two inputs of a comparison (`gpu-ledger diff`), as its `input` object.
#[cfg(feature = "json")]
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct BaseAndNew {
    /// The reference input.
    pub base: InputReport,
    /// The input judged against it.
    pub new: InputReport,
}

/// Opens the input at `path`, detects its kind by content and streams it into
/// `sink` (start, names, events, flushes, finish).
///
/// # Errors
/// [`ErrorKind::Io`] when the file cannot be opened or read; every error of
/// [`TraceReader::new`] for a trace whose header is unusable (a newer version asks
/// for an upgrade); [`ErrorKind::Unsupported`] for a file that is neither a trace nor
/// a log with a single Omega line in it. Every error names the path.
pub fn replay(path: impl AsRef<Path>, sink: &mut dyn EventSink) -> Result<InputSummary, Error> {
    let path = path.as_ref();
    let file =
        File::open(path).map_err(|e| Error::io("cannot open the input", e).with_path(path))?;
    replay_read(path, file, sink)
}

/// [`replay`], reading the events from `input`: the file at `path`, opened by the
/// caller (and wrapped, for example, in a progress bar). A log is scanned once more
/// from `path` before it is imported.
///
/// # Errors
/// As [`replay`], except opening `path` for the first pass.
pub fn replay_read(
    path: &Path,
    input: impl Read,
    sink: &mut dyn EventSink,
) -> Result<InputSummary, Error> {
    let named = |e: Error| e.with_path(path);
    // Sniffing reads until the kind is certain: one read may hold only part of
    // a JSON Lines header (a pipe), and the header's keys may come late.
    let (kind, input) = sniff(input).map_err(named)?;
    let reader = BufReader::with_capacity(READ_BUFFER, input);
    if kind != InputKind::Log {
        let mut trace = TraceReader::new(reader).map_err(named)?;
        let summary = trace.replay(sink).map_err(named)?;
        return Ok(match trace.kind() {
            InputKind::JsonLines => InputSummary::JsonLines(summary),
            _ => InputSummary::BinaryTrace(summary),
        });
    }
    let scan = File::open(path).map_err(|e| named(Error::io("cannot open the input", e)))?;
    let sources = Sources::scan(BufReader::with_capacity(READ_BUFFER, scan))
        .map_err(|e| named(Error::io("cannot read the input", e)))?;
    let summary = OmegaImport::new(sources)
        .import(reader, sink)
        .map_err(|e| named(Error::io("cannot read the input", e)))?;
    if summary.events == 0 {
        return Err(named(Error::new(
            ErrorKind::Unsupported,
            format!(
                "no gpu-ledger trace and no Omega log lines in it ({} lines read): give a trace \
                 written by gpu-ledger or a log with [OmegaWTKGPU], [OmegaGTEResource] or \
                 [OmegaWTKSync] lines",
                summary.lines
            ),
        )));
    }
    Ok(InputSummary::Log(summary))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::Collected;
    use crate::format::BinaryWriter;

    #[test]
    fn a_file_with_nothing_usable_is_an_error_naming_it() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let path = dir.path().join("noise.bin");
        std::fs::write(&path, [0u8, 159, 146, 150, 7, 7, 7]).expect("written");
        let err = replay(&path, &mut Collected::default()).expect_err("nothing usable");
        assert_eq!(err.kind(), ErrorKind::Unsupported);
        assert_eq!(
            err.to_string(),
            format!(
                "{}: no gpu-ledger trace and no Omega log lines in it (1 lines read): give a \
                 trace written by gpu-ledger or a log with [OmegaWTKGPU], [OmegaGTEResource] or \
                 [OmegaWTKSync] lines",
                path.display()
            )
        );
    }

    #[test]
    fn a_cut_binary_trace_reads_as_far_as_it_goes_and_says_what_it_lost() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let path = dir.path().join("cut.gltrace");
        let mut writer = BinaryWriter::new(Vec::new());
        let event = crate::event::Event {
            time_ns: 1,
            thread: 0,
            kind: crate::event::EventKind::Lost { count: 2 },
        };
        writer.on_event(&event);
        let mut bytes = writer.finish().expect("in memory");
        bytes.truncate(bytes.len() - 1);
        std::fs::write(&path, &bytes).expect("written");
        let summary = replay(&path, &mut Collected::default()).expect("recoverable");
        assert_eq!(summary.kind(), InputKind::BinaryTrace);
        assert!(!summary.is_clean());
        assert_eq!(summary.events(), 0);
        assert!(
            summary.warnings()[0].starts_with("the input is damaged: 0 events"),
            "{:?}",
            summary.warnings()
        );
    }
}

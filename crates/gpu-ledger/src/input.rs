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
//! (once to learn which line families it holds, once to import), and some commands
//! read an input twice, so an [`Input`] can be replayed again: standard input and
//! pipes are copied once into a temporary file, never read twice or in part. The
//! input is read and decoded on the calling thread while the sink folds on a
//! second one ([`pipelined`]), and the sink gets exactly the calls a direct replay
//! would make. This module never prints: its [`InputSummary::warnings`] are for
//! the caller to show.

use std::fs::File;
use std::io::{BufReader, Cursor, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use crate::error::{Error, ErrorKind};
use crate::event::EventSink;
use crate::format::{
    BINARY_VERSION, BinaryReader, InputKind, MAGIC, ReadSummary, TraceReader, sniff,
};
use crate::import::{ImportSummary, OmegaImport, Sources};
use crate::text::Escaped;

mod pipeline;

pub use pipeline::pipelined;

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
            InputSummary::Log(s) => {
                let mut warnings = Vec::new();
                if s.events == 0 {
                    warnings.push(format!(
                        "no resource or packet events in this log: its {} Omega lines are \
                         informational (pool snapshots, submit lines...) or malformed, so every \
                         figure is empty",
                        s.recognised.iter().sum::<u64>()
                    ));
                }
                warnings.extend(s.warnings());
                warnings
            }
        }
    }

    /// The "Input" section text outputs end with: the path, its kind, what was read
    /// and every warning.
    pub fn render_text(&self, path: &Path) -> String {
        let mut text = format!(
            "\nInput\n  {} ({})\n",
            Escaped(&path.display().to_string()),
            self.kind_name()
        );
        // What was read can quote the input (a concatenated trace's source).
        let read = match self {
            InputSummary::BinaryTrace(s) | InputSummary::JsonLines(s) => s.to_string(),
            InputSummary::Log(s) => s.to_string(),
        };
        text.push_str(&format!("  {}\n", Escaped(&read)));
        for warning in self.warnings() {
            text.push_str(&format!("  warning: {}\n", Escaped(&warning)));
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
        /// format version 2 on; 0 where unknown).
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

/// An input opened for reading, as many times as a command needs: the file at
/// a path, or standard input (`-`) or a pipe, FIFO or device, which are read once
/// into a temporary file (they cannot be read twice, and a log takes two passes).
/// Every byte of the input is read exactly once from where it came.
///
/// # Example
/// ```
/// use gpu_ledger::input::Input;
/// use gpu_ledger::Collected;
///
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("app.log");
/// std::fs::write(&path, "[OmegaWTKGPU] ts=1781982131501 event=Create type=TextureTarget id=1 ownerKind=BackendRenderTargetContext ownerKey=1 width=500 height=500 scale=2\n")?;
/// let input = Input::open(&path)?;
/// assert!(!input.is_spooled());
/// for _ in 0..2 {
///     let summary = input.replay(&mut Collected::default())?;
///     assert_eq!(summary.events(), 1, "every pass reads it whole");
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct Input {
    path: PathBuf,
    file: File,
    spooled: bool,
}

impl Input {
    /// Opens the input at `path`: `-` is standard input; anything but a regular
    /// file (a pipe, a FIFO, `/dev/stdin` on a pipe) is copied whole into an
    /// anonymous temporary file first.
    ///
    /// # Errors
    /// [`ErrorKind::Io`], naming the path: it cannot be opened or read, it is a
    /// directory, or the temporary file cannot be written.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, Error> {
        let path = path.as_ref();
        let named = |e: Error| e.with_path(path);
        if path.as_os_str() == "-" {
            return Self::spool(path, std::io::stdin().lock());
        }
        let file = File::open(path).map_err(|e| named(Error::io("cannot open the input", e)))?;
        let meta = file
            .metadata()
            .map_err(|e| named(Error::io("cannot read the input", e)))?;
        if meta.is_dir() {
            return Err(named(Error::io(
                "cannot read the input",
                std::io::Error::from(std::io::ErrorKind::IsADirectory),
            )));
        }
        if meta.is_file() {
            return Ok(Self {
                path: path.to_path_buf(),
                file,
                spooled: false,
            });
        }
        Self::spool(path, file)
    }

    /// Copies `from` whole into an anonymous temporary file.
    fn spool(path: &Path, mut from: impl Read) -> Result<Self, Error> {
        let named = |e: Error| e.with_path(path);
        let mut file = tempfile::tempfile().map_err(|e| {
            named(Error::io(
                "cannot create a temporary file to hold the input",
                e,
            ))
        })?;
        std::io::copy(&mut from, &mut file)
            .map_err(|e| named(Error::io("cannot read the input into a temporary file", e)))?;
        Ok(Self {
            path: path.to_path_buf(),
            file,
            spooled: true,
        })
    }

    /// The path it was opened with.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether it came through a pipe (or standard input) and was copied into a
    /// temporary file.
    pub fn is_spooled(&self) -> bool {
        self.spooled
    }

    /// Its size in bytes.
    ///
    /// # Errors
    /// [`ErrorKind::Io`] when its metadata cannot be read.
    pub fn size(&self) -> Result<u64, Error> {
        self.file
            .metadata()
            .map(|m| m.len())
            .map_err(|e| Error::io("cannot read the input", e).with_path(&self.path))
    }

    /// Detects the input's kind by content and streams it into `sink` (start,
    /// names, events, flushes, finish), from its first byte; may be called again.
    /// The input is decoded on this thread and `sink` is fed on a second one
    /// ([`pipelined`]).
    ///
    /// # Errors
    /// [`ErrorKind::Io`] when it cannot be read; every error of
    /// [`TraceReader::new`] for a trace whose header is unusable (a newer version
    /// asks for an upgrade); [`ErrorKind::Unsupported`] for an input that is
    /// neither a trace nor a log with a usable Omega line in it (saying when it
    /// looks like a damaged trace). Every error names the path.
    pub fn replay(&self, sink: &mut dyn EventSink) -> Result<InputSummary, Error> {
        self.replay_through(sink, |file| file)
    }

    /// [`Input::replay`], reading the events through `wrap` (a progress bar, for
    /// example), which gets the input positioned at its first byte.
    ///
    /// # Errors
    /// As [`Input::replay`].
    pub fn replay_through<R: Read>(
        &self,
        sink: &mut dyn EventSink,
        wrap: impl FnOnce(File) -> R,
    ) -> Result<InputSummary, Error> {
        let named = |e: Error| e.with_path(&self.path);
        // Sniffing reads until the kind is certain (the header's keys may come late).
        let (kind, _) = sniff(self.pass().map_err(named)?).map_err(named)?;
        if kind != InputKind::Log {
            let reader = BufReader::with_capacity(READ_BUFFER, wrap(self.pass().map_err(named)?));
            let mut trace = TraceReader::new(reader).map_err(|e| match e.kind() {
                // A damaged header: say what could still be read.
                ErrorKind::Corrupt | ErrorKind::UnsupportedVersion => {
                    match self.readable_repaired() {
                        Some(readable) => named(e.and(&format!("; {readable}"))),
                        None => named(e),
                    }
                }
                _ => named(e),
            })?;
            let summary = pipelined(sink, |sink| trace.replay(sink)).map_err(named)?;
            return Ok(match trace.kind() {
                InputKind::JsonLines => InputSummary::JsonLines(summary),
                _ => InputSummary::BinaryTrace(summary),
            });
        }
        // A log is read twice: once to learn which line families it holds, then to
        // import. The passes run one after the other on the same file.
        let scan = BufReader::with_capacity(READ_BUFFER, self.pass().map_err(named)?);
        let sources =
            Sources::scan(scan).map_err(|e| named(Error::io("cannot read the input", e)))?;
        let reader = BufReader::with_capacity(READ_BUFFER, wrap(self.pass().map_err(named)?));
        let import = OmegaImport::new(sources);
        let summary = pipelined(sink, |sink| import.import(reader, sink))
            .map_err(|e| named(Error::io("cannot read the input", e)))?;
        if summary.recognised.iter().sum::<u64>() == 0 {
            return Err(named(self.not_a_log(&summary)));
        }
        if summary.events == 0 && summary.informational == 0 && summary.malformed > 0 {
            let first = summary
                .malformed_examples
                .first()
                .map(|m| format!(", the first {m}"))
                .unwrap_or_default();
            return Err(named(Error::new(
                ErrorKind::Unsupported,
                format!(
                    "every one of its {} Omega log lines is malformed{first} ({} lines read): \
                     nothing could be imported",
                    summary.malformed, summary.lines
                ),
            )));
        }
        Ok(InputSummary::Log(summary))
    }

    /// A reader of the whole input, from its first byte: for a document that is no
    /// event stream (a running process's dump, `live::Dump::from_reader`).
    ///
    /// # Errors
    /// [`ErrorKind::Io`] when it cannot be read, naming the path.
    pub fn reader(&self) -> Result<File, Error> {
        self.pass().map_err(|e| e.with_path(&self.path))
    }

    /// A reader of the whole input, from its first byte.
    fn pass(&self) -> Result<File, Error> {
        let mut file = self
            .file
            .try_clone()
            .map_err(|e| Error::io("cannot read the input", e))?;
        file.seek(SeekFrom::Start(0))
            .map_err(|e| Error::io("cannot read the input", e))?;
        Ok(file)
    }

    /// The input's first `len` bytes (fewer when it is shorter).
    fn prefix(&self, len: usize) -> Result<Vec<u8>, Error> {
        let mut prefix = Vec::with_capacity(len);
        self.pass()?
            .take(len as u64)
            .read_to_end(&mut prefix)
            .map_err(|e| Error::io("cannot read the input", e))?;
        Ok(prefix)
    }

    /// The error for an input with no Omega line: a damaged trace when it starts
    /// almost like one, else neither a trace nor a log.
    fn not_a_log(&self, summary: &ImportSummary) -> Error {
        if let Some(error) = self.damaged_magic() {
            return error;
        }
        if summary.lines == 0 {
            return Error::new(
                ErrorKind::Unsupported,
                "the input is empty (0 bytes): give a trace written by gpu-ledger or a log with \
                 Omega lines",
            );
        }
        Error::new(
            ErrorKind::Unsupported,
            format!(
                "no gpu-ledger trace and no Omega log lines in it ({} lines read): give a trace \
                 written by gpu-ledger or a log with [OmegaWTKGPU], [OmegaGTEResource] or \
                 [OmegaWTKSync] lines",
                summary.lines
            ),
        )
    }

    /// When the input's first 8 bytes differ from the binary magic tag in a few
    /// bits (a bit flip, not another kind of file), an error saying so and what
    /// the input holds with the tag restored.
    fn damaged_magic(&self) -> Option<Error> {
        let head = self.prefix(MAGIC.len()).ok()?;
        let bits: u32 = head
            .iter()
            .zip(MAGIC)
            .map(|(a, b)| (a ^ b).count_ones())
            .sum();
        if head.len() < MAGIC.len() || bits == 0 || bits > MAGIC_BITS_DAMAGED {
            return None;
        }
        let readable = self
            .readable_repaired()
            .unwrap_or_else(|| "even with the tag restored its header is unusable".to_owned());
        Some(
            Error::new(
                ErrorKind::BadMagic,
                format!(
                    "this looks like a damaged gpu-ledger binary trace: its first 8 bytes {} \
                     differ from the magic tag {} in {bits} bit{}, and it holds no Omega log \
                     lines; {readable}",
                    hex(&head),
                    hex(&MAGIC),
                    if bits == 1 { "" } else { "s" },
                ),
            )
            .at(0),
        )
    }

    /// What the input holds read as a binary trace with its magic tag, version
    /// and flags restored, when they were damaged and restoring them makes the
    /// header check out: what could still be read. `None` otherwise.
    fn readable_repaired(&self) -> Option<String> {
        let head = self.prefix(MAGIC.len() + 4).ok()?;
        if head.len() < MAGIC.len() + 4 {
            return None;
        }
        for version in 1..=BINARY_VERSION {
            let mut fixed = MAGIC.to_vec();
            fixed.extend_from_slice(&version.to_le_bytes());
            fixed.extend_from_slice(&[0, 0]);
            let restored: Vec<&str> = [
                (0..8, "the tag"),
                (8..10, "the version"),
                (10..12, "the flags"),
            ]
            .into_iter()
            .filter(|(bytes, _)| head[bytes.clone()] != fixed[bytes.clone()])
            .map(|(_, name)| name)
            .collect();
            if restored.is_empty() {
                continue; // these fields are intact: the damage is elsewhere
            }
            let mut rest = self.pass().ok()?;
            rest.seek(SeekFrom::Start(fixed.len() as u64)).ok()?;
            let input = BufReader::with_capacity(READ_BUFFER, Cursor::new(fixed).chain(rest));
            let Ok(mut reader) = BinaryReader::new(input) else {
                continue;
            };
            let restored = restored.join(" and ");
            return Some(match reader.replay(&mut Discard) {
                Ok(s) => format!(
                    "with {restored} restored its header checks out and it holds {} events{}",
                    s.events,
                    if s.is_clean() {
                        ""
                    } else {
                        " (and more damage)"
                    }
                ),
                Err(e) => format!("with {restored} restored it still cannot be read: {e}"),
            });
        }
        self.readable_past_header()
    }

    /// What the blocks of a binary trace hold when its header's own fields check
    /// out but its checksum does not (its start time or source is damaged): the
    /// header read with its checksum recomputed. `None` for anything else.
    fn readable_past_header(&self) -> Option<String> {
        let head = self.prefix(16).ok()?;
        let version = u16::from_le_bytes([*head.get(8)?, *head.get(9)?]);
        if head[..8] != MAGIC || !(1..=BINARY_VERSION).contains(&version) || head[10..12] != [0, 0]
        {
            return None;
        }
        let body = u32::from_le_bytes([head[12], head[13], head[14], head[15]]) as usize;
        let mut header = self.prefix(16 + body + 4).ok()?;
        let crc_at = header.len().checked_sub(4).filter(|&at| at == 16 + body)?;
        let crc = crc32fast::hash(&header[..crc_at]).to_le_bytes();
        header[crc_at..].copy_from_slice(&crc);
        let mut rest = self.pass().ok()?;
        rest.seek(SeekFrom::Start(header.len() as u64)).ok()?;
        let input = BufReader::with_capacity(READ_BUFFER, Cursor::new(header).chain(rest));
        let summary = BinaryReader::new(input).ok()?.replay(&mut Discard).ok()?;
        Some(format!(
            "its start time, source or checksum is damaged; read past its header, its blocks \
             hold {} events{}",
            summary.events,
            if summary.is_clean() {
                ""
            } else {
                " (and more damage)"
            }
        ))
    }
}

/// A magic tag this many bits or fewer away from the real one is a damaged trace,
/// not another kind of file (no text or other format starts that close to it).
const MAGIC_BITS_DAMAGED: u32 = 4;

/// `89 47 4c 44`.
fn hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Counts nothing, keeps nothing: for reading an input only to learn what it holds.
struct Discard;

impl EventSink for Discard {
    fn on_event(&mut self, _: &crate::event::Event) {}
}

/// Opens the input at `path` ([`Input::open`]), detects its kind by content and
/// streams it into `sink` ([`Input::replay`]).
///
/// # Errors
/// As [`Input::open`] and [`Input::replay`]. Every error names the path.
pub fn replay(path: impl AsRef<Path>, sink: &mut dyn EventSink) -> Result<InputSummary, Error> {
    Input::open(path)?.replay(sink)
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

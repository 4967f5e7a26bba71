//! Dumps: what a running process writes when asked (`Ledger::dump`, a signal, the
//! end of startup, exit), and the document the CLI reads back (`gpu-ledger graph
//! DUMP`, `gpu-ledger timeline DUMP`).
//!
//! A [`Dump`] holds three views the CLI also computes from a trace: the live
//! resource graph ([`Graph`]), the last N packets with the resources they touched,
//! and the compact startup timeline (both [`TimelineReport`]s), plus where in the
//! stream it was taken and the guardrails that fired so far. It is written as one
//! pretty-printed JSON document whose first key is `format` (so a reader can tell
//! it from a trace by its first bytes), whole or not at all
//! ([`OutputFile`](crate::output::OutputFile)), so a reader never sees half a
//! dump. This module decides the document and the file names ([`DumpPlan`]); it
//! never decides what goes in the views.

use std::path::{Path, PathBuf};

#[cfg(feature = "json")]
use serde::{Deserialize, Serialize};

use crate::analysis::{Graph, TimelineReport};
use crate::error::{Error, ErrorKind};
#[cfg(feature = "json")]
use crate::output::OutputFile;

/// The value of [`Dump::format`].
pub const DUMP_FORMAT: &str = "gpu-ledger-dump";

/// Why a dump was written.
///
/// # Example
/// ```
/// use gpu_ledger::live::DumpReason;
///
/// assert_eq!(DumpReason::StartupEnd.name(), "startup-end");
/// assert_eq!(DumpReason::from_name("signal"), Some(DumpReason::Signal));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DumpReason {
    /// The host asked ([`Ledger::dump`](crate::Ledger::dump), `gl_dump`).
    Request,
    /// The process received `SIGUSR1` (`GPU_LEDGER_DUMP_ON=signal`).
    Signal,
    /// Startup ended: the first stable present window was reached.
    StartupEnd,
    /// The ledger finished (the host is exiting).
    Exit,
}

impl DumpReason {
    /// The reason's name: `request`, `signal`, `startup-end` or `exit`.
    pub const fn name(self) -> &'static str {
        match self {
            DumpReason::Request => "request",
            DumpReason::Signal => "signal",
            DumpReason::StartupEnd => "startup-end",
            DumpReason::Exit => "exit",
        }
    }

    /// The reason named `name`, if any.
    pub fn from_name(name: &str) -> Option<Self> {
        [
            DumpReason::Request,
            DumpReason::Signal,
            DumpReason::StartupEnd,
            DumpReason::Exit,
        ]
        .into_iter()
        .find(|r| r.name() == name)
    }
}

/// When a process dumps by itself (`GPU_LEDGER_DUMP_ON`).
///
/// # Example
/// ```
/// use gpu_ledger::live::DumpOn;
///
/// let on = DumpOn::parse("startup-end,signal")?;
/// assert!(on.startup_end && on.signal && !on.exit);
/// let err = DumpOn::parse("crash").unwrap_err();
/// assert_eq!(err.to_string(), "GPU_LEDGER_DUMP_ON: unknown trigger \"crash\": use startup-end, exit or signal, separated by commas");
/// # Ok::<(), gpu_ledger::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct DumpOn {
    /// When the first stable present window is reached.
    pub startup_end: bool,
    /// When the ledger finishes.
    pub exit: bool,
    /// On each `SIGUSR1` (Unix): a handler that only raises a flag, which the
    /// drain thread reads every pass; installed only when this is asked for.
    pub signal: bool,
}

impl DumpOn {
    /// Reads a comma-separated list of `startup-end`, `exit` and `signal`.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidToggle`] naming the first unknown trigger.
    pub fn parse(list: &str) -> Result<Self, Error> {
        Self::parse_named("GPU_LEDGER_DUMP_ON", list)
    }

    /// [`DumpOn::parse`], naming the variable `key` in errors.
    pub(crate) fn parse_named(key: &str, list: &str) -> Result<Self, Error> {
        let mut on = DumpOn::default();
        for item in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            match item {
                "startup-end" => on.startup_end = true,
                "exit" => on.exit = true,
                "signal" => on.signal = true,
                other => {
                    return Err(Error::new(
                        ErrorKind::InvalidToggle,
                        format!(
                            "{key}: unknown trigger {other:?}: use startup-end, exit or signal, \
                             separated by commas"
                        ),
                    ));
                }
            }
        }
        Ok(on)
    }

    /// Whether anything triggers a dump.
    pub fn any(&self) -> bool {
        self.startup_end || self.exit || self.signal
    }
}

/// Where and when a process dumps by itself: a path pattern and its triggers.
///
/// The pattern may hold `{pid}` (the process id), `{reason}` (`startup-end`,
/// `exit`, `signal`) and `{n}` (1 for the process's first dump, then 2, ...);
/// without `{n}` or `{reason}`, a later dump replaces an earlier one.
///
/// # Example
/// ```
/// use gpu_ledger::live::{DumpOn, DumpPlan, DumpReason};
///
/// let plan = DumpPlan::new("/tmp/app-{pid}-{n}-{reason}.json", DumpOn { exit: true, ..DumpOn::default() });
/// let path = plan.path(DumpReason::Exit, 2, 4242);
/// assert_eq!(path, std::path::Path::new("/tmp/app-4242-2-exit.json"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DumpPlan {
    /// The path pattern.
    pub pattern: String,
    /// What triggers a dump.
    pub on: DumpOn,
}

impl DumpPlan {
    /// Dumps to `pattern` on `on`.
    pub fn new(pattern: impl Into<String>, on: DumpOn) -> Self {
        Self {
            pattern: pattern.into(),
            on,
        }
    }

    /// The path of the `n`-th dump of process `pid`, written for `reason`.
    pub fn path(&self, reason: DumpReason, n: u64, pid: u32) -> PathBuf {
        PathBuf::from(
            self.pattern
                .replace("{pid}", &pid.to_string())
                .replace("{reason}", reason.name())
                .replace("{n}", &n.to_string()),
        )
    }
}

/// A guardrail the live analysis saw fail, as a dump lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "json", derive(Serialize, Deserialize))]
#[non_exhaustive]
pub struct FiredGuardrail {
    /// The guardrail's id (`recreate-churn`, `destroy-in-flight`, ...).
    pub id: String,
    /// Its severity: `warning` or `error`.
    pub severity: String,
    /// Stream time of the last event before it first fired, ns.
    pub first_fired_ns: u64,
    /// Its latest message.
    pub message: String,
    /// How many times its verdict changed (a new count, a new worst owner) after it first fired.
    pub updates: u64,
}

/// What a running process dumped: the live resource graph, the last packets, the
/// startup timeline and the guardrails that fired, at one point of its stream.
///
/// Every time in it is stream time, as in every output (`origin_ns` is the first
/// event's). Schema: `docs/report-schema.md`, "Dump".
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "json", derive(Serialize, Deserialize))]
#[non_exhaustive]
pub struct Dump {
    /// Always `"gpu-ledger-dump"`.
    pub format: String,
    /// Schema version, 1.
    pub version: u32,
    /// Why it was written: `request`, `signal`, `startup-end` or `exit`.
    pub reason: String,
    /// Who produced the stream (the trace header's `source`).
    pub source: String,
    /// The process that wrote it.
    pub pid: u32,
    /// Wall-clock time of stream time zero, ns since the Unix epoch.
    pub start_unix_ns: u64,
    /// Events in the stream before the dump: every resource listed is live after
    /// exactly these events.
    pub seq: u64,
    /// Stream time of the last of them, ns.
    pub at_ns: u64,
    /// Stream time of the first event, ns (`None` before any).
    pub origin_ns: Option<u64>,
    /// Whether startup had ended (the first stable present window was reached).
    pub startup_complete: bool,
    /// The live resource graph (`at`: `dump`).
    pub graph: Graph,
    /// The last packets, with the ids of the resources each touched (`keep`: `last`).
    pub recent_packets: TimelineReport,
    /// The startup window's compact timeline: the whole window when startup has
    /// ended, else startup so far.
    pub startup: TimelineReport,
    /// The guardrails that fired so far, in the order they first fired.
    pub guardrails_fired: Vec<FiredGuardrail>,
}

/// The `input` object of a document the CLI made from a dump (`gpu-ledger graph
/// DUMP`): which dump, taken where.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "json", derive(Serialize))]
#[non_exhaustive]
pub struct DumpInput {
    /// The path, as given.
    pub path: String,
    /// Always `gpu-ledger-dump`.
    pub kind: String,
    /// Why the dump was written.
    pub reason: String,
    /// The process that wrote it.
    pub pid: u32,
    /// Who produced the stream.
    pub source: String,
    /// Events in the stream before the dump.
    pub seq: u64,
    /// Stream time of the last of them, ns.
    pub at_ns: u64,
}

impl DumpInput {
    /// The "Input" section text outputs end with: the path and where the dump
    /// was taken.
    pub fn render_text(&self) -> String {
        let source = if self.source.is_empty() {
            String::new()
        } else {
            format!(" ({:?})", self.source)
        };
        format!(
            "\nInput\n  {} ({})\n  a {} dump of process {}{source}, after event {} (at {})\n",
            self.path,
            self.kind,
            self.reason,
            self.pid,
            self.seq,
            crate::time::StreamTime::from_ns(self.at_ns)
        )
    }
}

impl Dump {
    /// What a document made from this dump, read from `path`, says of its input.
    pub fn input(&self, path: &Path) -> DumpInput {
        DumpInput {
            path: path.display().to_string(),
            kind: DUMP_FORMAT.to_owned(),
            reason: self.reason.clone(),
            pid: self.pid,
            source: self.source.clone(),
            seq: self.seq,
            at_ns: self.at_ns,
        }
    }

    /// The dump as pretty-printed JSON, `format` first.
    #[cfg(feature = "json")]
    pub fn to_json_string(&self) -> String {
        serde_json::to_string_pretty(self)
            .unwrap_or_else(|e| format!("{{\"format\":\"{DUMP_FORMAT}\",\"error\":\"{e}\"}}"))
    }

    /// Writes the dump to `path` whole or not at all ([`OutputFile`](crate::output::OutputFile): a temporary
    /// file beside it, renamed into place), so that nobody reads half a dump.
    ///
    /// # Errors
    /// [`ErrorKind::Io`] naming the path; [`ErrorKind::Unsupported`] in a build
    /// without the `json` feature.
    pub fn write(&self, path: &Path) -> Result<(), Error> {
        #[cfg(feature = "json")]
        {
            use std::io::Write as _;
            let mut out = OutputFile::create(path)?;
            writeln!(out, "{}", self.to_json_string())
                .map_err(|e| Error::io("cannot write the dump", e).with_path(path))?;
            out.commit().map(drop)
        }
        #[cfg(not(feature = "json"))]
        {
            Err(Error::new(
                ErrorKind::Unsupported,
                "a dump is a JSON document: build gpu-ledger with its `json` feature",
            )
            .with_path(path))
        }
    }

    /// Reads the dump at `path`; `Ok(None)` when the file is no dump (a trace, a
    /// log), told from its first bytes: a JSON document whose first key is
    /// `"format"` with the value `"gpu-ledger-dump"`.
    ///
    /// # Errors
    /// [`ErrorKind::Io`] when the file cannot be read; [`ErrorKind::Json`] for a
    /// dump that does not parse; [`ErrorKind::UnsupportedVersion`] for a newer
    /// version. Every error names the path.
    ///
    /// # Example
    /// ```
    /// use gpu_ledger::live::Dump;
    ///
    /// let dir = tempfile::tempdir()?;
    /// let trace = dir.path().join("run.jsonl");
    /// std::fs::write(&trace, "{\"type\":\"header\",\"format\":\"gpu-ledger-trace\",\"version\":1}\n")?;
    /// assert!(Dump::read(&trace)?.is_none(), "a trace is no dump");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[cfg(feature = "json")]
    pub fn read(path: &Path) -> Result<Option<Dump>, Error> {
        let file = std::fs::File::open(path)
            .map_err(|e| Error::io("cannot open the input", e).with_path(path))?;
        Self::from_reader(path, file)
    }

    /// [`Dump::read`] from `reader` (the input at `path`, opened by the caller: a
    /// file, a pipe copied by [`Input`](crate::input::Input)).
    ///
    /// # Errors
    /// As [`Dump::read`].
    #[cfg(feature = "json")]
    pub fn from_reader(path: &Path, mut reader: impl std::io::Read) -> Result<Option<Dump>, Error> {
        let named = |e: Error| e.with_path(path);
        let mut head = [0u8; 64];
        let mut len = 0;
        while len < head.len() {
            match reader.read(&mut head[len..]) {
                Ok(0) => break,
                Ok(n) => len += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(named(Error::io("cannot read the input", e))),
            }
        }
        if !is_dump_head(&head[..len]) {
            return Ok(None);
        }
        let mut text = head[..len].to_vec();
        reader
            .read_to_end(&mut text)
            .map_err(|e| named(Error::io("cannot read the input", e)))?;
        let value: serde_json::Value = serde_json::from_slice(&text).map_err(|e| {
            named(Error::new(ErrorKind::Json, "the dump is not valid JSON").with_source(e))
        })?;
        let version = value.get("version").and_then(serde_json::Value::as_u64);
        if version != Some(1) {
            return Err(named(Error::new(
                ErrorKind::UnsupportedVersion,
                format!(
                    "dump version {} is not one this build reads (1): upgrade gpu-ledger",
                    version.map_or_else(|| "missing".to_owned(), |v| v.to_string())
                ),
            )));
        }
        let dump = serde_json::from_value(value).map_err(|e| {
            named(
                Error::new(ErrorKind::Json, "the dump does not have the dump schema")
                    .with_source(e),
            )
        })?;
        Ok(Some(dump))
    }
}

/// Whether `head` starts like a dump: `{`, then `"format"`, `:`, `"gpu-ledger-dump"`.
#[cfg_attr(not(feature = "json"), allow(dead_code))]
fn is_dump_head(head: &[u8]) -> bool {
    let text: Vec<u8> = head
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    text.starts_with(format!("{{\"format\":\"{DUMP_FORMAT}\"").as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dump_is_told_from_a_trace_by_its_first_bytes() {
        assert!(is_dump_head(b"{\n  \"format\": \"gpu-ledger-dump\",\n"));
        assert!(!is_dump_head(
            b"{\"type\":\"header\",\"format\":\"gpu-ledger-trace\""
        ));
        assert!(!is_dump_head(b"{\"format\":\"gpu-ledger-report\""));
        assert!(!is_dump_head(b"GLTRACE\0"));
    }
}

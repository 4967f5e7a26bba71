//! Runtime toggles: what the environment asks gpu-ledger to do in a host process,
//! and the ledger that does it.
//!
//! | variable | what it does |
//! | --- | --- |
//! | `GPU_LEDGER_TRACE=1` | streams every event to a trace file |
//! | `GPU_LEDGER_OUT=path` | where the trace goes (default `<process>-<unix seconds>.gltrace`) |
//! | `GPU_LEDGER_REPORT=1` | prints the startup summary once the first stable present window is reached |
//! | `GPU_LEDGER_ASSERT=panic\|warn\|off` | what a failed destroy check does while running (default `warn`) |
//! | `GPU_LEDGER_DUMP=pattern` | dumps to this path pattern (`{pid}`, `{n}`, `{reason}`) |
//! | `GPU_LEDGER_DUMP_ON=startup-end,exit,signal` | when to dump (default `exit`); `signal` installs a `SIGUSR1` handler |
//!
//! A host renames the prefix so that the plan's `OMEGAWTK_GPU_RESOURCE_TRACE=1`
//! works unchanged. Whenever the ledger runs, the live analysis
//! ([`crate::live`]) runs on its drain thread and logs guardrail findings
//! (target `gpu_ledger`) as they happen.
//!
//! This module reads the environment for the others (record, format, analysis,
//! live), at the host's request. Parsing never reads a variable the caller did not
//! hand it, so it is testable without touching the process environment; with
//! everything switched off the ledger is [`Ledger::disabled`], and a call site
//! costs one relaxed load and a branch.

use std::io::Write;
use std::path::PathBuf;

use crate::error::{Error, ErrorKind};
pub use crate::live::HostSink;
use crate::live::{DumpOn, DumpPlan, LiveConfig};
use crate::record::{AssertMode, Ledger, LedgerConfig};

/// The prefix gpu-ledger's own variables use.
pub const DEFAULT_PREFIX: &str = "GPU_LEDGER";

/// What the environment asked for.
///
/// # Example
/// ```
/// use gpu_ledger::toggle::Toggles;
///
/// let env = [("OMEGAWTK_GPU_RESOURCE_TRACE", "1"), ("OMEGAWTK_GPU_RESOURCE_OUT", "/tmp/run.gltrace")];
/// let toggles = Toggles::parse("OMEGAWTK_GPU_RESOURCE", env)?;
/// assert!(toggles.trace && !toggles.report);
/// assert_eq!(toggles.out.as_deref(), Some(std::path::Path::new("/tmp/run.gltrace")));
///
/// let bad = Toggles::parse("GPU_LEDGER", [("GPU_LEDGER_TRACE", "maybe")]).unwrap_err();
/// assert_eq!(bad.to_string(), "GPU_LEDGER_TRACE=maybe is not a switch: use 1 or 0 (also true/false, yes/no, on/off)");
/// # Ok::<(), gpu_ledger::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Toggles {
    /// `<PREFIX>_TRACE`: stream every event to the trace file.
    pub trace: bool,
    /// `<PREFIX>_REPORT`: print the startup summary once, when startup ends.
    pub report: bool,
    /// `<PREFIX>_OUT`: where the trace goes; `None` for the default name.
    pub out: Option<PathBuf>,
    /// `<PREFIX>_ASSERT`: what a failed destroy check does while running; `None`
    /// when unset (the configuration's, by default `warn`).
    pub assert: Option<AssertMode>,
    /// `<PREFIX>_DUMP`: the path pattern of dumps; `None` when unset.
    pub dump: Option<String>,
    /// `<PREFIX>_DUMP_ON`: what triggers a dump; `None` when unset (`exit` when
    /// `<PREFIX>_DUMP` is set).
    pub dump_on: Option<DumpOn>,
}

impl Toggles {
    /// Reads the toggles with `prefix` from the process environment.
    ///
    /// # Errors
    /// A switch set to something other than a recognised on/off value.
    pub fn from_env(prefix: &str) -> Result<Self, Error> {
        Self::parse(
            prefix,
            std::env::vars_os()
                .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?))),
        )
    }

    /// Reads the toggles with `prefix` from `vars`; other variables are ignored.
    ///
    /// # Errors
    /// A switch set to something other than a recognised on/off value.
    pub fn parse<K, V>(prefix: &str, vars: impl IntoIterator<Item = (K, V)>) -> Result<Self, Error>
    where
        K: AsRef<str>,
        V: AsRef<str>,
    {
        let name = |suffix: &str| format!("{prefix}_{suffix}");
        let (trace, report, out) = (name("TRACE"), name("REPORT"), name("OUT"));
        let (assert, dump, dump_on) = (name("ASSERT"), name("DUMP"), name("DUMP_ON"));
        let mut toggles = Toggles::default();
        for (key, value) in vars {
            let (key, value) = (key.as_ref(), value.as_ref());
            if key == trace {
                toggles.trace = switch(key, value)?;
            } else if key == report {
                toggles.report = switch(key, value)?;
            } else if key == out && !value.is_empty() {
                toggles.out = Some(PathBuf::from(value));
            } else if key == assert {
                toggles.assert = assert_mode(key, value)?;
            } else if key == dump && !value.is_empty() {
                toggles.dump = Some(value.to_owned());
            } else if key == dump_on && !value.trim().is_empty() {
                toggles.dump_on = Some(DumpOn::parse_named(key, value)?);
            }
        }
        Ok(toggles)
    }

    /// Whether anything is switched on: when not, the host's ledger should be
    /// [`crate::Ledger::disabled`], which costs one relaxed load per call site.
    /// `<PREFIX>_ASSERT=panic` or `warn` alone turns the ledger on (to run the
    /// destroy checks), with no trace.
    pub fn any(&self) -> bool {
        self.trace
            || self.report
            || matches!(self.assert, Some(AssertMode::Panic | AssertMode::Warn))
            || self.dump_plan("").is_some()
    }

    /// Where and when to dump: `<PREFIX>_DUMP` (default
    /// `<process>-{pid}-{n}-{reason}.json` in the working directory, when only
    /// `<PREFIX>_DUMP_ON` is set) on `<PREFIX>_DUMP_ON` (default `exit`); `None`
    /// when neither is set.
    ///
    /// # Example
    /// ```
    /// use gpu_ledger::toggle::Toggles;
    ///
    /// let toggles = Toggles::parse("GPU_LEDGER", [("GPU_LEDGER_DUMP_ON", "signal")])?;
    /// let plan = toggles.dump_plan("compositor").expect("asked for");
    /// assert_eq!(plan.pattern, "compositor-{pid}-{n}-{reason}.json");
    /// assert!(plan.on.signal && !plan.on.exit);
    /// # Ok::<(), gpu_ledger::Error>(())
    /// ```
    pub fn dump_plan(&self, process: &str) -> Option<DumpPlan> {
        if self.dump.is_none() && !self.dump_on.is_some_and(|on| on.any()) {
            return None;
        }
        let process = if process.is_empty() {
            "gpu-ledger"
        } else {
            process
        };
        let pattern = self
            .dump
            .clone()
            .unwrap_or_else(|| format!("{process}-{{pid}}-{{n}}-{{reason}}.json"));
        let on = self.dump_on.unwrap_or(DumpOn {
            exit: true,
            ..DumpOn::default()
        });
        Some(DumpPlan::new(pattern, on))
    }

    /// The live analysis the toggles ask for, for a process called `process`:
    /// the dump plan, and the startup summary written to `summary` when
    /// `<PREFIX>_REPORT` is on.
    pub fn live_config(&self, process: &str, summary: Option<Box<dyn Write + Send>>) -> LiveConfig {
        LiveConfig {
            dump: self.dump_plan(process),
            summary: summary.filter(|_| self.report),
            ..LiveConfig::default()
        }
    }

    /// `config` with what the toggles say about recording: `<PREFIX>_ASSERT`.
    pub fn apply(&self, config: LedgerConfig) -> LedgerConfig {
        LedgerConfig {
            assert: self.assert.unwrap_or(config.assert),
            ..config
        }
    }

    /// [`Toggles::trace_path`] for a process called `source` (`gpu-ledger` if
    /// empty), now.
    pub fn trace_path_now(&self, source: &str) -> PathBuf {
        let unix_seconds = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let source = if source.is_empty() {
            "gpu-ledger"
        } else {
            source
        };
        self.trace_path(source, unix_seconds)
    }

    /// The trace path: `out`, or `<process>-<unix seconds>.gltrace` in the working directory.
    pub fn trace_path(&self, process: &str, unix_seconds: u64) -> PathBuf {
        self.out
            .clone()
            .unwrap_or_else(|| PathBuf::from(format!("{process}-{unix_seconds}.gltrace")))
    }
}

fn assert_mode(key: &str, value: &str) -> Result<Option<AssertMode>, Error> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    AssertMode::from_name(&value.to_ascii_lowercase())
        .map(Some)
        .ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidToggle,
                format!("{key}={value} is not an assertion mode: use panic, warn or off"),
            )
        })
}

fn switch(key: &str, value: &str) -> Result<bool, Error> {
    match value.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" | "" => Ok(false),
        _ => Err(Error::new(
            ErrorKind::InvalidToggle,
            format!("{key}={value} is not a switch: use 1 or 0 (also true/false, yes/no, on/off)"),
        )),
    }
}

/// Starts the ledger the environment asks for, reading the `<prefix>_*` toggles
/// (use [`DEFAULT_PREFIX`] for gpu-ledger's own).
///
/// With nothing switched on it returns [`Ledger::disabled`]. Otherwise the trace
/// goes to `<prefix>_OUT` (JSON Lines if it ends in `.jsonl`, binary otherwise;
/// default `<process>-<unix seconds>.gltrace` in the working directory), the
/// startup summary is written to stderr exactly once, as soon as the first stable
/// present window is reached (or when the ledger finishes, saying it never was),
/// and the live analysis logs findings and dumps as `<prefix>_ASSERT`,
/// `<prefix>_DUMP` and `<prefix>_DUMP_ON` say.
///
/// # Errors
/// A toggle that is not a switch ([`ErrorKind::InvalidToggle`]), or a trace file
/// that cannot be created ([`ErrorKind::Io`], naming the path).
///
/// # Example
/// ```no_run
/// // In the host's startup code; OMEGAWTK_GPU_RESOURCE_TRACE=1 turns it on.
/// let ledger = gpu_ledger::toggle::start_from_env("OMEGAWTK_GPU_RESOURCE")?;
/// # Ok::<(), gpu_ledger::Error>(())
/// ```
pub fn start_from_env(prefix: &str) -> Result<Ledger, Error> {
    start(
        &Toggles::from_env(prefix)?,
        LedgerConfig::default(),
        Box::new(std::io::stderr()),
    )
}

/// Starts the ledger `toggles` ask for, with `config`, writing the startup
/// summary (if asked for) to `report_out`.
///
/// # Errors
/// A trace file that cannot be created ([`ErrorKind::Io`], naming the path).
pub fn start(
    toggles: &Toggles,
    config: LedgerConfig,
    report_out: Box<dyn Write + Send>,
) -> Result<Ledger, Error> {
    if !toggles.any() {
        return Ok(Ledger::disabled());
    }
    let trace = toggles
        .trace
        .then(|| toggles.trace_path_now(&config.source));
    let live = toggles.live_config(&config.source, Some(report_out));
    crate::live::start_ledger(trace.as_deref(), toggles.apply(config), live)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assert_and_dump_toggles_parse_and_garbage_is_named() {
        let env = [
            ("GPU_LEDGER_ASSERT", " Panic "),
            ("GPU_LEDGER_DUMP", "/tmp/d-{n}.json"),
            ("GPU_LEDGER_DUMP_ON", "startup-end, signal"),
        ];
        let toggles = Toggles::parse(DEFAULT_PREFIX, env).unwrap();
        assert_eq!(toggles.assert, Some(AssertMode::Panic));
        assert!(toggles.any(), "asserting alone turns the ledger on");
        let plan = toggles.dump_plan("app").unwrap();
        assert_eq!(plan.pattern, "/tmp/d-{n}.json");
        assert_eq!(
            plan.on,
            DumpOn {
                startup_end: true,
                signal: true,
                exit: false
            }
        );
        let off = Toggles::parse(DEFAULT_PREFIX, [("GPU_LEDGER_ASSERT", "off")]).unwrap();
        assert!(!off.any(), "off asks for nothing to run");
        let err = Toggles::parse(DEFAULT_PREFIX, [("GPU_LEDGER_ASSERT", "abort")]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "GPU_LEDGER_ASSERT=abort is not an assertion mode: use panic, warn or off"
        );
        let err =
            Toggles::parse(DEFAULT_PREFIX, [("GPU_LEDGER_DUMP_ON", "exit,crash")]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "GPU_LEDGER_DUMP_ON: unknown trigger \"crash\": use startup-end, exit or signal, separated by commas"
        );
        let only_pattern = Toggles::parse(DEFAULT_PREFIX, [("GPU_LEDGER_DUMP", "d.json")]).unwrap();
        assert!(
            only_pattern.dump_plan("app").unwrap().on.exit,
            "exit by default"
        );
    }

    #[test]
    fn default_prefix_reads_all_three_and_ignores_others() {
        let env = [
            ("GPU_LEDGER_TRACE", "yes"),
            ("GPU_LEDGER_REPORT", "ON"),
            ("GPU_LEDGER_OUT", "run.gltrace"),
            ("OMEGAWTK_GPU_RESOURCE_TRACE", "0"),
            ("PATH", "/usr/bin"),
        ];
        let toggles = Toggles::parse(DEFAULT_PREFIX, env).unwrap();
        assert_eq!(
            toggles,
            Toggles {
                trace: true,
                report: true,
                out: Some(PathBuf::from("run.gltrace")),
                ..Toggles::default()
            }
        );
        assert!(toggles.any());
    }

    #[test]
    fn renamed_prefix_reads_only_its_own_variables() {
        let env = [
            ("GPU_LEDGER_TRACE", "1"),
            ("OMEGAWTK_GPU_RESOURCE_REPORT", "1"),
        ];
        let toggles = Toggles::parse("OMEGAWTK_GPU_RESOURCE", env).unwrap();
        assert_eq!((toggles.trace, toggles.report), (false, true));
    }

    #[test]
    fn nothing_set_is_all_off_with_a_default_trace_name() {
        let toggles = Toggles::parse(DEFAULT_PREFIX, Vec::<(String, String)>::new()).unwrap();
        assert!(!toggles.any());
        assert_eq!(
            toggles.trace_path("EllipsePathCompositorTest", 1_772_257_475),
            PathBuf::from("EllipsePathCompositorTest-1772257475.gltrace")
        );
    }

    #[test]
    fn empty_and_spaced_values_parse_and_garbage_is_named() {
        let off = Toggles::parse(
            DEFAULT_PREFIX,
            [("GPU_LEDGER_TRACE", ""), ("GPU_LEDGER_REPORT", " 1 ")],
        )
        .unwrap();
        assert_eq!((off.trace, off.report), (false, true));
        let err = Toggles::parse(DEFAULT_PREFIX, [("GPU_LEDGER_REPORT", "2")]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "GPU_LEDGER_REPORT=2 is not a switch: use 1 or 0 (also true/false, yes/no, on/off)"
        );
    }
}

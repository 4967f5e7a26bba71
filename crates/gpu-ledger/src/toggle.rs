//! Runtime toggles: what the environment asks gpu-ledger to do in a host process.
//!
//! `GPU_LEDGER_TRACE=1` streams every event to a trace file, `GPU_LEDGER_REPORT=1`
//! prints the startup summary once the first stable present window is reached,
//! and `GPU_LEDGER_OUT=path` says where the trace goes. A host renames the prefix
//! so that the plan's `OMEGAWTK_GPU_RESOURCE_TRACE=1` works unchanged. This module
//! only parses; it never reads a variable the caller did not hand it, so parsing
//! is testable without touching the process environment.

use std::fmt;
use std::path::PathBuf;

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
/// # Ok::<(), gpu_ledger::toggle::ToggleError>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Toggles {
    /// `<PREFIX>_TRACE`: stream every event to the trace file.
    pub trace: bool,
    /// `<PREFIX>_REPORT`: print the startup summary once, when startup ends.
    pub report: bool,
    /// `<PREFIX>_OUT`: where the trace goes; `None` for the default name.
    pub out: Option<PathBuf>,
}

impl Toggles {
    /// Reads the toggles with `prefix` from the process environment.
    ///
    /// # Errors
    /// A switch set to something other than a recognised on/off value.
    pub fn from_env(prefix: &str) -> Result<Self, ToggleError> {
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
    pub fn parse<K, V>(
        prefix: &str,
        vars: impl IntoIterator<Item = (K, V)>,
    ) -> Result<Self, ToggleError>
    where
        K: AsRef<str>,
        V: AsRef<str>,
    {
        let (trace, report, out) = (
            format!("{prefix}_TRACE"),
            format!("{prefix}_REPORT"),
            format!("{prefix}_OUT"),
        );
        let mut toggles = Toggles::default();
        for (key, value) in vars {
            let (key, value) = (key.as_ref(), value.as_ref());
            if key == trace {
                toggles.trace = switch(key, value)?;
            } else if key == report {
                toggles.report = switch(key, value)?;
            } else if key == out && !value.is_empty() {
                toggles.out = Some(PathBuf::from(value));
            }
        }
        Ok(toggles)
    }

    /// Whether anything is switched on: when not, the host's ledger should be
    /// [`crate::Ledger::disabled`], which costs one relaxed load per call site.
    pub fn any(&self) -> bool {
        self.trace || self.report
    }

    /// The trace path: `out`, or `<process>-<unix seconds>.gltrace` in the working directory.
    pub fn trace_path(&self, process: &str, unix_seconds: u64) -> PathBuf {
        self.out
            .clone()
            .unwrap_or_else(|| PathBuf::from(format!("{process}-{unix_seconds}.gltrace")))
    }
}

fn switch(key: &str, value: &str) -> Result<bool, ToggleError> {
    match value.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" | "" => Ok(false),
        _ => Err(ToggleError {
            key: key.to_owned(),
            value: value.to_owned(),
        }),
    }
}

/// A toggle variable with a value that is not a switch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ToggleError {
    key: String,
    value: String,
}

impl fmt::Display for ToggleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}={} is not a switch: use 1 or 0 (also true/false, yes/no, on/off)",
            self.key, self.value
        )
    }
}

impl std::error::Error for ToggleError {}

#[cfg(test)]
mod tests {
    use super::*;

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
                out: Some(PathBuf::from("run.gltrace"))
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

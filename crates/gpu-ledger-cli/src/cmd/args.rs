//! The arguments commands share, each defined once (as ripgrep defines each flag
//! once): the input, `--format`, `-o/--out`, `--fail-on` and `--release-model` mean
//! the same, with the same help, in every command that takes them.

use std::path::{Path, PathBuf};

use clap::ValueEnum;
use gpu_ledger::analysis::{Analyzer, Definitions, Severity};
use gpu_ledger::{ReleaseModel, ReleaseModels};

/// Output format shared by every subcommand.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// Aligned tables for people.
    #[default]
    Text,
    /// One JSON document for scripts (schema: docs/report-schema.md).
    Json,
}

/// The input a command reads.
#[derive(Debug, clap::Args)]
pub(crate) struct Input {
    /// The input: a binary trace, a JSON Lines trace, or a log with Omega lines
    /// ([OmegaWTKGPU], [OmegaGTEResource], [OmegaWTKSync], engine debug and NSLog
    /// lines), detected by content; `-` reads standard input (a pipe is read
    /// whole, once). A damaged input is read as far as it goes and the damage
    /// reported.
    #[arg(value_name = "INPUT")]
    pub(crate) input: PathBuf,
}

impl Input {
    /// The input's path.
    pub(crate) fn path(&self) -> &Path {
        &self.input
    }
}

/// `--format`.
#[derive(Debug, clap::Args)]
pub(crate) struct Output {
    /// Output format: text, or one JSON document (schema: docs/report-schema.md).
    #[arg(long, value_enum, default_value_t)]
    pub(crate) format: Format,
}

/// `-o/--out`, required.
#[derive(Debug, clap::Args)]
pub(crate) struct Out {
    /// The file to write (`-`: standard output); a `.jsonl` name (or `-`) writes a
    /// JSON Lines trace, any other name a binary trace.
    #[arg(short, long, value_name = "FILE")]
    pub(crate) out: PathBuf,
}

/// `-o/--out`, with a default.
#[derive(Debug, clap::Args)]
pub(crate) struct MaybeOut {
    /// The file to write; a `.jsonl` name writes a JSON Lines trace, any other name
    /// a binary trace.
    #[arg(short, long, value_name = "FILE")]
    pub(crate) out: Option<PathBuf>,
}

/// `--fail-on`.
#[derive(Debug, clap::Args)]
pub(crate) struct FailOn {
    /// Exit 1 when a finding is at this level or worse: `warning` or `error`.
    /// `check`: a failed guardrail has its own severity (default: error).
    /// `diff`: a regression is an error (default: never fail).
    #[arg(long, value_parser = parse_severity)]
    pub(crate) fail_on: Option<Severity>,
}

fn parse_severity(name: &str) -> Result<Severity, String> {
    Severity::from_name(name)
        .ok_or_else(|| format!("unknown severity {name:?}: use warning or error"))
}

/// One `--release-model` value: a model for the stream, or for one resource type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum ReleaseEntry {
    Stream(ReleaseModel),
    Type(String, ReleaseModel),
}

/// `--release-model`, in every command whose answer depends on it (`report`,
/// `check`, `explain`, `diff`).
#[derive(Debug, Default, clap::Args)]
pub(crate) struct ReleaseArg {
    /// Hold the input to this release model instead of the one it declares:
    /// `immediate` (Vulkan vkDestroy*, D3D12: destroying what submitted GPU work
    /// still uses is an error), `deferred` (Metal, WebGPU/wgpu: a destroy is a
    /// release, freeing waits for the GPU), or `TYPE=MODEL` for one resource type
    /// (repeatable). Replaces everything the input declares.
    #[arg(long = "release-model", value_name = "MODEL|TYPE=MODEL", value_parser = parse_release)]
    release_model: Vec<ReleaseEntry>,
}

impl ReleaseArg {
    /// The models given, if any.
    pub(crate) fn models(&self) -> Option<ReleaseModels> {
        if self.release_model.is_empty() {
            return None;
        }
        let mut models = ReleaseModels::default();
        for entry in &self.release_model {
            match entry {
                ReleaseEntry::Stream(m) => models.stream = Some(*m),
                ReleaseEntry::Type(ty, m) => {
                    models.by_type.insert(ty.clone(), *m);
                }
            }
        }
        Some(models)
    }

    /// An analyzer with the default definitions holding the input to the models given.
    pub(crate) fn analyzer(&self) -> Analyzer {
        let analyzer = Analyzer::new(Definitions::default());
        match self.models() {
            Some(models) => analyzer.with_release_models(models),
            None => analyzer,
        }
    }
}

fn model(name: &str) -> Result<ReleaseModel, String> {
    ReleaseModel::from_name(name)
        .ok_or_else(|| format!("unknown release model {name:?}: use immediate or deferred"))
}

fn parse_release(value: &str) -> Result<ReleaseEntry, String> {
    match value.split_once('=') {
        None => model(value).map(ReleaseEntry::Stream),
        Some((ty, m)) if !ty.is_empty() => Ok(ReleaseEntry::Type(ty.to_owned(), model(m)?)),
        Some(_) => Err(format!(
            "{value:?} names no resource type: use TYPE=MODEL, e.g. Texture=immediate"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn models_and_per_type_entries_parse_and_bad_ones_say_why() {
        assert_eq!(
            parse_release("deferred"),
            Ok(ReleaseEntry::Stream(ReleaseModel::Deferred))
        );
        assert_eq!(
            parse_release("Texture=immediate"),
            Ok(ReleaseEntry::Type(
                "Texture".into(),
                ReleaseModel::Immediate
            ))
        );
        assert_eq!(
            parse_release("lazy"),
            Err("unknown release model \"lazy\": use immediate or deferred".into())
        );
        assert_eq!(
            parse_release("=deferred"),
            Err(
                "\"=deferred\" names no resource type: use TYPE=MODEL, e.g. Texture=immediate"
                    .into()
            )
        );
    }
}

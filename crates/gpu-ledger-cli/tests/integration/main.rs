//! The `gpu-ledger` binary end to end: real files, real processes.

#[path = "../util.rs"]
mod util;

// report, explain and export over traces, damaged traces and Omega logs.
mod analyse;
// check: guardrail verdicts and their exit codes.
mod check;
// graph, timeline and diff: the on-demand dumps and the regression gate.
mod dump;
// export --to perfetto|chrome and report --html: the pictures of a run.
mod pictures;
// Issue 9: outputs never destroy data, pipes are read whole, errors say what is
// wrong, names never forge a line.
mod hardening;
// synth and overhead: the measurement entry points.
mod measure;
// export --to parquet, read back by DuckDB.
#[cfg(feature = "parquet")]
mod parquet;
// docs/report-schema.md against every JSON document the commands print.
mod schema;
// The main job: the demo compositor on the first GPU adapter.
#[cfg(feature = "demo")]
mod demo;

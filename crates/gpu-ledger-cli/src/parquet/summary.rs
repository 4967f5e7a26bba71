//! The summary table: one row per run, the report's headline figures as columns, for
//! ranking and gating thousands of runs (`docs/parquet.md` lists every column).
//!
//! Every figure is copied from the library's [`Report`], never recomputed: a column
//! means exactly what the report's field of the same name means
//! (`docs/report-schema.md`), and a ratio the report leaves `null` (nothing presented)
//! is null here. Per-type counts are maps from the type's name to the count. The
//! schema is built from the row itself, so a column cannot be declared and forgotten.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use gpu_ledger::FindingSeverity;
use gpu_ledger::analysis::{Ending, Report, Severity, Window, WindowReport};
use gpu_ledger::input::InputSummary;
use parquet::data_type::{BoolType, ByteArray, ByteArrayType, DoubleType, Int64Type};
use parquet::errors::Result;
use parquet::file::writer::SerializedRowGroupWriter;

use super::columns::{Column, file_writer, write_repeated};

/// One run, as the summary table describes it.
#[derive(Debug)]
pub(crate) struct RunSummary<'a> {
    /// The run's id (as in its event table).
    pub(crate) run_id: &'a str,
    /// The input, as given.
    pub(crate) input: &'a Path,
    /// What reading it found.
    pub(crate) read: &'a InputSummary,
    /// The report on it.
    pub(crate) report: &'a Report,
}

/// One cell of the row: a nullable scalar, a map from names to counts, or a list of
/// names.
enum Value {
    U64(Option<u64>),
    F64(Option<f64>),
    Bool(Option<bool>),
    Text(Option<String>),
    Counts(BTreeMap<String, u64>),
    Names(Vec<String>),
}

impl Value {
    /// The column's declaration in Parquet's schema language.
    fn declare(&self, name: &str) -> String {
        let entry = |key: &str, value: &str| {
            format!("required group {name} ({key}) {{ repeated group {value} }}")
        };
        match self {
            Value::U64(_) => format!("optional int64 {name} (INTEGER(64,false));"),
            Value::F64(_) => format!("optional double {name};"),
            Value::Bool(_) => format!("optional boolean {name};"),
            Value::Text(_) => format!("optional binary {name} (STRING);"),
            Value::Counts(_) => entry(
                "MAP",
                "key_value { required binary key (STRING); required int64 value (INTEGER(64,false)); }",
            ),
            Value::Names(_) => entry("LIST", "list { required binary element (STRING); }"),
        }
    }

    /// Writes the cell as the row group's next leaf column(s).
    fn write_into<W: Write + Send>(
        &self,
        group: &mut SerializedRowGroupWriter<'_, W>,
    ) -> Result<()> {
        match self {
            Value::U64(v) => scalar::<Int64Type, W>(group, v.map(|v| v as i64)),
            Value::F64(v) => scalar::<DoubleType, W>(group, *v),
            Value::Bool(v) => scalar::<BoolType, W>(group, *v),
            Value::Text(v) => scalar::<ByteArrayType, W>(group, v.as_deref().map(ByteArray::from)),
            Value::Counts(map) => {
                let keys: Vec<ByteArray> =
                    map.keys().map(|k| ByteArray::from(k.as_str())).collect();
                let values: Vec<i64> = map.values().map(|&v| v as i64).collect();
                write_repeated::<ByteArrayType, W>(group, &keys)?;
                write_repeated::<Int64Type, W>(group, &values)
            }
            Value::Names(names) => {
                let names: Vec<ByteArray> =
                    names.iter().map(|n| ByteArray::from(n.as_str())).collect();
                write_repeated::<ByteArrayType, W>(group, &names)
            }
        }
    }
}

fn scalar<D: parquet::data_type::DataType, W: Write + Send>(
    group: &mut SerializedRowGroupWriter<'_, W>,
    value: Option<D::T>,
) -> Result<()> {
    let mut column = Column::<D>::optional();
    column.push_opt(value);
    column.write_into(group)
}

/// The `seq` of the shutdown window's first event: the marker itself, or the event
/// just after the last present when the shutdown was inferred; `None` without one.
fn shutdown_seq(ending: &Ending) -> Option<u64> {
    let from = ending.shutdown_from_seq?;
    match ending.shutdown.as_str() {
        "inferred" => Some(from + 1),
        _ => Some(from),
    }
}

/// The row's cells, in column order.
fn row(run: &RunSummary<'_>) -> Vec<(String, Value)> {
    let r = run.report;
    let mut cells: Vec<(String, Value)> = Vec::new();
    let mut cell = |name: &str, value: Value| cells.push((name.to_owned(), value));
    cell("run_id", Value::Text(Some(run.run_id.to_owned())));
    cell("input", Value::Text(Some(run.input.display().to_string())));
    cell(
        "input_kind",
        Value::Text(Some(run.read.kind_name().to_owned())),
    );
    cell("input_clean", Value::Bool(Some(run.read.is_clean())));
    cell("source", Value::Text(Some(r.stream.source.clone())));
    cell("start_unix_ns", Value::U64(Some(r.stream.start_unix_ns)));
    cell("origin_ns", Value::U64(r.origin_ns));
    cell("events", Value::U64(Some(r.totals.events)));
    cell("lost_events", Value::U64(Some(r.lost_events)));
    cell("stabilised", Value::Bool(Some(r.startup.stabilised)));
    cell(
        "startup_frames_presented",
        Value::U64(Some(r.startup.frames_presented)),
    );
    cell("stabilisation_ms", Value::F64(r.startup.stabilisation_ms));
    cell("stable_present_ns", Value::U64(r.startup.end_ns));
    cell(
        "stable_present_seq",
        Value::U64(r.startup.stable_present_seq),
    );
    cell("shutdown", Value::Text(Some(r.ending.shutdown.clone())));
    cell("shutdown_seq", Value::U64(shutdown_seq(&r.ending)));
    cell("presented", Value::U64(Some(r.totals.presented)));
    cell("created", Value::U64(Some(r.totals.created)));
    cell("destroyed", Value::U64(Some(r.totals.destroyed)));
    cell("churn_ratio", Value::F64(r.totals.churn_ratio));
    cell("live_at_end", Value::U64(Some(r.totals.live_at_end)));
    cell("short_lived", Value::U64(Some(r.totals.short_lived)));
    cell("rebuilds", Value::U64(Some(r.totals.rebuilds)));
    for window in [Window::Startup, Window::Steady, Window::Shutdown] {
        let w = r.window(window).cloned().unwrap_or_default();
        let name = window.name();
        let mut cell = |field: &str, value: Value| cells.push((format!("{name}_{field}"), value));
        cell("start_ns", Value::U64(w.start_ns));
        cell("end_ns", Value::U64(w.end_ns));
        cell("events", Value::U64(Some(w.events)));
        cell("presented", Value::U64(Some(w.packets.presented)));
        cell("created", Value::U64(Some(w.created_total())));
        cell("destroyed", Value::U64(Some(w.destroyed_total())));
        cell("churn_ratio", Value::F64(w.churn_ratio));
        cell(
            "short_lived",
            Value::U64(Some(w.short_lived.values().sum())),
        );
        cell("rebuilds", Value::U64(Some(w.rebuilds.values().sum())));
        cell("lost_events", Value::U64(Some(w.lost_events)));
        let WindowReport {
            created, destroyed, ..
        } = w;
        cell("created_by_type", Value::Counts(created));
        cell("destroyed_by_type", Value::Counts(destroyed));
    }
    let mut cell = |name: &str, value: Value| cells.push((name.to_owned(), value));
    let loops = &r.recreate_loops;
    cell("recreate_loops", Value::U64(Some(loops.len() as u64)));
    cell(
        "recreate_loops_non_transient",
        Value::U64(Some(loops.iter().filter(|l| !l.transient).count() as u64)),
    );
    let failed = |level| {
        r.failed_guardrails(level)
            .iter()
            .map(|g| g.id.clone())
            .collect::<Vec<_>>()
    };
    cell(
        "guardrail_errors",
        Value::U64(Some(failed(Severity::Error).len() as u64)),
    );
    cell("failed_guardrails", Value::Names(failed(Severity::Warning)));
    cell("anomalies", Value::U64(Some(r.anomalies.total)));
    cell("findings", Value::U64(Some(r.findings.total)));
    let errors = r.findings.by_severity.get(FindingSeverity::Error.name());
    cell(
        "finding_errors",
        Value::U64(Some(errors.copied().unwrap_or(0))),
    );
    let top = r.top_contributors.first();
    cell(
        "top_owner_kind",
        Value::Text(top.map(|c| c.owner_kind.clone())),
    );
    cell("top_owner_key", Value::U64(top.map(|c| c.owner_key)));
    cell(
        "top_owner_churn",
        Value::U64(top.map(|c| c.created + c.destroyed)),
    );
    cell(
        "definitions",
        Value::Text(serde_json::to_string(&r.definitions).ok()),
    );
    cells
}

/// Writes the summary table of one run into `out` (one row group of one row) and
/// returns the output, flushed.
///
/// # Errors
/// The first error writing the file.
pub(crate) fn write_summary<W: Write + Send>(out: W, run: &RunSummary<'_>) -> Result<W> {
    let cells = row(run);
    let declarations: Vec<String> = cells.iter().map(|(name, v)| v.declare(name)).collect();
    let schema = format!("message gpu_ledger_run {{\n{}\n}}", declarations.join("\n"));
    let mut file = file_writer(out, &schema, &[])?;
    let mut group = file.next_row_group()?;
    for (_, value) in &cells {
        value.write_into(&mut group)?;
    }
    group.close()?;
    let mut out = file.into_inner()?;
    out.flush()?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use gpu_ledger::analysis::Analyzer;

    #[test]
    fn every_summary_column_has_its_own_name() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("empty.jsonl");
        std::fs::write(
            &path,
            "{\"type\":\"header\",\"format\":\"gpu-ledger-trace\",\"version\":1,\"start_unix_ns\":0,\"source\":\"\"}\n",
        )
        .unwrap();
        let mut analyzer = Analyzer::default();
        let read = gpu_ledger::input::replay(&path, &mut analyzer).unwrap();
        let report = analyzer.report();
        let run = RunSummary {
            run_id: "r",
            input: &path,
            read: &read,
            report: &report,
        };
        let mut names: Vec<String> = row(&run).into_iter().map(|(name, _)| name).collect();
        let columns = names.len();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), columns, "a column name is used twice");
    }
}

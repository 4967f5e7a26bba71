//! [`ReportDiff`]: two [`Report`]s side by side — before and after an
//! optimisation, or the `legacy` against the `pooled` architecture — and whether
//! the new one regressed.
//!
//! It compares what the reports already say (startup frames presented,
//! stabilisation time, churn ratios overall and per window, creates and destroys
//! per type per window, top contributors and recreate loops that appeared or
//! disappeared, anomalies, lost events) and never looks at events, so it is a pure
//! function of its two inputs: the same reports always give the same diff. The
//! regression rule is fixed and documented on [`ReportDiff::regressed`] and in
//! `docs/report-schema.md`; it must stay a strict comparison of rounded values,
//! so that a report diffed against itself never regresses.

use std::collections::BTreeSet;
use std::fmt::Write as _;

#[cfg(feature = "json")]
use serde::{Serialize, Serializer};

use crate::analysis::fold::windows::Window;
use crate::analysis::report::numbers::{count, round3};
use crate::analysis::report::render::table::Table;
use crate::analysis::report::schema::Report;
use crate::analysis::report::schema::sections::{
    Contributor, RecreateLoop, TypeCounts, WindowReport,
};
use crate::text::Escaped;

/// The value of [`ReportDiff::format`].
pub const DIFF_FORMAT: &str = "gpu-ledger-diff";

/// The regression rule, as the diff states it.
pub const REGRESSION_RULE: &str = "NEW regresses when, against BASE, its startup or steady-state \
churn ratio is higher, it presents more startup frames, it takes longer to stabilise, or it no \
longer stabilises (strict comparisons of the report's rounded values; a churn ratio that is null \
on either side is not compared)";

/// What a compared number measures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Unit {
    Count,
    Ms,
    Ratio,
}

/// One compared number.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "json", derive(Serialize))]
#[non_exhaustive]
pub struct DiffRow {
    /// What is compared, as a path into the report (`windows.startup.churn_ratio`).
    pub metric: String,
    /// BASE's value; `None` (JSON `null`) when BASE has none.
    #[cfg_attr(feature = "json", serde(serialize_with = "number"))]
    pub base: Option<f64>,
    /// NEW's value.
    #[cfg_attr(feature = "json", serde(serialize_with = "number"))]
    pub new: Option<f64>,
    /// `new - base`, when both have a value.
    #[cfg_attr(feature = "json", serde(serialize_with = "number"))]
    pub delta: Option<f64>,
    /// Whether the regression rule looks at this row.
    pub rule: bool,
    /// Whether NEW is worse than BASE here, by the rule.
    pub regressed: bool,
    #[cfg_attr(feature = "json", serde(skip))]
    unit: Unit,
}

/// Contributors or recreate loops in one report's list and not in the other's.
#[derive(Clone, Debug, Default, PartialEq)]
#[cfg_attr(feature = "json", derive(Serialize))]
#[non_exhaustive]
pub struct DiffChanges<T> {
    /// In NEW only.
    pub appeared: Vec<T>,
    /// In BASE only.
    pub disappeared: Vec<T>,
}

/// Two reports compared.
///
/// # Example
/// ```
/// use gpu_ledger::analysis::{Analyzer, ReportDiff};
/// use gpu_ledger::{Event, EventKind, EventSink, PacketRef, PacketStage};
///
/// let mut analyzer = Analyzer::default();
/// let kind = EventKind::Packet { packet: PacketRef::new(1, 1), stage: PacketStage::Presented };
/// analyzer.on_event(&Event { time_ns: 0, thread: 0, kind });
/// let report = analyzer.report();
/// let diff = ReportDiff::new(&report, &report);
/// assert!(!diff.regressed);
/// assert!(diff.regressions.is_empty());
/// ```
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "json", derive(Serialize))]
#[non_exhaustive]
pub struct ReportDiff {
    /// Always `"gpu-ledger-diff"`.
    pub format: String,
    /// Schema version, 1.
    pub version: u32,
    /// Whether NEW regressed against BASE: see [`REGRESSION_RULE`].
    pub regressed: bool,
    /// One sentence per regressed rule row.
    pub regressions: Vec<String>,
    /// The rule, in words.
    pub rule: String,
    /// Startup, churn, totals, loops, anomalies and lost events.
    pub metrics: Vec<DiffRow>,
    /// Creates and destroys per window and type (rows where either side is non-zero).
    pub types: Vec<DiffRow>,
    /// Anomalies per kind (rows where either side is non-zero).
    pub anomalies: Vec<DiffRow>,
    /// Top contributors (whole stream) that appeared or disappeared, by owner.
    pub contributors: DiffChanges<Contributor>,
    /// Recreate loops that appeared or disappeared, by (owner, type).
    pub recreate_loops: DiffChanges<RecreateLoop>,
}

impl ReportDiff {
    /// Compares `new` against `base`.
    pub fn new(base: &Report, new: &Report) -> Self {
        let mut metrics = Vec::new();
        let flag = |b: bool| if b { 1.0 } else { 0.0 };
        let count = |n: u64| Some(n as f64);
        let (bs, ns) = (&base.startup, &new.startup);
        metrics.push(row(
            "startup.stabilised",
            Some(flag(bs.stabilised)),
            Some(flag(ns.stabilised)),
            Unit::Count,
        ));
        let mut frames = row(
            "startup.frames_presented",
            count(bs.frames_presented),
            count(ns.frames_presented),
            Unit::Count,
        );
        frames.gate(higher_is_worse(frames.base, frames.new));
        metrics.push(frames);
        let mut stab = row(
            "startup.stabilisation_ms",
            bs.stabilisation_ms,
            ns.stabilisation_ms,
            Unit::Ms,
        );
        let lost_stability = bs.stabilised && !ns.stabilised;
        stab.gate(lost_stability || higher_is_worse(stab.base, stab.new));
        metrics.push(stab);
        let (bt, nt) = (&base.totals, &new.totals);
        for (name, b, n) in [
            ("totals.presented", bt.presented, nt.presented),
            ("totals.created", bt.created, nt.created),
            ("totals.destroyed", bt.destroyed, nt.destroyed),
        ] {
            metrics.push(row(name, count(b), count(n), Unit::Count));
        }
        metrics.push(row(
            "totals.churn_ratio",
            bt.churn_ratio,
            nt.churn_ratio,
            Unit::Ratio,
        ));
        for w in Window::ALL {
            let (bw, nw) = (base.window(w), new.window(w));
            let ratio = |r: Option<&WindowReport>| r.and_then(|r| r.churn_ratio);
            let mut churn = row(
                &format!("windows.{}.churn_ratio", w.name()),
                ratio(bw),
                ratio(nw),
                Unit::Ratio,
            );
            if w != Window::Shutdown {
                churn.gate(higher_is_worse(churn.base, churn.new));
            }
            metrics.push(churn);
            let presented = |r: Option<&WindowReport>| r.map(|r| r.packets.presented as f64);
            metrics.push(row(
                &format!("windows.{}.presented", w.name()),
                presented(bw),
                presented(nw),
                Unit::Count,
            ));
        }
        for (name, b, n) in [
            ("totals.short_lived", bt.short_lived, nt.short_lived),
            ("totals.rebuilds", bt.rebuilds, nt.rebuilds),
            (
                "recreate_loops",
                base.recreate_loops.len() as u64,
                new.recreate_loops.len() as u64,
            ),
            ("anomalies.total", base.anomalies.total, new.anomalies.total),
            ("lost_events", base.lost_events, new.lost_events),
        ] {
            metrics.push(row(name, count(b), count(n), Unit::Count));
        }

        let mut types = Vec::new();
        for w in Window::ALL {
            let (bw, nw) = (base.window(w), new.window(w));
            for what in ["created", "destroyed"] {
                let (bc, nc) = (counts(bw, what), counts(nw, what));
                let names: BTreeSet<&String> = bc
                    .into_iter()
                    .flat_map(|m| m.keys())
                    .chain(nc.into_iter().flat_map(|m| m.keys()))
                    .collect();
                for ty in names {
                    let get =
                        |m: Option<&TypeCounts>| m.and_then(|m| m.get(ty)).copied().unwrap_or(0);
                    let (b, n) = (get(bc), get(nc));
                    if b == 0 && n == 0 {
                        continue;
                    }
                    types.push(row(
                        &format!("windows.{}.{what}.{ty}", w.name()),
                        count(b),
                        count(n),
                        Unit::Count,
                    ));
                }
            }
        }

        let kinds: BTreeSet<&String> = base
            .anomalies
            .by_kind
            .keys()
            .chain(new.anomalies.by_kind.keys())
            .collect();
        let anomalies = kinds
            .into_iter()
            .filter_map(|k| {
                let b = base.anomalies.by_kind.get(k).copied().unwrap_or(0);
                let n = new.anomalies.by_kind.get(k).copied().unwrap_or(0);
                (b != 0 || n != 0)
                    .then(|| row(&format!("anomalies.{k}"), count(b), count(n), Unit::Count))
            })
            .collect();

        let owner = |c: &Contributor| (c.owner_kind.clone(), c.owner_key);
        let contributors = changes(&base.top_contributors, &new.top_contributors, owner);
        let key = |l: &RecreateLoop| (l.owner_kind.clone(), l.owner_key, l.resource_type.clone());
        let recreate_loops = changes(&base.recreate_loops, &new.recreate_loops, key);

        let regressions = metrics
            .iter()
            .filter(|r| r.regressed)
            .map(|r| {
                format!(
                    "{} went from {} to {}",
                    r.metric,
                    r.value(r.base),
                    r.value(r.new)
                )
            })
            .collect::<Vec<_>>();
        Self {
            format: DIFF_FORMAT.to_owned(),
            version: 1,
            regressed: !regressions.is_empty(),
            regressions,
            rule: REGRESSION_RULE.to_owned(),
            metrics,
            types,
            anomalies,
            contributors,
            recreate_loops,
        }
    }

    /// The diff as text: the verdict, then aligned base / new / delta tables.
    pub fn render_text(&self) -> String {
        let mut out = String::new();
        if self.regressed {
            let _ = writeln!(out, "Regressed: {}.", Escaped(&self.regressions.join("; ")));
        } else {
            out.push_str("No regression: NEW is no worse than BASE on startup and steady-state churn, startup frames or stabilisation.\n");
        }
        let _ = writeln!(out, "Rule: {}.", self.rule);
        for (title, rows) in [
            ("Metrics", &self.metrics),
            ("Creates and destroys per window and type", &self.types),
            ("Anomalies", &self.anomalies),
        ] {
            if rows.is_empty() {
                continue;
            }
            let _ = writeln!(out, "\n{title}");
            out.push_str(&table(rows).render(2));
        }
        let owners = &self.contributors;
        if !owners.appeared.is_empty() || !owners.disappeared.is_empty() {
            out.push_str("\nTop contributors\n");
            for (what, list) in [
                ("appeared", &owners.appeared),
                ("disappeared", &owners.disappeared),
            ] {
                for c in list {
                    let _ = writeln!(
                        out,
                        "  {what:<11}  {} {:#x} ({}, {})",
                        Escaped(&c.owner_kind),
                        c.owner_key,
                        count(c.created, "create", "creates"),
                        count(c.destroyed, "destroy", "destroys")
                    );
                }
            }
        }
        let loops = &self.recreate_loops;
        if !loops.appeared.is_empty() || !loops.disappeared.is_empty() {
            out.push_str("\nRecreate loops\n");
            for (what, list) in [
                ("appeared", &loops.appeared),
                ("disappeared", &loops.disappeared),
            ] {
                for l in list {
                    let _ = writeln!(
                        out,
                        "  {what:<11}  {} {:#x} {} ({} recreates, first in {})",
                        Escaped(&l.owner_kind),
                        l.owner_key,
                        Escaped(&l.resource_type),
                        l.recreates,
                        Escaped(&l.window)
                    );
                }
            }
        }
        out
    }

    /// The diff as pretty-printed JSON, fields in schema order (schema: `docs/report-schema.md`).
    #[cfg(feature = "json")]
    pub fn to_json_string(&self) -> String {
        serde_json::to_string_pretty(self)
            .unwrap_or_else(|e| format!("{{\"format\":\"{DIFF_FORMAT}\",\"error\":\"{e}\"}}"))
    }

    /// The same, as a JSON value (keys sorted), for tools that add fields to it.
    #[cfg(feature = "json")]
    pub fn to_json_value(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }
}

impl DiffRow {
    /// Makes the row part of the rule, regressed when `worse`.
    fn gate(&mut self, worse: bool) {
        self.rule = true;
        self.regressed = worse;
    }

    /// A value as text: counts as integers, the rest with 3 decimals, `-` for none.
    fn value(&self, v: Option<f64>) -> String {
        match (v, self.unit) {
            (None, _) => "-".to_owned(),
            (Some(v), Unit::Count) => format!("{v:.0}"),
            (Some(v), Unit::Ms | Unit::Ratio) => format!("{v:.3}"),
        }
    }

    fn delta_text(&self) -> String {
        match self.delta {
            Some(d) if d > 0.0 => format!("+{}", self.value(Some(d))),
            d => self.value(d),
        }
    }

    /// `worse`, `better` or `same` for rule rows; empty otherwise.
    fn verdict(&self) -> &'static str {
        match (self.rule, self.regressed) {
            (false, _) => "",
            (true, true) => "worse",
            (true, false) if self.delta.is_some_and(|d| d != 0.0) => "better",
            (true, false) => "same",
        }
    }
}

fn row(metric: &str, base: Option<f64>, new: Option<f64>, unit: Unit) -> DiffRow {
    DiffRow {
        metric: metric.to_owned(),
        base,
        new,
        delta: base.zip(new).map(|(b, n)| round3(n - b)),
        rule: false,
        regressed: false,
        unit,
    }
}

/// The creates (`what == "created"`) or destroys of a window.
fn counts<'a>(w: Option<&'a WindowReport>, what: &str) -> Option<&'a TypeCounts> {
    w.map(|w| {
        if what == "created" {
            &w.created
        } else {
            &w.destroyed
        }
    })
}

fn higher_is_worse(base: Option<f64>, new: Option<f64>) -> bool {
    matches!(base.zip(new), Some((b, n)) if n > b)
}

/// Items of `new` whose key is not in `base` (appeared), and the other way round.
fn changes<T: Clone, K: Ord>(base: &[T], new: &[T], key: impl Fn(&T) -> K) -> DiffChanges<T> {
    let bk: BTreeSet<K> = base.iter().map(&key).collect();
    let nk: BTreeSet<K> = new.iter().map(&key).collect();
    DiffChanges {
        appeared: new
            .iter()
            .filter(|x| !bk.contains(&key(x)))
            .cloned()
            .collect(),
        disappeared: base
            .iter()
            .filter(|x| !nk.contains(&key(x)))
            .cloned()
            .collect(),
    }
}

fn table(rows: &[DiffRow]) -> Table {
    let deltas: Vec<String> = rows.iter().map(DiffRow::delta_text).collect();
    // Right-align the signed deltas by hand: the table aligns only plain numbers.
    let width = deltas.iter().map(String::len).max().unwrap_or(0).max(5);
    let mut t = Table::new(&["metric", "base", "new", &format!("{:>width$}", "delta"), ""]);
    for (r, d) in rows.iter().zip(deltas) {
        t.row(vec![
            r.metric.clone(),
            r.value(r.base),
            r.value(r.new),
            format!("{d:>width$}"),
            r.verdict().to_owned(),
        ]);
    }
    t
}

/// Serialises a number as an integer when it is one, so counts read `7`, not `7.0`.
#[cfg(feature = "json")]
fn number<S: Serializer>(v: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(x) if x.fract() == 0.0 && x.abs() < 9.0e15 => s.serialize_i64(*x as i64),
        Some(x) => s.serialize_f64(*x),
        None => s.serialize_none(),
    }
}

//! The text rendering of a [`Report`]: what an engineer reads first.
//!
//! A headline answering the four exit questions, the guardrail verdicts, then aligned tables: windows,
//! types per window, destroy bursts, top contributors, recreate loops, destroy
//! causes with examples, lanes, per-packet stats, reuse, anomalies, definitions
//! and lost events. Times are milliseconds of stream time with three decimals,
//! owner keys are hexadecimal, and rows are in the report's (sorted) order, so the
//! same report always renders to the same text. It never reads anything but the
//! report, and every string of the report it prints (names, sentences that quote
//! them) goes through [`crate::text`], so only the renderer breaks lines.

use std::fmt::Write as _;

use crate::analysis::fold::attribution::DestroyCause;
use crate::analysis::fold::windows::Window;
use crate::analysis::report::numbers::{fixed3, ms};
use crate::analysis::report::schema::Report;
use crate::analysis::report::schema::guardrails::{Guardrail, Severity};
use crate::analysis::report::schema::sections::{PacketCount, ReleaseReport, WindowReport};
use crate::text::Escaped;
use crate::time::time_base;

use super::table::Table;

/// How to render a report as text.
///
/// # Example
/// ```
/// use gpu_ledger::analysis::TextOptions;
///
/// let opts = TextOptions::default().with_max_rows(3);
/// assert_eq!(opts.max_rows, 3);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct TextOptions {
    /// The most rows any list table shows (contributors, examples, pools…); default 10.
    pub max_rows: usize,
}

impl Default for TextOptions {
    fn default() -> Self {
        Self { max_rows: 10 }
    }
}

impl TextOptions {
    /// The same options showing at most `max_rows` rows per list.
    pub fn with_max_rows(mut self, max_rows: usize) -> Self {
        self.max_rows = max_rows;
        self
    }
}

fn n(v: u64) -> String {
    v.to_string()
}

fn t(ns: Option<u64>) -> String {
    fixed3(ns.map(ms))
}

/// `text` cut to at most `max` bytes (at a character boundary), marked when cut.
fn clipped(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_owned();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}... ({} bytes)", &text[..end], text.len())
}

fn section(out: &mut String, title: &str, body: &str) {
    let _ = write!(out, "\n{title}\n{body}");
}

impl Report {
    /// The report as aligned plain text, headline first.
    ///
    /// # Example
    /// ```
    /// use gpu_ledger::analysis::{Analyzer, TextOptions};
    ///
    /// let text = Analyzer::default().report().render_text(&TextOptions::default());
    /// assert!(text.contains("Nothing was destroyed."));
    /// ```
    pub fn render_text(&self, opts: &TextOptions) -> String {
        let mut out = String::new();
        let _ = write!(out, "gpu-ledger report: {} events", self.totals.events);
        if !self.stream.source.is_empty() {
            let _ = write!(out, " from \"{}\"", Escaped(&self.stream.source));
        }
        if let Some(w) = &self.window_filter {
            let _ = write!(out, ", {w} window only");
        }
        // The zero of every time below, the same in every output (`crate::time`).
        let _ = writeln!(out, "; {}", time_base(self.origin_ns));
        section(
            &mut out,
            "Headline",
            &self
                .headline
                .iter()
                .map(|h| format!("  {}\n", Escaped(h)))
                .collect::<String>(),
        );
        section(
            &mut out,
            &self.guardrails_title(),
            &format!("{}{}", self.release_line(), self.render_guardrails_text()),
        );
        self.text_windows(&mut out);
        self.text_types(&mut out);
        self.text_bursts(&mut out, opts);
        self.text_owners(&mut out, opts);
        self.text_causes(&mut out, opts);
        self.text_still_live(&mut out, opts);
        self.text_lanes(&mut out, opts);
        self.text_packets(&mut out);
        self.text_reuse(&mut out, opts);
        self.text_anomalies(&mut out, opts);
        self.text_findings(&mut out, opts);
        self.text_definitions(&mut out);
        let _ = write!(out, "\nLost events: {}\n", self.lost_events);
        out
    }

    /// The guardrail verdicts as text: one `PASS`, `WARN` (a failed warning) or
    /// `FAIL` (a failed error) line per guardrail, and, under each failed one, the
    /// events its evidence names.
    ///
    /// # Example
    /// ```
    /// use gpu_ledger::analysis::Analyzer;
    ///
    /// let text = Analyzer::default().report().render_guardrails_text();
    /// assert!(text.starts_with("  PASS  recreate-churn "));
    /// assert_eq!(text.lines().count(), 6); // one line per guardrail, all passed
    /// ```
    pub fn render_guardrails_text(&self) -> String {
        guardrails_text(&self.guardrails)
    }

    fn guardrails_title(&self) -> String {
        let failed = self.guardrails.iter().filter(|g| !g.passed).count();
        format!(
            "Guardrails: {failed} of {} failed{}",
            self.guardrails.len(),
            self.scope("guardrails")
        )
    }

    /// ` (whole run)` for a section a restricted report still tells for the whole
    /// run; ` (the run so far)` while the stream has not ended (a live summary),
    /// since the section then counts events past the window's end too.
    fn scope(&self, section: &str) -> &'static str {
        if !self.whole_run.iter().any(|s| s == section) {
            ""
        } else if self.ending.ended {
            " (whole run)"
        } else {
            " (the run so far)"
        }
    }

    /// Which release model the destroy checks applied, and where it came from, in
    /// one line a graphics engineer reads as they would an API's rules.
    ///
    /// # Example
    /// ```
    /// use gpu_ledger::analysis::Analyzer;
    /// use gpu_ledger::{ReleaseModel, ReleaseModels};
    ///
    /// let report = Analyzer::default()
    ///     .with_release_models(ReleaseModels::uniform(ReleaseModel::Deferred))
    ///     .report();
    /// assert!(report.release_sentence().starts_with("release model: deferred (a destroy is a release"));
    /// assert!(report.release_sentence().ends_with("[given on the command line]"));
    /// ```
    pub fn release_sentence(&self) -> String {
        release_text(&self.release)
    }

    fn release_line(&self) -> String {
        format!("  {}\n", self.release_sentence())
    }

    fn present_windows(&self) -> Vec<(Window, &WindowReport)> {
        Window::ALL
            .into_iter()
            .filter_map(|w| self.window(w).map(|r| (w, r)))
            .collect()
    }

    fn text_windows(&self, out: &mut String) {
        let mut table = Table::new(&[
            "window",
            "start_ms",
            "end_ms",
            "events",
            "queued",
            "submitted",
            "presented",
            "dropped",
            "noop",
            "failed",
            "created",
            "destroyed",
            "churn_ratio",
        ]);
        for (w, r) in self.present_windows() {
            table.row(vec![
                w.name().to_owned(),
                t(r.start_ns),
                t(r.end_ns),
                n(r.events),
                n(r.packets.queued),
                n(r.packets.submitted),
                n(r.packets.presented),
                n(r.packets.dropped),
                n(r.packets.noop),
                n(r.packets.failed),
                n(r.created_total()),
                n(r.destroyed_total()),
                fixed3(r.churn_ratio),
            ]);
        }
        let s = &self.startup;
        let body = format!(
            "{}  startup: {}\n  shutdown: {}\n  totals: created {}, destroyed {}, presented {}, churn ratio {}, live at end {}\n",
            table.render(2),
            Escaped(&s.note),
            Escaped(&self.ending.note),
            self.totals.created,
            self.totals.destroyed,
            self.totals.presented,
            fixed3(self.totals.churn_ratio),
            self.totals.live_at_end,
        );
        section(out, "Windows", &body);
    }

    fn text_types(&self, out: &mut String) {
        let mut table = Table::new(&[
            "type",
            "window",
            "created",
            "destroyed",
            "short_lived",
            "rebuilds",
            "avg_lifetime_ms",
            "rebuild",
            "replaced",
            "shutdown",
            "owner-removed",
            "unknown",
        ]);
        for (w, r) in self.present_windows() {
            for (ty, created) in &r.created {
                let destroyed = r.destroyed.get(ty).copied().unwrap_or(0);
                let rebuilds = r.rebuilds.get(ty).copied().unwrap_or(0);
                if created + destroyed + rebuilds == 0 {
                    continue;
                }
                let causes = r.destroy_causes.get(ty).copied().unwrap_or_default();
                let mut row = vec![
                    ty.clone(),
                    w.name().to_owned(),
                    n(*created),
                    n(destroyed),
                    n(r.short_lived.get(ty).copied().unwrap_or(0)),
                    n(rebuilds),
                    fixed3(r.avg_destroyed_lifetime_ms.get(ty).copied().flatten()),
                ];
                row.extend(DestroyCause::ALL.iter().map(|c| n(causes.get(*c))));
                table.row(row);
            }
        }
        let body = if table.is_empty() {
            "  (no resources)\n".to_owned()
        } else {
            table.render(2)
        };
        section(out, "Resource types by window (destroys by cause)", &body);
    }

    fn text_bursts(&self, out: &mut String, opts: &TextOptions) {
        let mut table = Table::new(&["window", "bucket_start_ms", "destroys"]);
        for (w, r) in self.present_windows() {
            for b in r.destroy_bursts.iter().take(opts.max_rows) {
                table.row(vec![
                    w.name().to_owned(),
                    t(Some(b.bucket_start_ns)),
                    n(b.count),
                ]);
            }
        }
        let title = format!(
            "Top destroy bursts ({:.3} ms buckets)",
            self.definitions.burst_bucket_ms
        );
        let body = if table.is_empty() {
            "  (no destroys)\n".to_owned()
        } else {
            table.render(2)
        };
        section(out, &title, &body);
    }

    fn text_owners(&self, out: &mut String, opts: &TextOptions) {
        let mut table = Table::new(&[
            "owner_kind",
            "owner_key",
            "churn",
            "recreated",
            "created",
            "destroyed",
            "teardown",
            "transient",
            "short_lived",
        ]);
        for c in self.top_contributors.iter().take(opts.max_rows) {
            table.row(vec![
                if c.owner_known {
                    c.owner_kind.clone()
                } else {
                    format!("{} (not named by the input)", c.owner_kind)
                },
                format!("{:#x}", c.owner_key),
                n(c.churn),
                n(c.recreated),
                n(c.created),
                n(c.destroyed),
                n(c.teardown),
                n(c.transient),
                n(c.short_lived),
            ]);
        }
        let body = if table.is_empty() {
            "  (none)\n".to_owned()
        } else {
            table.render(2)
        };
        let cs = &self.churn_sources;
        let title = format!(
            "Top churn contributors (churn = recreations and destroys beyond first creation and teardown; {} source{}{})",
            cs.sources,
            if cs.sources == 1 { "" } else { "s" },
            if cs.tied > 1 {
                format!(", {} tie at {}", cs.tied, cs.top_churn)
            } else {
                String::new()
            }
        );
        section(out, &title, &body);

        let mut table = Table::new(&[
            "owner_kind",
            "owner_key",
            "type",
            "recreates",
            "loop_cycles",
            "first_loop_ms",
            "window",
            "transient",
        ]);
        for l in self.recreate_loops.iter().take(opts.max_rows) {
            table.row(vec![
                l.owner_kind.clone(),
                format!("{:#x}", l.owner_key),
                l.resource_type.clone(),
                n(l.recreates),
                n(l.loop_cycles),
                t(Some(l.first_loop_ns)),
                l.window.clone(),
                if l.transient { "yes" } else { "no" }.to_owned(),
            ]);
        }
        let d = &self.definitions;
        let title = format!(
            "Recreate loops (R={} within T={:.3} ms): {} keys",
            d.recreate_loop_count, d.recreate_loop_window_ms, self.totals.recreate_loop_keys
        );
        let body = if table.is_empty() {
            "  (none)\n".to_owned()
        } else {
            table.render(2)
        };
        section(out, &title, &body);

        let mut table = Table::new(&["owner_kind", "owner_key", "short_lived"]);
        for o in self.short_lived.top_owners.iter().take(opts.max_rows) {
            table.row(vec![
                o.owner_kind.clone(),
                format!("{:#x}", o.owner_key),
                n(o.count),
            ]);
        }
        let title = format!(
            "Short-lived resources (within N={} packets or X={:.3} ms): {}",
            d.short_lived_packets, d.short_lived_ms, self.short_lived.count
        );
        let body = if table.is_empty() {
            "  (none)\n".to_owned()
        } else {
            table.render(2)
        };
        section(out, &title, &body);
    }

    fn text_causes(&self, out: &mut String, opts: &TextOptions) {
        let mut table = Table::new(&[
            "type",
            "rebuild",
            "replaced",
            "shutdown",
            "owner-removed",
            "unknown",
        ]);
        for (ty, c) in &self.destroy_causes.by_type {
            let mut row = vec![ty.clone()];
            row.extend(DestroyCause::ALL.iter().map(|cause| n(c.get(*cause))));
            table.row(row);
        }
        let mut body = if table.is_empty() {
            "  (no destroys)\n".to_owned()
        } else {
            table.render(2)
        };
        let mut ex = Table::new(&[
            "seq",
            "resource",
            "type",
            "owner",
            "cause",
            "window",
            "packet",
            "lifetime_ms",
            "evidence",
        ]);
        for e in self.destroy_causes.examples.iter().take(opts.max_rows) {
            let evidence: Vec<String> = e
                .evidence
                .iter()
                .map(|i| format!("#{} {}", i.seq, i.what))
                .collect();
            ex.row(vec![
                n(e.destroy_seq),
                n(e.resource_id),
                e.resource_type.clone(),
                format!("{} {:#x}", e.owner_kind, e.owner_key),
                e.cause.clone(),
                e.window.clone(),
                e.packet
                    .map_or_else(|| "-".to_owned(), |p| format!("{}/{}", p.lane, p.packet)),
                fixed3(e.lifetime_ms),
                if evidence.is_empty() {
                    "-".to_owned()
                } else {
                    evidence.join("; ")
                },
            ]);
        }
        if !ex.is_empty() {
            let _ = write!(
                body,
                "  examples ({} of {}):\n{}",
                self.destroy_causes.examples.len().min(opts.max_rows),
                self.destroy_causes.examples.len(),
                ex.render(2)
            );
        }
        section(out, "Destroy causes", &body);
    }

    fn text_still_live(&self, out: &mut String, opts: &TextOptions) {
        if self.still_live.is_empty() {
            return;
        }
        let mut table = Table::new(&[
            "owner_kind",
            "owner_key",
            "type",
            "live",
            "first_create_seq",
            "last_create_seq",
        ]);
        for g in self.still_live.iter().take(opts.max_rows) {
            table.row(vec![
                g.owner_kind.clone(),
                format!("{:#x}", g.owner_key),
                g.resource_type.clone(),
                n(g.count),
                n(g.first_create_seq),
                n(g.last_create_seq),
            ]);
        }
        let title = format!(
            "Still live at the end: {} (by owner and type)",
            self.totals.live_at_end
        );
        section(out, &title, &table.render(2));
    }

    fn text_lanes(&self, out: &mut String, opts: &TextOptions) {
        let mut table = Table::new(&[
            "lane",
            "presented",
            "dropped",
            "noop",
            "failed",
            "in_flight",
            "churn_ratio",
            "recent_churn",
            "p50_ms",
            "p95_ms",
            "max_ms",
        ]);
        for l in self.lanes.iter().take(opts.max_rows) {
            table.row(vec![
                n(l.lane),
                n(l.packets.presented),
                n(l.packets.dropped),
                n(l.packets.noop),
                n(l.packets.failed),
                n(l.in_flight),
                fixed3(l.churn_ratio),
                fixed3(l.recent.churn_ratio),
                fixed3(l.latency.p50_ms),
                fixed3(l.latency.p95_ms),
                fixed3(l.latency.max_ms),
            ]);
        }
        let title = format!(
            "Lanes ({} total; recent = last W={} packets){}",
            self.lanes.len(),
            self.definitions.lane_window_packets,
            self.scope("lanes")
        );
        let body = if table.is_empty() {
            "  (no packets)\n".to_owned()
        } else {
            table.render(2)
        };
        section(out, &title, &body);
    }

    fn text_packets(&self, out: &mut String) {
        let p = &self.per_packet;
        let max = |m: Option<PacketCount>| {
            m.map_or_else(
                || "-".to_owned(),
                |m| format!("{} (lane {} packet {})", m.count, m.lane, m.packet),
            )
        };
        let body = format!(
            "  finished {}, with churn {}, evicted {}\n  created in packets {} ({} per presented), outside {}\n  destroyed in packets {} ({} per presented), outside {}\n  most created in one packet: {}\n  most destroyed in one packet: {}\n",
            p.packets_finished,
            p.packets_with_churn,
            p.packets_evicted,
            p.created_in_packets,
            fixed3(p.created_per_presented),
            p.created_outside_packets,
            p.destroyed_in_packets,
            fixed3(p.destroyed_per_presented),
            p.destroyed_outside_packets,
            max(p.max_created),
            max(p.max_destroyed),
        );
        section(
            out,
            &format!("Per packet{}", self.scope("per_packet")),
            &body,
        );
    }

    fn text_reuse(&self, out: &mut String, opts: &TextOptions) {
        let r = &self.reuse;
        let nt = &r.native_targets;
        let rb = &r.resize_rebuilds;
        let mut body = format!(
            "  native targets: created {}, recreated {}, reused {}, single-use {}\n  queue reuse hit rate: {}\n  resize rebuilds: {} ({} resized, {} same size, {} unknown size)\n",
            nt.created,
            nt.recreated,
            nt.reused,
            nt.single_use,
            fixed3(r.queue_reuse_hit_rate),
            rb.total,
            rb.resized,
            rb.same_size,
            rb.unknown_size,
        );
        let mut pools = Table::new(&["pool", "owner_key", "type", "hits", "misses", "hit_rate"]);
        for p in r.pools.iter().take(opts.max_rows) {
            pools.row(vec![
                p.owner_kind.clone(),
                format!("{:#x}", p.owner_key),
                p.resource_type.clone(),
                n(p.hits),
                n(p.misses),
                fixed3(p.hit_rate),
            ]);
        }
        if !pools.is_empty() {
            let _ = write!(body, "  pools:\n{}", pools.render(2));
        }
        let mut cands = Table::new(&[
            "type",
            "width",
            "height",
            "created",
            "destroyed",
            "hits",
            "churn_removed",
            "pct",
            "pool_size",
        ]);
        for c in r.candidate_pools.iter().take(opts.max_rows) {
            cands.row(vec![
                c.resource_type.clone(),
                n(u64::from(c.width)),
                n(u64::from(c.height)),
                n(c.created),
                n(c.destroyed),
                n(c.would_be_hits),
                n(c.churn_removed),
                fixed3(c.churn_removed_pct),
                n(c.pool_size),
            ]);
        }
        if cands.is_empty() {
            body.push_str("  candidate pools: none\n");
        } else {
            let _ = write!(body, "  candidate pools:\n{}", cands.render(2));
        }
        section(out, &format!("Reuse{}", self.scope("reuse")), &body);
    }

    fn text_anomalies(&self, out: &mut String, opts: &TextOptions) {
        let a = &self.anomalies;
        let mut body = String::new();
        if a.total == 0 {
            body.push_str("  none\n");
        } else {
            let mut kinds = Table::new(&["kind", "count"]);
            for (k, c) in a.by_kind.iter().filter(|(_, c)| **c > 0) {
                kinds.row(vec![k.clone(), n(*c)]);
            }
            body.push_str(&kinds.render(2));
            let mut ex = Table::new(&["seq", "kind", "time_ms", "resource", "owner", "packet"]);
            let opt = |v: Option<u64>| v.map_or_else(|| "-".to_owned(), n);
            for e in a.examples.iter().take(opts.max_rows) {
                let owner = match (&e.owner_kind, e.owner_key) {
                    (Some(kind), Some(key)) => format!("{kind} {key:#x}"),
                    _ => "-".to_owned(),
                };
                let packet = match (e.lane, e.packet) {
                    (Some(lane), Some(packet)) => format!("{lane}/{packet}"),
                    _ => "-".to_owned(),
                };
                ex.row(vec![
                    n(e.seq),
                    e.kind.clone(),
                    t(Some(e.time_ns)),
                    opt(e.resource_id),
                    owner,
                    packet,
                ]);
            }
            let _ = write!(body, "  examples:\n{}", ex.render(2));
        }
        section(
            out,
            &format!("Anomalies: {}{}", a.total, self.scope("anomalies")),
            &body,
        );
    }

    fn text_findings(&self, out: &mut String, opts: &TextOptions) {
        let f = &self.findings;
        let count = |s: &str| f.by_severity.get(s).copied().unwrap_or(0);
        let mut body = String::new();
        if f.total == 0 {
            body.push_str("  none\n");
        } else {
            let mut codes = Table::new(&["severity", "code", "count"]);
            for c in f.by_code.iter().take(opts.max_rows) {
                codes.row(vec![c.severity.clone(), c.code.clone(), n(c.count)]);
            }
            body.push_str(&codes.render(2));
            if f.by_code.len() > opts.max_rows {
                let _ = writeln!(
                    body,
                    "  ... and {} more codes",
                    f.by_code.len() - opts.max_rows
                );
            }
            if f.untracked_codes > 0 {
                let _ = writeln!(
                    body,
                    "  {} findings of further codes are counted above but not by code",
                    f.untracked_codes
                );
            }
            let mut ex = Table::new(&[
                "seq", "time_ms", "line", "severity", "code", "resource", "packet",
            ]);
            let opt = |v: Option<u64>| v.map_or_else(|| "-".to_owned(), n);
            let mut messages = String::new();
            for e in f.examples.iter().take(opts.max_rows) {
                let packet = match (e.lane, e.packet) {
                    (Some(l), Some(p)) => format!("{l}/{p}"),
                    _ => "-".to_owned(),
                };
                ex.row(vec![
                    n(e.seq),
                    t(Some(e.time_ns)),
                    opt(e.line),
                    e.severity.clone(),
                    e.code.clone(),
                    opt(e.resource_id),
                    packet,
                ]);
                let message = clipped(&e.message, 300);
                let _ = writeln!(messages, "    #{}: {}", e.seq, Escaped(&message));
            }
            let _ = write!(body, "  examples:\n{}  messages:\n{messages}", ex.render(2));
        }
        section(
            out,
            &format!(
                "Findings reported by other checkers: {} ({} error, {} warning, {} info)",
                f.total,
                count("error"),
                count("warning"),
                count("info")
            ),
            &body,
        );
    }

    fn text_definitions(&self, out: &mut String) {
        let d = &self.definitions;
        let body = format!(
            "  K={} clean presents; transient owner kinds [{}]; per-frame types [{}]\n  short-lived: N={} packets or X={:.3} ms; recreate loop: R={} within T={:.3} ms\n  bursts: {:.3} ms buckets, top {}; lane window W={} packets; top {} contributors\n  causes: rebuild within {:.3} ms, replaced/look-ahead within {:.3} ms; candidate pool: >= {} hits\n  guardrails: recreate-churn <= {} keys; queue destroys <= {:.3}x presents; destroy-before-submit <= {}; destroy-in-flight <= {}; use-after-destroy <= {} (refs kept per packet: {}); error findings <= {}\n",
            d.stable_presents,
            Escaped(&d.transient_owner_kinds.join(", ")),
            Escaped(&d.per_frame_types.join(", ")),
            d.short_lived_packets,
            d.short_lived_ms,
            d.recreate_loop_count,
            d.recreate_loop_window_ms,
            d.burst_bucket_ms,
            d.top_bursts,
            d.lane_window_packets,
            d.top_contributors,
            d.rebuild_window_ms,
            d.replace_window_ms,
            d.pool_candidate_min_hits,
            d.recreate_churn_max_keys,
            d.queue_destroy_factor,
            d.destroy_before_submit_max,
            d.destroy_in_flight_max,
            d.use_after_destroy_max,
            d.max_packet_refs,
            d.error_findings_max,
        );
        section(out, "Definitions", &body);
    }
}

/// One `PASS`, `WARN` or `FAIL` line per guardrail, with the evidence of failed ones:
/// the one rendering of verdicts, for the report and `check` alike.
pub(crate) fn guardrails_text(guardrails: &[Guardrail]) -> String {
    let id_width = guardrails.iter().map(|g| g.id.len()).max().unwrap_or(0);
    let mut out = String::new();
    for g in guardrails {
        let status = match (g.passed, g.severity) {
            (true, _) => "PASS",
            (false, Severity::Warning) => "WARN",
            (false, Severity::Error) => "FAIL",
        };
        let _ = writeln!(
            out,
            "  {status}  {:<id_width$}  {:<7}  {}",
            g.id,
            g.severity.name(),
            Escaped(&g.message)
        );
        if !g.passed {
            for item in &g.evidence.items {
                let _ = writeln!(out, "        #{} {}", item.seq, Escaped(&item.what));
            }
        }
    }
    out
}

/// The release-model line of a report or a check: the model, per-type exceptions
/// and where they came from.
pub(crate) fn release_text(r: &ReleaseReport) -> String {
    let model = match r.model.as_deref() {
        Some("immediate") => "immediate (freed at the destroy call, like Vulkan vkDestroy*: \
                              destroying what submitted GPU work still uses is an error)"
            .to_owned(),
        Some("deferred") => "deferred (a destroy is a release, like Metal and WebGPU/wgpu: \
                             the API frees once the GPU is done)"
            .to_owned(),
        Some(other) => other.to_owned(),
        None => "not declared (destroys in flight are warnings; pass --release-model)".to_owned(),
    };
    let mut line = format!("release model: {model}");
    if !r.by_type.is_empty() {
        let types: Vec<String> = r.by_type.iter().map(|(t, m)| format!("{t} {m}")).collect();
        let _ = write!(line, "; per type: {}", types.join(", "));
    }
    if !r.unmatched_types.is_empty() {
        let _ = write!(
            line,
            " (no resource in this input has type {}: misspelt?)",
            r.unmatched_types.join(", ")
        );
    }
    let source = match r.source.as_str() {
        "override" => "given on the command line",
        "trace" => "declared by the trace",
        _ => "the trace declares none",
    };
    let _ = write!(line, " [{source}]");
    line
}

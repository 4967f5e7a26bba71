//! Restricting a [`Report`] to one window: every section that can be told by
//! window is told for it, and the sections that cannot are named as whole-run.
//!
//! The startup summary printed by `GPU_LEDGER_REPORT=1` and `report --window` are
//! restricted reports, so a reader never sees a headline about the whole run over
//! tables about startup. It builds from the report alone (every per-window figure
//! is in the window's section) and never reads the analyzer.

use crate::analysis::fold::windows::Window;
use crate::analysis::report::render::headline::headline;
use crate::analysis::report::schema::Report;
use crate::analysis::report::schema::sections::{Totals, Windows};

impl Report {
    /// The report restricted to `window`: only that window, and every section that
    /// can be told by window told for it — totals (with the resources live at the
    /// window's end), top contributors and churn sources, recreate loops,
    /// short-lived counts and owners, destroy causes and their examples, and the
    /// headline. The sections that describe the whole run are named in
    /// [`Report::whole_run`]: the startup summary, how the run ended, per-packet
    /// stats, lanes, reuse, anomalies, findings, lost events, the release models
    /// and the guardrails; the resources still live at the end of the run are kept only in
    /// a shutdown report.
    ///
    /// # Example
    /// ```
    /// use gpu_ledger::analysis::{Analyzer, Window};
    ///
    /// let report = Analyzer::default().report();
    /// let steady = report.restrict(Window::Steady);
    /// assert_eq!(steady.window_filter.as_deref(), Some("steady"));
    /// assert!(steady.window(Window::Steady).is_some());
    /// assert!(steady.window(Window::Startup).is_none());
    /// assert!(steady.whole_run.contains(&"guardrails".to_owned()));
    /// ```
    pub fn restrict(&self, window: Window) -> Report {
        let mut out = self.clone();
        let w = self.window(window).cloned().unwrap_or_default();
        out.window_filter = Some(window.name().to_owned());
        out.whole_run = [
            "startup",
            "ending",
            "per_packet",
            "lanes",
            "reuse",
            "anomalies",
            "findings",
            "lost_events",
            "release",
            "guardrails",
        ]
        .map(str::to_owned)
        .to_vec();
        out.windows = Windows::default();
        match window {
            Window::Startup => out.windows.startup = Some(w.clone()),
            Window::Steady => out.windows.steady = Some(w.clone()),
            Window::Shutdown => out.windows.shutdown = Some(w.clone()),
        }
        out.recreate_loops.retain(|l| l.window == window.name());
        out.totals = Totals {
            events: w.events,
            created: w.created_total(),
            destroyed: w.destroyed_total(),
            presented: w.packets.presented,
            churn_ratio: w.churn_ratio,
            live_at_end: w.live_at_end,
            short_lived: w.short_lived.values().sum(),
            rebuilds: w.rebuilds.values().sum(),
            recreate_loop_keys: out.recreate_loops.len() as u64,
        };
        out.top_contributors = w.top_contributors.clone();
        out.churn_sources = w.churn_sources;
        out.short_lived.count = out.totals.short_lived;
        out.short_lived.by_type = w.short_lived.clone();
        out.short_lived.top_owners = w.short_lived_owners.clone();
        out.destroy_causes.by_type = w.destroy_causes.clone();
        out.destroy_causes
            .examples
            .retain(|e| e.window == window.name());
        if window != Window::Shutdown {
            out.still_live.clear();
        }
        out.headline = headline(&out);
        out
    }
}

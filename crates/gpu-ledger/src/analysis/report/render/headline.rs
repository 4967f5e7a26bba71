//! The headline: the four exit questions answered in plain sentences, then warnings.
//!
//! Built from a finished [`Report`] only (never from the analyzer), so it states
//! exactly what the report's numbers say, in a fixed order with fixed decimals.

use crate::analysis::fold::attribution::DestroyCause;
use crate::analysis::fold::windows::Window;
use crate::analysis::report::schema::Report;
use crate::analysis::report::schema::sections::WindowReport;

/// The headline sentences of `r`.
pub(crate) fn headline(r: &Report) -> Vec<String> {
    let mut out = vec![startup_sentence(r)];
    out.push(destroy_sentence(r));
    out.push(top_churn_sentence(r));
    if let Some(l) = r.recreate_loops.iter().find(|l| !l.transient) {
        out.push(format!(
            "Recreate loop: {} {:#x} recreated its {} {} times, {} or more within {:.1} ms (first in {}).",
            l.owner_kind,
            l.owner_key,
            l.resource_type,
            l.recreates,
            r.definitions.recreate_loop_count,
            r.definitions.recreate_loop_window_ms,
            window_words(&l.window),
        ));
    }
    out.push(waste_sentence(r));
    if r.lost_events > 0 {
        out.push(format!(
            "Warning: the recorder lost {} events; every count may be low.",
            r.lost_events
        ));
    }
    if r.anomalies.total > 0 {
        out.push(format!(
            "Warning: {} anomalies in the input (see Anomalies).",
            r.anomalies.total
        ));
    }
    out
}

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn window_words(name: &str) -> &str {
    match name {
        "steady" => "steady state",
        other => other,
    }
}

fn startup_sentence(r: &Report) -> String {
    let s = &r.startup;
    let k = r.definitions.stable_presents;
    let frames = plural(s.frames_presented, "frame", "frames");
    match s.stabilisation_ms {
        Some(t) => format!(
            "Startup presented {frames} in {t:.1} ms before stabilising (K={k} clean presents)."
        ),
        None if r.totals.presented == 0 && r.window_filter.is_none() => {
            "No frames were presented: this stream has no packet information, so startup cannot be measured.".to_owned()
        }
        None => format!(
            "Startup never stabilised: {frames} presented without a run of K={k} clean presents."
        ),
    }
}

fn windows(r: &Report) -> Vec<(Window, &WindowReport)> {
    Window::ALL
        .into_iter()
        .filter_map(|w| r.window(w).map(|report| (w, report)))
        .collect()
}

fn destroy_sentence(r: &Report) -> String {
    let by_type = &r.destroy_causes.by_type;
    let focus = if by_type.get("CommandQueue").is_some_and(|c| c.total() > 0) {
        Some("CommandQueue".to_owned())
    } else {
        by_type
            .iter()
            .filter(|(_, c)| c.total() > 0)
            .max_by(|a, b| a.1.total().cmp(&b.1.total()).then(b.0.cmp(a.0)))
            .map(|(name, _)| name.clone())
    };
    let Some(ty) = focus else {
        return "Nothing was destroyed.".to_owned();
    };
    let mut parts: Vec<(u64, usize, usize, String)> = Vec::new();
    for (w, report) in windows(r) {
        let Some(c) = report.destroy_causes.get(&ty) else {
            continue;
        };
        for (ci, cause) in DestroyCause::ALL.into_iter().enumerate() {
            let n = c.get(cause);
            if n == 0 {
                continue;
            }
            let wn = window_words(w.name());
            let text = match cause {
                DestroyCause::Shutdown => format!("{n} in shutdown (teardown)"),
                DestroyCause::Rebuild => format!("{n} by rebuild in {wn}"),
                DestroyCause::Replaced => format!("{n} replaced in {wn}"),
                DestroyCause::OwnerRemoved => format!("{n} with their owner removed in {wn}"),
                DestroyCause::Unknown => format!("{n} unexplained in {wn}"),
            };
            parts.push((n, w.index(), ci, text));
        }
    }
    parts.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    let total: u64 = parts.iter().map(|p| p.0).sum();
    let list: Vec<String> = parts.into_iter().map(|p| p.3).collect();
    format!("{total} {ty} destroyed: {}.", list.join(", "))
}

fn top_churn_sentence(r: &Report) -> String {
    let Some(c) = r.top_contributors.first() else {
        return "No churn: nothing was created or destroyed.".to_owned();
    };
    let transient = if c.transient == 0 {
        String::new()
    } else if c.transient == c.created + c.destroyed {
        ", all transient".to_owned()
    } else {
        format!(", {} transient", c.transient)
    };
    let all = r.totals.created + r.totals.destroyed;
    let share = if all > 0 {
        (c.created + c.destroyed) as f64 * 100.0 / all as f64
    } else {
        0.0
    };
    format!(
        "Top churn: {} {:#x} ({}, {}{transient}; {share:.1}% of all churn).",
        c.owner_kind,
        c.owner_key,
        plural(c.created, "create", "creates"),
        plural(c.destroyed, "destroy", "destroys"),
    )
}

fn waste_sentence(r: &Report) -> String {
    let part = |w: Window| {
        r.window(w)
            .map(|x| (x.destroyed_total(), x.short_lived.values().sum::<u64>()))
    };
    let mut parts = Vec::new();
    if let Some((d, short)) = part(Window::Startup) {
        parts.push(format!("{d} destroys in startup ({short} short-lived)"));
    }
    if let Some((d, _)) = part(Window::Steady) {
        parts.push(format!("{d} in steady state"));
    }
    if let Some((d, _)) = part(Window::Shutdown) {
        parts.push(format!("{d} in shutdown (teardown)"));
    }
    format!("Startup waste vs teardown: {}.", parts.join(", "))
}

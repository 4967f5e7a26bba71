//! The headline: the four exit questions answered in plain sentences, then how the
//! run ended, the likely leaks and warnings.
//!
//! Built from a finished [`Report`] only (never from the analyzer), so it states
//! exactly what the report's numbers say — of the window a restricted report keeps
//! — in a fixed order with fixed decimals.

use crate::analysis::fold::attribution::DestroyCause;
use crate::analysis::fold::windows::Window;
use crate::analysis::report::numbers::{count, ms};
use crate::analysis::report::schema::Report;
use crate::analysis::report::schema::sections::{Contributor, LiveGroup, WindowReport};

/// The headline sentences of `r`.
pub(crate) fn headline(r: &Report) -> Vec<String> {
    let mut out = vec![startup_sentence(r)];
    out.extend(ending_sentence(r));
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
    out.extend(leak_sentence(r));
    out.push(waste_sentence(r));
    if r.lost_events > 0 {
        out.push(format!(
            "Warning: the recorder lost {} events; every count may be low.",
            r.lost_events
        ));
    }
    if r.anomalies.total > 0 {
        out.push(format!(
            "Warning: {} in the input (see Anomalies).",
            count(r.anomalies.total, "anomaly", "anomalies")
        ));
    }
    out
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
    let frames = count(s.frames_presented, "frame", "frames");
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

/// How the run ended, when it is not a plain shutdown marker.
fn ending_sentence(r: &Report) -> Option<String> {
    let e = &r.ending;
    match e.shutdown.as_str() {
        "inferred" => Some(format!(
            "No shutdown marker: shutdown inferred after the last present at {:.3} ms (the stream ended cleanly and nothing was queued or recreated after it).",
            e.shutdown_from_ns.map_or(0.0, ms)
        )),
        "none" if e.ended => Some(format!(
            "The run ended without a shutdown: {}. What followed the last present counts as {}, not as teardown.",
            e.reasons.join("; "),
            if r.startup.stabilised {
                "steady state"
            } else {
                "startup"
            }
        )),
        _ => None,
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

fn owner(c: &Contributor) -> String {
    format!("{} {:#x}", c.owner_kind, c.owner_key)
}

fn top_churn_sentence(r: &Report) -> String {
    let cs = &r.churn_sources;
    let unknown = cs.unknown_owner_created + cs.unknown_owner_destroyed;
    let unknown = if unknown > 0 {
        format!(
            " {} and {} have no known owner (the input does not name it), so they make no owner a churn source.",
            count(cs.unknown_owner_created, "create", "creates"),
            count(cs.unknown_owner_destroyed, "destroy", "destroys"),
        )
    } else {
        String::new()
    };
    let known: Vec<&Contributor> = r
        .top_contributors
        .iter()
        .filter(|c| c.owner_known)
        .collect();
    let Some(top) = known.first().filter(|c| c.churn > 0) else {
        let what = if r.totals.created + r.totals.destroyed == 0 {
            "No churn: nothing was created or destroyed."
        } else {
            "No churn source: no owner recreated or destroyed anything beyond its first creations and its teardown."
        };
        return format!("{what}{unknown}");
    };
    if cs.tied > 1 {
        let shown: Vec<String> = known
            .iter()
            .take_while(|c| c.churn == top.churn)
            .take(3)
            .map(|c| owner(c))
            .collect();
        let more = cs.tied.saturating_sub(shown.len() as u64);
        let more = if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        };
        return format!(
            "Top churn (beyond first creations and teardown): {} owners tie at {} each ({}{more}).{unknown}",
            cs.tied,
            top.churn,
            shown.join(", "),
        );
    }
    let outside = top.destroyed.saturating_sub(top.teardown);
    let transient = if top.transient > 0 {
        format!("; {} of its creates and destroys transient", top.transient)
    } else {
        String::new()
    };
    let all = r.totals.created + r.totals.destroyed;
    let share = if all > 0 {
        (top.recreated + outside) as f64 * 100.0 / all as f64
    } else {
        0.0
    };
    format!(
        "Top churn (beyond first creations and teardown): {} ({}, {} outside teardown{transient}; {share:.1}% of all creates and destroys).{unknown}",
        owner(top),
        count(top.recreated, "recreation", "recreations"),
        count(outside, "destroy", "destroys"),
    )
}

/// Resources still live after a shutdown: what, how many, whose.
fn leak_sentence(r: &Report) -> Option<String> {
    if r.ending.shutdown == "none" || r.still_live.is_empty() {
        return None;
    }
    let total = r.totals.live_at_end;
    let whose = |g: &LiveGroup| {
        if g.owner_known {
            format!("{} {:#x}", g.owner_kind, g.owner_key)
        } else {
            "an owner the input does not name".to_owned()
        }
    };
    let first = &r.still_live[0];
    if first.count == total {
        let created = if first.first_create_seq == first.last_create_seq {
            format!("created at event #{}", first.first_create_seq)
        } else {
            format!(
                "created from event #{} to #{}",
                first.first_create_seq, first.last_create_seq
            )
        };
        return Some(format!(
            "Likely leak: {total} {} still live after teardown, all owned by {} ({created}).",
            first.resource_type,
            whose(first),
        ));
    }
    let listed: Vec<String> = r
        .still_live
        .iter()
        .take(3)
        .map(|g| format!("{} {} of {}", g.count, g.resource_type, whose(g)))
        .collect();
    let rest = r.still_live.len().saturating_sub(3);
    let rest = if rest > 0 {
        format!(" and {rest} more (owner, type) groups")
    } else {
        String::new()
    };
    Some(format!(
        "Likely leak: {} still live after teardown: {}{rest}.",
        count(total, "resource", "resources"),
        listed.join(", ")
    ))
}

fn waste_sentence(r: &Report) -> String {
    let part = |w: Window| {
        r.window(w)
            .map(|x| (x.destroyed_total(), x.short_lived.values().sum::<u64>()))
    };
    let mut parts = Vec::new();
    if let Some((d, short)) = part(Window::Startup) {
        parts.push(format!(
            "{} in startup ({short} short-lived)",
            count(d, "destroy", "destroys")
        ));
    }
    if let Some((d, _)) = part(Window::Steady) {
        parts.push(format!("{d} in steady state"));
    }
    match part(Window::Shutdown) {
        Some(_) if r.ending.shutdown == "none" && r.ending.ended => {
            parts.push("no teardown (the run ended without a shutdown)".to_owned());
        }
        Some((d, _)) => parts.push(format!("{d} in shutdown (teardown)")),
        None => {}
    }
    format!("Startup waste vs teardown: {}.", parts.join(", "))
}

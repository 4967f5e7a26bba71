//! The README's pictures, made from the demo's real trace (`tests/data`): the HTML
//! report as Chromium draws it, and the Perfetto trace's tracks. ui.perfetto.dev
//! cannot be loaded offline, so the second picture is drawn by this test from the
//! `.pftrace` as `protoc` decodes it (track tree, same-named siblings merged as
//! Perfetto merges them, slices, instants, counters and flows), not by Perfetto's UI.
//!
//! Both are kept under `target/tmp/viz-artifacts/`; with
//! `GPU_LEDGER_UPDATE_SCREENSHOTS=1` they also replace `docs/img/*.png`.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use gpu_ledger::Tee;
use gpu_ledger::analysis::SeriesBuilder;
use gpu_ledger::format::replay_path;
use gpu_ledger_viz::{HtmlReport, PerfettoWriter};

use crate::util::{self, Decoded};

fn demo_trace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/ellipse-path-legacy.gltrace")
}

fn keep(shot: &Path, name: &str) {
    if std::env::var_os("GPU_LEDGER_UPDATE_SCREENSHOTS").is_some() {
        let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/img");
        std::fs::create_dir_all(&docs).expect("docs/img");
        std::fs::copy(shot, docs.join(name)).expect("the screenshot is copied");
    }
}

fn png_size(path: &Path) -> (u32, u32, usize) {
    let png = std::fs::read(path).expect("the screenshot was written");
    assert_eq!(
        &png[..8],
        b"\x89PNG\r\n\x1a\n",
        "{} is a PNG",
        path.display()
    );
    let word = |at: usize| u32::from_be_bytes(png[at..at + 4].try_into().expect("IHDR"));
    (word(16), word(20), png.len())
}

#[test]
fn readme_pictures_are_drawn_from_the_demo_trace() {
    let dir = util::artifacts();
    let pftrace = dir.join("ellipse-path-legacy.pftrace");
    let file = std::fs::File::create(&pftrace).expect("created");
    let mut sinks = Tee(
        PerfettoWriter::new(std::io::BufWriter::new(file)),
        SeriesBuilder::default(),
    );
    let summary = replay_path(demo_trace(), &mut sinks).expect("the demo trace reads");
    assert!(summary.is_clean());
    let report = sinks.0.report().expect("finished").clone();
    let series = sinks.1.series();
    sinks.0.finish().expect("the trace is written");
    assert_eq!(
        report.startup.frames_presented, 9,
        "the demo's ground truth"
    );

    // The HTML report, headline and charts.
    let page = dir.join("ellipse-path-legacy.html");
    std::fs::write(&page, HtmlReport::new(&report, &series).render()).expect("written");
    let shot = dir.join("report.png");
    util::chromium(
        &page,
        &[
            "--window-size=1200,1560",
            &format!("--screenshot={}", shot.display()),
        ],
    );
    let (w, h, bytes) = png_size(&shot);
    assert_eq!((w, h), (1200, 1560));
    assert!(
        bytes > 60_000,
        "charts drawn, not a blank page ({bytes} bytes)"
    );
    keep(&shot, "report.png");

    // The Perfetto trace's tracks, drawn from the decoded file.
    let trace = Decoded::read(&pftrace);
    let (svg, rows, height) = preview(&trace, 1200);
    for expected in [
        "Windows",
        "Findings",
        "lane 1",
        "live CommandQueue",
        "ChildVisual 0x100000003",
    ] {
        assert!(
            rows.iter().any(|r| r == expected),
            "a row {expected:?} in {rows:?}"
        );
    }
    let html = dir.join("perfetto-preview.html");
    std::fs::write(
        &html,
        format!(
            "<!DOCTYPE html><html><body style=\"margin:0;background:#fff\">{svg}</body></html>"
        ),
    )
    .expect("written");
    let shot = dir.join("perfetto.png");
    util::chromium(
        &html,
        &[
            &format!("--window-size=1200,{height}"),
            &format!("--screenshot={}", shot.display()),
        ],
    );
    let (w, _, bytes) = png_size(&shot);
    assert_eq!(w, 1200);
    assert!(bytes > 20_000, "tracks drawn ({bytes} bytes)");
    keep(&shot, "perfetto.png");
}

/// One drawn row: a label and the tracks merged into it (one sub-row each).
struct Row {
    label: String,
    indent: u32,
    tracks: Vec<u64>,
    counter: bool,
}

/// Lays the track tree out as Perfetto does (ranked and ordered children,
/// same-named siblings merged) and draws it as SVG `width` wide.
fn preview(trace: &Decoded, width: u32) -> (String, Vec<String>, u32) {
    let parent = |t: &util::Node| t.int("parent_uuid").map(|p| p as u64);
    let first_ts: HashMap<u64, u64> =
        trace
            .events
            .iter()
            .fold(HashMap::new(), |mut m, (_, ts, e)| {
                let track = e.int("track_uuid").expect("a track") as u64;
                let v = m.entry(track).or_insert(*ts);
                *v = (*v).min(*ts);
                m
            });
    let root = *trace
        .tracks
        .iter()
        .find(|(_, t)| parent(t).is_none())
        .expect("a root")
        .0;
    let mut rows = Vec::new();
    let mut groups: Vec<(u64, &util::Node)> = trace
        .tracks
        .iter()
        .filter(|(_, t)| parent(t) == Some(root))
        .map(|(u, t)| (*u, t))
        .collect();
    groups.sort_by_key(|(_, t)| t.int("sibling_order_rank").unwrap_or(0));
    for (uuid, group) in groups {
        let name = group.scalar("name").expect("named").to_owned();
        let mut merged: BTreeMap<String, Vec<u64>> = BTreeMap::new();
        for (child, t) in trace.tracks.iter().filter(|(_, t)| parent(t) == Some(uuid)) {
            merged
                .entry(t.scalar("name").expect("named").to_owned())
                .or_default()
                .push(*child);
        }
        if merged.is_empty() {
            rows.push(Row {
                label: name,
                indent: 0,
                tracks: vec![uuid],
                counter: false,
            });
            continue;
        }
        rows.push(Row {
            label: name,
            indent: 0,
            tracks: Vec::new(),
            counter: false,
        });
        let mut children: Vec<(String, Vec<u64>)> = merged.into_iter().collect();
        let rank = |tracks: &[u64]| {
            trace.tracks[&tracks[0]]
                .int("sibling_order_rank")
                .unwrap_or(0)
        };
        let first = |tracks: &[u64]| {
            tracks
                .iter()
                .filter_map(|t| first_ts.get(t))
                .min()
                .copied()
                .unwrap_or(u64::MAX)
        };
        match group.scalar("child_ordering") {
            Some("EXPLICIT") => children.sort_by_key(|(_, t)| rank(t)),
            Some("CHRONOLOGICAL") => children.sort_by_key(|(_, t)| first(t)),
            _ => {}
        }
        for (label, mut tracks) in children {
            tracks.sort_by_key(|t| first_ts.get(t).copied().unwrap_or(u64::MAX));
            let counter = trace.tracks[&tracks[0]].get("counter").is_some();
            rows.push(Row {
                label,
                indent: 1,
                tracks,
                counter,
            });
        }
    }

    let (t0, t1) = trace
        .events
        .iter()
        .fold((u64::MAX, 0), |(a, b), (_, ts, _)| (a.min(*ts), b.max(*ts)));
    let label_w = 250.0;
    let plot_w = f64::from(width) - label_w - 16.0;
    let x = |ts: u64| label_w + (ts - t0) as f64 / (t1 - t0).max(1) as f64 * plot_w;
    let mut events_by_track: HashMap<u64, Vec<&(usize, u64, util::Node)>> = HashMap::new();
    for e in &trace.events {
        events_by_track
            .entry(e.2.int("track_uuid").expect("a track") as u64)
            .or_default()
            .push(e);
    }
    let mut body = String::new();
    let mut y = 44.0;
    let mut flow_from: HashMap<String, (f64, f64)> = HashMap::new();
    let mut flow_to: HashMap<String, (f64, f64)> = HashMap::new();
    for row in &rows {
        let sub_h = if row.counter { 26.0 } else { 11.0 };
        let height = (row.tracks.len().max(1) as f64 * sub_h).max(16.0);
        let weight = if row.indent == 0 { "600" } else { "400" };
        let _ = write!(
            body,
            r##"<text x="{}" y="{}" font-size="11" font-weight="{weight}" fill="#1d2330">{}</text>"##,
            8 + row.indent * 14,
            y + 11.0,
            escape(&row.label)
        );
        for (k, track) in row.tracks.iter().enumerate() {
            let top = y + k as f64 * sub_h;
            let mut events = events_by_track.get(track).cloned().unwrap_or_default();
            events.sort_by_key(|(i, ts, _)| (*ts, *i));
            if row.counter {
                let max = events
                    .iter()
                    .filter_map(|(_, _, e)| e.int("counter_value"))
                    .max()
                    .unwrap_or(1)
                    .max(1) as f64;
                let mut points = String::new();
                let mut last = top + sub_h;
                for (_, ts, e) in &events {
                    let v = e.int("counter_value").unwrap_or(0) as f64;
                    let py = top + sub_h - 2.0 - v / max * (sub_h - 4.0);
                    let _ = write!(points, "{:.1},{last:.1} {:.1},{py:.1} ", x(*ts), x(*ts));
                    last = py;
                }
                let _ = write!(points, "{:.1},{last:.1}", x(t1));
                let _ = write!(
                    body,
                    r##"<polyline points="{points}" fill="none" stroke="#2f6fdb" stroke-width="1.2"/>"##
                );
                continue;
            }
            let mut open: Vec<(u64, String, Vec<String>)> = Vec::new();
            for (_, ts, e) in events {
                let name = trace.name(e).unwrap_or_default();
                match e.scalar("type") {
                    Some("TYPE_SLICE_BEGIN") => {
                        for id in e.scalars("flow_ids") {
                            flow_from.insert(id.to_owned(), (x(*ts), top + sub_h / 2.0));
                        }
                        for id in e.scalars("terminating_flow_ids") {
                            flow_to.insert(id.to_owned(), (x(*ts), top + sub_h / 2.0));
                        }
                        open.push((*ts, name, Vec::new()));
                    }
                    Some("TYPE_SLICE_END") => {
                        let (start, name, _) = open.pop().expect("balanced");
                        let depth = open.len();
                        let (h, dy) = if depth == 0 {
                            (sub_h - 2.0, 1.0)
                        } else {
                            (sub_h / 2.5, sub_h - sub_h / 2.5 - 1.0)
                        };
                        let _ = write!(
                            body,
                            r##"<rect x="{:.2}" y="{:.2}" width="{:.2}" height="{h:.2}" fill="{}"/>"##,
                            x(start),
                            top + dy,
                            (x(*ts) - x(start)).max(0.8),
                            colour(&name, depth)
                        );
                    }
                    Some("TYPE_INSTANT") => {
                        for id in e.scalars("terminating_flow_ids") {
                            flow_to.insert(id.to_owned(), (x(*ts), top + sub_h / 2.0));
                        }
                        let (cx, cy) = (x(*ts), top + 1.0);
                        let fill = if name.contains(": ")
                            || name.starts_with("startup")
                            || name.starts_with("shutdown")
                        {
                            "#c92a2a"
                        } else {
                            "#1d2330"
                        };
                        let _ = write!(
                            body,
                            r##"<path d="M{cx:.1},{:.1} l-3,-5 h6 z" fill="{fill}"/>"##,
                            cy + 6.0
                        );
                    }
                    _ => {}
                }
            }
        }
        y += height + 3.0;
    }
    let mut flows = String::new();
    for (id, (fx, fy)) in &flow_from {
        if let Some((tx, ty)) = flow_to.get(id) {
            let _ = write!(
                flows,
                r##"<path d="M{fx:.1},{fy:.1} C{:.1},{fy:.1} {:.1},{ty:.1} {tx:.1},{ty:.1}" fill="none" stroke="rgba(47,111,219,0.16)" stroke-width="1"/>"##,
                fx + 20.0,
                tx - 20.0
            );
        }
    }
    let height = (y + 10.0).ceil() as u32;
    let title = format!(
        "ellipse-path-legacy.pftrace: {} tracks, {} track events, {:.0} ms of stream time. Drawn by gpu-ledger's tests from protoc's decoding of the file (same-named sibling tracks merged as Perfetto merges them); not a screenshot of ui.perfetto.dev.",
        trace.tracks.len(),
        trace.events.len(),
        (t1 - t0) as f64 / 1e6
    );
    let svg = format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="system-ui, sans-serif"><rect width="100%" height="100%" fill="#fff"/><text x="8" y="20" font-size="12" fill="#5b6475">{}</text><line x1="{label_w}" y1="30" x2="{label_w}" y2="{height}" stroke="#dfe3ea"/>{body}{flows}</svg>"##,
        escape(&title)
    );
    (svg, rows.into_iter().map(|r| r.label).collect(), height)
}

/// Slice colours: packets by result, windows by name, resources by type.
fn colour(name: &str, depth: usize) -> &'static str {
    if depth > 0 {
        return match name {
            "queued" => "#fab005",
            "submitted" => "#7048e8",
            _ => "#15aabf",
        };
    }
    let first = name.split([' ', ':']).next().unwrap_or("");
    match first {
        "presented" => "#40c057",
        "dropped" => "#fd7e14",
        "no-op" => "#adb5bd",
        "failed" | "evicted" => "#e03131",
        "in" => "#4dabf7",
        "startup" => "#ffd43b",
        "steady" => "#8ce99a",
        "shutdown" => "#ced4da",
        "CommandQueue" => "#e8590c",
        "TextureTarget" => "#ae3ec9",
        "NativeTarget" => "#2f6fdb",
        "Visual" => "#1098ad",
        "Buffer" => "#5c940d",
        _ => "#868e96",
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

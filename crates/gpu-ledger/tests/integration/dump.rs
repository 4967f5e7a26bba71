//! The on-demand dumps, end to end on hand-built streams: the live resource graph
//! at a point in time, the compact timeline of a window (whole expected text), the
//! window spans a second pass is restricted to, and diffs of known reports.

use gpu_ledger::analysis::{ReportDiff, ResourceGraph, Timeline, TimelineKeep, Window, WindowSpan};
use gpu_ledger::{
    Dims, EventKind, Marker, Owner, OwnerKind, PacketRef, PacketStage, ResourceAction, ResourceId,
    ResourceType,
};

use crate::util::{MS, Stream};

const QUEUE: ResourceType = ResourceType::CommandQueue;
const TARGET: ResourceType = ResourceType::TextureTarget;
const TEXTURE: ResourceType = ResourceType::Texture;

fn root() -> Owner {
    Owner::new(OwnerKind::RootVisual, 1)
}

fn child() -> Owner {
    Owner::new(OwnerKind::ChildVisual, 0x20)
}

fn p(packet: u64) -> PacketRef {
    PacketRef::new(1, packet)
}

/// Startup: a queue outside packets, a target created in packet 1, rebuilt and
/// replaced in packet 2 (both presents unclean); packets 3-5 present clean, so
/// steady state starts at packet 3's present; packet 6 is dropped; then shutdown.
fn startup_stream() -> Stream {
    let mut s = Stream::new();
    let dims = Some(Dims::new(800, 600, 2.0));
    s.at(0)
        .res(ResourceAction::Create, 1, QUEUE, root(), None, None)
        .at(1)
        .stage(p(1), PacketStage::Queued { command_id: 10 })
        .at(1)
        .res(ResourceAction::Create, 2, TARGET, child(), Some(p(1)), dims)
        .at(2)
        .stage(p(1), PacketStage::Submitted)
        .at(3)
        .stage(p(1), PacketStage::Completed)
        .at(4)
        .present(p(1))
        .at(5)
        .stage(p(2), PacketStage::Queued { command_id: 11 })
        .at(5)
        .res(
            ResourceAction::ResizeRebuild,
            2,
            TARGET,
            child(),
            Some(p(2)),
            None,
        )
        .at(6)
        .res(
            ResourceAction::Destroy,
            2,
            TARGET,
            child(),
            Some(p(2)),
            None,
        )
        .at(6)
        .res(ResourceAction::Create, 3, TARGET, child(), Some(p(2)), dims)
        .at(7)
        .present(p(2))
        .at(8)
        .stage(p(3), PacketStage::Queued { command_id: 12 })
        .at(8)
        .push(EventKind::Touched {
            packet: p(3),
            resource: ResourceId(1),
        })
        .at(9)
        .present(p(3))
        .at(10)
        .present(p(4))
        .at(11)
        .present(p(5))
        .at(12)
        .stage(p(6), PacketStage::Dropped)
        .at(20)
        .push(EventKind::Marker(Marker::ShutdownBegins))
        .at(21)
        .res(ResourceAction::Destroy, 1, QUEUE, root(), None, None)
        .at(21)
        .res(ResourceAction::Destroy, 3, TARGET, child(), None, None);
    s
}

fn timeline(s: &Stream, window: Option<Window>, keep: TimelineKeep) -> String {
    let a = s.analyzer();
    let span = match window {
        Some(w) => WindowSpan::of(&a, w),
        None => WindowSpan::whole(&a),
    };
    let mut t = Timeline::new(span, keep);
    s.feed(&mut t);
    t.report().render_text()
}

fn graph_at(s: &Stream, at: Option<u64>) -> String {
    let mut g = ResourceGraph::new(at);
    s.feed(&mut g);
    g.graph().render_text()
}

#[test]
fn window_spans_partition_the_stream_at_the_analyzer_s_boundaries() {
    let s = startup_stream();
    let a = s.analyzer();
    let spans = Window::ALL.map(|w| WindowSpan::of(&a, w));
    // 0-12 startup (up to packet 3's present, event #13), 13-16 steady, 17-19 shutdown.
    let bounds: Vec<(u64, u64)> = spans.iter().map(|s| (s.start_seq, s.end_seq)).collect();
    assert_eq!(bounds, vec![(0, 13), (13, 17), (17, 20)]);
    let report = a.report();
    for (span, w) in spans.iter().zip(Window::ALL) {
        assert_eq!(
            span.len(),
            report.window(w).unwrap().events,
            "span and report disagree on {w:?}"
        );
    }
    assert_eq!(report.startup.stable_present_seq, Some(spans[1].start_seq));
}

#[test]
fn graph_at_a_time_shows_exactly_the_live_resources() {
    let s = startup_stream();
    // At 6 ms target 2 is destroyed and target 3 created; the queue was touched by packet 3 at 8 ms.
    let expected = concat!(
        "Resource graph at 8.000 ms since the stream started: 2 live resources, 2 owners (1 CommandQueue, 1 TextureTarget)\n",
        "  ChildVisual 0x20: 1 live (1 TextureTarget)\n",
        "    TextureTarget 3  age 2.000 ms  800x600 @2  last packet 1/2 at 6.000 ms\n",
        "  RootVisual 0x1: 1 live (1 CommandQueue)\n",
        "    CommandQueue 1  age 8.000 ms  last packet 1/3 at 8.000 ms\n",
    );
    assert_eq!(expected, graph_at(&s, Some(8 * MS)));
    // Just before 6 ms: target 2 is still the live one, rebuilt in packet 2.
    let expected = concat!(
        "Resource graph at 5.000 ms since the stream started: 2 live resources, 2 owners (1 CommandQueue, 1 TextureTarget)\n",
        "  ChildVisual 0x20: 1 live (1 TextureTarget)\n",
        "    TextureTarget 2  age 4.000 ms  800x600 @2  last packet 1/2 at 5.000 ms\n",
        "  RootVisual 0x1: 1 live (1 CommandQueue)\n",
        "    CommandQueue 1  age 5.000 ms  no packet\n",
    );
    assert_eq!(expected, graph_at(&s, Some(5 * MS)));
    // At the end everything was destroyed.
    assert_eq!(
        "Resource graph at 21.000 ms since the stream started: 0 live resources, 0 owners\n",
        graph_at(&s, None)
    );
}

#[test]
fn graph_json_lists_owners_and_counts_and_ignores_later_events() {
    let s = startup_stream();
    let mut g = ResourceGraph::new(Some(8 * MS));
    s.feed(&mut g);
    let graph = g.graph();
    assert_eq!((graph.at_ns, graph.at_ms), (8 * MS, 8.0));
    assert_eq!((graph.events_applied, graph.events_after), (13, 7));
    assert_eq!(graph.live, 2);
    let doc = graph.to_json_value();
    assert_eq!(doc["format"], "gpu-ledger-graph");
    assert_eq!(doc["version"], 1);
    assert_eq!(doc["by_type"]["CommandQueue"], 1);
    assert_eq!(doc["owners"][0]["owner_kind"], "ChildVisual");
    assert_eq!(doc["owners"][0]["resources"][0]["id"], 3);
    assert_eq!(
        doc["owners"][0]["resources"][0]["dims"],
        serde_json::json!({"width": 800, "height": 600, "scale": 2.0})
    );
    assert_eq!(
        doc["owners"][1]["resources"][0]["last_packet"],
        serde_json::json!({"lane": 1, "packet": 3, "time_ns": 8 * MS})
    );
    assert!(
        graph
            .to_json_string()
            .starts_with("{\n  \"format\": \"gpu-ledger-graph\",\n  \"version\": 1,")
    );
}

#[test]
fn timeline_of_the_startup_window_is_one_line_per_packet() {
    let s = startup_stream();
    let expected = concat!(
        "Timeline of the startup window: 0.000 to 9.000 ms, 13 events, 4 entries (3 packets); times in ms since the stream started, first event at 0.000, resource events outside packets in 1 ms buckets\n",
        "     at  packet     queued  submitted  completed  ended  outcome    resources\n",
        "  0.000  (outside)       -          -          -      -             +1 CommandQueue\n",
        "  1.000  1/1         1.000      2.000      3.000  4.000  presented  +1 TextureTarget\n",
        "  5.000  1/2         5.000          -          -  7.000  presented  +1 TextureTarget -1 TextureTarget ~1 rebuild\n",
        "  8.000  1/3         8.000          -          -      -  in-flight  1 touch\n",
    );
    assert_eq!(
        expected,
        timeline(&s, Some(Window::Startup), TimelineKeep::First(100))
    );
}

#[test]
fn timeline_of_the_shutdown_window_has_the_marker_and_a_bucket() {
    let s = startup_stream();
    let expected = concat!(
        "Timeline of the shutdown window: 20.000 to 21.000 ms, 3 events, 2 entries (0 packets); times in ms since the stream started, first event at 0.000, resource events outside packets in 1 ms buckets\n",
        "      at  packet     queued  submitted  completed  ended  outcome  resources\n",
        "  20.000  (marker)        -          -          -      -           ShutdownBegins\n",
        "  21.000  (outside)       -          -          -      -           -1 CommandQueue -1 TextureTarget\n",
    );
    assert_eq!(
        expected,
        timeline(&s, Some(Window::Shutdown), TimelineKeep::First(100))
    );
}

#[test]
fn timeline_last_n_keeps_the_last_packets_and_says_what_it_left_out() {
    let s = startup_stream();
    let expected = concat!(
        "Timeline of the whole stream: 0.000 to 21.000 ms, 20 events, 4 entries (2 packets); times in ms since the stream started, first event at 0.000, resource events outside packets in 1 ms buckets\n",
        "      at  packet     queued  submitted  completed   ended  outcome    resources                         ids\n",
        "  11.000  1/5             -          -          -  11.000  presented                                    -\n",
        "  12.000  1/6             -          -          -  12.000  dropped                                      -\n",
        "  20.000  (marker)        -          -          -       -             ShutdownBegins                    -\n",
        "  21.000  (outside)       -          -          -       -             -1 CommandQueue -1 TextureTarget  1 3\n",
        "  5 earlier entries not shown (4 of them packets): the limit keeps the last 2 packets\n",
    );
    assert_eq!(expected, timeline(&s, None, TimelineKeep::Last(2)));
    // The first N stop the timeline at the first packet left out.
    let first = timeline(&s, None, TimelineKeep::First(1));
    assert!(
        first.ends_with(
            "  8 later entries not shown (5 of them packets): the limit keeps the first 1 packet\n"
        ),
        "{first}"
    );
}

#[test]
fn timeline_json_counts_types_and_outcomes() {
    let s = startup_stream();
    let a = s.analyzer();
    let mut t = Timeline::new(WindowSpan::of(&a, Window::Startup), TimelineKeep::Last(10));
    s.feed(&mut t);
    let doc = t.report().to_json_value();
    assert_eq!(doc["format"], "gpu-ledger-timeline");
    assert_eq!(doc["window"], "startup");
    let entry = &doc["entries"][2];
    assert_eq!(entry["kind"], "packet");
    assert_eq!(
        (entry["lane"].as_u64(), entry["packet"].as_u64()),
        (Some(1), Some(2))
    );
    assert_eq!(entry["command_id"], 11);
    assert_eq!(entry["created"]["TextureTarget"], 1);
    assert_eq!(entry["destroyed"]["TextureTarget"], 1);
    assert_eq!(entry["rebuilds"], 1);
    assert_eq!(entry["outcome"], "presented");
    assert_eq!(
        entry["summary"],
        "+1 TextureTarget -1 TextureTarget ~1 rebuild"
    );
    let presented = doc["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["outcome"] == "presented")
        .count() as u64;
    assert_eq!(presented, a.report().startup.frames_presented);
}

/// The startup stream with one more unclean present: more startup churn, one more
/// startup frame and a later stabilisation (and a scratch texture in packet 3).
fn churnier_stream() -> Stream {
    let mut s = Stream::new();
    let dims = Some(Dims::new(800, 600, 2.0));
    s.at(0)
        .res(ResourceAction::Create, 1, QUEUE, root(), None, None)
        .at(1)
        .res(ResourceAction::Create, 2, TARGET, child(), Some(p(1)), dims)
        .at(4)
        .present(p(1))
        .at(6)
        .res(
            ResourceAction::Destroy,
            2,
            TARGET,
            child(),
            Some(p(2)),
            None,
        )
        .at(6)
        .res(ResourceAction::Create, 3, TARGET, child(), Some(p(2)), dims)
        .at(7)
        .present(p(2))
        .at(8)
        .res(
            ResourceAction::Destroy,
            3,
            TARGET,
            child(),
            Some(p(3)),
            None,
        )
        .at(8)
        .res(ResourceAction::Create, 4, TARGET, child(), Some(p(3)), dims)
        .at(8)
        .res(
            ResourceAction::Create,
            5,
            TEXTURE,
            child(),
            Some(p(3)),
            None,
        )
        .at(8)
        .res(
            ResourceAction::Destroy,
            5,
            TEXTURE,
            child(),
            Some(p(3)),
            None,
        )
        .at(9)
        .present(p(3))
        .at(10)
        .present(p(4))
        .at(11)
        .present(p(5))
        .at(12)
        .present(p(6))
        .at(20)
        .push(EventKind::Marker(Marker::ShutdownBegins))
        .at(21)
        .res(ResourceAction::Destroy, 1, QUEUE, root(), None, None)
        .at(21)
        .res(ResourceAction::Destroy, 4, TARGET, child(), None, None);
    s
}

#[test]
fn diff_of_a_report_with_itself_never_regresses() {
    let report = startup_stream().analyzer().report();
    let diff = ReportDiff::new(&report, &report);
    assert!(!diff.regressed);
    assert!(
        diff.metrics
            .iter()
            .all(|r| r.delta.is_none_or(|d| d == 0.0))
    );
    assert!(diff.contributors.appeared.is_empty() && diff.recreate_loops.appeared.is_empty());
    assert!(diff.render_text().starts_with("No regression: "));
}

#[test]
fn diff_of_two_known_reports_names_each_regression() {
    let base = startup_stream().analyzer().report();
    let new = churnier_stream().analyzer().report();
    assert_eq!(
        (base.startup.frames_presented, new.startup.frames_presented),
        (2, 3)
    );
    let diff = ReportDiff::new(&base, &new);
    assert!(diff.regressed);
    assert_eq!(
        diff.regressions,
        vec![
            "startup.frames_presented went from 2 to 3".to_owned(),
            "startup.stabilisation_ms went from 9.000 to 10.000".to_owned(),
            "windows.startup.churn_ratio went from 2.000 to 2.667".to_owned(),
        ]
    );
    let row = |name: &str| {
        diff.metrics
            .iter()
            .chain(&diff.types)
            .find(|r| r.metric == name)
            .unwrap_or_else(|| panic!("no row {name}"))
    };
    let startup_targets = row("windows.startup.created.TextureTarget");
    assert_eq!(
        (
            startup_targets.base,
            startup_targets.new,
            startup_targets.delta
        ),
        (Some(2.0), Some(3.0), Some(1.0))
    );
    assert!(!startup_targets.rule);
    let steady = row("windows.steady.churn_ratio");
    assert!(steady.rule && !steady.regressed);
    // Swapped, the same differences are improvements.
    let back = ReportDiff::new(&new, &base);
    assert!(!back.regressed, "{:?}", back.regressions);
    let doc = diff.to_json_value();
    assert_eq!(doc["format"], "gpu-ledger-diff");
    assert_eq!(doc["regressed"], true);
    assert_eq!(doc["metrics"][1]["metric"], "startup.frames_presented");
    assert_eq!(doc["metrics"][1]["base"], 2, "counts serialise as integers");
}

/// Every (id, (type, owner key)) a graph lists.
fn listed(graph: &gpu_ledger::analysis::Graph) -> std::collections::BTreeMap<u64, (String, u64)> {
    graph
        .owners
        .iter()
        .flat_map(|o| {
            o.resources
                .iter()
                .map(|r| (r.id, (r.resource_type.clone(), o.owner_key)))
        })
        .collect()
}

#[test]
fn graph_at_a_series_of_packets_and_times_matches_a_brute_force_replay() {
    use gpu_ledger::synth::{self, SynthConfig};
    use gpu_ledger::{Collected, LedgerConfig};

    let config = SynthConfig {
        events: 30_000,
        lanes: 2,
        live: 200,
        seed: 7,
    };
    let (_, finished) = synth::record(&config, LedgerConfig::default(), Collected::default())
        .expect("the workload records");
    let events = finished.into_sink::<Collected>().expect("our sink");
    // Every 97th packet that ended, on either lane, and the time of every 500th event.
    let ends: Vec<(usize, PacketRef)> = events
        .events
        .iter()
        .enumerate()
        .filter_map(|(i, e)| match e.kind {
            EventKind::Packet { packet, stage }
                if stage != PacketStage::Submitted
                    && stage != PacketStage::Completed
                    && !matches!(stage, PacketStage::Queued { .. }) =>
            {
                Some((i, packet))
            }
            _ => None,
        })
        .step_by(97)
        .collect();
    assert!(ends.len() > 20, "{} points", ends.len());
    for (i, packet) in ends {
        let mut graph = ResourceGraph::after_packet(packet);
        events.replay(&mut graph);
        assert_eq!(graph.missing_packet(), None);
        let graph = graph.graph();
        let expected = crate::util::live_after(&events, i as u64 + 1);
        assert_eq!(expected, listed(&graph), "after {packet}, event #{i}");
        assert_eq!(graph.at_ns, events.events[i].time_ns);
        assert_eq!(graph.events_applied, i as u64 + 1);
    }
    for i in (0..events.events.len()).step_by(500) {
        let t = events.events[i].time_ns;
        let mut graph = ResourceGraph::new(Some(t));
        events.replay(&mut graph);
        // Every event stamped at or before `t`: the last of them may come after `i`.
        let last = events.events.iter().rposition(|e| e.time_ns <= t).unwrap();
        let expected = crate::util::live_after(&events, last as u64 + 1);
        assert_eq!(expected, listed(&graph.graph()), "at {t} ns");
    }
}

#[test]
fn graph_after_a_packet_that_never_ended_says_so() {
    let mut s = Stream::new();
    s.at(1)
        .queued(p(1))
        .at(2)
        .stage(p(1), PacketStage::Submitted);
    let mut graph = ResourceGraph::after_packet(p(1));
    s.collected().replay(&mut graph);
    assert_eq!(
        graph.missing_packet().as_deref(),
        Some("lane 1 packet 1 never ended in the input (its last stage: submitted at 2.000 ms)")
    );
}

/// A buffer's size is bytes (height 0), and prints so, not as `4096x0 @2`.
#[test]
fn graph_prints_a_buffer_size_in_bytes() {
    let mut s = Stream::ticking(MS);
    s.create_sized(
        1,
        ResourceType::Buffer,
        Owner::new(OwnerKind::Transient, 7),
        4096,
        0,
    );
    let text = graph_at(&s, None);
    assert!(text.contains("    Buffer 1  age "), "{text}");
    assert!(text.contains("  4096 B  no packet\n"), "{text}");
}

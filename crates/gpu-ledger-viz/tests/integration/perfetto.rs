//! `PerfettoWriter`: traces written to real files, decoded by Debian's `protoc`
//! against the published `perfetto_trace.proto`, and checked for structure and
//! numbers against the stream and the report.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Write;

use gpu_ledger::analysis::{Analyzer, Window};
use gpu_ledger::{
    Collected, Event, EventKind, Owner, OwnerKind, PacketStage, Resource, ResourceAction,
    ResourceId, ResourceType,
};
use gpu_ledger_viz::{ErrorKind, PerfettoWriter};

use crate::util::{self, Decoded, Node};

fn write_trace(
    stream: &Collected,
    name: &str,
) -> (std::path::PathBuf, gpu_ledger::analysis::Report) {
    let path = util::artifacts().join(name);
    let file = std::fs::File::create(&path).expect("the trace file can be made");
    let mut writer = PerfettoWriter::new(std::io::BufWriter::new(file));
    stream.replay(&mut writer);
    let report = writer.report().expect("finished").clone();
    writer.finish().expect("the trace is written");
    (path, report)
}

#[test]
fn perfetto_has_one_slice_per_packet_and_one_flow_per_resource_event_in_a_packet() {
    let stream = util::synth_stream(20_000);
    let (path, _) = write_trace(&stream, "synth.pftrace");
    let trace = Decoded::read(&path);

    let packets = util::packets(&stream);
    let lanes = trace.children(trace.uuid_named("Lanes"));
    // Packet slices carry their own name; the stages nested in them use interned names.
    let packet_slices: Vec<&Node> = trace
        .on(&lanes)
        .map(|(_, _, e)| e)
        .filter(|e| e.scalar("type") == Some("TYPE_SLICE_BEGIN") && e.scalar("name").is_some())
        .collect();
    assert!(packets.len() > 100, "the synth run has packets");
    assert_eq!(packet_slices.len(), packets.len());
    // Named by result, with the render command: the results are the stream's.
    let mut results: BTreeMap<&str, usize> = BTreeMap::new();
    let mut ended = HashSet::new();
    for e in &stream.events {
        if let EventKind::Packet { packet, stage } = e.kind {
            let result = match stage {
                PacketStage::Presented => "presented",
                PacketStage::Dropped => "dropped",
                PacketStage::NoOp => "no-op",
                PacketStage::Failed => "failed",
                _ => continue,
            };
            if ended.insert(packet) {
                *results.entry(result).or_default() += 1;
            }
        }
    }
    let mut drawn: BTreeMap<&str, usize> = BTreeMap::new();
    for e in &packet_slices {
        let name = e.scalar("name").unwrap();
        let (result, command) = name.split_once(" · cmd ").expect("result · cmd N");
        assert!(command.parse::<u64>().is_ok(), "{name}");
        *drawn.entry(result).or_default() += 1;
    }
    assert_eq!(drawn, results);

    let flows: Vec<&str> = trace
        .events
        .iter()
        .flat_map(|(_, _, e)| e.scalars("flow_ids"))
        .collect();
    let ends: Vec<&str> = trace
        .events
        .iter()
        .flat_map(|(_, _, e)| e.scalars("terminating_flow_ids"))
        .collect();
    let in_packets = util::resource_events_in_packets(&stream);
    assert!(in_packets > 100);
    assert_eq!(
        flows.len() as u64,
        in_packets,
        "one flow per resource event in a packet"
    );
    assert_eq!(
        flows.iter().collect::<HashSet<_>>(),
        ends.iter().collect::<HashSet<_>>(),
        "every flow ends at a resource event, once"
    );
    assert_eq!(ends.len(), flows.len());
}

#[test]
fn perfetto_live_counters_at_startup_end_equal_the_report() {
    let stream = util::synth_stream(20_000);
    let (path, report) = write_trace(&stream, "synth-counters.pftrace");
    let trace = Decoded::read(&path);
    let end = report.startup.end_ns.expect("the synth run stabilises");
    let startup = report.window(Window::Startup).expect("a startup window");

    let live = trace.children(trace.uuid_named("Live resources"));
    let mut checked = BTreeMap::new();
    for uuid in &live {
        let track = &trace.tracks[uuid];
        assert!(track.get("counter").is_some(), "live tracks are counters");
        let name = track.scalar("name").expect("a name");
        let ty = name.strip_prefix("live ").expect("named `live T`");
        let mut samples: Vec<(u64, usize, i128)> = trace
            .on(&HashSet::from([*uuid]))
            .map(|(i, ts, e)| (*ts, *i, e.int("counter_value").expect("a value")))
            .collect();
        samples.sort();
        let at_end = samples
            .iter()
            .take_while(|(ts, _, _)| *ts < end)
            .last()
            .map_or(0, |s| s.2);
        let expected = i128::from(startup.created[ty]) - i128::from(startup.destroyed[ty]);
        checked.insert(ty.to_owned(), (at_end, expected));
    }
    assert!(
        checked.len() >= 4,
        "the synth run has several types: {checked:?}"
    );
    for (ty, (got, expected)) in &checked {
        assert_eq!(got, expected, "live {ty} at the end of startup");
    }
    assert!(checked.values().any(|(got, _)| *got > 0));
}

#[test]
fn perfetto_tracks_are_declared_before_use_and_slices_nest_on_each() {
    let stream = util::synth_stream(20_000);
    let (path, _) = write_trace(&stream, "synth-nesting.pftrace");
    let trace = Decoded::read(&path);
    let mut by_track: HashMap<u64, Vec<(u64, usize, &Node)>> = HashMap::new();
    for (i, ts, e) in &trace.events {
        let track = e.int("track_uuid").expect("a track") as u64;
        let declared = trace.declared_at.get(&track).copied();
        assert!(
            declared.is_some_and(|d| d < *i),
            "track {track} is used by packet {i} before it is declared"
        );
        by_track.entry(track).or_default().push((*ts, *i, e));
    }
    let mut slices = 0;
    for (track, mut events) in by_track {
        // Perfetto sorts by time, keeping file order among equal times.
        events.sort_by_key(|(ts, i, _)| (*ts, *i));
        let mut open: Vec<u64> = Vec::new();
        for (ts, _, e) in events {
            match e.scalar("type") {
                Some("TYPE_SLICE_BEGIN") => {
                    open.push(ts);
                    slices += 1;
                }
                Some("TYPE_SLICE_END") => {
                    let start = open.pop().unwrap_or_else(|| {
                        panic!("track {track}: an end at {ts} with no open slice")
                    });
                    assert!(start <= ts);
                }
                Some("TYPE_INSTANT") | Some("TYPE_COUNTER") => {}
                other => panic!("unexpected event type {other:?}"),
            }
        }
        assert!(open.is_empty(), "track {track}: slices left open");
    }
    assert!(slices > 1000);
}

fn queue(id: u64) -> Resource {
    Resource {
        id: ResourceId(id),
        ty: ResourceType::CommandQueue,
        owner: Owner::new(OwnerKind::RootVisual, 0xa1),
    }
}

fn push(stream: &mut Collected, time_ns: u64, kind: EventKind) {
    stream.events.push(Event {
        time_ns,
        thread: 0,
        kind,
    });
}

#[test]
fn perfetto_findings_name_windows_and_failed_guardrails_with_their_message() {
    // Three command queues destroyed before anything is presented: queue-destroys-vs-presents fails.
    let mut stream = Collected::default();
    for id in 1..=3 {
        push(
            &mut stream,
            id * 1_000_000,
            EventKind::Resource {
                action: ResourceAction::Create,
                resource: queue(id),
                dims: None,
                packet: None,
            },
        );
        push(
            &mut stream,
            id * 1_000_000 + 500_000,
            EventKind::Resource {
                action: ResourceAction::Destroy,
                resource: queue(id),
                dims: None,
                packet: None,
            },
        );
    }
    let (path, report) = write_trace(&stream, "guardrail.pftrace");
    let failed = &report.guardrails[1];
    assert_eq!(
        (failed.id.as_str(), failed.passed),
        ("queue-destroys-vs-presents", false)
    );
    let trace = Decoded::read(&path);
    let findings = HashSet::from([trace.uuid_named("Findings")]);
    let instants: Vec<(u64, String, &Node)> = trace
        .on(&findings)
        .map(|(_, ts, e)| (*ts, trace.name(e).expect("named"), e))
        .collect();
    let guard: Vec<&(u64, String, &Node)> = instants
        .iter()
        .filter(|(_, name, _)| name.starts_with("queue-destroys-vs-presents: "))
        .collect();
    assert_eq!(guard.len(), failed.evidence.items.len());
    assert!(!guard.is_empty());
    let destroy_times: HashSet<u64> = (1..=3).map(|id| id * 1_000_000 + 500_000).collect();
    for (ts, _, e) in &guard {
        assert!(
            destroy_times.contains(ts),
            "the instant sits on the destroy it names, not at {ts}"
        );
        let message = e
            .all("debug_annotations")
            .find_map(|a| a.scalar("string_value").filter(|v| *v == failed.message));
        assert!(message.is_some(), "the guardrail's message is an argument");
    }
    // Nothing presented and no marker: the whole run is startup, which never stabilised.
    assert!(
        instants
            .iter()
            .any(|(_, name, _)| name == "startup never stabilised")
    );
    let windows = HashSet::from([trace.uuid_named("Windows")]);
    let window_names: Vec<String> = trace
        .on(&windows)
        .filter_map(|(_, _, e)| trace.name(e))
        .collect();
    assert_eq!(window_names, ["startup"]);
}

#[test]
fn perfetto_overlapping_lifetimes_of_one_owner_share_its_name_on_separate_tracks() {
    let mut stream = Collected::default();
    for id in 1..=3 {
        push(
            &mut stream,
            id,
            EventKind::Resource {
                action: ResourceAction::Create,
                resource: queue(id),
                dims: None,
                packet: None,
            },
        );
    }
    for id in 1..=3 {
        push(
            &mut stream,
            10 + id,
            EventKind::Resource {
                action: ResourceAction::Destroy,
                resource: queue(id),
                dims: None,
                packet: None,
            },
        );
    }
    // After all three ended, a fourth reuses the first track.
    push(
        &mut stream,
        20,
        EventKind::Resource {
            action: ResourceAction::Create,
            resource: queue(4),
            dims: None,
            packet: None,
        },
    );
    let (path, _) = write_trace(&stream, "overlap.pftrace");
    let trace = Decoded::read(&path);
    let owners = trace.children(trace.uuid_named("Owners"));
    assert_eq!(owners.len(), 3, "as many tracks as lifetimes open at once");
    for uuid in &owners {
        assert_eq!(trace.tracks[uuid].scalar("name"), Some("RootVisual 0xa1"));
    }
    let begins: Vec<String> = trace
        .on(&owners)
        .filter(|(_, _, e)| e.scalar("type") == Some("TYPE_SLICE_BEGIN"))
        .filter_map(|(_, _, e)| trace.name(e))
        .collect();
    assert_eq!(
        begins,
        [
            "CommandQueue 1",
            "CommandQueue 2",
            "CommandQueue 3",
            "CommandQueue 4"
        ]
    );
}

#[test]
fn perfetto_export_is_byte_reproducible() {
    let stream = util::synth_stream(5_000);
    let write = || {
        let mut w = PerfettoWriter::new(Vec::new());
        stream.replay(&mut w);
        w.finish().expect("written")
    };
    let (a, b) = (write(), write());
    assert!(a.len() > 10_000);
    assert!(a == b, "same events, same bytes");
}

/// A writer that fails after `left` bytes.
struct FailAfter {
    left: usize,
}

impl Write for FailAfter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if buf.len() > self.left {
            return Err(std::io::Error::other("disk full"));
        }
        self.left -= buf.len();
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn perfetto_writer_returns_the_first_write_error() {
    let stream = util::synth_stream(2_000);
    let mut w = PerfettoWriter::new(FailAfter { left: 100 });
    stream.replay(&mut w);
    let err = w.finish().err().expect("the write fails");
    assert_eq!(err.kind(), ErrorKind::Io);
    assert_eq!(err.to_string(), "cannot write the perfetto trace");
    let source = std::error::Error::source(&err).expect("the io error is the source");
    assert_eq!(source.to_string(), "disk full");
}

#[test]
fn perfetto_report_equals_the_analyzers() {
    let stream = util::synth_stream(5_000);
    let mut w = PerfettoWriter::new(Vec::new());
    stream.replay(&mut w);
    let mut analyzer = Analyzer::default();
    stream.replay(&mut analyzer);
    assert_eq!(w.report(), Some(&analyzer.report()));
}

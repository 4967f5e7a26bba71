//! `ChromeWriter`: the Trace Event Format JSON, parsed back and checked against the stream.

use std::collections::{HashMap, HashSet};

use gpu_ledger::{EventKind, ResourceAction};
use gpu_ledger_viz::ChromeWriter;
use serde_json::Value;

use crate::util;

#[test]
fn chrome_trace_has_the_packets_flows_and_counters_of_the_stream() {
    let stream = util::synth_stream(20_000);
    let mut writer = ChromeWriter::new(Vec::new());
    stream.replay(&mut writer);
    let bytes = writer.finish().expect("written");
    std::fs::write(util::artifacts().join("synth.json"), &bytes).expect("kept");
    let doc: Value = serde_json::from_slice(&bytes).expect("valid JSON");
    assert_eq!(doc["displayTimeUnit"], "ns");
    let events = doc["traceEvents"].as_array().expect("traceEvents");

    // Processes by name, threads by (pid, tid).
    let mut processes = HashMap::new();
    for e in events
        .iter()
        .filter(|e| e["ph"] == "M" && e["name"] == "process_name")
    {
        processes.insert(
            e["args"]["name"].as_str().unwrap().to_owned(),
            e["pid"].as_u64().unwrap(),
        );
    }
    let lanes_pid = processes["Lanes"];
    let phases = ["queued", "submitted", "completed"];
    let packet_slices = events
        .iter()
        .filter(|e| e["ph"] == "X" && e["pid"] == lanes_pid)
        .filter(|e| !phases.contains(&e["name"].as_str().unwrap()))
        .count();
    let packets = util::packets(&stream);
    assert_eq!(packet_slices, packets.len());

    let ids = |ph: &str| -> Vec<u64> {
        events
            .iter()
            .filter(|e| e["ph"] == ph)
            .map(|e| e["id"].as_u64().unwrap())
            .collect()
    };
    let (starts, ends) = (ids("s"), ids("f"));
    assert_eq!(
        starts.len() as u64,
        util::resource_events_in_packets(&stream)
    );
    assert_eq!(
        starts.iter().collect::<HashSet<_>>(),
        ends.iter().collect::<HashSet<_>>()
    );

    let counters = events.iter().filter(|e| e["ph"] == "C").count();
    let creates_and_destroys = stream
        .events
        .iter()
        .filter(|e| {
            matches!(
                e.kind,
                EventKind::Resource {
                    action: ResourceAction::Create | ResourceAction::Destroy,
                    ..
                }
            )
        })
        .count();
    assert_eq!(
        counters, creates_and_destroys,
        "one counter value per create and destroy"
    );
}

//! The multi-threaded C++ fake compositor (`examples-cpp/compositor.cpp`, on
//! `gpu_ledger.hpp`), built by CMake against the installed package, shared and
//! static: the report of its trace says exactly what the compositor counted
//! itself, per lane and per type, and its events come from all its threads.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::{Value, json};

use crate::util::{cmake_examples, read_trace, report_json, run_ok, user_command};

/// The compositor's own counts, as it prints them.
fn own_counts(stdout: &[u8]) -> Value {
    serde_json::from_slice(stdout).unwrap_or_else(|e| {
        panic!(
            "the compositor prints one JSON object ({e}):\n{}",
            String::from_utf8_lossy(stdout)
        )
    })
}

/// `report["windows"][w][column][type]` summed over the three windows.
fn by_type(report: &Value, column: &str) -> BTreeMap<String, u64> {
    let mut sums = BTreeMap::new();
    for window in ["startup", "steady", "shutdown"] {
        let counts = report["windows"][window][column]
            .as_object()
            .unwrap_or_else(|| panic!("windows.{window}.{column} is an object"));
        for (ty, n) in counts {
            *sums.entry(ty.clone()).or_insert(0) += n.as_u64().expect("a count");
        }
    }
    sums
}

fn as_counts(value: &Value) -> BTreeMap<String, u64> {
    serde_json::from_value(value.clone()).expect("type name -> count")
}

/// Runs `exe` with `args`, and checks the report of its trace against the
/// compositor's own counts; returns the threads that recorded.
fn run_and_check(exe: &str, trace_name: &str, args: [&str; 3]) -> usize {
    let dir = tempfile::tempdir().unwrap();
    let exe = cmake_examples().join(exe);
    let output = run_ok(user_command(&exe, dir.path()).arg(trace_name).args(args));
    let own = own_counts(&output.stdout);
    let trace: &Path = &dir.path().join(trace_name);
    let report = report_json(trace);

    let lanes: Vec<Value> = report["lanes"]
        .as_array()
        .expect("lanes is an array")
        .iter()
        .map(|l| {
            json!({
                "lane": l["lane"],
                "queued": l["packets"]["queued"],
                "presented": l["packets"]["presented"],
                "dropped": l["packets"]["dropped"],
                "failed": l["packets"]["failed"],
            })
        })
        .collect();
    assert_eq!(
        own["lanes"],
        Value::Array(lanes),
        "per lane: the report says what the compositor did"
    );
    assert_eq!(
        as_counts(&own["created"]),
        by_type(&report, "created"),
        "creates by type"
    );
    assert_eq!(
        as_counts(&own["destroyed"]),
        by_type(&report, "destroyed"),
        "destroys by type"
    );
    assert_eq!(
        own["rebuilds"], report["totals"]["rebuilds"],
        "resize-rebuilds"
    );
    assert_eq!(
        own["events"], report["totals"]["events"],
        "every event the ledger wrote is in the report"
    );
    assert_eq!(json!(0), own["lost"], "the ledger lost nothing");
    assert_eq!(json!(0), report["lost_events"]);
    assert_eq!(
        json!(0),
        report["totals"]["live_at_end"],
        "teardown destroyed everything"
    );
    assert_eq!(
        json!(0),
        report["anomalies"]["total"],
        "no double destroy, unknown id or packet out of order: {}",
        report["anomalies"]
    );

    let lanes_run: u64 = args[0].parse::<u64>().unwrap() * args[1].parse::<u64>().unwrap();
    assert_eq!(
        lanes_run as usize,
        own["lanes"].as_array().unwrap().len(),
        "one lane per window"
    );
    // The drain thread records the live analysis's findings too: count the host's threads.
    let threads: BTreeSet<u32> = read_trace(trace)
        .events
        .iter()
        .filter(|e| !matches!(e.kind, gpu_ledger::EventKind::Finding { .. }))
        .map(|e| e.thread)
        .collect();
    threads.len()
}

#[test]
fn compositor_linked_shared_gets_a_report_matching_its_own_counts() {
    let threads = run_and_check("compositor", "run.gltrace", ["4", "3", "120"]);
    assert_eq!(5, threads, "4 render threads and the main thread recorded");
}

#[test]
fn compositor_linked_static_gets_a_report_matching_its_own_counts_in_json_lines() {
    let threads = run_and_check("compositor-static", "run.jsonl", ["3", "2", "90"]);
    assert_eq!(4, threads, "3 render threads and the main thread recorded");
}

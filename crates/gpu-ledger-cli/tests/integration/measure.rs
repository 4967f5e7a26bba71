//! `synth` and `overhead`: what they write and print (never how fast: that is for benchmarks).

use crate::util::{gpu_ledger, run, run_json};

#[test]
fn synth_writes_the_same_trace_for_the_same_seed() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["one.gltrace", "two.gltrace"] {
        run(
            gpu_ledger(dir.path())
                .args(["synth", "--events", "30000", "--seed", "7", "--out", name]),
            0,
        );
    }
    let one = std::fs::read(dir.path().join("one.gltrace")).unwrap();
    let two = std::fs::read(dir.path().join("two.gltrace")).unwrap();
    assert!(one == two, "same seed, different bytes");
}

#[test]
fn overhead_reports_every_measure_and_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let doc = run_json(gpu_ledger(dir.path()).args([
        "overhead",
        "--rounds",
        "5",
        "--round-events",
        "512",
        "--format",
        "json",
    ]));
    assert_eq!(doc["format"], "gpu-ledger-overhead");
    for key in [
        "enabled_ns_per_event",
        "fenced_floor_ns_per_event",
        "unfenced_floor_ns_per_event",
        "fenced_floor_ratio",
        "unfenced_floor_ratio",
        "two_threads_ns_per_event",
        "disabled_ns_per_call",
        "bytes_per_event",
    ] {
        assert!(
            doc[key].as_f64().is_some_and(|v| v > 0.0),
            "{key}: {}",
            doc[key]
        );
    }
    assert_eq!(doc["lost_events"], 0);
    // Size is a property of the format, not of the machine: it is asserted.
    assert!(doc["bytes_per_event"].as_f64().unwrap() <= 24.0, "{doc}");
}

/// Issue 9, item 13: `synth --events 0` wrote 7,719 events. A count below
/// what the workload's storm and teardown take is refused, and no file is left.
#[test]
fn synth_refuses_fewer_events_than_the_workload_needs() {
    let dir = tempfile::tempdir().unwrap();
    let output = run(
        gpu_ledger(dir.path()).args(["synth", "--events", "0", "--out", "zero.gltrace"]),
        2,
    );
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "gpu-ledger: a synthetic workload of 2 lanes and 1000 live resources takes at least \
         7720 events (its startup storm and teardown), but 0 were asked for: ask for at least \
         7720, or for fewer lanes or live resources\n"
    );
    assert!(!dir.path().join("zero.gltrace").exists());
    let doc = run_json(gpu_ledger(dir.path()).args([
        "synth",
        "--events",
        "7720",
        "--out",
        "min.gltrace",
        "--format",
        "json",
    ]));
    assert_eq!(doc["events"], 7720, "the minimum is honoured exactly");
}

//! `gpu-ledger demo` on the first GPU adapter (Mesa's lavapipe in CI): telemetry against ground truth.

use crate::util::{gpu_ledger, run};

#[test]
fn demo_json_carries_a_report_that_matches_the_compositors_own_counts() {
    let dir = tempfile::tempdir().unwrap();
    let output = run(
        gpu_ledger(dir.path()).args([
            "demo",
            "--scenario",
            "text",
            "--mode",
            "legacy",
            "--steady-frames",
            "4",
            "--out",
            "t.gltrace",
            "--format",
            "json",
        ]),
        0,
    );
    let doc: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let (report, truth) = (&doc["report"], &doc["ground_truth"]);
    assert_eq!(report["totals"]["presented"], truth["presented"]);
    assert_eq!(
        report["startup"]["frames_presented"],
        truth["presented_startup"]
    );
    assert_eq!(
        report["totals"]["created"],
        truth["created"]
            .as_object()
            .unwrap()
            .values()
            .map(|v| v.as_u64().unwrap())
            .sum::<u64>()
    );
    // The trace on disk gives the same report as the live one.
    let offline = run(
        gpu_ledger(dir.path()).args(["report", "t.gltrace", "--format", "json"]),
        0,
    );
    let mut offline: serde_json::Value = serde_json::from_slice(&offline.stdout).unwrap();
    offline.as_object_mut().unwrap().remove("input");
    assert!(&offline == report, "live and offline reports differ");
}

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

/// Issue 7: run directly on a machine without `XDG_RUNTIME_DIR` (a headless shell,
/// not `scripts/demo`), the demo prints its own lines on stderr and no Wayland
/// complaint from the Vulkan loader's device-select layer.
#[test]
fn demo_without_a_runtime_dir_prints_no_loader_complaint() {
    let dir = tempfile::tempdir().unwrap();
    let output = run(
        gpu_ledger(dir.path())
            .env_remove("XDG_RUNTIME_DIR")
            .args(["demo", "--scenario", "text", "--mode", "pooled"])
            .args(["--steady-frames", "2", "-o", "t.jsonl"]),
        0,
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{stderr}");
    assert!(
        lines[0].starts_with("gpu-ledger demo: rendered on "),
        "{stderr}"
    );
    assert_eq!(lines[1], "gpu-ledger demo: trace written to t.jsonl");
    // `-o t.jsonl` asks for JSON Lines, as every command's `-o` does.
    let trace = std::fs::read_to_string(dir.path().join("t.jsonl")).unwrap();
    assert!(
        trace.starts_with("{\"type\":\"header\""),
        "{}",
        &trace[..80.min(trace.len())]
    );
}

#[test]
fn demo_ends_by_naming_its_perfetto_trace_and_html_page() {
    let dir = tempfile::tempdir().unwrap();
    let output = run(
        gpu_ledger(dir.path()).args([
            "demo",
            "--scenario",
            "text",
            "--mode",
            "pooled",
            "--steady-frames",
            "2",
            "--html",
            "--perfetto",
        ]),
        0,
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    let last: Vec<&str> = stderr.lines().rev().take(2).collect();
    assert_eq!(
        last,
        [
            "gpu-ledger demo: HTML report written to text-pooled.html",
            "gpu-ledger demo: Perfetto trace written to text-pooled.pftrace (open it in ui.perfetto.dev)",
        ],
        "{stderr}"
    );
    let pftrace = std::fs::read(dir.path().join("text-pooled.pftrace")).unwrap();
    assert_eq!(
        pftrace[0], 0x0a,
        "a Perfetto Trace starts with its first packet"
    );
    let html = std::fs::read_to_string(dir.path().join("text-pooled.html")).unwrap();
    assert!(html.contains("gpu-ledger demo --scenario text --mode pooled"));
}

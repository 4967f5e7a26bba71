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
            // The log is another channel (wgpu's validation layer speaks there in
            // debug builds); this test is about what is printed around it.
            .env("RUST_LOG", "off")
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

/// The stream time an env_logger line's message gives after `at ` (`… at 351.863 ms, …`), in ns.
fn at_ns(line: &str) -> u64 {
    let ms = line
        .split(" at ")
        .nth(1)
        .and_then(|rest| rest.split(" ms").next())
        .and_then(|ms| ms.parse::<f64>().ok())
        .unwrap_or_else(|| panic!("no time in {line}"));
    (ms * 1e6).round() as u64
}

/// The "done when": the legacy demo with `RUST_LOG=gpu_ledger=warn` prints the
/// recreate storm while it happens (before shutdown), with owner and packet.
#[test]
fn the_legacy_demo_logs_its_recreate_storm_while_it_happens_with_owner_and_packet() {
    let dir = tempfile::tempdir().unwrap();
    let output = run(
        gpu_ledger(dir.path())
            // gpu-ledger's findings, and the demo's own phases to place them.
            .env("RUST_LOG", "gpu_ledger=warn,gpu_ledger_demo=info")
            .args(["demo", "--mode", "legacy", "-o", "legacy.gltrace"]),
        0,
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    let storm = lines
        .iter()
        .position(|l| l.contains(" gpu_ledger] recreate-churn (warning) at "))
        .unwrap_or_else(|| panic!("no recreate-churn line:\n{stderr}"));
    let shutdown = lines
        .iter()
        .position(|l| l.contains(" gpu_ledger_demo] shutdown begins"))
        .unwrap_or_else(|| panic!("no shutdown line:\n{stderr}"));
    assert!(
        storm < shutdown,
        "the storm was printed while it happened, before shutdown began:\n{stderr}"
    );
    let line = lines[storm];
    assert!(
        line.contains(", lane 1 packet ") && line.contains("worst: ChildVisual 0x"),
        "owner and packet: {line}"
    );
    // And by the trace's clock: the finding fired, and is marked, before the shutdown marker.
    let mut events = gpu_ledger::Collected::default();
    gpu_ledger::input::replay(dir.path().join("legacy.gltrace"), &mut events).unwrap();
    let time_of = |wanted: &dyn Fn(&gpu_ledger::EventKind) -> bool| {
        events
            .events
            .iter()
            .find(|e| wanted(&e.kind))
            .map(|e| e.time_ns)
            .expect("in the trace")
    };
    let shutdown_ns =
        time_of(&|k| *k == gpu_ledger::EventKind::Marker(gpu_ledger::Marker::ShutdownBegins));
    let marker_ns = time_of(&|k| match k {
        gpu_ledger::EventKind::Finding { code, .. } => {
            events.names.get(*code) == Some("gpu-ledger:recreate-churn")
        }
        _ => false,
    });
    assert!(
        at_ns(line) <= marker_ns && marker_ns < shutdown_ns,
        "{line}"
    );
}

/// The demo is an instrumented program like any other: the toggles apply.
#[test]
fn the_demo_honours_the_dump_report_and_out_toggles() {
    let dir = tempfile::tempdir().unwrap();
    let output = run(
        gpu_ledger(dir.path())
            .env("GPU_LEDGER_OUT", "named.gltrace")
            .env("GPU_LEDGER_REPORT", "1")
            .env("GPU_LEDGER_DUMP", "demo-{reason}.json")
            .env("GPU_LEDGER_DUMP_ON", "startup-end,exit")
            .args([
                "demo",
                "--scenario",
                "text",
                "--mode",
                "pooled",
                "--steady-frames",
                "2",
            ]),
        0,
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("gpu-ledger startup summary\n"),
        "GPU_LEDGER_REPORT: {stderr}"
    );
    assert!(
        stderr.contains("gpu-ledger demo: trace written to named.gltrace"),
        "{stderr}"
    );
    assert!(dir.path().join("named.gltrace").is_file());
    // The startup-end dump holds the window's live resources; the exit dump, after
    // teardown, none.
    let graph = |name: &str| -> serde_json::Value {
        let output = run(
            gpu_ledger(dir.path()).args(["graph", name, "--format", "json"]),
            0,
        );
        serde_json::from_slice(&output.stdout).unwrap()
    };
    let startup = graph("demo-startup-end.json");
    assert_eq!(startup["input"]["reason"], "startup-end");
    assert!(startup["live"].as_u64().unwrap() > 0, "{startup}");
    let exit = graph("demo-exit.json");
    assert_eq!(exit["input"]["reason"], "exit");
    assert_eq!(exit["live"], 0, "teardown destroyed everything");
}

/// The "done when": `kill -USR1` on a running instrumented program writes a
/// dump that `gpu-ledger graph` reads.
#[test]
fn kill_usr1_on_the_running_demo_writes_a_dump_that_graph_reads() {
    use std::io::BufRead as _;

    let dir = tempfile::tempdir().unwrap();
    let runtime = tempfile::tempdir().unwrap();
    let mut child = gpu_ledger(dir.path())
        // Its own runtime directory, so the demo does not run itself again (the
        // signal must reach the process that recorded).
        .env("XDG_RUNTIME_DIR", runtime.path())
        .env("RUST_LOG", "gpu_ledger=info,gpu_ledger_demo=info")
        .env("GPU_LEDGER_DUMP", "usr1-{n}-{reason}.json")
        .env("GPU_LEDGER_DUMP_ON", "signal")
        .args([
            "demo",
            "--mode",
            "pooled",
            "--steady-frames",
            "1200",
            "-o",
            "p.gltrace",
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the demo starts");
    let (lines, seen) = std::sync::mpsc::channel::<String>();
    let stderr = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
        {
            let _ = lines.send(line);
        }
    });
    let mut said = Vec::new();
    let mut wait_for = |wanted: &str| {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        while let Some(left) = deadline.checked_duration_since(std::time::Instant::now()) {
            match seen.recv_timeout(left) {
                Ok(line) => {
                    let found = line.contains(wanted);
                    said.push(line);
                    if found {
                        return;
                    }
                }
                Err(_) => break,
            }
        }
        panic!("no line with {wanted:?} in:\n{}", said.join("\n"));
    };
    // Once it draws its frames, a real signal from kill(1).
    wait_for("layout settled");
    let kill = std::process::Command::new("kill")
        .args(["-USR1", &child.id().to_string()])
        .status()
        .expect("kill(1) runs");
    assert!(kill.success());
    wait_for("dump written to usr1-1-signal.json");
    assert!(
        child.try_wait().unwrap().is_none(),
        "the demo runs on after the dump"
    );
    let output = run(
        gpu_ledger(dir.path()).args(["graph", "usr1-1-signal.json"]),
        0,
    );
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.starts_with("Resource graph at "), "{text}");
    assert!(
        text.contains("  RootVisual 0x") && text.contains(" NativeTarget "),
        "the window's live resources: {text}"
    );
    assert!(
        text.contains(&format!("  a signal dump of process {}", child.id())),
        "{text}"
    );
    let _ = child.kill();
    let _ = child.wait();
}

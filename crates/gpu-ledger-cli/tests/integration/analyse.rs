//! `report`, `explain` and `export` on every kind of input the CLI accepts.

use std::path::Path;

use serde_json::Value;

use crate::util::{core_fixture, gpu_ledger, run, run_json, spawn_piped, stderr, stdout};

/// Writes a synthetic trace and returns the generator's own summary.
fn synth(dir: &Path, name: &str, events: u64) -> Value {
    run_json(gpu_ledger(dir).args([
        "synth",
        "--events",
        &events.to_string(),
        "--out",
        name,
        "--format",
        "json",
    ]))
}

fn report_json(dir: &Path, file: &str) -> Value {
    run_json(gpu_ledger(dir).args(["report", file, "--format", "json"]))
}

#[test]
fn report_of_a_synthetic_trace_agrees_with_the_generator() {
    let dir = tempfile::tempdir().unwrap();
    let truth = synth(dir.path(), "s.gltrace", 50_000);
    let report = report_json(dir.path(), "s.gltrace");
    assert_eq!(report["format"], "gpu-ledger-report");
    assert_eq!(report["version"], 1);
    assert_eq!(report["totals"]["presented"], truth["presented"]);
    assert_eq!(report["totals"]["created"], truth["created"]);
    assert_eq!(report["totals"]["destroyed"], truth["destroyed"]);
    assert_eq!(
        report["startup"]["frames_presented"],
        truth["presented_startup"]
    );
    assert_eq!(report["lost_events"], 0);
    assert_eq!(report["input"]["kind"], "binary-trace");
    assert_eq!(report["input"]["warnings"], Value::Array(vec![]));
}

#[test]
fn export_round_trips_keep_the_report_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    synth(dir.path(), "a.gltrace", 20_000);
    run(
        gpu_ledger(dir.path()).args(["export", "a.gltrace", "--to", "jsonl", "--out", "b.jsonl"]),
        0,
    );
    run(
        gpu_ledger(dir.path()).args(["export", "b.jsonl", "--to", "binary", "--out", "c.gltrace"]),
        0,
    );
    let text = |file: &str| {
        stdout(&run(
            gpu_ledger(dir.path()).args(["report", file, "--format", "json"]),
            0,
        ))
    };
    let strip_input = |doc: String| {
        let mut doc: Value = serde_json::from_str(&doc).unwrap();
        doc.as_object_mut().unwrap().remove("input");
        serde_json::to_string_pretty(&doc).unwrap()
    };
    let (a, b, c) = (
        strip_input(text("a.gltrace")),
        strip_input(text("b.jsonl")),
        strip_input(text("c.gltrace")),
    );
    assert!(a == b, "binary and JSON Lines reports differ");
    assert!(a == c, "the round-tripped binary report differs");
    let jsonl = std::fs::read_to_string(dir.path().join("b.jsonl")).unwrap();
    assert!(
        jsonl.starts_with("{\"type\":\"header\",\"format\":\"gpu-ledger-trace\",\"version\":1,"),
        "{}",
        &jsonl[..200]
    );
}

#[test]
fn a_trace_cut_short_reports_what_it_holds_and_says_what_was_lost() {
    let dir = tempfile::tempdir().unwrap();
    synth(dir.path(), "cut.gltrace", 200_000);
    let path = dir.path().join("cut.gltrace");
    let len = std::fs::metadata(&path).unwrap().len();
    let file = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
    file.set_len(len * 7 / 10).unwrap(); // as if the process was killed mid-write
    let output = run(
        gpu_ledger(dir.path()).args(["report", "cut.gltrace", "--format", "json"]),
        0,
    );
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let truncated = report["input"]["truncated_bytes"].as_u64().unwrap();
    assert!(truncated > 0, "{}", report["input"]);
    assert!(
        report["totals"]["events"].as_u64().unwrap() > 100_000,
        "whole blocks before the cut are read"
    );
    let warning = stderr(&output);
    assert!(
        warning.starts_with("gpu-ledger: warning: cut.gltrace: the input is damaged: "),
        "{warning}"
    );
    assert!(warning.contains("cut off at byte"), "{warning}");
}

#[test]
fn report_of_the_plan_s_nslog_evidence_splits_startup_from_teardown() {
    let dir = tempfile::tempdir().unwrap();
    let log = core_fixture("omega-nslog-only.log");
    let output = run(
        gpu_ledger(dir.path()).args(["report", log.to_str().unwrap(), "--format", "json"]),
        0,
    );
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["input"]["kind"], "omega-log");
    assert_eq!(report["totals"]["presented"], 2);
    // The log's last line is whole (a clean end) and nothing was queued or
    // recreated after the last present: a shutdown is inferred.
    assert_eq!(report["ending"]["shutdown"], "inferred");
    assert_eq!(report["ending"]["clean_end"], true);
    assert_eq!(
        report["windows"]["shutdown"]["destroyed"]["CommandQueue"],
        33
    );
    let startup_destroys = report["windows"]["startup"]["destroyed"]["CommandQueue"].as_u64();
    assert_eq!(
        startup_destroys,
        Some(0),
        "no queue destroy is startup waste"
    );
    let bursts = &report["windows"]["shutdown"]["destroy_bursts"];
    assert_eq!(bursts[0]["count"], 33, "one burst of 33 destroys: {bursts}");
    let warnings = report["input"]["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(stderr(&output).contains("no packet information in this log"));
}

#[test]
fn report_text_answers_in_a_headline_and_states_the_input() {
    let dir = tempfile::tempdir().unwrap();
    let log = core_fixture("omega-mixed.log");
    let output = run(
        gpu_ledger(dir.path()).args(["report", log.to_str().unwrap()]),
        0,
    );
    let text = stdout(&output);
    assert!(text.contains("\nHeadline\n"), "{text}");
    assert!(text.contains("\nInput\n"), "{text}");
    assert!(text.contains("1 malformed"), "{text}");
    assert!(
        stderr(&output).contains("1 malformed log lines skipped, first line 18"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn report_for_one_window_describes_that_window() {
    let dir = tempfile::tempdir().unwrap();
    synth(dir.path(), "w.gltrace", 20_000);
    let report = run_json(gpu_ledger(dir.path()).args([
        "report",
        "w.gltrace",
        "--window",
        "shutdown",
        "--format",
        "json",
    ]));
    assert_eq!(report["window_filter"], "shutdown");
    let output = run(
        gpu_ledger(dir.path()).args(["report", "w.gltrace", "--window", "teardown"]),
        2,
    );
    assert!(
        stderr(&output).contains("unknown window \"teardown\": use startup, steady or shutdown"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn explain_tells_a_story_and_exits_1_for_a_resource_that_never_appears() {
    let dir = tempfile::tempdir().unwrap();
    synth(dir.path(), "e.gltrace", 20_000);
    let story = run_json(gpu_ledger(dir.path()).args([
        "explain",
        "e.gltrace",
        "--resource",
        "3",
        "--format",
        "json",
    ]));
    assert_eq!(story["found"], true);
    assert_eq!(story["resource_type"], "CommandQueue");
    assert_eq!(story["destroyed"]["cause"], "shutdown");
    let output = run(
        gpu_ledger(dir.path()).args(["explain", "e.gltrace", "--resource", "999999999"]),
        1,
    );
    assert!(
        stderr(&output).contains("resource 999999999 does not appear in e.gltrace"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn unusable_input_exits_2_and_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("noise.bin"), [0u8, 159, 146, 150, 7, 7, 7]).unwrap();
    let output = run(gpu_ledger(dir.path()).args(["report", "noise.bin"]), 2);
    assert_eq!(
        stderr(&output),
        "gpu-ledger: noise.bin: no gpu-ledger trace and no Omega log lines in it (1 lines read): give a \
         trace written by gpu-ledger or a log with [OmegaWTKGPU], [OmegaGTEResource] or [OmegaWTKSync] \
         lines\n"
    );
    let output = run(
        gpu_ledger(dir.path()).args(["report", "missing.gltrace"]),
        2,
    );
    assert!(
        stderr(&output).starts_with("gpu-ledger: missing.gltrace: cannot open the input: "),
        "{}",
        stderr(&output)
    );
}

/// `gpu-ledger report big.trace | head -1`: a reader that goes away must not make any
/// command panic (exit 101 with a backtrace); STYLE says a broken pipe exits 0 quietly.
#[test]
fn closed_stdout_exits_zero_quietly_for_every_command() {
    use std::process::Stdio;

    let dir = tempfile::tempdir().unwrap();
    synth(dir.path(), "s.gltrace", 20_000);
    let commands: [&[&str]; 8] = [
        &["report", "s.gltrace"],
        &["report", "s.gltrace", "--format", "json"],
        &["timeline", "s.gltrace"],
        &["graph", "s.gltrace"],
        &["check", "s.gltrace"],
        &["explain", "s.gltrace", "--resource", "8"],
        &["diff", "s.gltrace", "s.gltrace"],
        &["export", "s.gltrace", "--to", "jsonl", "--out", "-"],
    ];
    for args in commands {
        let mut child = gpu_ledger(dir.path())
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the gpu-ledger binary runs");
        // Close the read end before the command writes: its first write meets EPIPE.
        drop(child.stdout.take());
        let output = child.wait_with_output().expect("the command ends");
        assert_eq!(
            (output.status.code(), stderr(&output)),
            (Some(0), String::new()),
            "gpu-ledger {}",
            args.join(" ")
        );
    }
}

/// Issue 9, item 4: a block cut out of a trace was lost without a word.
/// `report` names the gap and the events it held, on stderr and in JSON.
#[test]
fn report_names_a_missing_block_and_the_events_it_held() {
    let dir = tempfile::tempdir().unwrap();
    synth(dir.path(), "whole.gltrace", 200_000);
    let whole = std::fs::read(dir.path().join("whole.gltrace")).unwrap();
    // Walk the frames: header (16 + body + crc), then sync, length, crc, payload.
    let body = u32::from_le_bytes(whole[12..16].try_into().unwrap()) as usize;
    let mut frames = Vec::new();
    let mut at = 16 + body + 4;
    while at < whole.len() {
        let len = u32::from_le_bytes(whole[at + 4..at + 8].try_into().unwrap()) as usize;
        frames.push(at..at + 12 + len);
        at += 12 + len;
    }
    let mut cut = whole[..frames[5].start].to_vec();
    cut.extend_from_slice(&whole[frames[5].end..]);
    std::fs::write(dir.path().join("cut.gltrace"), &cut).unwrap();

    let full = report_json(dir.path(), "whole.gltrace");
    let output = run(
        gpu_ledger(dir.path()).args(["report", "cut.gltrace", "--format", "json"]),
        0,
    );
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let lost =
        full["totals"]["events"].as_u64().unwrap() - report["totals"]["events"].as_u64().unwrap();
    assert!(lost > 0);
    assert_eq!(report["input"]["blocks_missing"], 1);
    assert_eq!(report["input"]["events_lost"], lost);
    let warning = format!(
        "1 blocks missing, first block 5 before byte {} ({lost} events lost)",
        frames[5].start
    );
    assert!(stderr(&output).contains(&warning), "{}", stderr(&output));
}

/// Issue 9, items 9 and 2: a JSON Lines header that reaches a pipe in two writes
/// is still a trace (one read used to see only the first part, and the input
/// was taken for a log), through `/dev/stdin` and `-`, and for every pass of a
/// command that reads its input twice (`timeline`).
#[test]
fn report_recognises_a_header_that_arrives_through_a_pipe_in_two_writes() {
    use std::io::Write;

    let dir = tempfile::tempdir().unwrap();
    let header = "{\"type\":\"header\",\"format\":\"gpu-ledger-trace\",\"version\":1,\"start_unix_ns\":0,\"source\":\"pipe\"}\n";
    let events = "{\"type\":\"event\",\"t_ns\":1,\"event\":\"create\",\"id\":1,\"resource_type\":\"Texture\",\"owner_kind\":\"RootVisual\",\"owner_key\":1}\n\
                  {\"type\":\"event\",\"t_ns\":2,\"event\":\"destroy\",\"id\":1,\"resource_type\":\"Texture\",\"owner_kind\":\"RootVisual\",\"owner_key\":1}\n";
    for (command, path) in [("report", "/dev/stdin"), ("timeline", "-")] {
        let mut child =
            spawn_piped(gpu_ledger(dir.path()).args([command, path, "--format", "json"]));
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(&header.as_bytes()[..20]).unwrap();
        stdin.flush().unwrap();
        // Long enough for the reader to see the first write on its own.
        std::thread::sleep(std::time::Duration::from_millis(300));
        stdin.write_all(&header.as_bytes()[20..]).unwrap();
        stdin.write_all(events.as_bytes()).unwrap();
        drop(stdin);
        let output = child.wait_with_output().unwrap();
        assert_eq!(
            output.status.code(),
            Some(0),
            "{command} {path}: {}",
            stderr(&output)
        );
        let doc: Value = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(doc["input"]["kind"], "jsonl-trace", "{command} {path}");
        assert_eq!(doc["input"]["events"], 2, "{command} {path}");
        match command {
            "report" => assert_eq!(doc["totals"]["created"], 1),
            _ => assert_eq!(doc["events"], 2, "the timeline's window holds both events"),
        }
    }
}

/// Without the `parquet` feature, Parquet is refused with how to get it, never written
/// as a binary trace under a `.parquet` name.
#[cfg(not(feature = "parquet"))]
#[test]
fn export_to_parquet_in_a_build_without_it_says_how_to_rebuild() {
    let dir = tempfile::tempdir().unwrap();
    synth(dir.path(), "s.gltrace", 10_000);
    for args in [
        &["-o", "s.parquet"][..],
        &["--to", "parquet", "-o", "s.out"],
    ] {
        let output = run(
            gpu_ledger(dir.path())
                .args(["export", "s.gltrace"])
                .args(args),
            2,
        );
        assert_eq!(
            stderr(&output),
            "gpu-ledger: this gpu-ledger was built without Parquet: rebuild it with \
             `--features parquet` (cargo install --path crates/gpu-ledger-cli --features \
             parquet)\n"
        );
        assert!(!dir.path().join("s.parquet").exists());
    }
}

//! `graph`, `timeline` and `diff` on synthetic traces and the core crate's fixture
//! logs: exact text where the input is small, JSON checked against the report of
//! the same input, and `diff`'s exit codes.

use std::path::Path;

use serde_json::Value;

use crate::util::{core_fixture, gpu_ledger, run, run_json, stderr, stdout};

/// Copies a core fixture into `dir`, so outputs name it relatively.
fn fixture(dir: &Path, name: &str) {
    std::fs::copy(core_fixture(name), dir.join(name)).unwrap();
}

/// Writes a synthetic trace.
fn synth(dir: &Path, name: &str, args: &[&str]) {
    let mut command = gpu_ledger(dir);
    command
        .args(["synth", "--out", name, "--format", "json"])
        .args(args);
    run(&mut command, 0);
}

#[test]
fn graph_of_the_mixed_log_is_exactly_its_live_resources_at_the_end() {
    let dir = tempfile::tempdir().unwrap();
    fixture(dir.path(), "omega-mixed.log");
    let output = run(gpu_ledger(dir.path()).args(["graph", "omega-mixed.log"]), 0);
    let expected = concat!(
        "Resource graph at 239.000 ms since the stream started: 2 live resources, 2 owners (1 NativeTarget, 1 TextureTarget)\n",
        "  BackendRenderTargetContext 0x140b08000: 1 live (1 TextureTarget)\n",
        "    TextureTarget 3  age 238.000 ms  1000x1000 @2  no packet\n",
        "  Unknown 0x0: 1 live (1 NativeTarget)\n",
        "    NativeTarget 2  age 238.000 ms  1000x1000 @2  no packet\n",
        "Taken at the end of the stream (startup never stabilised); --at MS or --at-packet LANE:PACKET picks another point.\n",
        "\n",
        "Input\n",
        "  omega-mixed.log (omega-log)\n",
        "  21 lines: 11 events (0 findings), 3 informational, 5 duplicates of better lines skipped, 1 other lines ignored, 1 malformed, 0 over-long\n",
        "  warning: 1 malformed log lines skipped, first line 18: ts=bad is not a whole number\n",
        "  warning: resource lines carry no packet id: events are placed between packets by log order only, without packet context\n",
        "  warning: 2 engine resources come from lines that name no owner: their owner is recorded as Unknown, never guessed, and the report says it is not known\n",
    );
    assert_eq!(expected, stdout(&output));
    assert!(
        stderr(&output)
            .starts_with("gpu-ledger: warning: omega-mixed.log: 1 malformed log lines skipped"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn graph_at_startup_end_of_a_synthetic_trace_holds_the_live_set() {
    let dir = tempfile::tempdir().unwrap();
    synth(
        dir.path(),
        "s.gltrace",
        &["--events", "30000", "--live", "20"],
    );
    let graph = run_json(gpu_ledger(dir.path()).args(["graph", "s.gltrace", "--format", "json"]));
    let report = run_json(gpu_ledger(dir.path()).args(["report", "s.gltrace", "--format", "json"]));
    assert_eq!(graph["format"], "gpu-ledger-graph");
    assert_eq!(graph["version"], 1);
    assert_eq!(graph["at"], "startup-end");
    assert_eq!(graph["at_ns"], report["startup"]["end_ns"]);
    // One time base: the graph's ms are the report's stream time, not a count from
    // the first event (issue 7); the stabilisation time counts from `origin_ns`.
    let end_ns = report["startup"]["end_ns"].as_u64().unwrap();
    assert_eq!(
        graph["at_ms"].as_f64(),
        Some((end_ns as f64 / 1e3).round() / 1e3)
    );
    assert_eq!(graph["origin_ns"], report["origin_ns"]);
    let origin_ns = report["origin_ns"].as_u64().unwrap();
    assert_eq!(
        report["startup"]["stabilisation_ms"].as_f64(),
        Some(((end_ns - origin_ns) as f64 / 1e3).round() / 1e3)
    );
    let owners = graph["owners"].as_array().unwrap();
    let live: u64 = owners.iter().map(|o| o["live"].as_u64().unwrap()).sum();
    assert_eq!(graph["live"].as_u64(), Some(live));
    assert_eq!(live, 20, "synth keeps --live resources alive");
    let keys: Vec<(String, u64)> = owners
        .iter()
        .map(|o| {
            (
                o["owner_kind"].as_str().unwrap().to_owned(),
                o["owner_key"].as_u64().unwrap(),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted, "owners are sorted by kind and key");
    // --at the first event (the report's `origin_ns`): only what it made.
    let at_first = format!("{origin_ns}ns");
    let first = run_json(gpu_ledger(dir.path()).args([
        "graph",
        "s.gltrace",
        "--at",
        &at_first,
        "--format",
        "json",
    ]));
    assert_eq!(
        (first["at"].as_str(), first["live"].as_u64()),
        (Some("given"), Some(1))
    );
}

/// A trace whose first event comes 350 ms after the stream started (a renderer that
/// records long after its recorder started), in whole milliseconds: resources 1
/// and 2 made in startup, 3 and 4 in steady state, everything destroyed after the
/// shutdown marker at 500 ms.
fn late_start_trace(dir: &Path) -> &'static str {
    let ev = |t_ms: u64, body: &str| {
        format!(
            "{{\"type\":\"event\",\"t_ns\":{},\"thread\":0,{body}}}\n",
            t_ms * 1_000_000
        )
    };
    let res = |t: u64, event: &str, id: u64| {
        ev(
            t,
            &format!(
                "\"event\":\"{event}\",\"id\":{id},\"resource_type\":\"TextureTarget\",\"owner_kind\":\"RootVisual\",\"owner_key\":1"
            ),
        )
    };
    let present = |t: u64, packet: u64| {
        ev(
            t,
            &format!("\"event\":\"packet\",\"stage\":\"presented\",\"lane\":1,\"packet\":{packet}"),
        )
    };
    let mut trace = String::from(
        "{\"type\":\"header\",\"format\":\"gpu-ledger-trace\",\"version\":1,\"start_unix_ns\":0,\"source\":\"late start\"}\n",
    );
    trace += &res(350, "create", 1);
    trace += &res(360, "create", 2);
    for (i, t) in [370, 380, 390, 400].into_iter().enumerate() {
        trace += &present(t, i as u64 + 1);
    }
    trace += &res(410, "create", 3);
    trace += &res(420, "create", 4);
    trace += &present(430, 5);
    trace += &ev(500, "\"event\":\"marker\",\"marker\":\"ShutdownBegins\"");
    for id in 1..=4 {
        trace += &res(500 + id, "destroy", id);
    }
    std::fs::write(dir.join("late.jsonl"), trace).unwrap();
    "late.jsonl"
}

/// The live resource ids of a `graph --format json` document.
fn live_ids(graph: &Value) -> Vec<u64> {
    let mut ids: Vec<u64> = graph["owners"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|o| o["resources"].as_array().unwrap())
        .map(|r| r["id"].as_u64().unwrap())
        .collect();
    ids.sort_unstable();
    ids
}

/// Issue 7: a window boundary copied from a report, text or JSON, pasted into
/// `graph --at`, gives the live set at that boundary (before, `--at` counted from
/// the first event and landed 350 ms later, after the teardown).
#[test]
fn a_report_window_boundary_pasted_into_graph_at_gives_the_live_set_there() {
    let dir = tempfile::tempdir().unwrap();
    let trace = late_start_trace(dir.path());
    let text = stdout(&run(gpu_ledger(dir.path()).args(["report", trace]), 0));
    assert!(
        text.starts_with("gpu-ledger report: 14 events from \"late start\"; times in ms since the stream started, first event at 350.000\n"),
        "{text}"
    );
    // The windows table: `window start_ms end_ms ...`; startup ends where steady state starts.
    let row = |name: &str| -> Vec<String> {
        let line = text
            .lines()
            .find(|l| l.trim_start().starts_with(name) && l.contains('.'))
            .unwrap_or_else(|| panic!("no {name} row in\n{text}"));
        line.split_whitespace().map(str::to_owned).collect()
    };
    let startup_end = row("startup")[2].clone();
    let steady_end = row("steady")[2].clone();
    assert_eq!(
        (startup_end.as_str(), steady_end.as_str()),
        ("380.000", "500.000")
    );
    let graph_at = |at: &str| {
        run_json(gpu_ledger(dir.path()).args(["graph", trace, "--at", at, "--format", "json"]))
    };
    let at_startup_end = graph_at(&startup_end);
    assert_eq!(live_ids(&at_startup_end), vec![1, 2]);
    assert_eq!(at_startup_end["at_ns"], 380_000_000u64);
    assert_eq!(at_startup_end["origin_ns"], 350_000_000u64);
    // The default point is the same boundary.
    let default = run_json(gpu_ledger(dir.path()).args(["graph", trace, "--format", "json"]));
    assert_eq!(
        (default["at"].as_str(), live_ids(&default)),
        (Some("startup-end"), vec![1, 2])
    );
    // The JSON boundary, exactly, in nanoseconds.
    let report = run_json(gpu_ledger(dir.path()).args(["report", trace, "--format", "json"]));
    let shutdown_start = report["windows"]["shutdown"]["start_ns"].as_u64().unwrap();
    assert_eq!(shutdown_start, 500_000_000);
    assert_eq!(
        live_ids(&graph_at(&format!("{shutdown_start}ns"))),
        vec![1, 2, 3, 4]
    );
    assert_eq!(live_ids(&graph_at(&steady_end)), vec![1, 2, 3, 4]);
    assert_eq!(live_ids(&graph_at("503")), vec![4]);
}

#[test]
fn graph_rejects_a_time_that_is_not_milliseconds() {
    let dir = tempfile::tempdir().unwrap();
    let output = run(
        gpu_ledger(dir.path()).args(["graph", "x.gltrace", "--at", "soon"]),
        2,
    );
    assert!(
        stderr(&output).contains(
            "invalid value 'soon' for '--at <MS>': \"soon\" is not a time in milliseconds: give a number such as 250 or 12.5"
        ),
        "{}",
        stderr(&output)
    );
}

#[test]
fn timeline_of_the_nslog_shutdown_is_one_burst_of_queue_destroys() {
    let dir = tempfile::tempdir().unwrap();
    fixture(dir.path(), "omega-nslog-only.log");
    let output = run(
        gpu_ledger(dir.path()).args(["timeline", "omega-nslog-only.log", "--window", "shutdown"]),
        0,
    );
    let text = stdout(&output);
    let expected = concat!(
        "Timeline of the shutdown window: 639.000 to 639.000 ms, 34 events, 2 entries (0 packets); times in ms since the stream started, first event at 0.000, resource events outside packets in 1 ms buckets\n",
        "       at  packet     queued  submitted  completed  ended  outcome  resources\n",
        "  639.000  (outside)       -          -          -      -           -33 CommandQueue\n",
        "  639.000  (marker)        -          -          -      -           CleanEnd\n",
        "\n",
        "Input\n",
    );
    assert!(text.starts_with(expected), "{text}");
}

#[test]
fn timeline_of_a_synthetic_startup_has_one_line_per_startup_packet() {
    let dir = tempfile::tempdir().unwrap();
    synth(
        dir.path(),
        "s.gltrace",
        &["--events", "30000", "--live", "20"],
    );
    let timeline =
        run_json(gpu_ledger(dir.path()).args(["timeline", "s.gltrace", "--format", "json"]));
    let report = run_json(gpu_ledger(dir.path()).args(["report", "s.gltrace", "--format", "json"]));
    assert_eq!(timeline["format"], "gpu-ledger-timeline");
    assert_eq!(timeline["window"], "startup");
    assert_eq!(timeline["events"], report["windows"]["startup"]["events"]);
    let entries = timeline["entries"].as_array().unwrap();
    let presented = entries
        .iter()
        .filter(|e| e["outcome"] == "presented")
        .count() as u64;
    assert_eq!(
        Some(presented),
        report["startup"]["frames_presented"].as_u64()
    );
    let created: u64 = entries
        .iter()
        .flat_map(|e| e["created"].as_object().unwrap().values())
        .map(|n| n.as_u64().unwrap())
        .sum();
    assert_eq!(Some(created), report["startup"]["created"].as_u64());
    assert_eq!(timeline["entries_omitted"], 0);
}

#[test]
fn timeline_packets_n_shows_the_last_n_packets_of_the_window() {
    let dir = tempfile::tempdir().unwrap();
    synth(
        dir.path(),
        "s.gltrace",
        &["--events", "30000", "--live", "20"],
    );
    let timeline = run_json(gpu_ledger(dir.path()).args([
        "timeline",
        "s.gltrace",
        "--window",
        "steady",
        "--packets",
        "3",
        "--format",
        "json",
    ]));
    let report = run_json(gpu_ledger(dir.path()).args(["report", "s.gltrace", "--format", "json"]));
    assert_eq!(
        (timeline["keep"].as_str(), timeline["limit"].as_u64()),
        (Some("last"), Some(3))
    );
    assert_eq!(timeline["packets_shown"], 3);
    let steady = &report["windows"]["steady"]["packets"];
    let finished = ["presented", "dropped", "noop", "failed"]
        .iter()
        .map(|k| steady[k].as_u64().unwrap())
        .sum::<u64>();
    assert_eq!(timeline["packets_omitted"].as_u64(), Some(finished - 3));
    let text = stdout(&run(
        gpu_ledger(dir.path()).args([
            "timeline",
            "s.gltrace",
            "--window",
            "steady",
            "--packets",
            "3",
        ]),
        0,
    ));
    assert_eq!(
        text.lines().filter(|l| l.contains(" presented ")).count(),
        3,
        "{text}"
    );
    assert!(
        text.contains("the limit keeps the last 3 packets"),
        "{text}"
    );
}

#[test]
fn diff_of_a_trace_against_itself_does_not_regress() {
    let dir = tempfile::tempdir().unwrap();
    synth(dir.path(), "a.gltrace", &["--events", "20000"]);
    let output = run(
        gpu_ledger(dir.path()).args(["diff", "a.gltrace", "a.gltrace", "--fail-on-regression"]),
        0,
    );
    let text = stdout(&output);
    assert!(
        text.starts_with("BASE a.gltrace\nNEW  a.gltrace\nNo regression: "),
        "{text}"
    );
    let doc = run_json(gpu_ledger(dir.path()).args([
        "diff",
        "a.gltrace",
        "a.gltrace",
        "--format",
        "json",
    ]));
    assert_eq!(doc["format"], "gpu-ledger-diff");
    assert_eq!(doc["regressed"], false);
    assert_eq!(doc["regressions"], Value::Array(vec![]));
    assert_eq!(doc["input"]["new"]["path"], "a.gltrace");
}

#[test]
fn diff_where_new_churns_more_exits_1_with_fail_on_regression() {
    let dir = tempfile::tempdir().unwrap();
    synth(
        dir.path(),
        "base.gltrace",
        &["--events", "30000", "--live", "20"],
    );
    synth(
        dir.path(),
        "new.gltrace",
        &["--events", "30000", "--live", "40", "--seed", "2"],
    );
    let output = run(
        gpu_ledger(dir.path()).args([
            "diff",
            "base.gltrace",
            "new.gltrace",
            "--fail-on-regression",
        ]),
        1,
    );
    let text = stdout(&output);
    assert!(
        text.contains("Regressed: startup.stabilisation_ms went from 521.601 to 521.881; windows.startup.churn_ratio went from 8.917 to 13.583.\n"),
        "{text}"
    );
    assert!(
        text.contains("  windows.startup.churn_ratio     8.917   13.583  +4.666  worse\n"),
        "{text}"
    );
    // Without the flag the same answer exits 0.
    run(
        gpu_ledger(dir.path()).args(["diff", "base.gltrace", "new.gltrace"]),
        0,
    );
    // Swapped, only the slightly lower steady-state churn of the second trace is lost.
    let swapped = run(
        gpu_ledger(dir.path()).args([
            "diff",
            "new.gltrace",
            "base.gltrace",
            "--fail-on-regression",
            "--format",
            "json",
        ]),
        1,
    );
    let doc: Value = serde_json::from_slice(&swapped.stdout).unwrap();
    assert_eq!(
        doc["regressions"],
        serde_json::json!(["windows.steady.churn_ratio went from 2.006 to 2.012"])
    );
}

/// A small JSON Lines trace: a queue, two packets that touch and replace a target.
const TWO_PACKETS: &str = concat!(
    "{\"type\":\"header\",\"format\":\"gpu-ledger-trace\",\"version\":1}\n",
    "{\"type\":\"event\",\"t_ns\":1000000,\"event\":\"create\",\"id\":1,\"resource_type\":\"CommandQueue\",\"owner_kind\":\"RootVisual\",\"owner_key\":1}\n",
    "{\"type\":\"event\",\"t_ns\":2000000,\"event\":\"packet\",\"stage\":\"queued\",\"lane\":1,\"packet\":1,\"command_id\":1}\n",
    "{\"type\":\"event\",\"t_ns\":2100000,\"event\":\"create\",\"id\":2,\"resource_type\":\"TextureTarget\",\"owner_kind\":\"ChildVisual\",\"owner_key\":32,\"lane\":1,\"packet\":1,\"width\":260,\"height\":440,\"scale\":2.0}\n",
    "{\"type\":\"event\",\"t_ns\":2200000,\"event\":\"touched\",\"lane\":1,\"packet\":1,\"id\":1}\n",
    "{\"type\":\"event\",\"t_ns\":3000000,\"event\":\"packet\",\"stage\":\"presented\",\"lane\":1,\"packet\":1}\n",
    "{\"type\":\"event\",\"t_ns\":4000000,\"event\":\"packet\",\"stage\":\"queued\",\"lane\":1,\"packet\":2,\"command_id\":2}\n",
    "{\"type\":\"event\",\"t_ns\":4100000,\"event\":\"destroy\",\"id\":2,\"resource_type\":\"TextureTarget\",\"owner_kind\":\"ChildVisual\",\"owner_key\":32,\"lane\":1,\"packet\":2}\n",
    "{\"type\":\"event\",\"t_ns\":4200000,\"event\":\"create\",\"id\":3,\"resource_type\":\"TextureTarget\",\"owner_kind\":\"ChildVisual\",\"owner_key\":32,\"lane\":1,\"packet\":2}\n",
    "{\"type\":\"event\",\"t_ns\":5000000,\"event\":\"packet\",\"stage\":\"presented\",\"lane\":1,\"packet\":2}\n",
);

#[test]
fn graph_at_packet_is_the_graph_just_after_it_ended_and_a_packet_that_never_ended_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("two.jsonl"), TWO_PACKETS).unwrap();
    let output = run(
        gpu_ledger(dir.path()).args(["graph", "two.jsonl", "--at-packet", "1:1"]),
        0,
    );
    let expected = concat!(
        "Resource graph at 3.000 ms since the stream started: 2 live resources, 2 owners (1 CommandQueue, 1 TextureTarget)\n",
        "  ChildVisual 0x20: 1 live (1 TextureTarget)\n",
        "    TextureTarget 2  age 0.900 ms  260x440 @2  last packet 1/1 at 2.100 ms\n",
        "  RootVisual 0x1: 1 live (1 CommandQueue)\n",
        "    CommandQueue 1  age 2.000 ms  last packet 1/1 at 2.200 ms\n",
        "Taken at the end of packet 1/1; --at MS or --at-packet LANE:PACKET picks another point.\n",
    );
    assert!(stdout(&output).starts_with(expected), "{}", stdout(&output));
    // LANE/PACKET as tables print it parses too; the JSON names the packet.
    let json = run_json(gpu_ledger(dir.path()).args([
        "graph",
        "two.jsonl",
        "--at-packet",
        "1/2",
        "--format",
        "json",
    ]));
    assert_eq!(json["at"], "after-packet");
    assert_eq!(json["packet"], serde_json::json!({"lane": 1, "packet": 2}));
    assert_eq!(json["events_applied"], 9);
    let ids: Vec<u64> = json["owners"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|o| {
            o["resources"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["id"].as_u64().unwrap())
        })
        .collect();
    assert_eq!(ids, [3, 1], "target 2 was replaced by 3 in packet 2");

    let output = run(
        gpu_ledger(dir.path()).args(["graph", "two.jsonl", "--at-packet", "1:9"]),
        1,
    );
    assert_eq!(
        stderr(&output),
        "gpu-ledger: lane 1 packet 9 is not in the input: two.jsonl\n"
    );
    let output = run(
        gpu_ledger(dir.path()).args(["graph", "two.jsonl", "--at-packet", "9"]),
        2,
    );
    assert!(
        stderr(&output).contains("\"9\" is not a packet: give LANE:PACKET, such as 1:42"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn timeline_last_n_lists_the_resources_each_packet_touched() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("two.jsonl"), TWO_PACKETS).unwrap();
    let output = run(
        gpu_ledger(dir.path()).args(["timeline", "two.jsonl", "--last", "1"]),
        0,
    );
    let expected = concat!(
        "Timeline of the whole stream: 1.000 to 5.000 ms, 9 events, 1 entry (1 packet); times in ms since the stream started, first event at 1.000, resource events outside packets in 1 ms buckets\n",
        "     at  packet  queued  submitted  completed  ended  outcome    resources                          ids\n",
        "  4.000  1/2      4.000          -          -  5.000  presented  +1 TextureTarget -1 TextureTarget  2 3\n",
        "  2 earlier entries not shown (1 of them packets): the limit keeps the last 1 packet\n",
    );
    assert!(stdout(&output).starts_with(expected), "{}", stdout(&output));
}

#[test]
fn graph_and_timeline_read_a_running_processs_dump() {
    let dir = tempfile::tempdir().unwrap();
    let dump = crate::util::storm_dump(dir.path());
    let name = dump.file_name().unwrap().to_str().unwrap().to_owned();
    let output = run(gpu_ledger(dir.path()).args(["graph", &name]), 0);
    let text = stdout(&output);
    assert!(
        text.starts_with("Resource graph at ")
            && text.contains(
                "  ChildVisual 0x20: 1 live (1 TextureTarget)\n    TextureTarget 7  age "
            )
            && text.contains("260x440 @2  last packet 1/6 at "),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "\nInput\n  {name} (gpu-ledger-dump)\n  a request dump of process "
        )),
        "{text}"
    );
    let json = run_json(gpu_ledger(dir.path()).args(["graph", &name, "--format", "json"]));
    assert_eq!(json["at"], "dump");
    assert_eq!(json["input"]["kind"], "gpu-ledger-dump");
    assert_eq!(json["input"]["reason"], "request");

    let output = run(
        gpu_ledger(dir.path()).args(["timeline", &name, "--last", "2"]),
        0,
    );
    let text = stdout(&output);
    assert!(
        text.contains("  1/5 ") && text.contains("  1/6 ") && !text.contains("  1/4 "),
        "{text}"
    );
    let output = run(gpu_ledger(dir.path()).args(["timeline", &name]), 0);
    assert!(
        stdout(&output).starts_with("Timeline of the startup window: "),
        "{}",
        stdout(&output)
    );

    let output = run(
        gpu_ledger(dir.path()).args(["graph", &name, "--at", "5"]),
        2,
    );
    assert!(
        stderr(&output).starts_with(&format!(
            "gpu-ledger: {name} is a dump: it holds the graph at the one point it was taken"
        )),
        "{}",
        stderr(&output)
    );
}

/// `report`, `check`, `explain` and `export` of a dump said it held "no gpu-ledger
/// trace and no Omega log lines": it is gpu-ledger's own file, read by other commands.
#[test]
fn commands_that_need_a_stream_say_a_dump_is_read_by_graph_and_timeline() {
    let dir = tempfile::tempdir().unwrap();
    let dump = crate::util::storm_dump(dir.path());
    let name = dump.file_name().unwrap().to_str().unwrap().to_owned();
    let commands: [&[&str]; 4] = [
        &["report", &name],
        &["check", &name],
        &["explain", &name, "--resource", "7"],
        &["export", &name, "-o", "out.jsonl"],
    ];
    for args in commands {
        let output = run(gpu_ledger(dir.path()).args(args), 2);
        assert_eq!(
            stderr(&output),
            format!(
                "gpu-ledger: {name}: a gpu-ledger dump (one point of a running process, not \
                 its event stream): read it with `gpu-ledger graph` or `gpu-ledger timeline`\n"
            ),
            "{args:?}"
        );
    }
}

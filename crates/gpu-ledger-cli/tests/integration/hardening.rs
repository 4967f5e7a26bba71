//! Issue 9, items 1, 2, 11 and 12: outputs never destroy data, pipes are read
//! whole, errors say what is wrong, and names from an input never forge a line.
//! Real processes, real files, real pipes and FIFOs; the tester's case files are
//! copied under `crates/gpu-ledger/tests/data/hardening/`.

use std::io::{Read, Write as _};
use std::path::Path;
use std::process::{Child, Command, Output};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::util::{core_fixture, gpu_ledger, run, run_json, spawn_piped, stderr, stdout};

/// Writes a synthetic trace of about `events` events to `dir/name` and returns
/// how many it holds, as the generator's document says.
fn synth(dir: &Path, name: &str, events: u64) -> u64 {
    let doc = run_json(gpu_ledger(dir).args([
        "synth",
        "--events",
        &events.to_string(),
        "--out",
        name,
        "--format",
        "json",
    ]));
    doc["events"]
        .as_u64()
        .expect("synth says how many events it wrote")
}

/// The names in `dir`, sorted.
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Runs `command` with `input` written to its stdin through a real pipe (from
/// another thread, so a large input cannot deadlock against its output).
fn piped(command: &mut Command, input: Vec<u8>) -> Output {
    let mut child = spawn_piped(command);
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        // A command that fails early closes the pipe: that is its answer, not ours.
        let _ = stdin.write_all(&input);
    });
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap();
    output
}

/// Waits for `child`, reading its output as it comes; kills it and fails when it
/// runs past `limit` (a second pass over a FIFO used to wait for a writer forever).
fn finish_within(mut child: Child, limit: Duration, what: &str) -> Output {
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut pipe) = pipe {
                pipe.read_to_end(&mut bytes).unwrap();
            }
            bytes
        })
    };
    let out = drain(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let err = drain(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > limit {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!("{what} still ran after {limit:?}: it waits for input it already read");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Output {
        status,
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
    }
}

/// A renderer log of `pairs` create/destroy pairs with chatter between them:
/// several MiB, far more than one read or one buffer.
fn big_log(pairs: u64) -> String {
    let mut log = String::new();
    let mut ts = 1_781_982_131_501u64;
    for id in 1..=pairs {
        ts += 1;
        log.push_str(&format!(
            "[OmegaWTKGPU] ts={ts} event=Create type=TextureTarget id={id} \
             ownerKind=BackendRenderTargetContext ownerKey={} width=500 height=500 scale=2\n",
            id % 50
        ));
        if id % 3 == 0 {
            log.push_str("unrelated chatter from the application, long enough to count\n");
        }
        ts += 1;
        log.push_str(&format!(
            "[OmegaWTKGPU] ts={ts} event=Destroy type=TextureTarget id={id} \
             ownerKind=BackendRenderTargetContext ownerKey={}\n",
            id % 50
        ));
    }
    log
}

// Item 1: an output never destroys data.

/// `export X --out X` used to leave an empty 37-byte trace, also through
/// `./d/../d/X`, a symbolic link or a hard link.
#[test]
fn export_refuses_an_output_that_is_its_input_under_any_name() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("d")).unwrap();
    synth(&dir.path().join("d"), "X.gltrace", 20_000);
    let original = std::fs::read(dir.path().join("d/X.gltrace")).unwrap();
    std::os::unix::fs::symlink("d/X.gltrace", dir.path().join("link.gltrace")).unwrap();
    std::fs::hard_link(
        dir.path().join("d/X.gltrace"),
        dir.path().join("hard.gltrace"),
    )
    .unwrap();
    for (input, out) in [
        ("d/X.gltrace", "d/X.gltrace"),
        ("d/X.gltrace", "./d/../d/X.gltrace"),
        ("link.gltrace", "d/X.gltrace"),
        ("d/X.gltrace", "link.gltrace"),
        ("hard.gltrace", "d/X.gltrace"),
    ] {
        let output = run(
            gpu_ledger(dir.path()).args(["export", input, "--to", "binary", "--out", out]),
            2,
        );
        assert_eq!(
            stderr(&output),
            format!(
                "gpu-ledger: {out}: the output is the input {input} (the same file): writing it \
                 would destroy what is being read; give another output path\n"
            )
        );
        assert!(
            std::fs::read(dir.path().join("d/X.gltrace")).unwrap() == original,
            "export {input} --out {out} changed the input"
        );
    }
    for args in [
        &[
            "export",
            "d/X.gltrace",
            "--to",
            "perfetto",
            "--out",
            "link.gltrace",
        ][..],
        &[
            "export",
            "hard.gltrace",
            "--to",
            "chrome",
            "--out",
            "./d/X.gltrace",
        ],
        &["report", "d/X.gltrace", "--html", "hard.gltrace"],
    ] {
        let output = run(gpu_ledger(dir.path()).args(args), 2);
        assert!(
            stderr(&output).contains(": the output is the input "),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(std::fs::read(dir.path().join("d/X.gltrace")).unwrap() == original);
    }
    assert!(
        std::fs::symlink_metadata(dir.path().join("link.gltrace"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(
        listing(dir.path()),
        ["d", "hard.gltrace", "link.gltrace"],
        "no temporary file is left"
    );
}

/// `export /missing --out keep.gltrace` exited 2 having already replaced
/// `keep.gltrace` with an empty, valid-looking trace.
#[test]
fn a_failed_export_leaves_the_existing_output_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let events = synth(dir.path(), "keep.gltrace", 20_000);
    let keep = std::fs::read(dir.path().join("keep.gltrace")).unwrap();
    std::fs::write(dir.path().join("keep.jsonl"), &keep).unwrap();
    std::fs::write(dir.path().join("noise.txt"), "no trace and no log here\n").unwrap();
    for (input, out) in [
        ("missing.gltrace", "keep.gltrace"),
        ("noise.txt", "keep.gltrace"),
        ("missing.gltrace", "keep.jsonl"),
        ("noise.txt", "keep.jsonl"),
    ] {
        for to in ["binary", "jsonl", "perfetto", "chrome"] {
            run(
                gpu_ledger(dir.path()).args(["export", input, "--to", to, "--out", out]),
                2,
            );
        }
        assert!(
            std::fs::read(dir.path().join(out)).unwrap() == keep,
            "export {input} --out {out} changed {out}"
        );
    }
    assert_eq!(
        listing(dir.path()),
        ["keep.gltrace", "keep.jsonl", "noise.txt"],
        "no temporary file is left"
    );
    // A run that succeeds replaces the file whole.
    let doc = run_json(gpu_ledger(dir.path()).args([
        "export",
        "keep.gltrace",
        "--out",
        "keep.jsonl",
        "--format",
        "json",
    ]));
    assert_eq!(doc["events"], events);
    let jsonl = std::fs::read_to_string(dir.path().join("keep.jsonl")).unwrap();
    assert_eq!(
        jsonl.lines().filter(|l| l.contains("\"event\"")).count() as u64,
        events
    );
}

// Item 2: pipes and standard input are read whole, once.

/// `cat big.log | gpu-ledger report /dev/stdin` imported 764 of 58,748 events
/// with exit 0: detection buffered the first chunk, then the log's first pass
/// opened the path again and read what was left.
#[test]
fn a_piped_log_is_read_whole_through_dev_stdin_and_dash() {
    let dir = tempfile::tempdir().unwrap();
    let log = big_log(30_000);
    assert!(log.len() > 8 << 20, "far more than one read: {}", log.len());
    std::fs::write(dir.path().join("big.log"), &log).unwrap();
    let from_file =
        run_json(gpu_ledger(dir.path()).args(["report", "big.log", "--format", "json"]));
    // 60,000 line events and the clean end of a log whose last line is whole.
    assert_eq!(from_file["totals"]["events"], 60_001);
    for path in ["/dev/stdin", "-"] {
        let output = piped(
            gpu_ledger(dir.path()).args(["report", path, "--format", "json"]),
            log.clone().into_bytes(),
        );
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        let mut doc: Value = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(doc["input"]["path"], path);
        assert_eq!(doc["input"]["lines"], from_file["input"]["lines"]);
        doc["input"]["path"] = from_file["input"]["path"].clone();
        assert_eq!(doc, from_file, "report {path} read from a pipe");
    }
}

/// `timeline` and `graph` read their input twice (the window's bounds first):
/// from a FIFO, the second pass used to find nothing left.
#[test]
fn commands_that_read_twice_read_a_fifo_whole_both_times() {
    let dir = tempfile::tempdir().unwrap();
    synth(dir.path(), "s.gltrace", 50_000);
    let trace = std::fs::read(dir.path().join("s.gltrace")).unwrap();
    let status = Command::new("mkfifo")
        .arg(dir.path().join("fifo"))
        .status()
        .expect("mkfifo (coreutils) runs");
    assert!(status.success());
    for command in ["timeline", "graph"] {
        let from_file = stdout(&run(gpu_ledger(dir.path()).args([command, "s.gltrace"]), 0));
        let child = spawn_piped(gpu_ledger(dir.path()).args([command, "fifo"]));
        // Opening a FIFO for writing waits for its reader: the command.
        std::fs::OpenOptions::new()
            .write(true)
            .open(dir.path().join("fifo"))
            .unwrap()
            .write_all(&trace)
            .unwrap();
        let output = finish_within(child, Duration::from_secs(120), command);
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        assert_eq!(
            stdout(&output).replace("  fifo (binary-trace)", "  s.gltrace (binary-trace)"),
            from_file,
            "{command} read from a FIFO"
        );
    }
}

// Item 11: errors that say what is wrong.

/// One bit flipped in the version field said "version 129 is newer, upgrade"
/// although the header fails its checksum.
#[test]
fn a_bit_flip_in_the_version_field_is_reported_as_header_damage() {
    let dir = tempfile::tempdir().unwrap();
    let events = synth(dir.path(), "s.gltrace", 20_000);
    let mut bytes = std::fs::read(dir.path().join("s.gltrace")).unwrap();
    let version = u16::from_le_bytes([bytes[8], bytes[9]]);
    bytes[8] ^= 0x80;
    std::fs::write(dir.path().join("flipped.gltrace"), &bytes).unwrap();
    let output = run(
        gpu_ledger(dir.path()).args(["report", "flipped.gltrace"]),
        2,
    );
    let message = stderr(&output);
    assert!(!message.contains("upgrade"), "{message}");
    assert!(
        message.starts_with(&format!(
            "gpu-ledger: flipped.gltrace: trace header checksum mismatch over bytes 0..{}",
            u32::from_le_bytes(bytes[12..16].try_into().unwrap()) + 16
        )),
        "{message}"
    );
    assert!(
        message.contains(&format!(
            "the version field at byte 8 reads {}, but the header checks out as version \
             {version}: the field is damaged, not newer",
            version ^ 0x80
        )),
        "{message}"
    );
    assert!(
        message.ends_with(&format!(
            "; with the version restored its header checks out and it holds {events} events\n"
        )),
        "{message}"
    );
    // Damage where no field can be repaired (the start time) still says what the
    // blocks hold.
    let mut bytes = std::fs::read(dir.path().join("s.gltrace")).unwrap();
    bytes[20] ^= 0x01;
    std::fs::write(dir.path().join("start.gltrace"), &bytes).unwrap();
    let output = run(gpu_ledger(dir.path()).args(["report", "start.gltrace"]), 2);
    assert!(
        stderr(&output).ends_with(&format!(
            "; its start time, source or checksum is damaged; read past its header, its blocks \
             hold {events} events\n"
        )),
        "{}",
        stderr(&output)
    );
}

/// One bit flipped in the magic tag said "no Omega log lines".
#[test]
fn a_bit_flip_in_the_magic_says_it_looks_like_a_damaged_trace() {
    let dir = tempfile::tempdir().unwrap();
    let events = synth(dir.path(), "s.gltrace", 20_000);
    let mut bytes = std::fs::read(dir.path().join("s.gltrace")).unwrap();
    bytes[0] ^= 0x01;
    std::fs::write(dir.path().join("flipped.gltrace"), &bytes).unwrap();
    let output = run(
        gpu_ledger(dir.path()).args(["report", "flipped.gltrace"]),
        2,
    );
    assert_eq!(
        stderr(&output),
        format!(
            "gpu-ledger: flipped.gltrace: this looks like a damaged gpu-ledger binary trace: its \
             first 8 bytes 88 47 4c 44 0d 0a 1a 0a differ from the magic tag 89 47 4c 44 0d 0a \
             1a 0a in 1 bit, and it holds no Omega log lines; with the tag restored its header \
             checks out and it holds {events} events\n"
        )
    );
}

/// A log of pool snapshots alone said "no Omega log lines" and exited 2.
#[test]
fn a_log_of_only_informational_lines_is_read_and_says_what_it_held() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("pools.log"),
        "[OmegaWTKGPU] ts=1781982134410 event=PoolSnapshot pool=BufferPool hits=60 misses=4 hitRate=0.9375 freeCount=0 pooledBytes=24576\n\
         an unrelated line\n\
         [OmegaWTKGPU] ts=1781982134420 event=PoolSnapshot pool=TexturePool hits=6 misses=4 hitRate=0.6 freeCount=2\n",
    )
    .unwrap();
    let doc = run_json(gpu_ledger(dir.path()).args(["report", "pools.log", "--format", "json"]));
    assert_eq!(doc["totals"]["events"], 0);
    assert_eq!(doc["input"]["kind"], "omega-log");
    assert_eq!(doc["input"]["lines"], 3);
    assert_eq!(doc["input"]["informational_lines"], 2);
    assert_eq!(doc["input"]["other_lines"], 1);
    let output = run(gpu_ledger(dir.path()).args(["report", "pools.log"]), 0);
    assert!(
        stdout(&output).contains(
            "\nInput\n  pools.log (omega-log)\n  3 lines: 0 events (0 findings), 2 informational, 0 \
             duplicates of better lines skipped, 1 other lines ignored, 0 malformed, 0 over-long\n  \
             warning: no resource or packet events in this log: its 2 Omega lines are informational"
        ),
        "{}",
        stdout(&output)
    );
    assert!(
        stderr(&output).starts_with(
            "gpu-ledger: warning: pools.log: no resource or packet events in this log"
        )
    );
}

/// `--out /dev/full` failed without naming the output.
#[test]
fn write_errors_name_the_output() {
    let dir = tempfile::tempdir().unwrap();
    synth(dir.path(), "s.gltrace", 20_000);
    for args in [
        &["export", "s.gltrace", "--out", "/dev/full"][..],
        &["export", "s.gltrace", "--to", "jsonl", "--out", "/dev/full"],
        &[
            "export",
            "s.gltrace",
            "--to",
            "perfetto",
            "--out",
            "/dev/full",
        ],
        &[
            "export",
            "s.gltrace",
            "--to",
            "chrome",
            "--out",
            "/dev/full",
        ],
        &["report", "s.gltrace", "--html", "/dev/full"],
        &["synth", "--events", "20000", "--out", "/dev/full"],
    ] {
        let output = run(gpu_ledger(dir.path()).args(args), 2);
        let message = stderr(&output);
        assert!(
            message.starts_with("gpu-ledger: ")
                && message.contains("/dev/full: ")
                && message.ends_with("No space left on device (os error 28)\n"),
            "{args:?}: {message}"
        );
    }
}

/// `graph --at 1e308` clamped silently; any time no trace can hold is refused,
/// saying why.
#[test]
fn graph_refuses_a_time_out_of_range_saying_why() {
    let dir = tempfile::tempdir().unwrap();
    synth(dir.path(), "s.gltrace", 20_000);
    for (at, why) in [
        (
            "1e308",
            "\"1e308\" is out of range: stream time ends at 18446744073709.551615 ms",
        ),
        (
            "18446744073709.552",
            "\"18446744073709.552\" is out of range",
        ),
        (
            "18446744073709551616ns",
            "\"18446744073709551616ns\" is out of range",
        ),
        ("-5", "\"-5\" is before the stream started"),
        ("5 parsecs", "\"5 parsecs\" has an unknown unit \"parsecs\""),
    ] {
        let output = run(
            gpu_ledger(dir.path()).args(["graph", "s.gltrace", &format!("--at={at}")]),
            2,
        );
        assert!(
            stderr(&output).contains(why),
            "--at {at}: {}",
            stderr(&output)
        );
    }
    let doc = run_json(gpu_ledger(dir.path()).args([
        "graph",
        "s.gltrace",
        "--at",
        "1e3",
        "--format",
        "json",
    ]));
    assert_eq!(
        doc["at_ms"], 1000.0,
        "an exponent is a number like any other"
    );
}

/// `synth --lanes 0` wrote a trace of 1 lane, and `--live` below one visual per
/// lane kept more resources alive than asked: both are refused, and nothing is
/// written.
#[test]
fn synth_refuses_a_shape_it_would_round_up() {
    let dir = tempfile::tempdir().unwrap();
    for (args, message) in [
        (
            ["--lanes", "0", "--live", "1000"],
            "gpu-ledger: a synthetic workload of 0 lanes has no packets: ask for at least 1 \
             lane\n",
        ),
        (
            ["--lanes", "3", "--live", "14"],
            "gpu-ledger: a synthetic workload of 3 lanes keeps at least 15 resources live (one \
             visual of 5 resources per lane), but at most 14 were asked for: ask for at least 15 \
             live resources, or for fewer lanes\n",
        ),
    ] {
        let output = run(
            gpu_ledger(dir.path())
                .args(["synth", "--events", "30000", "--out", "s.gltrace"])
                .args(args),
            2,
        );
        assert_eq!(stderr(&output), message, "{args:?}");
        assert!(listing(dir.path()).is_empty(), "{args:?} wrote a file");
    }
    let doc = run_json(gpu_ledger(dir.path()).args([
        "synth",
        "--events",
        "30000",
        "--lanes",
        "3",
        "--live",
        "15",
        "--out",
        "s.gltrace",
        "--format",
        "json",
    ]));
    assert_eq!(doc["lost_events"], 0);
    let graph = run_json(gpu_ledger(dir.path()).args(["graph", "s.gltrace", "--format", "json"]));
    assert!(graph["live"].as_u64().unwrap() <= 15, "{}", graph["live"]);
}

// Item 12: names from an input never forge a line.

/// Bytes a terminal acts on: every control character but the line feed.
fn assert_inert(what: &str, text: &str) {
    let bad: Vec<char> = text
        .chars()
        .filter(|c| *c != '\n' && (c.is_control() || *c == '\u{202e}'))
        .collect();
    assert!(bad.is_empty(), "{what}: raw {bad:?} in\n{text}");
}

/// Names holding a newline or an escape sequence were printed as they are, so
/// an input could forge "Guardrails: 0 of 3 failed" in a report.
#[test]
fn names_with_control_characters_never_forge_a_line_of_any_text_output() {
    let dir = tempfile::tempdir().unwrap();
    let case = "jsonl_control_chars_in_names.jsonl";
    std::fs::copy(
        core_fixture(&format!("hardening/{case}")),
        dir.path().join(case),
    )
    .unwrap();
    // The path, a log line and another checker's message are untrusted too.
    let forged_path = "x\nGuardrails: 0 of 3 failed\n.jsonl";
    std::fs::copy(dir.path().join(case), dir.path().join(forged_path)).unwrap();
    let mut with_finding = std::fs::read_to_string(dir.path().join(case)).unwrap();
    with_finding.push_str(
        "{\"type\":\"event\",\"t_ns\":2100000,\"thread\":0,\"event\":\"finding\",\
         \"severity\":\"error\",\"code\":\"VUID\\n  PASS fake\",\
         \"message\":\"in use\\nGuardrails: 0 of 3 failed\\u001b[2J\"}\n",
    );
    std::fs::write(dir.path().join("finding.jsonl"), with_finding).unwrap();
    std::fs::write(
        dir.path().join("esc.log"),
        "[OmegaWTKGPU] ts=1781982131501 event=Create type=Esc\u{1b}[2J ownerKind=Own\u{202e}er \
         id=1 ownerKey=1 width=5 height=5 scale=1\n\
         [OmegaWTKGPU] ts=\u{1b}[31mRED\nGuardrails: 0 of 3 failed event=Create\n",
    )
    .unwrap();
    let commands: Vec<Vec<&str>> = vec![
        vec!["report", case],
        vec!["report", "finding.jsonl"],
        vec!["check", "finding.jsonl"],
        vec!["timeline", "finding.jsonl"],
        vec!["report", forged_path],
        vec!["report", "esc.log"],
        vec!["check", case],
        vec!["check", "esc.log"],
        vec!["timeline", case],
        vec!["timeline", forged_path],
        vec!["graph", case],
        vec!["graph", "esc.log"],
        vec!["explain", case, "--resource", "1"],
        vec!["explain", case, "--resource", "2"],
        vec!["explain", "esc.log", "--resource", "1"],
        vec!["explain", forged_path, "--resource", "99"],
        vec!["diff", case, forged_path],
        vec!["export", forged_path, "--out", "copy.gltrace"],
        vec!["report", "missing\u{1b}[2J\nGuardrails: 0 of 3 failed"],
    ];
    for args in commands {
        let output = gpu_ledger(dir.path()).args(&args).output().unwrap();
        let (out, err) = (stdout(&output), stderr(&output));
        assert_inert(&format!("{args:?} stdout"), &out);
        assert_inert(&format!("{args:?} stderr"), &err);
        for line in out.lines().chain(err.lines()) {
            assert!(
                !line.trim_start().starts_with("PASS fake"),
                "{args:?} printed a forged line: {line:?}"
            );
        }
        let guardrail_titles = out.lines().filter(|l| l.starts_with("Guardrails:")).count();
        let expected = usize::from(args[0] == "report" && output.status.success());
        assert_eq!(guardrail_titles, expected, "{args:?}:\n{out}");
        assert!(
            !err.lines().any(|l| l.starts_with("Guardrails:")),
            "{args:?}:\n{err}"
        );
    }
    // What was escaped is still there to read.
    let report = stdout(&run(gpu_ledger(dir.path()).args(["report", case]), 0));
    assert!(
        report.contains("  Evil\\nGuardrails: 0 of 3 failed\\n  PASS fake  "),
        "{report}"
    );
    assert!(
        report.contains("  Esc\\u{1b}[31mRED\\u{1b}[0m  "),
        "{report}"
    );
    // JSON carries the names exactly.
    let doc = run_json(gpu_ledger(dir.path()).args(["graph", case, "--format", "json"]));
    let kinds: Vec<&str> = doc["owners"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["owner_kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["Own\ttab", "RootVisual"]);
}

/// A source longer than a binary header holds was cut without a word.
#[test]
fn exporting_a_long_source_to_binary_says_it_is_cut() {
    let dir = tempfile::tempdir().unwrap();
    let case = std::fs::read_to_string(core_fixture("field/02-queue-per-dialog-freed-late.jsonl"))
        .unwrap();
    let long = "s".repeat(100_000);
    let case = case.replacen(
        "\"source\": \"field case 02: a queue per dialog, released late\"",
        &format!("\"source\": \"{long}\""),
        1,
    );
    std::fs::write(dir.path().join("long.jsonl"), case).unwrap();
    let output = run(
        gpu_ledger(dir.path()).args(["export", "long.jsonl", "--out", "long.gltrace"]),
        0,
    );
    assert_eq!(
        stderr(&output),
        "gpu-ledger: warning: long.gltrace: the stream's source (100000 bytes) is cut to its \
         first 4096 bytes: a binary trace header holds no more (JSON Lines keeps it whole)\n"
    );
    // JSON Lines keeps it whole, and says nothing.
    let output = run(
        gpu_ledger(dir.path()).args(["export", "long.jsonl", "--out", "again.jsonl"]),
        0,
    );
    assert_eq!(stderr(&output), "");
}

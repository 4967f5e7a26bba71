//! `check`: guardrail verdicts and the exit-code contract (0 pass, 1 a guardrail
//! failed at the `--fail-on` level, 2 unusable input or usage).

use serde_json::{Value, json};

use crate::util::{core_fixture, gpu_ledger, run, stderr, stdout};

const NSLOG: &str = "omega-nslog-only.log";

/// What `check` prints on the NSLog-only fixture, before its verdict line: 33 queue
/// destroys (all after the last present, in the shutdown inferred from the log's
/// clean end) against 2 presents.
const NSLOG_GUARDRAILS: &str = "  PASS  recreate-churn              warning  0 non-transient (owner, type) keys in a recreate loop (R=3 recreates within T=1000.000 ms; limit 0)
  WARN  queue-destroys-vs-presents  warning  CommandQueue destroys vs presents: 33 vs 2 overall (limit 4 at 2.000x), 0 vs 2 in startup (limit 4)
        #2 destroy of CommandQueue 1 (Unknown 0x0, cause shutdown, in shutdown)
        #3 destroy of CommandQueue 2 (Unknown 0x0, cause shutdown, in shutdown)
        #4 destroy of CommandQueue 3 (Unknown 0x0, cause shutdown, in shutdown)
  PASS  destroy-before-submit       error    0 destroys of a resource a packet used before that packet was submitted (wrong under every release model; limit 0)
  PASS  destroy-in-flight           error    0 destroys of a resource that submitted, uncompleted GPU work referenced, under the immediate release model (limit 0)
  PASS  use-after-destroy           error    0 uses of a resource by a packet after its destroy (wrong under every release model; limit 0)
  PASS  error-findings              error    0 findings of severity error reported by other checkers (limit 0)
release model: not declared (destroys in flight are warnings; pass --release-model) [the trace declares none]
";

#[test]
fn a_synth_trace_passes_check() {
    let dir = tempfile::tempdir().unwrap();
    run(
        gpu_ledger(dir.path()).args(["synth", "--events", "20000", "--out", "s.gltrace"]),
        0,
    );
    let out = run(gpu_ledger(dir.path()).args(["check", "s.gltrace"]), 0);
    // The startup storm synth models (every context rebuilt on each layout pass, its
    // two targets at once: one recreate each) is exactly the recreate churn the
    // warning exists for; no assertion fails.
    let expected = "  WARN  recreate-churn              warning  198 non-transient (owner, type) keys in a recreate loop (R=3 recreates within T=1000.000 ms; limit 0); worst: RootVisual 0x600000000000 TextureTarget, 12 recreates
        #3040 RootVisual 0x600000000000 TextureTarget: 12 recreates, 10 loop cycles, first loop in startup
        #3050 ChildVisual 0x600000001040 TextureTarget: 9 recreates, 7 loop cycles, first loop in startup
        #3441 RootVisual 0x600001000000 TextureTarget: 12 recreates, 10 loop cycles, first loop in startup
  PASS  queue-destroys-vs-presents  warning  CommandQueue destroys vs presents: 205 vs 1310 overall (limit 2620 at 2.000x), 0 vs 24 in startup (limit 48)
  PASS  destroy-before-submit       error    0 destroys of a resource a packet used before that packet was submitted (wrong under every release model; limit 0)
  PASS  destroy-in-flight           error    0 destroys of a resource that submitted, uncompleted GPU work referenced, under the immediate release model (limit 0)
  PASS  use-after-destroy           error    0 uses of a resource by a packet after its destroy (wrong under every release model; limit 0)
  PASS  error-findings              error    0 findings of severity error reported by other checkers (limit 0)
release model: not declared (destroys in flight are warnings; pass --release-model) [the trace declares none]
check passed: no guardrail failed at error
";
    assert_eq!(expected, stdout(&out));
    assert_eq!("", stderr(&out), "a clean trace has no input warnings");
    let strict = run(
        gpu_ledger(dir.path()).args(["check", "s.gltrace", "--fail-on", "warning"]),
        1,
    );
    assert!(
        stdout(&strict).ends_with("check failed at warning: recreate-churn\n"),
        "{}",
        stdout(&strict)
    );
}

#[test]
fn the_nslog_fixture_fails_queue_destroys_vs_presents() {
    let dir = tempfile::tempdir().unwrap();
    let log = core_fixture(NSLOG);
    let out = run(
        gpu_ledger(dir.path())
            .arg("check")
            .arg(&log)
            .args(["--fail-on", "warning"]),
        1,
    );
    assert_eq!(
        format!("{NSLOG_GUARDRAILS}check failed at warning: queue-destroys-vs-presents\n"),
        stdout(&out)
    );
    // Input warnings go to stderr, as in `report`.
    let path = log.display();
    assert_eq!(
        format!(
            "gpu-ledger: warning: {path}: no packet information in this log ([OmegaWTKSync] lines): presents come from engine or NSLog present lines, and no event has packet context\n\
             gpu-ledger: warning: {path}: command-queue destroys come from NSLog lines without ids: their lifetimes and owners are unknown\n"
        ),
        stderr(&out)
    );
    // A warning does not fail the default level (error): it is printed, exit 0.
    let default = run(gpu_ledger(dir.path()).arg("check").arg(&log), 0);
    assert_eq!(
        format!("{NSLOG_GUARDRAILS}check passed: no guardrail failed at error\n"),
        stdout(&default)
    );
}

#[test]
fn check_json_carries_verdicts_evidence_and_definitions() {
    let dir = tempfile::tempdir().unwrap();
    let log = core_fixture(NSLOG);
    let out = run(
        gpu_ledger(dir.path()).arg("check").arg(&log).args([
            "--format",
            "json",
            "--fail-on",
            "warning",
        ]),
        1,
    );
    let doc: Value = serde_json::from_slice(&out.stdout).expect("check --format json is JSON");
    assert_eq!(doc["format"], "gpu-ledger-check");
    assert_eq!(doc["version"], 1);
    assert_eq!(doc["passed"], false);
    assert_eq!(doc["fail_on"], "warning");
    assert_eq!(doc["failed"], json!(["queue-destroys-vs-presents"]));
    let ids: Vec<&str> = doc["guardrails"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "recreate-churn",
            "queue-destroys-vs-presents",
            "destroy-before-submit",
            "destroy-in-flight",
            "use-after-destroy",
            "error-findings"
        ]
    );
    assert_eq!(
        doc["release"],
        json!({"model": null, "by_type": {}, "unmatched_types": [], "source": "not declared"})
    );
    let queue = &doc["guardrails"][1];
    assert_eq!(queue["severity"], "warning");
    assert_eq!(queue["passed"], false);
    assert_eq!(queue["threshold"], 2.0);
    assert_eq!(
        queue["evidence"]["counts"],
        json!({
            "limit": 4,
            "presented": 2,
            "queue_destroys": 33,
            "startup_limit": 4,
            "startup_presented": 2,
            "startup_queue_destroys": 0
        })
    );
    assert_eq!(
        queue["evidence"]["items"][0],
        json!({"seq": 2, "what": "destroy of CommandQueue 1 (Unknown 0x0, cause shutdown, in shutdown)"})
    );
    assert_eq!(doc["guardrails"][2]["severity"], "error");
    assert_eq!(doc["definitions"]["queue_destroy_factor"], 2.0);
    assert_eq!(doc["input"]["kind"], "omega-log");
    // At the default level the same input passes.
    let default = run(
        gpu_ledger(dir.path())
            .arg("check")
            .arg(&log)
            .args(["--format", "json"]),
        0,
    );
    let doc: Value = serde_json::from_slice(&default.stdout).unwrap();
    assert_eq!(
        (&doc["passed"], &doc["fail_on"], &doc["failed"]),
        (&json!(true), &json!("error"), &json!([]))
    );
}

#[test]
fn check_exits_2_on_unusable_input_and_bad_levels() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "nothing to see\n").unwrap();
    let out = run(gpu_ledger(dir.path()).args(["check", "notes.txt"]), 2);
    assert_eq!(
        "gpu-ledger: notes.txt: no gpu-ledger trace and no Omega log lines in it (1 lines read): give a trace written by gpu-ledger or a log with [OmegaWTKGPU], [OmegaGTEResource] or [OmegaWTKSync] lines\n",
        stderr(&out)
    );
    assert_eq!("", stdout(&out));
    let out = run(
        gpu_ledger(dir.path()).args(["check", "notes.txt", "--fail-on", "fatal"]),
        2,
    );
    assert!(
        stderr(&out).starts_with(
            "error: invalid value 'fatal' for '--fail-on <FAIL_ON>': unknown severity \"fatal\": use warning or error\n"
        ),
        "{}",
        stderr(&out)
    );
}

/// Issue 7: one rule says when any command exits 1, and `--help` states it.
#[test]
fn help_states_the_one_exit_code_rule() {
    let dir = tempfile::tempdir().unwrap();
    let help = stdout(&run(gpu_ledger(dir.path()).arg("--help"), 0));
    for line in [
        "Exit codes, one rule for every command:",
        "0: success: the command worked and its answer is not negative.",
        "1: the command worked and its answer is negative: a finding at the `--fail-on` level",
        "2: a usage or runtime error, unusable input included.",
    ] {
        assert!(help.contains(line), "{line:?} missing from --help:\n{help}");
    }
}

#[test]
fn a_validation_error_in_a_vulkan_log_fails_check_and_is_reported_with_its_vuid() {
    let dir = tempfile::tempdir().unwrap();
    let log = core_fixture("field/15-omega-vulkan-validation-error.log");
    let out = run(gpu_ledger(dir.path()).arg("check").arg(&log), 1);
    let text = stdout(&out);
    assert!(
        text.contains(
            "  FAIL  error-findings              error    1 finding of severity error reported by other checkers (limit 0); most frequent: VUID-vkDestroyImage-image-01000 (1)\n        #"
        ) && text.contains(" VUID-vkDestroyImage-image-01000 at line 127\n"),
        "{text}"
    );
    assert!(
        text.ends_with("check failed at error: error-findings\n"),
        "{text}"
    );

    let doc: Value = serde_json::from_slice(
        &run(
            gpu_ledger(dir.path())
                .arg("report")
                .arg(&log)
                .args(["--format", "json"]),
            0,
        )
        .stdout,
    )
    .expect("report --format json is JSON");
    let findings = &doc["findings"];
    assert_eq!(findings["total"], 1);
    assert_eq!(
        findings["by_code"],
        json!([{"severity": "error", "code": "VUID-vkDestroyImage-image-01000", "count": 1}])
    );
    let example = &findings["examples"][0];
    assert_eq!(example["line"], 127);
    assert!(
        example["message"].as_str().unwrap().contains(
            "vkDestroyImage(): can't be called on VkImage 0x3e0000000003e that is currently in use"
        ),
        "{example}"
    );
    // Every line of the log is accounted for: none is silently dropped.
    let input = &doc["input"];
    assert_eq!(input["other_lines"], 0);
    assert_eq!(input["malformed_lines"], 0);
    assert_eq!(input["findings"], 1);
    let report = stdout(&run(gpu_ledger(dir.path()).arg("report").arg(&log), 0));
    assert!(
        report.contains("\nFindings reported by other checkers: 1 (1 error, 0 warning, 0 info)\n"),
        "{report}"
    );
    assert!(
        report.contains(
            "Other checkers reported 1 error (VUID-vkDestroyImage-image-01000): see Findings."
        ),
        "{report}"
    );
}

/// The field case `name` (`tests/data/field` of the core crate).
fn field(name: &str) -> std::path::PathBuf {
    let dir = core_fixture("field");
    std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(&format!("{name}-")))
        })
        .unwrap_or_else(|| panic!("no field case {name}"))
}

#[test]
fn destroy_before_submit_fails_check_under_every_release_model() {
    let dir = tempfile::tempdir().unwrap();
    for model in [None, Some("immediate"), Some("deferred")] {
        let mut command = gpu_ledger(dir.path());
        command.arg("check").arg(field("06a"));
        if let Some(model) = model {
            command.args(["--release-model", model]);
        }
        let out = run(&mut command, 1);
        let text = stdout(&out);
        assert!(
            text.contains(
                "        #66 destroy of resource 10 (PostEffect 0x40) before packet 1/11, which used it, was submitted\n"
            ),
            "{text}"
        );
        assert!(
            text.ends_with("check failed at error: destroy-before-submit\n"),
            "{text}"
        );
    }
}

#[test]
fn release_model_decides_whether_a_destroy_after_submit_fails_check() {
    let dir = tempfile::tempdir().unwrap();
    let check = |args: &[&str], code: i32| {
        let mut command = gpu_ledger(dir.path());
        command.arg("check").arg(field("06b")).args(args);
        stdout(&run(&mut command, code))
    };
    let deferred = check(&["--release-model", "deferred"], 0);
    assert!(
        deferred.contains("release model: deferred (a destroy is a release, like Metal and WebGPU/wgpu: the API frees once the GPU is done) [given on the command line]\n"),
        "{deferred}"
    );
    let immediate = check(&["--release-model", "immediate"], 1);
    assert!(
        immediate.ends_with("check failed at error: destroy-in-flight\n"),
        "{immediate}"
    );
    assert_eq!(
        immediate
            .matches("which used it, was submitted and not complete")
            .count(),
        3
    );
    // Only the textures freed immediately: the same three.
    let per_type = check(
        &[
            "--release-model",
            "deferred",
            "--release-model",
            "Texture=immediate",
        ],
        1,
    );
    assert!(
        per_type.contains("; per type: Texture immediate [given on the command line]"),
        "{per_type}"
    );
    // Nothing declared: checked as immediate, but a warning.
    let undeclared = check(&[], 0);
    assert!(
        undeclared.contains("  WARN  destroy-in-flight "),
        "{undeclared}"
    );
    check(&["--release-model", "deferred", "--fail-on", "warning"], 1);
}

#[test]
fn only_the_image_under_submitted_work_fails_destroy_in_flight() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(
        gpu_ledger(dir.path()).arg("check").arg(field("07")).args([
            "--release-model",
            "immediate",
            "--format",
            "json",
        ]),
        1,
    );
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let g = &doc["guardrails"][3];
    assert_eq!(g["id"], "destroy-in-flight");
    assert_eq!(
        g["evidence"]["items"],
        json!([{
            "seq": 155,
            "what": "destroy of resource 5 (Presenter 0x50) while packet 1/30, which used it, was submitted and not complete",
            "resource_id": 5,
            "owner_kind": "Presenter",
            "owner_key": 80,
            "packet": {"lane": 1, "packet": 30}
        }])
    );
    assert_eq!(doc["release"]["source"], "override");
}

#[test]
fn an_unknown_release_model_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(
        gpu_ledger(dir.path())
            .arg("check")
            .arg(field("06b"))
            .args(["--release-model", "lazy"]),
        2,
    );
    assert!(
        stderr(&out).contains("unknown release model \"lazy\": use immediate or deferred"),
        "{}",
        stderr(&out)
    );
}

/// Two synth traces, `s.gltrace` (seed 1) and `n.gltrace` (seed 2, more live resources).
fn two_synth_traces(dir: &std::path::Path) {
    for (name, extra) in [
        ("s.gltrace", &[][..]),
        ("n.gltrace", &["--live", "40", "--seed", "2"][..]),
    ] {
        let mut command = gpu_ledger(dir);
        command
            .args(["synth", "--events", "20000", "--out", name])
            .args(extra);
        run(&mut command, 0);
    }
}

#[test]
fn bounds_that_do_not_hold_exit_1_with_each_violation_listed() {
    let dir = tempfile::tempdir().unwrap();
    two_synth_traces(dir.path());
    let out = run(
        gpu_ledger(dir.path()).args([
            "check",
            "s.gltrace",
            "--max-churn-ratio",
            "1",
            "--max-recreate-loops",
            "500",
            "--max-live-at-end",
            "0",
        ]),
        1,
    );
    let text = stdout(&out);
    let expected = "Bounds
  FAIL  max-churn-ratio     totals.churn_ratio is 6.887, above 1
  PASS  max-recreate-loops  totals.recreate_loop_keys is 200, within 500
  PASS  max-live-at-end     totals.live_at_end is 0, within 0
check failed: 1 violation
  max-churn-ratio: totals.churn_ratio is 6.887, above 1
";
    assert!(text.ends_with(expected), "{text}");

    let json = run(
        gpu_ledger(dir.path()).args([
            "check",
            "s.gltrace",
            "--max-churn-ratio",
            "1",
            "--format",
            "json",
        ]),
        1,
    );
    let doc: Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(doc["passed"], json!(false));
    assert_eq!(doc["failed"], json!(["max-churn-ratio"]));
    assert_eq!(
        doc["bounds"][0],
        json!({"id": "max-churn-ratio", "metric": "totals.churn_ratio", "value": 6.887, "limit": 1.0,
               "baseline": null, "passed": false, "message": "totals.churn_ratio is 6.887, above 1"})
    );
}

#[test]
fn a_baseline_bounds_each_number_by_the_regression_tolerated() {
    let dir = tempfile::tempdir().unwrap();
    two_synth_traces(dir.path());
    // n churns less than s: no regression against s, even at 0%.
    let out = run(
        gpu_ledger(dir.path()).args([
            "check",
            "n.gltrace",
            "--baseline",
            "s.gltrace",
            "--max-regression",
            "0",
        ]),
        0,
    );
    assert!(
        stdout(&out)
            .ends_with("check passed: no guardrail failed at error, and all 5 bounds hold\n"),
        "{}",
        stdout(&out)
    );
    // s against n: its churn ratio, startup creates and loops grew, beyond 50%.
    let out = run(
        gpu_ledger(dir.path()).args([
            "check",
            "s.gltrace",
            "--baseline",
            "n.gltrace",
            "--max-regression",
            "50",
        ]),
        1,
    );
    let text = stdout(&out);
    assert!(
        text.contains("  regression:max-churn-ratio: totals.churn_ratio is 6.887, above 3.240 (baseline 2.160) (at most +50%)\n"),
        "{text}"
    );
    let json = run(
        gpu_ledger(dir.path()).args([
            "check",
            "s.gltrace",
            "--baseline",
            "n.gltrace",
            "--max-regression",
            "50",
            "--format",
            "json",
        ]),
        1,
    );
    let doc: Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(doc["input"]["base"]["path"], "n.gltrace");
    assert_eq!(doc["input"]["new"]["path"], "s.gltrace");
    assert_eq!(doc["regression"]["max_regression_pct"], json!(50.0));
}

#[test]
fn a_regression_without_a_baseline_and_a_bad_baseline_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    two_synth_traces(dir.path());
    let out = run(
        gpu_ledger(dir.path()).args(["check", "s.gltrace", "--max-regression", "5"]),
        2,
    );
    assert!(
        stderr(&out).contains("--baseline <FILE>"),
        "{}",
        stderr(&out)
    );
    std::fs::write(dir.path().join("junk.bin"), [0u8, 1, 2, 3]).unwrap();
    let out = run(
        gpu_ledger(dir.path()).args([
            "check",
            "s.gltrace",
            "--baseline",
            "junk.bin",
            "--max-regression",
            "5",
        ]),
        2,
    );
    assert!(
        stderr(&out).starts_with("gpu-ledger: junk.bin: "),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_bound_no_run_can_meet_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    two_synth_traces(dir.path());
    for bound in [
        &["--max-churn-ratio=NaN"][..],
        &["--max-churn-ratio=-1"],
        &["--max-startup-ms=-0.5"],
        &["--baseline", "n.gltrace", "--max-regression=NaN"],
    ] {
        let out = run(
            gpu_ledger(dir.path())
                .args(["check", "s.gltrace"])
                .args(bound),
            2,
        );
        let flag = bound.last().unwrap().split('=').next().unwrap();
        assert!(
            stderr(&out).contains(flag) && stderr(&out).contains("is not a number of 0 or more"),
            "{bound:?}: {}",
            stderr(&out)
        );
    }
}

/// The commands of README.md's "Gate CI on it": the CI step's, and the legacy run's
/// with the output it shows.
#[cfg(feature = "demo")]
fn readme_gate() -> (Vec<String>, Vec<(String, Vec<String>)>) {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md"))
        .expect("README.md is readable");
    let section = readme
        .split("\n## Gate CI on it\n")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .expect("README.md has a \"Gate CI on it\" section");
    let block = |fence: &str| -> Vec<String> {
        let start = section.find(fence).expect("a fenced block") + fence.len();
        let len = section[start..].find("\n```").expect("a closed block");
        section[start..start + len]
            .lines()
            .map(str::to_owned)
            .collect()
    };
    let step: Vec<String> = block("```yaml\n")
        .into_iter()
        .map(|l| l.trim().to_owned())
        .filter(|l| l.starts_with("gpu-ledger "))
        .collect();
    let mut console: Vec<(String, Vec<String>)> = Vec::new();
    for line in block("```console\n") {
        match line.strip_prefix("$ ") {
            Some(command) => console.push((command.to_owned(), Vec::new())),
            None => console
                .last_mut()
                .expect("output follows a command")
                .1
                .push(line),
        }
    }
    (step, console)
}

/// `gpu-ledger a b c` as the binary's arguments.
#[cfg(feature = "demo")]
fn arguments(command: &str) -> Vec<&str> {
    let args: Vec<&str> = command.split_whitespace().collect();
    assert_eq!(args[0], "gpu-ledger", "{command}");
    args[1..].to_vec()
}

#[cfg(feature = "demo")]
#[test]
fn readme_ci_gate_passes_pooled_and_fails_legacy_as_shown() {
    let (step, console) = readme_gate();
    assert_eq!(
        step.len(),
        2,
        "the CI step runs the demo, then check: {step:?}"
    );
    let dir = tempfile::tempdir().unwrap();
    for command in &step {
        run(gpu_ledger(dir.path()).args(arguments(command)), 0);
    }
    // The console: each command, the output it shows (`…` skips lines), `echo $?`.
    let mut last_code: Option<i32> = None;
    for (command, shown) in &console {
        if command == "echo $?" {
            assert_eq!(shown, &[last_code.expect("a command ran").to_string()]);
            continue;
        }
        let output = gpu_ledger(dir.path())
            .args(arguments(command))
            .output()
            .expect("the binary runs");
        last_code = output.status.code();
        let printed = stdout(&output);
        let tail: Vec<&str> = shown
            .iter()
            .skip_while(|l| l.as_str() == "…")
            .map(String::as_str)
            .collect();
        let lines: Vec<&str> = printed.lines().collect();
        assert!(
            lines.ends_with(&tail),
            "README shows for `{command}`:\n{}\nbut it printed:\n{printed}",
            tail.join("\n")
        );
    }
    assert_eq!(last_code, Some(1), "the legacy architecture fails the gate");
}

/// `diff - -` reads standard input once and compares it with itself; `check -
/// --baseline -` read it twice and failed on an "empty" baseline.
#[test]
fn a_baseline_that_is_the_input_itself_is_read_once_even_from_a_pipe() {
    use std::io::Write as _;

    let dir = tempfile::tempdir().unwrap();
    two_synth_traces(dir.path());
    let trace = std::fs::read(dir.path().join("s.gltrace")).unwrap();
    let mut child = crate::util::spawn_piped(gpu_ledger(dir.path()).args([
        "check",
        "-",
        "--baseline",
        "-",
        "--max-regression",
        "0",
    ]));
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&trace);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("  PASS  max-churn-ratio      totals.churn_ratio is 6.887, within 6.887 (baseline 6.887)\n"),
        "{}",
        stdout(&out)
    );
}

/// A per-type model naming no type of the input (here misspelt) is said, not
/// silently applied to nothing.
#[test]
fn a_release_model_for_a_type_the_input_lacks_is_named_as_unmatched() {
    let dir = tempfile::tempdir().unwrap();
    let check = |ty: &str| {
        let out = run(
            gpu_ledger(dir.path()).arg("check").arg(field("06b")).args([
                "--release-model",
                "deferred",
                "--release-model",
                &format!("{ty}=immediate"),
                "--format",
                "json",
            ]),
            if ty == "Texture" { 1 } else { 0 },
        );
        serde_json::from_slice::<Value>(&out.stdout).unwrap()
    };
    assert_eq!(
        check("Texure")["release"]["unmatched_types"],
        json!(["Texure"])
    );
    assert_eq!(check("Texture")["release"]["unmatched_types"], json!([]));
    let text = stdout(&run(
        gpu_ledger(dir.path())
            .arg("check")
            .arg(field("06b"))
            .args(["--release-model", "Texure=immediate"]),
        0,
    ));
    assert!(
        text.contains("; per type: Texure immediate (no resource in this input has type Texure: misspelt?) [given on the command line]\n"),
        "{text}"
    );
}

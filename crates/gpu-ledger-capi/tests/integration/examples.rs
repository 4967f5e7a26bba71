//! The C and C++ examples compile warning-free against the committed header and
//! the libraries cargo built (static for C, shared for C++), run in a temp
//! directory, and write exactly the expected trace.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use crate::util::{
    build_c, build_cpp, crate_dir, describe, dump, lib_dir, read_trace, run, run_ok,
};

/// The plan's toggle prefix, which the C example reads.
const PREFIX: &str = "OMEGAWTK_GPU_RESOURCE";

/// The C example, compiled once per test run as strict C99 against the static library.
fn c_example() -> &'static Path {
    static EXE: OnceLock<PathBuf> = OnceLock::new();
    EXE.get_or_init(|| build_c(&crate_dir().join("examples-c/record.c"), "record-c"))
}

/// The C++ example, compiled once per test run as strict C++17 against the shared library.
fn cpp_example() -> &'static Path {
    static EXE: OnceLock<PathBuf> = OnceLock::new();
    EXE.get_or_init(|| {
        build_cpp(
            &crate_dir().join("examples-cpp/record.cpp"),
            "record-cpp",
            &[],
        )
    })
}

/// `exe` in `dir`, with none of the toggles inherited from the test's environment.
///
/// The shared library is the one this test run built: cargo's `LD_LIBRARY_PATH`
/// also lists `target/debug`, where `cargo build` may have left another variant.
fn command(exe: &Path, dir: &Path) -> Command {
    let mut command = Command::new(exe);
    command.current_dir(dir).env("LD_LIBRARY_PATH", lib_dir());
    for toggle in ["TRACE", "REPORT", "OUT"] {
        command.env_remove(format!("{PREFIX}_{toggle}"));
    }
    command
}

/// What both examples record: the same scene, hook for hook.
pub(crate) fn expected_scene() -> Vec<String> {
    [
        "packet 1/1 queued command 100",
        "create CommandQueue #1 RootVisual:0x1400 in 1/1",
        "create NativeTarget #2 RootVisual:0x1400 800x600@2 in 1/1",
        "touched #2 in 1/1",
        "packet 1/1 submitted",
        "packet 1/1 presented",
        "packet 1/2 queued command 101",
        "resizerebuild NativeTarget #2 RootVisual:0x1400 1024x768@2 in 1/2",
        "touched #2 in 1/2",
        "packet 1/2 submitted",
        "packet 1/2 presented",
        "packet 1/3 queued command 102",
        "touched #2 in 1/3",
        "packet 1/3 dropped",
        "marker ShutdownBegins",
        "destroy NativeTarget #2 RootVisual:0x1400",
        "destroy CommandQueue #1 RootVisual:0x1400",
    ]
    .map(str::to_owned)
    .to_vec()
}

fn stdout(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn c_example_compiles_as_strict_c99_and_records_the_expected_trace() {
    let dir = tempfile::tempdir().unwrap();
    let output = run_ok(
        command(c_example(), dir.path())
            .env(format!("{PREFIX}_TRACE"), "1")
            .env(format!("{PREFIX}_OUT"), "run.gltrace"),
    );
    assert_eq!(
        format!(
            "gpu-ledger {}: recording=on events=18 lost=0\n",
            env!("CARGO_PKG_VERSION")
        ),
        stdout(&output)
    );
    let collected = read_trace(&dir.path().join("run.gltrace"));
    assert_eq!(expected_scene(), describe(&collected));
    assert_eq!(
        "record-c", collected.info.source,
        "the source defaults to the program's name"
    );
}

#[test]
fn c_example_without_the_toggle_runs_untraced_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let output = run_ok(&mut command(c_example(), dir.path()));
    assert_eq!(
        format!(
            "gpu-ledger {}: recording=off events=0 lost=0\n",
            env!("CARGO_PKG_VERSION")
        ),
        stdout(&output)
    );
    assert_eq!(Vec::<String>::new(), files_in(dir.path()));
}

#[test]
fn c_example_without_an_out_path_names_the_trace_after_the_program() {
    let dir = tempfile::tempdir().unwrap();
    run_ok(command(c_example(), dir.path()).env(format!("{PREFIX}_TRACE"), "yes"));
    let files = files_in(dir.path());
    assert_eq!(1, files.len(), "one trace: {files:?}");
    let seconds = files[0]
        .strip_prefix("record-c-")
        .and_then(|rest| rest.strip_suffix(".gltrace"))
        .unwrap_or_else(|| panic!("record-c-<unix seconds>.gltrace, found {:?}", files[0]));
    assert!(
        seconds.parse::<u64>().is_ok(),
        "unix seconds, found {seconds:?}"
    );
    assert_eq!(
        expected_scene(),
        describe(&read_trace(&dir.path().join(&files[0])))
    );
}

#[test]
fn c_example_with_a_bad_toggle_runs_untraced_and_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = command(c_example(), dir.path());
    cmd.env(format!("{PREFIX}_TRACE"), "maybe");
    let output = run_ok(&mut cmd);
    assert_eq!(
        "gpu-ledger off: gl_ledger_from_env: OMEGAWTK_GPU_RESOURCE_TRACE=maybe is not a switch: \
         use 1 or 0 (also true/false, yes/no, on/off)\n",
        String::from_utf8_lossy(&output.stderr),
        "{}",
        dump(&cmd, &output)
    );
    assert!(
        stdout(&output).contains("recording=off"),
        "{}",
        dump(&cmd, &output)
    );
    assert_eq!(Vec::<String>::new(), files_in(dir.path()));
}

#[test]
fn cpp_example_compiles_as_strict_cpp17_and_records_the_expected_trace() {
    let dir = tempfile::tempdir().unwrap();
    let output = run_ok(command(cpp_example(), dir.path()).arg("scene.gltrace"));
    assert_eq!(
        format!(
            "gpu-ledger {}: events=18 lost=0\n",
            env!("CARGO_PKG_VERSION")
        ),
        stdout(&output)
    );
    let collected = read_trace(&dir.path().join("scene.gltrace"));
    assert_eq!(expected_scene(), describe(&collected));
    assert_eq!("record-cpp", collected.info.source);
    assert_eq!(
        collected.info.release,
        gpu_ledger::ReleaseModels::uniform(gpu_ledger::ReleaseModel::Deferred),
        "the example declares its release model"
    );
}

#[test]
fn cpp_example_writes_json_lines_for_a_jsonl_path() {
    let dir = tempfile::tempdir().unwrap();
    run_ok(command(cpp_example(), dir.path()).arg("scene.jsonl"));
    let path = dir.path().join("scene.jsonl");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.starts_with("{\"type\":\"header\",\"format\":\"gpu-ledger-trace\""),
        "a JSON Lines trace: {text:.200}"
    );
    assert_eq!(expected_scene(), describe(&read_trace(&path)));
}

#[test]
fn cpp_example_reports_an_unwritable_trace_path_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = command(cpp_example(), dir.path());
    cmd.arg("missing/scene.gltrace");
    let output = run(&mut cmd);
    assert_eq!(Some(1), output.status.code(), "{}", dump(&cmd, &output));
    assert_eq!(
        "record: gl_ledger_start: GL_ERR_IO: gl_ledger_start: cannot create trace file \
         \"missing/scene.gltrace\": No such file or directory (os error 2)\n",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn c_example_with_the_report_toggle_writes_the_startup_summary_once_and_no_trace() {
    let dir = tempfile::tempdir().unwrap();
    let output = run_ok(command(c_example(), dir.path()).env(format!("{PREFIX}_REPORT"), "1"));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        1,
        stderr.matches("gpu-ledger startup summary").count(),
        "exactly one summary:\n{stderr}"
    );
    // Two presents and a drop never make K=3 clean presents: the summary comes at finish and says so.
    assert!(
        stderr.contains("Startup never stabilised: 2 frames presented"),
        "the headline answers the first question:\n{stderr}"
    );
    assert!(stdout(&output).contains("recording=on"));
    assert_eq!(
        Vec::<String>::new(),
        files_in(dir.path()),
        "REPORT alone writes no trace"
    );
}

//! Running the real `gpu-ledger` binary in a temp directory, with everything
//! needed to understand a failure dumped: the command, status, stdout and stderr.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

/// The binary under test, built by cargo for this test run.
pub(crate) fn gpu_ledger(dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_gpu-ledger"));
    command.current_dir(dir);
    command
}

/// A fixture of the core crate's test data.
pub(crate) fn core_fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../gpu-ledger/tests/data")
        .join(name)
}

/// Starts `command` with its stdin, stdout and stderr on real pipes.
pub(crate) fn spawn_piped(command: &mut Command) -> Child {
    command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the gpu-ledger binary runs")
}

/// Runs `command`, asserting its exit code.
pub(crate) fn run(command: &mut Command, code: i32) -> Output {
    let output = command.output().expect("the gpu-ledger binary runs");
    assert_eq!(
        output.status.code(),
        Some(code),
        "{}",
        dump(command, &output)
    );
    output
}

/// Runs `command`, expecting success, and parses its stdout as JSON.
pub(crate) fn run_json(command: &mut Command) -> serde_json::Value {
    let output = run(command, 0);
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", dump(command, &output)))
}

pub(crate) fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

pub(crate) fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn dump(command: &Command, output: &Output) -> String {
    format!(
        "command: {command:?}\nstatus: {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
        output.status,
        stdout(output),
        stderr(output)
    )
}

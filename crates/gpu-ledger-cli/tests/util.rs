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

/// Records a small recreate storm through a real [`gpu_ledger::Session`] (trace
/// `storm.gltrace` in `dir`) and has it dump to `storm-dump.json` once the
/// recreate-churn guardrail has fired: a dump with every field filled. Returns the
/// dump's path.
pub(crate) fn storm_dump(dir: &Path) -> PathBuf {
    use gpu_ledger::{Dims, Owner, OwnerKind, PacketRef, PacketStage, ResourceType, Session};

    let session = Session::start(dir.join("storm.gltrace")).expect("the trace can be created");
    let owner = Owner::new(OwnerKind::ChildVisual, 0x20);
    let dims = Some(Dims::new(260, 440, 2.0));
    let mut target = session.next_resource_id();
    session.create(target, ResourceType::TextureTarget, owner, dims);
    for p in 1..=6 {
        let packet = PacketRef::new(1, p);
        session.packet(packet, PacketStage::Queued { command_id: p });
        {
            let _scope = session.enter_packet(packet);
            session.destroy(target, ResourceType::TextureTarget, owner);
            target = session.next_resource_id();
            session.create(target, ResourceType::TextureTarget, owner, dims);
            session.touch(target);
        }
        session.packet(packet, PacketStage::Presented);
    }
    let dump = dir.join("storm-dump.json");
    let started = std::time::Instant::now();
    loop {
        session.flush();
        session.dump(&dump).expect("a session dumps");
        let text = std::fs::read_to_string(&dump).expect("the dump was written");
        if text.contains("recreate-churn") || started.elapsed().as_secs() > 10 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    session.finish().expect("the session finishes");
    dump
}

//! Shared helpers: the built layer and its manifest, programs run under it
//! (through the real Vulkan loader), and the trace it wrote, read back and
//! analysed with the core library.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use gpu_ledger::analysis::{Analyzer, Definitions, Report};
use gpu_ledger::format::replay_path;
use gpu_ledger::{Collected, EventKind, EventSink, PacketStage, ResourceAction, ResourceType};

/// The crate's directory.
pub(crate) fn crate_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The directories cargo put this test run's artifacts in: `deps` (this test
/// binary's) and the profile directory above it.
fn artifact_dirs() -> [PathBuf; 2] {
    let exe = std::env::current_exe().expect("the test binary's path");
    let deps = exe
        .parent()
        .expect("the test binary's directory")
        .to_path_buf();
    let profile = deps.parent().unwrap_or(&deps).to_path_buf();
    [deps, profile]
}

/// `libVkLayer_gpu_ledger.so` as cargo built it for this test run (cargo builds
/// the library's cdylib before the tests).
pub(crate) fn layer_library() -> PathBuf {
    artifact_dirs()
        .into_iter()
        .map(|dir| dir.join("libVkLayer_gpu_ledger.so"))
        .find(|path| path.is_file())
        .unwrap_or_else(|| {
            panic!("libVkLayer_gpu_ledger.so not found next to the test binary: run the tests through `cargo test -p gpu-ledger-vulkan-layer`, which builds it")
        })
}

/// An example program of this crate, as `cargo test` built it.
pub(crate) fn example(name: &str) -> PathBuf {
    let [_, profile] = artifact_dirs();
    let path = profile.join("examples").join(name);
    assert!(
        path.is_file(),
        "the example {name} was not built at {}: run the tests through `cargo test -p gpu-ledger-vulkan-layer` (which builds the examples), or `cargo build -p gpu-ledger-vulkan-layer --examples` first",
        path.display()
    );
    path
}

/// A directory holding the committed layer manifest, pointed at the library
/// this run built: what `VK_ADD_LAYER_PATH` names.
pub(crate) fn layer_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let manifest = std::fs::read_to_string(crate_dir().join("VkLayer_gpu_ledger.json"))
        .expect("the layer manifest");
    let mut json: serde_json::Value =
        serde_json::from_str(&manifest).expect("the manifest is JSON");
    json["layer"]["library_path"] =
        serde_json::Value::String(layer_library().display().to_string());
    std::fs::write(dir.path().join("VkLayer_gpu_ledger.json"), json.to_string())
        .expect("writing the manifest");
    dir
}

/// Panics unless `tool` is on the PATH, saying which Debian package has it.
pub(crate) fn require_tool(tool: &str, package: &str) {
    let found = std::env::var_os("PATH")
        .map(|paths| std::env::split_paths(&paths).any(|dir| dir.join(tool).is_file()))
        .unwrap_or(false);
    assert!(
        found,
        "{tool} not found: install Debian's {package} (`apt-get install {package}`; scripts/setup does)"
    );
}

/// Enables the layer for `command` (from `layer_dir`), recording into `trace`;
/// every other `GPU_LEDGER_*` toggle is cleared.
pub(crate) fn under_layer<'c>(
    command: &'c mut Command,
    layer_dir: &Path,
    trace: &Path,
) -> &'c mut Command {
    command
        .env("VK_ADD_LAYER_PATH", layer_dir)
        .env("VK_LOADER_LAYERS_ENABLE", "*gpu_ledger*")
        .env("GPU_LEDGER_TRACE", "1")
        .env("GPU_LEDGER_OUT", trace)
        .env_remove("GPU_LEDGER_REPORT")
        .env_remove("VK_INSTANCE_LAYERS")
}

/// Runs `command` and returns its output, panicking only if it cannot start.
pub(crate) fn run(command: &mut Command) -> Output {
    command
        .output()
        .unwrap_or_else(|e| panic!("cannot run {command:?}: {e}"))
}

/// Runs `command`, and panics with the command, status, stdout and stderr
/// unless it exits 0.
pub(crate) fn run_ok(command: &mut Command) -> Output {
    let output = run(command);
    assert!(output.status.success(), "{}", dump(command, &output));
    output
}

/// The command, its status and both streams, for failure messages.
pub(crate) fn dump(command: &Command, output: &Output) -> String {
    format!(
        "command: {command:?}\nstatus: {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Reads the trace at `path`, asserting it is whole and was closed.
pub(crate) fn read_trace(path: &Path) -> Collected {
    let mut collected = Collected::default();
    let summary = replay_path(path, &mut collected)
        .unwrap_or_else(|e| panic!("reading the trace {}: {e}", path.display()));
    assert!(
        summary.is_clean(),
        "the trace {} is damaged: {summary}",
        path.display()
    );
    assert!(
        collected.finished,
        "the trace {} was never closed",
        path.display()
    );
    collected
}

/// The report of a collected trace, as `gpu-ledger report` computes it.
pub(crate) fn report(collected: &Collected) -> Report {
    let mut analyzer = Analyzer::new(Definitions::default());
    collected.replay(&mut analyzer);
    analyzer.on_finish();
    analyzer.report()
}

/// The stages each packet reached, in stream order: (lane, packet, stage).
pub(crate) fn stages(collected: &Collected) -> Vec<(u64, u64, PacketStage)> {
    collected
        .events
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::Packet { packet, stage } => Some((packet.lane.0, packet.packet.0, stage)),
            _ => None,
        })
        .collect()
}

/// One resource lifecycle event, by name.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Lifecycle {
    pub(crate) action: ResourceAction,
    pub(crate) id: u64,
    pub(crate) ty: String,
    pub(crate) owner_kind: String,
    pub(crate) owner_key: u64,
    pub(crate) dims: Option<(u32, u32)>,
}

/// The resource lifecycle events of a trace, in stream order, names resolved.
pub(crate) fn lifecycles(collected: &Collected) -> Vec<Lifecycle> {
    collected
        .events
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::Resource {
                action,
                resource,
                dims,
                ..
            } => Some(Lifecycle {
                action,
                id: resource.id.0,
                ty: resource.ty.resolve(&collected.names).into_owned(),
                owner_kind: resource.owner.kind.resolve(&collected.names).into_owned(),
                owner_key: resource.owner.key,
                dims: dims.map(|d| (d.width, d.height)),
            }),
            _ => None,
        })
        .collect()
}

/// Whether `ty` is a texture in the wrappers' vocabulary (the wgpu crate
/// records textures as targets or plain textures).
pub(crate) fn is_texture(ty: &str) -> bool {
    [
        ResourceType::Texture,
        ResourceType::TextureTarget,
        ResourceType::NativeTarget,
    ]
    .iter()
    .any(|t| t.well_known_name() == Some(ty))
}

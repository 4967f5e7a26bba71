//! The layer as the loader sees it: its manifest, its listing, what the
//! environment toggles make it do, and a trace closed however the program ends.

use std::process::Command;

use gpu_ledger::ResourceAction;

use crate::util::{
    crate_dir, example, layer_dir, lifecycles, read_trace, require_tool, run, run_ok, under_layer,
};

#[test]
fn the_manifest_names_the_layer_and_the_library_cargo_builds() {
    let text =
        std::fs::read_to_string(crate_dir().join("VkLayer_gpu_ledger.json")).expect("the manifest");
    let manifest: serde_json::Value = serde_json::from_str(&text).expect("the manifest is JSON");
    let layer = &manifest["layer"];
    assert_eq!(layer["name"], "VK_LAYER_gpu_ledger");
    assert_eq!(layer["type"], "GLOBAL");
    assert_eq!(
        layer["library_path"], "./libVkLayer_gpu_ledger.so",
        "the library next to the manifest"
    );
    assert_eq!(
        layer["functions"]["vkNegotiateLoaderLayerInterfaceVersion"],
        "vkNegotiateLoaderLayerInterfaceVersion",
        "the one symbol the library exports"
    );
}

#[test]
fn vulkaninfo_lists_the_layer_found_through_vk_add_layer_path() {
    require_tool("vulkaninfo", "vulkan-tools");
    let dir = layer_dir();
    let mut command = Command::new("vulkaninfo");
    command
        .arg("--summary")
        .env("VK_ADD_LAYER_PATH", dir.path());
    let output = run_ok(&mut command);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout
        .lines()
        .find(|l| l.starts_with("VK_LAYER_gpu_ledger"))
        .unwrap_or_else(|| panic!("vulkaninfo does not list the layer:\n{stdout}"));
    assert!(line.contains("records resource lifecycles"), "{line}");
}

#[test]
fn with_no_toggle_the_layer_records_nothing_and_the_program_runs() {
    require_tool("vulkaninfo", "vulkan-tools");
    let dir = layer_dir();
    let work = tempfile::tempdir().expect("a temporary directory");
    let trace = work.path().join("never.gltrace");
    let mut command = Command::new("vulkaninfo");
    under_layer(&mut command, dir.path(), &trace)
        .arg("--summary")
        .current_dir(work.path())
        .env_remove("GPU_LEDGER_TRACE")
        .env("VK_LOADER_DEBUG", "layer");
    let output = run_ok(&mut command);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("Insert instance layer \"VK_LAYER_gpu_ledger\""),
        "the loader did not load the layer:\n{stderr}"
    );
    let written: Vec<_> = std::fs::read_dir(work.path())
        .expect("the directory")
        .collect();
    assert!(
        written.is_empty(),
        "nothing is written with every toggle off: {written:?}"
    );
}

#[test]
fn a_bad_toggle_is_named_on_stderr_and_the_program_runs_unrecorded() {
    require_tool("vulkaninfo", "vulkan-tools");
    let dir = layer_dir();
    let work = tempfile::tempdir().expect("a temporary directory");
    let trace = work.path().join("never.gltrace");
    let mut command = Command::new("vulkaninfo");
    under_layer(&mut command, dir.path(), &trace)
        .arg("--summary")
        .env("GPU_LEDGER_TRACE", "maybe");
    let output = run(&mut command);
    assert!(
        output.status.success(),
        "{}",
        crate::util::dump(&command, &output)
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(
            "gpu-ledger layer: GPU_LEDGER_TRACE=maybe is not a switch: use 1 or 0 (also true/false, yes/no, on/off); recording is off"
        ),
        "{stderr}"
    );
    assert!(!trace.exists(), "no trace with a bad toggle");
}

#[test]
fn a_program_that_exits_without_destroying_its_instance_still_writes_a_whole_trace() {
    let dir = layer_dir();
    let work = tempfile::tempdir().expect("a temporary directory");
    let trace = work.path().join("exit.gltrace");
    let mut command = Command::new(example("exit_without_cleanup"));
    under_layer(&mut command, dir.path(), &trace);
    run_ok(&mut command);
    let collected = read_trace(&trace);
    let live: Vec<String> = {
        let mut created: Vec<(u64, String)> = Vec::new();
        for e in lifecycles(&collected) {
            match e.action {
                ResourceAction::Create => created.push((e.id, e.ty)),
                ResourceAction::Destroy => created.retain(|(id, _)| *id != e.id),
                _ => {}
            }
        }
        created.into_iter().map(|(_, ty)| ty).collect()
    };
    assert_eq!(
        live,
        ["VkDevice", "CommandQueue", "Buffer"],
        "what the program leaked, live at the end"
    );
}

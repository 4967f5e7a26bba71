use std::process::Command;
use std::sync::Arc;

use gpu_ledger::Ledger;
use gpu_ledger_demo::{DemoConfig, ErrorKind};

/// Set in the child process this test starts, where wgpu may only use the
/// browser WebGPU backend, which native builds do not have: no adapter exists.
const CHILD: &str = "GPU_LEDGER_DEMO_NO_ADAPTER_CHILD";

#[test]
fn no_adapter_fails_and_says_how_to_install_one() {
    if std::env::var_os(CHILD).is_some() {
        let err = gpu_ledger_demo::run(&DemoConfig::default(), Arc::new(Ledger::disabled()))
            .expect_err("no adapter can be found");
        assert_eq!(err.kind(), ErrorKind::NoAdapter, "{err}");
        let message = err.to_string();
        assert!(message.starts_with("no GPU adapter found ("), "{message}");
        assert!(
            message.ends_with(
                "; the demo needs a real one and never falls back to a fake device: install a GPU \
                 driver, or Mesa's software Vulkan driver (Debian/Ubuntu package `mesa-vulkan-drivers`)"
            ),
            "{message}"
        );
        return;
    }
    let exe = std::env::current_exe().expect("the test binary");
    let output = Command::new(exe)
        .args([
            "--exact",
            "errors::no_adapter_fails_and_says_how_to_install_one",
            "--nocapture",
        ])
        .env(CHILD, "1")
        .env("WGPU_BACKEND", "webgpu")
        .output()
        .expect("the test binary runs");
    assert!(
        output.status.success() && String::from_utf8_lossy(&output.stdout).contains("1 passed"),
        "the child run failed: {}\nstdout:\n{}\nstderr:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

//! Shared helpers for the integration tests: a real device on the first adapter,
//! and the events a test's ledger collected.

use std::sync::Arc;

use gpu_ledger::{Collected, Event, EventKind, Ledger};
use gpu_ledger_wgpu::TrackedDevice;

/// A fresh collecting ledger and a real device on the first adapter wgpu finds.
///
/// Fails the test, never skips it, when there is no adapter: these tests exist to
/// prove the wrappers drive a real GPU API.
pub(crate) fn device() -> (TrackedDevice, Arc<Ledger>) {
    let ledger = Arc::new(Ledger::start(
        gpu_ledger_wgpu::ledger_config(),
        Collected::default(),
    ));
    match pollster::block_on(TrackedDevice::request(ledger.clone())) {
        Ok((device, info)) => {
            static ANNOUNCED: std::sync::Once = std::sync::Once::new();
            ANNOUNCED.call_once(|| {
                eprintln!(
                    "gpu tests on {} ({:?}, {:?}, driver {} {})",
                    info.name, info.backend, info.device_type, info.driver, info.driver_info
                )
            });
            (device, ledger)
        }
        Err(err) => panic!(
            "the GPU tests need a real wgpu adapter and will not skip without one \
             (GPU_LEDGER_REQUIRE_ADAPTER={:?}): {err}. On Debian/Ubuntu install Mesa's \
             software Vulkan driver with `apt-get install mesa-vulkan-drivers`; \
             `WGPU_BACKEND=vulkan` picks its backend.",
            std::env::var("GPU_LEDGER_REQUIRE_ADAPTER").ok()
        ),
    }
}

/// Finishes `ledger` and returns what it recorded, in stream order, without the
/// timestamps and thread indices (which no test can predict) and without the
/// clean-end marker every finished stream ends with (checked here).
pub(crate) fn finish(ledger: &Ledger) -> Vec<EventKind> {
    let finished = ledger.finish();
    assert_eq!(finished.lost, 0, "the ledger dropped events");
    let collected = finished
        .into_sink::<Collected>()
        .expect("the ledger was started with a Collected sink");
    let mut kinds: Vec<EventKind> = collected.events.iter().map(|e: &Event| e.kind).collect();
    assert_eq!(
        kinds.pop(),
        Some(EventKind::Marker(gpu_ledger::Marker::CleanEnd)),
        "a finished ledger ends with its clean-end marker"
    );
    kinds
}

/// An example program of this crate, as `cargo test` built it (next to the test
/// binary's `deps` directory).
pub(crate) fn example(name: &str) -> std::path::PathBuf {
    let exe = std::env::current_exe().expect("the test binary's path");
    let profile = exe
        .parent()
        .and_then(std::path::Path::parent)
        .expect("the profile directory");
    let path = profile.join("examples").join(name);
    assert!(
        path.is_file(),
        "the example {name} was not built at {}: run the tests through `cargo test -p gpu-ledger-wgpu` (which builds the examples)",
        path.display()
    );
    path
}

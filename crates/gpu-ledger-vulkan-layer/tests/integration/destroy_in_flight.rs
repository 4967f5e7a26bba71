//! The crafted program (`examples/destroy_in_flight.rs`) destroys an image while
//! its submission is pending, with the Khronos validation layer enabled: the
//! layer's trace shows exactly one `destroy-in-flight`, of the image the
//! validation layer's one `VUID-vkDestroyImage-image-01000` message names.

use std::process::Command;

use gpu_ledger::ResourceAction;
use gpu_ledger::analysis::Severity;

use crate::util::{example, layer_dir, lifecycles, read_trace, report, run_ok, under_layer};

/// The validation layer's manifest, as Debian's vulkan-validationlayers installs it.
const VALIDATION_MANIFEST: &str =
    "/usr/share/vulkan/explicit_layer.d/VkLayer_khronos_validation.json";

#[test]
fn destroying_an_image_in_flight_is_one_destroy_in_flight_matching_the_validation_layer() {
    assert!(
        std::path::Path::new(VALIDATION_MANIFEST).is_file(),
        "the Khronos validation layer is not installed ({VALIDATION_MANIFEST}): install Debian's vulkan-validationlayers (scripts/setup does)"
    );
    let dir = layer_dir();
    let work = tempfile::tempdir().expect("a temporary directory");
    let trace = work.path().join("crafted.gltrace");
    let mut command = Command::new(example("destroy_in_flight"));
    under_layer(&mut command, dir.path(), &trace);
    let output = run_ok(&mut command);
    let stdout = String::from_utf8_lossy(&output.stdout);

    // The validation layer: one message, this VUID, naming the crafted image.
    let messages: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("validation:"))
        .collect();
    assert_eq!(
        messages.len(),
        1,
        "exactly one validation message:\n{stdout}"
    );
    assert!(
        messages[0].contains("VUID-vkDestroyImage-image-01000"),
        "{}",
        messages[0]
    );
    assert!(messages[0].contains("[crafted image]"), "{}", messages[0]);

    // The layer: one destroy-in-flight, of the image the program named.
    let collected = read_trace(&trace);
    assert_eq!(
        collected.info.release.stream,
        Some(gpu_ledger::ReleaseModel::Immediate),
        "the layer declares Vulkan's release model"
    );
    let report = report(&collected);
    assert_eq!(
        report.anomalies.by_kind.get("destroy-in-flight"),
        Some(&1),
        "{:?}",
        report.anomalies
    );
    assert_eq!(
        report.anomalies.total, 1,
        "nothing else is wrong: {:?}",
        report.anomalies
    );
    let example = report
        .anomalies
        .examples
        .iter()
        .find(|e| e.kind == "destroy-in-flight")
        .expect("the example");
    let image = lifecycles(&collected)
        .into_iter()
        .find(|e| e.action == ResourceAction::Create && Some(e.id) == example.resource_id)
        .expect("the destroyed resource's create");
    assert_eq!(
        (image.ty.as_str(), image.owner_kind.as_str()),
        ("Texture", "crafted image")
    );
    assert_eq!(image.dims, Some((64, 64)));
    assert_eq!(
        (example.lane.is_some(), example.packet),
        (true, Some(1)),
        "the first submission held it"
    );
    let failed: Vec<&str> = report
        .failed_guardrails(Severity::Error)
        .iter()
        .map(|g| g.id.as_str())
        .collect();
    assert_eq!(
        failed,
        ["destroy-in-flight"],
        "`gpu-ledger check` fails on it"
    );
}

//! The project's own demo compositor (wgpu on Vulkan) under the layer: every
//! texture and buffer its tracked wgpu wrappers recorded is in the layer's
//! trace under its wgpu label (a Vulkan debug name), with the same creates and
//! destroys, and the layer also sees what wgpu makes for itself.
//!
//! The wrappers' trace does not carry labels, so each wrapper event is paired,
//! in program order, with the layer's create of an image (for textures) or
//! buffer of the same size, skipping objects wgpu labels `(wgpu internal)`;
//! that pairing gives each wrapper resource its label. A resize rebuild is a
//! new Vulkan image under the same wrapper id, and releases the old one.
//!
//! The runs are the legacy architecture's, where every texture and buffer the
//! wrappers record is a wgpu object. The pooled architecture also records its
//! per-window render-target context as a `TextureTarget` with no wgpu texture
//! behind it (a `TrackedResource`), which the wrappers' trace cannot tell
//! apart from a real one, so it could not be paired without guessing.

use std::collections::BTreeMap;
use std::process::Command;

use gpu_ledger::{PacketStage, ResourceAction};

use crate::util::{
    Lifecycle, example, is_texture, layer_dir, lifecycles, read_trace, report, run_ok, stages,
    under_layer,
};

/// Creates and destroys, by label.
type Counts = BTreeMap<String, (u64, u64)>;

const INTERNAL: &str = "(wgpu internal)";

/// Runs the demo under the layer; returns (wrappers' events, layer's events).
fn run_demo(scenario: &str, mode: &str) -> (Vec<Lifecycle>, gpu_ledger::Collected) {
    let dir = layer_dir();
    let work = tempfile::tempdir().expect("a temporary directory");
    let wrappers = work.path().join("wrappers.jsonl");
    let layer = work.path().join("layer.gltrace");
    let mut command = Command::new(example("wgpu_demo"));
    under_layer(&mut command, dir.path(), &layer)
        .arg(&wrappers)
        .args([scenario, mode])
        .env("WGPU_BACKEND", "vulkan")
        .env("WGPU_DEBUG", "1")
        .env("WGPU_VALIDATION", "0");
    run_ok(&mut command);
    (lifecycles(&read_trace(&wrappers)), read_trace(&layer))
}

/// The wrappers' creates and destroys by label, each wrapper event labelled by
/// the layer's create it pairs with.
fn wrapper_counts(wrappers: &[Lifecycle], layer: &[Lifecycle]) -> Counts {
    let candidates: Vec<&Lifecycle> = layer
        .iter()
        .filter(|e| e.action == ResourceAction::Create && (e.ty == "Texture" || e.ty == "Buffer"))
        .filter(|e| !e.owner_kind.starts_with(INTERNAL))
        .collect();
    let mut next = 0;
    let mut label_of: BTreeMap<u64, String> = BTreeMap::new();
    let mut counts = Counts::new();
    for event in wrappers {
        let texture = is_texture(&event.ty);
        if !(texture || event.ty == "Buffer") {
            continue;
        }
        match event.action {
            ResourceAction::Create | ResourceAction::ResizeRebuild => {
                let vk_type = if texture { "Texture" } else { "Buffer" };
                let offset = candidates[next..]
                    .iter()
                    .position(|c| c.ty == vk_type && same_size(texture, event.dims, c.dims))
                    .unwrap_or_else(|| {
                        panic!("no {vk_type} in the layer's trace for the wrappers' {event:?}")
                    });
                let label = candidates[next + offset].owner_kind.clone();
                next += offset + 1;
                if let Some(old) = label_of.insert(event.id, label.clone()) {
                    // A rebuild releases the previous backing texture.
                    counts.entry(old).or_default().1 += 1;
                }
                counts.entry(label).or_default().0 += 1;
            }
            ResourceAction::Destroy => {
                let label = label_of
                    .get(&event.id)
                    .expect("destroy after create")
                    .clone();
                counts.entry(label).or_default().1 += 1;
            }
            _ => {}
        }
    }
    counts
}

/// Whether a wrapper's texture (pixels) or buffer (bytes) has the Vulkan
/// object's size. wgpu makes a vertex buffer one byte longer, rounded up to 4
/// (so that an empty range can be bound at its end).
fn same_size(texture: bool, wrapper: Option<(u32, u32)>, vulkan: Option<(u32, u32)>) -> bool {
    match (wrapper, vulkan) {
        (Some(w), Some(v)) if texture => w == v,
        (Some((w, _)), Some((v, _))) => v == w || v == (w + 1).next_multiple_of(4),
        _ => false,
    }
}

/// The layer's image and buffer creates and destroys by label.
fn layer_counts(layer: &[Lifecycle]) -> Counts {
    let mut counts = Counts::new();
    for e in layer
        .iter()
        .filter(|e| e.ty == "Texture" || e.ty == "Buffer")
    {
        let entry = counts.entry(e.owner_kind.clone()).or_default();
        match e.action {
            ResourceAction::Create => entry.0 += 1,
            ResourceAction::Destroy => entry.1 += 1,
            _ => {}
        }
    }
    counts
}

fn wrappers_are_found_by_label(scenario: &str, mode: &str) {
    let (wrappers, collected) = run_demo(scenario, mode);
    let layer = lifecycles(&collected);
    let expected = wrapper_counts(&wrappers, &layer);
    let seen = layer_counts(&layer);
    assert!(
        !expected.is_empty(),
        "the wrappers recorded textures and buffers"
    );
    for (label, counts) in &expected {
        assert_eq!(
            seen.get(label),
            Some(counts),
            "label {label:?}: (creates, destroys) in the layer's trace vs the wrappers'"
        );
        assert_eq!(
            counts.0, counts.1,
            "label {label:?}: the demo destroys what it makes"
        );
    }

    // What wgpu makes for itself, which no wrapper records.
    let count = |ty: &str, action| {
        layer
            .iter()
            .filter(|e| e.ty == ty && e.action == action)
            .count()
    };
    let internal = seen
        .keys()
        .filter(|label| label.starts_with(INTERNAL))
        .count();
    assert!(
        internal > 0,
        "wgpu's own labelled buffers and textures: {seen:?}"
    );
    for ty in [
        "VkDeviceMemory",
        "VkImageView",
        "VkCommandPool",
        "CommandBuffer",
    ] {
        assert!(count(ty, ResourceAction::Create) > 0, "no {ty} seen");
        assert_eq!(
            count(ty, ResourceAction::Create),
            count(ty, ResourceAction::Destroy),
            "{ty}"
        );
    }
    assert_eq!(
        count("CommandQueue", ResourceAction::Create),
        1,
        "wgpu opens one queue"
    );

    // wgpu's submissions, each completed once from wgpu's own timeline-semaphore
    // waits; and wgpu frees only what the GPU is done with.
    let stages = stages(&collected);
    let submitted = stages
        .iter()
        .filter(|(.., s)| *s == PacketStage::Submitted)
        .count();
    let completed = stages
        .iter()
        .filter(|(.., s)| *s == PacketStage::Completed)
        .count();
    assert!(submitted > 0, "wgpu submitted work");
    assert_eq!(completed, submitted, "every submission completed once");
    let report = report(&collected);
    assert_eq!(report.anomalies.total, 0, "{:?}", report.anomalies);
}

#[test]
fn ellipse_path_legacy_wrappers_are_found_by_debug_label() {
    wrappers_are_found_by_label("ellipse-path", "legacy");
}

#[test]
fn text_legacy_wrappers_are_found_by_debug_label() {
    wrappers_are_found_by_label("text", "legacy");
}

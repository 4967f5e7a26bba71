//! vkcube (Debian's vulkan-tools), unchanged, under Xvfb with the layer enabled
//! from the environment: its presents, its swapchain images, and a window
//! resize scripted with xdotool showing as a swapchain replacement.

use std::path::Path;
use std::process::Command;
use std::sync::Mutex;

use gpu_ledger::analysis::{Definitions, ResourceStory, TextOptions};
use gpu_ledger::{EventSink, PacketStage, ResourceAction, ResourceId};

use crate::util::{
    layer_dir, lifecycles, read_trace, report, require_tool, run_ok, stages, under_layer,
};

/// One X server at a time: `xvfb-run -a` picks a free display, racily.
static XVFB: Mutex<()> = Mutex::new(());

fn require_x_tools() {
    require_tool("vkcube", "vulkan-tools");
    require_tool("xvfb-run", "xvfb");
    require_tool("xauth", "xauth");
}

#[test]
fn vkcube_c_120_reports_120_presented_frames_and_names_its_swapchain_images() {
    require_x_tools();
    let _x = XVFB.lock().unwrap_or_else(|e| e.into_inner());
    let dir = layer_dir();
    let work = tempfile::tempdir().expect("a temporary directory");
    let trace = work.path().join("vkcube.gltrace");
    let mut command = Command::new("timeout");
    under_layer(&mut command, dir.path(), &trace)
        .args(["300", "xvfb-run", "-a", "vkcube", "--c", "120"]);
    run_ok(&mut command);

    let collected = read_trace(&trace);
    assert_eq!(
        collected.info.source, "vkcube",
        "the trace names the program"
    );
    let report = report(&collected);
    assert_eq!(
        report.totals.presented, 120,
        "vkcube --c 120 presents 120 frames"
    );
    assert_eq!(report.anomalies.total, 0, "{:?}", report.anomalies);
    assert_eq!(
        report.totals.live_at_end, 0,
        "vkcube destroys everything it made"
    );

    // Each submission completed exactly once; each present is its own packet.
    let stages = stages(&collected);
    let count = |s: PacketStage| stages.iter().filter(|(.., x)| *x == s).count();
    let presents = count(PacketStage::Presented);
    assert_eq!(presents, 120);
    assert_eq!(count(PacketStage::Failed), 0);
    assert_eq!(
        count(PacketStage::Completed),
        count(PacketStage::Submitted) - presents,
        "every submission completed (from vkcube's own fence waits), once"
    );

    // The swapchain images: owned by the one swapchain, at its size, destroyed with it.
    let events = lifecycles(&collected);
    let swapchain = events
        .iter()
        .find(|e| e.ty == "NativeTarget" && e.action == ResourceAction::Create)
        .expect("the swapchain");
    assert_eq!(swapchain.owner_kind, "VkSurfaceKHR");
    let images: Vec<_> = events
        .iter()
        .filter(|e| e.ty == "SwapchainImage" && e.action == ResourceAction::Create)
        .collect();
    assert!(
        images.len() >= 2,
        "a swapchain has at least two images: {images:?}"
    );
    for image in &images {
        assert_eq!(
            (image.owner_kind.as_str(), image.owner_key),
            ("VkSwapchainKHR", swapchain.id)
        );
        assert_eq!(image.dims, swapchain.dims);
    }
    let destroyed = events
        .iter()
        .filter(|e| e.ty == "SwapchainImage" && e.action == ResourceAction::Destroy)
        .count();
    assert_eq!(destroyed, images.len());

    let text = report.render_text(&TextOptions::default());
    let row = text
        .lines()
        .find(|l| l.trim_start().starts_with("SwapchainImage"))
        .unwrap_or_else(|| panic!("the report has no SwapchainImage row:\n{text}"));
    let created: Vec<&str> = row.split_whitespace().collect();
    assert_eq!(
        created.get(2).copied(),
        Some(images.len().to_string().as_str()),
        "{row}"
    );
    assert!(
        text.contains(&format!("VkSwapchainKHR  {:#x}", swapchain.id)),
        "{text}"
    );
}

#[test]
fn vkcube_validate_sees_no_validation_message_with_the_layer_in_the_chain() {
    require_x_tools();
    let _x = XVFB.lock().unwrap_or_else(|e| e.into_inner());
    let dir = layer_dir();
    let work = tempfile::tempdir().expect("a temporary directory");
    let trace = work.path().join("vkcube.gltrace");
    let mut command = Command::new("timeout");
    under_layer(&mut command, dir.path(), &trace).args([
        "300",
        "xvfb-run",
        "-a",
        "vkcube",
        "--validate",
        "--c",
        "30",
    ]);
    let output = run_ok(&mut command);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    // vkcube prints what the validation layer reports, the loader's note that
    // it forced our layer on included.
    assert!(
        text.contains("Layer \"VK_LAYER_gpu_ledger\" forced enabled"),
        "{text}"
    );
    assert!(
        !text.contains("VALIDATION"),
        "the validation layer objected:\n{text}"
    );
    assert_eq!(report(&read_trace(&trace)).totals.presented, 30);
}

/// Starts vkcube, waits for its first present, resizes its window, waits for
/// the swapchain replacement, then quits it with Escape. Every wait is on a
/// fact the layer has written to the trace, bounded at 30 s.
const RESIZE_SCRIPT: &str = r#"
set -eu
trace=$1
vkcube --c 1000000 &
pid=$!
lines() { n=$( (grep -c "$1" "$trace" 2>/dev/null) || true ); echo "${n:-0}"; }
wait_for() {
  i=0
  while [ "$(lines "$1")" -lt "$2" ]; do
    i=$((i + 1))
    if [ "$i" -gt 600 ]; then echo "timed out waiting for $3" >&2; kill "$pid"; exit 1; fi
    sleep 0.05
  done
}
wait_for '"stage":"presented"' 1 "the first present"
root=$(xdotool search --maxdepth 0 --name '')
window=$(xdotool search --maxdepth 1 --onlyvisible --name '' | grep -vx "$root" | head -1)
xdotool windowsize --sync "$window" 320 240
wait_for '"resource_type":"NativeTarget"' 3 "the swapchain replacement"
xdotool windowfocus --sync "$window"
xdotool key Escape
i=0
while kill -0 "$pid" 2>/dev/null; do
  i=$((i + 1))
  if [ "$i" -gt 600 ]; then echo "vkcube did not quit on Escape" >&2; kill "$pid"; exit 1; fi
  sleep 0.05
done
wait "$pid"
"#;

#[test]
fn a_scripted_window_resize_replaces_the_swapchain_with_the_evidence() {
    require_x_tools();
    require_tool("xdotool", "xdotool");
    let _x = XVFB.lock().unwrap_or_else(|e| e.into_inner());
    let dir = layer_dir();
    let work = tempfile::tempdir().expect("a temporary directory");
    // JSON Lines: the script watches the trace grow.
    let trace = work.path().join("vkcube.jsonl");
    let mut command = Command::new("timeout");
    under_layer(&mut command, dir.path(), &trace)
        .args(["300", "xvfb-run", "-a", "sh", "-c", RESIZE_SCRIPT, "sh"])
        .arg(Path::new(&trace));
    run_ok(&mut command);

    let collected = read_trace(&trace);
    let events = lifecycles(&collected);
    let targets: Vec<_> = events.iter().filter(|e| e.ty == "NativeTarget").collect();
    let (old, new) = match targets.as_slice() {
        [old, new, destroy_old, destroy_new]
            if old.action == ResourceAction::Create
                && new.action == ResourceAction::Create
                && destroy_old.action == ResourceAction::Destroy
                && destroy_old.id == old.id
                && destroy_new.id == new.id =>
        {
            (old, new)
        }
        other => panic!(
            "expected create, create (with oldSwapchain), destroy old, destroy new: {other:#?}"
        ),
    };
    assert_eq!((old.dims, new.dims), (Some((500, 500)), Some((320, 240))));
    assert_eq!(
        (&old.owner_kind, old.owner_key),
        (&new.owner_kind, new.owner_key),
        "one surface owns both"
    );

    let mut story = ResourceStory::new(ResourceId(old.id), Definitions::default());
    collected.replay(&mut story);
    story.on_finish();
    let destroyed = story
        .story()
        .destroyed
        .expect("the old swapchain's destroy");
    assert_eq!(destroyed.cause, "replaced");
    assert!(
        destroyed
            .evidence
            .iter()
            .any(|e| e.what.contains(&format!("create of resource {}", new.id))),
        "the new swapchain's create is the evidence: {:?}",
        destroyed.evidence
    );
    // The old swapchain's images went with it; the new one has its own.
    let images_of = |swapchain: u64, action: ResourceAction| {
        events
            .iter()
            .filter(|e| e.ty == "SwapchainImage" && e.owner_key == swapchain && e.action == action)
            .count()
    };
    assert!(images_of(old.id, ResourceAction::Create) >= 2);
    assert_eq!(
        images_of(old.id, ResourceAction::Create),
        images_of(old.id, ResourceAction::Destroy)
    );
    assert!(images_of(new.id, ResourceAction::Create) >= 2);
}

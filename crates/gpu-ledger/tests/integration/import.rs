//! Omega log import: fixture logs to exact event streams and summaries.

use gpu_ledger::format::TimeAnomalyKind;
use gpu_ledger::import::{OmegaImport, Sources};
use gpu_ledger::{
    Collected, EventKind, FindingSeverity, Owner, OwnerKind, PacketStage, PoolAction,
    ResourceAction, ResourceType,
};

use crate::util::import_lines as import;

/// A compact spelling of an event, to compare whole streams at a glance.
fn spell(collected: &Collected) -> Vec<String> {
    collected
        .events
        .iter()
        .map(|e| match e.kind {
            EventKind::Resource {
                action, resource, ..
            } => {
                format!(
                    "{action:?} {} #{}",
                    resource.ty.resolve(&collected.names),
                    resource.id.0
                )
            }
            EventKind::Packet { packet, stage } => {
                format!("{} {}/{}", stage.name(), packet.lane.0, packet.packet.0)
            }
            EventKind::Pool { action, ty, .. } => {
                format!("Pool{action:?} {}", ty.resolve(&collected.names))
            }
            other => format!("{other:?}"),
        })
        .collect()
}

#[test]
fn mixed_log_takes_each_fact_once_from_its_best_family() {
    let (summary, collected) = import(include_str!("../data/omega-mixed.log"));
    assert_eq!(
        vec![
            "Create CommandQueue #1",
            "Create NativeTarget #2",
            "Create TextureTarget #3",
            "ResizeRebuild TextureTarget #3",
            "queued 1/1",
            "submitted 1/1",
            "presented 1/1",
            "noop 1/2",
            "dropped 1/3",
            "PoolMiss Buffer",
            "Destroy CommandQueue #1",
        ],
        spell(&collected)
    );
    assert_eq!(summary.lines, 21);
    assert_eq!(
        summary.recognised,
        [5, 4, 6, 2, 3, 0],
        "toolkit, engine, sync, debug, nslog, dump"
    );
    assert_eq!(summary.other_lines, 1, "the objc line");
    assert_eq!(summary.malformed, 1);
    assert_eq!(summary.malformed_examples[0].line, 18);
    assert_eq!(
        summary.malformed_examples[0].reason,
        "ts=bad is not a whole number"
    );
    // Debug create + destroy, engine present, NSLog present and NSLog queue destroy.
    assert_eq!(summary.duplicates_skipped, 5);
    assert_eq!(summary.events, 11);
    assert_eq!(collected.info.start_unix_ns, 1_772_235_876_900_000_000);
    let times: Vec<u64> = collected.events.iter().map(|e| e.time_ns).collect();
    assert_eq!(times.first(), Some(&0));
    assert_eq!(
        times.last(),
        Some(&239_000_000),
        "the destroy is 239 ms after the first ts"
    );
    assert!(
        times.windows(2).all(|w| w[0] <= w[1]),
        "time never runs backwards: {times:?}"
    );
}

#[test]
fn nslog_only_log_yields_the_queue_destroy_burst_and_presents() {
    let (summary, collected) = import(include_str!("../data/omega-nslog-only.log"));
    let destroys: Vec<_> = collected
        .events
        .iter()
        .filter(|e| matches!(e.kind, EventKind::Resource { action: ResourceAction::Destroy, resource, .. } if resource.ty == ResourceType::CommandQueue))
        .collect();
    assert_eq!(destroys.len(), 33);
    assert!(
        destroys.iter().all(|e| e.time_ns == 639_000_000),
        "one burst, 639 ms after the first line"
    );
    let presents = collected
        .events
        .iter()
        .filter(|e| {
            matches!(
                e.kind,
                EventKind::Packet {
                    stage: PacketStage::Presented,
                    ..
                }
            )
        })
        .count();
    assert_eq!(presents, 2);
    assert_eq!(
        summary.informational, 1,
        "the completed-command-buffer line"
    );
    assert_eq!(
        summary.limitations,
        vec![
            "no packet information in this log ([OmegaWTKSync] lines): presents come from engine or NSLog present lines, and no event has packet context".to_owned(),
            "command-queue destroys come from NSLog lines without ids: their lifetimes and owners are unknown".to_owned(),
        ]
    );
}

#[test]
fn an_id_reused_after_its_destroy_is_a_new_resource_with_an_implied_create() {
    // The stack-copy quirk: Create, ResizeRebuild, Destroy, then more events for the same id.
    let log = "\
[OmegaWTKGPU] ts=10 event=Create type=TextureTarget id=4 ownerKind=BackendRenderTargetContext ownerKey=1 width=500 height=500 scale=2
[OmegaWTKGPU] ts=10 event=ResizeRebuild type=TextureTarget id=4 ownerKind=BackendRenderTargetContext ownerKey=1 width=1000 height=1000 scale=2
[OmegaWTKGPU] ts=10 event=Destroy type=TextureTarget id=4 ownerKind=BackendRenderTargetContext ownerKey=1
[OmegaWTKGPU] ts=12 event=Bind type=TextureTarget id=4 ownerKind=BackendRenderTargetContext ownerKey=2
[OmegaWTKGPU] ts=15 event=Destroy type=TextureTarget id=4 ownerKind=BackendRenderTargetContext ownerKey=2
";
    let (summary, collected) = import(log);
    assert_eq!(
        vec![
            "Create TextureTarget #1",
            "ResizeRebuild TextureTarget #1",
            "Destroy TextureTarget #1",
            "Create TextureTarget #2",
            "Bind TextureTarget #2",
            "Destroy TextureTarget #2",
        ],
        spell(&collected)
    );
    assert_eq!(summary.implicit_creates, 1);
    let owner_keys: Vec<u64> = collected
        .events
        .iter()
        .filter_map(|e| e.resource())
        .map(|r| r.owner.key)
        .collect();
    assert_eq!(owner_keys, vec![1, 1, 1, 2, 2, 2]);
}

#[test]
fn pool_events_and_names_reach_the_sink() {
    let log = "[OmegaWTKGPU] ts=1 event=PoolHit type=Fence id=0 ownerKind=FencePool ownerKey=77\n";
    let (_, collected) = import(log);
    let EventKind::Pool {
        action,
        ty,
        owner,
        dims,
    } = collected.events[0].kind
    else {
        panic!("not a pool event: {:?}", collected.events[0]);
    };
    assert_eq!(
        (action, ty, dims),
        (PoolAction::Hit, ResourceType::Fence, None)
    );
    assert_eq!(owner.kind.resolve(&collected.names), "FencePool");
    assert_eq!(owner.key, 77);
}

// ---------------------------------------------------------------------------
// Shapes seen in the renderers' own sources (omega-log-formats.md, last section)

/// The findings of a stream: (severity, code, message, line).
fn findings(collected: &Collected) -> Vec<(FindingSeverity, String, String, Option<u64>)> {
    collected
        .events
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::Finding {
                severity,
                code,
                message,
                line,
                ..
            } => Some((
                severity,
                collected.names.get(code).unwrap_or("?").to_owned(),
                collected.names.get(message).unwrap_or("?").to_owned(),
                line,
            )),
            _ => None,
        })
        .collect()
}

/// The owners of the resources a stream creates: (type, owner kind, owner key).
fn owners(collected: &Collected) -> Vec<(String, String, u64)> {
    collected
        .events
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::Resource {
                action: ResourceAction::Create,
                resource,
                ..
            } => Some((
                resource.ty.resolve(&collected.names).into_owned(),
                resource.owner.kind.resolve(&collected.names).into_owned(),
                resource.owner.key,
            )),
            _ => None,
        })
        .collect()
}

#[test]
fn validation_layer_messages_become_findings_with_their_vuid_and_line() {
    let log = "\
[GEVulkanEngine_Internal] - Successfully Created GEVulkanEngine
[OmegaGTEResource] ts=1000 backend=Vulkan event=Create type=Texture id=3 nativeHandle=9 threadId=1 width=512 height=512
[OmegaGTEResource] ts=1010 backend=Vulkan event=Destroy type=Texture id=3 nativeHandle=9 threadId=1
[GEVulkanEngine_Internal] - [VVL ERROR] Validation Error: [ VUID-vkDestroyImage-image-01000 ] Object 0: handle = 0x3e0000000003e, type = VK_OBJECT_TYPE_IMAGE; | MessageID = 0xf2d29b5a | vkDestroyImage(): can't be called on VkImage 0x3e0000000003e that is currently in use by VkCommandBuffer 0x55c62bfbb580.
[GEVulkanEngine_Internal] - [VVL WARN] Validation Performance Warning: [ UNASSIGNED-BestPractices-vkCreateImage-small ] | MessageID = 0x1 | small image
[GEVulkanEngine_Internal] - [VVL INFO] Validation Information: | MessageID = 0x5c0ec5d6 | loader layer
";
    let (summary, collected) = import(log);
    let found = findings(&collected);
    assert_eq!(
        found
            .iter()
            .map(|(s, code, _, line)| (*s, code.as_str(), *line))
            .collect::<Vec<_>>(),
        [
            (
                FindingSeverity::Error,
                "VUID-vkDestroyImage-image-01000",
                Some(4)
            ),
            (
                FindingSeverity::Warning,
                "UNASSIGNED-BestPractices-vkCreateImage-small",
                Some(5)
            ),
            (FindingSeverity::Info, "vvl-message-0x5c0ec5d6", Some(6)),
        ]
    );
    assert!(
        found[0]
            .2
            .starts_with("Validation Error: [ VUID-vkDestroyImage-image-01000 ]")
    );
    assert!(found[0].2.ends_with("VkCommandBuffer 0x55c62bfbb580."));
    assert_eq!(summary.findings, 3);
    assert_eq!(summary.informational, 1, "the engine's own greeting");
    assert_eq!((summary.other_lines, summary.malformed), (0, 0));
}

#[test]
fn untyped_debug_lines_are_read_like_typed_ones_and_never_misread() {
    let log = "\
[GEMetalEngine_Internal] - Queue created: queue=4 type=0
[GED3D12Engine_Internal] - INFO RENDERTGT NativeRenderTarget created: id=5 800x600
[GEMetalEngine_Internal] - [GEMetal] Selected device: Apple M2
[GEMetalEngine_Internal] - Queue destroyed: queue=4
";
    let (summary, collected) = import(log);
    assert_eq!(
        spell(&collected),
        [
            "Create CommandQueue #1",
            "Create NativeTarget #2",
            "Destroy CommandQueue #1"
        ]
    );
    let EventKind::Resource { dims, .. } = collected.events[1].kind else {
        panic!("a resource event");
    };
    assert_eq!(dims, Some(gpu_ledger::Dims::new(800, 600, 0.0)));
    assert_eq!((summary.informational, summary.malformed), (1, 0));
}

#[test]
fn command_buffer_completions_are_informational_and_execution_errors_are_findings() {
    let log = "\
[OmegaGTEResource] ts=100 backend=Metal event=Create type=CommandBuffer id=7 nativeHandle=1 threadId=1
[GED3D12Engine_Internal] - TRACE QUEUE CB submit: queue=2 cb=7
[GED3D12Engine_Internal] - TRACE QUEUE CB complete: cb=7 queue=2
[GEMetalEngine_Internal] - TRACE QUEUE CB complete: cb=7 duration=0.28ms
[GEMetalEngine_Internal] - ERROR QUEUE CB execution error: cb=7 error=Caused GPU Timeout Error (00000002:kIOGPUCommandBufferCallbackErrorTimeout)
2026-02-27 23:44:35.023 App[1:2] Command Buffer Failed to Execute. Error: Caused GPU Timeout Error
";
    let (summary, collected) = import(log);
    let found = findings(&collected);
    assert_eq!(
        found.len(),
        1,
        "the NSLog line is the same failure: {found:?}"
    );
    assert_eq!(found[0].0, FindingSeverity::Error);
    assert_eq!(found[0].1, "command-buffer-error");
    assert!(
        found[0].2.contains("Caused GPU Timeout Error"),
        "{}",
        found[0].2
    );
    let resource = collected.events.iter().find_map(|e| match e.kind {
        EventKind::Finding { resource, .. } => resource,
        _ => None,
    });
    assert_eq!(
        resource,
        Some(gpu_ledger::ResourceId(1)),
        "the command buffer it names"
    );
    assert_eq!(
        summary.informational, 3,
        "submit and both completion shapes"
    );
    assert_eq!(summary.duplicates_skipped, 1);
    assert_eq!(spell(&collected)[0], "Create CommandBuffer #1");
    assert_eq!(collected.events.len(), 2);
}

#[test]
fn nslog_failures_are_errors_and_completion_warnings_are_warnings() {
    let log = "\
2026-02-27 23:44:35.023 App[1:2] Command Buffer Failed to Execute. Error: Internal Error (0000000e:Internal Error)
2026-02-27 23:44:35.024 App[1:2] Successfully completed Command Buffer! (Logs: <_MTLLogContainer: 0x600003f2c0a0>) (Warning: (null)) Duration:0.281000
2026-02-27 23:44:35.025 App[1:2] Successfully completed Command Buffer! (Logs: <_MTLLogContainer: 0x600003f2c0a0>) (Warning: Fragment function exceeded its budget) Duration:0.281000
";
    let (summary, collected) = import(log);
    let found = findings(&collected);
    assert_eq!(
        found
            .iter()
            .map(|(s, code, _, line)| (*s, code.as_str(), *line))
            .collect::<Vec<_>>(),
        [
            (FindingSeverity::Error, "command-buffer-error", Some(1)),
            (FindingSeverity::Warning, "command-buffer-warning", Some(3)),
        ]
    );
    assert!(
        found[0]
            .2
            .starts_with("Command Buffer Failed to Execute. Error: Internal Error")
    );
    assert_eq!(summary.informational, 1, "the clean completion");
}

#[test]
fn queue_depth_telemetry_is_never_a_queued_packet() {
    let log = "\
[OmegaWTKSync] queue reason=coalesce depth=3 lane=1 packet=9 queued{1:2,2:1} enq{total=40}
[OmegaWTKSync] queue reason=idle depth=0 queued{} enq{total=41}
[OmegaWTKSync] queue lane=1 packet=10 cmdId=4 requiredEpoch=2
";
    let (summary, collected) = import(log);
    assert_eq!(spell(&collected), ["queued 1/10"]);
    assert_eq!((summary.informational, summary.malformed), (2, 0));
}

#[test]
fn older_sync_revisions_without_quality_or_required_epoch_are_read() {
    let log = "\
[OmegaWTKSync] deltaQueued type=UpdateLayer epoch=1 tree=105553116295168 layer=105553178821632
[OmegaWTKSync] queue lane=1 packet=1 cmdId=7
[OmegaWTKSync] submit lane=1 packet=1 inFlight=1
[OmegaWTKSync] present lane=1 packet=1 inFlight=0 ewmaMs=4.200000
[OmegaWTKSync] deltaApplied lane=1 packet=1 epoch=1
";
    let (summary, collected) = import(log);
    assert_eq!(
        spell(&collected),
        ["queued 1/1", "submitted 1/1", "presented 1/1"]
    );
    assert_eq!((summary.informational, summary.malformed), (2, 0));
}

#[test]
fn nslog_lines_printed_beside_format_two_are_the_same_facts() {
    let log = "\
[OmegaGTEResource] ts=1772257475000 backend=Metal event=Create type=CommandQueue id=1 nativeHandle=1 threadId=1
[OmegaGTEResource] ts=1772257475021 backend=Metal event=Present type=CommandBuffer id=19 nativeHandle=2 threadId=1 queueId=1 cmdBufferId=19
2026-02-27 23:44:35.021 App[1:2] Present Drawable
[OmegaGTEResource] ts=1772257475040 backend=Metal event=Destroy type=CommandQueue id=1 nativeHandle=1 threadId=1
2026-02-27 23:44:35.040 App[1:2] Metal Command Queue Destroy
";
    let (summary, collected) = import(log);
    assert_eq!(
        spell(&collected),
        [
            "Create CommandQueue #1",
            "presented 1/19",
            "Destroy CommandQueue #1"
        ]
    );
    assert_eq!(summary.duplicates_skipped, 2);
}

#[test]
fn metal_command_buffers_without_a_queue_id_have_an_unknown_owner_not_a_made_up_one() {
    let log = "\
[OmegaGTEResource] ts=10 backend=Metal event=Create type=CommandBuffer id=19 nativeHandle=1 threadId=1
[OmegaGTEResource] ts=11 backend=Metal event=Submit type=CommandBuffer id=19 nativeHandle=1 threadId=1 queueId=1 cmdBufferId=19
[OmegaGTEResource] ts=12 backend=Metal event=Destroy type=CommandBuffer id=19 nativeHandle=1 threadId=1 queueId=1
";
    let (summary, collected) = import(log);
    let owners: Vec<_> = collected
        .events
        .iter()
        .filter_map(|e| e.resource())
        .map(|r| r.owner)
        .collect();
    assert_eq!(
        owners,
        [
            Owner::new(OwnerKind::Unknown, 0),
            Owner::new(OwnerKind::Unknown, 0)
        ]
    );
    assert_eq!((summary.unknown_owners, summary.inferred_owners), (1, 0));
    assert!(
        summary
            .limitations
            .iter()
            .any(|l| l.contains("owner is recorded as Unknown")),
        "{:?}",
        summary.limitations
    );
    assert!(
        collected.names.is_empty(),
        "no owner kind was invented: {:?}",
        collected.names
    );
}

#[test]
fn a_visual_bound_under_its_tree_key_keeps_its_own_owner() {
    let log = "\
[OmegaWTKGPU] ts=1 event=Create type=BackendVisual id=7 ownerKind=BackendVisualTree::Visual ownerKey=100
[OmegaWTKGPU] ts=2 event=Bind type=BackendVisual id=7 ownerKind=MTLCALayerTree::Body ownerKey=200
[OmegaWTKGPU] ts=3 event=Unbind type=BackendVisual id=7 ownerKind=MTLCALayerTree::Body ownerKey=200
[OmegaWTKGPU] ts=4 event=Destroy type=BackendVisual id=7 ownerKind=BackendVisualTree::Visual ownerKey=100
";
    let (summary, collected) = import(log);
    assert_eq!(
        spell(&collected),
        [
            "Create BackendVisual #1",
            "Bind BackendVisual #1",
            "Unbind BackendVisual #1",
            "Destroy BackendVisual #1"
        ]
    );
    let keys: Vec<u64> = collected
        .events
        .iter()
        .filter_map(|e| e.resource())
        .map(|r| r.owner.key)
        .collect();
    assert_eq!(keys, [100, 100, 100, 100], "one resource, one owner");
    assert_eq!(summary.implicit_creates, 0);
}

#[test]
fn an_engine_queue_created_while_a_context_is_built_takes_its_owner_with_the_evidence() {
    let log = "\
[OmegaWTKGPU] ts=50 event=Create type=TextureTarget id=4 ownerKind=BackendRenderTargetContext ownerKey=5380284416 width=500 height=500 scale=2
[OmegaWTKGPU] ts=50 event=ResizeRebuild type=TextureTarget id=4 ownerKind=BackendRenderTargetContext ownerKey=5380284416 width=1000 height=1000 scale=2
[OmegaGTEResource] ts=50 backend=Metal event=Create type=CommandQueue id=9 nativeHandle=1 threadId=1
2026-02-27 23:44:35.040 App[1:2] Metal Command Queue Destroy
[OmegaGTEResource] ts=50 backend=Metal event=Create type=TextureRenderTarget id=10 nativeHandle=2 threadId=1
[OmegaGTEResource] ts=51 backend=Metal event=Create type=CommandQueue id=11 nativeHandle=3 threadId=1
[OmegaWTKGPU] ts=52 event=Create type=TextureTarget id=6 ownerKind=BackendRenderTargetContext ownerKey=5380292608
[OmegaWTKGPU] ts=52 event=Bind type=TextureTarget id=6 ownerKind=BackendRenderTargetContext ownerKey=5380292608
[OmegaGTEResource] ts=52 backend=Metal event=Create type=CommandQueue id=12 nativeHandle=4 threadId=1
[OmegaWTKGPU] ts=53 event=Create type=TextureTarget id=8 ownerKind=BackendRenderTargetContext ownerKey=5380300800
[OmegaWTKSync] queue lane=1 packet=1 cmdId=1
[OmegaGTEResource] ts=53 backend=Metal event=Create type=CommandQueue id=13 nativeHandle=5 threadId=1
";
    let (summary, collected) = import(log);
    let context = |key| ("BackendRenderTargetContext".to_owned(), key);
    let got: Vec<(String, (String, u64))> = owners(&collected)
        .into_iter()
        .map(|(ty, kind, key)| (ty, (kind, key)))
        .collect();
    assert_eq!(
        got,
        [
            ("TextureTarget".to_owned(), context(5_380_284_416)),
            ("CommandQueue".to_owned(), context(5_380_284_416)),
            ("TextureTarget".to_owned(), context(5_380_284_416)),
            // Another millisecond: nothing is being built any more.
            ("CommandQueue".to_owned(), ("Unknown".to_owned(), 0)),
            ("TextureTarget".to_owned(), context(5_380_292_608)),
            // A bind ended the build.
            ("CommandQueue".to_owned(), ("Unknown".to_owned(), 0)),
            ("TextureTarget".to_owned(), context(5_380_300_800)),
            // A packet began.
            ("CommandQueue".to_owned(), ("Unknown".to_owned(), 0)),
        ]
    );
    assert_eq!((summary.inferred_owners, summary.unknown_owners), (2, 3));
    let evidence: Vec<String> = summary
        .inferred_examples
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        evidence,
        [
            "line 3: CommandQueue given owner BackendRenderTargetContext 0x140b0a000 from line 2",
            "line 5: TextureTarget given owner BackendRenderTargetContext 0x140b0a000 from line 2",
        ]
    );
    let warnings = summary.warnings();
    assert!(
        warnings.iter().any(|w| w.starts_with("2 engine resources have an inferred owner, not a logged one")
            && w.contains("first line 3: CommandQueue given owner BackendRenderTargetContext 0x140b0a000 from line 2")),
        "{warnings:?}"
    );
}

#[test]
fn the_engine_tracker_dump_alone_is_read_as_engine_events() {
    let (summary, collected) = import(include_str!("../data/field/16-omega-tracker-dump.log"));
    assert_eq!(
        spell(&collected),
        [
            "Create CommandQueue #1",
            "Create NativeTarget #2",
            "presented 12/15",
            "Destroy CommandQueue #1"
        ]
    );
    let times: Vec<u64> = collected.events.iter().map(|e| e.time_ns).collect();
    assert_eq!(
        times,
        [0, 1_000_000, 32_000_000, 2_912_000_000],
        "the queue lived 2912 ms"
    );
    let EventKind::Resource { dims, .. } = collected.events[1].kind else {
        panic!("a resource event");
    };
    assert_eq!(dims, Some(gpu_ledger::Dims::new(1000, 1000, 2.0)));
    assert_eq!(
        summary.recognised,
        [0, 0, 0, 0, 0, 5],
        "header and four events"
    );
    assert_eq!(
        (
            summary.informational,
            summary.malformed,
            summary.other_lines
        ),
        (1, 0, 0)
    );
    assert_eq!(collected.info.start_unix_ns, 1_781_982_131_498_000_000);
}

#[test]
fn a_tracker_dump_after_format_two_lines_repeats_them_and_its_summary_is_informational() {
    let log = "\
[OmegaGTEResource] ts=1000 backend=Metal event=Create type=CommandQueue id=12 nativeHandle=1 threadId=7
[OmegaGTEResource] ts=3000 backend=Metal event=Destroy type=CommandQueue id=12 nativeHandle=1 threadId=7
OmegaGTE Resource Timeline (events=2)
ts=1000 backend=Metal event=Create type=CommandQueue id=12 native=0x1 threadId=7
ts=3000 backend=Metal event=Destroy type=CommandQueue id=12 native=0x1 threadId=7
type=Metal:CommandQueue creates=1 destroys=1 alive=0 shortLifetimes=0 lifetimeAvgMs=2000
";
    let (summary, collected) = import(log);
    assert_eq!(
        spell(&collected),
        ["Create CommandQueue #1", "Destroy CommandQueue #1"]
    );
    assert_eq!(summary.duplicates_skipped, 2);
    assert_eq!(
        summary.informational, 2,
        "the dump's header and churn summary"
    );
    assert_eq!(
        summary.time.anomalies(),
        0,
        "the repeated stamps do not move the clock"
    );
}

#[test]
fn debug_lifecycle_lines_repeat_format_two_only_for_the_ids_it_describes() {
    // The hardening reproducer: queue 99 exists only in the debug layer.
    let (summary, collected) = import(include_str!(
        "../data/hardening/log_debug_queue_dropped_when_other_id_has_format2.log"
    ));
    assert_eq!(
        spell(&collected),
        [
            "Create CommandQueue #1",
            "Create CommandQueue #2",
            "queued 1/1",
            "presented 1/1",
            "Destroy CommandQueue #2",
            "Destroy CommandQueue #1",
        ]
    );
    assert_eq!(
        summary.duplicates_skipped, 2,
        "queue 12's debug create and destroy"
    );
    // The debug layer may also speak first: its create and format 2's are one.
    let log = "\
[GEMetalEngine_Internal] - INFO QUEUE Queue created: queue=5 type=0
[OmegaGTEResource] ts=10 backend=Metal event=Create type=CommandQueue id=5 nativeHandle=1 threadId=1
[OmegaGTEResource] ts=20 backend=Metal event=Destroy type=CommandQueue id=5 nativeHandle=1 threadId=1
[GEMetalEngine_Internal] - INFO QUEUE Queue destroyed: queue=5
";
    let (summary, collected) = import(log);
    assert_eq!(
        spell(&collected),
        ["Create CommandQueue #1", "Destroy CommandQueue #1"]
    );
    assert_eq!(summary.duplicates_skipped, 2);
}

// ---------------------------------------------------------------------------
// Time that jumps, lines of any length

#[test]
fn one_wild_stamp_mid_log_is_ignored_and_reported_by_line() {
    let (summary, collected) = import(include_str!(
        "../data/hardening/log_one_outlier_ts_mid_wrecks_times.log"
    ));
    let times: Vec<u64> = collected.events.iter().map(|e| e.time_ns).collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "{times:?}");
    assert_eq!(
        times.last(),
        Some(&101_000_000),
        "the queue's destroy, 100 ms after its create"
    );
    // The wild line's create keeps the time before it.
    let wild = collected
        .events
        .iter()
        .find(|e| e.resource().is_some_and(|r| r.owner.key == 1))
        .expect("the create on the wild line");
    assert_eq!(wild.time_ns, 1_000_000);
    assert_eq!(summary.time.outliers, 1);
    assert_eq!(summary.time.examples[0].line, 4);
    assert_eq!(summary.time.examples[0].kind, TimeAnomalyKind::Outlier);
    assert!(
        summary.warnings()[0].starts_with("log time corrected: 1 time anomalies (1 wild stamps ignored), first line 4: stamp 99999999999999"),
        "{:?}",
        summary.warnings()
    );
}

#[test]
fn a_wild_first_stamp_neither_collapses_time_nor_becomes_time_zero() {
    let log = "\
[OmegaWTKGPU] ts=99999999999999 event=Create type=TextureTarget id=9 ownerKind=X ownerKey=1
[OmegaWTKGPU] ts=1000 event=Create type=TextureTarget id=1 ownerKind=BackendRenderTargetContext ownerKey=2
[OmegaWTKGPU] ts=1050 event=Destroy type=TextureTarget id=1 ownerKind=BackendRenderTargetContext ownerKey=2
[OmegaWTKGPU] ts=1300 event=Destroy type=TextureTarget id=9 ownerKind=X ownerKey=1
";
    let (summary, collected) = import(log);
    let times: Vec<u64> = collected.events.iter().map(|e| e.time_ns).collect();
    assert_eq!(times, [0, 0, 50_000_000, 300_000_000]);
    assert_eq!(collected.info.start_unix_ns, 1_000_000_000);
    assert_eq!(
        (summary.time.outliers, summary.time.examples[0].line),
        (1, 1)
    );
}

#[test]
fn a_log_clock_reset_keeps_the_durations_after_it_and_small_reorders_are_silent() {
    let log = "\
[OmegaGTEResource] ts=50000 backend=Metal event=Create type=CommandQueue id=1 nativeHandle=1 threadId=1
[OmegaGTEResource] ts=50002 backend=Metal event=Create type=CommandQueue id=2 nativeHandle=1 threadId=2
[OmegaGTEResource] ts=50001 backend=Metal event=Destroy type=CommandQueue id=2 nativeHandle=1 threadId=1
[OmegaGTEResource] ts=20000 backend=Metal event=Create type=CommandQueue id=3 nativeHandle=1 threadId=1
[OmegaGTEResource] ts=20040 backend=Metal event=Destroy type=CommandQueue id=3 nativeHandle=1 threadId=1
";
    let (summary, collected) = import(log);
    let times: Vec<u64> = collected
        .events
        .iter()
        .map(|e| e.time_ns / 1_000_000)
        .collect();
    assert_eq!(times, [0, 2, 2, 2, 42], "queue 3 still lives 40 ms");
    assert_eq!((summary.time.resets, summary.time.reordered), (1, 1));
    assert_eq!(summary.time.examples[0].line, 4);
}

#[test]
fn over_long_lines_are_counted_and_skipped_without_losing_the_rest() {
    let mut log =
        b"[OmegaWTKGPU] ts=1 event=Create type=TextureTarget id=1 ownerKind=C ownerKey=1\n"
            .to_vec();
    log.extend_from_slice(b"[OmegaWTKGPU] ts=2 ");
    log.extend(std::iter::repeat_n(b'x', 3 << 20));
    log.push(b'\n');
    log.extend(std::iter::repeat_n(0xff_u8, 2 << 20));
    log.push(b'\n');
    log.extend_from_slice(b"\xff\xfe not utf-8 but short\n");
    log.extend_from_slice(
        b"[OmegaWTKGPU] ts=3 event=Destroy type=TextureTarget id=1 ownerKind=C ownerKey=1\n",
    );
    let sources = Sources::scan(&log[..]).expect("in memory");
    let mut collected = Collected::default();
    let summary = OmegaImport::new(sources)
        .import(&log[..], &mut collected)
        .expect("in memory");
    assert_eq!(
        spell(&collected),
        [
            "Create TextureTarget #1",
            "Destroy TextureTarget #1",
            "Marker(CleanEnd)"
        ]
    );
    assert_eq!(summary.lines, 5);
    assert_eq!(
        (summary.overlong_lines, summary.overlong_examples.clone()),
        (2, vec![2, 3])
    );
    assert_eq!(summary.other_lines, 1);
    assert_eq!(
        summary.warnings()[0],
        "2 lines longer than 1048576 bytes skipped unread (lines 2, 3)"
    );
}

// ---------------------------------------------------------------------------
// Any mix of the shapes, any values

/// One log line: a shape of any family with random values (stamps wild or not,
/// ids reused or not), or noise.
fn arb_line() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    let ts = prop_oneof![
        8 => (1_000u64..1_200).prop_map(|t| t.to_string()),
        1 => any::<u64>().prop_map(|t| t.to_string()),
        1 => Just("bad".to_owned()),
    ];
    let id = 0u64..8;
    let event = proptest::sample::select(vec![
        "Create",
        "Destroy",
        "ResizeRebuild",
        "Bind",
        "Unbind",
        "PoolHit",
        "Present",
        "Submit",
        "Complete",
        "Bogus",
    ]);
    let ty = proptest::sample::select(vec![
        "TextureTarget",
        "CommandQueue",
        "CommandBuffer",
        "NativeRenderTarget",
        "BackendVisual",
    ]);
    let n = 0u64..6;
    prop_oneof![
        (ts.clone(), event.clone(), ty.clone(), id.clone(), n.clone()).prop_map(|(ts, e, t, id, k)| format!(
            "[OmegaWTKGPU] ts={ts} event={e} type={t} id={id} ownerKind=BackendRenderTargetContext ownerKey={k} width=10 height=10 scale=2"
        )),
        (ts.clone(), event, ty, id.clone(), n.clone()).prop_map(|(ts, e, t, id, q)| format!(
            "[OmegaGTEResource] ts={ts} backend=Metal event={e} type={t} id={id} nativeHandle=1 threadId={q} queueId={q} cmdBufferId={id}"
        )),
        (proptest::sample::select(vec!["queue", "submit", "present", "drop", "fail", "admit", "wait"]), n.clone(), id.clone())
            .prop_map(|(v, lane, p)| format!("[OmegaWTKSync] {v} lane={lane} packet={p} cmdId=1 reason=1")),
        (n.clone(), id.clone()).prop_map(|(d, p)| format!("[OmegaWTKSync] queue reason=r depth={d} lane=1 packet={p} queued{{}}")),
        id.clone().prop_map(|q| format!("[GEMetalEngine_Internal] - INFO QUEUE Queue created: queue={q} type=0")),
        id.clone().prop_map(|q| format!("[GEMetalEngine_Internal] - Queue destroyed: queue={q}")),
        id.clone().prop_map(|c| format!("[GEMetalEngine_Internal] - CB execution error: cb={c} error=Timeout")),
        Just("[GEVulkanEngine_Internal] - [VVL ERROR] Validation Error: [ VUID-x ] | MessageID = 0x1 | bad".to_owned()),
        Just("2026-02-27 23:44:35.040 App[1:2] Metal Command Queue Destroy".to_owned()),
        Just("2026-02-27 23:44:35.041 App[1:2] Present Drawable".to_owned()),
        Just("2026-02-27 23:44:35.042 App[1:2] Command Buffer Failed to Execute. Error: x".to_owned()),
        Just("OmegaGTE Resource Timeline (events=2)".to_owned()),
        (ts, id).prop_map(|(ts, id)| format!("ts={ts} backend=Metal event=Create type=CommandQueue id={id} native=0x1 threadId=1 dims=(1,2,3)")),
        ".{0,40}",
    ]
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 300, ..proptest::prelude::ProptestConfig::default() })]

    #[test]
    fn any_log_imports_without_panic_with_every_line_counted_and_time_in_order(
        lines in proptest::collection::vec(arb_line(), 0..60),
    ) {
        let log = lines.join("\n");
        let (summary, collected) = import(&log);
        let (again, replayed) = import(&log);
        proptest::prop_assert_eq!(&summary, &again, "the same log, the same import");
        proptest::prop_assert_eq!(&collected, &replayed);
        proptest::prop_assert_eq!(
            summary.lines,
            summary.recognised.iter().sum::<u64>() + summary.other_lines + summary.overlong_lines
        );
        proptest::prop_assert_eq!(summary.events, collected.events.len() as u64);
        let times: Vec<u64> = collected.events.iter().map(|e| e.time_ns).collect();
        proptest::prop_assert!(times.windows(2).all(|w| w[0] <= w[1]), "{:?}", times);
        // No owner kind is ever made up: every owner is logged or Unknown.
        for r in collected.events.iter().filter_map(|e| e.resource()) {
            let kind = r.owner.kind.resolve(&collected.names);
            proptest::prop_assert!(
                kind == "Unknown" || kind == "BackendRenderTargetContext",
                "owner kind {}",
                kind
            );
        }
    }
}

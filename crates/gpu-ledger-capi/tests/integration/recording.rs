//! Calls made through the C ABI land in the trace exactly, in order, with their packets.

use std::ptr::null;

use gpu_ledger_capi::*;

use crate::util::{c, describe, finish, last_error, read_trace, start};

/// Asserts a call returned `GL_OK`, showing the last error if not.
macro_rules! ok {
    ($call:expr) => {{
        // SAFETY: every call in these tests passes a live handle and valid pointers.
        let status = unsafe { $call };
        assert_eq!(GL_OK, status, "{}: {}", stringify!($call), last_error());
    }};
}

/// Records one of every kind of call on `ledger`, as a small renderer would.
fn record_everything(ledger: *mut GlLedger) {
    let (mut queue, mut target, mut scratch) = (0, 0, 0);
    let (mut blur, mut blur_again, mut tree) = (0, 0, 0);
    ok!(gl_next_resource_id(ledger, &mut queue));
    ok!(gl_next_resource_id(ledger, &mut target));
    ok!(gl_next_resource_id(ledger, &mut scratch));
    ok!(gl_resource_type(ledger, c"BlurScratch".as_ptr(), &mut blur));
    ok!(gl_resource_type(
        ledger,
        c"BlurScratch".as_ptr(),
        &mut blur_again
    ));
    ok!(gl_owner_kind(ledger, c"LayerTree".as_ptr(), &mut tree));
    assert_eq!(
        (GL_FIRST_NAME_CODE, GL_FIRST_NAME_CODE),
        (blur, blur_again),
        "interned once"
    );
    assert_eq!(GL_FIRST_NAME_CODE + 1, tree);

    let window = 0x1400;
    let retina = GlDims {
        width: 800,
        height: 600,
        scale: 2.0,
    };
    let resized = GlDims {
        width: 1024,
        height: 768,
        scale: 2.0,
    };
    let bytes = GlDims {
        width: 4096,
        height: 0,
        scale: 0.0,
    };

    ok!(gl_packet_queued(ledger, 1, 1, 100));
    ok!(gl_enter_packet(ledger, 1, 1));
    ok!(gl_create(
        ledger,
        queue,
        GL_TYPE_COMMAND_QUEUE,
        GL_OWNER_ROOT_VISUAL,
        window,
        null()
    ));
    ok!(gl_create(
        ledger,
        target,
        GL_TYPE_NATIVE_TARGET,
        GL_OWNER_ROOT_VISUAL,
        window,
        &retina
    ));
    ok!(gl_bind(
        ledger,
        target,
        GL_TYPE_NATIVE_TARGET,
        tree,
        7,
        null()
    ));
    ok!(gl_touch(ledger, target));
    ok!(gl_leave_packet(ledger));
    ok!(gl_packet_stage(ledger, 1, 1, GL_STAGE_SUBMITTED));
    ok!(gl_packet_stage(ledger, 1, 1, GL_STAGE_COMPLETED));
    ok!(gl_packet_stage(ledger, 1, 1, GL_STAGE_PRESENTED));

    ok!(gl_packet_queued(ledger, 1, 2, 101));
    ok!(gl_enter_packet(ledger, 1, 2));
    ok!(gl_resize_rebuild(
        ledger,
        target,
        GL_TYPE_NATIVE_TARGET,
        GL_OWNER_ROOT_VISUAL,
        window,
        &resized
    ));
    ok!(gl_pool(
        ledger,
        GL_POOL_MISS,
        blur,
        GL_OWNER_EFFECT_PIPELINE,
        0x2000,
        &bytes
    ));
    ok!(gl_create(
        ledger,
        scratch,
        blur,
        GL_OWNER_EFFECT_PIPELINE,
        0x2000,
        &bytes
    ));
    ok!(gl_touched(ledger, 1, 2, scratch));
    ok!(gl_destroy(
        ledger,
        scratch,
        blur,
        GL_OWNER_EFFECT_PIPELINE,
        0x2000,
        null()
    ));
    ok!(gl_pool(
        ledger,
        GL_POOL_RELEASE,
        blur,
        GL_OWNER_EFFECT_PIPELINE,
        0x2000,
        null()
    ));
    ok!(gl_pool(
        ledger,
        GL_POOL_HIT,
        blur,
        GL_OWNER_EFFECT_PIPELINE,
        0x2000,
        null()
    ));
    ok!(gl_pool(
        ledger,
        GL_POOL_EVICT,
        blur,
        GL_OWNER_EFFECT_PIPELINE,
        0x2000,
        null()
    ));
    ok!(gl_leave_packet(ledger));
    ok!(gl_packet_stage(ledger, 1, 2, GL_STAGE_DROPPED));
    ok!(gl_packet_stage(ledger, 1, 3, GL_STAGE_NOOP));
    ok!(gl_packet_stage(ledger, 1, 4, GL_STAGE_FAILED));

    ok!(gl_marker(ledger, c"FirstStableFrame".as_ptr()));
    ok!(gl_shutdown_begins(ledger));
    ok!(gl_unbind(
        ledger,
        target,
        GL_TYPE_NATIVE_TARGET,
        tree,
        7,
        null()
    ));
    ok!(gl_destroy(
        ledger,
        target,
        GL_TYPE_NATIVE_TARGET,
        GL_OWNER_ROOT_VISUAL,
        window,
        null()
    ));
    ok!(gl_destroy(
        ledger,
        queue,
        GL_TYPE_COMMAND_QUEUE,
        GL_OWNER_ROOT_VISUAL,
        window,
        null()
    ));
    ok!(gl_flush(ledger));
}

/// What `record_everything` must leave in the trace.
fn everything() -> Vec<String> {
    [
        "packet 1/1 queued command 100",
        "create CommandQueue #1 RootVisual:0x1400 in 1/1",
        "create NativeTarget #2 RootVisual:0x1400 800x600@2 in 1/1",
        "bind NativeTarget #2 LayerTree:0x7 in 1/1",
        "touched #2 in 1/1",
        "packet 1/1 submitted",
        "packet 1/1 completed",
        "packet 1/1 presented",
        "packet 1/2 queued command 101",
        "resizerebuild NativeTarget #2 RootVisual:0x1400 1024x768@2 in 1/2",
        "pool-miss BlurScratch EffectPipeline:0x2000 4096x0@0",
        "create BlurScratch #3 EffectPipeline:0x2000 4096x0@0 in 1/2",
        "touched #3 in 1/2",
        "destroy BlurScratch #3 EffectPipeline:0x2000 in 1/2",
        "pool-release BlurScratch EffectPipeline:0x2000",
        "pool-hit BlurScratch EffectPipeline:0x2000",
        "pool-evict BlurScratch EffectPipeline:0x2000",
        "packet 1/2 dropped",
        "packet 1/3 noop",
        "packet 1/4 failed",
        "marker FirstStableFrame",
        "marker ShutdownBegins",
        "unbind NativeTarget #2 LayerTree:0x7",
        "destroy NativeTarget #2 RootVisual:0x1400",
        "destroy CommandQueue #1 RootVisual:0x1400",
    ]
    .map(str::to_owned)
    .to_vec()
}

#[test]
fn every_call_lands_in_the_binary_trace_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("everything.gltrace");
    let ledger = start(&path, "capi-recording");
    record_everything(ledger);
    let stats = finish(ledger);
    assert_eq!(
        GlFinishStats {
            events: 26,
            lost: 0
        },
        stats
    );

    let collected = read_trace(&path);
    assert_eq!(everything(), describe(&collected));
    assert_eq!("capi-recording", collected.info.source);
    assert!(
        collected
            .events
            .iter()
            .all(|e| e.thread == collected.events[0].thread),
        "one recording thread"
    );
    assert!(
        collected
            .events
            .windows(2)
            .all(|w| w[0].time_ns <= w[1].time_ns),
        "time never goes back on one thread"
    );
}

#[test]
fn a_jsonl_path_writes_the_same_stream_as_json_lines() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("everything.jsonl");
    let ledger = start(&path, "capi-recording");
    record_everything(ledger);
    finish(ledger);

    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.starts_with("{\"type\":\"header\",\"format\":\"gpu-ledger-trace\""),
        "a JSON Lines trace: {text:.200}"
    );
    assert_eq!(everything(), describe(&read_trace(&path)));
}

#[test]
fn nested_packet_scopes_restore_the_outer_packet() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested.gltrace");
    let ledger = start(&path, "capi-recording");
    let t = GL_TYPE_TEXTURE;
    let o = GL_OWNER_TRANSIENT;
    ok!(gl_create(ledger, 1, t, o, 0, null()));
    ok!(gl_enter_packet(ledger, 1, 10));
    ok!(gl_create(ledger, 2, t, o, 0, null()));
    ok!(gl_enter_packet(ledger, 2, 20));
    ok!(gl_create(ledger, 3, t, o, 0, null()));
    assert_eq!(
        Some(gpu_ledger::PacketRef::new(2, 20)),
        gpu_ledger::current_packet()
    );
    ok!(gl_leave_packet(ledger));
    ok!(gl_create(ledger, 4, t, o, 0, null()));
    ok!(gl_leave_packet(ledger));
    ok!(gl_create(ledger, 5, t, o, 0, null()));
    assert_eq!(None, gpu_ledger::current_packet());
    finish(ledger);

    assert_eq!(
        vec![
            "create Texture #1 Transient:0x0",
            "create Texture #2 Transient:0x0 in 1/10",
            "create Texture #3 Transient:0x0 in 2/20",
            "create Texture #4 Transient:0x0 in 1/10",
            "create Texture #5 Transient:0x0",
        ],
        describe(&read_trace(&path))
    );
}

/// A `GlLedger*` that threads may share, as the C API allows.
#[derive(Clone, Copy)]
struct Shared(*mut GlLedger);
// SAFETY: every gl_* call but gl_ledger_free is thread-safe on a live handle,
// and the handle outlives the threads.
unsafe impl Send for Shared {}

#[test]
fn threads_share_one_handle_and_keep_their_own_order_and_packets() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("threads.gltrace");
    let ledger = Shared(start(&path, "capi-recording"));
    let threads: Vec<_> = (1..=2u64)
        .map(|lane| {
            std::thread::spawn(move || {
                let ledger = ledger;
                for packet in 1..=50 {
                    let mut id = 0;
                    ok!(gl_enter_packet(ledger.0, lane, packet));
                    ok!(gl_next_resource_id(ledger.0, &mut id));
                    ok!(gl_create(
                        ledger.0,
                        id,
                        GL_TYPE_COMMAND_BUFFER,
                        GL_OWNER_TRANSIENT,
                        lane,
                        null()
                    ));
                    ok!(gl_destroy(
                        ledger.0,
                        id,
                        GL_TYPE_COMMAND_BUFFER,
                        GL_OWNER_TRANSIENT,
                        lane,
                        null()
                    ));
                    ok!(gl_leave_packet(ledger.0));
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().expect("a recording thread panicked");
    }
    let stats = finish(ledger.0);
    assert_eq!(
        GlFinishStats {
            events: 201,
            lost: 0
        },
        stats
    );

    let collected = read_trace(&path);
    for lane in 1..=2u64 {
        let mine: Vec<_> = collected
            .events
            .iter()
            .filter_map(|e| match e.kind {
                gpu_ledger::EventKind::Resource {
                    action,
                    resource,
                    packet: Some(p),
                    ..
                } if resource.owner.key == lane => {
                    assert_eq!(lane, p.lane.0, "events carry their own thread's packet");
                    Some((p.packet.0, action))
                }
                _ => None,
            })
            .collect();
        let expected: Vec<_> = (1..=50)
            .flat_map(|p| {
                [
                    (p, gpu_ledger::ResourceAction::Create),
                    (p, gpu_ledger::ResourceAction::Destroy),
                ]
            })
            .collect();
        assert_eq!(expected, mine, "lane {lane} in its thread's order");
    }
}

#[test]
fn finish_racing_a_recording_thread_stops_it_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("race.gltrace");
    let ledger = Shared(start(&path, "capi-recording"));
    let (started_tx, started) = std::sync::mpsc::channel();
    let recorder = std::thread::spawn(move || {
        let ledger = ledger;
        let mut recorded = 0u64;
        for id in 1u64.. {
            // SAFETY: the handle stays live until after this thread is joined.
            let status = unsafe {
                gl_create(
                    ledger.0,
                    id,
                    GL_TYPE_COMMAND_BUFFER,
                    GL_OWNER_TRANSIENT,
                    1,
                    null(),
                )
            };
            match status {
                GL_OK => recorded += 1,
                GL_ERR_FINISHED => return recorded,
                other => panic!("unexpected status {other}: {}", last_error()),
            }
            if id == 100 {
                started_tx.send(()).unwrap();
            }
            if id % 64 == 0 {
                std::thread::yield_now();
            }
        }
        unreachable!("the loop ends at GL_ERR_FINISHED")
    });
    started.recv().unwrap();
    let mut stats = GlFinishStats::default();
    // SAFETY: finishing races the recorder, which the API allows.
    assert_eq!(GL_OK, unsafe { gl_ledger_finish(ledger.0, &mut stats) });
    let recorded = recorder.join().expect("the recorder panicked");
    // SAFETY: the only other user has been joined.
    assert_eq!(GL_OK, unsafe { gl_ledger_free(ledger.0) });

    let collected = read_trace(&path);
    let in_trace = collected.events.len() as u64;
    assert_eq!(
        stats.events,
        in_trace + 1,
        "the stats count what reached the trace, and the clean end `read_trace` leaves out"
    );
    assert!(
        in_trace >= 100,
        "events before the finish are kept: {in_trace}"
    );
    // A call overlapping the finish may return GL_OK and still be dropped.
    assert!(
        in_trace <= recorded,
        "{in_trace} in the trace, {recorded} accepted"
    );
}

#[test]
fn declared_release_models_reach_the_trace_header() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("models.gltrace");
    let c_path = c(path.to_str().unwrap());
    let staging = c("StagingBuffer");
    let entries = [GlTypeRelease {
        type_name: staging.as_ptr(),
        model: GL_RELEASE_IMMEDIATE,
    }];
    let mut config = std::mem::MaybeUninit::<GlConfig>::uninit();
    // SAFETY: `config` is valid for a write, then initialised by gl_config_default.
    let mut config = unsafe {
        assert_eq!(GL_OK, gl_config_default(config.as_mut_ptr()));
        config.assume_init()
    };
    assert_eq!(config.release_model, GL_RELEASE_NOT_DECLARED);
    config.path = c_path.as_ptr();
    config.release_model = GL_RELEASE_DEFERRED;
    config.release_by_type = entries.as_ptr();
    config.release_by_type_count = 1;
    let mut ledger = std::ptr::null_mut();
    // SAFETY: `config`, its strings and `ledger` are valid for the call.
    assert_eq!(GL_OK, unsafe { gl_ledger_start(&config, &mut ledger) });
    finish(ledger);
    let collected = read_trace(&path);
    let mut expected = gpu_ledger::ReleaseModels::uniform(gpu_ledger::ReleaseModel::Deferred);
    expected
        .by_type
        .insert("StagingBuffer".into(), gpu_ledger::ReleaseModel::Immediate);
    assert_eq!(collected.info.release, expected);
}

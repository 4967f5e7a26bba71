//! A bad C call returns an error code and leaves a message naming the problem.

use std::ptr::{null, null_mut};

use gpu_ledger_capi::*;

use crate::util::{NULL_STR, c, c_bytes, finish, last_error, start};

/// Every call that takes a ledger, with a NULL ledger, and its name.
fn calls_with_null_ledger() -> Vec<(&'static str, GlStatus)> {
    let name = c("BlurScratch");
    let mut id = 0u64;
    let mut code = 0u32;
    let mut on = false;
    let ledger = null();
    // SAFETY: a NULL ledger is allowed by every function; the other pointers are
    // valid or NULL.
    unsafe {
        vec![
            (
                "gl_ledger_is_recording",
                gl_ledger_is_recording(ledger, &mut on),
            ),
            ("gl_flush", gl_flush(ledger)),
            ("gl_ledger_finish", gl_ledger_finish(null_mut(), null_mut())),
            ("gl_next_resource_id", gl_next_resource_id(ledger, &mut id)),
            (
                "gl_resource_type",
                gl_resource_type(ledger, name.as_ptr(), &mut code),
            ),
            (
                "gl_owner_kind",
                gl_owner_kind(ledger, name.as_ptr(), &mut code),
            ),
            ("gl_enter_packet", gl_enter_packet(ledger, 1, 1)),
            ("gl_leave_packet", gl_leave_packet(ledger)),
            (
                "gl_create",
                gl_create(ledger, 1, GL_TYPE_TEXTURE, GL_OWNER_TRANSIENT, 0, null()),
            ),
            (
                "gl_destroy",
                gl_destroy(ledger, 1, GL_TYPE_TEXTURE, GL_OWNER_TRANSIENT, 0, null()),
            ),
            (
                "gl_resize_rebuild",
                gl_resize_rebuild(ledger, 1, GL_TYPE_TEXTURE, GL_OWNER_TRANSIENT, 0, null()),
            ),
            (
                "gl_bind",
                gl_bind(ledger, 1, GL_TYPE_TEXTURE, GL_OWNER_TRANSIENT, 0, null()),
            ),
            (
                "gl_unbind",
                gl_unbind(ledger, 1, GL_TYPE_TEXTURE, GL_OWNER_TRANSIENT, 0, null()),
            ),
            (
                "gl_pool",
                gl_pool(
                    ledger,
                    GL_POOL_HIT,
                    GL_TYPE_TEXTURE,
                    GL_OWNER_TRANSIENT,
                    0,
                    null(),
                ),
            ),
            ("gl_packet_queued", gl_packet_queued(ledger, 1, 1, 7)),
            (
                "gl_packet_stage",
                gl_packet_stage(ledger, 1, 1, GL_STAGE_PRESENTED),
            ),
            ("gl_touched", gl_touched(ledger, 1, 1, 1)),
            ("gl_touch", gl_touch(ledger, 1)),
            ("gl_shutdown_begins", gl_shutdown_begins(ledger)),
            ("gl_marker", gl_marker(ledger, name.as_ptr())),
        ]
    }
}

#[test]
fn null_ledger_is_gl_err_null_pointer_for_every_call() {
    let names: Vec<_> = calls_with_null_ledger()
        .into_iter()
        .map(|(func, status)| {
            assert_eq!(GL_ERR_NULL_POINTER, status, "{func} with a NULL ledger");
            func
        })
        .collect();
    assert_eq!(20, names.len());
    // The message names the last failing function.
    assert_eq!("gl_marker: ledger is NULL", last_error());
}

#[test]
fn null_outputs_and_names_are_gl_err_null_pointer() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = start(&dir.path().join("t.gltrace"), "errors");
    let name = c("Texture");
    // SAFETY: `ledger` is live; NULL outputs and names are allowed (and refused).
    unsafe {
        assert_eq!(GL_ERR_NULL_POINTER, gl_next_resource_id(ledger, null_mut()));
        assert_eq!("gl_next_resource_id: out is NULL", last_error());
        assert_eq!(
            GL_ERR_NULL_POINTER,
            gl_resource_type(ledger, name.as_ptr(), null_mut())
        );
        assert_eq!("gl_resource_type: out is NULL", last_error());
        assert_eq!(GL_ERR_NULL_POINTER, gl_owner_kind(ledger, NULL_STR, &mut 0));
        assert_eq!("gl_owner_kind: name is NULL", last_error());
        assert_eq!(GL_ERR_NULL_POINTER, gl_marker(ledger, NULL_STR));
        assert_eq!("gl_marker: name is NULL", last_error());
        assert_eq!(
            GL_ERR_NULL_POINTER,
            gl_ledger_is_recording(ledger, null_mut())
        );
        assert_eq!("gl_ledger_is_recording: out is NULL", last_error());
        assert_eq!(GL_ERR_NULL_POINTER, gl_config_default(null_mut()));
        assert_eq!("gl_config_default: out is NULL", last_error());
        assert_eq!(GL_ERR_NULL_POINTER, gl_ledger_disabled(null_mut()));
        assert_eq!(
            GL_ERR_NULL_POINTER,
            gl_ledger_from_env(NULL_STR, null_mut())
        );
        assert_eq!("gl_ledger_from_env: out is NULL", last_error());
    }
    finish(ledger);
}

#[test]
fn null_config_or_path_is_gl_err_null_pointer_and_clears_out() {
    let mut ledger = std::ptr::dangling_mut::<GlLedger>();
    // SAFETY: NULL config is allowed; `ledger` is valid for the write.
    unsafe {
        assert_eq!(GL_ERR_NULL_POINTER, gl_ledger_start(null(), &mut ledger));
        assert_eq!("gl_ledger_start: config is NULL", last_error());
        assert!(ledger.is_null(), "out is set to NULL on failure");

        let mut config = GlConfig {
            path: NULL_STR,
            source: NULL_STR,
            thread_capacity: 0,
            drain_interval_us: 0,
            release_model: GL_RELEASE_NOT_DECLARED,
            release_by_type: null(),
            release_by_type_count: 0,
            assert_mode: GL_ASSERT_WARN,
        };
        assert_eq!(GL_ERR_NULL_POINTER, gl_ledger_start(&config, &mut ledger));
        assert_eq!("gl_ledger_start: config->path is NULL", last_error());
        config.path = c"unused.gltrace".as_ptr();
        assert_eq!(GL_ERR_NULL_POINTER, gl_ledger_start(&config, null_mut()));
        assert_eq!("gl_ledger_start: out is NULL", last_error());
        // Freeing NULL is a no-op, like free(NULL).
        assert_eq!(GL_OK, gl_ledger_free(null_mut()));
    }
}

#[test]
fn invalid_utf8_names_are_gl_err_invalid_utf8() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.gltrace");
    let ledger = start(&path, "errors");
    let bad = c_bytes(b"Blur\xffScratch");
    let mut code = 12345u32;
    // SAFETY: `ledger` is live, the strings NUL-terminated, `code` valid.
    unsafe {
        assert_eq!(
            GL_ERR_INVALID_UTF8,
            gl_resource_type(ledger, bad.as_ptr(), &mut code)
        );
        assert_eq!(
            "gl_resource_type: name is not valid UTF-8 (bad byte at offset 4: Blur\u{fffd}Scratch)",
            last_error()
        );
        assert_eq!(12345, code, "out is untouched on failure");
        assert_eq!(
            GL_ERR_INVALID_UTF8,
            gl_owner_kind(ledger, bad.as_ptr(), &mut code)
        );
        assert_eq!(GL_ERR_INVALID_UTF8, gl_marker(ledger, bad.as_ptr()));
        assert_eq!(
            "gl_marker: name is not valid UTF-8 (bad byte at offset 4: Blur\u{fffd}Scratch)",
            last_error()
        );
        assert_eq!(
            GL_ERR_INVALID_ARGUMENT,
            gl_resource_type(ledger, c"".as_ptr(), &mut code)
        );
        assert_eq!("gl_resource_type: name is empty", last_error());
    }
    assert_eq!(
        1,
        finish(ledger).events,
        "nothing was recorded but the clean end"
    );
}

#[test]
fn unknown_codes_stages_and_zero_ids_are_gl_err_invalid_argument() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = start(&dir.path().join("t.gltrace"), "errors");
    // SAFETY: `ledger` is live.
    unsafe {
        assert_eq!(GL_ERR_INVALID_ARGUMENT, gl_packet_stage(ledger, 1, 1, 0));
        assert_eq!(
            "gl_packet_stage: unknown stage 0: use a GL_STAGE_* constant",
            last_error()
        );
        assert_eq!(GL_ERR_INVALID_ARGUMENT, gl_packet_stage(ledger, 1, 1, 7));
        assert_eq!(
            "gl_packet_stage: unknown stage 7: use a GL_STAGE_* constant",
            last_error()
        );
        assert_eq!(
            GL_ERR_INVALID_ARGUMENT,
            gl_pool(ledger, 0, GL_TYPE_TEXTURE, GL_OWNER_TRANSIENT, 0, null())
        );
        assert_eq!(
            "gl_pool: unknown pool action 0: use a GL_POOL_* constant",
            last_error()
        );
        assert_eq!(
            GL_ERR_INVALID_ARGUMENT,
            gl_create(ledger, 1, 8, GL_OWNER_TRANSIENT, 0, null())
        );
        assert_eq!(
            "gl_create: unknown resource type code 8: use a GL_* constant or a code from gl_resource_type",
            last_error()
        );
        assert_eq!(
            GL_ERR_INVALID_ARGUMENT,
            gl_bind(ledger, 1, GL_TYPE_TEXTURE, 5, 0, null())
        );
        assert_eq!(
            "gl_bind: unknown owner kind code 5: use a GL_* constant or a code from gl_owner_kind",
            last_error()
        );
        assert_eq!(
            GL_ERR_INVALID_ARGUMENT,
            gl_destroy(ledger, 0, GL_TYPE_TEXTURE, GL_OWNER_TRANSIENT, 0, null())
        );
        assert_eq!(
            "gl_destroy: resource id 0 is not an id: take ids from gl_next_resource_id",
            last_error()
        );
        assert_eq!(GL_ERR_INVALID_ARGUMENT, gl_touched(ledger, 1, 1, 0));
        assert_eq!(GL_ERR_INVALID_ARGUMENT, gl_marker(ledger, c"".as_ptr()));
        assert_eq!("gl_marker: name is empty", last_error());
    }
    assert_eq!(
        1,
        finish(ledger).events,
        "no rejected call was recorded, only the clean end"
    );
}

#[test]
fn unbalanced_packet_scopes_are_gl_err_invalid_argument() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = start(&dir.path().join("t.gltrace"), "errors");
    // SAFETY: `ledger` is live.
    unsafe {
        assert_eq!(GL_ERR_INVALID_ARGUMENT, gl_leave_packet(ledger));
        assert_eq!(
            "gl_leave_packet: no packet to leave on this thread: gl_enter_packet was not called",
            last_error()
        );
        for packet in 1..=u64::from(GL_MAX_PACKET_DEPTH) {
            assert_eq!(GL_OK, gl_enter_packet(ledger, 1, packet), "depth {packet}");
        }
        assert_eq!(GL_ERR_INVALID_ARGUMENT, gl_enter_packet(ledger, 1, 99));
        assert_eq!(
            "gl_enter_packet: packet scopes nest deeper than 16 on this thread \
             (entering lane 1 packet 99): is a gl_leave_packet missing?",
            last_error()
        );
        for depth in (1..=GL_MAX_PACKET_DEPTH).rev() {
            assert_eq!(GL_OK, gl_leave_packet(ledger), "depth {depth}");
        }
        assert_eq!(GL_ERR_INVALID_ARGUMENT, gl_leave_packet(ledger));
    }
    assert_eq!(None, gpu_ledger::current_packet(), "every scope was left");
    finish(ledger);
}

#[test]
fn unwritable_trace_path_is_gl_err_io_naming_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("missing").join("run.gltrace");
    let c_path = c(path.to_str().unwrap());
    let mut config = GlConfig {
        path: c_path.as_ptr(),
        source: NULL_STR,
        thread_capacity: 0,
        drain_interval_us: 0,
        release_model: GL_RELEASE_NOT_DECLARED,
        release_by_type: null(),
        release_by_type_count: 0,
        assert_mode: GL_ASSERT_WARN,
    };
    let mut ledger = std::ptr::dangling_mut::<GlLedger>();
    // SAFETY: `config` and `ledger` are valid.
    let status = unsafe { gl_ledger_start(&config, &mut ledger) };
    assert_eq!(GL_ERR_IO, status);
    assert!(ledger.is_null(), "out is set to NULL on failure");
    assert_eq!(
        format!(
            "gl_ledger_start: cannot create trace file {:?}: No such file or directory (os error 2)",
            path.display().to_string()
        ),
        last_error()
    );
    // A directory is not a file either.
    let dir_path = c(dir.path().to_str().unwrap());
    config.path = dir_path.as_ptr();
    // SAFETY: as above.
    assert_eq!(GL_ERR_IO, unsafe { gl_ledger_start(&config, &mut ledger) });
    assert_eq!(
        format!(
            "gl_ledger_start: cannot create trace file {:?}: Is a directory (os error 21)",
            dir.path().display().to_string()
        ),
        last_error()
    );
}

#[test]
fn calls_after_finish_are_gl_err_finished() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.gltrace");
    let ledger = start(&path, "errors");
    let mut stats = GlFinishStats {
        events: 99,
        lost: 99,
    };
    let mut id = 0;
    let mut on = true;
    // SAFETY: `ledger` is live until gl_ledger_free, and used by this thread only.
    unsafe {
        assert_eq!(GL_OK, gl_next_resource_id(ledger, &mut id));
        assert_eq!(GL_OK, gl_enter_packet(ledger, 1, 1));
        assert_eq!(
            GL_OK,
            gl_create(ledger, id, GL_TYPE_TEXTURE, GL_OWNER_TRANSIENT, 0, null())
        );
        assert_eq!(GL_OK, gl_ledger_finish(ledger, &mut stats));
        assert_eq!(GlFinishStats { events: 2, lost: 0 }, stats);

        assert_eq!(
            GL_ERR_FINISHED,
            gl_destroy(ledger, id, GL_TYPE_TEXTURE, GL_OWNER_TRANSIENT, 0, null())
        );
        assert_eq!(
            "gl_destroy: the ledger is finished (gl_ledger_finish was called): nothing is recorded",
            last_error()
        );
        assert_eq!(
            GL_ERR_FINISHED,
            gl_packet_stage(ledger, 1, 1, GL_STAGE_PRESENTED)
        );
        assert_eq!(GL_ERR_FINISHED, gl_next_resource_id(ledger, &mut id));
        assert_eq!(
            GL_ERR_FINISHED,
            gl_resource_type(ledger, c"Blur".as_ptr(), &mut 0)
        );
        assert_eq!(GL_ERR_FINISHED, gl_marker(ledger, c"Late".as_ptr()));
        assert_eq!(GL_ERR_FINISHED, gl_flush(ledger));
        assert_eq!(GL_ERR_FINISHED, gl_enter_packet(ledger, 1, 2));
        // The packet entered before the finish can still be left, once.
        assert_eq!(GL_OK, gl_leave_packet(ledger));
        assert_eq!(GL_ERR_FINISHED, gl_leave_packet(ledger));
        assert_eq!(GL_OK, gl_ledger_is_recording(ledger, &mut on));
        assert!(!on);
        assert_eq!(GL_ERR_FINISHED, gl_ledger_finish(ledger, &mut stats));
        assert_eq!(
            "gl_ledger_finish: the ledger is finished (gl_ledger_finish was called): nothing is recorded",
            last_error()
        );
        assert_eq!(GL_OK, gl_ledger_free(ledger));
    }
    let collected = crate::util::read_trace(&path);
    assert_eq!(
        vec!["create Texture #1 Transient:0x0 in 1/1".to_owned()],
        crate::util::describe(&collected)
    );
}

#[test]
fn disabled_ledger_accepts_every_call_and_records_nothing() {
    let mut ledger = null_mut();
    let mut ids = [0u64; 2];
    let mut code = 0u32;
    let mut on = true;
    // SAFETY: `ledger` is written by gl_ledger_disabled, then live until freed.
    unsafe {
        assert_eq!(GL_OK, gl_ledger_disabled(&mut ledger));
        assert_eq!(GL_OK, gl_ledger_is_recording(ledger, &mut on));
        assert!(!on);
        // Ids and codes still work, so instrumented code behaves the same.
        assert_eq!(GL_OK, gl_next_resource_id(ledger, &mut ids[0]));
        assert_eq!(GL_OK, gl_next_resource_id(ledger, &mut ids[1]));
        assert_eq!([1, 2], ids);
        assert_eq!(
            GL_OK,
            gl_resource_type(ledger, c"BlurScratch".as_ptr(), &mut code)
        );
        assert_eq!(GL_FIRST_NAME_CODE, code);
        assert_eq!(
            GL_OK,
            gl_resource_type(ledger, c"CommandQueue".as_ptr(), &mut code)
        );
        assert_eq!(GL_TYPE_COMMAND_QUEUE, code);
        // Recording calls return at the switch, before any argument is checked.
        assert_eq!(GL_OK, gl_create(ledger, 0, 999, 999, 0, null()));
        assert_eq!(GL_OK, gl_packet_stage(ledger, 1, 1, 0));
        assert_eq!(GL_OK, gl_enter_packet(ledger, 1, 1));
        assert_eq!(
            None,
            gpu_ledger::current_packet(),
            "a disabled ledger enters nothing"
        );
        assert_eq!(GL_OK, gl_leave_packet(ledger));
        assert_eq!(GL_OK, gl_leave_packet(ledger));
        assert_eq!(GL_OK, gl_marker(ledger, NULL_STR));
        assert_eq!(GL_OK, gl_flush(ledger));
        let mut stats = GlFinishStats { events: 9, lost: 9 };
        assert_eq!(GL_OK, gl_ledger_finish(ledger, &mut stats));
        assert_eq!(GlFinishStats::default(), stats);
        assert_eq!(
            GL_ERR_FINISHED,
            gl_create(ledger, 1, GL_TYPE_TEXTURE, GL_OWNER_TRANSIENT, 0, null())
        );
        assert_eq!(GL_OK, gl_ledger_free(ledger));
    }
}

#[test]
fn free_without_finish_still_writes_the_trace() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.gltrace");
    let ledger = start(&path, "errors");
    // SAFETY: `ledger` is live, then freed once.
    unsafe {
        assert_eq!(GL_OK, gl_shutdown_begins(ledger));
        assert_eq!(GL_OK, gl_ledger_free(ledger));
    }
    let collected = crate::util::read_trace(&path);
    assert_eq!(
        vec!["marker ShutdownBegins".to_owned()],
        crate::util::describe(&collected)
    );
    assert_eq!("errors", collected.info.source);
}

#[test]
fn unknown_release_models_are_gl_err_invalid_argument_and_start_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let c_path = c(dir.path().join("t.gltrace").to_str().unwrap());
    let texture = c("Texture");
    let entries = [GlTypeRelease {
        type_name: texture.as_ptr(),
        model: 7,
    }];
    let mut config = std::mem::MaybeUninit::<GlConfig>::uninit();
    // SAFETY: `config` is valid for a write, then initialised by gl_config_default.
    let mut config = unsafe {
        assert_eq!(GL_OK, gl_config_default(config.as_mut_ptr()));
        config.assume_init()
    };
    config.path = c_path.as_ptr();
    config.release_model = 3;
    let mut ledger = std::ptr::dangling_mut::<GlLedger>();
    // SAFETY: `config`, its strings and `ledger` are valid for the calls.
    unsafe {
        assert_eq!(
            GL_ERR_INVALID_ARGUMENT,
            gl_ledger_start(&config, &mut ledger)
        );
        assert_eq!(
            "gl_ledger_start: config->release_model 3 is not a release model: use \
             GL_RELEASE_IMMEDIATE (1) or GL_RELEASE_DEFERRED (2)",
            last_error()
        );
        config.release_model = GL_RELEASE_DEFERRED;
        config.release_by_type_count = 1;
        assert_eq!(GL_ERR_NULL_POINTER, gl_ledger_start(&config, &mut ledger));
        assert_eq!(
            "gl_ledger_start: config->release_by_type is NULL",
            last_error()
        );
        config.release_by_type = entries.as_ptr();
        assert_eq!(
            GL_ERR_INVALID_ARGUMENT,
            gl_ledger_start(&config, &mut ledger)
        );
        assert_eq!(
            "gl_ledger_start: the release model of \"Texture\" 7 is not a release model: use \
             GL_RELEASE_IMMEDIATE (1) or GL_RELEASE_DEFERRED (2)",
            last_error()
        );
    }
    assert!(ledger.is_null(), "out is set to NULL on failure");
}

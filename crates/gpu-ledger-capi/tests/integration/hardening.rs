//! Issue 9: the C library never aborts its host, refuses codes it never
//! handed out, keeps every name it interned, and interns in constant time.

use std::path::Path;
use std::process::Command;
use std::ptr::{null, null_mut};
use std::sync::mpsc;
use std::time::Duration;

use gpu_ledger_capi::*;

use crate::util::{build_dir, c, describe, finish, last_error, lib_dir, read_trace, run_ok, start};

/// `gl_ledger_start` with `edit` applied to a default config writing into `dir`.
fn start_with(dir: &Path, edit: impl FnOnce(&mut GlConfig)) -> (GlStatus, *mut GlLedger) {
    let path = c(dir.join("t.gltrace").to_str().expect("UTF-8 temp path"));
    let mut config = std::mem::MaybeUninit::<GlConfig>::uninit();
    // SAFETY: `config` is valid for a write of GlConfig.
    assert_eq!(GL_OK, unsafe { gl_config_default(config.as_mut_ptr()) });
    // SAFETY: gl_config_default initialised it.
    let mut config = unsafe { config.assume_init() };
    config.path = path.as_ptr();
    edit(&mut config);
    // Not NULL, so the test sees that a refusal writes NULL.
    let mut ledger = std::ptr::dangling_mut::<GlLedger>();
    // SAFETY: `config` and its strings are valid for the call, `ledger` for the write.
    let status = unsafe { gl_ledger_start(&config, &mut ledger) };
    (status, ledger)
}

/// Issue 9: `thread_capacity = UINT32_MAX` was accepted, and the first
/// recording call aborted the host allocating 378 GB.
#[test]
fn sizes_beyond_their_bounds_are_refused_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let (status, ledger) = start_with(dir.path(), |c| c.thread_capacity = u32::MAX);
    assert_eq!(GL_ERR_INVALID_ARGUMENT, status);
    assert!(ledger.is_null());
    assert_eq!(
        "gl_ledger_start: config->thread_capacity 4294967295 is beyond the limit of 1048576 \
         events per thread (0 takes the default, 16384)",
        last_error()
    );
    let (status, _) = start_with(dir.path(), |c| {
        c.thread_capacity = GL_MAX_THREAD_CAPACITY + 1
    });
    assert_eq!(GL_ERR_INVALID_ARGUMENT, status);
    let (status, _) = start_with(dir.path(), |c| c.drain_interval_us = u32::MAX);
    assert_eq!(GL_ERR_INVALID_ARGUMENT, status);
    assert_eq!(
        "gl_ledger_start: config->drain_interval_us 4294967295 is beyond the limit of 10000000 \
         (10 s; 0 takes the default, 2000)",
        last_error()
    );
    let long = c(&"s".repeat(4097));
    let (status, _) = start_with(dir.path(), |c| c.source = long.as_ptr());
    assert_eq!(GL_ERR_INVALID_ARGUMENT, status);
    assert_eq!(
        "gl_ledger_start: config->source is 4097 bytes long, beyond the 4096 bytes a trace \
         header holds",
        last_error()
    );
    // The bounds themselves are fine, and recording at them works.
    let (status, ledger) = start_with(dir.path(), |c| {
        c.thread_capacity = GL_MAX_THREAD_CAPACITY;
        c.drain_interval_us = GL_MAX_DRAIN_INTERVAL_US;
    });
    assert_eq!(GL_OK, status, "{}", last_error());
    // SAFETY: `ledger` is live.
    let created = unsafe { gl_create(ledger, 1, GL_TYPE_TEXTURE, GL_OWNER_ROOT_VISUAL, 1, null()) };
    assert_eq!(GL_OK, created);
    assert_eq!(2, finish(ledger).events, "the create and the clean end");
}

/// The tester's reproducer, compiled and run as C: it prints the refusal and
/// exits normally instead of aborting.
#[test]
fn the_thread_capacity_reproducer_gets_an_error_instead_of_an_abort() {
    let exe = build_dir().join("capi-thread-capacity-max");
    let source =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/capi_thread_capacity_max_aborts.c");
    run_ok(
        Command::new("cc")
            .args(["-std=c99", "-I"])
            .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("include"))
            .arg(&source)
            .arg(lib_dir().join("libgpu_ledger_capi.a"))
            .args(["-lpthread", "-ldl", "-lm", "-o"])
            .arg(&exe),
    );
    let dir = tempfile::tempdir().unwrap();
    let output = run_ok(Command::new(&exe).current_dir(dir.path()));
    assert_eq!(
        "start=GL_ERR_INVALID_ARGUMENT\ncreate=GL_ERR_NULL_POINTER\n",
        String::from_utf8_lossy(&output.stdout)
    );
}

/// Issue 9: `gl_create` accepted type codes that were never interned (564,
/// `UINT32_MAX`) with `GL_OK`, although the header says they are rejected.
#[test]
fn codes_this_ledger_never_handed_out_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.gltrace");
    let ledger = start(&path, "codes");
    let (mut blur, mut effect) = (0u32, 0u32);
    // SAFETY: `ledger` is live; the names and out-pointers are valid.
    unsafe {
        assert_eq!(
            GL_OK,
            gl_resource_type(ledger, c"BlurScratch".as_ptr(), &mut blur)
        );
        assert_eq!(
            GL_OK,
            gl_owner_kind(ledger, c"Effect".as_ptr(), &mut effect)
        );
        assert_eq!((blur, effect), (GL_FIRST_NAME_CODE, GL_FIRST_NAME_CODE + 1));
        for code in [564, u32::MAX, GL_FIRST_NAME_CODE + 2, effect] {
            assert_eq!(
                GL_ERR_INVALID_ARGUMENT,
                gl_create(ledger, 1, code, GL_OWNER_ROOT_VISUAL, 1, null()),
                "type code {code}"
            );
            assert_eq!(
                format!(
                    "gl_create: unknown resource type code {code}: use a GL_* constant or a code \
                     from gl_resource_type"
                ),
                last_error()
            );
            assert_eq!(
                GL_ERR_INVALID_ARGUMENT,
                gl_pool(ledger, GL_POOL_HIT, code, GL_OWNER_TRANSIENT, 1, null())
            );
        }
        assert_eq!(
            GL_ERR_INVALID_ARGUMENT,
            gl_destroy(ledger, 1, GL_TYPE_TEXTURE, blur, 1, null()),
            "a type code is no owner kind code"
        );
        assert_eq!(GL_OK, gl_create(ledger, 7, blur, effect, 1, null()));
    }
    finish(ledger);
    assert_eq!(
        vec!["create BlurScratch #7 Effect:0x1"],
        describe(&read_trace(&path))
    );
}

/// Issue 9: names past index 65,535 lost their text in the trace; and
/// interning was a linear search (66k `gl_resource_type` calls took 3.6 s).
#[test]
fn many_interned_names_keep_their_text_and_intern_in_linear_time() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.gltrace");
    let ledger = start(&path, "names") as usize;
    let (done, result) = mpsc::channel();
    std::thread::spawn(move || {
        let ledger = ledger as *mut GlLedger;
        let mut codes = Vec::new();
        for i in 0..200_000 {
            let name = c(&format!("Type{i}"));
            let mut code = 0;
            // SAFETY: `ledger` is live; the name and out-pointer are valid.
            let status = unsafe { gl_resource_type(ledger, name.as_ptr(), &mut code) };
            assert_eq!(GL_OK, status, "{}", last_error());
            codes.push(code);
        }
        let _ = done.send(codes);
    });
    let codes = result
        .recv_timeout(Duration::from_secs(60))
        .expect("200k names interned within a minute: interning is linear");
    let ledger = ledger as *mut GlLedger;
    assert_eq!(codes[199_999], GL_FIRST_NAME_CODE + 199_999);
    // SAFETY: `ledger` is live.
    unsafe {
        assert_eq!(
            GL_OK,
            gl_create(ledger, 1, codes[70_000], GL_OWNER_ROOT_VISUAL, 1, null())
        );
        assert_eq!(
            GL_OK,
            gl_create(ledger, 2, codes[199_999], GL_OWNER_ROOT_VISUAL, 1, null())
        );
    }
    finish(ledger);
    assert_eq!(
        vec![
            "create Type70000 #1 RootVisual:0x1",
            "create Type199999 #2 RootVisual:0x1"
        ],
        describe(&read_trace(&path))
    );
}

/// A name no trace could hold whole is refused, never cut: by the interning
/// calls and by `gl_marker` (while recording).
#[test]
fn names_longer_than_a_trace_holds_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.gltrace");
    let recording = start(&path, "names");
    let long = c(&"m".repeat(65_537));
    // SAFETY: `recording` is live; the name is valid.
    unsafe {
        assert_eq!(GL_ERR_INVALID_ARGUMENT, gl_marker(recording, long.as_ptr()));
        assert_eq!(
            "gl_marker: name is 65537 bytes long, beyond the 65536 bytes a trace name may hold",
            last_error()
        );
        let fits = c(&"m".repeat(65_536));
        assert_eq!(GL_OK, gl_marker(recording, fits.as_ptr()));
    }
    finish(recording);
    assert_eq!(
        vec![format!("marker {}", "m".repeat(65_536))],
        describe(&read_trace(&path))
    );

    let mut ledger = null_mut();
    // SAFETY: a valid out-pointer.
    assert_eq!(GL_OK, unsafe { gl_ledger_disabled(&mut ledger) });
    let long = c(&"n".repeat(65_537));
    let mut code = 0;
    // SAFETY: `ledger` is live; the name and out-pointer are valid.
    unsafe {
        assert_eq!(
            GL_ERR_INVALID_ARGUMENT,
            gl_resource_type(ledger, long.as_ptr(), &mut code)
        );
        assert_eq!(
            "gl_resource_type: name is 65537 bytes long, beyond the 65536 bytes a trace name may hold",
            last_error()
        );
        assert_eq!(
            GL_ERR_INVALID_ARGUMENT,
            gl_owner_kind(ledger, long.as_ptr(), &mut code)
        );
        assert_eq!(GL_OK, gl_ledger_free(ledger));
    }
}

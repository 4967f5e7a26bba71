//! While a C program runs: its destroy-while-the-packet-needs-it bug stops it with
//! `GPU_LEDGER_ASSERT=panic` (a real process, its signal and stderr), warns by
//! default, reaches a log callback, and `gl_dump` writes a dump.

use std::ffi::{CStr, c_char, c_void};
use std::os::unix::process::ExitStatusExt as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, OnceLock};

use gpu_ledger_capi::*;

use crate::util::{build_c, c, crate_dir, dump, finish, last_error, lib_dir, start};

/// The guardrail the example's bug trips.
const CHECK: &str = "destroy-before-submit";

/// `examples-c/assert.c`, compiled once per test run.
fn assert_example() -> &'static Path {
    static EXE: OnceLock<PathBuf> = OnceLock::new();
    EXE.get_or_init(|| build_c(&crate_dir().join("examples-c/assert.c"), "assert-c"))
}

/// The example in `dir` with `GPU_LEDGER_ASSERT=mode` and no other toggle.
fn run_example(dir: &Path, mode: &str) -> (std::process::Output, String) {
    let mut command = Command::new(assert_example());
    command
        .current_dir(dir)
        .env("LD_LIBRARY_PATH", lib_dir())
        .env("GPU_LEDGER_ASSERT", mode);
    for toggle in ["TRACE", "REPORT", "OUT", "DUMP", "DUMP_ON"] {
        command.env_remove(format!("GPU_LEDGER_{toggle}"));
    }
    let output = command.output().expect("the example runs");
    let described = dump(&command, &output);
    (output, described)
}

/// The "done when": the C example with `GPU_LEDGER_ASSERT=panic` stops on
/// its destroy while a packet still needs the texture.
#[test]
fn assert_panic_stops_the_c_program_at_its_destroy_with_the_message() {
    let dir = tempfile::tempdir().unwrap();
    let (output, described) = run_example(dir.path(), "panic");
    assert_eq!(
        output.status.signal(),
        Some(6),
        "stopped by abort (SIGABRT):\n{described}"
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !stdout.contains("finished") && !stdout.contains("frame 200\n"),
        "it stopped while running, not at the end:\n{described}"
    );
    assert!(
        stdout.contains("frame 4\n"),
        "it ran until the bug:\n{described}"
    );
    assert!(
        stderr.contains(&format!(
            "gpu-ledger assertion failed (GPU_LEDGER_ASSERT=panic): {CHECK} (error) at "
        )) && stderr.contains(
            "destroy of resource 1 (EffectPipeline 0x51) before packet 1/5, which used it, was \
             submitted"
        ),
        "the finding's message, resource and packet on stderr:\n{described}"
    );
}

#[test]
fn assert_warn_prints_one_line_on_stderr_and_the_program_finishes() {
    let dir = tempfile::tempdir().unwrap();
    let (output, described) = run_example(dir.path(), "warn");
    assert!(output.status.success(), "{described}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.ends_with("frame 200\nfinished\n"), "{described}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let lines: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with(&format!("gpu-ledger: error: {CHECK} (error) at ")))
        .collect();
    assert_eq!(
        lines.len(),
        1,
        "said once, by the default callback:\n{described}"
    );
}

/// What the test callback heard: (level, code, message).
static HEARD: Mutex<Vec<(i32, String, String)>> = Mutex::new(Vec::new());

unsafe extern "C" fn heard(
    level: i32,
    code: *const c_char,
    message: *const c_char,
    user_data: *mut c_void,
) {
    // SAFETY: the library passes NUL-terminated strings valid during the call.
    let text = |p: *const c_char| unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned();
    assert_eq!(user_data as usize, 42, "the user data comes back");
    HEARD
        .lock()
        .unwrap()
        .push((level, text(code), text(message)));
}

#[test]
fn a_log_callback_hears_the_finding_and_gl_dump_writes_a_dump() {
    let dir = tempfile::tempdir().unwrap();
    // SAFETY: `heard` is callable from any thread; 42 is never dereferenced.
    assert_eq!(GL_OK, unsafe {
        gl_set_log_callback(Some(heard), 42 as *mut c_void)
    });
    let ledger = start(&dir.path().join("run.gltrace"), "live test");
    // SAFETY: `ledger` is a live handle.
    let seq = unsafe {
        let texture = 9;
        assert_eq!(
            GL_OK,
            gl_create(
                ledger,
                texture,
                GL_TYPE_TEXTURE,
                GL_OWNER_EFFECT_PIPELINE,
                0x51,
                std::ptr::null()
            )
        );
        assert_eq!(GL_OK, gl_packet_queued(ledger, 1, 1, 1));
        assert_eq!(GL_OK, gl_touched(ledger, 1, 1, texture));
        assert_eq!(
            GL_OK,
            gl_destroy(
                ledger,
                texture,
                GL_TYPE_TEXTURE,
                GL_OWNER_EFFECT_PIPELINE,
                0x51,
                std::ptr::null()
            )
        );
        // The check fires when the packet that used the texture is submitted.
        assert_eq!(GL_OK, gl_packet_stage(ledger, 1, 1, GL_STAGE_SUBMITTED));
        let path = c(dir.path().join("now.json").to_str().unwrap());
        let mut seq = 0u64;
        // The dump flushes first: the finding is raised by then.
        assert_eq!(
            GL_OK,
            gl_dump(ledger, path.as_ptr(), &mut seq),
            "{}",
            last_error()
        );
        // The five events, and the finding's marker if the drain released it in between.
        assert!((5..=6).contains(&seq), "{seq}");
        assert_eq!(GL_OK, gl_flush(ledger));
        seq
    };
    finish(ledger);
    // SAFETY: NULL restores the default.
    assert_eq!(GL_OK, unsafe {
        gl_set_log_callback(None, std::ptr::null_mut())
    });
    let heard = HEARD.lock().unwrap().clone();
    let finding = heard
        .iter()
        .find(|(_, code, _)| code == CHECK)
        .unwrap_or_else(|| panic!("{heard:?}"));
    assert_eq!(finding.0, GL_LOG_ERROR);
    assert!(
        finding
            .2
            .contains("destroy of resource 9 (EffectPipeline 0x51) before packet 1/1, which used it, was submitted"),
        "{finding:?}"
    );
    let dumped = heard
        .iter()
        .find(|(_, code, _)| code == "dump")
        .unwrap_or_else(|| panic!("{heard:?}"));
    assert_eq!(dumped.0, GL_LOG_INFO);
    assert!(dumped.2.starts_with("dump written to "), "{dumped:?}");
    let dump = gpu_ledger::live::Dump::read(&dir.path().join("now.json"))
        .unwrap()
        .expect("a dump");
    assert_eq!((dump.seq, dump.graph.live), (seq, 0));
    assert_eq!(dump.guardrails_fired[0].id, CHECK);
}

#[test]
fn gl_dump_of_a_disabled_or_finished_ledger_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let path = c(dir.path().join("d.json").to_str().unwrap());
    let mut disabled = std::ptr::null_mut();
    // SAFETY: valid out pointer; the handle is freed below.
    unsafe {
        assert_eq!(GL_OK, gl_ledger_disabled(&mut disabled));
        assert_eq!(
            GL_ERR_INVALID_ARGUMENT,
            gl_dump(disabled, path.as_ptr(), std::ptr::null_mut())
        );
        assert!(
            last_error()
                .starts_with("gl_dump: the ledger is disabled, so there is nothing to dump"),
            "{}",
            last_error()
        );
        assert_eq!(
            GL_ERR_NULL_POINTER,
            gl_dump(disabled, std::ptr::null(), std::ptr::null_mut())
        );
        assert_eq!(GL_OK, gl_ledger_free(disabled));
    }
    let ledger = start(&dir.path().join("run.gltrace"), "live test");
    // SAFETY: a live, then finished, handle.
    unsafe {
        assert_eq!(GL_OK, gl_ledger_finish(ledger, std::ptr::null_mut()));
        assert_eq!(
            GL_ERR_FINISHED,
            gl_dump(ledger, path.as_ptr(), std::ptr::null_mut())
        );
        assert_eq!(GL_OK, gl_ledger_free(ledger));
    }
    assert!(!dir.path().join("d.json").exists());
}

#[test]
fn an_assert_mode_beyond_the_three_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = c(dir.path().join("run.gltrace").to_str().unwrap());
    let mut config = std::mem::MaybeUninit::<GlConfig>::uninit();
    // SAFETY: valid for a write; then initialised.
    let mut config = unsafe {
        assert_eq!(GL_OK, gl_config_default(config.as_mut_ptr()));
        config.assume_init()
    };
    assert_eq!(config.assert_mode, GL_ASSERT_WARN);
    config.path = path.as_ptr();
    config.assert_mode = 7;
    let mut ledger = std::ptr::null_mut();
    // SAFETY: valid config and out pointer.
    assert_eq!(GL_ERR_INVALID_ARGUMENT, unsafe {
        gl_ledger_start(&config, &mut ledger)
    });
    assert_eq!(
        last_error(),
        "gl_ledger_start: config->assert_mode 7 is not GL_ASSERT_WARN (0), GL_ASSERT_PANIC (1) or GL_ASSERT_OFF (2)"
    );
}

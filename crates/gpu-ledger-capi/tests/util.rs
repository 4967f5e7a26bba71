//! Shared helpers: finding the built libraries, compiling and running the C and
//! C++ examples, installing the package and building the CMake examples against
//! it, calling the C API from Rust, and reading traces back as text and reports.

#![allow(dead_code)]

use std::ffi::{CStr, CString, c_char};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use gpu_ledger::analysis::{Analyzer, Definitions};
use gpu_ledger::format::replay_path;
use gpu_ledger::{Collected, Event, EventKind, Names, PacketRef};
use gpu_ledger_capi::*;

/// The crate's directory.
pub(crate) fn crate_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The directory holding `libgpu_ledger_capi.a` and `.so`, as cargo built them
/// for this test run.
///
/// Cargo builds the library with all its crate types (cdylib, staticlib,
/// rlib) before it builds this test, into the `deps` directory this test
/// binary runs from, and copies them to the profile directory above it.
pub(crate) fn lib_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary's path");
    let deps = exe.parent().expect("the test binary's directory");
    for dir in [deps, deps.parent().unwrap_or(deps)] {
        if dir.join("libgpu_ledger_capi.a").is_file() && dir.join("libgpu_ledger_capi.so").is_file()
        {
            return dir.to_path_buf();
        }
    }
    panic!(
        "libgpu_ledger_capi.a and libgpu_ledger_capi.so not found next to {} (in {} or its parent): \
         run the tests through `cargo test -p gpu-ledger-capi`, which builds them",
        exe.display(),
        deps.display()
    );
}

/// A directory for compiled examples, kept between runs.
pub(crate) fn build_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("capi-examples");
    std::fs::create_dir_all(&dir).expect("creating the example build directory");
    dir
}

/// `source` compiled as strict C99 (warnings are errors) against the committed
/// header and the static library this test run built, into [`build_dir`]`/name`.
pub(crate) fn build_c(source: &Path, name: &str) -> PathBuf {
    let exe = build_dir().join(name);
    run_ok(
        Command::new("cc")
            .args(["-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic", "-I"])
            .arg(crate_dir().join("include"))
            .arg(source)
            .arg(lib_dir().join("libgpu_ledger_capi.a"))
            .args(["-lpthread", "-ldl", "-lm", "-o"])
            .arg(&exe),
    );
    exe
}

/// `source` compiled as strict C++17 (warnings are errors) against the
/// committed headers and the shared library this test run built, into
/// [`build_dir`]`/name`, with `extra` flags.
pub(crate) fn build_cpp(source: &Path, name: &str, extra: &[&str]) -> PathBuf {
    let exe = build_dir().join(name);
    let dir = lib_dir();
    run_ok(
        Command::new("c++")
            .args(["-std=c++17", "-Wall", "-Wextra", "-Werror", "-pedantic"])
            .args(extra)
            .arg("-I")
            .arg(crate_dir().join("include"))
            .arg(source)
            .arg(format!("-L{}", dir.display()))
            .arg("-lgpu_ledger_capi")
            .arg(format!("-Wl,-rpath,{}", dir.display()))
            .arg("-o")
            .arg(&exe),
    );
    exe
}

/// The workspace's root directory (where `scripts/` lives).
pub(crate) fn workspace_dir() -> PathBuf {
    crate_dir()
        .join("../..")
        .canonicalize()
        .expect("the workspace directory")
}

/// The directory of the package tests' files, emptied once per test run: the
/// install prefix and the CMake build live there.
fn package_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("capi-package");
        if dir.exists() {
            std::fs::remove_dir_all(&dir)
                .unwrap_or_else(|e| panic!("emptying {}: {e}", dir.display()));
        }
        std::fs::create_dir_all(&dir).expect("creating the package test directory");
        dir
    })
}

/// Panics, saying how to install it, unless the tool `name` runs.
pub(crate) fn require_tool(name: &str, debian_package: &str) {
    let found = Command::new(name)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        found,
        "`{name}` not found: install it with `apt-get install {debian_package}` (scripts/setup does)"
    );
}

/// The prefix `scripts/install-capi` installed the C API into, once per test run.
///
/// The release build goes to this run's target directory (the one holding
/// `CARGO_TARGET_TMPDIR`), so a second run rebuilds nothing.
pub(crate) fn installed_prefix() -> &'static Path {
    static PREFIX: OnceLock<PathBuf> = OnceLock::new();
    PREFIX.get_or_init(|| {
        let prefix = package_dir().join("prefix");
        let target_dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .parent()
            .expect("CARGO_TARGET_TMPDIR is <target dir>/tmp");
        run_ok(
            Command::new(workspace_dir().join("scripts/install-capi"))
                .arg(&prefix)
                .env("CARGO_TARGET_DIR", target_dir),
        );
        prefix
    })
}

/// The directory where `examples-cpp/CMakeLists.txt` was configured and built
/// against [`installed_prefix`], once per test run, with warnings as errors
/// and without exceptions: `record`, `compositor` (shared) and `compositor-static`.
pub(crate) fn cmake_examples() -> &'static Path {
    static BUILD: OnceLock<PathBuf> = OnceLock::new();
    BUILD.get_or_init(|| {
        require_tool("cmake", "cmake");
        let prefix = installed_prefix();
        let build = package_dir().join("examples-cpp");
        run_ok(
            Command::new("cmake")
                .arg("-S")
                .arg(crate_dir().join("examples-cpp"))
                .arg("-B")
                .arg(&build)
                .arg(format!("-DCMAKE_PREFIX_PATH={}", prefix.display()))
                .arg("-DCMAKE_CXX_FLAGS=-Wall -Wextra -Werror -pedantic -fno-exceptions"),
        );
        run_ok(
            Command::new("cmake")
                .arg("--build")
                .arg(&build)
                .args(["-j", "2"]),
        );
        build
    })
}

/// `exe` run in `dir` as a user would run it: without cargo's
/// `LD_LIBRARY_PATH` (which lists this run's own `libgpu_ledger_capi.so` and
/// would hide which library the executable finds by itself) and without the
/// `GPU_LEDGER_*` or `OMEGAWTK_GPU_RESOURCE_*` toggles of the test's environment.
pub(crate) fn user_command(exe: &Path, dir: &Path) -> Command {
    let mut command = Command::new(exe);
    command.current_dir(dir).env_remove("LD_LIBRARY_PATH");
    for prefix in ["GPU_LEDGER", "OMEGAWTK_GPU_RESOURCE"] {
        for toggle in ["TRACE", "REPORT", "OUT"] {
            command.env_remove(format!("{prefix}_{toggle}"));
        }
    }
    command
}

/// The shared libraries the ELF executable `exe` needs (`NEEDED`) and its
/// `RUNPATH`/`RPATH` entries, as `readelf -d` lists them.
pub(crate) fn dynamic_section(exe: &Path) -> (Vec<String>, Vec<String>) {
    require_tool("readelf", "binutils");
    let output = run_ok(Command::new("readelf").arg("-d").arg(exe));
    let text = String::from_utf8_lossy(&output.stdout);
    let bracketed = |line: &str| {
        line.split_once('[')
            .and_then(|(_, rest)| rest.split_once(']'))
            .map(|(inside, _)| inside.to_owned())
    };
    let mut needed = Vec::new();
    let mut paths = Vec::new();
    for line in text.lines() {
        if line.contains("(NEEDED)") {
            needed.extend(bracketed(line));
        } else if line.contains("(RUNPATH)") || line.contains("(RPATH)") {
            paths.extend(bracketed(line));
        }
    }
    (needed, paths)
}

/// Runs `command`, and panics with the command, status, stdout and stderr
/// unless it exits 0.
pub(crate) fn run_ok(command: &mut Command) -> Output {
    let output = run(command);
    assert!(output.status.success(), "{}", dump(command, &output));
    output
}

/// Runs `command` and returns its output, panicking only if it cannot start.
pub(crate) fn run(command: &mut Command) -> Output {
    command
        .output()
        .unwrap_or_else(|e| panic!("cannot run {command:?}: {e}"))
}

/// The command, its status and both streams, for failure messages.
pub(crate) fn dump(command: &Command, output: &Output) -> String {
    format!(
        "command: {command:?}\nstatus: {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Reads the trace at `path` (binary or JSON Lines), asserting it is whole and ends
/// with the clean-end marker of a finished recorder, which it leaves out.
pub(crate) fn read_trace(path: &Path) -> Collected {
    let mut collected = Collected::default();
    let summary = replay_path(path, &mut collected)
        .unwrap_or_else(|e| panic!("reading the trace {}: {e}", path.display()));
    assert!(
        summary.is_clean(),
        "the trace {} is damaged: {summary}",
        path.display()
    );
    assert!(
        collected.finished,
        "the trace {} has no end",
        path.display()
    );
    let last = collected.events.pop().map(|e| e.kind);
    assert_eq!(
        last,
        Some(EventKind::Marker(gpu_ledger::Marker::CleanEnd)),
        "the trace {} does not end with the recorder's clean-end marker",
        path.display()
    );
    collected
}

/// The report of the trace at `path` as JSON (the document
/// `gpu-ledger report --format json` prints, `docs/report-schema.md`).
pub(crate) fn report_json(path: &Path) -> serde_json::Value {
    let mut analyzer = Analyzer::new(Definitions::default());
    let summary = replay_path(path, &mut analyzer)
        .unwrap_or_else(|e| panic!("reading the trace {}: {e}", path.display()));
    assert!(
        summary.is_clean(),
        "the trace {} is damaged: {summary}",
        path.display()
    );
    analyzer.report().to_json_value()
}

/// Every event of `collected` as one line of text, without time and thread.
pub(crate) fn describe(collected: &Collected) -> Vec<String> {
    collected
        .events
        .iter()
        .map(|e| describe_event(e, &collected.names))
        .collect()
}

/// One event as text: `create CommandQueue #1 RootVisual:0x1400 in 1/1`.
pub(crate) fn describe_event(event: &Event, names: &Names) -> String {
    let packet = |p: Option<PacketRef>| match p {
        Some(p) => format!(" in {}/{}", p.lane.0, p.packet.0),
        None => String::new(),
    };
    let dims = |d: Option<gpu_ledger::Dims>| match d {
        Some(d) => format!(" {}x{}@{}", d.width, d.height, d.scale),
        None => String::new(),
    };
    match event.kind {
        EventKind::Resource {
            action,
            resource,
            dims: d,
            packet: p,
        } => format!(
            "{} {} #{} {}:{:#x}{}{}",
            format!("{action:?}").to_lowercase(),
            resource.ty.resolve(names),
            resource.id.0,
            resource.owner.kind.resolve(names),
            resource.owner.key,
            dims(d),
            packet(p)
        ),
        EventKind::Pool {
            action,
            ty,
            owner,
            dims: d,
        } => format!(
            "pool-{} {} {}:{:#x}{}",
            format!("{action:?}").to_lowercase(),
            ty.resolve(names),
            owner.kind.resolve(names),
            owner.key,
            dims(d)
        ),
        EventKind::Packet { packet: p, stage } => match stage {
            gpu_ledger::PacketStage::Queued { command_id } => {
                format!(
                    "packet {}/{} queued command {command_id}",
                    p.lane.0, p.packet.0
                )
            }
            stage => format!("packet {}/{} {}", p.lane.0, p.packet.0, stage.name()),
        },
        EventKind::Touched {
            packet: p,
            resource,
        } => format!("touched #{}{}", resource.0, packet(Some(p))),
        EventKind::Marker(marker) => format!("marker {}", marker.resolve(names)),
        EventKind::Lost { count } => format!("lost {count}"),
        EventKind::Finding { severity, code, .. } => format!(
            "finding {} {}",
            severity.name(),
            names.get(code).unwrap_or("<unnamed>")
        ),
        // EventKind is non-exhaustive: a kind the C API cannot record yet.
        other => format!("{other:?}"),
    }
}

/// The message `gl_last_error_message` returns now.
pub(crate) fn last_error() -> String {
    // SAFETY: gl_last_error_message always returns a valid NUL-terminated string.
    unsafe { CStr::from_ptr(gl_last_error_message()) }
        .to_string_lossy()
        .into_owned()
}

/// `text` as a C string.
pub(crate) fn c(text: &str) -> CString {
    CString::new(text).expect("no NUL in test strings")
}

/// A C string from raw bytes (for invalid UTF-8).
pub(crate) fn c_bytes(bytes: &[u8]) -> CString {
    CString::new(bytes).expect("no NUL in test bytes")
}

/// A ledger recording into `path`, started through the C API.
pub(crate) fn start(path: &Path, source: &str) -> *mut GlLedger {
    let path = c(path.to_str().expect("UTF-8 temp path"));
    let source = c(source);
    let mut config = std::mem::MaybeUninit::<GlConfig>::uninit();
    // SAFETY: `config` is valid for a write of GlConfig.
    assert_eq!(GL_OK, unsafe { gl_config_default(config.as_mut_ptr()) });
    // SAFETY: gl_config_default initialised it.
    let mut config = unsafe { config.assume_init() };
    config.path = path.as_ptr();
    config.source = source.as_ptr();
    let mut ledger = std::ptr::null_mut();
    // SAFETY: `config` and its strings are valid for the call, `ledger` for the write.
    let status = unsafe { gl_ledger_start(&config, &mut ledger) };
    assert_eq!(GL_OK, status, "gl_ledger_start: {}", last_error());
    assert!(!ledger.is_null());
    ledger
}

/// Finishes and frees `ledger`, returning the finish stats.
pub(crate) fn finish(ledger: *mut GlLedger) -> GlFinishStats {
    let mut stats = GlFinishStats::default();
    // SAFETY: `ledger` is a live handle from `start`; `stats` is valid.
    let status = unsafe { gl_ledger_finish(ledger, &mut stats) };
    assert_eq!(GL_OK, status, "gl_ledger_finish: {}", last_error());
    // SAFETY: finished, and no other thread uses it.
    assert_eq!(GL_OK, unsafe { gl_ledger_free(ledger) });
    stats
}

/// A pointer that C strings in tests can stand in for NULL with.
pub(crate) const NULL_STR: *const c_char = std::ptr::null();

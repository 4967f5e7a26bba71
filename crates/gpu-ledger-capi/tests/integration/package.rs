//! The installed package: `scripts/install-capi PREFIX` lays out the libraries,
//! headers, CMake package and pkg-config file; a CMake project finds and links
//! it (`examples-cpp/CMakeLists.txt`), pkg-config links the C example shared
//! and fully static, and each program's trace and report are what it did.

use std::path::Path;
use std::process::Command;

use crate::examples::expected_scene;
use crate::util::{
    cmake_examples, crate_dir, describe, dump, dynamic_section, installed_prefix, read_trace,
    report_json, require_tool, run, run_ok, user_command, workspace_dir,
};

const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Every file under `dir`, relative, sorted.
fn files_under(dir: &Path) -> Vec<String> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                out.push(path.strip_prefix(root).unwrap().display().to_string());
            }
        }
    }
    let mut files = Vec::new();
    walk(dir, dir, &mut files);
    files.sort();
    files
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

#[test]
fn install_capi_installs_the_libraries_headers_and_both_package_files() {
    let prefix = installed_prefix();
    assert_eq!(
        vec![
            "include/gpu_ledger.h",
            "include/gpu_ledger.hpp",
            "lib/cmake/gpu_ledger/gpu_ledgerConfig.cmake",
            "lib/cmake/gpu_ledger/gpu_ledgerConfigVersion.cmake",
            "lib/libgpu_ledger_capi.a",
            "lib/libgpu_ledger_capi.so",
            "lib/pkgconfig/gpu_ledger.pc",
        ],
        files_under(prefix)
    );
    for header in ["gpu_ledger.h", "gpu_ledger.hpp"] {
        assert_eq!(
            read(&crate_dir().join("include").join(header)),
            read(&prefix.join("include").join(header)),
            "the installed {header} is the committed one"
        );
    }
    let pc = read(&prefix.join("lib/pkgconfig/gpu_ledger.pc"));
    let fields: Vec<&str> = pc.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(
        vec![
            format!("prefix={}", prefix.display()).as_str(),
            "libdir=${prefix}/lib",
            "includedir=${prefix}/include",
            "",
            "Name: gpu_ledger",
            "Description: Record the lifecycle of every GPU resource from C or C++ (gpu-ledger's C API)",
            format!("Version: {VERSION}").as_str(),
            "Cflags: -I${includedir}",
            "Libs: -L${libdir} -lgpu_ledger_capi",
            "Libs.private: -lpthread -ldl -lm",
        ],
        fields
    );
    let version_file = read(&prefix.join("lib/cmake/gpu_ledger/gpu_ledgerConfigVersion.cmake"));
    assert!(
        version_file.contains(&format!("set(PACKAGE_VERSION \"{VERSION}\")")),
        "the CMake version file carries the crate's version:\n{version_file}"
    );
    assert!(
        !version_file.contains('@'),
        "every placeholder is filled:\n{version_file}"
    );
}

#[test]
fn install_capi_without_a_prefix_prints_its_usage_and_exits_2() {
    let mut command = Command::new(workspace_dir().join("scripts/install-capi"));
    let output = run(&mut command);
    assert_eq!(Some(2), output.status.code(), "{}", dump(&command, &output));
    assert_eq!(
        "usage: scripts/install-capi PREFIX   (installs lib/, include/, lib/cmake/gpu_ledger/, \
         lib/pkgconfig/ under PREFIX)\n",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn cmake_targets_link_the_installed_shared_library_by_name_and_the_static_one_inside() {
    let build = cmake_examples();
    let lib = installed_prefix().join("lib").display().to_string();
    for exe in ["record", "compositor"] {
        let (needed, paths) = dynamic_section(&build.join(exe));
        assert!(
            needed.iter().any(|n| n == "libgpu_ledger_capi.so"),
            "{exe} needs libgpu_ledger_capi.so by name: {needed:?}"
        );
        assert_eq!(vec![lib.clone()], paths, "{exe} finds it in the prefix");
    }
    let (needed, _) = dynamic_section(&build.join("compositor-static"));
    assert!(
        !needed.iter().any(|n| n.contains("gpu_ledger")),
        "compositor-static holds the library itself: {needed:?}"
    );
}

#[test]
fn cmake_consumer_runs_and_its_trace_reports_two_frames_and_no_stable_startup() {
    let dir = tempfile::tempdir().unwrap();
    let mut command = user_command(&cmake_examples().join("record"), dir.path());
    let output = run_ok(command.arg("scene.gltrace"));
    assert_eq!(
        format!("gpu-ledger {VERSION}: events=18 lost=0\n"),
        String::from_utf8_lossy(&output.stdout)
    );
    let trace = dir.path().join("scene.gltrace");
    assert_eq!(expected_scene(), describe(&read_trace(&trace)));

    let report = report_json(&trace);
    assert_eq!(
        serde_json::json!({
            "stabilised": false,
            "frames_presented": 2,
            "created": 2,
            "destroyed": 0,
        }),
        serde_json::json!({
            "stabilised": report["startup"]["stabilised"],
            "frames_presented": report["startup"]["frames_presented"],
            "created": report["startup"]["created"],
            "destroyed": report["startup"]["destroyed"],
        }),
        "two presents and a drop never make a stable window"
    );
    assert_eq!(
        serde_json::json!([{"lane": 1, "presented": 2, "dropped": 1}]),
        serde_json::json!(
            report["lanes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|l| serde_json::json!({
                    "lane": l["lane"],
                    "presented": l["packets"]["presented"],
                    "dropped": l["packets"]["dropped"],
                }))
                .collect::<Vec<_>>()
        )
    );
    assert_eq!(
        serde_json::json!({"CommandQueue": 1, "NativeTarget": 1}),
        report["windows"]["shutdown"]["destroyed"],
        "both resources die in teardown"
    );
}

#[test]
fn find_package_refuses_another_minor_version_before_1_0() {
    require_tool("cmake", "cmake");
    let project = tempfile::tempdir().unwrap();
    std::fs::write(
        project.path().join("CMakeLists.txt"),
        "cmake_minimum_required(VERSION 3.16)\n\
         project(wants_0_2 LANGUAGES NONE)\n\
         find_package(gpu_ledger 0.2 CONFIG REQUIRED)\n",
    )
    .unwrap();
    let prefix = installed_prefix();
    let mut command = Command::new("cmake");
    command
        .arg("-S")
        .arg(project.path())
        .arg("-B")
        .arg(project.path().join("build"))
        .arg(format!("-DCMAKE_PREFIX_PATH={}", prefix.display()));
    let output = run(&mut command);
    assert_eq!(Some(1), output.status.code(), "{}", dump(&command, &output));
    // CMake wraps its messages: compare without the line breaks.
    let stderr = String::from_utf8_lossy(&output.stderr)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let config = prefix.join("lib/cmake/gpu_ledger/gpu_ledgerConfig.cmake");
    assert!(
        stderr.contains(&format!(
            "Could not find a configuration file for package \"gpu_ledger\" that is compatible \
             with requested version \"0.2\". The following configuration files were considered \
             but not accepted: {}, version: {VERSION}",
            config.display()
        )),
        "{}",
        dump(&command, &output)
    );
}

/// `pkg-config ARGS gpu_ledger` against the installed prefix, split into words.
fn pkg_config(args: &[&str]) -> Vec<String> {
    require_tool("pkg-config", "pkgconf");
    let output = run_ok(
        Command::new("pkg-config")
            .args(args)
            .arg("gpu_ledger")
            .env("PKG_CONFIG_PATH", installed_prefix().join("lib/pkgconfig"))
            .env_remove("PKG_CONFIG_LIBDIR"),
    );
    String::from_utf8_lossy(&output.stdout)
        .split_whitespace()
        .map(str::to_owned)
        .collect()
}

/// The C example compiled as strict C99 with `flags` (from pkg-config) into `dir`.
fn c_example_with(dir: &Path, name: &str, extra: &[&str], flags: &[String]) -> std::path::PathBuf {
    let exe = dir.join(name);
    run_ok(
        Command::new("cc")
            .args(["-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic"])
            .args(extra)
            .arg(crate_dir().join("examples-c/record.c"))
            .args(flags)
            .arg("-o")
            .arg(&exe),
    );
    exe
}

/// Runs the C example with tracing on and returns its trace as text.
fn run_c_example(command: &mut Command, dir: &Path) -> Vec<String> {
    let output = run_ok(
        command
            .env("OMEGAWTK_GPU_RESOURCE_TRACE", "1")
            .env("OMEGAWTK_GPU_RESOURCE_OUT", "run.gltrace"),
    );
    assert_eq!(
        format!("gpu-ledger {VERSION}: recording=on events=18 lost=0\n"),
        String::from_utf8_lossy(&output.stdout)
    );
    describe(&read_trace(&dir.join("run.gltrace")))
}

#[test]
fn pkg_config_links_the_c_example_against_the_shared_library() {
    assert_eq!(vec![VERSION.to_owned()], pkg_config(&["--modversion"]));
    let prefix = installed_prefix();
    let dir = tempfile::tempdir().unwrap();
    let exe = c_example_with(
        dir.path(),
        "record-c",
        &[],
        &pkg_config(&["--cflags", "--libs"]),
    );
    let (needed, _) = dynamic_section(&exe);
    assert!(
        needed.iter().any(|n| n == "libgpu_ledger_capi.so"),
        "linked shared: {needed:?}"
    );
    let mut command = user_command(&exe, dir.path());
    command.env("LD_LIBRARY_PATH", prefix.join("lib"));
    assert_eq!(expected_scene(), run_c_example(&mut command, dir.path()));
}

#[test]
fn pkg_config_static_flags_link_the_c_example_fully_static() {
    let dir = tempfile::tempdir().unwrap();
    let exe = c_example_with(
        dir.path(),
        "record-c-static",
        &["-static"],
        &pkg_config(&["--static", "--cflags", "--libs"]),
    );
    let (needed, _) = dynamic_section(&exe);
    assert_eq!(
        Vec::<String>::new(),
        needed,
        "a static executable needs no library"
    );
    let mut command = user_command(&exe, dir.path());
    assert_eq!(expected_scene(), run_c_example(&mut command, dir.path()));
}

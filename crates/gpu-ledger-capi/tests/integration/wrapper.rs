//! `gpu_ledger.hpp` keeps the contracts its documentation states: error codes
//! in its own category, empty and moved-from owners, a resource's create and
//! destroy (moves included), a packet scope that failed to enter leaving
//! nothing, and calls after finish. `tests/cpp/wrapper.cpp` is compiled with
//! warnings as errors and without exceptions, and its output and trace are
//! compared whole.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::util::{build_cpp, crate_dir, describe, read_trace, run_ok, user_command};

fn wrapper() -> &'static Path {
    static EXE: OnceLock<PathBuf> = OnceLock::new();
    EXE.get_or_init(|| {
        build_cpp(
            &crate_dir().join("tests/cpp/wrapper.cpp"),
            "wrapper-cpp",
            &["-fno-exceptions"],
        )
    })
}

#[test]
fn cpp_wrapper_keeps_its_documented_contracts() {
    let dir = tempfile::tempdir().unwrap();
    let output = run_ok(
        user_command(wrapper(), dir.path())
            .env("GL_WRAPPER_TRACE", "maybe")
            .arg("run.gltrace"),
    );
    assert_eq!(
        "errc::io: category gpu_ledger, message GL_ERR_IO\n\
         == errc::io 1, == errc::finished 0\n\
         success converts to false: 0\n\
         empty ledger: bool 0, recording 0\n\
         on it: create GL_ERR_NULL_POINTER, id 0, handle 0\n\
         bad toggle: GL_ERR_INVALID_ARGUMENT, message gl_ledger_from_env: GL_WRAPPER_TRACE=maybe \
         is not a switch: use 1 or 0 (also true/false, yes/no, on/off)\n\
         bad toggle: usable 1, recording 0\n\
         disabled ledger: create GL_OK, id given 1\n\
         disabled ledger: destroy GL_OK\n\
         start: GL_OK, recording 1\n\
         moved-from ledger: bool 0\n\
         moved-from ledger: flush GL_ERR_NULL_POINTER\n\
         resource_type Scratch: GL_OK, interned 1\n\
         resource_type \"\": GL_ERR_INVALID_ARGUMENT, code 0\n\
         message gl_resource_type: name is empty\n\
         moved-from resource: id 0\n\
         moved-from resource: destroy GL_OK\n\
         after move-assign: c holds #1\n\
         resize_rebuild GL_OK\n\
         bind GL_OK\n\
         unbind GL_OK\n\
         scope 17 of 16: GL_ERR_INVALID_ARGUMENT\n\
         packet_queued GL_OK\n\
         touched GL_OK\n\
         packet_stage GL_OK\n\
         pool GL_OK\n\
         marker GL_OK\n\
         destroy GL_OK\n\
         destroy again GL_OK\n\
         finish: GL_OK\n\
         events 30, lost 0\n\
         finish again: GL_ERR_FINISHED\n\
         create after finish: GL_ERR_FINISHED, id 0\n\
         destroy after finish: GL_ERR_FINISHED\n\
         emptied all the same: 1\n\
         scope after finish: GL_ERR_FINISHED\n",
        String::from_utf8_lossy(&output.stdout)
    );

    // Nested scopes 1..16 touch the texture on the way out, innermost first: the
    // failed 17th left nothing, so each touch lands in its own scope's packet.
    let mut expected = vec![
        "create Texture #1 ChildVisual:0x10".to_owned(),
        "create Scratch #2 EffectPipeline:0x20".to_owned(),
        "destroy Scratch #2 EffectPipeline:0x20".to_owned(),
        "resizerebuild Texture #1 ChildVisual:0x10 64x64@1".to_owned(),
        "bind Texture #1 ChildVisual:0x10".to_owned(),
        "unbind Texture #1 ChildVisual:0x10".to_owned(),
    ];
    expected.extend((1..=16).rev().map(|p| format!("touched #1 in 9/{p}")));
    expected.extend(
        [
            "packet 9/1 queued command 500",
            "touched #1 in 9/1",
            "packet 9/1 presented",
            "pool-hit Texture ChildVisual:0x10",
            "marker Checkpoint",
            "destroy Texture #1 ChildVisual:0x10",
            "create Buffer #3 RootVisual:0x2",
        ]
        .map(str::to_owned),
    );
    let collected = read_trace(&dir.path().join("run.gltrace"));
    assert_eq!(expected, describe(&collected));
    assert_eq!("wrapper", collected.info.source);
}

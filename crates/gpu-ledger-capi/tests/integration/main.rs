//! The integration tests of the C API: one binary, one module per concern.

// The tests call the C entry points directly, as C would.
#![allow(unsafe_code)]

#[path = "../util.rs"]
mod util;

// The committed header matches what cbindgen generates from the sources.
mod header;
// Every bad call returns its error code and a message naming the problem.
mod errors;
// Calls made through the C ABI land in the trace exactly, in order.
mod recording;
// Issue 9: bounded sizes, refused codes, every interned name kept, linear interning.
mod hardening;
// The C and C++ examples compile warning-free against the header and the built
// libraries, run, and write the expected trace.
mod examples;
// gpu_ledger.hpp keeps its documented contracts (errors, moves, scopes, finish).
mod wrapper;
// scripts/install-capi installs the libraries, headers, CMake package and
// pkg-config file; CMake and pkg-config consumers link them shared and static.
mod package;
// The multi-threaded C++ compositor on gpu_ledger.hpp: its report matches its own counts.
mod compositor;
// While a C program runs: the assertion stops it, findings reach the log callback, gl_dump.
mod live;

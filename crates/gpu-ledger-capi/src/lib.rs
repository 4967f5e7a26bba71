//! The C API of gpu-ledger: record GPU resource lifecycles from a C, C++ or
//! Objective-C++ renderer into a trace that the `gpu-ledger` tool analyses.
//!
//! ```c
//! #include "gpu_ledger.h"
//!
//! GlLedger *ledger = NULL;
//! gl_ledger_from_env("OMEGAWTK_GPU_RESOURCE", &ledger);   /* off unless ..._TRACE=1 */
//! uint64_t queue = 0;
//! gl_next_resource_id(ledger, &queue);
//! gl_create(ledger, queue, GL_TYPE_COMMAND_QUEUE, GL_OWNER_ROOT_VISUAL, lane_id, NULL);
//! /* ... */
//! gl_destroy(ledger, queue, GL_TYPE_COMMAND_QUEUE, GL_OWNER_ROOT_VISUAL, lane_id);
//! gl_ledger_finish(ledger, NULL);                         /* drains, closes the trace */
//! gl_ledger_free(ledger);
//! ```
//!
//! Build with `cargo build -p gpu-ledger-capi --release`, include
//! `include/gpu_ledger.h` and link `-lgpu_ledger_capi` (the static library
//! also needs `-lpthread -ldl -lm`); the crate README has the full lines.
//!
//! # Overview
//! - Status: the `GL_OK`/`GL_ERR_*` codes every function returns ([`GlStatus`]),
//!   and the per-thread message of the last failure ([`gl_last_error_message`]).
//! - The handle: the opaque [`GlLedger`], started to a trace file
//!   ([`gl_ledger_start`]) or from the environment toggles
//!   ([`gl_ledger_from_env`]), flushed, finished and freed.
//! - Codes: the well-known resource types and owner kinds as `u32` codes
//!   (`GL_TYPE_*`, `GL_OWNER_*`), and other names interned into codes
//!   ([`gl_resource_type`], [`gl_owner_kind`]).
//! - Recording: [`gl_create`], [`gl_destroy`], [`gl_resize_rebuild`],
//!   [`gl_bind`], [`gl_unbind`], [`gl_pool`], the packet calls, markers.
//! - Packet context: [`gl_enter_packet`] and [`gl_leave_packet`].
//! - While it runs: [`gl_set_log_callback`] (the live analysis's findings; by
//!   default one line on stderr), [`gl_dump`], and `GlConfig::assert_mode`
//!   (`GPU_LEDGER_ASSERT`) for the destroy checks.
//!
//! # What this crate must never do
//! - **Hold logic.** Every function is a shim over [`gpu_ledger::Ledger`]: check
//!   the pointers, translate codes, call the ledger. Anything smarter belongs in
//!   the core, where Rust hosts get it too.
//! - **Panic, abort or unwind across the FFI boundary.** Every entry point
//!   returns an `int32_t` status; a NULL pointer, invalid UTF-8 or an unknown
//!   code is an error code with a message, and a panic inside the core is
//!   caught and returned as `GL_ERR_PANIC`.
//!   The one abort is asked for: a destroy check with `GPU_LEDGER_ASSERT=panic`
//!   (or `GL_ASSERT_PANIC`) stops the process from the drain thread.
//! - **Allocate, lock or format on the hot path.** The recording calls are a
//!   NULL check, one relaxed load of the handle's state, code translation and
//!   the ledger's own lock-free push; on a disabled ledger they are a NULL
//!   check, a load and a branch. Only error paths (which build the message)
//!   and setup calls (start, interning, markers) allocate or lock.
//!
//! # Threading
//! A `GlLedger*` may be shared by all threads: every call except
//! [`gl_ledger_free`] is thread-safe, [`gl_ledger_finish`] included (calls
//! after it return `GL_ERR_FINISHED`). The packet context and the last error
//! message are per thread.
//!
//! # Feature flags
//! - `json` (default): trace paths ending in `.jsonl` are written as JSON Lines.

// The one crate of the workspace that needs `unsafe`: it dereferences pointers
// handed over by C. Every unsafe block carries a `// SAFETY:` note.
#![allow(unsafe_code)]

// Declared in the order the header presents them (cbindgen follows the
// declarations; the blank lines keep rustfmt from sorting them).
mod status;

mod ledger;

mod codes;

mod scope;

mod events;

mod notice;

pub use codes::*;
pub use events::*;
pub use ledger::*;
pub use notice::*;
pub use scope::*;
pub use status::*;

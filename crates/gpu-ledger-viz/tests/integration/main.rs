//! Integration tests of gpu-ledger-viz: real files, decoded by the real tools.

#[path = "../util.rs"]
mod util;

// Perfetto traces decoded by Debian's protoc against the published schema.
mod perfetto;

// HTML reports opened in headless Chromium.
mod html;

// Chrome trace JSON parsed back.
mod chrome;

// The README's pictures, from the demo's trace.
mod pictures;

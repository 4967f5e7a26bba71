//! The integration tests of gpu-ledger-wgpu, all on a real wgpu adapter (Mesa's
//! software Vulkan driver in CI): none is ignored, none passes without a device.

#[path = "../util.rs"]
mod util;

// Create / destroy / clone / resize_rebuild of textures, buffers and plain resources.
mod lifecycle;
// Packet attribution: resource events inside packet scopes, submissions and completions.
mod packets;
// A whole 30-frame program, resized the usual wgpu way, and the report of its run.
mod program;
// A real render pass into a tracked texture, read back through a tracked buffer.
mod render;
// The crate's example: a whole frame loop, report included.
mod example;

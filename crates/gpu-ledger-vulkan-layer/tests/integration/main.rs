//! The integration tests of `VK_LAYER_gpu_ledger`: real programs, run through the
//! real Vulkan loader on the machine's driver (Mesa's lavapipe in CI), with the
//! layer enabled from the environment as a user would enable it.

#[path = "../util.rs"]
mod util;

// The loader finds, negotiates with and enables the layer; toggles off record nothing.
mod loader;
// vkcube, unchanged: presents, swapchain images, a window resize as a swapchain replacement.
mod vkcube;
// A crafted program's destroy of an image in flight, seen alike by the layer and the
// validation layer.
mod destroy_in_flight;
// The project's own wgpu demo: every texture and buffer its wrappers recorded, found by
// debug label.
mod demo;

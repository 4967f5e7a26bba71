//! `VK_LAYER_gpu_ledger`: a Vulkan layer that records any running Vulkan
//! program into a gpu-ledger trace, with no change to the program.
//!
//! ```sh
//! cargo build --release -p gpu-ledger-vulkan-layer
//! cp crates/gpu-ledger-vulkan-layer/VkLayer_gpu_ledger.json target/release/
//! VK_ADD_LAYER_PATH=$PWD/target/release VK_LOADER_LAYERS_ENABLE='*gpu_ledger*' \
//!   GPU_LEDGER_TRACE=1 GPU_LEDGER_OUT=vkcube.gltrace vkcube --c 120
//! gpu-ledger report vkcube.gltrace
//! ```
//!
//! The loader finds the layer through its manifest (`VkLayer_gpu_ledger.json`,
//! next to `libVkLayer_gpu_ledger.so`) and enables it for every instance the
//! program creates. What it records is decided by the usual toggles, read once
//! when the first instance is created: `GPU_LEDGER_TRACE=1` writes the trace to
//! `GPU_LEDGER_OUT` (default `<program>-<unix seconds>.gltrace`; JSON Lines for
//! a `.jsonl` path), `GPU_LEDGER_REPORT=1` prints the startup summary on stderr
//! once startup ends. With neither, the layer hands the loader the next layer's
//! functions and costs nothing per call. The trace is closed when the program
//! destroys its last instance, or when it exits without doing so.
//!
//! # What it records
//! - **Lifecycles**: instances' devices (`VkDevice`), queues (`CommandQueue`),
//!   images (`Texture`), image views, buffers (`Buffer`), device memory,
//!   framebuffers, command pools and their command buffers (`CommandBuffer`,
//!   per-frame), swapchains (`NativeTarget`) and their images (`SwapchainImage`),
//!   with sizes (pixels, or bytes for buffers and memory).
//! - **Owners**: the name a program gives an object with
//!   `vkSetDebugUtilsObjectNameEXT` (wgpu names every object it makes with its
//!   debug flag), else the creating device, command pool or swapchain; a
//!   swapchain is owned by its surface, so a swapchain recreated with
//!   `oldSwapchain` shows as a replacement of the old one.
//! - **Work**: one lane per `VkQueue`; each `vkQueueSubmit`/`vkQueueSubmit2` is
//!   a packet `Submitted`, then `Completed` when the program's own fence or
//!   semaphore waits show it done (the layer never waits); each swapchain of a
//!   `vkQueuePresentKHR` is a packet `Presented` (`VK_SUBOPTIMAL_KHR` adds a
//!   marker) or `Failed` (`VK_ERROR_OUT_OF_DATE_KHR`, other errors).
//! - **Touches**: the images, views, buffers, memory, framebuffers and command
//!   buffers a submission's command buffers reference through render passes,
//!   dynamic rendering, bound descriptor sets, vertex, index and indirect
//!   buffers, copies, clears, blits, resolves and barriers.
//!
//! # Release model
//! Vulkan frees what `vkDestroy*` names at once (the `immediate` release model,
//! which the layer declares in every trace it writes): destroying anything a
//! submitted, not yet completed packet touched is a `destroy-in-flight` error,
//! the check the validation layer makes as `VUID-vkDestroyImage-image-01000` and
//! its siblings.
//!
//! # Limits
//! Touches come from the commands listed above: resources reached only through
//! descriptor templates, push descriptors, descriptor buffers, texel buffer
//! views or device addresses are not seen; at most 4096 references per command
//! buffer and 1024 descriptors per set are followed. Completion through an
//! any-of wait over several fences or semaphores is not inferred. Sparse
//! binding and `VK_EXT_debug_marker` names are not followed. A debug name set
//! after an object was first used does not change its owner.
//!
//! # Safety
//! This is the one crate of the workspace that allows `unsafe`: a layer reads
//! the raw pointers a Vulkan program passes and calls the next layer through
//! function pointers. Every `unsafe` block states why it is sound; the common
//! argument is the Vulkan specification's valid-usage rules for the command
//! being intercepted (see the `hooks` module).

#![allow(unsafe_code)]
// The library's name is the file name the loader opens: libVkLayer_gpu_ledger.so.
#![allow(non_snake_case)]

mod device;
mod hooks;
mod instance;
mod loader;
mod next;
mod objects;
mod refs;
mod registry;
mod session;
mod work;

use ash::vk;

use loader::{LAYER_INTERFACE_VERSION, LAYER_NEGOTIATE_INTERFACE_STRUCT, NegotiateLayerInterface};

/// The one symbol the layer exports: the loader calls it once to agree on the
/// loader-layer interface (version 2) and to learn the layer's
/// `vkGetInstanceProcAddr` and `vkGetDeviceProcAddr`.
///
/// Returns `VK_ERROR_INITIALIZATION_FAILED` for a NULL or unrecognised
/// structure, which makes the loader skip the layer.
///
/// # Safety
/// `version` must be NULL or point to a `VkNegotiateLayerInterface` the loader
/// owns, valid for reads and writes during the call.
#[unsafe(no_mangle)]
pub unsafe extern "system" fn vkNegotiateLoaderLayerInterfaceVersion(
    version: *mut std::ffi::c_void,
) -> vk::Result {
    // SAFETY: the caller's promise: NULL or the loader's VkNegotiateLayerInterface.
    let Some(version) = (unsafe { version.cast::<NegotiateLayerInterface>().as_mut() }) else {
        return vk::Result::ERROR_INITIALIZATION_FAILED;
    };
    if version.s_type != LAYER_NEGOTIATE_INTERFACE_STRUCT {
        return vk::Result::ERROR_INITIALIZATION_FAILED;
    }
    version.loader_layer_interface_version = version
        .loader_layer_interface_version
        .min(LAYER_INTERFACE_VERSION);
    version.pfn_get_instance_proc_addr = Some(instance::get_instance_proc_addr);
    version.pfn_get_device_proc_addr = Some(instance::get_device_proc_addr);
    version.pfn_get_physical_device_proc_addr = None;
    vk::Result::SUCCESS
}

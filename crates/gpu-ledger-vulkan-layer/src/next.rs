//! The device functions the layer intercepts: the next layer's entry point for
//! each (its dispatch table), and which of the layer's hooks `vkGetDeviceProcAddr`
//! hands out in their place.
//!
//! One list drives both, so a hook and the function it calls down to can never
//! disagree. A hook is handed out only when the next layer has the function
//! (core at the device's version, or an enabled extension): for anything else
//! `vkGetDeviceProcAddr` answers what the next layer answers, NULL included, as
//! the loader's layer interface requires. Extension aliases of core functions
//! (`vkQueueSubmit2KHR`) have their own entry, since the next layer may expose
//! only one of the two names.

use std::ffi::CStr;

use ash::vk;

macro_rules! device_functions {
    ($( $module:ident :: $field:ident : $pfn:ident = $name:literal, )*) => {
        /// The next layer's entry points for every intercepted device function
        /// (`None` where the next layer does not have it).
        #[allow(clippy::struct_field_names)]
        pub(crate) struct DeviceNext {
            $( pub(crate) $field: Option<vk::$pfn>, )*
        }

        impl DeviceNext {
            /// Looks every intercepted function up in the next layer.
            ///
            /// # Safety
            /// `gdpa` must be the next layer's `vkGetDeviceProcAddr` and `device`
            /// a device it created.
            pub(crate) unsafe fn load(gdpa: vk::PFN_vkGetDeviceProcAddr, device: vk::Device) -> Self {
                Self {
                    $(
                        // SAFETY: the next layer returns NULL or its entry point for
                        // this name, whose signature is `$pfn` (the Vulkan registry's).
                        $field: unsafe {
                            std::mem::transmute::<vk::PFN_vkVoidFunction, Option<vk::$pfn>>(
                                gdpa(device, $name.as_ptr()),
                            )
                        },
                    )*
                }
            }

            /// The layer's hook for `name`: `None` when the layer does not
            /// intercept it, `Some(NULL)` when it does but the next layer lacks it.
            pub(crate) fn hook(&self, name: &CStr) -> Option<vk::PFN_vkVoidFunction> {
                $(
                    if name == $name {
                        let hook: vk::$pfn = crate::hooks::$module::$field;
                        // SAFETY: a function pointer cast to the loader's generic
                        // `PFN_vkVoidFunction`; the caller casts it back by name.
                        let generic = unsafe { std::mem::transmute::<vk::$pfn, unsafe extern "system" fn()>(hook) };
                        return Some(self.$field.map(|_| generic));
                    }
                )*
                None
            }
        }

        #[cfg(test)]
        pub(crate) const INTERCEPTED: &[&CStr] = &[$( $name, )*];
    };
}

device_functions! {
    device::destroy_device: PFN_vkDestroyDevice = c"vkDestroyDevice",
    device::get_device_queue: PFN_vkGetDeviceQueue = c"vkGetDeviceQueue",
    device::get_device_queue2: PFN_vkGetDeviceQueue2 = c"vkGetDeviceQueue2",
    resources::create_image: PFN_vkCreateImage = c"vkCreateImage",
    resources::destroy_image: PFN_vkDestroyImage = c"vkDestroyImage",
    resources::create_image_view: PFN_vkCreateImageView = c"vkCreateImageView",
    resources::destroy_image_view: PFN_vkDestroyImageView = c"vkDestroyImageView",
    resources::create_buffer: PFN_vkCreateBuffer = c"vkCreateBuffer",
    resources::destroy_buffer: PFN_vkDestroyBuffer = c"vkDestroyBuffer",
    resources::allocate_memory: PFN_vkAllocateMemory = c"vkAllocateMemory",
    resources::free_memory: PFN_vkFreeMemory = c"vkFreeMemory",
    resources::bind_image_memory: PFN_vkBindImageMemory = c"vkBindImageMemory",
    resources::bind_buffer_memory: PFN_vkBindBufferMemory = c"vkBindBufferMemory",
    resources::bind_image_memory2: PFN_vkBindImageMemory2 = c"vkBindImageMemory2",
    resources::bind_image_memory2_khr: PFN_vkBindImageMemory2 = c"vkBindImageMemory2KHR",
    resources::bind_buffer_memory2: PFN_vkBindBufferMemory2 = c"vkBindBufferMemory2",
    resources::bind_buffer_memory2_khr: PFN_vkBindBufferMemory2 = c"vkBindBufferMemory2KHR",
    resources::create_framebuffer: PFN_vkCreateFramebuffer = c"vkCreateFramebuffer",
    resources::destroy_framebuffer: PFN_vkDestroyFramebuffer = c"vkDestroyFramebuffer",
    resources::create_command_pool: PFN_vkCreateCommandPool = c"vkCreateCommandPool",
    resources::destroy_command_pool: PFN_vkDestroyCommandPool = c"vkDestroyCommandPool",
    resources::reset_command_pool: PFN_vkResetCommandPool = c"vkResetCommandPool",
    resources::allocate_command_buffers: PFN_vkAllocateCommandBuffers = c"vkAllocateCommandBuffers",
    resources::free_command_buffers: PFN_vkFreeCommandBuffers = c"vkFreeCommandBuffers",
    resources::create_swapchain_khr: PFN_vkCreateSwapchainKHR = c"vkCreateSwapchainKHR",
    resources::destroy_swapchain_khr: PFN_vkDestroySwapchainKHR = c"vkDestroySwapchainKHR",
    resources::get_swapchain_images_khr: PFN_vkGetSwapchainImagesKHR = c"vkGetSwapchainImagesKHR",
    resources::set_debug_utils_object_name_ext: PFN_vkSetDebugUtilsObjectNameEXT = c"vkSetDebugUtilsObjectNameEXT",
    descriptors::allocate_descriptor_sets: PFN_vkAllocateDescriptorSets = c"vkAllocateDescriptorSets",
    descriptors::free_descriptor_sets: PFN_vkFreeDescriptorSets = c"vkFreeDescriptorSets",
    descriptors::reset_descriptor_pool: PFN_vkResetDescriptorPool = c"vkResetDescriptorPool",
    descriptors::destroy_descriptor_pool: PFN_vkDestroyDescriptorPool = c"vkDestroyDescriptorPool",
    descriptors::update_descriptor_sets: PFN_vkUpdateDescriptorSets = c"vkUpdateDescriptorSets",
    queue::queue_submit: PFN_vkQueueSubmit = c"vkQueueSubmit",
    queue::queue_submit2: PFN_vkQueueSubmit2 = c"vkQueueSubmit2",
    queue::queue_submit2_khr: PFN_vkQueueSubmit2 = c"vkQueueSubmit2KHR",
    queue::queue_present_khr: PFN_vkQueuePresentKHR = c"vkQueuePresentKHR",
    queue::queue_wait_idle: PFN_vkQueueWaitIdle = c"vkQueueWaitIdle",
    queue::device_wait_idle: PFN_vkDeviceWaitIdle = c"vkDeviceWaitIdle",
    queue::wait_for_fences: PFN_vkWaitForFences = c"vkWaitForFences",
    queue::get_fence_status: PFN_vkGetFenceStatus = c"vkGetFenceStatus",
    queue::destroy_fence: PFN_vkDestroyFence = c"vkDestroyFence",
    queue::create_semaphore: PFN_vkCreateSemaphore = c"vkCreateSemaphore",
    queue::destroy_semaphore: PFN_vkDestroySemaphore = c"vkDestroySemaphore",
    queue::wait_semaphores: PFN_vkWaitSemaphores = c"vkWaitSemaphores",
    queue::wait_semaphores_khr: PFN_vkWaitSemaphores = c"vkWaitSemaphoresKHR",
    queue::get_semaphore_counter_value: PFN_vkGetSemaphoreCounterValue = c"vkGetSemaphoreCounterValue",
    queue::get_semaphore_counter_value_khr: PFN_vkGetSemaphoreCounterValue = c"vkGetSemaphoreCounterValueKHR",
    commands::begin_command_buffer: PFN_vkBeginCommandBuffer = c"vkBeginCommandBuffer",
    commands::reset_command_buffer: PFN_vkResetCommandBuffer = c"vkResetCommandBuffer",
    commands::cmd_begin_render_pass: PFN_vkCmdBeginRenderPass = c"vkCmdBeginRenderPass",
    commands::cmd_begin_render_pass2: PFN_vkCmdBeginRenderPass2 = c"vkCmdBeginRenderPass2",
    commands::cmd_begin_render_pass2_khr: PFN_vkCmdBeginRenderPass2 = c"vkCmdBeginRenderPass2KHR",
    commands::cmd_begin_rendering: PFN_vkCmdBeginRendering = c"vkCmdBeginRendering",
    commands::cmd_begin_rendering_khr: PFN_vkCmdBeginRendering = c"vkCmdBeginRenderingKHR",
    commands::cmd_bind_descriptor_sets: PFN_vkCmdBindDescriptorSets = c"vkCmdBindDescriptorSets",
    commands::cmd_bind_vertex_buffers: PFN_vkCmdBindVertexBuffers = c"vkCmdBindVertexBuffers",
    commands::cmd_bind_vertex_buffers2: PFN_vkCmdBindVertexBuffers2 = c"vkCmdBindVertexBuffers2",
    commands::cmd_bind_vertex_buffers2_ext: PFN_vkCmdBindVertexBuffers2 = c"vkCmdBindVertexBuffers2EXT",
    commands::cmd_bind_index_buffer: PFN_vkCmdBindIndexBuffer = c"vkCmdBindIndexBuffer",
    commands::cmd_draw_indirect: PFN_vkCmdDrawIndirect = c"vkCmdDrawIndirect",
    commands::cmd_draw_indexed_indirect: PFN_vkCmdDrawIndexedIndirect = c"vkCmdDrawIndexedIndirect",
    commands::cmd_dispatch_indirect: PFN_vkCmdDispatchIndirect = c"vkCmdDispatchIndirect",
    commands::cmd_copy_buffer: PFN_vkCmdCopyBuffer = c"vkCmdCopyBuffer",
    commands::cmd_copy_image: PFN_vkCmdCopyImage = c"vkCmdCopyImage",
    commands::cmd_copy_buffer_to_image: PFN_vkCmdCopyBufferToImage = c"vkCmdCopyBufferToImage",
    commands::cmd_copy_image_to_buffer: PFN_vkCmdCopyImageToBuffer = c"vkCmdCopyImageToBuffer",
    commands::cmd_blit_image: PFN_vkCmdBlitImage = c"vkCmdBlitImage",
    commands::cmd_resolve_image: PFN_vkCmdResolveImage = c"vkCmdResolveImage",
    commands::cmd_copy_buffer2: PFN_vkCmdCopyBuffer2 = c"vkCmdCopyBuffer2",
    commands::cmd_copy_buffer2_khr: PFN_vkCmdCopyBuffer2 = c"vkCmdCopyBuffer2KHR",
    commands::cmd_copy_image2: PFN_vkCmdCopyImage2 = c"vkCmdCopyImage2",
    commands::cmd_copy_image2_khr: PFN_vkCmdCopyImage2 = c"vkCmdCopyImage2KHR",
    commands::cmd_copy_buffer_to_image2: PFN_vkCmdCopyBufferToImage2 = c"vkCmdCopyBufferToImage2",
    commands::cmd_copy_buffer_to_image2_khr: PFN_vkCmdCopyBufferToImage2 = c"vkCmdCopyBufferToImage2KHR",
    commands::cmd_copy_image_to_buffer2: PFN_vkCmdCopyImageToBuffer2 = c"vkCmdCopyImageToBuffer2",
    commands::cmd_copy_image_to_buffer2_khr: PFN_vkCmdCopyImageToBuffer2 = c"vkCmdCopyImageToBuffer2KHR",
    commands::cmd_blit_image2: PFN_vkCmdBlitImage2 = c"vkCmdBlitImage2",
    commands::cmd_blit_image2_khr: PFN_vkCmdBlitImage2 = c"vkCmdBlitImage2KHR",
    commands::cmd_resolve_image2: PFN_vkCmdResolveImage2 = c"vkCmdResolveImage2",
    commands::cmd_resolve_image2_khr: PFN_vkCmdResolveImage2 = c"vkCmdResolveImage2KHR",
    commands::cmd_clear_color_image: PFN_vkCmdClearColorImage = c"vkCmdClearColorImage",
    commands::cmd_clear_depth_stencil_image: PFN_vkCmdClearDepthStencilImage = c"vkCmdClearDepthStencilImage",
    commands::cmd_fill_buffer: PFN_vkCmdFillBuffer = c"vkCmdFillBuffer",
    commands::cmd_update_buffer: PFN_vkCmdUpdateBuffer = c"vkCmdUpdateBuffer",
    commands::cmd_pipeline_barrier: PFN_vkCmdPipelineBarrier = c"vkCmdPipelineBarrier",
    commands::cmd_pipeline_barrier2: PFN_vkCmdPipelineBarrier2 = c"vkCmdPipelineBarrier2",
    commands::cmd_pipeline_barrier2_khr: PFN_vkCmdPipelineBarrier2 = c"vkCmdPipelineBarrier2KHR",
    commands::cmd_execute_commands: PFN_vkCmdExecuteCommands = c"vkCmdExecuteCommands",
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_intercepted_name_is_a_vulkan_name_and_listed_once() {
        let mut seen = std::collections::HashSet::new();
        for name in INTERCEPTED {
            let text = name.to_str().expect("ASCII");
            assert!(text.starts_with("vk"), "{text}");
            assert!(seen.insert(text), "{text} listed twice");
        }
        assert!(seen.contains("vkQueueSubmit2KHR") && seen.contains("vkQueueSubmit2"));
    }
}

//! A small Vulkan program with one deliberate bug: it destroys an image while
//! the submission that clears it is still pending (it has not waited for the
//! submission's fence yet), which Vulkan forbids (`VUID-vkDestroyImage-image-01000`).
//!
//! It runs with the Khronos validation layer enabled and prints every message
//! the validation layer sends it, one per line, prefixed `validation:`; run it
//! under `VK_LAYER_gpu_ledger` and the trace shows the same bug as one
//! `destroy-in-flight`. The image is named `crafted image` with
//! `VK_EXT_debug_utils`, so both reports name the same object.
//!
//! ```sh
//! cargo run -p gpu-ledger-vulkan-layer --example destroy_in_flight
//! ```
//!
//! Needs a Vulkan driver and the validation layer (Debian: `mesa-vulkan-drivers
//! vulkan-validationlayers`).

// Calling Vulkan through ash is unsafe by nature; every block states why it is sound.
#![allow(unsafe_code)]

use std::error::Error;
use std::ffi::{CStr, c_void};
use std::time::Duration;

use ash::vk;

/// What the image is called, in the validation layer's messages and in the trace.
const IMAGE_NAME: &CStr = c"crafted image";

/// Prints each validation message on one line.
unsafe extern "system" fn on_message(
    severity: vk::DebugUtilsMessageSeverityFlagsEXT,
    _types: vk::DebugUtilsMessageTypeFlagsEXT,
    data: *const vk::DebugUtilsMessengerCallbackDataEXT<'_>,
    _user: *mut c_void,
) -> vk::Bool32 {
    // SAFETY: the validation layer passes a valid callback data structure whose
    // message is NULL or a NUL-terminated string, alive during the call.
    let message = unsafe { data.as_ref().and_then(|d| d.message_as_c_str()) };
    if let Some(message) = message {
        let text = message.to_string_lossy().replace('\n', " ");
        println!("validation: {severity:?}: {text}");
    }
    vk::FALSE
}

fn main() -> Result<(), Box<dyn Error>> {
    // SAFETY: loads the system's Vulkan loader, which this program then calls
    // only as the specification allows, in the order below.
    unsafe { run() }
}

/// # Safety
/// Calls Vulkan; every call follows the specification's valid usage except the
/// one destroy the program exists to make.
unsafe fn run() -> Result<(), Box<dyn Error>> {
    let entry = unsafe { ash::Entry::load()? };
    let layers = [c"VK_LAYER_KHRONOS_validation".as_ptr()];
    let extensions = [ash::ext::debug_utils::NAME.as_ptr()];
    let app = vk::ApplicationInfo::default()
        .application_name(c"destroy_in_flight")
        .api_version(vk::API_VERSION_1_1);
    let messenger_info = vk::DebugUtilsMessengerCreateInfoEXT::default()
        .message_severity(
            vk::DebugUtilsMessageSeverityFlagsEXT::WARNING
                | vk::DebugUtilsMessageSeverityFlagsEXT::ERROR,
        )
        .message_type(
            vk::DebugUtilsMessageTypeFlagsEXT::GENERAL
                | vk::DebugUtilsMessageTypeFlagsEXT::VALIDATION
                | vk::DebugUtilsMessageTypeFlagsEXT::PERFORMANCE,
        )
        .pfn_user_callback(Some(on_message));
    let instance = unsafe {
        entry.create_instance(
            &vk::InstanceCreateInfo::default()
                .application_info(&app)
                .enabled_layer_names(&layers)
                .enabled_extension_names(&extensions),
            None,
        )
    }
    .map_err(|e| format!("cannot create an instance with VK_LAYER_KHRONOS_validation ({e}): install vulkan-validationlayers"))?;
    let debug_utils = ash::ext::debug_utils::Instance::new(&entry, &instance);
    let messenger = unsafe { debug_utils.create_debug_utils_messenger(&messenger_info, None)? };

    let physical = unsafe { instance.enumerate_physical_devices()? }
        .into_iter()
        .next()
        .ok_or("no Vulkan device: install mesa-vulkan-drivers")?;
    let family = unsafe { instance.get_physical_device_queue_family_properties(physical) }
        .iter()
        .position(|f| f.queue_flags.contains(vk::QueueFlags::GRAPHICS))
        .ok_or("no graphics queue")? as u32;
    let priorities = [1.0];
    let queue_info = [vk::DeviceQueueCreateInfo::default()
        .queue_family_index(family)
        .queue_priorities(&priorities)];
    let device = unsafe {
        instance.create_device(
            physical,
            &vk::DeviceCreateInfo::default().queue_create_infos(&queue_info),
            None,
        )?
    };
    let names = ash::ext::debug_utils::Device::new(&instance, &device);
    let queue = unsafe { device.get_device_queue(family, 0) };

    let image = unsafe {
        device.create_image(
            &vk::ImageCreateInfo::default()
                .image_type(vk::ImageType::TYPE_2D)
                .format(vk::Format::R8G8B8A8_UNORM)
                .extent(vk::Extent3D {
                    width: 64,
                    height: 64,
                    depth: 1,
                })
                .mip_levels(1)
                .array_layers(1)
                .samples(vk::SampleCountFlags::TYPE_1)
                .tiling(vk::ImageTiling::OPTIMAL)
                .usage(vk::ImageUsageFlags::TRANSFER_DST)
                .initial_layout(vk::ImageLayout::UNDEFINED),
            None,
        )?
    };
    let requirements = unsafe { device.get_image_memory_requirements(image) };
    let memory_types = unsafe { instance.get_physical_device_memory_properties(physical) };
    let memory_type = (0..memory_types.memory_type_count)
        .find(|&i| requirements.memory_type_bits & (1 << i) != 0)
        .ok_or("no memory type for the image")?;
    let memory = unsafe {
        device.allocate_memory(
            &vk::MemoryAllocateInfo::default()
                .allocation_size(requirements.size)
                .memory_type_index(memory_type),
            None,
        )?
    };
    unsafe { device.bind_image_memory(image, memory, 0)? };
    unsafe {
        names.set_debug_utils_object_name(
            &vk::DebugUtilsObjectNameInfoEXT::default()
                .object_handle(image)
                .object_name(IMAGE_NAME),
        )?
    };

    let pool = unsafe {
        device.create_command_pool(
            &vk::CommandPoolCreateInfo::default().queue_family_index(family),
            None,
        )?
    };
    let cb = unsafe {
        device.allocate_command_buffers(
            &vk::CommandBufferAllocateInfo::default()
                .command_pool(pool)
                .level(vk::CommandBufferLevel::PRIMARY)
                .command_buffer_count(1),
        )?[0]
    };
    let range = vk::ImageSubresourceRange::default()
        .aspect_mask(vk::ImageAspectFlags::COLOR)
        .level_count(1)
        .layer_count(1);
    unsafe {
        device.begin_command_buffer(
            cb,
            &vk::CommandBufferBeginInfo::default()
                .flags(vk::CommandBufferUsageFlags::ONE_TIME_SUBMIT),
        )?;
        let to_transfer = vk::ImageMemoryBarrier::default()
            .dst_access_mask(vk::AccessFlags::TRANSFER_WRITE)
            .old_layout(vk::ImageLayout::UNDEFINED)
            .new_layout(vk::ImageLayout::TRANSFER_DST_OPTIMAL)
            .src_queue_family_index(vk::QUEUE_FAMILY_IGNORED)
            .dst_queue_family_index(vk::QUEUE_FAMILY_IGNORED)
            .image(image)
            .subresource_range(range);
        device.cmd_pipeline_barrier(
            cb,
            vk::PipelineStageFlags::TOP_OF_PIPE,
            vk::PipelineStageFlags::TRANSFER,
            vk::DependencyFlags::empty(),
            &[],
            &[],
            &[to_transfer],
        );
        let white = vk::ClearColorValue {
            float32: [1.0, 1.0, 1.0, 1.0],
        };
        device.cmd_clear_color_image(
            cb,
            image,
            vk::ImageLayout::TRANSFER_DST_OPTIMAL,
            &white,
            &[range],
        );
        device.end_command_buffer(cb)?;
    }
    let fence = unsafe { device.create_fence(&vk::FenceCreateInfo::default(), None)? };
    let cbs = [cb];
    unsafe {
        device.queue_submit(
            queue,
            &[vk::SubmitInfo::default().command_buffers(&cbs)],
            fence,
        )?
    };

    // The bug. The program has not waited for the fence, so as far as Vulkan's
    // rules go the clear is still pending. The pause only keeps a software driver
    // from executing the clear on an image this program has already freed: it
    // changes nothing the validation layer or the trace can see.
    std::thread::sleep(Duration::from_millis(200));
    unsafe { device.destroy_image(image, None) };
    println!(
        "destroyed {} while its submission was pending",
        IMAGE_NAME.to_string_lossy()
    );

    unsafe {
        device.wait_for_fences(&[fence], true, u64::MAX)?;
        device.destroy_fence(fence, None);
        device.destroy_command_pool(pool, None);
        device.free_memory(memory, None);
        device.destroy_device(None);
        debug_utils.destroy_debug_utils_messenger(messenger, None);
        instance.destroy_instance(None);
    }
    Ok(())
}

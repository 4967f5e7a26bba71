//! A Vulkan program that exits without destroying anything it made: no
//! `vkDestroyBuffer`, no `vkDestroyDevice`, no `vkDestroyInstance`, as many
//! programs end. Under `VK_LAYER_gpu_ledger` its trace is still whole, and the
//! buffer, the device and its queue are live at the end, as leaks are.
//!
//! ```sh
//! cargo run -p gpu-ledger-vulkan-layer --example exit_without_cleanup
//! ```

// Calling Vulkan through ash is unsafe by nature; every block states why it is sound.
#![allow(unsafe_code)]

use std::error::Error;

use ash::vk;

fn main() -> Result<(), Box<dyn Error>> {
    // SAFETY: loads the system's Vulkan loader and makes valid calls on the
    // objects it returns.
    unsafe {
        let entry = ash::Entry::load()?;
        let app = vk::ApplicationInfo::default().api_version(vk::API_VERSION_1_1);
        let instance = entry.create_instance(
            &vk::InstanceCreateInfo::default().application_info(&app),
            None,
        )?;
        let physical = instance
            .enumerate_physical_devices()?
            .into_iter()
            .next()
            .ok_or("no Vulkan device: install mesa-vulkan-drivers")?;
        let priorities = [1.0];
        let queues = [vk::DeviceQueueCreateInfo::default()
            .queue_family_index(0)
            .queue_priorities(&priorities)];
        let device = instance.create_device(
            physical,
            &vk::DeviceCreateInfo::default().queue_create_infos(&queues),
            None,
        )?;
        let _queue = device.get_device_queue(0, 0);
        let buffer_info = vk::BufferCreateInfo::default()
            .size(4096)
            .usage(vk::BufferUsageFlags::TRANSFER_DST);
        let _buffer = device.create_buffer(&buffer_info, None)?;
    }
    println!("exiting with the instance, device and buffer alive");
    std::process::exit(0);
}

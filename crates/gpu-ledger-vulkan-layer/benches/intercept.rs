//! What the layer costs per intercepted call, through the real loader and the
//! machine's driver (Mesa's lavapipe in CI): the same Vulkan calls on an
//! instance without the layer and on one with `VK_LAYER_gpu_ledger` enabled,
//! in one process, so that each ratio is measured in one run.
//!
//! - `create_destroy_buffer`: `vkCreateBuffer` + `vkDestroyBuffer` (two
//!   intercepted calls, two events);
//! - `cmd_bind_vertex_buffers`: one `vkCmdBindVertexBuffers` while recording
//!   (the hottest path a layer sees; no event, one reference noted);
//! - `submit_wait`: `vkQueueSubmit` of a one-command buffer with a fence, then
//!   `vkWaitForFences` and `vkResetFences` (touches, `Submitted`, `Completed`).
//!
//! The bench runs itself twice, as child processes: `recording/*` with
//! `GPU_LEDGER_TRACE=1` (a binary trace in a temporary directory), and `off/*`
//! with every toggle off, where the layer hands the loader the next layer's
//! functions. `no_layer` and `layer` name the two instances of each run.

// Calling Vulkan through ash is unsafe by nature; every block states why it is sound.
#![allow(unsafe_code)]

use std::ffi::CStr;
use std::hint::black_box;
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use ash::vk;
use criterion::Criterion;

/// Set in the children: `recording` or `off`.
const MODE: &str = "GPU_LEDGER_BENCH_MODE";
const LAYER: &CStr = c"VK_LAYER_gpu_ledger";

/// One instance, device and the objects the benches use.
struct Gpu {
    instance: ash::Instance,
    device: ash::Device,
    queue: vk::Queue,
    pool: vk::CommandPool,
    cb: vk::CommandBuffer,
    buffer: vk::Buffer,
    memory: vk::DeviceMemory,
    fence: vk::Fence,
}

impl Gpu {
    /// An instance (with the layer enabled by name when `layer`), a device on
    /// the first physical device, and a 64 KiB vertex buffer with its memory.
    ///
    /// # Safety
    /// Calls Vulkan in the order the specification requires.
    unsafe fn new(entry: &ash::Entry, layer: bool) -> Self {
        let layers = if layer {
            vec![LAYER.as_ptr()]
        } else {
            Vec::new()
        };
        let app = vk::ApplicationInfo::default().api_version(vk::API_VERSION_1_1);
        let info = vk::InstanceCreateInfo::default()
            .application_info(&app)
            .enabled_layer_names(&layers);
        let instance = unsafe { entry.create_instance(&info, None) }
            .expect("an instance (is the layer found?)");
        let physical = unsafe { instance.enumerate_physical_devices() }.expect("devices")[0];
        let family = unsafe { instance.get_physical_device_queue_family_properties(physical) }
            .iter()
            .position(|f| f.queue_flags.contains(vk::QueueFlags::GRAPHICS))
            .expect("a graphics queue") as u32;
        let priorities = [1.0];
        let queues = [vk::DeviceQueueCreateInfo::default()
            .queue_family_index(family)
            .queue_priorities(&priorities)];
        let device = unsafe {
            instance.create_device(
                physical,
                &vk::DeviceCreateInfo::default().queue_create_infos(&queues),
                None,
            )
        }
        .expect("a device");
        let queue = unsafe { device.get_device_queue(family, 0) };
        let pool = unsafe {
            device.create_command_pool(
                &vk::CommandPoolCreateInfo::default()
                    .queue_family_index(family)
                    .flags(vk::CommandPoolCreateFlags::RESET_COMMAND_BUFFER),
                None,
            )
        }
        .expect("a pool");
        let cb = unsafe {
            device.allocate_command_buffers(
                &vk::CommandBufferAllocateInfo::default()
                    .command_pool(pool)
                    .command_buffer_count(1),
            )
        }
        .expect("a command buffer")[0];
        let buffer = unsafe { device.create_buffer(&buffer_info(), None) }.expect("a buffer");
        let requirements = unsafe { device.get_buffer_memory_requirements(buffer) };
        let types = unsafe { instance.get_physical_device_memory_properties(physical) };
        let memory_type = (0..types.memory_type_count)
            .find(|&i| requirements.memory_type_bits & (1 << i) != 0)
            .expect("a memory type");
        let memory = unsafe {
            device.allocate_memory(
                &vk::MemoryAllocateInfo::default()
                    .allocation_size(requirements.size)
                    .memory_type_index(memory_type),
                None,
            )
        }
        .expect("memory");
        unsafe { device.bind_buffer_memory(buffer, memory, 0) }.expect("bound");
        let fence =
            unsafe { device.create_fence(&vk::FenceCreateInfo::default(), None) }.expect("a fence");
        Self {
            instance,
            device,
            queue,
            pool,
            cb,
            buffer,
            memory,
            fence,
        }
    }

    fn begin(&self) {
        // SAFETY: the command buffer is not in use (every submit is waited for).
        unsafe {
            self.device
                .begin_command_buffer(self.cb, &vk::CommandBufferBeginInfo::default())
                .expect("begin")
        };
    }

    fn end(&self) {
        // SAFETY: the command buffer is recording.
        unsafe { self.device.end_command_buffer(self.cb).expect("end") };
    }
}

impl Drop for Gpu {
    fn drop(&mut self) {
        // SAFETY: nothing is in flight: every submission was waited for.
        unsafe {
            self.device.destroy_fence(self.fence, None);
            self.device.destroy_buffer(self.buffer, None);
            self.device.free_memory(self.memory, None);
            self.device.destroy_command_pool(self.pool, None);
            self.device.destroy_device(None);
            self.instance.destroy_instance(None);
        }
    }
}

fn buffer_info() -> vk::BufferCreateInfo<'static> {
    vk::BufferCreateInfo::default()
        .size(64 << 10)
        .usage(vk::BufferUsageFlags::VERTEX_BUFFER | vk::BufferUsageFlags::TRANSFER_DST)
}

fn create_destroy_buffer(gpu: &Gpu) {
    // SAFETY: a valid create info; the buffer is destroyed unused.
    unsafe {
        let buffer = gpu
            .device
            .create_buffer(&buffer_info(), None)
            .expect("a buffer");
        gpu.device.destroy_buffer(black_box(buffer), None);
    }
}

/// `iters` binds, timed, restarting the command buffer every 4096 (untimed).
fn bind_vertex_buffers(gpu: &Gpu, iters: u64) -> Duration {
    let mut total = Duration::ZERO;
    let mut left = iters;
    while left > 0 {
        let batch = left.min(4096);
        gpu.begin();
        let start = Instant::now();
        for _ in 0..batch {
            // SAFETY: a recording command buffer and a bound vertex buffer.
            unsafe {
                gpu.device
                    .cmd_bind_vertex_buffers(gpu.cb, 0, &[gpu.buffer], &[0])
            };
        }
        total += start.elapsed();
        gpu.end();
        left -= batch;
    }
    total
}

fn submit_wait(gpu: &Gpu) {
    let cbs = [gpu.cb];
    // SAFETY: a recorded command buffer, an unsignalled fence; waited before reuse.
    unsafe {
        gpu.device
            .queue_submit(
                gpu.queue,
                &[vk::SubmitInfo::default().command_buffers(&cbs)],
                gpu.fence,
            )
            .expect("submit");
        gpu.device
            .wait_for_fences(&[gpu.fence], true, u64::MAX)
            .expect("wait");
        gpu.device.reset_fences(&[gpu.fence]).expect("reset");
    }
}

fn bench(mode: &str) {
    // SAFETY: loads the system's Vulkan loader.
    let entry = unsafe { ash::Entry::load() }.expect("the Vulkan loader (libvulkan1)");
    // SAFETY: see `Gpu::new`.
    let gpus = unsafe {
        [
            ("no_layer", Gpu::new(&entry, false)),
            ("layer", Gpu::new(&entry, true)),
        ]
    };
    let mut c = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();

    let mut group = c.benchmark_group(format!("{mode}/create_destroy_buffer"));
    for (name, gpu) in &gpus {
        group.bench_function(*name, |b| b.iter(|| create_destroy_buffer(gpu)));
    }
    group.finish();

    let mut group = c.benchmark_group(format!("{mode}/cmd_bind_vertex_buffers"));
    for (name, gpu) in &gpus {
        group.bench_function(*name, |b| {
            b.iter_custom(|iters| bind_vertex_buffers(gpu, iters))
        });
    }
    group.finish();

    let mut group = c.benchmark_group(format!("{mode}/submit_wait"));
    for (name, gpu) in &gpus {
        gpu.begin();
        // SAFETY: a recording command buffer and a transfer-destination buffer.
        unsafe { gpu.device.cmd_fill_buffer(gpu.cb, gpu.buffer, 0, 256, 0) };
        gpu.end();
        group.bench_function(*name, |b| b.iter(|| submit_wait(gpu)));
    }
    group.finish();
    c.final_summary();
}

/// The directory holding `libVkLayer_gpu_ledger.so` as cargo built it for this bench.
fn library() -> PathBuf {
    let exe = std::env::current_exe().expect("the bench's path");
    let deps = exe.parent().expect("its directory");
    [deps, deps.parent().unwrap_or(deps)]
        .iter()
        .map(|d| d.join("libVkLayer_gpu_ledger.so"))
        .find(|p| p.is_file())
        .expect("libVkLayer_gpu_ledger.so next to the bench: run `cargo bench -p gpu-ledger-vulkan-layer`")
}

fn main() {
    if let Ok(mode) = std::env::var(MODE) {
        bench(&mode);
        return;
    }
    let dir = tempfile::tempdir().expect("a temporary directory");
    let manifest = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/VkLayer_gpu_ledger.json"
    ))
    .expect("the manifest")
    .replace(
        "./libVkLayer_gpu_ledger.so",
        &library().display().to_string(),
    );
    std::fs::write(dir.path().join("VkLayer_gpu_ledger.json"), manifest)
        .expect("writing the manifest");
    let exe = std::env::current_exe().expect("the bench's path");
    for mode in ["recording", "off"] {
        let mut child = Command::new(&exe);
        child
            .args(std::env::args_os().skip(1))
            .env(MODE, mode)
            .env("VK_ADD_LAYER_PATH", dir.path())
            .env_remove("VK_LOADER_LAYERS_ENABLE")
            .env_remove("GPU_LEDGER_REPORT")
            .env("GPU_LEDGER_OUT", dir.path().join("bench.gltrace"));
        if mode == "recording" {
            child.env("GPU_LEDGER_TRACE", "1");
        } else {
            child.env_remove("GPU_LEDGER_TRACE");
        }
        let status = child.status().expect("running the bench");
        assert!(status.success(), "the {mode} bench failed: {status}");
    }
}

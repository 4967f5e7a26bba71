//! The layer's place in the instance and device chains: `vkCreateInstance`,
//! `vkDestroyInstance`, `vkCreateDevice`, and the two lookups the loader builds
//! its dispatch tables from, `vkGetInstanceProcAddr` and `vkGetDeviceProcAddr`.
//!
//! An instance joins the recording session (see the `session` module) and a
//! device joins its instance's session. When the session records nothing, the
//! device lookup hands out the next layer's functions directly (only
//! `vkDestroyDevice` stays the layer's, to forget the device), so a layer that
//! is loaded but switched off costs nothing per call. Instance-level calls are
//! rare, so instances live in a locked list; devices in the lock-free registry.
//! A session ends at its last `vkDestroyInstance`, or at exit when a program
//! never destroys it.

use std::ffi::{CStr, c_char};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Once};

use ash::vk::{self, Handle};
use gpu_ledger::Owner;

use crate::device::{Device, MAX_DEVICES, settle_pending, settle_session};
use crate::loader::{dispatch_key, take_device_link, take_instance_link};
use crate::next::DeviceNext;
use crate::session::{self, Session};

/// The layer's name, as its manifest and `vkEnumerate*Properties` spell it.
pub(crate) const LAYER_NAME: &CStr = c"VK_LAYER_gpu_ledger";

/// One instance the layer is part of.
struct Instance {
    key: usize,
    handle: vk::Instance,
    gipa: vk::PFN_vkGetInstanceProcAddr,
    destroy: Option<vk::PFN_vkDestroyInstance>,
    enumerate_device_extensions: Option<vk::PFN_vkEnumerateDeviceExtensionProperties>,
    /// The next layer's `vkSetDebugUtilsObjectNameEXT` as the instance chain
    /// knows it: the loader looks `VK_EXT_debug_utils` device commands up
    /// through `vkGetInstanceProcAddr` (it is an instance extension).
    set_object_name: Option<vk::PFN_vkSetDebugUtilsObjectNameEXT>,
    session: Arc<Session>,
    /// Its number in this process (1 for the first): the key of the devices' owner.
    number: u64,
}

static INSTANCES: Mutex<Vec<&'static Instance>> = Mutex::new(Vec::new());
static INSTANCES_MADE: AtomicU64 = AtomicU64::new(0);

fn instances() -> std::sync::MutexGuard<'static, Vec<&'static Instance>> {
    INSTANCES.lock().unwrap_or_else(|e| e.into_inner())
}

/// The instance with dispatch key `key` (physical devices share their instance's key).
fn instance_by_key(key: usize) -> Option<&'static Instance> {
    instances().iter().copied().find(|i| i.key == key)
}

/// Casts a hook to the loader's generic function pointer type.
macro_rules! generic {
    ($f:expr, $pfn:ty) => {{
        let f: $pfn = $f;
        // SAFETY: a function pointer cast to `PFN_vkVoidFunction`; the loader
        // casts it back to the type its name implies, which is `$pfn`.
        Some(unsafe { std::mem::transmute::<$pfn, unsafe extern "system" fn()>(f) })
    }};
}

/// The layer's `vkGetInstanceProcAddr`.
pub(crate) unsafe extern "system" fn get_instance_proc_addr(
    instance: vk::Instance,
    name: *const c_char,
) -> vk::PFN_vkVoidFunction {
    if name.is_null() {
        return None;
    }
    // SAFETY: the command's valid usage: a NUL-terminated name.
    let name = unsafe { CStr::from_ptr(name) };
    match name.to_bytes() {
        b"vkGetInstanceProcAddr" => {
            return generic!(get_instance_proc_addr, vk::PFN_vkGetInstanceProcAddr);
        }
        b"vkCreateInstance" => return generic!(create_instance, vk::PFN_vkCreateInstance),
        b"vkDestroyInstance" => return generic!(destroy_instance, vk::PFN_vkDestroyInstance),
        b"vkCreateDevice" => return generic!(create_device, vk::PFN_vkCreateDevice),
        b"vkGetDeviceProcAddr" => {
            return generic!(get_device_proc_addr, vk::PFN_vkGetDeviceProcAddr);
        }
        b"vkEnumerateDeviceExtensionProperties" => {
            return generic!(
                enumerate_device_extension_properties,
                vk::PFN_vkEnumerateDeviceExtensionProperties
            );
        }
        _ => {}
    }
    if instance.is_null() {
        return None;
    }
    // SAFETY: a non-NULL instance handed to vkGetInstanceProcAddr is live.
    let key = unsafe { dispatch_key(instance.as_raw()) };
    let next = instance_by_key(key)?;
    if name == c"vkSetDebugUtilsObjectNameEXT"
        && next.session.is_recording()
        && next.set_object_name.is_some()
    {
        return generic!(
            crate::hooks::resources::set_debug_utils_object_name_ext,
            vk::PFN_vkSetDebugUtilsObjectNameEXT
        );
    }
    // SAFETY: the next layer's vkGetInstanceProcAddr with the program's arguments.
    unsafe { (next.gipa)(instance, name.as_ptr()) }
}

/// The layer's `vkGetDeviceProcAddr`: the layer's hook for an intercepted
/// function while the session records, the next layer's answer otherwise.
pub(crate) unsafe extern "system" fn get_device_proc_addr(
    device: vk::Device,
    name: *const c_char,
) -> vk::PFN_vkVoidFunction {
    if name.is_null() || device.is_null() {
        return None;
    }
    // SAFETY: the command's valid usage: a NUL-terminated name.
    let name = unsafe { CStr::from_ptr(name) };
    if name == c"vkGetDeviceProcAddr" {
        return generic!(get_device_proc_addr, vk::PFN_vkGetDeviceProcAddr);
    }
    // SAFETY: a non-NULL device handed to vkGetDeviceProcAddr is live.
    let d = Device::by_key(unsafe { dispatch_key(device.as_raw()) })?;
    if (d.session.is_recording() || name == c"vkDestroyDevice")
        && let Some(hook) = d.next.hook(name)
    {
        return hook;
    }
    // SAFETY: the next layer's vkGetDeviceProcAddr with the program's arguments.
    unsafe { (d.gdpa)(device, name.as_ptr()) }
}

/// The layer's `vkCreateInstance`: joins the chain and the recording session.
unsafe extern "system" fn create_instance(
    info: *const vk::InstanceCreateInfo<'_>,
    allocator: *const vk::AllocationCallbacks<'_>,
    instance: *mut vk::Instance,
) -> vk::Result {
    // SAFETY: the loader calls this with the program's valid create info, to
    // which it added this layer's chain link.
    let Some(gipa) = (unsafe { take_instance_link(&*info) }) else {
        return vk::Result::ERROR_INITIALIZATION_FAILED;
    };
    // SAFETY: the next layer's vkGetInstanceProcAddr, asked for vkCreateInstance
    // with a NULL instance as the loader's interface prescribes; its answer is
    // NULL or that function.
    let create = unsafe {
        std::mem::transmute::<vk::PFN_vkVoidFunction, Option<vk::PFN_vkCreateInstance>>(gipa(
            vk::Instance::null(),
            c"vkCreateInstance".as_ptr(),
        ))
    };
    let Some(create) = create else {
        return vk::Result::ERROR_INITIALIZATION_FAILED;
    };
    EXIT_HANDLER.call_once(|| {
        // SAFETY: registers a plain function with the C library. glibc ties a
        // shared library's handlers to that library and runs them when it is
        // unloaded, if that comes before exit, so the handler never outlives its code.
        unsafe { atexit(finish_at_exit) };
    });
    let session = session::attach();
    // SAFETY: the program's own arguments, passed on to the next layer.
    let result = unsafe { create(info, allocator, instance) };
    if result != vk::Result::SUCCESS {
        end_session(session::detach());
        return result;
    }
    // SAFETY: on success the next layer wrote a live, loader-initialised instance.
    let (handle, key) = unsafe { (*instance, dispatch_key((*instance).as_raw())) };
    // SAFETY: the next layer's lookup, for functions of the instance just made.
    let (destroy, enumerate_device_extensions, set_object_name) = unsafe {
        (
            std::mem::transmute::<vk::PFN_vkVoidFunction, Option<vk::PFN_vkDestroyInstance>>(gipa(
                handle,
                c"vkDestroyInstance".as_ptr(),
            )),
            std::mem::transmute::<
                vk::PFN_vkVoidFunction,
                Option<vk::PFN_vkEnumerateDeviceExtensionProperties>,
            >(gipa(
                handle,
                c"vkEnumerateDeviceExtensionProperties".as_ptr(),
            )),
            std::mem::transmute::<
                vk::PFN_vkVoidFunction,
                Option<vk::PFN_vkSetDebugUtilsObjectNameEXT>,
            >(gipa(handle, c"vkSetDebugUtilsObjectNameEXT".as_ptr())),
        )
    };
    let entry: &'static Instance = Box::leak(Box::new(Instance {
        key,
        handle,
        gipa,
        destroy,
        enumerate_device_extensions,
        set_object_name,
        session,
        number: INSTANCES_MADE.fetch_add(1, Ordering::Relaxed) + 1,
    }));
    instances().push(entry);
    result
}

/// The layer's `vkDestroyInstance`: the last instance out finishes the session.
unsafe extern "system" fn destroy_instance(
    instance: vk::Instance,
    allocator: *const vk::AllocationCallbacks<'_>,
) {
    settle_pending();
    if instance.is_null() {
        return;
    }
    // SAFETY: a non-NULL instance handed to vkDestroyInstance is live.
    let key = unsafe { dispatch_key(instance.as_raw()) };
    let entry = {
        let mut list = instances();
        let position = list.iter().position(|i| i.key == key);
        position.map(|at| list.swap_remove(at))
    };
    let Some(entry) = entry else {
        return;
    };
    if let Some(destroy) = entry.destroy {
        // SAFETY: the program's own arguments, passed on to the next layer.
        unsafe { destroy(instance, allocator) };
    }
    end_session(session::detach());
}

/// Closes a session that has ended: what still waits for a name is recorded
/// (devices the program never destroyed), then the trace is closed.
fn end_session(ended: Option<Arc<Session>>) {
    if let Some(session) = ended {
        settle_session(&session);
        session::finish(&session);
    }
}

static EXIT_HANDLER: Once = Once::new();

unsafe extern "C" {
    /// The C library's `atexit`.
    fn atexit(handler: extern "C" fn()) -> std::ffi::c_int;
}

/// The process is exiting (or the layer is being unloaded) with a session
/// still open, because the program never destroyed its last instance: close
/// it, so that its trace is whole.
extern "C" fn finish_at_exit() {
    let Some(open) = session::take_open() else {
        return;
    };
    // On a thread of its own: the C library has already run the exiting
    // thread's thread-local destructors, recorder buffer included.
    let closing = std::thread::Builder::new()
        .name("gpu-ledger-exit".into())
        .spawn(move || end_session(Some(open)));
    if let Ok(closing) = closing {
        let _ = closing.join();
    }
}

/// The layer's `vkCreateDevice`: joins the device chain and starts following
/// the device in its instance's session.
unsafe extern "system" fn create_device(
    physical_device: vk::PhysicalDevice,
    info: *const vk::DeviceCreateInfo<'_>,
    allocator: *const vk::AllocationCallbacks<'_>,
    device: *mut vk::Device,
) -> vk::Result {
    settle_pending();
    // SAFETY: a physical device handed to vkCreateDevice is live and carries its
    // instance's dispatch key.
    let Some(parent) = instance_by_key(unsafe { dispatch_key(physical_device.as_raw()) }) else {
        return vk::Result::ERROR_INITIALIZATION_FAILED;
    };
    // SAFETY: the loader calls this with the program's valid create info, to
    // which it added this layer's chain link.
    let Some((gipa, gdpa)) = (unsafe { take_device_link(&*info) }) else {
        return vk::Result::ERROR_INITIALIZATION_FAILED;
    };
    // SAFETY: the next layer's lookup for vkCreateDevice, with the instance
    // already made, as the loader's interface prescribes.
    let create = unsafe {
        std::mem::transmute::<vk::PFN_vkVoidFunction, Option<vk::PFN_vkCreateDevice>>(gipa(
            parent.handle,
            c"vkCreateDevice".as_ptr(),
        ))
    };
    let Some(create) = create else {
        return vk::Result::ERROR_INITIALIZATION_FAILED;
    };
    // SAFETY: the program's own arguments, passed on to the next layer.
    let result = unsafe { create(physical_device, info, allocator, device) };
    if result != vk::Result::SUCCESS {
        return result;
    }
    // SAFETY: on success the next layer wrote a live, loader-initialised device.
    let (handle, key) = unsafe { (*device, dispatch_key((*device).as_raw())) };
    // SAFETY: `gdpa` is the next layer's lookup and `handle` the device it made.
    let mut next = unsafe { DeviceNext::load(gdpa, handle) };
    // The instance chain's entry point serves when the device chain has none
    // (the loader dispatches VK_EXT_debug_utils through the instance chain).
    next.set_debug_utils_object_name_ext = next
        .set_debug_utils_object_name_ext
        .or(parent.set_object_name);
    let destroy = next.destroy_device;
    let made_by = Owner::new(parent.session.vocab.by_instance, parent.number);
    if Device::register(key, (next, gdpa), parent.session.clone(), made_by).is_none() {
        eprintln!(
            "gpu-ledger layer: more than {MAX_DEVICES} devices alive at once; refusing another"
        );
        if let Some(destroy) = destroy {
            // SAFETY: the device just made, destroyed with the program's allocator.
            unsafe { destroy(handle, allocator) };
        }
        return vk::Result::ERROR_TOO_MANY_OBJECTS;
    }
    result
}

/// The layer's `vkEnumerateDeviceExtensionProperties`: the layer adds no
/// extension; other queries go down the chain.
unsafe extern "system" fn enumerate_device_extension_properties(
    physical_device: vk::PhysicalDevice,
    layer_name: *const c_char,
    count: *mut u32,
    properties: *mut vk::ExtensionProperties,
) -> vk::Result {
    // SAFETY: the command's valid usage: NULL or a NUL-terminated name.
    if !layer_name.is_null() && unsafe { CStr::from_ptr(layer_name) } == LAYER_NAME {
        // SAFETY: the command's valid usage: `count` is valid for a write.
        unsafe { *count = 0 };
        return vk::Result::SUCCESS;
    }
    // SAFETY: as in `create_device`.
    let parent = instance_by_key(unsafe { dispatch_key(physical_device.as_raw()) });
    match parent.and_then(|p| p.enumerate_device_extensions) {
        // SAFETY: the program's own arguments, passed on to the next layer.
        Some(next) => unsafe { next(physical_device, layer_name, count, properties) },
        None => vk::Result::ERROR_INITIALIZATION_FAILED,
    }
}

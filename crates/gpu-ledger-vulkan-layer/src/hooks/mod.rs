//! The intercepted device functions, one `extern "system"` function per Vulkan
//! command, each with the exact signature of the command it stands in for.
//!
//! Every hook follows one shape: settle this thread's waiting creates (except
//! the memory and naming hooks, which sit between making an object and naming
//! it), find the device, note what the call means for the ledger, and call the
//! next layer with the program's own arguments, unchanged (the present hook
//! alone substitutes a results array when the program passed none, to learn
//! each swapchain's result). A hook never adds a Vulkan call of its own, never
//! waits, and never fails a call the next layer would have accepted: the
//! program runs exactly as without the layer.
//!
//! The pointers a hook reads are the program's arguments, which the Vulkan
//! specification's valid-usage rules require to be valid for the reads made
//! here; that is the safety argument every `// SAFETY:` below refers to as "the
//! command's valid usage".

pub(crate) mod commands;
pub(crate) mod descriptors;
pub(crate) mod device;
pub(crate) mod queue;
pub(crate) mod resources;

use std::ffi::c_void;

use ash::vk;

/// The device of a dispatchable handle, or return (`$fail`) from the hook.
macro_rules! device_or {
    ($handle:expr) => {
        // SAFETY: the loader dispatched this call here through the handle's own
        // dispatch table, so it is live and carries the loader's dispatch key.
        match unsafe { $crate::device::Device::of($handle) } {
            Some(device) => device,
            None => return,
        }
    };
    ($handle:expr, $fail:expr) => {
        // SAFETY: the loader dispatched this call here through the handle's own
        // dispatch table, so it is live and carries the loader's dispatch key.
        match unsafe { $crate::device::Device::of($handle) } {
            Some(device) => device,
            None => return $fail,
        }
    };
}
pub(crate) use device_or;

/// The next layer's entry point for `$field`, or return `$fail` from the hook
/// (never the case: the hook is only handed out when the entry point exists).
macro_rules! next_or {
    ($device:expr, $field:ident, $fail:expr) => {
        match $device.next.$field {
            Some(next) => next,
            None => return $fail,
        }
    };
}
pub(crate) use next_or;

/// A hook under each of several names (a core command and its extension
/// aliases), each calling `$with` with the next layer's entry point for its
/// own name, since the next layer may expose only one of them.
macro_rules! aliases {
    ($( $(#[$doc:meta])* $name:ident ),+ => $with:ident $params:tt) => {
        $( $crate::hooks::aliases!(@one $(#[$doc])* $name $with $params); )+
    };
    (@one $(#[$doc:meta])* $name:ident $with:ident
        ($first:ident: $first_ty:ty $(, $arg:ident: $ty:ty)* $(,)?)) => {
        $(#[$doc])*
        pub(crate) unsafe extern "system" fn $name(
            $first: $first_ty $(, $arg: $ty)*
        ) -> vk::Result {
            const FAIL: vk::Result = vk::Result::ERROR_INITIALIZATION_FAILED;
            let d = $crate::hooks::device_or!($first, FAIL);
            let next = $crate::hooks::next_or!(d, $name, FAIL);
            // SAFETY: the program's own arguments, and the next layer's entry
            // point for the very name the program called.
            unsafe { $with(d, next, $first $(, $arg)*) }
        }
    };
}
pub(crate) use aliases;

/// `count` elements at `ptr` as a slice (empty for a NULL pointer or a zero count).
///
/// # Safety
/// A non-NULL `ptr` must be valid for reading `count` elements for `'a`.
#[inline]
pub(crate) unsafe fn slice<'a, T>(ptr: *const T, count: u32) -> &'a [T] {
    if ptr.is_null() || count == 0 {
        return &[];
    }
    // SAFETY: the caller's promise.
    unsafe { std::slice::from_raw_parts(ptr, count as usize) }
}

/// The structure of type `s_type` in a `pNext` chain, read as a `T`.
///
/// # Safety
/// `p_next` must be NULL or the head of a valid `pNext` chain, and a node of
/// type `s_type` must be a `T` (the Vulkan registry's pairing).
pub(crate) unsafe fn find_in_chain<'a, T>(
    p_next: *const c_void,
    s_type: vk::StructureType,
) -> Option<&'a T> {
    let mut node = p_next.cast::<vk::BaseInStructure<'static>>();
    while !node.is_null() {
        // SAFETY: a non-NULL node of a valid chain (the caller's promise).
        let base = unsafe { &*node };
        if base.s_type == s_type {
            // SAFETY: the node's sType says it is a `T` (the caller's promise).
            return Some(unsafe { &*node.cast::<T>() });
        }
        node = base.p_next;
    }
    None
}

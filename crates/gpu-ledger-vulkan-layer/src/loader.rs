//! The Vulkan loader's layer interface: the structures `vk_layer.h` declares
//! and `ash` does not, and the two ways a layer finds its place in a call chain.
//!
//! The loader hands each layer the next link of the instance and device chains
//! inside the create-info `pNext` chain (`VkLayerInstanceCreateInfo`,
//! `VkLayerDeviceCreateInfo`), negotiates the interface version through
//! `vkNegotiateLoaderLayerInterfaceVersion`, and writes its own dispatch-table
//! pointer into the first word of every dispatchable object, which is the key a
//! layer finds its per-instance and per-device data by. The layouts here mirror
//! `vk_layer.h` (Vulkan-Headers) field for field; tests pin their sizes and
//! offsets. This module must never call into Vulkan: it only reads and advances
//! the structures the loader passed in.

use std::ffi::{c_char, c_void};

use ash::vk;

/// `VkNegotiateLayerStructType::LAYER_NEGOTIATE_INTERFACE_STRUCT`.
pub(crate) const LAYER_NEGOTIATE_INTERFACE_STRUCT: u32 = 1;
/// The newest loader-layer interface version this layer speaks (the loader's
/// `CURRENT_LOADER_LAYER_INTERFACE_VERSION`): GetInstanceProcAddr and
/// GetDeviceProcAddr handed over at negotiation, no physical-device entry points.
pub(crate) const LAYER_INTERFACE_VERSION: u32 = 2;
/// `VkLayerFunction::VK_LAYER_LINK_INFO`: the union holds the next chain link.
const VK_LAYER_LINK_INFO: u32 = 0;

/// `PFN_GetPhysicalDeviceProcAddr`: the loader's per-layer physical-device lookup.
pub(crate) type PfnGetPhysicalDeviceProcAddr = unsafe extern "system" fn(
    instance: vk::Instance,
    name: *const c_char,
) -> vk::PFN_vkVoidFunction;

/// `VkNegotiateLayerInterface`: what the loader and the layer agree on.
#[repr(C)]
#[derive(Debug)]
pub(crate) struct NegotiateLayerInterface {
    /// `LAYER_NEGOTIATE_INTERFACE_STRUCT`.
    pub(crate) s_type: u32,
    pub(crate) p_next: *mut c_void,
    /// In: the loader's newest version; out: the version the layer will use.
    pub(crate) loader_layer_interface_version: u32,
    pub(crate) pfn_get_instance_proc_addr: Option<vk::PFN_vkGetInstanceProcAddr>,
    pub(crate) pfn_get_device_proc_addr: Option<vk::PFN_vkGetDeviceProcAddr>,
    pub(crate) pfn_get_physical_device_proc_addr: Option<PfnGetPhysicalDeviceProcAddr>,
}

/// `VkLayerInstanceLink`: one node of the instance chain.
#[repr(C)]
#[derive(Debug)]
pub(crate) struct LayerInstanceLink {
    pub(crate) p_next: *mut LayerInstanceLink,
    pub(crate) pfn_next_get_instance_proc_addr: vk::PFN_vkGetInstanceProcAddr,
    pub(crate) pfn_next_get_physical_device_proc_addr: Option<PfnGetPhysicalDeviceProcAddr>,
}

/// `VkLayerDeviceLink`: one node of the device chain.
#[repr(C)]
#[derive(Debug)]
pub(crate) struct LayerDeviceLink {
    pub(crate) p_next: *mut LayerDeviceLink,
    pub(crate) pfn_next_get_instance_proc_addr: vk::PFN_vkGetInstanceProcAddr,
    pub(crate) pfn_next_get_device_proc_addr: vk::PFN_vkGetDeviceProcAddr,
}

/// The union of `VkLayerInstanceCreateInfo` and `VkLayerDeviceCreateInfo`: only
/// the link is read here; the other members (loader-data callbacks, layer
/// create-device callbacks, loader feature flags) fix the union's size.
#[repr(C)]
#[derive(Clone, Copy)]
pub(crate) union LayerCreateInfoUnion<L: Copy> {
    pub(crate) p_layer_info: L,
    /// `layerDevice`: two function pointers, the union's largest member.
    layer_device: [*const c_void; 2],
}

/// `VkLayerInstanceCreateInfo` / `VkLayerDeviceCreateInfo` (same layout, one
/// link type each): a loader structure in the create info's `pNext` chain.
#[repr(C)]
pub(crate) struct LayerCreateInfo<L: Copy> {
    /// `VK_STRUCTURE_TYPE_LOADER_INSTANCE_CREATE_INFO` or `..._DEVICE_...`.
    pub(crate) s_type: vk::StructureType,
    pub(crate) p_next: *const c_void,
    /// `VkLayerFunction`: which union member is set.
    pub(crate) function: u32,
    pub(crate) u: LayerCreateInfoUnion<L>,
}

/// `VkLayerInstanceCreateInfo`.
pub(crate) type LayerInstanceCreateInfo = LayerCreateInfo<*mut LayerInstanceLink>;
/// `VkLayerDeviceCreateInfo`.
pub(crate) type LayerDeviceCreateInfo = LayerCreateInfo<*mut LayerDeviceLink>;

/// Finds the loader's link structure of type `s_type` in a create info's `pNext`
/// chain, starting at `p_next`.
///
/// # Safety
/// `p_next` must be NULL or the head of a valid `pNext` chain (every node starts
/// with `sType` and `pNext`), as the loader passes to `vkCreateInstance` and
/// `vkCreateDevice`; nodes of type `s_type` must be the loader's structures.
unsafe fn find_link<L: Copy>(
    p_next: *const c_void,
    s_type: vk::StructureType,
) -> Option<*mut LayerCreateInfo<L>> {
    let mut node = p_next.cast::<vk::BaseInStructure<'static>>();
    while !node.is_null() {
        // SAFETY: `node` is a non-NULL node of a valid pNext chain (the caller's promise).
        let base = unsafe { &*node };
        if base.s_type == s_type {
            let info = node.cast::<LayerCreateInfo<L>>().cast_mut();
            // SAFETY: a node of this sType is the loader's LayerCreateInfo, whose
            // `function` field follows sType and pNext as in vk_layer.h.
            if unsafe { (*info).function } == VK_LAYER_LINK_INFO {
                return Some(info);
            }
        }
        node = base.p_next;
    }
    None
}

/// The next instance link for this layer, advanced past it so that the next
/// layer down finds its own (the loader's protocol for `vkCreateInstance`).
///
/// Returns the next entity's `vkGetInstanceProcAddr`, or `None` when the create
/// info carries no link (the layer was not loaded by a loader).
///
/// # Safety
/// `info` must be the `VkInstanceCreateInfo` the loader passed to this layer's
/// `vkCreateInstance`.
pub(crate) unsafe fn take_instance_link(
    info: &vk::InstanceCreateInfo<'_>,
) -> Option<vk::PFN_vkGetInstanceProcAddr> {
    // SAFETY: the loader's create info has a valid pNext chain (caller's promise).
    let chain: *mut LayerInstanceCreateInfo =
        unsafe { find_link(info.p_next, vk::StructureType::LOADER_INSTANCE_CREATE_INFO) }?;
    // SAFETY: `chain` points at the loader's VkLayerInstanceCreateInfo with
    // function == VK_LAYER_LINK_INFO, so `u.pLayerInfo` is the live link list;
    // the loader expects each layer to advance it in place.
    unsafe {
        let link = (*chain).u.p_layer_info;
        if link.is_null() {
            return None;
        }
        let gipa = (*link).pfn_next_get_instance_proc_addr;
        (*chain).u.p_layer_info = (*link).p_next;
        Some(gipa)
    }
}

/// The next device link for this layer (its `vkGetInstanceProcAddr` and
/// `vkGetDeviceProcAddr`), advanced past it like [`take_instance_link`].
///
/// # Safety
/// `info` must be the `VkDeviceCreateInfo` the loader passed to this layer's
/// `vkCreateDevice`.
pub(crate) unsafe fn take_device_link(
    info: &vk::DeviceCreateInfo<'_>,
) -> Option<(vk::PFN_vkGetInstanceProcAddr, vk::PFN_vkGetDeviceProcAddr)> {
    // SAFETY: the loader's create info has a valid pNext chain (caller's promise).
    let chain: *mut LayerDeviceCreateInfo =
        unsafe { find_link(info.p_next, vk::StructureType::LOADER_DEVICE_CREATE_INFO) }?;
    // SAFETY: as in `take_instance_link`, for the device chain.
    unsafe {
        let link = (*chain).u.p_layer_info;
        if link.is_null() {
            return None;
        }
        let next = (
            (*link).pfn_next_get_instance_proc_addr,
            (*link).pfn_next_get_device_proc_addr,
        );
        (*chain).u.p_layer_info = (*link).p_next;
        Some(next)
    }
}

/// The loader's dispatch key of a dispatchable handle (`VkInstance`,
/// `VkPhysicalDevice`, `VkDevice`, `VkQueue`, `VkCommandBuffer`): the dispatch
/// table pointer the loader stores in the object's first word. Queues and
/// command buffers share their device's key; physical devices their instance's.
///
/// # Safety
/// `raw` must be a live dispatchable handle that the loader has initialised.
#[inline]
pub(crate) unsafe fn dispatch_key(raw: u64) -> usize {
    // SAFETY: a live dispatchable handle points at an object whose first word is
    // the loader's dispatch pointer (the loader-driver interface requires it).
    unsafe { *(raw as usize as *const usize) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::mem::{offset_of, size_of};

    #[test]
    fn structures_have_vk_layer_h_layouts() {
        // vk_layer.h on LP64: sType (4) + pad, pNext, uint32 + pad, then pointers.
        assert_eq!(size_of::<NegotiateLayerInterface>(), 48);
        assert_eq!(
            offset_of!(NegotiateLayerInterface, loader_layer_interface_version),
            16
        );
        assert_eq!(
            offset_of!(NegotiateLayerInterface, pfn_get_instance_proc_addr),
            24
        );
        assert_eq!(
            offset_of!(NegotiateLayerInterface, pfn_get_physical_device_proc_addr),
            40
        );
        assert_eq!(size_of::<LayerInstanceLink>(), 24);
        assert_eq!(size_of::<LayerDeviceLink>(), 24);
        assert_eq!(offset_of!(LayerInstanceCreateInfo, function), 16);
        assert_eq!(offset_of!(LayerInstanceCreateInfo, u), 24);
        assert_eq!(size_of::<LayerInstanceCreateInfo>(), 40);
        assert_eq!(size_of::<LayerDeviceCreateInfo>(), 40);
    }

    unsafe extern "system" fn fake_gipa(
        _: vk::Instance,
        _: *const c_char,
    ) -> vk::PFN_vkVoidFunction {
        None
    }

    #[test]
    fn instance_link_is_found_behind_other_structures_and_advanced() {
        let mut second = LayerInstanceLink {
            p_next: std::ptr::null_mut(),
            pfn_next_get_instance_proc_addr: fake_gipa,
            pfn_next_get_physical_device_proc_addr: None,
        };
        let mut first = LayerInstanceLink {
            p_next: &mut second,
            pfn_next_get_instance_proc_addr: fake_gipa,
            pfn_next_get_physical_device_proc_addr: None,
        };
        let mut loader = LayerInstanceCreateInfo {
            s_type: vk::StructureType::LOADER_INSTANCE_CREATE_INFO,
            p_next: std::ptr::null(),
            function: VK_LAYER_LINK_INFO,
            u: LayerCreateInfoUnion {
                p_layer_info: &mut first,
            },
        };
        let validation = vk::ValidationFeaturesEXT {
            p_next: (&mut loader as *mut LayerInstanceCreateInfo)
                .cast_const()
                .cast(),
            ..Default::default()
        };
        let info = vk::InstanceCreateInfo {
            p_next: (&validation as *const vk::ValidationFeaturesEXT<'_>).cast(),
            ..Default::default()
        };
        // SAFETY: a well-formed chain built on this stack frame.
        let gipa = unsafe { take_instance_link(&info) };
        assert!(gipa.is_some(), "the link behind another structure is found");
        // SAFETY: reading back the union member written above.
        let advanced = unsafe { loader.u.p_layer_info };
        assert_eq!(
            advanced, &mut second as *mut LayerInstanceLink,
            "the chain moved to the next layer"
        );
        let empty = vk::InstanceCreateInfo::default();
        // SAFETY: no pNext chain at all.
        assert!(unsafe { take_instance_link(&empty) }.is_none());
    }
}

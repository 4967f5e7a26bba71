//! The Vulkan objects a device has made, by handle: each one's ledger identity,
//! what it is made of, and whether its `Create` has been recorded yet.
//!
//! A create is recorded once the object is *complete*, not at `vkCreate*`:
//! programs name an object (`vkSetDebugUtilsObjectNameEXT`) right after making
//! it and binding its memory, and that name is its owner, which the event must
//! carry. So an object waits here, unrecorded, until it is named, referenced
//! (a view of it, a submission touching it, its destroy) or the creating thread
//! moves on to an unrelated call (see `device::settle_pending`); whichever comes
//! first records its `Create` and every later event follows it. Handles are
//! keyed per device and kind; a handle the driver reuses after a destroy is a
//! new object with a new id. Nothing here calls Vulkan: it only records into
//! the ledger it is given.

use gpu_ledger::{Dims, Ledger, Owner, OwnerKind, ResourceId, ResourceType};
use rustc_hash::FxHashMap;

/// The kinds of Vulkan object the layer follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Kind {
    /// `VkImage`, swapchain images included.
    Image,
    /// `VkImageView`.
    ImageView,
    /// `VkBuffer`.
    Buffer,
    /// `VkDeviceMemory`.
    Memory,
    /// `VkFramebuffer`.
    Framebuffer,
    /// `VkCommandPool`.
    CommandPool,
    /// `VkCommandBuffer`.
    CommandBuffer,
    /// `VkSwapchainKHR`.
    Swapchain,
}

const KINDS: usize = 8;

impl Kind {
    fn index(self) -> usize {
        self as usize
    }
}

/// One followed object.
#[derive(Clone, Debug)]
pub(crate) struct Object {
    /// Its ledger identity.
    pub(crate) id: ResourceId,
    /// The resource type it is recorded as.
    pub(crate) ty: ResourceType,
    /// Its owner: the creating device, pool or swapchain until a debug name says otherwise.
    pub(crate) owner: Owner,
    /// Its size, when it has one.
    pub(crate) dims: Option<Dims>,
    /// Whether its `Create` is in the ledger.
    pub(crate) recorded: bool,
    /// What it belongs to or is made of, touched along with it: an image's
    /// memory or swapchain, a view's image, a command buffer's pool.
    pub(crate) parent: Option<(Kind, u64)>,
    /// A framebuffer's attachments (image views), touched along with it.
    pub(crate) parts: Vec<u64>,
    /// What it owns and destroys with itself: a pool's command buffers, a
    /// swapchain's images (in `vkGetSwapchainImagesKHR` order).
    pub(crate) children: Vec<u64>,
}

impl Object {
    /// A new, not yet recorded object.
    pub(crate) fn new(id: ResourceId, ty: ResourceType, owner: Owner, dims: Option<Dims>) -> Self {
        Self {
            id,
            ty,
            owner,
            dims,
            recorded: false,
            parent: None,
            parts: Vec::new(),
            children: Vec::new(),
        }
    }

    fn settle(&mut self, ledger: &Ledger) {
        if !self.recorded {
            self.recorded = true;
            ledger.create(self.id, self.ty, self.owner, self.dims);
        }
    }
}

/// Every object of one device.
#[derive(Debug, Default)]
pub(crate) struct Objects {
    maps: [FxHashMap<u64, Object>; KINDS],
}

impl Objects {
    /// Starts following `object` under `handle`; its create is not recorded yet.
    /// A live object under the same handle (a driver that reused a handle the
    /// layer never saw destroyed) is replaced.
    pub(crate) fn insert(&mut self, kind: Kind, handle: u64, object: Object) {
        self.maps[kind.index()].insert(handle, object);
    }

    /// The object under `handle`.
    pub(crate) fn get(&self, kind: Kind, handle: u64) -> Option<&Object> {
        self.maps[kind.index()].get(&handle)
    }

    /// The object under `handle`, to update its links.
    pub(crate) fn get_mut(&mut self, kind: Kind, handle: u64) -> Option<&mut Object> {
        self.maps[kind.index()].get_mut(&handle)
    }

    /// Records the object's create if it is still waiting, and returns its id.
    pub(crate) fn settle(
        &mut self,
        kind: Kind,
        handle: u64,
        ledger: &Ledger,
    ) -> Option<ResourceId> {
        let object = self.maps[kind.index()].get_mut(&handle)?;
        object.settle(ledger);
        Some(object.id)
    }

    /// The program named the object: a still-waiting object takes `owner_kind`
    /// (keeping its owner's key) and its create is recorded now. Returns whether
    /// the name became its owner; a name given after the object was recorded
    /// changes nothing (an event is a fact about the past).
    pub(crate) fn name(
        &mut self,
        kind: Kind,
        handle: u64,
        owner_kind: OwnerKind,
        ledger: &Ledger,
    ) -> bool {
        let Some(object) = self.maps[kind.index()].get_mut(&handle) else {
            return false;
        };
        if object.recorded {
            return false;
        }
        object.owner.kind = owner_kind;
        object.settle(ledger);
        true
    }

    /// Stops following the object and records its destroy (after its create,
    /// if that was still waiting). Returns it, for its children.
    pub(crate) fn destroy(&mut self, kind: Kind, handle: u64, ledger: &Ledger) -> Option<Object> {
        let mut object = self.maps[kind.index()].remove(&handle)?;
        object.settle(ledger);
        ledger.destroy(object.id, object.ty, object.owner);
        Some(object)
    }

    /// Appends the ids a reference to the object touches: its own, then what it
    /// belongs to or is made of (a view's image and that image's memory, a
    /// framebuffer's attachments), settling each create first. Unknown handles
    /// (objects the layer never saw made) add nothing.
    pub(crate) fn expand(
        &mut self,
        kind: Kind,
        handle: u64,
        ledger: &Ledger,
        out: &mut Vec<ResourceId>,
    ) {
        let mut next = Some((kind, handle));
        while let Some((kind, handle)) = next.take() {
            let Some(object) = self.maps[kind.index()].get_mut(&handle) else {
                break;
            };
            object.settle(ledger);
            out.push(object.id);
            next = object.parent;
            if kind == Kind::Framebuffer && !object.parts.is_empty() {
                let parts = object.parts.clone();
                for view in parts {
                    self.expand(Kind::ImageView, view, ledger, out);
                }
            }
        }
    }

    /// Records every create still waiting (the device is going away).
    pub(crate) fn settle_all(&mut self, ledger: &Ledger) {
        for map in &mut self.maps {
            // Sorted by id so that the events come out in creation order.
            let mut waiting: Vec<&mut Object> = map.values_mut().filter(|o| !o.recorded).collect();
            waiting.sort_by_key(|o| o.id);
            for object in waiting {
                object.settle(ledger);
            }
        }
    }

    /// Forgets everything (the device was destroyed; what the program leaked
    /// stays live in the trace, as it did on the GPU).
    pub(crate) fn clear(&mut self) {
        for map in &mut self.maps {
            *map = FxHashMap::default();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gpu_ledger::{Collected, EventKind, LedgerConfig, ResourceAction};

    fn owner() -> Owner {
        Owner::new(OwnerKind::RootVisual, 1)
    }

    fn actions(ledger: Ledger) -> Vec<(ResourceAction, u64, OwnerKind)> {
        let collected = ledger
            .finish()
            .into_sink::<Collected>()
            .expect("a Collected sink");
        collected
            .events
            .iter()
            .filter_map(|e| match e.kind {
                EventKind::Resource {
                    action, resource, ..
                } => Some((action, resource.id.0, resource.owner.kind)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_named_object_is_recorded_once_with_its_name_as_owner() {
        let ledger = Ledger::start(LedgerConfig::default(), Collected::default());
        let mut objects = Objects::default();
        objects.insert(
            Kind::Image,
            0xa,
            Object::new(ResourceId(1), ResourceType::Texture, owner(), None),
        );
        assert!(objects.name(Kind::Image, 0xa, OwnerKind::ChildVisual, &ledger));
        assert!(
            !objects.name(Kind::Image, 0xa, OwnerKind::EffectPipeline, &ledger),
            "too late to rename"
        );
        objects.destroy(Kind::Image, 0xa, &ledger);
        assert_eq!(
            actions(ledger),
            vec![
                (ResourceAction::Create, 1, OwnerKind::ChildVisual),
                (ResourceAction::Destroy, 1, OwnerKind::ChildVisual),
            ]
        );
    }

    #[test]
    fn touching_a_framebuffer_settles_and_touches_its_views_images_and_memory() {
        let ledger = Ledger::start(LedgerConfig::default(), Collected::default());
        let mut objects = Objects::default();
        let new = |id| Object::new(ResourceId(id), ResourceType::Texture, owner(), None);
        objects.insert(Kind::Memory, 0x1, new(1));
        let mut image = new(2);
        image.parent = Some((Kind::Memory, 0x1));
        objects.insert(Kind::Image, 0x2, image);
        let mut view = new(3);
        view.parent = Some((Kind::Image, 0x2));
        objects.insert(Kind::ImageView, 0x3, view);
        let mut framebuffer = new(4);
        framebuffer.parts = vec![0x3, 0x99];
        objects.insert(Kind::Framebuffer, 0x4, framebuffer);
        let mut ids = Vec::new();
        objects.expand(Kind::Framebuffer, 0x4, &ledger, &mut ids);
        assert_eq!(
            ids,
            vec![ResourceId(4), ResourceId(3), ResourceId(2), ResourceId(1)]
        );
        objects.expand(Kind::Buffer, 0x77, &ledger, &mut ids);
        assert_eq!(ids.len(), 4, "an unknown handle touches nothing");
        let creates: Vec<u64> = actions(ledger).into_iter().map(|(_, id, _)| id).collect();
        assert_eq!(
            creates,
            vec![4, 3, 2, 1],
            "each create recorded once, before any touch"
        );
    }

    #[test]
    fn destroying_a_waiting_object_records_its_create_first() {
        let ledger = Ledger::start(LedgerConfig::default(), Collected::default());
        let mut objects = Objects::default();
        objects.insert(
            Kind::Buffer,
            0xb,
            Object::new(ResourceId(9), ResourceType::Buffer, owner(), None),
        );
        assert!(objects.destroy(Kind::Buffer, 0xb, &ledger).is_some());
        assert!(
            objects.destroy(Kind::Buffer, 0xb, &ledger).is_none(),
            "gone after its destroy"
        );
        let got: Vec<ResourceAction> = actions(ledger).into_iter().map(|(a, ..)| a).collect();
        assert_eq!(got, vec![ResourceAction::Create, ResourceAction::Destroy]);
    }
}

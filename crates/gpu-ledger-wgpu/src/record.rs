//! The identity every tracked wrapper shares between its clones, and the one place
//! that records its lifecycle.
//!
//! A [`Record`] is created once per resource, behind an `Arc` that all clones of
//! a wrapper hold. It records `Create` when made and `Destroy` exactly once: on
//! an explicit destroy, or when the last clone drops it. It must never record a
//! second destroy, never record anything after the destroy, and never touch wgpu:
//! the wrappers own their wgpu objects, this module owns only the ledger side.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};

use gpu_ledger::{Dims, Ledger, Owner, Resource, ResourceAction, ResourceId, ResourceType};

/// The ledger identity of one tracked resource.
#[derive(Debug)]
pub(crate) struct Record {
    ledger: Arc<Ledger>,
    resource: Resource,
    /// The backing scale (`f32` bits) reported with sizes; 0 when unknown.
    scale: AtomicU32,
    destroyed: AtomicBool,
}

impl Record {
    /// A fresh id on `ledger`, with its `Create` event recorded.
    pub(crate) fn create(
        ledger: Arc<Ledger>,
        ty: ResourceType,
        owner: Owner,
        dims: Option<Dims>,
    ) -> Arc<Self> {
        let id = ledger.next_resource_id();
        ledger.create(id, ty, owner, dims);
        Arc::new(Self {
            resource: Resource { id, ty, owner },
            scale: AtomicU32::new(dims.map_or(0.0, |d| d.scale).to_bits()),
            ledger,
            destroyed: AtomicBool::new(false),
        })
    }

    pub(crate) fn ledger(&self) -> &Arc<Ledger> {
        &self.ledger
    }

    pub(crate) fn id(&self) -> ResourceId {
        self.resource.id
    }

    pub(crate) fn ty(&self) -> ResourceType {
        self.resource.ty
    }

    pub(crate) fn owner(&self) -> Owner {
        self.resource.owner
    }

    pub(crate) fn scale(&self) -> f32 {
        f32::from_bits(self.scale.load(Ordering::Relaxed))
    }

    pub(crate) fn set_scale(&self, scale: f32) {
        self.scale.store(scale.to_bits(), Ordering::Relaxed);
    }

    pub(crate) fn is_destroyed(&self) -> bool {
        self.destroyed.load(Ordering::Acquire)
    }

    /// Marks the resource destroyed and records `Destroy`; `false` (and nothing
    /// recorded) when it already was.
    pub(crate) fn destroy(&self) -> bool {
        if self.destroyed.swap(true, Ordering::AcqRel) {
            return false;
        }
        self.record(ResourceAction::Destroy, None);
        true
    }

    /// Records `action` with the calling thread's current packet.
    pub(crate) fn record(&self, action: ResourceAction, dims: Option<Dims>) {
        let Resource { id, ty, owner } = self.resource;
        self.ledger.resource(action, id, ty, owner, dims);
    }

    /// Records that the calling thread's current packet used the resource.
    pub(crate) fn touch(&self) {
        self.ledger.touch(self.resource.id);
    }
}

impl Drop for Record {
    fn drop(&mut self) {
        if !*self.destroyed.get_mut() {
            self.record(ResourceAction::Destroy, None);
        }
    }
}

/// The accessors and recording helpers every tracked wrapper has, identical in
/// each, documented once here. `$what` names the wrapped thing in the docs.
macro_rules! impl_tracked {
    ($ty:ident, $what:literal) => {
        impl $ty {
            #[doc = concat!("The ledger id of this ", $what, ": the same for every clone and across resize rebuilds.")]
            pub fn id(&self) -> gpu_ledger::ResourceId {
                self.record.id()
            }

            #[doc = concat!("The resource type this ", $what, " is recorded as.")]
            pub fn resource_type(&self) -> gpu_ledger::ResourceType {
                self.record.ty()
            }

            #[doc = concat!("Who owns this ", $what, ".")]
            pub fn owner(&self) -> gpu_ledger::Owner {
                self.record.owner()
            }

            #[doc = concat!("The ledger this ", $what, " records into.")]
            pub fn ledger(&self) -> &std::sync::Arc<gpu_ledger::Ledger> {
                self.record.ledger()
            }

            #[doc = concat!("Whether this ", $what, " (or a clone of it) was explicitly destroyed.")]
            pub fn is_destroyed(&self) -> bool {
                self.record.is_destroyed()
            }

            #[doc = concat!("Records that this ", $what, " was bound for use (to a visual, a pass, a tree),")]
            /// with the calling thread's current packet. One ledger event.
            pub fn bind(&self) {
                self.record.record(gpu_ledger::ResourceAction::Bind, None);
            }

            #[doc = concat!("Records that this ", $what, " was unbound,")]
            /// with the calling thread's current packet. One ledger event.
            pub fn unbind(&self) {
                self.record.record(gpu_ledger::ResourceAction::Unbind, None);
            }

            #[doc = concat!("Records that the calling thread's current packet used this ", $what, ";")]
            /// records nothing outside a packet scope. One ledger event.
            pub fn touch(&self) {
                self.record.touch();
            }
        }
    };
}

pub(crate) use impl_tracked;

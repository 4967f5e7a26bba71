//! [`TrackedResource`]: a tracked identity with no wgpu object behind it.
//!
//! A compositor owns objects wgpu has no type for (a command queue per native
//! target, fences, visuals, command-buffer slots) but whose churn matters as much
//! as a texture's. This module gives them the same lifecycle recording as the
//! wgpu wrappers: `Create` when made, `Destroy` exactly once. It must never touch
//! wgpu.

use std::sync::Arc;

use gpu_ledger::{Dims, Ledger, Owner, ResourceAction, ResourceType};

use crate::error::{Error, ErrorKind};
use crate::record::{Record, impl_tracked};

/// A resource of any type, recorded in a [`Ledger`] with its owner: the
/// drop-guard form of [`Ledger::create`] / [`Ledger::destroy`].
///
/// # What it records
/// - `Create` (with `dims`, when given) when made;
/// - `ResizeRebuild` on [`resize_rebuild`](Self::resize_rebuild);
/// - `Bind` / `Unbind` / `Touched` on [`bind`](Self::bind), [`unbind`](Self::unbind),
///   [`touch`](Self::touch);
/// - `Destroy` exactly once: on [`destroy`](Self::destroy), or when the last clone drops.
///
/// # Cost
/// One ledger event per recording call (tens of nanoseconds, no lock, no
/// allocation); creating one allocates a shared record once.
///
/// # Example
/// ```
/// use std::sync::Arc;
/// use gpu_ledger::{Collected, Ledger, LedgerConfig, Owner, OwnerKind, ResourceType};
/// use gpu_ledger_wgpu::TrackedResource;
///
/// let ledger = Arc::new(Ledger::start(LedgerConfig::default(), Collected::default()));
/// let owner = Owner::new(OwnerKind::RootVisual, 7);
/// let queue = TrackedResource::new(ledger.clone(), ResourceType::CommandQueue, owner, None);
/// let shared = queue.clone();
/// drop(queue);
/// drop(shared); // the last handle: `Destroy` is recorded now, once
/// let collected = ledger.finish().into_sink::<Collected>().unwrap();
/// assert_eq!(collected.events.len(), 3); // create, destroy, and the clean end
/// ```
#[derive(Clone, Debug)]
pub struct TrackedResource {
    record: Arc<Record>,
}

impl TrackedResource {
    /// A fresh resource on `ledger`, with its `Create` recorded now.
    pub fn new(ledger: Arc<Ledger>, ty: ResourceType, owner: Owner, dims: Option<Dims>) -> Self {
        Self {
            record: Record::create(ledger, ty, owner, dims),
        }
    }

    /// Records `Destroy`, once: later calls, on this handle or any clone, and the
    /// final drop record nothing more.
    pub fn destroy(&self) {
        self.record.destroy();
    }

    /// Records that the resource rebuilt its backing storage at `dims`, keeping its id.
    ///
    /// # Errors
    /// [`ErrorKind::Destroyed`] when the resource was already destroyed; nothing is
    /// recorded then.
    pub fn resize_rebuild(&self, dims: Option<Dims>) -> Result<(), Error> {
        if self.record.is_destroyed() {
            return Err(Error::new(
                ErrorKind::Destroyed,
                format!(
                    "cannot rebuild resource {}: it was already destroyed; create a new one",
                    self.record.id().0
                ),
                None,
            ));
        }
        if let Some(d) = dims {
            self.record.set_scale(d.scale);
        }
        self.record.record(ResourceAction::ResizeRebuild, dims);
        Ok(())
    }
}

impl_tracked!(TrackedResource, "resource");

#[cfg(test)]
mod tests {
    use super::*;
    use gpu_ledger::{Collected, EventKind, LedgerConfig, OwnerKind, PacketRef, Resource};

    fn started() -> Arc<Ledger> {
        Arc::new(Ledger::start(LedgerConfig::default(), Collected::default()))
    }

    /// What `ledger` recorded, without the clean-end marker that ends every finished stream.
    fn kinds(ledger: &Ledger) -> Vec<EventKind> {
        let collected = ledger
            .finish()
            .into_sink::<Collected>()
            .expect("a Collected sink");
        let mut kinds: Vec<EventKind> = collected.events.iter().map(|e| e.kind).collect();
        assert_eq!(
            kinds.pop(),
            Some(EventKind::Marker(gpu_ledger::Marker::CleanEnd))
        );
        kinds
    }

    #[test]
    fn destroy_is_recorded_once_across_clones_calls_and_drops() {
        let ledger = started();
        let owner = Owner::new(OwnerKind::RootVisual, 1);
        let fence = TrackedResource::new(ledger.clone(), ResourceType::Fence, owner, None);
        let clone = fence.clone();
        fence.destroy();
        clone.destroy();
        let resource = Resource {
            id: fence.id(),
            ty: ResourceType::Fence,
            owner,
        };
        drop((fence, clone));

        let event = |action| EventKind::Resource {
            action,
            resource,
            dims: None,
            packet: None,
        };
        assert_eq!(
            vec![
                event(ResourceAction::Create),
                event(ResourceAction::Destroy)
            ],
            kinds(&ledger)
        );
    }

    #[test]
    fn destroy_on_drop_carries_the_dropping_threads_packet() {
        let ledger = started();
        let owner = Owner::new(OwnerKind::ChildVisual, 4);
        let queue = TrackedResource::new(ledger.clone(), ResourceType::CommandQueue, owner, None);
        let resource = Resource {
            id: queue.id(),
            ty: ResourceType::CommandQueue,
            owner,
        };
        let packet = PacketRef::new(1, 3);
        {
            let _scope = ledger.enter_packet(packet);
            drop(queue);
        }

        assert_eq!(
            vec![
                EventKind::Resource {
                    action: ResourceAction::Create,
                    resource,
                    dims: None,
                    packet: None
                },
                EventKind::Resource {
                    action: ResourceAction::Destroy,
                    resource,
                    dims: None,
                    packet: Some(packet)
                },
            ],
            kinds(&ledger)
        );
    }

    #[test]
    fn err_resize_rebuild_after_destroy() {
        let ledger = started();
        let owner = Owner::new(OwnerKind::Transient, 0);
        let visual = TrackedResource::new(ledger.clone(), ResourceType::Visual, owner, None);
        visual
            .resize_rebuild(Some(Dims::new(2, 2, 1.0)))
            .expect("alive");
        visual.destroy();
        let err = visual.resize_rebuild(None).expect_err("destroyed");
        assert_eq!(err.kind(), ErrorKind::Destroyed);
        assert_eq!(
            format!(
                "cannot rebuild resource {}: it was already destroyed; create a new one",
                visual.id().0
            ),
            err.to_string()
        );
        drop(visual);
        assert_eq!(3, kinds(&ledger).len(), "create, one rebuild, destroy");
    }
}

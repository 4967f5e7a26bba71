//! The compositor's own count of what it did: the ground truth telemetry is checked against.
//!
//! Every number here is counted by the compositor at the place where it acts
//! (where it creates an object, presents a frame, drops a packet), never read
//! back from the ledger: a report that agrees with these counts agrees with
//! reality, not with itself.

use std::collections::BTreeMap;

use gpu_ledger::ResourceType;

/// What the compositor did, by its own count.
///
/// # Startup, by the compositor's reckoning
/// The compositor's layout is the geometry of its render targets. During the
/// startup layout passes every frame is a startup frame until the last one that
/// changed that geometry (created, resized or rebuilt a target), that frame
/// included; the frames after it show a layout that no later startup pass
/// changes. [`presented_startup`](Self::presented_startup) counts the presented
/// startup frames.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GroundTruth {
    /// Packets queued on the sync lane.
    pub queued: u64,
    /// Packets presented (their GPU work completed and their targets handed off).
    pub presented: u64,
    /// Packets presented before the compositor's layout settled (see above).
    pub presented_startup: u64,
    /// Packets dropped before they ran (superseded by a newer one).
    pub dropped: u64,
    /// Packets that found nothing to draw.
    pub noop: u64,
    /// Packets that failed.
    pub failed: u64,
    /// Resources created, by type.
    pub created: BTreeMap<ResourceType, u64>,
    /// Resources destroyed, by type.
    pub destroyed: BTreeMap<ResourceType, u64>,
}

impl GroundTruth {
    /// How many resources of type `ty` were created.
    pub fn created_count(&self, ty: ResourceType) -> u64 {
        self.created.get(&ty).copied().unwrap_or(0)
    }

    /// How many resources of type `ty` were destroyed.
    pub fn destroyed_count(&self, ty: ResourceType) -> u64 {
        self.destroyed.get(&ty).copied().unwrap_or(0)
    }

    /// Resources created, all types together.
    pub fn created_total(&self) -> u64 {
        self.created.values().sum()
    }

    /// Resources destroyed, all types together.
    pub fn destroyed_total(&self) -> u64 {
        self.destroyed.values().sum()
    }

    pub(crate) fn create(&mut self, ty: ResourceType) {
        *self.created.entry(ty).or_default() += 1;
    }

    pub(crate) fn destroy(&mut self, ty: ResourceType) {
        *self.destroyed.entry(ty).or_default() += 1;
    }
}

/// How the compositor tells startup frames from the rest (see [`GroundTruth`]).
#[derive(Debug, Default)]
pub(crate) struct StartupReckoning {
    /// Presents since the last startup frame that changed target geometry.
    pending: u64,
    settled: bool,
}

impl StartupReckoning {
    /// A frame was presented; `changed_geometry` when its packet created,
    /// resized or rebuilt a render target.
    pub(crate) fn present(&mut self, truth: &mut GroundTruth, changed_geometry: bool) {
        truth.presented += 1;
        if self.settled {
            return;
        }
        self.pending += 1;
        if changed_geometry {
            truth.presented_startup += self.pending;
            self.pending = 0;
        }
    }

    /// The startup layout passes are over: no later frame is a startup frame.
    pub(crate) fn settle(&mut self) {
        self.settled = true;
        self.pending = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn startup_ends_with_the_last_geometry_change() {
        let (mut truth, mut startup) = (GroundTruth::default(), StartupReckoning::default());
        for changed in [true, false, true, false, false] {
            startup.present(&mut truth, changed);
        }
        startup.settle();
        startup.present(&mut truth, true);
        assert_eq!((truth.presented, truth.presented_startup), (6, 3));
    }

    #[test]
    fn counts_by_type() {
        let mut truth = GroundTruth::default();
        truth.create(ResourceType::CommandQueue);
        truth.create(ResourceType::CommandQueue);
        truth.destroy(ResourceType::CommandQueue);
        assert_eq!(truth.created_count(ResourceType::CommandQueue), 2);
        assert_eq!(truth.destroyed_count(ResourceType::CommandQueue), 1);
        assert_eq!(truth.destroyed_count(ResourceType::Fence), 0);
        assert_eq!((truth.created_total(), truth.destroyed_total()), (2, 1));
    }
}

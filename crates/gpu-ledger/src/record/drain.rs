//! The drain: the background thread that merges per-thread rings into one stream.
//!
//! Each pass reads the clock first (the pass's *horizon*), then empties every ring
//! and releases, in (time, thread) order, only the events stamped before the
//! horizon; later ones wait for the next pass. Every stamp is an ordered clock read
//! (after all earlier loads of its thread), so an event that happened before another
//! was pushed before the other's stamp was read, and stamped below it: the merge
//! streams it first, and it was in its ring before any horizon the other is released
//! under. So each released prefix is closed under happens-before and ordered by it:
//! a destroy never overtakes its create, whatever threads they were recorded on
//! (DESIGN.md, "Why the stream respects happens-before"). The drain never blocks a
//! recording thread: the only lock it shares with them guards thread registration
//! and name interning.

use std::collections::VecDeque;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use super::{AnySink, Shared, Slot, ThreadShared};
use crate::error::{Error, ErrorKind};
use crate::event::{Event, EventKind, Marker, StreamInfo};

/// The thread index of events the recorder makes on no host thread: the
/// [`EventKind::Lost`] report of events recorded while their thread was being torn
/// down (its ring already gone), and the clean-end marker.
pub(super) const ORPHAN_THREAD: u32 = u32::MAX;

/// One recording thread's ring, as the drain sees it.
pub(super) struct DrainRing {
    pub(super) thread: u32,
    pub(super) consumer: rtrb::Consumer<Slot>,
    pub(super) shared: Arc<ThreadShared>,
    /// Popped but not yet released (stamped at or after the last horizon).
    staged: VecDeque<Slot>,
}

impl DrainRing {
    pub(super) fn new(
        thread: u32,
        consumer: rtrb::Consumer<Slot>,
        shared: Arc<ThreadShared>,
    ) -> Self {
        let staged = VecDeque::with_capacity(consumer.buffer().capacity());
        Self {
            thread,
            consumer,
            shared,
            staged,
        }
    }

    fn pop_all(&mut self) {
        let available = self.consumer.slots();
        if let Ok(chunk) = self.consumer.read_chunk(available) {
            self.staged.extend(chunk);
        }
    }

    /// Whether the thread has gone and everything it left, losses included, was reported.
    fn is_done(&self) -> bool {
        self.consumer.is_abandoned()
            && self.consumer.is_empty()
            && self.staged.is_empty()
            // A loss counted after this pass's report waits for the next pass.
            && self.shared.lost.load(Ordering::Relaxed) == 0
    }
}

/// The drain thread's state: its rings, the sink, and what it has released so far.
pub(super) struct Drain {
    shared: Arc<Shared>,
    rings: Vec<DrainRing>,
    sink: Box<dyn AnySink>,
    names_sent: usize,
    last_ns: u64,
    pub(super) released: u64,
    pub(super) lost: u64,
}

impl Drain {
    pub(super) fn new(shared: Arc<Shared>, mut sink: Box<dyn AnySink>, info: &StreamInfo) -> Self {
        sink.on_start(info);
        Self {
            shared,
            rings: Vec::new(),
            sink,
            names_sent: 0,
            last_ns: 0,
            released: 0,
            lost: 0,
        }
    }

    /// One pass; `last` releases everything, whatever its time.
    pub(super) fn pass(&mut self, last: bool) {
        let horizon = if last {
            u64::MAX
        } else {
            self.shared.clock.now_ticks_before_loads()
        };
        self.rings.append(&mut self.shared.take_new_rings());
        for ring in &mut self.rings {
            ring.pop_all();
        }
        self.send_new_names();
        self.release_before(horizon);
        self.report_losses();
        self.rings.retain(|ring| !ring.is_done());
        self.sink.on_flush();
    }

    /// Ends the stream with [`Marker::CleanEnd`], stamped with the latest released
    /// time: the recorder finished, so readers know the stream was not cut.
    pub(super) fn mark_clean_end(&mut self) {
        self.released += 1;
        self.sink.on_event(&Event {
            time_ns: self.last_ns,
            thread: ORPHAN_THREAD,
            kind: EventKind::Marker(Marker::CleanEnd),
        });
        self.sink.on_flush();
    }

    /// Whether a ring holds events not yet released, or a new thread registered one.
    pub(super) fn has_pending(&self) -> bool {
        !self
            .shared
            .new_rings
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .is_empty()
            || self
                .rings
                .iter()
                .any(|ring| !ring.staged.is_empty() || !ring.consumer.is_empty())
    }

    /// Has the sink write a dump to `path`, between two events.
    pub(super) fn dump(&mut self, path: &Path) -> Result<u64, Error> {
        self.sink.on_dump(path).unwrap_or_else(|| {
            Err(Error::new(
                ErrorKind::Unsupported,
                "this ledger's sink keeps nothing to dump: start the ledger with the live \
                 analysis (gpu_ledger::live, the GPU_LEDGER_* toggles or the C API) to dump it",
            )
            .with_path(path))
        })
    }

    pub(super) fn into_sink(mut self) -> Box<dyn AnySink> {
        self.sink.on_finish();
        self.sink
    }

    fn send_new_names(&mut self) {
        let names = self.shared.names.lock().unwrap_or_else(|e| e.into_inner());
        for (name, text) in names.iter().skip(self.names_sent) {
            self.sink.on_name(name, text);
        }
        self.names_sent = names.len();
    }

    /// A k-way merge of the staged runs, each already in its thread's order.
    fn release_before(&mut self, horizon: u64) {
        loop {
            let mut next: Option<(usize, u64, u32)> = None;
            for (index, ring) in self.rings.iter().enumerate() {
                let Some(slot) = ring.staged.front() else {
                    continue;
                };
                if slot.ticks >= horizon {
                    continue;
                }
                let key = (slot.ticks, ring.thread);
                if next.is_none_or(|(_, ticks, thread)| key < (ticks, thread)) {
                    next = Some((index, slot.ticks, ring.thread));
                }
            }
            let Some((index, _, thread)) = next else {
                return;
            };
            let slot = self.rings[index]
                .staged
                .pop_front()
                .expect("the chosen ring has a front slot");
            self.emit(thread, slot.ticks, slot.kind);
        }
    }

    fn report_losses(&mut self) {
        for index in 0..self.rings.len() {
            let count = self.rings[index].shared.lost.swap(0, Ordering::Relaxed);
            self.report_lost(self.rings[index].thread, count);
        }
        // Events recorded while a thread was being torn down never had a ring.
        let orphans = self.shared.orphan_lost.swap(0, Ordering::Relaxed);
        self.report_lost(ORPHAN_THREAD, orphans);
    }

    fn report_lost(&mut self, thread: u32, count: u64) {
        if count == 0 {
            return;
        }
        self.lost += count;
        self.shared
            .lost_reported
            .fetch_add(count, Ordering::Relaxed);
        // Stamped with the latest released time so the stream stays in time order.
        let event = Event {
            time_ns: self.last_ns,
            thread,
            kind: EventKind::Lost { count },
        };
        self.released += 1;
        self.sink.on_event(&event);
    }

    fn emit(&mut self, thread: u32, ticks: u64, kind: EventKind) {
        let clock = &self.shared.clock;
        // A thread preempted between reading the clock and publishing its event is
        // released late; it takes the release time so that time never runs backwards.
        let time_ns = clock
            .ticks_to_ns(ticks, self.shared.start_ticks)
            .max(self.last_ns);
        self.last_ns = time_ns;
        self.released += 1;
        self.sink.on_event(&Event {
            time_ns,
            thread,
            kind,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_gone_thread_with_an_unreported_loss_is_not_done() {
        let (producer, consumer) = rtrb::RingBuffer::<Slot>::new(2);
        let shared = Arc::new(ThreadShared::default());
        let ring = DrainRing::new(0, consumer, shared.clone());
        // The thread counts a loss after the pass reported losses, then exits.
        shared.lost.fetch_add(3, Ordering::Relaxed);
        drop(producer);
        assert!(
            !ring.is_done(),
            "retiring it now would drop the 3 lost events"
        );
        shared.lost.store(0, Ordering::Relaxed);
        assert!(ring.is_done());
    }
}

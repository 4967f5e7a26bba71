//! Reading on one thread, folding on another: [`pipelined`] runs a producer of
//! sink calls (a trace reader, a log importer) on the calling thread and the sink
//! (the analyzer, a view, a writer) on a second one, so decoding and folding
//! overlap instead of taking turns.
//!
//! The calls cross in batches through a bounded hand-off, and the sink gets
//! exactly the calls the producer made, in the same order (each name before the
//! events that use it, flushes where the blocks end), so what it computes is the
//! same, byte for byte. Memory stays flat: at most [`BATCHES_IN_FLIGHT`] batches
//! of at most [`BATCH_CALLS`] events and as many other calls wait between the
//! threads, and emptied batches go back to the producer to be filled again.
//!
//! Waking a waiting thread is a system call, so a waiting producer is woken only
//! once the sink has taken half the batches waiting, not at each batch. This
//! module must never reorder, drop or add a call, and never holds more than
//! those batches.

use std::collections::VecDeque;
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};

use crate::event::{Event, EventSink, Name, StreamInfo};

/// Events per batch: large enough that handing a batch over costs little per
/// event, small enough (96 bytes each, ~200 KiB a batch) that it is still in
/// cache when the folding thread reads it.
pub(crate) const BATCH_CALLS: usize = 2048;

/// Batches waiting between the two threads at most: the producer waits when the
/// sink is this far behind, until it has caught up half of it.
pub(crate) const BATCHES_IN_FLIGHT: usize = 4;

/// Runs `produce` on this thread, giving it a sink that hands every call, in
/// order and in batches, to `sink` on a second thread; returns what `produce`
/// returned once `sink` has taken every call.
///
/// `sink` gets the same calls as if `produce` had been given it directly, so
/// the result is the same; only the work is split. When no thread can be
/// started, `produce` is simply given `sink` on this thread. A panic in either
/// one is resumed here after both stopped.
///
/// # Example
/// ```
/// use gpu_ledger::analysis::Analyzer;
/// use gpu_ledger::format::{BinaryReader, BinaryWriter};
/// use gpu_ledger::{Event, EventKind, EventSink, Marker};
///
/// let mut writer = BinaryWriter::new(Vec::new());
/// for time_ns in 0..10_000 {
///     writer.on_event(&Event { time_ns, thread: 0, kind: EventKind::Marker(Marker::CleanEnd) });
/// }
/// let bytes = writer.finish()?;
///
/// let mut analyzer = Analyzer::default();
/// let mut reader = BinaryReader::new(&bytes[..])?;
/// // Decoding here, folding on a second thread:
/// let summary = gpu_ledger::input::pipelined(&mut analyzer, |sink| reader.replay(sink))?;
/// assert_eq!(summary.events, 10_000);
/// assert_eq!(analyzer.events_seen(), 10_000);
/// # Ok::<(), gpu_ledger::Error>(())
/// ```
pub fn pipelined<T>(sink: &mut dyn EventSink, produce: impl FnOnce(&mut dyn EventSink) -> T) -> T {
    pipelined_in(BATCH_CALLS, BATCHES_IN_FLIGHT, sink, produce)
}

/// [`pipelined`] with batches of `batch` calls, `in_flight` of them at most
/// (tests make them small).
pub(crate) fn pipelined_in<T>(
    batch: usize,
    in_flight: usize,
    sink: &mut dyn EventSink,
    produce: impl FnOnce(&mut dyn EventSink) -> T,
) -> T {
    let handoff = Handoff::new(in_flight);
    // The sink crosses to the folding thread only once that thread runs, so that
    // when none can be started it is still here to be given to `produce`.
    let (hand_over, handed) = std::sync::mpsc::sync_channel::<&mut dyn EventSink>(1);
    std::thread::scope(|scope| {
        let handoff = &handoff;
        let folder = std::thread::Builder::new()
            .name("gpu-ledger-fold".to_owned())
            .spawn_scoped(scope, move || {
                // Tells the producer when this thread stops, returning or panicking.
                let _stop = Stop(handoff);
                let Ok(sink) = handed.recv() else {
                    return;
                };
                let mut done = None;
                while let Some(mut batch) = handoff.take(done.take()) {
                    batch.replay(sink);
                    batch.clear();
                    done = Some(batch);
                }
            });
        let Ok(folder) = folder else {
            return produce(sink);
        };
        // It fails only when the folding thread already panicked: joined below.
        let _ = hand_over.send(sink);
        let mut relay = Relay {
            batch: Batch::with_capacity(batch),
            limit: batch.max(1),
            handoff,
        };
        // Closes the hand-off however `produce` ends: were it to panic unclosed,
        // the folding thread would wait for a batch forever, and the scope with it.
        let close = Close(handoff);
        let out = produce(&mut relay);
        relay.send();
        drop(close);
        if let Err(panic) = folder.join() {
            std::panic::resume_unwind(panic);
        }
        out
    })
}

/// The batches between the two threads.
struct Handoff {
    state: Mutex<State>,
    /// The folding thread waits here for a batch.
    filled: Condvar,
    /// The producer waits here for room.
    room: Condvar,
    in_flight: usize,
}

#[derive(Default)]
struct State {
    /// Batches to fold, oldest first.
    full: VecDeque<Batch>,
    /// Folded batches, empty, for the producer to fill again.
    spare: Vec<Batch>,
    /// The producer made its last call.
    closed: bool,
    /// The folding thread stopped (it panicked, or the producer closed).
    stopped: bool,
    producer_waits: bool,
    folder_waits: bool,
}

impl Handoff {
    fn new(in_flight: usize) -> Self {
        Self {
            state: Mutex::new(State::default()),
            filled: Condvar::new(),
            room: Condvar::new(),
            in_flight: in_flight.max(1),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // Neither side panics while holding the lock; a poisoned state is still whole.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Hands `batch` to the folding thread, waiting for room; an empty batch to
    /// fill next, if one came back. `Err` gives the batch back: the folding
    /// thread stopped.
    fn give(&self, batch: Batch) -> Result<Option<Batch>, Batch> {
        let mut state = self.lock();
        while state.full.len() >= self.in_flight && !state.stopped {
            state.producer_waits = true;
            state = wait(&self.room, state);
        }
        state.producer_waits = false;
        if state.stopped {
            return Err(batch);
        }
        state.full.push_back(batch);
        if state.folder_waits {
            self.filled.notify_one();
        }
        Ok(state.spare.pop())
    }

    /// The next batch to fold, waiting for one, after putting back `done`;
    /// `None` once the producer closed and every batch was taken.
    fn take(&self, done: Option<Batch>) -> Option<Batch> {
        let mut state = self.lock();
        state.spare.extend(done);
        loop {
            if let Some(batch) = state.full.pop_front() {
                if state.producer_waits && state.full.len() <= self.in_flight / 2 {
                    self.room.notify_one();
                }
                return Some(batch);
            }
            if state.closed {
                return None;
            }
            state.folder_waits = true;
            state = wait(&self.filled, state);
            state.folder_waits = false;
        }
    }

    /// The producer made its last call.
    fn close(&self) {
        self.lock().closed = true;
        self.filled.notify_one();
    }
}

/// Waits on `condvar`, giving up `state` meanwhile.
fn wait<'a>(condvar: &Condvar, state: MutexGuard<'a, State>) -> MutexGuard<'a, State> {
    // Neither side panics while holding the lock; a poisoned state is still whole.
    condvar.wait(state).unwrap_or_else(PoisonError::into_inner)
}

/// Marks the hand-off stopped when the folding thread ends, however it ends.
struct Stop<'a>(&'a Handoff);

impl Drop for Stop<'_> {
    fn drop(&mut self) {
        let mut state = self.0.lock();
        state.stopped = true;
        state.full.clear();
        drop(state);
        self.0.room.notify_one();
    }
}

/// Closes the hand-off when dropped: after the producer's last call, or as it panics.
struct Close<'a>(&'a Handoff);

impl Drop for Close<'_> {
    fn drop(&mut self) {
        self.0.close();
    }
}

/// A call other than [`EventSink::on_event`], at its place among a batch's events.
enum Call {
    Start(StreamInfo),
    Name(Name, String),
    Flush,
    Finish,
}

/// A run of consecutive sink calls: the events, and the other calls with the
/// number of the batch's events that came before each.
#[derive(Default)]
struct Batch {
    events: Vec<Event>,
    calls: Vec<(usize, Call)>,
}

impl Batch {
    fn with_capacity(events: usize) -> Self {
        Self {
            events: Vec::with_capacity(events),
            calls: Vec::new(),
        }
    }

    fn is_empty(&self) -> bool {
        self.events.is_empty() && self.calls.is_empty()
    }

    fn clear(&mut self) {
        self.events.clear();
        self.calls.clear();
    }

    /// Makes the batch's calls on `sink`, in their order.
    fn replay(&self, sink: &mut dyn EventSink) {
        let mut done = 0;
        for (before, call) in &self.calls {
            for event in &self.events[done..*before] {
                sink.on_event(event);
            }
            done = *before;
            match call {
                Call::Start(info) => sink.on_start(info),
                Call::Name(name, text) => sink.on_name(*name, text),
                Call::Flush => sink.on_flush(),
                Call::Finish => sink.on_finish(),
            }
        }
        for event in &self.events[done..] {
            sink.on_event(event);
        }
    }
}

/// The producer's sink: fills a batch and hands it over when it is full.
struct Relay<'a> {
    batch: Batch,
    limit: usize,
    handoff: &'a Handoff,
}

impl Relay<'_> {
    /// Hands the batch over, if it holds anything, and starts another. Once
    /// the folding thread stopped (it panicked), calls are dropped.
    fn send(&mut self) {
        if self.batch.is_empty() {
            return;
        }
        let full = std::mem::take(&mut self.batch);
        self.batch = match self.handoff.give(full) {
            Ok(Some(spare)) => spare,
            Ok(None) => Batch::with_capacity(self.limit),
            Err(mut back) => {
                back.clear();
                back
            }
        };
    }

    fn call(&mut self, call: Call) {
        self.batch.calls.push((self.batch.events.len(), call));
        if self.batch.calls.len() >= self.limit {
            self.send();
        }
    }
}

impl EventSink for Relay<'_> {
    fn on_start(&mut self, info: &StreamInfo) {
        self.call(Call::Start(info.clone()));
    }

    fn on_name(&mut self, name: Name, text: &str) {
        self.call(Call::Name(name, text.to_owned()));
    }

    #[inline]
    fn on_event(&mut self, event: &Event) {
        self.batch.events.push(*event);
        if self.batch.events.len() >= self.limit {
            self.send();
        }
    }

    fn on_flush(&mut self) {
        self.call(Call::Flush);
    }

    fn on_finish(&mut self) {
        self.call(Call::Finish);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{EventKind, Marker};

    /// Writes down every call it gets, in order.
    #[derive(Default)]
    struct Script(Vec<String>);

    impl EventSink for Script {
        fn on_start(&mut self, info: &StreamInfo) {
            self.0.push(format!("start {}", info.source));
        }
        fn on_name(&mut self, name: Name, text: &str) {
            self.0.push(format!("name {} {text}", name.0));
        }
        fn on_event(&mut self, event: &Event) {
            self.0.push(format!("event {}", event.time_ns));
        }
        fn on_flush(&mut self) {
            self.0.push("flush".to_owned());
        }
        fn on_finish(&mut self) {
            self.0.push("finish".to_owned());
        }
    }

    /// A producer mixing every kind of call, names in runs longer than a batch.
    fn produce(sink: &mut dyn EventSink) -> u64 {
        sink.on_start(&StreamInfo {
            source: "mixed".into(),
            ..StreamInfo::default()
        });
        let mut time_ns = 0;
        for round in 0..40u32 {
            for n in 0..round % 7 {
                sink.on_name(Name(round * 10 + n), &format!("n{round}.{n}"));
            }
            for _ in 0..(round * 3) % 11 {
                time_ns += 1;
                sink.on_event(&Event {
                    time_ns,
                    thread: 0,
                    kind: EventKind::Marker(Marker::CleanEnd),
                });
            }
            if round % 4 == 0 {
                sink.on_flush();
            }
        }
        sink.on_finish();
        time_ns
    }

    #[test]
    fn the_sink_gets_every_call_in_order_whatever_the_batch_size() {
        let mut serial = Script::default();
        let events = produce(&mut serial);
        assert!(serial.0.len() > 300, "{}", serial.0.len());
        for (batch, in_flight) in [(1, 1), (2, 2), (3, 5), (5, 3), (64, 4), (BATCH_CALLS, 4)] {
            let mut piped = Script::default();
            assert_eq!(pipelined_in(batch, in_flight, &mut piped, produce), events);
            assert_eq!(piped.0, serial.0, "{in_flight} batches of {batch}");
        }
    }

    #[test]
    fn a_producer_that_makes_no_call_leaves_the_sink_untouched() {
        let mut piped = Script::default();
        assert_eq!(pipelined(&mut piped, |_| 7), 7);
        assert!(piped.0.is_empty());
    }

    #[test]
    fn a_panicking_producer_panics_the_caller_instead_of_waiting_forever() {
        // On a thread of its own, so that a wait that never ends fails the test.
        let (done, result) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let caught = std::panic::catch_unwind(|| {
                pipelined_in(4, 2, &mut Script::default(), |sink| {
                    produce(sink);
                    panic!("the reader broke")
                })
            });
            let _ = done.send(caught.map_err(|p| p.downcast_ref::<&str>().copied()));
        });
        let caught = result
            .recv_timeout(std::time::Duration::from_secs(60))
            .expect("the caller returns once the producer panicked");
        assert_eq!(
            caught.expect_err("the panic reaches the caller"),
            Some("the reader broke")
        );
    }

    #[test]
    fn a_panicking_sink_panics_the_caller_after_the_producer_stopped() {
        struct Fails;
        impl EventSink for Fails {
            fn on_event(&mut self, _: &Event) {
                panic!("the sink broke");
            }
        }
        let result = std::panic::catch_unwind(|| pipelined_in(4, 2, &mut Fails, produce));
        let panic = result.expect_err("the sink's panic reaches the caller");
        assert_eq!(panic.downcast_ref::<&str>(), Some(&"the sink broke"));
    }
}

//! The recorder end to end: real threads, real drain thread, collected streams.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

use gpu_ledger::record::Clock;
use gpu_ledger::{
    Collected, Event, EventKind, EventSink, Ledger, LedgerConfig, Marker, Name, Owner, OwnerKind,
    PacketRef, ResourceAction, ResourceId, ResourceType, Tee,
};

fn owner(key: u64) -> Owner {
    Owner::new(OwnerKind::ChildVisual, key)
}

/// Finishes `ledger` and returns what it streamed, without the clean-end marker that
/// ends every finished stream (checked here, so every test checks it).
fn finish(ledger: &Ledger) -> Collected {
    let mut collected = ledger
        .finish()
        .into_sink::<Collected>()
        .expect("the ledger was started with a Collected sink");
    let last = collected.events.pop().map(|e| e.kind);
    assert_eq!(
        last,
        Some(EventKind::Marker(Marker::CleanEnd)),
        "a finished ledger ends its stream with the clean-end marker"
    );
    collected
}

/// A sink whose events can be read while the ledger is still running.
#[derive(Clone, Default)]
struct Shared(Arc<Mutex<Vec<Event>>>);

impl EventSink for Shared {
    fn on_event(&mut self, event: &Event) {
        self.0.lock().unwrap().push(*event);
    }
}

#[test]
fn threads_lose_nothing_with_enough_capacity_and_keep_their_order() {
    const THREADS: u64 = 4;
    const EVENTS: u64 = 20_000;
    let config = LedgerConfig {
        thread_capacity: EVENTS as usize,
        ..LedgerConfig::default()
    };
    let ledger = Arc::new(Ledger::start(config, Collected::default()));
    let workers: Vec<_> = (0..THREADS)
        .map(|t| {
            let ledger = ledger.clone();
            std::thread::spawn(move || {
                for i in 0..EVENTS {
                    // The id encodes (thread, sequence) so order can be checked afterwards.
                    let id = ResourceId((t << 32) | (i + 1));
                    ledger.create(id, ResourceType::Texture, owner(t), None);
                }
            })
        })
        .collect();
    for worker in workers {
        worker.join().unwrap();
    }
    let collected = finish(&ledger);
    assert_eq!(
        collected.events.len() as u64,
        THREADS * EVENTS,
        "events lost or duplicated"
    );
    let mut next = [1u64; THREADS as usize];
    let mut last_time = 0;
    for event in &collected.events {
        assert!(
            event.time_ns >= last_time,
            "time ran backwards at {event:?}"
        );
        last_time = event.time_ns;
        let resource = event
            .resource()
            .expect("only resource events were recorded");
        let (t, seq) = (resource.id.0 >> 32, resource.id.0 & 0xffff_ffff);
        assert_eq!(seq, next[t as usize], "thread {t} out of order");
        next[t as usize] += 1;
    }
}

#[test]
fn a_destroy_never_precedes_its_create_across_threads() {
    const RESOURCES: u64 = 20_000;
    // Rings that hold the whole run: on a loaded machine the drain may fall behind,
    // and a dropped event would make the order unprovable. Order is the claim here.
    let config = LedgerConfig {
        thread_capacity: RESOURCES as usize,
        ..LedgerConfig::default()
    };
    let ledger = Arc::new(Ledger::start(config, Collected::default()));
    let (to_destroyer, from_creator) = mpsc::sync_channel::<ResourceId>(64);
    let creator = {
        let ledger = ledger.clone();
        std::thread::spawn(move || {
            for _ in 0..RESOURCES {
                let id = ledger.next_resource_id();
                ledger.create(id, ResourceType::CommandQueue, owner(1), None);
                to_destroyer.send(id).unwrap();
            }
        })
    };
    let destroyer = {
        let ledger = ledger.clone();
        std::thread::spawn(move || {
            for id in from_creator {
                ledger.destroy(id, ResourceType::CommandQueue, owner(1));
            }
        })
    };
    creator.join().unwrap();
    destroyer.join().unwrap();
    let collected = finish(&ledger);
    assert_eq!(collected.events.len() as u64, 2 * RESOURCES);
    let mut live = std::collections::HashSet::new();
    for (seq, event) in collected.events.iter().enumerate() {
        let EventKind::Resource {
            action, resource, ..
        } = event.kind
        else {
            panic!("unexpected event {event:?}");
        };
        match action {
            ResourceAction::Create => assert!(live.insert(resource.id)),
            ResourceAction::Destroy => assert!(
                live.remove(&resource.id),
                "event {seq}: destroy of {:?} before its create",
                resource.id
            ),
            other => panic!("unexpected action {other:?}"),
        }
    }
    assert!(live.is_empty());
}

/// Passes a token round `threads` threads `hops` times, each hand-off one release
/// store and one spinning acquire load: the tightest hand-off there is, where the
/// receiver records as soon as its load sees the token. The holder of hop `2k`
/// creates resource `k + 1` and the holder of hop `2k + 1` (another thread) destroys
/// it, so each event happens-before the next and the stream must be exactly the
/// hops in order. Returns how many drain passes the run spanned.
fn hand_off_round(threads: u64, hops: u64) -> u64 {
    let passes = Arc::new(AtomicU64::new(0));
    let sink = Tee(Collected::default(), PassCounter(passes.clone()));
    let ledger = Arc::new(Ledger::start(
        LedgerConfig {
            // Room for every event, so the drain's pace cannot lose any.
            thread_capacity: hops as usize,
            // Many short passes, so that hand-offs straddle pass horizons.
            drain_interval: Duration::from_micros(50),
            ..LedgerConfig::default()
        },
        sink,
    ));
    let token = Arc::new(AtomicU64::new(0));
    let workers: Vec<_> = (0..threads)
        .map(|t| {
            let (ledger, token) = (ledger.clone(), token.clone());
            std::thread::spawn(move || {
                let mut spins = 0u32;
                loop {
                    let hop = token.load(Ordering::Acquire);
                    if hop >= hops {
                        return;
                    }
                    if hop % threads != t {
                        // Two cores, up to four spinners: let the holder run.
                        spins += 1;
                        if spins.is_multiple_of(64) {
                            std::thread::yield_now();
                        }
                        std::hint::spin_loop();
                        continue;
                    }
                    let id = ResourceId(hop / 2 + 1);
                    if hop % 2 == 0 {
                        ledger.create(id, ResourceType::Texture, owner(t), None);
                    } else {
                        ledger.destroy(id, ResourceType::Texture, owner(t));
                    }
                    token.store(hop + 1, Ordering::Release);
                }
            })
        })
        .collect();
    for worker in workers {
        worker.join().unwrap();
    }
    let finished = ledger.finish();
    assert_eq!(finished.lost, 0);
    let Tee(mut collected, _) = finished
        .into_sink::<Tee<Collected, PassCounter>>()
        .expect("the ledger was started with this sink");
    let end = collected.events.pop().map(|e| e.kind);
    assert_eq!(end, Some(EventKind::Marker(Marker::CleanEnd)));
    assert_eq!(
        collected.events.len() as u64,
        hops,
        "events lost or duplicated"
    );
    for (hop, event) in (0..hops).zip(&collected.events) {
        let EventKind::Resource {
            action, resource, ..
        } = event.kind
        else {
            panic!("unexpected event {event:?}");
        };
        let expected = if hop % 2 == 0 {
            ResourceAction::Create
        } else {
            ResourceAction::Destroy
        };
        assert_eq!(
            (action, resource.id),
            (expected, ResourceId(hop / 2 + 1)),
            "event {hop} of {threads} threads is out of happens-before order (thread {})",
            event.thread
        );
    }
    passes.load(Ordering::Relaxed)
}

/// Counts the drain's passes (each ends with `on_flush`).
struct PassCounter(Arc<AtomicU64>);

impl EventSink for PassCounter {
    fn on_event(&mut self, _: &Event) {}
    fn on_flush(&mut self) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }
}

#[test]
fn events_handed_between_threads_stream_in_happens_before_order_under_stress() {
    // Two threads hand off on every event; three and four also hand off to a thread
    // that was not running. Each round spans many drain passes, so the order is
    // checked both inside a pass (the merge) and across passes (the horizon).
    for threads in [2, 3, 4] {
        let passes = hand_off_round(threads, 100_000);
        assert!(passes > 10, "{threads} threads: only {passes} drain passes");
    }
}

#[test]
fn a_touch_never_precedes_the_create_it_read_about() {
    // One thread creates resources and publishes the latest id; another reads it and
    // records a touch straight away, without waiting for anything: a load still in
    // flight when the touch reads the clock is the case an unfenced clock gets wrong.
    const RESOURCES: u64 = 200_000;
    let ledger = Arc::new(Ledger::start(
        LedgerConfig {
            thread_capacity: 1 << 20,
            drain_interval: Duration::from_micros(50),
            ..LedgerConfig::default()
        },
        Collected::default(),
    ));
    let latest = Arc::new(AtomicU64::new(0));
    let reader = {
        let (ledger, latest) = (ledger.clone(), latest.clone());
        std::thread::spawn(move || {
            let packet = PacketRef::new(1, 1);
            loop {
                let id = latest.load(Ordering::Acquire);
                // No branch on `id` before the touch: a branch waiting on the load
                // would hold the clock read back on its own.
                ledger.touched(packet, ResourceId(id));
                if id == RESOURCES {
                    return;
                }
            }
        })
    };
    for id in 1..=RESOURCES {
        ledger.create(ResourceId(id), ResourceType::Texture, owner(0), None);
        latest.store(id, Ordering::Release);
    }
    reader.join().unwrap();
    let finished = ledger.finish();
    let (lost, mut collected) = (finished.lost, finished.into_sink::<Collected>().unwrap());
    let end = collected.events.pop().map(|e| e.kind);
    assert_eq!(end, Some(EventKind::Marker(Marker::CleanEnd)));
    let mut created = 0;
    let mut touches = 0;
    for (seq, event) in collected.events.iter().enumerate() {
        match event.kind {
            EventKind::Resource { resource, .. } => {
                assert_eq!(resource.id.0, created + 1, "creates out of order");
                created += 1;
            }
            EventKind::Touched { resource, .. } => {
                touches += 1;
                assert!(
                    resource.0 <= created,
                    "event {seq}: touch of {resource:?} before its create ({created} created so far)"
                );
            }
            EventKind::Lost { .. } => {}
            _ => panic!("unexpected event {event:?}"),
        }
    }
    assert_eq!(created, RESOURCES, "{lost} lost");
    assert!(touches > 0);
}

#[test]
fn one_thread_recording_into_several_ledgers_feeds_each_its_own_events() {
    // The thread keeps a pointer to the ring it used last: switching ledgers, and a
    // ledger finishing while the pointer still names its ring, must lose nothing.
    const EVENTS: u64 = 1_000;
    let ids = |ledger: &Collected| -> Vec<(ResourceAction, u64)> {
        ledger
            .events
            .iter()
            .map(|e| match e.kind {
                EventKind::Resource {
                    action, resource, ..
                } => (action, resource.id.0),
                _ => panic!("unexpected {e:?}"),
            })
            .collect()
    };
    let creates = |from: u64| -> Vec<(ResourceAction, u64)> {
        (from..from + EVENTS)
            .map(|id| (ResourceAction::Create, id))
            .collect()
    };
    let (a, b) = (
        Ledger::start(LedgerConfig::default(), Collected::default()),
        Ledger::start(LedgerConfig::default(), Collected::default()),
    );
    for i in 0..EVENTS {
        a.create(ResourceId(1 + i), ResourceType::Buffer, owner(0), None);
        b.create(ResourceId(10_001 + i), ResourceType::Buffer, owner(0), None);
    }
    let a = finish(&a); // its ring on this thread is abandoned now, and still current
    let c = Ledger::start(LedgerConfig::default(), Collected::default());
    for i in 0..EVENTS {
        c.create(ResourceId(20_001 + i), ResourceType::Buffer, owner(0), None);
        b.destroy(ResourceId(10_001 + i), ResourceType::Buffer, owner(0));
    }
    let (b, c) = (finish(&b), finish(&c));
    assert_eq!(ids(&a), creates(1));
    let mut expected = creates(10_001);
    expected.extend((10_001..10_001 + EVENTS).map(|id| (ResourceAction::Destroy, id)));
    assert_eq!(ids(&b), expected);
    assert_eq!(ids(&c), creates(20_001));
}

#[test]
fn a_full_ring_drops_and_reports_the_exact_count() {
    const CAPACITY: usize = 100;
    const RECORDED: usize = 250;
    let config = LedgerConfig {
        thread_capacity: CAPACITY,
        // The drain sleeps through the test: only the final pass empties the ring.
        drain_interval: Duration::from_secs(3600),
        ..LedgerConfig::default()
    };
    let ledger = Ledger::start(config, Collected::default());
    ledger.flush(); // the drain's first pass is behind us; it now sleeps
    for i in 0..RECORDED {
        ledger.create(
            ResourceId(i as u64 + 1),
            ResourceType::Buffer,
            owner(0),
            None,
        );
    }
    assert_eq!(
        ledger.lost_events(),
        0,
        "not reported before the drain notices"
    );
    ledger.flush();
    assert_eq!(ledger.lost_events(), (RECORDED - CAPACITY) as u64);
    let finished = ledger.finish();
    assert_eq!(finished.lost, (RECORDED - CAPACITY) as u64);
    let collected = finished.into_sink::<Collected>().unwrap();
    let resources = collected
        .events
        .iter()
        .filter(|e| e.resource().is_some())
        .count();
    assert_eq!(resources, CAPACITY, "the ring keeps exactly its capacity");
    let lost: Vec<u64> = collected
        .events
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::Lost { count } => Some(count),
            _ => None,
        })
        .collect();
    assert_eq!(
        lost,
        vec![(RECORDED - CAPACITY) as u64],
        "one Lost event with the exact count"
    );
}

#[test]
fn flush_delivers_everything_recorded_before_it() {
    let sink = Shared::default();
    let ledger = Ledger::start(
        LedgerConfig {
            drain_interval: Duration::from_secs(3600),
            ..LedgerConfig::default()
        },
        sink.clone(),
    );
    for i in 1..=10 {
        ledger.create(ResourceId(i), ResourceType::Fence, owner(0), None);
        ledger.flush();
        assert_eq!(sink.0.lock().unwrap().len() as u64, i, "after flush {i}");
    }
}

#[test]
fn resource_events_carry_the_current_packet_and_scopes_nest() {
    let ledger = Ledger::start(LedgerConfig::default(), Collected::default());
    let (outer, inner) = (PacketRef::new(1, 10), PacketRef::new(2, 20));
    ledger.create(ResourceId(1), ResourceType::Texture, owner(0), None);
    {
        let _outer = ledger.enter_packet(outer);
        ledger.create(ResourceId(2), ResourceType::Texture, owner(0), None);
        {
            let _inner = ledger.enter_packet(inner);
            ledger.create(ResourceId(3), ResourceType::Texture, owner(0), None);
            ledger.touch(ResourceId(1));
        }
        ledger.destroy(ResourceId(2), ResourceType::Texture, owner(0));
    }
    ledger.touch(ResourceId(1)); // outside any packet: records nothing
    let packets: Vec<Option<PacketRef>> = finish(&ledger)
        .events
        .iter()
        .map(|e| match e.kind {
            EventKind::Resource { packet, .. } => packet,
            EventKind::Touched { packet, .. } => Some(packet),
            _ => panic!("unexpected {e:?}"),
        })
        .collect();
    assert_eq!(
        packets,
        vec![None, Some(outer), Some(inner), Some(inner), Some(outer)]
    );
}

#[test]
fn names_reach_the_sink_before_the_events_that_use_them() {
    #[derive(Default)]
    struct Checker {
        defined: Vec<Name>,
        seen: usize,
    }
    impl EventSink for Checker {
        fn on_name(&mut self, name: Name, _text: &str) {
            self.defined.push(name);
        }
        fn on_event(&mut self, event: &Event) {
            if let Some(resource) = event.resource() {
                if let ResourceType::Other(name) = resource.ty {
                    assert!(self.defined.contains(&name), "{name:?} used before defined");
                }
                if let OwnerKind::Other(name) = resource.owner.kind {
                    assert!(self.defined.contains(&name), "{name:?} used before defined");
                }
            }
            self.seen += 1;
        }
    }
    let ledger = Ledger::start(LedgerConfig::default(), Checker::default());
    let blur = ledger.resource_type("BlurScratch");
    let scratch = ledger.owner_kind("LayerBlurScratch");
    assert_eq!(
        ledger.resource_type("CommandQueue"),
        ResourceType::CommandQueue
    );
    ledger.create(ResourceId(1), blur, Owner::new(scratch, 9), None);
    let named = ledger.marker_named("first-layout");
    ledger.marker(named);
    let checker = ledger.finish().into_sink::<Checker>().unwrap();
    assert_eq!(checker.seen, 3, "create, marker, clean end");
    assert_eq!(checker.defined, vec![Name(0), Name(1), Name(2)]);
    assert!(matches!(named, Marker::Other(Name(2))));
}

#[test]
fn a_substituted_clock_stamps_exact_times() {
    static NOW: AtomicU64 = AtomicU64::new(1_000);
    let config = LedgerConfig {
        clock: Clock::from_fn(|| NOW.load(Ordering::SeqCst)),
        ..LedgerConfig::default()
    };
    let ledger = Ledger::start(config, Collected::default());
    for step in [0, 250, 1_000_000] {
        NOW.fetch_add(step, Ordering::SeqCst);
        ledger.shutdown_begins();
    }
    let times: Vec<u64> = finish(&ledger).events.iter().map(|e| e.time_ns).collect();
    assert_eq!(times, vec![0, 250, 1_000_250]);
}

#[test]
fn a_disabled_ledger_records_nothing_and_finishes_empty() {
    let ledger = Ledger::disabled();
    assert!(!ledger.is_enabled());
    let id = ledger.next_resource_id();
    assert_eq!(id, ResourceId(1), "ids still work when disabled");
    ledger.create(id, ResourceType::Texture, owner(0), None);
    ledger.flush();
    let finished = ledger.finish();
    assert_eq!((finished.events, finished.lost), (0, 0));
    assert!(finished.into_sink::<Collected>().is_none());
}

#[test]
fn finishing_twice_hands_the_sink_back_once() {
    let ledger = Ledger::start(LedgerConfig::default(), Collected::default());
    ledger.shutdown_begins();
    let first = ledger.finish();
    assert_eq!(first.events, 2, "the marker and the clean end");
    let collected = first.into_sink::<Collected>().unwrap();
    assert!(collected.finished, "on_finish was called");
    let kinds: Vec<EventKind> = collected.events.iter().map(|e| e.kind).collect();
    assert_eq!(
        kinds,
        [
            EventKind::Marker(Marker::ShutdownBegins),
            EventKind::Marker(Marker::CleanEnd)
        ]
    );
    ledger.shutdown_begins(); // after finish: ignored, never a panic
    assert!(ledger.finish().into_sink::<Collected>().is_none());
}

#[test]
fn flush_returns_when_the_sink_panicked_and_the_drain_is_gone() {
    struct Panicking;
    impl EventSink for Panicking {
        fn on_event(&mut self, _: &Event) {
            panic!("this sink fails on its first event");
        }
    }
    let ledger = Arc::new(Ledger::start(LedgerConfig::default(), Panicking));
    ledger.shutdown_begins();
    let (done, waited) = mpsc::channel();
    let flusher = ledger.clone();
    // Not scoped: if flush hangs, the test fails instead of waiting with it.
    std::thread::spawn(move || {
        // Two flushes: the first may be the pass that panics, the second finds no drain.
        flusher.flush();
        flusher.flush();
        done.send(()).unwrap();
    });
    let returned = waited.recv_timeout(Duration::from_secs(10));
    assert!(
        returned.is_ok(),
        "flush still waits for a drain that is gone"
    );
    let finished = ledger.finish();
    assert_eq!((finished.events, finished.lost), (0, 0));
}

#[test]
fn events_recorded_during_thread_teardown_are_reported_lost_in_the_stream() {
    /// Records a destroy when its thread's locals are torn down.
    struct DestroyOnExit(Arc<Ledger>);
    impl Drop for DestroyOnExit {
        fn drop(&mut self) {
            self.0
                .destroy(ResourceId(1), ResourceType::Texture, owner(1));
        }
    }
    thread_local! {
        static GUARD: std::cell::RefCell<Option<DestroyOnExit>> =
            const { std::cell::RefCell::new(None) };
    }
    let ledger = Arc::new(Ledger::start(LedgerConfig::default(), Collected::default()));
    let recorder = ledger.clone();
    std::thread::spawn(move || {
        // Registered before the recorder's own thread-local, so torn down after it:
        // the destroy finds no ring.
        GUARD.with(|g| *g.borrow_mut() = Some(DestroyOnExit(recorder.clone())));
        recorder.create(ResourceId(1), ResourceType::Texture, owner(1), None);
    })
    .join()
    .unwrap();
    ledger.flush();
    assert_eq!(ledger.lost_events(), 1, "counted once");
    let finished = ledger.finish();
    assert_eq!(finished.lost, 1, "counted once");
    let collected = finished.into_sink::<Collected>().expect("a Collected sink");
    let lost: Vec<_> = collected
        .events
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::Lost { count } => Some(count),
            _ => None,
        })
        .collect();
    assert_eq!(
        lost,
        vec![1],
        "the trace shows the loss: {:?}",
        collected.events
    );
}

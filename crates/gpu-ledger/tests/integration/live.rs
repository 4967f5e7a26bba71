//! The live analysis on a real ledger: findings that fire while recording (once,
//! then rate-limited, marked in the trace), destroy checks, dumps taken while
//! threads record (checked against a brute-force replay of the trace), the startup
//! timeline of a dump, planned dumps, and a session's report.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use gpu_ledger::analysis::{Analyzer, Timeline, TimelineKeep, Window, WindowSpan};
use gpu_ledger::format::replay_path;
use gpu_ledger::live::{Dump, DumpOn, DumpPlan, LiveConfig, Notice, NoticeHook};
use gpu_ledger::record::{AssertMode, Clock};
use gpu_ledger::{
    Collected, EventKind, FindingSeverity, Ledger, LedgerConfig, Marker, Owner, OwnerKind,
    PacketRef, PacketStage, ReleaseModel, ReleaseModels, ResourceId, ResourceType, Session,
};

use crate::util::{MS, live_after};

/// What a hook heard.
#[derive(Clone, Default)]
struct Heard(Arc<Mutex<Vec<Notice>>>);

impl Heard {
    fn hook(&self) -> NoticeHook {
        let heard = self.0.clone();
        Arc::new(move |n: &Notice| heard.lock().unwrap().push(n.clone()))
    }

    fn about(&self, code: &str) -> Vec<Notice> {
        let notices = self.0.lock().unwrap();
        notices.iter().filter(|n| n.code == code).cloned().collect()
    }

    fn all(&self) -> Vec<Notice> {
        self.0.lock().unwrap().clone()
    }
}

/// A session on a clock the test moves, writing `trace`.
fn session(trace: &Path, now: fn() -> u64, assert: AssertMode, live: LiveConfig) -> Session {
    let config = LedgerConfig {
        clock: Clock::from_fn(now),
        start_unix_ns: Some(0),
        assert,
        ..LedgerConfig::default()
    };
    Session::start_with(Some(trace), config, live).expect("the trace can be created")
}

/// Every event of the trace at `path`, in order.
fn trace(path: &Path) -> Collected {
    let mut events = Collected::default();
    let summary = replay_path(path, &mut events).expect("the trace reads back");
    assert!(summary.is_clean(), "{summary:?}");
    events
}

/// The code of a finding event, resolved.
fn finding_code(events: &Collected, kind: &EventKind) -> Option<String> {
    match kind {
        EventKind::Finding { code, .. } => events.names.get(*code).map(str::to_owned),
        _ => None,
    }
}

static STORM_NOW: AtomicU64 = AtomicU64::new(0);

fn storm_now() -> u64 {
    STORM_NOW.load(Ordering::Relaxed)
}

/// One recreate of `owner`'s target in `packet`: destroy the old, create a new one.
fn recreate(ledger: &Ledger, owner: Owner, old: ResourceId, packet: PacketRef) -> ResourceId {
    let _scope = ledger.enter_packet(packet);
    ledger.destroy(old, ResourceType::TextureTarget, owner);
    let new = ledger.next_resource_id();
    ledger.create(new, ResourceType::TextureTarget, owner, None);
    new
}

#[test]
fn a_recreate_storm_fires_once_while_running_then_rate_limited_and_marked_in_the_trace() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("storm.gltrace");
    let heard = Heard::default();
    let live = LiveConfig {
        hook: Some(heard.hook()),
        ..LiveConfig::default()
    };
    let session = session(&path, storm_now, AssertMode::Warn, live);
    let owner = Owner::new(OwnerKind::ChildVisual, 0x20);
    let mut target = session.next_resource_id();
    session.create(target, ResourceType::TextureTarget, owner, None);
    // A storm: one recreate every 50 ms for 4 s of stream time, one packet each.
    for p in 1..=80u64 {
        STORM_NOW.store(p * 50 * MS, Ordering::Relaxed);
        let packet = PacketRef::new(1, p);
        session.packet(packet, PacketStage::Queued { command_id: p });
        target = recreate(&session, owner, target, packet);
        session.packet(packet, PacketStage::Presented);
        // Passes while the storm runs, as a real storm spread over 4 s gets.
        std::thread::sleep(std::time::Duration::from_millis(3));
        if p == 5 {
            STORM_NOW.store(p * 50 * MS + 1, Ordering::Relaxed);
            let started = std::time::Instant::now();
            while heard.about("recreate-churn").is_empty() && started.elapsed().as_secs() < 10 {
                session.flush();
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
            let fired = heard.about("recreate-churn");
            assert_eq!(
                fired.len(),
                1,
                "it fired once, mid-storm: {:?}",
                heard.all()
            );
            let line = &fired[0].message;
            assert_eq!(fired[0].level, log::Level::Warn);
            assert!(
                line.starts_with("recreate-churn (warning) at ")
                    && line.contains(", lane 1 packet ")
                    && line.contains("worst: ChildVisual 0x20 TextureTarget"),
                "owner and packet in the line: {line}"
            );
        }
    }
    STORM_NOW.store(81 * 50 * MS, Ordering::Relaxed);
    session.shutdown_begins();
    session.destroy(target, ResourceType::TextureTarget, owner);
    STORM_NOW.store(82 * 50 * MS, Ordering::Relaxed);
    let report = session.finish().unwrap();

    let lines = heard.about("recreate-churn");
    // The verdict changed with every recreate (its worst count grows) for 4 s:
    // one line when it fired, then at most one a second, and the rest counted.
    assert!(
        (2..=6).contains(&lines.len()),
        "rate-limited to about one line a second: {lines:#?}"
    );
    for line in &lines[1..] {
        assert!(
            line.message.contains("since the last line") || line.message.contains("at the end"),
            "{line:?}"
        );
    }
    let said_while_running = lines
        .iter()
        .filter(|l| !l.message.contains(" at the end ("))
        .count();

    // The trace marks when it fired, before shutdown began, and the report lists it.
    let events = trace(&path);
    let first_marker = events
        .events
        .iter()
        .find(|e| finding_code(&events, &e.kind).as_deref() == Some("gpu-ledger:recreate-churn"))
        .expect("a finding marker in the trace");
    assert!(matches!(
        first_marker.kind,
        EventKind::Finding {
            severity: FindingSeverity::Info,
            packet: Some(_),
            ..
        }
    ));
    let shutdown = events
        .events
        .iter()
        .find(|e| e.kind == EventKind::Marker(Marker::ShutdownBegins))
        .unwrap();
    assert!(first_marker.time_ns < shutdown.time_ns);
    assert!(
        first_marker.time_ns <= 6 * 50 * MS,
        "fired within a pass of the fifth recreate, at {} ns",
        first_marker.time_ns
    );
    let marker_times: Vec<u64> = events
        .events
        .iter()
        .filter(|e| finding_code(&events, &e.kind).as_deref() == Some("gpu-ledger:recreate-churn"))
        .map(|e| e.time_ns)
        .collect();
    for pair in marker_times.windows(2) {
        assert!(
            pair[1] - pair[0] >= 1_000 * MS,
            "a second apart: {marker_times:?}"
        );
    }
    let code = report
        .findings
        .by_code
        .iter()
        .find(|c| c.code == "gpu-ledger:recreate-churn")
        .expect("the report's findings list the markers");
    assert_eq!(code.severity, "info");
    assert_eq!(
        code.count, said_while_running as u64,
        "one marker per line said while running"
    );

    // The session's report is the one the trace gives.
    let mut offline = Analyzer::default();
    events.replay(&mut offline);
    assert_eq!(offline.report(), report);
}

static FLIGHT_NOW: AtomicU64 = AtomicU64::new(0);

fn flight_now() -> u64 {
    FLIGHT_NOW.fetch_add(1_000, Ordering::Relaxed)
}

/// Destroys a texture while a packet that touched it is in flight.
fn destroy_in_flight(assert: AssertMode) -> Heard {
    let dir = tempfile::tempdir().unwrap();
    let heard = Heard::default();
    let live = LiveConfig {
        hook: Some(heard.hook()),
        ..LiveConfig::default()
    };
    // Freed as Vulkan frees: a destroy in flight is an error, not a warning.
    let config = LedgerConfig {
        clock: Clock::from_fn(flight_now),
        start_unix_ns: Some(0),
        assert,
        release: ReleaseModels::uniform(ReleaseModel::Immediate),
        ..LedgerConfig::default()
    };
    let session = Session::start_with(Some(&dir.path().join("t.gltrace")), config, live)
        .expect("the trace can be created");
    let owner = Owner::new(OwnerKind::EffectPipeline, 9);
    let texture = session.next_resource_id();
    session.create(texture, ResourceType::Texture, owner, None);
    let packet = PacketRef::new(1, 1);
    session.packet(packet, PacketStage::Queued { command_id: 1 });
    session.touched(packet, texture);
    session.packet(packet, PacketStage::Submitted);
    session.destroy(texture, ResourceType::Texture, owner);
    session.flush();
    session.flush();
    let _ = session.finish().unwrap();
    heard
}

#[test]
fn a_destroy_check_is_an_error_line_while_running_and_off_keeps_it_quiet() {
    let heard = destroy_in_flight(AssertMode::Warn);
    let lines = heard.about("destroy-in-flight");
    assert_eq!(lines.len(), 1, "{:?}", heard.all());
    assert_eq!(lines[0].level, log::Level::Error);
    assert!(
        lines[0]
            .message
            .contains("destroy of resource 1 (EffectPipeline 0x9) while packet 1/1, which used it, was submitted and not complete"),
        "{}",
        lines[0].message
    );
    let quiet = destroy_in_flight(AssertMode::Off);
    assert!(
        quiet.about("destroy-in-flight").is_empty(),
        "{:?}",
        quiet.all()
    );
}

#[test]
fn dumps_taken_while_threads_record_list_exactly_what_is_live_at_their_sequence_number() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("threads.gltrace");
    let session = Session::start(&path).unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let workers: Vec<_> = (0..3u64)
        .map(|lane| {
            let (ledger, stop) = (session.ledger().clone(), stop.clone());
            std::thread::spawn(move || {
                let mut held = std::collections::VecDeque::new();
                let mut p = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    p += 1;
                    let packet = PacketRef::new(lane + 1, p);
                    ledger.packet(packet, PacketStage::Queued { command_id: p });
                    let _scope = ledger.enter_packet(packet);
                    let id = ledger.next_resource_id();
                    // A key per resource: no recreate loops, nothing fires.
                    let owner = Owner::new(OwnerKind::ChildVisual, (lane << 32) | p);
                    ledger.create(id, ResourceType::Texture, owner, None);
                    held.push_back((id, owner));
                    ledger.touch(id);
                    if held.len() > 20 {
                        let (old, owner) = held.pop_front().unwrap();
                        ledger.destroy(old, ResourceType::Texture, owner);
                    }
                    drop(_scope);
                    ledger.packet(packet, PacketStage::Presented);
                    // Keep the trace small enough to replay by hand at each dump.
                    std::thread::sleep(std::time::Duration::from_micros(100));
                }
                p
            })
        })
        .collect();
    let mut dumps = Vec::new();
    for n in 0..6 {
        std::thread::sleep(std::time::Duration::from_millis(15));
        let dump = dir.path().join(format!("dump-{n}.json"));
        let seq = session.dump(&dump).expect("a session dumps");
        dumps.push((seq, dump));
    }
    stop.store(true, Ordering::Relaxed);
    let packets: u64 = workers.into_iter().map(|w| w.join().unwrap()).sum();
    session.finish().unwrap();
    assert!(packets > 100, "the threads recorded: {packets} packets");

    let events = trace(&path);
    assert!(
        dumps.last().unwrap().0 < events.events.len() as u64,
        "the threads went on recording after the last dump"
    );
    let mut previous = 0;
    for (seq, file) in &dumps {
        let dump = Dump::read(file).unwrap().expect("a dump");
        assert_eq!(dump.seq, *seq);
        assert!(*seq > previous, "each dump later in the stream");
        previous = *seq;
        let listed: BTreeMap<u64, (String, u64)> = dump
            .graph
            .owners
            .iter()
            .flat_map(|o| {
                o.resources
                    .iter()
                    .map(|r| (r.id, (r.resource_type.clone(), o.owner_key)))
            })
            .collect();
        assert_eq!(
            live_after(&events, *seq),
            listed,
            "the dump at event {seq} lists exactly what was live after it"
        );
        assert_eq!(dump.graph.live, listed.len() as u64);
        assert_eq!(dump.at_ns, events.events[*seq as usize - 1].time_ns);

        // The last packets are those of the trace's prefix, with their resources.
        let mut recent = Timeline::new(WindowSpan::open(), TimelineKeep::Last(64));
        let prefix = Collected {
            events: events.events[..*seq as usize].to_vec(),
            ..events.clone()
        };
        prefix.replay(&mut recent);
        assert_eq!(dump.recent_packets.entries, recent.report().entries);
        assert!(
            dump.recent_packets
                .entries
                .iter()
                .any(|e| e.kind == "packet" && !e.resources.is_empty()),
            "packets list the resources they touched"
        );
    }
}

static STARTUP_NOW: AtomicU64 = AtomicU64::new(0);

fn startup_now() -> u64 {
    STARTUP_NOW.fetch_add(100_000, Ordering::Relaxed)
}

#[test]
fn the_startup_timeline_of_a_dump_is_the_traces_whole_or_so_far() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("startup.gltrace");
    let session = session(&path, startup_now, AssertMode::Warn, LiveConfig::default());
    let owner = Owner::new(OwnerKind::RootVisual, 1);
    let frame = |p: u64, churn: bool| {
        let packet = PacketRef::new(1, p);
        session.packet(packet, PacketStage::Queued { command_id: p });
        if churn {
            let _scope = session.enter_packet(packet);
            let id = session.next_resource_id();
            session.create(id, ResourceType::TextureTarget, owner, None);
        }
        session.packet(packet, PacketStage::Presented);
    };
    for p in 1..=4 {
        frame(p, true);
    }
    frame(5, false);
    frame(6, false); // two clean presents: not yet stable, held back
    let so_far = dir.path().join("so-far.json");
    let seq = session.dump(&so_far).unwrap();
    frame(7, false); // the third: startup ended at packet 5's present
    for p in 8..=12 {
        frame(p, p % 2 == 0);
    }
    let after = dir.path().join("after.json");
    session.dump(&after).unwrap();
    session.finish().unwrap();

    let events = trace(&path);
    let so_far = Dump::read(&so_far).unwrap().unwrap();
    assert!(!so_far.startup_complete);
    let prefix = Collected {
        events: events.events[..seq as usize].to_vec(),
        ..events.clone()
    };
    let mut whole = Timeline::new(WindowSpan::open(), TimelineKeep::First(10_000));
    prefix.replay(&mut whole);
    assert_eq!(
        so_far.startup.entries,
        whole.report().entries,
        "startup so far"
    );
    assert_eq!(so_far.startup.packets_shown, 6);

    let after = Dump::read(&after).unwrap().unwrap();
    assert!(after.startup_complete);
    let mut analyzer = Analyzer::default();
    events.replay(&mut analyzer);
    let mut startup = Timeline::new(
        WindowSpan::of(&analyzer, Window::Startup),
        TimelineKeep::First(10_000),
    );
    events.replay(&mut startup);
    let startup = startup.report();
    assert_eq!(
        after.startup.entries, startup.entries,
        "the whole startup window"
    );
    assert_eq!(
        after.startup.packets_shown, 5,
        "packet 5 was queued in startup; its present begins steady state"
    );
    assert_eq!(after.startup.end_ms, startup.end_ms);
    assert_eq!(after.startup.window.as_deref(), Some("startup"));
}

#[test]
fn planned_dumps_are_written_when_startup_ends_and_at_exit_and_announced() {
    let dir = tempfile::tempdir().unwrap();
    let heard = Heard::default();
    let pattern = dir.path().join("d-{n}-{reason}.json");
    let live = LiveConfig {
        hook: Some(heard.hook()),
        dump: Some(DumpPlan::new(
            pattern.to_str().unwrap(),
            DumpOn {
                startup_end: true,
                exit: true,
                signal: false,
            },
        )),
        ..LiveConfig::default()
    };
    let session = Session::start_with(None, LedgerConfig::default(), live).unwrap();
    for p in 1..=5 {
        session.packet(PacketRef::new(1, p), PacketStage::Presented);
    }
    session.flush();
    session.flush();
    let startup = dir.path().join("d-1-startup-end.json");
    assert!(startup.exists(), "written as soon as startup ended");
    session.finish().unwrap();
    let exit = Dump::read(&dir.path().join("d-2-exit.json"))
        .unwrap()
        .unwrap();
    // After the 5 presents and the clean end the finished recorder wrote.
    assert_eq!((exit.reason.as_str(), exit.seq), ("exit", 6));
    let startup = Dump::read(&startup).unwrap().unwrap();
    assert!(startup.startup_complete);
    assert_eq!(startup.reason, "startup-end");
    let said = heard.about("dump");
    assert_eq!(said.len(), 2, "{said:?}");
    assert!(
        said[0].message.starts_with("dump written to "),
        "{:?}",
        said[0]
    );
    assert_eq!(said[0].level, log::Level::Info);
}

#[test]
fn a_dump_of_a_sink_that_keeps_nothing_says_how_to_get_one() {
    let ledger = Ledger::start(LedgerConfig::default(), Collected::default());
    let err = ledger.dump("x.json").unwrap_err();
    assert_eq!(
        err.to_string(),
        "x.json: this ledger's sink keeps nothing to dump: start the ledger with the live \
         analysis (gpu_ledger::live, the GPU_LEDGER_* toggles or the C API) to dump it"
    );
    ledger.finish();
    let err = ledger.dump("x.json").unwrap_err();
    assert!(
        err.to_string().contains("the ledger records nothing"),
        "{err}"
    );
}

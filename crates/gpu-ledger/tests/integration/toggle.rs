//! Runtime toggles end to end: the ledger they start, its trace and its one startup summary.

use std::io::Write;
use std::sync::{Arc, Mutex};

use gpu_ledger::format::replay_path;
use gpu_ledger::toggle::{self, Toggles};
use gpu_ledger::{
    Collected, ErrorKind, LedgerConfig, Owner, OwnerKind, PacketRef, PacketStage, ResourceId,
    ResourceType,
};

/// A writer the test can read while the ledger still holds it.
#[derive(Clone, Default)]
struct Shared(Arc<Mutex<Vec<u8>>>);

impl Write for Shared {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Shared {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

fn present(ledger: &gpu_ledger::Ledger, packet: u64) {
    ledger.packet(PacketRef::new(1, packet), PacketStage::Presented);
}

#[test]
fn trace_and_report_write_the_trace_and_one_summary_when_startup_ends() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("run.gltrace");
    let toggles = Toggles::parse(
        "OMEGAWTK_GPU_RESOURCE",
        [
            ("OMEGAWTK_GPU_RESOURCE_TRACE", "1"),
            ("OMEGAWTK_GPU_RESOURCE_REPORT", "1"),
            ("OMEGAWTK_GPU_RESOURCE_OUT", path.to_str().unwrap()),
        ],
    )
    .unwrap();
    let summary = Shared::default();
    let ledger =
        toggle::start(&toggles, LedgerConfig::default(), Box::new(summary.clone())).unwrap();
    let owner = Owner::new(OwnerKind::RootVisual, 0x1400);
    ledger.create(ResourceId(1), ResourceType::CommandQueue, owner, None);
    present(&ledger, 1); // follows a create: not clean
    ledger.flush();
    assert_eq!(
        summary.text(),
        "",
        "startup is not over after one unclean present"
    );
    for packet in 2..=4 {
        present(&ledger, packet); // three clean presents: the stable window
    }
    ledger.flush();
    let written = summary.text();
    assert!(
        written.starts_with("gpu-ledger startup summary\n"),
        "{written}"
    );
    assert!(
        written.contains("Startup presented 1 frame in"),
        "{written}"
    );
    // Every section is told for startup, or says it is whole-run (issue 8, item 7).
    assert!(written.contains(", startup window only;"), "{written}");
    assert!(
        written.contains(
            "totals: created 1, destroyed 0, presented 1, churn ratio 1.000, live at end 1\n"
        ),
        "{written}"
    );
    assert!(
        // Mid-stream, a whole-run section counts what came after startup too.
        written.contains("\nLanes (1 total; recent = last W=120 packets) (the run so far)\n"),
        "{written}"
    );
    assert!(
        written.contains("the stream has not ended: nothing is counted as teardown yet"),
        "{written}"
    );
    for packet in 5..=8 {
        present(&ledger, packet);
    }
    ledger.destroy(ResourceId(1), ResourceType::CommandQueue, owner);
    let finished = ledger.finish();
    assert_eq!(finished.events, 11, "10 recorded and the clean end");
    assert_eq!(
        summary.text(),
        written,
        "the summary is written once, never again"
    );
    let mut collected = Collected::default();
    let read = replay_path(&path, &mut collected).unwrap();
    assert!(read.is_clean(), "{read}");
    assert_eq!(collected.events.len(), 11, "the trace holds every event");
}

#[test]
fn report_alone_writes_the_summary_at_finish_when_startup_never_ends() {
    let toggles = Toggles {
        report: true,
        ..Toggles::default()
    };
    let summary = Shared::default();
    let ledger =
        toggle::start(&toggles, LedgerConfig::default(), Box::new(summary.clone())).unwrap();
    present(&ledger, 1);
    present(&ledger, 2);
    ledger.flush();
    assert_eq!(summary.text(), "");
    ledger.finish();
    let written = summary.text();
    assert_eq!(written.matches("gpu-ledger startup summary").count(), 1);
    assert!(
        written.contains("Startup never stabilised: 2 frames presented"),
        "{written}"
    );
}

#[test]
fn nothing_switched_on_gives_a_disabled_ledger() {
    let ledger = toggle::start(
        &Toggles::default(),
        LedgerConfig::default(),
        Box::new(Shared::default()),
    )
    .unwrap();
    assert!(!ledger.is_enabled());
}

#[test]
fn an_unwritable_trace_path_is_an_io_error_naming_it() {
    let toggles = Toggles {
        trace: true,
        out: Some("/nonexistent-dir/run.gltrace".into()),
        ..Toggles::default()
    };
    let err = toggle::start(
        &toggles,
        LedgerConfig::default(),
        Box::new(Shared::default()),
    )
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Io);
    assert_eq!(
        err.to_string(),
        "/nonexistent-dir/run.gltrace: cannot create the output file"
    );
}

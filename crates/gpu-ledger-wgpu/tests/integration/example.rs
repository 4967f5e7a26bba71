//! The crate's own example, `frame_loop`, run as a user would on the first adapter:
//! a session, the tracked queue's submit and present, the report at the end.

use gpu_ledger::analysis::{Analyzer, TextOptions};
use gpu_ledger::{Collected, EventKind, PacketStage};

use crate::util::example;

#[test]
fn the_frame_loop_example_records_every_frame_and_prints_the_traces_report() {
    let dir = tempfile::tempdir().unwrap();
    let trace = dir.path().join("loop.gltrace");
    let output = std::process::Command::new(example("frame_loop"))
        .arg(&trace)
        .output()
        .expect("the example runs");
    let (stdout, stderr) = (
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
    );
    assert!(output.status.success(), "{stderr}\n{stdout}");
    assert!(
        stdout.contains(
            "  totals: created 31, destroyed 31, presented 30, churn ratio 2.067, live at end 0\n"
        ),
        "{stdout}"
    );

    // The report printed is the trace's, and each frame was submitted, completed
    // and presented in its own packet, through wgpu's own `submit` signature.
    let mut events = Collected::default();
    let summary = gpu_ledger::input::replay(&trace, &mut events).expect("the trace reads back");
    assert!(summary.is_clean(), "{summary:?}");
    let mut analyzer = Analyzer::default();
    events.replay(&mut analyzer);
    assert_eq!(
        stdout,
        analyzer.report().render_text(&TextOptions::default())
    );
    for stage in [
        PacketStage::Submitted,
        PacketStage::Completed,
        PacketStage::Presented,
    ] {
        let packets: Vec<u64> = events
            .events
            .iter()
            .filter_map(|e| match e.kind {
                EventKind::Packet { packet, stage: s } if s == stage => Some(packet.packet.0),
                _ => None,
            })
            .collect();
        assert_eq!(packets, (1..=30).collect::<Vec<_>>(), "{stage:?}");
    }
}

//! Shared runs: each scene and mode is run once per test binary, on the real
//! driver, and shared by every test that looks at it.

use std::sync::{Arc, OnceLock};

use gpu_ledger::analysis::{Analyzer, Definitions, Report};
use gpu_ledger::{
    Collected, Event, EventKind, Ledger, Marker, PacketStage, ResourceAction, ResourceType,
};
use gpu_ledger_demo::{DemoConfig, DemoOutcome, Mode, Scenario};

/// Idle frames in test runs: enough to show they are no-ops, few enough to stay fast.
pub(crate) const STEADY_FRAMES: u32 = 8;

/// One finished run: what the compositor says, what the ledger recorded, and
/// what the analysis makes of it.
pub(crate) struct Run {
    pub(crate) outcome: DemoOutcome,
    pub(crate) events: Vec<Event>,
    pub(crate) report: Report,
}

impl Run {
    /// How many packets reached `stage`, by the ledger's events.
    pub(crate) fn packets(&self, stage: PacketStage) -> u64 {
        self.events
            .iter()
            .filter(|e| matches!(e.kind, EventKind::Packet { stage: s, .. } if s == stage))
            .count() as u64
    }

    /// How many `action` events of resources of type `ty` the ledger holds.
    pub(crate) fn resource_events(&self, action: ResourceAction, ty: ResourceType) -> u64 {
        self.events
            .iter()
            .filter(|e| {
                matches!(e.kind, EventKind::Resource { action: a, resource, .. }
                    if a == action && resource.ty == ty)
            })
            .count() as u64
    }

    /// The position of the shutdown marker in the event stream.
    pub(crate) fn shutdown_index(&self) -> usize {
        self.events
            .iter()
            .position(|e| matches!(e.kind, EventKind::Marker(Marker::ShutdownBegins)))
            .expect("the run records a shutdown marker")
    }
}

/// Runs `scenario` in `mode` on the real driver. A missing adapter fails the
/// test (never skips it) with the demo's advice on how to install one.
pub(crate) fn run(scenario: Scenario, mode: Mode) -> Run {
    let ledger = Arc::new(Ledger::start(
        gpu_ledger_demo::ledger_config(),
        Collected::default(),
    ));
    let config = DemoConfig {
        steady_frames: STEADY_FRAMES,
        ..DemoConfig::new(scenario, mode)
    };
    let outcome = gpu_ledger_demo::run(&config, ledger.clone()).unwrap_or_else(|err| {
        panic!("the {scenario} {mode} demo failed on the real driver: {err}")
    });
    let collected = ledger
        .finish()
        .into_sink::<Collected>()
        .expect("the Collected sink comes back");
    let mut analyzer = Analyzer::new(Definitions::default());
    collected.replay(&mut analyzer);
    Run {
        outcome,
        events: collected.events,
        report: analyzer.report(),
    }
}

/// The shared run of `scenario` in `mode`.
pub(crate) fn shared(scenario: Scenario, mode: Mode) -> &'static Run {
    static RUNS: [OnceLock<Run>; 4] = [const { OnceLock::new() }; 4];
    let s = Scenario::ALL.iter().position(|v| *v == scenario).unwrap();
    let m = Mode::ALL.iter().position(|v| *v == mode).unwrap();
    RUNS[s * 2 + m].get_or_init(|| run(scenario, mode))
}

/// Every scene in every mode, shared.
pub(crate) fn all() -> impl Iterator<Item = (Scenario, Mode, &'static Run)> {
    Scenario::ALL
        .into_iter()
        .flat_map(|s| Mode::ALL.into_iter().map(move |m| (s, m, shared(s, m))))
}

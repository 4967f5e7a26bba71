//! The guardrail watch: the report's own guardrail verdicts, taken as events drain,
//! turned into findings that fire once when a guardrail first fails and then, while
//! its verdict keeps changing, at most once per repeat interval with a count.
//!
//! It never judges anything itself: every verdict is [`Analyzer::report`]'s, the
//! same the CLI prints for the trace, so a live finding and `gpu-ledger report`
//! never disagree. Each line goes to the `log` facade (target `gpu_ledger`), to the
//! host's hook (the C API's callback), and, as an informational
//! [`EventKind::Finding`] with code `gpu-ledger:<id>`, into the stream itself, so
//! the trace and its report show when each finding fired. A destroy check can be
//! an assertion ([`AssertMode::Panic`]): the drain thread panics with the message
//! and aborts the process.
//!
//! Taking the verdicts means assembling a report, so the watch does it only in a
//! drain pass that released events, and spaces its evaluations so that they take
//! at most a tenth of the drain thread's time (an evaluation costing 1 ms waits
//! 9 ms before the next). The latency is therefore one drain pass
//! (`LedgerConfig::drain_interval`, 2 ms by default) while the report is cheap,
//! longer while it is large and events keep coming.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use log::Level;

use super::dump::FiredGuardrail;
use super::notice::{NoticeHook, emit};
use crate::analysis::{Analyzer, Guardrail, Severity};
use crate::event::{Event, EventKind, FindingSeverity, PacketRef};
use crate::record::{AssertMode, Recorder};
use crate::time::StreamTime;

/// The destroy checks: the guardrails that [`AssertMode`] governs.
pub const DESTROY_CHECKS: [&str; 3] = [
    "destroy-before-submit",
    Guardrail::DESTROY_IN_FLIGHT,
    "use-after-destroy",
];

/// The largest share of the drain thread's time evaluations may take: 1 in 10.
const DUTY: u32 = 10;

/// A guardrail that failed, as the watch remembers it.
#[derive(Clone, Debug)]
struct Fired {
    severity: Severity,
    first_ns: u64,
    order: usize,
    message: String,
    last_line_ns: u64,
    /// Changes of its verdict since the last line.
    unsaid: u64,
    updates: u64,
}

/// Turns failing guardrails into findings, once each, then rate-limited.
pub(crate) struct Watch {
    assert: AssertMode,
    repeat_ns: u64,
    fired: BTreeMap<String, Fired>,
    /// The packet of the last packet event or resource event in a packet.
    last_packet: Option<PacketRef>,
    last_ns: u64,
    fresh: bool,
    next_check: Option<Instant>,
    release_warned: bool,
}

impl Watch {
    pub(crate) fn new(assert: AssertMode, repeat_ns: u64) -> Self {
        Self {
            assert,
            repeat_ns,
            fired: BTreeMap::new(),
            last_packet: None,
            last_ns: 0,
            fresh: false,
            next_check: None,
            release_warned: false,
        }
    }

    pub(crate) fn set_assert(&mut self, assert: AssertMode) {
        self.assert = assert;
    }

    /// Notes where the stream is: its time and the packet being worked on.
    #[inline]
    pub(crate) fn on_event(&mut self, event: &Event) {
        self.last_ns = event.time_ns;
        self.fresh = true;
        match event.kind {
            EventKind::Packet { packet, .. }
            | EventKind::Resource {
                packet: Some(packet),
                ..
            } => self.last_packet = Some(packet),
            _ => {}
        }
    }

    /// At the end of a drain pass: takes the verdicts if events came since the last
    /// time and the duty cycle allows (or, with `last`, at the end of the stream, if
    /// events came at all), and fires what newly failed or changed.
    pub(crate) fn check(
        &mut self,
        analyzer: &Analyzer,
        recorder: Option<&Recorder>,
        hook: Option<&NoticeHook>,
        last: bool,
    ) {
        let waiting = self.next_check.is_some_and(|next| Instant::now() < next);
        if !self.fresh || (waiting && !last) {
            return;
        }
        self.fresh = false;
        let started = Instant::now();
        let report = analyzer.report();
        for g in report.guardrails.iter().filter(|g| !g.passed) {
            let destroy_check = DESTROY_CHECKS.contains(&g.id.as_str());
            if destroy_check && self.assert == AssertMode::Off {
                continue;
            }
            self.judge(g, destroy_check, recorder, hook);
        }
        let cost = started.elapsed();
        self.next_check = Some(Instant::now() + cost * (DUTY - 1));
    }

    /// One failing guardrail: fired now, changed since, or unchanged.
    fn judge(
        &mut self,
        g: &Guardrail,
        destroy_check: bool,
        recorder: Option<&Recorder>,
        hook: Option<&NoticeHook>,
    ) {
        let now = self.last_ns;
        let order = self.fired.len();
        let line = match self.fired.get_mut(&g.id) {
            None => {
                self.fired.insert(
                    g.id.clone(),
                    Fired {
                        severity: g.severity,
                        first_ns: now,
                        order,
                        message: g.message.clone(),
                        last_line_ns: now,
                        unsaid: 0,
                        updates: 0,
                    },
                );
                first_line(g, now, self.last_packet)
            }
            Some(f) if f.message == g.message => return,
            Some(f) => {
                f.message.clone_from(&g.message);
                f.updates += 1;
                f.unsaid += 1;
                if now.saturating_sub(f.last_line_ns) < self.repeat_ns {
                    return;
                }
                let line = format!(
                    "{} ({}) still failing at {} ({} {} since the last line): {}",
                    g.id,
                    g.severity.name(),
                    StreamTime::from_ns(now),
                    f.unsaid,
                    if f.unsaid == 1 { "change" } else { "changes" },
                    g.message
                );
                f.unsaid = 0;
                f.last_line_ns = now;
                line
            }
        };
        let level = match g.severity {
            Severity::Error => Level::Error,
            _ => Level::Warn,
        };
        emit(hook, level, &g.id, &line);
        if let Some(recorder) = recorder {
            recorder.record(EventKind::Finding {
                severity: FindingSeverity::Info,
                code: recorder.intern(&format!("gpu-ledger:{}", g.id)),
                message: recorder.intern(&line),
                resource: None,
                packet: self.last_packet,
                line: None,
            });
        }
        if destroy_check && self.assert == AssertMode::Panic {
            self.stop(hook, &line);
        }
    }

    /// The assertion: stop the process with the finding's message.
    fn stop(&mut self, hook: Option<&NoticeHook>, line: &str) {
        if cfg!(debug_assertions) {
            let message = format!("gpu-ledger assertion failed (GPU_LEDGER_ASSERT=panic): {line}");
            // The drain thread is not the host's: a panic here would end only this
            // thread and leave the host running unrecorded. Panic, so that the
            // process's panic hook reports it (with a backtrace under
            // RUST_BACKTRACE=1), then stop the whole process as `panic = "abort"` would.
            let _ = std::panic::catch_unwind(move || panic!("{message}"));
            std::process::abort();
        }
        if !self.release_warned {
            self.release_warned = true;
            emit(
                hook,
                Level::Warn,
                "assert",
                "GPU_LEDGER_ASSERT=panic stops the program only in builds with debug assertions; \
                 this build warns instead",
            );
        }
    }

    /// At the end of the stream: the last verdicts (a guardrail that first fails
    /// now is said, but its marker cannot reach the stream any more), then the
    /// changes no line reported yet, one line each.
    pub(crate) fn finish(&mut self, analyzer: &Analyzer, hook: Option<&NoticeHook>) {
        self.check(analyzer, None, hook, true);
        for (id, f) in &mut self.fired {
            if f.unsaid == 0 {
                continue;
            }
            let line = format!(
                "{id} ({}) at the end ({} more {} after the last line): {}",
                f.severity.name(),
                f.unsaid,
                if f.unsaid == 1 { "change" } else { "changes" },
                f.message
            );
            f.unsaid = 0;
            let level = match f.severity {
                Severity::Error => Level::Error,
                _ => Level::Warn,
            };
            emit(hook, level, id, &line);
        }
    }

    /// The guardrails fired so far, in the order they first fired.
    pub(crate) fn fired(&self) -> Vec<FiredGuardrail> {
        let mut fired: Vec<_> = self.fired.iter().collect();
        fired.sort_by_key(|(_, f)| f.order);
        fired
            .into_iter()
            .map(|(id, f)| FiredGuardrail {
                id: id.clone(),
                severity: f.severity.name().to_owned(),
                first_fired_ns: f.first_ns,
                message: f.message.clone(),
                updates: f.updates,
            })
            .collect()
    }
}

/// `recreate-churn (warning) at 466.302 ms, lane 1 packet 8: <message>; first: <evidence>`.
fn first_line(g: &Guardrail, now: u64, packet: Option<PacketRef>) -> String {
    let mut line = format!(
        "{} ({}) at {}",
        g.id,
        g.severity.name(),
        StreamTime::from_ns(now)
    );
    if let Some(p) = packet {
        line.push_str(&format!(", {p}"));
    }
    line.push_str(": ");
    line.push_str(&g.message);
    if let Some(item) = g.evidence.items.first() {
        line.push_str(&format!("; first: #{} {}", item.seq, item.what));
    }
    line
}

/// How long to wait between two lines of one guardrail by default: 1 s of stream time.
pub(crate) const DEFAULT_REPEAT: Duration = Duration::from_secs(1);

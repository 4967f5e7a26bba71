//! The startup summary of `GPU_LEDGER_REPORT=1`: an analyzer that writes its
//! startup report exactly once, as soon as the first stable present window is
//! reached, or when the stream ends if it never is.
//!
//! It checks at natural boundaries (`on_flush`: every drain pass, a few
//! milliseconds apart), never per event, and writes only to the writer the host
//! handed it. A failed write is dropped: a summary must never disturb the host.

use std::io::Write;

use crate::analysis::{Analyzer, TextOptions, Window};
use crate::event::{Event, EventSink, Name, StreamInfo};

/// A sink that folds events into an [`Analyzer`] and writes the startup report once.
///
/// # Example
/// ```
/// use gpu_ledger::analysis::{Analyzer, Definitions};
/// use gpu_ledger::toggle::StartupReport;
/// use gpu_ledger::{Event, EventKind, EventSink, PacketRef, PacketStage};
///
/// let mut summary = StartupReport::new(Analyzer::new(Definitions::default()), Box::new(Vec::new()));
/// for p in 1..=3 {
///     let kind = EventKind::Packet { packet: PacketRef::new(1, p), stage: PacketStage::Presented };
///     summary.on_event(&Event { time_ns: p * 16_000_000, thread: 0, kind });
/// }
/// summary.on_flush();
/// assert!(summary.is_written(), "three clean presents: startup is over");
/// ```
pub struct StartupReport {
    analyzer: Analyzer,
    out: Box<dyn Write + Send>,
    written: bool,
}

impl StartupReport {
    /// Folds into `analyzer` and writes the summary to `out`.
    pub fn new(analyzer: Analyzer, out: Box<dyn Write + Send>) -> Self {
        Self {
            analyzer,
            out,
            written: false,
        }
    }

    /// The analyzer, with everything folded so far.
    pub fn analyzer(&self) -> &Analyzer {
        &self.analyzer
    }

    /// Whether the summary has been written.
    pub fn is_written(&self) -> bool {
        self.written
    }

    fn write_summary(&mut self) {
        self.written = true;
        let report = self.analyzer.report().restrict(Window::Startup);
        let text = report.render_text(&TextOptions::default());
        let _ = write!(self.out, "gpu-ledger startup summary\n{text}");
        let _ = self.out.flush();
    }
}

impl EventSink for StartupReport {
    fn on_start(&mut self, info: &StreamInfo) {
        self.analyzer.on_start(info);
    }

    fn on_name(&mut self, name: Name, text: &str) {
        self.analyzer.on_name(name, text);
    }

    fn on_event(&mut self, event: &Event) {
        self.analyzer.on_event(event);
    }

    fn on_flush(&mut self) {
        self.analyzer.on_flush();
        if !self.written && self.analyzer.is_startup_complete() {
            self.write_summary();
        }
    }

    fn on_finish(&mut self) {
        self.analyzer.on_finish();
        if !self.written {
            self.write_summary();
        }
    }
}

impl std::fmt::Debug for StartupReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StartupReport")
            .field("written", &self.written)
            .finish_non_exhaustive()
    }
}

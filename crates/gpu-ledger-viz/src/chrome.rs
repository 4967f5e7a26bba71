//! [`ChromeWriter`]: a gpu-ledger stream as a Chrome trace event JSON file, for
//! chrome://tracing, older viewers and tools that read the Trace Event Format.
//!
//! The same scene as the Perfetto trace (see the crate docs), mapped onto the
//! format's processes and threads: each group (`Lanes`, `Live resources`,
//! `Owners`) is a process, each slot track a thread (named after its lane or owner,
//! numbered from the second slot on: this format has no sibling merging), the root's
//! own tracks (`Windows`, `Findings`) threads of process 1. Slices are complete
//! (`X`) events, instants `i`, counters `C`, flows `s`/`f` (the `f` binding to the
//! enclosing slice). Timestamps are microseconds of stream time with nanosecond
//! decimals, so nothing is rounded. Events are written as the stream goes, not in
//! time order (viewers sort); memory is the scene's plus one entry per track.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::Write;

use gpu_ledger::analysis::Report;
use serde_json::{Map, Value as Json};

use crate::error::{Error, FirstError};
use crate::scene::canvas::{Args, Canvas, Instant, Slice, Track, TrackKind, Value};
use crate::scene::{Scene, SceneStats};

/// Writes a Chrome trace event JSON file of the stream it is given: an [`EventSink`](gpu_ledger::EventSink).
///
/// # Example
/// ```
/// use gpu_ledger::{Event, EventKind, EventSink, PacketRef, PacketStage};
/// use gpu_ledger_viz::ChromeWriter;
///
/// let packet = PacketRef::new(1, 1);
/// let mut writer = ChromeWriter::new(Vec::new());
/// writer.on_event(&Event { time_ns: 1_500, thread: 0, kind: EventKind::Packet { packet, stage: PacketStage::Queued { command_id: 7 } } });
/// writer.on_event(&Event { time_ns: 9_000, thread: 0, kind: EventKind::Packet { packet, stage: PacketStage::Presented } });
/// let json = String::from_utf8(writer.finish()?).unwrap();
/// assert!(json.contains(r#""ph":"X","name":"presented · cmd 7","ts":1.500,"dur":7.500"#));
/// # Ok::<(), gpu_ledger_viz::Error>(())
/// ```
pub struct ChromeWriter<W: Write> {
    scene: Scene<ChromeCanvas<W>>,
}

impl<W: Write> ChromeWriter<W> {
    /// A writer of a Chrome trace into `out` (buffer it: one write per event).
    pub fn new(out: W) -> Self {
        Self {
            scene: Scene::new(ChromeCanvas::new(out)),
        }
    }

    /// What has been drawn so far.
    pub fn stats(&self) -> SceneStats {
        self.scene.stats()
    }

    /// Stream time of the first event, ns (`None` before any): times are kept as read.
    pub fn origin_ns(&self) -> Option<u64> {
        self.scene.origin_ns()
    }

    /// The churn report of the stream, once it has finished.
    pub fn report(&self) -> Option<&Report> {
        self.scene.report()
    }

    /// Ends the stream (if [`EventSink::on_finish`](gpu_ledger::EventSink::on_finish) was not called), closes the
    /// JSON document, flushes, and returns the output.
    ///
    /// # Errors
    /// [`ErrorKind::Io`](crate::ErrorKind::Io): the first write that failed.
    pub fn finish(mut self) -> Result<W, Error> {
        self.scene.on_finish();
        let mut canvas = self.scene.canvas;
        canvas.begin();
        canvas.emit("\n]}\n".to_owned());
        let flushed = canvas.out.flush();
        canvas.error.keep("chrome trace", flushed);
        canvas.error.into_result()?;
        Ok(canvas.out)
    }
}

crate::scene::scene_sink!(ChromeWriter);

/// Where a track's events go.
#[derive(Clone, Copy, Debug)]
enum Place {
    Process(u32),
    Thread(u32, u32),
    Counter(u32),
}

struct ChromeCanvas<W> {
    out: W,
    error: FirstError,
    started: bool,
    events: u64,
    places: HashMap<u64, Place>,
    /// Counter track uuid → its name.
    counter_names: HashMap<u64, String>,
    /// Threads per process name, to number slot tracks that share a name.
    thread_names: HashMap<(u32, String), u32>,
    next_pid: u32,
    next_tid: u32,
}

/// Stream ns as trace µs with three decimals: exact.
fn us(ns: u64) -> String {
    format!("{}.{:03}", ns / 1000, ns % 1000)
}

fn quoted(s: &str) -> String {
    Json::String(s.to_owned()).to_string()
}

fn args_json(args: &Args<'_>) -> String {
    let mut map = Map::new();
    for &(name, value) in args {
        let v = match value {
            Value::Uint(v) => Json::from(v),
            Value::Float(v) => Json::from(v),
            Value::Str(v) | Value::Label(v) => Json::from(v),
            Value::Bool(v) => Json::from(v),
        };
        map.insert(name.to_owned(), v);
    }
    Json::Object(map).to_string()
}

impl<W: Write> ChromeCanvas<W> {
    fn new(out: W) -> Self {
        Self {
            out,
            error: FirstError::default(),
            started: false,
            events: 0,
            places: HashMap::new(),
            counter_names: HashMap::new(),
            thread_names: HashMap::new(),
            next_pid: 1,
            next_tid: 1,
        }
    }

    fn begin(&mut self) {
        if !self.started {
            self.started = true;
            let head = "{\"displayTimeUnit\":\"ns\",\"traceEvents\":[";
            let written = self.out.write_all(head.as_bytes());
            self.error.keep("chrome trace", written);
        }
    }

    fn emit(&mut self, text: String) {
        if self.error.failed() {
            return;
        }
        let written = self.out.write_all(text.as_bytes());
        self.error.keep("chrome trace", written);
    }

    fn event(&mut self, body: String) {
        self.begin();
        let sep = if self.events == 0 { "\n" } else { ",\n" };
        self.events += 1;
        self.emit(format!("{sep}{{{body}}}"));
    }

    fn pid_tid(&self, track: u64) -> (u32, u32) {
        match self.places.get(&track) {
            Some(Place::Thread(pid, tid)) => (*pid, *tid),
            Some(Place::Process(pid)) | Some(Place::Counter(pid)) => (*pid, 0),
            None => (1, 0),
        }
    }

    fn pid_of(&self, parent: Option<u64>) -> u32 {
        match parent.and_then(|p| self.places.get(&p)) {
            Some(Place::Process(pid)) => *pid,
            _ => 1,
        }
    }
}

impl<W: Write> Canvas for ChromeCanvas<W> {
    fn track(&mut self, track: &Track<'_>) {
        let name = quoted(track.name);
        let rank = track.rank.unwrap_or(0);
        match track.kind {
            TrackKind::Group(_) => {
                // The root is process 1; each group below it is a process of its own.
                let pid = if track.parent.is_none() {
                    1
                } else {
                    self.next_pid += 1;
                    self.next_pid
                };
                self.places.insert(track.uuid, Place::Process(pid));
                self.event(format!(
                    r#""ph":"M","name":"process_name","pid":{pid},"args":{{"name":{name}}}"#
                ));
                self.event(format!(
                    r#""ph":"M","name":"process_sort_index","pid":{pid},"args":{{"sort_index":{rank}}}"#
                ));
            }
            TrackKind::Slices => {
                let pid = self.pid_of(track.parent);
                let tid = self.next_tid;
                self.next_tid += 1;
                self.places.insert(track.uuid, Place::Thread(pid, tid));
                let count = self
                    .thread_names
                    .entry((pid, track.name.to_owned()))
                    .or_insert(0);
                *count += 1;
                let label = if *count == 1 {
                    name
                } else {
                    quoted(&format!("{} ({})", track.name, count))
                };
                self.event(format!(
                    r#""ph":"M","name":"thread_name","pid":{pid},"tid":{tid},"args":{{"name":{label}}}"#
                ));
                self.event(format!(
                    r#""ph":"M","name":"thread_sort_index","pid":{pid},"tid":{tid},"args":{{"sort_index":{rank}}}"#
                ));
            }
            TrackKind::Counter => {
                let pid = self.pid_of(track.parent);
                self.places.insert(track.uuid, Place::Counter(pid));
                self.counter_names.insert(track.uuid, track.name.to_owned());
            }
        }
    }

    fn slice(&mut self, slice: &Slice<'_>) {
        let (pid, tid) = self.pid_tid(slice.track);
        let mut body = format!(
            r#""ph":"X","name":{},"ts":{},"dur":{},"pid":{pid},"tid":{tid}"#,
            quoted(slice.name.as_str()),
            us(slice.start_ns),
            us(slice.end_ns.saturating_sub(slice.start_ns)),
        );
        if !slice.args.is_empty() {
            let _ = write!(body, r#","args":{}"#, args_json(slice.args));
        }
        self.event(body);
        for phase in slice.phases {
            self.event(format!(
                r#""ph":"X","name":{},"ts":{},"dur":{},"pid":{pid},"tid":{tid}"#,
                quoted(phase.name),
                us(phase.start_ns),
                us(phase.end_ns.saturating_sub(phase.start_ns)),
            ));
        }
        let ts = us(slice.start_ns);
        for id in slice.flows_out {
            self.event(format!(
                r#""ph":"s","name":"caused","cat":"gpu-ledger","id":{id},"ts":{ts},"pid":{pid},"tid":{tid}"#
            ));
        }
        if let Some(id) = slice.flow_in {
            self.event(format!(
                r#""ph":"f","bp":"e","name":"caused","cat":"gpu-ledger","id":{id},"ts":{ts},"pid":{pid},"tid":{tid}"#
            ));
        }
    }

    fn instant(&mut self, instant: &Instant<'_>) {
        let (pid, tid) = self.pid_tid(instant.track);
        let ts = us(instant.ts);
        let mut body = format!(
            r#""ph":"i","s":"t","name":{},"ts":{ts},"pid":{pid},"tid":{tid}"#,
            quoted(instant.name.as_str()),
        );
        if !instant.args.is_empty() {
            let _ = write!(body, r#","args":{}"#, args_json(instant.args));
        }
        self.event(body);
        if let Some(id) = instant.flow_in {
            self.event(format!(
                r#""ph":"f","bp":"e","name":"caused","cat":"gpu-ledger","id":{id},"ts":{ts},"pid":{pid},"tid":{tid}"#
            ));
        }
    }

    fn counter(&mut self, track: u64, ts: u64, value: u64) {
        let (pid, _) = self.pid_tid(track);
        let name = quoted(
            self.counter_names
                .get(&track)
                .map_or("live", String::as_str),
        );
        self.event(format!(
            r#""ph":"C","name":{name},"ts":{},"pid":{pid},"args":{{"live":{value}}}"#,
            us(ts)
        ));
    }
}

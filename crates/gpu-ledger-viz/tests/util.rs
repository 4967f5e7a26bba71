//! Shared helpers: streams to draw, the real tools that read what was drawn
//! (Debian's `protoc`, headless `chromium`), and a reader for `protoc`'s text output.

#![allow(dead_code)]

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use gpu_ledger::synth::{self, SynthConfig};
use gpu_ledger::{Collected, EventKind, LedgerConfig};

/// A realistic synthetic run of about `events` events (startup storm, steady
/// frames, rare queue replacements, teardown after a shutdown marker).
pub(crate) fn synth_stream(events: u64) -> Collected {
    let config = SynthConfig {
        events,
        lanes: 2,
        live: 60,
        seed: 7,
    };
    let (_, finished) = synth::record(&config, LedgerConfig::default(), Collected::default())
        .expect("enough events for the synthetic workload");
    assert_eq!(finished.lost, 0, "the synth run lost events");
    finished
        .into_sink::<Collected>()
        .expect("the sink synth was given")
}

/// The packets of `stream` (every packet with a stage).
pub(crate) fn packets(stream: &Collected) -> HashSet<gpu_ledger::PacketRef> {
    stream
        .events
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::Packet { packet, .. } => Some(packet),
            _ => None,
        })
        .collect()
}

/// Resource events of `stream` recorded in a packet's context.
pub(crate) fn resource_events_in_packets(stream: &Collected) -> u64 {
    stream
        .events
        .iter()
        .filter(|e| {
            matches!(
                e.kind,
                EventKind::Resource {
                    packet: Some(_),
                    ..
                }
            )
        })
        .count() as u64
}

/// Where test artifacts (screenshots, traces) are kept after the run.
pub(crate) fn artifacts() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("viz-artifacts");
    std::fs::create_dir_all(&dir).expect("the artifact directory can be made");
    dir
}

/// The vendored, published Perfetto schema.
pub(crate) fn perfetto_proto() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/proto/perfetto_trace.proto")
}

/// Runs `command`, failing with a message naming `tool` and how to install it when
/// it is missing, and dumping everything when it does not exit 0.
pub(crate) fn run_tool(command: &mut Command, tool: &str, package: &str) -> Output {
    let output = command.output().unwrap_or_else(|e| {
        panic!(
            "cannot run {tool} ({e}): install it with `apt-get install {package}` \
             (scripts/setup does)"
        )
    });
    assert!(
        output.status.success(),
        "command: {command:?}\nstatus: {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// `protoc --decode perfetto.protos.Trace` of the trace at `path`.
pub(crate) fn protoc_decode(path: &Path) -> Node {
    let proto = perfetto_proto();
    let input = std::fs::File::open(path).expect("the trace exists");
    let output = run_tool(
        Command::new("protoc")
            .arg(format!(
                "--proto_path={}",
                proto.parent().expect("a folder").display()
            ))
            .arg("--decode=perfetto.protos.Trace")
            .arg(proto.file_name().expect("a file"))
            .stdin(Stdio::from(input)),
        "protoc",
        "protobuf-compiler",
    );
    let text = String::from_utf8(output.stdout).expect("protoc prints UTF-8");
    parse_text_format(&text)
}

/// A message of protobuf text format: its fields in order.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Node {
    pub(crate) fields: Vec<(String, Field)>,
}

/// A field's value.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Field {
    /// A scalar, as printed (strings unquoted and unescaped).
    Scalar(String),
    /// A nested message.
    Message(Node),
}

impl Node {
    /// Every nested message named `name`.
    pub(crate) fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
        self.fields.iter().filter_map(move |(n, f)| match f {
            Field::Message(m) if n == name => Some(m),
            _ => None,
        })
    }

    /// The first nested message named `name`.
    pub(crate) fn get<'a>(&'a self, name: &'a str) -> Option<&'a Node> {
        self.all(name).next()
    }

    /// Every scalar named `name`.
    pub(crate) fn scalars<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.fields.iter().filter_map(move |(n, f)| match f {
            Field::Scalar(s) if n == name => Some(s.as_str()),
            _ => None,
        })
    }

    /// The first scalar named `name`.
    pub(crate) fn scalar<'a>(&'a self, name: &'a str) -> Option<&'a str> {
        self.scalars(name).next()
    }

    /// The first scalar named `name`, as an integer.
    pub(crate) fn int(&self, name: &str) -> Option<i128> {
        self.scalar(name).map(|s| {
            s.parse()
                .unwrap_or_else(|_| panic!("{name}: {s:?} is not an integer"))
        })
    }
}

/// Parses `protoc --decode` output: `name: value` lines and `name { ... }` blocks.
pub(crate) fn parse_text_format(text: &str) -> Node {
    let mut stack = vec![(String::new(), Node::default())];
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if line == "}" {
            let (name, node) = stack.pop().expect("balanced braces");
            let parent = &mut stack.last_mut().expect("a parent").1;
            parent.fields.push((name, Field::Message(node)));
        } else if let Some(name) = line.strip_suffix(" {") {
            stack.push((name.to_owned(), Node::default()));
        } else {
            let (name, value) = line
                .split_once(": ")
                .unwrap_or_else(|| panic!("not a text-format line: {line:?}"));
            let value = match value.strip_prefix('"').and_then(|v| v.strip_suffix('"')) {
                Some(quoted) => unescape(quoted),
                None => value.to_owned(),
            };
            let top = &mut stack.last_mut().expect("a message").1;
            top.fields.push((name.to_owned(), Field::Scalar(value)));
        }
    }
    assert_eq!(stack.len(), 1, "unbalanced text format");
    stack.pop().expect("the root").1
}

/// Undoes text format's C-style string escapes (octal bytes for non-ASCII).
fn unescape(s: &str) -> String {
    let mut bytes = Vec::with_capacity(s.len());
    let mut it = s.bytes().peekable();
    while let Some(b) = it.next() {
        if b != b'\\' {
            bytes.push(b);
            continue;
        }
        match it.next() {
            Some(d @ b'0'..=b'7') => {
                let mut v = u32::from(d - b'0');
                for _ in 0..2 {
                    match it.peek() {
                        Some(&o @ b'0'..=b'7') => {
                            v = v * 8 + u32::from(o - b'0');
                            it.next();
                        }
                        _ => break,
                    }
                }
                bytes.push(v as u8);
            }
            Some(b'n') => bytes.push(b'\n'),
            Some(b't') => bytes.push(b'\t'),
            Some(b'r') => bytes.push(b'\r'),
            Some(other) => bytes.push(other),
            None => {}
        }
    }
    String::from_utf8(bytes).expect("protoc prints the UTF-8 we wrote")
}

/// Headless Chromium on `page` with `args` (`--dump-dom`, `--screenshot=...`), in a
/// profile of its own so tests can run side by side; the page's console goes to stderr.
pub(crate) fn chromium(page: &Path, args: &[&str]) -> Output {
    let profile = tempfile::tempdir().expect("a temp profile");
    let mut command = Command::new("chromium");
    command
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--no-first-run",
            "--enable-logging=stderr",
            "--v=0",
            "--virtual-time-budget=15000",
            // Animation frames run before the DOM is dumped even on a loaded machine:
            // the page marks itself drawn in one.
            "--run-all-compositor-stages-before-draw",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(args)
        .arg(format!("file://{}", page.display()));
    run_tool(&mut command, "chromium", "chromium")
}

/// The page's console messages, as Chromium logs them on stderr.
pub(crate) fn console_lines(output: &Output) -> Vec<String> {
    String::from_utf8_lossy(&output.stderr)
        .lines()
        .filter(|l| l.contains(":CONSOLE"))
        .map(str::to_owned)
        .collect()
}

/// The value of attribute `name` in the first tag of `dom` that starts with `tag_start`.
pub(crate) fn attribute(dom: &str, tag_start: &str, name: &str) -> Option<String> {
    let at = dom.find(tag_start)?;
    let tag = &dom[at..at + dom[at..].find('>')?];
    let key = format!(" {name}=\"");
    let start = tag.find(&key)? + key.len();
    let len = tag[start..].find('"')?;
    Some(html_unescape(&tag[start..start + len]))
}

/// Undoes the escapes Chromium's serialiser writes.
pub(crate) fn html_unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&")
}

/// A decoded trace: descriptors by uuid, and track events in file order.
pub(crate) struct Decoded {
    pub(crate) tracks: HashMap<u64, Node>,
    /// (file index, timestamp, event)
    pub(crate) events: Vec<(usize, u64, Node)>,
    pub(crate) names: HashMap<u64, String>,
    /// Track uuids in the order their descriptors appear.
    pub(crate) declared_at: HashMap<u64, usize>,
}

impl Decoded {
    pub(crate) fn read(path: &Path) -> Self {
        let root = protoc_decode(path);
        let mut d = Decoded {
            tracks: HashMap::new(),
            events: Vec::new(),
            names: HashMap::new(),
            declared_at: HashMap::new(),
        };
        for (i, packet) in root.all("packet").enumerate() {
            assert_eq!(packet.int("trusted_packet_sequence_id"), Some(1));
            if let Some(interned) = packet.get("interned_data") {
                for name in interned.all("event_names") {
                    let iid = name.int("iid").expect("an iid") as u64;
                    d.names
                        .insert(iid, name.scalar("name").expect("a name").to_owned());
                }
            }
            if let Some(track) = packet.get("track_descriptor") {
                let uuid = track.int("uuid").expect("a uuid") as u64;
                d.declared_at.entry(uuid).or_insert(i);
                d.tracks.insert(uuid, track.clone());
            }
            if let Some(event) = packet.get("track_event") {
                let ts = packet.int("timestamp").expect("events have a timestamp") as u64;
                d.events.push((i, ts, event.clone()));
            }
        }
        d
    }

    pub(crate) fn uuid_named(&self, name: &str) -> u64 {
        let found: Vec<u64> = self
            .tracks
            .iter()
            .filter(|(_, t)| t.scalar("name") == Some(name))
            .map(|(u, _)| *u)
            .collect();
        assert_eq!(found.len(), 1, "one track named {name:?}");
        found[0]
    }

    pub(crate) fn children(&self, parent: u64) -> HashSet<u64> {
        self.tracks
            .iter()
            .filter(|(_, t)| t.int("parent_uuid") == Some(i128::from(parent)))
            .map(|(u, _)| *u)
            .collect()
    }

    pub(crate) fn name(&self, event: &Node) -> Option<String> {
        event.scalar("name").map(str::to_owned).or_else(|| {
            let iid = event.int("name_iid")? as u64;
            Some(self.names[&iid].clone())
        })
    }

    pub(crate) fn on<'a>(
        &'a self,
        tracks: &'a HashSet<u64>,
    ) -> impl Iterator<Item = &'a (usize, u64, Node)> {
        self.events
            .iter()
            .filter(|(_, _, e)| tracks.contains(&(e.int("track_uuid").expect("a track") as u64)))
    }
}

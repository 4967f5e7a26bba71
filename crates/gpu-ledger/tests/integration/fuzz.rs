//! Property-based fuzzing of every reader, in CI: the JSON Lines reader, the
//! Omega importer and the binary reader's block sequencing (the binary block
//! decoder's own fuzzing is in `format.rs`, next to its framing tests).
//!
//! Beyond "never panics", each property says what a reader owes its caller:
//! its summary agrees with what it delivered, and whatever it delivered is a
//! stream that both trace formats carry exactly (so every value a reader
//! accepts survives every conversion).

use gpu_ledger::format::BlockPolicy;
use gpu_ledger::import::{OmegaImport, Sources};
use gpu_ledger::{Collected, EventKind, ResourceAction};
use proptest::prelude::*;

use crate::util::{read_binary, read_jsonl, try_read_jsonl, write_binary, write_jsonl};

/// `stream` through both writers and back: what comes back must be `stream`.
fn assert_carried_exactly(stream: &Collected) -> Result<(), TestCaseError> {
    let (summary, copy) = read_binary(&write_binary(stream, BlockPolicy::size_only()));
    prop_assert!(summary.is_clean(), "{}", summary);
    prop_assert_eq!(&copy, stream);
    let (summary, copy) = read_jsonl(&write_jsonl(stream));
    prop_assert!(summary.is_clean(), "{}", summary);
    prop_assert_eq!(&copy, stream);
    Ok(())
}

// ---------------------------------------------------------------------------
// The JSON Lines reader

/// JSON values a line may hold where a number, a string or a name is expected.
fn arb_json_value() -> impl Strategy<Value = String> {
    prop_oneof![
        (0u64..100).prop_map(|n| n.to_string()),
        prop_oneof![
            Just(u64::MAX.to_string()),
            Just(u32::MAX.to_string()),
            Just((u64::from(u32::MAX) + 1).to_string()),
            Just("18446744073709551616".to_owned()),
            Just("-1".to_owned()),
            Just("1.5".to_owned()),
            Just("1e400".to_owned()),
            Just("null".to_owned()),
            Just("true".to_owned()),
            Just("[]".to_owned()),
            Just("{}".to_owned()),
        ],
        "[A-Za-z]{0,12}".prop_map(|s| format!("\"{s}\"")),
        Just("\"Texture\"".to_owned()),
        Just("\"CommandQueue\"".to_owned()),
        Just("\"ShutdownBegins\"".to_owned()),
        Just("\"Twin\"".to_owned()),
        Just("\"\\u0000\\n\\u001b[31m\\ud83d\\ude00\"".to_owned()),
        Just("\"\\ud800\"".to_owned()),
        prop_oneof![
            Just(0u64),
            Just(1),
            Just(7),
            Just(65_536),
            Just(u64::from(u32::MAX))
        ]
        .prop_map(|n| format!("{{\"name\":{n}}}")),
        (1usize..70_000).prop_map(|n| format!("\"{}\"", "L".repeat(n))),
    ]
}

const KEYS: &[&str] = &[
    "type",
    "t_ns",
    "thread",
    "event",
    "stage",
    "id",
    "resource_type",
    "owner_kind",
    "owner_key",
    "lane",
    "packet",
    "command_id",
    "width",
    "height",
    "scale",
    "marker",
    "count",
    "name",
    "text",
    "format",
    "version",
    "source",
    "start_unix_ns",
];

const EVENTS: &[&str] = &[
    "create",
    "destroy",
    "resize_rebuild",
    "bind",
    "unbind",
    "pool_hit",
    "pool_miss",
    "pool_release",
    "pool_evict",
    "packet",
    "touched",
    "marker",
    "lost",
    "explode",
];

/// One line: mostly a record with plausible keys and any values, sometimes noise.
fn arb_jsonl_line() -> impl Strategy<Value = Vec<u8>> {
    let record = (
        prop_oneof![
            4 => Just("event"),
            2 => Just("name"),
            1 => Just("header"),
            1 => Just("gossip"),
        ],
        proptest::sample::select(EVENTS),
        proptest::collection::vec((proptest::sample::select(KEYS), arb_json_value()), 0..10),
    )
        .prop_map(|(ty, event, fields)| {
            let mut line = format!("{{\"type\":\"{ty}\",\"event\":\"{event}\"");
            for (key, value) in fields {
                line.push_str(&format!(",\"{key}\":{value}"));
            }
            line.push('}');
            line.into_bytes()
        });
    prop_oneof![
        8 => record,
        1 => proptest::collection::vec(any::<u8>(), 0..60),
        1 => Just(Vec::new()),
    ]
}

/// A trace: the header, then lines, sometimes without a last newline.
fn arb_jsonl_trace() -> impl Strategy<Value = Vec<u8>> {
    (
        proptest::collection::vec(arb_jsonl_line(), 0..40),
        any::<bool>(),
    )
        .prop_map(|(lines, newline_at_end)| {
            let mut text =
                b"{\"type\":\"header\",\"format\":\"gpu-ledger-trace\",\"version\":1}\n".to_vec();
            for line in lines {
                text.extend_from_slice(&line);
                text.push(b'\n');
            }
            if !newline_at_end {
                text.pop();
            }
            text
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// Any lines: no panic, a summary that agrees with what was delivered,
    /// and a delivered stream that both formats carry exactly.
    #[test]
    fn jsonl_reader_accepts_only_what_it_can_carry(text in arb_jsonl_trace()) {
        let (summary, copy) = read_jsonl(&text);
        prop_assert_eq!(summary.bytes, text.len() as u64);
        prop_assert_eq!(summary.events, copy.events.len() as u64);
        prop_assert_eq!(summary.names, copy.names.len() as u64);
        prop_assert!(summary.malformed_lines < summary.lines, "the header is never malformed");
        prop_assert!(copy.finished);
        assert_carried_exactly(&copy)?;
    }

    /// A valid trace with bytes changed, inserted or removed anywhere.
    #[test]
    fn jsonl_reader_survives_damage_to_a_valid_trace(
        text in arb_jsonl_trace(),
        edits in proptest::collection::vec(
            (any::<prop::sample::Index>(), any::<u8>(), 0u8..3),
            1..8,
        ),
    ) {
        let mut text = text;
        for (at, byte, kind) in edits {
            let at = at.index(text.len() + 1);
            match kind {
                0 if at < text.len() => text[at] = byte,
                1 => text.insert(at, byte),
                _ if at < text.len() => {
                    text.remove(at);
                }
                _ => {}
            }
        }
        if let Some((summary, copy)) = try_read_jsonl(&text) {
            prop_assert_eq!(summary.bytes, text.len() as u64);
            prop_assert_eq!(summary.events, copy.events.len() as u64);
            assert_carried_exactly(&copy)?;
        }
    }
}

// ---------------------------------------------------------------------------
// The Omega importer

const TAGS: &[&str] = &[
    "[OmegaWTKGPU]",
    "[OmegaGTEResource]",
    "[OmegaWTKSync]",
    "[GEMetalEngine_Internal] - INFO QUEUE",
    "[GEVulkanEngine_Internal] - DEBUG RT",
    "2026-02-27 23:44:36.900 Test[1:2]",
    "9999999999999-99-99 99:99:99.999 Test[1:2]",
    "2026-02-27 23:44:36.90 Test[1:2]",
    "0000-01-01 00:00:00.000 Test[1:2]",
    "9999-12-31 23:59:59.999 Test[1:2]",
    "-922337203685477580-01-01 00:00:00.000 Test[1:2]",
    "922337203685477580-12-31 23:59:59.999 Test[1:2]",
    "objc[1]:",
];

const VERBS: &[&str] = &[
    "event=Create",
    "event=Destroy",
    "event=ResizeRebuild",
    "event=Bind",
    "event=Unbind",
    "event=PoolHit",
    "event=PoolMiss",
    "event=PoolSnapshot",
    "event=Present",
    "event=Submit",
    "event=Teleport",
    "queue",
    "submit",
    "present",
    "drop",
    "fail",
    "admit",
    "warp",
    "Queue created:",
    "Queue destroyed:",
    "Texture created:",
    "Present:",
    "Present Drawable",
    "Metal Command Queue Destroy",
    "Starting compositor",
];

const FIELDS: &[&str] = &[
    "ts",
    "type",
    "id",
    "ownerKind",
    "ownerKey",
    "width",
    "height",
    "scale",
    "threadId",
    "queueId",
    "cmdBufferId",
    "lane",
    "packet",
    "cmdId",
    "reason",
    "queue",
    "cb",
    "rt",
];

fn arb_field_value() -> impl Strategy<Value = String> {
    prop_oneof![
        (0u64..50).prop_map(|n| n.to_string()),
        prop_oneof![
            Just(u64::MAX.to_string()),
            Just("18446744073709551616".to_owned()),
            Just("1772235876900".to_owned()),
            Just("99999999999999".to_owned()),
            Just("-5".to_owned()),
            Just("1e308".to_owned()),
            Just("NaN".to_owned()),
            Just("inf".to_owned()),
            Just("2.5".to_owned()),
            Just(String::new()),
        ],
        "[A-Za-z]{1,10}",
        Just("NativeRenderTarget".to_owned()),
        Just("CommandQueue".to_owned()),
        Just("Engine".to_owned()),
        Just("1000x600".to_owned()),
        Just("ñ\u{7f}\u{1b}".to_owned()),
        (1usize..70_000).prop_map(|n| "T".repeat(n)),
    ]
}

fn arb_log_line() -> impl Strategy<Value = Vec<u8>> {
    let omega = (
        proptest::sample::select(TAGS),
        proptest::sample::select(VERBS),
        proptest::collection::vec((proptest::sample::select(FIELDS), arb_field_value()), 0..9),
    )
        .prop_map(|(tag, verb, fields)| {
            let mut line = format!("{tag} {verb}");
            for (key, value) in fields {
                line.push_str(&format!(" {key}={value}"));
            }
            line.into_bytes()
        });
    prop_oneof![
        9 => omega,
        1 => proptest::collection::vec(any::<u8>(), 0..80),
    ]
}

fn arb_log() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(arb_log_line(), 0..60).prop_map(|lines| {
        let mut log = Vec::new();
        for line in lines {
            log.extend_from_slice(&line);
            log.push(b'\n');
        }
        log
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// Any log: no panic, every line counted once, times that never run
    /// backwards, every resource created before its other steps, and a
    /// stream both formats carry exactly.
    #[test]
    fn omega_importer_makes_a_stream_both_formats_carry(log in arb_log()) {
        let sources = Sources::scan(&log[..]).expect("in memory");
        let mut copy = Collected::default();
        let summary = OmegaImport::new(sources).import(&log[..], &mut copy).expect("in memory");
        let lines = log.iter().filter(|&&b| b == b'\n').count() as u64;
        prop_assert_eq!(summary.lines, lines);
        prop_assert_eq!(summary.recognised.iter().sum::<u64>() + summary.other_lines, lines);
        // A whole last line ends the stream with a clean end, which is no line's event.
        let clean_end = copy.events.last().is_some_and(|e| e.kind == EventKind::Marker(gpu_ledger::Marker::CleanEnd));
        prop_assert_eq!(clean_end, log.ends_with(b"\n") && !copy.events.is_empty());
        prop_assert_eq!(summary.events + u64::from(clean_end), copy.events.len() as u64);
        prop_assert!(copy.events.windows(2).all(|w| w[0].time_ns <= w[1].time_ns));
        let mut live = std::collections::HashSet::new();
        for event in &copy.events {
            if let EventKind::Resource { action, resource, .. } = event.kind {
                match action {
                    ResourceAction::Create => {
                        prop_assert!(live.insert(resource.id), "{:?} created twice", resource.id);
                    }
                    ResourceAction::Destroy => {
                        live.remove(&resource.id);
                    }
                    _ => prop_assert!(live.contains(&resource.id), "{:?} not live", resource.id),
                }
            }
        }
        prop_assert!(copy.finished);
        assert_carried_exactly(&copy)?;
    }
}

// ---------------------------------------------------------------------------
// Binary block sequencing

/// A small trace of many blocks, with each block and its event count.
fn blocks() -> (Vec<u8>, Vec<Vec<u8>>, Vec<usize>, Collected) {
    let mut stream = Collected::default();
    for i in 0..400u64 {
        stream.events.push(gpu_ledger::Event {
            time_ns: i * 10,
            thread: 0,
            kind: EventKind::Lost { count: i },
        });
    }
    let policy = BlockPolicy {
        target_bytes: 40,
        ..BlockPolicy::size_only()
    };
    let bytes = write_binary(&stream, policy);
    let header = 16 + u32::from_le_bytes(bytes[12..16].try_into().expect("4 bytes")) as usize + 4;
    let (mut blocks, mut counts) = (Vec::new(), Vec::new());
    let mut at = header;
    while at < bytes.len() {
        let len = u32::from_le_bytes(bytes[at + 4..at + 8].try_into().expect("4 bytes")) as usize;
        blocks.push(bytes[at..at + 12 + len].to_vec());
        let (_, copy) = read_binary(&[&bytes[..header], &bytes[at..at + 12 + len]].concat());
        counts.push(copy.events.len());
        at += 12 + len;
    }
    (bytes[..header].to_vec(), blocks, counts, stream)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// Blocks dropped, repeated and shuffled: the reader delivers the blocks
    /// whose sequence numbers rise, each once and in order, and accounts for
    /// every event before the last one it read as delivered or lost.
    #[test]
    fn any_block_order_is_read_in_sequence_and_fully_accounted(
        order in proptest::collection::vec(any::<prop::sample::Index>(), 0..60),
    ) {
        let (header, blocks, counts, stream) = blocks();
        let order: Vec<usize> = order.iter().map(|i| i.index(blocks.len())).collect();
        let mut bytes = header;
        for &k in &order {
            bytes.extend_from_slice(&blocks[k]);
        }
        let (summary, copy) = read_binary(&bytes);
        // The blocks a reader can take: each one above the last one taken.
        let mut taken: Vec<usize> = Vec::new();
        for &k in &order {
            if taken.last().is_none_or(|&last| k > last) {
                taken.push(k);
            }
        }
        let start = |k: usize| counts[..k].iter().sum::<usize>();
        let expected: Vec<_> = taken
            .iter()
            .flat_map(|&k| stream.events[start(k)..start(k) + counts[k]].to_vec())
            .collect();
        prop_assert_eq!(&copy.events, &expected);
        prop_assert_eq!(summary.blocks, taken.len() as u64);
        prop_assert_eq!(
            summary.blocks_repeated + summary.blocks_out_of_order,
            (order.len() - taken.len()) as u64
        );
        if let Some(&last) = taken.last() {
            let through_last = start(last) + counts[last];
            prop_assert_eq!(summary.events + summary.events_lost, through_last as u64);
            prop_assert_eq!(summary.blocks_missing, (last + 1 - taken.len()) as u64);
        }
        prop_assert_eq!(summary.is_clean(), taken.len() == order.len() && summary.blocks_missing == 0);
    }
}

//! docs/report-schema.md against what the commands really print, both ways: every
//! object a command prints has a table there listing all its fields, and every field a
//! table lists is printed by some command.
//!
//! A table documents the object at each path its heading names in backticks
//! (`report.windows.*`: `*` is any array element or map key); a field whose type reads
//! "… → …" is a map, whose keys are names, not fields.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::Value;

use crate::util::{core_fixture, gpu_ledger, run, run_json, storm_dump};

/// The documents, by the name their `format` carries after `gpu-ledger-`.
const DOCUMENTS: [&str; 12] = [
    "report", "story", "graph", "timeline", "diff", "check", "export", "synth", "overhead", "demo",
    "series", "dump",
];

/// A documented object: its fields, and which of them are maps.
#[derive(Debug, Default)]
struct Table {
    paths: Vec<String>,
    fields: BTreeSet<String>,
    maps: BTreeSet<String>,
}

/// The code spans of a markdown line.
fn code_spans(line: &str) -> Vec<&str> {
    line.split('`').skip(1).step_by(2).collect()
}

/// Every table of the schema page that documents an object (header `| field | …`).
fn documented() -> Vec<Table> {
    let page = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/report-schema.md");
    let text = std::fs::read_to_string(&page).expect("docs/report-schema.md is readable");
    let mut tables = Vec::new();
    let mut paths: Vec<String> = Vec::new();
    let mut current: Option<Table> = None;
    for line in text.lines() {
        if line.starts_with('#') {
            paths = code_spans(line)
                .into_iter()
                .filter(|span| DOCUMENTS.contains(&span.split('.').next().unwrap_or_default()))
                .map(str::to_owned)
                .collect();
            continue;
        }
        if !line.starts_with('|') {
            tables.extend(current.take());
            continue;
        }
        let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
        match current.as_mut() {
            None if cells.first() == Some(&"field") => {
                assert!(
                    !paths.is_empty(),
                    "a field table under a heading that names no path: {line}"
                );
                current = Some(Table {
                    paths: paths.clone(),
                    ..Table::default()
                });
            }
            None => {}
            Some(_) if cells.iter().all(|c| c.chars().all(|ch| ch == '-')) => {}
            // A field only a build with the `parquet` feature prints.
            Some(_)
                if cfg!(not(feature = "parquet"))
                    && cells
                        .get(2)
                        .is_some_and(|m| m.starts_with("(feature `parquet`)")) => {}
            Some(table) => {
                let map = cells.get(1).is_some_and(|ty| ty.contains('→'));
                for name in code_spans(cells[0]) {
                    table.fields.insert(name.to_owned());
                    if map {
                        table.maps.insert(name.to_owned());
                    }
                }
            }
        }
    }
    tables.extend(current);
    tables
}

/// The documented fields of each path, and which are maps.
struct Schema {
    fields: BTreeMap<String, BTreeSet<String>>,
    maps: BTreeSet<String>,
}

impl Schema {
    fn new(tables: &[Table]) -> Self {
        let mut fields: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let mut maps = BTreeSet::new();
        for t in tables {
            for p in &t.paths {
                fields
                    .entry(p.clone())
                    .or_default()
                    .extend(t.fields.clone());
                maps.extend(t.maps.iter().map(|m| format!("{p}.{m}")));
            }
        }
        Self { fields, maps }
    }
}

impl Schema {
    /// The documented path `path` is an instance of (`*` matching any one segment),
    /// exact names first, and its fields.
    fn lookup(&self, path: &str) -> Option<(&str, &BTreeSet<String>)> {
        if let Some((p, f)) = self.fields.get_key_value(path) {
            return Some((p, f));
        }
        let segments: Vec<&str> = path.split('.').collect();
        self.fields
            .iter()
            .find(|(pattern, _)| {
                let pattern: Vec<&str> = pattern.split('.').collect();
                pattern.len() == segments.len()
                    && pattern
                        .iter()
                        .zip(&segments)
                        .all(|(p, s)| *p == "*" || p == s)
            })
            .map(|(p, f)| (p.as_str(), f))
    }
}

/// A path as the page names it: `demo.report…` is a report, `dump.graph…` a graph,
/// `dump.recent_packets…` and `dump.startup…` timelines.
fn canonical(path: &str) -> String {
    for (prefix, document) in [
        ("demo.report", "report"),
        ("dump.graph", "graph"),
        ("dump.recent_packets", "timeline"),
        ("dump.startup", "timeline"),
    ] {
        if let Some(rest) = path.strip_prefix(prefix) {
            return format!("{document}{rest}");
        }
    }
    path.to_owned()
}

/// Walks `value` at `path`, recording each (object path, key) printed, and every object
/// or key the page does not document.
fn walk(
    value: &Value,
    path: &str,
    schema: &Schema,
    seen: &mut BTreeSet<(String, String)>,
    wrong: &mut BTreeSet<String>,
) {
    match value {
        Value::Object(map) => {
            let Some((at, fields)) = schema.lookup(&canonical(path)) else {
                wrong.insert(format!("{path}: an object printed but not documented"));
                return;
            };
            let at = at.to_owned();
            for (key, child) in map {
                if !fields.contains(key) {
                    wrong.insert(format!("{path}.{key}: printed but not documented"));
                    continue;
                }
                seen.insert((at.clone(), key.clone()));
                let field = format!("{at}.{key}");
                if schema.maps.contains(&field) {
                    for item in child.as_object().into_iter().flat_map(|m| m.values()) {
                        walk(item, &format!("{path}.{key}.*"), schema, seen, wrong);
                    }
                } else {
                    walk(child, &format!("{path}.{key}"), schema, seen, wrong);
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                walk(item, &format!("{path}.*"), schema, seen, wrong);
            }
        }
        _ => {}
    }
}

/// Every document the commands print about real inputs: traces with every section
/// filled, the logs (anomalies, a log's `input`), a restricted report, a regression.
fn documents(dir: &Path) -> Vec<Value> {
    for name in [
        "omega-mixed.log",
        "omega-nslog-only.log",
        "field/14-omega-older-architecture-text.log",
        "field/15-omega-vulkan-validation-error.log",
    ] {
        let file = name.rsplit('/').next().unwrap_or(name);
        std::fs::copy(core_fixture(name), dir.join(file)).unwrap();
    }
    // A trace with a finding about a resource in a packet: every findings field set.
    std::fs::write(
        dir.join("findings.jsonl"),
        concat!(
            "{\"type\":\"header\",\"format\":\"gpu-ledger-trace\",\"version\":1}\n",
            "{\"type\":\"event\",\"t_ns\":5,\"event\":\"finding\",\"severity\":\"error\",",
            "\"code\":\"VUID-x\",\"message\":\"image in use\",\"id\":3,\"lane\":1,\"packet\":2,\"line\":9}\n",
        ),
    )
    .unwrap();
    // Field cases fill what synthetic runs leave empty: destroy checks with their
    // resource, owner and packet, and resources still live after a shutdown.
    for (name, copy) in [
        ("field/06a-destroy-before-submit.jsonl", "06a.jsonl"),
        ("field/06b-deferred-destroy-after-submit.jsonl", "06b.jsonl"),
        ("field/10-texture-per-resize-never-freed.jsonl", "10.jsonl"),
    ] {
        std::fs::copy(core_fixture(name), dir.join(copy)).unwrap();
    }
    // A running process's dump, with a guardrail fired.
    let dump = storm_dump(dir);
    let mut docs_from_files =
        vec![serde_json::from_str::<Value>(&std::fs::read_to_string(&dump).unwrap()).unwrap()];
    let json = |args: &[&str]| {
        let mut command = gpu_ledger(dir);
        command.args(args).args(["--format", "json"]);
        run_json(&mut command)
    };
    let mut docs = vec![
        json(&[
            "synth",
            "--events",
            "30000",
            "--live",
            "20",
            "-o",
            "s.gltrace",
        ]),
        json(&[
            "synth",
            "--events",
            "30000",
            "--live",
            "40",
            "--seed",
            "2",
            "-o",
            "n.gltrace",
        ]),
    ];
    docs.append(&mut docs_from_files);
    for args in [
        &["report", "s.gltrace"][..],
        &["report", "s.gltrace", "--window", "steady"],
        &["report", "omega-mixed.log"],
        &["report", "omega-nslog-only.log"],
        &["report", "findings.jsonl"],
        &["report", "14-omega-older-architecture-text.log"],
        &["report", "15-omega-vulkan-validation-error.log"],
        &["explain", "s.gltrace", "--resource", "2"],
        &["explain", "s.gltrace", "--resource", "4"],
        &["graph", "s.gltrace"],
        &["graph", "s.gltrace", "--at-packet", "1:41"],
        &["graph", "storm-dump.json"],
        &["timeline", "s.gltrace"],
        &["timeline", "s.gltrace", "--window", "shutdown"],
        &["timeline", "s.gltrace", "--last", "5"],
        &["timeline", "storm-dump.json"],
        &["timeline", "storm-dump.json", "--last", "2"],
        &["diff", "s.gltrace", "n.gltrace"],
        &["diff", "n.gltrace", "s.gltrace"],
        &["check", "omega-nslog-only.log", "--fail-on", "error"],
        &["report", "06a.jsonl"],
        &["report", "10.jsonl"],
        &["explain", "06a.jsonl", "--resource", "10"],
        &["check", "06b.jsonl", "--release-model", "deferred"],
        &["export", "s.gltrace", "-o", "e.jsonl"],
        &["export", "s.gltrace", "--to", "perfetto", "-o", "e.pftrace"],
        #[cfg(feature = "parquet")]
        &[
            "export",
            "s.gltrace",
            "-o",
            "e.parquet",
            "--summary",
            "e.summary.parquet",
        ],
        &["overhead", "--rounds", "3", "--round-events", "64"],
    ] {
        docs.push(json(args));
    }
    // A check with every bound, against a baseline: it fails (exit 1), with violations.
    let mut command = gpu_ledger(dir);
    command.args([
        "check",
        "s.gltrace",
        "--format",
        "json",
        "--max-churn-ratio",
        "1",
    ]);
    command.args([
        "--max-startup-creates",
        "1000000",
        "--max-startup-ms",
        "60000",
    ]);
    command.args(["--max-recreate-loops", "0", "--max-live-at-end", "0"]);
    command.args(["--baseline", "n.gltrace", "--max-regression", "5"]);
    let output = run(&mut command, 1);
    docs.push(serde_json::from_slice(&output.stdout).expect("check prints JSON"));
    // The series the HTML report embeds beside the report.
    let mut command = gpu_ledger(dir);
    run(command.args(["report", "s.gltrace", "--html", "r.html"]), 0);
    let page = std::fs::read_to_string(dir.join("r.html")).expect("the page was written");
    let open = "<script type=\"application/json\" id=\"gl-series\">";
    let start = page.find(open).expect("the series is embedded") + open.len();
    let len = page[start..].find("</script>").expect("closed");
    docs.push(serde_json::from_str(&page[start..start + len]).expect("the series is JSON"));
    #[cfg(feature = "demo")]
    {
        let mut command = gpu_ledger(dir);
        command.args(["demo", "--scenario", "text", "--mode", "pooled"]);
        command.args([
            "--steady-frames",
            "2",
            "-o",
            "d.gltrace",
            "--format",
            "json",
        ]);
        let output = run(&mut command, 0);
        docs.push(serde_json::from_slice(&output.stdout).expect("demo prints JSON"));
    }
    docs
}

#[test]
fn report_schema_doc_and_the_printed_json_agree_both_ways() {
    let tables = documented();
    assert!(tables.len() > 40, "only {} tables parsed", tables.len());
    let schema = Schema::new(&tables);
    let dir = tempfile::tempdir().unwrap();
    let docs = documents(dir.path());
    let mut seen = BTreeSet::new();
    let mut wrong = BTreeSet::new();
    let mut printed = BTreeSet::new();
    for doc in &docs {
        let format = doc["format"].as_str().expect("every document has a format");
        let name = format
            .strip_prefix("gpu-ledger-")
            .expect("gpu-ledger-<name>");
        printed.insert(name.to_owned());
        walk(doc, name, &schema, &mut seen, &mut wrong);
    }
    // The other way: every documented field of a printed document appears somewhere.
    for t in &tables {
        let roots: Vec<String> = t.paths.iter().map(|p| canonical(p)).collect();
        if !roots
            .iter()
            .any(|p| printed.contains(p.split('.').next().unwrap_or_default()))
        {
            continue;
        }
        for f in &t.fields {
            if !roots.iter().any(|p| seen.contains(&(p.clone(), f.clone()))) {
                wrong.insert(format!(
                    "{}.{f}: documented but never printed",
                    t.paths.join(" / ")
                ));
            }
        }
    }
    assert_eq!(
        BTreeSet::<String>::new(),
        wrong,
        "docs/report-schema.md vs the JSON"
    );
    // Every document that holds stream times says where its first event lies.
    for doc in &docs {
        let holds_times = !matches!(
            doc["format"].as_str(),
            Some("gpu-ledger-diff" | "gpu-ledger-overhead")
        );
        assert_eq!(
            holds_times,
            doc.get("origin_ns").is_some(),
            "origin_ns in {}",
            doc["format"]
        );
    }
}

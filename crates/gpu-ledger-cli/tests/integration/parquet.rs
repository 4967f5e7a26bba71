//! `export --to parquet` read back by DuckDB (its Python package, which scripts/setup
//! installs into target/duckdb-venv): the tables against `report --format json` and
//! against the JSON Lines trace, and docs/parquet.md's queries and schemas as written.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use serde_json::{Value, json};

use crate::util::{core_fixture, gpu_ledger, run, run_json, spawn_piped, stderr};

/// The DuckDB version scripts/setup installs.
const DUCKDB_VERSION: &str = "1.5.6";

/// Runs one SQL statement in DuckDB with `dir` as the working directory, and returns
/// its rows as JSON objects (column name → value; maps are objects, lists arrays).
fn duckdb(dir: &Path, sql: &str) -> Vec<Value> {
    const RUNNER: &str = r#"
import json, sys
import duckdb
rel = duckdb.connect().execute(sys.argv[1])
names = [d[0] for d in rel.description]
print(json.dumps([dict(zip(names, row)) for row in rel.fetchall()], allow_nan=False))
"#;
    let output = Command::new(python())
        .current_dir(dir)
        .args(["-c", RUNNER, sql])
        .output()
        .expect("python runs");
    assert!(
        output.status.success(),
        "DuckDB failed on\n{sql}\n{}",
        stderr(&output)
    );
    serde_json::from_slice(&output.stdout).expect("the runner prints JSON")
}

/// The Python that has DuckDB: `GPU_LEDGER_PYTHON`, else scripts/setup's venv. A
/// missing one fails the test with how to install it.
fn python() -> PathBuf {
    static PYTHON: OnceLock<PathBuf> = OnceLock::new();
    PYTHON
        .get_or_init(|| {
            let python = std::env::var_os("GPU_LEDGER_PYTHON").map_or_else(
                || {
                    Path::new(env!("CARGO_MANIFEST_DIR"))
                        .join("../../target/duckdb-venv/bin/python")
                },
                PathBuf::from,
            );
            let probe = Command::new(&python)
                .args(["-c", "import duckdb; print(duckdb.__version__)"])
                .output();
            let version = probe
                .as_ref()
                .ok()
                .filter(|o| o.status.success())
                .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned());
            assert!(
                version.is_some(),
                "DuckDB's Python package is missing at {}: run scripts/setup (it makes \
                 target/duckdb-venv with duckdb=={DUCKDB_VERSION}), or set GPU_LEDGER_PYTHON \
                 to a python with `pip install duckdb=={DUCKDB_VERSION}`",
                python.display()
            );
            python
        })
        .clone()
}

/// One exported run: its name (the run id, unless exported with the default id) and
/// its `report --format json`.
struct Run {
    run_id: String,
    report: Value,
}

/// A trace whose startup never presents: creates and destroys, named types, no packet,
/// a loss and a finding.
const STUCK_JSONL: &str = r#"{"type":"header","format":"gpu-ledger-trace","version":1,"start_unix_ns":0,"source":"stuck"}
{"type":"event","t_ns":1000,"thread":0,"event":"create","id":1,"resource_type":"CommandQueue","owner_kind":"RootVisual","owner_key":7}
{"type":"event","t_ns":2000,"thread":0,"event":"create","id":2,"resource_type":"BlurScratch","owner_kind":"EffectPipeline","owner_key":9,"width":64,"height":32,"scale":2.0}
{"type":"event","t_ns":3000,"thread":0,"event":"destroy","id":1,"resource_type":"CommandQueue","owner_kind":"RootVisual","owner_key":7}
{"type":"event","t_ns":4000,"thread":1,"event":"create","id":3,"resource_type":"CommandQueue","owner_kind":"RootVisual","owner_key":7}
{"type":"event","t_ns":5000,"thread":1,"event":"lost","count":4}
{"type":"event","t_ns":6000,"thread":1,"event":"finding","severity":"error","code":"VUID-vkDestroyImage-image-01000","message":"image in use","id":3,"line":12}
"#;

/// The folder of runs every test reads: `runs/<id>.events.parquet` and
/// `runs/<id>.summary.parquet` for synthetic runs, a stuck run, an Omega log and (with
/// the `demo` feature) demo runs, built once per test process under cargo's temp dir.
fn runs() -> &'static (PathBuf, Vec<Run>) {
    static RUNS: OnceLock<(PathBuf, Vec<Run>)> = OnceLock::new();
    RUNS.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("parquet-runs");
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("runs")).unwrap();
        let mut inputs: Vec<(Option<&str>, String)> = Vec::new();
        for (name, args) in [
            ("synth-a", &["--events", "30000"][..]),
            (
                "synth-b",
                &[
                    "--events", "30000", "--seed", "2", "--live", "40", "--lanes", "3",
                ],
            ),
        ] {
            let file = format!("{name}.gltrace");
            run(gpu_ledger(&dir).args(["synth", "-o", &file]).args(args), 0);
            inputs.push((Some(name), file));
        }
        #[cfg(feature = "demo")]
        for (scenario, mode) in [
            ("text", "legacy"),
            ("text", "pooled"),
            ("ellipse-path", "legacy"),
        ] {
            let file = format!("{scenario}-{mode}.gltrace");
            run(
                gpu_ledger(&dir)
                    .args(["demo", "--scenario", scenario, "--mode", mode])
                    .args(["--steady-frames", "4", "-o", &file]),
                0,
            );
            inputs.push((None, file));
        }
        std::fs::write(dir.join("stuck.jsonl"), STUCK_JSONL).unwrap();
        inputs.push((Some("stuck"), "stuck.jsonl".to_owned()));
        std::fs::copy(core_fixture("omega-mixed.log"), dir.join("omega-mixed.log")).unwrap();
        inputs.push((Some("omega-mixed"), "omega-mixed.log".to_owned()));
        let runs = inputs
            .into_iter()
            .map(|(name, file)| {
                let stem = file.split('.').next().unwrap().to_owned();
                let mut export = gpu_ledger(&dir);
                export.args(["export", &file, "--to", "parquet", "--format", "json"]);
                export.args(["-o", &format!("runs/{stem}.events.parquet")]);
                export.args(["--summary", &format!("runs/{stem}.summary.parquet")]);
                if let Some(name) = name {
                    export.args(["--run-id", name]);
                }
                let doc = run_json(&mut export);
                let report = run_json(gpu_ledger(&dir).args(["report", &file, "--format", "json"]));
                assert_eq!(doc["events"], report["totals"]["events"], "{file}");
                Run {
                    run_id: doc["run_id"].as_str().unwrap().to_owned(),
                    report,
                }
            })
            .collect();
        (dir, runs)
    })
}

/// A docs/parquet.md query: the first `sql` block under the heading `### {title}`.
fn documented_query(title: &str) -> String {
    let page = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/parquet.md");
    let text = std::fs::read_to_string(page).expect("docs/parquet.md is readable");
    let heading = format!("### {title}\n");
    let after = &text[text
        .find(&heading)
        .unwrap_or_else(|| panic!("no {heading:?}"))..];
    let start = after.find("```sql\n").expect("a sql block") + "```sql\n".len();
    let end = start + after[start..].find("```").expect("a closed block");
    after[start..end].to_owned()
}

/// The report's ratio as DuckDB rounds it: `round(x, 3)`, null when nothing presented.
fn ratio(churn: u64, presented: u64) -> Value {
    if presented == 0 {
        return Value::Null;
    }
    let r = churn as f64 / presented as f64;
    json!((r * 1000.0).round() / 1000.0)
}

const WINDOWS: [&str; 3] = ["startup", "steady", "shutdown"];

#[test]
fn documented_per_window_query_counts_what_the_report_counts() {
    let (dir, runs) = runs();
    let rows = duckdb(
        dir,
        &documented_query("Creates and destroys per window and type, from the events"),
    );
    let mut from_events: BTreeMap<(String, String, String), (u64, u64)> = BTreeMap::new();
    for row in &rows {
        let key = (
            row["run_id"].as_str().unwrap().to_owned(),
            row["window"].as_str().unwrap().to_owned(),
            row["resource_type"].as_str().unwrap().to_owned(),
        );
        from_events.insert(
            key,
            (
                row["created"].as_u64().unwrap(),
                row["destroyed"].as_u64().unwrap(),
            ),
        );
    }
    let mut from_reports = BTreeMap::new();
    for r in runs {
        assert_eq!(
            r.report["anomalies"]["total"], 0,
            "{}: no double destroys",
            r.run_id
        );
        for window in WINDOWS {
            let w = &r.report["windows"][window];
            let mut types: BTreeMap<String, (u64, u64)> = BTreeMap::new();
            for (ty, n) in w["created"].as_object().unwrap() {
                types.entry(ty.clone()).or_default().0 = n.as_u64().unwrap();
            }
            for (ty, n) in w["destroyed"].as_object().unwrap() {
                types.entry(ty.clone()).or_default().1 = n.as_u64().unwrap();
            }
            for (ty, counts) in types.into_iter().filter(|(_, c)| *c != (0, 0)) {
                from_reports.insert((r.run_id.clone(), window.to_owned(), ty), counts);
            }
        }
    }
    assert!(from_reports.len() > 20, "{from_reports:?}");
    assert_eq!(from_events, from_reports);
}

#[test]
fn presents_and_churn_ratios_per_window_from_the_events_match_the_report() {
    let (dir, runs) = runs();
    // The documented windows, then presents and churn per window from the raw events.
    let per_window = documented_query("Creates and destroys per window and type, from the events");
    let windows_cte = &per_window[..per_window.rfind("SELECT e.run_id,").unwrap()];
    let sql = format!(
        "{windows_cte}
         SELECT e.run_id,
                CASE WHEN e.seq < w.steady_seq THEN 'startup'
                     WHEN e.seq < w.shutdown_seq THEN 'steady' ELSE 'shutdown' END AS window,
                count(*) AS events,
                count(*) FILTER (WHERE e.stage = 'presented') AS presented,
                count(*) FILTER (WHERE e.event IN ('create', 'destroy')) AS churn
         FROM events e JOIN windows w USING (run_id)
         GROUP BY ALL"
    );
    let mut seen = 0;
    for row in duckdb(dir, &sql) {
        let r = runs
            .iter()
            .find(|r| row["run_id"] == r.run_id)
            .expect("a known run");
        let w = &r.report["windows"][row["window"].as_str().unwrap()];
        let (presented, churn) = (
            row["presented"].as_u64().unwrap(),
            row["churn"].as_u64().unwrap(),
        );
        assert_eq!(row["events"], w["events"], "{}: {row}", r.run_id);
        assert_eq!(
            row["presented"], w["packets"]["presented"],
            "{}: {row}",
            r.run_id
        );
        assert_eq!(
            ratio(churn, presented),
            w["churn_ratio"],
            "{}: {row}",
            r.run_id
        );
        seen += 1;
    }
    assert!(
        seen >= 2 * runs.len(),
        "{seen} windows for {} runs",
        runs.len()
    );
}

#[test]
fn summary_table_holds_the_reports_headline_figures() {
    let (dir, runs) = runs();
    let rows = duckdb(
        dir,
        "SELECT * FROM read_parquet('runs/*.summary.parquet') ORDER BY run_id",
    );
    assert_eq!(rows.len(), runs.len());
    for row in &rows {
        let r = runs
            .iter()
            .find(|r| row["run_id"] == r.run_id)
            .expect("a known run");
        let report = &r.report;
        let expect = |column: &str, value: &Value| {
            assert_eq!(&row[column], value, "{}: {column}", r.run_id);
        };
        expect("input_kind", &report["input"]["kind"]);
        expect("events", &report["totals"]["events"]);
        expect("origin_ns", &report["origin_ns"]);
        expect("lost_events", &report["lost_events"]);
        expect("stabilised", &report["startup"]["stabilised"]);
        expect(
            "startup_frames_presented",
            &report["startup"]["frames_presented"],
        );
        expect("stabilisation_ms", &report["startup"]["stabilisation_ms"]);
        expect(
            "stable_present_seq",
            &report["startup"]["stable_present_seq"],
        );
        expect("stable_present_ns", &report["startup"]["end_ns"]);
        expect("shutdown", &report["ending"]["shutdown"]);
        // The shutdown window's first event: the marker, or just after the last present.
        let shutdown_seq = match report["ending"]["shutdown"].as_str() {
            Some("marker") => report["ending"]["shutdown_from_seq"].clone(),
            Some("inferred") => {
                (report["ending"]["shutdown_from_seq"].as_u64().unwrap() + 1).into()
            }
            _ => Value::Null,
        };
        expect("shutdown_seq", &shutdown_seq);
        expect("presented", &report["totals"]["presented"]);
        expect("churn_ratio", &report["totals"]["churn_ratio"]);
        expect("anomalies", &report["anomalies"]["total"]);
        expect("findings", &report["findings"]["total"]);
        expect(
            "finding_errors",
            &report["findings"]["by_severity"]["error"],
        );
        for window in WINDOWS {
            let w = &report["windows"][window];
            expect(&format!("{window}_presented"), &w["packets"]["presented"]);
            expect(&format!("{window}_churn_ratio"), &w["churn_ratio"]);
            expect(&format!("{window}_created_by_type"), &w["created"]);
            expect(&format!("{window}_destroyed_by_type"), &w["destroyed"]);
            expect(&format!("{window}_lost_events"), &w["lost_events"]);
        }
        let failed: Vec<&Value> = report["guardrails"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|g| g["passed"] == false)
            .map(|g| &g["id"])
            .collect();
        expect("failed_guardrails", &json!(failed));
        expect(
            "top_owner_kind",
            &report["top_contributors"][0]["owner_kind"],
        );
        let definitions: Value =
            serde_json::from_str(row["definitions"].as_str().unwrap()).unwrap();
        assert_eq!(definitions, report["definitions"]);
    }
    // The stuck run: churned, presented nothing, so its ratios are null, not 0 or ∞.
    let stuck = rows.iter().find(|r| r["run_id"] == "stuck").unwrap();
    assert_eq!(stuck["startup_created"], 3);
    assert_eq!(stuck["startup_churn_ratio"], Value::Null);
    assert_eq!(
        stuck["startup_created_by_type"],
        json!({"BlurScratch": 1, "CommandQueue": 2})
    );
    assert_eq!(stuck["lost_events"], 4);
    assert_eq!(stuck["finding_errors"], 1);
}

#[test]
fn documented_ranking_query_puts_the_worst_startup_first() {
    let (dir, runs) = runs();
    let ranked: Vec<String> = duckdb(dir, &documented_query("Rank runs by startup churn"))
        .iter()
        .map(|row| row["run_id"].as_str().unwrap().to_owned())
        .collect();
    // The documented order, from the reports: nothing presented first, then by ratio,
    // then by startup creates + destroys, then by id.
    let mut expected: Vec<(Option<f64>, u64, &str)> = runs
        .iter()
        .map(|r| {
            let s = &r.report["startup"];
            let churn = s["created"].as_u64().unwrap() + s["destroyed"].as_u64().unwrap();
            (s["churn_ratio"].as_f64(), churn, r.run_id.as_str())
        })
        .collect();
    expected.sort_by(|a, b| {
        let ratio = match (a.0, b.0) {
            (None, None) => std::cmp::Ordering::Equal,
            (None, Some(_)) => std::cmp::Ordering::Less,
            (Some(_), None) => std::cmp::Ordering::Greater,
            (Some(x), Some(y)) => y.total_cmp(&x),
        };
        ratio.then(b.1.cmp(&a.1)).then(a.2.cmp(b.2))
    });
    let expected: Vec<&str> = expected.iter().map(|e| e.2).collect();
    assert_eq!(ranked, expected);
    assert_eq!(
        ranked[0], "stuck",
        "a startup that presented nothing ranks first"
    );
    let at = |id: &str| ranked.iter().position(|r| r == id);
    assert!(at("synth-a") < at("omega-mixed"), "{ranked:?}");
    #[cfg(feature = "demo")]
    {
        // The demo's point: the legacy compositor churns more per startup frame.
        let summary = duckdb(
            dir,
            "SELECT run_id, input FROM read_parquet('runs/*.summary.parquet')",
        );
        let id_of = |input: &str| {
            let row = summary.iter().find(|r| r["input"] == input).unwrap();
            row["run_id"].as_str().unwrap().to_owned()
        };
        assert!(
            at(&id_of("text-legacy.gltrace")) < at(&id_of("text-pooled.gltrace")),
            "{ranked:?}"
        );
    }
}

#[test]
fn event_table_matches_the_json_lines_trace_row_for_row() {
    let (dir, _) = runs();
    let mut rows = Vec::new();
    for (input, table) in [("synth-b.gltrace", "synth-b"), ("stuck.jsonl", "stuck")] {
        run(
            gpu_ledger(dir).args([
                "export",
                input,
                "--to",
                "jsonl",
                "-o",
                &format!("{table}.check.jsonl"),
            ]),
            0,
        );
        let trace = std::fs::read_to_string(dir.join(format!("{table}.check.jsonl"))).unwrap();
        let events: Vec<Value> = trace
            .lines()
            .map(|l| serde_json::from_str::<Value>(l).unwrap())
            .filter(|v| v["type"] == "event")
            .collect();
        let table_rows = duckdb(
            dir,
            &format!("SELECT * FROM 'runs/{table}.events.parquet' ORDER BY seq"),
        );
        assert_eq!(table_rows.len(), events.len(), "{table}");
        rows.push((table, events, table_rows));
    }
    // Every field of the trace's record is the column of the same meaning, and every
    // other column is null.
    fn renamed(field: &str) -> &str {
        match field {
            "t_ns" => "time_ns",
            "id" => "resource_id",
            other => other,
        }
    }
    let mut kinds = std::collections::BTreeSet::new();
    for (table, events, table_rows) in rows {
        for (seq, (event, row)) in events.iter().zip(&table_rows).enumerate() {
            let mut expected = serde_json::Map::new();
            for column in row.as_object().unwrap().keys() {
                expected.insert(column.clone(), Value::Null);
            }
            for (field, value) in event.as_object().unwrap() {
                if field != "type" {
                    expected.insert(renamed(field).to_owned(), value.clone());
                }
            }
            expected.insert("run_id".into(), json!(table));
            expected.insert("seq".into(), json!(seq));
            assert_eq!(row, &Value::Object(expected), "{table} row {seq}");
            kinds.insert(event["event"].as_str().unwrap().to_owned());
        }
    }
    let kinds: Vec<&str> = kinds.iter().map(String::as_str).collect();
    for kind in [
        "finding",
        "create",
        "destroy",
        "resize_rebuild",
        "packet",
        "touched",
        "pool_hit",
        "marker",
        "lost",
    ] {
        assert!(kinds.contains(&kind), "no {kind} event compared: {kinds:?}");
    }
}

#[test]
fn documented_columns_are_the_tables_columns() {
    let (dir, _) = runs();
    let page = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/parquet.md"),
    )
    .unwrap();
    for (heading, files) in [
        ("## The event table", "runs/*.events.parquet"),
        ("## The summary table", "runs/*.summary.parquet"),
    ] {
        let section = &page[page.find(heading).unwrap()..];
        let section = &section[..section[3..].find("\n## ").map_or(section.len(), |e| e + 3)];
        let mut documented = Vec::new();
        for line in section.lines().filter(|l| l.starts_with("| `")) {
            let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
            let name = cells[0].trim_matches('`');
            let names: Vec<String> = if name.contains("<window>") {
                WINDOWS
                    .iter()
                    .map(|w| name.replace("<window>", w))
                    .collect()
            } else {
                vec![name.to_owned()]
            };
            documented.extend(names.into_iter().map(|n| (n, cells[1].to_owned())));
        }
        let described: Vec<(String, String)> = duckdb(
            dir,
            &format!("DESCRIBE SELECT * FROM read_parquet('{files}')"),
        )
        .iter()
        .map(|r| {
            (
                r["column_name"].as_str().unwrap().to_owned(),
                r["column_type"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
        // Order aside (the page groups per-window columns), the same names and types.
        let (mut d, mut t) = (documented.clone(), described.clone());
        d.sort();
        t.sort();
        assert_eq!(d, t, "{heading} in docs/parquet.md");
    }
}

#[test]
fn export_is_byte_for_byte_repeatable_and_the_default_run_id_is_the_files_hash() {
    let (dir, runs) = runs();
    #[cfg(feature = "demo")]
    {
        let hashed = runs
            .iter()
            .filter(|r| r.run_id.len() == 16 && r.run_id.chars().all(|c| c.is_ascii_hexdigit()));
        assert_eq!(
            hashed.count(),
            3,
            "the demo runs, exported without --run-id"
        );
    }
    let _ = runs;
    let export = |input: &str, out: &str| {
        run_json(gpu_ledger(dir).args(["export", input, "-o", out, "--format", "json"]))
    };
    // `.parquet` asks for Parquet as `.jsonl` asks for JSON Lines.
    let first = export("synth-a.gltrace", "again-1.parquet");
    let second = export("synth-a.gltrace", "again-2.parquet");
    assert_eq!(first["trace_format"], "parquet");
    assert_eq!(first["run_id"], second["run_id"]);
    assert_eq!(first["summary"], Value::Null);
    let bytes = |name: &str| std::fs::read(dir.join(name)).unwrap();
    assert!(
        bytes("again-1.parquet") == bytes("again-2.parquet"),
        "two exports differ"
    );
    let other = export("synth-b.gltrace", "again-3.parquet");
    assert_ne!(first["run_id"], other["run_id"]);
    let id = first["run_id"].as_str().unwrap();
    assert!(
        id.len() == 16 && id.chars().all(|c| c.is_ascii_hexdigit()),
        "{id}"
    );
    let in_table = duckdb(dir, "SELECT DISTINCT run_id FROM 'again-1.parquet'");
    assert_eq!(in_table, vec![json!({"run_id": id})]);
}

#[test]
fn a_long_run_streams_in_row_groups_of_131072_rows() {
    let dir = tempfile::tempdir().unwrap();
    run(
        gpu_ledger(dir.path()).args(["synth", "--events", "300000", "-o", "long.gltrace"]),
        0,
    );
    let doc = run_json(gpu_ledger(dir.path()).args([
        "export",
        "long.gltrace",
        "-o",
        "long.parquet",
        "--format",
        "json",
    ]));
    let events = doc["events"].as_u64().unwrap();
    let groups = duckdb(
        dir.path(),
        "SELECT row_group_id, any_value(row_group_num_rows) AS num_rows
         FROM parquet_metadata('long.parquet') GROUP BY ALL ORDER BY ALL",
    );
    let sizes: Vec<u64> = groups
        .iter()
        .map(|g| g["num_rows"].as_u64().unwrap())
        .collect();
    assert_eq!(sizes, vec![131_072, 131_072, events - 262_144]);
}

#[test]
fn parquet_arguments_without_parquet_output_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("t.jsonl"), STUCK_JSONL).unwrap();
    // `export t.jsonl ARGS` fails with exit 2; its stderr.
    let refused = |args: &[&str]| {
        let mut command = gpu_ledger(dir.path());
        command.args(["export", "t.jsonl"]).args(args);
        stderr(&run(&mut command, 2))
    };
    assert_eq!(
        refused(&["-o", "t.gltrace", "--run-id", "x"]),
        "gpu-ledger: --run-id and --summary are for the Parquet export: add --to parquet\n"
    );
    assert_eq!(
        refused(&["-o", "t.parquet", "--run-id", ""]),
        "gpu-ledger: --run-id is empty: give the run a name\n"
    );
    assert_eq!(
        refused(&["-o", "t.parquet", "--summary", "no/such/dir/s.parquet"]),
        "gpu-ledger: no/such/dir/s.parquet: cannot create the output file: No such file or \
         directory (os error 2)\n"
    );
    assert!(
        !dir.path().join("t.parquet").exists(),
        "nothing half-written is left"
    );
    // Creating the summary over the input would empty it before it is read.
    assert_eq!(
        refused(&["-o", "t.parquet", "--summary", "./t.jsonl"]),
        "gpu-ledger: ./t.jsonl: the output is the input t.jsonl (the same file): writing it \
         would destroy what is being read; give another output path\n"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("t.jsonl")).unwrap(),
        STUCK_JSONL
    );
    // One file cannot be both tables: the second written replaced the first,
    // and the export said it wrote both.
    for summary in ["t.parquet", "./t.parquet"] {
        assert_eq!(
            refused(&["-o", "t.parquet", "--summary", summary]),
            format!(
                "gpu-ledger: {summary}: the summary is the event table t.parquet (the same \
                 file): give each its own path\n"
            )
        );
    }
    assert!(!dir.path().join("t.parquet").exists());
    // A pipe's content cannot name the run: hashing it would consume it.
    let output = run(
        gpu_ledger(dir.path())
            .args(["export", "/dev/stdin", "-o", "p.parquet"])
            .stdin(std::process::Stdio::piped()),
        2,
    );
    assert!(
        stderr(&output).ends_with(
            " is not a regular file, so its content cannot name the run: give it an id with \
             --run-id\n"
        ),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_piped_input_exports_under_the_run_id_it_is_given() {
    use std::io::Write;

    let dir = tempfile::tempdir().unwrap();
    let mut child = spawn_piped(gpu_ledger(dir.path()).args([
        "export",
        "-",
        "--to",
        "parquet",
        "-o",
        "p.parquet",
        "--run-id",
        "piped",
    ]));
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(STUCK_JSONL.as_bytes()).unwrap();
    drop(stdin);
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let rows = duckdb(
        dir.path(),
        "SELECT run_id, count(*) AS n FROM 'p.parquet' GROUP BY ALL",
    );
    assert_eq!(rows, vec![json!({"run_id": "piped", "n": 6})]);
}

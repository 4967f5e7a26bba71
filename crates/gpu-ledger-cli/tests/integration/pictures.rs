//! export --to perfetto|chrome and report --html: the pictures of a run, checked by
//! the tools that read them (protoc, a JSON parser) and against `report --format json`.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::util::{gpu_ledger, run, run_json, stderr, stdout};

fn synth(dir: &Path, name: &str) {
    run(
        gpu_ledger(dir).args([
            "synth", "--events", "20000", "--out", name, "--format", "json",
        ]),
        0,
    );
}

/// The `gl-report` document embedded in an HTML page.
fn embedded_report(page: &Path) -> Value {
    let html = std::fs::read_to_string(page).expect("the page was written");
    let open = "<script type=\"application/json\" id=\"gl-report\">";
    let start = html.find(open).expect("the report is embedded") + open.len();
    let len = html[start..].find("</script>").expect("closed");
    serde_json::from_str(&html[start..start + len].replace("\\u003c", "<")).expect("JSON")
}

#[test]
fn report_html_embeds_the_same_report_as_format_json() {
    let dir = tempfile::tempdir().unwrap();
    synth(dir.path(), "s.gltrace");
    let output = run(
        gpu_ledger(dir.path()).args(["report", "s.gltrace", "--html", "s.html"]),
        0,
    );
    assert!(
        stderr(&output).contains("HTML report written to s.html"),
        "{}",
        stderr(&output)
    );
    let mut json =
        run_json(gpu_ledger(dir.path()).args(["report", "s.gltrace", "--format", "json"]));
    json.as_object_mut().unwrap().remove("input");
    assert!(
        embedded_report(&dir.path().join("s.html")) == json,
        "the page and --format json disagree"
    );
}

#[test]
fn export_to_perfetto_writes_a_trace_protoc_decodes() {
    let dir = tempfile::tempdir().unwrap();
    synth(dir.path(), "s.gltrace");
    let output = run(
        gpu_ledger(dir.path()).args([
            "export",
            "s.gltrace",
            "--to",
            "perfetto",
            "--out",
            "s.pftrace",
        ]),
        0,
    );
    let said = stdout(&output);
    assert!(
        said.starts_with("wrote ") && said.contains(" to s.pftrace (perfetto): "),
        "{said}"
    );
    assert!(said.contains(" packet slices, "), "{said}");
    let proto = Path::new(env!("CARGO_MANIFEST_DIR")).join("../gpu-ledger-viz/tests/proto");
    let decoded = Command::new("protoc")
        .arg(format!("--proto_path={}", proto.display()))
        .arg("--decode=perfetto.protos.Trace")
        .arg("perfetto_trace.proto")
        .stdin(std::fs::File::open(dir.path().join("s.pftrace")).unwrap())
        .output()
        .expect(
            "protoc runs: install it with `apt-get install protobuf-compiler` (scripts/setup does)",
        );
    assert!(
        decoded.status.success(),
        "{}",
        String::from_utf8_lossy(&decoded.stderr)
    );
    let text = String::from_utf8_lossy(&decoded.stdout);
    assert!(
        text.contains("name: \"Lanes\""),
        "the lanes group is declared"
    );
    assert!(text.contains("TYPE_COUNTER"), "the live counters are drawn");
}

#[test]
fn export_to_chrome_writes_trace_event_json() {
    let dir = tempfile::tempdir().unwrap();
    synth(dir.path(), "s.gltrace");
    run(
        gpu_ledger(dir.path()).args(["export", "s.gltrace", "--to", "chrome", "--out", "s.json"]),
        0,
    );
    let doc: Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("s.json")).unwrap()).unwrap();
    let events = doc["traceEvents"].as_array().expect("traceEvents");
    assert!(events.iter().any(|e| e["ph"] == "X"), "slices");
    assert!(
        events.iter().any(|e| e["ph"] == "s") && events.iter().any(|e| e["ph"] == "f"),
        "flows"
    );
}

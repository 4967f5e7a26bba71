//! The field cases: event patterns engineers reported while chasing churn in real
//! renderers (`../shared/cases/field/`, copied into `tests/data/field/` with their
//! names so that a clean clone runs them), each answer of their `EXPECTED.md` a test
//! that reads the case file (issue 8).

use std::path::PathBuf;

use gpu_ledger::analysis::{
    Analyzer, Guardrail, Report, ResourceGraph, ResourceStory, Severity, TextOptions, Window,
    WindowReport,
};
use gpu_ledger::input::InputSummary;
use gpu_ledger::{EventSink, ReleaseModel, ReleaseModels, ResourceId};

const MS: u64 = 1_000_000;

fn case(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/field");
    let found = std::fs::read_dir(&dir)
        .expect("tests/data/field is readable")
        .map(|e| e.expect("a directory entry").path())
        .find(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(&format!("{name}-")))
        });
    found.unwrap_or_else(|| panic!("no field case {name} in {}", dir.display()))
}

/// Case `name` read into `sink`, with what the reader found.
fn read(name: &str, sink: &mut dyn EventSink) -> InputSummary {
    gpu_ledger::input::replay(case(name), sink).expect("the case file reads")
}

/// The analyzer after case `name`, holding it to `model` when given.
fn analyzer(name: &str, model: Option<ReleaseModel>) -> Analyzer {
    let mut a = Analyzer::default();
    if let Some(model) = model {
        a = a.with_release_models(ReleaseModels::uniform(model));
    }
    read(name, &mut a);
    a
}

fn report(name: &str) -> Report {
    analyzer(name, None).report()
}

fn report_as(name: &str, model: ReleaseModel) -> Report {
    analyzer(name, Some(model)).report()
}

fn w(r: &Report, window: Window) -> &WindowReport {
    r.window(window).expect("the window is in the report")
}

fn count(map: &std::collections::BTreeMap<String, u64>, key: &str) -> u64 {
    map.get(key).copied().unwrap_or(0)
}

fn failed(r: &Report, level: Severity) -> Vec<&str> {
    r.failed_guardrails(level)
        .iter()
        .map(|g| g.id.as_str())
        .collect()
}

fn guardrail<'a>(r: &'a Report, id: &str) -> &'a Guardrail {
    r.guardrails
        .iter()
        .find(|g| g.id == id)
        .unwrap_or_else(|| panic!("no guardrail {id}"))
}

/// The examples of anomaly `kind`: (resource, owner kind, owner key, lane, packet).
fn checks(r: &Report, kind: &str) -> Vec<(u64, String, u64, u64, u64)> {
    r.anomalies
        .examples
        .iter()
        .filter(|e| e.kind == kind)
        .map(|e| {
            (
                e.resource_id.expect("a resource"),
                e.owner_kind.clone().expect("an owner kind"),
                e.owner_key.expect("an owner key"),
                e.lane.expect("a lane"),
                e.packet.expect("a packet"),
            )
        })
        .collect()
}

// ---------------------------------------------------------------- 02

#[test]
fn case_02_queues_freed_late_are_owner_removed_in_steady_state_and_dialogs_tie() {
    let r = report("02");
    assert_eq!(r.totals.presented, 227);
    assert_eq!(r.startup.frames_presented, 1);
    let steady = w(&r, Window::Steady);
    assert_eq!((steady.created_total(), steady.destroyed_total()), (36, 36));
    let causes: u64 = steady
        .destroy_causes
        .values()
        .map(|c| c.owner_removed)
        .sum();
    assert_eq!(causes, 36, "every steady destroy is owner-removed");
    let life = |ty: &str| steady.avg_destroyed_lifetime_ms[ty].expect("a mean lifetime");
    assert!(
        (life("CommandQueue") - 1495.0).abs() < 1.0,
        "{}",
        life("CommandQueue")
    );
    assert!(
        (life("NativeTarget") - 80.0).abs() < 1.0,
        "{}",
        life("NativeTarget")
    );
    let top = steady.destroy_bursts[0];
    assert_eq!(
        (top.bucket_start_ns, top.count),
        (2_800 * MS, 12),
        "the collection frees all 12 queues at once"
    );
    assert!(
        failed(&r, Severity::Warning).is_empty(),
        "{:?}",
        r.guardrails
    );
    // Twelve dialogs churn alike: the headline says they tie, and how many.
    assert_eq!((r.churn_sources.tied, r.churn_sources.top_churn), (12, 2));
    assert!(
        r.headline[2].starts_with(
            "Top churn (beyond first creations and teardown): 12 owners tie at 2 each (MetalRedrawer 0x200, MetalRedrawer 0x210, MetalRedrawer 0x220 and 9 more)."
        ),
        "{:?}",
        r.headline
    );
}

#[test]
fn case_02_graph_at_2799_ms_holds_13_queues_and_1_target() {
    let mut graph = ResourceGraph::new(Some(2_799 * MS));
    read("02", &mut graph);
    let g = graph.graph();
    assert_eq!(
        (
            count(&g.by_type, "CommandQueue"),
            count(&g.by_type, "NativeTarget")
        ),
        (13, 1)
    );
}

// ---------------------------------------------------------------- 04

#[test]
fn case_04_failed_presents_recreate_the_swapchain_each_time() {
    let r = report("04");
    let all = |f: fn(&WindowReport) -> u64| Window::ALL.iter().map(|x| f(w(&r, *x))).sum::<u64>();
    assert_eq!((r.totals.presented, all(|x| x.packets.failed)), (60, 60));
    let steady = w(&r, Window::Steady);
    for map in [&steady.created, &steady.destroyed] {
        assert_eq!(
            (count(map, "NativeTarget"), count(map, "Texture")),
            (60, 180)
        );
    }
    for ty in ["NativeTarget", "Texture"] {
        let c = steady.destroy_causes[ty];
        assert_eq!(c.replaced, c.total(), "{ty}: all replaced");
    }
    assert_eq!(steady.churn_ratio, Some(8.136), "480 / 59");
    let nt = &r.reuse.native_targets;
    assert_eq!((nt.created, nt.recreated), (61, 60));
    // One swapchain rebuild (a target and 3 images) is one recreate of each key.
    let loops: Vec<(&str, u64)> = r
        .recreate_loops
        .iter()
        .map(|l| (l.resource_type.as_str(), l.recreates))
        .collect();
    assert_eq!(loops, [("NativeTarget", 60), ("Texture", 60)]);
    assert_eq!(failed(&r, Severity::Warning), ["recreate-churn"]);
}

#[test]
fn case_04_a_window_with_nothing_presented_has_no_churn_ratio() {
    let r = report("04");
    let shutdown = w(&r, Window::Shutdown);
    assert_eq!(
        (shutdown.packets.presented, shutdown.destroyed_total()),
        (0, 5)
    );
    assert_eq!(shutdown.churn_ratio, None);
    let json: serde_json::Value = serde_json::from_str(&r.to_json_string()).unwrap();
    assert_eq!(
        json["windows"]["shutdown"]["churn_ratio"],
        serde_json::Value::Null
    );
    let text = r.render_text(&TextOptions::default());
    let row = text
        .lines()
        .find(|l| l.trim_start().starts_with("shutdown ") && l.contains("2010.000"))
        .expect("the shutdown row of the windows table");
    assert!(row.trim_end().ends_with(" -"), "{row}");
}

// ---------------------------------------------------------------- 06a, 06b

#[test]
fn case_06a_destroys_before_submit_are_three_errors_under_every_model() {
    for model in [
        None,
        Some(ReleaseModel::Immediate),
        Some(ReleaseModel::Deferred),
    ] {
        let r = analyzer("06a", model).report();
        let post = |id, packet| (id, "PostEffect".to_owned(), 0x40, 1, packet);
        assert_eq!(
            checks(&r, "destroy-before-submit"),
            [post(10, 11), post(11, 21), post(12, 31)],
            "{model:?}"
        );
        assert_eq!(failed(&r, Severity::Error), ["destroy-before-submit"]);
        assert_eq!(
            (r.totals.presented, w(&r, Window::Steady).packets.failed),
            (37, 3)
        );
    }
}

#[test]
fn case_06b_a_destroy_after_submit_is_legal_when_deferred_and_in_flight_when_immediate() {
    let deferred = report_as("06b", ReleaseModel::Deferred);
    assert!(failed(&deferred, Severity::Error).is_empty());
    assert_eq!(deferred.anomalies.total, 0);
    assert_eq!(deferred.totals.presented, 40);
    let textures = deferred.destroy_causes.by_type["Texture"];
    assert_eq!(
        (textures.replaced, textures.shutdown, textures.total()),
        (3, 1, 4)
    );
    // The new texture was created 0.9 ms before the old one was destroyed.
    let first = deferred
        .destroy_causes
        .examples
        .iter()
        .find(|e| e.resource_id == 10)
        .expect("texture 10's destroy is an example");
    assert_eq!(first.cause, "replaced");
    assert!(
        first.evidence[0].seq < first.destroy_seq
            && first.evidence[0].what == "create of resource 11 by the same owner, same type",
        "{:?}",
        first.evidence
    );

    let immediate = report_as("06b", ReleaseModel::Immediate);
    let in_flight = checks(&immediate, "destroy-in-flight");
    let packets: Vec<(u64, u64, u64)> = in_flight.iter().map(|c| (c.0, c.3, c.4)).collect();
    assert_eq!(packets, [(10, 1, 11), (11, 1, 21), (12, 1, 31)]);
    assert_eq!(failed(&immediate, Severity::Error), ["destroy-in-flight"]);
}

/// A model declared for one type says nothing about the others: 06b's texture
/// destroys in flight stay warnings when only another type is held immediate
/// (they failed `check` at error, while the message called them a warning).
#[test]
fn case_06b_destroys_in_flight_of_an_undeclared_type_stay_warnings_beside_an_immediate_type() {
    let mut models = ReleaseModels::default();
    models
        .by_type
        .insert("StagingBuffer".into(), ReleaseModel::Immediate);
    let mut a = Analyzer::default().with_release_models(models);
    read("06b", &mut a);
    let r = a.report();
    let g = guardrail(&r, Guardrail::DESTROY_IN_FLIGHT);
    assert_eq!(g.evidence.counts["destroys_in_flight_undeclared"], 3);
    assert_eq!((g.passed, g.severity), (false, Severity::Warning));
    assert!(failed(&r, Severity::Error).is_empty(), "{}", g.message);
}

#[test]
fn case_06b_example_rows_never_print_packet_0_0() {
    for model in [ReleaseModel::Immediate, ReleaseModel::Deferred] {
        let r = report_as("06b", model);
        for e in &r.anomalies.examples {
            assert_ne!((e.lane, e.packet), (Some(0), Some(0)), "{e:?}");
        }
        for g in &r.guardrails {
            for item in &g.evidence.items {
                assert!(!item.what.contains(" 0/0"), "{}", item.what);
            }
        }
        let text = r.render_text(&TextOptions::default());
        assert!(!text.contains(" 0/0"), "{text}");
    }
}

// ---------------------------------------------------------------- 07

#[test]
fn case_07_only_the_image_under_submitted_work_is_destroyed_in_flight() {
    let r = report_as("07", ReleaseModel::Immediate);
    assert_eq!(
        checks(&r, "destroy-in-flight"),
        [(5, "Presenter".to_owned(), 0x50, 1, 30)]
    );
    assert_eq!(r.anomalies.total, 1, "none for images 3 and 4");
    let textures = r.destroy_causes.by_type["Texture"];
    assert_eq!((textures.replaced, textures.shutdown), (3, 3));
    assert_eq!(r.totals.presented, 60);
    // One rebuild of three sibling images is one recreate: no loop.
    assert!(r.recreate_loops.is_empty(), "{:?}", r.recreate_loops);
    assert!(guardrail(&r, Guardrail::RECREATE_CHURN).passed);
}

// ---------------------------------------------------------------- 10

#[test]
fn case_10_atlas_textures_never_freed_are_a_likely_leak_in_the_headline() {
    let r = report("10");
    assert_eq!((r.totals.created, r.totals.destroyed), (53, 3));
    assert_eq!(r.totals.live_at_end, 50);
    let leak = &r.still_live[0];
    assert_eq!(
        (
            leak.owner_kind.as_str(),
            leak.owner_key,
            leak.resource_type.as_str(),
            leak.count
        ),
        ("MetalAtlas", 0xa7, "Texture", 50)
    );
    assert!(
        r.headline.iter().any(|h| h.starts_with(
            "Likely leak: 50 Texture still live after teardown, all owned by MetalAtlas 0xa7"
        )),
        "{:?}",
        r.headline
    );
    assert!(r.recreate_loops.is_empty());
    assert!(
        failed(&r, Severity::Warning).is_empty(),
        "{:?}",
        r.guardrails
    );
}

#[test]
fn case_10_graph_at_the_end_lists_the_leaked_textures() {
    let mut graph = ResourceGraph::new(None);
    read("10", &mut graph);
    let g = graph.graph();
    assert_eq!(g.live, 50);
    assert_eq!(g.owners.len(), 1);
    let atlas = &g.owners[0];
    assert_eq!(
        (atlas.owner_kind.as_str(), atlas.owner_key, atlas.live),
        ("MetalAtlas", 0xa7, 50)
    );
    assert_eq!(count(&atlas.by_type, "Texture"), 50);
}

// ---------------------------------------------------------------- 11

#[test]
fn case_11_make_before_break_swapchains_are_replaced_by_the_earlier_create() {
    for model in [ReleaseModel::Immediate, ReleaseModel::Deferred] {
        let r = report_as("11", model);
        let targets: Vec<(u64, &str, Vec<u64>)> = r
            .destroy_causes
            .examples
            .iter()
            .filter(|e| e.resource_type == "NativeTarget" && e.window != "shutdown")
            .map(|e| {
                (
                    e.resource_id,
                    e.cause.as_str(),
                    e.evidence.iter().map(|i| i.seq).collect(),
                )
            })
            .collect();
        // Target 2 replaced by the create of 3 (#301), target 3 by the create of 4 (#603).
        assert_eq!(
            targets,
            [(2, "replaced", vec![301]), (3, "replaced", vec![603])]
        );
        assert_eq!(checks(&r, "destroy-in-flight"), [], "{model}");
        assert_eq!(r.totals.presented, 180);
        let nt = &r.reuse.native_targets;
        assert_eq!((nt.created, nt.recreated), (3, 2));
        assert_eq!(r.destroy_causes.by_type["NativeTarget"].replaced, 2);
    }
}

// ---------------------------------------------------------------- 12

#[test]
fn case_12_a_storm_then_a_crash_had_no_shutdown() {
    let mut a = Analyzer::default();
    let summary = read("12", &mut a);
    assert!(!summary.is_clean(), "the cut is reported");
    assert!(
        summary.warnings()[0].contains("cut off at byte"),
        "{:?}",
        summary.warnings()
    );
    let r = a.report();
    assert_eq!(
        (r.ending.shutdown.as_str(), r.ending.clean_end),
        ("none", false)
    );
    assert!(
        r.headline[1].starts_with("The run ended without a shutdown: no clean-end record"),
        "{:?}",
        r.headline
    );
    assert!(
        r.ending
            .reasons
            .iter()
            .any(|x| x.contains("after the last present"))
    );
    let steady = w(&r, Window::Steady);
    assert_eq!(count(&steady.destroyed, "NativeTarget"), 200);
    assert_eq!(steady.destroy_causes["NativeTarget"].replaced, 200);
    assert_eq!(w(&r, Window::Shutdown).destroyed_total(), 0, "not teardown");
    assert_eq!(
        steady.destroy_bursts[0].count, 40,
        "40 destroys per 1 ms bucket"
    );
    assert_eq!(failed(&r, Severity::Warning), ["recreate-churn"]);
    assert_eq!(r.totals.presented, 60);
}

// ---------------------------------------------------------------- explain

#[test]
fn explain_shows_the_destroy_check_on_the_resource_story() {
    let mut story = ResourceStory::new(ResourceId(10), Default::default());
    read("06a", &mut story);
    let s = story.story();
    assert_eq!(s.checks.len(), 1);
    assert_eq!(s.checks[0].guardrail, "destroy-before-submit");
    let text = s.render_text();
    assert!(
        text.contains(
            "  check      destroy-before-submit: #66 destroyed before packet 1/11, which used it, was submitted"
        ),
        "{text}"
    );
}

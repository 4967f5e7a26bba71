//! Guardrails (plan, slice D): each verdict just below and at its threshold, the
//! `destroy-in-flight` assertion (in flight, after completion, own packet before and
//! after submit, the per-packet cap, eviction), their JSON and text, determinism.

use gpu_ledger::analysis::{Definitions, Guardrail, Report, Severity};

use crate::util::{MS, Stream};
use gpu_ledger::{Owner, OwnerKind, PacketRef, PacketStage, ResourceAction, ResourceType};

fn root(key: u64) -> Owner {
    Owner::new(OwnerKind::RootVisual, key)
}

fn p(packet: u64) -> PacketRef {
    PacketRef::new(1, packet)
}

const QUEUE: ResourceType = ResourceType::CommandQueue;

/// A hand-built stream: one event per millisecond.
fn stream() -> Stream {
    Stream::ticking(MS)
}

/// The default definitions, changed by `f`.
fn with(f: impl FnOnce(&mut Definitions)) -> Definitions {
    let mut d = Definitions::default();
    f(&mut d);
    d
}

fn guardrail<'a>(r: &'a Report, id: &str) -> &'a Guardrail {
    r.guardrails
        .iter()
        .find(|g| g.id == id)
        .unwrap_or_else(|| panic!("no guardrail {id}"))
}

fn counts(g: &Guardrail) -> Vec<(&str, u64)> {
    g.evidence
        .counts
        .iter()
        .map(|(k, v)| (k.as_str(), *v))
        .collect()
}

fn items(g: &Guardrail) -> Vec<(u64, &str)> {
    g.evidence
        .items
        .iter()
        .map(|i| (i.seq, i.what.as_str()))
        .collect()
}

// ---------------------------------------------------------------- recreate churn

/// Owner `key` destroys and recreates its queue `cycles` times (10 ms apart).
fn recreate(s: &mut Stream, key: u64, first_id: u64, cycles: u64) {
    s.create(first_id, QUEUE, root(key));
    for c in 0..cycles {
        s.res(
            ResourceAction::Destroy,
            first_id + c,
            QUEUE,
            root(key),
            None,
            None,
        )
        .create(first_id + c + 1, QUEUE, root(key));
    }
}

#[test]
fn recreate_churn_warns_at_r_cycles_within_t() {
    let mut below = stream();
    recreate(&mut below, 0x1400, 1, 2);
    let g = guardrail(&below.report(), Guardrail::RECREATE_CHURN).clone();
    assert_eq!(
        (g.passed, g.severity, g.threshold),
        (true, Severity::Warning, 0.0)
    );
    assert_eq!(
        g.message,
        "0 non-transient (owner, type) keys in a recreate loop (R=3 recreates within T=1000.000 ms; limit 0)"
    );

    let mut at = stream();
    recreate(&mut at, 0x1400, 1, 3);
    let r = at.report();
    let g = guardrail(&r, Guardrail::RECREATE_CHURN);
    assert!(!g.passed);
    assert_eq!(
        g.message,
        "1 non-transient (owner, type) keys in a recreate loop (R=3 recreates within T=1000.000 ms; limit 0); worst: RootVisual 0x1400 CommandQueue, 3 recreates"
    );
    assert_eq!(
        counts(g),
        vec![
            ("limit", 0),
            ("non_transient_loop_keys", 1),
            ("transient_loop_keys", 0)
        ]
    );
    // The create that completed the loop is event #6.
    assert_eq!(
        items(g),
        vec![(
            6,
            "RootVisual 0x1400 CommandQueue: 3 recreates, 1 loop cycles, first loop in startup"
        )]
    );
    // With nothing presented, its 3 queue destroys also exceed 2 x 0.
    let failed: Vec<&str> = r
        .failed_guardrails(Severity::Warning)
        .iter()
        .map(|g| g.id.as_str())
        .collect();
    assert_eq!(failed, ["recreate-churn", "queue-destroys-vs-presents"]);
    assert!(r.failed_guardrails(Severity::Error).is_empty());
}

#[test]
fn recreate_churn_tolerates_its_limit_and_ignores_transient_loops() {
    let mut s = stream();
    recreate(&mut s, 1, 1, 3);
    recreate(&mut s, 2, 100, 3);
    // Per-frame command buffers loop too, and are expected to.
    let pool = Owner::new(OwnerKind::Transient, 9);
    for id in 200..205 {
        s.res(
            ResourceAction::Create,
            id,
            ResourceType::CommandBuffer,
            pool,
            None,
            None,
        )
        .res(
            ResourceAction::Destroy,
            id,
            ResourceType::CommandBuffer,
            pool,
            None,
            None,
        );
    }
    let verdict = |max: u64| {
        let defs = with(|d| d.recreate_churn_max_keys = max);
        let r = s.report_with(defs);
        let g = guardrail(&r, Guardrail::RECREATE_CHURN);
        (g.passed, g.threshold, g.evidence.counts.clone())
    };
    let counts_at = |limit| {
        [
            ("limit", limit),
            ("non_transient_loop_keys", 2),
            ("transient_loop_keys", 1),
        ]
        .map(|(k, v)| (k.to_owned(), v))
        .into_iter()
        .collect()
    };
    assert_eq!(verdict(1), (false, 1.0, counts_at(1)));
    assert_eq!(verdict(2), (true, 2.0, counts_at(2)));
}

// ---------------------------------------------------------------- queue destroys vs presents

/// `presents` presented packets, then `destroys` queues destroyed (and so in shutdown).
fn queues_then_presents(presents: u64, destroys: u64) -> Stream {
    let mut s = stream();
    for id in 1..=destroys {
        s.create(id, QUEUE, root(id));
    }
    for pk in 1..=presents {
        s.present(p(pk));
    }
    for id in 1..=destroys {
        s.res(ResourceAction::Destroy, id, QUEUE, root(id), None, None);
    }
    s
}

#[test]
fn queue_destroys_fail_only_beyond_the_factor() {
    let at = queues_then_presents(3, 6).report();
    let g = guardrail(&at, Guardrail::QUEUE_DESTROYS_VS_PRESENTS);
    assert_eq!(
        (g.passed, g.severity, g.threshold),
        (true, Severity::Warning, 2.0)
    );
    assert_eq!(
        g.message,
        "CommandQueue destroys vs presents: 6 vs 3 overall (limit 6 at 2.000x), 0 vs 3 in startup (limit 6)"
    );
    assert!(g.evidence.items.is_empty());

    let above = queues_then_presents(3, 7).report();
    let g = guardrail(&above, Guardrail::QUEUE_DESTROYS_VS_PRESENTS);
    assert!(!g.passed);
    assert_eq!(
        counts(g),
        vec![
            ("limit", 6),
            ("presented", 3),
            ("queue_destroys", 7),
            ("startup_limit", 6),
            ("startup_presented", 3),
            ("startup_queue_destroys", 0),
        ]
    );
    assert_eq!(
        items(g),
        vec![
            (
                10,
                "destroy of CommandQueue 1 (RootVisual 0x1, cause shutdown, in shutdown)"
            ),
            (
                11,
                "destroy of CommandQueue 2 (RootVisual 0x2, cause shutdown, in shutdown)"
            ),
            (
                12,
                "destroy of CommandQueue 3 (RootVisual 0x3, cause shutdown, in shutdown)"
            ),
        ]
    );
}

#[test]
fn queue_destroy_factor_is_configurable_and_floors_the_limit() {
    let defs = with(|d| d.queue_destroy_factor = 1.5);
    // 1.5 x 3 = 4.5: 4 destroys pass, 5 fail.
    let verdict = |destroys| {
        let r = queues_then_presents(3, destroys).report_with(defs.clone());
        let g = guardrail(&r, Guardrail::QUEUE_DESTROYS_VS_PRESENTS).clone();
        (g.passed, g.threshold, g.evidence.counts["limit"])
    };
    assert_eq!(verdict(4), (true, 1.5, 4));
    assert_eq!(verdict(5), (false, 1.5, 4));
    let nan = with(|d| d.queue_destroy_factor = f64::NAN);
    let r = queues_then_presents(3, 1).report_with(nan);
    assert_eq!(r.definitions.queue_destroy_factor, 0.0, "NaN reads as 0");
    assert!(!guardrail(&r, Guardrail::QUEUE_DESTROYS_VS_PRESENTS).passed);
}

#[test]
fn queue_destroys_are_also_checked_in_the_startup_window() {
    // Startup: 3 queue rebuilds around 1 present (limit 2); then 10 clean presents.
    let mut s = stream();
    s.create(1, QUEUE, root(1));
    s.res(ResourceAction::Destroy, 1, QUEUE, root(1), None, None)
        .create(2, QUEUE, root(1));
    s.present(p(1));
    s.res(ResourceAction::Destroy, 2, QUEUE, root(1), None, None)
        .create(3, QUEUE, root(1));
    s.res(ResourceAction::Destroy, 3, QUEUE, root(1), None, None)
        .create(4, QUEUE, root(1));
    for pk in 2..=11 {
        s.present(p(pk));
    }
    let r = s.report();
    let g = guardrail(&r, Guardrail::QUEUE_DESTROYS_VS_PRESENTS);
    assert_eq!(
        g.message,
        "CommandQueue destroys vs presents: 3 vs 11 overall (limit 22 at 2.000x), 3 vs 2 in startup (limit 4)"
    );
    assert!(g.passed, "3 <= 2 x 2");
    // One more rebuild before the second present puts startup over its limit.
    let mut more = stream();
    more.create(1, QUEUE, root(1));
    for id in 1..=5 {
        more.res(ResourceAction::Destroy, id, QUEUE, root(1), None, None)
            .create(id + 1, QUEUE, root(1));
    }
    more.present(p(1));
    for pk in 2..=11 {
        more.present(p(pk));
    }
    let r = more.report();
    let g = guardrail(&r, Guardrail::QUEUE_DESTROYS_VS_PRESENTS);
    assert_eq!(
        g.message,
        "CommandQueue destroys vs presents: 5 vs 11 overall (limit 22 at 2.000x), 5 vs 1 in startup (limit 2)"
    );
    assert!(!g.passed);
}

// ---------------------------------------------------------------- destroy in flight

fn in_flight(r: &Report) -> u64 {
    r.anomalies.by_kind["destroy-in-flight"]
}

#[test]
fn a_destroy_while_a_touching_packet_is_in_flight_is_an_error() {
    let mut s = stream();
    s.create(1, QUEUE, root(1)); // #0
    s.queued(p(7)).touch(p(7), 1); // #1, #2
    s.stage(p(7), PacketStage::Submitted); // #3
    s.res(ResourceAction::Destroy, 1, QUEUE, root(1), Some(p(8)), None); // #4: packet 8 pulls it from under packet 7
    s.stage(p(7), PacketStage::Completed).present(p(7)); // #5, #6
    let r = s.report();
    assert_eq!((in_flight(&r), r.anomalies.total), (1, 1));
    let e = &r.anomalies.examples[0];
    assert_eq!(
        (e.kind.as_str(), e.seq, e.resource_id, e.lane, e.packet),
        ("destroy-in-flight", 4, Some(1), Some(1), Some(7))
    );
    let g = guardrail(&r, Guardrail::DESTROY_IN_FLIGHT);
    assert_eq!((g.passed, g.severity), (false, Severity::Error));
    assert_eq!(
        g.message,
        "1 destroys of a resource an in-flight packet referenced (limit 0)"
    );
    assert_eq!(
        items(g),
        vec![(4, "destroy of resource 1 while packet 1/7 was in flight")]
    );
    assert_eq!(
        counts(g),
        vec![
            ("destroys_in_flight", 1),
            ("limit", 0),
            ("packets_evicted", 0),
            ("refs_untracked", 0)
        ]
    );
    let failed: Vec<&str> = r
        .failed_guardrails(Severity::Error)
        .iter()
        .map(|g| g.id.as_str())
        .collect();
    assert_eq!(failed, ["destroy-in-flight"]);
    // A tolerance of one lets it pass.
    let tolerant = s.report_with(with(|d| d.destroy_in_flight_max = 1));
    assert!(guardrail(&tolerant, Guardrail::DESTROY_IN_FLIGHT).passed);
}

#[test]
fn a_destroy_after_completion_or_before_queueing_is_fine() {
    // After Completed (not yet presented): the GPU is done with it.
    let mut done = stream();
    done.create(1, QUEUE, root(1)).queued(p(7)).touch(p(7), 1);
    done.stage(p(7), PacketStage::Submitted)
        .stage(p(7), PacketStage::Completed);
    done.res(ResourceAction::Destroy, 1, QUEUE, root(1), None, None)
        .present(p(7));
    assert_eq!(in_flight(&done.report()), 0);
    // After any terminal stage.
    for terminal in [PacketStage::Dropped, PacketStage::NoOp, PacketStage::Failed] {
        let mut s = stream();
        s.create(1, QUEUE, root(1))
            .queued(p(7))
            .touch(p(7), 1)
            .stage(p(7), terminal);
        s.res(ResourceAction::Destroy, 1, QUEUE, root(1), None, None);
        assert_eq!(in_flight(&s.report()), 0, "{terminal:?}");
    }
    // Touched before the packet was queued, destroyed before it was: not in flight.
    let mut early = stream();
    early
        .create(1, QUEUE, root(1))
        .touch(p(7), 1)
        .res(ResourceAction::Destroy, 1, QUEUE, root(1), None, None)
        .queued(p(7));
    assert_eq!(in_flight(&early.report()), 0);
    // ...but touched before and destroyed after queueing: the reference counts.
    let mut late = stream();
    late.create(1, QUEUE, root(1))
        .touch(p(7), 1)
        .queued(p(7))
        .res(ResourceAction::Destroy, 1, QUEUE, root(1), None, None);
    assert_eq!(in_flight(&late.report()), 1);
}

#[test]
fn creates_and_binds_in_a_packet_are_references_too() {
    // Created in packet 7's context while it is queued; destroyed outside any packet.
    let mut s = stream();
    s.queued(p(7)).res(
        ResourceAction::Create,
        1,
        ResourceType::TextureTarget,
        root(1),
        Some(p(7)),
        None,
    );
    s.res(
        ResourceAction::Destroy,
        1,
        ResourceType::TextureTarget,
        root(1),
        None,
        None,
    );
    assert_eq!(in_flight(&s.report()), 1);
    let mut b = stream();
    b.create(1, QUEUE, root(1)).queued(p(7)).res(
        ResourceAction::Bind,
        1,
        ResourceType::CommandQueue,
        root(1),
        Some(p(7)),
        None,
    );
    b.res(ResourceAction::Destroy, 1, QUEUE, root(1), None, None);
    assert_eq!(in_flight(&b.report()), 1);
}

#[test]
fn a_packet_may_destroy_its_own_references_until_it_is_submitted() {
    let mut encoding = stream();
    encoding
        .create(1, QUEUE, root(1))
        .queued(p(7))
        .touch(p(7), 1);
    encoding
        .res(ResourceAction::Destroy, 1, QUEUE, root(1), Some(p(7)), None)
        .create(2, QUEUE, root(1));
    assert_eq!(in_flight(&encoding.report()), 0, "a rebuild while encoding");
    let mut submitted = stream();
    submitted
        .create(1, QUEUE, root(1))
        .queued(p(7))
        .touch(p(7), 1);
    submitted.stage(p(7), PacketStage::Submitted);
    submitted.res(ResourceAction::Destroy, 1, QUEUE, root(1), Some(p(7)), None);
    assert_eq!(in_flight(&submitted.report()), 1, "the GPU holds it");
    // Another packet in flight holding it still counts while this one encodes.
    let mut shared = stream();
    shared
        .create(1, QUEUE, root(1))
        .queued(p(6))
        .touch(p(6), 1)
        .queued(p(7))
        .touch(p(7), 1);
    shared.res(ResourceAction::Destroy, 1, QUEUE, root(1), Some(p(7)), None);
    let r = shared.report();
    assert_eq!(in_flight(&r), 1);
    assert_eq!(r.anomalies.examples[0].packet, Some(6), "the other holder");
}

#[test]
fn references_beyond_the_per_packet_cap_are_counted_not_checked() {
    let mut s = stream();
    s.queued(p(7));
    for id in 1..=3 {
        s.create(id, QUEUE, root(id)).touch(p(7), id);
    }
    for id in 1..=3 {
        s.res(ResourceAction::Destroy, id, QUEUE, root(id), None, None);
    }
    let defs = |cap| with(|d| d.max_packet_refs = cap);
    let r = s.report_with(defs(2));
    assert_eq!(in_flight(&r), 2, "the third touch was beyond the cap");
    let g = guardrail(&r, Guardrail::DESTROY_IN_FLIGHT);
    assert_eq!(g.evidence.counts["refs_untracked"], 1);
    assert_eq!(
        g.message,
        "2 destroys of a resource an in-flight packet referenced (limit 0); 1 references beyond 2 per packet not checked"
    );
    assert_eq!(r.definitions.max_packet_refs, 2);
    assert_eq!(in_flight(&s.report_with(defs(3))), 3);
}

#[test]
fn packets_evicted_at_the_cap_release_their_references() {
    let mut s = stream();
    s.create(1, QUEUE, root(1)).queued(p(6)).touch(p(6), 1);
    s.queued(p(7)).queued(p(8)); // with room for 2 packets, packet 6 is forgotten
    s.res(ResourceAction::Destroy, 1, QUEUE, root(1), None, None);
    let r = s.report_with(with(|d| d.max_live_packets = 2));
    assert_eq!(in_flight(&r), 0);
    let g = guardrail(&r, Guardrail::DESTROY_IN_FLIGHT);
    assert_eq!(g.evidence.counts["packets_evicted"], 1);
    assert_eq!(
        g.message,
        "0 destroys of a resource an in-flight packet referenced (limit 0); 1 packets forgotten at the 2-packet cap"
    );
}

// ---------------------------------------------------------------- rendering, determinism

#[test]
fn guardrails_render_as_text_and_json() {
    let mut s = queues_then_presents(1, 3);
    s.create(10, QUEUE, root(10)).queued(p(7)).touch(p(7), 10);
    s.res(ResourceAction::Destroy, 10, QUEUE, root(10), None, None);
    let r = s.report();
    let expected = "  PASS  recreate-churn              warning  0 non-transient (owner, type) keys in a recreate loop (R=3 recreates within T=1000.000 ms; limit 0)
  WARN  queue-destroys-vs-presents  warning  CommandQueue destroys vs presents: 4 vs 1 overall (limit 2 at 2.000x), 0 vs 1 in startup (limit 2)
        #4 destroy of CommandQueue 1 (RootVisual 0x1, cause shutdown, in shutdown)
        #5 destroy of CommandQueue 2 (RootVisual 0x2, cause shutdown, in shutdown)
        #6 destroy of CommandQueue 3 (RootVisual 0x3, cause shutdown, in shutdown)
  FAIL  destroy-in-flight           error    1 destroys of a resource an in-flight packet referenced (limit 0)
        #10 destroy of resource 10 while packet 1/7 was in flight
  PASS  error-findings              error    0 findings of severity error reported by other checkers (limit 0)
";
    assert_eq!(r.render_guardrails_text(), expected);
    let text = r.render_text(&gpu_ledger::analysis::TextOptions::default());
    assert!(
        text.contains(&format!(
            "\nGuardrails: 2 of 4 failed\n{expected}\nWindows\n"
        )),
        "{text}"
    );
    let v: serde_json::Value = serde_json::from_str(&r.to_json_string()).unwrap();
    assert_eq!(
        v["guardrails"][2],
        serde_json::json!({
            "id": "destroy-in-flight",
            "severity": "error",
            "passed": false,
            "message": "1 destroys of a resource an in-flight packet referenced (limit 0)",
            "threshold": 0.0,
            "evidence": {
                "counts": {"destroys_in_flight": 1, "limit": 0, "packets_evicted": 0, "refs_untracked": 0},
                "items": [{"seq": 10, "what": "destroy of resource 10 while packet 1/7 was in flight"}]
            }
        })
    );
    assert_eq!(v["guardrails"][1]["severity"], "warning");
    for (field, value) in [
        ("recreate_churn_max_keys", serde_json::json!(0)),
        ("queue_destroy_factor", serde_json::json!(2.0)),
        ("destroy_in_flight_max", serde_json::json!(0)),
        ("max_packet_refs", serde_json::json!(256)),
    ] {
        assert_eq!(v["definitions"][field], value, "{field}");
    }
}

#[test]
fn guardrails_are_deterministic_and_survive_restriction() {
    let mut s = queues_then_presents(2, 9);
    recreate(&mut s, 0x20, 100, 4);
    let one = s.report();
    let two = s.report();
    assert_eq!(one.to_json_string(), two.to_json_string());
    let ids: Vec<(&str, bool)> = one
        .guardrails
        .iter()
        .map(|g| (g.id.as_str(), g.passed))
        .collect();
    assert_eq!(
        ids,
        [
            ("recreate-churn", false),
            ("queue-destroys-vs-presents", false),
            ("destroy-in-flight", true),
            ("error-findings", true)
        ]
    );
    let startup = one.restrict(gpu_ledger::analysis::Window::Startup);
    assert_eq!(startup.guardrails, one.guardrails, "whole-stream verdicts");
}

// ---------------------------------------------------------------- findings

/// The report of a stream of `findings` (severity, code, message, line), with
/// names 0.. defined as `texts`.
fn findings_report(
    texts: &[&str],
    findings: &[(gpu_ledger::FindingSeverity, u32, u32, Option<u64>)],
    defs: Definitions,
) -> Report {
    let mut s = stream();
    for (i, &(severity, code, message, line)) in findings.iter().enumerate() {
        s.push(gpu_ledger::EventKind::Finding {
            severity,
            code: gpu_ledger::Name(code),
            message: gpu_ledger::Name(message),
            resource: (i == 0).then_some(gpu_ledger::ResourceId(4)),
            packet: (i == 0).then_some(p(2)),
            line,
        });
    }
    let mut collected = s.collected();
    for (i, text) in texts.iter().enumerate() {
        collected.names.define(gpu_ledger::Name(i as u32), text);
    }
    let mut a = gpu_ledger::analysis::Analyzer::new(defs);
    collected.replay(&mut a);
    a.report()
}

#[test]
fn error_findings_fail_at_error_and_warnings_alone_pass() {
    use gpu_ledger::FindingSeverity::{Error, Info, Warning};
    let texts = ["VUID-a", "VUID-b", "image in use", "slow path"];
    let r = findings_report(
        &texts,
        &[
            (Error, 0, 2, Some(127)),
            (Warning, 1, 3, None),
            (Error, 0, 2, Some(130)),
            (Info, 1, 3, None),
        ],
        Definitions::default(),
    );
    let g = guardrail(&r, Guardrail::ERROR_FINDINGS);
    assert!(!g.passed);
    assert_eq!(g.severity, Severity::Error);
    assert_eq!(
        g.message,
        "2 findings of severity error reported by other checkers (limit 0); most frequent: VUID-a (2)"
    );
    assert_eq!(
        counts(g),
        [("error_findings", 2), ("limit", 0), ("warning_findings", 1)]
    );
    assert_eq!(
        items(g),
        [(0, "VUID-a at line 127"), (2, "VUID-a at line 130")]
    );
    assert_eq!(
        r.failed_guardrails(Severity::Error)
            .iter()
            .map(|g| g.id.as_str())
            .collect::<Vec<_>>(),
        [Guardrail::ERROR_FINDINGS]
    );
    assert!(
        r.headline
            .contains(&"Other checkers reported 2 errors (VUID-a): see Findings.".to_owned()),
        "{:?}",
        r.headline
    );
    let f = &r.findings;
    assert_eq!(f.total, 4);
    let codes: Vec<(&str, &str, u64)> = f
        .by_code
        .iter()
        .map(|c| (c.severity.as_str(), c.code.as_str(), c.count))
        .collect();
    assert_eq!(
        codes,
        [
            ("error", "VUID-a", 2),
            ("warning", "VUID-b", 1),
            ("info", "VUID-b", 1)
        ]
    );
    let first = &f.examples[0];
    assert_eq!(
        (
            first.line,
            first.message.as_str(),
            first.resource_id,
            first.lane,
            first.packet
        ),
        (Some(127), "image in use", Some(4), Some(1), Some(2))
    );
    // Findings describe the whole stream, whatever window a report is restricted to.
    let steady = r.restrict(gpu_ledger::analysis::Window::Steady);
    assert_eq!(steady.findings, r.findings);
    let text = r.render_text(&gpu_ledger::analysis::TextOptions::default());
    assert!(
        text.contains("\nFindings reported by other checkers: 4 (2 error, 1 warning, 1 info)\n"),
        "{text}"
    );
    assert!(text.contains("    #0: image in use\n"), "{text}");

    let tolerant = findings_report(
        &texts,
        &[(Error, 0, 2, None)],
        with(|d| d.error_findings_max = 1),
    );
    assert!(guardrail(&tolerant, Guardrail::ERROR_FINDINGS).passed);
    let warnings_only = findings_report(&texts, &[(Warning, 1, 3, None)], Definitions::default());
    assert!(guardrail(&warnings_only, Guardrail::ERROR_FINDINGS).passed);
    assert!(
        warnings_only
            .failed_guardrails(Severity::Warning)
            .is_empty()
    );
}

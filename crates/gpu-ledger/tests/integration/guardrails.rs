//! Guardrails (plan, slice D): each verdict just below and at its threshold; the
//! three destroy checks under each release model (`destroy-before-submit` confirmed
//! by the submit, `destroy-in-flight` for immediate frees only, `use-after-destroy`),
//! with the per-packet cap and eviction; their JSON and text, determinism.

use gpu_ledger::analysis::{Analyzer, Definitions, Guardrail, Report, Severity};

use crate::util::{MS, Stream};
use gpu_ledger::{
    Owner, OwnerKind, PacketRef, PacketStage, ReleaseModel, ReleaseModels, ResourceAction,
    ResourceType,
};

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

/// Reports of a stream that a finished recorder delivered: it ends with the
/// clean-end marker, so a quiet tail after the last present is teardown.
trait Ended {
    /// Under `defs` and, when given, release `models`.
    fn ended_under(&self, defs: Definitions, models: Option<ReleaseModels>) -> Report;

    /// Under `defs`.
    fn ended_with(&self, defs: Definitions) -> Report {
        self.ended_under(defs, None)
    }

    /// Under the default definitions.
    fn ended(&self) -> Report {
        self.ended_with(Definitions::default())
    }

    /// With every type held to `model`.
    fn ended_as(&self, model: ReleaseModel) -> Report {
        self.ended_under(Definitions::default(), Some(ReleaseModels::uniform(model)))
    }
}

impl Ended for Stream {
    fn ended_under(&self, defs: Definitions, models: Option<ReleaseModels>) -> Report {
        let mut s = self.clone();
        s.clean_end();
        let mut a = Analyzer::new(defs);
        if let Some(models) = models {
            a = a.with_release_models(models);
        }
        s.feed(&mut a);
        a.report()
    }
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
    let g = guardrail(&below.ended(), Guardrail::RECREATE_CHURN).clone();
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
    let r = at.ended();
    let g = guardrail(&r, Guardrail::RECREATE_CHURN);
    assert!(!g.passed);
    assert_eq!(
        g.message,
        "1 non-transient (owner, type) key in a recreate loop (R=3 recreates within T=1000.000 ms; limit 0); worst: RootVisual 0x1400 CommandQueue, 3 recreates"
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
        let r = s.ended_with(defs);
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
    let at = queues_then_presents(3, 6).ended();
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

    let above = queues_then_presents(3, 7).ended();
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
        let r = queues_then_presents(3, destroys).ended_with(defs.clone());
        let g = guardrail(&r, Guardrail::QUEUE_DESTROYS_VS_PRESENTS).clone();
        (g.passed, g.threshold, g.evidence.counts["limit"])
    };
    assert_eq!(verdict(4), (true, 1.5, 4));
    assert_eq!(verdict(5), (false, 1.5, 4));
    let nan = with(|d| d.queue_destroy_factor = f64::NAN);
    let r = queues_then_presents(3, 1).ended_with(nan);
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
    let r = s.ended();
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
    let r = more.ended();
    let g = guardrail(&r, Guardrail::QUEUE_DESTROYS_VS_PRESENTS);
    assert_eq!(
        g.message,
        "CommandQueue destroys vs presents: 5 vs 11 overall (limit 22 at 2.000x), 5 vs 1 in startup (limit 2)"
    );
    assert!(!g.passed);
}

// ---------------------------------------------------------------- the destroy checks

fn found(r: &Report, kind: &str) -> u64 {
    r.anomalies.by_kind[kind]
}

fn in_flight(r: &Report) -> u64 {
    found(r, "destroy-in-flight")
}

fn before_submit(r: &Report) -> u64 {
    found(r, "destroy-before-submit")
}

fn submitted(s: &mut Stream, packet: u64) -> &mut Stream {
    s.stage(p(packet), PacketStage::Submitted)
}

/// Packet 7 touches queue 1 and is submitted; packet 8 destroys the queue before 7 completes.
fn destroyed_under_submitted_work() -> Stream {
    let mut s = stream();
    s.create(1, QUEUE, root(1)); // #0
    s.queued(p(7)).touch(p(7), 1); // #1, #2
    submitted(&mut s, 7); // #3
    s.res(ResourceAction::Destroy, 1, QUEUE, root(1), Some(p(8)), None); // #4
    s.stage(p(7), PacketStage::Completed).present(p(7)); // #5, #6
    s
}

#[test]
fn destroy_in_flight_is_an_error_under_the_immediate_model() {
    let s = destroyed_under_submitted_work();
    let r = s.ended_as(ReleaseModel::Immediate);
    assert_eq!((in_flight(&r), r.anomalies.total), (1, 1));
    let e = &r.anomalies.examples[0];
    assert_eq!(
        (e.kind.as_str(), e.seq, e.resource_id, e.lane, e.packet),
        ("destroy-in-flight", 4, Some(1), Some(1), Some(7))
    );
    assert_eq!(
        (e.owner_kind.as_deref(), e.owner_key),
        (Some("RootVisual"), Some(1))
    );
    let g = guardrail(&r, Guardrail::DESTROY_IN_FLIGHT);
    assert_eq!((g.passed, g.severity), (false, Severity::Error));
    assert_eq!(
        g.message,
        "1 destroy of a resource that submitted, uncompleted GPU work referenced, under the immediate release model (limit 0)"
    );
    assert_eq!(
        items(g),
        vec![(
            4,
            "destroy of resource 1 (RootVisual 0x1) while packet 1/7, which used it, was submitted and not complete"
        )]
    );
    let item = &g.evidence.items[0];
    assert_eq!(
        (
            item.resource_id,
            item.owner_key,
            item.packet.map(|p| (p.lane, p.packet))
        ),
        (Some(1), Some(1), Some((1, 7)))
    );
    assert_eq!(
        counts(g),
        vec![
            ("destroys_in_flight", 1),
            ("destroys_in_flight_undeclared", 0),
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
    let tolerant = s.ended_under(
        with(|d| d.destroy_in_flight_max = 1),
        Some(ReleaseModels::uniform(ReleaseModel::Immediate)),
    );
    assert!(guardrail(&tolerant, Guardrail::DESTROY_IN_FLIGHT).passed);
}

#[test]
fn destroy_after_submit_is_a_release_under_the_deferred_model() {
    let r = destroyed_under_submitted_work().ended_as(ReleaseModel::Deferred);
    assert_eq!((in_flight(&r), r.anomalies.total), (0, 0));
    let g = guardrail(&r, Guardrail::DESTROY_IN_FLIGHT);
    assert!(g.passed);
    assert_eq!(
        g.message,
        "not checked: the release model is deferred (a destroy is a release and the API frees the object once the GPU is done with it)"
    );
    assert_eq!(r.release.model.as_deref(), Some("deferred"));
    assert_eq!(r.release.source, "override");
}

#[test]
fn destroy_in_flight_is_a_warning_where_no_release_model_is_declared() {
    let r = destroyed_under_submitted_work().ended();
    assert_eq!(in_flight(&r), 1);
    let g = guardrail(&r, Guardrail::DESTROY_IN_FLIGHT);
    assert_eq!((g.passed, g.severity), (false, Severity::Warning));
    assert_eq!(
        g.message,
        "0 destroys of a resource that submitted, uncompleted GPU work referenced, under the immediate release model (limit 0); 1 more where no release model is declared (a warning: declare it, or pass --release-model immediate or deferred)"
    );
    assert!(r.failed_guardrails(Severity::Error).is_empty());
    assert_eq!(
        (r.release.model.clone(), r.release.source.as_str()),
        (None, "not declared")
    );
}

#[test]
fn a_type_may_have_its_own_release_model() {
    // Deferred for the stream, immediate for command queues: the queue's destroy is checked.
    let mut models = ReleaseModels::uniform(ReleaseModel::Deferred);
    models
        .by_type
        .insert("CommandQueue".into(), ReleaseModel::Immediate);
    let r = destroyed_under_submitted_work().ended_under(Definitions::default(), Some(models));
    assert_eq!(in_flight(&r), 1);
    let g = guardrail(&r, Guardrail::DESTROY_IN_FLIGHT);
    assert_eq!((g.passed, g.severity), (false, Severity::Error));
    assert_eq!(r.release.by_type["CommandQueue"], "immediate");
    // The other way round: immediate for the stream, deferred for queues.
    let mut models = ReleaseModels::uniform(ReleaseModel::Immediate);
    models
        .by_type
        .insert("CommandQueue".into(), ReleaseModel::Deferred);
    let r = destroyed_under_submitted_work().ended_under(Definitions::default(), Some(models));
    assert_eq!(in_flight(&r), 0);
}

#[test]
fn a_destroy_after_completion_or_a_terminal_stage_is_fine_under_every_model() {
    for model in [ReleaseModel::Immediate, ReleaseModel::Deferred] {
        let mut done = stream();
        done.create(1, QUEUE, root(1)).queued(p(7)).touch(p(7), 1);
        submitted(&mut done, 7).stage(p(7), PacketStage::Completed);
        done.res(ResourceAction::Destroy, 1, QUEUE, root(1), None, None)
            .present(p(7));
        let r = done.ended_as(model);
        assert_eq!(r.anomalies.total, 0, "{model}");
        for terminal in [PacketStage::Dropped, PacketStage::NoOp, PacketStage::Failed] {
            let mut s = stream();
            s.create(1, QUEUE, root(1)).queued(p(7)).touch(p(7), 1);
            submitted(&mut s, 7).stage(p(7), terminal);
            s.res(ResourceAction::Destroy, 1, QUEUE, root(1), None, None);
            assert_eq!(s.ended_as(model).anomalies.total, 0, "{terminal:?} {model}");
        }
    }
}

#[test]
fn destroy_before_submit_is_confirmed_by_the_submit_under_every_model() {
    // Packet 7 touches the queue, then it is destroyed, then packet 7 is submitted.
    let mut s = stream();
    s.create(1, QUEUE, root(1)).queued(p(7)).touch(p(7), 1); // #0..#2
    s.res(ResourceAction::Destroy, 1, QUEUE, root(1), Some(p(7)), None); // #3, from packet 7's own context
    submitted(&mut s, 7).present(p(7)); // #4, #5
    for model in [ReleaseModel::Immediate, ReleaseModel::Deferred] {
        let r = s.ended_as(model);
        assert_eq!((before_submit(&r), in_flight(&r)), (1, 0), "{model}");
        let g = guardrail(&r, Guardrail::DESTROY_BEFORE_SUBMIT);
        assert_eq!((g.passed, g.severity), (false, Severity::Error));
        assert_eq!(
            g.message,
            "1 destroy of a resource a packet used before that packet was submitted (wrong under every release model; limit 0)"
        );
        assert_eq!(
            items(g),
            vec![(
                3,
                "destroy of resource 1 (RootVisual 0x1) before packet 1/7, which used it, was submitted"
            )]
        );
    }
    // The same destroy, but the packet is dropped, never submitted: nothing reached the GPU.
    let mut dropped = stream();
    dropped
        .create(1, QUEUE, root(1))
        .queued(p(7))
        .touch(p(7), 1);
    dropped
        .res(ResourceAction::Destroy, 1, QUEUE, root(1), None, None)
        .stage(p(7), PacketStage::Dropped);
    assert_eq!(dropped.ended().anomalies.total, 0);
    // Touched before it was even queued, and destroyed outside any packet: still confirmed.
    let mut early = stream();
    early
        .create(1, QUEUE, root(1))
        .touch(p(7), 1)
        .res(ResourceAction::Destroy, 1, QUEUE, root(1), None, None)
        .queued(p(7));
    submitted(&mut early, 7);
    assert_eq!(before_submit(&early.ended()), 1);
    let tolerant = s.ended_with(with(|d| d.destroy_before_submit_max = 1));
    assert!(guardrail(&tolerant, Guardrail::DESTROY_BEFORE_SUBMIT).passed);
}

#[test]
fn one_destroy_used_by_two_packets_submitted_later_counts_once() {
    let mut s = stream();
    s.create(1, QUEUE, root(1))
        .queued(p(6))
        .touch(p(6), 1)
        .queued(p(7))
        .touch(p(7), 1);
    s.res(ResourceAction::Destroy, 1, QUEUE, root(1), None, None);
    submitted(&mut s, 6);
    submitted(&mut s, 7);
    let r = s.ended();
    assert_eq!(before_submit(&r), 1);
    assert_eq!(
        r.anomalies.examples[0].packet,
        Some(6),
        "the first packet submitted"
    );
}

#[test]
fn creates_and_binds_in_a_packet_are_uses_too() {
    // Created in packet 7's context; destroyed outside any packet after 7 was submitted.
    let mut s = stream();
    s.queued(p(7)).res(
        ResourceAction::Create,
        1,
        ResourceType::TextureTarget,
        root(1),
        Some(p(7)),
        None,
    );
    submitted(&mut s, 7).res(
        ResourceAction::Destroy,
        1,
        ResourceType::TextureTarget,
        root(1),
        None,
        None,
    );
    assert_eq!(in_flight(&s.ended_as(ReleaseModel::Immediate)), 1);
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
    submitted(&mut b, 7);
    assert_eq!(before_submit(&b.ended()), 1);
}

#[test]
fn use_after_destroy_names_the_packet_that_touched_the_dead_resource() {
    let mut s = stream();
    s.create(1, QUEUE, root(1))
        .res(ResourceAction::Destroy, 1, QUEUE, root(1), None, None); // #0, #1
    s.queued(p(12)).touch(p(12), 1); // #2, #3: packet 12 uses it after its destroy
    s.res(
        ResourceAction::Bind,
        1,
        ResourceType::CommandQueue,
        root(1),
        Some(p(12)),
        None,
    ); // #4
    s.res(
        ResourceAction::Bind,
        1,
        ResourceType::CommandQueue,
        root(1),
        None,
        None,
    ); // #5: outside any packet it is an unknown id, not a use by GPU work
    s.touch(p(12), 99); // #6: never created: unknown id
    for model in [ReleaseModel::Immediate, ReleaseModel::Deferred] {
        let r = s.ended_as(model);
        assert_eq!(found(&r, "use-after-destroy"), 2, "{model}");
        assert_eq!(found(&r, "event-unknown-id"), 2, "{model}");
        let g = guardrail(&r, Guardrail::USE_AFTER_DESTROY);
        assert_eq!((g.passed, g.severity), (false, Severity::Error));
        assert_eq!(
            items(g),
            vec![
                (
                    3,
                    "resource 1 (RootVisual 0x1) touched by packet 1/12 after its destroy"
                ),
                (
                    4,
                    "resource 1 (RootVisual 0x1) touched by packet 1/12 after its destroy"
                )
            ]
        );
    }
}

#[test]
fn presented_without_submit_is_an_anomaly_only_where_submissions_are_recorded() {
    // Packet 1 is submitted and presented; packet 2 is presented without a submit.
    let mut s = stream();
    s.queued(p(1));
    submitted(&mut s, 1).present(p(1));
    s.queued(p(2)).present(p(2)); // #3, #4
    let r = s.ended();
    assert_eq!(found(&r, "presented-without-submit"), 1);
    let e = &r.anomalies.examples[0];
    assert_eq!(
        (e.kind.as_str(), e.seq, e.resource_id, e.lane, e.packet),
        ("presented-without-submit", 4, None, Some(1), Some(2))
    );
    // A stream that records no submissions at all (a log of presents) has none.
    let mut presents = stream();
    presents.present(p(1)).present(p(2)).present(p(3));
    let r = presents.ended();
    assert_eq!(
        (found(&r, "presented-without-submit"), r.anomalies.total),
        (0, 0)
    );
}

#[test]
fn references_beyond_the_per_packet_cap_are_counted_not_checked() {
    let mut s = stream();
    s.queued(p(7));
    for id in 1..=3 {
        s.create(id, QUEUE, root(id)).touch(p(7), id);
    }
    submitted(&mut s, 7);
    for id in 1..=3 {
        s.res(ResourceAction::Destroy, id, QUEUE, root(id), None, None);
    }
    let defs = |cap| with(|d| d.max_packet_refs = cap);
    let immediate = Some(ReleaseModels::uniform(ReleaseModel::Immediate));
    let r = s.ended_under(defs(2), immediate.clone());
    assert_eq!(in_flight(&r), 2, "the third touch was beyond the cap");
    let g = guardrail(&r, Guardrail::DESTROY_IN_FLIGHT);
    assert_eq!(g.evidence.counts["refs_untracked"], 1);
    assert_eq!(
        g.message,
        "2 destroys of a resource that submitted, uncompleted GPU work referenced, under the immediate release model (limit 0); 1 references beyond 2 per packet not checked"
    );
    assert_eq!(r.definitions.max_packet_refs, 2);
    assert_eq!(in_flight(&s.ended_under(defs(3), immediate)), 3);
}

#[test]
fn packets_evicted_at_the_cap_release_their_references() {
    let mut s = stream();
    s.create(1, QUEUE, root(1)).queued(p(6)).touch(p(6), 1);
    submitted(&mut s, 6);
    s.queued(p(7)).queued(p(8)); // with room for 2 packets, packet 6 is forgotten
    s.res(ResourceAction::Destroy, 1, QUEUE, root(1), None, None);
    let r = s.ended_under(
        with(|d| d.max_live_packets = 2),
        Some(ReleaseModels::uniform(ReleaseModel::Immediate)),
    );
    assert_eq!(in_flight(&r), 0);
    let g = guardrail(&r, Guardrail::DESTROY_IN_FLIGHT);
    assert_eq!(g.evidence.counts["packets_evicted"], 1);
    assert_eq!(
        g.message,
        "0 destroys of a resource that submitted, uncompleted GPU work referenced, under the immediate release model (limit 0); 1 packets forgotten at the 2-packet cap"
    );
}

// ---------------------------------------------------------------- rendering, determinism

#[test]
fn guardrails_render_as_text_and_json() {
    let mut s = queues_then_presents(1, 3);
    s.create(10, QUEUE, root(10)).queued(p(7)).touch(p(7), 10);
    submitted(&mut s, 7);
    s.res(ResourceAction::Destroy, 10, QUEUE, root(10), None, None);
    let r = s.ended_as(ReleaseModel::Immediate);
    // Packet 7 was queued after the last present: no shutdown is inferred, so the
    // queue destroys after that present are not teardown.
    let expected = "  PASS  recreate-churn              warning  0 non-transient (owner, type) keys in a recreate loop (R=3 recreates within T=1000.000 ms; limit 0)
  WARN  queue-destroys-vs-presents  warning  CommandQueue destroys vs presents: 4 vs 1 overall (limit 2 at 2.000x), 4 vs 1 in startup (limit 2)
        #4 destroy of CommandQueue 1 (RootVisual 0x1, cause owner-removed, in startup)
        #5 destroy of CommandQueue 2 (RootVisual 0x2, cause owner-removed, in startup)
        #6 destroy of CommandQueue 3 (RootVisual 0x3, cause owner-removed, in startup)
  PASS  destroy-before-submit       error    0 destroys of a resource a packet used before that packet was submitted (wrong under every release model; limit 0)
  FAIL  destroy-in-flight           error    1 destroy of a resource that submitted, uncompleted GPU work referenced, under the immediate release model (limit 0)
        #11 destroy of resource 10 (RootVisual 0xa) while packet 1/7, which used it, was submitted and not complete
  PASS  use-after-destroy           error    0 uses of a resource by a packet after its destroy (wrong under every release model; limit 0)
  PASS  error-findings              error    0 findings of severity error reported by other checkers (limit 0)
";
    assert_eq!(r.render_guardrails_text(), expected);
    let text = r.render_text(&gpu_ledger::analysis::TextOptions::default());
    assert!(
        text.contains(&format!(
            "\nGuardrails: 2 of 6 failed\n  release model: immediate (freed at the destroy call, like Vulkan vkDestroy*: destroying what submitted GPU work still uses is an error) [given on the command line]\n{expected}\nWindows\n"
        )),
        "{text}"
    );
    let v: serde_json::Value = serde_json::from_str(&r.to_json_string()).unwrap();
    assert_eq!(
        v["guardrails"][3],
        serde_json::json!({
            "id": "destroy-in-flight",
            "severity": "error",
            "passed": false,
            "message": "1 destroy of a resource that submitted, uncompleted GPU work referenced, under the immediate release model (limit 0)",
            "threshold": 0.0,
            "evidence": {
                "counts": {"destroys_in_flight": 1, "destroys_in_flight_undeclared": 0, "limit": 0, "packets_evicted": 0, "refs_untracked": 0},
                "items": [{
                    "seq": 11,
                    "what": "destroy of resource 10 (RootVisual 0xa) while packet 1/7, which used it, was submitted and not complete",
                    "resource_id": 10,
                    "owner_kind": "RootVisual",
                    "owner_key": 10,
                    "packet": {"lane": 1, "packet": 7}
                }]
            }
        })
    );
    assert_eq!(v["guardrails"][1]["severity"], "warning");
    assert_eq!(
        v["release"],
        serde_json::json!({"model": "immediate", "by_type": {}, "unmatched_types": [], "source": "override"})
    );
    for (field, value) in [
        ("recreate_churn_max_keys", serde_json::json!(0)),
        ("queue_destroy_factor", serde_json::json!(2.0)),
        ("destroy_before_submit_max", serde_json::json!(0)),
        ("destroy_in_flight_max", serde_json::json!(0)),
        ("use_after_destroy_max", serde_json::json!(0)),
        ("max_packet_refs", serde_json::json!(256)),
    ] {
        assert_eq!(v["definitions"][field], value, "{field}");
    }
}

#[test]
fn guardrails_are_deterministic_and_survive_restriction() {
    let mut s = queues_then_presents(2, 9);
    recreate(&mut s, 0x20, 100, 4);
    let one = s.ended();
    let two = s.ended();
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
            ("destroy-before-submit", true),
            ("destroy-in-flight", true),
            ("use-after-destroy", true),
            ("error-findings", true)
        ]
    );
    let startup = one.restrict(gpu_ledger::analysis::Window::Startup);
    assert_eq!(startup.guardrails, one.guardrails, "whole-stream verdicts");
    assert!(startup.whole_run.contains(&"guardrails".to_owned()));
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

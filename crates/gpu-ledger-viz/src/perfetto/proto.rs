//! The few messages of Perfetto's trace schema (`perfetto.protos`) that the writer
//! uses, written by hand for `prost`, so the build needs no `protoc`.
//!
//! Names, field numbers and types are those of the published
//! `protos/perfetto/trace/perfetto_trace.proto` (vendored in `tests/proto/`, where
//! the tests decode every trace with `protoc --decode perfetto.protos.Trace`); a
//! `oneof` member is an optional field here, which is the same on the wire. Only the
//! fields gpu-ledger writes are declared: a message must never change a field number.

/// `TracePacket`: one timestamped record of the trace.
#[derive(Clone, PartialEq, prost::Message)]
pub(crate) struct TracePacket {
    /// Stream time, ns (the trace's default clock).
    #[prost(uint64, optional, tag = "8")]
    pub(crate) timestamp: Option<u64>,
    /// `TrackEvent track_event = 11` (member of `oneof data`).
    #[prost(message, optional, tag = "11")]
    pub(crate) track_event: Option<TrackEvent>,
    /// `TrackDescriptor track_descriptor = 60` (member of `oneof data`).
    #[prost(message, optional, tag = "60")]
    pub(crate) track_descriptor: Option<TrackDescriptor>,
    /// `uint32 trusted_packet_sequence_id = 10`: the one sequence this writer uses.
    #[prost(uint32, optional, tag = "10")]
    pub(crate) trusted_packet_sequence_id: Option<u32>,
    /// Interned event and annotation names, valid for the rest of the sequence.
    #[prost(message, optional, tag = "12")]
    pub(crate) interned_data: Option<InternedData>,
    /// `SequenceFlags` bits.
    #[prost(uint32, optional, tag = "13")]
    pub(crate) sequence_flags: Option<u32>,
}

/// `TracePacket.SequenceFlags.SEQ_INCREMENTAL_STATE_CLEARED`.
pub(crate) const SEQ_INCREMENTAL_STATE_CLEARED: u32 = 1;
/// `TracePacket.SequenceFlags.SEQ_NEEDS_INCREMENTAL_STATE`.
pub(crate) const SEQ_NEEDS_INCREMENTAL_STATE: u32 = 2;

/// `TrackDescriptor`: declares a track (its uuid, parent, name, kind).
#[derive(Clone, PartialEq, prost::Message)]
pub(crate) struct TrackDescriptor {
    #[prost(uint64, optional, tag = "1")]
    pub(crate) uuid: Option<u64>,
    #[prost(uint64, optional, tag = "5")]
    pub(crate) parent_uuid: Option<u64>,
    /// `string name = 2` (member of `oneof static_or_dynamic_name`).
    #[prost(string, optional, tag = "2")]
    pub(crate) name: Option<String>,
    #[prost(string, optional, tag = "14")]
    pub(crate) description: Option<String>,
    #[prost(message, optional, tag = "8")]
    pub(crate) counter: Option<CounterDescriptor>,
    /// `ChildTracksOrdering`.
    #[prost(int32, optional, tag = "11")]
    pub(crate) child_ordering: Option<i32>,
    #[prost(int32, optional, tag = "12")]
    pub(crate) sibling_order_rank: Option<i32>,
}

/// `TrackDescriptor.ChildTracksOrdering.LEXICOGRAPHIC`.
pub(crate) const ORDER_LEXICOGRAPHIC: i32 = 1;
/// `TrackDescriptor.ChildTracksOrdering.CHRONOLOGICAL`.
pub(crate) const ORDER_CHRONOLOGICAL: i32 = 2;
/// `TrackDescriptor.ChildTracksOrdering.EXPLICIT`.
pub(crate) const ORDER_EXPLICIT: i32 = 3;

/// `CounterDescriptor`: makes a track a counter track.
#[derive(Clone, PartialEq, prost::Message)]
pub(crate) struct CounterDescriptor {
    /// `Unit`.
    #[prost(int32, optional, tag = "3")]
    pub(crate) unit: Option<i32>,
}

/// `CounterDescriptor.Unit.UNIT_COUNT`.
pub(crate) const UNIT_COUNT: i32 = 2;

/// `TrackEvent`: a slice begin or end, an instant or a counter value on a track.
#[derive(Clone, PartialEq, prost::Message)]
pub(crate) struct TrackEvent {
    /// `Type`.
    #[prost(int32, optional, tag = "9")]
    pub(crate) r#type: Option<i32>,
    #[prost(uint64, optional, tag = "11")]
    pub(crate) track_uuid: Option<u64>,
    /// `uint64 name_iid = 10` (member of `oneof name_field`).
    #[prost(uint64, optional, tag = "10")]
    pub(crate) name_iid: Option<u64>,
    /// `string name = 23` (member of `oneof name_field`).
    #[prost(string, optional, tag = "23")]
    pub(crate) name: Option<String>,
    /// `int64 counter_value = 30` (member of `oneof counter_value_field`).
    #[prost(int64, optional, tag = "30")]
    pub(crate) counter_value: Option<i64>,
    #[prost(fixed64, repeated, tag = "47")]
    pub(crate) flow_ids: Vec<u64>,
    #[prost(fixed64, repeated, tag = "48")]
    pub(crate) terminating_flow_ids: Vec<u64>,
    #[prost(message, repeated, tag = "4")]
    pub(crate) debug_annotations: Vec<DebugAnnotation>,
}

/// `TrackEvent.Type.TYPE_SLICE_BEGIN`.
pub(crate) const TYPE_SLICE_BEGIN: i32 = 1;
/// `TrackEvent.Type.TYPE_SLICE_END`.
pub(crate) const TYPE_SLICE_END: i32 = 2;
/// `TrackEvent.Type.TYPE_INSTANT`.
pub(crate) const TYPE_INSTANT: i32 = 3;
/// `TrackEvent.Type.TYPE_COUNTER`.
pub(crate) const TYPE_COUNTER: i32 = 4;

/// `DebugAnnotation`: one named argument of an event.
#[derive(Clone, PartialEq, prost::Message)]
pub(crate) struct DebugAnnotation {
    /// `uint64 name_iid = 1` (member of `oneof name_field`).
    #[prost(uint64, optional, tag = "1")]
    pub(crate) name_iid: Option<u64>,
    /// `uint64 uint_value = 3` (member of `oneof value`).
    #[prost(uint64, optional, tag = "3")]
    pub(crate) uint_value: Option<u64>,
    /// `double double_value = 5` (member of `oneof value`).
    #[prost(double, optional, tag = "5")]
    pub(crate) double_value: Option<f64>,
    /// `string string_value = 6` (member of `oneof value`).
    #[prost(string, optional, tag = "6")]
    pub(crate) string_value: Option<String>,
    /// `uint64 string_value_iid = 17` (member of `oneof value`).
    #[prost(uint64, optional, tag = "17")]
    pub(crate) string_value_iid: Option<u64>,
    /// `bool bool_value = 2` (member of `oneof value`).
    #[prost(bool, optional, tag = "2")]
    pub(crate) bool_value: Option<bool>,
}

/// `InternedData`: names given a small id once, referred to by id afterwards.
#[derive(Clone, PartialEq, prost::Message)]
pub(crate) struct InternedData {
    #[prost(message, repeated, tag = "2")]
    pub(crate) event_names: Vec<InternedName>,
    #[prost(message, repeated, tag = "3")]
    pub(crate) debug_annotation_names: Vec<InternedName>,
    #[prost(message, repeated, tag = "29")]
    pub(crate) debug_annotation_string_values: Vec<InternedString>,
}

/// `InternedString`: an interned string value (stored as bytes).
#[derive(Clone, PartialEq, prost::Message)]
pub(crate) struct InternedString {
    #[prost(uint64, optional, tag = "1")]
    pub(crate) iid: Option<u64>,
    #[prost(bytes = "vec", optional, tag = "2")]
    pub(crate) str: Option<Vec<u8>>,
}

/// `EventName` and `DebugAnnotationName` (the same two fields).
#[derive(Clone, PartialEq, prost::Message)]
pub(crate) struct InternedName {
    #[prost(uint64, optional, tag = "1")]
    pub(crate) iid: Option<u64>,
    #[prost(string, optional, tag = "2")]
    pub(crate) name: Option<String>,
}

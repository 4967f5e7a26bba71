//! The recording calls: resource lifecycle steps, pools, packets, touches and markers.
//!
//! Each call is the hot path of an instrumented renderer, so each is the same
//! thin shape: a NULL check and one relaxed load of the handle's state (a
//! disabled ledger stops there and returns `GL_OK`), then, while recording, the
//! codes are translated and checked (a compare each) and the core ledger takes
//! the event with its lock-free, allocation-free push. Errors build their
//! message on a `#[cold]` path. Arguments are only checked while recording: a
//! disabled ledger must cost nothing.

use std::ffi::c_char;

use gpu_ledger::{Dims, Owner, PacketRef, PacketStage, PoolAction, ResourceAction, ResourceId};

use crate::codes::{GlOwnerCode, GlTypeCode, c_name, owner_from_code, type_from_code};
use crate::ledger::{Gate, GlLedger, gate};
use crate::status::{GL_OK, GlStatus, guard, invalid};

/// Optional size information: pixels and scale for targets, bytes (in
/// `width`) for buffers. Pass NULL where there is none.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct GlDims {
    /// Width in pixels, or the size in bytes for buffers.
    pub width: u32,
    /// Height in pixels; 0 where it does not apply.
    pub height: u32,
    /// Backing scale factor; 0 where unknown.
    pub scale: f32,
}

/// A step of a packet's life after it was queued (see [`gl_packet_queued`]).
pub type GlStage = u32;
/// Submitted to the GPU.
pub const GL_STAGE_SUBMITTED: GlStage = 1;
/// The GPU finished its work.
pub const GL_STAGE_COMPLETED: GlStage = 2;
/// Presented: a frame reached the screen (or, headless, was handed off).
pub const GL_STAGE_PRESENTED: GlStage = 3;
/// Dropped before presenting (stale, coalesced, superseded).
pub const GL_STAGE_DROPPED: GlStage = 4;
/// Nothing to draw: skipped on purpose.
pub const GL_STAGE_NOOP: GlStage = 5;
/// Failed.
pub const GL_STAGE_FAILED: GlStage = 6;

/// What a pool did (see [`gl_pool`]).
pub type GlPoolAction = u32;
/// A request was served from the pool.
pub const GL_POOL_HIT: GlPoolAction = 1;
/// A request missed the pool and a new object was made.
pub const GL_POOL_MISS: GlPoolAction = 2;
/// An object went back into the pool.
pub const GL_POOL_RELEASE: GlPoolAction = 3;
/// The pool evicted an object.
pub const GL_POOL_EVICT: GlPoolAction = 4;

/// Records that resource `id` was created.
///
/// `id` comes from `gl_next_resource_id` (or the host's own counter:
/// never 0, never reused). `type_code` is a `GL_TYPE_*` code or one from
/// `gl_resource_type`; `owner_code` a `GL_OWNER_*` code or one from
/// `gl_owner_kind`; `owner_key` any stable key of the owner (a lane id, a tree,
/// layer or target pointer). The event carries the thread's current packet
/// (see `gl_enter_packet`).
///
/// # Errors
/// - `GL_ERR_NULL_POINTER`: `ledger` is NULL;
/// - `GL_ERR_INVALID_ARGUMENT`: `id` is 0, or `type_code`/`owner_code` is not a
///   known code (checked only while recording);
/// - `GL_ERR_FINISHED`: after `gl_ledger_finish`.
///
/// # Safety
/// `ledger` must be NULL or a live handle; `dims` NULL or a valid `GlDims`,
/// read during the call only.
///
/// # Threading
/// Thread-safe, lock-free, never blocks: the hot path.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gl_create(
    ledger: *const GlLedger,
    id: u64,
    type_code: GlTypeCode,
    owner_code: GlOwnerCode,
    owner_key: u64,
    dims: *const GlDims,
) -> GlStatus {
    // SAFETY: forwarded from the caller's promises.
    unsafe {
        resource(
            "gl_create",
            ResourceAction::Create,
            ledger,
            id,
            type_code,
            owner_code,
            owner_key,
            dims,
        )
    }
}

/// Records that resource `id` was destroyed (released by its owner).
///
/// Arguments as for [`gl_create`]; `dims` is usually NULL.
///
/// # Errors
/// As for [`gl_create`].
///
/// # Safety
/// As for [`gl_create`].
///
/// # Threading
/// Thread-safe, lock-free, never blocks: the hot path.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gl_destroy(
    ledger: *const GlLedger,
    id: u64,
    type_code: GlTypeCode,
    owner_code: GlOwnerCode,
    owner_key: u64,
    dims: *const GlDims,
) -> GlStatus {
    // SAFETY: forwarded from the caller's promises.
    unsafe {
        resource(
            "gl_destroy",
            ResourceAction::Destroy,
            ledger,
            id,
            type_code,
            owner_code,
            owner_key,
            dims,
        )
    }
}

/// Records that resource `id` rebuilt its backing storage, keeping its
/// identity: `dims` is the new size (for example in
/// `BackendRenderTargetContext::rebuildBackingTarget`).
///
/// # Errors
/// As for [`gl_create`].
///
/// # Safety
/// As for [`gl_create`].
///
/// # Threading
/// Thread-safe, lock-free, never blocks: the hot path.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gl_resize_rebuild(
    ledger: *const GlLedger,
    id: u64,
    type_code: GlTypeCode,
    owner_code: GlOwnerCode,
    owner_key: u64,
    dims: *const GlDims,
) -> GlStatus {
    // SAFETY: forwarded from the caller's promises.
    unsafe {
        resource(
            "gl_resize_rebuild",
            ResourceAction::ResizeRebuild,
            ledger,
            id,
            type_code,
            owner_code,
            owner_key,
            dims,
        )
    }
}

/// Records that resource `id` was bound for use (to a visual, a pass, a tree).
///
/// # Errors
/// As for [`gl_create`].
///
/// # Safety
/// As for [`gl_create`].
///
/// # Threading
/// Thread-safe, lock-free, never blocks: the hot path.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gl_bind(
    ledger: *const GlLedger,
    id: u64,
    type_code: GlTypeCode,
    owner_code: GlOwnerCode,
    owner_key: u64,
    dims: *const GlDims,
) -> GlStatus {
    // SAFETY: forwarded from the caller's promises.
    unsafe {
        resource(
            "gl_bind",
            ResourceAction::Bind,
            ledger,
            id,
            type_code,
            owner_code,
            owner_key,
            dims,
        )
    }
}

/// Records that resource `id` was unbound.
///
/// # Errors
/// As for [`gl_create`].
///
/// # Safety
/// As for [`gl_create`].
///
/// # Threading
/// Thread-safe, lock-free, never blocks: the hot path.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gl_unbind(
    ledger: *const GlLedger,
    id: u64,
    type_code: GlTypeCode,
    owner_code: GlOwnerCode,
    owner_key: u64,
    dims: *const GlDims,
) -> GlStatus {
    // SAFETY: forwarded from the caller's promises.
    unsafe {
        resource(
            "gl_unbind",
            ResourceAction::Unbind,
            ledger,
            id,
            type_code,
            owner_code,
            owner_key,
            dims,
        )
    }
}

/// Records that a pool served (`GL_POOL_HIT`), missed (`GL_POOL_MISS`), took
/// back (`GL_POOL_RELEASE`) or evicted (`GL_POOL_EVICT`) an object of
/// `type_code`. The pool is identified like an owner, by `owner_code` and `owner_key`.
///
/// # Errors
/// - `GL_ERR_NULL_POINTER`: `ledger` is NULL;
/// - `GL_ERR_INVALID_ARGUMENT`: an unknown action, type or owner kind code
///   (checked only while recording);
/// - `GL_ERR_FINISHED`: after `gl_ledger_finish`.
///
/// # Safety
/// `ledger` must be NULL or a live handle; `dims` NULL or a valid `GlDims`,
/// read during the call only.
///
/// # Threading
/// Thread-safe, lock-free, never blocks: the hot path.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gl_pool(
    ledger: *const GlLedger,
    action: GlPoolAction,
    type_code: GlTypeCode,
    owner_code: GlOwnerCode,
    owner_key: u64,
    dims: *const GlDims,
) -> GlStatus {
    const F: &str = "gl_pool";
    // SAFETY: the caller promises `ledger` is NULL or a live handle.
    let handle = match unsafe { gate(ledger, F) } {
        Gate::Record(handle) => handle,
        Gate::Done(status) => return status,
    };
    // SAFETY: the caller promises `dims` is NULL or a valid GlDims.
    let dims = unsafe { read_dims(dims) };
    guard(F, || {
        let action = match action {
            GL_POOL_HIT => PoolAction::Hit,
            GL_POOL_MISS => PoolAction::Miss,
            GL_POOL_RELEASE => PoolAction::Release,
            GL_POOL_EVICT => PoolAction::Evict,
            other => return unknown(F, "pool action", other, "GL_POOL_*"),
        };
        let (ty, kind) = match (
            type_from_code(handle, type_code, F),
            owner_from_code(handle, owner_code, F),
        ) {
            (Ok(ty), Ok(kind)) => (ty, kind),
            (Err(status), _) | (_, Err(status)) => return status,
        };
        handle
            .ledger()
            .pool(action, ty, Owner::new(kind, owner_key), dims);
        GL_OK
    })
}

/// Records that packet `packet` of sync lane `lane` was queued, carrying
/// render command `command_id`.
///
/// # Errors
/// `GL_ERR_NULL_POINTER` if `ledger` is NULL; `GL_ERR_FINISHED` after
/// `gl_ledger_finish`.
///
/// # Safety
/// `ledger` must be NULL or a live handle.
///
/// # Threading
/// Thread-safe, lock-free, never blocks: the hot path.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gl_packet_queued(
    ledger: *const GlLedger,
    lane: u64,
    packet: u64,
    command_id: u64,
) -> GlStatus {
    const F: &str = "gl_packet_queued";
    // SAFETY: the caller promises `ledger` is NULL or a live handle.
    let handle = match unsafe { gate(ledger, F) } {
        Gate::Record(handle) => handle,
        Gate::Done(status) => return status,
    };
    guard(F, || {
        handle.ledger().packet(
            PacketRef::new(lane, packet),
            PacketStage::Queued { command_id },
        );
        GL_OK
    })
}

/// Records that packet `packet` of sync lane `lane` reached `stage`
/// (`GL_STAGE_SUBMITTED`, `_COMPLETED`, `_PRESENTED`, `_DROPPED`, `_NOOP` or
/// `_FAILED`).
///
/// # Errors
/// - `GL_ERR_NULL_POINTER`: `ledger` is NULL;
/// - `GL_ERR_INVALID_ARGUMENT`: `stage` is not a `GL_STAGE_*` value (checked
///   only while recording; queuing is [`gl_packet_queued`]);
/// - `GL_ERR_FINISHED`: after `gl_ledger_finish`.
///
/// # Safety
/// `ledger` must be NULL or a live handle.
///
/// # Threading
/// Thread-safe, lock-free, never blocks: the hot path.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gl_packet_stage(
    ledger: *const GlLedger,
    lane: u64,
    packet: u64,
    stage: GlStage,
) -> GlStatus {
    const F: &str = "gl_packet_stage";
    // SAFETY: the caller promises `ledger` is NULL or a live handle.
    let handle = match unsafe { gate(ledger, F) } {
        Gate::Record(handle) => handle,
        Gate::Done(status) => return status,
    };
    guard(F, || {
        let stage = match stage {
            GL_STAGE_SUBMITTED => PacketStage::Submitted,
            GL_STAGE_COMPLETED => PacketStage::Completed,
            GL_STAGE_PRESENTED => PacketStage::Presented,
            GL_STAGE_DROPPED => PacketStage::Dropped,
            GL_STAGE_NOOP => PacketStage::NoOp,
            GL_STAGE_FAILED => PacketStage::Failed,
            other => return unknown(F, "stage", other, "GL_STAGE_*"),
        };
        handle.ledger().packet(PacketRef::new(lane, packet), stage);
        GL_OK
    })
}

/// Records that packet `packet` of sync lane `lane` used resource `id`.
///
/// # Errors
/// `GL_ERR_NULL_POINTER` if `ledger` is NULL; `GL_ERR_INVALID_ARGUMENT` if `id`
/// is 0 (checked only while recording); `GL_ERR_FINISHED` after `gl_ledger_finish`.
///
/// # Safety
/// `ledger` must be NULL or a live handle.
///
/// # Threading
/// Thread-safe, lock-free, never blocks: the hot path.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gl_touched(
    ledger: *const GlLedger,
    lane: u64,
    packet: u64,
    id: u64,
) -> GlStatus {
    const F: &str = "gl_touched";
    // SAFETY: the caller promises `ledger` is NULL or a live handle.
    let handle = match unsafe { gate(ledger, F) } {
        Gate::Record(handle) => handle,
        Gate::Done(status) => return status,
    };
    guard(F, || {
        if id == 0 {
            return zero_id(F);
        }
        handle
            .ledger()
            .touched(PacketRef::new(lane, packet), ResourceId(id));
        GL_OK
    })
}

/// Records that the calling thread's current packet (see `gl_enter_packet`)
/// used resource `id`; records nothing outside a packet.
///
/// # Errors
/// As for [`gl_touched`].
///
/// # Safety
/// `ledger` must be NULL or a live handle.
///
/// # Threading
/// Thread-safe, lock-free, never blocks: the hot path.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gl_touch(ledger: *const GlLedger, id: u64) -> GlStatus {
    const F: &str = "gl_touch";
    // SAFETY: the caller promises `ledger` is NULL or a live handle.
    let handle = match unsafe { gate(ledger, F) } {
        Gate::Record(handle) => handle,
        Gate::Done(status) => return status,
    };
    guard(F, || {
        if id == 0 {
            return zero_id(F);
        }
        handle.ledger().touch(ResourceId(id));
        GL_OK
    })
}

/// Records that shutdown begins: every later event falls in the shutdown
/// window, so teardown destroys are not mistaken for churn.
///
/// # Errors
/// `GL_ERR_NULL_POINTER` if `ledger` is NULL; `GL_ERR_FINISHED` after `gl_ledger_finish`.
///
/// # Safety
/// `ledger` must be NULL or a live handle.
///
/// # Threading
/// Thread-safe, lock-free.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gl_shutdown_begins(ledger: *const GlLedger) -> GlStatus {
    const F: &str = "gl_shutdown_begins";
    // SAFETY: the caller promises `ledger` is NULL or a live handle.
    let handle = match unsafe { gate(ledger, F) } {
        Gate::Record(handle) => handle,
        Gate::Done(status) => return status,
    };
    guard(F, || {
        handle.ledger().shutdown_begins();
        GL_OK
    })
}

/// Records a named marker, a point in the run worth seeing in the timeline.
/// `"ShutdownBegins"` is the same as [`gl_shutdown_begins`].
///
/// # Errors
/// - `GL_ERR_NULL_POINTER`: `ledger` or `name` is NULL;
/// - `GL_ERR_INVALID_UTF8`: `name` is not UTF-8;
/// - `GL_ERR_INVALID_ARGUMENT`: `name` is empty or longer than 65,536 bytes
///   (a trace cannot hold it whole);
/// - `GL_ERR_FINISHED`: after `gl_ledger_finish`.
///
/// The name is checked only while recording.
///
/// # Safety
/// `ledger` must be NULL or a live handle; `name` NULL or NUL-terminated, read
/// during the call only.
///
/// # Threading
/// Thread-safe. Takes a lock to intern the name: for rare events, not per frame.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gl_marker(ledger: *const GlLedger, name: *const c_char) -> GlStatus {
    const F: &str = "gl_marker";
    // SAFETY: the caller promises `ledger` is NULL or a live handle.
    let handle = match unsafe { gate(ledger, F) } {
        Gate::Record(handle) => handle,
        Gate::Done(status) => return status,
    };
    // SAFETY: the caller promises `name` is NULL or NUL-terminated.
    let name = match unsafe { c_name(name, F) } {
        Ok(name) => name,
        Err(status) => return status,
    };
    guard(F, || {
        let ledger = handle.ledger();
        ledger.marker(ledger.marker_named(name));
        GL_OK
    })
}

/// The shared body of the five resource lifecycle calls.
///
/// # Safety
/// `ledger` must be NULL or a live handle; `dims` NULL or a valid `GlDims`.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
unsafe fn resource(
    func: &'static str,
    action: ResourceAction,
    ledger: *const GlLedger,
    id: u64,
    ty: GlTypeCode,
    kind: GlOwnerCode,
    key: u64,
    dims: *const GlDims,
) -> GlStatus {
    // SAFETY: the caller promises `ledger` is NULL or a live handle.
    let handle = match unsafe { gate(ledger, func) } {
        Gate::Record(handle) => handle,
        Gate::Done(status) => return status,
    };
    // SAFETY: the caller promises `dims` is NULL or a valid GlDims.
    let dims = unsafe { read_dims(dims) };
    record_resource(func, handle, action, id, ty, kind, key, dims)
}

/// The recording half of [`resource`], out of line so that a disabled call
/// site stays a NULL check, a load and a branch.
#[inline(never)]
#[allow(clippy::too_many_arguments)]
fn record_resource(
    func: &'static str,
    handle: &GlLedger,
    action: ResourceAction,
    id: u64,
    ty: GlTypeCode,
    kind: GlOwnerCode,
    key: u64,
    dims: Option<Dims>,
) -> GlStatus {
    guard(func, || {
        if id == 0 {
            return zero_id(func);
        }
        let (ty, kind) = match (
            type_from_code(handle, ty, func),
            owner_from_code(handle, kind, func),
        ) {
            (Ok(ty), Ok(kind)) => (ty, kind),
            (Err(status), _) | (_, Err(status)) => return status,
        };
        handle
            .ledger()
            .resource(action, ResourceId(id), ty, Owner::new(kind, key), dims);
        GL_OK
    })
}

/// Copies the optional dimensions.
///
/// # Safety
/// `dims` must be NULL or point to a valid `GlDims`.
#[inline(always)]
unsafe fn read_dims(dims: *const GlDims) -> Option<Dims> {
    // SAFETY: the caller promises `dims` is NULL or points to a valid GlDims.
    unsafe { dims.as_ref() }.map(|d| Dims::new(d.width, d.height, d.scale))
}

#[cold]
#[inline(never)]
fn zero_id(func: &str) -> GlStatus {
    invalid(
        func,
        format_args!("resource id 0 is not an id: take ids from gl_next_resource_id"),
    )
}

#[cold]
#[inline(never)]
fn unknown(func: &str, what: &str, value: u32, constants: &str) -> GlStatus {
    invalid(
        func,
        format_args!("unknown {what} {value}: use a {constants} constant"),
    )
}

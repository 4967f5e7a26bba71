//! Identities for C: resource ids, and resource types and owner kinds as `u32` codes.
//!
//! The codes are the core's own ([`ResourceType::code`], [`OwnerKind::code`]):
//! well-known values are small constants (`GL_TYPE_*`, `GL_OWNER_*`), other
//! names are interned once per call site with [`gl_resource_type`] or
//! [`gl_owner_kind`] and come back as codes from [`GL_FIRST_NAME_CODE`] up.
//! Interning takes a lock; translating a code on the hot path is a compare,
//! and checking that this handle handed it out for that set is one atomic
//! load ([`IssuedCodes`]), so a code that was never interned (a typo, a code
//! from another ledger) is refused instead of recorded as a nameless type.

use std::ffi::c_char;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

use gpu_ledger::event::FIRST_NAME_CODE;
use gpu_ledger::format::MAX_NAME_LEN;
use gpu_ledger::{OwnerKind, ResourceType};

use crate::ledger::{GlLedger, handle};
use crate::status::{GlStatus, c_str, guard, invalid, write_out};

/// A resource type code: a `GL_TYPE_*` constant or one from [`gl_resource_type`].
pub type GlTypeCode = u32;
/// An owner kind code: a `GL_OWNER_*` constant or one from [`gl_owner_kind`].
pub type GlOwnerCode = u32;

/// A native render target (a swapchain, a layer's drawable).
pub const GL_TYPE_NATIVE_TARGET: GlTypeCode = 0;
/// A command queue.
pub const GL_TYPE_COMMAND_QUEUE: GlTypeCode = 1;
/// A texture render target (an offscreen target owned by a render-target context).
pub const GL_TYPE_TEXTURE_TARGET: GlTypeCode = 2;
/// A texture.
pub const GL_TYPE_TEXTURE: GlTypeCode = 3;
/// A command buffer: per-frame (transient) by default in the analysis.
pub const GL_TYPE_COMMAND_BUFFER: GlTypeCode = 4;
/// A buffer.
pub const GL_TYPE_BUFFER: GlTypeCode = 5;
/// A fence.
pub const GL_TYPE_FENCE: GlTypeCode = 6;
/// A compositor visual.
pub const GL_TYPE_VISUAL: GlTypeCode = 7;

/// The root visual of a window or layer tree.
pub const GL_OWNER_ROOT_VISUAL: GlOwnerCode = 0;
/// A child visual.
pub const GL_OWNER_CHILD_VISUAL: GlOwnerCode = 1;
/// An effect pipeline (shadows, blurs).
pub const GL_OWNER_EFFECT_PIPELINE: GlOwnerCode = 2;
/// Expected to come and go every frame; never breaks stability.
pub const GL_OWNER_TRANSIENT: GlOwnerCode = 3;
/// The owner is not known (a log line without an owner field): never a churn
/// source, a recreate loop or an `owner-removed` cause.
pub const GL_OWNER_UNKNOWN: GlOwnerCode = 4;

/// How the graphics API a host drives frees what it destroys: a `GL_RELEASE_*` constant.
pub type GlReleaseModel = u32;

/// Not declared (the default): reports check destroys as for
/// [`GL_RELEASE_IMMEDIATE`] but report a destroy in flight as a warning.
pub const GL_RELEASE_NOT_DECLARED: GlReleaseModel = 0;
/// Freed at the destroy call (Vulkan `vkDestroy*`, D3D12 native release): a
/// destroy while submitted GPU work still references the object is an error.
pub const GL_RELEASE_IMMEDIATE: GlReleaseModel = 1;
/// A destroy is a release and freeing waits for the GPU (Metal, WebGPU, engines
/// that queue frees): destroying after submit is legal.
pub const GL_RELEASE_DEFERRED: GlReleaseModel = 2;

/// Codes at or above this value are interned names; below it, well-known values.
pub const GL_FIRST_NAME_CODE: u32 = 64;

const _: () = assert!(GL_FIRST_NAME_CODE == FIRST_NAME_CODE);

/// The most names one ledger interns for C (types, owner kinds and markers
/// together); [`gl_resource_type`] and [`gl_owner_kind`] refuse more.
pub const GL_MAX_NAMES: u32 = 1 << 22;

/// Name indices per leaf of [`IssuedCodes`].
const LEAF_NAMES: usize = 4096;

/// The name codes a handle handed out for one open set (resource types or
/// owner kinds): a bit per name index, in leaves allocated as interning
/// reaches them, read without a lock on the hot path.
pub(crate) struct IssuedCodes {
    leaves: Box<[OnceLock<Box<[AtomicU64]>>]>,
}

impl IssuedCodes {
    pub(crate) fn new() -> Self {
        let leaves = (GL_MAX_NAMES as usize).div_ceil(LEAF_NAMES);
        Self {
            leaves: (0..leaves).map(|_| OnceLock::new()).collect(),
        }
    }

    /// Marks `index` as handed out; false (nothing marked) beyond [`GL_MAX_NAMES`].
    fn insert(&self, index: u32) -> bool {
        let index = index as usize;
        let Some(leaf) = self.leaves.get(index / LEAF_NAMES) else {
            return false;
        };
        let leaf = leaf.get_or_init(|| (0..LEAF_NAMES / 64).map(|_| AtomicU64::new(0)).collect());
        let bit = index % LEAF_NAMES;
        leaf[bit / 64].fetch_or(1 << (bit % 64), Ordering::Release);
        true
    }

    /// Whether `index` was handed out.
    #[inline]
    fn contains(&self, index: u32) -> bool {
        let index = index as usize;
        let bit = index % LEAF_NAMES;
        self.leaves
            .get(index / LEAF_NAMES)
            .and_then(OnceLock::get)
            .is_some_and(|leaf| leaf[bit / 64].load(Ordering::Acquire) & (1 << (bit % 64)) != 0)
    }
}

/// Writes a fresh resource id into `*out`: monotonic, never 0, never reused by
/// this ledger. Works on a disabled ledger too, so instrumented code behaves
/// the same with tracing off.
///
/// # Errors
/// `GL_ERR_NULL_POINTER` if `ledger` or `out` is NULL; `GL_ERR_FINISHED` after
/// `gl_ledger_finish` (`*out` is left untouched).
///
/// # Safety
/// `ledger` must be NULL or a live handle; `out` NULL or valid for writing a `uint64_t`.
///
/// # Threading
/// Thread-safe and lock-free (one atomic add).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gl_next_resource_id(ledger: *const GlLedger, out: *mut u64) -> GlStatus {
    const F: &str = "gl_next_resource_id";
    // SAFETY: the caller promises `ledger` is NULL or a live handle.
    match unsafe { handle(ledger, F) } {
        // SAFETY: the caller promises `out` is NULL or valid for the write.
        Ok(handle) => unsafe { write_out(out, handle.ledger().next_resource_id().0, F, "out") },
        Err(status) => status,
    }
}

/// Writes the code of the resource type called `name` into `*out`: the
/// `GL_TYPE_*` value for a well-known name (`"CommandQueue"`), otherwise a code
/// interned in this ledger (`"BlurScratch"`), the same for every call with the
/// same name. The name goes into the trace with the first event that uses it.
///
/// # Errors
/// - `GL_ERR_NULL_POINTER`: `ledger`, `name` or `out` is NULL;
/// - `GL_ERR_INVALID_UTF8`: `name` is not UTF-8;
/// - `GL_ERR_INVALID_ARGUMENT`: `name` is empty or longer than 65,536 bytes
///   (a trace cannot hold it whole), or the ledger already holds
///   [`GL_MAX_NAMES`] names;
/// - `GL_ERR_FINISHED`: after `gl_ledger_finish`.
///
/// # Safety
/// `ledger` must be NULL or a live handle; `name` NULL or NUL-terminated (read
/// during the call only, gpu-ledger keeps a copy); `out` NULL or valid for
/// writing a `uint32_t`.
///
/// # Threading
/// Thread-safe. Takes a lock: call it once per call site (at startup) and keep
/// the code.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gl_resource_type(
    ledger: *const GlLedger,
    name: *const c_char,
    out: *mut GlTypeCode,
) -> GlStatus {
    const F: &str = "gl_resource_type";
    // SAFETY: forwarded from the caller's promises.
    unsafe {
        intern(
            ledger,
            name,
            out,
            F,
            |h, n| h.ledger().resource_type(n).code(),
            |c| &c.types,
        )
    }
}

/// Writes the code of the owner kind called `name` into `*out`: the
/// `GL_OWNER_*` value for a well-known name (`"RootVisual"`), otherwise a code
/// interned in this ledger, the same for every call with the same name.
///
/// # Errors
/// - `GL_ERR_NULL_POINTER`: `ledger`, `name` or `out` is NULL;
/// - `GL_ERR_INVALID_UTF8`: `name` is not UTF-8;
/// - `GL_ERR_INVALID_ARGUMENT`: `name` is empty or longer than 65,536 bytes,
///   or the ledger already holds [`GL_MAX_NAMES`] names;
/// - `GL_ERR_FINISHED`: after `gl_ledger_finish`.
///
/// # Safety
/// As for [`gl_resource_type`].
///
/// # Threading
/// Thread-safe. Takes a lock: call it once per call site and keep the code.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gl_owner_kind(
    ledger: *const GlLedger,
    name: *const c_char,
    out: *mut GlOwnerCode,
) -> GlStatus {
    const F: &str = "gl_owner_kind";
    // SAFETY: forwarded from the caller's promises.
    unsafe {
        intern(
            ledger,
            name,
            out,
            F,
            |h, n| h.ledger().owner_kind(n).code(),
            |c| &c.owners,
        )
    }
}

/// The name codes a handle handed out, by open set.
pub(crate) struct Codes {
    types: IssuedCodes,
    owners: IssuedCodes,
}

impl Codes {
    pub(crate) fn new() -> Self {
        Self {
            types: IssuedCodes::new(),
            owners: IssuedCodes::new(),
        }
    }
}

/// Checks the arguments of an interning call and runs it.
///
/// # Safety
/// `ledger` must be NULL or a live handle, `name` NULL or NUL-terminated, `out`
/// NULL or valid for writing a `u32`.
unsafe fn intern(
    ledger: *const GlLedger,
    name: *const c_char,
    out: *mut u32,
    func: &'static str,
    code: impl FnOnce(&GlLedger, &str) -> u64,
    issued: fn(&Codes) -> &IssuedCodes,
) -> GlStatus {
    // SAFETY: the caller promises `ledger` is NULL or a live handle.
    let handle = match unsafe { handle(ledger, func) } {
        Ok(handle) => handle,
        Err(status) => return status,
    };
    // SAFETY: the caller promises `name` is NULL or NUL-terminated.
    let name = match unsafe { c_name(name, func) } {
        Ok(name) => name,
        Err(status) => return status,
    };
    if out.is_null() {
        return crate::status::null_arg(func, "out");
    }
    guard(func, || {
        let code = code(handle, name);
        let issued = issued(handle.codes());
        if let Some(index) = code.checked_sub(u64::from(FIRST_NAME_CODE)) {
            // Interned indices are dense, so this is the ledger's name count.
            if !u32::try_from(index).is_ok_and(|index| issued.insert(index)) {
                return invalid(
                    func,
                    format_args!(
                        "this ledger already holds {GL_MAX_NAMES} names, the most the C API \
                         interns: reuse the codes of names already interned"
                    ),
                );
            }
        }
        // Well-known codes are below 64 and name codes below 64 + GL_MAX_NAMES.
        let code = code as u32;
        // SAFETY: checked non-NULL; the caller promises it is valid for the write.
        unsafe { write_out(out, code, func, "out") }
    })
}

/// A name argument that a trace can hold: not NULL, UTF-8, not empty, at
/// most [`MAX_NAME_LEN`] bytes.
///
/// # Safety
/// `ptr` must be NULL or a NUL-terminated string valid during the call.
pub(crate) unsafe fn c_name<'a>(
    ptr: *const c_char,
    func: &'static str,
) -> Result<&'a str, GlStatus> {
    // SAFETY: forwarded from the caller's promise.
    match unsafe { c_str(ptr, func, "name") }? {
        "" => Err(invalid(func, format_args!("name is empty"))),
        name if name.len() > MAX_NAME_LEN => Err(invalid(
            func,
            format_args!(
                "name is {} bytes long, beyond the {MAX_NAME_LEN} bytes a trace name may hold",
                name.len()
            ),
        )),
        name => Ok(name),
    }
}

/// The resource type with code `code`, or `GL_ERR_INVALID_ARGUMENT` when it
/// is neither a `GL_TYPE_*` constant nor a code `handle` handed out from
/// [`gl_resource_type`].
#[inline]
pub(crate) fn type_from_code(
    handle: &GlLedger,
    code: GlTypeCode,
    func: &'static str,
) -> Result<ResourceType, GlStatus> {
    from_code(&handle.codes().types, code, ResourceType::from_code)
        .ok_or_else(|| unknown_code(func, "resource type", code))
}

/// The owner kind with code `code`, or `GL_ERR_INVALID_ARGUMENT` when it is
/// neither a `GL_OWNER_*` constant nor a code `handle` handed out from
/// [`gl_owner_kind`].
#[inline]
pub(crate) fn owner_from_code(
    handle: &GlLedger,
    code: GlOwnerCode,
    func: &'static str,
) -> Result<OwnerKind, GlStatus> {
    from_code(&handle.codes().owners, code, OwnerKind::from_code)
        .ok_or_else(|| unknown_code(func, "owner kind", code))
}

/// The value of a well-known code, or of a name code in `issued`.
#[inline(always)]
fn from_code<T>(issued: &IssuedCodes, code: u32, value: fn(u64) -> Option<T>) -> Option<T> {
    match code.checked_sub(FIRST_NAME_CODE) {
        Some(index) if !issued.contains(index) => None,
        _ => value(u64::from(code)),
    }
}

#[cold]
#[inline(never)]
fn unknown_code(func: &str, what: &str, code: u32) -> GlStatus {
    invalid(
        func,
        format_args!(
            "unknown {what} code {code}: use a GL_* constant or a code from gl_{}",
            what.replace(' ', "_")
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constants_are_the_core_codes() {
        let types = [
            (GL_TYPE_NATIVE_TARGET, ResourceType::NativeTarget),
            (GL_TYPE_COMMAND_QUEUE, ResourceType::CommandQueue),
            (GL_TYPE_TEXTURE_TARGET, ResourceType::TextureTarget),
            (GL_TYPE_TEXTURE, ResourceType::Texture),
            (GL_TYPE_COMMAND_BUFFER, ResourceType::CommandBuffer),
            (GL_TYPE_BUFFER, ResourceType::Buffer),
            (GL_TYPE_FENCE, ResourceType::Fence),
            (GL_TYPE_VISUAL, ResourceType::Visual),
        ];
        assert_eq!(
            ResourceType::WELL_KNOWN.len(),
            types.len(),
            "a well-known type has no GL_TYPE_*"
        );
        for (code, ty) in types {
            assert_eq!(ty.code(), u64::from(code), "GL_TYPE_* code of {ty:?}");
        }
        let owners = [
            (GL_OWNER_ROOT_VISUAL, OwnerKind::RootVisual),
            (GL_OWNER_CHILD_VISUAL, OwnerKind::ChildVisual),
            (GL_OWNER_EFFECT_PIPELINE, OwnerKind::EffectPipeline),
            (GL_OWNER_TRANSIENT, OwnerKind::Transient),
            (GL_OWNER_UNKNOWN, OwnerKind::Unknown),
        ];
        assert_eq!(
            OwnerKind::WELL_KNOWN.len(),
            owners.len(),
            "a well-known owner kind has no GL_OWNER_*"
        );
        for (code, kind) in owners {
            assert_eq!(kind.code(), u64::from(code), "GL_OWNER_* code of {kind:?}");
        }
    }

    #[test]
    fn issued_codes_are_remembered_per_leaf_and_bounded() {
        let issued = IssuedCodes::new();
        assert!(!issued.contains(0));
        assert!(issued.insert(4095));
        assert!(issued.insert(70_000));
        assert!(issued.contains(4095) && issued.contains(70_000));
        assert!(!issued.contains(4094) && !issued.contains(70_001) && !issued.contains(u32::MAX));
        assert!(!issued.insert(GL_MAX_NAMES), "beyond the bound");
        assert!(issued.insert(GL_MAX_NAMES - 1));
    }

    #[test]
    fn unknown_codes_are_named_in_the_error() {
        let mut handle = std::ptr::null_mut();
        // SAFETY: a valid out-pointer.
        assert_eq!(crate::status::GL_OK, unsafe {
            crate::ledger::gl_ledger_disabled(&mut handle)
        });
        // SAFETY: made just above, freed just below.
        let handle_ref = unsafe { &*handle };
        assert_eq!(
            Err(crate::status::GL_ERR_INVALID_ARGUMENT),
            type_from_code(handle_ref, 9, "gl_create")
        );
        assert_eq!(
            "gl_create: unknown resource type code 9: use a GL_* constant or a code from gl_resource_type",
            crate::status::last_message()
        );
        assert_eq!(
            Err(crate::status::GL_ERR_INVALID_ARGUMENT),
            owner_from_code(handle_ref, 63, "gl_pool")
        );
        assert_eq!(
            "gl_pool: unknown owner kind code 63: use a GL_* constant or a code from gl_owner_kind",
            crate::status::last_message()
        );
        assert_eq!(
            Err(crate::status::GL_ERR_INVALID_ARGUMENT),
            type_from_code(handle_ref, 564, "gl_create"),
            "a name code this handle never handed out"
        );
        // SAFETY: made above, not used after.
        unsafe { crate::ledger::gl_ledger_free(handle) };
    }
}

/*
 * gpu_ledger.hpp: a header-only C++17 RAII wrapper over the C API of gpu-ledger.
 *
 * Three owners cover the hook points of a renderer:
 * - gpu_ledger::Ledger owns a GlLedger* (starts it, finishes and frees it);
 * - gpu_ledger::Resource records a create when it is made and a destroy when it
 *   goes away: make it a member of the object whose life it tracks (a command
 *   queue wrapper, a render target) and the hooks cannot be forgotten;
 * - gpu_ledger::PacketScope makes a compositor packet the thread's current packet
 *   for the length of a C++ scope.
 *
 *     #include "gpu_ledger.hpp"
 *
 *     std::error_code ec;
 *     gpu_ledger::Ledger ledger = gpu_ledger::Ledger::from_env("OMEGAWTK_GPU_RESOURCE", ec);
 *     {
 *         gpu_ledger::PacketScope packet(ledger, lane, 1);   // events below carry packet 1
 *         gpu_ledger::Resource queue(ledger, GL_TYPE_COMMAND_QUEUE,
 *                                    {GL_OWNER_ROOT_VISUAL, lane});   // records the create
 *     }                                                     // records the destroy, leaves packet 1
 *     ledger.packet_stage(lane, 1, GL_STAGE_PRESENTED);
 *     ec = ledger.finish();                                 // drains and closes the trace
 *
 * Errors are std::error_code values, never exceptions. Why:
 * - renderers are often built with -fno-exceptions (Chromium, Skia, most game
 *   engines); this header compiles and works there;
 * - instrumentation must not change what the renderer does: a recording call
 *   that fails (a ledger finished while a thread still records, a bad type
 *   code) must not unwind through the renderer's constructors;
 * - it costs nothing on success: every function here is noexcept and inline,
 *   and success is a value built in registers, without a call.
 * Every fallible call returns a std::error_code (constructors keep theirs in
 * status()) whose category is gpu_ledger::category() and whose value is the C
 * API's GlStatus: 0 (GL_OK) on success, a negative GL_ERR_* code on failure.
 * Test it with `if (ec)`, or compare it with a gpu_ledger::errc value
 * (`ec == gpu_ledger::errc::finished`); a default std::error_code has another
 * category, so `ec == std::error_code()` is false even on success. The
 * detailed message of the thread's last failure (naming the function and the
 * value) is gpu_ledger::last_error_message().
 *
 * Cost: nothing beyond the C calls. Every member is an inline forward to one
 * gl_* call (two for a Resource's creation: gl_next_resource_id and
 * gl_create), with no allocation, lock, virtual call or exception; a Resource
 * keeps the arguments its destroy needs (40 bytes on 64-bit targets).
 *
 * Threading: one Ledger is shared by every thread (by reference): its const
 * members are thread-safe, as are the C calls behind them. A Resource may be
 * made on one thread and moved to, and destroyed on, another; one Resource
 * must not be used by two threads at once. A PacketScope belongs to the thread
 * that made it and cannot be moved.
 *
 * Ownership: a Ledger owns its GlLedger* and frees it in its destructor. A
 * Resource or PacketScope holds the ledger's GlLedger* without owning it: the
 * Ledger must outlive them (destroy or move out every Resource before the
 * Ledger; a Resource destroyed after Ledger::finish records nothing).
 *
 * Link as for gpu_ledger.h: the CMake targets gpu_ledger::gpu_ledger (shared)
 * and gpu_ledger::gpu_ledger_static, or pkg-config gpu_ledger.
 *
 * SPDX-License-Identifier: MIT OR Apache-2.0
 */

#ifndef GPU_LEDGER_HPP
#define GPU_LEDGER_HPP

#include "gpu_ledger.h"

#include <cstdint>
#include <string>
#include <system_error>
#include <type_traits>
#include <utility>

namespace gpu_ledger {

/// The status codes of the C API as an error code enum: compare a returned
/// std::error_code with them (`ec == gpu_ledger::errc::io`).
enum class errc : int {
    /// GL_OK: the call succeeded (the value of every successful error code).
    ok = GL_OK,
    /// GL_ERR_NULL_POINTER: a pointer that must not be NULL was NULL (an empty Ledger).
    null_pointer = GL_ERR_NULL_POINTER,
    /// GL_ERR_INVALID_UTF8: a string argument is not UTF-8.
    invalid_utf8 = GL_ERR_INVALID_UTF8,
    /// GL_ERR_INVALID_ARGUMENT: an argument is out of range (an unknown code, an
    /// empty name, a bad environment toggle, packet scopes nested too deep).
    invalid_argument = GL_ERR_INVALID_ARGUMENT,
    /// GL_ERR_IO: the trace file could not be created or written.
    io = GL_ERR_IO,
    /// GL_ERR_FINISHED: the ledger was already finished; nothing was recorded.
    finished = GL_ERR_FINISHED,
    /// GL_ERR_PANIC: a bug inside gpu-ledger, caught at the C boundary.
    panic = GL_ERR_PANIC,
};

namespace detail {

/// The category of gpu-ledger's error codes; see gpu_ledger::category().
class Category final : public std::error_category {
public:
    constexpr Category() noexcept = default;

    /// "gpu_ledger".
    const char* name() const noexcept override { return "gpu_ledger"; }

    /// The code's name, such as "GL_ERR_IO" (gl_status_name). Allocates: for
    /// error paths only.
    std::string message(int code) const override { return gl_status_name(code); }
};

// Constant-initialised, so using it is taking an address: no guard, no call.
inline const Category category_instance{};

}  // namespace detail

/// The error category of every std::error_code this header returns: its name
/// is "gpu_ledger" and its messages are the GL_ERR_* names.
///
/// Thread-safe; the object lives for the whole program.
inline const std::error_category& category() noexcept { return detail::category_instance; }

/// A GlStatus as a std::error_code of category(); GL_OK gives a code that
/// converts to false.
inline std::error_code make_error_code(errc code) noexcept {
    return std::error_code(static_cast<int>(code), category());
}

/// A raw GlStatus as a std::error_code of category(), for C calls made
/// through Ledger::get().
inline std::error_code status_code(GlStatus status) noexcept {
    return std::error_code(status, category());
}

/// The message of the last gl_* call that failed on the calling thread, for
/// example `gl_ledger_start: cannot create trace file "/ro/run.gltrace": ...`;
/// "" if none failed. Owned by the library and valid until the next failing
/// call on this thread: copy it to keep it.
inline const char* last_error_message() noexcept { return gl_last_error_message(); }

/// The version of the linked library, such as "0.1.0" (gl_version); compare
/// with GL_VERSION_MAJOR/MINOR/PATCH to catch a header and library from
/// different releases. Static storage.
inline const char* library_version() noexcept { return gl_version(); }

/// The default configuration (gl_config_default) recording into `path` (a
/// binary trace, or JSON Lines for a name ending in ".jsonl"). The path is
/// read by Ledger::start only: it must stay valid until then.
inline GlConfig config(const char* path) noexcept {
    GlConfig config{};
    gl_config_default(&config);
    config.path = path;
    return config;
}

/// The owner of a resource or pool: an owner kind code (GL_OWNER_* or from
/// Ledger::owner_kind) and any stable key (a lane id, a visual's pointer).
struct Owner {
    /// GL_OWNER_* or a code from Ledger::owner_kind.
    GlOwnerCode kind;
    /// Identifies the owner among those of its kind.
    std::uint64_t key;
};

/// Owns one gpu-ledger recorder (a GlLedger*): starts it, finishes it and
/// frees it in its destructor.
///
/// Move-only. A default-constructed or moved-from Ledger is empty: it owns no
/// handle and its calls return errc::null_pointer. Share one Ledger between
/// all threads by reference: every const member is thread-safe.
class Ledger {
public:
    /// An empty Ledger (no handle); assign one from start, from_env or disabled.
    Ledger() noexcept = default;

    /// Takes ownership of `handle` (from gl_ledger_start, gl_ledger_from_env or
    /// gl_ledger_disabled; NULL for an empty Ledger). No other owner may free it.
    explicit Ledger(GlLedger* handle) noexcept : handle_(handle) {}

    /// Starts a ledger recording into `config.path` (gl_ledger_start; the
    /// config's strings are read during the call only).
    ///
    /// Errors, in `ec` (cleared on success): errc::null_pointer (no path),
    /// errc::invalid_utf8, errc::invalid_argument, errc::io (the file cannot
    /// be created; last_error_message() names it), errc::panic. On error the
    /// result is empty.
    [[nodiscard]] static Ledger start(const GlConfig& config, std::error_code& ec) noexcept {
        GlLedger* handle = nullptr;
        ec = status_code(gl_ledger_start(&config, &handle));
        return Ledger(handle);
    }

    /// Starts a ledger as the toggles `<prefix>_TRACE`, `<prefix>_REPORT` and
    /// `<prefix>_OUT` say (gl_ledger_from_env; NULL `prefix` for "GPU_LEDGER").
    ///
    /// The result is always usable: disabled when tracing is off, and also on
    /// error, so the renderer runs unchanged. Errors, in `ec` (cleared on
    /// success): errc::invalid_utf8 (the prefix), errc::invalid_argument (a
    /// toggle that is not a switch), errc::io (the trace file cannot be created).
    [[nodiscard]] static Ledger from_env(const char* prefix, std::error_code& ec) noexcept {
        GlLedger* handle = nullptr;
        ec = status_code(gl_ledger_from_env(prefix, &handle));
        return Ledger(handle);
    }

    /// A ledger that records nothing (gl_ledger_disabled): every recording call
    /// costs a load and a branch, resource ids and codes still work.
    [[nodiscard]] static Ledger disabled() noexcept {
        GlLedger* handle = nullptr;
        gl_ledger_disabled(&handle);  // fails only for a NULL output pointer
        return Ledger(handle);
    }

    /// Takes `other`'s handle; `other` becomes empty.
    Ledger(Ledger&& other) noexcept : handle_(std::exchange(other.handle_, nullptr)) {}

    /// Frees the handle held (finishing it if needed), then takes `other`'s.
    Ledger& operator=(Ledger&& other) noexcept {
        if (this != &other) {
            gl_ledger_free(handle_);
            handle_ = std::exchange(other.handle_, nullptr);
        }
        return *this;
    }

    Ledger(const Ledger&) = delete;
    Ledger& operator=(const Ledger&) = delete;

    /// Frees the handle (gl_ledger_free), finishing it first if finish() was
    /// not called; an error of that implicit finish is lost: call finish() to
    /// see it. Must run after every other thread has stopped using the ledger.
    ~Ledger() { gl_ledger_free(handle_); }

    /// The handle, for C calls this wrapper does not cover; still owned by
    /// this Ledger. NULL when empty.
    GlLedger* get() const noexcept { return handle_; }

    /// Gives up ownership: returns the handle (the caller frees it with
    /// gl_ledger_free) and leaves this Ledger empty.
    [[nodiscard]] GlLedger* release() noexcept { return std::exchange(handle_, nullptr); }

    /// Whether this Ledger holds a handle (recording or not).
    explicit operator bool() const noexcept { return handle_ != nullptr; }

    /// Whether the ledger records: false for a disabled, finished or empty
    /// ledger. Use it to skip work done only for the ledger. Thread-safe.
    bool is_recording() const noexcept {
        bool recording = false;
        return gl_ledger_is_recording(handle_, &recording) == GL_OK && recording;
    }

    /// Waits until every event recorded before the call reached the trace
    /// writer (gl_flush). Blocks for up to a drain pass: never on a hot path.
    /// Errors: errc::null_pointer (empty), errc::finished. Thread-safe.
    std::error_code flush() const noexcept { return status_code(gl_flush(handle_)); }

    /// Stops recording, drains every event into the trace and closes it
    /// (gl_ledger_finish); `stats`, if not NULL, receives the event and loss
    /// counts. The handle stays owned: later calls return errc::finished.
    /// Errors: errc::null_pointer (empty), errc::finished (already finished),
    /// errc::io (writing failed; last_error_message() names the path).
    /// Thread-safe: other threads' calls are recorded or return errc::finished.
    std::error_code finish(GlFinishStats* stats = nullptr) noexcept {
        return status_code(gl_ledger_finish(handle_, stats));
    }

    /// The code of resource type `name` (gl_resource_type): a GL_TYPE_* value
    /// for a well-known name, else one interned in this ledger. Takes a lock:
    /// call it once per call site at setup and keep the code. Errors, in `ec`
    /// (cleared on success): errc::null_pointer, errc::invalid_utf8,
    /// errc::invalid_argument (empty name), errc::finished; the result is then
    /// 0. Thread-safe.
    [[nodiscard]] GlTypeCode resource_type(const char* name, std::error_code& ec) const noexcept {
        GlTypeCode code = 0;
        ec = status_code(gl_resource_type(handle_, name, &code));
        return code;
    }

    /// The code of owner kind `name` (gl_owner_kind), as resource_type does
    /// for types. Thread-safe; takes a lock.
    [[nodiscard]] GlOwnerCode owner_kind(const char* name, std::error_code& ec) const noexcept {
        GlOwnerCode code = 0;
        ec = status_code(gl_owner_kind(handle_, name, &code));
        return code;
    }

    /// Records that packet `packet` of sync lane `lane` was queued with render
    /// command `command_id` (gl_packet_queued). Errors: errc::null_pointer,
    /// errc::finished. Thread-safe, lock-free.
    std::error_code packet_queued(std::uint64_t lane, std::uint64_t packet,
                                  std::uint64_t command_id) const noexcept {
        return status_code(gl_packet_queued(handle_, lane, packet, command_id));
    }

    /// Records that a packet reached `stage`, a GL_STAGE_* value
    /// (gl_packet_stage). Errors: errc::null_pointer, errc::invalid_argument
    /// (not a stage), errc::finished. Thread-safe, lock-free.
    std::error_code packet_stage(std::uint64_t lane, std::uint64_t packet,
                                 GlStage stage) const noexcept {
        return status_code(gl_packet_stage(handle_, lane, packet, stage));
    }

    /// Records that packet `packet` of lane `lane` used resource `id`
    /// (gl_touched); Resource::touched is the same for a held resource.
    /// Errors: errc::null_pointer, errc::invalid_argument (id 0),
    /// errc::finished. Thread-safe, lock-free.
    std::error_code touched(std::uint64_t lane, std::uint64_t packet,
                            std::uint64_t id) const noexcept {
        return status_code(gl_touched(handle_, lane, packet, id));
    }

    /// Records that a pool served (GL_POOL_HIT), missed (GL_POOL_MISS), took
    /// back (GL_POOL_RELEASE) or evicted (GL_POOL_EVICT) an object of `type`;
    /// the pool is `pool` (gl_pool). Errors: errc::null_pointer,
    /// errc::invalid_argument (an unknown code), errc::finished. Thread-safe,
    /// lock-free.
    std::error_code pool(GlPoolAction action, GlTypeCode type, Owner pool,
                         const GlDims* dims = nullptr) const noexcept {
        return status_code(gl_pool(handle_, action, type, pool.kind, pool.key, dims));
    }

    /// Records that shutdown begins (gl_shutdown_begins): later destroys are
    /// teardown, not churn. Errors: errc::null_pointer, errc::finished.
    /// Thread-safe, lock-free.
    std::error_code shutdown_begins() const noexcept {
        return status_code(gl_shutdown_begins(handle_));
    }

    /// Records the named marker `name` (gl_marker; read during the call only).
    /// Takes a lock: for rare events. Errors: errc::null_pointer,
    /// errc::invalid_utf8, errc::invalid_argument (empty), errc::finished.
    std::error_code marker(const char* name) const noexcept {
        return status_code(gl_marker(handle_, name));
    }

private:
    GlLedger* handle_ = nullptr;
};

/// A tracked GPU resource: records its create (with a fresh id) when made and
/// its destroy when destroyed, moved onto, or destroy()ed.
///
/// Make it a member of the object whose life it mirrors. Movable (the moved-to
/// handle records the destroy; the moved-from one becomes empty and records
/// nothing), not copyable. Holds the ledger's GlLedger* without owning it: the
/// Ledger must outlive it. An empty Resource (default-constructed, moved-from,
/// destroyed, or whose create failed) records nothing and has id 0.
class Resource {
public:
    /// An empty handle: records nothing.
    Resource() noexcept = default;

    /// Takes a fresh id (gl_next_resource_id) and records the create of a
    /// resource of `type` (GL_TYPE_* or from Ledger::resource_type) owned by
    /// `owner`, with optional size `dims` (gl_create), in the calling thread's
    /// current packet, if any.
    ///
    /// The outcome is status(): on errc::null_pointer (empty ledger),
    /// errc::invalid_argument (an unknown code) or errc::finished the handle
    /// is empty, so its destruction records nothing. On a disabled ledger it
    /// succeeds and records nothing. Thread-safe, lock-free.
    Resource(const Ledger& ledger, GlTypeCode type, Owner owner,
             const GlDims* dims = nullptr) noexcept
        : ledger_(ledger.get()), owner_(owner), type_(type) {
        std::uint64_t id = 0;
        status_ = gl_next_resource_id(ledger_, &id);
        if (status_ == GL_OK) {
            status_ = gl_create(ledger_, id, type, owner.kind, owner.key, dims);
        }
        id_ = status_ == GL_OK ? id : 0;
    }

    /// Takes `other`'s resource; `other` becomes empty.
    Resource(Resource&& other) noexcept
        : ledger_(other.ledger_),
          id_(std::exchange(other.id_, 0)),
          owner_(other.owner_),
          type_(other.type_),
          status_(other.status_) {}

    /// Records the destroy of the resource held, then takes `other`'s.
    Resource& operator=(Resource&& other) noexcept {
        if (this != &other) {
            destroy();
            ledger_ = other.ledger_;
            id_ = std::exchange(other.id_, 0);
            owner_ = other.owner_;
            type_ = other.type_;
            status_ = other.status_;
        }
        return *this;
    }

    Resource(const Resource&) = delete;
    Resource& operator=(const Resource&) = delete;

    /// Records the destroy (gl_destroy) unless empty. An error is dropped
    /// (last_error_message() keeps it): call destroy() to see it.
    ~Resource() { destroy(); }

    /// Records the destroy now, with optional final `dims`, and leaves the
    /// handle empty; does nothing for an empty handle. Errors:
    /// errc::finished (the ledger was finished first; the handle is emptied
    /// all the same). Thread-safe, lock-free.
    std::error_code destroy(const GlDims* dims = nullptr) noexcept {
        if (id_ == 0) {
            return make_error_code(errc::ok);
        }
        std::uint64_t id = std::exchange(id_, 0);
        return status_code(gl_destroy(ledger_, id, type_, owner_.kind, owner_.key, dims));
    }

    /// Records that the resource rebuilt its backing storage at size `dims`,
    /// keeping its identity (gl_resize_rebuild). Errors: errc::finished;
    /// errc::null_pointer or errc::invalid_argument (id 0) for an empty handle.
    /// Thread-safe, lock-free.
    std::error_code resize_rebuild(const GlDims& dims) const noexcept {
        return status_code(gl_resize_rebuild(ledger_, id_, type_, owner_.kind, owner_.key, &dims));
    }

    /// Records that the resource was bound for use (gl_bind). Errors as for
    /// resize_rebuild. Thread-safe, lock-free.
    std::error_code bind() const noexcept {
        return status_code(gl_bind(ledger_, id_, type_, owner_.kind, owner_.key, nullptr));
    }

    /// Records that the resource was unbound (gl_unbind). Errors as for
    /// resize_rebuild. Thread-safe, lock-free.
    std::error_code unbind() const noexcept {
        return status_code(gl_unbind(ledger_, id_, type_, owner_.kind, owner_.key, nullptr));
    }

    /// Records that the calling thread's current packet used the resource
    /// (gl_touch); nothing outside a packet. Errors as for resize_rebuild.
    /// Thread-safe, lock-free.
    std::error_code touch() const noexcept { return status_code(gl_touch(ledger_, id_)); }

    /// Records that packet `packet` of lane `lane` used the resource
    /// (gl_touched). Errors as for resize_rebuild. Thread-safe, lock-free.
    std::error_code touched(std::uint64_t lane, std::uint64_t packet) const noexcept {
        return status_code(gl_touched(ledger_, lane, packet, id_));
    }

    /// The outcome of the create: success, or why the handle is empty.
    std::error_code status() const noexcept { return status_code(status_); }

    /// The resource's id in the trace (what `gpu-ledger explain --resource`
    /// takes); 0 when empty.
    std::uint64_t id() const noexcept { return id_; }

    /// The type code given at creation.
    GlTypeCode type() const noexcept { return type_; }

    /// The owner given at creation.
    Owner owner() const noexcept { return owner_; }

    /// Whether the handle holds a live resource (its destroy is still to record).
    explicit operator bool() const noexcept { return id_ != 0; }

private:
    const GlLedger* ledger_ = nullptr;
    std::uint64_t id_ = 0;
    Owner owner_{0, 0};
    GlTypeCode type_ = 0;
    GlStatus status_ = GL_OK;
};

/// Makes packet `packet` of sync lane `lane` the calling thread's current
/// packet for its lifetime (gl_enter_packet, then gl_leave_packet): every
/// resource event the thread records meanwhile carries it. Scopes nest up to
/// GL_MAX_PACKET_DEPTH deep; leaving restores the outer packet.
///
/// Neither copyable nor movable: it belongs to the thread and the C++ scope
/// that made it. If entering failed (status()), its destruction leaves
/// nothing, so an outer packet stays current. Holds the GlLedger* without
/// owning it: the Ledger must outlive it. No lock, no allocation.
class PacketScope {
public:
    /// Enters the packet. The outcome is status(): errc::null_pointer (empty
    /// ledger), errc::invalid_argument (GL_MAX_PACKET_DEPTH scopes already
    /// open on this thread), errc::finished. On a disabled ledger it succeeds
    /// and does nothing.
    PacketScope(const Ledger& ledger, std::uint64_t lane, std::uint64_t packet) noexcept
        : ledger_(ledger.get()), status_(gl_enter_packet(ledger_, lane, packet)) {}

    PacketScope(const PacketScope&) = delete;
    PacketScope& operator=(const PacketScope&) = delete;
    PacketScope(PacketScope&&) = delete;
    PacketScope& operator=(PacketScope&&) = delete;

    /// Leaves the packet if it was entered (a packet entered before the
    /// ledger was finished is still left).
    ~PacketScope() {
        if (status_ == GL_OK) {
            gl_leave_packet(ledger_);
        }
    }

    /// The outcome of entering: success, or why no packet was entered.
    std::error_code status() const noexcept { return status_code(status_); }

private:
    const GlLedger* ledger_;
    GlStatus status_;
};

}  // namespace gpu_ledger

namespace std {
/// Lets a gpu_ledger::errc convert to and compare with a std::error_code.
template <>
struct is_error_code_enum<gpu_ledger::errc> : true_type {};
}  // namespace std

#endif  // GPU_LEDGER_HPP

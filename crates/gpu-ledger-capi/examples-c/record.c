/*
 * record.c: a tiny instrumented "renderer" in C99.
 *
 * One window (sync lane 1) whose root visual owns a command queue and a native
 * render target, three compositor packets, then teardown: the hook points of
 * the GPU resource tracking plan (GEMetalCommandQueue ctor/dtor,
 * GEMetalNativeRenderTarget ctor/dtor, BackendRenderTargetContext::
 * rebuildBackingTarget), with the packet context around each packet.
 *
 * Tracing follows the plan's toggles: OMEGAWTK_GPU_RESOURCE_TRACE=1 records into
 * OMEGAWTK_GPU_RESOURCE_OUT (default <program>-<unix seconds>.gltrace); with
 * tracing off every call below costs a load and a branch.
 *
 * Build: cc -std=c99 -I include examples-c/record.c libgpu_ledger_capi.a -lpthread -ldl -lm
 */
#include "gpu_ledger.h"

#include <stdio.h>

/* Reports a failed call and leaves main with status 1. */
#define CHECK(call)                                                                   \
    do {                                                                              \
        GlStatus status_ = (call);                                                    \
        if (status_ != GL_OK) {                                                       \
            fprintf(stderr, "%s: %s: %s\n", #call, gl_status_name(status_),           \
                    gl_last_error_message());                                         \
            return 1;                                                                 \
        }                                                                             \
    } while (0)

/* What the renderer keeps about one window. */
typedef struct Window {
    uint64_t lane;       /* the compositor sync lane */
    uint64_t visual_key; /* the root visual: the owner of the queue and target */
    uint64_t queue;      /* resource ids */
    uint64_t target;
} Window;

static GlLedger *ledger = NULL;

/* GEMetalCommandQueue::GEMetalCommandQueue */
static int queue_created(Window *w) {
    CHECK(gl_next_resource_id(ledger, &w->queue));
    CHECK(gl_create(ledger, w->queue, GL_TYPE_COMMAND_QUEUE, GL_OWNER_ROOT_VISUAL, w->visual_key,
                    NULL));
    return 0;
}

/* GEMetalNativeRenderTarget::GEMetalNativeRenderTarget */
static int target_created(Window *w, uint32_t width, uint32_t height, float scale) {
    GlDims dims;
    dims.width = width;
    dims.height = height;
    dims.scale = scale;
    CHECK(gl_next_resource_id(ledger, &w->target));
    CHECK(gl_create(ledger, w->target, GL_TYPE_NATIVE_TARGET, GL_OWNER_ROOT_VISUAL, w->visual_key,
                    &dims));
    return 0;
}

/* BackendRenderTargetContext::rebuildBackingTarget */
static int backing_rebuilt(const Window *w, uint32_t width, uint32_t height, float scale) {
    GlDims dims;
    dims.width = width;
    dims.height = height;
    dims.scale = scale;
    CHECK(gl_resize_rebuild(ledger, w->target, GL_TYPE_NATIVE_TARGET, GL_OWNER_ROOT_VISUAL,
                            w->visual_key, &dims));
    return 0;
}

/* GEMetalNativeRenderTarget::~GEMetalNativeRenderTarget and GEMetalCommandQueue::~GEMetalCommandQueue */
static int window_destroyed(const Window *w) {
    CHECK(gl_destroy(ledger, w->target, GL_TYPE_NATIVE_TARGET, GL_OWNER_ROOT_VISUAL, w->visual_key,
                     NULL));
    CHECK(gl_destroy(ledger, w->queue, GL_TYPE_COMMAND_QUEUE, GL_OWNER_ROOT_VISUAL, w->visual_key,
                     NULL));
    return 0;
}

/* Compositor.cpp / Execution.cpp: one packet, from queueing to its result. */
static int run_packet(Window *w, uint64_t packet, uint64_t command, GlStage result) {
    CHECK(gl_packet_queued(ledger, w->lane, packet, command));
    CHECK(gl_enter_packet(ledger, w->lane, packet));
    if (packet == 1) {
        if (queue_created(w) || target_created(w, 800, 600, 2.0f)) {
            return 1;
        }
    } else if (packet == 2) {
        if (backing_rebuilt(w, 1024, 768, 2.0f)) {
            return 1;
        }
    }
    if (w->target != 0) {
        CHECK(gl_touch(ledger, w->target));
    }
    CHECK(gl_leave_packet(ledger));
    if (result == GL_STAGE_PRESENTED) {
        CHECK(gl_packet_stage(ledger, w->lane, packet, GL_STAGE_SUBMITTED));
    }
    CHECK(gl_packet_stage(ledger, w->lane, packet, result));
    return 0;
}

int main(void) {
    Window window = {1, 0x1400, 0, 0};
    GlFinishStats stats = {0, 0};
    bool recording = false;

    if (gl_ledger_from_env("OMEGAWTK_GPU_RESOURCE", &ledger) != GL_OK) {
        /* A bad toggle or an unwritable trace: keep running, untraced. */
        fprintf(stderr, "gpu-ledger off: %s\n", gl_last_error_message());
    }
    CHECK(gl_ledger_is_recording(ledger, &recording));

    if (run_packet(&window, 1, 100, GL_STAGE_PRESENTED) ||
        run_packet(&window, 2, 101, GL_STAGE_PRESENTED) ||
        run_packet(&window, 3, 102, GL_STAGE_DROPPED)) {
        return 1;
    }

    CHECK(gl_shutdown_begins(ledger));
    if (window_destroyed(&window)) {
        return 1;
    }
    CHECK(gl_ledger_finish(ledger, &stats));
    CHECK(gl_ledger_free(ledger));
    printf("gpu-ledger %s: recording=%s events=%llu lost=%llu\n", gl_version(),
           recording ? "on" : "off", (unsigned long long)stats.events,
           (unsigned long long)stats.lost);
    return 0;
}

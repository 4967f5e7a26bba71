/*
 * assert.c: a renderer bug, caught while the program runs.
 *
 * A shadow pass draws a scratch texture every frame (sync lane 1). At frame 5 it
 * frees the texture while that frame's packet, which uses it, has not been
 * submitted yet: the plan's "destroy while still referenced by an active packet
 * context". The ledger's live analysis sees it within a drain pass (2 ms):
 *
 *   GPU_LEDGER_ASSERT=warn (the default) prints one line on stderr, through the
 *     log callback's default, and the program carries on;
 *   GPU_LEDGER_ASSERT=panic stops the program there (in a library built with
 *     debug assertions): the message on stderr, then abort().
 *
 * It records only when a GPU_LEDGER_* toggle asks for it (GPU_LEDGER_ASSERT alone
 * does); every frame prints "frame N" and the end prints "finished".
 *
 * Build: cc -std=c99 -I include examples-c/assert.c libgpu_ledger_capi.a -lpthread -ldl -lm
 */
#define _POSIX_C_SOURCE 199309L

#include "gpu_ledger.h"

#include <stdio.h>
#include <time.h>

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

/* The shadow pass: its owner key. */
#define SHADOW 0x51

int main(void) {
    GlLedger *ledger = NULL;
    CHECK(gl_ledger_from_env(NULL, &ledger));
    uint64_t scratch = 0;
    CHECK(gl_next_resource_id(ledger, &scratch));
    CHECK(gl_create(ledger, scratch, GL_TYPE_TEXTURE, GL_OWNER_EFFECT_PIPELINE, SHADOW, NULL));
    for (uint64_t frame = 1; frame <= 200; frame++) {
        CHECK(gl_packet_queued(ledger, 1, frame, frame));
        CHECK(gl_touched(ledger, 1, frame, scratch));
        if (frame == 5) {
            /* The bug: freed before the packet that uses it is submitted. */
            CHECK(gl_destroy(ledger, scratch, GL_TYPE_TEXTURE, GL_OWNER_EFFECT_PIPELINE, SHADOW,
                             NULL));
            CHECK(gl_next_resource_id(ledger, &scratch));
            CHECK(gl_create(ledger, scratch, GL_TYPE_TEXTURE, GL_OWNER_EFFECT_PIPELINE, SHADOW,
                            NULL));
        }
        CHECK(gl_packet_stage(ledger, 1, frame, GL_STAGE_SUBMITTED));
        CHECK(gl_packet_stage(ledger, 1, frame, GL_STAGE_COMPLETED));
        CHECK(gl_packet_stage(ledger, 1, frame, GL_STAGE_PRESENTED));
        printf("frame %llu\n", (unsigned long long)frame);
        fflush(stdout);
        struct timespec frame_time = {0, 5 * 1000 * 1000}; /* 5 ms a frame */
        nanosleep(&frame_time, NULL);
    }
    CHECK(gl_destroy(ledger, scratch, GL_TYPE_TEXTURE, GL_OWNER_EFFECT_PIPELINE, SHADOW, NULL));
    CHECK(gl_ledger_finish(ledger, NULL));
    CHECK(gl_ledger_free(ledger));
    printf("finished\n");
    return 0;
}

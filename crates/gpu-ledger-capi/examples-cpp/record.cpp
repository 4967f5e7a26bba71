// record.cpp: a tiny instrumented "renderer" in C++17, recording through gpu_ledger.hpp.
//
// The same scene as examples-c/record.c: one window (sync lane 1) whose root
// visual owns a command queue and a native render target, three compositor
// packets, then teardown. Here the hooks live where the plan puts them, in
// constructors and destructors (GEMetalCommandQueue, GEMetalNativeRenderTarget),
// as gpu_ledger::Resource members, and the packet context is a
// gpu_ledger::PacketScope.
//
// Usage: record <trace path>   (a path ending in .jsonl writes JSON Lines)
// Build: c++ -std=c++17 -I include examples-cpp/record.cpp -L <dir> -lgpu_ledger_capi -Wl,-rpath,<dir>
//        or examples-cpp/CMakeLists.txt

#include "gpu_ledger.hpp"

#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <system_error>

namespace {

// GEMetalCommandQueue: its constructor records the create, its destructor the destroy.
class CommandQueue {
public:
    CommandQueue(const gpu_ledger::Ledger& ledger, std::uint64_t visual_key)
        : tracked_(ledger, GL_TYPE_COMMAND_QUEUE, {GL_OWNER_ROOT_VISUAL, visual_key}) {}

private:
    gpu_ledger::Resource tracked_;
};

// GEMetalNativeRenderTarget, with BackendRenderTargetContext::rebuildBackingTarget.
class NativeRenderTarget {
public:
    NativeRenderTarget(const gpu_ledger::Ledger& ledger, std::uint64_t visual_key, GlDims dims)
        : tracked_(ledger, GL_TYPE_NATIVE_TARGET, {GL_OWNER_ROOT_VISUAL, visual_key}, &dims) {}

    std::error_code rebuild_backing_target(GlDims dims) { return tracked_.resize_rebuild(dims); }

    const gpu_ledger::Resource& tracked() const { return tracked_; }

private:
    gpu_ledger::Resource tracked_;
};

// One window: declared queue first, so the target is destroyed first.
struct Window {
    std::uint64_t lane = 1;
    std::uint64_t visual_key = 0x1400;
    std::unique_ptr<CommandQueue> queue;
    std::unique_ptr<NativeRenderTarget> target;
};

// Prints the failed call and its message; returns whether `ec` is a failure.
bool failed(std::error_code ec, const char* what) {
    if (ec) {
        std::fprintf(stderr, "record: %s: %s: %s\n", what, ec.message().c_str(),
                     gpu_ledger::last_error_message());
    }
    return static_cast<bool>(ec);
}

bool run_packet(const gpu_ledger::Ledger& ledger, Window& w, std::uint64_t packet,
                std::uint64_t command, GlStage result) {
    if (failed(ledger.packet_queued(w.lane, packet, command), "gl_packet_queued")) {
        return false;
    }
    {
        gpu_ledger::PacketScope scope(ledger, w.lane, packet);
        if (failed(scope.status(), "gl_enter_packet")) {
            return false;
        }
        if (packet == 1) {
            w.queue = std::make_unique<CommandQueue>(ledger, w.visual_key);
            w.target = std::make_unique<NativeRenderTarget>(ledger, w.visual_key,
                                                            GlDims{800, 600, 2.0f});
            if (failed(w.target->tracked().status(), "gl_create")) {
                return false;
            }
        } else if (packet == 2 &&
                   failed(w.target->rebuild_backing_target(GlDims{1024, 768, 2.0f}),
                          "gl_resize_rebuild")) {
            return false;
        }
        if (failed(w.target->tracked().touch(), "gl_touch")) {
            return false;
        }
    }
    if (result == GL_STAGE_PRESENTED &&
        failed(ledger.packet_stage(w.lane, packet, GL_STAGE_SUBMITTED), "gl_packet_stage")) {
        return false;
    }
    return !failed(ledger.packet_stage(w.lane, packet, result), "gl_packet_stage");
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s <trace path>\n", argv[0]);
        return 2;
    }
    std::error_code ec;
    GlConfig config = gpu_ledger::config(argv[1]);
    config.source = "record-cpp";
    // The renderer frees through an API that waits for the GPU (Metal, WebGPU):
    // reports then accept a destroy after submit.
    config.release_model = GL_RELEASE_DEFERRED;
    gpu_ledger::Ledger ledger = gpu_ledger::Ledger::start(config, ec);
    if (failed(ec, "gl_ledger_start")) {
        return 1;
    }
    {
        Window window;
        if (!run_packet(ledger, window, 1, 100, GL_STAGE_PRESENTED) ||
            !run_packet(ledger, window, 2, 101, GL_STAGE_PRESENTED) ||
            !run_packet(ledger, window, 3, 102, GL_STAGE_DROPPED) ||
            failed(ledger.shutdown_begins(), "gl_shutdown_begins")) {
            return 1;
        }
    }  // ~Window: the target, then the queue
    GlFinishStats stats{};
    if (failed(ledger.finish(&stats), "gl_ledger_finish")) {
        return 1;
    }
    std::printf("gpu-ledger %s: events=%" PRIu64 " lost=%" PRIu64 "\n",
                gpu_ledger::library_version(), stats.events, stats.lost);
    return 0;
}

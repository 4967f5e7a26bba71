// record.cpp: a tiny instrumented "renderer" in C++17, recording through RAII.
//
// The same scene as examples-c/record.c: one window (sync lane 1) whose root
// visual owns a command queue and a native render target, three compositor
// packets, then teardown. Here the hooks live where the plan puts them, in
// constructors and destructors (GEMetalCommandQueue, GEMetalNativeRenderTarget),
// and the packet context is a scope guard.
//
// Usage: record <trace path>   (a path ending in .jsonl writes JSON Lines)
// Build: c++ -std=c++17 -I include examples-cpp/record.cpp -L <dir> -lgpu_ledger_capi -Wl,-rpath,<dir>

#include "gpu_ledger.h"

#include <cstdint>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>

namespace {

// Throws on a failed call (setup and packet paths).
void check(GlStatus status, const char* what) {
    if (status != GL_OK) {
        throw std::runtime_error(std::string(what) + ": " + gl_status_name(status) + ": " +
                                 gl_last_error_message());
    }
}

// Owns the GlLedger*: finishes and frees it.
class Ledger {
public:
    explicit Ledger(const char* path) {
        GlConfig config;
        check(gl_config_default(&config), "gl_config_default");
        config.path = path;
        config.source = "record-cpp";
        check(gl_ledger_start(&config, &handle_), "gl_ledger_start");
    }
    ~Ledger() { gl_ledger_free(handle_); }
    Ledger(const Ledger&) = delete;
    Ledger& operator=(const Ledger&) = delete;

    GlLedger* get() const { return handle_; }

    GlFinishStats finish() {
        GlFinishStats stats{};
        check(gl_ledger_finish(handle_, &stats), "gl_ledger_finish");
        return stats;
    }

private:
    GlLedger* handle_ = nullptr;
};

// While alive, makes a packet the thread's current packet.
class PacketScope {
public:
    PacketScope(const GlLedger* ledger, uint64_t lane, uint64_t packet) : ledger_(ledger) {
        check(gl_enter_packet(ledger, lane, packet), "gl_enter_packet");
    }
    ~PacketScope() { gl_leave_packet(ledger_); }
    PacketScope(const PacketScope&) = delete;
    PacketScope& operator=(const PacketScope&) = delete;

private:
    const GlLedger* ledger_;
};

// A GPU object whose constructor and destructor record its lifecycle.
class Tracked {
public:
    Tracked(const GlLedger* ledger, GlTypeCode type, uint64_t owner_key, const GlDims* dims)
        : ledger_(ledger), type_(type), owner_key_(owner_key) {
        check(gl_next_resource_id(ledger, &id_), "gl_next_resource_id");
        check(gl_create(ledger, id_, type, GL_OWNER_ROOT_VISUAL, owner_key, dims), "gl_create");
    }
    virtual ~Tracked() {
        GlStatus status = gl_destroy(ledger_, id_, type_, GL_OWNER_ROOT_VISUAL, owner_key_, nullptr);
        if (status != GL_OK) {
            std::fprintf(stderr, "gl_destroy: %s\n", gl_last_error_message());
        }
    }
    Tracked(const Tracked&) = delete;
    Tracked& operator=(const Tracked&) = delete;

    uint64_t id() const { return id_; }

protected:
    const GlLedger* ledger_;
    GlTypeCode type_;
    uint64_t owner_key_;
    uint64_t id_ = 0;
};

// GEMetalCommandQueue
class CommandQueue : public Tracked {
public:
    CommandQueue(const GlLedger* ledger, uint64_t owner_key)
        : Tracked(ledger, GL_TYPE_COMMAND_QUEUE, owner_key, nullptr) {}
};

// GEMetalNativeRenderTarget, with BackendRenderTargetContext::rebuildBackingTarget
class NativeRenderTarget : public Tracked {
public:
    NativeRenderTarget(const GlLedger* ledger, uint64_t owner_key, GlDims dims)
        : Tracked(ledger, GL_TYPE_NATIVE_TARGET, owner_key, &dims) {}

    void rebuild_backing_target(GlDims dims) {
        check(gl_resize_rebuild(ledger_, id_, type_, GL_OWNER_ROOT_VISUAL, owner_key_, &dims),
              "gl_resize_rebuild");
    }
};

// One window: declared queue first, so the target is destroyed first.
struct Window {
    uint64_t lane = 1;
    uint64_t visual_key = 0x1400;
    std::unique_ptr<CommandQueue> queue;
    std::unique_ptr<NativeRenderTarget> target;
};

void run_packet(const GlLedger* ledger, Window& w, uint64_t packet, uint64_t command,
                GlStage result) {
    check(gl_packet_queued(ledger, w.lane, packet, command), "gl_packet_queued");
    {
        PacketScope scope(ledger, w.lane, packet);
        if (packet == 1) {
            w.queue = std::make_unique<CommandQueue>(ledger, w.visual_key);
            w.target = std::make_unique<NativeRenderTarget>(ledger, w.visual_key,
                                                            GlDims{800, 600, 2.0f});
        } else if (packet == 2) {
            w.target->rebuild_backing_target(GlDims{1024, 768, 2.0f});
        }
        check(gl_touch(ledger, w.target->id()), "gl_touch");
    }
    if (result == GL_STAGE_PRESENTED) {
        check(gl_packet_stage(ledger, w.lane, packet, GL_STAGE_SUBMITTED), "gl_packet_stage");
    }
    check(gl_packet_stage(ledger, w.lane, packet, result), "gl_packet_stage");
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s <trace path>\n", argv[0]);
        return 2;
    }
    try {
        Ledger ledger(argv[1]);
        {
            Window window;
            run_packet(ledger.get(), window, 1, 100, GL_STAGE_PRESENTED);
            run_packet(ledger.get(), window, 2, 101, GL_STAGE_PRESENTED);
            run_packet(ledger.get(), window, 3, 102, GL_STAGE_DROPPED);
            check(gl_shutdown_begins(ledger.get()), "gl_shutdown_begins");
        }  // ~Window: the target, then the queue
        GlFinishStats stats = ledger.finish();
        std::printf("gpu-ledger %s: events=%llu lost=%llu\n", gl_version(),
                    static_cast<unsigned long long>(stats.events),
                    static_cast<unsigned long long>(stats.lost));
    } catch (const std::exception& e) {
        std::fprintf(stderr, "record: %s\n", e.what());
        return 1;
    }
    return 0;
}

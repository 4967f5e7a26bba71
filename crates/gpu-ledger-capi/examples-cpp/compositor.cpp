// compositor.cpp: a multi-threaded fake compositor, instrumented with gpu_ledger.hpp.
//
// Several render threads each drive several windows, one compositor sync lane
// per window. A window's root visual owns a command queue and a native render
// target; its effect pipeline owns a blur scratch texture ("BlurScratch", a type
// interned at startup). Every frame is a packet: a transient command buffer is
// made and released inside it, the target is touched, and on a fixed schedule
// the target is resized in place (resize-rebuild), the swapchain goes stale and
// is replaced (the old target destroyed after the new one is made), the blur
// scratch is recreated, and the frame is presented, dropped or fails. At the
// end the main thread, which did not make them, tears every window down in the
// shutdown window.
//
// The compositor counts what it does itself (packets queued, presented, dropped
// and failed per lane; creates and destroys per type; rebuilds) and prints the
// counts as one JSON object on stdout, with the ledger's event and loss counts,
// for the tests to check the trace's report against. Any recording call that
// fails makes it exit 1, naming the call.
//
// The hooks are gpu_ledger::Resource members (create in the constructor, destroy
// in the destructor or on replacement by move) and gpu_ledger::PacketScope
// guards; nothing here throws, so it builds with -fno-exceptions.
//
// Usage: compositor <trace path> [threads] [lanes per thread] [frames per lane]
//        (defaults 4, 3, 120; a path ending in .jsonl writes JSON Lines)
// Build: examples-cpp/CMakeLists.txt (target_link_libraries(... gpu_ledger::gpu_ledger))

#include "gpu_ledger.hpp"

#include <cerrno>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

namespace {

// The resource types the compositor makes, in the order it prints them (by name).
enum Kind { kBlurScratch, kCommandBuffer, kCommandQueue, kNativeTarget, kKinds };
const char* const kKindNames[kKinds] = {"BlurScratch", "CommandBuffer", "CommandQueue",
                                        "NativeTarget"};

// The compositor's own ground truth for one lane.
struct LaneCounts {
    std::uint64_t lane = 0;
    std::uint64_t queued = 0;
    std::uint64_t presented = 0;
    std::uint64_t dropped = 0;
    std::uint64_t failed = 0;
};

// What one render thread did (each thread writes only its own).
struct Counts {
    std::vector<LaneCounts> lanes;
    std::uint64_t created[kKinds] = {};
    std::uint64_t destroyed[kKinds] = {};
    std::uint64_t rebuilds = 0;
    std::string first_error;  // the first recording call that failed, if any

    // Keeps the first failure: `what` and the library's message.
    void check(std::error_code ec, const char* what) {
        if (ec && first_error.empty()) {
            first_error = std::string(what) + ": " + ec.message() + ": " +
                          gpu_ledger::last_error_message();
        }
    }
};

// One window: its lane and the GPU objects it holds (tracked by their handles).
struct Window {
    std::uint64_t lane = 0;
    gpu_ledger::Resource queue;
    gpu_ledger::Resource target;
    gpu_ledger::Resource blur;
};

// Everything a render thread needs, shared read-only.
struct Setup {
    const gpu_ledger::Ledger* ledger;
    GlTypeCode blur_type;
    std::uint64_t frames;
};

GlDims target_size(std::uint64_t frame) {
    // The window grows by 8 pixels every 20 frames.
    std::uint32_t grow = static_cast<std::uint32_t>(frame / 20) * 8;
    return GlDims{800 + grow, 600 + grow, 2.0f};
}

// Makes a resource of kind `kind` and counts it.
gpu_ledger::Resource make(const Setup& setup, Counts& counts, Kind kind, GlTypeCode type,
                          gpu_ledger::Owner owner, const GlDims* dims) {
    gpu_ledger::Resource resource(*setup.ledger, type, owner, dims);
    counts.check(resource.status(), "creating a resource");
    counts.created[kind]++;
    return resource;
}

// One frame of one window: packet `frame` of the window's lane.
void run_frame(const Setup& setup, Counts& counts, Window& w, LaneCounts& lane,
               std::uint64_t frame) {
    const gpu_ledger::Ledger& ledger = *setup.ledger;
    const gpu_ledger::Owner visual{GL_OWNER_ROOT_VISUAL, w.lane};
    const gpu_ledger::Owner effect{GL_OWNER_EFFECT_PIPELINE, w.lane};
    const GlDims blur_dims{256, 256, 1.0f};

    counts.check(ledger.packet_queued(w.lane, frame, w.lane * 100000 + frame), "packet_queued");
    lane.queued++;
    {
        gpu_ledger::PacketScope scope(ledger, w.lane, frame);
        counts.check(scope.status(), "entering a packet");
        if (frame == 1) {
            GlDims size = target_size(frame);
            w.queue = make(setup, counts, kCommandQueue, GL_TYPE_COMMAND_QUEUE, visual, nullptr);
            w.target = make(setup, counts, kNativeTarget, GL_TYPE_NATIVE_TARGET, visual, &size);
            w.blur = make(setup, counts, kBlurScratch, setup.blur_type, effect, &blur_dims);
        } else if (frame % 30 == 0) {
            // The swapchain went stale. As with Vulkan's oldSwapchain, the old
            // target lives until its replacement exists, and goes at the end of
            // this block.
            gpu_ledger::Resource old = std::move(w.target);
            GlDims size = target_size(frame);
            w.target = make(setup, counts, kNativeTarget, GL_TYPE_NATIVE_TARGET, visual, &size);
            counts.destroyed[kNativeTarget]++;
        } else if (frame % 20 == 0) {
            counts.check(w.target.resize_rebuild(target_size(frame)), "resize_rebuild");
            counts.rebuilds++;
        }
        if (frame % 10 == 5) {
            w.blur = make(setup, counts, kBlurScratch, setup.blur_type, effect, &blur_dims);
            counts.destroyed[kBlurScratch]++;
        }
        gpu_ledger::Resource commands = make(setup, counts, kCommandBuffer,
                                             GL_TYPE_COMMAND_BUFFER,
                                             {GL_OWNER_TRANSIENT, w.lane}, nullptr);
        counts.check(w.target.touch(), "touch");
        counts.check(w.blur.touch(), "touch");
        counts.check(commands.destroy(), "destroying the command buffer");
        counts.destroyed[kCommandBuffer]++;
    }
    if ((frame + w.lane) % 13 == 0) {
        counts.check(ledger.packet_stage(w.lane, frame, GL_STAGE_DROPPED), "packet_stage");
        lane.dropped++;
        return;
    }
    counts.check(ledger.packet_stage(w.lane, frame, GL_STAGE_SUBMITTED), "packet_stage");
    if ((frame + 2 * w.lane) % 17 == 0) {
        counts.check(ledger.packet_stage(w.lane, frame, GL_STAGE_FAILED), "packet_stage");
        lane.failed++;
        return;
    }
    counts.check(ledger.packet_stage(w.lane, frame, GL_STAGE_COMPLETED), "packet_stage");
    counts.check(ledger.packet_stage(w.lane, frame, GL_STAGE_PRESENTED), "packet_stage");
    lane.presented++;
}

// A render thread: its windows, frame by frame, round robin.
void render_thread(const Setup& setup, std::uint64_t first_lane, std::uint64_t lanes,
                   std::vector<Window>& windows, Counts& counts) {
    for (std::uint64_t i = 0; i < lanes; i++) {
        Window w;
        w.lane = first_lane + i;
        windows.push_back(std::move(w));  // growing the vector moves the windows
        LaneCounts lane;
        lane.lane = first_lane + i;
        counts.lanes.push_back(lane);
    }
    for (std::uint64_t frame = 1; frame <= setup.frames; frame++) {
        for (std::uint64_t i = 0; i < lanes; i++) {
            run_frame(setup, counts, windows[i], counts.lanes[i], frame);
        }
    }
}

// A positive count from the command line, or 0 if `text` is not one.
std::uint64_t parse_count(const char* text) {
    errno = 0;
    char* end = nullptr;
    unsigned long long value = std::strtoull(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || text[0] == '-' || value == 0 ||
        value > 1000000) {
        return 0;
    }
    return value;
}

void print_counts(const std::vector<Counts>& all, std::uint64_t threads,
                  const GlFinishStats& stats) {
    std::uint64_t created[kKinds] = {};
    std::uint64_t destroyed[kKinds] = {};
    std::uint64_t rebuilds = 0;
    std::printf("{\"threads\":%" PRIu64 ",\"lanes\":[", threads);
    bool first = true;
    for (const Counts& counts : all) {
        for (const LaneCounts& l : counts.lanes) {
            std::printf("%s{\"lane\":%" PRIu64 ",\"queued\":%" PRIu64 ",\"presented\":%" PRIu64
                        ",\"dropped\":%" PRIu64 ",\"failed\":%" PRIu64 "}",
                        first ? "" : ",", l.lane, l.queued, l.presented, l.dropped, l.failed);
            first = false;
        }
        for (int k = 0; k < kKinds; k++) {
            created[k] += counts.created[k];
            destroyed[k] += counts.destroyed[k];
        }
        rebuilds += counts.rebuilds;
    }
    const std::uint64_t* columns[2] = {created, destroyed};
    const char* names[2] = {"created", "destroyed"};
    for (int c = 0; c < 2; c++) {
        std::printf("%s\"%s\":{", c == 0 ? "]," : ",", names[c]);
        for (int k = 0; k < kKinds; k++) {
            std::printf("%s\"%s\":%" PRIu64, k == 0 ? "" : ",", kKindNames[k], columns[c][k]);
        }
        std::printf("}");
    }
    std::printf(",\"rebuilds\":%" PRIu64 ",\"events\":%" PRIu64 ",\"lost\":%" PRIu64 "}\n",
                rebuilds, stats.events, stats.lost);
}

}  // namespace

int main(int argc, char** argv) {
    std::uint64_t threads = argc > 2 ? parse_count(argv[2]) : 4;
    std::uint64_t lanes_per_thread = argc > 3 ? parse_count(argv[3]) : 3;
    std::uint64_t frames = argc > 4 ? parse_count(argv[4]) : 120;
    if (argc < 2 || argc > 5 || threads == 0 || lanes_per_thread == 0 || frames == 0) {
        std::fprintf(stderr,
                     "usage: %s <trace path> [threads] [lanes per thread] [frames per lane]\n"
                     "(counts from 1 to 1000000; defaults 4, 3, 120)\n",
                     argv[0]);
        return 2;
    }

    std::error_code ec;
    GlConfig config = gpu_ledger::config(argv[1]);
    config.source = "compositor";
    gpu_ledger::Ledger ledger = gpu_ledger::Ledger::start(config, ec);
    if (ec) {
        std::fprintf(stderr, "compositor: %s: %s\n", ec.message().c_str(),
                     gpu_ledger::last_error_message());
        return 1;
    }
    Setup setup{&ledger, ledger.resource_type("BlurScratch", ec), frames};
    if (ec) {
        std::fprintf(stderr, "compositor: resource_type: %s\n", gpu_ledger::last_error_message());
        return 1;
    }

    // Each render thread fills its own slots; the main thread reads them after join.
    std::vector<std::vector<Window>> windows(threads);
    std::vector<Counts> counts(threads);
    std::vector<std::thread> pool;
    for (std::uint64_t t = 0; t < threads; t++) {
        pool.emplace_back(render_thread, std::cref(setup), 1 + t * lanes_per_thread,
                          lanes_per_thread, std::ref(windows[t]), std::ref(counts[t]));
    }
    for (std::thread& thread : pool) {
        thread.join();
    }

    // Teardown, on the main thread: every window's queue, target and blur scratch.
    Counts& teardown = counts[0];
    teardown.check(ledger.shutdown_begins(), "shutdown_begins");
    for (std::vector<Window>& mine : windows) {
        for (Window& w : mine) {
            teardown.check(w.blur.destroy(), "destroying a blur scratch");
            teardown.check(w.target.destroy(), "destroying a target");
            teardown.check(w.queue.destroy(), "destroying a queue");
            teardown.destroyed[kBlurScratch]++;
            teardown.destroyed[kNativeTarget]++;
            teardown.destroyed[kCommandQueue]++;
        }
    }
    windows.clear();

    GlFinishStats stats{};
    ec = ledger.finish(&stats);
    if (ec) {
        std::fprintf(stderr, "compositor: finish: %s\n", gpu_ledger::last_error_message());
        return 1;
    }
    for (const Counts& c : counts) {
        if (!c.first_error.empty()) {
            std::fprintf(stderr, "compositor: %s\n", c.first_error.c_str());
            return 1;
        }
    }
    print_counts(counts, threads, stats);
    return 0;
}

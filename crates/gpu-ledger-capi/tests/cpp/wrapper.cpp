// wrapper.cpp: exercises the contracts gpu_ledger.hpp documents, one line of
// output per observation, for tests/integration/wrapper.rs to compare whole.
// (One call per statement where order matters: argument order is unspecified.)
// The trace it writes (argv[1]) is checked event by event there too.
//
// Usage: wrapper <trace path>   (reads GL_WRAPPER_TRACE, set to "maybe" by the test)

#include "gpu_ledger.hpp"

#include <cstdint>
#include <cstdio>
#include <system_error>
#include <type_traits>
#include <utility>

using gpu_ledger::errc;
using gpu_ledger::Ledger;
using gpu_ledger::PacketScope;
using gpu_ledger::Resource;

// The ownership rules, checked by the compiler.
static_assert(std::is_nothrow_move_constructible_v<Ledger> &&
                  std::is_nothrow_move_assignable_v<Ledger> &&
                  !std::is_copy_constructible_v<Ledger> && !std::is_copy_assignable_v<Ledger>,
              "Ledger is move-only");
static_assert(std::is_nothrow_move_constructible_v<Resource> &&
                  std::is_nothrow_move_assignable_v<Resource> &&
                  !std::is_copy_constructible_v<Resource> && !std::is_copy_assignable_v<Resource>,
              "Resource is move-only");
static_assert(!std::is_move_constructible_v<PacketScope> &&
                  !std::is_copy_constructible_v<PacketScope>,
              "PacketScope stays where it was made");
static_assert(sizeof(void*) != 8 || sizeof(Resource) == 40, "a Resource is 40 bytes on 64-bit");

namespace {

// "GL_OK", "GL_ERR_FINISHED", ...: the code's message, checked to be in our category.
const char* name(std::error_code ec) {
    if (ec.category() != gpu_ledger::category()) {
        return "(another category)";
    }
    return gl_status_name(ec.value());
}

// Opens nested packet scopes 1..depth on lane 9; at the deepest, one scope
// too many, then touches `r` after that scope's end.
void nest(const Ledger& ledger, const Resource& r, std::uint64_t packet, std::uint64_t depth) {
    PacketScope scope(ledger, 9, packet);
    if (packet < depth) {
        nest(ledger, r, packet + 1, depth);
        // Still in `packet`: the failed scope below left nothing.
        r.touch();
        return;
    }
    std::printf("scope %llu of %d: %s\n", static_cast<unsigned long long>(packet),
                GL_MAX_PACKET_DEPTH, name(scope.status()));
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s <trace path>\n", argv[0]);
        return 2;
    }

    std::error_code io = errc::io;
    std::printf("errc::io: category %s, message %s\n", io.category().name(),
                io.message().c_str());
    std::printf("== errc::io %d, == errc::finished %d\n", io == errc::io, io == errc::finished);
    std::printf("success converts to false: %d\n",
                static_cast<bool>(gpu_ledger::make_error_code(errc::ok)));

    {
        Ledger empty;
        Resource r(empty, GL_TYPE_TEXTURE, {GL_OWNER_ROOT_VISUAL, 1});
        std::printf("empty ledger: bool %d, recording %d\n", static_cast<bool>(empty),
                    empty.is_recording());
        std::printf("on it: create %s, id %llu, handle %d\n", name(r.status()),
                    static_cast<unsigned long long>(r.id()), static_cast<bool>(r));
    }
    {
        std::error_code ec;
        Ledger off = Ledger::from_env("GL_WRAPPER", ec);
        std::printf("bad toggle: %s, message %s\n", name(ec), gpu_ledger::last_error_message());
        std::printf("bad toggle: usable %d, recording %d\n", static_cast<bool>(off),
                    off.is_recording());
        Resource r(off, GL_TYPE_BUFFER, {GL_OWNER_ROOT_VISUAL, 1});
        std::printf("disabled ledger: create %s, id given %d\n", name(r.status()), r.id() != 0);
        std::printf("disabled ledger: destroy %s\n", name(r.destroy()));
    }

    std::error_code ec;
    GlConfig config = gpu_ledger::config(argv[1]);
    config.source = "wrapper";
    Ledger started = Ledger::start(config, ec);
    std::printf("start: %s, recording %d\n", name(ec), started.is_recording());
    Ledger ledger = std::move(started);  // the handle moves; the old owner is empty
    std::printf("moved-from ledger: bool %d\n", static_cast<bool>(started));
    std::printf("moved-from ledger: flush %s\n", name(started.flush()));

    GlTypeCode scratch = ledger.resource_type("Scratch", ec);
    std::printf("resource_type Scratch: %s, interned %d\n", name(ec),
                scratch >= GL_FIRST_NAME_CODE);
    GlTypeCode none = ledger.resource_type("", ec);
    std::printf("resource_type \"\": %s, code %u\n", name(ec), none);
    std::printf("message %s\n", gpu_ledger::last_error_message());
    Resource a(ledger, GL_TYPE_TEXTURE, {GL_OWNER_CHILD_VISUAL, 0x10});     // #1
    Resource b(std::move(a));                                              // #1 moves to b
    std::printf("moved-from resource: id %llu\n", static_cast<unsigned long long>(a.id()));
    std::printf("moved-from resource: destroy %s\n", name(a.destroy()));
    Resource c(ledger, scratch, {GL_OWNER_EFFECT_PIPELINE, 0x20});          // #2
    c = std::move(b);  // destroys #2, then holds #1
    std::printf("after move-assign: c holds #%llu\n", static_cast<unsigned long long>(c.id()));
    GlDims bigger{64, 64, 1.0f};
    std::printf("resize_rebuild %s\n", name(c.resize_rebuild(bigger)));
    std::printf("bind %s\n", name(c.bind()));
    std::printf("unbind %s\n", name(c.unbind()));

    nest(ledger, c, 1, GL_MAX_PACKET_DEPTH + 1);
    std::printf("packet_queued %s\n", name(ledger.packet_queued(9, 1, 500)));
    std::printf("touched %s\n", name(c.touched(9, 1)));
    std::printf("packet_stage %s\n", name(ledger.packet_stage(9, 1, GL_STAGE_PRESENTED)));
    std::printf("pool %s\n",
                name(ledger.pool(GL_POOL_HIT, GL_TYPE_TEXTURE, {GL_OWNER_CHILD_VISUAL, 0x10})));
    std::printf("marker %s\n", name(ledger.marker("Checkpoint")));
    std::printf("destroy %s\n", name(c.destroy()));
    std::printf("destroy again %s\n", name(c.destroy()));

    Resource late(ledger, GL_TYPE_BUFFER, {GL_OWNER_ROOT_VISUAL, 2});       // #3
    GlFinishStats stats{};
    std::printf("finish: %s\n", name(ledger.finish(&stats)));
    std::printf("events %llu, lost %llu\n", static_cast<unsigned long long>(stats.events),
                static_cast<unsigned long long>(stats.lost));
    std::printf("finish again: %s\n", name(ledger.finish()));
    Resource after(ledger, GL_TYPE_BUFFER, {GL_OWNER_ROOT_VISUAL, 2});
    std::printf("create after finish: %s, id %llu\n", name(after.status()),
                static_cast<unsigned long long>(after.id()));
    std::printf("destroy after finish: %s\n", name(late.destroy()));
    std::printf("emptied all the same: %d\n", !late);
    {
        PacketScope scope(ledger, 9, 99);
        std::printf("scope after finish: %s\n", name(scope.status()));
    }
    return 0;
}

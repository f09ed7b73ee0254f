// WASI through the C++ API on modules written as text: every preview-1
// function defined, exit as a typed outcome, guest pointers checked, gas
// charged per call and per byte. The C programs are in wasi_programs_test.cpp.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>
#include <vector>

#include <detwasm/wasi.hpp>

#include "unit/test_util.hpp"
#include "unit/wasi_test_util.hpp"

namespace detwasm::test {
namespace {

constexpr const char* kExitWat = R"(
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "hello, world\0a")
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const 13))
    (drop (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
    (call $exit (i32.const 42))
    unreachable))
)";

constexpr const char* kTrapWat = R"(
(module
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (func (export "_start") unreachable))
)";

// Each WASI function used raw: the guest passes whatever pointers it likes.
constexpr const char* kRawWat = R"(
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "random_get" (func $random_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_get" (func $args_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "clock_time_get" (func $clock_time_get (param i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll_oneoff (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_raise" (func $proc_raise (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "sock_accept" (func $sock_accept (param i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "write") (param i32 i32 i32 i32) (result i32)
    (call $fd_write (local.get 0) (local.get 1) (local.get 2) (local.get 3)))
  (func (export "random") (param i32 i32) (result i32) (call $random_get (local.get 0) (local.get 1)))
  (func (export "args") (param i32 i32) (result i32) (call $args_get (local.get 0) (local.get 1)))
  (func (export "clock") (param i32 i32) (result i32) (call $clock_time_get (local.get 0) (i64.const 0) (local.get 1)))
  (func (export "poll") (param i32 i32 i32 i32) (result i32)
    (call $poll_oneoff (local.get 0) (local.get 1) (local.get 2) (local.get 3)))
  (func (export "raise") (param i32) (result i32) (call $proc_raise (local.get 0)))
  (func (export "accept") (param i32) (result i32) (call $sock_accept (local.get 0) (i32.const 0) (i32.const 0)))
  (func (export "store32") (param i32 i32) (i32.store (local.get 0) (local.get 1)))
  (func (export "store64") (param i32 i64) (i64.store (local.get 0) (local.get 1)))
  (func (export "load64") (param i32) (result i64) (i64.load (local.get 0)))
  (func (export "load32") (param i32) (result i32) (i32.load (local.get 0))))
)";

// A module instantiated with WASI, its stdout kept in memory.
struct WasiInstance {
  WasiInstance(const char* wat, Tier tier, bool metered, WasiConfig config = {})
      : engine([&] {
          EngineConfig c;
          c.tier = tier;
          c.metering = metered;
          return c;
        }()),
        store(engine),
        module(Module::compile_text(engine, wat)),
        wasi([&] {
          config.stdout_stream = WasiStdio::buffer();
          return config;
        }()) {
    Linker linker;
    wasi.define(linker, store);
    Instantiation inst = linker.instantiate(store, module);
    EXPECT_FALSE(inst.trap);
    instance = inst.instance;
  }
  CallResult raw(const char* name, std::vector<Value> args) { return instance.get_func(name)->call(store, args); }
  int64_t load64(int32_t at) { return raw("load64", {Value::i32(at)}).results.at(0).as_i64(); }
  int32_t call(const char* name, std::vector<Value> args) {
    CallResult r = instance.get_func(name)->call(store, args);
    EXPECT_FALSE(r.trap) << r.trap->message;
    return r.results.empty() ? 0 : r.results[0].as_i32();
  }
  Engine engine;
  Store store;
  Module module;
  Wasi wasi;
  Instance instance;
};

constexpr int32_t kEfault = 21, kEinval = 28, kEnosys = 52, kEnotsock = 57, kEbadf = 8;

TEST(Wasi, DefinesEveryPreview1Function) {
  const char* names[] = {
      "args_get", "args_sizes_get", "environ_get", "environ_sizes_get", "clock_res_get", "clock_time_get",
      "fd_advise", "fd_allocate", "fd_close", "fd_datasync", "fd_fdstat_get", "fd_fdstat_set_flags",
      "fd_fdstat_set_rights", "fd_filestat_get", "fd_filestat_set_size", "fd_filestat_set_times", "fd_pread",
      "fd_prestat_get", "fd_prestat_dir_name", "fd_pwrite", "fd_read", "fd_readdir", "fd_renumber", "fd_seek",
      "fd_sync", "fd_tell", "fd_write", "path_create_directory", "path_filestat_get", "path_filestat_set_times",
      "path_link", "path_open", "path_readlink", "path_remove_directory", "path_rename", "path_symlink",
      "path_unlink_file", "poll_oneoff", "proc_exit", "proc_raise", "sched_yield", "random_get", "sock_accept",
      "sock_recv", "sock_send", "sock_shutdown"};
  Engine engine;
  Store store(engine);
  Wasi wasi(WasiConfig{});
  Linker linker;
  wasi.define(linker, store);
  for (const char* name : names) EXPECT_TRUE(linker.get("wasi_snapshot_preview1", name)) << name;
  auto exit = linker.get("wasi_snapshot_preview1", "proc_exit");
  ASSERT_TRUE(exit);
  EXPECT_EQ(std::get<Func>(*exit).type(), (FuncType{{ValType::I32}, {}}));
  auto open = std::get<Func>(*linker.get("wasi_snapshot_preview1", "path_open"));
  EXPECT_EQ(to_string(open.type()), "(i32 i32 i32 i32 i32 i64 i64 i32 i32) -> (i32)");
}

TEST(Wasi, ExitIsAnOutcomeNotAFault) {
  for (Tier tier : wasi_tiers()) {
    for (bool metered : {false, true}) {
      SCOPED_TRACE(std::string(tier_name(tier)) + (metered ? " metered" : ""));
      std::vector<uint8_t> bytes = wat2wasm(kExitWat);
      WasiRun run = run_wasi(bytes, tier, metered, {});
      ASSERT_TRUE(run.exit_code);
      EXPECT_EQ(*run.exit_code, 42u);
      EXPECT_FALSE(run.trap);
      EXPECT_EQ(run.out, "hello, world\n");

      WasiRun trapped = run_wasi(wat2wasm(kTrapWat), tier, metered, {});
      EXPECT_FALSE(trapped.exit_code);
      ASSERT_TRUE(trapped.trap);
      EXPECT_EQ(trapped.trap->kind, TrapKind::Unreachable);
    }
  }
  EXPECT_STREQ(trap_kind_name(TrapKind::Exit), "exit");
  EXPECT_TRUE(Trap::exit(3).is_exit());
  EXPECT_EQ(Trap::exit(3).exit_status, 3u);
}

TEST(Wasi, IsWasiCommand) {
  Engine engine;
  EXPECT_TRUE(is_wasi_command(Module::compile_text(engine, kTrapWat)));
  EXPECT_TRUE(is_wasi_command(Module::compile_text(engine, "(module (func (export \"_start\")))")));
  EXPECT_FALSE(is_wasi_command(Module::compile_text(engine, "(module (func (export \"main\")))")));
  EXPECT_FALSE(is_wasi_command(Module::compile_text(engine, "(module (func (export \"_start\") (param i32)))")));
}

TEST(Wasi, GuestPointersOutOfBoundsAreEfault) {
  for (Tier tier : wasi_tiers()) {
    SCOPED_TRACE(tier_name(tier));
    WasiInstance w(kRawWat, tier, false, WasiConfig{{"prog", "arg"}, {}, false, {}});
    auto i32 = [](int64_t v) { return Value::i32(static_cast<int32_t>(v)); };
    // The iovec array past the end, across the end, and wrapping round 2^32.
    EXPECT_EQ(w.call("write", {i32(1), i32(65536), i32(1), i32(100)}), kEfault);
    EXPECT_EQ(w.call("write", {i32(1), i32(65532), i32(1), i32(100)}), kEfault);
    EXPECT_EQ(w.call("write", {i32(1), i32(0xfffffffc), i32(2), i32(100)}), kEfault);
    EXPECT_EQ(w.call("write", {i32(1), i32(0), i32(0x7fffffff), i32(100)}), kEfault);
    // A buffer past the end.
    w.call("store32", {i32(0), i32(65530)});
    w.call("store32", {i32(4), i32(10)});
    EXPECT_EQ(w.call("write", {i32(1), i32(0), i32(1), i32(100)}), kEfault);
    w.call("store32", {i32(0), i32(0xffffffff)});
    w.call("store32", {i32(4), i32(2)});
    EXPECT_EQ(w.call("write", {i32(1), i32(0), i32(1), i32(100)}), kEfault);
    // The result pointer past the end; nothing was written.
    w.call("store32", {i32(0), i32(200)});
    w.call("store32", {i32(4), i32(3)});
    EXPECT_EQ(w.call("write", {i32(1), i32(0), i32(1), i32(65533)}), kEfault);
    EXPECT_EQ(w.wasi.output(1), "");
    EXPECT_EQ(w.call("write", {i32(1), i32(0), i32(1), i32(100)}), 0);
    EXPECT_EQ(w.call("load32", {i32(100)}), 3);
    EXPECT_EQ(w.wasi.output(1), std::string(3, '\0'));
    EXPECT_EQ(w.call("write", {i32(77), i32(0), i32(1), i32(100)}), kEbadf);

    EXPECT_EQ(w.call("random", {i32(65535), i32(2)}), kEfault);
    EXPECT_EQ(w.call("random", {i32(65535), i32(1)}), 0);
    EXPECT_EQ(w.call("random", {i32(0), i32(0xffffffff)}), kEfault);
    EXPECT_EQ(w.call("args", {i32(65534), i32(0)}), kEfault);      // two pointers do not fit
    EXPECT_EQ(w.call("args", {i32(0), i32(65533)}), kEfault);      // "prog\0arg\0" does not fit
    EXPECT_EQ(w.call("clock", {i32(0), i32(65529)}), kEfault);
    EXPECT_EQ(w.call("clock", {i32(9), i32(0)}), kEinval);
    EXPECT_EQ(w.call("poll", {i32(65500), i32(0), i32(1), i32(8)}), kEfault);
    EXPECT_EQ(w.call("poll", {i32(0), i32(0), i32(0), i32(8)}), kEinval);
    EXPECT_EQ(w.call("raise", {i32(9)}), kEnosys);
    EXPECT_EQ(w.call("accept", {i32(0)}), kEnotsock);
    EXPECT_EQ(w.call("accept", {i32(99)}), kEbadf);
  }
}

TEST(Wasi, PollOnAClockAdvancesTheVirtualClock) {
  for (Tier tier : wasi_tiers()) {
    SCOPED_TRACE(tier_name(tier));
    WasiInstance w(kRawWat, tier, false);
    auto i32 = [](int64_t v) { return Value::i32(static_cast<int32_t>(v)); };
    ASSERT_EQ(w.call("clock", {i32(1), i32(512)}), 0);
    int64_t before = w.load64(512);
    // One subscription at 0: userdata 7, clock monotonic, 5 s relative.
    w.call("store64", {i32(0), Value::i64(7)});
    w.call("store32", {i32(8), i32(0)});
    w.call("store32", {i32(16), i32(1)});
    w.call("store64", {i32(24), Value::i64(5'000'000'000)});
    w.call("store64", {i32(32), Value::i64(0)});
    w.call("store32", {i32(40), i32(0)});
    ASSERT_EQ(w.call("poll", {i32(0), i32(100), i32(1), i32(200)}), 0);
    EXPECT_EQ(w.call("load32", {i32(200)}), 1);
    EXPECT_EQ(w.load64(100), 7);
    ASSERT_EQ(w.call("clock", {i32(1), i32(512)}), 0);
    int64_t after = w.load64(512);
    EXPECT_GE(after - before, 5'000'000'000);
    EXPECT_LE(after - before, 5'000'000'000 + 2 * static_cast<int64_t>(WasiConfig{}.clock_step_ns));
    // The longest wait there is: the clock stops at its end instead of wrapping round.
    w.call("store64", {i32(24), Value::i64(-1)});
    ASSERT_EQ(w.call("poll", {i32(0), i32(100), i32(1), i32(200)}), 0);
    ASSERT_EQ(w.call("clock", {i32(1), i32(512)}), 0);
    EXPECT_EQ(static_cast<uint64_t>(w.load64(512)), UINT64_MAX);
    ASSERT_EQ(w.call("clock", {i32(0), i32(512)}), 0);
    EXPECT_EQ(static_cast<uint64_t>(w.load64(512)), UINT64_MAX);
  }
}

TEST(Wasi, PollOnTheStandardStreams) {
  for (Tier tier : wasi_tiers()) {
    SCOPED_TRACE(tier_name(tier));
    WasiConfig c;
    c.stdin_stream = WasiStdio::buffer("abc");
    WasiInstance w(kRawWat, tier, false, c);
    auto i32 = [](int64_t v) { return Value::i32(static_cast<int32_t>(v)); };
    // Three subscriptions: read stdin, write stdout, read a closed descriptor.
    const int32_t kinds[3] = {1, 2, 1}, fds[3] = {0, 1, 99};
    for (int32_t i = 0; i < 3; ++i) {
      int32_t s = i * 48;
      w.call("store64", {i32(s), Value::i64(10 + i)});
      w.call("store32", {i32(s + 8), i32(kinds[i])});
      w.call("store32", {i32(s + 16), i32(fds[i])});
    }
    ASSERT_EQ(w.call("poll", {i32(0), i32(1024), i32(3), i32(2048)}), 0);
    ASSERT_EQ(w.call("load32", {i32(2048)}), 3);
    auto event = [&](int i) { return 1024 + 32 * i; };
    EXPECT_EQ(w.load64(event(0)), 10);
    EXPECT_EQ(w.call("load32", {i32(event(0) + 8)}) & 0xffff, 0);        // no error
    EXPECT_EQ((w.call("load32", {i32(event(0) + 8)}) >> 16) & 0xff, 1);  // fd_read
    EXPECT_EQ(w.load64(event(0) + 16), 3);                                // bytes ready
    EXPECT_EQ(w.load64(event(1)), 11);
    EXPECT_EQ((w.call("load32", {i32(event(1) + 8)}) >> 16) & 0xff, 2);  // fd_write
    EXPECT_EQ(w.load64(event(2)), 12);
    EXPECT_EQ(w.call("load32", {i32(event(2) + 8)}) & 0xffff, kEbadf);
  }
}

// A standard stream the host hands in (here a pipe as stdin) is polled on
// the host: no input means the clock deadline comes first; input is ready
// with its byte count; a closed writer is a hang-up.
TEST(Wasi, PollWaitsForInputOnAHostStream) {
  TempDir dir;
  std::string fifo = (dir.path() / "stdin").string();
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  auto i32 = [](int64_t v) { return Value::i32(static_cast<int32_t>(v)); };
  for (Tier tier : wasi_tiers()) {
    SCOPED_TRACE(tier_name(tier));
    int writer = ::open(fifo.c_str(), O_RDWR | O_CLOEXEC);  // opened first, so the program's open does not block
    ASSERT_GE(writer, 0);
    WasiConfig c;
    c.stdin_stream = WasiStdio::file(fifo);
    WasiInstance w(kRawWat, tier, false, c);
    w.call("store64", {i32(0), Value::i64(1)});
    w.call("store32", {i32(8), i32(1)});  // fd_read
    w.call("store32", {i32(16), i32(0)});
    w.call("store64", {i32(48), Value::i64(2)});
    w.call("store32", {i32(56), i32(0)});                          // clock
    w.call("store32", {i32(64), i32(1)});                          // monotonic
    w.call("store64", {i32(72), Value::i64(20'000'000)});          // 20 ms, relative
    w.call("store32", {i32(88), i32(0)});
    auto poll = [&] {
      EXPECT_EQ(w.call("poll", {i32(0), i32(1024), i32(2), i32(2048)}), 0);
      return w.call("load32", {i32(2048)});
    };
    ASSERT_EQ(poll(), 1);
    EXPECT_EQ(w.load64(1024), 2) << "no input: the deadline";

    ASSERT_EQ(::write(writer, "hello", 5), 5);
    ASSERT_EQ(poll(), 1);
    EXPECT_EQ(w.load64(1024), 1) << "input first";
    EXPECT_EQ(w.call("load32", {i32(1024 + 8)}), 1 << 16);  // no error, fd_read
    EXPECT_EQ(w.load64(1024 + 16), 5);
    EXPECT_EQ(w.call("load32", {i32(1024 + 24)}) & 0xffff, 0);

    ::close(writer);
    ASSERT_EQ(poll(), 1);
    EXPECT_EQ(w.load64(1024), 1);
    EXPECT_EQ(w.call("load32", {i32(1024 + 24)}) & 0xffff, 1) << "hang-up";
  }
}

TEST(Wasi, GasIsChargedPerCallAndPerByte) {
  for (Tier tier : wasi_tiers()) {
    SCOPED_TRACE(tier_name(tier));
    const GasSchedule& s = GasSchedule::v1();
    auto gas_for = [&](int32_t bytes) {
      WasiInstance w(kRawWat, tier, true);
      w.call("store32", {Value::i32(0), Value::i32(16)});
      w.call("store32", {Value::i32(4), Value::i32(bytes)});
      uint64_t before = w.store.gas_used();
      EXPECT_EQ(w.call("write", {Value::i32(1), Value::i32(0), Value::i32(1), Value::i32(8)}), 0);
      return w.store.gas_used() - before;
    };
    uint64_t ten = gas_for(10), hundred_ten = gas_for(110);
    EXPECT_EQ(hundred_ten - ten, 100 * s.wasi_per_byte);
    EXPECT_GE(ten, s.wasi_call + 10 * s.wasi_per_byte);

    // Out of gas in the middle of a write: nothing is written.
    WasiInstance w(kRawWat, tier, true);
    w.call("store32", {Value::i32(0), Value::i32(16)});
    w.call("store32", {Value::i32(4), Value::i32(60000)});
    w.store.set_gas_limit(s.wasi_call + 1000);
    CallResult r = w.raw("write", {Value::i32(1), Value::i32(0), Value::i32(1), Value::i32(8)});
    ASSERT_TRUE(r.trap);
    EXPECT_EQ(r.trap->kind, TrapKind::OutOfGas);
    EXPECT_EQ(w.wasi.output(1), "");
  }
}

TEST(Wasi, RandomIsASeededStreamWhateverTheSizesAsked) {
  auto bytes_of = [](uint64_t seed, std::vector<int32_t> sizes) {
    WasiConfig c;
    c.random_seed = seed;
    WasiInstance w(kRawWat, Tier::Interpreter, false, c);
    int32_t at = 1024;
    for (int32_t n : sizes) {
      EXPECT_EQ(w.call("random", {Value::i32(at), Value::i32(n)}), 0);
      at += n;
    }
    std::optional<Memory> mem = w.instance.get_memory("memory");
    return std::string(reinterpret_cast<const char*>(mem->data()) + 1024, static_cast<size_t>(at - 1024));
  };
  std::string whole = bytes_of(1, {200});
  EXPECT_EQ(whole, bytes_of(1, {1, 63, 64, 5, 67}));
  EXPECT_NE(whole, bytes_of(2, {200}));
  EXPECT_NE(whole, std::string(200, '\0'));
}

TEST(Wasi, ConfigIdentityNamesTheChoices) {
  WasiConfig a, b;
  b.random_seed = 1;
  EXPECT_NE(a.identity(), b.identity());
  b = a;
  b.wall_clock = true;
  EXPECT_NE(a.identity(), b.identity());
  b = a;
  b.preopens.push_back({"/tmp", "/data", true});
  EXPECT_NE(a.identity(), b.identity());
  EXPECT_EQ(a.identity(), WasiConfig{}.identity());
}

TEST(Wasi, BadConfigurationIsATypedError) {
  WasiConfig c;
  c.preopens.push_back({"/no/such/directory/here", "/x", false});
  EXPECT_THROW(Wasi{c}, Error);
  WasiConfig e;
  e.env.push_back("NOEQUALS");
  EXPECT_THROW(Wasi{e}, Error);
  WasiConfig s;
  s.stdin_stream = WasiStdio::file("/no/such/file/here");
  EXPECT_THROW(Wasi{s}, Error);
}

}  // namespace
}  // namespace detwasm::test

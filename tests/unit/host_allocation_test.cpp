// Growth that the host cannot back, in each tier. memory.grow and table.grow
// are where Wasm asks the host for memory while it runs; when the host says
// no, Wasm's answer is -1 with the memory or table unchanged, never a crash.
// In the JIT tier the allocation fails inside a builtin called from compiled
// code, so an exception from the allocator must stop at the builtin: C++
// cannot unwind through compiled frames (jit/abi.hpp).
#include <gtest/gtest.h>

#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "test_util.hpp"

namespace detwasm::test {
namespace {

// (module
//   (memory 1)
//   (table $t 1 funcref)
//   (func (export "table_grow") (param i32) (result i32) (table.grow $t (ref.null func) (local.get 0)))
//   (func (export "table_size") (result i32) (table.size $t))
//   (func (export "memory_grow") (param i32) (result i32) (memory.grow (local.get 0)))
//   (func (export "memory_size") (result i32) (memory.size)))
const std::vector<uint8_t> kGrowable = from_hex(
    "0061736d01000000010a0260017f017f6000017f0305040001000104040170000105030100010737040a7461626c655f"
    "67726f7700000a7461626c655f73697a6500010b6d656d6f72795f67726f7700020b6d656d6f72795f73697a6500030a"
    "1d040900d0702000fc0f000b0500fc10000b0600200040000b04003f000b");

// Bytes of private writable memory the process has mapped now (VmData).
uint64_t data_bytes_in_use() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmData:", 0) == 0) return std::stoull(line.substr(7)) * 1024;  // in kB
  return 0;
}

int32_t i32_result(const CallResult& r) {
  if (r.trap) {
    std::fprintf(stderr, "trapped: %s\n", r.trap->message.c_str());
    std::fflush(stderr);
    std::_Exit(2);
  }
  return static_cast<int32_t>(r.results.at(0).bits);
}

// Runs in a child process: from here on the host grants 64 MiB more private
// writable memory (RLIMIT_DATA counts both malloc's mappings and pages made
// writable in the memory's reservation), and each growth asks for 2 GiB.
[[noreturn]] void grow_past_what_the_host_allows(Loaded& m) {
  rlimit limit{};
  getrlimit(RLIMIT_DATA, &limit);
  limit.rlim_cur = data_bytes_in_use() + (64u << 20);
  if (data_bytes_in_use() == 0 || setrlimit(RLIMIT_DATA, &limit) != 0) {
    std::fprintf(stderr, "cannot limit the data size\n");
    std::_Exit(3);
  }
  const int32_t table_grow = i32_result(m.call("table_grow", {Value::i32(256 << 20)}));    // 2 GiB of elements
  const int32_t memory_grow = i32_result(m.call("memory_grow", {Value::i32(32768)}));     // 2 GiB of pages
  const int32_t table_size = i32_result(m.call("table_size"));
  const int32_t memory_size = i32_result(m.call("memory_size"));
  // The same calls still work within what the host grants.
  const int32_t small_grow = i32_result(m.call("table_grow", {Value::i32(1)}));
  std::fprintf(stderr, "table.grow %d table.size %d memory.grow %d memory.size %d then table.grow %d\n", table_grow,
               table_size, memory_grow, memory_size, small_grow);
  std::fflush(stderr);
  std::_Exit(0);
}

class HostOutOfMemoryDeathTest : public ::testing::TestWithParam<Tier> {};

TEST_P(HostOutOfMemoryDeathTest, GrowthTheHostCannotBackReturnsMinusOne) {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  GTEST_SKIP() << "the sanitizer's allocator reports running out of memory itself";
#endif
#if defined(DETWASM_TESTS_UNDER_EMULATOR)
  GTEST_SKIP() << "qemu-user does not hold the guest to RLIMIT_DATA";
#endif
  EngineConfig config;
  config.tier = GetParam();
  // The engine's limits allow the growth: only the host refuses it.
  config.limits.max_table_elements = 0xFFFFFFFFu;
  config.limits.max_memory_pages = 65536;
  Loaded m(kGrowable, config);
  // Everything a call allocates once per store (the native or value stack,
  // the trap buffers) is in place before the limit.
  EXPECT_RESULT(m.call("table_grow", {Value::i32(1)}), Value::i32(1));
  EXPECT_RESULT(m.call("memory_grow", {Value::i32(1)}), Value::i32(1));
  EXPECT_EXIT(grow_past_what_the_host_allows(m), ::testing::ExitedWithCode(0),
              "table.grow -1 table.size 2 memory.grow -1 memory.size 2 then table.grow 2");
}

INSTANTIATE_TEST_SUITE_P(Tiers, HostOutOfMemoryDeathTest, ::testing::ValuesIn(tiers_here()),
                         [](const auto& info) { return info.param == Tier::Interpreter ? "interp" : "jit"; });

}  // namespace
}  // namespace detwasm::test

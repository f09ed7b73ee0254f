#include <gtest/gtest.h>

#include <sys/mman.h>

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>

#include "jit/code_memory.hpp"
#include "jit/native_stack.hpp"

namespace detwasm::jit {
namespace {

// The protection of the page holding `p`, from /proc/self/maps ("r-xp"...).
std::string protection_of(const void* p) {
  std::ifstream maps("/proc/self/maps");
  std::string line;
  auto addr = reinterpret_cast<uintptr_t>(p);
  while (std::getline(maps, line)) {
    std::istringstream in(line);
    std::string range, perms;
    in >> range >> perms;
    auto dash = range.find('-');
    uintptr_t lo = std::stoull(range.substr(0, dash), nullptr, 16);
    uintptr_t hi = std::stoull(range.substr(dash + 1), nullptr, 16);
    if (addr >= lo && addr < hi) return perms;
  }
  return "";
}

TEST(JitCodeMemory, MapsCodeReadExecuteOnly) {
#if defined(__aarch64__)
  // mov w0, #42; ret
  const uint8_t code[] = {0x40, 0x05, 0x80, 0x52, 0xC0, 0x03, 0x5F, 0xD6};
#else
  // mov eax, 42; ret
  const uint8_t code[] = {0xB8, 0x2A, 0x00, 0x00, 0x00, 0xC3};
#endif
  CodeMemory mem(code, {0});
  EXPECT_EQ(mem.size(), sizeof code);
  EXPECT_EQ(protection_of(mem.base()).substr(0, 3), "r-x");
  auto fn = reinterpret_cast<int (*)()>(const_cast<void*>(mem.func_entry(0)));
  EXPECT_EQ(fn(), 42);
}

TEST(JitCodeMemory, KeepsFunctionOffsets) {
  const uint8_t code[] = {0xC3, 0x90, 0x90, 0xC3};
  CodeMemory mem(code, {0, 3});
  EXPECT_EQ(mem.num_functions(), 2u);
  EXPECT_EQ(mem.func_offset(1), 3u);
  EXPECT_EQ(mem.func_entry(1), mem.base() + 3);
  EXPECT_TRUE(mem.contains(mem.base() + 3));
  EXPECT_FALSE(mem.contains(mem.base() + 4));
}

TEST(JitCodeMemory, MovesOwnership) {
  const uint8_t code[] = {0xC3};
  CodeMemory a(code, {0});
  const uint8_t* base = a.base();
  CodeMemory b(std::move(a));
  EXPECT_EQ(b.base(), base);
  EXPECT_EQ(a.base(), nullptr);
  CodeMemory c;
  c = std::move(b);
  EXPECT_EQ(c.base(), base);
}

TEST(JitNativeStack, HasGuardPageBelowUsableRange) {
  NativeStack stack(100000);
  EXPECT_GE(stack.usable_size(), 100000u);
  EXPECT_EQ(stack.top() - stack.limit(), static_cast<ptrdiff_t>(stack.usable_size()));
  EXPECT_EQ(protection_of(stack.limit() - 1).substr(0, 3), "---");
  EXPECT_EQ(protection_of(stack.limit()).substr(0, 2), "rw");
  stack.top()[-1] = 1;  // writable
}

TEST(JitNativeStack, SizeCoversTheSlotBudget) {
  ResourceLimits limits;
  limits.stack_budget_slots = 1000;
  EXPECT_EQ(native_stack_size(limits), 8000 + kNativeStackMargin);
}

}  // namespace
}  // namespace detwasm::jit

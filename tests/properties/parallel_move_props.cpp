// The parallel move that brings a loop's residents home: whatever the
// destinations and sources (chains, cycles, self-moves, loads), every
// destination ends with its source's value from before the moves, and
// registers that are no destination keep theirs.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <array>
#include <optional>
#include <vector>

#include "jit/parallel_move.hpp"

namespace detwasm::jit {
namespace {

constexpr uint8_t kRegisters = 16;

RC_GTEST_PROP(ParallelMove, EveryDestinationGetsItsSourcesOldValue, ()) {
  // Distinct destinations, each from any register (or from memory).
  auto dests = *rc::gen::unique<std::vector<uint8_t>>(rc::gen::inRange<uint8_t>(0, kRegisters));
  std::vector<RegMove> moves;
  for (uint8_t d : dests) {
    std::optional<Reg> from;
    if (*rc::gen::inRange(0, 5) != 0) from = gpr(*rc::gen::inRange<uint8_t>(0, kRegisters));
    moves.push_back({gpr(d), from, static_cast<uint32_t>(moves.size())});
  }
  std::array<uint64_t, kRegisters> regs;
  for (uint8_t r = 0; r < kRegisters; ++r) regs[r] = 100 + r;
  const auto before = regs;
  // A move's value is also in memory (a local's slot is always current).
  std::vector<uint64_t> memory;
  for (const RegMove& m : moves) memory.push_back(m.from ? before[m.from->code] : 1000 + m.tag);
  const std::vector<RegMove> wanted = moves;

  size_t loads = 0;
  emit_parallel_move(
      std::span<RegMove>(moves), [&](const RegMove& m) { regs[m.to.code] = regs[m.from->code]; },
      [&](const RegMove& m) {
        regs[m.to.code] = memory[m.tag];
        ++loads;
      });

  std::array<bool, kRegisters> is_dest{};
  for (const RegMove& m : wanted) {
    is_dest[m.to.code] = true;
    RC_ASSERT(regs[m.to.code] == memory[m.tag]);
  }
  for (uint8_t r = 0; r < kRegisters; ++r) {
    if (!is_dest[r]) RC_ASSERT(regs[r] == before[r]);
  }
  // Without a destination that is another move's source there is no cycle,
  // so only the moves from memory load.
  bool overlap = false;
  size_t from_memory = 0;
  for (const RegMove& m : wanted) {
    from_memory += !m.from;
    for (const RegMove& o : wanted) overlap |= &o != &m && o.from == m.to;
  }
  if (!overlap) RC_ASSERT(loads == from_memory);
}

}  // namespace
}  // namespace detwasm::jit

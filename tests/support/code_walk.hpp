// Reads the operators of validated function bodies, for tools that look at
// code from outside the engine: operator coverage of the generator, and a
// static bound on execution steps that lets fuzzers run exports of arbitrary
// modules without running forever.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <vector>

#include <detwasm/detwasm.hpp>

#include "decode/opcodes.hpp"

namespace detwasm::test {

struct Instr {
  internal::Opcode op;
  uint32_t offset = 0;  // in the body, from its first byte (the locals)
  // The first two index immediates (function, type, table, label, local,
  // global, segment), where the operator has them.
  uint32_t index0 = 0, index1 = 0;
};

// Calls `visit` for each operator of `body` (a code section entry without its
// size: locals, then the instructions). Returns false if the bytes are not a
// sequence of known operators with well-formed immediates.
bool walk_body(std::span<const uint8_t> body, const std::function<void(const Instr&)>& visit);

// The body of the `i`-th defined function of a compiled module.
std::span<const uint8_t> function_body(const Module& module, uint32_t defined_index);

// An upper bound on the operators a call to function `func_index` executes,
// counting what it calls (bulk memory and table operators count
// `bulk_weight`), or nullopt when unbounded: a loop, or a cycle of calls
// (call_indirect may reach every function of its type). Host functions count
// one step.
class StepBound {
 public:
  explicit StepBound(const Module& module, uint64_t bulk_weight = 256);
  std::optional<uint64_t> of(uint32_t func_index);

 private:
  Module module_;
  uint64_t bulk_weight_;
  enum class State : uint8_t { Unvisited, InProgress, Done };
  std::vector<State> state_;
  std::vector<std::optional<uint64_t>> bound_;
  uint32_t depth_ = 0;
};

}  // namespace detwasm::test

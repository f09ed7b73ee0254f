// The reference interpreter's code: each function body lowered, in one pass,
// into a flat array of 32-bit words. An instruction is an IOp word followed by
// its immediates. Branch targets are word indices, resolved at lowering time,
// with the operand height to cut back to, so execution never searches.
#pragma once

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <optional>
#include <vector>

namespace detwasm::internal {

enum class IOp : uint32_t {
  // Wasm operators, with their own opcode values.
#define DETWASM_CONTROL_OP(Name, opcode, text, Gas) Name = opcode,
#define DETWASM_NUMERIC_OP(Name, opcode, text, In1, In2, Out, Gas) Name = opcode,
#define DETWASM_LOAD_OP(Name, opcode, text, Out, size_log2, Gas) Name = opcode,
#define DETWASM_STORE_OP(Name, opcode, text, In, size_log2, Gas) Name = opcode,
#include "decode/opcodes.def"
  // Lowered control flow, numbered past every Wasm opcode.
  //   Jump target                      unconditional, no stack change
  //   BrUnless target                  pop i32; jump if zero (if / else)
  //   Branch target slot arity         move the top `arity` values to slot `slot` (from the
  //                                    frame base, locals included) and jump
  //   BranchIf target slot arity       pop i32; if non-zero, Branch
  //   BranchTable n arity [target slot] x (n + 1)    pop i32 index; the last entry is the default
  //   Return arity
  //   ChargeGas lo hi                  take a straight-line segment's cost (64-bit) from the
  //                                    gas left, or trap out of gas before the segment runs
  Jump = 0x10000,
  BrUnless,
  Branch,
  BranchIf,
  BranchTable,
  ReturnN,
  ChargeGas,
};

// Where an instruction that can trap or call came from: its first code word
// and the module offset of its Wasm operator. Sorted by code word.
struct InterpSourcePos {
  uint32_t code_index;
  uint32_t module_offset;
};

struct InterpFunction {
  std::vector<uint32_t> code;
  std::vector<InterpSourcePos> sources;

  // The module offset of the instruction that was running when execution
  // stood at `pc` (past its opcode word: the last listed instruction that
  // starts before it).
  std::optional<uint32_t> module_offset_before(uint32_t pc) const {
    auto it = std::lower_bound(sources.begin(), sources.end(), pc,
                               [](const InterpSourcePos& s, uint32_t at) { return s.code_index < at; });
    if (it == sources.begin()) return std::nullopt;
    return std::prev(it)->module_offset;
  }
};

}  // namespace detwasm::internal

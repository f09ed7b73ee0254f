// Moves into several registers at once, where a destination may be another
// move's source: each destination must end up with its source's value from
// before any of the moves. Used at branches back to a loop, whose residents
// may sit in each other's registers.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "jit/masm.hpp"

namespace detwasm::jit {

struct RegMove {
  Reg to;
  std::optional<Reg> from;  // none: the value is loaded from memory (its slot)
  uint32_t tag = 0;         // the caller's, passed back to the emitters
};

// Emits every move of `moves` (distinct destinations; the span is used as
// scratch) through emit_move(const RegMove&) and emit_load(const RegMove&).
// A move waits while its destination is still some other move's source; a
// cycle is broken by loading one of its values from memory instead, which
// reads no register. O(n^2) in the moves, n at most the register count.
template <typename EmitMove, typename EmitLoad>
void emit_parallel_move(std::span<RegMove> moves, EmitMove&& emit_move, EmitLoad&& emit_load) {
  size_t n = moves.size();
  while (n > 0) {
    bool progress = false;
    for (size_t i = 0; i < n;) {
      bool blocked = false;
      for (size_t j = 0; j < n && !blocked; ++j) blocked = j != i && moves[j].from == moves[i].to;
      if (blocked) {
        ++i;
        continue;
      }
      if (moves[i].from && *moves[i].from != moves[i].to) emit_move(moves[i]);
      else if (!moves[i].from) emit_load(moves[i]);
      moves[i] = moves[--n];
      progress = true;
    }
    if (!progress) moves[0].from.reset();
  }
}

}  // namespace detwasm::jit

// One function's machine code, compiled on its own: its bytes depend on that
// function and the module's declarations alone, never on which functions
// were compiled before it, on which thread, or where it will be placed. What
// it refers to outside itself (other functions, the trap stubs, the gas
// thunks) is a relocation that the module's link step resolves once every
// function is placed. So functions compile in parallel, and the module's code
// is the same bytes for any number of threads.
#pragma once

#include <cstdint>
#include <vector>

#include "jit/source_map.hpp"
#include "jit/trap_handler.hpp"

namespace detwasm::jit {

// Something outside the function being compiled.
struct Symbol {
  enum class Kind : uint8_t {
    FunctionBody,  // index: a defined function; its inner entry (direct calls, abi.hpp)
    TrapStub,      // index: a TrapKind
    BuiltinTrap,   // where a builtin's failure code goes
    GasThunk,      // index: a segment cost; adds it back, then traps out of gas
  };
  Kind kind;
  uint32_t index = 0;
  bool operator==(const Symbol&) const = default;
};

// A field at `at` (from the function's start) to fill with the distance to
// `target`, as the target's branch encoding wants it.
struct Relocation {
  uint32_t at;
  Symbol target;
};

// Functions start on this boundary, in the buffer they are compiled into as
// in the module's code: alignment inside a function (loop headers, tables,
// constants) is then the same wherever it is placed.
constexpr uint32_t kFunctionAlignment = 32;

// Where a compiled function is in the buffer of the thread that compiled it,
// and what it needs from the link step. Offsets are from its start.
struct FunctionCode {
  uint32_t start = 0;        // in its buffer
  uint32_t size = 0;
  uint32_t outer_entry = 0;  // funcrefs and the entry trampoline (abi.hpp)
  std::vector<Relocation> relocations;
  std::vector<TrapSite> trap_sites;
  std::vector<SourcePos> sources;  // sorted by code offset
};

// The runtime tail of a module's code (the MacroAssembler's emit_tail):
// where it put what functions refer to, from its start.
struct TailCode {
  uint32_t start = 0;  // in its buffer
  uint32_t size = 0;
  std::vector<uint32_t> trap_stubs;  // by TrapKind
  uint32_t builtin_trap = 0;
  std::vector<uint32_t> gas_thunks;  // parallel to the costs asked for
};

}  // namespace detwasm::jit

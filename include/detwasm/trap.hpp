// A trap is a value: what went wrong, a message, and the Wasm frames it unwound.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace detwasm {

enum class TrapKind : uint8_t {
  Unreachable,
  MemoryOutOfBounds,
  TableOutOfBounds,
  IndirectCallToNull,     // call_indirect through an uninitialised (null) element
  IndirectCallSignature,  // call_indirect type mismatch
  IntegerDivideByZero,
  IntegerOverflow,
  InvalidConversion,      // float-to-int of NaN or out of range
  StackExhausted,         // the deterministic stack budget ran out
  OutOfGas,
  HostError,              // a host function reported failure
};

// Stable snake_case name ("memory_out_of_bounds"), used by the CLI's JSON.
const char* trap_kind_name(TrapKind kind);
// The wording of the Wasm spec tests ("out of bounds memory access").
const char* trap_kind_message(TrapKind kind);

struct TrapFrame {
  uint32_t func_index = 0;  // in the module's function index space
  std::string func_name;    // from the name section, or empty
  std::string module_name;  // from the name section, or empty
};

struct Trap {
  TrapKind kind = TrapKind::Unreachable;
  std::string message;
  std::vector<TrapFrame> frames;  // innermost first; at most 4096 of them
  uint64_t frame_count = 0;       // Wasm frames the trap unwound, all of them

  static Trap make(TrapKind kind) { return Trap{kind, trap_kind_message(kind), {}}; }
  static Trap host(std::string message) { return Trap{TrapKind::HostError, std::move(message), {}}; }
  std::string to_string() const;  // message plus one line per frame
};

}  // namespace detwasm

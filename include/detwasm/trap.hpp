// A trap is a value: what went wrong, a message, and the Wasm frames it unwound.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace detwasm {

namespace internal {
struct InstanceData;
}

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
  Exit,                   // the program asked to end (WASI proc_exit): not a fault; see exit_status
};

// Stable snake_case name ("memory_out_of_bounds"), used by the CLI's JSON.
const char* trap_kind_name(TrapKind kind);
// The wording of the Wasm spec tests ("out of bounds memory access").
const char* trap_kind_message(TrapKind kind);

// One Wasm activation a trap unwound. The offsets are of the instruction
// that trapped (the innermost frame) or of the call that was running (every
// other frame); both tiers report the same ones.
struct TrapFrame {
  uint32_t func_index = 0;  // in the module's function index space
  // The instance the function belongs to, as Instance(instance) gives it:
  // an instance of the store the call ran in, valid while that store lives.
  internal::InstanceData* instance = nullptr;
  std::string func_name;    // from the name section, or empty
  std::string module_name;  // from the name section, or empty
  std::optional<uint64_t> module_offset;  // byte offset in the module's binary
  std::optional<uint64_t> func_offset;    // from the first byte of the function's body (its locals)
};

struct Trap {
  TrapKind kind = TrapKind::Unreachable;
  std::string message;
  std::vector<TrapFrame> frames;  // innermost first; at most 4096 of them
  uint64_t frame_count = 0;       // Wasm frames the trap unwound, all of them
  uint32_t exit_status = 0;       // kind Exit only: the status the program gave

  static Trap make(TrapKind kind) { return Trap{kind, trap_kind_message(kind), {}}; }
  static Trap host(std::string message) { return Trap{TrapKind::HostError, std::move(message), {}}; }
  // The program's own end with `status`: it unwinds like a trap but is an outcome, not a fault.
  static Trap exit(uint32_t status) {
    Trap t{TrapKind::Exit, "exit with status " + std::to_string(status), {}};
    t.exit_status = status;
    return t;
  }
  bool is_exit() const { return kind == TrapKind::Exit; }
  // The message, then a backtrace as wasmtime prints it, one line per frame:
  // "    0:   0x2a - module!function" (names from the name section, or
  // "<unknown>" and "<wasm function N>").
  std::string to_string() const;
};

}  // namespace detwasm

// Gas: a versioned schedule of costs, and the classes operators are priced by.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace detwasm {

// Every operator belongs to one class (the operator table says which).
enum class GasClass : uint8_t {
  Free,          // block, loop, else, end, nop: structure only
  Base,          // constants, locals, drop, select, references
  Branch,        // br, br_if, br_table, return, if, unreachable
  Global,
  Load,
  Store,
  IntAlu,
  IntMul,
  IntDiv,
  FloatAlu,
  FloatDiv,      // division and square root
  Conversion,
  Call,          // charged at the call site; the callee's entry costs its locals
  CallIndirect,
  MemorySize,
  MemoryGrow,    // plus per page grown
  Table,         // table.get, table.set, table.size
  TableGrow,     // plus per element
  Bulk,          // memory/table init, copy, fill, drops: plus per byte or element
  Count_,
};
constexpr size_t kGasClassCount = static_cast<size_t>(GasClass::Count_);
std::string_view gas_class_name(GasClass c);  // "int_alu"

struct GasSchedule {
  std::string id;  // e.g. "detwasm-gas-v1"; names the schedule in the configuration identity
  std::array<uint64_t, kGasClassCount> op_class_cost{};
  uint64_t per_local_initialised = 0;  // each declared (non-parameter) local, at function entry
  uint64_t per_memory_page_grown = 0;
  uint64_t per_bulk_memory_8_bytes = 0;  // memory.fill/copy/init: per started 8 bytes
  uint64_t per_table_element = 0;        // table.fill/copy/init/grow: per element
  uint64_t host_call_default = 0;        // a host function that declares no cost of its own
  uint64_t wasi_call = 100;              // each WASI call (in place of host_call_default)
  uint64_t wasi_per_byte = 1;            // each byte a WASI call moves in or out of memory

  uint64_t op_cost(GasClass c) const { return op_class_cost[static_cast<size_t>(c)]; }
  uint64_t bulk_memory_cost(uint64_t bytes) const { return ((bytes + 7) / 8) * per_bulk_memory_8_bytes; }

  // The schedule shipped as gas/schedule-v1.json.
  static const GasSchedule& v1();
  // Parses a schedule in the format of gas/schedule-v1.json; throws Error.
  static GasSchedule from_json(std::string_view json);
  // A digest of every cost and the id, for the configuration identity.
  std::array<uint8_t, 32> digest() const;
};

// Where gas went, by call stack (Store::set_gas_profiling). Each entry is
// one call path, outermost function first, with the gas used while it was
// the innermost (its self gas) and how many calls entered it; the entries'
// gas adds up to the gas used while profiling, traps included. A function
// is named "module!name" from the name section, "module!func[N]" (or
// "func[N]") without one; a host function by its debug name or "host".
struct GasProfileEntry {
  std::vector<std::string> stack;
  uint64_t self_gas = 0;
  uint64_t calls = 0;
};

struct GasProfile {
  std::vector<GasProfileEntry> entries;  // sorted by stack

  uint64_t total_gas() const;
  // One line per entry with gas, "a;b;c GAS": the folded-stack format that
  // flame-graph tools read.
  std::string folded() const;
  // Per function: the gas used in it (self) and in it or below it
  // (inclusive; a recursive function counted once per path), with calls.
  struct FunctionTotal {
    std::string name;
    uint64_t self_gas = 0;
    uint64_t inclusive_gas = 0;
    uint64_t calls = 0;
  };
  std::vector<FunctionTotal> by_function() const;  // most self gas first
};

}  // namespace detwasm

// Runtime objects. A Store owns all of them; handles and references point at
// them directly and stay valid for the Store's lifetime.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include <detwasm/detwasm.hpp>

#include "module/module_data.hpp"
#include "runtime/linear_memory.hpp"

namespace detwasm::internal {

// Engine-wide registry of function types: structurally equal types get the
// same id, so call_indirect checks a signature with one integer compare.
class TypeRegistry {
 public:
  uint32_t intern(const FuncType& type);
  const FuncType& type(uint32_t id) const;

 private:
  mutable std::mutex mu_;
  std::map<std::pair<std::vector<ValType>, std::vector<ValType>>, uint32_t> ids_;
  std::deque<FuncType> types_;  // stable addresses
};

struct EngineImpl {
  EngineConfig config;
  TypeRegistry types;
};

struct FuncInst {
  uint32_t type_id = 0;            // canonical, from the engine's TypeRegistry
  const FuncType* type = nullptr;  // points into the module or at host_type
  InstanceData* instance = nullptr;  // owning instance; null for host functions
  uint32_t func_index = 0;           // in the owning module's index space
  const FunctionDef* def = nullptr;  // null for host functions
  HostFunction host;
  FuncType host_type;
  uint64_t host_gas_cost = 0;  // charged to metered callers per call
  std::string debug_name;
};

struct MemoryInst {
  LinearMemory memory;
  MemoryType type;
};

struct TableInst {
  TableType type;
  std::vector<uint64_t> elems;  // references; 0 is null
  uint32_t max_size = 0;        // from the type and the engine limit
};

struct GlobalInst {
  GlobalType type;
  uint64_t value = 0;
};

struct InstanceData {
  StoreImpl* store = nullptr;
  std::shared_ptr<const ModuleData> module;
  std::vector<FuncInst*> funcs;
  std::vector<TableInst*> tables;
  std::vector<MemoryInst*> memories;
  std::vector<GlobalInst*> globals;
  std::vector<std::vector<uint64_t>> elem_segments;  // evaluated references; emptied by elem.drop
  std::vector<bool> data_dropped;
  std::unordered_map<std::string, Extern> exports;
};

// Wasm execution state of a store: the value stack and the stack budget.
// The budget is counted in Wasm terms: each live activation charges its
// FunctionDef::stack_cost (a host activation kFrameOverheadSlots), whatever
// the tier, so exhaustion happens at the same call everywhere.
struct ExecState {
  std::vector<uint64_t> stack;  // the interpreter's value stack, allocated on first use
  size_t top = 0;               // slots of `stack` in use by enclosing invocations
  uint64_t budget_used = 0;     // slots charged by live activations
  uint32_t host_depth = 0;      // nesting of host -> Wasm re-entries
  uint64_t gas_limit = UINT64_MAX;  // as last set through the API
  uint64_t gas_left = UINT64_MAX;   // only metered code consumes it
};

// Host -> Wasm -> host re-entries allowed before StackExhausted; each one
// holds native stack, so they are bounded separately from Wasm calls.
constexpr uint32_t kMaxHostReentry = 200;

struct StoreImpl {
  Engine* engine = nullptr;
  Store* owner = nullptr;
  std::deque<std::unique_ptr<FuncInst>> funcs;
  std::deque<std::unique_ptr<MemoryInst>> memories;
  std::deque<std::unique_ptr<TableInst>> tables;
  std::deque<std::unique_ptr<GlobalInst>> globals;
  std::deque<std::unique_ptr<InstanceData>> instances;
  ExecState exec;

  const ResourceLimits& limits() const { return engine->config().limits; }
};

// A funcref is the FuncInst's address.
inline uint64_t funcref_bits(const FuncInst* f) { return reinterpret_cast<uint64_t>(f); }
inline FuncInst* funcref_target(uint64_t bits) { return reinterpret_cast<FuncInst*>(bits); }

}  // namespace detwasm::internal

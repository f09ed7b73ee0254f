// Runtime objects. A Store owns all of them; handles and references point at
// them directly and stay valid for the Store's lifetime.
#pragma once

#include <any>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include <detwasm/detwasm.hpp>

#include "jit/native_stack.hpp"
#include "util/worker_pool.hpp"

#include "jit/abi.hpp"
#include "module/module_data.hpp"
#include "runtime/gas_profiler.hpp"
#include "runtime/linear_memory.hpp"

namespace detwasm::artifact {
class ArtifactCache;
}

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
  EngineImpl();
  ~EngineImpl();
  EngineConfig config;
  TypeRegistry types;
  // Compiles functions in parallel when config.compile_threads > 1.
  std::unique_ptr<util::WorkerPool> compile_pool;
  // Where compiled modules are kept between processes, when configured.
  std::unique_ptr<artifact::ArtifactCache> cache;

  // What makes a module with these declarations this engine's: its types'
  // canonical ids, and the gas schedule when the engine meters.
  EngineBinding bind(const ModuleDecls& decls);
};

// A funcref is the address of a FuncInst's `ref`: what compiled code calls
// through, and what tables of either tier hold. Only the engine makes one;
// a funcref from the host is checked against its store first (StoreImpl).
struct FuncInst {
  FuncInst() { ref.host = this; }
  FuncInst(const FuncInst&) = delete;
  FuncInst& operator=(const FuncInst&) = delete;

  jit::JitFuncRef ref;             // code, context and type for compiled callers
  StoreImpl* store = nullptr;      // the owner: objects never cross stores
  uint32_t type_id = 0;            // canonical, from the engine's TypeRegistry
  const FuncType* type = nullptr;  // points into the module or at host_type
  InstanceData* instance = nullptr;  // owning instance; null for host functions
  FuncIdx func_index;                // in the owning module's index space
  const FunctionDef* def = nullptr;  // null for host functions
  const InterpFunction* interp = nullptr;  // its lowered code; null for host functions and the JIT tier
  HostFunction host;
  FuncType host_type;
  uint64_t host_gas_cost = 0;  // charged to metered callers per call
  std::string debug_name;
};

struct MemoryInst {
  MemoryInst(StoreImpl* s, LinearMemory m, MemoryType t) : store(s), memory(std::move(m)), type(t) { sync_view(); }
  StoreImpl* store;
  LinearMemory memory;
  MemoryType type;
  jit::MemoryView view;  // what compiled code reads; kept in step by sync_view()
  void sync_view() {
    view.base = memory.base();
    view.size = memory.size_bytes();
  }
};

struct TableInst {
  StoreImpl* store = nullptr;
  TableType type;
  std::vector<uint64_t> elems;  // references; 0 is null
  uint32_t max_size = 0;        // from the type and the engine limit
  jit::TableView view;          // what compiled code reads; kept in step by sync_view()
  void sync_view() {
    view.elements = reinterpret_cast<jit::JitFuncRef**>(elems.data());
    view.size = elems.size();
  }
};

struct GlobalInst {
  StoreImpl* store = nullptr;
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

  // What compiled code of this instance addresses (jit/abi.hpp).
  jit::VmContext vm;
  std::vector<jit::MemoryView*> memory_views;
  std::vector<uint64_t*> global_cells;
  std::vector<jit::TableView*> table_views;
  std::vector<const jit::JitFuncRef*> func_refs;
};

// Wasm execution state of a store, as the interpreter, host functions and
// the API see it: the interpreter's value stack, the stack budget and gas.
// While compiled code runs, budget and gas live in jit::ExecState
// (StoreImpl::jit_exec) and are copied back at every call out.
// The budget is counted in Wasm terms: each live activation charges its
// FunctionDef::stack_cost (a host activation kFrameOverheadSlots), whatever
// the tier, so exhaustion happens at the same call everywhere.
struct StoreExecution {
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

// A trap keeps at most this many Wasm frames, innermost first, in every tier.
constexpr uint32_t kMaxTrapFrames = 4096;

// The functions of one instance, or one host function, allocated together.
struct FuncBlock {
  std::unique_ptr<FuncInst[]> funcs;
  size_t count = 0;
};

// References that come from the host are checked before Wasm can see them:
// a funcref must be the `ref` of a FuncInst of this store (a forged word or
// another store's function would be called through), an externref must be
// a handle into this store's table of host objects. Wasm code never looks
// inside an externref; it only moves the handle around, in every tier.
//
// An externref's bits are (store serial << 32) | (slot + 1): never 0, and a
// handle of another store differs in its serial. Host objects are kept until
// the store is destroyed.
struct StoreImpl {
  StoreImpl();
  ~StoreImpl();
  StoreImpl(const StoreImpl&) = delete;
  StoreImpl& operator=(const StoreImpl&) = delete;

  Engine* engine = nullptr;
  Store* owner = nullptr;
  const uint32_t serial;  // distinguishes this store's externrefs from another's
  std::deque<FuncBlock> func_blocks;
  std::map<uint64_t, const FuncBlock*> func_blocks_by_ref;  // by the funcref of their first function
  std::deque<std::unique_ptr<MemoryInst>> memories;
  std::deque<std::unique_ptr<TableInst>> tables;
  std::deque<std::unique_ptr<GlobalInst>> globals;
  std::deque<std::unique_ptr<InstanceData>> instances;
  StoreExecution exec;
  // Compiled code's view of the execution state; gas and budget are copied
  // in and out of `exec` around each entry (invoke.cpp) and host call
  // (host_call.cpp).
  jit::ExecState jit_exec;
  jit::ExecState* jit_exec_holder = &jit_exec;  // a context for host funcrefs: its first word
  std::unique_ptr<jit::NativeStack> native_stack;
  std::optional<Trap> pending_trap;  // a host's trap, carried through compiled code
  std::vector<jit::TrapFrameRecord> trap_frame_records;  // compiled code's trap frames
  jit::TrapFrameBuffer trap_frames;
  // Gas per call stack, while profiling is on (interpreter tier only).
  std::unique_ptr<GasProfiler> gas_profiler;

  const ResourceLimits& limits() const { return engine->config().limits; }

  // `n` new functions of this store, default-constructed in one block.
  FuncInst* new_funcs(size_t n);
  // The function a funcref of this store refers to; nullptr for null, for
  // another store's funcref and for any other word.
  FuncInst* func_of_ref(uint64_t bits) const;

  // A new externref holding `object`.
  uint64_t new_externref(std::any object);
  // The host object of an externref of this store; nullptr for null, for
  // another store's externref and for any other word.
  std::any* host_object(uint64_t bits);
  const std::any* host_object(uint64_t bits) const;

  // Whether a value of type `t` may enter this store: any number; a
  // reference if it is null or was made by this store.
  bool owns(ValType t, uint64_t bits) const;

 private:
  std::deque<std::any> host_objects_;
};

// A value from the raw 64 bits of a stack slot. Compiled code writes only
// the low half of a slot for i32 and f32 (the rest is whatever was there),
// so those bits are cut to 32 before anything outside Wasm sees them.
inline Value value_from_slot(ValType t, uint64_t bits) {
  if (t == ValType::I32 || t == ValType::F32) bits = static_cast<uint32_t>(bits);
  return Value{t, bits};
}

inline uint64_t funcref_bits(const FuncInst* f) { return f ? reinterpret_cast<uint64_t>(&f->ref) : 0; }
inline FuncInst* funcref_target(uint64_t bits) {
  return bits ? static_cast<FuncInst*>(reinterpret_cast<jit::JitFuncRef*>(bits)->host) : nullptr;
}

}  // namespace detwasm::internal

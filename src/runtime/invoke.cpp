#include "runtime/invoke.hpp"

#include <algorithm>
#include <vector>

#include "interp/interpreter.hpp"
#include "jit/builtins.hpp"
#include "jit/entry.hpp"
#include "jit/loaded_code.hpp"
#include "jit/runtime_stubs.hpp"
#include "runtime/float_env.hpp"
#include "runtime/instantiate.hpp"

namespace detwasm::internal {

namespace {

using jit::encode_trap;

InstanceData& instance_of(jit::VmContext* ctx) { return *static_cast<InstanceData*>(ctx->instance); }

// --- Builtins that involve runtime objects (jit/abi.hpp gives signatures) ---

uint32_t builtin_memory_grow(jit::VmContext* ctx, uint32_t delta) {
  InstanceData& inst = instance_of(ctx);
  auto old = grow_memory(*inst.memories[0], delta, inst.store->limits());
  return old ? *old : 0xFFFFFFFFu;
}

uint32_t builtin_memory_init(jit::VmContext* ctx, uint32_t seg, uint32_t dst, uint32_t src, uint32_t n) {
  InstanceData& inst = instance_of(ctx);
  const DataSegment& ds = inst.module->datas[seg];
  uint64_t len = inst.data_dropped[seg] ? 0 : ds.bytes_size;
  const LinearMemory& mem = inst.memories[0]->memory;
  if (uint64_t{src} + n > len || uint64_t{dst} + n > mem.size_bytes()) return encode_trap(TrapKind::MemoryOutOfBounds);
  if (n) std::copy_n(inst.module->bytes.data() + ds.bytes_offset + src, n, mem.base() + dst);
  return 0;
}

uint32_t builtin_data_drop(jit::VmContext* ctx, uint32_t seg) {
  instance_of(ctx).data_dropped[seg] = true;
  return 0;
}

uint32_t builtin_table_grow(jit::VmContext* ctx, uint32_t table, uint64_t init, uint32_t delta) {
  auto old = grow_table(*instance_of(ctx).tables[table], delta, init);
  return old ? *old : 0xFFFFFFFFu;
}

uint32_t builtin_table_init(jit::VmContext* ctx, uint32_t table, uint32_t seg, uint32_t dst, uint32_t src,
                            uint32_t n) {
  InstanceData& inst = instance_of(ctx);
  const std::vector<uint64_t>& items = inst.elem_segments[seg];
  TableInst& t = *inst.tables[table];
  if (uint64_t{src} + n > items.size() || uint64_t{dst} + n > t.elems.size())
    return encode_trap(TrapKind::TableOutOfBounds);
  std::copy_n(items.begin() + src, n, t.elems.begin() + dst);
  return 0;
}

uint32_t builtin_elem_drop(jit::VmContext* ctx, uint32_t seg) {
  auto& items = instance_of(ctx).elem_segments[seg];
  items.clear();
  items.shrink_to_fit();
  return 0;
}

const void* const* builtin_table() {
  static const void* table[static_cast<size_t>(jit::Builtin::Count)] = {};
  static bool filled = [] {
    auto set = [](jit::Builtin b, const void* f) { table[static_cast<size_t>(b)] = f; };
    set(jit::Builtin::MemoryGrow, reinterpret_cast<const void*>(&builtin_memory_grow));
    set(jit::Builtin::MemoryFill, reinterpret_cast<const void*>(&jit::builtin_memory_fill));
    set(jit::Builtin::MemoryCopy, reinterpret_cast<const void*>(&jit::builtin_memory_copy));
    set(jit::Builtin::MemoryInit, reinterpret_cast<const void*>(&builtin_memory_init));
    set(jit::Builtin::DataDrop, reinterpret_cast<const void*>(&builtin_data_drop));
    set(jit::Builtin::TableGrow, reinterpret_cast<const void*>(&builtin_table_grow));
    set(jit::Builtin::TableFill, reinterpret_cast<const void*>(&jit::builtin_table_fill));
    set(jit::Builtin::TableCopy, reinterpret_cast<const void*>(&jit::builtin_table_copy));
    set(jit::Builtin::TableInit, reinterpret_cast<const void*>(&builtin_table_init));
    set(jit::Builtin::ElemDrop, reinterpret_cast<const void*>(&builtin_elem_drop));
    return true;
  }();
  (void)filled;
  return table;
}

// Keeps the store's gas and budget (the interpreter's and the API's view) in
// step with compiled code's jit::ExecState across a call out of compiled code.
void publish_to_store(StoreImpl& store) {
  store.exec.gas_left = store.jit_exec.gas;
  store.exec.budget_used = store.limits().stack_budget_slots - store.jit_exec.stack_budget;
}

// The host call bridge: compiled code reaches every host function here.
uint32_t host_call(jit::ExecState* jx, const jit::JitFuncRef* callee, uint64_t* area_top, jit::VmContext* caller) {
  StoreImpl& store = *static_cast<StoreImpl*>(jx->embedder);
  FuncInst* f = static_cast<FuncInst*>(callee->host);
  InstanceData* caller_inst = caller ? static_cast<InstanceData*>(caller->instance) : nullptr;
  // Charged as the interpreter does: the frame (the host adapter has taken
  // it from the budget already), then, for metered callers, the cost.
  if (caller_inst && caller_inst->module->gas) {
    if (jx->gas < f->host_gas_cost) return encode_trap(TrapKind::OutOfGas);
    jx->gas -= f->host_gas_cost;
  }
  const uint64_t saved_budget = jx->stack_budget;
  publish_to_store(store);
  const size_t np = callee->num_params, nr = callee->num_results;
  std::vector<uint64_t> args(np), results(nr);
  for (size_t i = 0; i < np; ++i) args[i] = area_top[-static_cast<ptrdiff_t>(i)];
  ++store.exec.host_depth;
  std::optional<Trap> trap = call_host(store, f, caller_inst, args.data(), results.data());
  --store.exec.host_depth;
  set_wasm_float_env();
  // The host may have charged gas (Caller::consume_gas) or re-entered Wasm.
  jx->gas = store.exec.gas_left;
  jx->stack_budget = saved_budget;
  if (trap) {
    store.pending_trap = std::move(trap);
    return encode_trap(store.pending_trap->kind);
  }
  for (size_t i = 0; i < nr; ++i) area_top[-static_cast<ptrdiff_t>(i)] = results[i];
  return 0;
}

std::optional<Trap> jit_invoke(StoreImpl& store, FuncInst* f, const uint64_t* args, uint64_t* results) {
  StoreExecution& ex = store.exec;
  jit::ExecState& jx = store.jit_exec;
  const ResourceLimits& limits = store.limits();
  if (ex.host_depth >= kMaxHostReentry) return Trap::make(TrapKind::StackExhausted);
  if (!store.native_stack) store.native_stack = std::make_unique<jit::NativeStack>(jit::native_stack_size(limits));
  jx.host_call = &host_call;
  jx.embedder = &store;
  if (store.trap_frame_records.empty()) {
    store.trap_frame_records.resize(kMaxTrapFrames);
    store.trap_frames.records = store.trap_frame_records.data();
    store.trap_frames.capacity = kMaxTrapFrames;
  }
  jx.trap_frames = &store.trap_frames;
  // A nested entry (from a host function) gets the outer call's exit state
  // back from the entry trampoline itself.
  jx.gas = ex.gas_left;
  jx.stack_budget = limits.stack_budget_slots - ex.budget_used;
  // Host calls publish the budget in use deep inside this call; when it
  // ends, returning or trapping, the budget is what it was before it.
  const uint64_t budget_used_before = ex.budget_used;

  const uint32_t np = f->ref.num_params, nr = f->ref.num_results;
  std::vector<uint64_t> values(std::max<size_t>({np, nr, 1}));
  std::copy_n(args, np, values.begin());
  store.pending_trap.reset();
  std::optional<TrapKind> kind = jit::call_compiled(*store.native_stack, f->ref.context, f->ref.code, values, np, nr);

  ex.gas_left = jx.gas;
  ex.budget_used = budget_used_before;
  if (kind) {
    Trap trap = store.pending_trap && store.pending_trap->kind == *kind ? std::move(*store.pending_trap)
                                                                         : Trap::make(*kind);
    store.pending_trap.reset();
    trap.frames.clear();
    for (uint32_t i = 0; i < store.trap_frames.count; ++i) {
      const jit::TrapFrameRecord& r = store.trap_frames.records[i];
      const InstanceData& inst = *static_cast<const InstanceData*>(r.context->instance);
      const ModuleData& m = *inst.module;
      TrapFrame frame{r.func_index, m.func_name(r.func_index), m.module_name, {}, {}};
      if (auto offset = m.jit->module_offset_at(r.pc)) {
        frame.module_offset = *offset;
        frame.func_offset = *offset - m.functions[r.func_index - m.num_imported_funcs].body_offset;
      }
      trap.frames.push_back(std::move(frame));
    }
    trap.frame_count = store.trap_frames.total;
    return trap;
  }
  // Raw slots: an i32 or f32 result is cut to 32 bits where it becomes a
  // Value (value_from_slot).
  std::copy_n(values.begin(), nr, results);
  return std::nullopt;
}

}  // namespace

std::optional<Trap> invoke(StoreImpl& store, FuncInst* f, const uint64_t* args, uint64_t* results) {
  // Compiled code's entry trampoline sets Wasm's floating-point environment
  // and gives the host's back on the way out (jit/x64/stubs_x64.cpp); the
  // interpreter, and a host function called from the host, get it here.
  if (f->def && f->instance->module->jit) return jit_invoke(store, f, args, results);
  FloatEnvGuard float_env;
  return interp_invoke(store, f, args, results);
}

void link_func_ref(StoreImpl& store, FuncInst& f) {
  f.ref.type_id = f.type_id;
  f.ref.num_params = static_cast<uint32_t>(f.type->params.size());
  f.ref.num_results = static_cast<uint32_t>(f.type->results.size());
  if (!f.def) {
    f.ref.code = jit::runtime_stubs().host_adapter;
    f.ref.context = &store.jit_exec_holder;
    return;
  }
  const ModuleData& m = *f.instance->module;
  if (m.jit) {
    f.ref.code = m.jit->memory.func_entry(f.func_index - m.num_imported_funcs);
    f.ref.context = &f.instance->vm;
  }
}

void link_vm_context(StoreImpl& store, InstanceData& inst) {
  for (MemoryInst* m : inst.memories) inst.memory_views.push_back(&m->view);
  for (GlobalInst* g : inst.globals) inst.global_cells.push_back(&g->value);
  for (TableInst* t : inst.tables) inst.table_views.push_back(&t->view);
  for (FuncInst* f : inst.funcs) inst.func_refs.push_back(&f->ref);
  jit::VmContext& vm = inst.vm;
  vm.exec = &store.jit_exec;
  vm.memory0 = inst.memory_views.empty() ? nullptr : inst.memory_views[0];
  vm.memories = inst.memory_views.data();
  vm.globals = inst.global_cells.data();
  vm.tables = inst.table_views.data();
  vm.funcs = inst.func_refs.data();
  vm.type_ids = inst.module->type_ids.data();
  vm.builtins = builtin_table();
  vm.instance = &inst;
}

}  // namespace detwasm::internal

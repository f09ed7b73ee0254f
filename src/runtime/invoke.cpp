#include "runtime/invoke.hpp"

#include <algorithm>
#include <vector>

#include "interp/interpreter.hpp"
#include "jit/entry.hpp"
#include "jit/loaded_code.hpp"
#include "jit/runtime_stubs.hpp"
#include "runtime/builtins.hpp"
#include "runtime/float_env.hpp"
#include "runtime/host_call.hpp"
#include "util/small_buffer.hpp"

namespace detwasm::internal {

namespace {

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
  util::SmallBuffer<uint64_t> slots(std::max<size_t>({np, nr, 1}));
  std::span<uint64_t> values(slots.data(), slots.size());
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
      const FuncIdx func{r.func_index};
      TrapFrame frame{func.value, const_cast<InstanceData*>(&inst), m.func_name(func), m.module_name, {}, {}};
      // Compiled code records only its own, defined, functions.
      std::optional<DefinedFuncIdx> defined = m.defined(func);
      if (auto offset = m.code.jit->module_offset_at(r.pc); offset && defined) {
        frame.module_offset = *offset;
        frame.func_offset = *offset - m.function(*defined).body_offset;
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
  if (f->def && f->instance->module->code.jit) return jit_invoke(store, f, args, results);
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
  if (m.code.jit) {
    f.ref.code = m.code.jit->entry(*m.defined(f.func_index));
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
  vm.type_ids = inst.module->binding.type_ids.data();
  vm.builtins = builtin_table();
  vm.instance = &inst;
}

}  // namespace detwasm::internal

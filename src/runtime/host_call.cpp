#include "runtime/host_call.hpp"

#include <optional>

#include "interp/interpreter.hpp"
#include "runtime/call_out.hpp"
#include "runtime/float_env.hpp"
#include "util/small_buffer.hpp"

namespace detwasm::internal {

namespace {

using jit::encode_trap;

// Keeps the store's gas and budget (the interpreter's and the API's view) in
// step with compiled code's jit::ExecState across a call out of compiled code.
void publish_to_store(StoreImpl& store) {
  store.exec.gas_left = store.jit_exec.gas;
  store.exec.budget_used = store.limits().stack_budget_slots - store.jit_exec.stack_budget;
}

// The call itself: arguments out of the area, results into it.
uint32_t call_host_function(StoreImpl& store, FuncInst* f, InstanceData* caller, const jit::JitFuncRef* callee,
                            uint64_t* area_top) {
  const size_t np = callee->num_params, nr = callee->num_results;
  util::SmallBuffer<uint64_t> args(np), results(nr);
  for (size_t i = 0; i < np; ++i) args.data()[i] = area_top[-static_cast<ptrdiff_t>(i)];
  std::optional<Trap> trap = call_host(store, f, caller, args.data(), results.data());
  if (trap) {
    store.pending_trap = std::move(trap);
    return encode_trap(store.pending_trap->kind);
  }
  for (size_t i = 0; i < nr; ++i) area_top[-static_cast<ptrdiff_t>(i)] = results.data()[i];
  return 0;
}

}  // namespace

uint32_t host_call(jit::ExecState* jx, const jit::JitFuncRef* callee, uint64_t* area_top,
                   jit::VmContext* caller) noexcept {
  StoreImpl& store = *static_cast<StoreImpl*>(jx->embedder);
  FuncInst* f = static_cast<FuncInst*>(callee->host);
  InstanceData* caller_inst = caller ? static_cast<InstanceData*>(caller->instance) : nullptr;
  // Charged as the interpreter does: the frame (the host adapter has taken
  // it from the budget already), then, for metered callers, the cost.
  if (caller_inst && caller_inst->module->binding.gas) {
    if (jx->gas < f->host_gas_cost) return encode_trap(TrapKind::OutOfGas);
    jx->gas -= f->host_gas_cost;
  }
  const uint64_t saved_budget = jx->stack_budget;
  publish_to_store(store);
  ++store.exec.host_depth;
  // call_host turns the host function's own exceptions into traps; what is
  // left (the bridge or the engine running out of memory) is caught here.
  const uint32_t status = status_at_boundary(
      store, "a call to a host function", [&] { return call_host_function(store, f, caller_inst, callee, area_top); });
  --store.exec.host_depth;
  set_wasm_float_env();
  // The host may have charged gas (Caller::consume_gas) or re-entered Wasm.
  jx->gas = store.exec.gas_left;
  jx->stack_budget = saved_budget;
  return status;
}

}  // namespace detwasm::internal

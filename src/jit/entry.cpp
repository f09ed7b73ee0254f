#include "jit/entry.hpp"

#include <cassert>

#include "jit/runtime_stubs.hpp"
#include "jit/trap_handler.hpp"

namespace detwasm::jit {

std::optional<TrapKind> call_compiled(NativeStack& stack, void* context, const void* code,
                                      std::span<uint64_t> values, uint32_t num_params, uint32_t num_results) {
  assert(values.size() >= std::max(num_params, num_results));
  prepare_thread_for_jit_code();
  const ExecState* exec = *static_cast<ExecState* const*>(context);
  uint8_t* stack_top = exec->exit_sp == 0 ? stack.top() : nullptr;
  uint32_t status = runtime_stubs().entry(context, code, values.data(), num_params, num_results, stack_top);
  if (status != 0) return static_cast<TrapKind>(status - 1);
  return std::nullopt;
}

}  // namespace detwasm::jit

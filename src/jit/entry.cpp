#include "jit/entry.hpp"

#include <cassert>

#include "jit/runtime_stubs.hpp"
#include "jit/trap_handler.hpp"

namespace detwasm::jit {

std::optional<TrapKind> call_compiled(NativeStack& stack, void* context, const void* code,
                                      std::span<uint64_t> values, uint32_t num_params, uint32_t num_results) {
  assert(values.size() >= std::max(num_params, num_results));
  prepare_thread_for_jit_code();
  ExecState* exec = *static_cast<ExecState* const*>(context);
  if (!exec->record_frames) exec->record_frames = &record_trap_frames;
  if (exec->trap_frames) exec->trap_frames->count = exec->trap_frames->total = 0;
  uint8_t* stack_top = exec->exit_sp == 0 ? stack.top() : nullptr;
  uint32_t status = runtime_stubs().entry(context, code, values.data(), num_params, num_results, stack_top);
  if (status != 0) return static_cast<TrapKind>(status - 1);
  return std::nullopt;
}

void record_trap_frames(ExecState* exec, uintptr_t fp, uintptr_t pc) {
  TrapFrameBuffer* buf = exec->trap_frames;
  if (!buf) return;
  buf->count = 0;
  buf->total = 0;
  while (fp) {
    auto slots = reinterpret_cast<const int64_t*>(fp);
    int64_t index = slots[frame::kFuncIndexOffset / 8];
    if (index == frame::kEntryFrame) break;
    if (index >= 0) {
      if (buf->count < buf->capacity) {
        auto* ctx = reinterpret_cast<VmContext*>(slots[frame::kContextOffset / 8]);
        buf->records[buf->count++] = {ctx, static_cast<uint32_t>(index), pc};
      }
      ++buf->total;
    }
    // The caller stands in the call that made this frame: its return
    // address less one.
    pc = static_cast<uintptr_t>(slots[frame::kReturnAddressOffset / 8]) - 1;
    fp = static_cast<uintptr_t>(slots[0]);
  }
}

}  // namespace detwasm::jit

// Calling compiled code from C++.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include <detwasm/trap.hpp>

#include "jit/abi.hpp"
#include "jit/native_stack.hpp"

namespace detwasm::jit {

// Calls `code` (a compiled function or the host adapter) with `context`,
// whose ExecState is `exec`. `values` holds the arguments on entry and the
// results on return, one uint64 per value in the slot encoding of abi.hpp
// (an i32 or f32 result is in the low 32 bits only); it must have room for
// max(num_params, num_results). The outermost call switches to `stack`; a
// call from inside a host function stays on the stack it is on. Returns the
// trap, if one ended the call; its frames are in exec->trap_frames if the
// ExecState has a buffer.
std::optional<TrapKind> call_compiled(NativeStack& stack, void* context, const void* code,
                                      std::span<uint64_t> values, uint32_t num_params, uint32_t num_results);

// Walks the frame chain from frame pointer `fp` up to the entry trampoline
// into exec->trap_frames (abi.hpp frame layout). Async-signal-safe: the
// fault handler calls it.
void record_trap_frames(ExecState* exec, uintptr_t fp, uintptr_t pc);

}  // namespace detwasm::jit

// The host-call bridge: compiled code reaches every host function through
// it (jit::ExecState::host_call, installed by invoke). It keeps the store's
// gas and stack budget in step with compiled code's across the call, so the
// host sees them as the interpreter would show them, and it never throws
// into compiled code (jit/abi.hpp).
#pragma once

#include <cstdint>

#include "jit/abi.hpp"

namespace detwasm::internal {

// A jit::HostCallFn: calls `callee`'s host function with the arguments in
// the area at `area_top` and writes its results there. `exec` belongs to a
// store (its `embedder`), `caller` is the calling instance's context or null.
// Returns 0 or encode_trap(kind); the Trap itself, with the host's message,
// is left in the store's pending_trap.
uint32_t host_call(jit::ExecState* exec, const jit::JitFuncRef* callee, uint64_t* area_top,
                   jit::VmContext* caller) noexcept;

}  // namespace detwasm::internal

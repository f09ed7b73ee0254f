// The boundary of a call out of compiled code into the runtime (a builtin or
// the host-call bridge). Compiled code has no unwind information and C++
// cannot unwind through it, so nothing may throw across this boundary
// (jit/abi.hpp): every failure becomes a result compiled code understands.
#pragma once

#include <cstdint>
#include <exception>
#include <string>

#include "jit/abi.hpp"
#include "runtime/objects.hpp"

namespace detwasm::internal {

// A failure of the engine itself (the host ran out of memory, say) while
// compiled code had called out to `where`: a HostError trap that carries
// `what`, if there is still memory for the message; else the kind's own.
inline uint32_t runtime_failure_trap(StoreImpl& store, const char* where, const char* what) noexcept {
  try {
    store.pending_trap = Trap::host(std::string(where) + " failed in the engine: " + what);
  } catch (...) {
    store.pending_trap.reset();  // the caller of compiled code makes the trap from its kind
  }
  return jit::encode_trap(TrapKind::HostError);
}

// Runs `body`, which returns 0 or encode_trap(kind), at the boundary: an
// exception out of it becomes a runtime_failure_trap.
template <typename Body>
uint32_t status_at_boundary(StoreImpl& store, const char* where, Body&& body) noexcept {
  try {
    return body();
  } catch (const std::exception& e) {
    return runtime_failure_trap(store, where, e.what());
  } catch (...) {
    return runtime_failure_trap(store, where, "unknown exception");
  }
}

}  // namespace detwasm::internal

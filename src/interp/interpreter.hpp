// The reference interpreter: small and plainly correct, the semantic oracle
// for the JIT. Wasm-to-Wasm calls run in one loop on an explicit frame stack,
// so Wasm recursion never recurses in C++.
#pragma once

#include <cstdint>
#include <optional>

#include <detwasm/trap.hpp>

#include "runtime/objects.hpp"

namespace detwasm::internal {

// Calls `f` with `args` (one slot per parameter) and writes one slot per
// result to `results`. Argument types are the caller's responsibility.
std::optional<Trap> interp_invoke(StoreImpl& store, FuncInst* f, const uint64_t* args, uint64_t* results);

// Calls a host function with slots in and out, converting to Values.
// `caller` is the Wasm instance making the call (null from the embedder).
std::optional<Trap> call_host(StoreImpl& store, FuncInst* f, InstanceData* caller, const uint64_t* args,
                              uint64_t* results);

}  // namespace detwasm::internal

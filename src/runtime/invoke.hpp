// Calls into Wasm from the runtime, in whichever tier the callee was
// compiled for, and the glue compiled code needs from the runtime: the host
// call bridge and the builtins that touch runtime objects.
#pragma once

#include <cstdint>
#include <optional>

#include <detwasm/trap.hpp>

#include "runtime/objects.hpp"

namespace detwasm::internal {

// Runs `f` with one slot per parameter in `args`, one per result out.
std::optional<Trap> invoke(StoreImpl& store, FuncInst* f, const uint64_t* args, uint64_t* results);

// Fills `inst.vm` and its arrays once the instance's objects exist.
void link_vm_context(StoreImpl& store, InstanceData& inst);

// Makes `f` (a defined function of `inst`) callable from compiled code.
void link_func_ref(StoreImpl& store, FuncInst& f);

}  // namespace detwasm::internal

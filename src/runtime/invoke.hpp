// Calls into Wasm from the runtime, in whichever tier the callee was
// compiled for, and what links an instance's objects for compiled code (its
// VmContext and funcrefs). What compiled code calls back into is in
// builtins.hpp and host_call.hpp.
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

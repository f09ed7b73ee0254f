// The builtins: runtime functions compiled code calls, through
// VmContext::builtins, for the operators it does not inline (memory.grow,
// the bulk memory and table operators, segment drops). jit::Builtin gives
// each one's signature. As jit/abi.hpp requires, none of them throws:
//   memory.grow, table.grow  return the old size, or 0xFFFFFFFF (Wasm's -1)
//                            when the growth fails for any reason, an
//                            allocation the host cannot satisfy included;
//   the bulk operators       return 0 or encode_trap(kind): Wasm's own traps,
//                            and HostError for a failure of the engine itself;
//   data.drop, elem.drop     cannot fail.
#pragma once

namespace detwasm::internal {

// The table VmContext::builtins points at, indexed by jit::Builtin; one for
// every instance.
const void* const* builtin_table();

}  // namespace detwasm::internal

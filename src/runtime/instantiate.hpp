// Instantiation: import checking, globals, tables, memories, segments, the
// start function; and growth of memories and tables under the engine limits.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include <detwasm/detwasm.hpp>

#include "runtime/objects.hpp"

namespace detwasm::internal {

// Throws LinkError when `imports` do not match the module's imports.
Instantiation instantiate(StoreImpl& store, std::shared_ptr<const ModuleData> module,
                          std::span<const Extern> imports);

// Grows memory by `delta` pages and returns the old size; nullopt if a limit
// forbids it or the host cannot commit the pages (memory unchanged).
std::optional<uint32_t> grow_memory(MemoryInst& m, uint32_t delta, const ResourceLimits& limits);
// Grows table by `delta` elements set to `init` and returns the old size;
// nullopt if a limit forbids it or the host cannot allocate the elements
// (table unchanged). Every tier and the API grow through here, so they agree.
std::optional<uint32_t> grow_table(TableInst& t, uint32_t delta, uint64_t init);

MemoryInst* new_memory(StoreImpl& store, const MemoryType& type);  // nullptr on failure
TableInst* new_table(StoreImpl& store, const TableType& type, uint64_t init);
GlobalInst* new_global(StoreImpl& store, const GlobalType& type, uint64_t init);

// Import subtyping of Wasm 2.0: limits must fit inside the import's limits.
bool limits_match(const Limits& actual, const Limits& expected);

}  // namespace detwasm::internal

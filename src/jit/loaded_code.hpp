// A module's compiled code, mapped executable and registered with the fault
// handler for as long as the module lives.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "jit/code_memory.hpp"
#include "jit/source_map.hpp"
#include "jit/trap_handler.hpp"
#include "module/func_index.hpp"

namespace detwasm::jit {

struct LoadedCode {
  CodeMemory memory;
  TrapTable traps;
  SourceMap sources;
  CodeRegistration registration;

  LoadedCode(std::span<const uint8_t> bytes, std::vector<uint32_t> offsets, std::vector<TrapSite> sites,
             std::vector<SourcePos> source_map)
      : LoadedCode(CodeMemory(bytes, std::move(offsets)), std::move(sites), std::move(source_map)) {}
  LoadedCode(CodeMemory code, std::vector<TrapSite> sites, std::vector<SourcePos> source_map)
      : LoadedCode(std::move(code), TrapTable(sites), std::move(source_map)) {}
  LoadedCode(CodeMemory code, TrapTable trap_table, std::vector<SourcePos> source_map)
      : memory(std::move(code)), traps(std::move(trap_table)), sources(std::move(source_map)) {
    registration = CodeRegistration(memory.base(), memory.size(), &traps);
  }

  // The module offset of the Wasm operator compiled to the instruction
  // holding `pc`, if it is a listed one: a call or trap call (source_map.hpp)
  // or a faulting access (its trap site).
  std::optional<uint32_t> module_offset_at(uintptr_t pc) const {
    if (!memory.contains(reinterpret_cast<const void*>(pc))) return std::nullopt;
    auto offset = static_cast<uint32_t>(pc - reinterpret_cast<uintptr_t>(memory.base()));
    if (auto m = sources.module_offset_at(offset)) return m;
    if (std::optional<TrapSite> site = traps.find(offset)) return site->module_offset;
    return std::nullopt;
  }

  // Where compiled callers enter defined function `f`.
  const void* entry(internal::DefinedFuncIdx f) const { return memory.func_entry(f.value); }

  // The defined function whose code holds `pc`, if any: functions are laid
  // out in order, so the last entry at or below `pc` is the one.
  std::optional<internal::DefinedFuncIdx> defined_function_at(const void* pc) const {
    if (!memory.contains(pc) || memory.num_functions() == 0) return std::nullopt;
    uint32_t off = static_cast<uint32_t>(static_cast<const uint8_t*>(pc) - memory.base());
    uint32_t lo = 0, hi = memory.num_functions();
    while (hi - lo > 1) {
      uint32_t mid = (lo + hi) / 2;
      if (memory.func_offset(mid) <= off) lo = mid;
      else hi = mid;
    }
    if (memory.func_offset(lo) > off) return std::nullopt;
    return internal::DefinedFuncIdx{lo};
  }
};

}  // namespace detwasm::jit

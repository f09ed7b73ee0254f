// Size of a module's compiled code, for benchmarks and the CLI.
#pragma once

#include <cstdint>
#include <optional>

#include "jit/loaded_code.hpp"
#include "module/module_data.hpp"

namespace detwasm::jit {

inline std::optional<uint64_t> emitted_code_bytes(const internal::ModuleData& m) {
  if (!m.code.jit) return std::nullopt;
  return m.code.jit->memory.size();
}

}  // namespace detwasm::jit

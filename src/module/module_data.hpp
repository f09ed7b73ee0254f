// A module as the engine keeps it: what it declares (ModuleDecls), its
// compiled code (ModuleCode) and what ties both to the engine that compiled
// them (EngineBinding). Immutable once built; shared by every instance of
// the module. An artifact holds the declarations and the code; the binding
// is made again by the engine that loads it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include <detwasm/detwasm.hpp>

#include "interp/interp_code.hpp"
#include "module/module_decls.hpp"

namespace detwasm::jit {
struct LoadedCode;
}

namespace detwasm::internal {

struct EngineImpl;

// The code of one tier: the interpreter's lowered code, one per defined
// function (empty for the JIT tier), or the JIT's machine code (null for
// the interpreter tier).
struct ModuleCode {
  std::vector<InterpFunction> interp;
  std::shared_ptr<const jit::LoadedCode> jit;
};

// What makes a module one engine's: its instances live in that engine's
// stores and compare signatures by that engine's type ids.
struct EngineBinding {
  const EngineImpl* engine = nullptr;  // the engine that compiled or loaded it
  std::vector<uint32_t> type_ids;      // engine-wide canonical id of each type
  // The schedule the module was compiled to meter with; none when unmetered.
  std::optional<GasSchedule> gas;
};

struct ModuleData : ModuleDecls {
  ModuleCode code;
  EngineBinding binding;
};

}  // namespace detwasm::internal

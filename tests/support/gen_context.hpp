// What the module generator and the function body generator share: the
// module's facts as bodies see them, and constant choosers. Internal to
// module_gen.cpp and function_body_gen.cpp.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include <detwasm/types.hpp>

#include "support/module_gen.hpp"
#include "support/wasm_builder.hpp"

namespace detwasm::test::gen {

constexpr std::array<ValType, 6> kAllTypes = {ValType::I32, ValType::I64, ValType::F32,
                                              ValType::F64, ValType::FuncRef, ValType::ExternRef};

// ---------------------------------------------------------------------------
// Module-level facts the body generator needs

struct TableInfo {
  ValType elem;
  uint32_t min;
};

struct GlobalInfo {
  GlobalType type;
  bool assignable;  // mutable and not the budget
};

struct ModuleCtx {
  ModuleCtx(const GenConfig& c, ChoiceSource& choices) : cfg(c), r(choices) {}

  const GenConfig& cfg;
  ChoiceSource& r;
  ModuleBuilder b;
  std::vector<uint32_t> type_pool;      // function types that functions may have
  std::vector<uint32_t> func_types;     // type index of every function, imported first
  std::vector<TableInfo> tables;
  bool has_memory = false;
  uint32_t mem_min_pages = 0;
  std::vector<GlobalInfo> globals;
  std::optional<uint32_t> budget_global;
  // An i64 global that float values are folded into, bits and all, so that
  // a NaN's sign and payload reach the compared state (float_arithmetic only).
  std::optional<uint32_t> digest_global;
  std::vector<ValType> elem_types;      // of every element segment
  std::vector<uint32_t> data_sizes;     // of every data segment
  // Table 0's initial contents as set by the active segment: slot -> function.
  std::vector<std::pair<uint32_t, uint32_t>> table0_slots;

  ValType random_type(bool refs = true) {
    static constexpr uint32_t kWeights[] = {5, 4, 3, 3, 1, 1};
    return kAllTypes[r.weighted(std::span(kWeights, refs ? 6 : 4))];
  }
  const FuncType& func_type(uint32_t f) const { return b.type(func_types[f]); }
};

// Constants biased to the edges where engines go wrong.
int32_t gen_i32(ChoiceSource& r);
int64_t gen_i64(ChoiceSource& r);
uint32_t gen_f32_bits(ChoiceSource& r);
uint64_t gen_f64_bits(ChoiceSource& r);

// The declared locals and the instructions (without the final end) of a
// function of type `type` that validates in `m` and terminates.
void generate_body(ModuleCtx& m, const FuncType& type, std::vector<ValType>& locals, Code& code);

}  // namespace detwasm::test::gen

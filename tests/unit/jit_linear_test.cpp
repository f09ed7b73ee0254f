// The compiler's cost stays linear in the module whatever its shape (a
// module cannot make it blow up), and its output is reproducible.
#include <gtest/gtest.h>

#include "jit/module_compiler.hpp"
#include "support/jit_differential.hpp"
#include "support/simple_module_builder.hpp"

namespace detwasm::jit {
namespace {

using internal::Opcode;

// `depth` nested blocks (result i32), innermost a br_table with `targets`
// entries spread over every depth, carrying one value; repeated `copies` times.
std::vector<uint8_t> br_table_module(uint32_t depth, uint32_t targets, uint32_t copies) {
  test::SimpleModuleBuilder b;
  uint32_t type = b.add_type({ValType::I32}, {ValType::I32});
  std::vector<uint8_t> body;
  for (uint32_t c = 0; c < copies; ++c) {
    for (uint32_t d = 0; d < depth; ++d) body.insert(body.end(), {0x02, 0x7F});
    test::emit_const(body, ValType::I32, c);
    test::emit_local_get(body, 0);
    body.push_back(0x0E);
    leb128::encode<uint32_t>(body, targets);
    for (uint32_t t = 0; t < targets; ++t) leb128::encode<uint32_t>(body, (t * 7919) % depth);
    leb128::encode<uint32_t>(body, depth - 1);
    for (uint32_t d = 0; d < depth; ++d) body.push_back(0x0B);
    if (c > 0) test::emit_op(body, Opcode::I32Add);
  }
  b.add_function(type, {}, body, "f");
  return b.build();
}

size_t code_size(const std::vector<uint8_t>& wasm) {
  EngineConfig config;
  config.tier = Tier::Jit;
  Engine engine(config);
  return Module::compile(engine, wasm).data()->code.jit->memory.size();
}

TEST(JitLinear, BranchTablesOverDeepNestingStayLinear) {
  size_t small = code_size(br_table_module(500, 2000, 4));
  size_t twice_deep = code_size(br_table_module(1000, 2000, 4));
  size_t twice_wide = code_size(br_table_module(500, 4000, 4));
  size_t twice_many = code_size(br_table_module(500, 2000, 8));
  EXPECT_LT(twice_deep, small * 2);
  EXPECT_LT(twice_wide, small * 2);
  EXPECT_LT(twice_many, small * 2 + 64);
  // Bytes per br_table entry and per block stay small constants.
  EXPECT_LT(small, 4u * (8 * 2000 + 64 * 500));
}

TEST(JitLinear, BranchTablesRunCorrectly) {
  testing::Differential d(br_table_module(50, 300, 3));
  for (uint64_t i : {0, 1, 2, 17, 299, 300, 5000}) d.expect_agree("f", {i});
}

TEST(JitLinear, ManyLocalsAndDeepConstantStacks) {
  test::SimpleModuleBuilder b;
  uint32_t type = b.add_type({}, {ValType::I64});
  // 20000 declared locals, 5000 constants pushed before a block, summed after.
  std::vector<ValType> locals(20000, ValType::I64);
  std::vector<uint8_t> body;
  for (uint32_t i = 0; i < 5000; ++i) test::emit_const(body, ValType::I64, i);
  body.insert(body.end(), {0x02, 0x40, 0x0B});  // block end
  for (uint32_t i = 1; i < 5000; ++i) test::emit_op(body, Opcode::I64Add);
  body.insert(body.end(), {0x20});  // local.get 19999
  leb128::encode<uint32_t>(body, 19999);
  test::emit_op(body, Opcode::I64Add);
  b.add_function(type, locals, body, "f");
  auto wasm = b.build();
  EXPECT_LT(code_size(wasm), 200'000u);
  testing::Differential d(wasm);
  d.expect_agree("f", {});
  EXPECT_EQ(d.jit("f", {}).results, (std::vector<uint64_t>{4999ull * 5000 / 2}));
}

}  // namespace
}  // namespace detwasm::jit

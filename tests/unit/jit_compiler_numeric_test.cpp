// Every numeric operator, compiled by the JIT, against the reference
// interpreter on edge-case operands: once with both operands from locals
// (registers), once with the second a constant (immediates), once with
// both constants.
#include <gtest/gtest.h>

#include <bit>
#include <limits>
#include <string>

#include "support/jit_differential.hpp"
#include "support/simple_module_builder.hpp"

namespace detwasm::jit {
namespace {

using internal::Opcode;
using testing::Differential;

std::vector<uint64_t> interesting(ValType t) {
  auto f32 = [](float v) -> uint64_t { return std::bit_cast<uint32_t>(v); };
  auto f64 = [](double v) -> uint64_t { return std::bit_cast<uint64_t>(v); };
  switch (t) {
    case ValType::I32:
      return {0, 1, 2, 7, 31, 32, 33, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0xFFFFFFF9, 0x12345678};
    case ValType::I64:
      return {0, 1, 7, 63, 64, 65, 1ull << 32, 0x7FFFFFFFFFFFFFFF, 0x8000000000000000, ~0ull, ~0ull - 6,
              0x123456789ABCDEF0};
    case ValType::F32:
      return {f32(0.0f), f32(-0.0f), f32(1.0f), f32(-1.5f), f32(2.5f), f32(0.49999997f),
              f32(std::numeric_limits<float>::infinity()), f32(-std::numeric_limits<float>::infinity()),
              0x7FC00000, 0xFFC00001, 0x7FA00000, f32(2147483648.0f), f32(-2147483904.0f), f32(4294967296.0f),
              f32(9223372036854775808.0f), f32(std::numeric_limits<float>::denorm_min()),
              f32(std::numeric_limits<float>::max()), f32(-1e20f)};
    default:
      return {f64(0.0), f64(-0.0), f64(1.0), f64(-1.5), f64(2.5), f64(-2147483648.9), f64(-2147483649.0),
              f64(4294967295.5), f64(std::numeric_limits<double>::infinity()), 0x7FF8000000000000,
              0xFFF8000000000001, 0x7FF4000000000000, f64(9223372036854775808.0), f64(1.8446744073709552e19),
              f64(std::numeric_limits<double>::denorm_min()), f64(-1e300), f64(0.5), f64(-0.5)};
  }
}

struct NumericOp {
  Opcode op;
  const char* name;
  ValType in1, in2, out;
  bool binary;
};

std::vector<NumericOp> numeric_ops() {
  std::vector<NumericOp> ops;
  constexpr ValType I32 = ValType::I32, I64 = ValType::I64, F32 = ValType::F32, F64 = ValType::F64,
                    None = ValType::V128;
#define DETWASM_NUMERIC_OP(Name, opcode, text, In1, In2, Out, ...) \
  ops.push_back({Opcode::Name, text, In1, In2, Out, In2 != None});
#include "decode/opcodes.def"
  return ops;
}

// One function per operator and operand shape; `shape` is 0 (locals),
// 1 (second operand constant) or 2 (all constant, one function per value).
std::vector<uint8_t> build_module(int shape) {
  test::SimpleModuleBuilder b;
  for (const NumericOp& op : numeric_ops()) {
    std::vector<ValType> params = {op.in1};
    if (op.binary && shape == 0) params.push_back(op.in2);
    if (shape == 2) params.clear();
    uint32_t type = b.add_type(params, {op.out});
    if (shape == 0) {
      std::vector<uint8_t> body;
      test::emit_local_get(body, 0);
      if (op.binary) test::emit_local_get(body, 1);
      test::emit_op(body, op.op);
      b.add_function(type, {}, body, op.name);
      continue;
    }
    if (shape == 1 && !op.binary) continue;
    const auto values = interesting(shape == 1 ? op.in2 : op.in1);
    for (size_t i = 0; i < values.size(); ++i) {
      std::vector<uint8_t> body;
      if (shape == 1) {
        test::emit_local_get(body, 0);
        test::emit_const(body, op.in2, values[i]);
      } else {
        test::emit_const(body, op.in1, values[i]);
        if (op.binary) test::emit_const(body, op.in2, values[(i * 7 + 3) % values.size()]);
      }
      test::emit_op(body, op.op);
      b.add_function(type, {}, body, std::string(op.name) + "/" + std::to_string(i));
    }
  }
  return b.build();
}

TEST(JitNumeric, OperandsInRegistersAgreeWithInterpreter) {
  Differential d(build_module(0));
  for (const NumericOp& op : numeric_ops()) {
    for (uint64_t a : interesting(op.in1)) {
      if (!op.binary) {
        d.expect_agree(op.name, {a});
        continue;
      }
      for (uint64_t b : interesting(op.in2)) d.expect_agree(op.name, {a, b});
    }
  }
}

TEST(JitNumeric, ConstantSecondOperandAgreesWithInterpreter) {
  Differential d(build_module(1));
  for (const NumericOp& op : numeric_ops()) {
    if (!op.binary) continue;
    for (size_t i = 0; i < interesting(op.in2).size(); ++i) {
      for (uint64_t a : interesting(op.in1)) d.expect_agree(std::string(op.name) + "/" + std::to_string(i), {a});
    }
  }
}

TEST(JitNumeric, ConstantOperandsAgreeWithInterpreter) {
  Differential d(build_module(2));
  for (const NumericOp& op : numeric_ops()) {
    for (size_t i = 0; i < interesting(op.in1).size(); ++i) d.expect_agree(std::string(op.name) + "/" + std::to_string(i), {});
  }
}

}  // namespace
}  // namespace detwasm::jit

// Float semantics of the determinism contract: every float operator that
// may produce a NaN produces the canonical one, other results are the
// IEEE round-to-nearest results, whatever floating-point environment the
// host thread has set, and the host's environment is left as it was; in
// each tier.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <bit>
#include <cfenv>
#include <cmath>
#include <map>
#include <memory>
#include <string>
#include <vector>

#if defined(__x86_64__)
#include <xmmintrin.h>
#endif

#include <detwasm/detwasm.hpp>

#include "unit/test_util.hpp"
#include "support/wasm_builder.hpp"

namespace detwasm::test {
namespace {

constexpr uint32_t kF32Nan = 0x7FC00000u;
constexpr uint64_t kF64Nan = 0x7FF8000000000000ull;

uint64_t canon32(float v) { return std::isnan(v) ? kF32Nan : std::bit_cast<uint32_t>(v); }
uint64_t canon64(double v) { return std::isnan(v) ? kF64Nan : std::bit_cast<uint64_t>(v); }

template <typename F>
F model_min(F a, F b) {
  if (std::isnan(a) || std::isnan(b)) return NAN;
  if (a == 0 && b == 0) return std::signbit(a) ? a : b;
  return a < b ? a : b;
}
template <typename F>
F model_max(F a, F b) {
  if (std::isnan(a) || std::isnan(b)) return NAN;
  if (a == 0 && b == 0) return std::signbit(a) ? b : a;
  return a > b ? a : b;
}

// The operators under test and their model, computed by the host under the
// default environment (round to nearest, no flushing).
struct FloatOp {
  Opcode op;
  ValType in, out;
  bool binary;
  uint64_t (*model)(uint64_t a, uint64_t b);
};

float f32(uint64_t b) { return std::bit_cast<float>(static_cast<uint32_t>(b)); }
double f64(uint64_t b) { return std::bit_cast<double>(b); }

const std::vector<FloatOp>& float_ops() {
  using V = ValType;
  static const std::vector<FloatOp> ops = {
      {Opcode::F32Add, V::F32, V::F32, true, [](uint64_t a, uint64_t b) { return canon32(f32(a) + f32(b)); }},
      {Opcode::F32Sub, V::F32, V::F32, true, [](uint64_t a, uint64_t b) { return canon32(f32(a) - f32(b)); }},
      {Opcode::F32Mul, V::F32, V::F32, true, [](uint64_t a, uint64_t b) { return canon32(f32(a) * f32(b)); }},
      {Opcode::F32Div, V::F32, V::F32, true, [](uint64_t a, uint64_t b) { return canon32(f32(a) / f32(b)); }},
      {Opcode::F32Min, V::F32, V::F32, true, [](uint64_t a, uint64_t b) { return canon32(model_min(f32(a), f32(b))); }},
      {Opcode::F32Max, V::F32, V::F32, true, [](uint64_t a, uint64_t b) { return canon32(model_max(f32(a), f32(b))); }},
      {Opcode::F32Sqrt, V::F32, V::F32, false, [](uint64_t a, uint64_t) { return canon32(std::sqrt(f32(a))); }},
      {Opcode::F32Ceil, V::F32, V::F32, false, [](uint64_t a, uint64_t) { return canon32(std::ceil(f32(a))); }},
      {Opcode::F32Floor, V::F32, V::F32, false, [](uint64_t a, uint64_t) { return canon32(std::floor(f32(a))); }},
      {Opcode::F32Trunc, V::F32, V::F32, false, [](uint64_t a, uint64_t) { return canon32(std::trunc(f32(a))); }},
      {Opcode::F32Nearest, V::F32, V::F32, false, [](uint64_t a, uint64_t) { return canon32(std::nearbyint(f32(a))); }},
      {Opcode::F64Add, V::F64, V::F64, true, [](uint64_t a, uint64_t b) { return canon64(f64(a) + f64(b)); }},
      {Opcode::F64Sub, V::F64, V::F64, true, [](uint64_t a, uint64_t b) { return canon64(f64(a) - f64(b)); }},
      {Opcode::F64Mul, V::F64, V::F64, true, [](uint64_t a, uint64_t b) { return canon64(f64(a) * f64(b)); }},
      {Opcode::F64Div, V::F64, V::F64, true, [](uint64_t a, uint64_t b) { return canon64(f64(a) / f64(b)); }},
      {Opcode::F64Min, V::F64, V::F64, true, [](uint64_t a, uint64_t b) { return canon64(model_min(f64(a), f64(b))); }},
      {Opcode::F64Max, V::F64, V::F64, true, [](uint64_t a, uint64_t b) { return canon64(model_max(f64(a), f64(b))); }},
      {Opcode::F64Sqrt, V::F64, V::F64, false, [](uint64_t a, uint64_t) { return canon64(std::sqrt(f64(a))); }},
      {Opcode::F64Ceil, V::F64, V::F64, false, [](uint64_t a, uint64_t) { return canon64(std::ceil(f64(a))); }},
      {Opcode::F64Floor, V::F64, V::F64, false, [](uint64_t a, uint64_t) { return canon64(std::floor(f64(a))); }},
      {Opcode::F64Trunc, V::F64, V::F64, false, [](uint64_t a, uint64_t) { return canon64(std::trunc(f64(a))); }},
      {Opcode::F64Nearest, V::F64, V::F64, false, [](uint64_t a, uint64_t) { return canon64(std::nearbyint(f64(a))); }},
      {Opcode::F32DemoteF64, V::F64, V::F32, false,
       [](uint64_t a, uint64_t) { return canon32(static_cast<float>(f64(a))); }},
      {Opcode::F64PromoteF32, V::F32, V::F64, false,
       [](uint64_t a, uint64_t) { return canon64(static_cast<double>(f32(a))); }},
      {Opcode::F32ConvertI64U, V::I64, V::F32, false, [](uint64_t a, uint64_t) { return canon32(static_cast<float>(a)); }},
      {Opcode::F32ConvertI64S, V::I64, V::F32, false,
       [](uint64_t a, uint64_t) { return canon32(static_cast<float>(static_cast<int64_t>(a))); }},
      {Opcode::F64ConvertI64U, V::I64, V::F64, false, [](uint64_t a, uint64_t) { return canon64(static_cast<double>(a)); }},
      {Opcode::F32ConvertI32U, V::I32, V::F32, false,
       [](uint64_t a, uint64_t) { return canon32(static_cast<float>(static_cast<uint32_t>(a))); }},
  };
  return ops;
}

// One module with an export per operator ("op0", ...), loaded once per tier.
struct FloatModule {
  explicit FloatModule(Tier tier) : engine(config_for(tier)), store(engine) {
    ModuleBuilder b;
    const auto& ops = float_ops();
    for (size_t i = 0; i < ops.size(); ++i) {
      const FloatOp& op = ops[i];
      FuncType t{op.binary ? std::vector<ValType>{op.in, op.in} : std::vector<ValType>{op.in}, {op.out}};
      Code body;
      body.local_get(0);
      if (op.binary) body.local_get(1);
      body.op(op.op);
      b.add_export("op" + std::to_string(i), ExternKind::Func, b.add_func(t, {}, body));
    }
    Instantiation inst = store.instantiate(Module::compile(engine, b.build()), {});
    instance = inst.instance;
  }
  uint64_t call(size_t i, uint64_t a, uint64_t b) {
    const FloatOp& op = float_ops()[i];
    std::vector<Value> args{Value{op.in, a}};
    if (op.binary) args.push_back(Value{op.in, b});
    CallResult r = instance.get_func("op" + std::to_string(i))->call(store, args);
    if (!r.ok()) throw std::runtime_error("operator #" + std::to_string(i) + " trapped: " + r.trap->message);
    return r.results.at(0).bits;
  }
  static EngineConfig config_for(Tier tier) {
    EngineConfig c;
    c.tier = tier;
    return c;
  }
  Engine engine;
  Store store;
  Instance instance;
};

const std::vector<Tier> kTiers = tiers_here();  // both tiers where the JIT runs
const char* tier_name(Tier t) { return t == Tier::Jit ? "jit" : "interp"; }

FloatModule& float_module(Tier tier) {
  if (tier == Tier::Jit) {
    static FloatModule jit(Tier::Jit);
    return jit;
  }
  static FloatModule interp(Tier::Interpreter);
  return interp;
}

// Operand values where float code goes wrong: zeros, NaNs with payloads,
// infinities, subnormals, rounding boundaries, halves.
const std::vector<uint64_t>& edges(ValType t) {
  static const std::vector<uint64_t> f32_edges = {
      0x00000000, 0x80000000, 0x3F800000, 0xBF800000, 0x3F000000, 0xBF000000, 0x3FC00000, 0x40200000,
      0x7F800000, 0xFF800000, 0x7FC00000, 0xFFC00000, 0x7FA00000, 0xFF800001, 0x7FC0BEEF, 0x00000001,
      0x80000001, 0x007FFFFF, 0x00800000, 0x7F7FFFFF, 0x4B000000, 0x4B000001, 0x4AFFFFFF, 0x3EFFFFFF};
  static const std::vector<uint64_t> f64_edges = {
      0x0, 0x8000000000000000, 0x3FF0000000000000, 0xBFF0000000000000, 0x3FE0000000000000,
      0xBFE0000000000000, 0x3FF8000000000000, 0x4004000000000000, 0x7FF0000000000000, 0xFFF0000000000000,
      0x7FF8000000000000, 0xFFF8000000000000, 0x7FF4000000000000, 0x7FF800000000BEEF, 0x1, 0x8000000000000001,
      0x000FFFFFFFFFFFFF, 0x0010000000000000, 0x7FEFFFFFFFFFFFFF, 0x4330000000000000, 0x4330000000000001,
      0x432FFFFFFFFFFFFF, 0x3FDFFFFFFFFFFFFF, 0x36A0000000000000, 0x47EFFFFFE0000000, 0x47EFFFFFF0000000};
  static const std::vector<uint64_t> i64_edges = {
      0, 1, ~0ull, 0x8000000000000000, 0x7FFFFFFFFFFFFFFF, 0x0020000000000001, 0x0020000000000003,
      0x8000008000000000, 0x8000008000000001, 0xFFFFFFFF, 0x80000080};
  static const std::vector<uint64_t> i32_edges = {0, 1, 0xFFFFFFFF, 0x80000000, 0x7FFFFFFF, 0x01000001, 0x80000080};
  switch (t) {
    case ValType::F32: return f32_edges;
    case ValType::F64: return f64_edges;
    case ValType::I64: return i64_edges;
    default: return i32_edges;
  }
}

rc::Gen<uint64_t> operand(ValType t) {
  auto bits = t == ValType::F32 || t == ValType::I32
                  ? rc::gen::map(rc::gen::arbitrary<uint32_t>(), [](uint32_t b) { return uint64_t(b); })
                  : rc::gen::arbitrary<uint64_t>();
  return rc::gen::oneOf(rc::gen::elementOf(edges(t)), bits);
}

std::string hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

std::string describe(size_t i, uint64_t a, uint64_t b, uint64_t got, uint64_t want) {
  return std::string(internal::opcode_name(float_ops()[i].op)) + "(" + hex(a) + ", " + hex(b) + ") = " + hex(got) +
         ", want " + hex(want);
}

// Each tier against the model, on the same operands.
RC_GTEST_PROP(FloatSemantics, ResultsAreCanonicalAndRoundToNearest, ()) {
  size_t i = *rc::gen::inRange<size_t>(0, float_ops().size());
  const FloatOp& op = float_ops()[i];
  uint64_t a = *operand(op.in);
  uint64_t b = op.binary ? *operand(op.in) : 0;
  uint64_t want = op.model(a, b);
  for (Tier tier : kTiers) {
    uint64_t got = float_module(tier).call(i, a, b);
    RC_LOG() << tier_name(tier) << ": " << describe(i, a, b, got, want) << "\n";
    RC_ASSERT(got == want);
  }
}

// Every operator on every pair of edge operands, in each tier.
TEST(FloatSemantics, EveryOperatorOnEdgeOperands) {
  for (Tier tier : kTiers) {
    for (size_t i = 0; i < float_ops().size(); ++i) {
      const FloatOp& op = float_ops()[i];
      for (uint64_t a : edges(op.in))
        for (uint64_t b : op.binary ? edges(op.in) : std::vector<uint64_t>{0}) {
          uint64_t got = float_module(tier).call(i, a, b), want = op.model(a, b);
          EXPECT_EQ(got, want) << tier_name(tier) << ": " << describe(i, a, b, got, want);
        }
    }
  }
}

// The host's floating-point environment is not the engine's, in either tier.
class HostFloatEnvironment : public testing::TestWithParam<Tier> {
 protected:
  void TearDown() override {
    std::fesetround(FE_TONEAREST);
#if defined(__x86_64__)
    _mm_setcsr(_mm_getcsr() & ~0x8040u);  // FTZ (bit 15) and DAZ (bit 6) off
#endif
  }
  FloatModule& m = float_module(GetParam());
  size_t index_of(Opcode op) {
    for (size_t i = 0; i < float_ops().size(); ++i)
      if (float_ops()[i].op == op) return i;
    throw std::logic_error("no such operator");
  }
};

TEST_P(HostFloatEnvironment, RoundingModeDoesNotLeakIn) {
  uint64_t one = std::bit_cast<uint32_t>(1.0f), tiny = std::bit_cast<uint32_t>(0x1p-30f);
  for (int mode : {FE_UPWARD, FE_DOWNWARD, FE_TOWARDZERO}) {
    std::fesetround(mode);
    // 1 + 2^-30 rounds to 1 to nearest; upward it would be the next float.
    EXPECT_EQ(m.call(index_of(Opcode::F32Add), one, tiny), one) << "rounding mode " << mode;
    EXPECT_EQ(m.call(index_of(Opcode::F32Sub), one, tiny), one) << "rounding mode " << mode;
    // 2^53 + 1 as an f64 is 2^53 to nearest (ties to even).
    EXPECT_EQ(m.call(index_of(Opcode::F64ConvertI64U), (1ull << 53) + 1, 0), std::bit_cast<uint64_t>(0x1p53))
        << "rounding mode " << mode;
    EXPECT_EQ(std::fegetround(), mode) << "the host's rounding mode was not restored";
  }
}

#if defined(__x86_64__)
TEST_P(HostFloatEnvironment, FlushToZeroDoesNotLeakIn) {
  _mm_setcsr(_mm_getcsr() | 0x8040u);
  uint64_t min_subnormal = 0x00000001, one = std::bit_cast<uint32_t>(1.0f);
  // With DAZ the operand would be read as 0; with FTZ the result would be flushed.
  EXPECT_EQ(m.call(index_of(Opcode::F32Mul), min_subnormal, one), min_subnormal);
  EXPECT_EQ(m.call(index_of(Opcode::F64Mul), 0x0010000000000000ull, std::bit_cast<uint64_t>(0.5)),
            0x0008000000000000ull);
  EXPECT_EQ(_mm_getcsr() & 0x8040u, 0x8040u) << "the host's FTZ/DAZ bits were not restored";
}
#endif

INSTANTIATE_TEST_SUITE_P(Tiers, HostFloatEnvironment, ::testing::ValuesIn(kTiers),
                         [](const auto& info) { return std::string(tier_name(info.param)); });

}  // namespace
}  // namespace detwasm::test

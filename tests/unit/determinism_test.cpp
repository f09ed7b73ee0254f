// Runs determinism/float-vectors.txt: raw result bits of float operators, in
// every tier, also with flush-to-zero and denormals-are-zero set on the host.
#include <gtest/gtest.h>

#include <bit>
#include <fstream>
#include <sstream>

#include "decode/opcodes.hpp"
#include "runtime/float_env.hpp"
#include "test_util.hpp"
#include "util/leb128.hpp"

namespace detwasm::test {
namespace {

using internal::Opcode;

struct Vector {
  int line = 0;
  std::string op;
  std::vector<uint64_t> args;
  uint64_t expected = 0;
};

std::vector<Vector> read_vectors() {
  std::ifstream in(std::string(DETWASM_SOURCE_DIR) + "/determinism/float-vectors.txt");
  std::vector<Vector> out;
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.empty() || line[0] == '#') continue;
    std::istringstream ss(line);
    Vector v;
    v.line = n;
    ss >> v.op;
    std::string tok;
    while (ss >> tok && tok != "->") v.args.push_back(std::stoull(tok, nullptr, 16));
    ss >> tok;
    v.expected = std::stoull(tok, nullptr, 16);
    out.push_back(v);
  }
  return out;
}

struct OpInfo {
  Opcode op;
  ValType in1, in2, out;
  bool binary;
};

bool find_numeric(const std::string& name, OpInfo* info) {
  using enum ValType;
  const ValType None = I32;
#define DETWASM_NUMERIC_OP(Name, opcode, text, In1, In2, Out, Gas)                  \
  if (name == text) {                                                             \
    *info = OpInfo{Opcode::Name, In1, In2, Out, std::string_view(#In2) != "None"}; \
    return true;                                                                  \
  }
#include "decode/opcodes.def"
  (void)None;
  return false;
}

void section(std::vector<uint8_t>& m, uint8_t id, const std::vector<uint8_t>& payload) {
  m.push_back(id);
  leb128::encode(m, static_cast<uint32_t>(payload.size()));
  m.insert(m.end(), payload.begin(), payload.end());
}

// A module exporting "f" of type params -> result with the given body.
std::vector<uint8_t> single_function(const std::vector<ValType>& params, ValType result,
                                     const std::vector<uint8_t>& body, bool with_memory) {
  std::vector<uint8_t> m = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};
  std::vector<uint8_t> type = {0x01, 0x60, static_cast<uint8_t>(params.size())};
  for (ValType p : params) type.push_back(static_cast<uint8_t>(p));
  type.insert(type.end(), {0x01, static_cast<uint8_t>(result)});
  section(m, 1, type);
  section(m, 3, {0x01, 0x00});
  if (with_memory) section(m, 5, {0x01, 0x00, 0x01});
  section(m, 7, {0x01, 0x01, 'f', 0x00, 0x00});
  std::vector<uint8_t> code = {0x00};
  code.insert(code.end(), body.begin(), body.end());
  code.push_back(0x0B);
  std::vector<uint8_t> payload = {0x01};
  leb128::encode(payload, static_cast<uint32_t>(code.size()));
  payload.insert(payload.end(), code.begin(), code.end());
  section(m, 10, payload);
  return m;
}

void put_fixed(std::vector<uint8_t>& out, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

// Runs one vector and returns the result bits.
uint64_t run_vector(Tier tier, const Vector& v) {
  std::vector<uint8_t> bytes;
  std::vector<Value> args;
  if (v.op == "f32.const" || v.op == "f64.const") {
    bool is32 = v.op[1] == '3';
    std::vector<uint8_t> body = {static_cast<uint8_t>(is32 ? 0x43 : 0x44)};
    put_fixed(body, v.args.at(0), is32 ? 4 : 8);
    bytes = single_function({}, is32 ? ValType::F32 : ValType::F64, body, false);
  } else if (v.op == "f32.load_store" || v.op == "f64.load_store") {
    bool is32 = v.op[1] == '3';
    ValType t = is32 ? ValType::F32 : ValType::F64;
    // i32.const 0; local.get 0; store; i32.const 0; load
    std::vector<uint8_t> body = {0x41, 0x00, 0x20, 0x00, static_cast<uint8_t>(is32 ? 0x38 : 0x39), 0x00, 0x00,
                                 0x41, 0x00, static_cast<uint8_t>(is32 ? 0x2A : 0x2B), 0x00, 0x00};
    bytes = single_function({t}, t, body, true);
    args.push_back(Value{t, v.args.at(0)});
  } else {
    OpInfo info;
    if (!find_numeric(v.op, &info)) throw std::runtime_error("unknown operator " + v.op);
    std::vector<ValType> params = {info.in1};
    if (info.binary) params.push_back(info.in2);
    std::vector<uint8_t> body;
    for (uint8_t i = 0; i < params.size(); ++i) body.insert(body.end(), {0x20, i});
    uint16_t code = static_cast<uint16_t>(info.op);
    if (code > 0xFF) {
      body.push_back(0xFC);
      leb128::encode(body, static_cast<uint32_t>(code & 0xFF));
    } else {
      body.push_back(static_cast<uint8_t>(code));
    }
    bytes = single_function(params, info.out, body, false);
    for (size_t i = 0; i < params.size(); ++i) args.push_back(Value{params[i], v.args.at(i)});
  }
  EngineConfig config;
  config.tier = tier;
  Loaded m(bytes, config);
  auto r = m.call("f", args);
  if (r.trap) throw std::runtime_error("trapped: " + r.trap->message);
  return r.results.at(0).bits;
}

class FloatVectors : public ::testing::TestWithParam<Tier> {};

TEST_P(FloatVectors, ResultBitsMatch) {
  auto vectors = read_vectors();
  ASSERT_GT(vectors.size(), 50u);
  for (const Vector& v : vectors) {
    uint64_t got = run_vector(GetParam(), v);
    EXPECT_EQ(got, v.expected) << "float-vectors.txt:" << v.line << " " << v.op << " gave 0x" << std::hex << got;
  }
}

#if defined(__x86_64__)
// Operations whose result differs under flush-to-zero or denormals-are-zero:
// subnormal operands (DAZ reads them as 0) and subnormal results (FTZ
// flushes them to 0).
const std::vector<Vector>& subnormal_vectors() {
  static const std::vector<Vector> v = {
      {0, "f32.mul", {0x00000001, 0x3F800000}, 0x00000001},                  // min subnormal * 1
      {0, "f32.add", {0x00000001, 0x00000001}, 0x00000002},                  // subnormal + subnormal
      {0, "f32.div", {0x00800000, 0x40000000}, 0x00400000},                  // min normal / 2
      {0, "f64.mul", {0x0010000000000000, 0x3FE0000000000000}, 0x0008000000000000},  // min normal * 0.5
      {0, "f64.sub", {0x0000000000000003, 0x0000000000000001}, 0x0000000000000002},
      {0, "f64.promote_f32", {0x00000001}, 0x36A0000000000000},              // 2^-149, normal as f64
      {0, "f32.demote_f64", {0x3800000000000000}, 0x00400000},               // 2^-127, subnormal as f32
  };
  return v;
}

// The host thread runs with FTZ and DAZ; Wasm must not. Each tier sets its
// own environment at entry (the interpreter through the runtime's guard, the
// JIT in its entry trampoline) and gives the host's back.
TEST_P(FloatVectors, HostFlushToZeroDoesNotLeakIn) {
  const uint32_t host = internal::kWasmFloatEnv | 0x8040;  // FTZ and DAZ
  internal::write_float_env(host);
  // The host environment really flushes: a subnormal times one is zero.
  volatile float min_subnormal = std::bit_cast<float>(1u), one = 1.0f;
  float flushed = min_subnormal * one;
  uint64_t flushed_bits = std::bit_cast<uint32_t>(flushed);
  std::vector<Vector> vectors = read_vectors();
  const auto& subnormal = subnormal_vectors();
  vectors.insert(vectors.begin(), subnormal.begin(), subnormal.end());
  std::vector<std::string> wrong;
  for (const Vector& v : vectors) {
    uint64_t got = run_vector(GetParam(), v);
    if (internal::read_float_env() != host) wrong.push_back(v.op + ": the host's environment was not restored");
    if (got != v.expected) {
      std::ostringstream os;
      os << (v.line ? "float-vectors.txt:" + std::to_string(v.line) + " " : "") << v.op << " gave 0x" << std::hex
         << got << ", want 0x" << v.expected;
      wrong.push_back(os.str());
    }
  }
  internal::write_float_env(internal::kWasmFloatEnv);
  EXPECT_EQ(flushed_bits, 0u) << "FTZ/DAZ had no effect on the host";
  for (const std::string& w : wrong) ADD_FAILURE() << w << " under FTZ/DAZ";
}
#endif

INSTANTIATE_TEST_SUITE_P(Tiers, FloatVectors, ::testing::ValuesIn(tiers_here()),
                         [](const auto& info) { return info.param == Tier::Interpreter ? "interp" : "jit"; });

}  // namespace
}  // namespace detwasm::test

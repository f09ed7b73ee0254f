// Trap frames carry the module offset of the instruction that trapped (the
// innermost frame) or of the call each outer frame was making, in both
// tiers, for every way a trap is raised: a check in compiled code, a
// faulting memory access, a failing builtin, a host function, an exhausted
// stack budget and running out of gas. The expected offsets are found in the
// module's bytes, independently of the engine.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <span>

#include <detwasm/detwasm.hpp>

#include "module/module_data.hpp"
#include "support/wat.hpp"
#include "test_util.hpp"

namespace detwasm::test {
namespace {

constexpr const char* kModule = R"((module
  (import "env" "fail" (func $fail))
  (type $v (func))
  (memory 1)
  (table 2 funcref)
  (func $div (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
  (func $load (export "load") (param i32) (result i32) (i32.load offset=7 (local.get 0)))
  (func $indirect (export "indirect") (param i32) (call_indirect (type $v) (local.get 0)))
  (func $host (export "host") (call $fail))
  (func $recurse (export "recurse") (call $recurse))
  (func $trunc (export "trunc") (param f32) (result i32) (i32.trunc_f32_s (local.get 0)))
  (func $fill (export "fill") (param i32) (memory.fill (local.get 0) (i32.const 0) (i32.const 100)))
  (func $outer (export "outer") (param i32 i32) (result i32)
    (i32.add (i32.const 5) (call $div (local.get 0) (local.get 1))))
  (func $tget (export "tget") (param i32) (result funcref) (table.get 0 (local.get 0)))
  (func $spin (export "spin") (loop $l (i32.const 3) (drop) (br $l)))
  (func $kill (export "kill") (unreachable)))
)";

// The offset of `pattern`, which must occur exactly once, plus `skip`.
uint64_t offset_of(const std::vector<uint8_t>& wasm, std::initializer_list<uint8_t> pattern, uint64_t skip) {
  std::optional<uint64_t> found;
  for (auto it = wasm.begin(); (it = std::search(it, wasm.end(), pattern.begin(), pattern.end())) != wasm.end(); ++it) {
    EXPECT_FALSE(found) << "pattern occurs twice";
    found = static_cast<uint64_t>(it - wasm.begin());
  }
  EXPECT_TRUE(found) << "pattern not found";
  return found.value_or(0) + skip;
}

class TrapOffsets : public ::testing::TestWithParam<Tier> {
 protected:
  TrapOffsets() : wasm(wat_to_wasm(kModule)), engine(config()), store(engine), module(Module::compile(engine, wasm)) {
    Func fail = store.new_host_func(FuncType{}, [](Caller&, std::span<const Value>, std::span<Value>) {
      return std::optional<Trap>(Trap::host("refused"));
    });
    std::vector<Extern> imports{fail};
    Instantiation inst = store.instantiate(module, imports);
    if (inst.trap) ADD_FAILURE() << inst.trap->message;
    instance = inst.instance;
    store.set_gas_limit(1000);
  }
  EngineConfig config() const {
    EngineConfig c;
    c.tier = GetParam();
    c.metering = true;
    return c;
  }
  Trap trap_of(std::string_view name, std::vector<Value> args = {}, uint64_t gas = 1'000'000'000) {
    store.set_gas_limit(gas);
    CallResult r = instance.get_func(name)->call(store, args);
    EXPECT_TRUE(r.trap) << name;
    return r.trap.value_or(Trap{});
  }
  // Frame i is function `func` at module offset `at`; its function offset
  // is from the body's first byte.
  void expect_frame(const Trap& t, size_t i, uint32_t func, uint64_t at) {
    ASSERT_LT(i, t.frames.size()) << t.to_string();
    const TrapFrame& f = t.frames[i];
    EXPECT_EQ(f.func_index, func) << t.to_string();
    ASSERT_TRUE(f.module_offset) << t.to_string();
    EXPECT_EQ(*f.module_offset, at) << t.to_string();
    ASSERT_TRUE(f.func_offset);
    auto defined = module.data()->defined(internal::FuncIdx{func});
    ASSERT_TRUE(defined);
    EXPECT_EQ(*f.func_offset, at - module.data()->function(*defined).body_offset);
  }

  std::vector<uint8_t> wasm;
  Engine engine;
  Store store;
  Module module;
  Instance instance;
};

// Function indices: the import is 0, then div 1, load 2, indirect 3, host 4,
// recurse 5, trunc 6, fill 7, outer 8, tget 9, spin 10, kill 11.

TEST_P(TrapOffsets, AnExplicitCheckReportsItsOperator) {
  Trap t = trap_of("div", {Value::i32(1), Value::i32(0)});
  EXPECT_EQ(t.kind, TrapKind::IntegerDivideByZero);
  ASSERT_EQ(t.frames.size(), 1u);
  expect_frame(t, 0, 1, offset_of(wasm, {0x20, 0x00, 0x20, 0x01, 0x6d}, 4));
  Trap c = trap_of("trunc", {Value::f32_bits(0x7fc00000)});
  EXPECT_EQ(c.kind, TrapKind::InvalidConversion);
  expect_frame(c, 0, 6, offset_of(wasm, {0x20, 0x00, 0xa8}, 2));
  Trap u = trap_of("kill");
  expect_frame(u, 0, 11, offset_of(wasm, {0x03, 0x00, 0x00, 0x0b}, 2));
}

TEST_P(TrapOffsets, CallersReportTheirCall) {
  Trap t = trap_of("outer", {Value::i32(1), Value::i32(0)});
  ASSERT_EQ(t.frames.size(), 2u);
  expect_frame(t, 0, 1, offset_of(wasm, {0x20, 0x00, 0x20, 0x01, 0x6d}, 4));
  expect_frame(t, 1, 8, offset_of(wasm, {0x41, 0x05, 0x20, 0x00, 0x20, 0x01, 0x10, 0x01}, 6));
}

TEST_P(TrapOffsets, AFaultingAccessReportsItsLoad) {
  Trap t = trap_of("load", {Value::i32(65536)});
  EXPECT_EQ(t.kind, TrapKind::MemoryOutOfBounds);
  expect_frame(t, 0, 2, offset_of(wasm, {0x20, 0x00, 0x28, 0x02, 0x07}, 2));
}

TEST_P(TrapOffsets, TableAndIndirectCallChecksReportTheirOperator) {
  Trap t = trap_of("indirect", {Value::i32(0)});
  EXPECT_EQ(t.kind, TrapKind::IndirectCallToNull);
  expect_frame(t, 0, 3, offset_of(wasm, {0x20, 0x00, 0x11}, 2));
  Trap oob = trap_of("indirect", {Value::i32(7)});
  EXPECT_EQ(oob.kind, TrapKind::TableOutOfBounds);
  expect_frame(oob, 0, 3, offset_of(wasm, {0x20, 0x00, 0x11}, 2));
  Trap g = trap_of("tget", {Value::i32(9)});
  EXPECT_EQ(g.kind, TrapKind::TableOutOfBounds);
  expect_frame(g, 0, 9, offset_of(wasm, {0x20, 0x00, 0x25, 0x00}, 2));
}

TEST_P(TrapOffsets, AFailingBulkOperationReportsIt) {
  Trap t = trap_of("fill", {Value::i32(65500)});
  EXPECT_EQ(t.kind, TrapKind::MemoryOutOfBounds);
  expect_frame(t, 0, 7, offset_of(wasm, {0xfc, 0x0b, 0x00}, 0));
}

TEST_P(TrapOffsets, AHostTrapReportsTheCallToIt) {
  Trap t = trap_of("host");
  EXPECT_EQ(t.kind, TrapKind::HostError);
  ASSERT_EQ(t.frames.size(), 1u);
  expect_frame(t, 0, 4, offset_of(wasm, {0x04, 0x00, 0x10, 0x00, 0x0b}, 2));
}

TEST_P(TrapOffsets, AnExhaustedStackReportsEveryRecursiveCall) {
  Trap t = trap_of("recurse");
  EXPECT_EQ(t.kind, TrapKind::StackExhausted);
  ASSERT_GT(t.frames.size(), 10u);
  uint64_t call = offset_of(wasm, {0x04, 0x00, 0x10, 0x05, 0x0b}, 2);
  for (size_t i = 0; i < t.frames.size(); i += t.frames.size() / 7) expect_frame(t, i, 5, call);
  expect_frame(t, t.frames.size() - 1, 5, call);
}

TEST_P(TrapOffsets, RunningOutOfGasReportsTheSegment) {
  Trap t = trap_of("spin", {}, 1000);
  EXPECT_EQ(t.kind, TrapKind::OutOfGas);
  // The loop body's segment starts with its first operator.
  expect_frame(t, 0, 10, offset_of(wasm, {0x03, 0x40, 0x41, 0x03, 0x1a, 0x0c, 0x00}, 2));
}

TEST_P(TrapOffsets, TheBacktraceReadsLikeWasmtimes) {
  Trap t = trap_of("outer", {Value::i32(1), Value::i32(0)});
  uint64_t div = offset_of(wasm, {0x20, 0x00, 0x20, 0x01, 0x6d}, 4);
  uint64_t call = offset_of(wasm, {0x41, 0x05, 0x20, 0x00, 0x20, 0x01, 0x10, 0x01}, 6);
  char want[160];
  std::snprintf(want, sizeof want,
                "integer divide by zero\nwasm backtrace:\n    0: %#6llx - <unknown>!<wasm function 1>\n    1: %#6llx - <unknown>!<wasm function 8>",
                static_cast<unsigned long long>(div), static_cast<unsigned long long>(call));
  EXPECT_EQ(t.to_string(), want);
}

INSTANTIATE_TEST_SUITE_P(Tiers, TrapOffsets, ::testing::ValuesIn(tiers_here()),
                         [](const auto& info) { return info.param == Tier::Interpreter ? "interp" : "jit"; });

}  // namespace
}  // namespace detwasm::test

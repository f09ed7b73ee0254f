// AArch64: compiled code runs with its own FPCR (default-NaN mode) and
// gives the host its float environment back, on a return, a trap, and
// around a host call.
#include <gtest/gtest.h>

#include <detwasm/detwasm.hpp>

#include "support/wat.hpp"

namespace detwasm {
namespace {

uint64_t read_fpcr() {
  uint64_t v;
  asm volatile("mrs %0, fpcr" : "=r"(v));
  return v;
}

constexpr const char* kModule = R"((module
  (import "host" "probe" (func $probe (param f64) (result f64)))
  (memory 1)
  (func (export "run") (param f64) (result f64)
    (call $probe (f64.div (local.get 0) (f64.const 0))))
  (func (export "trap") (result i32) (i32.load (i32.const 70000)))))";

TEST(A64FloatEnv, WasmHasItsOwnAndTheHostKeepsItsOwn) {
  Engine engine;
  Store store(engine);
  Module module = Module::compile_text(engine, kModule);
  uint64_t seen_by_host = ~uint64_t{0};
  Func probe = store.new_host_func(FuncType{{ValType::F64}, {ValType::F64}},
                                   [&](Caller&, std::span<const Value> args, std::span<Value> results) {
                                     seen_by_host = read_fpcr();
                                     results[0] = args[0];
                                     return std::optional<Trap>();
                                   });
  Instantiation inst = store.instantiate(module, std::vector<Extern>{probe});
  ASSERT_TRUE(inst.ok());
  uint64_t before = read_fpcr();
  CallResult r = inst.instance.get_func("run")->call(store, std::vector<Value>{Value::f64(0.0)});
  ASSERT_TRUE(r.ok());
  // 0/0 is the canonical NaN, with no help from software.
  EXPECT_EQ(r.results[0].as_f64_bits(), 0x7FF8000000000000ull);
  EXPECT_EQ(seen_by_host, 0u);
  EXPECT_EQ(read_fpcr(), before);
  CallResult t = inst.instance.get_func("trap")->call(store, {});
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.trap->kind, TrapKind::MemoryOutOfBounds);
  EXPECT_EQ(read_fpcr(), before);
}

}  // namespace
}  // namespace detwasm

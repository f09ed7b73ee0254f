// Execution end to end through the C++ API, in each tier: the reference
// interpreter and the JIT must agree on every result, trap and limit.
#include <gtest/gtest.h>

#include "support/wat.hpp"
#include "test_util.hpp"

namespace detwasm::test {
namespace {

class Execution : public ::testing::TestWithParam<Tier> {
 protected:
  EngineConfig config() const {
    EngineConfig c;
    c.tier = GetParam();
    return c;
  }
};

// (module
//   (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
//   (func (export "div_s") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
//   (func (export "fac") (param i64) (result i64)
//     (if (result i64) (i64.eqz (local.get 0))
//       (then (i64.const 1))
//       (else (i64.mul (local.get 0) (call 2 (i64.sub (local.get 0) (i64.const 1))))))))
const std::vector<uint8_t> kArith = from_hex(
    "0061736d01000000010c0260027f7f017f60017e017e030403000001071503036164640000056469765f730001036661"
    "6300020a27030700200020016a0b0700200020016d0b1500200050047e4201052000200042017d10027e0b0b000e046e"
    "616d65020703000001000200");

// (module
//   (func (export "swap") (param i32 i64) (result i64 i32) (local.get 1) (local.get 0))
//   (func (export "sum3") (result i32)
//     (i32.const 1) (i32.const 2) (i32.const 3)
//     (block (param i32 i32 i32) (result i32) (i32.add) (i32.add))))
const std::vector<uint8_t> kMultiValue = from_hex(
    "0061736d0100000001130360027f7e027e7f6000017f60037f7f7f017f0303020001070f02047377617000000473756d"
    "3300010a16020600200120000b0d0041014102410302026a6a0b0b000c046e616d6502050200000100");

// (module
//   (func (export "sum_to") (param i32) (result i32) (local i32)
//     (block
//       (loop
//         (br_if 1 (i32.eqz (local.get 0)))
//         (local.set 1 (i32.add (local.get 1) (local.get 0)))
//         (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
//         (br 0)))
//     (local.get 1))
//   (func (export "switch") (param i32) (result i32)
//     (block (block (block (br_table 0 1 2 (local.get 0))) (return (i32.const 10))) (return (i32.const 20)))
//     (i32.const 30)))
const std::vector<uint8_t> kLoop = from_hex(
    "0061736d0100000001060160017f017f03030200000713020673756d5f746f00000673776974636800010a3e02210101"
    "7f024003402000450d01200120006a2101200041016b21000c000b0b20010b1a0002400240024020000e020001020b41"
    "0a0f0b41140f0b411e0b000c046e616d6502050200000100");

// (module
//   (memory (export "mem") 1 3)
//   (data (i32.const 8) "\01\02\03\04")
//   (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
//   (func (export "store") (param i32 i32) (i32.store offset=4 (local.get 0) (local.get 1)))
//   (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
//   (func (export "size") (result i32) (memory.size)))
const std::vector<uint8_t> kMemory = from_hex(
    "0061736d01000000010f0360017f017f60027f7f006000017f03050400010002050401010103072405036d656d020004"
    "6c6f616400000573746f726500010467726f7700020473697a6500030a1f04070020002802000b090020002001360204"
    "0b0600200040000b04003f000b0b0a010041080b04010203040010046e616d650209040000010002000300");

// (module
//   (type $ii (func (param i32) (result i32)))
//   (table 3 funcref)
//   (elem (i32.const 0) $inc $dbl)
//   (func $inc (type $ii) (i32.add (local.get 0) (i32.const 1)))
//   (func $dbl (type $ii) (i32.mul (local.get 0) (i32.const 2)))
//   (func $nullary (result i32) (i32.const 7))
//   (func (export "call") (param i32 i32) (result i32) (call_indirect (type $ii) (local.get 1) (local.get 0))))
const std::vector<uint8_t> kIndirect = from_hex(
    "0061736d0100000001100360017f017f6000017f60027f7f017f030504000001020404017000030708010463616c6c00"
    "030908010041000b0200010a20040700200041016a0b0700200041026c0b040041070b0900200120001100000b002d04"
    "6e616d650114030003696e63010364626c02076e756c6c617279020904000001000200030004050100026969");

// (module
//   (func $f (export "forever") (param i32) (result i32) (call $f (i32.add (local.get 0) (i32.const 1))))
//   (func $g (export "depth") (param i32) (result i32)
//     (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
//       (else (i32.add (i32.const 1) (call $g (i32.sub (local.get 0) (i32.const 1))))))))
const std::vector<uint8_t> kRecursion = from_hex(
    "0061736d0100000001060160017f017f030302000007130207666f7265766572000005646570746800010a2102090020"
    "0041016a10000b1500200045047f4100054101200041016b10016a0b0b0015046e616d65010702000166010167020502"
    "00000100");

// (module
//   (import "env" "twice" (func $twice (param i32) (result i32)))
//   (import "env" "fail" (func $fail))
//   (memory (export "mem") 1)
//   (func (export "use") (param i32) (result i32) (i32.add (call $twice (local.get 0)) (i32.const 1)))
//   (func $inner (call $fail))
//   (func (export "nested") (call $inner)))
const std::vector<uint8_t> kHostImport = from_hex(
    "0061736d0100000001090260017f017f60000002180203656e76057477696365000003656e76046661696c0001030403"
    "0001010503010001071603036d656d0200037573650002066e657374656400040a150309002000100041016a0b040010"
    "010b040010030b0029046e616d650115030005747769636501046661696c0305696e6e6572020b050000010002000300"
    "0400");

// (module
//   (memory 1)
//   (func $start (i32.store (i32.const 70000) (i32.const 1)))
//   (start $start))
const std::vector<uint8_t> kStartTraps = from_hex(
    "0061736d010000000104016000000302010005030100010801000a0d010b0041f0a20441013602000b0014046e616d65"
    "010801000573746172740203010000");

// (module
//   (func $leaf (unreachable))
//   (func $middle (call $leaf))
//   (func (export "outer") (call $middle)))
const std::vector<uint8_t> kNamedTrap = from_hex(
    "0061736d01000000010401600000030403000000070901056f7574657200020a0f030300000b040010000b040010010b"
    "001f046e616d65010f0200046c65616601066d6964646c65020703000001000200");

// (module (table 0 funcref) (table $t2 0 funcref)
//   (func (export "f")
//     (table.copy (i32.const 0) (i32.const 0) (i32.const 0))
//     (table.copy $t2 0 (i32.const 0) (i32.const 0) (i32.const 0))
//     (table.fill 0 (i32.const 0) (ref.null func) (i32.const 0))))
const std::vector<uint8_t> kEmptyTables = from_hex(
    "0061736d0100000001040160000003020100040702700000700000070501016600000a21011f00410041004100fc0e00"
    "00410041004100fc0e01004100d0704100fc11000b");

TEST_P(Execution, BulkOperationsOfNothingOnEmptyTables) {
  // Empty tables have no element storage; zero-length operations on them
  // are valid and touch nothing.
  Loaded m(kEmptyTables, config());
  EXPECT_RESULT(m.call("f", {}));
}

TEST_P(Execution, IntegerArithmeticAndRecursion) {
  Loaded m(kArith, config());
  EXPECT_RESULT(m.call("add", {Value::i32(2), Value::i32(40)}), Value::i32(42));
  EXPECT_RESULT(m.call("add", {Value::i32(-1), Value::i32(1)}), Value::i32(0));
  EXPECT_RESULT(m.call("div_s", {Value::i32(-7), Value::i32(2)}), Value::i32(-3));
  EXPECT_RESULT(m.call("fac", {Value::i64(20)}), Value::i64(2432902008176640000));
}

TEST_P(Execution, IntegerTrapsAreValues) {
  Loaded m(kArith, config());
  EXPECT_TRAP(m.call("div_s", {Value::i32(1), Value::i32(0)}), TrapKind::IntegerDivideByZero);
  EXPECT_TRAP(m.call("div_s", {Value::i32(INT32_MIN), Value::i32(-1)}), TrapKind::IntegerOverflow);
  // The store stays usable after a trap.
  EXPECT_RESULT(m.call("add", {Value::i32(1), Value::i32(2)}), Value::i32(3));
}

TEST_P(Execution, ArgumentTypesAreChecked) {
  Loaded m(kArith, config());
  EXPECT_THROW(m.call("add", {Value::i32(1)}), UsageError);
  EXPECT_THROW(m.call("add", {Value::i32(1), Value::i64(2)}), UsageError);
}

TEST_P(Execution, MultiValueFunctionsAndBlocks) {
  Loaded m(kMultiValue, config());
  EXPECT_RESULT(m.call("swap", {Value::i32(5), Value::i64(-6)}), Value::i64(-6), Value::i32(5));
  EXPECT_RESULT(m.call("sum3"), Value::i32(6));
}

TEST_P(Execution, LoopsAndBranchTables) {
  Loaded m(kLoop, config());
  EXPECT_RESULT(m.call("sum_to", {Value::i32(100)}), Value::i32(5050));
  EXPECT_RESULT(m.call("switch", {Value::i32(0)}), Value::i32(10));
  EXPECT_RESULT(m.call("switch", {Value::i32(1)}), Value::i32(20));
  EXPECT_RESULT(m.call("switch", {Value::i32(2)}), Value::i32(30));
  EXPECT_RESULT(m.call("switch", {Value::i32(99)}), Value::i32(30));  // default target
}

TEST_P(Execution, MemoryAccessDataAndGrowth) {
  Loaded m(kMemory, config());
  EXPECT_RESULT(m.call("load", {Value::i32(8)}), Value::i32(0x04030201));
  EXPECT_RESULT(m.call("store", {Value::i32(100), Value::i32(77)}));
  EXPECT_RESULT(m.call("load", {Value::i32(104)}), Value::i32(77));
  EXPECT_TRAP(m.call("load", {Value::i32(65533)}), TrapKind::MemoryOutOfBounds);
  EXPECT_TRAP(m.call("store", {Value::i32(-1), Value::i32(0)}), TrapKind::MemoryOutOfBounds);
  EXPECT_RESULT(m.call("grow", {Value::i32(1)}), Value::i32(1));
  EXPECT_RESULT(m.call("size"), Value::i32(2));
  EXPECT_RESULT(m.call("load", {Value::i32(65533)}), Value::i32(0));  // now in bounds
  EXPECT_RESULT(m.call("grow", {Value::i32(5)}), Value::i32(-1));     // past the declared max
  auto mem = m.instance.get_memory("mem");
  ASSERT_TRUE(mem);
  EXPECT_EQ(mem->data_size(), 2u * 65536);
  EXPECT_EQ(mem->data()[104], 77);
}

TEST_P(Execution, MemoryGrowthObeysTheEngineLimit) {
  EngineConfig c = config();
  c.limits.max_memory_pages = 2;
  Loaded m(kMemory, c);
  EXPECT_RESULT(m.call("grow", {Value::i32(1)}), Value::i32(1));
  EXPECT_RESULT(m.call("grow", {Value::i32(1)}), Value::i32(-1));
}

TEST_P(Execution, IndirectCallsCheckBoundsNullAndSignature) {
  Loaded m(kIndirect, config());
  EXPECT_RESULT(m.call("call", {Value::i32(0), Value::i32(5)}), Value::i32(6));
  EXPECT_RESULT(m.call("call", {Value::i32(1), Value::i32(5)}), Value::i32(10));
  EXPECT_TRAP(m.call("call", {Value::i32(2), Value::i32(5)}), TrapKind::IndirectCallToNull);
  EXPECT_TRAP(m.call("call", {Value::i32(3), Value::i32(5)}), TrapKind::TableOutOfBounds);
}

TEST_P(Execution, StackBudgetIsCountedInWasmSlots) {
  EngineConfig c = config();
  c.limits.stack_budget_slots = 1000;
  Loaded m(kRecursion, c);
  EXPECT_TRAP(m.call("forever", {Value::i32(0)}), TrapKind::StackExhausted);
  // $g costs 4 (frame) + 1 (local) + 3 (operands) = 8 slots a call, so
  // 1000 slots hold 125 activations: depth 124 fits, 125 does not.
  EXPECT_RESULT(m.call("depth", {Value::i32(124)}), Value::i32(124));
  EXPECT_TRAP(m.call("depth", {Value::i32(125)}), TrapKind::StackExhausted);
  // The budget is returned after a trap.
  EXPECT_RESULT(m.call("depth", {Value::i32(124)}), Value::i32(124));
}

// (module
//   (import "env" "h" (func $h (result i32)))
//   (func $f (export "f") (drop (call $h)) (call $f)))
const std::vector<uint8_t> kHostInRecursion = from_hex(
    "0061736d010000000108026000017f60000002090103656e760168000003020101070501016600010a0901070010001a10010b");

TEST_P(Execution, HostCallsTakeTheirFrameFromTheBudgetOnce) {
  // $f costs 4 (frame) + 1 (operand) = 5 slots, a host activation 4. With
  // 100 slots the 20th $f has 0 left and its host call is refused; with
  // 104 it has 4, so the host call runs and the 21st $f is refused.
  for (auto [budget, host_calls] : {std::pair{100u, 19}, std::pair{104u, 20}}) {
    EngineConfig c = config();
    c.limits.stack_budget_slots = budget;
    Engine engine(c);
    Store store(engine);
    Module module = Module::compile(engine, kHostInRecursion);
    int calls = 0;
    Func h = store.new_host_func(FuncType{{}, {ValType::I32}},
                                 [&](Caller&, std::span<const Value>, std::span<Value> results) {
                                   ++calls;
                                   results[0] = Value::i32(0);
                                   return std::optional<Trap>();
                                 });
    Linker linker;
    linker.define("env", "h", h);
    auto inst = linker.instantiate(store, module);
    ASSERT_TRUE(inst.ok());
    // Twice: the budget is whole again after the trap.
    for (int round = 0; round < 2; ++round) {
      calls = 0;
      EXPECT_TRAP(inst.instance.get_func("f")->call(store, {}), TrapKind::StackExhausted);
      EXPECT_EQ(calls, host_calls) << "budget " << budget << ", round " << round;
    }
  }
}

TEST_P(Execution, HostFunctionsSeeArgumentsCallerMemoryAndReturnTraps) {
  Engine engine(config());
  Store store(engine);
  Module module = Module::compile(engine, kHostImport);
  int calls = 0;
  Func twice = store.new_host_func(
      FuncType{{ValType::I32}, {ValType::I32}},
      [&](Caller& caller, std::span<const Value> args, std::span<Value> results) -> std::optional<Trap> {
        ++calls;
        auto mem = caller.memory();
        if (!mem) return Trap::host("no memory");
        mem->data()[0] = 42;
        results[0] = Value::i32(args[0].as_i32() * 2);
        return std::nullopt;
      });
  Func fail = store.new_host_func(FuncType{}, [](Caller&, std::span<const Value>, std::span<Value>) {
    return std::optional<Trap>(Trap::host("refused"));
  });
  Linker linker;
  linker.define("env", "twice", twice);
  linker.define("env", "fail", fail);
  auto inst = linker.instantiate(store, module);
  ASSERT_TRUE(inst.ok());
  auto r = inst.instance.get_func("use")->call(store, std::vector<Value>{Value::i32(20)});
  EXPECT_RESULT(r, Value::i32(41));
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(inst.instance.get_memory("mem")->data()[0], 42);
  auto t = inst.instance.get_func("nested")->call(store, {});
  ASSERT_TRUE(t.trap);
  EXPECT_EQ(t.trap->kind, TrapKind::HostError);
  EXPECT_EQ(t.trap->message, "refused");
}

TEST_P(Execution, HostFunctionsFindTheCallersExportsByName) {
  Engine engine(config());
  Store store(engine);
  Module module = Module::compile(engine, kHostImport);
  std::vector<std::optional<Extern>> seen;
  Func twice = store.new_host_func(
      FuncType{{ValType::I32}, {ValType::I32}},
      [&](Caller& caller, std::span<const Value> args, std::span<Value> results) -> std::optional<Trap> {
        seen.push_back(caller.get_export("mem"));
        seen.push_back(caller.get_export("use"));
        seen.push_back(caller.get_export("no such export"));
        results[0] = args[0];
        return std::nullopt;
      });
  Func fail = store.new_host_func(FuncType{}, [](Caller&, std::span<const Value>, std::span<Value>) {
    return std::optional<Trap>();
  });
  Linker linker;
  linker.define("env", "twice", twice);
  linker.define("env", "fail", fail);
  auto inst = linker.instantiate(store, module);
  ASSERT_TRUE(inst.ok());
  EXPECT_TRUE(inst.instance.get_func("use")->call(store, std::vector<Value>{Value::i32(1)}).ok());
  ASSERT_EQ(seen.size(), 3u);
  ASSERT_TRUE(seen[0] && std::holds_alternative<Memory>(*seen[0]));
  EXPECT_EQ(std::get<Memory>(*seen[0]), *inst.instance.get_memory("mem"));
  ASSERT_TRUE(seen[1] && std::holds_alternative<Func>(*seen[1]));
  EXPECT_EQ(std::get<Func>(*seen[1]), *inst.instance.get_func("use"));
  EXPECT_FALSE(seen[2]);
  // Called by the host itself, it has no calling instance.
  seen.clear();
  EXPECT_TRUE(twice.call(store, std::vector<Value>{Value::i32(1)}).ok());
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_FALSE(seen[0] || seen[1] || seen[2]);
}

// (module
//   (import "env" "h" (func $h (param i32 f32)))
//   (func $g (param i64 i64) (result i64) (local.get 0))
//   (func (export "args")
//     (drop (call $g (i64.const -1) (i64.const -1)))
//     (call $h (i32.const 1) (f32.const 1.5)))
//   (func (export "result") (result f32)
//     (drop (call $g (i64.const -1) (i64.const -1)))
//     (f32.const 2.5)))
const std::vector<uint8_t> kStaleSlots = from_hex(
    "0061736d0100000001130460027f7d0060027e7e017e6000006000017d02090103656e76016800000304030102030711"
    "020461726773000206726573756c7400030a2803040020000b1200427f427f10011a4101430000c03f10000b0e00427f"
    "427f10011a43000020400b");

TEST_P(Execution, HostsAndCallersSeeExact32BitValues) {
  // The first call fills the argument slots with 64-bit ones; the i32 and f32
  // written there next must still reach the host, and the caller, as
  // exactly their 32 bits.
  Engine engine(config());
  Store store(engine);
  Module module = Module::compile(engine, kStaleSlots);
  std::vector<Value> seen;
  Func h = store.new_host_func(FuncType{{ValType::I32, ValType::F32}, {}},
                               [&](Caller&, std::span<const Value> args, std::span<Value>) {
                                 seen.assign(args.begin(), args.end());
                                 return std::optional<Trap>();
                               });
  Linker linker;
  linker.define("env", "h", h);
  auto inst = linker.instantiate(store, module);
  ASSERT_TRUE(inst.ok());
  EXPECT_RESULT(inst.instance.get_func("args")->call(store, {}));
  EXPECT_EQ(seen, (std::vector<Value>{Value::i32(1), Value::f32(1.5f)}));
  EXPECT_RESULT(inst.instance.get_func("result")->call(store, {}), Value::f32(2.5f));
}

TEST_P(Execution, HostExceptionsBecomeTraps) {
  Engine engine(config());
  Store store(engine);
  Func boom = store.new_host_func(FuncType{}, [](Caller&, std::span<const Value>, std::span<Value>) -> std::optional<Trap> {
    throw std::runtime_error("boom");
  });
  auto r = boom.call(store, {});
  ASSERT_TRUE(r.trap);
  EXPECT_EQ(r.trap->kind, TrapKind::HostError);
  EXPECT_NE(r.trap->message.find("boom"), std::string::npos);
}

TEST_P(Execution, LinkErrorsNameTheImport) {
  Engine engine(config());
  Store store(engine);
  Module module = Module::compile(engine, kHostImport);
  Linker linker;
  try {
    linker.instantiate(store, module);
    FAIL() << "expected a LinkError";
  } catch (const LinkError& e) {
    EXPECT_NE(std::string(e.what()).find("env"), std::string::npos);
  }
  Func wrong = store.new_host_func(FuncType{{ValType::I64}, {ValType::I32}},
                                   [](Caller&, std::span<const Value>, std::span<Value>) { return std::optional<Trap>(); });
  linker.define("env", "twice", wrong);
  linker.define("env", "fail", wrong);
  EXPECT_THROW(linker.instantiate(store, module), LinkError);
}

TEST_P(Execution, StartFunctionTrapIsReported) {
  Engine engine(config());
  Store store(engine);
  Module module = Module::compile(engine, kStartTraps);
  auto inst = store.instantiate(module, {});
  ASSERT_TRUE(inst.trap);
  EXPECT_EQ(inst.trap->kind, TrapKind::MemoryOutOfBounds);
}

TEST_P(Execution, TrapsCarryTheWasmCallStackWithNames) {
  Loaded m(kNamedTrap, config());
  auto r = m.call("outer");
  ASSERT_TRUE(r.trap);
  EXPECT_EQ(r.trap->kind, TrapKind::Unreachable);
  ASSERT_EQ(r.trap->frames.size(), 3u);
  EXPECT_EQ(r.trap->frames[0].func_index, 0u);
  EXPECT_EQ(r.trap->frames[0].func_name, "leaf");
  EXPECT_EQ(r.trap->frames[1].func_name, "middle");
  EXPECT_EQ(r.trap->frames[2].func_index, 2u);
  // The unreachable at byte 36, the calls at 40 and 45; each is its body's
  // second byte, after the (empty) local declarations.
  EXPECT_EQ(r.trap->frames[0].module_offset, 36u);
  EXPECT_EQ(r.trap->frames[1].module_offset, 40u);
  EXPECT_EQ(r.trap->frames[2].module_offset, 45u);
  for (const TrapFrame& f : r.trap->frames) EXPECT_EQ(f.func_offset, 1u);
}

// A host function that calls back into Wasm: budgets and gas carry through.
TEST_P(Execution, HostFunctionsMayReenterWasm) {
  Engine engine(config());
  Store store(engine);
  Module module = Module::compile(engine, kHostImport);
  Instance instance;
  Func twice = store.new_host_func(
      FuncType{{ValType::I32}, {ValType::I32}},
      [&](Caller& caller, std::span<const Value> args, std::span<Value> results) -> std::optional<Trap> {
        int32_t n = args[0].as_i32();
        if (n <= 0) {
          results[0] = Value::i32(0);
          return std::nullopt;
        }
        // use(n - 1) = twice(n - 1) + 1, so use(n) = n + 1 after recursion.
        auto r = instance.get_func("use")->call(caller.store(), std::vector<Value>{Value::i32(n - 1)});
        if (r.trap) return r.trap;
        results[0] = r.results[0];
        return std::nullopt;
      });
  Func fail = store.new_host_func(FuncType{}, [](Caller&, std::span<const Value>, std::span<Value>) {
    return std::optional<Trap>(Trap::host("refused"));
  });
  auto inst = store.instantiate(module, std::vector<Extern>{twice, fail});
  ASSERT_TRUE(inst.ok());
  instance = inst.instance;
  EXPECT_RESULT(instance.get_func("use")->call(store, std::vector<Value>{Value::i32(50)}), Value::i32(51));
  // Deep re-entry is bounded deterministically, and the store recovers.
  auto deep = instance.get_func("use")->call(store, std::vector<Value>{Value::i32(100000)});
  ASSERT_TRUE(deep.trap);
  EXPECT_EQ(deep.trap->kind, TrapKind::StackExhausted);
  EXPECT_RESULT(instance.get_func("use")->call(store, std::vector<Value>{Value::i32(3)}), Value::i32(4));
}

TEST_P(Execution, ModulesFromAnotherEngineAreRefused) {
  Engine other(config());
  Module module = Module::compile(other, kArith);
  Engine engine(config());
  Store store(engine);
  EXPECT_THROW(store.instantiate(module, {}), UsageError);
}

// A memory's address range is reused once its store is gone: the next
// memory must still start zeroed, with nothing past its size reachable.
TEST_P(Execution, AMemoryInAReusedRangeStartsFresh) {
  std::vector<uint8_t> wasm = wat_to_wasm(R"((module (memory (export "mem") 1 4)
    (func (export "dirty") (drop (memory.grow (i32.const 3)))
      (i32.store (i32.const 0) (i32.const 0x5a5a5a5a))
      (i32.store (i32.const 70000) (i32.const 0x5a5a5a5a))
      (i32.store (i32.const 200000) (i32.const 0x5a5a5a5a)))
    (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))))");
  Engine engine(config());
  Module module = Module::compile(engine, wasm);
  for (int round = 0; round < 3; ++round) {
    Store store(engine);
    Instantiation inst = store.instantiate(module, std::vector<Extern>{});
    ASSERT_FALSE(inst.trap);
    EXPECT_RESULT(inst.instance.get_func("load")->call(store, std::vector<Value>{Value::i32(0)}), Value::i32(0));
    EXPECT_RESULT(inst.instance.get_func("load")->call(store, std::vector<Value>{Value::i32(65532)}), Value::i32(0));
    EXPECT_TRAP(inst.instance.get_func("load")->call(store, std::vector<Value>{Value::i32(70000)}), TrapKind::MemoryOutOfBounds);
    EXPECT_TRAP(inst.instance.get_func("load")->call(store, std::vector<Value>{Value::i32(200000)}), TrapKind::MemoryOutOfBounds);
    EXPECT_RESULT(inst.instance.get_func("dirty")->call(store, {}));
    EXPECT_RESULT(inst.instance.get_func("load")->call(store, std::vector<Value>{Value::i32(70000)}), Value::i32(0x5a5a5a5a));
  }
}

INSTANTIATE_TEST_SUITE_P(Tiers, Execution, ::testing::ValuesIn(tiers_here()),
                         [](const auto& info) { return info.param == Tier::Interpreter ? "interp" : "jit"; });

}  // namespace
}  // namespace detwasm::test

// References from the host, in each tier: a funcref or externref a store did
// not make (a made-up word, another store's) is refused before Wasm can call
// through it or store it; externrefs carry host objects that round-trip
// through Wasm unchanged and are released with their store.
#include <gtest/gtest.h>

#include <memory>

#include <detwasm/detwasm.hpp>

#include "support/wat.hpp"
#include "unit/test_util.hpp"

namespace detwasm::test {
namespace {

constexpr const char* kModule = R"(
(module
  (type $to_i32 (func (param i32) (result i32)))
  (import "env" "host_funcref" (func $host_funcref (result funcref)))
  (import "env" "host_externref" (func $host_externref (param externref) (result externref)))
  (table $funcs (export "funcs") 2 funcref)
  (table $externs (export "externs") 2 externref)
  (global $fg (export "fg") (mut funcref) (ref.null func))
  (global $eg (export "eg") (mut externref) (ref.null extern))
  (func $seven (export "seven") (type $to_i32) (i32.const 7))
  (func (export "call_slot") (param i32) (result i32)
    (call_indirect (type $to_i32) (i32.const 0) (local.get 0)))
  (func (export "call_global") (result i32)
    (table.set $funcs (i32.const 1) (global.get $fg))
    (call_indirect (type $to_i32) (i32.const 0) (i32.const 1)))
  (func (export "call_arg") (param funcref) (result i32)
    (table.set $funcs (i32.const 0) (local.get 0))
    (call_indirect (type $to_i32) (i32.const 0) (i32.const 0)))
  (func (export "call_host_funcref") (result i32)
    (table.set $funcs (i32.const 0) (call $host_funcref))
    (call_indirect (type $to_i32) (i32.const 0) (i32.const 0)))
  (func (export "id") (param externref) (result externref) (local.get 0))
  (func (export "through_host") (param externref) (result externref)
    (call $host_externref (local.get 0)))
  (func (export "keep") (param externref)
    (table.set $externs (i32.const 0) (local.get 0))
    (global.set $eg (local.get 0)))
  (func (export "from_table") (result externref) (table.get $externs (i32.const 0)))
  (func (export "from_global") (result externref) (global.get $eg))
  (func (export "is_null") (param externref) (result i32) (ref.is_null (local.get 0))))
)";

// What the imported host functions return; a test sets it.
struct HostResults {
  Value funcref = Value::null_ref(ValType::FuncRef);
  std::optional<Value> externref;  // unset: the argument itself
};

// One instance of kModule in its own store.
struct Instantiated {
  Instantiated(Engine& engine, const Module& module) : store(engine) {
    auto results = this->results;
    std::vector<Extern> imports{
        store.new_host_func({{}, {ValType::FuncRef}},
                            [results](Caller&, std::span<const Value>, std::span<Value> out) {
                              out[0] = results->funcref;
                              return std::optional<Trap>();
                            }),
        store.new_host_func({{ValType::ExternRef}, {ValType::ExternRef}},
                            [results](Caller&, std::span<const Value> args, std::span<Value> out) {
                              out[0] = results->externref.value_or(args[0]);
                              return std::optional<Trap>();
                            }),
    };
    Instantiation inst = store.instantiate(module, imports);
    EXPECT_TRUE(inst.ok());
    instance = inst.instance;
  }
  Func func(const char* name) { return *instance.get_func(name); }
  CallResult call(const char* name, std::vector<Value> args = {}) { return func(name).call(store, args); }

  std::shared_ptr<HostResults> results = std::make_shared<HostResults>();
  Store store;
  Instance instance;
};

class References : public ::testing::TestWithParam<Tier> {
 protected:
  References() : engine(config()), module(Module::compile(engine, wat_to_wasm(kModule))) {}
  EngineConfig config() {
    EngineConfig c;
    c.tier = GetParam();
    return c;
  }
  Engine engine;
  Module module;
};

Value funcref_word(uint64_t bits) { return Value{ValType::FuncRef, bits}; }
Value externref_word(uint64_t bits) { return Value{ValType::ExternRef, bits}; }

// Words that are not funcrefs of `a`'s store: made up, almost a funcref of
// it, a funcref of another store.
std::vector<Value> foreign_funcrefs(Instantiated& a, Instantiated& other) {
  uint64_t real = Value::funcref(a.func("seven")).bits;
  return {funcref_word(0xDEADBEEF0ull), funcref_word(real + 8), funcref_word(real - 1),
          funcref_word(reinterpret_cast<uint64_t>(&a)), Value::funcref(other.func("seven"))};
}

TEST_P(References, ForgedOrForeignFuncrefIsRefusedEverywhere) {
  Instantiated a(engine, module), other(engine, module);
  Table funcs = *a.instance.get_table("funcs");
  Global fg = *a.instance.get_global("fg");
  for (const Value& bad : foreign_funcrefs(a, other)) {
    SCOPED_TRACE(bad.to_string());
    ASSERT_THROW(funcs.set(0, bad), UsageError);
    ASSERT_THROW(fg.set(bad), UsageError);
    ASSERT_THROW(a.call("call_arg", {bad}), UsageError);
    ASSERT_THROW(funcs.grow(1, bad), UsageError);
    ASSERT_THROW(a.store.new_table({ValType::FuncRef, {1, std::nullopt}}, bad), UsageError);
    ASSERT_THROW(a.store.new_global({ValType::FuncRef, true}, bad), UsageError);
    ASSERT_THROW(bad.as_func(a.store), UsageError);
  }
  // Nothing reached the table or the global.
  EXPECT_EQ(funcs.size(), 2u);
  EXPECT_TRUE(funcs.get(0)->is_null());
  EXPECT_TRUE(fg.get().is_null());
  CallResult r = a.call("call_slot", {Value::i32(0)});
  ASSERT_TRUE(r.trap);
  EXPECT_EQ(r.trap->kind, TrapKind::IndirectCallToNull);
}

TEST_P(References, FuncrefsOfTheStoreAreCalled) {
  Instantiated a(engine, module);
  Value seven = Value::funcref(a.func("seven"));
  Table funcs = *a.instance.get_table("funcs");
  EXPECT_TRUE(funcs.set(0, seven));
  EXPECT_EQ(a.call("call_slot", {Value::i32(0)}).results, std::vector<Value>{Value::i32(7)});
  a.instance.get_global("fg")->set(seven);
  EXPECT_EQ(a.call("call_global").results, std::vector<Value>{Value::i32(7)});
  EXPECT_EQ(a.call("call_arg", {seven}).results, std::vector<Value>{Value::i32(7)});
  EXPECT_EQ(seven.as_func(a.store), a.func("seven"));
  EXPECT_EQ(Value::null_ref(ValType::FuncRef).as_func(a.store), std::nullopt);
  // A host function's funcref is one of the store's too.
  Func host = a.store.new_host_func({{ValType::I32}, {ValType::I32}},
                                    [](Caller&, std::span<const Value>, std::span<Value> out) {
                                      out[0] = Value::i32(8);
                                      return std::optional<Trap>();
                                    });
  EXPECT_EQ(a.call("call_arg", {Value::funcref(host)}).results, std::vector<Value>{Value::i32(8)});
}

TEST_P(References, HostFunctionReturningAForeignFuncrefTraps) {
  Instantiated a(engine, module), other(engine, module);
  for (const Value& bad : foreign_funcrefs(a, other)) {
    SCOPED_TRACE(bad.to_string());
    a.results->funcref = bad;
    CallResult r = a.call("call_host_funcref");
    ASSERT_TRUE(r.trap);
    EXPECT_EQ(r.trap->kind, TrapKind::HostError) << r.trap->message;
  }
  a.results->funcref = Value::funcref(a.func("seven"));
  EXPECT_EQ(a.call("call_host_funcref").results, std::vector<Value>{Value::i32(7)});
}

TEST_P(References, ForgedOrForeignExternrefIsRefused) {
  Instantiated a(engine, module), other(engine, module);
  Value mine = a.store.externref(std::string("mine"));
  Value theirs = other.store.externref(std::string("theirs"));
  Table externs = *a.instance.get_table("externs");
  Global eg = *a.instance.get_global("eg");
  for (const Value& bad : {theirs, externref_word(1), externref_word(mine.bits + 1), externref_word(mine.bits ^ (1ull << 40))}) {
    SCOPED_TRACE(bad.to_string());
    ASSERT_THROW(externs.set(0, bad), UsageError);
    ASSERT_THROW(eg.set(bad), UsageError);
    ASSERT_THROW(a.call("keep", {bad}), UsageError);
    ASSERT_THROW(a.store.externref_data(bad), UsageError);
    a.results->externref = bad;
    CallResult r = a.call("through_host", {mine});
    ASSERT_TRUE(r.trap);
    EXPECT_EQ(r.trap->kind, TrapKind::HostError) << r.trap->message;
  }
  EXPECT_TRUE(externs.get(0)->is_null());
  EXPECT_TRUE(eg.get().is_null());
  EXPECT_EQ(a.store.externref_data(Value::null_ref(ValType::ExternRef)), nullptr);
  EXPECT_THROW(a.store.externref_data(Value::i64(mine.bits)), UsageError);
}

// A host object whose destruction is counted.
struct Tracked {
  explicit Tracked(int* destroyed, int id) : destroyed(destroyed), id(id) {}
  ~Tracked() { ++*destroyed; }
  int* destroyed;
  int id;
};

TEST_P(References, ExternrefHostObjectsRoundTripAndDieWithTheStore) {
  int destroyed = 0;
  auto object = std::make_shared<Tracked>(&destroyed, 42);
  std::weak_ptr<Tracked> watch = object;
  {
    Instantiated a(engine, module);
    Value ref = a.store.externref(object);
    object.reset();  // the store holds the only reference now
    EXPECT_FALSE(ref.is_null());
    auto object_of = [&](const Value& v) {
      std::any* data = a.store.externref_data(v);
      return data ? std::any_cast<std::shared_ptr<Tracked>>(*data).get() : nullptr;
    };
    Tracked* raw = watch.lock().get();

    // As a parameter and a result, through a host function, a table and a global.
    for (const char* name : {"id", "through_host"}) {
      CallResult r = a.call(name, {ref});
      ASSERT_TRUE(r.ok()) << name;
      EXPECT_EQ(r.results, std::vector<Value>{ref}) << name;
      EXPECT_EQ(object_of(r.results[0]), raw) << name;
    }
    ASSERT_TRUE(a.call("keep", {ref}).ok());
    for (const char* name : {"from_table", "from_global"}) {
      CallResult r = a.call(name);
      ASSERT_TRUE(r.ok()) << name;
      EXPECT_EQ(object_of(r.results.at(0)), raw) << name;
    }
    EXPECT_EQ(object_of(*a.instance.get_table("externs")->get(0)), raw);
    EXPECT_EQ(object_of(a.instance.get_global("eg")->get()), raw);
    EXPECT_EQ(a.call("is_null", {ref}).results, std::vector<Value>{Value::i32(0)});
    EXPECT_EQ(a.call("is_null", {Value::null_ref(ValType::ExternRef)}).results, std::vector<Value>{Value::i32(1)});

    // Set from the host, read by Wasm.
    Value other = a.store.externref(std::make_shared<Tracked>(&destroyed, 7));
    ASSERT_TRUE(a.instance.get_table("externs")->set(0, other));
    a.instance.get_global("eg")->set(other);
    EXPECT_EQ(object_of(a.call("from_table").results.at(0))->id, 7);
    EXPECT_EQ(object_of(a.call("from_global").results.at(0))->id, 7);

    EXPECT_EQ(watch.use_count(), 1);  // held by the store alone
    EXPECT_EQ(destroyed, 0);
  }
  EXPECT_TRUE(watch.expired());
  EXPECT_EQ(destroyed, 2);
}

INSTANTIATE_TEST_SUITE_P(Tiers, References, ::testing::ValuesIn(tiers_here()),
                         [](const auto& info) { return info.param == Tier::Interpreter ? "interp" : "jit"; });

}  // namespace
}  // namespace detwasm::test

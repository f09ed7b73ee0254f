// The embedding API's error contract: misuse throws UsageError, a mismatched
// import or a name defined twice in a Linker throws LinkError, and nothing
// else escapes.
#include <gtest/gtest.h>

#include <detwasm/detwasm.hpp>

#include "support/wasm_builder.hpp"
#include "support/wat.hpp"

namespace detwasm::test {
namespace {

HostFunction returns_zero() {
  return [](Caller&, std::span<const Value>, std::span<Value> results) {
    for (Value& r : results) r = Value::i32(0);
    return std::optional<Trap>();
  };
}

// (module
//   (import "env" "h" (func (param i32) (result i32)))
//   (global (export "g") i32 (i32.const 1))
//   (global (export "m") (mut i64) (i64.const 2))
//   (table (export "t") 2 3 funcref)
//   (memory (export "mem") 1 2)
//   (func (export "f") (param i32) (result i32) (call 0 (local.get 0))))
std::vector<uint8_t> small_module() {
  ModuleBuilder b;
  uint32_t t = b.add_type({{ValType::I32}, {ValType::I32}});
  uint32_t h = b.import_func("env", "h", t);
  b.add_export("g", ExternKind::Global, b.add_global({ValType::I32, false}, Code().i32_const(1)));
  b.add_export("m", ExternKind::Global, b.add_global({ValType::I64, true}, Code().i64_const(2)));
  b.add_export("t", ExternKind::Table, b.add_table({ValType::FuncRef, {2, 3}}));
  b.add_export("mem", ExternKind::Memory, b.add_memory({{1, 2}}));
  b.add_export("f", ExternKind::Func, b.add_func(t, {}, Code().local_get(0).call(h)));
  return b.build();
}

struct Instantiated {
  explicit Instantiated(Engine& engine) : store(engine) {
    Module module = Module::compile(engine, small_module());
    std::vector<Extern> imports{store.new_host_func({{ValType::I32}, {ValType::I32}}, returns_zero())};
    instance = store.instantiate(module, imports).instance;
  }
  Store store;
  Instance instance;
};

TEST(ApiContract, WrongArgumentsAreUsageErrors) {
  Engine engine;
  Instantiated a(engine);
  Func f = *a.instance.get_func("f");
  EXPECT_THROW(f.call(a.store, {}), UsageError);
  EXPECT_THROW(f.call(a.store, std::vector<Value>{Value::i64(1)}), UsageError);
  EXPECT_THROW(f.call(a.store, std::vector<Value>{Value::i32(1), Value::i32(2)}), UsageError);
  EXPECT_TRUE(f.call(a.store, std::vector<Value>{Value::i32(1)}).ok());
}

// "Foreign store" is the header's own example of misuse.
TEST(ApiContract, FunctionOfAnotherStoreIsAUsageError) {
  Engine engine;
  Instantiated a(engine), b(engine);
  Func f = *a.instance.get_func("f");
  EXPECT_THROW(f.call(b.store, std::vector<Value>{Value::i32(1)}), UsageError);
}

TEST(ApiContract, ImportFromAnotherStoreIsAUsageError) {
  Engine engine;
  Store a(engine), b(engine);
  Module module = Module::compile(engine, small_module());
  std::vector<Extern> imports{a.new_host_func({{ValType::I32}, {ValType::I32}}, returns_zero())};
  EXPECT_THROW(b.instantiate(module, imports), UsageError);
}

TEST(ApiContract, GlobalsTablesAndMemoriesCheckTheirUse) {
  Engine engine;
  Instantiated a(engine);
  EXPECT_THROW(a.instance.get_global("g")->set(Value::i32(5)), UsageError);  // immutable
  EXPECT_THROW(a.instance.get_global("m")->set(Value::i32(5)), UsageError);  // wrong type
  a.instance.get_global("m")->set(Value::i64(5));
  EXPECT_EQ(a.instance.get_global("m")->get(), Value::i64(5));

  Table t = *a.instance.get_table("t");
  EXPECT_FALSE(t.set(2, Value::null_ref(ValType::FuncRef)));  // out of bounds
  EXPECT_THROW(t.set(0, Value::null_ref(ValType::ExternRef)), UsageError);
  EXPECT_EQ(t.grow(1, Value::null_ref(ValType::FuncRef)), std::optional<uint32_t>(2));
  EXPECT_EQ(t.grow(1, Value::null_ref(ValType::FuncRef)), std::nullopt);  // past its maximum

  Memory m = *a.instance.get_memory("mem");
  EXPECT_EQ(m.grow(1), std::optional<uint32_t>(1));
  EXPECT_EQ(m.grow(1), std::nullopt);
  EXPECT_EQ(m.data_size(), 2u * kWasmPageSize);
}

TEST(ApiContract, ObjectsPastTheLimitsAreUsageErrors) {
  EngineConfig config;
  config.limits.max_memory_pages = 4;
  config.limits.max_table_elements = 10;
  Engine engine(config);
  Store store(engine);
  EXPECT_THROW(store.new_memory({{5, std::nullopt}}), UsageError);
  EXPECT_THROW(store.new_table({ValType::FuncRef, {11, std::nullopt}}, Value::null_ref(ValType::FuncRef)),
               UsageError);
  Memory m = store.new_memory({{4, std::nullopt}});
  EXPECT_EQ(m.grow(1), std::nullopt);  // the engine's limit stands for a missing maximum
}

TEST(ApiContract, MismatchedImportIsALinkError) {
  Engine engine;
  Store store(engine);
  Module module = Module::compile(engine, small_module());
  std::vector<Extern> wrong{store.new_host_func({{ValType::I64}, {ValType::I32}}, returns_zero())};
  EXPECT_THROW(store.instantiate(module, wrong), LinkError);
  EXPECT_THROW(store.instantiate(module, {}), LinkError);  // missing
}

// A module belongs to the engine that compiled it: its code holds that
// engine's type ids (call_indirect compares them) and was compiled for that
// engine's configuration. A store of another engine refuses it as misuse,
// even when the import has exactly the type the module asks for, and also
// when the other engine's type registry was filled in another order.
TEST(ApiContract, ModuleOfAnotherEngineIsAUsageError) {
  Engine compiling, running;
  Module module = Module::compile(compiling, small_module());
  Store store(running);
  store.new_host_func({{ValType::F64}, {}}, returns_zero());  // interns another type first
  std::vector<Extern> imports{store.new_host_func({{ValType::I32}, {ValType::I32}}, returns_zero())};
  EXPECT_THROW(store.instantiate(module, imports), UsageError);
  Linker linker;
  linker.define("env", "h", imports[0]);
  EXPECT_THROW(linker.instantiate(store, module), UsageError);
  // The same module in a store of its own engine is fine.
  Store own(compiling);
  std::vector<Extern> own_imports{own.new_host_func({{ValType::I32}, {ValType::I32}}, returns_zero())};
  EXPECT_TRUE(own.instantiate(module, own_imports).ok());
}

// A name is defined once, unless shadowing is allowed: a LinkError otherwise.
TEST(ApiContract, LinkerRefusesToRedefineUnlessShadowingIsAllowed) {
  Engine engine;
  Store store(engine);
  auto returning = [&](int32_t v) {
    return store.new_host_func({{}, {ValType::I32}}, [v](Caller&, std::span<const Value>, std::span<Value> out) {
      out[0] = Value::i32(v);
      return std::optional<Trap>();
    });
  };
  Func first = returning(1), second = returning(2);
  Linker linker;
  linker.define("env", "f", first);
  EXPECT_THROW(linker.define("env", "f", second), LinkError);
  EXPECT_EQ(std::get<Func>(*linker.get("env", "f")), first);
  linker.define("env", "g", second);  // another name is fine

  // An instance's exports: all or none.
  Module exporter = Module::compile(engine, wat_to_wasm(R"((module
      (func (export "a") (result i32) (i32.const 3))
      (func (export "f") (result i32) (i32.const 4))))"));
  Instance inst = store.instantiate(exporter, {}).instance;
  EXPECT_THROW(linker.define_instance("env", inst), LinkError);
  EXPECT_FALSE(linker.get("env", "a").has_value());

  linker.allow_shadowing(true);
  linker.define("env", "f", second);
  EXPECT_EQ(std::get<Func>(*linker.get("env", "f")), second);
  linker.define_instance("env", inst);
  EXPECT_EQ(std::get<Func>(*linker.get("env", "f")), *inst.get_func("f"));

  linker.allow_shadowing(false);
  EXPECT_THROW(linker.define("env", "a", first), LinkError);
}

}  // namespace
}  // namespace detwasm::test

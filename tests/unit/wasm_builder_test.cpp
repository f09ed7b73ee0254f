// The test module builder writes the bytes wat2wasm writes, and every
// segment encoding it offers decodes to the segment meant.
#include <gtest/gtest.h>

#include <stdexcept>

#include "module/module_data.hpp"
#include "support/wasm_builder.hpp"
#include "test_util.hpp"

namespace detwasm::test {
namespace {

using internal::SegmentMode;

// (module
//   (type (func (param i32 i32) (result i32)))
//   (func (type 0) (local i64 i64 f32) local.get 0 local.get 1 i32.add)
//   (export "add" (func 0)))
TEST(WasmBuilder, MatchesWat2wasmForAFunction) {
  ModuleBuilder m;
  uint32_t t = m.add_type({{ValType::I32, ValType::I32}, {ValType::I32}});
  uint32_t f = m.add_func(t, {ValType::I64, ValType::I64, ValType::F32},
                          Code().local_get(0).local_get(1).op(Opcode::I32Add));
  m.add_export("add", ExternKind::Func, f);
  EXPECT_EQ(m.build(), from_hex("0061736d0100000001070160027f7f017f030201000707010361646400000a0d010b02027e017d2000"
                                "20016a0b"));
}

// (module
//   (import "env" "g" (global i32))
//   (table 4 funcref)
//   (memory 1 2)
//   (func (result i32)
//     block (result i32) i32.const -1 end
//     i64.const 0x7fffffffffffffff i64.eqz drop
//     f32.const 1.5 drop
//     i32.const 8 i32.load8_u offset=3 align=1 drop)
//   (elem (i32.const 1) func 0)
//   (elem (table 0) (offset (i32.const 2)) func 0)
//   (elem funcref (ref.func 0) (ref.null func))
//   (elem declare func 0)
//   (data (global.get 0) "ab")
//   (data "xyz"))
TEST(WasmBuilder, MatchesWat2wasmForSegments) {
  ModuleBuilder m;
  uint32_t t = m.add_type({{}, {ValType::I32}});
  uint32_t g = m.import_global("env", "g", {ValType::I32, false});
  m.add_table({ValType::FuncRef, {4, std::nullopt}});
  m.add_memory({{1, 2}});
  uint32_t f = m.add_func(t, {},
                          Code()
                              .block(BlockType::of(ValType::I32))
                              .i32_const(-1)
                              .end()
                              .i64_const(0x7fffffffffffffff)
                              .op(Opcode::I64Eqz)
                              .drop()
                              .f32_const(1.5f)
                              .drop()
                              .i32_const(8)
                              .load(Opcode::I32Load8U, 3)
                              .drop());
  m.add_active_elem(1, {f});
  m.add_active_elem(2, {f});
  ElemSegmentDef passive;
  passive.mode = ElemSegmentDef::Mode::Passive;
  passive.exprs = {Code().ref_func(f), Code().ref_null(ValType::FuncRef)};
  m.add_elem(passive);
  ElemSegmentDef declared;
  declared.mode = ElemSegmentDef::Mode::Declarative;
  declared.func_indices = {f};
  m.add_elem(declared);
  DataSegmentDef active;
  active.offset.global_get(g);
  active.bytes = {'a', 'b'};
  m.add_data(active);
  m.add_passive_data({'x', 'y', 'z'});
  m.set_data_count(false);  // wat2wasm writes it only when code needs it
  EXPECT_EQ(m.build(),
            from_hex("0061736d010000000105016000017f020a0103656e760167037f0003020100040401700004050401010102091a"
                     "040041010b01000041020b0100057002d2000bd0700b030001000a22012000027f417f0b42ffffffffffffffff"
                     "ff00501a430000c03f1a41082d00031a0b0b0d020023000b026162010378797a"));
}

// All eight element segment encodings, and all three data segment encodings,
// decode to what was built.
TEST(WasmBuilder, EveryElemAndDataEncodingDecodes) {
  ModuleBuilder m;
  uint32_t f = m.add_func(FuncType{}, {}, Code());
  m.add_table({ValType::FuncRef, {4, std::nullopt}});
  m.add_table({ValType::ExternRef, {4, std::nullopt}});
  m.add_memory({{1, std::nullopt}});
  using Mode = ElemSegmentDef::Mode;
  for (Mode mode : {Mode::Active, Mode::Passive, Mode::Declarative}) {
    for (bool exprs : {false, true}) {
      ElemSegmentDef s;
      s.mode = mode;
      s.offset.i32_const(0);
      s.use_exprs = exprs;
      if (exprs)
        s.exprs = {Code().ref_func(f)};
      else
        s.func_indices = {f};
      m.add_elem(s);
      if (mode == Mode::Active) {  // the explicit-table forms (2 and 6)
        s.explicit_table = true;
        m.add_elem(s);
      }
    }
  }
  ElemSegmentDef externs;
  externs.table_index = 1;
  externs.type = ValType::ExternRef;
  externs.offset.i32_const(1);
  externs.exprs = {Code().ref_null(ValType::ExternRef)};
  m.add_elem(externs);

  m.add_active_data(3, {1, 2});
  m.add_passive_data({3});
  DataSegmentDef explicit_memory;
  explicit_memory.explicit_memory = true;
  explicit_memory.offset.i32_const(9);
  m.add_data(explicit_memory);

  Engine engine;
  Module module = Module::compile(engine, m.build());
  const auto& d = *module.data();
  ASSERT_EQ(d.elems.size(), 9u);
  SegmentMode expected_modes[] = {SegmentMode::Active,      SegmentMode::Active,  SegmentMode::Active,
                                  SegmentMode::Active,      SegmentMode::Passive, SegmentMode::Passive,
                                  SegmentMode::Declarative, SegmentMode::Declarative, SegmentMode::Active};
  for (size_t i = 0; i < d.elems.size(); ++i) {
    EXPECT_EQ(d.elems[i].mode, expected_modes[i]) << "segment " << i;
    EXPECT_EQ(d.elems[i].items.size(), 1u) << "segment " << i;
  }
  EXPECT_EQ(d.elems[8].table_index, 1u);
  EXPECT_EQ(d.elems[8].type, ValType::ExternRef);
  ASSERT_EQ(d.datas.size(), 3u);
  EXPECT_EQ(d.datas[0].mode, SegmentMode::Active);
  EXPECT_EQ(d.datas[0].bytes_size, 2u);
  EXPECT_EQ(d.datas[1].mode, SegmentMode::Passive);
  EXPECT_EQ(d.datas[2].mode, SegmentMode::Active);
  EXPECT_EQ(d.datas[2].offset.bits, 9u);
  ASSERT_TRUE(d.data_count.has_value());  // written because of the passive segment
  EXPECT_EQ(*d.data_count, 3u);
}

TEST(WasmBuilder, LocalsAreRunLengthEncoded) {
  ModuleBuilder m;
  m.add_func(FuncType{}, {ValType::I32, ValType::I32, ValType::I64, ValType::I32}, Code());
  std::vector<uint8_t> bytes = m.build();
  // Code section: one body of 8 bytes: 3 runs (2 x i32, 1 x i64, 1 x i32), end.
  std::vector<uint8_t> tail(bytes.end() - 9, bytes.end());
  EXPECT_EQ(tail, from_hex("080302" "7f" "01" "7e" "01" "7f" "0b"));
}

TEST(WasmBuilder, ImportsAfterDefinitionsAreRefused) {
  ModuleBuilder m;
  m.add_memory({{1, std::nullopt}});
  EXPECT_THROW(m.import_memory("env", "m", {{1, std::nullopt}}), std::logic_error);
  EXPECT_NO_THROW(m.import_global("env", "g", {ValType::I32, false}));
}

TEST(WasmBuilder, PrefixedOperatorsAndBlockTypeIndices) {
  Code c;
  c.op(Opcode::I64TruncSatF64U).memory_init(3).table_copy(1, 2).block(BlockType::index(200));
  EXPECT_EQ(c.bytes(), from_hex("fc07" "fc080300" "fc0e0102" "02c801"));
}

}  // namespace
}  // namespace detwasm::test

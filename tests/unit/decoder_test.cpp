// Module decoding and function-body validation.
#include <gtest/gtest.h>
#include <sodium.h>

#include "test_util.hpp"
#include "util/leb128.hpp"

namespace detwasm::test {
namespace {

// (module
//   (type (func (param i32) (result i32)))
//   (import "env" "f" (func (type 0)))
//   (memory (export "m") 1 2)
//   (global (export "g") (mut i64) (i64.const 7))
//   (func (export "inc") (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
//   (data (i32.const 0) "hello"))
const std::vector<uint8_t> kSmall = from_hex(
    "0061736d0100000001060160017f017f02090103656e7601660000030201000504010101020606017e0142070b070f03"
    "016d02000167030003696e6300010a09010700200041016a0b0b0b010041000b0568656c6c6f000c046e616d65020502"
    "00000100");

// (module (func (result i32) (i32.const 0) (i32x4.splat) (i32x4.extract_lane 0)))
const std::vector<uint8_t> kSimd = from_hex(
    "0061736d010000000105016000017f030201000a0b0109004100fd11fd1b000b000a046e616d650203010000");

// (module (func (result i32) (i64.const 1)))
const std::vector<uint8_t> kTypeMismatch = from_hex(
    "0061736d010000000105016000017f030201000a0601040042010b000a046e616d650203010000");

// (module (func (local.get 3) (drop)))
const std::vector<uint8_t> kUnknownLocal = from_hex(
    "0061736d01000000010401600000030201000a0701050020031a0b000a046e616d650203010000");

// (module (func (block (br 2))))
const std::vector<uint8_t> kBadLabel = from_hex(
    "0061736d01000000010401600000030201000a0901070002400c020b0b000a046e616d650203010000");

// (module (func (param funcref funcref) (result funcref) (select (local.get 0) (local.get 1) (i32.const 1))))
const std::vector<uint8_t> kSelectRef = from_hex(
    "0061736d01000000010701600270700170030201000a0b0109002000200141011b0b000a046e616d650203010000");

// (module (func $f) (func (result funcref) (ref.func $f)))
const std::vector<uint8_t> kUndeclaredRef = from_hex(
    "0061736d010000000108026000006000017003030200010a090202000b0400d2000b0012046e616d6501040100016602"
    "050200000100");

// (module (func $f) (elem declare func $f) (func (result funcref) (ref.func $f)))
const std::vector<uint8_t> kDeclaredRef = from_hex(
    "0061736d01000000010802600000600001700303020001090501030001000a090202000b0400d2000b0012046e616d65"
    "01040100016602050200000100");

// (module (func (param i32) (result i32) (if (result i32) (local.get 0) (then (i32.const 1)))))
const std::vector<uint8_t> kIfNoElse = from_hex(
    "0061736d0100000001060160017f017f030201000a0b0109002000047f41010b0b000a046e616d650203010000");

// (module (global i32 (i32.const 0)) (func (global.set 0 (i32.const 1))))
const std::vector<uint8_t> kImmutableSet = from_hex(
    "0061736d01000000010401600000030201000606017f0041000b0a08010600410124000b000a046e616d650203010000");

// (module (func (result i32) (unreachable) (i32.add) (br_table 0 0 (i32.const 0))))
const std::vector<uint8_t> kUnreachableIsPolymorphic = from_hex(
    "0061736d010000000105016000017f030201000a0c010a00006a41000e0100000b000a046e616d650203010000");

// (module (func (result i32)
//   (block (result i32) (block (result i64) (br_table 0 1 (i32.const 0) (i32.const 0)))) ))
const std::vector<uint8_t> kBrTableArity = from_hex(
    "0061736d010000000105016000017f030201000a12011000027f027e410041000e0100010b0b0b000a046e616d650203"
    "010000");


void put_u32(std::vector<uint8_t>& out, uint32_t v) { leb128::encode(out, v); }

void put_section(std::vector<uint8_t>& out, uint8_t id, const std::vector<uint8_t>& payload) {
  out.push_back(id);
  put_u32(out, static_cast<uint32_t>(payload.size()));
  out.insert(out.end(), payload.begin(), payload.end());
}

// A module with one function of type [] -> [] whose body is `locals` (the
// encoded local declarations) followed by `code` (which must end with 0x0b).
std::vector<uint8_t> module_with_body(const std::vector<uint8_t>& locals, const std::vector<uint8_t>& code) {
  std::vector<uint8_t> m = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};
  put_section(m, 1, {0x01, 0x60, 0x00, 0x00});
  put_section(m, 3, {0x01, 0x00});
  std::vector<uint8_t> body = locals;
  body.insert(body.end(), code.begin(), code.end());
  std::vector<uint8_t> code_section = {0x01};
  put_u32(code_section, static_cast<uint32_t>(body.size()));
  code_section.insert(code_section.end(), body.begin(), body.end());
  put_section(m, 10, code_section);
  return m;
}

TEST(Decoder, ReportsImportsAndExports) {
  Engine engine;
  Module m = Module::compile(engine, kSmall);
  auto imports = m.imports();
  ASSERT_EQ(imports.size(), 1u);
  EXPECT_EQ(imports[0].module, "env");
  EXPECT_EQ(imports[0].kind, ExternKind::Func);
  EXPECT_EQ(imports[0].func, (FuncType{{ValType::I32}, {ValType::I32}}));
  auto exports = m.exports();
  ASSERT_EQ(exports.size(), 3u);
  EXPECT_EQ(exports[0].name, "m");
  EXPECT_EQ(exports[0].memory.limits, (Limits{1, 2}));
  EXPECT_EQ(exports[1].global, (GlobalType{ValType::I64, true}));
  EXPECT_EQ(exports[2].func.params.size(), 1u);
}

TEST(Decoder, ModuleHashIsBlake2b256OfTheBytes) {
  Engine engine;
  Module m = Module::compile(engine, kSmall);
  ModuleHash expect;
  ASSERT_EQ(crypto_generichash(expect.data(), expect.size(), kSmall.data(), kSmall.size(), nullptr, 0), 0);
  EXPECT_EQ(m.hash(), expect);
}

TEST(Decoder, StreamingInAnyChunkSizeGivesTheSameModule) {
  Engine engine;
  Module whole = Module::compile(engine, kSmall);
  for (size_t chunk : {1u, 2u, 3u, 7u, 64u}) {
    StreamingCompiler sc(engine);
    for (size_t i = 0; i < kSmall.size(); i += chunk)
      sc.feed(std::span<const uint8_t>(kSmall).subspan(i, std::min(chunk, kSmall.size() - i)));
    Module m = sc.finish();
    EXPECT_EQ(m.hash(), whole.hash()) << "chunk " << chunk;
    EXPECT_EQ(m.exports().size(), whole.exports().size());
  }
}

TEST(Decoder, StreamingReportsAnErrorAsSoonAsTheBytesShowIt) {
  Engine engine;
  StreamingCompiler sc(engine);
  std::vector<uint8_t> bad = {0x00, 0x61, 0x73, 0x6d, 0x02, 0x00, 0x00, 0x00};
  EXPECT_THROW(sc.feed(bad), ModuleError);
}

TEST(Decoder, EveryProperPrefixIsMalformed) {
  for (size_t n = 0; n < kSmall.size(); ++n) {
    std::vector<uint8_t> prefix(kSmall.begin(), kSmall.begin() + n);
    auto kind = load_error(prefix);
    // A prefix that ends exactly between sections is a complete, smaller module.
    if (!kind) continue;
    EXPECT_EQ(*kind, ModuleError::Kind::Malformed) << "prefix of " << n << " bytes";
  }
  EXPECT_FALSE(load_error(kSmall));
}

TEST(Decoder, HeaderAndSectionOrderAreChecked) {
  EXPECT_EQ(load_error({0x00, 0x61, 0x73, 0x6e, 0x01, 0, 0, 0}), ModuleError::Kind::Malformed);
  EXPECT_EQ(load_error({0x00, 0x61, 0x73, 0x6d, 0x02, 0, 0, 0}), ModuleError::Kind::Malformed);
  std::vector<uint8_t> m = {0x00, 0x61, 0x73, 0x6d, 0x01, 0, 0, 0};
  put_section(m, 3, {0x00});  // function section
  put_section(m, 1, {0x00});  // type section after it
  EXPECT_EQ(load_error(m), ModuleError::Kind::Malformed);
  std::vector<uint8_t> twice = {0x00, 0x61, 0x73, 0x6d, 0x01, 0, 0, 0};
  put_section(twice, 1, {0x00});
  put_section(twice, 1, {0x00});
  EXPECT_EQ(load_error(twice), ModuleError::Kind::Malformed);
}

TEST(Decoder, UnsupportedFeaturesNameTheOpcodeAndOffset) {
  Engine engine;
  try {
    Module::compile(engine, kSimd);
    FAIL() << "SIMD must be rejected";
  } catch (const ModuleError& e) {
    EXPECT_EQ(e.kind(), ModuleError::Kind::Unsupported);
    EXPECT_NE(e.message().find("SIMD"), std::string::npos);
    ASSERT_LT(e.offset(), kSimd.size());
    EXPECT_EQ(kSimd[e.offset()], 0xFD);  // the offset points at the operator
  }
}

TEST(Decoder, CountsAreCheckedBeforeAllocation) {
  // A type section that claims 2^32-1 types in a few bytes.
  std::vector<uint8_t> m = {0x00, 0x61, 0x73, 0x6d, 0x01, 0, 0, 0};
  put_section(m, 1, {0xff, 0xff, 0xff, 0xff, 0x0f});
  EXPECT_EQ(load_error(m), ModuleError::Kind::LimitExceeded);
  EngineConfig huge;
  huge.limits.max_types = 0xFFFFFFFFu;
  EXPECT_EQ(load_error(m, huge), ModuleError::Kind::Malformed);  // more than the bytes left
}

TEST(Decoder, ResourceLimitsAreConfiguration) {
  EngineConfig config;
  config.limits.max_functions = 1;
  EXPECT_EQ(load_error(kSmall, config), ModuleError::Kind::LimitExceeded);  // 1 import + 1 function
  config = {};
  config.limits.max_memory_pages = 0;
  EXPECT_EQ(load_error(kSmall, config), ModuleError::Kind::LimitExceeded);
  config = {};
  config.limits.max_module_size = 16;
  EXPECT_EQ(load_error(kSmall, config), ModuleError::Kind::LimitExceeded);
}

TEST(Validator, RejectsIllTypedBodies) {
  EXPECT_EQ(load_error(kTypeMismatch), ModuleError::Kind::Invalid);
  EXPECT_EQ(load_error(kUnknownLocal), ModuleError::Kind::Invalid);
  EXPECT_EQ(load_error(kBadLabel), ModuleError::Kind::Invalid);
  EXPECT_EQ(load_error(kSelectRef), ModuleError::Kind::Invalid);
  EXPECT_EQ(load_error(kUndeclaredRef), ModuleError::Kind::Invalid);
  EXPECT_EQ(load_error(kIfNoElse), ModuleError::Kind::Invalid);
  EXPECT_EQ(load_error(kImmutableSet), ModuleError::Kind::Invalid);
  EXPECT_EQ(load_error(kBrTableArity), ModuleError::Kind::Invalid);
}

TEST(Validator, AcceptsPolymorphicStacksAndDeclaredReferences) {
  EXPECT_FALSE(load_error(kUnreachableIsPolymorphic));
  EXPECT_FALSE(load_error(kDeclaredRef));
}

TEST(Validator, ValidateAloneAgreesWithCompile) {
  Engine engine;
  for (const auto* bytes : {&kSmall, &kDeclaredRef, &kUnreachableIsPolymorphic}) EXPECT_NO_THROW(Module::validate(engine, *bytes));
  for (const auto* bytes : {&kTypeMismatch, &kSelectRef, &kBrTableArity, &kSimd}) EXPECT_THROW(Module::validate(engine, *bytes), ModuleError);
}

TEST(Validator, ManyLocalsInOneDeclarationCostNothingExtra) {
  // One declaration of 50,000 i64 locals: 5 bytes of Wasm.
  std::vector<uint8_t> locals = {0x01};
  put_u32(locals, 50000);
  locals.push_back(0x7E);
  std::vector<uint8_t> code = {0x20};  // local.get 49999 ; i64.eqz ; drop ; end
  put_u32(code, 49999);
  code.insert(code.end(), {0x50, 0x1A, 0x0B});
  EXPECT_FALSE(load_error(module_with_body(locals, code)));
  // The highest index has the declared type: i32.eqz on it does not validate.
  code[code.size() - 3] = 0x45;
  EXPECT_EQ(load_error(module_with_body(locals, code)), ModuleError::Kind::Invalid);
  // Past the configured limit, and past 2^32 in total.
  std::vector<uint8_t> too_many = {0x01};
  put_u32(too_many, 50001);
  too_many.push_back(0x7E);
  EXPECT_EQ(load_error(module_with_body(too_many, {0x0B})), ModuleError::Kind::LimitExceeded);
  std::vector<uint8_t> overflow = {0x02};
  put_u32(overflow, 0xFFFFFFFFu);
  overflow.push_back(0x7F);
  put_u32(overflow, 0xFFFFFFFFu);
  overflow.push_back(0x7F);
  EngineConfig unlimited;
  unlimited.limits.max_locals_per_function = 0xFFFFFFFFu;
  EXPECT_EQ(load_error(module_with_body(overflow, {0x0B}), unlimited), ModuleError::Kind::Malformed);
}

TEST(Validator, NestingDepthIsLimited) {
  auto nested = [](uint32_t depth) {
    std::vector<uint8_t> code;
    for (uint32_t i = 0; i < depth; ++i) code.insert(code.end(), {0x02, 0x40});
    for (uint32_t i = 0; i < depth; ++i) code.push_back(0x0B);
    code.push_back(0x0B);
    return module_with_body({0x00}, code);
  };
  EngineConfig config;
  config.limits.max_nesting_depth = 100;
  EXPECT_FALSE(load_error(nested(98), config));
  EXPECT_EQ(load_error(nested(100), config), ModuleError::Kind::LimitExceeded);
}

TEST(Validator, BrTableSizeIsLimited) {
  auto table = [](uint32_t n) {
    std::vector<uint8_t> code = {0x41, 0x00, 0x0E};  // i32.const 0; br_table n targets
    put_u32(code, n);
    for (uint32_t i = 0; i < n; ++i) code.push_back(0x00);
    code.insert(code.end(), {0x00, 0x0B});
    return module_with_body({0x00}, code);
  };
  EngineConfig config;
  config.limits.max_br_table_size = 1000;
  EXPECT_FALSE(load_error(table(1000), config));
  EXPECT_EQ(load_error(table(1001), config), ModuleError::Kind::LimitExceeded);
}

TEST(Validator, OperandStackDepthIsLimited) {
  EngineConfig config;
  config.limits.max_operand_stack = 50;
  std::vector<uint8_t> code;
  for (int i = 0; i < 51; ++i) code.insert(code.end(), {0x41, 0x00});
  for (int i = 0; i < 51; ++i) code.push_back(0x1A);
  code.push_back(0x0B);
  EXPECT_EQ(load_error(module_with_body({0x00}, code), config), ModuleError::Kind::LimitExceeded);
}

}  // namespace
}  // namespace detwasm::test

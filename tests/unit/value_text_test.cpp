// Text forms of values (src/spec/value_text) and the spec runner's reading
// of wast2json values (src/spec/spec_values).
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "spec/spec_values.hpp"
#include "spec/value_text.hpp"

namespace detwasm {
namespace {

using text::format_bits;
using text::format_payload;
using text::format_value;
using text::parse_value;
using text::ValueTextError;

TEST(ValueText, FormatsIntegersSigned) {
  EXPECT_EQ(format_value(Value{ValType::I32, 0xFFFFFFFFu}), "i32:-1");
  EXPECT_EQ(format_value(Value{ValType::I64, 1ull << 63}), "i64:-9223372036854775808");
  EXPECT_EQ(format_bits(Value{ValType::I32, 0xFFFFFFFFu}), "4294967295");
}

TEST(ValueText, FormatsFloatsShortestAndNaNsExactly) {
  EXPECT_EQ(format_value(Value::f32_bits(0x3DCCCCCDu)), "f32:0.1");
  EXPECT_EQ(format_value(Value::f64_bits(0x8000000000000000ull)), "f64:-0");
  EXPECT_EQ(format_value(Value::f32_bits(0xFF800000u)), "f32:-inf");
  EXPECT_EQ(format_value(Value::f32_bits(0x7FC00000u)), "f32:nan");
  EXPECT_EQ(format_value(Value::f32_bits(0xFFC00000u)), "f32:nan:0xffc00000");
  EXPECT_EQ(format_value(Value::f64_bits(0x7FF8000000000000ull)), "f64:nan");
  EXPECT_EQ(format_value(Value::f64_bits(0x7FF0000000000001ull)), "f64:nan:0x7ff0000000000001");
  EXPECT_EQ(format_value(Value::f32_bits(1)), "f32:1e-45");  // smallest subnormal
  EXPECT_EQ(parse_value(ValType::F32, "1e-45").bits, 1u);
  EXPECT_EQ(parse_value(ValType::F64, "5e-324").bits, 1u);
  EXPECT_EQ(format_bits(Value::f32_bits(0x3FC00000u)), "0x3fc00000");
  EXPECT_EQ(format_bits(Value::f64_bits(1)), "0x0000000000000001");
}

TEST(ValueText, FormatsReferences) {
  Engine engine;
  Store store(engine);
  EXPECT_EQ(format_value(Value::null_ref(ValType::FuncRef)), "funcref:null");
  EXPECT_EQ(format_value(text::host_word_ref(store, 9), &store), "externref:9");
  EXPECT_EQ(format_value(store.externref(std::string("not a word")), &store), "externref:non-null");
  EXPECT_EQ(format_value(Value::null_ref(ValType::ExternRef), &store), "externref:null");
}

TEST(ValueText, ParsesIntegerRanges) {
  EXPECT_EQ(parse_value(ValType::I32, "-1").bits, 0xFFFFFFFFu);
  EXPECT_EQ(parse_value(ValType::I32, "+7").bits, 7u);
  EXPECT_EQ(parse_value(ValType::I32, "4294967295").bits, 0xFFFFFFFFu);
  EXPECT_THROW(parse_value(ValType::I32, "4294967296"), ValueTextError);
  EXPECT_THROW(parse_value(ValType::I32, "-2147483649"), ValueTextError);
  EXPECT_EQ(parse_value(ValType::I64, "-9223372036854775808").bits, 1ull << 63);
  EXPECT_THROW(parse_value(ValType::I64, "18446744073709551616"), ValueTextError);
  for (const char* bad : {"", "-", "1.0", "1e3", "0x", "0xg", " 1", "1 "})
    EXPECT_THROW(parse_value(ValType::I32, bad), ValueTextError) << bad;
}

TEST(ValueText, ParsesHexBitPatternsForAnyNumberType) {
  EXPECT_EQ(parse_value(ValType::I32, "0xFFFFFFFF").bits, 0xFFFFFFFFu);
  EXPECT_EQ(parse_value(ValType::F32, "0x7fc00001").bits, 0x7FC00001u);
  EXPECT_EQ(parse_value(ValType::F64, "0xffffffffffffffff").bits, ~0ull);
  EXPECT_THROW(parse_value(ValType::F32, "0x100000000"), ValueTextError);
  EXPECT_THROW(parse_value(ValType::I64, "0x10000000000000000"), ValueTextError);
}

TEST(ValueText, ParsesFloatWords) {
  EXPECT_EQ(parse_value(ValType::F32, "-0").bits, 0x80000000u);
  EXPECT_EQ(parse_value(ValType::F32, "inf").bits, 0x7F800000u);
  EXPECT_EQ(parse_value(ValType::F64, "-inf").bits, 0xFFF0000000000000ull);
  EXPECT_EQ(parse_value(ValType::F32, "nan").bits, 0x7FC00000u);
  EXPECT_EQ(parse_value(ValType::F64, "-nan").bits, 0xFFF8000000000000ull);
  EXPECT_EQ(parse_value(ValType::F32, "nan:0x7f800001").bits, 0x7F800001u);
  EXPECT_THROW(parse_value(ValType::F32, "nan:0x7f800000"), ValueTextError);  // that is inf
  EXPECT_THROW(parse_value(ValType::F32, "1e39"), ValueTextError);
  for (const char* bad : {"", "--1", "+-1", "1.5.", "nan(1)", "infinite", "1,5"})
    EXPECT_THROW(parse_value(ValType::F64, bad), ValueTextError) << bad;
}

TEST(ValueText, ParsesReferences) {
  Engine engine;
  Store store(engine);
  EXPECT_TRUE(parse_value(ValType::FuncRef, "null").is_null());
  EXPECT_THROW(parse_value(ValType::FuncRef, "1"), ValueTextError);
  Value three = parse_value(ValType::ExternRef, "3", &store);
  EXPECT_EQ(text::host_word_of(store, three), std::optional<uint64_t>(3));
  EXPECT_EQ(format_payload(three, &store), "3");
  EXPECT_THROW(parse_value(ValType::ExternRef, "3"), ValueTextError);  // no store to keep it
  EXPECT_THROW(parse_value(ValType::ExternRef, "0", &store), ValueTextError);
  EXPECT_TRUE(parse_value(ValType::ExternRef, "null").is_null());
}

using nlohmann::json;

// A test file's store, for the values that need one.
struct SpecStore {
  Engine engine;
  Store store{engine};
};

TEST(SpecValues, ExternrefHostNumbersStayDistinctFromNull) {
  SpecStore s;
  Value zero = spec::parse_arg(json{{"type", "externref"}, {"value", "0"}}, s.store);
  EXPECT_FALSE(zero.is_null());
  EXPECT_EQ(std::any_cast<uint64_t>(*s.store.externref_data(zero)), 0u);
  EXPECT_TRUE(spec::parse_arg(json{{"type", "externref"}, {"value", "null"}}, s.store).is_null());
  EXPECT_EQ(spec::describe(zero, s.store), "externref:0");

  auto want_zero = spec::parse_expected(json{{"type", "externref"}, {"value", "0"}});
  auto want_null = spec::parse_expected(json{{"type", "externref"}, {"value", "null"}});
  Value one = spec::parse_arg(json{{"type", "externref"}, {"value", "1"}}, s.store);
  EXPECT_TRUE(want_zero.matches(zero, s.store));
  EXPECT_FALSE(want_zero.matches(one, s.store));
  EXPECT_FALSE(want_zero.matches(Value::null_ref(ValType::ExternRef), s.store));
  EXPECT_TRUE(want_null.matches(Value::null_ref(ValType::ExternRef), s.store));
  EXPECT_FALSE(want_null.matches(zero, s.store));
  EXPECT_EQ(want_zero.to_string(), "externref:0");
}

TEST(SpecValues, RejectsWhatItCannotRepresent) {
  SpecStore s;
  EXPECT_THROW(spec::parse_arg(json{{"type", "v128"}, {"value", "0"}}, s.store), spec::CommandError);
  EXPECT_THROW(spec::parse_arg(json{{"type", "i32"}, {"value", "4294967296"}}, s.store), spec::CommandError);
  EXPECT_THROW(spec::parse_arg(json{{"type", "funcref"}, {"value", "1"}}, s.store), spec::CommandError);
}

TEST(SpecValues, NanPatterns) {
  SpecStore s;
  auto canonical = spec::parse_expected(json{{"type", "f32"}, {"value", "nan:canonical"}});
  EXPECT_TRUE(canonical.matches(Value::f32_bits(0x7FC00000u), s.store));
  EXPECT_TRUE(canonical.matches(Value::f32_bits(0xFFC00000u), s.store));
  EXPECT_FALSE(canonical.matches(Value::f32_bits(0x7FC00001u), s.store));
  EXPECT_FALSE(canonical.matches(Value::f64_bits(0x7FF8000000000000ull), s.store));

  auto arithmetic = spec::parse_expected(json{{"type", "f64"}, {"value", "nan:arithmetic"}});
  EXPECT_TRUE(arithmetic.matches(Value::f64_bits(0x7FF8000000000001ull), s.store));
  EXPECT_TRUE(arithmetic.matches(Value::f64_bits(0xFFF8000000000000ull), s.store));
  EXPECT_FALSE(arithmetic.matches(Value::f64_bits(0x7FF0000000000001ull), s.store));  // signalling
  EXPECT_FALSE(arithmetic.matches(Value::f64_bits(0x7FF0000000000000ull), s.store));  // inf
}

TEST(SpecValues, ExactMatchComparesTypeAndBits) {
  SpecStore s;
  auto e = spec::parse_expected(json{{"type", "f32"}, {"value", "2147483648"}});  // -0
  EXPECT_TRUE(e.matches(Value::f32_bits(0x80000000u), s.store));
  EXPECT_FALSE(e.matches(Value::f32_bits(0), s.store));
  EXPECT_FALSE(e.matches(Value{ValType::I32, 0x80000000u}, s.store));
  auto any_func = spec::parse_expected(json{{"type", "funcref"}});
  EXPECT_FALSE(any_func.matches(Value::null_ref(ValType::FuncRef), s.store));
}

TEST(SpecValues, TrapWordings) {
  EXPECT_EQ(spec::trap_kind_for_text("uninitialized element 2"), TrapKind::IndirectCallToNull);
  EXPECT_EQ(spec::trap_kind_for_text("undefined element"), TrapKind::TableOutOfBounds);
  EXPECT_EQ(spec::trap_kind_for_text("call stack exhausted"), TrapKind::StackExhausted);
  EXPECT_EQ(spec::trap_kind_for_text("something new"), std::nullopt);
}

}  // namespace
}  // namespace detwasm

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
  EXPECT_EQ(format_value(Value::null_ref(ValType::FuncRef)), "funcref:null");
  EXPECT_EQ(format_value(Value::externref(9)), "externref:9");
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
  EXPECT_TRUE(parse_value(ValType::FuncRef, "null").is_null());
  EXPECT_THROW(parse_value(ValType::FuncRef, "1"), ValueTextError);
  EXPECT_EQ(parse_value(ValType::ExternRef, "3").bits, 3u);
  EXPECT_THROW(parse_value(ValType::ExternRef, "0"), ValueTextError);
}

using nlohmann::json;

TEST(SpecValues, ExternrefHostNumbersStayDistinctFromNull) {
  EXPECT_EQ(spec::parse_arg(json{{"type", "externref"}, {"value", "0"}}), Value::externref(1));
  EXPECT_TRUE(spec::parse_arg(json{{"type", "externref"}, {"value", "null"}}).is_null());
  EXPECT_EQ(spec::describe(Value::externref(1)), "externref:0");
}

TEST(SpecValues, RejectsWhatItCannotRepresent) {
  EXPECT_THROW(spec::parse_arg(json{{"type", "v128"}, {"value", "0"}}), spec::CommandError);
  EXPECT_THROW(spec::parse_arg(json{{"type", "i32"}, {"value", "4294967296"}}), spec::CommandError);
  EXPECT_THROW(spec::parse_arg(json{{"type", "funcref"}, {"value", "1"}}), spec::CommandError);
}

TEST(SpecValues, NanPatterns) {
  auto canonical = spec::parse_expected(json{{"type", "f32"}, {"value", "nan:canonical"}});
  EXPECT_TRUE(canonical.matches(Value::f32_bits(0x7FC00000u)));
  EXPECT_TRUE(canonical.matches(Value::f32_bits(0xFFC00000u)));
  EXPECT_FALSE(canonical.matches(Value::f32_bits(0x7FC00001u)));
  EXPECT_FALSE(canonical.matches(Value::f64_bits(0x7FF8000000000000ull)));

  auto arithmetic = spec::parse_expected(json{{"type", "f64"}, {"value", "nan:arithmetic"}});
  EXPECT_TRUE(arithmetic.matches(Value::f64_bits(0x7FF8000000000001ull)));
  EXPECT_TRUE(arithmetic.matches(Value::f64_bits(0xFFF8000000000000ull)));
  EXPECT_FALSE(arithmetic.matches(Value::f64_bits(0x7FF0000000000001ull)));  // signalling
  EXPECT_FALSE(arithmetic.matches(Value::f64_bits(0x7FF0000000000000ull)));  // inf
}

TEST(SpecValues, ExactMatchComparesTypeAndBits) {
  auto e = spec::parse_expected(json{{"type", "f32"}, {"value", "2147483648"}});  // -0
  EXPECT_TRUE(e.matches(Value::f32_bits(0x80000000u)));
  EXPECT_FALSE(e.matches(Value::f32_bits(0)));
  EXPECT_FALSE(e.matches(Value{ValType::I32, 0x80000000u}));
  auto any_func = spec::parse_expected(json{{"type", "funcref"}});
  EXPECT_FALSE(any_func.matches(Value::null_ref(ValType::FuncRef)));
}

TEST(SpecValues, TrapWordings) {
  EXPECT_EQ(spec::trap_kind_for_text("uninitialized element 2"), TrapKind::IndirectCallToNull);
  EXPECT_EQ(spec::trap_kind_for_text("undefined element"), TrapKind::TableOutOfBounds);
  EXPECT_EQ(spec::trap_kind_for_text("call stack exhausted"), TrapKind::StackExhausted);
  EXPECT_EQ(spec::trap_kind_for_text("something new"), std::nullopt);
}

}  // namespace
}  // namespace detwasm

// The one number grammar (text/numbers.hpp), as a table: each row is a text
// and what every reader makes of it.
#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <optional>
#include <string>

#include "text/numbers.hpp"

namespace detwasm::text {
namespace {

struct IntRow {
  const char* text;
  std::optional<uint64_t> i32;    // bits, or rejected
  std::optional<uint64_t> i64;
  std::optional<uint64_t> count;  // parse_count with no upper bound
};

constexpr std::optional<uint64_t> no;

const IntRow kIntRows[] = {
    {"0", 0, 0, 0},
    {"5", 5, 5, 5},
    {"+5", 5, 5, 5},
    {"-0", 0, 0, 0},
    {"+0", 0, 0, 0},
    {"-1", 0xFFFFFFFF, 0xFFFFFFFFFFFFFFFF, no},
    {"-5", 0xFFFFFFFB, 0xFFFFFFFFFFFFFFFB, no},
    {"1_000", 1000, 1000, 1000},
    {"0x10", 16, 16, 16},
    {"0XfF", 255, 255, 255},
    {"0xFF_FF", 0xFFFF, 0xFFFF, 0xFFFF},
    {"-0x1", 0xFFFFFFFF, 0xFFFFFFFFFFFFFFFF, no},
    {"4294967295", 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF},
    {"4294967296", no, 0x100000000, 0x100000000},
    {"-2147483648", 0x80000000, 0xFFFFFFFF80000000, no},
    {"-2147483649", no, 0xFFFFFFFF7FFFFFFF, no},
    {"18446744073709551615", no, 0xFFFFFFFFFFFFFFFF, 0xFFFFFFFFFFFFFFFF},
    {"18446744073709551616", no, no, no},
    {"-9223372036854775808", no, 0x8000000000000000, no},
    {"-9223372036854775809", no, no, no},
    {"0x100000000", no, 0x100000000, 0x100000000},
    // Not integers: white space anywhere, signs twice, stray characters.
    {" 5", no, no, no},
    {"5 ", no, no, no},
    {"\t5", no, no, no},
    {"5\n", no, no, no},
    {"", no, no, no},
    {"+", no, no, no},
    {"-", no, no, no},
    {"--5", no, no, no},
    {"+-5", no, no, no},
    {"1.5", no, no, no},
    {"1e3", no, no, no},
    {"0x", no, no, no},
    {"_1", no, no, no},
    {"1_", no, no, no},
    {"1__0", no, no, no},
    {"0x_1", no, no, no},
    {"12a", no, no, no},
    {"inf", no, no, no},
};

template <typename F>
std::optional<uint64_t> attempt(F&& f) {
  try {
    return f();
  } catch (const NumberError&) {
    return std::nullopt;
  }
}

TEST(Numbers, IntegersAndCountsFollowOneGrammar) {
  for (const IntRow& row : kIntRows) {
    EXPECT_EQ(attempt([&] { return parse_int_bits(row.text, 32); }), row.i32) << "i32 '" << row.text << "'";
    EXPECT_EQ(attempt([&] { return parse_int_bits(row.text, 64); }), row.i64) << "i64 '" << row.text << "'";
    EXPECT_EQ(attempt([&] { return parse_count(row.text, UINT64_MAX); }), row.count) << "count '" << row.text << "'";
  }
}

TEST(Numbers, CountsHaveAnUpperBound) {
  EXPECT_EQ(parse_count("65536", 65536), 65536u);
  EXPECT_THROW(parse_count("65537", 65536), NumberError);
  try {
    parse_count("-3", 10);
    FAIL();
  } catch (const NumberError& e) {
    EXPECT_NE(std::string(e.what()).find("negative"), std::string::npos) << e.what();
  }
}

struct FloatRow {
  const char* text;
  std::optional<uint64_t> f32;  // bits, or rejected
  std::optional<uint64_t> f64;
};

uint64_t b32(float f) { return std::bit_cast<uint32_t>(f); }
uint64_t b64(double d) { return std::bit_cast<uint64_t>(d); }

const FloatRow kFloatRows[] = {
    {"0", 0, 0},
    {"-0", 0x80000000, 0x8000000000000000},
    {"+0.0", 0, 0},
    {"1", b32(1), b64(1)},
    {"1.", b32(1), b64(1)},
    {"1.5", b32(1.5f), b64(1.5)},
    {"-2.5e3", b32(-2500), b64(-2500)},
    {"1E+2", b32(100), b64(100)},
    {"1_000.000_1", b32(1000.0001f), b64(1000.0001)},
    {"0.1", b32(0.1f), b64(0.1)},
    {"0x1p3", b32(8), b64(8)},
    {"0x1.8p1", b32(3), b64(3)},
    {"-0x1.8P-1", b32(-0.75f), b64(-0.75)},
    {"0xA", b32(10), b64(10)},
    {"0x1.", b32(1), b64(1)},
    // Rounding to nearest, ties to even, as the text format rounds.
    {"16777217", b32(16777216), b64(16777217)},              // halfway: to even
    {"16777219", b32(16777220), b64(16777219)},              // halfway: to even
    {"0x1.000001p0", b32(1), b64(1 + 0x1p-24)},              // halfway: to even
    {"0x1.000003p0", 0x3F800002, b64(1 + 3 * 0x1p-24)},      // halfway: to even (up)
    {"1e-50", 0, b64(1e-50)},                                // below f32's smallest subnormal
    {"-1e-50", 0x80000000, b64(-1e-50)},
    {"1e-45", 1, b64(1e-45)},                                // f32's smallest subnormal
    {"1e-400", 0, 0},
    {"3.4028235e38", 0x7F7FFFFF, b64(3.4028235e38)},
    {"3.4028235677e38", 0x7F7FFFFF, b64(3.4028235677e38)},   // just below halfway to 2^128: max
    {"3.4028236e38", no, b64(3.4028236e38)},                 // past halfway: infinity, out of range
    {"1e39", no, b64(1e39)},                                 // rounds to infinity: out of range
    {"1e309", no, no},
    {"inf", 0x7F800000, 0x7FF0000000000000},
    {"-inf", 0xFF800000, 0xFFF0000000000000},
    {"+inf", 0x7F800000, 0x7FF0000000000000},
    {"nan", 0x7FC00000, 0x7FF8000000000000},
    {"-nan", 0xFFC00000, 0xFFF8000000000000},
    {"nan:0x1", 0x7F800001, 0x7FF0000000000001},
    {"-nan:0x200000", 0xFFA00000, 0xFFF0000000200000},
    {"nan:0x7fffff", 0x7FFFFFFF, 0x7FF00000007FFFFF},
    {"nan:0x800000", no, 0x7FF0000000800000},                // wider than f32's payload
    {"nan:0x0", no, no},
    {"nan:1", no, no},
    // Not floats.
    {" 1", no, no},
    {"1 ", no, no},
    {"", no, no},
    {".5", no, no},
    {"1e", no, no},
    {"1e+", no, no},
    {"--1", no, no},
    {"1.5x", no, no},
    {"0x1p", no, no},
    {"0x.8", no, no},
    {"1_.5", no, no},
    {"infinity", no, no},
    {"NaN", no, no},
    {"1.5e3.0", no, no},
};

TEST(Numbers, FloatsFollowOneGrammarAndRoundToNearest) {
  for (const FloatRow& row : kFloatRows) {
    EXPECT_EQ(attempt([&] { return uint64_t{parse_f32_bits(row.text)}; }), row.f32) << "f32 '" << row.text << "'";
    EXPECT_EQ(attempt([&] { return parse_f64_bits(row.text); }), row.f64) << "f64 '" << row.text << "'";
  }
}

TEST(Numbers, ErrorsSayWhatIsWrong) {
  auto message = [](auto f) {
    try {
      f();
    } catch (const NumberError& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_NE(message([] { parse_f32_bits("1e39"); }).find("out of range"), std::string::npos);
  EXPECT_NE(message([] { parse_int_bits("1__0", 32); }).find("'_'"), std::string::npos);
  EXPECT_NE(message([] { parse_int_bits("4294967296", 32); }).find("out of range for i32"), std::string::npos);
  EXPECT_NE(message([] { parse_f64_bits("1e"); }).find("exponent"), std::string::npos);
}

}  // namespace
}  // namespace detwasm::text

#include "spec/value_text.hpp"

#include <bit>
#include <charconv>
#include <cstdio>
#include <limits>

namespace detwasm::text {

namespace {

constexpr uint32_t kF32CanonicalNan = 0x7FC00000u;
constexpr uint64_t kF64CanonicalNan = 0x7FF8000000000000ull;

std::string hex_bits(uint64_t bits, int digits) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%0*llx", digits, static_cast<unsigned long long>(bits));
  return buf;
}

template <typename Float>
std::string format_float(Float f) {
  char buf[64];
  auto end = std::to_chars(buf, buf + sizeof buf, f).ptr;
  return std::string(buf, end);
}

std::string format_f32(uint32_t bits) {
  float f = std::bit_cast<float>(bits);
  if (f != f) return bits == kF32CanonicalNan ? "nan" : "nan:" + hex_bits(bits, 8);
  return format_float(f);
}

std::string format_f64(uint64_t bits) {
  double f = std::bit_cast<double>(bits);
  if (f != f) return bits == kF64CanonicalNan ? "nan" : "nan:" + hex_bits(bits, 16);
  return format_float(f);
}

[[noreturn]] void fail(ValType type, std::string_view text, std::string_view why) {
  throw ValueTextError("invalid " + std::string(to_string(type)) + " value '" + std::string(text) + "': " +
                       std::string(why));
}

// "0x..." as an unsigned bit pattern of at most `max_bits` bits.
std::optional<uint64_t> parse_hex(ValType type, std::string_view text, int max_bits) {
  if (text.size() < 2 || text[0] != '0' || (text[1] != 'x' && text[1] != 'X')) return std::nullopt;
  std::string_view digits = text.substr(2);
  uint64_t bits = 0;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), bits, 16);
  if (digits.empty() || ptr != digits.data() + digits.size()) fail(type, text, "not a hex bit pattern");
  if (ec == std::errc::result_out_of_range || (max_bits < 64 && bits >> max_bits != 0))
    fail(type, text, "bit pattern wider than " + std::to_string(max_bits) + " bits");
  return bits;
}

// Signed or unsigned decimal within [min, max_unsigned]; returns the bits.
uint64_t parse_int(ValType type, std::string_view text, int64_t min, uint64_t max_unsigned) {
  if (!text.empty() && text[0] == '+') text.remove_prefix(1);
  const char* first = text.data();
  const char* last = first + text.size();
  if (!text.empty() && text[0] == '-') {
    int64_t v = 0;
    auto [ptr, ec] = std::from_chars(first, last, v);
    if (ptr != last || text.size() < 2) fail(type, text, "not a decimal integer");
    if (ec == std::errc::result_out_of_range || v < min) fail(type, text, "out of range");
    return static_cast<uint64_t>(v);
  }
  uint64_t v = 0;
  auto [ptr, ec] = std::from_chars(first, last, v);
  if (ptr != last || text.empty()) fail(type, text, "not a decimal integer");
  if (ec == std::errc::result_out_of_range || v > max_unsigned) fail(type, text, "out of range");
  return v;
}

// Decimal float or one of the words inf/nan; NaN words give the canonical
// NaN (with the sign bit for "-nan"). Returns the bits.
template <typename Float, typename Bits>
Bits parse_float(ValType type, std::string_view text, Bits canonical_nan) {
  constexpr Bits sign = Bits{1} << (sizeof(Bits) * 8 - 1);
  std::string_view body = text;
  bool negative = false;
  if (!body.empty() && (body[0] == '-' || body[0] == '+')) {
    negative = body[0] == '-';
    body.remove_prefix(1);
  }
  if (!body.empty() && (body[0] == '-' || body[0] == '+')) fail(type, text, "not a number");
  if (body == "nan") return negative ? Bits(canonical_nan | sign) : canonical_nan;
  if (body == "inf" || body == "infinity") {
    Bits inf = std::bit_cast<Bits>(std::numeric_limits<Float>::infinity());
    return negative ? Bits(inf | sign) : inf;
  }
  if (body.empty() || body.find_first_not_of("0123456789.eE+-") != std::string_view::npos)
    fail(type, text, "not a number");
  Float f{};
  auto [ptr, ec] = std::from_chars(body.data(), body.data() + body.size(), f);
  if (ptr != body.data() + body.size()) fail(type, text, "not a number");
  if (ec == std::errc::result_out_of_range) fail(type, text, "out of range");
  Bits bits = std::bit_cast<Bits>(f);
  return negative ? Bits(bits ^ sign) : bits;
}

}  // namespace

std::string format_payload(const Value& v) {
  switch (v.type) {
    case ValType::I32: return std::to_string(v.as_i32());
    case ValType::I64: return std::to_string(v.as_i64());
    case ValType::F32: return format_f32(v.as_f32_bits());
    case ValType::F64: return format_f64(v.as_f64_bits());
    case ValType::V128: return hex_bits(v.bits, 16);  // a Value holds no v128
    case ValType::FuncRef:
    case ValType::ExternRef: return v.is_null() ? "null" : std::to_string(v.bits);
  }
  return "?";
}

std::string format_value(const Value& v) {
  return std::string(to_string(v.type)) + ":" + format_payload(v);
}

std::string format_bits(const Value& v) {
  switch (v.type) {
    case ValType::F32: return hex_bits(v.as_f32_bits(), 8);
    case ValType::F64: return hex_bits(v.as_f64_bits(), 16);
    case ValType::I32: return std::to_string(static_cast<uint32_t>(v.bits));
    default: return std::to_string(v.bits);
  }
}

Value parse_value(ValType type, std::string_view text) {
  switch (type) {
    case ValType::I32:
      if (auto bits = parse_hex(type, text, 32)) return Value{type, *bits};
      return Value{type, static_cast<uint32_t>(parse_int(type, text, INT32_MIN, UINT32_MAX))};
    case ValType::I64:
      if (auto bits = parse_hex(type, text, 64)) return Value{type, *bits};
      return Value{type, parse_int(type, text, INT64_MIN, UINT64_MAX)};
    case ValType::F32: {
      if (auto bits = parse_hex(type, text, 32)) return Value{type, *bits};
      if (text.starts_with("nan:")) {
        auto bits = parse_hex(type, text.substr(4), 32);
        if (!bits || (*bits & 0x7F800000u) != 0x7F800000u || (*bits & 0x007FFFFFu) == 0)
          fail(type, text, "not a NaN bit pattern");
        return Value{type, *bits};
      }
      return Value{type, parse_float<float, uint32_t>(type, text, kF32CanonicalNan)};
    }
    case ValType::F64: {
      if (auto bits = parse_hex(type, text, 64)) return Value{type, *bits};
      if (text.starts_with("nan:")) {
        constexpr uint64_t exp = 0x7FF0000000000000ull;
        auto bits = parse_hex(type, text.substr(4), 64);
        if (!bits || (*bits & exp) != exp || (*bits & ~(exp | (1ull << 63))) == 0)
          fail(type, text, "not a NaN bit pattern");
        return Value{type, *bits};
      }
      return Value{type, parse_float<double, uint64_t>(type, text, kF64CanonicalNan)};
    }
    case ValType::FuncRef:
      if (text == "null") return Value::null_ref(type);
      fail(type, text, "only null can be given");
    case ValType::ExternRef: {
      if (text == "null") return Value::null_ref(type);
      uint64_t word = 0;
      auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), word);
      if (text.empty() || ptr != text.data() + text.size() || ec != std::errc() || word == 0)
        fail(type, text, "expected null or a non-zero host word");
      return Value::externref(word);
    }
    case ValType::V128: fail(type, text, "v128 values are not supported");
  }
  fail(type, text, "unknown type");
}

}  // namespace detwasm::text

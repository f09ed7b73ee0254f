#include "spec/value_text.hpp"

#include <bit>
#include <charconv>
#include <cstdio>
#include <limits>
#include <optional>

#include "text/numbers.hpp"

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

// "0x" and hex digits alone, for a float: its exact bit pattern, of at most
// `width` bits. Nothing if `text` has any other form.
std::optional<uint64_t> float_bit_pattern(std::string_view text, unsigned width) {
  if (text.size() < 3 || text[0] != '0' || (text[1] != 'x' && text[1] != 'X')) return std::nullopt;
  if (text.find_first_not_of("0123456789abcdefABCDEF_", 2) != std::string_view::npos) return std::nullopt;
  // Read as an unsigned integer of the float's width: the same digit rules.
  return parse_int_bits(text, width);
}

// "nan:0x" and a whole NaN bit pattern, as format_payload prints one; a
// payload alone (the text format's form) is left to the number grammar.
std::optional<uint64_t> nan_bit_pattern(ValType type, std::string_view text, unsigned width) {
  if (!text.starts_with("nan:0x")) return std::nullopt;
  uint64_t exponent = width == 32 ? 0x7F800000u : 0x7FF0000000000000ull;
  uint64_t bits = parse_int_bits(text.substr(4), width);
  if ((bits & exponent) == 0) return std::nullopt;  // a payload
  if ((bits & exponent) != exponent || (bits & ~(exponent | (uint64_t{1} << (width - 1)))) == 0)
    fail(type, text, "not a NaN bit pattern");
  return bits;
}

}  // namespace

Value host_word_ref(Store& store, uint64_t word) { return store.externref(std::any(word)); }

std::optional<uint64_t> host_word_of(const Store& store, const Value& ref) {
  const std::any* object = store.externref_data(ref);
  if (!object) return std::nullopt;
  const uint64_t* word = std::any_cast<uint64_t>(object);
  return word ? std::optional<uint64_t>(*word) : std::nullopt;
}

std::string format_payload(const Value& v, const Store* store) {
  switch (v.type) {
    case ValType::I32: return std::to_string(v.as_i32());
    case ValType::I64: return std::to_string(v.as_i64());
    case ValType::F32: return format_f32(v.as_f32_bits());
    case ValType::F64: return format_f64(v.as_f64_bits());
    case ValType::V128: return hex_bits(v.bits, 16);  // a Value holds no v128
    case ValType::FuncRef: return v.is_null() ? "null" : std::to_string(v.bits);
    case ValType::ExternRef: {
      if (v.is_null()) return "null";
      std::optional<uint64_t> word = store ? host_word_of(*store, v) : std::nullopt;
      return word ? std::to_string(*word) : "non-null";
    }
  }
  return "?";
}

std::string format_value(const Value& v, const Store* store) {
  return std::string(to_string(v.type)) + ":" + format_payload(v, store);
}

std::string format_bits(const Value& v) {
  switch (v.type) {
    case ValType::F32: return hex_bits(v.as_f32_bits(), 8);
    case ValType::F64: return hex_bits(v.as_f64_bits(), 16);
    case ValType::I32: return std::to_string(static_cast<uint32_t>(v.bits));
    default: return std::to_string(v.bits);
  }
}

Value parse_value(ValType type, std::string_view text, Store* store) {
  try {
    switch (type) {
      case ValType::I32: return Value{type, parse_int_bits(text, 32)};
      case ValType::I64: return Value{type, parse_int_bits(text, 64)};
      case ValType::F32:
        if (auto bits = float_bit_pattern(text, 32)) return Value{type, *bits};
        if (auto bits = nan_bit_pattern(type, text, 32)) return Value{type, *bits};
        return Value{type, parse_f32_bits(text)};
      case ValType::F64:
        if (auto bits = float_bit_pattern(text, 64)) return Value{type, *bits};
        if (auto bits = nan_bit_pattern(type, text, 64)) return Value{type, *bits};
        return Value{type, parse_f64_bits(text)};
      default: break;
    }
  } catch (const NumberError& e) {
    throw ValueTextError("invalid " + std::string(to_string(type)) + " value " + e.what());
  }
  switch (type) {
    case ValType::FuncRef:
      if (text == "null") return Value::null_ref(type);
      fail(type, text, "only null can be given");
    case ValType::ExternRef: {
      if (text == "null") return Value::null_ref(type);
      uint64_t word = 0;
      auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), word);
      if (text.empty() || ptr != text.data() + text.size() || ec != std::errc() || word == 0)
        fail(type, text, "expected null or a non-zero host word");
      if (!store) fail(type, text, "a host word needs a store to live in");
      return host_word_ref(*store, word);
    }
    case ValType::V128: fail(type, text, "v128 values are not supported");
    default: break;
  }
  fail(type, text, "unknown type");
}

}  // namespace detwasm::text

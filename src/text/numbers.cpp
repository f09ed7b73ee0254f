#include "text/numbers.hpp"

#include <bit>
#include <cerrno>
#include <clocale>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <locale.h>
#include <string>

namespace detwasm::text {

namespace {

[[noreturn]] void fail(std::string_view text, std::string_view why) {
  throw NumberError("'" + std::string(text) + "': " + std::string(why));
}

bool is_digit(char c, bool hex) {
  if (c >= '0' && c <= '9') return true;
  return hex && ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'));
}

// Consumes a digit run with single '_' between digits from `s`; returns the
// digits without underscores, or nothing if `s` does not start with a digit.
bool take_digits(std::string_view& s, bool hex, std::string& out, std::string_view whole) {
  if (s.empty() || !is_digit(s[0], hex)) return false;
  size_t i = 0;
  while (i < s.size()) {
    if (is_digit(s[i], hex)) {
      out += s[i++];
    } else if (s[i] == '_') {
      if (i + 1 >= s.size() || !is_digit(s[i + 1], hex)) fail(whole, "'_' must stand between two digits");
      ++i;
    } else {
      break;
    }
  }
  s.remove_prefix(i);
  return true;
}

struct Sign {
  bool negative = false;
  std::string_view rest;
};

Sign take_sign(std::string_view text) {
  Sign s{false, text};
  if (!text.empty() && (text[0] == '+' || text[0] == '-')) {
    s.negative = text[0] == '-';
    s.rest.remove_prefix(1);
  }
  return s;
}

bool take_hex_prefix(std::string_view& s) {
  if (s.size() >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    s.remove_prefix(2);
    return true;
  }
  return false;
}

// The magnitude of an integer literal; throws if it is not one, or if it
// passes 2^64 - 1.
uint64_t magnitude(std::string_view whole, std::string_view s) {
  bool hex = take_hex_prefix(s);
  std::string digits;
  if (!take_digits(s, hex, digits, whole) || !s.empty()) fail(whole, "not an integer");
  uint64_t v = 0;
  uint64_t base = hex ? 16 : 10;
  for (char c : digits) {
    uint64_t d = c <= '9' ? uint64_t(c - '0') : uint64_t((c | 0x20) - 'a' + 10);
    if (v > (std::numeric_limits<uint64_t>::max() - d) / base) fail(whole, "out of range");
    v = v * base + d;
  }
  return v;
}

locale_t c_locale() {
  // strtod reads '.' as the decimal point whatever locale the embedder set.
  static locale_t loc = newlocale(LC_ALL_MASK, "C", nullptr);
  return loc;
}

// Checks the float grammar and returns the magnitude in the form strtod
// reads (underscores removed), or "inf", or "nan" with `payload` set.
struct FloatText {
  bool negative = false;
  enum Kind { Finite, Inf, Nan } kind = Finite;
  std::string c_text;     // for strtod, without sign
  uint64_t payload = 0;   // Nan: 0 for the canonical NaN
};

FloatText read_float(std::string_view whole) {
  Sign sign = take_sign(whole);
  std::string_view s = sign.rest;
  FloatText f;
  f.negative = sign.negative;
  if (s == "inf") {
    f.kind = FloatText::Inf;
    return f;
  }
  if (s == "nan") {
    f.kind = FloatText::Nan;
    return f;
  }
  if (s.starts_with("nan:")) {
    f.kind = FloatText::Nan;
    std::string_view p = s.substr(4);
    if (!take_hex_prefix(p)) fail(whole, "a NaN payload is written nan:0x followed by hex digits");
    std::string digits;
    if (!take_digits(p, true, digits, whole) || !p.empty()) fail(whole, "not a NaN payload");
    f.payload = magnitude(whole, "0x" + digits);
    if (f.payload == 0) fail(whole, "a NaN payload must not be zero");
    return f;
  }
  bool hex = take_hex_prefix(s);
  std::string out = hex ? "0x" : "";
  if (!take_digits(s, hex, out, whole)) fail(whole, "not a number");
  if (!s.empty() && s[0] == '.') {
    out += '.';
    s.remove_prefix(1);
    take_digits(s, hex, out, whole);
  }
  if (!s.empty() && (hex ? (s[0] == 'p' || s[0] == 'P') : (s[0] == 'e' || s[0] == 'E'))) {
    out += s[0];
    s.remove_prefix(1);
    if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
      out += s[0];
      s.remove_prefix(1);
    }
    if (!take_digits(s, false, out, whole)) fail(whole, "an exponent needs digits");
  }
  if (!s.empty()) fail(whole, "not a number");
  f.c_text = std::move(out);
  return f;
}

template <typename Float, typename Bits>
Bits parse_float_bits(std::string_view text, int payload_bits) {
  constexpr Bits kSign = Bits{1} << (sizeof(Bits) * 8 - 1);
  const Bits exponent = std::bit_cast<Bits>(std::numeric_limits<Float>::infinity());
  const Bits quiet = Bits{1} << (payload_bits - 1);
  FloatText f = read_float(text);
  Bits bits = 0;
  switch (f.kind) {
    case FloatText::Inf: bits = exponent; break;
    case FloatText::Nan:
      if (f.payload >> payload_bits) fail(text, "NaN payload wider than " + std::to_string(payload_bits) + " bits");
      bits = exponent | (f.payload ? Bits(f.payload) : quiet);
      break;
    case FloatText::Finite: {
      errno = 0;
      Float v;
      if constexpr (sizeof(Float) == 4) v = strtof_l(f.c_text.c_str(), nullptr, c_locale());
      else v = strtod_l(f.c_text.c_str(), nullptr, c_locale());
      // Underflow rounds to a subnormal or zero, as the text format does;
      // a value that rounds to infinity has no representation.
      if (std::isinf(v)) fail(text, "out of range");
      bits = std::bit_cast<Bits>(v);
      break;
    }
  }
  return f.negative ? Bits(bits | kSign) : bits;
}

}  // namespace

uint64_t parse_int_bits(std::string_view text, unsigned bits) {
  Sign sign = take_sign(text);
  uint64_t m = magnitude(text, sign.rest);
  uint64_t max_unsigned = bits == 64 ? std::numeric_limits<uint64_t>::max() : (uint64_t{1} << bits) - 1;
  uint64_t max_negative = uint64_t{1} << (bits - 1);  // magnitude of the most negative value
  if (sign.negative) {
    if (m > max_negative) fail(text, "out of range for i" + std::to_string(bits));
    return (~m + 1) & max_unsigned;
  }
  if (m > max_unsigned) fail(text, "out of range for i" + std::to_string(bits));
  return m;
}

uint64_t parse_count(std::string_view text, uint64_t max) {
  Sign sign = take_sign(text);
  uint64_t m = magnitude(text, sign.rest);
  if (sign.negative && m != 0) fail(text, "must not be negative");
  if (m > max) fail(text, "out of range (at most " + std::to_string(max) + ")");
  return m;
}

uint32_t parse_f32_bits(std::string_view text) { return parse_float_bits<float, uint32_t>(text, 23); }

uint64_t parse_f64_bits(std::string_view text) { return parse_float_bits<double, uint64_t>(text, 52); }

}  // namespace detwasm::text

// Text forms of Wasm values, shared by the CLI and the spec-test runner.
//
// Printing: integers in signed decimal, floats in the shortest decimal that
// reads back to the same bits ("2.5", "-0", "inf"), the canonical NaN as
// "nan" and any other NaN as "nan:0x" followed by its full bit pattern, so
// that no bit is lost. References print as "null", a funcref otherwise as
// its bits, an externref as its host word.
//
// Host words: in text, a non-null externref is a non-zero 64-bit number. It
// becomes an externref of a store whose host object is that number (a
// uint64_t in the std::any), and such an externref prints as the number.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include <detwasm/detwasm.hpp>

namespace detwasm::text {

// The value alone: "3", "-1", "2.5", "nan", "nan:0x7fa00000", "null". An
// externref prints its host word if `store` holds one for it, otherwise
// "non-null".
std::string format_payload(const Value& v, const Store* store = nullptr);
// Type and value: "i32:3", "f64:2.5", "funcref:null".
std::string format_value(const Value& v, const Store* store = nullptr);

// An externref of `store` carrying the host word `word` (non-zero).
Value host_word_ref(Store& store, uint64_t word);
// The host word of an externref of `store`, if its host object is one.
std::optional<uint64_t> host_word_of(const Store& store, const Value& ref);
// The raw bits as "0x" and 8 (f32) or 16 (f64) hex digits; for integers the
// unsigned decimal bit pattern.
std::string format_bits(const Value& v);

class ValueTextError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// Reads a value of type `type`, numbers in the one grammar of
// text/numbers.hpp (the Wasm text format's literals), plus:
//   floats:   "0x" and hex digits alone give the exact bit pattern
//             ("0x7fc00000"), and "nan:0x" with a whole NaN bit pattern
//             reads what format_payload prints ("nan:0xffc00000");
//   funcref:  "null"; externref: "null" or a non-zero host word, which
//             becomes an externref of `store` (required for one).
// Integers are signed or unsigned within the type's range; floats round to
// nearest. Throws ValueTextError naming what is wrong.
Value parse_value(ValType type, std::string_view text, Store* store = nullptr);

}  // namespace detwasm::text

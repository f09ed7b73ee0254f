// Number literals as the Wasm text format writes them: the one grammar for
// every number detwasm reads from text (command-line limits and arguments
// now, .wat and .wast sources later).
//
//   integer  [+|-] digits          digits:    0-9, with single '_' between digits
//            [+|-] 0x hexdigits    hexdigits: 0-9 a-f A-F, likewise
//   float    [+|-] digits [. [digits]] [(e|E) [+|-] digits]
//            [+|-] 0x hexdigits [. [hexdigits]] [(p|P) [+|-] digits]
//            [+|-] inf   [+|-] nan   [+|-] nan:0x hexdigits (the payload)
//
// Nothing else: no white space anywhere, no empty digit run, no sign after
// the first. A float is rounded to the nearest representable value, ties to
// even, as the text format rounds it: a value too small for the type becomes
// a zero or a subnormal of its sign; one whose rounding is infinite is out of
// range. Every error is a NumberError that says what is wrong.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string_view>

namespace detwasm::text {

class NumberError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// An integer of `bits` (32 or 64) bits, signed or unsigned as the text format
// reads iN: within [-2^(bits-1), 2^bits - 1]; returns its bit pattern.
uint64_t parse_int_bits(std::string_view text, unsigned bits);

// A count (gas, a limit): an integer in [0, max]. "-0" is zero; any other
// negative value is out of range.
uint64_t parse_count(std::string_view text, uint64_t max);

// Floats, as their bit patterns.
uint32_t parse_f32_bits(std::string_view text);
uint64_t parse_f64_bits(std::string_view text);

}  // namespace detwasm::text

// Text forms of Wasm values, shared by the CLI and the spec-test runner.
//
// Printing: integers in signed decimal, floats in the shortest decimal that
// reads back to the same bits ("2.5", "-0", "inf"), the canonical NaN as
// "nan" and any other NaN as "nan:0x" followed by its full bit pattern, so
// that no bit is lost. References print as "null" or their host word.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

#include <detwasm/detwasm.hpp>

namespace detwasm::text {

// The value alone: "3", "-1", "2.5", "nan", "nan:0x7fa00000", "null".
std::string format_payload(const Value& v);
// Type and value: "i32:3", "f64:2.5", "funcref:null".
std::string format_value(const Value& v);
// The raw bits as "0x" and 8 (f32) or 16 (f64) hex digits; for integers the
// unsigned decimal bit pattern.
std::string format_bits(const Value& v);

class ValueTextError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// Reads a value of type `type`:
//   integers: signed or unsigned decimal within the type's range;
//   floats:   decimal ("1.5", "-0", "1e10"), "inf", "-inf", "nan", "-nan",
//             or "nan:0x..." as printed by format_payload;
//   any number type: "0x..." giving the exact bit pattern;
//   funcref:  "null"; externref: "null" or a non-zero host word.
// Throws ValueTextError naming what is wrong.
Value parse_value(ValType type, std::string_view text);

}  // namespace detwasm::text

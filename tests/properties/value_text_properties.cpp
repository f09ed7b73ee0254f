// Printing a value and reading the text back gives the same bits, for every
// bit pattern: the CLI loses nothing, NaN payloads and -0 included.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "spec/value_text.hpp"

namespace detwasm {
namespace {

void check_round_trip(Value v) {
  Value back = text::parse_value(v.type, text::format_payload(v));
  RC_ASSERT(back.bits == v.bits);
  RC_ASSERT(text::parse_value(v.type, text::format_bits(v)).bits == v.bits);
}

RC_GTEST_PROP(ValueTextProperty, F32RoundTrips, (uint32_t bits)) { check_round_trip(Value::f32_bits(bits)); }
RC_GTEST_PROP(ValueTextProperty, F64RoundTrips, (uint64_t bits)) { check_round_trip(Value::f64_bits(bits)); }
RC_GTEST_PROP(ValueTextProperty, I32RoundTrips, (uint32_t bits)) { check_round_trip(Value{ValType::I32, bits}); }
RC_GTEST_PROP(ValueTextProperty, I64RoundTrips, (uint64_t bits)) { check_round_trip(Value{ValType::I64, bits}); }

}  // namespace
}  // namespace detwasm

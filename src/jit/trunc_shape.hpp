// What a float-to-int truncation reads and writes, for the backends'
// conversions.
#pragma once

#include <stdexcept>

#include "jit/masm.hpp"

namespace detwasm::jit {

struct TruncShape {
  bool from_f64, to_i64, is_signed;
};

inline TruncShape trunc_shape(Conversion c) {
  switch (c) {
    case Conversion::I32TruncF32S: case Conversion::I32TruncSatF32S: return {false, false, true};
    case Conversion::I32TruncF32U: case Conversion::I32TruncSatF32U: return {false, false, false};
    case Conversion::I32TruncF64S: case Conversion::I32TruncSatF64S: return {true, false, true};
    case Conversion::I32TruncF64U: case Conversion::I32TruncSatF64U: return {true, false, false};
    case Conversion::I64TruncF32S: case Conversion::I64TruncSatF32S: return {false, true, true};
    case Conversion::I64TruncF32U: case Conversion::I64TruncSatF32U: return {false, true, false};
    case Conversion::I64TruncF64S: case Conversion::I64TruncSatF64S: return {true, true, true};
    case Conversion::I64TruncF64U: case Conversion::I64TruncSatF64U: return {true, true, false};
    default: throw std::logic_error("not a float-to-int truncation");
  }
}

}  // namespace detwasm::jit

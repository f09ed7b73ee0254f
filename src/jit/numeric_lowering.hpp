// How each numeric operator maps onto a MacroAssembler operation, as data.
// A static_assert checks that every numeric row of opcodes.def has one.
#pragma once

#include <cstdint>

#include "decode/opcodes.hpp"
#include "jit/masm.hpp"

namespace detwasm::jit {

struct NumericLowering {
  enum class Family : uint8_t {
    None,
    IntEqz,        // op unused
    IntCompare,    // op: IntCond
    IntBinary,     // op: IntBinOp
    IntDiv,        // op: IntDivOp
    IntUnary,      // op: IntUnOp
    FloatCompare,  // op: FloatCond
    FloatBinary,   // op: FloatBinOp
    FloatUnary,    // op: FloatUnOp
    Convert,       // op: Conversion
  };
  Family family = Family::None;
  uint8_t op = 0;
  ValType operand = ValType::I32;  // type of the (first) operand
};

namespace lowering_detail {
template <typename E>
constexpr NumericLowering make(NumericLowering::Family f, E op, ValType t) {
  return {f, static_cast<uint8_t>(op), t};
}
}  // namespace lowering_detail

constexpr NumericLowering numeric_lowering(internal::Opcode op) {
  using internal::Opcode;
  using F = NumericLowering::Family;
  using lowering_detail::make;
  constexpr ValType I32 = ValType::I32, I64 = ValType::I64, F32 = ValType::F32, F64 = ValType::F64;
  switch (op) {
    case Opcode::I32Eqz: return make(F::IntEqz, 0, I32);
    case Opcode::I64Eqz: return make(F::IntEqz, 0, I64);
#define CMP(Name, T, C) case Opcode::Name: return make(F::IntCompare, IntCond::C, T);
    CMP(I32Eq, I32, Eq) CMP(I32Ne, I32, Ne) CMP(I32LtS, I32, LtS) CMP(I32LtU, I32, LtU) CMP(I32GtS, I32, GtS)
    CMP(I32GtU, I32, GtU) CMP(I32LeS, I32, LeS) CMP(I32LeU, I32, LeU) CMP(I32GeS, I32, GeS) CMP(I32GeU, I32, GeU)
    CMP(I64Eq, I64, Eq) CMP(I64Ne, I64, Ne) CMP(I64LtS, I64, LtS) CMP(I64LtU, I64, LtU) CMP(I64GtS, I64, GtS)
    CMP(I64GtU, I64, GtU) CMP(I64LeS, I64, LeS) CMP(I64LeU, I64, LeU) CMP(I64GeS, I64, GeS) CMP(I64GeU, I64, GeU)
#undef CMP
#define FCMP(Name, T, C) case Opcode::Name: return make(F::FloatCompare, FloatCond::C, T);
    FCMP(F32Eq, F32, Eq) FCMP(F32Ne, F32, Ne) FCMP(F32Lt, F32, Lt) FCMP(F32Gt, F32, Gt) FCMP(F32Le, F32, Le)
    FCMP(F32Ge, F32, Ge) FCMP(F64Eq, F64, Eq) FCMP(F64Ne, F64, Ne) FCMP(F64Lt, F64, Lt) FCMP(F64Gt, F64, Gt)
    FCMP(F64Le, F64, Le) FCMP(F64Ge, F64, Ge)
#undef FCMP
#define BIN(Name, T, O) case Opcode::Name: return make(F::IntBinary, IntBinOp::O, T);
    BIN(I32Add, I32, Add) BIN(I32Sub, I32, Sub) BIN(I32Mul, I32, Mul) BIN(I32And, I32, And) BIN(I32Or, I32, Or)
    BIN(I32Xor, I32, Xor) BIN(I32Shl, I32, Shl) BIN(I32ShrS, I32, ShrS) BIN(I32ShrU, I32, ShrU)
    BIN(I32Rotl, I32, Rotl) BIN(I32Rotr, I32, Rotr)
    BIN(I64Add, I64, Add) BIN(I64Sub, I64, Sub) BIN(I64Mul, I64, Mul) BIN(I64And, I64, And) BIN(I64Or, I64, Or)
    BIN(I64Xor, I64, Xor) BIN(I64Shl, I64, Shl) BIN(I64ShrS, I64, ShrS) BIN(I64ShrU, I64, ShrU)
    BIN(I64Rotl, I64, Rotl) BIN(I64Rotr, I64, Rotr)
#undef BIN
#define DIV(Name, T, O) case Opcode::Name: return make(F::IntDiv, IntDivOp::O, T);
    DIV(I32DivS, I32, DivS) DIV(I32DivU, I32, DivU) DIV(I32RemS, I32, RemS) DIV(I32RemU, I32, RemU)
    DIV(I64DivS, I64, DivS) DIV(I64DivU, I64, DivU) DIV(I64RemS, I64, RemS) DIV(I64RemU, I64, RemU)
#undef DIV
#define UN(Name, T, O) case Opcode::Name: return make(F::IntUnary, IntUnOp::O, T);
    UN(I32Clz, I32, Clz) UN(I32Ctz, I32, Ctz) UN(I32Popcnt, I32, Popcnt) UN(I32Extend8S, I32, Extend8S)
    UN(I32Extend16S, I32, Extend16S) UN(I64Clz, I64, Clz) UN(I64Ctz, I64, Ctz) UN(I64Popcnt, I64, Popcnt)
    UN(I64Extend8S, I64, Extend8S) UN(I64Extend16S, I64, Extend16S) UN(I64Extend32S, I64, Extend32S)
#undef UN
#define FBIN(Name, T, O) case Opcode::Name: return make(F::FloatBinary, FloatBinOp::O, T);
    FBIN(F32Add, F32, Add) FBIN(F32Sub, F32, Sub) FBIN(F32Mul, F32, Mul) FBIN(F32Div, F32, Div)
    FBIN(F32Min, F32, Min) FBIN(F32Max, F32, Max) FBIN(F32Copysign, F32, Copysign)
    FBIN(F64Add, F64, Add) FBIN(F64Sub, F64, Sub) FBIN(F64Mul, F64, Mul) FBIN(F64Div, F64, Div)
    FBIN(F64Min, F64, Min) FBIN(F64Max, F64, Max) FBIN(F64Copysign, F64, Copysign)
#undef FBIN
#define FUN(Name, T, O) case Opcode::Name: return make(F::FloatUnary, FloatUnOp::O, T);
    FUN(F32Abs, F32, Abs) FUN(F32Neg, F32, Neg) FUN(F32Ceil, F32, Ceil) FUN(F32Floor, F32, Floor)
    FUN(F32Trunc, F32, Trunc) FUN(F32Nearest, F32, Nearest) FUN(F32Sqrt, F32, Sqrt)
    FUN(F64Abs, F64, Abs) FUN(F64Neg, F64, Neg) FUN(F64Ceil, F64, Ceil) FUN(F64Floor, F64, Floor)
    FUN(F64Trunc, F64, Trunc) FUN(F64Nearest, F64, Nearest) FUN(F64Sqrt, F64, Sqrt)
#undef FUN
#define CONV(Name, T) case Opcode::Name: return make(F::Convert, Conversion::Name, T);
    CONV(I32WrapI64, I64) CONV(I64ExtendI32S, I32) CONV(I64ExtendI32U, I32)
    CONV(I32TruncF32S, F32) CONV(I32TruncF32U, F32) CONV(I32TruncF64S, F64) CONV(I32TruncF64U, F64)
    CONV(I64TruncF32S, F32) CONV(I64TruncF32U, F32) CONV(I64TruncF64S, F64) CONV(I64TruncF64U, F64)
    CONV(I32TruncSatF32S, F32) CONV(I32TruncSatF32U, F32) CONV(I32TruncSatF64S, F64) CONV(I32TruncSatF64U, F64)
    CONV(I64TruncSatF32S, F32) CONV(I64TruncSatF32U, F32) CONV(I64TruncSatF64S, F64) CONV(I64TruncSatF64U, F64)
    CONV(F32ConvertI32S, I32) CONV(F32ConvertI32U, I32) CONV(F32ConvertI64S, I64) CONV(F32ConvertI64U, I64)
    CONV(F32DemoteF64, F64) CONV(F64ConvertI32S, I32) CONV(F64ConvertI32U, I32) CONV(F64ConvertI64S, I64)
    CONV(F64ConvertI64U, I64) CONV(F64PromoteF32, F32) CONV(I32ReinterpretF32, F32) CONV(I64ReinterpretF64, F64)
    CONV(F32ReinterpretI32, I32) CONV(F64ReinterpretI64, I64)
#undef CONV
    default: return {};
  }
}

// Conversions whose result does not depend on the sign or payload of a NaN
// operand: truncations trap on NaN (or give 0), and demote and promote give
// a NaN of their own that is canonicalized later like any arithmetic result.
constexpr bool conversion_is_nan_blind(Conversion c) {
  using C = Conversion;
  return (c >= C::I32TruncF32S && c <= C::I64TruncSatF64U) || c == C::F32DemoteF64 || c == C::F64PromoteF32;
}

namespace lowering_detail {
constexpr bool every_numeric_operator_lowered() {
#define DETWASM_NUMERIC_OP(Name, opcode, text, In1, In2, Out, ...) \
  if (numeric_lowering(internal::Opcode::Name).family == NumericLowering::Family::None) return false;
#include "decode/opcodes.def"
  return true;
}
}  // namespace lowering_detail
static_assert(lowering_detail::every_numeric_operator_lowered(), "a numeric operator has no lowering");

}  // namespace detwasm::jit

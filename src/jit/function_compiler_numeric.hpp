// FunctionCompiler: numeric operators, dispatched through numeric_lowering.hpp.
// Included by function_compiler.hpp only.
#pragma once

namespace detwasm::jit {

template <MacroAssembler Masm>
void FunctionCompiler<Masm>::on_numeric(internal::Opcode op, const internal::NumericSig& sig) {
  using F = NumericLowering::Family;
  NumericLowering l = numeric_lowering(op);
  ValType t = l.operand;
  Width w = width_of(t);
  switch (l.family) {
    case F::IntEqz:
      unary(t, ValType::I32, false, [&](Reg dst, Reg src) { m_.int_eqz(w, dst, src); });
      break;
    case F::IntCompare: int_compare(static_cast<IntCond>(l.op), t); break;
    case F::IntBinary: int_binary(static_cast<IntBinOp>(l.op), t); break;
    case F::IntDiv: int_div(static_cast<IntDivOp>(l.op), t); break;
    case F::IntUnary:
      unary(t, t, false, [&](Reg dst, Reg src) { m_.int_unop(static_cast<IntUnOp>(l.op), w, dst, src); });
      break;
    case F::FloatCompare: {
      // A comparison with a NaN does not look at its payload.
      Reg rhs = pop_to_reg_raw();
      Reg lhs = pop_to_reg_raw();
      Reg dst = alloc(RegClass::Gpr);
      m_.float_compare(static_cast<FloatCond>(l.op), t, dst, lhs, rhs);
      release(lhs);
      release(rhs);
      push_result(ValType::I32, dst);
      break;
    }
    case F::FloatBinary: {
      // copysign is a bit operation: its operands' bits show in the result.
      auto op = static_cast<FloatBinOp>(l.op);
      float_binary(t, op != FloatBinOp::Copysign,
                   [&](Reg dst, Reg lhs, Reg rhs) { m_.float_binop(op, t, dst, lhs, rhs); });
      break;
    }
    case F::FloatUnary: {
      auto op = static_cast<FloatUnOp>(l.op);
      bool bitwise = op == FloatUnOp::Abs || op == FloatUnOp::Neg;
      unary(t, t, !bitwise, [&](Reg dst, Reg src) { m_.float_unop(op, t, dst, src); });
      break;
    }
    case F::Convert:
      unary(t, sig.out, conversion_is_nan_blind(static_cast<Conversion>(l.op)), [&](Reg dst, Reg src) {
        // Labels made in a fixed order (not as arguments, whose order of
        // evaluation the compiler picks): the code must not depend on
        // which compiler built the engine.
        Label invalid = trap(TrapKind::InvalidConversion);
        Label overflow = trap(TrapKind::IntegerOverflow);
        m_.convert(static_cast<Conversion>(l.op), dst, src, invalid, overflow);
      });
      break;
    case F::None:
      break;  // unreachable: every numeric operator has a lowering (static_assert)
  }
}

// dst = emit(src); the result reuses the operand's register when the classes match.
template <MacroAssembler Masm>
void FunctionCompiler<Masm>::unary(ValType in, ValType out, bool raw, auto emit) {
  Reg src = raw ? pop_to_reg_raw() : pop_to_reg();
  Reg dst = src;
  if (reg_class_of(in) != reg_class_of(out)) {
    dst = alloc_for(out);
    emit(dst, src);
    release(src);
  } else {
    emit(dst, src);
  }
  // Only a float result can be a NaN (truncations trap on one or give 0).
  push_result(out, dst, raw && reg_class_of(out) == RegClass::Fpr);
}

template <MacroAssembler Masm>
void FunctionCompiler<Masm>::float_binary(ValType t, bool raw, auto emit) {
  Reg rhs = raw ? pop_to_reg_raw() : pop_to_reg();
  Reg lhs = raw ? pop_to_reg_raw() : pop_to_reg();
  emit(lhs, lhs, rhs);
  release(rhs);
  push_result(t, lhs, raw);
}

template <MacroAssembler Masm>
void FunctionCompiler<Masm>::int_binary(IntBinOp op, ValType t) {
  Width w = width_of(t);
  const StackValue& rhs_value = stack_.top();
  if (rhs_value.is_const() && Masm::int_imm_fits(op, w, rhs_value.bits)) {
    // Constants fold into the instruction's immediate.
    auto imm = static_cast<int32_t>(rhs_value.bits);
    stack_.pop();
    Reg lhs = pop_to_reg();
    m_.int_binop_imm(op, w, lhs, lhs, imm);
    push_result(t, lhs);
    return;
  }
  bool shift = op == IntBinOp::Shl || op == IntBinOp::ShrS || op == IntBinOp::ShrU || op == IntBinOp::Rotl ||
               op == IntBinOp::Rotr;
  Reg rhs = pop_to_reg();
  Reg lhs = pop_to_reg();
  // The operands are temporaries now, so only other values move out.
  if (shift) evict(Masm::kVariableShiftClobbers);
  m_.int_binop(op, w, lhs, lhs, rhs);
  release(rhs);
  push_result(t, lhs);
}

template <MacroAssembler Masm>
void FunctionCompiler<Masm>::int_compare(IntCond c, ValType t) {
  Width w = width_of(t);
  const StackValue& rhs_value = stack_.top();
  if (rhs_value.is_const() && Masm::int_imm_fits(IntBinOp::Sub, w, rhs_value.bits)) {
    auto imm = static_cast<int32_t>(rhs_value.bits);
    stack_.pop();
    Reg lhs = pop_to_reg();
    m_.int_compare_imm(c, w, lhs, lhs, imm);
    push_result(ValType::I32, lhs);
    return;
  }
  Reg rhs = pop_to_reg();
  Reg lhs = pop_to_reg();
  m_.int_compare(c, w, lhs, lhs, rhs);
  release(rhs);
  push_result(ValType::I32, lhs);
}

template <MacroAssembler Masm>
void FunctionCompiler<Masm>::int_div(IntDivOp op, ValType t) {
  Reg rhs = pop_to_reg();
  Reg lhs = pop_to_reg();
  evict(Masm::kIntDivClobbers);  // the operands, temporaries now, may stay there
  Label div_by_zero = trap(TrapKind::IntegerDivideByZero);  // in this order, as in convert
  Label overflow = trap(TrapKind::IntegerOverflow);
  m_.int_div(op, width_of(t), lhs, lhs, rhs, div_by_zero, overflow);
  release(rhs);
  push_result(t, lhs);
}

}  // namespace detwasm::jit

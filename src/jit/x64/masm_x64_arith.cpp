// x86-64 MacroAssembler: integer and floating-point arithmetic, conversions.
#include <cstring>
#include <stdexcept>

#include "jit/trunc_shape.hpp"
#include "jit/x64/masm_x64.hpp"
#include "jit/x64/regs_x64.hpp"

namespace detwasm::jit::x64 {

using namespace asmjit;
using namespace asmjit::x86;

namespace {

bool is_commutative(IntBinOp op) {
  return op == IntBinOp::Add || op == IntBinOp::Mul || op == IntBinOp::And || op == IntBinOp::Or ||
         op == IntBinOp::Xor;
}

bool is_shift(IntBinOp op) {
  return op == IntBinOp::Shl || op == IntBinOp::ShrS || op == IntBinOp::ShrU || op == IntBinOp::Rotl ||
         op == IntBinOp::Rotr;
}

// dst op= src for the two-address forms.
// The ALU-group encoding of op, if it has one.
bool alu_of(IntBinOp op, enc::Alu* alu) {
  switch (op) {
    case IntBinOp::Add: *alu = enc::Alu::Add; return true;
    case IntBinOp::Sub: *alu = enc::Alu::Sub; return true;
    case IntBinOp::And: *alu = enc::Alu::And; return true;
    case IntBinOp::Or: *alu = enc::Alu::Or; return true;
    case IntBinOp::Xor: *alu = enc::Alu::Xor; return true;
    default: return false;
  }
}

template <typename Src>
void emit_int_op(Assembler& a, IntBinOp op, const Gp& dst, const Src& src) {
  switch (op) {
    case IntBinOp::Add: a.add(dst, src); break;
    case IntBinOp::Sub: a.sub(dst, src); break;
    case IntBinOp::Mul: a.imul(dst, src); break;
    case IntBinOp::And: a.and_(dst, src); break;
    case IntBinOp::Or: a.or_(dst, src); break;
    case IntBinOp::Xor: a.xor_(dst, src); break;
    case IntBinOp::Shl: a.shl(dst, src); break;
    case IntBinOp::ShrS: a.sar(dst, src); break;
    case IntBinOp::ShrU: a.shr(dst, src); break;
    case IntBinOp::Rotl: a.rol(dst, src); break;
    case IntBinOp::Rotr: a.ror(dst, src); break;
  }
}

constexpr uint64_t kF32SignMask = 0x8000000080000000ull;
constexpr uint64_t kF64SignMask = 0x8000000000000000ull;

}  // namespace

// ---- Integers ---------------------------------------------------------------------

void X64MacroAssembler::int_binop(IntBinOp op, Width w, Reg dst, Reg lhs, Reg rhs) {
  Gp d = gp(w, dst), l = gp(w, lhs);
  if (is_shift(op)) {
    // The count must be in cl; rcx holds nothing live but the operands.
    if (rhs.code == 1 && dst.code != 1) {
      if (dst != lhs) a_.mov(d, l);
      emit_int_op(a_, op, d, cl);
    } else if (rhs.code != 1 && lhs.code != 1 && dst.code != 1) {
      a_.mov(ecx, gp32(rhs));
      if (dst != lhs) a_.mov(d, l);
      emit_int_op(a_, op, d, cl);
    } else {
      Gp s = gp(w, gpr(11));
      a_.mov(s, l);
      if (rhs.code != 1) a_.mov(ecx, gp32(rhs));
      emit_int_op(a_, op, s, cl);
      a_.mov(d, s);
    }
    return;
  }
  bool w64 = w == Width::W64;
  enc::Alu alu = enc::Alu::Add;
  bool is_alu = alu_of(op, &alu);
  // dst op= src: the ALU group and imul encoded directly.
  auto apply = [&](Reg to, Reg from) {
    if (is_alu) emit([&](enc::Writer& e) { e.alu(alu, w64, to.code, from.code); });
    else if (op == IntBinOp::Mul) emit([&](enc::Writer& e) { e.rr(with_w(enc::kImul, w64), to.code, from.code); });
    else emit_int_op(a_, op, gp(w, to), gp(w, from));
  };
  if (dst == lhs) {
    apply(dst, rhs);
  } else if (dst == rhs) {
    if (is_commutative(op)) {
      apply(dst, lhs);
    } else {  // sub: dst = -rhs + lhs
      a_.neg(d);
      a_.add(d, l);
    }
  } else {
    emit([&](enc::Writer& e) { e.mov(w64, dst.code, lhs.code); });
    apply(dst, rhs);
  }
}

void X64MacroAssembler::int_binop_imm(IntBinOp op, Width w, Reg dst, Reg lhs, int32_t imm) {
  Gp d = gp(w, dst), l = gp(w, lhs);
  if (is_shift(op)) {
    uint32_t count = static_cast<uint32_t>(imm) & (w == Width::W32 ? 31 : 63);
    if (dst != lhs) a_.mov(d, l);
    if (count != 0) emit_int_op(a_, op, d, Imm(count));
    return;
  }
  if (op == IntBinOp::Mul) {
    a_.imul(d, l, imm);
    return;
  }
  bool w64 = w == Width::W64;
  if (op == IntBinOp::Add && dst != lhs) {
    // A 32-bit lea clears the upper half.
    emit([&](enc::Writer& e) { e.mem(with_w(enc::kLea, w64), dst.code, lhs.code, imm); });
    return;
  }
  if (dst != lhs) emit([&](enc::Writer& e) { e.mov(w64, dst.code, lhs.code); });
  enc::Alu alu = enc::Alu::Add;
  if (alu_of(op, &alu)) emit([&](enc::Writer& e) { e.alu_imm(alu, w64, dst.code, imm); });
  else emit_int_op(a_, op, d, Imm(imm));
}

void X64MacroAssembler::int_div(IntDivOp op, Width w, Reg dst, Reg lhs, Reg rhs, Label div_by_zero,
                                Label overflow) {
  // rax and rdx hold nothing live but possibly the operands.
  Gp ax = gp(w, gpr(0)), dx = gp(w, gpr(2));
  Reg divisor = rhs;
  if (rhs.code == 0 || rhs.code == 2) {
    a_.mov(gp(w, gpr(11)), gp(w, rhs));
    divisor = gpr(11);
  }
  Gp dv = gp(w, divisor);
  a_.test(dv, dv);
  jcc(CondCode::kZ, div_by_zero);
  if (lhs.code != 0) a_.mov(ax, gp(w, lhs));
  asmjit::Label done = a_.newLabel();
  bool is_signed = op == IntDivOp::DivS || op == IntDivOp::RemS;
  if (is_signed) {
    asmjit::Label plain = a_.newLabel();
    a_.cmp(dv, -1);
    a_.jne(plain);
    if (op == IntDivOp::DivS) {
      // INT_MIN / -1 overflows; any other x / -1 is -x.
      a_.neg(ax);
      jcc(CondCode::kO, overflow);
    } else {
      a_.xor_(eax, eax);  // x % -1 == 0 (and idiv would fault on INT_MIN)
    }
    a_.jmp(done);
    a_.bind(plain);
    if (w == Width::W32) a_.cdq();
    else a_.cqo();
    a_.idiv(dv);
  } else {
    a_.xor_(edx, edx);
    a_.div(dv);
  }
  if (op == IntDivOp::RemS || op == IntDivOp::RemU) a_.mov(ax, dx);
  a_.bind(done);
  if (dst.code != 0) a_.mov(gp(w, dst), ax);
}

void X64MacroAssembler::int_unop(IntUnOp op, Width w, Reg dst, Reg src) {
  Gp d = gp(w, dst), s = gp(w, src);
  uint32_t bits = w == Width::W32 ? 32 : 64;
  switch (op) {
    case IntUnOp::Clz:
      if (features_.lzcnt) {
        a_.lzcnt(d, s);
      } else {
        // bsr gives the index of the highest set bit; (2*bits-1) ^ (bits-1) == bits for zero.
        a_.mov(r11d, 2 * bits - 1);
        a_.bsr(d, s);
        a_.cmovz(d, gp(w, gpr(11)));
        a_.xor_(d, bits - 1);
      }
      break;
    case IntUnOp::Ctz:
      if (features_.bmi1) {
        a_.tzcnt(d, s);
      } else {
        a_.mov(r11d, bits);
        a_.bsf(d, s);
        a_.cmovz(d, gp(w, gpr(11)));
      }
      break;
    case IntUnOp::Popcnt: a_.popcnt(d, s); break;
    case IntUnOp::Extend8S: a_.movsx(d, gpb(src.code)); break;
    case IntUnOp::Extend16S: a_.movsx(d, gpw(src.code)); break;
    case IntUnOp::Extend32S: a_.movsxd(gp64(dst), gp32(src)); break;
  }
}

void X64MacroAssembler::int_eqz(Width w, Reg dst, Reg src) {
  emit([&](enc::Writer& e) { e.test(w == Width::W64, src.code, src.code); });
  set_from_flags(IntCond::Eq, dst);
}

void X64MacroAssembler::int_compare(IntCond c, Width w, Reg dst, Reg lhs, Reg rhs) {
  emit([&](enc::Writer& e) { e.alu(enc::Alu::Cmp, w == Width::W64, lhs.code, rhs.code); });
  set_from_flags(c, dst);
}

void X64MacroAssembler::compare_imm(IntCond c, Width w, Reg lhs, int32_t imm) {
  bool w64 = w == Width::W64;
  if (imm == 0 && (c == IntCond::Eq || c == IntCond::Ne)) emit([&](enc::Writer& e) { e.test(w64, lhs.code, lhs.code); });
  else emit([&](enc::Writer& e) { e.alu_imm(enc::Alu::Cmp, w64, lhs.code, imm); });
}

void X64MacroAssembler::int_compare_imm(IntCond c, Width w, Reg dst, Reg lhs, int32_t imm) {
  compare_imm(c, w, lhs, imm);
  set_from_flags(c, dst);
}

// ---- Floating point ------------------------------------------------------------------

void X64MacroAssembler::canonicalize_nan(ValType t, Reg r) {
  // Hardware NaNs carry a sign or a propagated payload; Wasm here wants
  // exactly the canonical NaN (DESIGN.md, determinism). The fix-up is out of
  // line, at the function's end, so the usual path falls through.
  Xmm x = xmm(r.code);
  if (t == ValType::F32) a_.ucomiss(x, x);
  else a_.ucomisd(x, x);
  Label fix = new_label();
  jcc(CondCode::kP, fix);
  nan_fixes_.push_back({fix, static_cast<uint32_t>(a_.offset()), r.code, t == ValType::F64});
}

void X64MacroAssembler::float_min_max(bool is_min, ValType t, Reg dst, Reg lhs, Reg rhs) {
  bool f64 = t == ValType::F64;
  Xmm s = xmm15, r = xmm(rhs.code);
  asmjit::Label nan = a_.newLabel(), not_equal = a_.newLabel(), done = a_.newLabel();
  a_.movaps(s, xmm(lhs.code));
  if (f64) a_.ucomisd(s, r);
  else a_.ucomiss(s, r);
  a_.jp(nan);
  a_.jne(not_equal);
  // Equal operands differ only in the sign of zero: min takes -0, max +0.
  if (is_min) a_.orps(s, r);
  else a_.andps(s, r);
  a_.jmp(done);
  a_.bind(not_equal);
  if (is_min) f64 ? a_.minsd(s, r) : a_.minss(s, r);
  else f64 ? a_.maxsd(s, r) : a_.maxss(s, r);
  a_.jmp(done);
  a_.bind(nan);
  if (f64) a_.movsd(s, const128(0x7FF8000000000000ull, 0));
  else a_.movss(s, const128(0x7FC00000, 0));
  a_.bind(done);
  a_.movaps(xmm(dst.code), s);
}

void X64MacroAssembler::float_binop(FloatBinOp op, ValType t, Reg dst, Reg lhs, Reg rhs) {
  bool f64 = t == ValType::F64;
  if (op == FloatBinOp::Min || op == FloatBinOp::Max) {
    float_min_max(op == FloatBinOp::Min, t, dst, lhs, rhs);
    return;
  }
  Xmm d = xmm(dst.code), l = xmm(lhs.code), r = xmm(rhs.code);
  if (op == FloatBinOp::Copysign) {
    uint64_t sign = f64 ? kF64SignMask : kF32SignMask;
    a_.movaps(xmm15, r);
    a_.andps(xmm15, const128(sign, sign));
    if (dst != lhs) a_.movaps(d, l);
    a_.andps(d, const128(~sign, ~sign));
    a_.orps(d, xmm15);
    return;
  }
  auto emit = [&](const Xmm& x, const Xmm& y) {
    switch (op) {
      case FloatBinOp::Add: f64 ? a_.addsd(x, y) : a_.addss(x, y); break;
      case FloatBinOp::Sub: f64 ? a_.subsd(x, y) : a_.subss(x, y); break;
      case FloatBinOp::Mul: f64 ? a_.mulsd(x, y) : a_.mulss(x, y); break;
      case FloatBinOp::Div: f64 ? a_.divsd(x, y) : a_.divss(x, y); break;
      default: break;
    }
  };
  if (dst == lhs) {
    emit(d, r);
  } else if (dst == rhs) {
    if (op == FloatBinOp::Add || op == FloatBinOp::Mul) {
      emit(d, l);
    } else {
      a_.movaps(xmm15, r);
      a_.movaps(d, l);
      emit(d, xmm15);
    }
  } else {
    a_.movaps(d, l);
    emit(d, r);
  }
}

void X64MacroAssembler::float_unop(FloatUnOp op, ValType t, Reg dst, Reg src) {
  bool f64 = t == ValType::F64;
  Xmm d = xmm(dst.code), s = xmm(src.code);
  uint64_t sign = f64 ? kF64SignMask : kF32SignMask;
  switch (op) {
    case FloatUnOp::Abs:
      if (dst != src) a_.movaps(d, s);
      a_.andps(d, const128(~sign, ~sign));
      return;  // bit operations keep NaN payloads
    case FloatUnOp::Neg:
      if (dst != src) a_.movaps(d, s);
      a_.xorps(d, const128(sign, sign));
      return;
    case FloatUnOp::Sqrt: f64 ? a_.sqrtsd(d, s) : a_.sqrtss(d, s); break;
    case FloatUnOp::Ceil:
    case FloatUnOp::Floor:
    case FloatUnOp::Trunc:
    case FloatUnOp::Nearest: {
      // Rounding control in the immediate; 8 suppresses the inexact exception.
      uint32_t mode = op == FloatUnOp::Nearest ? 0 : op == FloatUnOp::Floor ? 1 : op == FloatUnOp::Ceil ? 2 : 3;
      f64 ? a_.roundsd(d, s, mode | 8) : a_.roundss(d, s, mode | 8);
      break;
    }
  }
}

void X64MacroAssembler::float_compare(FloatCond c, ValType t, Reg dst, Reg lhs, Reg rhs) {
  bool f64 = t == ValType::F64;
  auto ucomi = [&](Reg x, Reg y) {
    if (f64) a_.ucomisd(xmm(x.code), xmm(y.code));
    else a_.ucomiss(xmm(x.code), xmm(y.code));
  };
  Gp b = gpb(dst.code);
  switch (c) {
    case FloatCond::Eq:  // equal and ordered
      ucomi(lhs, rhs);
      a_.sete(b);
      a_.setnp(r11b);
      a_.and_(b, r11b);
      break;
    case FloatCond::Ne:  // not equal or unordered
      ucomi(lhs, rhs);
      a_.setne(b);
      a_.setp(r11b);
      a_.or_(b, r11b);
      break;
    case FloatCond::Gt: ucomi(lhs, rhs); a_.seta(b); break;
    case FloatCond::Ge: ucomi(lhs, rhs); a_.setae(b); break;
    case FloatCond::Lt: ucomi(rhs, lhs); a_.seta(b); break;
    case FloatCond::Le: ucomi(rhs, lhs); a_.setae(b); break;
  }
  a_.movzx(gp32(dst), b);
}

// ---- Conversions ------------------------------------------------------------------------

void X64MacroAssembler::convert_u64_to_float(bool to_f64, Reg dst, Reg src) {
  // Values with the top bit set: halve (keeping the low bit, so rounding
  // stays correct), convert, double.
  Xmm d = xmm(dst.code);
  Gp s = gp64(src);
  asmjit::Label large = a_.newLabel(), done = a_.newLabel(), even = a_.newLabel();
  a_.xorps(d, d);
  a_.test(s, s);
  a_.js(large);
  to_f64 ? a_.cvtsi2sd(d, s) : a_.cvtsi2ss(d, s);
  a_.jmp(done);
  a_.bind(large);
  a_.mov(r11, s);
  a_.shr(r11, 1);
  a_.jnc(even);
  a_.or_(r11, 1);
  a_.bind(even);
  to_f64 ? a_.cvtsi2sd(d, r11) : a_.cvtsi2ss(d, r11);
  to_f64 ? a_.addsd(d, d) : a_.addss(d, d);
  a_.bind(done);
}

void X64MacroAssembler::trunc_to_int(Conversion conv, Reg dst, Reg src, Label invalid, Label overflow) {
  // Named copies, not a structured binding: lambdas below capture them.
  const TruncShape shape = trunc_shape(conv);
  const bool from_f64 = shape.from_f64, to_i64 = shape.to_i64, is_signed = shape.is_signed;
  Xmm s = xmm(src.code);
  auto cvtt = [&](const Gp& d, const Xmm& x) { from_f64 ? a_.cvttsd2si(d, x) : a_.cvttss2si(d, x); };
  auto ucomi_mem = [&](const Xmm& x, double v) {
    if (from_f64) a_.ucomisd(x, const_f64(v));
    else a_.ucomiss(x, const_f32(static_cast<float>(v)));
  };
  auto ucomi_self = [&]() { from_f64 ? a_.ucomisd(s, s) : a_.ucomiss(s, s); };
  asmjit::Label done = a_.newLabel();

  if (is_signed) {
    // cvtt gives INT_MIN for NaN and out-of-range inputs; sort those out
    // from an input that truly truncates to INT_MIN.
    Gp d = to_i64 ? gp64(dst) : gp32(dst);
    cvtt(d, s);
    a_.cmp(d, 1);
    a_.jno(done);  // only INT_MIN - 1 overflows
    ucomi_self();
    jcc(CondCode::kP, invalid);
    if (!to_i64 && from_f64) {
      // Valid inputs in (-2^31 - 1, -2^31] all truncate to INT_MIN.
      ucomi_mem(s, -2147483649.0);
      jcc(CondCode::kBE, overflow);
      ucomi_mem(s, 0.0);
      jcc(CondCode::kA, overflow);
    } else {
      // Representable neighbours of -2^31 (f32) or -2^63 are an integer apart or more.
      ucomi_mem(s, to_i64 ? -9223372036854775808.0 : -2147483648.0);
      jcc(CondCode::kNE, overflow);
    }
    a_.bind(done);
    return;
  }

  if (!to_i64) {
    // Through the 64-bit conversion: a valid result has a clear upper half.
    cvtt(gp64(dst), s);
    a_.mov(r11, gp64(dst));
    a_.shr(r11, 32);
    a_.jz(done);
    ucomi_self();
    jcc(CondCode::kP, invalid);
    jmp(overflow);
    a_.bind(done);
    return;
  }

  // To u64: inputs >= 2^63 are converted after subtracting 2^63.
  asmjit::Label large = a_.newLabel();
  Gp d = gp64(dst);
  ucomi_mem(s, 9223372036854775808.0);
  jcc(CondCode::kP, invalid);
  a_.jae(large);
  cvtt(d, s);
  a_.test(d, d);
  jcc(CondCode::kS, overflow);  // inputs <= -1
  a_.jmp(done);
  a_.bind(large);
  a_.movaps(xmm15, s);
  if (from_f64) a_.subsd(xmm15, const_f64(9223372036854775808.0));
  else a_.subss(xmm15, const_f32(9223372036854775808.0f));
  cvtt(d, xmm15);
  a_.test(d, d);
  jcc(CondCode::kS, overflow);  // inputs >= 2^64
  a_.btc(d, 63);
  a_.bind(done);
}

void X64MacroAssembler::trunc_sat_to_int(Conversion conv, Reg dst, Reg src) {
  // Named copies, not a structured binding: lambdas below capture them.
  const TruncShape shape = trunc_shape(conv);
  const bool from_f64 = shape.from_f64, to_i64 = shape.to_i64, is_signed = shape.is_signed;
  Xmm s = xmm(src.code);
  auto cvtt = [&](const Gp& d, const Xmm& x) { from_f64 ? a_.cvttsd2si(d, x) : a_.cvttss2si(d, x); };
  auto ucomi = [&](const Xmm& x, const Xmm& y) { from_f64 ? a_.ucomisd(x, y) : a_.ucomiss(x, y); };
  asmjit::Label done = a_.newLabel(), zero = a_.newLabel();

  if (is_signed) {
    Gp d = to_i64 ? gp64(dst) : gp32(dst);
    cvtt(d, s);
    a_.cmp(d, 1);
    a_.jno(done);
    ucomi(s, s);
    a_.jp(zero);
    a_.xorps(xmm15, xmm15);
    ucomi(s, xmm15);
    a_.jb(done);  // negative: INT_MIN is the saturated value
    a_.not_(d);   // positive: INT_MAX
    a_.jmp(done);
    a_.bind(zero);
    a_.xor_(gp32(dst), gp32(dst));
    a_.bind(done);
    return;
  }

  if (!to_i64) {
    asmjit::Label max = a_.newLabel();
    cvtt(gp64(dst), s);
    a_.mov(r11, gp64(dst));
    a_.shr(r11, 32);
    a_.jz(done);
    a_.xorps(xmm15, xmm15);
    ucomi(s, xmm15);
    a_.ja(max);  // NaN and negatives fall through to zero
    a_.xor_(gp32(dst), gp32(dst));
    a_.jmp(done);
    a_.bind(max);
    a_.mov(gp32(dst), -1);
    a_.bind(done);
    return;
  }

  asmjit::Label large = a_.newLabel(), max = a_.newLabel();
  Gp d = gp64(dst);
  if (from_f64) a_.ucomisd(s, const_f64(9223372036854775808.0));
  else a_.ucomiss(s, const_f32(9223372036854775808.0f));
  a_.jp(zero);
  a_.jae(large);
  cvtt(d, s);
  a_.test(d, d);
  a_.jns(done);
  a_.jmp(zero);  // negative inputs
  a_.bind(large);
  a_.movaps(xmm15, s);
  if (from_f64) a_.subsd(xmm15, const_f64(9223372036854775808.0));
  else a_.subss(xmm15, const_f32(9223372036854775808.0f));
  cvtt(d, xmm15);
  a_.test(d, d);
  a_.js(max);
  a_.btc(d, 63);
  a_.jmp(done);
  a_.bind(max);
  a_.mov(d, -1);
  a_.jmp(done);
  a_.bind(zero);
  a_.xor_(gp32(dst), gp32(dst));
  a_.bind(done);
}

void X64MacroAssembler::convert(Conversion conv, Reg dst, Reg src, Label invalid, Label overflow) {
  using C = Conversion;
  switch (conv) {
    case C::I32WrapI64: a_.mov(gp32(dst), gp32(src)); break;
    case C::I64ExtendI32S: a_.movsxd(gp64(dst), gp32(src)); break;
    case C::I64ExtendI32U: a_.mov(gp32(dst), gp32(src)); break;
    case C::I32TruncF32S: case C::I32TruncF32U: case C::I32TruncF64S: case C::I32TruncF64U:
    case C::I64TruncF32S: case C::I64TruncF32U: case C::I64TruncF64S: case C::I64TruncF64U:
      trunc_to_int(conv, dst, src, invalid, overflow);
      break;
    case C::I32TruncSatF32S: case C::I32TruncSatF32U: case C::I32TruncSatF64S: case C::I32TruncSatF64U:
    case C::I64TruncSatF32S: case C::I64TruncSatF32U: case C::I64TruncSatF64S: case C::I64TruncSatF64U:
      trunc_sat_to_int(conv, dst, src);
      break;
    // An i32 in a register is zero-extended, so the 64-bit signed conversion
    // is exact for u32 too. xorps breaks the dependency on dst's old value.
    case C::F32ConvertI32S: a_.xorps(xmm(dst.code), xmm(dst.code)); a_.cvtsi2ss(xmm(dst.code), gp32(src)); break;
    case C::F32ConvertI32U: a_.xorps(xmm(dst.code), xmm(dst.code)); a_.cvtsi2ss(xmm(dst.code), gp64(src)); break;
    case C::F32ConvertI64S: a_.xorps(xmm(dst.code), xmm(dst.code)); a_.cvtsi2ss(xmm(dst.code), gp64(src)); break;
    case C::F32ConvertI64U: convert_u64_to_float(false, dst, src); break;
    case C::F64ConvertI32S: a_.xorps(xmm(dst.code), xmm(dst.code)); a_.cvtsi2sd(xmm(dst.code), gp32(src)); break;
    case C::F64ConvertI32U: a_.xorps(xmm(dst.code), xmm(dst.code)); a_.cvtsi2sd(xmm(dst.code), gp64(src)); break;
    case C::F64ConvertI64S: a_.xorps(xmm(dst.code), xmm(dst.code)); a_.cvtsi2sd(xmm(dst.code), gp64(src)); break;
    case C::F64ConvertI64U: convert_u64_to_float(true, dst, src); break;
    case C::F32DemoteF64:
      a_.cvtsd2ss(xmm(dst.code), xmm(src.code));
      break;
    case C::F64PromoteF32:
      a_.cvtss2sd(xmm(dst.code), xmm(src.code));
      break;
    case C::I32ReinterpretF32: a_.movd(gp32(dst), xmm(src.code)); break;
    case C::I64ReinterpretF64: a_.movq(gp64(dst), xmm(src.code)); break;
    case C::F32ReinterpretI32: a_.movd(xmm(dst.code), gp32(src)); break;
    case C::F64ReinterpretI64: a_.movq(xmm(dst.code), gp64(src)); break;
  }
}

}  // namespace detwasm::jit::x64

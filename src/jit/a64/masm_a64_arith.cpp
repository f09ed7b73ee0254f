// AArch64 MacroAssembler: integer and floating-point arithmetic, conversions.
#include <cstring>
#include <stdexcept>

#include "jit/a64/masm_a64.hpp"
#include "jit/trunc_shape.hpp"

namespace detwasm::jit::a64 {

using namespace asmjit;
using namespace asmjit::a64;

namespace {

bool is_saturating(Conversion c) {
  return c >= Conversion::I32TruncSatF32S && c <= Conversion::I64TruncSatF64U;
}

}  // namespace

// ---- Integers ------------------------------------------------------------------------

void A64MacroAssembler::int_binop(IntBinOp op, Width wd, Reg dst, Reg lhs, Reg rhs) {
  Gp dd = gp(wd, dst), l = gp(wd, lhs), r = gp(wd, rhs);
  switch (op) {
    case IntBinOp::Add: a_.add(dd, l, r); break;
    case IntBinOp::Sub: a_.sub(dd, l, r); break;
    case IntBinOp::Mul: a_.mul(dd, l, r); break;
    case IntBinOp::And: a_.and_(dd, l, r); break;
    case IntBinOp::Or: a_.orr(dd, l, r); break;
    case IntBinOp::Xor: a_.eor(dd, l, r); break;
    // The register forms take the count modulo the width, as Wasm does.
    case IntBinOp::Shl: a_.lsl(dd, l, r); break;
    case IntBinOp::ShrS: a_.asr(dd, l, r); break;
    case IntBinOp::ShrU: a_.lsr(dd, l, r); break;
    case IntBinOp::Rotr: a_.ror(dd, l, r); break;
    case IntBinOp::Rotl: {
      Gp k = wd == Width::W32 ? Gp(w16) : Gp(x16);
      a_.neg(k, r);
      a_.ror(dd, l, k);
      break;
    }
  }
  pending_compare_.valid = false;
}

void A64MacroAssembler::int_binop_imm(IntBinOp op, Width wd, Reg dst, Reg lhs, int32_t imm) {
  Gp dd = gp(wd, dst), l = gp(wd, lhs);
  uint32_t bits = wd == Width::W32 ? 32 : 64;
  int64_t v = imm;
  switch (op) {
    case IntBinOp::Shl:
    case IntBinOp::ShrS:
    case IntBinOp::ShrU:
    case IntBinOp::Rotr:
    case IntBinOp::Rotl: {
      uint32_t count = static_cast<uint32_t>(imm) & (bits - 1);
      if (count == 0) {
        move(wd == Width::W32 ? ValType::I32 : ValType::I64, dst, lhs);
        break;
      }
      if (op == IntBinOp::Shl) a_.lsl(dd, l, Imm(count));
      else if (op == IntBinOp::ShrS) a_.asr(dd, l, Imm(count));
      else if (op == IntBinOp::ShrU) a_.lsr(dd, l, Imm(count));
      else if (op == IntBinOp::Rotr) a_.ror(dd, l, Imm(count));
      else a_.ror(dd, l, Imm(bits - count));
      break;
    }
    case IntBinOp::Add:
    case IntBinOp::Sub: {
      int64_t add = op == IntBinOp::Add ? v : -v;
      if (add >= 0 && add < 4096) {
        a_.add(dd, l, Imm(add));
      } else if (add < 0 && add > -4096) {
        a_.sub(dd, l, Imm(-add));
      } else {
        Gp k = wd == Width::W32 ? Gp(w16) : Gp(x16);
        mov_imm(k, static_cast<uint64_t>(v));
        if (op == IntBinOp::Add) a_.add(dd, l, k);
        else a_.sub(dd, l, k);
      }
      break;
    }
    default: {
      Gp k = wd == Width::W32 ? Gp(w16) : Gp(x16);
      mov_imm(k, static_cast<uint64_t>(v));
      switch (op) {
        case IntBinOp::Mul: a_.mul(dd, l, k); break;
        case IntBinOp::And: a_.and_(dd, l, k); break;
        case IntBinOp::Or: a_.orr(dd, l, k); break;
        default: a_.eor(dd, l, k); break;
      }
      break;
    }
  }
  pending_compare_.valid = false;
}

void A64MacroAssembler::int_div(IntDivOp op, Width wd, Reg dst, Reg lhs, Reg rhs, Label div_by_zero,
                                Label overflow) {
  // sdiv and udiv never fault (x / 0 is 0 there): the checks are explicit.
  Gp dd = gp(wd, dst), l = gp(wd, lhs), r = gp(wd, rhs);
  Gp q = wd == Width::W32 ? Gp(w16) : Gp(x16);
  a_.cmp(r, Imm(0));
  bcond(Cond::EQ, div_by_zero);
  bool is_signed = op == IntDivOp::DivS || op == IntDivOp::RemS;
  if (op == IntDivOp::DivS) {
    // INT_MIN / -1 overflows. (For rem, sdiv gives INT_MIN and the msub 0.)
    Gp k = wd == Width::W32 ? Gp(w17) : Gp(x17);
    asmjit::Label plain = a_.newLabel();
    a_.cmn(r, Imm(1));
    a_.b_ne(plain);
    mov_imm(k, wd == Width::W32 ? 0x80000000u : 0x8000000000000000ull);
    a_.cmp(l, k);
    bcond(Cond::EQ, overflow);
    a_.bind(plain);
  }
  if (is_signed) a_.sdiv(q, l, r);
  else a_.udiv(q, l, r);
  if (op == IntDivOp::DivS || op == IntDivOp::DivU) a_.mov(dd, q);
  else a_.msub(dd, q, r, l);
  pending_compare_.valid = false;
}

void A64MacroAssembler::int_unop(IntUnOp op, Width wd, Reg dst, Reg src) {
  Gp dd = gp(wd, dst), sr = gp(wd, src);
  switch (op) {
    case IntUnOp::Clz: a_.clz(dd, sr); break;
    case IntUnOp::Ctz: {
      Gp k = wd == Width::W32 ? Gp(w16) : Gp(x16);
      a_.rbit(k, sr);
      a_.clz(dd, k);
      break;
    }
    case IntUnOp::Popcnt:
      // No scalar popcount in the base ISA: count bytes in a vector register.
      if (wd == Width::W32) a_.fmov(s31, sr);
      else a_.fmov(d31, sr);
      a_.cnt(v31.b8(), v31.b8());
      a_.addv(b31, v31.b8());
      a_.fmov(w(dst), s31);
      break;
    case IntUnOp::Extend8S: a_.sxtb(dd, w(src)); break;
    case IntUnOp::Extend16S: a_.sxth(dd, w(src)); break;
    case IntUnOp::Extend32S: a_.sxtw(x(dst), w(src)); break;
  }
  pending_compare_.valid = false;
}

void A64MacroAssembler::int_eqz(Width wd, Reg dst, Reg src) {
  compare_imm(wd, src, 0);
  cset(IntCond::Eq, dst);
}

void A64MacroAssembler::int_compare(IntCond c, Width wd, Reg dst, Reg lhs, Reg rhs) {
  emit32(word::cmp(wd == Width::W64, lhs.code, rhs.code));
  cset(c, dst);
}

void A64MacroAssembler::int_compare_imm(IntCond c, Width wd, Reg dst, Reg lhs, int32_t imm) {
  compare_imm(wd, lhs, imm);
  cset(c, dst);
}

// ---- Floating point ---------------------------------------------------------------------

void A64MacroAssembler::float_binop(FloatBinOp op, ValType t, Reg dst, Reg lhs, Reg rhs) {
  Vec dd = fp(t, dst), l = fp(t, lhs), r = fp(t, rhs);
  switch (op) {
    case FloatBinOp::Add: a_.fadd(dd, l, r); break;
    case FloatBinOp::Sub: a_.fsub(dd, l, r); break;
    case FloatBinOp::Mul: a_.fmul(dd, l, r); break;
    case FloatBinOp::Div: a_.fdiv(dd, l, r); break;
    // fmin/fmax order -0 below +0 and give the default NaN for a NaN
    // operand, as Wasm (with canonical NaNs) wants.
    case FloatBinOp::Min: a_.fmin(dd, l, r); break;
    case FloatBinOp::Max: a_.fmax(dd, l, r); break;
    case FloatBinOp::Copysign: {
      // Bitwise, so NaN payloads stay: lhs without its sign, rhs's sign.
      bool f64 = t == ValType::F64;
      Gp a = f64 ? Gp(x16) : Gp(w16), b = f64 ? Gp(x17) : Gp(w17);
      a_.fmov(a, l);
      a_.fmov(b, r);
      a_.lsr(b, b, Imm(f64 ? 63 : 31));
      a_.bfi(a, b, Imm(f64 ? 63 : 31), Imm(1));
      a_.fmov(dd, a);
      break;
    }
  }
}

void A64MacroAssembler::float_unop(FloatUnOp op, ValType t, Reg dst, Reg src) {
  Vec dd = fp(t, dst), sr = fp(t, src);
  switch (op) {
    case FloatUnOp::Abs: a_.fabs(dd, sr); break;  // sign-bit operations: payloads stay
    case FloatUnOp::Neg: a_.fneg(dd, sr); break;
    case FloatUnOp::Sqrt: a_.fsqrt(dd, sr); break;
    case FloatUnOp::Ceil: a_.frintp(dd, sr); break;
    case FloatUnOp::Floor: a_.frintm(dd, sr); break;
    case FloatUnOp::Trunc: a_.frintz(dd, sr); break;
    case FloatUnOp::Nearest: a_.frintn(dd, sr); break;  // ties to even
  }
}

void A64MacroAssembler::float_compare(FloatCond c, ValType t, Reg dst, Reg lhs, Reg rhs) {
  a_.fcmp(fp(t, lhs), fp(t, rhs));
  a_.cset(w(dst), Imm(cc(cond_of(c))));
  pending_compare_.valid = false;
}

// ---- Conversions --------------------------------------------------------------------------

void A64MacroAssembler::trunc_to_int(Conversion conv, Reg dst, Reg src, Label invalid, Label overflow) {
  // fcvtz[su] saturates; Wasm's trapping forms check the range first. The
  // input is in range iff lo < x < hi, both bounds exact in the source type.
  const TruncShape shape = trunc_shape(conv);
  Vec in = shape.from_f64 ? d(src) : s(src);
  Vec k = shape.from_f64 ? Vec(d31) : Vec(s31);
  double lo, hi;
  if (!shape.is_signed) {
    lo = -1.0;
    hi = shape.to_i64 ? 18446744073709551616.0 : 4294967296.0;
  } else if (shape.to_i64) {
    lo = shape.from_f64 ? -9223372036854777856.0 : -9223373136366403584.0;
    hi = 9223372036854775808.0;
  } else {
    lo = shape.from_f64 ? -2147483649.0 : -2147483904.0;
    hi = 2147483648.0;
  }
  auto load_bound = [&](double v) {
    uint64_t bits;
    if (shape.from_f64) {
      std::memcpy(&bits, &v, 8);
      mov_imm(x16, bits);
      a_.fmov(d31, x16);
    } else {
      float f = static_cast<float>(v);
      uint32_t b32;
      std::memcpy(&b32, &f, 4);
      mov_imm(w16, b32);
      a_.fmov(s31, w16);
    }
  };
  a_.fcmp(in, in);
  bcond(Cond::VS, invalid);
  load_bound(lo);
  a_.fcmp(in, k);
  bcond(Cond::LS, overflow);
  load_bound(hi);
  a_.fcmp(in, k);
  bcond(Cond::GE, overflow);
  Gp dd = shape.to_i64 ? x(dst) : w(dst);
  if (shape.is_signed) a_.fcvtzs(dd, in);
  else a_.fcvtzu(dd, in);
}

void A64MacroAssembler::convert(Conversion conv, Reg dst, Reg src, Label invalid, Label overflow) {
  pending_compare_.valid = false;
  if ((conv >= Conversion::I32TruncF32S && conv <= Conversion::I64TruncF64U)) {
    trunc_to_int(conv, dst, src, invalid, overflow);
    return;
  }
  if (is_saturating(conv)) {
    // NaN to 0 and saturation: exactly what fcvtz[su] does.
    TruncShape shape = trunc_shape(conv);
    Vec sv = shape.from_f64 ? d(src) : s(src);
    Gp dd = shape.to_i64 ? x(dst) : w(dst);
    if (shape.is_signed) a_.fcvtzs(dd, sv);
    else a_.fcvtzu(dd, sv);
    return;
  }
  switch (conv) {
    case Conversion::I32WrapI64: a_.mov(w(dst), w(src)); break;
    case Conversion::I64ExtendI32S: a_.sxtw(x(dst), w(src)); break;
    case Conversion::I64ExtendI32U: a_.mov(w(dst), w(src)); break;
    case Conversion::F32ConvertI32S: a_.scvtf(s(dst), w(src)); break;
    case Conversion::F32ConvertI32U: a_.ucvtf(s(dst), w(src)); break;
    case Conversion::F32ConvertI64S: a_.scvtf(s(dst), x(src)); break;
    case Conversion::F32ConvertI64U: a_.ucvtf(s(dst), x(src)); break;
    case Conversion::F64ConvertI32S: a_.scvtf(d(dst), w(src)); break;
    case Conversion::F64ConvertI32U: a_.ucvtf(d(dst), w(src)); break;
    case Conversion::F64ConvertI64S: a_.scvtf(d(dst), x(src)); break;
    case Conversion::F64ConvertI64U: a_.ucvtf(d(dst), x(src)); break;
    case Conversion::F32DemoteF64: a_.fcvt(s(dst), d(src)); break;
    case Conversion::F64PromoteF32: a_.fcvt(d(dst), s(src)); break;
    case Conversion::I32ReinterpretF32: a_.fmov(w(dst), s(src)); break;
    case Conversion::I64ReinterpretF64: a_.fmov(x(dst), d(src)); break;
    case Conversion::F32ReinterpretI32: a_.fmov(s(dst), w(src)); break;
    case Conversion::F64ReinterpretI64: a_.fmov(d(dst), x(src)); break;
    default: throw std::logic_error("unhandled conversion");
  }
}

}  // namespace detwasm::jit::a64

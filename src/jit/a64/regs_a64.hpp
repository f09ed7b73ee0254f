// Register names and condition codes shared by the AArch64 backend's files.
//
// Register use (AAPCS64 otherwise): x28 context, x27 memory 0 base, x26
// stack budget, x25 gas (pinned, abi.hpp; callee-saved in C, so builtins
// and host calls keep them); x15 the argument area's bottom at a Wasm call;
// x16, x17 and v31 this backend's scratch registers; x18 the platform's;
// x29 frame pointer, x30 link register. The compiler allocates x0-x14,
// x19-x24, v0-v7 and v16-v30 (v8-v15 are callee-saved in C and left alone,
// so the entry trampoline need not save them).
#pragma once

#include <asmjit/arm/a64assembler.h>

#include "jit/masm.hpp"

namespace detwasm::jit::a64 {

namespace aj = asmjit::a64;

constexpr uint8_t kAreaCode = 15;
constexpr uint8_t kScratch0Code = 16;
constexpr uint8_t kScratch1Code = 17;
constexpr uint8_t kGasCode = 25;
constexpr uint8_t kFramePointerCode = 29;

inline const aj::Gp kArea = aj::x15;
inline const aj::Gp kScratch0 = aj::x16;
inline const aj::Gp kScratch1 = aj::x17;
inline const aj::Gp kGas = aj::x25;
inline const aj::Gp kBudget = aj::x26;
inline const aj::Gp kMemoryBase = aj::x27;
inline const aj::Gp kContext = aj::x28;
inline const aj::Gp kFp = aj::x29;
inline const aj::Gp kLr = aj::x30;

// FPCR while Wasm runs: round to nearest, no flush to zero, no exception
// traps, and default-NaN mode (bit 25), in which every NaN that arithmetic
// makes is the canonical NaN Wasm wants here.
constexpr uint64_t kWasmFpcr = uint64_t{1} << 25;
// What host code runs with (Linux's initial FPCR).
constexpr uint64_t kHostFpcr = 0;

inline aj::Gp w(Reg r) { return aj::w(r.code); }
inline aj::Gp x(Reg r) { return aj::x(r.code); }
inline aj::Gp gp(Width wd, Reg r) { return wd == Width::W32 ? aj::Gp(aj::w(r.code)) : aj::Gp(aj::x(r.code)); }
inline aj::Vec d(Reg r) { return aj::d(r.code); }
inline aj::Vec s(Reg r) { return aj::s(r.code); }
inline aj::Vec fp(ValType t, Reg r) { return t == ValType::F32 ? aj::Vec(aj::s(r.code)) : aj::Vec(aj::d(r.code)); }

// Condition field values of the A64 encoding.
enum class Cond : uint8_t { EQ = 0, NE = 1, HS = 2, LO = 3, MI = 4, PL = 5, VS = 6, VC = 7,
                            HI = 8, LS = 9, GE = 10, LT = 11, GT = 12, LE = 13, AL = 14 };

constexpr Cond invert(Cond c) { return static_cast<Cond>(static_cast<uint8_t>(c) ^ 1); }

inline Cond cond_of(IntCond c) {
  switch (c) {
    case IntCond::Eq: return Cond::EQ;
    case IntCond::Ne: return Cond::NE;
    case IntCond::LtS: return Cond::LT;
    case IntCond::LtU: return Cond::LO;
    case IntCond::GtS: return Cond::GT;
    case IntCond::GtU: return Cond::HI;
    case IntCond::LeS: return Cond::LE;
    case IntCond::LeU: return Cond::LS;
    case IntCond::GeS: return Cond::GE;
    case IntCond::GeU: return Cond::HS;
  }
  return Cond::EQ;
}

// After fcmp, an unordered result sets C and V: these are false for it
// except NE, as Wasm wants.
inline Cond cond_of(FloatCond c) {
  switch (c) {
    case FloatCond::Eq: return Cond::EQ;
    case FloatCond::Ne: return Cond::NE;
    case FloatCond::Lt: return Cond::MI;
    case FloatCond::Gt: return Cond::GT;
    case FloatCond::Le: return Cond::LS;
    case FloatCond::Ge: return Cond::GE;
  }
  return Cond::EQ;
}

inline asmjit::arm::CondCode cc(Cond c) { return static_cast<asmjit::arm::CondCode>(static_cast<uint8_t>(c) + 2); }

// Instruction words this backend writes itself (branches it patches).
namespace word {
constexpr uint32_t b(int32_t imm26) { return 0x14000000u | (static_cast<uint32_t>(imm26) & 0x3FFFFFF); }
constexpr uint32_t bl(int32_t imm26) { return 0x94000000u | (static_cast<uint32_t>(imm26) & 0x3FFFFFF); }
constexpr uint32_t b_cond(Cond c, int32_t imm19) {
  return 0x54000000u | ((static_cast<uint32_t>(imm19) & 0x7FFFF) << 5) | static_cast<uint32_t>(c);
}
constexpr uint32_t adr(uint8_t rd, int32_t imm21) {
  auto u = static_cast<uint32_t>(imm21);
  return 0x10000000u | ((u & 3) << 29) | (((u >> 2) & 0x7FFFF) << 5) | rd;
}
constexpr uint32_t nop() { return 0xD503201Fu; }
constexpr uint32_t brk() { return 0xD4200000u; }
// movz/movk of a 16-bit chunk (hw: which chunk), 64-bit.
constexpr uint32_t movz(uint8_t rd, uint16_t imm, uint8_t hw) {
  return 0xD2800000u | (uint32_t{hw} << 21) | (uint32_t{imm} << 5) | rd;
}
constexpr uint32_t movk(uint8_t rd, uint16_t imm, uint8_t hw) {
  return 0xF2800000u | (uint32_t{hw} << 21) | (uint32_t{imm} << 5) | rd;
}
// subs/adds/add/sub xd, xn, #imm12 (64-bit).
constexpr uint32_t subs_imm(uint8_t rd, uint8_t rn, uint32_t imm12) {
  return 0xF1000000u | (imm12 << 10) | (uint32_t{rn} << 5) | rd;
}

// The instructions the compiler emits most, encoded directly (as asmjit
// would: a test compares them): register numbers 0-30, 31 meaning sp for a
// base or an add/sub operand and zr elsewhere.
enum class LoadStore : uint8_t { LdrW, LdrX, LdrS, LdrD, StrW, StrX, StrS, StrD };
constexpr uint32_t kLoadStoreScaled[] = {0xB9400000u, 0xF9400000u, 0xBD400000u, 0xFD400000u,
                                         0xB9000000u, 0xF9000000u, 0xBD000000u, 0xFD000000u};
constexpr uint32_t kLoadStoreUnscaled[] = {0xB8400000u, 0xF8400000u, 0xBC400000u, 0xFC400000u,
                                           0xB8000000u, 0xF8000000u, 0xBC000000u, 0xFC000000u};
constexpr uint32_t access_size(LoadStore op) {
  return op == LoadStore::LdrX || op == LoadStore::LdrD || op == LoadStore::StrX || op == LoadStore::StrD ? 8 : 4;
}
// [rn + offset] when some form encodes it; 0 when none does.
constexpr uint32_t load_store(LoadStore op, uint8_t rt, uint8_t rn, int64_t offset) {
  uint32_t size = access_size(op);
  auto k = static_cast<size_t>(op);
  if (offset >= 0 && offset % size == 0 && offset / size < 4096)
    return kLoadStoreScaled[k] | (static_cast<uint32_t>(offset / size) << 10) | (uint32_t{rn} << 5) | rt;
  if (offset >= -256 && offset < 256)
    return kLoadStoreUnscaled[k] | ((static_cast<uint32_t>(offset) & 0x1FF) << 12) | (uint32_t{rn} << 5) | rt;
  return 0;
}
constexpr uint32_t mov(bool x64, uint8_t rd, uint8_t rm) {
  return (x64 ? 0xAA0003E0u : 0x2A0003E0u) | (uint32_t{rm} << 16) | rd;
}
constexpr uint32_t fmov_d(uint8_t rd, uint8_t rn) { return 0x1E604000u | (uint32_t{rn} << 5) | rd; }
// add/sub rd, rn, #imm12 (imm12 < 4096).
constexpr uint32_t add_imm(bool x64, bool sub, uint8_t rd, uint8_t rn, uint32_t imm12) {
  return (x64 ? 0x91000000u : 0x11000000u) | (sub ? 0x40000000u : 0) | (imm12 << 10) | (uint32_t{rn} << 5) | rd;
}
// cmp rn, #imm12 (cmn when negated).
constexpr uint32_t cmp_imm(bool x64, bool cmn, uint8_t rn, uint32_t imm12) {
  return ((x64 ? 0xF100001Fu : 0x7100001Fu) ^ (cmn ? 0x40000000u : 0)) | (imm12 << 10) | (uint32_t{rn} << 5);
}
constexpr uint32_t cmp(bool x64, uint8_t rn, uint8_t rm) {
  return (x64 ? 0xEB00001Fu : 0x6B00001Fu) | (uint32_t{rm} << 16) | (uint32_t{rn} << 5);
}
}  // namespace word

}  // namespace detwasm::jit::a64

// Register names and condition codes shared by the x86-64 backend's files.
#pragma once

#include <asmjit/x86.h>

#include "jit/masm.hpp"

namespace detwasm::jit::x64 {

inline const asmjit::x86::Gp kContextReg = asmjit::x86::r15;
inline const asmjit::x86::Gp kMemoryBaseReg = asmjit::x86::r14;
inline const asmjit::x86::Gp kBudgetReg = asmjit::x86::r13;
inline const asmjit::x86::Gp kGasReg = asmjit::x86::r12;
constexpr uint8_t kFramePointerCode = 5;  // rbp
constexpr uint8_t kGasCode = 12;          // r12, as kGasReg
constexpr uint8_t kContextCode = 15;      // r15, as kContextReg
constexpr uint8_t kMemoryBaseCode = 14;   // r14, as kMemoryBaseReg
constexpr uint8_t kScratchCode = 11;      // r11
// A segment's gas charge: sub r12, imm32 (7 bytes); jb rel32 (6).
constexpr uint32_t kGasChargeSize = 13;

inline asmjit::x86::Gp gp32(Reg r) { return asmjit::x86::gpd(r.code); }
inline asmjit::x86::Gp gp64(Reg r) { return asmjit::x86::gpq(r.code); }
inline asmjit::x86::Gp gp(Width w, Reg r) { return w == Width::W32 ? gp32(r) : gp64(r); }
inline asmjit::x86::Xmm xmm(uint8_t code) { return asmjit::x86::xmm(code); }

inline asmjit::x86::CondCode cond_code(IntCond c) {
  using asmjit::x86::CondCode;
  switch (c) {
    case IntCond::Eq: return CondCode::kEqual;
    case IntCond::Ne: return CondCode::kNotEqual;
    case IntCond::LtS: return CondCode::kSignedLT;
    case IntCond::LtU: return CondCode::kUnsignedLT;
    case IntCond::GtS: return CondCode::kSignedGT;
    case IntCond::GtU: return CondCode::kUnsignedGT;
    case IntCond::LeS: return CondCode::kSignedLE;
    case IntCond::LeU: return CondCode::kUnsignedLE;
    case IntCond::GeS: return CondCode::kSignedGE;
    case IntCond::GeU: return CondCode::kUnsignedGE;
  }
  return CondCode::kEqual;
}

}  // namespace detwasm::jit::x64

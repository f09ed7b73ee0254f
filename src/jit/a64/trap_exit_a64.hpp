// The one way AArch64 compiled code leaves for a trap, shared by the
// modules' trap stubs and the host adapter: record the frames (while they
// are intact), then continue at the entry trampoline's trap exit.
#pragma once

#include "jit/a64/regs_a64.hpp"
#include "jit/abi.hpp"

namespace detwasm::jit::a64 {

// Expects the trap code in w0, a context in x28, the innermost frame in x29
// and in x2 an address inside the instruction that trapped in it (0 if x29
// is not a Wasm frame's). x19 is free: the Wasm state is abandoned. sp is
// 16-byte aligned, as always.
inline void emit_trap_exit(aj::Assembler& a) {
  using namespace asmjit;
  using namespace asmjit::a64;
  asmjit::Label unwind = a.newLabel();
  a.mov(w19, w0);
  a.ldr(x0, ptr(kContext, off::kCtxExec));
  a.ldr(x9, ptr(x0, off::kExecRecordFrames));
  a.cbz(x9, unwind);
  a.mov(x1, kFp);
  a.blr(x9);
  a.bind(unwind);
  a.mov(w0, w19);
  a.ldr(x9, ptr(kContext, off::kCtxExec));
  a.ldr(x10, ptr(x9, off::kExecExitSp));
  a.mov(sp, x10);
  a.ldr(x10, ptr(x9, off::kExecExitPc));
  a.br(x10);
}

}  // namespace detwasm::jit::a64

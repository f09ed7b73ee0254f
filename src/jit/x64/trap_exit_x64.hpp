// The one way compiled code leaves for a trap, shared by the modules' trap
// stubs and the host adapter: record the frames (while they are intact below
// rsp), then continue at the entry trampoline's trap exit.
#pragma once

#include <asmjit/x86.h>

#include "jit/abi.hpp"
#include "jit/x64/regs_x64.hpp"

namespace detwasm::jit::x64 {

// Expects the trap code in eax, a context in r15, the innermost frame in
// rbp and in rdx an address inside the instruction that trapped in it (0 if
// rbp is not a Wasm frame's). rbx is free: the Wasm state is abandoned.
inline void emit_trap_exit(asmjit::x86::Assembler& a) {
  using namespace asmjit::x86;
  asmjit::Label unwind = a.newLabel();
  a.mov(ebx, eax);
  a.mov(rdi, qword_ptr(kContextReg, off::kCtxExec));
  a.cmp(qword_ptr(rdi, off::kExecRecordFrames), 0);
  a.je(unwind);
  a.mov(rsi, rbp);
  a.and_(rsp, -16);
  a.call(qword_ptr(rdi, off::kExecRecordFrames));
  a.bind(unwind);
  a.mov(eax, ebx);
  a.mov(rcx, qword_ptr(kContextReg, off::kCtxExec));
  a.mov(rsp, qword_ptr(rcx, off::kExecExitSp));
  a.jmp(qword_ptr(rcx, off::kExecExitPc));
}

}  // namespace detwasm::jit::x64

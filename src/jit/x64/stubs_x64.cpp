// The x86-64 entry trampoline and host adapter (abi.hpp states the contract),
// as assembly. The engine runs the bytes kept in runtime_stubs_x64_code.cpp,
// so that a build without asmjit has them too; a test checks that they are
// what this assembles to (and rewrites them when blessed).
#include <asmjit/x86.h>

#include "jit/code_buffer.hpp"
#include "jit/runtime_stubs.hpp"
#include "jit/x64/regs_x64.hpp"
#include "jit/x64/trap_exit_x64.hpp"

namespace detwasm::jit {

using namespace asmjit;
using namespace asmjit::x86;

namespace {

constexpr uint32_t kMxcsrDefault = 0x1F80;  // all exceptions masked, round to nearest, no FTZ/DAZ

// Trampoline frame, below its rbp: r15 and the entry marker where a Wasm
// frame keeps its context and function index (abi.hpp), the other
// callee-saved registers, then what the exit restores.
constexpr int32_t kSavedExitSp = -56;
constexpr int32_t kSavedExitPc = -64;
constexpr int32_t kSavedBudget = -72;
constexpr int32_t kSavedValues = -80;
constexpr int32_t kSavedNumResults = -88;
constexpr int32_t kSavedContext = -96;
constexpr int32_t kSavedMxcsr = -104;
constexpr int32_t kSavedRegistersEnd = -48;  // rsp after the callee-saved pushes

// uint32_t entry(void* context, const void* code, uint64_t* values,
//                uint64_t num_params, uint64_t num_results, uint8_t* stack_top)
void emit_entry(Assembler& a, asmjit::Label trap_exit, asmjit::Label mxcsr_default) {
  asmjit::Label copy_args = a.newLabel(), args_done = a.newLabel();
  asmjit::Label copy_results = a.newLabel(), results_done = a.newLabel(), exit = a.newLabel();

  a.push(rbp);
  a.mov(rbp, rsp);
  a.push(r15);
  a.push(static_cast<int32_t>(frame::kEntryFrame));
  a.push(rbx);
  a.push(r12);
  a.push(r13);
  a.push(r14);
  a.mov(r15, rdi);
  a.mov(rbx, qword_ptr(r15, off::kCtxExec));
  // What a nested entry must give back to the one it runs inside.
  a.push(qword_ptr(rbx, off::kExecExitSp));
  a.push(qword_ptr(rbx, off::kExecExitPc));
  a.push(qword_ptr(rbx, off::kExecStackBudget));
  a.push(rdx);
  a.push(r8);
  a.push(rdi);
  a.sub(rsp, 8);
  a.stmxcsr(dword_ptr(rbp, kSavedMxcsr));
  a.ldmxcsr(dword_ptr(mxcsr_default));
  a.mov(r13, qword_ptr(rbx, off::kExecStackBudget));

  // The stack to run on: a fresh one, or this one (re-entry from a host).
  a.test(r9, r9);
  a.cmovz(r9, rsp);
  a.and_(r9, -16);
  a.lea(r10, qword_ptr(r9, -8));  // the trap exit's stack pointer; holds our rbp
  a.mov(qword_ptr(r10), rbp);
  a.mov(rax, rcx);                // area slots: max(params, results)
  a.cmp(rax, r8);
  a.cmovb(rax, r8);

  // Argument i goes to area slot i, at r10 - 8 - 8i.
  a.xor_(r11d, r11d);
  a.bind(copy_args);
  a.cmp(r11, rcx);
  a.jae(args_done);
  a.mov(rdi, qword_ptr(rdx, r11, 3));
  a.mov(r9, r11);
  a.neg(r9);
  a.mov(qword_ptr(r10, r9, 3, -8), rdi);
  a.inc(r11);
  a.jmp(copy_args);
  a.bind(args_done);

  a.mov(qword_ptr(rbx, off::kExecExitSp), r10);
  a.lea(r11, ptr(trap_exit));
  a.mov(qword_ptr(rbx, off::kExecExitPc), r11);
  a.shl(rax, 3);
  a.mov(rsp, r10);
  a.sub(rsp, rax);
  a.mov(r12, qword_ptr(rbx, off::kExecGas));
  a.mov(r11, r15);  // the caller's context, should the callee be the host adapter
  a.call(rsi);

  // Returned normally: compiled code restored rbp; results are in the area.
  a.mov(rbx, qword_ptr(rbp, kSavedContext));
  a.mov(rbx, qword_ptr(rbx, off::kCtxExec));
  a.mov(r10, qword_ptr(rbx, off::kExecExitSp));
  a.mov(rdx, qword_ptr(rbp, kSavedValues));
  a.mov(r8, qword_ptr(rbp, kSavedNumResults));
  a.xor_(r11d, r11d);
  a.bind(copy_results);
  a.cmp(r11, r8);
  a.jae(results_done);
  a.mov(r9, r11);
  a.neg(r9);
  a.mov(rdi, qword_ptr(r10, r9, 3, -8));
  a.mov(qword_ptr(rdx, r11, 3), rdi);
  a.inc(r11);
  a.jmp(copy_results);
  a.bind(results_done);
  a.xor_(eax, eax);
  a.jmp(exit);

  // A trap stub or the fault handler set rsp to the saved exit_sp and eax
  // to the trap code.
  a.bind(trap_exit);
  a.mov(rbp, qword_ptr(rsp));

  a.bind(exit);
  a.mov(rcx, qword_ptr(rbp, kSavedContext));
  a.mov(rcx, qword_ptr(rcx, off::kCtxExec));
  a.mov(qword_ptr(rcx, off::kExecGas), r12);  // gas spent stays spent, trap or not
  a.mov(rdx, qword_ptr(rbp, kSavedExitSp));
  a.mov(qword_ptr(rcx, off::kExecExitSp), rdx);
  a.mov(rdx, qword_ptr(rbp, kSavedExitPc));
  a.mov(qword_ptr(rcx, off::kExecExitPc), rdx);
  a.mov(rdx, qword_ptr(rbp, kSavedBudget));
  a.mov(qword_ptr(rcx, off::kExecStackBudget), rdx);
  a.ldmxcsr(dword_ptr(rbp, kSavedMxcsr));
  a.lea(rsp, qword_ptr(rbp, kSavedRegistersEnd));
  a.pop(r14);
  a.pop(r13);
  a.pop(r12);
  a.pop(rbx);
  a.mov(r15, qword_ptr(rbp, -8));
  a.leave();
  a.ret();
}

// Entered like a compiled function through a funcref: rax holds the
// JitFuncRef*, r11 the caller's context, r15 the funcref's context; the
// argument area is above the return address.
void emit_host_adapter(Assembler& a) {
  asmjit::Label trap = a.newLabel(), exhausted = a.newLabel();
  a.push(rbp);
  a.mov(rbp, rsp);
  a.push(r15);
  a.push(static_cast<int32_t>(frame::kHostAdapterFrame));
  // A host activation costs kFrameOverheadSlots of the budget, as in the interpreter.
  a.sub(r13, kFrameOverheadSlots);
  a.jb(exhausted);
  a.mov(rdi, qword_ptr(r15, off::kCtxExec));
  // Published for the host, which may charge gas or re-enter.
  a.mov(qword_ptr(rdi, off::kExecStackBudget), r13);
  a.mov(qword_ptr(rdi, off::kExecGas), r12);
  a.mov(rsi, rax);
  a.mov(edx, dword_ptr(rax, off::kFuncRefNumParams));
  a.mov(r8d, dword_ptr(rax, off::kFuncRefNumResults));
  a.cmp(edx, r8d);
  a.cmovb(edx, r8d);
  a.lea(rdx, qword_ptr(rbp, rdx, 3, 8));  // area slot 0: fp + 16 + 8*(K-1)
  a.mov(rcx, r11);
  a.and_(rsp, -16);
  a.call(qword_ptr(rdi, off::kExecHostCall));
  a.mov(rcx, qword_ptr(r15, off::kCtxExec));  // r15 survives the C call
  a.mov(r12, qword_ptr(rcx, off::kExecGas));
  a.add(r13, kFrameOverheadSlots);
  a.test(eax, eax);
  a.jnz(trap);
  a.leave();
  a.ret();
  a.bind(exhausted);
  a.mov(eax, encode_trap(TrapKind::StackExhausted));
  a.bind(trap);
  a.xor_(edx, edx);  // this frame is not Wasm's: the caller's frame has the call
  x64::emit_trap_exit(a);
}

}  // namespace

RuntimeStubCode assemble_x64_runtime_stubs() {
  CodeHolder code;
  code.init(Environment(asmjit::Arch::kX64));
  Assembler a(&code);
  asmjit::Label entry = a.newLabel(), host = a.newLabel(), trap_exit = a.newLabel(), mxcsr = a.newLabel();
  a.bind(entry);
  emit_entry(a, trap_exit, mxcsr);
  a.align(AlignMode::kCode, 16);
  a.bind(host);
  emit_host_adapter(a);
  a.align(AlignMode::kData, 4);
  a.bind(mxcsr);
  a.embedUInt32(kMxcsrDefault);

  return take_runtime_stub_code(code, entry, host);
}

}  // namespace detwasm::jit

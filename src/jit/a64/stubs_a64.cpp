// The AArch64 entry trampoline and host adapter (abi.hpp states the
// contract), as assembly. The engine runs the bytes kept in
// runtime_stubs_a64_code.cpp, so that a build without asmjit has them too; a
// test checks that they are what this assembles to (and rewrites them when
// blessed).
#include "jit/a64/regs_a64.hpp"
#include "jit/a64/trap_exit_a64.hpp"
#include "jit/code_buffer.hpp"
#include "jit/runtime_stubs.hpp"

namespace detwasm::jit {

using namespace asmjit;
using namespace asmjit::a64;
using a64::kArea;
using a64::kBudget;
using a64::kContext;
using a64::kFp;
using a64::kGas;

namespace {

// Trampoline frame, below its x29: the context and the entry marker where a
// Wasm frame keeps its context and function index (abi.hpp), x19-x28, then
// what the exit restores.
constexpr int32_t kSavedRegisters = -96;  // x19..x28, in pairs up to -32
constexpr int32_t kSavedExitSp = -104;
constexpr int32_t kSavedExitPc = -112;
constexpr int32_t kSavedBudget = -120;
constexpr int32_t kSavedValues = -128;
constexpr int32_t kSavedNumResults = -136;
constexpr int32_t kSavedFpcr = -144;
constexpr int32_t kFrameBytes = 144;

const Imm kFpcr(Predicate::SysReg::kFPCR);

// uint32_t entry(void* context (x0), const void* code (x1), uint64_t* values (x2),
//                uint64_t num_params (x3), uint64_t num_results (x4), uint8_t* stack_top (x5))
void emit_entry(Assembler& a, asmjit::Label trap_exit) {
  asmjit::Label copy_args = a.newLabel(), args_done = a.newLabel();
  asmjit::Label copy_results = a.newLabel(), results_done = a.newLabel(), exit = a.newLabel();

  a.stp(x29, x30, ptr_pre(sp, -16));
  a.mov(x29, sp);
  a.sub(sp, sp, Imm(kFrameBytes));
  a.mov(x9, Imm(static_cast<uint64_t>(frame::kEntryFrame)));
  a.stp(x9, x0, ptr(x29, frame::kFuncIndexOffset));
  for (int i = 0; i < 5; ++i) a.stp(x(19 + 2 * i), x(20 + 2 * i), ptr(x29, -32 - 16 * i));
  a.mov(kContext, x0);
  a.ldr(x19, ptr(kContext, off::kCtxExec));
  // What a nested entry must give back to the one it runs inside.
  a.ldr(x9, ptr(x19, off::kExecExitSp));
  a.str(x9, ptr(x29, kSavedExitSp));
  a.ldr(x9, ptr(x19, off::kExecExitPc));
  a.str(x9, ptr(x29, kSavedExitPc));
  a.ldr(kBudget, ptr(x19, off::kExecStackBudget));
  a.str(kBudget, ptr(x29, kSavedBudget));
  a.str(x2, ptr(x29, kSavedValues));
  a.str(x4, ptr(x29, kSavedNumResults));
  a.mrs(x9, kFpcr);
  a.str(x9, ptr(x29, kSavedFpcr));
  a.mov(x9, Imm(a64::kWasmFpcr));
  a.msr(kFpcr, x9);

  // The stack to run on: a fresh one, or this one (re-entry from a host).
  // x10 becomes the trap exit's stack pointer, where our x29 is kept; the
  // area of K = max(params, results) slots lies below it.
  a.mov(x9, sp);
  a.cmp(x5, Imm(0));
  a.csel(x10, x9, x5, Imm(a64::cc(a64::Cond::EQ)));
  a.and_(x10, x10, Imm(~uint64_t{15}));
  a.sub(x10, x10, Imm(16));
  a.cmp(x3, x4);
  a.csel(x11, x3, x4, Imm(a64::cc(a64::Cond::HI)));
  a.sub(kArea, x10, x11, lsl(3));
  a.and_(x9, kArea, Imm(~uint64_t{15}));
  a.mov(sp, x9);
  a.str(x29, ptr(x10));

  // Argument i goes to area slot i, at x10 - 8 - 8i.
  a.mov(x11, Imm(0));
  a.bind(copy_args);
  a.cmp(x11, x3);
  a.b_hs(args_done);
  a.ldr(x9, ptr(x2, x11, lsl(3)));
  a.sub(x12, x10, x11, lsl(3));
  a.stur(x9, ptr(x12, -8));
  a.add(x11, x11, Imm(1));
  a.b(copy_args);
  a.bind(args_done);

  a.str(x10, ptr(x19, off::kExecExitSp));
  a.adr(x9, trap_exit);
  a.str(x9, ptr(x19, off::kExecExitPc));
  a.ldr(kGas, ptr(x19, off::kExecGas));
  a.mov(x17, kContext);  // the caller's context, should the callee be the host adapter
  a.blr(x1);

  // Returned normally: results are in the area.
  a.ldr(kContext, ptr(x29, frame::kContextOffset));
  a.ldr(x19, ptr(kContext, off::kCtxExec));
  a.ldr(x10, ptr(x19, off::kExecExitSp));
  a.ldr(x2, ptr(x29, kSavedValues));
  a.ldr(x4, ptr(x29, kSavedNumResults));
  a.mov(x11, Imm(0));
  a.bind(copy_results);
  a.cmp(x11, x4);
  a.b_hs(results_done);
  a.sub(x12, x10, x11, lsl(3));
  a.ldur(x9, ptr(x12, -8));
  a.str(x9, ptr(x2, x11, lsl(3)));
  a.add(x11, x11, Imm(1));
  a.b(copy_results);
  a.bind(results_done);
  a.mov(w0, Imm(0));
  a.b(exit);

  // A trap stub or the fault handler set sp to the saved exit_sp and w0
  // to the trap code.
  a.bind(trap_exit);
  a.ldr(x29, ptr(sp));

  a.bind(exit);
  a.ldr(x9, ptr(x29, frame::kContextOffset));
  a.ldr(x9, ptr(x9, off::kCtxExec));
  a.str(kGas, ptr(x9, off::kExecGas));  // gas spent stays spent, trap or not
  a.ldr(x10, ptr(x29, kSavedExitSp));
  a.str(x10, ptr(x9, off::kExecExitSp));
  a.ldr(x10, ptr(x29, kSavedExitPc));
  a.str(x10, ptr(x9, off::kExecExitPc));
  a.ldr(x10, ptr(x29, kSavedBudget));
  a.str(x10, ptr(x9, off::kExecStackBudget));
  a.ldr(x10, ptr(x29, kSavedFpcr));
  a.msr(kFpcr, x10);
  for (int i = 0; i < 5; ++i) a.ldp(x(19 + 2 * i), x(20 + 2 * i), ptr(x29, -32 - 16 * i));
  static_assert(kSavedRegisters == -32 - 16 * 4);
  a.mov(sp, x29);
  a.ldp(x29, x30, ptr_post(sp, 16));
  a.ret(x30);
}

// Entered like a compiled function through a funcref: x16 holds the
// JitFuncRef*, x17 the caller's context, x28 the funcref's context and x15
// the argument area's bottom.
void emit_host_adapter(Assembler& a) {
  asmjit::Label trap = a.newLabel(), exhausted = a.newLabel();
  a.sub(x9, kArea, Imm(16));
  a.sub(x10, x9, Imm(16));
  a.and_(sp, x10, Imm(~uint64_t{15}));
  a.stp(x29, x30, ptr(x9));
  a.mov(x29, x9);
  a.mov(x10, Imm(static_cast<uint64_t>(frame::kHostAdapterFrame)));
  a.stp(x10, kContext, ptr(x29, frame::kFuncIndexOffset));
  // A host activation costs kFrameOverheadSlots of the budget, as in the interpreter.
  a.subs(kBudget, kBudget, Imm(kFrameOverheadSlots));
  a.b_lo(exhausted);
  a.ldr(x0, ptr(kContext, off::kCtxExec));
  // Published for the host, which may charge gas or re-enter.
  a.str(kBudget, ptr(x0, off::kExecStackBudget));
  a.str(kGas, ptr(x0, off::kExecGas));
  a.mov(x1, x16);
  a.ldr(w2, ptr(x16, off::kFuncRefNumParams));
  a.ldr(w3, ptr(x16, off::kFuncRefNumResults));
  a.cmp(w2, w3);
  a.csel(w2, w2, w3, Imm(a64::cc(a64::Cond::HI)));
  a.add(x2, x29, x2, lsl(3));  // area slot 0: fp + 16 + 8*(K-1)
  a.add(x2, x2, Imm(8));
  a.mov(x3, x17);
  // Host code runs with the host's float environment.
  a.mov(x9, Imm(a64::kHostFpcr));
  a.msr(kFpcr, x9);
  a.ldr(x9, ptr(x0, off::kExecHostCall));
  a.blr(x9);
  a.mov(x9, Imm(a64::kWasmFpcr));
  a.msr(kFpcr, x9);
  a.ldr(x9, ptr(kContext, off::kCtxExec));  // x28 survives the C call
  a.ldr(kGas, ptr(x9, off::kExecGas));
  a.add(kBudget, kBudget, Imm(kFrameOverheadSlots));
  a.cbnz(w0, trap);
  a.ldp(x29, x30, ptr(x29));
  a.ret(x30);
  a.bind(exhausted);
  a.mov(w0, Imm(encode_trap(TrapKind::StackExhausted)));
  a.bind(trap);
  a.mov(x2, Imm(0));  // this frame is not Wasm's: the caller's frame has the call
  a64::emit_trap_exit(a);
}

}  // namespace

RuntimeStubCode assemble_a64_runtime_stubs() {
  CodeHolder code;
  code.init(Environment(asmjit::Arch::kAArch64));
  Assembler a(&code);
  asmjit::Label entry = a.newLabel(), host = a.newLabel(), trap_exit = a.newLabel();
  a.bind(entry);
  emit_entry(a, trap_exit);
  a.align(AlignMode::kCode, 16);
  a.bind(host);
  emit_host_adapter(a);

  return take_runtime_stub_code(code, entry, host);
}

}  // namespace detwasm::jit

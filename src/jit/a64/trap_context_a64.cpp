// The AArch64 Linux side of the fault handler: where the pc is in a
// ucontext_t, and how to continue at the trap exit. Also which runtime
// stubs this host runs.
#include <ucontext.h>

#include "jit/abi.hpp"
#include "jit/runtime_stubs.hpp"
#include "jit/trap_handler.hpp"

namespace detwasm::jit {

const void* fault_pc(const void* ucontext) {
  auto uc = static_cast<const ucontext_t*>(ucontext);
  return reinterpret_cast<const void*>(uc->uc_mcontext.pc);
}

void resume_at_trap_exit(void* ucontext, TrapKind kind) {
  auto uc = static_cast<ucontext_t*>(ucontext);
  auto& mc = uc->uc_mcontext;
  // Compiled code keeps its context in x28, and every context starts with
  // the ExecState pointer (abi.hpp). x29 is the faulting frame's.
  auto context = reinterpret_cast<ExecState* const*>(mc.regs[28]);
  ExecState* exec = context[0];
  if (exec->record_frames) exec->record_frames(exec, static_cast<uintptr_t>(mc.regs[29]), mc.pc);
  mc.sp = exec->exit_sp;
  mc.pc = exec->exit_pc;
  mc.regs[0] = encode_trap(kind);
}

PrebuiltStubs prebuilt_runtime_stubs() { return prebuilt_a64_runtime_stubs(); }

}  // namespace detwasm::jit

// The x86-64 Linux side of the fault handler: where the pc is in a
// ucontext_t, and how to continue at the trap exit. Also which runtime
// stubs this host runs.
#include <ucontext.h>

#include "jit/abi.hpp"
#include "jit/runtime_stubs.hpp"
#include "jit/trap_handler.hpp"

namespace detwasm::jit {

const void* fault_pc(const void* ucontext) {
  auto uc = static_cast<const ucontext_t*>(ucontext);
  return reinterpret_cast<const void*>(uc->uc_mcontext.gregs[REG_RIP]);
}

void resume_at_trap_exit(void* ucontext, TrapKind kind) {
  auto uc = static_cast<ucontext_t*>(ucontext);
  greg_t* regs = uc->uc_mcontext.gregs;
  // Compiled code keeps its context in r15, and every context starts with
  // the ExecState pointer (abi.hpp).
  auto context = reinterpret_cast<ExecState* const*>(regs[REG_R15]);
  ExecState* exec = context[0];
  if (exec->record_frames)
    exec->record_frames(exec, static_cast<uintptr_t>(regs[REG_RBP]), static_cast<uintptr_t>(regs[REG_RIP]));
  regs[REG_RSP] = static_cast<greg_t>(exec->exit_sp);
  regs[REG_RIP] = static_cast<greg_t>(exec->exit_pc);
  regs[REG_RAX] = static_cast<greg_t>(encode_trap(kind));
}

PrebuiltStubs prebuilt_runtime_stubs() { return prebuilt_x64_runtime_stubs(); }

}  // namespace detwasm::jit

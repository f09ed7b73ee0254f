// What running compiled code needs from the host's backend, on a host that
// has none yet: the engine refuses the JIT tier there (api/module.cpp), so
// no compiled code runs. There are no runtime stubs (a host function's
// funcref gets no adapter, which only compiled callers would use); the
// fault hooks are never reached, and fail loudly if one ever is.
#include <cstdio>
#include <cstdlib>

#include "jit/runtime_stubs.hpp"
#include "jit/trap_handler.hpp"

namespace detwasm::jit {

namespace {
[[noreturn]] void no_backend(const char* what) {
  std::fprintf(stderr, "detwasm: %s: the JIT has no backend for this machine\n", what);
  std::abort();
}
}  // namespace

PrebuiltStubs prebuilt_runtime_stubs() { return {{}, 0, 0}; }
const void* fault_pc(const void*) { no_backend("fault_pc"); }
void resume_at_trap_exit(void*, TrapKind) { no_backend("resume_at_trap_exit"); }

}  // namespace detwasm::jit

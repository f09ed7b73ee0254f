// Debian's libasmjit.a is built as position-independent executable code,
// not for a shared library: its one reference to a symbol outside it is to
// the C library's `stderr`, reached as an executable may (directly), which
// a shared library may not. libdetwasm.so therefore defines its own hidden
// `stderr`, which every reference in the library binds to, set to the C
// library's when the library is loaded. Built only when asmjit is linked in.
#include <dlfcn.h>

extern "C" {
struct _IO_FILE;
__attribute__((visibility("hidden"))) _IO_FILE* stderr;
}

namespace {
__attribute__((constructor(101))) void bind_stderr() {
  auto** libc_stderr = static_cast<_IO_FILE**>(dlsym(RTLD_DEFAULT, "stderr"));
  if (libc_stderr) stderr = *libc_stderr;
}
}  // namespace

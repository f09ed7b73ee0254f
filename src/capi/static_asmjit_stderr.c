/* Debian's libasmjit.a is built as position-independent executable code,
   not for a shared library: its one reference to a symbol outside it is
   to the C library's `stderr`, as an executable may reach it (directly),
   which a shared library may not. libdetwasm.so therefore defines its own
   hidden `stderr`, which every reference in the library binds to, set to
   the C library's when the library is loaded. Built only when asmjit is
   linked in. */
#define _GNU_SOURCE
#include <dlfcn.h>

struct _IO_FILE;
__attribute__((visibility("hidden"))) struct _IO_FILE* stderr;

__attribute__((constructor(101))) static void detwasm_bind_stderr(void) {
  struct _IO_FILE** libc_stderr = (struct _IO_FILE**)dlsym(RTLD_DEFAULT, "stderr");
  if (libc_stderr) stderr = *libc_stderr;
}

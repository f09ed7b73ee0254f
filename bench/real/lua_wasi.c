// What Lua's standard library needs and WASI lacks: no shell, no temporary
// files. Both fail the way the C standard allows.
#include <stdio.h>
#include <stdlib.h>

int system(const char* command) {
  (void)command;
  return -1;
}

FILE* tmpfile(void) { return NULL; }

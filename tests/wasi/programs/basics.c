// Arguments, environment, standard streams and the exit code.
// Usage: basics [STATUS [WORDS...]]: prints its arguments and GREETING,
// echoes stdin, and exits with STATUS (default 0).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char** environ;

int main(int argc, char** argv) {
  printf("argc=%d\n", argc);
  for (int i = 1; i < argc; ++i) printf("argv[%d]=%s\n", i, argv[i]);
  int count = 0;
  for (char** e = environ; *e; ++e) ++count;
  printf("environ=%d\n", count);
  const char* greeting = getenv("GREETING");
  printf("GREETING=%s\n", greeting ? greeting : "(unset)");
  char line[256];
  while (fgets(line, sizeof line, stdin)) printf("stdin: %s", line);
  fprintf(stderr, "to stderr\n");
  return argc > 1 ? atoi(argv[1]) : 0;
}

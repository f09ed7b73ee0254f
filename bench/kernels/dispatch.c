// Branches: a small stack-machine interpreter (one switch per instruction)
// running a loop of n iterations that mixes arithmetic and jumps.
#include "kernel.h"

enum {
  OP_PUSH, OP_LOAD, OP_STORE, OP_ADD, OP_SUB, OP_MUL, OP_XOR, OP_SHR,
  OP_AND, OP_JNZ, OP_JZ, OP_JMP, OP_DUP, OP_DROP, OP_HALT,
};

// r0 counter, r1 accumulator, r2 scratch.
static const int32_t kProgram[] = {
    /* 0 */ OP_LOAD, 0, OP_JZ, 45,                                  // while (r0) {
    /* 4 */ OP_LOAD, 1, OP_PUSH, 33, OP_MUL, OP_LOAD, 0, OP_XOR,       //   r1 = (r1 * 33) ^ r0
    /* 12 */ OP_STORE, 1,
    /* 14 */ OP_LOAD, 1, OP_PUSH, 3, OP_AND, OP_JNZ, 28,               //   if (r1 & 3) goto odd
    /* 21 */ OP_LOAD, 1, OP_PUSH, 5, OP_SHR, OP_STORE, 2,              //   r2 = r1 >> 5
    /* 28 */ OP_LOAD, 2, OP_PUSH, 1, OP_ADD, OP_STORE, 2,              //   odd: r2 += 1
    /* 35 */ OP_LOAD, 0, OP_PUSH, 1, OP_SUB,                           //   r0 -= 1
    /* 40 */ OP_DUP, OP_STORE, 0, OP_JNZ, 4,                           // }
    /* 45 */ OP_HALT,
};

static int32_t program[sizeof kProgram / sizeof kProgram[0]];

static uint32_t execute(uint32_t iterations) {
  uint32_t regs[3] = {iterations, 1, 0};
  uint32_t stack[16];
  int sp = 0;
  int pc = 0;
  for (;;) {
    switch (program[pc++]) {
      case OP_PUSH: stack[sp++] = (uint32_t)program[pc++]; break;
      case OP_LOAD: stack[sp++] = regs[program[pc++]]; break;
      case OP_STORE: regs[program[pc++]] = stack[--sp]; break;
      case OP_ADD: --sp; stack[sp - 1] += stack[sp]; break;
      case OP_SUB: --sp; stack[sp - 1] -= stack[sp]; break;
      case OP_MUL: --sp; stack[sp - 1] *= stack[sp]; break;
      case OP_XOR: --sp; stack[sp - 1] ^= stack[sp]; break;
      case OP_SHR: --sp; stack[sp - 1] >>= stack[sp] & 31; break;
      case OP_AND: --sp; stack[sp - 1] &= stack[sp]; break;
      case OP_JNZ: { int32_t t = program[pc++]; if (stack[--sp]) pc = t; break; }
      case OP_JZ: { int32_t t = program[pc++]; if (!stack[--sp]) pc = t; break; }
      case OP_JMP: pc = program[pc]; break;
      case OP_DUP: stack[sp] = stack[sp - 1]; ++sp; break;
      case OP_DROP: --sp; break;
      case OP_HALT: return regs[1] ^ (regs[2] << 16);
      default: return 0xDEADu;
    }
  }
}

KERNEL_BENCH_N(200000)

KERNEL_RUN {
  // Copied at run time so that the compiler cannot specialise the program.
  for (uint32_t i = 0; i < sizeof kProgram / sizeof kProgram[0]; ++i) program[i] = kProgram[i];
  return execute(n);
}

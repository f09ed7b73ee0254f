// wasi-libc has no setjmp (Wasm without exception handling cannot unwind):
// for Lua built for wasm32-wasi, an error ends the program instead.
#pragma once
#include <stdlib.h>
typedef int jmp_buf[1];
#define setjmp(b) ((void)(b), 0)
#define longjmp(b, v) ((void)(b), (void)(v), abort())

// The floating-point environment Wasm runs in: round to nearest, no
// flush-to-zero, no denormals-are-zero, exceptions masked. Entries into Wasm
// set it whatever the host thread had, and restore the host's on exit.
#pragma once

#include <cstdint>

#if defined(__x86_64__)
#include <xmmintrin.h>
#endif

namespace detwasm::internal {

#if defined(__x86_64__)
using FloatEnv = uint32_t;                      // MXCSR
constexpr FloatEnv kWasmFloatEnv = 0x1F80;      // all exceptions masked, nearest, no FTZ/DAZ
inline FloatEnv read_float_env() { return _mm_getcsr(); }
inline void write_float_env(FloatEnv e) { _mm_setcsr(e); }
#elif defined(__aarch64__)
using FloatEnv = uint64_t;                      // FPCR
constexpr FloatEnv kWasmFloatEnv = 0;           // nearest, no FZ, no default-NaN, traps off
inline FloatEnv read_float_env() { return __builtin_aarch64_get_fpcr64(); }
inline void write_float_env(FloatEnv e) { __builtin_aarch64_set_fpcr64(e); }
#else
#error "detwasm supports x86-64 and AArch64 hosts"
#endif

// Sets Wasm's environment (after a host call, which may have changed it).
inline void set_wasm_float_env() {
  if (read_float_env() != kWasmFloatEnv) write_float_env(kWasmFloatEnv);
}

class FloatEnvGuard {
 public:
  FloatEnvGuard() : saved_(read_float_env()) {
    if (saved_ != kWasmFloatEnv) write_float_env(kWasmFloatEnv);
  }
  ~FloatEnvGuard() {
    if (read_float_env() != saved_) write_float_env(saved_);
  }
  FloatEnvGuard(const FloatEnvGuard&) = delete;
  FloatEnvGuard& operator=(const FloatEnvGuard&) = delete;

 private:
  FloatEnv saved_;
};

}  // namespace detwasm::internal

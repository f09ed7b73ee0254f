// Wasm numeric semantics on raw bits, deterministic on every host: every
// float result that may be a NaN is the canonical NaN; bit-pattern operators
// (abs, neg, copysign, reinterpret) keep bits exactly.
#pragma once

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>

#include <detwasm/trap.hpp>

namespace detwasm::internal::num {

constexpr uint32_t kF32CanonicalNan = 0x7FC00000u;
constexpr uint64_t kF64CanonicalNan = 0x7FF8000000000000ull;

inline float f32(uint64_t bits) { return std::bit_cast<float>(static_cast<uint32_t>(bits)); }
inline double f64(uint64_t bits) { return std::bit_cast<double>(bits); }
inline uint64_t bits32(float v) {
  return std::isnan(v) ? kF32CanonicalNan : std::bit_cast<uint32_t>(v);
}
inline uint64_t bits64(double v) { return std::isnan(v) ? kF64CanonicalNan : std::bit_cast<uint64_t>(v); }

template <typename F>
F wasm_min(F a, F b) {
  if (std::isnan(a) || std::isnan(b)) return std::numeric_limits<F>::quiet_NaN();
  if (a == b) return std::signbit(a) ? a : b;  // min(-0, +0) is -0
  return a < b ? a : b;
}
template <typename F>
F wasm_max(F a, F b) {
  if (std::isnan(a) || std::isnan(b)) return std::numeric_limits<F>::quiet_NaN();
  if (a == b) return std::signbit(a) ? b : a;  // max(-0, +0) is +0
  return a > b ? a : b;
}
// Round half to even, independent of the host's rounding mode.
template <typename F>
F wasm_nearest(F a) {
  if (!std::isfinite(a) || a == 0) return a;
  F r = std::round(a);  // half away from zero
  if (std::fabs(a - std::trunc(a)) == F(0.5)) r = F(2) * std::round(a / F(2));
  return r == 0 ? std::copysign(F(0), a) : r;
}

// Float-to-int truncation that traps. `Lo` and `Hi` are the exclusive bounds
// of the float values that truncate into range.
template <typename I, typename F>
inline TrapKind trunc_checked(F v, I* out) {
  if (std::isnan(v)) return TrapKind::InvalidConversion;
  constexpr bool kSigned = std::numeric_limits<I>::is_signed;
  constexpr int kBits = sizeof(I) * 8;
  // Exclusive bounds: (-2^(n-1) - 1, 2^(n-1)) signed, (-1, 2^n) unsigned.
  const double hi = kSigned ? std::ldexp(1.0, kBits - 1) : std::ldexp(1.0, kBits);
  const double lo_excl = kSigned ? -std::ldexp(1.0, kBits - 1) - 1.0 : -1.0;
  double t = std::trunc(static_cast<double>(v));
  if constexpr (kBits == 64) {
    // -2^63 - 1 is not representable in double: compare the truncated value.
    if (kSigned ? (t < -std::ldexp(1.0, 63) || t >= hi) : (t <= lo_excl || t >= hi))
      return TrapKind::IntegerOverflow;
  } else {
    if (t <= lo_excl || t >= hi) return TrapKind::IntegerOverflow;
  }
  *out = static_cast<I>(t);
  return TrapKind::Unreachable;  // meaning: no trap
}

template <typename I, typename F>
inline I trunc_sat(F v) {
  if (std::isnan(v)) return 0;
  constexpr bool kSigned = std::numeric_limits<I>::is_signed;
  constexpr int kBits = sizeof(I) * 8;
  const double hi = kSigned ? std::ldexp(1.0, kBits - 1) : std::ldexp(1.0, kBits);
  const double lo = kSigned ? -std::ldexp(1.0, kBits - 1) : 0.0;
  double t = std::trunc(static_cast<double>(v));
  if (t < lo) return std::numeric_limits<I>::min();
  if (t >= hi) return std::numeric_limits<I>::max();
  return static_cast<I>(t);
}

inline uint32_t f32_copysign(uint32_t a, uint32_t b) { return (a & 0x7FFFFFFFu) | (b & 0x80000000u); }
inline uint64_t f64_copysign(uint64_t a, uint64_t b) {
  return (a & 0x7FFFFFFFFFFFFFFFull) | (b & 0x8000000000000000ull);
}

}  // namespace detwasm::internal::num
